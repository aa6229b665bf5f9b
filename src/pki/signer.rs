//! The `Signer` trait: whatever holds a private key and can sign bytes.
//!
//! Owns the interface that envelope and PDF signing take, and the in-memory
//! implementation over `ring` key pairs (PKCS#8). Sealed keys, PKCS#12 files
//! and two-phase external signers implement the same trait elsewhere, so
//! signing code never knows where a key lives.

use super::algorithms::{Digest, GostFamily, KeyKind, PublicKey, Scheme};
use super::gost;
use ring::rand::SystemRandom;
use ring::signature::{self as rs, KeyPair};

/// Why signing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The key cannot be used (bad PKCS#8, unsupported type or size).
    #[error("key not usable: {0}")]
    Key(String),
    /// The signing operation failed.
    #[error("signing failed: {0}")]
    Failed(String),
}

/// Something that signs with one private key.
pub trait Signer: Send + Sync {
    /// The scheme its signatures use.
    fn scheme(&self) -> Scheme;
    /// The DER SubjectPublicKeyInfo of its key.
    fn public_key_spki(&self) -> Vec<u8>;
    /// Signs `msg` (the signer hashes it).
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError>;
}

enum RingKey {
    Rsa(rs::RsaKeyPair),
    Ec(rs::EcdsaKeyPair),
}

/// A key pair held in memory by `ring`.
pub struct RingSigner {
    key: RingKey,
    scheme: Scheme,
    spki: Vec<u8>,
    rng: SystemRandom,
}

impl std::fmt::Debug for RingSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RingSigner")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl RingSigner {
    /// Loads a PKCS#8 private key; `digest` picks the hash (RSA PKCS#1 v1.5
    /// unless `pss`; ECDSA takes its curve's hash when `digest` is None).
    pub fn from_pkcs8(
        der: &[u8],
        digest: Option<Digest>,
        pss: bool,
    ) -> Result<RingSigner, SignError> {
        let rng = SystemRandom::new();
        if let Ok(k) = rs::RsaKeyPair::from_pkcs8(der) {
            let d = digest.unwrap_or(Digest::Sha256);
            let scheme = if pss {
                Scheme::RsaPss {
                    digest: d,
                    salt_len: d.len(),
                }
            } else {
                Scheme::RsaPkcs1(d)
            };
            let spki = rsa_spki(k.public().as_ref());
            return Ok(RingSigner {
                key: RingKey::Rsa(k),
                scheme,
                spki,
                rng,
            });
        }
        for (alg, bits, d) in [
            (&rs::ECDSA_P256_SHA256_ASN1_SIGNING, 256, Digest::Sha256),
            (&rs::ECDSA_P384_SHA384_ASN1_SIGNING, 384, Digest::Sha384),
        ] {
            if let Ok(k) = rs::EcdsaKeyPair::from_pkcs8(alg, der, &rng) {
                if digest.is_some_and(|x| x != d) {
                    return Err(SignError::Key(format!(
                        "ECDSA P-{bits} signs with {} here",
                        d.name()
                    )));
                }
                let spki = ec_spki(k.public_key().as_ref(), bits);
                return Ok(RingSigner {
                    key: RingKey::Ec(k),
                    scheme: Scheme::Ecdsa(d),
                    spki,
                    rng,
                });
            }
        }
        Err(SignError::Key(
            "not an RSA (2048–8192) or ECDSA P-256/P-384 PKCS#8 key".into(),
        ))
    }

    /// The public key, parsed.
    pub fn public_key(&self) -> Result<PublicKey, SignError> {
        PublicKey::from_spki_der(&self.spki).map_err(|e| SignError::Key(e.to_string()))
    }

    /// The key's kind.
    pub fn kind(&self) -> Option<KeyKind> {
        self.public_key().ok().map(|k| k.kind)
    }
}

impl Signer for RingSigner {
    fn scheme(&self) -> Scheme {
        self.scheme
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        match &self.key {
            RingKey::Rsa(k) => {
                let enc: &'static dyn rs::RsaEncoding = match self.scheme {
                    Scheme::RsaPkcs1(Digest::Sha256) => &rs::RSA_PKCS1_SHA256,
                    Scheme::RsaPkcs1(Digest::Sha384) => &rs::RSA_PKCS1_SHA384,
                    Scheme::RsaPkcs1(Digest::Sha512) => &rs::RSA_PKCS1_SHA512,
                    Scheme::RsaPss {
                        digest: Digest::Sha256,
                        ..
                    } => &rs::RSA_PSS_SHA256,
                    Scheme::RsaPss {
                        digest: Digest::Sha384,
                        ..
                    } => &rs::RSA_PSS_SHA384,
                    Scheme::RsaPss {
                        digest: Digest::Sha512,
                        ..
                    } => &rs::RSA_PSS_SHA512,
                    other => {
                        return Err(SignError::Key(format!(
                            "RSA key with the scheme {}",
                            other.name()
                        )));
                    }
                };
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(enc, &self.rng, msg, &mut sig)
                    .map_err(|e| SignError::Failed(e.to_string()))?;
                Ok(sig)
            }
            RingKey::Ec(k) => k
                .sign(&self.rng, msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|e| SignError::Failed(e.to_string())),
        }
    }
}

fn spki(alg: der::asn1::ObjectIdentifier, params: der::asn1::Any, key: &[u8]) -> Vec<u8> {
    use der::Encode;
    let Ok(subject_public_key) = der::asn1::BitString::from_bytes(key) else {
        return Vec::new();
    };
    let info = spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid: alg,
            parameters: Some(params),
        },
        subject_public_key,
    };
    info.to_der().unwrap_or_default()
}

/// SubjectPublicKeyInfo for an RSAPublicKey DER.
fn rsa_spki(rsa_public_key: &[u8]) -> Vec<u8> {
    spki(
        super::algorithms::oid::RSA,
        der::asn1::Any::from(der::asn1::Null),
        rsa_public_key,
    )
}

/// SubjectPublicKeyInfo for an uncompressed EC point.
fn ec_spki(point: &[u8], bits: usize) -> Vec<u8> {
    use super::algorithms::oid;
    let curve = if bits == 256 { oid::P256 } else { oid::P384 };
    spki(oid::EC_PUBLIC_KEY, der::asn1::Any::from(&curve), point)
}

/// A GOST 34.310-2004 / 34.10-2015 key held in memory: signs with the
/// national CA's OIDs (GOST 34.311-95 for 2004 keys, Streebog of the curve's
/// size for 2015 keys), the nonce from the operating system's random source.
pub struct GostSigner {
    key: gost::SigningKey,
    family: GostFamily,
    spki: Vec<u8>,
    rng: SystemRandom,
}

impl std::fmt::Debug for GostSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GostSigner")
            .field("curve", &self.key.curve())
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl GostSigner {
    /// A signer over `key`, writing its public key under `family`'s OIDs.
    pub fn new(key: gost::SigningKey, family: GostFamily) -> Result<GostSigner, SignError> {
        let public = key
            .public_key()
            .map_err(|e| SignError::Key(e.to_string()))?;
        let spki = gost_spki(family, key.curve(), &public)?;
        Ok(GostSigner {
            key,
            family,
            spki,
            rng: SystemRandom::new(),
        })
    }

    /// A fresh key on `curve`, for test PKIs.
    pub fn generate(curve: gost::Curve, family: GostFamily) -> Result<GostSigner, SignError> {
        let key = gost::SigningKey::generate(curve, &SystemRandom::new())
            .map_err(|e| SignError::Failed(e.to_string()))?;
        GostSigner::new(key, family)
    }

    /// The private scalar, little-endian (for sealing or writing test keys).
    pub fn secret(&self) -> zeroize::Zeroizing<Vec<u8>> {
        self.key.to_le_bytes()
    }

    /// The public key point X‖Y, little-endian halves.
    pub fn public_key_point(&self) -> Result<Vec<u8>, SignError> {
        self.key
            .public_key()
            .map_err(|e| SignError::Key(e.to_string()))
    }

    /// The standard the key's OIDs name.
    pub fn family(&self) -> GostFamily {
        self.family
    }

    /// Reads a GOST PKCS#8 PrivateKeyInfo (as [`GostSigner::to_pkcs8`] writes
    /// it): the key OID and parameters of the SubjectPublicKeyInfo, and the
    /// scalar as an OCTET STRING, little-endian (R 1323565.1.023, as the gost
    /// engine writes it), or as an INTEGER (big-endian), or bare.
    pub fn from_pkcs8(der: &[u8]) -> Result<GostSigner, SignError> {
        use der::Decode;
        let bad = |why: &str| SignError::Key(format!("GOST PKCS#8: {why}"));
        let info = GostPrivateKeyInfo::from_der(der).map_err(|e| bad(&e.to_string()))?;
        if info.version != 0 {
            return Err(bad("version is not 0"));
        }
        let (family, curve) = gost_key_algorithm(&info.algorithm).ok_or_else(|| {
            bad(&format!(
                "not a GOST key algorithm ({})",
                super::algorithms::name_of(&info.algorithm.oid)
            ))
        })?;
        let n = curve.len();
        let inner = info.private_key.as_bytes();
        let mut d = zeroize::Zeroizing::new(Vec::with_capacity(n));
        if let Ok(o) = der::asn1::OctetString::from_der(inner) {
            d.extend_from_slice(o.as_bytes());
        } else if let Ok(i) = der::asn1::Uint::from_der(inner) {
            let be = i.as_bytes();
            if be.len() > n {
                return Err(bad("private key longer than the curve"));
            }
            d.resize(n - be.len(), 0);
            d.extend_from_slice(be);
            d.reverse();
        } else {
            d.extend_from_slice(inner);
        }
        let key = gost::SigningKey::from_le_bytes(curve, &d).map_err(|e| bad(&e.to_string()))?;
        GostSigner::new(key, family)
    }

    /// The key as a PKCS#8 PrivateKeyInfo (DER): the SubjectPublicKeyInfo's
    /// algorithm and parameters, and the scalar as an OCTET STRING,
    /// little-endian. For test keys; production keys stay sealed.
    pub fn to_pkcs8(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, SignError> {
        use der::Encode;
        let e = |x: der::Error| SignError::Key(x.to_string());
        let spki = spki::SubjectPublicKeyInfoRef::try_from(self.spki.as_slice())
            .map_err(|x| SignError::Key(x.to_string()))?;
        let algorithm = spki::AlgorithmIdentifierOwned {
            oid: spki.algorithm.oid,
            parameters: spki.algorithm.parameters.map(der::asn1::Any::from),
        };
        let secret = self.key.to_le_bytes();
        let scalar = zeroize::Zeroizing::new(
            der::asn1::OctetString::new(secret.as_slice())
                .map_err(e)?
                .to_der()
                .map_err(e)?,
        );
        let info = GostPrivateKeyInfo {
            version: 0,
            algorithm,
            private_key: der::asn1::OctetString::new(scalar.as_slice()).map_err(e)?,
        };
        Ok(zeroize::Zeroizing::new(info.to_der().map_err(e)?))
    }

    /// The curve.
    pub fn curve(&self) -> gost::Curve {
        self.key.curve()
    }

    /// The key's kind (family and curve).
    pub fn kind(&self) -> KeyKind {
        KeyKind::Gost {
            family: self.family,
            curve: self.key.curve(),
        }
    }
}

impl Signer for GostSigner {
    fn scheme(&self) -> Scheme {
        Scheme::Gost(self.kind().default_digest())
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        let digest = self.kind().default_digest().hash(msg);
        self.key
            .sign(&digest, &self.rng)
            .map_err(|e| SignError::Failed(e.to_string()))
    }
}

/// PrivateKeyInfo (RFC 5208) without attributes.
#[derive(der::Sequence)]
struct GostPrivateKeyInfo {
    version: u8,
    algorithm: spki::AlgorithmIdentifierOwned,
    private_key: der::asn1::OctetString,
}

/// The family and curve a GOST key AlgorithmIdentifier names (key OID,
/// SEQUENCE { parameter set, digest OID OPTIONAL, ... }).
fn gost_key_algorithm(alg: &spki::AlgorithmIdentifierOwned) -> Option<(GostFamily, gost::Curve)> {
    use super::algorithms::oid;
    let (family, size) = match alg.oid {
        oid::GOST_2004_KEY => (GostFamily::Kz2004, None),
        oid::GOST_2015_256_KEY => (GostFamily::Kz2015, Some(32)),
        oid::GOST_2015_512_KEY => (GostFamily::Kz2015, Some(64)),
        oid::RU_GOST_2012_256_KEY => (GostFamily::Ru2012, Some(32)),
        oid::RU_GOST_2012_512_KEY => (GostFamily::Ru2012, Some(64)),
        _ => return None,
    };
    let params: Vec<der::asn1::ObjectIdentifier> = alg.parameters.as_ref()?.decode_as().ok()?;
    let curve = gost::Curve::from_params_oid(&params.first()?.to_string())?;
    let fits = match size {
        None => curve == gost::Curve::CryptoProA,
        Some(n) => curve.len() == n,
    };
    fits.then_some((family, curve))
}

/// Loads any private key qoltanba signs with from PKCS#8 DER: RSA and ECDSA
/// (through `ring`, with their default hashes) or GOST.
pub fn from_pkcs8_any(der: &[u8]) -> Result<Box<dyn Signer>, SignError> {
    if is_gost_pkcs8(der) {
        Ok(Box::new(GostSigner::from_pkcs8(der)?))
    } else {
        Ok(Box::new(RingSigner::from_pkcs8(der, None, false)?))
    }
}

/// Whether a PKCS#8 PrivateKeyInfo names a GOST key algorithm on a curve
/// qoltanba knows (the key itself is not checked).
pub fn is_gost_pkcs8(der: &[u8]) -> bool {
    use der::Decode;
    GostPrivateKeyInfo::from_der(der)
        .ok()
        .and_then(|info| gost_key_algorithm(&info.algorithm))
        .is_some()
}

/// SubjectPublicKeyInfo of a GOST key as the national CA writes it: the key
/// OID, SEQUENCE { parameter set, digest }, and the point as an OCTET STRING.
pub fn gost_spki(
    family: GostFamily,
    curve: gost::Curve,
    point: &[u8],
) -> Result<Vec<u8>, SignError> {
    use super::algorithms::oid;
    use der::Encode;
    let e = |x: der::Error| SignError::Key(x.to_string());
    let (key_oid, digest_oid, curve_oid) = match (family, curve.len()) {
        (GostFamily::Kz2004, _) => (
            oid::GOST_2004_KEY,
            // The digest parameter set Kalkan writes for 2004 keys.
            der::asn1::ObjectIdentifier::new_unwrap("1.2.398.3.10.1.3.1.1.0"),
            curve.kz_oid(),
        ),
        (GostFamily::Kz2015, 32) => (oid::GOST_2015_256_KEY, oid::STREEBOG_256, curve.kz_oid()),
        (GostFamily::Kz2015, _) => (oid::GOST_2015_512_KEY, oid::STREEBOG_512, curve.kz_oid()),
        (GostFamily::Ru2012, 32) => (
            oid::RU_GOST_2012_256_KEY,
            oid::RU_STREEBOG_256,
            "1.2.643.7.1.2.1.1.1",
        ),
        (GostFamily::Ru2012, _) => (
            oid::RU_GOST_2012_512_KEY,
            oid::RU_STREEBOG_512,
            "1.2.643.7.1.2.1.2.1",
        ),
    };
    let curve_oid =
        der::asn1::ObjectIdentifier::new(curve_oid).map_err(|x| SignError::Key(x.to_string()))?;
    let mut params = Vec::new();
    curve_oid.encode_to_vec(&mut params).map_err(e)?;
    digest_oid.encode_to_vec(&mut params).map_err(e)?;
    let params = der::asn1::Any::new(der::Tag::Sequence, params).map_err(e)?;
    let octets = der::asn1::OctetString::new(point)
        .map_err(e)?
        .to_der()
        .map_err(e)?;
    let bits = der::asn1::BitString::from_bytes(&octets).map_err(e)?;
    spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid: key_oid,
            parameters: Some(params),
        },
        subject_public_key: bits,
    }
    .to_der()
    .map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gost_pkcs8_round_trips_on_every_curve() {
        for (curve, family) in [
            (gost::Curve::CryptoProA, GostFamily::Kz2004),
            (gost::Curve::Tc26_256A, GostFamily::Kz2015),
            (gost::Curve::Tc26_512A, GostFamily::Kz2015),
            (gost::Curve::Tc26_512A, GostFamily::Ru2012),
        ] {
            let k = GostSigner::generate(curve, family).unwrap();
            let der = k.to_pkcs8().unwrap();
            let back = GostSigner::from_pkcs8(&der).unwrap();
            assert_eq!(back.public_key_spki(), k.public_key_spki());
            assert_eq!(back.family(), family);
            let sig = back.sign(b"message").unwrap();
            let key = PublicKey::from_spki_der(&k.public_key_spki()).unwrap();
            super::super::algorithms::verify(k.scheme(), &key, b"message", &sig).unwrap();
            // A truncated PrivateKeyInfo is refused.
            let mut short = der.to_vec();
            let last = short.len() - 1;
            short.truncate(last);
            assert!(GostSigner::from_pkcs8(&short).is_err());
        }
    }
}
