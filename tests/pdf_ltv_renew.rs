//! PAdES B-LTA over time: `pdf renew` (library and command line, twice,
//! pyHanko accepting each), validation at a past time from the document
//! time-stamp chain so that a file signed today verifies offline in a
//! simulated 2046, and the service's scheduled renewal of the results it
//! keeps. The TSA PKI and helpers are in `tests/common_ltv`.

mod common;
mod common_ltv;
use common::{epoch, qoltanba_demo, repo, write};
use common_ltv::*;
use qoltanba::pdf;
use qoltanba::tsp::TsaTransport;
use std::sync::atomic::Ordering;

#[test]
fn renewed_b_lta_verifies_offline_in_2046() {
    let dir = tempfile::tempdir().unwrap();
    // Proofs in the past (pyHanko refuses time-stamps from the future).
    let t0 = now() - 900;
    let short = TestTsa::new(&tsa_pki().short, t0);
    let file = b_lta(&short, t0);
    // Today: every signature passes at the validation time, B-LTA.
    let v = verify_at(&file, t0 + 300, &store());
    assert_eq!(
        (v["indication"].as_str(), v["level"].as_str()),
        (Some("PASSED"), Some("B-LTA")),
        "{v:#}"
    );
    assert_eq!(v["signatures"][0]["level"], "B-LTA");
    assert!(v["signatures"][0]["long_term"].is_null());
    // 2046 without a renewal: the last time-stamp's TSA certificate expired.
    let v = verify_at(&file, epoch(Y2046), &anchors_only());
    assert_ne!(v["indication"], "PASSED", "{v:#}");
    assert_eq!(v["signatures"][1]["kind"], "document_timestamp");
    assert_eq!(
        v["signatures"][1]["code"], "CERT_EXPIRED",
        "{:#}",
        v["signatures"][1]
    );
    // Renewed twice with a TSA whose certificate outlives 2046.
    let long = TestTsa::new(&tsa_pki().long, t0);
    let once = renew(&file, &long, t0 + 120);
    let twice = renew(&once, &long, t0 + 180);
    assert!(twice.starts_with(&once) && once.starts_with(&file));
    let v = verify_at(&twice, epoch(Y2046), &anchors_only());
    assert_eq!(v["indication"], "PASSED", "{v:#}");
    assert_eq!(v["level"], "B-LTA");
    let sigs = v["signatures"].as_array().unwrap();
    let kinds: Vec<&str> = sigs.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "signature",
            "document_timestamp",
            "document_timestamp",
            "document_timestamp"
        ]
    );
    // The two renewals' time-stamps pass in 2046 (their TSA lives to 2060);
    // the first, whose TSA expired, at the time the next one proves; the
    // signature at the first document time-stamp's.
    for i in [2, 3] {
        assert!(sigs[i]["long_term"].is_null(), "{:#}", sigs[i]);
        assert_eq!(sigs[i]["verdict"]["validation_time"], Y2046);
    }
    for (i, proof, validated_at) in [
        (1, "DocTimeStamp2", t0 + 120),
        (0, "DocTimeStamp1", t0 + 60),
    ] {
        let long_term = &sigs[i]["long_term"];
        let at = qoltanba::time::rfc3339(validated_at);
        assert_eq!(long_term["validated_at"].as_str(), Some(at.as_str()), "{i}");
        assert_eq!(long_term["proof_of_existence"]["field"], proof);
        assert_eq!(long_term["at_validation_time"]["code"], "CERT_EXPIRED");
    }
    // Revocation from the DSS, with its age at that time.
    let rev = sigs[0]["verdict"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "revocation")
        .unwrap();
    assert_eq!(rev["outcome"], "passed", "{rev:#}");
    let text = rev.to_string();
    assert!(text.contains("DSS CRL"), "{rev:#}");
    assert!(
        text.contains("\"source\":\"crl\"") && text.contains("age_seconds"),
        "{rev:#}"
    );
    // pyHanko agrees (today).
    let f = write(dir.path(), "renewed.pdf", &twice);
    assert_eq!(
        adesverify(&f, None),
        vec![
            "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
        ]
    );
    // pyHanko's ETSI LTA validation, live, now: PASSED/OK. (At a simulated
    // 2046 pyHanko 0.38 answers CERTIFICATE_CHAIN_GENERAL_FAILURE for this
    // file: its POE from the document time-stamp chain is not applied to the
    // expired TSA; not a judge of the 2046 case.)
    let (ok, out) = pades_lta(&f, "now");
    assert!(ok, "{out}");
    assert!(
        out.lines().any(|l| l
            == "Signature1:AdESPassed.OK:INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"),
        "{out}"
    );
}

/// The command line: `pdf sign --ltv --tsa` (loopback TSA), `pdf renew`
/// twice with a TSA valid to 2060, each accepted by pyHanko, then `pdf
/// verify --at 2046-…` offline with only the two roots: PASSED, B-LTA.
#[test]
fn command_line_sign_ltv_renew_twice_and_verify_in_2046() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = |n: &str| d.join(n).display().to_string();
    let q = |args: &[&str]| qoltanba_demo(args);
    let t0 = now() - 900;
    let short: &'static TestTsa = Box::leak(Box::new(TestTsa::new(&tsa_pki().short, t0)));
    let long: &'static TestTsa = Box::leak(Box::new(TestTsa::new(&tsa_pki().long, t0 + 120)));
    let (short_url, long_url) = (serve(short, 2), serve(long, 2));
    write(d, "r.pdf", &rendered());
    let crl_args = |at: i64, tag: &str| -> Vec<String> {
        crls_at(at)
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                let f = write(d, &format!("{tag}-{i}.crl"), c);
                ["--crl".to_string(), f.display().to_string()]
            })
            .collect()
    };
    let mut args: Vec<String> = [
        "pdf",
        "sign",
        "--in",
        &p("r.pdf"),
        "--out",
        &p("lta.pdf"),
        "--key",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend([
        repo("certs/people/head.key.pem").display().to_string(),
        "--cert".into(),
        repo("certs/people/head.pem").display().to_string(),
        "--chain".into(),
        repo("certs/trust/nca-rsa.pem").display().to_string(),
        "--tsa".into(),
        short_url.clone(),
        "--ltv".into(),
        "--format".into(),
        "json".into(),
    ]);
    args.extend(crl_args(t0 + 30, "sign"));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = q(&a);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["level"], "B-LTA", "{v:#}");
    assert_eq!(v["ltv"]["dss"]["certs"], 5);
    assert_eq!(
        adesverify(&d.join("lta.pdf"), None),
        vec![
            "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
        ]
    );
    // Renewed twice.
    for (i, (from, to)) in [("lta.pdf", "r1.pdf"), ("r1.pdf", "r2.pdf")]
        .iter()
        .enumerate()
    {
        long.gen_time
            .store(t0 + 120 + 60 * i as i64, Ordering::SeqCst);
        let mut args: Vec<String> = [
            "pdf",
            "renew",
            &p(from),
            "--tsa",
            &long_url,
            "--out",
            &p(to),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(crl_args(t0 + 90 + 60 * i as i64, &format!("renew{i}")));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = q(&a);
        assert_eq!(code, 0, "{out}{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["renewed"], "document_timestamp", "{v:#}");
        assert_eq!(
            v["dss"]["certs"], 2,
            "the last time-stamp's TSA and its root"
        );
        assert_eq!(v["dss"]["crls"], 1, "the TSA root's");
        assert_eq!(
            v["doc_timestamp"],
            qoltanba::time::rfc3339(t0 + 120 + 60 * i as i64)
        );
        let before = std::fs::read(d.join(from)).unwrap();
        assert!(std::fs::read(d.join(to)).unwrap().starts_with(&before));
        assert_eq!(
            adesverify(&d.join(to), None),
            vec![
                "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
            ]
        );
    }
    // 2046, offline: only the two roots, no CRL.
    let tsa_root = pem_file(d, "tsa-root.pem", &tsa_pki().root);
    let demo_root = repo("certs/trust/root-ca.pem");
    let verify_in_2046 = |file: &str| {
        let roots = [demo_root.to_str().unwrap(), tsa_root.to_str().unwrap()];
        let (code, out, err) = q(&[
            "pdf",
            "verify",
            &p(file),
            "--at",
            Y2046,
            "--trust",
            roots[0],
            "--trust",
            roots[1],
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        (code, v, out, err)
    };
    let (code, v, out, err) = verify_in_2046("r2.pdf");
    assert_eq!(
        (code, v["indication"].as_str()),
        (0, Some("PASSED")),
        "{out}{err}"
    );
    assert_eq!(v["level"], "B-LTA");
    assert_eq!(v["signatures"][0]["level"], "B-LTA");
    assert_eq!(
        v["signatures"][0]["long_term"]["at_validation_time"]["code"],
        "CERT_EXPIRED"
    );
    // The same file without its renewals does not pass in 2046.
    let (code, v, _, _) = verify_in_2046("lta.pdf");
    assert_ne!(code, 0);
    assert_ne!(v["indication"], "PASSED", "{v:#}");
    // A renewal refuses a file whose last TSA certificate has expired.
    let (code, _, err) = q(&[
        "pdf",
        "renew",
        &p("lta.pdf"),
        "--tsa",
        &long_url,
        "--out",
        &p("late.pdf"),
        "--at",
        Y2046,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("LTV_RENEWAL_TOO_LATE"), "{err}");
}

/// The service's scheduled renewal decides per file: due when the last
/// proof's TSA certificate expires within the window, kept otherwise.
#[test]
fn scheduled_renewal_renews_only_what_is_due() {
    let t0 = now() - 900;
    let short = TestTsa::new(&tsa_pki().short, t0);
    let file = b_lta(&short, t0);
    let long = TestTsa::new(&tsa_pki().long, t0 + 120);
    let tsa = (&long as &dyn TsaTransport, "http://tsa.invalid/");
    let short_expiry = Some(
        qoltanba::pki::cert::Certificate::from_der(&tsa_pki().short.0)
            .unwrap()
            .not_after,
    );
    // A week's window: the two-year TSA is not due.
    match pdf::ltv::renew_if_due(&file, now(), 7 * 86_400, &store(), &[], tsa).unwrap() {
        pdf::ltv::Renewal::NotDue { expires } => assert_eq!(expires, short_expiry),
        other => panic!("{other:?}"),
    }
    // A three-year window: due, renewed with the 2060 TSA.
    let renewed =
        match pdf::ltv::renew_if_due(&file, now(), 3 * YEAR, &store(), &crls_at(t0 + 90), tsa)
            .unwrap()
        {
            pdf::ltv::Renewal::Renewed { pdf, expires } => {
                let long_expiry = qoltanba::pki::cert::Certificate::from_der(&tsa_pki().long.0)
                    .unwrap()
                    .not_after;
                assert_eq!(expires, Some(long_expiry));
                pdf
            }
            other => panic!("{other:?}"),
        };
    assert!(renewed.starts_with(&file));
    let v = verify_at(&renewed, now(), &store());
    assert_eq!(
        (v["indication"].as_str(), v["level"].as_str()),
        (Some("PASSED"), Some("B-LTA")),
        "{v:#}"
    );
    // An unsigned file has nothing to renew.
    assert!(matches!(
        pdf::ltv::renew_if_due(&rendered(), now(), YEAR, &store(), &[], tsa).unwrap(),
        pdf::ltv::Renewal::Unsigned
    ));
}

/// The service's renewal task over the results it keeps: a B-LTA result
/// whose TSA certificate expires within the window is renewed in the store
/// (the old file a prefix of the new), and the earliest expiry is exported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_renews_kept_results_and_exports_the_earliest_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = now() - 900;
    let short = TestTsa::new(&tsa_pki().short, t0);
    let file = b_lta(&short, t0);
    let long: &'static TestTsa = Box::leak(Box::new(TestTsa::new(&tsa_pki().long, t0 + 120)));
    let url = serve(long, 1);
    let config = qoltanba::config::Config {
        data_dir: dir.path().to_path_buf(),
        trust_dir: Some(repo("certs/trust")),
        crl_refresh_seconds: 0,
        ltv_tsa_url: Some(url),
        ltv_renew_before_seconds: 3 * YEAR as u64,
        ..Default::default()
    };
    let service = qoltanba::api::build(config).await.unwrap();
    let state = service.state.clone();
    let (app, _) = state
        .store
        .register(&qoltanba::store::applications::NewApplication {
            provider: "120340000123",
            prefix: "120340000123",
            year: 2026,
            service: "housing",
            channel: "portal",
            iin: "880101300123",
            request_sha256: "ab",
            request: "{}",
            envelope: "",
            at: t0,
            deadline: "2026-12-31",
            stages: "{}",
            created_by: "test",
        })
        .await
        .unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let stored = b64.encode(&file);
    assert!(
        state
            .store
            .transition(
                &app.number,
                app.status,
                app.status,
                ("test", "admin"),
                "test",
                "",
                None,
                Some(&stored),
                t0
            )
            .await
            .unwrap()
    );
    let out = qoltanba::api::ltv_renewal::renewal_pass(&state).await;
    let long_expiry = qoltanba::pki::cert::Certificate::from_der(&tsa_pki().long.0)
        .unwrap()
        .not_after;
    assert_eq!((out.watched, out.renewed, out.failed), (1, 1, 0), "{out:?}");
    assert_eq!(out.earliest_expiry, Some(long_expiry));
    let renewed = b64
        .decode(
            state
                .store
                .application(&app.number)
                .await
                .unwrap()
                .unwrap()
                .result
                .unwrap(),
        )
        .unwrap();
    assert!(renewed.starts_with(&file) && renewed.len() > file.len());
    assert_eq!(
        sig_dicts(&renewed).len(),
        3,
        "the signature and two document time-stamps"
    );
    let metrics = state.metrics.render();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("qoltanba_ltv_earliest_expiry_seconds ")),
        "{metrics}"
    );
    // The next pass: nothing due (the new TSA lives to 2060).
    let out = qoltanba::api::ltv_renewal::renewal_pass(&state).await;
    assert_eq!((out.watched, out.renewed), (1, 0));
}
