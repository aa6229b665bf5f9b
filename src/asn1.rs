//! Walking DER one TLV at a time, on top of the `der` crate's reader.
//!
//! Owns nothing but the step "give me the next element, its tag, its content
//! and its exact bytes", for the places where a typed decode would lose the
//! original encoding (CMS signed attributes, certificates in envelopes) or
//! cost too much memory (CRLs with a million entries). `der` enforces DER:
//! minimal lengths, no indefinite lengths (BER goes through [`ber`] first).

pub mod ber;

use der::{Decode, Header, Reader, SliceReader, Tag};

/// One element: its tag, content octets and whole encoding.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// The tag.
    pub tag: Tag,
    /// The content octets.
    pub value: &'a [u8],
    /// Tag, length and content, exactly as encoded.
    pub raw: &'a [u8],
}

/// A cursor over a run of DER elements (the content of a SEQUENCE or SET).
pub struct Walker<'a> {
    reader: SliceReader<'a>,
}

impl<'a> Walker<'a> {
    /// Starts at the beginning of `bytes`.
    pub fn new(bytes: &'a [u8]) -> der::Result<Self> {
        Ok(Walker {
            reader: SliceReader::new(bytes)?,
        })
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.reader.is_finished()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<Tag> {
        if self.is_empty() {
            None
        } else {
            self.reader.peek_tag().ok()
        }
    }

    /// Reads the next element.
    pub fn next_tlv(&mut self) -> der::Result<Tlv<'a>> {
        let raw = self.reader.tlv_bytes()?;
        let mut inner = SliceReader::new(raw)?;
        let header = Header::decode(&mut inner)?;
        let value = inner.read_slice(header.length)?;
        Ok(Tlv {
            tag: header.tag,
            value,
            raw,
        })
    }

    /// Reads the next element and checks its tag.
    pub fn require(&mut self, tag: Tag) -> der::Result<Tlv<'a>> {
        let t = self.next_tlv()?;
        if t.tag != tag {
            return Err(der::Error::new(
                der::ErrorKind::TagUnexpected {
                    expected: Some(tag),
                    actual: t.tag,
                },
                der::Length::ZERO,
            ));
        }
        Ok(t)
    }

    /// Reads the next element if it has `tag`.
    pub fn optional(&mut self, tag: Tag) -> der::Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) {
            self.next_tlv().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Parses exactly one element that fills `bytes`.
pub fn single(bytes: &[u8]) -> der::Result<Tlv<'_>> {
    let mut w = Walker::new(bytes)?;
    let t = w.next_tlv()?;
    if !w.is_empty() {
        return Err(der::Error::new(
            der::ErrorKind::TrailingData {
                decoded: der::Length::ZERO,
                remaining: der::Length::ZERO,
            },
            der::Length::ZERO,
        ));
    }
    Ok(t)
}

/// The tag `[n]` constructed, context-specific.
pub fn ctx(n: u8) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber::new(n),
    }
}

/// The tag `[n]` primitive, context-specific.
pub fn ctx_prim(n: u8) -> Tag {
    Tag::ContextSpecific {
        constructed: false,
        number: der::TagNumber::new(n),
    }
}

/// Unix seconds of an X.509 Time (UTCTime or GeneralizedTime) given as its raw TLV.
pub fn time_of(raw: &[u8]) -> der::Result<i64> {
    let t = x509_cert::time::Time::from_der(raw)?;
    Ok(t.to_unix_duration().as_secs() as i64)
}
