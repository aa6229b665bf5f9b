//! XML signatures: request documents signed with NCALayer's `signXml`
//! (enveloped XMLDSig) and SOAP messages of the e-government gateway signed
//! with WS-Security.
//!
//! Owns reading XML safely (`tree`: bounded size and depth, UTF-8 only, no
//! DTD, no entities beyond the predefined five, no XInclude, an ID index),
//! canonicalisation (`c14n`: inclusive C14N 1.0/1.1 and exclusive C14N, with
//! and without comments), the algorithm URIs (`algorithms`), the structure
//! of a `ds:Signature` (`signature`), reference resolution with the defences
//! against signature wrapping (`reference`), the WS-Security header
//! (`wsse`), condition 2 for XML (`verify`) and signing (`sign`).
//! Certificates, paths and revocation are delegated to `pki`; texts and
//! indications to `verdict`. Refuses every reference that is not to the same
//! document, and never fetches anything.

pub mod algorithms;
pub mod c14n;
mod iin;
pub mod reference;
pub mod sign;
pub mod signature;
pub mod tree;
pub mod verify;
pub mod wsse;

pub use sign::{SignError, WsseOptions, sign_enveloped, sign_wsse};
pub use tree::{Xml, XmlError};
pub use verify::{SignedContent, XmlVerdict, XmlVerifyRequest, verify};

/// The XML Signature namespace.
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The WS-Security extension namespace (`wsse:`).
pub const NS_WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// The WS-Security 1.1 extension namespace (`wsse11:`), accepted on input.
pub const NS_WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
/// The WS-Security utility namespace (`wsu:`).
pub const NS_WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/// SOAP 1.1 envelope namespace.
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace.
pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// Exclusive C14N's namespace (for `InclusiveNamespaces`).
pub const NS_EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// XInclude, refused on input.
pub const NS_XINCLUDE: &str = "http://www.w3.org/2001/XInclude";
