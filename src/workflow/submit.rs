//! Submitting an application (processes 1–4 of the regulations): through
//! the portal (the citizen's signature), an employee of the provider or an
//! operator of a service centre (their own signature, their organisation's
//! BIN and role); condition 1 (the person exists, the power of attorney
//! holds) where a person acts for the citizen, condition 2 always, then
//! registration with the provider's next number, or a recorded refusal.

use super::error::Error;
use super::providers::{Org, Provider};
use super::{Deps, Workflow, catalogue::Service};
use crate::envelope::{self, VerifyRequest};
use crate::pki::{Policy, Usage};
use crate::store::Store;
use crate::store::applications::{Application, NewApplication};
use crate::store::audit::AuditEntry;
use crate::store::keys::{ApiKey, Role};
use crate::verdict::{Check, Code, Verdict};
use serde_json::json;

/// The channel an application comes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The e-government portal: the citizen signs.
    Portal,
    /// The provider's employee takes it.
    Provider,
    /// A service centre's operator takes it.
    Operator,
}

impl Channel {
    /// Parses `portal`, `provider` or `operator`.
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "portal" => Some(Channel::Portal),
            "provider" => Some(Channel::Provider),
            "operator" => Some(Channel::Operator),
            _ => None,
        }
    }

    /// The name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Provider => "provider",
            Channel::Operator => "operator",
        }
    }

    /// The role that submits through it.
    fn role(self) -> Role {
        match self {
            Channel::Portal => Role::Portal,
            Channel::Provider => Role::Provider,
            Channel::Operator => Role::Operator,
        }
    }
}

/// A submission as received.
pub struct Submission<'a> {
    /// Service id.
    pub service: &'a str,
    /// `portal`, `provider` or `operator`.
    pub channel: &'a str,
    /// The request's exact bytes (JSON with a top-level `iin`).
    pub request: &'a [u8],
    /// The CMS envelope over them.
    pub envelope: &'a [u8],
    /// The provider's BIN, when the caller names one.
    pub provider: Option<&'a str>,
}

/// A registered application.
pub struct Submitted {
    /// The application.
    pub application: Application,
    /// False when the same envelope was registered before (idempotent).
    pub created: bool,
}

/// The request's parts the flow reads.
struct Request {
    iin: String,
    json: serde_json::Value,
    /// SHA-256 of the envelope (hex): the idempotency key.
    sha: String,
}

fn read_request(s: &Submission<'_>) -> Result<Request, Error> {
    let json: serde_json::Value = serde_json::from_slice(s.request)
        .map_err(|e| Error::Invalid(format!("request is not JSON: {e}")))?;
    let iin = json
        .get("iin")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Invalid("request has no top-level iin".into()))?
        .to_string();
    let sha = crate::pki::cert::hex(&crate::pki::cert::sha256(s.envelope));
    Ok(Request { iin, json, sha })
}

/// Submits an application; `Err(Error::Refused)` carries the verdict of a
/// refusal (recorded, no number).
pub async fn submit(
    deps: &Deps<'_>,
    caller: &ApiKey,
    s: &Submission<'_>,
) -> Result<Submitted, Error> {
    let flow = deps.flow;
    let service = flow
        .catalogue
        .get(s.service)
        .ok_or_else(|| Error::Invalid(format!("unknown service {}", s.service)))?;
    let channel = Channel::parse(s.channel)
        .ok_or_else(|| Error::Invalid(format!("unknown channel {}", s.channel)))?;
    if caller.role != channel.role() {
        return Err(Error::Forbidden(format!(
            "role {} may not submit through channel {}",
            caller.role.as_str(),
            channel.as_str()
        )));
    }
    let me = flow
        .providers
        .org_of(caller.role, caller.org.as_deref())
        .map_err(Error::Forbidden)?;
    let provider = provider_for(flow, me, service, s.provider)?;
    let req = read_request(s)?;
    attachments_uploaded(deps.store, &req.json).await?;
    let refuse = async |code: &str| {
        deps.store
            .record_refusal(
                &req.sha,
                deps.now,
                &service.id,
                channel.as_str(),
                &req.iin,
                code,
                &caller.id,
            )
            .await
    };
    // Condition 1 (employee and operator channels): the person exists, and
    // a representative's notarised power of attorney holds (ЕНИС).
    if channel != Channel::Portal {
        if let Err(e) = person_exists(flow, &req.iin).await {
            if let Error::PersonNotFound(_) = e {
                refuse("PERSON_NOT_FOUND").await?;
            }
            return Err(e);
        }
        if channel == Channel::Operator
            && let Err(e) = power_of_attorney(flow, &req, deps.now).await
        {
            if let Error::PowerOfAttorneyInvalid(_) = e {
                refuse("POWER_OF_ATTORNEY_INVALID").await?;
            }
            return Err(e);
        }
    }
    let verdict = condition_2(deps, caller, channel, me, &req, s).await?;
    deps.audit
        .record(AuditEntry::by(
            caller,
            crate::time::now(),
            "application.submit",
            crate::pki::cert::hex(&crate::pki::cert::sha256(s.request)),
            verdict
                .signer
                .as_ref()
                .and_then(|s| s["serial"].as_str().map(String::from))
                .unwrap_or_default(),
            verdict.code.as_str(),
        ))
        .await?;
    if !verdict.passed() {
        // Process 4: a refusal with the verdict's code, kept for the record, no number.
        refuse(verdict.code.as_str()).await?;
        return Err(Error::Refused(Box::new(verdict)));
    }
    let (deadline, stages) = flow.deadlines(service, deps.now);
    use base64::Engine;
    let new = NewApplication {
        provider: &provider.bin,
        prefix: &provider.number_prefix,
        year: super::calendar::kz_date(deps.now).year(),
        service: &service.id,
        channel: channel.as_str(),
        iin: &req.iin,
        request_sha256: &req.sha,
        request: &String::from_utf8_lossy(s.request),
        envelope: &base64::engine::general_purpose::STANDARD.encode(s.envelope),
        at: deps.now,
        deadline: &deadline,
        stages: &stages.to_string(),
        created_by: &caller.id,
    };
    let (application, created) = deps.store.register(&new).await?;
    Ok(Submitted {
        application,
        created,
    })
}

/// Whose application it is: the employee's own provider, or the one asked
/// for (among those the operator's centre serves).
fn provider_for<'a>(
    flow: &'a Workflow,
    me: Org<'a>,
    service: &Service,
    asked: Option<&str>,
) -> Result<&'a Provider, Error> {
    let providers = &flow.providers;
    match me {
        Org::Provider(p) => {
            if asked.is_some_and(|b| b != p.bin) {
                return Err(Error::Forbidden(format!(
                    "an employee of {} submits for {} only",
                    p.bin, p.bin
                )));
            }
            providers.choose(&service.id, Some(&p.bin), None)
        }
        Org::Centre(c) => providers.choose(&service.id, asked, Some(&c.bin)),
        Org::Any => providers.choose(&service.id, asked, None),
    }
    .map_err(Error::Invalid)
}

/// The signed request binds its attachments by hash: each must have been uploaded.
async fn attachments_uploaded(store: &Store, request: &serde_json::Value) -> Result<(), Error> {
    let Some(list) = request.get("attachments").and_then(|a| a.as_array()) else {
        return Ok(());
    };
    for a in list {
        let h = a
            .get("sha256")
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Invalid("every attachment needs a sha256".into()))?
            .to_lowercase();
        if h.len() != 64
            || !h.bytes().all(|b| b.is_ascii_hexdigit())
            || !store.has_attachment(&h).await?
        {
            return Err(Error::Invalid(format!(
                "attachment {h} was not uploaded (POST /v1/attachments)"
            )));
        }
    }
    Ok(())
}

/// Condition 1: the person is in ГБД ФЛ.
async fn person_exists(flow: &Workflow, iin: &str) -> Result<(), Error> {
    // Registry calls block (HTTP with retries): off the async workers.
    let persons = flow.persons.clone();
    let who = iin.to_string();
    let found = tokio::task::spawn_blocking(move || persons.find(&who))
        .await
        .map_err(|_| Error::Internal("registry task failed".into()))?;
    match found {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(Error::PersonNotFound(format!(
            "no person with IIN {iin} in the registry"
        ))),
        Err(e) => Err(Error::Unavailable(e.to_string())),
    }
}

/// A representative at the service centre: the notarised power of
/// attorney, checked in ЕНИС (none given: the citizen came in person).
async fn power_of_attorney(flow: &Workflow, req: &Request, now: i64) -> Result<(), Error> {
    let Some(rep) = req.json.get("representative") else {
        return Ok(());
    };
    let field = |name: &str| {
        rep.get(name)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Invalid(format!("representative.{name} is required")))
    };
    let rep_iin = field("iin")?;
    let number = field("power_of_attorney")?;
    let notary = flow.notary.clone();
    let wanted = number.to_string();
    let poa = tokio::task::spawn_blocking(move || notary.find_poa(&wanted))
        .await
        .map_err(|_| Error::Internal("registry task failed".into()))?
        .map_err(|e| Error::Unavailable(e.to_string()))?;
    let today = super::calendar::ymd(super::calendar::kz_date(now));
    let problem = match &poa {
        None => Some("unknown to the notary registry"),
        Some(p) if p.revoked => Some("revoked"),
        Some(p) if p.valid_until.as_str() < today.as_str() => Some("expired"),
        Some(p) if p.principal_iin != req.iin => Some("given by someone else"),
        Some(p) if p.representative_iin != rep_iin => Some("given to someone else"),
        Some(_) => None,
    };
    match problem {
        Some(why) => Err(Error::PowerOfAttorneyInvalid(format!(
            "power of attorney {number}: {why}"
        ))),
        None => Ok(()),
    }
}

/// Condition 2: the citizen's signature with the IIN check (portal), or
/// the employee's or operator's own signature: their organisation's BIN,
/// an employee role, and the person who holds the API key.
async fn condition_2(
    deps: &Deps<'_>,
    caller: &ApiKey,
    channel: Channel,
    me: Org<'_>,
    req: &Request,
    s: &Submission<'_>,
) -> Result<Verdict, Error> {
    let policy = Policy {
        usage: Usage::Sign,
        iin: (channel == Channel::Portal).then(|| req.iin.clone()),
        ..Policy::default()
    };
    let vreq = VerifyRequest {
        envelope: s.envelope,
        data: Some(s.request),
        at: deps.now,
        policy,
        ..Default::default()
    };
    let verdict = envelope::verify(&vreq, &deps.trust);
    let Some(bin) = me
        .bin()
        .filter(|_| verdict.passed() && channel != Channel::Portal)
    else {
        return Ok(verdict);
    };
    let signer = verdict.signer.clone().unwrap_or_default();
    let roles: Vec<&str> = signer["roles"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
        .unwrap_or_default();
    let refusal = super::document::organisation_refusal(
        signer["bin"].as_str(),
        &roles,
        bin,
        &super::document::EMPLOYEE_ROLES,
    );
    if let Some(problem) = refusal {
        let check = Check::failed(
            "iin",
            Code::KeyUsageInvalid,
            json!({ "problem": problem, "expected_bin": bin, "bin": signer["bin"], "roles": roles }),
        );
        return Ok(verdict.with_check("iin", check));
    }
    // The employee (or operator) who holds the API key signs with their own
    // certificate: the key is bound to the first IIN it signs with (or the
    // one given at creation) and to no other.
    let signer_iin = signer["iin"].as_str().unwrap_or_default().to_string();
    let holder = if signer_iin.is_empty() || signer["iin_info"]["valid"] != true {
        None
    } else {
        Some(
            deps.store
                .bind_api_key_iin(&caller.id, &signer_iin, deps.now)
                .await?,
        )
    };
    if holder.as_deref() == Some(signer_iin.as_str()) {
        return Ok(verdict);
    }
    let check = Check::failed(
        "iin",
        Code::IinMismatch,
        json!({ "problem": "the signer is not the person who holds this API key", "signer_iin": signer_iin, "key_holder_iin": holder }),
    );
    Ok(verdict.with_check("iin", check))
}
