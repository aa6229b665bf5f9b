//! CRL parsing, lookups and signature checks on arbitrary bytes.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use qoltanba::pki::crl::RevocationList;
use qoltanba::pki::revocation::RevocationStore;

fuzz_target!(|data: &[u8]| {
    let store = common::store();
    let cas: Vec<_> = store
        .anchors
        .iter()
        .chain(store.intermediates.iter())
        .cloned()
        .collect();
    if let Ok(crl) = RevocationList::from_der(data, "fuzz") {
        let _ = (crl.len(), crl.is_empty(), crl.is_delta());
        serde_json::to_string(&crl.describe()).expect("describe serialises");
        // Serials taken from the input itself, short and long.
        for chunk in data.chunks(7).take(8).chain(data.chunks(24).take(2)) {
            let _ = crl.lookup(chunk);
        }
        let _ = crl.lookup(&[]);
        let results: Vec<bool> = cas
            .iter()
            .map(|ca| crl.verify_signature(ca).is_ok())
            .collect();
        // Verifying at load time decides the same, CA by CA.
        let checked = RevocationList::from_der_checked(data, "fuzz", &cas)
            .expect("from_der_checked parses what from_der parses");
        for (ca, ok) in cas.iter().zip(results) {
            if ok {
                assert!(
                    checked.verify_signature(ca).is_ok(),
                    "verified once, refused at load"
                );
            }
        }
    }
    let mut rs = RevocationStore::default();
    rs.add_bytes_checked(data, "fuzz", &cas);
    assert_eq!(rs.crls.len() + rs.rejected.len(), 1);
});
