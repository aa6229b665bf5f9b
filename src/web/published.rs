//! What the public page says about a document issued here: its signatures
//! re-verified now (current trust store and CRLs), as a citizen reads them
//! (the officer's name, position, organisation and BIN as on the stamp,
//! signing time, time-stamp, the long-term reading), and the SHA-256 of
//! every revision a signature signed, which a QR link must name.
//!
//! Owns the assessment and its short-lived cache. Reads nothing but the
//! signed PDF it is given: no applicant data reaches a page from here (the
//! officer's IIN is left out too; the stamp does not show it either).

use crate::pdf::verify::{PdfReport, PdfVerifyRequest, SignatureReport};
use crate::pki::TrustStore;
use crate::verdict::Indication;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// How long an assessment is reused: revocation data is "current" to within this.
pub const CACHE_TTL: Duration = Duration::from_secs(60);
/// Most documents whose assessment is kept.
pub const CACHE_CAPACITY: usize = 4096;

/// One signature as the public page shows it.
#[derive(Debug, Clone)]
pub struct SignatureView {
    /// The signer's name (the certificate's CN).
    pub name: String,
    /// The signer's roles from the certificate profile (`head`, `employee`...).
    pub roles: Vec<String>,
    /// The organisation (O).
    pub organisation: Option<String>,
    /// The organisation's BIN.
    pub bin: Option<String>,
    /// The signing time (the PDF's /M), Unix seconds.
    pub signing_time: Option<i64>,
    /// The signature time-stamp's time, when one passed.
    pub timestamp: Option<i64>,
    /// This signature's decision now.
    pub indication: Indication,
    /// Its code (`OK`, `CERT_REVOKED`, `PDF_MODIFIED`...).
    pub code: String,
    /// When the reading is long-term: the time the time-stamp proves.
    pub long_term_poe: Option<i64>,
    /// When the certificate was revoked, if it was (before or after signing).
    pub revoked_at: Option<String>,
}

/// A document re-verified now.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// When it was verified, Unix seconds.
    pub at: i64,
    /// The whole document's decision.
    pub indication: Indication,
    /// Its code.
    pub code: String,
    /// Every signature, oldest first (document time-stamps left out).
    pub signatures: Vec<SignatureView>,
    /// SHA-256 (lower-case hex) of each revision a signature signed.
    pub signed_revisions: Vec<String>,
}

impl Assessment {
    /// Whether `sha256` (lower-case hex) is one of the signed revisions.
    pub fn names_revision(&self, sha256: &str) -> bool {
        self.signed_revisions.iter().any(|h| h == sha256)
    }
}

/// Verifies the signed PDF of an issued document at `at`.
pub fn assess(pdf: &[u8], trust: &TrustStore, at: i64) -> Assessment {
    let report = crate::pdf::verify::verify_bytes(
        pdf,
        trust,
        &PdfVerifyRequest {
            at,
            ..Default::default()
        },
    );
    from_report(pdf, &report, at)
}

/// The assessment a verification report gives.
pub fn from_report(pdf: &[u8], report: &PdfReport, at: i64) -> Assessment {
    let signatures = report
        .signatures
        .iter()
        .filter(|s| s.kind == "signature")
        .map(view)
        .collect();
    Assessment {
        at,
        indication: report.indication,
        code: report.code.clone(),
        signatures,
        signed_revisions: signed_revisions(pdf, report),
    }
}

fn view(s: &SignatureReport) -> SignatureView {
    let signer: Value = s
        .verdict
        .signer
        .as_ref()
        .map(|m| (***m).clone())
        .unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().filter(|t| !t.is_empty()).map(String::from);
    let name = text(&signer["subject"]["cn"])
        .or_else(|| text(&signer["subject"]["dn"]))
        .unwrap_or_default();
    let poe = (s.verdict.policy["name"] == "condition-2/long-term")
        .then(|| s.verdict.policy["poe"]["time"].as_str())
        .flatten()
        .and_then(|t| crate::time::parse_rfc3339(t).ok());
    let timestamp = s
        .timestamp
        .as_ref()
        .filter(|t| t["outcome"] == "passed")
        .and_then(|t| t["detail"]["time"].as_str())
        .and_then(|t| crate::time::parse_rfc3339(t).ok());
    let revocation = s
        .verdict
        .checks
        .iter()
        .find(|c| c.name == "revocation")
        .map(|c| c.detail.clone())
        .unwrap_or(Value::Null);
    SignatureView {
        name,
        roles: signer["roles"]
            .as_array()
            .map(|r| r.iter().filter_map(&text).collect())
            .unwrap_or_default(),
        organisation: text(&signer["subject"]["o"]),
        bin: text(&signer["bin"]),
        signing_time: s
            .signing_time
            .as_deref()
            .and_then(|t| crate::time::parse_rfc3339(t).ok()),
        timestamp,
        indication: s.indication,
        code: s.code.clone(),
        long_term_poe: poe,
        revoked_at: revoked_at(&revocation, 0),
    }
}

/// The revocation time a revocation check's detail names: `revoked_at`, or a
/// note "revoked later, at T" (the long-term reading).
fn revoked_at(v: &Value, depth: usize) -> Option<String> {
    if depth > 6 {
        return None;
    }
    match v {
        Value::Object(o) => {
            if let Some(t) = o.get("revoked_at").and_then(Value::as_str) {
                return Some(t.to_string());
            }
            if let Some(t) = o
                .get("note")
                .and_then(Value::as_str)
                .and_then(|n| n.strip_prefix("revoked later, at "))
            {
                return Some(t.to_string());
            }
            o.values().find_map(|x| revoked_at(x, depth + 1))
        }
        Value::Array(a) => a.iter().find_map(|x| revoked_at(x, depth + 1)),
        _ => None,
    }
}

/// The SHA-256 of the revision each signature signed: the file up to the
/// `%%EOF` before the signature's own update (with the end-of-line that
/// followed it, or without: whichever the signer hashed, the link names it).
pub fn signed_revisions(pdf: &[u8], report: &PdfReport) -> Vec<String> {
    let mut out = Vec::new();
    for s in &report.signatures {
        let Some(&start) = s.coverage.byte_range.get(1) else {
            continue;
        };
        let Ok(start) = usize::try_from(start) else {
            continue;
        };
        let Some(head) = pdf.get(..start) else {
            continue;
        };
        let Some(eof) = last_trailer_eof(head) else {
            continue;
        };
        let end = eof + 5;
        let mut ends = vec![end];
        match pdf.get(end..end + 2) {
            Some(b"\r\n") => ends.extend([end + 1, end + 2]),
            Some([b'\n' | b'\r', _]) => ends.push(end + 1),
            _ => {}
        }
        for e in ends {
            let h = crate::pki::cert::hex(&crate::pki::cert::sha256(&pdf[..e])).to_lowercase();
            if !out.contains(&h) {
                out.push(h);
            }
        }
    }
    out
}

/// The last `%%EOF` that ends a file trailer (`startxref`, a number, then
/// `%%EOF`): a stream may hold the bytes `%%EOF` too (a CMap's resource end).
fn last_trailer_eof(hay: &[u8]) -> Option<usize> {
    let mut end = hay.len();
    while let Some(i) = hay[..end].windows(5).rposition(|w| w == b"%%EOF") {
        let before = hay[..i].trim_ascii_end();
        let digits = before.len()
            - before
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count();
        if digits < before.len() && before[..digits].trim_ascii_end().ends_with(b"startxref") {
            return Some(i);
        }
        end = i;
    }
    None
}

struct Cached {
    assessment: Arc<Assessment>,
    made: Instant,
    /// The trust store it was made under: a CRL refresh swaps the store,
    /// and the entry is stale from then on. (Holding the weak reference
    /// keeps the allocation, so its address is not reused meanwhile.)
    trust: Weak<TrustStore>,
}

/// Assessments of recently verified documents, by document id.
#[derive(Default)]
pub struct AssessmentCache {
    entries: Mutex<HashMap<String, Cached>>,
}

impl AssessmentCache {
    /// The assessment of `doc` made under `trust` less than [`CACHE_TTL`] ago.
    pub fn get(&self, doc: &str, trust: &Arc<TrustStore>) -> Option<Arc<Assessment>> {
        let entries = self.entries.lock().ok()?;
        let c = entries.get(doc)?;
        (c.made.elapsed() < CACHE_TTL && Weak::ptr_eq(&c.trust, &Arc::downgrade(trust)))
            .then(|| c.assessment.clone())
    }

    /// Keeps an assessment (dropping stale ones, or all, when full).
    pub fn put(&self, doc: &str, trust: &Arc<TrustStore>, a: Arc<Assessment>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CACHE_CAPACITY {
            entries.retain(|_, c| c.made.elapsed() < CACHE_TTL);
            if entries.len() >= CACHE_CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            doc.to_string(),
            Cached {
                assessment: a,
                made: Instant::now(),
                trust: Arc::downgrade(trust),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_trailer_ends_a_revision() {
        let f = b"%PDF-1.7\nstream\n%%EndResource\n%%EOF\nendstream\nstartxref\n12\n%%EOF\n1 0 obj";
        let i = last_trailer_eof(f).unwrap();
        assert_eq!(&f[i - 3..i], b"12\n");
        assert_eq!(last_trailer_eof(b"%%EOF"), None);
        assert_eq!(last_trailer_eof(b"x\n%%EOF"), None);
    }

    #[test]
    fn revocation_time_from_either_reading() {
        let direct =
            json!({ "certificates": [{ "detail": { "revoked_at": "2026-02-01T00:00:00Z" } }] });
        assert_eq!(
            revoked_at(&direct, 0).as_deref(),
            Some("2026-02-01T00:00:00Z")
        );
        let later = json!({ "certificates": [{ "detail": { "note": "revoked later, at 2026-02-01T00:00:00Z" } }] });
        assert_eq!(
            revoked_at(&later, 0).as_deref(),
            Some("2026-02-01T00:00:00Z")
        );
        assert_eq!(revoked_at(&json!({ "crls": [] }), 0), None);
    }
}
