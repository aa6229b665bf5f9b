//! The file's structure as a viewer sees it: whether every reader, strict or
//! recovering, would show the document the cross-reference chain describes.
//!
//! Compares the chain `xref` follows with a front-to-back [`scan`] of the
//! bytes, and reports each disagreement as a [`Finding`] with its data:
//! bytes after the last `%%EOF`, objects appended without a
//! cross-reference section, a section the `/Prev` chain skips, loops over or
//! reaches forward, a revision whose own `startxref` names another section,
//! an object listed twice in one section, an entry that re-points an object
//! at bytes of an earlier revision, a body that a recovering parser would
//! pick instead of the one the chain names, and a trailer whose `/Root`
//! or `/Encrypt` moves to another object.
//!
//! Says what it found and where; whether a finding touches a signature is
//! `verify`'s decision ([`Finding::after_revision`]).

pub mod scan;

use super::PdfError;
use super::cos::is_white;
use super::xref::{Anomaly, Entry, PdfFile, find, read_range};
use crate::verdict::Code;
use lopdf::Object;
use scan::{Body, Mark, Scan};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How far a cross-reference offset may sit before the body or section it
/// names (white space some writers leave).
const SLACK: u64 = 16;

/// One disagreement between the chain and the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Finding {
    /// Bytes other than white space after the last revision's `%%EOF`.
    BytesAfterEof {
        /// Where they begin.
        offset: u64,
        /// How many bytes follow the marker.
        length: u64,
    },
    /// Object bodies after the last revision's `%%EOF`, in no
    /// cross-reference section (recovering viewers show them).
    UpdateWithoutXref {
        /// The first body's offset.
        offset: u64,
        /// Their object numbers.
        objects: Vec<u32>,
    },
    /// A cross-reference section the `/Prev` chain never reaches.
    SectionOutsideChain {
        /// Its offset.
        offset: u64,
    },
    /// The chain reads a section a front-to-back reader cannot see (inside
    /// a stream, a string or a comment).
    HiddenSection {
        /// Its offset.
        offset: u64,
    },
    /// A `/Prev` (or `/XRefStm`) names a section already read.
    PrevLoop {
        /// The section whose trailer says so.
        section: u64,
        /// The offset it names.
        prev: u64,
    },
    /// A `/Prev` names a later section (outside a linearized file).
    PrevForward {
        /// The section whose trailer says so.
        section: u64,
        /// The offset it names.
        prev: u64,
    },
    /// A revision's own `startxref` does not name its section (a reader of
    /// the file cut at that revision, as "view signed version" does, reads
    /// something else).
    StartxrefMismatch {
        /// The revision (1-based).
        revision: usize,
        /// What its `startxref` says.
        startxref: Option<u64>,
        /// The section the chain reads for it.
        section: u64,
    },
    /// One section lists an object twice with different entries.
    DuplicateEntry {
        /// The section.
        section: u64,
        /// The object number.
        object: u32,
    },
    /// An update's entry points an object at bytes of an earlier revision
    /// (another body than the one the object had).
    XrefRepointed {
        /// The revision (1-based) whose entry it is.
        revision: usize,
        /// The object number.
        object: u32,
        /// The offset (or the object stream) it now names.
        now: String,
        /// What it named before, if anything.
        before: Option<String>,
    },
    /// A recovering parser (the last body of a number wins) would pick
    /// another body than the cross-reference chain.
    ShadowedBody {
        /// The object number.
        object: u32,
        /// Where the chain reads it.
        chain: String,
        /// The body a recovering parser picks.
        body: u64,
    },
    /// The chain names an offset where no top-level body starts (inside
    /// another object's stream, or in bytes that are not an object).
    XrefTargetHidden {
        /// The object number.
        object: u32,
        /// The offset the chain names.
        offset: u64,
    },
    /// An update's trailer points `/Root` or `/Encrypt` elsewhere.
    TrailerChanged {
        /// The revision (1-based).
        revision: usize,
        /// The key.
        key: String,
        /// Before and after, as written.
        before: String,
        /// After.
        after: String,
    },
}

impl Finding {
    /// The code it gives: a change after signing, or a file that reads
    /// differently in different viewers.
    pub fn code(&self) -> Code {
        match self {
            Finding::BytesAfterEof { .. }
            | Finding::UpdateWithoutXref { .. }
            | Finding::XrefRepointed { .. }
            | Finding::TrailerChanged { .. } => Code::PdfModified,
            _ => Code::PdfAmbiguous,
        }
    }

    /// The sub-reason's key (`bytes_after_eof`, …).
    pub fn reason(&self) -> &'static str {
        match self {
            Finding::BytesAfterEof { .. } => "bytes_after_eof",
            Finding::UpdateWithoutXref { .. } => "update_without_xref",
            Finding::SectionOutsideChain { .. } => "section_outside_chain",
            Finding::HiddenSection { .. } => "hidden_section",
            Finding::PrevLoop { .. } => "prev_loop",
            Finding::PrevForward { .. } => "prev_forward",
            Finding::StartxrefMismatch { .. } => "startxref_mismatch",
            Finding::DuplicateEntry { .. } => "duplicate_entry",
            Finding::XrefRepointed { .. } => "xref_repointed",
            Finding::ShadowedBody { .. } => "shadowed_body",
            Finding::XrefTargetHidden { .. } => "xref_target_hidden",
            Finding::TrailerChanged { .. } => "trailer_changed",
        }
    }

    /// A change made by revision N (0-based) touches the signatures of
    /// earlier revisions only; `None` (an ambiguity) touches every signature.
    pub fn after_revision(&self, revisions: usize) -> Option<usize> {
        match self {
            Finding::BytesAfterEof { .. } | Finding::UpdateWithoutXref { .. } => Some(revisions),
            Finding::XrefRepointed { revision, .. } | Finding::TrailerChanged { revision, .. } => {
                Some(revision.saturating_sub(1))
            }
            _ => None,
        }
    }
}

/// Scans the file and compares it with its chain.
pub fn examine(file: &PdfFile<'_>) -> Result<Vec<Finding>, PdfError> {
    let src = file.source();
    let head = read_range(src, 0, 1024)?;
    let from = find(&head, b"%PDF-").unwrap_or(0) as u64;
    let length_of = |id: lopdf::ObjectId| match file.object_latest(id) {
        Ok(Object::Integer(n)) if n >= 0 => Some(n as u64),
        _ => None,
    };
    let s = scan::scan(src, from, &length_of, &|off, ind| file.keep(off, ind))?;
    check(file, &s)
}

/// Compares a scan with the chain.
pub fn check(file: &PdfFile<'_>, s: &Scan) -> Result<Vec<Finding>, PdfError> {
    let mut out = Vec::new();
    let src = file.source();
    let last = file.revisions.len() - 1;
    let newest = &file.revisions[last];
    // What follows the last %%EOF.
    let after: Vec<&Body> = s
        .bodies
        .iter()
        .filter(|b| b.offset >= newest.eof_eol)
        .collect();
    if let Some(first) = after.first() {
        out.push(Finding::UpdateWithoutXref {
            offset: first.offset,
            objects: after.iter().map(|b| b.num).take(1000).collect(),
        });
    } else if let Some(at) = first_non_white(file, newest.eof_eol)? {
        out.push(Finding::BytesAfterEof {
            offset: at,
            length: src.len() - newest.eof,
        });
    }
    // The chain against the sections a front-to-back reader sees.
    let chain: Vec<u64> = file
        .revisions
        .iter()
        .flat_map(|r| r.sections.iter().copied())
        .collect();
    let visible: Vec<u64> = s
        .marks
        .iter()
        .filter_map(|m| match m {
            Mark::Table(at) => Some(*at),
            _ => None,
        })
        .chain(s.bodies.iter().filter(|b| b.xref_stream).map(|b| b.offset))
        .filter(|at| *at < newest.eof_eol)
        .collect();
    let near = |a: u64, b: u64| b >= a && b - a <= SLACK;
    for v in &visible {
        if !chain.iter().any(|c| near(*c, *v)) {
            out.push(Finding::SectionOutsideChain { offset: *v });
        }
    }
    for c in &chain {
        if !visible.iter().any(|v| near(*c, *v)) {
            out.push(Finding::HiddenSection { offset: *c });
        }
    }
    for a in &file.anomalies {
        out.push(match *a {
            Anomaly::PrevLoop { section, prev } => Finding::PrevLoop { section, prev },
            Anomaly::PrevForward { section, prev } => Finding::PrevForward { section, prev },
            Anomaly::DuplicateEntry { section, object } => {
                Finding::DuplicateEntry { section, object }
            }
        });
    }
    // Each revision's own startxref names its section.
    for (i, r) in file.revisions.iter().enumerate() {
        let says = s
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Startxref { at, value } if *at >= r.start && *at < r.eof => Some(*value),
                _ => None,
            })
            .next_back()
            .flatten();
        if says != Some(r.offset) {
            out.push(Finding::StartxrefMismatch {
                revision: i + 1,
                startxref: says,
                section: r.offset,
            });
        }
    }
    repointed(file, &mut out);
    shadowed(file, s, &mut out)?;
    trailers(file, &mut out);
    out.truncate(10_000);
    Ok(out)
}

fn first_non_white(file: &PdfFile<'_>, from: u64) -> Result<Option<u64>, PdfError> {
    let src = file.source();
    let mut pos = from;
    while pos < src.len() {
        let b = read_range(src, pos, 1 << 16)?;
        if b.is_empty() {
            break;
        }
        if let Some(i) = b.iter().position(|c| !is_white(*c)) {
            return Ok(Some(pos + i as u64));
        }
        pos += b.len() as u64;
    }
    Ok(None)
}

fn entry_text(e: &Entry) -> String {
    match e {
        Entry::Free => "free".into(),
        Entry::InFile { offset, .. } => format!("byte {offset}"),
        Entry::InStream { stream, index } => format!("object stream {stream} #{index}"),
    }
}

/// Entries of an update that point into bytes written before it.
fn repointed(file: &PdfFile<'_>, out: &mut Vec<Finding>) {
    // The entries as of the revision before the one looked at.
    let mut state: HashMap<u32, Entry> = HashMap::new();
    for (r, rev) in file.revisions.iter().enumerate() {
        if r > 0 {
            for (num, e) in &rev.entries {
                let into_earlier = match e {
                    Entry::InFile { offset, .. } => *offset < rev.start,
                    Entry::InStream { stream, .. } => matches!(
                        rev.entries.get(stream).or(state.get(stream)),
                        Some(Entry::InFile { offset, .. }) if *offset < rev.start
                    ),
                    Entry::Free => false,
                };
                if !into_earlier {
                    continue;
                }
                let before = state.get(num).copied();
                if before == Some(*e) {
                    continue; // re-listed, unchanged
                }
                out.push(Finding::XrefRepointed {
                    revision: r + 1,
                    object: *num,
                    now: entry_text(e),
                    before: before.as_ref().map(entry_text),
                });
                if out.len() > 10_000 {
                    return;
                }
            }
        }
        state.extend(rev.entries.iter().map(|(n, e)| (*n, *e)));
    }
}

/// Where the chain's newest entry for each body's number disagrees with the
/// body a recovering parser would pick (the last one in the file).
fn shadowed(file: &PdfFile<'_>, s: &Scan, out: &mut Vec<Finding>) -> Result<(), PdfError> {
    let end = file.revisions[file.revisions.len() - 1].eof_eol;
    let mut last_body: HashMap<u32, u64> = HashMap::new();
    let mut starts: BTreeSet<u64> = BTreeSet::new();
    for b in s.bodies.iter().filter(|b| b.offset < end) {
        last_body.insert(b.num, b.offset);
        starts.insert(b.offset);
    }
    let body_near = |o: u64| starts.range(o..=o.saturating_add(SLACK)).next().copied();
    let mut newest: BTreeMap<u32, Entry> = BTreeMap::new();
    for r in &file.revisions {
        newest.extend(r.entries.iter().map(|(n, e)| (*n, *e)));
    }
    for (num, e) in &newest {
        let picked = last_body.get(num).copied();
        match *e {
            Entry::InFile { offset, .. } => match (body_near(offset), picked) {
                (None, _) => out.push(Finding::XrefTargetHidden {
                    object: *num,
                    offset,
                }),
                (Some(at), Some(p)) if p > at => out.push(Finding::ShadowedBody {
                    object: *num,
                    chain: format!("byte {offset}"),
                    body: p,
                }),
                _ => {}
            },
            Entry::InStream { stream, index } => {
                if let (Some(Entry::InFile { offset: h, .. }), Some(p)) =
                    (newest.get(&stream), picked)
                    && p > *h
                {
                    out.push(Finding::ShadowedBody {
                        object: *num,
                        chain: format!("object stream {stream} #{index}"),
                        body: p,
                    });
                }
            }
            Entry::Free => {}
        }
        if out.len() > 10_000 {
            break;
        }
    }
    Ok(())
}

/// `/Root` and `/Encrypt` from one trailer to the next (`/Info` is the
/// document information, judged by `diff` as metadata).
fn trailers(file: &PdfFile<'_>, out: &mut Vec<Finding>) {
    let text = |o: Option<&Object>| match o {
        Some(Object::Reference((n, g))) => format!("{n} {g} R"),
        Some(Object::Dictionary(_)) => "a direct dictionary".into(),
        Some(_) => "a non-reference".into(),
        None => "absent".into(),
    };
    for (r, w) in file.revisions.windows(2).enumerate() {
        let (old, new) = (&w[0].trailer, &w[1].trailer);
        for key in ["Root", "Encrypt"] {
            let (a, b) = (old.get(key.as_bytes()).ok(), new.get(key.as_bytes()).ok());
            if a == b {
                continue;
            }
            out.push(Finding::TrailerChanged {
                revision: r + 2,
                key: key.into(),
                before: text(a),
                after: text(b),
            });
        }
    }
}
