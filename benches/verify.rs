//! Verify cost against the raw crypto it needs, measured in the same run.
//!
//! `cargo bench --bench verify`. The raw-crypto baseline does with `ring`
//! alone what a detached RSA-2048 envelope with a two-level chain needs: one
//! signature verification per certificate in the path plus the envelope's,
//! and the hashing (content and signed attributes).

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::envelope::{self, VerifyRequest, parse};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::{Policy, TrustStore, Usage};
use std::hint::black_box;
use std::path::Path;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AT: i64 = 1_780_272_000; // 2026-06-01

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pem_cert(rel: &str) -> Certificate {
    let text = std::fs::read(root().join(rel)).expect("read");
    Certificate::from_der(&pem::parse(text).expect("pem").into_contents()).expect("cert")
}

fn bench(c: &mut Criterion) {
    let store = TrustStore::from_dir(&root().join("certs/trust")).expect("store");
    let env_bytes =
        std::fs::read(root().join("testdata/envelopes/rsa-detached.p7s")).expect("envelope");
    let data = std::fs::read(root().join("testdata/envelopes/request.json")).expect("data");
    let policy = Policy {
        usage: Usage::Sign,
        no_revocation: false,
        iin: Some("880101300123".into()),
        ..Default::default()
    };
    let request = || VerifyRequest {
        envelope: &env_bytes,
        data: Some(&data),
        at: AT,
        policy: policy.clone(),
        ..Default::default()
    };
    let v = envelope::verify(&request(), &store);
    assert!(v.passed(), "bench envelope must verify: {}", v.summary());

    // The raw crypto: the same three RSA-2048 verifications and hashes through ring alone.
    let parsed = parse::parse(&env_bytes).expect("parse");
    let signer = &parsed.signers[0];
    let attrs = signer.signed_attrs_der.clone().expect("signed attrs");
    let sig = signer.signature.clone();
    let leaf = pem_cert("certs/people/citizen-rsa.pem");
    let inter = pem_cert("certs/trust/nca-rsa.pem");
    let anchor = pem_cert("certs/trust/root-ca.pem");
    let key = |c: &Certificate| c.key.as_ref().expect("key").key.clone();
    let (leaf_key, inter_key, root_key) = (key(&leaf), key(&inter), key(&anchor));
    let alg = &ring::signature::RSA_PKCS1_2048_8192_SHA256;
    let raw = || {
        let d = ring::digest::digest(&ring::digest::SHA256, &data);
        black_box(d);
        ring::signature::UnparsedPublicKey::new(alg, &leaf_key)
            .verify(&attrs, &sig)
            .expect("envelope sig");
        ring::signature::UnparsedPublicKey::new(alg, &inter_key)
            .verify(leaf.tbs(), &leaf.signature)
            .expect("leaf");
        ring::signature::UnparsedPublicKey::new(alg, &root_key)
            .verify(inter.tbs(), &inter.signature)
            .expect("intermediate");
    };
    raw();

    let mut g = c.benchmark_group("verify_rsa2048_detached_2level");
    g.bench_function("raw_ring_crypto", |b| b.iter(raw));
    g.bench_function("qoltanba_cold_edges", |b| {
        b.iter(|| {
            store.clear_edge_cache();
            black_box(envelope::verify(&request(), &store))
        })
    });
    g.bench_function("qoltanba_warm_edges", |b| {
        b.iter(|| black_box(envelope::verify(&request(), &store)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
