//! Signing an application's decided document: the employee's signature on
//! the draft (where the service has a review stage), then the head's on the
//! result, with a server-held key; the same signature in two phases (the
//! key on the signer's own device) is `document_twophase`.
//!
//! The case itself (whose signature is due, whether the certificate may
//! give it, what is signed and how, keeping it only when it verifies) is
//! `workflow::sign`; this module adapts it to HTTP: the wrappers below are
//! what the two-phase and eGov QR handlers call.

use super::AppState;
use super::applications::app_json;
use super::auth::Caller;
use super::json::ApiJson;
use super::problem::ApiError;
use crate::pdf::sign::SignOptions;
use crate::pki::cert::Certificate;
use crate::pki::signer::Signer;
use crate::verdict::problem::ProblemCode;
use crate::workflow::sign;
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use utoipa::ToSchema;

pub(super) fn b64e(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub(super) fn field_invalid(sign_code: &str, detail: impl Into<String>) -> ApiError {
    let mut e = ApiError::new(ProblemCode::RequestFieldInvalid, detail);
    e.extra = Some(json!({ "sign_code": sign_code }));
    e
}

pub(super) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ProblemCode::Internal, e.to_string())
}

pub(super) use crate::workflow::sign::Signing;

/// Whose signature the document waits for (`workflow::sign::begin`).
pub(super) async fn begin(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> Result<Signing, ApiError> {
    let trust = state.trust();
    let deps = super::flow_deps(state, &trust);
    Ok(sign::begin(&deps, &caller.0, number).await?)
}

/// The signer's certificate may sign (`workflow::sign::check_signer`).
pub(super) async fn check_signer(
    state: &AppState,
    caller: &Caller,
    s: &Signing,
    cert: &Certificate,
    extra_chain: &[Vec<u8>],
    now: i64,
) -> Result<(), ApiError> {
    let trust = state.trust();
    let mut deps = super::flow_deps(state, &trust);
    deps.now = now;
    Ok(sign::check_signer(&deps, &caller.0, s, cert, extra_chain).await?)
}

/// The PDF to sign (`workflow::sign::base_pdf`).
pub(super) fn base_pdf(s: &Signing, officer: &Certificate, now: i64) -> Result<Vec<u8>, ApiError> {
    Ok(sign::base_pdf(s, officer, now)?)
}

/// How the signature is made (`workflow::sign::options`), with the
/// service's public URL in the stamp's QR code.
pub(super) fn options<'a>(
    state: &AppState,
    s: &Signing,
    signer: &'a dyn Signer,
    cert: &'a [u8],
    chain: &'a [Vec<u8>],
    now: i64,
) -> Result<SignOptions<'a>, ApiError> {
    Ok(sign::options(
        s,
        signer,
        cert,
        chain,
        now,
        &state.config.public_url,
    )?)
}

/// Keeps the stamp's access code, hashed (`workflow::sign::keep_access_code`).
pub(super) async fn keep_access_code(
    state: &AppState,
    number: &str,
    opts: &SignOptions<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let trust = state.trust();
    let mut deps = super::flow_deps(state, &trust);
    deps.now = now;
    Ok(sign::keep_access_code(&deps, number, opts).await?)
}

/// Keeps the signed PDF when it verifies and moves the application on
/// (`workflow::sign::complete`); answers the application after it.
pub(super) async fn complete(
    state: &AppState,
    caller: &Caller,
    s: &Signing,
    signed: &[u8],
    cert: &Certificate,
    now: i64,
) -> Result<Json<serde_json::Value>, ApiError> {
    let trust = state.trust();
    let mut deps = super::flow_deps(state, &trust);
    deps.now = now;
    let app = sign::complete(&deps, &caller.0, s, signed, cert).await?;
    Ok(Json(app_json(
        state,
        &app,
        state.store.history(&app.number).await?,
    )))
}

/// A signature with a server-held key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignResultBody {
    /// The signer's server-held key (`qoltanba keys import --id`).
    pub key_id: String,
}

/// Signs with the server-held key `key_id` (the decision's shortcut too).
pub(super) async fn sign_with_key(
    state: &AppState,
    caller: &Caller,
    number: &str,
    key_id: &str,
) -> Result<Json<serde_json::Value>, ApiError> {
    let trust = state.trust();
    let deps = super::flow_deps(state, &trust);
    let load_key = || {
        let keys = crate::keys::KeyStore::open(
            &state.config.data_dir,
            state.config.master_key_file.as_deref(),
        )
        .map_err(|e| crate::workflow::Error::Unavailable(e.to_string()))?;
        keys.load(key_id)
            .map_err(|e| crate::workflow::Error::SignRefused {
                sign_code: e.code().to_string(),
                detail: format!("{}: {e}", e.code()),
                message: None,
            })
    };
    let app =
        sign::sign_with_key(&deps, &caller.0, number, &state.config.public_url, load_key).await?;
    Ok(Json(app_json(
        state,
        &app,
        state.store.history(&app.number).await?,
    )))
}

/// Signs the application's document with a server-held key: the employee's
/// key signs the draft, the head's the result. The application moves on
/// only when the signed PDF verifies.
#[utoipa::path(post, path = "/v1/applications/{number}/sign", request_body = SignResultBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "Signed; the application after it", body = Object),
              (status = 409, description = "Nothing to sign, or the employee's signature is missing (EMPLOYEE_SIGNATURE_REQUIRED)"),
              (status = 403, description = "Not the provider's employee or head, or not the key holder's certificate")),
    security(("bearer" = [])))]
pub async fn sign_result(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<SignResultBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    sign_with_key(&state, &caller, &number, &body.key_id).await
}
