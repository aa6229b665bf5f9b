//! Service configuration: one TOML file, every setting overridable by a
//! `QOLTANBA_*` environment variable, and the embedded default.
//!
//! Owns reading and validating settings. Refuses unknown keys, a listen
//! address that does not parse and limits of zero.

use serde::Deserialize;
use std::path::PathBuf;

/// Default of `checks_per_minute`: uploads to `/check` per client and minute.
pub const CHECKS_PER_MINUTE: u32 = 30;

/// Every setting of the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to serve on (`QOLTANBA_LISTEN`).
    pub listen: String,
    /// Folder of the SQLite file, sealed keys, cached CRLs (`QOLTANBA_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Folder of trust anchors, intermediates and CRLs (`QOLTANBA_TRUST_DIR`);
    /// unset means the demo PKI in `certs/trust`.
    pub trust_dir: Option<PathBuf>,
    /// Folder of a test PKI's anchors, intermediates and CRLs (such as the
    /// NCA's test CA) added to the trust store (`QOLTANBA_TEST_TRUST_DIR`):
    /// under its anchors the IIN check compares digits without the check
    /// digit. Unset (the default) means no test PKI is trusted.
    pub test_trust_dir: Option<PathBuf>,
    /// `sqlite://...` or `postgres://...` (`QOLTANBA_DATABASE_URL`); unset
    /// means `qoltanba.db` in the data folder.
    pub database_url: Option<String>,
    /// Largest request body in bytes (`QOLTANBA_BODY_LIMIT`).
    pub body_limit: usize,
    /// Request timeout in milliseconds (`QOLTANBA_REQUEST_TIMEOUT_MS`).
    pub request_timeout_ms: u64,
    /// Requests handled at once (`QOLTANBA_CONCURRENCY_LIMIT`).
    pub concurrency_limit: usize,
    /// Audit records between signed checkpoints (`QOLTANBA_AUDIT_CHECKPOINT_EVERY`).
    pub audit_checkpoint_every: u64,
    /// Log format: `json` or `text` (`QOLTANBA_LOG_FORMAT`).
    pub log_format: String,
    /// CRL URLs to keep fresh, besides the store certificates' distribution
    /// points (`QOLTANBA_CRL_URLS`, comma-separated).
    pub crl_urls: Vec<String>,
    /// Seconds between CRL refreshes (`QOLTANBA_CRL_REFRESH_SECONDS`); 0 turns refreshing off.
    pub crl_refresh_seconds: u64,
    /// Base URL of the state registries (ГБД ФЛ, ЕНИС) over HTTP/JSON
    /// (`QOLTANBA_REGISTRY_URL`); unset means the demo registries.
    pub registry_url: Option<String>,
    /// Registry request timeout in milliseconds (`QOLTANBA_REGISTRY_TIMEOUT_MS`).
    pub registry_timeout_ms: u64,
    /// Extra attempts after a failed registry request (`QOLTANBA_REGISTRY_RETRIES`).
    pub registry_retries: u32,
    /// The key store's master key file (`QOLTANBA_MASTER_KEY_FILE`); unset
    /// means one generated in the data folder.
    pub master_key_file: Option<PathBuf>,
    /// Base of the public verification URL in the stamps' QR codes
    /// (`QOLTANBA_PUBLIC_URL`); the document id and hash are appended.
    pub public_url: String,
    /// The key in the key store that seals the PDF validation reports
    /// (`QOLTANBA_SEAL_KEY_ID`; `qoltanba keys import --id`); unset means
    /// PDF reports are refused (the XML and JSON ones need no key).
    pub seal_key_id: Option<String>,
    /// Uploads to `/check` one client address may make per minute
    /// (`QOLTANBA_CHECKS_PER_MINUTE`, default 30; 0 refuses every upload).
    pub checks_per_minute: u32,
    /// The provider's BIN, carried by its employees' and head's
    /// certificates (`QOLTANBA_PROVIDER_BIN`); unset means the demo provider's.
    pub provider_bin: Option<String>,
    /// The providers catalogue (`QOLTANBA_PROVIDERS_FILE`): every provider
    /// and service centre of the deployment (see `qoltanba providers check`);
    /// unset means the demo catalogue.
    pub providers_file: Option<PathBuf>,
    /// The time the application flow takes as now (registration, decisions,
    /// officer signatures), instead of the clock: for tests over real
    /// test-PKI material whose CRLs cover a fixed window. Set in code only,
    /// never from a file or the environment.
    #[serde(skip)]
    pub fixed_now: Option<i64>,
    /// The revocation policy for production anchors
    /// (`QOLTANBA_REVOCATION_POLICY`): a preset (`strict`, `fallback`,
    /// `outage`) and/or items (`sources=`, `first=`, `crl-grace=`,
    /// `accept-stale`); a request's `revocation` / `revocation_policy`
    /// overrides it.
    pub revocation_policy: String,
    /// The revocation policy under test-PKI anchors
    /// (`QOLTANBA_TEST_REVOCATION_POLICY`); unset means the production one.
    pub test_revocation_policy: Option<String>,
    /// Time one OCSP answer may take, retries included, in milliseconds
    /// (`QOLTANBA_OCSP_TIMEOUT_MS`).
    pub ocsp_timeout_ms: u64,
    /// Extra attempts after an OCSP responder failed or said `tryLater`
    /// (`QOLTANBA_OCSP_RETRIES`).
    pub ocsp_retries: u32,
    /// The TSA that renews the kept results' document time-stamps
    /// (`QOLTANBA_LTV_TSA_URL`); unset: results are watched, not renewed.
    pub ltv_tsa_url: Option<String>,
    /// Seconds between passes over the kept results
    /// (`QOLTANBA_LTV_RENEW_SECONDS`); 0 turns the task off.
    pub ltv_renew_seconds: u64,
    /// Renew when the last proof's TSA certificate expires within this many
    /// seconds (`QOLTANBA_LTV_RENEW_BEFORE_SECONDS`, default 90 days).
    pub ltv_renew_before_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("var"),
            trust_dir: None,
            test_trust_dir: None,
            database_url: None,
            body_limit: 8 * 1024 * 1024,
            request_timeout_ms: 30_000,
            concurrency_limit: 1024,
            audit_checkpoint_every: 1000,
            log_format: "json".into(),
            master_key_file: None,
            crl_urls: Vec::new(),
            crl_refresh_seconds: 3600,
            registry_url: None,
            registry_timeout_ms: 3000,
            registry_retries: 1,
            public_url: "http://127.0.0.1:8080/verify".into(),
            seal_key_id: None,
            checks_per_minute: CHECKS_PER_MINUTE,
            provider_bin: None,
            providers_file: None,
            fixed_now: None,
            revocation_policy: "strict".into(),
            test_revocation_policy: None,
            ocsp_timeout_ms: 5000,
            ocsp_retries: 1,
            ltv_tsa_url: None,
            ltv_renew_seconds: 0,
            ltv_renew_before_seconds: 90 * 86_400,
        }
    }
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{0}: {1}")]
    Read(String, std::io::Error),
    /// The file is not valid TOML or has unknown keys.
    #[error("{0}: {1}")]
    Parse(String, String),
    /// A value is out of range.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Reads `file` (when given), then applies `QOLTANBA_*` variables from `env`.
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut c = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| ConfigError::Read(p.display().to_string(), e))?;
                toml::from_str(&text)
                    .map_err(|e| ConfigError::Parse(p.display().to_string(), e.to_string()))?
            }
            None => Config::default(),
        };
        let num = |k: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| ConfigError::Invalid(format!("{k} must be a number")))
        };
        if let Some(v) = env("QOLTANBA_LISTEN") {
            c.listen = v;
        }
        if let Some(v) = env("QOLTANBA_DATA_DIR") {
            c.data_dir = v.into();
        }
        if let Some(v) = env("QOLTANBA_TRUST_DIR") {
            c.trust_dir = Some(v.into());
        }
        if let Some(v) = env("QOLTANBA_TEST_TRUST_DIR").filter(|v| !v.is_empty()) {
            c.test_trust_dir = Some(v.into());
        }
        if let Some(v) = env("QOLTANBA_DATABASE_URL") {
            c.database_url = Some(v);
        }
        if let Some(v) = env("QOLTANBA_BODY_LIMIT") {
            c.body_limit = num("QOLTANBA_BODY_LIMIT", v)? as usize;
        }
        if let Some(v) = env("QOLTANBA_REQUEST_TIMEOUT_MS") {
            c.request_timeout_ms = num("QOLTANBA_REQUEST_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("QOLTANBA_CONCURRENCY_LIMIT") {
            c.concurrency_limit = num("QOLTANBA_CONCURRENCY_LIMIT", v)? as usize;
        }
        if let Some(v) = env("QOLTANBA_AUDIT_CHECKPOINT_EVERY") {
            c.audit_checkpoint_every = num("QOLTANBA_AUDIT_CHECKPOINT_EVERY", v)?;
        }
        if let Some(v) = env("QOLTANBA_LOG_FORMAT") {
            c.log_format = v;
        }
        if let Some(v) = env("QOLTANBA_PUBLIC_URL").filter(|v| !v.is_empty()) {
            c.public_url = v;
        }
        if let Some(v) = env("QOLTANBA_CHECKS_PER_MINUTE") {
            c.checks_per_minute =
                u32::try_from(num("QOLTANBA_CHECKS_PER_MINUTE", v)?).map_err(|_| {
                    ConfigError::Invalid("QOLTANBA_CHECKS_PER_MINUTE is too large".into())
                })?;
        }
        if let Some(v) = env("QOLTANBA_SEAL_KEY_ID").filter(|v| !v.is_empty()) {
            c.seal_key_id = Some(v);
        }
        if let Some(v) = env("QOLTANBA_PROVIDER_BIN").filter(|v| !v.is_empty()) {
            if v.len() != 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ConfigError::Invalid(
                    "QOLTANBA_PROVIDER_BIN must be 12 digits".into(),
                ));
            }
            c.provider_bin = Some(v);
        }
        if let Some(v) = env("QOLTANBA_PROVIDERS_FILE").filter(|v| !v.is_empty()) {
            c.providers_file = Some(v.into());
        }
        if let Some(v) = env("QOLTANBA_REGISTRY_URL").filter(|v| !v.is_empty()) {
            c.registry_url = Some(v);
        }
        if let Some(v) = env("QOLTANBA_REGISTRY_TIMEOUT_MS") {
            c.registry_timeout_ms = num("QOLTANBA_REGISTRY_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("QOLTANBA_REGISTRY_RETRIES") {
            c.registry_retries = num("QOLTANBA_REGISTRY_RETRIES", v)? as u32;
        }
        if let Some(v) = env("QOLTANBA_CRL_URLS") {
            c.crl_urls = v
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(v) = env("QOLTANBA_CRL_REFRESH_SECONDS") {
            c.crl_refresh_seconds = num("QOLTANBA_CRL_REFRESH_SECONDS", v)?;
        }
        if let Some(v) = env("QOLTANBA_MASTER_KEY_FILE").filter(|v| !v.is_empty()) {
            c.master_key_file = Some(v.into());
        }
        if let Some(v) = env("QOLTANBA_REVOCATION_POLICY").filter(|v| !v.is_empty()) {
            c.revocation_policy = v;
        }
        if let Some(v) = env("QOLTANBA_TEST_REVOCATION_POLICY").filter(|v| !v.is_empty()) {
            c.test_revocation_policy = Some(v);
        }
        if let Some(v) = env("QOLTANBA_OCSP_TIMEOUT_MS") {
            c.ocsp_timeout_ms = num("QOLTANBA_OCSP_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("QOLTANBA_OCSP_RETRIES") {
            c.ocsp_retries = num("QOLTANBA_OCSP_RETRIES", v)? as u32;
        }
        if let Some(v) = env("QOLTANBA_LTV_TSA_URL").filter(|v| !v.is_empty()) {
            c.ltv_tsa_url = Some(v);
        }
        if let Some(v) = env("QOLTANBA_LTV_RENEW_SECONDS") {
            c.ltv_renew_seconds = num("QOLTANBA_LTV_RENEW_SECONDS", v)?;
        }
        if let Some(v) = env("QOLTANBA_LTV_RENEW_BEFORE_SECONDS") {
            c.ltv_renew_before_seconds = num("QOLTANBA_LTV_RENEW_BEFORE_SECONDS", v)?;
        }
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.listen.parse::<std::net::SocketAddr>().map_err(|_| {
            ConfigError::Invalid(format!(
                "listen address {} is not address:port",
                self.listen
            ))
        })?;
        if self.body_limit == 0
            || self.request_timeout_ms == 0
            || self.concurrency_limit == 0
            || self.audit_checkpoint_every == 0
        {
            return Err(ConfigError::Invalid(
                "limits must be greater than zero".into(),
            ));
        }
        if !["json", "text"].contains(&self.log_format.as_str()) {
            return Err(ConfigError::Invalid(
                "log_format must be json or text".into(),
            ));
        }
        self.revocation()?;
        self.test_revocation()?;
        if self.ocsp_timeout_ms == 0 {
            return Err(ConfigError::Invalid(
                "ocsp_timeout_ms must be greater than zero".into(),
            ));
        }
        Ok(())
    }

    /// The production revocation policy.
    pub fn revocation(&self) -> Result<crate::pki::revocation::RevocationPolicy, ConfigError> {
        crate::pki::revocation::RevocationPolicy::parse(&self.revocation_policy)
            .map_err(|e| ConfigError::Invalid(format!("revocation_policy: {e}")))
    }

    /// The test-PKI revocation policy, when one is set.
    pub fn test_revocation(
        &self,
    ) -> Result<Option<crate::pki::revocation::RevocationPolicy>, ConfigError> {
        self.test_revocation_policy
            .as_deref()
            .map(crate::pki::revocation::RevocationPolicy::parse)
            .transpose()
            .map_err(|e| ConfigError::Invalid(format!("test_revocation_policy: {e}")))
    }

    /// The database URL: the configured one, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("qoltanba.db").display()
            ),
        }
    }

    /// The data folder from `QOLTANBA_DATA_DIR` alone (for CLI commands that
    /// share the service's data without its whole configuration).
    pub fn data_dir_from_env() -> PathBuf {
        std::env::var("QOLTANBA_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from("var"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_defaults() {
        let env = |k: &str| match k {
            "QOLTANBA_LISTEN" => Some("127.0.0.1:9999".to_string()),
            "QOLTANBA_BODY_LIMIT" => Some("1024".to_string()),
            _ => None,
        };
        let c = Config::load(None, env).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9999");
        assert_eq!(c.body_limit, 1024);
        assert_eq!(c.request_timeout_ms, 30_000);
        assert_eq!(c.test_trust_dir, None, "production by default");
        let c = Config::load(None, |k| {
            (k == "QOLTANBA_TEST_TRUST_DIR").then(|| "nca-test".to_string())
        })
        .unwrap();
        assert_eq!(c.test_trust_dir, Some(PathBuf::from("nca-test")));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(
            Config::load(None, |k| (k == "QOLTANBA_LISTEN")
                .then(|| "nowhere".to_string()))
            .is_err()
        );
        assert!(
            Config::load(None, |k| (k == "QOLTANBA_BODY_LIMIT")
                .then(|| "0".to_string()))
            .is_err()
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "listen = \"127.0.0.1:1\"\nunknown = 1\n").unwrap();
        assert!(matches!(
            Config::load(Some(&f), |_| None),
            Err(ConfigError::Parse(..))
        ));
        std::fs::write(
            &f,
            "listen = \"127.0.0.1:1\"\ndatabase_url = \"postgres://x\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), |_| None).unwrap();
        assert_eq!(c.database_url(), "postgres://x");
        let e = Config::load(None, |k| {
            (k == "QOLTANBA_REVOCATION_POLICY").then(|| "fallback,crl-grace=2w".to_string())
        })
        .unwrap_err();
        assert!(e.to_string().contains("revocation_policy"), "{e}");
        let c = Config::load(None, |k| {
            (k == "QOLTANBA_TEST_REVOCATION_POLICY").then(|| "outage".to_string())
        })
        .unwrap();
        assert!(c.test_revocation().unwrap().is_some());
    }
}
