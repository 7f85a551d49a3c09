//! Rules over the notice of justering on the anslagstavla: it goes up at the latest the second
//! day after justering (Kommunallagen 8 kap. 12 §) and stays up until the three-week appeal
//! period has run out (13 kap. 5 §); deadlines move past weekends and holidays.

use jiff::civil::Date;
use serde_json::json;

use super::{FindingCode, finding};
use crate::minutes::MinutesFacts;
use crate::record::Finding;
use crate::verify::calendar::deadline;
use crate::verify::policy::Policy;

fn date(s: Option<&str>) -> Option<Date> {
    s?.parse().ok()
}

/// `notice.posted_late`: posted later than the policy's days after justering.
pub fn posted_late(
    minutes: &MinutesFacts,
    justering: Option<Date>,
    policy: &Policy,
) -> Vec<Finding> {
    let notice = minutes.notice.as_ref();
    // Justering is the last required signature; without one, the date the minutes announce.
    let justering =
        justering.or_else(|| date(minutes.justering.as_ref().and_then(|j| j.date.as_deref())));
    let (Some(posted), Some(justering)) =
        (date(notice.and_then(|n| n.posted.as_deref())), justering)
    else {
        return Vec::new();
    };
    let due = deadline(justering, policy.notice_within_days);
    if posted <= due {
        return Vec::new();
    }
    vec![finding(
        policy,
        FindingCode::NoticePostedLate,
        format!(
            "The notice went up on {posted}; justering was on {justering}, so it was due by {due}."
        ),
        &[
            ("posted", json!(posted.to_string())),
            ("justering", json!(justering.to_string())),
            ("deadline", json!(due.to_string())),
        ],
    )]
}

/// `notice.period_too_short`: taken down before the appeal period from posting ran out.
pub fn period_too_short(minutes: &MinutesFacts, policy: &Policy) -> Vec<Finding> {
    let Some(n) = minutes.notice.as_ref() else {
        return Vec::new();
    };
    let (Some(posted), Some(down)) = (date(n.posted.as_deref()), date(n.taken_down.as_deref()))
    else {
        return Vec::new();
    };
    let until = deadline(posted, policy.notice_min_days);
    if down >= until {
        return Vec::new();
    }
    vec![finding(
        policy,
        FindingCode::NoticePeriodTooShort,
        format!("The notice was up from {posted} to {down}; the appeal period runs until {until}."),
        &[
            ("posted", json!(posted.to_string())),
            ("taken_down", json!(down.to_string())),
            ("appeal_period_ends", json!(until.to_string())),
        ],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::Notice;
    use jiff::civil::date as d;

    fn minutes(posted: &str, down: &str) -> MinutesFacts {
        MinutesFacts {
            notice: Some(Notice {
                posted: Some(posted.into()),
                taken_down: Some(down.into()),
            }),
            ..MinutesFacts::default()
        }
    }

    #[test]
    fn three_weeks_is_enough_and_less_is_not() {
        let p = Policy::default();
        assert!(period_too_short(&minutes("2023-12-22", "2024-01-12"), &p).is_empty());
        assert_eq!(
            period_too_short(&minutes("2023-12-22", "2024-01-05"), &p).len(),
            1
        );
    }

    #[test]
    fn notice_two_days_after_justering_is_on_time_a_week_is_late() {
        let p = Policy::default();
        // Justering Wednesday 2023-12-20: due Friday 2023-12-22.
        assert!(
            posted_late(
                &minutes("2023-12-22", "2024-01-12"),
                Some(d(2023, 12, 20)),
                &p
            )
            .is_empty()
        );
        assert_eq!(
            posted_late(
                &minutes("2023-12-28", "2024-01-19"),
                Some(d(2023, 12, 20)),
                &p
            )
            .len(),
            1
        );
    }

    #[test]
    fn deadline_on_a_weekend_moves_to_monday() {
        let p = Policy::default();
        // Justering Thursday 2024-10-31 + 2 = Saturday → Monday 2024-11-04.
        assert!(
            posted_late(
                &minutes("2024-11-04", "2024-11-26"),
                Some(d(2024, 10, 31)),
                &p
            )
            .is_empty()
        );
    }
}
