//! The pages' annotation lists and the annotations themselves: a page's
//! `/Annots` grown by the widgets of new signature fields (signing) or by
//! annotations (comments: DocMDP P=3), annotations changed or removed, and
//! form widgets, which only the form's rules may add or remove.

use super::form::NewWidgets;
use super::{Analysis, Category, Level, changed_keys, dict_of, keys_text, name_of, ref_of, same};
use crate::pdf::PdfError;
use lopdf::{Dictionary, Object};

/// Pages whose `/Annots` grew by new signature widgets or annotations, and
/// annotations changed.
pub(super) fn pages(a: &mut Analysis<'_, '_>, widgets: &NewWidgets) -> Result<(), PdfError> {
    let written: Vec<u32> = a.written.keys().copied().collect();
    for n in written {
        if a.is_new(n) || a.bad.contains_key(&n) {
            continue;
        }
        let (old, new) = (a.old_obj(n)?, a.new_obj(n)?);
        match (&old, &new) {
            (Object::Dictionary(od), Object::Dictionary(nd))
                if name_of(nd, b"Type") == Some(b"Page")
                    && name_of(od, b"Type") == Some(b"Page") =>
            {
                page(a, n, od, nd, widgets)?;
            }
            (Object::Array(oa), Object::Array(na)) => {
                let pages: Vec<u32> = a
                    .graph
                    .usages(n)
                    .iter()
                    .filter(|u| u.key == b"Annots")
                    .map(|u| u.from)
                    .collect();
                if pages.is_empty() || a.ok.contains_key(&n) {
                    continue;
                }
                if let Some((level, cat, field, detail)) = annots(a, n, oa, na, widgets)? {
                    a.allow(n, level, cat, field.as_deref(), true, true, detail);
                    a.only_used_by(n, &pages);
                }
            }
            (Object::Dictionary(od), Object::Dictionary(nd))
                if is_annotation(od) && is_annotation(nd) =>
            {
                if a.ok.contains_key(&n) {
                    continue;
                }
                let keys = changed_keys(od, nd, &[]);
                a.allow(
                    n,
                    Level::Annotations,
                    Category::Annotation,
                    None,
                    true,
                    true,
                    format!(
                        "a /{} annotation changed: {}",
                        String::from_utf8_lossy(name_of(nd, b"Subtype").unwrap_or_default()),
                        keys_text(&keys)
                    ),
                );
                let holders: Vec<u32> = a
                    .graph
                    .usages(n)
                    .iter()
                    .filter(|u| {
                        matches!(u.key.as_slice(), b"Annots" | b"Popup" | b"Parent" | b"IRT")
                    })
                    .map(|u| u.from)
                    .collect();
                a.only_used_by(n, &holders);
                a.allow_deps(
                    &new,
                    Level::Annotations,
                    Category::Annotation,
                    None,
                    "part of an annotation",
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_annotation(d: &Dictionary) -> bool {
    d.has(b"Subtype")
        && d.has(b"Rect")
        && name_of(d, b"Subtype") != Some(b"Widget")
        && !d.has(b"FT")
        && (name_of(d, b"Type").is_none() || name_of(d, b"Type") == Some(b"Annot"))
}

fn page(
    a: &mut Analysis<'_, '_>,
    n: u32,
    od: &Dictionary,
    nd: &Dictionary,
    widgets: &NewWidgets,
) -> Result<(), PdfError> {
    if !changed_keys(od, nd, &[b"Annots"]).is_empty() {
        return Ok(()); // described as what it is
    }
    let list =
        |a: &Analysis<'_, '_>, d: &Dictionary, rev: usize| -> Result<Vec<Object>, PdfError> {
            Ok(match d.get(b"Annots") {
                Ok(x) => match a.file.resolve(x, rev)? {
                    Object::Array(v) => v,
                    _ => Vec::new(),
                },
                Err(_) => Vec::new(),
            })
        };
    let (oa, na) = (list(a, od, a.old)?, list(a, nd, a.new)?);
    if let Ok(Object::Reference(r)) = nd.get(b"Annots") {
        let before = ref_of(od, b"Annots");
        if !a.safe_ref(before, *r, "the page's /Annots") {
            return Ok(());
        }
    }
    if let Some((level, cat, field, detail)) = annots(a, n, &oa, &na, widgets)? {
        // The page, and the list when it is an object of its own.
        let list_object = ref_of(nd, b"Annots").map(|r| r.0);
        for m in std::iter::once(n).chain(list_object) {
            a.allow(
                m,
                level,
                cat,
                field.as_deref(),
                true,
                true,
                format!("page /Annots: {detail}"),
            );
        }
    }
    Ok(())
}

type Judged = Option<(Level, Category, Option<String>, String)>;

/// What a page's annotation list gained and lost.
fn annots(
    a: &mut Analysis<'_, '_>,
    holder: u32,
    old: &[Object],
    new: &[Object],
    widgets: &NewWidgets,
) -> Result<Judged, PdfError> {
    let has = |list: &[Object], x: &Object| list.iter().any(|y| same(x, y));
    let mut level = Level::Lta;
    let mut category = Category::SignatureField;
    let mut field = None;
    let mut what = Vec::new();
    for x in old.iter().filter(|x| !has(new, x)).take(1000) {
        let d = a.resolve_old(x)?;
        let Some(d) = dict_of(&d) else { continue };
        if name_of(d, b"Subtype") == Some(b"Widget") || d.has(b"FT") {
            a.refuse(
                holder,
                Category::FormStructure,
                "a form widget removed from a page",
            );
            return Ok(None);
        }
        level = level.max(Level::Annotations);
        category = Category::Annotation;
        what.push(format!(
            "removed a /{} annotation",
            String::from_utf8_lossy(name_of(d, b"Subtype").unwrap_or_default())
        ));
    }
    for x in new.iter().filter(|x| !has(old, x)).take(1000) {
        if let Object::Reference(r) = x
            && let Some((name, l)) = widgets.get(&r.0)
        {
            level = level.max(*l);
            field = Some(name.clone());
            what.push(format!("added the widget of {name:?}"));
            continue;
        }
        let obj = a.resolve_new(x)?;
        let Some(d) = dict_of(&obj) else {
            a.refuse(
                holder,
                Category::Annotation,
                "a non-dictionary added to a page's annotations",
            );
            return Ok(None);
        };
        let sub = String::from_utf8_lossy(name_of(d, b"Subtype").unwrap_or_default()).into_owned();
        if sub == "Widget" || d.has(b"FT") {
            a.refuse(
                holder,
                Category::FormStructure,
                "a form widget added to a page (only signature fields may be added)",
            );
            return Ok(None);
        }
        if let Object::Reference(r) = x {
            if !a.is_new(r.0) {
                a.refuse(
                    r.0,
                    Category::Annotation,
                    "an existing object added to a page's annotations",
                );
                return Ok(None);
            }
            a.allow(
                r.0,
                Level::Annotations,
                Category::Annotation,
                None,
                true,
                true,
                format!("a new /{sub} annotation"),
            );
        }
        a.allow_deps(
            &obj,
            Level::Annotations,
            Category::Annotation,
            None,
            "part of a new annotation",
        )?;
        level = level.max(Level::Annotations);
        category = Category::Annotation;
        what.push(format!("added a /{sub} annotation"));
    }
    if level == Level::Annotations {
        field = None;
    }
    let detail = if what.is_empty() {
        "reordered".to_string()
    } else {
        what.join(", ")
    };
    Ok(Some((level, category, field, detail)))
}
