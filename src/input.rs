//! Bytes from outside: DER, PEM or base64 text, bounded in size.
//!
//! Owns telling the three apart and turning them into DER. Refuses empty
//! input, input over the caller's limit, PEM with an unexpected label and
//! text that is neither PEM nor base64.

use base64::Engine;

/// Why input could not be turned into DER.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Nothing there.
    #[error("input is empty")]
    Empty,
    /// Not DER, PEM or base64.
    #[error("input is not DER, PEM or base64: {0}")]
    Undecodable(String),
    /// PEM found, but none with an accepted label.
    #[error("PEM block has label {found}, expected one of {expected}")]
    WrongLabel {
        /// The label found.
        found: String,
        /// The labels accepted.
        expected: String,
    },
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Base64 with either alphabet, padding optional.
const B64_ENGINES: [base64::engine::GeneralPurpose; 2] = {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [
        GeneralPurpose::new(&base64::alphabet::STANDARD, config),
        GeneralPurpose::new(&base64::alphabet::URL_SAFE, config),
    ]
};

/// Decodes base64 (standard or URL-safe alphabet, padding optional, ASCII
/// whitespace ignored); `None` when it is not base64. Text without
/// whitespace (what API clients send) is decoded in place, without a copy.
pub fn decode_base64(bytes: &[u8]) -> Option<Vec<u8>> {
    // Any byte at or below the space (a superset of ASCII whitespace, and
    // never base64) sends the text through the filter; the scan runs
    // without an early exit so the compiler vectorises it.
    let spaced = bytes.iter().fold(false, |seen, &b| seen | (b <= b' '));
    let clean: std::borrow::Cow<[u8]> = if spaced {
        bytes
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect::<Vec<u8>>()
            .into()
    } else {
        bytes.into()
    };
    B64_ENGINES.iter().find_map(|e| e.decode(&clean).ok())
}

/// Decodes base64 text (standard or URL-safe alphabet, whitespace ignored).
pub fn base64_text(bytes: &[u8]) -> Result<Vec<u8>, InputError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty);
    }
    decode_base64(bytes).ok_or_else(|| InputError::Undecodable("invalid base64".into()))
}

/// DER with trailing ASCII whitespace (a newline added in transit) removed,
/// when the element ends exactly where the whitespace starts.
fn trim_der(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    if end < bytes.len() && crate::asn1::ber::to_der(&bytes[..end]).is_ok() {
        &bytes[..end]
    } else {
        bytes
    }
}

/// Every object in the input: each PEM block with an accepted label, or the
/// single DER/base64 object.
pub fn decode_all(bytes: &[u8], labels: &[&str]) -> Result<Vec<Vec<u8>>, InputError> {
    // Files arrive with a UTF-8 BOM or surrounding whitespace: neither is part of the object.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(InputError::Empty);
    };
    if bytes[first] == 0x30 {
        return Ok(vec![trim_der(&bytes[first..]).to_vec()]);
    }
    if is_pem(bytes) {
        let blocks = pem::parse_many(bytes).map_err(|e| InputError::Undecodable(e.to_string()))?;
        let mut out = Vec::new();
        let mut other = None;
        for b in blocks {
            if labels.iter().any(|l| *l == b.tag()) {
                out.push(b.into_contents());
            } else {
                other = Some(b.tag().to_string());
            }
        }
        if out.is_empty() {
            return Err(match other {
                Some(found) => InputError::WrongLabel {
                    found,
                    expected: labels.join(", "),
                },
                None => InputError::Undecodable("no PEM block".into()),
            });
        }
        return Ok(out);
    }
    Ok(vec![base64_text(bytes)?])
}

/// The single object in the input (the first PEM block when several).
pub fn decode_der(bytes: &[u8], labels: &[&str]) -> Result<Vec<u8>, InputError> {
    decode_all(bytes, labels)?
        .into_iter()
        .next()
        .ok_or(InputError::Empty)
}
