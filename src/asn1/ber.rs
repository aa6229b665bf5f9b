//! BER to DER normalisation (CMS envelopes, PKCS#12 files).
//!
//! Java/BouncyCastle signers (NCALayer-style clients), Kalkan's PKCS#12
//! files and `openssl cms -stream` write indefinite lengths and constructed OCTET STRINGs; the `der`
//! crate accepts neither. This pass rewrites lengths in their minimal definite
//! form and joins constructed strings into primitive ones, leaving every other
//! byte as it was (SET OF order included, since signatures cover it). Refuses
//! nesting deeper than `MAX_DEPTH`, lengths past the input, and trailing data.

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 64;

/// Why the bytes are not BER.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BerError {
    /// Ran out of input.
    #[error("truncated at byte {0}")]
    Truncated(usize),
    /// A length form BER forbids, or one beyond 4 GiB.
    #[error("bad length at byte {0}")]
    BadLength(usize),
    /// Nesting deeper than `MAX_DEPTH`.
    #[error("nesting deeper than {MAX_DEPTH}")]
    TooDeep,
    /// Bytes after the outermost element.
    #[error("{0} bytes of trailing data")]
    Trailing(usize),
    /// A constructed string holding something other than string segments.
    #[error("bad constructed string at byte {0}")]
    BadString(usize),
    /// An end-of-contents marker where none belongs.
    #[error("unexpected end-of-contents at byte {0}")]
    UnexpectedEoc(usize),
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

enum Len {
    Definite(usize),
    Indefinite,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, BerError> {
        let x = *self.b.get(self.pos).ok_or(BerError::Truncated(self.pos))?;
        self.pos += 1;
        Ok(x)
    }

    /// Returns the identifier octets and whether the element is constructed.
    fn tag(&mut self) -> Result<(&'a [u8], bool), BerError> {
        let start = self.pos;
        let first = self.byte()?;
        if first & 0x1F == 0x1F {
            // High tag number: base-128 continuation, at most 4 octets.
            for i in 0.. {
                let x = self.byte()?;
                if i == 0 && x == 0x80 || i >= 4 {
                    return Err(BerError::BadLength(start));
                }
                if x & 0x80 == 0 {
                    break;
                }
            }
        }
        Ok((&self.b[start..self.pos], first & 0x20 != 0))
    }

    fn len(&mut self) -> Result<Len, BerError> {
        let at = self.pos;
        let first = self.byte()?;
        if first < 0x80 {
            let v = first as usize;
            if v > self.b.len() - self.pos {
                return Err(BerError::Truncated(at));
            }
            return Ok(Len::Definite(v));
        }
        if first == 0x80 {
            return Ok(Len::Indefinite);
        }
        let n = (first & 0x7F) as usize;
        if n > 4 {
            return Err(BerError::BadLength(at));
        }
        let mut v = 0usize;
        for _ in 0..n {
            v = (v << 8) | self.byte()? as usize;
        }
        if v > self.b.len() - self.pos {
            return Err(BerError::Truncated(at));
        }
        Ok(Len::Definite(v))
    }
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Universal string types that BER lets be constructed.
fn is_string_tag(id: &[u8]) -> bool {
    id.len() == 1
        && id[0] & 0xC0 == 0
        && matches!(
            id[0] & 0x1F,
            3 | 4 | 12 | 18 | 19 | 20 | 21 | 22 | 25 | 26 | 27 | 28 | 30
        )
}

/// Reads one element at `r`, appending its DER form to `out`. Returns false
/// when it read an end-of-contents marker instead (only allowed when `in_indefinite`).
fn element(
    r: &mut Reader<'_>,
    out: &mut Vec<u8>,
    depth: usize,
    in_indefinite: bool,
) -> Result<bool, BerError> {
    if depth > MAX_DEPTH {
        return Err(BerError::TooDeep);
    }
    let at = r.pos;
    let (id, constructed) = r.tag()?;
    let len = r.len()?;
    if id == [0] {
        return match len {
            Len::Definite(0) if in_indefinite => Ok(false),
            _ => Err(BerError::UnexpectedEoc(at)),
        };
    }
    if !constructed {
        let Len::Definite(n) = len else {
            return Err(BerError::BadLength(at));
        };
        let content =
            r.b.get(r.pos..r.pos + n)
                .ok_or(BerError::Truncated(r.pos))?;
        r.pos += n;
        out.extend_from_slice(id);
        push_len(out, n);
        out.extend_from_slice(content);
        return Ok(true);
    }
    // Constructed: normalise the children into a buffer, then frame it.
    let mut inner = Vec::new();
    match len {
        Len::Definite(n) => {
            let end = r.pos + n;
            let mut sub = Reader {
                b: &r.b[..end],
                pos: r.pos,
            };
            while sub.pos < end {
                element(&mut sub, &mut inner, depth + 1, false)?;
            }
            r.pos = end;
        }
        Len::Indefinite => loop {
            if !element(r, &mut inner, depth + 1, true)? {
                break;
            }
        },
    }
    if is_string_tag(id) {
        let joined = join_segments(&inner, id[0] & 0x1F == 3).ok_or(BerError::BadString(at))?;
        out.push(id[0] & !0x20);
        push_len(out, joined.len());
        out.extend_from_slice(&joined);
    } else {
        out.extend_from_slice(id);
        push_len(out, inner.len());
        out.extend_from_slice(&inner);
    }
    Ok(true)
}

/// Joins the primitive segments (already DER) of a constructed string.
fn join_segments(inner: &[u8], bit_string: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(inner.len());
    let mut w = crate::asn1::Walker::new(inner).ok()?;
    let mut unused = 0u8;
    let mut first = true;
    while !w.is_empty() {
        let seg = w.next_tlv().ok()?;
        if seg.tag.is_constructed() {
            return None;
        }
        if bit_string {
            if !first && unused != 0 {
                return None;
            }
            let (&u, data) = seg.value.split_first()?;
            unused = u;
            if first {
                out.push(0);
            }
            out.extend_from_slice(data);
        } else {
            out.extend_from_slice(seg.value);
        }
        first = false;
    }
    if bit_string {
        if out.is_empty() {
            out.push(0);
        }
        out[0] = unused;
    }
    Some(out)
}

/// Rewrites one BER element as DER framing. The input must hold exactly one element.
pub fn to_der(input: &[u8]) -> Result<Vec<u8>, BerError> {
    let mut r = Reader { b: input, pos: 0 };
    let mut out = Vec::with_capacity(input.len());
    element(&mut r, &mut out, 0, false)?;
    if r.pos != input.len() {
        return Err(BerError::Trailing(input.len() - r.pos));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_sequence_becomes_definite() {
        let ber = [0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00];
        assert_eq!(to_der(&ber).unwrap(), vec![0x30, 0x03, 0x02, 0x01, 0x05]);
    }

    #[test]
    fn constructed_octet_string_is_joined() {
        let ber = [
            0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00,
        ];
        assert_eq!(to_der(&ber).unwrap(), vec![0x04, 0x03, b'a', b'b', b'c']);
    }

    #[test]
    fn long_form_short_length_is_minimised() {
        let ber = [0x04, 0x81, 0x01, 0xAA];
        assert_eq!(to_der(&ber).unwrap(), vec![0x04, 0x01, 0xAA]);
    }

    #[test]
    fn rejects_garbage() {
        assert!(to_der(&[0x30, 0x80, 0x02, 0x01]).is_err());
        assert!(to_der(&[0x30, 0x05, 0x02]).is_err());
        assert!(to_der(&[0x02, 0x80]).is_err());
        assert!(to_der(&[0x30, 0x00, 0x00]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 100).flatten().collect();
        assert!(to_der(&deep).is_err());
    }
}
