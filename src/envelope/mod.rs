//! CMS SignedData request envelopes.
//!
//! Owns BER normalisation (`ber`), parsing (`parse`) and condition 2
//! (`verify`): the verdict on a request's signature. Certificates, paths and
//! revocation are delegated to `pki`; texts and indications to `verdict`.

pub mod ber;
pub mod build;
mod crypto;
mod describe;
pub mod identity;
pub mod longterm;
pub mod parse;
pub mod sign;
pub mod timestamp;
pub mod twophase;
pub mod verify;

pub use verify::{Prehashed, VerifyRequest, verify, verify_prehashed};
