//! The demo PKI's GOST hierarchies, shaped like the national CA's: a GOST
//! 34.10-2015/512 hierarchy (every key on TC26 512 paramSetA, Streebog-512,
//! as the NCA issues since 2022) and a GOST 34.310-2004 one (CryptoPro-A,
//! GOST 34.311-95): each a self-signed root, an NCA-style intermediate, a
//! delegated OCSP responder, a time-stamping authority, and the same people
//! as the RSA demo, with base and delta CRLs.
//!
//! Owns generating `certs/gost/` (`qoltanba pki demo-gost --out certs/gost`)
//! and reading its CAs back. Names, serials and validity windows are fixed
//! (relative to `EPOCH`); keys are fresh test keys, written as PKCS#8 (the
//! scalar little-endian in an OCTET STRING). Everything it writes is for
//! tests only.

use super::x509::{self, CertSpec, Usage};
use super::{BASE_URL, EPOCH, Person, YEAR, crl};
use crate::pki::algorithms::GostFamily;
use crate::pki::gost::Curve;
use crate::pki::profile as p;
use crate::pki::signer::{GostSigner, Signer};
use std::path::Path;

/// One GOST hierarchy of the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hierarchy {
    /// File prefix: `gost2015` or `gost2004`.
    pub name: &'static str,
    /// The standard its keys' OIDs name.
    pub family: GostFamily,
    /// The curve of every key in it.
    pub curve: Curve,
    /// A number that keeps its serials apart from the other hierarchy's.
    pub serial_base: u64,
    /// The year in its CAs' names.
    pub label: &'static str,
}

/// GOST 34.10-2015, 512 bits (TC26 paramSetA, Streebog-512).
pub const GOST2015: Hierarchy = Hierarchy {
    name: "gost2015",
    family: GostFamily::Kz2015,
    curve: Curve::Tc26_512A,
    serial_base: 0x1510_0000,
    label: "GOST 2015",
};

/// GOST 34.310-2004 (CryptoPro-A, GOST 34.311-95).
pub const GOST2004: Hierarchy = Hierarchy {
    name: "gost2004",
    family: GostFamily::Kz2004,
    curve: Curve::CryptoProA,
    serial_base: 0x0410_0000,
    label: "GOST 2004",
};

/// Both hierarchies.
pub const HIERARCHIES: [Hierarchy; 2] = [GOST2015, GOST2004];

impl Hierarchy {
    /// A fresh key of this hierarchy.
    pub fn key(&self) -> Result<GostSigner, String> {
        GostSigner::generate(self.curve, self.family).map_err(|e| e.to_string())
    }
    /// The file stem of its root, intermediate, responder or TSA (`root`, `nca`, `ocsp`, `tsa`).
    pub fn file(&self, what: &str) -> String {
        format!("{}-{what}", self.name)
    }
    /// Its OCSP responder's URL (unreachable; tests name their own).
    pub fn ocsp_url(&self) -> String {
        format!("{BASE_URL}/ocsp/{}", self.name)
    }
    /// A certificate serial of this hierarchy.
    pub fn serial(&self, n: u64) -> Vec<u8> {
        (self.serial_base + n).to_be_bytes().to_vec()
    }
}

/// A GOST CA (or responder, or TSA) of the demo: its key and certificate.
pub struct GostCa {
    /// File stem.
    pub file: String,
    /// The key.
    pub signer: GostSigner,
    /// Certificate DER.
    pub der: Vec<u8>,
}

impl std::fmt::Debug for GostCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GostCa")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl GostCa {
    /// A CA from its certificate and PKCS#8 key (read back from `certs/gost/`).
    pub fn load(file: &str, der: Vec<u8>, pkcs8: &[u8]) -> Result<GostCa, String> {
        Ok(GostCa {
            file: file.to_string(),
            signer: GostSigner::from_pkcs8(pkcs8).map_err(|e| e.to_string())?,
            der,
        })
    }
}

fn subject_ca(cn: String) -> Vec<(&'static str, String)> {
    vec![(x509::CN, cn), (x509::COUNTRY, "KZ".into())]
}

/// The root of `h`, self-signed.
pub fn make_root(h: &Hierarchy) -> Result<GostCa, String> {
    let signer = h.key()?;
    let spec = CertSpec {
        serial: h.serial(1),
        subject: subject_ca(format!(
            "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ ({}) QOLTANBA DEMO",
            h.label
        )),
        validity: (EPOCH, EPOCH + 20 * YEAR),
        spki: signer.public_key_spki(),
        ca: Some(None),
        key_usage: vec![Usage::KeyCertSign, Usage::CrlSign],
        policies: vec!["1.2.398.3.1.2"],
        ..Default::default()
    };
    let der = x509::issue(&spec, None, &signer)?;
    Ok(GostCa {
        file: h.file("root"),
        signer,
        der,
    })
}

/// The NCA-style intermediate of `h` under `root` (pathLen 0).
pub fn make_nca(h: &Hierarchy, root: &GostCa) -> Result<GostCa, String> {
    let signer = h.key()?;
    let spec = CertSpec {
        serial: h.serial(2),
        subject: subject_ca(format!(
            "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ ({}) QOLTANBA DEMO",
            h.label
        )),
        validity: (EPOCH, EPOCH + 15 * YEAR),
        spki: signer.public_key_spki(),
        ca: Some(Some(0)),
        key_usage: vec![Usage::KeyCertSign, Usage::CrlSign],
        policies: vec!["1.2.398.3.3.2"],
        crl_urls: vec![format!("{BASE_URL}/crl/{}.crl", root.file)],
        ca_issuer_urls: vec![format!("{BASE_URL}/cert/{}.cer", root.file)],
        ..Default::default()
    };
    let der = x509::issue(&spec, Some(&root.der), &root.signer)?;
    Ok(GostCa {
        file: h.file("nca"),
        signer,
        der,
    })
}

/// A service certificate the intermediate issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// A delegated OCSP responder: id-kp-OCSPSigning, id-pkix-ocsp-nocheck.
    Ocsp,
    /// A time-stamping authority: critical id-kp-timeStamping only.
    Tsa,
}

/// Issues `service`'s certificate for `key` under `nca`.
pub fn make_service(
    h: &Hierarchy,
    nca: &GostCa,
    service: Service,
    key: GostSigner,
) -> Result<GostCa, String> {
    let (what, n, cn, eku, usage) = match service {
        Service::Ocsp => (
            "ocsp",
            3,
            "OCSP",
            x509::EKU_OCSP_SIGNING,
            vec![Usage::DigitalSignature],
        ),
        Service::Tsa => (
            "tsa",
            4,
            "TSA",
            x509::EKU_TIME_STAMPING,
            vec![Usage::DigitalSignature, Usage::NonRepudiation],
        ),
    };
    let spec = CertSpec {
        serial: h.serial(n),
        subject: subject_ca(format!("{cn} ({}) QOLTANBA DEMO", h.label)),
        validity: (EPOCH, EPOCH + 10 * YEAR),
        spki: key.public_key_spki(),
        key_usage: usage,
        eku: vec![eku],
        eku_critical: service == Service::Tsa,
        policies: vec!["1.2.398.3.3.2"],
        crl_urls: if service == Service::Tsa {
            vec![format!("{BASE_URL}/crl/{}.crl", nca.file)]
        } else {
            Vec::new()
        },
        ca_issuer_urls: vec![format!("{BASE_URL}/cert/{}.cer", nca.file)],
        ocsp_nocheck: service == Service::Ocsp,
        ..Default::default()
    };
    let der = x509::issue(&spec, Some(&nca.der), &nca.signer)?;
    Ok(GostCa {
        file: h.file(what),
        signer: key,
        der,
    })
}

/// The demo people of a GOST hierarchy: the RSA demo's set (the ECDSA
/// citizen aside), under the same names without `-rsa`.
pub fn people() -> Vec<Person> {
    super::people()
        .into_iter()
        .filter(|p| !p.ec)
        .map(|mut p| {
            p.file = p.file.strip_suffix("-rsa").unwrap_or(p.file);
            p
        })
        .collect()
}

/// The certificate the intermediate `nca` of `h` issues to `person`, as the
/// national CA writes it: GOST 2015 signing keys carry digitalSignature,
/// nonRepudiation and keyAgreement with policy 1.2.398.3.3.2 (the 2022+
/// test certificates); GOST 2004 signing keys digitalSignature and
/// nonRepudiation with the individual or legal-entity signing policy;
/// authentication keys digitalSignature and keyEncipherment with
/// clientAuth and the authentication policy.
pub fn person_spec(h: &Hierarchy, person: &Person, spki: &[u8], nca_file: &str) -> CertSpec {
    let mut subject = vec![
        (x509::CN, format!("{} {}", person.surname, person.name)),
        (x509::SURNAME, person.surname.to_string()),
    ];
    if !person.iin.is_empty() {
        subject.push((x509::SERIAL_NUMBER, format!("IIN{}", person.iin)));
    }
    subject.push((x509::COUNTRY, "KZ".into()));
    if let Some((o, bin)) = &person.org {
        subject.push((x509::ORGANISATION, o.to_string()));
        subject.push((x509::ORG_UNIT, format!("BIN{bin}")));
    }
    subject.push((x509::GIVEN_NAME, person.patronymic.to_string()));
    let legal = person.org.is_some();
    let (key_usage, policy) = match (person.auth, h.family) {
        (true, _) => (
            vec![Usage::DigitalSignature, Usage::KeyEncipherment],
            if legal {
                p::POLICY_LEGAL_AUTH
            } else {
                p::POLICY_INDIVIDUAL_AUTH
            },
        ),
        (false, GostFamily::Kz2004) => (
            vec![Usage::DigitalSignature, Usage::NonRepudiation],
            if legal {
                p::POLICY_LEGAL_SIGN
            } else {
                p::POLICY_INDIVIDUAL_SIGN
            },
        ),
        (false, _) => (
            vec![
                Usage::DigitalSignature,
                Usage::NonRepudiation,
                Usage::KeyAgreement,
            ],
            "1.2.398.3.3.2",
        ),
    };
    let mut eku = Vec::new();
    if !person.roles.is_empty() {
        eku.push(if person.auth {
            x509::EKU_CLIENT_AUTH
        } else {
            x509::EKU_EMAIL
        });
        eku.extend(person.roles.iter().copied());
    }
    CertSpec {
        serial: h.serial(person.serial),
        subject,
        validity: person.validity,
        spki: spki.to_vec(),
        key_usage,
        eku,
        policies: vec![policy],
        crl_urls: vec![format!("{BASE_URL}/crl/{nca_file}.crl")],
        delta_crl_urls: vec![format!("{BASE_URL}/crl/{nca_file}-delta.crl")],
        ocsp_urls: vec![h.ocsp_url()],
        ca_issuer_urls: vec![format!("{BASE_URL}/cert/{nca_file}.cer")],
        ..Default::default()
    }
}

/// Issues `person`'s certificate for the key `spki` under `nca`.
pub fn issue_person(
    h: &Hierarchy,
    person: &Person,
    spki: &[u8],
    nca: &GostCa,
) -> Result<Vec<u8>, String> {
    x509::issue(
        &person_spec(h, person, spki, &nca.file),
        Some(&nca.der),
        &nca.signer,
    )
}

/// The CRLs of the intermediate of `h`: base (number 1: revoked for
/// keyCompromise, on-hold for certificateHold) and delta (number 2 on base
/// 1: revoked-delta, affiliationChanged), valid until 2036.
pub fn nca_crls(h: &Hierarchy) -> (crl::CrlSpec, crl::CrlSpec) {
    let serial = |n: &str| {
        people()
            .into_iter()
            .find(|p| p.file == n)
            .map(|p| h.serial(p.serial))
            .unwrap_or_default()
    };
    crl::people_crls(serial)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn pem(label: &str, der: &[u8]) -> String {
    pem::encode(&pem::Pem::new(label, der.to_vec()))
}

fn write_key(path: &Path, signer: &GostSigner) -> Result<(), String> {
    let der = signer.to_pkcs8().map_err(|e| e.to_string())?;
    write(path, pem("PRIVATE KEY", &der).as_bytes())
}

const README: &str = "# Demo GOST PKI: TEST KEYS ONLY

Everything in this folder was made by `qoltanba pki demo-gost --out certs/gost`.
The private keys are published test keys. Nothing here may be trusted
outside tests.

Two hierarchies, shaped like the national CA's (NCA RK) certificates:

- `gost2015-*`: GOST 34.10-2015, every key 512 bits (TC26 paramSetA,
  key OID 1.2.398.3.10.1.1.2.2, signatures 1.2.398.3.10.1.1.2.3.2 with
  Streebog-512), as the NCA issues since 2022.
- `gost2004-*`: GOST 34.310-2004 (CryptoPro-A, key OID 1.2.398.3.10.1.1.1.1,
  signatures 1.2.398.3.10.1.1.1.2 with GOST 34.311-95).

Folders:

- `trust/`: for `--trust-dir certs/gost/trust`: each hierarchy's root
  (`*-root.pem`, the trust anchor) and intermediate (`*-nca.pem`, pathLen 0),
  their CRLs: `*-root.crl` (empty), `*-nca.crl` (base, number 1: revoked,
  on-hold), `*-nca-delta.crl` (delta, number 2 on base 1: revoked-delta).
- `ca/`: the CAs' private keys, and the intermediate-issued service
  certificates with their keys: `*-ocsp` (delegated OCSP responder:
  id-kp-OCSPSigning, id-pkix-ocsp-nocheck) and `*-tsa` (time-stamping
  authority: critical id-kp-timeStamping).
- `people/`: `<hierarchy>-<name>.pem` and `.key.pem`: citizen, citizen2
  (signing), citizen-auth (authentication only), expired, revoked (base
  CRL), revoked-delta (delta CRL only), on-hold (certificateHold), no-eku,
  employee and head of the provider (BIN in OU), operator of the service
  centre. Subjects as the NCA writes them: CN, SURNAME, SERIALNUMBER=IIN…,
  C=KZ, O and OU=BIN… for employees, G.

Keys are PKCS#8 PrivateKeyInfo: the SubjectPublicKeyInfo's algorithm and
parameters, and the private scalar as an OCTET STRING, little-endian
(R 1323565.1.023); `GostSigner::from_pkcs8` reads them.

Validity windows are fixed relative to 2026-01-01T00:00:00Z: roots 20 years,
intermediates 15, OCSP and TSA 10, people 5 (expired: 2024-2025). CRLs are
valid until 2036.
";

/// Writes both GOST hierarchies into `out`; returns a one-line summary.
pub fn generate(out: &Path) -> Result<String, String> {
    for d in ["trust", "ca", "people"] {
        std::fs::create_dir_all(out.join(d)).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let (trust, ca_dir, people_dir) = (out.join("trust"), out.join("ca"), out.join("people"));
    let mut count = 0;
    for h in HIERARCHIES {
        let root = make_root(&h)?;
        let nca = make_nca(&h, &root)?;
        for ca in [&root, &nca] {
            write(
                &trust.join(format!("{}.pem", ca.file)),
                pem("CERTIFICATE", &ca.der).as_bytes(),
            )?;
            write_key(&ca_dir.join(format!("{}.key.pem", ca.file)), &ca.signer)?;
        }
        for service in [Service::Ocsp, Service::Tsa] {
            let s = make_service(&h, &nca, service, h.key()?)?;
            write(
                &ca_dir.join(format!("{}.pem", s.file)),
                pem("CERTIFICATE", &s.der).as_bytes(),
            )?;
            write_key(&ca_dir.join(format!("{}.key.pem", s.file)), &s.signer)?;
        }
        for person in people() {
            let key = h.key()?;
            let der = issue_person(&h, &person, &key.public_key_spki(), &nca)?;
            let stem = format!("{}-{}", h.name, person.file);
            write(
                &people_dir.join(format!("{stem}.pem")),
                pem("CERTIFICATE", &der).as_bytes(),
            )?;
            write_key(&people_dir.join(format!("{stem}.key.pem")), &key)?;
            count += 1;
        }
        let (base, delta) = nca_crls(&h);
        let empty = crl::CrlSpec {
            this_update: EPOCH,
            next_update: Some(EPOCH + 10 * YEAR),
            number: 1,
            delta_of: None,
            entries: vec![],
        };
        write(
            &trust.join(format!("{}.crl", nca.file)),
            &crl::issue(&nca.der, &nca.signer, &base)?,
        )?;
        write(
            &trust.join(format!("{}-delta.crl", nca.file)),
            &crl::issue(&nca.der, &nca.signer, &delta)?,
        )?;
        write(
            &trust.join(format!("{}.crl", root.file)),
            &crl::issue(&root.der, &root.signer, &empty)?,
        )?;
    }
    write(&out.join("README.md"), README.as_bytes())?;
    Ok(format!(
        "GOST demo PKI written to {}: 2 hierarchies (GOST 34.10-2015/512, GOST 34.310-2004), 8 CA and service certificates, {count} people, 6 CRLs (test keys only)",
        out.display()
    ))
}
