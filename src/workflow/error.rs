//! What a use case of the flow answers when it does not succeed: one
//! structured error, mapped to a problem code by the HTTP adapter
//! (`api::problem`) and by nothing else.

use crate::verdict::Verdict;

/// Why a use case stopped.
#[derive(Debug)]
pub enum Error {
    /// A field of the request is wrong (unknown service, bad JSON, ...).
    Invalid(String),
    /// The caller may not do this (role, channel, organisation).
    Forbidden(String),
    /// A one-time credential of the flow (an eGov QR session's
    /// `auth_token`) is missing or wrong.
    Unauthenticated(String),
    /// No such application, or one the caller may not see.
    NotFound(String),
    /// The application's state does not allow it.
    TransitionNotAllowed(String),
    /// The head signs only after the employee signed the draft.
    EmployeeSignatureRequired(String),
    /// The signer's key or certificate may not sign (a key store or
    /// certificate code, such as `KEY_CERT_INVALID`, in `sign_code`).
    SignRefused {
        /// The stable code of the refusal.
        sign_code: String,
        /// What exactly was wrong.
        detail: String,
        /// The code's kk/ru/en text, when it has one.
        message: Option<crate::verdict::Message>,
    },
    /// A client's CMS lacks signed attributes a PDF signature (PAdES)
    /// needs (`sign_code` `PADES_ATTRIBUTES_MISSING`).
    PadesAttributesMissing {
        /// What exactly was wrong.
        detail: String,
        /// The attributes' names.
        missing: Vec<String>,
    },
    /// The survey was answered already.
    AlreadyAnswered(String),
    /// Condition 1: the person is not in the registry.
    PersonNotFound(String),
    /// The representative's power of attorney does not hold.
    PowerOfAttorneyInvalid(String),
    /// Condition 2 (or the signer's organisation and role) failed: the
    /// verdict says why; the refusal is recorded.
    Refused(Box<Verdict>),
    /// A registry, the database or the audit log is not available.
    Unavailable(String),
    /// The database failed.
    Store(crate::store::StoreError),
    /// A bug or an impossible state.
    Internal(String),
}

impl From<crate::store::StoreError> for Error {
    fn from(e: crate::store::StoreError) -> Self {
        Error::Store(e)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid(s)
            | Error::Forbidden(s)
            | Error::Unauthenticated(s)
            | Error::NotFound(s)
            | Error::TransitionNotAllowed(s)
            | Error::EmployeeSignatureRequired(s)
            | Error::AlreadyAnswered(s)
            | Error::PersonNotFound(s)
            | Error::PowerOfAttorneyInvalid(s)
            | Error::Unavailable(s)
            | Error::Internal(s) => f.write_str(s),
            Error::Refused(v) => write!(f, "refused: {}", v.code.as_str()),
            Error::SignRefused {
                sign_code, detail, ..
            } => write!(f, "{sign_code}: {detail}"),
            Error::PadesAttributesMissing { detail, .. } => {
                write!(f, "PADES_ATTRIBUTES_MISSING: {detail}")
            }
            Error::Store(e) => write!(f, "database: {e}"),
        }
    }
}

/// Where the flow's audit records go (the service's group-committing sink).
pub trait AuditLog: Send + Sync {
    /// Records one entry, durably, before the caller answers.
    fn record(
        &self,
        entry: crate::store::audit::AuditEntry,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>>;
}
