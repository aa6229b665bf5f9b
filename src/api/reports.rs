//! `POST /v1/reports`: the validation report of a signed file (a PDF, a CMS
//! envelope with or without its data, a signed XML) as a PDF signed with
//! the service's seal, the ETSI TS 119 102-2 XML report, or the JSON
//! verdict. The check is `/check`'s, bounded the same way; the file is not
//! kept, only the audit record of the report.

use super::auth::Ctx;
use super::json::{ApiJson, b64};
use super::problem::ApiError;
use super::web::{CheckOutcome, report_response, run_check};
use crate::store::audit::AuditEntry;
use crate::verdict::problem::ProblemCode;
use crate::web::Lang;
use crate::web::report::ReportFormat;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// A report request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// The signed file, base64: a PDF, a CMS SignedData or a signed XML.
    pub file: String,
    /// The signed data of a detached CMS signature, base64.
    pub data: Option<String>,
    /// `pdf` (signed with the service's seal), `etsi-xml` or `json`.
    #[schema(value_type = String)]
    pub format: ReportFormat,
    /// The PDF report's language: `kk` (default), `ru` or `en`.
    #[schema(value_type = Option<String>)]
    pub lang: Option<Lang>,
    /// The file's name, as the report shows it.
    pub name: Option<String>,
}

/// The validation report of a signed file.
#[utoipa::path(post, path = "/v1/reports", request_body = ReportBody,
    responses((status = 200, description = "The report: application/pdf (sealed), application/xml (ETSI TS 119 102-2) or application/json"),
              (status = 400, description = "Malformed request (problem+json)"),
              (status = 503, description = "Busy, over the time limit, or no seal key configured for a PDF report")),
    security(("bearer" = [])))]
pub async fn report(
    Ctx { state, caller }: Ctx,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<Response, ApiError> {
    let file = b64("file", &body.file)?;
    let data = body.data.as_deref().map(|d| b64("data", d)).transpose()?;
    let lang = body.lang.unwrap_or_default();
    let name = body.name.unwrap_or_else(|| "file".into());
    let sha = crate::pki::cert::hex(&crate::pki::cert::sha256(&file));
    match run_check(&state, name, file, data, Some((body.format, lang))).await? {
        CheckOutcome::Done(c, Some(Ok(bytes))) => {
            state
                .audit
                .record(AuditEntry::by(
                    &caller.0,
                    c.at,
                    "report",
                    sha,
                    c.signatures
                        .first()
                        .and_then(|s| s.verdict.signer.as_ref())
                        .and_then(|s| s["serial"].as_str().map(String::from))
                        .unwrap_or_default(),
                    &c.code,
                ))
                .await?;
            Ok(report_response(&c, body.format, bytes))
        }
        CheckOutcome::Done(_, Some(Err(e))) => Err(ApiError::new(
            ProblemCode::ServiceUnavailable,
            e.to_string(),
        )),
        CheckOutcome::Done(_, None) => Err(ApiError::new(ProblemCode::Internal, "no report")),
        CheckOutcome::Busy => Err(ApiError::new(
            ProblemCode::ServiceUnavailable,
            "too many checks are running; try again shortly",
        )),
        CheckOutcome::Timeout => Err(ApiError::new(
            ProblemCode::Timeout,
            "the check took longer than its limit",
        )),
    }
}
