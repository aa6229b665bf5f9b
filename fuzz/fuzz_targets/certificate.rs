//! Certificate parsing and `cert verify` (steps 4-8) on arbitrary bytes.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{self, Extra};
use qoltanba::verdict::Code;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = Certificate::from_der(data) {
        let info = pki::describe(&c);
        serde_json::to_string(&info).expect("describe serialises");
        let _ = pki::describe_text(&info);
        let _ = (c.tbs(), c.label(), c.is_ca(), c.is_self_issued());
    }
    let v = pki::verify_certificate(
        data,
        common::store(),
        &Extra::default(),
        &RevocationStore::default(),
        common::AT,
        &common::policy(),
    );
    common::check_verdict(&v);
    let parsed = qoltanba::input::decode_der(data, &["CERTIFICATE", "TRUSTED CERTIFICATE"])
        .ok()
        .is_some_and(|der| Certificate::from_der(&der).is_ok());
    if !parsed {
        assert_eq!(v.code, Code::CertMalformed, "an unreadable certificate");
    }
});
