//! `qoltanba xml verify` and `qoltanba xml sign`: XML request documents
//! (enveloped XMLDSig, as NCALayer's signXml makes them) and WS-Security
//! messages of the e-government gateway.

use crate::signer_trust::SignerTrust;
use crate::signing_key::{self, KeyArgs};
use crate::{
    Format, TrustArgs, UsageArg, UsageError, inputs, print_verdict, read, with_revocation,
};
use clap::{Args, Subcommand};
use qoltanba::keys::{KeyError, KeyOptions, LoadedKey};
use qoltanba::pki::{Policy, Usage};
use qoltanba::xmldsig::{self, WsseOptions, XmlVerifyRequest};
use std::path::PathBuf;
use std::process::ExitCode;

/// `xml` subcommands.
#[derive(Subcommand)]
pub enum XmlCommand {
    /// Verify a signed XML document or WS-Security message (condition 2):
    /// the same verdicts, codes and exit statuses as `verify`.
    Verify(VerifyArgs),
    /// Sign an XML document (enveloped XMLDSig, exclusive C14N) or, with
    /// --wsse, a SOAP message with WS-Security for the gateway.
    Sign(SignArgs),
}

/// `xml verify` arguments.
#[derive(Args)]
pub struct VerifyArgs {
    /// The signed XML (UTF-8).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The IIN stated in the request: turns the IIN checks on.
    #[arg(long, value_name = "IIN")]
    iin: Option<String>,
    /// The element of the service's schema that holds the applicant's IIN
    /// (local name, e.g. `iin`): the IIN check also compares its text.
    #[arg(long, value_name = "NAME")]
    iin_element: Option<String>,
    /// Required key usage: sign (nonRepudiation, the default), auth (a
    /// login signed with an authentication key) or any.
    #[arg(long, value_enum, default_value = "sign")]
    usage: UsageArg,
    /// Write the exact bytes the signature covers (the canonical signed
    /// content of every reference, in order) to this file.
    #[arg(long, value_name = "FILE")]
    signed_out: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
}

/// `xml sign` arguments.
#[derive(Args)]
pub struct SignArgs {
    /// The XML to sign.
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    #[command(flatten)]
    key_source: KeyArgs,
    /// Sign a SOAP message with WS-Security (the Body, by wsu:Id; the
    /// certificate in a wsse:KeyIdentifier), as the gateway takes it.
    #[arg(long)]
    wsse: bool,
    /// With --wsse: add a wsu:Timestamp valid this many seconds, and sign it.
    #[arg(long, value_name = "SECONDS", requires = "wsse")]
    timestamp_ttl: Option<i64>,
    #[command(flatten)]
    signer_trust: SignerTrust,
    /// Where to write the signed XML.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `qoltanba xml ...`.
pub fn run(cmd: XmlCommand) -> Result<ExitCode, UsageError> {
    match cmd {
        XmlCommand::Verify(a) => verify(a),
        XmlCommand::Sign(a) => sign(a),
    }
}

fn verify(a: VerifyArgs) -> Result<ExitCode, UsageError> {
    let xml = read(&a.file)?;
    let i = inputs(&a.trust)?;
    let usage = match a.usage {
        UsageArg::Sign => Usage::Sign,
        UsageArg::Auth => Usage::Auth,
        UsageArg::Any => Usage::Any,
    };
    let req = XmlVerifyRequest {
        xml: &xml,
        at: i.at,
        policy: with_revocation(
            &a.trust,
            Policy {
                usage,
                no_revocation: a.trust.no_revocation,
                iin: a.iin.clone(),
                ..Default::default()
            },
        ),
        extra: i.extra,
        crls: i.crls,
        iin_element: a.iin_element.clone(),
    };
    let v = xmldsig::verify(&req, &i.store);
    if let Some(out) = &a.signed_out {
        let bytes: Vec<u8> = v
            .signed
            .iter()
            .flat_map(|s| s.bytes.iter().copied())
            .collect();
        std::fs::write(out, bytes).map_err(|e| UsageError(format!("{}: {e}", out.display())))?;
    }
    if a.trust.format == Format::Text {
        for s in &v.signed {
            println!(
                "signed: {} ({} bytes, signature #{})",
                s.path,
                s.bytes.len(),
                s.signature
            );
        }
    }
    Ok(print_verdict(&v.verdict, a.trust.format))
}

fn load_key(a: &SignArgs) -> Result<Result<LoadedKey, KeyError>, UsageError> {
    a.key_source.open(KeyOptions::default())
}

/// A fresh token for the message's IDs (16 random bytes, hex).
fn fresh_id() -> Result<String, UsageError> {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| UsageError("no random source".into()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn sign(a: SignArgs) -> Result<ExitCode, UsageError> {
    let refuse = |code: &str, detail: &dyn std::fmt::Display| {
        eprintln!("qoltanba: {code}: {detail}");
        Ok(ExitCode::from(1))
    };
    let xml = read(&a.input)?;
    let key = match load_key(&a)? {
        Ok(k) => k,
        Err(e) => return Ok(signing_key::refuse(&e)),
    };
    let now = a.signer_trust.now()?;
    let trust = a.signer_trust.store(&[])?;
    if let Err(e) = key.check_usable(&trust, now) {
        return Ok(signing_key::refuse(&e));
    }
    let signed = if a.wsse {
        let opts = WsseOptions {
            now,
            timestamp_ttl: a.timestamp_ttl,
            id: fresh_id()?,
        };
        xmldsig::sign_wsse(&xml, &key, &key.cert_der, &opts)
    } else {
        xmldsig::sign_enveloped(&xml, &key, &key.cert_der)
    };
    match signed {
        Ok(out) => {
            std::fs::write(&a.out, out)
                .map_err(|e| UsageError(format!("{}: {e}", a.out.display())))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refuse("SIGN_FAILED", &e),
    }
}
