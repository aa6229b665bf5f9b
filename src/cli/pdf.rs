//! `qoltanba pdf render|sign|verify`: the binary's PDF subcommands (compiled
//! into `main.rs`, not the library): parse arguments, call `qoltanba::pdf`,
//! print.

use super::signing_key::KeyArgs;
use super::{Format, TrustArgs, UsageError, inputs, read, with_revocation};
use clap::{Args, Subcommand};
use qoltanba::keys::KeyOptions;
use qoltanba::pdf::{self, SignOptions, StampPlacement};
use qoltanba::pki::ocsp::{HttpTransport, OcspClient, RecordingTransport};
use qoltanba::pki::signer::Signer;
use qoltanba::pki::{Policy, RevocationMode, TrustStore, Usage};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum PdfCommand {
    /// Render a result notification or reasoned refusal from JSON (A4, PDF/A-2b).
    Render {
        /// The result's description (JSON; see testdata/pdfs/result-*.json).
        #[arg(long, value_name = "RESULT.json")]
        input: PathBuf,
        /// Languages, in order: kk, ru or kk,ru.
        #[arg(long, value_name = "LANGS", default_value = "kk,ru")]
        lang: String,
        /// Output file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Sign a PDF (PAdES, an incremental update; the original bytes stay a prefix).
    Sign(Box<SignArgs>),
    /// Renew a B-LTA PDF's proofs: a new DSS revision (validation data for
    /// the last document time-stamp's TSA chain) and a new document
    /// time-stamp, before the last one's TSA certificate expires.
    Renew(Box<super::pdf_ltv_cli::RenewArgs>),
    /// Verify every signature of a PDF and what changed after each.
    Verify {
        /// The PDF.
        file: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

#[derive(Args)]
pub struct SignArgs {
    /// The PDF to sign.
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    /// The signed PDF (a new file).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    key_source: KeyArgs,
    /// A PKCS#8 key (PEM or DER: RSA, ECDSA or GOST), for tests; needs --cert.
    #[arg(long, value_name = "FILE", hide = true, requires = "cert", conflicts_with_all = ["p12", "key_id"])]
    key: Option<PathBuf>,
    /// The signer certificate for --key.
    #[arg(long, value_name = "FILE", hide = true)]
    cert: Option<PathBuf>,
    /// Issuer certificates for --key.
    #[arg(long, value_name = "FILE", hide = true)]
    chain: Vec<PathBuf>,
    /// Draw the officer's stamp (name, position, organisation, BIN, serial, time, QR).
    #[arg(long)]
    stamp: bool,
    /// The stamp's page (from 1; default the last).
    #[arg(long, value_name = "N")]
    page: Option<usize>,
    /// The stamp's rectangle in points (default: the page's bottom, above other stamps).
    #[arg(long, value_name = "X1,Y1,X2,Y2")]
    rect: Option<String>,
    /// The signature field's name (an unsigned field of this name is signed).
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    /// /Reason.
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// /Location.
    #[arg(long, value_name = "TEXT")]
    location: Option<String>,
    /// The officer's position, Kazakh then Russian (default: by the certificate's role).
    #[arg(long, value_name = "KK/RU")]
    position: Option<String>,
    /// The document id in the verification URL (default: the one `pdf render` wrote).
    #[arg(long, value_name = "ID")]
    doc_id: Option<String>,
    /// A time-stamp authority (RFC 3161): PAdES B-T.
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// Long-term: after the signature, a revision with the DSS (the chains
    /// of the signer and of the TSA, CRLs, the OCSP responses the signer
    /// check used (see --revocation), `/VRI`): PAdES B-LT; with --tsa, then
    /// a document time-stamp: PAdES B-LTA.
    #[arg(long)]
    ltv: bool,
    /// Which sources decide revocation in the signer check: crl, ocsp, both
    /// or any (as `verify`); with --ltv the OCSP responses it believed go
    /// into the DSS.
    #[arg(long, value_name = "MODE", default_value = "crl", value_parser = super::revocation_mode)]
    revocation: RevocationMode,
    /// OCSP responder URL, instead of the certificates' own (authorityInfoAccess).
    #[arg(long, value_name = "URL")]
    ocsp: Option<String>,
    /// CRLs deciding the signer's revocation status and embedded by --ltv
    /// (default: those in the trust folder).
    #[arg(long, value_name = "FILE", visible_alias = "signer-crl")]
    crl: Vec<PathBuf>,
    /// A certification signature (DocMDP P=2: form filling and signatures allowed).
    #[arg(long)]
    certify: bool,
    /// Create an empty signature field for a later signer (above this stamp).
    #[arg(long, value_name = "NAME")]
    add_field: Vec<String>,
    /// The signing time (RFC 3339; default now), for reproducible tests.
    #[arg(long, value_name = "RFC3339", hide = true)]
    time: Option<String>,
    /// Trust anchors the signer's certificate must chain to (default: the
    /// configured store); the --crl files decide its revocation status.
    #[arg(long, value_name = "FILE")]
    trust: Vec<PathBuf>,
    /// Trust anchors of a test PKI (such as the NCA's test CA), as --trust.
    #[arg(long, value_name = "FILE")]
    test_trust: Vec<PathBuf>,
    /// Sign even when the certificate is expired, revoked or untrusted (test vectors).
    #[arg(long, hide = true)]
    allow_unusable: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

fn pem_or_der(bytes: &[u8], labels: &[&str]) -> Result<Vec<Vec<u8>>, UsageError> {
    qoltanba::input::decode_all(bytes, labels).map_err(|e| UsageError(e.to_string()))
}

struct Key {
    signer: Box<dyn Signer>,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

fn load_key(a: &SignArgs) -> Result<Result<Key, qoltanba::keys::KeyError>, UsageError> {
    if a.key_source.given() {
        return Ok(a.key_source.open(KeyOptions::default())?.map(|k| Key {
            cert: k.cert_der.clone(),
            chain: k.chain_der.clone(),
            signer: Box::new(k),
        }));
    }
    let (Some(key), Some(cert)) = (&a.key, &a.cert) else {
        return Err(UsageError("give --p12 FILE or --key-id ID".into()));
    };
    let pkcs8 = pem_or_der(&read(key)?, &["PRIVATE KEY"])?
        .into_iter()
        .next()
        .ok_or_else(|| UsageError("--key: no key".into()))?;
    // RSA, ECDSA or GOST (the demo GOST keys are PKCS#8 too).
    let signer = qoltanba::pki::signer::from_pkcs8_any(&pkcs8)
        .map_err(|e| UsageError(format!("--key: {e}")))?;
    let cert = pem_or_der(&read(cert)?, &["CERTIFICATE"])?
        .into_iter()
        .next()
        .ok_or_else(|| UsageError("--cert: no certificate".into()))?;
    let mut chain = Vec::new();
    for c in &a.chain {
        chain.extend(pem_or_der(&read(c)?, &["CERTIFICATE"])?);
    }
    Ok(Ok(Key {
        signer,
        cert,
        chain,
    }))
}

fn parse_rect(s: &str) -> Result<[f32; 4], UsageError> {
    let v: Vec<f32> = s
        .split(',')
        .map(|x| x.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| UsageError(format!("--rect {s}: four numbers X1,Y1,X2,Y2")))?;
    match v.as_slice() {
        [a, b, c, d] if v.iter().all(|x| x.is_finite()) => Ok([*a, *b, *c, *d]),
        _ => Err(UsageError(format!("--rect {s}: four numbers X1,Y1,X2,Y2"))),
    }
}

pub fn run(cmd: PdfCommand) -> Result<ExitCode, UsageError> {
    match cmd {
        PdfCommand::Render { input, lang, out } => {
            let langs = pdf::Lang::parse_list(&lang)
                .ok_or_else(|| UsageError(format!("--lang {lang}: kk, ru or kk,ru")))?;
            let doc = pdf::ResultDoc::from_json(&read(&input)?)
                .map_err(|e| UsageError(format!("{}: {e}", input.display())))?;
            let bytes = pdf::render(&doc, &langs, qoltanba::time::now())
                .map_err(|e| UsageError(e.to_string()))?;
            std::fs::write(&out, bytes)
                .map_err(|e| UsageError(format!("{}: {e}", out.display())))?;
            Ok(ExitCode::SUCCESS)
        }
        PdfCommand::Sign(a) => sign(&a),
        PdfCommand::Renew(a) => super::pdf_ltv_cli::renew(&a),
        PdfCommand::Verify { file, trust } => {
            let i = inputs(&trust)?;
            let req = pdf::verify::PdfVerifyRequest {
                at: i.at,
                policy: with_revocation(
                    &trust,
                    Policy {
                        usage: Usage::Sign,
                        no_revocation: trust.no_revocation,
                        ..Default::default()
                    },
                ),
                extra: i.extra,
                crls: i.crls,
            };
            let report = pdf::verify_file(&file, &i.store, &req)
                .map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
            match trust.format {
                Format::Json => println!("{}", qoltanba::verdict::pretty(&report)),
                Format::Text => print!("{}", report.to_text()),
            }
            Ok(ExitCode::from(report.exit_code() as u8))
        }
    }
}

fn sign(a: &SignArgs) -> Result<ExitCode, UsageError> {
    if a.input == a.out {
        return Err(UsageError("--out must differ from --in".into()));
    }
    let now = match &a.time {
        Some(t) => {
            qoltanba::time::parse_rfc3339(t).map_err(|e| UsageError(format!("--time: {e}")))?
        }
        None => qoltanba::time::now(),
    };
    let key = match load_key(a)? {
        Ok(k) => k,
        Err(e) => return Ok(crate::signing_key::refuse(&e)),
    };
    let dir = TrustStore::default_dir();
    let crl_bytes = a
        .crl
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let store = crate::signer_trust::SignerTrust {
        trust: a.trust.clone(),
        test_trust: a.test_trust.clone(),
        ..Default::default()
    }
    .store(&crl_bytes)?;
    // The OCSP responses the signer check believes are kept for the DSS.
    let recorder = Arc::new(RecordingTransport::new(Arc::new(HttpTransport::default())));
    if !a.allow_unusable {
        let cert = qoltanba::pki::cert::Certificate::from_der(&key.cert)
            .map_err(|e| UsageError(format!("signer certificate: {e}")))?;
        let extra = qoltanba::pki::Extra {
            certs: key
                .chain
                .iter()
                .filter_map(|d| {
                    qoltanba::pki::cert::Certificate::from_der(d)
                        .ok()
                        .map(std::sync::Arc::new)
                })
                .collect(),
            rejected_certs: Vec::new(),
        };
        let loaded_check = qoltanba::pki::validate(
            &std::sync::Arc::new(cert),
            &store,
            &extra,
            &store.revocation,
            now,
            &Policy {
                usage: Usage::Sign,
                revocation: a.revocation,
                ocsp_url: a.ocsp.clone(),
                ocsp: (a.revocation != RevocationMode::Crl)
                    .then(|| Arc::new(OcspClient::new(recorder.clone()))),
                ..Default::default()
            },
        );
        if let Some(c) = loaded_check.checks.iter().find(|c| c.code.is_some()) {
            eprintln!(
                "qoltanba: the signer certificate may not sign now: {:?} ({})",
                c.code.unwrap_or(qoltanba::verdict::Code::Ok),
                c.detail
            );
            return Ok(ExitCode::from(1));
        }
    }
    let stamp = if a.stamp {
        let mut text = pdf::stamp::text_from_certificate(&key.cert, now)
            .map_err(|e| UsageError(e.to_string()))?;
        if let Some(p) = &a.position {
            let (kk, ru) = p.split_once('/').unwrap_or((p, p));
            text.position_kk = kk.trim().to_string();
            text.position_ru = ru.trim().to_string();
        }
        Some(StampPlacement {
            page: a.page,
            rect: a.rect.as_deref().map(parse_rect).transpose()?,
            text,
        })
    } else {
        if a.page.is_some() || a.rect.is_some() {
            return Err(UsageError("--page and --rect need --stamp".into()));
        }
        None
    };
    // --ltv: the validation data goes into a revision of its own after the
    // signature, then a document time-stamp (B-LTA), see `pdf_ltv_cli`.
    let crls = if a.ltv {
        super::pdf_ltv_cli::crl_files(&a.crl, &dir)?
    } else {
        Vec::new()
    };
    let transport = qoltanba::tsp::HttpTsa::default();
    let opts = SignOptions {
        field: a.field.clone(),
        reason: a.reason.clone(),
        location: a.location.clone(),
        stamp,
        document_id: a.doc_id.clone(),
        certify: a.certify,
        tsa: a
            .tsa
            .as_ref()
            .map(|u| (&transport as &dyn qoltanba::tsp::TsaTransport, u.clone())),
        add_fields: a.add_field.clone(),
        ..SignOptions::new(
            key.signer.as_ref(),
            &key.cert,
            &key.chain,
            now,
            std::env::var("QOLTANBA_PUBLIC_URL")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "http://127.0.0.1:8080/verify".into()),
        )
    };
    let signed = pdf::sign_file(&a.input, &a.out, &opts).and_then(|o| {
        if !a.ltv {
            return Ok((o, None));
        }
        let ocsps = recorder.responses();
        super::pdf_ltv_cli::extend_signed(&a.out, &store, &crls, &ocsps, now, a.tsa.as_deref())
            .map(|e| (o, Some(e)))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&a.out);
            })
    });
    match signed {
        Ok((o, ext)) => {
            let level = match (&ext, o.timestamped) {
                (Some(e), _) if e.doc_timestamp.is_some() => "B-LTA",
                (Some(_), _) => "B-LT",
                (None, true) => "B-T",
                (None, false) => "B-B",
            };
            match a.format {
                Format::Json => {
                    let mut v = serde_json::to_value(&o).unwrap_or_default();
                    v["level"] = serde_json::json!(level);
                    if let Some(e) = &ext {
                        v["ltv"] = serde_json::to_value(e).unwrap_or_default();
                    }
                    println!("{}", qoltanba::verdict::pretty(&v))
                }
                Format::Text => println!(
                    "signed {} (PAdES {level}, field {:?}, ByteRange {:?}{}); verify at {}",
                    a.out.display(),
                    o.field,
                    o.byte_range,
                    if o.timestamped { ", time-stamped" } else { "" },
                    o.url
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (pdf::PdfError::Io(_) | pdf::PdfError::Input(_))) => {
            Err(UsageError(format!("{}: {e}", a.input.display())))
        }
        Err(e) => {
            eprintln!("qoltanba: {}: {e}", a.input.display());
            Ok(ExitCode::from(1))
        }
    }
}
