//! An independent judge of qoltanba's GOST R 34.10: PyPI's `gostcrypto`
//! (pure Python), driven by `tests/judges/gost_judge.py`.
//!
//! 1. Every GOST signature in the real national-CA material
//!    (`../shared/realkz`): each certificate by its issuer (roots'
//!    self-signatures, CAs by roots, leaves by CAs, TSA and OCSP responder
//!    certificates), each CRL, each CMS signer (time-stamp tokens too) and
//!    each OCSP response. The key, signature and signed bytes are what
//!    qoltanba extracts; gostcrypto hashes the bytes itself with Streebog
//!    (it has no GOST R 34.11-94, so for GOST 34.310-2004 it takes
//!    qoltanba's digest) and verifies. Both must say valid, and must both
//!    refuse the same signature with one bit changed.
//! 2. gostcrypto's own keys and signatures on the three curves
//!    (CryptoPro-A, TC26 256 A, TC26 512 A) verify in `gost::verify`, and
//!    the negative cases (flipped bit, wrong key, r or s zero, q or above,
//!    points off the curve, the point at infinity) are refused by both.
//! 3. `gost::SigningKey`'s signatures verify in gostcrypto.
//!
//! The judge runs in the test venv (`scripts/test` installs gostcrypto
//! 1.2.5 beside pyHanko; its python is found beside QOLTANBA_PYHANKO, else
//! in target/pyhanko-venv). Without it every test fails saying so.

mod common;

use common::gost_judge::{curve_name, from_hex, judge, to_hex};
use common::realkz_dir;
use qoltanba::envelope::parse::{self, Envelope};
use qoltanba::pki::algorithms::{self, Digest, KeyKind, PublicKey, Scheme};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::gost::{self, Curve, GostError, SigningKey};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

// ---------------------------------------------------------------------------
// 1. The real material
// ---------------------------------------------------------------------------

/// One signature of the material: who signed what, as qoltanba reads it.
struct Signed {
    what: String,
    scheme: Scheme,
    key: PublicKey,
    msg: Vec<u8>,
    sig: Vec<u8>,
    /// qoltanba's own answer through the code that uses it (path, CRL, CMS).
    ours: bool,
}

impl Signed {
    fn curve(&self) -> Curve {
        match self.key.kind {
            KeyKind::Gost { curve, .. } => curve,
            other => panic!("{}: not a GOST key: {other:?}", self.what),
        }
    }

    fn case(&self, sig: &[u8]) -> Value {
        common::gost_judge::case(self.scheme, &self.key, &self.msg, sig)
    }
}

/// Every file of the material, with its path under realkz.
fn material_files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("realkz reads")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out);
            } else if std::fs::metadata(&path).is_ok_and(|m| m.len() < 1 << 20) {
                let rel = path
                    .strip_prefix(root)
                    .expect("under realkz")
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&path).expect("file reads")));
            }
        }
    }
    let root = realkz_dir();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

/// The envelopes in a file, and the time-stamp tokens inside their signers.
fn envelopes(name: &str, bytes: &[u8], out: &mut Vec<(String, Envelope)>) {
    let Ok(env) = parse::parse(bytes) else {
        return;
    };
    for (i, s) in env.signers.iter().enumerate() {
        for a in &s.unsigned_attrs {
            if a.oid == qoltanba::tsp::OID_SIGNATURE_TIME_STAMP {
                for (j, token) in a.values.iter().enumerate() {
                    envelopes(&format!("{name} signer {i} time-stamp {j}"), token, out);
                }
            }
        }
    }
    out.push((name.to_string(), env));
}

/// The material read once: certificates (deduplicated), envelopes, CRLs and
/// OCSP responses.
struct Material {
    certs: Vec<(String, Arc<Certificate>)>,
    envelopes: Vec<(String, Envelope)>,
    crls: Vec<(String, Vec<u8>)>,
    ocsp: Vec<(String, qoltanba::pki::ocsp::message::BasicResponse)>,
}

fn material() -> Material {
    let mut certs: Vec<(String, Arc<Certificate>)> = Vec::new();
    let add_cert = |name: &str, der: &[u8], certs: &mut Vec<(String, Arc<Certificate>)>| {
        if let Ok(c) = Certificate::from_der(der)
            && !certs.iter().any(|(_, k)| k.fingerprint == c.fingerprint)
        {
            certs.push((name.to_string(), Arc::new(c)));
        }
    };
    let mut envs = Vec::new();
    let mut crls = Vec::new();
    let mut ocsp = Vec::new();
    for (name, bytes) in material_files() {
        if name.ends_with(".crl") {
            crls.push((name, bytes));
            continue;
        }
        if name.contains("ocsp_response") {
            let (_, basic) = qoltanba::pki::ocsp::message::parse_response(&bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let basic = basic.expect("successful");
            for der in &basic.certs {
                add_cert(&format!("{name} (responder)"), der, &mut certs);
            }
            ocsp.push((name, basic));
            continue;
        }
        if let Ok(ders) = qoltanba::input::decode_all(&bytes, &["CERTIFICATE"]) {
            for der in ders {
                add_cert(&name, &der, &mut certs);
            }
        }
        envelopes(&name, &bytes, &mut envs);
    }
    for (name, env) in &envs {
        for der in &env.certs {
            add_cert(&format!("{name} (carried)"), der, &mut certs);
        }
    }
    Material {
        certs,
        envelopes: envs,
        crls,
        ocsp,
    }
}

fn is_gost(k: &Result<PublicKey, algorithms::AlgError>) -> bool {
    matches!(
        k,
        Ok(PublicKey {
            kind: KeyKind::Gost { .. },
            ..
        })
    )
}

/// The issuer of `c` in the material: its name and, when both say, its key id.
fn issuer_of<'a>(
    c: &Certificate,
    pool: &'a [(String, Arc<Certificate>)],
) -> Option<&'a (String, Arc<Certificate>)> {
    pool.iter().find(|(_, i)| {
        c.named_issuer_is(i)
            && match (&c.aki, &i.ski) {
                (Some(a), Some(s)) => a == s,
                _ => true,
            }
    })
}

/// Every GOST signature of the material, with qoltanba's answer; and the
/// certificates whose issuer the material does not hold.
fn real_signatures(m: &Material) -> (Vec<Signed>, Vec<String>) {
    let mut out = Vec::new();
    let mut orphans = Vec::new();
    for (name, c) in &m.certs {
        let Ok(scheme @ Scheme::Gost(_)) = algorithms::scheme_for(&c.sig_alg, None) else {
            continue;
        };
        let Some((iname, issuer)) = issuer_of(c, &m.certs) else {
            orphans.push(format!("{name}: {}", c.subject.dn));
            continue;
        };
        let key = issuer.key.clone().expect("a GOST issuer key parses");
        out.push(Signed {
            what: format!("certificate {} ({name}) by {iname}", c.serial_hex()),
            scheme,
            key,
            msg: c.tbs().to_vec(),
            sig: c.signature.clone(),
            ours: qoltanba::pki::path::verify_edge(c, issuer).is_ok(),
        });
    }
    for (name, der) in &m.crls {
        // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
        let top = qoltanba::asn1::single(der).expect("CRL DER");
        let mut w = qoltanba::asn1::Walker::new(top.value).expect("CRL content");
        let tbs = w.require(der::Tag::Sequence).expect("tbsCertList");
        let alg = w.require(der::Tag::Sequence).expect("signatureAlgorithm");
        let bits = w.require(der::Tag::BitString).expect("signatureValue");
        use der::Decode;
        let alg = spki::AlgorithmIdentifierOwned::from_der(alg.raw).expect("algorithm");
        let Ok(scheme @ Scheme::Gost(_)) = algorithms::scheme_for(&alg, None) else {
            continue;
        };
        let crl = qoltanba::pki::crl::RevocationList::from_der(der, name).expect("CRL parses");
        let (_, issuer) = m
            .certs
            .iter()
            .find(|(_, i)| {
                qoltanba::pki::cert::names_match(&crl.issuer_raw, &i.subject_raw) && is_gost(&i.key)
            })
            .unwrap_or_else(|| panic!("{name}: its CA is in the material"));
        out.push(Signed {
            what: format!("CRL {name}"),
            scheme,
            key: issuer.key.clone().expect("key"),
            msg: tbs.raw.to_vec(),
            sig: bits.value[1..].to_vec(),
            ours: crl.verify_signature(issuer).is_ok(),
        });
    }
    for (name, env) in &m.envelopes {
        for (i, s) in env.signers.iter().enumerate() {
            let Some(attrs) = &s.signed_attrs_der else {
                continue;
            };
            let parse::SignerId::IssuerSerial { serial, .. } = &s.sid else {
                continue;
            };
            let Some((_, cert)) = m.certs.iter().find(|(_, c)| {
                qoltanba::pki::cert::strip_zeros(&c.serial) == *serial && is_gost(&c.key)
            }) else {
                continue;
            };
            let digest = Digest::from_oid(&s.digest_alg.oid).ok();
            let Ok(scheme @ Scheme::Gost(_)) = algorithms::scheme_for(&s.sig_alg, digest) else {
                continue;
            };
            let key = cert.key.clone().expect("key");
            let ours = algorithms::verify(scheme, &key, attrs, &s.signature).is_ok();
            out.push(Signed {
                what: format!("{name}: signer {i} ({})", cert.serial_hex()),
                scheme,
                key,
                msg: attrs.clone(),
                sig: s.signature.clone(),
                ours,
            });
        }
    }
    for (name, basic) in &m.ocsp {
        let Ok(scheme @ Scheme::Gost(_)) = algorithms::scheme_for(&basic.sig_alg, None) else {
            continue;
        };
        let responder =
            Certificate::from_der(&basic.certs[0]).expect("the responder certificate parses");
        let key = responder.key.clone().expect("key");
        let ours = algorithms::verify(scheme, &key, &basic.tbs, &basic.signature).is_ok();
        out.push(Signed {
            what: format!("OCSP {name}"),
            scheme,
            key,
            msg: basic.tbs.clone(),
            sig: basic.signature.clone(),
            ours,
        });
    }
    (out, orphans)
}

/// Every GOST signature of the material verifies in qoltanba and in
/// gostcrypto, with the same Streebog digests, and neither accepts it with
/// one bit changed (of r in one signature, of s in the next).
#[test]
fn real_gost_signatures_agree_with_gostcrypto() {
    let m = material();
    let (signed, orphans) = real_signatures(&m);
    let mut cases = Vec::new();
    let flipped = |k: usize, s: &Signed| {
        let mut bad = s.sig.clone();
        let at = if k.is_multiple_of(2) {
            3
        } else {
            s.sig.len() / 2 + 7
        };
        bad[at] ^= 0x10;
        bad
    };
    for (k, s) in signed.iter().enumerate() {
        cases.push(s.case(&s.sig));
        cases.push(s.case(&flipped(k, s)));
    }
    let answers = judge(&json!({ "op": "verify", "cases": cases }));
    let answers = answers.as_array().expect("an answer per case");
    assert_eq!(answers.len(), cases.len());

    let mut problems = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (k, s) in signed.iter().enumerate() {
        let label = format!("{} {}", curve_name(s.curve()), s.scheme.name());
        *kinds.entry(label).or_default() += 1;
        let good = &answers[2 * k];
        if good["verify"] != true || !s.ours {
            problems.push(format!(
                "{}: qoltanba {}, gostcrypto {}",
                s.what, s.ours, good
            ));
        }
        if good["on_curve"] != true {
            problems.push(format!(
                "{}: the key is off the curve per the judge",
                s.what
            ));
        }
        if let Some(d) = good["digest"].as_str()
            && from_hex(d) != s.scheme.digest().hash(&s.msg)
        {
            problems.push(format!("{}: Streebog digests differ", s.what));
        }
        let bad = flipped(k, s);
        let ours = algorithms::verify(s.scheme, &s.key, &s.msg, &bad).is_ok();
        if ours || answers[2 * k + 1]["verify"] != false {
            problems.push(format!(
                "{}: a changed signature: qoltanba {ours}, gostcrypto {}",
                s.what,
                answers[2 * k + 1]
            ));
        }
    }
    let count = |p: &str| signed.iter().filter(|s| s.what.starts_with(p)).count();
    let summary = format!(
        "{} signatures: {} certificates, {} CRLs, {} CMS signers, {} OCSP responses; by curve and \
         scheme {kinds:?}; certificates whose issuer is not in the material: {orphans:?}; \
         CMS signers: {:?}",
        signed.len(),
        count("certificate"),
        count("CRL"),
        signed.len() - count("certificate") - count("CRL") - count("OCSP"),
        count("OCSP"),
        signed
            .iter()
            .filter(|s| s.what.contains(": signer"))
            .map(|s| s.what.as_str())
            .collect::<Vec<_>>(),
    );
    assert!(problems.is_empty(), "{}\n{summary}", problems.join("\n"));
    // What the material holds (decided by reading it): 57 GOST certificates
    // with their issuer in it (the 52 of the certificate files; carried in
    // envelopes: the 2019 signer of CMS_for_double_sign and the TSAs "TSP"
    // (2018) and "СЕРВИС МЕТКИ ВРЕМЕНИ" (2021); carried in OCSP responses:
    // the GOST 2015 and GOST 2004 responders), the five GOST CRLs, 16 GOST
    // CMS signers (envelopes and their time-stamp tokens) and three GOST
    // OCSP responses (the fourth is RSA).
    let signers = signed.len() - count("certificate") - count("CRL") - count("OCSP");
    assert_eq!(
        (count("certificate"), count("CRL"), signers, count("OCSP")),
        (57, 5, 16, 3),
        "{summary}"
    );
    for curve in ["CryptoProA", "Tc26_512A"] {
        assert!(
            kinds.keys().any(|k| k.starts_with(curve)),
            "no {curve} signature: {summary}"
        );
    }
    // Only the production NCA's TSA certificate (in the time-stamps of the
    // 2026 Kalkan envelopes) has its issuer outside the material.
    assert!(
        orphans.len() == 1 && orphans[0].contains("CN=TIME-STAMPING AUTHORITY"),
        "certificates without their issuer: {orphans:?}"
    );
}

// ---------------------------------------------------------------------------
// 2. gostcrypto's keys and signatures
// ---------------------------------------------------------------------------

/// The curve's p and q, little-endian, from gostcrypto's tables.
fn params(curve: Curve) -> (Vec<u8>, Vec<u8>) {
    let v = judge(&json!({ "op": "params", "curve": curve_name(curve) }));
    (
        from_hex(v["p"].as_str().expect("p")),
        from_hex(v["q"].as_str().expect("q")),
    )
}

/// A little-endian number plus one (for q + 1).
fn plus_one(le: &[u8]) -> Vec<u8> {
    let mut out = le.to_vec();
    for b in &mut out {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            break;
        }
    }
    out
}

/// One judged case: what it is, the values, and what both must say.
struct Case {
    what: String,
    curve: Curve,
    key: Vec<u8>,
    digest: Vec<u8>,
    sig: Vec<u8>,
    valid: bool,
    /// The error qoltanba must give (when invalid).
    ours_err: Option<GostError>,
    /// Whether gostcrypto's answer is meaningful here (it takes a key with a
    /// zero coordinate for the base point).
    ask_judge: bool,
}

fn judge_cases(cases: &[Case]) -> Vec<String> {
    let request: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "curve": curve_name(c.curve),
                "key": to_hex(&c.key),
                "sig": to_hex(&c.sig),
                "digest": to_hex(&c.digest),
            })
        })
        .collect();
    let answers = judge(&json!({ "op": "verify", "cases": request }));
    let mut problems = Vec::new();
    for (c, a) in cases.iter().zip(answers.as_array().expect("answers")) {
        let ours = gost::verify(c.curve, &c.key, &c.digest, &c.sig);
        let ours_ok = match (&ours, c.valid, c.ours_err) {
            (Ok(()), true, _) => true,
            (Err(e), false, Some(want)) => *e == want,
            (Err(_), false, None) => true,
            _ => false,
        };
        if !ours_ok {
            problems.push(format!(
                "{}: qoltanba {ours:?}, expected {}",
                c.what,
                if c.valid {
                    "valid".to_string()
                } else {
                    format!("{:?}", c.ours_err)
                }
            ));
        }
        if c.ask_judge && a["verify"] != c.valid {
            problems.push(format!("{}: gostcrypto {a}, expected {}", c.what, c.valid));
        }
    }
    problems
}

/// gostcrypto's keys and signatures, on each curve, verify here; each
/// mutation is refused by both, with the reason qoltanba names.
#[test]
fn gostcrypto_signatures_verify_and_their_mutations_do_not() {
    let mut cases = Vec::new();
    for curve in Curve::ALL {
        let n = curve.len();
        let (p, q) = params(curve);
        let generated = judge(&json!({ "op": "generate", "curve": curve_name(curve), "count": 6 }));
        let generated: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = generated
            .as_array()
            .expect("generated")
            .iter()
            .map(|g| {
                (
                    from_hex(g["key"].as_str().expect("key")),
                    from_hex(g["digest"].as_str().expect("digest")),
                    from_hex(g["sig"].as_str().expect("sig")),
                )
            })
            .collect();
        for (i, (key, digest, sig)) in generated.iter().enumerate() {
            let what = |m: &str| format!("{curve:?} #{i}: {m}");
            let case =
                |m: &str, key: &[u8], digest: &[u8], sig: &[u8], err: Option<GostError>| Case {
                    what: what(m),
                    curve,
                    key: key.to_vec(),
                    digest: digest.to_vec(),
                    sig: sig.to_vec(),
                    valid: err.is_none() && m == "as made",
                    ours_err: err,
                    ask_judge: true,
                };
            cases.push(case("as made", key, digest, sig, None));
            // One bit, in r, in s, in the digest.
            for (m, at) in [("bit of r", i % n), ("bit of s", n + (7 * i) % n)] {
                let mut bad = sig.clone();
                bad[at] ^= 1 << (i % 8);
                // A flip in the top bits can push r or s to q or above.
                let mut c = case(m, key, digest, &bad, None);
                c.valid = false;
                cases.push(c);
            }
            let mut other = digest.clone();
            other[(5 * i) % n] ^= 0x80;
            cases.push(case(
                "bit of the digest",
                key,
                &other,
                sig,
                Some(GostError::Invalid),
            ));
            // Another key of the same curve.
            let (wrong, _, _) = &generated[(i + 1) % generated.len()];
            cases.push(case(
                "another key",
                wrong,
                digest,
                sig,
                Some(GostError::Invalid),
            ));
            // r or s zero, q, q + 1, all ones.
            let r_s = |r: Option<&[u8]>, s: Option<&[u8]>| {
                let mut out = r.unwrap_or(&sig[..n]).to_vec();
                out.extend_from_slice(s.unwrap_or(&sig[n..]));
                out
            };
            let zero = vec![0u8; n];
            let ones = vec![0xffu8; n];
            let q1 = plus_one(&q);
            for (m, r, s) in [
                ("r = 0", Some(&zero[..]), None),
                ("s = 0", None, Some(&zero[..])),
                ("r = q", Some(&q[..]), None),
                ("s = q", None, Some(&q[..])),
                ("r = q + 1", Some(&q1[..]), None),
                ("s = 2^n - 1", None, Some(&ones[..])),
            ] {
                cases.push(case(
                    m,
                    key,
                    digest,
                    &r_s(r, s),
                    Some(GostError::OutOfRange),
                ));
            }
            // Keys that are not points of the curve.
            let mut off = key.clone();
            off[n + (i % n)] ^= 0x04;
            cases.push(case(
                "y changed",
                &off,
                digest,
                sig,
                Some(GostError::NotOnCurve),
            ));
            let mut xp = p.clone();
            xp.extend_from_slice(&key[n..]);
            cases.push(case("x = p", &xp, digest, sig, Some(GostError::NotOnCurve)));
            // The point at infinity has no affine coordinates; (0, 0) is how
            // it would be written, and is not on any of these curves
            // (b ≠ 0). gostcrypto would take it for the base point: not asked.
            let mut c = case(
                "(0, 0)",
                &vec![0u8; 2 * n],
                digest,
                sig,
                Some(GostError::NotOnCurve),
            );
            c.ask_judge = false;
            cases.push(c);
        }
    }
    let problems = judge_cases(&cases);
    assert!(
        problems.is_empty(),
        "{} of {} cases disagree:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

/// The point at infinity: qoltanba refuses (0, 0) as a key, and also the
/// signature that gostcrypto would accept with it (it takes a key with a
/// zero coordinate for the base point G): a signature made with d = 1,
/// whose public key is G itself.
#[test]
fn a_key_written_as_zeros_is_not_the_base_point() {
    for curve in Curve::ALL {
        let n = curve.len();
        let mut one = vec![0u8; n];
        one[0] = 1;
        let key = SigningKey::from_le_bytes(curve, &one).expect("d = 1");
        let g = key.public_key().expect("G");
        let rng = ring::rand::SystemRandom::new();
        let digest = vec![0x42u8; n];
        let sig = key.sign(&digest, &rng).expect("signs");
        gost::verify(curve, &g, &digest, &sig).expect("verifies with G");
        let zeros = vec![0u8; 2 * n];
        assert_eq!(
            gost::verify(curve, &zeros, &digest, &sig),
            Err(GostError::NotOnCurve),
            "{curve:?}"
        );
        let a = judge(&json!({ "op": "verify", "cases": [
            { "curve": curve_name(curve), "key": to_hex(&zeros), "sig": to_hex(&sig), "digest": to_hex(&digest) },
            { "curve": curve_name(curve), "key": to_hex(&g), "sig": to_hex(&sig), "digest": to_hex(&digest) },
        ]}));
        // gostcrypto's weakness, recorded so that a change in it is seen.
        assert_eq!(a[0]["on_curve"], false, "{curve:?}");
        assert_eq!(a[1]["verify"], true, "{curve:?}: G itself");
    }
}

// ---------------------------------------------------------------------------
// 3. qoltanba's signatures in gostcrypto
// ---------------------------------------------------------------------------

/// `gost::SigningKey` signs; gostcrypto verifies. Digests include the edge
/// the standard names (e = h mod q = 0 is taken as 1): all zeros, and q
/// itself.
#[test]
fn qoltanba_signatures_verify_in_gostcrypto() {
    let rng = ring::rand::SystemRandom::new();
    let mut cases = Vec::new();
    for curve in Curve::ALL {
        let n = curve.len();
        let (_, q) = params(curve);
        let key = SigningKey::generate(curve, &rng).expect("key");
        let public = key.public_key().expect("public key");
        let mut digests: Vec<Vec<u8>> = (0..6u8)
            .map(|i| {
                (0..n)
                    .map(|j| (j as u8).wrapping_mul(31).wrapping_add(i * 17))
                    .collect()
            })
            .collect();
        digests.push(vec![0u8; n]);
        digests.push(q.clone());
        for (i, digest) in digests.iter().enumerate() {
            let sig = key.sign(digest, &rng).expect("signs");
            cases.push(Case {
                what: format!("{curve:?} digest #{i}"),
                curve,
                key: public.clone(),
                digest: digest.clone(),
                sig: sig.clone(),
                valid: true,
                ours_err: None,
                ask_judge: true,
            });
            let mut bad = sig.clone();
            bad[(3 * i) % (2 * n)] ^= 0x20;
            cases.push(Case {
                what: format!("{curve:?} digest #{i}, a bit changed"),
                curve,
                key: public.clone(),
                digest: digest.clone(),
                sig: bad,
                valid: false,
                ours_err: None,
                ask_judge: true,
            });
        }
    }
    let problems = judge_cases(&cases);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
