//! Condition 2 on arbitrary XML bytes, against the demo trust store; and
//! the canonicaliser on whatever parses: every method, every element as an
//! apex, must not panic, and C14N 1.0 of a document must be a fixed point.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use qoltanba::xmldsig::c14n::{self, C14n, Method};
use qoltanba::xmldsig::tree::{self, Xml};
use qoltanba::xmldsig::{XmlVerifyRequest, verify};

fuzz_target!(|data: &[u8]| {
    let req = XmlVerifyRequest {
        xml: data,
        at: common::AT,
        policy: common::policy(),
        iin_element: Some("iin".into()),
        ..Default::default()
    };
    let v = verify(&req, common::store());
    common::check_verdict(&v.verdict);
    let Ok(text) = tree::text(data) else { return };
    let Ok(x) = Xml::parse(text) else { return };
    for method in [Method::Inclusive10, Method::Inclusive11, Method::Exclusive] {
        let c = C14n { method, comments: true, inclusive_prefixes: vec!["p".into(), String::new()] };
        for n in x.doc.descendants().filter(|n| n.is_element()).take(64) {
            let _ = c14n::to_vec(n, None, &c);
        }
    }
    let c = C14n { method: Method::Inclusive10, comments: true, inclusive_prefixes: Vec::new() };
    if let Ok(once) = c14n::to_vec(x.doc.root(), None, &c)
        && let Ok(t) = std::str::from_utf8(&once)
        && let Ok(again) = Xml::parse(t)
    {
        assert_eq!(c14n::to_vec(again.doc.root(), None, &c).ok().as_deref(), Some(once.as_slice()), "C14N is not a fixed point");
    }
});
