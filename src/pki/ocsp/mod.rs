//! OCSP (RFC 6960): asking a responder whether one certificate is revoked,
//! and deciding whether to believe the answer. Fails closed.
//!
//! Owns the request (`message`), the acceptance rules (`verify`), and the
//! client with its transport and cache (`client`). An answer is believed only
//! when it is signed by the certificate's own CA, or by a responder
//! certificate carried in the response, issued directly by that CA, with
//! id-kp-OCSPSigning and valid when the response was produced; when its
//! CertID is the one asked about; when its nonce equals ours, or, if the
//! responder sent none, when it is a pre-produced response with a nextUpdate
//! (RFC 5019 style: such a response is bounded in time, so a replay cannot
//! outlive it); and, at the validation time `at`, when thisUpdate ≤ at + 5
//! minutes and nextUpdate (if any) ≥ at. A response stored with a document
//! (a PDF's DSS) is held to the same rules, but carries no nonce of ours, so
//! it must have a nextUpdate. Knows nothing of CRLs: combining the
//! two sources is `revocation`'s job. The network and randomness come in
//! through `OcspClient`; time is a parameter.
//!
//! Not done: the delegated responder's own revocation status is not checked
//! (responders of national CAs carry id-pkix-ocsp-nocheck; the detail says
//! whether this one does), and signed requests are not sent.

pub mod client;
pub mod message;
pub mod verify;

use crate::verdict::Code;
use serde_json::Value;

pub use client::{HttpTransport, OcspCache, OcspClient, OcspTransport, RecordingTransport};

/// How far a responder's clock may run ahead of the validation time, in seconds.
pub const MAX_SKEW: i64 = 5 * 60;

/// Why no believable OCSP answer was had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcspError {
    /// OCSP is required but the caller gave no client.
    #[error("no OCSP client is configured")]
    NoClient,
    /// No URL: the certificate has no OCSP authorityInfoAccess and none was given.
    #[error("the certificate names no OCSP responder and none was configured")]
    NoResponder,
    /// The responder could not be reached, timed out or answered HTTP errors.
    #[error("responder {url} could not be reached: {why}")]
    Transport {
        /// The URL asked.
        url: String,
        /// What went wrong.
        why: String,
    },
    /// The responder answered with a status other than successful (tryLater…).
    #[error("the responder answered {0}")]
    ResponderStatus(&'static str),
    /// Not an OCSP response, or a request that could not be encoded.
    #[error("malformed OCSP message: {0}")]
    Malformed(String),
    /// Signed by someone the certificate's CA did not authorise.
    #[error("the response is not signed by the certificate's CA or a responder it authorised: {0}")]
    UnauthorizedSigner(String),
    /// The signature does not verify or uses a refused algorithm.
    #[error("the response's signature does not verify: {0}")]
    BadSignature(String),
    /// No SingleResponse carries the CertID asked about.
    #[error("the response has no answer for the requested certificate")]
    NoMatchingResponse,
    /// The response's nonce is not the request's: a replay or a mix-up.
    #[error("the response's nonce differs from the request's")]
    NonceMismatch,
    /// Neither nonce nor nextUpdate: nothing bounds a replay.
    #[error("the response has neither our nonce nor a nextUpdate, so a replay cannot be ruled out")]
    NonceMissing,
    /// A critical extension qoltanba does not process.
    #[error("unknown critical extension {0}")]
    UnknownCritical(String),
    /// certStatus unknown.
    #[error("responder does not know the certificate")]
    UnknownCertificate,
    /// thisUpdate is more than `MAX_SKEW` after the validation time.
    #[error("thisUpdate {} is after the validation time", crate::time::rfc3339(*this_update))]
    NotYetValid {
        /// thisUpdate, Unix seconds.
        this_update: i64,
    },
    /// nextUpdate is before the validation time.
    #[error("nextUpdate {} is before the validation time", crate::time::rfc3339(*next_update))]
    Stale {
        /// nextUpdate, Unix seconds.
        next_update: i64,
    },
}

impl OcspError {
    /// The verdict code for this failure.
    pub fn code(&self) -> Code {
        match self {
            OcspError::Malformed(_)
            | OcspError::UnauthorizedSigner(_)
            | OcspError::BadSignature(_)
            | OcspError::NoMatchingResponse
            | OcspError::NonceMismatch
            | OcspError::NonceMissing
            | OcspError::UnknownCritical(_) => Code::OcspInvalid,
            OcspError::Stale { .. } => Code::RevocationStale,
            OcspError::NoClient
            | OcspError::NoResponder
            | OcspError::Transport { .. }
            | OcspError::ResponderStatus(_)
            | OcspError::UnknownCertificate
            | OcspError::NotYetValid { .. } => Code::RevocationUnavailable,
        }
    }
}

/// What a believed response says about the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertState {
    /// certStatus good.
    Good,
    /// certStatus revoked.
    Revoked {
        /// revocationTime, Unix seconds.
        at: i64,
        /// CRLReason (`crl::REASON_NONE` when absent).
        reason: u8,
    },
}

/// How the response's freshness against replay was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    /// The responder echoed our nonce.
    Matched,
    /// No nonce; accepted as a pre-produced response bounded by nextUpdate.
    AbsentPreProduced,
    /// Not asked by us: stored with the document (a PDF's DSS), bounded by nextUpdate.
    Stored,
}

/// A response that passed every check that does not depend on the validation time.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The certificate's status.
    pub state: CertState,
    /// producedAt, Unix seconds.
    pub produced_at: i64,
    /// thisUpdate, Unix seconds.
    pub this_update: i64,
    /// nextUpdate, Unix seconds, when given.
    pub next_update: Option<i64>,
    /// The responderID: `{"by_name": DN}` or `{"by_key": hex}`.
    pub responder: Value,
    /// Who signed: the issuing CA or a delegated responder, with its label.
    pub signer: Value,
    /// How replay was ruled out.
    pub nonce: NonceCheck,
    /// The URL asked.
    pub url: String,
    /// Whether this answer came from the cache.
    pub cached: bool,
}

impl Answer {
    /// The time-dependent checks: thisUpdate ≤ at + `MAX_SKEW`, nextUpdate ≥ at.
    pub fn check_time(&self, at: i64) -> Result<(), OcspError> {
        if self.this_update > at.saturating_add(MAX_SKEW) {
            return Err(OcspError::NotYetValid {
                this_update: self.this_update,
            });
        }
        match self.next_update {
            Some(n) if n < at => Err(OcspError::Stale { next_update: n }),
            _ => Ok(()),
        }
    }

    /// The facts for a verdict's detail.
    pub fn describe(&self) -> Value {
        let t = crate::time::rfc3339;
        crate::verdict::obj! {
            "source": "ocsp",
            "url": self.url.clone(),
            "responder": self.responder.clone(),
            "signed_by": self.signer.clone(),
            "produced_at": t(self.produced_at),
            "this_update": t(self.this_update),
            "next_update": self.next_update.map(t),
            "nonce": match self.nonce {
                NonceCheck::Matched => "matched",
                NonceCheck::AbsentPreProduced => "absent (pre-produced response bounded by nextUpdate)",
                NonceCheck::Stored => "not asked (stored with the document, bounded by nextUpdate)",
            },
            "cached": self.cached,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn answer(this_update: i64, next_update: Option<i64>) -> Answer {
        Answer {
            state: CertState::Good,
            produced_at: this_update,
            this_update,
            next_update,
            responder: Value::Null,
            signer: Value::Null,
            nonce: NonceCheck::Matched,
            url: "http://127.0.0.1/".into(),
            cached: false,
        }
    }

    #[test]
    fn time_window_has_five_minutes_of_skew_and_no_grace_after_next_update() {
        let a = answer(1_000_000, Some(1_000_600));
        assert_eq!(a.check_time(1_000_000 - MAX_SKEW), Ok(()));
        assert!(matches!(
            a.check_time(1_000_000 - MAX_SKEW - 1),
            Err(OcspError::NotYetValid { .. })
        ));
        assert_eq!(a.check_time(1_000_600), Ok(()));
        assert_eq!(
            a.check_time(1_000_601),
            Err(OcspError::Stale {
                next_update: 1_000_600
            })
        );
        // No nextUpdate: never stale.
        assert_eq!(answer(1_000_000, None).check_time(i64::MAX), Ok(()));
    }

    #[test]
    fn codes_fail_closed() {
        assert_eq!(OcspError::NonceMissing.code(), Code::OcspInvalid);
        assert_eq!(
            OcspError::UnknownCertificate.code(),
            Code::RevocationUnavailable
        );
        assert_eq!(
            OcspError::ResponderStatus("tryLater").code(),
            Code::RevocationUnavailable
        );
        assert_eq!(
            OcspError::Stale { next_update: 0 }.code(),
            Code::RevocationStale
        );
        assert_eq!(
            message::parse_response(b"\x30\x03\x0a\x01\x00").map(|(s, b)| (s, b.is_some())),
            Ok((message::OcspResponseStatus::Successful, false))
        );
        assert!(matches!(
            message::parse_response(b"not DER"),
            Err(OcspError::Malformed(_))
        ));
    }
}
