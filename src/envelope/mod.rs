//! CMS SignedData request envelopes.
//!
//! Owns parsing (`parse`, after [`crate::asn1::ber`] made BER into DER) and condition 2
//! (`verify`): the verdict on a request's signature. Certificates, paths and
//! revocation are delegated to `pki`; texts and indications to `verdict`.

pub mod build;
pub mod client;
mod crypto;
mod describe;
mod find;
pub mod identity;
pub mod longterm;
pub mod parse;
pub mod sign;
pub mod timestamp;
pub mod twophase;
pub mod verify;

pub use verify::{Prehashed, VerifyRequest, verify, verify_prehashed};
