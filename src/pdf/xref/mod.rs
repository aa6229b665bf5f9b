//! A PDF file's structure: cross-reference sections (tables and streams),
//! trailers, and the revisions that incremental updates make.
//!
//! Owns following the `startxref` chain (`/Prev`, `/XRefStm`) into
//! revisions, the entries that say where each object lives as of a
//! revision, and where each revision ends (its `%%EOF`). Refuses files
//! without a readable `startxref` chain and bounds everything it reads:
//! sections, entries, object sizes, decompressed streams.
//!
//! `source` gives random access to the bytes (memory, or a file read by
//! offset, so a 200 MB file is never held in memory); `objects` reads the
//! objects themselves as of a revision, only those asked for.

mod objects;
mod source;

pub use source::{FileSource, Source, read_range};

use super::PdfError;
use super::cos::{Indirect, Parser, SyntaxError};
use lopdf::{Dictionary, Object};
use objects::ObjStm;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// Most cross-reference sections followed (revisions, hybrid streams).
const MAX_SECTIONS: usize = 4096;
/// Most objects a file may declare.
const MAX_OBJECTS: u64 = 8_000_000;
/// Largest single object (dictionary, array) read.
const MAX_OBJECT: usize = 16 * 1024 * 1024;
/// Largest decoded object or cross-reference stream.
const MAX_DECODED: usize = 64 * 1024 * 1024;
/// Objects read before giving up (a reference loop or a hostile file).
const MAX_READS: usize = 1_000_000;

/// Where an object lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Freed (deleted) in this section.
    Free,
    /// At a byte offset, with its generation.
    InFile {
        /// Byte offset of `N G obj`.
        offset: u64,
        /// Generation number.
        generation: u16,
    },
    /// Inside an object stream.
    InStream {
        /// The object stream's number.
        stream: u32,
        /// Index within it.
        index: u32,
    },
}

/// Whether a section is a classic table or a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum XrefKind {
    /// `xref` … `trailer`.
    Table,
    /// A `/Type /XRef` stream.
    Stream,
}

/// One cross-reference section.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its offset (the `xref` keyword or the stream object).
    pub offset: u64,
    /// Table or stream.
    pub kind: XrefKind,
    /// The objects it defines or frees.
    pub entries: BTreeMap<u32, Entry>,
    /// Its trailer dictionary (the stream's dictionary for a stream).
    pub trailer: Dictionary,
}

/// One revision: the sections written by one save, and where it ends.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Offset of its first section.
    pub offset: u64,
    /// Table or stream (its last section's).
    pub kind: XrefKind,
    /// The objects it defines or frees (later sections of the same save win).
    pub entries: BTreeMap<u32, Entry>,
    /// The trailer.
    pub trailer: Dictionary,
    /// The offset just after its `%%EOF` marker (the file's length when missing).
    pub eof: u64,
    /// `eof` plus the end-of-line after the marker, if any.
    pub eof_eol: u64,
}

/// An object with where it was read from: its offset and parse (None inside
/// an object stream).
pub type Located = (Object, Option<(u64, Indirect)>);

/// A parsed file structure over a source.
pub struct PdfFile<'s> {
    src: &'s dyn Source,
    /// Revisions, oldest first.
    pub revisions: Vec<Revision>,
    /// The offset the last `startxref` names (an update's `/Prev`).
    pub startxref: u64,
    objstm: RefCell<HashMap<u64, Rc<ObjStm>>>,
    reads: RefCell<usize>,
}

fn bad(msg: impl Into<String>) -> PdfError {
    PdfError::Malformed(msg.into())
}

fn syntax(at: u64, e: SyntaxError) -> PdfError {
    PdfError::Malformed(format!("at byte {at}: {e}"))
}

impl<'s> PdfFile<'s> {
    /// Reads the structure: `startxref`, then every section by `/Prev` and `/XRefStm`.
    pub fn open(src: &'s dyn Source) -> Result<PdfFile<'s>, PdfError> {
        let len = src.len();
        if len < 8 {
            return Err(bad("not a PDF: too short"));
        }
        let head = read_range(src, 0, 1024)?;
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(bad("not a PDF: no %PDF- header"));
        }
        let tail_len = 2048.min(len);
        let tail = read_range(src, len - tail_len, tail_len as usize)?;
        let sx = rfind(&tail, b"startxref").ok_or_else(|| bad("no startxref"))?;
        let start = Parser::new(&tail, sx + 9)
            .uint()
            .ok_or_else(|| bad("startxref has no offset"))?;
        let mut file = PdfFile {
            src,
            revisions: Vec::new(),
            startxref: start,
            objstm: RefCell::new(HashMap::new()),
            reads: RefCell::new(0),
        };
        let mut sections: Vec<Section> = Vec::new();
        let mut todo = vec![start];
        let mut seen = std::collections::HashSet::new();
        while let Some(off) = todo.pop() {
            if !seen.insert(off) {
                continue;
            }
            if sections.len() >= MAX_SECTIONS {
                return Err(bad("too many cross-reference sections"));
            }
            let s = file.section(off)?;
            for key in [&b"Prev"[..], b"XRefStm"] {
                if let Ok(Object::Integer(p)) = s.trailer.get(key)
                    && *p >= 0
                    && (*p as u64) < len
                {
                    todo.push(*p as u64);
                }
            }
            sections.push(s);
        }
        sections.sort_by_key(|s| s.offset);
        file.revisions = file.group(sections)?;
        Ok(file)
    }

    /// The source.
    pub fn source(&self) -> &'s dyn Source {
        self.src
    }

    /// The last revision's trailer.
    pub fn trailer(&self) -> &Dictionary {
        // open() never yields an empty list.
        &self.revisions[self.revisions.len() - 1].trailer
    }

    /// Groups sections into revisions by the `%%EOF` each is followed by.
    fn group(&self, sections: Vec<Section>) -> Result<Vec<Revision>, PdfError> {
        let len = self.src.len();
        let mut revs: Vec<Revision> = Vec::new();
        for s in sections {
            let (eof, eof_eol) = self.eof_after(s.offset)?;
            match revs.last_mut() {
                Some(r) if r.eof == eof => {
                    r.entries.extend(s.entries);
                    if s.kind == XrefKind::Stream && r.kind == XrefKind::Table {
                        // A hybrid file's XRefStm: the table's trailer stays.
                    } else {
                        r.trailer = s.trailer;
                        r.kind = s.kind;
                    }
                }
                _ => revs.push(Revision {
                    offset: s.offset,
                    kind: s.kind,
                    entries: s.entries,
                    trailer: s.trailer,
                    eof: eof.min(len),
                    eof_eol: eof_eol.min(len),
                }),
            }
        }
        if revs.is_empty() {
            return Err(bad("no cross-reference section"));
        }
        Ok(revs)
    }

    /// The first `%%EOF` at or after `offset` (looked for within 32 MB: a
    /// cross-reference section is followed by its trailer and marker).
    fn eof_after(&self, offset: u64) -> Result<(u64, u64), PdfError> {
        let len = self.src.len();
        let mut pos = offset;
        const CHUNK: usize = 1 << 20;
        let limit = offset.saturating_add(32 << 20).min(len);
        while pos < limit {
            let buf = read_range(self.src, pos, CHUNK + 8)?;
            if let Some(i) = find(&buf, b"%%EOF") {
                let eof = pos + i as u64 + 5;
                let mut eol = eof;
                let after = read_range(self.src, eof, 2)?;
                if after.first() == Some(&b'\r') {
                    eol += 1;
                    if after.get(1) == Some(&b'\n') {
                        eol += 1;
                    }
                } else if after.first() == Some(&b'\n') {
                    eol += 1;
                }
                return Ok((eof, eol));
            }
            if buf.len() <= CHUNK {
                break;
            }
            pos += CHUNK as u64;
        }
        Ok((len, len))
    }

    fn section(&self, off: u64) -> Result<Section, PdfError> {
        let buf = read_range(self.src, off, 64)?;
        let mut p = Parser::new(&buf, 0);
        if p.keyword(b"xref") {
            self.table(off)
        } else {
            self.xref_stream(off)
        }
    }

    fn table(&self, off: u64) -> Result<Section, PdfError> {
        let mut entries = BTreeMap::new();
        let mut window = 1 << 16;
        loop {
            let buf = read_range(self.src, off, window)?;
            let complete = buf.len() < window;
            let mut p = Parser::new(&buf, 0);
            p.keyword(b"xref");
            entries.clear();
            let result = (|| -> Result<Option<Dictionary>, PdfError> {
                loop {
                    if p.keyword(b"trailer") {
                        return match p.object() {
                            Ok(Object::Dictionary(d)) => Ok(Some(d)),
                            Ok(_) => Err(bad("trailer is not a dictionary")),
                            Err(SyntaxError::Truncated(_)) => Ok(None),
                            Err(e) => Err(syntax(off, e)),
                        };
                    }
                    let save = p.pos;
                    let (Some(first), Some(count)) = (p.uint(), p.uint()) else {
                        if p.pos >= buf.len() || save + 40 >= buf.len() {
                            return Ok(None);
                        }
                        return Err(bad(format!("bad cross-reference table at byte {off}")));
                    };
                    if first + count > MAX_OBJECTS {
                        return Err(bad("too many objects"));
                    }
                    for i in 0..count {
                        let (Some(a), Some(g)) = (p.uint(), p.uint()) else {
                            return if p.pos + 40 >= buf.len() {
                                Ok(None)
                            } else {
                                Err(bad(format!("bad cross-reference entry at byte {off}")))
                            };
                        };
                        let id = (first + i) as u32;
                        if p.keyword(b"n") {
                            entries.insert(
                                id,
                                Entry::InFile {
                                    offset: a,
                                    generation: g.min(65535) as u16,
                                },
                            );
                        } else if p.keyword(b"f") {
                            if id != 0 {
                                entries.insert(id, Entry::Free);
                            }
                        } else if p.pos + 4 >= buf.len() {
                            return Ok(None);
                        } else {
                            return Err(bad(format!(
                                "cross-reference entry neither n nor f at byte {off}"
                            )));
                        }
                    }
                }
            })()?;
            match result {
                Some(trailer) => {
                    return Ok(Section {
                        offset: off,
                        kind: XrefKind::Table,
                        entries,
                        trailer,
                    });
                }
                None if complete || window >= MAX_DECODED => {
                    return Err(bad(format!(
                        "truncated cross-reference table at byte {off}"
                    )));
                }
                None => window *= 4,
            }
        }
    }

    fn xref_stream(&self, off: u64) -> Result<Section, PdfError> {
        let ind = self.indirect_at(off)?;
        let Object::Stream(s) = &ind.object else {
            return Err(bad(format!("no cross-reference at byte {off}")));
        };
        if s.dict.get(b"Type").ok() != Some(&Object::Name(b"XRef".to_vec())) {
            return Err(bad(format!("object at byte {off} is not a /XRef stream")));
        }
        let data = self.stream_data(off, &ind, None)?;
        let dict = s.dict.clone();
        let w: Vec<usize> = match dict.get(b"W") {
            Ok(Object::Array(a)) if a.len() == 3 => a
                .iter()
                .map(|x| match x {
                    Object::Integer(i) if (0..=8).contains(i) => Ok(*i as usize),
                    _ => Err(bad("bad /W")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(bad("xref stream without /W")),
        };
        let size = int(dict.get(b"Size").ok()).ok_or_else(|| bad("xref stream without /Size"))?;
        if size < 0 || size as u64 > MAX_OBJECTS {
            return Err(bad("bad /Size"));
        }
        let index: Vec<(u64, u64)> = match dict.get(b"Index") {
            Ok(Object::Array(a)) => a
                .chunks(2)
                .filter_map(|c| match c {
                    [Object::Integer(f), Object::Integer(n)] if *f >= 0 && *n >= 0 => {
                        Some((*f as u64, *n as u64))
                    }
                    _ => None,
                })
                .collect(),
            _ => vec![(0, size as u64)],
        };
        let row = w[0] + w[1] + w[2];
        if row == 0 {
            return Err(bad("empty /W"));
        }
        let field = |r: &[u8]| r.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
        let mut entries = BTreeMap::new();
        let mut rows = data.chunks_exact(row);
        for (first, count) in index {
            if first + count > MAX_OBJECTS {
                return Err(bad("too many objects"));
            }
            for i in 0..count {
                let Some(r) = rows.next() else { break };
                let t = if w[0] == 0 { 1 } else { field(&r[..w[0]]) };
                let a = field(&r[w[0]..w[0] + w[1]]);
                let b = field(&r[w[0] + w[1]..]);
                let id = (first + i) as u32;
                match t {
                    0 if id != 0 => {
                        entries.insert(id, Entry::Free);
                    }
                    1 => {
                        entries.insert(
                            id,
                            Entry::InFile {
                                offset: a,
                                generation: b.min(65535) as u16,
                            },
                        );
                    }
                    2 => {
                        entries.insert(
                            id,
                            Entry::InStream {
                                stream: a.min(u64::from(u32::MAX)) as u32,
                                index: b.min(u64::from(u32::MAX)) as u32,
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
        Ok(Section {
            offset: off,
            kind: XrefKind::Stream,
            entries,
            trailer: dict,
        })
    }
}

/// An integer object's value.
pub fn int(o: Option<&Object>) -> Option<i64> {
    match o {
        Some(Object::Integer(i)) => Some(*i),
        Some(Object::Real(r)) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// First occurrence of `needle`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Last occurrence of `needle`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
