//! Verdicts: what a validation decided and why.
//!
//! Owns the stable codes, the ETSI EN 319 102-1 indications they map to, the
//! list of checks that ran, (in `messages`) the kk/ru/en texts and (in
//! `json`) how verdicts are written as JSON. Knows
//! nothing about CMS or X.509: the modules below fill it in.

mod json;
pub mod messages;
pub mod problem;
mod unreadable;

pub(crate) use json::obj;
pub use json::{Memo, pretty};

use serde::Serialize;

/// The ETSI EN 319 102-1 main indication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Indication {
    /// Every check passed.
    Passed,
    /// Not enough information to decide (more data or time could change it).
    Indeterminate,
    /// The signature is definitely not acceptable.
    Failed,
}

impl Indication {
    /// The JSON spelling: `PASSED`, `FAILED`, `INDETERMINATE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Indication::Passed => "PASSED",
            Indication::Failed => "FAILED",
            Indication::Indeterminate => "INDETERMINATE",
        }
    }

    /// Process exit status for the CLI: 0 passed, 1 failed, 3 indeterminate.
    pub fn exit_code(self) -> i32 {
        match self {
            Indication::Passed => 0,
            Indication::Failed => 1,
            Indication::Indeterminate => 3,
        }
    }
}

/// ETSI EN 319 102-1 sub-indications used by qoltanba.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum SubIndication {
    FormatFailure,
    HashFailure,
    SigCryptoFailure,
    Revoked,
    RevokedOnHold,
    RevokedCaNoPoe,
    NotYetValid,
    OutOfBoundsNoPoe,
    NoCertificateChainFound,
    ChainConstraintsFailure,
    CertificateChainGeneralFailure,
    CryptoConstraintsFailure,
    SignedDataNotFound,
    NoSigningCertificateFound,
    SigConstraintsFailure,
    TryLater,
}

/// A stable, machine-readable result code. `Ok` is the only passing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum Code {
    Ok,
    EnvelopeMalformed,
    ContentMissing,
    AlgorithmUnsupported,
    DigestMismatch,
    SignatureInvalid,
    SignerCertMissing,
    ChainUntrusted,
    ChainInvalid,
    CertExpired,
    CertNotYetValid,
    CrlInvalid,
    OcspInvalid,
    RevocationUnavailable,
    RevocationStale,
    CertRevoked,
    KeyUsageInvalid,
    IinInvalid,
    IinMissing,
    IinMismatch,
    CertMalformed,
    TimestampInvalid,
    PdfMalformed,
    PdfNotSigned,
    PdfModified,
    ByteRangeInvalid,
    DocmdpViolation,
    PdfAmbiguous,
    PdfTooComplex,
    PdfSigningTimeMismatch,
    SignedElementInvalid,
    MessageExpired,
}

impl Code {
    /// Every code, in check order (for tables and docs).
    pub const ALL: [Code; 32] = [
        Code::Ok,
        Code::EnvelopeMalformed,
        Code::ContentMissing,
        Code::AlgorithmUnsupported,
        Code::DigestMismatch,
        Code::SignedElementInvalid,
        Code::SignatureInvalid,
        Code::SignerCertMissing,
        Code::TimestampInvalid,
        Code::MessageExpired,
        Code::ChainUntrusted,
        Code::ChainInvalid,
        Code::CertExpired,
        Code::CertNotYetValid,
        Code::CrlInvalid,
        Code::OcspInvalid,
        Code::RevocationUnavailable,
        Code::RevocationStale,
        Code::CertRevoked,
        Code::KeyUsageInvalid,
        Code::IinInvalid,
        Code::IinMissing,
        Code::IinMismatch,
        Code::CertMalformed,
        Code::PdfMalformed,
        Code::PdfNotSigned,
        Code::PdfModified,
        Code::ByteRangeInvalid,
        Code::DocmdpViolation,
        Code::PdfAmbiguous,
        Code::PdfTooComplex,
        Code::PdfSigningTimeMismatch,
    ];

    /// The code as it appears in JSON (e.g. `CERT_REVOKED`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "OK",
            Code::EnvelopeMalformed => "ENVELOPE_MALFORMED",
            Code::ContentMissing => "CONTENT_MISSING",
            Code::AlgorithmUnsupported => "ALGORITHM_UNSUPPORTED",
            Code::DigestMismatch => "DIGEST_MISMATCH",
            Code::SignatureInvalid => "SIGNATURE_INVALID",
            Code::SignerCertMissing => "SIGNER_CERT_MISSING",
            Code::ChainUntrusted => "CHAIN_UNTRUSTED",
            Code::ChainInvalid => "CHAIN_INVALID",
            Code::CertExpired => "CERT_EXPIRED",
            Code::CertNotYetValid => "CERT_NOT_YET_VALID",
            Code::CrlInvalid => "CRL_INVALID",
            Code::OcspInvalid => "OCSP_INVALID",
            Code::RevocationUnavailable => "REVOCATION_UNAVAILABLE",
            Code::RevocationStale => "REVOCATION_STALE",
            Code::CertRevoked => "CERT_REVOKED",
            Code::KeyUsageInvalid => "KEY_USAGE_INVALID",
            Code::IinInvalid => "IIN_INVALID",
            Code::IinMissing => "IIN_MISSING",
            Code::IinMismatch => "IIN_MISMATCH",
            Code::CertMalformed => "CERT_MALFORMED",
            Code::TimestampInvalid => "TIMESTAMP_INVALID",
            Code::PdfMalformed => "PDF_MALFORMED",
            Code::PdfNotSigned => "PDF_NOT_SIGNED",
            Code::PdfModified => "PDF_MODIFIED",
            Code::ByteRangeInvalid => "BYTE_RANGE_INVALID",
            Code::DocmdpViolation => "DOCMDP_VIOLATION",
            Code::PdfAmbiguous => "PDF_AMBIGUOUS",
            Code::PdfTooComplex => "PDF_TOO_COMPLEX",
            Code::PdfSigningTimeMismatch => "PDF_SIGNING_TIME_MISMATCH",
            Code::SignedElementInvalid => "SIGNED_ELEMENT_INVALID",
            Code::MessageExpired => "MESSAGE_EXPIRED",
        }
    }

    /// Parses the JSON spelling of a code.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The default indication and sub-indication of a failure with this code.
    pub fn indication(self) -> (Indication, Option<SubIndication>) {
        use Indication::*;
        use SubIndication as S;
        match self {
            Code::Ok => (Passed, None),
            Code::EnvelopeMalformed | Code::CertMalformed => (Failed, Some(S::FormatFailure)),
            Code::ContentMissing => (Indeterminate, Some(S::SignedDataNotFound)),
            Code::AlgorithmUnsupported => (Indeterminate, Some(S::CryptoConstraintsFailure)),
            Code::DigestMismatch => (Failed, Some(S::HashFailure)),
            Code::SignatureInvalid => (Failed, Some(S::SigCryptoFailure)),
            Code::SignerCertMissing => (Indeterminate, Some(S::NoSigningCertificateFound)),
            Code::ChainUntrusted => (Indeterminate, Some(S::NoCertificateChainFound)),
            Code::ChainInvalid => (Indeterminate, Some(S::ChainConstraintsFailure)),
            Code::CertExpired => (Indeterminate, Some(S::OutOfBoundsNoPoe)),
            Code::CertNotYetValid => (Failed, Some(S::NotYetValid)),
            Code::CrlInvalid | Code::OcspInvalid => {
                (Indeterminate, Some(S::CertificateChainGeneralFailure))
            }
            Code::RevocationUnavailable | Code::RevocationStale => {
                (Indeterminate, Some(S::TryLater))
            }
            Code::CertRevoked => (Failed, Some(S::Revoked)),
            Code::KeyUsageInvalid | Code::MessageExpired | Code::PdfSigningTimeMismatch => {
                (Failed, Some(S::SigConstraintsFailure))
            }
            Code::TimestampInvalid => (Failed, Some(S::SigCryptoFailure)),
            Code::PdfMalformed | Code::ByteRangeInvalid => (Failed, Some(S::FormatFailure)),
            Code::PdfNotSigned => (Indeterminate, Some(S::SignedDataNotFound)),
            Code::PdfModified | Code::DocmdpViolation => (Failed, Some(S::HashFailure)),
            Code::PdfAmbiguous => (Failed, Some(S::FormatFailure)),
            Code::PdfTooComplex => (Indeterminate, Some(S::FormatFailure)),
            Code::SignedElementInvalid => (Failed, Some(S::FormatFailure)),
            Code::IinInvalid | Code::IinMissing | Code::IinMismatch => {
                (Failed, Some(S::SigConstraintsFailure))
            }
        }
    }

    /// The three-language message for this code.
    pub fn message(self) -> Message {
        messages::message(self)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message in Kazakh, Russian and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Kazakh.
    pub kk: &'static str,
    /// Russian.
    pub ru: &'static str,
    /// English.
    pub en: &'static str,
}

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed.
    Failed,
    /// The check could not decide (missing data).
    Indeterminate,
    /// The check did not run (policy, or an earlier failure made it meaningless).
    Skipped,
}

/// One check in a verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable check name, e.g. `digest`, `chain`, `revocation`.
    pub name: &'static str,
    /// What happened.
    pub outcome: Outcome,
    /// The failure code, when the check did not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// Facts behind the outcome: which certificate, which time, which CRL.
    pub detail: serde_json::Value,
}

impl Check {
    /// A passed check.
    pub fn passed(name: &'static str, detail: serde_json::Value) -> Self {
        Check {
            name,
            outcome: Outcome::Passed,
            code: None,
            detail,
        }
    }
    /// A skipped check with the reason.
    pub fn skipped(name: &'static str, reason: &str) -> Self {
        Check {
            name,
            outcome: Outcome::Skipped,
            code: None,
            detail: serde_json::json!({ "reason": reason }),
        }
    }
    /// A check that could not decide and does not decide the verdict either:
    /// evidence that cannot be used is ignored (ETSI EN 319 102-1 ignores a
    /// time-stamp whose own validation is not PASSED), and `detail` says so.
    pub fn unused(name: &'static str, detail: serde_json::Value) -> Self {
        Check {
            name,
            outcome: Outcome::Indeterminate,
            code: None,
            detail,
        }
    }
    /// A check that did not pass, with the outcome taken from the code's indication.
    pub fn failed(name: &'static str, code: Code, detail: serde_json::Value) -> Self {
        let outcome = match code.indication().0 {
            Indication::Failed => Outcome::Failed,
            _ => Outcome::Indeterminate,
        };
        Check {
            name,
            outcome,
            code: Some(code),
            detail,
        }
    }
}

/// The first failure's code and the indication it maps to; the
/// sub-indication can be overridden by the check (e.g. a revoked CA).
pub fn decide(checks: &[Check]) -> (Indication, Option<SubIndication>, Code) {
    for c in checks {
        if let Some(code) = c.code {
            let (ind, sub) = code.indication();
            let sub = c
                .detail
                .get("sub_indication_override")
                .and_then(|v| v.as_str())
                .and_then(sub_from_str)
                .or(sub);
            let ind = match c.detail.get("indication_override").and_then(|v| v.as_str()) {
                Some("INDETERMINATE") => Indication::Indeterminate,
                _ => ind,
            };
            return (ind, sub, code);
        }
    }
    (Indication::Passed, None, Code::Ok)
}

/// A complete verdict: the decision, the checks behind it, the signer.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// PASSED, FAILED or INDETERMINATE.
    pub indication: Indication,
    /// ETSI sub-indication, when not passed.
    pub sub_indication: Option<SubIndication>,
    /// The first failing check's code, or `OK`.
    pub code: Code,
    /// The code's message in kk/ru/en.
    pub message: Message,
    /// The validation time (RFC 3339).
    pub validation_time: String,
    /// The policy the checks ran under.
    pub policy: serde_json::Value,
    /// Every check, in order.
    pub checks: std::sync::Arc<Memo<Vec<Check>>>,
    /// The signer's certificate facts.
    pub signer: Option<std::sync::Arc<Memo<serde_json::Value>>>,
    /// The signing-time attribute (reported, not trusted).
    pub signing_time: Option<String>,
    /// Signed attribute types (OIDs), when a signer had them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_attributes: Option<Vec<String>>,
    /// Facts about the envelope as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envelope: Option<serde_json::Value>,
    /// For signers of an envelope: which signature this is (`signer` N, or a
    /// countersignature of signer N).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<serde_json::Value>,
    /// Each signer's own verdict (envelopes only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<Verdict>,
    /// The CAdES/PAdES baseline level the signature reached (`B-B`, `B-T`,
    /// `B-LT`, `B-LTA`): its form, as far as the proofs in it were valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

impl Verdict {
    /// Decides a verdict from its checks.
    pub fn new(
        checks: Vec<Check>,
        at: i64,
        policy: serde_json::Value,
        signer: Option<std::sync::Arc<Memo<serde_json::Value>>>,
        signing_time: Option<String>,
    ) -> Verdict {
        let (indication, sub_indication, code) = decide(&checks);
        Verdict {
            indication,
            sub_indication,
            code,
            message: code.message(),
            validation_time: crate::time::rfc3339(at),
            policy,
            checks: std::sync::Arc::new(Memo::new(checks)),
            signer,
            signing_time,
            signed_attributes: None,
            envelope: None,
            role: None,
            signers: Vec::new(),
            level: None,
        }
    }

    /// The envelope's verdict: its worst signer's, with every signer listed.
    pub fn worst_of(signers: Vec<Verdict>, envelope: serde_json::Value) -> Verdict {
        let worst = signers
            .iter()
            .enumerate()
            .max_by_key(|(i, v)| (v.indication, std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
            .unwrap_or(0);
        let mut top = signers
            .get(worst)
            .cloned()
            .unwrap_or_else(|| Verdict::new(Vec::new(), 0, serde_json::Value::Null, None, None));
        top.envelope = Some(envelope);
        // The envelope's level is its weakest signer's.
        top.level = signers
            .iter()
            .filter_map(|v| v.level.as_deref())
            .min_by_key(|l| ["B-B", "B-T", "B-LT", "B-LTA"].iter().position(|x| x == l))
            .map(str::to_string);
        top.signers = signers;
        top
    }

    /// The same verdict with check `name` replaced, decided again.
    pub fn with_check(&self, name: &str, check: Check) -> Verdict {
        let checks: Vec<Check> = self
            .checks
            .iter()
            .map(|c| {
                if c.name == name {
                    check.clone()
                } else {
                    c.clone()
                }
            })
            .collect();
        let (indication, sub_indication, code) = decide(&checks);
        Verdict {
            indication,
            sub_indication,
            code,
            message: code.message(),
            checks: std::sync::Arc::new(Memo::new(checks)),
            ..self.clone()
        }
    }

    /// Whether the verdict passed.
    pub fn passed(&self) -> bool {
        self.code == Code::Ok
    }

    /// A one-line summary, e.g. `FAILED CERT_REVOKED: <en message>`.
    pub fn summary(&self) -> String {
        format!(
            "{} {}: {}",
            self.indication.as_str(),
            self.code,
            self.message.en
        )
    }
}

fn sub_from_str(s: &str) -> Option<SubIndication> {
    Some(match s {
        "REVOKED_ON_HOLD" => SubIndication::RevokedOnHold,
        "REVOKED_CA_NO_POE" => SubIndication::RevokedCaNoPoe,
        _ => return None,
    })
}

impl Verdict {
    /// A short human summary: the decision, the message, and each check.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} ({})",
            self.indication.as_str(),
            self.code,
            self.message.en
        );
        if let Some(sub) = self.sub_indication {
            let _ = writeln!(
                s,
                "  sub-indication: {}",
                serde_json::to_value(sub)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            );
        }
        if let Some(signer) = &self.signer {
            let _ = writeln!(
                s,
                "  signer: {}",
                signer["subject"]["dn"].as_str().unwrap_or("?")
            );
            if let Some(iin) = signer["iin"].as_str() {
                let _ = writeln!(s, "  IIN: {iin}");
            }
        }
        let _ = writeln!(s, "  validation time: {}", self.validation_time);
        if let Some(level) = &self.level {
            let _ = writeln!(s, "  level: {level}");
        }
        if self.policy["trust_profile"] == "test" {
            let _ = writeln!(
                s,
                "  trust profile: test PKI (the IIN check digit is not enforced)"
            );
        }
        for c in self.checks.iter() {
            let code = c.code.map(|c| format!(" {c}")).unwrap_or_default();
            let _ = writeln!(s, "  [{:?}] {}{}", c.outcome, c.name, code);
        }
        if self.signers.len() > 1 {
            for (i, v) in self.signers.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "  signer #{}: {} {}",
                    i + 1,
                    v.indication.as_str(),
                    v.code
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memoised_parts_write_the_same_json_every_time() {
        let checks = vec![
            Check::passed("format", serde_json::json!({ "a": [1, 2], "b": "ә" })),
            Check::failed(
                "chain",
                Code::ChainInvalid,
                serde_json::json!({ "path": [] }),
            ),
        ];
        let signer = std::sync::Arc::new(Memo::new(serde_json::json!({ "iin": "880101300123" })));
        let v = Verdict::new(checks, 0, serde_json::json!({}), Some(signer), None);
        let first = serde_json::to_string(&v).unwrap();
        let again = serde_json::to_string(&v).unwrap();
        // The same bytes as a verdict serialised without memos (through a Value).
        let plain = serde_json::to_string(&serde_json::to_value(&v).unwrap()).unwrap();
        assert_eq!(first, again);
        assert_eq!(first, plain);
        assert!(first.contains(r#""checks":[{"name":"format""#), "{first}");
        // People get the memoised parts indented too.
        assert!(
            pretty(&v).contains("\n    {\n      \"name\": \"format\""),
            "{}",
            pretty(&v)
        );
    }

    #[test]
    fn every_code_has_three_messages() {
        for c in Code::ALL {
            let m = c.message();
            assert!(
                !m.kk.is_empty() && !m.ru.is_empty() && !m.en.is_empty(),
                "{c}"
            );
            assert_eq!(Code::parse(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
    }

    #[test]
    fn passed_iff_ok() {
        for c in Code::ALL {
            assert_eq!(c.indication().0 == Indication::Passed, c == Code::Ok);
        }
    }
}
