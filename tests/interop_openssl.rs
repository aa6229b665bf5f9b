//! Interoperability with the real `openssl` command line.
//!
//! Every envelope, certificate and CRL here is made by `openssl` at test time
//! (in a temporary folder) and judged by the built `qoltanba` binary; the JSON
//! verdict's exact `code`, `indication` and the exit status are asserted. For
//! the envelopes qoltanba accepts, `openssl cms -verify` is asked too, as a
//! second judge.
//!
//! Two PKIs are used: the demo PKI in `certs/` (the embedded default store,
//! pointed to with `QOLTANBA_TRUST_DIR`), and a PKI made with `openssl req` /
//! `openssl ca` once per test process (RSA-2048 CAs, fixed validity windows
//! and CRL dates), trusted only through `--trust`.
//!
//! `openssl` is required: when it is missing every test fails with a message
//! saying so; nothing is skipped.

mod common;

use common::epoch;
use common::openssl::{Ca, KeyAlg, genkeys, openssl, openssl_output, require_openssl, s};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use tempfile::TempDir;

/// The validation time of every case unless a case says otherwise.
const AT: &str = "2026-06-01T00:00:00Z";
/// The openssl PKI trusted through `--trust root.pem --certs ica.pem`, with
/// the fresh CRLs of root and issuing CA.
const FRESH: &str = "--trust root.pem --certs ica.pem --crl root.crl --crl ica.crl";
/// The demo PKI shipped with the source.
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/certs");
/// The signed document of most cases; the marker lets tampering find it in DER.
const DATA: &[u8] = b"QOLTANBA-INTEROP: application #4471 for a housing certificate\n";

/// Certificate windows of the openssl PKI (`openssl ca -enddate`; all start
/// at `common::openssl::CERT_FROM`).
const CERT_TO: &str = "350101000000Z";
const CA_TO: &str = "450101000000Z";
/// CRL dates of the openssl PKI: fresh at `AT`.
const CRL_LAST: &str = "260501000000Z";
const CRL_NEXT: &str = "260801000000Z";
/// A one-day CRL: its nextUpdate is 30 days before `AT`.
const STALE_NEXT: &str = "260502000000Z";
/// Revocation date written into the openssl CA databases (before `AT`).
const REVOKED_ON: &str = "260201000000Z";

/// Command-line words, split on white space (no file name here has any).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

// ---------------------------------------------------------------------------
// The openssl PKI, built once per process and copied into each test's folder
// ---------------------------------------------------------------------------

/// Subject of the issuing CA (the rogue CA copies it).
const ICA_SUBJ: &str = "/C=KZ/O=Qoltanba Interop (TEST)/CN=Interop Issuing CA";

/// Builds the openssl PKI in a scratch folder and returns its files.
///
/// - `root` (anchor) → `ica` → `leaf` (IIN880101300123, nonRepudiation),
///   `noiin` (serialNumber without an IIN), `held` (on hold in
///   `ica-revoked.crl`), `leaf-p256`, `leaf-p384`.
/// - `root` → `notca` (no basicConstraints) → `under-notca`.
/// - `root` → `icarev` (revoked in `root-revoked.crl`) → `under-icarev`.
/// - `other` (another root) → `stranger`.
/// - `rogue`: self-signed with `ica`'s subject, another key; signs
///   `rogue-ica.crl` (no AKI) and `rogue-ica-aki.crl` (with its own AKI).
/// - CRLs: `root.crl`, `ica.crl` (+ `ica.crl.der`), `icarev.crl`,
///   `ica-stale.crl` (one-day), `ica-revoked.crl` (leaf revoked, held on
///   hold), `root-revoked.crl` (icarev revoked).
fn build_interop_pki() -> Vec<(String, Vec<u8>)> {
    let tmp = TempDir::new().expect("tempdir");
    let d = tmp.path();
    let rsa = [
        "root",
        "ica",
        "leaf",
        "noiin",
        "held",
        "notca",
        "under-notca",
        "icarev",
        "under-icarev",
        "other",
        "stranger",
        "rogue",
    ];
    let ec = [("leaf-p256", KeyAlg::P256), ("leaf-p384", KeyAlg::P384)];
    genkeys(d, rsa.iter().map(|n| (*n, KeyAlg::Rsa2048)).chain(ec));

    let org = "/C=KZ/O=Qoltanba Interop (TEST)";
    let root_subj = format!("{org}/CN=Interop Root");
    let root = Ca::root(d, "root", &root_subj, "1000", true, CA_TO);
    let ica = root.sub_ca("ica", ICA_SUBJ, "v3_ca", "2000", CA_TO);
    let notca_subj = format!("{org}/CN=Interop Not A CA");
    let notca = root.sub_ca("notca", &notca_subj, "v3_not_ca", "3000", CA_TO);
    let icarev_subj = format!("{org}/CN=Interop Revoked CA");
    let icarev = root.sub_ca("icarev", &icarev_subj, "v3_ca", "4000", CA_TO);
    let other_subj = "/C=KZ/O=Somebody Else (TEST)/CN=Other Root";
    let other = Ca::root(d, "other", other_subj, "5000", true, CA_TO);
    for (ca, name, serial_number, cn) in [
        (&ica, "leaf", "IIN880101300123", "INTEROP CITIZEN"),
        (&ica, "noiin", "PASSPORT N01234567", "INTEROP VISITOR"),
        (&ica, "held", "IIN920515450123", "INTEROP HELD"),
        (
            &ica,
            "leaf-p256",
            "IIN880101300123",
            "INTEROP CITIZEN P-256",
        ),
        (
            &ica,
            "leaf-p384",
            "IIN880101300123",
            "INTEROP CITIZEN P-384",
        ),
        (
            &notca,
            "under-notca",
            "IIN880101300123",
            "INTEROP UNDER NOT-A-CA",
        ),
        (
            &icarev,
            "under-icarev",
            "IIN880101300123",
            "INTEROP UNDER REVOKED CA",
        ),
        (&other, "stranger", "IIN880101300123", "INTEROP STRANGER"),
    ] {
        let subj = format!("/C=KZ/serialNumber={serial_number}/CN={cn}");
        ca.issue(name, &subj, "v3_sign", CERT_TO);
    }
    let rogue = Ca::root(d, "rogue", ICA_SUBJ, "6000", false, CA_TO);

    root.gencrl("root.crl", CRL_LAST, CRL_NEXT, &[]);
    ica.gencrl("ica.crl", CRL_LAST, CRL_NEXT, &[]);
    openssl(d, &words("crl -in ica.crl -outform DER -out ica.crl.der"));
    icarev.gencrl("icarev.crl", CRL_LAST, CRL_NEXT, &[]);
    ica.gencrl("ica-stale.crl", CRL_LAST, STALE_NEXT, &[]);
    rogue.gencrl("rogue-ica.crl", CRL_LAST, CRL_NEXT, &[]);
    let aki = ["-crlexts", "crl_ext"];
    rogue.gencrl("rogue-ica-aki.crl", CRL_LAST, CRL_NEXT, &aki);
    ica.revoke("leaf.pem", &["-crl_reason", "keyCompromise"], REVOKED_ON);
    let hold = ["-crl_hold", "holdInstructionReject"];
    ica.revoke("held.pem", &hold, REVOKED_ON);
    ica.gencrl("ica-revoked.crl", CRL_LAST, CRL_NEXT, &[]);
    root.revoke("icarev.pem", &["-crl_reason", "CACompromise"], REVOKED_ON);
    root.gencrl("root-revoked.crl", CRL_LAST, CRL_NEXT, &[]);

    let mut files = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if p.is_file() && !name.ends_with(".csr") {
            files.push((name, std::fs::read(&p).unwrap()));
        }
    }
    files
}

fn interop_pki_files() -> &'static [(String, Vec<u8>)] {
    static PKI: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PKI.get_or_init(build_interop_pki)
}

// ---------------------------------------------------------------------------
// A test's folder, signing and verifying
// ---------------------------------------------------------------------------

/// Which trust store the binary falls back to when no `--trust` is given.
enum Store {
    /// The demo PKI's `certs/trust`.
    Demo,
    /// An empty folder: cases must bring their own `--trust`.
    Empty,
}

struct Fixture {
    dir: TempDir,
    store: Store,
}

/// A signer for `openssl cms -sign`: certificate, key, and `-keyopt`s.
struct Signer {
    cert: String,
    key: String,
    keyopts: Vec<String>,
}

impl Signer {
    fn opt(mut self, keyopt: &str) -> Signer {
        self.keyopts.push(keyopt.to_string());
        self
    }
}

/// A demo PKI person from `certs/people`.
fn demo(name: &str) -> Signer {
    Signer {
        cert: format!("{DEMO}/people/{name}.pem"),
        key: format!("{DEMO}/people/{name}.key.pem"),
        keyopts: Vec::new(),
    }
}

impl Fixture {
    /// A folder with `data.txt`, verifying against the demo store.
    fn demo() -> Fixture {
        require_openssl();
        let f = Fixture {
            dir: TempDir::new().expect("tempdir"),
            store: Store::Demo,
        };
        f.write("data.txt", DATA);
        f
    }

    /// A folder with `data.txt` and the openssl PKI; the default store is empty.
    fn interop() -> Fixture {
        require_openssl();
        let f = Fixture {
            dir: TempDir::new().expect("tempdir"),
            store: Store::Empty,
        };
        for (name, bytes) in interop_pki_files() {
            f.write(name, bytes);
        }
        std::fs::create_dir_all(f.dir.path().join("empty-store")).unwrap();
        f.write("data.txt", DATA);
        f
    }

    fn path(&self, name: &str) -> String {
        s(&self.dir.path().join(name)).to_string()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
        self.path(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).unwrap()
    }

    /// A signer of the openssl PKI.
    fn own(&self, name: &str) -> Signer {
        Signer {
            cert: self.path(&format!("{name}.pem")),
            key: self.path(&format!("{name}.key")),
            keyopts: Vec::new(),
        }
    }

    fn openssl(&self, args: &[&str]) -> Vec<u8> {
        openssl(self.dir.path(), args)
    }

    /// `openssl cms -sign -binary -in data.txt` with `signers` and `opts`
    /// (DER unless `opts` names an `-outform`); returns the file name.
    fn sign(&self, out: &str, signers: &[Signer], opts: &[&str]) -> String {
        self.sign_file(out, "data.txt", signers, opts)
    }

    fn sign_file(&self, out: &str, input: &str, signers: &[Signer], opts: &[&str]) -> String {
        let mut args: Vec<&str> = vec!["cms", "-sign", "-binary", "-in", input];
        if !opts.contains(&"-outform") {
            args.extend(["-outform", "DER"]);
        }
        args.extend_from_slice(opts);
        for sg in signers {
            args.extend(["-signer", &sg.cert, "-inkey", &sg.key]);
            for k in &sg.keyopts {
                args.extend(["-keyopt", k]);
            }
        }
        args.extend(["-out", out]);
        self.openssl(&args);
        out.to_string()
    }

    /// `qoltanba <args>` in the folder, with `--at AT` unless given.
    fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let validates = args.first() == Some(&"verify") || args.starts_with(&["cert", "verify"]);
        if validates && !args.contains(&"--at") {
            all.extend(["--at".to_string(), AT.to_string()]);
        }
        let trust_dir = match self.store {
            Store::Demo => format!("{DEMO}/trust"),
            Store::Empty => self.path("empty-store"),
        };
        let out = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
            .current_dir(self.dir.path())
            .env("QOLTANBA_TRUST_DIR", &trust_dir)
            .args(&all)
            .stdin(Stdio::null())
            .output()
            .expect("run qoltanba");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        Run {
            cmd: format!("QOLTANBA_TRUST_DIR={trust_dir} qoltanba {}", all.join(" ")),
            status: out.status.code().unwrap_or(-1),
            json,
            stdout,
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    /// `qoltanba verify --signature <sig> <more>`.
    fn verify(&self, sig: &str, more: &[&str]) -> Run {
        let mut args = vec!["verify", "--signature", sig];
        args.extend_from_slice(more);
        self.run(&args)
    }

    /// `openssl cms -verify` as a second judge: `Ok(content)` or the error text.
    fn openssl_verify(
        &self,
        sig: &str,
        data: Option<&str>,
        cafile: &str,
        extra: &[&str],
    ) -> Result<Vec<u8>, String> {
        let form = if self.read(sig).starts_with(b"-----BEGIN") {
            "PEM"
        } else {
            "DER"
        };
        let at = epoch(AT).to_string();
        let out = format!("{sig}.openssl-out");
        let mut args = vec![
            "cms", "-verify", "-binary", "-inform", form, "-in", sig, "-CAfile", cafile, "-attime",
            &at, "-out", &out,
        ];
        if let Some(d) = data {
            args.extend(["-content", d]);
        }
        args.extend_from_slice(extra);
        let o = openssl_output(self.dir.path(), &args);
        if o.status.success() {
            Ok(self.read(&out))
        } else {
            Err(String::from_utf8_lossy(&o.stderr).to_string())
        }
    }

    /// openssl must accept the envelope and return exactly `DATA`.
    #[track_caller]
    fn openssl_agrees(&self, sig: &str, data: Option<&str>, cafile: &str, extra: &[&str]) {
        match self.openssl_verify(sig, data, cafile, extra) {
            Ok(content) => assert_eq!(
                content,
                self.read(data.unwrap_or("data.txt")),
                "openssl cms -verify returned other content for {sig}"
            ),
            Err(e) => panic!("openssl cms -verify rejects {sig}, which qoltanba accepts:\n{e}"),
        }
    }

    /// openssl must reject the envelope too.
    #[track_caller]
    fn openssl_rejects(&self, sig: &str, data: Option<&str>, cafile: &str, extra: &[&str]) {
        if self.openssl_verify(sig, data, cafile, extra).is_ok() {
            panic!("openssl cms -verify accepts {sig}, which qoltanba rejects");
        }
    }

    /// The demo anchors, intermediates and (base) CRLs as one PEM bundle for
    /// `openssl cms -verify -CAfile`.
    fn demo_bundle(&self) -> String {
        static BUNDLE: OnceLock<Vec<u8>> = OnceLock::new();
        let bytes = BUNDLE.get_or_init(|| {
            let mut b = Vec::new();
            for c in ["root-ca.pem", "nca-rsa.pem", "nca-ec.pem"] {
                b.extend(std::fs::read(format!("{DEMO}/trust/{c}")).unwrap());
            }
            for crl in ["root-ca.crl", "nca-rsa.crl", "nca-ec.crl"] {
                let p = format!("{DEMO}/trust/{crl}");
                let raw = std::fs::read(&p).unwrap();
                if raw.starts_with(b"-----BEGIN") {
                    b.extend(raw);
                } else {
                    b.extend(openssl(
                        Path::new(DEMO),
                        &["crl", "-inform", "DER", "-in", &p, "-outform", "PEM"],
                    ));
                }
            }
            b
        });
        self.write("demo-bundle.pem", bytes)
    }

    /// The openssl PKI's root, issuing CA and their fresh CRLs, for openssl.
    fn interop_bundle(&self) -> String {
        self.bundle(
            "interop-bundle.pem",
            &["root.pem", "ica.pem", "root.crl", "ica.crl"],
        )
    }

    /// `files` of the folder one after another in `out`, for `-CAfile`.
    fn bundle(&self, out: &str, files: &[&str]) -> String {
        let b: Vec<u8> = files.iter().flat_map(|f| self.read(f)).collect();
        self.write(out, &b)
    }
}

/// One run of the binary.
struct Run {
    cmd: String,
    status: i32,
    json: Value,
    stdout: String,
    stderr: String,
}

fn exit_for(indication: &str) -> i32 {
    match indication {
        "PASSED" => 0,
        "FAILED" => 1,
        "INDETERMINATE" => 3,
        other => panic!("unknown indication {other}"),
    }
}

impl Run {
    fn str_at(&self, ptr: &str) -> Option<&str> {
        self.json.pointer(ptr).and_then(Value::as_str)
    }

    /// The failing checks, compactly, for assertion messages.
    fn summary(&self) -> String {
        let checks: Vec<String> = self.json["checks"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|c| c["outcome"] != "passed")
                    .map(|c| {
                        format!(
                            "  {} {} {}: {}",
                            c["name"].as_str().unwrap_or("?"),
                            c["outcome"].as_str().unwrap_or("?"),
                            c["code"].as_str().unwrap_or("-"),
                            c["detail"]
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "command: {}\nexit status: {}\nverdict: {} {} (sub-indication {})\nchecks not passed:\n{}\nstderr: {}",
            self.cmd,
            self.status,
            self.str_at("/indication").unwrap_or("?"),
            self.str_at("/code").unwrap_or("?"),
            self.json["sub_indication"],
            checks.join("\n"),
            self.stderr.trim()
        )
    }

    /// Asserts the exact indication, code and exit status.
    #[track_caller]
    fn expect(&self, indication: &str, code: &str) -> &Run {
        assert!(
            !self.json.is_null(),
            "qoltanba printed no JSON verdict.\ncommand: {}\nexit status: {}\nstdout: {}\nstderr: {}",
            self.cmd,
            self.status,
            self.stdout,
            self.stderr
        );
        let got = (
            self.str_at("/indication").unwrap_or("?"),
            self.str_at("/code").unwrap_or("?"),
        );
        assert_eq!(
            got,
            (indication, code),
            "expected {indication} {code}\n{}",
            self.summary()
        );
        assert_eq!(
            self.status,
            exit_for(indication),
            "exit status does not match the indication\n{}",
            self.summary()
        );
        self
    }

    #[track_caller]
    fn ok(&self) -> &Run {
        self.expect("PASSED", "OK")
    }

    #[track_caller]
    fn sub(&self, sub_indication: &str) -> &Run {
        assert_eq!(
            self.json["sub_indication"].as_str(),
            Some(sub_indication),
            "sub-indication\n{}",
            self.summary()
        );
        self
    }

    /// The signature scheme the `algorithms` check names.
    fn scheme(&self) -> Option<&str> {
        self.check("algorithms")["detail"]["scheme"].as_str()
    }

    /// The named check of the top-level verdict.
    fn check(&self, name: &str) -> &Value {
        self.json["checks"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == name))
            .unwrap_or_else(|| panic!("no check {name}\n{}", self.summary()))
    }

    /// Each signer's code, in envelope order.
    fn signer_codes(&self) -> Vec<String> {
        self.json["signers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v["code"].as_str().unwrap_or("?").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Flips the lowest bit of the first byte of `needle` inside `bytes`.
fn flip_in(bytes: &[u8], needle: &[u8]) -> Vec<u8> {
    let i = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the content is inside the envelope");
    let mut out = bytes.to_vec();
    out[i] ^= 0x01;
    out
}

/// Flips the last byte: in a definite-length DER envelope without unsigned
/// attributes that is the last octet of the last SignerInfo's signature.
fn flip_last(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    *out.last_mut().expect("non-empty") ^= 0x01;
    out
}

/// Deterministic noise (xorshift), so a failure reproduces.
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// `att.der` (attached, by citizen-rsa) with one bit of its content
/// flipped, as `att-tampered.der`.
fn tampered_attached(f: &Fixture) -> String {
    let sig = f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]);
    f.write("att-tampered.der", &flip_in(&f.read(&sig), DATA))
}

/// A demo person's signer with RSA-PSS and the given `rsa_pss_saltlen`.
fn pss(saltlen: &str) -> Signer {
    demo("citizen-rsa")
        .opt("rsa_padding_mode:pss")
        .opt(&format!("rsa_pss_saltlen:{saltlen}"))
}

// ---------------------------------------------------------------------------
// 1. Envelopes made by `openssl cms -sign`, demo PKI
// ---------------------------------------------------------------------------

/// One test per row: openssl signs `file` as `signer` with `cms -sign`
/// options; qoltanba must pass it (naming `scheme` in the `algorithms` check
/// when a row gives one) and `openssl cms -verify` (with the row's extra
/// options) must accept it again.
macro_rules! demo_envelopes_pass {
    ($($(#[$doc:meta])* $name:ident: $file:literal by $signer:expr, $opts:expr
        => $scheme:expr, openssl $extra:expr;)*) => {$(
        $(#[$doc])*
        #[test]
        fn $name() {
            let f = Fixture::demo();
            let sig = f.sign($file, &[$signer], $opts);
            let r = f.verify(&sig, &[]);
            r.ok();
            if let Some(scheme) = $scheme {
                assert_eq!(r.scheme(), Some(scheme));
            }
            f.openssl_agrees(&sig, None, &f.demo_bundle(), $extra);
        }
    )*};
}

demo_envelopes_pass! {
    /// 2048-bit modulus, SHA-256: 256 - 32 - 2 = 222 octets of salt.
    rsa_pss_max_salt_passes: "pss-max.der" by pss("max"), &["-nodetach"]
        => Some("RSA-PSS-SHA256 (salt 222)"), openssl &[];
    rsa_pss_salt_32_passes: "pss-32.der" by pss("32"), &["-nodetach"]
        => Some("RSA-PSS-SHA256 (salt 32)"), openssl &[];
    rsa_pss_sha384_salt_48_passes: "pss-384.der" by pss("48"), &["-nodetach", "-md", "sha384"]
        => Some("RSA-PSS-SHA384 (salt 48)"), openssl &[];
    ecdsa_p256_passes: "ec.der" by demo("citizen-ec"), &["-nodetach"]
        => Some("ECDSA-SHA256"), openssl &["-crl_check_all"];
    sha384_ecdsa_p256_passes: "ec-sha384.der" by demo("citizen-ec"), &["-nodetach", "-md", "sha384"]
        => None::<&str>, openssl &[];
    /// ECDSA P-256 with SHA-512 is outside ring and goes to the RustCrypto path.
    sha512_ecdsa_p256_passes: "ec-sha512.der" by demo("citizen-ec"), &["-nodetach", "-md", "sha512"]
        => None::<&str>, openssl &[];
}

#[test]
fn attached_der_passes_and_openssl_agrees() {
    let f = Fixture::demo();
    let sig = f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]);
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.str_at("/signer/iin"), Some("880101300123"));
    assert_eq!(r.json["envelope"]["detached"], false);
    assert_eq!(r.json["envelope"]["ber"], false);
    assert_eq!(r.json["signers"].as_array().map(Vec::len), Some(1));
    assert_eq!(r.scheme(), Some("RSA-PKCS1-SHA256"));
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &["-crl_check_all"]);
}

#[test]
fn attached_pem_passes() {
    let f = Fixture::demo();
    let opts = ["-nodetach", "-outform", "PEM"];
    let sig = f.sign("att.pem", &[demo("citizen-rsa")], &opts);
    assert!(f.read(&sig).starts_with(b"-----BEGIN CMS-----"));
    f.verify(&sig, &[]).ok();
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn detached_passes_with_data_and_openssl_agrees() {
    let f = Fixture::demo();
    let sig = f.sign("det.der", &[demo("citizen-rsa")], &[]);
    let data = f.path("data.txt");
    let r = f.verify(&sig, &["--data", &data]);
    r.ok();
    assert_eq!(r.json["envelope"]["detached"], true);
    f.openssl_agrees(&sig, Some(&data), &f.demo_bundle(), &["-crl_check_all"]);
}

#[test]
fn noattr_attached_and_detached_pass() {
    let f = Fixture::demo();
    let noattr = ["-nodetach", "-noattr"];
    let att = f.sign("noattr.der", &[demo("citizen-rsa")], &noattr);
    let r = f.verify(&att, &[]);
    r.ok();
    assert_eq!(r.check("format")["detail"]["signed_attributes"], false);
    f.openssl_agrees(&att, None, &f.demo_bundle(), &[]);

    let det = f.sign("noattr-det.der", &[demo("citizen-rsa")], &["-noattr"]);
    let data = f.path("data.txt");
    f.verify(&det, &["--data", &data]).ok();
    f.openssl_agrees(&det, Some(&data), &f.demo_bundle(), &[]);

    let ec = f.sign("noattr-ec.der", &[demo("citizen-ec")], &noattr);
    f.verify(&ec, &[]).ok();
    f.openssl_agrees(&ec, None, &f.demo_bundle(), &[]);
}

#[test]
fn rsa_pss_default_salt_passes() {
    let f = Fixture::demo();
    let signer = demo("citizen-rsa").opt("rsa_padding_mode:pss");
    let sig = f.sign("pss.der", &[signer], &["-nodetach"]);
    let r = f.verify(&sig, &[]);
    r.ok();
    let scheme = r.scheme().unwrap_or_default().to_string();
    assert!(scheme.starts_with("RSA-PSS-SHA256"), "{scheme}");
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn sha384_and_sha512_rsa_pass() {
    let f = Fixture::demo();
    for md in ["sha384", "sha512"] {
        let file = format!("rsa-{md}.der");
        let sig = f.sign(&file, &[demo("citizen-rsa")], &["-nodetach", "-md", md]);
        let r = f.verify(&sig, &[]);
        r.ok();
        let scheme = format!("RSA-PKCS1-{}", md.to_uppercase());
        assert_eq!(r.scheme(), Some(scheme.as_str()));
        f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
    }
}

#[test]
fn stream_ber_der_attached_passes() {
    let f = Fixture::demo();
    let opts = ["-nodetach", "-stream"];
    let sig = f.sign("stream.der", &[demo("citizen-rsa")], &opts);
    // Indefinite length from the first element on.
    let head = &f.read(&sig)[..2];
    assert_eq!(head, &[0x30, 0x80], "openssl -stream wrote BER");
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.json["envelope"]["ber"], true);
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn stream_ber_large_content_in_chunks_passes() {
    let f = Fixture::demo();
    // Big enough for openssl to write the eContent as many OCTET STRING segments.
    let mut big = DATA.to_vec();
    big.extend(noise(200_000, 7));
    f.write("big.bin", &big);
    let opts = ["-nodetach", "-stream"];
    let sig = f.sign_file("stream-big.der", "big.bin", &[demo("citizen-ec")], &opts);
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.json["envelope"]["ber"], true);
    assert_eq!(r.json["envelope"]["content_length"], big.len());
    let out = f.openssl_verify(&sig, None, &f.demo_bundle(), &[]);
    assert_eq!(out.expect("openssl accepts"), big);
}

#[test]
fn stream_ber_pem_passes() {
    let f = Fixture::demo();
    let opts = ["-nodetach", "-stream", "-outform", "PEM"];
    let sig = f.sign("stream.pem", &[demo("citizen-rsa")], &opts);
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.json["envelope"]["ber"], true);
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

/// `openssl cms -sign -stream -outform DER` without `-nodetach` still embeds
/// the content (openssl only detaches streamed output for S/MIME): the same
/// bytes given again with `--data` must pass too.
#[test]
fn stream_ber_without_nodetach_embeds_content() {
    let f = Fixture::demo();
    let sig = f.sign("stream-det.der", &[demo("citizen-rsa")], &["-stream"]);
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.json["envelope"]["detached"], false);
    assert_eq!(r.json["envelope"]["ber"], true);
    let data = f.path("data.txt");
    f.verify(&sig, &["--data", &data]).ok();
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

/// An attached envelope whose embedded content was altered must not pass
/// because the original bytes were handed over with `--data`: the verdict
/// says `detached: false`, so the embedded content is what it vouches for.
#[test]
fn tampered_attached_content_with_original_data_does_not_pass() {
    let f = Fixture::demo();
    let bad = tampered_attached(&f);
    let data = f.path("data.txt");
    let r = f.verify(&bad, &["--data", &data]);
    r.expect("FAILED", "DIGEST_MISMATCH");
}

#[test]
fn nocerts_needs_the_signer_certificate() {
    let f = Fixture::demo();
    let opts = ["-nodetach", "-nocerts"];
    let sig = f.sign("nocerts.der", &[demo("citizen-rsa")], &opts);
    let cert = format!("{DEMO}/people/citizen-rsa.pem");
    let r = f.verify(&sig, &["--certs", &cert]);
    r.ok();
    assert_eq!(r.json["envelope"]["certificates"], 0);
    f.verify(&sig, &[])
        .expect("INDETERMINATE", "SIGNER_CERT_MISSING")
        .sub("NO_SIGNING_CERTIFICATE_FOUND");
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &["-certfile", &cert]);
}

#[test]
fn keyid_signer_identifier_passes() {
    let f = Fixture::demo();
    for who in ["citizen-rsa", "citizen-ec"] {
        let file = format!("keyid-{who}.der");
        let sig = f.sign(&file, &[demo(who)], &["-nodetach", "-keyid"]);
        let r = f.verify(&sig, &[]);
        r.ok();
        let sid = &r.check("format")["detail"]["signer_id"];
        let by_ski = sid["subject_key_identifier"].is_string();
        assert!(by_ski, "signer identified by SKI: {sid}");
        f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
    }
}

#[test]
fn two_signers_one_revoked() {
    let f = Fixture::demo();
    let signers = [demo("citizen-rsa"), demo("revoked")];
    let sig = f.sign("two.der", &signers, &["-nodetach"]);
    let r = f.verify(&sig, &[]);
    r.expect("FAILED", "CERT_REVOKED").sub("REVOKED");
    let mut codes = r.signer_codes();
    codes.sort();
    assert_eq!(codes, ["CERT_REVOKED", "OK"], "{}", r.summary());
    assert_eq!(r.json["envelope"]["signers"], 2);
    // The envelope's signer is the worst one.
    let serial = r.str_at("/signer/serial").map(str::to_lowercase);
    assert_eq!(serial.as_deref(), Some("1006"));
}

#[test]
fn two_valid_signers_rsa_and_ec_pass() {
    let f = Fixture::demo();
    let signers = [demo("citizen-rsa"), demo("citizen-ec")];
    let sig = f.sign("two-ok.der", &signers, &["-nodetach"]);
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.signer_codes(), ["OK", "OK"]);
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

// ---------------------------------------------------------------------------
// 2. Tampered and broken envelopes
// ---------------------------------------------------------------------------

#[test]
fn tampered_attached_content_is_digest_mismatch() {
    let f = Fixture::demo();
    let bad = tampered_attached(&f);
    f.verify(&bad, &[])
        .expect("FAILED", "DIGEST_MISMATCH")
        .sub("HASH_FAILURE");
    f.openssl_rejects(&bad, None, &f.demo_bundle(), &[]);
}

#[test]
fn tampered_stream_content_is_digest_mismatch() {
    let f = Fixture::demo();
    let opts = ["-nodetach", "-stream"];
    let sig = f.sign("stream.der", &[demo("citizen-ec")], &opts);
    let bad = f.write("stream-tampered.der", &flip_in(&f.read(&sig), DATA));
    f.verify(&bad, &[]).expect("FAILED", "DIGEST_MISMATCH");
}

#[test]
fn detached_with_other_data_is_digest_mismatch() {
    let f = Fixture::demo();
    let sig = f.sign("det.der", &[demo("citizen-rsa")], &[]);
    let other = f.write("other.txt", &flip_in(DATA, b"4471"));
    let r = f.verify(&sig, &["--data", &other]);
    r.expect("FAILED", "DIGEST_MISMATCH");
    f.openssl_rejects(&sig, Some(&other), &f.demo_bundle(), &[]);
}

#[test]
fn noattr_with_changed_data_is_digest_mismatch() {
    let f = Fixture::demo();
    let opts = ["-nodetach", "-noattr"];
    let att = f.sign("noattr.der", &[demo("citizen-rsa")], &opts);
    let bad = f.write("noattr-tampered.der", &flip_in(&f.read(&att), DATA));
    f.verify(&bad, &[]).expect("FAILED", "DIGEST_MISMATCH");

    let det = f.sign("noattr-det.der", &[demo("citizen-rsa")], &["-noattr"]);
    let other = f.write("other.txt", b"another document entirely\n");
    let r = f.verify(&det, &["--data", &other]);
    r.expect("FAILED", "DIGEST_MISMATCH");
}

#[test]
fn flipped_signature_is_signature_invalid() {
    let f = Fixture::demo();
    let cert = format!("{DEMO}/people/citizen-rsa.pem");
    // -nocerts: the signature value is the file's last field.
    let opts = ["-nodetach", "-nocerts"];
    let sig = f.sign("nocerts.der", &[demo("citizen-rsa")], &opts);
    let bad = f.write("nocerts-badsig.der", &flip_last(&f.read(&sig)));
    f.verify(&bad, &["--certs", &cert])
        .expect("FAILED", "SIGNATURE_INVALID")
        .sub("SIG_CRYPTO_FAILURE");
    f.openssl_rejects(&bad, None, &f.demo_bundle(), &["-certfile", &cert]);

    // With certificates the signature is still the last field; without
    // signed attributes (the last row) the RSA padding breaks: still a bad
    // signature.
    let pss = demo("citizen-rsa").opt("rsa_padding_mode:pss");
    for (file, signer, opts) in [
        ("att", demo("citizen-rsa"), &["-nodetach"][..]),
        ("ec", demo("citizen-ec"), &["-nodetach"]),
        ("pss", pss, &["-nodetach"]),
        ("noattr", demo("citizen-rsa"), &["-nodetach", "-noattr"]),
    ] {
        let sig = f.sign(&format!("{file}.der"), &[signer], opts);
        let bad = f.write(&format!("{file}-badsig.der"), &flip_last(&f.read(&sig)));
        f.verify(&bad, &[]).expect("FAILED", "SIGNATURE_INVALID");
    }
}

#[test]
fn truncated_random_and_empty_are_envelope_malformed() {
    let f = Fixture::demo();
    let sig = f.read(&f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]));
    let half = f.write("half.der", &sig[..sig.len() / 2]);
    f.verify(&half, &[])
        .expect("FAILED", "ENVELOPE_MALFORMED")
        .sub("FORMAT_FAILURE");
    let opts = ["-nodetach", "-stream"];
    let stream = f.read(&f.sign("stream.der", &[demo("citizen-rsa")], &opts));
    let mut der_like = vec![0x30, 0x82, 0x03, 0xFC];
    der_like.extend(noise(1020, 42));
    for (file, bytes) in [
        ("short.der", &sig[..sig.len() - 1]),
        // Without the final end-of-contents octets.
        ("stream-open.der", &stream[..stream.len() - 2]),
        ("random.bin", &noise(1024, 0x9E37_79B9_7F4A_7C15)),
        ("random-der.bin", &der_like),
        ("empty.der", b""),
    ] {
        let bad = f.write(file, bytes);
        f.verify(&bad, &[]).expect("FAILED", "ENVELOPE_MALFORMED");
    }
}

#[test]
fn detached_without_data_is_content_missing() {
    let f = Fixture::demo();
    let sig = f.sign("det.der", &[demo("citizen-rsa")], &[]);
    f.verify(&sig, &[])
        .expect("INDETERMINATE", "CONTENT_MISSING")
        .sub("SIGNED_DATA_NOT_FOUND");
}

#[test]
fn sha1_is_algorithm_unsupported() {
    let f = Fixture::demo();
    for who in ["citizen-rsa", "citizen-ec"] {
        let file = format!("sha1-{who}.der");
        let sig = f.sign(&file, &[demo(who)], &["-nodetach", "-md", "sha1"]);
        f.verify(&sig, &[])
            .expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED")
            .sub("CRYPTO_CONSTRAINTS_FAILURE");
    }
}

#[test]
fn missing_signature_file_is_a_usage_error() {
    let f = Fixture::demo();
    let r = f.verify(&f.path("no-such-file.der"), &[]);
    assert_eq!(r.status, 2, "{}", r.summary());
    assert!(r.json.is_null(), "no verdict on a usage error");
}

// ---------------------------------------------------------------------------
// 3. Revocation, validity, key usage and IIN with the demo store
// ---------------------------------------------------------------------------

fn demo_verdict(who: &str, more: &[&str]) -> Run {
    let f = Fixture::demo();
    let sig = f.sign(&format!("{who}.der"), &[demo(who)], &["-nodetach"]);
    f.verify(&sig, more)
}

/// One test per row: a demo person signs an attached envelope, verified with
/// the row's options; the verdict must be exactly the row's indication, code
/// and sub-indication.
macro_rules! demo_verdicts {
    ($($name:ident: $who:literal $more:expr => $ind:literal $code:literal / $sub:literal;)*) => {$(
        #[test]
        fn $name() {
            demo_verdict($who, $more).expect($ind, $code).sub($sub);
        }
    )*};
}

demo_verdicts! {
    revoked_in_delta_crl: "revoked-delta" &[] => "FAILED" "CERT_REVOKED" / "REVOKED";
    on_hold_is_indeterminate: "on-hold" &[] => "INDETERMINATE" "CERT_REVOKED" / "REVOKED_ON_HOLD";
    expired_certificate: "expired" &[] => "INDETERMINATE" "CERT_EXPIRED" / "OUT_OF_BOUNDS_NO_POE";
    authentication_certificate_cannot_sign: "citizen-auth" &[]
        => "FAILED" "KEY_USAGE_INVALID" / "SIG_CONSTRAINTS_FAILURE";
    before_the_validity_window_is_not_yet_valid: "citizen-rsa" &["--at", "2025-06-01T00:00:00Z"]
        => "FAILED" "CERT_NOT_YET_VALID" / "NOT_YET_VALID";
}

#[test]
fn revoked_in_base_crl() {
    let r = demo_verdict("revoked", &[]);
    r.expect("FAILED", "CERT_REVOKED").sub("REVOKED");
    let reason = &r.check("revocation")["detail"]["decided_by"]["reason"];
    assert_eq!(reason.as_str(), Some("keyCompromise"));
}

#[test]
fn other_demo_signers_pass() {
    let f = Fixture::demo();
    for who in ["citizen2-rsa", "no-eku", "employee", "head", "operator"] {
        let sig = f.sign(&format!("{who}.der"), &[demo(who)], &["-nodetach"]);
        f.verify(&sig, &[]).ok();
    }
}

#[test]
fn iin_checks() {
    let f = Fixture::demo();
    let sig = f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]);
    let r = f.verify(&sig, &["--iin", "880101300123"]);
    r.ok();
    assert_eq!(r.check("iin")["outcome"], "passed");
    // citizen2-rsa's IIN: valid, but not this signer's.
    f.verify(&sig, &["--iin", "920515450123"])
        .expect("FAILED", "IIN_MISMATCH")
        .sub("SIG_CONSTRAINTS_FAILURE");
    // A wrong check digit; one digit short.
    for iin in ["880101300124", "88010130012"] {
        f.verify(&sig, &["--iin", iin])
            .expect("FAILED", "IIN_INVALID");
    }
}

#[test]
fn revoked_certificate_before_its_revocation_date_passes() {
    // Revoked on 2026-02-01 (base CRL); the delta one on 2026-03-01.
    demo_verdict("revoked", &["--at", "2026-01-15T00:00:00Z"]).ok();
    demo_verdict("revoked-delta", &["--at", "2026-02-15T00:00:00Z"]).ok();
}

// ---------------------------------------------------------------------------
// 4. A PKI made by `openssl req` / `openssl ca`, trusted through --trust
// ---------------------------------------------------------------------------

impl Fixture {
    /// `<who>` of the openssl PKI signs an attached envelope `<who>.der`.
    fn own_attached(&self, who: &str) -> String {
        self.sign(&format!("{who}.der"), &[self.own(who)], &["-nodetach"])
    }
}

/// One test per row: `who` of the openssl PKI signs an attached envelope,
/// verified with the row's command line; the verdict must be exactly the
/// row's indication and code (and sub-indication when the row gives one).
macro_rules! openssl_pki_verdicts {
    ($($(#[$doc:meta])* $name:ident: $who:literal, $args:literal
        => $ind:literal $code:literal $(/ $sub:literal)?;)*) => {$(
        $(#[$doc])*
        #[test]
        fn $name() {
            let f = Fixture::interop();
            let sig = f.own_attached($who);
            let _r = f.verify(&sig, &words($args));
            _r.expect($ind, $code)$(.sub($sub))?;
        }
    )*};
}

openssl_pki_verdicts! {
    /// Same issuer name as the issuing CA, another key, no AKI to tell them apart.
    openssl_pki_crl_signed_by_another_key_is_crl_invalid: "leaf",
        "--trust root.pem --certs ica.pem --crl root.crl --crl rogue-ica.crl"
        => "INDETERMINATE" "CRL_INVALID" / "CERTIFICATE_CHAIN_GENERAL_FAILURE";
    /// The rogue CRL names its own key in its AKI: it is not the issuing CA's
    /// CRL at all, so no CRL covers the leaf.
    openssl_pki_crl_of_another_key_with_its_aki_is_out_of_scope: "leaf",
        "--trust root.pem --certs ica.pem --crl root.crl --crl rogue-ica-aki.crl"
        => "INDETERMINATE" "REVOCATION_UNAVAILABLE";
}

#[test]
fn openssl_pki_valid_chain_and_crls_pass() {
    let f = Fixture::interop();
    let sig = f.own_attached("leaf");
    let r = f.verify(&sig, &words(FRESH));
    r.ok();
    assert_eq!(r.str_at("/signer/iin"), Some("880101300123"));
    let path = r.check("chain")["detail"]["path"].as_array().map(Vec::len);
    assert_eq!(path, Some(3), "leaf, issuing CA, root");
    assert_eq!(r.check("revocation")["outcome"], "passed");
    f.openssl_agrees(&sig, None, &f.interop_bundle(), &["-crl_check_all"]);

    // The same CRL in DER.
    let der = "--trust root.pem --certs ica.pem --crl root.crl --crl ica.crl.der";
    f.verify(&sig, &words(der)).ok();

    // And with the matching IIN.
    f.verify(&sig, &words(&format!("{FRESH} --iin 880101300123")))
        .ok();

    // Detached.
    let det = f.sign("leaf-det.der", &[f.own("leaf")], &[]);
    f.verify(&det, &words(&format!("{FRESH} --data data.txt")))
        .ok();
}

#[test]
fn openssl_pki_cert_verify_subcommand() {
    let f = Fixture::interop();
    let base = "cert verify --cert leaf.pem --trust root.pem --certs ica.pem --crl root.crl";
    f.run(&words(&format!("{base} --crl ica.crl"))).ok();
    f.run(&words(&format!("{base} --crl ica-revoked.crl")))
        .expect("FAILED", "CERT_REVOKED");
    f.run(&words(base))
        .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE");
}

#[test]
fn openssl_pki_intermediate_carried_in_the_envelope() {
    let f = Fixture::interop();
    let opts = ["-nodetach", "-certfile", "ica.pem"];
    let sig = f.sign("leaf-chain.der", &[f.own("leaf")], &opts);
    let r = f.verify(
        &sig,
        &words("--trust root.pem --crl root.crl --crl ica.crl"),
    );
    r.ok();
    assert_eq!(r.json["envelope"]["certificates"], 2);
}

#[test]
fn openssl_pki_ecdsa_leaves_pass() {
    let f = Fixture::interop();
    for who in ["leaf-p256", "leaf-p384"] {
        for md in ["sha256", "sha384"] {
            let file = format!("{who}-{md}.der");
            let sig = f.sign(&file, &[f.own(who)], &["-nodetach", "-md", md]);
            f.openssl_agrees(&sig, None, &f.interop_bundle(), &["-crl_check_all"]);
            f.verify(&sig, &words(FRESH)).ok();
        }
    }
}

/// ECDSA with SHA-512 (P-256 and P-384) goes to the RustCrypto path.
#[test]
fn openssl_pki_ecdsa_sha512_passes() {
    let f = Fixture::interop();
    for who in ["leaf-p256", "leaf-p384"] {
        let file = format!("{who}-sha512.der");
        let sig = f.sign(&file, &[f.own(who)], &["-nodetach", "-md", "sha512"]);
        f.openssl_agrees(&sig, None, &f.interop_bundle(), &["-crl_check_all"]);
        f.verify(&sig, &words(FRESH)).ok();
    }
}

/// The openssl PKI with `ica-revoked.crl` (leaf revoked, held on hold).
const REVOKED: &str = "--trust root.pem --certs ica.pem --crl root.crl --crl ica-revoked.crl";

#[test]
fn openssl_pki_revoked_leaf() {
    let f = Fixture::interop();
    let sig = f.own_attached("leaf");
    let r = f.verify(&sig, &words(REVOKED));
    r.expect("FAILED", "CERT_REVOKED").sub("REVOKED");
    let reason = &r.check("revocation")["detail"]["decided_by"]["reason"];
    assert_eq!(reason.as_str(), Some("keyCompromise"));
    // openssl agrees that it is revoked.
    let files = ["root.pem", "ica.pem", "root.crl", "ica-revoked.crl"];
    let bundle = f.bundle("revoked-bundle.pem", &files);
    f.openssl_rejects(&sig, None, &bundle, &["-crl_check_all"]);
    // Before the revocation date the same CRL says good.
    f.verify(
        &sig,
        &words(&format!("{REVOKED} --at 2026-01-15T00:00:00Z")),
    )
    .ok();
}

#[test]
fn openssl_pki_certificate_hold() {
    let f = Fixture::interop();
    let sig = f.own_attached("held");
    f.verify(&sig, &words(FRESH)).ok();
    f.verify(&sig, &words(REVOKED))
        .expect("INDETERMINATE", "CERT_REVOKED")
        .sub("REVOKED_ON_HOLD");
}

#[test]
fn openssl_pki_revoked_intermediate() {
    let f = Fixture::interop();
    let sig = f.own_attached("under-icarev");
    let good = "--trust root.pem --certs icarev.pem --crl root.crl --crl icarev.crl";
    f.verify(&sig, &words(good)).ok();
    let revoked = "--trust root.pem --certs icarev.pem --crl root-revoked.crl --crl icarev.crl";
    f.verify(&sig, &words(revoked))
        .expect("INDETERMINATE", "CERT_REVOKED")
        .sub("REVOKED_CA_NO_POE");
}

#[test]
fn openssl_pki_without_crls_is_revocation_unavailable() {
    let f = Fixture::interop();
    let sig = f.own_attached("leaf");
    f.verify(&sig, &words("--trust root.pem --certs ica.pem"))
        .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE")
        .sub("TRY_LATER");
    // The issuing CA's CRL alone leaves the CA itself unchecked.
    f.verify(
        &sig,
        &words("--trust root.pem --certs ica.pem --crl ica.crl"),
    )
    .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE");
}

#[test]
fn openssl_pki_stale_crl() {
    let f = Fixture::interop();
    let sig = f.own_attached("leaf");
    // A one-day CRL (nextUpdate 2026-05-02), checked 30 days later.
    let stale = "--trust root.pem --certs ica.pem --crl root.crl --crl ica-stale.crl";
    f.verify(&sig, &words(stale))
        .expect("INDETERMINATE", "REVOCATION_STALE")
        .sub("TRY_LATER");
    // The same CRL on its one day is fresh.
    f.verify(&sig, &words(&format!("{stale} --at 2026-05-01T12:00:00Z")))
        .ok();
}

#[test]
fn openssl_pki_issuer_that_is_not_a_ca_is_chain_invalid() {
    let f = Fixture::interop();
    let sig = f.own_attached("under-notca");
    f.verify(
        &sig,
        &words("--trust root.pem --certs notca.pem --no-revocation"),
    )
    .expect("INDETERMINATE", "CHAIN_INVALID")
    .sub("CHAIN_CONSTRAINTS_FAILURE");
    let bundle = f.bundle("notca-bundle.pem", &["root.pem", "notca.pem"]);
    f.openssl_rejects(&sig, None, &bundle, &[]);
}

#[test]
fn openssl_pki_other_root_is_chain_untrusted() {
    let f = Fixture::interop();
    let stranger = f.own_attached("stranger");
    f.verify(&stranger, &words(FRESH))
        .expect("INDETERMINATE", "CHAIN_UNTRUSTED")
        .sub("NO_CERTIFICATE_CHAIN_FOUND");
    // Handing over the other root as an untrusted certificate changes nothing.
    let other_as_untrusted = "--trust root.pem --certs other.pem --no-revocation";
    f.verify(&stranger, &words(other_as_untrusted))
        .expect("INDETERMINATE", "CHAIN_UNTRUSTED");
    // Our leaf against only the other root; then against the rogue CA, which
    // has the issuing CA's name but not its key.
    let leaf = f.own_attached("leaf");
    for args in [
        "--trust other.pem --certs ica.pem --no-revocation",
        "--trust rogue.pem --no-revocation",
    ] {
        f.verify(&leaf, &words(args))
            .expect("INDETERMINATE", "CHAIN_UNTRUSTED");
    }
}

#[test]
fn openssl_pki_certificate_without_iin() {
    let f = Fixture::interop();
    let sig = f.own_attached("noiin");
    let r = f.verify(&sig, &words(FRESH));
    r.ok();
    assert!(r.json["signer"]["iin"].is_null());
    f.verify(&sig, &words(&format!("{FRESH} --iin 880101300123")))
        .expect("FAILED", "IIN_MISSING")
        .sub("SIG_CONSTRAINTS_FAILURE");
}

#[test]
fn openssl_pki_no_revocation_policy() {
    let f = Fixture::interop();
    let sig = f.own_attached("leaf");
    let r = f.verify(
        &sig,
        &words("--trust root.pem --certs ica.pem --no-revocation"),
    );
    r.ok();
    assert_eq!(r.json["policy"]["revocation"], "skipped", "{}", r.summary());
    assert_eq!(r.json["policy"]["name"], "condition-2/no-revocation");
    assert_eq!(r.check("revocation")["outcome"], "skipped");
    // Even a revoked certificate passes when revocation is not checked.
    let revoked = "--trust root.pem --certs ica.pem --crl ica-revoked.crl --no-revocation";
    f.verify(&sig, &words(revoked)).ok();
}
