//! The digests qoltanba accepts (SHA-2 through ring; GOST 34.311-95 and
//! Streebog through RustCrypto), one-shot and streaming.

use super::{AlgError, name_of, oid};
use der::asn1::ObjectIdentifier as Oid;

/// A digest algorithm qoltanba accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Digest {
    /// SHA-256
    Sha256,
    /// SHA-384
    Sha384,
    /// SHA-512
    Sha512,
    /// GOST 34.311-95 (= GOST R 34.11-94 with the "test" S-box), as the
    /// national CA uses it with GOST 34.310-2004.
    Gost34311,
    /// GOST 34.11-2015 (Streebog), 256-bit output.
    Streebog256,
    /// GOST 34.11-2015 (Streebog), 512-bit output.
    Streebog512,
}

/// A running digest (streamed over large inputs such as a PDF's ByteRange).
#[derive(Clone)]
pub enum Hasher {
    /// SHA-2 through ring.
    Ring(ring::digest::Context),
    /// GOST 34.311-95.
    Gost34311(gost94::Gost94Test),
    /// Streebog-256.
    Streebog256(streebog::Streebog256),
    /// Streebog-512.
    Streebog512(streebog::Streebog512),
}

impl Hasher {
    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        use streebog::Digest as _;
        match self {
            Hasher::Ring(c) => c.update(data),
            Hasher::Gost34311(h) => h.update(data),
            Hasher::Streebog256(h) => h.update(data),
            Hasher::Streebog512(h) => h.update(data),
        }
    }
    /// The digest of everything added.
    pub fn finish(self) -> Vec<u8> {
        use streebog::Digest as _;
        match self {
            Hasher::Ring(c) => c.finish().as_ref().to_vec(),
            Hasher::Gost34311(h) => h.finalize().to_vec(),
            Hasher::Streebog256(h) => h.finalize().to_vec(),
            Hasher::Streebog512(h) => h.finalize().to_vec(),
        }
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hasher")
    }
}

impl Digest {
    /// Every accepted digest.
    pub const ALL: [Digest; 6] = [
        Digest::Sha256,
        Digest::Sha384,
        Digest::Sha512,
        Digest::Gost34311,
        Digest::Streebog256,
        Digest::Streebog512,
    ];

    /// The accepted digest for an OID, or why not.
    pub fn from_oid(o: &Oid) -> Result<Digest, AlgError> {
        match *o {
            oid::SHA256 => Ok(Digest::Sha256),
            oid::SHA384 => Ok(Digest::Sha384),
            oid::SHA512 => Ok(Digest::Sha512),
            oid::GOST_34311 => Ok(Digest::Gost34311),
            oid::STREEBOG_256 | oid::RU_STREEBOG_256 => Ok(Digest::Streebog256),
            oid::STREEBOG_512 | oid::RU_STREEBOG_512 => Ok(Digest::Streebog512),
            _ => Err(AlgError::Unsupported(format!("digest {}", name_of(o)))),
        }
    }
    /// The digest's OID.
    pub fn oid(self) -> Oid {
        match self {
            Digest::Sha256 => oid::SHA256,
            Digest::Sha384 => oid::SHA384,
            Digest::Sha512 => oid::SHA512,
            Digest::Gost34311 => oid::GOST_34311,
            Digest::Streebog256 => oid::STREEBOG_256,
            Digest::Streebog512 => oid::STREEBOG_512,
        }
    }
    /// Lower-case name, e.g. `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            Digest::Sha256 => "sha256",
            Digest::Sha384 => "sha384",
            Digest::Sha512 => "sha512",
            Digest::Gost34311 => "gost34311-95",
            Digest::Streebog256 => "gost34.11-2015-256",
            Digest::Streebog512 => "gost34.11-2015-512",
        }
    }
    /// Whether this is one of the GOST hashes.
    pub fn is_gost(self) -> bool {
        matches!(
            self,
            Digest::Gost34311 | Digest::Streebog256 | Digest::Streebog512
        )
    }
    /// Output length in bytes.
    pub fn len(self) -> usize {
        match self {
            Digest::Sha256 | Digest::Gost34311 | Digest::Streebog256 => 32,
            Digest::Sha384 => 48,
            Digest::Sha512 | Digest::Streebog512 => 64,
        }
    }
    /// Always false: a digest has output.
    pub fn is_empty(self) -> bool {
        false
    }
    /// The ring algorithm, for the SHA-2 family.
    pub fn ring(self) -> Option<&'static ring::digest::Algorithm> {
        match self {
            Digest::Sha256 => Some(&ring::digest::SHA256),
            Digest::Sha384 => Some(&ring::digest::SHA384),
            Digest::Sha512 => Some(&ring::digest::SHA512),
            _ => None,
        }
    }
    /// A streaming context.
    pub fn hasher(self) -> Hasher {
        match (self, self.ring()) {
            (_, Some(r)) => Hasher::Ring(ring::digest::Context::new(r)),
            (Digest::Gost34311, None) => Hasher::Gost34311(Default::default()),
            (Digest::Streebog256, None) => Hasher::Streebog256(Default::default()),
            (_, None) => Hasher::Streebog512(Default::default()),
        }
    }
    /// Hashes `data`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        use streebog::Digest as _;
        match self {
            Digest::Gost34311 => gost94::Gost94Test::digest(data).to_vec(),
            Digest::Streebog256 => streebog::Streebog256::digest(data).to_vec(),
            Digest::Streebog512 => streebog::Streebog512::digest(data).to_vec(),
            _ => match self.ring() {
                Some(r) => ring::digest::digest(r, data).as_ref().to_vec(),
                None => Vec::new(),
            },
        }
    }
}
