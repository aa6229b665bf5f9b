//! PKCS#12 (RFC 7292) decoding: the integrity MAC, the encrypted bags, and
//! the private keys and certificates inside them.
//!
//! Owns walking the PFX structure as the national CA's tools (Kalkan, Java
//! keystores), OpenSSL 1.x (`-legacy`) and OpenSSL 3 write it: BER with
//! indefinite lengths and constructed strings anywhere below the outer
//! SEQUENCE (normalised by [`crate::asn1::ber`]); an HMAC-SHA-1 or SHA-2 MAC
//! keyed by the PKCS#12 KDF; bags encrypted with PKCS#12 PBE
//! (pbeWithSHAAnd3-KeyTripleDES-CBC, 2-key 3DES, RC2-128 and the RC2-40 the
//! national CA's certificate bags use) or PBES2 (PBKDF2 with AES). Every
//! primitive comes from RustCrypto: the KDF from `pkcs12`, PBES2 from
//! `pkcs5`, `hmac`, `sha1`, `sha2`, `des`, `rc2`, `cbc`; this file only reads
//! the structure and picks them by OID.
//!
//! Refuses: public-key integrity and privacy modes, PBMAC1, scrypt, RC4,
//! iteration counts over [`MAX_ITERATIONS`], more than [`MAX_BAGS`] bags,
//! safe contents nested deeper than [`MAX_NESTING`]. Decrypted keys are
//! wiped when dropped, and so is every derived key.

use super::{KeyError, P12Problem};
use crate::asn1::{Tlv, Walker, ctx, ctx_prim};
use cbc::cipher::{
    BlockCipherDecrypt, BlockModeDecrypt, InnerIvInit, KeyInit, block_padding::Pkcs7,
};
use der::Tag;
use der::asn1::ObjectIdentifier as Oid;
use hmac::Mac;
use hmac::digest::{Digest, FixedOutputReset, block_api::BlockSizeUser};
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use zeroize::Zeroizing;

/// Most KDF iterations accepted (Kalkan writes 1024, OpenSSL 2048).
pub const MAX_ITERATIONS: u32 = 1 << 20;

/// Most bags read from one file.
pub const MAX_BAGS: usize = 64;

/// Deepest nesting of safeContentsBag in safeContentsBag.
pub const MAX_NESTING: usize = 4;

mod oid {
    use der::asn1::ObjectIdentifier as Oid;
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    pub const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
    pub const KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.1");
    pub const SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
    pub const CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
    pub const SAFE_CONTENTS_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.6");
    pub const X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
    pub const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
    pub const PBE_SHA1_RC2_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.5");
    pub const PBE_SHA1_RC2_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.6");
    pub const PBE_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
    pub const PBE_SHA1_2DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.4");
    pub const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
}

/// A private key found in the file, decrypted.
pub(crate) struct KeyEntry {
    /// PKCS#8 PrivateKeyInfo, DER; wiped on drop.
    pub(crate) pkcs8: Zeroizing<Vec<u8>>,
    /// Its localKeyId attribute.
    pub(crate) local_key_id: Option<Vec<u8>>,
}

/// A certificate found in the file.
pub(crate) struct CertEntry {
    /// The certificate, as stored.
    pub(crate) der: Vec<u8>,
    /// Its localKeyId attribute.
    pub(crate) local_key_id: Option<Vec<u8>>,
}

/// Everything a PKCS#12 holds that qoltanba reads.
#[derive(Default)]
pub(crate) struct Contents {
    /// Private keys, in file order.
    pub(crate) keys: Vec<KeyEntry>,
    /// X.509 certificates, in file order.
    pub(crate) certs: Vec<CertEntry>,
}

fn malformed() -> KeyError {
    KeyError::P12Invalid {
        problem: P12Problem::Malformed,
    }
}

fn wrong_password() -> KeyError {
    KeyError::P12Invalid {
        problem: P12Problem::WrongPassword,
    }
}

fn unsupported(what: &str, o: &Oid) -> KeyError {
    KeyError::Unsupported {
        algorithm: format!("PKCS#12 {what} {o}"),
    }
}

/// The password in the two forms a PKCS#12 may have been made with.
struct Password<'a> {
    utf8: &'a str,
    /// BMPString with the two-byte terminator (RFC 7292 B.1), or nothing at
    /// all for the empty password as OpenSSL's NULL password writes it.
    bmp: Zeroizing<Vec<u8>>,
}

impl<'a> Password<'a> {
    fn new(utf8: &'a str, terminated: bool) -> Password<'a> {
        let mut bmp = Zeroizing::new(Vec::with_capacity(2 * utf8.len() + 2));
        if terminated {
            for unit in utf8.encode_utf16() {
                bmp.extend_from_slice(&unit.to_be_bytes());
            }
            bmp.extend_from_slice(&[0, 0]);
        }
        Password { utf8, bmp }
    }
}

/// Opens a PKCS#12: checks its MAC (when it has one) and decrypts its bags.
pub(crate) fn open(bytes: &[u8], password: &str) -> Result<Contents, KeyError> {
    let der = crate::asn1::ber::to_der(bytes).map_err(|_| malformed())?;
    let pfx = crate::asn1::single(&der).map_err(|_| malformed())?;
    if pfx.tag != Tag::Sequence {
        return Err(malformed());
    }
    let mut w = Walker::new(pfx.value).map_err(|_| malformed())?;
    let version = w.require(Tag::Integer).map_err(|_| malformed())?;
    if version.value != [3] {
        return Err(malformed());
    }
    let auth_safe = w.require(Tag::Sequence).map_err(|_| malformed())?;
    let mac = w.optional(Tag::Sequence).map_err(|_| malformed())?;
    let data = content_info_data(auth_safe)?;
    // The MAC tells which form of the password the file was made with; an
    // empty password may be either (OpenSSL tries both too).
    let forms: &[bool] = if password.is_empty() {
        &[true, false]
    } else {
        &[true]
    };
    let mut last = wrong_password();
    for &terminated in forms {
        let pw = Password::new(password, terminated);
        if let Some(mac) = mac {
            match check_mac(mac, data, &pw) {
                Ok(()) => {}
                Err(e) => {
                    last = e;
                    continue;
                }
            }
        }
        match read_auth_safe(data, &pw) {
            Ok(c) => return Ok(c),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The content octets of a ContentInfo of type id-data.
fn content_info_data(ci: Tlv<'_>) -> Result<&[u8], KeyError> {
    let mut w = Walker::new(ci.value).map_err(|_| malformed())?;
    let kind = read_oid(&mut w)?;
    if kind != oid::DATA {
        return Err(unsupported("content type", &kind));
    }
    let explicit = w.require(ctx(0)).map_err(|_| malformed())?;
    let octets = crate::asn1::single(explicit.value).map_err(|_| malformed())?;
    if octets.tag != Tag::OctetString {
        return Err(malformed());
    }
    Ok(octets.value)
}

fn read_oid(w: &mut Walker<'_>) -> Result<Oid, KeyError> {
    let t = w.require(Tag::ObjectIdentifier).map_err(|_| malformed())?;
    Oid::from_bytes(t.value).map_err(|_| malformed())
}

fn read_iterations(w: &mut Walker<'_>) -> Result<u32, KeyError> {
    let t = w.require(Tag::Integer).map_err(|_| malformed())?;
    let n = der::asn1::Uint::new(t.value)
        .ok()
        .and_then(|u| {
            let b = u.as_bytes();
            (b.len() <= 4).then(|| b.iter().fold(0u32, |a, x| (a << 8) | u32::from(*x)))
        })
        .ok_or_else(malformed)?;
    if n == 0 {
        return Err(malformed());
    }
    if n > MAX_ITERATIONS {
        return Err(KeyError::Unsupported {
            algorithm: format!("PKCS#12 with {n} iterations (at most {MAX_ITERATIONS})"),
        });
    }
    Ok(n)
}

/// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING,
/// iterations INTEGER DEFAULT 1 }, checked in constant time.
fn check_mac(mac: Tlv<'_>, data: &[u8], pw: &Password<'_>) -> Result<(), KeyError> {
    let mut w = Walker::new(mac.value).map_err(|_| malformed())?;
    let info = w.require(Tag::Sequence).map_err(|_| malformed())?;
    let salt = w.require(Tag::OctetString).map_err(|_| malformed())?.value;
    let iterations = if w.is_empty() {
        1
    } else {
        read_iterations(&mut w)?
    };
    let mut iw = Walker::new(info.value).map_err(|_| malformed())?;
    let alg = iw.require(Tag::Sequence).map_err(|_| malformed())?;
    let expected = iw.require(Tag::OctetString).map_err(|_| malformed())?.value;
    let hash = read_oid(&mut Walker::new(alg.value).map_err(|_| malformed())?)?;
    let ok = match hash {
        oid::SHA1 => mac_matches::<sha1::Sha1>(data, salt, iterations, pw, expected),
        oid::SHA256 => mac_matches::<sha2_next::Sha256>(data, salt, iterations, pw, expected),
        oid::SHA384 => mac_matches::<sha2_next::Sha384>(data, salt, iterations, pw, expected),
        oid::SHA512 => mac_matches::<sha2_next::Sha512>(data, salt, iterations, pw, expected),
        other => return Err(unsupported("MAC", &other)),
    };
    if ok { Ok(()) } else { Err(wrong_password()) }
}

/// HMAC under `D` keyed by the PKCS#12 KDF (ID 3), compared in constant time.
fn mac_matches<D>(data: &[u8], salt: &[u8], rounds: u32, pw: &Password<'_>, expected: &[u8]) -> bool
where
    D: Digest + FixedOutputReset + BlockSizeUser,
{
    let key = Zeroizing::new(derive_key::<D>(
        &pw.bmp,
        salt,
        Pkcs12KeyType::Mac,
        rounds as i32,
        <D as Digest>::output_size(),
    ));
    let Ok(mut m) = hmac::SimpleHmac::<D>::new_from_slice(&key) else {
        return false;
    };
    m.update(data);
    m.verify_slice(expected).is_ok()
}

/// AuthenticatedSafe ::= SEQUENCE OF ContentInfo (id-data or id-encryptedData).
fn read_auth_safe(data: &[u8], pw: &Password<'_>) -> Result<Contents, KeyError> {
    let der = crate::asn1::ber::to_der(data).map_err(|_| malformed())?;
    let seq = crate::asn1::single(&der).map_err(|_| malformed())?;
    if seq.tag != Tag::Sequence {
        return Err(malformed());
    }
    let mut out = Contents::default();
    let mut w = Walker::new(seq.value).map_err(|_| malformed())?;
    while !w.is_empty() {
        let ci = w.require(Tag::Sequence).map_err(|_| malformed())?;
        let mut cw = Walker::new(ci.value).map_err(|_| malformed())?;
        match read_oid(&mut cw)? {
            oid::DATA => read_safe_contents(content_info_data(ci)?, pw, &mut out, 0)?,
            oid::ENCRYPTED_DATA => {
                let explicit = cw.require(ctx(0)).map_err(|_| malformed())?;
                let plain = encrypted_data(explicit.value, pw)?;
                read_safe_contents(&plain, pw, &mut out, 0)?;
            }
            other => return Err(unsupported("content type", &other)),
        }
    }
    Ok(out)
}

/// EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE {
/// contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT
/// OCTET STRING } }, decrypted. BER may have left the [0] constructed,
/// holding OCTET STRING segments.
fn encrypted_data(bytes: &[u8], pw: &Password<'_>) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let ed = crate::asn1::single(bytes).map_err(|_| malformed())?;
    let mut w = Walker::new(ed.value).map_err(|_| malformed())?;
    w.require(Tag::Integer).map_err(|_| malformed())?;
    let eci = w.require(Tag::Sequence).map_err(|_| malformed())?;
    let mut ew = Walker::new(eci.value).map_err(|_| malformed())?;
    read_oid(&mut ew)?;
    let alg = ew.require(Tag::Sequence).map_err(|_| malformed())?;
    let content = match ew.next_tlv() {
        Ok(t) if t.tag == ctx_prim(0) => t.value.to_vec(),
        Ok(t) if t.tag == ctx(0) => {
            let mut joined = Vec::with_capacity(t.value.len());
            let mut sw = Walker::new(t.value).map_err(|_| malformed())?;
            while !sw.is_empty() {
                let seg = sw.require(Tag::OctetString).map_err(|_| malformed())?;
                joined.extend_from_slice(seg.value);
            }
            joined
        }
        _ => return Err(malformed()),
    };
    decrypt(alg, &content, pw)
}

/// Decrypts under an AlgorithmIdentifier: PKCS#12 PBE or PBES2. A padding
/// failure means a wrong password (or damaged bytes).
fn decrypt(alg: Tlv<'_>, ct: &[u8], pw: &Password<'_>) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut w = Walker::new(alg.value).map_err(|_| malformed())?;
    let which = read_oid(&mut w)?;
    if which == oid::PBES2 {
        return pbes2(alg.raw, ct, pw.utf8);
    }
    let key_len = match which {
        oid::PBE_SHA1_3DES => 24,
        oid::PBE_SHA1_2DES | oid::PBE_SHA1_RC2_128 => 16,
        oid::PBE_SHA1_RC2_40 => 5,
        other => return Err(unsupported("encryption", &other)),
    };
    // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
    let params = w.require(Tag::Sequence).map_err(|_| malformed())?;
    let mut pw_ = Walker::new(params.value).map_err(|_| malformed())?;
    let salt = pw_
        .require(Tag::OctetString)
        .map_err(|_| malformed())?
        .value;
    let rounds = read_iterations(&mut pw_)? as i32;
    let derive = |id, len| Zeroizing::new(derive_key::<sha1::Sha1>(&pw.bmp, salt, id, rounds, len));
    let key = derive(Pkcs12KeyType::EncryptionKey, key_len);
    let iv = derive(Pkcs12KeyType::Iv, 8);
    let plain = match which {
        oid::PBE_SHA1_3DES => cbc_decrypt::<des::TdesEde3>(&key, &iv, ct),
        oid::PBE_SHA1_2DES => cbc_decrypt::<des::TdesEde2>(&key, &iv, ct),
        // RC2's effective key bits are the key's length in bits (40 or 128).
        _ => cbc_decrypt::<rc2::Rc2>(&key, &iv, ct),
    };
    plain.map(Zeroizing::new).ok_or_else(wrong_password)
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>>
where
    C: BlockCipherDecrypt + KeyInit,
{
    let cipher = C::new_from_slice(key).ok()?;
    cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
        .ok()?
        .decrypt_padded_vec::<Pkcs7>(ct)
        .ok()
}

/// PBES2 (RFC 8018) through `pkcs5`: PBKDF2 only, with a bounded count.
fn pbes2(alg_der: &[u8], ct: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use pkcs5::der::Decode as _;
    let scheme = pkcs5::EncryptionScheme::from_der(alg_der).map_err(|_| KeyError::Unsupported {
        algorithm: "PKCS#12 PBES2 parameters".into(),
    })?;
    let Some(params) = scheme.pbes2() else {
        return Err(malformed());
    };
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) if p.iteration_count <= MAX_ITERATIONS => {}
        pkcs5::pbes2::Kdf::Pbkdf2(p) => {
            return Err(KeyError::Unsupported {
                algorithm: format!(
                    "PKCS#12 with {} iterations (at most {MAX_ITERATIONS})",
                    p.iteration_count
                ),
            });
        }
        _ => {
            return Err(KeyError::Unsupported {
                algorithm: "PKCS#12 PBES2 key derivation other than PBKDF2".into(),
            });
        }
    }
    scheme
        .decrypt(password.as_bytes(), ct)
        .map(Zeroizing::new)
        .map_err(|e| match e {
            pkcs5::Error::DecryptFailed => wrong_password(),
            _ => KeyError::Unsupported {
                algorithm: format!("PKCS#12 PBES2 ({e})"),
            },
        })
}

/// SafeContents ::= SEQUENCE OF SafeBag; SafeBag ::= SEQUENCE { bagId,
/// bagValue [0] EXPLICIT, bagAttributes SET OF Attribute OPTIONAL }.
fn read_safe_contents(
    bytes: &[u8],
    pw: &Password<'_>,
    out: &mut Contents,
    depth: usize,
) -> Result<(), KeyError> {
    if depth > MAX_NESTING {
        return Err(malformed());
    }
    let der =
        Zeroizing::new(crate::asn1::ber::to_der(bytes).map_err(|_| wrong_or_malformed(depth))?);
    let seq = crate::asn1::single(&der).map_err(|_| wrong_or_malformed(depth))?;
    if seq.tag != Tag::Sequence {
        return Err(wrong_or_malformed(depth));
    }
    let mut w = Walker::new(seq.value).map_err(|_| malformed())?;
    while !w.is_empty() {
        if out.keys.len() + out.certs.len() >= MAX_BAGS {
            return Err(malformed());
        }
        let bag = w.require(Tag::Sequence).map_err(|_| malformed())?;
        let mut bw = Walker::new(bag.value).map_err(|_| malformed())?;
        let kind = read_oid(&mut bw)?;
        let value = bw.require(ctx(0)).map_err(|_| malformed())?;
        let value = crate::asn1::single(value.value).map_err(|_| malformed())?;
        let local_key_id = match bw.optional(Tag::Set).map_err(|_| malformed())? {
            Some(attrs) => local_key_id(attrs.value)?,
            None => None,
        };
        match kind {
            oid::KEY_BAG => out.keys.push(KeyEntry {
                pkcs8: Zeroizing::new(value.raw.to_vec()),
                local_key_id,
            }),
            oid::SHROUDED_KEY_BAG => {
                // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
                let mut ew = Walker::new(value.value).map_err(|_| malformed())?;
                let alg = ew.require(Tag::Sequence).map_err(|_| malformed())?;
                let ct = ew.require(Tag::OctetString).map_err(|_| malformed())?;
                let plain = decrypt(alg, ct.value, pw)?;
                // A wrong password that happens to unpad yields no PrivateKeyInfo.
                let pkcs8 = crate::asn1::single(&plain)
                    .ok()
                    .filter(|t| t.tag == Tag::Sequence)
                    .map(|t| Zeroizing::new(t.raw.to_vec()))
                    .ok_or_else(wrong_password)?;
                out.keys.push(KeyEntry {
                    pkcs8,
                    local_key_id,
                });
            }
            oid::CERT_BAG => {
                // CertBag ::= SEQUENCE { certId, certValue [0] EXPLICIT OCTET STRING }
                let mut cw = Walker::new(value.value).map_err(|_| malformed())?;
                if read_oid(&mut cw)? != oid::X509_CERTIFICATE {
                    continue;
                }
                let explicit = cw.require(ctx(0)).map_err(|_| malformed())?;
                let octets = crate::asn1::single(explicit.value).map_err(|_| malformed())?;
                if octets.tag != Tag::OctetString {
                    return Err(malformed());
                }
                out.certs.push(CertEntry {
                    der: octets.value.to_vec(),
                    local_key_id,
                });
            }
            oid::SAFE_CONTENTS_BAG => read_safe_contents(value.raw, pw, out, depth + 1)?,
            // CRLs, secrets and unknown bags are not for signing.
            _ => {}
        }
    }
    Ok(())
}

/// Decrypted bytes that do not parse most likely mean a wrong password.
fn wrong_or_malformed(depth: usize) -> KeyError {
    if depth == 0 {
        wrong_password()
    } else {
        malformed()
    }
}

/// The localKeyId among a bag's attributes (Attribute ::= SEQUENCE { OID, SET OF }).
fn local_key_id(attrs: &[u8]) -> Result<Option<Vec<u8>>, KeyError> {
    let mut w = Walker::new(attrs).map_err(|_| malformed())?;
    while !w.is_empty() {
        let attr = w.require(Tag::Sequence).map_err(|_| malformed())?;
        let mut aw = Walker::new(attr.value).map_err(|_| malformed())?;
        if read_oid(&mut aw)? != oid::LOCAL_KEY_ID {
            continue;
        }
        let set = aw.require(Tag::Set).map_err(|_| malformed())?;
        let mut sw = Walker::new(set.value).map_err(|_| malformed())?;
        let id = sw.require(Tag::OctetString).map_err(|_| malformed())?;
        return Ok(Some(id.value.to_vec()));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_pfx() {
        for bad in [&b""[..], b"not a pkcs12", &[0x30, 0x03, 0x02, 0x01, 0x02]] {
            assert!(matches!(
                open(bad, "x"),
                Err(KeyError::P12Invalid {
                    problem: P12Problem::Malformed
                })
            ));
        }
    }

    #[test]
    fn password_forms() {
        let p = Password::new("Aa", true);
        assert_eq!(p.bmp.as_slice(), &[0, b'A', 0, b'a', 0, 0]);
        assert!(Password::new("", false).bmp.is_empty());
        assert_eq!(Password::new("", true).bmp.as_slice(), &[0, 0]);
        // Outside the BMP: a surrogate pair, as Java and OpenSSL write it.
        assert_eq!(Password::new("😀", true).bmp.len(), 6);
    }
}
