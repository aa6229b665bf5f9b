//! What a change no rule allows is, in the reader's terms: a page's content
//! replaced or drawn over, a font's encoding (`/Differences`) or ToUnicode
//! map redefined, an XObject re-pointed or rewritten, optional content
//! (layers) switched, the page tree or the catalog changed.
//!
//! Decided from the object's own type and keys, from the changed entries of
//! a page, a resource dictionary or the catalog, and otherwise from where
//! the signed revision (or this update) refers to it.

use super::{Analysis, Category, changed_keys, dict_of, keys_text, name_of, refs_with_keys, same};
use crate::pdf::PdfError;
use crate::pdf::xref::find;
use lopdf::{Dictionary, Object};

/// What an object referred to under `key` is.
pub(super) fn role_of_key(key: &[u8]) -> Category {
    match key {
        b"Contents" => Category::PageContent,
        b"Font" | b"DescendantFonts" | b"FontDescriptor" | b"FontFile" | b"FontFile2"
        | b"FontFile3" | b"ToUnicode" | b"Encoding" | b"CharProcs" | b"Differences" => {
            Category::Font
        }
        b"XObject" => Category::XObject,
        b"Properties" | b"OCProperties" | b"OCGs" | b"OC" | b"ON" | b"OFF" | b"Order" | b"D"
        | b"Configs" | b"AS" => Category::OptionalContent,
        b"Annots" | b"Popup" | b"IRT" => Category::Annotation,
        b"Kids" | b"Pages" | b"Parent" => Category::PageTree,
        b"AcroForm" | b"Fields" => Category::FormStructure,
        b"Root" => Category::Catalog,
        b"Info" | b"Metadata" => Category::Metadata,
        b"DSS" | b"VRI" | b"Certs" | b"CRLs" | b"OCSPs" => Category::Dss,
        b"Resources" | b"ExtGState" | b"ColorSpace" | b"Pattern" | b"Shading" => Category::Page,
        _ => Category::Other,
    }
}

fn type_of(d: &Dictionary) -> Option<String> {
    name_of(d, b"Type").map(|t| String::from_utf8_lossy(t).into_owned())
}

/// A category and words for object `n`, which no rule explained.
pub(super) fn describe(a: &Analysis<'_, '_>, n: u32) -> Result<(Category, String), PdfError> {
    let new = a.new_obj(n)?;
    if a.is_new(n) {
        return added(a, n, &new);
    }
    let old = a.old_obj(n)?;
    if let (Some(od), Some(nd)) = (dict_of(&old), dict_of(&new))
        && let Some(c) = by_shape(a, n, od, nd, &new)?
    {
        return Ok(c);
    }
    // Otherwise by where the signed revision used it.
    let stream = matches!(new, Object::Stream(_));
    let what = if stream {
        "stream rewritten"
    } else {
        "object changed"
    };
    if let Some(u) = a.graph.usages(n).first() {
        let cat = role_of_key(&u.key);
        return Ok((
            cat,
            format!(
                "{what} (used by object {} under /{})",
                u.from,
                String::from_utf8_lossy(&u.key)
            ),
        ));
    }
    Ok((Category::Other, what.to_string()))
}

/// An existing dictionary or stream, by its type and what changed in it.
fn by_shape(
    a: &Analysis<'_, '_>,
    n: u32,
    od: &Dictionary,
    nd: &Dictionary,
    new: &Object,
) -> Result<Option<(Category, String)>, PdfError> {
    let keys = changed_keys(od, nd, &[]);
    let ty = type_of(nd);
    let kt = keys_text(&keys);
    Ok(Some(match ty.as_deref() {
        Some("Page") => page(a, od, nd, &keys)?,
        Some("Pages") => (Category::PageTree, format!("page tree: {kt}")),
        Some("Catalog") => catalog(&keys),
        Some("Font") | Some("FontDescriptor") | Some("Encoding") => {
            (Category::Font, font_detail(od, nd, &kt))
        }
        Some("OCG") | Some("OCMD") => (
            Category::OptionalContent,
            format!("optional content group: {kt}"),
        ),
        Some("XObject") => (
            Category::XObject,
            xobject_detail(nd, matches!(new, Object::Stream(_)), &kt),
        ),
        Some("Annot") if name_of(nd, b"Subtype") == Some(b"Widget") => {
            (Category::FormStructure, format!("a form widget: {kt}"))
        }
        _ if nd.has(b"Differences") || nd.has(b"BaseEncoding") => {
            (Category::Font, format!("a font encoding: {kt}"))
        }
        _ if nd.has(b"OCGs") || nd.has(b"ON") || nd.has(b"OFF") => (
            Category::OptionalContent,
            format!("what layers are shown: {kt}"),
        ),
        _ if matches!(name_of(nd, b"Subtype"), Some(b"Form") | Some(b"Image")) => (
            Category::XObject,
            xobject_detail(nd, matches!(new, Object::Stream(_)), &kt),
        ),
        _ if is_resources(od) || is_resources(nd) => resources(a, od, nd)?,
        _ if matches!(new, Object::Stream(_)) && is_cmap(a, n)? => (
            Category::Font,
            "a ToUnicode map rewritten (what the text copies and searches as)".into(),
        ),
        _ if nd.has(b"FT") || nd.has(b"Kids") && nd.has(b"T") => {
            (Category::FormStructure, format!("a form field: {kt}"))
        }
        _ => return Ok(None),
    }))
}

fn font_detail(od: &Dictionary, nd: &Dictionary, kt: &str) -> String {
    let mut parts = Vec::new();
    for (k, what) in [
        (
            &b"Encoding"[..],
            "its encoding (/Differences: which glyph a code shows)",
        ),
        (
            b"Differences",
            "its /Differences (which glyph a code shows)",
        ),
        (b"ToUnicode", "its ToUnicode map"),
        (b"FontFile2", "its embedded font program"),
        (b"FontFile", "its embedded font program"),
        (b"FontFile3", "its embedded font program"),
        (b"Widths", "its widths"),
    ] {
        if od
            .get(k)
            .ok()
            .is_none_or(|x| nd.get(k).ok().is_none_or(|y| !same(x, y)))
            && (od.has(k) || nd.has(k))
        {
            parts.push(what);
        }
    }
    if parts.is_empty() {
        format!("a font redefined: {kt}")
    } else {
        format!("a font redefined: {}", parts.join(", "))
    }
}

fn xobject_detail(nd: &Dictionary, stream: bool, kt: &str) -> String {
    let sub = String::from_utf8_lossy(name_of(nd, b"Subtype").unwrap_or(b"XObject")).into_owned();
    if stream {
        format!("a /{sub} XObject rewritten ({kt})")
    } else {
        format!("a /{sub} XObject changed: {kt}")
    }
}

fn is_resources(d: &Dictionary) -> bool {
    !d.has(b"Type")
        && [
            &b"Font"[..],
            b"XObject",
            b"ExtGState",
            b"ProcSet",
            b"Properties",
            b"ColorSpace",
        ]
        .iter()
        .any(|k| d.has(k))
}

/// A CMap (a ToUnicode map), by its first bytes.
fn is_cmap(a: &Analysis<'_, '_>, n: u32) -> Result<bool, PdfError> {
    let Some((_, Some((off, ind)))) = a.file.indirect((n, 0), a.new)? else {
        return Ok(false);
    };
    let data = a
        .file
        .stream_data(off, &ind, Some(1 << 20))
        .unwrap_or_default();
    Ok(find(&data, b"begincmap").is_some())
}

/// A page: content replaced or added over it, its resources, its geometry.
fn page(
    a: &Analysis<'_, '_>,
    od: &Dictionary,
    nd: &Dictionary,
    keys: &[Vec<u8>],
) -> Result<(Category, String), PdfError> {
    if keys.iter().any(|k| k == b"Contents") {
        let list = |d: &Dictionary, rev: usize| -> Result<Vec<Object>, PdfError> {
            Ok(match d.get(b"Contents") {
                Ok(Object::Array(x)) => x.clone(),
                Ok(Object::Reference(r)) => match a.file.object(*r, rev)? {
                    Object::Array(x) => x,
                    _ => vec![Object::Reference(*r)],
                },
                _ => Vec::new(),
            })
        };
        let (o, n) = (list(od, a.old)?, list(nd, a.new)?);
        let kept = o.iter().all(|x| n.iter().any(|y| same(x, y)));
        return Ok(if kept && n.len() > o.len() {
            (
                Category::Overlay,
                format!(
                    "{} content stream(s) added over the page",
                    n.len() - o.len()
                ),
            )
        } else {
            (
                Category::PageContent,
                "the page's content streams replaced".into(),
            )
        });
    }
    if keys.iter().any(|k| k == b"Resources") {
        let res = |d: &Dictionary, rev: usize| -> Result<Dictionary, PdfError> {
            Ok(match d.get(b"Resources") {
                Ok(x) => match a.file.resolve(x, rev)? {
                    Object::Dictionary(r) => r,
                    _ => Dictionary::new(),
                },
                Err(_) => Dictionary::new(),
            })
        };
        let (cat, detail) = resources(a, &res(od, a.old)?, &res(nd, a.new)?)?;
        return Ok((cat, format!("the page's {detail}")));
    }
    if keys.iter().any(|k| k == b"Kids" || k == b"Parent") {
        return Ok((Category::PageTree, format!("page: {}", keys_text(keys))));
    }
    Ok((Category::Page, format!("page: {}", keys_text(keys))))
}

/// A resource dictionary: which named font, XObject or layer now names
/// another object.
fn resources(
    a: &Analysis<'_, '_>,
    od: &Dictionary,
    nd: &Dictionary,
) -> Result<(Category, String), PdfError> {
    for (key, cat) in [
        (&b"XObject"[..], Category::XObject),
        (b"Font", Category::Font),
        (b"Properties", Category::OptionalContent),
    ] {
        let sub = |d: &Dictionary, rev: usize| -> Result<Dictionary, PdfError> {
            Ok(match d.get(key) {
                Ok(x) => match a.file.resolve(x, rev)? {
                    Object::Dictionary(s) => s,
                    _ => Dictionary::new(),
                },
                Err(_) => Dictionary::new(),
            })
        };
        let (o, n) = (sub(od, a.old)?, sub(nd, a.new)?);
        let changed = changed_keys(&o, &n, &[]);
        if !changed.is_empty() {
            let name = String::from_utf8_lossy(&changed[0]).into_owned();
            let show = |d: &Dictionary| match d.get(&changed[0]) {
                Ok(Object::Reference((n, g))) => format!("{n} {g} R"),
                Ok(_) => "a direct object".to_string(),
                Err(_) => "nothing".to_string(),
            };
            return Ok((
                cat,
                format!(
                    "resources: /{} /{name} re-pointed from {} to {}",
                    String::from_utf8_lossy(key),
                    show(&o),
                    show(&n)
                ),
            ));
        }
    }
    Ok((
        Category::Page,
        format!("resources: {}", keys_text(&changed_keys(od, nd, &[]))),
    ))
}

fn catalog(keys: &[Vec<u8>]) -> (Category, String) {
    let has = |k: &[u8]| keys.iter().any(|x| x == k);
    let cat = if has(b"OCProperties") {
        Category::OptionalContent
    } else if has(b"Pages") {
        Category::PageTree
    } else if has(b"Perms") || has(b"AcroForm") {
        Category::FormStructure
    } else {
        Category::Catalog
    };
    (cat, format!("catalog: {}", keys_text(keys)))
}

/// A new object no rule explained: by its type, else by what refers to it.
fn added(a: &Analysis<'_, '_>, n: u32, new: &Object) -> Result<(Category, String), PdfError> {
    if let Some(d) = dict_of(new) {
        let ty = type_of(d);
        let shaped = match ty.as_deref() {
            Some("Page") => Some((Category::PageTree, "a new page".to_string())),
            Some("Pages") => Some((Category::PageTree, "a new page tree node".to_string())),
            Some("Catalog") => Some((Category::Trailer, "a new catalog".to_string())),
            Some("Font") | Some("FontDescriptor") | Some("Encoding") => {
                Some((Category::Font, "a new font".to_string()))
            }
            Some("OCG") | Some("OCMD") => Some((
                Category::OptionalContent,
                "a new optional content group".to_string(),
            )),
            Some("Annot") => Some((Category::Annotation, "a new annotation".to_string())),
            _ if matches!(name_of(d, b"Subtype"), Some(b"Form") | Some(b"Image")) => {
                Some((Category::XObject, "a new XObject".to_string()))
            }
            _ => None,
        };
        if let Some(s) = shaped {
            return Ok(s);
        }
    }
    // Who in this update refers to it, and under which key.
    for w in a.written.keys().take(100_000) {
        if *w == n {
            continue;
        }
        let o = a.new_obj(*w)?;
        let mut r = Vec::new();
        refs_with_keys(&o, b"", &mut r, 0);
        if let Some((_, key)) = r.iter().find(|(t, _)| *t == n) {
            let mut cat = role_of_key(key);
            if cat == Category::PageContent {
                cat = Category::Overlay;
            }
            return Ok((
                cat,
                format!(
                    "a new object under /{} of object {w}",
                    String::from_utf8_lossy(key)
                ),
            ));
        }
    }
    let stream = matches!(new, Object::Stream(_));
    Ok((
        Category::Other,
        if stream {
            "a new stream"
        } else {
            "a new object"
        }
        .to_string(),
    ))
}
