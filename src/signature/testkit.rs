//! Test material built in code: DER by hand, keys, certificates and CMS `SignedData`.
//!
//! Nothing here comes from a file: every certificate, token and signature a unit test uses is
//! made by these functions, so a test shows exactly which byte makes the difference.

use const_oid::ObjectIdentifier as Oid;
use rsa::traits::PublicKeyParts;
use signature::Signer as _;

use super::algorithm::DigestAlgorithm;
use super::ber::{encode_tlv, tag};
use super::certificate::Certificate;
use super::oid;

pub fn tlv(t: u8, parts: &[&[u8]]) -> Vec<u8> {
    encode_tlv(t, &parts.concat())
}
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, parts)
}
pub fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SET, parts)
}
pub fn ctx(n: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::context(n), parts)
}
pub fn oid(o: &Oid) -> Vec<u8> {
    encode_tlv(tag::OID, o.as_bytes())
}
pub fn octets(b: &[u8]) -> Vec<u8> {
    encode_tlv(tag::OCTET_STRING, b)
}
pub fn bits(b: &[u8]) -> Vec<u8> {
    tlv(tag::BIT_STRING, &[&[0], b])
}
pub fn null() -> Vec<u8> {
    vec![tag::NULL, 0]
}
pub fn boolean(v: bool) -> Vec<u8> {
    vec![tag::BOOLEAN, 1, if v { 0xff } else { 0 }]
}
pub fn utf8(s: &str) -> Vec<u8> {
    encode_tlv(tag::UTF8_STRING, s.as_bytes())
}
pub fn utc(s: &str) -> Vec<u8> {
    encode_tlv(tag::UTC_TIME, s.as_bytes())
}
pub fn gen_time(s: &str) -> Vec<u8> {
    encode_tlv(tag::GENERALIZED_TIME, s.as_bytes())
}
/// A non-negative INTEGER from big-endian magnitude octets.
pub fn uint_bytes(b: &[u8]) -> Vec<u8> {
    let skip = b.iter().take_while(|&&x| x == 0).count();
    let mut m = b.get(skip..).unwrap_or_default().to_vec();
    if m.first().is_none_or(|&x| x & 0x80 != 0) {
        m.insert(0, 0);
    }
    encode_tlv(tag::INTEGER, &m)
}
pub fn int(v: u64) -> Vec<u8> {
    uint_bytes(&v.to_be_bytes())
}
pub fn attr(o: &Oid, value: &[u8]) -> Vec<u8> {
    seq(&[&oid(o), &set(&[value])])
}
pub fn alg(o: &Oid) -> Vec<u8> {
    seq(&[&oid(o)])
}

/// A Name with a CN and any further attributes.
pub fn name(cn: &str, more: &[(Oid, &str)]) -> Vec<u8> {
    let mut rdns = Vec::new();
    for (o, v) in more {
        rdns.extend(set(&[&seq(&[&oid(o), &utf8(v)])]));
    }
    rdns.extend(set(&[&seq(&[&oid(&oid::AT_COMMON_NAME), &utf8(cn)])]));
    seq(&[&rdns])
}

/// Rewrites the outer `levels` constructed TLVs of a DER value with indefinite lengths, as
/// BER-producing signers do.
pub fn indefinite(der: &[u8], levels: usize) -> Vec<u8> {
    let (t, _) = super::ber::first_tlv(der).unwrap();
    if levels == 0 || !t.is_constructed() {
        return t.raw.to_vec();
    }
    let mut out = vec![t.tag, 0x80];
    let mut r = t.children();
    while let Some(child) = r.next().unwrap() {
        out.extend(indefinite(child.raw, levels - 1));
    }
    out.extend([0, 0]);
    out
}

/// PEM for a DER certificate (RFC 7468).
pub fn pem(der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                b64.push(char::from(ALPHABET[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// A signing key of one of the supported kinds.
pub enum TestKey {
    P256(p256::ecdsa::SigningKey),
    Rsa(rsa::RsaPrivateKey),
    RsaPss(rsa::RsaPrivateKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl TestKey {
    /// A deterministic P-256 key from a seed byte.
    pub fn p256(seed: u8) -> Self {
        let mut bytes = [0u8; 32];
        bytes[31] = seed;
        bytes[0] = 0x11;
        TestKey::P256(p256::ecdsa::SigningKey::from_slice(&bytes).unwrap())
    }

    pub fn ed25519(seed: u8) -> Self {
        TestKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    /// A 1024-bit RSA key: small, to keep debug-mode key generation fast; size is not what
    /// these tests are about.
    pub fn rsa() -> rsa::RsaPrivateKey {
        rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 1024).unwrap()
    }

    pub fn spki(&self) -> Vec<u8> {
        match self {
            TestKey::P256(k) => {
                let point = k.verifying_key().to_encoded_point(false);
                seq(&[
                    &seq(&[&oid(&oid::EC_PUBLIC_KEY), &oid(&oid::SECP256R1)]),
                    &bits(point.as_bytes()),
                ])
            }
            TestKey::Rsa(k) | TestKey::RsaPss(k) => {
                let pk = k.to_public_key();
                let inner = seq(&[
                    &uint_bytes(&pk.n().to_bytes_be()),
                    &uint_bytes(&pk.e().to_bytes_be()),
                ]);
                seq(&[&seq(&[&oid(&oid::RSA_ENCRYPTION), &null()]), &bits(&inner)])
            }
            TestKey::Ed25519(k) => seq(&[&alg(&oid::ED25519), &bits(k.verifying_key().as_bytes())]),
        }
    }

    /// The AlgorithmIdentifier of this key's signatures (SHA-256 based).
    pub fn sig_alg(&self) -> Vec<u8> {
        match self {
            TestKey::P256(_) => alg(&oid::ECDSA_WITH_SHA256),
            TestKey::Rsa(_) => seq(&[&oid(&oid::SHA256_WITH_RSA), &null()]),
            TestKey::RsaPss(_) => {
                let sha256 = seq(&[&oid(&oid::SHA256), &null()]);
                let params = seq(&[
                    &ctx(0, &[&sha256]),
                    &ctx(1, &[&seq(&[&oid(&oid::MGF1), &sha256])]),
                    &ctx(2, &[&int(32)]),
                ]);
                seq(&[&oid(&oid::RSASSA_PSS), &params])
            }
            TestKey::Ed25519(_) => alg(&oid::ED25519),
        }
    }

    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        let hash = DigestAlgorithm::Sha256.digest(msg);
        match self {
            TestKey::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                s.to_der().as_bytes().to_vec()
            }
            // Private-key operations in tests only; RUSTSEC-2023-0071 is about exactly these,
            // on a server, and does not concern test material.
            TestKey::Rsa(k) => k
                .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &hash)
                .unwrap(),
            TestKey::RsaPss(k) => k
                .sign_with_rng(
                    &mut rand_core::OsRng,
                    rsa::Pss::new_with_salt::<sha2::Sha256>(32),
                    &hash,
                )
                .unwrap(),
            TestKey::Ed25519(k) => k.sign(msg).to_bytes().to_vec(),
        }
    }
}

/// What goes into a test certificate.
pub struct CertSpec<'a> {
    pub serial: u64,
    pub subject: Vec<u8>,
    pub issuer: Vec<u8>,
    pub not_before: &'a str,
    pub not_after: &'a str,
    pub ca: bool,
    pub ski: Option<Vec<u8>>,
    pub aki: Option<Vec<u8>>,
    pub email_san: Option<&'a str>,
    /// Further extensions, each a whole `Extension` SEQUENCE.
    pub extensions: Vec<Vec<u8>>,
}

impl<'a> CertSpec<'a> {
    pub fn new(serial: u64, subject: Vec<u8>, issuer: Vec<u8>) -> Self {
        CertSpec {
            serial,
            subject,
            issuer,
            not_before: "200101000000Z",
            not_after: "351231235959Z",
            ca: false,
            ski: None,
            aki: None,
            email_san: None,
            extensions: Vec::new(),
        }
    }
}

/// A v3 certificate for `subject_key`, signed by `issuer_key`.
pub fn make_cert(spec: &CertSpec<'_>, subject_key: &TestKey, issuer_key: &TestKey) -> Vec<u8> {
    let mut exts = Vec::new();
    exts.extend(seq(&[
        &oid(&oid::EXT_BASIC_CONSTRAINTS),
        &boolean(true),
        &octets(&seq(&[&if spec.ca { boolean(true) } else { vec![] }])),
    ]));
    // keyUsage: keyCertSign+cRLSign for CAs, digitalSignature+nonRepudiation otherwise.
    let ku = if spec.ca {
        vec![0x01, 0x06]
    } else {
        vec![0x06, 0xc0]
    };
    exts.extend(seq(&[
        &oid(&oid::EXT_KEY_USAGE),
        &boolean(true),
        &octets(&encode_tlv(tag::BIT_STRING, &ku)),
    ]));
    if let Some(ski) = &spec.ski {
        exts.extend(seq(&[
            &oid(&oid::EXT_SUBJECT_KEY_IDENTIFIER),
            &octets(&octets(ski)),
        ]));
    }
    if let Some(aki) = &spec.aki {
        exts.extend(seq(&[
            &oid(&oid::EXT_AUTHORITY_KEY_IDENTIFIER),
            &octets(&seq(&[&encode_tlv(tag::context_primitive(0), aki)])),
        ]));
    }
    if let Some(email) = spec.email_san {
        exts.extend(seq(&[
            &oid(&oid::EXT_SUBJECT_ALT_NAME),
            &octets(&seq(&[&encode_tlv(
                tag::context_primitive(1),
                email.as_bytes(),
            )])),
        ]));
    }
    for extension in &spec.extensions {
        exts.extend_from_slice(extension);
    }
    let tbs = seq(&[
        &ctx(0, &[&int(2)]),
        &int(spec.serial),
        &issuer_key.sig_alg(),
        &spec.issuer,
        &seq(&[&utc(spec.not_before), &utc(spec.not_after)]),
        &spec.subject,
        &subject_key.spki(),
        &ctx(3, &[&seq(&[&exts])]),
    ]);
    let sig = issuer_key.sign(&tbs);
    seq(&[&tbs, &issuer_key.sig_alg(), &bits(&sig)])
}

/// What goes into a test `SignedData`.
pub struct CmsSpec<'a> {
    pub key: &'a TestKey,
    pub cert: &'a [u8],
    pub extra_certs: Vec<Vec<u8>>,
    /// The detached content (the concatenated byte ranges).
    pub content: &'a [u8],
    /// Encapsulated content and its type (TSTInfo, or adbe.pkcs7.sha1's digest).
    pub econtent: Option<(Oid, Vec<u8>)>,
    pub signing_time: Option<&'a str>,
    pub signed_attrs: bool,
    /// Further signed attributes (DER `Attribute`s).
    pub more_signed_attrs: Vec<Vec<u8>>,
    /// Name the signer by subjectKeyIdentifier instead of issuer and serial.
    pub sid_by_ski: Option<Vec<u8>>,
    /// Signature algorithm override (AlgorithmIdentifier DER).
    pub signature_algorithm: Option<Vec<u8>>,
    /// Whether the signer's certificate goes into `certificates`.
    pub include_signer_cert: bool,
    /// `crls` entries (RevocationInfoChoices), each a whole DER value.
    pub crls: Vec<Vec<u8>>,
}

impl<'a> CmsSpec<'a> {
    pub fn new(key: &'a TestKey, cert: &'a [u8], content: &'a [u8]) -> Self {
        CmsSpec {
            key,
            cert,
            extra_certs: Vec::new(),
            content,
            econtent: None,
            signing_time: Some("240301120000Z"),
            signed_attrs: true,
            more_signed_attrs: Vec::new(),
            sid_by_ski: None,
            signature_algorithm: None,
            include_signer_cert: true,
            crls: Vec::new(),
        }
    }
}

/// A built `SignedData` ContentInfo, and the pieces tests poke at.
pub struct BuiltCms {
    pub der: Vec<u8>,
}

/// Builds a `SignedData`; `unsigned` gives the unsigned attributes from the signature value.
pub fn make_cms(spec: &CmsSpec<'_>, unsigned: &dyn Fn(&[u8]) -> Vec<Vec<u8>>) -> BuiltCms {
    let cert = Certificate::parse(spec.cert).unwrap();
    let econtent_type = spec
        .econtent
        .as_ref()
        .map(|(o, _)| *o)
        .unwrap_or(oid::ID_DATA);
    let covered: &[u8] = spec.econtent.as_ref().map_or(spec.content, |(_, e)| e);
    let md = DigestAlgorithm::Sha256.digest(covered);
    let (signed_attrs, signature) = if spec.signed_attrs {
        let mut attrs = vec![
            attr(&oid::CONTENT_TYPE, &oid(&econtent_type)),
            attr(&oid::MESSAGE_DIGEST, &octets(&md)),
        ];
        if let Some(t) = spec.signing_time {
            attrs.push(attr(&oid::SIGNING_TIME, &utc(t)));
        }
        attrs.extend(spec.more_signed_attrs.iter().cloned());
        let refs: Vec<&[u8]> = attrs.iter().map(Vec::as_slice).collect();
        let as_set = set(&refs);
        let sig = spec.key.sign(&as_set);
        let mut implicit = as_set;
        implicit[0] = tag::context(0);
        (implicit, sig)
    } else {
        (Vec::new(), spec.key.sign(covered))
    };
    let sid = match &spec.sid_by_ski {
        Some(ski) => encode_tlv(tag::context_primitive(0), ski),
        None => seq(&[&cert.issuer.raw, &uint_bytes(&cert.serial)]),
    };
    let sig_alg = spec
        .signature_algorithm
        .clone()
        .unwrap_or_else(|| match spec.key {
            TestKey::Rsa(_) => seq(&[&oid(&oid::RSA_ENCRYPTION), &null()]),
            other => other.sig_alg(),
        });
    let unsigned_attrs = unsigned(&signature);
    let unsigned_der = if unsigned_attrs.is_empty() {
        Vec::new()
    } else {
        let refs: Vec<&[u8]> = unsigned_attrs.iter().map(Vec::as_slice).collect();
        ctx(1, &refs)
    };
    let digest_alg = seq(&[&oid(&oid::SHA256), &null()]);
    let si_content = [
        int(1),
        sid.clone(),
        digest_alg.clone(),
        signed_attrs.clone(),
        sig_alg,
        octets(&signature),
        unsigned_der,
    ]
    .concat();
    let signer_info = encode_tlv(tag::SEQUENCE, &si_content);
    let encap = match &spec.econtent {
        Some((o, e)) => seq(&[&oid(o), &ctx(0, &[&octets(e)])]),
        None => seq(&[&oid(&oid::ID_DATA)]),
    };
    let mut certs = if spec.include_signer_cert {
        spec.cert.to_vec()
    } else {
        Vec::new()
    };
    for c in &spec.extra_certs {
        certs.extend(c);
    }
    let crls = if spec.crls.is_empty() {
        Vec::new()
    } else {
        ctx(1, &[&spec.crls.concat()])
    };
    let sd = seq(&[
        &int(1),
        &set(&[&digest_alg]),
        &encap,
        &ctx(0, &[&certs]),
        &crls,
        &set(&[&signer_info]),
    ]);
    let der = seq(&[&oid(&oid::ID_SIGNED_DATA), &ctx(0, &[&sd])]);
    BuiltCms { der }
}

/// Position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An RFC 3161 TSTInfo over `imprint_of` with SHA-256.
pub fn tst_info(imprint_of: &[&[u8]], gen_at: &str) -> Vec<u8> {
    let imprint = DigestAlgorithm::Sha256.digest_parts(imprint_of);
    seq(&[
        &int(1),
        &oid(&Oid::new_unwrap("1.2.3.4.1")),
        &seq(&[&seq(&[&oid(&oid::SHA256), &null()]), &octets(&imprint)]),
        &int(4242),
        &gen_time(gen_at),
    ])
}

/// A test PKI: root → issuing CA → signer, plus a TSA, all P-256.
pub struct Pki {
    pub root: Vec<u8>,
    pub ca_key: TestKey,
    pub ca: Vec<u8>,
    pub signer_key: TestKey,
    pub signer: Vec<u8>,
    pub tsa_key: TestKey,
    pub tsa: Vec<u8>,
}

pub fn root_name() -> Vec<u8> {
    name(
        "Test Root",
        &[
            (oid::AT_COUNTRY, "SE"),
            (oid::AT_ORGANIZATION, "Testkorpus"),
        ],
    )
}
pub fn ca_name() -> Vec<u8> {
    name(
        "Test Issuing CA",
        &[
            (oid::AT_COUNTRY, "SE"),
            (oid::AT_ORGANIZATION, "Testkorpus"),
        ],
    )
}

impl Pki {
    pub fn new() -> Self {
        Self::with_signer_validity("230101000000Z", "251231235959Z")
    }

    pub fn with_signer_validity(not_before: &str, not_after: &str) -> Self {
        let root_key = TestKey::p256(1);
        let ca_key = TestKey::p256(2);
        let signer_key = TestKey::p256(3);
        let tsa_key = TestKey::p256(4);
        let mut root_spec = CertSpec::new(1, root_name(), root_name());
        root_spec.ca = true;
        root_spec.ski = Some(vec![0xaa; 20]);
        let root = make_cert(&root_spec, &root_key, &root_key);
        let mut ca_spec = CertSpec::new(2, ca_name(), root_name());
        ca_spec.ca = true;
        ca_spec.ski = Some(vec![0xbb; 20]);
        ca_spec.aki = Some(vec![0xaa; 20]);
        let ca = make_cert(&ca_spec, &ca_key, &root_key);
        let mut signer_spec = CertSpec::new(
            0x0123_4567,
            name(
                "Erik Lövgren",
                &[
                    (oid::AT_COUNTRY, "SE"),
                    (oid::AT_ORGANIZATION, "Ånge kommun"),
                    (oid::AT_SERIAL_NUMBER, "PNOSE-197001011234"),
                ],
            ),
            ca_name(),
        );
        signer_spec.not_before = not_before;
        signer_spec.not_after = not_after;
        signer_spec.ski = Some(vec![0xcc; 20]);
        signer_spec.aki = Some(vec![0xbb; 20]);
        signer_spec.email_san = Some("erik@example.se");
        let signer = make_cert(&signer_spec, &signer_key, &ca_key);
        let mut tsa_spec = CertSpec::new(9, name("Test TSA", &[]), ca_name());
        tsa_spec.aki = Some(vec![0xbb; 20]);
        let tsa = make_cert(&tsa_spec, &tsa_key, &ca_key);
        Pki {
            root,
            ca_key,
            ca,
            signer_key,
            signer,
            tsa_key,
            tsa,
        }
    }

    /// A trust store holding only this PKI's root, loaded through PEM.
    pub fn trust(&self) -> super::TrustStore {
        super::TrustStore::from_pem(pem(&self.root).as_bytes()).unwrap()
    }

    /// A SignedData by the signer over `content`, carrying signer and CA certificates.
    pub fn spec<'a>(&'a self, content: &'a [u8]) -> CmsSpec<'a> {
        let mut spec = CmsSpec::new(&self.signer_key, &self.signer, content);
        spec.extra_certs = vec![self.ca.clone()];
        spec
    }

    /// A timestamp token by the TSA whose imprint covers `imprint_of`.
    pub fn token(&self, imprint_of: &[&[u8]], gen_at: &str) -> Vec<u8> {
        let mut spec = CmsSpec::new(&self.tsa_key, &self.tsa, b"");
        spec.econtent = Some((oid::ID_CT_TST_INFO, tst_info(imprint_of, gen_at)));
        spec.extra_certs = vec![self.ca.clone()];
        spec.signing_time = None;
        make_cms(&spec, &|_| Vec::new()).der
    }

    /// The unsigned signature-timestamp attribute over `signature` (a CMS signature value),
    /// made at `gen_at`.
    pub fn signature_timestamp(&self, signature: &[u8], gen_at: &str) -> Vec<u8> {
        attr(&oid::TIME_STAMP_TOKEN, &self.token(&[signature], gen_at))
    }

    /// A `BasicOCSPResponse` by the issuing CA itself with one answer, produced at 11:00 on
    /// 2024-03-01.
    pub fn ocsp_by_ca(&self, single: Single<'_>) -> Vec<u8> {
        make_basic_ocsp(
            Responder::Name(&self.ca),
            "20240301110000Z",
            &[single],
            &[],
            &self.ca_key,
        )
    }

    /// The CA's answer that the signer's certificate is good.
    pub fn ocsp_signer_good(&self) -> Vec<u8> {
        self.ocsp_by_ca(Single::new(&self.signer, &self.ca, OcspAnswer::Good))
    }
}

/// The ESS signing-certificate-v2 attribute naming `cert` by its SHA-256 (RFC 5035 §3), as
/// PAdES baseline signatures carry it.
pub fn signing_certificate_v2(cert: &[u8]) -> Vec<u8> {
    let hash = DigestAlgorithm::Sha256.digest(cert);
    attr(
        &oid::SIGNING_CERTIFICATE_V2,
        &seq(&[&seq(&[&seq(&[&octets(&hash)])])]),
    )
}

/// The root's CRL for 2024, revoking nothing: it answers for the issuing CA.
pub fn root_crl() -> Vec<u8> {
    make_crl(
        &CrlSpec::new(root_name(), "240101000000Z", "250101000000Z"),
        &root_key(),
    )
}

/// The RFC 7773 Authentication Context extension a signing service puts in its signers'
/// certificates, recording an eID login at `instant` (an `xs:dateTime`).
pub fn auth_context_extension(instant: &str) -> Vec<u8> {
    use super::auth_context::tests::{extension, saci};
    seq(&[
        &oid(&oid::EXT_AUTH_CONTEXT),
        &octets(&extension(
            super::auth_context::SACI_CONTEXT_TYPE,
            &saci(instant),
        )),
    ])
}

/// Where `scripts/fetch-signing-samples.sh` puts the real signing-platform samples:
/// `$ARKIVAR_SAMPLES`, else `~/.cache/arkivar-samples`.
pub fn signing_samples() -> std::path::PathBuf {
    std::env::var_os("ARKIVAR_SAMPLES")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|home| std::path::Path::new(&home).join(".cache/arkivar-samples"))
        })
        .unwrap_or_default()
}

/// An ENUMERATED.
pub fn enumerated(v: u8) -> Vec<u8> {
    vec![tag::ENUMERATED, 1, v]
}

/// One revoked certificate of a test CRL: serial, revocationDate (UTCTime), CRLReason.
pub struct Revoked<'a> {
    pub serial: Vec<u8>,
    pub at: &'a str,
    pub reason: Option<u8>,
}

/// What goes into a test CRL.
pub struct CrlSpec<'a> {
    pub issuer: Vec<u8>,
    /// UTCTime.
    pub this_update: &'a str,
    /// UTCTime.
    pub next_update: Option<&'a str>,
    pub revoked: Vec<Revoked<'a>>,
    /// crlExtensions, each a whole `Extension`.
    pub extensions: Vec<Vec<u8>>,
}

impl<'a> CrlSpec<'a> {
    /// A CRL by `issuer` issued at `this_update`, valid for a month, listing nothing.
    pub fn new(issuer: Vec<u8>, this_update: &'a str, next_update: &'a str) -> Self {
        CrlSpec {
            issuer,
            this_update,
            next_update: Some(next_update),
            revoked: Vec::new(),
            extensions: Vec::new(),
        }
    }
}

/// A v2 CRL signed by `key`.
pub fn make_crl(spec: &CrlSpec<'_>, key: &TestKey) -> Vec<u8> {
    let mut entries = Vec::new();
    for r in &spec.revoked {
        let exts = match r.reason {
            Some(code) => seq(&[&seq(&[
                &oid(&oid::EXT_CRL_REASON),
                &octets(&enumerated(code)),
            ])]),
            None => Vec::new(),
        };
        entries.extend(seq(&[&uint_bytes(&r.serial), &utc(r.at), &exts]));
    }
    let revoked = if spec.revoked.is_empty() {
        Vec::new()
    } else {
        seq(&[&entries])
    };
    let exts = if spec.extensions.is_empty() {
        Vec::new()
    } else {
        ctx(0, &[&seq(&[&spec.extensions.concat()])])
    };
    let tbs = seq(&[
        &int(1),
        &key.sig_alg(),
        &spec.issuer,
        &utc(spec.this_update),
        &spec.next_update.map(utc).unwrap_or_default(),
        &revoked,
        &exts,
    ]);
    let sig = key.sign(&tbs);
    seq(&[&tbs, &key.sig_alg(), &bits(&sig)])
}

/// A test OCSP answer.
#[derive(Clone, Copy)]
pub enum OcspAnswer<'a> {
    Good,
    /// revocationTime (GeneralizedTime) and CRLReason.
    Revoked(&'a str, Option<u8>),
    Unknown,
}

/// One SingleResponse of a test OCSP response: about `cert`, issued by `issuer` (DER).
pub struct Single<'a> {
    pub cert: &'a [u8],
    pub issuer: &'a [u8],
    pub answer: OcspAnswer<'a>,
    /// GeneralizedTime.
    pub this_update: &'a str,
    /// GeneralizedTime.
    pub next_update: Option<&'a str>,
    pub hash: DigestAlgorithm,
}

impl<'a> Single<'a> {
    pub fn new(cert: &'a [u8], issuer: &'a [u8], answer: OcspAnswer<'a>) -> Self {
        Single {
            cert,
            issuer,
            answer,
            this_update: "20240301110000Z",
            next_update: Some("20240308110000Z"),
            hash: DigestAlgorithm::Sha1,
        }
    }
}

/// How a test OCSP response names its responder.
pub enum Responder<'a> {
    /// byName, the subject of this certificate.
    Name(&'a [u8]),
    /// byKey, the SHA-1 of this certificate's key.
    Key(&'a [u8]),
}

fn key_bits(cert_der: &[u8]) -> Vec<u8> {
    let cert = Certificate::parse(cert_der).unwrap();
    let spki = cert.spki_tlv().unwrap();
    super::algorithm::spki_parts(&spki).unwrap().1.to_vec()
}

/// A `BasicOCSPResponse` signed by `key`, naming `responder`, carrying `certs`.
pub fn make_basic_ocsp(
    responder: Responder<'_>,
    produced_at: &str,
    singles: &[Single<'_>],
    certs: &[&[u8]],
    key: &TestKey,
) -> Vec<u8> {
    let responder_id = match responder {
        Responder::Name(cert) => ctx(1, &[&Certificate::parse(cert).unwrap().subject.raw]),
        Responder::Key(cert) => ctx(
            2,
            &[&octets(&DigestAlgorithm::Sha1.digest(&key_bits(cert)))],
        ),
    };
    let mut responses = Vec::new();
    for s in singles {
        let cert = Certificate::parse(s.cert).unwrap();
        let cert_id = seq(&[
            &seq(&[&oid(&s.hash.oid()), &null()]),
            &octets(&s.hash.digest(&cert.issuer.raw)),
            &octets(&s.hash.digest(&key_bits(s.issuer))),
            &uint_bytes(&cert.serial),
        ]);
        let status = match s.answer {
            OcspAnswer::Good => vec![tag::context_primitive(0), 0],
            OcspAnswer::Revoked(at, reason) => ctx(
                1,
                &[
                    &gen_time(at),
                    &reason
                        .map(|r| ctx(0, &[&enumerated(r)]))
                        .unwrap_or_default(),
                ],
            ),
            OcspAnswer::Unknown => vec![tag::context_primitive(2), 0],
        };
        let next = s
            .next_update
            .map(|n| ctx(0, &[&gen_time(n)]))
            .unwrap_or_default();
        responses.extend(seq(&[&cert_id, &status, &gen_time(s.this_update), &next]));
    }
    let tbs = seq(&[&responder_id, &gen_time(produced_at), &seq(&[&responses])]);
    let sig = key.sign(&tbs);
    let certs = if certs.is_empty() {
        Vec::new()
    } else {
        ctx(0, &[&seq(&[&certs.concat()])])
    };
    seq(&[&tbs, &key.sig_alg(), &bits(&sig), &certs])
}

/// An `OCSPResponse` (status successful) around a `BasicOCSPResponse`.
pub fn ocsp_response(basic: &[u8]) -> Vec<u8> {
    seq(&[
        &enumerated(0),
        &ctx(0, &[&seq(&[&oid(&oid::OCSP_BASIC), &octets(basic)])]),
    ])
}

/// The extKeyUsage extension with id-kp-OCSPSigning, as a delegated responder carries it.
pub fn ocsp_signing_eku() -> Vec<u8> {
    seq(&[
        &oid(&oid::EXT_EXTENDED_KEY_USAGE),
        &octets(&seq(&[&oid(&oid::KP_OCSP_SIGNING)])),
    ])
}

/// A responder certificate for `key`, issued by this PKI's issuing CA; with the OCSPSigning
/// purpose when `delegated`.
pub fn responder_cert(pki: &Pki, key: &TestKey, delegated: bool) -> Vec<u8> {
    let mut spec = CertSpec::new(77, name("Test OCSP Responder", &[]), ca_name());
    spec.aki = Some(vec![0xbb; 20]);
    if delegated {
        spec.extensions.push(ocsp_signing_eku());
    }
    make_cert(&spec, key, &pki.ca_key)
}

/// The key of [`Pki`]'s root (the same seed).
pub fn root_key() -> TestKey {
    TestKey::p256(1)
}

/// Hex digits reserved for each `/Contents` of [`PdfWriter::signature`]: room for a CMS with
/// two certificates and a signature timestamp.
pub const PDF_CONTENTS_HEX: usize = 16384;
/// The `/ByteRange` placeholder; the real one is written over it, same length.
const PDF_BYTE_RANGE: &str = "[0 0000000000 0000000000 0000000000]";

/// A PDF written revision by revision with classic xref tables, so that a signature can cover
/// exactly the revisions before it: the signature tests' fixtures (levels, proof of
/// existence). Object bodies are the caller's; root object 1.
pub struct PdfWriter {
    pub out: Vec<u8>,
    objects: Vec<(u32, usize)>,
    prev_xref: Option<usize>,
    size: u32,
}

impl Default for PdfWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl PdfWriter {
    pub fn new() -> Self {
        PdfWriter {
            out: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            objects: Vec::new(),
            prev_xref: None,
            size: 1,
        }
    }

    /// Writes object `n` (new, or replacing an earlier revision's).
    pub fn obj(&mut self, n: u32, body: impl AsRef<[u8]>) -> &mut Self {
        self.objects.push((n, self.out.len()));
        self.out
            .extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body.as_ref());
        self.out.extend_from_slice(b"\nendobj\n");
        self.size = self.size.max(n + 1);
        self
    }

    pub fn stream(&mut self, n: u32, data: &[u8]) -> &mut Self {
        let mut body = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.obj(n, body)
    }

    /// A signature dictionary with placeholders: `/Type` `kind`, SubFilter `sub_filter`.
    pub fn signature(&mut self, n: u32, kind: &str, sub_filter: &str) -> &mut Self {
        let body = format!(
            "<< /Type /{kind} /Filter /Adobe.PPKLite /SubFilter /{sub_filter} /M (D:20240301120000Z) \
             /ByteRange {PDF_BYTE_RANGE} /Contents <{}> >>",
            "0".repeat(PDF_CONTENTS_HEX)
        );
        self.obj(n, body)
    }

    /// Closes a revision with its xref section and trailer.
    pub fn revision(&mut self) {
        let xref_at = self.out.len();
        let mut entries = std::mem::take(&mut self.objects);
        let mut table = String::from("xref\n");
        if self.prev_xref.is_none() {
            table.push_str("0 1\n0000000000 65535 f \n");
        }
        entries.sort();
        for (n, at) in entries {
            table.push_str(&format!("{n} 1\n{at:010} 00000 n \n"));
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
    }

    /// Fills the last placeholder: its `/ByteRange` up to the end of the file so far (the
    /// revision just closed), and `/Contents` with what `contents` makes of the two ranges.
    pub fn sign_last(&mut self, contents: impl FnOnce(&[u8], &[u8]) -> Vec<u8>) {
        let end = self.out.len();
        let at = self
            .out
            .windows(PDF_BYTE_RANGE.len())
            .rposition(|w| w == PDF_BYTE_RANGE.as_bytes())
            .expect("a /ByteRange placeholder");
        let open = at
            + self.out[at..]
                .windows(11)
                .position(|w| w == b"/Contents <")
                .expect("its /Contents")
            + 10;
        let close = open + PDF_CONTENTS_HEX + 2;
        let range = format!("[0 {open:010} {close:010} {:010}]", end - close);
        self.out[at..at + range.len()].copy_from_slice(range.as_bytes());
        let hex = hex::encode(contents(&self.out[..open], &self.out[close..end]));
        assert!(hex.len() <= PDF_CONTENTS_HEX, "larger than its placeholder");
        self.out[open + 1..open + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    }
}
