//! The `qoltanba` command line: parse arguments, call the library, print.
#![forbid(unsafe_code)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use qoltanba::pki::{
    self, Extra, Policy, TrustStore, Usage, cert::Certificate, revocation::RevocationStore,
};
use qoltanba::verdict::Verdict;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

// Verdicts are built from many small allocations; mimalloc halves their cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "cli/apikeys.rs"]
mod apikeys_cli;
#[path = "cli/cert.rs"]
mod cert_cli;
#[path = "cli/keys.rs"]
mod keys_cli;
#[path = "cli/providers.rs"]
mod providers_cli;
#[path = "cli/sign.rs"]
mod sign_cli;

#[path = "cli/vectors.rs"]
mod vectors_cli;

#[path = "cli/pdf.rs"]
mod pdf_cli;
#[path = "cli/pdf_ltv.rs"]
mod pdf_ltv_cli;

#[path = "cli/xml.rs"]
mod xml_cli;

#[path = "cli/report.rs"]
mod report_cli;
#[path = "cli/signer_trust.rs"]
mod signer_trust;
#[path = "cli/signing_key.rs"]
mod signing_key;

#[derive(Parser)]
#[command(
    name = "qoltanba",
    version,
    about = "Digital-signature and document-integrity service for Kazakhstan's e-government services"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a CMS request envelope (condition 2).
    Verify(VerifyArgs),
    /// Inspect or verify certificates.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Demo PKI for tests and the embedded default.
    #[command(subcommand)]
    Pki(PkiCommand),
    /// Run the HTTP service (the default when no command is given).
    Serve {
        /// A TOML configuration file; QOLTANBA_* variables override it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// API keys, and the signer key store (PKCS#12 import, sealed at rest).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Sign data (CAdES-BES/-T), co-sign or counter-sign an envelope, or sign in two phases.
    Sign(Box<sign_cli::SignArgs>),
    /// Result PDFs: render (kk/ru, PDF/A-2b), sign (PAdES, officer stamp), verify.
    #[command(subcommand)]
    Pdf(pdf_cli::PdfCommand),
    /// Test vectors: run manifests and the built-in suites, write reports.
    #[command(subcommand)]
    Vectors(vectors_cli::VectorsCommand),
    /// XML request documents (enveloped XMLDSig) and WS-Security messages: verify, sign.
    #[command(subcommand)]
    Xml(xml_cli::XmlCommand),
    /// The validation report of a signed file (PDF, CMS, XML): a PDF sealed
    /// with the service's key, the ETSI TS 119 102-2 XML report, or JSON.
    Report(report_cli::ReportArgs),
    /// The providers catalogue: list the configured one, check a file.
    #[command(subcommand)]
    Providers(providers_cli::ProvidersCommand),
}

#[derive(Subcommand)]
enum KeysCommand {
    /// API keys for the HTTP service.
    #[command(subcommand)]
    Api(apikeys_cli::ApiKeyCommand),
    /// Import a PKCS#12 (.p12/.pfx) as a signer key sealed under the master
    /// key (QOLTANBA_MASTER_KEY_FILE; else a generated QOLTANBA_DATA_DIR/master.key).
    Import {
        /// The PKCS#12 file.
        #[arg(long, value_name = "FILE")]
        p12: PathBuf,
        /// The id to store it under: 1-64 of A-Z a-z 0-9 . _ -
        #[arg(long, value_name = "NAME")]
        id: String,
        /// The environment variable that holds the password (default: empty password).
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Replace a key already stored under this id.
        #[arg(long)]
        replace: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// List signer keys: id, subject, IIN/BIN, serial, validity, profile, key.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Remove a signer key.
    Remove {
        /// The key id.
        id: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain and the signed checkpoints; name the first
    /// record changed, removed or inserted.
    Verify {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Text,
}

#[derive(Args)]
struct TrustArgs {
    /// Trust anchors (PEM/DER; a file may hold several). Default: the configured store.
    #[arg(long, value_name = "FILE")]
    trust: Vec<PathBuf>,
    /// Trust anchors of a test PKI (such as the NCA's test CA): as --trust, but
    /// under them the IIN check compares digits without the check digit.
    #[arg(long, value_name = "FILE")]
    test_trust: Vec<PathBuf>,
    /// Extra untrusted certificates for path building.
    #[arg(long, value_name = "FILE")]
    certs: Vec<PathBuf>,
    /// CRLs (DER or PEM), base and delta.
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Skip revocation checking (paths only; reported in the verdict's policy).
    #[arg(long)]
    no_revocation: bool,
    /// Which sources decide revocation: crl (default), ocsp, both (both must
    /// say good) or any (the first definitive answer); overrides the
    /// policy's sources.
    #[arg(long, value_name = "MODE", value_parser = revocation_mode)]
    revocation: Option<pki::RevocationMode>,
    /// The revocation policy: a preset (strict, fallback, outage) and/or
    /// items: sources=crl|ocsp|both|any, first=crl|ocsp, crl-grace=72h,
    /// accept-stale. E.g. `fallback,crl-grace=3d`.
    #[arg(long, value_name = "POLICY", value_parser = pki::revocation::RevocationPolicy::parse)]
    revocation_policy: Option<pki::revocation::RevocationPolicy>,
    /// OCSP responder URL, instead of the certificates' own (authorityInfoAccess).
    #[arg(long, value_name = "URL")]
    ocsp: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

#[derive(Args)]
struct VerifyArgs {
    /// The CMS SignedData (DER, PEM or base64 text).
    #[arg(long, value_name = "FILE")]
    signature: PathBuf,
    /// The signed bytes of a detached signature.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// The IIN stated in the request: turns the IIN checks on.
    #[arg(long, value_name = "IIN")]
    iin: Option<String>,
    #[command(flatten)]
    trust: TrustArgs,
}

#[derive(Subcommand)]
enum CertCommand {
    /// Show a certificate: names, IIN/BIN, profile, roles, policies, URLs.
    Info {
        /// The certificate (PEM or DER).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Validate a certificate (chain, validity, revocation, key usage).
    Verify {
        /// The certificate (PEM or DER).
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
        /// Required key usage.
        #[arg(long, value_enum, default_value = "sign")]
        usage: UsageArg,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum UsageArg {
    Sign,
    Auth,
    Any,
}

#[derive(Subcommand)]
enum PkiCommand {
    /// Write the demo PKI (test keys only) into a folder.
    Demo {
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "certs")]
        out: PathBuf,
    },
    /// Write the GOST demo hierarchies (GOST 34.10-2015/512 and GOST
    /// 34.310-2004; test keys only) into a folder.
    DemoGost {
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "certs/gost")]
        out: PathBuf,
    },
}

/// A usage error: exit status 2.
pub(crate) struct UsageError(pub(crate) String);

fn revocation_mode(s: &str) -> Result<pki::RevocationMode, String> {
    pki::RevocationMode::parse(s).ok_or_else(|| "one of crl, ocsp, both, any".to_string())
}

/// The revocation part of the policy: mode, OCSP URL and, when OCSP is used,
/// an HTTP client.
fn with_revocation(t: &TrustArgs, p: Policy) -> Policy {
    let mut rp = t.revocation_policy.unwrap_or_default();
    if let Some(m) = t.revocation {
        rp.mode = m;
    }
    let uses_ocsp = rp.mode != pki::RevocationMode::Crl && !t.no_revocation;
    Policy {
        revocation: rp.mode,
        revocation_rules: rp.rules,
        ocsp_url: t.ocsp.clone(),
        ocsp: uses_ocsp.then(|| Arc::new(pki::ocsp::OcspClient::http())),
        ..p
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, UsageError> {
    let meta =
        std::fs::metadata(path).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    if meta.len() > 512 * 1024 * 1024 {
        return Err(UsageError(format!("{}: file too large", path.display())));
    }
    std::fs::read(path).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

struct Inputs {
    store: TrustStore,
    extra: Extra,
    crls: RevocationStore,
    at: i64,
}

fn inputs(t: &TrustArgs) -> Result<Inputs, UsageError> {
    let at = match &t.at {
        Some(s) => {
            qoltanba::time::parse_rfc3339(s).map_err(|e| UsageError(format!("--at: {e}")))?
        }
        None => qoltanba::time::now(),
    };
    let mut extra = Extra::default();
    let store = if t.trust.is_empty() && t.test_trust.is_empty() {
        let dir = TrustStore::default_dir();
        TrustStore::from_dir(&dir)
            .map_err(|e| UsageError(format!("trust store {}: {e}", dir.display())))?
    } else {
        signer_trust::anchors_store(&t.trust, &t.test_trust, |name, e| {
            extra.rejected_certs.push((name, e));
            Ok(())
        })?
    };
    for p in &t.certs {
        let bytes = read(p)?;
        extra.add_bytes(&bytes, &p.display().to_string());
    }
    let mut crls = RevocationStore::default();
    let cas: Vec<Arc<Certificate>> = store
        .anchors
        .iter()
        .chain(store.intermediates.iter())
        .chain(extra.certs.iter())
        .cloned()
        .collect();
    for p in &t.crl {
        crls.add_bytes_checked(&read(p)?, &p.display().to_string(), &cas);
    }
    Ok(Inputs {
        store,
        extra,
        crls,
        at,
    })
}

fn print_verdict(v: &Verdict, format: Format) -> ExitCode {
    match format {
        Format::Json => println!("{}", qoltanba::verdict::pretty(v)),
        Format::Text => print!("{}", v.to_text()),
    }
    ExitCode::from(v.indication.exit_code() as u8)
}

fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("runtime: {e}")))
}

pub(crate) fn service_config(file: Option<&Path>) -> Result<qoltanba::config::Config, UsageError> {
    qoltanba::config::Config::load(file, |k| std::env::var(k).ok())
        .map_err(|e| UsageError(e.to_string()))
}

/// Opens the service's database as configured by the environment.
fn open_store(rt: &tokio::runtime::Runtime) -> Result<qoltanba::store::Store, UsageError> {
    let config = service_config(None)?;
    let _ = std::fs::create_dir_all(&config.data_dir);
    rt.block_on(qoltanba::store::Store::open(&config.database_url()))
        .map_err(|e| UsageError(format!("database: {e}")))
}

fn run(cli: Cli) -> Result<ExitCode, UsageError> {
    match cli.command {
        None => serve(None),
        Some(Command::Serve { config }) => serve(config.as_deref()),
        Some(Command::Sign(a)) => sign_cli::run(*a),
        Some(Command::Keys(KeysCommand::Api(cmd))) => {
            let rt = runtime()?;
            let store = open_store(&rt)?;
            apikeys_cli::run(cmd, &rt, &store)
        }
        Some(Command::Providers(cmd)) => providers_cli::run(cmd),
        Some(Command::Keys(cmd)) => keys_cli::signer_keys(cmd),
        Some(Command::Pdf(cmd)) => pdf_cli::run(cmd),
        Some(Command::Vectors(cmd)) => vectors_cli::run(cmd),
        Some(Command::Xml(cmd)) => xml_cli::run(cmd),
        Some(Command::Report(a)) => report_cli::run(a),
        Some(Command::Audit(AuditCommand::Verify { format })) => {
            let rt = runtime()?;
            let store = open_store(&rt)?;
            let config = service_config(None)?;
            let pinned = qoltanba::store::audit::audit_key(&config.data_dir)
                .ok()
                .map(|k| qoltanba::pki::signer::Signer::public_key_spki(&k));
            let report = rt
                .block_on(async {
                    let rows = store.audit_rows().await?;
                    let cps = store.checkpoints().await?;
                    let (seq, head) = store.audit_head().await?;
                    Ok::<_, qoltanba::store::StoreError>(qoltanba::store::audit::verify_chain(
                        &rows,
                        &cps,
                        (seq, &head),
                        pinned.as_deref(),
                    ))
                })
                .map_err(|e| UsageError(e.to_string()))?;
            match format {
                Format::Json => println!("{}", qoltanba::verdict::pretty(&report)),
                Format::Text => match &report.problem {
                    None => println!(
                        "audit chain intact: {} records, {} checkpoints verified",
                        report.records, report.checkpoints_verified
                    ),
                    Some(p) => println!(
                        "audit chain BROKEN at record {}: {} ({})",
                        p.seq, p.kind, p.detail
                    ),
                },
            }
            Ok(if report.problem.is_none() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Verify(a)) => {
            let envelope = read(&a.signature)?;
            let data = a.data.as_deref().map(read).transpose()?;
            let i = inputs(&a.trust)?;
            let req = qoltanba::envelope::VerifyRequest {
                envelope: &envelope,
                data: data.as_deref(),
                at: i.at,
                policy: with_revocation(
                    &a.trust,
                    Policy {
                        usage: Usage::Sign,
                        no_revocation: a.trust.no_revocation,
                        iin: a.iin.clone(),
                        ..Default::default()
                    },
                ),
                extra: i.extra,
                crls: i.crls,
            };
            let v = qoltanba::envelope::verify(&req, &i.store);
            Ok(print_verdict(&v, a.trust.format))
        }
        Some(Command::Cert(CertCommand::Info { file, format })) => cert_cli::info(&file, format),
        Some(Command::Cert(CertCommand::Verify { cert, usage, trust })) => {
            let bytes = read(&cert)?;
            let i = inputs(&trust)?;
            let usage = match usage {
                UsageArg::Sign => Usage::Sign,
                UsageArg::Auth => Usage::Auth,
                UsageArg::Any => Usage::Any,
            };
            let policy = with_revocation(
                &trust,
                Policy {
                    usage,
                    no_revocation: trust.no_revocation,
                    iin: None,
                    ..Default::default()
                },
            );
            let v = pki::verify_certificate(&bytes, &i.store, &i.extra, &i.crls, i.at, &policy);
            Ok(print_verdict(&v, trust.format))
        }
        Some(Command::Pki(PkiCommand::Demo { out })) => {
            let summary = pki::demo::generate(&out)
                .map_err(|e| UsageError(format!("{}: {e}", out.display())))?;
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Pki(PkiCommand::DemoGost { out })) => {
            let summary = pki::demo::gost::generate(&out)
                .map_err(|e| UsageError(format!("{}: {e}", out.display())))?;
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `keys import|list|remove`: the signer key store of `QOLTANBA_DATA_DIR`.
fn serve(file: Option<&Path>) -> Result<ExitCode, UsageError> {
    let config = service_config(file)?;
    qoltanba::api::init_logging(&config.log_format);
    let rt = runtime()?;
    rt.block_on(qoltanba::api::serve(config))
        .map_err(UsageError)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("qoltanba: {msg}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks (argument ids named in `conflicts_with`
    /// and `requires` exist, no two arguments share a flag), for every
    /// subcommand, flattened argument groups included.
    #[test]
    fn command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
