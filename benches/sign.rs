//! Signing cost against raw `ring` signing in the same run.
//! `cargo bench --bench sign`: CAdES-BES (signed attributes, ESS
//! signing-certificate-v2, chain embedded) with RSA-2048 and ECDSA P-256,
//! against one `ring` signature over the same number of bytes.

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::envelope::sign;
use qoltanba::pki::signer::{RingSigner, Signer};
use std::hint::black_box;
use std::path::Path;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pem_der(p: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(p);
    pem::parse(std::fs::read(path).expect("read"))
        .expect("pem")
        .into_contents()
}

fn bench(c: &mut Criterion) {
    let data = br#"{"service":"housing-queue","iin":"880101300123","attachments":[]}"#;
    for (name, person, ca) in [
        ("rsa2048", "citizen-rsa", "nca-rsa"),
        ("p256", "citizen-ec", "nca-ec"),
    ] {
        let cert = pem_der(&format!("certs/people/{person}.pem"));
        let key = RingSigner::from_pkcs8(
            &pem_der(&format!("certs/people/{person}.key.pem")),
            None,
            false,
        )
        .expect("key");
        let chain = vec![pem_der(&format!("certs/trust/{ca}.pem"))];
        // What the signer signs in CAdES: the DER of the signed attributes (~250 bytes).
        let attrs = vec![0x31u8; 256];
        let mut g = c.benchmark_group(format!("sign_{name}"));
        g.bench_function("raw_ring_sign", |b| {
            b.iter(|| black_box(key.sign(black_box(&attrs)).expect("sign")))
        });
        g.bench_function("qoltanba_cades_bes", |b| {
            b.iter(|| {
                black_box(
                    sign::sign(black_box(data), false, &key, &cert, &chain, 1_780_272_000)
                        .expect("sign"),
                )
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
