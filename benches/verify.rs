//! Verify cost against the raw crypto it needs, measured in the same run.
//!
//! `cargo bench --bench verify`. The raw-crypto baseline does with `ring`
//! alone what a detached RSA-2048 envelope with a two-level chain needs: one
//! signature verification per certificate in the path plus the envelope's,
//! and the hashing (content and signed attributes).

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::envelope::{self, VerifyRequest, parse};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::ocsp;
use qoltanba::pki::revocation::RevocationMode;
use qoltanba::pki::{Policy, TrustStore, Usage};
use std::sync::Arc;

/// A responder that is never reached: the answer is in the cache.
struct Unreachable;
impl ocsp::OcspTransport for Unreachable {
    fn post(&self, _: &str, _: &[u8]) -> Result<Vec<u8>, String> {
        Err("the bench answers from the cache".into())
    }
}
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
    // Revocation by OCSP with the responder's answer cached (until its
    // nextUpdate), the service's steady state with OCSP configured: against
    // the warm CRL case above, the cost of an OCSP-cached verify.
    let client = Arc::new(ocsp::OcspClient::new(Arc::new(Unreachable)));
    // Every certificate of the path below the anchor has its answer cached.
    for (cert, issuer) in [(&leaf, &inter), (&inter, &anchor)] {
        client.cache().put(
            ocsp::OcspClient::cache_key(cert, issuer),
            ocsp::Answer {
                state: ocsp::CertState::Good,
                produced_at: AT - 60,
                this_update: AT - 60,
                next_update: Some(AT + 86_400),
                responder: serde_json::json!({ "by_name": issuer.subject.dn }),
                signer: serde_json::json!({ "issuer": true }),
                nonce: ocsp::NonceCheck::Matched,
                url: "http://ocsp.invalid".into(),
                cached: false,
            },
            AT,
        );
    }
    let ocsp_policy = Policy {
        revocation: RevocationMode::Ocsp,
        ocsp: Some(client),
        ..policy.clone()
    };
    let v = envelope::verify(
        &VerifyRequest {
            policy: ocsp_policy.clone(),
            ..request()
        },
        &store,
    );
    assert!(v.passed(), "OCSP-cached verify must pass: {}", v.summary());
    g.bench_function("qoltanba_warm_ocsp_cached", |b| {
        b.iter(|| {
            black_box(envelope::verify(
                &VerifyRequest {
                    policy: ocsp_policy.clone(),
                    ..request()
                },
                &store,
            ))
        })
    });
    g.finish();
    gost(c);
}

/// The same shape in GOST: a detached GOST 34.10-2015/512 envelope, a
/// two-level GOST chain (citizen → GOST NCA → GOST root) and GOST CRLs. The
/// raw baseline is the GOST work alone through `pki::gost` (no other GOST
/// implementation is at hand in Rust): three GOST-512 verifications and the
/// Streebog-512 hashes of the content, the signed attributes and the two
/// certificates' TBS.
fn gost(c: &mut Criterion) {
    use qoltanba::pki::algorithms::{Digest, KeyKind};
    use qoltanba::pki::gost;
    let store = TrustStore::from_dir(&root().join("certs/gost/trust")).expect("store");
    let env_bytes = std::fs::read(root().join("testdata/gost/envelopes/gost2015-detached.p7s"))
        .expect("envelope");
    let data = std::fs::read(root().join("testdata/gost/envelopes/request.json")).expect("data");
    let policy = Policy {
        usage: Usage::Sign,
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
    assert!(
        v.passed(),
        "GOST bench envelope must verify: {}",
        v.summary()
    );
    let parsed = parse::parse(&env_bytes).expect("parse");
    let signer = &parsed.signers[0];
    let attrs = signer.signed_attrs_der.clone().expect("signed attrs");
    let sig = signer.signature.clone();
    let leaf = pem_cert("certs/gost/people/gost2015-citizen.pem");
    let inter = pem_cert("certs/gost/trust/gost2015-nca.pem");
    let anchor = pem_cert("certs/gost/trust/gost2015-root.pem");
    let key = |c: &Certificate| {
        let k = c.key.as_ref().expect("key");
        let KeyKind::Gost { curve, .. } = k.kind else {
            panic!("not a GOST key")
        };
        (curve, k.key.clone())
    };
    let (leaf_key, inter_key, root_key) = (key(&leaf), key(&inter), key(&anchor));
    let d = Digest::Streebog512;
    let raw = || {
        black_box(d.hash(&data));
        gost::verify(leaf_key.0, &leaf_key.1, &d.hash(&attrs), &sig).expect("envelope sig");
        gost::verify(
            inter_key.0,
            &inter_key.1,
            &d.hash(leaf.tbs()),
            &leaf.signature,
        )
        .expect("leaf");
        gost::verify(
            root_key.0,
            &root_key.1,
            &d.hash(inter.tbs()),
            &inter.signature,
        )
        .expect("intermediate");
    };
    raw();
    let mut g = c.benchmark_group("verify_gost2015_512_detached_2level");
    g.sample_size(30);
    g.bench_function("raw_gost_crypto", |b| b.iter(raw));
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
