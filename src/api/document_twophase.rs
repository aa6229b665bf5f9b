//! Signing an application's document in two phases: `prepare` keeps the
//! revision with the signature's place reserved and returns the bytes the
//! signer's device signs; `finish` checks the value and completes the
//! signature. The case is `workflow::twophase`; this module adapts it to HTTP.

use super::auth::Ctx;
use super::json::{ApiJson, b64, pem_or_b64};
use super::problem::ApiError;
use crate::verdict::problem::ProblemCode;
use crate::workflow::twophase::{self, Finish};
use axum::Json;
use axum::extract::Path;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// Phase one of signing the document on the signer's device.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocPrepareBody {
    /// The signer's certificate: PEM or base64 DER.
    pub certificate: String,
    /// Its issuers, base64 DER (else taken from the trust store).
    pub chain: Option<Vec<String>>,
}

/// Phase two: the device's signature value, or the CMS the signer's client made.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocFinishBody {
    /// The id phase one returned.
    pub prepared_id: String,
    /// The raw signature value over `data_to_sign`, base64 (ECDSA as DER or r‖s).
    pub signature_value: Option<String>,
    /// Instead: a CMS SignedData (base64) the officer's client (NCALayer,
    /// eGov mobile) made over `document_data` or `document_digest`, with the
    /// PAdES attributes (content-type, message-digest,
    /// signing-certificate-v2); detached or attached with that data; a
    /// signature time-stamp (CAdES-T) is kept.
    pub cms: Option<String>,
}

/// The signer's certificate (DER) and the issuers the body gives.
pub(super) fn certificate_and_chain(
    body: &DocPrepareBody,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), ApiError> {
    let raw = pem_or_b64("certificate", &body.certificate)?;
    let cert_der = crate::input::decode_der(&raw, &["CERTIFICATE"]).map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("certificate: {e}"),
        )
    })?;
    let given: Vec<Vec<u8>> = body
        .chain
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| b64(&format!("chain[{i}]"), c))
        .collect::<Result<_, _>>()?;
    Ok((cert_der, given))
}

/// Prepares the document's signature for the signer's device: returns the
/// bytes to sign (the CAdES signed attributes over the PDF's ByteRange).
#[utoipa::path(post, path = "/v1/applications/{number}/sign/prepare", request_body = DocPrepareBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "{ prepared_id, data_to_sign, digest, digest_algorithm, digest_algorithm_oid, signature_algorithm, document_digest, document_data, byte_range, document_sha256, stage, expires_at }", body = Object),
              (status = 409, description = "Nothing to sign, or the employee's signature is missing"),
              (status = 403, description = "Not the provider's employee or head, or not the key holder's certificate")),
    security(("bearer" = [])))]
pub async fn prepare(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DocPrepareBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (cert_der, given) = certificate_and_chain(&body)?;
    let deps = super::flow_deps(&state);
    let p = twophase::prepare(&deps, &caller.0, &number, &cert_der, &given).await?;
    let digest = p.pdf.scheme.digest();
    Ok(Json(json!({
        "prepared_id": p.id,
        "stage": p.stage.as_str(),
        "data_to_sign": b64e(&p.pdf.data_to_sign),
        "digest": b64e(&digest.hash(&p.pdf.data_to_sign)),
        "digest_algorithm": digest.name(),
        "digest_algorithm_oid": digest.oid().to_string(),
        "signature_algorithm": p.pdf.scheme.name(),
        "document_digest": b64e(&p.pdf.document_digest),
        "document_data": b64e(&p.document_data),
        "byte_range": p.pdf.byte_range,
        "document_sha256": p.pdf.outcome.signed_revision_sha256,
        "expires_at": crate::time::rfc3339(p.expires_at),
    })))
}

/// Finishes the document's signature with the device's value; the
/// application moves on only when the signed PDF verifies.
#[utoipa::path(post, path = "/v1/applications/{number}/sign/finish", request_body = DocFinishBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "Signed; the application after it", body = Object),
              (status = 400, description = "Unknown or expired prepared_id, or a value or CMS that does not verify (sign_code PREPARED_INVALID, PREPARED_EXPIRED, SIGNATURE_VALUE_INVALID, CMS_MALFORMED, CMS_SIGNER_COUNT, CMS_SIGNER_MISMATCH, CMS_CONTENT_MISMATCH, CMS_TOO_LARGE, PADES_ATTRIBUTES_MISSING with `missing`, CMS_SIGNING_TIME_MISMATCH, or the CMS verdict's code)"),
              (status = 409, description = "The application changed meanwhile")),
    security(("bearer" = [])))]
pub async fn finish(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DocFinishBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let input = match (&body.signature_value, &body.cms) {
        (Some(v), None) => Finish::Value(b64("signature_value", v)?),
        (None, Some(c)) => Finish::Cms(b64("cms", c)?),
        _ => {
            return Err(ApiError::new(
                ProblemCode::RequestFieldInvalid,
                "give exactly one of signature_value or cms",
            ));
        }
    };
    let deps = super::flow_deps(&state);
    let app = twophase::finish(&deps, &caller.0, &number, &body.prepared_id, input).await?;
    super::document_sign::signed_app(&state, &app).await
}

fn b64e(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}
