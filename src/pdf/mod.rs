//! Signed result PDFs (process 8): render, stamp, sign (PAdES), verify, and
//! the analysis of what later revisions changed.
//!
//! - [`render`]: a result notification or reasoned refusal from JSON, in
//!   Kazakh and Russian, A4, PDF/A-2b (krilla, DejaVu Sans).
//! - [`stamp`]: the officer's visible stamp with a QR code.
//! - [`sign`]: PAdES baseline B-B/B-T/B-LT signatures appended as incremental
//!   updates, certification (DocMDP), streamed hashing; [`plan`] reads what
//!   an update must change (form, page, permissions), `update` writes it.
//! - [`verify`]: every signature's condition-2 verdict (through
//!   `envelope::verify`), ByteRange coverage, time-stamps, DocMDP.
//! - [`ltv`]: B-LTA: the DSS with `/VRI` and document time-stamps in
//!   revisions of their own, and their renewal.
//! - [`twophase`]: the same signature with the key on the signer's device.
//! - [`diff`]: what each later revision changes, object by object.
//! - [`cos`], [`xref`]: object syntax and file structure, read by offset so
//!   a large file never has to be held in memory.
//!
//! Refuses encrypted files. Never panics on input: every size is bounded and
//! every failure is a [`PdfError`] or, in verification, a reported check.

pub mod cos;
pub mod diff;
pub mod layout;
pub mod ltv;
pub mod plan;
pub mod render;
pub mod sign;
pub mod stamp;
pub mod twophase;
mod update;
pub mod verify;
pub mod xref;

pub use render::{Lang, ResultDoc, render};
pub use sign::{Ltv, SignOptions, StampPlacement, sign_bytes, sign_file};
pub use verify::{PdfReport, verify_bytes, verify_file};

/// Why a PDF could not be rendered, read or signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Reading or writing a file failed.
    #[error("i/o: {0}")]
    Io(String),
    /// The file is not a PDF this module can read.
    #[error("malformed PDF: {0}")]
    Malformed(String),
    /// The file is encrypted (not supported for signing or verification).
    #[error("encrypted PDFs are not supported")]
    Encrypted,
    /// The file is larger or more complex than a limit allows (revisions,
    /// objects, cross-reference entries): refused rather than read forever.
    #[error("the file has more than {limit} {what}")]
    Limit {
        /// What was counted.
        what: &'static str,
        /// The most accepted.
        limit: u64,
    },
    /// A request that cannot be carried out (bad description, page, rectangle, field).
    #[error("{0}")]
    Input(String),
    /// Rendering failed.
    #[error("rendering: {0}")]
    Render(String),
    /// Building or signing the CMS failed.
    #[error("signing: {0}")]
    Sign(String),
    /// Two-phase signing: the signer's value does not verify with its
    /// certificate's key over the signed attributes.
    #[error("the signature value does not verify over the signed attributes")]
    SignatureValueInvalid,
    /// The time-stamp authority gave no token.
    #[error("time-stamp: {0}")]
    Tsa(String),
    /// The signature did not fit the space reserved for it.
    #[error("the signature needs {needed} bytes, {reserved} were reserved")]
    TooLarge {
        /// Bytes the CMS needs.
        needed: usize,
        /// Bytes reserved in /Contents.
        reserved: usize,
    },
}

impl PdfError {
    pub(crate) fn io(e: impl std::fmt::Display) -> PdfError {
        PdfError::Io(e.to_string())
    }
}

/// The streaming context for a digest.
pub(crate) fn hasher(d: crate::pki::algorithms::Digest) -> crate::pki::algorithms::Hasher {
    d.hasher()
}
