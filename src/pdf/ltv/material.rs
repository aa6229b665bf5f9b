//! Which validation data a file needs: the certificates every signature and
//! time-stamp carries, completed up to a trust anchor from the store, the
//! CRLs (of those given) whose issuer is one of them, and the OCSP
//! responses given.
//!
//! Owns choosing, not fetching: CRLs and OCSP responses come in as
//! parameters (the caller downloaded or recorded them right after the
//! time-stamp), so this is offline and deterministic.

use super::{FoundSignature, signatures};
use crate::pdf::PdfError;
use crate::pdf::sign::Ltv;
use crate::pdf::xref::{PdfFile, Source};
use crate::pki::TrustStore;
use crate::pki::cert::Certificate;

/// Most certificates gathered for one file.
const MAX_CERTS: usize = 500;

/// Validation data for every signature and time-stamp of the file.
pub fn material(
    src: &dyn Source,
    store: &TrustStore,
    crls: &[Vec<u8>],
    ocsps: &[Vec<u8>],
) -> Result<Ltv, PdfError> {
    let file = PdfFile::open(src)?;
    let sigs = signatures(&file)?;
    Ok(for_signatures(&sigs, store, crls, ocsps))
}

/// Validation data for the last document time-stamp's TSA chain (what a
/// renewal must add before that TSA's certificate expires); for the last
/// signature's when the file has no document time-stamp yet.
pub fn renewal_material(
    src: &dyn Source,
    store: &TrustStore,
    crls: &[Vec<u8>],
    ocsps: &[Vec<u8>],
) -> Result<Ltv, PdfError> {
    let file = PdfFile::open(src)?;
    let sigs = signatures(&file)?;
    let last: Vec<FoundSignature> = match sigs.iter().rposition(|s| s.doc_timestamp) {
        Some(i) => vec![sigs[i].clone()],
        None => sigs,
    };
    Ok(for_signatures(&last, store, crls, ocsps))
}

/// The certificates of `sigs` (their CMS and tokens), completed from the
/// store, and the CRLs of their issuers.
pub fn for_signatures(
    sigs: &[FoundSignature],
    store: &TrustStore,
    crls: &[Vec<u8>],
    ocsps: &[Vec<u8>],
) -> Ltv {
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let push = |der: &[u8], certs: &mut Vec<Vec<u8>>| {
        if certs.len() < MAX_CERTS && !certs.iter().any(|c| c == der) {
            certs.push(der.to_vec());
        }
    };
    for s in sigs {
        let mut cms = vec![s.cms().to_vec()];
        if !s.doc_timestamp {
            cms.extend(s.tokens());
        }
        for c in cms {
            if let Ok(env) = crate::envelope::parse::parse(&c) {
                for der in &env.certs {
                    push(der, &mut certs);
                }
            }
        }
    }
    // Issuers the files do not carry, from the store, until none is missing.
    let cas = store.cas();
    let mut i = 0;
    while i < certs.len() && certs.len() < MAX_CERTS {
        if let Ok(c) = Certificate::from_der(&certs[i])
            && c.subject_raw != c.issuer_raw
        {
            for ca in cas.iter().filter(|ca| ca.subject_raw == c.issuer_raw) {
                push(&ca.der, &mut certs);
            }
        }
        i += 1;
    }
    let subjects: Vec<Vec<u8>> = certs
        .iter()
        .filter_map(|c| Certificate::from_der(c).ok().map(|c| c.subject_raw))
        .collect();
    let out_crls = crate::pki::crl::issued_by(crls, &subjects);
    let mut out_ocsps: Vec<Vec<u8>> = Vec::new();
    for r in ocsps {
        if !out_ocsps.contains(r) {
            out_ocsps.push(r.clone());
        }
    }
    Ltv {
        certs,
        crls: out_crls,
        ocsps: out_ocsps,
    }
}
