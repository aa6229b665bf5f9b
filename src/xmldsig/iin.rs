//! The IIN in signed XML: the applicant's IIN as the signed content states
//! it (which signer the request's IIN is, with several signatures, is
//! decided as for envelopes: `envelope::verify::reconcile_iin`).

use super::tree;
use crate::verdict::{Check, Code};
use roxmltree::Node;
use serde_json::json;

/// The applicant's IIN as the signed content states it in `<name>`
/// elements (all of them must agree, and agree with the request's).
pub(super) fn iin_in_content(
    targets: &[Node<'_, '_>],
    name: &str,
    request: Option<&str>,
) -> Result<String, Check> {
    let mut found: Vec<String> = Vec::new();
    for t in targets {
        let e = if t.is_root() {
            t.document().root_element()
        } else {
            *t
        };
        for d in e
            .descendants()
            .filter(|d| d.is_element() && d.tag_name().name() == name)
        {
            let v = tree::inner_text(d).trim().to_string();
            if !found.contains(&v) {
                found.push(v);
            }
        }
    }
    match found.as_slice() {
        [] => Err(Check::failed(
            "iin",
            Code::IinMissing,
            json!({ "problem": format!("the signed content has no <{name}> element"), "iin_element": name }),
        )),
        [one] => match request {
            Some(r) if r != one => Err(Check::failed(
                "iin",
                Code::IinMismatch,
                json!({ "request_iin": r, "document_iin": one, "iin_element": name }),
            )),
            _ => Ok(one.clone()),
        },
        many => Err(Check::failed(
            "iin",
            Code::IinMismatch,
            json!({ "problem": "the signed content states different IINs", "document_iins": many, "iin_element": name }),
        )),
    }
}
