//! Reading one cross-reference section at an offset: a classic table
//! (`xref` … `trailer`) or a `/Type /XRef` stream, into its entries and
//! trailer. Records objects a section lists twice; bounds the objects a
//! section may declare and how far a table is read.

use super::{Entry, MAX_DECODED, MAX_OBJECTS, PdfFile, XrefKind, bad, int, read_range, syntax};
use crate::pdf::PdfError;
use crate::pdf::cos::{Parser, SyntaxError};
use lopdf::{Dictionary, Object};
use std::collections::BTreeMap;

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
    /// Where it ends (after the trailer dictionary, or the stream object).
    pub end: u64,
    /// Objects listed more than once in it with different entries.
    pub duplicates: Vec<u32>,
}

impl PdfFile<'_> {
    /// The section at `off`: a table when `xref` starts there, else a stream.
    pub(super) fn section(&self, off: u64) -> Result<Section, PdfError> {
        let buf = read_range(self.src, off, 64)?;
        let mut p = Parser::new(&buf, 0);
        if p.keyword(b"xref") {
            self.table(off)
        } else {
            self.xref_stream(off)
        }
    }

    /// A classic table at `off`, read in a window grown until its trailer fits.
    fn table(&self, off: u64) -> Result<Section, PdfError> {
        let mut entries = BTreeMap::new();
        let mut duplicates = Vec::new();
        let mut window = 1 << 12;
        loop {
            let buf = read_range(self.src, off, window)?;
            let complete = buf.len() < window;
            let mut p = Parser::new(&buf, 0);
            p.keyword(b"xref");
            entries.clear();
            duplicates.clear();
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
                        return Err(PdfError::Limit {
                            what: "objects",
                            limit: MAX_OBJECTS,
                        });
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
                            let e = Entry::InFile {
                                offset: a,
                                generation: g.min(65535) as u16,
                            };
                            put(&mut entries, &mut duplicates, id, e);
                        } else if p.keyword(b"f") {
                            if id != 0 {
                                put(&mut entries, &mut duplicates, id, Entry::Free);
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
                        end: off + p.pos as u64,
                        duplicates,
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

    /// A `/Type /XRef` stream at `off` (also a hybrid file's `/XRefStm`).
    pub(super) fn xref_stream(&self, off: u64) -> Result<Section, PdfError> {
        let ind = self.indirect_at(off)?;
        let Object::Stream(s) = &ind.object else {
            return Err(bad(format!("no cross-reference at byte {off}")));
        };
        if s.dict.get(b"Type").ok() != Some(&Object::Name(b"XRef".to_vec())) {
            return Err(bad(format!("object at byte {off} is not a /XRef stream")));
        }
        let data = self.stream_data(off, &ind, None)?;
        let raw_len = match s.dict.get(b"Length") {
            Ok(Object::Integer(n)) if *n >= 0 => *n as u64,
            _ => 0,
        };
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
        let mut duplicates = Vec::new();
        let mut rows = data.chunks_exact(row);
        for (first, count) in index {
            if first + count > MAX_OBJECTS {
                return Err(PdfError::Limit {
                    what: "objects",
                    limit: MAX_OBJECTS,
                });
            }
            for i in 0..count {
                let Some(r) = rows.next() else { break };
                let t = if w[0] == 0 { 1 } else { field(&r[..w[0]]) };
                let a = field(&r[w[0]..w[0] + w[1]]);
                let b = field(&r[w[0] + w[1]..]);
                let id = (first + i) as u32;
                let e = match t {
                    0 if id != 0 => Entry::Free,
                    1 => Entry::InFile {
                        offset: a,
                        generation: b.min(65535) as u16,
                    },
                    2 => Entry::InStream {
                        stream: a.min(u64::from(u32::MAX)) as u32,
                        index: b.min(u64::from(u32::MAX)) as u32,
                    },
                    _ => continue,
                };
                put(&mut entries, &mut duplicates, id, e);
            }
        }
        let end = off + ind.stream_start.unwrap_or(0) as u64 + raw_len;
        Ok(Section {
            offset: off,
            kind: XrefKind::Stream,
            entries,
            trailer: dict,
            end,
            duplicates,
        })
    }
}

/// Records an entry; a second, different entry for the same object in one
/// section is a duplicate (the last one is kept, as most readers do).
fn put(entries: &mut BTreeMap<u32, Entry>, dups: &mut Vec<u32>, id: u32, e: Entry) {
    if let Some(prev) = entries.insert(id, e)
        && prev != e
        && dups.len() < 1000
    {
        dups.push(id);
    }
}
