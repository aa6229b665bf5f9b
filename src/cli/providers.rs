//! `qoltanba providers list|check`: the providers catalogue from the command line.

use crate::{Format, UsageError};
use clap::Subcommand;
use qoltanba::workflow::catalogue::Catalogue;
use qoltanba::workflow::providers::Providers;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum ProvidersCommand {
    /// The providers and service centres the service runs with (its
    /// `providers_file`, QOLTANBA_PROVIDERS_FILE, else the demo catalogue).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Check a catalogue file before a restart: every problem with its file,
    /// line and field; exit 1 when there is one.
    Check {
        /// The providers TOML file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

fn print(p: &Providers, format: Format) {
    if matches!(format, Format::Json) {
        println!(
            "{}",
            serde_json::to_string_pretty(p).unwrap_or_else(|_| "{}".into())
        );
        return;
    }
    for x in &p.providers {
        println!(
            "provider {}  prefix {}  {}",
            x.bin, x.number_prefix, x.name_ru
        );
        println!("  services: {}", x.services.join(", "));
        if !x.centres.is_empty() {
            println!("  centres:  {}", x.centres.join(", "));
        }
    }
    for c in &p.centres {
        println!("centre   {}  {}", c.bin, c.name_ru);
    }
}

/// Runs a providers command.
pub(crate) fn run(cmd: ProvidersCommand) -> Result<ExitCode, UsageError> {
    match cmd {
        ProvidersCommand::List { format } => {
            let config = crate::service_config(None)?;
            let flow = qoltanba::workflow::Workflow::from_config(&config).map_err(UsageError)?;
            print(&flow.providers, format);
            Ok(ExitCode::SUCCESS)
        }
        ProvidersCommand::Check { file, format } => {
            let services = Catalogue::embedded().map_err(UsageError)?;
            match Providers::load(&file, &services) {
                Ok(p) => {
                    if matches!(format, Format::Json) {
                        print(&p, format);
                    } else {
                        println!(
                            "{}: {} providers, {} service centres: OK",
                            file.display(),
                            p.providers.len(),
                            p.centres.len()
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(problems) => {
                    if matches!(format, Format::Json) {
                        let list: Vec<_> = problems
                            .0
                            .iter()
                            .map(|p| serde_json::json!({ "file": p.file, "line": p.line, "field": p.field, "problem": p.problem }))
                            .collect();
                        println!(
                            "{}",
                            serde_json::json!({ "code": "PROVIDERS_INVALID", "problems": list })
                        );
                    } else {
                        eprintln!("PROVIDERS_INVALID: the providers catalogue has problems:");
                        eprintln!("{problems}");
                        eprintln!(
                            "hint: mend each line above, then run `qoltanba providers check` again"
                        );
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
