//! `qoltanba keys api create|list|revoke`: the HTTP service's API keys.

use crate::UsageError;
use clap::Subcommand;
use qoltanba::store::Store;
use qoltanba::store::keys::Role;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum ApiKeyCommand {
    /// Create a key; prints the key alone on the first line (shown once).
    Create {
        /// portal, provider, operator, head, reviewer or admin.
        #[arg(long)]
        role: String,
        /// A name to recognise it by.
        #[arg(long)]
        name: String,
        /// The IIN of the employee, operator or head who holds the key: it
        /// then signs only with that person's certificate (without it the
        /// first certificate it signs with binds it).
        #[arg(long, value_name = "IIN")]
        iin: Option<String>,
        /// The BIN of the provider (employees, heads) or service centre
        /// (operators) the key acts for, from the providers catalogue
        /// (`qoltanba providers list`); needed when it has more than one.
        #[arg(long, value_name = "BIN")]
        org: Option<String>,
    },
    /// List keys (never the secrets).
    List,
    /// Revoke a key by id.
    Revoke {
        /// The key id (the part after `qtb_`).
        id: String,
    },
}

/// The organisation `org` names, checked against the configured catalogue.
fn check_org(role: Role, org: &str) -> Result<(), UsageError> {
    let config = crate::service_config(None)?;
    let flow = qoltanba::workflow::Workflow::from_config(&config).map_err(UsageError)?;
    let p = &flow.providers;
    let ok = match role {
        Role::Provider | Role::Head => p.provider(org).is_some(),
        Role::Operator => p.centre(org).is_some(),
        _ => {
            return Err(UsageError(format!(
                "--org: a {} key acts for no one organisation",
                role.as_str()
            )));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(UsageError(format!(
            "--org {org}: no {} with this BIN in the providers catalogue (qoltanba providers list)",
            if role == Role::Operator {
                "service centre"
            } else {
                "provider"
            }
        )))
    }
}

/// Runs an API-key command against the service's database.
pub(crate) fn run(
    cmd: ApiKeyCommand,
    rt: &tokio::runtime::Runtime,
    store: &Store,
) -> Result<ExitCode, UsageError> {
    let db = |e: qoltanba::store::StoreError| UsageError(e.to_string());
    match cmd {
        ApiKeyCommand::Create {
            role,
            name,
            iin,
            org,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                UsageError(format!(
                    "--role {role}: one of portal, provider, operator, head, reviewer, admin"
                ))
            })?;
            if let Some(i) = &iin {
                qoltanba::iin::Iin::parse(i).map_err(|e| UsageError(format!("--iin {i}: {e}")))?;
                if !matches!(role, Role::Provider | Role::Operator | Role::Head) {
                    return Err(UsageError(format!(
                        "--iin: a {} key is not held by one person",
                        role.as_str()
                    )));
                }
            }
            if let Some(o) = &org {
                check_org(role, o)?;
            }
            let now = qoltanba::time::now();
            let (mut key, token) = rt
                .block_on(store.create_api_key(&name, role, now))
                .map_err(db)?;
            if let Some(i) = &iin {
                key.iin = Some(
                    rt.block_on(store.bind_api_key_iin(&key.id, i, now))
                        .map_err(db)?,
                );
            }
            if let Some(o) = &org {
                key.org = Some(
                    rt.block_on(store.bind_api_key_org(&key.id, o))
                        .map_err(db)?,
                );
            }
            println!("{token}");
            println!(
                "id {} role {}{} name {:?} (the key above is shown once)",
                key.id,
                key.role.as_str(),
                key.org
                    .as_deref()
                    .map(|o| format!(" org {o}"))
                    .unwrap_or_default(),
                key.name
            );
        }
        ApiKeyCommand::List => {
            for k in rt.block_on(store.list_api_keys()).map_err(db)? {
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", qoltanba::time::rfc3339(t)),
                    None => "active".into(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    k.id,
                    k.role.as_str(),
                    state,
                    qoltanba::time::rfc3339(k.created_at),
                    k.iin.as_deref().unwrap_or("-"),
                    k.org.as_deref().unwrap_or("-"),
                    k.name
                );
            }
        }
        ApiKeyCommand::Revoke { id } => {
            rt.block_on(store.revoke_api_key(&id, qoltanba::time::now()))
                .map_err(|e| UsageError(format!("{id}: {e}")))?;
            println!("revoked {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
