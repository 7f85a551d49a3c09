//! X.509 certificates (RFC 5280 §4.1), read leniently enough for real signer certificates, and
//! the signer facts taken from them.
//!
//! Why our own reader rather than `x509-cert`: a verifier of archived signatures meets
//! certificates that strict DER decoders refuse (negative serials, non-minimal encodings,
//! BER inside the CMS), and it needs the raw `tbsCertificate` and names exactly as found to
//! check signatures and compare names. Only the fields verification and reporting use are read.

use jiff::Timestamp;

use super::algorithm::{AlgorithmId, PublicKey, SignatureScheme, describe_spki};
use super::auth_context::AuthContext;
use super::ber::{Reader, Tlv, first_tlv, oid_to_string, small_uint, tag};
use super::error::Result;
use super::oid;
use super::report::Signer;
use super::time::parse_time;

/// Certificate/issuer pairs whose signature check is remembered, process-wide; the memo is
/// emptied when it reaches this size.
const MAX_VERIFIED_PAIRS: usize = 4096;

/// Outcomes of [`Certificate::verify_signed_by`], keyed by [`verified_pair_key`]. The outcome
/// depends only on the bytes hashed into the key, so remembering it cannot change a verdict.
static VERIFIED_PAIRS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<[u8; 32], bool>>,
> = std::sync::LazyLock::new(Default::default);

/// SHA-256 over the certificate's DER and the issuer's public key: everything the check reads.
fn verified_pair_key(cert: &Certificate, issuer: &Certificate) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update((cert.der.len() as u64).to_be_bytes());
    h.update(&cert.der);
    h.update(&issuer.spki);
    h.finalize().into()
}

/// One parsed certificate, owning its DER.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The DER of the whole certificate (re-encoded only if it was BER).
    pub der: Vec<u8>,
    /// The `tbsCertificate` exactly as signed.
    pub tbs: Vec<u8>,
    /// `signatureAlgorithm` TLV.
    signature_algorithm: Vec<u8>,
    /// `signatureValue` without the unused-bits octet.
    pub signature: Vec<u8>,
    /// Version number as written (0 = v1, 2 = v3).
    pub version: u32,
    /// Serial number INTEGER content octets.
    pub serial: Vec<u8>,
    pub issuer: Name,
    pub subject: Name,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// `subjectPublicKeyInfo` TLV.
    spki: Vec<u8>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// keyUsage bits (bit 0 = digitalSignature is the first bit), if the extension is there.
    pub key_usage: Option<u16>,
    /// basicConstraints: (cA, pathLenConstraint), if the extension is there.
    pub basic_constraints: Option<(bool, Option<u32>)>,
    /// rfc822Name entries of subjectAltName.
    pub email_alt_names: Vec<String>,
    /// extKeyUsage purposes (RFC 5280 §4.2.1.12), OID content octets; empty when absent.
    pub extended_key_usage: Vec<Vec<u8>>,
    /// The eID login a signing service recorded (RFC 7773 Authentication Context).
    pub auth_context: Option<AuthContext>,
    /// What the issuer states of it in QCStatements (EU qualified, QSCD, type), if the
    /// extension is there and reads.
    pub qc_statements: Option<super::qualified::QcStatements>,
    /// certificatePolicies identifiers, dotted (a trusted list's PolicySet criteria select
    /// certificates by them); empty when absent.
    pub policies: Vec<String>,
}

/// A distinguished name: its raw DER and its attributes in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub raw: Vec<u8>,
    /// (attribute type OID content octets, value as text).
    pub attributes: Vec<(Vec<u8>, String)>,
}

impl Name {
    /// Reads a `Name` (RFC 5280 §4.1.2.4) TLV.
    pub fn parse_tlv(tlv: &Tlv<'_>) -> Result<Self> {
        Self::parse(tlv)
    }

    fn parse(tlv: &Tlv<'_>) -> Result<Self> {
        let tlv = tlv.expect(tag::SEQUENCE, "Name")?;
        let mut attributes = Vec::new();
        let mut rdns = tlv.children();
        while let Some(rdn) = rdns.next()? {
            let rdn = rdn.expect(tag::SET, "RelativeDistinguishedName")?;
            let mut atvs = rdn.children();
            while let Some(atv) = atvs.next()? {
                let atv = atv.expect(tag::SEQUENCE, "AttributeTypeAndValue")?;
                let mut r = atv.children();
                let ty = r.expect(tag::OID, "AttributeType")?;
                let value = r.read("AttributeValue")?;
                attributes.push((ty.content.to_vec(), directory_string(&value)));
            }
        }
        Ok(Name {
            raw: tlv.raw.to_vec(),
            attributes,
        })
    }

    /// The first value of an attribute type.
    pub fn get(&self, ty: &const_oid::ObjectIdentifier) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(t, _)| oid::is(t, ty))
            .map(|(_, v)| v.as_str())
    }

    /// `CN=…, O=…, C=…` in encoded order, with personal identity numbers masked.
    pub fn display(&self) -> String {
        self.attributes
            .iter()
            .map(|(ty, value)| {
                let value = if oid::is(ty, &oid::AT_SERIAL_NUMBER) {
                    mask_personal_number(value)
                } else {
                    value.clone()
                };
                format!("{}={}", attribute_short_name(ty), value)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Name equality for path building (RFC 5280 §7.1): byte-equal, or equal after case
    /// folding and whitespace collapsing of each value with the same attribute types in order.
    pub fn matches(&self, other: &Name) -> bool {
        if self.raw == other.raw {
            return true;
        }
        self.attributes.len() == other.attributes.len()
            && self
                .attributes
                .iter()
                .zip(&other.attributes)
                .all(|((ta, va), (tb, vb))| ta == tb && fold(va) == fold(vb))
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn attribute_short_name(ty: &[u8]) -> String {
    let table = [
        (oid::AT_COMMON_NAME, "CN"),
        (oid::AT_SURNAME, "SN"),
        (oid::AT_SERIAL_NUMBER, "serialNumber"),
        (oid::AT_COUNTRY, "C"),
        (oid::AT_LOCALITY, "L"),
        (oid::AT_STATE, "ST"),
        (oid::AT_ORGANIZATION, "O"),
        (oid::AT_ORGANIZATIONAL_UNIT, "OU"),
        (oid::AT_TITLE, "title"),
        (oid::AT_GIVEN_NAME, "GN"),
        (oid::AT_ORGANIZATION_IDENTIFIER, "organizationIdentifier"),
        (oid::AT_EMAIL_ADDRESS, "emailAddress"),
    ];
    table
        .iter()
        .find(|(o, _)| oid::is(ty, o))
        .map(|(_, n)| (*n).to_owned())
        .unwrap_or_else(|| oid_to_string(ty))
}

/// Text of a DirectoryString or IA5String (RFC 5280 §4.1.2.4); BMP and Universal strings are
/// UTF-16BE and UTF-32BE; TeletexString is read as Latin-1, which is what signers put there.
fn directory_string(value: &Tlv<'_>) -> String {
    let bytes = value.octets().unwrap_or_default();
    match value.tag & !tag::CONSTRUCTED {
        tag::BMP_STRING => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| match c {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xfffd,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        tag::UNIVERSAL_STRING => bytes
            .chunks(4)
            .map(|c| match c {
                [a, b, cc, d] => {
                    char::from_u32(u32::from_be_bytes([*a, *b, *cc, *d])).unwrap_or('\u{fffd}')
                }
                _ => '\u{fffd}',
            })
            .collect(),
        tag::TELETEX_STRING => match std::str::from_utf8(&bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        },
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

impl Certificate {
    /// Parses one certificate from its encoding (DER, or BER converted to DER).
    pub fn parse(encoding: &[u8]) -> Result<Self> {
        let (tlv, _) = first_tlv(encoding)?;
        if tlv.uses_ber()? && tlv.indefinite {
            // The signature is over the DER of tbsCertificate (RFC 5280 §4.1.1.3), so a
            // BER-wrapped certificate is checked in its DER form.
            let der = tlv.to_der()?;
            let (tlv, _) = first_tlv(&der)?;
            return Self::from_tlv(&tlv);
        }
        Self::from_tlv(&tlv)
    }

    /// Parses a certificate TLV.
    pub fn from_tlv(tlv: &Tlv<'_>) -> Result<Self> {
        let cert = tlv.expect(tag::SEQUENCE, "Certificate")?;
        let mut r = cert.children();
        let tbs = r.expect(tag::SEQUENCE, "tbsCertificate")?;
        let sig_alg = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
        let sig = r.expect(tag::BIT_STRING, "signatureValue")?;
        let signature = sig.whole_bits("signatureValue")?.to_vec();
        let tbs_der = tbs.signed_bytes()?;

        let mut t = tbs.children();
        let version = match t.optional(tag::context(0))? {
            Some(v) => small_uint(&v.children().read("version")?, "version")?,
            None => 0,
        };
        let serial = t.expect(tag::INTEGER, "serialNumber")?.content.to_vec();
        t.expect(tag::SEQUENCE, "tbsCertificate.signature")?;
        let issuer = Name::parse(&t.read("issuer")?)?;
        let validity = t.expect(tag::SEQUENCE, "validity")?;
        let mut v = validity.children();
        let not_before = parse_time(&v.read("notBefore")?, "notBefore")?;
        let not_after = parse_time(&v.read("notAfter")?, "notAfter")?;
        let subject = Name::parse(&t.read("subject")?)?;
        let spki = t.expect(tag::SEQUENCE, "subjectPublicKeyInfo")?;

        let mut cert = Certificate {
            der: tlv.raw.to_vec(),
            tbs: tbs_der,
            signature_algorithm: sig_alg.raw.to_vec(),
            signature,
            version,
            serial,
            issuer,
            subject,
            not_before,
            not_after,
            spki: spki.raw.to_vec(),
            subject_key_id: None,
            authority_key_id: None,
            key_usage: None,
            basic_constraints: None,
            email_alt_names: Vec::new(),
            extended_key_usage: Vec::new(),
            auth_context: None,
            qc_statements: None,
            policies: Vec::new(),
        };
        while let Some(field) = t.next()? {
            if field.tag == tag::context(3) {
                let exts = field.children().expect(tag::SEQUENCE, "extensions")?;
                cert.read_extensions(&exts)?;
            }
        }
        Ok(cert)
    }

    fn read_extensions(&mut self, exts: &Tlv<'_>) -> Result<()> {
        let mut r = exts.children();
        while let Some(ext) = r.next()? {
            let ext = ext.expect(tag::SEQUENCE, "Extension")?;
            let mut e = ext.children();
            let id = e.expect(tag::OID, "extnID")?;
            e.optional(tag::BOOLEAN)?;
            let value = e.expect(tag::OCTET_STRING, "extnValue")?;
            let mut inner = Reader::new(value.content);
            // Extension contents are parsed best-effort: an odd extension must not make the
            // signer unreadable, it only leaves that fact unknown.
            let Ok(Some(v)) = inner.next() else { continue };
            if oid::is(id.content, &oid::EXT_SUBJECT_KEY_IDENTIFIER) && v.tag == tag::OCTET_STRING {
                self.subject_key_id = Some(v.content.to_vec());
            } else if oid::is(id.content, &oid::EXT_AUTHORITY_KEY_IDENTIFIER) {
                let mut a = v.children();
                if let Ok(Some(kid)) = a.optional(tag::context_primitive(0)) {
                    self.authority_key_id = Some(kid.content.to_vec());
                }
            } else if oid::is(id.content, &oid::EXT_KEY_USAGE) && v.tag == tag::BIT_STRING {
                let bits = v.content.get(1..).unwrap_or_default();
                let first = u16::from(bits.first().copied().unwrap_or(0));
                let second = u16::from(bits.get(1).copied().unwrap_or(0));
                // Bit 0 (digitalSignature) is the most significant bit of the first octet.
                self.key_usage = Some(((first << 8) | second).reverse_bits());
            } else if oid::is(id.content, &oid::EXT_BASIC_CONSTRAINTS) {
                let mut b = v.children();
                let mut ca = false;
                let mut path_len = None;
                while let Ok(Some(f)) = b.next() {
                    match f.tag {
                        tag::BOOLEAN => ca = f.content.first().is_some_and(|&x| x != 0),
                        tag::INTEGER => path_len = small_uint(&f, "pathLenConstraint").ok(),
                        _ => {}
                    }
                }
                self.basic_constraints = Some((ca, path_len));
            } else if oid::is(id.content, &oid::EXT_EXTENDED_KEY_USAGE) {
                let mut purposes = v.children();
                while let Ok(Some(p)) = purposes.next() {
                    if p.tag == tag::OID {
                        self.extended_key_usage.push(p.content.to_vec());
                    }
                }
            } else if oid::is(id.content, &oid::EXT_AUTH_CONTEXT) {
                self.auth_context = super::auth_context::parse(&v);
            } else if oid::is(id.content, &oid::EXT_CERTIFICATE_POLICIES) {
                let mut infos = v.children();
                while let Ok(Some(info)) = infos.next() {
                    if let Ok(Some(policy)) = info.children().next()
                        && policy.tag == tag::OID
                    {
                        self.policies
                            .push(super::ber::oid_to_string(policy.content));
                    }
                }
            } else if oid::is(id.content, &oid::EXT_QC_STATEMENTS) {
                self.qc_statements = super::qualified::parse(&v);
            } else if oid::is(id.content, &oid::EXT_SUBJECT_ALT_NAME) {
                let mut names = v.children();
                while let Ok(Some(n)) = names.next() {
                    if n.tag == tag::context_primitive(1) {
                        self.email_alt_names
                            .push(String::from_utf8_lossy(n.content).into_owned());
                    }
                }
            }
        }
        Ok(())
    }

    /// The `subjectPublicKeyInfo` as a TLV.
    pub fn spki_tlv(&self) -> Result<Tlv<'_>> {
        first_tlv(&self.spki).map(|(t, _)| t)
    }

    /// The key identifier of RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits,
    /// for certificates that carry no SKI extension but are named by one in a SignerInfo.
    pub fn computed_key_id(&self) -> Option<Vec<u8>> {
        let spki = self.spki_tlv().ok()?;
        let (_, key) = super::algorithm::spki_parts(&spki).ok()?;
        Some(super::algorithm::DigestAlgorithm::Sha1.digest(key))
    }

    /// The subject public key.
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_spki(&self.spki_tlv()?)
    }

    /// Whether `issuer`'s key made this certificate's signature (RFC 5280 §6.1.3 (a)(1)).
    /// `Ok(false)` when the mathematics says no, `Err` when it cannot be checked.
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<bool> {
        // The same certificate pairs recur across a document's signatures, timestamps and DSS
        // (and across the documents of a batch); an RSA check costs more than the lookup.
        let key = verified_pair_key(self, issuer);
        if let Some(known) = VERIFIED_PAIRS
            .lock()
            .ok()
            .and_then(|memo| memo.get(&key).copied())
        {
            return Ok(known);
        }
        let (alg_tlv, _) = first_tlv(&self.signature_algorithm)?;
        let alg = AlgorithmId::parse(alg_tlv, "signatureAlgorithm")?;
        let scheme = SignatureScheme::from_algorithm(&alg, None)?;
        let verified = issuer
            .public_key()?
            .verify(&scheme, &[&self.tbs], &self.signature)?;
        if let Ok(mut memo) = VERIFIED_PAIRS.lock() {
            if memo.len() >= MAX_VERIFIED_PAIRS {
                memo.clear();
            }
            memo.insert(key, verified);
        }
        Ok(verified)
    }

    /// Whether subject and issuer names are the same (a self-issued certificate).
    pub fn is_self_issued(&self) -> bool {
        self.subject.matches(&self.issuer)
    }

    /// Whether `t` falls within notBefore..=notAfter (RFC 5280 §4.1.2.5).
    pub fn valid_at(&self, t: Timestamp) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    /// Serial number in lower-case hex without leading zero octets.
    pub fn serial_hex(&self) -> String {
        let skip = self
            .serial
            .iter()
            .take_while(|&&b| b == 0)
            .count()
            .min(self.serial.len().saturating_sub(1));
        hex::encode(self.serial.get(skip..).unwrap_or_default())
    }

    /// The subject CN, or the whole subject when there is none.
    pub fn display_name(&self) -> String {
        self.subject
            .get(&oid::AT_COMMON_NAME)
            .map(str::to_owned)
            .unwrap_or_else(|| self.subject.display())
    }

    /// keyUsage names in RFC 5280 §4.2.1.3 order.
    pub fn key_usage_names(&self) -> Vec<String> {
        const NAMES: [&str; 9] = [
            "digital_signature",
            "non_repudiation",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ];
        let Some(bits) = self.key_usage else {
            return Vec::new();
        };
        NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, n)| (*n).to_owned())
            .collect()
    }

    /// Whether keyUsage allows signing certificates (absent extension: no constraint).
    pub fn may_sign_certificates(&self) -> bool {
        self.key_usage.is_none_or(|bits| bits & (1 << 5) != 0)
    }

    /// The facts reported about a signer.
    pub fn signer_facts(&self) -> Signer {
        let (key_algorithm, key_bits, curve) = match self.spki_tlv() {
            Ok(spki) => describe_spki(&spki),
            Err(_) => ("unknown".to_owned(), None, None),
        };
        Signer {
            common_name: self.subject.get(&oid::AT_COMMON_NAME).map(str::to_owned),
            organization: self.subject.get(&oid::AT_ORGANIZATION).map(str::to_owned),
            email: self
                .subject
                .get(&oid::AT_EMAIL_ADDRESS)
                .map(str::to_owned)
                .or_else(|| self.email_alt_names.first().cloned()),
            serial_number: self
                .subject
                .get(&oid::AT_SERIAL_NUMBER)
                .map(mask_personal_number),
            subject: self.subject.display(),
            issuer: self.issuer.display(),
            issuer_common_name: self.issuer.get(&oid::AT_COMMON_NAME).map(str::to_owned),
            certificate_serial: self.serial_hex(),
            not_before: self.not_before.to_string(),
            not_after: self.not_after.to_string(),
            key_usage: self.key_usage_names(),
            natural_person: self.names_a_person(),
            signing_service: self.auth_context.is_some(),
            auth_context: self.auth_context.clone(),
            qc_statements: self.qc_statements.clone(),
            // Decided where the path and the time are known (`finish`).
            qualified: super::trusted_list::Qualification::unknown(
                "the signer's path ends at no trusted list service",
            ),
            key_algorithm,
            key_bits,
            curve,
        }
    }
}

impl Certificate {
    /// True when the subject is a natural person: a givenName, surname or pseudonym, or a
    /// serialNumber that is a Swedish personal identity number (which masking would change).
    pub fn names_a_person(&self) -> bool {
        [oid::AT_GIVEN_NAME, oid::AT_SURNAME, oid::AT_PSEUDONYM]
            .iter()
            .any(|o| self.subject.get(o).is_some())
            || self.subject.get(&oid::AT_SERIAL_NUMBER).is_some_and(|v| {
                let masked = mask_personal_number(v);
                masked != v && masked != v.trim()
            })
    }
}

/// Masks a Swedish personal identity number (personnummer, or samordningsnummer with day + 60)
/// in a subject serialNumber, keeping the date of birth: `PNOSE-197001011234` →
/// `PNOSE-19700101-****`, `197001011234` → `19700101-****` (spec `verdict.md`, "Personal
/// data"). Other serial numbers are returned unchanged.
pub fn mask_personal_number(value: &str) -> String {
    let trimmed = value.trim();
    let digits_start = trimmed
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(trimmed.len());
    let (prefix, number) = trimmed.split_at(digits_start);
    // The prefix, when there is one, is a semantics identifier such as "PNOSE-" (ETSI EN
    // 319 412-1 §5.1.3): letters then a hyphen.
    let prefix_ok = prefix.is_empty()
        || (prefix.ends_with('-')
            && prefix
                .trim_end_matches('-')
                .chars()
                .all(|c| c.is_ascii_alphabetic()));
    if !prefix_ok {
        return value.to_owned();
    }
    let compact: String = number.chars().filter(|c| *c != '-' && *c != '+').collect();
    let separators = number.len() - compact.len();
    if !compact.bytes().all(|b| b.is_ascii_digit()) || separators > 1 {
        return value.to_owned();
    }
    let date = match compact.len() {
        12 => compact.get(..8),
        10 => compact.get(..6),
        _ => None,
    };
    let Some(date) = date else {
        return value.to_owned();
    };
    let month: u32 = date
        .get(date.len() - 4..date.len() - 2)
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let day: u32 = date
        .get(date.len() - 2..)
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    let day_ok = (1..=31).contains(&day) || (61..=91).contains(&day);
    if !(1..=12).contains(&month) || !day_ok {
        return value.to_owned();
    }
    format!("{prefix}{date}-****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_identity_number_in_serial_number_is_masked() {
        assert_eq!(
            mask_personal_number("PNOSE-197001011234"),
            "PNOSE-19700101-****"
        );
        assert_eq!(mask_personal_number("197001011234"), "19700101-****");
        assert_eq!(mask_personal_number("19700101-1234"), "19700101-****");
        assert_eq!(mask_personal_number("7001011234"), "700101-****");
        // Samordningsnummer: day + 60.
        assert_eq!(mask_personal_number("197001611234"), "19700161-****");
    }

    #[test]
    fn a_signing_service_certificate_carries_the_login() {
        use crate::signature::testkit::{
            CertSpec, TestKey, auth_context_extension, make_cert, name,
        };
        let key = TestKey::p256(7);
        let subject = name("Majlis Medin", &[(oid::AT_SERIAL_NUMBER, "195207306886")]);
        let mut spec = CertSpec::new(5, subject.clone(), name("Sign service CA 01", &[]));
        spec.extensions = vec![auth_context_extension("2025-03-21T16:44:39.871+01:00")];
        let cert = Certificate::parse(&make_cert(&spec, &key, &key)).expect("parses");
        let facts = cert.signer_facts();
        assert!(facts.signing_service && facts.natural_person);
        assert_eq!(facts.serial_number.as_deref(), Some("19520730-****"));
        let login = facts.auth_context.expect("the login");
        assert_eq!(
            login.authentication_instant.as_deref(),
            Some("2025-03-21T15:44:39.871Z")
        );
        // Near miss: the same person's certificate without the extension.
        let spec = CertSpec::new(5, subject, name("Sign service CA 01", &[]));
        let facts = Certificate::parse(&make_cert(&spec, &key, &key))
            .expect("parses")
            .signer_facts();
        assert!(!facts.signing_service && facts.auth_context.is_none());
    }

    #[test]
    fn other_serial_numbers_are_not_masked() {
        for keep in [
            "ICA - 10493989",
            "IDCES-12345678Z",
            "197013011234",
            "12345",
            "ABC",
        ] {
            assert_eq!(mask_personal_number(keep), keep);
        }
    }

    #[test]
    fn a_person_is_named_by_given_name_surname_pseudonym_or_personnummer() {
        use crate::signature::testkit::{CertSpec, TestKey, make_cert, name};
        let key = TestKey::p256(7);
        let person = |more: &[(const_oid::ObjectIdentifier, &str)]| {
            let cert = make_cert(
                &CertSpec::new(1, name("X", more), name("CA", &[])),
                &key,
                &key,
            );
            Certificate::parse(&cert).unwrap().names_a_person()
        };
        assert!(person(&[(oid::AT_GIVEN_NAME, "Erik")]));
        assert!(person(&[(oid::AT_SURNAME, "Lövgren")]));
        assert!(person(&[(oid::AT_PSEUDONYM, "el")]));
        assert!(person(&[(oid::AT_SERIAL_NUMBER, "PNOSE-197001011234")]));
        assert!(person(&[(oid::AT_SERIAL_NUMBER, "197001011234")]));
        // Near misses: an organisation's seal, with its own serial number.
        assert!(!person(&[(oid::AT_ORGANIZATION, "Signeringsplattform AB")]));
        assert!(!person(&[(oid::AT_SERIAL_NUMBER, "NTRSE-5560001234")]));
        assert!(!person(&[]));
    }
}
