//! The signer key store: PKCS#12 import, keys sealed at rest, keys loaded for
//! signing, and whether a key's certificate may sign at a given time.
//!
//! Owns decoding PKCS#12 files (`pfx`), finding the key and its
//! certificate in them (`p12`), the key whichever its algorithm (`signer`),
//! sealing PKCS#8 keys under the master key (`seal`) and the key files under
//! `<data dir>/keys/` (`store`). RSA and ECDSA keys sign in `ring`; GOST
//! 34.310-2004 and GOST 34.10-2015 keys (the national CA's) in
//! [`crate::pki::gost`]. Key material is never logged, printed or written
//! unsealed, and is wiped from memory when dropped. Refuses keys qoltanba
//! cannot sign with (RSA outside 2048–8192 bits, curves other than
//! P-256/P-384 and the GOST curves) and ids outside `[A-Za-z0-9._-]{1,64}`.
//! Knows nothing of CMS or PDF: it hands out a [`LoadedKey`], which is a
//! [`Signer`].

mod p12;
mod pfx;
mod seal;
mod signer;
mod store;

pub use p12::{MAX_P12_LEN, open_p12, open_p12_with};
pub use pfx::MAX_ITERATIONS;
pub use signer::{KeySigner, kind_name};
pub use store::{KeyInfo, KeyStore, MasterKeyOrigin};

use crate::pki::algorithms::{Digest, Scheme};
use crate::pki::cert::Certificate;
use crate::pki::signer::{SignError, Signer};
use crate::pki::{self, Extra, Policy, TrustProfile, TrustStore, Usage};
use crate::verdict::Code;
use std::sync::Arc;

/// Why a key could not be imported, found, opened or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No key is stored under this id.
    #[error("no key with id {id:?}")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// A key is already stored under this id (import without replace).
    #[error("a key with id {id:?} already exists")]
    Exists {
        /// The id asked for.
        id: String,
    },
    /// The id is not 1–64 characters of `[A-Za-z0-9._-]`.
    #[error("key id {id:?} is not 1-64 characters of A-Z a-z 0-9 . _ -")]
    IdInvalid {
        /// The id as given.
        id: String,
    },
    /// The PKCS#12 does not open (damaged, wrong password) or holds no usable key.
    #[error("PKCS#12 not usable: {problem}")]
    P12Invalid {
        /// What was wrong with it.
        problem: P12Problem,
    },
    /// A key or PKCS#12 protection this service does not support.
    #[error("unsupported: {algorithm}")]
    Unsupported {
        /// The algorithm, e.g. `RSA-1024`, `GOST 34.10-2015 512 with sha256`.
        algorithm: String,
    },
    /// A sealed key file does not open: another master key, a renamed or
    /// changed file.
    #[error("sealed key {id:?} does not open ({problem})")]
    SealInvalid {
        /// The id of the key file.
        id: String,
        /// What failed.
        problem: SealProblem,
    },
    /// The master key file holds neither 32 bytes, 64 hex digits nor base64 of 32 bytes.
    #[error("master key file {path} is not 32 raw bytes, 64 hex digits or base64 of 32 bytes")]
    MasterKeyInvalid {
        /// The file.
        path: String,
    },
    /// A file or folder of the store could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file or folder.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// A certificate of the key's path had expired at the time asked.
    #[error("certificate {subject} expired at {}", crate::time::rfc3339(*not_after))]
    Expired {
        /// The expired certificate's subject.
        subject: String,
        /// Its notAfter (Unix seconds).
        not_after: i64,
    },
    /// A certificate of the key's path was not yet valid at the time asked.
    #[error("certificate {subject} is valid from {}", crate::time::rfc3339(*not_before))]
    NotYetValid {
        /// The certificate's subject.
        subject: String,
        /// Its notBefore (Unix seconds).
        not_before: i64,
    },
    /// A certificate of the key's path is revoked (or on hold).
    #[error(
        "certificate {serial} is revoked{}{}: a revoked key cannot sign; use a key with a valid certificate",
        revoked_at.as_deref().map(|t| format!(" since {t}")).unwrap_or_default(),
        reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
    )]
    Revoked {
        /// Serial number (hex) of the revoked certificate.
        serial: String,
        /// When, as the CRL says (RFC 3339).
        revoked_at: Option<String>,
        /// The CRL reason, e.g. `keyCompromise`, `certificateHold`.
        reason: Option<String>,
    },
    /// The certificate has no nonRepudiation: an authentication key.
    #[error(
        "not a signing certificate (key usage: {}): this is an authentication key; sign with the key whose certificate has nonRepudiation (the NCA's RSA_/GOSTKNCA_ signing file)",
        key_usage.join(", ")
    )]
    NotForSigning {
        /// The keyUsage bits it has.
        key_usage: Vec<&'static str>,
    },
    /// The certificate fails another check (no trusted chain, no revocation data).
    #[error("certificate not usable: {code}: {}; {}", code.message().en, usability_hint(*code))]
    CertInvalid {
        /// The verdict code of the failing check.
        code: Code,
    },
}

/// What to do when a key's certificate fails `code`.
pub fn usability_hint(code: Code) -> &'static str {
    match code {
        Code::ChainUntrusted | Code::ChainInvalid => {
            "give the issuing CA's certificates with --trust FILE (or put them in the trust folder, QOLTANBA_TRUST_DIR)"
        }
        Code::RevocationUnavailable | Code::RevocationStale | Code::CrlInvalid => {
            "give the current CRL of each CA on the path with --signer-crl FILE (or put them in the trust folder, QOLTANBA_TRUST_DIR)"
        }
        Code::CertExpired | Code::CertNotYetValid => {
            "the certificate is outside its validity period: use the key's current certificate"
        }
        Code::KeyUsageInvalid => "sign with a signing (not authentication) key",
        _ => "see docs/verdicts.md for this code",
    }
}

/// What was wrong with a PKCS#12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum P12Problem {
    /// Larger than [`MAX_P12_LEN`].
    #[error("file too large")]
    TooLarge,
    /// Not a PKCS#12 structure.
    #[error("not a PKCS#12 file")]
    Malformed,
    /// The integrity check or decryption failed: wrong password or damaged file.
    #[error("wrong password or damaged file")]
    WrongPassword,
    /// No private key inside.
    #[error("no private key")]
    NoPrivateKey,
    /// No certificate whose public key matches the private key.
    #[error("no certificate for the private key")]
    NoCertificate,
}

/// What failed when opening a sealed key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealProblem {
    /// The file is not a sealed key file of this format.
    #[error("not a sealed key file")]
    Malformed,
    /// Authentication failed: another master key, another id, or changed bytes.
    #[error("wrong master key, renamed or changed file")]
    NotAuthentic,
    /// No master key exists to open it with.
    #[error("no master key")]
    NoMasterKey,
}

impl KeyError {
    /// Every code [`KeyError::code`] can return.
    pub const CODES: [&'static str; 13] = [
        "KEY_NOT_FOUND",
        "KEY_EXISTS",
        "KEY_ID_INVALID",
        "KEY_P12_INVALID",
        "KEY_UNSUPPORTED",
        "KEY_SEAL_INVALID",
        "KEY_MASTER_KEY_INVALID",
        "KEY_IO",
        "KEY_EXPIRED",
        "KEY_NOT_YET_VALID",
        "KEY_REVOKED",
        "KEY_NOT_FOR_SIGNING",
        "KEY_CERT_INVALID",
    ];

    /// The stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NotFound { .. } => "KEY_NOT_FOUND",
            KeyError::Exists { .. } => "KEY_EXISTS",
            KeyError::IdInvalid { .. } => "KEY_ID_INVALID",
            KeyError::P12Invalid { .. } => "KEY_P12_INVALID",
            KeyError::Unsupported { .. } => "KEY_UNSUPPORTED",
            KeyError::SealInvalid { .. } => "KEY_SEAL_INVALID",
            KeyError::MasterKeyInvalid { .. } => "KEY_MASTER_KEY_INVALID",
            KeyError::Io { .. } => "KEY_IO",
            KeyError::Expired { .. } => "KEY_EXPIRED",
            KeyError::NotYetValid { .. } => "KEY_NOT_YET_VALID",
            KeyError::Revoked { .. } => "KEY_REVOKED",
            KeyError::NotForSigning { .. } => "KEY_NOT_FOR_SIGNING",
            KeyError::CertInvalid { .. } => "KEY_CERT_INVALID",
        }
    }

    /// The code's message in kk/ru/en.
    pub fn message(&self) -> crate::verdict::Message {
        crate::verdict::messages::key_message(self.code())
    }

    pub(crate) fn io(path: &std::path::Path, e: impl std::fmt::Display) -> KeyError {
        KeyError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

/// Checks a key id: 1–64 characters of `[A-Za-z0-9._-]` (so never a path:
/// the file is always `<id>.json` inside the keys folder).
pub fn validate_id(id: &str) -> Result<(), KeyError> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(KeyError::IdInvalid { id: id.to_string() })
    }
}

/// How a loaded key signs: the digest (RSA; ECDSA takes its curve's, GOST
/// its own) and whether RSA uses PSS. The default is SHA-256 with PKCS#1
/// v1.5 for RSA.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyOptions {
    /// The digest; None means SHA-256 for RSA, the curve's hash for ECDSA
    /// and the key's digest for GOST (any other is refused for GOST).
    pub digest: Option<Digest>,
    /// RSA-PSS instead of PKCS#1 v1.5.
    pub pss: bool,
}

/// A private key ready to sign, with its certificate and the issuers that
/// came with it.
#[derive(Debug)]
pub struct LoadedKey {
    /// The private key.
    pub signer: KeySigner,
    /// The signer certificate (DER): the one whose public key is the key's.
    pub cert_der: Vec<u8>,
    /// The rest of the chain (DER): the signer certificate's issuer first,
    /// then its issuer, as far as the source had them (the signer
    /// certificate itself is not repeated here).
    pub chain_der: Vec<Vec<u8>>,
}

impl LoadedKey {
    /// Every certificate, leaf first, issuers after, in chain order.
    pub fn certificates(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.cert_der.as_slice()).chain(self.chain_der.iter().map(Vec::as_slice))
    }

    /// The signer certificate, parsed.
    pub fn certificate(&self) -> Result<Certificate, KeyError> {
        Certificate::from_der(&self.cert_der).map_err(|_| KeyError::P12Invalid {
            problem: P12Problem::NoCertificate,
        })
    }

    /// [`check_usable`] on the signer certificate, with the key's own chain
    /// offered for path building.
    pub fn check_usable(&self, store: &TrustStore, at: i64) -> Result<(), KeyError> {
        let extra = Extra {
            certs: self
                .chain_der
                .iter()
                .filter_map(|d| Certificate::from_der(d).ok().map(Arc::new))
                .collect(),
            rejected_certs: Vec::new(),
        };
        usable(&self.certificate()?, store, &extra, at).1
    }
}

impl Signer for LoadedKey {
    fn scheme(&self) -> Scheme {
        self.signer.scheme()
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.signer.public_key_spki()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        self.signer.sign(msg)
    }
}

/// Whether `cert` may sign at `at`: chain to the store's anchors, validity of
/// the whole path, revocation from the store's CRLs, nonRepudiation. The
/// first failing check, in verification order, decides the error.
pub fn check_usable(cert: &Certificate, store: &TrustStore, at: i64) -> Result<(), KeyError> {
    usable(cert, store, &Extra::default(), at).1
}

/// [`check_usable`] with extra intermediates offered for path building.
pub fn check_usable_with(
    cert: &Certificate,
    store: &TrustStore,
    extra: &Extra,
    at: i64,
) -> Result<(), KeyError> {
    usable(cert, store, extra, at).1
}

/// [`check_usable_with`], and whose PKI the certificate's path ends in: a
/// test PKI's anchor (such as the NCA's test CA, whose IINs fail the check
/// digit) or a production one; the profile is known even when the
/// certificate may not sign, so a caller can check the IIN first.
pub fn assess_signer(
    cert: &Certificate,
    store: &TrustStore,
    extra: &Extra,
    at: i64,
) -> (TrustProfile, Result<(), KeyError>) {
    usable(cert, store, extra, at)
}

fn usable(
    cert: &Certificate,
    store: &TrustStore,
    extra: &Extra,
    at: i64,
) -> (TrustProfile, Result<(), KeyError>) {
    let leaf = Arc::new(cert.clone());
    // The default policy checks revocation; only the usage is pinned here.
    let policy = Policy {
        usage: Usage::Sign,
        ..Policy::default()
    };
    let v = pki::validate(&leaf, store, extra, &store.revocation, at, &policy);
    let profile = v.trust_profile;
    let path = v.path.unwrap_or_else(|| vec![leaf.clone()]);
    for check in &v.checks {
        let Some(code) = check.code else { continue };
        return (
            profile,
            Err(match code {
                Code::CertExpired => {
                    let c = path.iter().find(|c| at > c.not_after).unwrap_or(&leaf);
                    KeyError::Expired {
                        subject: c.subject.dn.clone(),
                        not_after: c.not_after,
                    }
                }
                Code::CertNotYetValid => {
                    let c = path.iter().find(|c| at < c.not_before).unwrap_or(&leaf);
                    KeyError::NotYetValid {
                        subject: c.subject.dn.clone(),
                        not_before: c.not_before,
                    }
                }
                Code::CertRevoked => {
                    let by = &check.detail["decided_by"];
                    let text = |v: &serde_json::Value| v.as_str().map(String::from);
                    KeyError::Revoked {
                        serial: text(&by["certificate"]["serial"])
                            .unwrap_or_else(|| cert.serial_hex()),
                        revoked_at: text(&by["revoked_at"]),
                        reason: text(&by["reason"]),
                    }
                }
                Code::KeyUsageInvalid => KeyError::NotForSigning {
                    key_usage: cert.key_usage.map(|k| k.names()).unwrap_or_default(),
                },
                other => KeyError::CertInvalid { code: other },
            }),
        );
    }
    (profile, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "citizen-rsa", "A.b_c-9", "..", &"x".repeat(64)] {
            assert!(validate_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a/b", "../a", "a b", "ключ", &"x".repeat(65), "a\0"] {
            assert_eq!(validate_id(bad).unwrap_err().code(), "KEY_ID_INVALID");
        }
    }

    #[test]
    fn every_code_has_its_own_message() {
        let fallback = crate::verdict::messages::key_message("NO_SUCH_CODE");
        for code in KeyError::CODES {
            let m = crate::verdict::messages::key_message(code);
            assert_ne!(m, fallback, "{code} has no message");
        }
    }
}
