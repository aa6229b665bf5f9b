//! Name constraints (RFC 5280 4.2.1.10, 6.1.3 b–c): which names a CA may
//! certify below it.
//!
//! Owns the forms checked (directory names by RDN prefix after folding,
//! DNS names by labels, e-mail addresses by mailbox, host or domain, IP
//! addresses by network and mask) and the check itself. A constraint of a
//! form not checked here fails closed for a certificate that carries a name
//! of that form; it never passes silently.

use super::cert::name_key;
use x509_parser::extensions::{GeneralName, NameConstraints as X509NameConstraints};

/// A name of a certificate, or the base of a constraint, in a checked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A directory name, folded (`cert::name_key`).
    Directory(Vec<u8>),
    /// A DNS name, lower-case.
    Dns(String),
    /// An e-mail address (or, as a constraint, a host or `.domain`), lower-case.
    Email(String),
    /// An IP address; as a constraint, the address followed by its mask.
    Ip(Vec<u8>),
    /// A form not checked here (URI, otherName, ...), by its name.
    Other(&'static str),
}

impl Name {
    fn kind(&self) -> &'static str {
        match self {
            Name::Directory(_) => "directoryName",
            Name::Dns(_) => "dNSName",
            Name::Email(_) => "rfc822Name",
            Name::Ip(_) => "iPAddress",
            Name::Other(k) => k,
        }
    }
}

/// A CA's permitted and excluded subtrees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    /// Names below must fall in one of these (per form present).
    pub permitted: Vec<Name>,
    /// Names below must fall in none of these.
    pub excluded: Vec<Name>,
}

/// A general name in the form checked here.
pub fn from_general(g: &GeneralName<'_>) -> Name {
    match g {
        GeneralName::DirectoryName(n) => Name::Directory(name_key(n.as_raw())),
        GeneralName::DNSName(s) => Name::Dns(s.to_ascii_lowercase()),
        GeneralName::RFC822Name(s) => Name::Email(s.to_ascii_lowercase()),
        GeneralName::IPAddress(b) => Name::Ip(b.to_vec()),
        GeneralName::URI(_) => Name::Other("uniformResourceIdentifier"),
        GeneralName::OtherName(..) => Name::Other("otherName"),
        GeneralName::X400Address(_) => Name::Other("x400Address"),
        GeneralName::EDIPartyName(_) => Name::Other("ediPartyName"),
        GeneralName::RegisteredID(_) => Name::Other("registeredID"),
        GeneralName::Invalid(..) => Name::Other("invalid"),
    }
}

/// The constraints of an extension as parsed by `x509-parser`.
pub fn constraints(nc: &X509NameConstraints<'_>) -> Constraints {
    let list = |s: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
        s.as_ref()
            .map(|v| v.iter().map(|t| from_general(&t.base)).collect())
            .unwrap_or_default()
    };
    Constraints {
        permitted: list(&nc.permitted_subtrees),
        excluded: list(&nc.excluded_subtrees),
    }
}

fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.');
    let base = base.trim_end_matches('.');
    if base.is_empty() {
        return true;
    }
    if let Some(domain) = base.strip_prefix('.') {
        return name.len() > domain.len() + 1 && name.ends_with(&format!(".{domain}"));
    }
    name == base || name.ends_with(&format!(".{base}"))
}

fn email_within(name: &str, base: &str) -> bool {
    if base.contains('@') {
        return name == base;
    }
    let Some((_, host)) = name.rsplit_once('@') else {
        return false;
    };
    match base.strip_prefix('.') {
        Some(domain) => host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}")),
        None => host == base,
    }
}

fn ip_within(addr: &[u8], base: &[u8]) -> bool {
    let n = addr.len();
    if base.len() != 2 * n {
        return false;
    }
    let (net, mask) = base.split_at(n);
    addr.iter()
        .zip(net)
        .zip(mask)
        .all(|((a, b), m)| a & m == b & m)
}

/// Whether `name` falls in the subtree `base`; None when they are of
/// different forms or the form is not checked here.
fn within(name: &Name, base: &Name) -> Option<bool> {
    Some(match (name, base) {
        // RDN-wise prefix: a folded name is a run of self-delimiting RDNs.
        (Name::Directory(n), Name::Directory(b)) => n.starts_with(b),
        (Name::Dns(n), Name::Dns(b)) => dns_within(n, b),
        (Name::Email(n), Name::Email(b)) => email_within(n, b),
        (Name::Ip(n), Name::Ip(b)) => ip_within(n, b),
        _ => return None,
    })
}

/// Why a DNS name is not a host name (RFC 1034 labels, as RFC 5280 4.2.1.6
/// asks), if it is not: a presented name may begin with a `*` label; a
/// constraint may be empty (every name) or begin with a `.`.
fn dns_malformed(s: &str, constraint: bool) -> Option<&'static str> {
    let mut body = s.strip_suffix('.').unwrap_or(s);
    if constraint {
        if s.is_empty() {
            return None;
        }
        body = body.strip_prefix('.').unwrap_or(body);
    } else if let Some(rest) = body.strip_prefix("*.") {
        body = rest;
    }
    if body.is_empty() {
        return Some("empty");
    }
    if body.len() > 253 {
        return Some("longer than 253 characters");
    }
    for label in body.split('.') {
        if label.is_empty() {
            return Some("an empty label");
        }
        if label.len() > 63 {
            return Some("a label longer than 63 characters");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Some("a character outside letters, digits, '-' and '_'");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("a label that begins or ends with '-'");
        }
    }
    None
}

/// Why an e-mail address (or, when `constraint`, a mailbox, host or
/// `.domain` subtree base) is malformed, if it is (RFC 5280 4.2.1.10).
fn email_malformed(s: &str, constraint: bool) -> Option<&'static str> {
    match s.rsplit_once('@') {
        Some((local, host)) => {
            if local.is_empty() {
                return Some("an empty local part");
            }
            if !local
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'@' && b != b'"')
            {
                return Some("a local part with spaces, quotes, '@' or non-ASCII");
            }
            if host.starts_with('.') || host.starts_with("*.") {
                return Some("a domain that is not a host");
            }
            dns_malformed(host, false)
        }
        None if constraint => dns_malformed(s, true).or_else(|| s.is_empty().then_some("empty")),
        None => Some("no '@'"),
    }
}

/// Why a name of a checked form is malformed, if it is.
fn malformed(name: &Name, constraint: bool) -> Option<&'static str> {
    match name {
        Name::Dns(s) => dns_malformed(s, constraint),
        Name::Email(s) => email_malformed(s, constraint),
        _ => None,
    }
}

/// Why `names` (a certificate's subject and alternative names) break
/// `c`, if they do. A DNS or e-mail name under a constraint of its form is
/// first checked to be well formed, and so are the constraint's bases of that
/// form: a malformed one cannot be compared, so it fails.
pub fn violation(names: &[Name], c: &Constraints) -> Option<String> {
    for name in names {
        let kind = name.kind();
        let bases = || c.permitted.iter().chain(c.excluded.iter());
        if bases().any(|b| b.kind() == kind) {
            if let Some(why) = malformed(name, false) {
                return Some(format!("a {kind} name is malformed ({why})"));
            }
            if let Some(why) = bases()
                .filter(|b| b.kind() == kind)
                .find_map(|b| malformed(b, true))
            {
                return Some(format!("a {kind} constraint is malformed ({why})"));
            }
        }
        let unchecked = |list: &[Name]| {
            list.iter()
                .any(|b| b.kind() == kind && matches!(b, Name::Other(_)))
        };
        if matches!(name, Name::Other(_)) {
            if unchecked(&c.permitted) || unchecked(&c.excluded) {
                return Some(format!(
                    "a {kind} name under a {kind} constraint, a form not checked here"
                ));
            }
            continue;
        }
        if c.excluded.iter().any(|b| within(name, b) == Some(true)) {
            return Some(format!("a {kind} name is in an excluded subtree"));
        }
        let permitted: Vec<&Name> = c.permitted.iter().filter(|b| b.kind() == kind).collect();
        if !permitted.is_empty() && !permitted.iter().any(|b| within(name, b) == Some(true)) {
            return Some(format!("a {kind} name is outside the permitted subtrees"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_email_and_ip_subtrees() {
        assert!(dns_within("host.example.kz", "example.kz"));
        assert!(dns_within("example.kz", "example.kz"));
        assert!(!dns_within("badexample.kz", "example.kz"));
        assert!(!dns_within("example.kz", ".example.kz"));
        assert!(dns_within("a.example.kz", ".example.kz"));
        assert!(email_within("a@gov.kz", "gov.kz"));
        assert!(!email_within("a@x.gov.kz", "gov.kz"));
        assert!(email_within("a@x.gov.kz", ".gov.kz"));
        assert!(email_within("a@gov.kz", "a@gov.kz"));
        assert!(!email_within("b@gov.kz", "a@gov.kz"));
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(
            !ip_within(&[10, 1, 2, 3], &[10; 32]),
            "IPv4 against an IPv6 subtree"
        );
    }

    #[test]
    fn malformed_names_and_bases() {
        assert_eq!(dns_malformed("egov.kz", false), None);
        assert_eq!(dns_malformed("*.egov.kz", false), None);
        assert_eq!(dns_malformed("egov.kz.", false), None);
        assert_eq!(dns_malformed(".egov.kz", true), None);
        assert_eq!(dns_malformed("", true), None);
        assert!(dns_malformed(".egov.kz", false).is_some());
        assert!(dns_malformed("", false).is_some());
        assert!(dns_malformed("-a.kz", false).is_some());
        assert!(dns_malformed("a b.kz", false).is_some());
        assert!(dns_malformed(&"a".repeat(64), false).is_some());
        assert!(dns_malformed("*.a.kz", true).is_some());
        assert_eq!(email_malformed("a@gov.kz", false), None);
        assert_eq!(email_malformed("gov.kz", true), None);
        assert_eq!(email_malformed(".gov.kz", true), None);
        assert_eq!(email_malformed("a@gov.kz", true), None);
        assert!(email_malformed("@gov.kz", false).is_some());
        assert!(email_malformed("a@", false).is_some());
        assert!(email_malformed("a b@gov.kz", false).is_some());
        assert!(email_malformed("a@.gov.kz", false).is_some());
        assert!(email_malformed("gov.kz", false).is_some());
    }

    #[test]
    fn permitted_per_form_excluded_always_unknown_forms_fail_closed() {
        let c = Constraints {
            permitted: vec![Name::Dns("gov.kz".into())],
            excluded: vec![Name::Email("bad.kz".into())],
        };
        assert_eq!(violation(&[Name::Dns("egov.gov.kz".into())], &c), None);
        assert!(violation(&[Name::Dns("evil.kz".into())], &c).is_some());
        assert_eq!(
            violation(&[Name::Dns("bad..gov.kz".into())], &c).as_deref(),
            Some("a dNSName name is malformed (an empty label)")
        );
        assert_eq!(
            violation(&[Name::Email("no-at-sign.gov.kz".into())], &c).as_deref(),
            Some("a rfc822Name name is malformed (no '@')")
        );
        // No e-mail subtree is permitted-listed: only the exclusion applies.
        assert_eq!(violation(&[Name::Email("a@ok.kz".into())], &c), None);
        assert!(violation(&[Name::Email("a@bad.kz".into())], &c).is_some());
        let uri = Constraints {
            permitted: vec![Name::Other("uniformResourceIdentifier")],
            excluded: vec![],
        };
        assert!(violation(&[Name::Other("uniformResourceIdentifier")], &uri).is_some());
        assert_eq!(violation(&[Name::Dns("a.kz".into())], &uri), None);
    }
}
