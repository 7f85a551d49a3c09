//! Swedish legal day counting: deadlines that fall on a Saturday, a Sunday or a public holiday
//! move to the next weekday (Lag (1930:173) om beräkning av lagstadgad tid), with
//! midsommarafton, julafton and nyårsafton counted as holidays (verdict.md § Time).

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// Easter Sunday of `year` (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher).
pub fn easter(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The first `weekday` on or after `date`.
fn on_or_after(date: Date, weekday: Weekday) -> Date {
    let ahead = (7 + weekday.to_monday_zero_offset() - date.weekday().to_monday_zero_offset()) % 7;
    date.checked_add(i64::from(ahead).days()).unwrap_or(date)
}

/// Why `date` is a Swedish public holiday (or a day the law treats as one), if it is.
pub fn holiday(date: Date) -> Option<&'static str> {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let fixed = match (m, d) {
        (1, 1) => Some("nyårsdagen"),
        (1, 6) => Some("trettondedag jul"),
        (5, 1) => Some("första maj"),
        (6, 6) => Some("Sveriges nationaldag"),
        (12, 24) => Some("julafton"),
        (12, 25) => Some("juldagen"),
        (12, 26) => Some("annandag jul"),
        (12, 31) => Some("nyårsafton"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    if let Some(easter) = easter(y) {
        let offset = |days: i64| easter.checked_add(days.days()).ok();
        for (days, name) in [
            (-2, "långfredagen"),
            (0, "påskdagen"),
            (1, "annandag påsk"),
            (39, "Kristi himmelsfärdsdag"),
            (49, "pingstdagen"),
        ] {
            if offset(days) == Some(date) {
                return Some(name);
            }
        }
    }
    let nth = |month: i8, day: i8, weekday: Weekday| {
        Date::new(y, month, day)
            .ok()
            .map(|d| on_or_after(d, weekday))
    };
    if nth(6, 19, Weekday::Friday) == Some(date) {
        return Some("midsommarafton");
    }
    if nth(6, 20, Weekday::Saturday) == Some(date) {
        return Some("midsommardagen");
    }
    if nth(10, 31, Weekday::Saturday) == Some(date) {
        return Some("alla helgons dag");
    }
    None
}

/// True for a Saturday, a Sunday or a holiday.
pub fn is_non_working_day(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) || holiday(date).is_some()
}

/// The last day of a period of `days` days counted from `start`, moved past weekends and
/// holidays to the next weekday as the law says.
pub fn deadline(start: Date, days: i64) -> Date {
    let mut due = start.checked_add(days.days()).unwrap_or(start);
    // A bound, not a loop condition: no run of non-working days is longer than a few days.
    for _ in 0..14 {
        if !is_non_working_day(due) {
            break;
        }
        due = due.tomorrow().unwrap_or(due);
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_dates_are_right() {
        assert_eq!(easter(2022), Some(date(2022, 4, 17)));
        assert_eq!(easter(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter(2025), Some(date(2025, 4, 20)));
    }

    #[test]
    fn movable_and_fixed_holidays() {
        assert_eq!(holiday(date(2024, 3, 29)), Some("långfredagen"));
        assert_eq!(holiday(date(2024, 5, 9)), Some("Kristi himmelsfärdsdag"));
        assert_eq!(holiday(date(2024, 6, 21)), Some("midsommarafton"));
        assert_eq!(holiday(date(2023, 11, 4)), Some("alla helgons dag"));
        assert_eq!(holiday(date(2024, 12, 24)), Some("julafton"));
        assert_eq!(holiday(date(2024, 6, 20)), None);
    }

    #[test]
    fn deadline_on_a_weekday_stays() {
        // Meeting Wednesday 2024-10-16 + 14 days = Wednesday 2024-10-30.
        assert_eq!(deadline(date(2024, 10, 16), 14), date(2024, 10, 30));
    }

    #[test]
    fn deadline_on_a_sunday_moves_to_monday() {
        assert_eq!(deadline(date(2024, 10, 13), 14), date(2024, 10, 28));
    }

    #[test]
    fn deadline_over_christmas_moves_past_all_of_it() {
        // 2024-12-10 + 14 = Tuesday 24 Dec (julafton) → 25, 26 holidays → Friday 27 Dec.
        assert_eq!(deadline(date(2024, 12, 10), 14), date(2024, 12, 27));
    }

    #[test]
    fn deadline_on_midsummer_eve_moves_to_monday() {
        assert_eq!(deadline(date(2024, 6, 7), 14), date(2024, 6, 24));
    }
}
