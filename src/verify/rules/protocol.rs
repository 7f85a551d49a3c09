//! Rules over the minutes and who signed them: signers against participants, missing
//! designated signatures, signing order, signing before the meeting, the justering deadline
//! (Kommunallagen 5 kap. 69 §), and sources that disagree about one signing.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde_json::json;

use super::{FindingCode, finding};
use crate::minutes::MinutesFacts;
use crate::record::{Finding, SignerRole};
use crate::verify::calendar::deadline;
use crate::verify::identity::{fold, same_person};
use crate::verify::policy::{Policy, SigningRole};
use crate::verify::signing::{MatchState, Signing};

fn local_date(t: Timestamp, tz: &TimeZone) -> Date {
    t.to_zoned(tz.clone()).date()
}

fn role_of(r: SigningRole) -> SignerRole {
    match r {
        SigningRole::Secretary => SignerRole::Secretary,
        SigningRole::Chair => SignerRole::Chair,
        SigningRole::Adjuster => SignerRole::Adjuster,
    }
}

/// `signer.not_participant`: someone signed who is neither a participant nor a designated
/// signer (or matches several of them).
pub fn not_participant(events: &[Signing], policy: &Policy) -> Vec<Finding> {
    events
        .iter()
        .filter(|e| matches!(e.matched, MatchState::Unmatched | MatchState::Ambiguous))
        .map(|e| {
            let why = if e.matched == MatchState::Ambiguous {
                "the name matches more than one person in the minutes"
            } else {
                "nobody in the participant list or among the designated signers has that name"
            };
            finding(
                policy,
                FindingCode::SignerNotParticipant,
                format!("{} signed, but {why}.", e.name),
                &[
                    (
                        "signer",
                        json!(e.signer_name.clone().unwrap_or_else(|| e.name.clone())),
                    ),
                    ("email", json!(e.email)),
                    ("source", json!(e.source)),
                    ("time", json!(e.time.map(|t| t.to_string()))),
                ],
            )
        })
        .collect()
}

/// `signer.not_participant` for each inked signature row of a scan whose printed name is
/// nobody's in the minutes: the OCR text is the evidence, and no person is made of it.
pub fn pen_not_participant(
    unknown: &[crate::verify::pen::UnknownPen],
    policy: &Policy,
) -> Vec<Finding> {
    unknown
        .iter()
        .map(|u| {
            finding(
                policy,
                FindingCode::SignerNotParticipant,
                format!(
                    "Scanned page {} has a handwritten signature above \"{}\", which names nobody in the participant list or among the designated signers.",
                    u.page, u.text
                ),
                &[
                    ("ocr_text", json!(u.text)),
                    ("source", json!("pen")),
                    ("page", json!(u.page)),
                    ("line", json!(u.line)),
                    (
                        "ink",
                        json!({"box": [u.area.left, u.area.top, u.area.right, u.area.bottom]}),
                    ),
                ],
            )
        })
        .collect()
}

/// The designated people of `role` in the minutes.
fn designated(minutes: &MinutesFacts, role: SignerRole) -> &[String] {
    match role {
        SignerRole::Chair => &minutes.designated.chair,
        SignerRole::Secretary => &minutes.designated.secretary,
        SignerRole::Adjuster => &minutes.designated.adjusters,
        SignerRole::Other => &[],
    }
}

/// True when `event` is `name`'s signature.
fn signed_by(event: &Signing, name: &str) -> bool {
    event.matched == MatchState::Matched && same_person(&fold(&event.name), &fold(name))
}

/// `role.missing_signature`: a designated chair, secretary or adjuster did not sign.
pub fn missing_signature(
    minutes: &MinutesFacts,
    events: &[Signing],
    policy: &Policy,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for role in [
        SignerRole::Secretary,
        SignerRole::Chair,
        SignerRole::Adjuster,
    ] {
        for name in designated(minutes, role) {
            if !events.iter().any(|e| signed_by(e, name)) {
                out.push(finding(
                    policy,
                    FindingCode::RoleMissingSignature,
                    format!("{name}, designated {}, has not signed.", role_name(role)),
                    &[("name", json!(name)), ("role", json!(role))],
                ));
            }
        }
    }
    out
}

fn role_name(role: SignerRole) -> &'static str {
    match role {
        SignerRole::Chair => "chair (ordförande)",
        SignerRole::Secretary => "secretary (sekreterare)",
        SignerRole::Adjuster => "adjuster (justerare)",
        SignerRole::Other => "signer",
    }
}

/// `order.violation`: a designated signer signed before someone the policy puts first. Only
/// signings with a time are in an order: pen signatures on a scan have none, and the order
/// they are listed in is where they stand on the page, not when they were made.
pub fn order_violation(events: &[Signing], policy: &Policy) -> Vec<Finding> {
    let rank = |role: SignerRole| {
        policy
            .signing_order
            .iter()
            .position(|r| role_of(*r) == role)
    };
    let ranked: Vec<(&Signing, usize)> = events
        .iter()
        .filter(|e| e.matched == MatchState::Matched && e.time.is_some())
        .filter_map(|e| Some((e, rank(e.role)?)))
        .collect();
    let mut out = Vec::new();
    for (i, (late, late_rank)) in ranked.iter().enumerate() {
        // Someone ranked after `late` who signed before them.
        if let Some((early, _)) = ranked[..i].iter().find(|(_, r)| r > late_rank) {
            out.push(finding(
                policy,
                FindingCode::OrderViolation,
                format!(
                    "{} ({}) signed after {} ({}); the policy's order is {:?}.",
                    late.name,
                    role_name(late.role),
                    early.name,
                    role_name(early.role),
                    policy.signing_order
                ),
                &[
                    ("signed_first", json!({"name": early.name, "role": early.role, "time": early.time.map(|t| t.to_string())})),
                    ("signed_later", json!({"name": late.name, "role": late.role, "time": late.time.map(|t| t.to_string())})),
                ],
            ));
            break;
        }
    }
    out
}

/// When the meeting started: its date and start time in the organisation's zone, else the
/// start of its date.
fn meeting_start(minutes: &MinutesFacts, tz: &TimeZone) -> Option<Timestamp> {
    let date: Date = minutes.meeting.date.as_deref()?.parse().ok()?;
    let time = minutes
        .meeting
        .start
        .as_deref()
        .and_then(|s| s.parse::<Time>().ok())
        .unwrap_or(Time::midnight());
    date.to_datetime(time)
        .to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// `time.signed_before_meeting`: a signature dated before the meeting began.
pub fn signed_before_meeting(
    minutes: &MinutesFacts,
    events: &[Signing],
    policy: &Policy,
    tz: &TimeZone,
) -> Vec<Finding> {
    let Some(start) = meeting_start(minutes, tz) else {
        return Vec::new();
    };
    events
        .iter()
        .filter(|e| e.time.is_some_and(|t| t < start))
        .map(|e| {
            finding(
                policy,
                FindingCode::TimeSignedBeforeMeeting,
                format!(
                    "{} signed {} , before the meeting of {} began.",
                    e.name,
                    e.time.map(|t| t.to_string()).unwrap_or_default(),
                    minutes.meeting.date.clone().unwrap_or_default()
                ),
                &[
                    ("name", json!(e.name)),
                    ("time", json!(e.time.map(|t| t.to_string()))),
                    ("meeting_date", json!(minutes.meeting.date)),
                    ("meeting_start", json!(minutes.meeting.start)),
                ],
            )
        })
        .collect()
}

/// The time of the last required signature: justering (verdict.md § Time).
pub fn justering_time(minutes: &MinutesFacts, events: &[Signing]) -> Option<Timestamp> {
    let required: Vec<&String> = [
        SignerRole::Secretary,
        SignerRole::Chair,
        SignerRole::Adjuster,
    ]
    .into_iter()
    .flat_map(|r| designated(minutes, r))
    .collect();
    let signed: Vec<&Signing> = events
        .iter()
        .filter(|e| required.iter().any(|n| signed_by(e, n)))
        .collect();
    let latest = signed.iter().filter_map(|e| e.time).max();
    if latest.is_some() || signed.is_empty() {
        return latest;
    }
    // Every required signature is undated (pen on paper): the minutes' own justering date
    // ("Justeringsdatum: 2023-12-20") is when they were justerade, taken as the start of
    // that day in UTC, which is the same local date in Swedish time.
    minutes
        .justering
        .as_ref()?
        .date
        .as_deref()?
        .parse::<Date>()
        .ok()?
        .to_datetime(Time::midnight())
        .to_zoned(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// `time.justering_deadline_exceeded`: the last required signature came later than the
/// policy's days after the meeting (moved past weekends and holidays).
pub fn justering_deadline(
    minutes: &MinutesFacts,
    events: &[Signing],
    policy: &Policy,
    tz: &TimeZone,
) -> Vec<Finding> {
    let (Some(date), Some(last)) = (
        minutes
            .meeting
            .date
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok()),
        justering_time(minutes, events),
    ) else {
        return Vec::new();
    };
    let due = deadline(date, policy.justering_deadline_days);
    let signed = local_date(last, tz);
    if signed <= due {
        return Vec::new();
    }
    vec![finding(
        policy,
        FindingCode::TimeJusteringDeadlineExceeded,
        format!(
            "The minutes were justerade on {signed}, after the deadline {due} ({} days after the meeting of {date}).",
            policy.justering_deadline_days
        ),
        &[
            ("meeting_date", json!(date.to_string())),
            ("deadline", json!(due.to_string())),
            ("justering", json!(signed.to_string())),
        ],
    )]
}

/// `time.sources_disagree`: two sources date one signing further apart than the tolerance
/// (a visible stamp is compared after truncating the other time to its minute).
pub fn sources_disagree(events: &[Signing], policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in events {
        'pairs: for (i, a) in e.times.iter().enumerate() {
            for b in &e.times[i + 1..] {
                let minute = a.minute_precision || b.minute_precision;
                let trunc = |t: Timestamp| {
                    if minute {
                        Timestamp::from_second(t.as_second() - t.as_second().rem_euclid(60))
                            .unwrap_or(t)
                    } else {
                        t
                    }
                };
                let diff = (trunc(a.time).as_second() - trunc(b.time).as_second()).abs();
                if diff > policy.time_tolerance_seconds {
                    out.push(finding(
                        policy,
                        FindingCode::TimeSourcesDisagree,
                        format!(
                            "{}'s signing is dated {} by {:?} ({}) but {} by {:?} ({}): {diff} s apart.",
                            e.name, a.time, a.source, a.at, b.time, b.source, b.at
                        ),
                        &[
                            ("name", json!(e.name)),
                            ("first", json!(a)),
                            ("second", json!(b)),
                            ("difference_seconds", json!(diff)),
                        ],
                    ));
                    break 'pairs;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::{Designated, Meeting};
    use crate::record::SigningSource;
    use crate::verify::signing::SourceTime;

    fn minutes() -> MinutesFacts {
        MinutesFacts {
            meeting: Meeting {
                date: Some("2024-10-25".into()),
                start: Some("09:00".into()),
                ..Meeting::default()
            },
            designated: Designated {
                chair: vec!["Niklas Daoson".into()],
                secretary: vec!["Elise Ackerot".into()],
                adjusters: vec!["Mikael Westin".into()],
            },
            ..MinutesFacts::default()
        }
    }

    fn event(name: &str, role: SignerRole, time: &str) -> Signing {
        let t: Timestamp = time.parse().unwrap();
        Signing {
            name: name.into(),
            signer_name: Some(name.into()),
            email: None,
            role,
            matched: MatchState::Matched,
            source: SigningSource::Pades,
            time: Some(t),
            times: vec![SourceTime {
                source: SigningSource::Pades,
                time: t,
                minute_precision: false,
                at: "field".into(),
                uncovered: None,
            }],
        }
    }

    fn in_order() -> Vec<Signing> {
        vec![
            event(
                "Elise Ackerot",
                SignerRole::Secretary,
                "2024-10-29T15:02:11Z",
            ),
            event("Niklas Daoson", SignerRole::Chair, "2024-10-31T07:47:36Z"),
            event(
                "Mikael Westin",
                SignerRole::Adjuster,
                "2024-11-01T09:15:54Z",
            ),
        ]
    }

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn all_signed_in_order_on_time_finds_nothing() {
        let (m, p, e) = (minutes(), Policy::default(), in_order());
        assert!(missing_signature(&m, &e, &p).is_empty());
        assert!(order_violation(&e, &p).is_empty());
        assert!(signed_before_meeting(&m, &e, &p, &tz()).is_empty());
        assert!(justering_deadline(&m, &e, &p, &tz()).is_empty());
        assert!(not_participant(&e, &p).is_empty());
    }

    #[test]
    fn adjuster_who_never_signed_is_missing() {
        let (m, p) = (minutes(), Policy::default());
        let e = &in_order()[..2];
        let f = missing_signature(&m, e, &p);
        assert_eq!(codes(&f), ["role.missing_signature"]);
        assert_eq!(f[0].evidence["name"], "Mikael Westin");
    }

    #[test]
    fn chair_before_secretary_is_an_order_violation() {
        let p = Policy::default();
        let mut e = in_order();
        e.swap(0, 1);
        assert_eq!(codes(&order_violation(&e, &p)), ["order.violation"]);
    }

    #[test]
    fn pen_signatures_without_times_are_in_no_order() {
        // The chair's block stands before the secretary's on the scan: where they signed,
        // not when.
        let p = Policy::default();
        let mut e = in_order();
        e.swap(0, 1);
        for s in &mut e {
            s.time = None;
            s.times.clear();
            s.source = SigningSource::Text;
        }
        assert!(order_violation(&e, &p).is_empty());
    }

    #[test]
    fn signature_the_day_before_the_meeting_is_too_early() {
        let (m, p) = (minutes(), Policy::default());
        let mut e = in_order();
        e[0] = event(
            "Elise Ackerot",
            SignerRole::Secretary,
            "2024-10-24T15:02:11Z",
        );
        e.sort_by_key(|x| x.time);
        assert_eq!(
            codes(&signed_before_meeting(&m, &e, &p, &tz())),
            ["time.signed_before_meeting"]
        );
    }

    #[test]
    fn justering_twenty_days_after_is_late_but_on_the_moved_deadline_is_not() {
        let (m, p) = (minutes(), Policy::default());
        let mut e = in_order();
        e[2] = event(
            "Mikael Westin",
            SignerRole::Adjuster,
            "2024-11-14T09:00:00Z",
        );
        assert_eq!(
            codes(&justering_deadline(&m, &e, &p, &tz())),
            ["time.justering_deadline_exceeded"]
        );
        // 2024-10-25 + 14 = Friday 2024-11-08: that day is still on time.
        e[2] = event(
            "Mikael Westin",
            SignerRole::Adjuster,
            "2024-11-08T15:00:00Z",
        );
        assert!(justering_deadline(&m, &e, &p, &tz()).is_empty());
    }

    #[test]
    fn stamp_an_hour_off_disagrees_but_minute_truncation_does_not() {
        let p = Policy::default();
        let mut e = event("Erik Lövgren", SignerRole::Chair, "2022-09-26T09:09:58Z");
        e.times.push(SourceTime {
            source: SigningSource::Text,
            time: "2022-09-26T09:09:00Z".parse().unwrap(),
            minute_precision: true,
            at: "page 3".into(),
            uncovered: None,
        });
        assert!(sources_disagree(std::slice::from_ref(&e), &p).is_empty());
        e.times[1].time = "2022-09-26T10:09:00Z".parse().unwrap();
        assert_eq!(
            codes(&sources_disagree(&[e], &p)),
            ["time.sources_disagree"]
        );
    }

    #[test]
    fn stranger_signing_is_not_a_participant() {
        let p = Policy::default();
        let mut e = event("Okänd Person", SignerRole::Other, "2024-10-29T15:02:11Z");
        e.matched = MatchState::Unmatched;
        assert_eq!(
            codes(&not_participant(&[e], &p)),
            ["signer.not_participant"]
        );
    }
}
