//! The signer's claimed signing time in a PDF signature, and whether the
//! signature has the PAdES baseline form in that respect.
//!
//! PAdES (ETSI EN 319 142-1, 5.4 and 6.3) puts the claimed signing time in
//! the signature dictionary's `/M` and says the CMS's signing-time attribute
//! shall not be present. Kalkan, NCALayer and eGov mobile always write
//! signing-time (every Kalkan CMS of the NCA test material does), and CAdES
//! baseline requires it, so an officer's client CMS carries it. Refusing it
//! would refuse every national client; qoltanba accepts it and says so: the
//! signature reports `pades_baseline` with `b_b_met: false` and "PAdES-B-B
//! not met: signing-time attribute present (CMS-compatible PDF signature)".
//! pyHanko does the same in substance (it validates such signatures and
//! reports the attribute as the signer's time, `/M` only when it is absent;
//! its own PAdES signer leaves the attribute out).
//!
//! The two claims must agree: the attribute may be at most [`BEFORE_M`]
//! seconds before `/M` and [`AFTER_M`] after it (`/M` is written when the
//! signature is prepared, the client signs within the prepared signature's
//! 15 minutes; five minutes of clock skew either way). A signature whose
//! claims disagree fails with `PDF_SIGNING_TIME_MISMATCH`, and the two-phase
//! finish refuses such a CMS (`CMS_SIGNING_TIME_MISMATCH`).

use serde::Serialize;

/// How far the signing-time attribute may be before `/M`, in seconds.
pub const BEFORE_M: i64 = 300;
/// How far it may be after `/M`: the prepared signature's life and five minutes.
pub const AFTER_M: i64 = crate::envelope::twophase::DEFAULT_TTL + 300;

/// What a signature reports when its CMS carries a signing-time attribute.
#[derive(Debug, Clone, Serialize)]
pub struct PadesBaseline {
    /// Whether the signature has PAdES-B-B's form (false: signing-time present).
    pub b_b_met: bool,
    /// Why not, in words.
    pub note: &'static str,
    /// The signing-time attribute (claimed by the signer, not trusted).
    pub signing_time_attribute: String,
    /// `/M`, when the dictionary has a readable one.
    pub m: Option<String>,
    /// Whether the attribute is within the tolerance of `/M` (None: no `/M`).
    pub agrees_with_m: Option<bool>,
}

/// The note for a signing-time attribute in a PDF signature.
pub const NOTE: &str =
    "PAdES-B-B not met: signing-time attribute present (CMS-compatible PDF signature)";

/// Whether a signing-time attribute `attr` agrees with `/M` (`m`).
pub fn agrees(m: i64, attr: i64) -> bool {
    attr >= m.saturating_sub(BEFORE_M) && attr <= m.saturating_add(AFTER_M)
}

/// The report for a signature whose CMS claims `attr` and whose dictionary
/// claims `m`; None when the CMS has no signing-time attribute.
pub fn judge(m: Option<i64>, attr: Option<i64>) -> Option<PadesBaseline> {
    let attr = attr?;
    Some(PadesBaseline {
        b_b_met: false,
        note: NOTE,
        signing_time_attribute: crate::time::rfc3339(attr),
        m: m.map(crate::time::rfc3339),
        agrees_with_m: m.map(|m| agrees(m, attr)),
    })
}

/// The signing-time attribute of the first signer of a CMS, if it has one.
pub fn signing_time_attribute(cms: &[u8]) -> Option<i64> {
    let env = crate::envelope::parse::parse(cms).ok()?;
    let s = env.signers.first()?;
    let raw = s.attr(&crate::envelope::parse::OID_SIGNING_TIME)?;
    crate::asn1::time_of(raw).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_five_minutes_before_and_twenty_after() {
        let m = 1_780_000_000;
        assert!(agrees(m, m));
        assert!(agrees(m, m - BEFORE_M));
        assert!(!agrees(m, m - BEFORE_M - 1));
        assert!(agrees(m, m + AFTER_M));
        assert!(!agrees(m, m + AFTER_M + 1));
        assert!(judge(Some(m), None).is_none());
        let j = judge(None, Some(m)).expect("reported");
        assert_eq!((j.b_b_met, j.agrees_with_m), (false, None));
    }
}
