//! The use cases after registration: who may see an application (status),
//! what it waits for, the provider's decision, delivery, the citizen's
//! survey, and the per-provider lists (overdue, survey report). Each takes
//! the flow's `Deps` and the caller's key and answers typed results or one
//! `workflow::Error`; the HTTP adapter only parses and maps.

use super::Deps;
use super::error::Error;
use super::providers::Org;
use super::state::{Action, Status};
use crate::store::applications::Application;
use crate::store::audit::AuditEntry;
use crate::store::keys::{ApiKey, Role};
use serde_json::json;

/// The organisation the caller's key acts for.
pub fn org<'a>(deps: &Deps<'a>, caller: &ApiKey) -> Result<Org<'a>, Error> {
    deps.flow
        .providers
        .org_of(caller.role, caller.org.as_deref())
        .map_err(Error::Forbidden)
}

/// The application `number` as the caller may see it: the portal only the
/// citizen it asks for (`on_behalf`), an employee, head or operator only
/// their own provider's; anything else is `NotFound`, like an unknown number.
pub async fn load(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    on_behalf: Option<&str>,
) -> Result<Application, Error> {
    let not_found = || Error::NotFound("no such application".into());
    let app = deps
        .store
        .application(number)
        .await?
        .ok_or_else(not_found)?;
    if caller.role == Role::Portal && on_behalf != Some(app.iin.as_str()) {
        return Err(not_found());
    }
    if !deps
        .flow
        .providers
        .may_see(org(deps, caller)?, &app.provider)
    {
        return Err(not_found());
    }
    Ok(app)
}

/// What the application waits for next: `decision`, `employee_signature`,
/// `head_signature`, `delivery`, or nothing once delivered.
pub async fn awaiting(deps: &Deps<'_>, app: &Application) -> Result<Option<&'static str>, Error> {
    use super::document::{SignStage, awaited};
    Ok(match app.status {
        Status::Registered | Status::InReview => Some("decision"),
        Status::Refused | Status::ResultDrafted => {
            let signed = deps.store.draft(&app.number).await?.is_some();
            let stage = match deps.flow.catalogue.get(&app.service) {
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

/// Applies `action` through the state machine, with its history entry and
/// audit record; `TransitionNotAllowed` when the state does not allow it
/// (or another caller moved the application meanwhile).
pub async fn transition(
    deps: &Deps<'_>,
    caller: &ApiKey,
    app: &Application,
    action: Action,
    record: Option<serde_json::Value>,
) -> Result<Status, Error> {
    let from = app.status;
    let refused = || {
        Error::TransitionNotAllowed(format!(
            "{action:?} is not allowed while the application is {}",
            from.as_str()
        ))
    };
    let to = from.next(action).ok_or_else(refused)?;
    let action_name = action.as_str();
    let record_text = record.as_ref().map(|r| r.to_string());
    let ok = deps
        .store
        .transition(
            &app.number,
            from,
            to,
            (&caller.id, caller.role.as_str()),
            action_name,
            record_text.as_deref().unwrap_or_default(),
            record_text.as_deref(),
            None,
            deps.now,
        )
        .await?;
    if !ok {
        return Err(refused());
    }
    deps.audit
        .record(AuditEntry {
            at: deps.now,
            key_id: caller.id.clone(),
            role: caller.role.as_str().into(),
            operation: format!("application.{action_name}"),
            data_sha256: app.request_sha256.clone(),
            signer_serial: String::new(),
            result_code: to.as_str().into(),
        })
        .await?;
    Ok(to)
}

/// The provider's decision on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Start the review (condition 3).
    Review,
    /// Provide the service: the result is drafted.
    Approval,
    /// A reasoned refusal, with reasons from the service's list.
    Refusal(Vec<String>),
}

impl Decision {
    /// From the request's `decision` and `reasons`.
    pub fn parse(decision: &str, reasons: Option<Vec<String>>) -> Result<Decision, Error> {
        match decision {
            "review" => Ok(Decision::Review),
            "approval" => Ok(Decision::Approval),
            "refusal" => Ok(Decision::Refusal(reasons.unwrap_or_default())),
            other => Err(Error::Invalid(format!("unknown decision {other}"))),
        }
    }
}

/// Records the provider's decision (or starts the review); returns the
/// application after it.
pub async fn decide(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    decision: &Decision,
) -> Result<Application, Error> {
    let app = load(deps, caller, number, None).await?;
    let service = deps
        .flow
        .catalogue
        .get(&app.service)
        .ok_or_else(|| Error::Internal(format!("unknown service {}", app.service)))?;
    let (action, record) = match decision {
        Decision::Review => (Action::StartReview, None),
        Decision::Approval => (Action::Approve, Some(json!({ "decision": "approval" }))),
        Decision::Refusal(reasons) => {
            if reasons.is_empty() || reasons.iter().any(|r| !service.refusal_reasons.contains(r)) {
                return Err(Error::Invalid(format!(
                    "a refusal needs reasons from: {}",
                    service.refusal_reasons.join(", ")
                )));
            }
            (
                Action::Refuse,
                Some(json!({ "decision": "refusal", "reasons": reasons })),
            )
        }
    };
    transition(deps, caller, &app, action, record).await?;
    load(deps, caller, number, None).await
}

/// Hands the signed result to the citizen; returns the application after it.
pub async fn deliver(deps: &Deps<'_>, caller: &ApiKey, number: &str) -> Result<Application, Error> {
    let app = load(deps, caller, number, None).await?;
    transition(deps, caller, &app, Action::Deliver, None).await?;
    load(deps, caller, number, None).await
}

/// The regulations' questionnaire: each answer `not`, `partly` or `fully`.
pub async fn survey(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    on_behalf: Option<&str>,
    process: &str,
    information: &str,
) -> Result<(), Error> {
    let app = load(deps, caller, number, on_behalf).await?;
    for v in [process, information] {
        if !["not", "partly", "fully"].contains(&v) {
            return Err(Error::Invalid("answers are not, partly or fully".into()));
        }
    }
    let first = deps
        .store
        .survey(number, &app.service, process, information, deps.now)
        .await?;
    if first {
        Ok(())
    } else {
        Err(Error::AlreadyAnswered(
            "the survey was already answered".into(),
        ))
    }
}

/// Which provider's applications a list shows: the caller's own, or for an
/// administrator every provider's (`None`) or the one `asked` names.
pub fn scope(
    deps: &Deps<'_>,
    caller: &ApiKey,
    asked: Option<&str>,
) -> Result<Option<String>, Error> {
    match org(deps, caller)? {
        Org::Provider(p) => match asked {
            Some(b) if b != p.bin => Err(Error::Forbidden(format!(
                "an employee of {} sees {} only",
                p.bin, p.bin
            ))),
            _ => Ok(Some(p.bin.clone())),
        },
        Org::Centre(c) => Err(Error::Forbidden(format!(
            "service centre {} keeps no provider's lists",
            c.bin
        ))),
        Org::Any => match asked {
            Some(b) if deps.flow.providers.provider(b).is_none() => Err(Error::Invalid(format!(
                "provider {b} is not in the providers catalogue"
            ))),
            other => Ok(other.map(String::from)),
        },
    }
}

/// Applications past their deadline and not yet signed or delivered, in the
/// caller's scope; with the date they were judged against (Kazakhstan time).
pub async fn overdue(
    deps: &Deps<'_>,
    caller: &ApiKey,
    asked: Option<&str>,
) -> Result<(String, Vec<Application>), Error> {
    let only = scope(deps, caller, asked)?;
    let today = super::calendar::ymd(super::calendar::kz_date(deps.now));
    let list = deps.store.overdue(&today, only.as_deref()).await?;
    Ok((today, list))
}
