//! The national CA's certificate profile: where the IIN and BIN live, sign
//! versus authentication keys, and the holder's roles.
//!
//! Owns the reading of a certificate the way NCA RK issues them, and the one
//! rule that says what a key is for (`USAGE_RULES`). Refuses nothing: a
//! certificate from another Kazakh CA may lack every field, and is then a
//! certificate without an IIN, BIN or role, never an error.

use super::Usage;
use super::cert::{Certificate, KeyUsageBits};
use super::purposes;
use crate::iin::{Bin, Iin};
use serde::Serialize;

pub use super::purposes::{
    POLICY_INDIVIDUAL_AUTH, POLICY_INDIVIDUAL_SIGN, POLICY_LEGAL_AUTH, POLICY_LEGAL_SIGN,
};

/// EKU: the holder is an individual.
pub const ROLE_INDIVIDUAL: &str = "1.2.398.3.3.4.1.1";
/// EKU: the holder acts for an organisation.
pub const ROLE_ORGANISATION: &str = "1.2.398.3.3.4.1.2";
/// EKU: head of the organisation (CEO).
pub const ROLE_HEAD: &str = "1.2.398.3.3.4.1.2.1";
/// EKU: may sign for the organisation.
pub const ROLE_MAY_SIGN: &str = "1.2.398.3.3.4.1.2.2";
/// EKU: may sign financial documents.
pub const ROLE_FINANCIAL: &str = "1.2.398.3.3.4.1.2.3";
/// EKU: HR.
pub const ROLE_HR: &str = "1.2.398.3.3.4.1.2.4";
/// EKU: employee.
pub const ROLE_EMPLOYEE: &str = "1.2.398.3.3.4.1.2.5";

/// What a key is for, by keyUsage (and policy where keyUsage is silent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageProfile {
    /// A signing key (nonRepudiation), not for authentication.
    Sign,
    /// One key that both signs and authenticates (nonRepudiation with
    /// digitalSignature and keyEncipherment or keyAgreement): what the NCA
    /// issues since 2022 with GOST 34.10-2015.
    SignAndAuth,
    /// An authentication key (digitalSignature + keyEncipherment, no
    /// nonRepudiation).
    Auth,
    /// Neither profile.
    Unknown,
}

const DS: u16 = 1;
const NR: u16 = 2;
const KE: u16 = 4;
const KA: u16 = 16;

/// One row of the key-purpose rule: a keyUsage with every bit of `all` and,
/// when `any` is not zero, at least one bit of `any`, is `profile`.
#[derive(Debug, Clone, Copy)]
pub struct UsageRule {
    /// Bits that must all be set.
    pub all: u16,
    /// Bits of which one must be set (0: no such condition).
    pub any: u16,
    /// What such a key is for.
    pub profile: UsageProfile,
}

/// The key-purpose rule, first matching row wins. Decided from the NCA's own
/// certificates (`tests/test_pki_profile.rs` walks every one):
/// - GOST 34.10-2015 keys (file names `GOST512_…`, policy `1.2.398.3.3.2`,
///   one key per holder, no `AUTH_` twin) carry digitalSignature,
///   nonRepudiation and keyAgreement or keyEncipherment: they sign and
///   authenticate.
/// - 2004-profile signing keys (`RSA256_…`, `GOSTKNCA_…`, policies `…2.1`,
///   `…2.3`) carry digitalSignature and nonRepudiation: they sign. NCANode
///   calls every key with these two bits SIGN.
/// - 2004-profile authentication keys (`AUTH_RSA256_…`, policies `…2.2`,
///   `…2.4`, EKU clientAuth) carry digitalSignature and keyEncipherment
///   without nonRepudiation: they authenticate.
pub const USAGE_RULES: [UsageRule; 4] = [
    UsageRule {
        all: DS | NR,
        any: KE | KA,
        profile: UsageProfile::SignAndAuth,
    },
    UsageRule {
        all: NR,
        any: 0,
        profile: UsageProfile::Sign,
    },
    UsageRule {
        all: DS | KE,
        any: 0,
        profile: UsageProfile::Auth,
    },
    UsageRule {
        all: 0,
        any: 0,
        profile: UsageProfile::Unknown,
    },
];

/// The profile of a keyUsage by `USAGE_RULES`.
pub fn usage_of(ku: KeyUsageBits) -> UsageProfile {
    USAGE_RULES
        .iter()
        .find(|r| ku.0 & r.all == r.all && (r.any == 0 || ku.0 & r.any != 0))
        .map(|r| r.profile)
        .unwrap_or(UsageProfile::Unknown)
}

impl UsageProfile {
    /// Whether a key of this profile, with keyUsage `ku`, may be used as
    /// `usage` asks: signing needs a key that signs (nonRepudiation);
    /// authentication needs digitalSignature on a key that is not a
    /// signing-only key.
    pub fn permits(self, usage: Usage, ku: Option<KeyUsageBits>) -> bool {
        let ds = ku.is_some_and(|k| k.digital_signature());
        match usage {
            Usage::Any => true,
            Usage::Sign => matches!(self, UsageProfile::Sign | UsageProfile::SignAndAuth),
            Usage::Auth => ds && self != UsageProfile::Sign,
        }
    }
}

/// The IIN as written in the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertIin {
    /// The 12 digits as written.
    pub value: String,
    /// Whether the check digit and birth date are valid.
    pub valid: bool,
    /// Birth date from the IIN (YYYY-MM-DD), when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Sex from the IIN, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<crate::iin::Sex>,
}

/// The profile facts of one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The holder's IIN (subject serialNumber `IIN` + 12 digits).
    pub iin: Option<CertIin>,
    /// The organisation's BIN (subject OU `BIN` + 12 digits).
    pub bin: Option<String>,
    /// Whether the BIN's check digit is valid.
    pub bin_valid: Option<bool>,
    /// Sign, auth, or both.
    pub usage: UsageProfile,
    /// Role names from the EKU (empty when the certificate has no EKU).
    pub roles: Vec<&'static str>,
}

fn twelve_after(s: &str, prefix: &str) -> Option<String> {
    let rest = s.trim().strip_prefix(prefix)?;
    (rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_digit())).then(|| rest.to_string())
}

/// Reads the profile of a certificate.
pub fn profile(c: &Certificate) -> Profile {
    let iin = c
        .subject
        .serial_number
        .as_deref()
        .and_then(|s| twelve_after(s, "IIN"))
        .map(|value| {
            let parsed = Iin::parse(&value).ok();
            CertIin {
                valid: parsed.is_some(),
                birth_date: parsed.and_then(|p| p.birth_date()).map(|d| d.to_string()),
                sex: parsed.map(|p| p.sex()),
                value,
            }
        });
    let bin = c.subject.ou.as_deref().and_then(|s| twelve_after(s, "BIN"));
    let bin_valid = bin.as_deref().map(|b| Bin::parse(b).is_ok());
    let usage = match c.key_usage {
        Some(ku) => usage_of(ku),
        None => {
            let p = |x: &str| c.policies.iter().any(|o| o == x);
            if p(POLICY_LEGAL_AUTH) || p(POLICY_INDIVIDUAL_AUTH) {
                UsageProfile::Auth
            } else {
                UsageProfile::Unknown
            }
        }
    };
    // In the table's order, whatever the certificate's.
    let held: Vec<&'static str> = c
        .eku
        .iter()
        .flatten()
        .filter_map(|o| purposes::purpose_of(o))
        .filter(|k| k.role)
        .map(|k| k.name)
        .collect();
    let roles = purposes::PURPOSES
        .iter()
        .map(|k| k.name)
        .filter(|n| held.contains(n))
        .collect();
    Profile {
        iin,
        bin,
        bin_valid,
        usage,
        roles,
    }
}

/// The certificate's policies, each with its name and meaning when known.
pub fn policy_names(c: &Certificate) -> Vec<serde_json::Value> {
    c.policies
        .iter()
        .map(|o| purposes::described(o, purposes::policy_of(o)))
        .collect()
}

/// The certificate's extended key usage purposes, each with its name and
/// meaning when known (unknown ones by their dotted form alone).
pub fn purpose_names(c: &Certificate) -> Vec<serde_json::Value> {
    c.eku
        .iter()
        .flatten()
        .map(|o| purposes::described(o, purposes::purpose_of(o)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usage_rule_by_rows() {
        let p = |bits| usage_of(KeyUsageBits(bits));
        assert_eq!(p(DS | NR | KA), UsageProfile::SignAndAuth);
        assert_eq!(p(DS | NR | KE), UsageProfile::SignAndAuth);
        assert_eq!(p(DS | NR), UsageProfile::Sign);
        assert_eq!(p(NR), UsageProfile::Sign);
        assert_eq!(p(NR | KE), UsageProfile::Sign, "no digitalSignature");
        assert_eq!(p(DS | KE), UsageProfile::Auth);
        assert_eq!(p(DS), UsageProfile::Unknown);
        assert_eq!(p(DS | KA), UsageProfile::Unknown);
    }

    #[test]
    fn what_each_profile_permits() {
        let ku = |b| Some(KeyUsageBits(b));
        use UsageProfile::*;
        assert!(SignAndAuth.permits(Usage::Sign, ku(DS | NR | KA)));
        assert!(SignAndAuth.permits(Usage::Auth, ku(DS | NR | KA)));
        assert!(Sign.permits(Usage::Sign, ku(DS | NR)));
        assert!(!Sign.permits(Usage::Auth, ku(DS | NR)));
        assert!(!Auth.permits(Usage::Sign, ku(DS | KE)));
        assert!(Auth.permits(Usage::Auth, ku(DS | KE)));
        assert!(Unknown.permits(Usage::Auth, ku(DS)));
        assert!(!Unknown.permits(Usage::Auth, None));
    }
}
