//! `qoltanba vectors run`: run manifests and the built-in suites, print a
//! summary and the failures, write the HTML, JUnit and JSON reports.
//! Exit status 0 when every vector got its expected result, 1 when one did
//! not, 2 when a manifest or an argument is wrong.

use crate::UsageError;
use clap::{Args, Subcommand, ValueEnum};
use qoltanba::vectors::suite::{self, Plan};
use qoltanba::vectors::{Confinement, report};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `vectors` subcommands.
#[derive(Subcommand)]
pub enum VectorsCommand {
    /// Run test vectors: folders (their manifest.json, recursively), manifest
    /// files, and the built-in suites; without arguments, `--suite own`.
    Run(RunArgs),
}

/// The built-in suites.
#[derive(Clone, Copy, ValueEnum)]
pub enum SuiteArg {
    /// Every manifest under testdata/.
    Own,
    /// Project Wycheproof signature vectors.
    Wycheproof,
    /// Both.
    All,
}

/// `vectors run` arguments.
#[derive(Args)]
pub struct RunArgs {
    /// Folders (their manifest.json and sub-folders') or manifest files.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A built-in suite to run as well.
    #[arg(long, value_enum)]
    suite: Option<SuiteArg>,
    /// Write the HTML report here.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE.xml")]
    junit: Option<PathBuf>,
    /// Write the JSON report here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// The folder whose `testdata/` is the `own` suite: the current folder when
/// it has one, else the source tree the binary was built from.
fn repo_root() -> PathBuf {
    if Path::new("testdata").is_dir() {
        PathBuf::from(".")
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }
}

fn write(path: &Path, text: &str) -> Result<(), UsageError> {
    std::fs::write(path, text).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

/// Runs `vectors` subcommands.
pub fn run(cmd: VectorsCommand) -> Result<ExitCode, UsageError> {
    let VectorsCommand::Run(a) = cmd;
    let suite = match (&a.suite, a.paths.is_empty()) {
        (None, true) => Some(SuiteArg::Own),
        (s, _) => *s,
    };
    let mut manifests = Vec::new();
    for p in &a.paths {
        manifests.extend(suite::manifests_under(p).map_err(|e| UsageError(e.to_string()))?);
    }
    if matches!(suite, Some(SuiteArg::Own | SuiteArg::All)) {
        manifests
            .extend(suite::own_manifests(&repo_root()).map_err(|e| UsageError(e.to_string()))?);
    }
    manifests.dedup();
    let wycheproof = matches!(suite, Some(SuiteArg::Wycheproof | SuiteArg::All));
    if manifests.is_empty() && !wycheproof {
        return Err(UsageError(
            "no manifest.json found under the given paths".into(),
        ));
    }
    let plan = Plan::new(&manifests, wycheproof, Confinement::default())
        .map_err(|e| UsageError(e.to_string()))?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(plan.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} vectors ({eta})")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let result = plan.run(&|| bar.inc(1));
    bar.finish_and_clear();

    for row in result.rows.iter().filter(|r| !r.passed) {
        println!(
            "FAILED {} {} ({}): expected {}, got {} (decided by {})",
            row.suite,
            row.id,
            row.source,
            report::verdict_line(&row.expected),
            report::verdict_line(&row.actual),
            row.decided_by.as_deref().unwrap_or("-")
        );
    }
    let s = &result.summary;
    for (name, c) in &s.by_suite {
        println!(
            "{name}: {} vectors, {} passed, {} failed",
            c.total, c.passed, c.failed
        );
    }
    if s.acceptable.total > 0 {
        println!(
            "wycheproof acceptable: {} ({} verified)",
            s.acceptable.total, s.acceptable.verified
        );
    }
    println!(
        "total: {} vectors, {} passed, {} failed",
        s.total, s.passed, s.failed
    );
    if let Some(p) = &a.report {
        write(p, &report::html(&result))?;
    }
    if let Some(p) = &a.junit {
        write(p, &report::junit(&result))?;
    }
    if let Some(p) = &a.json {
        let text = qoltanba::verdict::pretty(&report::json(&result));
        write(p, &text)?;
    }
    Ok(if result.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
