//! Fresh random bytes and tokens, from the system's CSPRNG through `ring`.

use ring::rand::{SecureRandom, SystemRandom};

/// The system gave no randomness (nothing secret may be made then).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no randomness from the system")]
pub struct NoRandomness;

/// `n` random bytes.
pub fn bytes(n: usize) -> Result<Vec<u8>, NoRandomness> {
    let mut b = vec![0u8; n];
    SystemRandom::new().fill(&mut b).map_err(|_| NoRandomness)?;
    Ok(b)
}

/// `n` random bytes as lowercase hex (a token, an id).
pub fn hex(n: usize) -> Result<String, NoRandomness> {
    Ok(bytes(n)?.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_fresh_lowercase_hex() {
        let (a, b) = (super::hex(16).unwrap(), super::hex(16).unwrap());
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
    }
}
