//! `POST /v1/certificates/info` and `/v1/certificates/verify`, as the CLI.

use super::audit_entry;
use super::auth::Ctx;
use super::json::ApiJson;
use super::problem::{ApiError, problem_response};
use super::verify::{at_or_now, extras};
use crate::pki::cert::Certificate;
use crate::pki::{self, Policy, Usage};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

/// A certificate to describe.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InfoBody {
    /// The certificate, base64 DER (or PEM text).
    pub certificate: String,
}

/// A certificate to validate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertVerifyBody {
    /// The certificate, base64 DER (or PEM text).
    pub certificate: String,
    /// Required usage: sign (default), auth, any.
    #[schema(value_type = Option<String>)]
    pub usage: Option<Usage>,
    /// Validation time, RFC 3339.
    pub at: Option<String>,
    /// Extra untrusted certificates, base64 DER.
    pub certs: Option<Vec<String>>,
    /// Extra CRLs, base64 DER.
    pub crls: Option<Vec<String>>,
    /// Skip revocation checking.
    pub no_revocation: Option<bool>,
    /// Which sources decide revocation: crl, ocsp, both, any.
    #[schema(value_type = Option<String>)]
    pub revocation: Option<crate::pki::RevocationMode>,
    /// OCSP responder URL, instead of the certificate's own.
    pub ocsp_url: Option<String>,
    /// The revocation policy for this request (e.g. `fallback`), instead of
    /// the service's.
    pub revocation_policy: Option<String>,
}

fn cert_bytes(field: &str, v: &str) -> Result<Vec<u8>, ApiError> {
    super::json::pem_or_b64(field, v)
}

/// Describes a certificate: names, IIN/BIN, profile, roles, policies, URLs.
#[utoipa::path(post, path = "/v1/certificates/info", request_body = InfoBody,
    responses((status = 200, description = "Certificate facts", body = Object), (status = 422, description = "Not a certificate (CERT_MALFORMED)")),
    security(("bearer" = [])))]
pub async fn info(ApiJson(body): ApiJson<InfoBody>) -> Result<Response, ApiError> {
    let bytes = cert_bytes("certificate", &body.certificate)?;
    let parsed = crate::input::decode_der(&bytes, &["CERTIFICATE", "TRUSTED CERTIFICATE"])
        .map_err(|e| e.to_string())
        .and_then(|der| Certificate::from_der(&der).map_err(|e| e.to_string()));
    Ok(match parsed {
        Ok(c) => Json(pki::describe(&c).as_ref().clone()).into_response(),
        Err(e) => {
            let m = crate::verdict::Code::CertMalformed.message();
            let body = serde_json::json!({
                "type": "urn:qoltanba:problem:cert-malformed",
                "title": m.en,
                "status": 422,
                "code": "CERT_MALFORMED",
                "detail": e,
                "message": m,
            });
            problem_response(StatusCode::UNPROCESSABLE_ENTITY, body)
        }
    })
}

/// Validates a certificate (chain, validity, revocation, key usage).
#[utoipa::path(post, path = "/v1/certificates/verify", request_body = CertVerifyBody,
    responses((status = 200, description = "The verdict", body = Object)), security(("bearer" = [])))]
pub async fn verify(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<CertVerifyBody>,
) -> Result<super::json::JsonBody, ApiError> {
    let bytes = cert_bytes("certificate", &body.certificate)?;
    let at = at_or_now(body.at.as_deref())?;
    let (extra, crls) = extras(&state, body.certs.as_deref(), body.crls.as_deref())?;
    let policy = Policy {
        usage: body.usage.unwrap_or(Usage::Sign),
        no_revocation: body.no_revocation.unwrap_or(false),
        iin: None,
        ..Default::default()
    };
    // The request's or the service's revocation policy, as for envelopes.
    let policy = super::verify::revocation_policy(
        &state,
        policy,
        body.revocation,
        body.ocsp_url.clone(),
        body.revocation_policy.as_deref(),
    )?;
    let trust = state.trust();
    let verdict = if policy.ocsp.is_some() {
        // OCSP goes over the network: off the async workers.
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || {
            pki::verify_certificate(&bytes, &trust, &extra, &crls, at, &policy)
        })
        .await
        .map_err(|_| {
            ApiError::new(
                crate::verdict::problem::ProblemCode::Internal,
                "verification task failed",
            )
        })?
    } else {
        pki::verify_certificate(&bytes, &trust, &extra, &crls, at, &policy)
    };
    metrics::counter!("qoltanba_verdicts_total", "operation" => "certificates.verify", "code" => verdict.code.as_str()).increment(1);
    let hash = crate::pki::cert::hex(&crate::pki::cert::sha256(&bytes));
    super::audited_verdict(
        &state,
        audit_entry(&caller, "certificates.verify", hash, &verdict),
        &verdict,
    )
    .await
}
