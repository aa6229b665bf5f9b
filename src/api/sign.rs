//! `POST /v1/sign/prepare` and `/v1/sign/finish`: two-phase signing for a
//! signer whose key stays on their own device. (`POST /v1/sign` with a
//! server-held key arrives with the key store.)

use super::AppState;
use super::auth::Caller;
use super::json::{ApiJson, b64, pem_or_b64};
use super::problem::ApiError;
use crate::envelope::twophase::{self, Prepared, TwoPhaseError};
use crate::store::audit::AuditEntry;
use crate::verdict::problem::ProblemCode;
use axum::extract::State;
use axum::{Extension, Json};
use base64::Engine;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Phase one request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepareBody {
    /// The data to sign, base64.
    pub data: String,
    /// The signer's certificate, base64 DER or PEM.
    pub certificate: String,
    /// The rest of the chain, base64 DER.
    pub chain: Option<Vec<String>>,
    /// Keep the data inside the envelope.
    pub attached: Option<bool>,
}

/// Phase two request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinishBody {
    /// The prepared request exactly as phase one returned it.
    #[schema(value_type = Object)]
    pub prepared: Prepared,
    /// The raw signature value over `data_to_sign`, base64.
    pub signature_value: String,
    /// Output format of `signature`: always base64 of DER here.
    pub format: Option<String>,
}

fn refused(e: TwoPhaseError) -> ApiError {
    let mut err = ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string());
    err.extra = Some(serde_json::json!({ "sign_code": e.code() }));
    err
}

/// Phase one: the bytes the signer's device must sign.
#[utoipa::path(post, path = "/v1/sign/prepare", request_body = PrepareBody,
    responses((status = 200, description = "The prepared request (data_to_sign, digest, digest_algorithm, ...)", body = Object)), security(("bearer" = [])))]
pub async fn prepare(
    State(state): State<Arc<AppState>>,
    ApiJson(body): ApiJson<PrepareBody>,
) -> Result<Json<Prepared>, ApiError> {
    let data = b64("data", &body.data)?;
    let cert_bytes = pem_or_b64("certificate", &body.certificate)?;
    let cert = crate::input::decode_der(&cert_bytes, &["CERTIFICATE"]).map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("certificate: {e}"),
        )
    })?;
    let chain = body
        .chain
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, c)| b64(&format!("chain[{i}]"), c))
        .collect::<Result<Vec<_>, _>>()?;
    let p = twophase::prepare(
        &data,
        body.attached.unwrap_or(false),
        &cert,
        &chain,
        crate::time::now(),
        twophase::DEFAULT_TTL,
        &state.prepare_secret,
    )
    .map_err(refused)?;
    Ok(Json(p))
}

/// Phase two: checks the signature value and returns the envelope (base64 DER).
#[utoipa::path(post, path = "/v1/sign/finish", request_body = FinishBody,
    responses((status = 200, description = "{ signature: base64 CMS }", body = Object)), security(("bearer" = [])))]
pub async fn finish(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    ApiJson(body): ApiJson<FinishBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let value = b64("signature_value", &body.signature_value)?;
    let env = twophase::finish(
        &body.prepared,
        &value,
        crate::time::now(),
        &state.prepare_secret,
    )
    .map_err(refused)?;
    let cert = base64::engine::general_purpose::STANDARD
        .decode(&body.prepared.certificate)
        .unwrap_or_default();
    let serial = crate::pki::cert::Certificate::from_der(&cert)
        .map(|c| c.serial_hex())
        .unwrap_or_default();
    metrics::counter!("qoltanba_signatures_total", "kind" => "two_phase").increment(1);
    state
        .audit
        .record(AuditEntry {
            at: crate::time::now(),
            key_id: caller.0.id.clone(),
            role: caller.0.role.as_str().to_string(),
            operation: "sign.finish".into(),
            data_sha256: body.prepared.content_sha256.clone(),
            signer_serial: serial,
            result_code: "OK".into(),
        })
        .await?;
    Ok(Json(
        serde_json::json!({ "signature": base64::engine::general_purpose::STANDARD.encode(env) }),
    ))
}
