//! `qoltanba report FILE`: the validation report of a signed file (a PDF,
//! a CMS envelope with or without `--data`, a signed XML) as a PDF sealed
//! with the service's key, the ETSI TS 119 102-2 XML report, or the JSON
//! verdict: what `POST /v1/reports` and `/check` give, from the command line.

use crate::{UsageError, read};
use clap::Args;
use qoltanba::keys::KeyStore;
use qoltanba::pki::TrustStore;
use qoltanba::web::report::{self, ReportFormat, Seal};
use qoltanba::web::{Lang, check};
use std::path::PathBuf;
use std::process::ExitCode;

/// `report` arguments.
#[derive(Args)]
pub struct ReportArgs {
    /// The signed file: a PDF, a CMS SignedData (DER, PEM or base64) or a signed XML.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The signed data of a detached CMS signature.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// pdf (sealed), etsi-xml (ETSI TS 119 102-2) or json.
    #[arg(long, value_parser = ["pdf", "etsi-xml", "json"])]
    format: String,
    /// The PDF report's language: kk, ru or en.
    #[arg(long, default_value = "kk", value_parser = ["kk", "ru", "en"])]
    lang: String,
    /// Where to write the report.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The seal key's id in the key store (QOLTANBA_DATA_DIR) for a PDF
    /// report; default QOLTANBA_SEAL_KEY_ID.
    #[arg(long, value_name = "ID")]
    seal_key: Option<String>,
    /// Trust anchors (PEM/DER) instead of the configured trust store.
    #[arg(long, value_name = "FILE")]
    trust: Vec<PathBuf>,
    /// CRLs (DER or PEM, base and delta) besides those of the trust store.
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
}

/// Makes the report; the exit status is the verdict's (0 passed, 1 failed, 3 indeterminate).
pub fn run(a: ReportArgs) -> Result<ExitCode, UsageError> {
    let file = read(&a.file)?;
    let data = a.data.as_deref().map(read).transpose()?;
    let format = ReportFormat::parse(&a.format)
        .ok_or_else(|| UsageError("--format: pdf, etsi-xml or json".into()))?;
    let lang = Lang::parse(&a.lang).unwrap_or_default();
    let at = match &a.at {
        Some(s) => {
            qoltanba::time::parse_rfc3339(s).map_err(|e| UsageError(format!("--at: {e}")))?
        }
        None => qoltanba::time::now(),
    };
    let mut store = if a.trust.is_empty() {
        let dir = TrustStore::default_dir();
        TrustStore::from_dir(&dir)
            .map_err(|e| UsageError(format!("trust store {}: {e}", dir.display())))?
    } else {
        let mut s = TrustStore::new("--trust");
        for p in &a.trust {
            s.add_anchors(&read(p)?, &p.display().to_string())
                .map_err(|e| UsageError(format!("{}: {e}", p.display())))?;
        }
        s
    };
    for p in &a.crl {
        store
            .revocation
            .add_bytes(&read(p)?, &p.display().to_string());
    }
    let seal_id = a
        .seal_key
        .clone()
        .or_else(|| std::env::var("QOLTANBA_SEAL_KEY_ID").ok())
        .filter(|s| !s.is_empty());
    let key = match (format, seal_id) {
        (ReportFormat::Pdf, Some(id)) => {
            let master = std::env::var("QOLTANBA_MASTER_KEY_FILE")
                .ok()
                .filter(|s| !s.is_empty())
                .map(PathBuf::from);
            let keys = KeyStore::open(
                &qoltanba::config::Config::data_dir_from_env(),
                master.as_deref(),
            )
            .map_err(|e| UsageError(format!("key store: {e}")))?;
            Some(
                keys.load(&id)
                    .map_err(|e| UsageError(format!("seal key {id}: {e}")))?,
            )
        }
        _ => None,
    };
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let c = check::check(
        &check::Upload {
            name: &name,
            file: &file,
            data: data.as_deref(),
        },
        &store,
        at,
    );
    let seal = key.as_ref().map(|k| Seal {
        signer: k,
        cert: &k.cert_der,
        chain: &k.chain_der,
    });
    let bytes =
        report::build(&c, format, lang, seal.as_ref()).map_err(|e| UsageError(e.to_string()))?;
    std::fs::write(&a.out, bytes).map_err(|e| UsageError(format!("{}: {e}", a.out.display())))?;
    println!(
        "{} {}: {} -> {}",
        c.indication.as_str(),
        c.code,
        c.message().en,
        a.out.display()
    );
    Ok(ExitCode::from(c.indication.exit_code() as u8))
}
