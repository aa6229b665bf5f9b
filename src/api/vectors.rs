//! `POST /v1/vectors/run` (role reviewer): a vectors folder in, as a tar (or
//! tar.gz) body or JSON `{archive: base64}`, the JSON report out.
//!
//! The folder is unpacked into a fresh temporary folder under
//! `vectors::archive` limits (no `..`, absolute paths or links); its
//! manifests may reference only files inside it, and use the service's trust
//! store when they name none. Nothing in an upload reaches the network.

use super::AppState;
use super::problem::ApiError;
use crate::vectors::archive::{self, ArchiveError, Limits};
use crate::vectors::suite::{self, Plan};
use crate::vectors::{Confinement, report};
use crate::verdict::problem::ProblemCode;
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// The JSON form of an upload.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorsBody {
    /// The vectors folder as a tar (or tar.gz), base64.
    pub archive: String,
}

/// An uploaded vectors archive: a raw `application/x-tar` (or
/// `application/gzip`) body, or JSON `{archive: base64}`.
pub struct VectorsArchive(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for VectorsArchive {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (ct, mime) = super::json::content_type(&req);
        match mime.as_str() {
            "application/x-tar" | "application/tar" | "application/gzip" | "application/x-gzip"
            | "application/x-gtar" => {
                let bytes = super::json::body(req, state, ProblemCode::RequestFieldInvalid).await?;
                Ok(VectorsArchive(bytes.to_vec()))
            }
            _ => {
                let super::json::ApiJson(body) = super::json::ApiJson::<VectorsBody>::from_request(
                    req, state,
                )
                .await
                .map_err(|mut e| {
                    if e.code == ProblemCode::RequestMediaType {
                        e.detail = format!(
                            "content type {ct:?} is neither application/x-tar nor application/json"
                        );
                    }
                    e
                })?;
                Ok(VectorsArchive(super::json::b64("archive", &body.archive)?))
            }
        }
    }
}

fn archive_problem(e: &ArchiveError) -> ApiError {
    let mut p = ApiError::new(ProblemCode::RequestFieldInvalid, e.to_string());
    p.extra = Some(serde_json::json!({ "archive_error": e.code() }));
    p
}

/// Unpacks and runs an upload (blocking: call off the async workers).
fn run_upload(
    bytes: &[u8],
    trust: Arc<crate::pki::TrustStore>,
) -> Result<serde_json::Value, ApiError> {
    let dir = tempfile::Builder::new()
        .prefix("qoltanba-vectors-")
        .tempdir()
        .map_err(|_| ApiError::new(ProblemCode::Internal, "no temporary folder"))?;
    let root = dir
        .path()
        .canonicalize()
        .map_err(|_| ApiError::new(ProblemCode::Internal, "no temporary folder"))?;
    archive::unpack(bytes, &root, &Limits::default()).map_err(|e| archive_problem(&e))?;
    let hide = |m: String| m.replace(&format!("{}/", root.display()), "");
    let manifests = suite::manifests_under(&root)
        .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, hide(e.to_string())))?;
    if manifests.is_empty() {
        return Err(ApiError::new(
            ProblemCode::RequestFieldInvalid,
            "the archive holds no manifest.json",
        ));
    }
    let within = Confinement {
        root: Some(root.clone()),
        trust: Some(trust),
    };
    let plan = Plan::new(&manifests, false, within).map_err(|e| {
        let mut p = ApiError::new(ProblemCode::RequestFieldInvalid, hide(e.to_string()));
        p.extra = Some(serde_json::json!({ "archive_error": "MANIFEST_INVALID" }));
        p
    })?;
    let result = plan.run(&|| {});
    let mut json = report::json(&result);
    // Paths inside the temporary folder mean nothing to the caller.
    if let Some(s) = json["vectors"].as_array_mut() {
        for v in s {
            if let Some(e) = v["actual"]["error"].as_str().map(String::from) {
                v["actual"]["error"] = serde_json::json!(hide(e));
            }
        }
    }
    Ok(json)
}

/// Runs an uploaded vectors folder and returns the JSON report.
#[utoipa::path(post, path = "/v1/vectors/run",
    request_body(description = "A vectors folder (manifest.json and its files) as a tar or tar.gz body (application/x-tar, application/gzip), or JSON {\"archive\": base64 of the tar}. Limits: 64 MiB of files, 16 MiB per file, 4096 entries, 16 levels; `..`, absolute paths and links are refused; manifests may reference only files inside the archive and use the service's trust store when they name none.",
        content(
            (Vec<u8> = "application/x-tar"),
            (Vec<u8> = "application/gzip"),
            (VectorsBody = "application/json"),
        )),
    responses(
        (status = 200, description = "The JSON report: summary {total, passed, failed, by_suite, by_kind} and vectors", body = Object),
        (status = 400, description = "Archive refused (archive_error: ARCHIVE_PATH_ESCAPE, ARCHIVE_ABSOLUTE_PATH, ARCHIVE_LINK, ...) or a manifest that does not parse (MANIFEST_INVALID)"),
        (status = 413, description = "Body over the configured limit"),
    ),
    security(("bearer" = [])))]
pub async fn run(
    State(state): State<Arc<AppState>>,
    VectorsArchive(bytes): VectorsArchive,
) -> Result<Json<serde_json::Value>, ApiError> {
    let trust = state.trust();
    tokio::task::spawn_blocking(move || run_upload(&bytes, trust))
        .await
        .map_err(|_| ApiError::new(ProblemCode::Internal, "the run failed"))?
        .map(Json)
}
