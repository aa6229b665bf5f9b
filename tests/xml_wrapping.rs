//! XML signature wrapping (McIntosh & Austel 2005; Somorovsky et al.
//! 2011-2012) and the other tricks on signed XML: every variant built here
//! must end with an exact code, and the verdict must name what was signed.

mod common;
mod common_xml;
use common_xml::*;
use qoltanba::verdict::Code;
use qoltanba::xmldsig::{self, WsseOptions};

fn signed_request() -> String {
    let w = who("citizen-rsa");
    String::from_utf8(xmldsig::sign_enveloped(request("").as_bytes(), &w.key, &w.cert).unwrap())
        .unwrap()
}

/// xmlsec1's signature with `URI="#id"` over the element carrying it.
fn xmlsec1_by_id(doc_with_template: &str, node: &str) -> String {
    let id = format!("urn:kz:egov:housing:{node}");
    String::from_utf8(xmlsec1_sign(
        doc_with_template,
        "citizen-rsa",
        &["--id-attr:Id", &id],
    ))
    .unwrap()
}

fn problem(xml: &[u8]) -> String {
    let v = verify(xml).verdict;
    let top = v.signers.first().unwrap_or(&v);
    top.checks
        .iter()
        .find(|c| c.code.is_some())
        .map(|c| c.detail["problem"].to_string())
        .unwrap_or_default()
}

#[test]
fn enveloped_documents() {
    let ok = signed_request();
    assert_eq!(code(ok.as_bytes()), Code::Ok);

    // A signature by ID over the document element passes, and names it.
    let by_root = xmlsec1_by_id(
        &request(&template(EXC, RSA256, "#req1", &[ENVELOPED, EXC], SHA256)),
        "request",
    );
    let v = verify(by_root.as_bytes());
    assert_eq!(v.verdict.code, Code::Ok, "{}", v.verdict.to_text());
    assert_eq!(v.signed[0].path, "/request");

    // 1. A valid signature over a part of the document only.
    let by_inner = xmlsec1_by_id(
        &request(&template(EXC, RSA256, "#inner1", &[EXC], SHA256)),
        "inner",
    );
    assert_eq!(code(by_inner.as_bytes()), Code::SignedElementInvalid);
    assert!(
        problem(by_inner.as_bytes()).contains("/request/inner"),
        "{}",
        problem(by_inner.as_bytes())
    );

    // 2. A second element with the signed ID (duplicated ID).
    let dup = by_root.replace("<empty/>", "<empty Id=\"req1\"/>");
    assert_eq!(code(dup.as_bytes()), Code::SignedElementInvalid);
    assert!(problem(dup.as_bytes()).contains("carried by 2 elements"));
    let dup_lower = by_root.replace("<empty/>", "<empty id=\"req1\"/>");
    assert_eq!(code(dup_lower.as_bytes()), Code::SignedElementInvalid);

    // 3. The signed document moved inside a wrapper that the application would read.
    let body_start = by_root.find("<request").unwrap();
    let wrapped = format!(
        "{}<evil xmlns=\"urn:kz:egov:housing\"><request Id=\"forged\"><note>Бәрі дұрыс</note></request><hidden>{}</hidden></evil>",
        &by_root[..body_start],
        &by_root[body_start..].trim_end()
    );
    assert_eq!(code(wrapped.as_bytes()), Code::SignedElementInvalid);

    // 4. Comments inside signed content: not covered by the signature.
    let commented = ok.replace("Әсет Төлегенұлы", "Әсет<!-- Төлегенұлы -->Төлегенұлы");
    assert_eq!(code(commented.as_bytes()), Code::SignedElementInvalid);
    assert!(problem(commented.as_bytes()).contains("comment"));
    // ... and outside the document element they are no content at all.
    assert_eq!(code(format!("{ok}<!-- after -->").as_bytes()), Code::Ok);

    // 5. Whitespace: inside the document it is content; outside it is not.
    assert_eq!(
        code(ok.replace("<empty/>", "<empty/> ").as_bytes()),
        Code::DigestMismatch
    );
    assert_eq!(
        code(ok.replace("<empty/>", "<empty />").as_bytes()),
        Code::Ok
    );
    assert_eq!(code(format!("{ok}\n\n").as_bytes()), Code::Ok);
    assert_eq!(
        code(ok.replace("tab=\"x&#9;y\"", "tab=\"x\ty\"").as_bytes()),
        Code::DigestMismatch
    );

    // 6. Namespaces: rebinding a prefix the content uses changes what it
    // means (and its digest); declaring one it does not use changes nothing
    // under exclusive C14N, but does under inclusive C14N.
    assert_eq!(
        code(
            ok.replace("xmlns:p=\"urn:kz:person\"", "xmlns:p=\"urn:evil\"")
                .as_bytes()
        ),
        Code::DigestMismatch
    );
    assert_eq!(
        code(
            ok.replace("xmlns:unused=\"urn:x\"", "xmlns:unused=\"urn:y\"")
                .as_bytes()
        ),
        Code::Ok
    );
    let inclusive = String::from_utf8(xmlsec1_sign(
        &request(&template(C14N10, RSA256, "", &[ENVELOPED, C14N10], SHA256)),
        "citizen-rsa",
        &[],
    ))
    .unwrap();
    assert_eq!(code(inclusive.as_bytes()), Code::Ok);
    assert_eq!(
        code(
            inclusive
                .replace("xmlns:unused=\"urn:x\"", "xmlns:unused=\"urn:y\"")
                .as_bytes()
        ),
        Code::DigestMismatch
    );
    // A default namespace re-declared on the signed element's child.
    assert_eq!(
        code(
            ok.replace("<empty/>", "<empty xmlns=\"urn:evil\"/>")
                .as_bytes()
        ),
        Code::DigestMismatch
    );

    // 7. References the verifier never follows.
    for uri in [
        "http://evil.example/doc.xml",
        "#xpointer(/)",
        "#xpointer(id('req1'))",
        "doc.xml#req1",
    ] {
        let doc = by_root.replace("URI=\"#req1\"", &format!("URI=\"{uri}\""));
        assert_eq!(code(doc.as_bytes()), Code::SignedElementInvalid, "{uri}");
    }
    assert_eq!(
        code(by_root.replace("URI=\"#req1\"", "").as_bytes()),
        Code::SignedElementInvalid
    );
    assert_eq!(
        code(
            by_root
                .replace("URI=\"#req1\"", "URI=\"#nobody\"")
                .as_bytes()
        ),
        Code::SignedElementInvalid
    );

    // 8. Transforms and algorithms that are not evaluated.
    let xslt = ok.replace(
        "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>",
    );
    assert_eq!(code(xslt.as_bytes()), Code::AlgorithmUnsupported);
    let sha1 = ok.replace(
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "http://www.w3.org/2000/09/xmldsig#sha1",
    );
    assert_eq!(code(sha1.as_bytes()), Code::AlgorithmUnsupported);

    // 9. Parser attacks: entities, external entities, XInclude, depth, size.
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>";
    assert_eq!(code(laughs.as_bytes()), Code::EnvelopeMalformed);
    let xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    assert_eq!(code(xxe.as_bytes()), Code::EnvelopeMalformed);
    let xinclude = ok.replace(
        "<empty/>",
        "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\"/>",
    );
    assert_eq!(code(xinclude.as_bytes()), Code::EnvelopeMalformed);
    let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
    assert_eq!(code(deep.as_bytes()), Code::EnvelopeMalformed);
    let big = vec![b' '; qoltanba::xmldsig::tree::MAX_XML_LEN + 1];
    assert_eq!(code(&big), Code::EnvelopeMalformed);
    assert_eq!(code("<a>\u{0}</a>".as_bytes()), Code::EnvelopeMalformed);
}

fn signed_message(ttl: Option<i64>) -> String {
    let w = who("citizen-rsa");
    let opts = WsseOptions {
        now: AT - 60,
        timestamp_ttl: ttl,
        id: "5f3c".into(),
    };
    String::from_utf8(
        xmldsig::sign_wsse(GATEWAY_REQUEST.as_bytes(), &w.key, &w.cert, &opts).unwrap(),
    )
    .unwrap()
}

#[test]
fn soap_messages() {
    let ok = signed_message(Some(600));
    let v = verify(ok.as_bytes());
    assert_eq!(v.verdict.code, Code::Ok, "{}", v.verdict.to_text());
    assert_eq!(v.signed[0].path, "/SOAP-ENV:Envelope/SOAP-ENV:Body");
    assert_eq!(v.signed[1].element, "wsu:Timestamp");

    let body_open = "<SOAP-ENV:Body xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" wsu:Id=\"id-5f3c\">";
    assert!(ok.contains(body_open));
    let start = ok.find(body_open).unwrap();
    let end = ok.find("</SOAP-ENV:Body>").unwrap() + "</SOAP-ENV:Body>".len();
    let signed_body = &ok[start..end];
    let forged_body = "<SOAP-ENV:Body><ns3:SendMessage xmlns:ns3=\"http://bip.bee.kz/SyncChannel/v10/Types\"><iin>920515450120</iin></ns3:SendMessage></SOAP-ENV:Body>";

    // 1. The signed Body moved into a header wrapper, a forged Body in its place.
    let moved = ok.replace(signed_body, forged_body).replace(
        "<SOAP-ENV:Header>",
        &format!("<SOAP-ENV:Header><Wrapper>{signed_body}</Wrapper>"),
    );
    assert_eq!(code(moved.as_bytes()), Code::SignedElementInvalid);
    assert!(
        problem(moved.as_bytes()).contains("does not cover the message's Body"),
        "{}",
        problem(moved.as_bytes())
    );

    // 2. The same, the forged Body carrying the signed ID too.
    let forged_with_id = forged_body.replace("<SOAP-ENV:Body>", body_open);
    let moved_dup = ok.replace(signed_body, &forged_with_id).replace(
        "<SOAP-ENV:Header>",
        &format!("<SOAP-ENV:Header><Wrapper>{signed_body}</Wrapper>"),
    );
    assert_eq!(code(moved_dup.as_bytes()), Code::SignedElementInvalid);
    assert!(problem(moved_dup.as_bytes()).contains("carried by 2 elements"));

    // 3. A second Body beside the signed one.
    let two_bodies = ok.replace(
        "</SOAP-ENV:Body>",
        &format!("</SOAP-ENV:Body>{forged_body}"),
    );
    assert_eq!(code(two_bodies.as_bytes()), Code::EnvelopeMalformed);
    let first = ok.replace(body_open, &format!("{forged_body}{body_open}"));
    assert_eq!(code(first.as_bytes()), Code::EnvelopeMalformed);

    // 4. A valid signature over an unused wrapper element, not the Body.
    let tmpl = format!(
        "<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"><Wrapper xmlns=\"urn:w\" Id=\"w1\">{}</Wrapper>{}</wsse:Security>",
        "<ns3:SendMessage xmlns:ns3=\"http://bip.bee.kz/SyncChannel/v10/Types\"/>",
        template(EXC, RSA256, "#w1", &[EXC], SHA256)
    );
    let doc = GATEWAY_REQUEST.replace(
        "<SOAP-ENV:Header/>",
        &format!("<SOAP-ENV:Header>{tmpl}</SOAP-ENV:Header>"),
    );
    let wrapper_signed = String::from_utf8(xmlsec1_sign(
        &doc,
        "citizen-rsa",
        &["--id-attr:Id", "urn:w:Wrapper"],
    ))
    .unwrap();
    assert_eq!(code(wrapper_signed.as_bytes()), Code::SignedElementInvalid);

    // 5. The message's lifetime.
    let late = qoltanba::xmldsig::XmlVerifyRequest {
        xml: ok.as_bytes(),
        at: AT + 3600,
        ..Default::default()
    };
    assert_eq!(
        xmldsig::verify(&late, &store()).verdict.code,
        Code::MessageExpired
    );
    let early = qoltanba::xmldsig::XmlVerifyRequest {
        xml: ok.as_bytes(),
        at: AT - 3600,
        ..Default::default()
    };
    assert_eq!(
        xmldsig::verify(&early, &store()).verdict.code,
        Code::MessageExpired
    );
    let stretched = ok.replace(
        &qoltanba::time::rfc3339(AT - 60 + 600),
        &qoltanba::time::rfc3339(AT + 86_400),
    );
    assert_eq!(code(stretched.as_bytes()), Code::DigestMismatch);

    // 6. A Timestamp the signature does not cover.
    let plain = signed_message(None);
    assert_eq!(code(plain.as_bytes()), Code::Ok);
    let unsigned_ts = plain.replacen(
        "<ds:Signature ",
        &format!(
            "<wsu:Timestamp wsu:Id=\"ts\"><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wsu:Timestamp><ds:Signature ",
            qoltanba::time::rfc3339(AT - 60),
            qoltanba::time::rfc3339(AT + 60)
        ),
        1,
    );
    assert_eq!(code(unsigned_ts.as_bytes()), Code::SignedElementInvalid);

    // 7. Two Security headers; a Security header without a signature.
    let sec_start = ok.find("<wsse:Security").unwrap();
    let sec_end = ok.find("</wsse:Security>").unwrap() + "</wsse:Security>".len();
    let two_sec = format!(
        "{}{}{}",
        &ok[..sec_end],
        &ok[sec_start..sec_end],
        &ok[sec_end..]
    );
    assert_eq!(code(two_sec.as_bytes()), Code::EnvelopeMalformed);
    let sig_start = ok.find("<ds:Signature").unwrap();
    let sig_end = ok.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let no_sig = format!("{}{}", &ok[..sig_start], &ok[sig_end..]);
    assert_eq!(code(no_sig.as_bytes()), Code::EnvelopeMalformed);

    // 8. Namespace tricks: rebinding the SOAP prefix on the Body makes it no
    // Body of this Envelope; an unused declaration on the Envelope changes
    // nothing under exclusive C14N and the signed bytes stay the same.
    let rebound = ok.replace(
        body_open,
        &body_open.replace(
            "<SOAP-ENV:Body ",
            "<SOAP-ENV:Body xmlns:SOAP-ENV=\"urn:evil\" ",
        ),
    );
    assert_ne!(code(rebound.as_bytes()), Code::Ok);
    let decl = ok.replacen(
        "<SOAP-ENV:Envelope ",
        "<SOAP-ENV:Envelope xmlns:x=\"urn:x\" ",
        1,
    );
    let v2 = verify(decl.as_bytes());
    assert_eq!(v2.verdict.code, Code::Ok);
    assert_eq!(v2.signed[0].bytes, v.signed[0].bytes);

    // 9. The body text changed: the digest.
    assert_eq!(
        code(ok.replace("Әсет", "Асет").as_bytes()),
        Code::DigestMismatch
    );
}
