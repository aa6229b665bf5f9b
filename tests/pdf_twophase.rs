//! PAdES signing in two phases (`pdf::twophase`): the bytes to sign come
//! back from `prepare`, a device stand-in signs them, `finish` fills the
//! signature; the result verifies like a one-phase signature. A value from
//! another key, or one for other bytes, is refused and nothing is filled.

mod common;

use common::flow::verify_pdf;
use common::pdf_demo::{PUBLIC_URL, rendered_at, stamp};
use common::{pem_der, repo};
use qoltanba::pdf::sign::SignOptions;
use qoltanba::pdf::twophase::{self, ExternalSigner};
use qoltanba::pdf::{Lang, PdfError};
use qoltanba::pki::TrustStore;
use qoltanba::pki::signer::{RingSigner, Signer};
use qoltanba::verdict::Indication;

const AT: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z

fn device(name: &str) -> RingSigner {
    common::demo::who(name).key
}

fn document() -> Vec<u8> {
    rendered_at("notification", &[Lang::Kk, Lang::Ru], AT - 86_400)
}

fn options<'a>(signer: &'a dyn Signer, cert: &'a [u8], chain: &'a [Vec<u8>]) -> SignOptions<'a> {
    SignOptions {
        reason: Some("two phases".into()),
        stamp: Some(stamp(cert, AT - 3600)),
        ..SignOptions::new(signer, cert, chain, AT - 3600, PUBLIC_URL)
    }
}

fn check(name: &str, ca: &str, raw_ecdsa: bool) {
    let cert = pem_der(&format!("certs/people/{name}.pem"));
    let chain = vec![pem_der(&format!("certs/trust/{ca}.pem"))];
    let ext = ExternalSigner::new(&cert, None).unwrap();
    let prepared = twophase::prepare(&document(), &options(&ext, &cert, &chain), &ext).unwrap();
    // Nothing but zeros waits in /Contents.
    let (a, b) = (
        prepared.byte_range[1] as usize,
        prepared.byte_range[2] as usize,
    );
    assert!(prepared.pdf[a + 1..b - 1].iter().all(|&c| c == b'0'));

    // Another key's value is refused.
    let wrong = device("citizen2-rsa").sign(&prepared.data_to_sign).unwrap();
    let ext = ExternalSigner::new(&cert, Some(wrong)).unwrap();
    let e = twophase::finish(
        &prepared.pdf,
        prepared.byte_range,
        &options(&ext, &cert, &chain),
    );
    assert_eq!(e, Err(PdfError::SignatureValueInvalid));

    let mut value = device(name).sign(&prepared.data_to_sign).unwrap();
    if raw_ecdsa {
        // Devices often give r‖s rather than DER.
        value = p256::ecdsa::Signature::from_der(&value)
            .unwrap()
            .to_bytes()
            .to_vec();
    }
    // The right value over other bytes (the file changed after prepare) is refused.
    let mut changed = prepared.pdf.clone();
    changed[10] ^= 1;
    let ext = ExternalSigner::new(&cert, Some(value.clone())).unwrap();
    let e = twophase::finish(&changed, prepared.byte_range, &options(&ext, &cert, &chain));
    assert_eq!(e, Err(PdfError::SignatureValueInvalid));

    let signed = twophase::finish(
        &prepared.pdf,
        prepared.byte_range,
        &options(&ext, &cert, &chain),
    )
    .unwrap();
    assert!(
        signed.starts_with(&prepared.pdf[..a]),
        "the prepared revision is kept byte for byte"
    );
    let report = verify_pdf(
        &signed,
        &TrustStore::from_dir(&repo("certs/trust")).unwrap(),
        AT,
    );
    assert_eq!(
        report.indication,
        Indication::Passed,
        "{}",
        report.to_text()
    );
    assert_eq!(report.signatures.len(), 1);
}

#[test]
fn rsa_signature_in_two_phases() {
    check("head", "nca-rsa", false);
}

#[test]
fn ecdsa_signature_in_two_phases_with_a_raw_value() {
    check("citizen-ec", "nca-ec", true);
}

#[test]
fn a_time_stamp_needs_the_value_so_prepare_refuses_a_tsa() {
    struct Never;
    impl qoltanba::tsp::TsaTransport for Never {
        fn post(&self, _: &str, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("no".into())
        }
    }
    let cert = pem_der("certs/people/head.pem");
    let ext = ExternalSigner::new(&cert, None).unwrap();
    let mut o = options(&ext, &cert, &[]);
    o.tsa = Some((&Never, "http://tsa.invalid".into()));
    assert!(matches!(
        twophase::prepare(&document(), &o, &ext),
        Err(PdfError::Input(_))
    ));
}
