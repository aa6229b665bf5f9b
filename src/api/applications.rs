//! The application flow over HTTP: submission through the three channels
//! (condition 2 first), status for the citizen, the provider's decision, the
//! survey and its report, overdue applications.

use super::auth::Caller;
use super::json::{ApiJson, b64};
use super::problem::{ApiError, problem_response};
use super::{AppState, audit_entry};
use crate::envelope::{self, VerifyRequest};
use crate::pki::{Policy, Usage};
use crate::store::audit::AuditEntry;
use crate::store::keys::Role;
use crate::verdict::problem::ProblemCode;
use crate::workflow::providers::Org;
use crate::workflow::state::{Action, Status};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
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
    let service = state
        .workflow
        .catalogue
        .get(&body.service)
        .cloned()
        .ok_or_else(|| bad(format!("unknown service {}", body.service)))?;
    let allowed = match body.channel.as_str() {
        "portal" => caller.0.role == Role::Portal,
        "provider" => caller.0.role == Role::Provider,
        "operator" => caller.0.role == Role::Operator,
        other => return Err(bad(format!("unknown channel {other}"))),
    };
    if !allowed {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            format!(
                "role {} may not submit through channel {}",
                caller.0.role.as_str(),
                body.channel
            ),
        ));
    }
    // Whose application it is: the employee's own provider, or the one
    // asked for (among those the operator's centre serves).
    let providers = &state.workflow.providers;
    let me = org(&state, &caller)?;
    let provider = match me {
        Org::Provider(p) => {
            if body.provider.as_deref().is_some_and(|b| b != p.bin) {
                return Err(ApiError::new(
                    ProblemCode::Forbidden,
                    format!("an employee of {} submits for {} only", p.bin, p.bin),
                ));
            }
            providers.choose(&service.id, Some(&p.bin), None)
        }
        Org::Centre(c) => providers.choose(&service.id, body.provider.as_deref(), Some(&c.bin)),
        Org::Any => providers.choose(&service.id, body.provider.as_deref(), None),
    }
    .map_err(bad)?;
    let request = b64("request", &body.request)?;
    let signature = b64("signature", &body.signature)?;
    let parsed: serde_json::Value =
        serde_json::from_slice(&request).map_err(|e| bad(format!("request is not JSON: {e}")))?;
    let iin = parsed
        .get("iin")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("request has no top-level iin"))?
        .to_string();
    let now = state.now();
    let sha = crate::pki::cert::hex(&crate::pki::cert::sha256(&signature));
    // The signed request binds its attachments by hash: each must have been uploaded.
    if let Some(list) = parsed.get("attachments").and_then(|a| a.as_array()) {
        for a in list {
            let h = a
                .get("sha256")
                .and_then(|v| v.as_str())
                .ok_or_else(|| bad("every attachment needs a sha256"))?
                .to_lowercase();
            if h.len() != 64
                || !h.bytes().all(|b| b.is_ascii_hexdigit())
                || !state.store.has_attachment(&h).await?
            {
                return Err(bad(format!(
                    "attachment {h} was not uploaded (POST /v1/attachments)"
                )));
            }
        }
    }
    // Condition 1 (employee and operator channels): the person exists.
    if body.channel != "portal" {
        // Registry calls block (HTTP with retries): off the async workers.
        let persons = state.workflow.persons.clone();
        let who = iin.clone();
        let found = tokio::task::spawn_blocking(move || persons.find(&who))
            .await
            .map_err(|_| ApiError::new(ProblemCode::Internal, "registry task failed"))?;
        match found {
            Ok(Some(_)) => {}
            Ok(None) => {
                state
                    .store
                    .record_refusal(
                        &sha,
                        now,
                        &service.id,
                        &body.channel,
                        &iin,
                        "PERSON_NOT_FOUND",
                        &caller.0.id,
                    )
                    .await?;
                return Err(ApiError::new(
                    ProblemCode::PersonNotFound,
                    format!("no person with IIN {iin} in the registry"),
                ));
            }
            Err(e) => {
                return Err(ApiError::new(
                    ProblemCode::ServiceUnavailable,
                    e.to_string(),
                ));
            }
        }
    }
    // A representative at the service centre: the notarised power of attorney, checked in ЕНИС.
    if body.channel == "operator"
        && let Some(rep) = parsed.get("representative")
    {
        let rep_iin = rep
            .get("iin")
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad("representative.iin is required"))?;
        let number = rep
            .get("power_of_attorney")
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad("representative.power_of_attorney is required"))?;
        let notary = state.workflow.notary.clone();
        let wanted = number.to_string();
        let poa = tokio::task::spawn_blocking(move || notary.find_poa(&wanted))
            .await
            .map_err(|_| ApiError::new(ProblemCode::Internal, "registry task failed"))?
            .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, e.to_string()))?;
        let today = crate::workflow::calendar::ymd(crate::workflow::calendar::kz_date(now));
        let problem = match &poa {
            None => Some("unknown to the notary registry"),
            Some(p) if p.revoked => Some("revoked"),
            Some(p) if p.valid_until.as_str() < today.as_str() => Some("expired"),
            Some(p) if p.principal_iin != iin => Some("given by someone else"),
            Some(p) if p.representative_iin != rep_iin => Some("given to someone else"),
            Some(_) => None,
        };
        if let Some(why) = problem {
            state
                .store
                .record_refusal(
                    &sha,
                    now,
                    &service.id,
                    &body.channel,
                    &iin,
                    "POWER_OF_ATTORNEY_INVALID",
                    &caller.0.id,
                )
                .await?;
            return Err(ApiError::new(
                ProblemCode::PowerOfAttorneyInvalid,
                format!("power of attorney {number}: {why}"),
            ));
        }
    }
    // Condition 2: the citizen's signature with the IIN check (portal), or the
    // employee's or operator's own signature (their BIN, their role).
    let policy = Policy {
        usage: Usage::Sign,
        iin: (body.channel == "portal").then(|| iin.clone()),
        ..Policy::default()
    };
    let trust = state.trust();
    let req = VerifyRequest {
        envelope: &signature,
        data: Some(&request),
        at: now,
        policy,
        ..Default::default()
    };
    let mut verdict = envelope::verify(&req, &trust);
    if verdict.passed()
        && body.channel != "portal"
        && let Some(bin) = me.bin()
    {
        let signer = verdict.signer.clone().unwrap_or_default();
        let roles: Vec<String> = signer["roles"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let strong_enough = roles
            .iter()
            .any(|r| crate::workflow::document::EMPLOYEE_ROLES.contains(&r.as_str()));
        if signer["bin"].as_str() != Some(bin) || !strong_enough {
            let check = crate::verdict::Check::failed(
                "iin",
                crate::verdict::Code::KeyUsageInvalid,
                json!({ "problem": "the signer's certificate does not carry this organisation's BIN and an employee role", "expected_bin": bin, "bin": signer["bin"], "roles": roles }),
            );
            verdict = verdict.with_check("iin", check);
        } else {
            // The employee (or operator) who holds the API key signs with
            // their own certificate: the key is bound to the first IIN it
            // signs with (or the one given at creation) and to no other.
            let signer_iin = signer["iin"].as_str().unwrap_or_default().to_string();
            let holder = if signer_iin.is_empty() || signer["iin_info"]["valid"] != true {
                None
            } else {
                Some(
                    state
                        .store
                        .bind_api_key_iin(&caller.0.id, &signer_iin, now)
                        .await?,
                )
            };
            if holder.as_deref() != Some(signer_iin.as_str()) {
                let check = crate::verdict::Check::failed(
                    "iin",
                    crate::verdict::Code::IinMismatch,
                    json!({ "problem": "the signer is not the person who holds this API key", "signer_iin": signer_iin, "key_holder_iin": holder }),
                );
                verdict = verdict.with_check("iin", check);
            }
        }
    }
    state
        .audit
        .record(audit_entry(
            &caller,
            "application.submit",
            crate::pki::cert::hex(&crate::pki::cert::sha256(&request)),
            &verdict,
        ))
        .await?;
    if !verdict.passed() {
        // Process 4: a refusal with the verdict's code, kept for the record, no number.
        state
            .store
            .record_refusal(
                &sha,
                now,
                &service.id,
                &body.channel,
                &iin,
                verdict.code.as_str(),
                &caller.0.id,
            )
            .await?;
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
        return Ok(problem_response(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    let (deadline, stages) = state.workflow.deadlines(&service, now);
    let year = crate::workflow::calendar::kz_date(now).year();
    let envelope_b64 = base64::engine::general_purpose::STANDARD.encode(&signature);
    let request_text = String::from_utf8_lossy(&request).into_owned();
    let stages_text = stages.to_string();
    let new = crate::store::applications::NewApplication {
        provider: &provider.bin,
        prefix: &provider.number_prefix,
        year,
        service: &service.id,
        channel: &body.channel,
        iin: &iin,
        request_sha256: &sha,
        request: &request_text,
        envelope: &envelope_b64,
        at: now,
        deadline: &deadline,
        stages: &stages_text,
        created_by: &caller.0.id,
    };
    let (app, created) = state.store.register(&new).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(app_json(&state, &app, Vec::new()))).into_response())
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
    Ok(match Status::parse(&app.status) {
        Some(Status::Registered | Status::InReview) => Some("decision"),
        Some(Status::Refused | Status::ResultDrafted) => {
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
        Some(Status::ResultSigned) => Some("delivery"),
        Some(Status::Delivered) | None => None,
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
    let from = Status::parse(&app.status)
        .ok_or_else(|| ApiError::new(ProblemCode::Internal, "unknown stored status"))?;
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
            from.as_str(),
            to.as_str(),
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
