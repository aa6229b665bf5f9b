//! Reading request bodies: JSON only, bounded, every failure a problem with
//! a code (not JSON, missing or unknown field, wrong type, bad base64).

use super::problem::ApiError;
use crate::verdict::problem::ProblemCode;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

/// A JSON body of type `T`.
pub struct ApiJson<T>(pub T);

fn classify(e: &serde_json::Error) -> ProblemCode {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ProblemCode::RequestInvalidJson,
        Category::Data => {
            let m = e.to_string();
            if m.starts_with("missing field") {
                ProblemCode::RequestFieldMissing
            } else if m.starts_with("unknown field") {
                ProblemCode::RequestFieldUnknown
            } else {
                ProblemCode::RequestFieldInvalid
            }
        }
    }
}

/// A request's `Content-Type` as given, and its media type (lowercase,
/// without parameters).
pub fn content_type(req: &Request) -> (String, String) {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    (ct, mime)
}

/// A request's body within the configured limit (`REQUEST_TOO_LARGE`
/// beyond it); a body that cannot be read is `unreadable`.
pub async fn body<S: Send + Sync>(
    req: Request,
    state: &S,
    unreadable: ProblemCode,
) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ProblemCode::RequestTooLarge,
                "the body exceeds the configured limit",
            )
        } else {
            ApiError::new(unreadable, "the body could not be read")
        }
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (ct, mime) = content_type(&req);
        if mime != "application/json"
            && !(mime.starts_with("application/") && mime.ends_with("+json"))
        {
            return Err(ApiError::new(
                ProblemCode::RequestMediaType,
                format!("content type {ct:?} is not application/json"),
            ));
        }
        let bytes = body(req, state, ProblemCode::RequestInvalidJson).await?;
        // Objects only: serde would also take a positional array.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::new(
                ProblemCode::RequestInvalidJson,
                "the body must be a JSON object",
            ));
        }
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| ApiError::new(classify(&e), e.to_string()))
    }
}

/// Decodes a field that may hold PEM text or base64.
pub fn pem_or_b64(field: &str, value: &str) -> Result<Vec<u8>, ApiError> {
    if value.contains("-----BEGIN") {
        Ok(value.as_bytes().to_vec())
    } else {
        b64(field, value)
    }
}

/// Decodes a base64 field (standard alphabet, padding optional, whitespace ignored).
pub fn b64(field: &str, value: &str) -> Result<Vec<u8>, ApiError> {
    crate::input::decode_base64(value.as_bytes()).ok_or_else(|| {
        ApiError::new(
            ProblemCode::RequestBase64Invalid,
            format!("field {field} is not valid base64"),
        )
    })
}

/// A JSON response body serialised ahead of time.
pub struct JsonBody(pub Bytes);

impl JsonBody {
    /// Serialises `value` into a buffer of `capacity` bytes to start with
    /// (axum's `Json` starts at 128 and grows a verdict's ~14 KB in seven copies).
    pub fn new<T: serde::Serialize>(value: &T, capacity: usize) -> Result<JsonBody, ApiError> {
        let mut buf = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut buf, value).map_err(|_| {
            ApiError::new(ProblemCode::Internal, "the response could not be written")
        })?;
        Ok(JsonBody(Bytes::from(buf)))
    }
}

impl axum::response::IntoResponse for JsonBody {
    fn into_response(self) -> axum::response::Response {
        (
            [(
                header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            )],
            self.0,
        )
            .into_response()
    }
}

/// The buffer a verdict's JSON starts in.
pub const VERDICT_CAPACITY: usize = 16 * 1024;
