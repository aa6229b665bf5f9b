//! `POST /v1/xml/verify` and `POST /v1/xml/sign`: XML request documents and
//! WS-Security messages over HTTP. A failed verdict is a 200 result; the
//! verdict's `envelope.references` name the signed elements and carry the
//! exact signed bytes (base64).

use super::audit_entry;
use super::auth::Ctx;
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use super::validation::{ValidationOptions, off_workers_if};
use crate::pki::Usage;
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
    /// How to validate: time, extra material, revocation.
    #[serde(flatten)]
    pub options: ValidationOptions,
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
    let v = body
        .options
        .read(&state, body.usage.unwrap_or_default(), body.iin.clone())?;
    let trust = state.trust();
    let iin_element = body.iin_element.clone();
    let xml_hash = crate::pki::cert::hex(&crate::pki::cert::sha256(&xml));
    // Canonicalisation and signatures are CPU work, OCSP is network: off the async workers.
    let verdict = off_workers_if(true, move || {
        let req = XmlVerifyRequest {
            xml: &xml,
            at: v.at,
            policy: v.policy,
            extra: v.extra,
            crls: v.crls,
            iin_element,
        };
        xmldsig::verify(&req, &trust).verdict
    })
    .await?;
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
    let now = crate::time::now();
    let (key, cert) = super::sign::server_key(&state, &caller, &body.key_id, now)?;
    let signed = if body.wsse.unwrap_or(false) {
        let id = crate::random::hex(16)
            .map_err(|_| ApiError::new(ProblemCode::Internal, "no random source"))?;
        let opts = WsseOptions {
            now,
            timestamp_ttl: body.timestamp_ttl,
            id,
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
    let xml_sha256 = crate::pki::cert::hex(&crate::pki::cert::sha256(&xml));
    super::sign::audit_signed(
        &state,
        &caller,
        now,
        "xml.sign",
        xml_sha256,
        cert.serial_hex(),
    )
    .await?;
    Ok(Json(serde_json::json!({
        "xml": base64::engine::general_purpose::STANDARD.encode(signed),
        "key_id": body.key_id,
    })))
}
