//! `POST /v1/verify`: condition 2 over HTTP. A failed verdict is a 200 result.

use super::audit_entry;
use super::auth::Ctx;
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use super::validation::{ValidationOptions, off_workers_if};
use crate::envelope::{self, VerifyRequest};
use crate::pki::Usage;
use serde::Deserialize;
use utoipa::ToSchema;

/// A verification request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The CMS SignedData, base64 (DER or BER; PEM text also accepted).
    pub signature: String,
    /// The signed bytes of a detached signature, base64.
    pub data: Option<String>,
    /// The IIN stated in the request: turns the IIN checks on.
    pub iin: Option<String>,
    /// How to validate: time, extra material, revocation.
    #[serde(flatten)]
    pub options: ValidationOptions,
}

/// Verifies a CMS envelope (condition 2).
#[utoipa::path(post, path = "/v1/verify", request_body = VerifyBody,
    responses((status = 200, description = "The verdict (PASSED, FAILED or INDETERMINATE)", body = Object),
              (status = 400, description = "Malformed request (problem+json)"),
              (status = 401, description = "No or bad API key"), (status = 403, description = "Role not allowed")),
    security(("bearer" = [])))]
pub async fn verify(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<super::json::JsonBody, ApiError> {
    let envelope = super::json::pem_or_b64("signature", &body.signature)?;
    let data = body.data.as_deref().map(|d| b64("data", d)).transpose()?;
    let v = body.options.read(&state, Usage::Sign, body.iin.clone())?;
    let trust = state.trust();
    // The envelope goes with the work and comes back for the audit record.
    let (verdict, envelope) = off_workers_if(v.policy.ocsp.is_some(), move || {
        let req = VerifyRequest {
            envelope: &envelope,
            data: data.as_deref(),
            at: v.at,
            policy: v.policy,
            extra: v.extra,
            crls: v.crls,
        };
        let verdict = envelope::verify(&req, &trust);
        (verdict, envelope)
    })
    .await?;
    metrics::counter!("qoltanba_verdicts_total", "operation" => "verify", "code" => verdict.code.as_str()).increment(1);
    let data_hash = verdict
        .envelope
        .as_ref()
        .and_then(|e| e["content_sha256"].as_str().map(String::from))
        .unwrap_or_else(|| crate::pki::cert::hex(&crate::pki::cert::sha256(&envelope)));
    super::audited_verdict(
        &state,
        audit_entry(&caller, "verify", data_hash, &verdict),
        &verdict,
    )
    .await
}
