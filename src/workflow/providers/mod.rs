//! The providers catalogue: who provides which services, which service
//! centres accept applications for them, and how their registration numbers
//! read. Configuration, not code: one TOML file (`providers_file`), checked
//! whole at start; every problem names the file, the line and the field.
//!
//! ```toml
//! [[provider]]
//! bin = "120340000123"            # checked: twelve digits and the check digit
//! name_kk = "..."
//! name_ru = "..."
//! services = ["housing-queue"]     # ids of the services catalogue
//! centres = ["160240001988"]       # BINs of [[centre]] entries
//! number_prefix = "ZHO"           # YEAR-PREFIX-NNNNNN, unique
//!
//! [[centre]]
//! bin = "160240001988"
//! name_kk = "..."
//! name_ru = "..."
//! ```
//!
//! Owns the scope rule of the flow too: which organisation an API key acts
//! for (`org_of`) and whether it may see an application (`may_see`).

use super::catalogue::Catalogue;
use crate::store::keys::Role;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toml::Spanned;

/// Largest catalogue file read.
pub const MAX_FILE: usize = 1024 * 1024;

const DEMO: &str = include_str!("demo.toml");

/// A service provider: an akimat department, a district office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Provider {
    /// BIN; its employees' and head's certificates carry it.
    pub bin: String,
    /// Name in Kazakh.
    pub name_kk: String,
    /// Name in Russian.
    pub name_ru: String,
    /// Ids of the services it provides.
    pub services: Vec<String>,
    /// BINs of the service centres that accept applications for it.
    pub centres: Vec<String>,
    /// The middle part of its registration numbers (`YEAR-PREFIX-NNNNNN`).
    pub number_prefix: String,
}

/// A service centre: its operators accept applications for providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Centre {
    /// BIN; its operators' certificates carry it.
    pub bin: String,
    /// Name in Kazakh.
    pub name_kk: String,
    /// Name in Russian.
    pub name_ru: String,
}

/// Every provider and service centre of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Providers {
    /// The providers, in the file's order.
    pub providers: Vec<Provider>,
    /// The service centres, in the file's order.
    #[serde(rename = "centres")]
    pub centres: Vec<Centre>,
}

/// One problem of a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The field (`provider[2].bin`), or empty for the file as a whole.
    pub field: String,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}:{}: {}", self.file, self.line, self.problem)
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.problem
            )
        }
    }
}

/// Every problem found, one a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.0.iter().map(Problem::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// Which organisation an API key acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Org<'a> {
    /// An employee or head of this provider.
    Provider(&'a Provider),
    /// An operator of this service centre.
    Centre(&'a Centre),
    /// The portal, an administrator or a reviewer: no one organisation.
    Any,
}

impl<'a> Org<'a> {
    /// The BIN the caller's own certificate must carry, if any.
    pub fn bin(&self) -> Option<&'a str> {
        match self {
            Org::Provider(p) => Some(&p.bin),
            Org::Centre(c) => Some(&c.bin),
            Org::Any => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    provider: Vec<Spanned<RawProvider>>,
    #[serde(default)]
    centre: Vec<Spanned<RawCentre>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    bin: Spanned<String>,
    name_kk: Spanned<String>,
    name_ru: Spanned<String>,
    services: Vec<Spanned<String>>,
    #[serde(default)]
    centres: Vec<Spanned<String>>,
    number_prefix: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCentre {
    bin: Spanned<String>,
    name_kk: Spanned<String>,
    name_ru: Spanned<String>,
}

/// Collects problems with their lines.
struct Check<'t> {
    file: &'t str,
    text: &'t str,
    problems: Vec<Problem>,
}

impl Check<'_> {
    fn line(&self, at: usize) -> usize {
        let at = at.min(self.text.len());
        self.text.as_bytes()[..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }
    fn say(&mut self, at: usize, field: String, problem: impl Into<String>) {
        let line = self.line(at);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            field,
            problem: problem.into(),
        });
    }
    fn name(&mut self, v: &Spanned<String>, field: String) -> String {
        let s = v.get_ref().trim();
        if s.is_empty() {
            self.say(v.span().start, field, "must not be empty");
        } else if s.chars().count() > 300 {
            self.say(v.span().start, field, "longer than 300 characters");
        }
        s.to_string()
    }
    /// A checked BIN, unique among every organisation of the file.
    fn bin(
        &mut self,
        v: &Spanned<String>,
        field: String,
        seen: &mut HashMap<String, usize>,
    ) -> String {
        let s = v.get_ref().trim().to_string();
        let line = self.line(v.span().start);
        if let Err(e) = crate::iin::Bin::parse(&s) {
            self.say(v.span().start, field, format!("{s:?} is not a BIN: {e}"));
        } else if let Some(first) = seen.insert(s.clone(), line) {
            self.say(
                v.span().start,
                field,
                format!("BIN {s} is given twice (first on line {first})"),
            );
        }
        s
    }
}

fn prefix_ok(p: &str) -> bool {
    (1..=24).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !p.starts_with('-')
        && !p.ends_with('-')
}

impl Providers {
    /// The demo catalogue: the demo PKI's housing department and service centre.
    pub fn demo(services: &Catalogue) -> Result<Providers, Problems> {
        Providers::parse("providers (embedded demo)", DEMO, services)
    }

    /// Reads and checks a catalogue file.
    pub fn load(path: &std::path::Path, services: &Catalogue) -> Result<Providers, Problems> {
        let file = path.display().to_string();
        let whole = |problem: String| {
            Problems(vec![Problem {
                file: file.clone(),
                line: 1,
                field: String::new(),
                problem,
            }])
        };
        let meta = std::fs::metadata(path).map_err(|e| whole(format!("cannot read: {e}")))?;
        if meta.len() > MAX_FILE as u64 {
            return Err(whole(format!(
                "{} bytes: larger than {MAX_FILE}",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| whole(format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| whole("not UTF-8 text".into()))?;
        Providers::parse(&file, &text, services)
    }

    /// Parses and checks a catalogue's text; `file` names it in problems.
    pub fn parse(file: &str, text: &str, services: &Catalogue) -> Result<Providers, Problems> {
        let mut c = Check {
            file,
            text,
            problems: Vec::new(),
        };
        let raw: RawFile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                c.say(at, String::new(), e.message().trim().to_string());
                return Err(Problems(c.problems));
            }
        };
        let mut seen = HashMap::new();
        let mut centres = Vec::new();
        for (i, rc) in raw.centre.iter().enumerate() {
            let r = rc.get_ref();
            let f = |name: &str| format!("centre[{}].{name}", i + 1);
            centres.push(Centre {
                bin: c.bin(&r.bin, f("bin"), &mut seen),
                name_kk: c.name(&r.name_kk, f("name_kk")),
                name_ru: c.name(&r.name_ru, f("name_ru")),
            });
        }
        let mut prefixes: HashMap<String, usize> = HashMap::new();
        let mut providers = Vec::new();
        for (i, rp) in raw.provider.iter().enumerate() {
            let r = rp.get_ref();
            let f = |name: &str| format!("provider[{}].{name}", i + 1);
            let bin = c.bin(&r.bin, f("bin"), &mut seen);
            let name_kk = c.name(&r.name_kk, f("name_kk"));
            let name_ru = c.name(&r.name_ru, f("name_ru"));
            if r.services.is_empty() {
                c.say(rp.span().start, f("services"), "lists no service");
            }
            let mut ids: Vec<String> = Vec::new();
            for s in &r.services {
                let id = s.get_ref().trim().to_string();
                if services.get(&id).is_none() {
                    let known: Vec<&str> =
                        services.services.iter().map(|s| s.id.as_str()).collect();
                    c.say(
                        s.span().start,
                        f("services"),
                        format!("unknown service {id:?} (known: {})", known.join(", ")),
                    );
                } else if ids.contains(&id) {
                    c.say(
                        s.span().start,
                        f("services"),
                        format!("{id} is listed twice"),
                    );
                }
                ids.push(id);
            }
            let mut own_centres: Vec<String> = Vec::new();
            for s in &r.centres {
                let b = s.get_ref().trim().to_string();
                if !centres.iter().any(|x| x.bin == b) {
                    c.say(
                        s.span().start,
                        f("centres"),
                        format!("no [[centre]] with BIN {b:?}"),
                    );
                } else if own_centres.contains(&b) {
                    c.say(s.span().start, f("centres"), format!("{b} is listed twice"));
                }
                own_centres.push(b);
            }
            let prefix = r.number_prefix.get_ref().trim().to_string();
            let at = r.number_prefix.span().start;
            if !prefix_ok(&prefix) {
                c.say(
                    at,
                    f("number_prefix"),
                    format!(
                        "{prefix:?}: 1 to 24 of A-Z, 0-9 and inner '-' (it is part of every registration number)"
                    ),
                );
            } else if let Some(first) = prefixes.insert(prefix.clone(), c.line(at)) {
                c.say(
                    at,
                    f("number_prefix"),
                    format!("{prefix} is another provider's prefix too (line {first})"),
                );
            }
            providers.push(Provider {
                bin,
                name_kk,
                name_ru,
                services: ids,
                centres: own_centres,
                number_prefix: prefix,
            });
        }
        if providers.is_empty() {
            c.say(0, String::new(), "no [[provider]]: at least one is needed");
        }
        if c.problems.is_empty() {
            Ok(Providers { providers, centres })
        } else {
            Err(Problems(c.problems))
        }
    }

    /// The provider with this BIN.
    pub fn provider(&self, bin: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.bin == bin)
    }

    /// The service centre with this BIN.
    pub fn centre(&self, bin: &str) -> Option<&Centre> {
        self.centres.iter().find(|c| c.bin == bin)
    }

    /// The organisation an API key of `role` acts for: the one it is bound
    /// to, or, when it is bound to none, the only provider (or centre) of
    /// the catalogue. `Err` names what is missing.
    pub fn org_of(&self, role: Role, bound: Option<&str>) -> Result<Org<'_>, String> {
        match role {
            Role::Provider | Role::Head => {
                bound_or_only(&self.providers, |p| &p.bin, bound, "provider").map(Org::Provider)
            }
            Role::Operator => {
                bound_or_only(&self.centres, |c| &c.bin, bound, "service centre").map(Org::Centre)
            }
            Role::Portal | Role::Admin | Role::Reviewer => Ok(Org::Any),
        }
    }

    /// Whether `org` may see the applications of the provider with BIN `provider`.
    pub fn may_see(&self, org: Org<'_>, provider: &str) -> bool {
        match org {
            Org::Any => true,
            Org::Provider(p) => p.bin == provider,
            Org::Centre(c) => self
                .provider(provider)
                .is_some_and(|p| p.centres.contains(&c.bin)),
        }
    }

    /// The provider an application for `service` goes to: the one `asked`
    /// names, else the only one that provides it (through `centre`, when an
    /// operator submits).
    pub fn choose(
        &self,
        service: &str,
        asked: Option<&str>,
        centre: Option<&str>,
    ) -> Result<&Provider, String> {
        let offers = |p: &&Provider| {
            p.services.iter().any(|s| s == service)
                && centre.is_none_or(|c| p.centres.iter().any(|x| x == c))
        };
        let candidates: Vec<&Provider> = self.providers.iter().filter(offers).collect();
        match asked {
            Some(bin) => candidates
                .iter()
                .find(|p| p.bin == bin)
                .copied()
                .ok_or_else(|| match self.provider(bin) {
                    None => format!("provider {bin} is not in the providers catalogue"),
                    Some(_) if centre.is_some() => {
                        format!(
                            "provider {bin} does not take {service} through this service centre"
                        )
                    }
                    Some(_) => format!("provider {bin} does not provide {service}"),
                }),
            None => match candidates.as_slice() {
                [only] => Ok(only),
                [] => Err(format!("no provider provides {service} here")),
                many => Err(format!(
                    "{service} is provided by {}: say which in provider",
                    many.iter()
                        .map(|p| p.bin.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        }
    }
}

/// The organisation of `list` (providers or centres) a key is `bound` to,
/// or, when it is bound to none, the only one there.
fn bound_or_only<'a, T>(
    list: &'a [T],
    bin: impl Fn(&T) -> &str,
    bound: Option<&str>,
    what: &str,
) -> Result<&'a T, String> {
    match bound {
        Some(b) => list
            .iter()
            .find(|o| bin(o) == b)
            .ok_or_else(|| format!("the key is bound to {b}, which is no {what} of this service")),
        None => match list {
            [only] => Ok(only),
            _ => Err(format!(
                "the key is bound to no {what} (qoltanba keys api create --org BIN)"
            )),
        },
    }
}

#[cfg(test)]
mod tests;
