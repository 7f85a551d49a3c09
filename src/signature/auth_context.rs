//! The Authentication Context extension of signing-service certificates (RFC 7773; OID
//! 1.2.752.201.5.1), as the Swedish eID framework (DIGG, Sweden Connect) issues them.
//!
//! A signing service (Inera Underskriftstjänst, Sunet eduSign, Signport, …) issues each signer
//! a short-lived certificate at the moment of signing, after the signer logged in with an eID
//! (BankID, Freja, SITHS). The certificate then records that login: the identity provider,
//! the level of assurance, the authentication instant, the service, and which SAML attributes
//! became which certificate fields. Those are facts about the signing that the signature's own
//! `/M` or `signingTime` (the signer's computer's claim) cannot give.
//!
//! The extension value is `AuthenticationContexts ::= SEQUENCE OF AuthenticationContext`,
//! `AuthenticationContext ::= SEQUENCE { contextType UTF8String, contextInfo UTF8String
//! OPTIONAL }`; the context type `http://id.elegnamnden.se/auth-cont/1.0/saci` carries a
//! `SAMLAuthContext` XML document as its info. Parsing is bounded and best-effort: what does
//! not parse is left unknown, and nothing here fails the signature.

use jiff::Timestamp;
use quick_xml::events::{BytesStart, Event};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ber::{Tlv, tag};

/// The context type of the SAML authentication context (RFC 7773 §3.2).
pub const SACI_CONTEXT_TYPE: &str = "http://id.elegnamnden.se/auth-cont/1.0/saci";

/// Largest context info read, in bytes (real ones are 2–4 KiB).
const MAX_CONTEXT_INFO_BYTES: usize = 64 * 1024;
/// Most XML events read from one context info.
const MAX_XML_EVENTS: usize = 4096;
/// Most attribute mappings kept.
const MAX_MAPPINGS: usize = 64;
/// Longest attribute value kept (URIs, ids).
const MAX_VALUE_CHARS: usize = 512;

/// What a signing service's certificate says of the signer's eID login.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuthContext {
    /// The identity provider that authenticated the signer (its SAML entity id).
    pub identity_provider: Option<String>,
    /// The level of assurance (`AuthnContextClassRef`), e.g.
    /// `http://id.elegnamnden.se/loa/1.0/loa3`.
    pub level_of_assurance: Option<String>,
    /// When the signer logged in, RFC 3339 UTC.
    pub authentication_instant: Option<String>,
    /// The signing service that requested the login (its SAML entity id).
    #[serde(rename = "service_id")]
    pub service: Option<String>,
    /// The id of the SAML assertion the service received.
    pub assertion_ref: Option<String>,
    /// Which SAML attributes of the login became which certificate fields.
    pub attribute_mappings: Vec<AttributeMapping>,
}

impl AuthContext {
    /// The authentication instant as a timestamp.
    pub fn instant(&self) -> Option<Timestamp> {
        self.authentication_instant.as_deref()?.parse().ok()
    }
}

/// One SAML attribute that became a certificate field (the values are not repeated here: the
/// certificate's fields hold them, masked where they are personal identity numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AttributeMapping {
    /// The SAML attribute's friendly name (`personalIdentityNumber`, `givenName`, …), else its
    /// name (`urn:oid:1.2.752.29.4.13`).
    pub attribute: String,
    /// Where it went: an attribute type OID for `rdn`, a general-name tag for `san`.
    pub certificate_field: String,
    /// `rdn` (subject name), `san` (subject alternative name) or `sda` (subject directory
    /// attributes).
    pub kind: String,
}

/// Reads the extension value (the DER inside `extnValue`). `None` when it holds no SAML
/// authentication context this parser can read.
pub fn parse(extension: &Tlv<'_>) -> Option<AuthContext> {
    if extension.tag != tag::SEQUENCE {
        return None;
    }
    let mut contexts = extension.children();
    while let Ok(Some(context)) = contexts.next() {
        if context.tag != tag::SEQUENCE {
            continue;
        }
        let mut fields = context.children();
        let Ok(Some(kind)) = fields.next() else {
            continue;
        };
        if kind.tag != tag::UTF8_STRING || kind.content != SACI_CONTEXT_TYPE.as_bytes() {
            continue;
        }
        let Ok(Some(info)) = fields.next() else {
            continue;
        };
        if info.tag != tag::UTF8_STRING || info.content.len() > MAX_CONTEXT_INFO_BYTES {
            continue;
        }
        return Some(parse_saci(info.content));
    }
    None
}

/// Reads a `SAMLAuthContext` document: `AuthContextInfo`'s attributes and the
/// `AttributeMapping`s with their `Attribute`'s names.
fn parse_saci(xml: &[u8]) -> AuthContext {
    let mut out = AuthContext::default();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    // The mapping being read: its Ref and Type, waiting for its Attribute's name.
    let mut mapping: Option<(String, String)> = None;
    for _ in 0..MAX_XML_EVENTS {
        buf.clear();
        let (element, is_start) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(e)) if e.local_name().as_ref() == b"AttributeMapping" => {
                mapping = None;
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        match element.local_name().as_ref() {
            b"AuthContextInfo" => read_info(&element, &mut out),
            b"AttributeMapping" if is_start => {
                mapping = Some((
                    attribute(&element, b"Ref").unwrap_or_default(),
                    attribute(&element, b"Type").unwrap_or_default(),
                ));
            }
            b"Attribute" => {
                if let Some((field, kind)) = mapping.take()
                    && out.attribute_mappings.len() < MAX_MAPPINGS
                {
                    let name = attribute(&element, b"FriendlyName")
                        .or_else(|| attribute(&element, b"Name"))
                        .unwrap_or_default();
                    out.attribute_mappings.push(AttributeMapping {
                        attribute: name,
                        certificate_field: field,
                        kind,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn read_info(element: &BytesStart<'_>, out: &mut AuthContext) {
    out.identity_provider = attribute(element, b"IdentityProvider");
    out.level_of_assurance = attribute(element, b"AuthnContextClassRef");
    out.service = attribute(element, b"ServiceID");
    out.assertion_ref = attribute(element, b"AssertionRef");
    out.authentication_instant =
        attribute(element, b"AuthenticationInstant").and_then(|t| instant(&t));
}

/// An `xs:dateTime` as RFC 3339 UTC. SAML gives its times in UTC (SAML 2.0 core §1.3.3);
/// services write an offset or `Z`, and a time without either is read as UTC.
fn instant(value: &str) -> Option<String> {
    let value = value.trim();
    if let Ok(t) = value.parse::<Timestamp>() {
        return Some(t.to_string());
    }
    let civil: jiff::civil::DateTime = value.parse().ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().to_string())
}

/// An attribute's unescaped value, at most [`MAX_VALUE_CHARS`] characters.
fn attribute(element: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    let found = element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)?;
    let value = found.unescape_value().ok()?;
    Some(value.chars().take(MAX_VALUE_CHARS).collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::signature::ber::{Reader, encode_tlv};

    /// Parses the extension from the bytes of `extnValue` (a DER `SEQUENCE`).
    fn parse_der(value: &[u8]) -> Option<AuthContext> {
        let outer = Reader::new(value).next().ok()??;
        parse(&outer)
    }

    /// A `SAMLAuthContext` as Sweden Connect's sandbox signing service writes it.
    pub(crate) fn saci(instant: &str) -> String {
        format!(
            r#"<SAMLAuthContext xmlns="http://id.elegnamnden.se/auth-cont/1.0/saci"><AuthContextInfo AssertionRef="_db909a95" AuthenticationInstant="{instant}" AuthnContextClassRef="http://id.elegnamnden.se/loa/1.0/loa3" IdentityProvider="http://dev.test.swedenconnect.se/idp" ServiceID="https://eid2cssp.3xasecurity.com/sign"/><IdAttributes><AttributeMapping Ref="2.5.4.5" Type="rdn"><saml:Attribute FriendlyName="personalIdentityNumber" Name="urn:oid:1.2.752.29.4.13" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:AttributeValue>195207306886</saml:AttributeValue></saml:Attribute></AttributeMapping><AttributeMapping Ref="2.5.4.3" Type="rdn"><saml:Attribute Name="urn:oid:2.16.840.1.113730.3.1.241" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:AttributeValue>Majlis Medin</saml:AttributeValue></saml:Attribute></AttributeMapping></IdAttributes></SAMLAuthContext>"#
        )
    }

    /// The extension value (`AuthenticationContexts`) with one context of `kind` and `info`.
    pub(crate) fn extension(kind: &str, info: &str) -> Vec<u8> {
        let mut context = encode_tlv(tag::UTF8_STRING, kind.as_bytes());
        context.extend_from_slice(&encode_tlv(tag::UTF8_STRING, info.as_bytes()));
        encode_tlv(tag::SEQUENCE, &encode_tlv(tag::SEQUENCE, &context))
    }

    #[test]
    fn saml_auth_context_gives_the_login() {
        let ext = extension(SACI_CONTEXT_TYPE, &saci("2025-03-21T16:44:39.871+01:00"));
        let ctx = parse_der(&ext).expect("a context");
        assert_eq!(
            ctx.identity_provider.as_deref(),
            Some("http://dev.test.swedenconnect.se/idp")
        );
        assert_eq!(
            ctx.level_of_assurance.as_deref(),
            Some("http://id.elegnamnden.se/loa/1.0/loa3")
        );
        assert_eq!(
            ctx.authentication_instant.as_deref(),
            Some("2025-03-21T15:44:39.871Z")
        );
        assert_eq!(
            ctx.service.as_deref(),
            Some("https://eid2cssp.3xasecurity.com/sign")
        );
        assert_eq!(ctx.attribute_mappings.len(), 2);
        assert_eq!(
            ctx.attribute_mappings[0].attribute,
            "personalIdentityNumber"
        );
        assert_eq!(ctx.attribute_mappings[0].certificate_field, "2.5.4.5");
        assert_eq!(ctx.attribute_mappings[0].kind, "rdn");
        // No friendly name: the attribute's name.
        assert_eq!(
            ctx.attribute_mappings[1].attribute,
            "urn:oid:2.16.840.1.113730.3.1.241"
        );
        // No personal data is copied into the facts.
        let json = serde_json::to_string(&ctx).expect("serialises");
        assert!(!json.contains("195207306886"), "{json}");
    }

    #[test]
    fn a_time_without_a_zone_is_utc() {
        let ext = extension(SACI_CONTEXT_TYPE, &saci("2025-03-21T15:44:39"));
        let ctx = parse_der(&ext).expect("a context");
        assert_eq!(
            ctx.authentication_instant.as_deref(),
            Some("2025-03-21T15:44:39Z")
        );
        let ext = extension(SACI_CONTEXT_TYPE, &saci("last tuesday"));
        assert_eq!(parse_der(&ext).expect("a context").instant(), None);
    }

    #[test]
    fn other_context_types_and_broken_values_are_no_context() {
        // Near misses: another context type, no info, not a sequence, broken XML.
        let other = extension("http://example.com/other", &saci("2025-03-21T15:44:39Z"));
        assert_eq!(parse_der(&other), None);
        let bare = encode_tlv(
            tag::SEQUENCE,
            &encode_tlv(
                tag::SEQUENCE,
                &encode_tlv(tag::UTF8_STRING, SACI_CONTEXT_TYPE.as_bytes()),
            ),
        );
        assert_eq!(parse_der(&bare), None);
        assert_eq!(parse_der(&encode_tlv(tag::OCTET_STRING, b"x")), None);
        assert_eq!(parse_der(b""), None);
        let broken = extension(SACI_CONTEXT_TYPE, "<SAMLAuthContext><AuthContextInfo");
        let ctx = parse_der(&broken).expect("the context is there");
        assert_eq!(ctx, AuthContext::default());
    }
}
