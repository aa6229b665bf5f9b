//! Conformance over the real national-CA material in `../shared/realkz`
//! (public NCA RK test PKI: certificates, CRLs, OCSP and time-stamp
//! responses, Kalkan-made CMS), read in place, never copied here.
//!
//! No expected verdict comes with that material: each one below is decided
//! from the files themselves (validity dates, CRL entries and their reasons,
//! key usage, which CA signed what), and the reasoning is written next to
//! the case. Facts were read with `openssl x509|crl|ocsp|ts -text` and
//! `openssl cms -cmsout -print`; a CRL's window is its thisUpdate …
//! nextUpdate, a certificate's its notBefore … notAfter. Every case fixes
//! its validation time with `--at`, so none of them changes with the clock.
//!
//! The CA families the material holds (a certificate's issuer names its family):
//! - GOST 34.310-2004 test PKI: root "НЕГІЗГІ КО TEST (GOST)" (2018–2038),
//!   CA "ҰКО 3.0 (GOST TEST)" (2019-03-14 … 2024-03-12); in gokalkan and ncanode.
//! - GOST 34.10-2015/512 test PKI: root "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST)
//!   TEST 2022" (2022–2032), CA "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022"
//!   (2022–2032); in skarm-kalkan and ncanode-go (and ncanode as
//!   nca_gost2015_test.cer, the same certificate).
//! - RSA test PKI: root "НЕГІЗГІ КО TEST (RSA)" (2018–2038), CA "ҰКО 3.0 (RSA
//!   TEST)" (2019-03-15 … 2024-03-13); in gokalkan and ncanode.
//! - The CA pairs ncanode shipped in 2018 (ncanode/history-2018): root
//!   "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST|RSA)" (2015-07-27 … 2025-07-27), CA
//!   "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST|RSA)" (2018-08-08 … 2025-06-25), names
//!   without TEST, issuing the 2018 test persons' certificates.
//!
//! No root CRL is in the material, so revocation cases trust the issuing CA
//! as the anchor (its own status is then not asked), and chains to the
//! self-signed roots are checked with `--no-revocation`.
//!
//! The test IINs (123456789011, 123456789012) fail the IIN check digit, as
//! the NCA test PKI issues them: with `--iin` under a production anchor
//! (`--trust`) the verdict is `IIN_INVALID`; under the same anchor marked as
//! a test PKI (`--test-trust`) the IIN is compared without the checksum.

mod common;

// The GOST 34.10-2015 test root and CA (the "TEST 2022" pair), the current
// CRL and a validation time inside its window.
use common::nca_test_pki::{
    AT_2022 as AT_CURRENT, CA_2022 as CA_GOST2022, CRL_2022 as CRL_GOST2022_CURRENT,
    ROOT_2022 as ROOT_GOST2022,
};
use common::{check, epoch, qoltanba, read_realkz, realkz, realkz_dir};
use qoltanba::pki::cert::Certificate;
use serde_json::Value;
use std::path::PathBuf;

// ---------------------------------------------------------------------------
// The trust anchors and CRLs the cases use
// ---------------------------------------------------------------------------

/// GOST 34.310-2004 test root and CA.
const ROOT_GOST2004: &str = "gokalkan/internal__testdata__test__ca__root_gost_test.crt";
const CA_GOST2004: &str = "gokalkan/internal__testdata__test__ca__nca_gost_test.crt";
/// RSA test root and CA.
const ROOT_RSA: &str = "gokalkan/internal__testdata__test__ca__root_rsa_test.crt";
const CA_RSA: &str = "gokalkan/internal__testdata__test__ca__nca_rsa_test.crt";
/// The 2018 pairs (ncanode's history).
const ROOT_GOST2018: &str = "ncanode/history-2018/root_gost.crt";
const CA_GOST2018: &str = "ncanode/history-2018/nca_gost.crt";
const ROOT_RSA2018: &str = "ncanode/history-2018/root_rsa.crt";
const CA_RSA2018: &str = "ncanode/history-2018/nca_rsa.crt";

/// skarm-kalkan's base CRL (number 14): 2025-04-29 … 2025-10-26, 54 entries.
const CRL_GOST2022_2025: &str = "skarm-kalkan/testdata__certs__nca_gost2022_test.crl";
/// Its delta (number 10, base 14, no entries), same window.
const CRL_GOST2022_2025_DELTA: &str = "skarm-kalkan/testdata__certs__nca_gost2022_d_test.crl";
/// ncanode's GOST 2022 CRL (number 4): 2022-07-27 … 2023-01-23, 6 entries.
const CRL_GOST2022_2022: &str = "ncanode/resources/nca_gost2022_test.crl";
/// ncanode's GOST 2004 CA CRL (number 7): 2022-03-29 … 2022-09-25, 31 entries.
const CRL_GOST2004_2022: &str = "ncanode/resources/nca_gost_test.crl";
/// ncanode's RSA CA CRL (number 9): 2022-03-29 … 2022-09-25, 126 entries.
const CRL_RSA_2022: &str = "ncanode/resources/nca_rsa_test.crl";

/// An absolute path of the material as a string, for the command line.
fn p(rel: &str) -> String {
    realkz(rel).display().to_string()
}

/// `(indication, sub_indication, code)` of a verdict.
type Outcome = (&'static str, Option<&'static str>, &'static str);

const PASSED: Outcome = ("PASSED", None, "OK");
const REVOKED: Outcome = ("FAILED", Some("REVOKED"), "CERT_REVOKED");
const ON_HOLD: Outcome = ("INDETERMINATE", Some("REVOKED_ON_HOLD"), "CERT_REVOKED");
const EXPIRED: Outcome = (
    "INDETERMINATE",
    Some("OUT_OF_BOUNDS_NO_POE"),
    "CERT_EXPIRED",
);
const UNTRUSTED: Outcome = (
    "INDETERMINATE",
    Some("NO_CERTIFICATE_CHAIN_FOUND"),
    "CHAIN_UNTRUSTED",
);
const STALE: Outcome = ("INDETERMINATE", Some("TRY_LATER"), "REVOCATION_STALE");
const UNAVAILABLE: Outcome = ("INDETERMINATE", Some("TRY_LATER"), "REVOCATION_UNAVAILABLE");
const NO_CONTENT: Outcome = (
    "INDETERMINATE",
    Some("SIGNED_DATA_NOT_FOUND"),
    "CONTENT_MISSING",
);
const WRONG_DOCUMENT: Outcome = ("FAILED", Some("HASH_FAILURE"), "DIGEST_MISMATCH");
const NOT_FOR_SIGNING: Outcome = (
    "FAILED",
    Some("SIG_CONSTRAINTS_FAILURE"),
    "KEY_USAGE_INVALID",
);
const BAD_IIN: Outcome = ("FAILED", Some("SIG_CONSTRAINTS_FAILURE"), "IIN_INVALID");

/// An outcome as read from a verdict.
type Got = (String, Option<String>, String);

fn outcome_of(v: &Value) -> Got {
    (
        v["indication"].as_str().unwrap_or("?").to_string(),
        v["sub_indication"].as_str().map(str::to_string),
        v["code"].as_str().unwrap_or("?").to_string(),
    )
}

fn same(v: &Value, want: Outcome) -> bool {
    let (i, s, c) = outcome_of(v);
    i == want.0 && s.as_deref() == want.1 && c == want.2
}

/// Failures are collected and reported together, one line per row.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn add(&mut self, row: &str, msg: String) {
        self.0.push(format!("- {row}: {msg}"));
    }
    fn assert_none(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{} of the {what} rows disagree:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------
// cert info on every certificate file
// ---------------------------------------------------------------------------

/// The key a certificate file carries: `key.name`, `key.curve`.
#[derive(Clone, Copy, Debug)]
struct Key(&'static str, Option<&'static str>);

/// SPKI 1.2.398.3.10.1.1.1.1, parameters 1.2.398.3.10.1.1.1.1.1 (CryptoPro-A).
const GOST2004: Key = Key("GOST 34.310-2004 256", Some("GostR3410-2001-CryptoPro-A"));
/// SPKI 1.2.398.3.10.1.1.2.2, parameters 1.2.398.3.10.1.1.2.2.1 (TC26 512 A).
const GOST2015_512: Key = Key(
    "GOST 34.10-2015 512",
    Some("id-tc26-gost-3410-12-512-paramSetA"),
);
/// rsaEncryption with a 2048-bit modulus (end entities).
const RSA2048: Key = Key("RSA 2048", None);
/// rsaEncryption with a 4096-bit modulus (the RSA CAs).
const RSA4096: Key = Key("RSA 4096", None);

/// Every certificate file of the material: `.cer`, `.crt`, `.pem` (and their
/// `.vN` versions), `*.p12certs.pem` (the certificate of a PKCS#12),
/// `*.certs.pem` (the certificates of a CMS, several per file),
/// `*.xml.cert0.der` (the certificate of a signed XML), the DER NCA 2015
/// certificate of ncanode, the TSA probe certificate, and skarm-kalkan's PEM
/// certificate written as `.txt`. For each: its certificates in file order,
/// by serial, with the key `openssl x509 -text` shows.
#[rustfmt::skip]
const CERT_FILES: &[(&str, &[(&str, Key)])] = &[
    ("danikarik-ncanode-go/testdata__organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.cer", &[("35588A098DBAB52C87A442605F6DAAC22C823C6F", RSA2048)]),
    ("danikarik-ncanode-go/testdata__organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.p12certs.pem", &[("35588A098DBAB52C87A442605F6DAAC22C823C6F", RSA2048)]),
    ("danikarik-ncanode-go/testdata__organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.xml.cert0.der", &[("35588A098DBAB52C87A442605F6DAAC22C823C6F", RSA2048)]),
    ("danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.cer", &[("10DCD6F16215ED03AA57856AC168ADEAA534F3BF", GOST2004)]),
    ("danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12certs.pem", &[("10DCD6F16215ED03AA57856AC168ADEAA534F3BF", GOST2004)]),
    ("danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.xml.cert0.der", &[("10DCD6F16215ED03AA57856AC168ADEAA534F3BF", GOST2004)]),
    ("danikarik-ncanode-go/testdata__organization__revoked__AUTH_RSA256_7d6d313ac5bf7367a2a69f28607a8deb80dd3ba9.p12certs.pem", &[("47621DB6103EED03029A1E00005F5C707A1C9432", RSA2048)]),
    ("danikarik-ncanode-go/testdata__organization__revoked__AUTH_RSA256_7d6d313ac5bf7367a2a69f28607a8deb80dd3ba9.xml.cert0.der", &[("47621DB6103EED03029A1E00005F5C707A1C9432", RSA2048)]),
    ("danikarik-ncanode-go/testdata__organization__revoked__GOSTKNCA_c372b7809440fcb681051bbc89ea2f089fd2fe16.p12certs.pem", &[("6724A08CCD56299DE8C8896CD1F5D667AF3807EE", GOST2004)]),
    ("danikarik-ncanode-go/testdata__organization__revoked__GOSTKNCA_c372b7809440fcb681051bbc89ea2f089fd2fe16.xml.cert0.der", &[("6724A08CCD56299DE8C8896CD1F5D667AF3807EE", GOST2004)]),
    ("danikarik-ncanode-go/testdata__personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.cer", &[("391759E5658DCA490117417838E6C72CD8A853E7", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p12certs.pem", &[("391759E5658DCA490117417838E6C72CD8A853E7", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.xml.cert0.der", &[("391759E5658DCA490117417838E6C72CD8A853E7", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.cer", &[("1C1C4ADB45086B3529E004C96302AE974D4F09A4", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p12certs.pem", &[("1C1C4ADB45086B3529E004C96302AE974D4F09A4", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.xml.cert0.der", &[("1C1C4ADB45086B3529E004C96302AE974D4F09A4", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__revoked__AUTH_RSA256_60d5a0346dd52fb5f3b9148e6cfbcd6cf323d119.p12certs.pem", &[("28E7785D5DC29A84F1939EB3D91FE9114DAB491F", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__revoked__AUTH_RSA256_60d5a0346dd52fb5f3b9148e6cfbcd6cf323d119.xml.cert0.der", &[("28E7785D5DC29A84F1939EB3D91FE9114DAB491F", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__revoked__RSA256_346a7e57c2995259140b6fc375b6ff3bba7e852f.p12certs.pem", &[("4BBAD346A4703C9FD00A8F146AE0C62A0A8E2A14", RSA2048)]),
    ("danikarik-ncanode-go/testdata__personal__revoked__RSA256_346a7e57c2995259140b6fc375b6ff3bba7e852f.xml.cert0.der", &[("4BBAD346A4703C9FD00A8F146AE0C62A0A8E2A14", RSA2048)]),
    ("gokalkan/internal__testdata__test__ca__nca_gost_test.crt", &[("1236E8F1619123D1E96F00E56791F855E2DCB457", GOST2004)]),
    ("gokalkan/internal__testdata__test__ca__nca_rsa_test.crt", &[("452A6437611C183FBF1EC5A1BA4920DD72148A9B", RSA4096)]),
    ("gokalkan/internal__testdata__test__ca__root_gost_test.crt", &[("02C7E4FA323A30DCFD902CD9761E232E28FD6680", GOST2004)]),
    ("gokalkan/internal__testdata__test__ca__root_rsa_test.crt", &[("53C77DFFACA2F50EC163195BAFFE727757B23CE2", RSA4096)]),
    ("gokalkan/internal__testdata__test__certs__gost1.cer", &[("6CBD4560A33A58C0B07C3363C9AE0674A0838E58", GOST2004)]),
    ("gokalkan/internal__testdata__test__certs__gost1.cer.v2", &[("1147287582DF9BB4710E461804ACD49B88BF45C4", GOST2015_512)]),
    ("gokalkan/internal__testdata__test__certs__gost1.cer.v3", &[("1D79679F360A2DA49A631A0B1AC76F76C34B6F24", GOST2015_512)]),
    ("gokalkan/internal__testdata__test__certs__gost1.p12.p12certs.pem", &[("6CBD4560A33A58C0B07C3363C9AE0674A0838E58", GOST2004)]),
    ("gokalkan/internal__testdata__test__certs__gost1.p12.v2.p12certs.pem", &[("1147287582DF9BB4710E461804ACD49B88BF45C4", GOST2015_512)]),
    ("gokalkan/internal__testdata__test__certs__gost1.p12.v3.p12certs.pem", &[("1D79679F360A2DA49A631A0B1AC76F76C34B6F24", GOST2015_512)]),
    ("gokalkan/internal__testdata__test__certs__gost2.cer", &[("79B3E650CE74AB9792B81902504E1D669606C52D", GOST2004)]),
    ("gokalkan/internal__testdata__test__certs__gost2.p12.p12certs.pem", &[("79B3E650CE74AB9792B81902504E1D669606C52D", GOST2004)]),
    ("gokalkan/test_cert__GOSTKNCA.p12.p12certs.pem", &[("76D701FD31A25BC868DAC46CABB1C935FAA8F44C", GOST2004)]),
    ("index-tsa-rsa2022/tsa_rsa2022.der", &[("2D8C85535EB22C7CCD58CC94DF921A09938928F7", RSA2048)]),
    ("mitwork-kalkan/certificates.yml.0.GOST2015.active.p12certs.pem", &[("10F5125FB9E52F84C42CBAD8E451C68F10A5E869", GOST2015_512)]),
    ("mitwork-kalkan/certificates.yml.1.GOST2015.active.p12certs.pem", &[("1D79679F360A2DA49A631A0B1AC76F76C34B6F24", GOST2015_512)]),
    ("mitwork-kalkan/certificates.yml.2.GOST2015.revoked.p12certs.pem", &[("52BA32BC28B37DDB5AD4E0E279FDE31695C10C1D", GOST2015_512)]),
    ("mitwork-kalkan/certificates.yml.3.GOST2015.revoked.p12certs.pem", &[("12C7A21F2DF78B99CB67323E2E255779BB6AE309", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__individual__revoked__individual_revoked.p12certs.pem", &[("3ACEA55CBCDF38C861FB3F341854C53EC9ED6ECD", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__individual__valid__individual_valid.p12certs.pem", &[("6C425659BD2FC6DC587B871AEDE1857727CF8451", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__revoked__employee.p12certs.pem", &[("663FCDB0C09DA1533E23E5DC52D2756664AD0F92", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__revoked__employee_signright.p12certs.pem", &[("12490D7BA57B59EFEA8433349D75CC807B168957", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__revoked__head.p12certs.pem", &[("5BFAB68530D2A5DAF87B65E29A105A7BEA75B411", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__revoked__infosystem.p12certs.pem", &[("54A51A9D554FE48A5588C26B2A05F71D576A6C48", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__revoked__treasury_client.p12certs.pem", &[("6B4FA0C2B2F483B4CCF9D9B019706E283C58EE41", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__valid__employee.p12certs.pem", &[("130D7A4B878F28BF1B2B7A223BD7C03CE78C7481", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__valid__employee_signright.p12certs.pem", &[("179FDD544A7F9A19B77AD38275CA45F20B84E590", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__valid__head.p12certs.pem", &[("303EEBDF17969F3EDEDE9BD9828FB1355AABBE4E", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__valid__infosystem.p12certs.pem", &[("60954F23D41DB3F42FB04DB6F538609D98978D32", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__legal__valid__treasury_client.p12certs.pem", &[("689BD2C53A2E05AAF877569F47DFFF2E7C314FE0", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__nca_gost2022_test.cer", &[("7AD24B1BA3A0C961FE1CA8503E6AA2BB450DB8A3", GOST2015_512)]),
    ("ncanode-go/internal__testdata__certs__root_test_gost_2022.cer", &[("27D3AB7790372E5B698170DDE60CCCA38BC3A4B2", GOST2015_512)]),
    ("ncanode/derived/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.certs.pem", &[("157D5C497A54FD2757B38AFBE0F4BC605B956C0A", RSA2048)]),
    ("ncanode/derived/CmsIntegrationTest.SIGNED_CMS.certs.pem", &[("4279390A141F5353A62947B61ED65E81741467D1", RSA2048)]),
    ("ncanode/derived/CmsServiceTest.SIGNED_CMS.certs.pem", &[("0FF06211DC82BEB00253FFA000F1DE84ABEF454F", GOST2015_512), ("4279390A141F5353A62947B61ED65E81741467D1", RSA2048)]),
    ("ncanode/derived/CmsServiceTest.SIGNED_CMS_ONE_SIGNER.certs.pem", &[("4279390A141F5353A62947B61ED65E81741467D1", RSA2048)]),
    ("ncanode/derived/CmsServiceTest.SIGNED_DETACHED_CMS.certs.pem", &[("0FF06211DC82BEB00253FFA000F1DE84ABEF454F", GOST2015_512), ("4279390A141F5353A62947B61ED65E81741467D1", RSA2048)]),
    ("ncanode/derived/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.certs.pem", &[("20F1B57ED3185056BDF3F7004CE3881157ABF844", GOST2004)]),
    ("ncanode/derived/RSA256_8426360556902ce4ac33977836f873e1dc190976.certs.pem", &[("744CC3275FB3519EFF1CA31EFC9CED3321B87C12", RSA2048)]),
    ("ncanode/derived/WithTestData.KEY_CEO_REVOKED_2015.certs.pem", &[("3A90343E720594C55204B19CB9A402422EF0E622", GOST2015_512)]),
    ("ncanode/derived/WithTestData.KEY_CEO_SIGN_REVOKED_2004.certs.pem", &[("12E3E7B9966D09EB9CDA64251457E815C2A8DDED", GOST2004)]),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_AUTH_REVOKED_2004.certs.pem", &[("1AB11253653B2537F2EDD55F0F66281CA4FA3F98", RSA2048)]),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_SIGN_REVOKED_2004.certs.pem", &[("46757A2158A604189C40FB1FCDAB1143F83F32DB", RSA2048)]),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_VALID_2015.certs.pem", &[("0FF06211DC82BEB00253FFA000F1DE84ABEF454F", GOST2015_512)]),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_VALID_SIGN_2004.certs.pem", &[("4279390A141F5353A62947B61ED65E81741467D1", RSA2048)]),
    ("ncanode/groovy/WithTestData.CERT_INDIVIDUAL.pem", &[("41E45CC8A04C705963E5CD6769848A934D8EAEF5", RSA2048)]),
    ("ncanode/groovy/WithTestData.NCA_2004_GOST_CERT.pem", &[("1236E8F1619123D1E96F00E56791F855E2DCB457", GOST2004)]),
    ("ncanode/groovy/WithTestData.NCA_2004_RSA_CERT.pem", &[("452A6437611C183FBF1EC5A1BA4920DD72148A9B", RSA4096)]),
    ("ncanode/groovy/WithTestData.NCA_2015_CERT.der", &[("7AD24B1BA3A0C961FE1CA8503E6AA2BB450DB8A3", GOST2015_512)]),
    ("ncanode/history-2018/nca_gost.crt", &[("46170A97A64BBAF7643C87D90C0FE24071595A8D", GOST2004)]),
    ("ncanode/history-2018/nca_rsa.crt", &[("3576F5B31B5A6821A16FEFAB1212C94D938DC7EE", RSA4096)]),
    ("ncanode/history-2018/root_gost.crt", &[("561E7A76D760190E6EF8A096715076552413AF2E", GOST2004)]),
    ("ncanode/history-2018/root_rsa.crt", &[("54A51869EF8B3F15FDEAADBD47E094816B066A3B", RSA4096)]),
    ("ncanode/resources/ceo_valid_sign_2004_gost.cer", &[("6CBD4560A33A58C0B07C3363C9AE0674A0838E58", GOST2004)]),
    ("ncanode/resources/individual_valid_sign_2004_rsa.cer", &[("41E45CC8A04C705963E5CD6769848A934D8EAEF5", RSA2048)]),
    ("ncanode/resources/individual_valid_sign_2004_rsa_auth.cer", &[("247C3FDA89FA641EA226987393CDAF3F5BAF24B3", RSA2048)]),
    ("ncanode/resources/nca_gost2015_test.cer", &[("7AD24B1BA3A0C961FE1CA8503E6AA2BB450DB8A3", GOST2015_512)]),
    ("ncanode/resources/nca_gost_test.crt", &[("1236E8F1619123D1E96F00E56791F855E2DCB457", GOST2004)]),
    ("ncanode/resources/nca_rsa_test.crt", &[("452A6437611C183FBF1EC5A1BA4920DD72148A9B", RSA4096)]),
    ("skarm-kalkan/testdata__certs__nca_gost2022_test.cer", &[("7AD24B1BA3A0C961FE1CA8503E6AA2BB450DB8A3", GOST2015_512)]),
    ("skarm-kalkan/testdata__certs__root_test_gost_2022.cer", &[("27D3AB7790372E5B698170DDE60CCCA38BC3A4B2", GOST2015_512)]),
    ("skarm-kalkan/testdata__cms__individual_signer.cer", &[("6C425659BD2FC6DC587B871AEDE1857727CF8451", GOST2015_512)]),
    ("skarm-kalkan/testdata__cms__legal_entity_signer.cer", &[("303EEBDF17969F3EDEDE9BD9828FB1355AABBE4E", GOST2015_512)]),
    ("skarm-kalkan/testdata__examples__test_CERT_GOST.txt", &[("60B7B08A511DC5857AEFDA768F87425CE823A4EE", GOST2004)]),
    ("skarm-kalkan/testdata__p12__GOST512_02c7a21f2df78b99cb67323e2e255779bb6ae309.p12certs.pem", &[("12C7A21F2DF78B99CB67323E2E255779BB6AE309", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_0860d9665327c26760c213126760a3b73072218d.p12certs.pem", &[("1860D9665327C26760C213126760A3B73072218D", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_0d79679f360a2da49a631a0b1ac76f76c34b6f24.p12certs.pem", &[("1D79679F360A2DA49A631A0B1AC76F76C34B6F24", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_0ec06df66e692b2929391857a75490754c6424b1.p12certs.pem", &[("1EC06DF66E692B2929391857A75490754C6424B1", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_10f5125fb9e52f84c42cbad8e451c68f10a5e869.p12certs.pem", &[("10F5125FB9E52F84C42CBAD8E451C68F10A5E869", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_145fc4910ee07ff689aeceee0f1d09d2441d0670.p12certs.pem", &[("145FC4910EE07FF689AECEEE0F1D09D2441D0670", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_1fc27b2d34352e12507d72b4eef6df1f50c8fb59.p12certs.pem", &[("1FC27B2D34352E12507D72B4EEF6DF1F50C8FB59", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_25bae2ec55e0929fc77114432b71790e58066a38.p12certs.pem", &[("25BAE2EC55E0929FC77114432B71790E58066A38", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_417f8277a760119bff13fdf7bb1721d1cc15c417.p12certs.pem", &[("417F8277A760119BFF13FDF7BB1721D1CC15C417", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_4d4503d38ba20f0af98e07568cb67379d537def7.p12certs.pem", &[("4D4503D38BA20F0AF98E07568CB67379D537DEF7", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_54878937544452191dc1fdd7f55524acf1540794.p12certs.pem", &[("54878937544452191DC1FDD7F55524ACF1540794", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_65cbffa7d55cfd5564be5fda053ad17fe8008f8e.p12certs.pem", &[("65CBFFA7D55CFD5564BE5FDA053AD17FE8008F8E", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_6dba535d60e55c61d30ec7ec8984b1b332f12027.p12certs.pem", &[("6DBA535D60E55C61D30EC7EC8984B1B332F12027", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_6ef98aece8760b2fd3ea4fb971b254a99e15c288.p12certs.pem", &[("6EF98AECE8760B2FD3EA4FB971B254A99E15C288", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_8147287582df9bb4710e461804acd49b88bf45c4.p12certs.pem", &[("1147287582DF9BB4710E461804ACD49B88BF45C4", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_81d1311b5629a88f2a8b4e5cb4b00cab12734fdf.p12certs.pem", &[("11D1311B5629A88F2A8B4E5CB4B00CAB12734FDF", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_9a829c92ec3edb25807287b7d58af90a52c734f5.p12certs.pem", &[("1A829C92EC3EDB25807287B7D58AF90A52C734F5", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_bb83cadcb3587c894537e69e5da75770de3ab43f.p12certs.pem", &[("3B83CADCB3587C894537E69E5DA75770DE3AB43F", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_d199fb1e5f3b3c6a23832a47d248b102e4378613.p12certs.pem", &[("5199FB1E5F3B3C6A23832A47D248B102E4378613", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_d2ba32bc28b37ddb5ad4e0e279fde31695c10c1d.p12certs.pem", &[("52BA32BC28B37DDB5AD4E0E279FDE31695C10C1D", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_d3f9632e6e9f1189237312077187d27150474e52.p12certs.pem", &[("53F9632E6E9F1189237312077187D27150474E52", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_e097b3111e6edd9a3d4354930280f6a2b54c5a09.p12certs.pem", &[("6097B3111E6EDD9A3D4354930280F6A2B54C5A09", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_e16b231106ac8cc8eb0dd2ee83dca302ef07f592.p12certs.pem", &[("616B231106AC8CC8EB0DD2EE83DCA302EF07F592", GOST2015_512)]),
    ("skarm-kalkan/testdata__p12__GOST512_ee14bbfd06e9c661f4e992278bb0aff023399fc1.p12certs.pem", &[("6E14BBFD06E9C661F4E992278BB0AFF023399FC1", GOST2015_512)]),
];

/// skarm-kalkan's WS-Security example carries a certificate (IBM's "Will
/// Yates", 2006) whose base64 in the XML is cut short: the DER header
/// announces 644 bytes and 444 are there. No reader can describe it.
const TRUNCATED_CERT: &str = "skarm-kalkan/testdata__examples__test_wsse.xml.cert0.der";

/// Whether a file name is one of the certificate files `CERT_FILES` lists.
fn is_cert_file(name: &str) -> bool {
    let base = name
        .rsplit_once(".v")
        .filter(|(_, n)| n.chars().all(|c| c.is_ascii_digit()))
        .map_or(name, |(b, _)| b);
    base.ends_with(".cer")
        || base.ends_with(".crt")
        || base.ends_with(".pem")
        || base.ends_with(".xml.cert0.der")
        || base.ends_with("_CERT.der")
        || name == "tsa_rsa2022.der"
        || name == "testdata__examples__test_CERT_GOST.txt"
}

/// Every certificate file under realkz, by path relative to it.
fn certificate_files_on_disk() -> Vec<String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("realkz reads") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_cert_file)
            {
                let rel = path.strip_prefix(root).expect("under realkz");
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let root = realkz_dir();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// The certificates of a file as separate files for `cert info` (which reads
/// one certificate per file): PEM files with several blocks are split.
fn split_for_cli(rel: &str, dir: &tempfile::TempDir) -> Vec<PathBuf> {
    let bytes = read_realkz(rel);
    let text = String::from_utf8_lossy(&bytes);
    if text.matches("-----BEGIN CERTIFICATE-----").count() < 2 {
        return vec![realkz(rel)];
    }
    text.split("-----END CERTIFICATE-----")
        .filter(|b| b.contains("-----BEGIN CERTIFICATE-----"))
        .enumerate()
        .map(|(i, block)| {
            let start = block.find("-----BEGIN CERTIFICATE-----").expect("found");
            let pem = format!("{}-----END CERTIFICATE-----\n", &block[start..]);
            let name = format!("{}.{i}.pem", rel.replace('/', "__"));
            let path = dir.path().join(name);
            std::fs::write(&path, pem).expect("temp file writes");
            path
        })
        .collect()
}

/// `cert info` describes every certificate of every certificate file: exit
/// 0, the serial in file order, the key named with its curve. The GOST
/// ones are 52 distinct certificates (12 GOST 34.310-2004 on CryptoPro-A,
/// 40 GOST 34.10-2015 on TC26 512 A).
#[test]
fn cert_info_describes_every_certificate_file() {
    let on_disk = certificate_files_on_disk();
    let listed: Vec<&str> = CERT_FILES.iter().map(|(f, _)| *f).collect();
    let unlisted: Vec<&String> = on_disk
        .iter()
        .filter(|f| !listed.contains(&f.as_str()) && f.as_str() != TRUNCATED_CERT)
        .collect();
    assert!(
        unlisted.is_empty(),
        "certificate files in realkz that the table does not decide: {unlisted:?}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let mut fails = Failures::default();
    let mut gost = std::collections::BTreeSet::new();
    for (file, want) in CERT_FILES {
        let parts = split_for_cli(file, &dir);
        if parts.len() != want.len() {
            fails.add(
                file,
                format!("{} certificates, expected {}", parts.len(), want.len()),
            );
            continue;
        }
        for (path, (serial, key)) in parts.iter().zip(want.iter()) {
            let path = path.display().to_string();
            let r = qoltanba(&["cert", "info", &path, "--format", "json"]);
            let v = &r.json;
            let got = (
                v["serial"].as_str(),
                v["key"]["name"].as_str(),
                v["key"]["curve"].as_str(),
            );
            if r.status != 0 || got != (Some(*serial), Some(key.0), key.1) {
                fails.add(
                    file,
                    format!(
                        "exit {} serial/key {got:?}, expected ({serial}, {key:?}); {}",
                        r.status,
                        r.output.chars().take(300).collect::<String>()
                    ),
                );
            }
            if v["key"]["spki_sha256"]
                .as_str()
                .is_none_or(|s| s.len() != 64)
            {
                fails.add(file, "no public key fingerprint".into());
            }
            if key.0.starts_with("GOST") {
                gost.insert((*serial, key.0));
            }
        }
    }
    fails.assert_none("cert info");
    let g2004 = gost.iter().filter(|(_, k)| k.contains("2004")).count();
    let g2015 = gost.len() - g2004;
    assert_eq!((g2004, g2015), (12, 40), "distinct GOST certificates");

    let r = qoltanba(&["cert", "info", &p(TRUNCATED_CERT), "--format", "json"]);
    assert_eq!(
        (r.status, r.json["code"].as_str()),
        (1, Some("CERT_MALFORMED")),
        "{TRUNCATED_CERT}: {}",
        r.output
    );
}

// ---------------------------------------------------------------------------
// Every test certificate chains to its root
// ---------------------------------------------------------------------------

/// A CA family: its self-signed root and its issuing CA.
#[derive(Clone, Copy, Debug)]
enum Family {
    Gost2004Test,
    Gost2022Test,
    RsaTest,
    Gost2018,
    Rsa2018,
}

impl Family {
    fn root_and_ca(self) -> (&'static str, &'static str) {
        match self {
            Family::Gost2004Test => (ROOT_GOST2004, CA_GOST2004),
            Family::Gost2022Test => (ROOT_GOST2022, CA_GOST2022),
            Family::RsaTest => (ROOT_RSA, CA_RSA),
            Family::Gost2018 => (ROOT_GOST2018, CA_GOST2018),
            Family::Rsa2018 => (ROOT_RSA2018, CA_RSA2018),
        }
    }
}

/// Each distinct certificate once (the other files holding it are the same
/// bytes, by serial and issuer in `CERT_FILES`), with the family its issuer
/// names. The roots and CAs are in the list too: a CA chains to its root, a
/// root to itself.
#[rustfmt::skip]
const CHAINS: &[(&str, Family)] = &[
    // GOST 34.310-2004 test PKI: leaves of "ҰКО 3.0 (GOST TEST)" (2019–2023).
    ("gokalkan/internal__testdata__test__ca__root_gost_test.crt", Family::Gost2004Test),
    ("gokalkan/internal__testdata__test__ca__nca_gost_test.crt", Family::Gost2004Test),
    ("danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.cer", Family::Gost2004Test),
    ("danikarik-ncanode-go/testdata__organization__revoked__GOSTKNCA_c372b7809440fcb681051bbc89ea2f089fd2fe16.p12certs.pem", Family::Gost2004Test),
    ("gokalkan/internal__testdata__test__certs__gost1.cer", Family::Gost2004Test),
    ("gokalkan/internal__testdata__test__certs__gost2.cer", Family::Gost2004Test),
    ("gokalkan/test_cert__GOSTKNCA.p12.p12certs.pem", Family::Gost2004Test),
    ("ncanode/derived/WithTestData.KEY_CEO_SIGN_REVOKED_2004.certs.pem", Family::Gost2004Test),
    // GOST 34.10-2015/512 test PKI: leaves of "... (GOST) TEST 2022" (2022–2029).
    ("skarm-kalkan/testdata__certs__root_test_gost_2022.cer", Family::Gost2022Test),
    ("skarm-kalkan/testdata__certs__nca_gost2022_test.cer", Family::Gost2022Test),
    ("gokalkan/internal__testdata__test__certs__gost1.cer.v2", Family::Gost2022Test),
    ("gokalkan/internal__testdata__test__certs__gost1.cer.v3", Family::Gost2022Test),
    ("mitwork-kalkan/certificates.yml.0.GOST2015.active.p12certs.pem", Family::Gost2022Test),
    ("mitwork-kalkan/certificates.yml.2.GOST2015.revoked.p12certs.pem", Family::Gost2022Test),
    ("mitwork-kalkan/certificates.yml.3.GOST2015.revoked.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__individual__revoked__individual_revoked.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__revoked__employee.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__revoked__employee_signright.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__revoked__head.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__revoked__infosystem.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__revoked__treasury_client.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__valid__employee.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__valid__employee_signright.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__valid__infosystem.p12certs.pem", Family::Gost2022Test),
    ("ncanode-go/internal__testdata__certs__legal__valid__treasury_client.p12certs.pem", Family::Gost2022Test),
    ("ncanode/derived/WithTestData.KEY_CEO_REVOKED_2015.certs.pem", Family::Gost2022Test),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_VALID_2015.certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__cms__individual_signer.cer", Family::Gost2022Test),
    ("skarm-kalkan/testdata__cms__legal_entity_signer.cer", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_0860d9665327c26760c213126760a3b73072218d.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_0ec06df66e692b2929391857a75490754c6424b1.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_145fc4910ee07ff689aeceee0f1d09d2441d0670.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_1fc27b2d34352e12507d72b4eef6df1f50c8fb59.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_25bae2ec55e0929fc77114432b71790e58066a38.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_417f8277a760119bff13fdf7bb1721d1cc15c417.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_4d4503d38ba20f0af98e07568cb67379d537def7.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_54878937544452191dc1fdd7f55524acf1540794.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_65cbffa7d55cfd5564be5fda053ad17fe8008f8e.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_6dba535d60e55c61d30ec7ec8984b1b332f12027.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_6ef98aece8760b2fd3ea4fb971b254a99e15c288.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_81d1311b5629a88f2a8b4e5cb4b00cab12734fdf.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_9a829c92ec3edb25807287b7d58af90a52c734f5.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_bb83cadcb3587c894537e69e5da75770de3ab43f.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_d199fb1e5f3b3c6a23832a47d248b102e4378613.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_d3f9632e6e9f1189237312077187d27150474e52.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_e097b3111e6edd9a3d4354930280f6a2b54c5a09.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_e16b231106ac8cc8eb0dd2ee83dca302ef07f592.p12certs.pem", Family::Gost2022Test),
    ("skarm-kalkan/testdata__p12__GOST512_ee14bbfd06e9c661f4e992278bb0aff023399fc1.p12certs.pem", Family::Gost2022Test),
    // RSA test PKI: leaves of "ҰКО 3.0 (RSA TEST)" (2020–2023).
    ("gokalkan/internal__testdata__test__ca__root_rsa_test.crt", Family::RsaTest),
    ("gokalkan/internal__testdata__test__ca__nca_rsa_test.crt", Family::RsaTest),
    ("danikarik-ncanode-go/testdata__organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.cer", Family::RsaTest),
    ("danikarik-ncanode-go/testdata__organization__revoked__AUTH_RSA256_7d6d313ac5bf7367a2a69f28607a8deb80dd3ba9.p12certs.pem", Family::RsaTest),
    ("danikarik-ncanode-go/testdata__personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.cer", Family::RsaTest),
    ("danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.cer", Family::RsaTest),
    ("danikarik-ncanode-go/testdata__personal__revoked__AUTH_RSA256_60d5a0346dd52fb5f3b9148e6cfbcd6cf323d119.p12certs.pem", Family::RsaTest),
    ("danikarik-ncanode-go/testdata__personal__revoked__RSA256_346a7e57c2995259140b6fc375b6ff3bba7e852f.p12certs.pem", Family::RsaTest),
    ("ncanode/derived/CmsIntegrationTest.SIGNED_CMS.certs.pem", Family::RsaTest),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_AUTH_REVOKED_2004.certs.pem", Family::RsaTest),
    ("ncanode/derived/WithTestData.KEY_INDIVIDUAL_SIGN_REVOKED_2004.certs.pem", Family::RsaTest),
    ("ncanode/resources/individual_valid_sign_2004_rsa.cer", Family::RsaTest),
    ("ncanode/resources/individual_valid_sign_2004_rsa_auth.cer", Family::RsaTest),
    // The 2018 pairs: leaves of 2018-08 … 2019-08.
    ("ncanode/history-2018/root_gost.crt", Family::Gost2018),
    ("ncanode/history-2018/nca_gost.crt", Family::Gost2018),
    ("ncanode/derived/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.certs.pem", Family::Gost2018),
    ("skarm-kalkan/testdata__examples__test_CERT_GOST.txt", Family::Gost2018),
    ("ncanode/history-2018/root_rsa.crt", Family::Rsa2018),
    ("ncanode/history-2018/nca_rsa.crt", Family::Rsa2018),
    ("ncanode/derived/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.certs.pem", Family::Rsa2018),
    ("ncanode/derived/RSA256_8426360556902ce4ac33977836f873e1dc190976.certs.pem", Family::Rsa2018),
];

/// A time inside a certificate's validity and its CAs': 30 days after its
/// notBefore (every CA above was issued before its leaves and outlives them
/// by more than that).
fn inside_validity(rel: &str) -> String {
    let c = common::cert(rel);
    assert!(
        c.not_after - c.not_before > 60 * 86_400,
        "{rel}: short validity"
    );
    qoltanba::time::rfc3339(c.not_before + 30 * 86_400)
}

/// `cert verify` of `file` (any key usage, no revocation: no root CRL
/// exists) at a time inside its validity, with only `family`'s root trusted
/// and its CA given as an untrusted certificate: the time and the run.
fn verify_under(file: &str, family: &Family) -> (String, common::Run) {
    let (root, ca) = family.root_and_ca();
    let at = inside_validity(file);
    let (cert, root, ca) = (p(file), p(root), p(ca));
    let policy = ["--usage", "any", "--no-revocation", "--at", &at];
    let trust = ["--trust", &root, "--certs", &ca];
    let r = qoltanba(&[&["cert", "verify", "--cert", &cert][..], &policy, &trust].concat());
    (at, r)
}

/// `cert verify` (any key usage, no revocation: no root CRL exists) with only
/// the family's root trusted and its CA given as an untrusted certificate:
/// every certificate's signature, and its CA's, verify up to the root. The
/// one certificate of the material that no family issued, the production
/// RSA 2022 TSA's (index-tsa-rsa2022), is left out: its CA is not there.
#[test]
fn every_test_certificate_chains_to_its_root() {
    let mut fails = Failures::default();
    for (file, family) in CHAINS {
        let (at, r) = verify_under(file, family);
        if !same(&r.json, PASSED) || r.status != 0 {
            fails.add(
                file,
                format!(
                    "{family:?} at {at}: {:?} (exit {})",
                    outcome_of(&r.json),
                    r.status
                ),
            );
        }
    }
    fails.assert_none("chain");
}

/// The families do not cross: a certificate offered to another family's
/// root finds no path (the issuer names differ; for the two GOST families
/// the algorithms differ too).
#[test]
fn a_certificate_does_not_chain_to_another_familys_root() {
    let gost2015 = "skarm-kalkan/testdata__cms__individual_signer.cer";
    let gost2004 = "gokalkan/internal__testdata__test__certs__gost1.cer";
    let rsa = "ncanode/resources/individual_valid_sign_2004_rsa.cer";
    let rows: &[(&str, Family)] = &[
        // A GOST 2015/512 leaf against the GOST 2004 and RSA roots.
        (gost2015, Family::Gost2004Test),
        (gost2015, Family::RsaTest),
        // A GOST 2004 leaf against the GOST 2022 root and the 2018 GOST root.
        (gost2004, Family::Gost2022Test),
        (gost2004, Family::Gost2018),
        // An RSA leaf against the GOST 2004 root.
        (rsa, Family::Gost2004Test),
    ];
    let mut fails = Failures::default();
    for (file, family) in rows {
        let (_, r) = verify_under(file, family);
        if !same(&r.json, UNTRUSTED) {
            fails.add(
                file,
                format!("against {family:?}: {:?}", outcome_of(&r.json)),
            );
        }
    }
    fails.assert_none("cross-family");
}

// ---------------------------------------------------------------------------
// Revocation: the serials the real CRLs list
// ---------------------------------------------------------------------------

/// One `cert verify` with the issuing CA as anchor and real CRLs.
struct RevocationCase {
    /// The certificate.
    cert: &'static str,
    /// The issuing CA (trusted: no root CRL exists).
    ca: &'static str,
    /// CRLs loaded.
    crls: &'static [&'static str],
    /// Validation time.
    at: &'static str,
    /// Key usage asked (sign unless the certificate is an authentication one).
    usage: &'static str,
    /// Expected outcome.
    want: Outcome,
    /// For a listed serial: the revocationDate and reasonCode of its entry.
    listed: Option<(&'static str, Option<&'static str>)>,
    /// Why, from the files.
    why: &'static str,
}

/// A certificate of ncanode-go's test set, by its path under internal/testdata/certs.
macro_rules! ng {
    ($f:literal) => {
        concat!("ncanode-go/internal__testdata__certs__", $f)
    };
}

#[rustfmt::skip]
fn revocation_cases() -> Vec<RevocationCase> {
    let current = &[CRL_GOST2022_CURRENT][..];
    vec![
        // --- The current GOST 2022 CRL (number 166, 2026-08-11 … 2027-02-07).
        // ncanode-go's certificates are valid 2026-05-08 … 2027-05-08 (treasury: … 2029-05-07).
        RevocationCase { cert: ng!("individual__revoked__individual_revoked.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T14:57:29Z", Some("certificateHold"))),
            why: "serial 3ACEA55C… listed 2026-05-08 14:57:29, reason certificateHold" },
        RevocationCase { cert: ng!("legal__revoked__employee.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T15:02:58Z", Some("certificateHold"))),
            why: "serial 663FCDB0… listed 2026-05-08 15:02:58, certificateHold" },
        RevocationCase { cert: ng!("legal__revoked__employee_signright.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T15:01:09Z", Some("certificateHold"))),
            why: "serial 12490D7B… listed 2026-05-08 15:01:09, certificateHold" },
        RevocationCase { cert: ng!("legal__revoked__head.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T14:59:06Z", Some("certificateHold"))),
            why: "serial 5BFAB685… listed 2026-05-08 14:59:06, certificateHold" },
        RevocationCase { cert: ng!("legal__revoked__infosystem.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T15:04:42Z", Some("certificateHold"))),
            why: "serial 54A51A9D… listed 2026-05-08 15:04:42, certificateHold" },
        RevocationCase { cert: ng!("legal__revoked__treasury_client.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T16:30:57Z", Some("certificateHold"))),
            why: "serial 6B4FA0C2… listed 2026-05-08 16:30:57, certificateHold" },
        RevocationCase { cert: ng!("legal__valid__employee.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: REVOKED, listed: Some(("2026-06-02T11:39:09Z", Some("superseded"))),
            why: "ncanode-go files it under valid/, but the current CRL lists serial 130D7A4B… since 2026-06-02 11:39:09, reason superseded" },
        RevocationCase { cert: ng!("legal__valid__infosystem.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: REVOKED, listed: Some(("2026-06-02T11:25:49Z", Some("superseded"))),
            why: "filed under valid/, but listed since 2026-06-02 11:25:49 (serial 60954F23…), superseded" },
        RevocationCase { cert: ng!("individual__valid__individual_valid.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: PASSED, listed: None,
            why: "serial 6C425659… is not in the CRL" },
        RevocationCase { cert: ng!("legal__valid__head.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: PASSED, listed: None,
            why: "serial 303EEBDF… is not in the CRL" },
        RevocationCase { cert: ng!("legal__valid__employee_signright.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: PASSED, listed: None,
            why: "serial 179FDD54… (issued 2026-06-16) is not in the CRL" },
        RevocationCase { cert: ng!("legal__valid__treasury_client.p12certs.pem"), ca: CA_GOST2022, crls: current, at: AT_CURRENT, usage: "sign", want: PASSED, listed: None,
            why: "serial 689BD2C5… is not in the CRL" },
        RevocationCase { cert: ng!("legal__revoked__head.p12certs.pem"), ca: CA_GOST2022, crls: current, at: "2026-05-08T14:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "an hour before its hold (14:59:06) the certificate was good, and the CRL (issued later) says so" },
        RevocationCase { cert: ng!("legal__revoked__head.p12certs.pem"), ca: CA_GOST2022, crls: current, at: "2026-05-08T16:00:00Z", usage: "sign", want: ON_HOLD, listed: Some(("2026-05-08T14:59:06Z", Some("certificateHold"))),
            why: "an hour after its hold" },
        RevocationCase { cert: ng!("individual__valid__individual_valid.p12certs.pem"), ca: CA_GOST2022, crls: &[CRL_GOST2022_2025], at: AT_CURRENT, usage: "sign", want: STALE, listed: None,
            why: "the only CRL given is skarm-kalkan's of 2025, nextUpdate 2025-10-26: stale in 2026" },
        // --- skarm-kalkan's CRL number 14 and its delta (2025-04-29 … 2025-10-26).
        // The certificates are valid 2024-10 … 2025-10.
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_145fc4910ee07ff689aeceee0f1d09d2441d0670.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-29T12:25:16Z", None)),
            why: "serial 145FC491… listed 2024-10-29 12:25:16, no reason (unspecified)" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_145fc4910ee07ff689aeceee0f1d09d2441d0670.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-29T12:25:16Z", None)),
            why: "the base CRL alone decides the same" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_0860d9665327c26760c213126760a3b73072218d.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-29T11:45:53Z", None)),
            why: "serial 1860D966… listed 2024-10-29 11:45:53" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_9a829c92ec3edb25807287b7d58af90a52c734f5.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-29T12:03:12Z", None)),
            why: "serial 1A829C92… listed 2024-10-29 12:03:12" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_1fc27b2d34352e12507d72b4eef6df1f50c8fb59.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-30T11:03:15Z", None)),
            why: "serial 1FC27B2D… listed 2024-10-30 11:03:15" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_25bae2ec55e0929fc77114432b71790e58066a38.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-29T12:11:14Z", None)),
            why: "serial 25BAE2EC… listed 2024-10-29 12:11:14" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_65cbffa7d55cfd5564be5fda053ad17fe8008f8e.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2024-10-24T07:23:01Z", None)),
            why: "serial 65CBFFA7… listed 2024-10-24 07:23:01" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_417f8277a760119bff13fdf7bb1721d1cc15c417.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "serial 417F8277… is in neither the base nor the delta" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_10f5125fb9e52f84c42cbad8e451c68f10a5e869.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "serial 10F5125F… (mitwork's active entry 0) is in neither" },
        RevocationCase { cert: "skarm-kalkan/testdata__p12__GOST512_417f8277a760119bff13fdf7bb1721d1cc15c417.p12certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2025_DELTA], at: "2025-06-01T00:00:00Z", usage: "sign", want: UNAVAILABLE, listed: None,
            why: "a delta CRL without its base says nothing on its own" },
        // --- ncanode's GOST 2022 CRL number 4 (2022-07-27 … 2023-01-23).
        RevocationCase { cert: "ncanode/derived/WithTestData.KEY_CEO_REVOKED_2015.certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2022], at: "2022-09-01T00:00:00Z", usage: "sign", want: ON_HOLD, listed: Some(("2022-07-27T10:25:30Z", Some("certificateHold"))),
            why: "serial 3A90343E… (valid 2022-07-27 … 2023-07-27) listed 2022-07-27 10:25:30, certificateHold" },
        RevocationCase { cert: "ncanode/derived/WithTestData.KEY_INDIVIDUAL_VALID_2015.certs.pem", ca: CA_GOST2022, crls: &[CRL_GOST2022_2022], at: "2022-09-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "serial 0FF06211… (valid 2022-07-28 … 2023-07-28) is not listed" },
        // --- ncanode's GOST 2004 CA CRL number 7 (2022-03-29 … 2022-09-25).
        RevocationCase { cert: "ncanode/derived/WithTestData.KEY_CEO_SIGN_REVOKED_2004.certs.pem", ca: CA_GOST2004, crls: &[CRL_GOST2004_2022], at: "2022-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2022-01-18T04:47:37Z", Some("superseded"))),
            why: "serial 12E3E7B9… (valid 2022-01-18 … 2023-01-18) listed 2022-01-18 04:47:37, superseded" },
        RevocationCase { cert: "ncanode/resources/ceo_valid_sign_2004_gost.cer", ca: CA_GOST2004, crls: &[CRL_GOST2004_2022], at: "2022-06-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "serial 6CBD4560… is not listed" },
        RevocationCase { cert: "gokalkan/internal__testdata__test__certs__gost2.cer", ca: CA_GOST2004, crls: &[CRL_GOST2004_2022], at: "2022-06-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "serial 79B3E650… is not listed" },
        // --- ncanode's RSA CA CRL number 9 (2022-03-29 … 2022-09-25).
        RevocationCase { cert: "ncanode/derived/WithTestData.KEY_INDIVIDUAL_SIGN_REVOKED_2004.certs.pem", ca: CA_RSA, crls: &[CRL_RSA_2022], at: "2022-06-01T00:00:00Z", usage: "sign", want: REVOKED, listed: Some(("2022-01-18T04:40:24Z", Some("superseded"))),
            why: "serial 46757A21… listed 2022-01-18 04:40:24, superseded" },
        RevocationCase { cert: "ncanode/derived/WithTestData.KEY_INDIVIDUAL_AUTH_REVOKED_2004.certs.pem", ca: CA_RSA, crls: &[CRL_RSA_2022], at: "2022-06-01T00:00:00Z", usage: "auth", want: REVOKED, listed: Some(("2022-01-18T04:41:12Z", Some("superseded"))),
            why: "serial 1AB11253… (an authentication key) listed 2022-01-18 04:41:12, superseded" },
        RevocationCase { cert: "ncanode/resources/individual_valid_sign_2004_rsa.cer", ca: CA_RSA, crls: &[CRL_RSA_2022], at: "2022-06-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "serial 41E45CC8… is not listed" },
        RevocationCase { cert: "ncanode/resources/individual_valid_sign_2004_rsa_auth.cer", ca: CA_RSA, crls: &[CRL_RSA_2022], at: "2022-06-01T00:00:00Z", usage: "auth", want: PASSED, listed: None,
            why: "serial 247C3FDA… is not listed" },
        RevocationCase { cert: "ncanode/resources/individual_valid_sign_2004_rsa.cer", ca: CA_RSA, crls: &[CRL_RSA_2022, CRL_GOST2022_CURRENT], at: "2022-06-01T00:00:00Z", usage: "sign", want: PASSED, listed: None,
            why: "a GOST CRL of another CA loaded beside it changes nothing for an RSA chain" },
        RevocationCase { cert: "ncanode/resources/individual_valid_sign_2004_rsa.cer", ca: CA_RSA, crls: &[CRL_RSA_2022], at: "2022-10-01T00:00:00Z", usage: "sign", want: STALE, listed: None,
            why: "after the CRL's nextUpdate (2022-09-25)" },
    ]
}

#[test]
fn revoked_and_on_hold_serials_in_the_real_crls() {
    let mut fails = Failures::default();
    for c in revocation_cases() {
        let (cert, ca) = (p(c.cert), p(c.ca));
        let mut args: Vec<String> = vec![
            "cert".into(),
            "verify".into(),
            "--cert".into(),
            cert,
            "--usage".into(),
            c.usage.into(),
            "--trust".into(),
            ca,
            "--at".into(),
            c.at.into(),
        ];
        for crl in c.crls {
            args.push("--crl".into());
            args.push(p(crl));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = qoltanba(&args);
        let decided = &check(&r.json, "revocation")["detail"]["decided_by"];
        let entry = decided["revoked_at"]
            .as_str()
            .map(|t| (t, decided["reason"].as_str()));
        if same(&r.json, c.want) && entry != c.listed {
            fails.add(
                &format!("{} at {}", c.cert, c.at),
                format!("CRL entry {entry:?}, expected {:?} ({})", c.listed, c.why),
            );
        }
        if !same(&r.json, c.want) {
            let rev = check(&r.json, "revocation");
            fails.add(
                &format!("{} at {}", c.cert, c.at),
                format!(
                    "{:?}, expected {:?} ({}); revocation check: {}",
                    outcome_of(&r.json),
                    c.want,
                    c.why,
                    rev
                ),
            );
        }
    }
    fails.assert_none("revocation");
}

/// The same Kalkan envelopes with the NCA test CA given as a test-PKI anchor
/// (`--test-trust`): the IIN is compared without the check digit, so the
/// signer's own IIN passes and another gives IIN_MISMATCH; the verdict says
/// which trust profile decided.
#[test]
fn kalkan_envelopes_under_the_test_pki_profile() {
    let mut fails = Failures::default();
    for env in [
        "skarm-kalkan/testdata__cms__individual_attached.der",
        "skarm-kalkan/testdata__cms__legal_entity_attached.der",
    ] {
        for (iin, want) in [
            ("123456789011", PASSED),
            (
                "123456789012",
                ("FAILED", Some("SIG_CONSTRAINTS_FAILURE"), "IIN_MISMATCH"),
            ),
        ] {
            let r = qoltanba(&[
                "verify",
                "--signature",
                &p(env),
                "--test-trust",
                &p(CA_GOST2022),
                "--crl",
                &p(CRL_GOST2022_CURRENT),
                "--at",
                AT_CURRENT,
                "--iin",
                iin,
                "--format",
                "json",
            ]);
            if !same(&r.json, want) {
                fails.add(
                    env,
                    format!("--iin {iin}: {:?}, expected {want:?}", outcome_of(&r.json)),
                );
            }
            if r.json["policy"]["trust_profile"] != "test" {
                fails.add(
                    env,
                    format!("trust profile {}", r.json["policy"]["trust_profile"]),
                );
            }
            let iin_check = r.json["checks"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["name"] == "iin"))
                .cloned()
                .unwrap_or_default();
            if iin_check["detail"]["test_pki"] != true {
                fails.add(env, format!("iin check {iin_check}"));
            }
        }
    }
    fails.assert_none("test PKI profile");
}

/// A CRL can say nothing about a certificate that expired before the CRL
/// was issued: CAs drop expired certificates from their CRLs (RFC 5280
/// 3.3; no ExpiredCertsOnCRL extension is in these CRLs). mitwork-kalkan
/// files its entries 2 and 3 as revoked; they expired 2024-11-08 and
/// 2024-11-09, before every CRL of the material (the nearest, skarm-kalkan's,
/// is of 2025-04-29), and no CRL lists them. At a time inside their validity
/// the only CRL given cannot attest them, so their status is unknown
/// (REVOCATION_UNAVAILABLE, the CRL's silence is not "not revoked").
#[test]
fn a_crl_issued_after_the_certificate_expired_does_not_vouch_for_it() {
    let rows = [
        (
            "mitwork-kalkan/certificates.yml.2.GOST2015.revoked.p12certs.pem",
            CA_GOST2022,
            CRL_GOST2022_2025,
            "2024-06-01T00:00:00Z",
        ),
        (
            "mitwork-kalkan/certificates.yml.3.GOST2015.revoked.p12certs.pem",
            CA_GOST2022,
            CRL_GOST2022_2025,
            "2024-06-01T00:00:00Z",
        ),
        // danikarik's revoked GOST 2004 certificate (valid 2020-01-28 …
        // 2021-01-27) against the GOST 2004 CA's CRL of 2022-03-29.
        (
            "danikarik-ncanode-go/testdata__organization__revoked__GOSTKNCA_c372b7809440fcb681051bbc89ea2f089fd2fe16.p12certs.pem",
            CA_GOST2004,
            CRL_GOST2004_2022,
            "2020-09-09T20:03:14Z",
        ),
    ];
    let mut fails = Failures::default();
    for (file, ca, crl, at) in rows {
        let (cert, ca, crl) = (p(file), p(ca), p(crl));
        let r = qoltanba(&[
            "cert", "verify", "--cert", &cert, "--trust", &ca, "--crl", &crl, "--at", at,
        ]);
        if !same(&r.json, UNAVAILABLE) {
            fails.add(file, format!("{:?}", outcome_of(&r.json)));
        }
    }
    fails.assert_none("expired-before-the-CRL");
}

// ---------------------------------------------------------------------------
// Kalkan-made CMS
// ---------------------------------------------------------------------------

/// The signed bytes of a detached envelope.
#[derive(Clone, Copy)]
enum Data {
    /// None given.
    Absent,
    /// A file of the material.
    File(&'static str),
    /// Bytes written here (when the material has no file holding exactly them).
    Text(&'static str),
}

/// One `qoltanba verify` of a real envelope.
struct EnvelopeCase {
    /// A name for failure messages.
    name: &'static str,
    /// The envelope.
    signature: &'static str,
    data: Data,
    /// Trust anchors, then untrusted CA certificates.
    trust: &'static [&'static str],
    certs: &'static [&'static str],
    crls: &'static [&'static str],
    at: &'static str,
    /// `--no-revocation` (the material has no CRL for the time).
    no_revocation: bool,
    iin: Option<&'static str>,
    want: Outcome,
    /// Each signer's serial and outcome, in envelope order (two-signer envelopes).
    signers: &'static [(&'static str, Outcome)],
    /// The time-stamp check's outcome and effect, when the signer carries one.
    timestamp: Option<(&'static str, Option<&'static str>)>,
}

/// The envelopes, decided from their contents (`openssl cms -cmsout -print`):
/// signer serials, signing-time attributes, certificates' windows, key usage.
///
/// skarm-kalkan's individual_* and legal_entity_* were made with Kalkan on
/// 2026-07-20 by 6C425659… (individual) and 303EEBDF… (legal entity head),
/// GOST 34.10-2015/512 keys valid 2026-05-08 … 2027-05-08, not in the
/// current CRL. Each carries a CAdES-T time-stamp of the production NCA's
/// TSA ("TIME-STAMPING AUTHORITY", chaining to "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ
/// (GOST) 2022", a CA the material does not hold): it cannot be validated
/// here, so it is reported indeterminate and ignored (ETSI), not held
/// against the signature.
#[rustfmt::skip]
fn envelope_cases() -> Vec<EnvelopeCase> {
    let ts_ignored = Some(("indeterminate", Some("ignored")));
    let kalkan_2026 = |name, signature, data, want, iin| EnvelopeCase {
        name, signature, data, trust: &[CA_GOST2022], certs: &[], crls: &[CRL_GOST2022_CURRENT],
        at: AT_CURRENT, no_revocation: false, iin, want, signers: &[], timestamp: ts_ignored,
    };
    vec![
        kalkan_2026("individual, attached", "skarm-kalkan/testdata__cms__individual_attached.der", Data::Absent, PASSED, None),
        kalkan_2026("legal entity, attached", "skarm-kalkan/testdata__cms__legal_entity_attached.der", Data::Absent, PASSED, None),
        kalkan_2026("individual, detached, its document", "skarm-kalkan/testdata__cms__individual_detached.der", Data::File("skarm-kalkan/testdata__cms__individual_document.txt"), PASSED, None),
        kalkan_2026("legal entity, detached, its document", "skarm-kalkan/testdata__cms__legal_entity_detached.der", Data::File("skarm-kalkan/testdata__cms__legal_entity_document.txt"), PASSED, None),
        kalkan_2026("individual, detached, no document", "skarm-kalkan/testdata__cms__individual_detached.der", Data::Absent, NO_CONTENT, None),
        kalkan_2026("legal entity, detached, no document", "skarm-kalkan/testdata__cms__legal_entity_detached.der", Data::Absent, NO_CONTENT, None),
        // The two documents differ in one word (ФЛ / ЮЛ): each is the other's wrong document.
        kalkan_2026("individual, detached, the legal entity's document", "skarm-kalkan/testdata__cms__individual_detached.der", Data::File("skarm-kalkan/testdata__cms__legal_entity_document.txt"), WRONG_DOCUMENT, None),
        kalkan_2026("legal entity, detached, the individual's document", "skarm-kalkan/testdata__cms__legal_entity_detached.der", Data::File("skarm-kalkan/testdata__cms__individual_document.txt"), WRONG_DOCUMENT, None),
        // The certificate's IIN 123456789011 fails the check digit, as the
        // NCA test PKI issues it: refused under a production anchor (see
        // kalkan_envelopes_under_the_test_pki_profile for --test-trust).
        kalkan_2026("individual, attached, with its IIN", "skarm-kalkan/testdata__cms__individual_attached.der", Data::Absent, BAD_IIN, Some("123456789011")),
        kalkan_2026("legal entity, attached, with its IIN", "skarm-kalkan/testdata__cms__legal_entity_attached.der", Data::Absent, BAD_IIN, Some("123456789011")),
        EnvelopeCase {
            name: "individual, attached, chained to the 2022 root",
            signature: "skarm-kalkan/testdata__cms__individual_attached.der", data: Data::Absent,
            trust: &[ROOT_GOST2022], certs: &[CA_GOST2022], crls: &[], at: AT_CURRENT, no_revocation: true,
            iin: None, want: PASSED, signers: &[], timestamp: ts_ignored,
        },
        EnvelopeCase {
            name: "individual, attached, only skarm-kalkan's 2025 CRL",
            signature: "skarm-kalkan/testdata__cms__individual_attached.der", data: Data::Absent,
            trust: &[CA_GOST2022], certs: &[], crls: &[CRL_GOST2022_2025, CRL_GOST2022_2025_DELTA], at: AT_CURRENT,
            no_revocation: false, iin: None, want: STALE, signers: &[], timestamp: ts_ignored,
        },
        EnvelopeCase {
            name: "individual, attached, trusting only the GOST 2004 test PKI",
            signature: "skarm-kalkan/testdata__cms__individual_attached.der", data: Data::Absent,
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: AT_CURRENT, no_revocation: true,
            iin: None, want: UNTRUSTED, signers: &[], timestamp: ts_ignored,
        },
        // skarm-kalkan's CMS_for_double_sign: a detached GOST 34.310-2004
        // signature by 59B4BF15… ("ҰКО 3.0 (GOST TEST)", valid 2019-04-04 …
        // 2020-04-03, keyUsage digitalSignature+nonRepudiation), signing
        // time 2019-08-26 06:12:23, no time-stamp. Its document is the
        // string "Hello World" that the Kalkan SDK's PHP example signs for
        // its multi-signature case (no file of the material holds exactly
        // those 11 bytes). No CRL of 2019 is in the material.
        EnvelopeCase {
            name: "CMS_for_double_sign, \"Hello World\", at its signing time",
            signature: "skarm-kalkan/testdata__examples__CMS_for_double_sign.p7s", data: Data::Text("Hello World"),
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: "2019-08-26T06:12:23Z", no_revocation: true,
            iin: None, want: PASSED, signers: &[("59B4BF15B9458BB4810D034B3DD27EBFA771E780", PASSED)], timestamp: None,
        },
        EnvelopeCase {
            name: "CMS_for_double_sign, no document",
            signature: "skarm-kalkan/testdata__examples__CMS_for_double_sign.p7s", data: Data::Absent,
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: "2019-08-26T06:12:23Z", no_revocation: true,
            iin: None, want: NO_CONTENT, signers: &[], timestamp: None,
        },
        EnvelopeCase {
            name: "CMS_for_double_sign, \"Hello World!\\n\" (skarm-kalkan's text.txt)",
            signature: "skarm-kalkan/testdata__examples__CMS_for_double_sign.p7s", data: Data::File("skarm-kalkan/testdata__examples__text.txt"),
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: "2019-08-26T06:12:23Z", no_revocation: true,
            iin: None, want: WRONG_DOCUMENT, signers: &[], timestamp: None,
        },
        EnvelopeCase {
            name: "CMS_for_double_sign, today",
            signature: "skarm-kalkan/testdata__examples__CMS_for_double_sign.p7s", data: Data::Text("Hello World"),
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: AT_CURRENT, no_revocation: true,
            iin: None, want: EXPIRED, signers: &[], timestamp: None,
        },
        // skarm-kalkan's test_CMS_GOST: attached GOST 34.310-2004 by
        // 60B7B08A… (the 2018 GOST CA, valid 2018-08-23 … 2019-08-23),
        // signing time 2018-12-21 09:24:00, CAdES-T: a GOST 34.311-95
        // time-stamp of 2018-12-21 09:25:04 by "TSP" (a certificate of the
        // same 2018 CA, carried in the token, EKU timeStamping).
        EnvelopeCase {
            name: "test_CMS_GOST (CAdES-T, GOST time-stamp) at its signing time",
            signature: "skarm-kalkan/testdata__examples__test_CMS_GOST.p7s", data: Data::Absent,
            trust: &[ROOT_GOST2018], certs: &[CA_GOST2018], crls: &[], at: "2018-12-21T09:24:00Z", no_revocation: true,
            iin: None, want: PASSED, signers: &[("60B7B08A511DC5857AEFDA768F87425CE823A4EE", PASSED)], timestamp: Some(("passed", None)),
        },
        // Today every certificate of it has expired, the TSA's too: the
        // time-stamp proves nothing and is ignored.
        EnvelopeCase {
            name: "test_CMS_GOST today",
            signature: "skarm-kalkan/testdata__examples__test_CMS_GOST.p7s", data: Data::Absent,
            trust: &[ROOT_GOST2018], certs: &[CA_GOST2018], crls: &[], at: AT_CURRENT, no_revocation: true,
            iin: None, want: EXPIRED, signers: &[], timestamp: Some(("indeterminate", Some("ignored"))),
        },
        // danikarik-ncanode-go: attached CMS made 2020-09-09 by certificates
        // valid 2020-01-28 … 2021-01-27. No CRL of 2020 is in the material.
        EnvelopeCase {
            name: "danikarik GOST 2004 organisation (active) at its signing time",
            signature: "danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p7s", data: Data::Absent,
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: "2020-09-09T20:03:14Z", no_revocation: true,
            iin: None, want: PASSED, signers: &[("10DCD6F16215ED03AA57856AC168ADEAA534F3BF", PASSED)], timestamp: None,
        },
        EnvelopeCase {
            name: "danikarik GOST 2004 organisation (active) today",
            signature: "danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p7s", data: Data::Absent,
            trust: &[ROOT_GOST2004], certs: &[CA_GOST2004], crls: &[], at: AT_CURRENT, no_revocation: true,
            iin: None, want: EXPIRED, signers: &[], timestamp: None,
        },
        EnvelopeCase {
            name: "danikarik RSA personal signing key at its signing time",
            signature: "danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p7s", data: Data::Absent,
            trust: &[ROOT_RSA], certs: &[CA_RSA], crls: &[], at: "2020-09-09T20:03:14Z", no_revocation: true,
            iin: None, want: PASSED, signers: &[("1C1C4ADB45086B3529E004C96302AE974D4F09A4", PASSED)], timestamp: None,
        },
        // AUTH_ keys: keyUsage digitalSignature+keyEncipherment, no
        // nonRepudiation: authentication keys, refused for signing.
        EnvelopeCase {
            name: "danikarik RSA personal authentication key",
            signature: "danikarik-ncanode-go/testdata__personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p7s", data: Data::Absent,
            trust: &[ROOT_RSA], certs: &[CA_RSA], crls: &[], at: "2020-09-09T20:03:14Z", no_revocation: true,
            iin: None, want: NOT_FOR_SIGNING, signers: &[], timestamp: None,
        },
        EnvelopeCase {
            name: "danikarik RSA organisation authentication key",
            signature: "danikarik-ncanode-go/testdata__organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.p7s", data: Data::Absent,
            trust: &[ROOT_RSA], certs: &[CA_RSA], crls: &[], at: "2020-09-09T20:03:14Z", no_revocation: true,
            iin: None, want: NOT_FOR_SIGNING, signers: &[], timestamp: None,
        },
        // ncanode's CmsServiceTest.SIGNED_CMS: two signers, a GOST
        // 34.10-2015/512 one (0FF06211…, valid 2022-07-28 … 2023-07-28) and
        // an RSA one (4279390A…, valid 2021-01-18 … 2022-01-18, so expired
        // when this was signed on 2022-09-27). At 2022-09-20 both CAs' CRLs
        // of the material are fresh and list neither signer: the GOST
        // signer passes, the RSA signer's certificate has expired, and the
        // envelope takes the worse.
        EnvelopeCase {
            name: "ncanode two signers (GOST 2015 + RSA), attached",
            signature: "ncanode/groovy/CmsServiceTest.SIGNED_CMS.p7s", data: Data::Absent,
            trust: &[CA_GOST2022, CA_RSA], certs: &[], crls: &[CRL_GOST2022_2022, CRL_RSA_2022], at: "2022-09-20T00:00:00Z", no_revocation: false,
            iin: None, want: EXPIRED,
            signers: &[("0FF06211DC82BEB00253FFA000F1DE84ABEF454F", PASSED), ("4279390A141F5353A62947B61ED65E81741467D1", EXPIRED)], timestamp: None,
        },
        // Its detached twin signs "test123" (ncanode's TEST_DATA).
        EnvelopeCase {
            name: "ncanode two signers, detached, \"test123\"",
            signature: "ncanode/groovy/CmsServiceTest.SIGNED_DETACHED_CMS.p7s", data: Data::File("ncanode/groovy/CmsServiceTest.TEST_DATA.txt"),
            trust: &[CA_GOST2022, CA_RSA], certs: &[], crls: &[CRL_GOST2022_2022, CRL_RSA_2022], at: "2022-09-20T00:00:00Z", no_revocation: false,
            iin: None, want: EXPIRED,
            signers: &[("0FF06211DC82BEB00253FFA000F1DE84ABEF454F", PASSED), ("4279390A141F5353A62947B61ED65E81741467D1", EXPIRED)], timestamp: None,
        },
        EnvelopeCase {
            name: "ncanode two signers, detached, no document",
            signature: "ncanode/groovy/CmsServiceTest.SIGNED_DETACHED_CMS.p7s", data: Data::Absent,
            trust: &[CA_GOST2022, CA_RSA], certs: &[], crls: &[CRL_GOST2022_2022, CRL_RSA_2022], at: "2022-09-20T00:00:00Z", no_revocation: false,
            iin: None, want: NO_CONTENT, signers: &[], timestamp: None,
        },
        EnvelopeCase {
            name: "ncanode two signers, detached, another document",
            signature: "ncanode/groovy/CmsServiceTest.SIGNED_DETACHED_CMS.p7s", data: Data::Text("test1234"),
            trust: &[CA_GOST2022, CA_RSA], certs: &[], crls: &[CRL_GOST2022_2022, CRL_RSA_2022], at: "2022-09-20T00:00:00Z", no_revocation: false,
            iin: None, want: WRONG_DOCUMENT,
            signers: &[("0FF06211DC82BEB00253FFA000F1DE84ABEF454F", WRONG_DOCUMENT), ("4279390A141F5353A62947B61ED65E81741467D1", WRONG_DOCUMENT)], timestamp: None,
        },
        // The same RSA signer alone, signed 2022-09-28 and 2022-10-01: its
        // certificate had expired on 2022-01-18, so even at the signing
        // time it is out of its validity.
        EnvelopeCase {
            name: "ncanode one RSA signer, at its signing time",
            signature: "ncanode/groovy/CmsServiceTest.SIGNED_CMS_ONE_SIGNER.p7s", data: Data::Absent,
            trust: &[ROOT_RSA], certs: &[CA_RSA], crls: &[], at: "2022-09-28T14:40:30Z", no_revocation: true,
            iin: None, want: EXPIRED, signers: &[], timestamp: None,
        },
        EnvelopeCase {
            name: "ncanode integration CMS (RSA), at its signing time",
            signature: "ncanode/groovy/CmsIntegrationTest.SIGNED_CMS.p7s", data: Data::Absent,
            trust: &[ROOT_RSA], certs: &[CA_RSA], crls: &[], at: "2022-10-01T18:52:19Z", no_revocation: true,
            iin: None, want: EXPIRED, signers: &[], timestamp: None,
        },
    ]
}

#[test]
fn kalkan_made_envelopes_give_exact_codes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fails = Failures::default();
    for (i, c) in envelope_cases().into_iter().enumerate() {
        let mut args: Vec<String> = vec!["verify".into(), "--signature".into(), p(c.signature)];
        match c.data {
            Data::Absent => {}
            Data::File(f) => args.extend(["--data".into(), p(f)]),
            Data::Text(t) => {
                let path = dir.path().join(format!("data-{i}"));
                std::fs::write(&path, t).expect("temp file writes");
                args.extend(["--data".into(), path.display().to_string()]);
            }
        }
        for t in c.trust {
            args.extend(["--trust".into(), p(t)]);
        }
        for t in c.certs {
            args.extend(["--certs".into(), p(t)]);
        }
        for t in c.crls {
            args.extend(["--crl".into(), p(t)]);
        }
        args.extend(["--at".into(), c.at.into(), "--format".into(), "json".into()]);
        if c.no_revocation {
            args.push("--no-revocation".into());
        }
        if let Some(iin) = c.iin {
            args.extend(["--iin".into(), iin.into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = qoltanba(&args);
        let v = &r.json;
        if !same(v, c.want) {
            let bad: Vec<String> = v["checks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|ch| ch["outcome"] != "passed" && ch["outcome"] != "skipped")
                .map(|ch| format!("{}={}/{}", ch["name"], ch["outcome"], ch["code"]))
                .collect();
            fails.add(
                c.name,
                format!(
                    "{:?}, expected {:?}; checks not passed: {bad:?}",
                    outcome_of(v),
                    c.want
                ),
            );
            continue;
        }
        let exit = match c.want.0 {
            "PASSED" => 0,
            "FAILED" => 1,
            _ => 3,
        };
        if r.status != exit {
            fails.add(c.name, format!("exit {}, expected {exit}", r.status));
        }
        if !c.signers.is_empty() {
            let got: Vec<(String, Got)> = v["signers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| {
                    (
                        s["signer"]["serial"].as_str().unwrap_or("?").to_string(),
                        outcome_of(s),
                    )
                })
                .collect();
            let want: Vec<(String, Got)> = c
                .signers
                .iter()
                .map(|(serial, o)| {
                    (
                        serial.to_string(),
                        (o.0.to_string(), o.1.map(str::to_string), o.2.to_string()),
                    )
                })
                .collect();
            if got != want {
                fails.add(c.name, format!("signers {got:?}, expected {want:?}"));
            }
        }
        if let Some((outcome, effect)) = c.timestamp {
            let ts = check(v, "timestamp");
            if ts["outcome"] != outcome || ts["detail"]["effect"].as_str() != effect {
                fails.add(c.name, format!("timestamp check {ts}"));
            }
        } else if c.signers.len() == 1 && check(v, "timestamp")["outcome"] != "skipped" {
            fails.add(
                c.name,
                format!(
                    "timestamp check {} where none was expected",
                    check(v, "timestamp")
                ),
            );
        }
    }
    fails.assert_none("envelope");
}

// ---------------------------------------------------------------------------
// OCSP responses (ncanode/resources/ocsp_*.bin)
// ---------------------------------------------------------------------------

/// ncanode's four stored OCSP responses, as its OcspServiceTest uses them:
/// answers of the NCA test responders of 2022-09-02 to requests with a
/// SHA-256 CertID and a nonce (published beside them in that test). None
/// has a nextUpdate.
///
/// As answers to those requests (`verify_response` with their nonce) each
/// is believed: signed by a delegated responder certificate that the
/// certificate's CA issued and carried in the response (GOST 34.10-2015/512
/// "OCSP RESPONDER" of the TEST 2022 CA, valid 2022-08-12 … 2023-08-12; a
/// GOST 34.310-2004 one of "ҰКО 3.0 (GOST TEST)" and an RSA one of "ҰКО 3.0
/// (RSA TEST)", both valid 2022-03-25 … 2023-03-25). As evidence stored
/// with a document (`verify_stored`) none is: no nonce of ours, no
/// nextUpdate, so nothing bounds a replay (OCSP_INVALID).
struct OcspCase {
    file: &'static str,
    cert: &'static str,
    ca: &'static str,
    /// The nonce of ncanode's request (OcspServiceTest), as signed bytes.
    nonce: [i8; 8],
    /// Revoked at (RFC 3339) with CRLReason, or good.
    revoked: Option<(&'static str, u8)>,
    why: &'static str,
}

fn ocsp_cases() -> Vec<OcspCase> {
    vec![
        OcspCase {
            file: "ncanode/resources/ocsp_response_ceo_2015_revoked.bin",
            cert: "ncanode/derived/WithTestData.KEY_CEO_REVOKED_2015.certs.pem",
            ca: CA_GOST2022,
            nonce: [21, 123, 40, -3, 26, -57, 118, 30],
            revoked: Some(("2022-07-27T10:25:30Z", 6)),
            why: "revoked, certificateHold since 2022-07-27 10:25:30 (as the GOST 2022 CRL number 4 says)",
        },
        OcspCase {
            file: "ncanode/resources/ocsp_response_ceo_sign_2004_revoked.bin",
            cert: "ncanode/derived/WithTestData.KEY_CEO_SIGN_REVOKED_2004.certs.pem",
            ca: CA_GOST2004,
            nonce: [-117, 107, -97, 16, 13, 107, 0, 5],
            revoked: Some(("2022-01-18T06:30:55Z", 4)),
            why: "revoked, superseded, at 2022-01-18 06:30:55 (the GOST 2004 CRL writes 04:47:37 the same day)",
        },
        OcspCase {
            file: "ncanode/resources/ocsp_response_individual_2015.bin",
            cert: "ncanode/derived/WithTestData.KEY_INDIVIDUAL_VALID_2015.certs.pem",
            ca: CA_GOST2022,
            nonce: [-28, 8, -1, -73, -112, -125, 74, -14],
            revoked: Some(("1970-01-01T00:00:00Z", 6)),
            why: "the responder signed certStatus revoked, certificateHold, revocationTime 1970-01-01 \
                  (the Unix epoch) for this certificate, which no CRL of the material lists",
        },
        OcspCase {
            file: "ncanode/resources/ocsp_response_individual_sign_2004.bin",
            cert: "ncanode/derived/WithTestData.KEY_INDIVIDUAL_VALID_SIGN_2004.certs.pem",
            ca: CA_RSA,
            nonce: [-75, -27, -55, -75, 82, -53, -54, -60],
            revoked: None,
            why: "good",
        },
    ]
}

/// The response's CertID for `cert` issued by `ca`, after checking that it
/// names them: SHA-256 of the CA's name and key bits, and the serial.
fn cert_id_naming(
    resp: &qoltanba::pki::ocsp::message::BasicResponse,
    cert: &Certificate,
    ca: &Certificate,
) -> x509_ocsp::CertId {
    use der::Decode;
    use sha2::Digest;
    assert_eq!(resp.data.responses.len(), 1, "one answer per response");
    let id = resp.data.responses[0].cert_id.clone();
    assert_eq!(id.hash_algorithm.oid.to_string(), "2.16.840.1.101.3.4.2.1");
    let spki = spki::SubjectPublicKeyInfoRef::from_der(&ca.spki).expect("CA key");
    assert_eq!(
        id.issuer_name_hash.as_bytes(),
        sha2::Sha256::digest(&ca.subject_raw).as_slice()
    );
    assert_eq!(
        id.issuer_key_hash.as_bytes(),
        sha2::Sha256::digest(spki.subject_public_key.raw_bytes()).as_slice()
    );
    assert_eq!(
        qoltanba::pki::cert::strip_zeros(id.serial_number.as_bytes()),
        qoltanba::pki::cert::strip_zeros(&cert.serial)
    );
    id
}

#[test]
fn stored_ocsp_responses_of_the_national_ca() {
    use qoltanba::pki::ocsp::{CertState, OcspError, message, verify};
    let mut fails = Failures::default();
    for c in ocsp_cases() {
        let bytes = read_realkz(c.file);
        let (cert, ca) = (common::cert(c.cert), common::cert(c.ca));
        let (_, basic) = message::parse_response(&bytes).expect("the response parses");
        let basic = basic.expect("successful");
        assert_eq!(basic.data.responses[0].next_update, None, "{}", c.file);
        let id = cert_id_naming(&basic, &cert, &ca);
        let nonce: Vec<u8> = c.nonce.iter().map(|b| *b as u8).collect();
        assert_eq!(
            message::nonce_of(basic.data.response_extensions.as_ref()).expect("nonce reads"),
            Some(nonce.clone()),
            "{}: the nonce ncanode published is the one in the response",
            c.file
        );

        // Believed as the answer to ncanode's request.
        let want = c.revoked.map(|(at, reason)| (epoch(at), reason));
        match verify::verify_response(&bytes, &id, &ca, &nonce, c.file) {
            Ok(a) => {
                let got = match a.state {
                    CertState::Good => None,
                    CertState::Revoked { at, reason } => Some((at, reason)),
                };
                if got != want || a.signer["kind"] != "delegated responder" {
                    fails.add(
                        c.file,
                        format!(
                            "{got:?} signed by {}, expected {want:?} ({})",
                            a.signer, c.why
                        ),
                    );
                }
            }
            Err(e) => fails.add(c.file, format!("refused: {e} (expected {})", c.why)),
        }
        // Another nonce: a replay or a mix-up.
        let r = verify::verify_response(&bytes, &id, &ca, &[1, 2, 3, 4, 5, 6, 7, 8], c.file);
        if r.as_ref().err() != Some(&OcspError::NonceMismatch) {
            fails.add(c.file, format!("with another nonce: {r:?}"));
        }
        // One bit of the signature changed.
        let mut bad = bytes.clone();
        let sig_at = bytes
            .windows(basic.signature.len())
            .position(|w| w == basic.signature.as_slice())
            .expect("the signature is in the response");
        bad[sig_at + 5] ^= 0x01;
        match verify::verify_response(&bad, &id, &ca, &nonce, c.file) {
            Err(OcspError::BadSignature(_)) => {}
            other => fails.add(c.file, format!("with a changed signature: {other:?}")),
        }
        // Held to another CA: its responder is not that CA's.
        let other = common::cert(if c.ca == CA_RSA { CA_GOST2022 } else { CA_RSA });
        match verify::verify_response(&bytes, &id, &other, &nonce, c.file) {
            Err(OcspError::UnauthorizedSigner(_)) => {}
            other => fails.add(c.file, format!("held to another CA: {other:?}")),
        }
        // As evidence stored with a document: unbounded, so not believed.
        let r = verify::verify_stored(&bytes, &id, &ca, c.file);
        if r.as_ref().err() != Some(&OcspError::NonceMissing) {
            fails.add(c.file, format!("stored: {r:?}"));
        }
        if r.map_err(|e| e.code().as_str()).err() != Some("OCSP_INVALID") {
            fails.add(c.file, "stored: not OCSP_INVALID".into());
        }
        // qoltanba's own CertIDs are SHA-1; the NCA's answers name the
        // certificate with SHA-256. The issuer's name and key are hashed again
        // with the response's algorithm, so the answer is found (and judged
        // as above) rather than passed over as "about another certificate".
        let ours = message::cert_id(&cert, &ca).expect("cert id");
        assert_eq!(ours.hash_algorithm.oid.to_string(), "1.3.14.3.2.26");
        let r = verify::verify_stored(&bytes, &ours, &ca, c.file);
        if r.as_ref().err() != Some(&OcspError::NonceMissing) {
            fails.add(c.file, format!("stored, SHA-1 CertID: {r:?}"));
        }
        // The same certificate number under another CA is not named.
        let r = verify::verify_stored(&bytes, &ours, &other, c.file);
        if r.as_ref().err() != Some(&OcspError::NoMatchingResponse) {
            fails.add(c.file, format!("stored, another CA: {r:?}"));
        }
    }
    fails.assert_none("OCSP");
}

// ---------------------------------------------------------------------------
// Time-stamp response and token (ncanode/resources/tsp_*.bin)
// ---------------------------------------------------------------------------

/// ncanode's TimeStampResp (granted) and the token in it: a GOST
/// 34.310-2004 SignedData over TSTInfo (policy 1.2.398.3.3.2.6.1, serial
/// 5E846DD7…, genTime 2022-09-18 13:20:14, nonce 018350C022D7, a SHA-1
/// imprint), signed by "СЕРВИС МЕТКИ ВРЕМЕНИ" (622DDD64…, issued by "ҰКО 3.0
/// (GOST TEST)", valid 2021-03-25 … 2024-03-24, EKU timeStamping, no
/// keyUsage), which the CA's CRL of 2022-03-29 … 2022-09-25 does not list.
#[test]
fn ncanode_time_stamp_response_and_token() {
    use qoltanba::envelope::{VerifyRequest, verify};
    use qoltanba::pki::revocation::RevocationStore;
    use qoltanba::pki::{Extra, Policy, TrustStore, Usage};

    let response = read_realkz("ncanode/resources/tsp_response.bin");
    let token = read_realkz("ncanode/resources/tsp_token.bin");
    assert_eq!(
        qoltanba::tsp::token_from_response(&response).expect("granted"),
        token,
        "the response carries exactly tsp_token.bin"
    );
    let env = qoltanba::envelope::parse::parse(&token).expect("the token is a SignedData");
    assert_eq!(env.content_type, qoltanba::tsp::OID_TST_INFO);
    let info =
        qoltanba::tsp::tst_info(env.content.as_deref().expect("TSTInfo")).expect("TSTInfo reads");
    assert_eq!(
        (
            info.policy.as_str(),
            info.serial.as_str(),
            info.time.as_str(),
            info.nonce.as_deref(),
            info.imprint_algorithm.as_str(),
            info.imprint_digest,
        ),
        (
            "1.2.398.3.3.2.6.1",
            "5E846DD75D861154DB10F13C54DC1F8D33FE6ADC",
            "2022-09-18T13:20:14Z",
            Some("018350C022D7"),
            "1.3.14.3.2.26",
            // SHA-1 is refused as a digest: such a token proves nothing for a signature.
            None,
        )
    );

    let mut store = TrustStore::new("realkz");
    store
        .add_anchors(&read_realkz(CA_GOST2004), CA_GOST2004)
        .expect("anchor");
    let verify_at = |at: &str, crls: RevocationStore, usage: Usage| {
        verify(
            &VerifyRequest {
                envelope: &token,
                data: None,
                at: epoch(at),
                policy: Policy {
                    usage,
                    ..Default::default()
                },
                extra: Extra::default(),
                crls,
            },
            &store,
        )
    };
    let mut crls = RevocationStore::default();
    crls.add_bytes(&read_realkz(CRL_GOST2004_2022), CRL_GOST2004_2022);
    // The token's own signature, chain and revocation at its genTime.
    let v = verify_at("2022-09-18T13:20:14Z", crls.clone(), Usage::Any);
    assert!(v.passed(), "the token at its genTime: {}", v.to_text());
    // A time-stamping key is not a signing key of condition 2.
    let v = verify_at("2022-09-18T13:20:14Z", crls.clone(), Usage::Sign);
    assert_eq!(v.code.as_str(), "KEY_USAGE_INVALID", "{}", v.to_text());
    // After the CRL's nextUpdate nothing says the TSA was not revoked.
    let v = verify_at("2022-10-01T00:00:00Z", crls, Usage::Any);
    assert_eq!(v.code.as_str(), "REVOCATION_STALE", "{}", v.to_text());
    // Trusting the GOST 2022 CA instead: no path.
    let mut other = TrustStore::new("realkz");
    other
        .add_anchors(&read_realkz(CA_GOST2022), CA_GOST2022)
        .expect("anchor");
    let v = verify(
        &VerifyRequest {
            envelope: &token,
            data: None,
            at: epoch("2022-09-18T13:20:14Z"),
            policy: Policy {
                usage: Usage::Any,
                no_revocation: true,
                ..Default::default()
            },
            extra: Extra::default(),
            crls: RevocationStore::default(),
        },
        &other,
    );
    assert_eq!(v.code.as_str(), "CHAIN_UNTRUSTED", "{}", v.to_text());
}

/// A PEM bundle (ncanode's derived CMS certificate sets hold the signers'
/// certificates one after another) is described certificate by certificate:
/// a JSON array in file order, each with its key named.
#[test]
fn cert_info_describes_every_certificate_of_a_bundle() {
    let r = qoltanba(&[
        "cert",
        "info",
        &p("ncanode/derived/CmsServiceTest.SIGNED_CMS.certs.pem"),
        "--format",
        "json",
    ]);
    let all = r.json.as_array().expect("an array for a bundle");
    let names: Vec<&str> = all
        .iter()
        .map(|c| c["key"]["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(names, ["GOST 34.10-2015 512", "RSA 2048"]);
    let one = qoltanba(&["cert", "info", &p(CA_GOST2022), "--format", "json"]);
    assert!(one.json.is_object(), "one certificate: one object");
}
