//! Telling DER, PEM and base64 apart on arbitrary bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qoltanba::input;

fuzz_target!(|data: &[u8]| {
    let one = input::decode_der(data, &["CMS", "PKCS7", "PKCS #7 SIGNED DATA"]);
    let all = input::decode_all(data, &["CMS", "PKCS7", "PKCS #7 SIGNED DATA"]);
    match (&one, &all) {
        (Ok(first), Ok(all)) => assert_eq!(Some(first), all.first()),
        (Err(_), Ok(all)) => assert!(all.is_empty()),
        (_, Err(_)) => assert!(one.is_err()),
    }
    let _ = input::decode_all(data, &["CERTIFICATE", "TRUSTED CERTIFICATE"]);
    let _ = input::decode_all(data, &["X509 CRL"]);
    let _ = input::base64_text(data);
});
