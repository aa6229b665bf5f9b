//! Which certificate a SignerInfo names: by issuer and serial (raw or
//! equivalent issuer name), or by subject key identifier (the extension's
//! or, as RFC 5280 4.2.1.2 method 1 computes it, the SHA-1 of the key).

use super::parse::SignerId;
use crate::pki::cert::Certificate;
use der::Decode;
use std::sync::Arc;

/// The certificate of `pool` that `sid` names.
pub(super) fn find_cert(sid: &SignerId, pool: &[Arc<Certificate>]) -> Option<Arc<Certificate>> {
    let issuer_key = std::sync::OnceLock::new();
    pool.iter()
        .find(|c| match sid {
            SignerId::IssuerSerial { issuer, serial } => {
                c.serial == *serial
                    && (c.issuer_raw == *issuer
                        || c.issuer_key()
                            == issuer_key
                                .get_or_init(|| crate::pki::cert::name_key(issuer))
                                .as_slice())
            }
            SignerId::KeyId(k) => {
                c.ski.as_deref() == Some(k.as_slice())
                    || computed_ski(c).as_deref() == Some(k.as_slice())
            }
        })
        .cloned()
}

/// RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
fn computed_ski(c: &Certificate) -> Option<Vec<u8>> {
    let info = spki::SubjectPublicKeyInfoRef::from_der(&c.spki).ok()?;
    let bits = info.subject_public_key.raw_bytes();
    Some(
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bits)
            .as_ref()
            .to_vec(),
    )
}
