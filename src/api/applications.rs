//! The application flow over HTTP: submission through the three channels
//! (condition 2 first), status for the citizen, the provider's decision, the
//! survey and its report, overdue applications.

use super::AppState;
use super::auth::Caller;
use super::json::{ApiJson, b64};
use super::problem::{ApiError, problem_response};
use crate::store::audit::AuditEntry;
use crate::store::keys::Role;
use crate::verdict::problem::ProblemCode;
use crate::workflow::state::{Action, Status};
use crate::workflow::{self, providers::Org};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
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

/// The organisation the caller's key acts for (403 when it is bound to
/// none and the catalogue has several).
pub(super) fn org<'a>(state: &'a AppState, caller: &Caller) -> Result<Org<'a>, ApiError> {
    state
        .workflow
        .providers
        .org_of(caller.0.role, caller.0.org.as_deref())
        .map_err(|e| ApiError::new(ProblemCode::Forbidden, e))
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
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> Result<Response, ApiError> {
    let request = b64("request", &body.request)?;
    let envelope = b64("signature", &body.signature)?;
    let trust = state.trust();
    let deps = super::flow_deps(&state, &trust);
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
        Err(workflow::Error::Refused(verdict)) => {
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
            Ok(problem_response(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
        Err(e) => Err(e.into()),
    }
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
    let not_found = || ApiError::new(ProblemCode::NotFound, "no such application");
    let app = state
        .store
        .application(number)
        .await?
        .ok_or_else(not_found)?;
    // The portal sees only the citizen it asks for; an employee, head or
    // operator only their own provider's applications.
    if caller.0.role == Role::Portal && on_behalf != Some(app.iin.as_str()) {
        return Err(not_found());
    }
    if !state
        .workflow
        .providers
        .may_see(org(state, caller)?, &app.provider)
    {
        return Err(not_found());
    }
    Ok(app)
}

/// Status of an application: IIN, number, service, status, deadline, history.
#[utoipa::path(get, path = "/v1/applications/{number}", params(("number" = String, Path, description = "Registration number"), ("iin" = Option<String>, Query, description = "The citizen (portal)")),
    responses((status = 200, description = "The application", body = Object), (status = 404, description = "Not found (or another citizen's)")), security(("bearer" = [])))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    Query(q): Query<OnBehalf>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let app = load(&state, &caller, &number, q.iin.as_deref()).await?;
    let history = state.store.history(&number).await?;
    let mut out = app_json(&state, &app, history);
    out["awaiting"] = json!(awaiting(&state, &app).await?);
    Ok(Json(out))
}

/// What the application waits for next: `decision`, `employee_signature`,
/// `head_signature`, `delivery`, or nothing once delivered.
pub(super) async fn awaiting(
    state: &AppState,
    app: &crate::store::applications::Application,
) -> Result<Option<&'static str>, ApiError> {
    Ok(match app.status {
        Status::Registered | Status::InReview => Some("decision"),
        Status::Refused | Status::ResultDrafted => {
            use crate::workflow::document::{SignStage, awaited};
            let signed = state.store.draft(&app.number).await?.is_some();
            let stage = match state.workflow.catalogue.get(&app.service) {
                Some(service) => awaited(service, signed),
                None => SignStage::Result,
            };
            Some(match stage {
                SignStage::Draft => "employee_signature",
                SignStage::Result => "head_signature",
            })
        }
        Status::ResultSigned => Some("delivery"),
        Status::Delivered => None,
    })
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
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let app = load(&state, &caller, &number, None).await?;
    let service = state
        .workflow
        .catalogue
        .get(&app.service)
        .cloned()
        .ok_or_else(|| bad("unknown service"))?;
    let (action, record) = match body.decision.as_str() {
        "review" => (Action::StartReview, None),
        "approval" => (Action::Approve, Some(json!({ "decision": "approval" }))),
        "refusal" => {
            let reasons = body.reasons.clone().unwrap_or_default();
            if reasons.is_empty() || reasons.iter().any(|r| !service.refusal_reasons.contains(r)) {
                return Err(bad(format!(
                    "a refusal needs reasons from: {}",
                    service.refusal_reasons.join(", ")
                )));
            }
            (
                Action::Refuse,
                Some(json!({ "decision": "refusal", "reasons": reasons })),
            )
        }
        other => return Err(bad(format!("unknown decision {other}"))),
    };
    transition(&state, &caller, &app, action, record).await?;
    if let Some(key_id) = body.key_id.as_deref()
        && action != Action::StartReview
    {
        return super::document_sign::sign_with_key(&state, &caller, &number, key_id).await;
    }
    let app = load(&state, &caller, &number, None).await?;
    Ok(Json(app_json(
        &state,
        &app,
        state.store.history(&number).await?,
    )))
}

/// Applies an action through the state machine; 409 when it is not allowed.
pub async fn transition(
    state: &AppState,
    caller: &Caller,
    app: &crate::store::applications::Application,
    action: Action,
    record: Option<serde_json::Value>,
) -> Result<(), ApiError> {
    let from = app.status;
    let refused = || {
        ApiError::new(
            ProblemCode::TransitionNotAllowed,
            format!(
                "{action:?} is not allowed while the application is {}",
                from.as_str()
            ),
        )
    };
    let to = from.next(action).ok_or_else(refused)?;
    let action_name = serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let record_text = record.as_ref().map(|r| r.to_string());
    let ok = state
        .store
        .transition(
            &app.number,
            from,
            to,
            (&caller.0.id, caller.0.role.as_str()),
            &action_name,
            &record_text.clone().unwrap_or_default(),
            record_text.as_deref(),
            None,
            state.now(),
        )
        .await?;
    if !ok {
        return Err(refused());
    }
    state
        .audit
        .record(AuditEntry {
            at: state.now(),
            key_id: caller.0.id.clone(),
            role: caller.0.role.as_str().into(),
            operation: format!("application.{action_name}"),
            data_sha256: app.request_sha256.clone(),
            signer_serial: String::new(),
            result_code: to.as_str().into(),
        })
        .await?;
    Ok(())
}

/// Which provider's applications a list shows: the caller's own, or for an
/// administrator every provider's or the one `asked` names.
pub(super) fn scope(
    state: &AppState,
    caller: &Caller,
    asked: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match org(state, caller)? {
        Org::Provider(p) => match asked {
            Some(b) if b != p.bin => Err(ApiError::new(
                ProblemCode::Forbidden,
                format!("an employee of {} sees {} only", p.bin, p.bin),
            )),
            _ => Ok(Some(p.bin.clone())),
        },
        Org::Centre(c) => Err(ApiError::new(
            ProblemCode::Forbidden,
            format!("service centre {} keeps no provider's lists", c.bin),
        )),
        Org::Any => match asked {
            Some(b) if state.workflow.providers.provider(b).is_none() => Err(bad(format!(
                "provider {b} is not in the providers catalogue"
            ))),
            other => Ok(other.map(String::from)),
        },
    }
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
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ProviderQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let today =
        crate::workflow::calendar::ymd(crate::workflow::calendar::kz_date(crate::time::now()));
    let only = scope(&state, &caller, q.provider.as_deref())?;
    let list = state.store.overdue(&today, only.as_deref()).await?;
    Ok(Json(json!({ "today": today, "applications": list })))
}
