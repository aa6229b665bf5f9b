//! GOST and RSA signers in one envelope: each is reported, and the
//! envelope's verdict is the worst provable outcome (FAILED beats
//! INDETERMINATE beats PASSED).

use super::{AT_UNIX, DAY, Out, Pki, R, expect, pem_der};
use qoltanba::envelope::build::{self, SignerSpec};
use qoltanba::pki::signer::RingSigner;
use serde_json::json;
use std::path::Path;

/// An RSA person of the demo PKI in `certs/` (`dir`): certificate and key.
pub fn rsa(dir: &Path, name: &str) -> R<(Vec<u8>, RingSigner)> {
    let cert = pem_der(&dir.join("people").join(format!("{name}.pem")))?;
    let key = pem_der(&dir.join("people").join(format!("{name}.key.pem")))?;
    Ok((cert, RingSigner::from_pkcs8(&key, None, false)?))
}

/// Writes the mixed envelopes over `request` and their vectors into `out`.
pub fn write(out: &mut Out, pki: &Pki, request: &[u8]) -> R<()> {
    let rsa_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs");
    let rsa_ca = pem_der(&rsa_dir.join("trust").join("nca-rsa.pem"))?;
    let nca15 = pki.ca("gost2015-nca")?;
    let t0 = Some(AT_UNIX - 10 * DAY);
    let mixed_inputs = json!({
        "trust": ["../../../certs/gost/trust/gost2015-root.pem", "../../../certs/gost/trust/gost2004-root.pem", "../../../certs/trust/root-ca.pem"],
        "certs": ["../../../certs/gost/trust/gost2015-nca.pem", "../../../certs/gost/trust/gost2004-nca.pem", "../../../certs/trust/nca-rsa.pem"],
        "crls": ["../../../certs/gost/trust/gost2015-nca.crl", "../../../certs/gost/trust/gost2015-nca-delta.crl", "../../../certs/gost/trust/gost2015-root.crl", "../../../certs/trust/nca-rsa.crl", "../../../certs/trust/nca-rsa-delta.crl", "../../../certs/trust/root-ca.crl"],
    });
    for (id, gost_name, rsa_name, ind, code, desc) in [
        (
            "gost-rsa-mixed",
            "gost2015-citizen",
            "citizen-rsa",
            "PASSED",
            "OK",
            "a GOST 2015 and an RSA signer, both valid",
        ),
        (
            "gost-rsa-mixed-gost-revoked",
            "gost2015-revoked",
            "citizen-rsa",
            "FAILED",
            "CERT_REVOKED",
            "the GOST signer is revoked: FAILED beats PASSED",
        ),
        (
            "gost-rsa-mixed-gost-expired",
            "gost2015-expired",
            "citizen-rsa",
            "INDETERMINATE",
            "CERT_EXPIRED",
            "the GOST signer expired: INDETERMINATE beats PASSED",
        ),
        (
            "gost-rsa-mixed-rsa-revoked-gost-expired",
            "gost2015-expired",
            "revoked",
            "FAILED",
            "CERT_REVOKED",
            "RSA revoked, GOST expired: FAILED beats INDETERMINATE",
        ),
    ] {
        let g = pki.who(gost_name)?;
        let (rc, rk) = rsa(&rsa_dir, rsa_name)?;
        let sd = build::signed_data(
            request,
            true,
            &[
                SignerSpec::cades(&g.cert, &g.key, t0),
                SignerSpec::cades(&rc, &rk, t0),
            ],
            &[&g.cert, &nca15.der, &rc, &rsa_ca],
        )?;
        out.file(&format!("{id}.p7s"), &build::encode(&sd)?)?;
        let mut v = json!({ "id": id, "kind": "envelope", "description": desc, "input": format!("{id}.p7s"), "expect": expect(ind, code) });
        for (k, val) in mixed_inputs.as_object().ok_or("inputs")? {
            v[k] = val.clone();
        }
        out.vector(v);
    }
    Ok(())
}
