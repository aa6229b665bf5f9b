//! Signature primitives: one public key, one message, one signature value,
//! one algorithm, judged through `pki::algorithms`'s single entry point
//! (key parsing and key policy included). The built-in Wycheproof suite and
//! manifest vectors of kind `primitive` (the GOST vectors under
//! `testdata/gost/primitives`) both come here.
//!
//! Owns the outcome of a primitive: `OK`; `SIGNATURE_INVALID` (the equation
//! does not hold, or r or s out of range); `ALGORITHM_UNSUPPORTED` (a key
//! or scheme refused by policy, or a scheme that does not fit the key);
//! `CERT_MALFORMED` (a key that cannot be what its algorithm says, e.g. a
//! GOST point off its curve).

use crate::pki::algorithms::{self, AlgError, Digest, PublicKey, Scheme, VerifyError};
use crate::verdict::{Check, Code, Verdict};
use serde_json::json;
use std::path::Path;

/// What a primitive came to, and which step decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The outcome's code.
    pub code: Code,
    /// `key` (SPKI parsing and key policy), `scheme` or `signature`.
    pub decided_by: &'static str,
    /// The refusal, when not verified.
    pub detail: Option<String>,
}

/// Judges `sig` over `msg` under `scheme` with the SubjectPublicKeyInfo `spki`.
pub fn judge(spki: &[u8], scheme: Result<Scheme, AlgError>, msg: &[u8], sig: &[u8]) -> Judgement {
    let refused = |decided_by, e: AlgError| Judgement {
        code: match e {
            AlgError::Malformed(_) if decided_by == "key" => Code::CertMalformed,
            _ => Code::AlgorithmUnsupported,
        },
        decided_by,
        detail: Some(e.to_string()),
    };
    let key = match PublicKey::from_spki_der(spki) {
        Ok(k) => k,
        Err(e) => return refused("key", e),
    };
    let scheme = match scheme {
        Ok(s) => s,
        Err(e) => return refused("scheme", e),
    };
    match algorithms::verify(scheme, &key, msg, sig) {
        Ok(()) => Judgement {
            code: Code::Ok,
            decided_by: "signature",
            detail: None,
        },
        Err(VerifyError::Invalid) => Judgement {
            code: Code::SignatureInvalid,
            decided_by: "signature",
            detail: None,
        },
        Err(VerifyError::Algorithm(e)) => refused("signature", e),
    }
}

/// The scheme named by a signature algorithm OID (parameters NULL, as the
/// national CA writes GOST OIDs) and, for OIDs that name no hash, a digest OID.
pub fn scheme(
    signature_algorithm: &str,
    digest_algorithm: Option<&str>,
) -> Result<Scheme, AlgError> {
    let oid = |s: &str| {
        der::asn1::ObjectIdentifier::new(s)
            .map_err(|e| AlgError::Malformed(format!("algorithm {s}: {e}")))
    };
    let digest = digest_algorithm
        .map(|d| oid(d).and_then(|o| Digest::from_oid(&o)))
        .transpose()?;
    let alg = spki::AlgorithmIdentifierOwned {
        oid: oid(signature_algorithm)?,
        parameters: Some(der::asn1::Any::from(der::asn1::Null)),
    };
    algorithms::scheme_for(&alg, digest)
}

/// A primitive as a verdict: the `algorithms` check (key and scheme) and the
/// `signature` check.
pub fn verdict(j: &Judgement, scheme: Option<Scheme>, at: i64) -> Verdict {
    let detail = json!({ "scheme": scheme.map(|s| s.name()), "problem": j.detail });
    let checks = match (j.code, j.decided_by) {
        (Code::Ok, _) => vec![
            Check::passed("algorithms", detail.clone()),
            Check::passed("signature", detail),
        ],
        (code, "key" | "scheme") => vec![
            Check::failed("algorithms", code, detail),
            Check::skipped("signature", "the key or scheme was refused"),
        ],
        (code, _) => vec![
            Check::passed("algorithms", json!({ "scheme": scheme.map(|s| s.name()) })),
            Check::failed("signature", code, detail),
        ],
    };
    Verdict::new(checks, at, json!({ "name": "primitive" }), None, None)
}

/// A `primitive` vector: `key` (SPKI or certificate), `data` (the message),
/// `input` (the signature value, raw bytes), `signature_algorithm` and
/// optionally `digest_algorithm`.
pub(super) fn vector(
    dir: &Path,
    v: &super::Vector,
    at: i64,
    root: Option<&Path>,
) -> Result<crate::verdict::Verdict, String> {
    let read = |dir: &Path, rel: &str| super::run::read_in(dir, rel, root);
    let need = |f: &Option<String>, what: &str| {
        f.clone()
            .ok_or_else(|| format!("a primitive vector needs `{what}`"))
    };
    let key_file = need(&v.key, "key")?;
    let alg = need(&v.signature_algorithm, "signature_algorithm")?;
    let msg = read(dir, &need(&v.data, "data")?)?;
    let sig = read(dir, &v.input)?;
    let key_bytes = read(dir, &key_file)?;
    let der = crate::input::decode_all(&key_bytes, &["PUBLIC KEY", "CERTIFICATE"])
        .map_err(|e| format!("{key_file}: {e}"))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{key_file}: no key"))?;
    // A certificate gives its SubjectPublicKeyInfo; anything else is one.
    let spki = match <x509_cert::Certificate as der::Decode>::from_der(&der) {
        Ok(c) => der::Encode::to_der(&c.tbs_certificate.subject_public_key_info)
            .map_err(|e| format!("{key_file}: {e}"))?,
        Err(_) => der,
    };
    let scheme = scheme(&alg, v.digest_algorithm.as_deref());
    let j = judge(&spki, scheme.clone(), &msg, &sig);
    Ok(verdict(&j, scheme.ok(), at))
}
