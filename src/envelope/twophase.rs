//! Two-phase signing: the signer's key never reaches the server.
//!
//! Modelled on EU DSS `getDataToSign` / `signDocument`: `prepare` builds the
//! CAdES signed attributes for the data and certificate and returns the bytes
//! the signer's device must sign; `finish` takes the raw signature value and
//! assembles the envelope. A prepared request is bound (by an HMAC under a
//! local secret) to the certificate, the data and an expiry; a signature
//! value that does not verify with the certificate's key is refused.

use super::build::{self, BuildError};
use super::client::{self, ClientCmsError};
use super::verify::{Prehashed, VerifyRequest};
use crate::pki::algorithms::{self, Digest, KeyKind, PublicKey, Scheme};
use crate::pki::cert::Certificate;
use crate::pki::{Policy, TrustStore};
use crate::verdict::{Code, Verdict};
use base64::Engine;
use serde::{Deserialize, Serialize};

/// How long a prepared request stays valid by default.
pub const DEFAULT_TTL: i64 = 15 * 60;

/// Why a two-phase step failed (each with a stable code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwoPhaseError {
    /// The certificate does not parse or its key is refused.
    #[error("certificate: {0}")]
    Certificate(String),
    /// The prepared request does not parse, or its MAC does not match.
    #[error("the prepared request is not valid: {0}")]
    PreparedInvalid(String),
    /// The prepared request is past its expiry.
    #[error("the prepared request expired at {0}")]
    Expired(String),
    /// The signature value does not verify with the certificate's key.
    #[error("the signature value does not match the certificate's key over the prepared data")]
    SignatureValueInvalid,
    /// Encoding failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The client's CMS is not the prepared signature.
    #[error(transparent)]
    Cms(#[from] ClientCmsError),
    /// The client's CMS does not pass condition 2 (its verdict's code and summary).
    #[error("the CMS does not verify: {summary}")]
    CmsRejected {
        /// The verdict's code.
        code: &'static str,
        /// The verdict's one-line summary.
        summary: String,
    },
}

impl TwoPhaseError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            TwoPhaseError::Certificate(_) => "SIGN_CERT_INVALID",
            TwoPhaseError::PreparedInvalid(_) => "PREPARED_INVALID",
            TwoPhaseError::Expired(_) => "PREPARED_EXPIRED",
            TwoPhaseError::SignatureValueInvalid => "SIGNATURE_VALUE_INVALID",
            TwoPhaseError::Build(_) => "SIGN_FAILED",
            TwoPhaseError::Cms(e) => e.code(),
            TwoPhaseError::CmsRejected { code, .. } => code,
        }
    }
}

/// The prepared request (`sign prepare` output, `sign finish` input).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Prepared {
    /// Format version.
    pub version: u32,
    /// Base64 DER of the signed attributes: what the signer's device signs.
    pub data_to_sign: String,
    /// Base64 hash of `data_to_sign` (for devices that sign a digest).
    pub digest: String,
    /// The digest the key signs with: `sha256` (RSA), `gost34.11-2015-512`
    /// (GOST 34.10-2015/512), `gost34311-95` (GOST 34.310-2004), ...
    pub digest_algorithm: String,
    /// The digest algorithm's OID, as a client's CMS names it.
    #[serde(default)]
    pub digest_algorithm_oid: String,
    /// Base64 hash of the data under `digest_algorithm`: what a client that
    /// makes its own CMS over a digest (NCALayer's `digested`, a token's
    /// hash signing) signs.
    #[serde(default)]
    pub content_digest: String,
    /// e.g. `RSA-PKCS1-SHA256`, `ECDSA-SHA256`.
    pub signature_algorithm: String,
    /// Base64 DER of the signer's certificate.
    pub certificate: String,
    /// Base64 DER of the rest of the chain.
    pub chain: Vec<String>,
    /// SHA-256 (hex) of the data being signed.
    pub content_sha256: String,
    /// Base64 of the data when the envelope is to carry it (attached).
    pub content: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// HMAC-SHA-256 (base64) over every field above, under the local secret.
    pub mac: String,
}

/// The scheme a certificate's key signs with here (SHA-256; ECDSA P-384 uses SHA-384).
pub fn scheme_for_key(key: &PublicKey) -> Scheme {
    match key.kind {
        KeyKind::Rsa { .. } => Scheme::RsaPkcs1(Digest::Sha256),
        KeyKind::Ec { bits: 384 } => Scheme::Ecdsa(Digest::Sha384),
        KeyKind::Ec { .. } => Scheme::Ecdsa(Digest::Sha256),
        KeyKind::Gost { .. } => Scheme::Gost(key.kind.default_digest()),
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn mac_input(p: &Prepared) -> Vec<u8> {
    let mut m = Vec::new();
    let fields: Vec<String> = vec![
        p.version.to_string(),
        p.data_to_sign.clone(),
        p.digest.clone(),
        p.digest_algorithm.clone(),
        p.digest_algorithm_oid.clone(),
        p.content_digest.clone(),
        p.signature_algorithm.clone(),
        p.certificate.clone(),
        p.chain.join(","),
        p.content_sha256.clone(),
        p.content.clone().unwrap_or_default(),
        p.created_at.to_string(),
        p.expires_at.to_string(),
    ];
    for f in fields {
        m.extend_from_slice(&(f.len() as u64).to_be_bytes());
        m.extend_from_slice(f.as_bytes());
    }
    m
}

fn mac(secret: &[u8], p: &Prepared) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    b64().encode(ring::hmac::sign(&key, &mac_input(p)).as_ref())
}

/// Phase one: the signed attributes for `content` and `cert`.
pub fn prepare(
    content: &[u8],
    attached: bool,
    cert_der: &[u8],
    chain: &[Vec<u8>],
    now: i64,
    ttl: i64,
    secret: &[u8],
) -> Result<Prepared, TwoPhaseError> {
    let cert =
        Certificate::from_der(cert_der).map_err(|e| TwoPhaseError::Certificate(e.to_string()))?;
    let key = cert
        .key
        .clone()
        .map_err(|e| TwoPhaseError::Certificate(e.to_string()))?;
    let scheme = scheme_for_key(&key);
    let d = scheme.digest();
    let attrs = build::cades_attributes(
        content,
        super::parse::OID_DATA,
        cert_der,
        d,
        Some(now),
        true,
    )?;
    let data_to_sign =
        der::Encode::to_der(&attrs).map_err(|e| BuildError::Encoding(e.to_string()))?;
    let mut p = Prepared {
        version: 2,
        data_to_sign: b64().encode(&data_to_sign),
        digest: b64().encode(d.hash(&data_to_sign)),
        digest_algorithm: d.name().to_string(),
        digest_algorithm_oid: d.oid().to_string(),
        content_digest: b64().encode(d.hash(content)),
        signature_algorithm: scheme.name(),
        certificate: b64().encode(cert_der),
        chain: chain.iter().map(|c| b64().encode(c)).collect(),
        content_sha256: crate::pki::cert::hex(&crate::pki::cert::sha256(content)),
        content: attached.then(|| b64().encode(content)),
        created_at: now,
        expires_at: now + ttl,
        mac: String::new(),
    };
    p.mac = mac(secret, &p);
    Ok(p)
}

/// Normalises an ECDSA value given as raw r‖s into DER.
pub fn ecdsa_der(bits: usize, value: &[u8]) -> Vec<u8> {
    if value.len() == 2 * bits / 8 {
        let der = match bits {
            256 => p256::ecdsa::Signature::from_slice(value)
                .map(|s| s.to_der().as_bytes().to_vec())
                .ok(),
            384 => p384::ecdsa::Signature::from_slice(value)
                .map(|s| s.to_der().as_bytes().to_vec())
                .ok(),
            _ => None,
        };
        if let Some(d) = der {
            return d;
        }
    }
    value.to_vec()
}

/// The prepared request was made here (its MAC) and has not expired.
pub fn check_prepared(p: &Prepared, now: i64, secret: &[u8]) -> Result<(), TwoPhaseError> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = b64()
        .decode(&p.mac)
        .map_err(|_| TwoPhaseError::PreparedInvalid("MAC is not base64".into()))?;
    if ring::hmac::verify(&key, &mac_input(p), &tag).is_err() {
        return Err(TwoPhaseError::PreparedInvalid(
            "MAC does not match (altered, or prepared elsewhere)".into(),
        ));
    }
    if now > p.expires_at {
        return Err(TwoPhaseError::Expired(crate::time::rfc3339(p.expires_at)));
    }
    Ok(())
}

/// A base64 field `f` of a prepared request, decoded.
fn dec(f: &str, v: &str) -> Result<Vec<u8>, TwoPhaseError> {
    b64()
        .decode(v)
        .map_err(|_| TwoPhaseError::PreparedInvalid(format!("{f} is not base64")))
}

/// Phase two: checks the prepared request and the signature value, then
/// assembles the envelope (DER). `content` is needed only for attached
/// envelopes whose prepared request does not carry it.
pub fn finish(
    p: &Prepared,
    signature_value: &[u8],
    now: i64,
    secret: &[u8],
) -> Result<Vec<u8>, TwoPhaseError> {
    check_prepared(p, now, secret)?;
    let cert_der = dec("certificate", &p.certificate)?;
    let data_to_sign = dec("data_to_sign", &p.data_to_sign)?;
    let chain: Vec<Vec<u8>> = p
        .chain
        .iter()
        .map(|c| dec("chain", c))
        .collect::<Result<_, _>>()?;
    let cert =
        Certificate::from_der(&cert_der).map_err(|e| TwoPhaseError::Certificate(e.to_string()))?;
    let key = cert
        .key
        .clone()
        .map_err(|e| TwoPhaseError::Certificate(e.to_string()))?;
    let scheme = scheme_for_key(&key);
    let value = match key.kind {
        KeyKind::Ec { bits } => ecdsa_der(bits, signature_value),
        KeyKind::Rsa { .. } | KeyKind::Gost { .. } => signature_value.to_vec(),
    };
    algorithms::verify(scheme, &key, &data_to_sign, &value)
        .map_err(|_| TwoPhaseError::SignatureValueInvalid)?;
    // The envelope carries exactly the prepared attributes and the given value.
    let attrs =
        <der::asn1::SetOfVec<x509_cert::attr::Attribute> as der::Decode>::from_der(&data_to_sign)
            .map_err(|e| TwoPhaseError::PreparedInvalid(format!("data_to_sign: {e}")))?;
    let content = match &p.content {
        Some(c) => {
            let c = dec("content", c)?;
            if crate::pki::cert::hex(&crate::pki::cert::sha256(&c)) != p.content_sha256 {
                return Err(TwoPhaseError::PreparedInvalid(
                    "content differs from content_sha256".into(),
                ));
            }
            c
        }
        None => Vec::new(),
    };
    let si = build::assemble(
        &cert_der,
        build::SidKind::IssuerSerial,
        scheme,
        Some(attrs),
        value,
    )?;
    let mut certs: Vec<&[u8]> = vec![&cert_der];
    certs.extend(chain.iter().map(Vec::as_slice));
    let mut sd = build::signed_data(&content, p.content.is_some(), &[], &certs)?;
    sd.digest_algorithms
        .insert(si.digest_alg.clone())
        .map_err(|e| BuildError::Encoding(e.to_string()))?;
    sd.signer_infos = cms::signed_data::SignerInfos(
        der::asn1::SetOfVec::try_from(vec![si]).map_err(|e| BuildError::Encoding(e.to_string()))?,
    );
    Ok(build::encode(&sd)?)
}

/// Phase two with a CMS the signer's own client made (NCALayer, eGov
/// mobile): over the prepared data, detached or attached with it, with or
/// without signed attributes, with or without a signature time-stamp.
/// Checks the prepared request, that the CMS is the prepared certificate's
/// over the prepared content, and condition 2 on it at `now`; returns the
/// CMS (DER) and its verdict. `data` is the content of a detached prepared
/// request, needed only when the client signed without signed attributes.
pub fn finish_cms(
    p: &Prepared,
    cms: &[u8],
    data: Option<&[u8]>,
    now: i64,
    secret: &[u8],
    store: &TrustStore,
    policy: Policy,
) -> Result<(Vec<u8>, Verdict), TwoPhaseError> {
    check_prepared(p, now, secret)?;
    let cert_der = dec("certificate", &p.certificate)?;
    let sha = |c: &[u8]| crate::pki::cert::hex(&crate::pki::cert::sha256(c));
    let content = match (&p.content, data) {
        (Some(c), _) => Some(dec("content", c)?),
        (None, Some(d)) if sha(d) == p.content_sha256 => Some(d.to_vec()),
        (None, Some(_)) => {
            return Err(TwoPhaseError::PreparedInvalid(
                "the data given differs from the prepared data (content_sha256)".into(),
            ));
        }
        (None, None) => None,
    };
    let got = client::read(cms, &cert_der)?;
    match (&content, &got.env.content) {
        (Some(c), _) => got.check_content(c)?,
        (None, Some(attached)) if sha(attached) != p.content_sha256 => {
            return Err(ClientCmsError::ContentMismatch.into());
        }
        _ => {}
    }
    let req = VerifyRequest {
        envelope: &got.env.der,
        data: content.as_deref(),
        at: now,
        policy,
        ..Default::default()
    };
    let verdict = if content.is_none() && got.env.content.is_none() {
        let mut digests = vec![(Digest::Sha256, hex_bytes(&p.content_sha256))];
        if let Ok(d) = dec("content_digest", &p.content_digest)
            && got.digest.oid().to_string() == p.digest_algorithm_oid
        {
            digests.push((got.digest, d));
        }
        super::verify::verify_prehashed(&req, store, &Prehashed { length: 0, digests })
    } else {
        super::verify::verify(&req, store)
    };
    if !verdict.passed() {
        return Err(rejected(&verdict));
    }
    Ok((got.env.der.clone(), verdict))
}

/// A failed verdict as a two-phase refusal: a wrong digest or signature is
/// today's `SIGNATURE_VALUE_INVALID`; anything else keeps the verdict's code.
pub fn rejected(verdict: &Verdict) -> TwoPhaseError {
    match verdict.code {
        Code::DigestMismatch | Code::SignatureInvalid => TwoPhaseError::SignatureValueInvalid,
        code => TwoPhaseError::CmsRejected {
            code: code.as_str(),
            summary: verdict.summary(),
        },
    }
}

fn hex_bytes(h: &str) -> Vec<u8> {
    (0..h.len() / 2)
        .filter_map(|i| h.get(2 * i..2 * i + 2))
        .filter_map(|b| u8::from_str_radix(b, 16).ok())
        .collect()
}

/// The local secret that binds prepared requests: `prepare.key` (32 random
/// bytes, 0600) in the data folder, created on first use.
pub fn local_secret(data_dir: &std::path::Path) -> Result<Vec<u8>, String> {
    let path = data_dir.join("prepare.key");
    if let Ok(b) = std::fs::read(&path)
        && b.len() == 32
    {
        return Ok(b);
    }
    use ring::rand::SecureRandom;
    let mut b = vec![0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| "no randomness".to_string())?;
    std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
    crate::files::write_private(&path, &b)?;
    Ok(b)
}
