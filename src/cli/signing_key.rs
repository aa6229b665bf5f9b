//! The signer's key as `sign`, `xml sign` and `pdf sign` name it: a PKCS#12
//! file (`--p12`, its password in the variable `--password-env`) or a key of
//! the signer key store (`--key-id`, the store in QOLTANBA_DATA_DIR).

use crate::{UsageError, read};
use clap::Args;
use qoltanba::keys::{KeyError, KeyOptions, KeyStore, LoadedKey};
use std::path::PathBuf;

/// The arguments that name the signer's key.
#[derive(Args, Clone, Default)]
pub struct KeyArgs {
    /// A PKCS#12 (.p12/.pfx) holding the signer's key and certificate chain.
    #[arg(long, value_name = "FILE", conflicts_with = "key_id")]
    pub p12: Option<PathBuf>,
    /// The environment variable holding the PKCS#12 password (default: empty).
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// A key from the signer key store (`qoltanba keys import`; QOLTANBA_DATA_DIR).
    #[arg(long, value_name = "ID")]
    pub key_id: Option<String>,
}

impl KeyArgs {
    /// Whether a key is named at all (`--p12` or `--key-id`).
    pub fn given(&self) -> bool {
        self.p12.is_some() || self.key_id.is_some()
    }

    /// Opens the key, signing as `options` says. Naming none or both, or a
    /// file or variable that cannot be read, is a usage error; a key that
    /// cannot be opened is the inner error.
    pub fn open(&self, options: KeyOptions) -> Result<Result<LoadedKey, KeyError>, UsageError> {
        match (&self.p12, &self.key_id) {
            (Some(p12), None) => {
                let password = zeroize::Zeroizing::new(match &self.password_env {
                    Some(var) => std::env::var(var).map_err(|_| {
                        UsageError(format!("--password-env {var}: the variable is not set"))
                    })?,
                    None => String::new(),
                });
                Ok(qoltanba::keys::open_p12_with(
                    &read(p12)?,
                    &password,
                    options,
                ))
            }
            (None, Some(id)) => {
                let master = std::env::var_os("QOLTANBA_MASTER_KEY_FILE")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from);
                Ok(KeyStore::open(
                    &qoltanba::config::Config::data_dir_from_env(),
                    master.as_deref(),
                )
                .and_then(|s| s.load_with(id, options)))
            }
            _ => Err(UsageError(
                "give exactly one of --p12 FILE or --key-id ID".into(),
            )),
        }
    }
}

/// Says on stderr why the key cannot sign: the code with what was found and
/// what to do, then the code's message in Kazakh, Russian and English.
/// Exit status 1 (a refusal, not a usage error).
pub fn refuse(e: &KeyError) -> std::process::ExitCode {
    let m = e.message();
    eprintln!(
        "qoltanba: {}: {e}\n  kk: {}\n  ru: {}\n  en: {}",
        e.code(),
        m.kk,
        m.ru,
        m.en
    );
    std::process::ExitCode::from(1)
}
