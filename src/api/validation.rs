//! What every validating request (`/v1/verify`, `/v1/xml/verify`,
//! `/v1/certificates/verify`) may say about how to validate, read once:
//! the time, extra certificates and CRLs, and the revocation policy.

use super::AppState;
use super::json::b64;
use super::problem::ApiError;
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, Usage};
use crate::verdict::problem::ProblemCode;
use serde::Deserialize;
use utoipa::ToSchema;

/// Most extra certificates or CRLs in one request.
pub const MAX_EXTRA: usize = 32;

/// How to validate, as a request says it (flattened into each body, whose
/// unknown fields are still refused).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ValidationOptions {
    /// Validation time, RFC 3339 (default: now).
    pub at: Option<String>,
    /// Extra untrusted certificates, base64 DER.
    pub certs: Option<Vec<String>>,
    /// Extra CRLs, base64 DER.
    pub crls: Option<Vec<String>>,
    /// Skip revocation checking (reported in the verdict's policy).
    pub no_revocation: Option<bool>,
    /// Which sources decide revocation: crl (default), ocsp, both, any.
    #[schema(value_type = Option<String>)]
    pub revocation: Option<crate::pki::RevocationMode>,
    /// OCSP responder URL, instead of the certificates' own.
    pub ocsp_url: Option<String>,
    /// The revocation policy for this request (e.g. `fallback`,
    /// `outage,crl-grace=24h`), instead of the service's.
    pub revocation_policy: Option<String>,
}

/// A request's validation, read: when, with what, under which policy.
pub struct Validation {
    /// Validation time, Unix seconds.
    pub at: i64,
    /// The request's extra certificates (and those refused, as verdict codes).
    pub extra: Extra,
    /// The request's CRLs.
    pub crls: RevocationStore,
    /// The policy: `usage`, the IIN check, revocation.
    pub policy: Policy,
}

impl ValidationOptions {
    /// Reads the options for a check of `usage` (and the IIN check when
    /// `iin` is given): the time, then the extras, then the policy.
    pub fn read(
        &self,
        state: &AppState,
        usage: Usage,
        iin: Option<String>,
    ) -> Result<Validation, ApiError> {
        let at = at_or_now(self.at.as_deref())?;
        let (extra, crls) = extras(state, self.certs.as_deref(), self.crls.as_deref())?;
        let policy = Policy {
            usage,
            no_revocation: self.no_revocation.unwrap_or(false),
            iin,
            ..Default::default()
        };
        let policy = revocation_policy(
            state,
            policy,
            self.revocation,
            self.ocsp_url.clone(),
            self.revocation_policy.as_deref(),
        )?;
        Ok(Validation {
            at,
            extra,
            crls,
            policy,
        })
    }
}

/// Runs `work` off the async workers when it may wait on the network
/// (`blocking`: OCSP, canonicalisation of large XML), else right here.
pub async fn off_workers_if<T: Send + 'static>(
    blocking: bool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    if !blocking {
        return Ok(work());
    }
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::new(ProblemCode::Internal, "verification task failed"))
}

/// The policy's revocation part: the service's policy (per trust profile),
/// the request's own policy or sources when given, and OCSP (with the
/// shared client) when a policy uses it.
pub fn revocation_policy(
    state: &AppState,
    p: Policy,
    mode: Option<crate::pki::RevocationMode>,
    url: Option<String>,
    spec: Option<&str>,
) -> Result<Policy, ApiError> {
    use crate::pki::revocation::RevocationPolicy;
    let given = spec.map(RevocationPolicy::parse).transpose().map_err(|e| {
        ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("revocation_policy: {e}"),
        )
    })?;
    // The request's own choice applies to every anchor; else the service's,
    // per trust profile.
    let test = if given.is_some() || mode.is_some() {
        None
    } else {
        state.test_revocation
    };
    let mut rp = given.unwrap_or(state.revocation);
    if let Some(m) = mode {
        rp.mode = m;
    }
    let uses_ocsp = [Some(rp), test]
        .iter()
        .flatten()
        .any(|x| x.mode != crate::pki::RevocationMode::Crl);
    let ocsp = (uses_ocsp && !p.no_revocation).then(|| state.ocsp.clone());
    Ok(Policy {
        revocation: rp.mode,
        revocation_rules: rp.rules,
        test_revocation: test,
        ocsp_url: url,
        ocsp,
        ..p
    })
}

/// Parses `at`, or now.
pub fn at_or_now(at: Option<&str>) -> Result<i64, ApiError> {
    match at {
        Some(s) => crate::time::parse_rfc3339(s)
            .map_err(|e| ApiError::new(ProblemCode::RequestFieldInvalid, format!("at: {e}"))),
        None => Ok(crate::time::now()),
    }
}

/// Decodes extra certificates and CRLs (bad ones become verdict codes, as in the CLI).
pub fn extras(
    state: &AppState,
    certs: Option<&[String]>,
    crls: Option<&[String]>,
) -> Result<(Extra, RevocationStore), ApiError> {
    let (certs, crls) = (certs.unwrap_or_default(), crls.unwrap_or_default());
    if certs.len() > MAX_EXTRA || crls.len() > MAX_EXTRA {
        return Err(ApiError::new(
            ProblemCode::RequestFieldInvalid,
            format!("at most {MAX_EXTRA} certs and {MAX_EXTRA} crls"),
        ));
    }
    let mut extra = Extra::default();
    for (i, c) in certs.iter().enumerate() {
        let source = format!("certs[{i}]");
        extra.add_der(&b64(&source, c)?, &source);
    }
    let mut store = RevocationStore::default();
    let mut cas = state.trust().cas();
    cas.extend(extra.certs.iter().cloned());
    for (i, c) in crls.iter().enumerate() {
        store.add_bytes_checked(&b64(&format!("crls[{i}]"), c)?, &format!("crls[{i}]"), &cas);
    }
    Ok((extra, store))
}

#[cfg(test)]
mod tests {
    use super::super::certificates::CertVerifyBody;
    use super::super::verify::VerifyBody;
    use super::super::xml::XmlVerifyBody;

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str::<T>(json).map_err(|e| e.to_string())
    }

    /// Each body takes the options beside its own fields, and still refuses
    /// a field it does not know.
    #[test]
    fn flattened_options_keep_unknown_fields_out() {
        let v: VerifyBody =
            read(r#"{"signature":"x","at":"2026-01-01T00:00:00Z","no_revocation":true}"#).unwrap();
        assert_eq!(v.options.at.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(v.options.no_revocation, Some(true));
        let e = read::<VerifyBody>(r#"{"signature":"x","bogus":1}"#).unwrap_err();
        assert!(e.starts_with("unknown field `bogus`"), "{e}");
        let e = read::<XmlVerifyBody>(r#"{"xml":"x","signature":"y"}"#).unwrap_err();
        assert!(e.starts_with("unknown field `signature`"), "{e}");
        let e = read::<CertVerifyBody>(r#"{"certificate":"x","iin":"1"}"#).unwrap_err();
        assert!(e.starts_with("unknown field `iin`"), "{e}");
        let e = read::<VerifyBody>(r#"{"signature":"x","no_revocation":"yes"}"#).unwrap_err();
        assert!(e.contains("expected a boolean"), "{e}");
    }

    /// The OpenAPI document lists the options in each body's schema.
    #[test]
    fn the_document_shows_the_options() {
        let doc: serde_json::Value =
            serde_json::from_str(&crate::api::openapi::document()).unwrap();
        let text = doc.to_string();
        for field in ["no_revocation", "revocation_policy", "ocsp_url", "crls"] {
            assert!(text.contains(&format!("\"{field}\"")), "{field} missing");
        }
        for body in ["VerifyBody", "XmlVerifyBody", "CertVerifyBody"] {
            let schema = &doc["components"]["schemas"][body];
            assert!(!schema.is_null(), "{body} missing");
        }
    }
}
