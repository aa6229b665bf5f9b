//! Robustness: bad input never panics and always gets a verdict with a code.
//!
//! Property tests mutate the shipped valid inputs (envelopes, a citizen
//! certificate, the national CA's CRLs) and feed random bytes, text and DER
//! trees to every parser. The assertions are true by design, never by luck:
//! a mutated envelope may still pass when the mutation landed where nothing
//! is signed (then the signed content and the signer must be the original
//! ones), a truncated or random one never does. Deterministic regressions
//! cover deep nesting and huge length fields on tiny inputs; a counting global
//! allocator proves the latter never allocate what the length claims.

mod common;
use common::pem_der;

use proptest::prelude::*;
use proptest::sample::Index;
use qoltanba::asn1::ber;
use qoltanba::envelope::{self, VerifyRequest};
use qoltanba::iin::{self, Bin, Iin};
use qoltanba::input;
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::crl::RevocationList;
use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{self, Extra, Policy, TrustStore};
use qoltanba::verdict::{Code, Indication, Verdict};
use serde_json::{Value, json};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// 2026-06-01T00:00:00Z, the validation time of the shipped vectors.
const AT: i64 = 1_780_272_000;
/// The IIN every seed envelope's signer carries.
const IIN: &str = "880101300123";
/// The labels `verify` accepts for envelopes.
const CMS_LABELS: &[&str] = &["CMS", "PKCS7", "PKCS #7 SIGNED DATA"];
/// The labels `verify_certificate` accepts.
const CERT_LABELS: &[&str] = &["CERTIFICATE", "TRUSTED CERTIFICATE"];

// ---------------------------------------------------------------------------
// A global allocator that remembers the largest single allocation made by the
// current thread while tracking is on (thread-local, so parallel tests do not
// disturb each other).

struct TrackingAlloc;

thread_local! {
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = TRACKING.try_with(|t| {
        if t.get() {
            let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// bookkeeping only touches const-initialised thread-locals (no allocation).
unsafe impl GlobalAlloc for TrackingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: TrackingAlloc = TrackingAlloc;

/// Runs `f`, returning its result and the largest single allocation it made.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    TRACKING.with(|t| t.set(true));
    let r = f();
    TRACKING.with(|t| t.set(false));
    (r, LARGEST.with(|l| l.get()))
}

// ---------------------------------------------------------------------------
// Inputs.

fn read(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `cert verify` of `der` against the demo store at `AT`, no extra
/// certificates or CRLs.
fn verify_cert(der: &[u8]) -> Verdict {
    pki::verify_certificate(
        der,
        store(),
        &Extra::default(),
        &RevocationStore::default(),
        AT,
        &policy(),
    )
}

fn store() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs/trust");
        TrustStore::from_dir(&dir).expect("the demo trust folder loads")
    })
}

fn policy() -> Policy {
    Policy {
        iin: Some(IIN.into()),
        ..Default::default()
    }
}

fn run(envelope: &[u8], data: Option<&[u8]>, crls: RevocationStore) -> Verdict {
    let req = VerifyRequest {
        envelope,
        data,
        at: AT,
        policy: policy(),
        extra: Extra::default(),
        crls,
    };
    envelope::verify(&req, store())
}

/// What a passing verdict on a seed says about what was signed and by whom.
#[derive(Debug, Clone, PartialEq)]
struct Signed {
    content_sha256: Value,
    signer: Value,
}

fn signed(v: &Verdict) -> Signed {
    Signed {
        content_sha256: v
            .envelope
            .as_ref()
            .map(|e| e["content_sha256"].clone())
            .unwrap_or(Value::Null),
        // The certificate's bytes may differ where its issuer's signature does
        // not reach; what the issuer signed (names, serial, key) may not.
        signer: v
            .signer
            .as_ref()
            .map(|s| json!([s["subject"], s["issuer"], s["serial"], s["key"]]))
            .unwrap_or(Value::Null),
    }
}

/// A valid envelope shipped with the repository, with what it says when intact.
struct Seed {
    name: &'static str,
    envelope: Vec<u8>,
    data: Option<Vec<u8>>,
    signed: Signed,
}

const SEED_COUNT: usize = 4;

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let request = read("testdata/envelopes/request.json");
        let list: [(&str, Option<Vec<u8>>); SEED_COUNT] = [
            ("rsa-attached.p7s", None),
            ("rsa-detached.p7s", Some(request)),
            ("ec-p256.p7s", None),
            ("rsa-attached-ber.p7s", None),
        ];
        list.into_iter()
            .map(|(name, data)| {
                let envelope = read(&format!("testdata/envelopes/{name}"));
                let v = run(&envelope, data.as_deref(), RevocationStore::default());
                assert_eq!(
                    (v.indication, v.code),
                    (Indication::Passed, Code::Ok),
                    "seed {name} must pass: {}",
                    v.to_text()
                );
                Seed {
                    name,
                    envelope,
                    data,
                    signed: signed(&v),
                }
            })
            .collect()
    })
}

fn citizen_der() -> &'static [u8] {
    static DER: OnceLock<Vec<u8>> = OnceLock::new();
    DER.get_or_init(|| pem_der("certs/people/citizen-rsa.pem"))
}

fn citizen() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| Certificate::from_der(citizen_der()).expect("citizen-rsa.pem parses"))
}

fn nca_rsa() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| {
        Certificate::from_der(&pem_der("certs/trust/nca-rsa.pem")).expect("nca-rsa.pem parses")
    })
}

fn nca_rsa_arc() -> Arc<Certificate> {
    static CERT: OnceLock<Arc<Certificate>> = OnceLock::new();
    CERT.get_or_init(|| Arc::new(nca_rsa().clone())).clone()
}

const CRL_FILES: [&str; 2] = ["certs/trust/nca-rsa.crl", "certs/trust/nca-rsa-delta.crl"];

fn crls() -> &'static [Vec<u8>; 2] {
    static CRLS: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    CRLS.get_or_init(|| CRL_FILES.map(read))
}

fn crl_parsed(i: usize) -> &'static RevocationList {
    static PARSED: OnceLock<[RevocationList; 2]> = OnceLock::new();
    &PARSED.get_or_init(|| {
        [0, 1].map(|i| {
            let c = RevocationList::from_der(&crls()[i], CRL_FILES[i]).expect("shipped CRL parses");
            c.verify_signature(nca_rsa())
                .expect("shipped CRL is signed by the RSA CA");
            c
        })
    })[i]
}

// ---------------------------------------------------------------------------
// Mutations.

/// One edit to a byte string; indices are resolved against the current length.
#[derive(Debug, Clone)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    DeleteRange(Index, usize),
    InsertChunk(Index, Vec<u8>),
    Truncate(Index),
}

fn apply(base: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = base.to_vec();
    for e in edits {
        match e {
            Edit::Flip(i, bit) if !b.is_empty() => {
                let at = i.index(b.len());
                b[at] ^= 1 << (bit % 8);
            }
            Edit::Insert(i, x) => {
                let at = i.index(b.len() + 1);
                b.insert(at, *x);
            }
            Edit::Delete(i) if !b.is_empty() => {
                let at = i.index(b.len());
                b.remove(at);
            }
            Edit::DeleteRange(i, n) if !b.is_empty() => {
                let at = i.index(b.len());
                let end = (at + n).min(b.len());
                b.drain(at..end);
            }
            Edit::InsertChunk(i, chunk) => {
                let at = i.index(b.len() + 1);
                b.splice(at..at, chunk.iter().copied());
            }
            Edit::Truncate(i) if !b.is_empty() => {
                let at = i.index(b.len());
                b.truncate(at);
            }
            _ => {}
        }
    }
    b
}

/// 1..=8 single-bit flips.
fn flips() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (any::<Index>(), 0u8..8).prop_map(|(i, bit)| Edit::Flip(i, bit)),
        1..=8,
    )
}

/// 1..=8 byte insertions and deletions (single bytes or short runs).
fn insertions_deletions() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        3 => (any::<Index>(), any::<u8>()).prop_map(|(i, x)| Edit::Insert(i, x)),
        3 => any::<Index>().prop_map(Edit::Delete),
        1 => (any::<Index>(), 1usize..64).prop_map(|(i, n)| Edit::DeleteRange(i, n)),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(i, c)| Edit::InsertChunk(i, c)),
    ];
    prop::collection::vec(edit, 1..=8)
}

/// Any of the above, or a truncation.
fn any_mutation() -> impl Strategy<Value = Vec<Edit>> {
    prop_oneof![
        2 => flips(),
        2 => insertions_deletions(),
        1 => any::<Index>().prop_map(|i| vec![Edit::Truncate(i)]),
    ]
}

// ---------------------------------------------------------------------------
// Random DER trees (definite minimal lengths, no constructed universal
// strings, no tag 0): what `ber::to_der` must leave exactly as it is.

#[derive(Debug, Clone)]
enum Node {
    Prim(u8, Vec<u8>),
    Cons(u8, Vec<Node>),
}

/// Universal tag numbers BER lets be constructed and DER does not.
const STRING_TAGS: [u8; 13] = [3, 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30];

fn der_tree() -> impl Strategy<Value = Node> {
    let prim_tag = (0u8..4, 1u8..=30).prop_map(|(class, n)| (class << 6) | n);
    let leaf =
        (prim_tag, prop::collection::vec(any::<u8>(), 0..300)).prop_map(|(t, v)| Node::Prim(t, v));
    leaf.prop_recursive(6, 96, 8, |inner| {
        let cons_tag = (0u8..4, 1u8..=30)
            .prop_filter("DER strings are primitive", |(class, n)| {
                *class != 0 || !STRING_TAGS.contains(n)
            })
            .prop_map(|(class, n)| (class << 6) | 0x20 | n);
        (cons_tag, prop::collection::vec(inner, 0..8)).prop_map(|(t, kids)| Node::Cons(t, kids))
    })
}

fn push_len(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().position(|b| *b != 0).unwrap_or(0);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

fn encode(n: &Node) -> Vec<u8> {
    match n {
        Node::Prim(t, v) => tlv(*t, v),
        Node::Cons(t, kids) => tlv(*t, &kids.iter().flat_map(encode).collect::<Vec<u8>>()),
    }
}

// ---------------------------------------------------------------------------
// Assertions shared by every verdict.

fn well_formed(v: &Verdict) -> Result<(), TestCaseError> {
    prop_assert!(!v.checks.is_empty(), "a verdict without checks");
    prop_assert_eq!(v.indication == Indication::Passed, v.code == Code::Ok);
    if v.code != Code::Ok {
        prop_assert!(
            v.checks.iter().any(|c| c.code == Some(v.code)),
            "the verdict's code {} is no check's code",
            v.code
        );
    }
    for s in &v.signers {
        prop_assert!(!s.checks.is_empty(), "a signer verdict without checks");
    }
    let json = serde_json::to_string(v);
    prop_assert!(json.is_ok(), "verdict does not serialise: {:?}", json.err());
    let text = v.to_text();
    prop_assert!(!text.is_empty());
    Ok(())
}

/// A mutated envelope may pass only with the original content and signer.
/// Seed envelope `seed` with `edits` applied passes only as the original.
fn seed_edited(seed: usize, edits: &[Edit]) -> Result<(), TestCaseError> {
    let s = &seeds()[seed];
    let b = apply(&s.envelope, edits);
    let v = run(&b, s.data.as_deref(), RevocationStore::default());
    passes_only_as_original(s, &v)
}

fn passes_only_as_original(seed: &Seed, v: &Verdict) -> Result<(), TestCaseError> {
    well_formed(v)?;
    if v.indication == Indication::Passed {
        prop_assert_eq!(
            &signed(v),
            &seed.signed,
            "{} passed with other content or signer",
            seed.name
        );
    }
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `n` cases, or `PROPTEST_CASES` when set (for longer soak runs).
fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: common::proptest_cases(n),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Envelopes.

#[test]
fn seeds_pass() {
    assert_eq!(seeds().len(), SEED_COUNT);
}

/// Every proper prefix of every seed (the whole "truncated at any length").
#[test]
fn envelope_truncated_at_every_length_is_malformed() {
    for s in seeds() {
        for n in 0..s.envelope.len() {
            let v = run(
                &s.envelope[..n],
                s.data.as_deref(),
                RevocationStore::default(),
            );
            assert!(!v.checks.is_empty());
            assert_eq!(
                v.code,
                Code::EnvelopeMalformed,
                "{} cut at {n}: {}",
                s.name,
                v.to_text()
            );
            assert_eq!(v.indication, Indication::Failed);
        }
    }
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn envelope_truncated(seed in 0..SEED_COUNT, cut in any::<Index>()) {
        let s = &seeds()[seed];
        let n = cut.index(s.envelope.len());
        let v = run(&s.envelope[..n], s.data.as_deref(), RevocationStore::default());
        well_formed(&v)?;
        prop_assert_eq!(v.code, Code::EnvelopeMalformed);
    }

    #[test]
    fn envelope_bit_flips(seed in 0..SEED_COUNT, edits in flips()) {
        seed_edited(seed, &edits)?;
    }

    #[test]
    fn envelope_insertions_deletions(seed in 0..SEED_COUNT, edits in insertions_deletions()) {
        seed_edited(seed, &edits)?;
    }

    /// The detached data mutated instead: never passes (the digest covers it).
    #[test]
    fn detached_data_mutated(edits in any_mutation()) {
        let s = &seeds()[1];
        let data = s.data.as_deref().unwrap_or_default();
        let d = apply(data, &edits);
        prop_assume!(d != data);
        let v = run(&s.envelope, Some(&d), RevocationStore::default());
        well_formed(&v)?;
        prop_assert_eq!(v.code, Code::DigestMismatch);
    }
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn envelope_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        detached in any::<bool>(),
    ) {
        let data = detached.then(|| seeds()[1].data.clone()).flatten();
        let v = run(&bytes, data.as_deref(), RevocationStore::default());
        well_formed(&v)?;
        prop_assert_ne!(v.code, Code::Ok);
    }

    /// Random bytes behind a SEQUENCE tag, so they reach the DER/BER parser.
    #[test]
    fn envelope_random_der_like(
        len_form in prop_oneof![Just(vec![0x80u8]), Just(vec![0x82, 0x01, 0x00]), prop::collection::vec(any::<u8>(), 1..4)],
        rest in prop::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut bytes = vec![0x30];
        bytes.extend(len_form);
        bytes.extend(rest);
        let v = run(&bytes, None, RevocationStore::default());
        well_formed(&v)?;
        prop_assert_ne!(v.code, Code::Ok);
    }

    /// A random DER tree in a signedData ContentInfo: reaches the SignedData parser.
    #[test]
    fn envelope_random_signed_data(tree in der_tree()) {
        let oid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
        let mut ci = oid.to_vec();
        ci.extend(tlv(0xA0, &encode(&tree)));
        let bytes = tlv(0x30, &ci);
        let v = run(&bytes, None, RevocationStore::default());
        well_formed(&v)?;
        prop_assert_ne!(v.code, Code::Ok);
    }
}

// ---------------------------------------------------------------------------
// Certificates.

#[test]
fn citizen_certificate_passes() {
    let v = verify_cert(citizen_der());
    assert_eq!(v.code, Code::Ok, "{}", v.to_text());
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn certificate_mutated(edits in any_mutation()) {
        let b = apply(citizen_der(), &edits);
        if let Ok(c) = Certificate::from_der(&b) {
            let info = pki::describe(&c);
            prop_assert!(serde_json::to_string(&info).is_ok());
            let _ = pki::describe_text(&info);
        }
        let v = verify_cert(&b);
        well_formed(&v)?;
        let parsed = input::decode_der(&b, CERT_LABELS)
            .ok()
            .and_then(|d| Certificate::from_der(&d).ok());
        match parsed {
            None => {
                prop_assert_eq!(v.code, Code::CertMalformed, "{}", hex(&b));
                prop_assert_eq!(v.indication, Indication::Failed);
            }
            // Passing needs the CA's signature over exactly the original tbsCertificate.
            Some(c) if v.indication == Indication::Passed => {
                prop_assert_eq!(c.tbs(), citizen().tbs(), "{}", hex(&b));
            }
            Some(_) => {}
        }
    }

    #[test]
    fn certificate_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = Certificate::from_der(&bytes);
        let v = verify_cert(&bytes);
        well_formed(&v)?;
        prop_assert_ne!(v.code, Code::Ok);
    }
}

// ---------------------------------------------------------------------------
// CRLs.

fn serial_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..30)
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn crl_mutated(
        which in 0..2usize,
        edits in any_mutation(),
        serials in prop::collection::vec(serial_strategy(), 0..8),
    ) {
        let b = apply(&crls()[which], &edits);
        if let Ok(crl) = RevocationList::from_der(&b, "mutated") {
            let original = crl_parsed(which);
            let _ = (crl.len(), crl.is_empty(), crl.is_delta());
            prop_assert!(serde_json::to_string(&crl.describe()).is_ok());
            let ok = crl.verify_signature(nca_rsa()).is_ok();
            // Asking twice answers from the cache, the same way.
            prop_assert_eq!(crl.verify_signature(nca_rsa()).is_ok(), ok);
            // Verifying at load time decides the same.
            let checked = RevocationList::from_der_checked(&b, "mutated", &[nca_rsa_arc()]);
            prop_assert!(checked.is_ok(), "from_der accepted what from_der_checked refused");
            if let Ok(c) = checked {
                prop_assert_eq!(c.verify_signature(nca_rsa()).is_ok(), ok);
            }
            for s in &serials {
                let got = crl.lookup(s);
                if ok {
                    // The CA signed exactly the original list.
                    prop_assert_eq!(got, original.lookup(s));
                }
            }
            if ok {
                prop_assert_eq!(crl.len(), original.len());
                prop_assert_eq!(crl.this_update, original.this_update);
                prop_assert_eq!(crl.next_update, original.next_update);
                prop_assert_eq!(&crl.number, &original.number);
                prop_assert_eq!(&crl.base_number, &original.base_number);
            }
        }
    }

    #[test]
    fn crl_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        serials in prop::collection::vec(serial_strategy(), 0..4),
    ) {
        if let Ok(crl) = RevocationList::from_der(&bytes, "random") {
            for s in &serials {
                let _ = crl.lookup(s);
            }
            let _ = crl.verify_signature(nca_rsa());
        }
        let mut store = RevocationStore::default();
        store.add_bytes(&bytes, "random");
        prop_assert_eq!(store.crls.len() + store.rejected.len(), 1);
    }

    #[test]
    fn crl_lookup_random_serials(which in 0..2usize, serials in prop::collection::vec(serial_strategy(), 1..16)) {
        let crl = crl_parsed(which);
        for s in &serials {
            let _ = crl.lookup(s);
        }
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// A damaged CRL supplied with a request fails closed: the verdict is OK
    /// (the damage put it out of scope, or left the signed list intact) or
    /// CRL_INVALID, never anything that pretends the signer is fine otherwise.
    #[test]
    fn request_with_mutated_crl(which in 0..2usize, edits in any_mutation()) {
        let b = apply(&crls()[which], &edits);
        let mut supplied = RevocationStore::default();
        supplied.add_bytes(&b, "request CRL");
        let s = &seeds()[0];
        let v = run(&s.envelope, None, supplied);
        passes_only_as_original(s, &v)?;
        prop_assert!(
            matches!(v.code, Code::Ok | Code::CrlInvalid),
            "got {} with CRL {}",
            v.code,
            hex(&b)
        );
    }
}

// ---------------------------------------------------------------------------
// BER normalisation.

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn ber_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(d) = ber::to_der(&bytes) {
            let again = ber::to_der(&d);
            prop_assert_eq!(again, Ok(d), "not idempotent on {}", hex(&bytes));
        }
    }

    #[test]
    fn ber_is_identity_on_der(tree in der_tree()) {
        let der = encode(&tree);
        prop_assert_eq!(ber::to_der(&der), Ok(der));
    }

    #[test]
    fn ber_mutated_seed_is_idempotent(edits in any_mutation()) {
        let b = apply(&seeds()[3].envelope, &edits);
        if let Ok(d) = ber::to_der(&b) {
            let again = ber::to_der(&d);
            prop_assert_eq!(again, Ok(d), "not idempotent on {}", hex(&b));
        }
    }
}

#[test]
fn ber_is_identity_on_der_seeds() {
    for s in seeds().iter().take(3) {
        assert_eq!(
            ber::to_der(&s.envelope).as_ref(),
            Ok(&s.envelope),
            "{}",
            s.name
        );
    }
    let der = ber::to_der(&seeds()[3].envelope).expect("the BER seed normalises");
    assert_ne!(der, seeds()[3].envelope);
    assert_eq!(ber::to_der(&der), Ok(der.clone()));
    assert_eq!(ber::to_der(citizen_der()).as_deref(), Ok(citizen_der()));
    for c in crls() {
        assert_eq!(ber::to_der(c).as_ref(), Ok(c));
    }
}

// ---------------------------------------------------------------------------
// Input decoding.

fn pem_like() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("CMS".to_string()),
            Just("PKCS7".to_string()),
            Just("CERTIFICATE".to_string()),
            "[A-Z #0-9]{0,20}"
        ],
        "[A-Za-z0-9+/=\n\r -]{0,300}",
        prop_oneof![Just(true), Just(false)],
        "[ -~\n]{0,40}",
    )
        .prop_map(|(label, body, close, tail)| {
            let mut s = format!("-----BEGIN {label}-----\n{body}\n");
            if close {
                s.push_str(&format!("-----END {label}-----\n"));
            }
            s.push_str(&tail);
            s
        })
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn input_random_text(text in prop_oneof![
        any::<String>(),
        "[A-Za-z0-9+/=_\\-\\s]{0,400}",
        pem_like(),
    ]) {
        let _ = input::decode_der(text.as_bytes(), CMS_LABELS);
        let _ = input::decode_all(text.as_bytes(), CERT_LABELS);
        let _ = input::base64_text(text.as_bytes());
    }

    #[test]
    fn input_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = input::decode_der(&bytes, CMS_LABELS);
        let _ = input::decode_all(&bytes, &["X509 CRL"]);
    }

    /// DER (a leading SEQUENCE tag) survives base64 and PEM unchanged.
    #[test]
    fn input_base64_and_pem_round_trip(tail in prop::collection::vec(any::<u8>(), 0..600)) {
        use base64::Engine;
        let mut der = vec![0x30];
        der.extend(tail);
        prop_assert_eq!(input::decode_der(&der, CMS_LABELS), Ok(der.clone()));
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let wrapped: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        prop_assert_eq!(input::decode_der(wrapped.join("\r\n").as_bytes(), CMS_LABELS), Ok(der.clone()));
        let pem = format!("-----BEGIN CMS-----\n{}\n-----END CMS-----\n", wrapped.join("\n"));
        prop_assert_eq!(input::decode_der(pem.as_bytes(), CMS_LABELS), Ok(der));
    }
}

// ---------------------------------------------------------------------------
// IIN and BIN.

proptest! {
    #![proptest_config(cases(2048))]

    #[test]
    fn iin_random_strings(s in prop_oneof![any::<String>(), "[0-9]{10,14}", "[0-9٠-٩０-９ ]{12}"]) {
        if let Ok(i) = Iin::parse(&s) {
            prop_assert_eq!(i.as_string(), s.clone());
            prop_assert!(i.birth_date().is_some());
            let _ = i.sex();
            // Every valid IIN has a valid check digit, so it is a valid BIN too.
            prop_assert!(Bin::parse(&s).is_ok());
        }
        if let Ok(b) = Bin::parse(&s) {
            prop_assert_eq!(b.as_string(), s.clone());
        }
        let _ = iin::complete(&s);
    }

    #[test]
    fn iin_complete_gives_a_valid_bin(eleven in "[0-9]{11}") {
        match iin::complete(&eleven) {
            None => {}
            Some(s) => {
                prop_assert!(s.starts_with(&eleven));
                prop_assert_eq!(s.len(), 12);
                prop_assert!(Bin::parse(&s).is_ok(), "{}", s);
                // An IIN is decided by its first eleven digits.
                if let Ok(i) = Iin::parse(&s) {
                    prop_assert_eq!(i.as_string(), s);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Deterministic regressions: deep nesting and huge lengths.

/// How long a malformed input may take even on a loaded debug build.
const QUICK: Duration = Duration::from_secs(5);

/// Runs `f` on a thread with a small stack, so unbounded recursion would overflow.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread spawns")
        .join()
        .expect("no panic")
}

/// `depth` nested indefinite-length elements with tag `tag`, closed properly.
fn nested_indefinite(tag: u8, depth: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(depth * 4);
    for _ in 0..depth {
        b.extend([tag, 0x80]);
    }
    for _ in 0..depth {
        b.extend([0x00, 0x00]);
    }
    b
}

/// `depth` nested definite-length SEQUENCEs (minimal lengths), innermost empty.
fn nested_definite(depth: usize) -> Vec<u8> {
    // content[i] is the content length of the element at nesting level i (0 = outermost).
    let mut content = vec![0usize; depth];
    let mut inner = 0usize;
    for i in (0..depth).rev() {
        content[i] = inner;
        let mut hdr = Vec::new();
        push_len(&mut hdr, inner);
        inner += 1 + hdr.len();
    }
    let mut b = Vec::with_capacity(inner);
    for c in content {
        b.push(0x30);
        push_len(&mut b, c);
    }
    b
}

fn assert_malformed_quickly(name: &str, bytes: Vec<u8>) {
    let t = Instant::now();
    let (der_err, env_code, cert_err, crl_err) = on_small_stack(move || {
        let d = ber::to_der(&bytes).is_err();
        let v = run(&bytes, None, RevocationStore::default());
        let c = Certificate::from_der(&bytes).is_err();
        let r = RevocationList::from_der(&bytes, "deep").is_err();
        (d, v.code, c, r)
    });
    assert!(der_err, "{name}: to_der accepted it");
    assert_eq!(env_code, Code::EnvelopeMalformed, "{name}");
    assert!(cert_err, "{name}: a certificate");
    assert!(crl_err, "{name}: a CRL");
    assert!(t.elapsed() < QUICK, "{name}: took {:?}", t.elapsed());
}

#[test]
fn deeply_nested_indefinite_sequences() {
    let deep = nested_indefinite(0x30, 100_000);
    let t = Instant::now();
    let err = on_small_stack({
        let deep = deep.clone();
        move || ber::to_der(&deep)
    });
    assert_eq!(err, Err(ber::BerError::TooDeep));
    assert!(t.elapsed() < QUICK);
    assert_malformed_quickly("100k indefinite SEQUENCEs", deep);
    // Just past and just within the limit.
    assert_eq!(
        ber::to_der(&nested_indefinite(0x30, ber::MAX_DEPTH + 2)),
        Err(ber::BerError::TooDeep)
    );
    assert!(ber::to_der(&nested_indefinite(0x30, ber::MAX_DEPTH)).is_ok());
}

#[test]
fn deeply_nested_constructed_strings() {
    // Constructed OCTET STRINGs inside each other, closed, with one segment at the bottom.
    let mut b = Vec::new();
    for _ in 0..100_000 {
        b.extend([0x24, 0x80]);
    }
    b.extend([0x04, 0x01, 0xAA]);
    for _ in 0..100_000 {
        b.extend([0x00, 0x00]);
    }
    assert_malformed_quickly("100k constructed OCTET STRINGs", b);
    // Unclosed: 100k openings and nothing else.
    assert_malformed_quickly("100k unclosed", [0x30u8, 0x80].repeat(100_000));
}

#[test]
fn deeply_nested_definite_sequences() {
    assert_malformed_quickly("100k definite SEQUENCEs", nested_definite(100_000));
    // Small enough for a certificate (64 KiB) to be parsed, not refused by size.
    let d = nested_definite(15_000);
    assert!(d.len() < qoltanba::pki::cert::MAX_CERT_LEN, "{}", d.len());
    assert_malformed_quickly("15k definite SEQUENCEs", d);
}

/// A length field claiming 30 MB on a few bytes of input.
const THIRTY_MB: [u8; 5] = [0x84, 0x01, 0xC9, 0xC3, 0x80];

fn tiny_with_huge_lengths() -> Vec<(&'static str, Vec<u8>)> {
    let mut v = vec![];
    let mut top = vec![0x30];
    top.extend(THIRTY_MB);
    top.extend([0x02, 0x01, 0x00]);
    v.push(("SEQUENCE of 30 MB", top));
    let mut os = vec![0x30, 0x80, 0x04];
    os.extend(THIRTY_MB);
    os.extend([0xAA, 0x00, 0x00]);
    v.push(("OCTET STRING of 30 MB in an indefinite SEQUENCE", os));
    let mut cs = vec![0x24, 0x80, 0x04];
    cs.extend(THIRTY_MB);
    cs.extend([0xAA, 0x00, 0x00]);
    v.push(("segment of 30 MB in a constructed OCTET STRING", cs));
    v.push(("4 GiB - 1", vec![0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]));
    v.push((
        "8-octet length",
        vec![0x30, 0x88, 0, 0, 0, 0, 0x01, 0xC9, 0xC3, 0x80, 0x00],
    ));
    // The real envelope with its outer length raised to 30 MB.
    let env = &seeds()[0].envelope;
    let hdr = 2 + (env[1] & 0x7F) as usize;
    let mut big = vec![0x30];
    big.extend(THIRTY_MB);
    big.extend_from_slice(&env[hdr..]);
    v.push(("rsa-attached.p7s claiming 30 MB", big));
    v
}

#[test]
fn huge_length_on_tiny_input_allocates_little() {
    const LIMIT: usize = 1 << 20;
    for (name, bytes) in tiny_with_huge_lengths() {
        let t = Instant::now();
        let (r, most) = largest_allocation(|| ber::to_der(&bytes));
        assert!(r.is_err(), "{name}: to_der accepted it");
        assert!(most < LIMIT, "{name}: to_der allocated {most} bytes");

        let (v, most) = largest_allocation(|| run(&bytes, None, RevocationStore::default()));
        assert_eq!(v.code, Code::EnvelopeMalformed, "{name}");
        assert!(most < LIMIT, "{name}: verify allocated {most} bytes");

        let (r, most) = largest_allocation(|| Certificate::from_der(&bytes));
        assert!(r.is_err(), "{name}: a certificate");
        assert!(
            most < LIMIT,
            "{name}: Certificate::from_der allocated {most} bytes"
        );

        let (v, most) = largest_allocation(|| verify_cert(&bytes));
        assert_eq!(v.code, Code::CertMalformed, "{name}");
        assert!(
            most < LIMIT,
            "{name}: verify_certificate allocated {most} bytes"
        );

        let (r, most) = largest_allocation(|| RevocationList::from_der(&bytes, "huge"));
        assert!(r.is_err(), "{name}: a CRL");
        assert!(
            most < LIMIT,
            "{name}: RevocationList::from_der allocated {most} bytes"
        );

        assert!(t.elapsed() < QUICK, "{name}: took {:?}", t.elapsed());
    }
}

/// The tracking allocator does see large allocations (the test above is not vacuous).
#[test]
fn allocation_tracking_works() {
    let (v, most) = largest_allocation(|| vec![0u8; 3 << 20]);
    assert_eq!(v.len(), 3 << 20);
    assert!(most >= 3 << 20);
}
