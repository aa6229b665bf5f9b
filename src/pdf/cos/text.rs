//! PDF text strings (ISO 32000-1, 7.9.2.2): a string object read as text
//! (UTF-16BE or UTF-8 with their byte-order marks, else PDFDocEncoding,
//! taken as Latin-1), and text written back as the shortest faithful form.

use lopdf::{Object, StringFormat};

/// Reads a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ~ Latin-1).
pub fn text(o: &Object) -> Option<String> {
    let Object::String(b, _) = o else {
        return None;
    };
    Some(decode_text(b))
}

/// Decodes the bytes of a text string.
pub fn decode_text(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    b.iter().map(|&c| char::from(c)).collect()
}

/// Encodes a text string: PDFDocEncoding when ASCII, else UTF-16BE with BOM.
pub fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings() {
        let t = text_string("Қолтаңба");
        assert_eq!(text(&t).unwrap(), "Қолтаңба");
        assert_eq!(text(&text_string("abc")).unwrap(), "abc");
    }
}
