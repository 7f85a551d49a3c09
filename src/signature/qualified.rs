//! QCStatements (RFC 3739 §3.2.6, ETSI EN 319 412-5): what a certificate's issuer states of
//! it: issued as an EU qualified certificate, its key held in a qualified signature or seal
//! creation device, for electronic signatures, seals or websites, under which country's law.
//!
//! These are the issuer's claims, written into the certificate it signed. Whether the issuer
//! may make them is for an EU trusted list to say, which arkivar does not read yet, so a
//! record reports the statements as the certificate's, and nothing here makes a signature
//! "qualified" or a document verified.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ber::{Tlv, tag};
use super::oid;

/// The statements arkivar reads from a certificate's QCStatements extension.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QcStatements {
    /// `esi4-qcStatement-1` (QcCompliance): issued as an EU qualified certificate.
    pub eu_qualified: bool,
    /// `esi4-qcStatement-4` (QcSSCD): the private key is in a qualified signature or seal
    /// creation device.
    pub qscd: bool,
    /// `esi4-qcStatement-6` (QcType): what the certificate is for; empty when not stated.
    pub types: Vec<QcType>,
    /// `esi4-qcStatement-7` (QcCClegislation): the countries (ISO 3166 codes) under whose
    /// law it is qualified when that is not the EU's; empty when not stated.
    pub legislation: Vec<String>,
}

/// A QcType (ETSI EN 319 412-5 §4.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QcType {
    /// `id-etc-qct-esign`: electronic signatures, by a natural person.
    Esign,
    /// `id-etc-qct-eseal`: electronic seals, by a legal person.
    Eseal,
    /// `id-etc-qct-web`: website authentication.
    Web,
}

impl QcStatements {
    /// Whether the statements claim all a qualified electronic signature needs of the
    /// certificate: EU qualified, for electronic signatures (EN 319 412-5 §4.2.3: a
    /// certificate that states no type is one for signatures), the key on a QSCD.
    pub fn claims_qualified_signature(&self) -> bool {
        self.claims_qualified(QcType::Esign)
    }

    /// The same for a qualified electronic seal: the type must be stated.
    pub fn claims_qualified_seal(&self) -> bool {
        self.claims_qualified(QcType::Eseal)
    }

    fn claims_qualified(&self, ty: QcType) -> bool {
        let for_it = self.types.contains(&ty) || (ty == QcType::Esign && self.types.is_empty());
        self.eu_qualified && self.qscd && self.legislation.is_empty() && for_it
    }
}

/// Reads the extension's value (`QCStatements ::= SEQUENCE OF QCStatement`). Statements
/// arkivar does not know are skipped; a value that is not a sequence gives `None`, as an
/// unreadable extension leaves the fact unknown rather than the signer unreadable.
pub fn parse(value: &Tlv<'_>) -> Option<QcStatements> {
    if value.tag != tag::SEQUENCE {
        return None;
    }
    let mut out = QcStatements::default();
    let mut statements = value.children();
    while let Ok(Some(statement)) = statements.next() {
        if statement.tag != tag::SEQUENCE {
            return None;
        }
        let mut fields = statement.children();
        let Ok(Some(id)) = fields.next() else {
            return None;
        };
        if id.tag != tag::OID {
            return None;
        }
        let info = fields.next().ok().flatten();
        if oid::is(id.content, &oid::QCS_COMPLIANCE) {
            out.eu_qualified = true;
        } else if oid::is(id.content, &oid::QCS_SSCD) {
            out.qscd = true;
        } else if oid::is(id.content, &oid::QCS_TYPE) {
            out.types = info.map(|i| types(&i)).unwrap_or_default();
        } else if oid::is(id.content, &oid::QCS_CC_LEGISLATION) {
            out.legislation = info.map(|i| countries(&i)).unwrap_or_default();
        }
    }
    Some(out)
}

/// `QcType ::= SEQUENCE OF OBJECT IDENTIFIER`; types arkivar does not know are skipped.
fn types(info: &Tlv<'_>) -> Vec<QcType> {
    let mut out = Vec::new();
    let mut ids = info.children();
    while let Ok(Some(id)) = ids.next() {
        let ty = [
            (oid::QCT_ESIGN, QcType::Esign),
            (oid::QCT_ESEAL, QcType::Eseal),
            (oid::QCT_WEB, QcType::Web),
        ]
        .into_iter()
        .find(|(o, _)| id.tag == tag::OID && oid::is(id.content, o));
        if let Some((_, ty)) = ty
            && !out.contains(&ty)
        {
            out.push(ty);
        }
    }
    out
}

/// `QcCClegislation ::= SEQUENCE OF CountryName` (PrintableString, two letters).
fn countries(info: &Tlv<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut names = info.children();
    while let Ok(Some(name)) = names.next() {
        if name.tag == tag::PRINTABLE_STRING
            && name.content.len() == 2
            && name.content.iter().all(u8::is_ascii_alphabetic)
        {
            out.push(String::from_utf8_lossy(name.content).to_ascii_uppercase());
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::signature::certificate::Certificate;
    use crate::signature::testkit::{CertSpec, TestKey, make_cert, name, octets, oid, seq, tlv};

    /// A QCStatements extension with the given statements (each an OID and its info).
    pub fn extension(statements: &[Vec<u8>]) -> Vec<u8> {
        let refs: Vec<&[u8]> = statements.iter().map(Vec::as_slice).collect();
        seq(&[&oid(&oid::EXT_QC_STATEMENTS), &octets(&seq(&refs))])
    }

    pub fn statement(id: &const_oid::ObjectIdentifier, info: Option<Vec<u8>>) -> Vec<u8> {
        match info {
            Some(info) => seq(&[&oid(id), &info]),
            None => seq(&[&oid(id)]),
        }
    }

    fn of_type(types: &[const_oid::ObjectIdentifier]) -> Vec<u8> {
        let ids: Vec<Vec<u8>> = types.iter().map(oid).collect();
        let refs: Vec<&[u8]> = ids.iter().map(Vec::as_slice).collect();
        statement(&oid::QCS_TYPE, Some(seq(&refs)))
    }

    fn facts(extensions: Vec<Vec<u8>>) -> Option<QcStatements> {
        let key = TestKey::p256(7);
        let mut spec = CertSpec::new(9, name("Berit Ångman", &[]), name("Qualified CA", &[]));
        spec.extensions = extensions;
        Certificate::parse(&make_cert(&spec, &key, &key))
            .expect("parses")
            .signer_facts()
            .qc_statements
    }

    #[test]
    fn a_qualified_signature_certificate_states_it() {
        let got = facts(vec![extension(&[
            statement(&oid::QCS_COMPLIANCE, None),
            statement(&oid::QCS_SSCD, None),
            of_type(&[oid::QCT_ESIGN]),
        ])])
        .expect("statements");
        assert!(got.eu_qualified && got.qscd);
        assert_eq!(got.types, [QcType::Esign]);
        assert!(got.claims_qualified_signature() && !got.claims_qualified_seal());
        // No stated type is a certificate for signatures.
        let untyped = facts(vec![extension(&[
            statement(&oid::QCS_COMPLIANCE, None),
            statement(&oid::QCS_SSCD, None),
        ])])
        .expect("statements");
        assert!(untyped.claims_qualified_signature());
    }

    #[test]
    fn near_misses_claim_less() {
        // Qualified, but the key is not on a QSCD: an advanced signature with a qualified
        // certificate, not a qualified one.
        let no_qscd = facts(vec![extension(&[
            statement(&oid::QCS_COMPLIANCE, None),
            of_type(&[oid::QCT_ESIGN]),
        ])])
        .expect("statements");
        assert!(!no_qscd.claims_qualified_signature());
        // A seal certificate does not claim signatures, and the other way round.
        let seal = facts(vec![extension(&[
            statement(&oid::QCS_COMPLIANCE, None),
            statement(&oid::QCS_SSCD, None),
            of_type(&[oid::QCT_ESEAL]),
        ])])
        .expect("statements");
        assert!(seal.claims_qualified_seal() && !seal.claims_qualified_signature());
        // Qualified under another country's law than the EU's.
        let swiss = facts(vec![extension(&[
            statement(&oid::QCS_COMPLIANCE, None),
            statement(&oid::QCS_SSCD, None),
            statement(
                &oid::QCS_CC_LEGISLATION,
                Some(seq(&[&tlv(tag::PRINTABLE_STRING, &[b"CH"])])),
            ),
        ])])
        .expect("statements");
        assert_eq!(swiss.legislation, ["CH"]);
        assert!(!swiss.claims_qualified_signature());
        // No extension: nothing stated.
        assert_eq!(facts(Vec::new()), None);
    }

    #[test]
    fn unknown_statements_are_skipped_and_a_malformed_value_is_unknown() {
        let pds = const_oid::ObjectIdentifier::new_unwrap("0.4.0.1862.1.5");
        let got = facts(vec![extension(&[
            statement(&pds, Some(seq(&[]))),
            statement(&oid::QCS_COMPLIANCE, None),
        ])])
        .expect("statements");
        assert!(got.eu_qualified && !got.qscd);
        // A value that is not a sequence of statements leaves the fact unknown.
        let bad = seq(&[&oid(&oid::EXT_QC_STATEMENTS), &octets(&[0x05, 0x00])]);
        assert_eq!(facts(vec![bad]), None);
    }
}
