//! BER normalisation on arbitrary bytes: never panics, and what it returns is
//! DER it leaves unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qoltanba::asn1::ber;

fuzz_target!(|data: &[u8]| {
    if let Ok(der) = ber::to_der(data) {
        assert_eq!(
            ber::to_der(&der).as_ref(),
            Ok(&der),
            "to_der is not idempotent"
        );
    }
});
