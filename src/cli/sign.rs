//! `qoltanba sign`: CAdES signing with a PKCS#12 or a stored key, parallel
//! and counter-signatures, RFC 3161 time-stamps, and the two phases of
//! signing with an external device (`sign prepare`, `sign finish`).

use crate::signer_trust::SignerTrust;
use crate::signing_key::{self, KeyArgs};
use crate::{UsageError, read};
use clap::{Args, Subcommand, ValueEnum};
use qoltanba::envelope::longterm::{Level, write as longterm};
use qoltanba::envelope::sign::{self as cades, OutputFormat};
use qoltanba::envelope::twophase;
use qoltanba::keys::{KeyError, KeyOptions, LoadedKey};
use qoltanba::pki::TrustStore;
use qoltanba::pki::algorithms::Digest;
use std::path::PathBuf;
use std::process::ExitCode;

/// `sign` arguments (the one-step form) and its two-phase subcommands.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SignArgs {
    #[command(subcommand)]
    phase: Option<SignPhase>,
    /// The data to sign.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    #[command(flatten)]
    key_source: KeyArgs,
    /// Keep the data inside the envelope.
    #[arg(long)]
    attached: bool,
    /// Add a signature time-stamp (CAdES-T) from this TSA.
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "der")]
    format: Fmt,
    /// Where to write the envelope.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Add this signature to an existing envelope (a co-signature).
    #[arg(long, value_name = "FILE")]
    add_to: Option<PathBuf>,
    /// With --add-to: counter-sign a signer's signature instead.
    #[arg(long, requires = "add_to")]
    counter: bool,
    /// With --counter: which signer (1-based, in the envelope's order).
    #[arg(long, default_value_t = 1)]
    signer: usize,
    /// RSA-PSS instead of PKCS#1 v1.5.
    #[arg(long)]
    pss: bool,
    /// Hash for RSA keys: sha256 (default), sha384, sha512. GOST keys sign
    /// with their own (GOST 34.311-95 or Streebog).
    #[arg(long, value_name = "ALG")]
    digest: Option<String>,
    #[command(flatten)]
    signer_trust: SignerTrust,
    /// CAdES baseline level: B-B (default), B-T (a signature time-stamp),
    /// B-LT (and the validation data inside), B-LTA (and an archive
    /// time-stamp). B-T and up need --tsa.
    #[arg(long, value_name = "LEVEL", value_parser = level)]
    level: Option<Level>,
    /// CRLs for B-LT (default: those in the trust folder).
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
}

fn level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| "one of B-B, B-T, B-LT, B-LTA".to_string())
}

#[derive(Subcommand)]
enum SignPhase {
    /// Phase one: the bytes the signer's device must sign (JSON).
    Prepare {
        /// The data to sign.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// The signer's certificate (PEM or DER).
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
        /// The rest of the chain (PEM or DER; repeatable).
        #[arg(long, value_name = "FILE")]
        chain: Vec<PathBuf>,
        /// Keep the data inside the envelope.
        #[arg(long)]
        attached: bool,
        /// How long the prepared request stays valid, in seconds.
        #[arg(long, default_value_t = twophase::DEFAULT_TTL)]
        ttl: i64,
        /// The signer's certificate is checked before anything is prepared:
        /// a key that could not sign is refused now, not after the device signed.
        #[command(flatten)]
        signer_trust: SignerTrust,
        /// Where to write the prepared request.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Phase two: the envelope from the prepared request and the device's
    /// signature value, or a CMS the signer's own client made (verified in
    /// full against --trust / --test-trust and their CRLs).
    Finish {
        /// The prepared request.
        #[arg(long, value_name = "FILE")]
        prepared: PathBuf,
        /// The raw signature value (binary).
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "cms",
            conflicts_with = "cms"
        )]
        signature_value: Option<PathBuf>,
        /// A CMS SignedData made by the signer's client over the prepared
        /// data or its `content_digest` (DER, PEM or base64).
        #[arg(long, value_name = "FILE")]
        cms: Option<PathBuf>,
        /// With --cms: the data of a detached prepared request (needed only
        /// when the client signed without signed attributes).
        #[arg(long, value_name = "FILE", requires = "cms")]
        data: Option<PathBuf>,
        #[command(flatten)]
        signer_trust: SignerTrust,
        /// Output format.
        #[arg(long, value_enum, default_value = "der")]
        format: Fmt,
        /// Where to write the envelope.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Raises an existing signature to a CAdES level (B-T, B-LT, B-LTA); on
    /// a B-LTA signature, adds another archive time-stamp (renewal).
    Extend {
        /// The envelope.
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,
        /// The signed data, for a detached envelope and B-LTA.
        #[arg(long, value_name = "FILE")]
        data: Option<PathBuf>,
        /// The level to reach.
        #[arg(long, value_name = "LEVEL", value_parser = level)]
        level: Level,
        /// The TSA.
        #[arg(long, value_name = "URL")]
        tsa: String,
        /// Which signer (1-based, in the envelope's order).
        #[arg(long, default_value_t = 1)]
        signer: usize,
        /// CRLs for B-LT (default: those in the trust folder).
        #[arg(long, value_name = "FILE")]
        crl: Vec<PathBuf>,
        /// Trust anchors and CAs whose certificates go into the validation
        /// data (default: the trust folder).
        #[arg(long, value_name = "FILE")]
        trust: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "der")]
        format: Fmt,
        /// Where to write the envelope.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The CRL files given, or every `*.crl` of the trust folder.
fn crl_files(given: &[PathBuf]) -> Result<Vec<Vec<u8>>, UsageError> {
    if !given.is_empty() {
        return given.iter().map(|p| read(p)).collect();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(TrustStore::default_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "crl"))
        .map(|p| read(p))
        .collect()
}

/// Raises signer `index` of `envelope` to `level` with the TSA at `url`.
fn raise(
    envelope: &[u8],
    index: usize,
    level: Level,
    data: Option<&[u8]>,
    url: &str,
    store: &TrustStore,
    crls: &[Vec<u8>],
) -> Result<Vec<u8>, cades::SignEnvelopeError> {
    longterm::extend(
        envelope,
        index,
        level,
        data,
        &qoltanba::tsp::HttpTsa::default(),
        url,
        Digest::Sha256,
        &|env: &[u8]| longterm::material(env, index, store, crls),
    )
}

#[derive(Clone, Copy, ValueEnum)]
enum Fmt {
    Der,
    Pem,
    Base64,
}

impl From<Fmt> for OutputFormat {
    fn from(f: Fmt) -> Self {
        match f {
            Fmt::Der => OutputFormat::Der,
            Fmt::Pem => OutputFormat::Pem,
            Fmt::Base64 => OutputFormat::Base64,
        }
    }
}

/// A refusal with a stable code: printed, exit status 1.
fn refuse(code: &str, detail: impl std::fmt::Display) -> Result<ExitCode, UsageError> {
    eprintln!("qoltanba: {code}: {detail}");
    Ok(ExitCode::from(1))
}

/// Whether the certificate `cert` (DER), issued through `chain`, may sign at
/// `now` under `store`: as a loaded key is checked before it signs.
fn signer_usable(
    cert: &[u8],
    chain: &[Vec<u8>],
    store: &qoltanba::pki::TrustStore,
    now: i64,
) -> Result<Result<(), KeyError>, UsageError> {
    let leaf = qoltanba::pki::cert::Certificate::from_der(cert)
        .map_err(|e| UsageError(format!("--cert: not a certificate: {e}")))?;
    let mut extra = qoltanba::pki::Extra::default();
    chain.iter().for_each(|der| extra.add_der(der, "--chain"));
    Ok(qoltanba::keys::check_usable_with(&leaf, store, &extra, now))
}

fn write(path: &PathBuf, bytes: &[u8]) -> Result<(), UsageError> {
    std::fs::write(path, bytes).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

fn data_dir() -> PathBuf {
    qoltanba::config::Config::data_dir_from_env()
}

fn load_key(a: &SignArgs) -> Result<Result<LoadedKey, KeyError>, UsageError> {
    let digest = match a.digest.as_deref() {
        None | Some("sha256") => None,
        Some("sha384") => Some(Digest::Sha384),
        Some("sha512") => Some(Digest::Sha512),
        Some(other) => {
            return Err(UsageError(format!(
                "--digest {other}: one of sha256, sha384, sha512"
            )));
        }
    };
    let options = KeyOptions { digest, pss: a.pss };
    a.key_source.open(options)
}

/// The 1-based position of the signer that uses `cert` (the last such).
fn signer_index(envelope: &[u8], cert: &[u8]) -> Option<usize> {
    let c = qoltanba::pki::cert::Certificate::from_der(cert).ok()?;
    let bytes = qoltanba::input::decode_der(envelope, &["CMS"]).ok()?;
    let env = qoltanba::envelope::parse::parse(&bytes).ok()?;
    env.signers
        .iter()
        .rposition(|s| match &s.sid {
            qoltanba::envelope::parse::SignerId::IssuerSerial { serial, .. } => *serial == c.serial,
            qoltanba::envelope::parse::SignerId::KeyId(k) => c.ski.as_deref() == Some(k.as_slice()),
        })
        .map(|i| i + 1)
}

/// Runs `qoltanba sign ...`.
pub fn run(a: SignArgs) -> Result<ExitCode, UsageError> {
    match a.phase {
        Some(SignPhase::Prepare {
            data,
            cert,
            chain,
            attached,
            ttl,
            signer_trust,
            out,
        }) => {
            let cert = qoltanba::input::decode_der(&read(&cert)?, &["CERTIFICATE"])
                .map_err(|e| UsageError(format!("--cert: {e}")))?;
            let chain = chain
                .iter()
                .map(|p| {
                    qoltanba::input::decode_der(&read(p)?, &["CERTIFICATE"])
                        .map_err(|e| UsageError(format!("--chain {}: {e}", p.display())))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let now = signer_trust.now()?;
            if let Err(e) = signer_usable(&cert, &chain, &signer_trust.store(&[])?, now)? {
                return Ok(signing_key::refuse(&e));
            }
            let secret = twophase::local_secret(&data_dir()).map_err(UsageError)?;
            return match twophase::prepare(
                &read(&data)?,
                attached,
                &cert,
                &chain,
                now,
                ttl,
                &secret,
            ) {
                Ok(p) => {
                    write(&out, (qoltanba::verdict::pretty(&p) + "\n").as_bytes())?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refuse(e.code(), e),
            };
        }
        Some(SignPhase::Finish {
            prepared,
            signature_value,
            cms,
            data,
            signer_trust,
            format,
            out,
        }) => {
            let p: twophase::Prepared = serde_json::from_slice(&read(&prepared)?)
                .map_err(|e| UsageError(format!("--prepared: {e}")))?;
            let secret = twophase::local_secret(&data_dir()).map_err(UsageError)?;
            let now = signer_trust.now()?;
            let finished = match (signature_value, cms) {
                (Some(v), None) => twophase::finish(&p, &read(&v)?, now, &secret),
                (None, Some(c)) => {
                    let store = signer_trust.store(&[])?;
                    let data = data.as_deref().map(read).transpose()?;
                    twophase::finish_cms(
                        &p,
                        &read(&c)?,
                        data.as_deref(),
                        now,
                        &secret,
                        &store,
                        qoltanba::pki::Policy::default(),
                    )
                    .map(|(env, verdict)| {
                        eprintln!("{}", verdict.summary());
                        env
                    })
                }
                _ => {
                    return Err(UsageError(
                        "give exactly one of --signature-value FILE or --cms FILE".into(),
                    ));
                }
            };
            return match finished {
                Ok(env) => {
                    write(&out, &cades::encode_output(&env, format.into()))?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refuse(e.code(), e),
            };
        }
        Some(SignPhase::Extend {
            input,
            data,
            level,
            tsa,
            signer,
            crl,
            trust,
            format,
            out,
        }) => {
            let store = if trust.is_empty() {
                TrustStore::from_dir(&TrustStore::default_dir())
                    .map_err(|e| UsageError(format!("trust store: {e}")))?
            } else {
                let mut s = TrustStore::new("--trust");
                for p in &trust {
                    s.add_mixed(&read(p)?, &p.display().to_string());
                }
                s
            };
            let crls = crl_files(&crl)?;
            let data = data.as_deref().map(read).transpose()?;
            return match raise(
                &read(&input)?,
                signer,
                level,
                data.as_deref(),
                &tsa,
                &store,
                &crls,
            ) {
                Ok(env) => {
                    write(&out, &cades::encode_output(&env, format.into()))?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(cades::SignEnvelopeError::ContentMissing) => Err(UsageError(
                    "the envelope is detached: give --data FILE for B-LTA".into(),
                )),
                Err(cades::SignEnvelopeError::Tsa(e)) => refuse("TSA_FAILED", e),
                Err(e) => refuse("SIGN_FAILED", e),
            };
        }
        None => {}
    }
    let out = a
        .out
        .clone()
        .ok_or_else(|| UsageError("--out FILE is required".into()))?;
    let key = match load_key(&a)? {
        Ok(k) => k,
        Err(e) => return Ok(signing_key::refuse(&e)),
    };
    let now = a.signer_trust.now()?;
    let trust = a.signer_trust.store(&[])?;
    if let Err(e) = key.check_usable(&trust, now) {
        return Ok(signing_key::refuse(&e));
    }
    let data = a.data.as_deref().map(read).transpose()?;
    let signed = match (&a.add_to, a.counter) {
        (None, _) => {
            let data = data
                .as_deref()
                .ok_or_else(|| UsageError("--data FILE is required".into()))?;
            cades::sign(data, a.attached, &key, &key.cert_der, &key.chain_der, now)
        }
        (Some(existing), false) => cades::add_signer(
            &read(existing)?,
            data.as_deref(),
            &key,
            &key.cert_der,
            &key.chain_der,
            now,
        ),
        (Some(existing), true) => cades::counter_sign(
            &read(existing)?,
            a.signer,
            &key,
            &key.cert_der,
            &key.chain_der,
            now,
        ),
    };
    let mut envelope = match signed {
        Ok(e) => e,
        Err(cades::SignEnvelopeError::ContentMissing) => {
            return Err(UsageError(
                "the envelope is detached: give --data FILE".into(),
            ));
        }
        Err(e) => return refuse("SIGN_FAILED", e),
    };
    let wanted = a.level.unwrap_or(if a.tsa.is_some() {
        Level::BT
    } else {
        Level::BB
    });
    if wanted > Level::BB && a.tsa.is_none() {
        return Err(UsageError(format!(
            "--level {} needs --tsa URL",
            wanted.name()
        )));
    }
    if wanted > Level::BT {
        if a.counter {
            return Err(UsageError(
                "--level raises a signature, not a counter-signature".into(),
            ));
        }
        let index = signer_index(&envelope, &key.cert_der).unwrap_or(1);
        let crls = crl_files(&a.crl)?;
        let url = a.tsa.as_deref().unwrap_or_default();
        envelope = match raise(
            &envelope,
            index,
            wanted,
            data.as_deref(),
            url,
            &trust,
            &crls,
        ) {
            Ok(e) => e,
            Err(cades::SignEnvelopeError::Tsa(e)) => return refuse("TSA_FAILED", e),
            Err(e) => return refuse("SIGN_FAILED", e),
        };
    } else if let Some(url) = &a.tsa {
        if a.counter {
            return Err(UsageError(
                "--tsa stamps a signature, not a counter-signature".into(),
            ));
        }
        let index = signer_index(&envelope, &key.cert_der).unwrap_or(1);
        envelope = match cades::add_signature_timestamp(
            &envelope,
            index,
            &qoltanba::tsp::HttpTsa::default(),
            url,
        ) {
            Ok(e) => e,
            Err(e) => return refuse("TSA_FAILED", e),
        };
    }
    write(&out, &cades::encode_output(&envelope, a.format.into()))?;
    Ok(ExitCode::SUCCESS)
}
