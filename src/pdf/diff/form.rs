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
//!
//! `fields` lists the fields of a revision; `appearance` judges what a
//! field's or widget's `/AP` changed.

use super::appearance::appearance;
use super::fields::{Field, list, visible};
use super::{
    Analysis, Category, Level, as_ref, changed_keys, dict_of, keys_text, name_of, ref_of, same,
};
use crate::pdf::PdfError;
use lopdf::{Dictionary, Object};
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

/// Widgets of new signature fields: widget → (field, level).
pub(super) type NewWidgets = BTreeMap<u32, (String, Level)>;

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
    let old_af = a.old_dict(old_raw.as_ref())?;
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
            let old_ref = old_raw.as_ref().and_then(as_ref);
            if !a.safe_held_ref(old_ref, *r, "/AcroForm", old_root) {
                return Ok(widgets);
            }
            a.allow_plain(r.0, Level::Lta, Category::Catalog, "the form dictionary");
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
            if let Object::Reference(r) = dr
                && a.safe_held_ref(ref_of(&old_af, b"DR"), *r, "/DR", holder)
            {
                a.allow_plain(
                    r.0,
                    Level::FormFilling,
                    Category::FormResources,
                    "the form's default resources",
                );
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
    if let Object::Reference(r) = &new_fields_raw
        && a.safe_held_ref(as_ref(&old_fields_raw), *r, "/Fields", holder)
    {
        a.allow_plain(
            r.0,
            Level::Lta,
            Category::SignatureField,
            "the form's field list",
        );
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
    // The field, its kids list and its widgets: allowed after a
    // certification too, as Acrobat allows it (signing is what P=2
    // permits); pyHanko refuses it unless told otherwise.
    let allow_part = |a: &mut Analysis<'_, '_>, n: u32| {
        a.allow(
            n,
            level,
            Category::SignatureField,
            Some(name),
            !vis,
            true,
            what.clone(),
        );
    };
    allow_part(a, f.id.0);
    if let Ok(Object::Reference(k)) = f.dict.get(b"Kids")
        && a.is_new(k.0)
    {
        allow_part(a, k.0);
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
                allow_part(a, w.0);
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
        // The field's own object, at the signing level.
        let allow_field = |a: &mut Analysis<'_, '_>, locked_ok: bool, detail: String| {
            a.allow(
                n.id.0,
                Level::Lta,
                Category::SignatureField,
                Some(name),
                locked_ok,
                true,
                detail,
            );
        };
        match (before, after) {
            (None, Some(_)) => {
                allow_field(
                    a,
                    false,
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
                allow_field(a, true, format!("the signature field {name:?}: flags"));
            }
            (Some(_), None) => a.refuse(
                n.id.0,
                Category::FormStructure,
                format!("the signature of {name:?} removed from its field"),
            ),
            (None, None) if locked_ok => allow_field(
                a,
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
