//! Signature and digest algorithms: which ones qoltanba accepts, and the one
//! entry point that verifies a signature value.
//!
//! Owns the mapping from AlgorithmIdentifiers (CMS and X.509) to verification
//! schemes and the policy floor: SHA-256/384/512, RSA 2048–8192 (PKCS#1 v1.5
//! and PSS), ECDSA P-256/P-384. Refuses MD5, SHA-1, SHA-224, short RSA keys,
//! other curves and every unknown OID with `AlgError::Unsupported`. RSA and
//! ECDSA arithmetic is done by `ring`; only what ring cannot verify (PSS with
//! a salt other than the hash length, ECDSA with SHA-512) goes to the
//! RustCrypto crates. GOST (the national CA's GOST 34.310-2004 and GOST
//! 34.10-2015, and the Russian GOST R 34.10-2012 OIDs for the same curves)
//! goes to [`super::gost`], with GOST 34.311-95 (GOST R 34.11-94, "test"
//! S-box) and Streebog from RustCrypto.

pub use crate::pki::gost::Curve;
mod digest;
mod key;

pub use digest::{Digest, Hasher};
pub use key::{GostFamily, KeyKind, MAX_RSA_BITS, MIN_RSA_BITS, PublicKey};

use der::{Decode, Encode, asn1::ObjectIdentifier as Oid};
use spki::AlgorithmIdentifierOwned;

/// OIDs qoltanba knows.
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;
    /// rsaEncryption
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// md5WithRSAEncryption
    pub const MD5_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.4");
    /// sha1WithRSAEncryption
    pub const SHA1_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    /// id-mgf1
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    /// id-RSASSA-PSS
    pub const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    /// sha256WithRSAEncryption
    pub const SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    /// sha384WithRSAEncryption
    pub const SHA384_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    /// sha512WithRSAEncryption
    pub const SHA512_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    /// sha224WithRSAEncryption
    pub const SHA224_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
    /// id-ecPublicKey
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    /// secp256r1
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    /// ecdsa-with-SHA1
    pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    /// ecdsa-with-SHA256
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// ecdsa-with-SHA384
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    /// ecdsa-with-SHA512
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    /// id-sha256
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// id-sha384
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    /// id-sha512
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    /// id-sha224
    pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
    /// id-sha1
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    /// md5
    pub const MD5: Oid = Oid::new_unwrap("1.2.840.113549.2.5");
    /// GOST 34.310-2004 public key (KZ)
    pub const GOST_2004_KEY: Oid = Oid::new_unwrap("1.2.398.3.10.1.1.1.1");
    /// GOST 34.311-95 with GOST 34.310-2004 (KZ)
    pub const GOST_2004_SIG: Oid = Oid::new_unwrap("1.2.398.3.10.1.1.1.2");
    /// GOST 34.10-2015 256-bit public key (KZ)
    pub const GOST_2015_256_KEY: Oid = Oid::new_unwrap("1.2.398.3.10.1.1.2.1");
    /// GOST 34.10-2015 512-bit public key (KZ)
    pub const GOST_2015_512_KEY: Oid = Oid::new_unwrap("1.2.398.3.10.1.1.2.2");
    /// GOST 34.10-2015 with GOST 34.11-2015 256-bit (KZ)
    pub const GOST_2015_256_SIG: Oid = Oid::new_unwrap("1.2.398.3.10.1.1.2.3.1");
    /// GOST 34.10-2015 with GOST 34.11-2015 512-bit (KZ)
    pub const GOST_2015_512_SIG: Oid = Oid::new_unwrap("1.2.398.3.10.1.1.2.3.2");
    /// GOST 34.311-95 digest (KZ)
    pub const GOST_34311: Oid = Oid::new_unwrap("1.2.398.3.10.1.3.1");
    /// GOST 34.11-2015 256-bit digest (KZ)
    pub const STREEBOG_256: Oid = Oid::new_unwrap("1.2.398.3.10.1.3.2");
    /// GOST 34.11-2015 512-bit digest (KZ)
    pub const STREEBOG_512: Oid = Oid::new_unwrap("1.2.398.3.10.1.3.3");
    /// id-tc26-gost3410-12-256 public key (RU)
    pub const RU_GOST_2012_256_KEY: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.1");
    /// id-tc26-gost3410-12-512 public key (RU)
    pub const RU_GOST_2012_512_KEY: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.2");
    /// id-tc26-gost3411-12-256 (RU)
    pub const RU_STREEBOG_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.2");
    /// id-tc26-gost3411-12-512 (RU)
    pub const RU_STREEBOG_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.3");
    /// id-tc26-signwithdigest-gost3410-12-256 (RU)
    pub const RU_GOST_2012_256_SIG: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.2");
    /// id-tc26-signwithdigest-gost3410-12-512 (RU)
    pub const RU_GOST_2012_512_SIG: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.3");
}

/// Why an algorithm cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlgError {
    /// Known but refused by policy, or unknown.
    #[error("unsupported algorithm: {0}")]
    Unsupported(String),
    /// The identifier or key is not well formed.
    #[error("malformed algorithm or key: {0}")]
    Malformed(String),
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The algorithm or key is refused.
    #[error(transparent)]
    Algorithm(#[from] AlgError),
    /// The mathematics says no.
    #[error("signature does not verify")]
    Invalid,
}

/// A verification scheme: the key type, padding and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(Digest),
    /// RSASSA-PSS with MGF1 over the same hash and the given salt length.
    RsaPss {
        /// Hash (and MGF1 hash).
        digest: Digest,
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// ECDSA with a DER-encoded (r, s) signature.
    Ecdsa(Digest),
    /// GOST R 34.10 (GOST 34.310-2004 with GOST 34.311-95, GOST 34.10-2015
    /// with Streebog): r‖s, little-endian halves; the curve is the key's.
    Gost(Digest),
}

impl Scheme {
    /// The scheme's hash.
    pub fn digest(self) -> Digest {
        match self {
            Scheme::RsaPkcs1(d) | Scheme::Ecdsa(d) | Scheme::Gost(d) => d,
            Scheme::RsaPss { digest, .. } => digest,
        }
    }
    /// Short name for reports, e.g. `RSA-PSS-SHA256`.
    pub fn name(self) -> String {
        match self {
            Scheme::RsaPkcs1(d) => format!("RSA-PKCS1-{}", d.name().to_uppercase()),
            Scheme::RsaPss { digest, salt_len } => {
                format!("RSA-PSS-{} (salt {salt_len})", digest.name().to_uppercase())
            }
            Scheme::Ecdsa(d) => format!("ECDSA-{}", d.name().to_uppercase()),
            Scheme::Gost(Digest::Gost34311) => "GOST34310-2004-GOST34311-95".into(),
            Scheme::Gost(Digest::Streebog256) => "GOST34.10-2015-256-GOST34.11-2015-256".into(),
            Scheme::Gost(d) => format!("GOST34.10-2015-512-{}", d.name().to_uppercase()),
        }
    }
    /// The signature algorithm OID qoltanba writes for this scheme (the
    /// national CA's OIDs for GOST, as Kalkan writes them).
    pub fn signature_oid(self) -> Option<Oid> {
        Some(match self {
            Scheme::RsaPkcs1(Digest::Sha256) => oid::SHA256_RSA,
            Scheme::RsaPkcs1(Digest::Sha384) => oid::SHA384_RSA,
            Scheme::RsaPkcs1(Digest::Sha512) => oid::SHA512_RSA,
            Scheme::RsaPss { .. } => oid::RSA_PSS,
            Scheme::Ecdsa(Digest::Sha256) => oid::ECDSA_SHA256,
            Scheme::Ecdsa(Digest::Sha384) => oid::ECDSA_SHA384,
            Scheme::Ecdsa(Digest::Sha512) => oid::ECDSA_SHA512,
            Scheme::Gost(Digest::Gost34311) => oid::GOST_2004_SIG,
            Scheme::Gost(Digest::Streebog256) => oid::GOST_2015_256_SIG,
            Scheme::Gost(Digest::Streebog512) => oid::GOST_2015_512_SIG,
            _ => return None,
        })
    }
}

/// A human name for an OID: the known name, else the dotted form.
pub fn name_of(o: &Oid) -> String {
    let known = match *o {
        oid::MD5 => "md5",
        oid::SHA1 => "sha1",
        oid::SHA224 => "sha224",
        oid::MD5_RSA => "md5WithRSAEncryption",
        oid::SHA1_RSA => "sha1WithRSAEncryption",
        oid::SHA224_RSA => "sha224WithRSAEncryption",
        oid::ECDSA_SHA1 => "ecdsa-with-SHA1",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let gost = match *o {
        oid::GOST_2004_KEY => "GOST 34.310-2004",
        oid::GOST_2004_SIG => "GOST 34.311-95 with GOST 34.310-2004",
        oid::GOST_2015_256_KEY => "GOST 34.10-2015 256",
        oid::GOST_2015_512_KEY => "GOST 34.10-2015 512",
        oid::GOST_2015_256_SIG => "GOST 34.10-2015 256 with GOST 34.11-2015 256",
        oid::GOST_2015_512_SIG => "GOST 34.10-2015 512 with GOST 34.11-2015 512",
        oid::GOST_34311 => "GOST 34.311-95",
        oid::STREEBOG_256 => "GOST 34.11-2015 256",
        oid::STREEBOG_512 => "GOST 34.11-2015 512",
        _ => "",
    };
    if !gost.is_empty() {
        return format!("{gost} ({o})");
    }
    if o.to_string().starts_with("1.2.398.3.10") {
        return format!("GOST (Kazakhstan) {o}");
    }
    o.to_string()
}

/// The scheme of a signature algorithm identifier. `digest` is the CMS
/// digestAlgorithm, used when the signature OID names no hash (rsaEncryption,
/// id-ecPublicKey), as OpenSSL writes them.
pub fn scheme_for(
    sig: &AlgorithmIdentifierOwned,
    digest: Option<Digest>,
) -> Result<Scheme, AlgError> {
    let need_digest =
        || digest.ok_or_else(|| AlgError::Unsupported("signature algorithm names no hash".into()));
    let sha2 = |d: Digest| {
        if d.is_gost() {
            Err(AlgError::Unsupported(format!(
                "{} signature with the GOST digest {}",
                name_of(&sig.oid),
                d.name()
            )))
        } else {
            Ok(d)
        }
    };
    // A GOST signature OID names its hash; a key OID used as the signature
    // algorithm (as some CMS writers do) takes the CMS digestAlgorithm.
    let gost = |want: Digest| match digest {
        Some(d) if d != want => Err(AlgError::Unsupported(format!(
            "{} signature with the digest {}",
            name_of(&sig.oid),
            d.name()
        ))),
        _ => Ok(Scheme::Gost(want)),
    };
    match sig.oid {
        oid::SHA256_RSA => Ok(Scheme::RsaPkcs1(Digest::Sha256)),
        oid::SHA384_RSA => Ok(Scheme::RsaPkcs1(Digest::Sha384)),
        oid::SHA512_RSA => Ok(Scheme::RsaPkcs1(Digest::Sha512)),
        oid::RSA => Ok(Scheme::RsaPkcs1(sha2(need_digest()?)?)),
        oid::ECDSA_SHA256 => Ok(Scheme::Ecdsa(Digest::Sha256)),
        oid::ECDSA_SHA384 => Ok(Scheme::Ecdsa(Digest::Sha384)),
        oid::ECDSA_SHA512 => Ok(Scheme::Ecdsa(Digest::Sha512)),
        oid::EC_PUBLIC_KEY => Ok(Scheme::Ecdsa(sha2(need_digest()?)?)),
        oid::RSA_PSS => pss_params(sig),
        oid::GOST_2004_SIG | oid::GOST_2004_KEY => gost(Digest::Gost34311),
        oid::GOST_2015_256_SIG | oid::RU_GOST_2012_256_SIG => gost(Digest::Streebog256),
        oid::GOST_2015_512_SIG | oid::RU_GOST_2012_512_SIG => gost(Digest::Streebog512),
        oid::GOST_2015_256_KEY | oid::RU_GOST_2012_256_KEY => gost(Digest::Streebog256),
        oid::GOST_2015_512_KEY | oid::RU_GOST_2012_512_KEY => gost(Digest::Streebog512),
        ref o => Err(AlgError::Unsupported(format!("signature {}", name_of(o)))),
    }
}

/// RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0], maskGenAlgorithm [1],
/// saltLength [2] INTEGER DEFAULT 20, trailerField [3] INTEGER DEFAULT 1 }.
#[derive(der::Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mgf: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u32>,
}

fn pss_params(sig: &AlgorithmIdentifierOwned) -> Result<Scheme, AlgError> {
    let params = sig.parameters.as_ref().ok_or_else(|| {
        AlgError::Unsupported("RSASSA-PSS without parameters (SHA-1 defaults)".into())
    })?;
    let der = params
        .to_der()
        .map_err(|e| AlgError::Malformed(e.to_string()))?;
    let p = PssParams::from_der(&der)
        .map_err(|e| AlgError::Malformed(format!("PSS parameters: {e}")))?;
    // Absent hash means SHA-1: refused.
    let hash = p
        .hash
        .ok_or_else(|| AlgError::Unsupported("RSASSA-PSS with SHA-1".into()))?;
    let digest = Digest::from_oid(&hash.oid)?;
    if digest.is_gost() {
        return Err(AlgError::Unsupported(format!(
            "RSASSA-PSS with the GOST digest {}",
            digest.name()
        )));
    }
    let mgf = p
        .mgf
        .ok_or_else(|| AlgError::Unsupported("RSASSA-PSS with MGF1-SHA-1".into()))?;
    if mgf.oid != oid::MGF1 {
        return Err(AlgError::Unsupported(format!(
            "PSS mask generation {}",
            mgf.oid
        )));
    }
    let mgf_hash = mgf
        .parameters
        .as_ref()
        .ok_or_else(|| AlgError::Malformed("MGF1 without hash".into()))?
        .decode_as::<AlgorithmIdentifierOwned>()
        .map_err(|e| AlgError::Malformed(format!("MGF1 hash: {e}")))?;
    if Digest::from_oid(&mgf_hash.oid)? != digest {
        return Err(AlgError::Unsupported(
            "PSS with an MGF1 hash other than the message hash".into(),
        ));
    }
    if p.trailer.unwrap_or(1) != 1 {
        return Err(AlgError::Malformed("PSS trailerField is not 1".into()));
    }
    let salt_len = p.salt_len.unwrap_or(20) as usize;
    if salt_len > 1024 {
        return Err(AlgError::Malformed("PSS salt length out of range".into()));
    }
    Ok(Scheme::RsaPss { digest, salt_len })
}

/// Verifies `sig` over `msg` with `key` under `scheme`: the single entry point
/// for every signature qoltanba checks (envelopes, certificates, CRLs, vectors).
pub fn verify(scheme: Scheme, key: &PublicKey, msg: &[u8], sig: &[u8]) -> Result<(), VerifyError> {
    if let (Scheme::Gost(d), KeyKind::Gost { .. }) = (scheme, key.kind) {
        return verify_gost_prehash(d, key, &d.hash(msg), sig);
    }
    verify_classic(scheme, key, msg, sig)
}

/// [`verify`] for a GOST signature over a digest already computed with `d`.
pub fn verify_gost_prehash(
    d: Digest,
    key: &PublicKey,
    digest: &[u8],
    sig: &[u8],
) -> Result<(), VerifyError> {
    let KeyKind::Gost { family, curve } = key.kind else {
        return Err(AlgError::Unsupported(format!(
            "GOST signature with a {} key",
            key.kind.algorithm()
        ))
        .into());
    };
    let fits = match family {
        GostFamily::Kz2004 => d == Digest::Gost34311,
        GostFamily::Kz2015 | GostFamily::Ru2012 => {
            matches!(d, Digest::Streebog256 | Digest::Streebog512) && d.len() == curve.len()
        }
    };
    if !fits {
        return Err(AlgError::Unsupported(format!(
            "{} signature with a {} key",
            Scheme::Gost(d).name(),
            key.kind.label()
        ))
        .into());
    }
    crate::pki::gost::verify(curve, &key.key, digest, sig).map_err(|_| VerifyError::Invalid)
}

fn verify_classic(
    scheme: Scheme,
    key: &PublicKey,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), VerifyError> {
    use ring::signature as rs;
    if scheme.digest().is_gost() {
        return Err(AlgError::Unsupported(format!(
            "{} with a {} key",
            scheme.name(),
            key.kind.algorithm()
        ))
        .into());
    }
    let ring_alg: Option<&'static dyn rs::VerificationAlgorithm> = match (scheme, key.kind) {
        (Scheme::RsaPkcs1(d), KeyKind::Rsa { .. }) => match d {
            Digest::Sha256 => Some(&rs::RSA_PKCS1_2048_8192_SHA256),
            Digest::Sha384 => Some(&rs::RSA_PKCS1_2048_8192_SHA384),
            Digest::Sha512 => Some(&rs::RSA_PKCS1_2048_8192_SHA512),
            _ => None,
        },
        (Scheme::RsaPss { digest, salt_len }, KeyKind::Rsa { .. }) if salt_len == digest.len() => {
            match digest {
                Digest::Sha256 => Some(&rs::RSA_PSS_2048_8192_SHA256),
                Digest::Sha384 => Some(&rs::RSA_PSS_2048_8192_SHA384),
                Digest::Sha512 => Some(&rs::RSA_PSS_2048_8192_SHA512),
                _ => None,
            }
        }
        (Scheme::RsaPss { .. }, KeyKind::Rsa { .. }) => None,
        (Scheme::Ecdsa(d), KeyKind::Ec { bits }) => match (bits, d) {
            (256, Digest::Sha256) => Some(&rs::ECDSA_P256_SHA256_ASN1),
            (256, Digest::Sha384) => Some(&rs::ECDSA_P256_SHA384_ASN1),
            (384, Digest::Sha256) => Some(&rs::ECDSA_P384_SHA256_ASN1),
            (384, Digest::Sha384) => Some(&rs::ECDSA_P384_SHA384_ASN1),
            _ => None,
        },
        _ => {
            return Err(AlgError::Unsupported(format!(
                "{} signature with a {} key",
                scheme.name(),
                key.kind.algorithm()
            ))
            .into());
        }
    };
    if let Some(alg) = ring_alg {
        return rs::UnparsedPublicKey::new(alg, &key.key)
            .verify(msg, sig)
            .map_err(|_| VerifyError::Invalid);
    }
    match (scheme, key.kind) {
        (Scheme::RsaPss { digest, salt_len }, _) => {
            verify_pss_any_salt(digest, salt_len, key, msg, sig)
        }
        (Scheme::Ecdsa(d), KeyKind::Ec { bits }) => {
            verify_ecdsa_prehash(bits, d.hash(msg), key, sig)
        }
        _ => Err(VerifyError::Invalid),
    }
}

fn verify_pss_any_salt(
    d: Digest,
    salt: usize,
    key: &PublicKey,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), VerifyError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    let pk = rsa::RsaPublicKey::from_pkcs1_der(&key.key)
        .map_err(|e| AlgError::Malformed(format!("RSA public key: {e}")))?;
    let hashed = d.hash(msg);
    let padding = match d {
        Digest::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
        Digest::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
        Digest::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
        _ => return Err(VerifyError::Invalid),
    };
    // The signature must be exactly the modulus length, as ring requires.
    if sig.len() != key.kind.bits().div_ceil(8) {
        return Err(VerifyError::Invalid);
    }
    pk.verify(padding, &hashed, sig)
        .map_err(|_| VerifyError::Invalid)
}

fn verify_ecdsa_prehash(
    bits: usize,
    prehash: Vec<u8>,
    key: &PublicKey,
    sig: &[u8],
) -> Result<(), VerifyError> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    match bits {
        256 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.key)
                .map_err(|_| AlgError::Malformed("P-256 point".into()))?;
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| VerifyError::Invalid)?;
            vk.verify_prehash(&prehash, &s)
                .map_err(|_| VerifyError::Invalid)
        }
        384 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(&key.key)
                .map_err(|_| AlgError::Malformed("P-384 point".into()))?;
            let s = p384::ecdsa::Signature::from_der(sig).map_err(|_| VerifyError::Invalid)?;
            vk.verify_prehash(&prehash, &s)
                .map_err(|_| VerifyError::Invalid)
        }
        _ => Err(VerifyError::Invalid),
    }
}

/// Whether two AlgorithmIdentifiers name the same algorithm: the same OID and
/// the same parameters, where absent and NULL parameters count as the same
/// (the national CA's GOST CRLs write NULL outside and nothing inside, and
/// OpenSSL reads them).
pub fn same_algorithm(a: &AlgorithmIdentifierOwned, b: &AlgorithmIdentifierOwned) -> bool {
    let null = |p: &Option<der::asn1::Any>| match p {
        None => true,
        Some(any) => der::Tagged::tag(any) == der::Tag::Null && any.value().is_empty(),
    };
    a.oid == b.oid && (a.parameters == b.parameters || (null(&a.parameters) && null(&b.parameters)))
}

/// Converts an x509-parser algorithm identifier into the `spki` form.
pub fn alg_from_x509(
    alg: &x509_parser::x509::AlgorithmIdentifier<'_>,
) -> Result<AlgorithmIdentifierOwned, AlgError> {
    use x509_parser::der_parser::asn1_rs::ToDer;
    let oid = Oid::from_bytes(alg.algorithm.as_bytes())
        .map_err(|e| AlgError::Malformed(e.to_string()))?;
    let parameters = match &alg.parameters {
        None => None,
        Some(p) => {
            let bytes = p
                .to_der_vec()
                .map_err(|e| AlgError::Malformed(e.to_string()))?;
            Some(der::asn1::Any::from_der(&bytes).map_err(|e| AlgError::Malformed(e.to_string()))?)
        }
    };
    Ok(AlgorithmIdentifierOwned { oid, parameters })
}

/// For a failed RSA PKCS#1 v1.5 signature made directly over content (no
/// signed attributes): the hash the signature carries, when its padding is
/// well formed. Tells "the content changed" from "the signature is broken".
pub fn rsa_pkcs1_embedded_digest(key: &PublicKey, digest: Digest, sig: &[u8]) -> Option<Vec<u8>> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::traits::PublicKeyParts;
    let pk = rsa::RsaPublicKey::from_pkcs1_der(&key.key).ok()?;
    let k = pk.size();
    if sig.len() != k {
        return None;
    }
    let m = rsa::hazmat::rsa_encrypt(&pk, &rsa::BigUint::from_bytes_be(sig)).ok()?;
    let em = m.to_bytes_be();
    // EM = 00 01 FF..FF 00 DigestInfo; to_bytes_be drops the leading 00.
    if em.len() != k - 1 || em[0] != 1 {
        return None;
    }
    let sep = em.iter().skip(1).position(|b| *b != 0xFF)? + 1;
    if sep < 9 || em[sep] != 0 {
        return None;
    }
    let info = &em[sep + 1..];
    let prefix: &[u8] = match digest {
        Digest::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        Digest::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        Digest::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        _ => return None,
    };
    let h = info.strip_prefix(prefix)?;
    (h.len() == digest.len()).then(|| h.to_vec())
}
