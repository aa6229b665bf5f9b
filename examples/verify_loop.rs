//! A verification loop to profile under `perf record` (the criterion bench
//! is for figures): `cargo run --release --example verify_loop -- cold|warm [ser]`,
//! `N` iterations (default 40,000).
use qoltanba::envelope::{self, VerifyRequest};
use qoltanba::pki::{Policy, TrustStore, Usage};
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let store = TrustStore::from_dir(std::path::Path::new("certs/trust")).unwrap();
    let env_bytes = std::fs::read("testdata/envelopes/rsa-detached.p7s").unwrap();
    let data = std::fs::read("testdata/envelopes/request.json").unwrap();
    let policy = Policy {
        usage: Usage::Sign,
        no_revocation: false,
        iin: Some("880101300123".into()),
        ..Default::default()
    };
    let cold = std::env::args().nth(1).as_deref() == Some("cold");
    let ser = std::env::args().nth(2).as_deref() == Some("ser");
    let n: u32 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40_000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        if cold {
            store.clear_edge_cache();
        }
        let r = VerifyRequest {
            envelope: &env_bytes,
            data: Some(&data),
            at: 1_780_272_000,
            policy: policy.clone(),
            ..Default::default()
        };
        let v = envelope::verify(&r, &store);
        if ser {
            std::hint::black_box(serde_json::to_vec(&v).unwrap());
        }
        std::hint::black_box(v);
    }
    println!(
        "{:.1} us/verify",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
