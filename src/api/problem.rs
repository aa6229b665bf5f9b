//! The one error type of the API and its `application/problem+json` form (RFC 9457).

use crate::verdict::problem::ProblemCode;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refused request: a code and what was wrong (never secrets or bodies).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The stable code.
    pub code: ProblemCode,
    /// What exactly was wrong.
    pub detail: String,
    /// Extra members of the problem object.
    pub extra: Option<serde_json::Value>,
}

impl ApiError {
    /// A problem with a detail.
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
            extra: None,
        }
    }
}

/// The problem JSON body for a code.
pub fn problem_body(
    code: ProblemCode,
    detail: &str,
    extra: Option<&serde_json::Value>,
) -> serde_json::Value {
    let mut body = json!({
        "type": format!("urn:qoltanba:problem:{}", code.as_str().to_lowercase().replace('_', "-")),
        "title": code.title(),
        "status": code.status(),
        "code": code.as_str(),
        "detail": detail,
        "message": code.message(),
    });
    if let (Some(serde_json::Value::Object(extra)), Some(obj)) = (extra, body.as_object_mut()) {
        for (k, v) in extra {
            obj.insert(k.clone(), v.clone());
        }
    }
    body
}

/// A problem response with any status (used for domain refusals such as 422).
pub fn problem_response(status: StatusCode, body: serde_json::Value) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

impl ApiError {
    /// The status and the problem body it answers with.
    pub fn parts(&self) -> (StatusCode, serde_json::Value) {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            problem_body(self.code, &self.detail, self.extra.as_ref()),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.parts();
        problem_response(status, body)
    }
}

/// The one mapping of the flow's errors to problem codes.
impl From<crate::workflow::Error> for ApiError {
    fn from(e: crate::workflow::Error) -> Self {
        use crate::workflow::Error as E;
        let (code, detail) = match e {
            E::Invalid(d) => (ProblemCode::RequestFieldInvalid, d),
            E::Forbidden(d) => (ProblemCode::Forbidden, d),
            E::Unauthenticated(d) => (ProblemCode::Unauthenticated, d),
            E::NotFound(d) => (ProblemCode::NotFound, d),
            E::TransitionNotAllowed(d) => (ProblemCode::TransitionNotAllowed, d),
            E::EmployeeSignatureRequired(d) => (ProblemCode::EmployeeSignatureRequired, d),
            E::SignRefused {
                sign_code,
                detail,
                message,
            } => {
                let mut e = ApiError::new(ProblemCode::RequestFieldInvalid, detail);
                e.extra = Some(match message {
                    Some(m) => serde_json::json!({ "sign_code": sign_code, "sign_message": m }),
                    None => serde_json::json!({ "sign_code": sign_code }),
                });
                return e;
            }
            E::PadesAttributesMissing { detail, missing } => {
                let mut e = ApiError::new(ProblemCode::RequestFieldInvalid, detail);
                e.extra = Some(serde_json::json!({
                    "sign_code": "PADES_ATTRIBUTES_MISSING",
                    "missing": missing,
                }));
                return e;
            }
            E::AlreadyAnswered(d) => (ProblemCode::SurveyAlreadyAnswered, d),
            E::PersonNotFound(d) => (ProblemCode::PersonNotFound, d),
            E::PowerOfAttorneyInvalid(d) => (ProblemCode::PowerOfAttorneyInvalid, d),
            E::Unavailable(d) => (ProblemCode::ServiceUnavailable, d),
            E::Internal(d) => (ProblemCode::Internal, d),
            E::Store(e) => return e.into(),
            E::Refused(v) => (
                ProblemCode::RequestFieldInvalid,
                format!("refused: {}", v.code.as_str()),
            ),
        };
        ApiError::new(code, detail)
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        ApiError::new(
            ProblemCode::ServiceUnavailable,
            "the database is not available",
        )
    }
}
