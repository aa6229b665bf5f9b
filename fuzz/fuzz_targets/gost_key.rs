//! GOST public keys and signatures on arbitrary bytes: `PublicKey::from_spki_der`
//! (the whole input as a SubjectPublicKeyInfo, and the key bytes wrapped in a
//! GOST SPKI as the national CA writes one), then `algorithms::verify` with
//! every GOST scheme, and `gost::verify` on the raw parts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qoltanba::pki::algorithms::{self, Digest, KeyKind, PublicKey, Scheme, VerifyError};
use qoltanba::pki::gost::{self, Curve};

/// Key algorithm OIDs (DER): KZ 2004, KZ 2015 256, KZ 2015 512, RU 2012 256, RU 2012 512.
const KEY_ALGS: [&[u8]; 5] = [
    &[
        0x06, 0x09, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x01, 0x01,
    ],
    &[
        0x06, 0x09, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x01,
    ],
    &[
        0x06, 0x09, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x02,
    ],
    &[0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x01],
    &[0x06, 0x08, 0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x02],
];

/// Parameter-set OIDs (DER), in `Curve::ALL` order (KZ arcs).
const PARAM_SETS: [&[u8]; 3] = [
    &[
        0x06, 0x0a, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x01, 0x01, 0x01,
    ],
    &[
        0x06, 0x0a, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x01, 0x01,
    ],
    &[
        0x06, 0x0a, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x02, 0x01,
    ],
];

const GOST_DIGESTS: [Digest; 3] = [Digest::Gost34311, Digest::Streebog256, Digest::Streebog512];

/// One DER element (definite length, short or long form).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// SEQUENCE { SEQUENCE { alg, SEQUENCE { params } }, BIT STRING { OCTET STRING key } }.
fn gost_spki(alg: &[u8], params: &[u8], key: &[u8]) -> Vec<u8> {
    let mut algorithm = alg.to_vec();
    algorithm.extend(tlv(0x30, params));
    let mut bits = vec![0u8];
    bits.extend(tlv(0x04, key));
    let mut body = tlv(0x30, &algorithm);
    body.extend(tlv(0x03, &bits));
    tlv(0x30, &body)
}

fn check_spki(spki: &[u8], msg: &[u8], sig: &[u8]) {
    let Ok(pk) = PublicKey::from_spki_der(spki) else {
        return;
    };
    let KeyKind::Gost { curve, .. } = pk.kind else {
        return;
    };
    assert!(
        gost::check_public_key(curve, &pk.key).is_ok(),
        "a GOST key accepted that is not a point of its curve"
    );
    for d in GOST_DIGESTS {
        let first = algorithms::verify(Scheme::Gost(d), &pk, msg, sig);
        assert_eq!(
            first,
            algorithms::verify(Scheme::Gost(d), &pk, msg, sig),
            "verification is not deterministic"
        );
        if first.is_ok() {
            assert!(
                gost::verify(curve, &pk.key, &d.hash(msg), sig).is_ok(),
                "algorithms::verify accepted what gost::verify refuses"
            );
        }
    }
    // A GOST key never goes to the RSA/ECDSA code.
    assert!(matches!(
        algorithms::verify(Scheme::RsaPkcs1(Digest::Sha256), &pk, msg, sig),
        Err(VerifyError::Algorithm(_))
    ));
}

fuzz_target!(|input: (u8, &[u8], &[u8], &[u8])| {
    let (sel, key, msg, sig) = input;
    // The input as a whole SubjectPublicKeyInfo.
    check_spki(key, msg, sig);
    // The key bytes as the point of a well-formed GOST SPKI.
    let curve_i = sel as usize % 3;
    let alg = KEY_ALGS[(sel as usize / 3) % KEY_ALGS.len()];
    check_spki(&gost_spki(alg, PARAM_SETS[curve_i], key), msg, sig);
    // The curve code on the raw parts.
    let curve = Curve::ALL[curve_i];
    let _ = gost::check_public_key(curve, key);
    let direct = gost::verify(curve, key, msg, sig);
    if direct.is_ok() {
        assert!(gost::check_public_key(curve, key).is_ok());
    }
});
