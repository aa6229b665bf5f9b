//! The real signed XML of the national CA's test PKI (../shared/realkz, made
//! by Kalkan and NCANode, never copied here), with the verdict each must get
//! and why.

use qoltanba::pki::cert::Certificate;
use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{Extra, Policy, TrustStore, Usage};
use qoltanba::verdict::{Code, Verdict};
use qoltanba::xmldsig::{self, XmlVerifyRequest};
use std::path::PathBuf;
use std::sync::Arc;

fn realkz(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/realkz")
        .join(p)
}

fn read(p: &str) -> Vec<u8> {
    std::fs::read(realkz(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn t(s: &str) -> i64 {
    qoltanba::time::parse_rfc3339(s).unwrap()
}

/// The NCA test roots as anchors, the issuing CAs as intermediates.
fn store() -> (TrustStore, Extra) {
    let mut s = TrustStore::new("realkz");
    for root in [
        "gokalkan/internal__testdata__test__ca__root_rsa_test.crt",
        "gokalkan/internal__testdata__test__ca__root_gost_test.crt",
        "ncanode-go/internal__testdata__certs__root_test_gost_2022.cer",
    ] {
        s.add_anchors(&read(root), root).unwrap();
    }
    let mut extra = Extra::default();
    for ca in [
        "gokalkan/internal__testdata__test__ca__nca_rsa_test.crt",
        "gokalkan/internal__testdata__test__ca__nca_gost_test.crt",
        "ncanode-go/internal__testdata__certs__nca_gost2022_test.cer",
    ] {
        let der = qoltanba::input::decode_der(&read(ca), &["CERTIFICATE"]).unwrap();
        extra
            .certs
            .push(Arc::new(Certificate::from_der(&der).unwrap()));
    }
    (s, extra)
}

struct Case<'a> {
    file: &'a str,
    at: &'a str,
    usage: Usage,
    revocation: Option<&'a [&'a str]>,
    trim: bool,
}

fn verify(c: &Case<'_>) -> Verdict {
    let (store, extra) = store();
    let mut xml = read(c.file);
    if c.trim {
        let start = xml
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        xml.drain(..start);
    }
    let mut crls = RevocationStore::default();
    for f in c.revocation.unwrap_or(&[]) {
        crls.add_bytes_checked(
            &read(f),
            f,
            &store
                .cas()
                .into_iter()
                .chain(extra.certs.iter().cloned())
                .collect::<Vec<_>>(),
        );
    }
    let req = XmlVerifyRequest {
        xml: &xml,
        at: t(c.at),
        policy: Policy {
            usage: c.usage,
            no_revocation: c.revocation.is_none(),
            ..Default::default()
        },
        extra,
        crls,
        ..Default::default()
    };
    xmldsig::verify(&req, &store).verdict
}

fn codes(v: &Verdict) -> Vec<Code> {
    if v.signers.is_empty() {
        vec![v.code]
    } else {
        v.signers.iter().map(|s| s.code).collect()
    }
}

const DK: &str = "danikarik-ncanode-go/testdata__";

const ALL_CRLS: &[&str] = &[
    "ncanode/resources/nca_rsa_test.crl",
    "ncanode/resources/nca_gost_test.crl",
    "ncanode/resources/nca_gost2022_test.crl",
];

fn case(file: &str, at: &str) -> Case<'static> {
    Case {
        file: Box::leak(file.to_string().into_boxed_str()),
        at: Box::leak(at.to_string().into_boxed_str()),
        usage: Usage::Sign,
        revocation: None,
        trim: false,
    }
}

/// NCANode-go's test set (danikarik/ncanode-go, testdata/, 2020): Kalkan's
/// enveloped signatures (URI="", enveloped-signature + C14N 1.0 with
/// comments) over `<root><name>NCANode</name></root>`, RSA-SHA256 and GOST
/// 34.310-2004. Their certificates are valid 2020-01-28 to 2021-01-27, so:
/// in that year with revocation off, the signing certificates (keyUsage
/// nonRepudiation: `RSA256`, `GOSTKNCA`) pass the signing policy and fail
/// the authentication one; the `AUTH_` ones are authentication
/// certificates (digitalSignature, keyEncipherment) and fail the signing
/// policy's key usage, passing the authentication policy (what an NCALayer
/// login signs with). The `revoked/` ones verify as well as the
/// active ones: no CRL of 2020 is in the material, and the RSA and GOST test
/// CRLs of 2022 no longer list them (the CA drops expired certificates), so
/// qoltanba cannot know; with those CRLs, nothing covers the issuing CAs
/// (the roots' CRLs are not in the material): REVOCATION_UNAVAILABLE. After
/// 2021-01-27 every one is CERT_EXPIRED.
/// A request for `xml` at `at` (RFC 3339) with no revocation checking.
fn unrevoked<'a>(xml: &'a [u8], at: &str, extra: Extra) -> XmlVerifyRequest<'a> {
    XmlVerifyRequest {
        xml,
        at: t(at),
        policy: Policy {
            no_revocation: true,
            ..Default::default()
        },
        extra,
        ..Default::default()
    }
}

#[test]
fn ncanode_go_enveloped_rsa_and_gost_2004() {
    let in_2020 = "2020-06-01T00:00:00Z";
    for (name, sign, auth) in [
        (
            "personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9",
            Code::Ok,
            Code::KeyUsageInvalid,
        ),
        (
            "personal__revoked__RSA256_346a7e57c2995259140b6fc375b6ff3bba7e852f",
            Code::Ok,
            Code::KeyUsageInvalid,
        ),
        (
            "personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d",
            Code::KeyUsageInvalid,
            Code::Ok,
        ),
        (
            "personal__revoked__AUTH_RSA256_60d5a0346dd52fb5f3b9148e6cfbcd6cf323d119",
            Code::KeyUsageInvalid,
            Code::Ok,
        ),
        (
            "organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790",
            Code::KeyUsageInvalid,
            Code::Ok,
        ),
        (
            "organization__revoked__AUTH_RSA256_7d6d313ac5bf7367a2a69f28607a8deb80dd3ba9",
            Code::KeyUsageInvalid,
            Code::Ok,
        ),
        (
            "organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b",
            Code::Ok,
            Code::KeyUsageInvalid,
        ),
        (
            "organization__revoked__GOSTKNCA_c372b7809440fcb681051bbc89ea2f089fd2fe16",
            Code::Ok,
            Code::KeyUsageInvalid,
        ),
    ] {
        let file = format!("{DK}{name}.xml");
        let v = verify(&case(&file, in_2020));
        assert_eq!(v.code, sign, "{name} (sign policy): {}", v.to_text());
        let top = &v.signers[0];
        for check in [
            "format",
            "content",
            "algorithms",
            "digest",
            "signature",
            "chain",
            "validity",
        ] {
            assert!(
                top.checks
                    .iter()
                    .any(|c| c.name == check && c.outcome == qoltanba::verdict::Outcome::Passed),
                "{name}: {check} passed"
            );
        }
        let v = verify(&Case {
            usage: Usage::Auth,
            ..case(&file, in_2020)
        });
        assert_eq!(v.code, auth, "{name} (auth policy)");
        let v = verify(&Case {
            revocation: Some(ALL_CRLS),
            ..case(&file, in_2020)
        });
        assert_eq!(
            v.code,
            Code::RevocationUnavailable,
            "{name} with the 2022 CRLs"
        );
        let v = verify(&case(&file, "2026-06-01T00:00:00Z"));
        assert_eq!(v.code, Code::CertExpired, "{name} now");
    }
}

/// The verdict names what was signed, and the bytes are the canonical
/// document without the signature (what the digest covers).
#[test]
fn the_verdict_names_the_signed_element_and_carries_its_bytes() {
    let (store, extra) = store();
    let xml = read(&format!(
        "{DK}personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.xml"
    ));
    let req = unrevoked(&xml, "2020-06-01T00:00:00Z", extra);
    let v = xmldsig::verify(&req, &store);
    assert_eq!(v.verdict.code, Code::Ok);
    assert_eq!(v.signed.len(), 1);
    assert_eq!(v.signed[0].element, "root");
    assert_eq!(v.signed[0].path, "/root");
    assert_eq!(v.signed[0].bytes, b"<root><name>NCANode</name></root>");
    let env = v.verdict.envelope.as_ref().unwrap();
    assert_eq!(env["format"], "xmldsig");
    assert_eq!(env["references"][0]["element"], "root");
}

/// NCANode's own test constants (malikzh/NCANode, 2022). Each was kept
/// from a Groovy string that starts with a line break, so the XML
/// declaration is not at the start: not well-formed XML, ENVELOPE_MALFORMED
/// as it stands. With that line break removed:
/// - one RSA signer (certificate 2021-01-18 to 2022-01-18, signing key):
///   PASSED in 2021 with revocation off;
/// - two signers, the same RSA signature then a GOST 34.10-2015/512 one
///   (certificate 2022-07-28 to 2023-07-28 from the 2022 GOST test CA),
///   each with URI="" and enveloped-signature: the second signature was
///   added inside the document after the first was made, and the
///   enveloped-signature transform removes only the signature it belongs to
///   (XMLDSig 6.6.4), so the first one's digest no longer matches
///   (DIGEST_MISMATCH; xmlsec1 agrees, tests/xml_xmlsec1.rs), and the
///   second one passes in 2022 (it covers the first);
/// - a WS-Security message signed by NCANode for the gateway (exclusive
///   C14N, the Body by wsu:Id, the certificate in a wsse:KeyIdentifier):
///   PASSED in 2021.
#[test]
fn ncanode_constants() {
    for f in [
        "ncanode/groovy/XmlServiceTest.XML_SIGNED_VALID_STRING.xml",
        "ncanode/groovy/XmlServiceTest.XML_SIGNED_VALID_STRING_TWO_SIGNERS.xml",
        "ncanode/groovy/WsseServiceTest.XML_SIGNED_STRING.xml",
    ] {
        let v = verify(&case(f, "2021-06-01T00:00:00Z"));
        assert_eq!(v.code, Code::EnvelopeMalformed, "{f} as kept");
    }
    let trimmed = |f: &str, at: &str| Case {
        trim: true,
        ..case(f, at)
    };
    let one = verify(&trimmed(
        "ncanode/groovy/XmlServiceTest.XML_SIGNED_VALID_STRING.xml",
        "2021-06-01T00:00:00Z",
    ));
    assert_eq!(one.code, Code::Ok, "{}", one.to_text());
    let two = verify(&trimmed(
        "ncanode/groovy/XmlServiceTest.XML_SIGNED_VALID_STRING_TWO_SIGNERS.xml",
        "2022-08-01T00:00:00Z",
    ));
    assert_eq!(codes(&two), vec![Code::DigestMismatch, Code::Ok]);
    assert_eq!(two.code, Code::DigestMismatch);
    assert_eq!(
        two.signers[1].signer.as_ref().unwrap()["key"]["algorithm"],
        "GOST 34.10-2015"
    );
    let wsse = verify(&trimmed(
        "ncanode/groovy/WsseServiceTest.XML_SIGNED_STRING.xml",
        "2021-06-01T00:00:00Z",
    ));
    assert_eq!(wsse.code, Code::Ok, "{}", wsse.to_text());
    assert_eq!(wsse.envelope.as_ref().unwrap()["format"], "ws-security");
    assert_eq!(
        wsse.envelope.as_ref().unwrap()["references"][0]["path"],
        "/SOAP-ENV:Envelope/SOAP-ENV:Body"
    );
    assert_eq!(
        wsse.checks
            .iter()
            .find(|c| c.name == "lifetime")
            .unwrap()
            .outcome,
        qoltanba::verdict::Outcome::Skipped
    );
    // The applicant's IIN as the gateway request states it (<iin>
    // 931002451325) is read and compared; the certificate's (the test PKI's
    // 123456789011) fails the check digit, as the NCA test PKI issues them.
    let (store, extra) = store();
    let mut xml = read("ncanode/groovy/WsseServiceTest.XML_SIGNED_STRING.xml");
    xml.drain(..1);
    let req = XmlVerifyRequest {
        iin_element: Some("iin".into()),
        ..unrevoked(&xml, "2021-06-01T00:00:00Z", extra)
    };
    let v = xmldsig::verify(&req, &store).verdict;
    assert_eq!(v.code, Code::IinInvalid, "{}", v.to_text());
    let iin = v.checks.iter().find(|c| c.name == "iin").unwrap();
    assert_eq!(iin.detail["which"], "certificate");
    assert_eq!(iin.detail["document_iin"], "931002451325");
}

/// skarm/kalkan's examples: `test_wsse.xml` is IBM's WS-Security sample
/// whose BinarySecurityToken is a truncated certificate (and RSA-SHA1):
/// ENVELOPE_MALFORMED, naming the certificate; `test_xml.xml` is unsigned:
/// ENVELOPE_MALFORMED, no signature. NCANode's unsigned gateway requests
/// likewise.
#[test]
fn unsigned_and_broken_examples() {
    let v = verify(&case(
        "skarm-kalkan/testdata__examples__test_wsse.xml",
        "2026-06-01T00:00:00Z",
    ));
    assert_eq!(v.code, Code::EnvelopeMalformed);
    let problem = v.signers[0].checks[0].detail["problem"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(problem.contains("BinarySecurityToken"), "{problem}");
    for f in [
        "skarm-kalkan/testdata__examples__test_xml.xml",
        "ncanode/groovy/WsseServiceTest.XML_VALID_STRING.xml",
    ] {
        let v = verify(&Case {
            trim: true,
            ..case(f, "2026-06-01T00:00:00Z")
        });
        assert_eq!(v.code, Code::EnvelopeMalformed, "{f}");
        assert!(
            v.checks[0].detail["problem"]
                .as_str()
                .unwrap()
                .contains("no ds:Signature"),
            "{f}"
        );
    }
}
