//! The trust store: trust anchors, known intermediate CAs and their CRLs.
//!
//! Owns loading a folder or files of certificates and CRLs (PEM or DER) and
//! remembering which certificate edges have verified. A self-signed CA in a
//! trust folder is an anchor; another CA is an intermediate (still untrusted:
//! it must chain to an anchor). Leaf certificates in a trust folder are ignored
//! and reported. An anchor may be marked as a test PKI's (`TrustProfile::Test`):
//! only the IIN check reads the mark; an anchor also given as a production
//! anchor stays production.

use super::cert::Certificate;
use super::path::EdgeCache;
use super::revocation::RevocationStore;
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path as FsPath;
use std::sync::{Arc, RwLock};

/// Most edges remembered before the cache starts over.
const MAX_EDGES: usize = 100_000;

/// A set of verified (child, issuer) edges.
#[derive(Debug, Default)]
pub struct EdgeSet(RwLock<HashSet<([u8; 32], [u8; 32])>>);

impl EdgeCache for EdgeSet {
    fn known(&self, child: &[u8; 32], issuer: &[u8; 32]) -> bool {
        self.0
            .read()
            .map(|s| s.contains(&(*child, *issuer)))
            .unwrap_or(false)
    }
    fn record(&self, child: &[u8; 32], issuer: &[u8; 32]) {
        if let Ok(mut s) = self.0.write() {
            if s.len() >= MAX_EDGES {
                s.clear();
            }
            s.insert((*child, *issuer));
        }
    }
}

/// Whose PKI a trust anchor belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrustProfile {
    /// A production PKI: every check at full strength (the default).
    #[default]
    Production,
    /// A test PKI (such as the NCA's): its IINs fail the check digit, so the
    /// IIN check compares digits only.
    Test,
}

/// Trust anchors, intermediates and CRLs.
#[derive(Debug, Default)]
pub struct TrustStore {
    /// Trusted roots.
    pub anchors: Vec<Arc<Certificate>>,
    /// Known intermediate CAs (untrusted until chained).
    pub intermediates: Vec<Arc<Certificate>>,
    /// CRLs of the store.
    pub revocation: RevocationStore,
    /// Files or objects that could not be used: (source, reason).
    pub rejected: Vec<(String, String)>,
    /// Where the store came from, for reports.
    pub origin: String,
    /// Fingerprints of the anchors marked as a test PKI's.
    test_anchors: HashSet<[u8; 32]>,
    edges: EdgeSet,
    seen: RwLock<std::collections::HashMap<[u8; 32], Arc<Certificate>>>,
}

/// Most parsed certificates remembered before the cache starts over.
const MAX_SEEN: usize = 10_000;

fn self_signed(c: &Certificate) -> bool {
    c.is_self_issued() && super::path::verify_edge(c, c).is_ok()
}

impl TrustStore {
    /// An empty store named `origin`.
    pub fn new(origin: &str) -> Self {
        TrustStore {
            origin: origin.to_string(),
            ..Default::default()
        }
    }

    /// The verified-edge cache.
    pub fn edge_cache(&self) -> &dyn EdgeCache {
        &self.edges
    }

    /// The same anchors and intermediates with another set of CRLs (the CRL
    /// refresher swaps stores this way; verified edges start afresh).
    pub fn with_crls(&self, revocation: RevocationStore) -> TrustStore {
        TrustStore {
            anchors: self.anchors.clone(),
            intermediates: self.intermediates.clone(),
            revocation,
            rejected: self.rejected.clone(),
            origin: self.origin.clone(),
            test_anchors: self.test_anchors.clone(),
            edges: EdgeSet::default(),
            seen: RwLock::default(),
        }
    }

    /// Every CA certificate of the store (anchors, then intermediates).
    pub fn cas(&self) -> Vec<Arc<Certificate>> {
        self.anchors
            .iter()
            .chain(self.intermediates.iter())
            .cloned()
            .collect()
    }

    /// A certificate parsed before (citizens sign many requests with one),
    /// found by its exact DER: the last bytes (of its signature) pick the
    /// slot, the whole encoding must match, so no hash is computed per lookup
    /// and a crafted look-alike is only a miss.
    pub fn seen_certificate(&self, der: &[u8]) -> Option<Arc<Certificate>> {
        self.seen
            .read()
            .ok()
            .and_then(|m| m.get(&tail_key(der)).filter(|c| c.der == der).cloned())
    }

    /// Remembers a parsed certificate by its fingerprint (bounded).
    pub fn remember_certificate(&self, c: &Arc<Certificate>) {
        if let Ok(mut m) = self.seen.write() {
            if m.len() >= MAX_SEEN {
                m.clear();
            }
            m.insert(tail_key(&c.der), c.clone());
        }
    }

    /// Forgets every verified edge (benchmarks measure the cold path with it).
    pub fn clear_edge_cache(&self) {
        if let Ok(mut s) = self.edges.0.write() {
            s.clear();
        }
    }

    /// Adds every certificate in `bytes` as a (production) trust anchor.
    pub fn add_anchors(&mut self, bytes: &[u8], source: &str) -> Result<usize, String> {
        self.add_anchors_as(bytes, source, TrustProfile::Production)
    }

    /// Adds every certificate in `bytes` as a trust anchor of a test PKI
    /// (one already trusted as a production anchor stays production).
    pub fn add_test_anchors(&mut self, bytes: &[u8], source: &str) -> Result<usize, String> {
        self.add_anchors_as(bytes, source, TrustProfile::Test)
    }

    fn add_anchors_as(
        &mut self,
        bytes: &[u8],
        source: &str,
        profile: TrustProfile,
    ) -> Result<usize, String> {
        let ders = crate::input::decode_all(bytes, &["CERTIFICATE", "TRUSTED CERTIFICATE"])
            .map_err(|e| format!("{source}: {e}"))?;
        let mut n = 0;
        for der in ders {
            let c = Certificate::from_der(&der).map_err(|e| format!("{source}: {e}"))?;
            n += usize::from(self.add_anchor(Arc::new(c), profile));
        }
        Ok(n)
    }

    /// Adds one anchor; whether it was new.
    fn add_anchor(&mut self, c: Arc<Certificate>, profile: TrustProfile) -> bool {
        let known = self.anchors.iter().any(|a| a.fingerprint == c.fingerprint);
        match profile {
            // Production wins, whichever was given first.
            TrustProfile::Production => {
                self.test_anchors.remove(&c.fingerprint);
            }
            TrustProfile::Test if !known => {
                self.test_anchors.insert(c.fingerprint);
            }
            TrustProfile::Test => {}
        }
        if !known {
            self.anchors.push(c);
        }
        !known
    }

    /// Whose PKI `anchor` (the last certificate of a path) belongs to.
    pub fn profile_of(&self, anchor: &Certificate) -> TrustProfile {
        if self.test_anchors.contains(&anchor.fingerprint) {
            TrustProfile::Test
        } else {
            TrustProfile::Production
        }
    }

    /// How many anchors are marked as a test PKI's.
    pub fn test_anchor_count(&self) -> usize {
        self.test_anchors.len()
    }

    /// Adds a test PKI's folder (as `from_dir` reads one): its self-signed
    /// CAs become test anchors, and so does a CA whose issuer is not in the
    /// folder (the NCA publishes no CRL of its test root, so a folder may
    /// hold the test intermediate alone, with its CRL); its other CAs are
    /// intermediates, its CRLs join the store's.
    pub fn add_test_dir(&mut self, dir: &FsPath) -> std::io::Result<()> {
        let test = TrustStore::from_dir(dir)?;
        let cas: Vec<Arc<Certificate>> = test.cas();
        let (orphans, intermediates): (Vec<_>, Vec<_>) =
            test.intermediates.into_iter().partition(|c| {
                !cas.iter()
                    .any(|i| c.named_issuer_is(i) && i.fingerprint != c.fingerprint)
            });
        for a in test.anchors.into_iter().chain(orphans) {
            self.add_anchor(a, TrustProfile::Test);
        }
        for c in intermediates {
            if !self
                .intermediates
                .iter()
                .any(|i| i.fingerprint == c.fingerprint)
            {
                self.intermediates.push(c);
            }
        }
        self.revocation.crls.extend(test.revocation.crls);
        self.revocation.rejected.extend(test.revocation.rejected);
        self.rejected.extend(test.rejected);
        Ok(())
    }

    /// Adds certificates, sorting self-signed CAs into anchors and other CAs
    /// into intermediates (used for trust folders).
    pub fn add_mixed(&mut self, bytes: &[u8], source: &str) {
        let ders = match crate::input::decode_all(bytes, &["CERTIFICATE", "TRUSTED CERTIFICATE"]) {
            Ok(d) => d,
            Err(e) => return self.rejected.push((source.to_string(), e.to_string())),
        };
        for der in ders {
            match Certificate::from_der(&der) {
                Ok(c) if self_signed(&c) => {
                    self.add_anchor(Arc::new(c), TrustProfile::Production);
                }
                Ok(c) if c.is_ca() => {
                    if !self
                        .intermediates
                        .iter()
                        .any(|a| a.fingerprint == c.fingerprint)
                    {
                        self.intermediates.push(Arc::new(c));
                    }
                }
                Ok(_) => self
                    .rejected
                    .push((source.to_string(), "not a CA certificate: ignored".into())),
                Err(e) => self.rejected.push((source.to_string(), e.to_string())),
            }
        }
    }

    /// Loads a folder: `*.crl` files are CRLs, other files certificates.
    pub fn from_dir(dir: &FsPath) -> std::io::Result<TrustStore> {
        let mut store = TrustStore::new(&dir.display().to_string());
        let listing = std::fs::read_dir(dir).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "no trust folder at {} ({e}): set QOLTANBA_TRUST_DIR (or trust_dir in the config file) to the folder of the national CA's certificates and CRLs, or give them with --trust FILE",
                    dir.display()
                ),
            )
        })?;
        let mut entries: Vec<_> = listing.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        let mut crl_files = Vec::new();
        for p in entries {
            if !p.is_file() {
                continue;
            }
            let name = p.display().to_string();
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !["pem", "crt", "cer", "der", "crl"].contains(&ext.as_str()) {
                continue;
            }
            let meta = std::fs::metadata(&p)?;
            if meta.len() > super::crl::MAX_CRL_LEN as u64 {
                store.rejected.push((name, "file too large".into()));
                continue;
            }
            let bytes = std::fs::read(&p)?;
            if ext == "crl" || bytes.windows(15).any(|w| w == b"BEGIN X509 CRL-") {
                crl_files.push((name, bytes));
            } else {
                store.add_mixed(&bytes, &name);
            }
        }
        // CRLs after every CA is known, so each is verified while its bytes are at hand.
        let cas: Vec<Arc<Certificate>> = store
            .anchors
            .iter()
            .chain(store.intermediates.iter())
            .cloned()
            .collect();
        for (name, bytes) in crl_files {
            store.revocation.add_bytes_checked(&bytes, &name, &cas);
        }
        store.precheck_crls();
        Ok(store)
    }

    /// Verifies each CRL against the store's CAs once, so lookups never pay for it.
    pub fn precheck_crls(&self) {
        for crl in &self.revocation.crls {
            for ca in self.anchors.iter().chain(self.intermediates.iter()) {
                if (crl.issuer_raw == ca.subject_raw || crl.issuer_key == ca.subject_key())
                    && crl.verify_signature(ca).is_ok()
                {
                    break;
                }
            }
        }
    }

    /// The configured store of the command line: the trust folder
    /// ([`TrustStore::default_dir`]) and, when `QOLTANBA_TEST_TRUST_DIR` is
    /// set, that test PKI's folder (as the service reads them).
    pub fn configured() -> Result<TrustStore, String> {
        let dir = TrustStore::default_dir();
        let mut store = TrustStore::from_dir(&dir)
            .map_err(|e| format!("trust store {}: {e}", dir.display()))?;
        if let Some(test) = std::env::var_os("QOLTANBA_TEST_TRUST_DIR").filter(|v| !v.is_empty()) {
            let test = std::path::PathBuf::from(test);
            store
                .add_test_dir(&test)
                .map_err(|e| format!("test trust store {}: {e}", test.display()))?;
        }
        Ok(store)
    }

    /// The configured trust folder: `QOLTANBA_TRUST_DIR`, else `certs/trust`
    /// under the working directory, else the one shipped with the source.
    pub fn default_dir() -> std::path::PathBuf {
        if let Ok(d) = std::env::var("QOLTANBA_TRUST_DIR") {
            return d.into();
        }
        let local = std::path::PathBuf::from("certs/trust");
        if local.is_dir() {
            return local;
        }
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/certs/trust"))
    }
}

/// The last 32 bytes of a DER certificate (its signature's tail), zero-padded.
fn tail_key(der: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 32];
    let tail = &der[der.len().saturating_sub(32)..];
    k[..tail.len()].copy_from_slice(tail);
    k
}
