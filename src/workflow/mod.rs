//! The application flow of the regulations: services, channels, registration
//! numbers, the provider's decision, deadlines in working days, the signed
//! result, status for the citizen, the quality survey.
//!
//! Thin by design: it decides states and rules and delegates every
//! signature, verdict, PDF and record to the modules that own them.

pub mod access;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod document;
pub mod egov_qr;
pub mod error;
pub mod providers;
pub mod registry;
pub mod sign;
pub mod state;
pub mod submit;
pub mod twophase;

pub use error::Error;

use crate::pki::TrustStore;
use crate::store::Store;
use calendar::{WorkingDayCalendar, kz_date, ymd};
use catalogue::{Catalogue, Service};

/// What a use case of the flow works with.
pub struct Deps<'a> {
    /// The database.
    pub store: &'a Store,
    /// The trust store in force.
    pub trust: std::sync::Arc<TrustStore>,
    /// The audit log.
    pub audit: &'a dyn error::AuditLog,
    /// Services, calendar, providers, registries.
    pub flow: &'a Workflow,
    /// Now, Unix seconds.
    pub now: i64,
    /// The service's configuration: its public URL (the stamp's QR code
    /// leads there), where the server-held signing keys are.
    pub config: &'a crate::config::Config,
}

/// The flow's configuration: services, calendar, the providers and service
/// centres, and the person registry.
pub struct Workflow {
    /// The services.
    pub catalogue: Catalogue,
    /// Working days.
    pub calendar: WorkingDayCalendar,
    /// Who provides which services, through which service centres.
    pub providers: providers::Providers,
    /// ГБД ФЛ.
    pub persons: std::sync::Arc<dyn registry::PersonRegistry>,
    /// ЕНИС.
    pub notary: std::sync::Arc<dyn registry::NotaryRegistry>,
}

impl Workflow {
    /// The embedded default: the seeds' services, Kazakhstan's calendar, the demo provider.
    pub fn demo() -> Result<Workflow, String> {
        let catalogue = Catalogue::embedded()?;
        let providers = providers::Providers::demo(&catalogue).map_err(|e| e.to_string())?;
        Ok(Workflow {
            catalogue,
            calendar: WorkingDayCalendar::kazakhstan(),
            providers,
            persons: std::sync::Arc::new(registry::FileRegistry::demo()),
            notary: std::sync::Arc::new(registry::FileNotary::default()),
        })
    }

    /// The configured flow: the providers catalogue of `providers_file`
    /// (or the demo one, whose provider takes `provider_bin` when that is
    /// set), the registries over HTTP when `registry_url` is, else the demo ones.
    pub fn from_config(config: &crate::config::Config) -> Result<Workflow, String> {
        let mut w = Workflow::demo()?;
        match (&config.providers_file, &config.provider_bin) {
            (Some(_), Some(_)) => {
                return Err(
                    "providers_file and provider_bin are both set: give the BIN in the providers file"
                        .into(),
                );
            }
            (Some(path), None) => {
                w.providers = providers::Providers::load(path, &w.catalogue)
                    .map_err(|e| format!("providers catalogue:\n{e}"))?;
            }
            (None, Some(bin)) => {
                // One provider under another BIN (a test PKI's organisation).
                let p = &mut w.providers.providers[0];
                p.bin = bin.clone();
                p.number_prefix = bin.clone();
            }
            (None, None) => {}
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
