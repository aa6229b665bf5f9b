//! The master key and the seal: AES-256-GCM over a PKCS#8 key, bound to the
//! key's id and certificates.
//!
//! Owns reading the master key (32 raw bytes, 64 hex digits or base64 of 32
//! bytes), generating one into a 0600 file, sealing and opening, and writing
//! private files. Refuses a master key of any other length and any sealed
//! bytes whose tag does not verify. Never prints or logs key material.

use super::KeyError;
use base64::Engine;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::SecureRandom;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use zeroize::Zeroizing;

/// Length of the master key, in bytes.
pub(crate) const MASTER_KEY_LEN: usize = 32;

/// Largest master key file read (text forms with whitespace fit easily).
const MAX_MASTER_FILE_LEN: u64 = 4096;

/// What the additional authenticated data starts with: the format and purpose.
const AAD_LABEL: &[u8] = b"qoltanba/sealed-signer-key/v1\0";

/// The 256-bit master key, wiped on drop.
pub(crate) struct MasterKey(Zeroizing<[u8; MASTER_KEY_LEN]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Reads the key from file bytes: exactly 32 bytes are the key itself;
    /// otherwise, whitespace trimmed, 64 hex digits or base64 of 32 bytes.
    pub(crate) fn parse(bytes: &[u8]) -> Option<MasterKey> {
        let mut key = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        if bytes.len() == MASTER_KEY_LEN {
            key.copy_from_slice(bytes);
            return Some(MasterKey(key));
        }
        let text = bytes.trim_ascii();
        if text.len() == 2 * MASTER_KEY_LEN && text.iter().all(u8::is_ascii_hexdigit) {
            for (i, pair) in text.chunks_exact(2).enumerate() {
                key[i] = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
            }
            return Some(MasterKey(key));
        }
        for engine in [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE,
        ] {
            if let Ok(decoded) = engine.decode(text).map(Zeroizing::new)
                && decoded.len() == MASTER_KEY_LEN
            {
                key.copy_from_slice(&decoded);
                return Some(MasterKey(key));
            }
        }
        None
    }

    /// Reads the master key file.
    pub(crate) fn read(path: &Path) -> Result<MasterKey, KeyError> {
        let meta = std::fs::metadata(path).map_err(|e| KeyError::io(path, e))?;
        if meta.len() > MAX_MASTER_FILE_LEN {
            return Err(KeyError::MasterKeyInvalid {
                path: path.display().to_string(),
            });
        }
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| KeyError::io(path, e))?);
        MasterKey::parse(&bytes).ok_or_else(|| KeyError::MasterKeyInvalid {
            path: path.display().to_string(),
        })
    }

    /// Makes a new random master key and writes it (raw, 0600) to `path`;
    /// when another process got there first, reads theirs instead.
    pub(crate) fn generate(path: &Path, rng: &dyn SecureRandom) -> Result<MasterKey, KeyError> {
        let mut key = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        rng.fill(key.as_mut()).map_err(|_| KeyError::Io {
            path: path.display().to_string(),
            reason: "no randomness for a master key".into(),
        })?;
        match write_private(path, key.as_ref(), false, rng) {
            Ok(()) => Ok(MasterKey(key)),
            Err(WriteError::Exists) => MasterKey::read(path),
            Err(WriteError::Io(e)) => Err(e),
        }
    }

    fn aead(&self) -> Option<LessSafeKey> {
        UnboundKey::new(&AES_256_GCM, self.0.as_ref())
            .ok()
            .map(LessSafeKey::new)
    }
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// The additional authenticated data of one key file: the label, the id,
/// and a digest of its certificates, so a renamed or re-certified file fails.
pub(crate) fn aad(id: &str, certificates: &[&[u8]]) -> Vec<u8> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for c in certificates {
        ctx.update(&(c.len() as u64).to_be_bytes());
        ctx.update(c);
    }
    let mut out = Vec::with_capacity(AAD_LABEL.len() + 1 + id.len() + 32);
    out.extend_from_slice(AAD_LABEL);
    out.push(id.len() as u8);
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(ctx.finish().as_ref());
    out
}

/// Seals `plaintext`: a fresh random 96-bit nonce, then ciphertext || tag.
pub(crate) fn seal(
    master: &MasterKey,
    aad: &[u8],
    plaintext: &[u8],
    rng: &dyn SecureRandom,
) -> Result<([u8; NONCE_LEN], Vec<u8>), ()> {
    let key = master.aead().ok_or(())?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce).map_err(|_| ())?;
    let mut buf = plaintext.to_vec();
    let sealed = key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad),
        &mut buf,
    );
    match sealed {
        Ok(()) => Ok((nonce, buf)),
        Err(_) => {
            zeroize::Zeroize::zeroize(&mut buf);
            Err(())
        }
    }
}

/// Opens sealed bytes; None when the tag does not verify.
pub(crate) fn open(
    master: &MasterKey,
    aad: &[u8],
    nonce: [u8; NONCE_LEN],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(sealed.to_vec());
    let len = master
        .aead()?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut buf,
        )
        .ok()?
        .len();
    buf.truncate(len);
    Some(buf)
}

/// Why a private file was not written.
pub(crate) enum WriteError {
    /// The file exists and was not to be replaced.
    Exists,
    /// Anything else.
    Io(KeyError),
}

/// Writes `bytes` to `path` as a 0600 file, atomically: a new temporary file
/// beside it, then renamed over it (`replace`) or linked to it (fails when
/// it exists), so readers never see half a file.
pub(crate) fn write_private(
    path: &Path,
    bytes: &[u8],
    replace: bool,
    rng: &dyn SecureRandom,
) -> Result<(), WriteError> {
    let io = |p: &Path, e: std::io::Error| WriteError::Io(KeyError::io(p, e));
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tag = [0u8; 8];
    rng.fill(&mut tag).map_err(|_| {
        WriteError::Io(KeyError::Io {
            path: dir.display().to_string(),
            reason: "no randomness for a temporary name".into(),
        })
    })?;
    let tmp = dir.join(format!(".tmp-{}", crate::pki::cert::hex(&tag)));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(&tmp, e));
    }
    let placed = if replace {
        std::fs::rename(&tmp, path)
    } else {
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        linked
    };
    match placed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(WriteError::Exists),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(io(path, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn master_key_forms() {
        let raw: Vec<u8> = (0u8..32).collect();
        let hex = crate::pki::cert::hex(&raw);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
        for form in [
            raw.clone(),
            hex.clone().into_bytes(),
            format!("{}\n", hex.to_uppercase()).into_bytes(),
            format!("{b64}\n").into_bytes(),
        ] {
            let k = MasterKey::parse(&form).map(|k| k.0.to_vec());
            assert_eq!(k.as_deref(), Some(raw.as_slice()));
        }
        for bad in [
            &b"short"[..],
            &[0u8; 31],
            &[0u8; 33],
            b"zz".repeat(32).as_slice(),
        ] {
            assert!(MasterKey::parse(bad).is_none());
        }
    }

    #[test]
    fn seal_binds_key_and_aad() {
        let rng = SystemRandom::new();
        let Some(k1) = MasterKey::parse(&[1u8; 32]) else {
            panic!("key")
        };
        let Some(k2) = MasterKey::parse(&[2u8; 32]) else {
            panic!("key")
        };
        let aad1 = aad("one", &[b"cert"]);
        let Ok((nonce, sealed)) = seal(&k1, &aad1, b"secret pkcs8", &rng) else {
            panic!("seal")
        };
        assert_eq!(
            open(&k1, &aad1, nonce, &sealed)
                .as_deref()
                .map(|v| v.as_slice()),
            Some(&b"secret pkcs8"[..])
        );
        assert!(open(&k2, &aad1, nonce, &sealed).is_none());
        assert!(open(&k1, &aad("two", &[b"cert"]), nonce, &sealed).is_none());
        assert!(open(&k1, &aad("one", &[b"other"]), nonce, &sealed).is_none());
        let Ok((nonce2, _)) = seal(&k1, &aad1, b"secret pkcs8", &rng) else {
            panic!("seal")
        };
        assert_ne!(nonce, nonce2);
    }
}
