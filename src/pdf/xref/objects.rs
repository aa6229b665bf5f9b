//! Reading objects of a parsed file as of a revision: by number through the
//! cross-reference entries, at an offset, inside object streams (cached),
//! stream data (bounded decoding), references resolved, the catalog and the
//! page tree. Counts every read, so a reference loop or a hostile file ends.

use super::{
    CACHE_BYTES, Entry, Located, MAX_DECODED, MAX_OBJECT, MAX_READS, PdfFile, bad, in_memory, int,
    read_range, syntax,
};
use crate::pdf::PdfError;
use crate::pdf::cos::{Indirect, Parser, SyntaxError};
use lopdf::{Dictionary, Object, ObjectId};
use std::rc::Rc;

/// A decoded object stream: its data and where each object starts.
pub(super) struct ObjStm {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

impl<'s> PdfFile<'s> {
    fn count_read(&self) -> Result<(), PdfError> {
        let mut n = self.reads.borrow_mut();
        *n += 1;
        if *n > MAX_READS {
            return Err(bad("too many object reads"));
        }
        Ok(())
    }

    /// Reads the indirect object at `off`: parsed once, then shared.
    pub fn indirect_at(&self, off: u64) -> Result<Rc<Indirect>, PdfError> {
        self.count_read()?;
        if let Some(i) = self.parsed.borrow().at.get(&off) {
            return Ok(i.clone());
        }
        let ind = Rc::new(self.parse_at(off)?);
        self.keep(off, &ind);
        Ok(ind)
    }

    /// Keeps a parse of the object at `off` for later reads (within the
    /// cache's budget). `layout`'s front-to-back scan hands over its parses.
    pub fn keep(&self, off: u64, ind: &Rc<Indirect>) {
        let mut p = self.parsed.borrow_mut();
        if p.bytes.saturating_add(ind.end) <= CACHE_BYTES && !p.at.contains_key(&off) {
            p.bytes += ind.end;
            p.at.insert(off, ind.clone());
        }
    }

    /// Parses the indirect object at `off`: in place for a source in
    /// memory, else in a window grown as needed (up to `MAX_OBJECT`).
    fn parse_at(&self, off: u64) -> Result<Indirect, PdfError> {
        if let Some(b) = in_memory(self.src, off, MAX_OBJECT) {
            return Parser::new(b, 0).indirect().map_err(|e| syntax(off, e));
        }
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
