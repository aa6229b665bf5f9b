//! Modification analysis: what one revision (an incremental update) changed
//! against the one before, object by object, modelled on pyHanko's
//! difference analysis (`pyhanko.sign.diff_analysis`).
//!
//! Every object an update writes or frees must be explained by a rule that
//! knows its place in the document: a new signature with its field, widget
//! and appearance ([`form`]), a form field's value and appearance, the
//! AcroForm's resources, the page's `/Annots` holding new widgets or
//! annotations, the DSS and its VRI, a document time-stamp, the document
//! information and XMP metadata, the catalog's `/AcroForm`, `/DSS`,
//! `/Extensions` and `/Metadata` entries, cross-reference and object
//! streams ([`rules`]), objects rewritten unchanged, objects nothing
//! refers to. Each explanation carries the least [`Level`] of permission
//! that allows it (pyHanko's `ModificationLevel`) and, for a form field, its
//! name, so that FieldMDP locks can be applied. What no rule explains is
//! [`Level::Other`], described as what it is ([`describe`]): page content,
//! an overlay, a font's encoding or ToUnicode map, a re-pointed XObject,
//! optional content, the page tree, the catalog, the trailer.
//!
//! An update may only add new objects where the signed document used none
//! ([`graph`]): a number the signed revision already referred to, or a
//! stream it also uses elsewhere, is not explained by a rule about one of
//! its places. Whether a change is allowed for a given signature (DocMDP,
//! FieldMDP) is `verify`'s decision; this module says what each change is.

mod annots;
mod appearance;
mod describe;
mod fields;
mod form;
pub mod graph;
mod rules;

use super::PdfError;
use super::xref::{Entry, PdfFile, XrefKind};
use graph::Graph;
use lopdf::{Dictionary, Object, ObjectId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Most objects of one revision classified one by one.
const MAX_CHANGES: usize = 100_000;
/// Most objects followed when collecting an object's new dependencies.
const MAX_DEPS: usize = 10_000;

/// The least permission a change needs (pyHanko's `ModificationLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Nothing a reader sees: validation data, document time-stamps,
    /// invisible signature fields, metadata, structure, unchanged rewrites.
    Lta,
    /// Signing and filling in form fields.
    FormFilling,
    /// Adding, changing or deleting annotations (DocMDP P=3).
    Annotations,
    /// Anything else: the document itself changed.
    Other,
}

/// What a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A signature dictionary.
    Signature,
    /// A signature field, its widget or appearance (new, or an empty one signed).
    SignatureField,
    /// A document time-stamp.
    Timestamp,
    /// Validation data (DSS, VRI, certificates, CRLs, OCSP responses).
    Dss,
    /// The XMP metadata or the document information dictionary.
    Metadata,
    /// The catalog, for entries signing needs (`/AcroForm`, `/DSS`, …).
    Catalog,
    /// Cross-reference or object streams: the file's structure, not its content.
    Structure,
    /// Written but referred to by nothing.
    Unused,
    /// Rewritten with the same value.
    Unchanged,
    /// A form field's value or appearance.
    FormFill,
    /// The form's default resources and appearance (`/DR`, `/DA`, …).
    FormResources,
    /// An annotation (comment, highlight, …) added, changed or deleted.
    Annotation,
    /// A page's content streams replaced or changed.
    PageContent,
    /// Content drawn over a page: a content stream added to it.
    Overlay,
    /// A font, its encoding (`/Differences`) or its ToUnicode map.
    Font,
    /// An XObject (image or form) re-pointed or rewritten.
    XObject,
    /// Optional content (layers) and what is visible.
    OptionalContent,
    /// A page dictionary (size, resources, actions).
    Page,
    /// The page tree: pages added, removed or reordered.
    PageTree,
    /// The form's structure: fields added, removed or re-typed, a signed
    /// field changed.
    FormStructure,
    /// An object deleted (freed).
    Freed,
    /// The trailer (`/Root`, `/Info`, `/Encrypt`).
    Trailer,
    /// Anything else.
    Other,
}

/// One object a revision wrote or freed.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectChange {
    /// Object number.
    pub object: u32,
    /// `added`, `changed` or `freed`.
    pub change: &'static str,
    /// What it is.
    pub category: Category,
    /// The least permission it needs.
    pub level: Level,
    /// The form field it belongs to, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Allowed even when its field is locked (FieldMDP).
    #[serde(skip)]
    pub locked_ok: bool,
    /// Allowed after a certification (a new visible signature field is not:
    /// its appearance may be drawn anywhere on the page).
    #[serde(skip)]
    pub certified_ok: bool,
    /// What it is, in words (the type, the keys that changed).
    pub detail: String,
}

/// What one revision changed.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionChanges {
    /// 1-based revision number.
    pub revision: usize,
    /// Table or stream.
    pub xref: XrefKind,
    /// The objects, in number order.
    pub objects: Vec<ObjectChange>,
    /// The categories present.
    pub categories: BTreeSet<Category>,
    /// The worst level among them.
    pub level: Level,
}

/// How an object was explained, before it becomes an [`ObjectChange`].
#[derive(Debug, Clone)]
struct Why {
    level: Level,
    category: Category,
    field: Option<String>,
    locked_ok: bool,
    certified_ok: bool,
    detail: String,
}

/// One revision under analysis: its old and new state and what is explained.
pub(crate) struct Analysis<'a, 's> {
    file: &'a PdfFile<'s>,
    /// The revision before (0-based).
    old: usize,
    /// The revision analysed (0-based).
    new: usize,
    /// The revision's own entries.
    written: &'a BTreeMap<u32, Entry>,
    /// The old revision's reference graph.
    graph: &'a Graph,
    ok: BTreeMap<u32, Why>,
    bad: BTreeMap<u32, Why>,
    /// Changed objects explained only in given places: object → allowed referrers.
    places: BTreeMap<u32, Vec<u32>>,
}

impl<'a, 's> Analysis<'a, 's> {
    fn written(&self, n: u32) -> bool {
        self.written.contains_key(&n)
    }

    /// Whether `n` names no object in the old revision.
    fn is_new(&self, n: u32) -> bool {
        !matches!(
            self.file.lookup(n, self.old),
            Some((_, Entry::InFile { .. } | Entry::InStream { .. }))
        )
    }

    fn old_obj(&self, n: u32) -> Result<Object, PdfError> {
        self.file.object((n, 0), self.old)
    }

    fn new_obj(&self, n: u32) -> Result<Object, PdfError> {
        self.file.object((n, 0), self.new)
    }

    fn resolve_old(&self, o: &Object) -> Result<Object, PdfError> {
        self.file.resolve(o, self.old)
    }

    /// The old revision's dictionary behind `o` (an entry it may lack):
    /// empty when absent or not a dictionary.
    fn old_dict(&self, o: Option<&Object>) -> Result<Dictionary, PdfError> {
        Ok(match o {
            Some(o) => match self.resolve_old(o)? {
                Object::Dictionary(d) => d,
                _ => Dictionary::new(),
            },
            None => Dictionary::new(),
        })
    }

    fn resolve_new(&self, o: &Object) -> Result<Object, PdfError> {
        self.file.resolve(o, self.new)
    }

    /// Explains object `n` (when the revision writes it); the least level wins.
    #[allow(clippy::too_many_arguments)]
    fn allow(
        &mut self,
        n: u32,
        level: Level,
        category: Category,
        field: Option<&str>,
        locked_ok: bool,
        certified_ok: bool,
        detail: impl Into<String>,
    ) {
        if !self.written(n) {
            return;
        }
        let why = Why {
            level,
            category,
            field: field.map(String::from),
            locked_ok,
            certified_ok,
            detail: detail.into(),
        };
        match self.ok.get(&n) {
            Some(w) if w.level <= level => {}
            _ => {
                self.ok.insert(n, why);
            }
        }
    }

    /// Explains `n` at `level` with no field.
    fn allow_plain(&mut self, n: u32, level: Level, category: Category, detail: impl Into<String>) {
        self.allow(n, level, category, None, true, true, detail);
    }

    /// Raises an explained object's level (a catalog or form dictionary
    /// holding resources that filling changed).
    fn raise(&mut self, n: u32, level: Level, category: Category) {
        if let Some(w) = self.ok.get_mut(&n)
            && w.level < level
        {
            w.level = level;
            w.category = category;
        }
    }

    /// Records that `n` (or, when it is not written, the change it stands
    /// for) is a change no rule allows.
    fn refuse(&mut self, n: u32, category: Category, detail: impl Into<String>) {
        self.bad.entry(n).or_insert(Why {
            level: Level::Other,
            category,
            field: None,
            locked_ok: false,
            certified_ok: false,
            detail: detail.into(),
        });
    }

    /// A changed object that may only be used where the rule looked.
    fn only_used_by(&mut self, n: u32, referrers: &[u32]) {
        self.places
            .entry(n)
            .or_default()
            .extend_from_slice(referrers);
    }

    /// A reference in the new revision where the old had `old`: the same
    /// object or a new one (pyHanko's `safe_whitelist`); an existing object
    /// put in a new place is refused.
    fn safe_ref(&mut self, old: Option<ObjectId>, new: ObjectId, what: &str) -> bool {
        if old.map(|o| o.0) == Some(new.0) || self.is_new(new.0) {
            return true;
        }
        self.refuse(
            new.0,
            Category::Other,
            format!(
                "{what} now points at object {}, which existed before",
                new.0
            ),
        );
        false
    }

    /// `safe_ref` for an object that `holder` references: an existing object
    /// kept there may then be referenced from `holder` only.
    fn safe_held_ref(
        &mut self,
        old: Option<ObjectId>,
        new: ObjectId,
        what: &str,
        holder: u32,
    ) -> bool {
        if !self.safe_ref(old, new, what) {
            return false;
        }
        if !self.is_new(new.0) {
            self.only_used_by(new.0, &[holder]);
        }
        true
    }

    /// The objects this revision adds that `o` reaches through other added
    /// objects only (pyHanko's `collect_dependencies`).
    fn new_deps(&self, o: &Object) -> Result<Vec<u32>, PdfError> {
        let mut out = Vec::new();
        let mut todo = Vec::new();
        refs(o, &mut todo);
        let mut seen = BTreeSet::new();
        while let Some(n) = todo.pop() {
            if !seen.insert(n) || !self.written(n) || !self.is_new(n) {
                continue;
            }
            if seen.len() > MAX_DEPS {
                break;
            }
            out.push(n);
            refs(&self.new_obj(n)?, &mut todo);
        }
        Ok(out)
    }

    /// Explains every object `o` adds, at `level`.
    fn allow_deps(
        &mut self,
        o: &Object,
        level: Level,
        category: Category,
        field: Option<&str>,
        detail: &str,
    ) -> Result<(), PdfError> {
        for n in self.new_deps(o)? {
            self.allow(n, level, category, field, level == Level::Lta, true, detail);
        }
        Ok(())
    }
}

/// Every reference in an object (a stream's dictionary included).
pub(crate) fn refs(o: &Object, out: &mut Vec<u32>) {
    match o {
        Object::Reference(r) => out.push(r.0),
        Object::Array(a) => a.iter().for_each(|x| refs(x, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, x)| refs(x, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, x)| refs(x, out)),
        _ => {}
    }
}

/// Every reference with the innermost dictionary key above it.
pub(crate) fn refs_with_keys(o: &Object, key: &[u8], out: &mut Vec<(u32, Vec<u8>)>, depth: usize) {
    if depth > 64 {
        return;
    }
    match o {
        Object::Reference(r) => out.push((r.0, key.to_vec())),
        Object::Array(a) => a
            .iter()
            .for_each(|x| refs_with_keys(x, key, out, depth + 1)),
        Object::Dictionary(d) => d
            .iter()
            .for_each(|(k, x)| refs_with_keys(x, k, out, depth + 1)),
        Object::Stream(s) => s
            .dict
            .iter()
            .for_each(|(k, x)| refs_with_keys(x, k, out, depth + 1)),
        _ => {}
    }
}

/// A name entry.
pub(crate) fn name_of<'d>(d: &'d Dictionary, key: &[u8]) -> Option<&'d [u8]> {
    match d.get(key) {
        Ok(Object::Name(n)) => Some(n),
        _ => None,
    }
}

/// The dictionary of a dictionary or stream.
pub(crate) fn dict_of(o: &Object) -> Option<&Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// A reference entry.
pub(crate) fn ref_of(d: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    d.get(key).ok().and_then(as_ref)
}

/// The reference `o` is, if it is one.
pub(crate) fn as_ref(o: &Object) -> Option<ObjectId> {
    match o {
        Object::Reference(r) => Some(*r),
        _ => None,
    }
}

/// Two values equal as PDF values (a string's hex or literal form, an
/// integer written as a real, do not matter).
pub(crate) fn same(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::String(x, _), Object::String(y, _)) => x == y,
        (Object::Integer(x), Object::Real(y)) | (Object::Real(y), Object::Integer(x)) => {
            (*x as f64 - f64::from(*y)).abs() < 1e-9
        }
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Object::Dictionary(x), Object::Dictionary(y)) => same_dict(x, y, &[]),
        (Object::Stream(x), Object::Stream(y)) => same_dict(&x.dict, &y.dict, &[]),
        _ => a == b,
    }
}

/// The keys whose values differ (`ignore`d keys left out).
pub(crate) fn changed_keys(old: &Dictionary, new: &Dictionary, ignore: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut k = BTreeSet::new();
    for (key, v) in new.iter() {
        if ignore.contains(&key.as_slice()) {
            continue;
        }
        match old.get(key) {
            Ok(o) if same(o, v) => {}
            _ => {
                k.insert(key.clone());
            }
        }
    }
    for (key, _) in old.iter() {
        if !ignore.contains(&key.as_slice()) && !new.has(key) {
            k.insert(key.clone());
        }
    }
    k.into_iter().collect()
}

fn same_dict(a: &Dictionary, b: &Dictionary, ignore: &[&[u8]]) -> bool {
    changed_keys(a, b, ignore).is_empty()
}

/// `/A /B` for a list of keys.
pub(crate) fn keys_text(k: &[Vec<u8>]) -> String {
    k.iter()
        .map(|x| format!("/{}", String::from_utf8_lossy(x)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Classifies what revision `rev` (0-based, ≥ 1) changed against `rev - 1`,
/// given the old revision's reference graph.
pub fn analyse(file: &PdfFile<'_>, rev: usize, graph: &Graph) -> Result<RevisionChanges, PdfError> {
    let r = file
        .revisions
        .get(rev)
        .filter(|_| rev > 0)
        .ok_or_else(|| PdfError::Malformed("no such revision".into()))?;
    let mut a = Analysis {
        file,
        old: rev - 1,
        new: rev,
        written: &r.entries,
        graph,
        ok: BTreeMap::new(),
        bad: BTreeMap::new(),
        places: BTreeMap::new(),
    };
    if r.entries.len() > MAX_CHANGES {
        return Err(PdfError::Limit {
            what: "objects in one update",
            limit: MAX_CHANGES as u64,
        });
    }
    // Freed objects, numbers the signed revision already used, unchanged rewrites.
    for (num, e) in r.entries.iter() {
        let existed = !a.is_new(*num);
        if *e == Entry::Free {
            if existed {
                a.refuse(
                    *num,
                    Category::Freed,
                    "an object of the signed revision deleted",
                );
            }
            continue;
        }
        if !existed {
            if let Some(u) = graph.usages(*num).first() {
                a.refuse(
                    *num,
                    describe::role_of_key(&u.key),
                    format!(
                        "defined after signing, although object {} referred to it (under /{}) before",
                        u.from,
                        String::from_utf8_lossy(&u.key)
                    ),
                );
            }
            continue;
        }
        let (old, new) = (a.old_obj(*num)?, a.new_obj(*num)?);
        if rules::identical(file, *num, &old, &new, rev)? {
            a.allow_plain(*num, Level::Lta, Category::Unchanged, "rewritten unchanged");
        }
    }
    rules::trailer_and_catalog(&mut a)?;
    rules::structure(&mut a)?;
    rules::dss(&mut a)?;
    let widgets = form::form(&mut a)?;
    annots::pages(&mut a, &widgets)?;
    rules::orphans(&mut a)?;
    // A changed object explained in one place must have no other.
    let places = std::mem::take(&mut a.places);
    for (n, allowed) in places {
        if let Some(u) = graph.usages(n).iter().find(|u| !allowed.contains(&u.from)) {
            let cat = describe::role_of_key(&u.key);
            a.refuse(
                n,
                cat,
                format!(
                    "also used by object {} (under /{}) of the signed revision",
                    u.from,
                    String::from_utf8_lossy(&u.key)
                ),
            );
        }
    }
    // What no rule explains, described.
    let unexplained: Vec<u32> = r
        .entries
        .iter()
        .filter(|(n, e)| **e != Entry::Free && !a.ok.contains_key(n) && !a.bad.contains_key(n))
        .map(|(n, _)| *n)
        .collect();
    for n in unexplained {
        let (cat, detail) = describe::describe(&a, n)?;
        a.refuse(n, cat, detail);
    }
    let mut objects = Vec::new();
    let mut categories = BTreeSet::new();
    let mut level = Level::Lta;
    let keys: BTreeSet<u32> = a.ok.keys().chain(a.bad.keys()).copied().collect();
    for n in keys {
        let why = a.bad.get(&n).or(a.ok.get(&n)).cloned();
        let Some(why) = why else { continue };
        let change = match r.entries.get(&n) {
            Some(Entry::Free) => "freed",
            Some(_) if a.is_new(n) => "added",
            Some(_) => "changed",
            None => "changed",
        };
        categories.insert(why.category);
        level = level.max(why.level);
        objects.push(ObjectChange {
            object: n,
            change,
            category: why.category,
            level: why.level,
            field: why.field,
            locked_ok: why.locked_ok,
            certified_ok: why.certified_ok,
            detail: why.detail,
        });
    }
    Ok(RevisionChanges {
        revision: rev + 1,
        xref: r.kind,
        objects,
        categories,
        level,
    })
}
