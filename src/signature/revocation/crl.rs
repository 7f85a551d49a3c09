//! Certificate revocation lists (RFC 5280 §5): the fields revocation checking reads.

use jiff::Timestamp;

use super::super::ber::{Reader, Tlv, first_tlv, small_uint, tag};
use super::super::certificate::{Certificate, Name};
use super::super::error::SignatureError;
use super::super::limits::MAX_CRL_ENTRIES;
use super::super::oid;
use super::super::report::RevocationReason;
use super::super::time::parse_time;
use super::{RevocationError, serial_key, verify_signed};

/// One revoked certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlEntry {
    /// The serial number's content octets, leading zero octets removed.
    pub serial: Vec<u8>,
    pub revoked_at: Timestamp,
    pub reason: Option<RevocationReason>,
}

/// A parsed `CertificateList`.
#[derive(Debug, Clone)]
pub struct Crl {
    /// `tbsCertList` exactly as signed.
    tbs: Vec<u8>,
    /// `signatureAlgorithm` TLV.
    signature_algorithm: Vec<u8>,
    /// `signatureValue` without the unused-bits octet.
    signature: Vec<u8>,
    pub issuer: Name,
    pub this_update: Timestamp,
    pub next_update: Option<Timestamp>,
    pub entries: Vec<CrlEntry>,
    /// A delta CRL (RFC 5280 §5.2.4): it lists only changes since a base CRL.
    pub delta: bool,
    /// Its issuing distribution point limits it to some reasons or makes it indirect
    /// (RFC 5280 §5.2.5): it does not speak for all of the issuer's certificates.
    pub partial: bool,
    /// Its issuing distribution point limits it to end-entity certificates.
    pub only_user_certs: bool,
    /// Its issuing distribution point limits it to CA certificates.
    pub only_ca_certs: bool,
}

impl Crl {
    /// Reads a DER (or BER) `CertificateList`.
    pub fn parse(der: &[u8]) -> Result<Self, RevocationError> {
        Self::read(der).map_err(|e| RevocationError::from_der("CRL", e))
    }

    fn read(der: &[u8]) -> Result<Self, SignatureError> {
        let (tlv, _) = first_tlv(der)?;
        let list = tlv.expect(tag::SEQUENCE, "CertificateList")?;
        let mut r = list.children();
        let tbs = r.expect(tag::SEQUENCE, "tbsCertList")?;
        let signature_algorithm = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
        let sig = r.expect(tag::BIT_STRING, "signatureValue")?;
        let signature = sig.whole_bits("signatureValue")?.to_vec();
        let tbs_der = tbs.signed_bytes()?;
        let mut t = tbs.children();
        if t.peek_tag() == Some(tag::INTEGER) {
            small_uint(&t.read("version")?, "version")?;
        }
        t.expect(tag::SEQUENCE, "tbsCertList.signature")?;
        let issuer = Name::parse_tlv(&t.read("issuer")?)?;
        let this_update = parse_time(&t.read("thisUpdate")?, "thisUpdate")?;
        let next_update = match t.peek_tag() {
            Some(tag::UTC_TIME | tag::GENERALIZED_TIME) => {
                Some(parse_time(&t.read("nextUpdate")?, "nextUpdate")?)
            }
            _ => None,
        };
        let mut crl = Crl {
            tbs: tbs_der,
            signature_algorithm: signature_algorithm.raw.to_vec(),
            signature,
            issuer,
            this_update,
            next_update,
            entries: Vec::new(),
            delta: false,
            partial: false,
            only_user_certs: false,
            only_ca_certs: false,
        };
        if let Some(revoked) = t.optional(tag::SEQUENCE)? {
            let mut entries = revoked.children();
            while let Some(entry) = entries.next()? {
                if crl.entries.len() >= MAX_CRL_ENTRIES {
                    return Err(SignatureError::TooMany {
                        field: "CRL entries",
                        limit: MAX_CRL_ENTRIES,
                    });
                }
                crl.entries.push(read_entry(&entry)?);
            }
        }
        if let Some(exts) = t.optional(tag::context(0))? {
            crl.read_extensions(&exts.children().expect(tag::SEQUENCE, "crlExtensions")?)?;
        }
        Ok(crl)
    }

    fn read_extensions(&mut self, exts: &Tlv<'_>) -> Result<(), SignatureError> {
        for (id, value) in extensions(exts)? {
            if oid::is(id, &oid::EXT_DELTA_CRL_INDICATOR) {
                self.delta = true;
            } else if oid::is(id, &oid::EXT_ISSUING_DISTRIBUTION_POINT) {
                // IssuingDistributionPoint (RFC 5280 §5.2.5): [1] onlyContainsUserCerts,
                // [2] onlyContainsCACerts, [3] onlySomeReasons, [4] indirectCRL,
                // [5] onlyContainsAttributeCerts. Unreadable: assume the narrowest scope.
                let (idp, _) = match first_tlv(value) {
                    Ok(found) => found,
                    Err(_) => {
                        self.partial = true;
                        continue;
                    }
                };
                let mut fields = idp.children();
                while let Ok(Some(f)) = fields.next() {
                    let set = f.content.first().is_some_and(|&b| b != 0);
                    match f.tag {
                        t if t == tag::context_primitive(1) => self.only_user_certs = set,
                        t if t == tag::context_primitive(2) => self.only_ca_certs = set,
                        t if t == tag::context_primitive(3) || t == tag::context(3) => {
                            self.partial = true;
                        }
                        t if t == tag::context_primitive(4) || t == tag::context_primitive(5) => {
                            self.partial |= set;
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether `issuer`'s key made this CRL's signature. `Err` when it cannot be checked.
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<bool, SignatureError> {
        verify_signed(
            issuer,
            &self.signature_algorithm,
            &self.tbs,
            &self.signature,
        )
    }

    /// The entry of the certificate with this serial number (content octets), if listed.
    pub fn entry(&self, serial: &[u8]) -> Option<&CrlEntry> {
        let wanted = serial_key(serial);
        self.entries.iter().find(|e| e.serial == wanted)
    }

    /// Whether this CRL speaks for every certificate of `cert`'s kind and every reason, so
    /// that a certificate it does not list is not revoked.
    pub fn is_complete_for(&self, cert: &Certificate) -> bool {
        let is_ca = cert.basic_constraints.is_some_and(|(ca, _)| ca);
        let out_of_scope = if is_ca {
            self.only_user_certs
        } else {
            self.only_ca_certs
        };
        !(self.delta || self.partial || out_of_scope)
    }
}

fn read_entry(entry: &Tlv<'_>) -> Result<CrlEntry, SignatureError> {
    let entry = entry.expect(tag::SEQUENCE, "revokedCertificate")?;
    let mut e = entry.children();
    let serial = serial_key(e.expect(tag::INTEGER, "userCertificate")?.content).to_vec();
    let revoked_at = parse_time(&e.read("revocationDate")?, "revocationDate")?;
    let mut reason = None;
    if let Some(exts) = e.optional(tag::SEQUENCE)? {
        for (id, value) in extensions(&exts)? {
            if oid::is(id, &oid::EXT_CRL_REASON) {
                reason = reason_code(value);
            }
        }
    }
    Ok(CrlEntry {
        serial,
        revoked_at,
        reason,
    })
}

/// A CRLReason ENUMERATED's DER; `None` when it is not one.
pub(super) fn reason_code(der: &[u8]) -> Option<RevocationReason> {
    let mut r = Reader::new(der);
    let value = r.next().ok()??;
    if value.tag != tag::ENUMERATED {
        return None;
    }
    enumerated(value.content).map(RevocationReason::from_code)
}

/// A small non-negative ENUMERATED value from its content octets.
pub(super) fn enumerated(content: &[u8]) -> Option<u32> {
    if content.is_empty() || content.len() > 4 || content.first().is_some_and(|&b| b & 0x80 != 0) {
        return None;
    }
    Some(
        content
            .iter()
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b)),
    )
}

/// An extension's extnID and extnValue contents.
type Extension<'a> = (&'a [u8], &'a [u8]);

/// The extensions of an `Extensions` SEQUENCE.
pub(super) fn extensions<'a>(exts: &Tlv<'a>) -> Result<Vec<Extension<'a>>, SignatureError> {
    let mut out = Vec::new();
    let mut r = exts.children();
    while let Some(ext) = r.next()? {
        let ext = ext.expect(tag::SEQUENCE, "Extension")?;
        let mut e = ext.children();
        let id = e.expect(tag::OID, "extnID")?.content;
        e.optional(tag::BOOLEAN)?;
        let value = e.expect(tag::OCTET_STRING, "extnValue")?.content;
        out.push((id, value));
    }
    Ok(out)
}
