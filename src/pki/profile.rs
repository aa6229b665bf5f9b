//! The national CA's certificate profile: where the IIN and BIN live, sign
//! versus authentication keys, and the holder's role.
//!
//! Owns the reading of a certificate the way NCA RK issues them. Refuses
//! nothing: a certificate from another Kazakh CA may lack every field, and is
//! then a certificate without an IIN, BIN or role, never an error.

use super::cert::Certificate;
use crate::iin::{Bin, Iin};
use serde::Serialize;

/// Certificate policy: legal-entity signing.
pub const POLICY_LEGAL_SIGN: &str = "1.2.398.3.3.2.1";
/// Certificate policy: legal-entity authentication.
pub const POLICY_LEGAL_AUTH: &str = "1.2.398.3.3.2.2";
/// Certificate policy: individual signing.
pub const POLICY_INDIVIDUAL_SIGN: &str = "1.2.398.3.3.2.3";
/// Certificate policy: individual authentication.
pub const POLICY_INDIVIDUAL_AUTH: &str = "1.2.398.3.3.2.4";

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

/// The roles, with their names, in order.
pub const ROLES: [(&str, &str); 7] = [
    (ROLE_INDIVIDUAL, "individual"),
    (ROLE_ORGANISATION, "organisation"),
    (ROLE_HEAD, "head"),
    (ROLE_MAY_SIGN, "may_sign"),
    (ROLE_FINANCIAL, "financial"),
    (ROLE_HR, "hr"),
    (ROLE_EMPLOYEE, "employee"),
];

/// What a key is for, by keyUsage (and policy where keyUsage is silent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UsageProfile {
    /// nonRepudiation: a signing certificate.
    Sign,
    /// digitalSignature + keyEncipherment without nonRepudiation.
    Auth,
    /// Neither profile.
    Unknown,
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
    /// Sign or auth.
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
        Some(ku) if ku.non_repudiation() => UsageProfile::Sign,
        Some(ku) if ku.digital_signature() && ku.key_encipherment() => UsageProfile::Auth,
        Some(_) => UsageProfile::Unknown,
        None => {
            let p = |x: &str| c.policies.iter().any(|o| o == x);
            if p(POLICY_LEGAL_AUTH) || p(POLICY_INDIVIDUAL_AUTH) {
                UsageProfile::Auth
            } else {
                UsageProfile::Unknown
            }
        }
    };
    let roles = ROLES
        .iter()
        .filter(|(o, _)| c.has_eku(o))
        .map(|(_, n)| *n)
        .collect();
    Profile {
        iin,
        bin,
        bin_valid,
        usage,
        roles,
    }
}

/// Names of the known policies a certificate carries.
pub fn policy_names(c: &Certificate) -> Vec<serde_json::Value> {
    c.policies
        .iter()
        .map(|o| {
            let name = match o.as_str() {
                POLICY_LEGAL_SIGN => Some("legal_entity_signing"),
                POLICY_LEGAL_AUTH => Some("legal_entity_authentication"),
                POLICY_INDIVIDUAL_SIGN => Some("individual_signing"),
                POLICY_INDIVIDUAL_AUTH => Some("individual_authentication"),
                _ => None,
            };
            serde_json::json!({ "oid": o, "name": name })
        })
        .collect()
}
