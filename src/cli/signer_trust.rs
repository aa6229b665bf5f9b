//! The store a signer's certificate is checked against before `sign`,
//! `xml sign` and `pdf sign` use its key: the anchors and CRLs given on the
//! command line, else the configured folders (`QOLTANBA_TRUST_DIR`, and the
//! test PKI of `QOLTANBA_TEST_TRUST_DIR`, as the service reads them).

use crate::{UsageError, read};
use clap::Args;
use qoltanba::pki::TrustStore;
use std::path::PathBuf;

/// Where the signer's certificate must chain to, and when it is checked.
#[derive(Args, Clone, Default)]
pub struct SignerTrust {
    /// Trust anchors the signer's certificate must chain to (default: the
    /// configured store).
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,
    /// Trust anchors of a test PKI (such as the NCA's test CA), as --trust.
    #[arg(long, value_name = "FILE")]
    pub test_trust: Vec<PathBuf>,
    /// CRLs (DER or PEM) deciding the signer's revocation status, with --trust or --test-trust.
    #[arg(long = "signer-crl", id = "signer_crl", value_name = "FILE")]
    pub crl: Vec<PathBuf>,
    /// The signing time (RFC 3339; default now), for reproducible tests.
    #[arg(long, value_name = "RFC3339", hide = true)]
    pub time: Option<String>,
}

impl SignerTrust {
    /// The signing time.
    pub fn now(&self) -> Result<i64, UsageError> {
        match &self.time {
            Some(t) => {
                qoltanba::time::parse_rfc3339(t).map_err(|e| UsageError(format!("--time: {e}")))
            }
            None => Ok(qoltanba::time::now()),
        }
    }

    /// The store, with `extra_crls` (already read) added to it.
    pub fn store(&self, extra_crls: &[Vec<u8>]) -> Result<TrustStore, UsageError> {
        let mut store = if self.trust.is_empty() && self.test_trust.is_empty() {
            TrustStore::configured().map_err(UsageError)?
        } else {
            anchors_store(&self.trust, &self.test_trust, |name, e| {
                Err(UsageError(format!("--trust {name}: {e}")))
            })?
        };
        let cas = store.cas();
        for p in &self.crl {
            let bytes = read(p)?;
            store
                .revocation
                .add_bytes_checked(&bytes, &p.display().to_string(), &cas);
        }
        for (i, bytes) in extra_crls.iter().enumerate() {
            store
                .revocation
                .add_bytes_checked(bytes, &format!("--crl #{}", i + 1), &cas);
        }
        store.precheck_crls();
        Ok(store)
    }
}

/// A store of the anchors in `trust` and `test_trust` (a test PKI's), in that
/// order; a file whose anchors are refused goes to `refused` (file name,
/// reason), which decides whether that ends the reading.
pub fn anchors_store(
    trust: &[PathBuf],
    test_trust: &[PathBuf],
    mut refused: impl FnMut(String, String) -> Result<(), UsageError>,
) -> Result<TrustStore, UsageError> {
    let mut s = TrustStore::new("--trust");
    for (p, test) in trust
        .iter()
        .map(|p| (p, false))
        .chain(test_trust.iter().map(|p| (p, true)))
    {
        let bytes = read(p)?;
        let name = p.display().to_string();
        let added = if test {
            s.add_test_anchors(&bytes, &name)
        } else {
            s.add_anchors(&bytes, &name)
        };
        if let Err(e) = added {
            refused(name, e)?;
        }
    }
    Ok(s)
}
