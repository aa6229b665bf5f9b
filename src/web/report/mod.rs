//! Validation reports of a check, in the three forms people and machines
//! read: a PDF in Kazakh, Russian or English, rendered like the result
//! documents and signed by the service's own seal key (`pdf`); the ETSI TS
//! 119 102-2 XML validation report (`etsi`); and the JSON verdict.
//!
//! Owns the formats and their names. The seal is a `Signer` with its
//! certificate, given by the caller: this module never knows where the key
//! lives.

pub mod etsi;
pub mod pdf;

use super::check::Checked;
use super::lang::Lang;
use crate::pki::signer::Signer;

/// A report's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReportFormat {
    /// A PDF signed with the seal.
    #[serde(rename = "pdf")]
    Pdf,
    /// ETSI TS 119 102-2 XML.
    #[serde(rename = "etsi-xml")]
    EtsiXml,
    /// The JSON verdict.
    #[serde(rename = "json")]
    Json,
}

impl ReportFormat {
    /// `pdf`, `etsi-xml` or `json`.
    pub fn parse(s: &str) -> Option<ReportFormat> {
        match s {
            "pdf" => Some(ReportFormat::Pdf),
            "etsi-xml" => Some(ReportFormat::EtsiXml),
            "json" => Some(ReportFormat::Json),
            _ => None,
        }
    }

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::EtsiXml => "application/xml",
            ReportFormat::Json => "application/json",
        }
    }

    /// Its file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::EtsiXml => "xml",
            ReportFormat::Json => "json",
        }
    }
}

/// The service's seal: the key that signs PDF reports and its certificates.
pub struct Seal<'a> {
    /// The key.
    pub signer: &'a dyn Signer,
    /// Its certificate (DER).
    pub cert: &'a [u8],
    /// The certificate's issuers (DER).
    pub chain: &'a [Vec<u8>],
}

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// A PDF report was asked for, but no seal key is configured.
    #[error(
        "no seal key is configured (seal_key_id, QOLTANBA_SEAL_KEY_ID): PDF reports are signed with it"
    )]
    NoSeal,
    /// Rendering or signing the PDF failed.
    #[error("PDF report: {0}")]
    Pdf(#[from] crate::pdf::PdfError),
}

/// A report's id: the file's hash and the validation time.
pub fn report_id(c: &Checked) -> String {
    format!(
        "qoltanba-report-{}-{}",
        &c.sha256[..16.min(c.sha256.len())],
        c.at
    )
}

/// The report's file name.
pub fn file_name(c: &Checked, format: ReportFormat) -> String {
    format!("{}.{}", report_id(c), format.extension())
}

/// The report of a check in `format` and `lang` (the PDF needs the seal).
pub fn build(
    c: &Checked,
    format: ReportFormat,
    lang: Lang,
    seal: Option<&Seal<'_>>,
) -> Result<Vec<u8>, ReportError> {
    match format {
        ReportFormat::Json => {
            Ok(serde_json::to_vec_pretty(&super::check::to_json(c)).unwrap_or_default())
        }
        ReportFormat::EtsiXml => Ok(etsi::report(c, seal.map(|s| s.cert)).into_bytes()),
        ReportFormat::Pdf => {
            let seal = seal.ok_or(ReportError::NoSeal)?;
            pdf::signed_report(c, lang, seal)
        }
    }
}
