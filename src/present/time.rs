//! Times for people: in the pipeline's zone (`[verify] zone`, e.g. Europe/Stockholm) with the
//! offset written out, so a reader can tell summer from winter time and convert back to the
//! record's UTC without a table.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The format of every time shown to people: `2022-09-26 10:58:35 +02:00`.
const FORMAT: &str = "%Y-%m-%d %H:%M:%S %:z";

/// `time` as a person in `zone` reads it: `2022-09-26 10:58:35 +02:00`.
pub fn local(time: Timestamp, zone: &TimeZone) -> String {
    time.to_zoned(zone.clone()).strftime(FORMAT).to_string()
}

/// An RFC 3339 time (as the record writes it) in `zone`; `None` when it is not one, so the
/// caller can show the text as it is.
pub fn parse_local(text: &str, zone: &TimeZone) -> Option<String> {
    text.parse::<Timestamp>().ok().map(|t| local(t, zone))
}

/// An RFC 3339 time in `zone`, or the text unchanged when it is not one (a date alone, a
/// time without offset): a record's text is shown, never dropped.
pub fn local_text(text: &str, zone: &TimeZone) -> String {
    parse_local(text, zone).unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stockholm() -> TimeZone {
        TimeZone::get("Europe/Stockholm").expect("bundled tzdb")
    }

    #[test]
    fn summer_and_winter_times_carry_their_offset() {
        let summer: Timestamp = "2022-09-26T08:58:35Z".parse().unwrap();
        assert_eq!(local(summer, &stockholm()), "2022-09-26 10:58:35 +02:00");
        let winter: Timestamp = "2024-10-29T10:36:45Z".parse().unwrap();
        assert_eq!(local(winter, &stockholm()), "2024-10-29 11:36:45 +01:00");
    }

    #[test]
    fn utc_zone_shows_zero_offset() {
        let t: Timestamp = "2024-10-29T10:36:45.123456789Z".parse().unwrap();
        assert_eq!(local(t, &TimeZone::UTC), "2024-10-29 10:36:45 +00:00");
    }

    #[test]
    fn text_that_is_not_a_time_is_kept() {
        assert_eq!(local_text("2022-09-26", &stockholm()), "2022-09-26");
        assert_eq!(parse_local("soon", &stockholm()), None);
        assert_eq!(
            local_text("2022-09-26T08:58:35+00:00", &stockholm()),
            "2022-09-26 10:58:35 +02:00"
        );
    }
}
