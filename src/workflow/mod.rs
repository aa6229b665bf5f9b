//! The application flow of the regulations: services, channels, registration
//! numbers, the provider's decision, deadlines in working days, the signed
//! result, status for the citizen, the quality survey.
//!
//! Thin by design: it decides states and rules and delegates every
//! signature, verdict, PDF and record to the modules that own them.

pub mod calendar;
pub mod catalogue;
pub mod document;
pub mod registry;
pub mod state;

use calendar::{WorkingDayCalendar, kz_date, ymd};
use catalogue::{Catalogue, Service};

/// The flow's configuration: services, calendar, who the provider and the
/// service centre are, and the person registry.
pub struct Workflow {
    /// The services.
    pub catalogue: Catalogue,
    /// Working days.
    pub calendar: WorkingDayCalendar,
    /// The provider's BIN (employees' and the head's certificates carry it).
    pub provider_bin: String,
    /// The service centre's BIN (operators' certificates carry it).
    pub centre_bin: String,
    /// ГБД ФЛ.
    pub persons: std::sync::Arc<dyn registry::PersonRegistry>,
    /// ЕНИС.
    pub notary: std::sync::Arc<dyn registry::NotaryRegistry>,
}

impl Workflow {
    /// The embedded default: the seeds' services, Kazakhstan's calendar, the demo provider.
    pub fn demo() -> Result<Workflow, String> {
        Ok(Workflow {
            catalogue: Catalogue::embedded()?,
            calendar: WorkingDayCalendar::kazakhstan(),
            provider_bin: crate::pki::demo::provider_bin(),
            centre_bin: crate::pki::demo::centre_bin(),
            persons: std::sync::Arc::new(registry::FileRegistry::demo()),
            notary: std::sync::Arc::new(registry::FileNotary::default()),
        })
    }

    /// The configured flow: the provider's BIN when `provider_bin` is set, the
    /// registries over HTTP when `registry_url` is, else the demo ones.
    pub fn from_config(config: &crate::config::Config) -> Result<Workflow, String> {
        let mut w = Workflow::demo()?;
        if let Some(bin) = &config.provider_bin {
            w.provider_bin = bin.clone();
        }
        if let Some(url) = &config.registry_url {
            let timeout = std::time::Duration::from_millis(config.registry_timeout_ms);
            w.persons = std::sync::Arc::new(registry::HttpRegistry::new(
                url,
                timeout,
                config.registry_retries,
            ));
            w.notary = std::sync::Arc::new(registry::HttpRegistry::new(
                url,
                timeout,
                config.registry_retries,
            ));
        }
        Ok(w)
    }

    /// The deadline and each stage's, from registration time (the day of
    /// acceptance not counted; Kazakhstan time).
    pub fn deadlines(&self, service: &Service, registered_at: i64) -> (String, serde_json::Value) {
        let start = kz_date(registered_at);
        let deadline = self
            .calendar
            .add(start, service.term_days, service.term_kind);
        let mut stages = Vec::new();
        let mut at = start;
        for s in &service.stages {
            at = self.calendar.add(at, s.days, service.term_kind);
            stages.push(serde_json::json!({ "stage": s.name, "deadline": ymd(at) }));
        }
        (ymd(deadline), serde_json::Value::Array(stages))
    }
}
