//! The acceptance rules for one OCSP response: who signed it, for which
//! certificate, with which nonce, and what it says.
//!
//! Owns every check that does not depend on the validation time (those are
//! `Answer::check_time`), for answers to our requests and for responses
//! stored with a document. Signatures go through `algorithms::verify` only.

use super::message::{self, BasicResponse, OcspResponseStatus};
use super::{Answer, CertState, NonceCheck, OcspError};
use crate::pki::algorithms;
use crate::pki::cert::{Certificate, hex, names_match};
use crate::pki::crl::REASON_NONE;
use crate::pki::path::verify_edge;
use der::Encode;
use serde_json::json;
use x509_ocsp::{CertId, CertStatus, OcspGeneralizedTime, ResponderId};

/// id-kp-OCSPSigning.
pub const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
/// id-pkix-ocsp-nocheck.
const OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";

fn unix(t: &OcspGeneralizedTime) -> i64 {
    t.0.to_unix_duration().as_secs() as i64
}

/// How a response reached us, which decides how a replay is ruled out.
#[derive(Clone, Copy)]
enum Asked<'a> {
    /// An answer to our request, which carried this nonce.
    Nonce(&'a [u8]),
    /// Validation data carried with a document (a PDF's DSS): nobody asked.
    Stored,
}

/// Checks a response to our request for `id` (of a certificate issued by
/// `issuer`) that carried `nonce`; returns the believed answer.
pub fn verify_response(
    bytes: &[u8],
    id: &CertId,
    issuer: &Certificate,
    nonce: &[u8],
    url: &str,
) -> Result<Answer, OcspError> {
    check(bytes, id, issuer, Asked::Nonce(nonce), url)
}

/// Checks a response carried with a document (a PDF's DSS, named by
/// `source`) as evidence for `id`: the same rules, except that no nonce of
/// ours can be in it, so it must have a nextUpdate to bound its use. A
/// response about other certificates (or not successful) is
/// `NoMatchingResponse`, so a collection can be searched.
pub fn verify_stored(
    bytes: &[u8],
    id: &CertId,
    issuer: &Certificate,
    source: &str,
) -> Result<Answer, OcspError> {
    // Find the certificate before judging the signer: a DSS holds responses
    // from several CAs, and only this one's may be held to this issuer.
    let about_it = matches!(
        message::parse_response(bytes)?,
        (OcspResponseStatus::Successful, Some(b))
            if b.data.responses.iter().any(|r| message::names_certificate(&r.cert_id, id, issuer))
    );
    if !about_it {
        return Err(OcspError::NoMatchingResponse);
    }
    check(bytes, id, issuer, Asked::Stored, source)
}

fn check(
    bytes: &[u8],
    id: &CertId,
    issuer: &Certificate,
    asked: Asked<'_>,
    url: &str,
) -> Result<Answer, OcspError> {
    let (status, basic) = message::parse_response(bytes)?;
    if status != OcspResponseStatus::Successful {
        return Err(OcspError::ResponderStatus(message::status_name(status)));
    }
    let basic = basic
        .ok_or_else(|| OcspError::Malformed("successful response without responseBytes".into()))?;
    let data = &basic.data;
    let produced_at = unix(&data.produced_at);
    let (signer, responder) = authorised_signer(&basic, issuer, produced_at)?;
    let key = signer
        .cert
        .key
        .as_ref()
        .map_err(|e| OcspError::BadSignature(e.to_string()))?;
    let scheme = algorithms::scheme_for(&basic.sig_alg, None)
        .map_err(|e| OcspError::BadSignature(e.to_string()))?;
    algorithms::verify(scheme, key, &basic.tbs, &basic.signature)
        .map_err(|e| OcspError::BadSignature(e.to_string()))?;

    // Only now, with the signature good, do the contents mean anything.
    if let Some(oid) = message::unknown_critical(data.response_extensions.as_ref()) {
        return Err(OcspError::UnknownCritical(oid));
    }
    let single = data
        .responses
        .iter()
        .find(|r| message::names_certificate(&r.cert_id, id, issuer))
        .ok_or(OcspError::NoMatchingResponse)?;
    if let Some(oid) = message::unknown_critical(single.single_extensions.as_ref()) {
        return Err(OcspError::UnknownCritical(oid));
    }
    let this_update = unix(&single.this_update);
    let next_update = single.next_update.as_ref().map(unix);
    if next_update.is_some_and(|n| n < this_update) {
        return Err(OcspError::Malformed(
            "nextUpdate is before thisUpdate".into(),
        ));
    }
    let nonce_check = match (asked, message::nonce_of(data.response_extensions.as_ref())?) {
        (Asked::Nonce(ours), Some(n)) if n == ours => NonceCheck::Matched,
        (Asked::Nonce(_), Some(_)) => return Err(OcspError::NonceMismatch),
        (Asked::Stored, _) if next_update.is_some() => NonceCheck::Stored,
        (Asked::Nonce(_), None) if next_update.is_some() => NonceCheck::AbsentPreProduced,
        _ => return Err(OcspError::NonceMissing),
    };
    let state = match &single.cert_status {
        CertStatus::Good(_) => CertState::Good,
        CertStatus::Revoked(info) => CertState::Revoked {
            at: unix(&info.revocation_time),
            reason: info
                .revocation_reason
                .map(|r| r as u8)
                .unwrap_or(REASON_NONE),
        },
        CertStatus::Unknown(_) => return Err(OcspError::UnknownCertificate),
    };
    Ok(Answer {
        state,
        produced_at,
        this_update,
        next_update,
        responder,
        signer: signer.describe,
        nonce: nonce_check,
        url: url.to_string(),
        cached: false,
    })
}

struct Signer<'a> {
    cert: std::borrow::Cow<'a, Certificate>,
    describe: serde_json::Value,
}

/// Whether a responderID names `c` (by name, or by the SHA-1 of its key).
fn names(rid: &ResponderId, c: &Certificate) -> bool {
    match rid {
        ResponderId::ByName(n) => n.to_der().is_ok_and(|d| names_match(&d, &c.subject_raw)),
        ResponderId::ByKey(h) => message::key_hash(c).is_ok_and(|k| k == h.as_bytes()),
    }
}

/// RFC 6960 4.2.2.2: the CA itself, or a certificate in the response issued
/// directly by the CA, with id-kp-OCSPSigning, valid at producedAt.
fn authorised_signer<'a>(
    basic: &BasicResponse,
    issuer: &'a Certificate,
    produced_at: i64,
) -> Result<(Signer<'a>, serde_json::Value), OcspError> {
    let rid = &basic.data.responder_id;
    let responder = match rid {
        ResponderId::ByName(n) => json!({ "by_name": n.to_string() }),
        ResponderId::ByKey(h) => json!({ "by_key": hex(h.as_bytes()) }),
    };
    if names(rid, issuer) {
        let describe = json!({ "kind": "issuing CA", "certificate": issuer.label() });
        return Ok((
            Signer {
                cert: std::borrow::Cow::Borrowed(issuer),
                describe,
            },
            responder,
        ));
    }
    let mut why = format!(
        "the responder {responder} is not the issuing CA and its certificate is not in the response"
    );
    for der in &basic.certs {
        let Ok(c) = Certificate::from_der(der) else {
            continue;
        };
        if !names(rid, &c) {
            continue;
        }
        let problem = if !c.named_issuer_is(issuer) || verify_edge(&c, issuer).is_err() {
            Some("is not issued by the certificate's CA")
        } else if !c.has_eku(OCSP_SIGNING) {
            Some("lacks extendedKeyUsage id-kp-OCSPSigning")
        } else if c.key_usage.is_some_and(|k| !k.digital_signature()) {
            Some("has a keyUsage without digitalSignature")
        } else if produced_at < c.not_before || produced_at > c.not_after {
            Some("is not valid at producedAt")
        } else {
            None
        };
        match problem {
            Some(p) => {
                why = format!(
                    "the responder certificate {} (serial {}) {p}",
                    c.subject.dn,
                    c.serial_hex()
                )
            }
            None => {
                let nocheck = has_nocheck(der);
                let describe = json!({
                    "kind": "delegated responder",
                    "certificate": c.label(),
                    "ocsp_nocheck": nocheck,
                });
                return Ok((
                    Signer {
                        cert: std::borrow::Cow::Owned(c),
                        describe,
                    },
                    responder,
                ));
            }
        }
    }
    Err(OcspError::UnauthorizedSigner(why))
}

/// Whether a certificate carries id-pkix-ocsp-nocheck (reported, not required).
fn has_nocheck(der: &[u8]) -> bool {
    use x509_parser::prelude::*;
    X509Certificate::from_der(der).is_ok_and(|(_, x)| {
        x.extensions()
            .iter()
            .any(|e| e.oid.to_id_string() == OCSP_NOCHECK)
    })
}
