//! Condition 2 for XML: the verdict on a signed request document or a
//! signed SOAP message, signature by signature.
//!
//! Owns the order of the checks, the same as for CMS envelopes: `format`
//! (the document and the `ds:Signature` read, the signer's certificate
//! found in `KeyInfo` or the WS-Security token), `content` (what the
//! references cover is what the document presents as signed: `reference`),
//! `algorithms`, `digest`, `signature`, `lifetime` (the WS-Security
//! Timestamp), then steps 4-8 from `pki`. The IIN check can also read the
//! applicant's IIN from an element of the signed content. The verdict names
//! the signed elements and carries the exact bytes each reference covers.
//! Never panics on input; every failure is a check with a code.

use super::NS_DSIG;
use super::algorithms::{self, ecdsa_raw_to_der};
use super::c14n::{self, C14n, Method};
use super::iin::iin_in_content;
use super::reference::{self, Chain, Expect};
use super::signature::{self, KeyRef, SignatureInfo};
use super::tree::{self, Xml, is, path, qname};
use super::wsse;
use crate::envelope::verify::{extended, reconcile_iin};
use crate::envelope::{scheme_fits_key, signature_failed};
use crate::pki::algorithms::Scheme;
use crate::pki::cert::{Certificate, hex, sha256};
use crate::pki::revocation::RevocationStore;
use crate::pki::{self, Extra, Policy, TrustStore};
use crate::verdict::{Check, Code, Verdict};
use base64::Engine;
use roxmltree::Node;
use serde_json::json;
use std::sync::Arc;

/// Most signatures verified in one document.
pub const MAX_SIGNATURES: usize = 16;

/// Everything one XML verification needs besides the trust store.
#[derive(Debug, Default)]
pub struct XmlVerifyRequest<'a> {
    /// The document, UTF-8.
    pub xml: &'a [u8],
    /// Validation time, Unix seconds.
    pub at: i64,
    /// Checks to run.
    pub policy: Policy,
    /// Extra certificates for path building (and for KeyInfo that only names one).
    pub extra: Extra,
    /// CRLs supplied with the request (added to the store's).
    pub crls: RevocationStore,
    /// The local name of the element that holds the applicant's IIN in the
    /// service's schema (e.g. `iin`): when set, the IIN check also compares it.
    pub iin_element: Option<String>,
}

/// The exact bytes one reference covers, and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedContent {
    /// Which signature (1-based, in document order).
    pub signature: usize,
    /// The reference's URI.
    pub uri: String,
    /// The signed element's qualified name.
    pub element: String,
    /// Its path in the document.
    pub path: String,
    /// The canonical bytes the digest covers.
    pub bytes: Vec<u8>,
}

/// A verdict and the signed content behind it.
#[derive(Debug, Clone)]
pub struct XmlVerdict {
    /// The verdict (its `envelope` names the signed elements and carries
    /// their bytes, base64).
    pub verdict: Verdict,
    /// What each reference covers (to be used only when the verdict passed).
    pub signed: Vec<SignedContent>,
}

const AFTER_FORMAT: &[&str] = &[
    "content",
    "algorithms",
    "digest",
    "signature",
    "lifetime",
    "chain",
    "validity",
    "revocation",
    "key_usage",
    "iin",
];

fn malformed_verdict(req: &XmlVerifyRequest<'_>, problem: String) -> XmlVerdict {
    XmlVerdict {
        verdict: Verdict::unreadable(
            Code::EnvelopeMalformed,
            problem,
            AFTER_FORMAT,
            "the document could not be read",
            req.at,
            req.policy.describe(),
        ),
        signed: Vec::new(),
    }
}

/// Verifies every signature of an XML document (condition 2).
pub fn verify(req: &XmlVerifyRequest<'_>, store: &TrustStore) -> XmlVerdict {
    let text = match tree::text(req.xml) {
        Ok(t) => t,
        Err(e) => return malformed_verdict(req, e.to_string()),
    };
    let xml = match Xml::parse(text) {
        Ok(x) => x,
        Err(e) => return malformed_verdict(req, e.to_string()),
    };
    let root = xml.doc.root_element();
    let mut soap = None;
    let (format, expect, sigs): (&str, Expect, Vec<Node<'_, '_>>) = if wsse::is_soap(&xml) {
        match wsse::read(&xml) {
            Err(e) => return malformed_verdict(req, e.to_string()),
            Ok(s) if s.security.is_some() => {
                let sigs = s.signature.into_iter().collect();
                let expect = Expect::Soap {
                    body: s.body.id(),
                    timestamp: s.timestamp.map(|t| t.element.id()),
                };
                soap = Some(s);
                ("ws-security", expect, sigs)
            }
            Ok(_) => ("xmldsig", Expect::Document, all_signatures(&xml)),
        }
    } else {
        ("xmldsig", Expect::Document, all_signatures(&xml))
    };
    if sigs.is_empty() {
        let where_ = if format == "ws-security" {
            "the wsse:Security header holds no ds:Signature"
        } else {
            "the document holds no ds:Signature"
        };
        return malformed_verdict(req, where_.into());
    }
    if sigs.len() > MAX_SIGNATURES {
        return malformed_verdict(
            req,
            format!("{} signatures (at most {MAX_SIGNATURES})", sigs.len()),
        );
    }
    let own_crls =
        req.crls.crls.is_empty() && req.crls.rejected.is_empty() && req.crls.ocsps.is_empty();
    let crls: std::borrow::Cow<'_, RevocationStore> = if own_crls {
        std::borrow::Cow::Borrowed(&store.revocation)
    } else {
        std::borrow::Cow::Owned(extended(&store.revocation, &req.crls))
    };
    let mut verdicts = Vec::with_capacity(sigs.len());
    let mut signed = Vec::new();
    let mut references = Vec::new();
    for (i, s) in sigs.iter().enumerate() {
        let one = One {
            xml: &xml,
            req,
            store,
            crls: &crls,
            expect,
            soap: soap.as_ref(),
            index: i + 1,
        };
        let (mut v, content) = one.verify(*s);
        v.role = Some(json!({ "signature": i + 1, "path": path(*s) }));
        for c in &content {
            references.push(json!({
                "signature": c.signature,
                "uri": c.uri,
                "element": c.element,
                "path": c.path,
                "signed_length": c.bytes.len(),
                "signed_sha256": hex(&sha256(&c.bytes)),
                "signed_bytes": base64::engine::general_purpose::STANDARD.encode(&c.bytes),
            }));
        }
        signed.extend(content);
        verdicts.push(v);
    }
    reconcile_iin(&mut verdicts, "signature");
    let info = json!({
        "format": format,
        "document_element": qname(root),
        "signatures": sigs.len(),
        "references": references,
        "length": req.xml.len(),
        "sha256": hex(&sha256(req.xml)),
    });
    XmlVerdict {
        verdict: Verdict::worst_of(verdicts, info),
        signed,
    }
}

fn all_signatures<'a, 'i>(xml: &'a Xml<'i>) -> Vec<Node<'a, 'i>> {
    xml.doc
        .root_element()
        .descendants()
        .filter(|n| is(*n, NS_DSIG, "Signature"))
        .take(MAX_SIGNATURES + 1)
        .collect()
}

struct One<'r, 'a, 'i> {
    xml: &'a Xml<'i>,
    req: &'r XmlVerifyRequest<'r>,
    store: &'r TrustStore,
    crls: &'r RevocationStore,
    expect: Expect,
    soap: Option<&'r wsse::Soap<'a, 'i>>,
    index: usize,
}

impl<'a, 'i> One<'_, 'a, 'i> {
    fn skipped_rest(&self, checks: &mut Vec<Check>, from: &str, why: &str) {
        let start = AFTER_FORMAT.iter().position(|n| *n == from).unwrap_or(0);
        for name in &AFTER_FORMAT[start..] {
            checks.push(Check::skipped(name, why));
        }
    }

    fn parse_cert(&self, raw: &[u8]) -> Result<Arc<Certificate>, String> {
        if let Some(c) = self.store.seen_certificate(raw) {
            return Ok(c);
        }
        let c = Arc::new(Certificate::from_der(raw).map_err(|e| e.to_string())?);
        self.store.remember_certificate(&c);
        Ok(c)
    }

    /// The signer's certificate and the other certificates that came with it.
    #[allow(clippy::type_complexity)]
    fn certificates(
        &self,
        info: &SignatureInfo<'a, 'i>,
    ) -> Result<(Option<Arc<Certificate>>, Vec<Arc<Certificate>>), String> {
        let find = |pred: &dyn Fn(&Certificate) -> bool| {
            self.req.extra.certs.iter().find(|c| pred(c)).cloned()
        };
        match &info.key {
            KeyRef::Certificates(raw) => {
                let mut certs = Vec::with_capacity(raw.len());
                for r in raw {
                    certs.push(
                        self.parse_cert(r)
                            .map_err(|e| format!("certificate in KeyInfo: {e}"))?,
                    );
                }
                // The signer's is the one that issues none of the others.
                let leaf = certs
                    .iter()
                    .find(|c| {
                        !certs
                            .iter()
                            .any(|o| o.fingerprint != c.fingerprint && o.named_issuer_is(c))
                    })
                    .or(certs.first())
                    .cloned();
                Ok((leaf, certs))
            }
            KeyRef::KeyIdentifierCertificate(raw) => {
                let c = self
                    .parse_cert(raw)
                    .map_err(|e| format!("certificate in wsse:KeyIdentifier: {e}"))?;
                Ok((Some(c.clone()), vec![c]))
            }
            KeyRef::TokenReference(uri) => {
                let raw = wsse::token(self.xml, uri, self.soap.and_then(|s| s.security))
                    .map_err(|e| e.to_string())?;
                let c = self
                    .parse_cert(&raw)
                    .map_err(|e| format!("certificate in wsse:BinarySecurityToken: {e}"))?;
                Ok((Some(c.clone()), vec![c]))
            }
            KeyRef::KeyIdentifierSki(ski) => Ok((
                find(&|c| c.ski.as_deref() == Some(ski.as_slice())),
                Vec::new(),
            )),
            KeyRef::KeyIdentifierThumbprint(t) => Ok((
                find(&|c| {
                    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &c.der).as_ref()
                        == t.as_slice()
                }),
                Vec::new(),
            )),
            KeyRef::None => Ok((None, Vec::new())),
        }
    }

    fn verify(&self, sig_node: Node<'a, 'i>) -> (Verdict, Vec<SignedContent>) {
        let req = self.req;
        let mut checks = Vec::with_capacity(11);
        let sig_path = path(sig_node);
        // 1. Format: the signature and the signer's certificate.
        let info = match signature::read(sig_node) {
            Ok(i) => i,
            Err(e) => {
                checks.push(Check::failed(
                    "format",
                    Code::EnvelopeMalformed,
                    json!({ "problem": e.to_string(), "signature": sig_path }),
                ));
                self.skipped_rest(&mut checks, "content", "the signature could not be read");
                return (
                    Verdict::new(checks, req.at, req.policy.describe(), None, None),
                    Vec::new(),
                );
            }
        };
        let (cert, key_certs) = match self.certificates(&info) {
            Ok(x) => x,
            Err(problem) => {
                checks.push(Check::failed(
                    "format",
                    Code::EnvelopeMalformed,
                    json!({ "problem": problem, "signature": sig_path }),
                ));
                self.skipped_rest(
                    &mut checks,
                    "content",
                    "the signer's certificate could not be read",
                );
                return (
                    Verdict::new(checks, req.at, req.policy.describe(), None, None),
                    Vec::new(),
                );
            }
        };
        checks.push(Check::passed(
            "format",
            json!({ "signature": sig_path, "id": sig_node.attribute("Id"), "references": info.references.len(), "key_info": info.key.name() }),
        ));

        // Algorithms (reported after content, decided first).
        let si_c14n = C14n::from_uri(&info.c14n.0).map(|mut c| {
            if c.method == Method::Exclusive {
                c.inclusive_prefixes = info.c14n.1.clone();
            }
            c
        });
        let scheme = algorithms::signature_method(&info.signature_method);
        let chains: Vec<Result<Chain, reference::ChainError>> =
            info.references.iter().map(reference::chain).collect();

        // 1. Content: what the references cover.
        let mut targets = Vec::with_capacity(info.references.len());
        let mut problem = None;
        for r in &info.references {
            match reference::dereference(self.xml, r) {
                Ok(t) => targets.push(t),
                Err(e) => {
                    problem = Some(e);
                    break;
                }
            }
        }
        let enveloped: Vec<bool> = info
            .references
            .iter()
            .map(|r| r.transforms.iter().any(|(u, _)| u == algorithms::ENVELOPED))
            .collect();
        if problem.is_none()
            && let Err(e) = reference::check_targets(&info, &targets, self.expect, &enveloped)
        {
            problem = Some(e);
        }
        let covered: Vec<_> = info
            .references
            .iter()
            .zip(targets.iter())
            .map(|(r, t)| json!({ "uri": r.uri, "element": reference::element_name(*t), "path": reference::element_path(*t) }))
            .collect();
        match &problem {
            None => checks.push(Check::passed("content", json!({ "references": covered }))),
            Some(e) => checks.push(Check::failed(
                "content",
                Code::SignedElementInvalid,
                json!({ "problem": e.to_string(), "references": covered }),
            )),
        }

        // 1. Algorithms.
        let key_problem = cert
            .as_ref()
            .and_then(|c| c.key.as_ref().err().map(|e| e.to_string()));
        let mut alg_problems: Vec<String> = Vec::new();
        if si_c14n.is_none() {
            alg_problems.push(format!(
                "canonicalization method {} is not supported",
                info.c14n.0
            ));
        }
        if let Err(e) = &scheme {
            alg_problems.push(e.to_string());
        }
        for c in chains.iter() {
            if let Err(e) = c {
                alg_problems.push(e.to_string());
            }
        }
        if let Some(k) = &key_problem {
            alg_problems.push(k.clone());
        }
        let alg_detail = json!({
            "canonicalization": info.c14n.0,
            "signature_method": info.signature_method,
            "scheme": scheme.as_ref().ok().map(|s| s.name()),
            "digest_methods": info.references.iter().map(|r| r.digest_method.clone()).collect::<Vec<_>>(),
            "key": cert.as_ref().and_then(|c| c.key.as_ref().ok()).map(|k| json!({ "algorithm": k.kind.algorithm(), "bits": k.kind.bits() })),
        });
        if alg_problems.is_empty() {
            checks.push(Check::passed("algorithms", alg_detail));
        } else {
            let mut d = alg_detail;
            d["problem"] = json!(alg_problems.join("; "));
            checks.push(Check::failed("algorithms", Code::AlgorithmUnsupported, d));
        }

        // 2. Digests, over the exact canonical bytes.
        let mut content = Vec::new();
        let resolved = targets.len() == info.references.len();
        if resolved && chains.iter().all(|c| c.is_ok()) {
            let mut rows = Vec::new();
            let mut all_match = true;
            let mut failure = None;
            for ((r, t), c) in info.references.iter().zip(&targets).zip(&chains) {
                let Ok(c) = c else { continue };
                match reference::signed_bytes(*t, &info, c) {
                    Ok(bytes) => {
                        let computed = c.digest.hash(&bytes);
                        let ok = computed == r.digest_value;
                        all_match &= ok;
                        rows.push(json!({
                            "uri": r.uri, "algorithm": c.digest.name(), "canonicalization": c.c14n.uri(),
                            "computed": hex(&computed), "claimed": hex(&r.digest_value), "matches": ok,
                        }));
                        content.push(SignedContent {
                            signature: self.index,
                            uri: r.uri.clone().unwrap_or_default(),
                            element: reference::element_name(*t),
                            path: reference::element_path(*t),
                            bytes,
                        });
                    }
                    Err(e) => failure = Some(e.to_string()),
                }
            }
            checks.push(match (failure, all_match) {
                (Some(p), _) => Check::failed(
                    "digest",
                    Code::AlgorithmUnsupported,
                    json!({ "problem": p, "references": rows }),
                ),
                (None, true) => Check::passed("digest", json!({ "references": rows })),
                (None, false) => Check::failed(
                    "digest",
                    Code::DigestMismatch,
                    json!({ "references": rows }),
                ),
            });
        } else {
            checks.push(Check::skipped(
                "digest",
                "the references could not be followed or their algorithms are not supported",
            ));
        }

        // 3. The signature over the canonical SignedInfo.
        checks.push(match (&cert, &scheme, &si_c14n) {
            (None, _, _) => Check::failed(
                "signature",
                Code::SignerCertMissing,
                json!({ "problem": "KeyInfo names no certificate that was found", "key_info": info.key.name() }),
            ),
            (Some(c), Ok(sc), Some(cm)) if key_problem.is_none() => signature_check(&info, c, *sc, cm),
            _ => Check::skipped("signature", "algorithm not supported"),
        });

        // The message's lifetime.
        checks.push(match (self.expect, self.soap) {
            (Expect::Soap { .. }, Some(s)) => wsse::lifetime_check(s.timestamp.as_ref(), req.at),
            _ => Check::skipped("lifetime", "not a WS-Security message"),
        });

        // 4-8.
        let mut policy = req.policy.clone();
        let mut doc_iin: Option<Result<String, Check>> = None;
        if let Some(name) = &req.iin_element {
            doc_iin = Some(iin_in_content(&targets, name, req.policy.iin.as_deref()));
            if let Some(Ok(i)) = &doc_iin {
                policy.iin = Some(i.clone());
            }
        }
        let signer_json = cert.as_ref().map(|c| pki::describe(c));
        match &cert {
            Some(c) => {
                let mut extra = req.extra.clone();
                for k in &key_certs {
                    if !extra.certs.iter().any(|x| x.fingerprint == k.fingerprint) {
                        extra.certs.push(k.clone());
                    }
                }
                let v = pki::validate(c, self.store, &extra, self.crls, req.at, &policy);
                checks.extend(v.checks);
                if let Some(Err(check)) = doc_iin {
                    if let Some(slot) = checks.iter_mut().find(|x| x.name == "iin") {
                        *slot = check;
                    }
                } else if let Some(Ok(i)) = &doc_iin
                    && let Some(slot) = checks.iter_mut().find(|x| x.name == "iin")
                {
                    slot.detail["document_iin"] = json!(i);
                    slot.detail["iin_element"] = json!(req.iin_element);
                }
            }
            None => {
                for name in ["chain", "validity", "revocation", "key_usage", "iin"] {
                    checks.push(Check::skipped(
                        name,
                        "the signer's certificate was not found",
                    ));
                }
            }
        }
        let mut policy_json = policy.describe();
        policy_json["iin_element"] = json!(req.iin_element);
        (
            Verdict::new(checks, req.at, policy_json, signer_json, None),
            content,
        )
    }
}

/// Step 3: the signature value over the canonical `SignedInfo`.
fn signature_check(
    info: &SignatureInfo<'_, '_>,
    cert: &Certificate,
    sc: Scheme,
    cm: &C14n,
) -> Check {
    let Ok(key) = cert.key.as_ref() else {
        return Check::skipped("signature", "key not supported");
    };
    let mut detail =
        json!({ "certificate": cert.label(), "scheme": sc.name(), "canonicalization": cm.uri() });
    if !scheme_fits_key(sc, key.kind) {
        detail["problem"] = json!("the signature method does not fit the certificate's key");
        return Check::failed("signature", Code::SignatureInvalid, detail);
    }
    let signed_info = match c14n::to_vec(info.signed_info, None, cm) {
        Ok(b) => b,
        Err(e) => {
            detail["problem"] = json!(e.to_string());
            return Check::failed("signature", Code::AlgorithmUnsupported, detail);
        }
    };
    detail["signed_info_sha256"] = json!(hex(&sha256(&signed_info)));
    let value = match sc {
        Scheme::Ecdsa(_) => ecdsa_raw_to_der(&info.value).unwrap_or_default(),
        _ => info.value.clone(),
    };
    match crate::pki::algorithms::verify(sc, key, &signed_info, &value) {
        Ok(()) => Check::passed("signature", detail),
        Err(e) => signature_failed(&e, detail),
    }
}
