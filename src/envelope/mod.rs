//! CMS SignedData request envelopes.
//!
//! Owns condition 2 (`verify`): the verdict on a request's signature; the
//! SignedData codec is `crate::pkcs7`, re-exported here as `build` and `parse`. Certificates, paths and
//! revocation are delegated to `pki`; texts and indications to `verdict`.

pub mod client;
mod crypto;
mod describe;
mod find;
pub mod identity;
pub mod longterm;
pub mod sign;
pub mod timestamp;
pub mod twophase;
pub mod verify;

pub use crate::pkcs7::{build, parse};
pub(crate) use crypto::{scheme_fits_key, signature_failed};
pub use verify::{Prehashed, VerifyRequest, verify, verify_prehashed};
