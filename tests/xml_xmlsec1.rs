//! xmlsec1 as the independent judge of XML signatures, both ways: it
//! verifies every RSA and ECDSA signature qoltanba makes, qoltanba verifies
//! every signature it makes (each canonicalisation, digest and method it
//! has), and both refuse the same tampered documents.

mod common;
mod common_xml;
use common_xml::*;
use qoltanba::pki::signer::Signer;
use qoltanba::verdict::Code;
use qoltanba::xmldsig::{self, WsseOptions};

/// The verdict passes; a failure names `case` and shows the verdict and
/// the signed document.
#[track_caller]
fn assert_passes(v: &qoltanba::xmldsig::XmlVerdict, signed: &[u8], case: &str) {
    let (verdict, doc) = (v.verdict.to_text(), String::from_utf8_lossy(signed));
    assert_eq!(v.verdict.code, Code::Ok, "{case}: {verdict}\n{doc}");
}

#[test]
fn qoltanba_signs_xmlsec1_and_qoltanba_verify() {
    let docs = [
        request(""),
        "<a/>".to_string(),
        "<?xml version=\"1.0\"?>\n<!-- before --><doc xmlns:x=\"urn:x\"><x:b x:c=\"1\">Қазақстан — Казахстан</x:b></doc>".to_string(),
    ];
    for person in ["citizen-rsa", "citizen-ec"] {
        let w = who(person);
        for doc in &docs {
            let signed = xmldsig::sign_enveloped(doc.as_bytes(), &w.key, &w.cert).unwrap();
            let v = verify(&signed);
            assert_eq!(
                v.verdict.code,
                Code::Ok,
                "{person}: {}",
                v.verdict.to_text()
            );
            xmlsec1_verify(&signed, &[]).unwrap_or_else(|e| {
                panic!(
                    "{person}: xmlsec1 refused\n{e}\n{}",
                    String::from_utf8_lossy(&signed)
                )
            });
            // Every byte outside the signature is the caller's.
            let text = String::from_utf8(signed).unwrap();
            let start = text.find("<ds:Signature").unwrap();
            let end = text.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
            let without = format!("{}{}", &text[..start], &text[end..]);
            if doc != "<a/>" {
                assert_eq!(&without, doc);
            }
        }
    }
}

#[test]
fn xmlsec1_signs_qoltanba_verifies() {
    let rsa = [(RSA256, SHA256), (RSA384, SHA384), (RSA512, SHA512)];
    let mut n = 0;
    for c14n in [
        EXC,
        C14N10,
        C14N10C,
        C14N11,
        "http://www.w3.org/2006/12/xml-c14n11#WithComments",
    ] {
        for transform in [EXC, C14N10, C14N11] {
            for (uri, id_attr) in [("", None), ("#req1", Some("request"))] {
                let (method, digest) = rsa[n % rsa.len()];
                n += 1;
                let doc = request(&template(
                    c14n,
                    method,
                    uri,
                    &[ENVELOPED, transform],
                    digest,
                ));
                let mut extra = Vec::new();
                if let Some(node) = id_attr {
                    extra = vec![
                        "--id-attr:Id".to_string(),
                        format!("urn:kz:egov:housing:{node}"),
                    ];
                }
                let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
                let signed = xmlsec1_sign(&doc, "citizen-rsa", &extra);
                let v = verify(&signed);
                assert_passes(&v, &signed, &format!("{c14n} / {transform} / {uri:?}"));
            }
        }
    }
    // Exclusive C14N with an InclusiveNamespaces prefix list, and ECDSA.
    let tmpl = "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"p unused #default\"/></CanonicalizationMethod><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/><Reference URI=\"\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"unused\"/></Transform></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>";
    let signed = xmlsec1_sign(&request(tmpl), "citizen-ec", &[]);
    let v = verify(&signed);
    assert_eq!(v.verdict.code, Code::Ok, "{}", v.verdict.to_text());
    let _ = ECDSA256;
}

/// The same four tamperings, each refused by both, with qoltanba's exact code.
#[test]
fn tampering_is_refused_by_both() {
    let w = who("citizen-rsa");
    let ours = xmldsig::sign_enveloped(request("").as_bytes(), &w.key, &w.cert).unwrap();
    let theirs = xmlsec1_sign(
        &request(&template(EXC, RSA256, "", &[ENVELOPED, EXC], SHA256)),
        "citizen-rsa",
        &[],
    );
    let other = who("citizen2-rsa");
    let b64 = |d: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, d);
    for signed in [ours, theirs] {
        let text = String::from_utf8(signed).unwrap();
        assert_eq!(code(text.as_bytes()), Code::Ok);
        xmlsec1_verify(text.as_bytes(), &[]).unwrap();
        let sig_start = text
            .find("<ds:Signature")
            .or_else(|| text.find("<Signature"))
            .unwrap();
        let sig_end = text
            .find("</ds:Signature>")
            .map(|e| e + 15)
            .or_else(|| text.find("</Signature>").map(|e| e + 12))
            .unwrap();
        let cases = [
            (
                "changed text",
                text.replace("Әсет Төлегенұлы", "Әсет Төлегенов"),
                Code::DigestMismatch,
            ),
            (
                "changed attribute",
                text.replace("iin=\"880101300123\"", "iin=\"880101300124\""),
                Code::DigestMismatch,
            ),
            (
                "removed signature",
                format!("{}{}", &text[..sig_start], &text[sig_end..]),
                Code::EnvelopeMalformed,
            ),
            (
                "wrong key",
                swap_certificate(&text, &b64(&other.cert)),
                Code::SignatureInvalid,
            ),
        ];
        for (what, doc, want) in cases {
            assert_ne!(doc, text, "{what}: the tampering applies");
            assert_eq!(code(doc.as_bytes()), want, "{what}");
            assert!(
                xmlsec1_verify(doc.as_bytes(), &[]).is_err(),
                "xmlsec1 accepted {what}"
            );
        }
    }
}

/// The document with another certificate in `X509Certificate`.
fn swap_certificate(text: &str, cert_b64: &str) -> String {
    let open = text.find("X509Certificate>").unwrap() + "X509Certificate>".len();
    let close = open + text[open..].find("</").unwrap();
    format!("{}{}{}", &text[..open], cert_b64, &text[close..])
}

fn wsse_key_args(person: &str) -> Vec<String> {
    vec![
        "--pubkey-cert-pem".into(),
        repo(&format!("certs/people/{person}.pem")).display().to_string(),
        "--id-attr:Id".into(),
        "http://schemas.xmlsoap.org/soap/envelope/:Body".into(),
        "--id-attr:Id".into(),
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp".into(),
    ]
}

#[test]
fn ws_security_both_ways() {
    for person in ["citizen-rsa", "citizen-ec"] {
        let w = who(person);
        for ttl in [None, Some(300)] {
            let opts = WsseOptions {
                now: AT,
                timestamp_ttl: ttl,
                id: "0ace83d4".into(),
            };
            let signed =
                xmldsig::sign_wsse(GATEWAY_REQUEST.as_bytes(), &w.key, &w.cert, &opts).unwrap();
            let v = verify(&signed);
            assert_passes(&v, &signed, &format!("{person} {ttl:?}"));
            let args = wsse_key_args(person);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            xmlsec1_verify(&signed, &args)
                .unwrap_or_else(|e| panic!("xmlsec1: {e}\n{}", String::from_utf8_lossy(&signed)));
            let tampered = String::from_utf8(signed)
                .unwrap()
                .replace("880101300123", "880101300124");
            assert_eq!(code(tampered.as_bytes()), Code::DigestMismatch);
            assert!(xmlsec1_verify(tampered.as_bytes(), &args).is_err());
        }
    }
    // xmlsec1's WS-Security signature over the Body (inclusive C14N: the
    // Body inherits the Envelope's namespaces), verified by qoltanba.
    let w = who("citizen-rsa");
    let tmpl = format!(
        "<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">{}</wsse:Security>",
        template(C14N10, RSA256, "#body-1", &[C14N10], SHA256)
    );
    let doc = GATEWAY_REQUEST
        .replace("<SOAP-ENV:Header/>", &format!("<SOAP-ENV:Header>{tmpl}</SOAP-ENV:Header>"))
        .replace("<SOAP-ENV:Body>", "<SOAP-ENV:Body xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" wsu:Id=\"body-1\">");
    let signed = xmlsec1_sign(
        &doc,
        "citizen-rsa",
        &[
            "--id-attr:Id",
            "http://schemas.xmlsoap.org/soap/envelope/:Body",
        ],
    );
    assert_eq!(
        code(&signed),
        Code::Ok,
        "{}",
        String::from_utf8_lossy(&signed)
    );
    let _ = w.key.scheme();
}

/// The real files: xmlsec1 agrees with qoltanba's verdicts on the
/// signatures themselves (the NCA test roots trusted, at a time inside the
/// certificates' validity).
#[test]
fn xmlsec1_agrees_on_the_real_files() {
    let realkz = repo("../shared/realkz");
    let run = |file: &str, at: &str, roots: &[&str]| -> Result<(), String> {
        let raw = std::fs::read(realkz.join(file)).unwrap();
        let start = raw.iter().position(|b| !b.is_ascii_whitespace()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("in.xml");
        std::fs::write(&f, &raw[start..]).unwrap();
        let mut cmd = std::process::Command::new("xmlsec1");
        cmd.arg("--verify").args(["--verification-time", at]);
        for r in roots {
            cmd.arg("--trusted-pem").arg(realkz.join(r));
        }
        let o = cmd.arg(&f).output().unwrap();
        if o.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&o.stderr).into_owned())
        }
    };
    let rsa = [
        "gokalkan/internal__testdata__test__ca__root_rsa_test.crt",
        "gokalkan/internal__testdata__test__ca__nca_rsa_test.crt",
    ];
    run("danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.xml", "2020-06-01 00:00:00", &rsa).unwrap();
    run(
        "ncanode/groovy/XmlServiceTest.XML_SIGNED_VALID_STRING.xml",
        "2021-06-01 00:00:00",
        &rsa,
    )
    .unwrap();
    // The first of two signers: the digest no longer matches (qoltanba: DIGEST_MISMATCH).
    let e = run(
        "ncanode/groovy/XmlServiceTest.XML_SIGNED_VALID_STRING_TWO_SIGNERS.xml",
        "2021-06-01 00:00:00",
        &rsa,
    )
    .unwrap_err();
    assert!(
        e.to_lowercase().contains("digest")
            || e.contains("verification failed")
            || e.contains("FAIL"),
        "{e}"
    );
}
