//! The PDF tests' starting material: a result document of
//! `testdata/pdfs/` rendered, and the URLs its stamps point to.

use super::repo;
use qoltanba::pdf::{self, Lang, ResultDoc, StampPlacement};

/// Where the verification URLs of the tests' stamps point, unless a test
/// serves its own.
pub const PUBLIC_URL: &str = "https://qoltanba.example/verify";
/// The verification page of a service on loopback.
pub const LOCAL_URL: &str = "http://127.0.0.1:8080/verify";

/// `testdata/pdfs/result-{kind}.json` rendered in `langs`, dated `at`.
pub fn rendered_at(kind: &str, langs: &[Lang], at: i64) -> Vec<u8> {
    let json = std::fs::read(repo(&format!("testdata/pdfs/result-{kind}.json"))).unwrap();
    pdf::render(&ResultDoc::from_json(&json).unwrap(), langs, at).unwrap()
}

/// A stamp on the last page, where qoltanba puts it, with the text made
/// from `cert` at `at`.
pub fn stamp(cert: &[u8], at: i64) -> StampPlacement {
    StampPlacement {
        page: None,
        rect: None,
        text: pdf::stamp::text_from_certificate(cert, at).unwrap(),
    }
}
