//! Every certificate of the national CA's public test material in
//! `../shared/realkz` (read in place, never copied into the repository):
//! certificate files (`.cer`, `.crt`, `.pem`, `.der`, `*.p12certs.pem`,
//! `.cer.vN`, PEM or DER, one or several each) and the certificates embedded
//! in CMS envelopes, OCSP and time-stamp responses, found by scanning their
//! bytes for DER certificates.

#![allow(dead_code)]

use qoltanba::pki::cert::Certificate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder of the real material.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realkz")
}

/// A path under the real material.
pub fn file(rel: &str) -> PathBuf {
    root().join(rel)
}

/// One distinct certificate and every file it was found in (relative).
pub struct RealCert {
    /// The parsed certificate.
    pub cert: Certificate,
    /// Files it came from, sorted.
    pub files: Vec<String>,
}

impl RealCert {
    /// The files, joined, for messages and file-name rules.
    pub fn names(&self) -> String {
        self.files.join(" ")
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// DER certificates (`30 82 LL LL …`) anywhere in `bytes`.
fn embedded(bytes: &[u8]) -> Vec<Certificate> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 < bytes.len() {
        if bytes[i] == 0x30 && bytes[i + 1] == 0x82 {
            let len = 4 + ((bytes[i + 2] as usize) << 8 | bytes[i + 3] as usize);
            if let Some(der) = bytes.get(i..i + len)
                && let Ok(c) = Certificate::from_der(der)
            {
                found.push(c);
                i += len;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Every distinct certificate of the real material, by SHA-256.
pub fn certificates() -> Vec<RealCert> {
    let mut files = Vec::new();
    walk(&root(), &mut files);
    assert!(
        !files.is_empty(),
        "the real NCA material is missing: {} (see its README)",
        root().display()
    );
    let mut by_fp: BTreeMap<[u8; 32], RealCert> = BTreeMap::new();
    for p in files {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Keys and lists hold no certificate in the clear; PDFs are large.
        let skip = [".p12", ".crl", ".pdf", ".tsv", ".md", ".xml", ".yml"]
            .iter()
            .any(|e| name.ends_with(e) || name.contains(".p12.v"));
        if skip && !name.ends_with("p12certs.pem") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let mut certs = Vec::new();
        if let Ok(ders) = qoltanba::input::decode_all(&bytes, &["CERTIFICATE"]) {
            certs.extend(ders.iter().filter_map(|d| Certificate::from_der(d).ok()));
        }
        if certs.is_empty() {
            certs = embedded(&bytes);
            // CMS kept as base64 text (`.cms`, `.txt`, `.orig.b64`).
            if let Some(decoded) = qoltanba::input::decode_base64(&bytes) {
                certs.extend(embedded(&decoded));
            }
        }
        let rel = p
            .strip_prefix(root())
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string());
        for c in certs {
            let entry = by_fp.entry(c.fingerprint).or_insert_with(|| RealCert {
                cert: c,
                files: Vec::new(),
            });
            if !entry.files.contains(&rel) {
                entry.files.push(rel.clone());
            }
        }
    }
    by_fp.into_values().collect()
}
