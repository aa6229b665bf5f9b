//! The application flow over HTTP: submission through the three channels
//! (condition 2 first), status for the citizen, the provider's decision, the
//! survey and its report, overdue applications.

use super::AppState;
use super::auth::{Caller, Ctx};
use super::json::{ApiJson, b64};
use super::problem::{ApiError, problem_response};
use crate::verdict::problem::ProblemCode;
use crate::workflow::{self, cases};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// A submission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    /// Service id (`housing-queue`, `housing-assistance`, `unemployed-certificate`, `disabled-children-support`).
    pub service: String,
    /// `portal`, `provider` or `operator`.
    pub channel: String,
    /// The request JSON (with a top-level `iin`), base64.
    pub request: String,
    /// The CMS envelope over the request, base64.
    pub signature: String,
    /// The provider's BIN (`GET /v1/providers`); needed only when more than
    /// one provider provides the service (for an employee, their own).
    pub provider: Option<String>,
}

pub(super) fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ProblemCode::RequestFieldInvalid, detail)
}

pub(super) fn app_json(
    state: &AppState,
    a: &crate::store::applications::Application,
    history: Vec<serde_json::Value>,
) -> serde_json::Value {
    let names = state
        .workflow
        .catalogue
        .get(&a.service)
        .map(|s| json!({ "kk": s.name_kk, "ru": s.name_ru }));
    json!({
        "number": a.number,
        "provider": a.provider,
        "iin": a.iin,
        "service": a.service,
        "service_name": names,
        "channel": a.channel,
        "status": a.status,
        "registered_at": crate::time::rfc3339(a.registered_at),
        "deadline": a.deadline,
        "stages": a.stages,
        "decision": a.decision,
        "history": history,
    })
}

/// Submits an application: condition 2, then registration with a number.
#[utoipa::path(post, path = "/v1/applications", request_body = SubmitBody,
    responses((status = 201, description = "Registered: number, status, deadline", body = Object),
              (status = 200, description = "Already registered (the same envelope)", body = Object),
              (status = 422, description = "Refused (condition 2 or condition 1): problem+json with the verdict's code")),
    security(("bearer" = [])))]
pub async fn submit(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<SubmitBody>,
) -> Result<Response, ApiError> {
    let request = b64("request", &body.request)?;
    let envelope = b64("signature", &body.signature)?;
    let deps = super::flow_deps(&state);
    let submission = workflow::submit::Submission {
        service: &body.service,
        channel: &body.channel,
        request: &request,
        envelope: &envelope,
        provider: body.provider.as_deref(),
    };
    match workflow::submit::submit(&deps, &caller.0, &submission).await {
        Ok(done) => {
            let status = if done.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let out = app_json(&state, &done.application, Vec::new());
            Ok((status, Json(out)).into_response())
        }
        Err(e) => {
            let (status, body) = submit_problem(e);
            Ok(problem_response(status, body))
        }
    }
}

/// A refused submission's answer: process 4's refusal with the verdict
/// (422) when condition 2 failed, else the problem.
pub(super) fn submit_problem(e: workflow::Error) -> (StatusCode, serde_json::Value) {
    let workflow::Error::Refused(verdict) = e else {
        return ApiError::from(e).parts();
    };
    let m = verdict.code.message();
    let body = json!({
        "type": "urn:qoltanba:problem:condition-2",
        "title": m.en,
        "status": 422,
        "code": verdict.code,
        "detail": "the authenticity of the electronic digital signature was not confirmed",
        "message": m,
        "refusal": m,
        "verdict": verdict,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, body)
}

/// Who asks about an application: the portal on behalf of one citizen.
#[derive(Debug, Deserialize)]
pub struct OnBehalf {
    /// The citizen's IIN (required for the portal).
    pub iin: Option<String>,
}

pub(super) async fn load(
    state: &AppState,
    caller: &Caller,
    number: &str,
    on_behalf: Option<&str>,
) -> Result<crate::store::applications::Application, ApiError> {
    let deps = super::flow_deps(state);
    Ok(cases::load(&deps, &caller.0, number, on_behalf).await?)
}

/// Status of an application: IIN, number, service, status, deadline, history.
#[utoipa::path(get, path = "/v1/applications/{number}", params(("number" = String, Path, description = "Registration number"), ("iin" = Option<String>, Query, description = "The citizen (portal)")),
    responses((status = 200, description = "The application", body = Object), (status = 404, description = "Not found (or another citizen's)")), security(("bearer" = [])))]
pub async fn status(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    Query(q): Query<OnBehalf>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let app = load(&state, &caller, &number, q.iin.as_deref()).await?;
    let history = state.store.history(&number).await?;
    let mut out = app_json(&state, &app, history);
    out["awaiting"] = json!(awaiting(&state, &app).await?);
    Ok(Json(out))
}

/// What the application waits for next (`workflow::cases::awaiting`).
pub(super) async fn awaiting(
    state: &AppState,
    app: &crate::store::applications::Application,
) -> Result<Option<&'static str>, ApiError> {
    Ok(cases::awaiting(&super::flow_deps(state), app).await?)
}

/// The provider's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `approval`, `refusal`, or `review` (start the review).
    pub decision: String,
    /// For refusals: reasons from the service's list.
    pub reasons: Option<Vec<String>>,
    /// The employee's server-held key: signs the drafted document at once
    /// (else the employee signs it later, `POST .../sign` or two-phase).
    pub key_id: Option<String>,
}

/// Records the provider's decision (or starts the review).
#[utoipa::path(post, path = "/v1/applications/{number}/decision", request_body = DecisionBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "The application after the decision", body = Object), (status = 409, description = "Not allowed in its state")), security(("bearer" = [])))]
pub async fn decision(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let decision = cases::Decision::parse(&body.decision, body.reasons.clone())?;
    let deps = super::flow_deps(&state);
    let app = cases::decide(&deps, &caller.0, &number, &decision).await?;
    if let Some(key_id) = body.key_id.as_deref()
        && decision != cases::Decision::Review
    {
        return super::document_sign::sign_with_key(&state, &caller, &number, key_id).await;
    }
    Ok(Json(app_json(
        &state,
        &app,
        state.store.history(&number).await?,
    )))
}

/// Which provider's applications a list shows (`workflow::cases::scope`).
pub(super) fn scope(
    state: &AppState,
    caller: &Caller,
    asked: Option<&str>,
) -> Result<Option<String>, ApiError> {
    Ok(cases::scope(&super::flow_deps(state), &caller.0, asked)?)
}

/// A list's provider (administrators: optional).
#[derive(Debug, Deserialize)]
pub struct ProviderQuery {
    /// The provider's BIN.
    pub provider: Option<String>,
}

/// Applications past their deadline and not yet signed or delivered: the
/// caller's provider's (an administrator's: every provider's, or `provider`'s).
#[utoipa::path(get, path = "/v1/applications/overdue", params(("provider" = Option<String>, Query, description = "A provider's BIN (administrators)")),
    responses((status = 200, description = "Overdue applications", body = Object)), security(("bearer" = [])))]
pub async fn overdue(
    Ctx { state, caller }: Ctx,
    Query(q): Query<ProviderQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let deps = super::flow_deps(&state);
    let (today, list) = cases::overdue(&deps, &caller.0, q.provider.as_deref()).await?;
    Ok(Json(json!({ "today": today, "applications": list })))
}
