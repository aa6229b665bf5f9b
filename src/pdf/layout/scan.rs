//! The file read front to back as a recovering parser reads it when the
//! cross-reference chain is broken or ignored: every top-level `N G obj`
//! body (stream data skipped by its `/Length`, or up to `endstream` when
//! the length is wrong), every `xref` table, `trailer`, `startxref` and
//! `%%EOF`, and the bytes that are none of these.
//!
//! Knows nothing of revisions; `layout` compares this view with the
//! cross-reference chain's. Bounded: bodies counted, objects read through
//! the same size limits as `xref`, one pass over the file.

use crate::pdf::PdfError;
use crate::pdf::cos::{Indirect, Parser, SyntaxError, is_white};
use crate::pdf::xref::{Source, find, in_memory, read_range};
use lopdf::Object;
use std::rc::Rc;

/// Most bodies recorded; a file with more is refused.
pub const MAX_BODIES: usize = 2_000_000;
/// Largest object header and dictionary parsed while scanning: `xref`'s
/// bound, so that a parse handed over is the one `xref` would make.
const MAX_HEAD: usize = crate::pdf::xref::MAX_OBJECT;
/// The scan's read window.
const WINDOW: usize = 1 << 16;

/// One `N G obj … endobj` found at the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    /// Object number.
    pub num: u32,
    /// Generation.
    pub generation: u16,
    /// Offset of its first digit.
    pub offset: u64,
    /// Where it ends (after `endobj`, or where scanning resumed).
    pub end: u64,
    /// A `/Type /XRef` stream (a cross-reference section).
    pub xref_stream: bool,
}

/// A keyword or marker found at the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// `xref` (a cross-reference table) at this offset.
    Table(u64),
    /// `trailer` at this offset.
    Trailer(u64),
    /// `startxref` at `at`, naming `value` (None when no number follows).
    Startxref {
        /// The keyword's offset.
        at: u64,
        /// The offset it names.
        value: Option<u64>,
    },
    /// `%%EOF`: the offset just after it.
    Eof(u64),
}

/// What the scan found, in file order.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every top-level body.
    pub bodies: Vec<Body>,
    /// Every keyword and marker.
    pub marks: Vec<Mark>,
    /// Regions of bytes that are none of the above: `(start, end)`.
    pub junk: Vec<(u64, u64)>,
}

/// Resolves an indirect stream `/Length` (through the cross-reference chain).
pub type LengthOf<'a> = &'a dyn Fn(lopdf::ObjectId) -> Option<u64>;
/// Takes the parse of a body at an offset, for later reads of that object.
pub type Keep<'a> = &'a dyn Fn(u64, &Rc<Indirect>);

/// The read window: copied from a source read by offset, borrowed from one
/// in memory (the same bytes either way).
struct Window<'a> {
    src: &'a dyn Source,
    all: Option<&'a [u8]>,
    start: u64,
    len: usize,
    buf: Vec<u8>,
}

impl<'a> Window<'a> {
    /// The bytes from `pos`, at least `need` of them unless the file ends.
    fn at(&mut self, pos: u64, need: usize) -> Result<&[u8], PdfError> {
        let have_end = self.start + self.len as u64;
        let file_end = self.src.len();
        if pos < self.start || pos + need as u64 > have_end && have_end < file_end {
            let want = need.max(WINDOW);
            self.len = match self.all {
                Some(_) => want.min(usize::try_from(file_end.saturating_sub(pos)).unwrap_or(want)),
                None => {
                    self.buf = read_range(self.src, pos, want)?;
                    self.buf.len()
                }
            };
            self.start = pos;
        }
        let from = (pos - self.start) as usize;
        let window = match self.all {
            Some(a) => {
                let s = self.start as usize;
                a.get(s..s + self.len).unwrap_or_default()
            }
            None => &self.buf[..self.len.min(self.buf.len())],
        };
        Ok(window.get(from..).unwrap_or_default())
    }
}

/// Scans `src` from `from` (the header) to its end.
pub fn scan(
    src: &dyn Source,
    from: u64,
    length_of: LengthOf<'_>,
    keep: Keep<'_>,
) -> Result<Scan, PdfError> {
    let len = src.len();
    let mut w = Window {
        src,
        all: src.bytes(),
        start: 0,
        len: 0,
        buf: Vec::new(),
    };
    let mut out = Scan::default();
    let mut pos = from;
    let mut junk_from: Option<u64> = None;
    while pos < len {
        let b = w.at(pos, 64)?;
        let Some(i) = b.iter().position(|c| !is_white(*c)) else {
            pos += b.len().max(1) as u64;
            continue;
        };
        pos += i as u64;
        let b = w.at(pos, 64)?;
        let c = b[0];
        let next = if c == b'%' {
            if b.starts_with(b"%%EOF") {
                // Writers append the next update right after the marker,
                // on the same line: what follows it is read.
                out.marks.push(Mark::Eof(pos + 5));
                Some(pos + 5)
            } else {
                Some(line_end(&mut w, pos)?)
            }
        } else if c.is_ascii_digit() {
            match body(&mut w, pos, len, length_of, keep)? {
                Some(body) => {
                    if out.bodies.len() >= MAX_BODIES {
                        return Err(PdfError::Limit {
                            what: "objects in the file",
                            limit: MAX_BODIES as u64,
                        });
                    }
                    let end = body.end;
                    out.bodies.push(body);
                    Some(end)
                }
                None => None,
            }
        } else if word(b) == b"xref" {
            out.marks.push(Mark::Table(pos));
            // The rows are digits and letters: resume at the trailer.
            Some(match find_from(&mut w, pos + 4, b"trailer", len)? {
                Some(t) => t,
                None => len,
            })
        } else if word(b) == b"trailer" {
            out.marks.push(Mark::Trailer(pos));
            let b = w.at(pos, 4096)?;
            let mut p = Parser::new(b, 7);
            match p.object() {
                Ok(_) => Some(pos + p.pos as u64),
                Err(_) => Some(pos + 7),
            }
        } else if word(b) == b"startxref" {
            let mut p = Parser::new(b, 9);
            let value = p.uint();
            out.marks.push(Mark::Startxref { at: pos, value });
            Some(pos + p.pos as u64)
        } else {
            None
        };
        match next {
            Some(n) => {
                if let Some(j) = junk_from.take() {
                    out.junk.push((j, pos));
                }
                pos = n.max(pos + 1);
            }
            None => {
                // Not PDF at the top level: skip one token, as a recovering
                // lexer does, and remember the region.
                junk_from.get_or_insert(pos);
                let b = w.at(pos, 64)?;
                let skip = b
                    .iter()
                    .skip(1)
                    .position(|c| is_white(*c) || *c == b'%')
                    .map(|k| k + 1)
                    .unwrap_or(b.len());
                pos += skip.max(1) as u64;
            }
        }
    }
    if let Some(j) = junk_from.take() {
        out.junk.push((j, len));
    }
    Ok(out)
}

fn word(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .position(|c| is_white(*c) || b"()<>[]{}/%".contains(c))
        .unwrap_or(b.len());
    &b[..end]
}

/// The offset of the end of the line at `pos`.
fn line_end(w: &mut Window<'_>, mut pos: u64) -> Result<u64, PdfError> {
    loop {
        let b = w.at(pos, WINDOW)?;
        if b.is_empty() {
            return Ok(pos);
        }
        if let Some(i) = b.iter().position(|c| *c == b'\n' || *c == b'\r') {
            return Ok(pos + i as u64);
        }
        pos += b.len() as u64;
    }
}

/// The offset of the next `needle` at or after `pos`.
fn find_from(
    w: &mut Window<'_>,
    mut pos: u64,
    needle: &[u8],
    len: u64,
) -> Result<Option<u64>, PdfError> {
    while pos < len {
        let b = w.at(pos, WINDOW)?;
        if b.len() < needle.len() {
            return Ok(None);
        }
        if let Some(i) = find(b, needle) {
            return Ok(Some(pos + i as u64));
        }
        pos += (b.len() - needle.len() + 1) as u64;
    }
    Ok(None)
}

/// The body at `pos`, when `N G obj` starts there.
fn body(
    w: &mut Window<'_>,
    pos: u64,
    len: u64,
    length_of: LengthOf<'_>,
    keep: Keep<'_>,
) -> Result<Option<Body>, PdfError> {
    // A cheap test first: two numbers and `obj`.
    {
        let b = w.at(pos, 64)?;
        let mut p = Parser::new(b, 0);
        if p.uint().is_none() || p.uint().is_none() || !p.keyword(b"obj") {
            return Ok(None);
        }
    }
    // In memory the body is parsed once in place, as `xref` parses it,
    // and the parse is handed over for later reads of the object.
    let ind = match in_memory(w.src, pos, MAX_HEAD) {
        Some(b) => Parser::new(b, 0).indirect().ok().map(|i| {
            let i = Rc::new(i);
            keep(pos, &i);
            i
        }),
        None => {
            let mut need = 4096;
            loop {
                let b = w.at(pos, need)?;
                let got = b.len();
                match Parser::new(b, 0).indirect() {
                    Ok(i) => break Some(Rc::new(i)),
                    Err(SyntaxError::Truncated(_)) if got >= need && need < MAX_HEAD => need *= 4,
                    Err(_) => break None,
                }
            }
        }
    };
    let Some(ind) = ind else {
        // `N G obj` with something unreadable after it: a body all the same
        // (a recovering parser would take it), ending at the next `endobj`.
        let b = w.at(pos, 64)?;
        let mut p = Parser::new(b, 0);
        let (Some(num), Some(g)) = (p.uint(), p.uint()) else {
            return Ok(None);
        };
        let end = match find_from(w, pos, b"endobj", len)? {
            Some(e) => e + 6,
            None => len,
        };
        return Ok(Some(Body {
            num: num.min(u64::from(u32::MAX)) as u32,
            generation: g.min(65535) as u16,
            offset: pos,
            end,
            xref_stream: false,
        }));
    };
    let (num, generation) = ind.id;
    let mut end = pos + ind.end as u64;
    let mut xref_stream = false;
    if let (Object::Stream(s), Some(data)) = (&ind.object, ind.stream_start) {
        xref_stream = s.dict.get(b"Type").ok() == Some(&Object::Name(b"XRef".to_vec()));
        let data = pos + data as u64;
        let declared = match s.dict.get(b"Length") {
            Ok(Object::Integer(n)) if *n >= 0 => Some(*n as u64),
            Ok(Object::Reference(r)) => length_of(*r),
            _ => None,
        };
        // Trust the length only when `endstream` follows it.
        let by_length = match declared {
            Some(n) if data.saturating_add(n) <= len => {
                let at = data + n;
                let b = w.at(at, 32)?;
                let k = b.iter().take_while(|c| is_white(**c)).count();
                b[k..].starts_with(b"endstream").then_some(at + k as u64)
            }
            _ => None,
        };
        let es = match by_length {
            Some(e) => Some(e),
            None => find_from(w, data, b"endstream", len)?,
        };
        end = match es {
            Some(e) => {
                let after = e + 9;
                let b = w.at(after, 64)?;
                let mut p = Parser::new(b, 0);
                if p.keyword(b"endobj") {
                    after + p.pos as u64
                } else {
                    after
                }
            }
            None => len,
        };
    }
    Ok(Some(Body {
        num,
        generation,
        offset: pos,
        end,
        xref_stream,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_marks_and_junk() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<< /Length 9 >>\nstream\n2 0 obj x\nendstream\nendobj\n\
2 0 obj\n(a) endobj\nxref\n0 3\n0000000000 65535 f \ntrailer\n<< /Size 3 >>\nstartxref\n99\n%%EOF\ngarbage here\n";
        let s = scan(&&pdf[..], 0, &|_| None, &|_, _| {}).unwrap();
        let nums: Vec<u32> = s.bodies.iter().map(|b| b.num).collect();
        assert_eq!(nums, vec![1, 2]);
        assert!(s.marks.iter().any(|m| matches!(m, Mark::Table(_))));
        assert!(s.marks.iter().any(|m| matches!(
            m,
            Mark::Startxref {
                value: Some(99),
                ..
            }
        )));
        assert!(s.marks.iter().any(|m| matches!(m, Mark::Eof(_))));
        assert_eq!(s.junk.len(), 1);
        let (a, _) = s.junk[0];
        assert!(pdf[a as usize..].starts_with(b"garbage"));
    }

    #[test]
    fn a_wrong_length_is_searched_past() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Length 2 >>\nstream\n3 0 obj (hidden) endobj\nendstream\nendobj\n";
        let s = scan(&&pdf[..], 0, &|_| None, &|_, _| {}).unwrap();
        assert_eq!(s.bodies.len(), 1, "{:?}", s.bodies);
    }
}
