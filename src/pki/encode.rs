//! What `pki` writes into DER structures that others sign: the
//! AlgorithmIdentifier of a signature scheme and of a digest (as Kalkan
//! writes the GOST ones) and X.509 times. CMS building (`pkcs7::build`),
//! the demo PKI's certificates, CRLs and OCSP responses all use these.

use super::algorithms::{Digest, Scheme, oid};
use der::asn1::Any;
use spki::AlgorithmIdentifierOwned;

/// An encoding that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "encoding: {}", self.0)
    }
}

impl std::error::Error for EncodeError {}

fn enc(e: impl std::fmt::Display) -> EncodeError {
    EncodeError(e.to_string())
}

/// The AlgorithmIdentifier a scheme is written with.
pub fn sig_alg_id(s: Scheme) -> Result<AlgorithmIdentifierOwned, EncodeError> {
    let null = Some(Any::from(der::asn1::Null));
    Ok(match s {
        Scheme::RsaPkcs1(_) | Scheme::Gost(_) => AlgorithmIdentifierOwned {
            // GOST OIDs are written with NULL parameters, as Kalkan writes them.
            oid: s
                .signature_oid()
                .ok_or_else(|| EncodeError(format!("no signature algorithm for {}", s.name())))?,
            parameters: null,
        },
        Scheme::Ecdsa(_) => AlgorithmIdentifierOwned {
            oid: s
                .signature_oid()
                .ok_or_else(|| EncodeError(format!("no signature algorithm for {}", s.name())))?,
            parameters: None,
        },
        Scheme::RsaPss { digest, salt_len } => {
            let h = digest_alg_id(digest);
            let mgf = AlgorithmIdentifierOwned {
                oid: oid::MGF1,
                parameters: Some(Any::encode_from(&h).map_err(enc)?),
            };
            let params = PssParamsOut {
                hash: h,
                mgf,
                salt_len: salt_len as u32,
            };
            AlgorithmIdentifierOwned {
                oid: oid::RSA_PSS,
                parameters: Some(Any::encode_from(&params).map_err(enc)?),
            }
        }
    })
}

#[derive(der::Sequence)]
struct PssParamsOut {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    hash: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT")]
    mgf: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT")]
    salt_len: u32,
}

/// A digest's AlgorithmIdentifier (parameters absent, as RFC 5754 prefers).
pub fn digest_alg_id(d: Digest) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: d.oid(),
        // Kalkan writes its GOST digest OIDs with NULL parameters.
        parameters: d.is_gost().then(|| Any::from(der::asn1::Null)),
    }
}

/// The time as UTCTime before 2050 and GeneralizedTime after (RFC 5280).
pub fn x509_time(t: i64) -> Result<x509_cert::time::Time, EncodeError> {
    let d = std::time::Duration::from_secs(t.max(0) as u64);
    if t < 2_524_608_000 {
        Ok(x509_cert::time::Time::UtcTime(
            der::asn1::UtcTime::from_unix_duration(d).map_err(enc)?,
        ))
    } else {
        Ok(x509_cert::time::Time::GeneralTime(
            der::asn1::GeneralizedTime::from_unix_duration(d).map_err(enc)?,
        ))
    }
}
