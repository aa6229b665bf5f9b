//! CRL scale: loading (parse, index, verify the signature once) and lookup
//! for a CRL of 1,000,000 entries. `cargo bench --bench crl`. Memory is
//! measured by `cargo run --release --example crl_scale` in a fresh process.

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::crl::RevocationList;
use qoltanba::pki::demo::{Ca, crl};
use std::hint::black_box;
use std::path::Path;

/// Builds a CRL with `n` entries signed by the demo RSA intermediate.
pub fn big_crl(n: u64) -> (Vec<u8>, std::sync::Arc<Certificate>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs");
    let der = pem::parse(std::fs::read(root.join("trust/nca-rsa.pem")).expect("ca"))
        .expect("pem")
        .into_contents();
    let key = pem::parse(std::fs::read(root.join("ca/nca-rsa.key.pem")).expect("key"))
        .expect("pem")
        .into_contents();
    let ca = Ca::load("nca-rsa", der.clone(), key).expect("ca");
    let t = qoltanba::pki::demo::EPOCH;
    let entries = (0..n)
        .map(|i| {
            (
                (0x10_0000_0000u64 + i * 7).to_be_bytes().to_vec(),
                t + (i % 1000) as i64,
                Some(1u8),
            )
        })
        .collect();
    let spec = crl::CrlSpec {
        this_update: t,
        next_update: Some(t + 86_400 * 7),
        number: 42,
        delta_of: None,
        entries,
    };
    let bytes = crl::issue(&der, &ca.signer().expect("signer"), &spec).expect("crl");
    (
        bytes,
        std::sync::Arc::new(Certificate::from_der(&der).expect("cert")),
    )
}

fn bench(c: &mut Criterion) {
    let (bytes, issuer) = big_crl(1_000_000);
    let mut g = c.benchmark_group("crl_1m");
    g.sample_size(10);
    g.bench_function("load_and_verify", |b| {
        b.iter(|| {
            let crl = RevocationList::from_der_checked(
                black_box(&bytes),
                "bench",
                std::slice::from_ref(&issuer),
            )
            .expect("parse");
            crl.verify_signature(&issuer).expect("signature");
            black_box(crl.len())
        })
    });
    let crl = RevocationList::from_der(&bytes, "bench").expect("parse");
    let present = (0x10_0000_0000u64 + 7 * 500_000).to_be_bytes();
    let absent = (0x10_0000_0000u64 + 7 * 500_000 + 3).to_be_bytes();
    g.sample_size(100);
    g.bench_function("lookup_present", |b| {
        b.iter(|| black_box(crl.lookup(black_box(&present))))
    });
    g.bench_function("lookup_absent", |b| {
        b.iter(|| black_box(crl.lookup(black_box(&absent))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
