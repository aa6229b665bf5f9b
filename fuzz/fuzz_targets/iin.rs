//! IIN and BIN parsing on arbitrary text, and check-digit completion.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qoltanba::iin::{self, Bin, Iin};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(i) = Iin::parse(&s) {
        assert_eq!(i.as_string(), s);
        assert!(i.birth_date().is_some());
        let _ = i.sex();
        assert!(Bin::parse(&s).is_ok(), "a valid IIN is a valid BIN");
    }
    if let Ok(b) = Bin::parse(&s) {
        assert_eq!(b.as_string(), s);
    }
    if let Some(full) = iin::complete(&s) {
        assert!(full.starts_with(&*s));
        assert!(Bin::parse(&full).is_ok(), "complete gave {full}");
    }
});
