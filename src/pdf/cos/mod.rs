//! PDF object syntax (ISO 32000-1, 7.2–7.3): one object read from bytes.
//!
//! Owns tokens, direct objects (into `lopdf::Object`, whose writer the
//! signing side reuses), and indirect objects `N G obj … endobj` with the
//! position of a stream's data and of each top-level dictionary value (so a
//! signature's `/Contents` can be located exactly). Knows nothing of
//! cross-reference tables or revisions (`xref` does); `text` reads and
//! writes text strings. Never panics: nesting, names, strings and numbers
//! are bounded, and every failure is an error.

mod text;

pub use text::{decode_text, text, text_string};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// Deepest nesting of arrays and dictionaries accepted.
const MAX_DEPTH: usize = 64;
/// Longest name accepted.
const MAX_NAME: usize = 4096;

/// Why an object could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// The bytes end inside the object: read more and try again.
    #[error("object truncated at byte {0}")]
    Truncated(usize),
    /// Something that is not PDF object syntax.
    #[error("unexpected {found:?} at byte {at}")]
    Unexpected {
        /// Offset in the buffer.
        at: usize,
        /// What was there.
        found: String,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("nested deeper than {MAX_DEPTH} at byte {0}")]
    TooDeep(usize),
}

fn unexpected(buf: &[u8], at: usize) -> SyntaxError {
    let end = (at + 16).min(buf.len());
    SyntaxError::Unexpected {
        at,
        found: String::from_utf8_lossy(buf.get(at..end).unwrap_or_default()).into_owned(),
    }
}

/// PDF white-space characters.
pub fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

/// An indirect object as read: its id, value, where its stream data begins
/// (relative to the buffer) and the spans of its dictionary's values.
#[derive(Debug, Clone)]
pub struct Indirect {
    /// Object number and generation.
    pub id: ObjectId,
    /// The value; a stream's content is left empty (see `stream_start`).
    pub object: Object,
    /// Where the stream data begins, for a stream.
    pub stream_start: Option<usize>,
    /// `(key, start, end)` of each top-level dictionary value.
    pub spans: Vec<(Vec<u8>, usize, usize)>,
    /// Where the object ends (after `endobj`, or after the value when
    /// `endobj` is missing or the object is a stream).
    pub end: usize,
}

/// A cursor over a buffer of PDF bytes.
pub struct Parser<'a> {
    buf: &'a [u8],
    /// The current offset.
    pub pos: usize,
}

impl<'a> Parser<'a> {
    /// A parser at `pos`.
    pub fn new(buf: &'a [u8], pos: usize) -> Self {
        Parser { buf, pos }
    }

    /// Skips white space and comments.
    pub fn skip_ws(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.buf.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// The next regular-character word, without consuming it.
    fn peek_word(&self) -> &'a [u8] {
        let start = self.pos.min(self.buf.len());
        let mut end = start;
        while end < self.buf.len() && is_regular(self.buf[end]) {
            end += 1;
        }
        &self.buf[start..end]
    }

    /// Consumes `word` (after white space) when it is next.
    pub fn keyword(&mut self, word: &[u8]) -> bool {
        self.skip_ws();
        if self.peek_word() == word {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Reads an unsigned integer (for `N G obj` and xref tables).
    pub fn uint(&mut self) -> Option<u64> {
        self.skip_ws();
        let w = self.peek_word();
        if w.is_empty() || w.len() > 19 || !w.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = w.iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0'));
        self.pos += w.len();
        Some(v)
    }

    fn truncated(&self) -> SyntaxError {
        SyntaxError::Truncated(self.pos)
    }

    /// Reads one direct object (references `N G R` included).
    pub fn object(&mut self) -> Result<Object, SyntaxError> {
        self.object_at(0)
    }

    fn object_at(&mut self, depth: usize) -> Result<Object, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError::TooDeep(self.pos));
        }
        self.skip_ws();
        let Some(b) = self.peek() else {
            return Err(self.truncated());
        };
        match b {
            b'/' => self.name().map(Object::Name),
            b'(' => self.literal_string(),
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.dictionary(depth).map(Object::Dictionary)
            }
            b'<' => self.hex_string(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return Err(self.truncated()),
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        Some(_) => items.push(self.object_at(depth + 1)?),
                    }
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number_or_ref(),
            _ => {
                let w = self.peek_word();
                let o = match w {
                    b"true" => Object::Boolean(true),
                    b"false" => Object::Boolean(false),
                    b"null" => Object::Null,
                    _ => return Err(unexpected(self.buf, self.pos)),
                };
                self.pos += w.len();
                Ok(o)
            }
        }
    }

    fn number_or_ref(&mut self) -> Result<Object, SyntaxError> {
        let start = self.pos;
        let w = self.peek_word();
        let n = number(w).ok_or_else(|| unexpected(self.buf, start))?;
        self.pos += w.len();
        if let Object::Integer(num) = n
            && (0..=i64::from(u32::MAX)).contains(&num)
        {
            // `N G R`?
            let save = self.pos;
            if let Some(g) = self.uint()
                && g <= u64::from(u16::MAX)
                && self.keyword(b"R")
            {
                return Ok(Object::Reference((num as u32, g as u16)));
            }
            self.pos = save;
        }
        Ok(n)
    }

    /// Reads a name after its `/`.
    pub fn name(&mut self) -> Result<Vec<u8>, SyntaxError> {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            if b == b'#'
                && let (Some(h), Some(l)) = (
                    self.buf.get(self.pos + 1).and_then(|c| hexval(*c)),
                    self.buf.get(self.pos + 2).and_then(|c| hexval(*c)),
                )
            {
                out.push(h << 4 | l);
                self.pos += 3;
            } else {
                out.push(b);
                self.pos += 1;
            }
            if out.len() > MAX_NAME {
                return Err(unexpected(self.buf, self.pos));
            }
        }
        Ok(out)
    }

    fn literal_string(&mut self) -> Result<Object, SyntaxError> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.truncated());
            };
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(Object::String(out, StringFormat::Literal));
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.truncated());
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }

    fn hex_string(&mut self) -> Result<Object, SyntaxError> {
        self.pos += 1;
        // Up to the closing `>` (a signature's /Contents is tens of kB):
        // two digits at a time while no white-space interrupts them.
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        let close = rest.iter().position(|c| *c == b'>');
        let body = &rest[..close.unwrap_or(rest.len())];
        let mut out = Vec::with_capacity(body.len() / 2 + 1);
        let mut half: Option<u8> = None;
        let mut i = 0;
        while i < body.len() {
            if half.is_none() {
                // The run of digit pairs from here, decoded by table.
                let run = body[i..]
                    .chunks_exact(2)
                    .take_while(|p| (HEX[usize::from(p[0])] | HEX[usize::from(p[1])]) < 16)
                    .count();
                out.extend(
                    body[i..i + 2 * run]
                        .chunks_exact(2)
                        .map(|p| (HEX[usize::from(p[0])] << 4) | HEX[usize::from(p[1])]),
                );
                i += 2 * run;
                if i >= body.len() {
                    break;
                }
            }
            let b = body[i];
            i += 1;
            if is_white(b) {
                continue;
            }
            let v = hexval(b).ok_or_else(|| unexpected(self.buf, self.pos + i - 1))?;
            match half.take() {
                Some(h) => out.push(h << 4 | v),
                None => half = Some(v),
            }
        }
        self.pos += body.len();
        if close.is_none() {
            return Err(self.truncated());
        }
        self.pos += 1;
        if let Some(h) = half {
            out.push(h << 4);
        }
        Ok(Object::String(out, StringFormat::Hexadecimal))
    }

    fn dictionary(&mut self, depth: usize) -> Result<Dictionary, SyntaxError> {
        self.dictionary_spans(depth, None)
    }

    fn dictionary_spans(
        &mut self,
        depth: usize,
        mut spans: Option<&mut Vec<(Vec<u8>, usize, usize)>>,
    ) -> Result<Dictionary, SyntaxError> {
        self.pos += 2;
        let mut d = Dictionary::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.truncated()),
                Some(b'>') => {
                    if self.buf.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        return Ok(d);
                    }
                    if self.pos + 1 >= self.buf.len() {
                        return Err(self.truncated());
                    }
                    return Err(unexpected(self.buf, self.pos));
                }
                Some(b'/') => {
                    let key = self.name()?;
                    self.skip_ws();
                    let start = self.pos;
                    let value = self.object_at(depth + 1)?;
                    if let Some(s) = spans.as_deref_mut() {
                        s.push((key.clone(), start, self.pos));
                    }
                    d.set(key, value);
                }
                Some(_) => return Err(unexpected(self.buf, self.pos)),
            }
        }
    }

    /// Reads `N G obj <value> [stream…] endobj` at the cursor.
    pub fn indirect(&mut self) -> Result<Indirect, SyntaxError> {
        let start = self.pos;
        let (Some(num), Some(g)) = (self.uint(), self.uint()) else {
            return Err(if self.pos >= self.buf.len() {
                self.truncated()
            } else {
                unexpected(self.buf, start)
            });
        };
        if num > u64::from(u32::MAX) || g > u64::from(u16::MAX) || !self.keyword(b"obj") {
            return Err(unexpected(self.buf, start));
        }
        let id = (num as u32, g as u16);
        self.skip_ws();
        let mut spans = Vec::new();
        let object = if self.buf.get(self.pos..self.pos + 2) == Some(b"<<") {
            Object::Dictionary(self.dictionary_spans(0, Some(&mut spans))?)
        } else {
            self.object()?
        };
        let after_value = self.pos;
        if let Object::Dictionary(dict) = &object
            && self.keyword(b"stream")
        {
            // The data begins after CRLF or LF (a lone CR is tolerated).
            match self.peek() {
                Some(b'\r') => {
                    self.pos += 1;
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                }
                Some(b'\n') => self.pos += 1,
                None => return Err(self.truncated()),
                _ => {}
            }
            let data = self.pos;
            return Ok(Indirect {
                id,
                object: Object::Stream(lopdf::Stream {
                    dict: dict.clone(),
                    content: Vec::new(),
                    allows_compression: false,
                    start_position: Some(data),
                }),
                stream_start: Some(data),
                spans,
                end: data,
            });
        }
        self.pos = after_value;
        let end = if self.keyword(b"endobj") {
            self.pos
        } else {
            after_value
        };
        Ok(Indirect {
            id,
            object,
            stream_start: None,
            spans,
            end,
        })
    }
}

/// Each byte's value as a hex digit; 0xFF for any other byte.
const HEX: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match hexval(i as u8) {
            Some(v) => v,
            None => 0xFF,
        };
        i += 1;
    }
    t
};

const fn hexval(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A PDF number: an integer, else a real.
fn number(w: &[u8]) -> Option<Object> {
    let s = std::str::from_utf8(w).ok()?;
    if s.len() > 64 {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Object::Integer(i));
    }
    // PDF reals have no exponent; some writers emit "-.5" or "5." which Rust parses.
    if s.bytes().any(|b| b == b'e' || b == b'E') {
        return None;
    }
    let f = s.parse::<f64>().ok()?;
    f.is_finite().then_some(Object::Real(f as f32))
}

/// Parses a single direct object from `buf` (for tests and small inputs).
pub fn parse(buf: &[u8]) -> Result<Object, SyntaxError> {
    Parser::new(buf, 0).object()
}

/// Serializes an object as PDF syntax.
pub fn write(out: &mut Vec<u8>, o: &Object) {
    // Writing into a Vec cannot fail.
    let _ = lopdf::Writer::write_object(out, o);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_strings() {
        let hex = |b: &[u8]| Parser::new(b, 0).object();
        let s = |v: &[u8]| Ok(Object::String(v.to_vec(), StringFormat::Hexadecimal));
        assert_eq!(hex(b"<41 4\n2>"), s(b"AB"));
        assert_eq!(hex(b"<4a4B3>"), s(b"JK0"));
        assert_eq!(hex(b"<>"), s(b""));
        assert!(matches!(
            hex(b"<41 4g>"),
            Err(SyntaxError::Unexpected { at: 5, .. })
        ));
        assert!(matches!(hex(b"<41 4"), Err(SyntaxError::Truncated(5))));
    }

    #[test]
    fn objects() {
        let o = parse(b"<< /A 1 /B [2 0 R (x\\)y) <414> /N#20x -3.5 true null] >>").unwrap();
        let Object::Dictionary(d) = o else { panic!() };
        assert_eq!(d.get(b"A").unwrap(), &Object::Integer(1));
        let Object::Array(a) = d.get(b"B").unwrap() else {
            panic!()
        };
        assert_eq!(a[0], Object::Reference((2, 0)));
        assert_eq!(a[1], Object::String(b"x)y".to_vec(), StringFormat::Literal));
        assert_eq!(
            a[2],
            Object::String(vec![0x41, 0x40], StringFormat::Hexadecimal)
        );
        assert_eq!(a[3], Object::Name(b"N x".to_vec()));
        assert_eq!(a[4], Object::Real(-3.5));
    }

    #[test]
    fn indirect_with_spans_and_stream() {
        let b = b"7 0 obj\n<< /Contents <0011> /Length 3 >>\nstream\nabc\nendstream\nendobj";
        let i = Parser::new(b, 0).indirect().unwrap();
        assert_eq!(i.id, (7, 0));
        let (_, s, e) = i.spans.iter().find(|(k, _, _)| k == b"Contents").unwrap();
        assert_eq!(&b[*s..*e], b"<0011>");
        assert_eq!(&b[i.stream_start.unwrap()..][..3], b"abc");
    }

    #[test]
    fn broken_inputs_are_errors() {
        for b in [
            &b"<<"[..],
            b"[1 2",
            b"(abc",
            b"<12",
            b"<< /A >>",
            b"]",
            b"9 0 obj",
        ] {
            assert!(parse(b).is_err() || Parser::new(b, 0).indirect().is_err());
        }
        let deep = "[".repeat(1000);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(SyntaxError::TooDeep(_))
        ));
    }
}
