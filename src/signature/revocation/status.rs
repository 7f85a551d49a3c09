//! Per certificate of a path: which embedded answers concern it, which of them may be taken,
//! and what they say at a given time.
//!
//! The rules, and why:
//!
//! - **Authority.** A CRL is taken when its issuer name is the certificate's issuer and the
//!   issuing CA's key (the next certificate of the path) verifies it. An OCSP response is taken
//!   when its CertID names the certificate and that CA (name and key hashes, any hash
//!   algorithm arkivar implements, and the serial number), and it is signed either by the CA
//!   itself or by a delegated responder: a certificate the response or the file carries,
//!   issued by that CA (its key verifies it), with extended key usage id-kp-OCSPSigning and
//!   valid at producedAt (RFC 6960 §4.2.2.2). The delegated responder's own revocation is not
//!   checked (responders are usually id-pkix-ocsp-nocheck).
//! - **Revoked.** A taken answer that lists the certificate as revoked is taken whatever its
//!   age: a revocation is not undone (a CRL listing it stays proof after its nextUpdate). The
//!   earliest revocation time found counts.
//! - **Good.** A taken answer that does not list the certificate (CRL) or says `good` (OCSP)
//!   shows it not revoked at time `t` when it covers `t`: issued at or before `t` with a
//!   nextUpdate at or after `t`, or issued after `t` (a certificate not revoked later was not
//!   revoked at `t`; this is how a CRL fetched when a signature was archived proves the
//!   signature time, as ETSI EN 319 102-1 §5.2.5 and pyHanko take it). A CRL issued after
//!   the certificate expired does not count: RFC 5280 §3.3 lets the CA drop expired entries.
//!   Nor does a delta CRL or one whose issuing distribution point covers only some reasons,
//!   some kinds of certificate, or other issuers. An answer with no nextUpdate is taken to
//!   hold for 30 minutes after its thisUpdate, as pyHanko does. With no `t` known, freshness
//!   is not judged.
//! - **Unknown** when the only answers are an OCSP `unknown` or refused ones; **no data** when
//!   nothing concerns the certificate.

use std::sync::OnceLock;

use jiff::{SignedDuration, Timestamp};

use super::super::certificate::Certificate;
use super::super::limits::{MAX_REVOCATION_BYTES, MAX_REVOCATION_ITEMS};
use super::super::oid;
use super::super::report::{
    CertificateRevocation, RefusalReason, RefusedRevocation, RevocationEvidence, RevocationInfo,
    RevocationReason, RevocationSource, RevocationStatus,
};
use super::crl::Crl;
use super::ocsp::{BasicOcsp, CertStatus};
use super::{RawForm, RawRevocation, RevocationError};

/// A CRL or OCSP response read, with where it was found.
#[derive(Debug, Clone)]
pub struct Item {
    pub source: RevocationSource,
    pub parsed: Parsed,
}

/// What an item holds.
#[derive(Debug, Clone)]
pub enum Parsed {
    Crl(Crl),
    Ocsp(BasicOcsp),
}

/// Reads every raw item, in order, up to the limits; the same bytes found twice are read
/// once (the first source counts). What cannot be read is counted in `info.unreadable`.
pub fn gather<'a>(
    raw: impl IntoIterator<Item = &'a RawRevocation>,
    info: &mut RevocationInfo,
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut bytes = 0usize;
    for r in raw {
        if seen.contains(&r.der.as_slice()) {
            continue;
        }
        bytes = bytes.saturating_add(r.der.len());
        if seen.len() >= MAX_REVOCATION_ITEMS || bytes > MAX_REVOCATION_BYTES {
            info.unreadable += 1;
            continue;
        }
        seen.push(&r.der);
        match read(r) {
            Ok(parsed) => items.push(Item {
                source: r.source,
                parsed,
            }),
            Err(_) => info.unreadable += 1,
        }
    }
    items
}

/// A document's DSS revocation data, read once for all of its signatures (the same CRLs
/// would otherwise be parsed again for each signature and document timestamp).
#[derive(Debug, Default)]
pub struct DssRevocation {
    raw: Vec<RawRevocation>,
    read: OnceLock<(Vec<Item>, usize)>,
}

impl DssRevocation {
    /// None.
    pub const fn empty() -> Self {
        DssRevocation {
            raw: Vec::new(),
            read: OnceLock::new(),
        }
    }

    /// The items as found, read when first asked for.
    pub fn new(raw: Vec<RawRevocation>) -> Self {
        DssRevocation {
            raw,
            read: OnceLock::new(),
        }
    }

    /// The items read, and how many could not be.
    pub fn items(&self) -> (&[Item], usize) {
        let (items, unreadable) = self.read.get_or_init(|| {
            let mut info = RevocationInfo::default();
            let items = gather(&self.raw, &mut info);
            (items, info.unreadable)
        });
        (items, *unreadable)
    }
}

/// Reads one raw item.
pub fn read(raw: &RawRevocation) -> Result<Parsed, RevocationError> {
    match raw.form {
        RawForm::Crl => Crl::parse(&raw.der).map(Parsed::Crl),
        RawForm::OcspResponse => BasicOcsp::parse_response(&raw.der).map(Parsed::Ocsp),
        RawForm::BasicOcspResponse => BasicOcsp::parse_basic(&raw.der).map(Parsed::Ocsp),
    }
}

/// The status of each certificate of `path` (leaf first, each issued by the next) at `time`.
/// `pool` holds further certificates a delegated OCSP responder's may be among.
pub fn chain_status(
    path: &[&Certificate],
    pool: &[Certificate],
    items: &[&Item],
    time: Option<Timestamp>,
) -> Vec<CertificateRevocation> {
    path.iter()
        .enumerate()
        .filter_map(|(i, cert)| {
            let issuer = path.get(i + 1).copied();
            if issuer.is_none() && cert.is_self_issued() {
                return None;
            }
            Some(certificate_status(cert, issuer, pool, items, time))
        })
        .collect()
}

/// What one taken answer says.
#[derive(Debug, Clone, Copy)]
enum Says {
    Good,
    Revoked {
        at: Timestamp,
        reason: Option<RevocationReason>,
    },
    Unknown,
}

#[derive(Debug, Clone, Copy)]
struct Answer {
    source: RevocationSource,
    evidence: RevocationEvidence,
    says: Says,
    this_update: Timestamp,
    next_update: Option<Timestamp>,
}

/// The status of `cert`, issued by `issuer` (when known), at `time`.
pub fn certificate_status(
    cert: &Certificate,
    issuer: Option<&Certificate>,
    pool: &[Certificate],
    items: &[&Item],
    time: Option<Timestamp>,
) -> CertificateRevocation {
    let mut answers = Vec::new();
    let mut refused: Vec<RefusedRevocation> = Vec::new();
    for item in items {
        let mut refuse = |evidence, reason| {
            let r = RefusedRevocation {
                source: item.source,
                evidence,
                reason,
            };
            if !refused.contains(&r) {
                refused.push(r);
            }
        };
        match &item.parsed {
            Parsed::Crl(crl) => match judge_crl(crl, cert, issuer, time) {
                Some(Ok((says, this_update, next_update))) => answers.push(Answer {
                    source: item.source,
                    evidence: RevocationEvidence::Crl,
                    says,
                    this_update,
                    next_update,
                }),
                Some(Err(reason)) => refuse(RevocationEvidence::Crl, reason),
                None => {}
            },
            Parsed::Ocsp(resp) => {
                let Some(issuer) = issuer else {
                    // An answer meant for the certificate is there, but with its issuer off
                    // the path nothing can authorise it: refused, as a CRL would be, rather
                    // than passed over as if there were no data.
                    if resp.responses.iter().any(|s| s.names_by_issuer_name(cert)) {
                        refuse(RevocationEvidence::Ocsp, RefusalReason::IssuerUnknown);
                    }
                    continue;
                };
                for verdict in judge_ocsp(resp, cert, issuer, pool, time) {
                    match verdict {
                        Ok((says, this_update, next_update)) => answers.push(Answer {
                            source: item.source,
                            evidence: RevocationEvidence::Ocsp,
                            says,
                            this_update,
                            next_update,
                        }),
                        Err(reason) => refuse(RevocationEvidence::Ocsp, reason),
                    }
                }
            }
        }
    }
    let revoked = answers
        .iter()
        .filter_map(|a| match a.says {
            Says::Revoked { at, reason } => Some((a, at, reason)),
            _ => None,
        })
        .min_by_key(|(_, at, _)| *at);
    let mut out = CertificateRevocation::no_data(cert.display_name(), cert.serial_hex());
    let deciding = if let Some((answer, at, reason)) = revoked {
        out.status = RevocationStatus::Revoked;
        out.revoked_at = Some(at.to_string());
        out.reason = reason;
        out.revoked_before_time = time.is_some_and(|t| at <= t);
        Some(answer)
    } else if let Some(good) = answers.iter().find(|a| matches!(a.says, Says::Good)) {
        out.status = RevocationStatus::Good;
        Some(good)
    } else if let Some(unknown) = answers.first() {
        out.status = RevocationStatus::Unknown;
        Some(unknown)
    } else {
        if !refused.is_empty() {
            out.status = RevocationStatus::Unknown;
        }
        None
    };
    if let Some(a) = deciding {
        out.source = Some(a.source);
        out.evidence = Some(a.evidence);
        out.this_update = Some(a.this_update.to_string());
        out.next_update = a.next_update.map(|t| t.to_string());
    }
    out.refused = refused;
    out
}

type Judged = Result<(Says, Timestamp, Option<Timestamp>), RefusalReason>;

/// `None` when the CRL is not about `cert` (another issuer's).
fn judge_crl(
    crl: &Crl,
    cert: &Certificate,
    issuer: Option<&Certificate>,
    time: Option<Timestamp>,
) -> Option<Judged> {
    if !crl.issuer.matches(&cert.issuer) {
        return None;
    }
    let Some(issuer) = issuer else {
        return Some(Err(RefusalReason::IssuerUnknown));
    };
    match crl.verify_signed_by(issuer) {
        Ok(true) => {}
        Ok(false) => return Some(Err(RefusalReason::BadSignature)),
        Err(_) => return Some(Err(RefusalReason::SignatureUncheckable)),
    }
    let dates = (crl.this_update, crl.next_update);
    if let Some(entry) = crl.entry(&cert.serial) {
        let says = Says::Revoked {
            at: entry.revoked_at,
            reason: entry.reason,
        };
        return Some(Ok((says, dates.0, dates.1)));
    }
    if !crl.is_complete_for(cert) {
        return Some(Err(RefusalReason::PartialCrl));
    }
    if crl.this_update > cert.not_after {
        return Some(Err(RefusalReason::IssuedAfterExpiry));
    }
    Some(fresh(dates.0, dates.1, time).map(|()| (Says::Good, dates.0, dates.1)))
}

/// How long an answer without a nextUpdate is taken to hold: pyHanko's default
/// (`FRESHNESS_FALLBACK_VALIDITY_DEFAULT`), so that an OCSP response fetched just before
/// signing, as Acrobat archives it, covers the signing.
const NO_NEXT_UPDATE_VALIDITY: SignedDuration = SignedDuration::from_mins(30);

/// Whether an answer issued at `this_update` (valid until `next_update`) speaks for `time`.
pub(crate) fn fresh(
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    time: Option<Timestamp>,
) -> Result<(), RefusalReason> {
    let Some(t) = time else { return Ok(()) };
    let until = next_update.or_else(|| this_update.checked_add(NO_NEXT_UPDATE_VALIDITY).ok());
    if this_update >= t || until.is_some_and(|n| t <= n) {
        Ok(())
    } else {
        Err(RefusalReason::Stale)
    }
}

/// One verdict per SingleResponse of `resp` that names `cert`.
fn judge_ocsp(
    resp: &BasicOcsp,
    cert: &Certificate,
    issuer: &Certificate,
    pool: &[Certificate],
    time: Option<Timestamp>,
) -> Vec<Judged> {
    let singles: Vec<_> = resp
        .responses
        .iter()
        .filter(|s| s.names(cert, issuer))
        .collect();
    if singles.is_empty() {
        return Vec::new();
    }
    let authorised = match responder(resp, issuer, pool) {
        Some(r) => match resp.verify_signed_by(r) {
            Ok(true) => Ok(()),
            Ok(false) => Err(RefusalReason::BadSignature),
            Err(_) => Err(RefusalReason::SignatureUncheckable),
        },
        None => Err(RefusalReason::UnauthorisedResponder),
    };
    singles
        .into_iter()
        .map(|s| {
            authorised?;
            let says = match s.status {
                CertStatus::Good => {
                    fresh(s.this_update, s.next_update, time)?;
                    Says::Good
                }
                CertStatus::Revoked { at, reason } => Says::Revoked { at, reason },
                CertStatus::Unknown => Says::Unknown,
            };
            Ok((says, s.this_update, s.next_update))
        })
        .collect()
}

/// The certificate whose key may sign OCSP answers about `issuer`'s certificates and that
/// `resp` names as its responder: the CA itself, or a delegated responder.
fn responder<'a>(
    resp: &'a BasicOcsp,
    issuer: &'a Certificate,
    pool: &'a [Certificate],
) -> Option<&'a Certificate> {
    if resp.is_responder(issuer) {
        return Some(issuer);
    }
    resp.certs.iter().chain(pool).find(|c| {
        resp.is_responder(c)
            && c.issuer.matches(&issuer.subject)
            && c.extended_key_usage
                .iter()
                .any(|p| oid::is(p, &oid::KP_OCSP_SIGNING))
            && c.valid_at(resp.produced_at)
            && matches!(c.verify_signed_by(issuer), Ok(true))
    })
}
