//! `POST /v1/certificates/info` and `/v1/certificates/verify`, as the CLI.

use super::audit_entry;
use super::auth::Ctx;
use super::json::ApiJson;
use super::problem::{ApiError, problem_response};
use super::validation::{ValidationOptions, off_workers_if};
use crate::pki::cert::Certificate;
use crate::pki::{self, Usage};
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
    /// How to validate: time, extra material, revocation.
    #[serde(flatten)]
    pub options: ValidationOptions,
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
    let v = body
        .options
        .read(&state, body.usage.unwrap_or(Usage::Sign), None)?;
    let trust = state.trust();
    let hash = crate::pki::cert::hex(&crate::pki::cert::sha256(&bytes));
    let verdict = off_workers_if(v.policy.ocsp.is_some(), move || {
        pki::verify_certificate(&bytes, &trust, &v.extra, &v.crls, v.at, &v.policy)
    })
    .await?;
    metrics::counter!("qoltanba_verdicts_total", "operation" => "certificates.verify", "code" => verdict.code.as_str()).increment(1);
    super::audited_verdict(
        &state,
        audit_entry(&caller, "certificates.verify", hash, &verdict),
        &verdict,
    )
    .await
}
