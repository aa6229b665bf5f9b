//! Public keys: which kinds and sizes policy accepts (RSA 2048–8192, ECDSA
//! P-256/P-384, GOST on the national CA's curves), parsed from a
//! SubjectPublicKeyInfo once, ready for `verify`.

use super::{AlgError, Curve, Digest, name_of, oid};
use der::{Decode, Encode, asn1::ObjectIdentifier as Oid};
use spki::SubjectPublicKeyInfoRef;

/// The kind and size of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with the modulus size in bits.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// EC on a named curve.
    Ec {
        /// Curve size in bits (256 or 384).
        bits: usize,
    },
    /// GOST R 34.10 on a named curve.
    Gost {
        /// Which standard the key's OID names.
        family: GostFamily,
        /// The curve its parameters name.
        curve: Curve,
    },
}

/// The standard a GOST key's algorithm OID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GostFamily {
    /// GOST 34.310-2004 (KZ, `1.2.398.3.10.1.1.1.1`): signs with GOST 34.311-95.
    Kz2004,
    /// GOST 34.10-2015 (KZ, `1.2.398.3.10.1.1.2.1`/`.2.2`): signs with Streebog.
    Kz2015,
    /// GOST R 34.10-2012 (RU, `1.2.643.7.1.1.1.1`/`.1.2`): signs with Streebog.
    Ru2012,
}

impl KeyKind {
    /// e.g. `RSA` / `ECDSA` / `GOST 34.10-2015`.
    pub fn algorithm(self) -> &'static str {
        match self {
            KeyKind::Rsa { .. } => "RSA",
            KeyKind::Ec { .. } => "ECDSA",
            KeyKind::Gost {
                family: GostFamily::Kz2004,
                ..
            } => "GOST 34.310-2004",
            KeyKind::Gost {
                family: GostFamily::Kz2015,
                ..
            } => "GOST 34.10-2015",
            KeyKind::Gost {
                family: GostFamily::Ru2012,
                ..
            } => "GOST R 34.10-2012",
        }
    }
    /// Key size in bits.
    pub fn bits(self) -> usize {
        match self {
            KeyKind::Rsa { bits } | KeyKind::Ec { bits } => bits,
            KeyKind::Gost { curve, .. } => curve.bits(),
        }
    }
    /// Curve name for EC and GOST keys.
    pub fn curve(self) -> Option<&'static str> {
        match self {
            KeyKind::Ec { bits: 256 } => Some("P-256"),
            KeyKind::Ec { bits: 384 } => Some("P-384"),
            KeyKind::Gost { curve, .. } => Some(curve.name()),
            _ => None,
        }
    }
    /// A name with the size, e.g. `RSA 2048`, `GOST 34.10-2015 512`.
    pub fn label(self) -> String {
        format!("{} {}", self.algorithm(), self.bits())
    }
    /// The digest a signature with this key uses by default (the only one for GOST).
    pub fn default_digest(self) -> Digest {
        match self {
            KeyKind::Rsa { .. } | KeyKind::Ec { bits: 256 } => Digest::Sha256,
            KeyKind::Ec { .. } => Digest::Sha384,
            KeyKind::Gost {
                family: GostFamily::Kz2004,
                ..
            } => Digest::Gost34311,
            KeyKind::Gost { curve, .. } if curve.len() == 64 => Digest::Streebog512,
            KeyKind::Gost { .. } => Digest::Streebog256,
        }
    }
}

/// A public key accepted by policy, ready to verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// Kind and size.
    pub kind: KeyKind,
    /// The subjectPublicKey bits: RSAPublicKey DER, or the EC point.
    pub key: Vec<u8>,
}

/// Smallest RSA modulus accepted.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted (ring's ceiling).
pub const MAX_RSA_BITS: usize = 8192;

impl PublicKey {
    /// Parses a SubjectPublicKeyInfo and applies the key policy.
    pub fn from_spki_der(spki: &[u8]) -> Result<PublicKey, AlgError> {
        let info = SubjectPublicKeyInfoRef::from_der(spki)
            .map_err(|e| AlgError::Malformed(format!("public key info: {e}")))?;
        let key = info
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| AlgError::Malformed("public key bit string has unused bits".into()))?
            .to_vec();
        match info.algorithm.oid {
            oid::RSA => {
                let rsa = pkcs1::RsaPublicKey::from_der(&key)
                    .map_err(|e| AlgError::Malformed(format!("RSA public key: {e}")))?;
                let m = rsa.modulus.as_bytes();
                let bits = if m.is_empty() {
                    0
                } else {
                    m.len() * 8 - m[0].leading_zeros() as usize
                };
                if bits < MIN_RSA_BITS {
                    return Err(AlgError::Unsupported(format!(
                        "RSA key of {bits} bits (minimum {MIN_RSA_BITS})"
                    )));
                }
                if bits > MAX_RSA_BITS {
                    return Err(AlgError::Unsupported(format!(
                        "RSA key of {bits} bits (maximum {MAX_RSA_BITS})"
                    )));
                }
                Ok(PublicKey {
                    kind: KeyKind::Rsa { bits },
                    key,
                })
            }
            oid::EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters
                    .ok_or_else(|| AlgError::Malformed("EC key without curve".into()))?
                    .decode_as::<Oid>()
                    .map_err(|_| {
                        AlgError::Unsupported("EC key with explicit curve parameters".into())
                    })?;
                let bits = match curve {
                    oid::P256 => 256,
                    oid::P384 => 384,
                    other => return Err(AlgError::Unsupported(format!("EC curve {other}"))),
                };
                let want = 1 + 2 * bits / 8;
                if key.len() != want || key[0] != 4 {
                    return Err(AlgError::Malformed(
                        "EC point is not an uncompressed point of the curve's size".into(),
                    ));
                }
                Ok(PublicKey {
                    kind: KeyKind::Ec { bits },
                    key,
                })
            }
            oid::GOST_2004_KEY => gost_key(GostFamily::Kz2004, None, &info, &key),
            oid::GOST_2015_256_KEY => gost_key(GostFamily::Kz2015, Some(32), &info, &key),
            oid::GOST_2015_512_KEY => gost_key(GostFamily::Kz2015, Some(64), &info, &key),
            oid::RU_GOST_2012_256_KEY => gost_key(GostFamily::Ru2012, Some(32), &info, &key),
            oid::RU_GOST_2012_512_KEY => gost_key(GostFamily::Ru2012, Some(64), &info, &key),
            ref o => Err(AlgError::Unsupported(format!("public key {}", name_of(o)))),
        }
    }
}

/// GostR3410-PublicKeyParameters ::= SEQUENCE { publicKeyParamSet OID,
/// digestParamSet OID OPTIONAL, encryptionParamSet OID OPTIONAL } (RFC 4491);
/// the key is an OCTET STRING of X‖Y, little-endian halves.
fn gost_key(
    family: GostFamily,
    size: Option<usize>,
    info: &SubjectPublicKeyInfoRef<'_>,
    bits: &[u8],
) -> Result<PublicKey, AlgError> {
    let params = info
        .algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| AlgError::Unsupported("GOST key without parameters".into()))?;
    let params_der = params
        .to_der()
        .map_err(|e| AlgError::Malformed(e.to_string()))?;
    let seq = crate::asn1::single(&params_der)
        .map_err(|e| AlgError::Malformed(format!("GOST key parameters: {e}")))?;
    if seq.tag != der::Tag::Sequence {
        return Err(AlgError::Malformed(
            "GOST key parameters are not a SEQUENCE".into(),
        ));
    }
    let mut w = crate::asn1::Walker::new(seq.value)
        .map_err(|e| AlgError::Malformed(format!("GOST key parameters: {e}")))?;
    let set = w
        .require(der::Tag::ObjectIdentifier)
        .map_err(|e| AlgError::Malformed(format!("GOST key parameter set: {e}")))?;
    let set = Oid::from_bytes(set.value).map_err(|e| AlgError::Malformed(e.to_string()))?;
    let curve = Curve::from_params_oid(&set.to_string())
        .ok_or_else(|| AlgError::Unsupported(format!("GOST parameter set {set}")))?;
    let size_ok = match (family, size) {
        (GostFamily::Kz2004, _) => curve == Curve::CryptoProA,
        (_, Some(n)) => curve.len() == n,
        (_, None) => false,
    };
    if !size_ok {
        return Err(AlgError::Malformed(format!(
            "GOST key of algorithm {} on the curve {}",
            name_of(&info.algorithm.oid),
            curve.name()
        )));
    }
    let point = der::asn1::OctetString::from_der(bits)
        .map_err(|e| AlgError::Malformed(format!("GOST public key: {e}")))?;
    let point = point.as_bytes();
    crate::pki::gost::check_public_key(curve, point)
        .map_err(|e| AlgError::Malformed(e.to_string()))?;
    Ok(PublicKey {
        kind: KeyKind::Gost { family, curve },
        key: point.to_vec(),
    })
}
