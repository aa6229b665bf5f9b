//! State registries the flow asks: the person registry (ГБД ФЛ) by IIN and
//! the notary registry (ЕНИС) for powers of attorney. Traits, so the real
//! HTTP adapters and the file-backed demo registry are interchangeable.

use serde::{Deserialize, Serialize};

/// A person as the registry knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// IIN.
    pub iin: String,
    /// Surname.
    pub surname: String,
    /// Given name.
    pub name: String,
}

/// Why a registry could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry did not answer in time or at all.
    #[error("registry unavailable: {0}")]
    Unavailable(String),
}

/// The state database of individuals.
pub trait PersonRegistry: Send + Sync {
    /// The person with this IIN, if the registry knows them.
    fn find(&self, iin: &str) -> Result<Option<Person>, RegistryError>;
}

/// The demo registry: the people of the demo PKI and any given in a JSON file.
#[derive(Debug, Clone, Default)]
pub struct FileRegistry {
    people: Vec<Person>,
}

impl FileRegistry {
    /// The demo PKI's people.
    pub fn demo() -> Self {
        let people = crate::pki::demo::people()
            .into_iter()
            .filter(|p| !p.iin.is_empty())
            .map(|p| Person {
                iin: p.iin,
                surname: p.surname.to_string(),
                name: p.name.to_string(),
            })
            .collect();
        FileRegistry { people }
    }

    /// A registry read from a JSON array of people.
    pub fn from_json(text: &str) -> Result<Self, String> {
        Ok(FileRegistry {
            people: serde_json::from_str(text).map_err(|e| e.to_string())?,
        })
    }
}

impl PersonRegistry for FileRegistry {
    fn find(&self, iin: &str) -> Result<Option<Person>, RegistryError> {
        Ok(self.people.iter().find(|p| p.iin == iin).cloned())
    }
}

/// A notarised power of attorney as the notary registry (ЕНИС) knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerOfAttorney {
    /// Registry number.
    pub number: String,
    /// Who gave it (the citizen).
    pub principal_iin: String,
    /// Who may act (the representative).
    pub representative_iin: String,
    /// Last day it is valid (`YYYY-MM-DD`).
    pub valid_until: String,
    /// Whether it was revoked.
    #[serde(default)]
    pub revoked: bool,
}

/// The unified notary information system.
pub trait NotaryRegistry: Send + Sync {
    /// The power of attorney with this number, if the registry knows it.
    fn find_poa(&self, number: &str) -> Result<Option<PowerOfAttorney>, RegistryError>;
}

impl FileRegistry {
    /// The demo notary registry: the second demo citizen may act for the first.
    pub fn demo_powers() -> Vec<PowerOfAttorney> {
        let iin = |p: &str| {
            crate::pki::demo::people()
                .into_iter()
                .find(|x| x.file == p)
                .map(|x| x.iin)
                .unwrap_or_default()
        };
        vec![PowerOfAttorney {
            number: "POA-2026-000001".into(),
            principal_iin: iin("citizen-rsa"),
            representative_iin: iin("citizen2-rsa"),
            valid_until: "2030-12-31".into(),
            revoked: false,
        }]
    }
}

/// The demo notary registry.
#[derive(Debug, Clone)]
pub struct FileNotary {
    powers: Vec<PowerOfAttorney>,
}

impl Default for FileNotary {
    fn default() -> Self {
        FileNotary {
            powers: FileRegistry::demo_powers(),
        }
    }
}

impl NotaryRegistry for FileNotary {
    fn find_poa(&self, number: &str) -> Result<Option<PowerOfAttorney>, RegistryError> {
        Ok(self.powers.iter().find(|p| p.number == number).cloned())
    }
}

/// Both registries over HTTP/JSON: `GET {base}/persons/{iin}` and
/// `GET {base}/powers-of-attorney/{number}` (200 with the record, 404 when
/// unknown), with a timeout and retries on failure.
pub struct HttpRegistry {
    base: String,
    agent: ureq::Agent,
    retries: u32,
}

impl HttpRegistry {
    /// A client for `base` with a per-request `timeout` and `retries` extra attempts.
    pub fn new(base: &str, timeout: std::time::Duration, retries: u32) -> Self {
        HttpRegistry {
            base: base.trim_end_matches('/').to_string(),
            agent: crate::pki::http::agent(timeout, 0),
            retries,
        }
    }

    fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<Option<T>, RegistryError> {
        let url = format!("{}/{path}", self.base);
        let mut last = String::new();
        for _ in 0..=self.retries {
            match self.agent.get(&url).call() {
                Ok(mut r) if r.status() == 200 => {
                    let body = crate::pki::http::body(&mut r, 64 * 1024)
                        .map_err(RegistryError::Unavailable)?;
                    return serde_json::from_slice(&body)
                        .map(Some)
                        .map_err(|e| RegistryError::Unavailable(format!("bad answer: {e}")));
                }
                Ok(r) if r.status() == 404 => return Ok(None),
                Ok(r) => last = format!("HTTP {}", r.status()),
                Err(e) => last = e.to_string(),
            }
        }
        Err(RegistryError::Unavailable(last))
    }
}

fn path_safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl PersonRegistry for HttpRegistry {
    fn find(&self, iin: &str) -> Result<Option<Person>, RegistryError> {
        if !path_safe(iin) {
            return Ok(None);
        }
        self.get(&format!("persons/{iin}"))
    }
}

impl NotaryRegistry for HttpRegistry {
    fn find_poa(&self, number: &str) -> Result<Option<PowerOfAttorney>, RegistryError> {
        if !path_safe(number) {
            return Ok(None);
        }
        self.get(&format!("powers-of-attorney/{number}"))
    }
}
