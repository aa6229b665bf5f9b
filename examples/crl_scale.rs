//! Measures loading a CRL of N entries (default 1,000,000) in a fresh
//! process: wall time and resident memory.
//! `cargo run --release --example crl_scale [N] [rsa|gost]`: signed by the
//! RSA demo intermediate, or by the GOST 34.10-2015/512 one (certs/gost),
//! as the national CA signs its GOST CRL.

use qoltanba::pki::cert::Certificate;
use qoltanba::pki::crl::RevocationList;
use qoltanba::pki::demo::crl;
use std::path::Path;
use std::time::Instant;

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string() + " kB")
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let gost = args.iter().any(|a| a == "gost");
    let (root, ca_name) = if gost {
        (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("certs/gost"),
            "gost2015-nca",
        )
    } else {
        (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("certs"),
            "nca-rsa",
        )
    };
    let ca_der = pem::parse(std::fs::read(root.join(format!("trust/{ca_name}.pem"))).expect("ca"))
        .expect("pem")
        .into_contents();
    if args.get(1).map(String::as_str) == Some("load") {
        let path = &args[2];
        let issuer = std::sync::Arc::new(Certificate::from_der(&ca_der).expect("cert"));
        println!("before load: VmRSS {}", status("VmRSS"));
        let t = Instant::now();
        let bytes = std::fs::read(path).expect("read");
        let crl = RevocationList::from_der_checked(&bytes, path, std::slice::from_ref(&issuer))
            .expect("parse");
        drop(bytes);
        crl.verify_signature(&issuer).expect("signature");
        let load = t.elapsed();
        let probe = 0x10_0000_0000u64.to_be_bytes();
        let t = Instant::now();
        let mut hits = 0;
        for _ in 0..1_000_000 {
            hits += crl.lookup(std::hint::black_box(&probe)).is_some() as u32;
        }
        let per = t.elapsed().as_nanos() / 1_000_000;
        println!(
            "entries {}, load+verify {:?}, lookup {per} ns, hits {hits}",
            crl.len(),
            load
        );
        println!(
            "after load: VmRSS {}, peak VmHWM {}",
            status("VmRSS"),
            status("VmHWM")
        );
        return;
    }
    let n: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let key = pem::parse(std::fs::read(root.join(format!("ca/{ca_name}.key.pem"))).expect("key"))
        .expect("pem")
        .into_contents();
    let signer = qoltanba::pki::signer::from_pkcs8_any(&key).expect("signer");
    let t0 = qoltanba::pki::demo::EPOCH;
    let entries = (0..n)
        .map(|i| {
            (
                (0x10_0000_0000u64 + i * 7).to_be_bytes().to_vec(),
                t0 + (i % 1000) as i64,
                Some(1u8),
            )
        })
        .collect();
    let spec = crl::CrlSpec {
        this_update: t0,
        next_update: Some(t0 + 86_400 * 7),
        number: 42,
        delta_of: None,
        entries,
    };
    let bytes = crl::issue(&ca_der, signer.as_ref(), &spec).expect("crl");
    let path = std::env::temp_dir().join(format!("qoltanba-crl-{n}.crl"));
    std::fs::write(&path, &bytes).expect("write");
    println!(
        "CRL of {n} entries: {} bytes at {}",
        bytes.len(),
        path.display()
    );
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("load")
        .arg(&path)
        .arg(if gost { "gost" } else { "rsa" })
        .status()
        .expect("child");
    std::process::exit(status.code().unwrap_or(1));
}
