//! The services catalogue: one TOML file per service (names in kk/ru, the
//! documents the standard asks for, the term and its stages, the reasons a
//! refusal may give). Configuration, not code: the files ship embedded and a
//! folder can replace them.

use super::calendar::DayKind;
use serde::Deserialize;

/// A stage of the review with its own term.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// `intake`, `review`, `sign`.
    pub name: String,
    /// Days (of the service's kind).
    pub days: u32,
}

/// One public service.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Stable id (`housing-queue`, ...).
    pub id: String,
    /// Name in Kazakh.
    pub name_kk: String,
    /// Name in Russian.
    pub name_ru: String,
    /// The whole term.
    pub term_days: u32,
    /// Calendar or working days.
    pub term_kind: DayKind,
    /// Documents the standard asks for.
    pub documents: Vec<String>,
    /// Reasons a refusal may give.
    pub refusal_reasons: Vec<String>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
}

const EMBEDDED: [&str; 4] = [
    include_str!("services/housing-queue.toml"),
    include_str!("services/housing-assistance.toml"),
    include_str!("services/unemployed-certificate.toml"),
    include_str!("services/disabled-children-support.toml"),
];

/// Every service.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The services.
    pub services: Vec<Service>,
}

impl Catalogue {
    /// The services shipped with qoltanba.
    pub fn embedded() -> Result<Catalogue, String> {
        let services = EMBEDDED
            .iter()
            .map(|t| toml::from_str::<Service>(t).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Catalogue { services })
    }

    /// The service with this id.
    pub fn get(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_services_of_the_seeds() {
        let c = Catalogue::embedded().unwrap();
        let ids: Vec<&str> = c.services.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "housing-queue",
                "housing-assistance",
                "unemployed-certificate",
                "disabled-children-support"
            ]
        );
        let ha = c.get("housing-assistance").unwrap();
        assert_eq!((ha.term_days, ha.term_kind), (8, DayKind::Working));
        assert_eq!(ha.stages.iter().map(|s| s.days).sum::<u32>(), 8);
        assert_eq!(c.get("housing-queue").unwrap().term_kind, DayKind::Calendar);
    }
}
