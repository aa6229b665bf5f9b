//! Signing an application's decided document: the employee's signature on
//! the draft (where the service has a review stage), then the head's on the
//! result, with a server-held key; the same signature in two phases (the
//! key on the signer's own device) is `document_twophase`.
//!
//! The rules (who signs, in what order, with which certificate) live in
//! `workflow::document`; the PDF work in `pdf`. This module checks the
//! caller and the certificate, binds the certificate to the API key's
//! holder, and moves the application on only when the signed PDF verifies.

use super::AppState;
use super::applications::{app_json, load};
use super::auth::Caller;
use super::json::ApiJson;
use super::problem::ApiError;
use crate::pdf::sign::{SignOptions, StampPlacement};
use crate::pki::cert::Certificate;
use crate::pki::signer::Signer;
use crate::pki::{Policy, TrustProfile};
use crate::store::applications::Application;
use crate::store::audit::AuditEntry;
use crate::store::documents::Draft;
use crate::store::keys::Role;
use crate::verdict::problem::ProblemCode;
use crate::workflow::catalogue::Service;
use crate::workflow::document::{self, DocumentFacts, HEAD_FIELD, SignStage};
use crate::workflow::state::{Action, Status};
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

/// An application whose document the caller may sign now, and what it is.
pub(super) struct Signing {
    pub(super) app: Application,
    pub(super) from: Status,
    pub(super) service: Service,
    pub(super) stage: SignStage,
    pub(super) draft: Option<Draft>,
}

/// Checks that the caller's signature is the one the document waits for.
pub(super) async fn begin(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> Result<Signing, ApiError> {
    let app = load(state, caller, number, None).await?;
    let from = app.status;
    if from.next(Action::Sign).is_none() {
        return Err(ApiError::new(
            ProblemCode::TransitionNotAllowed,
            format!("nothing to sign while the application is {}", from.as_str()),
        ));
    }
    let service = state
        .workflow
        .catalogue
        .get(&app.service)
        .cloned()
        .ok_or_else(|| ApiError::new(ProblemCode::Internal, "unknown service"))?;
    let stage = match caller.0.role {
        Role::Provider => SignStage::Draft,
        Role::Head => SignStage::Result,
        _ => {
            return Err(ApiError::new(
                ProblemCode::Forbidden,
                "the employee signs the draft and the head the result",
            ));
        }
    };
    let draft = state.store.draft(number).await?;
    match (stage, document::awaited(&service, draft.is_some())) {
        (SignStage::Draft, SignStage::Result) if draft.is_none() => {
            return Err(ApiError::new(
                ProblemCode::TransitionNotAllowed,
                format!("{} has no review stage: the head signs alone", service.id),
            ));
        }
        (SignStage::Draft, SignStage::Result) => {
            return Err(ApiError::new(
                ProblemCode::TransitionNotAllowed,
                "the draft is signed already; the head signs next",
            ));
        }
        (SignStage::Result, SignStage::Draft) => {
            return Err(ApiError::new(
                ProblemCode::EmployeeSignatureRequired,
                format!(
                    "{} has a review stage: the employee signs the draft first",
                    service.id
                ),
            ));
        }
        _ => {}
    }
    Ok(Signing {
        app,
        from,
        service,
        stage,
        draft,
    })
}

/// Binds the API key to its holder's IIN (first use) or checks it, so an
/// employee's key signs only with that employee's certificate. Under a test
/// PKI's anchor the IIN is twelve digits without the check digit, as
/// `pki::iin_check` reads it (the NCA's test PKI issues IINs that fail it).
pub(super) async fn check_holder(
    state: &AppState,
    caller: &Caller,
    cert: &Certificate,
    trust: TrustProfile,
    now: i64,
) -> Result<(), ApiError> {
    let profile = crate::pki::profile::profile(cert);
    let test_pki = trust == TrustProfile::Test;
    let Some(iin) = profile.iin.filter(|i| i.valid || test_pki).map(|i| i.value) else {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            "the certificate carries no valid IIN of its holder",
        ));
    };
    let bound = state
        .store
        .bind_api_key_iin(&caller.0.id, &iin, now)
        .await?;
    if bound != iin {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            format!("the certificate is IIN {iin}'s, but this API key is held by IIN {bound}"),
        ));
    }
    Ok(())
}

/// Checks the signer's certificate: the provider's BIN and a role strong
/// enough for the stage, the key holder's IIN, and usable now.
pub(super) async fn check_signer(
    state: &AppState,
    caller: &Caller,
    s: &Signing,
    cert: &Certificate,
    extra_chain: &[Vec<u8>],
    now: i64,
) -> Result<(), ApiError> {
    let profile = crate::pki::profile::profile(cert);
    if let Some(why) = document::signer_refusal(s.stage, &profile, &s.app.provider) {
        return Err(ApiError::new(ProblemCode::Forbidden, why));
    }
    let extra = crate::pki::Extra {
        certs: extra_chain
            .iter()
            .filter_map(|d| Certificate::from_der(d).ok().map(Arc::new))
            .collect(),
        rejected_certs: Vec::new(),
    };
    let (trust, usable) = crate::keys::assess_signer(cert, &state.trust(), &extra, now);
    check_holder(state, caller, cert, trust, now).await?;
    usable.map_err(|e| {
        let mut err = ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string());
        err.extra = Some(json!({ "sign_code": e.code(), "sign_message": e.message() }));
        err
    })
}

/// The PDF to sign: the employee's draft, or the document rendered now.
pub(super) fn base_pdf(s: &Signing, officer: &Certificate, now: i64) -> Result<Vec<u8>, ApiError> {
    if let Some(d) = &s.draft {
        return base64::engine::general_purpose::STANDARD
            .decode(&d.pdf)
            .map_err(|_| ApiError::new(ProblemCode::Internal, "stored draft is not base64"));
    }
    let decision = s.app.decision.clone().unwrap_or_default();
    let doc = document::result_doc(&DocumentFacts {
        service: &s.service,
        provider_bin: &s.app.provider,
        number: &s.app.number,
        iin: &s.app.iin,
        registered_at: s.app.registered_at,
        decision: &decision,
        officer,
        stage: s.stage,
        now,
    });
    use crate::pdf::render::Lang;
    crate::pdf::render::render(&doc, &[Lang::Kk, Lang::Ru], now).map_err(internal)
}

/// How the signature is made at this stage.
pub(super) fn options<'a>(
    state: &AppState,
    s: &Signing,
    signer: &'a dyn Signer,
    cert: &'a [u8],
    chain: &'a [Vec<u8>],
    now: i64,
) -> Result<SignOptions<'a>, ApiError> {
    let refusal = s
        .app
        .decision
        .as_ref()
        .is_some_and(|d| d["decision"] == "refusal");
    let mut text = crate::pdf::stamp::text_from_certificate(cert, now).map_err(internal)?;
    // The code beside the QR opens the document on the public page.
    text.access_code =
        Some(crate::web::access::generate(&ring::rand::SystemRandom::new()).map_err(internal)?);
    let public_url = state.config.public_url.clone();
    let draft_stage = s.stage == SignStage::Draft;
    Ok(SignOptions {
        signer,
        cert,
        chain,
        time: now,
        field: (s.draft.is_some()).then(|| HEAD_FIELD.to_string()),
        reason: Some(document::reason(s.stage, refusal).into()),
        location: None,
        stamp: Some(StampPlacement {
            page: None,
            rect: None,
            text,
        }),
        public_url,
        document_id: Some(s.app.number.clone()),
        // The employee certifies the draft (DocMDP P=2): the head's signature
        // in the field left for it is the only change allowed after.
        certify: draft_stage,
        tsa: None,
        ltv: None,
        extra_room: 0,
        add_fields: if draft_stage {
            vec![HEAD_FIELD.to_string()]
        } else {
            Vec::new()
        },
    })
}

/// Keeps the hash of the access code printed on the stamp of `opts` (the
/// code itself is on the paper only).
pub(super) async fn keep_access_code(
    state: &AppState,
    number: &str,
    opts: &SignOptions<'_>,
    now: i64,
) -> Result<(), ApiError> {
    if let Some(code) = opts
        .stamp
        .as_ref()
        .and_then(|s| s.text.access_code.as_deref())
    {
        let hash =
            crate::web::access::hash(code, &ring::rand::SystemRandom::new()).map_err(internal)?;
        state.store.put_access_code(number, &hash, now).await?;
    }
    Ok(())
}

/// Keeps the signed PDF when it verifies and moves the application on.
pub(super) async fn complete(
    state: &AppState,
    caller: &Caller,
    s: &Signing,
    signed: &[u8],
    cert: &Certificate,
    now: i64,
) -> Result<Json<serde_json::Value>, ApiError> {
    let report = crate::pdf::verify::verify_bytes(
        signed,
        &state.trust(),
        &crate::pdf::verify::PdfVerifyRequest {
            at: now,
            policy: Policy::default(),
            extra: Default::default(),
            crls: Default::default(),
        },
    );
    if report.code != "OK" {
        return Err(ApiError::new(
            ProblemCode::ServiceUnavailable,
            format!(
                "the signed document does not verify ({}); nothing was kept",
                report.code
            ),
        ));
    }
    let b64 = b64e(signed);
    let note = format!(
        "signed by {} ({})",
        cert.subject.cn.clone().unwrap_or_default(),
        cert.serial_hex()
    );
    let (ok, operation) = match s.stage {
        SignStage::Draft => (
            state
                .store
                .put_draft(
                    &s.app.number,
                    s.from.as_str(),
                    &Draft {
                        pdf: b64,
                        signed_by: caller.0.id.clone(),
                        signer_serial: cert.serial_hex(),
                        at: now,
                    },
                    caller.0.role.as_str(),
                    &note,
                )
                .await?,
            "application.sign_draft",
        ),
        SignStage::Result => (
            state
                .store
                .transition(
                    &s.app.number,
                    s.from,
                    Status::ResultSigned,
                    (&caller.0.id, caller.0.role.as_str()),
                    "sign",
                    &note,
                    None,
                    Some(&b64),
                    now,
                )
                .await?,
            "application.sign",
        ),
    };
    if !ok {
        return Err(ApiError::new(
            ProblemCode::TransitionNotAllowed,
            "the application changed meanwhile",
        ));
    }
    state
        .audit
        .record(AuditEntry {
            at: now,
            key_id: caller.0.id.clone(),
            role: caller.0.role.as_str().into(),
            operation: operation.into(),
            data_sha256: crate::pki::cert::hex(&crate::pki::cert::sha256(signed)),
            signer_serial: cert.serial_hex(),
            result_code: "OK".into(),
        })
        .await?;
    let app = load(state, caller, &s.app.number, None).await?;
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
    let s = begin(state, caller, number).await?;
    let keys = crate::keys::KeyStore::open(
        &state.config.data_dir,
        state.config.master_key_file.as_deref(),
    )
    .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, e.to_string()))?;
    let key = keys
        .load(key_id)
        .map_err(|e| field_invalid(e.code(), format!("{}: {e}", e.code())))?;
    let cert = key
        .certificate()
        .map_err(|e| field_invalid(e.code(), e.to_string()))?;
    let now = state.now();
    check_signer(state, caller, &s, &cert, &key.chain_der, now).await?;
    let pdf = base_pdf(&s, &cert, now)?;
    let opts = options(state, &s, &key, &key.cert_der, &key.chain_der, now)?;
    let (signed, _) = crate::pdf::sign::sign_bytes(&pdf, &opts).map_err(internal)?;
    keep_access_code(state, &s.app.number, &opts, now).await?;
    complete(state, caller, &s, &signed, &cert, now).await
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
