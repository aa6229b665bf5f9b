//! Helpers the XML signature tests share: the demo PKI's people, the demo
//! trust store, qoltanba's verdict on a document, and xmlsec1 both ways.
//! Needs `mod common;` beside it in the test binary.
#![allow(dead_code)]

pub use crate::common::{pem_der, repo};
use qoltanba::pki::signer::RingSigner;
use qoltanba::pki::{Policy, TrustStore};
use qoltanba::verdict::Code;
use qoltanba::xmldsig::{self, XmlVerdict, XmlVerifyRequest};
use std::process::Command;

/// 2026-06-01, inside every demo certificate's validity.
pub const AT: i64 = 1_780_272_000;
/// The same instant as xmlsec1 takes it.
pub const AT_XMLSEC: &str = "2026-06-01 00:00:00";

/// A demo person: certificate (DER) and key.
pub struct Who {
    pub name: &'static str,
    pub cert: Vec<u8>,
    pub key: RingSigner,
}

pub fn who(name: &'static str) -> Who {
    let pkcs8 = pem_der(&format!("certs/people/{name}.key.pem"));
    Who {
        name,
        cert: pem_der(&format!("certs/people/{name}.pem")),
        key: RingSigner::from_pkcs8(&pkcs8, None, false).unwrap(),
    }
}

pub fn store() -> TrustStore {
    TrustStore::from_dir(&repo("certs/trust")).unwrap()
}

/// qoltanba's verdict at [`AT`] under the default policy (revocation on).
pub fn verify(xml: &[u8]) -> XmlVerdict {
    let req = XmlVerifyRequest {
        xml,
        at: AT,
        policy: Policy::default(),
        ..Default::default()
    };
    xmldsig::verify(&req, &store())
}

/// The verdict's code.
pub fn code(xml: &[u8]) -> Code {
    verify(xml).verdict.code
}

/// `xmlsec1 --verify` with the demo root trusted and both issuing CAs
/// offered, at [`AT`]; `extra` adds options (a key for WS-Security, ID
/// attributes).
pub fn xmlsec1_verify(xml: &[u8], extra: &[&str]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("in.xml");
    std::fs::write(&f, xml).unwrap();
    let o = Command::new("xmlsec1")
        .arg("--verify")
        .arg("--trusted-pem")
        .arg(repo("certs/trust/root-ca.pem"))
        .arg("--untrusted-pem")
        .arg(repo("certs/trust/nca-rsa.pem"))
        .arg("--untrusted-pem")
        .arg(repo("certs/trust/nca-ec.pem"))
        .args(["--verification-time", AT_XMLSEC])
        .args(extra)
        .arg(&f)
        .output()
        .expect("xmlsec1 is installed (scripts/test installs it)");
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// `xmlsec1 --sign` of a template with a demo person's key and certificate.
pub fn xmlsec1_sign(template: &str, person: &str, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.xml");
    let out = dir.path().join("s.xml");
    std::fs::write(&f, template).unwrap();
    let key = format!(
        "{},{}",
        repo(&format!("certs/people/{person}.key.pem")).display(),
        repo(&format!("certs/people/{person}.pem")).display()
    );
    let o = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem", &key])
        .args(extra)
        .arg("--output")
        .arg(&out)
        .arg(&f)
        .output()
        .expect("xmlsec1 is installed (scripts/test installs it)");
    assert!(
        o.status.success(),
        "xmlsec1 --sign: {}\n{template}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read(out).unwrap()
}

/// A signature template (default-namespace `ds`) for xmlsec1.
pub fn template(c14n: &str, method: &str, uri: &str, transforms: &[&str], digest: &str) -> String {
    let t: String = transforms
        .iter()
        .map(|t| format!("<Transform Algorithm=\"{t}\"/>"))
        .collect();
    format!(
        "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"{c14n}\"/><SignatureMethod Algorithm=\"{method}\"/><Reference URI=\"{uri}\"><Transforms>{t}</Transforms><DigestMethod Algorithm=\"{digest}\"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>"
    )
}

/// A request document in Kazakh and Russian with namespaces, attributes
/// out of order, whitespace, character references, and `sig` at the end.
pub fn request(sig: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request xmlns=\"urn:kz:egov:housing\" xmlns:p=\"urn:kz:person\" xmlns:unused=\"urn:x\" Id=\"req1\">\n  <p:applicant iin=\"880101300123\" xml:lang=\"kk\" p:role=\"applicant\">Әсет Төлегенұлы</p:applicant>\n  <note b=\"2\" a=\"1\" tab=\"x&#9;y\">Заявление на учёт &amp; жильё &lt;срочно&gt; &#13;</note>\n  <empty/>\n  <inner Id=\"inner1\"><p:child>Ішкі</p:child></inner>\n{sig}</request>\n"
    )
}

pub const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const C14N10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
pub const C14N10C: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
pub const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub const RSA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const RSA384: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
pub const RSA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
pub const ECDSA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";

/// The gateway's request (as NCANode's tests write it), unsigned.
pub const GATEWAY_REQUEST: &str = "<?xml version=\"1.0\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<SOAP-ENV:Header/>\n<SOAP-ENV:Body>\n    <ns3:SendMessage xmlns:ns3=\"http://bip.bee.kz/SyncChannel/v10/Types\" xmlns=\"\">\n        <request>\n            <requestInfo>\n                <messageId>ccb1010b-8446-4937-913f-c87a717f6809</messageId>\n                <serviceId>GBDFL_UniversalServiceSync</serviceId>\n                <messageDate>2019-12-25T12:48:21.024Z</messageDate>\n            </requestInfo>\n            <requestData>\n                <ns4:data xmlns:ns4=\"http://bip.bee.kz/SyncChannel/v10/Interfaces\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cs=\"http://message.persistence.interactive.nat\" xsi:type=\"cs:Request\">\n                    <iin>880101300123</iin>\n                    <name>Әсет Төлегенұлы</name>\n                </ns4:data>\n            </requestData>\n        </request>\n    </ns3:SendMessage>\n</SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n";
