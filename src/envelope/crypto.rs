//! Steps 2 and 3 for one signer: the digest (message-digest attribute, or
//! the signature over the content itself) and the signature, with the ESS
//! signing-certificate attribute.

use super::parse::{OID_MESSAGE_DIGEST, OID_SIGNING_CERT, OID_SIGNING_CERT_V2, Signer};
use super::verify::Prehashed;
use crate::asn1::{Walker, single};
use crate::pki::algorithms::{self, Digest, KeyKind, Scheme, VerifyError};
use crate::pki::cert::{Certificate, hex};
use crate::verdict::{Check, Code};
use der::{Decode, Tag};
use serde_json::{Value, json};

/// ESS signing-certificate(-v2): does the first certificate ID name `cert`?
pub(super) fn ess_check(s: &Signer, cert: &Certificate) -> Option<Result<String, String>> {
    let (v2, raw) = match (s.attr(&OID_SIGNING_CERT_V2), s.attr(&OID_SIGNING_CERT)) {
        (Some(r), _) => (true, r),
        (None, Some(r)) => (false, r),
        (None, None) => return None,
    };
    let parsed = (|| -> Result<(Option<Digest>, Vec<u8>), String> {
        let seq = single(raw).map_err(|e| e.to_string())?;
        let mut w = Walker::new(seq.value).map_err(|e| e.to_string())?;
        let ids = w.require(Tag::Sequence).map_err(|e| e.to_string())?;
        let mut i = Walker::new(ids.value).map_err(|e| e.to_string())?;
        let first = i.require(Tag::Sequence).map_err(|e| e.to_string())?;
        let mut f = Walker::new(first.value).map_err(|e| e.to_string())?;
        let mut digest = if v2 { Some(Digest::Sha256) } else { None };
        if v2 && let Some(alg) = f.optional(Tag::Sequence).map_err(|e| e.to_string())? {
            let alg =
                spki::AlgorithmIdentifierOwned::from_der(alg.raw).map_err(|e| e.to_string())?;
            digest = Some(Digest::from_oid(&alg.oid).map_err(|e| e.to_string())?);
        }
        let hash = f
            .require(Tag::OctetString)
            .map_err(|e| e.to_string())?
            .value
            .to_vec();
        Ok((digest, hash))
    })();
    Some(match parsed {
        Err(e) => Err(format!("signing-certificate attribute does not parse: {e}")),
        Ok((Some(d), hash)) => {
            if d.hash(&cert.der) == hash {
                Ok(format!("ESS signing-certificate-v2 ({}) matches", d.name()))
            } else {
                Err("ESS signing-certificate-v2 names another certificate".into())
            }
        }
        Ok((None, hash)) => {
            let h = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert.der);
            if h.as_ref() == hash.as_slice() {
                Ok("ESS signing-certificate (SHA-1 identifier) matches".into())
            } else {
                Err("ESS signing-certificate names another certificate".into())
            }
        }
    })
}

pub(super) fn digest_only(s: &Signer, content: &[u8], pre: Option<&Prehashed>, d: Digest) -> Check {
    let computed = match pre {
        None => d.hash(content),
        Some(p) => match p.get(d) {
            Some(h) => h.to_vec(),
            None => return prehash_missing(d),
        },
    };
    let claimed = s
        .attr(&OID_MESSAGE_DIGEST)
        .and_then(|raw| single(raw).ok())
        .map(|t| t.value.to_vec());
    let detail = json!({ "algorithm": d.name(), "computed": hex(&computed), "message_digest_attribute": claimed.as_deref().map(hex) });
    if claimed.as_deref() == Some(computed.as_slice()) {
        Check::passed("digest", detail)
    } else {
        Check::failed("digest", Code::DigestMismatch, detail)
    }
}

/// A digest the caller did not compute: the content was not there to check.
pub(super) fn prehash_missing(d: Digest) -> Check {
    Check::failed(
        "digest",
        Code::ContentMissing,
        json!({ "algorithm": d.name(), "problem": "the content's digest under this algorithm was not given" }),
    )
}

/// The failed `signature` check for `e`, its text added to `detail` as the
/// problem: an algorithm refused is `ALGORITHM_UNSUPPORTED`, anything else
/// `SIGNATURE_INVALID`.
pub(crate) fn signature_failed(e: &VerifyError, mut detail: Value) -> Check {
    detail["problem"] = json!(e.to_string());
    let code = if matches!(e, VerifyError::Algorithm(_)) {
        Code::AlgorithmUnsupported
    } else {
        Code::SignatureInvalid
    };
    Check::failed("signature", code, detail)
}

/// Whether signature scheme `sc` is one a key of `kind` makes (an ECDSA
/// signature from an EC key, and so on); a CMS signer's and an XML
/// signature's algorithm are both held to it.
pub(crate) fn scheme_fits_key(sc: Scheme, kind: KeyKind) -> bool {
    matches!(
        (sc, kind),
        (Scheme::Ecdsa(_), KeyKind::Ec { .. })
            | (Scheme::Gost(_), KeyKind::Gost { .. })
            | (
                Scheme::RsaPkcs1(_) | Scheme::RsaPss { .. },
                KeyKind::Rsa { .. }
            )
    )
}

pub(super) fn crypto_checks(
    s: &Signer,
    content: &[u8],
    pre: Option<&Prehashed>,
    d: Digest,
    sc: Scheme,
    cert: &Certificate,
) -> (Check, Check) {
    let Ok(key) = cert.key.as_ref() else {
        return (
            Check::skipped("digest", "key not supported"),
            Check::skipped("signature", "key not supported"),
        );
    };
    let key_matches = scheme_fits_key(sc, key.kind);
    let cert_detail = json!({ "certificate": cert.label(), "scheme": sc.name() });
    if !key_matches {
        let digest = if s.signed_attrs_der.is_some() {
            digest_only(s, content, pre, d)
        } else {
            Check::skipped("digest", "signature algorithm does not fit the key")
        };
        let mut det = cert_detail;
        det["problem"] = json!("the signature algorithm does not fit the certificate's key");
        return (
            digest,
            Check::failed("signature", Code::SignatureInvalid, det),
        );
    }
    match &s.signed_attrs_der {
        Some(attrs) => {
            let digest = digest_only(s, content, pre, d);
            let sig = match algorithms::verify(sc, key, attrs, &s.signature) {
                Ok(()) => match ess_check(s, cert) {
                    Some(Err(p)) => {
                        let mut det = cert_detail;
                        det["problem"] = json!(p);
                        Check::failed("signature", Code::SignerCertMissing, det)
                    }
                    Some(Ok(note)) => {
                        let mut det = cert_detail;
                        det["signing_certificate_attribute"] = json!(note);
                        Check::passed("signature", det)
                    }
                    None => Check::passed("signature", cert_detail),
                },
                Err(e) => signature_failed(&e, cert_detail),
            };
            (digest, sig)
        }
        None if pre.is_some() => (
            prehash_missing(sc.digest()),
            Check::skipped(
                "signature",
                "without signed attributes the signature covers the content itself, which was not given",
            ),
        ),
        None => {
            // Without signed attributes the signature covers the content itself.
            match algorithms::verify(sc, key, content, &s.signature) {
                Ok(()) => (
                    Check::passed(
                        "digest",
                        json!({ "algorithm": sc.digest().name(), "computed": hex(&sc.digest().hash(content)), "signed_attributes": false }),
                    ),
                    Check::passed("signature", cert_detail),
                ),
                Err(e) => {
                    let computed = sc.digest().hash(content);
                    let embedded = match sc {
                        Scheme::RsaPkcs1(dd) => {
                            algorithms::rsa_pkcs1_embedded_digest(key, dd, &s.signature)
                        }
                        _ => None,
                    };
                    let mut det = cert_detail;
                    det["problem"] = json!(e.to_string());
                    match (sc, embedded) {
                        (Scheme::RsaPkcs1(_), None) => (
                            Check::skipped(
                                "digest",
                                "the signature's padding is broken, so its digest cannot be read",
                            ),
                            Check::failed("signature", Code::SignatureInvalid, det),
                        ),
                        (Scheme::RsaPkcs1(_), Some(h)) if h == computed => (
                            Check::passed(
                                "digest",
                                json!({ "algorithm": sc.digest().name(), "computed": hex(&computed) }),
                            ),
                            Check::failed("signature", Code::SignatureInvalid, det),
                        ),
                        (_, h) => (
                            Check::failed(
                                "digest",
                                Code::DigestMismatch,
                                json!({
                                    "algorithm": sc.digest().name(),
                                    "computed": hex(&computed),
                                    "signed": h.as_deref().map(hex),
                                    "note": "without signed attributes the signature covers the content; it does not match",
                                }),
                            ),
                            Check::skipped(
                                "signature",
                                "decided by the digest check (no signed attributes)",
                            ),
                        ),
                    }
                }
            }
        }
    }
}
