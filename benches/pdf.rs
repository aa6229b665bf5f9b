//! Result-PDF speed: sign with a visible stamp (one core, RSA-2048), render +
//! stamp + sign, verify, and a 200 MB file signed and verified in bounded
//! memory (streamed hashing).
//!
//! `cargo bench --bench pdf`. The raw baseline is one RSA-2048 signature
//! with `ring`, measured in the same run; for verification, the digests,
//! signature and path verifications alone (`raw crypto`). The large-file part prints time and
//! peak resident memory (VmHWM, reset before each step); set
//! `QOLTANBA_BENCH_BIG_MB` to change its size (0 skips it).

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::envelope::parse;
use qoltanba::pdf::verify::PdfVerifyRequest;
use qoltanba::pdf::{self, Lang, ResultDoc, SignOptions, StampPlacement};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::signer::{RingSigner, Signer};
use qoltanba::pki::{Policy, TrustStore};
use std::hint::black_box;
use std::io::Write;
use std::path::Path;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AT: i64 = 1_780_272_000; // 2026-06-01

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pem_der(rel: &str) -> Vec<u8> {
    pem::parse(std::fs::read(root().join(rel)).expect("read"))
        .expect("pem")
        .into_contents()
}

fn doc() -> ResultDoc {
    ResultDoc::from_json(
        &std::fs::read(root().join("testdata/pdfs/result-notification.json")).expect("json"),
    )
    .expect("doc")
}

fn options<'a>(key: &'a RingSigner, cert: &'a [u8], chain: &'a [Vec<u8>]) -> SignOptions<'a> {
    SignOptions {
        stamp: Some(StampPlacement {
            page: None,
            rect: None,
            text: pdf::stamp::text_from_certificate(cert, AT - 60).expect("stamp text"),
        }),
        ..SignOptions::new(key, cert, chain, AT - 60, "http://127.0.0.1:8080/verify")
    }
}

fn bench(c: &mut Criterion) {
    let key =
        RingSigner::from_pkcs8(&pem_der("certs/people/head.key.pem"), None, false).expect("key");
    let cert = pem_der("certs/people/head.pem");
    let chain = vec![pem_der("certs/trust/nca-rsa.pem")];
    let d = doc();
    let one_page = pdf::render(&d, &[Lang::Kk], AT).expect("render");
    let opts = options(&key, &cert, &chain);
    let store = TrustStore::from_dir(&root().join("certs/trust")).expect("store");
    let (signed, _) = pdf::sign_bytes(&one_page, &opts).expect("sign");
    let req = PdfVerifyRequest {
        at: AT,
        policy: Policy::default(),
        ..Default::default()
    };
    let mut g = c.benchmark_group("pdf");
    g.bench_function("raw RSA-2048 sign (ring)", |b| {
        b.iter(|| black_box(key.sign(black_box(b"attributes")).expect("sign")))
    });
    g.bench_function("sign with stamp (1-page, RSA-2048)", |b| {
        b.iter(|| black_box(pdf::sign_bytes(black_box(&one_page), &opts).expect("sign")))
    });
    g.bench_function("render kk (1 page)", |b| {
        b.iter(|| black_box(pdf::render(&d, &[Lang::Kk], AT).expect("render")))
    });
    g.bench_function("render + stamp + sign (1 page)", |b| {
        b.iter(|| {
            let p = pdf::render(&d, &[Lang::Kk], AT).expect("render");
            black_box(pdf::sign_bytes(&p, &opts).expect("sign"))
        })
    });
    g.bench_function("verify (1 signature)", |b| {
        b.iter(|| black_box(pdf::verify_bytes(black_box(&signed), &store, &req)))
    });
    if let Some(raw) = raw_crypto(&signed, &pdf::verify_bytes(&signed, &store, &req)) {
        g.bench_function("raw crypto (1 signature)", |b| b.iter(&raw));
    }
    // pyHanko-made files (tests/judges/pdf_pyhanko.py): one signature, and
    // five signatures with five form fills, one revision each; pyHanko's own
    // validation of the same files is timed in the same run.
    let made = pyhanko_files(&d);
    if let Some((dir, files)) = &made {
        let now = PdfVerifyRequest {
            at: qoltanba::time::now(),
            policy: Policy::default(),
            ..Default::default()
        };
        for (name, path) in files {
            let bytes = std::fs::read(path).expect("read");
            let r = pdf::verify_bytes(&bytes, &store, &now);
            assert_eq!(
                r.indication,
                qoltanba::verdict::Indication::Passed,
                "{}",
                r.to_text()
            );
            g.bench_function(format!("verify ({name}, pyHanko-made)"), |b| {
                b.iter(|| black_box(pdf::verify_bytes(black_box(&bytes), &store, &now)))
            });
            if let Some(raw) = raw_crypto(&bytes, &r) {
                g.bench_function(format!("raw crypto ({name}, pyHanko-made)"), |b| {
                    b.iter(&raw)
                });
            }
        }
        pyhanko_validate_times(dir.path(), files);
    }
    g.finish();
    many_revisions(&signed, &store, &req);
    big_file(&key, &cert, &chain, &store, &req);
}

fn pem_cert(rel: &str) -> Certificate {
    Certificate::from_der(&pem_der(rel)).expect("cert")
}

/// The crypto a verification cannot avoid, with `ring` alone: per
/// signature, SHA-256 over its whole ByteRange, the signer's RSA signature
/// over its signed attributes, and the path's two certificate signatures
/// (leaf by the intermediate, intermediate by the root), no caching. None
/// (with a note) when a signature is not RSA/SHA-256 under the demo chain.
fn raw_crypto(pdf: &[u8], report: &qoltanba::pdf::PdfReport) -> Option<impl Fn() + use<>> {
    use ring::signature::{RSA_PKCS1_2048_8192_SHA256 as ALG, UnparsedPublicKey};
    let file = qoltanba::pdf::xref::PdfFile::open(&pdf).expect("structure");
    let found = qoltanba::pdf::ltv::signatures(&file).expect("signatures");
    let (inter, anchor) = (
        pem_cert("certs/trust/nca-rsa.pem"),
        pem_cert("certs/trust/root-ca.pem"),
    );
    let key = |c: &Certificate| c.key.as_ref().ok().map(|k| k.key.clone());
    let (inter_key, root_key) = (key(&inter)?, key(&anchor)?);
    let mut jobs = Vec::new();
    for s in &report.signatures {
        let f = found.iter().find(|f| f.field == s.field)?;
        let env = parse::parse(f.cms()).ok()?;
        let signer = env.signers.first()?;
        let attrs = signer.signed_attrs_der.clone()?;
        let sig = signer.signature.clone();
        let leaf = env.certs.iter().find_map(|d| {
            let c = Certificate::from_der(d).ok()?;
            let k = key(&c)?;
            UnparsedPublicKey::new(&ALG, &k)
                .verify(&attrs, &sig)
                .ok()
                .map(|_| (c, k))
        });
        let Some((leaf, leaf_key)) = leaf else {
            println!("pdf: raw crypto skipped ({}: not RSA/SHA-256)", s.field);
            return None;
        };
        let br = &s.coverage.byte_range;
        let ranges = [
            (br[0] as usize, br[1] as usize),
            (br[2] as usize, br[3] as usize),
        ];
        jobs.push((ranges, attrs, sig, leaf, leaf_key));
    }
    let pdf = pdf.to_vec();
    Some(move || {
        for (ranges, attrs, sig, leaf, leaf_key) in &jobs {
            let mut d = ring::digest::Context::new(&ring::digest::SHA256);
            for (at, n) in ranges {
                d.update(&pdf[*at..at + n]);
            }
            black_box(d.finish());
            UnparsedPublicKey::new(&ALG, leaf_key)
                .verify(attrs, sig)
                .expect("signer");
            UnparsedPublicKey::new(&ALG, &inter_key)
                .verify(leaf.tbs(), &leaf.signature)
                .expect("leaf");
            UnparsedPublicKey::new(&ALG, &root_key)
                .verify(inter.tbs(), &inter.signature)
                .expect("intermediate");
        }
    })
}

fn venv_python() -> Option<std::path::PathBuf> {
    let pyhanko = std::env::var("QOLTANBA_PYHANKO")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root().join("target/pyhanko-venv/bin/pyhanko"));
    let py = pyhanko.with_file_name("python");
    py.exists().then_some(py)
}

type Made = (tempfile::TempDir, Vec<(&'static str, std::path::PathBuf)>);

/// The pyHanko-made files, or None (with a note) without the judges' venv.
fn pyhanko_files(d: &ResultDoc) -> Option<Made> {
    let Some(py) = venv_python() else {
        println!("pdf: no pyHanko venv (QOLTANBA_PYHANKO): the pyHanko-made cases are skipped");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n).display().to_string();
    let base = pdf::render(d, &[Lang::Kk], qoltanba::time::now() - 86_400).expect("render");
    std::fs::write(dir.path().join("base.pdf"), base).expect("write");
    let mut plan = vec![
        serde_json::json!({"op": "sign", "in": p("base.pdf"), "out": p("one.pdf"), "who": "head", "field": "Head", "box": [40, 40, 300, 120]}),
        serde_json::json!({"op": "form", "in": p("base.pdf"), "out": p("five-0.pdf"), "text": "Decision", "value": "",
                           "empty": ["S1", "S2", "S3", "S4", "S5"]}),
    ];
    for i in 1..=5 {
        plan.push(serde_json::json!({"op": "sign", "in": p(&format!("five-{}.pdf", 2 * i - 2)),
            "out": p(&format!("five-{}.pdf", 2 * i - 1)), "who": if i % 2 == 0 { "employee" } else { "head" },
            "field": format!("S{i}")}));
        plan.push(
            serde_json::json!({"op": "fill", "in": p(&format!("five-{}.pdf", 2 * i - 1)),
            "out": p(&format!("five-{}.pdf", 2 * i)), "fill": {"Decision": format!("Step {i}")}}),
        );
    }
    let plan_path = dir.path().join("plan.json");
    std::fs::write(&plan_path, serde_json::to_vec(&plan).expect("json")).expect("write");
    let o = std::process::Command::new(&py)
        .arg(root().join("tests/judges/pdf_pyhanko.py"))
        .arg(&plan_path)
        .current_dir(root())
        .output()
        .expect("python runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = vec![
        ("1 signature, 1 page", dir.path().join("one.pdf")),
        ("5 signatures, 5 form fills", dir.path().join("five-10.pdf")),
    ];
    Some((dir, files))
}

/// pyHanko's validation (difference analysis included) of the same files,
/// in-process after one warm-up: `tests/judges/pdf_validate.py --time`.
fn pyhanko_validate_times(dir: &Path, files: &[(&'static str, std::path::PathBuf)]) {
    let Some(py) = venv_python() else { return };
    let o = std::process::Command::new(&py)
        .arg(root().join("tests/judges/pdf_validate.py"))
        .args(["--time", "20"])
        .arg(root().join("certs/trust/root-ca.pem"))
        .args(files.iter().map(|(_, p)| p))
        .current_dir(dir)
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("python runs");
    let out = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value =
        serde_json::from_str(out.lines().last().unwrap_or("{}")).unwrap_or_default();
    for (name, p) in files {
        let ms = v[p.display().to_string()]["ms"]
            .as_f64()
            .unwrap_or(f64::NAN);
        println!("pdf/pyHanko validate ({name}): {ms:.2} ms per file (mean of 20, in-process)");
    }
}

/// A file with 10,000 revisions of 20 kB each (200 MB): refused with
/// PDF_TOO_COMPLEX, and how long that takes.
fn many_revisions(signed: &[u8], store: &TrustStore, req: &PdfVerifyRequest) {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let f = qoltanba::pdf::xref::PdfFile::open(&signed).expect("structure");
    let size = qoltanba::pdf::xref::int(f.trailer().get(b"Size").ok()).expect("size");
    let root_ref = f.trailer().get(b"Root").expect("root").clone();
    let mut out = signed.to_vec();
    let mut prev = f.startxref;
    let pad = vec![b'x'; 20_000];
    for _ in 0..10_000 {
        let at = out.len();
        write!(out, "{size} 0 obj\n<< /Length {} >>\nstream\n", pad.len()).expect("write");
        out.extend_from_slice(&pad);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        let xref = out.len() as u64;
        let mut t = lopdf::Dictionary::new();
        t.set("Size", size + 1);
        t.set("Root", root_ref.clone());
        t.set("Prev", prev as i64);
        write!(out, "xref\n{size} 1\n{at:010} 00000 n\r\ntrailer\n").expect("write");
        qoltanba::pdf::cos::write(&mut out, &lopdf::Object::Dictionary(t));
        write!(out, "\nstartxref\n{xref}\n%%EOF\n").expect("write");
        prev = xref;
    }
    let t = std::time::Instant::now();
    let r = pdf::verify_bytes(&out, store, req);
    let took = t.elapsed();
    assert_eq!(r.code, "PDF_TOO_COMPLEX", "{}", r.to_text());
    println!(
        "pdf/10,000 revisions ({:.0} MB): refused PDF_TOO_COMPLEX in {took:.2?}",
        out.len() as f64 / 1_048_576.0
    );
}

/// Peak resident memory (kB) since the last reset.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn reset_peak() {
    // Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A rendered PDF with an incremental update holding one large stream object
/// (an attached scan, say), written in chunks.
fn big_pdf(path: &Path, mb: usize) {
    let base = pdf::render(&doc(), &[Lang::Kk], AT).expect("render");
    let f = qoltanba::pdf::xref::PdfFile::open(&base).expect("structure");
    let size = qoltanba::pdf::xref::int(f.trailer().get(b"Size").ok()).expect("size");
    let root = f.trailer().get(b"Root").expect("root").clone();
    let prev = f.startxref;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    out.write_all(&base).expect("write");
    let obj_at = base.len() as u64 + 1;
    let len = mb * 1024 * 1024;
    write!(out, "\n{size} 0 obj\n<< /Length {len} >>\nstream\n").expect("write");
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i * 7 % 251) as u8).collect();
    for _ in 0..mb {
        out.write_all(&chunk).expect("write");
    }
    out.write_all(b"\nendstream\nendobj\n").expect("write");
    let xref_at = obj_at
        + format!("{size} 0 obj\n<< /Length {len} >>\nstream\n").len() as u64
        + len as u64
        + b"\nendstream\nendobj\n".len() as u64;
    let mut t = lopdf::Dictionary::new();
    t.set("Size", size + 1);
    t.set("Root", root);
    t.set("Prev", prev as i64);
    let mut trailer = Vec::new();
    qoltanba::pdf::cos::write(&mut trailer, &lopdf::Object::Dictionary(t));
    write!(out, "xref\n{size} 1\n{obj_at:010} 00000 n\r\ntrailer\n").expect("write");
    out.write_all(&trailer).expect("write");
    write!(out, "\nstartxref\n{xref_at}\n%%EOF\n").expect("write");
    out.flush().expect("flush");
}

fn big_file(
    key: &RingSigner,
    cert: &[u8],
    chain: &[Vec<u8>],
    store: &TrustStore,
    req: &PdfVerifyRequest,
) {
    // `cargo test --all-targets` runs benches once as tests: not the 200 MB part.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mb: usize = std::env::var("QOLTANBA_BENCH_BIG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    if mb == 0 {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("big.pdf");
    let output = dir.path().join("big-signed.pdf");
    big_pdf(&input, mb);
    let len = std::fs::metadata(&input).expect("meta").len();
    let opts = options(key, cert, chain);
    reset_peak();
    let before = peak_kb();
    let t = std::time::Instant::now();
    pdf::sign_file(&input, &output, &opts).expect("sign big");
    let sign_time = t.elapsed();
    let sign_peak = peak_kb();
    reset_peak();
    let t = std::time::Instant::now();
    let report = pdf::verify_file(&output, store, req).expect("verify big");
    let verify_time = t.elapsed();
    let verify_peak = peak_kb();
    assert_eq!(
        report.indication,
        qoltanba::verdict::Indication::Passed,
        "{}",
        report.to_text()
    );
    println!(
        "pdf/big file ({:.0} MB): sign {:.2?} (peak RSS {} MB, {} MB before), verify {:.2?} (peak RSS {} MB)",
        len as f64 / 1_048_576.0,
        sign_time,
        sign_peak / 1024,
        before / 1024,
        verify_time,
        verify_peak / 1024
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
