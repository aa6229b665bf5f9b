//! Signing an application's document in two phases: `prepare` keeps the
//! revision with the signature's place reserved and returns the bytes the
//! signer's device signs; `finish` checks the value and completes the
//! signature. Who may sign, in what order, and what happens after are
//! `document_sign`'s, shared with the server-held-key path.

use super::AppState;
use super::auth::Caller;
use super::document_sign::{
    b64e, base_pdf, begin, check_signer, complete, field_invalid, internal, keep_access_code,
    options,
};
use super::json::{ApiJson, b64, pem_or_b64};
use super::problem::ApiError;
use crate::envelope::client::{self, ClientCms, ClientCmsError};
use crate::pdf::twophase::{self, ExternalSigner};
use crate::pki::cert::Certificate;
use crate::store::documents::Pending;
use crate::verdict::problem::ProblemCode;
use crate::workflow::document::SignStage;
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
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

/// Room in `/Contents` for a client's CMS beyond qoltanba's own: its
/// attributes, a longer chain and a signature time-stamp token.
pub const CLIENT_ROOM: usize = 24 * 1024;

/// How long a prepared document signature waits for its value, in seconds.
pub const PREPARED_TTL: i64 = crate::envelope::twophase::DEFAULT_TTL;

/// Prepares the document's signature for the signer's device: returns the
/// bytes to sign (the CAdES signed attributes over the PDF's ByteRange).
#[utoipa::path(post, path = "/v1/applications/{number}/sign/prepare", request_body = DocPrepareBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "{ prepared_id, data_to_sign, digest, digest_algorithm, digest_algorithm_oid, signature_algorithm, document_digest, document_data, byte_range, document_sha256, stage, expires_at }", body = Object),
              (status = 409, description = "Nothing to sign, or the employee's signature is missing"),
              (status = 403, description = "Not the provider's employee or head, or not the key holder's certificate")),
    security(("bearer" = [])))]
pub async fn prepare(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DocPrepareBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let s = begin(&state, &caller, &number).await?;
    let raw = pem_or_b64("certificate", &body.certificate)?;
    let cert_der = crate::input::decode_der(&raw, &["CERTIFICATE"]).map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("certificate: {e}"),
        )
    })?;
    let cert = Certificate::from_der(&cert_der).map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("certificate: {e}"),
        )
    })?;
    let given: Vec<Vec<u8>> = body
        .chain
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, c)| b64(&format!("chain[{i}]"), c))
        .collect::<Result<_, _>>()?;
    let now = state.now();
    check_signer(&state, &caller, &s, &cert, &given, now).await?;
    // The CMS carries the whole chain, as a server-held key's does.
    let chain: Vec<Vec<u8>> =
        crate::pdf::sign::ltv_material(&cert_der, &given, &state.trust(), &[])
            .certs
            .into_iter()
            .filter(|c| *c != cert_der)
            .collect();
    let signer = ExternalSigner::new(&cert_der, None)
        .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string()))?;
    let pdf = base_pdf(&s, &cert, now)?;
    let mut opts = options(&state, &s, &signer, &cert_der, &chain, now)?;
    opts.extra_room = CLIENT_ROOM;
    let prepared = twophase::prepare(&pdf, &opts, &signer).map_err(internal)?;
    keep_access_code(&state, &s.app.number, &opts, now).await?;
    let document_data =
        twophase::byte_range_bytes(&prepared.pdf, prepared.byte_range).map_err(internal)?;
    let id = {
        use ring::rand::SecureRandom;
        let mut b = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut b)
            .map_err(|_| internal("no randomness"))?;
        crate::pki::cert::hex(&b).to_lowercase()
    };
    let mut certs = vec![b64e(&cert_der)];
    certs.extend(chain.iter().map(|c| b64e(c)));
    let br = prepared.byte_range;
    state
        .store
        .put_pending(&Pending {
            id: id.clone(),
            number: s.app.number.clone(),
            key_id: caller.0.id.clone(),
            stage: s.stage.as_str().into(),
            pdf: b64e(&prepared.pdf),
            certificate: certs.join(","),
            byte_range: format!("{} {} {} {}", br[0], br[1], br[2], br[3]),
            created_at: now,
            expires_at: now + PREPARED_TTL,
        })
        .await?;
    let digest = prepared.scheme.digest();
    Ok(Json(json!({
        "prepared_id": id,
        "stage": s.stage.as_str(),
        "data_to_sign": b64e(&prepared.data_to_sign),
        "digest": b64e(&digest.hash(&prepared.data_to_sign)),
        "digest_algorithm": digest.name(),
        "digest_algorithm_oid": digest.oid().to_string(),
        "signature_algorithm": prepared.scheme.name(),
        "document_digest": b64e(&prepared.document_digest),
        "document_data": b64e(&document_data),
        "byte_range": prepared.byte_range,
        "document_sha256": prepared.outcome.signed_revision_sha256,
        "expires_at": crate::time::rfc3339(now + PREPARED_TTL),
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
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DocFinishBody>,
) -> Result<Response, ApiError> {
    // Another provider's (or an unknown) application: 404, as everywhere.
    super::applications::load(&state, &caller, &number, None).await?;
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
    let p = state
        .store
        .pending(&body.prepared_id)
        .await?
        .filter(|p| p.key_id == caller.0.id && p.number == number)
        .ok_or_else(|| {
            field_invalid(
                "PREPARED_INVALID",
                "no such prepared signature for this key and application",
            )
        })?;
    let now = state.now();
    if now > p.expires_at {
        state.store.drop_pending(&p.id).await?;
        return Err(field_invalid(
            "PREPARED_EXPIRED",
            format!(
                "the prepared signature expired at {}",
                crate::time::rfc3339(p.expires_at)
            ),
        ));
    }
    let s = begin(&state, &caller, &number).await?;
    let corrupt = || {
        ApiError::new(
            ProblemCode::Internal,
            "stored prepared signature is corrupt",
        )
    };
    let decode = |t: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(t)
            .map_err(|_| corrupt())
    };
    let prepared = decode(&p.pdf)?;
    let mut certs = p
        .certificate
        .split(',')
        .map(decode)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let cert_der = certs.next().ok_or_else(corrupt)?;
    let chain: Vec<Vec<u8>> = certs.collect();
    let nums: Vec<u64> = p
        .byte_range
        .split(' ')
        .filter_map(|n| n.parse().ok())
        .collect();
    let br: [u64; 4] = nums.try_into().map_err(|_| corrupt())?;
    // The state it was prepared in: the same stage, over the same draft.
    let same_base = match &s.draft {
        Some(d) => prepared.starts_with(&decode(&d.pdf)?),
        None => true,
    };
    if SignStage::parse(&p.stage) != Some(s.stage) || !same_base {
        state.store.drop_pending(&p.id).await?;
        return Err(ApiError::new(
            ProblemCode::TransitionNotAllowed,
            "the application changed since the signature was prepared",
        ));
    }
    let cert = Certificate::from_der(&cert_der).map_err(|_| corrupt())?;
    let signed = match input {
        Finish::Value(value) => {
            check_signer(&state, &caller, &s, &cert, &chain, now).await?;
            let signer = ExternalSigner::new(&cert_der, Some(value)).map_err(internal)?;
            let opts = options(&state, &s, &signer, &cert_der, &chain, now)?;
            twophase::finish(&prepared, br, &opts).map_err(|e| match e {
                crate::pdf::PdfError::SignatureValueInvalid => field_invalid(
                    "SIGNATURE_VALUE_INVALID",
                    "the signature value does not verify with the certificate's key over data_to_sign",
                ),
                other => internal(other),
            })?
        }
        Finish::Cms(cms) => {
            let client = read_client_cms(&cms, &cert_der)?;
            claimed_time_agrees(&client, p.created_at)?;
            check_signer(&state, &caller, &s, &cert, &chain, now).await?;
            finish_with_cms(&state, &prepared, br, &client, now)?
        }
    };
    let out = complete(&state, &caller, &s, &signed, &cert, now).await?;
    state.store.drop_pending(&p.id).await?;
    Ok(out.into_response())
}

/// What the client sent back.
enum Finish {
    Value(Vec<u8>),
    Cms(Vec<u8>),
}

fn cms_refused(e: ClientCmsError) -> ApiError {
    let mut err = field_invalid(e.code(), e.to_string());
    if let ClientCmsError::PadesAttributesMissing(missing) = &e {
        err.extra = Some(json!({ "sign_code": e.code(), "missing": missing }));
    }
    err
}

/// The client's CMS: the prepared certificate's, with the PAdES attributes.
fn read_client_cms(cms: &[u8], cert_der: &[u8]) -> Result<ClientCms, ApiError> {
    let client = client::read(cms, cert_der).map_err(cms_refused)?;
    let missing = client.pades_missing();
    if !missing.is_empty() {
        return Err(cms_refused(ClientCmsError::PadesAttributesMissing(missing)));
    }
    Ok(client)
}

/// A signing-time attribute (Kalkan, NCALayer and eGov mobile write one)
/// must agree with the `/M` written when the signature was prepared.
fn claimed_time_agrees(client: &ClientCms, m: i64) -> Result<(), ApiError> {
    use crate::pdf::verify::claimed_time::{AFTER_M, BEFORE_M, agrees, signing_time_attribute};
    match signing_time_attribute(&client.env.der) {
        Some(t) if !agrees(m, t) => Err(field_invalid(
            "CMS_SIGNING_TIME_MISMATCH",
            format!(
                "the CMS's signing-time {} is not within {BEFORE_M} s before and {AFTER_M} s after the signature's /M {}",
                crate::time::rfc3339(t),
                crate::time::rfc3339(m)
            ),
        )),
        _ => Ok(()),
    }
}

/// Verifies the client's CMS over the prepared ByteRange (condition 2) and
/// writes it, detached, into `/Contents`.
fn finish_with_cms(
    state: &AppState,
    prepared: &[u8],
    br: [u64; 4],
    client: &ClientCms,
    now: i64,
) -> Result<Vec<u8>, ApiError> {
    let pdf_err = |e: crate::pdf::PdfError| match e {
        crate::pdf::PdfError::TooLarge { needed, reserved } => field_invalid(
            "CMS_TOO_LARGE",
            format!("the CMS takes {needed} bytes; the prepared signature has room for {reserved}"),
        ),
        other => internal(other),
    };
    if client.env.content.is_some() {
        let covered = twophase::byte_range_bytes(prepared, br).map_err(pdf_err)?;
        client.check_content(&covered).map_err(cms_refused)?;
    }
    let md = twophase::byte_range_digest(prepared, br, client.digest).map_err(pdf_err)?;
    let length = prepared.len() as u64 - (br[2] - br[1]);
    let verdict = crate::envelope::verify_prehashed(
        &crate::envelope::VerifyRequest {
            envelope: &client.env.der,
            at: now,
            ..Default::default()
        },
        &state.trust(),
        &crate::envelope::Prehashed {
            length,
            digests: vec![(client.digest, md)],
        },
    );
    if !verdict.passed() {
        let e = crate::envelope::twophase::rejected(&verdict);
        return Err(field_invalid(e.code(), e.to_string()));
    }
    let der = client.detached_der().map_err(cms_refused)?;
    twophase::embed(prepared, br, &der).map_err(pdf_err)
}
