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

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use tempfile::TempDir;

/// The validation time of every case unless a case says otherwise.
const AT: &str = "2026-06-01T00:00:00Z";
/// The demo PKI shipped with the source.
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/certs");
/// The signed document of most cases; the marker lets tampering find it in DER.
const DATA: &[u8] = b"QOLTANBA-INTEROP: application #4471 for a housing certificate\n";

/// Certificate windows of the openssl PKI (`openssl ca -startdate/-enddate`).
const CERT_FROM: &str = "250101000000Z";
const CERT_TO: &str = "350101000000Z";
const CA_TO: &str = "450101000000Z";
/// CRL dates of the openssl PKI: fresh at `AT`.
const CRL_LAST: &str = "260501000000Z";
const CRL_NEXT: &str = "260801000000Z";
/// A one-day CRL: its nextUpdate is 30 days before `AT`.
const STALE_NEXT: &str = "260502000000Z";
/// Revocation date written into the openssl CA databases (before `AT`).
const REVOKED_ON: &str = "260201000000Z";

fn epoch(rfc3339: &str) -> i64 {
    qoltanba::time::parse_rfc3339(rfc3339).expect("test time parses")
}

// ---------------------------------------------------------------------------
// Running openssl
// ---------------------------------------------------------------------------

fn openssl_cmd() -> String {
    std::env::var("OPENSSL").unwrap_or_else(|_| "openssl".to_string())
}

/// Fails (never skips) when the openssl CLI is not there.
fn require_openssl() {
    static CHECK: OnceLock<String> = OnceLock::new();
    CHECK.get_or_init(
        || match Command::new(openssl_cmd()).arg("version").output() {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            Ok(o) => panic!(
                "`{} version` failed ({}): {}\nthese interop tests need a working openssl CLI",
                openssl_cmd(),
                o.status,
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!(
                "the `openssl` command-line tool is required by tests/interop_openssl.rs and could \
                 not be run ({e}); install it (e.g. `apt-get install openssl`) or point the \
                 OPENSSL environment variable at it"
            ),
        },
    );
}

/// Runs openssl in `dir`; returns the output whatever the status.
fn openssl_output(dir: &Path, args: &[&str]) -> Output {
    require_openssl();
    Command::new(openssl_cmd())
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running openssl {args:?}: {e}"))
}

/// Runs openssl in `dir` and insists that it succeeds.
fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let o = openssl_output(dir, args);
    assert!(
        o.status.success(),
        "openssl {} failed ({}):\n{}",
        args.join(" "),
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

// ---------------------------------------------------------------------------
// The openssl PKI, built once per process and copied into each test's folder
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum KeyAlg {
    Rsa2048,
    P256,
    P384,
}

fn genkey(dir: &Path, file: &str, alg: KeyAlg) -> std::process::Child {
    require_openssl();
    let opt = match alg {
        KeyAlg::Rsa2048 => ["RSA", "rsa_keygen_bits:2048"],
        KeyAlg::P256 => ["EC", "ec_paramgen_curve:P-256"],
        KeyAlg::P384 => ["EC", "ec_paramgen_curve:P-384"],
    };
    Command::new(openssl_cmd())
        .current_dir(dir)
        .args([
            "genpkey",
            "-algorithm",
            opt[0],
            "-pkeyopt",
            opt[1],
            "-out",
            file,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn openssl genpkey")
}

/// A minimal `openssl ca` configuration. `crl_aki` adds an
/// authorityKeyIdentifier to the CRLs the CA issues.
fn ca_config(ca_dir: &Path, crl_aki: bool) -> String {
    format!(
        r#"
[ ca ]
default_ca = CA_default

[ CA_default ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 3650
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = no
preserve = yes
copy_extensions = none
{crl_ext}

[ policy_any ]
countryName = optional
organizationName = optional
serialNumber = optional
commonName = supplied

[ crl_ext ]
authorityKeyIdentifier = keyid:always

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_not_ca ]
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_sign ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ req ]
distinguished_name = req_dn
prompt = no
utf8 = yes
string_mask = utf8only

[ req_dn ]
CN = unused
"#,
        dir = s(ca_dir),
        crl_ext = if crl_aki {
            "crl_extensions = crl_ext"
        } else {
            ""
        },
    )
}

/// One `openssl ca` instance: its folder, database and configuration.
struct Ca {
    /// The PKI folder (certificates, keys and CRLs are written here).
    base: PathBuf,
    /// The CA's own folder (database, serial, crlnumber, config).
    dir: PathBuf,
    name: String,
}

impl Ca {
    fn init(base: &Path, name: &str, serial: &str, crl_aki: bool) -> Ca {
        let dir = base.join(format!("ca-{name}"));
        std::fs::create_dir_all(dir.join("newcerts")).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("serial"), format!("{serial}\n")).unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        std::fs::write(dir.join("ca.cnf"), ca_config(&dir, crl_aki)).unwrap();
        Ca {
            base: base.to_path_buf(),
            dir,
            name: name.to_string(),
        }
    }

    fn cnf(&self) -> String {
        s(&self.dir.join("ca.cnf")).to_string()
    }

    fn ca(&self, args: &[&str]) {
        let cnf = self.cnf();
        let mut all = vec!["ca", "-batch", "-config", &cnf];
        all.extend_from_slice(args);
        openssl(&self.base, &all);
    }

    fn csr(&self, name: &str, subj: &str) -> String {
        let csr = format!("{name}.csr");
        let cnf = self.cnf();
        openssl(
            &self.base,
            &[
                "req",
                "-new",
                "-config",
                &cnf,
                "-key",
                &format!("{name}.key"),
                "-subj",
                subj,
                "-out",
                &csr,
            ],
        );
        csr
    }

    /// A self-signed CA whose key is already at `<name>.key`.
    fn root(base: &Path, name: &str, subj: &str, serial: &str, crl_aki: bool) -> Ca {
        let ca = Ca::init(base, name, serial, crl_aki);
        let csr = ca.csr(name, subj);
        let key = format!("{name}.key");
        let pem = format!("{name}.pem");
        ca.ca(&[
            "-selfsign",
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-out",
            &pem,
            "-extensions",
            "v3_ca",
            "-startdate",
            CERT_FROM,
            "-enddate",
            CA_TO,
            "-notext",
        ]);
        ca.adopt(name);
        ca
    }

    fn adopt(&self, name: &str) {
        std::fs::copy(
            self.base.join(format!("{name}.pem")),
            self.dir.join("ca.pem"),
        )
        .unwrap();
        std::fs::copy(
            self.base.join(format!("{name}.key")),
            self.dir.join("ca.key"),
        )
        .unwrap();
    }

    /// Issues `<name>.pem` for the key at `<name>.key`.
    fn issue(&self, name: &str, subj: &str, ext: &str, until: &str) {
        let csr = self.csr(name, subj);
        let pem = format!("{name}.pem");
        self.ca(&[
            "-in",
            &csr,
            "-out",
            &pem,
            "-extensions",
            ext,
            "-startdate",
            CERT_FROM,
            "-enddate",
            until,
            "-notext",
        ]);
    }

    /// Issues a CA certificate and returns the new CA.
    fn sub_ca(&self, name: &str, subj: &str, ext: &str, serial: &str) -> Ca {
        self.issue(name, subj, ext, CA_TO);
        let ca = Ca::init(&self.base, name, serial, true);
        ca.adopt(name);
        ca
    }

    fn gencrl(&self, out: &str, last: &str, next: &str, extra: &[&str]) {
        let mut args = vec![
            "-gencrl",
            "-crl_lastupdate",
            last,
            "-crl_nextupdate",
            next,
            "-out",
            out,
        ];
        args.extend_from_slice(extra);
        self.ca(&args);
    }

    /// `openssl ca -revoke`, then the revocation date is set to `REVOKED_ON`
    /// (openssl records the wall clock, which may be after `AT`).
    fn revoke(&self, cert: &str, reason: &[&str]) {
        let mut args = vec!["-revoke", cert];
        args.extend_from_slice(reason);
        self.ca(&args);
        let db = self.dir.join("index.txt");
        let text = std::fs::read_to_string(&db).unwrap();
        let fixed: Vec<String> = text
            .lines()
            .map(|line| {
                let mut f: Vec<String> = line.split('\t').map(String::from).collect();
                if f.first().map(String::as_str) == Some("R") && f.len() > 2 {
                    let rest = f[2].split_once(',').map(|(_, r)| format!(",{r}"));
                    f[2] = format!("{REVOKED_ON}{}", rest.unwrap_or_default());
                }
                f.join("\t")
            })
            .collect();
        std::fs::write(&db, fixed.join("\n") + "\n").unwrap();
        assert!(
            std::fs::read_to_string(&db).unwrap().contains(REVOKED_ON),
            "CA {}: revocation of {cert} not recorded",
            self.name
        );
    }
}

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
    let keys = [
        ("root", KeyAlg::Rsa2048),
        ("ica", KeyAlg::Rsa2048),
        ("leaf", KeyAlg::Rsa2048),
        ("noiin", KeyAlg::Rsa2048),
        ("held", KeyAlg::Rsa2048),
        ("notca", KeyAlg::Rsa2048),
        ("under-notca", KeyAlg::Rsa2048),
        ("icarev", KeyAlg::Rsa2048),
        ("under-icarev", KeyAlg::Rsa2048),
        ("other", KeyAlg::Rsa2048),
        ("stranger", KeyAlg::Rsa2048),
        ("rogue", KeyAlg::Rsa2048),
        ("leaf-p256", KeyAlg::P256),
        ("leaf-p384", KeyAlg::P384),
    ];
    // Key generation dominates: run it in parallel.
    let children: Vec<_> = keys
        .iter()
        .map(|(n, alg)| (n, genkey(d, &format!("{n}.key"), *alg)))
        .collect();
    for (n, c) in children {
        let o = c.wait_with_output().expect("openssl genpkey");
        assert!(
            o.status.success(),
            "openssl genpkey for {n}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    let root = Ca::root(
        d,
        "root",
        "/C=KZ/O=Qoltanba Interop (TEST)/CN=Interop Root",
        "1000",
        true,
    );
    let ica = root.sub_ca("ica", ICA_SUBJ, "v3_ca", "2000");
    ica.issue(
        "leaf",
        "/C=KZ/serialNumber=IIN880101300123/CN=INTEROP CITIZEN",
        "v3_sign",
        CERT_TO,
    );
    ica.issue(
        "noiin",
        "/C=KZ/serialNumber=PASSPORT N01234567/CN=INTEROP VISITOR",
        "v3_sign",
        CERT_TO,
    );
    ica.issue(
        "held",
        "/C=KZ/serialNumber=IIN920515450123/CN=INTEROP HELD",
        "v3_sign",
        CERT_TO,
    );
    ica.issue(
        "leaf-p256",
        "/C=KZ/serialNumber=IIN880101300123/CN=INTEROP CITIZEN P-256",
        "v3_sign",
        CERT_TO,
    );
    ica.issue(
        "leaf-p384",
        "/C=KZ/serialNumber=IIN880101300123/CN=INTEROP CITIZEN P-384",
        "v3_sign",
        CERT_TO,
    );
    let notca = root.sub_ca(
        "notca",
        "/C=KZ/O=Qoltanba Interop (TEST)/CN=Interop Not A CA",
        "v3_not_ca",
        "3000",
    );
    notca.issue(
        "under-notca",
        "/C=KZ/serialNumber=IIN880101300123/CN=INTEROP UNDER NOT-A-CA",
        "v3_sign",
        CERT_TO,
    );
    let icarev = root.sub_ca(
        "icarev",
        "/C=KZ/O=Qoltanba Interop (TEST)/CN=Interop Revoked CA",
        "v3_ca",
        "4000",
    );
    icarev.issue(
        "under-icarev",
        "/C=KZ/serialNumber=IIN880101300123/CN=INTEROP UNDER REVOKED CA",
        "v3_sign",
        CERT_TO,
    );
    let other = Ca::root(
        d,
        "other",
        "/C=KZ/O=Somebody Else (TEST)/CN=Other Root",
        "5000",
        true,
    );
    other.issue(
        "stranger",
        "/C=KZ/serialNumber=IIN880101300123/CN=INTEROP STRANGER",
        "v3_sign",
        CERT_TO,
    );
    let rogue = Ca::root(d, "rogue", ICA_SUBJ, "6000", false);

    root.gencrl("root.crl", CRL_LAST, CRL_NEXT, &[]);
    ica.gencrl("ica.crl", CRL_LAST, CRL_NEXT, &[]);
    openssl(
        d,
        &[
            "crl",
            "-in",
            "ica.crl",
            "-outform",
            "DER",
            "-out",
            "ica.crl.der",
        ],
    );
    icarev.gencrl("icarev.crl", CRL_LAST, CRL_NEXT, &[]);
    ica.gencrl("ica-stale.crl", CRL_LAST, STALE_NEXT, &[]);
    rogue.gencrl("rogue-ica.crl", CRL_LAST, CRL_NEXT, &[]);
    rogue.gencrl(
        "rogue-ica-aki.crl",
        CRL_LAST,
        CRL_NEXT,
        &["-crlexts", "crl_ext"],
    );
    ica.revoke("leaf.pem", &["-crl_reason", "keyCompromise"]);
    ica.revoke("held.pem", &["-crl_hold", "holdInstructionReject"]);
    ica.gencrl("ica-revoked.crl", CRL_LAST, CRL_NEXT, &[]);
    root.revoke("icarev.pem", &["-crl_reason", "CACompromise"]);
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
        let mut b = Vec::new();
        for f in ["root.pem", "ica.pem", "root.crl", "ica.crl"] {
            b.extend(self.read(f));
        }
        self.write("interop-bundle.pem", &b)
    }

    /// `--trust root.pem --certs ica.pem` plus the fresh CRLs of root and ica.
    fn interop_args(&self) -> Vec<String> {
        [
            "--trust", "root.pem", "--certs", "ica.pem", "--crl", "root.crl", "--crl", "ica.crl",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect()
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

// ---------------------------------------------------------------------------
// 1. Envelopes made by `openssl cms -sign`, demo PKI
// ---------------------------------------------------------------------------

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
    assert_eq!(
        r.check("algorithms")["detail"]["scheme"].as_str(),
        Some("RSA-PKCS1-SHA256")
    );
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &["-crl_check_all"]);
}

#[test]
fn attached_pem_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "att.pem",
        &[demo("citizen-rsa")],
        &["-nodetach", "-outform", "PEM"],
    );
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
    let att = f.sign(
        "noattr.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-noattr"],
    );
    let r = f.verify(&att, &[]);
    r.ok();
    assert_eq!(r.check("format")["detail"]["signed_attributes"], false);
    f.openssl_agrees(&att, None, &f.demo_bundle(), &[]);

    let det = f.sign("noattr-det.der", &[demo("citizen-rsa")], &["-noattr"]);
    let data = f.path("data.txt");
    f.verify(&det, &["--data", &data]).ok();
    f.openssl_agrees(&det, Some(&data), &f.demo_bundle(), &[]);

    let ec = f.sign(
        "noattr-ec.der",
        &[demo("citizen-ec")],
        &["-nodetach", "-noattr"],
    );
    f.verify(&ec, &[]).ok();
    f.openssl_agrees(&ec, None, &f.demo_bundle(), &[]);
}

#[test]
fn rsa_pss_default_salt_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "pss.der",
        &[demo("citizen-rsa").opt("rsa_padding_mode:pss")],
        &["-nodetach"],
    );
    let r = f.verify(&sig, &[]);
    r.ok();
    let scheme = r.check("algorithms")["detail"]["scheme"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(scheme.starts_with("RSA-PSS-SHA256"), "{scheme}");
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn rsa_pss_max_salt_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "pss-max.der",
        &[demo("citizen-rsa")
            .opt("rsa_padding_mode:pss")
            .opt("rsa_pss_saltlen:max")],
        &["-nodetach"],
    );
    let r = f.verify(&sig, &[]);
    r.ok();
    // 2048-bit modulus, SHA-256: 256 - 32 - 2 = 222 octets of salt.
    assert_eq!(
        r.check("algorithms")["detail"]["scheme"].as_str(),
        Some("RSA-PSS-SHA256 (salt 222)")
    );
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn rsa_pss_salt_32_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "pss-32.der",
        &[demo("citizen-rsa")
            .opt("rsa_padding_mode:pss")
            .opt("rsa_pss_saltlen:32")],
        &["-nodetach"],
    );
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(
        r.check("algorithms")["detail"]["scheme"].as_str(),
        Some("RSA-PSS-SHA256 (salt 32)")
    );
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn rsa_pss_sha384_salt_48_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "pss-384.der",
        &[demo("citizen-rsa")
            .opt("rsa_padding_mode:pss")
            .opt("rsa_pss_saltlen:48")],
        &["-nodetach", "-md", "sha384"],
    );
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(
        r.check("algorithms")["detail"]["scheme"].as_str(),
        Some("RSA-PSS-SHA384 (salt 48)")
    );
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

#[test]
fn ecdsa_p256_passes() {
    let f = Fixture::demo();
    let sig = f.sign("ec.der", &[demo("citizen-ec")], &["-nodetach"]);
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(
        r.check("algorithms")["detail"]["scheme"].as_str(),
        Some("ECDSA-SHA256")
    );
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &["-crl_check_all"]);
}

#[test]
fn sha384_and_sha512_rsa_pass() {
    let f = Fixture::demo();
    for md in ["sha384", "sha512"] {
        let sig = f.sign(
            &format!("rsa-{md}.der"),
            &[demo("citizen-rsa")],
            &["-nodetach", "-md", md],
        );
        let r = f.verify(&sig, &[]);
        r.ok();
        assert_eq!(
            r.check("algorithms")["detail"]["scheme"].as_str(),
            Some(format!("RSA-PKCS1-{}", md.to_uppercase()).as_str())
        );
        f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
    }
}

#[test]
fn sha384_ecdsa_p256_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "ec-sha384.der",
        &[demo("citizen-ec")],
        &["-nodetach", "-md", "sha384"],
    );
    f.verify(&sig, &[]).ok();
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
}

/// ECDSA P-256 with SHA-512 is outside ring and goes to the RustCrypto path.
#[test]
fn sha512_ecdsa_p256_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "ec-sha512.der",
        &[demo("citizen-ec")],
        &["-nodetach", "-md", "sha512"],
    );
    f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
    f.verify(&sig, &[]).ok();
}

#[test]
fn stream_ber_der_attached_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "stream.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-stream"],
    );
    // Indefinite length from the first element on.
    assert_eq!(
        &f.read(&sig)[..2],
        &[0x30, 0x80],
        "openssl -stream wrote BER"
    );
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
    let sig = f.sign_file(
        "stream-big.der",
        "big.bin",
        &[demo("citizen-ec")],
        &["-nodetach", "-stream"],
    );
    let r = f.verify(&sig, &[]);
    r.ok();
    assert_eq!(r.json["envelope"]["ber"], true);
    assert_eq!(r.json["envelope"]["content_length"], big.len());
    let out = f
        .openssl_verify(&sig, None, &f.demo_bundle(), &[])
        .expect("openssl accepts");
    assert_eq!(out, big);
}

#[test]
fn stream_ber_pem_passes() {
    let f = Fixture::demo();
    let sig = f.sign(
        "stream.pem",
        &[demo("citizen-rsa")],
        &["-nodetach", "-stream", "-outform", "PEM"],
    );
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
    let sig = f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]);
    let bad = f.write("att-tampered.der", &flip_in(&f.read(&sig), DATA));
    let data = f.path("data.txt");
    f.verify(&bad, &["--data", &data])
        .expect("FAILED", "DIGEST_MISMATCH");
}

#[test]
fn nocerts_needs_the_signer_certificate() {
    let f = Fixture::demo();
    let sig = f.sign(
        "nocerts.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-nocerts"],
    );
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
        let sig = f.sign(
            &format!("keyid-{who}.der"),
            &[demo(who)],
            &["-nodetach", "-keyid"],
        );
        let r = f.verify(&sig, &[]);
        r.ok();
        let sid = &r.check("format")["detail"]["signer_id"];
        assert!(
            sid["subject_key_identifier"].is_string(),
            "signer identified by SKI: {sid}"
        );
        f.openssl_agrees(&sig, None, &f.demo_bundle(), &[]);
    }
}

#[test]
fn two_signers_one_revoked() {
    let f = Fixture::demo();
    let sig = f.sign(
        "two.der",
        &[demo("citizen-rsa"), demo("revoked")],
        &["-nodetach"],
    );
    let r = f.verify(&sig, &[]);
    r.expect("FAILED", "CERT_REVOKED").sub("REVOKED");
    let mut codes = r.signer_codes();
    codes.sort();
    assert_eq!(codes, ["CERT_REVOKED", "OK"], "{}", r.summary());
    assert_eq!(r.json["envelope"]["signers"], 2);
    // The envelope's signer is the worst one.
    assert_eq!(
        r.str_at("/signer/serial").map(str::to_lowercase).as_deref(),
        Some("1006")
    );
}

#[test]
fn two_valid_signers_rsa_and_ec_pass() {
    let f = Fixture::demo();
    let sig = f.sign(
        "two-ok.der",
        &[demo("citizen-rsa"), demo("citizen-ec")],
        &["-nodetach"],
    );
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
    let sig = f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]);
    let bad = f.write("att-tampered.der", &flip_in(&f.read(&sig), DATA));
    f.verify(&bad, &[])
        .expect("FAILED", "DIGEST_MISMATCH")
        .sub("HASH_FAILURE");
    f.openssl_rejects(&bad, None, &f.demo_bundle(), &[]);
}

#[test]
fn tampered_stream_content_is_digest_mismatch() {
    let f = Fixture::demo();
    let sig = f.sign(
        "stream.der",
        &[demo("citizen-ec")],
        &["-nodetach", "-stream"],
    );
    let bad = f.write("stream-tampered.der", &flip_in(&f.read(&sig), DATA));
    f.verify(&bad, &[]).expect("FAILED", "DIGEST_MISMATCH");
}

#[test]
fn detached_with_other_data_is_digest_mismatch() {
    let f = Fixture::demo();
    let sig = f.sign("det.der", &[demo("citizen-rsa")], &[]);
    let other = f.write("other.txt", &flip_in(DATA, b"4471"));
    f.verify(&sig, &["--data", &other])
        .expect("FAILED", "DIGEST_MISMATCH");
    f.openssl_rejects(&sig, Some(&other), &f.demo_bundle(), &[]);
}

#[test]
fn noattr_with_changed_data_is_digest_mismatch() {
    let f = Fixture::demo();
    let att = f.sign(
        "noattr.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-noattr"],
    );
    let bad = f.write("noattr-tampered.der", &flip_in(&f.read(&att), DATA));
    f.verify(&bad, &[]).expect("FAILED", "DIGEST_MISMATCH");

    let det = f.sign("noattr-det.der", &[demo("citizen-rsa")], &["-noattr"]);
    let other = f.write("other.txt", b"another document entirely\n");
    f.verify(&det, &["--data", &other])
        .expect("FAILED", "DIGEST_MISMATCH");
}

#[test]
fn flipped_signature_is_signature_invalid() {
    let f = Fixture::demo();
    let cert = format!("{DEMO}/people/citizen-rsa.pem");
    // -nocerts: the signature value is the file's last field.
    let sig = f.sign(
        "nocerts.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-nocerts"],
    );
    let bad = f.write("nocerts-badsig.der", &flip_last(&f.read(&sig)));
    f.verify(&bad, &["--certs", &cert])
        .expect("FAILED", "SIGNATURE_INVALID")
        .sub("SIG_CRYPTO_FAILURE");
    f.openssl_rejects(&bad, None, &f.demo_bundle(), &["-certfile", &cert]);

    // With certificates the signature is still the last field.
    let sig = f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]);
    let bad = f.write("att-badsig.der", &flip_last(&f.read(&sig)));
    f.verify(&bad, &[]).expect("FAILED", "SIGNATURE_INVALID");

    let sig = f.sign("ec.der", &[demo("citizen-ec")], &["-nodetach"]);
    let bad = f.write("ec-badsig.der", &flip_last(&f.read(&sig)));
    f.verify(&bad, &[]).expect("FAILED", "SIGNATURE_INVALID");

    let sig = f.sign(
        "pss.der",
        &[demo("citizen-rsa").opt("rsa_padding_mode:pss")],
        &["-nodetach"],
    );
    let bad = f.write("pss-badsig.der", &flip_last(&f.read(&sig)));
    f.verify(&bad, &[]).expect("FAILED", "SIGNATURE_INVALID");

    // Without signed attributes the RSA padding breaks: still a bad signature.
    let sig = f.sign(
        "noattr.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-noattr"],
    );
    let bad = f.write("noattr-badsig.der", &flip_last(&f.read(&sig)));
    f.verify(&bad, &[]).expect("FAILED", "SIGNATURE_INVALID");
}

#[test]
fn truncated_random_and_empty_are_envelope_malformed() {
    let f = Fixture::demo();
    let sig = f.read(&f.sign("att.der", &[demo("citizen-rsa")], &["-nodetach"]));
    let half = f.write("half.der", &sig[..sig.len() / 2]);
    f.verify(&half, &[])
        .expect("FAILED", "ENVELOPE_MALFORMED")
        .sub("FORMAT_FAILURE");
    let short = f.write("short.der", &sig[..sig.len() - 1]);
    f.verify(&short, &[]).expect("FAILED", "ENVELOPE_MALFORMED");
    let stream = f.read(&f.sign(
        "stream.der",
        &[demo("citizen-rsa")],
        &["-nodetach", "-stream"],
    ));
    // Without the final end-of-contents octets.
    let open = f.write("stream-open.der", &stream[..stream.len() - 2]);
    f.verify(&open, &[]).expect("FAILED", "ENVELOPE_MALFORMED");
    let random = f.write("random.bin", &noise(1024, 0x9E37_79B9_7F4A_7C15));
    f.verify(&random, &[])
        .expect("FAILED", "ENVELOPE_MALFORMED");
    let mut der_like = vec![0x30, 0x82, 0x03, 0xFC];
    der_like.extend(noise(1020, 42));
    let der_like = f.write("random-der.bin", &der_like);
    f.verify(&der_like, &[])
        .expect("FAILED", "ENVELOPE_MALFORMED");
    let empty = f.write("empty.der", b"");
    f.verify(&empty, &[]).expect("FAILED", "ENVELOPE_MALFORMED");
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
        let sig = f.sign(
            &format!("sha1-{who}.der"),
            &[demo(who)],
            &["-nodetach", "-md", "sha1"],
        );
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

#[test]
fn revoked_in_base_crl() {
    let r = demo_verdict("revoked", &[]);
    r.expect("FAILED", "CERT_REVOKED").sub("REVOKED");
    assert_eq!(
        r.check("revocation")["detail"]["decided_by"]["reason"].as_str(),
        Some("keyCompromise")
    );
}

#[test]
fn revoked_in_delta_crl() {
    demo_verdict("revoked-delta", &[])
        .expect("FAILED", "CERT_REVOKED")
        .sub("REVOKED");
}

#[test]
fn on_hold_is_indeterminate() {
    demo_verdict("on-hold", &[])
        .expect("INDETERMINATE", "CERT_REVOKED")
        .sub("REVOKED_ON_HOLD");
}

#[test]
fn expired_certificate() {
    demo_verdict("expired", &[])
        .expect("INDETERMINATE", "CERT_EXPIRED")
        .sub("OUT_OF_BOUNDS_NO_POE");
}

#[test]
fn authentication_certificate_cannot_sign() {
    demo_verdict("citizen-auth", &[])
        .expect("FAILED", "KEY_USAGE_INVALID")
        .sub("SIG_CONSTRAINTS_FAILURE");
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
    // Wrong check digit.
    f.verify(&sig, &["--iin", "880101300124"])
        .expect("FAILED", "IIN_INVALID");
    f.verify(&sig, &["--iin", "88010130012"])
        .expect("FAILED", "IIN_INVALID");
}

#[test]
fn before_the_validity_window_is_not_yet_valid() {
    demo_verdict("citizen-rsa", &["--at", "2025-06-01T00:00:00Z"])
        .expect("FAILED", "CERT_NOT_YET_VALID")
        .sub("NOT_YET_VALID");
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

fn with(base: &[String], more: &[&str]) -> Vec<String> {
    let mut v = base.to_vec();
    v.extend(more.iter().map(|x| x.to_string()));
    v
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn openssl_pki_valid_chain_and_crls_pass() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    let args = f.interop_args();
    let r = f.verify(&sig, &refs(&args));
    r.ok();
    assert_eq!(r.str_at("/signer/iin"), Some("880101300123"));
    assert_eq!(
        r.check("chain")["detail"]["path"].as_array().map(Vec::len),
        Some(3),
        "leaf, issuing CA, root"
    );
    assert_eq!(r.check("revocation")["outcome"], "passed");
    f.openssl_agrees(&sig, None, &f.interop_bundle(), &["-crl_check_all"]);

    // The same CRL in DER.
    let der = [
        "--trust",
        "root.pem",
        "--certs",
        "ica.pem",
        "--crl",
        "root.crl",
        "--crl",
        "ica.crl.der",
    ];
    f.verify(&sig, &der).ok();

    // And with the matching IIN.
    f.verify(&sig, &refs(&with(&args, &["--iin", "880101300123"])))
        .ok();

    // Detached.
    let det = f.sign("leaf-det.der", &[f.own("leaf")], &[]);
    f.verify(&det, &refs(&with(&args, &["--data", "data.txt"])))
        .ok();
}

#[test]
fn openssl_pki_cert_verify_subcommand() {
    let f = Fixture::interop();
    let base = [
        "cert", "verify", "--cert", "leaf.pem", "--trust", "root.pem", "--certs", "ica.pem",
        "--crl", "root.crl",
    ];
    f.run(&[&base[..], &["--crl", "ica.crl"]].concat()).ok();
    f.run(&[&base[..], &["--crl", "ica-revoked.crl"]].concat())
        .expect("FAILED", "CERT_REVOKED");
    f.run(&base)
        .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE");
}

#[test]
fn openssl_pki_intermediate_carried_in_the_envelope() {
    let f = Fixture::interop();
    let sig = f.sign(
        "leaf-chain.der",
        &[f.own("leaf")],
        &["-nodetach", "-certfile", "ica.pem"],
    );
    let r = f.verify(
        &sig,
        &[
            "--trust", "root.pem", "--crl", "root.crl", "--crl", "ica.crl",
        ],
    );
    r.ok();
    assert_eq!(r.json["envelope"]["certificates"], 2);
}

#[test]
fn openssl_pki_ecdsa_leaves_pass() {
    let f = Fixture::interop();
    let args = f.interop_args();
    for (who, md) in [
        ("leaf-p256", "sha256"),
        ("leaf-p256", "sha384"),
        ("leaf-p384", "sha256"),
        ("leaf-p384", "sha384"),
    ] {
        let sig = f.sign(
            &format!("{who}-{md}.der"),
            &[f.own(who)],
            &["-nodetach", "-md", md],
        );
        f.openssl_agrees(&sig, None, &f.interop_bundle(), &["-crl_check_all"]);
        f.verify(&sig, &refs(&args)).ok();
    }
}

/// ECDSA with SHA-512 (P-256 and P-384) goes to the RustCrypto path.
#[test]
fn openssl_pki_ecdsa_sha512_passes() {
    let f = Fixture::interop();
    let args = f.interop_args();
    for who in ["leaf-p256", "leaf-p384"] {
        let sig = f.sign(
            &format!("{who}-sha512.der"),
            &[f.own(who)],
            &["-nodetach", "-md", "sha512"],
        );
        f.openssl_agrees(&sig, None, &f.interop_bundle(), &["-crl_check_all"]);
        f.verify(&sig, &refs(&args)).ok();
    }
}

#[test]
fn openssl_pki_revoked_leaf() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    let args = [
        "--trust",
        "root.pem",
        "--certs",
        "ica.pem",
        "--crl",
        "root.crl",
        "--crl",
        "ica-revoked.crl",
    ];
    let r = f.verify(&sig, &args);
    r.expect("FAILED", "CERT_REVOKED").sub("REVOKED");
    assert_eq!(
        r.check("revocation")["detail"]["decided_by"]["reason"].as_str(),
        Some("keyCompromise")
    );
    // openssl agrees that it is revoked.
    let mut bundle = Vec::new();
    for x in ["root.pem", "ica.pem", "root.crl", "ica-revoked.crl"] {
        bundle.extend(f.read(x));
    }
    let bundle = f.write("revoked-bundle.pem", &bundle);
    f.openssl_rejects(&sig, None, &bundle, &["-crl_check_all"]);
    // Before the revocation date the same CRL says good.
    f.verify(
        &sig,
        &[&args[..], &["--at", "2026-01-15T00:00:00Z"]].concat(),
    )
    .ok();
}

#[test]
fn openssl_pki_certificate_hold() {
    let f = Fixture::interop();
    let sig = f.sign("held.der", &[f.own("held")], &["-nodetach"]);
    f.verify(&sig, &refs(&f.interop_args())).ok();
    let args = [
        "--trust",
        "root.pem",
        "--certs",
        "ica.pem",
        "--crl",
        "root.crl",
        "--crl",
        "ica-revoked.crl",
    ];
    f.verify(&sig, &args)
        .expect("INDETERMINATE", "CERT_REVOKED")
        .sub("REVOKED_ON_HOLD");
}

#[test]
fn openssl_pki_revoked_intermediate() {
    let f = Fixture::interop();
    let sig = f.sign("under-icarev.der", &[f.own("under-icarev")], &["-nodetach"]);
    let good = [
        "--trust",
        "root.pem",
        "--certs",
        "icarev.pem",
        "--crl",
        "root.crl",
        "--crl",
        "icarev.crl",
    ];
    f.verify(&sig, &good).ok();
    let revoked = [
        "--trust",
        "root.pem",
        "--certs",
        "icarev.pem",
        "--crl",
        "root-revoked.crl",
        "--crl",
        "icarev.crl",
    ];
    f.verify(&sig, &revoked)
        .expect("INDETERMINATE", "CERT_REVOKED")
        .sub("REVOKED_CA_NO_POE");
}

#[test]
fn openssl_pki_without_crls_is_revocation_unavailable() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    f.verify(&sig, &["--trust", "root.pem", "--certs", "ica.pem"])
        .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE")
        .sub("TRY_LATER");
    // The issuing CA's CRL alone leaves the CA itself unchecked.
    f.verify(
        &sig,
        &[
            "--trust", "root.pem", "--certs", "ica.pem", "--crl", "ica.crl",
        ],
    )
    .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE");
}

#[test]
fn openssl_pki_stale_crl() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    // A one-day CRL (nextUpdate 2026-05-02), checked 30 days later.
    f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "ica.pem",
            "--crl",
            "root.crl",
            "--crl",
            "ica-stale.crl",
        ],
    )
    .expect("INDETERMINATE", "REVOCATION_STALE")
    .sub("TRY_LATER");
    // The same CRL on its one day is fresh.
    f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "ica.pem",
            "--crl",
            "root.crl",
            "--crl",
            "ica-stale.crl",
            "--at",
            "2026-05-01T12:00:00Z",
        ],
    )
    .ok();
}

#[test]
fn openssl_pki_crl_signed_by_another_key_is_crl_invalid() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    // Same issuer name as the issuing CA, another key, no AKI to tell them apart.
    f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "ica.pem",
            "--crl",
            "root.crl",
            "--crl",
            "rogue-ica.crl",
        ],
    )
    .expect("INDETERMINATE", "CRL_INVALID")
    .sub("CERTIFICATE_CHAIN_GENERAL_FAILURE");
}

#[test]
fn openssl_pki_crl_of_another_key_with_its_aki_is_out_of_scope() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    // The rogue CRL names its own key in its AKI: it is not the issuing CA's
    // CRL at all, so no CRL covers the leaf.
    f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "ica.pem",
            "--crl",
            "root.crl",
            "--crl",
            "rogue-ica-aki.crl",
        ],
    )
    .expect("INDETERMINATE", "REVOCATION_UNAVAILABLE");
}

#[test]
fn openssl_pki_issuer_that_is_not_a_ca_is_chain_invalid() {
    let f = Fixture::interop();
    let sig = f.sign("under-notca.der", &[f.own("under-notca")], &["-nodetach"]);
    f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "notca.pem",
            "--no-revocation",
        ],
    )
    .expect("INDETERMINATE", "CHAIN_INVALID")
    .sub("CHAIN_CONSTRAINTS_FAILURE");
    let mut bundle = f.read("root.pem");
    bundle.extend(f.read("notca.pem"));
    let bundle = f.write("notca-bundle.pem", &bundle);
    f.openssl_rejects(&sig, None, &bundle, &[]);
}

#[test]
fn openssl_pki_other_root_is_chain_untrusted() {
    let f = Fixture::interop();
    let stranger = f.sign("stranger.der", &[f.own("stranger")], &["-nodetach"]);
    f.verify(&stranger, &refs(&f.interop_args()))
        .expect("INDETERMINATE", "CHAIN_UNTRUSTED")
        .sub("NO_CERTIFICATE_CHAIN_FOUND");
    // Handing over the other root as an untrusted certificate changes nothing.
    f.verify(
        &stranger,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "other.pem",
            "--no-revocation",
        ],
    )
    .expect("INDETERMINATE", "CHAIN_UNTRUSTED");
    // Our leaf against only the other root.
    let leaf = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    f.verify(
        &leaf,
        &[
            "--trust",
            "other.pem",
            "--certs",
            "ica.pem",
            "--no-revocation",
        ],
    )
    .expect("INDETERMINATE", "CHAIN_UNTRUSTED");
    // The rogue CA has the issuing CA's name but not its key.
    f.verify(&leaf, &["--trust", "rogue.pem", "--no-revocation"])
        .expect("INDETERMINATE", "CHAIN_UNTRUSTED");
}

#[test]
fn openssl_pki_certificate_without_iin() {
    let f = Fixture::interop();
    let sig = f.sign("noiin.der", &[f.own("noiin")], &["-nodetach"]);
    let args = f.interop_args();
    let r = f.verify(&sig, &refs(&args));
    r.ok();
    assert!(r.json["signer"]["iin"].is_null());
    f.verify(&sig, &refs(&with(&args, &["--iin", "880101300123"])))
        .expect("FAILED", "IIN_MISSING")
        .sub("SIG_CONSTRAINTS_FAILURE");
}

#[test]
fn openssl_pki_no_revocation_policy() {
    let f = Fixture::interop();
    let sig = f.sign("leaf.der", &[f.own("leaf")], &["-nodetach"]);
    let r = f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "ica.pem",
            "--no-revocation",
        ],
    );
    r.ok();
    assert_eq!(r.json["policy"]["revocation"], "skipped", "{}", r.summary());
    assert_eq!(r.json["policy"]["name"], "condition-2/no-revocation");
    assert_eq!(r.check("revocation")["outcome"], "skipped");
    // Even a revoked certificate passes when revocation is not checked.
    f.verify(
        &sig,
        &[
            "--trust",
            "root.pem",
            "--certs",
            "ica.pem",
            "--crl",
            "ica-revoked.crl",
            "--no-revocation",
        ],
    )
    .ok();
}
