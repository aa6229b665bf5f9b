//! GOST R 34.10 against ECDSA, measured in the same run.
//!
//! `cargo bench --bench gost`. Issue 13's target: one GOST 34.10-2015/512
//! verify ≤ 2.5× one ECDSA P-384 verify (ring). Every case hashes the same
//! 512-byte message (the size of a CMS signer's signed attributes) and
//! verifies one signature through the public entry point the service uses
//! (`pki::algorithms::verify`), so the hash is inside the figure on both sides.

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::pki::algorithms::{self, GostFamily, PublicKey, Scheme};
use qoltanba::pki::gost::Curve;
use qoltanba::pki::signer::{GostSigner, Signer};
use ring::signature::{self as rs, KeyPair};
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn gost_case(c: &mut Criterion, name: &str, curve: Curve, family: GostFamily, msg: &[u8]) {
    let signer = GostSigner::generate(curve, family).expect("key");
    let key = PublicKey::from_spki_der(&signer.public_key_spki()).expect("spki");
    let scheme = signer.scheme();
    let sig = signer.sign(msg).expect("sign");
    algorithms::verify(scheme, &key, msg, &sig).expect("verifies");
    c.bench_function(&format!("{name} verify"), |b| {
        b.iter(|| algorithms::verify(scheme, &key, black_box(msg), black_box(&sig)).is_ok())
    });
    c.bench_function(&format!("{name} sign"), |b| {
        b.iter(|| signer.sign(black_box(msg)).expect("sign"))
    });
}

fn ring_case(
    c: &mut Criterion,
    name: &str,
    signing: &'static rs::EcdsaSigningAlgorithm,
    verifying: &'static rs::EcdsaVerificationAlgorithm,
    msg: &[u8],
) {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = rs::EcdsaKeyPair::generate_pkcs8(signing, &rng).expect("pkcs8");
    let kp = rs::EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &rng).expect("key");
    let sig = kp.sign(&rng, msg).expect("sign").as_ref().to_vec();
    let public = kp.public_key().as_ref().to_vec();
    c.bench_function(&format!("{name} verify (ring)"), |b| {
        b.iter(|| {
            rs::UnparsedPublicKey::new(verifying, &public)
                .verify(black_box(msg), black_box(&sig))
                .is_ok()
        })
    });
}

fn bench(c: &mut Criterion) {
    let msg = vec![0x42u8; 512];
    ring_case(
        c,
        "ECDSA P-384 SHA-384",
        &rs::ECDSA_P384_SHA384_ASN1_SIGNING,
        &rs::ECDSA_P384_SHA384_ASN1,
        &msg,
    );
    ring_case(
        c,
        "ECDSA P-256 SHA-256",
        &rs::ECDSA_P256_SHA256_ASN1_SIGNING,
        &rs::ECDSA_P256_SHA256_ASN1,
        &msg,
    );
    gost_case(
        c,
        "GOST 34.10-2015 512 (TC26 512 A, Streebog-512)",
        Curve::Tc26_512A,
        GostFamily::Kz2015,
        &msg,
    );
    gost_case(
        c,
        "GOST 34.310-2004 (CryptoPro-A, GOST 34.311-95)",
        Curve::CryptoProA,
        GostFamily::Kz2004,
        &msg,
    );
    gost_case(
        c,
        "GOST 34.10-2015 256 (TC26 256 A, Streebog-256)",
        Curve::Tc26_256A,
        GostFamily::Kz2015,
        &msg,
    );
    for d in [
        algorithms::Digest::Streebog512,
        algorithms::Digest::Gost34311,
        algorithms::Digest::Sha384,
    ] {
        c.bench_function(&format!("hash 512 bytes {}", d.name()), |b| {
            b.iter(|| d.hash(black_box(&msg)))
        });
    }
    let _ = Scheme::Gost(algorithms::Digest::Streebog512);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(40).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
