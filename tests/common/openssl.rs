//! The `openssl` command line for the tests that build a PKI with it or ask
//! it for a second opinion (`tests/interop_openssl.rs`, `tests/ocsp.rs`):
//! running it, and one `openssl ca` instance with its database.
//!
//! `openssl` (or the program `OPENSSL` names) is required: when it is
//! missing the first test that needs it fails saying so; nothing is skipped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// The start of every certificate window (`openssl ca -startdate`).
pub const CERT_FROM: &str = "250101000000Z";

/// The openssl program: `$OPENSSL`, or `openssl` on the PATH.
pub fn openssl_cmd() -> String {
    std::env::var("OPENSSL").unwrap_or_else(|_| "openssl".to_string())
}

/// Fails (never skips) when the openssl CLI is not there.
pub fn require_openssl() {
    static CHECK: OnceLock<String> = OnceLock::new();
    CHECK.get_or_init(
        || match Command::new(openssl_cmd()).arg("version").output() {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            Ok(o) => panic!(
                "`{} version` failed ({}): {}\nthese tests need a working openssl CLI",
                openssl_cmd(),
                o.status,
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!(
                "the `openssl` command-line tool is required by these tests and could not be \
                 run ({e}); install it (e.g. `apt-get install openssl`) or point the OPENSSL \
                 environment variable at it"
            ),
        },
    );
}

/// Runs openssl in `dir`; returns the output whatever the status.
pub fn openssl_output(dir: &Path, args: &[&str]) -> Output {
    require_openssl();
    Command::new(openssl_cmd())
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running openssl {args:?}: {e}"))
}

/// Runs openssl in `dir` and insists that it succeeds; returns its stdout.
pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
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

/// A temporary path as the `&str` a command line wants.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// The key types the test PKIs use.
#[derive(Clone, Copy)]
pub enum KeyAlg {
    /// RSA, 2048 bits.
    Rsa2048,
    /// ECDSA on P-256.
    P256,
    /// ECDSA on P-384.
    P384,
}

/// Starts `openssl genpkey` writing `file` in `dir`; wait on the child (keys
/// are made in parallel, RSA takes a while).
pub fn genkey(dir: &Path, file: &str, alg: KeyAlg) -> Child {
    require_openssl();
    let [algorithm, opt] = match alg {
        KeyAlg::Rsa2048 => ["RSA", "rsa_keygen_bits:2048"],
        KeyAlg::P256 => ["EC", "ec_paramgen_curve:P-256"],
        KeyAlg::P384 => ["EC", "ec_paramgen_curve:P-384"],
    };
    Command::new(openssl_cmd())
        .current_dir(dir)
        .args(["genpkey", "-algorithm", algorithm, "-pkeyopt", opt])
        .args(["-out", file])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn openssl genpkey")
}

/// Makes every key of `names` (`<name>.key` in `dir`) in parallel.
pub fn genkeys<'a>(dir: &Path, names: impl IntoIterator<Item = (&'a str, KeyAlg)>) {
    let children: Vec<(String, Child)> = names
        .into_iter()
        .map(|(n, alg)| (n.to_string(), genkey(dir, &format!("{n}.key"), alg)))
        .collect();
    for (n, c) in children {
        let o = c.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "openssl genpkey {n}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// The extension sections the tests issue with (`-extensions NAME`): a
/// certificate's constraints and usages; `extension_sections` adds the key
/// identifiers every one of them carries.
const EXTENSIONS: &[(&str, &str)] = &[
    (
        "v3_ca",
        "basicConstraints = critical, CA:TRUE\n\
         keyUsage = critical, keyCertSign, cRLSign",
    ),
    // A CA's key usages without basicConstraints: not a CA at all.
    ("v3_not_ca", "keyUsage = critical, keyCertSign, cRLSign"),
    (
        "v3_sign",
        "basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature, nonRepudiation",
    ),
    (
        "v3_ocsp",
        "basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature\n\
         extendedKeyUsage = OCSPSigning",
    ),
    (
        "v3_noeku",
        "basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature",
    ),
];

/// `EXTENSIONS` as configuration sections.
fn extension_sections() -> String {
    let key_ids = "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always";
    EXTENSIONS
        .iter()
        .map(|(name, lines)| format!("[ {name} ]\n{lines}\n{key_ids}\n\n"))
        .collect()
}

/// A minimal `openssl ca` configuration with every extension section the
/// tests issue. `crl_aki` adds an authorityKeyIdentifier to the CA's CRLs.
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

{extensions}[ req ]
distinguished_name = req_dn
prompt = no
utf8 = yes
string_mask = utf8only

[ req_dn ]
CN = unused
"#,
        dir = s(ca_dir),
        extensions = extension_sections(),
        crl_ext = if crl_aki {
            "crl_extensions = crl_ext"
        } else {
            ""
        },
    )
}

/// One `openssl ca` instance: its folder, database and configuration.
pub struct Ca {
    /// The PKI folder (certificates, keys and CRLs are written here).
    pub base: PathBuf,
    /// The CA's own folder (database, serial, crlnumber, config).
    pub dir: PathBuf,
    name: String,
}

impl Ca {
    /// A CA named `name` whose certificate and key are not there yet.
    pub fn init(base: &Path, name: &str, serial: &str, crl_aki: bool) -> Ca {
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

    /// `openssl ca -batch -config <this CA> <args>` in the PKI folder.
    pub fn ca(&self, args: &[&str]) {
        let cnf = self.cnf();
        let mut all = vec!["ca", "-batch", "-config", &cnf];
        all.extend_from_slice(args);
        openssl(&self.base, &all);
    }

    fn csr(&self, name: &str, subj: &str) -> String {
        let (csr, key, cnf) = (format!("{name}.csr"), format!("{name}.key"), self.cnf());
        let args = ["req", "-new", "-config", &cnf, "-key", &key, "-subj", subj];
        openssl(&self.base, &[&args[..], &["-out", &csr]].concat());
        csr
    }

    /// A self-signed CA valid until `until`, whose key is already at `<name>.key`.
    pub fn root(
        base: &Path,
        name: &str,
        subj: &str,
        serial: &str,
        crl_aki: bool,
        until: &str,
    ) -> Ca {
        let ca = Ca::init(base, name, serial, crl_aki);
        let csr = ca.csr(name, subj);
        let (key, pem) = (format!("{name}.key"), format!("{name}.pem"));
        let window = ["-startdate", CERT_FROM, "-enddate", until, "-notext"];
        let args = ["-selfsign", "-keyfile", &key, "-in", &csr, "-out", &pem];
        ca.ca(&[&args[..], &["-extensions", "v3_ca"], &window].concat());
        ca.adopt(name);
        ca
    }

    /// Issues a CA certificate valid until `until` and returns the new CA
    /// (whose CRLs carry an authorityKeyIdentifier).
    pub fn sub_ca(&self, name: &str, subj: &str, ext: &str, serial: &str, until: &str) -> Ca {
        self.issue(name, subj, ext, until);
        let ca = Ca::init(&self.base, name, serial, true);
        ca.adopt(name);
        ca
    }

    /// Makes `<name>.pem`/`<name>.key` this CA's own certificate and key.
    pub fn adopt(&self, name: &str) {
        for ext in ["pem", "key"] {
            std::fs::copy(
                self.base.join(format!("{name}.{ext}")),
                self.dir.join(format!("ca.{ext}")),
            )
            .unwrap();
        }
    }

    /// Issues `<name>.pem` for the key at `<name>.key`, valid until `until`.
    pub fn issue(&self, name: &str, subj: &str, ext: &str, until: &str) {
        let csr = self.csr(name, subj);
        let pem = format!("{name}.pem");
        let window = ["-startdate", CERT_FROM, "-enddate", until, "-notext"];
        self.ca(&[
            &["-in", &csr, "-out", &pem, "-extensions", ext][..],
            &window,
        ]
        .concat());
    }

    /// Writes a CRL to `out` with the given thisUpdate and nextUpdate.
    pub fn gencrl(&self, out: &str, last: &str, next: &str, extra: &[&str]) {
        let dates = ["-crl_lastupdate", last, "-crl_nextupdate", next];
        self.ca(&[&["-gencrl", "-out", out], &dates[..], extra].concat());
    }

    /// The CA database as `openssl ocsp -index` reads it.
    pub fn index(&self) -> String {
        std::fs::read_to_string(self.dir.join("index.txt")).unwrap()
    }

    /// `openssl ca -revoke <cert>`, then the revocation date is set to
    /// `revoked_on` (openssl records the wall clock, which may be after the
    /// tests' validation time).
    pub fn revoke(&self, cert: &str, reason: &[&str], revoked_on: &str) {
        self.ca(&[&["-revoke", cert], reason].concat());
        let fixed: Vec<String> = self
            .index()
            .lines()
            .map(|line| {
                let mut f: Vec<String> = line.split('\t').map(String::from).collect();
                if f.first().map(String::as_str) == Some("R") && f.len() > 2 {
                    let rest = f[2].split_once(',').map(|(_, r)| format!(",{r}"));
                    f[2] = format!("{revoked_on}{}", rest.unwrap_or_default());
                }
                f.join("\t")
            })
            .collect();
        std::fs::write(self.dir.join("index.txt"), fixed.join("\n") + "\n").unwrap();
        assert!(
            self.index().contains(revoked_on),
            "CA {}: revocation of {cert} not recorded",
            self.name
        );
    }
}
