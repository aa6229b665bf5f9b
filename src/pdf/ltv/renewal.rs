//! One file's scheduled renewal: when its last proof's TSA certificate
//! expires within `before` seconds (or has no document time-stamp yet), the
//! renewal pair (DSS, document time-stamp) is appended; otherwise nothing.
//!
//! Owns the decision; the service's background task walks the results it
//! keeps and stores what this returns.

use super::{extend_bytes, last_proof, renewal_material};
use crate::pdf::PdfError;
use crate::pki::TrustStore;
use crate::tsp::TsaTransport;

/// What a renewal pass decided for one file.
#[derive(Debug, Clone)]
pub enum Renewal {
    /// Its last proof's TSA certificate expires later than the window: kept.
    NotDue {
        /// That expiry, Unix seconds (None when unknown).
        expires: Option<i64>,
    },
    /// Renewed: the new file and the new proof's TSA expiry.
    Renewed {
        /// The file with the two revisions appended.
        pdf: Vec<u8>,
        /// The new last proof's TSA certificate expiry.
        expires: Option<i64>,
    },
    /// Not signed: nothing to renew.
    Unsigned,
}

/// Renews `pdf` when its last proof expires before `now + before`.
pub fn renew_if_due(
    pdf: &[u8],
    now: i64,
    before: i64,
    store: &TrustStore,
    crls: &[Vec<u8>],
    tsa: (&dyn TsaTransport, &str),
) -> Result<Renewal, PdfError> {
    let Some(last) = last_proof(&pdf)? else {
        return Ok(Renewal::Unsigned);
    };
    let due = last.kind != "document_timestamp"
        || last
            .tsa_not_after
            .is_none_or(|exp| exp <= now.saturating_add(before));
    if !due {
        return Ok(Renewal::NotDue {
            expires: last.tsa_not_after,
        });
    }
    let data = renewal_material(&pdf, store, crls, &[])?;
    let mut out = pdf.to_vec();
    extend_bytes(&mut out, &data, now, Some(tsa))?;
    let expires = last_proof(&out.as_slice())?.and_then(|l| l.tsa_not_after);
    Ok(Renewal::Renewed { pdf: out, expires })
}
