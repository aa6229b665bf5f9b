//! `POST /v1/verify`: condition 2 over HTTP. A failed verdict is a 200 result.

use super::auth::Ctx;
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use super::{AppState, audit_entry};
use crate::envelope::{self, VerifyRequest};
use crate::pki::cert::Certificate;
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, Usage};
use crate::verdict::problem::ProblemCode;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Most extra certificates or CRLs in one request.
pub const MAX_EXTRA: usize = 32;

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
    /// Validation time, RFC 3339 (default: now).
    pub at: Option<String>,
    /// Extra untrusted certificates, base64 DER.
    pub certs: Option<Vec<String>>,
    /// Extra CRLs, base64 DER.
    pub crls: Option<Vec<String>>,
    /// Skip revocation checking (reported in the verdict's policy).
    pub no_revocation: Option<bool>,
    /// Which sources decide revocation: crl (default), ocsp, both, any.
    #[schema(value_type = Option<String>)]
    pub revocation: Option<crate::pki::RevocationMode>,
    /// OCSP responder URL, instead of the certificates' own.
    pub ocsp_url: Option<String>,
    /// The revocation policy for this request (e.g. `fallback`,
    /// `outage,crl-grace=24h`), instead of the service's.
    pub revocation_policy: Option<String>,
}

/// The policy's revocation part: the service's policy (per trust profile),
/// the request's own policy or sources when given, and OCSP (with the
/// shared client) when a policy uses it.
pub fn revocation_policy(
    state: &AppState,
    p: Policy,
    mode: Option<crate::pki::RevocationMode>,
    url: Option<String>,
    spec: Option<&str>,
) -> Result<Policy, ApiError> {
    use crate::pki::revocation::RevocationPolicy;
    let given = spec.map(RevocationPolicy::parse).transpose().map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("revocation_policy: {e}"),
        )
    })?;
    // The request's own choice applies to every anchor; else the service's,
    // per trust profile.
    let test = if given.is_some() || mode.is_some() {
        None
    } else {
        state.test_revocation
    };
    let mut rp = given.unwrap_or(state.revocation);
    if let Some(m) = mode {
        rp.mode = m;
    }
    let uses_ocsp = [Some(rp), test]
        .iter()
        .flatten()
        .any(|x| x.mode != crate::pki::RevocationMode::Crl);
    let ocsp = (uses_ocsp && !p.no_revocation).then(|| state.ocsp.clone());
    Ok(Policy {
        revocation: rp.mode,
        revocation_rules: rp.rules,
        test_revocation: test,
        ocsp_url: url,
        ocsp,
        ..p
    })
}

/// Parses `at`, or now.
pub fn at_or_now(at: Option<&str>) -> Result<i64, ApiError> {
    match at {
        Some(s) => crate::time::parse_rfc3339(s)
            .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, format!("at: {e}"))),
        None => Ok(crate::time::now()),
    }
}

/// Decodes extra certificates and CRLs (bad ones become verdict codes, as in the CLI).
pub fn extras(
    state: &AppState,
    certs: Option<&[String]>,
    crls: Option<&[String]>,
) -> Result<(Extra, RevocationStore), ApiError> {
    let (certs, crls) = (certs.unwrap_or_default(), crls.unwrap_or_default());
    if certs.len() > MAX_EXTRA || crls.len() > MAX_EXTRA {
        return Err(ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("at most {MAX_EXTRA} certs and {MAX_EXTRA} crls"),
        ));
    }
    let mut extra = Extra::default();
    for (i, c) in certs.iter().enumerate() {
        let der = b64(&format!("certs[{i}]"), c)?;
        match Certificate::from_der(&der) {
            Ok(c) => extra.certs.push(Arc::new(c)),
            Err(e) => extra
                .rejected_certs
                .push((format!("certs[{i}]"), e.to_string())),
        }
    }
    let mut store = RevocationStore::default();
    let mut cas = state.trust().cas();
    cas.extend(extra.certs.iter().cloned());
    for (i, c) in crls.iter().enumerate() {
        store.add_bytes_checked(&b64(&format!("crls[{i}]"), c)?, &format!("crls[{i}]"), &cas);
    }
    Ok((extra, store))
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
    let at = at_or_now(body.at.as_deref())?;
    let (extra, crls) = extras(&state, body.certs.as_deref(), body.crls.as_deref())?;
    let policy = Policy {
        usage: Usage::Sign,
        no_revocation: body.no_revocation.unwrap_or(false),
        iin: body.iin.clone(),
        ..Default::default()
    };
    let policy = revocation_policy(
        &state,
        policy,
        body.revocation,
        body.ocsp_url.clone(),
        body.revocation_policy.as_deref(),
    )?;
    let trust = state.trust();
    let verdict = if policy.ocsp.is_some() {
        // OCSP goes over the network: off the async workers (the copies are cheap next to it).
        let (env, data) = (envelope.clone(), data.clone());
        tokio::task::spawn_blocking(move || {
            let req = VerifyRequest {
                envelope: &env,
                data: data.as_deref(),
                at,
                policy,
                extra,
                crls,
            };
            envelope::verify(&req, &trust)
        })
        .await
        .map_err(|_| ApiError::new(ProblemCode::Internal, "verification task failed"))?
    } else {
        let req = VerifyRequest {
            envelope: &envelope,
            data: data.as_deref(),
            at,
            policy,
            extra,
            crls,
        };
        envelope::verify(&req, &trust)
    };
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
