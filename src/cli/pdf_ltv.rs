//! `qoltanba pdf sign --ltv` (its B-LTA part) and `qoltanba pdf renew`: the
//! binary's long-term PDF commands (compiled into `main.rs`): gather the
//! validation data (CRL files, recorded OCSP responses), call
//! `qoltanba::pdf::ltv`, print.

use super::{Format, TrustArgs, UsageError, inputs, read};
use clap::Args;
use qoltanba::pdf::{self, PdfError};
use qoltanba::pki::TrustStore;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct RenewArgs {
    /// The B-LTA PDF to renew.
    file: PathBuf,
    /// The time-stamp authority (RFC 3161) for the new document time-stamp.
    #[arg(long, value_name = "URL")]
    tsa: String,
    /// The renewed PDF (a new file; the input stays a prefix of it).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Renew even when the last document time-stamp's TSA certificate has
    /// expired (the chain of proofs is then broken: reported, not hidden).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    trust: TrustArgs,
}

/// CRL files: those given, else those of the trust folder.
pub fn crl_files(given: &[PathBuf], dir: &Path) -> Result<Vec<Vec<u8>>, UsageError> {
    let mut crls = Vec::new();
    if given.is_empty() {
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut files: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for p in files
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "crl"))
            {
                crls.push(read(p)?);
            }
        }
    } else {
        for p in given {
            crls.push(read(p)?);
        }
    }
    Ok(crls)
}

/// After `pdf sign --ltv`: the DSS revision for every signature and
/// time-stamp of `out`, then a document time-stamp when a TSA is given.
pub fn extend_signed(
    out: &Path,
    store: &TrustStore,
    crls: &[Vec<u8>],
    ocsps: &[Vec<u8>],
    time: i64,
    tsa: Option<&str>,
) -> Result<pdf::ltv::Extended, PdfError> {
    let src =
        qoltanba::pdf::xref::FileSource::open(out).map_err(|e| PdfError::Io(e.to_string()))?;
    let data = pdf::ltv::material(&src, store, crls, ocsps)?;
    drop(src);
    let transport = qoltanba::tsp::HttpTsa::default();
    pdf::ltv::extend_file(
        out,
        &data,
        time,
        tsa.map(|u| (&transport as &dyn qoltanba::tsp::TsaTransport, u)),
    )
}

/// `pdf renew`.
pub fn renew(a: &RenewArgs) -> Result<ExitCode, UsageError> {
    if a.file == a.out {
        return Err(UsageError("--out must differ from FILE".into()));
    }
    let i = inputs(&a.trust)?;
    let crls = crl_files(&a.trust.crl, &TrustStore::default_dir())?;
    let bytes = read(&a.file)?;
    let last = match pdf::ltv::last_proof(&bytes.as_slice()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "qoltanba: PDF_MALFORMED: {}: {e}; give a signed PDF (made with `pdf sign --ltv`)",
                a.file.display()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let Some(last) = last else {
        eprintln!(
            "qoltanba: PDF_NOT_SIGNED: {}: no signature or time-stamp to renew; sign it first",
            a.file.display()
        );
        return Ok(ExitCode::from(1));
    };
    if let Some(exp) = last.tsa_not_after
        && exp <= i.at
        && !a.force
    {
        eprintln!(
            "qoltanba: LTV_RENEWAL_TOO_LATE: the last time-stamp's TSA certificate expired at {}; \
             a renewal now proves nothing about the earlier proofs (--force to add one anyway)",
            qoltanba::time::rfc3339(exp)
        );
        return Ok(ExitCode::from(1));
    }
    let data = match pdf::ltv::renewal_material(&bytes.as_slice(), &i.store, &crls, &[]) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("qoltanba: PDF_MALFORMED: {}: {e}", a.file.display());
            return Ok(ExitCode::from(1));
        }
    };
    let tmp = a.out.with_extension("partial");
    std::fs::write(&tmp, &bytes).map_err(|e| UsageError(format!("{}: {e}", tmp.display())))?;
    let transport = qoltanba::tsp::HttpTsa::default();
    let r = pdf::ltv::extend_file(&tmp, &data, i.at, Some((&transport, a.tsa.as_str())));
    match r {
        Ok(ext) => {
            std::fs::rename(&tmp, &a.out)
                .map_err(|e| UsageError(format!("{}: {e}", a.out.display())))?;
            let out = serde_json::json!({
                "file": a.out.display().to_string(),
                "renewed": last.kind,
                "previous_time": last.time.map(qoltanba::time::rfc3339),
                "previous_tsa_expiry": last.tsa_not_after.map(qoltanba::time::rfc3339),
                "dss": ext.dss,
                "doc_timestamp": ext.doc_timestamp,
                "length": ext.length,
            });
            match a.trust.format {
                Format::Json => println!("{}", qoltanba::verdict::pretty(&out)),
                Format::Text => println!(
                    "renewed {}: validation data ({} certificates, {} CRLs) and a document time-stamp at {}",
                    a.out.display(),
                    ext.dss.certs,
                    ext.dss.crls,
                    ext.doc_timestamp.as_deref().unwrap_or("?")
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            let code = match e {
                PdfError::Tsa(_) => "TSA_UNAVAILABLE",
                PdfError::Encrypted => "PDF_ENCRYPTED",
                _ => "PDF_MALFORMED",
            };
            eprintln!(
                "qoltanba: {code}: {}: {e}; nothing was written",
                a.file.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}
