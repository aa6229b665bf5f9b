//! The GOST R 34.10 curves the national CA uses, declared as constants for
//! RustCrypto's `primefield` (field and scalar arithmetic in Montgomery form
//! over `crypto-bigint`) and `primeorder` (complete projective formulas,
//! wNAF and constant-time scalar multiplication). No arithmetic is written
//! here: only the curve constants, in the big-endian hex of their standards.
//!
//! Sources: RFC 4357 §11.4 (CryptoPro-A), RFC 7836 and R 1323565.1.024-2019
//! (TC26 paramSetA, 256 and 512 bits); the same constants as PyPI's
//! `gostcrypto`, which the tests use as an independent judge.
//!
//! `multiplicative_generator` is the smallest quadratic non-residue modulo
//! the modulus: `primefield` uses it only for square roots (its 2^S-th root of
//! unity), which verification never takes.

/// Declares one curve: its field, its scalar field and its point arithmetic.
macro_rules! gost_curve {
    (
        $(#[$doc:meta])*
        $modname:ident, $curve:ident, $uint:ident, $bytes:ident,
        p: $p:expr, q: $q:expr, a: $a:expr, b: $b:expr, gx: $gx:expr, gy: $gy:expr,
        field_qnr: $fg:expr, scalar_qnr: $sg:expr, arithmetic: $arith:ty
    ) => {
        $(#[$doc])*
        #[allow(deprecated, missing_docs, clippy::all)]
        pub mod $modname {
            use elliptic_curve::array::typenum::$bytes;
            use elliptic_curve::bigint::{$uint as Uint, Odd};
            #[allow(unused_imports)]
            use elliptic_curve::ff::PrimeField;
            use primefield::ByteOrder;

            /// The curve as a type for `primeorder`.
            #[derive(Clone, Copy, Debug, Default, Eq, PartialEq, PartialOrd, Ord)]
            pub struct $curve;

            const ORDER_HEX: &str = $q;

            pub use field::FieldElement;
            pub use scalar::Scalar;

            /// Elements of the prime field.
            pub mod field {
                use super::*;
                #[allow(unused_imports)]
                use elliptic_curve::subtle::{Choice, ConstantTimeEq, CtOption};
                primefield::monty_field_params! {
                    name: FieldParams, modulus: $p, uint: Uint,
                    byte_order: ByteOrder::BigEndian, multiplicative_generator: $fg,
                    doc: "The curve's field modulus p"
                }
                primefield::monty_field_element! {
                    name: FieldElement, params: FieldParams, uint: Uint,
                    doc: "An element of the curve's prime field"
                }
                primefield::monty_field_arithmetic! {
                    name: FieldElement, params: FieldParams, uint: Uint
                }
                impl elliptic_curve::ops::BatchInvert for FieldElement {}
            }

            /// Integers modulo the order q of the base point.
            pub mod scalar {
                use super::*;
                #[allow(unused_imports)]
                use elliptic_curve::subtle::{Choice, ConstantTimeEq, CtOption};
                primefield::monty_field_params! {
                    name: ScalarParams, modulus: ORDER_HEX, uint: Uint,
                    byte_order: ByteOrder::BigEndian, multiplicative_generator: $sg,
                    doc: "The base point's order q"
                }
                primefield::monty_field_element! {
                    name: Scalar, params: ScalarParams, uint: Uint,
                    doc: "An integer modulo q"
                }
                primefield::monty_field_arithmetic! {
                    name: Scalar, params: ScalarParams, uint: Uint
                }
                primefield::monty_field_reduce! {
                    name: Scalar, params: ScalarParams, uint: Uint,
                }
                elliptic_curve::scalar_impls!(super::$curve, Scalar);
                primeorder::wnaf::impl_wnaf_size_for_scalar!(Scalar);
                impl AsRef<Scalar> for Scalar {
                    fn as_ref(&self) -> &Scalar {
                        self
                    }
                }
                impl elliptic_curve::scalar::FromUintUnchecked for Scalar {
                    type Uint = Uint;
                    fn from_uint_unchecked(u: Uint) -> Self {
                        Self::from_uint_unchecked(u)
                    }
                }
                impl elliptic_curve::scalar::IsHigh for Scalar {
                    fn is_high(&self) -> Choice {
                        use elliptic_curve::Curve;
                        use elliptic_curve::subtle::ConstantTimeGreater;
                        let half: Uint = super::$curve::ORDER.as_ref().shr_vartime(1);
                        self.to_canonical().ct_gt(&half)
                    }
                }
            }

            impl elliptic_curve::Curve for $curve {
                type FieldBytesSize = $bytes;
                type Uint = Uint;
                const ORDER: Odd<Uint> = Odd::<Uint>::from_be_hex(ORDER_HEX);
            }
            impl elliptic_curve::PrimeCurve for $curve {}
            impl elliptic_curve::CurveArithmetic for $curve {
                type AffinePoint = primeorder::AffinePoint<$curve>;
                type ProjectivePoint = primeorder::ProjectivePoint<$curve>;
                type Scalar = Scalar;
            }
            impl elliptic_curve::hazmat::FieldArithmetic for $curve {
                type FieldElement = FieldElement;
            }
            impl elliptic_curve::PrimeCurveArithmetic for $curve {
                type CurveGroup = primeorder::ProjectivePoint<$curve>;
            }
            impl primeorder::PrimeCurveParams for $curve {
                type PointArithmetic = $arith;
                type Backend = primeorder::mul_backend::VariableOnly;
                const EQUATION_A: FieldElement = FieldElement::from_hex_vartime($a);
                const EQUATION_B: FieldElement = FieldElement::from_hex_vartime($b);
                const GENERATOR: (FieldElement, FieldElement) = (
                    FieldElement::from_hex_vartime($gx),
                    FieldElement::from_hex_vartime($gy),
                );
            }
        }
    };
}

gost_curve!(
    /// GostR3410-2001-CryptoPro-A = id-tc26-gost-3410-2012-256-paramSetB:
    /// the curve of GOST 34.310-2004 keys (`1.2.398.3.10.1.1.1.1.1`).
    cryptopro_a, CryptoProA, U256, U32,
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
    q: "ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
    a: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94",
    b: "00000000000000000000000000000000000000000000000000000000000000a6",
    gx: "0000000000000000000000000000000000000000000000000000000000000001",
    gy: "8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14",
    field_qnr: 7, scalar_qnr: 2,
    arithmetic: primeorder::point_arithmetic::EquationAIsMinusThree
);

gost_curve!(
    /// id-tc26-gost-3410-2012-256-paramSetA in Weierstrass form (cofactor 4;
    /// q is the base point's order): GOST 34.10-2015 256-bit keys
    /// (`1.2.398.3.10.1.1.2.1.1`).
    tc26_256_a, Tc26_256A, U256, U32,
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
    q: "400000000000000000000000000000000fd8cddfc87b6635c115af556c360c67",
    a: "c2173f1513981673af4892c23035a27ce25e2013bf95aa33b22c656f277e7335",
    b: "295f9bae7428ed9ccc20e7c359a9d41a22fccd9108e17bf7ba9337a6f8ae9513",
    gx: "91e38443a5e82c0d880923425712b2bb658b9196932e02c78b2582fe742daa28",
    gy: "32879423ab1a0375895786c4bb46e9565fde0b5344766740af268adb32322e5c",
    field_qnr: 7, scalar_qnr: 5,
    arithmetic: primeorder::point_arithmetic::EquationAIsGeneric
);

gost_curve!(
    /// id-tc26-gost-3410-12-512-paramSetA: GOST 34.10-2015 512-bit keys
    /// (`1.2.398.3.10.1.1.2.2.1`), every end-entity key the NCA issues since 2022.
    tc26_512_a, Tc26_512A, U512, U64,
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7",
    q: "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275",
    a: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc4",
    b: "e8c2505dedfc86ddc1bd0b2b6667f1da34b82574761cb0e879bd081cfd0b6265ee3cb090f30d27614cb4574010da90dd862ef9d4ebee4761503190785a71c760",
    gx: "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003",
    gy: "7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a41e98028fe5fc235f5b889a589cb5215f2a4",
    field_qnr: 5, scalar_qnr: 2,
    arithmetic: primeorder::point_arithmetic::EquationAIsMinusThree
);
