//! The signer key store: PKCS#12 import (CLI and library), sealing at rest,
//! loading a key that signs, and whether a certificate may sign.
//!
//! Every PKCS#12 here is made at test time by the real `openssl pkcs12
//! -export` from the demo PKI (`certs/people/*.pem` + `*.key.pem`, issuers
//! from `certs/trust/`), in OpenSSL 3's default form (PBES2/AES-256-CBC,
//! HMAC-SHA-256) and the legacy forms (`-legacy`; PBE-SHA1-3DES with a SHA-1
//! MAC), with a password and with the empty one. `openssl` is required:
//! without it the tests fail, nothing is skipped.

mod common;
use common::pem_der_at;

use base64::Engine;
use qoltanba::keys::{self, KeyError, KeyOptions, KeyStore, LoadedKey, MasterKeyOrigin};
use qoltanba::pki::TrustStore;
use qoltanba::pki::algorithms::{Digest, Scheme};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::signer::Signer;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The demo PKI shipped with the source.
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/certs");
/// 2026-06-01T00:00:00Z: every demo person but `expired` is in force.
const AT: i64 = 1_780_272_000;
const PASSWORD: &str = "Qupiya-sөz 123";
const IIN: &str = "880101300123";

fn demo(rel: &str) -> PathBuf {
    Path::new(DEMO).join(rel)
}

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("openssl is required for these tests: {e}"));
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The protection a PKCS#12 is made with.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// OpenSSL 3's default: PBES2 / PBKDF2 / AES-256-CBC, HMAC-SHA-256 MAC.
    Default,
    /// `-legacy`: RC2-40 certificates, 3DES key, SHA-1 MAC.
    Legacy,
    /// `-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1`.
    TripleDes,
}

/// Makes `<dir>/<name>.p12` for demo person `person` with `issuers` (files
/// under certs/trust) added, under `password`.
fn make_p12(dir: &Path, person: &str, issuers: &[&str], form: Form, password: &str) -> PathBuf {
    let out = dir.join(format!("{person}-{form:?}-{}.p12", password.len()));
    let cert = demo(&format!("people/{person}.pem"));
    let key = demo(&format!("people/{person}.key.pem"));
    let pass = format!("pass:{password}");
    let mut args: Vec<String> = vec![
        "pkcs12".into(),
        "-export".into(),
        "-in".into(),
        cert.display().to_string(),
        "-inkey".into(),
        key.display().to_string(),
        "-passout".into(),
        pass,
        "-out".into(),
        out.display().to_string(),
    ];
    if !issuers.is_empty() {
        let bundle = dir.join(format!("{person}-issuers.pem"));
        let mut pem = Vec::new();
        for i in issuers {
            pem.extend(std::fs::read(demo(&format!("trust/{i}"))).expect("issuer"));
        }
        std::fs::write(&bundle, pem).expect("bundle");
        args.extend(["-certfile".into(), bundle.display().to_string()]);
    }
    match form {
        Form::Default => {}
        Form::Legacy => args.push("-legacy".into()),
        Form::TripleDes => args.extend(
            [
                "-keypbe",
                "PBE-SHA1-3DES",
                "-certpbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ]
            .map(String::from),
        ),
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    openssl(&refs);
    out
}

fn pkcs8_of(person: &str) -> Vec<u8> {
    pem_der_at(&demo(&format!("people/{person}.key.pem")))
}

fn cert_of(person: &str) -> Certificate {
    Certificate::from_der(&pem_der_at(&demo(&format!("people/{person}.pem")))).expect("demo cert")
}

/// A data folder and a master key file (hex) in a temporary folder.
struct Place {
    tmp: TempDir,
}

impl Place {
    /// A PKCS#12 of a demo person made by openssl in this place (see `make_p12`).
    fn p12(&self, person: &str, issuers: &[&str], form: Form, password: &str) -> PathBuf {
        make_p12(self.dir(), person, issuers, form, password)
    }

    fn new() -> Place {
        let tmp = tempfile::tempdir().expect("tempdir");
        let hex: String = (0u8..32).map(|b| format!("{:02x}", b * 7 + 3)).collect();
        std::fs::write(tmp.path().join("master.hex"), format!("{hex}\n")).expect("master key");
        Place { tmp }
    }
    fn dir(&self) -> &Path {
        self.tmp.path()
    }
    fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }
    fn master(&self) -> PathBuf {
        self.tmp.path().join("master.hex")
    }
    fn store(&self) -> KeyStore {
        KeyStore::open(&self.data(), Some(&self.master())).expect("store opens")
    }
    fn key_file(&self, id: &str) -> PathBuf {
        self.data().join("keys").join(format!("{id}.json"))
    }
    /// Runs the binary with this place's data folder and master key.
    fn cli(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_qoltanba"));
        cmd.args(args)
            .env("QOLTANBA_DATA_DIR", self.data())
            .env("QOLTANBA_MASTER_KEY_FILE", self.master());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("qoltanba runs")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Verifies a signature over `msg` with `ring`, against the public key of
/// the certificate (not the signer's own idea of its key).
fn verify_with_cert(cert_der: &[u8], scheme: Scheme, msg: &[u8], sig: &[u8]) {
    use ring::signature as rs;
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).expect("certificate");
    let alg: &dyn rs::VerificationAlgorithm = match scheme {
        Scheme::RsaPkcs1(Digest::Sha256) => &rs::RSA_PKCS1_2048_8192_SHA256,
        Scheme::RsaPss {
            digest: Digest::Sha256,
            ..
        } => &rs::RSA_PSS_2048_8192_SHA256,
        Scheme::Ecdsa(Digest::Sha256) => &rs::ECDSA_P256_SHA256_ASN1,
        Scheme::Ecdsa(Digest::Sha384) => &rs::ECDSA_P384_SHA384_ASN1,
        other => panic!("unexpected scheme {other:?}"),
    };
    rs::UnparsedPublicKey::new(
        alg,
        &cert.tbs_certificate.subject_pki.subject_public_key.data,
    )
    .verify(msg, sig)
    .expect("signature verifies against the certificate's key");
}

fn signs(key: &LoadedKey, pss: bool) {
    let msg = b"application #4471: signed by the key store";
    let sig = key.sign(msg).expect("signs");
    assert_eq!(matches!(key.scheme(), Scheme::RsaPss { .. }), pss);
    verify_with_cert(&key.cert_der, key.scheme(), msg, &sig);
}

/// No 32-byte window of `secret` in `haystack`.
fn no_window<'a>(haystack: &[u8], mut windows: impl Iterator<Item = &'a [u8]>, what: &str) {
    let hay: std::collections::HashSet<&[u8]> = haystack.windows(32).collect();
    assert!(
        !windows.any(|w| hay.contains(w)),
        "{what} holds 32 bytes of the private key"
    );
}

/// The stored file holds no 32-byte window of the PKCS#8 key; decoded, its
/// base64 fields hold none of the key's private parts (the PKCS#8 also
/// carries the public key, which the certificate rightly holds in clear).
fn assert_sealed(file: &Path, pkcs8: &[u8], cert: &[u8]) {
    let bytes = std::fs::read(file).expect("key file");
    no_window(&bytes, pkcs8.windows(32), "the key file");
    let public: std::collections::HashSet<&[u8]> = cert.windows(32).collect();
    let private: Vec<&[u8]> = pkcs8.windows(32).filter(|w| !public.contains(w)).collect();
    assert!(private.len() > pkcs8.len() / 3, "the key has private parts");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("key file is JSON");
    let mut strings = Vec::new();
    collect_strings(&json, &mut strings);
    for s in strings {
        if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(&s) {
            no_window(
                &decoded,
                private.iter().copied(),
                "a base64 field of the key file",
            );
        }
    }
    assert_mode_0600(file);
}

#[test]
fn the_sealed_check_catches_a_key_in_clear() {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    for person in ["citizen-rsa", "citizen-ec"] {
        let pkcs8 = pkcs8_of(person);
        let file = tmp.path().join(format!("{person}.json"));
        let json = serde_json::json!({
            "certificate": base64::engine::general_purpose::STANDARD.encode(cert_of(person).der),
            "sealed_key": { "ciphertext": base64::engine::general_purpose::STANDARD.encode(&pkcs8) },
        });
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&file)
            .expect("create");
        std::io::Write::write_all(&mut f, json.to_string().as_bytes()).expect("write");
        let caught = std::panic::catch_unwind(|| {
            assert_sealed(&file, &pkcs8, &cert_of(person).der);
        });
        assert!(caught.is_err(), "{person}: a clear key went unnoticed");
    }
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

fn assert_mode_0600(path: &Path) {
    let mode = std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "{} has mode {mode:o}", path.display());
}

fn code<T: std::fmt::Debug>(r: Result<T, KeyError>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

// ---------------------------------------------------------------------------
// Import through the command line
// ---------------------------------------------------------------------------

#[test]
fn cli_imports_every_form_and_seals_the_key() {
    let place = Place::new();
    let cases = [
        ("citizen-rsa", Form::Default, PASSWORD),
        ("citizen-rsa", Form::Legacy, PASSWORD),
        ("citizen-rsa", Form::TripleDes, PASSWORD),
        ("citizen-rsa", Form::Default, ""),
        ("citizen-rsa", Form::TripleDes, ""),
        ("citizen-ec", Form::Default, PASSWORD),
        ("citizen-ec", Form::Legacy, PASSWORD),
        ("citizen-ec", Form::TripleDes, ""),
        ("citizen-ec", Form::Default, ""),
    ];
    for (i, (person, form, password)) in cases.into_iter().enumerate() {
        let issuers: &[&str] = if person == "citizen-ec" {
            &["root-ca.pem", "nca-ec.pem"]
        } else {
            &["root-ca.pem", "nca-rsa.pem"]
        };
        let p12 = place.p12(person, issuers, form, password);
        let id = format!("{person}-{i}");
        let p12s = p12.display().to_string();
        let mut args = vec!["keys", "import", "--p12", &p12s, "--id", &id];
        if !password.is_empty() {
            args.extend(["--password-env", "P12_PASSWORD"]);
        }
        let out = place.cli(&args, &[("P12_PASSWORD", password)]);
        assert!(
            out.status.success(),
            "{person} {form:?} {password:?}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).contains(IIN), "{}", stdout(&out));
        // A configured master key: no warning, and the password is nowhere.
        assert!(!stderr(&out).contains("generated master key"));
        if !password.is_empty() {
            assert!(!stdout(&out).contains(password) && !stderr(&out).contains(password));
        }
        assert_sealed(
            &place.key_file(&id),
            &pkcs8_of(person),
            &cert_of(person).der,
        );
        let key = place.store().load(&id).expect("loads");
        signs(&key, false);
        // Issuers in chain order, whatever order the file listed them in.
        let chain: Vec<Certificate> = key
            .chain_der
            .iter()
            .map(|d| Certificate::from_der(d).expect("issuer"))
            .collect();
        assert_eq!(chain.len(), 2, "{person} {form:?}");
        assert!(key.certificate().expect("cert").named_issuer_is(&chain[0]));
        assert!(chain[0].named_issuer_is(&chain[1]) && chain[1].is_self_issued());
        assert_eq!(key.certificates().count(), 3);
    }
    assert_mode_0600(&place.key_file("citizen-rsa-0"));
}

#[test]
fn cli_list_shows_the_facts_and_remove_removes() {
    let place = Place::new();
    let rsa = place.p12("citizen-rsa", &["nca-rsa.pem"], Form::Default, PASSWORD);
    let ec = place.p12("citizen-ec", &[], Form::Legacy, "");
    let env = [("PW", PASSWORD)];
    let rsa_s = rsa.display().to_string();
    let ec_s = ec.display().to_string();
    let out = place.cli(
        &[
            "keys",
            "import",
            "--p12",
            &rsa_s,
            "--id",
            "citizen-rsa",
            "--password-env",
            "PW",
        ],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = place.cli(
        &["keys", "import", "--p12", &ec_s, "--id", "citizen-ec"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = place.cli(&["keys", "list", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON list");
    let keys = list.as_array().expect("array");
    assert_eq!(keys.len(), 2);
    let rsa_info = &keys[1];
    assert_eq!(rsa_info["id"], "citizen-rsa");
    assert_eq!(rsa_info["iin"], IIN);
    assert_eq!(rsa_info["serial"], cert_of("citizen-rsa").serial_hex());
    assert_eq!(rsa_info["profile"], "sign");
    assert_eq!(rsa_info["key_algorithm"], "RSA-2048");
    assert_eq!(rsa_info["not_after"], "2030-12-31T00:00:00Z");
    assert_eq!(rsa_info["chain_length"], 1);
    assert!(
        rsa_info["subject"]
            .as_str()
            .is_some_and(|s| s.contains("IIN880101300123"))
    );
    assert_eq!(keys[0]["key_algorithm"], "ECDSA P-256");

    let out = place.cli(&["keys", "list"], &[]);
    let text = stdout(&out);
    assert!(out.status.success());
    assert!(text.contains("citizen-rsa") && text.contains(IIN), "{text}");
    assert!(text.contains("RSA-2048") && text.contains("sign"), "{text}");

    let out = place.cli(&["keys", "remove", "citizen-rsa"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!place.key_file("citizen-rsa").exists());
    let out = place.cli(&["keys", "list", "--format", "json"], &[]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON list");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert!(!stdout(&out).contains("citizen-rsa"));

    let out = place.cli(&["keys", "remove", "citizen-rsa"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("KEY_NOT_FOUND"), "{err}");
}

#[test]
fn cli_refusals_have_codes() {
    let place = Place::new();
    let p12 = place.p12("citizen-rsa", &[], Form::Default, PASSWORD);
    let p = p12.display().to_string();
    let import = |id: &str, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "keys", "import", "--p12", &p, "--id", id, "--format", "json",
        ];
        args.extend(extra);
        place.cli(&args, env)
    };
    let json_code = |o: &Output| -> String {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON error");
        assert!(v["message"]["kk"].is_string() && v["message"]["ru"].is_string());
        v["code"].as_str().unwrap_or_default().to_string()
    };

    let wrong = import(
        "k",
        &["--password-env", "PW"],
        &[("PW", "not the password")],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(json_code(&wrong), "KEY_P12_INVALID");
    let none = import("k", &[], &[]);
    assert_eq!(json_code(&none), "KEY_P12_INVALID");

    let bad_id = import("../escape", &["--password-env", "PW"], &[("PW", PASSWORD)]);
    assert_eq!(json_code(&bad_id), "KEY_ID_INVALID");

    let ok = import("k", &["--password-env", "PW"], &[("PW", PASSWORD)]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let again = import("k", &["--password-env", "PW"], &[("PW", PASSWORD)]);
    assert_eq!(json_code(&again), "KEY_EXISTS");
    let replaced = import(
        "k",
        &["--password-env", "PW", "--replace"],
        &[("PW", PASSWORD)],
    );
    assert!(replaced.status.success(), "{}", stderr(&replaced));

    // An unset password variable is a usage error, not an empty password.
    let unset = place.cli(
        &[
            "keys",
            "import",
            "--p12",
            &p,
            "--id",
            "k2",
            "--password-env",
            "QOLTANBA_TEST_UNSET_VAR",
        ],
        &[],
    );
    assert_eq!(unset.status.code(), Some(2));

    let text = place.cli(&["keys", "import", "--p12", &p, "--id", "k3"], &[]);
    let err = stderr(&text);
    assert!(err.contains("KEY_P12_INVALID"), "{err}");
}

#[test]
fn cli_generates_a_master_key_and_warns() {
    let place = Place::new();
    let p12 = place.p12("citizen-ec", &[], Form::Default, "");
    let out = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args([
            "keys",
            "import",
            "--p12",
            &p12.display().to_string(),
            "--id",
            "ec",
        ])
        .env("QOLTANBA_DATA_DIR", place.data())
        .env_remove("QOLTANBA_MASTER_KEY_FILE")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("generated master key"), "{err}");
    let master = place.data().join("master.key");
    assert_mode_0600(&master);
    let keys_dir = std::fs::metadata(place.data().join("keys")).expect("keys folder");
    assert_eq!(keys_dir.permissions().mode() & 0o777, 0o700);
    assert_eq!(std::fs::read(&master).map(|b| b.len()).ok(), Some(32));
    // The generated key itself is never printed.
    let hex = qoltanba::pki::cert::hex(&std::fs::read(&master).expect("master"));
    assert!(
        !stdout(&out).to_uppercase().contains(&hex) && !stderr(&out).to_uppercase().contains(&hex)
    );

    let store = KeyStore::open(&place.data(), None).expect("opens");
    assert_eq!(
        store.master_key_origin(),
        &MasterKeyOrigin::Generated(master.clone())
    );
    signs(
        &store.load("ec").expect("loads with the generated key"),
        false,
    );
    // Another master key does not open it.
    assert_eq!(code(place.store().load("ec")), "KEY_SEAL_INVALID");
}

// ---------------------------------------------------------------------------
// The library
// ---------------------------------------------------------------------------

#[test]
fn library_import_load_and_sign() {
    let place = Place::new();
    let store = place.store();
    for (person, issuers) in [("citizen-rsa", "nca-rsa.pem"), ("citizen-ec", "nca-ec.pem")] {
        let p12 = place.p12(person, &[issuers], Form::Legacy, PASSWORD);
        let bytes = std::fs::read(&p12).expect("p12");
        let info = store
            .import_p12(&bytes, PASSWORD, person, false)
            .expect("imports");
        assert_eq!(info.iin.as_deref(), Some(IIN));
        assert_eq!(info.serial, cert_of(person).serial_hex());
        assert_sealed(
            &place.key_file(person),
            &pkcs8_of(person),
            &cert_of(person).der,
        );
        let key = store.load(person).expect("loads");
        assert_eq!(key.cert_der, cert_of(person).der);
        signs(&key, false);
        key.check_usable(&trust(), AT).expect("usable");

        // In memory, as `sign --p12` does.
        let mem = keys::open_p12(&bytes, PASSWORD).expect("opens in memory");
        assert_eq!(mem.cert_der, key.cert_der);
        assert_eq!(mem.chain_der, key.chain_der);
        signs(&mem, false);
        assert_eq!(code(keys::open_p12(&bytes, "wrong")), "KEY_P12_INVALID");
        assert_eq!(
            code(store.import_p12(&bytes, "wrong", "x", false)),
            "KEY_P12_INVALID"
        );
    }
    let pss = store
        .load_with(
            "citizen-rsa",
            KeyOptions {
                digest: None,
                pss: true,
            },
        )
        .expect("PSS");
    signs(&pss, true);

    let ids: Vec<String> = store
        .list()
        .expect("lists")
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(ids, ["citizen-ec", "citizen-rsa"]);
    store.remove("citizen-ec").expect("removes");
    assert_eq!(code(store.load("citizen-ec")), "KEY_NOT_FOUND");
    assert_eq!(code(store.remove("citizen-ec")), "KEY_NOT_FOUND");
    assert_eq!(code(store.load("no/such")), "KEY_ID_INVALID");
}

#[test]
fn wrong_master_key_renamed_or_changed_file_do_not_open() {
    let place = Place::new();
    let p12 = place.p12("citizen-rsa", &["nca-rsa.pem"], Form::Default, "");
    let bytes = std::fs::read(&p12).expect("p12");
    place
        .store()
        .import_p12(&bytes, "", "mine", false)
        .expect("imports");

    // Another master key, in each accepted form.
    let other = place.dir().join("other.key");
    std::fs::write(&other, [0x42u8; 32]).expect("write");
    let store = KeyStore::open(&place.data(), Some(&other)).expect("opens");
    assert_eq!(code(store.load("mine")), "KEY_SEAL_INVALID");
    // The same key, written as raw bytes and as base64, opens it.
    let hex = std::fs::read_to_string(place.master()).expect("hex");
    let raw: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex.trim()[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    for (name, content) in [
        ("raw.key", raw.clone()),
        (
            "b64.key",
            base64::engine::general_purpose::STANDARD
                .encode(&raw)
                .into_bytes(),
        ),
    ] {
        let f = place.dir().join(name);
        std::fs::write(&f, content).expect("write");
        let s = KeyStore::open(&place.data(), Some(&f)).expect("opens");
        signs(&s.load("mine").expect("same key, other form"), false);
    }
    // A master key file of the wrong size is refused when the store opens.
    let short = place.dir().join("short.key");
    std::fs::write(&short, b"too short").expect("write");
    assert_eq!(
        code(KeyStore::open(&place.data(), Some(&short))),
        "KEY_MASTER_KEY_INVALID"
    );

    // Renamed: the seal is bound to the id.
    let store = place.store();
    std::fs::rename(place.key_file("mine"), place.key_file("theirs")).expect("rename");
    assert_eq!(code(store.load("theirs")), "KEY_SEAL_INVALID");
    std::fs::rename(place.key_file("theirs"), place.key_file("mine")).expect("rename back");
    store.load("mine").expect("opens again under its own id");

    // Changed: another certificate in the clear part, or a flipped ciphertext bit.
    let original = std::fs::read(place.key_file("mine")).expect("read");
    let mut json: serde_json::Value = serde_json::from_slice(&original).expect("JSON");
    json["certificate"] = serde_json::Value::String(
        base64::engine::general_purpose::STANDARD.encode(cert_of("citizen2-rsa").der),
    );
    std::fs::write(
        place.key_file("mine"),
        serde_json::to_vec(&json).expect("JSON"),
    )
    .expect("write");
    assert_eq!(code(store.load("mine")), "KEY_SEAL_INVALID");
    let mut json: serde_json::Value = serde_json::from_slice(&original).expect("JSON");
    let ct = json["sealed_key"]["ciphertext"]
        .as_str()
        .expect("ciphertext")
        .to_string();
    let mut ct = base64::engine::general_purpose::STANDARD
        .decode(ct)
        .expect("b64");
    ct[10] ^= 1;
    json["sealed_key"]["ciphertext"] =
        serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(ct));
    std::fs::write(
        place.key_file("mine"),
        serde_json::to_vec(&json).expect("JSON"),
    )
    .expect("write");
    assert_eq!(code(store.load("mine")), "KEY_SEAL_INVALID");
    std::fs::write(place.key_file("mine"), b"{ not json").expect("write");
    assert_eq!(code(store.load("mine")), "KEY_SEAL_INVALID");
}

#[test]
fn signer_certificate_is_found_in_any_order() {
    // The leaf last, after its issuers: built with p12-keystore's writer.
    let leaf = pem_der_at(&demo("people/citizen-ec.pem"));
    let nca = pem_der_at(&demo("trust/nca-ec.pem"));
    let root = pem_der_at(&demo("trust/root-ca.pem"));
    let cert = |d: &[u8]| p12_keystore::Certificate::from_der(d).expect("cert");
    let chain = p12_keystore::PrivateKeyChain::new(
        vec![1u8, 2, 3],
        p12_keystore::PrivateKey::from_der(&pkcs8_of("citizen-ec")).expect("key"),
        [cert(&root), cert(&nca), cert(&leaf)],
    );
    let mut ks = p12_keystore::KeyStore::new();
    ks.add_entry("k", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    let bytes = ks.writer(PASSWORD).write().expect("writes");
    let key = keys::open_p12(&bytes, PASSWORD).expect("opens");
    assert_eq!(key.cert_der, leaf);
    assert_eq!(key.chain_der, [nca, root]);
    signs(&key, false);
}

/// A self-signed certificate and its key made by `openssl req`, as a PKCS#12
/// with the empty password.
fn self_signed_p12(dir: &Path, name: &str, newkey: &[&str]) -> Vec<u8> {
    let key = dir.join(format!("{name}.key"));
    let crt = dir.join(format!("{name}.pem"));
    let p12 = dir.join(format!("{name}.p12"));
    let (k, c, p) = (
        key.display().to_string(),
        crt.display().to_string(),
        p12.display().to_string(),
    );
    let mut args = vec![
        "req",
        "-x509",
        "-nodes",
        "-subj",
        "/CN=self-signed",
        "-days",
        "2",
    ];
    args.extend(newkey);
    args.extend(["-keyout", &k, "-out", &c]);
    openssl(&args);
    openssl(&[
        "pkcs12", "-export", "-in", &c, "-inkey", &k, "-passout", "pass:", "-out", &p,
    ]);
    std::fs::read(&p12).expect("p12")
}

#[test]
fn other_supported_keys_sign() {
    let place = Place::new();
    for (name, newkey, scheme) in [
        (
            "rsa3072",
            &["-newkey", "rsa:3072"][..],
            Scheme::RsaPkcs1(Digest::Sha256),
        ),
        (
            "p384",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"][..],
            Scheme::Ecdsa(Digest::Sha384),
        ),
    ] {
        let bytes = self_signed_p12(place.dir(), name, newkey);
        let info = place
            .store()
            .import_p12(&bytes, "", name, false)
            .expect("imports");
        assert_eq!(info.chain_length, 0);
        let key = place.store().load(name).expect("loads");
        assert_eq!(key.scheme(), scheme);
        signs(&key, false);
    }
}

#[test]
fn unsupported_keys_are_refused() {
    let place = Place::new();
    for (name, newkey, algorithm) in [
        ("rsa1024", &["-newkey", "rsa:1024"][..], "RSA-1024"),
        (
            "p521",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"][..],
            "ECDSA on curve 1.3.132.0.35",
        ),
    ] {
        let bytes = self_signed_p12(place.dir(), name, newkey);
        let err = keys::open_p12(&bytes, "").expect_err("refused");
        assert_eq!(
            err,
            KeyError::Unsupported {
                algorithm: algorithm.into()
            }
        );
        assert_eq!(
            code(place.store().import_p12(&bytes, "", name, false)),
            "KEY_UNSUPPORTED"
        );
        assert!(!place.key_file(name).exists());
    }
    // An ECDSA P-256 key cannot be asked to sign with SHA-512.
    let p12 = place.p12("citizen-ec", &[], Form::Default, "");
    let bytes = std::fs::read(p12).expect("p12");
    let opts = KeyOptions {
        digest: Some(Digest::Sha512),
        pss: false,
    };
    assert_eq!(
        code(keys::open_p12_with(&bytes, "", opts)),
        "KEY_UNSUPPORTED"
    );
}

// ---------------------------------------------------------------------------
// May the certificate sign?
// ---------------------------------------------------------------------------

fn trust() -> TrustStore {
    TrustStore::from_dir(&demo("trust")).expect("demo trust store")
}

#[test]
fn check_usable_decides_by_the_certificate() {
    let store = trust();
    let usable = |p: &str| keys::check_usable(&cert_of(p), &store, AT);
    usable("citizen-rsa").expect("citizen-rsa may sign");
    usable("citizen-ec").expect("citizen-ec may sign");
    assert_eq!(code(usable("expired")), "KEY_EXPIRED");
    assert_eq!(code(usable("revoked")), "KEY_REVOKED");
    assert_eq!(code(usable("citizen-auth")), "KEY_NOT_FOR_SIGNING");
    // Before the certificate's notBefore (2026-01-01).
    let before = keys::check_usable(&cert_of("citizen-rsa"), &store, 1_767_225_599);
    assert_eq!(code(before), "KEY_NOT_YET_VALID");
    // Without the national CA in the store there is no trusted chain.
    let empty = TrustStore::new("empty");
    assert_eq!(
        code(keys::check_usable(&cert_of("citizen-rsa"), &empty, AT)),
        "KEY_CERT_INVALID"
    );
    // Every code has its three texts.
    for c in KeyError::CODES {
        let m = qoltanba::verdict::messages::key_message(c);
        assert!(!m.kk.is_empty() && !m.ru.is_empty() && !m.en.is_empty());
    }
}
