//! A DSS revision: the validation data as streams in the catalog's `/DSS`
//! (`/Certs`, `/CRLs`, `/OCSPs`), merged with what the file already holds
//! (nothing stored twice), and a `/VRI` entry for every signature and
//! document time-stamp that has none: its key is the uppercase hex SHA-1 of
//! the signature's `/Contents`, its value the streams that validate it, and
//! `/TU`, when they were gathered.
//!
//! Owns the bytes of that one revision; the ISO 32000 extension (`/ESIC`,
//! level 5) is declared in the catalog as PAdES asks.

use super::signatures;
use crate::pdf::PdfError;
use crate::pdf::sign::{Ltv, pdf_date};
use crate::pdf::update::{Update, declare_pades_extension};
use crate::pdf::xref::{Entry, PdfFile, Source};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// Largest stored item read back to compare (bytes).
const MAX_ITEM: usize = 4 * 1024 * 1024;
/// Most items of one kind kept in a DSS.
const MAX_ITEMS: usize = 5000;

/// The update that adds `data` to the file's DSS, with `/VRI` entries for
/// the signatures that have none; `time` is written as each entry's `/TU`.
pub fn append_dss(src: &dyn Source, data: &Ltv, time: i64) -> Result<Vec<u8>, PdfError> {
    let file = PdfFile::open(src)?;
    let last = file.revisions.len() - 1;
    let mut u = Update::for_file(&file)?;
    let (root, mut catalog) = file.catalog(last)?;
    let (dss_id, mut dss) = match catalog.get(b"DSS") {
        Ok(Object::Reference(id)) => match file.object(*id, last)? {
            Object::Dictionary(d) => (Some(*id), d),
            _ => (Some(*id), Dictionary::new()),
        },
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let stream_dict = Dictionary::new();
    let mut refs_of_kind: Vec<Vec<Object>> = Vec::new();
    for (key, items) in [
        (&b"Certs"[..], &data.certs),
        (b"CRLs", &data.crls),
        (b"OCSPs", &data.ocsps),
    ] {
        let mut arr = match dss.get(key) {
            Ok(o) => match file.resolve(o, last)? {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        let existing = stored(&file, &arr, last)?;
        let mut mine = Vec::new();
        for item in items {
            if let Some((r, _)) = existing.iter().find(|(_, d)| d == item) {
                mine.push(r.clone());
                continue;
            }
            if arr.len() >= MAX_ITEMS {
                break;
            }
            let id = u.alloc();
            u.stream(id, &stream_dict, item);
            arr.push(Object::Reference(id));
            mine.push(Object::Reference(id));
        }
        if !arr.is_empty() {
            dss.set(key, Object::Array(arr));
        }
        refs_of_kind.push(mine);
    }
    // /VRI for every signature without one.
    let mut vri = match dss.get(b"VRI") {
        Ok(o) => match file.resolve(o, last)? {
            Object::Dictionary(d) => d,
            _ => Dictionary::new(),
        },
        Err(_) => Dictionary::new(),
    };
    for s in signatures(&file)? {
        let key = s.vri_key();
        if vri.has(key.as_bytes()) {
            continue;
        }
        let mut entry = Dictionary::new();
        for (k, refs) in [&b"Cert"[..], b"CRL", b"OCSP"].iter().zip(&refs_of_kind) {
            if !refs.is_empty() {
                entry.set(*k, Object::Array(refs.clone()));
            }
        }
        entry.set(
            "TU",
            Object::String(pdf_date(time).into_bytes(), StringFormat::Literal),
        );
        vri.set(key.into_bytes(), Object::Dictionary(entry));
    }
    if !vri.is_empty() {
        let vri_id = u.alloc();
        u.object(vri_id, &Object::Dictionary(vri));
        dss.set("VRI", Object::Reference(vri_id));
    }
    dss.set("Type", Object::Name(b"DSS".to_vec()));
    let dss_id = match dss_id {
        Some(id) => id,
        None => u.alloc(),
    };
    u.object(dss_id, &Object::Dictionary(dss));
    let mut catalog_changed = false;
    if catalog.get(b"DSS").ok() != Some(&Object::Reference(dss_id)) {
        catalog.set("DSS", Object::Reference(dss_id));
        catalog_changed = true;
    }
    let ext = match catalog.get(b"Extensions") {
        Ok(o) => match file.resolve(o, last)? {
            Object::Dictionary(d) => d,
            _ => Dictionary::new(),
        },
        Err(_) => Dictionary::new(),
    };
    catalog_changed |= declare_pades_extension(&mut catalog, ext);
    if catalog_changed {
        u.object(root, &Object::Dictionary(catalog));
    }
    u.finish_file(&file)?;
    Ok(u.bytes)
}

/// The streams a DSS array already holds: (reference, data).
fn stored(
    file: &PdfFile<'_>,
    arr: &[Object],
    rev: usize,
) -> Result<Vec<(Object, Vec<u8>)>, PdfError> {
    let mut out = Vec::new();
    for it in arr.iter().take(MAX_ITEMS) {
        let Object::Reference(id) = it else { continue };
        let id: ObjectId = *id;
        let Some((_, Entry::InFile { offset, .. })) = file.lookup(id.0, rev) else {
            continue;
        };
        let ind = file.indirect_at(offset)?;
        if let Ok(data) = file.stream_data(offset, &ind, Some(MAX_ITEM)) {
            out.push((it.clone(), data));
        }
    }
    Ok(out)
}
