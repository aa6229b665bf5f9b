//! Signing an application's decided document: the employee's signature on
//! the draft (where the service has a review stage), then the head's on the
//! result, with a server-held key; the same signature in two phases (the
//! key on the signer's own device) is `document_twophase`.
//!
//! The case itself (whose signature is due, whether the certificate may
//! give it, what is signed and how, keeping it only when it verifies) is
//! `workflow::sign`; this module adapts it to HTTP.

use super::AppState;
use super::applications::app_json;
use super::auth::{Caller, Ctx};
use super::json::ApiJson;
use super::problem::ApiError;
use crate::workflow::sign;
use axum::Json;
use axum::extract::Path;
use serde::Deserialize;
use utoipa::ToSchema;

/// The application after a signature, with its history.
pub(super) async fn signed_app(
    state: &AppState,
    app: &crate::store::applications::Application,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(app_json(
        state,
        app,
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
    let deps = super::flow_deps(state);
    let app = sign::sign_with_key(&deps, &caller.0, number, key_id).await?;
    signed_app(state, &app).await
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
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<SignResultBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    sign_with_key(&state, &caller, &number, &body.key_id).await
}
