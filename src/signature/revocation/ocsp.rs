//! OCSP responses (RFC 6960 §4.2): an `OCSPResponse` around a `BasicOCSPResponse`, read for
//! the answers it gives and the key that signed them.

use jiff::Timestamp;

use super::super::algorithm::{AlgorithmId, DigestAlgorithm, spki_parts};
use super::super::ber::{Tlv, first_tlv, oid_to_string, tag};
use super::super::certificate::{Certificate, Name};
use super::super::error::SignatureError;
use super::super::limits::{MAX_CERTIFICATES, MAX_OCSP_SINGLE_RESPONSES};
use super::super::oid;
use super::super::report::RevocationReason;
use super::super::time::parse_time;
use super::crl::{enumerated, reason_code};
use super::{RevocationError, serial_key, verify_signed};

/// How a response names its responder (RFC 6960 §4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponderId {
    ByName(Name),
    /// SHA-1 of the responder's subjectPublicKey bits.
    ByKey(Vec<u8>),
}

/// What a responder says about one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    Good,
    Revoked {
        at: Timestamp,
        reason: Option<RevocationReason>,
    },
    Unknown,
}

/// One `SingleResponse`.
#[derive(Debug, Clone)]
pub struct SingleResponse {
    /// CertID.hashAlgorithm; `None` for one arkivar does not implement (it matches nothing).
    pub hash: Option<DigestAlgorithm>,
    pub issuer_name_hash: Vec<u8>,
    pub issuer_key_hash: Vec<u8>,
    /// Serial number content octets, leading zero octets removed.
    pub serial: Vec<u8>,
    pub status: CertStatus,
    pub this_update: Timestamp,
    pub next_update: Option<Timestamp>,
}

impl SingleResponse {
    /// Whether its CertID names `cert`, issued by `issuer` (RFC 6960 §4.1.1): the hashes of
    /// the issuer's name (as `cert` writes it) and key, and the serial number.
    pub fn names(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        let Some(hash) = self.hash else {
            return false;
        };
        if self.serial != serial_key(&cert.serial) {
            return false;
        }
        let Some(key) = subject_key_bits(issuer) else {
            return false;
        };
        hash.digest(&cert.issuer.raw) == self.issuer_name_hash
            && hash.digest(&key) == self.issuer_key_hash
    }

    /// Whether its CertID names `cert` as far as `cert` alone can tell: the serial number and
    /// the hash of the issuer's name. Without the issuer's certificate the key hash cannot be
    /// checked, so this says the response is meant for `cert`, never that it is about it.
    pub fn names_by_issuer_name(&self, cert: &Certificate) -> bool {
        let Some(hash) = self.hash else {
            return false;
        };
        self.serial == serial_key(&cert.serial)
            && hash.digest(&cert.issuer.raw) == self.issuer_name_hash
    }
}

/// A parsed `BasicOCSPResponse`.
#[derive(Debug, Clone)]
pub struct BasicOcsp {
    /// `tbsResponseData` exactly as signed.
    tbs: Vec<u8>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    pub responder: ResponderId,
    pub produced_at: Timestamp,
    pub responses: Vec<SingleResponse>,
    /// The certificates the response carries (a delegated responder's, usually).
    pub certs: Vec<Certificate>,
}

impl BasicOcsp {
    /// Reads an `OCSPResponse`; only a successful one of type id-pkix-ocsp-basic has answers.
    pub fn parse_response(der: &[u8]) -> Result<Self, RevocationError> {
        let (tlv, _) = first_tlv(der).map_err(|e| RevocationError::from_der("OCSP response", e))?;
        let basic = response_bytes(&tlv)?;
        Self::parse_basic(&basic)
    }

    /// Reads a `BasicOCSPResponse` (as CAdES revocation values hold them).
    pub fn parse_basic(der: &[u8]) -> Result<Self, RevocationError> {
        Self::read(der).map_err(|e| RevocationError::from_der("BasicOCSPResponse", e))
    }

    fn read(der: &[u8]) -> Result<Self, SignatureError> {
        let (tlv, _) = first_tlv(der)?;
        let basic = tlv.expect(tag::SEQUENCE, "BasicOCSPResponse")?;
        let mut r = basic.children();
        let tbs = r.expect(tag::SEQUENCE, "tbsResponseData")?;
        let signature_algorithm = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
        let sig = r.expect(tag::BIT_STRING, "signature")?;
        let signature = sig.whole_bits("signature")?.to_vec();
        let mut certs = Vec::new();
        if let Some(wrapper) = r.optional(tag::context(0))? {
            let list = wrapper.children().expect(tag::SEQUENCE, "certs")?;
            let mut c = list.children();
            while let Some(cert) = c.next()? {
                if certs.len() >= MAX_CERTIFICATES {
                    break;
                }
                // A certificate that does not parse can authorise nothing; the answers stay.
                if let Ok(cert) = Certificate::from_tlv(&cert) {
                    certs.push(cert);
                }
            }
        }
        let tbs_der = tbs.signed_bytes()?;
        let mut t = tbs.children();
        t.optional(tag::context(0))?;
        let id = t.read("responderID")?;
        let responder = if id.tag == tag::context(1) {
            ResponderId::ByName(Name::parse_tlv(&id.children().read("byName")?)?)
        } else if id.tag == tag::context(2) {
            let hash = id.children().expect(tag::OCTET_STRING, "byKey")?;
            ResponderId::ByKey(hash.content.to_vec())
        } else {
            return Err(SignatureError::UnexpectedTag {
                field: "responderID",
                expected: tag::context(1),
                found: id.tag,
                offset: id.offset,
            });
        };
        let produced_at = parse_time(
            &t.expect(tag::GENERALIZED_TIME, "producedAt")?,
            "producedAt",
        )?;
        let list = t.expect(tag::SEQUENCE, "responses")?;
        let mut responses = Vec::new();
        let mut s = list.children();
        while let Some(single) = s.next()? {
            if responses.len() >= MAX_OCSP_SINGLE_RESPONSES {
                return Err(SignatureError::TooMany {
                    field: "OCSP SingleResponses",
                    limit: MAX_OCSP_SINGLE_RESPONSES,
                });
            }
            responses.push(read_single(&single)?);
        }
        Ok(BasicOcsp {
            tbs: tbs_der,
            signature_algorithm: signature_algorithm.raw.to_vec(),
            signature,
            responder,
            produced_at,
            responses,
            certs,
        })
    }

    /// Whether the response names `cert` as its responder (by name, or by key hash).
    pub fn is_responder(&self, cert: &Certificate) -> bool {
        match &self.responder {
            ResponderId::ByName(name) => name.matches(&cert.subject),
            ResponderId::ByKey(hash) => subject_key_bits(cert)
                .is_some_and(|key| DigestAlgorithm::Sha1.digest(&key) == *hash),
        }
    }

    /// Whether `responder`'s key made this response's signature. `Err` when it cannot be
    /// checked.
    pub fn verify_signed_by(&self, responder: &Certificate) -> Result<bool, SignatureError> {
        verify_signed(
            responder,
            &self.signature_algorithm,
            &self.tbs,
            &self.signature,
        )
    }
}

/// The BasicOCSPResponse DER inside an `OCSPResponse`.
fn response_bytes(tlv: &Tlv<'_>) -> Result<Vec<u8>, RevocationError> {
    let bad = |e| RevocationError::from_der("OCSP response", e);
    let resp = tlv.expect(tag::SEQUENCE, "OCSPResponse").map_err(bad)?;
    let mut r = resp.children();
    let status = r.expect(tag::ENUMERATED, "responseStatus").map_err(bad)?;
    let code = enumerated(status.content).ok_or_else(|| {
        bad(SignatureError::Invalid {
            field: "responseStatus",
            offset: status.offset,
        })
    })?;
    if code != 0 {
        return Err(RevocationError::Unsuccessful { status: code });
    }
    let bytes = r.expect(tag::context(0), "responseBytes").map_err(bad)?;
    let bytes = bytes
        .children()
        .expect(tag::SEQUENCE, "ResponseBytes")
        .map_err(bad)?;
    let mut b = bytes.children();
    let kind = b.expect(tag::OID, "responseType").map_err(bad)?;
    if !oid::is(kind.content, &oid::OCSP_BASIC) {
        return Err(RevocationError::UnsupportedResponseType {
            oid: oid_to_string(kind.content),
        });
    }
    let response = b.read("response").map_err(bad)?;
    if response.tag & !tag::CONSTRUCTED != tag::OCTET_STRING {
        return Err(bad(SignatureError::UnexpectedTag {
            field: "response",
            expected: tag::OCTET_STRING,
            found: response.tag,
            offset: response.offset,
        }));
    }
    Ok(response.octets().map_err(bad)?.into_owned())
}

fn read_single(single: &Tlv<'_>) -> Result<SingleResponse, SignatureError> {
    let single = single.expect(tag::SEQUENCE, "SingleResponse")?;
    let mut s = single.children();
    let cert_id = s.expect(tag::SEQUENCE, "certID")?;
    let mut c = cert_id.children();
    let alg = AlgorithmId::parse(c.read("hashAlgorithm")?, "hashAlgorithm")?;
    let issuer_name_hash = c
        .expect(tag::OCTET_STRING, "issuerNameHash")?
        .content
        .to_vec();
    let issuer_key_hash = c
        .expect(tag::OCTET_STRING, "issuerKeyHash")?
        .content
        .to_vec();
    let serial = serial_key(c.expect(tag::INTEGER, "serialNumber")?.content).to_vec();
    let status_tlv = s.read("certStatus")?;
    let status = match status_tlv.tag {
        t if t == tag::context_primitive(0) => CertStatus::Good,
        t if t == tag::context(1) => {
            let mut info = status_tlv.children();
            let at = parse_time(
                &info.expect(tag::GENERALIZED_TIME, "revocationTime")?,
                "revocationTime",
            )?;
            let reason = match info.optional(tag::context(0))? {
                Some(wrapper) => reason_code(wrapper.content),
                None => None,
            };
            CertStatus::Revoked { at, reason }
        }
        t if t == tag::context_primitive(2) => CertStatus::Unknown,
        found => {
            return Err(SignatureError::UnexpectedTag {
                field: "certStatus",
                expected: tag::context_primitive(0),
                found,
                offset: status_tlv.offset,
            });
        }
    };
    let this_update = parse_time(
        &s.expect(tag::GENERALIZED_TIME, "thisUpdate")?,
        "thisUpdate",
    )?;
    let next_update = match s.optional(tag::context(0))? {
        Some(wrapper) => Some(parse_time(
            &wrapper
                .children()
                .expect(tag::GENERALIZED_TIME, "nextUpdate")?,
            "nextUpdate",
        )?),
        None => None,
    };
    // singleExtensions carry nothing the status needs.
    Ok(SingleResponse {
        hash: DigestAlgorithm::from_oid(alg.oid).ok(),
        issuer_name_hash,
        issuer_key_hash,
        serial,
        status,
        this_update,
        next_update,
    })
}

/// The subjectPublicKey BIT STRING's bits (what CertID's issuerKeyHash and ResponderID's
/// byKey hash, RFC 6960 §4.1.1).
fn subject_key_bits(cert: &Certificate) -> Option<Vec<u8>> {
    let spki = cert.spki_tlv().ok()?;
    spki_parts(&spki).ok().map(|(_, key)| key.to_vec())
}
