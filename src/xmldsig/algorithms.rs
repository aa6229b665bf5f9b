//! The algorithm URIs of XML signatures, and what each means here.
//!
//! Owns the tables from `SignatureMethod`, `DigestMethod` and `Transform`
//! URIs to `pki::algorithms` schemes and digests, including the national
//! CA's GOST URIs as Kalkan and NCANode write them
//! (`http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311`,
//! `urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512`
//! and their digests), and the XML forms of signature values: ECDSA as
//! r‖s big-endian (RFC 4050/6931); GOST exactly as in CMS (r‖s,
//! little-endian halves, as `pki::gost` reads it): Kalkan writes the same
//! bytes in XML, not the byte-reversed s‖r of GOST R 34.10 / RFC 4491
//! (found on the national CA's test files, GOST 34.310-2004 and
//! GOST 34.10-2015/512: only the CMS order verifies, with the digest of
//! the canonical SignedInfo read as in CMS; tests/xml_realkz.rs). Refuses
//! SHA-1 and MD5, every
//! transform but enveloped-signature and the canonicalisations, and
//! anything unknown.

use super::c14n::C14n;
use crate::pki::algorithms::{Digest, Scheme};

/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Kalkan's and NCANode's URI namespace for GOST 34.10-2015 / 34.11-2015.
pub const PKIGOVKZ: &str = "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:";

/// The signature schemes by `SignatureMethod` URI.
const SIGNATURE_METHODS: &[(&str, Scheme)] = &[
    (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        Scheme::RsaPkcs1(Digest::Sha256),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        Scheme::RsaPkcs1(Digest::Sha384),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        Scheme::RsaPkcs1(Digest::Sha512),
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
        Scheme::RsaPss {
            digest: Digest::Sha256,
            salt_len: 32,
        },
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
        Scheme::RsaPss {
            digest: Digest::Sha384,
            salt_len: 48,
        },
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
        Scheme::RsaPss {
            digest: Digest::Sha512,
            salt_len: 64,
        },
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        Scheme::Ecdsa(Digest::Sha256),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        Scheme::Ecdsa(Digest::Sha384),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
        Scheme::Ecdsa(Digest::Sha512),
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311",
        Scheme::Gost(Digest::Gost34311),
    ),
    (
        "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512",
        Scheme::Gost(Digest::Streebog512),
    ),
    (
        "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-256",
        Scheme::Gost(Digest::Streebog256),
    ),
];

/// The digests by `DigestMethod` URI.
const DIGEST_METHODS: &[(&str, Digest)] = &[
    ("http://www.w3.org/2001/04/xmlenc#sha256", Digest::Sha256),
    (
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        Digest::Sha384,
    ),
    ("http://www.w3.org/2001/04/xmlenc#sha512", Digest::Sha512),
    (
        "http://www.w3.org/2001/04/xmldsig-more#gost34311",
        Digest::Gost34311,
    ),
    (
        "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512",
        Digest::Streebog512,
    ),
    (
        "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-256",
        Digest::Streebog256,
    ),
];

/// Why an algorithm URI is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Known and refused (SHA-1, MD5, XPath, XSLT, ...).
    #[error("{what} {uri} is refused: {why}")]
    Refused {
        /// Which kind of algorithm.
        what: &'static str,
        /// The URI.
        uri: String,
        /// Why.
        why: &'static str,
    },
    /// Not known.
    #[error("unknown {what} {uri}")]
    Unknown {
        /// Which kind of algorithm.
        what: &'static str,
        /// The URI.
        uri: String,
    },
}

fn weak(uri: &str) -> bool {
    uri.ends_with("sha1") || uri.ends_with("md5") || uri.ends_with("sha224")
}

/// The scheme of a `SignatureMethod` URI.
pub fn signature_method(uri: &str) -> Result<Scheme, UriError> {
    if let Some((_, s)) = SIGNATURE_METHODS.iter().find(|(u, _)| *u == uri) {
        return Ok(*s);
    }
    if weak(uri) {
        return Err(UriError::Refused {
            what: "signature method",
            uri: uri.into(),
            why: "SHA-1, SHA-224 and MD5 are not accepted",
        });
    }
    Err(UriError::Unknown {
        what: "signature method",
        uri: uri.into(),
    })
}

/// The `SignatureMethod` URI qoltanba writes for a scheme.
pub fn signature_method_uri(s: Scheme) -> Option<&'static str> {
    SIGNATURE_METHODS
        .iter()
        .find(|(_, x)| *x == s)
        .map(|(u, _)| *u)
}

/// The digest of a `DigestMethod` URI.
pub fn digest_method(uri: &str) -> Result<Digest, UriError> {
    if let Some((_, d)) = DIGEST_METHODS.iter().find(|(u, _)| *u == uri) {
        return Ok(*d);
    }
    if weak(uri) {
        return Err(UriError::Refused {
            what: "digest method",
            uri: uri.into(),
            why: "SHA-1, SHA-224 and MD5 are not accepted",
        });
    }
    Err(UriError::Unknown {
        what: "digest method",
        uri: uri.into(),
    })
}

/// The `DigestMethod` URI qoltanba writes for a digest.
pub fn digest_method_uri(d: Digest) -> Option<&'static str> {
    DIGEST_METHODS
        .iter()
        .find(|(_, x)| *x == d)
        .map(|(u, _)| *u)
}

/// One step of a reference's transform chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transform {
    /// Removes the signature the reference belongs to.
    Enveloped,
    /// Canonicalises (the last step).
    C14n(C14n),
}

/// The transform an URI names.
pub fn transform(uri: &str) -> Result<Transform, UriError> {
    if uri == ENVELOPED {
        return Ok(Transform::Enveloped);
    }
    if let Some(c) = C14n::from_uri(uri) {
        return Ok(Transform::C14n(c));
    }
    let why = match uri {
        "http://www.w3.org/TR/1999/REC-xpath-19991116"
        | "http://www.w3.org/2002/06/xmldsig-filter2" => "XPath transforms are not evaluated",
        "http://www.w3.org/TR/1999/REC-xslt-19991116" => "XSLT transforms are not evaluated",
        "http://www.w3.org/2000/09/xmldsig#base64" => "base64 transforms are not accepted",
        _ => {
            return Err(UriError::Unknown {
                what: "transform",
                uri: uri.into(),
            });
        }
    };
    Err(UriError::Refused {
        what: "transform",
        uri: uri.into(),
        why,
    })
}

/// An ECDSA signature value as XML writes it (r‖s, big-endian, each half the
/// curve's size) to DER, as `pki::algorithms::verify` takes it.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 132 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let int = |x: &[u8]| {
        let x = match x.iter().position(|b| *b != 0) {
            Some(i) => &x[i..],
            None => &[0u8][..],
        };
        let mut v = Vec::with_capacity(x.len() + 3);
        v.push(0x02);
        let pad = x[0] & 0x80 != 0;
        v.push((x.len() + pad as usize) as u8);
        if pad {
            v.push(0);
        }
        v.extend_from_slice(x);
        v
    };
    let (r, s) = (int(r), int(s));
    let len = r.len() + s.len();
    let mut out = Vec::with_capacity(len + 3);
    out.push(0x30);
    if len >= 0x80 {
        out.push(0x81);
    }
    out.push(len as u8);
    out.extend_from_slice(&r);
    out.extend_from_slice(&s);
    Some(out)
}

/// A DER ECDSA signature to the XML form: r‖s, each `half` bytes.
pub fn ecdsa_der_to_raw(der: &[u8], half: usize) -> Option<Vec<u8>> {
    let seq = crate::asn1::single(der).ok()?;
    let mut w = crate::asn1::Walker::new(seq.value).ok()?;
    let mut out = Vec::with_capacity(2 * half);
    for _ in 0..2 {
        let i = w.require(der::Tag::Integer).ok()?;
        let v = match i.value.iter().position(|b| *b != 0) {
            Some(p) => &i.value[p..],
            None => &[][..],
        };
        if v.len() > half {
            return None;
        }
        out.extend(std::iter::repeat_n(0u8, half - v.len()));
        out.extend_from_slice(v);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip_and_weak_ones_are_refused() {
        for (u, s) in SIGNATURE_METHODS {
            assert_eq!(signature_method(u), Ok(*s));
        }
        for (u, d) in DIGEST_METHODS {
            assert_eq!(digest_method(u), Ok(*d));
            assert_eq!(digest_method_uri(*d), Some(*u));
        }
        assert!(matches!(
            signature_method("http://www.w3.org/2000/09/xmldsig#rsa-sha1"),
            Err(UriError::Refused { .. })
        ));
        assert!(matches!(
            digest_method("http://www.w3.org/2000/09/xmldsig#sha1"),
            Err(UriError::Refused { .. })
        ));
        assert!(matches!(
            transform("http://www.w3.org/TR/1999/REC-xslt-19991116"),
            Err(UriError::Refused { .. })
        ));
    }

    #[test]
    fn ecdsa_forms() {
        let raw: Vec<u8> = (1..=64).collect();
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(ecdsa_der_to_raw(&der, 32).unwrap(), raw);
        let mut high = raw.clone();
        high[0] = 0x80;
        high[32] = 0;
        high[33] = 0;
        let der = ecdsa_raw_to_der(&high).unwrap();
        assert_eq!(ecdsa_der_to_raw(&der, 32).unwrap(), high);
    }
}
