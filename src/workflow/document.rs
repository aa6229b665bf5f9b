//! The decided document of an application and who signs it, in order.
//!
//! Where the service has a review stage the employee who reviewed it signs
//! the draft first (a certification signature that leaves a field for the
//! head), then the head or a person who may sign for the provider signs it;
//! elsewhere the head signs alone. This module decides the order and the
//! document's content; rendering and signing belong to `pdf`.

use super::catalogue::Service;
use crate::pdf::render::{self, Applicant, Bilingual, Kind, Officer, ResultDoc};
use crate::pki::cert::Certificate;
use crate::pki::profile::Profile;

/// The signature field the head signs when the employee certified the draft.
pub const HEAD_FIELD: &str = "HeadSignature";

/// Which signature an application's document is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignStage {
    /// The employee's, on the draft.
    Draft,
    /// The head's, on the result.
    Result,
}

impl SignStage {
    /// The stage's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            SignStage::Draft => "draft",
            SignStage::Result => "result",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<SignStage> {
        match s {
            "draft" => Some(SignStage::Draft),
            "result" => Some(SignStage::Result),
            _ => None,
        }
    }
}

/// Whether the employee signs the draft before the head (the service has a review stage).
pub fn employee_signs_draft(service: &Service) -> bool {
    service.stages.iter().any(|s| s.name == "review")
}

/// The signature the decided document waits for: the employee's on the
/// draft until it is there (where the service has a review stage), then
/// the head's.
pub fn awaited(service: &Service, draft_signed: bool) -> SignStage {
    if employee_signs_draft(service) && !draft_signed {
        SignStage::Draft
    } else {
        SignStage::Result
    }
}

/// Roles (EKU) strong enough to sign for the provider as its employee.
pub const EMPLOYEE_ROLES: [&str; 5] = ["employee", "hr", "financial", "may_sign", "head"];
/// Roles (EKU) that may sign the result: the head and whoever may sign.
pub const HEAD_ROLES: [&str; 2] = ["head", "may_sign"];

/// Why `profile` may not sign at `stage` for the provider `bin`, if it may not.
pub fn signer_refusal(stage: SignStage, profile: &Profile, bin: &str) -> Option<String> {
    let roles: &[&str] = match stage {
        SignStage::Draft => &EMPLOYEE_ROLES,
        SignStage::Result => &HEAD_ROLES,
    };
    organisation_refusal(profile.bin.as_deref(), &profile.roles, bin, roles)
}

/// The one rule for an organisation's people: why a certificate carrying
/// `bin` and `roles` may not act for the organisation with BIN `expected`
/// in one of the roles `allowed`, if it may not. Employees and operators
/// submitting, employees signing drafts and heads signing results all go
/// through it.
pub fn organisation_refusal(
    bin: Option<&str>,
    roles: &[impl AsRef<str>],
    expected: &str,
    allowed: &[&str],
) -> Option<String> {
    if bin != Some(expected) {
        return Some(format!(
            "the certificate carries BIN {}, not the organisation's {expected}",
            bin.unwrap_or("none")
        ));
    }
    if !roles.iter().any(|r| allowed.contains(&r.as_ref())) {
        let have: Vec<&str> = roles.iter().map(|r| r.as_ref()).collect();
        return Some(format!(
            "the certificate's roles ({}) do not include one of: {}",
            have.join(", "),
            allowed.join(", ")
        ));
    }
    None
}

/// What the document says: the decision, the service, the applicant and the
/// officer (the signer of the draft, or the head when there is no draft).
pub struct DocumentFacts<'a> {
    /// The service.
    pub service: &'a Service,
    /// The provider's BIN.
    pub provider_bin: &'a str,
    /// The application number.
    pub number: &'a str,
    /// The applicant's IIN.
    pub iin: &'a str,
    /// Registered, Unix seconds.
    pub registered_at: i64,
    /// The stored decision (`{"decision": "approval"|"refusal", "reasons": [...]}`).
    pub decision: &'a serde_json::Value,
    /// The officer's certificate.
    pub officer: &'a Certificate,
    /// Who the officer is.
    pub stage: SignStage,
    /// When the document is made, Unix seconds.
    pub now: i64,
}

/// The document for `facts`.
pub fn result_doc(facts: &DocumentFacts<'_>) -> ResultDoc {
    use super::calendar::{kz_date, ymd};
    let refusal = facts.decision["decision"] == "refusal";
    let reasons = facts.decision["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x.as_str())
                .map(|x| Bilingual {
                    kk: x.into(),
                    ru: x.into(),
                })
                .collect()
        })
        .unwrap_or_default();
    let org = facts.officer.subject.o.clone().unwrap_or_default();
    let position = match facts.stage {
        SignStage::Draft => Bilingual {
            kk: "Орындаушы".into(),
            ru: "Исполнитель".into(),
        },
        SignStage::Result => Bilingual {
            kk: "Басшы".into(),
            ru: "Руководитель".into(),
        },
    };
    ResultDoc {
        kind: if refusal {
            Kind::Refusal
        } else {
            Kind::Notification
        },
        document_id: Some(facts.number.to_string()),
        service: Bilingual {
            kk: facts.service.name_kk.clone(),
            ru: facts.service.name_ru.clone(),
        },
        provider: render::Provider {
            name: Bilingual {
                kk: org.clone(),
                ru: org,
            },
            bin: facts.provider_bin.to_string(),
        },
        applicant: Applicant {
            name: facts.iin.to_string(),
            iin: facts.iin.to_string(),
        },
        application: render::Application {
            number: facts.number.to_string(),
            submitted: ymd(kz_date(facts.registered_at)),
            decided: ymd(kz_date(facts.now)),
        },
        decision: if refusal {
            Bilingual {
                kk: "Мемлекеттік қызмет көрсетуден дәлелді бас тарту.".into(),
                ru: "Мотивированный отказ в оказании государственной услуги.".into(),
            }
        } else {
            Bilingual {
                kk: "Мемлекеттік қызмет көрсетілді.".into(),
                ru: "Государственная услуга оказана.".into(),
            }
        },
        reasons,
        officer: Officer {
            name: facts.officer.subject.cn.clone().unwrap_or_default(),
            position,
        },
    }
}

/// The `/Reason` of a signature at `stage` on a refusal or a result.
pub fn reason(stage: SignStage, refusal: bool) -> &'static str {
    match (stage, refusal) {
        (SignStage::Draft, true) => "Reasoned refusal, drafted",
        (SignStage::Draft, false) => "Result of the public service, drafted",
        (SignStage::Result, true) => "Reasoned refusal",
        (SignStage::Result, false) => "Result of the public service",
    }
}
