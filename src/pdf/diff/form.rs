//! The form and the pages' annotations: which changes to the AcroForm, its
//! fields, their widgets and appearances, and the pages' `/Annots` are
//! signing, form filling or annotating (pyHanko's `FormUpdatingRule`,
//! `SigFieldCreationRule`, `SigFieldModificationRule`,
//! `GenericFieldModificationRule`).
//!
//! Fields are matched by their fully qualified names in the old and the new
//! revision. A new field may only be a signature field; a field may not be
//! removed or change type; a signed field may not change; a field's value
//! keys (`/V`, `/AS`, `/AP`, `/F`, `/DA`, `/Q`, `/Ff`) are what filling
//! changes, and every other key must stay. An appearance stream rewritten in
//! place must be used by its field alone.

use super::{Analysis, Category, Level, changed_keys, dict_of, keys_text, name_of, ref_of, same};
use crate::pdf::PdfError;
use crate::pdf::cos;
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::BTreeMap;

/// Keys filling a field (or signing an empty one) may change.
const VALUE_KEYS: [&[u8]; 8] = [b"AP", b"AS", b"V", b"F", b"DA", b"Q", b"Ff", b"Type"];
/// Keys that may change even on a locked field.
const ALWAYS_MODIFIABLE: [&[u8]; 2] = [b"Ff", b"Type"];
/// Keys of a widget (a field's kid) filling may change.
const WIDGET_KEYS: [&[u8]; 6] = [b"AP", b"AS", b"F", b"DA", b"Q", b"Type"];
/// AcroForm keys signing and filling may change.
const ACROFORM_KEYS: [&[u8]; 6] = [
    b"Fields",
    b"DR",
    b"DA",
    b"Q",
    b"NeedAppearances",
    b"SigFlags",
];
/// Most fields listed.
const MAX_FIELDS: usize = 20_000;

/// A field as listed from the AcroForm.
#[derive(Debug, Clone)]
struct Field {
    id: ObjectId,
    dict: Dictionary,
    ft: Option<Vec<u8>>,
    /// Its widgets: kids without `/T`, or the field itself when merged.
    widgets: Vec<(ObjectId, Dictionary)>,
}

impl Field {
    fn is_sig(&self) -> bool {
        self.ft.as_deref() == Some(b"Sig")
    }
}

/// Widgets of new signature fields: widget → (field, level).
pub(super) type NewWidgets = BTreeMap<u32, (String, Level)>;

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

fn visible(f: &Field) -> bool {
    area(&f.dict) > 0.0 || f.widgets.iter().any(|(_, w)| area(w) > 0.0)
}

/// Lists the fields under `fields` (kids included) as of `rev`.
fn list(
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

/// The catalog of a revision (empty when unreadable).
pub(super) fn catalog(a: &Analysis<'_, '_>, rev: usize) -> Result<(u32, Dictionary), PdfError> {
    Ok(match a.file.catalog(rev) {
        Ok((id, d)) => (id.0, d),
        Err(PdfError::Limit { what, limit }) => return Err(PdfError::Limit { what, limit }),
        Err(_) => (0, Dictionary::new()),
    })
}

/// The AcroForm and its fields.
pub(super) fn form(a: &mut Analysis<'_, '_>) -> Result<NewWidgets, PdfError> {
    let mut widgets = NewWidgets::new();
    let (old_root, old_cat) = catalog(a, a.old)?;
    let (new_root, new_cat) = catalog(a, a.new)?;
    let old_raw = old_cat.get(b"AcroForm").ok().cloned();
    let Some(new_raw) = new_cat.get(b"AcroForm").ok().cloned() else {
        if old_raw.is_some() {
            a.refuse(new_root, Category::FormStructure, "the form removed");
        }
        return Ok(widgets);
    };
    let old_af = match &old_raw {
        Some(o) => match a.resolve_old(o)? {
            Object::Dictionary(d) => d,
            _ => Dictionary::new(),
        },
        None => Dictionary::new(),
    };
    let Object::Dictionary(new_af) = a.resolve_new(&new_raw)? else {
        a.refuse(
            new_root,
            Category::FormStructure,
            "/AcroForm is not a dictionary",
        );
        return Ok(widgets);
    };
    // Where the AcroForm dictionary lives: its own object, or the catalog.
    let holder = match &new_raw {
        Object::Reference(r) => {
            let old_ref = old_raw.as_ref().and_then(|o| match o {
                Object::Reference(x) => Some(*x),
                _ => None,
            });
            if !a.safe_ref(old_ref, *r, "/AcroForm") {
                return Ok(widgets);
            }
            a.allow_plain(r.0, Level::Lta, Category::Catalog, "the form dictionary");
            if !a.is_new(r.0) {
                a.only_used_by(r.0, &[old_root]);
            }
            r.0
        }
        _ => new_root,
    };
    let keys = changed_keys(&old_af, &new_af, &ACROFORM_KEYS);
    if !keys.is_empty() {
        a.refuse(
            holder,
            Category::FormStructure,
            format!("AcroForm: {}", keys_text(&keys)),
        );
    }
    // The default resources and appearance: what filling may add.
    let looks = changed_keys(&old_af, &new_af, &[b"Fields", b"SigFlags"]);
    if !looks.is_empty() {
        a.raise(holder, Level::FormFilling, Category::FormResources);
        if let Ok(dr) = new_af.get(b"DR") {
            if let Object::Reference(r) = dr {
                let old_ref = ref_of(&old_af, b"DR");
                if a.safe_ref(old_ref, *r, "/DR") {
                    a.allow_plain(
                        r.0,
                        Level::FormFilling,
                        Category::FormResources,
                        "the form's default resources",
                    );
                    if !a.is_new(r.0) {
                        a.only_used_by(r.0, &[holder]);
                    }
                }
            }
            let dr = dr.clone();
            a.allow_deps(
                &dr,
                Level::FormFilling,
                Category::FormResources,
                None,
                "a resource for filling the form",
            )?;
        }
    }
    // The field list.
    let old_fields_raw = old_af.get(b"Fields").ok().cloned().unwrap_or(Object::Null);
    let new_fields_raw = new_af.get(b"Fields").ok().cloned().unwrap_or(Object::Null);
    if let Object::Reference(r) = &new_fields_raw {
        let old_ref = match &old_fields_raw {
            Object::Reference(x) => Some(*x),
            _ => None,
        };
        if a.safe_ref(old_ref, *r, "/Fields") {
            a.allow_plain(
                r.0,
                Level::Lta,
                Category::SignatureField,
                "the form's field list",
            );
            if !a.is_new(r.0) {
                a.only_used_by(r.0, &[holder]);
            }
        }
    }
    let old_fields = list(a, &old_fields_raw, a.old)?;
    let new_fields = list(a, &new_fields_raw, a.new)?;
    for (name, f) in &old_fields {
        if !new_fields.contains_key(name) {
            a.refuse(
                f.id.0,
                Category::FormStructure,
                format!("the field {name:?} removed"),
            );
        }
    }
    for (name, f) in &new_fields {
        match old_fields.get(name) {
            None => new_field(a, name, f, &mut widgets)?,
            Some(o) => changed_field(a, name, o, f)?,
        }
    }
    Ok(widgets)
}

fn new_field(
    a: &mut Analysis<'_, '_>,
    name: &str,
    f: &Field,
    widgets: &mut NewWidgets,
) -> Result<(), PdfError> {
    if !f.is_sig() {
        let ft =
            f.ft.as_deref()
                .map(|t| format!("/{} ", String::from_utf8_lossy(t)))
                .unwrap_or_default();
        let detail = format!("a new {ft}field {name:?} (only signature fields may be added)");
        a.refuse(f.id.0, Category::FormStructure, detail.clone());
        for (w, _) in &f.widgets {
            a.refuse(w.0, Category::FormStructure, detail.clone());
        }
        return Ok(());
    }
    if !a.is_new(f.id.0) {
        a.refuse(
            f.id.0,
            Category::FormStructure,
            format!("the new signature field {name:?} reuses an existing object"),
        );
        return Ok(());
    }
    let vis = visible(f);
    let level = if vis { Level::FormFilling } else { Level::Lta };
    let what = if vis {
        format!("a new visible signature field {name:?}")
    } else {
        format!("a new invisible signature field {name:?}")
    };
    // Allowed after a certification too, as Acrobat allows it (signing is
    // what P=2 permits); pyHanko refuses it unless told otherwise.
    a.allow(
        f.id.0,
        level,
        Category::SignatureField,
        Some(name),
        !vis,
        true,
        what.clone(),
    );
    if let Ok(Object::Reference(k)) = f.dict.get(b"Kids")
        && a.is_new(k.0)
    {
        a.allow(
            k.0,
            level,
            Category::SignatureField,
            Some(name),
            !vis,
            true,
            what.clone(),
        );
    }
    for key in [&b"AP"[..], b"Lock", b"SV"] {
        if let Ok(v) = f.dict.get(key) {
            let v = v.clone();
            a.allow_deps(&v, level, Category::SignatureField, Some(name), &what)?;
        }
    }
    for (w, wd) in &f.widgets {
        widgets.insert(w.0, (name.to_string(), level));
        if *w != f.id {
            if a.is_new(w.0) {
                a.allow(
                    w.0,
                    level,
                    Category::SignatureField,
                    Some(name),
                    !vis,
                    true,
                    what.clone(),
                );
            }
            if let Ok(v) = wd.get(b"AP") {
                let v = v.clone();
                a.allow_deps(&v, level, Category::SignatureField, Some(name), &what)?;
            }
        }
    }
    if f.dict.has(b"V") {
        signature_value(a, name, f, vis)?;
    }
    Ok(())
}

fn changed_field(
    a: &mut Analysis<'_, '_>,
    name: &str,
    o: &Field,
    n: &Field,
) -> Result<(), PdfError> {
    if o.ft != n.ft {
        a.refuse(
            n.id.0,
            Category::FormStructure,
            format!("the field {name:?} changed type"),
        );
        return Ok(());
    }
    if o.id != n.id && !a.is_new(n.id.0) {
        a.refuse(
            n.id.0,
            Category::FormStructure,
            format!("the field {name:?} now points at another existing object"),
        );
        return Ok(());
    }
    let (od, nd) = (&o.dict, &n.dict);
    if same(
        &Object::Dictionary(od.clone()),
        &Object::Dictionary(nd.clone()),
    ) && o.id == n.id
    {
        return widgets_of(a, name, o, n, Level::FormFilling, Category::FormFill);
    }
    let keys = changed_keys(od, nd, &VALUE_KEYS);
    if !keys.is_empty() {
        a.refuse(
            n.id.0,
            Category::FormStructure,
            format!("the field {name:?}: {}", keys_text(&keys)),
        );
        return Ok(());
    }
    let locked_ok = changed_keys(od, nd, &ALWAYS_MODIFIABLE).is_empty();
    if n.is_sig() {
        let (before, after) = (od.get(b"V").ok(), nd.get(b"V").ok());
        match (before, after) {
            (None, Some(_)) => {
                a.allow(
                    n.id.0,
                    Level::Lta,
                    Category::SignatureField,
                    Some(name),
                    false,
                    true,
                    format!("the empty signature field {name:?} signed"),
                );
                appearance(
                    a,
                    name,
                    n.id.0,
                    od,
                    nd,
                    Level::FormFilling,
                    Category::SignatureField,
                )?;
                widgets_of(a, name, o, n, Level::FormFilling, Category::SignatureField)?;
                signature_value(a, name, n, visible(n))?;
            }
            (Some(x), Some(y)) if same(x, y) && locked_ok => {
                a.allow(
                    n.id.0,
                    Level::Lta,
                    Category::SignatureField,
                    Some(name),
                    true,
                    true,
                    format!("the signature field {name:?}: flags"),
                );
            }
            (Some(_), None) => a.refuse(
                n.id.0,
                Category::FormStructure,
                format!("the signature of {name:?} removed from its field"),
            ),
            (None, None) if locked_ok => a.allow(
                n.id.0,
                Level::Lta,
                Category::SignatureField,
                Some(name),
                true,
                true,
                format!("the empty signature field {name:?}: flags"),
            ),
            _ => a.refuse(
                n.id.0,
                Category::FormStructure,
                format!("the signed field {name:?} changed"),
            ),
        }
        return Ok(());
    }
    let keys = changed_keys(od, nd, &[]);
    a.allow(
        n.id.0,
        Level::FormFilling,
        Category::FormFill,
        Some(name),
        locked_ok,
        true,
        format!("the field {name:?} filled: {}", keys_text(&keys)),
    );
    appearance(
        a,
        name,
        n.id.0,
        od,
        nd,
        Level::FormFilling,
        Category::FormFill,
    )?;
    if let Ok(v) = nd.get(b"V")
        && od.get(b"V").ok().is_none_or(|x| !same(x, v))
    {
        let v = v.clone();
        a.allow_deps(
            &v,
            Level::FormFilling,
            Category::FormFill,
            Some(name),
            &format!("the value of {name:?}"),
        )?;
    }
    widgets_of(a, name, o, n, Level::FormFilling, Category::FormFill)
}

/// A field's separate widgets (kids without `/T`): their state and appearance.
fn widgets_of(
    a: &mut Analysis<'_, '_>,
    name: &str,
    o: &Field,
    n: &Field,
    level: Level,
    category: Category,
) -> Result<(), PdfError> {
    for (w, nw) in &n.widgets {
        if *w == n.id || !a.written(w.0) {
            continue;
        }
        let Some((_, ow)) = o.widgets.iter().find(|(x, _)| x == w) else {
            a.refuse(
                w.0,
                Category::FormStructure,
                format!("a widget added to the field {name:?}"),
            );
            continue;
        };
        let keys = changed_keys(ow, nw, &WIDGET_KEYS);
        if !keys.is_empty() {
            a.refuse(
                w.0,
                Category::FormStructure,
                format!("a widget of {name:?}: {}", keys_text(&keys)),
            );
            continue;
        }
        let shown = changed_keys(ow, nw, &[b"F", b"DA", b"Q", b"Type"]);
        a.allow(
            w.0,
            level,
            category,
            Some(name),
            shown.is_empty(),
            true,
            format!(
                "a widget of {name:?}: {}",
                keys_text(&changed_keys(ow, nw, &[]))
            ),
        );
        appearance(a, name, w.0, ow, nw, level, category)?;
    }
    Ok(())
}

/// A field's or widget's appearance: new streams, or its own rewritten in place.
fn appearance(
    a: &mut Analysis<'_, '_>,
    name: &str,
    holder: u32,
    od: &Dictionary,
    nd: &Dictionary,
    level: Level,
    category: Category,
) -> Result<(), PdfError> {
    let Ok(new_raw) = nd.get(b"AP") else {
        return Ok(());
    };
    let old_raw = od.get(b"AP").ok();
    let what = format!("the appearance of {name:?}");
    let mut owners = vec![holder];
    if let Object::Reference(r) = new_raw {
        let old_ref = match old_raw {
            Some(Object::Reference(x)) => Some(*x),
            _ => None,
        };
        if !a.safe_ref(old_ref, *r, &what) {
            return Ok(());
        }
        a.allow(r.0, level, category, Some(name), false, true, what.clone());
        if !a.is_new(r.0) {
            a.only_used_by(r.0, &[holder]);
        }
        owners.push(r.0);
    }
    let Object::Dictionary(new_ap) = a.resolve_new(new_raw)? else {
        a.refuse(holder, category, format!("{what} is not a dictionary"));
        return Ok(());
    };
    let old_ap = match old_raw {
        Some(x) => match a.resolve_old(x)? {
            Object::Dictionary(d) => d,
            _ => Dictionary::new(),
        },
        None => Dictionary::new(),
    };
    for key in [&b"N"[..], b"R", b"D"] {
        let Ok(v) = new_ap.get(key) else { continue };
        // A stream, or a dictionary of states (check boxes, radio buttons).
        let mut streams: Vec<(Option<Vec<u8>>, ObjectId)> = Vec::new();
        match v {
            Object::Reference(s) => streams.push((None, *s)),
            Object::Dictionary(states) => {
                for (k, x) in states.iter().take(64) {
                    if let Object::Reference(s) = x {
                        streams.push((Some(k.clone()), *s));
                    }
                }
            }
            _ => {}
        }
        for (state, s) in streams {
            if a.is_new(s.0) {
                a.allow_deps(&Object::Reference(s), level, category, Some(name), &what)?;
                continue;
            }
            if !a.written(s.0) {
                continue; // an existing stream shown, not changed
            }
            let before = match (&state, old_ap.get(key)) {
                (None, Ok(Object::Reference(x))) => Some(*x),
                (Some(st), Ok(Object::Dictionary(d))) => ref_of(d, st),
                _ => None,
            };
            if before == Some(s) {
                a.allow(
                    s.0,
                    level,
                    category,
                    Some(name),
                    false,
                    true,
                    format!("{what} rewritten in place"),
                );
                a.only_used_by(s.0, &owners);
                let new = a.new_obj(s.0)?;
                a.allow_deps(&new, level, category, Some(name), &what)?;
            } else {
                a.refuse(
                    s.0,
                    Category::XObject,
                    format!("{what} re-pointed at an existing stream that this update rewrites"),
                );
            }
        }
    }
    Ok(())
}

/// The signature dictionary of a newly signed field.
fn signature_value(
    a: &mut Analysis<'_, '_>,
    name: &str,
    f: &Field,
    visible: bool,
) -> Result<(), PdfError> {
    let Ok(Object::Reference(v)) = f.dict.get(b"V") else {
        a.refuse(
            f.id.0,
            Category::Signature,
            format!("the value of the signature field {name:?} is not an indirect object"),
        );
        return Ok(());
    };
    if !a.is_new(v.0) {
        a.refuse(
            v.0,
            Category::Signature,
            format!("the signature field {name:?} now holds an existing object"),
        );
        return Ok(());
    }
    let sig = a.new_obj(v.0)?;
    let Some(d) = dict_of(&sig).filter(|_| matches!(sig, Object::Dictionary(_))) else {
        a.refuse(
            v.0,
            Category::Signature,
            format!("the value of {name:?} is not a dictionary"),
        );
        return Ok(());
    };
    let ts = name_of(d, b"Type") == Some(b"DocTimeStamp");
    let (level, category, locked_ok) = match (ts, visible) {
        (true, false) => (Level::Lta, Category::Timestamp, true),
        (true, true) => (Level::FormFilling, Category::Timestamp, false),
        _ => (Level::FormFilling, Category::Signature, false),
    };
    let what = if ts {
        format!("the document time-stamp in {name:?}")
    } else {
        format!("the signature in {name:?}")
    };
    a.allow(
        v.0,
        level,
        category,
        Some(name),
        locked_ok,
        true,
        what.clone(),
    );
    a.allow_deps(&sig, level, category, Some(name), &what)
}
