//! When a file's chain of proofs must be renewed: its last proof of
//! existence (the newest document time-stamp, else the last signature's
//! time-stamp) and when that TSA's certificate expires. A renewal after
//! that moment proves nothing about the earlier proofs.
//!
//! Owns reading those facts; scheduling renewals is the service's job.

use super::signatures;
use crate::pdf::PdfError;
use crate::pdf::xref::{PdfFile, Source};
use crate::pki::cert::Certificate;
use crate::tsp::EKU_TIME_STAMPING;

/// The newest proof of existence a file carries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LastProof {
    /// `document_timestamp`, `signature_timestamp` or `signature` (no proof yet).
    pub kind: &'static str,
    /// The time it proves (Unix seconds), when it is a time-stamp.
    pub time: Option<i64>,
    /// When its TSA's certificate expires (Unix seconds).
    pub tsa_not_after: Option<i64>,
}

/// A token's genTime and its TSA certificate's notAfter.
pub fn token_facts(token: &[u8]) -> (Option<i64>, Option<i64>) {
    let Ok(env) = crate::envelope::parse::parse(token) else {
        return (None, None);
    };
    let time = env
        .content
        .as_deref()
        .and_then(|c| crate::tsp::tst_info(c).ok())
        .map(|i| i.gen_time);
    let not_after = env
        .certs
        .iter()
        .filter_map(|d| Certificate::from_der(d).ok())
        .find(|c| {
            c.eku
                .as_ref()
                .is_some_and(|e| e.iter().any(|o| o == EKU_TIME_STAMPING))
        })
        .map(|c| c.not_after);
    (time, not_after)
}

/// The file's newest proof; None when it has no signature at all.
pub fn last_proof(src: &dyn Source) -> Result<Option<LastProof>, PdfError> {
    let file = PdfFile::open(src)?;
    let sigs = signatures(&file)?;
    if let Some(dts) = sigs.iter().rev().find(|s| s.doc_timestamp) {
        let (time, tsa_not_after) = token_facts(dts.cms());
        return Ok(Some(LastProof {
            kind: "document_timestamp",
            time,
            tsa_not_after,
        }));
    }
    let Some(last) = sigs.last() else {
        return Ok(None);
    };
    Ok(Some(match last.tokens().first() {
        Some(t) => {
            let (time, tsa_not_after) = token_facts(t);
            LastProof {
                kind: "signature_timestamp",
                time,
                tsa_not_after,
            }
        }
        None => LastProof {
            kind: "signature",
            time: None,
            tsa_not_after: None,
        },
    }))
}
