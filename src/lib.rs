//! qoltanba: a hardened digital-signature and document-integrity service for
//! Kazakhstan's e-government services.
//!
//! The module map, top to bottom (data flows one way, downwards):
//! - [`pdf`]: result PDFs: render (kk/ru, PDF/A-2b), officer stamp with QR,
//!   PAdES signing as incremental updates, verification and modification analysis.
//! - [`envelope`]: CMS SignedData request envelopes: BER normalisation,
//!   parsing, and condition 2 (the verdict on a request's signature).
//! - [`xmldsig`]: XML request documents (enveloped XMLDSig, as NCALayer's
//!   `signXml` makes them) and WS-Security SOAP messages of the gateway:
//!   safe parsing, canonicalisation, condition 2 with wrapping defences, signing.
//! - [`keys`]: the signer key store: PKCS#12 import, keys sealed at rest,
//!   loading a key as a `Signer`, whether its certificate may sign now.
//! - [`pki`]: certificates, trust store, path building, CRLs, OCSP, the national
//!   CA's certificate profile, the demo PKI generator.
//! - [`web`]: the public pages (the QR target `/verify`, `/check`, the front
//!   door, the API reference) and the validation reports (sealed PDF, ETSI
//!   TS 119 102-2 XML, JSON); served by `api`, verdicts from the modules below.
//! - [`verdict`]: codes, ETSI indications, checks, kk/ru/en messages.
//! - [`web`]: pages served to people: the officers' signing page (NCALayer).
//! - [`vectors`]: test-vector manifests and their runner.
//! - [`iin`]: IIN/BIN check digits and what an IIN says.
//! - [`asn1`], [`input`], [`time`]: DER walking, input decoding, time.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod asn1;
pub mod config;
pub mod envelope;
pub mod files;
pub mod iin;
pub mod input;
pub mod keys;
pub mod pdf;
pub mod pkcs7;
pub mod pki;
pub mod random;
pub mod store;
pub mod time;
pub mod tsp;
pub mod vectors;
pub mod verdict;
pub mod web;
pub mod workflow;
pub mod xmldsig;
