//! `POST /v1/sign` with a server-held key, and `POST /v1/sign/prepare` and
//! `/v1/sign/finish`: two-phase signing for a signer whose key stays on their
//! own device.
//!
//! A server-held key may be used only by the role its certificate's holder
//! has (national CA profile, EKU): a head or may-sign certificate by `head`,
//! an employee's by `provider` or `operator`; an individual's by nobody.

use super::AppState;
use super::auth::{Caller, Ctx};
use super::json::{ApiJson, b64, pem_or_b64};
use super::problem::ApiError;
use crate::envelope::twophase::{self, Prepared, TwoPhaseError};
use crate::store::audit::AuditEntry;
use crate::verdict::problem::ProblemCode;
use axum::Json;
use axum::extract::State;
use base64::Engine;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Phase one request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepareBody {
    /// The data to sign, base64.
    pub data: String,
    /// The signer's certificate, base64 DER or PEM.
    pub certificate: String,
    /// The rest of the chain, base64 DER.
    pub chain: Option<Vec<String>>,
    /// Keep the data inside the envelope.
    pub attached: Option<bool>,
}

/// Phase two request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinishBody {
    /// The prepared request exactly as phase one returned it.
    #[schema(value_type = Object)]
    pub prepared: Prepared,
    /// The raw signature value over `data_to_sign`, base64 (or give `cms`).
    pub signature_value: Option<String>,
    /// Instead of `signature_value`: a CMS SignedData the signer's own client
    /// made over the prepared data or `content_digest` (base64; detached or
    /// attached; with or without signed attributes; CAdES-T allowed).
    pub cms: Option<String>,
    /// With `cms` without signed attributes over detached data: the data, base64.
    pub data: Option<String>,
    /// Output format of `signature`: always base64 of DER here.
    pub format: Option<String>,
}

fn refused(e: TwoPhaseError) -> ApiError {
    let mut err = ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string());
    err.extra = Some(serde_json::json!({ "sign_code": e.code() }));
    err
}

/// Phase one: the bytes the signer's device must sign.
#[utoipa::path(post, path = "/v1/sign/prepare", request_body = PrepareBody,
    responses((status = 200, description = "The prepared request (data_to_sign, digest, digest_algorithm, ...)", body = Object)), security(("bearer" = [])))]
pub async fn prepare(
    State(state): State<Arc<AppState>>,
    ApiJson(body): ApiJson<PrepareBody>,
) -> Result<Json<Prepared>, ApiError> {
    let data = b64("data", &body.data)?;
    let cert_bytes = pem_or_b64("certificate", &body.certificate)?;
    let cert = crate::input::decode_der(&cert_bytes, &["CERTIFICATE"]).map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("certificate: {e}"),
        )
    })?;
    let chain = body
        .chain
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, c)| b64(&format!("chain[{i}]"), c))
        .collect::<Result<Vec<_>, _>>()?;
    let p = twophase::prepare(
        &data,
        body.attached.unwrap_or(false),
        &cert,
        &chain,
        state.now(),
        twophase::DEFAULT_TTL,
        &state.prepare_secret,
    )
    .map_err(refused)?;
    Ok(Json(p))
}

/// Phase two: checks the signature value and returns the envelope (base64 DER).
#[utoipa::path(post, path = "/v1/sign/finish", request_body = FinishBody,
    responses((status = 200, description = "{ signature: base64 CMS, verdict (with cms) }", body = Object),
              (status = 400, description = "sign_code PREPARED_INVALID, PREPARED_EXPIRED, SIGNATURE_VALUE_INVALID, CMS_MALFORMED, CMS_SIGNER_COUNT, CMS_SIGNER_MISMATCH, CMS_CONTENT_MISMATCH, or the verdict's code")),
    security(("bearer" = [])))]
pub async fn finish(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<FinishBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let now = state.now();
    let (env, verdict) = match (&body.signature_value, &body.cms) {
        (Some(v), None) => {
            let value = b64("signature_value", v)?;
            let env = twophase::finish(&body.prepared, &value, now, &state.prepare_secret)
                .map_err(refused)?;
            (env, None)
        }
        (None, Some(c)) => {
            let cms = b64("cms", c)?;
            let data = body.data.as_deref().map(|d| b64("data", d)).transpose()?;
            let (env, verdict) = twophase::finish_cms(
                &body.prepared,
                &cms,
                data.as_deref(),
                now,
                &state.prepare_secret,
                &state.trust(),
                crate::pki::Policy::default(),
            )
            .map_err(refused)?;
            (env, Some(verdict))
        }
        _ => {
            return Err(ApiError::new(
                ProblemCode::RequestFieldInvalid,
                "give exactly one of signature_value or cms",
            ));
        }
    };
    let cert = base64::engine::general_purpose::STANDARD
        .decode(&body.prepared.certificate)
        .unwrap_or_default();
    let serial = crate::pki::cert::Certificate::from_der(&cert)
        .map(|c| c.serial_hex())
        .unwrap_or_default();
    metrics::counter!("qoltanba_signatures_total", "kind" => "two_phase").increment(1);
    let data_sha256 = body.prepared.content_sha256.clone();
    audit_signed(&state, &caller, now, "sign.finish", data_sha256, serial).await?;
    let mut out =
        serde_json::json!({ "signature": base64::engine::general_purpose::STANDARD.encode(env) });
    if let Some(v) = verdict {
        out["verdict"] = serde_json::to_value(&v).unwrap_or_default();
    }
    Ok(Json(out))
}

/// A server-side signing request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignBody {
    /// The stored key (`qoltanba keys import --id`).
    pub key_id: String,
    /// The data to sign, base64.
    pub data: String,
    /// Keep the data inside the envelope.
    pub attached: Option<bool>,
    /// A TSA URL: add a signature time-stamp (CAdES-T).
    pub tsa: Option<String>,
}

/// The API roles that may use a key, from its certificate's EKU roles.
pub fn owner_roles(cert: &crate::pki::cert::Certificate) -> &'static [crate::store::keys::Role] {
    use crate::store::keys::Role;
    let roles = crate::pki::profile::profile(cert).roles;
    if roles.iter().any(|r| *r == "head" || *r == "may_sign") {
        &[Role::Head]
    } else if roles
        .iter()
        .any(|r| matches!(*r, "employee" | "hr" | "financial"))
    {
        &[Role::Provider, Role::Operator]
    } else {
        &[]
    }
}

fn key_problem(status: u16, e: &crate::keys::KeyError) -> ApiError {
    let code = if status == 403 {
        ProblemCode::Forbidden
    } else {
        ProblemCode::RequestFieldInvalid
    };
    let mut err = ApiError::new(code, e.to_string());
    err.extra = Some(serde_json::json!({ "sign_code": e.code(), "sign_message": e.message() }));
    err
}

/// The server-held key `key_id`, if the caller's role may use it and it
/// is usable at `now`, with its certificate.
pub(super) fn server_key(
    state: &AppState,
    caller: &Caller,
    key_id: &str,
    now: i64,
) -> Result<(crate::keys::LoadedKey, crate::pki::cert::Certificate), ApiError> {
    let keys = crate::keys::KeyStore::open(
        &state.config.data_dir,
        state.config.master_key_file.as_deref(),
    )
    .map_err(|e| key_problem(503, &e))?;
    let key = keys.load(key_id).map_err(|e| key_problem(400, &e))?;
    let cert = key.certificate().map_err(|e| key_problem(400, &e))?;
    if !owner_roles(&cert).contains(&caller.0.role) {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            format!(
                "key {key_id} may not be used by role {}",
                caller.0.role.as_str()
            ),
        ));
    }
    key.check_usable(&state.trust(), now)
        .map_err(|e| key_problem(400, &e))?;
    Ok((key, cert))
}

/// Records a signature made for the caller: `operation` over the data
/// whose SHA-256 (hex) is `data_sha256`, by the certificate `serial`.
pub(super) async fn audit_signed(
    state: &AppState,
    caller: &Caller,
    now: i64,
    operation: &str,
    data_sha256: String,
    serial: String,
) -> Result<(), ApiError> {
    state
        .audit
        .record(AuditEntry::by(
            &caller.0,
            now,
            operation,
            data_sha256,
            serial,
            "OK",
        ))
        .await?;
    Ok(())
}

/// Signs with a key held by the service (CAdES-BES, or -T with `tsa`).
#[utoipa::path(post, path = "/v1/sign", request_body = SignBody,
    responses((status = 200, description = "{ signature: base64 CMS }", body = Object), (status = 403, description = "The key belongs to another role")),
    security(("bearer" = [])))]
pub async fn sign(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<SignBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let data = b64("data", &body.data)?;
    let now = crate::time::now();
    let (key, cert) = server_key(&state, &caller, &body.key_id, now)?;
    let mut env = crate::envelope::sign::sign(
        &data,
        body.attached.unwrap_or(false),
        &key,
        &key.cert_der,
        &key.chain_der,
        now,
    )
    .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string()))?;
    if let Some(url) = &body.tsa {
        let url = url.clone();
        let signed = env.clone();
        let health = state.upstreams.clone();
        env = tokio::task::spawn_blocking(move || {
            crate::envelope::sign::add_signature_timestamp(
                &signed,
                1,
                &crate::tsp::WatchedTsa {
                    inner: &crate::tsp::HttpTsa::default(),
                    health: &health,
                },
                &url,
            )
        })
        .await
        .map_err(|_| ApiError::new(ProblemCode::Internal, "time-stamping task failed"))?
        .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, e.to_string()))?;
    }
    metrics::counter!("qoltanba_signatures_total", "kind" => "server_key").increment(1);
    let data_sha256 = crate::pki::cert::hex(&crate::pki::cert::sha256(&data));
    audit_signed(&state, &caller, now, "sign", data_sha256, cert.serial_hex()).await?;
    Ok(Json(
        serde_json::json!({ "signature": base64::engine::general_purpose::STANDARD.encode(env), "key_id": body.key_id }),
    ))
}
