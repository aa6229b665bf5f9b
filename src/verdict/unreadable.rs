//! The verdict on input that could not be read at all: the `format` check
//! fails, and every check that would have followed is listed as skipped,
//! so a report still names each step.

use super::{Check, Code, Verdict};

impl Verdict {
    /// `format` failed with `code` (its detail names `problem`); each check
    /// of `rest` skipped because `reason`.
    pub fn unreadable(
        code: Code,
        problem: String,
        rest: &[&'static str],
        reason: &str,
        at: i64,
        policy: serde_json::Value,
    ) -> Verdict {
        let mut checks = vec![Check::failed(
            "format",
            code,
            serde_json::json!({ "problem": problem }),
        )];
        checks.extend(rest.iter().map(|name| Check::skipped(name, reason)));
        Verdict::new(checks, at, policy, None, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Outcome;

    #[test]
    fn format_fails_and_every_later_check_is_skipped() {
        let v = Verdict::unreadable(
            Code::CertMalformed,
            "not DER".into(),
            &["chain", "revocation"],
            "the certificate could not be read",
            0,
            serde_json::Value::Null,
        );
        assert_eq!(v.code, Code::CertMalformed);
        let names: Vec<_> = v.checks.iter().map(|c| (c.name, c.outcome)).collect();
        assert_eq!(
            names,
            [
                ("format", Outcome::Failed),
                ("chain", Outcome::Skipped),
                ("revocation", Outcome::Skipped)
            ]
        );
        assert_eq!(v.checks[0].detail["problem"], "not DER");
        assert_eq!(
            v.checks[1].detail["reason"],
            "the certificate could not be read"
        );
    }
}
