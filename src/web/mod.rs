//! The public face of the service: the verification page a stamp's QR code
//! opens (`/verify`), the check of any signed file (`/check`), validation
//! reports people and machines read (a PDF signed with the service's seal,
//! the ETSI TS 119 102-2 XML report, the JSON verdict), the front door and
//! the API reference (`/`, `/docs`).
//!
//! Owns what these pages say and how: server-rendered HTML in Kazakh,
//! Russian and English from one table (`texts`), no scripts and no outside
//! assets (`html`, `assets`), the strict reading of a verification link
//! (`link`), the re-verification of an issued document (`published`),
//! access codes (`access`), per-client limits (`limits`), the check of an
//! uploaded file (`check`) and the reports (`report`). Verdicts come from
//! `pdf`, `envelope` and `xmldsig`; the handlers that read the database and
//! speak HTTP are `api::web`'s. `officer` is the officers' page:
//! applications awaiting their signature, signed through NCALayer on the
//! officer's own machine.

pub use crate::workflow::access;
pub mod assets;
pub mod check;
pub mod html;
pub mod lang;
pub mod limits;
pub mod link;
pub mod officer;
pub mod pages;
pub mod published;
pub mod report;
pub mod texts;

pub use lang::Lang;

use std::time::Duration;

/// Checks of uploaded files one client may ask for per minute.
pub use crate::config::CHECKS_PER_MINUTE;
/// Access-code tries one client may make per minute (over all documents).
pub const CODE_TRIES_PER_MINUTE: u32 = 10;
/// Checks running at once; more wait up to [`CHECK_QUEUE_WAIT`], then are refused.
pub const CHECKS_AT_ONCE: usize = 8;
/// How long a check waits for its turn.
pub const CHECK_QUEUE_WAIT: Duration = Duration::from_secs(2);
/// How long one check may take.
pub const CHECK_TIME_LIMIT: Duration = Duration::from_secs(10);
/// Largest upload to `/check` (file and data together), bytes.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;

/// What the public pages keep between requests (in memory, per instance).
pub struct WebState {
    /// Recently re-verified documents.
    pub assessments: published::AssessmentCache,
    /// Uploads per client.
    pub checks: limits::RateLimiter,
    /// Access-code tries per client.
    pub code_tries: limits::RateLimiter,
    /// Checks running at once.
    pub check_slots: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Default for WebState {
    fn default() -> Self {
        WebState::new(CHECKS_PER_MINUTE)
    }
}

impl WebState {
    /// With `checks_per_minute` uploads per client (the configuration's).
    pub fn new(checks_per_minute: u32) -> Self {
        WebState {
            assessments: Default::default(),
            checks: limits::RateLimiter::new(checks_per_minute, Duration::from_secs(60)),
            code_tries: limits::RateLimiter::new(CODE_TRIES_PER_MINUTE, Duration::from_secs(60)),
            check_slots: std::sync::Arc::new(tokio::sync::Semaphore::new(CHECKS_AT_ONCE)),
        }
    }
}
