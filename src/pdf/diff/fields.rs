//! The form's fields as a revision lists them: every field under the
//! AcroForm's `/Fields` (kids included), by its fully qualified name, with
//! its type (inherited from a parent) and its widgets. Two fields of one
//! name in the revision analysed are refused; the walk is bounded in depth,
//! fields and kids.

use super::{Analysis, Category, name_of};
use crate::pdf::PdfError;
use crate::pdf::cos;
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::BTreeMap;

/// Most fields listed.
const MAX_FIELDS: usize = 20_000;

/// A field as listed from the AcroForm.
#[derive(Debug, Clone)]
pub(super) struct Field {
    /// The field dictionary's object.
    pub(super) id: ObjectId,
    /// The field dictionary.
    pub(super) dict: Dictionary,
    /// Its type (`/FT`), inherited when not its own.
    pub(super) ft: Option<Vec<u8>>,
    /// Its widgets: kids without `/T`, or the field itself when merged.
    pub(super) widgets: Vec<(ObjectId, Dictionary)>,
}

impl Field {
    /// Whether it is a signature field.
    pub(super) fn is_sig(&self) -> bool {
        self.ft.as_deref() == Some(b"Sig")
    }
}

/// A widget's or merged field's area on the page.
fn area(d: &Dictionary) -> f64 {
    let num = |o: &Object| match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => 0.0,
    };
    match d.get(b"Rect") {
        Ok(Object::Array(r)) if r.len() == 4 => {
            ((num(&r[2]) - num(&r[0])) * (num(&r[3]) - num(&r[1]))).abs()
        }
        _ => 0.0,
    }
}

/// Whether a field has a widget of non-zero area.
pub(super) fn visible(f: &Field) -> bool {
    area(&f.dict) > 0.0 || f.widgets.iter().any(|(_, w)| area(w) > 0.0)
}

/// Lists the fields under `fields` (kids included) as of `rev`.
pub(super) fn list(
    a: &mut Analysis<'_, '_>,
    fields: &Object,
    rev: usize,
) -> Result<BTreeMap<String, Field>, PdfError> {
    let mut out = BTreeMap::new();
    let top = match a.file.resolve(fields, rev)? {
        Object::Array(x) => x,
        _ => Vec::new(),
    };
    let mut todo: Vec<(Object, String, Option<Vec<u8>>, usize)> = top
        .into_iter()
        .rev()
        .map(|f| (f, String::new(), None, 0))
        .collect();
    let mut seen = std::collections::HashSet::new();
    while let Some((f, parent, inherited, depth)) = todo.pop() {
        let Object::Reference(id) = f else { continue };
        if depth > 32 || !seen.insert(id.0) || out.len() > MAX_FIELDS {
            continue;
        }
        let Object::Dictionary(d) = a.file.object(id, rev)? else {
            continue;
        };
        let Some(t) = d.get(b"T").ok().and_then(cos::text) else {
            continue; // a widget, not a field
        };
        let name = if parent.is_empty() {
            t
        } else {
            format!("{parent}.{t}")
        };
        let ft = name_of(&d, b"FT").map(<[u8]>::to_vec).or(inherited);
        let kids = match d.get(b"Kids") {
            Ok(k) => match a.file.resolve(k, rev)? {
                Object::Array(k) => k,
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        let mut widgets = Vec::new();
        for k in kids.iter().take(1000) {
            let Object::Reference(kid) = k else { continue };
            let Object::Dictionary(kd) = a.file.object(*kid, rev)? else {
                continue;
            };
            if kd.has(b"T") {
                todo.push((k.clone(), name.clone(), ft.clone(), depth + 1));
            } else {
                widgets.push((*kid, kd));
            }
        }
        if kids.is_empty() {
            widgets.push((id, d.clone()));
        }
        if out.contains_key(&name) && rev == a.new {
            a.refuse(
                id.0,
                Category::FormStructure,
                format!("two fields named {name:?}"),
            );
            continue;
        }
        out.insert(
            name,
            Field {
                id,
                dict: d,
                ft,
                widgets,
            },
        );
    }
    Ok(out)
}
