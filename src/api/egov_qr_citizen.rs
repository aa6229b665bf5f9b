//! A citizen signs their request in eGov mobile: the portal's QR signing.
//!
//! What a citizen signs in this product is their application: the request
//! JSON (with its top-level `iin`) that becomes, with the citizen's CMS, the
//! request envelope of `POST /v1/applications` (channel `portal`). The
//! portal opens a session with the request (`POST /v1/submissions/egov-qr`)
//! and shows the QR code; the app signs the request bytes (a detached CMS,
//! `CMS_SIGN_ONLY`) and sends it back (`egov_qr`'s API 2); qoltanba then
//! submits exactly what `POST /v1/applications` would with that envelope:
//! condition 2 in full (the certificate in force and not revoked, a signing
//! and not an authentication key, the request's IIN equal to the
//! certificate's), registration with a number, the audit record, or process
//! 4's refusal with the verdict's code. The portal polls
//! `GET /v1/submissions/egov-qr/{session}` for the application or the
//! refusal, with the same API key that opened the session.

use super::AppState;
use super::applications::{self, SubmitBody, bad};
use super::auth::Caller;
use super::egov_qr::{self, SUBMISSION};
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Json};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::ToSchema;

/// A citizen's request to be signed in eGov mobile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionQrBody {
    /// Service id, as for `POST /v1/applications`.
    pub service: String,
    /// The request JSON (with a top-level `iin`), base64: the bytes the citizen signs.
    pub request: String,
    /// The provider's BIN, as for `POST /v1/applications`: needed only when
    /// more than one provider provides the service.
    pub provider: Option<String>,
}

/// Opens a QR signing session over a citizen's request.
#[utoipa::path(post, path = "/v1/submissions/egov-qr", request_body = SubmissionQrBody,
    responses((status = 200, description = "{ session_id, qr (mobileSign:URL), egov_mobile_link, egov_business_link, api_url, expires_at }", body = Object),
              (status = 400, description = "Unknown service, or a request that is not JSON with a 12-digit top-level iin")),
    security(("bearer" = [])))]
pub async fn open(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    ApiJson(body): ApiJson<SubmissionQrBody>,
) -> Result<Json<Value>, ApiError> {
    let service = state
        .workflow
        .catalogue
        .get(&body.service)
        .ok_or_else(|| bad(format!("unknown service {}", body.service)))?
        .id
        .clone();
    // The provider it goes to, chosen now: the app shows its name and BIN.
    let provider = state
        .workflow
        .providers
        .choose(&service, body.provider.as_deref(), None)
        .map_err(bad)?
        .bin
        .clone();
    let request = b64("request", &body.request)?;
    let parsed: Value =
        serde_json::from_slice(&request).map_err(|e| bad(format!("request is not JSON: {e}")))?;
    let iin = parsed
        .get("iin")
        .and_then(|v| v.as_str())
        .filter(|i| i.len() == 12 && i.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| bad("request has no top-level iin of 12 digits"))?;
    let payload = json!({
        "request": base64::engine::general_purpose::STANDARD.encode(&request),
        "iin": iin,
        "provider": provider,
    });
    let out = egov_qr::open_session(&state, &caller, SUBMISSION, &service, payload).await?;
    Ok(Json(out))
}

/// The app's CMS over the request: the portal submission it makes.
pub(super) async fn finish(
    state: &Arc<AppState>,
    caller: Caller,
    payload: &Value,
    cms: String,
    service: &str,
) -> Result<Response, ApiError> {
    applications::submit(
        State(state.clone()),
        Extension(caller),
        ApiJson(SubmitBody {
            service: service.to_string(),
            channel: "portal".into(),
            request: payload["request"].as_str().unwrap_or_default().to_string(),
            signature: cms,
            provider: payload["provider"].as_str().map(String::from),
        }),
    )
    .await
}

/// The portal's session: `waiting`, `fetched`, `finishing`, `signed` (with
/// the registered application), `failed` (with the refusal), `expired`.
#[utoipa::path(get, path = "/v1/submissions/egov-qr/{session}", params(("session" = String, Path, description = "session_id")),
    responses((status = 200, description = "{ state: waiting|fetched|finishing|signed|failed|expired, application?, problem? }", body = Object),
              (status = 404, description = "Not a session this API key opened")),
    security(("bearer" = [])))]
pub async fn poll(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(session): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = state
        .store
        .qr_session_of(&session, &caller.0.id)
        .await?
        .filter(|s| s.kind == SUBMISSION)
        .ok_or_else(|| {
            ApiError::new(
                crate::verdict::problem::ProblemCode::NotFound,
                "no such QR signing session for this API key",
            )
        })?;
    Ok(Json(egov_qr::poll_answer(&state, &s)))
}
