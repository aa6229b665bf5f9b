//! Checking any signed file a person uploads: a PDF (PAdES), a CMS envelope
//! with or without its data, or a signed XML. The kind is told from the
//! bytes; each goes to its own verifier (`pdf::verify`, `envelope::verify`,
//! `xmldsig::verify`) at the time given, offline (the trust store's CRLs
//! and what the file carries). The result is one shape for every kind:
//! the file, the overall decision, each signature with every check, and
//! for a PDF what the revisions after the first signature changed.
//!
//! Nothing here stores the file; the caller bounds its size and time.

use crate::pki::{Policy, TrustStore, Usage};
use crate::verdict::{Code, Indication, Message, Verdict};
use serde_json::{Value, json};

/// Longest file name kept (characters); longer names are cut.
pub const MAX_NAME: usize = 200;

/// What kind of signed file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A PDF with PAdES signatures.
    Pdf,
    /// A CMS SignedData (DER, BER, PEM or base64).
    Cms,
    /// A signed XML document or WS-Security message.
    Xml,
}

impl FileKind {
    /// As shown: `PDF`, `CMS`, `XML`.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Cms => "CMS",
            FileKind::Xml => "XML",
        }
    }
}

/// A file to check.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// Its name as the person's browser gave it (shown escaped, never used as a path).
    pub name: &'a str,
    /// The bytes.
    pub file: &'a [u8],
    /// The signed data of a detached CMS signature.
    pub data: Option<&'a [u8]>,
}

/// One signature's result.
#[derive(Debug, Clone)]
pub struct SignatureResult {
    /// Which signature: the PDF field's name, or `signer N`.
    pub label: String,
    /// `signature` or `document_timestamp`.
    pub kind: &'static str,
    /// Its decision.
    pub indication: Indication,
    /// Its code (`OK`, `PDF_MODIFIED`...).
    pub code: String,
    /// The CMS / XML verdict behind it, with every check.
    pub verdict: Verdict,
    /// The claimed signing time (RFC 3339).
    pub signing_time: Option<String>,
    /// The signature time-stamp's check, as JSON.
    pub timestamp: Option<Value>,
    /// PDF: the ByteRange.
    pub byte_range: Option<Vec<i64>>,
    /// PDF: /SubFilter.
    pub sub_filter: Option<String>,
    /// PDF: /Reason.
    pub reason: Option<String>,
    /// PDF: changes after it that nothing allows, as JSON.
    pub unauthorised_changes: Value,
}

/// What a check found.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The file name (cut to [`MAX_NAME`] characters).
    pub name: String,
    /// The kind.
    pub kind: FileKind,
    /// Its size in bytes.
    pub size: usize,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
    /// The validation time, Unix seconds.
    pub at: i64,
    /// The decision for the whole file.
    pub indication: Indication,
    /// Its code.
    pub code: String,
    /// Every signature, in file order.
    pub signatures: Vec<SignatureResult>,
    /// PDF: what each revision after the first changed, as JSON.
    pub revisions: Value,
    /// The verifier's own report, as JSON (the PDF report or the verdict).
    pub details: Value,
}

impl Checked {
    /// The message of the overall code (the generic one when the code is not a verdict code).
    pub fn message(&self) -> Message {
        message_of(&self.code)
    }
}

/// The three-language message of a code written as text.
pub fn message_of(code: &str) -> Message {
    Code::parse(code)
        .map(Code::message)
        .unwrap_or_else(|| Code::EnvelopeMalformed.message())
}

/// Tells the kind from the bytes: `%PDF-` near the start, `<` first (after a
/// byte-order mark and white space), else CMS.
pub fn classify(bytes: &[u8]) -> FileKind {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return FileKind::Pdf;
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => FileKind::Xml,
        _ => FileKind::Cms,
    }
}

/// Checks a file at `at` against `trust`.
pub fn check(u: &Upload<'_>, trust: &TrustStore, at: i64) -> Checked {
    let kind = classify(u.file);
    let policy = Policy {
        usage: Usage::Sign,
        ..Default::default()
    };
    let mut out = Checked {
        name: u.name.chars().take(MAX_NAME).collect(),
        kind,
        size: u.file.len(),
        sha256: crate::pki::cert::hex(&crate::pki::cert::sha256(u.file)).to_lowercase(),
        at,
        indication: Indication::Indeterminate,
        code: String::new(),
        signatures: Vec::new(),
        revisions: json!([]),
        details: Value::Null,
    };
    match kind {
        FileKind::Pdf => {
            let r = crate::pdf::verify::verify_bytes(
                u.file,
                trust,
                &crate::pdf::verify::PdfVerifyRequest {
                    at,
                    policy,
                    ..Default::default()
                },
            );
            out.indication = r.indication;
            out.code = r.code.clone();
            out.revisions = serde_json::to_value(&r.revisions).unwrap_or_default();
            out.signatures = r
                .signatures
                .iter()
                .map(|s| SignatureResult {
                    label: s.field.clone(),
                    kind: s.kind,
                    indication: s.indication,
                    code: s.code.clone(),
                    verdict: s.verdict.clone(),
                    signing_time: s.signing_time.clone(),
                    timestamp: s.timestamp.clone(),
                    byte_range: Some(s.coverage.byte_range.clone()),
                    sub_filter: Some(s.sub_filter.clone()),
                    reason: s.reason.clone(),
                    unauthorised_changes: serde_json::to_value(&s.unauthorised_changes)
                        .unwrap_or_default(),
                })
                .collect();
            out.details = serde_json::to_value(&r).unwrap_or_default();
        }
        FileKind::Cms => {
            let v = crate::envelope::verify(
                &crate::envelope::VerifyRequest {
                    envelope: u.file,
                    data: u.data,
                    at,
                    policy,
                    extra: Default::default(),
                    crls: Default::default(),
                },
                trust,
            );
            from_verdict(&mut out, v);
        }
        FileKind::Xml => {
            let v = crate::xmldsig::verify(
                &crate::xmldsig::XmlVerifyRequest {
                    xml: u.file,
                    at,
                    policy,
                    extra: Default::default(),
                    crls: Default::default(),
                    iin_element: None,
                },
                trust,
            )
            .verdict;
            from_verdict(&mut out, v);
        }
    }
    out
}

/// An envelope's or XML document's verdict: one result per signer.
fn from_verdict(out: &mut Checked, v: Verdict) {
    out.indication = v.indication;
    out.code = v.code.as_str().to_string();
    let signers = if v.signers.is_empty() {
        vec![v.clone()]
    } else {
        v.signers.clone()
    };
    out.signatures = signers
        .into_iter()
        .enumerate()
        .map(|(i, s)| SignatureResult {
            label: format!("signer {}", i + 1),
            kind: "signature",
            indication: s.indication,
            code: s.code.as_str().to_string(),
            signing_time: s.signing_time.clone(),
            timestamp: s
                .checks
                .iter()
                .find(|c| c.name == "timestamp")
                .and_then(|c| serde_json::to_value(c).ok()),
            verdict: s,
            byte_range: None,
            sub_filter: None,
            reason: None,
            unauthorised_changes: json!([]),
        })
        .collect();
    out.details = serde_json::to_value(&v).unwrap_or_default();
}

/// The JSON verdict of a check: the file, the decision with its message in
/// three languages, and the verifier's full report.
pub fn to_json(c: &Checked) -> Value {
    json!({
        "file": { "name": c.name, "kind": c.kind, "size": c.size, "sha256": c.sha256 },
        "validation_time": crate::time::rfc3339(c.at),
        "indication": c.indication,
        "code": c.code,
        "message": c.message(),
        "report": c.details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_bytes() {
        assert_eq!(classify(b"%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(
            classify(b"\xEF\xBB\xBF  <?xml version='1.0'?>"),
            FileKind::Xml
        );
        assert_eq!(classify(&[0x30, 0x82, 0x01]), FileKind::Cms);
        assert_eq!(classify(b"-----BEGIN PKCS7-----"), FileKind::Cms);
        assert_eq!(classify(b""), FileKind::Cms);
    }

    #[test]
    fn garbage_is_a_verdict_not_a_panic() {
        let trust = TrustStore::default();
        for bytes in [
            &b"%PDF-1.7 garbage"[..],
            b"<a>",
            b"\x30\x03\x02\x01\x00",
            b"",
        ] {
            let c = check(
                &Upload {
                    name: "x",
                    file: bytes,
                    data: None,
                },
                &trust,
                0,
            );
            assert_ne!(c.indication, Indication::Passed, "{bytes:?}");
            assert!(!c.code.is_empty());
            assert_eq!(to_json(&c)["file"]["size"], bytes.len());
        }
    }
}
