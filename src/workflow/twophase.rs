//! Signing an application's document in two phases, the key on the
//! signer's own device (NCALayer, eGov mobile, a token): `prepare` keeps
//! the revision with the signature's place reserved and answers the bytes
//! the device signs; `finish` checks the device's value, or the CMS its
//! client made, and completes the signature. Whose signature is due,
//! whether the certificate may give it, what is signed and keeping it only
//! when it verifies are `sign`'s, shared with the server-held key.

use super::Deps;
use super::document::SignStage;
use super::error::Error;
use super::sign::{self, Signing};
use crate::envelope::client::{self, ClientCms, ClientCmsError};
use crate::pdf::PdfError;
use crate::pdf::twophase::{self, ExternalSigner, PreparedPdf};
use crate::pki::cert::Certificate;
use crate::store::applications::Application;
use crate::store::documents::Pending;
use crate::store::keys::ApiKey;
use base64::Engine;

/// Room in `/Contents` for a client's CMS beyond qoltanba's own: its
/// attributes, a longer chain and a signature time-stamp token.
pub const CLIENT_ROOM: usize = 24 * 1024;

/// How long a prepared document signature waits for its value, in seconds.
pub const PREPARED_TTL: i64 = crate::envelope::twophase::DEFAULT_TTL;

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

/// A refusal of what the signer's device sent, with its stable code.
fn refused(sign_code: &str, detail: impl Into<String>) -> Error {
    Error::SignRefused {
        sign_code: sign_code.into(),
        detail: detail.into(),
        message: None,
    }
}

fn b64e(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// A prepared signature: what the device signs, and where it goes.
pub struct Prepared {
    /// The id `finish` takes.
    pub id: String,
    /// Whose signature it is.
    pub stage: SignStage,
    /// The revision with the reserved place, and the bytes to sign.
    pub pdf: PreparedPdf,
    /// The bytes the ByteRange covers (what a client's CMS signs).
    pub document_data: Vec<u8>,
    /// When the prepared signature expires, Unix seconds.
    pub expires_at: i64,
}

/// Phase one: the caller's signature is due and `cert_der` may give it;
/// the document is rendered (or the draft taken), stamped, its signature's
/// place reserved, and kept for `PREPARED_TTL` seconds.
pub async fn prepare(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    cert_der: &[u8],
    given_chain: &[Vec<u8>],
) -> Result<Prepared, Error> {
    let s = sign::begin(deps, caller, number).await?;
    let cert =
        Certificate::from_der(cert_der).map_err(|e| Error::Invalid(format!("certificate: {e}")))?;
    sign::check_signer(deps, caller, &s, &cert, given_chain).await?;
    // The CMS carries the whole chain, as a server-held key's does.
    let chain: Vec<Vec<u8>> =
        crate::pdf::sign::ltv_material(cert_der, given_chain, &deps.trust, &[])
            .certs
            .into_iter()
            .filter(|c| c != cert_der)
            .collect();
    let signer = ExternalSigner::new(cert_der, None).map_err(|e| Error::Invalid(e.to_string()))?;
    let pdf = sign::base_pdf(&s, &cert, deps.now)?;
    let mut opts = sign::options(deps, &s, &signer, cert_der, &chain)?;
    opts.extra_room = CLIENT_ROOM;
    let prepared = twophase::prepare(&pdf, &opts, &signer).map_err(internal)?;
    sign::keep_access_code(deps, &s.app.number, &opts).await?;
    let document_data =
        twophase::byte_range_bytes(&prepared.pdf, prepared.byte_range).map_err(internal)?;
    let id = crate::random::hex(16).map_err(internal)?;
    let mut certs = vec![b64e(cert_der)];
    certs.extend(chain.iter().map(|c| b64e(c)));
    let br = prepared.byte_range;
    let expires_at = deps.now + PREPARED_TTL;
    deps.store
        .put_pending(&Pending {
            id: id.clone(),
            number: s.app.number.clone(),
            key_id: caller.id.clone(),
            stage: s.stage.as_str().into(),
            pdf: b64e(&prepared.pdf),
            certificate: certs.join(","),
            byte_range: format!("{} {} {} {}", br[0], br[1], br[2], br[3]),
            created_at: deps.now,
            expires_at,
        })
        .await?;
    Ok(Prepared {
        id,
        stage: s.stage,
        pdf: prepared,
        document_data,
        expires_at,
    })
}

/// What the signer's device sent back.
pub enum Finish {
    /// The raw signature value over `data_to_sign`.
    Value(Vec<u8>),
    /// A CMS SignedData its client made over the document's ByteRange.
    Cms(Vec<u8>),
}

/// A prepared signature as kept: the revision, the certificates, the range.
struct Kept {
    pdf: Vec<u8>,
    cert_der: Vec<u8>,
    chain: Vec<Vec<u8>>,
    byte_range: [u64; 4],
}

impl Kept {
    fn read(p: &Pending) -> Result<Kept, Error> {
        let corrupt = || internal("stored prepared signature is corrupt");
        let decode = |t: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(|_| corrupt())
        };
        let mut certs = p
            .certificate
            .split(',')
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let cert_der = certs.next().ok_or_else(corrupt)?;
        let nums: Vec<u64> = p
            .byte_range
            .split(' ')
            .filter_map(|n| n.parse().ok())
            .collect();
        Ok(Kept {
            pdf: decode(&p.pdf)?,
            cert_der,
            chain: certs.collect(),
            byte_range: nums.try_into().map_err(|_| corrupt())?,
        })
    }
}

/// Phase two: the device's value (or its client's CMS) completes the
/// prepared signature; the application moves on only when the signed PDF
/// verifies. Answers the application after it.
pub async fn finish(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    prepared_id: &str,
    input: Finish,
) -> Result<Application, Error> {
    // Another provider's (or an unknown) application: not found, as everywhere.
    super::cases::load(deps, caller, number, None).await?;
    let p = deps
        .store
        .pending(prepared_id)
        .await?
        .filter(|p| p.key_id == caller.id && p.number == number)
        .ok_or_else(|| {
            refused(
                "PREPARED_INVALID",
                "no such prepared signature for this key and application",
            )
        })?;
    if deps.now > p.expires_at {
        deps.store.drop_pending(&p.id).await?;
        return Err(refused(
            "PREPARED_EXPIRED",
            format!(
                "the prepared signature expired at {}",
                crate::time::rfc3339(p.expires_at)
            ),
        ));
    }
    let s = sign::begin(deps, caller, number).await?;
    let kept = Kept::read(&p)?;
    if !same_state(&s, &p, &kept)? {
        deps.store.drop_pending(&p.id).await?;
        return Err(Error::TransitionNotAllowed(
            "the application changed since the signature was prepared".into(),
        ));
    }
    let cert = Certificate::from_der(&kept.cert_der)
        .map_err(|_| internal("stored prepared signature is corrupt"))?;
    let signed = match input {
        Finish::Value(value) => {
            sign::check_signer(deps, caller, &s, &cert, &kept.chain).await?;
            let signer = ExternalSigner::new(&kept.cert_der, Some(value)).map_err(internal)?;
            let opts = sign::options(deps, &s, &signer, &kept.cert_der, &kept.chain)?;
            twophase::finish(&kept.pdf, kept.byte_range, &opts).map_err(|e| match e {
                PdfError::SignatureValueInvalid => refused(
                    "SIGNATURE_VALUE_INVALID",
                    "the signature value does not verify with the certificate's key over data_to_sign",
                ),
                other => internal(other),
            })?
        }
        Finish::Cms(cms) => {
            let client = read_client_cms(&cms, &kept.cert_der)?;
            claimed_time_agrees(&client, p.created_at)?;
            sign::check_signer(deps, caller, &s, &cert, &kept.chain).await?;
            finish_with_cms(deps, &kept, &client)?
        }
    };
    let app = sign::complete(deps, caller, &s, &signed, &cert).await?;
    deps.store.drop_pending(&p.id).await?;
    Ok(app)
}

/// The state it was prepared in: the same stage, over the same draft.
fn same_state(s: &Signing, p: &Pending, kept: &Kept) -> Result<bool, Error> {
    let same_base = match &s.draft {
        Some(d) => {
            let draft = base64::engine::general_purpose::STANDARD
                .decode(&d.pdf)
                .map_err(|_| internal("stored draft is not base64"))?;
            kept.pdf.starts_with(&draft)
        }
        None => true,
    };
    Ok(SignStage::parse(&p.stage) == Some(s.stage) && same_base)
}

fn cms_refused(e: ClientCmsError) -> Error {
    match &e {
        ClientCmsError::PadesAttributesMissing(missing) => Error::PadesAttributesMissing {
            detail: e.to_string(),
            missing: missing.iter().map(|m| m.to_string()).collect(),
        },
        _ => refused(e.code(), e.to_string()),
    }
}

/// The client's CMS: the prepared certificate's, with the PAdES attributes.
fn read_client_cms(cms: &[u8], cert_der: &[u8]) -> Result<ClientCms, Error> {
    let client = client::read(cms, cert_der).map_err(cms_refused)?;
    let missing = client.pades_missing();
    if !missing.is_empty() {
        return Err(cms_refused(ClientCmsError::PadesAttributesMissing(missing)));
    }
    Ok(client)
}

/// A signing-time attribute (Kalkan, NCALayer and eGov mobile write one)
/// must agree with the `/M` written when the signature was prepared.
fn claimed_time_agrees(client: &ClientCms, m: i64) -> Result<(), Error> {
    use crate::pdf::verify::claimed_time::{AFTER_M, BEFORE_M, agrees, signing_time_attribute};
    match signing_time_attribute(&client.env.der) {
        Some(t) if !agrees(m, t) => Err(refused(
            "CMS_SIGNING_TIME_MISMATCH",
            format!(
                "the CMS's signing-time {} is not within {BEFORE_M} s before and {AFTER_M} s after the signature's /M {}",
                crate::time::rfc3339(t),
                crate::time::rfc3339(m)
            ),
        )),
        _ => Ok(()),
    }
}

/// Verifies the client's CMS over the prepared ByteRange (condition 2) and
/// writes it, detached, into `/Contents`.
fn finish_with_cms(deps: &Deps<'_>, kept: &Kept, client: &ClientCms) -> Result<Vec<u8>, Error> {
    let (prepared, br) = (&kept.pdf, kept.byte_range);
    let pdf_err = |e: PdfError| match e {
        PdfError::TooLarge { needed, reserved } => refused(
            "CMS_TOO_LARGE",
            format!("the CMS takes {needed} bytes; the prepared signature has room for {reserved}"),
        ),
        other => internal(other),
    };
    if client.env.content.is_some() {
        let covered = twophase::byte_range_bytes(prepared, br).map_err(pdf_err)?;
        client.check_content(&covered).map_err(cms_refused)?;
    }
    let md = twophase::byte_range_digest(prepared, br, client.digest).map_err(pdf_err)?;
    let length = prepared.len() as u64 - (br[2] - br[1]);
    let verdict = crate::envelope::verify_prehashed(
        &crate::envelope::VerifyRequest {
            envelope: &client.env.der,
            at: deps.now,
            ..Default::default()
        },
        &deps.trust,
        &crate::envelope::Prehashed {
            length,
            digests: vec![(client.digest, md)],
        },
    );
    if !verdict.passed() {
        let e = crate::envelope::twophase::rejected(&verdict);
        return Err(refused(e.code(), e.to_string()));
    }
    let der = client.detached_der().map_err(cms_refused)?;
    twophase::embed(prepared, br, &der).map_err(pdf_err)
}
