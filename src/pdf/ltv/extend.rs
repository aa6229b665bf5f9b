//! B-LTA in two appended revisions: the DSS (validation data and `/VRI`),
//! then, when a TSA is given, a document time-stamp over everything. The
//! same two steps make `pdf sign --ltv` and every renewal (`pdf renew`).
//!
//! Owns the order and where the bytes go (memory or a file appended to);
//! what goes into the DSS is chosen by the caller (`material`).

use super::{append_doc_timestamp, append_dss};
use crate::pdf::PdfError;
use crate::pdf::sign::Ltv;
use crate::tsp::TsaTransport;
use std::io::Write;

/// What the extension added.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Extended {
    /// Certificates, CRLs and OCSP responses given for the DSS.
    pub dss: DssCounts,
    /// The document time-stamp's time (RFC 3339), when one was added.
    pub doc_timestamp: Option<String>,
    /// The file's length after.
    pub length: u64,
}

/// How much validation data the DSS revision carries.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DssCounts {
    /// Certificates.
    pub certs: usize,
    /// CRLs.
    pub crls: usize,
    /// OCSP responses.
    pub ocsps: usize,
}

fn counts(d: &Ltv) -> DssCounts {
    DssCounts {
        certs: d.certs.len(),
        crls: d.crls.len(),
        ocsps: d.ocsps.len(),
    }
}

fn token_time(token: &[u8]) -> Option<String> {
    let env = crate::envelope::parse::parse(token).ok()?;
    let info = crate::tsp::tst_info(env.content.as_deref()?).ok()?;
    Some(info.time)
}

/// Appends the DSS revision and, with a TSA, a document time-stamp to `pdf`.
pub fn extend_bytes(
    pdf: &mut Vec<u8>,
    data: &Ltv,
    time: i64,
    tsa: Option<(&dyn TsaTransport, &str)>,
) -> Result<Extended, PdfError> {
    let upd = append_dss(&pdf.as_slice(), data, time)?;
    pdf.extend_from_slice(&upd);
    let mut doc_timestamp = None;
    if let Some((t, url)) = tsa {
        let (upd, token) = append_doc_timestamp(&pdf.as_slice(), t, url)?;
        pdf.extend_from_slice(&upd);
        doc_timestamp = token_time(&token);
    }
    Ok(Extended {
        dss: counts(data),
        doc_timestamp,
        length: pdf.len() as u64,
    })
}

/// [`extend_bytes`] on a file, appended to in place (read by offset:
/// bounded memory).
pub fn extend_file(
    path: &std::path::Path,
    data: &Ltv,
    time: i64,
    tsa: Option<(&dyn TsaTransport, &str)>,
) -> Result<Extended, PdfError> {
    let append = |bytes: &[u8]| -> Result<(), PdfError> {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(PdfError::io)?;
        f.write_all(bytes).map_err(PdfError::io)?;
        f.sync_all().map_err(PdfError::io)
    };
    let src = crate::pdf::xref::FileSource::open(path).map_err(PdfError::io)?;
    let upd = append_dss(&src, data, time)?;
    drop(src);
    append(&upd)?;
    let mut doc_timestamp = None;
    if let Some((t, url)) = tsa {
        let src = crate::pdf::xref::FileSource::open(path).map_err(PdfError::io)?;
        let (upd, token) = append_doc_timestamp(&src, t, url)?;
        drop(src);
        append(&upd)?;
        doc_timestamp = token_time(&token);
    }
    let length = std::fs::metadata(path).map_err(PdfError::io)?.len();
    Ok(Extended {
        dss: counts(data),
        doc_timestamp,
        length,
    })
}
