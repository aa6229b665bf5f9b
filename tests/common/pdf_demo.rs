//! The PDF tests' starting material: a result document of
//! `testdata/pdfs/` rendered, and PAdES signing options with nothing but
//! the essentials set (callers change the rest by struct update).

use super::repo;
use qoltanba::pdf::{self, Lang, ResultDoc, SignOptions, StampPlacement};
use qoltanba::pki::signer::Signer;

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

/// An invisible signature by `signer` (`cert`, issued by `chain`) at `time`,
/// its stamp's URL under `public_url`: no reason, location, TSA or DSS.
pub fn sign_options<'a>(
    signer: &'a dyn Signer,
    cert: &'a [u8],
    chain: &'a [Vec<u8>],
    time: i64,
    public_url: &str,
) -> SignOptions<'a> {
    SignOptions {
        signer,
        cert,
        chain,
        time,
        field: None,
        reason: None,
        location: None,
        stamp: None,
        public_url: public_url.into(),
        document_id: None,
        certify: false,
        tsa: None,
        ltv: None,
        extra_room: 0,
        add_fields: Vec::new(),
    }
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
