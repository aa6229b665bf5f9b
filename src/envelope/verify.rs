//! Condition 2: the verdict on an envelope, signer by signer.
//!
//! Owns steps 1–3 (format, content, algorithms, digest, signature, signer
//! certificate) and the assembly of each signer's checks with steps 4–8 from
//! `pki`. The envelope's verdict is its worst signer's. Never panics on input;
//! every failure is a check with a code.

use super::crypto::{crypto_checks, digest_only};
use super::describe::{oid_text, sid_json};
use super::find::find_cert;
use super::parse::{
    self, Envelope, OID_CONTENT_TYPE, OID_DATA, OID_MESSAGE_DIGEST, OID_SIGNING_TIME, Signer,
};
use super::sign::OID_COUNTERSIGNATURE;
use crate::asn1::{single, time_of};
use crate::pki::algorithms::{self, Digest};
use crate::pki::cert::{Certificate, hex};
use crate::pki::revocation::RevocationStore;
use crate::pki::{self, Extra, Policy, TrustStore};
use crate::verdict::{Check, Code, Verdict};
use der::{Decode, Tag};
use serde_json::json;
use std::sync::Arc;

/// Everything one verification needs besides the trust store.
#[derive(Debug, Default)]
pub struct VerifyRequest<'a> {
    /// The envelope: DER, BER, PEM or base64 text.
    pub envelope: &'a [u8],
    /// The signed bytes, for a detached signature.
    pub data: Option<&'a [u8]>,
    /// Validation time, Unix seconds.
    pub at: i64,
    /// Checks to run.
    pub policy: Policy,
    /// Extra certificates for path building.
    pub extra: Extra,
    /// CRLs supplied with the request (added to the store's).
    pub crls: RevocationStore,
}

fn malformed_verdict(req: &VerifyRequest<'_>, why: String) -> Verdict {
    Verdict::unreadable(
        Code::EnvelopeMalformed,
        why,
        &[
            "content",
            "algorithms",
            "digest",
            "signature",
            "chain",
            "validity",
            "revocation",
            "key_usage",
            "iin",
        ],
        "the envelope could not be read",
        req.at,
        req.policy.describe(),
    )
}

/// The length and digests of a detached signature's content, computed
/// elsewhere (streamed over a large file, as for a PDF's ByteRange), so the
/// content itself never has to be in memory.
#[derive(Debug, Clone, Default)]
pub struct Prehashed {
    /// The content's length in bytes.
    pub length: u64,
    /// The content's digest under each algorithm the signers use.
    pub digests: Vec<(Digest, Vec<u8>)>,
}

impl Prehashed {
    pub(super) fn get(&self, d: Digest) -> Option<&[u8]> {
        self.digests
            .iter()
            .find(|(x, _)| *x == d)
            .map(|(_, v)| v.as_slice())
    }
}

/// Verifies an envelope: condition 2 for every signer.
pub fn verify(req: &VerifyRequest<'_>, store: &TrustStore) -> Verdict {
    verify_with(req, store, None)
}

/// [`verify`] for a detached envelope whose content is given by its digests
/// (`req.data` is ignored). A signer without signed attributes cannot be
/// checked this way: its digest check fails with `CONTENT_MISSING`.
pub fn verify_prehashed(
    req: &VerifyRequest<'_>,
    store: &TrustStore,
    content: &Prehashed,
) -> Verdict {
    verify_with(req, store, Some(content))
}

fn verify_with(req: &VerifyRequest<'_>, store: &TrustStore, pre: Option<&Prehashed>) -> Verdict {
    let bytes =
        match crate::input::decode_der(req.envelope, &["CMS", "PKCS7", "PKCS #7 SIGNED DATA"]) {
            Ok(b) => b,
            Err(e) => return malformed_verdict(req, e.to_string()),
        };
    let env = match parse::parse(&bytes) {
        Ok(e) => e,
        Err(e) => return malformed_verdict(req, e.0),
    };
    let mut certs = Vec::with_capacity(env.certs.len());
    for raw in &env.certs {
        // A certificate the store already knows is not parsed again.
        if let Some(known) = store
            .intermediates
            .iter()
            .chain(store.anchors.iter())
            .find(|c| c.der.as_slice() == raw.as_slice())
        {
            certs.push(known.clone());
            continue;
        }
        if let Some(seen) = store.seen_certificate(raw) {
            certs.push(seen);
            continue;
        }
        match Certificate::from_der(raw) {
            Ok(c) => {
                let c = Arc::new(c);
                store.remember_certificate(&c);
                certs.push(c)
            }
            Err(e) => return malformed_verdict(req, format!("certificate in the envelope: {e}")),
        }
    }
    let mut extra = req.extra.clone();
    for c in &certs {
        if !extra.certs.iter().any(|x| x.fingerprint == c.fingerprint) {
            extra.certs.push(c.clone());
        }
    }
    // Validation data the signers carry (CAdES B-LT): their certificates
    // join the pool, their CRLs and OCSP responses the revocation data.
    let carried: Vec<super::longterm::Embedded> =
        env.signers.iter().map(super::longterm::embedded).collect();
    for c in carried.iter().flat_map(|e| e.certs.iter()) {
        if let Ok(c) = Certificate::from_der(c)
            && !extra.certs.iter().any(|x| x.fingerprint == c.fingerprint)
        {
            extra.certs.push(Arc::new(c));
        }
    }
    // The store's revocation data as it is, unless the request or the
    // envelope brings more (then a copy of the list of Arcs, extended).
    let own = req.crls.crls.is_empty()
        && req.crls.rejected.is_empty()
        && req.crls.ocsps.is_empty()
        && env.crls.is_empty()
        && carried
            .iter()
            .all(|e| e.crls.is_empty() && e.ocsps.is_empty());
    let crls: std::borrow::Cow<'_, RevocationStore> = if own {
        std::borrow::Cow::Borrowed(&store.revocation)
    } else {
        let mut crls = extended(&store.revocation, &req.crls);
        for (i, raw) in env.crls.iter().enumerate() {
            crls.add_bytes(raw, &format!("envelope CRL #{}", i + 1));
        }
        for (n, e) in carried.iter().enumerate() {
            for (i, raw) in e.crls.iter().enumerate() {
                crls.add_bytes(
                    raw,
                    &format!("signer #{} revocation-values CRL #{}", n + 1, i + 1),
                );
            }
            for (i, raw) in e.ocsps.iter().enumerate() {
                crls.add_ocsp(
                    raw,
                    &format!("signer #{} revocation-values OCSP #{}", n + 1, i + 1),
                );
            }
        }
        std::borrow::Cow::Owned(crls)
    };
    // The signature covers the attached content; data given beside it must be the same bytes.
    let pre = if env.content.is_some() { None } else { pre };
    let data = if pre.is_some() {
        Some(&[][..])
    } else {
        req.data
    };
    let content: Option<&[u8]> = env.content.as_deref().or(data);
    let conflict = matches!((env.content.as_deref(), req.data), (Some(a), Some(b)) if a != b);
    let candidates: Vec<Arc<Certificate>> = extra.certs.clone();

    let mut verdicts: Vec<Verdict> = env
        .signers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut v = verify_signer(
                &env,
                s,
                content,
                pre,
                &candidates,
                store,
                &extra,
                &crls,
                req,
                false,
            );
            if conflict {
                data_conflict(&mut v, req);
            }
            v.role = Some(json!({ "signer": i + 1 }));
            v
        })
        .collect();
    reconcile_iin(&mut verdicts, "signer");
    // Countersignatures: SignerInfos over a signer's signature value.
    let counter_req = VerifyRequest {
        envelope: req.envelope,
        data: None,
        at: req.at,
        policy: Policy {
            iin: None,
            ..req.policy.clone()
        },
        ..Default::default()
    };
    for (i, s) in env.signers.iter().enumerate() {
        for value in s
            .unsigned_attrs
            .iter()
            .filter(|a| a.oid == OID_COUNTERSIGNATURE)
            .flat_map(|a| a.values.iter())
        {
            let mut v = match parse::signer_from_der(value) {
                Ok(cs) => verify_signer(
                    &env,
                    &cs,
                    Some(&s.signature),
                    None,
                    &candidates,
                    store,
                    &extra,
                    &crls,
                    &counter_req,
                    true,
                ),
                Err(e) => malformed_verdict(&counter_req, format!("countersignature: {}", e.0)),
            };
            v.role = Some(json!({ "countersignature_of": i + 1 }));
            verdicts.push(v);
        }
    }
    let envelope_info = json!({
        "detached": env.content.is_none(),
        "content_type": env.content_type.to_string(),
        "content_length": pre.map(|p| p.length).or(content.map(|c| c.len() as u64)),
        "content_sha256": match pre {
            Some(p) => p.get(Digest::Sha256).map(hex),
            None => content.map(|c| hex(&crate::pki::cert::sha256(c))),
        },
        "signers": env.signers.len(),
        "certificates": env.certs.len(),
        "ber": env.was_ber,
    });
    Verdict::worst_of(verdicts, envelope_info)
}

/// A copy of `store` (the lists of Arcs) with the revocation data a
/// request brings (`given`) added.
pub(crate) fn extended(store: &RevocationStore, given: &RevocationStore) -> RevocationStore {
    let mut out = store.clone();
    out.crls.extend(given.crls.iter().cloned());
    out.rejected.extend(given.rejected.iter().cloned());
    out.ocsps.extend(given.ocsps.iter().cloned());
    out
}

/// With several signers, the request's IIN belongs to one of them (the
/// applicant): when one signer's IIN matches, the others' IIN checks are
/// skipped instead of failed. `signer` is what the verdicts are of
/// (`signer` in an envelope, `signature` in XML), for the note.
pub(crate) fn reconcile_iin(verdicts: &mut [Verdict], signer: &str) {
    let iin_passed = |v: &Verdict| {
        v.checks
            .iter()
            .any(|c| c.name == "iin" && c.outcome == crate::verdict::Outcome::Passed)
    };
    let Some(owner) = verdicts.iter().position(iin_passed) else {
        return;
    };
    for (i, v) in verdicts.iter_mut().enumerate() {
        let other_iin = v.checks.iter().any(|c| {
            c.name == "iin" && matches!(c.code, Some(Code::IinMismatch) | Some(Code::IinMissing))
        });
        if i != owner && other_iin {
            *v = v.with_check(
                "iin",
                Check::skipped(
                    "iin",
                    &format!("the request's IIN is {signer} #{}'s", owner + 1),
                ),
            );
        }
    }
}

/// Marks the digest check failed: the data given differs from the attached content.
fn data_conflict(v: &mut Verdict, req: &VerifyRequest<'_>) {
    let check = Check::failed(
        "digest",
        Code::DigestMismatch,
        json!({ "problem": "the data given differs from the content attached to the envelope", "data_sha256": req.data.map(|d| hex(&crate::pki::cert::sha256(d))) }),
    );
    *v = v.with_check("digest", check);
}

/// Checks the signed attributes' shape (RFC 5652 5.3, 11); returns the signing time.
fn attribute_problems(env: &Envelope, s: &Signer, counter: bool) -> Result<Option<i64>, String> {
    if counter {
        if s.signed_attrs_der.is_none() {
            return Err("a countersignature must have signed attributes".into());
        }
        if s.signed_attrs.iter().any(|a| a.oid == OID_CONTENT_TYPE) {
            return Err("a countersignature must not carry a content-type attribute".into());
        }
    } else if s.signed_attrs_der.is_none() {
        if env.content_type != OID_DATA {
            return Err(
                "signed attributes are required when the content type is not id-data".into(),
            );
        }
        return Ok(None);
    }
    let one = |oid| -> Result<&[u8], String> {
        let a = s
            .signed_attrs
            .iter()
            .find(|a| a.oid == oid)
            .ok_or_else(|| format!("signed attribute {oid} is missing"))?;
        if a.values.len() != 1 {
            return Err(format!(
                "signed attribute {oid} must have exactly one value"
            ));
        }
        Ok(&a.values[0])
    };
    if !counter {
        let ct = one(OID_CONTENT_TYPE)?;
        let ct = der::asn1::ObjectIdentifier::from_der(ct)
            .map_err(|e| format!("content-type attribute: {e}"))?;
        if ct != env.content_type {
            return Err(format!(
                "content-type attribute {ct} differs from the content type {}",
                env.content_type
            ));
        }
    }
    let md = one(OID_MESSAGE_DIGEST)?;
    if single(md)
        .map(|t| t.tag != Tag::OctetString)
        .unwrap_or(true)
    {
        return Err("message-digest attribute is not an OCTET STRING".into());
    }
    match s.signed_attrs.iter().find(|a| a.oid == OID_SIGNING_TIME) {
        None => Ok(None),
        Some(a) if a.values.len() == 1 => time_of(&a.values[0])
            .map(Some)
            .map_err(|e| format!("signing-time attribute: {e}")),
        Some(_) => Err("signing-time attribute must have exactly one value".into()),
    }
}

#[allow(clippy::too_many_arguments)]
fn verify_signer(
    env: &Envelope,
    s: &Signer,
    content: Option<&[u8]>,
    pre: Option<&Prehashed>,
    pool: &[Arc<Certificate>],
    store: &TrustStore,
    extra: &Extra,
    crls: &RevocationStore,
    req: &VerifyRequest<'_>,
    counter: bool,
) -> Verdict {
    let mut checks = Vec::with_capacity(10);
    let at = req.at;
    // 1. Format of this signer's attributes.
    let signing_time = match attribute_problems(env, s, counter) {
        Ok(t) => {
            checks.push(Check::passed("format", json!({ "signed_attributes": s.signed_attrs_der.is_some(), "signer_id": sid_json(&s.sid, pool) })));
            t
        }
        Err(p) => {
            checks.push(Check::failed(
                "format",
                Code::EnvelopeMalformed,
                json!({ "problem": p, "signer_id": sid_json(&s.sid, pool) }),
            ));
            None
        }
    };
    // 1. Content.
    match content {
        Some(c) => checks.push(Check::passed(
            "content",
            json!({ "detached": env.content.is_none(), "length": pre.map_or(c.len() as u64, |p| p.length) }),
        )),
        None => checks.push(Check::failed(
            "content",
            Code::ContentMissing,
            json!({ "problem": "detached signature and no data was given" }),
        )),
    }
    // 1. Algorithms.
    let cert = find_cert(&s.sid, pool);
    let digest = Digest::from_oid(&s.digest_alg.oid);
    let scheme = digest
        .clone()
        .ok()
        .map(|d| algorithms::scheme_for(&s.sig_alg, Some(d)))
        .unwrap_or_else(|| algorithms::scheme_for(&s.sig_alg, None));
    let key_problem = cert.as_ref().and_then(|c| c.key.as_ref().err().cloned());
    let alg_detail = json!({
        "digest_algorithm": oid_text(&s.digest_alg.oid),
        "signature_algorithm": oid_text(&s.sig_alg.oid),
        "scheme": scheme.as_ref().ok().map(|x| x.name()),
        "key": cert.as_ref().and_then(|c| c.key.as_ref().ok()).map(|k| json!({ "algorithm": k.kind.algorithm(), "bits": k.kind.bits() })),
    });
    let alg_error = digest
        .as_ref()
        .err()
        .or(scheme.as_ref().err())
        .or(key_problem.as_ref())
        .map(|e| e.to_string());
    // A key that cannot be what its algorithm says (a GOST point off its
    // curve, an RSA key that does not parse) makes the certificate
    // malformed: no policy could make it verify anything.
    let alg_code = match (&digest, &scheme, &key_problem) {
        (Ok(_), Ok(_), Some(algorithms::AlgError::Malformed(_))) => Code::CertMalformed,
        _ => Code::AlgorithmUnsupported,
    };
    match &alg_error {
        None => checks.push(Check::passed("algorithms", alg_detail)),
        Some(p) => {
            let mut d = alg_detail;
            d["problem"] = json!(p);
            checks.push(Check::failed("algorithms", alg_code, d));
        }
    }
    // 2 and 3. Digest and signature.
    let (digest_check, sig_check) = match (
        content,
        digest.as_ref().ok(),
        scheme.as_ref().ok(),
        &cert,
    ) {
        (Some(content), Some(d), Some(sc), Some(c)) if alg_error.is_none() => {
            crypto_checks(s, content, pre, *d, *sc, c)
        }
        (_, _, _, None) => (
            match (content, digest.as_ref().ok()) {
                (Some(content), Some(d)) if s.signed_attrs_der.is_some() => {
                    digest_only(s, content, pre, *d)
                }
                _ => Check::skipped(
                    "digest",
                    "cannot be checked without the content, a supported digest and the signer's certificate",
                ),
            },
            Check::failed(
                "signature",
                Code::SignerCertMissing,
                json!({ "problem": "no certificate matches the signer identifier", "signer_id": sid_json(&s.sid, pool), "certificates_searched": pool.len() }),
            ),
        ),
        (Some(content), Some(d), _, _) if s.signed_attrs_der.is_some() => (
            digest_only(s, content, pre, *d),
            Check::skipped("signature", "algorithm not supported"),
        ),
        _ => (
            Check::skipped("digest", "content or algorithm not available"),
            Check::skipped("signature", "content or algorithm not available"),
        ),
    };
    checks.push(digest_check);
    checks.push(sig_check);
    // 4–8.
    let signer_json = cert.as_ref().map(|c| pki::describe(c));
    let mut policy_json = req.policy.describe();
    let mut level = None;
    match &cert {
        Some(c) => {
            let mut v = pki::validate(c, store, extra, crls, at, &req.policy);
            // Archive time-stamps first (newest at `at`): the earliest sound
            // one proves the rest existed then.
            let whole = if pre.is_none() { content } else { None };
            let archive =
                super::longterm::archive::check(env, s, whole, store, extra, crls, at, &req.policy);
            let archive_poe = archive.as_ref().and_then(|a| a.poe);
            let mut stamp = super::timestamp::check(s, store, extra, crls, at, &req.policy);
            // A signature time-stamp that cannot be validated now (its TSA's
            // certificate expired) is checked at the archive's proof time.
            if let (Some(st), Some(t)) = (&stamp, archive_poe)
                && st.poe.is_none()
                && st.check.outcome != crate::verdict::Outcome::Failed
            {
                let mut again = super::timestamp::check(s, store, extra, crls, t, &req.policy);
                if let Some(a) = again.as_mut() {
                    a.check.detail["checked_at"] = json!(crate::time::rfc3339(t));
                    a.check.detail["checked_at_because"] =
                        json!("proof of existence from the archive time-stamp");
                }
                stamp = again;
            }
            let stamp_passed = stamp.as_ref().is_some_and(|st| st.poe.is_some());
            // The earliest proof that the signature existed.
            let poe = match (stamp.as_ref().and_then(|st| st.poe), archive_poe) {
                (Some(a), _) => Some((a, "signature time-stamp")),
                (None, Some(b)) => Some((b, "archive time-stamp")),
                _ => None,
            };
            if let Some((t, source)) = poe {
                // A sound proof of existence: a certificate expired since, or
                // revoked after it, or whose revocation data is gone now,
                // still passes when every check passes at the proof's time.
                if v.checks.iter().any(|c| c.code.is_some()) && t < at {
                    let at_poe = pki::validate(c, store, extra, crls, t, &req.policy);
                    if at_poe.checks.iter().all(|c| c.code.is_none()) {
                        v = at_poe;
                        policy_json["name"] = json!("condition-2/long-term");
                        policy_json["poe"] =
                            json!({ "time": crate::time::rfc3339(t), "source": source });
                    }
                }
            }
            match stamp {
                Some(st) => checks.push(st.check),
                None => checks.push(Check::skipped(
                    "timestamp",
                    "the signature carries no time-stamp",
                )),
            }
            let archive_passed = archive.as_ref().is_some_and(|a| a.poe.is_some());
            if let Some(a) = archive {
                checks.push(a.check);
            }
            level = super::longterm::form(env, s).map(|form| {
                use super::longterm::Level;
                let reached = match (stamp_passed, archive_passed) {
                    (false, _) => Level::BB,
                    (true, false) => Level::BLt,
                    (true, true) => Level::BLta,
                };
                form.min(reached).name().to_string()
            });
            policy_json["trust_profile"] = json!(v.trust_profile);
            checks.extend(v.checks);
        }
        None => {
            for name in [
                "timestamp",
                "chain",
                "validity",
                "revocation",
                "key_usage",
                "iin",
            ] {
                checks.push(Check::skipped(
                    name,
                    "the signer's certificate was not found",
                ));
            }
        }
    }
    let mut v = Verdict::new(
        checks,
        at,
        policy_json,
        signer_json,
        signing_time.map(crate::time::rfc3339),
    );
    v.signed_attributes = Some(s.signed_attrs.iter().map(|a| oid_text(&a.oid)).collect());
    v.level = level;
    v
}
