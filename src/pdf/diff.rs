//! Modification analysis: what one revision (an incremental update)
//! changed against the one before, object by object.
//!
//! Owns the classification of every object a revision writes or frees: part
//! of a new signature (the signature dictionary, its field and widget, its
//! appearance and fonts, the AcroForm, page and catalog entries that hold
//! them), a DSS (validation data), a document time-stamp, a form fill (a
//! field's value and appearance), an annotation, an unreferenced object, or
//! anything else. Whether a change is allowed is `verify`'s decision
//! (DocMDP, later signatures); this module only says what it is.

use super::PdfError;
use super::stamp::collect_refs;
use super::xref::{Entry, PdfFile, XrefKind};
use lopdf::{Dictionary, Object, ObjectId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Most objects of one revision classified one by one.
const MAX_CHANGES: usize = 100_000;

/// What a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Part of adding a signature.
    Signature,
    /// Validation data (DSS, VRI, certificates, CRLs, OCSP responses).
    Dss,
    /// A document time-stamp.
    Timestamp,
    /// A form field's value or appearance.
    FormFill,
    /// An annotation (comment, highlight, …).
    Annotation,
    /// The document information dictionary or the XMP metadata (what
    /// signing tools update: producer, modification date).
    Metadata,
    /// Cross-reference or object streams: the file's structure, not its content.
    Structure,
    /// Written but referenced by nothing this revision wrote.
    Unused,
    /// Anything else: a change to the document itself.
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
    /// The objects, in number order (rewritten but unchanged ones left out).
    pub objects: Vec<ObjectChange>,
    /// The categories present.
    pub categories: BTreeSet<Category>,
}

fn name_of<'a>(d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match d.get(key) {
        Ok(Object::Name(n)) => Some(n),
        _ => None,
    }
}

fn dict_of(o: &Object) -> Option<&Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Keys whose values differ.
fn changed_keys(old: &Dictionary, new: &Dictionary) -> BTreeSet<Vec<u8>> {
    let mut k = BTreeSet::new();
    for (key, v) in new.iter() {
        if old.get(key).ok() != Some(v) {
            k.insert(key.clone());
        }
    }
    for (key, _) in old.iter() {
        if !new.has(key) {
            k.insert(key.clone());
        }
    }
    k
}

fn keys_text(k: &BTreeSet<Vec<u8>>) -> String {
    k.iter()
        .map(|x| format!("/{}", String::from_utf8_lossy(x)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn array_of(file: &PdfFile<'_>, o: Option<&Object>, rev: usize) -> Result<Vec<Object>, PdfError> {
    Ok(match o {
        Some(o) => match file.resolve(o, rev)? {
            Object::Array(a) => a,
            _ => Vec::new(),
        },
        None => Vec::new(),
    })
}

fn is_sig_field(d: &Dictionary) -> bool {
    name_of(d, b"FT") == Some(b"Sig")
}

fn is_sig_value(d: &Dictionary) -> bool {
    matches!(name_of(d, b"Type"), Some(b"Sig") | Some(b"DocTimeStamp"))
        || (d.has(b"ByteRange") && d.has(b"Contents") && d.has(b"Filter"))
}

/// Classifies what revision `rev` (0-based, ≥ 1) changed against `rev - 1`.
pub fn analyse(file: &PdfFile<'_>, rev: usize) -> Result<RevisionChanges, PdfError> {
    let r = file
        .revisions
        .get(rev)
        .ok_or_else(|| PdfError::Malformed("no such revision".into()))?;
    let prev = rev.saturating_sub(1);
    let root = match r.trailer.get(b"Root") {
        Ok(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let info = match r.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => Some(id.0),
        _ => None,
    };
    // Old and new value of every object the revision names.
    let mut items: BTreeMap<u32, (Option<Object>, Option<Object>, u16)> = BTreeMap::new();
    for (num, e) in r.entries.iter().take(MAX_CHANGES) {
        let g = match e {
            Entry::InFile { generation, .. } => *generation,
            _ => 0,
        };
        let old = file.indirect((*num, 0), prev)?.map(|(o, _)| o);
        let old = if rev == 0 { None } else { old };
        let new = file.indirect((*num, g), rev)?.map(|(o, _)| o);
        items.insert(*num, (old, new, g));
    }
    let mut cat: BTreeMap<u32, (Category, String)> = BTreeMap::new();
    let sig_revision = items
        .values()
        .any(|(_, n, _)| n.as_ref().and_then(dict_of).is_some_and(is_sig_value));
    let new_dss = match root.map(|id| file.object(id, rev)).transpose()? {
        Some(Object::Dictionary(c)) => match c.get(b"DSS") {
            Ok(Object::Reference(id)) => Some(id.0),
            _ => None,
        },
        _ => None,
    };
    // Pass 1: objects that say what they are.
    for (num, (old, new, _)) in &items {
        let Some(new) = new else {
            cat.insert(*num, (Category::Other, "freed".into()));
            continue;
        };
        if let Some(old) = old
            && old == new
            && !matches!(new, Object::Stream(_))
        {
            continue;
        }
        let d = dict_of(new);
        let ty = d.and_then(|d| name_of(d, b"Type"));
        let c = match (ty, d) {
            (Some(b"XRef") | Some(b"ObjStm"), _) => Some((
                Category::Structure,
                "cross-reference or object stream".into(),
            )),
            (Some(b"DocTimeStamp"), _) => Some((Category::Timestamp, "document time-stamp".into())),
            (Some(b"Metadata"), Some(d)) if name_of(d, b"Subtype") == Some(b"XML") => {
                Some((Category::Metadata, "XMP metadata".into()))
            }
            _ if info == Some(*num) => Some((Category::Metadata, "document information".into())),
            (_, Some(d)) if is_sig_value(d) && old.is_none() => {
                Some((Category::Signature, "signature dictionary".into()))
            }
            _ if new_dss == Some(*num) => Some((Category::Dss, "DSS dictionary".into())),
            _ => None,
        };
        if let Some(c) = c {
            cat.insert(*num, c);
        }
    }
    // Pass 2: changed objects, by what changed in them.
    for (num, (old, new, _)) in &items {
        if cat.contains_key(num) {
            continue;
        }
        let (Some(old), Some(new)) = (old, new) else {
            continue;
        };
        if old == new && !matches!(new, Object::Stream(_)) {
            continue;
        }
        let c = classify_changed(file, rev, *num, root, old, new, sig_revision)?;
        cat.insert(*num, c);
    }
    // Pass 3: added objects inherit the category of what refers to them.
    let mut referrers: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (num, (_, new, _)) in &items {
        if let Some(new) = new {
            let mut refs = Vec::new();
            collect_refs(new, &mut refs);
            for (target, _) in refs {
                referrers.entry(target).or_default().push(*num);
            }
        }
    }
    for _ in 0..32 {
        let mut progress = false;
        for (num, (old, new, _)) in &items {
            if cat.contains_key(num) || old.is_some() || new.is_none() {
                continue;
            }
            let Some(from) = referrers.get(num) else {
                continue;
            };
            // The strictest category among classified referrers decides.
            let known: Vec<Category> = from
                .iter()
                .filter(|f| **f != *num)
                .filter_map(|f| cat.get(f).map(|(c, _)| *c))
                .filter(|c| *c != Category::Structure)
                .collect();
            if let Some(c) = known.iter().max().copied() {
                let what = new
                    .as_ref()
                    .and_then(dict_of)
                    .and_then(|d| name_of(d, b"Type"))
                    .map(|t| String::from_utf8_lossy(t).into_owned());
                let detail = match (c, &what) {
                    (Category::Signature, _) => {
                        "part of a new signature (field, appearance or font)".to_string()
                    }
                    (Category::Dss, _) => "validation data".to_string(),
                    (_, Some(t)) => format!("new /{t}"),
                    _ => "new object".to_string(),
                };
                // A new non-widget annotation is an annotation whatever lists it.
                let annot = new
                    .as_ref()
                    .and_then(dict_of)
                    .filter(|d| {
                        name_of(d, b"Type") == Some(b"Annot") || d.has(b"Subtype") && d.has(b"Rect")
                    })
                    .map(|d| (name_of(d, b"Subtype") == Some(b"Widget"), is_sig_field(d)));
                let c = match annot {
                    Some((_, true)) => Category::Signature,
                    Some((true, false)) => Category::Other,
                    Some((false, _)) if c != Category::Other => Category::Annotation,
                    _ => c,
                };
                cat.insert(*num, (c, detail));
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    let mut objects = Vec::new();
    let mut categories = BTreeSet::new();
    for (num, (old, new, _)) in &items {
        let change = match (old, new) {
            (None, Some(_)) => "added",
            (Some(_), Some(_)) => "changed",
            _ => "freed",
        };
        let (category, detail) = match cat.get(num) {
            Some(c) => c.clone(),
            None if old.is_some() => continue, // rewritten, unchanged
            None => (
                Category::Unused,
                "referenced by nothing this revision wrote".into(),
            ),
        };
        categories.insert(category);
        objects.push(ObjectChange {
            object: *num,
            change,
            category,
            detail,
        });
    }
    Ok(RevisionChanges {
        revision: rev + 1,
        xref: r.kind,
        objects,
        categories,
    })
}

/// A changed object: which of the allowed shapes of change it is, if any.
fn classify_changed(
    file: &PdfFile<'_>,
    rev: usize,
    num: u32,
    root: Option<ObjectId>,
    old: &Object,
    new: &Object,
    sig_revision: bool,
) -> Result<(Category, String), PdfError> {
    let other = |why: String| Ok((Category::Other, why));
    let (Some(od), Some(nd)) = (dict_of(old), dict_of(new)) else {
        // An array: a page's /Annots or the AcroForm's /Fields held by reference.
        if let (Object::Array(oa), Object::Array(na)) = (old, new) {
            return grown_list(file, rev, oa, na);
        }
        return other("changed".into());
    };
    if matches!(new, Object::Stream(_)) {
        // Stream data is not compared: a rewritten stream is a change.
        return other(format!(
            "stream {}rewritten",
            name_of(nd, b"Type")
                .map(|t| format!("/{} ", String::from_utf8_lossy(t)))
                .unwrap_or_default()
        ));
    }
    let keys = changed_keys(od, nd);
    let only = |allowed: &[&[u8]]| keys.iter().all(|k| allowed.contains(&k.as_slice()));
    let ty = name_of(nd, b"Type");
    // The catalog.
    if root.map(|r| r.0) == Some(num) || ty == Some(b"Catalog") {
        if only(&[b"Metadata"]) {
            return Ok((Category::Metadata, format!("catalog: {}", keys_text(&keys))));
        }
        if only(&[b"DSS", b"Extensions", b"Metadata"]) {
            return Ok((Category::Dss, format!("catalog: {}", keys_text(&keys))));
        }
        // A certification adds /Perms with its signature; it never changes them later.
        let perms_added = !od.has(b"Perms") && nd.has(b"Perms");
        if (only(&[b"AcroForm", b"DSS", b"Extensions", b"Metadata"])
            || only(&[b"AcroForm", b"DSS", b"Extensions", b"Metadata", b"Perms"]) && perms_added)
            && sig_revision
        {
            return Ok((
                Category::Signature,
                format!("catalog: {}", keys_text(&keys)),
            ));
        }
        return other(format!("catalog: {}", keys_text(&keys)));
    }
    // A page: only its annotations may grow.
    if ty == Some(b"Page") {
        if only(&[b"Annots"]) {
            let oa = array_of(file, od.get(b"Annots").ok(), rev.saturating_sub(1))?;
            let na = array_of(file, nd.get(b"Annots").ok(), rev)?;
            let (c, why) = grown_list(file, rev, &oa, &na)?;
            return Ok((c, format!("page /Annots: {why}")));
        }
        return other(format!("page: {}", keys_text(&keys)));
    }
    // The AcroForm.
    if nd.has(b"Fields") && (od.has(b"Fields") || ty.is_none()) && !nd.has(b"FT") {
        if only(&[b"Fields", b"SigFlags", b"DR", b"DA"]) {
            if keys.contains(b"Fields".as_slice()) {
                let of = array_of(file, od.get(b"Fields").ok(), rev.saturating_sub(1))?;
                let nf = array_of(file, nd.get(b"Fields").ok(), rev)?;
                let (c, why) = grown_list(file, rev, &of, &nf)?;
                return Ok((c, format!("AcroForm /Fields: {why}")));
            }
            return Ok((
                Category::Signature,
                format!("AcroForm: {}", keys_text(&keys)),
            ));
        }
        if only(&[b"NeedAppearances", b"DR", b"DA"]) {
            return Ok((
                Category::FormFill,
                format!("AcroForm: {}", keys_text(&keys)),
            ));
        }
        return other(format!("AcroForm: {}", keys_text(&keys)));
    }
    // A signature field being signed (an empty field gets its value).
    if is_sig_field(nd) || is_sig_field(od) {
        if !od.has(b"V")
            && nd.has(b"V")
            && only(&[
                b"V", b"AP", b"F", b"Rect", b"P", b"Type", b"Subtype", b"FT", b"T", b"MK", b"DA",
            ])
        {
            return Ok((Category::Signature, "signature field signed".into()));
        }
        return other(format!("signature field: {}", keys_text(&keys)));
    }
    // A form field's value and appearance (or a widget's state).
    if nd.has(b"FT")
        || name_of(nd, b"Subtype") == Some(b"Widget")
        || nd.has(b"Parent") && nd.has(b"AS")
    {
        if only(&[b"V", b"AS", b"AP", b"MK"]) {
            return Ok((Category::FormFill, format!("field: {}", keys_text(&keys))));
        }
        return other(format!("field: {}", keys_text(&keys)));
    }
    // An annotation (not a widget) edited.
    if ty == Some(b"Annot") || nd.has(b"Subtype") && nd.has(b"Rect") {
        return Ok((
            Category::Annotation,
            format!("annotation: {}", keys_text(&keys)),
        ));
    }
    // A DSS or VRI grown.
    if nd.has(b"VRI")
        || only(&[b"Certs", b"CRLs", b"OCSPs", b"VRI"])
            && (od.has(b"Certs") || od.has(b"CRLs") || od.has(b"OCSPs"))
    {
        return Ok((Category::Dss, format!("DSS: {}", keys_text(&keys))));
    }
    other(format!(
        "{}{}",
        ty.map(|t| format!("/{} ", String::from_utf8_lossy(t)))
            .unwrap_or_default(),
        keys_text(&keys)
    ))
}

/// A list (annotations, fields) that may only grow: what was added decides.
fn grown_list(
    file: &PdfFile<'_>,
    rev: usize,
    old: &[Object],
    new: &[Object],
) -> Result<(Category, String), PdfError> {
    if !old.iter().all(|o| new.contains(o)) {
        return Ok((Category::Other, "entries removed".into()));
    }
    let added: Vec<&Object> = new.iter().filter(|o| !old.contains(o)).collect();
    let mut worst = Category::Signature;
    let mut kinds = Vec::new();
    for a in added.iter().take(1000) {
        let Object::Dictionary(d) = file.resolve(a, rev)? else {
            return Ok((Category::Other, "a non-dictionary entry added".into()));
        };
        let c = if is_sig_field(&d) {
            Category::Signature
        } else if name_of(&d, b"Subtype") == Some(b"Widget") || d.has(b"FT") {
            Category::Other
        } else {
            Category::Annotation
        };
        kinds.push(match c {
            Category::Signature => "signature field".to_string(),
            Category::Annotation => format!(
                "/{} annotation",
                name_of(&d, b"Subtype")
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .unwrap_or_default()
            ),
            _ => "form field".to_string(),
        });
        worst = worst.max(c);
    }
    let what = if kinds.is_empty() {
        "reordered".to_string()
    } else {
        format!("added {}", kinds.join(", "))
    };
    Ok((worst, what))
}
