//! The short access code printed beside the QR code on a stamp: who holds
//! the paper may open the document itself on the public page, nobody else.
//!
//! Owns making codes (random, from the caller's randomness), reading what a
//! person typed, and the stored form: PBKDF2-HMAC-SHA256 with a random salt,
//! so a copy of the database does not give the codes away cheaply. How many
//! wrong tries a document allows is [`TRIES`]; counting them is the store's.

use ring::rand::SecureRandom;
use std::num::NonZeroU32;

/// Letters of a code: no 0/O, 1/I/L, so a printed code reads back unambiguously.
pub const ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code (40 bits).
pub const CODE_LEN: usize = 8;
/// PBKDF2 rounds for a stored code.
pub const ROUNDS: u32 = 20_000;
/// Wrong codes allowed for one document per [`WINDOW`] seconds.
pub const TRIES: i64 = 5;
/// The window wrong tries are counted in, seconds.
pub const WINDOW: i64 = 15 * 60;

/// Why a code could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The system's randomness failed.
    #[error("no randomness")]
    NoRandomness,
    /// What was typed is not a code's shape.
    #[error("an access code is {CODE_LEN} letters and digits")]
    Shape,
    /// A stored hash is not one this module writes.
    #[error("stored access code hash is malformed")]
    Stored,
}

/// A new code, `XXXX-XXXX`.
pub fn generate(rng: &dyn SecureRandom) -> Result<String, AccessError> {
    let mut out = String::with_capacity(CODE_LEN + 1);
    let mut buf = [0u8; 32];
    let mut n = 0;
    while n < CODE_LEN {
        rng.fill(&mut buf).map_err(|_| AccessError::NoRandomness)?;
        // Rejection sampling keeps every letter equally likely (31 letters; 248 = 8 × 31).
        for b in buf {
            if n == CODE_LEN {
                break;
            }
            if usize::from(b) < 248 {
                if n == CODE_LEN / 2 {
                    out.push('-');
                }
                out.push(ALPHABET[usize::from(b) % 31] as char);
                n += 1;
            }
        }
    }
    Ok(out)
}

/// What a person typed, as the code it means: spaces and dashes dropped,
/// upper-cased; None unless [`CODE_LEN`] letters of the alphabet remain.
pub fn normalise(typed: &str) -> Option<String> {
    if typed.len() > 64 {
        return None;
    }
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == CODE_LEN && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

fn rounds() -> NonZeroU32 {
    NonZeroU32::new(ROUNDS).unwrap_or(NonZeroU32::MIN)
}

/// The stored form of a code: `pbkdf2-sha256$ROUNDS$SALT$HASH` (hex).
pub fn hash(code: &str, rng: &dyn SecureRandom) -> Result<String, AccessError> {
    let code = normalise(code).ok_or(AccessError::Shape)?;
    let mut salt = [0u8; 16];
    rng.fill(&mut salt).map_err(|_| AccessError::NoRandomness)?;
    let mut out = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        rounds(),
        &salt,
        code.as_bytes(),
        &mut out,
    );
    Ok(format!(
        "pbkdf2-sha256${ROUNDS}${}${}",
        crate::pki::cert::hex(&salt).to_lowercase(),
        crate::pki::cert::hex(&out).to_lowercase()
    ))
}

/// Whether `typed` is the code `stored` was made from (constant time).
pub fn matches(typed: &str, stored: &str) -> Result<bool, AccessError> {
    let Some(code) = normalise(typed) else {
        return Ok(false);
    };
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(r), Some(salt), Some(h), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(AccessError::Stored);
    };
    let r = r
        .parse::<u32>()
        .ok()
        .filter(|r| (1..=10_000_000).contains(r))
        .and_then(NonZeroU32::new)
        .ok_or(AccessError::Stored)?;
    let salt = unhex(salt).ok_or(AccessError::Stored)?;
    let h = unhex(h).ok_or(AccessError::Stored)?;
    Ok(ring::pbkdf2::verify(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        r,
        &salt,
        code.as_bytes(),
        &h,
    )
    .is_ok())
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 128 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_strangers_do_not_match() {
        let rng = ring::rand::SystemRandom::new();
        let code = generate(&rng).unwrap();
        assert_eq!(code.len(), CODE_LEN + 1);
        assert_eq!(&code[4..5], "-");
        let stored = hash(&code, &rng).unwrap();
        assert!(stored.starts_with("pbkdf2-sha256$20000$"));
        assert!(!stored.contains(&code.replace('-', "")));
        assert!(matches(&code, &stored).unwrap());
        assert!(matches(&code.to_lowercase().replace('-', " "), &stored).unwrap());
        let other = generate(&rng).unwrap();
        assert!(!matches(&other, &stored).unwrap() || other == code);
        assert!(!matches("<script>", &stored).unwrap());
        assert_eq!(matches(&code, "md5$x"), Err(AccessError::Stored));
        // Two hashes of one code differ (salted).
        assert_ne!(hash(&code, &rng).unwrap(), stored);
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalise(" abcd-efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalise("ABCD-EFG0"), None, "0 is not in the alphabet");
        assert_eq!(normalise("ABC"), None);
        assert_eq!(normalise(&"A".repeat(100)), None);
    }
}
