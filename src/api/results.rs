//! Results and scans: the head signs the decided document as a stamped PAdES
//! PDF (kept only when it verifies), delivery, the signed PDF for the
//! citizen, and attachment uploads bound by hash.

use super::AppState;
use super::applications::{OnBehalf, app_json, bad, load, transition};
use super::auth::Caller;
use super::json::ApiJson;
use super::problem::ApiError;
use crate::pki::Policy;
use crate::store::audit::AuditEntry;
use crate::store::keys::Role;
use crate::verdict::problem::ProblemCode;
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

/// The head's signing of the decided document.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignResultBody {
    /// The head's server-held key (`qoltanba keys import --id`).
    pub key_id: String,
}

/// Renders the decided document (notification or reasoned refusal, kk and
/// ru), signs it with the head's key as a stamped PAdES signature, and moves
/// the application on only when the signed PDF verifies.
#[utoipa::path(post, path = "/v1/applications/{number}/sign", request_body = SignResultBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "Signed; the application after it", body = Object), (status = 409, description = "No decision to sign"), (status = 403, description = "The key is not the head's")),
    security(("bearer" = [])))]
pub async fn sign_result(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<SignResultBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    use crate::pdf::render::{self, Applicant, Bilingual, Kind, Lang, Officer, ResultDoc};
    let app = load(&state, &caller, &number, None).await?;
    let from = Status::parse(&app.status)
        .ok_or_else(|| ApiError::new(ProblemCode::Internal, "unknown stored status"))?;
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
        .ok_or_else(|| bad("unknown service"))?;
    let keys = crate::keys::KeyStore::open(
        &state.config.data_dir,
        state.config.master_key_file.as_deref(),
    )
    .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, e.to_string()))?;
    let key = keys
        .load(&body.key_id)
        .map_err(|e| bad(format!("{}: {e}", e.code())))?;
    let cert = key.certificate().map_err(|e| bad(e.to_string()))?;
    // The result is signed by the provider's authorised person: head or may-sign, of the provider's BIN.
    let profile = crate::pki::profile::profile(&cert);
    let authorised = profile
        .roles
        .iter()
        .any(|r| *r == "head" || *r == "may_sign")
        && profile.bin.as_deref() == Some(state.workflow.provider_bin.as_str());
    if caller.0.role != Role::Head || !authorised {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            "the result is signed by the head (or may-sign) of the provider, with the head's key",
        ));
    }
    let now = crate::time::now();
    let trust = state.trust();
    key.check_usable(&trust, now)
        .map_err(|e| bad(format!("{}: {e}", e.code())))?;
    let decision = app.decision.clone().unwrap_or_default();
    let refusal = decision["decision"] == "refusal";
    let reasons: Vec<Bilingual> = decision["reasons"]
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
    let officer_name = cert.subject.cn.clone().unwrap_or_default();
    let doc = ResultDoc {
        kind: if refusal {
            Kind::Refusal
        } else {
            Kind::Notification
        },
        document_id: Some(app.number.clone()),
        service: Bilingual {
            kk: service.name_kk.clone(),
            ru: service.name_ru.clone(),
        },
        provider: render::Provider {
            name: Bilingual {
                kk: cert.subject.o.clone().unwrap_or_default(),
                ru: cert.subject.o.clone().unwrap_or_default(),
            },
            bin: state.workflow.provider_bin.clone(),
        },
        applicant: Applicant {
            name: app.iin.clone(),
            iin: app.iin.clone(),
        },
        application: render::Application {
            number: app.number.clone(),
            submitted: crate::workflow::calendar::ymd(crate::workflow::calendar::kz_date(
                app.registered_at,
            )),
            decided: crate::workflow::calendar::ymd(crate::workflow::calendar::kz_date(now)),
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
            name: officer_name,
            position: Bilingual {
                kk: "Басшы".into(),
                ru: "Руководитель".into(),
            },
        },
    };
    let pdf = render::render(&doc, &[Lang::Kk, Lang::Ru], now)
        .map_err(|e| ApiError::new(ProblemCode::Internal, e.to_string()))?;
    let text = crate::pdf::stamp::text_from_certificate(&key.cert_der, now)
        .map_err(|e| ApiError::new(ProblemCode::Internal, e.to_string()))?;
    let public_url = std::env::var("QOLTANBA_PUBLIC_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:8080/verify".into());
    let opts = crate::pdf::sign::SignOptions {
        signer: &key,
        cert: &key.cert_der,
        chain: &key.chain_der,
        time: now,
        field: None,
        reason: Some(if refusal {
            "Reasoned refusal".into()
        } else {
            "Result of the public service".into()
        }),
        location: None,
        stamp: Some(crate::pdf::sign::StampPlacement {
            page: None,
            rect: None,
            text,
        }),
        public_url,
        document_id: Some(app.number.clone()),
        certify: false,
        tsa: None,
        ltv: None,
        add_fields: Vec::new(),
    };
    let (signed, _) = crate::pdf::sign::sign_bytes(&pdf, &opts)
        .map_err(|e| ApiError::new(ProblemCode::Internal, e.to_string()))?;
    // The application moves on only when the signed PDF verifies.
    let report = crate::pdf::verify::verify_bytes(
        &signed,
        &trust,
        &crate::pdf::verify::PdfVerifyRequest {
            at: now,
            policy: Policy::default(),
            extra: Default::default(),
            crls: Default::default(),
        },
    );
    if report.code != "OK" {
        return Err(ApiError::new(
            ProblemCode::Internal,
            format!("the signed result does not verify: {}", report.code),
        ));
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&signed);
    let ok = state
        .store
        .transition(
            &app.number,
            from.as_str(),
            Status::ResultSigned.as_str(),
            (&caller.0.id, caller.0.role.as_str()),
            "sign",
            &format!("signed by {}", cert.serial_hex()),
            None,
            Some(&b64),
            now,
        )
        .await?;
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
            operation: "application.sign".into(),
            data_sha256: crate::pki::cert::hex(&crate::pki::cert::sha256(&signed)),
            signer_serial: cert.serial_hex(),
            result_code: "OK".into(),
        })
        .await?;
    let app = load(&state, &caller, &number, None).await?;
    Ok(Json(app_json(
        &state,
        &app,
        state.store.history(&number).await?,
    )))
}

/// Hands the signed result to the citizen.
#[utoipa::path(post, path = "/v1/applications/{number}/deliver", params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "Delivered", body = Object), (status = 409, description = "Not signed yet")), security(("bearer" = [])))]
pub async fn deliver(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let app = load(&state, &caller, &number, None).await?;
    transition(&state, &caller, &app, Action::Deliver, None).await?;
    let app = load(&state, &caller, &number, None).await?;
    Ok(Json(app_json(
        &state,
        &app,
        state.store.history(&number).await?,
    )))
}

/// The signed result PDF.
#[utoipa::path(get, path = "/v1/applications/{number}/result.pdf", params(("number" = String, Path, description = "Registration number"), ("iin" = Option<String>, Query, description = "The citizen (portal)")),
    responses((status = 200, description = "application/pdf", content_type = "application/pdf"), (status = 404, description = "No signed result")), security(("bearer" = [])))]
pub async fn result_pdf(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    Query(q): Query<OnBehalf>,
) -> Result<Response, ApiError> {
    let app = load(&state, &caller, &number, q.iin.as_deref()).await?;
    let pdf = app
        .result
        .as_deref()
        .and_then(|r| base64::engine::general_purpose::STANDARD.decode(r).ok())
        .ok_or_else(|| ApiError::new(ProblemCode::NotFound, "no signed result yet"))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

/// Largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

/// The media type of a scan, from its first bytes (PDF, JPEG, PNG only).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// Uploads a scan (PDF, JPEG or PNG, raw body); stored by SHA-256.
#[utoipa::path(post, path = "/v1/attachments", request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The scan: PDF, JPEG or PNG"),
    responses((status = 201, description = "{ sha256, size, media_type }", body = Object), (status = 400, description = "Not a PDF, JPEG or PNG, or empty"), (status = 413, description = "Too large")),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if body.len() > MAX_ATTACHMENT {
        return Err(ApiError::new(
            ProblemCode::RequestTooLarge,
            format!("attachments are at most {MAX_ATTACHMENT} bytes"),
        ));
    }
    let media = sniff(&body).ok_or_else(|| bad("an attachment is a PDF, JPEG or PNG scan"))?;
    if let Some(ct) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        let ct = ct.split(';').next().unwrap_or("").trim();
        if ct != media && ct != "application/octet-stream" {
            return Err(bad(format!("the content is {media}, not {ct}")));
        }
    }
    let sha = crate::pki::cert::hex(&crate::pki::cert::sha256(&body)).to_lowercase();
    state
        .store
        .put_attachment(&sha, media, &body, crate::time::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "sha256": sha, "size": body.len(), "media_type": media })),
    )
        .into_response())
}
