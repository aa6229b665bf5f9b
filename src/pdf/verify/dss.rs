//! The DSS (document security store) as validation data: its certificates
//! join the path building, its CRLs and OCSP responses the revocation data.

use crate::pdf::PdfError;
use crate::pdf::xref::{Entry, PdfFile};
use crate::pki::Extra;
use crate::pki::cert::Certificate;
use crate::pki::revocation::RevocationStore;
use lopdf::Object;
use serde_json::{Value, json};
use std::sync::Arc;

/// Adds the DSS's certificates, CRLs and OCSP responses; returns how many of each.
pub(super) fn read_dss(
    file: &PdfFile<'_>,
    catalog: &lopdf::Dictionary,
    rev: usize,
    extra: &mut Extra,
    crls: &mut RevocationStore,
) -> Result<Value, PdfError> {
    let Ok(d) = catalog.get(b"DSS") else {
        return Ok(Value::Null);
    };
    let Object::Dictionary(dss) = file.resolve(d, rev)? else {
        return Ok(Value::Null);
    };
    let mut counts = json!({});
    for key in [&b"Certs"[..], b"CRLs", b"OCSPs"] {
        let items = match dss.get(key) {
            Ok(o) => match file.resolve(o, rev)? {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        let mut n = 0;
        for (i, it) in items.iter().take(1000).enumerate() {
            let Object::Reference(id) = it else { continue };
            let Some((_, Entry::InFile { offset, .. })) = file.lookup(id.0, rev) else {
                continue;
            };
            let ind = file.indirect_at(offset)?;
            let Ok(data) = file.stream_data(offset, &ind, Some(4 * 1024 * 1024)) else {
                continue;
            };
            match key {
                b"Certs" => {
                    if let Ok(c) = Certificate::from_der(&data)
                        && !extra.certs.iter().any(|x| x.fingerprint == c.fingerprint)
                    {
                        extra.certs.push(Arc::new(c));
                        n += 1;
                    }
                }
                b"CRLs" => {
                    crls.add_bytes(&data, &format!("DSS CRL #{}", i + 1));
                    n += 1;
                }
                _ => {
                    crls.add_ocsp(&data, &format!("DSS OCSP #{}", i + 1));
                    n += 1;
                }
            }
        }
        counts[String::from_utf8_lossy(key).to_lowercase()] = json!(n);
    }
    Ok(counts)
}
