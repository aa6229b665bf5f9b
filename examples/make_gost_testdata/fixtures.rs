//! Extra GOST material the manifests name: certificates (rogue root,
//! path-length sub-CA, no IIN, bad IIN, a key off its curve) in
//! `testdata/gost/certs/`, CRLs (stale, forged, broken signature) in
//! `testdata/gost/crls/`, and stored OCSP responses in `testdata/gost/ocsp/`.

use super::{AT_UNIX, DAY, Pki, R, Rewrite, pem_cert};
use qoltanba::pki::algorithms::GostFamily;
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::demo::crl::{self, CrlSpec};
use qoltanba::pki::demo::gost::{self, GOST2004, GOST2015, GostCa};
use qoltanba::pki::demo::ocsp::{self as responder, Nonce, Responder, Status, Times};
use qoltanba::pki::demo::x509::{self, CertSpec, Usage};
use qoltanba::pki::demo::{EPOCH, Person};
use qoltanba::pki::gost::Curve;
use qoltanba::pki::signer::Signer;
use std::path::Path;

/// Certificates made here for the envelopes and certificates manifests.
pub struct Extras {
    pub rogue_root: Vec<u8>,
    pub rogue_leaf: Vec<u8>,
    pub sub_ca: Vec<u8>,
    pub sub_leaf: Vec<u8>,
    pub no_iin: Vec<u8>,
    pub bad_iin: Vec<u8>,
    pub off_curve: Vec<u8>,
    pub off_curve_spki: Vec<u8>,
}

fn citizen() -> R<Person> {
    Ok(gost::people()
        .into_iter()
        .find(|p| p.file == "citizen")
        .ok_or("no citizen")?)
}

/// Makes the extra certificates (written to `testdata/gost/certs/`).
pub fn extras(pki: &Pki, td: &Path) -> R<Extras> {
    let h = GOST2015;
    let nca = pki.ca("gost2015-nca")?;
    let who = pki.who("gost2015-citizen")?;
    let spki = who.key.public_key_spki();
    let mut p = citizen()?;
    // A root nobody trusts, with the same names as the demo's.
    let rogue = gost::make_root(&h)?;
    p.serial = 0x3001;
    let rogue_leaf = gost::issue_person(&h, &p, &spki, &rogue)?;
    // A sub-CA under the intermediate, whose pathLen is 0.
    let sub_key = h.key()?;
    let sub_spec = CertSpec {
        serial: h.serial(0x3000),
        subject: vec![
            (
                x509::CN,
                "SUB-CA UNDER A pathLen 0 CA (GOST 2015) TEST".into(),
            ),
            (x509::COUNTRY, "KZ".into()),
        ],
        validity: (EPOCH, EPOCH + 10 * 365 * DAY),
        spki: sub_key.public_key_spki(),
        ca: Some(None),
        key_usage: vec![Usage::KeyCertSign, Usage::CrlSign],
        ..Default::default()
    };
    let sub_der = x509::issue(&sub_spec, Some(&nca.der), &nca.signer)?;
    let sub = GostCa {
        file: "gost2015-sub".into(),
        signer: sub_key,
        der: sub_der,
    };
    p.serial = 0x3002;
    let sub_leaf = gost::issue_person(&h, &p, &spki, &sub)?;
    let mut q = citizen()?;
    q.iin = String::new();
    q.serial = 0x3003;
    let no_iin = gost::issue_person(&h, &q, &spki, &nca)?;
    q.iin = "880101300120".into();
    if qoltanba::iin::Iin::parse(&q.iin).is_ok() {
        q.iin = "880101300121".into();
    }
    q.serial = 0x3004;
    let bad_iin = gost::issue_person(&h, &q, &spki, &nca)?;
    // The citizen's point with one bit of Y flipped: not on the curve.
    let mut point = who.key.public_key_point()?;
    point[Curve::Tc26_512A.len()] ^= 0x01;
    let off_curve_spki =
        qoltanba::pki::signer::gost_spki(GostFamily::Kz2015, Curve::Tc26_512A, &point)?;
    q = citizen()?;
    q.serial = 0x3005;
    let off_curve = gost::issue_person(&h, &q, &off_curve_spki, &nca)?;
    let dir = td.join("certs");
    std::fs::create_dir_all(&dir)?;
    for (name, der) in [
        ("rogue-root.pem", &rogue.der),
        ("rogue-leaf.pem", &rogue_leaf),
        ("sub-ca.pem", &sub.der),
        ("sub-leaf.pem", &sub_leaf),
        ("no-iin.pem", &no_iin),
        ("bad-iin.pem", &bad_iin),
        ("off-curve.pem", &off_curve),
    ] {
        std::fs::write(dir.join(name), pem_cert(der))?;
    }
    std::fs::write(dir.join("not-a-certificate.pem"), b"not a certificate\n")?;
    Ok(Extras {
        rogue_root: rogue.der,
        rogue_leaf,
        sub_ca: sub.der,
        sub_leaf,
        no_iin,
        bad_iin,
        off_curve,
        off_curve_spki,
    })
}

/// Stale, forged and broken CRLs of the GOST 2015 intermediate (`testdata/gost/crls/`).
pub fn crls(pki: &Pki, td: &Path) -> R<()> {
    let nca = pki.ca("gost2015-nca")?;
    let root = pki.ca("gost2015-root")?;
    let dir = td.join("crls");
    std::fs::create_dir_all(&dir)?;
    let spec = |next: i64, number| CrlSpec {
        this_update: EPOCH,
        next_update: Some(next),
        number,
        delta_of: None,
        entries: vec![],
    };
    let stale = crl::issue(&nca.der, &nca.signer, &spec(EPOCH + 59 * DAY, 1))?;
    std::fs::write(dir.join("gost2015-nca-stale.crl"), stale)?;
    // The intermediate's name and key identifier, the root's key.
    let forged = crl::issue(&nca.der, &root.signer, &spec(EPOCH + 3650 * DAY, 7))?;
    std::fs::write(dir.join("gost2015-nca-forged.crl"), forged)?;
    let flip = Rewrite {
        inner: &nca.signer,
        f: |s| s[0] ^= 0x01,
    };
    let broken = crl::issue(&nca.der, &flip, &spec(EPOCH + 3650 * DAY, 8))?;
    std::fs::write(dir.join("gost2015-nca-bad-signature.crl"), broken)?;
    std::fs::write(dir.join("not-a-crl.crl"), b"this is not a CRL")?;
    Ok(())
}

/// Stored OCSP responses (`testdata/gost/ocsp/`), valid around `AT`.
pub fn ocsp(pki: &Pki, td: &Path) -> R<()> {
    let dir = td.join("ocsp");
    std::fs::create_dir_all(&dir)?;
    let fresh = Times {
        produced_at: AT_UNIX - DAY,
        this_update: AT_UNIX - DAY,
        next_update: Some(AT_UNIX + 7 * DAY),
        nonce: Nonce::Omit,
    };
    let stale = Times {
        produced_at: AT_UNIX - 8 * DAY,
        this_update: AT_UNIX - 8 * DAY,
        next_update: Some(AT_UNIX - DAY),
        nonce: Nonce::Omit,
    };
    let one = |file: &str,
               cert: &[u8],
               issuer: &[u8],
               status: Status,
               by: &Responder<'_>,
               times: &Times|
     -> R<()> {
        let id = qoltanba::pki::ocsp::message::cert_id(
            &Certificate::from_der(cert)?,
            &Certificate::from_der(issuer)?,
        )?;
        let der = responder::response(&[id], &|_| status, by, times, None)?;
        std::fs::write(dir.join(file), der)?;
        Ok(())
    };
    for h in [GOST2015, GOST2004] {
        let root = pki.ca(&h.file("root"))?;
        let nca = pki.ca(&h.file("nca"))?;
        let delegated = pki.service(&h.file("ocsp"))?;
        let by_root = Responder {
            signer: &root.signer,
            cert: &root.der,
            include_cert: false,
        };
        // GOST 2015: a delegated responder; GOST 2004: the intermediate itself.
        let by = if h == GOST2015 {
            Responder {
                signer: &delegated.signer,
                cert: &delegated.der,
                include_cert: true,
            }
        } else {
            Responder {
                signer: &nca.signer,
                cert: &nca.der,
                include_cert: false,
            }
        };
        let name = h.name;
        one(
            &format!("{name}-nca-good.der"),
            &nca.der,
            &root.der,
            Status::Good,
            &by_root,
            &fresh,
        )?;
        let (base, _) = gost::nca_crls(&h);
        for person in ["citizen", "revoked", "on-hold"] {
            let w = pki.who(&format!("{name}-{person}"))?;
            let serial = Certificate::from_der(&w.cert)?.serial;
            one(
                &format!("{name}-{person}.der"),
                &w.cert,
                &nca.der,
                Status::from_crl(&base, &serial),
                &by,
                &fresh,
            )?;
        }
    }
    let nca = pki.ca("gost2015-nca")?;
    let tsa = pki.service("gost2015-tsa")?;
    let delegated = pki.service("gost2015-ocsp")?;
    let citizen = pki.who("gost2015-citizen")?;
    let good_by_delegated = Responder {
        signer: &delegated.signer,
        cert: &delegated.der,
        include_cert: true,
    };
    // Signed by the TSA: issued by the intermediate, but without id-kp-OCSPSigning.
    let by_tsa = Responder {
        signer: &tsa.signer,
        cert: &tsa.der,
        include_cert: true,
    };
    one(
        "gost2015-citizen-unauthorised.der",
        &citizen.cert,
        &nca.der,
        Status::Good,
        &by_tsa,
        &fresh,
    )?;
    let flip = Rewrite {
        inner: &delegated.signer,
        f: |s| s[0] ^= 0x01,
    };
    let broken = Responder {
        signer: &flip,
        cert: &delegated.der,
        include_cert: true,
    };
    one(
        "gost2015-citizen-bad-signature.der",
        &citizen.cert,
        &nca.der,
        Status::Good,
        &broken,
        &fresh,
    )?;
    one(
        "gost2015-citizen-stale.der",
        &citizen.cert,
        &nca.der,
        Status::Good,
        &good_by_delegated,
        &stale,
    )?;
    one(
        "gost2015-citizen-unknown.der",
        &citizen.cert,
        &nca.der,
        Status::Unknown,
        &good_by_delegated,
        &fresh,
    )?;
    Ok(())
}
