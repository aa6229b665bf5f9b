//! Codes for requests the service refuses before any verdict (RFC 9457
//! problems): malformed JSON, missing fields, bad base64, no key, wrong role.
//! Their kk/ru/en texts live beside the verdict texts in `messages`.

use serde::Serialize;

/// A stable code for a refused request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum ProblemCode {
    RequestInvalidJson,
    RequestFieldMissing,
    RequestFieldUnknown,
    RequestFieldInvalid,
    RequestBase64Invalid,
    RequestTooLarge,
    RequestMediaType,
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Timeout,
    TooManyRequests,
    NotImplemented,
    ServiceUnavailable,
    Internal,
    TransitionNotAllowed,
    SurveyAlreadyAnswered,
    PersonNotFound,
    PowerOfAttorneyInvalid,
    EmployeeSignatureRequired,
}

impl ProblemCode {
    /// Every problem code.
    pub const ALL: [ProblemCode; 21] = [
        ProblemCode::RequestInvalidJson,
        ProblemCode::RequestFieldMissing,
        ProblemCode::RequestFieldUnknown,
        ProblemCode::RequestFieldInvalid,
        ProblemCode::RequestBase64Invalid,
        ProblemCode::RequestTooLarge,
        ProblemCode::RequestMediaType,
        ProblemCode::Unauthenticated,
        ProblemCode::Forbidden,
        ProblemCode::NotFound,
        ProblemCode::MethodNotAllowed,
        ProblemCode::Timeout,
        ProblemCode::TooManyRequests,
        ProblemCode::NotImplemented,
        ProblemCode::ServiceUnavailable,
        ProblemCode::Internal,
        ProblemCode::TransitionNotAllowed,
        ProblemCode::SurveyAlreadyAnswered,
        ProblemCode::PersonNotFound,
        ProblemCode::PowerOfAttorneyInvalid,
        ProblemCode::EmployeeSignatureRequired,
    ];

    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::RequestInvalidJson => "REQUEST_INVALID_JSON",
            ProblemCode::RequestFieldMissing => "REQUEST_FIELD_MISSING",
            ProblemCode::RequestFieldUnknown => "REQUEST_FIELD_UNKNOWN",
            ProblemCode::RequestFieldInvalid => "REQUEST_FIELD_INVALID",
            ProblemCode::RequestBase64Invalid => "REQUEST_BASE64_INVALID",
            ProblemCode::RequestTooLarge => "REQUEST_TOO_LARGE",
            ProblemCode::RequestMediaType => "REQUEST_MEDIA_TYPE",
            ProblemCode::Unauthenticated => "UNAUTHENTICATED",
            ProblemCode::Forbidden => "FORBIDDEN",
            ProblemCode::NotFound => "NOT_FOUND",
            ProblemCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ProblemCode::Timeout => "TIMEOUT",
            ProblemCode::TooManyRequests => "TOO_MANY_REQUESTS",
            ProblemCode::NotImplemented => "NOT_IMPLEMENTED",
            ProblemCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ProblemCode::Internal => "INTERNAL",
            ProblemCode::TransitionNotAllowed => "TRANSITION_NOT_ALLOWED",
            ProblemCode::SurveyAlreadyAnswered => "SURVEY_ALREADY_ANSWERED",
            ProblemCode::PersonNotFound => "PERSON_NOT_FOUND",
            ProblemCode::PowerOfAttorneyInvalid => "POWER_OF_ATTORNEY_INVALID",
            ProblemCode::EmployeeSignatureRequired => "EMPLOYEE_SIGNATURE_REQUIRED",
        }
    }

    /// The HTTP status for this code.
    pub fn status(self) -> u16 {
        match self {
            ProblemCode::RequestInvalidJson
            | ProblemCode::RequestFieldMissing
            | ProblemCode::RequestFieldUnknown
            | ProblemCode::RequestFieldInvalid
            | ProblemCode::RequestBase64Invalid => 400,
            ProblemCode::RequestTooLarge => 413,
            ProblemCode::RequestMediaType => 415,
            ProblemCode::Unauthenticated => 401,
            ProblemCode::Forbidden => 403,
            ProblemCode::NotFound => 404,
            ProblemCode::MethodNotAllowed => 405,
            ProblemCode::Timeout | ProblemCode::ServiceUnavailable => 503,
            ProblemCode::TooManyRequests => 429,
            ProblemCode::NotImplemented => 501,
            ProblemCode::Internal => 500,
            ProblemCode::TransitionNotAllowed
            | ProblemCode::SurveyAlreadyAnswered
            | ProblemCode::EmployeeSignatureRequired => 409,
            ProblemCode::PersonNotFound | ProblemCode::PowerOfAttorneyInvalid => 422,
        }
    }

    /// A short English title.
    pub fn title(self) -> &'static str {
        self.message().en
    }

    /// The three-language message.
    pub fn message(self) -> super::Message {
        super::messages::problem_message(self)
    }
}
