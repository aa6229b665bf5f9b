//! Officers' signatures (issue 17), measured in one run.
//!
//! `cargo bench --bench officer`.
//! - GOST 34.10-2015/512 CAdES signing (`envelope::sign::sign`, detached,
//!   512 bytes of content, the demo GOST head's key and chain) against one
//!   raw GOST signature of 512 bytes with the same key and curve code
//!   (`pki::gost` through `GostSigner`). Target: ≤ 1.2×.
//! - The two-phase finish of a client's CMS (what `/sign/finish` with `cms`
//!   does after its database reads: read the CMS, match it to the prepared
//!   certificate, check the PAdES attributes, digest the ByteRange, verify
//!   it (condition 2, with the demo CRLs), make it detached and write it into
//!   `/Contents`) on a one-page result PDF. Target: ≤ 2 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::envelope::{self, client};
use qoltanba::pdf::sign::SignOptions;
use qoltanba::pdf::twophase::{self, ExternalSigner};
use qoltanba::pdf::{self, Lang, ResultDoc};
use qoltanba::pki::TrustStore;
use qoltanba::pki::signer::{GostSigner, RingSigner, Signer};
use std::hint::black_box;
use std::path::{Path, PathBuf};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).expect("reads"))
        .expect("PEM")
        .into_contents()
}

fn gost_cades(c: &mut Criterion) {
    let key =
        GostSigner::from_pkcs8(&pem_der("certs/gost/people/gost2015-head.key.pem")).expect("key");
    let cert = pem_der("certs/gost/people/gost2015-head.pem");
    let chain = vec![pem_der("certs/gost/trust/gost2015-nca.pem")];
    let content = vec![0x42u8; 512];
    let now = qoltanba::time::now();
    envelope::sign::sign(&content, false, &key, &cert, &chain, now).expect("signs");
    let mut g = c.benchmark_group("officer_gost2015_512");
    g.sample_size(30);
    g.bench_function("raw GOST sign (512 bytes)", |b| {
        b.iter(|| key.sign(black_box(&content)).expect("signs"))
    });
    g.bench_function("CAdES sign (detached, 512 bytes)", |b| {
        b.iter(|| {
            envelope::sign::sign(black_box(&content), false, &key, &cert, &chain, now)
                .expect("signs")
        })
    });
    g.finish();
}

fn options<'a>(
    signer: &'a dyn Signer,
    cert: &'a [u8],
    chain: &'a [Vec<u8>],
    now: i64,
) -> SignOptions<'a> {
    SignOptions {
        reason: Some("bench".into()),
        stamp: Some(pdf::StampPlacement {
            page: None,
            rect: None,
            text: pdf::stamp::text_from_certificate(cert, now).expect("stamp"),
        }),
        extra_room: 24 * 1024,
        ..SignOptions::new(signer, cert, chain, now, "https://qoltanba.example/verify")
    }
}

fn finish_cms(c: &mut Criterion) {
    let now = qoltanba::time::now();
    let json = std::fs::read(repo("testdata/pdfs/result-notification.json")).expect("reads");
    let doc = pdf::render(
        &ResultDoc::from_json(&json).expect("doc"),
        &[Lang::Kk, Lang::Ru],
        now - 86_400,
    )
    .expect("renders");
    let store = TrustStore::from_dir(&repo("certs/trust")).expect("store");
    let cert = pem_der("certs/people/head.pem");
    let chain = vec![pem_der("certs/trust/nca-rsa.pem")];
    let ext = ExternalSigner::new(&cert, None).expect("signer");
    let prepared =
        twophase::prepare(&doc, &options(&ext, &cert, &chain, now), &ext).expect("prepares");
    let br = prepared.byte_range;
    let data = twophase::byte_range_bytes(&prepared.pdf, br).expect("data");
    let key =
        RingSigner::from_pkcs8(&pem_der("certs/people/head.key.pem"), None, false).expect("key");
    let cms =
        envelope::sign::sign(&data, false, &key, &cert, &chain, now).expect("the client signs");
    let finish = || {
        let got = client::read(&cms, &cert).expect("reads");
        assert!(got.pades_missing().is_empty());
        let md = twophase::byte_range_digest(&prepared.pdf, br, got.digest).expect("digest");
        let verdict = envelope::verify_prehashed(
            &envelope::VerifyRequest {
                envelope: &got.env.der,
                at: now,
                ..Default::default()
            },
            &store,
            &envelope::Prehashed {
                length: data.len() as u64,
                digests: vec![(got.digest, md)],
            },
        );
        assert!(verdict.passed(), "{}", verdict.summary());
        twophase::embed(&prepared.pdf, br, &got.detached_der().expect("detached")).expect("embeds")
    };
    let signed = finish();
    assert_eq!(signed.len(), prepared.pdf.len());
    let mut g = c.benchmark_group("officer_twophase_finish");
    g.sample_size(50);
    g.bench_function(
        format!(
            "RSA-2048 client CMS, one-page PDF ({} bytes)",
            prepared.pdf.len()
        ),
        |b| b.iter(finish),
    );
    g.finish();
}

criterion_group!(benches, gost_cades, finish_cms);
criterion_main!(benches);
