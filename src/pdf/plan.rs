//! What a signature's incremental update must change, read from the file
//! before anything is written: the catalog, the AcroForm and its signature
//! fields, the page and its annotations, where the stamp goes, DocMDP, the
//! document id, the DSS.
//!
//! Owns reading a document's form (signature fields, kids included, bounded)
//! and its certification permission; `update` writes what the plan says.

use super::PdfError;
use super::cos;
use super::sign::{STAMP_HEIGHT, STAMP_WIDTH, SignOptions, StampPlacement};
use super::xref::{PdfFile, XrefKind, int};
use lopdf::{Dictionary, Object, ObjectId};

/// Where the AcroForm lives.
pub(super) enum Form {
    None,
    Inline(Dictionary),
    Indirect(ObjectId, Dictionary),
}

impl Form {
    /// The catalog's AcroForm, its `/Fields` array and that array's own
    /// object when it has one.
    pub(super) fn read(
        file: &PdfFile<'_>,
        catalog: &Dictionary,
        rev: usize,
    ) -> Result<(Form, Vec<Object>, Option<ObjectId>), PdfError> {
        let form = match catalog.get(b"AcroForm") {
            Ok(Object::Reference(id)) => match file.object(*id, rev)? {
                Object::Dictionary(d) => Form::Indirect(*id, d),
                _ => Form::None,
            },
            Ok(Object::Dictionary(d)) => Form::Inline(d.clone()),
            _ => Form::None,
        };
        let fields = match &form {
            Form::Indirect(_, d) | Form::Inline(d) => d.get(b"Fields").ok(),
            Form::None => None,
        };
        let (fields, fields_ref) = match fields {
            Some(Object::Reference(id)) => match file.object(*id, rev)? {
                Object::Array(a) => (a, Some(*id)),
                _ => (Vec::new(), None),
            },
            Some(Object::Array(a)) => (a.clone(), None),
            _ => (Vec::new(), None),
        };
        Ok((form, fields, fields_ref))
    }
}

/// What the update must change, read from the file before anything is written.
pub(super) struct Plan {
    pub(super) next_id: u32,
    pub(super) root: ObjectId,
    pub(super) catalog: Dictionary,
    pub(super) page: (ObjectId, Dictionary),
    pub(super) annots_ref: Option<(ObjectId, Vec<Object>)>,
    pub(super) form: Form,
    pub(super) fields: Vec<Object>,
    pub(super) fields_ref: Option<ObjectId>,
    pub(super) existing_field: Option<(ObjectId, Dictionary)>,
    pub(super) field_name: String,
    pub(super) rect: [f32; 4],
    pub(super) empty_rects: Vec<[f32; 4]>,
    pub(super) document_id: String,
    pub(super) trailer: Dictionary,
    pub(super) kind: XrefKind,
    pub(super) prev: u64,
    pub(super) dss: Option<Dictionary>,
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

impl Plan {
    pub(super) fn new(file: &PdfFile<'_>, opts: &SignOptions<'_>) -> Result<Plan, PdfError> {
        let last = file.revisions.len() - 1;
        let trailer = file.trailer().clone();
        if trailer.has(b"Encrypt") {
            return Err(PdfError::Encrypted);
        }
        let next_id = file.next_object_number()?;
        let (root, catalog) = file.catalog(last)?;
        // The AcroForm and the signature fields already there.
        let (form, fields, fields_ref) = Form::read(file, &catalog, last)?;
        let sig_fields = signature_fields(file, &fields, last)?;
        let signed = sig_fields.iter().filter(|(_, d)| d.has(b"V")).count();
        if opts.certify && signed > 0 {
            return Err(PdfError::Input(
                "a certification signature must be the document's first".into(),
            ));
        }
        if let Some(p) = docmdp_permission(file, &catalog, last)?
            && p == 1
        {
            return Err(PdfError::Input(
                "the document is certified with no changes allowed (DocMDP P=1)".into(),
            ));
        }
        let mut existing_field = None;
        let field_name = match &opts.field {
            Some(name) => {
                if let Some((id, d)) = sig_fields.iter().find(|(_, d)| {
                    d.get(b"T").ok().and_then(cos::text).as_deref() == Some(name.as_str())
                }) {
                    if d.has(b"V") {
                        return Err(PdfError::Input(format!("field {name:?} is already signed")));
                    }
                    existing_field = Some((*id, d.clone()));
                }
                name.clone()
            }
            None => {
                let names: Vec<String> = sig_fields
                    .iter()
                    .filter_map(|(_, d)| d.get(b"T").ok().and_then(cos::text))
                    .collect();
                (1..)
                    .map(|i| format!("Signature{i}"))
                    .find(|n| !names.contains(n))
                    .unwrap_or_default()
            }
        };
        // The page.
        let pages = file.pages(last)?;
        if pages.is_empty() {
            return Err(PdfError::Malformed("the document has no pages".into()));
        }
        let want = opts.stamp.as_ref().and_then(|s| s.page);
        let page_index = match want {
            Some(0) => return Err(PdfError::Input("pages are numbered from 1".into())),
            Some(n) if n > pages.len() => {
                return Err(PdfError::Input(format!(
                    "page {n} asked for, the document has {}",
                    pages.len()
                )));
            }
            Some(n) => n - 1,
            None if opts.stamp.is_some() => pages.len() - 1,
            None => 0,
        };
        let page = match &existing_field {
            Some((_, d)) => match d.get(b"P") {
                Ok(Object::Reference(p)) => match file.object(*p, last)? {
                    Object::Dictionary(pd) => (*p, pd),
                    _ => pages[page_index].clone(),
                },
                _ => pages[page_index].clone(),
            },
            None => pages[page_index].clone(),
        };
        let media_box = media_box(file, &page.1, last)?;
        let (annots, annots_ref) = match page.1.get(b"Annots") {
            Ok(Object::Reference(id)) => match file.object(*id, last)? {
                Object::Array(a) => (a.clone(), Some((*id, a))),
                _ => (Vec::new(), None),
            },
            Ok(Object::Array(a)) => (a.clone(), None),
            _ => (Vec::new(), None),
        };
        let rect = match (&opts.stamp, &existing_field) {
            (None, _) => [0.0; 4],
            (Some(StampPlacement { rect: Some(r), .. }), _) => *r,
            (Some(_), Some((_, d))) => match d.get(b"Rect") {
                Ok(Object::Array(a)) if a.len() == 4 => {
                    let v: Vec<f32> = a.iter().filter_map(num).collect();
                    if v.len() == 4 {
                        [v[0], v[1], v[2], v[3]]
                    } else {
                        [0.0; 4]
                    }
                }
                _ => [0.0; 4],
            },
            (Some(_), None) => {
                let stamps = visible_signatures(file, &annots, last)?;
                let [x0, y0, x1, _] = media_box;
                let width = STAMP_WIDTH.min(x1 - x0 - 80.0).max(40.0);
                let y = y0 + 30.0 + stamps as f32 * (STAMP_HEIGHT + 5.0);
                [x0 + 40.0, y, x0 + 40.0 + width, y + STAMP_HEIGHT]
            }
        };
        if opts.stamp.is_some() {
            let [x1, y1, x2, y2] = rect;
            if !(x2 > x1 && y2 > y1) || rect.iter().any(|v| !v.is_finite()) {
                return Err(PdfError::Input(format!(
                    "stamp rectangle {rect:?}: x2 > x1 and y2 > y1 are needed"
                )));
            }
        }
        // Room for the empty fields: above this stamp, or where a stamp would go.
        let empty_rects = {
            let [x0, y0, x1, _] = media_box;
            let stamps =
                visible_signatures(file, &annots, last)? + usize::from(opts.stamp.is_some());
            let width = STAMP_WIDTH.min(x1 - x0 - 80.0).max(40.0);
            let below = if opts.stamp.is_some() {
                rect[3] + 5.0
            } else {
                y0 + 30.0 + stamps as f32 * (STAMP_HEIGHT + 5.0)
            };
            let x = if opts.stamp.is_some() {
                rect[0]
            } else {
                x0 + 40.0
            };
            let w = if opts.stamp.is_some() {
                rect[2] - rect[0]
            } else {
                width
            };
            (0..opts.add_fields.len())
                .map(|k| {
                    let y = below + k as f32 * (STAMP_HEIGHT + 5.0);
                    [x, y, x + w, y + STAMP_HEIGHT]
                })
                .collect::<Vec<_>>()
        };
        for name in &opts.add_fields {
            let taken = sig_fields.iter().any(|(_, d)| {
                d.get(b"T").ok().and_then(cos::text).as_deref() == Some(name.as_str())
            });
            if taken || *name == field_name {
                return Err(PdfError::Input(format!("a field named {name:?} exists")));
            }
        }
        let document_id = match &opts.document_id {
            Some(id) => id.clone(),
            None => document_id(file, &trailer, last)?,
        };
        let dss = match catalog.get(b"DSS") {
            Ok(Object::Reference(id)) => match file.object(*id, last)? {
                Object::Dictionary(d) => Some(d),
                _ => None,
            },
            Ok(Object::Dictionary(d)) => Some(d.clone()),
            _ => None,
        };
        Ok(Plan {
            next_id,
            root,
            catalog,
            page,
            annots_ref,
            form,
            fields,
            fields_ref,
            existing_field,
            field_name,
            rect,
            empty_rects,
            document_id,
            trailer,
            kind: file.revisions[last].kind,
            prev: file.startxref,
            dss,
        })
    }
}

/// Signature fields of the catalog's AcroForm (none when it has no form).
pub fn form_signature_fields(
    file: &PdfFile<'_>,
    catalog: &Dictionary,
    rev: usize,
) -> Result<Vec<(ObjectId, Dictionary)>, PdfError> {
    let fields = match catalog.get(b"AcroForm") {
        Ok(f) => match file.resolve(f, rev)? {
            Object::Dictionary(d) => match d.get(b"Fields") {
                Ok(x) => match file.resolve(x, rev)? {
                    Object::Array(a) => a,
                    _ => Vec::new(),
                },
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    signature_fields(file, &fields, rev)
}

/// Signature fields reachable from `fields` (kids included, bounded).
pub fn signature_fields(
    file: &PdfFile<'_>,
    fields: &[Object],
    rev: usize,
) -> Result<Vec<(ObjectId, Dictionary)>, PdfError> {
    let mut out = Vec::new();
    let mut todo: Vec<(Object, bool, usize)> =
        fields.iter().rev().map(|f| (f.clone(), false, 0)).collect();
    let mut seen = std::collections::HashSet::new();
    while let Some((f, parent_sig, depth)) = todo.pop() {
        let Object::Reference(id) = f else { continue };
        if depth > 16 || !seen.insert(id) || seen.len() > 10_000 {
            continue;
        }
        let Object::Dictionary(d) = file.object(id, rev)? else {
            continue;
        };
        let is_sig = match d.get(b"FT") {
            Ok(Object::Name(n)) => n == b"Sig",
            _ => parent_sig,
        };
        if let Ok(Object::Array(kids)) = d.get(b"Kids") {
            for k in kids.iter().rev() {
                todo.push((k.clone(), is_sig, depth + 1));
            }
        } else if is_sig {
            out.push((id, d));
        }
    }
    Ok(out)
}

/// How many visible signature widgets `annots` holds.
fn visible_signatures(
    file: &PdfFile<'_>,
    annots: &[Object],
    rev: usize,
) -> Result<usize, PdfError> {
    let mut n = 0;
    for a in annots.iter().take(1000) {
        let Object::Dictionary(d) = file.resolve(a, rev)? else {
            continue;
        };
        let sig = matches!(d.get(b"FT"), Ok(Object::Name(n)) if n == b"Sig");
        let visible = match d.get(b"Rect") {
            Ok(Object::Array(r)) if r.len() == 4 => {
                let v: Vec<f32> = r.iter().filter_map(num).collect();
                v.len() == 4 && (v[2] - v[0]).abs() > 1.0 && (v[3] - v[1]).abs() > 1.0
            }
            _ => false,
        };
        if sig && visible {
            n += 1;
        }
    }
    Ok(n)
}

/// A page's MediaBox (inherited through /Parent), A4 when absent.
fn media_box(file: &PdfFile<'_>, page: &Dictionary, rev: usize) -> Result<[f32; 4], PdfError> {
    let mut d = page.clone();
    for _ in 0..32 {
        if let Ok(b) = d.get(b"MediaBox") {
            if let Object::Array(a) = file.resolve(b, rev)? {
                let v: Vec<f32> = a.iter().filter_map(num).collect();
                if v.len() == 4 {
                    return Ok([
                        v[0].min(v[2]),
                        v[1].min(v[3]),
                        v[0].max(v[2]),
                        v[1].max(v[3]),
                    ]);
                }
            }
            break;
        }
        match d.get(b"Parent") {
            Ok(p @ Object::Reference(_)) => match file.resolve(p, rev)? {
                Object::Dictionary(pd) => d = pd,
                _ => break,
            },
            _ => break,
        }
    }
    Ok([0.0, 0.0, super::render::A4.0, super::render::A4.1])
}

/// The DocMDP permission (P) of a certified document, if it is certified.
pub fn docmdp_permission(
    file: &PdfFile<'_>,
    catalog: &Dictionary,
    rev: usize,
) -> Result<Option<i64>, PdfError> {
    let Ok(perms) = catalog.get(b"Perms") else {
        return Ok(None);
    };
    let Object::Dictionary(perms) = file.resolve(perms, rev)? else {
        return Ok(None);
    };
    let Ok(sig) = perms.get(b"DocMDP") else {
        return Ok(None);
    };
    let Object::Dictionary(sig) = file.resolve(sig, rev)? else {
        return Ok(None);
    };
    Ok(Some(docmdp_of_sig(file, &sig, rev)?.unwrap_or(2)))
}

/// P of a signature dictionary's DocMDP reference, if it has one.
pub fn docmdp_of_sig(
    file: &PdfFile<'_>,
    sig: &Dictionary,
    rev: usize,
) -> Result<Option<i64>, PdfError> {
    let refs = match sig.get(b"Reference") {
        Ok(o) => file.resolve(o, rev)?,
        Err(_) => return Ok(None),
    };
    let Object::Array(refs) = refs else {
        return Ok(None);
    };
    for r in refs.iter().take(16) {
        let Object::Dictionary(r) = file.resolve(r, rev)? else {
            continue;
        };
        if r.get(b"TransformMethod").ok() != Some(&Object::Name(b"DocMDP".to_vec())) {
            continue;
        }
        let p = match r.get(b"TransformParams") {
            Ok(tp) => match file.resolve(tp, rev)? {
                Object::Dictionary(tp) => int(tp.get(b"P").ok()).unwrap_or(2),
                _ => 2,
            },
            Err(_) => 2,
        };
        return Ok(Some(p.clamp(1, 3)));
    }
    Ok(None)
}

/// The document id: the one `render` wrote in /Keywords, else the first /ID.
fn document_id(file: &PdfFile<'_>, trailer: &Dictionary, rev: usize) -> Result<String, PdfError> {
    if let Ok(info) = trailer.get(b"Info")
        && let Object::Dictionary(info) = file.resolve(info, rev)?
        && let Some(k) = info.get(b"Keywords").ok().and_then(cos::text)
        && let Some(id) = k
            .split([',', ';'])
            .find_map(|p| p.trim().strip_prefix("document-id:"))
    {
        return Ok(id.trim().to_string());
    }
    if let Ok(Object::Array(ids)) = trailer.get(b"ID")
        && let Some(Object::String(b, _)) = ids.first()
    {
        return Ok(crate::pki::cert::hex(b).to_lowercase());
    }
    Ok(String::new())
}
