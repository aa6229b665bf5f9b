//! Opening a PKCS#12 in memory: find the private key among its bags, the
//! certificate it belongs to, and order the issuers after it.
//!
//! Owns matching the key to its certificate by public key, whatever order
//! the file lists certificates in, and naming a key nobody can sign with.
//! Decoding the file itself (MAC, encrypted bags, BER) is [`super::pfx`]'s.
//! Refuses files over [`MAX_P12_LEN`], files without a private key or
//! without that key's certificate, and keys qoltanba cannot sign with (RSA
//! outside 2048–8192 bits, curves other than P-256/P-384 and the national
//! CA's GOST curves).

use super::signer::KeySigner;
use super::{KeyError, KeyOptions, LoadedKey, P12Problem, pfx};
use crate::pki::algorithms::oid;
use crate::pki::cert::Certificate;
use crate::pki::signer::Signer;
use der::Decode;
use zeroize::Zeroizing;

/// Largest PKCS#12 accepted, in bytes.
pub const MAX_P12_LEN: usize = 1024 * 1024;

/// Most issuers kept after the signer certificate.
const MAX_CHAIN: usize = 16;

/// A decrypted PKCS#12: the key (PKCS#8, wiped on drop) and its certificates.
pub(crate) struct Opened {
    /// The private key qoltanba can sign with, PKCS#8 DER.
    pub(crate) pkcs8: Zeroizing<Vec<u8>>,
    /// The certificate of that key.
    pub(crate) cert: Certificate,
    /// Its issuers, nearest first.
    pub(crate) chain: Vec<Certificate>,
}

/// Opens a PKCS#12 held in memory, signing with SHA-256 (RSA PKCS#1 v1.5),
/// the curve's hash (ECDSA) or the key's GOST digest.
pub fn open_p12(bytes: &[u8], password: &str) -> Result<LoadedKey, KeyError> {
    open_p12_with(bytes, password, KeyOptions::default())
}

/// Opens a PKCS#12 held in memory, signing as `options` says.
pub fn open_p12_with(
    bytes: &[u8],
    password: &str,
    options: KeyOptions,
) -> Result<LoadedKey, KeyError> {
    let o = decode(bytes, password)?;
    Ok(LoadedKey {
        signer: KeySigner::from_pkcs8(&o.pkcs8, options)?,
        cert_der: o.cert.der,
        chain_der: o.chain.into_iter().map(|c| c.der).collect(),
    })
}

/// Decrypts a PKCS#12 and picks the key qoltanba can sign with and its certificate.
pub(crate) fn decode(bytes: &[u8], password: &str) -> Result<Opened, KeyError> {
    if bytes.len() > MAX_P12_LEN {
        return Err(KeyError::P12Invalid {
            problem: P12Problem::TooLarge,
        });
    }
    let contents = pfx::open(bytes, password)?;
    // Certificates our parser refuses cannot be the signer's or an issuer.
    let certs: Vec<(Option<&[u8]>, Certificate)> = contents
        .certs
        .iter()
        .filter_map(|b| {
            Certificate::from_der(&b.der)
                .ok()
                .map(|c| (b.local_key_id.as_deref(), c))
        })
        .collect();
    if contents.keys.is_empty() {
        return Err(KeyError::P12Invalid {
            problem: P12Problem::NoPrivateKey,
        });
    }
    let mut unsupported = None;
    let mut unmatched = false;
    for bag in &contents.keys {
        let Ok(signer) = KeySigner::from_pkcs8(&bag.pkcs8, KeyOptions::default()) else {
            let lkid = bag.local_key_id.as_deref();
            unsupported.get_or_insert_with(|| describe_key(&bag.pkcs8, lkid, &certs));
            continue;
        };
        let spki = signer.public_key_spki();
        let Some(leaf) = certs
            .iter()
            .map(|(_, c)| c)
            .find(|c| same_key(&c.spki, &spki))
        else {
            unmatched = true;
            continue;
        };
        let chain = issuers(leaf, certs.iter().map(|(_, c)| c));
        return Ok(Opened {
            pkcs8: bag.pkcs8.clone(),
            cert: leaf.clone(),
            chain,
        });
    }
    match unsupported {
        Some(algorithm) if !unmatched => Err(KeyError::Unsupported { algorithm }),
        _ => Err(KeyError::P12Invalid {
            problem: P12Problem::NoCertificate,
        }),
    }
}

/// Whether two SubjectPublicKeyInfos hold the same key (algorithm and key
/// bits; parameter encodings such as an absent versus NULL may differ).
pub(crate) fn same_key(a: &[u8], b: &[u8]) -> bool {
    let (Ok(a), Ok(b)) = (
        spki::SubjectPublicKeyInfoRef::from_der(a),
        spki::SubjectPublicKeyInfoRef::from_der(b),
    ) else {
        return false;
    };
    a.algorithm.oid == b.algorithm.oid && a.subject_public_key == b.subject_public_key
}

/// The issuers of `leaf` among `pool`, nearest first: each one names the
/// previous certificate's issuer and its signature over it verifies.
fn issuers<'a>(
    leaf: &Certificate,
    pool: impl Iterator<Item = &'a Certificate>,
) -> Vec<Certificate> {
    let pool: Vec<&Certificate> = pool.collect();
    let mut chain: Vec<Certificate> = Vec::new();
    let mut current = leaf;
    while chain.len() < MAX_CHAIN && !current.is_self_issued() {
        let next = pool.iter().find(|c| {
            c.fingerprint != leaf.fingerprint
                && !chain.iter().any(|k| k.fingerprint == c.fingerprint)
                && current.named_issuer_is(c)
                && crate::pki::path::verify_edge(current, c).is_ok()
        });
        let Some(next) = next else { break };
        chain.push((*next).clone());
        current = next;
    }
    chain
}

/// Names a key qoltanba cannot sign with, from its PKCS#8 algorithm and, where one is
/// linked to it, its certificate's public key.
fn describe_key(
    pkcs8: &[u8],
    local_key_id: Option<&[u8]>,
    certs: &[(Option<&[u8]>, Certificate)],
) -> String {
    let Some(alg) = pkcs8_algorithm(pkcs8) else {
        return "private key".into();
    };
    let alg = alg.to_string();
    let linked = certs
        .iter()
        .find(|(l, _)| local_key_id.is_some() && *l == local_key_id)
        .or_else(|| {
            let mut leaves = certs.iter().filter(|(_, c)| !c.is_ca());
            match (leaves.next(), leaves.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
        .and_then(|(_, c)| {
            spki::SubjectPublicKeyInfoRef::from_der(&c.spki)
                .ok()
                .map(|s| (c, s))
        });
    if alg == oid::RSA.to_string() {
        let bits = linked.and_then(|(_, s)| {
            let key = s.subject_public_key.as_bytes()?;
            let rsa = pkcs1::RsaPublicKey::from_der(key).ok()?;
            let m = rsa.modulus.as_bytes();
            let first = *m.first()?;
            Some(m.len() * 8 - first.leading_zeros() as usize)
        });
        return match bits {
            Some(b) => format!("RSA-{b}"),
            None => "RSA".into(),
        };
    }
    if alg == oid::EC_PUBLIC_KEY.to_string() {
        let curve = linked.and_then(|(_, s)| {
            s.algorithm
                .parameters
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
        });
        return match curve {
            Some(c) => format!("ECDSA on curve {c}"),
            None => "ECDSA".into(),
        };
    }
    // GOST 34.310-2004 (Kazakhstan), GOST R 34.10-2001 and -2012.
    if ["1.2.398.3.10.", "1.2.643.2.2.", "1.2.643.7.1."]
        .iter()
        .any(|p| alg.starts_with(p))
    {
        return format!("GOST {alg}");
    }
    alg
}

/// The algorithm OID of a PrivateKeyInfo ::= SEQUENCE { version,
/// AlgorithmIdentifier, ... }.
fn pkcs8_algorithm(pkcs8: &[u8]) -> Option<der::asn1::ObjectIdentifier> {
    let info = crate::asn1::single(pkcs8).ok()?;
    let mut w = crate::asn1::Walker::new(info.value).ok()?;
    w.require(der::Tag::Integer).ok()?;
    let alg = w.require(der::Tag::Sequence).ok()?;
    let mut aw = crate::asn1::Walker::new(alg.value).ok()?;
    let o = aw.require(der::Tag::ObjectIdentifier).ok()?;
    der::asn1::ObjectIdentifier::from_bytes(o.value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_p12() {
        let e = decode(b"not a pkcs12", "").err();
        assert_eq!(e.map(|e| e.code()), Some("KEY_P12_INVALID"));
        let big = vec![0u8; MAX_P12_LEN + 1];
        assert_eq!(
            decode(&big, "").err(),
            Some(KeyError::P12Invalid {
                problem: P12Problem::TooLarge
            })
        );
    }
}
