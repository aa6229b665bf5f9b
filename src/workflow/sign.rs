//! Signing an application's decided document: the employee's signature on
//! the draft where the service has a review stage, then the head's on the
//! result. Owns whose signature the document waits for (`begin`), whether a
//! certificate may give it (`check_signer`: the application's provider's
//! BIN, a role strong enough, the API key's holder, usable now), what is
//! signed and how (`base_pdf`, `options`: stamp, access code, certification
//! and the head's field), and keeping the signed PDF only when it verifies
//! (`complete`). `sign_with_key` is the whole case with a server-held key;
//! `twophase` runs the same steps in two phases for a signer's own device. The rules themselves are `document`'s; the PDF work `pdf`'s.

use super::Deps;
use super::catalogue::Service;
use super::document::{self, DocumentFacts, HEAD_FIELD, SignStage};
use super::error::Error;
use super::state::{Action, Status};
use crate::pdf::sign::{SignOptions, StampPlacement};
use crate::pki::cert::Certificate;
use crate::pki::signer::Signer;
use crate::pki::{Policy, TrustProfile};
use crate::store::applications::Application;
use crate::store::audit::AuditEntry;
use crate::store::documents::Draft;
use crate::store::keys::{ApiKey, Role};
use base64::Engine;
use std::sync::Arc;

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

/// An application whose document the caller may sign now, and what it is.
pub struct Signing {
    /// The application.
    pub app: Application,
    /// Its state now.
    pub from: Status,
    /// Its service.
    pub service: Service,
    /// Whose signature this is.
    pub stage: SignStage,
    /// The employee's signed draft, once there.
    pub draft: Option<Draft>,
}

/// Checks that the caller's signature is the one the document waits for.
pub async fn begin(deps: &Deps<'_>, caller: &ApiKey, number: &str) -> Result<Signing, Error> {
    let app = super::cases::load(deps, caller, number, None).await?;
    let from = app.status;
    if from.next(Action::Sign).is_none() {
        return Err(Error::TransitionNotAllowed(format!(
            "nothing to sign while the application is {}",
            from.as_str()
        )));
    }
    let service = deps
        .flow
        .catalogue
        .get(&app.service)
        .cloned()
        .ok_or_else(|| internal("unknown service"))?;
    let stage = match caller.role {
        Role::Provider => SignStage::Draft,
        Role::Head => SignStage::Result,
        _ => {
            return Err(Error::Forbidden(
                "the employee signs the draft and the head the result".into(),
            ));
        }
    };
    let draft = deps.store.draft(number).await?;
    match (stage, document::awaited(&service, draft.is_some())) {
        (SignStage::Draft, SignStage::Result) if draft.is_none() => {
            return Err(Error::TransitionNotAllowed(format!(
                "{} has no review stage: the head signs alone",
                service.id
            )));
        }
        (SignStage::Draft, SignStage::Result) => {
            return Err(Error::TransitionNotAllowed(
                "the draft is signed already; the head signs next".into(),
            ));
        }
        (SignStage::Result, SignStage::Draft) => {
            return Err(Error::EmployeeSignatureRequired(format!(
                "{} has a review stage: the employee signs the draft first",
                service.id
            )));
        }
        _ => {}
    }
    Ok(Signing {
        app,
        from,
        service,
        stage,
        draft,
    })
}

/// Binds the API key to its holder's IIN (first use) or checks it, so an
/// employee's key signs only with that employee's certificate. Under a test
/// PKI's anchor the IIN is twelve digits without the check digit, as
/// `pki::iin_check` reads it (the NCA's test PKI issues IINs that fail it).
pub async fn check_holder(
    deps: &Deps<'_>,
    caller: &ApiKey,
    cert: &Certificate,
    trust: TrustProfile,
) -> Result<(), Error> {
    let profile = crate::pki::profile::profile(cert);
    let test_pki = trust == TrustProfile::Test;
    let Some(iin) = profile.iin.filter(|i| i.valid || test_pki).map(|i| i.value) else {
        return Err(Error::Forbidden(
            "the certificate carries no valid IIN of its holder".into(),
        ));
    };
    let bound = deps
        .store
        .bind_api_key_iin(&caller.id, &iin, deps.now)
        .await?;
    if bound != iin {
        return Err(Error::Forbidden(format!(
            "the certificate is IIN {iin}'s, but this API key is held by IIN {bound}"
        )));
    }
    Ok(())
}

/// Checks the signer's certificate: the application's provider's BIN and a
/// role strong enough for the stage, the key holder's IIN, and usable now.
pub async fn check_signer(
    deps: &Deps<'_>,
    caller: &ApiKey,
    s: &Signing,
    cert: &Certificate,
    extra_chain: &[Vec<u8>],
) -> Result<(), Error> {
    let profile = crate::pki::profile::profile(cert);
    if let Some(why) = document::signer_refusal(s.stage, &profile, &s.app.provider) {
        return Err(Error::Forbidden(why));
    }
    let extra = crate::pki::Extra {
        certs: extra_chain
            .iter()
            .filter_map(|d| Certificate::from_der(d).ok().map(Arc::new))
            .collect(),
        rejected_certs: Vec::new(),
    };
    let (trust, usable) = crate::keys::assess_signer(cert, &deps.trust, &extra, deps.now);
    check_holder(deps, caller, cert, trust).await?;
    usable.map_err(|e| Error::SignRefused {
        sign_code: e.code().to_string(),
        detail: e.to_string(),
        message: Some(e.message()),
    })
}

/// The PDF to sign: the employee's draft, or the document rendered now.
pub fn base_pdf(s: &Signing, officer: &Certificate, now: i64) -> Result<Vec<u8>, Error> {
    if let Some(d) = &s.draft {
        return base64::engine::general_purpose::STANDARD
            .decode(&d.pdf)
            .map_err(|_| internal("stored draft is not base64"));
    }
    let decision = s.app.decision.clone().unwrap_or_default();
    let doc = document::result_doc(&DocumentFacts {
        service: &s.service,
        provider_bin: &s.app.provider,
        number: &s.app.number,
        iin: &s.app.iin,
        registered_at: s.app.registered_at,
        decision: &decision,
        officer,
        stage: s.stage,
        now,
    });
    use crate::pdf::render::Lang;
    crate::pdf::render::render(&doc, &[Lang::Kk, Lang::Ru], now).map_err(internal)
}

/// How the signature is made at this stage: the officer's stamp with the QR
/// code to the service's public URL and a fresh access code; the employee
/// certifies the draft (DocMDP P=2) leaving the head's field, the head signs in it.
pub fn options<'a>(
    deps: &Deps<'_>,
    s: &Signing,
    signer: &'a dyn Signer,
    cert: &'a [u8],
    chain: &'a [Vec<u8>],
) -> Result<SignOptions<'a>, Error> {
    let now = deps.now;
    let refusal = s
        .app
        .decision
        .as_ref()
        .is_some_and(|d| d["decision"] == "refusal");
    let mut text = crate::pdf::stamp::text_from_certificate(cert, now).map_err(internal)?;
    // The code beside the QR opens the document on the public page.
    text.access_code =
        Some(super::access::generate(&ring::rand::SystemRandom::new()).map_err(internal)?);
    let draft_stage = s.stage == SignStage::Draft;
    Ok(SignOptions {
        field: (s.draft.is_some()).then(|| HEAD_FIELD.to_string()),
        reason: Some(document::reason(s.stage, refusal).into()),
        stamp: Some(StampPlacement {
            page: None,
            rect: None,
            text,
        }),
        document_id: Some(s.app.number.clone()),
        // The employee certifies the draft (DocMDP P=2): the head's signature
        // in the field left for it is the only change allowed after.
        certify: draft_stage,
        add_fields: if draft_stage {
            vec![HEAD_FIELD.to_string()]
        } else {
            Vec::new()
        },
        ..SignOptions::new(signer, cert, chain, now, deps.config.public_url.clone())
    })
}

/// Keeps the hash of the access code printed on the stamp of `opts` (the
/// code itself is on the paper only).
pub async fn keep_access_code(
    deps: &Deps<'_>,
    number: &str,
    opts: &SignOptions<'_>,
) -> Result<(), Error> {
    if let Some(code) = opts
        .stamp
        .as_ref()
        .and_then(|s| s.text.access_code.as_deref())
    {
        let hash = super::access::hash(code, &ring::rand::SystemRandom::new()).map_err(internal)?;
        deps.store.put_access_code(number, &hash, deps.now).await?;
    }
    Ok(())
}

/// Keeps the signed PDF when it verifies and moves the application on
/// (the draft kept, or the result signed); returns the application after it.
pub async fn complete(
    deps: &Deps<'_>,
    caller: &ApiKey,
    s: &Signing,
    signed: &[u8],
    cert: &Certificate,
) -> Result<Application, Error> {
    let now = deps.now;
    let report = crate::pdf::verify::verify_bytes(
        signed,
        &deps.trust,
        &crate::pdf::verify::PdfVerifyRequest {
            at: now,
            policy: Policy::default(),
            extra: Default::default(),
            crls: Default::default(),
        },
    );
    if report.code != "OK" {
        return Err(Error::Unavailable(format!(
            "the signed document does not verify ({}); nothing was kept",
            report.code
        )));
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(signed);
    let note = format!(
        "signed by {} ({})",
        cert.subject.cn.clone().unwrap_or_default(),
        cert.serial_hex()
    );
    let (ok, operation) = match s.stage {
        SignStage::Draft => (
            deps.store
                .put_draft(
                    &s.app.number,
                    s.from.as_str(),
                    &Draft {
                        pdf: b64,
                        signed_by: caller.id.clone(),
                        signer_serial: cert.serial_hex(),
                        at: now,
                    },
                    caller.role.as_str(),
                    &note,
                )
                .await?,
            "application.sign_draft",
        ),
        SignStage::Result => (
            deps.store
                .transition(
                    &s.app.number,
                    s.from,
                    Status::ResultSigned,
                    (&caller.id, caller.role.as_str()),
                    "sign",
                    &note,
                    None,
                    Some(&b64),
                    now,
                )
                .await?,
            "application.sign",
        ),
    };
    if !ok {
        return Err(Error::TransitionNotAllowed(
            "the application changed meanwhile".into(),
        ));
    }
    deps.audit
        .record(AuditEntry::by(
            caller,
            now,
            operation,
            crate::pki::cert::hex(&crate::pki::cert::sha256(signed)),
            cert.serial_hex(),
            "OK",
        ))
        .await?;
    super::cases::load(deps, caller, &s.app.number, None).await
}

/// The whole case with a server-held key: whose signature is due, then the
/// key `key_id` (opened only then), the certificate's checks, the PDF
/// signed, its access code kept, and the application moved on.
pub async fn sign_with_key(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    key_id: &str,
) -> Result<Application, Error> {
    let s = begin(deps, caller, number).await?;
    let keys = crate::keys::KeyStore::open(
        &deps.config.data_dir,
        deps.config.master_key_file.as_deref(),
    )
    .map_err(|e| Error::Unavailable(e.to_string()))?;
    let key = keys.load(key_id).map_err(|e| Error::SignRefused {
        sign_code: e.code().to_string(),
        detail: format!("{}: {e}", e.code()),
        message: None,
    })?;
    let cert = key.certificate().map_err(|e| Error::SignRefused {
        sign_code: e.code().to_string(),
        detail: e.to_string(),
        message: None,
    })?;
    check_signer(deps, caller, &s, &cert, &key.chain_der).await?;
    let pdf = base_pdf(&s, &cert, deps.now)?;
    let opts = options(deps, &s, &key, &key.cert_der, &key.chain_der)?;
    let (signed, _) = crate::pdf::sign::sign_bytes(&pdf, &opts).map_err(internal)?;
    keep_access_code(deps, &s.app.number, &opts).await?;
    complete(deps, caller, &s, &signed, &cert).await
}
