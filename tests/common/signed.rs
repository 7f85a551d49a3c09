//! Signed PDFs built in code for `samples/`: a sample CA (root → issuing CA → one certificate
//! per person, all ECDSA P-256), CMS `SignedData` (RFC 5652) over a PDF's byte range, and PDFs
//! written revision by revision so that each signature covers exactly the revision it closes
//! (ISO 32000-2 §12.8.1).
//!
//! Everything is deterministic: the keys come from fixed seeds, ECDSA signs with RFC 6979
//! nonces, and every time is written out, so `make-samples` writes the same bytes every run
//! and `tests/samples.rs` can compare them with the committed files. The sample CA is public
//! test material: its keys are derived from the seeds below, so nothing it signs means
//! anything outside these samples.
//!
//! Only dependencies of the crate are used (no `arkivar::` paths), because this file is also
//! compiled inside the library's own tests (`src/fuzzing/mod.rs` includes `tests/common`).

use const_oid::ObjectIdentifier as Oid;
use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
use sha2::{Digest as _, Sha256};

/// Width of every `/Contents` placeholder, in hex digits: room for a CMS signature with its
/// two certificates.
pub const CONTENTS_HEX: usize = 8192;

/// A `/ByteRange` placeholder as wide as a filled one.
const BYTE_RANGE: &str = "[0 0000000000 0000000000 0000000000]";

// ---------------------------------------------------------------- DER (X.690) ----

mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const UTC_TIME: u8 = 0x17;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
}

fn tlv(t: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![t];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// A SET OF in DER order (X.690 §11.6: sorted by encoding), as signed attributes must be.
fn set(parts: &[&[u8]]) -> Vec<u8> {
    let mut sorted = parts.to_vec();
    sorted.sort();
    tlv(tag::SET, &sorted.concat())
}

/// An explicit (constructed) context tag `[n]`.
fn ctx(n: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(0xa0 | n, &parts.concat())
}

fn oid(dotted: &str) -> Vec<u8> {
    tlv(tag::OID, Oid::new_unwrap(dotted).as_bytes())
}

fn int(v: u64) -> Vec<u8> {
    let mut m: Vec<u8> = v
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    if m.first().is_none_or(|&b| b & 0x80 != 0) {
        m.insert(0, 0);
    }
    tlv(tag::INTEGER, &m)
}

fn octets(b: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, b)
}

fn bits(b: &[u8]) -> Vec<u8> {
    tlv(tag::BIT_STRING, &[&[0], b].concat())
}

fn utc(s: &str) -> Vec<u8> {
    tlv(tag::UTC_TIME, s.as_bytes())
}

fn boolean(v: bool) -> Vec<u8> {
    vec![tag::BOOLEAN, 1, if v { 0xff } else { 0 }]
}

const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const PRIME256V1: &str = "1.2.840.10045.3.1.7";
const ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const ID_DATA: &str = "1.2.840.113549.1.7.1";
const ID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
const COMMON_NAME: &str = "2.5.4.3";
const SERIAL_NUMBER: &str = "2.5.4.5";
const COUNTRY: &str = "2.5.4.6";
const ORGANIZATION: &str = "2.5.4.10";
const KEY_USAGE: &str = "2.5.29.15";
const BASIC_CONSTRAINTS: &str = "2.5.29.19";
const SUBJECT_KEY_ID: &str = "2.5.29.14";
const AUTHORITY_KEY_ID: &str = "2.5.29.35";

/// A Name: country, then organisation or personal number when given, then the common name.
fn name(cn: &str, org: Option<&str>, serial: Option<&str>) -> Vec<u8> {
    let rdn = |o: &str, value: Vec<u8>| set(&[&seq(&[&oid(o), &value])]);
    let mut rdns = rdn(COUNTRY, tlv(tag::PRINTABLE_STRING, b"SE"));
    if let Some(org) = org {
        rdns.extend(rdn(ORGANIZATION, tlv(tag::UTF8_STRING, org.as_bytes())));
    }
    if let Some(serial) = serial {
        rdns.extend(rdn(
            SERIAL_NUMBER,
            tlv(tag::PRINTABLE_STRING, serial.as_bytes()),
        ));
    }
    rdns.extend(rdn(COMMON_NAME, tlv(tag::UTF8_STRING, cn.as_bytes())));
    seq(&[&rdns])
}

// ------------------------------------------------------------ the sample CA ----

/// A key and the certificate that names it.
pub struct Holder {
    key: SigningKey,
    pub cert: Vec<u8>,
    /// The certificate's subject (a DER Name), the issuer of what this holder signs.
    subject: Vec<u8>,
    serial: u64,
}

/// A deterministic P-256 key: SHA-256 of a label, which is below the group order for every
/// label used here (`SigningKey::from_slice` refuses otherwise).
fn key(label: &str) -> SigningKey {
    let scalar = Sha256::digest(format!("arkivar sample CA: {label}").as_bytes());
    SigningKey::from_slice(&scalar).expect("a SHA-256 value is a valid P-256 scalar here")
}

fn key_id(key: &SigningKey) -> Vec<u8> {
    let point = key.verifying_key().to_encoded_point(false);
    Sha256::digest(point.as_bytes())[..20].to_vec()
}

fn spki(key: &SigningKey) -> Vec<u8> {
    let point = key.verifying_key().to_encoded_point(false);
    seq(&[
        &seq(&[&oid(EC_PUBLIC_KEY), &oid(PRIME256V1)]),
        &bits(point.as_bytes()),
    ])
}

fn sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let signature: Signature = key.sign(message);
    signature.to_der().as_bytes().to_vec()
}

/// What varies between the sample CA's certificates.
struct CertSpec<'a> {
    serial: u64,
    subject: Vec<u8>,
    ca: bool,
    not_before: &'a str,
    not_after: &'a str,
}

/// A v3 certificate for `key` issued by `issuer` (or self-signed when `issuer` is `None`).
fn certify(spec: CertSpec<'_>, key: SigningKey, issuer: Option<&Holder>) -> Holder {
    let (issuer_name, issuer_key, issuer_id) = match issuer {
        Some(h) => (h.subject.clone(), &h.key, key_id(&h.key)),
        None => (spec.subject.clone(), &key, key_id(&key)),
    };
    // keyUsage: keyCertSign and cRLSign for a CA; digitalSignature and nonRepudiation for a
    // signer (RFC 5280 §4.2.1.3).
    let key_usage: &[u8] = if spec.ca {
        &[0x01, 0x06]
    } else {
        &[0x06, 0xc0]
    };
    let constraints = if spec.ca { boolean(true) } else { Vec::new() };
    let extensions = [
        seq(&[
            &oid(BASIC_CONSTRAINTS),
            &boolean(true),
            &octets(&seq(&[&constraints])),
        ]),
        seq(&[
            &oid(KEY_USAGE),
            &boolean(true),
            &octets(&tlv(tag::BIT_STRING, key_usage)),
        ]),
        seq(&[&oid(SUBJECT_KEY_ID), &octets(&octets(&key_id(&key)))]),
        seq(&[
            &oid(AUTHORITY_KEY_ID),
            &octets(&seq(&[&tlv(0x80, &issuer_id)])),
        ]),
    ]
    .concat();
    let algorithm = seq(&[&oid(ECDSA_WITH_SHA256)]);
    let tbs = seq(&[
        &ctx(0, &[&int(2)]),
        &int(spec.serial),
        &algorithm,
        &issuer_name,
        &seq(&[&utc(spec.not_before), &utc(spec.not_after)]),
        &spec.subject,
        &spki(&key),
        &ctx(3, &[&seq(&[&extensions])]),
    ]);
    let signature = sign(issuer_key, &tbs);
    Holder {
        cert: seq(&[&tbs, &algorithm, &bits(&signature)]),
        subject: spec.subject,
        serial: spec.serial,
        key,
    }
}

/// The sample CA: a root (what `samples/trust.pem` holds) and the issuing CA under it.
pub struct SampleCa {
    pub root: Holder,
    pub issuing: Holder,
}

impl SampleCa {
    pub fn new() -> Self {
        let organisation = Some("Exempelby kommun (exempel, ej på riktigt)");
        let root = certify(
            CertSpec {
                serial: 1,
                subject: name("arkivar Sample Root CA", organisation, None),
                ca: true,
                not_before: "260101000000Z",
                not_after: "451231235959Z",
            },
            key("root"),
            None,
        );
        let issuing = certify(
            CertSpec {
                serial: 2,
                subject: name("arkivar Sample Issuing CA", organisation, None),
                ca: true,
                not_before: "260101000000Z",
                not_after: "451231235959Z",
            },
            key("issuing"),
            Some(&root),
        );
        SampleCa { root, issuing }
    }

    /// A person's signing certificate: their name, and a personal number as serialNumber as
    /// Swedish e-legitimation certificates carry it.
    pub fn person(&self, serial: u64, cn: &str, personnummer: &str) -> Holder {
        self.signer(serial, name(cn, None, Some(personnummer)))
    }

    /// An organisation's seal certificate (an e-sign platform's).
    pub fn seal(&self, serial: u64, cn: &str, org: &str) -> Holder {
        self.signer(serial, name(cn, Some(org), None))
    }

    fn signer(&self, serial: u64, subject: Vec<u8>) -> Holder {
        certify(
            CertSpec {
                serial,
                subject,
                ca: false,
                not_before: "260101000000Z",
                not_after: "361231235959Z",
            },
            key(&format!("signer {serial}")),
            Some(&self.issuing),
        )
    }

    /// The root as PEM (RFC 7468), for `--trust`.
    pub fn root_pem(&self) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.root.cert);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    /// A detached CMS `SignedData` by `signer` over `content`, as a PAdES baseline B-B
    /// signature is made (ETSI EN 319 142-1 §6.3): the signed attributes contentType,
    /// messageDigest and ESS signing-certificate-v2 naming the signer's certificate by its
    /// SHA-256 (RFC 5035), and no signingTime (the time is the signature dictionary's `/M`);
    /// carrying the signer's and the issuing CA's certificates (RFC 5652 §5).
    pub fn cms(&self, signer: &Holder, content: &[u8]) -> Vec<u8> {
        let attribute = |o: &str, value: Vec<u8>| seq(&[&oid(o), &set(&[&value])]);
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, the hash
        // algorithm left at its default, SHA-256.
        let ess = seq(&[&seq(&[&seq(&[&octets(&Sha256::digest(&signer.cert))])])]);
        let attributes = [
            attribute(CONTENT_TYPE, oid(ID_DATA)),
            attribute(MESSAGE_DIGEST, octets(&Sha256::digest(content))),
            attribute(SIGNING_CERTIFICATE_V2, ess),
        ];
        let refs: Vec<&[u8]> = attributes.iter().map(Vec::as_slice).collect();
        // Signed over as a SET OF (RFC 5652 §5.4), carried as [0] IMPLICIT.
        let as_set = set(&refs);
        let signature = sign(&signer.key, &as_set);
        let mut signed_attributes = as_set;
        signed_attributes[0] = 0xa0;
        let digest = seq(&[&oid(SHA256)]);
        let signer_info = seq(&[
            &int(1),
            &seq(&[&self.issuing.subject, &int(signer.serial)]),
            &digest,
            &signed_attributes,
            &seq(&[&oid(ECDSA_WITH_SHA256)]),
            &octets(&signature),
        ]);
        let signed_data = seq(&[
            &int(1),
            &set(&[&digest]),
            &seq(&[&oid(ID_DATA)]),
            &ctx(0, &[&signer.cert, &self.issuing.cert]),
            &set(&[&signer_info]),
        ]);
        seq(&[&oid(ID_SIGNED_DATA), &ctx(0, &[&signed_data])])
    }
}

impl Default for SampleCa {
    fn default() -> Self {
        Self::new()
    }
}

// ----------------------------------------------------- PDFs, revision by revision ----

/// Writes a PDF revision by revision with classic xref tables, so every offset is known and
/// a signature can cover exactly the revisions before it.
pub struct Revisions {
    pub out: Vec<u8>,
    objects: Vec<(u32, usize)>,
    prev_xref: Option<usize>,
    size: u32,
}

impl Revisions {
    pub fn new() -> Self {
        Revisions {
            out: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            objects: Vec::new(),
            prev_xref: None,
            size: 1,
        }
    }

    /// Writes object `n` (new, or replacing an earlier revision's).
    pub fn obj(&mut self, n: u32, body: &str) -> &mut Self {
        self.obj_bytes(n, body.as_bytes())
    }

    pub fn obj_bytes(&mut self, n: u32, body: &[u8]) -> &mut Self {
        self.objects.push((n, self.out.len()));
        self.out
            .extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
        self.size = self.size.max(n + 1);
        self
    }

    pub fn stream(&mut self, n: u32, dict: &str, data: &[u8]) -> &mut Self {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.obj_bytes(n, &body)
    }

    /// Closes a revision with its xref section and trailer (root object 1); returns its end.
    pub fn revision(&mut self) -> usize {
        let xref_at = self.out.len();
        let mut entries = std::mem::take(&mut self.objects);
        if self.prev_xref.is_none() {
            entries.push((0, 0));
        }
        entries.sort();
        let mut table = String::from("xref\n");
        let mut i = 0;
        while i < entries.len() {
            let mut j = i;
            while j + 1 < entries.len() && entries[j + 1].0 == entries[j].0 + 1 {
                j += 1;
            }
            table.push_str(&format!("{} {}\n", entries[i].0, j - i + 1));
            for (n, at) in &entries[i..=j] {
                if *n == 0 {
                    table.push_str("0000000000 65535 f \n");
                } else {
                    table.push_str(&format!("{at:010} 00000 n \n"));
                }
            }
            i = j + 1;
        }
        let prev = self
            .prev_xref
            .map_or(String::new(), |p| format!(" /Prev {p}"));
        table.push_str(&format!(
            "trailer\n<< /Size {} /Root 1 0 R{prev} >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.size
        ));
        self.out.extend_from_slice(table.as_bytes());
        self.prev_xref = Some(xref_at);
        self.out.len()
    }

    /// Signs the revision just closed: fills in the `/ByteRange` of the last signature
    /// placeholder and writes `signer`'s CMS over those bytes into its `/Contents`.
    pub fn sign_last(&mut self, ca: &SampleCa, signer: &Holder) {
        let end = self.out.len();
        let at = rfind(&self.out, BYTE_RANGE.as_bytes()).expect("a /ByteRange placeholder");
        let open = at + find(&self.out[at..], b"/Contents <").expect("its /Contents") + 10;
        let close = open + CONTENTS_HEX + 2;
        let range = format!("[0 {open:010} {close:010} {:010}]", end - close);
        self.out[at..at + range.len()].copy_from_slice(range.as_bytes());
        let mut signed = self.out[..open].to_vec();
        signed.extend_from_slice(&self.out[close..end]);
        let hex = hex::encode(ca.cms(signer, &signed));
        assert!(hex.len() <= CONTENTS_HEX, "CMS larger than its placeholder");
        self.out[open + 1..open + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    }
}

impl Default for Revisions {
    fn default() -> Self {
        Self::new()
    }
}

/// A signature dictionary with placeholders for [`Revisions::sign_last`]: a PAdES signature
/// (`ETSI.CAdES.detached`) whose `/M` is the PDF date `m` and `/Name` is `who`.
pub fn signature_value(who: &str, m: &str) -> Vec<u8> {
    let mut out =
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /Name ".to_vec();
    out.extend(literal(who));
    out.extend_from_slice(
        format!(
            " /M ({m}) /ByteRange {BYTE_RANGE} /Contents <{}> >>",
            "0".repeat(CONTENTS_HEX)
        )
        .as_bytes(),
    );
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// A PDF literal string of `text` in WinAnsiEncoding (`(`, `)` and `\` escaped).
pub fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let code = match c {
            '–' => 0x96,
            '”' => 0x94,
            c => u8::try_from(u32::from(c))
                .unwrap_or_else(|_| panic!("{c:?} is not in the samples' WinAnsi subset")),
        };
        if matches!(code, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(code);
    }
    out.push(b')');
    out
}

/// A content stream that shows `lines` top to bottom in Helvetica 10 (`/F1`), from the top
/// left of an A4 page; a line starting with `# ` is a heading in 14 points.
pub fn show(lines: &[&str]) -> Vec<u8> {
    let mut s = b"BT 14 TL 56 790 Td\n".to_vec();
    for line in lines {
        let (size, text) = match line.strip_prefix("# ") {
            Some(heading) => (14, heading),
            None => (10, *line),
        };
        s.extend_from_slice(format!("/F1 {size} Tf ").as_bytes());
        s.extend(literal(text));
        s.extend_from_slice(b" Tj T*\n");
    }
    s.extend_from_slice(b"ET");
    s
}
