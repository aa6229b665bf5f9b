//! `POST /v1/xml/verify` and `POST /v1/xml/sign`: XML request documents and
//! WS-Security messages over HTTP. A failed verdict is a 200 result; the
//! verdict's `envelope.references` name the signed elements and carry the
//! exact signed bytes (base64).

use super::audit_entry;
use super::auth::Ctx;
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use super::sign::owner_roles;
use super::verify::{at_or_now, extras, revocation_policy};
use crate::pki::{Policy, Usage};
use crate::store::audit::AuditEntry;
use crate::verdict::problem::ProblemCode;
use crate::xmldsig::{self, WsseOptions, XmlVerifyRequest};
use axum::Json;
use base64::Engine;
use serde::Deserialize;
use utoipa::ToSchema;

/// An XML verification request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct XmlVerifyBody {
    /// The signed XML (UTF-8), base64.
    pub xml: String,
    /// The IIN stated in the request: turns the IIN checks on.
    pub iin: Option<String>,
    /// The element of the service's schema holding the applicant's IIN (local name).
    pub iin_element: Option<String>,
    /// Required key usage: sign (default), auth or any.
    #[schema(value_type = Option<String>)]
    pub usage: Option<Usage>,
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
    /// The revocation policy for this request, instead of the service's.
    pub revocation_policy: Option<String>,
}

/// Verifies a signed XML document or WS-Security message (condition 2).
#[utoipa::path(post, path = "/v1/xml/verify", request_body = XmlVerifyBody,
    responses((status = 200, description = "The verdict (PASSED, FAILED or INDETERMINATE); envelope.references name the signed elements and carry their bytes", body = Object),
              (status = 400, description = "Malformed request (problem+json)"),
              (status = 401, description = "No or bad API key"), (status = 403, description = "Role not allowed")),
    security(("bearer" = [])))]
pub async fn verify(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<XmlVerifyBody>,
) -> Result<super::json::JsonBody, ApiError> {
    let xml = b64("xml", &body.xml)?;
    let at = at_or_now(body.at.as_deref())?;
    let (extra, crls) = extras(&state, body.certs.as_deref(), body.crls.as_deref())?;
    let policy = Policy {
        usage: body.usage.unwrap_or_default(),
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
    let iin_element = body.iin_element.clone();
    let xml_hash = crate::pki::cert::hex(&crate::pki::cert::sha256(&xml));
    // Canonicalisation and signatures are CPU work, OCSP is network: off the async workers.
    let verdict = tokio::task::spawn_blocking(move || {
        let req = XmlVerifyRequest {
            xml: &xml,
            at,
            policy,
            extra,
            crls,
            iin_element,
        };
        xmldsig::verify(&req, &trust).verdict
    })
    .await
    .map_err(|_| ApiError::new(ProblemCode::Internal, "verification task failed"))?;
    metrics::counter!("qoltanba_verdicts_total", "operation" => "xml.verify", "code" => verdict.code.as_str()).increment(1);
    super::audited_verdict(
        &state,
        audit_entry(&caller, "xml.verify", xml_hash, &verdict),
        &verdict,
    )
    .await
}

/// A server-side XML signing request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct XmlSignBody {
    /// The stored key (`qoltanba keys import --id`).
    pub key_id: String,
    /// The XML to sign (UTF-8), base64.
    pub xml: String,
    /// Sign a SOAP message with WS-Security for the gateway (default: enveloped XMLDSig).
    pub wsse: Option<bool>,
    /// With wsse: add a wsu:Timestamp valid this many seconds, and sign it.
    pub timestamp_ttl: Option<i64>,
}

/// Signs an XML document (enveloped, exclusive C14N) or a SOAP message
/// (WS-Security) with a key held by the service.
#[utoipa::path(post, path = "/v1/xml/sign", request_body = XmlSignBody,
    responses((status = 200, description = "{ xml: base64 of the signed XML, key_id }", body = Object), (status = 403, description = "The key belongs to another role")),
    security(("bearer" = [])))]
pub async fn sign(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<XmlSignBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let xml = b64("xml", &body.xml)?;
    let keys = crate::keys::KeyStore::open(
        &state.config.data_dir,
        state.config.master_key_file.as_deref(),
    )
    .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, e.to_string()))?;
    let key = keys
        .load(&body.key_id)
        .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string()))?;
    let cert = key
        .certificate()
        .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string()))?;
    if !owner_roles(&cert).contains(&caller.0.role) {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            format!(
                "key {} may not be used by role {}",
                body.key_id,
                caller.0.role.as_str()
            ),
        ));
    }
    let now = crate::time::now();
    key.check_usable(&state.trust(), now)
        .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string()))?;
    let signed = if body.wsse.unwrap_or(false) {
        use ring::rand::SecureRandom;
        let mut id = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut id)
            .map_err(|_| ApiError::new(ProblemCode::Internal, "no random source"))?;
        let opts = WsseOptions {
            now,
            timestamp_ttl: body.timestamp_ttl,
            id: crate::pki::cert::hex(&id).to_lowercase(),
        };
        xmldsig::sign_wsse(&xml, &key, &key.cert_der, &opts)
    } else if body.timestamp_ttl.is_some() {
        return Err(ApiError::new(
            ProblemCode::RequestFieldInvalid,
            "timestamp_ttl needs wsse",
        ));
    } else {
        xmldsig::sign_enveloped(&xml, &key, &key.cert_der)
    }
    .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string()))?;
    metrics::counter!("qoltanba_signatures_total", "kind" => "xml").increment(1);
    state
        .audit
        .record(AuditEntry::by(
            &caller.0,
            now,
            "xml.sign",
            crate::pki::cert::hex(&crate::pki::cert::sha256(&xml)),
            cert.serial_hex(),
            "OK",
        ))
        .await?;
    Ok(Json(serde_json::json!({
        "xml": base64::engine::general_purpose::STANDARD.encode(signed),
        "key_id": body.key_id,
    })))
}
