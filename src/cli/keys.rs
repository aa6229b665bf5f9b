//! `qoltanba keys import|list|remove`: the signer key store from the command line.

use crate::{Format, KeysCommand, UsageError, read};
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs a signer-key command.
pub fn signer_keys(cmd: KeysCommand) -> Result<ExitCode, UsageError> {
    use qoltanba::keys::{KeyError, KeyStore};
    let open = || {
        let data_dir = qoltanba::config::Config::data_dir_from_env();
        let master = std::env::var_os("QOLTANBA_MASTER_KEY_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        KeyStore::open(&data_dir, master.as_deref())
    };
    let (result, format): (Result<(), KeyError>, Format) = match cmd {
        KeysCommand::Api(_) => return Err(UsageError("keys api: handled above".into())),
        KeysCommand::Import {
            p12,
            id,
            password_env,
            replace,
            format,
        } => {
            // The password never comes from argv: only the variable's name does.
            let password = zeroize::Zeroizing::new(match &password_env {
                Some(var) => std::env::var(var).map_err(|_| {
                    UsageError(format!("--password-env {var}: the variable is not set"))
                })?,
                None => String::new(),
            });
            let bytes = read(&p12)?;
            let r = open().and_then(|store| {
                if store.uses_generated_master_key() {
                    eprintln!(
                        "qoltanba: warning: a generated master key is in use; set QOLTANBA_MASTER_KEY_FILE in production"
                    );
                }
                store.import_p12(&bytes, &password, &id, replace)
            });
            let r = r.map(|info| match format {
                Format::Json => println!("{}", qoltanba::verdict::pretty(&info)),
                Format::Text => print!("imported {}", info.to_text()),
            });
            (r, format)
        }
        KeysCommand::List { format } => {
            let r = open().and_then(|s| s.list()).map(|keys| match format {
                Format::Json => println!("{}", qoltanba::verdict::pretty(&keys)),
                Format::Text => {
                    for k in &keys {
                        print!("{}", k.to_text());
                    }
                }
            });
            (r, format)
        }
        KeysCommand::Remove { id } => {
            let r = open()
                .and_then(|s| s.remove(&id))
                .map(|()| println!("removed {id}"));
            (r, Format::Text)
        }
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            match format {
                Format::Json => {
                    let err = serde_json::json!({ "code": e.code(), "message": e.message(), "detail": e.to_string() });
                    println!("{}", qoltanba::verdict::pretty(&err));
                }
                Format::Text => return Ok(crate::signing_key::refuse(&e)),
            }
            Ok(ExitCode::from(1))
        }
    }
}
