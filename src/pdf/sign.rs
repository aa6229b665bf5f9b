//! PAdES signing: a signature appended to a PDF as an incremental update.
//!
//! Owns the signing flow and its options: `plan` reads what must change,
//! `update` writes the update with a ByteRange written wide and a
//! zero-filled `/Contents`; this module patches the ByteRange in place,
//! hashes, signs and fills `/Contents` with the CMS. Also the DSS material
//! (B-LT) and PDF dates. The original bytes stay an exact prefix. The ByteRange is hashed in one streamed pass, so a file of any
//! size is signed in bounded memory. The CMS is CAdES over the ByteRange's
//! digest: content-type, message-digest and ESS signing-certificate-v2, no
//! signing-time (PAdES), and a signature time-stamp for B-T. The key is a
//! `Signer`: this module never knows where it lives.

use super::plan::Plan;
use super::stamp::StampText;
use super::xref::{PdfFile, Source};
use super::{PdfError, hasher};
use crate::envelope::build::{self, SidKind};
use crate::pki::signer::Signer;
use crate::tsp::TsaTransport;
use cms::cert::CertificateChoices;
use cms::content_info::CmsVersion;
use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerInfos};
use der::asn1::{Any, SetOfVec};
use der::{Decode, Encode};
use std::io::{Read, Write};

/// Width of the ByteRange placeholder: `[0 a b c]` with 10-digit numbers, padded.
pub(super) const BYTE_RANGE_WIDTH: usize = 36;
/// Default height of a stamp.
pub const STAMP_HEIGHT: f32 = 75.0;
/// Default width of a stamp (A4 less margins).
pub const STAMP_WIDTH: f32 = 515.0;

/// Where the visible stamp goes, and what it says.
#[derive(Debug, Clone, Default)]
pub struct StampPlacement {
    /// 1-based page; the last page when None.
    pub page: Option<usize>,
    /// `[x1, y1, x2, y2]` in points; by default the bottom of the page,
    /// above any stamps already there.
    pub rect: Option<[f32; 4]>,
    /// The text (the URL and document id are filled in when empty).
    pub text: StampText,
}

/// Validation data for the DSS (B-LT).
#[derive(Debug, Clone, Default)]
pub struct Ltv {
    /// Certificates (DER): the chain up to and including the root.
    pub certs: Vec<Vec<u8>>,
    /// CRLs (DER).
    pub crls: Vec<Vec<u8>>,
    /// OCSP responses (DER).
    pub ocsps: Vec<Vec<u8>>,
}

/// What to sign with and how.
pub struct SignOptions<'a> {
    /// The key.
    pub signer: &'a dyn Signer,
    /// The signer's certificate (DER).
    pub cert: &'a [u8],
    /// Its issuers (DER), embedded in the CMS.
    pub chain: &'a [Vec<u8>],
    /// The signing time (Unix seconds), written in `/M`.
    pub time: i64,
    /// The field's name (a new field unless an unsigned one has this name).
    pub field: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// A visible stamp; invisible when None.
    pub stamp: Option<StampPlacement>,
    /// Base of the public verification URL.
    pub public_url: String,
    /// The document's id for the URL; by default the one `render` wrote, else the file /ID.
    pub document_id: Option<String>,
    /// Make this a certification signature (DocMDP P=2).
    pub certify: bool,
    /// A time-stamp authority: (transport, URL), for B-T.
    pub tsa: Option<(&'a dyn TsaTransport, String)>,
    /// Validation data for the DSS, for B-LT.
    pub ltv: Option<Ltv>,
    /// Empty signature fields to create for later signers (on the same page,
    /// above this signature's stamp), e.g. the head's after the employee's
    /// certification: signing an existing field is what a certification allows.
    pub add_fields: Vec<String>,
    /// Bytes to reserve in `/Contents` beyond qoltanba's own CMS: room for a
    /// CMS a client makes in two-phase signing (its own attributes, chain
    /// and time-stamp token).
    pub extra_room: usize,
}

impl<'a> SignOptions<'a> {
    /// An invisible approval signature by `signer` at `time`, its URL under
    /// `public_url`, nothing else set: callers change the fields they need.
    pub fn new(
        signer: &'a dyn Signer,
        cert: &'a [u8],
        chain: &'a [Vec<u8>],
        time: i64,
        public_url: impl Into<String>,
    ) -> Self {
        SignOptions {
            signer,
            cert,
            chain,
            time,
            field: None,
            reason: None,
            location: None,
            stamp: None,
            public_url: public_url.into(),
            document_id: None,
            certify: false,
            tsa: None,
            ltv: None,
            add_fields: Vec::new(),
            extra_room: 0,
        }
    }
}

/// What was signed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignOutcome {
    /// The signature field's name.
    pub field: String,
    /// The ByteRange.
    pub byte_range: [u64; 4],
    /// The signed file's length.
    pub length: u64,
    /// The document id in the verification URL.
    pub document_id: String,
    /// SHA-256 of the revision that was signed (the input file), hex.
    pub signed_revision_sha256: String,
    /// The verification URL (in the QR code when stamped).
    pub url: String,
    /// Bytes the CMS took of those reserved.
    pub cms_len: usize,
    /// Whether a signature time-stamp was added.
    pub timestamped: bool,
}

/// Signs a PDF held in memory; returns the signed file.
pub fn sign_bytes(pdf: &[u8], opts: &SignOptions<'_>) -> Result<(Vec<u8>, SignOutcome), PdfError> {
    let mut out = Vec::with_capacity(pdf.len() + 64 * 1024);
    let outcome = sign_to(&pdf, &mut std::io::Cursor::new(pdf), &mut out, opts)?;
    Ok((out, outcome))
}

/// Signs `input` into `output` (a new file), streaming: memory stays bounded
/// whatever the file's size.
pub fn sign_file(
    input: &std::path::Path,
    output: &std::path::Path,
    opts: &SignOptions<'_>,
) -> Result<SignOutcome, PdfError> {
    let src = super::xref::FileSource::open(input).map_err(PdfError::io)?;
    let mut reader = std::io::BufReader::with_capacity(
        1 << 20,
        std::fs::File::open(input).map_err(PdfError::io)?,
    );
    let tmp = output.with_extension("partial");
    let file = std::fs::File::create(&tmp).map_err(PdfError::io)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let r = sign_to(&src, &mut reader, &mut w, opts).and_then(|o| {
        w.flush().map_err(PdfError::io)?;
        std::fs::rename(&tmp, output).map_err(PdfError::io)?;
        Ok(o)
    });
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// Signs: `src` is read by offset for the structure, `original` streams the
/// same bytes once (hashed and copied to `out`), then the update follows.
pub fn sign_to(
    src: &dyn Source,
    original: &mut dyn Read,
    out: &mut dyn Write,
    opts: &SignOptions<'_>,
) -> Result<SignOutcome, PdfError> {
    let file = PdfFile::open(src)?;
    let plan = Plan::new(&file, opts)?;
    let base = src.len();
    let digest = opts.signer.scheme().digest();
    // One pass over the original: copied, hashed for the ByteRange and, on
    // its own, with SHA-256 for the URL. The ByteRange starts with the same
    // bytes, so when it is hashed with SHA-256 too the URL's hash is that
    // context cloned at the end of the original, not a second pass.
    let same = digest == crate::pki::algorithms::Digest::Sha256;
    let mut ctx = hasher(digest);
    let mut sha = (!same).then(|| hasher(crate::pki::algorithms::Digest::Sha256));
    let mut buf = vec![0u8; (1 << 20).min(base as usize + 1)];
    let mut copied = 0u64;
    loop {
        let n = original.read(&mut buf).map_err(PdfError::io)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
        if let Some(sha) = sha.as_mut() {
            sha.update(&buf[..n]);
        }
        out.write_all(&buf[..n]).map_err(PdfError::io)?;
        copied += n as u64;
    }
    let sha = sha.unwrap_or_else(|| ctx.clone());
    if copied != base {
        return Err(PdfError::Io(format!(
            "the file changed while it was being signed ({copied} bytes read, {base} expected)"
        )));
    }
    let prior = crate::pki::cert::hex(sha.finish().as_ref()).to_lowercase();
    let url = format!(
        "{}?doc={}&sha256={prior}",
        opts.public_url,
        url_escape(&plan.document_id)
    );
    let mut upd = plan.build(&file, opts, &url, base)?;
    let total = base + upd.bytes.len() as u64;
    let (a, b) = (base + upd.contents.0 as u64, base + upd.contents.1 as u64);
    let byte_range = [0, a, b, total - b];
    let br = format!("[0 {} {} {}]", byte_range[1], byte_range[2], byte_range[3]);
    if br.len() > BYTE_RANGE_WIDTH {
        return Err(PdfError::Input("file too large for the ByteRange".into()));
    }
    let at = upd.byte_range_at;
    upd.bytes[at..at + BYTE_RANGE_WIDTH]
        .copy_from_slice(format!("{br:<BYTE_RANGE_WIDTH$}").as_bytes());
    ctx.update(&upd.bytes[..upd.contents.0]);
    ctx.update(&upd.bytes[upd.contents.1..]);
    let md = ctx.finish();
    let (cms, timestamped) = cms_for_digest(md.as_ref(), opts)?;
    let reserved = (upd.contents.1 - upd.contents.0 - 2) / 2;
    if cms.len() > reserved {
        return Err(PdfError::TooLarge {
            needed: cms.len(),
            reserved,
        });
    }
    let hexed = crate::pki::cert::hex(&cms);
    upd.bytes[upd.contents.0 + 1..upd.contents.0 + 1 + hexed.len()]
        .copy_from_slice(hexed.as_bytes());
    out.write_all(&upd.bytes).map_err(PdfError::io)?;
    Ok(SignOutcome {
        field: plan.field_name.clone(),
        byte_range,
        length: total,
        document_id: plan.document_id.clone(),
        signed_revision_sha256: prior,
        url,
        cms_len: cms.len(),
        timestamped,
    })
}

/// `s` percent-encoded for a URL's query or path segment: all but RFC
/// 3986's unreserved characters, as UTF-8 bytes.
pub fn url_escape(s: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The detached CMS over `digest_value`: CAdES attributes without
/// signing-time, the chain, and a signature time-stamp when a TSA is given.
pub fn cms_for_digest(
    digest_value: &[u8],
    opts: &SignOptions<'_>,
) -> Result<(Vec<u8>, bool), PdfError> {
    let s = |e: build::BuildError| PdfError::Sign(e.to_string());
    let d = |e: der::Error| PdfError::Sign(e.to_string());
    let scheme = opts.signer.scheme();
    let attrs = build::cades_attributes_for_digest(
        digest_value,
        crate::envelope::parse::OID_DATA,
        opts.cert,
        None,
        true,
    )
    .map_err(s)?;
    let sig = opts
        .signer
        .sign(&attrs.to_der().map_err(d)?)
        .map_err(|e| PdfError::Sign(e.to_string()))?;
    let mut si =
        build::assemble(opts.cert, SidKind::IssuerSerial, scheme, Some(attrs), sig).map_err(s)?;
    let mut timestamped = false;
    if let Some((transport, url)) = &opts.tsa {
        let token = crate::tsp::stamp(*transport, url, si.signature.as_bytes())
            .map_err(|e| PdfError::Tsa(e.to_string()))?;
        let mut values = SetOfVec::new();
        values
            .insert(Any::from_der(&token).map_err(d)?)
            .map_err(d)?;
        let mut unsigned = SetOfVec::new();
        unsigned
            .insert(x509_cert::attr::Attribute {
                oid: crate::tsp::OID_SIGNATURE_TIME_STAMP,
                values,
            })
            .map_err(d)?;
        si.unsigned_attrs = Some(unsigned);
        timestamped = true;
    }
    let mut digests = SetOfVec::new();
    digests
        .insert(build::digest_alg_id(scheme.digest()))
        .map_err(d)?;
    let mut certs = SetOfVec::new();
    for c in std::iter::once(opts.cert).chain(opts.chain.iter().map(Vec::as_slice)) {
        let cert = x509_cert::Certificate::from_der(c).map_err(d)?;
        let choice = CertificateChoices::Certificate(cert);
        if !certs.iter().any(|x| x == &choice) {
            certs.insert(choice).map_err(d)?;
        }
    }
    let mut infos = SetOfVec::new();
    infos.insert(si).map_err(d)?;
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: crate::envelope::parse::OID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    Ok((build::encode(&sd).map_err(s)?, timestamped))
}

/// Validation data for `cert`: its chain up to a trust anchor of `store`,
/// and those of `crls` (DER or PEM) whose issuer is a certificate of the chain.
pub fn ltv_material(
    cert: &[u8],
    chain: &[Vec<u8>],
    store: &crate::pki::TrustStore,
    crls: &[Vec<u8>],
) -> Ltv {
    use crate::pki::cert::Certificate;
    let mut certs: Vec<Vec<u8>> = std::iter::once(cert.to_vec())
        .chain(chain.iter().cloned())
        .collect();
    let parsed: Vec<Certificate> = std::iter::once(cert)
        .chain(chain.iter().map(Vec::as_slice))
        .filter_map(|c| Certificate::from_der(c).ok())
        .collect();
    // Issuers the chain does not carry, from the store (intermediates and anchors).
    let mut issuer = parsed.last().map(|c| c.issuer_raw.clone());
    for _ in 0..8 {
        let Some(name) = issuer.take() else { break };
        let Some(ca) = store
            .intermediates
            .iter()
            .chain(store.anchors.iter())
            .find(|c| c.subject_raw == name)
        else {
            break;
        };
        if certs.contains(&ca.der) {
            break;
        }
        certs.push(ca.der.clone());
        if ca.subject_raw != ca.issuer_raw {
            issuer = Some(ca.issuer_raw.clone());
        }
    }
    let subjects: Vec<Vec<u8>> = certs
        .iter()
        .filter_map(|c| Certificate::from_der(c).ok().map(|c| c.subject_raw))
        .collect();
    let out_crls = crate::pki::crl::issued_by(crls, &subjects);
    Ltv {
        certs,
        crls: out_crls,
        ocsps: Vec::new(),
    }
}

/// Bytes reserved for the CMS: the certificates, a signature, attributes,
/// and a time-stamp token's worth when a TSA is used.
pub(super) fn reserve(opts: &SignOptions<'_>) -> usize {
    let certs: usize = opts.cert.len() + opts.chain.iter().map(Vec::len).sum::<usize>();
    let tsa = if opts.tsa.is_some() { 16 * 1024 } else { 0 };
    (certs + 4096 + tsa + opts.extra_room).div_ceil(1024) * 1024
}

/// A PDF date in Kazakhstan time: `D:YYYYMMDDHHmmSS+05'00'`.
pub fn pdf_date(unix: i64) -> String {
    let t = super::stamp::kz_clock(unix);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+05'00'",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Reads a PDF date (`D:YYYYMMDDHHmmSS` with an optional offset) as Unix seconds.
pub fn parse_pdf_date(s: &str) -> Option<i64> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return None;
    }
    let part = |a: usize, b: usize, d: u32| -> Option<u32> {
        digits.get(a..b).map_or(Some(d), |x| x.parse().ok())
    };
    let (y, mo, d) = (part(0, 4, 0)?, part(4, 6, 1)?, part(6, 8, 1)?);
    let (h, mi, se) = (part(8, 10, 0)?, part(10, 12, 0)?, part(12, 14, 0)?);
    let rest = &s[digits.len()..];
    let offset = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let r: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let oh: i64 = r.get(0..2).and_then(|x| x.parse().ok()).unwrap_or(0);
            let om: i64 = r.get(2..4).and_then(|x| x.parse().ok()).unwrap_or(0);
            let v = oh * 3600 + om * 60;
            if sign == '-' { -v } else { v }
        }
        _ => 0,
    };
    let date = time::Date::from_calendar_date(
        y as i32,
        time::Month::try_from(u8::try_from(mo).ok()?).ok()?,
        u8::try_from(d).ok()?,
    )
    .ok()?;
    let t = time::Time::from_hms(
        u8::try_from(h).ok()?,
        u8::try_from(mi).ok()?,
        u8::try_from(se).ok()?,
    )
    .ok()?;
    Some(date.with_time(t).assume_utc().unix_timestamp() - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(pdf_date(1_780_272_000), "D:20260601050000+05'00'");
        assert_eq!(
            parse_pdf_date("D:20260601050000+05'00'"),
            Some(1_780_272_000)
        );
        assert_eq!(parse_pdf_date("D:20260601000000Z"), Some(1_780_272_000));
        assert_eq!(parse_pdf_date("garbage"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(url_escape("KZ 1/2"), "KZ%201%2F2");
    }
}
