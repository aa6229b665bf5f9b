//! Properties of the GOST parsing and verification (`pki::gost`,
//! `algorithms::PublicKey::from_spki_der` for GOST keys, `algorithms::verify`
//! with GOST schemes), on arbitrary input:
//!
//! - arbitrary keys, signatures and digests, of any length, never panic and
//!   never verify; keys that are not points of the curve (the point at
//!   infinity written as zeros, coordinates of p or more, a changed y) are
//!   refused as such;
//! - sign → verify round-trips on the three curves (CryptoPro-A, TC26 256 A
//!   with its cofactor 4, TC26 512 A), through the SPKI as the national CA
//!   writes it too;
//! - a single changed bit anywhere in the key, the digest or the signature
//!   makes verification fail;
//! - arbitrary SubjectPublicKeyInfo bytes, and GOST SPKIs with arbitrary
//!   parameters or key octets, never panic.
//!
//! PROPTEST_CASES overrides the number of cases of every property.

mod common;

use der::Encode;
use der::asn1::{Any, BitString, ObjectIdentifier as Oid, OctetString};
use proptest::prelude::*;
use qoltanba::pki::algorithms::{self, Digest, KeyKind, PublicKey, Scheme};
use qoltanba::pki::gost::{self, Curve, GostError, SigningKey};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: common::proptest_cases(n),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn curve() -> impl Strategy<Value = Curve> {
    prop::sample::select(Curve::ALL.to_vec())
}

/// The key algorithm OID the national CA writes for a curve, and the digest
/// its signatures use.
fn kz(curve: Curve) -> (&'static str, Digest) {
    match curve {
        Curve::CryptoProA => ("1.2.398.3.10.1.1.1.1", Digest::Gost34311),
        Curve::Tc26_256A => ("1.2.398.3.10.1.1.2.1", Digest::Streebog256),
        Curve::Tc26_512A => ("1.2.398.3.10.1.1.2.2", Digest::Streebog512),
    }
}

/// A GOST SubjectPublicKeyInfo as the national CA writes it: the parameters
/// a SEQUENCE of the parameter-set OID, the key an OCTET STRING of X‖Y.
/// `None` when `params_der` is not one DER element.
fn spki(alg: &str, params_der: &[u8], key: &[u8]) -> Option<Vec<u8>> {
    let octets = OctetString::new(key.to_vec()).ok()?.to_der().ok()?;
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap(alg),
            parameters: Some(<Any as der::Decode>::from_der(params_der).ok()?),
        },
        subject_public_key: BitString::from_bytes(&octets).ok()?,
    }
    .to_der()
    .ok()
}

fn params_seq(curve: Curve) -> Vec<u8> {
    // SEQUENCE { OID parameter set }
    let oid = Oid::new_unwrap(curve.kz_oid()).to_der().expect("oid");
    let mut out = vec![0x30, oid.len() as u8];
    out.extend(oid);
    out
}

fn rng() -> ring::rand::SystemRandom {
    ring::rand::SystemRandom::new()
}

/// A signing key from arbitrary bytes (reduced into 0 < d < q by clearing
/// the top byte and setting the lowest bit).
fn key_from(curve: Curve, bytes: &[u8]) -> SigningKey {
    let mut d: Vec<u8> = bytes.iter().cycle().take(curve.len()).copied().collect();
    let last = d.len() - 1;
    d[last] = 0;
    d[0] |= 1;
    SigningKey::from_le_bytes(curve, &d).expect("0 < d < q")
}

proptest! {
    #![proptest_config(cases(512))]

    /// Any bytes as key, digest and signature: no panic, no success.
    #[test]
    fn arbitrary_inputs_never_verify(
        curve in curve(),
        key in prop::collection::vec(any::<u8>(), 0..160),
        digest in prop::collection::vec(any::<u8>(), 0..80),
        sig in prop::collection::vec(any::<u8>(), 0..160),
    ) {
        prop_assert!(gost::verify(curve, &key, &digest, &sig).is_err());
        let _ = gost::check_public_key(curve, &key);
    }

    /// The right lengths, arbitrary values: still never a success; a key
    /// that is refused is refused as not on the curve (or, on the cofactor
    /// curve, outside the subgroup).
    #[test]
    fn arbitrary_values_of_the_right_length_never_verify(
        curve in curve(),
        seed in prop::collection::vec(any::<u8>(), 64),
        sig_seed in prop::collection::vec(any::<u8>(), 128),
    ) {
        let n = curve.len();
        let key: Vec<u8> = seed.iter().cycle().take(2 * n).copied().collect();
        let digest: Vec<u8> = seed.iter().rev().cycle().take(n).copied().collect();
        let sig: Vec<u8> = sig_seed.iter().cycle().take(2 * n).copied().collect();
        prop_assert!(gost::verify(curve, &key, &digest, &sig).is_err());
        match gost::check_public_key(curve, &key) {
            Ok(()) => {}
            Err(e) => prop_assert!(
                matches!(e, GostError::NotOnCurve | GostError::NotInSubgroup),
                "{e:?}"
            ),
        }
    }

    /// Keys that are not points of the curve: the point at infinity written
    /// as zeros, x or y of p or more (all ones), x zero, a valid key with y
    /// changed. Refused whatever the signature.
    #[test]
    fn points_off_the_curve_are_refused(
        curve in curve(),
        d in prop::collection::vec(any::<u8>(), 64),
        at in 0usize..64,
        bit in 0u8..8,
        sig in prop::collection::vec(any::<u8>(), 128),
    ) {
        let n = curve.len();
        let digest = vec![7u8; n];
        let sig: Vec<u8> = sig.iter().cycle().take(2 * n).copied().collect();
        let good = key_from(curve, &d).public_key().expect("public key");
        let mut y_changed = good.clone();
        y_changed[n + at % n] ^= 1 << bit;
        let mut x_zero = good.clone();
        x_zero[..n].fill(0);
        let mut big_x = good.clone();
        big_x[..n].fill(0xff);
        let mut big_y = good.clone();
        big_y[n..].fill(0xff);
        for key in [vec![0u8; 2 * n], y_changed, x_zero, big_x, big_y] {
            prop_assert_eq!(gost::check_public_key(curve, &key), Err(GostError::NotOnCurve));
            prop_assert_eq!(
                gost::verify(curve, &key, &digest, &sig),
                Err(GostError::NotOnCurve)
            );
        }
    }
}

proptest! {
    #![proptest_config(cases(64))]

    /// Sign → verify, directly and through the SPKI and `algorithms::verify`
    /// as a certificate's signature would be checked; and every single
    /// changed bit of key, digest or signature is refused.
    #[test]
    fn sign_verify_round_trips_and_single_bits_break_it(
        curve in curve(),
        d in prop::collection::vec(any::<u8>(), 64),
        msg in prop::collection::vec(any::<u8>(), 0..256),
        which in 0usize..3,
        bit in any::<prop::sample::Index>(),
    ) {
        let n = curve.len();
        let key = key_from(curve, &d);
        let public = key.public_key().expect("public key");
        let (alg, digest_alg) = kz(curve);
        let digest = digest_alg.hash(&msg);
        let sig = key.sign(&digest, &rng()).expect("signs");
        prop_assert_eq!(sig.len(), 2 * n);
        prop_assert_eq!(gost::verify(curve, &public, &digest, &sig), Ok(()));

        let der = spki(alg, &params_seq(curve), &public).expect("SPKI DER");
        let pk = PublicKey::from_spki_der(&der).expect("the SPKI parses");
        let same_curve = matches!(pk.kind, KeyKind::Gost { curve: c, .. } if c == curve);
        prop_assert!(same_curve, "{:?}", pk.kind);
        prop_assert_eq!(&pk.key, &public);
        prop_assert!(algorithms::verify(Scheme::Gost(digest_alg), &pk, &msg, &sig).is_ok());

        let (mut k, mut h, mut s) = (public.clone(), digest.clone(), sig.clone());
        let target: &mut Vec<u8> = match which {
            0 => &mut k,
            1 => &mut h,
            _ => &mut s,
        };
        let i = bit.index(target.len() * 8);
        target[i / 8] ^= 1 << (i % 8);
        prop_assert!(
            gost::verify(curve, &k, &h, &s).is_err(),
            "bit {} of {} changed and it still verifies", i, ["key", "digest", "signature"][which]
        );
    }

}

/// One signature per curve, every bit of it changed in turn.
#[test]
fn every_single_bit_of_a_signature_matters() {
    for curve in Curve::ALL {
        let key = SigningKey::generate(curve, &rng()).expect("key");
        let public = key.public_key().expect("public key");
        let digest = vec![0x3cu8; curve.len()];
        let sig = key.sign(&digest, &rng()).expect("signs");
        for i in 0..sig.len() * 8 {
            let mut bad = sig.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert!(
                gost::verify(curve, &public, &digest, &bad).is_err(),
                "{curve:?}: bit {i}"
            );
        }
    }
}

proptest! {
    #![proptest_config(cases(1024))]

    /// Arbitrary bytes as a SubjectPublicKeyInfo: no panic; a GOST key is
    /// never made from them unless it is a point of its curve.
    #[test]
    fn arbitrary_spki_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(PublicKey { kind: KeyKind::Gost { curve, .. }, key }) =
            PublicKey::from_spki_der(&bytes)
        {
            prop_assert_eq!(gost::check_public_key(curve, &key), Ok(()));
        }
    }

    /// GOST SPKIs with arbitrary parameters and key octets: no panic, and a
    /// key is accepted only when it is a point of the curve its parameters
    /// name; arbitrary signatures over arbitrary messages never verify.
    #[test]
    fn gost_spki_with_arbitrary_parts(
        alg in prop::sample::select(vec![
            "1.2.398.3.10.1.1.1.1",
            "1.2.398.3.10.1.1.2.1",
            "1.2.398.3.10.1.1.2.2",
            "1.2.643.7.1.1.1.1",
            "1.2.643.7.1.1.1.2",
        ]),
        params in prop_oneof![
            curve().prop_map(params_seq),
            prop::collection::vec(any::<u8>(), 0..24).prop_map(|mut v| {
                // Something DER-shaped: a SEQUENCE of arbitrary content.
                let len = v.len() as u8;
                v.insert(0, len);
                v.insert(0, 0x30);
                v
            }),
            Just(vec![0x05, 0x00]),
        ],
        key in prop::collection::vec(any::<u8>(), 0..140),
        msg in prop::collection::vec(any::<u8>(), 0..64),
        sig in prop::collection::vec(any::<u8>(), 0..140),
    ) {
        let Some(der) = spki(alg, &params, &key) else {
            // Parameters that are not one DER element: nothing to wrap.
            return Ok(());
        };
        if let Ok(pk) = PublicKey::from_spki_der(&der) {
            let KeyKind::Gost { curve, .. } = pk.kind else {
                return Err(TestCaseError::fail("a GOST OID gave another kind"));
            };
            prop_assert_eq!(gost::check_public_key(curve, &pk.key), Ok(()));
            for d in [Digest::Gost34311, Digest::Streebog256, Digest::Streebog512] {
                prop_assert!(algorithms::verify(Scheme::Gost(d), &pk, &msg, &sig).is_err());
            }
        }
    }
}

/// A point of the curve from x, when x³ + ax + b is a square: X‖Y little-endian.
fn point_at<C>(x: u64) -> Option<Vec<u8>>
where
    C: primeorder::PrimeCurveParams,
    C::FieldElement: From<u64>,
{
    use elliptic_curve::ff::{Field, PrimeField};
    let x = C::FieldElement::from(x);
    let rhs = x * x * x + C::EQUATION_A * x + C::EQUATION_B;
    let y: Option<C::FieldElement> = rhs.sqrt().into();
    let y = y?;
    let (xr, yr) = (x.to_repr(), y.to_repr());
    let (xb, yb): (&[u8], &[u8]) = (xr.as_ref(), yr.as_ref());
    let mut out: Vec<u8> = xb.iter().rev().copied().collect();
    out.extend(yb.iter().rev());
    Some(out)
}

/// Points of the curves from x = 1, 2, 3, …: on the two curves of cofactor
/// 1 (CryptoPro-A, TC26 512 A) every one is a usable key; on TC26 256 A
/// (cofactor 4) three points in four lie outside the base point's subgroup
/// and are refused as such (`NotInSubgroup`, not `NotOnCurve`), and a
/// signature can never verify with them.
#[test]
fn curve_points_and_the_cofactor_4_subgroup() {
    use qoltanba::pki::gost::curves::{cryptopro_a, tc26_256_a, tc26_512_a};
    let (mut inside, mut outside) = (0, 0);
    for x in 1u64..400 {
        if let Some(k) = point_at::<cryptopro_a::CryptoProA>(x) {
            assert_eq!(
                gost::check_public_key(Curve::CryptoProA, &k),
                Ok(()),
                "x = {x}"
            );
        }
        if let Some(k) = point_at::<tc26_512_a::Tc26_512A>(x) {
            assert_eq!(
                gost::check_public_key(Curve::Tc26_512A, &k),
                Ok(()),
                "x = {x}"
            );
        }
        if let Some(k) = point_at::<tc26_256_a::Tc26_256A>(x) {
            match gost::check_public_key(Curve::Tc26_256A, &k) {
                Ok(()) => inside += 1,
                Err(GostError::NotInSubgroup) => {
                    outside += 1;
                    let sig = vec![0x11u8; 64];
                    assert_eq!(
                        gost::verify(Curve::Tc26_256A, &k, &[1u8; 32], &sig),
                        Err(GostError::NotInSubgroup)
                    );
                }
                Err(e) => panic!("x = {x}: a point of the curve refused as {e:?}"),
            }
        }
    }
    // About 200 points; about a quarter of them in the subgroup.
    assert!(
        inside > 10 && outside > 3 * inside / 2,
        "{inside} inside, {outside} outside"
    );
}
