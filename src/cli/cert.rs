//! `qoltanba cert info`: what a certificate file says, every certificate of
//! it (a PEM bundle, such as the certificates of a PKCS#12 exported with its
//! chain, is described certificate by certificate).

use crate::{Format, UsageError, read};
use qoltanba::pki::{self, cert::Certificate};
use std::path::Path;
use std::process::ExitCode;

/// Describes every certificate in `file`; exit 1 when one cannot be read.
pub fn info(file: &Path, format: Format) -> Result<ExitCode, UsageError> {
    let bytes = read(file)?;
    let ders = qoltanba::input::decode_all(&bytes, &["CERTIFICATE", "TRUSTED CERTIFICATE"])
        .map_err(|e| e.to_string());
    let parsed: Vec<Result<Certificate, String>> = match ders {
        Ok(d) if !d.is_empty() => d
            .iter()
            .map(|der| Certificate::from_der(der).map_err(|e| e.to_string()))
            .collect(),
        Ok(_) => vec![Err("no certificate in the file".into())],
        Err(e) => vec![Err(e)],
    };
    let total = parsed.len();
    let failed = parsed.iter().any(|c| c.is_err());
    let described: Vec<serde_json::Value> = parsed
        .iter()
        .map(|c| match c {
            Ok(c) => serde_json::Value::clone(&pki::describe(c)),
            Err(e) => serde_json::json!({
                "code": "CERT_MALFORMED",
                "message": qoltanba::verdict::Code::CertMalformed.message(),
                "detail": e,
            }),
        })
        .collect();
    match format {
        // One certificate: its description; several: an array, in file order.
        Format::Json if total == 1 => println!("{}", qoltanba::verdict::pretty(&described[0])),
        Format::Json => println!(
            "{}",
            qoltanba::verdict::pretty(&serde_json::Value::Array(described))
        ),
        Format::Text => {
            for (i, (c, d)) in parsed.iter().zip(&described).enumerate() {
                if total > 1 {
                    println!("--- certificate {} of {total}", i + 1);
                }
                match c {
                    Ok(_) => print!("{}", pki::describe_text(d)),
                    Err(e) => println!("CERT_MALFORMED: {e}"),
                }
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
