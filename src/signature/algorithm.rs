//! Digest and signature algorithms: which OIDs mean what, and the one function that checks a
//! signature value with a public key.
//!
//! Verification only: no private-key operation is done here. The `rsa` crate's advisory
//! RUSTSEC-2023-0071 (Marvin, a timing side channel in RSA *decryption*) therefore does not
//! apply to this module; an audit tool will still flag the crate, and that is the reason to
//! ignore it.

use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::Digest;
use signature::hazmat::PrehashVerifier;

use super::ber::{Reader, Tlv, encode_tlv, oid_to_string, small_uint, tag};
use super::error::{Result, SignatureError};
use super::limits::MAX_RSA_BITS;
use super::oid;

/// A message digest algorithm (RFC 5754 §2, FIPS 202).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
    Sha3_384,
    Sha3_512,
}

impl DigestAlgorithm {
    /// Every supported digest, for callers that must try each (`adbe.x509.rsa_sha1`).
    pub const ALL: [DigestAlgorithm; 8] = [
        DigestAlgorithm::Sha1,
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
        DigestAlgorithm::Sha224,
        DigestAlgorithm::Sha3_256,
        DigestAlgorithm::Sha3_384,
        DigestAlgorithm::Sha3_512,
    ];

    /// The digest named by OID content octets.
    pub fn from_oid(content: &[u8]) -> Result<Self> {
        let found = [
            (oid::SHA1, DigestAlgorithm::Sha1),
            (oid::SHA224, DigestAlgorithm::Sha224),
            (oid::SHA256, DigestAlgorithm::Sha256),
            (oid::SHA384, DigestAlgorithm::Sha384),
            (oid::SHA512, DigestAlgorithm::Sha512),
            (oid::SHA3_256, DigestAlgorithm::Sha3_256),
            (oid::SHA3_384, DigestAlgorithm::Sha3_384),
            (oid::SHA3_512, DigestAlgorithm::Sha3_512),
        ]
        .into_iter()
        .find(|(o, _)| oid::is(content, o));
        found
            .map(|(_, d)| d)
            .ok_or_else(|| SignatureError::UnsupportedDigest {
                oid: oid_to_string(content),
            })
    }

    /// The algorithm's OID.
    pub fn oid(self) -> const_oid::ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => oid::SHA1,
            DigestAlgorithm::Sha224 => oid::SHA224,
            DigestAlgorithm::Sha256 => oid::SHA256,
            DigestAlgorithm::Sha384 => oid::SHA384,
            DigestAlgorithm::Sha512 => oid::SHA512,
            DigestAlgorithm::Sha3_256 => oid::SHA3_256,
            DigestAlgorithm::Sha3_384 => oid::SHA3_384,
            DigestAlgorithm::Sha3_512 => oid::SHA3_512,
        }
    }

    /// Lower-case name used in reports (`sha256`, `sha3_256`).
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha1",
            DigestAlgorithm::Sha224 => "sha224",
            DigestAlgorithm::Sha256 => "sha256",
            DigestAlgorithm::Sha384 => "sha384",
            DigestAlgorithm::Sha512 => "sha512",
            DigestAlgorithm::Sha3_256 => "sha3_256",
            DigestAlgorithm::Sha3_384 => "sha3_384",
            DigestAlgorithm::Sha3_512 => "sha3_512",
        }
    }

    /// The digest of the concatenation of `parts` (e.g. the ranges of a `/ByteRange`).
    pub fn digest_parts(self, parts: &[&[u8]]) -> Vec<u8> {
        let mut hasher = self.hasher();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize()
    }

    /// A running hash of this algorithm.
    pub(super) fn hasher(self) -> Hasher {
        Hasher::new(self)
    }

    /// The digest of one byte string.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        self.digest_parts(&[data])
    }
}

/// A running hash of any supported algorithm, cloneable mid-stream.
#[derive(Clone)]
pub(super) enum Hasher {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
}

impl Hasher {
    fn new(algorithm: DigestAlgorithm) -> Self {
        match algorithm {
            DigestAlgorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            DigestAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            DigestAlgorithm::Sha3_256 => Hasher::Sha3_256(sha3::Sha3_256::new()),
            DigestAlgorithm::Sha3_384 => Hasher::Sha3_384(sha3::Sha3_384::new()),
            DigestAlgorithm::Sha3_512 => Hasher::Sha3_512(sha3::Sha3_512::new()),
        }
    }

    /// Adds `data`.
    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
            Hasher::Sha3_256(h) => h.update(data),
            Hasher::Sha3_384(h) => h.update(data),
            Hasher::Sha3_512(h) => h.update(data),
        }
    }

    /// The digest of everything added.
    pub(super) fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
            Hasher::Sha3_256(h) => h.finalize().to_vec(),
            Hasher::Sha3_384(h) => h.finalize().to_vec(),
            Hasher::Sha3_512(h) => h.finalize().to_vec(),
        }
    }
}

/// An `AlgorithmIdentifier` (RFC 5280 §4.1.1.2) as found.
#[derive(Debug, Clone, Copy)]
pub struct AlgorithmId<'a> {
    /// OID content octets.
    pub oid: &'a [u8],
    /// The parameters, if any (NULL included).
    pub params: Option<Tlv<'a>>,
    /// Where the identifier starts.
    pub offset: usize,
}

impl<'a> AlgorithmId<'a> {
    /// Reads an `AlgorithmIdentifier` SEQUENCE.
    pub fn parse(tlv: Tlv<'a>, field: &'static str) -> Result<Self> {
        let tlv = tlv.expect(tag::SEQUENCE, field)?;
        let mut r = tlv.children();
        let oid = r.expect(tag::OID, field)?.content;
        let params = r.next()?;
        Ok(AlgorithmId {
            oid,
            params,
            offset: tlv.offset,
        })
    }

    /// Dotted OID.
    pub fn oid_string(&self) -> String {
        oid_to_string(self.oid)
    }
}

/// How a signature value is to be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    RsaPkcs1v15 { digest: DigestAlgorithm },
    /// RSASSA-PSS (RFC 8017 §8.1, parameters per RFC 4055 §3.1).
    RsaPss {
        digest: DigestAlgorithm,
        salt_len: usize,
    },
    /// ECDSA over a prehashed message (FIPS 186-4, RFC 5758 §3.2).
    Ecdsa { digest: DigestAlgorithm },
    /// PureEdDSA over the whole message (RFC 8032, RFC 8419 §3).
    Ed25519,
}

impl SignatureScheme {
    /// Name used in reports, the same as pyHanko's `signature_mechanism`.
    pub fn name(&self) -> &'static str {
        match self {
            SignatureScheme::RsaPkcs1v15 { .. } => "rsassa_pkcs1v15",
            SignatureScheme::RsaPss { .. } => "rsassa_pss",
            SignatureScheme::Ecdsa { .. } => "ecdsa",
            SignatureScheme::Ed25519 => "ed25519",
        }
    }

    /// The scheme named by a `signatureAlgorithm`. `digest` is the SignerInfo's
    /// `digestAlgorithm`, needed when the OID names only the key type (`rsaEncryption`,
    /// `id-ecPublicKey`), as CMS allows (RFC 5754 §3.2, RFC 5753 §7.1.3).
    pub fn from_algorithm(alg: &AlgorithmId<'_>, digest: Option<DigestAlgorithm>) -> Result<Self> {
        use DigestAlgorithm as D;
        let need_digest = || {
            digest.ok_or(SignatureError::Missing {
                field: "digestAlgorithm",
                offset: alg.offset,
            })
        };
        let o = alg.oid;
        let rsa = |d| Ok(SignatureScheme::RsaPkcs1v15 { digest: d });
        let ec = |d| Ok(SignatureScheme::Ecdsa { digest: d });
        if oid::is(o, &oid::RSA_ENCRYPTION) {
            return rsa(need_digest()?);
        }
        if oid::is(o, &oid::EC_PUBLIC_KEY) {
            return ec(need_digest()?);
        }
        if oid::is(o, &oid::RSASSA_PSS) {
            return pss_from_params(alg);
        }
        if oid::is(o, &oid::ED25519) {
            return Ok(SignatureScheme::Ed25519);
        }
        let table: [(const_oid::ObjectIdentifier, bool, D); 16] = [
            (oid::SHA1_WITH_RSA, true, D::Sha1),
            (oid::SHA224_WITH_RSA, true, D::Sha224),
            (oid::SHA256_WITH_RSA, true, D::Sha256),
            (oid::SHA384_WITH_RSA, true, D::Sha384),
            (oid::SHA512_WITH_RSA, true, D::Sha512),
            (oid::SHA3_256_WITH_RSA, true, D::Sha3_256),
            (oid::SHA3_384_WITH_RSA, true, D::Sha3_384),
            (oid::SHA3_512_WITH_RSA, true, D::Sha3_512),
            (oid::ECDSA_WITH_SHA1, false, D::Sha1),
            (oid::ECDSA_WITH_SHA224, false, D::Sha224),
            (oid::ECDSA_WITH_SHA256, false, D::Sha256),
            (oid::ECDSA_WITH_SHA384, false, D::Sha384),
            (oid::ECDSA_WITH_SHA512, false, D::Sha512),
            (oid::ECDSA_WITH_SHA3_256, false, D::Sha3_256),
            (oid::ECDSA_WITH_SHA3_384, false, D::Sha3_384),
            (oid::ECDSA_WITH_SHA3_512, false, D::Sha3_512),
        ];
        match table.into_iter().find(|(t, _, _)| oid::is(o, t)) {
            Some((_, true, d)) => rsa(d),
            Some((_, false, d)) => ec(d),
            // Ed448, DSA, GOST, …: say so rather than report a false "invalid".
            None => Err(SignatureError::UnsupportedAlgorithm {
                oid: alg.oid_string(),
            }),
        }
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1): every field has a default (SHA-1, MGF1-SHA-1, 20, 1).
fn pss_from_params(alg: &AlgorithmId<'_>) -> Result<SignatureScheme> {
    let mut digest = DigestAlgorithm::Sha1;
    let mut mgf_digest = DigestAlgorithm::Sha1;
    let mut salt_len = 20usize;
    if let Some(params) = alg.params.filter(|p| p.tag != tag::NULL) {
        let params = params.expect(tag::SEQUENCE, "RSASSA-PSS-params")?;
        let mut r = params.children();
        while let Some(field) = r.next()? {
            let mut inner = field.children();
            match field.tag {
                t if t == tag::context(0) => {
                    let h = AlgorithmId::parse(inner.read("hashAlgorithm")?, "hashAlgorithm")?;
                    digest = DigestAlgorithm::from_oid(h.oid)?;
                }
                t if t == tag::context(1) => {
                    let m =
                        AlgorithmId::parse(inner.read("maskGenAlgorithm")?, "maskGenAlgorithm")?;
                    if !oid::is(m.oid, &oid::MGF1) {
                        return Err(SignatureError::UnsupportedAlgorithm {
                            oid: m.oid_string(),
                        });
                    }
                    let h = m.params.ok_or(SignatureError::Missing {
                        field: "MGF1 hash",
                        offset: m.offset,
                    })?;
                    mgf_digest =
                        DigestAlgorithm::from_oid(AlgorithmId::parse(h, "MGF1 hash")?.oid)?;
                }
                t if t == tag::context(2) => {
                    let n = small_uint(&inner.read("saltLength")?, "saltLength")?;
                    salt_len = usize::try_from(n).map_err(|_| SignatureError::Invalid {
                        field: "saltLength",
                        offset: field.offset,
                    })?;
                }
                t if t == tag::context(3) => {
                    // trailerFieldBC is the only value defined (RFC 4055 §3.1).
                    if small_uint(&inner.read("trailerField")?, "trailerField")? != 1 {
                        return Err(SignatureError::Invalid {
                            field: "trailerField",
                            offset: field.offset,
                        });
                    }
                }
                _ => {
                    return Err(SignatureError::Invalid {
                        field: "RSASSA-PSS-params",
                        offset: field.offset,
                    });
                }
            }
        }
    }
    if mgf_digest != digest {
        // The rsa crate uses one hash for both; a split is legal but unseen in practice.
        return Err(SignatureError::UnsupportedAlgorithm {
            oid: format!("{} (MGF1 hash differs)", alg.oid_string()),
        });
    }
    Ok(SignatureScheme::RsaPss { digest, salt_len })
}

/// A subject public key, decoded from a `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7).
#[derive(Clone)]
pub enum PublicKey {
    Rsa(RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl std::fmt::Debug for PublicKey {
    // p521's key type has no `Debug`; the kind is all a log needs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.kind())
    }
}

impl PublicKey {
    /// Decodes the key of a `SubjectPublicKeyInfo` SEQUENCE.
    pub fn from_spki(spki: &Tlv<'_>) -> Result<Self> {
        let (alg, key) = spki_parts(spki)?;
        if oid::is(alg.oid, &oid::RSA_ENCRYPTION) || oid::is(alg.oid, &oid::RSASSA_PSS) {
            let bad = SignatureError::BadPublicKey { key: "RSA" };
            let (n, e) = rsa_modulus_exponent(key).map_err(|_| bad.clone())?;
            let key = RsaPublicKey::new_with_max_size(
                BigUint::from_bytes_be(n),
                BigUint::from_bytes_be(e),
                MAX_RSA_BITS,
            )
            .map_err(|_| bad)?;
            return Ok(PublicKey::Rsa(key));
        }
        if oid::is(alg.oid, &oid::EC_PUBLIC_KEY) {
            let curve =
                alg.params
                    .filter(|p| p.tag == tag::OID)
                    .ok_or(SignatureError::UnsupportedKey {
                        oid: "id-ecPublicKey with explicit or missing curve".to_owned(),
                    })?;
            let bad = |key| SignatureError::BadPublicKey { key };
            if oid::is(curve.content, &oid::SECP256R1) {
                return p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                    .map(PublicKey::P256)
                    .map_err(|_| bad("P-256"));
            }
            if oid::is(curve.content, &oid::SECP384R1) {
                return p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                    .map(PublicKey::P384)
                    .map_err(|_| bad("P-384"));
            }
            if oid::is(curve.content, &oid::SECP521R1) {
                return p521::ecdsa::VerifyingKey::from_sec1_bytes(key)
                    .map(PublicKey::P521)
                    .map_err(|_| bad("P-521"));
            }
            return Err(SignatureError::UnsupportedKey {
                oid: oid_to_string(curve.content),
            });
        }
        if oid::is(alg.oid, &oid::ED25519) {
            let bytes: [u8; 32] = key
                .try_into()
                .map_err(|_| SignatureError::BadPublicKey { key: "Ed25519" })?;
            return ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .map(PublicKey::Ed25519)
                .map_err(|_| SignatureError::BadPublicKey { key: "Ed25519" });
        }
        Err(SignatureError::UnsupportedKey {
            oid: alg.oid_string(),
        })
    }

    fn kind(&self) -> &'static str {
        match self {
            PublicKey::Rsa(_) => "RSA",
            PublicKey::P256(_) | PublicKey::P384(_) | PublicKey::P521(_) => "EC",
            PublicKey::Ed25519(_) => "Ed25519",
        }
    }

    /// Checks `signature` over the concatenation of `message` with this key.
    ///
    /// `Ok(false)` means the mathematics said no; `Err` means the check could not be made
    /// (key and scheme do not fit).
    pub fn verify(
        &self,
        scheme: &SignatureScheme,
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<bool> {
        Ok(self.verify_outcome(scheme, message, signature)? != Outcome::Invalid)
    }

    /// [`verify`](Self::verify), saying also whether an RSA PKCS#1 v1.5 signature's
    /// DigestInfo left out the NULL parameters.
    pub fn verify_outcome(
        &self,
        scheme: &SignatureScheme,
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<Outcome> {
        let outcome = |valid: bool| {
            if valid {
                Outcome::Valid
            } else {
                Outcome::Invalid
            }
        };
        match (scheme, self) {
            (SignatureScheme::RsaPkcs1v15 { digest }, PublicKey::Rsa(key)) => {
                if rsa_pkcs1v15_verify_fast(key, *digest, message, signature) {
                    return Ok(Outcome::Valid);
                }
                let hash = digest.digest_parts(message);
                Ok(match rsa_pkcs1v15_verify(key, *digest, &hash, signature) {
                    Some(DigestInfoForm::WithNull) => Outcome::Valid,
                    Some(DigestInfoForm::WithoutNull) => Outcome::ValidWithoutDigestInfoNull,
                    None => Outcome::Invalid,
                })
            }
            (SignatureScheme::RsaPss { digest, salt_len }, PublicKey::Rsa(key)) => {
                let hash = digest.digest_parts(message);
                let sig = left_pad(signature, key.size());
                Ok(outcome(rsa_pss_verify(
                    key, *digest, *salt_len, &hash, &sig,
                )))
            }
            (SignatureScheme::Ecdsa { digest }, key) => {
                let hash = digest.digest_parts(message);
                match key {
                    PublicKey::P256(vk) => Ok(outcome(
                        p256::ecdsa::Signature::from_der(signature)
                            .is_ok_and(|s| vk.verify_prehash(&hash, &s).is_ok()),
                    )),
                    PublicKey::P384(vk) => Ok(outcome(
                        p384::ecdsa::Signature::from_der(signature)
                            .is_ok_and(|s| vk.verify_prehash(&hash, &s).is_ok()),
                    )),
                    PublicKey::P521(vk) => Ok(outcome(
                        p521::ecdsa::Signature::from_der(signature)
                            .is_ok_and(|s| vk.verify_prehash(&hash, &s).is_ok()),
                    )),
                    other => Err(SignatureError::KeyMismatch {
                        algorithm: "ECDSA",
                        key: other.kind(),
                    }),
                }
            }
            (SignatureScheme::Ed25519, PublicKey::Ed25519(vk)) => {
                use ed25519_dalek::Verifier;
                let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
                    return Ok(Outcome::Invalid);
                };
                Ok(outcome(vk.verify(&message.concat(), &sig).is_ok()))
            }
            (scheme, key) => Err(SignatureError::KeyMismatch {
                algorithm: scheme.name(),
                key: key.kind(),
            }),
        }
    }
}

/// The algorithm and key bits of a `SubjectPublicKeyInfo`.
pub fn spki_parts<'a>(spki: &Tlv<'a>) -> Result<(AlgorithmId<'a>, &'a [u8])> {
    let spki = spki.expect(tag::SEQUENCE, "subjectPublicKeyInfo")?;
    let mut r = spki.children();
    let alg = AlgorithmId::parse(r.read("algorithm")?, "subjectPublicKeyInfo.algorithm")?;
    let bits = r.expect(tag::BIT_STRING, "subjectPublicKey")?;
    let key = bits.whole_bits("subjectPublicKey")?;
    Ok((alg, key))
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
pub fn rsa_modulus_exponent(key: &[u8]) -> Result<(&[u8], &[u8])> {
    let mut outer = Reader::new(key);
    let seq = outer.expect(tag::SEQUENCE, "RSAPublicKey")?;
    let mut r = seq.children();
    let n = r.expect(tag::INTEGER, "modulus")?.content;
    let e = r.expect(tag::INTEGER, "publicExponent")?.content;
    Ok((n, e))
}

/// Key algorithm, size and curve, as reported for a signer.
pub fn describe_spki(spki: &Tlv<'_>) -> (String, Option<u32>, Option<String>) {
    let Ok((alg, key)) = spki_parts(spki) else {
        return ("unknown".to_owned(), None, None);
    };
    if oid::is(alg.oid, &oid::RSA_ENCRYPTION) || oid::is(alg.oid, &oid::RSASSA_PSS) {
        let bits = rsa_modulus_exponent(key).ok().map(|(n, _)| {
            let n = BigUint::from_bytes_be(n);
            u32::try_from(n.bits()).unwrap_or(u32::MAX)
        });
        return ("rsa".to_owned(), bits, None);
    }
    if oid::is(alg.oid, &oid::EC_PUBLIC_KEY) {
        let curve = alg.params.filter(|p| p.tag == tag::OID).map(|c| c.content);
        let (name, bits) = match curve {
            Some(c) if oid::is(c, &oid::SECP256R1) => ("secp256r1".to_owned(), Some(256)),
            Some(c) if oid::is(c, &oid::SECP384R1) => ("secp384r1".to_owned(), Some(384)),
            Some(c) if oid::is(c, &oid::SECP521R1) => ("secp521r1".to_owned(), Some(521)),
            Some(c) => (oid_to_string(c), None),
            None => ("explicit".to_owned(), None),
        };
        return ("ec".to_owned(), bits, Some(name));
    }
    if oid::is(alg.oid, &oid::ED25519) {
        return ("ed25519".to_owned(), Some(256), None);
    }
    if oid::is(alg.oid, &oid::ED448) {
        return ("ed448".to_owned(), Some(456), None);
    }
    (alg.oid_string(), None, None)
}

/// `DigestInfo` (RFC 8017 §9.2 step 2), with the NULL parameters RFC 8017 requires.
fn digest_info(digest: DigestAlgorithm, hash: &[u8], with_null: bool) -> Vec<u8> {
    let mut alg = encode_tlv(tag::OID, digest.oid().as_bytes());
    if with_null {
        alg.extend_from_slice(&[tag::NULL, 0]);
    }
    let mut content = encode_tlv(tag::SEQUENCE, &alg);
    content.extend_from_slice(&encode_tlv(tag::OCTET_STRING, hash));
    encode_tlv(tag::SEQUENCE, &content)
}

/// What a signature check came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The signature value verifies.
    Valid,
    /// An RSA PKCS#1 v1.5 signature verifies with a DigestInfo whose algorithm has no
    /// parameters, where RFC 8017 §9.2 writes NULL ones. Accepted (see
    /// [`rsa_pkcs1v15_verify`]) and said in the record.
    ValidWithoutDigestInfoNull,
    /// It does not.
    Invalid,
}

/// Which DigestInfo encoding an RSA PKCS#1 v1.5 signature carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DigestInfoForm {
    WithNull,
    WithoutNull,
}

/// RSASSA-PKCS1-v1_5 verification. The whole encoded message is compared (no parsing of the
/// recovered DigestInfo, which is where Bleichenbacher-2006-style forgeries live). Both the
/// NULL and the absent-parameters form of the DigestInfo's algorithm are accepted: RFC 8017
/// §9.2 writes NULL, but RFC 4055 §2.1 (and RFC 5754 §3 for the SHA-2 family) has verifiers
/// accept parameters that are absent as well as NULL, Java's providers (and the ETSI
/// validators built on them, as Sweden Connect's) accept both, and the encoding is compared
/// whole either way, so the second form admits no forgery the first does not. OpenSSL and NSS
/// refuse it; the record says which form was used ([`Outcome::ValidWithoutDigestInfoNull`]).
fn rsa_pkcs1v15_verify(
    key: &RsaPublicKey,
    digest: DigestAlgorithm,
    hash: &[u8],
    signature: &[u8],
) -> Option<DigestInfoForm> {
    let sig = left_pad(signature, key.size());
    [DigestInfoForm::WithNull, DigestInfoForm::WithoutNull]
        .into_iter()
        .find(|&form| {
            let t = digest_info(digest, hash, form == DigestInfoForm::WithNull);
            key.verify(Pkcs1v15Sign::new_unprefixed(), &t, &sig).is_ok()
        })
}

/// RSASSA-PKCS1-v1_5 through aws-lc (already linked for TLS), faster than the portable
/// big-integer code on the common case. Only a yes counts: `false` sends the caller
/// to [`rsa_pkcs1v15_verify`], which also takes what aws-lc has no parameters for (SHA-224,
/// SHA-3, SHA-384 under 2048 bits) or refuses (a DigestInfo without the NULL parameters).
fn rsa_pkcs1v15_verify_fast(
    key: &RsaPublicKey,
    digest: DigestAlgorithm,
    message: &[&[u8]],
    signature: &[u8],
) -> bool {
    use DigestAlgorithm as D;
    use aws_lc_rs::signature as lc;
    let params = match digest {
        D::Sha1 => &lc::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        D::Sha256 => &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        D::Sha384 => &lc::RSA_PKCS1_2048_8192_SHA384,
        D::Sha512 => &lc::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        D::Sha224 | D::Sha3_256 | D::Sha3_384 | D::Sha3_512 => return false,
    };
    let components = lc::RsaPublicKeyComponents {
        n: key.n().to_bytes_be(),
        e: key.e().to_bytes_be(),
    };
    let sig = left_pad(signature, key.size());
    let joined;
    let message = match message {
        [one] => *one,
        parts => {
            joined = parts.concat();
            joined.as_slice()
        }
    };
    components.verify(params, message, &sig).is_ok()
}

fn rsa_pss_verify(
    key: &RsaPublicKey,
    digest: DigestAlgorithm,
    salt_len: usize,
    hash: &[u8],
    sig: &[u8],
) -> bool {
    use DigestAlgorithm as D;
    let result = match digest {
        D::Sha1 => key.verify(Pss::new_with_salt::<sha1::Sha1>(salt_len), hash, sig),
        D::Sha224 => key.verify(Pss::new_with_salt::<sha2::Sha224>(salt_len), hash, sig),
        D::Sha256 => key.verify(Pss::new_with_salt::<sha2::Sha256>(salt_len), hash, sig),
        D::Sha384 => key.verify(Pss::new_with_salt::<sha2::Sha384>(salt_len), hash, sig),
        D::Sha512 => key.verify(Pss::new_with_salt::<sha2::Sha512>(salt_len), hash, sig),
        D::Sha3_256 => key.verify(Pss::new_with_salt::<sha3::Sha3_256>(salt_len), hash, sig),
        D::Sha3_384 => key.verify(Pss::new_with_salt::<sha3::Sha3_384>(salt_len), hash, sig),
        D::Sha3_512 => key.verify(Pss::new_with_salt::<sha3::Sha3_512>(salt_len), hash, sig),
    };
    result.is_ok()
}

/// Some signers strip leading zero octets of the signature integer; RFC 8017 §8.2.2 wants
/// exactly k octets, so restore them (never longer: a longer value is left to fail).
fn left_pad(signature: &[u8], k: usize) -> Vec<u8> {
    if signature.len() >= k {
        return signature.to_vec();
    }
    let mut out = vec![0u8; k - signature.len()];
    out.extend_from_slice(signature);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_parts_equals_digest_of_concatenation() {
        for d in DigestAlgorithm::ALL {
            assert_eq!(
                d.digest_parts(&[b"ab", b"c"]),
                d.digest(b"abc"),
                "{}",
                d.name()
            );
        }
        assert_eq!(
            hex::encode(DigestAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    /// The aws-lc path may only say yes where the portable path says yes, and must say yes to
    /// an ordinary signature (or it is dead weight).
    #[test]
    fn rsa_fast_path_agrees_with_the_portable_check() {
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 1024).unwrap();
        let key = private.to_public_key();
        let parts: [&[u8]; 2] = [b"signed ", b"attributes"];
        for digest in [
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha512,
        ] {
            let hash = digest.digest_parts(&parts);
            let t = digest_info(digest, &hash, true);
            let good = private.sign(Pkcs1v15Sign::new_unprefixed(), &t).unwrap();
            assert!(rsa_pkcs1v15_verify_fast(&key, digest, &parts, &good));
            assert_eq!(
                rsa_pkcs1v15_verify(&key, digest, &hash, &good),
                Some(DigestInfoForm::WithNull)
            );

            let mut bad = good.clone();
            bad[10] ^= 1;
            assert!(!rsa_pkcs1v15_verify_fast(&key, digest, &parts, &bad));
            assert_eq!(rsa_pkcs1v15_verify(&key, digest, &hash, &bad), None);
            assert!(!rsa_pkcs1v15_verify_fast(&key, digest, &[b"other"], &good));

            // Without the NULL parameters: aws-lc refuses, the portable check accepts.
            let bare = digest_info(digest, &hash, false);
            let odd = private.sign(Pkcs1v15Sign::new_unprefixed(), &bare).unwrap();
            assert!(!rsa_pkcs1v15_verify_fast(&key, digest, &parts, &odd));
            assert_eq!(
                rsa_pkcs1v15_verify(&key, digest, &hash, &odd),
                Some(DigestInfoForm::WithoutNull)
            );
            // And the outcome says which form it was, for the record's warning.
            let public = PublicKey::Rsa(key.clone());
            let scheme = SignatureScheme::RsaPkcs1v15 { digest };
            let outcome = |sig: &[u8]| public.verify_outcome(&scheme, &parts, sig).unwrap();
            assert_eq!(outcome(&odd), Outcome::ValidWithoutDigestInfoNull);
            assert_eq!(outcome(&good), Outcome::Valid);
            assert_eq!(outcome(&bad), Outcome::Invalid);
        }
    }

    #[test]
    fn unknown_signature_oid_is_unsupported_not_invalid() {
        let ed448 = encode_tlv(tag::SEQUENCE, &encode_tlv(tag::OID, oid::ED448.as_bytes()));
        let (tlv, _) = super::super::ber::first_tlv(&ed448).unwrap();
        let alg = AlgorithmId::parse(tlv, "alg").unwrap();
        assert!(matches!(
            SignatureScheme::from_algorithm(&alg, None),
            Err(SignatureError::UnsupportedAlgorithm { .. })
        ));
    }

    #[test]
    fn md5_digest_is_unsupported() {
        let md5 = const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
        assert!(matches!(
            DigestAlgorithm::from_oid(md5.as_bytes()),
            Err(SignatureError::UnsupportedDigest { .. })
        ));
    }
}
