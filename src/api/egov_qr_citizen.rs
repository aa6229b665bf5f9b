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

use super::auth::Ctx;
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use crate::workflow::egov_qr::{self, Kind};
use axum::Json;
use axum::extract::Path;
use serde::Deserialize;
use serde_json::Value;
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
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<SubmissionQrBody>,
) -> Result<Json<Value>, ApiError> {
    let request = b64("request", &body.request)?;
    let deps = super::flow_deps(&state);
    let opened = egov_qr::open_submission(
        &deps,
        &caller.0,
        &body.service,
        body.provider.as_deref(),
        &request,
    )
    .await?;
    Ok(Json(super::egov_qr::opened_json(&state, &opened)))
}

/// The portal's session: `waiting`, `fetched`, `finishing`, `signed` (with
/// the registered application), `failed` (with the refusal), `expired`.
#[utoipa::path(get, path = "/v1/submissions/egov-qr/{session}", params(("session" = String, Path, description = "session_id")),
    responses((status = 200, description = "{ state: waiting|fetched|finishing|signed|failed|expired, application?, problem? }", body = Object),
              (status = 404, description = "Not a session this API key opened")),
    security(("bearer" = [])))]
pub async fn poll(
    Ctx { state, caller }: Ctx,
    Path(session): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let deps = super::flow_deps(&state);
    let s = egov_qr::of_opener(&deps, &caller.0, &session, Kind::Submission, None).await?;
    Ok(Json(egov_qr::poll_answer(&s, deps.now)))
}
