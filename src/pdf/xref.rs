//! A PDF file's structure: cross-reference sections (tables and streams),
//! object streams, trailers, and the revisions that incremental updates make.
//!
//! Owns finding objects by number as of a given revision, reading them from
//! any [`Source`] at their offsets (so a 200 MB file is never held in
//! memory: only the objects asked for are read), and where each revision
//! ends (its `%%EOF`). Refuses files without a readable `startxref` chain
//! and bounds everything it reads: sections, entries, object sizes,
//! decompressed streams.

use super::PdfError;
use super::cos::{Indirect, Parser, SyntaxError};
use lopdf::{Dictionary, Object, ObjectId};
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

/// Random access to a file's bytes.
pub trait Source {
    /// Length in bytes.
    fn len(&self) -> u64;
    /// Reads up to `buf.len()` bytes at `offset`; fewer only at the end.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize>;
    /// Whether it is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Source for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(<[u8]>::len(self));
        let n = buf.len().min(<[u8]>::len(self) - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

impl Source for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        self.as_slice().read_at(offset, buf)
    }
}

/// A file on disk, read by offset.
pub struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    /// Opens `path`.
    pub fn open(path: &std::path::Path) -> std::io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl Source for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            let n = self.file.read_at(&mut buf[done..], offset + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }
}

/// Reads `len` bytes at `offset` (fewer at the end of the source).
pub fn read_range(src: &dyn Source, offset: u64, len: usize) -> Result<Vec<u8>, PdfError> {
    let avail = src.len().saturating_sub(offset);
    let mut buf = vec![0u8; len.min(usize::try_from(avail).unwrap_or(usize::MAX))];
    let n = src.read_at(offset, &mut buf).map_err(PdfError::io)?;
    buf.truncate(n);
    Ok(buf)
}

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

struct ObjStm {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
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

    fn count_read(&self) -> Result<(), PdfError> {
        let mut n = self.reads.borrow_mut();
        *n += 1;
        if *n > MAX_READS {
            return Err(bad("too many object reads"));
        }
        Ok(())
    }

    /// Reads the indirect object at `off` (growing the window as needed).
    pub fn indirect_at(&self, off: u64) -> Result<Indirect, PdfError> {
        self.count_read()?;
        let mut window = 1 << 12;
        loop {
            let buf = read_range(self.src, off, window)?;
            match Parser::new(&buf, 0).indirect() {
                Ok(i) => return Ok(i),
                Err(SyntaxError::Truncated(_)) if buf.len() == window && window < MAX_OBJECT => {
                    window *= 4;
                }
                Err(e) => return Err(syntax(off, e)),
            }
        }
    }

    /// A stream's raw (still encoded) data, bounded by `limit`.
    pub fn stream_data(
        &self,
        off: u64,
        ind: &Indirect,
        limit: Option<usize>,
    ) -> Result<Vec<u8>, PdfError> {
        let Object::Stream(s) = &ind.object else {
            return Err(bad("not a stream"));
        };
        let raw = self.raw_stream(off, ind, limit.unwrap_or(MAX_DECODED))?;
        let stream = lopdf::Stream {
            dict: s.dict.clone(),
            content: raw,
            allows_compression: false,
            start_position: None,
        };
        if stream.dict.get(b"Filter").is_err() {
            return Ok(stream.content);
        }
        stream
            .decompressed_content_with_limit(limit.unwrap_or(MAX_DECODED))
            .map_err(|e| bad(format!("stream at byte {off}: {e}")))
    }

    /// A stream's encoded bytes as stored.
    pub fn raw_stream(&self, off: u64, ind: &Indirect, limit: usize) -> Result<Vec<u8>, PdfError> {
        let Object::Stream(s) = &ind.object else {
            return Err(bad("not a stream"));
        };
        let start = ind.stream_start.unwrap_or(0) as u64;
        let len = match s.dict.get(b"Length") {
            Ok(Object::Integer(n)) if *n >= 0 => *n as u64,
            Ok(Object::Reference(r)) => match self.object_latest(*r)? {
                Object::Integer(n) if n >= 0 => n as u64,
                _ => return Err(bad("stream /Length is not a number")),
            },
            _ => return Err(bad("stream without /Length")),
        };
        if len > limit as u64 {
            return Err(bad(format!(
                "stream at byte {off} is too large ({len} bytes)"
            )));
        }
        read_range(self.src, off + start, len as usize)
    }

    /// Where object `num` is defined as of revision `rev` (inclusive).
    pub fn lookup(&self, num: u32, rev: usize) -> Option<(usize, Entry)> {
        self.revisions
            .iter()
            .enumerate()
            .take(rev + 1)
            .rev()
            .find_map(|(i, r)| r.entries.get(&num).map(|e| (i, *e)))
    }

    /// Object `id` as of revision `rev` (Null when absent or freed, as the
    /// standard says of a reference to a missing object).
    pub fn object(&self, id: ObjectId, rev: usize) -> Result<Object, PdfError> {
        Ok(self
            .indirect(id, rev)?
            .map(|(o, _)| o)
            .unwrap_or(Object::Null))
    }

    /// Object `id` in the newest revision.
    pub fn object_latest(&self, id: ObjectId) -> Result<Object, PdfError> {
        self.object(id, self.revisions.len().saturating_sub(1))
    }

    /// Object `id` as of `rev`, with where it was read from (offset, for a
    /// stream or to locate values; None inside an object stream).
    pub fn indirect(&self, id: ObjectId, rev: usize) -> Result<Option<Located>, PdfError> {
        match self.lookup(id.0, rev) {
            None | Some((_, Entry::Free)) => Ok(None),
            Some((_, Entry::InFile { offset, .. })) => {
                let ind = self.indirect_at(offset)?;
                if ind.id.0 != id.0 {
                    return Err(bad(format!(
                        "object {} expected at byte {offset}, found {}",
                        id.0, ind.id.0
                    )));
                }
                Ok(Some((ind.object.clone(), Some((offset, ind)))))
            }
            Some((_, Entry::InStream { stream, index })) => {
                let st = self.objstm(stream, rev)?;
                let Some(&(num, at)) = st.offsets.get(index as usize) else {
                    return Err(bad(format!(
                        "object {} not in object stream {stream}",
                        id.0
                    )));
                };
                if num != id.0 {
                    return Err(bad(format!(
                        "object stream {stream} holds {num}, not {}",
                        id.0
                    )));
                }
                let o = Parser::new(&st.data, at)
                    .object()
                    .map_err(|e| bad(format!("object {} in stream {stream}: {e}", id.0)))?;
                Ok(Some((o, None)))
            }
        }
    }

    fn objstm(&self, num: u32, rev: usize) -> Result<Rc<ObjStm>, PdfError> {
        let Some((_, Entry::InFile { offset, .. })) = self.lookup(num, rev) else {
            return Err(bad(format!("object stream {num} is not in the file")));
        };
        if let Some(s) = self.objstm.borrow().get(&offset) {
            return Ok(s.clone());
        }
        let ind = self.indirect_at(offset)?;
        let Object::Stream(s) = &ind.object else {
            return Err(bad(format!("object {num} is not an object stream")));
        };
        let n = int(s.dict.get(b"N").ok()).unwrap_or(0).clamp(0, 1_000_000) as usize;
        let first = int(s.dict.get(b"First").ok()).unwrap_or(0).max(0) as usize;
        let data = self.stream_data(offset, &ind, None)?;
        let mut p = Parser::new(&data, 0);
        let mut offsets = Vec::with_capacity(n.min(65536));
        for _ in 0..n {
            let (Some(o), Some(rel)) = (p.uint(), p.uint()) else {
                break;
            };
            offsets.push((
                o.min(u64::from(u32::MAX)) as u32,
                first.saturating_add(rel as usize),
            ));
        }
        let st = Rc::new(ObjStm { data, offsets });
        self.objstm.borrow_mut().insert(offset, st.clone());
        Ok(st)
    }

    /// Follows a reference (one level at a time, bounded) as of `rev`.
    pub fn resolve(&self, o: &Object, rev: usize) -> Result<Object, PdfError> {
        let mut cur = o.clone();
        for _ in 0..32 {
            match cur {
                Object::Reference(r) => cur = self.object(r, rev)?,
                other => return Ok(other),
            }
        }
        Err(bad("reference chain too long"))
    }

    /// `dict[key]` resolved as of `rev`.
    pub fn get(&self, dict: &Dictionary, key: &[u8], rev: usize) -> Result<Object, PdfError> {
        match dict.get(key) {
            Ok(o) => self.resolve(o, rev),
            Err(_) => Ok(Object::Null),
        }
    }

    /// The catalog as of `rev`, with its id.
    pub fn catalog(&self, rev: usize) -> Result<(ObjectId, Dictionary), PdfError> {
        let r = self
            .revisions
            .get(rev)
            .ok_or_else(|| bad("no such revision"))?;
        let Ok(Object::Reference(root)) = r.trailer.get(b"Root") else {
            return Err(bad("trailer has no /Root reference"));
        };
        match self.object(*root, rev)? {
            Object::Dictionary(d) => Ok((*root, d)),
            _ => Err(bad("/Root is not a dictionary")),
        }
    }

    /// The pages in order, as of `rev` (bounded walk of the page tree).
    pub fn pages(&self, rev: usize) -> Result<Vec<(ObjectId, Dictionary)>, PdfError> {
        let (_, cat) = self.catalog(rev)?;
        let Ok(Object::Reference(root)) = cat.get(b"Pages") else {
            return Err(bad("catalog has no /Pages reference"));
        };
        let mut out = Vec::new();
        let mut stack = vec![(*root, 0usize)];
        let mut seen = std::collections::HashSet::new();
        while let Some((id, depth)) = stack.pop() {
            if depth > 64 || !seen.insert(id) || out.len() > 100_000 {
                continue;
            }
            let Object::Dictionary(d) = self.object(id, rev)? else {
                continue;
            };
            match d.get(b"Kids") {
                Ok(Object::Array(kids)) => {
                    for k in kids.iter().rev() {
                        if let Object::Reference(r) = k {
                            stack.push((*r, depth + 1));
                        }
                    }
                }
                _ => out.push((id, d)),
            }
        }
        Ok(out)
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
