//! The private key of a loaded key, whichever its algorithm: RSA and ECDSA
//! held by `ring`, GOST 34.310-2004 and GOST 34.10-2015 held by
//! [`crate::pki::gost`] (nonce from the operating system, constant-time base
//! point multiplication, the scalar wiped on drop).
//!
//! Owns reading a PKCS#8 key under [`KeyOptions`] and refusing the
//! combinations a key cannot sign with: a GOST key signs with its own
//! digest only (GOST 34.311-95 for 2004 keys, Streebog of the curve's size
//! for 2015 keys) and never with PSS.

use super::{KeyError, KeyOptions};
use crate::pki::algorithms::{KeyKind, PublicKey, Scheme};
use crate::pki::signer::{GostSigner, RingSigner, SignError, Signer, is_gost_pkcs8};

/// A private key ready to sign.
#[derive(Debug)]
pub enum KeySigner {
    /// RSA or ECDSA, in `ring`.
    Ring(Box<RingSigner>),
    /// GOST, in `pki::gost`.
    Gost(GostSigner),
}

impl KeySigner {
    /// Reads a PKCS#8 PrivateKeyInfo and applies `options`.
    pub fn from_pkcs8(pkcs8: &[u8], options: KeyOptions) -> Result<KeySigner, KeyError> {
        if is_gost_pkcs8(pkcs8) {
            let g = GostSigner::from_pkcs8(pkcs8).map_err(|_| KeyError::Unsupported {
                algorithm: "GOST private key".into(),
            })?;
            let kind = g.kind();
            let own = kind.default_digest();
            if options.pss || options.digest.is_some_and(|d| d != own) {
                let asked = options.digest.unwrap_or(own);
                let pss = if options.pss { " PSS" } else { "" };
                return Err(KeyError::Unsupported {
                    algorithm: format!("{} with {}{pss}", kind.label(), asked.name()),
                });
            }
            return Ok(KeySigner::Gost(g));
        }
        match RingSigner::from_pkcs8(pkcs8, options.digest, options.pss) {
            Ok(s) => Ok(KeySigner::Ring(Box::new(s))),
            Err(_) => {
                // The key itself may be fine and only the requested scheme not.
                let kind = RingSigner::from_pkcs8(pkcs8, None, false)
                    .ok()
                    .and_then(|s| s.kind());
                let algorithm = match (kind, options.digest) {
                    (Some(k), Some(d)) => format!("{} with {}", kind_name(k), d.name()),
                    (Some(k), None) => kind_name(k),
                    (None, _) => "private key".into(),
                };
                Err(KeyError::Unsupported { algorithm })
            }
        }
    }

    /// The key's kind.
    pub fn kind(&self) -> Option<KeyKind> {
        match self {
            KeySigner::Ring(s) => s.kind(),
            KeySigner::Gost(g) => Some(g.kind()),
        }
    }

    /// The public key, parsed.
    pub fn public_key(&self) -> Result<PublicKey, SignError> {
        PublicKey::from_spki_der(&self.public_key_spki()).map_err(|e| SignError::Key(e.to_string()))
    }
}

impl Signer for KeySigner {
    fn scheme(&self) -> Scheme {
        match self {
            KeySigner::Ring(s) => s.scheme(),
            KeySigner::Gost(g) => g.scheme(),
        }
    }
    fn public_key_spki(&self) -> Vec<u8> {
        match self {
            KeySigner::Ring(s) => s.public_key_spki(),
            KeySigner::Gost(g) => g.public_key_spki(),
        }
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        match self {
            KeySigner::Ring(s) => s.sign(msg),
            KeySigner::Gost(g) => g.sign(msg),
        }
    }
}

/// A key kind as shown to people, e.g. `RSA-2048`, `ECDSA P-256`,
/// `GOST 34.10-2015 512`.
pub fn kind_name(k: KeyKind) -> String {
    match k {
        KeyKind::Gost { .. } => k.label(),
        _ => match k.curve() {
            Some(c) => format!("{} {c}", k.algorithm()),
            None => format!("{}-{}", k.algorithm(), k.bits()),
        },
    }
}
