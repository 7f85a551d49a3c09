//! ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035 §3): the signed attribute that
//! binds the signer's certificate into the signature by its hash. PAdES baseline B-B needs
//! one (ETSI EN 319 142-1 §6.3), and it must name the certificate that signed: a signature
//! whose attribute names another certificate could have its certificate swapped.

use super::algorithm::DigestAlgorithm;
use super::ber::{Tlv, tag};
use super::error::Result;

/// Whether the first ESSCertID(v2) of the attribute value `value` (a `SigningCertificate`
/// when `!v2`, else a `SigningCertificateV2`) hashes to `cert_der`. `Ok(None)` when the
/// hash algorithm is one arkivar does not implement.
pub fn names_certificate(value: &Tlv<'_>, v2: bool, cert_der: &[u8]) -> Result<Option<bool>> {
    let signing_certificate = value.expect(tag::SEQUENCE, "SigningCertificate")?;
    let mut outer = signing_certificate.children();
    let certs = outer.expect(tag::SEQUENCE, "certs")?;
    let mut ids = certs.children();
    let first = ids.expect(tag::SEQUENCE, "ESSCertID")?;
    let mut id = first.children();
    let digest = if v2 && id.peek_tag() == Some(tag::SEQUENCE) {
        // hashAlgorithm AlgorithmIdentifier DEFAULT id-sha256 (RFC 5035 §4).
        let algorithm = id.expect(tag::SEQUENCE, "hashAlgorithm")?;
        let oid = algorithm.children().expect(tag::OID, "hashAlgorithm")?;
        match DigestAlgorithm::from_oid(oid.content) {
            Ok(d) => d,
            Err(_) => return Ok(None),
        }
    } else if v2 {
        DigestAlgorithm::Sha256
    } else {
        DigestAlgorithm::Sha1
    };
    let hash = id.expect(tag::OCTET_STRING, "certHash")?;
    Ok(Some(hash.content == digest.digest(cert_der).as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::ber::first_tlv;
    use crate::signature::oid;
    use crate::signature::testkit::{alg, octets, seq};

    fn v2(hash: &[u8], algorithm: Option<&[u8]>) -> Vec<u8> {
        let id = match algorithm {
            Some(a) => seq(&[a, &octets(hash)]),
            None => seq(&[&octets(hash)]),
        };
        seq(&[&seq(&[&id])])
    }

    fn check(der: &[u8], v2: bool, cert: &[u8]) -> Option<bool> {
        let (tlv, _) = first_tlv(der).unwrap();
        names_certificate(&tlv, v2, cert).unwrap()
    }

    #[test]
    fn the_hash_of_the_signers_certificate_matches_and_anothers_does_not() {
        let cert = b"the signer's certificate";
        let sha256 = DigestAlgorithm::Sha256.digest(cert);
        assert_eq!(check(&v2(&sha256, None), true, cert), Some(true));
        assert_eq!(check(&v2(&sha256, None), true, b"another"), Some(false));
        let sha512 = DigestAlgorithm::Sha512.digest(cert);
        let with_alg = v2(&sha512, Some(&alg(&oid::SHA512)));
        assert_eq!(check(&with_alg, true, cert), Some(true));
        // Version 1 hashes with SHA-1.
        let sha1 = DigestAlgorithm::Sha1.digest(cert);
        assert_eq!(check(&v2(&sha1, None), false, cert), Some(true));
        assert_eq!(check(&v2(&sha256, None), false, cert), Some(false));
    }

    #[test]
    fn malformed_values_are_errors_and_unknown_hashes_undecided() {
        let not_a_sequence = octets(b"x");
        let (tlv, _) = first_tlv(&not_a_sequence).unwrap();
        assert!(names_certificate(&tlv, true, b"c").is_err());
        let odd = v2(
            b"h",
            Some(&alg(&const_oid::ObjectIdentifier::new_unwrap("1.2.3.4"))),
        );
        assert_eq!(check(&odd, true, b"c"), None);
    }
}
