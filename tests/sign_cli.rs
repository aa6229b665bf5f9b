//! `qoltanba sign` end to end: PKCS#12 and stored keys, formats, refusals
//! with codes, co- and counter-signatures, two phases with `openssl pkeyutl`
//! as the device; every envelope judged by `openssl cms -verify`.

mod common;

use common::openssl::s;
use common::repo;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("master.key"), "7f".repeat(32)).unwrap();
        Env { dir }
    }
    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }
    fn qoltanba(&self, args: &[&str]) -> Output {
        self.qoltanba_trusting(&repo("certs/trust"), args)
    }
    /// The binary with `trust_dir` as its trust folder.
    fn qoltanba_trusting(&self, trust_dir: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_qoltanba"))
            .args(args)
            .env("QOLTANBA_DATA_DIR", self.path("data"))
            .env("QOLTANBA_MASTER_KEY_FILE", self.path("master.key"))
            .env("QOLTANBA_TRUST_DIR", trust_dir)
            .env("P12_PASSWORD", "секрет-123")
            .output()
            .unwrap()
    }
    /// `sign --data <data> --p12 <p12> --password-env P12_PASSWORD <more> --out <out>`.
    fn sign_p12(&self, data: &Path, p12: &Path, more: &[&str], out: &Path) -> Output {
        let p12_args = ["--p12", s(p12), "--password-env", "P12_PASSWORD"];
        let args = [
            &["sign", "--data", s(data)][..],
            &p12_args,
            more,
            &["--out", s(out)],
        ];
        self.qoltanba(&args.concat())
    }
    fn p12(&self, name: &str, ca: &str) -> PathBuf {
        let out = self.path(&format!("{name}.p12"));
        let o = Command::new("openssl")
            .args([
                "pkcs12",
                "-export",
                "-passout",
                "env:P12_PASSWORD",
                "-inkey",
            ])
            .arg(repo(&format!("certs/people/{name}.key.pem")))
            .arg("-in")
            .arg(repo(&format!("certs/people/{name}.pem")))
            .arg("-certfile")
            .arg(repo(&format!("certs/trust/{ca}.pem")))
            .arg("-out")
            .arg(&out)
            .env("P12_PASSWORD", "секрет-123")
            .output()
            .expect("openssl is installed");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    }
    fn openssl_verify(&self, sig: &Path, data: Option<&Path>) -> bool {
        let mut c = Command::new("openssl");
        c.args(["cms", "-verify", "-binary", "-purpose", "any"])
            .args(["-out", "/dev/null", "-CAfile"])
            .arg(repo("certs/trust/root-ca.pem"))
            .arg("-in")
            .arg(sig);
        let inform = if std::fs::read(sig).unwrap().starts_with(b"-----") {
            "PEM"
        } else {
            "DER"
        };
        c.args(["-inform", inform]);
        if let Some(d) = data {
            c.arg("-content").arg(d);
        }
        c.output().unwrap().status.success()
    }
    fn verdict(&self, sig: &Path, data: Option<&Path>) -> serde_json::Value {
        let mut args = vec![
            "verify".to_string(),
            "--signature".into(),
            sig.display().to_string(),
        ];
        if let Some(d) = data {
            args.push("--data".into());
            args.push(d.display().to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        serde_json::from_slice(&self.qoltanba(&args).stdout).unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn p12_sign_detached_and_attached_in_every_format() {
    let e = Env::new();
    let p12 = e.p12("citizen-rsa", "nca-rsa");
    let data = e.path("req.json");
    std::fs::write(&data, br#"{"iin":"880101300123"}"#).unwrap();
    let sig = e.path("req.p7s");
    let o = e.sign_p12(&data, &p12, &[], &sig);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(e.openssl_verify(&sig, Some(&data)));
    assert_eq!(e.verdict(&sig, Some(&data))["code"], "OK");
    for format in ["der", "pem", "base64"] {
        let out = e.path(&format!("att.{format}"));
        let o = e.sign_p12(&data, &p12, &["--attached", "--format", format], &out);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(e.verdict(&out, None)["code"], "OK", "{format}");
        if format != "base64" {
            assert!(e.openssl_verify(&out, None), "{format}");
        }
    }
    // PSS on request.
    let pss = e.path("pss.p7s");
    let o = e.sign_p12(&data, &p12, &["--pss"], &pss);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(e.openssl_verify(&pss, Some(&data)));
}

#[test]
fn unusable_keys_are_refused_with_codes() {
    let e = Env::new();
    let data = e.path("d");
    std::fs::write(&data, b"x").unwrap();
    for (name, code) in [
        ("expired", "KEY_EXPIRED"),
        ("revoked", "KEY_REVOKED"),
        ("citizen-auth", "KEY_NOT_FOR_SIGNING"),
    ] {
        let p12 = e.p12(name, "nca-rsa");
        let o = e.sign_p12(&data, &p12, &[], &e.path("x"));
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(stderr(&o).contains(code), "{name}: {}", stderr(&o));
        assert!(!e.path("x").exists(), "{name}: nothing written");
        // What to do, and no Rust debug output.
        for debug in ["Some(", "None", "[\"", "Os {"] {
            assert!(!stderr(&o).contains(debug), "{name}: {}", stderr(&o));
        }
    }
    // A certificate that does not chain to the trust folder: the code, the
    // message in kk/ru/en and how to fix it; never the Rust variant name.
    let p12 = e.p12("citizen-rsa", "nca-rsa");
    let (x, p12_args) = (
        e.path("x"),
        ["--p12", s(&p12), "--password-env", "P12_PASSWORD"],
    );
    let args = [
        &["sign", "--data", s(&data)][..],
        &p12_args,
        &["--out", s(&x)],
    ]
    .concat();
    let o = e.qoltanba_trusting(&repo("certs/gost/trust"), &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("KEY_CERT_INVALID")
            && err.contains("CHAIN_UNTRUSTED")
            && err.contains("--trust FILE")
            && err.contains("\n  kk: Қол қою мүмкін емес")
            && err.contains("\n  ru: Подписать невозможно")
            && err.contains("\n  en: Cannot sign")
            && !err.contains("ChainUntrusted"),
        "{err}"
    );
    // Usage errors are exit 2.
    let o = e.qoltanba(&["sign", "--data", s(&data), "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stored_key_co_signature_and_counter_signature() {
    let e = Env::new();
    for (name, id) in [
        ("citizen-rsa", "citizen"),
        ("employee", "employee"),
        ("head", "head"),
    ] {
        let p12 = e.p12(name, "nca-rsa");
        let import = ["keys", "import", "--p12", s(&p12), "--id", id];
        let o = e.qoltanba(&[&import[..], &["--password-env", "P12_PASSWORD"]].concat());
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let data = e.path("form.json");
    std::fs::write(
        &data,
        br#"{"iin":"880101300123","service":"housing-queue"}"#,
    )
    .unwrap();
    let one = e.path("one.p7s");
    let by_citizen = ["--key-id", "citizen", "--attached", "--out", s(&one)];
    let o = e.qoltanba(&[&["sign", "--data", s(&data)][..], &by_citizen].concat());
    assert!(o.status.success());
    let two = e.path("two.p7s");
    let o = e.qoltanba(&[
        "sign",
        "--add-to",
        s(&one),
        "--key-id",
        "employee",
        "--out",
        s(&two),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(e.openssl_verify(&two, None));
    let v = e.verdict(&two, None);
    assert_eq!(
        (v["code"].as_str(), v["signers"].as_array().map(Vec::len)),
        (Some("OK"), Some(2)),
        "{v}"
    );
    let c = e.path("counter.p7s");
    let counter = ["--counter", "--key-id", "head", "--out", s(&c)];
    let o = e.qoltanba(&[&["sign", "--add-to", s(&one)][..], &counter].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let v = e.verdict(&c, None);
    assert_eq!(v["code"], "OK", "{v}");
    assert_eq!(v["signers"][1]["role"]["countersignature_of"], 1, "{v}");
}

/// `sign prepare` checks the signer's certificate before anything is
/// prepared, against `--trust`/`--test-trust` and `--signer-crl` (or the
/// configured folder), as `sign` checks a key: on the demo PKI and on the
/// NCA's GOST 2022 test PKI in the real material.
#[test]
fn sign_prepare_refuses_a_certificate_that_could_not_sign() {
    use common::nca_test_pki::{AT_2022, CA_2022, CRL_2022};
    let e = Env::new();
    let data = e.path("d");
    std::fs::write(&data, b"x").unwrap();
    let out = e.path("prepared.json");
    let prepare = |trust_dir: &Path, cert: &Path, more: &[&str]| {
        let _ = std::fs::remove_file(&out);
        let args = [
            &["sign", "prepare", "--data", s(&data), "--cert", s(cert)][..],
            more,
            &["--out", s(&out)],
        ];
        let o = e.qoltanba_trusting(trust_dir, &args.concat());
        (o.status.code(), stderr(&o), out.exists())
    };
    let person = |name: &str| repo(&format!("certs/people/{name}.pem"));
    let chain = repo("certs/trust/nca-rsa.pem");
    let demo_chain = ["--chain", s(&chain)];
    // The configured folder is another PKI's: refused, nothing written.
    let (code, err, written) = prepare(
        &repo("certs/gost/trust"),
        &person("citizen-rsa"),
        &demo_chain,
    );
    assert_eq!((code, written), (Some(1), false), "{err}");
    for part in [
        "KEY_CERT_INVALID",
        "CHAIN_UNTRUSTED",
        "--trust FILE",
        "\n  kk: Қол қою мүмкін емес",
        "\n  ru: Подписать невозможно",
        "\n  en: Cannot sign",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    // The same certificate with --trust and the CAs' CRLs: prepared.
    let (root, root_crl, ca_crl) = (
        repo("certs/trust/root-ca.pem"),
        repo("certs/trust/root-ca.crl"),
        repo("certs/trust/nca-rsa.crl"),
    );
    let trusted = [
        "--trust",
        s(&root),
        "--signer-crl",
        s(&root_crl),
        "--signer-crl",
        s(&ca_crl),
    ];
    let (code, err, written) = prepare(
        &repo("certs/gost/trust"),
        &person("citizen-rsa"),
        &[&demo_chain[..], &trusted].concat(),
    );
    assert_eq!((code, written), (Some(0), true), "{err}");
    // Without the intermediate's CRL the revocation status is unknown.
    let (code, err, _) = prepare(
        &repo("certs/gost/trust"),
        &person("citizen-rsa"),
        &[&demo_chain[..], &trusted[..4]].concat(),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("REVOCATION_UNAVAILABLE") && err.contains("--signer-crl FILE"),
        "{err}"
    );
    // An authentication certificate never prepares a signature.
    let (code, err, written) = prepare(&repo("certs/trust"), &person("citizen-auth"), &demo_chain);
    assert_eq!((code, written), (Some(1), false), "{err}");
    assert!(err.contains("KEY_NOT_FOR_SIGNING"), "{err}");
    // Real material: the NCA's GOST 2022 test officers under its test CA.
    let (ca, crl) = (common::realkz(CA_2022), common::realkz(CRL_2022));
    let nca = [
        "--test-trust",
        s(&ca),
        "--signer-crl",
        s(&crl),
        "--time",
        AT_2022,
    ];
    let real = |p12: &str| common::realkz(&format!("{p12}certs.pem"));
    let head = real(common::nca_test_pki::HEAD_P12);
    let (code, err, written) = prepare(&repo("certs/trust"), &head, &nca);
    assert_eq!((code, written), (Some(0), true), "{err}");
    let revoked = common::realkz(
        "ncanode-go/internal__testdata__certs__legal__revoked__employee_signright.p12certs.pem",
    );
    let (code, err, written) = prepare(&repo("certs/trust"), &revoked, &nca);
    assert_eq!((code, written), (Some(1), false), "{err}");
    assert!(
        err.contains("KEY_REVOKED") && err.contains("certificateHold"),
        "{err}"
    );
    // The NCA's certificate against the demo folder: refused, with the fix.
    let (code, err, _) = prepare(&repo("certs/trust"), &head, &nca[4..]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("CHAIN_UNTRUSTED") && err.contains("--trust FILE"),
        "{err}"
    );
}

#[test]
fn two_phase_with_openssl_pkeyutl_as_the_device() {
    let e = Env::new();
    let data = e.path("d.json");
    std::fs::write(&data, b"{\"iin\":\"880101300123\"}").unwrap();
    let prepared = e.path("prepared.json");
    let (cert, chain) = (
        repo("certs/people/citizen-rsa.pem"),
        repo("certs/trust/nca-rsa.pem"),
    );
    let certs = ["--cert", s(&cert), "--chain", s(&chain)];
    let args = [
        &["sign", "prepare", "--data", s(&data)][..],
        &certs,
        &["--out", s(&prepared)],
    ];
    let o = e.qoltanba(&args.concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&prepared).unwrap()).unwrap();
    use base64::Engine;
    std::fs::write(
        e.path("tbs"),
        base64::engine::general_purpose::STANDARD
            .decode(p["data_to_sign"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let sign_with = |key: &str, out: &str| {
        let o = Command::new("openssl")
            .args(["pkeyutl", "-sign", "-rawin", "-digest", "sha256", "-inkey"])
            .arg(repo(&format!("certs/people/{key}.key.pem")))
            .arg("-in")
            .arg(e.path("tbs"))
            .arg("-out")
            .arg(e.path(out))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    sign_with("citizen-rsa", "value");
    let finish = |value: &str, out: &Path| {
        let value = e.path(value);
        let args = [
            "sign",
            "finish",
            "--prepared",
            s(&prepared),
            "--signature-value",
            s(&value),
        ];
        e.qoltanba(&[&args[..], &["--out", s(out)]].concat())
    };
    let sig = e.path("sig.p7s");
    let o = finish("value", &sig);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(e.openssl_verify(&sig, Some(&data)));
    assert_eq!(e.verdict(&sig, Some(&data))["code"], "OK");
    sign_with("citizen2-rsa", "wrong");
    let o = finish("wrong", &e.path("no"));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("SIGNATURE_VALUE_INVALID"), "{err}");
}

/// A binary whose trust folder is missing says so, and how to fix it, with
/// no Rust type name (the first hour of a user who copied the binary).
#[test]
fn a_missing_trust_folder_is_named_with_the_fix() {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args([
            "cert",
            "verify",
            "--cert",
            repo("certs/people/citizen-rsa.pem").to_str().unwrap(),
        ])
        .env("QOLTANBA_TRUST_DIR", "/nonexistent/qoltanba-trust")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no trust folder at /nonexistent/qoltanba-trust")
            && err.contains("QOLTANBA_TRUST_DIR")
            && err.contains("--trust FILE"),
        "{err}"
    );
    assert!(!err.contains("Os {"), "{err}");
}
