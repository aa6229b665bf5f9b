//! The application flow end to end through HTTP: the three channels with
//! their refusals, status for one citizen only, decisions through the state
//! machine, the survey, and gap-free numbering under concurrency.

mod common;

use axum::http::StatusCode;
use base64::Engine;
use common::app::App;
use common::demo::{b64, signed};
use common::loopback::{free_port, serve_files};
use common::{pem_der, repo};
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const CITIZEN_IIN: &str = "880101300123";

/// How an application comes in: (channel, service).
const PORTAL: (&str, &str) = ("portal", "housing-assistance");
const PROVIDER: (&str, &str) = ("provider", "unemployed-certificate");
const OPERATOR: (&str, &str) = ("operator", "housing-queue");

fn other_citizen() -> String {
    qoltanba::iin::complete("92051545012").unwrap()
}

/// Where applications come in: the service, the submitter's API key and
/// (channel, service).
struct Desk<'a> {
    app: &'a App,
    token: &'a str,
    via: (&'a str, &'a str),
}

impl<'a> Desk<'a> {
    fn new(app: &'a App, token: &'a str, via: (&'a str, &'a str)) -> Desk<'a> {
        Desk { app, token, via }
    }

    /// A citizen's application (`request(iin, note)`) signed by `signer`.
    async fn apply(&self, signer: &str, iin: &str, note: &str) -> (StatusCode, Value) {
        let req = request(iin, note);
        self.app
            .submit_signed(self.token, self.via, signer, &req)
            .await
    }
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// A decision body: approve.
fn approval() -> Value {
    json!({ "decision": "approval" })
}

/// A signing body: the stored key `id` signs.
fn with_key(id: &str) -> Value {
    json!({ "key_id": id })
}

/// Whether an application's history has an entry whose `key` is `value`.
fn in_history(application: &Value, key: &str, value: &str) -> bool {
    let history = application["history"].as_array().unwrap();
    history.iter().any(|h| h[key] == value)
}

/// A refusal's code.
fn code(problem: &Value) -> Option<&str> {
    problem["code"].as_str()
}

fn request(iin: &str, note: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "iin": iin, "service": "housing-assistance", "note": note }))
        .unwrap()
}

#[tokio::test]
async fn portal_channel_registration_status_and_refusals() {
    let app = App::new().await;
    let portal = app.key(Role::Portal).await;
    let req = request(CITIZEN_IIN, "one");
    let env = signed("citizen-rsa", "nca-rsa", &req);
    let (status, body) = app
        .submit(&portal, "portal", "housing-assistance", &req, &env)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "registered");
    let number = body["number"].as_str().unwrap().to_string();
    assert!(number.ends_with("-000001"), "{number}");
    assert!(body["deadline"].as_str().unwrap().len() == 10);
    assert_eq!(body["stages"].as_array().unwrap().len(), 3);
    // The same envelope again: the same application, no new number.
    let (status, again) = app
        .submit(&portal, "portal", "housing-assistance", &req, &env)
        .await;
    assert_eq!(
        (status, again["number"].as_str()),
        (StatusCode::OK, Some(number.as_str()))
    );
    // The citizen's status; another citizen's view is a 404.
    let (status, view) = app
        .get_json(
            &format!("/v1/applications/{number}?iin={CITIZEN_IIN}"),
            &portal,
        )
        .await;
    assert_eq!(
        (status, view["iin"].as_str()),
        (StatusCode::OK, Some(CITIZEN_IIN))
    );
    assert_eq!(view["service_name"]["ru"], "Назначение жилищной помощи");
    let (status, _) = app
        .get_json(
            &format!("/v1/applications/{number}?iin={}", other_citizen()),
            &portal,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get_json(&format!("/v1/applications/{number}"), &portal)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Process 4: condition 2 fails, a refusal with the verdict's code and no number.
    let portal_desk = Desk::new(&app, &portal, PORTAL);
    let (status, p) = portal_desk.apply("revoked", CITIZEN_IIN, "revoked").await;
    assert_eq!(
        (status, code(&p)),
        (UNPROCESSABLE, Some("CERT_REVOKED")),
        "{p}"
    );
    assert!(p["refusal"]["kk"].as_str().unwrap().contains("ЭЦҚ"));
    assert_eq!(p["verdict"]["indication"], "FAILED");
    let (status, p) = portal_desk
        .apply("citizen-rsa", &other_citizen(), "someone else's IIN")
        .await;
    assert_eq!((status, code(&p)), (UNPROCESSABLE, Some("IIN_MISMATCH")));
    let (status, p) = portal_desk
        .apply("citizen-auth", CITIZEN_IIN, "auth key")
        .await;
    assert_eq!(
        (status, code(&p)),
        (UNPROCESSABLE, Some("KEY_USAGE_INVALID"))
    );
    // Still one number used.
    let req = request(CITIZEN_IIN, "two");
    let (_, body) = app
        .submit_signed(&portal, PORTAL, "citizen-rsa", &req)
        .await;
    assert!(
        body["number"].as_str().unwrap().ends_with("-000002"),
        "{body}"
    );
    // The portal cannot submit through the employee's channel.
    let (status, _) = app
        .submit_signed(
            &portal,
            ("provider", "housing-assistance"),
            "employee",
            &req,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn employee_and_operator_channels() {
    let app = App::new().await;
    let provider = app.key(Role::Provider).await;
    let operator = app.key(Role::Operator).await;
    let provider_desk = Desk::new(&app, &provider, PROVIDER);
    let (status, body) = provider_desk
        .apply("employee", CITIZEN_IIN, "entered by the employee")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["channel"], "provider");
    // Condition 1: a person the registry does not know.
    let (status, p) = provider_desk
        .apply("employee", "900101400013", "unknown person")
        .await;
    assert_eq!(
        (status, code(&p)),
        (UNPROCESSABLE, Some("PERSON_NOT_FOUND"))
    );
    // A citizen's certificate is not an employee's.
    let (status, p) = provider_desk
        .apply("citizen-rsa", CITIZEN_IIN, "citizen cert")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    // The service centre's operator signs with the centre's BIN; an employee's BIN is refused there.
    let operator_desk = Desk::new(&app, &operator, OPERATOR);
    let (status, body) = operator_desk
        .apply("operator", CITIZEN_IIN, "at the centre")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = operator_desk
        .apply("employee", CITIZEN_IIN, "wrong BIN")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

fn key_id(token: &str) -> String {
    token.split('_').nth(1).unwrap().to_string()
}

#[tokio::test]
async fn an_api_key_signs_only_with_its_holders_certificate() {
    let app = App::new().await;
    // A key given to another person (bound at creation, `keys api create --iin`).
    let someone_elses = app.key(Role::Provider).await;
    app.state
        .store
        .bind_api_key_iin(&key_id(&someone_elses), &other_citizen(), 0)
        .await
        .unwrap();
    let someone_elses_desk = Desk::new(&app, &someone_elses, PROVIDER);
    let (status, p) = someone_elses_desk
        .apply("employee", CITIZEN_IIN, "under another person's key")
        .await;
    assert_eq!(
        (status, code(&p)),
        (UNPROCESSABLE, Some("IIN_MISMATCH")),
        "{p}"
    );
    assert_eq!(app.state.store.count("applications").await.unwrap(), 0);
    // A fresh key is bound by the first certificate it signs with, then keeps to it:
    // the head's certificate (provider's BIN, a strong enough role) is someone else.
    let fresh = app.key(Role::Provider).await;
    let fresh_desk = Desk::new(&app, &fresh, PROVIDER);
    let (status, body) = fresh_desk
        .apply("employee", CITIZEN_IIN, "first use binds")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let number = body["number"].as_str().unwrap().to_string();
    let (status, p) = fresh_desk
        .apply("head", CITIZEN_IIN, "a colleague's certificate")
        .await;
    assert_eq!(
        (status, code(&p)),
        (UNPROCESSABLE, Some("IIN_MISMATCH")),
        "{p}"
    );
    let bound = app.state.store.list_api_keys().await.unwrap();
    let fresh_key = bound.iter().find(|k| k.id == key_id(&fresh)).unwrap();
    let employee_iin = qoltanba::pki::profile::profile(
        &qoltanba::pki::cert::Certificate::from_der(&pem_der("certs/people/employee.pem")).unwrap(),
    )
    .iin
    .unwrap()
    .value;
    assert_eq!(fresh_key.iin.as_deref(), Some(employee_iin.as_str()));
    // Signing the draft: the other person's key may not use the employee's certificate.
    app.import_keys(&[("employee", "employee")]);
    let (status, _) = app.act(&number, "decision", &fresh, approval()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, p) = app
        .act(&number, "sign", &someone_elses, with_key("employee"))
        .await;
    assert_eq!(
        (status, code(&p)),
        (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
        "{p}"
    );
    assert!(app.state.store.draft(&number).await.unwrap().is_none());
    let (status, p) = app.act(&number, "sign", &fresh, with_key("employee")).await;
    assert_eq!(status, StatusCode::OK, "{p}");
}

#[tokio::test]
async fn decisions_follow_the_state_machine_and_the_survey_is_once() {
    let app = App::new().await;
    let portal = app.key(Role::Portal).await;
    let provider = app.key(Role::Provider).await;
    let admin = app.key(Role::Admin).await;
    let portal_desk = Desk::new(&app, &portal, PORTAL);
    let (_, body) = portal_desk
        .apply("citizen-rsa", CITIZEN_IIN, "decide")
        .await;
    let number = body["number"].as_str().unwrap().to_string();
    let path = format!("/v1/applications/{number}/decision");
    let (status, _) = app
        .post_json(
            &path,
            &provider,
            json!({ "decision": "refusal", "reasons": ["made-up"] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = app
        .post_json(&path, &provider, json!({ "decision": "review" }))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("in_review"))
    );
    let (status, body) = app
        .post_json(
            &path,
            &provider,
            json!({ "decision": "refusal", "reasons": ["income-above-threshold"] }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("refused")),
        "{body}"
    );
    assert_eq!(body["decision"]["reasons"][0], "income-above-threshold");
    assert_eq!(body["history"].as_array().unwrap().len(), 2);
    // Approving a refused application is not a transition: 409 and nothing changes.
    let (status, p) = app.post_json(&path, &provider, approval()).await;
    assert_eq!(
        (status, code(&p)),
        (StatusCode::CONFLICT, Some("TRANSITION_NOT_ALLOWED"))
    );
    let (_, view) = app
        .get_json(&format!("/v1/applications/{number}"), &provider)
        .await;
    assert_eq!(view["status"], "refused");
    // The survey, once.
    let spath = format!("/v1/applications/{number}/survey?iin={CITIZEN_IIN}");
    let (status, _) = app
        .post_json(
            &spath,
            &portal,
            json!({ "process": "partly", "information": "fully" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, p) = app
        .post_json(
            &spath,
            &portal,
            json!({ "process": "fully", "information": "fully" }),
        )
        .await;
    assert_eq!(
        (status, code(&p)),
        (StatusCode::CONFLICT, Some("SURVEY_ALREADY_ANSWERED"))
    );
    let (status, report) = app.get_json("/v1/reports/survey", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report["services"]["housing-assistance"]["process"]["partly"], 1,
        "{report}"
    );
    // Every transition is in the audit log.
    let (_, audit) = app.get_json("/v1/audit/verify", &admin).await;
    assert!(audit["problem"].is_null());
    let (_, overdue) = app.get_json("/v1/applications/overdue", &provider).await;
    assert!(overdue["applications"].as_array().unwrap().is_empty());
}

async fn numbering(url: &str, total: usize) {
    use qoltanba::store::Store;
    use qoltanba::store::applications::NewApplication;
    let mut tasks = Vec::new();
    for client in 0..8 {
        let store = Store::open(url).await.unwrap();
        tasks.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            for i in 0..total / 8 {
                let sha = format!("{client:02}{i:062}");
                let a = NewApplication {
                    provider: "120340000123",
                    prefix: "120340000123",
                    year: 2026,
                    service: "housing-queue",
                    channel: "portal",
                    iin: CITIZEN_IIN,
                    request_sha256: &sha,
                    request: "{}",
                    envelope: "",
                    at: 0,
                    deadline: "2026-12-01",
                    stages: "[]",
                    created_by: "t",
                };
                numbers.push(store.register(&a).await.unwrap().0.number);
            }
            numbers
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let expected: Vec<String> = (1..=total)
        .map(|n| format!("2026-120340000123-{n:06}"))
        .collect();
    assert_eq!(all, expected, "numbers must be distinct and gap-free");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn numbers_are_gap_free_under_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    numbering(
        &format!("sqlite://{}?mode=rwc", dir.path().join("n.db").display()),
        200,
    )
    .await;
    match std::env::var("QOLTANBA_TEST_POSTGRES_URL") {
        Ok(admin) => {
            sqlx::any::install_default_drivers();
            let name = format!("qt_numbers_{}", std::process::id());
            use sqlx::Executor;
            let pool = sqlx::AnyPool::connect(&admin).await.unwrap();
            pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            numbering(&format!("{base}/{name}"), 1000).await;
        }
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("QOLTANBA_TEST_POSTGRES_URL is not set: run ./scripts/test")
        }
        Err(_) => eprintln!(
            "note: PostgreSQL half skipped (./scripts/test sets QOLTANBA_TEST_POSTGRES_URL)"
        ),
    }
}

#[tokio::test]
async fn from_submission_to_the_delivered_signed_pdf() {
    let app = App::new().await;
    let data_dir = app.state.config.data_dir.clone();
    app.import_keys(&[("head", "head"), ("employee", "employee")]);
    let (portal, provider, operator, head) = (
        app.key(Role::Portal).await,
        app.key(Role::Provider).await,
        app.key(Role::Operator).await,
        app.key(Role::Head).await,
    );
    // Each channel, with the result and with a reasoned refusal.
    let approved = || (approval(), "notification");
    let refused = || {
        let reasons = json!({ "decision": "refusal", "reasons": ["incomplete-documents"] });
        (reasons, "refusal")
    };
    for (channel, submitter, who, (decision, kind)) in [
        ("portal", &portal, "citizen-rsa", approved()),
        ("portal", &portal, "citizen-rsa", refused()),
        ("provider", &provider, "employee", approved()),
        ("provider", &provider, "employee", refused()),
        ("operator", &operator, "operator", approved()),
        ("operator", &operator, "operator", refused()),
    ] {
        let req = request(CITIZEN_IIN, &format!("{channel} {kind}"));
        let (status, body) = app
            .submit_signed(submitter, (channel, "housing-assistance"), who, &req)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{channel}: {body}");
        let number = body["number"].as_str().unwrap().to_string();
        // Nothing to sign before the decision.
        let (status, _) = app.act(&number, "sign", &head, with_key("head")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let refusal = kind == "refusal";
        let mut decision = decision;
        if refusal {
            // The employee signs the draft in the same call as the decision.
            decision["key_id"] = json!("employee");
        }
        let (status, body) = app.act(&number, "decision", &provider, decision).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, st) = app
            .get_json(&format!("/v1/applications/{number}"), &head)
            .await;
        assert_eq!(
            st["awaiting"],
            if refusal {
                "head_signature"
            } else {
                "employee_signature"
            },
            "{st}"
        );
        if !refusal {
            // The service has a review stage: the head waits for the employee.
            let (status, body) = app.act(&number, "sign", &head, with_key("head")).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::CONFLICT, Some("EMPLOYEE_SIGNATURE_REQUIRED")),
                "{body}"
            );
            let (status, body) = app
                .act(&number, "sign", &provider, with_key("employee"))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(in_history(&body, "action", "sign_draft"), "{body}");
            // Once signed, the draft is not signed again.
            let (status, _) = app
                .act(&number, "sign", &provider, with_key("employee"))
                .await;
            assert_eq!(status, StatusCode::CONFLICT);
        }
        // The head reads the draft the employee signed.
        let (status, draft) = app
            .raw(&format!("/v1/applications/{number}/draft.pdf"), &head)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(draft.starts_with(b"%PDF"));
        // Only the head's (or a may-sign person's) certificate signs the result.
        let (status, _) = app.act(&number, "sign", &head, with_key("employee")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let body = if refusal {
            head_signs_in_two_phases(&app, &head, &number).await
        } else {
            let (status, body) = app.act(&number, "sign", &head, with_key("head")).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        };
        assert_eq!(body["status"].as_str(), Some("result_signed"), "{body}");
        // The citizen gets the signed PDF; it verifies.
        let (status, pdf) = app
            .raw(
                &format!("/v1/applications/{number}/result.pdf?iin={CITIZEN_IIN}"),
                &portal,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with(b"%PDF"));
        let report = qoltanba::pdf::verify::verify_bytes(
            &pdf,
            &app.state.trust(),
            &qoltanba::pdf::verify::PdfVerifyRequest {
                at: qoltanba::time::now(),
                policy: Default::default(),
                extra: Default::default(),
                crls: Default::default(),
            },
        );
        assert_eq!(report.code, "OK", "{kind}");
        assert_eq!(report.signatures.len(), 2, "the employee's and the head's");
        if let Ok(pyhanko) = std::env::var("QOLTANBA_PYHANKO") {
            let f = data_dir.join(format!("{channel}-{kind}.pdf"));
            std::fs::write(&f, &pdf).unwrap();
            let out = std::process::Command::new(pyhanko)
                .args(["sign", "validate", "--soft-revocation-check", "--trust"])
                .arg(repo("certs/trust/root-ca.pem"))
                .arg("--trust-replace")
                .arg("--other-certs")
                .arg(repo("certs/trust/nca-rsa.pem"))
                .arg(&f)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            // The employee's certification, then the head's signature in its field.
            let lines: Vec<&str> = text.lines().filter(|l| l.contains("INTACT")).collect();
            assert_eq!(
                lines.len(),
                2,
                "pyHanko: {text} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                lines[0].contains("INTACT:TRUSTED,")
                    && lines[0].contains("ACCEPTABLE_MODIFICATIONS"),
                "{text}"
            );
            assert!(lines[1].contains("INTACT:TRUSTED,UNTOUCHED"), "{text}");
        }
        // The citizen receives the result through the operator at the centre.
        let deliverer = if channel == "operator" {
            &operator
        } else {
            &provider
        };
        let (status, body) = app
            .call(
                "POST",
                &format!("/v1/applications/{number}/deliver"),
                deliverer,
                None,
            )
            .await;
        assert_eq!(
            (status, body["status"].as_str()),
            (StatusCode::OK, Some("delivered"))
        );
        assert!(in_history(&body, "to", "result_signed"));
        // Another citizen cannot fetch it.
        let (status, _) = app
            .raw(
                &format!(
                    "/v1/applications/{number}/result.pdf?iin={}",
                    other_citizen()
                ),
                &portal,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// The head signs the result on their own device: prepare, sign the
/// returned bytes with the head's key (a device stand-in), finish; a value
/// made by another key is refused first.
async fn head_signs_in_two_phases(app: &App, head: &str, number: &str) -> Value {
    let cert = std::fs::read_to_string(repo("certs/people/head.pem")).unwrap();
    let (status, prepared) = app
        .act(number, "sign/prepare", head, json!({ "certificate": cert }))
        .await;
    assert_eq!(status, StatusCode::OK, "{prepared}");
    assert_eq!(prepared["stage"], "result");
    assert_eq!(prepared["digest_algorithm"], "sha256");
    let tbs = base64::engine::general_purpose::STANDARD
        .decode(prepared["data_to_sign"].as_str().unwrap())
        .unwrap();
    let id = prepared["prepared_id"].as_str().unwrap();
    let device = |name: &str| common::demo::who(name).key;
    use qoltanba::pki::signer::Signer;
    // Finishing with a signature value made on the device.
    let finish = |value: &[u8]| {
        let body = json!({ "prepared_id": id, "signature_value": b64(value) });
        app.act(number, "sign/finish", head, body)
    };
    let wrong = device("employee").sign(&tbs).unwrap();
    let (status, body) = finish(&wrong).await;
    assert_eq!(
        (status, body["sign_code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("SIGNATURE_VALUE_INVALID")),
        "{body}"
    );
    let value = device("head").sign(&tbs).unwrap();
    let (status, body) = finish(&value).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A prepared signature is used once.
    let (status, again) = finish(&value).await;
    assert_eq!(
        (status, again["sign_code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("PREPARED_INVALID"))
    );
    body
}

#[tokio::test]
async fn representative_with_a_power_of_attorney() {
    let app = App::new().await;
    let operator = app.key(Role::Operator).await;
    let with_rep = |poa: &str, rep: &str| {
        serde_json::to_vec(&json!({ "iin": CITIZEN_IIN, "representative": { "iin": rep, "power_of_attorney": poa } })).unwrap()
    };
    let req = with_rep("POA-2026-000001", &other_citizen());
    let (status, body) = app
        .submit_signed(&operator, OPERATOR, "operator", &req)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (poa, rep) in [
        ("POA-2026-999999", other_citizen()),
        ("POA-2026-000001", CITIZEN_IIN.to_string()),
    ] {
        let req = with_rep(poa, &rep);
        let (status, p) = app
            .submit_signed(&operator, OPERATOR, "operator", &req)
            .await;
        assert_eq!(
            (status, code(&p)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("POWER_OF_ATTORNEY_INVALID")
            ),
            "{poa}"
        );
    }
}

#[tokio::test]
async fn registries_over_http_and_a_registry_that_is_down() {
    // A tiny ГБД ФЛ: knows the citizen, nobody else.
    let body = format!(r#"{{"iin":"{CITIZEN_IIN}","surname":"ТЕСТОВ","name":"АЙДАР"}}"#);
    let persons = [(format!("persons/{CITIZEN_IIN}"), body.into_bytes())];
    let base = serve_files(Arc::new(Mutex::new(persons.into_iter().collect())));
    let app = App::with(|c| c.registry_url = Some(base.clone())).await;
    let provider = app.key(Role::Provider).await;
    let provider_desk = Desk::new(&app, &provider, PROVIDER);
    let (status, body) = provider_desk
        .apply("employee", CITIZEN_IIN, "via http registry")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, p) = provider_desk
        .apply("employee", &other_citizen(), "unknown to the registry")
        .await;
    assert_eq!(
        (status, code(&p)),
        (UNPROCESSABLE, Some("PERSON_NOT_FOUND"))
    );
    // Down: a clear code, and no half-registered application.
    let port = free_port();
    let down = App::with(|c| {
        c.registry_url = Some(format!("http://127.0.0.1:{port}"));
        c.registry_timeout_ms = 500;
    })
    .await;
    let provider = down.key(Role::Provider).await;
    let down_desk = Desk::new(&down, &provider, PROVIDER);
    let (status, p) = down_desk
        .apply("employee", CITIZEN_IIN, "registry down")
        .await;
    assert_eq!(
        (status, code(&p)),
        (StatusCode::SERVICE_UNAVAILABLE, Some("SERVICE_UNAVAILABLE"))
    );
    assert_eq!(down.state.store.count("applications").await.unwrap(), 0);
}

#[tokio::test]
async fn attachments_are_uploaded_and_bound_by_hash() {
    let app = App::new().await;
    let portal = app.key(Role::Portal).await;
    let bearer = format!("Bearer {portal}");
    let app = &app;
    let upload = |bytes: Vec<u8>, content_type: &'static str| {
        let headers = [("authorization", bearer.as_str())];
        async move {
            let r = app
                .post("/v1/attachments", content_type, bytes, &headers)
                .await;
            (r.status, r.json())
        }
    };
    let scan = std::fs::read(repo("testdata/pdfs/result-notification.json")).unwrap();
    let (status, _) = upload(scan, "application/pdf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "JSON is not a scan");
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(&[7u8; 1000]);
    let (status, body) = upload(pdf.clone(), "application/pdf").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sha = body["sha256"].as_str().unwrap().to_string();
    let (status, _) = upload(pdf, "image/png").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "type must match the content"
    );
    let bound = |h: &str| {
        serde_json::to_vec(&json!({ "iin": CITIZEN_IIN, "attachments": [{ "name": "identity.pdf", "sha256": h }] })).unwrap()
    };
    let req = bound(&sha);
    let (status, body) = app
        .submit_signed(&portal, ("portal", "housing-queue"), "citizen-rsa", &req)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let req = bound(&"ab".repeat(32));
    let (status, _) = app
        .submit_signed(&portal, ("portal", "housing-queue"), "citizen-rsa", &req)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
