//! GOST signature primitives for the vectors runner (`kind: primitive`): a
//! key (SubjectPublicKeyInfo), a message, a raw r‖s signature and the
//! signature algorithm OID, on every curve the national CA uses, valid and
//! broken (flipped bits, r or s zero or not below q, halves swapped or in
//! big-endian order, wrong lengths, wrong key or message, keys off the
//! curve, algorithms that do not fit the key).

use super::{Out, R, expect};
use qoltanba::pki::algorithms::{GostFamily, oid};
use qoltanba::pki::gost::{self, Curve};
use qoltanba::pki::signer::{GostSigner, Signer, gost_spki};
use serde_json::json;
use std::path::Path;

struct Set {
    label: &'static str,
    family: GostFamily,
    curve: Curve,
    sig_oid: &'static str,
    q: &'static str,
}

const SETS: [Set; 4] = [
    Set {
        label: "gost2015-512",
        family: GostFamily::Kz2015,
        curve: Curve::Tc26_512A,
        sig_oid: "1.2.398.3.10.1.1.2.3.2",
        q: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275",
    },
    Set {
        label: "gost2015-256",
        family: GostFamily::Kz2015,
        curve: Curve::Tc26_256A,
        sig_oid: "1.2.398.3.10.1.1.2.3.1",
        q: "400000000000000000000000000000000fd8cddfc87b6635c115af556c360c67",
    },
    Set {
        label: "gost2004",
        family: GostFamily::Kz2004,
        curve: Curve::CryptoProA,
        sig_oid: "1.2.398.3.10.1.1.1.2",
        q: "ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
    },
    Set {
        label: "ru2012-512",
        family: GostFamily::Ru2012,
        curve: Curve::Tc26_512A,
        sig_oid: "1.2.643.7.1.1.3.3",
        q: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275",
    },
];

fn le_hex(h: &str) -> Vec<u8> {
    let mut v: Vec<u8> = (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0))
        .collect();
    v.reverse();
    v
}

fn spki_pem(der: &[u8]) -> String {
    pem::encode(&pem::Pem::new("PUBLIC KEY", der.to_vec()))
}

/// A point of TC26 256 paramSetA (cofactor 4) outside the base point's
/// subgroup: x = 1, 2, … until y² = x³ + ax + b has a root and the point's
/// order is not q.
fn outside_subgroup() -> R<Vec<u8>> {
    use elliptic_curve::ff::{Field, PrimeField};
    use gost::curves::tc26_256_a::{FieldElement, Tc26_256A};
    use primeorder::PrimeCurveParams;
    for x in 1u128..1000 {
        let fx = FieldElement::from_u128(x);
        let rhs = fx * fx * fx + Tc26_256A::EQUATION_A * fx + Tc26_256A::EQUATION_B;
        let y: Option<FieldElement> = rhs.sqrt().into();
        let Some(y) = y else { continue };
        let mut key: Vec<u8> = fx.to_repr().iter().rev().copied().collect();
        key.extend(y.to_repr().iter().rev());
        if gost::check_public_key(Curve::Tc26_256A, &key) == Err(gost::GostError::NotInSubgroup) {
            return Ok(key);
        }
    }
    Err("no point outside the subgroup found".into())
}

pub fn write(dir: &Path) -> R<()> {
    let mut out = Out::new(dir.to_path_buf())?;
    let msg = "Өтініш: тұрғын үй кезегі / Заявление: очередь на жильё".as_bytes();
    out.file("message.txt", msg)?;
    out.file("message-other.txt", b"another message")?;
    for set in &SETS {
        let l = set.label;
        let key = GostSigner::generate(set.curve, set.family)?;
        let other = GostSigner::generate(set.curve, set.family)?;
        out.file(
            &format!("{l}.spki.pem"),
            spki_pem(&key.public_key_spki()).as_bytes(),
        )?;
        out.file(
            &format!("{l}-other.spki.pem"),
            spki_pem(&other.public_key_spki()).as_bytes(),
        )?;
        let sig = key.sign(msg)?;
        let n = sig.len() / 2;
        let q = le_hex(set.q);
        let mut variants: Vec<(&str, Vec<u8>, &str, &str, &str)> =
            vec![("valid", sig.clone(), "PASSED", "OK", "a valid signature")];
        let mut bad = |name: &'static str, f: &dyn Fn(&mut Vec<u8>), desc: &'static str| {
            let mut s = sig.clone();
            f(&mut s);
            variants.push((name, s, "FAILED", "SIGNATURE_INVALID", desc));
        };
        bad("flipped-r", &|s| s[0] ^= 0x01, "one bit of r flipped");
        bad("flipped-s", &|s| s[n] ^= 0x01, "one bit of s flipped");
        bad("r-zero", &|s| s[..n].fill(0), "r = 0");
        bad("s-zero", &|s| s[n..].fill(0), "s = 0");
        bad("r-equals-q", &|s| s[..n].copy_from_slice(&q), "r = q");
        bad("s-equals-q", &|s| s[n..].copy_from_slice(&q), "s = q");
        bad("r-all-ones", &|s| s[..n].fill(0xff), "r = 2^bits - 1");
        bad("s-all-ones", &|s| s[n..].fill(0xff), "s = 2^bits - 1");
        bad("swapped", &|s| s.rotate_left(n), "s‖r instead of r‖s");
        bad(
            "big-endian",
            &|s| {
                s[..n].reverse();
                s[n..].reverse();
            },
            "each half big-endian instead of little-endian",
        );
        bad(
            "short",
            &|s| {
                s.pop();
            },
            "one byte short",
        );
        bad("empty", &|s| s.clear(), "no signature at all");
        for (name, s, ind, code, desc) in variants {
            let file = format!("{l}-{name}.sig");
            out.file(&file, &s)?;
            out.vector(json!({ "id": format!("{l}-{name}"), "kind": "primitive", "description": desc, "key": format!("{l}.spki.pem"), "data": "message.txt", "input": file, "signature_algorithm": set.sig_oid, "expect": expect(ind, code) }));
        }
        out.vector(json!({ "id": format!("{l}-other-message"), "kind": "primitive", "description": "the signature of another message", "key": format!("{l}.spki.pem"), "data": "message-other.txt", "input": format!("{l}-valid.sig"), "signature_algorithm": set.sig_oid, "expect": expect("FAILED", "SIGNATURE_INVALID") }));
        out.vector(json!({ "id": format!("{l}-other-key"), "kind": "primitive", "description": "another key of the same curve", "key": format!("{l}-other.spki.pem"), "data": "message.txt", "input": format!("{l}-valid.sig"), "signature_algorithm": set.sig_oid, "expect": expect("FAILED", "SIGNATURE_INVALID") }));
        // Keys that are not points of the curve.
        let point = key.public_key_point()?;
        let mut off = point.clone();
        off[set.curve.len()] ^= 0x01;
        let above_p = [
            vec![0xffu8; set.curve.len()],
            point[set.curve.len()..].to_vec(),
        ]
        .concat();
        for (name, p, desc) in [
            (
                "key-off-curve",
                off,
                "the key's Y with one bit flipped: not on the curve",
            ),
            ("key-zero", vec![0u8; 2 * set.curve.len()], "the key (0, 0)"),
            ("key-x-above-p", above_p, "the key's X is not below p"),
        ] {
            let file = format!("{l}-{name}.spki.pem");
            out.file(
                &file,
                spki_pem(&gost_spki(set.family, set.curve, &p)?).as_bytes(),
            )?;
            out.vector(json!({ "id": format!("{l}-{name}"), "kind": "primitive", "description": desc, "key": file, "data": "message.txt", "input": format!("{l}-valid.sig"), "signature_algorithm": set.sig_oid, "expect": expect("FAILED", "CERT_MALFORMED") }));
        }
    }
    let point = outside_subgroup()?;
    out.file(
        "gost2015-256-key-outside-subgroup.spki.pem",
        spki_pem(&gost_spki(GostFamily::Kz2015, Curve::Tc26_256A, &point)?).as_bytes(),
    )?;
    out.vector(json!({ "id": "gost2015-256-key-outside-subgroup", "kind": "primitive", "description": "a point of TC26 256 paramSetA (cofactor 4) outside the base point's subgroup", "key": "gost2015-256-key-outside-subgroup.spki.pem", "data": "message.txt", "input": "gost2015-256-valid.sig", "signature_algorithm": "1.2.398.3.10.1.1.2.3.1", "expect": expect("FAILED", "CERT_MALFORMED") }));
    // Algorithms that do not fit the key.
    let rsa_key = "../../../certs/people/citizen-rsa.pem";
    for (id, key, sig, alg, digest, desc) in [
        (
            "gost2015-512-oid-with-2004-key",
            "gost2004.spki.pem",
            "gost2004-valid.sig",
            "1.2.398.3.10.1.1.2.3.2",
            None,
            "a GOST 2015/512 signature OID with a GOST 2004 key",
        ),
        (
            "gost2004-oid-with-2015-key",
            "gost2015-512.spki.pem",
            "gost2015-512-valid.sig",
            "1.2.398.3.10.1.1.1.2",
            None,
            "a GOST 2004 signature OID with a GOST 2015/512 key",
        ),
        (
            "gost2015-256-oid-with-512-key",
            "gost2015-512.spki.pem",
            "gost2015-512-valid.sig",
            "1.2.398.3.10.1.1.2.3.1",
            None,
            "a 256-bit GOST 2015 signature OID with a 512-bit key",
        ),
        (
            "rsa-oid-with-gost-key",
            "gost2015-512.spki.pem",
            "gost2015-512-valid.sig",
            "1.2.840.113549.1.1.11",
            None,
            "sha256WithRSAEncryption with a GOST key",
        ),
        (
            "gost-oid-with-rsa-key",
            rsa_key,
            "gost2015-512-valid.sig",
            "1.2.398.3.10.1.1.2.3.2",
            None,
            "a GOST signature OID with an RSA key",
        ),
        (
            "gost-digest-with-rsa-key",
            rsa_key,
            "gost2015-512-valid.sig",
            "1.2.840.113549.1.1.1",
            Some(oid::STREEBOG_256.to_string()),
            "rsaEncryption with a Streebog-256 digest",
        ),
    ] {
        let mut v = json!({ "id": id, "kind": "primitive", "description": desc, "key": key, "data": "message.txt", "input": sig, "signature_algorithm": alg, "expect": expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED") });
        if let Some(d) = digest {
            v["digest_algorithm"] = json!(d);
        }
        out.vector(v);
    }
    out.write(
        "gost-primitives",
        "GOST R 34.10 signature values alone (pki::algorithms::verify): GOST 34.10-2015 on TC26 512 and 256 paramSetA with Streebog, GOST 34.310-2004 on CryptoPro-A with GOST 34.311-95, the Russian 2012 OIDs; valid and broken.",
        json!({ "at": super::AT }),
    )
}
