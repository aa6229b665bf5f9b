//! The rules outside the form: the trailer and the catalog, the document
//! information and XMP metadata, cross-reference and object streams, the
//! DSS and its VRI, objects rewritten unchanged and objects nothing refers
//! to (pyHanko's `CatalogModificationRule`, `DocInfoRule`,
//! `MetadataUpdateRule`, `XrefStreamRule`, `ObjectStreamRule`,
//! `DSSCompareRule`, and its orphan and identical-object handling).

use super::form::catalog;
use super::{
    Analysis, Category, Level, as_ref, changed_keys, dict_of, keys_text, name_of, ref_of, refs,
    same,
};
use crate::pdf::PdfError;
use crate::pdf::xref::{PdfFile, find};
use lopdf::{Dictionary, Object};
use std::collections::BTreeSet;

/// Catalog keys signing may change (each checked by its own rule).
const CATALOG_KEYS: [&[u8]; 6] = [
    b"AcroForm",
    b"DSS",
    b"Extensions",
    b"Metadata",
    b"MarkInfo",
    b"Version",
];
/// Largest stream compared byte for byte.
const MAX_COMPARED: usize = 16 * 1024 * 1024;

/// Whether an object was rewritten with the same value (a stream: the same
/// dictionary and the same encoded bytes).
pub(super) fn identical(
    file: &PdfFile<'_>,
    n: u32,
    old: &Object,
    new: &Object,
    rev: usize,
) -> Result<bool, PdfError> {
    match (old, new) {
        (Object::Stream(a), Object::Stream(b)) => {
            if !same(
                &Object::Dictionary(a.dict.clone()),
                &Object::Dictionary(b.dict.clone()),
            ) {
                return Ok(false);
            }
            let data = |r: usize| -> Result<Option<Vec<u8>>, PdfError> {
                Ok(match file.indirect((n, 0), r)? {
                    Some((_, Some((off, ind)))) => file.raw_stream(off, &ind, MAX_COMPARED).ok(),
                    _ => None,
                })
            };
            Ok(match (data(rev - 1)?, data(rev)?) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            })
        }
        _ => Ok(same(old, new)),
    }
}

/// The trailer's `/Root`, `/Encrypt` and `/Info`, the catalog, its
/// `/Extensions`, `/MarkInfo` and `/Metadata`.
pub(super) fn trailer_and_catalog(a: &mut Analysis<'_, '_>) -> Result<(), PdfError> {
    let old_t = a.file.revisions[a.old].trailer.clone();
    let new_t = a.file.revisions[a.new].trailer.clone();
    let (old_root, new_root) = (ref_of(&old_t, b"Root"), ref_of(&new_t, b"Root"));
    if old_root != new_root {
        a.refuse(
            new_root.map(|r| r.0).unwrap_or(0),
            Category::Trailer,
            "the trailer's /Root points at another catalog",
        );
    }
    if old_t.get(b"Encrypt").ok() != new_t.get(b"Encrypt").ok() {
        a.refuse(0, Category::Trailer, "the trailer's /Encrypt changed");
    }
    // The document information: kept, rewritten, or a new object; never
    // another existing object, never dropped.
    match (ref_of(&old_t, b"Info"), ref_of(&new_t, b"Info")) {
        (_, Some(info)) => {
            if a.safe_ref(ref_of(&old_t, b"Info"), info, "the trailer's /Info")
                && a.written(info.0)
                && matches!(a.new_obj(info.0)?, Object::Dictionary(_))
            {
                a.allow_plain(
                    info.0,
                    Level::Lta,
                    Category::Metadata,
                    "the document information",
                );
            }
        }
        (Some(_), None) => a.refuse(0, Category::Trailer, "the trailer's /Info removed"),
        (None, None) => {}
    }
    let (root, new_cat) = catalog(a, a.new)?;
    let (_, old_cat) = catalog(a, a.old)?;
    if root == 0 || !a.written(root) || new_root != old_root {
        return Ok(());
    }
    let keys = changed_keys(&old_cat, &new_cat, &CATALOG_KEYS);
    if !keys.is_empty() {
        // Described as what it is (page tree, optional content, actions).
        return Ok(());
    }
    let all = changed_keys(&old_cat, &new_cat, &[]);
    a.allow_plain(
        root,
        Level::Lta,
        Category::Catalog,
        format!("catalog: {}", keys_text(&all)),
    );
    for key in [&b"Extensions"[..], b"MarkInfo"] {
        if let Some(r) = ref_of(&new_cat, key)
            && a.safe_ref(ref_of(&old_cat, key), r, "a catalog entry")
        {
            a.allow_plain(r.0, Level::Lta, Category::Catalog, "catalog extensions");
        }
    }
    if let Some(m) = ref_of(&new_cat, b"Metadata")
        && a.written(m.0)
        && a.safe_ref(ref_of(&old_cat, b"Metadata"), m, "/Metadata")
    {
        if is_xmp(a, m.0)? {
            a.allow_plain(m.0, Level::Lta, Category::Metadata, "the XMP metadata");
        } else {
            a.refuse(m.0, Category::Metadata, "/Metadata is not an XMP stream");
        }
    }
    if old_cat.has(b"DSS") && !new_cat.has(b"DSS") {
        a.refuse(root, Category::Dss, "the DSS removed");
    }
    Ok(())
}

/// An XMP metadata stream (by its type and its first bytes).
fn is_xmp(a: &Analysis<'_, '_>, n: u32) -> Result<bool, PdfError> {
    let Some((_, Some((off, ind)))) = a.file.indirect((n, 0), a.new)? else {
        return Ok(false);
    };
    let Object::Stream(s) = &ind.object else {
        return Ok(false);
    };
    if name_of(&s.dict, b"Type") != Some(b"Metadata") {
        return Ok(false);
    }
    let data = a
        .file
        .stream_data(off, &ind, Some(MAX_COMPARED))
        .unwrap_or_default();
    Ok(find(&data, b"xmpmeta").is_some() && find(&data, b"<!ENTITY").is_none())
}

/// The revision's cross-reference stream and new object streams.
pub(super) fn structure(a: &mut Analysis<'_, '_>) -> Result<(), PdfError> {
    let sections = a.file.revisions[a.new].sections.clone();
    for off in sections {
        if let Ok(ind) = a.file.indirect_at(off)
            && matches!(ind.object, Object::Stream(_))
            && a.is_new(ind.id.0)
        {
            a.allow_plain(
                ind.id.0,
                Level::Lta,
                Category::Structure,
                "cross-reference stream",
            );
        }
    }
    let written: Vec<u32> = a.written.keys().copied().collect();
    for n in written {
        if !a.is_new(n) {
            continue;
        }
        if let Ok(Object::Stream(s)) = a.new_obj(n)
            && name_of(&s.dict, b"Type") == Some(b"ObjStm")
        {
            a.allow_plain(n, Level::Lta, Category::Structure, "object stream");
        }
    }
    Ok(())
}

/// The DSS: new validation data, old entries kept (pyHanko's `DSSCompareRule`).
pub(super) fn dss(a: &mut Analysis<'_, '_>) -> Result<(), PdfError> {
    let (_, new_cat) = catalog(a, a.new)?;
    let (_, old_cat) = catalog(a, a.old)?;
    let Ok(raw) = new_cat.get(b"DSS") else {
        return Ok(());
    };
    let raw = raw.clone();
    let old_raw = old_cat.get(b"DSS").ok().cloned();
    let mut holder = None;
    if let Object::Reference(r) = &raw {
        if !a.safe_ref(old_raw.as_ref().and_then(as_ref), *r, "/DSS") {
            return Ok(());
        }
        holder = Some(r.0);
    }
    let Object::Dictionary(new) = a.resolve_new(&raw)? else {
        a.refuse(
            holder.unwrap_or(0),
            Category::Dss,
            "/DSS is not a dictionary",
        );
        return Ok(());
    };
    let old = a.old_dict(old_raw.as_ref())?;
    if let Some(h) = holder {
        let unexpected: Vec<Vec<u8>> = new
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| {
                !matches!(
                    k.as_slice(),
                    b"Type" | b"VRI" | b"Certs" | b"CRLs" | b"OCSPs"
                )
            })
            .collect();
        if !unexpected.is_empty() {
            a.refuse(
                h,
                Category::Dss,
                format!("DSS: unexpected {}", keys_text(&unexpected)),
            );
            return Ok(());
        }
        a.allow_plain(h, Level::Lta, Category::Dss, "the DSS");
    }
    for key in [&b"Certs"[..], b"CRLs", b"OCSPs"] {
        stream_list(a, &old, &new, key)?;
    }
    // The VRI: old entries kept as they were, new ones well formed.
    let Ok(vri_raw) = new.get(b"VRI") else {
        return Ok(());
    };
    let vri_raw = vri_raw.clone();
    let old_vri_raw = old.get(b"VRI").ok().cloned();
    if let Object::Reference(r) = &vri_raw {
        if !a.safe_ref(old_vri_raw.as_ref().and_then(as_ref), *r, "/VRI") {
            return Ok(());
        }
        a.allow_plain(r.0, Level::Lta, Category::Dss, "the VRI");
    }
    let Object::Dictionary(vri) = a.resolve_new(&vri_raw)? else {
        a.refuse(
            holder.unwrap_or(0),
            Category::Dss,
            "/VRI is not a dictionary",
        );
        return Ok(());
    };
    let old_vri = a.old_dict(old_vri_raw.as_ref())?;
    for (k, v) in old_vri.iter() {
        if vri.get(k).ok().is_none_or(|x| !same(x, v)) {
            a.refuse(
                holder.unwrap_or(0),
                Category::Dss,
                "a VRI entry changed or removed",
            );
        }
    }
    for (k, v) in vri.iter().take(10_000) {
        if old_vri.has(k) {
            continue;
        }
        let hex = k.len() == 40
            && k.iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        if !hex {
            a.refuse(
                holder.unwrap_or(0),
                Category::Dss,
                "a VRI key that is not a SHA-1 hash",
            );
            continue;
        }
        if let Object::Reference(r) = v {
            if !a.is_new(r.0) {
                a.refuse(r.0, Category::Dss, "a VRI entry reuses an existing object");
                continue;
            }
            a.allow_plain(r.0, Level::Lta, Category::Dss, "a VRI entry");
        }
        let Object::Dictionary(e) = a.resolve_new(v)? else {
            a.refuse(
                holder.unwrap_or(0),
                Category::Dss,
                "a VRI entry is not a dictionary",
            );
            continue;
        };
        let bad: Vec<Vec<u8>> = e
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| {
                !matches!(
                    k.as_slice(),
                    b"Type" | b"TU" | b"TS" | b"Cert" | b"CRL" | b"OCSP"
                )
            })
            .collect();
        if !bad.is_empty() {
            a.refuse(
                holder.unwrap_or(0),
                Category::Dss,
                format!("VRI: unexpected {}", keys_text(&bad)),
            );
        }
        for key in [&b"Cert"[..], b"CRL", b"OCSP"] {
            stream_list(a, &Dictionary::new(), &e, key)?;
        }
        if let Some(ts) = ref_of(&e, b"TS")
            && a.is_new(ts.0)
        {
            a.allow_plain(ts.0, Level::Lta, Category::Dss, "a VRI time-stamp");
        }
    }
    Ok(())
}

/// A DSS or VRI list of streams: new streams only, the list itself new or kept.
fn stream_list(
    a: &mut Analysis<'_, '_>,
    old: &Dictionary,
    new: &Dictionary,
    key: &[u8],
) -> Result<(), PdfError> {
    let Ok(v) = new.get(key) else { return Ok(()) };
    let v = v.clone();
    if let Object::Reference(r) = &v {
        if !a.safe_ref(old.get(key).ok().and_then(as_ref), *r, "a DSS list") {
            return Ok(());
        }
        a.allow_plain(r.0, Level::Lta, Category::Dss, "a DSS list");
    }
    let Object::Array(items) = a.resolve_new(&v)? else {
        a.refuse(0, Category::Dss, "a DSS list is not an array");
        return Ok(());
    };
    for it in items.iter().take(100_000) {
        let Object::Reference(r) = it else {
            a.refuse(0, Category::Dss, "a DSS list holds a direct object");
            continue;
        };
        if !a.written(r.0) {
            continue;
        }
        if !a.is_new(r.0) {
            a.refuse(
                r.0,
                Category::Dss,
                "an existing object rewritten as validation data",
            );
            continue;
        }
        match a.new_obj(r.0)? {
            Object::Stream(_) => a.allow_plain(r.0, Level::Lta, Category::Dss, "validation data"),
            _ => a.refuse(r.0, Category::Dss, "validation data that is not a stream"),
        }
    }
    Ok(())
}

/// New objects nothing in the new revision refers to (through the trailer,
/// the objects it changed, or other new objects).
pub(super) fn orphans(a: &mut Analysis<'_, '_>) -> Result<(), PdfError> {
    let candidates: BTreeSet<u32> = a
        .written
        .keys()
        .copied()
        .filter(|n| a.is_new(*n) && !a.ok.contains_key(n) && !a.bad.contains_key(n))
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let mut todo = Vec::new();
    refs(
        &Object::Dictionary(a.file.revisions[a.new].trailer.clone()),
        &mut todo,
    );
    let written: Vec<u32> = a.written.keys().copied().collect();
    for n in &written {
        if !a.is_new(*n) {
            refs(&a.new_obj(*n)?, &mut todo);
        }
    }
    let mut reached = BTreeSet::new();
    while let Some(n) = todo.pop() {
        if !a.written(n) || !a.is_new(n) || !reached.insert(n) || reached.len() > 100_000 {
            continue;
        }
        refs(&a.new_obj(n)?, &mut todo);
    }
    for n in candidates.difference(&reached) {
        let what = match a.new_obj(*n)? {
            o if dict_of(&o).and_then(|d| name_of(d, b"Type")).is_some() => format!(
                "a new /{} nothing refers to",
                String::from_utf8_lossy(
                    dict_of(&o)
                        .and_then(|d| name_of(d, b"Type"))
                        .unwrap_or_default()
                )
            ),
            _ => "a new object nothing refers to".to_string(),
        };
        a.allow_plain(*n, Level::Lta, Category::Unused, what);
    }
    Ok(())
}
