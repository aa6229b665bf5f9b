//! A field's or widget's appearance (`/AP`) after filling or signing: new
//! streams are explained with what they add; an existing stream may only be
//! rewritten in place when the field or widget alone uses it, and a field
//! may not be re-pointed at an existing stream the update rewrites.

use super::{Analysis, Category, Level, as_ref, ref_of};
use crate::pdf::PdfError;
use lopdf::{Dictionary, Object, ObjectId};

/// A field's or widget's appearance: new streams, or its own rewritten in place.
pub(super) fn appearance(
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
        if !a.safe_held_ref(old_raw.and_then(as_ref), *r, &what, holder) {
            return Ok(());
        }
        a.allow(r.0, level, category, Some(name), false, true, what.clone());
        owners.push(r.0);
    }
    let Object::Dictionary(new_ap) = a.resolve_new(new_raw)? else {
        a.refuse(holder, category, format!("{what} is not a dictionary"));
        return Ok(());
    };
    let old_ap = a.old_dict(old_raw)?;
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
