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
