//! An OCSP responder for tests and the demo PKI (RFC 6960): reads an
//! OCSPRequest, answers each CertID from a status table, and signs the
//! BasicOCSPResponse with any `Signer` (GOST included), as the issuing CA
//! itself or as a delegated responder whose certificate rides along.
//!
//! Owns encoding responses through `x509-ocsp`. Time comes in as a
//! parameter; nothing here listens on a socket (tests put it behind an
//! `OcspTransport` or a loopback server) and nothing here validates.

use super::crl::CrlSpec;
use crate::pki::encode::sig_alg_id;
use crate::pki::signer::Signer;
use const_oid::db::rfc6960::{ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE};
use der::asn1::{BitString, GeneralizedTime, OctetString};
use der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::CrlReason;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
    OcspResponseStatus, ResponderId, ResponseBytes, ResponseData, RevokedInfo, SingleResponse,
    Version,
};

/// What the responder says about one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// certStatus good.
    Good,
    /// certStatus revoked, at a time, with a CRLReason code.
    Revoked {
        /// revocationTime, Unix seconds.
        at: i64,
        /// CRLReason code, if any.
        reason: Option<u8>,
    },
    /// certStatus unknown.
    Unknown,
}

impl Status {
    /// The status a CRL gives a serial (content octets): revoked when listed, else good.
    pub fn from_crl(crl: &CrlSpec, serial: &[u8]) -> Status {
        let strip = |b: &[u8]| crate::pki::cert::strip_zeros(b);
        crl.entries
            .iter()
            .find(|(s, _, _)| strip(s) == strip(serial))
            .map(|(_, at, reason)| Status::Revoked {
                at: *at,
                reason: *reason,
            })
            .unwrap_or(Status::Good)
    }
}

/// The nonce a response carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Nonce {
    /// The request's nonce extension, echoed (what responders do).
    #[default]
    Echo,
    /// No nonce (a pre-produced response).
    Omit,
    /// Another nonce (a replayed or mixed-up response).
    Other(Vec<u8>),
}

/// The times and nonce of a response.
#[derive(Debug, Clone, Default)]
pub struct Times {
    /// producedAt, Unix seconds.
    pub produced_at: i64,
    /// thisUpdate of every SingleResponse.
    pub this_update: i64,
    /// nextUpdate of every SingleResponse.
    pub next_update: Option<i64>,
    /// The nonce.
    pub nonce: Nonce,
}

impl Times {
    /// A fresh answer at `now`: produced then, this update an hour before,
    /// next update a day after, the request's nonce echoed.
    pub fn fresh(now: i64) -> Times {
        Times {
            produced_at: now,
            this_update: now - 3600,
            next_update: Some(now + 86_400),
            nonce: Nonce::Echo,
        }
    }
}

/// Who signs: the key, its certificate, and whether that certificate rides
/// along (a delegated responder's must; the CA's need not).
pub struct Responder<'a> {
    /// The key.
    pub signer: &'a dyn Signer,
    /// The signer's certificate (DER): its subject is the responderID.
    pub cert: &'a [u8],
    /// Whether to put `cert` in the response.
    pub include_cert: bool,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn time(t: i64) -> Result<OcspGeneralizedTime, String> {
    GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(t.max(0) as u64))
        .map(OcspGeneralizedTime)
        .map_err(err)
}

fn reason(code: u8) -> Option<CrlReason> {
    Some(match code {
        0 => CrlReason::Unspecified,
        1 => CrlReason::KeyCompromise,
        2 => CrlReason::CaCompromise,
        3 => CrlReason::AffiliationChanged,
        4 => CrlReason::Superseded,
        5 => CrlReason::CessationOfOperation,
        6 => CrlReason::CertificateHold,
        8 => CrlReason::RemoveFromCRL,
        9 => CrlReason::PrivilegeWithdrawn,
        10 => CrlReason::AaCompromise,
        _ => return None,
    })
}

fn nonce_ext(value: &[u8]) -> Result<Extension, String> {
    let inner = OctetString::new(value)
        .map_err(err)?
        .to_der()
        .map_err(err)?;
    Ok(Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(inner).map_err(err)?,
    })
}

/// A signed, successful OCSPResponse answering `ids` with `status`; `echo`
/// is the request's nonce extension, if it had one.
pub fn response(
    ids: &[CertId],
    status: &dyn Fn(&CertId) -> Status,
    responder: &Responder<'_>,
    times: &Times,
    echo: Option<&Extension>,
) -> Result<Vec<u8>, String> {
    let cert = x509_cert::Certificate::from_der(responder.cert).map_err(err)?;
    let mut responses = Vec::with_capacity(ids.len());
    for id in ids {
        let cert_status = match status(id) {
            Status::Good => CertStatus::good(),
            Status::Unknown => CertStatus::unknown(),
            Status::Revoked { at, reason: r } => CertStatus::Revoked(RevokedInfo {
                revocation_time: time(at)?,
                revocation_reason: r.and_then(reason),
            }),
        };
        responses.push(SingleResponse {
            cert_id: id.clone(),
            cert_status,
            this_update: time(times.this_update)?,
            next_update: times.next_update.map(time).transpose()?,
            single_extensions: None,
        });
    }
    let nonce = match &times.nonce {
        Nonce::Echo => echo.cloned(),
        Nonce::Omit => None,
        Nonce::Other(n) => Some(nonce_ext(n)?),
    };
    let data = ResponseData {
        version: Version::V1,
        responder_id: ResponderId::ByName(cert.tbs_certificate.subject.clone()),
        produced_at: time(times.produced_at)?,
        responses,
        response_extensions: nonce.map(|n| vec![n]),
    };
    let tbs = data.to_der().map_err(err)?;
    let signature = responder.signer.sign(&tbs).map_err(err)?;
    let basic = BasicOcspResponse {
        tbs_response_data: data,
        signature_algorithm: sig_alg_id(responder.signer.scheme()).map_err(err)?,
        signature: BitString::from_bytes(&signature).map_err(err)?,
        certs: responder.include_cert.then(|| vec![cert]),
    };
    OcspResponse {
        response_status: OcspResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: ID_PKIX_OCSP_BASIC,
            response: OctetString::new(basic.to_der().map_err(err)?).map_err(err)?,
        }),
    }
    .to_der()
    .map_err(err)
}

/// An unsuccessful OCSPResponse (e.g. `TryLater`): a status and nothing else.
pub fn refusal(status: OcspResponseStatus) -> Result<Vec<u8>, String> {
    OcspResponse {
        response_status: status,
        response_bytes: None,
    }
    .to_der()
    .map_err(err)
}

/// Answers the DER OCSPRequest `request`: every CertID it asks about, its
/// nonce echoed unless `times` says otherwise. A request that does not parse
/// gets `malformedRequest`.
pub fn respond(
    request: &[u8],
    status: &dyn Fn(&CertId) -> Status,
    responder: &Responder<'_>,
    times: &Times,
) -> Result<Vec<u8>, String> {
    let Ok(req) = OcspRequest::from_der(request) else {
        return refusal(OcspResponseStatus::MalformedRequest);
    };
    let ids: Vec<CertId> = req
        .tbs_request
        .request_list
        .iter()
        .map(|r| r.req_cert.clone())
        .collect();
    let echo = req
        .tbs_request
        .request_extensions
        .as_ref()
        .and_then(|e| e.iter().find(|x| x.extn_id == ID_PKIX_OCSP_NONCE));
    response(&ids, status, responder, times, echo)
}
