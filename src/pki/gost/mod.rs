//! GOST R 34.10 signatures on the curves the national CA uses: Kazakhstan's
//! GOST 34.310-2004 (= GOST R 34.10-2001 on CryptoPro-A) and GOST 34.10-2015
//! (= GOST R 34.10-2012 on TC26 paramSetA, 256 and 512 bits).
//!
//! Owns the byte orders (CryptoPro / RFC 4491, confirmed on the NCA's
//! self-signed test roots): a public key is X‖Y, each half little-endian; a
//! signature is r‖s, each half little-endian; the digest is read as a
//! little-endian integer. The verification equation is the standard's:
//! e = h mod q (1 when 0), v = e⁻¹, z1 = s·v, z2 = −r·v, C = z1·G + z2·Q,
//! valid iff x(C) mod q = r, with 0 < r, s < q. Signing takes its nonce from
//! the caller's random source and multiplies the base point in constant time
//! (primeorder's radix-16 ladder).
//!
//! Refuses, without panicking: wrong lengths, coordinates not below p,
//! points off the curve or (on the cofactor-4 curve) outside the base
//! point's subgroup, r or s zero or not below q.

pub mod curves;

use elliptic_curve::ff::{Field, PrimeField};
use elliptic_curve::ops::{LinearCombination, Reduce};
use elliptic_curve::point::AffineCoordinates;
use elliptic_curve::{FieldBytes, Group};
use primeorder::{AffinePoint, PrimeCurveParams, ProjectivePoint};
use serde::Serialize;
use zeroize::Zeroize;

/// A named GOST R 34.10 curve (parameter set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Curve {
    /// GostR3410-2001-CryptoPro-A (= TC26 256 paramSetB): GOST 34.310-2004.
    CryptoProA,
    /// id-tc26-gost-3410-2012-256-paramSetA: GOST 34.10-2015, 256 bits.
    Tc26_256A,
    /// id-tc26-gost-3410-12-512-paramSetA: GOST 34.10-2015, 512 bits.
    Tc26_512A,
}

impl Curve {
    /// Every curve, for tests and reports.
    pub const ALL: [Curve; 3] = [Curve::CryptoProA, Curve::Tc26_256A, Curve::Tc26_512A];

    /// The curve a parameter-set OID names (Kazakh and Russian arcs).
    pub fn from_params_oid(oid: &str) -> Option<Curve> {
        Some(match oid {
            // KZ: Gost34310-2004-PKIGOVKZ-A; RU: CryptoPro-A, CryptoPro-XchA, TC26 256 B.
            "1.2.398.3.10.1.1.1.1.1"
            | "1.2.643.2.2.35.1"
            | "1.2.643.2.2.36.0"
            | "1.2.643.7.1.2.1.1.2" => Curve::CryptoProA,
            "1.2.398.3.10.1.1.2.1.1" | "1.2.643.7.1.2.1.1.1" => Curve::Tc26_256A,
            "1.2.398.3.10.1.1.2.2.1" | "1.2.643.7.1.2.1.2.1" => Curve::Tc26_512A,
            _ => return None,
        })
    }

    /// The curve's standard name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::CryptoProA => "GostR3410-2001-CryptoPro-A",
            Curve::Tc26_256A => "id-tc26-gost-3410-2012-256-paramSetA",
            Curve::Tc26_512A => "id-tc26-gost-3410-12-512-paramSetA",
        }
    }

    /// The Kazakh parameter-set OID (what the NCA writes in certificates).
    pub fn kz_oid(self) -> &'static str {
        match self {
            Curve::CryptoProA => "1.2.398.3.10.1.1.1.1.1",
            Curve::Tc26_256A => "1.2.398.3.10.1.1.2.1.1",
            Curve::Tc26_512A => "1.2.398.3.10.1.1.2.2.1",
        }
    }

    /// Field size in bits.
    pub fn bits(self) -> usize {
        self.len() * 8
    }

    /// Bytes in one coordinate, one half of a signature, one digest.
    pub fn len(self) -> usize {
        match self {
            Curve::CryptoProA | Curve::Tc26_256A => 32,
            Curve::Tc26_512A => 64,
        }
    }

    /// Never true: a curve has a size.
    pub fn is_empty(self) -> bool {
        false
    }
}

/// Why a GOST key or signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GostError {
    /// The public key is not X‖Y of the curve's size.
    #[error("GOST public key of {got} bytes, expected {want}")]
    KeyLength {
        /// Bytes given.
        got: usize,
        /// Bytes the curve needs.
        want: usize,
    },
    /// A coordinate is not below p, or the point is not on the curve.
    #[error("GOST public key is not a point of the curve")]
    NotOnCurve,
    /// The point is on the curve but outside the base point's subgroup.
    #[error("GOST public key is outside the base point's subgroup")]
    NotInSubgroup,
    /// The digest is not of the curve's size.
    #[error("digest of {got} bytes for a {want}-byte GOST curve")]
    DigestLength {
        /// Bytes given.
        got: usize,
        /// Bytes the curve needs.
        want: usize,
    },
    /// The signature is not r‖s of the curve's size.
    #[error("GOST signature of {got} bytes, expected {want}")]
    SignatureLength {
        /// Bytes given.
        got: usize,
        /// Bytes the curve needs.
        want: usize,
    },
    /// r or s is zero or not below q.
    #[error("GOST signature value out of range")]
    OutOfRange,
    /// The equation does not hold.
    #[error("GOST signature does not verify")]
    Invalid,
    /// A private key that is zero or not below q.
    #[error("GOST private key out of range")]
    PrivateKey,
    /// The random source failed.
    #[error("random source failed")]
    Random,
}

/// Checks that `key` (X‖Y, little-endian halves) is a usable public key of `curve`.
pub fn check_public_key(curve: Curve, key: &[u8]) -> Result<(), GostError> {
    match curve {
        Curve::CryptoProA => point::<curves::cryptopro_a::CryptoProA>(key, false).map(|_| ()),
        Curve::Tc26_256A => point::<curves::tc26_256_a::Tc26_256A>(key, true).map(|_| ()),
        Curve::Tc26_512A => point::<curves::tc26_512_a::Tc26_512A>(key, false).map(|_| ()),
    }
}

/// Verifies `sig` (r‖s, little-endian halves) over `digest` (the hash
/// output as the hash function writes it) with `key` (X‖Y, little-endian).
pub fn verify(curve: Curve, key: &[u8], digest: &[u8], sig: &[u8]) -> Result<(), GostError> {
    match curve {
        Curve::CryptoProA => verify_on::<curves::cryptopro_a::CryptoProA>(key, digest, sig, false),
        Curve::Tc26_256A => verify_on::<curves::tc26_256_a::Tc26_256A>(key, digest, sig, true),
        Curve::Tc26_512A => verify_on::<curves::tc26_512_a::Tc26_512A>(key, digest, sig, false),
    }
}

/// A GOST private key: the scalar d, little-endian, wiped when dropped.
pub struct SigningKey {
    curve: Curve,
    d: zeroize::Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("curve", &self.curve)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A key from its scalar d (little-endian, the curve's size, 0 < d < q).
    pub fn from_le_bytes(curve: Curve, d: &[u8]) -> Result<SigningKey, GostError> {
        if d.len() != curve.len() {
            return Err(GostError::PrivateKey);
        }
        let key = SigningKey {
            curve,
            d: zeroize::Zeroizing::new(d.to_vec()),
        };
        // Checks the range once, by deriving the public key.
        key.public_key()?;
        Ok(key)
    }

    /// A fresh key from `rng`.
    pub fn generate(
        curve: Curve,
        rng: &dyn ring::rand::SecureRandom,
    ) -> Result<SigningKey, GostError> {
        let d = match curve {
            Curve::CryptoProA => random_scalar::<curves::cryptopro_a::CryptoProA>(rng)?,
            Curve::Tc26_256A => random_scalar::<curves::tc26_256_a::Tc26_256A>(rng)?,
            Curve::Tc26_512A => random_scalar::<curves::tc26_512_a::Tc26_512A>(rng)?,
        };
        Ok(SigningKey {
            curve,
            d: zeroize::Zeroizing::new(d),
        })
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// The scalar d, little-endian (for sealing the key at rest).
    pub fn to_le_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        self.d.clone()
    }

    /// The public key Q = d·G as X‖Y, little-endian halves.
    pub fn public_key(&self) -> Result<Vec<u8>, GostError> {
        match self.curve {
            Curve::CryptoProA => public_on::<curves::cryptopro_a::CryptoProA>(&self.d),
            Curve::Tc26_256A => public_on::<curves::tc26_256_a::Tc26_256A>(&self.d),
            Curve::Tc26_512A => public_on::<curves::tc26_512_a::Tc26_512A>(&self.d),
        }
    }

    /// Signs `digest` (the hash output as written) with a nonce from `rng`:
    /// r‖s, little-endian halves.
    pub fn sign(
        &self,
        digest: &[u8],
        rng: &dyn ring::rand::SecureRandom,
    ) -> Result<Vec<u8>, GostError> {
        match self.curve {
            Curve::CryptoProA => sign_on::<curves::cryptopro_a::CryptoProA>(&self.d, digest, rng),
            Curve::Tc26_256A => sign_on::<curves::tc26_256_a::Tc26_256A>(&self.d, digest, rng),
            Curve::Tc26_512A => sign_on::<curves::tc26_512_a::Tc26_512A>(&self.d, digest, rng),
        }
    }
}

/// Little-endian bytes as the curve's big-endian field encoding.
fn be_bytes<C: PrimeCurveParams>(le: &[u8]) -> Option<FieldBytes<C>> {
    let mut v: Vec<u8> = le.iter().rev().copied().collect();
    let out = FieldBytes::<C>::try_from(v.as_slice()).ok();
    v.zeroize();
    out
}

fn le_bytes(be: &[u8]) -> Vec<u8> {
    be.iter().rev().copied().collect()
}

fn point<C: PrimeCurveParams>(key: &[u8], cofactor: bool) -> Result<AffinePoint<C>, GostError> {
    let n = key.len() / 2;
    let want = 2 * C::FieldBytesSize::USIZE;
    if key.len() != want {
        return Err(GostError::KeyLength {
            got: key.len(),
            want,
        });
    }
    let (Some(x), Some(y)) = (be_bytes::<C>(&key[..n]), be_bytes::<C>(&key[n..])) else {
        return Err(GostError::NotOnCurve);
    };
    let p: Option<AffinePoint<C>> = AffinePoint::<C>::from_coordinates(&x, &y).into();
    let p = p.ok_or(GostError::NotOnCurve)?;
    if cofactor {
        // q·Q = O, written as (q−1)·Q + Q (q itself is not a scalar).
        let qp = ProjectivePoint::<C>::from(p);
        let minus_one = -C::Scalar::ONE;
        if !bool::from((qp.mul_vartime(&minus_one) + qp).is_identity()) {
            return Err(GostError::NotInSubgroup);
        }
    }
    Ok(p)
}

use elliptic_curve::array::typenum::Unsigned;

/// e = h mod q, with h the digest read little-endian; 1 when that is 0.
fn digest_scalar<C: PrimeCurveParams>(digest: &[u8]) -> Result<C::Scalar, GostError>
where
    C::Scalar: Reduce<FieldBytes<C>>,
{
    let want = C::FieldBytesSize::USIZE;
    let h = be_bytes::<C>(digest).ok_or(GostError::DigestLength {
        got: digest.len(),
        want,
    })?;
    let e = <C::Scalar as Reduce<FieldBytes<C>>>::reduce(&h);
    Ok(if bool::from(e.is_zero()) {
        C::Scalar::ONE
    } else {
        e
    })
}

fn verify_on<C: PrimeCurveParams>(
    key: &[u8],
    digest: &[u8],
    sig: &[u8],
    cofactor: bool,
) -> Result<(), GostError>
where
    C::Scalar: Reduce<FieldBytes<C>>,
{
    let n = C::FieldBytesSize::USIZE;
    if sig.len() != 2 * n {
        return Err(GostError::SignatureLength {
            got: sig.len(),
            want: 2 * n,
        });
    }
    let q = point::<C>(key, cofactor)?;
    let e = digest_scalar::<C>(digest)?;
    let scalar = |le: &[u8]| -> Result<C::Scalar, GostError> {
        let b = be_bytes::<C>(le).ok_or(GostError::OutOfRange)?;
        let s: Option<C::Scalar> = C::Scalar::from_repr(b).into();
        match s {
            Some(s) if !bool::from(s.is_zero()) => Ok(s),
            _ => Err(GostError::OutOfRange),
        }
    };
    let r = scalar(&sig[..n])?;
    let s = scalar(&sig[n..])?;
    let v: Option<C::Scalar> = e.invert().into();
    let v = v.ok_or(GostError::Invalid)?;
    let z1 = s * v;
    let z2 = -(r * v);
    let c = ProjectivePoint::<C>::lincomb_vartime(&[
        (ProjectivePoint::<C>::generator(), z1),
        (ProjectivePoint::<C>::from(q), z2),
    ]);
    if bool::from(c.is_identity()) {
        return Err(GostError::Invalid);
    }
    let x = c.to_affine().x();
    let rr = <C::Scalar as Reduce<FieldBytes<C>>>::reduce(&x);
    if rr == r {
        Ok(())
    } else {
        Err(GostError::Invalid)
    }
}

fn secret_scalar<C: PrimeCurveParams>(d: &[u8]) -> Result<C::Scalar, GostError> {
    let mut b = be_bytes::<C>(d).ok_or(GostError::PrivateKey)?;
    let s: Option<C::Scalar> = C::Scalar::from_repr(b).into();
    b.as_mut_slice().zeroize();
    match s {
        Some(s) if !bool::from(s.is_zero()) => Ok(s),
        _ => Err(GostError::PrivateKey),
    }
}

fn random_scalar<C: PrimeCurveParams>(
    rng: &dyn ring::rand::SecureRandom,
) -> Result<Vec<u8>, GostError> {
    let n = C::FieldBytesSize::USIZE;
    let top_bits = C::Scalar::NUM_BITS as usize % 8;
    for _ in 0..128 {
        let mut b = vec![0u8; n];
        rng.fill(&mut b).map_err(|_| GostError::Random)?;
        // Big-endian candidate below 2^bits(q), rejected when not below q.
        if top_bits != 0 {
            b[0] &= (1u8 << top_bits) - 1;
        }
        let Ok(fb) = FieldBytes::<C>::try_from(b.as_slice()) else {
            return Err(GostError::Random);
        };
        b.zeroize();
        let s: Option<C::Scalar> = C::Scalar::from_repr(fb).into();
        if let Some(s) = s
            && !bool::from(s.is_zero())
        {
            return Ok(le_bytes(&s.to_repr()));
        }
    }
    Err(GostError::Random)
}

fn public_on<C: PrimeCurveParams>(d: &[u8]) -> Result<Vec<u8>, GostError> {
    let mut d = secret_scalar::<C>(d)?;
    let q = (ProjectivePoint::<C>::generator() * d).to_affine();
    d.zeroize();
    let mut out = le_bytes(&q.x());
    out.extend(le_bytes(&q.y()));
    Ok(out)
}

fn sign_on<C: PrimeCurveParams>(
    d: &[u8],
    digest: &[u8],
    rng: &dyn ring::rand::SecureRandom,
) -> Result<Vec<u8>, GostError>
where
    C::Scalar: Reduce<FieldBytes<C>>,
{
    let d = zeroize::Zeroizing::new(secret_scalar::<C>(d)?);
    let e = digest_scalar::<C>(digest)?;
    for _ in 0..64 {
        let k_bytes = zeroize::Zeroizing::new(random_scalar::<C>(rng)?);
        let k = zeroize::Zeroizing::new(secret_scalar::<C>(&k_bytes)?);
        // Constant time: primeorder's `Mul` walks fixed radix-16 windows.
        let c = (ProjectivePoint::<C>::generator() * *k).to_affine();
        let r = <C::Scalar as Reduce<FieldBytes<C>>>::reduce(&c.x());
        if bool::from(r.is_zero()) {
            continue;
        }
        let s = r * *d + *k * e;
        if bool::from(s.is_zero()) {
            continue;
        }
        let mut out = le_bytes(&r.to_repr());
        out.extend(le_bytes(&s.to_repr()));
        return Ok(out);
    }
    Err(GostError::Random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_on_every_curve() {
        let rng = ring::rand::SystemRandom::new();
        for curve in Curve::ALL {
            let key = SigningKey::generate(curve, &rng).unwrap();
            let public = key.public_key().unwrap();
            check_public_key(curve, &public).unwrap();
            let digest = vec![0x5au8; curve.len()];
            let sig = key.sign(&digest, &rng).unwrap();
            assert_eq!(sig.len(), 2 * curve.len());
            verify(curve, &public, &digest, &sig).unwrap();
            let mut bad = sig.clone();
            bad[3] ^= 1;
            assert!(verify(curve, &public, &digest, &bad).is_err());
            let mut other = digest.clone();
            other[0] ^= 1;
            assert_eq!(
                verify(curve, &public, &other, &sig),
                Err(GostError::Invalid)
            );
        }
    }

    #[test]
    fn zero_and_out_of_range_values_are_refused() {
        let rng = ring::rand::SystemRandom::new();
        for curve in Curve::ALL {
            let key = SigningKey::generate(curve, &rng).unwrap();
            let public = key.public_key().unwrap();
            let digest = vec![1u8; curve.len()];
            let n = curve.len();
            let zero = vec![0u8; 2 * n];
            assert_eq!(
                verify(curve, &public, &digest, &zero),
                Err(GostError::OutOfRange)
            );
            let ones = vec![0xffu8; 2 * n];
            assert_eq!(
                verify(curve, &public, &digest, &ones),
                Err(GostError::OutOfRange)
            );
            assert_eq!(
                verify(curve, &public, &digest, &zero[..n]),
                Err(GostError::SignatureLength {
                    got: n,
                    want: 2 * n
                })
            );
            let mut off = public.clone();
            off[n] ^= 1;
            assert_eq!(check_public_key(curve, &off), Err(GostError::NotOnCurve));
            assert_eq!(
                check_public_key(curve, &vec![0u8; 2 * n]),
                Err(GostError::NotOnCurve)
            );
        }
    }
}
