//! Who refers to whom in one revision: every object reachable from the
//! trailer, with the objects it names and the key it names them under.
//!
//! Built once for the first signed revision and carried forward revision by
//! revision with what each update writes, so that the analysis can ask, of
//! any object an update writes, where the signed document used it (an
//! appearance stream that is also drawn on a page, a number the signed
//! document already referred to before it existed). Bounded: objects
//! visited, references per object.

use super::refs_with_keys;
use crate::pdf::PdfError;
use crate::pdf::xref::PdfFile;
use lopdf::Object;
use std::collections::{HashMap, HashSet};

/// Most objects a graph holds.
const MAX_NODES: usize = 500_000;

/// The trailer, as a referrer.
pub const TRAILER: u32 = 0;

/// One reference: from an object, under a key (the innermost dictionary key
/// on the way to it, empty inside a top-level array).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// The referring object (`TRAILER` for the trailer).
    pub from: u32,
    /// The key it is under.
    pub key: Vec<u8>,
}

/// The reference graph of a revision.
#[derive(Debug, Default, Clone)]
pub struct Graph {
    out: HashMap<u32, Vec<(u32, Vec<u8>)>>,
    inc: HashMap<u32, Vec<Usage>>,
    /// Whether the walk stopped at its bound (then nothing is certain).
    pub truncated: bool,
}

impl Graph {
    /// Every object reachable from revision `rev`'s trailer.
    pub fn build(file: &PdfFile<'_>, rev: usize) -> Result<Graph, PdfError> {
        let mut g = Graph::default();
        let trailer = Object::Dictionary(file.revisions[rev].trailer.clone());
        let mut todo = Vec::new();
        g.set(TRAILER, &trailer, &mut todo);
        let mut seen: HashSet<u32> = HashSet::new();
        seen.insert(TRAILER);
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            if seen.len() > MAX_NODES {
                g.truncated = true;
                break;
            }
            // A broken object refers to nothing; a limit still stops the walk.
            let o = match file.object((n, 0), rev) {
                Ok(o) => o,
                Err(e @ PdfError::Limit { .. }) => return Err(e),
                Err(_) => Object::Null,
            };
            g.set(n, &o, &mut todo);
        }
        Ok(g)
    }

    /// Replaces object `n`'s references by those of `o` (as an update wrote it).
    pub fn update(&mut self, n: u32, o: &Object) {
        if let Some(old) = self.out.remove(&n) {
            for (t, _) in old {
                if let Some(u) = self.inc.get_mut(&t) {
                    u.retain(|x| x.from != n);
                }
            }
        }
        let mut ignored = Vec::new();
        self.set(n, o, &mut ignored);
    }

    fn set(&mut self, n: u32, o: &Object, todo: &mut Vec<u32>) {
        let mut r = Vec::new();
        refs_with_keys(o, b"", &mut r, 0);
        r.truncate(100_000);
        for (t, key) in &r {
            todo.push(*t);
            self.inc.entry(*t).or_default().push(Usage {
                from: n,
                key: key.clone(),
            });
        }
        self.out.insert(n, r);
    }

    /// Where object `n` is referred to.
    pub fn usages(&self, n: u32) -> &[Usage] {
        self.inc.get(&n).map(Vec::as_slice).unwrap_or_default()
    }

    /// Whether object `n` was reached.
    pub fn has(&self, n: u32) -> bool {
        self.out.contains_key(&n)
    }
}
