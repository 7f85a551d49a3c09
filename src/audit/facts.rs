//! Facts derived from audit trails (and stamps) that the verdict rules in `verify/` rest on.
//!
//! Each function measures one thing and returns values with their evidence (times, page and
//! line); none decides a severity. They implement the facts behind verdict.md's
//! `audit.not_chronological` ([`sequence_problems`], [`backward_steps`]), `audit.incomplete`
//! ([`is_completed`], [`unsigned_recipients`]), `audit.alternative_signer` and
//! `audit.delivery_failed` ([`events_of`]) and `time.sources_disagree` ([`stamp_checks`]).
//!
//! Signers are keyed by e-mail address (lower case); a trail may name a recipient only by
//! address until they type a name at signing, so names are gathered from every event.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use serde::Serialize;

use super::text::name_key;
use super::{AuditEvent, AuditTrail, EventKind, Stamp};

/// One signing event of a person, in trail order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Signing {
    /// The signer's name: as signed, else as typed at signing, else as the trail sent to them.
    pub name: Option<String>,
    /// The signer's e-mail address.
    pub email: Option<String>,
    /// The signature date (UTC).
    pub time: Timestamp,
    /// The time source the trail gives ("server").
    pub time_source: Option<String>,
    /// E-signature or digital signature.
    pub kind: EventKind,
    /// Page of the event.
    pub page: usize,
    /// Line of the event.
    pub line: usize,
}

/// The events of `kind`, in trail order.
pub fn events_of(trail: &AuditTrail, kind: EventKind) -> impl Iterator<Item = &AuditEvent> {
    trail.events.iter().filter(move |e| e.kind == kind)
}

fn is_signature(kind: EventKind) -> bool {
    matches!(kind, EventKind::ESigned | EventKind::DigitallySigned)
}

/// Every name the trail gives an e-mail address, best first (signed as, typed, sent to).
fn names_by_email(trail: &AuditTrail) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut add = |email: &Option<String>, name: &Option<String>| {
        if let (Some(e), Some(n)) = (email, name) {
            let names = out.entry(e.clone()).or_default();
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    };
    for pass in 0..3 {
        for e in &trail.events {
            match (pass, e.kind) {
                (0, k) if is_signature(k) => add(&e.actor_email, &e.actor_name),
                (1, EventKind::NameEntered) => add(&e.actor_email, &e.actor_name),
                (2, EventKind::SentForSigning | EventKind::SentForApproval) => {
                    add(&e.recipient_email, &e.recipient_name)
                }
                (2, EventKind::Viewed | EventKind::Created | EventKind::Identified) => {
                    add(&e.actor_email, &e.actor_name)
                }
                (
                    2,
                    EventKind::AlternativeSignerAdded
                    | EventKind::Delegated
                    | EventKind::SignerReplaced,
                ) => add(&e.recipient_email, &e.recipient_name),
                _ => {}
            }
        }
    }
    out
}

/// The signing events (e-signed, digitally signed) in trail order, with names resolved.
pub fn signings(trail: &AuditTrail) -> Vec<Signing> {
    let names = names_by_email(trail);
    trail
        .events
        .iter()
        .filter(|e| is_signature(e.kind))
        .map(|e| Signing {
            name: e.actor_name.clone().or_else(|| {
                e.actor_email
                    .as_ref()
                    .and_then(|m| names.get(m))
                    .and_then(|n| n.first().cloned())
            }),
            email: e.actor_email.clone(),
            time: e.time,
            time_source: e.time_source.clone(),
            kind: e.kind,
            page: e.page,
            line: e.line,
        })
        .collect()
}

/// One recipient's path through the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SignerSequence {
    /// The recipient's e-mail address.
    pub email: String,
    /// Names the trail gives them, best first.
    pub names: Vec<String>,
    /// When the agreement was sent to them.
    pub sent: Vec<Timestamp>,
    /// When they viewed it.
    pub viewed: Vec<Timestamp>,
    /// When they signed or approved.
    pub signed: Vec<Timestamp>,
}

/// Sent → viewed → signed per recipient, in order of first appearance.
pub fn signer_sequences(trail: &AuditTrail) -> Vec<SignerSequence> {
    let names = names_by_email(trail);
    let mut order: Vec<String> = Vec::new();
    let mut seqs: HashMap<String, SignerSequence> = HashMap::new();
    for e in &trail.events {
        let (email, slot): (&Option<String>, u8) = match e.kind {
            EventKind::SentForSigning | EventKind::SentForApproval => (&e.recipient_email, 0),
            EventKind::Viewed => (&e.actor_email, 1),
            k if is_signature(k) || k == EventKind::Approved => (&e.actor_email, 2),
            _ => continue,
        };
        let Some(email) = email else { continue };
        let seq = seqs.entry(email.clone()).or_insert_with(|| {
            order.push(email.clone());
            SignerSequence {
                email: email.clone(),
                names: names.get(email).cloned().unwrap_or_default(),
                sent: Vec::new(),
                viewed: Vec::new(),
                signed: Vec::new(),
            }
        });
        match slot {
            0 => seq.sent.push(e.time),
            1 => seq.viewed.push(e.time),
            _ => seq.signed.push(e.time),
        }
    }
    order.into_iter().filter_map(|m| seqs.remove(&m)).collect()
}

/// How a signing is out of order with the signer's other events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SequenceProblemKind {
    /// Signed before the agreement was sent to them (every sending is later).
    SignedBeforeSent,
    /// Signed before they viewed it (every viewing is later).
    SignedBeforeViewed,
    /// Signed, but the trail never sent it to them.
    SignedWithoutSending,
    /// Signed, but the trail never shows them viewing it.
    SignedWithoutViewing,
}

/// A signing out of order, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SequenceProblem {
    /// What is out of order.
    pub kind: SequenceProblemKind,
    /// The signer's e-mail address.
    pub email: String,
    /// The signer's name, if known.
    pub name: Option<String>,
    /// When they signed.
    pub signed: Timestamp,
    /// The earliest sending or viewing, when it exists (it is later than `signed`).
    pub earliest_other: Option<Timestamp>,
    /// Page of the signing event.
    pub page: usize,
    /// Line of the signing event.
    pub line: usize,
}

/// Signings that come before the signer was sent or viewed the agreement.
pub fn sequence_problems(trail: &AuditTrail) -> Vec<SequenceProblem> {
    let names = names_by_email(trail);
    let mut out = Vec::new();
    for s in trail
        .events
        .iter()
        .filter(|e| is_signature(e.kind) || e.kind == EventKind::Approved)
    {
        let Some(email) = &s.actor_email else {
            continue;
        };
        let times = |kinds: &[EventKind], recipient: bool| -> Vec<Timestamp> {
            trail
                .events
                .iter()
                .filter(|e| kinds.contains(&e.kind))
                .filter(|e| {
                    let who = if recipient {
                        &e.recipient_email
                    } else {
                        &e.actor_email
                    };
                    who.as_ref() == Some(email)
                })
                .map(|e| e.time)
                .collect()
        };
        let sent = times(
            &[EventKind::SentForSigning, EventKind::SentForApproval],
            true,
        );
        let viewed = times(&[EventKind::Viewed], false);
        let mut push = |kind, earliest_other| {
            out.push(SequenceProblem {
                kind,
                email: email.clone(),
                name: s
                    .actor_name
                    .clone()
                    .or_else(|| names.get(email).and_then(|n| n.first().cloned())),
                signed: s.time,
                earliest_other,
                page: s.page,
                line: s.line,
            })
        };
        match sent.iter().min() {
            None => push(SequenceProblemKind::SignedWithoutSending, None),
            Some(first) if *first > s.time => {
                push(SequenceProblemKind::SignedBeforeSent, Some(*first))
            }
            Some(_) => {}
        }
        match viewed.iter().min() {
            None => push(SequenceProblemKind::SignedWithoutViewing, None),
            Some(first) if *first > s.time => {
                push(SequenceProblemKind::SignedBeforeViewed, Some(*first))
            }
            Some(_) => {}
        }
    }
    out
}

/// An event whose time is earlier than the event listed before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BackwardStep {
    /// Index of the event in `trail.events`.
    pub index: usize,
    /// The time of the event before it.
    pub previous: Timestamp,
    /// Its own, earlier, time.
    pub time: Timestamp,
    /// Page of the event.
    pub page: usize,
    /// Line of the event.
    pub line: usize,
}

/// Where the trail's timestamps go backwards, in trail order.
pub fn backward_steps(trail: &AuditTrail) -> Vec<BackwardStep> {
    let mut out = Vec::new();
    let mut latest: Option<Timestamp> = None;
    for (index, e) in trail.events.iter().enumerate() {
        if let Some(prev) = latest
            && e.time < prev
        {
            out.push(BackwardStep {
                index,
                previous: prev,
                time: e.time,
                page: e.page,
                line: e.line,
            });
        }
        latest = Some(latest.map_or(e.time, |p| p.max(e.time)));
    }
    out
}

/// The completion event ("Agreement completed.", or a Scrive page's "sealed the document"),
/// if the trail has one.
pub fn completion(trail: &AuditTrail) -> Option<&AuditEvent> {
    trail
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::Completed | EventKind::Sealed))
}

/// True when the trail records the agreement's completion: a completion event, or — on a page
/// that lists its signing parties apart from the events, as Scrive's layouts before the sealing
/// event was written do — a signing time for every party listed.
pub fn is_completed(trail: &AuditTrail) -> bool {
    completion(trail).is_some()
        || (!trail.parties.is_empty() && trail.parties.iter().all(|p| p.signed.is_some()))
}

/// A signer slot the agreement was sent to that nobody signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnsignedSlot {
    /// The addresses that could have signed for it (the recipient, alternatives, delegates).
    pub emails: Vec<String>,
    /// Names the trail gives them.
    pub names: Vec<String>,
    /// True when an e-mail to one of them bounced.
    pub bounced: bool,
    /// True when one of them viewed the agreement.
    pub viewed: bool,
    /// True when one of them declined.
    pub declined: bool,
    /// Page of the first sending to the slot.
    pub page: usize,
    /// Line of the first sending to the slot.
    pub line: usize,
}

/// Union-find over e-mail addresses: a recipient and the alternatives or delegates who may
/// sign in their place are one slot.
struct Slots {
    index: HashMap<String, usize>,
    parent: Vec<usize>,
}

impl Slots {
    fn id(&mut self, email: &str) -> usize {
        if let Some(i) = self.index.get(email) {
            return *i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.index.insert(email.to_string(), i);
        i
    }

    fn root(&self, mut i: usize) -> usize {
        // Bounded by the number of addresses: each step moves to a strictly older entry.
        let mut steps = 0;
        while let Some(&p) = self.parent.get(i) {
            if p == i || steps > self.parent.len() {
                break;
            }
            i = p;
            steps += 1;
        }
        i
    }

    fn join(&mut self, a: &str, b: &str) {
        let (a, b) = (self.id(a), self.id(b));
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb
            && let Some(p) = self.parent.get_mut(ra.max(rb))
        {
            *p = ra.min(rb);
        }
    }
}

/// Recipients the agreement was sent to for signing or approval whose slot nobody signed.
/// An alternative signer, a delegate or a replacement who signs completes the original
/// recipient's slot (000-esign-sv: the bounced first address of the adjuster is not missing).
pub fn unsigned_recipients(trail: &AuditTrail) -> Vec<UnsignedSlot> {
    let names = names_by_email(trail);
    let mut slots = Slots {
        index: HashMap::new(),
        parent: Vec::new(),
    };
    let mut recipients: Vec<(String, usize, usize)> = Vec::new();
    for e in &trail.events {
        match e.kind {
            EventKind::SentForSigning | EventKind::SentForApproval => {
                if let Some(r) = &e.recipient_email {
                    slots.id(r);
                    recipients.push((r.clone(), e.page, e.line));
                }
            }
            EventKind::AlternativeSignerAdded | EventKind::SignerReplaced => {
                if let (Some(o), Some(r)) = (&e.original_email, &e.recipient_email) {
                    slots.join(o, r);
                }
            }
            EventKind::Delegated => {
                let from = e.original_email.as_ref().or(e.actor_email.as_ref());
                if let (Some(o), Some(r)) = (from, &e.recipient_email) {
                    slots.join(o, r);
                }
            }
            _ => {}
        }
    }
    let signed_emails: BTreeSet<String> = trail
        .events
        .iter()
        .filter(|e| is_signature(e.kind) || e.kind == EventKind::Approved)
        .filter_map(|e| e.actor_email.clone())
        .collect();
    let signed_names: BTreeSet<String> = trail
        .events
        .iter()
        .filter(|e| is_signature(e.kind) || e.kind == EventKind::Approved)
        .filter(|e| e.actor_email.is_none())
        .filter_map(|e| e.actor_name.as_deref().map(name_key))
        .collect();
    let mut members: HashMap<usize, Vec<String>> = HashMap::new();
    let all: Vec<String> = slots.index.keys().cloned().collect();
    for m in all {
        let i = slots.id(&m);
        members.entry(slots.root(i)).or_default().push(m);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (r, page, line) in recipients {
        let i = slots.id(&r);
        let root = slots.root(i);
        if !seen.insert(root) {
            continue;
        }
        let mut emails = members.get(&root).cloned().unwrap_or_default();
        // Keep the trail's own order: the recipient first, the others as they came.
        emails.sort_by_key(|m| (m != &r, first_seen(trail, m)));
        let slot_names: Vec<String> = emails
            .iter()
            .flat_map(|m| names.get(m).cloned().unwrap_or_default())
            .collect();
        let done = emails.iter().any(|m| signed_emails.contains(m))
            || slot_names
                .iter()
                .any(|n| signed_names.contains(&name_key(n)));
        if done {
            continue;
        }
        let any = |kind: EventKind, recipient: bool| {
            trail.events.iter().any(|e| {
                e.kind == kind
                    && (if recipient {
                        &e.recipient_email
                    } else {
                        &e.actor_email
                    })
                    .as_ref()
                    .is_some_and(|m| emails.contains(m))
            })
        };
        out.push(UnsignedSlot {
            bounced: any(EventKind::EmailBounced, true),
            viewed: any(EventKind::Viewed, false),
            declined: any(EventKind::Declined, false),
            emails,
            names: slot_names,
            page,
            line,
        });
    }
    out
}

fn first_seen(trail: &AuditTrail, email: &str) -> usize {
    trail
        .events
        .iter()
        .position(|e| {
            [&e.actor_email, &e.recipient_email, &e.original_email]
                .iter()
                .any(|m| m.as_deref() == Some(email))
        })
        .unwrap_or(usize::MAX)
}

/// A visible stamp set against the trail's signing of the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StampCheck {
    /// The stamp.
    pub stamp: Stamp,
    /// The trail's signing it was matched to, by name; `None` when nobody matches.
    pub signing: Option<Signing>,
    /// Stamp UTC minus trail UTC, in seconds, after truncating the trail's time to the minute
    /// when the stamp shows no seconds (verdict.md: "after time-zone conversion and minute
    /// truncation").
    pub difference_seconds: Option<i64>,
}

/// First and last word of a name key, for a match that allows a missing middle name.
fn outer_words(key: &str) -> Option<(String, String)> {
    let mut words = key.split_whitespace();
    let first = words.next()?.to_string();
    let last = words.next_back()?.to_string();
    Some((first, last))
}

fn difference(stamp: &Stamp, signing: &Signing) -> i64 {
    let trail = signing.time.as_second();
    let trail = if stamp.has_seconds {
        trail
    } else {
        trail - trail.rem_euclid(60)
    };
    stamp.utc.as_second() - trail
}

/// Each stamp matched by name to a signing in `trails`; among several, the nearest in time.
pub fn stamp_checks(trails: &[AuditTrail], stamps: &[Stamp]) -> Vec<StampCheck> {
    let all: Vec<Signing> = trails.iter().flat_map(signings).collect();
    stamps
        .iter()
        .map(|stamp| {
            let key = name_key(&stamp.name);
            let exact: Vec<&Signing> = all
                .iter()
                .filter(|s| s.name.as_deref().map(name_key).as_deref() == Some(key.as_str()))
                .collect();
            let candidates = if exact.is_empty() {
                let outer = outer_words(&key);
                all.iter()
                    .filter(|s| {
                        outer.is_some()
                            && s.name
                                .as_deref()
                                .map(name_key)
                                .as_deref()
                                .and_then(outer_words)
                                == outer
                    })
                    .collect()
            } else {
                exact
            };
            let best = candidates
                .into_iter()
                .min_by_key(|s| difference(stamp, s).unsigned_abs());
            StampCheck {
                stamp: stamp.clone(),
                difference_seconds: best.map(|s| difference(stamp, s)),
                signing: best.cloned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
