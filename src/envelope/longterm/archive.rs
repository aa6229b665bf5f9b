//! Archive time-stamps v3 as proofs of existence (ETSI EN 319 102-1 5.6.2,
//! EN 319 122-1 5.5.3): each token's ats-hash-index-v3 must list only items
//! still in the signature, its imprint must be the hash of what it covers,
//! and it must itself be valid — the newest at the validation time, each
//! older one at the time the next proves. The earliest sound one is a proof
//! that the signature, its time-stamp and its validation data existed then.

use super::write::archived_bytes;
use super::{OID_ARCHIVE_TIME_STAMP_V3, OID_ATS_HASH_INDEX_V3};
use crate::asn1::{Walker, single};
use crate::envelope::parse::{self, Envelope, Signer};
use crate::envelope::timestamp::{Stamp, check_token};
use crate::pki::algorithms::Digest;
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, TrustStore};
use crate::verdict::{Check, Code};
use der::{Decode, Encode};
use serde_json::{Value, json};

/// At most this many archive time-stamps on one signer (one renewal a
/// year for a century, and some).
const MAX_TOKENS: usize = 128;

/// The outcome over every archive time-stamp of a signer.
pub struct Archive {
    /// The `archive_timestamp` check.
    pub check: Check,
    /// The earliest time a sound chain of archive time-stamps proves.
    pub poe: Option<i64>,
}

/// One token, read.
struct Token {
    raw: Vec<u8>,
    gen_time: i64,
    digest: Digest,
    index: Vec<u8>,
}

fn read_token(raw: &[u8]) -> Result<Token, String> {
    let env = parse::parse(raw).map_err(|e| format!("not a SignedData: {}", e.0))?;
    let info = env
        .content
        .as_deref()
        .ok_or("the token carries no TSTInfo")
        .and_then(|c| crate::tsp::tst_info(c).map_err(|_| "the TSTInfo cannot be read"))?;
    let digest = info
        .imprint_digest
        .ok_or("the imprint's hash algorithm is not accepted")?;
    let index = env
        .signers
        .first()
        .and_then(|s| {
            s.unsigned_attrs
                .iter()
                .find(|a| a.oid == OID_ATS_HASH_INDEX_V3)
        })
        .and_then(|a| a.values.first())
        .cloned()
        .ok_or("the token has no ats-hash-index-v3 attribute")?;
    Ok(Token {
        raw: raw.to_vec(),
        gen_time: info.gen_time,
        digest,
        index,
    })
}

/// Whether every hash `index` lists is of an item present now: a
/// certificate, a CRL or an unsigned attribute value of `s` (items added
/// after the token are allowed; one removed or changed is not).
fn index_problem(env: &Envelope, s: &Signer, index: &[u8], own: &[u8]) -> Option<String> {
    let seq = single(index).ok()?;
    let Ok(mut w) = Walker::new(seq.value) else {
        return Some("ats-hash-index-v3 cannot be read".into());
    };
    let mut digest = Digest::Sha256;
    let mut lists: Vec<Vec<Vec<u8>>> = Vec::new();
    while let Ok(t) = w.next_tlv() {
        if lists.is_empty() && t.tag == der::Tag::Sequence && {
            // An AlgorithmIdentifier starts with an OID; a hash list with an OCTET STRING.
            single(t.value).map(|x| x.tag) == Ok(der::Tag::ObjectIdentifier)
        } {
            match spki::AlgorithmIdentifierOwned::from_der(t.raw)
                .ok()
                .and_then(|a| Digest::from_oid(&a.oid).ok())
            {
                Some(d) => digest = d,
                None => return Some("ats-hash-index-v3 names an unknown hash".into()),
            }
            continue;
        }
        let mut items = Vec::new();
        let Ok(mut l) = Walker::new(t.value) else {
            return Some("ats-hash-index-v3 cannot be read".into());
        };
        while let Ok(x) = l.next_tlv() {
            items.push(x.value.to_vec());
        }
        lists.push(items);
    }
    if lists.len() != 3 {
        return Some("ats-hash-index-v3 must hold three lists".into());
    }
    let present =
        |items: &[Vec<u8>]| -> Vec<Vec<u8>> { items.iter().map(|i| digest.hash(i)).collect() };
    let mut values = Vec::new();
    for a in &s.unsigned_attrs {
        let t = a.oid.to_der().unwrap_or_default();
        for v in &a.values {
            if a.oid == OID_ARCHIVE_TIME_STAMP_V3 && v.as_slice() == own {
                continue;
            }
            values.push(digest.hash(&[t.as_slice(), v].concat()));
        }
    }
    let now = [present(&env.certs), present(&env.crls), values];
    let names = ["certificate", "CRL", "unsigned attribute value"];
    for ((listed, have), name) in lists.iter().zip(now.iter()).zip(names) {
        if let Some(missing) = listed.iter().find(|h| !have.contains(h)) {
            return Some(format!(
                "a {name} the archive time-stamp covered is no longer in the signature (hash {})",
                crate::pki::cert::hex(missing)
            ));
        }
    }
    None
}

/// Checks every archive-time-stamp-v3 of `s`, newest first; `None` when it
/// has none.
#[allow(clippy::too_many_arguments)]
pub fn check(
    env: &Envelope,
    s: &Signer,
    content: Option<&[u8]>,
    store: &TrustStore,
    extra: &Extra,
    crls: &RevocationStore,
    at: i64,
    policy: &Policy,
) -> Option<Archive> {
    let raws: Vec<&Vec<u8>> = s
        .unsigned_attrs
        .iter()
        .filter(|a| a.oid == OID_ARCHIVE_TIME_STAMP_V3)
        .flat_map(|a| a.values.iter())
        .collect();
    if raws.is_empty() {
        return None;
    }
    if raws.len() > MAX_TOKENS {
        return Some(Archive {
            check: Check::failed(
                "archive_timestamp",
                Code::TimestampInvalid,
                json!({ "problem": format!("{} archive time-stamps: more than {MAX_TOKENS} are not examined", raws.len()) }),
            ),
            poe: None,
        });
    }
    let failed = |problem: String, tokens: Vec<Value>| Archive {
        check: Check::failed(
            "archive_timestamp",
            Code::TimestampInvalid,
            json!({ "problem": problem, "tokens": tokens }),
        ),
        poe: None,
    };
    let mut tokens = Vec::new();
    for raw in &raws {
        match read_token(raw) {
            Ok(t) => tokens.push(t),
            Err(p) => return Some(failed(format!("an archive time-stamp: {p}"), Vec::new())),
        }
    }
    tokens.sort_by_key(|t| std::cmp::Reverse(t.gen_time));
    let Some(content) = env.content.as_deref().or(content) else {
        return Some(Archive {
            check: Check::skipped(
                "archive_timestamp",
                "the archive time-stamps cover the signed data, which was not given",
            ),
            poe: None,
        });
    };
    let mut current = at;
    let mut poe = None;
    let mut report = Vec::new();
    for t in &tokens {
        if let Some(p) = index_problem(env, s, &t.index, &t.raw) {
            return Some(failed(p, report));
        }
        let covered = match archived_bytes(env, s, content, t.digest, &t.index) {
            Ok(c) => c,
            Err(p) => return Some(failed(p, report)),
        };
        let Stamp { check, poe: proved } = check_token(
            "archive_timestamp",
            &t.raw,
            &covered,
            store,
            extra,
            crls,
            current,
            policy,
        );
        let mut d = check.detail.clone();
        d["checked_at"] = json!(crate::time::rfc3339(current));
        report.push(d);
        match (check.outcome, proved) {
            (crate::verdict::Outcome::Passed, Some(g)) => {
                current = g;
                poe = Some(g);
            }
            (crate::verdict::Outcome::Failed, _) => {
                let problem = check.detail["problem"]
                    .as_str()
                    .unwrap_or("an archive time-stamp is not valid")
                    .to_string();
                return Some(failed(problem, report));
            }
            // Not provable (e.g. its TSA is not trusted here): no proof from it.
            _ => {}
        }
    }
    let check = match poe {
        Some(t) => Check::passed(
            "archive_timestamp",
            json!({ "tokens": report, "poe": crate::time::rfc3339(t) }),
        ),
        None => Check::unused(
            "archive_timestamp",
            json!({ "tokens": report, "problem": "no archive time-stamp could be validated: none is used as proof of existence" }),
        ),
    };
    Some(Archive { check, poe })
}
