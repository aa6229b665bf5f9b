//! PAdES signing in two phases: the signer's key never reaches the server.
//!
//! `prepare` writes the whole signed revision (stamp, field, ByteRange) with
//! the signature's place reserved and returns the CAdES signed attributes
//! over the ByteRange's digest: what the signer's device signs. `finish`
//! takes the raw signature value, checks it against the certificate's key
//! over the same attributes (recomputed from the prepared file, so nothing
//! the client sends back can change what is signed), and fills `/Contents`.
//! The PAdES attributes carry no signing-time, so they are a function of the
//! digest and the certificate alone.

use super::sign::{SignOptions, SignOutcome, sign_bytes};
use super::{PdfError, hasher};
use crate::pki::algorithms::{self, KeyKind, PublicKey, Scheme};
use crate::pki::signer::{SignError, Signer};
use std::sync::Mutex;

/// A key held elsewhere: its certificate's public key, and either nothing
/// (prepare: the message to sign is captured) or the value the device gave.
pub struct ExternalSigner {
    scheme: Scheme,
    key: PublicKey,
    spki: Vec<u8>,
    value: Option<Vec<u8>>,
    captured: Mutex<Option<Vec<u8>>>,
}

impl ExternalSigner {
    /// The signer of `cert` (DER), with the device's `value` once there is one.
    pub fn new(cert: &[u8], value: Option<Vec<u8>>) -> Result<ExternalSigner, PdfError> {
        let c = crate::pki::cert::Certificate::from_der(cert)
            .map_err(|e| PdfError::Input(format!("certificate: {e}")))?;
        let key = c
            .key
            .clone()
            .map_err(|e| PdfError::Input(format!("certificate key: {e}")))?;
        let scheme = crate::envelope::twophase::scheme_for_key(&key);
        let value = value.map(|v| match key.kind {
            KeyKind::Ec { bits } => crate::envelope::twophase::ecdsa_der(bits, &v),
            KeyKind::Rsa { .. } | KeyKind::Gost { .. } => v,
        });
        Ok(ExternalSigner {
            scheme,
            key,
            spki: c.spki.clone(),
            value,
            captured: Mutex::new(None),
        })
    }

    /// The bytes `sign` was asked to sign.
    pub fn captured(&self) -> Option<Vec<u8>> {
        self.captured.lock().ok().and_then(|c| c.clone())
    }

    /// A value as long as the longest real one, to reserve the place.
    fn placeholder(&self) -> Vec<u8> {
        match self.key.kind {
            KeyKind::Rsa { bits } => vec![0; bits.div_ceil(8)],
            KeyKind::Ec { bits } => vec![0; 2 * bits / 8 + 9],
            KeyKind::Gost { curve, .. } => vec![0; 2 * curve.len()],
        }
    }
}

impl Signer for ExternalSigner {
    fn scheme(&self) -> Scheme {
        self.scheme
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        if let Ok(mut c) = self.captured.lock() {
            *c = Some(msg.to_vec());
        }
        match &self.value {
            None => Ok(self.placeholder()),
            Some(v) => {
                algorithms::verify(self.scheme, &self.key, msg, v)
                    .map_err(|_| SignError::Failed(VALUE_REJECTED.into()))?;
                Ok(v.clone())
            }
        }
    }
}

/// How the signer tells [`finish`] (through the CMS builder, which only
/// carries text) that the value does not verify; it never leaves this module.
const VALUE_REJECTED: &str = "qoltanba:twophase:value-rejected";

/// A prepared signature.
#[derive(Debug, Clone)]
pub struct PreparedPdf {
    /// The signed revision with `/Contents` zero-filled.
    pub pdf: Vec<u8>,
    /// Where the signature goes: `[0 a b c]`.
    pub byte_range: [u64; 4],
    /// DER of the signed attributes: what the signer's device signs.
    pub data_to_sign: Vec<u8>,
    /// The scheme the device must use.
    pub scheme: Scheme,
    /// The digest (under the scheme's algorithm) of the bytes the ByteRange
    /// covers: what a client making its own detached CMS signs.
    pub document_digest: Vec<u8>,
    /// What the signature will be.
    pub outcome: SignOutcome,
}

/// Phase one: the revision with the signature's place, and the bytes to sign.
/// `opts.signer` must be an [`ExternalSigner`] without a value; `opts.tsa`
/// must be None (a time-stamp needs the value).
pub fn prepare(
    pdf: &[u8],
    opts: &SignOptions<'_>,
    signer: &ExternalSigner,
) -> Result<PreparedPdf, PdfError> {
    if opts.tsa.is_some() {
        return Err(PdfError::Input(
            "a time-stamp cannot be added to a two-phase signature".into(),
        ));
    }
    let (mut out, outcome) = sign_bytes(pdf, opts)?;
    let data_to_sign = signer
        .captured()
        .ok_or_else(|| PdfError::Sign("nothing was signed".into()))?;
    blank_contents(&mut out, outcome.byte_range)?;
    let document_digest = byte_range_digest(&out, outcome.byte_range, signer.scheme().digest())?;
    Ok(PreparedPdf {
        document_digest,
        pdf: out,
        byte_range: outcome.byte_range,
        data_to_sign,
        scheme: signer.scheme(),
        outcome,
    })
}

/// Phase two: fills the prepared revision with the CMS around the device's
/// value. `opts` must describe the same certificate and chain as prepare;
/// `opts.signer` is an [`ExternalSigner`] with the value. A value that does
/// not verify over the attributes is [`PdfError::SignatureValueInvalid`].
pub fn finish(
    prepared: &[u8],
    byte_range: [u64; 4],
    opts: &SignOptions<'_>,
) -> Result<Vec<u8>, PdfError> {
    let md = byte_range_digest(prepared, byte_range, opts.signer.scheme().digest())?;
    let (cms, _) = super::sign::cms_for_digest(md.as_ref(), opts).map_err(|e| match e {
        PdfError::Sign(m) if m.contains(VALUE_REJECTED) => PdfError::SignatureValueInvalid,
        other => other,
    })?;
    embed(prepared, byte_range, &cms)
}

/// The digest of the bytes a prepared file's ByteRange covers.
pub fn byte_range_digest(
    prepared: &[u8],
    byte_range: [u64; 4],
    digest: crate::pki::algorithms::Digest,
) -> Result<Vec<u8>, PdfError> {
    let (a, b) = contents_span(prepared, byte_range)?;
    let mut ctx = hasher(digest);
    ctx.update(&prepared[..a]);
    ctx.update(&prepared[b..]);
    Ok(ctx.finish())
}

/// The bytes a prepared file's ByteRange covers (what a client that signs
/// data, not a digest, is given).
pub fn byte_range_bytes(prepared: &[u8], byte_range: [u64; 4]) -> Result<Vec<u8>, PdfError> {
    let (a, b) = contents_span(prepared, byte_range)?;
    let mut out = Vec::with_capacity(prepared.len() - (b - a));
    out.extend_from_slice(&prepared[..a]);
    out.extend_from_slice(&prepared[b..]);
    Ok(out)
}

/// Phase two with a CMS made elsewhere (the signer's client): writes it,
/// as given, into the prepared file's `/Contents`. The caller has checked
/// it covers [`byte_range_digest`] and verifies.
pub fn embed(prepared: &[u8], byte_range: [u64; 4], cms: &[u8]) -> Result<Vec<u8>, PdfError> {
    let (a, b) = contents_span(prepared, byte_range)?;
    let mut out = prepared.to_vec();
    let reserved = (b - a - 2) / 2;
    if cms.len() > reserved {
        return Err(PdfError::TooLarge {
            needed: cms.len(),
            reserved,
        });
    }
    let hexed = crate::pki::cert::hex(cms);
    out[a + 1..a + 1 + hexed.len()].copy_from_slice(hexed.as_bytes());
    Ok(out)
}

/// `/Contents <...>` of the ByteRange: the span `[a, b)` between the two
/// signed parts, which must be a hex string covering exactly the gap.
fn contents_span(pdf: &[u8], br: [u64; 4]) -> Result<(usize, usize), PdfError> {
    let bad = || PdfError::Input("the prepared file's ByteRange does not fit it".into());
    let a = usize::try_from(br[1]).map_err(|_| bad())?;
    let b = usize::try_from(br[2]).map_err(|_| bad())?;
    let end = b.checked_add(usize::try_from(br[3]).map_err(|_| bad())?);
    if br[0] != 0 || b <= a + 2 || end != Some(pdf.len()) {
        return Err(bad());
    }
    if pdf[a] != b'<' || pdf[b - 1] != b'>' {
        return Err(bad());
    }
    Ok((a, b))
}

fn blank_contents(pdf: &mut [u8], br: [u64; 4]) -> Result<(), PdfError> {
    let (a, b) = contents_span(pdf, br)?;
    pdf[a + 1..b - 1].fill(b'0');
    Ok(())
}
