//! Random updates over a signed file (a proptest).

use super::forge::{self, Update, append, facts, stream};
use super::honest::{own_sign, rendered};
use crate::common::demo::who;
use crate::common::repo;
use lopdf::{Dictionary, Object};
// Random updates over a signed file: a report that keeps its invariants,
// never a panic, and never PASSED when an object of the signed revision
// (other than the document information) was given another value.

use proptest::prelude::*;
use qoltanba::pdf::verify::PdfVerifyRequest;
use qoltanba::pki::{Policy, TrustStore};
use qoltanba::verdict::Indication;
use std::sync::OnceLock;

fn signed() -> &'static (Vec<u8>, TrustStore, forge::Facts) {
    static S: OnceLock<(Vec<u8>, TrustStore, forge::Facts)> = OnceLock::new();
    S.get_or_init(|| {
        let one = own_sign(&rendered("notification"), &who("head"), true, false);
        let f = facts(&one);
        (one, TrustStore::from_dir(&repo("certs/trust")).unwrap(), f)
    })
}

const KEYS: [&str; 12] = [
    "Type",
    "Contents",
    "Annots",
    "Kids",
    "Font",
    "V",
    "AP",
    "Rect",
    "Parent",
    "Resources",
    "Subtype",
    "OCProperties",
];

fn value(size: u32) -> impl Strategy<Value = Object> {
    prop_oneof![
        any::<i32>().prop_map(|i| Object::Integer(i64::from(i))),
        (1..size + 3).prop_map(|n| Object::Reference((n, 0))),
        "[A-Za-z]{1,8}".prop_map(|s| Object::Name(s.into_bytes())),
        Just(Object::Null),
    ]
}

fn object(size: u32) -> impl Strategy<Value = Object> {
    prop_oneof![
        value(size),
        proptest::collection::vec((0..KEYS.len(), value(size)), 0..5).prop_map(|kv| {
            let mut d = Dictionary::new();
            for (k, v) in kv {
                d.set(KEYS[k], v);
            }
            Object::Dictionary(d)
        }),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| stream(&b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_updates_never_pass_a_changed_signed_object(
        picks in proptest::collection::vec((any::<u32>(), object(400)), 1..4),
        root in proptest::option::of(1u32..400),
    ) {
        let (one, store, fx) = signed();
        let info = match &fx.info { Some(Object::Reference(r)) => Some(r.0), _ => None };
        let mut objects = Vec::new();
        let mut changed = false;
        for (k, o) in picks {
            let n = 1 + k % (fx.size + 2);
            if objects.iter().any(|(m, _)| *m == n) {
                continue;
            }
            // An object the signed revision holds (a free number may be reused).
            let before = forge::resolve(one, &Object::Reference((n, 0)));
            if n < fx.size && Some(n) != info && before != Object::Null {
                changed |= before != o;
            }
            objects.push((n, o));
        }
        let current = match &fx.root { Object::Reference(r) => Some(r.0), _ => None };
        changed |= root.is_some() && root != current;
        let bytes = append(one, Update {
            objects,
            trailer: root.map(|r| Box::new(move |t: &mut Dictionary| t.set("Root", Object::Reference((r, 0)))) as forge::TrailerEdit),
            ..Default::default()
        });
        let req = PdfVerifyRequest { at: qoltanba::time::now(), policy: Policy::default(), ..Default::default() };
        let r = qoltanba::pdf::verify_bytes(&bytes, store, &req);
        prop_assert_eq!(r.indication == Indication::Passed, r.code == "OK");
        prop_assert!(serde_json::to_string(&r).is_ok());
        if changed {
            prop_assert_ne!(r.indication, Indication::Passed, "{}", r.to_text());
        }
    }
}
