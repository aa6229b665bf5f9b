//! Condition 2 on arbitrary envelope bytes (DER, BER, PEM or base64), against
//! the demo trust store. When the envelope turns out detached, it is verified
//! again with the shipped request as its data.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use qoltanba::envelope::{VerifyRequest, verify};
use qoltanba::verdict::Code;

const REQUEST: &[u8] = include_bytes!("../../testdata/envelopes/request.json");

fuzz_target!(|data: &[u8]| {
    let mut req = VerifyRequest {
        envelope: data,
        at: common::AT,
        policy: common::policy(),
        ..Default::default()
    };
    let v = verify(&req, common::store());
    common::check_verdict(&v);
    if v.code == Code::ContentMissing {
        req.data = Some(REQUEST);
        let v = verify(&req, common::store());
        common::check_verdict(&v);
    }
});
