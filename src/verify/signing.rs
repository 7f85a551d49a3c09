//! One list of signing events: every way the document says someone signed — a PDF signature,
//! an e-sign audit trail's "e-signed" event, a visible stamp in the text — merged into one
//! event per person, in signing order, with each source's time kept for comparison.

use jiff::Timestamp;

use super::cover::Covers;
use super::identity::{FoldedName, NameMatch, fold, match_folded, same_person};
use super::pen::PenSigning;
use super::rules::signature::signing_time;
use crate::audit::facts::signings;
use crate::audit::{AuditTrail, stamp::Stamp};
use crate::minutes::MinutesFacts;
use crate::record::{SignerRole, SigningSource};
// The event types are the record's; re-exported where this stage builds them.
pub use crate::record::{MatchState, Signing, SourceTime};
use crate::signature::examine::SignatureFacts;

/// The people a signer may be, with the role each is designated for.
struct People<'a> {
    names: Vec<&'a str>,
    roles: Vec<SignerRole>,
}

fn people(minutes: Option<&MinutesFacts>) -> People<'_> {
    let mut names = Vec::new();
    let mut roles = Vec::new();
    if let Some(m) = minutes {
        // Designated signers first, so a person both listed and designated takes the role.
        for (list, role) in [
            (&m.designated.secretary, SignerRole::Secretary),
            (&m.designated.chair, SignerRole::Chair),
            (&m.designated.adjusters, SignerRole::Adjuster),
        ] {
            for n in list {
                names.push(n.as_str());
                roles.push(role);
            }
        }
        for p in &m.participants {
            names.push(p.name.as_str());
            roles.push(SignerRole::Other);
        }
    }
    People { names, roles }
}

/// A PDF signature that seals the document for a platform rather than recording a person: a
/// certification signature, any PDF signature of an e-sign platform whose audit trail records
/// the people, or the seal that vouches for a trail or stamps in the text — when its signer is
/// none of the minutes' people and its certificate names no natural person (a stranger's
/// personal signature is a signer, and `signer.not_participant` says so).
fn is_seal(s: &SignatureFacts, has_trail: bool, matched: bool, covers: &Covers) -> bool {
    let person = s.signer.as_ref().is_some_and(|x| x.natural_person);
    !matched && !person && (has_trail || s.certification || covers.sealed_by(s))
}

/// Merges every source into one event per person, ordered by time. `covers` says which
/// trails and stamps a checked seal vouches for.
pub fn signing_events(
    signatures: &[SignatureFacts],
    trails: &[AuditTrail],
    stamps: &[Stamp],
    covers: &Covers,
    pens: &[PenSigning],
    minutes: Option<&MinutesFacts>,
) -> Vec<Signing> {
    let people = people(minutes);
    let folded: Vec<FoldedName> = people.names.iter().map(|n| fold(n)).collect();
    let identify = |name: Option<&str>, email: Option<&str>| -> (MatchState, Option<usize>) {
        if minutes.is_none() {
            return (MatchState::NoMinutes, None);
        }
        match match_folded(name, email, &folded) {
            NameMatch::Unique(i) => (MatchState::Matched, Some(i)),
            NameMatch::Ambiguous(_) => (MatchState::Ambiguous, None),
            NameMatch::NoMatch => (MatchState::Unmatched, None),
        }
    };
    let mut events: Vec<Signing> = Vec::new();
    let mut add = |name: Option<String>, email: Option<String>, source: SourceTime| {
        let (state, who) = identify(name.as_deref(), email.as_deref());
        let display = who
            .and_then(|i| people.names.get(i))
            .map(|n| (*n).to_owned())
            .or_else(|| name.clone())
            .or_else(|| email.clone())
            .unwrap_or_else(|| "unknown signer".into());
        let role = who
            .and_then(|i| people.roles.get(i).copied())
            .unwrap_or(SignerRole::Other);
        // The same person from another source joins their event.
        let existing = events.iter_mut().find(|e| {
            (who.is_some()
                && e.matched == MatchState::Matched
                && same_person(&fold(&e.name), &fold(&display)))
                || (who.is_none()
                    && (e
                        .signer_name
                        .as_deref()
                        .zip(name.as_deref())
                        .is_some_and(|(a, b)| same_person(&fold(a), &fold(b)))
                        || e.email
                            .as_deref()
                            .zip(email.as_deref())
                            .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))))
        });
        match existing {
            Some(e) => {
                e.times.push(source);
                e.email = e.email.take().or(email);
            }
            None => events.push(Signing {
                name: display,
                signer_name: name,
                email,
                role,
                matched: state,
                source: source.source,
                time: Some(source.time),
                times: vec![source],
            }),
        }
    };

    let has_trail = !trails.is_empty();
    for s in signatures.iter().filter(|s| !s.doc_timestamp) {
        let cn = s.signer.as_ref().and_then(|x| x.common_name.clone());
        let email = s.signer.as_ref().and_then(|x| x.email.clone());
        let matched = identify(cn.as_deref(), email.as_deref()).0 == MatchState::Matched;
        if is_seal(s, has_trail, matched, covers) {
            continue;
        }
        let field = s.field.as_deref().unwrap_or("(none)");
        // A signing service's certificate says when the signer logged in to sign: that is
        // the signing's time, and the signature's own time (often its `/M`, set by the
        // service a few seconds before or after) is a second source beside it.
        let login = s
            .signer
            .as_ref()
            .and_then(|x| x.auth_context.as_ref())
            .and_then(|c| c.instant());
        if let Some(time) = login {
            add(
                cn.clone(),
                email.clone(),
                SourceTime {
                    source: SigningSource::EidLogin,
                    time,
                    minute_precision: false,
                    at: format!("eID login in the certificate of signature field {field}"),
                    uncovered: None,
                },
            );
        }
        let Some(time) = signing_time(s).and_then(|t| t.parse::<Timestamp>().ok()) else {
            continue;
        };
        add(
            cn,
            email,
            SourceTime {
                source: SigningSource::Pades,
                time,
                minute_precision: false,
                at: format!("signature field {field}"),
                uncovered: None,
            },
        );
    }
    for (i, trail) in trails.iter().enumerate() {
        let uncovered = covers.trail(i);
        for s in signings(trail) {
            add(
                s.name.clone(),
                s.email.clone(),
                SourceTime {
                    source: SigningSource::AuditTrail,
                    time: s.time,
                    minute_precision: false,
                    at: format!("audit trail page {} line {}", s.page, s.line),
                    uncovered,
                },
            );
        }
    }
    for (i, st) in stamps.iter().enumerate() {
        add(
            Some(st.name.clone()),
            None,
            SourceTime {
                source: SigningSource::Text,
                time: st.utc,
                minute_precision: !st.has_seconds,
                at: format!("page {} line {}", st.page, st.line),
                uncovered: covers.stamp(i),
            },
        );
    }
    // The primary time is the best source's: the eID login a signing service's certificate
    // records, then a PDF signature, then the audit trail, then a stamp (it shows minutes
    // only).
    for e in &mut events {
        if let Some(best) = e.times.iter().min_by_key(|t| match t.source {
            SigningSource::EidLogin => 0,
            SigningSource::Pades => 1,
            SigningSource::AuditTrail => 2,
            SigningSource::Text => 3,
        }) {
            e.source = best.source;
            e.time = Some(best.time);
        }
    }
    // Pen signatures have no time: they come after the timed events, in the block's order
    // (the sort is stable), and never join another source's event.
    for pen in pens {
        if events
            .iter()
            .any(|e| same_person(&fold(&e.name), &fold(&pen.name)))
        {
            continue;
        }
        events.push(Signing {
            name: pen.name.clone(),
            signer_name: Some(pen.name.clone()),
            email: None,
            role: pen.role,
            matched: MatchState::Matched,
            source: SigningSource::Text,
            time: None,
            times: Vec::new(),
        });
    }
    events.sort_by_key(|e| (e.time.is_none(), e.time));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minutes::{Designated, Meeting, Participant, Role};

    fn minutes() -> MinutesFacts {
        MinutesFacts {
            meeting: Meeting::default(),
            participants: vec![Participant {
                name: "Erik Lövgren".into(),
                role: Role::Chair,
                party: None,
                affiliation: None,
                replaces: None,
                paragraphs: None,
            }],
            designated: Designated {
                chair: vec!["Erik Lövgren".into()],
                secretary: vec!["Annelie Ledin".into()],
                adjusters: vec!["Johan Andersson".into()],
            },
            ..MinutesFacts::default()
        }
    }

    fn stamp(name: &str, utc: &str) -> Stamp {
        Stamp {
            name: name.into(),
            written: String::new(),
            local: String::new(),
            utc: utc.parse().unwrap(),
            offset_seconds: 7200,
            has_seconds: false,
            page: 1,
            line: 1,
        }
    }

    #[test]
    fn stamps_alone_make_events_with_designated_roles_in_time_order() {
        let m = minutes();
        let events = signing_events(
            &[],
            &[],
            &[
                stamp("Erik Lovgren", "2022-09-26T09:09:00Z"),
                stamp("Annelie Ledin", "2022-09-26T08:58:00Z"),
            ],
            &Covers::default(),
            &[],
            Some(&m),
        );
        let got: Vec<(&str, SignerRole)> =
            events.iter().map(|e| (e.name.as_str(), e.role)).collect();
        assert_eq!(
            got,
            [
                ("Annelie Ledin", SignerRole::Secretary),
                ("Erik Lövgren", SignerRole::Chair)
            ]
        );
        assert!(events.iter().all(|e| e.source == SigningSource::Text));
    }

    #[test]
    fn unknown_signer_is_unmatched_and_keeps_its_name() {
        let m = minutes();
        let events = signing_events(
            &[],
            &[],
            &[stamp("Okänd Person", "2022-09-26T09:09:00Z")],
            &Covers::default(),
            &[],
            Some(&m),
        );
        assert_eq!(events[0].matched, MatchState::Unmatched);
        assert_eq!(events[0].name, "Okänd Person");
        assert_eq!(events[0].role, SignerRole::Other);
    }
}
