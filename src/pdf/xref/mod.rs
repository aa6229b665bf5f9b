//! A PDF file's structure: cross-reference sections (tables and streams),
//! trailers, and the revisions that incremental updates make.
//!
//! Owns following the `startxref` chain (`/Prev`, a hybrid file's
//! `/XRefStm`) into revisions, the entries that say where each object lives
//! as of a revision, and where each revision ends (its `%%EOF`). A
//! linearized file's first-page section and its main section are one
//! revision. What a lenient reader would silently repair is recorded as an
//! [`Anomaly`] (a `/Prev` that loops or points forward, an object listed
//! twice in one section) for `layout` to judge. Refuses files without a
//! readable `startxref` chain and bounds everything it reads: revisions,
//! entries, object sizes, decompressed streams.
//!
//! `section` reads one cross-reference table or stream; `source` gives random access to the bytes (memory, or a file read by
//! offset, so a 200 MB file is never held in memory); `objects` reads the
//! objects themselves as of a revision, only those asked for.

mod objects;
mod section;
mod source;

pub use section::Section;
pub use source::{FileSource, Source, in_memory, read_range};

use super::PdfError;
use super::cos::{Indirect, Parser, SyntaxError};
use lopdf::{Dictionary, Object};
use objects::ObjStm;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// Most revisions (incremental updates) read; a longer chain is refused.
pub const MAX_REVISIONS: usize = 1000;
/// Most objects a file may declare.
const MAX_OBJECTS: u64 = 8_000_000;
/// Most cross-reference entries read over all sections.
const MAX_ENTRIES: usize = 4_000_000;
/// Largest single object (dictionary, array) read.
pub const MAX_OBJECT: usize = 16 * 1024 * 1024;
/// Largest decoded object or cross-reference stream.
const MAX_DECODED: usize = 64 * 1024 * 1024;
/// Objects read before giving up (a reference loop or a hostile file).
const MAX_READS: usize = 1_000_000;
/// Bytes of object syntax whose parse is kept for later reads (the parsed
/// form is a few times larger); objects read beyond it are parsed again.
const CACHE_BYTES: usize = 8 << 20;
/// How far back from the end a `startxref` is looked for.
const STARTXREF_SEARCH: u64 = 16 << 20;

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

/// What a lenient reader would repair silently, recorded for `layout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// A `/Prev` (or `/XRefStm`) names a section already read.
    PrevLoop {
        /// The section whose trailer says so.
        section: u64,
        /// The offset it names.
        prev: u64,
    },
    /// A `/Prev` names a section after its own (outside a linearized file's
    /// first-page section).
    PrevForward {
        /// The section whose trailer says so.
        section: u64,
        /// The offset it names.
        prev: u64,
    },
    /// One section lists an object twice, with different entries.
    DuplicateEntry {
        /// The section.
        section: u64,
        /// The object number.
        object: u32,
    },
}

/// One revision: the sections written by one save, and where it ends.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Offset of its first section (what `startxref` names).
    pub offset: u64,
    /// Table or stream (its main section's).
    pub kind: XrefKind,
    /// The objects it defines or frees.
    pub entries: BTreeMap<u32, Entry>,
    /// The trailer.
    pub trailer: Dictionary,
    /// Where its bytes begin (the previous revision's `eof_eol`; 0 for the first).
    pub start: u64,
    /// The offset just after its `%%EOF` marker (the file's length when missing).
    pub eof: u64,
    /// `eof` plus the end-of-line after the marker, if any.
    pub eof_eol: u64,
    /// The offsets of its sections (a hybrid file's stream, a linearized
    /// file's two parts).
    pub sections: Vec<u64>,
}

/// An object with where it was read from: its offset and parse (None inside
/// an object stream).
pub type Located = (Object, Option<(u64, Rc<Indirect>)>);

/// A parsed file structure over a source.
pub struct PdfFile<'s> {
    src: &'s dyn Source,
    /// Revisions, oldest first.
    pub revisions: Vec<Revision>,
    /// The offset the last `startxref` names (an update's `/Prev`).
    pub startxref: u64,
    /// Where that last `startxref` keyword is.
    pub startxref_at: u64,
    /// Whether the file is linearized (its first object says so).
    pub linearized: bool,
    /// What a lenient reader would have repaired.
    pub anomalies: Vec<Anomaly>,
    objstm: RefCell<HashMap<u64, Rc<ObjStm>>>,
    parsed: RefCell<Parsed>,
    reads: RefCell<usize>,
}

/// Objects already parsed, by offset: every revision, signature and rule
/// reads the same objects, and a signature's /Contents is long to parse.
#[derive(Default)]
struct Parsed {
    at: HashMap<u64, Rc<Indirect>>,
    bytes: usize,
}

fn bad(msg: impl Into<String>) -> PdfError {
    PdfError::Malformed(msg.into())
}

fn syntax(at: u64, e: SyntaxError) -> PdfError {
    PdfError::Malformed(format!("at byte {at}: {e}"))
}

/// A non-negative integer entry of a trailer, inside the file.
fn offset_in(d: &Dictionary, key: &[u8], len: u64) -> Option<u64> {
    match d.get(key) {
        Ok(Object::Integer(p)) if *p >= 0 && (*p as u64) < len => Some(*p as u64),
        _ => None,
    }
}

impl<'s> PdfFile<'s> {
    /// Reads the structure: the last `startxref`, then every section by
    /// `/Prev` (and `/XRefStm`), newest first.
    pub fn open(src: &'s dyn Source) -> Result<PdfFile<'s>, PdfError> {
        let len = src.len();
        if len < 8 {
            return Err(bad("not a PDF: too short"));
        }
        let head = read_range(src, 0, 1024)?;
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(bad("not a PDF: no %PDF- header"));
        }
        let (startxref_at, start) = last_startxref(src)?;
        let mut file = PdfFile {
            src,
            revisions: Vec::new(),
            startxref: start,
            startxref_at,
            linearized: is_linearized(&head),
            anomalies: Vec::new(),
            objstm: RefCell::new(HashMap::new()),
            parsed: RefCell::new(Parsed::default()),
            reads: RefCell::new(0),
        };
        // The chain, newest first: each element a revision's sections.
        let mut chain: Vec<(Section, Vec<u64>)> = Vec::new();
        let mut seen = HashSet::new();
        let mut entries = 0usize;
        let mut next = Some(start);
        while let Some(off) = next.take() {
            if !seen.insert(off) {
                let from = chain.last().map(|(s, _)| s.offset).unwrap_or(off);
                file.anomalies.push(Anomaly::PrevLoop {
                    section: from,
                    prev: off,
                });
                break;
            }
            if chain.len() >= MAX_REVISIONS {
                return Err(PdfError::Limit {
                    what: "revisions",
                    limit: MAX_REVISIONS as u64,
                });
            }
            let mut s = file.section(off)?;
            let mut parts = vec![off];
            if s.kind == XrefKind::Table
                && let Some(x) = offset_in(&s.trailer, b"XRefStm", len)
            {
                if seen.insert(x) {
                    // A hybrid file: the table's entries first, then the
                    // stream's for what the table does not define.
                    let st = file.xref_stream(x)?;
                    file.note_duplicates(&st);
                    for (num, e) in st.entries {
                        match s.entries.get(&num) {
                            None | Some(Entry::Free) => {
                                s.entries.insert(num, e);
                            }
                            Some(_) => {}
                        }
                    }
                    parts.push(x);
                } else {
                    file.anomalies.push(Anomaly::PrevLoop {
                        section: off,
                        prev: x,
                    });
                }
            }
            file.note_duplicates(&s);
            entries += s.entries.len();
            if entries > MAX_ENTRIES {
                return Err(PdfError::Limit {
                    what: "cross-reference entries",
                    limit: MAX_ENTRIES as u64,
                });
            }
            next = offset_in(&s.trailer, b"Prev", len);
            chain.push((s, parts));
        }
        file.revisions = file.revisions_of(chain)?;
        Ok(file)
    }

    fn note_duplicates(&mut self, s: &Section) {
        for d in &s.duplicates {
            self.anomalies.push(Anomaly::DuplicateEntry {
                section: s.offset,
                object: *d,
            });
        }
    }

    /// Turns the chain (newest first) into revisions (oldest first).
    fn revisions_of(&mut self, chain: Vec<(Section, Vec<u64>)>) -> Result<Vec<Revision>, PdfError> {
        let len = self.src.len();
        let mut revs: Vec<Revision> = Vec::new();
        for (s, parts) in chain.into_iter().rev() {
            let (eof, eof_eol) = self.eof_after(s.end)?;
            revs.push(Revision {
                offset: s.offset,
                kind: s.kind,
                entries: s.entries,
                trailer: s.trailer,
                start: 0,
                eof: eof.min(len),
                eof_eol: eof_eol.min(len),
                sections: parts,
            });
        }
        // A linearized file: the oldest two chain elements are its main
        // section (the end of the original file, no /Prev) and its first-page
        // section (near the start, whose /Prev points forward to it). One
        // revision, ending where the main section does.
        if self.linearized && revs.len() >= 2 && revs[1].offset < revs[0].offset {
            let main = revs.remove(0);
            let first = &mut revs[0];
            for (num, e) in main.entries {
                first.entries.entry(num).or_insert(e);
            }
            first.eof = main.eof;
            first.eof_eol = main.eof_eol;
            first.sections.extend(main.sections);
        }
        // Every other forward /Prev is recorded.
        for w in revs.windows(2) {
            if w[0].offset > w[1].offset {
                self.anomalies.push(Anomaly::PrevForward {
                    section: w[1].offset,
                    prev: w[0].offset,
                });
            }
        }
        let mut start = 0;
        for r in &mut revs {
            r.start = start.min(r.eof_eol);
            start = r.eof_eol;
        }
        if revs.is_empty() {
            return Err(bad("no cross-reference section"));
        }
        Ok(revs)
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

    /// The next free object number after every revision's (an update's
    /// first new object).
    pub fn next_object_number(&self) -> Result<u32, PdfError> {
        let size = int(self.trailer().get(b"Size").ok()).unwrap_or(0).max(0) as u64;
        let max_seen = self
            .revisions
            .iter()
            .filter_map(|r| r.entries.keys().next_back().copied())
            .max()
            .unwrap_or(0) as u64;
        let next = size.max(max_seen + 1);
        if next > 8_000_000 {
            return Err(PdfError::Malformed("too many objects".into()));
        }
        Ok(next as u32)
    }

    /// The first `%%EOF` at or after `offset` (looked for within 32 MB: a
    /// cross-reference section is followed by its trailer and marker).
    fn eof_after(&self, offset: u64) -> Result<(u64, u64), PdfError> {
        let len = self.src.len();
        let mut pos = offset;
        const CHUNK: usize = 1 << 16;
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
}

/// Whether the first object says the file is linearized.
fn is_linearized(head: &[u8]) -> bool {
    let Some(i) = find(head, b"obj") else {
        return false;
    };
    let rest = &head[i..];
    let end = find(rest, b"endobj").unwrap_or(rest.len());
    find(&rest[..end], b"/Linearized").is_some()
}

/// The last `startxref` keyword and the offset after it, searched back from
/// the end (bytes appended after a `%%EOF` do not hide it).
fn last_startxref(src: &dyn Source) -> Result<(u64, u64), PdfError> {
    let len = src.len();
    const CHUNK: u64 = 1 << 16;
    let mut end = len;
    let stop = len.saturating_sub(STARTXREF_SEARCH);
    while end > stop {
        let from = end.saturating_sub(CHUNK).max(stop);
        // Overlap by the keyword's length so it is never split.
        let buf = read_range(src, from, (end - from + 16).min(len - from) as usize)?;
        if let Some(i) = rfind(&buf, b"startxref") {
            let at = from + i as u64;
            let tail = read_range(src, at, 64)?;
            let value = Parser::new(&tail, 9)
                .uint()
                .ok_or_else(|| bad("startxref has no offset"))?;
            return Ok((at, value));
        }
        end = from;
    }
    Err(bad("no startxref"))
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
