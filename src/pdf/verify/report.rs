//! What a PDF verification reports: each signature's verdict, coverage and
//! later changes, and the whole file's decision, as JSON and as text.

use super::PdfVerifyRequest;
use super::mdp::JudgedChange;
use crate::pdf::diff::{Level, RevisionChanges};
use crate::pdf::layout::Finding;
use crate::verdict::{Code, Indication, Message, Verdict};
use serde::Serialize;
use serde_json::{Value, json};

/// Whether a ByteRange is sound and what it covers.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The ByteRange as written.
    pub byte_range: Vec<i64>,
    /// Four non-negative numbers from 0, in order, inside the file, whose gap
    /// is exactly this signature's /Contents.
    pub well_formed: bool,
    /// It covers its revision up to that revision's `%%EOF`.
    pub covers_revision: bool,
    /// It covers the whole file (no later revision).
    pub covers_whole_file: bool,
    /// The revision (1-based) the signature was added in.
    pub revision: usize,
    /// What is wrong, when something is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// One signature's report.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// The field's name.
    pub field: String,
    /// `signature` or `document_timestamp`.
    pub kind: &'static str,
    /// /SubFilter.
    pub sub_filter: String,
    /// /M, as written and as RFC 3339 (claimed by the signer, not trusted).
    pub signing_time: Option<String>,
    /// /Name, /Reason, /Location.
    pub name: Option<String>,
    /// /Reason.
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// DocMDP P when this is a certification signature.
    pub certification: Option<i64>,
    /// The ByteRange.
    pub coverage: Coverage,
    /// The CMS verdict (condition 2).
    pub verdict: Verdict,
    /// The signature time-stamp check, when the CMS has one.
    pub timestamp: Option<Value>,
    /// Revisions after this signature's.
    pub later_revisions: Vec<usize>,
    /// The worst level of what came after (None: nothing did).
    pub modification_level: Option<Level>,
    /// Why it did not pass, when what came after or the file's structure
    /// decided it: sub-reasons, each with its kk/ru/en text.
    pub reasons: Vec<Reason>,
    /// The changes after it that it does not allow.
    pub unauthorised_changes: Vec<JudgedChange>,
    /// Every change after it, each with whether it is allowed.
    pub later_changes: Vec<JudgedChange>,
    /// This signature's own decision (its CMS, its coverage, what came after).
    pub indication: Indication,
    /// Its code: the CMS code, or `BYTE_RANGE_INVALID`, `PDF_MODIFIED`,
    /// `DOCMDP_VIOLATION`, `PDF_AMBIGUOUS`.
    pub code: String,
    // Long-term validation (issue 19), filled in by `verify::ltv`.
    /// The PAdES level reached: `B-B`, `B-T`, `B-LT` or `B-LTA` (signatures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'static str>,
    /// How it was validated at a past time from proofs of existence, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_term: Option<Value>,
    /// When its CMS carries a signing-time attribute: PAdES-B-B's form not
    /// met, and whether the attribute agrees with `/M` (`claimed_time`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pades_baseline: Option<super::claimed_time::PadesBaseline>,
}

/// A sub-reason: its key and its text in the three languages.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// The key (`bytes_after_eof`, `page_content`, …; docs/verdicts.md).
    pub reason: &'static str,
    /// The text a citizen can be shown.
    pub message: Message,
}

impl Reason {
    /// The sub-reason for a key.
    pub fn of(key: &'static str) -> Reason {
        Reason {
            reason: key,
            message: crate::verdict::messages::pdf_reason(key),
        }
    }
}

/// A structure finding as reported: its code, sub-reason and data.
#[derive(Debug, Clone, Serialize)]
pub struct StructureFinding {
    /// `PDF_MODIFIED` or `PDF_AMBIGUOUS`.
    pub code: &'static str,
    /// What was found, with its data (`reason` names it).
    #[serde(flatten)]
    pub finding: Finding,
}

/// The whole file's report.
#[derive(Debug, Clone, Serialize)]
pub struct PdfReport {
    /// PASSED only when every signature passed and nothing unauthorised changed.
    pub indication: Indication,
    /// `OK`, the first failing signature's code, or `PDF_MALFORMED`, `PDF_NOT_SIGNED`.
    pub code: String,
    /// The validation time (RFC 3339).
    pub validation_time: String,
    /// File facts.
    pub file: Value,
    /// Why the file could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Every signature, oldest first.
    pub signatures: Vec<SignatureReport>,
    /// What the file's structure shows that its cross-reference chain
    /// does not (bytes after `%%EOF`, re-pointed or shadowed objects, …).
    pub structure: Vec<StructureFinding>,
    /// What every revision after the first signature's changed.
    pub revisions: Vec<RevisionChanges>,
    /// The document's DocMDP permission (1, 2 or 3) when it is certified.
    pub docmdp: Option<i64>,
    /// The lowest PAdES level of its signatures (issue 19, `verify::ltv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'static str>,
}

impl PdfReport {
    /// Process exit status: 0 passed, 1 failed, 3 indeterminate.
    pub fn exit_code(&self) -> i32 {
        self.indication.exit_code()
    }

    /// A short human-readable report.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "PDF: {} ({})", self.indication.as_str(), self.code);
        if let Some(p) = &self.problem {
            let _ = writeln!(s, "  problem: {p}");
        }
        for (i, sig) in self.signatures.iter().enumerate() {
            let _ = writeln!(
                s,
                "signature {} {:?} ({}): {} {} — CMS {} {:?}; revision {}, covers {}{}",
                i + 1,
                sig.field,
                sig.kind,
                sig.indication.as_str(),
                sig.code,
                sig.verdict.indication.as_str(),
                sig.verdict.code,
                sig.coverage.revision,
                if sig.coverage.covers_whole_file {
                    "the whole file"
                } else if sig.coverage.covers_revision {
                    "its revision"
                } else {
                    "NOT its revision"
                },
                sig.certification
                    .map(|p| format!(", certification P={p}"))
                    .unwrap_or_default()
            );
            if let Some(signer) = &sig.verdict.signer {
                let _ = writeln!(
                    s,
                    "  signer: {}",
                    signer["subject"]["dn"].as_str().unwrap_or("-")
                );
            }
            if let Some(t) = &sig.signing_time {
                let _ = writeln!(s, "  time (/M): {t}");
            }
            if let Some(p) = &sig.pades_baseline {
                let _ = writeln!(
                    s,
                    "  {}; signing-time {}{}",
                    p.note,
                    p.signing_time_attribute,
                    match p.agrees_with_m {
                        Some(true) => ", agrees with /M",
                        Some(false) => ", DISAGREES with /M",
                        None => "",
                    }
                );
            }
            for c in &sig.unauthorised_changes {
                let _ = writeln!(
                    s,
                    "  modified after it: revision {}, object {} {} ({:?}: {})",
                    c.revision, c.object, c.change, c.category, c.detail
                );
            }
            for r in &sig.reasons {
                let _ = writeln!(s, "  reason: {} — {}", r.reason, r.message.en);
            }
        }
        for f in &self.structure {
            let _ = writeln!(
                s,
                "structure: {} {}",
                f.code,
                serde_json::to_string(&f.finding).unwrap_or_default()
            );
        }
        for r in &self.revisions {
            let cats: Vec<String> = r.categories.iter().map(|c| format!("{c:?}")).collect();
            let _ = writeln!(
                s,
                "revision {}: {:?} — {}",
                r.revision,
                r.level,
                cats.join(", ")
            );
        }
        s
    }
}

pub(super) fn malformed(req: &PdfVerifyRequest, len: u64, problem: String) -> PdfReport {
    PdfReport {
        indication: Indication::Failed,
        code: "PDF_MALFORMED".into(),
        validation_time: crate::time::rfc3339(req.at),
        file: json!({ "length": len }),
        problem: Some(problem),
        signatures: Vec::new(),
        structure: Vec::new(),
        revisions: Vec::new(),
        docmdp: None,
        level: None,
    }
}

pub(super) fn too_complex(req: &PdfVerifyRequest, len: u64, problem: String) -> PdfReport {
    PdfReport {
        indication: Indication::Indeterminate,
        code: "PDF_TOO_COMPLEX".into(),
        ..malformed(req, len, problem)
    }
}

/// A file whose structure findings decide it, and that cannot be read
/// further as its cross-reference chain says (`problem` says where).
pub(super) fn structural(
    req: &PdfVerifyRequest,
    len: u64,
    problem: String,
    findings: Vec<Finding>,
) -> PdfReport {
    // As `mdp::judge`: a definite change first, then an ambiguity.
    let code = if findings.iter().any(|f| f.code() == Code::PdfModified) {
        Code::PdfModified
    } else {
        Code::PdfAmbiguous
    };
    PdfReport {
        indication: code.indication().0,
        code: code.as_str().into(),
        structure: findings
            .into_iter()
            .map(|f| StructureFinding {
                code: f.code().as_str(),
                finding: f,
            })
            .collect(),
        ..malformed(req, len, problem)
    }
}
