//! Two providers side by side (issue 14): a providers catalogue with two
//! providers and one service centre, each provider with its own employee and
//! head; the whole flow runs for both on SQLite and on PostgreSQL, numbers
//! are gap-free per provider, and no key of one provider sees, decides or
//! signs the other's applications (every route of the table × role ×
//! foreign provider). Also `GET /v1/providers` and `qoltanba providers`.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::web::{CITIZEN_IIN, b64, pem_der, repo};
use qoltanba::pki::demo::{Ca, Person, issue_person};
use qoltanba::pki::signer::RingSigner;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::path::Path;

const A: &str = "120340000123";
const B: &str = "130540000211";
const CENTRE: &str = "160240001988";

fn catalogue() -> String {
    format!(
        r#"
[[provider]]
bin = "{A}"
name_kk = "Тұрғын үй бөлімі"
name_ru = "Отдел жилищных отношений"
services = ["housing-queue", "housing-assistance", "unemployed-certificate", "disabled-children-support"]
centres = ["{CENTRE}"]
number_prefix = "ZHO"

[[provider]]
bin = "{B}"
name_kk = "Аудандық әлеуметтік бөлім"
name_ru = "Районный отдел социальной защиты"
services = ["housing-queue", "housing-assistance"]
number_prefix = "AUD"

[[centre]]
bin = "{CENTRE}"
name_kk = "ХҚКО"
name_ru = "ЦОН"
"#
    )
}

/// An officer of provider B, issued now by the demo PKI's ECDSA intermediate:
/// their PKCS#8 key and certificate.
fn officer_b(dir: &Path, file: &'static str, head: bool, serial: u64) -> (Vec<u8>, Vec<u8>) {
    use qoltanba::pki::profile as p;
    let ca = Ca::load(
        "nca-ec",
        pem_der("certs/trust/nca-ec.pem"),
        pem_der("certs/ca/nca-ec.key.pem"),
    )
    .unwrap();
    let key = qoltanba::pki::demo::ec_key().unwrap();
    let signer = RingSigner::from_pkcs8(&key.pkcs8, None, false).unwrap();
    use qoltanba::pki::signer::Signer;
    let person = Person {
        file,
        surname: "ЕКІНШІ",
        name: if head {
            "БАСШЫ"
        } else {
            "ҚЫЗМЕТКЕР"
        },
        patronymic: "ТЕСТҰЛЫ",
        iin: qoltanba::iin::complete(if head { "80020250034" } else { "83040450045" }).unwrap(),
        org: Some(("Районный отдел социальной защиты (TEST)", B.to_string())),
        ec: true,
        auth: false,
        roles: vec![
            p::ROLE_ORGANISATION,
            if head { p::ROLE_HEAD } else { p::ROLE_EMPLOYEE },
        ],
        validity: (
            qoltanba::pki::demo::EPOCH,
            qoltanba::pki::demo::EPOCH + 5 * 365 * 86_400,
        ),
        serial,
    };
    let cert = issue_person(&person, &signer.public_key_spki(), &ca).unwrap();
    let _ = dir;
    (key.pkcs8, cert)
}

/// A PKCS#12 of `pkcs8` and `cert` (openssl), as an officer's key arrives.
fn p12(dir: &Path, name: &str, pkcs8: &[u8], cert: &[u8]) -> Vec<u8> {
    let key = dir.join(format!("{name}.key.pem"));
    let crt = dir.join(format!("{name}.pem"));
    std::fs::write(&key, pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8))).unwrap();
    std::fs::write(&crt, pem::encode(&pem::Pem::new("CERTIFICATE", cert))).unwrap();
    let out = dir.join(format!("{name}.p12"));
    let mut openssl = std::process::Command::new("openssl");
    openssl
        .args(["pkcs12", "-export", "-passout", "pass:", "-inkey"])
        .arg(&key)
        .arg("-in")
        .arg(&crt)
        .arg("-certfile")
        .arg(repo("certs/trust/nca-ec.pem"))
        .arg("-out")
        .arg(&out);
    common::run_tool(&mut openssl, "openssl is installed");
    std::fs::read(out).unwrap()
}

/// A detached CMS over `data` by `pkcs8`/`cert` under the intermediate `ca`.
fn envelope(pkcs8: &[u8], cert: &[u8], ca: &str, data: &[u8]) -> Vec<u8> {
    let key = RingSigner::from_pkcs8(pkcs8, None, false).unwrap();
    qoltanba::envelope::sign::sign(
        data,
        false,
        &key,
        cert,
        &[pem_der(&format!("certs/trust/{ca}.pem"))],
        qoltanba::time::now(),
    )
    .unwrap()
}

fn person(name: &str) -> (Vec<u8>, Vec<u8>) {
    (
        pem_der(&format!("certs/people/{name}.key.pem")),
        pem_der(&format!("certs/people/{name}.pem")),
    )
}

struct Keys {
    portal: String,
    admin: String,
    operator: String,
    emp: [String; 2],
    head: [String; 2],
}

/// The service over `database_url` (None: SQLite in the data folder) with
/// the two-provider catalogue and the officers' keys of both providers.
async fn two_providers(database_url: Option<String>) -> (App, Keys) {
    let conf = tempfile::tempdir().unwrap();
    let file = conf.path().join("providers.toml");
    std::fs::write(&file, catalogue()).unwrap();
    let site = App::with_keys(&[("head", "head"), ("employee", "employee")], |c| {
        c.providers_file = Some(file);
        c.database_url = database_url;
    })
    .await;
    let dir = site.dir.path();
    let keys = qoltanba::keys::KeyStore::open(dir, None).unwrap();
    for (name, head, serial) in [("employee-b", false, 0x3001), ("head-b", true, 0x3002)] {
        let (k, c) = officer_b(dir, name, head, serial);
        keys.import_p12(&p12(dir, name, &k, &c), "", name, false)
            .unwrap();
        std::fs::write(dir.join(format!("{name}.der")), &c).unwrap();
        std::fs::write(dir.join(format!("{name}.pk8")), &k).unwrap();
    }
    let store = &site.state.store;
    let key = |role: Role, org: Option<&'static str>| {
        let store = store.clone();
        async move {
            let (k, token) = store.create_api_key(role.as_str(), role, 0).await.unwrap();
            if let Some(o) = org {
                store.bind_api_key_org(&k.id, o).await.unwrap();
            }
            token
        }
    };
    let keys = Keys {
        portal: key(Role::Portal, None).await,
        admin: key(Role::Admin, None).await,
        operator: key(Role::Operator, None).await,
        emp: [
            key(Role::Provider, Some(A)).await,
            key(Role::Provider, Some(B)).await,
        ],
        head: [
            key(Role::Head, Some(A)).await,
            key(Role::Head, Some(B)).await,
        ],
    };
    (site, keys)
}

fn officer_of_b(site: &App, name: &str) -> (Vec<u8>, Vec<u8>) {
    let d = site.dir.path();
    (
        std::fs::read(d.join(format!("{name}.pk8"))).unwrap(),
        std::fs::read(d.join(format!("{name}.der"))).unwrap(),
    )
}

async fn submit(
    site: &App,
    token: &str,
    channel: &str,
    service: &str,
    provider: Option<&str>,
    signer: (&[u8], &[u8], &str),
    note: &str,
) -> (StatusCode, Value) {
    let req = serde_json::to_vec(&json!({ "iin": CITIZEN_IIN, "service": service, "note": note }))
        .unwrap();
    let env = envelope(signer.0, signer.1, signer.2, &req);
    let mut body = json!({ "service": service, "channel": channel, "request": b64(&req), "signature": b64(&env) });
    if let Some(p) = provider {
        body["provider"] = json!(p);
    }
    site.call("POST", "/v1/applications", token, Some(body))
        .await
}

/// A key of one channel that submits requests signed by one person:
/// `(PKCS#8, certificate, issuing CA)`.
struct Applicant<'a> {
    site: &'a App,
    token: &'a str,
    channel: &'a str,
    signer: (&'a [u8], &'a [u8], &'a str),
}

impl<'a> Applicant<'a> {
    fn new(
        site: &'a App,
        token: &'a str,
        channel: &'a str,
        signer: (&'a [u8], &'a [u8], &'a str),
    ) -> Self {
        Applicant {
            site,
            token,
            channel,
            signer,
        }
    }

    /// Submits a request for `service` (to `provider`, when named), `note`
    /// making it unique.
    async fn submit(
        &self,
        service: &str,
        provider: Option<&str>,
        note: &str,
    ) -> (StatusCode, Value) {
        let (site, token, channel) = (self.site, self.token, self.channel);
        submit(site, token, channel, service, provider, self.signer, note).await
    }
}

/// The year part of numbers registered now (Kazakhstan time).
fn year() -> i32 {
    qoltanba::workflow::calendar::kz_date(qoltanba::time::now()).year()
}

/// Decision, the employee's draft signature, the head's signature and
/// delivery, by provider `i`'s keys; returns the application after it.
async fn run_flow(site: &App, k: &Keys, i: usize, number: &str, keys: (&str, &str)) -> Value {
    let path = |tail: &str| format!("/v1/applications/{number}{tail}");
    let (s, b) = site
        .post_json(
            &path("/decision"),
            &k.emp[i],
            json!({ "decision": "approval" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = site
        .post_json(&path("/sign"), &k.emp[i], json!({ "key_id": keys.0 }))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = site
        .post_json(&path("/sign"), &k.head[i], json!({ "key_id": keys.1 }))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "result_signed", "{b}");
    let (s, b) = site
        .post_json(&path("/deliver"), &k.head[i], json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// Every route of the table that names an application, with a body its
/// handler accepts, called by each provider-scoped role of the foreign
/// provider: always 404 NOT_FOUND, and the application unchanged.
async fn foreign_keys_see_nothing(site: &App, k: &Keys, number: &str, owner: usize) {
    let (_, before) = site
        .get_json(&format!("/v1/applications/{number}"), &k.admin)
        .await;
    let cert = std::fs::read_to_string(repo("certs/people/head.pem")).unwrap();
    let foreign = 1 - owner;
    let mut tried = 0;
    for r in qoltanba::api::routes::ROUTES {
        if !r.path.starts_with("/v1/applications/{number}") {
            continue;
        }
        let path = r
            .path
            .replace("{number}", number)
            .replace("{session}", "0123456789abcdef");
        let body = match r.path.trim_start_matches("/v1/applications/{number}") {
            "/decision" => Some(json!({ "decision": "review" })),
            "/sign" => Some(json!({ "key_id": "head" })),
            "/sign/prepare" | "/sign/egov-qr" => Some(json!({ "certificate": cert })),
            "/sign/finish" => Some(json!({ "prepared_id": "00", "signature_value": "AA==" })),
            "/deliver" => Some(json!({})),
            "/survey" => continue, // the portal's (the citizen's) only
            _ => None,
        };
        for (role, token) in [
            (Role::Provider, &k.emp[foreign]),
            (Role::Head, &k.head[foreign]),
        ] {
            if !r.roles.is_some_and(|rs| rs.contains(&role)) {
                continue;
            }
            let (s, b) = site.call(r.method, &path, token, body.clone()).await;
            assert_eq!(
                (s, b["code"].as_str()),
                (StatusCode::NOT_FOUND, Some("NOT_FOUND")),
                "{} {} by a {} of the other provider: {b}",
                r.method,
                r.path,
                role.as_str()
            );
            tried += 1;
        }
    }
    assert!(tried >= 10, "only {tried} calls tried");
    let (_, after) = site
        .get_json(&format!("/v1/applications/{number}"), &k.admin)
        .await;
    assert_eq!(before, after, "a foreign call changed the application");
}

async fn side_by_side(database_url: Option<String>) {
    let (site, k) = two_providers(database_url).await;
    let citizen = person("citizen-rsa");
    let by_citizen = (citizen.0.as_slice(), citizen.1.as_slice(), "nca-rsa");
    let portal = Applicant::new(&site, &k.portal, "portal", by_citizen);
    let y = year();

    // The public catalogue.
    let r = site.get("/v1/providers", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.json();
    assert_eq!(list["providers"][1]["bin"], B);
    assert_eq!(list["providers"][1]["number_prefix"], "AUD");
    assert_eq!(list["centres"][0]["bin"], CENTRE);

    // A service both provide needs the provider; one only A provides does not.
    let (s, b) = portal.submit("housing-queue", None, "x").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(
        b["detail"].as_str().unwrap().contains(&format!("{A}, {B}")),
        "{b}"
    );
    let (s, b) = portal.submit("unemployed-certificate", Some(B), "x").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let (s, b) = portal.submit("unemployed-certificate", None, "u").await;
    assert_eq!(
        (s, b["number"].clone()),
        (StatusCode::CREATED, json!(format!("{y}-ZHO-000001"))),
        "{b}"
    );
    assert_eq!(b["provider"], A);

    // Numbers are per provider and gap-free.
    let (_, a2) = portal.submit("housing-queue", Some(A), "a").await;
    let (_, b1) = portal.submit("housing-queue", Some(B), "b").await;
    assert_eq!(a2["number"], format!("{y}-ZHO-000002"));
    assert_eq!(b1["number"], format!("{y}-AUD-000001"));
    assert_eq!(b1["provider"], B);

    // B's employee submits for B, with B's certificate only.
    let emp_b = officer_of_b(&site, "employee-b");
    let by_emp_b = (emp_b.0.as_slice(), emp_b.1.as_slice(), "nca-ec");
    let emp_b_with_b_cert = Applicant::new(&site, &k.emp[1], "provider", by_emp_b);
    let emp_a_with_b_cert = Applicant::new(&site, &k.emp[0], "provider", by_emp_b);
    let (s, b2) = emp_b_with_b_cert
        .submit("housing-assistance", None, "e")
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b2}");
    assert_eq!(b2["number"], format!("{y}-AUD-000002"));
    let (s, b) = emp_b_with_b_cert
        .submit("housing-assistance", Some(A), "f")
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
        "{b}"
    );
    let (s, b) = emp_a_with_b_cert
        .submit("housing-assistance", None, "g")
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "A's key with B's certificate: {b}"
    );
    let emp_a = person("employee");
    let by_emp_a = (emp_a.0.as_slice(), emp_a.1.as_slice(), "nca-rsa");
    let emp_b_with_a_cert = Applicant::new(&site, &k.emp[1], "provider", by_emp_a);
    let (s, b) = emp_b_with_a_cert
        .submit("housing-assistance", None, "h")
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "B's key with A's certificate: {b}"
    );

    // The centre takes applications for A only.
    let op = person("operator");
    let by_op = (op.0.as_slice(), op.1.as_slice(), "nca-rsa");
    let centre = Applicant::new(&site, &k.operator, "operator", by_op);
    let (s, b) = centre.submit("housing-queue", Some(B), "o").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(
        b["detail"]
            .as_str()
            .unwrap()
            .contains("through this service centre"),
        "{b}"
    );
    let (s, a3) = centre.submit("housing-queue", None, "o").await;
    assert_eq!(
        (s, a3["number"].clone()),
        (StatusCode::CREATED, json!(format!("{y}-ZHO-000003"))),
        "{a3}"
    );
    let b1n = b1["number"].as_str().unwrap();
    let (s, _) = site
        .get_json(&format!("/v1/applications/{b1n}"), &k.operator)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let a3n = a3["number"].as_str().unwrap();
    let (s, _) = site
        .get_json(&format!("/v1/applications/{a3n}"), &k.operator)
        .await;
    assert_eq!(s, StatusCode::OK);

    // No route lets one provider's keys near the other's applications.
    let a2n = a2["number"].as_str().unwrap();
    foreign_keys_see_nothing(&site, &k, a2n, 0).await;
    foreign_keys_see_nothing(&site, &k, b1n, 1).await;

    // B's head may not sign with A's head's key (A's BIN on the certificate).
    let (s, _) = site
        .post_json(
            &format!("/v1/applications/{b1n}/decision"),
            &k.emp[1],
            json!({ "decision": "approval" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = site
        .post_json(
            &format!("/v1/applications/{b1n}/sign"),
            &k.emp[1],
            json!({ "key_id": "employee" }),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
        "{b}"
    );
    assert!(b["detail"].as_str().unwrap().contains(B), "{b}");

    // The officers' queues hold their own provider's applications.
    let (s, b) = site
        .post_json(
            &format!("/v1/applications/{b1n}/sign"),
            &k.emp[1],
            json!({ "key_id": "employee-b" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, qa) = site.get_json("/v1/officer/queue", &k.head[0]).await;
    let (_, qb) = site.get_json("/v1/officer/queue", &k.head[1]).await;
    assert_eq!(qa["applications"], json!([]), "{qa}");
    assert_eq!(qb["applications"][0]["number"], b1n, "{qb}");
    assert_eq!(qb["applications"].as_array().unwrap().len(), 1);

    // The whole flow for both, side by side.
    let (s, b) = site
        .post_json(
            &format!("/v1/applications/{b1n}/sign"),
            &k.head[1],
            json!({ "key_id": "head-b" }),
        )
        .await;
    assert_eq!(
        (s, &b["status"]),
        (StatusCode::OK, &json!("result_signed")),
        "{b}"
    );
    let done_a = run_flow(&site, &k, 0, a2n, ("employee", "head")).await;
    let b2n = b2["number"].as_str().unwrap();
    let done_b = run_flow(&site, &k, 1, b2n, ("employee-b", "head-b")).await;
    assert_eq!(
        (done_a["status"].clone(), done_b["status"].clone()),
        (json!("delivered"), json!("delivered"))
    );
    for (n, i) in [(a2n, 0), (b2n, 1)] {
        let (s, _) = site
            .get_json(&format!("/v1/applications/{n}/result.pdf"), &k.head[i])
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = site
            .get_json(&format!("/v1/applications/{n}/result.pdf"), &k.head[1 - i])
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }

    // Survey reports count one provider's applications.
    let (s, b) = site
        .post_json(
            &format!("/v1/applications/{b2n}/survey?iin={CITIZEN_IIN}"),
            &k.portal,
            json!({ "process": "fully", "information": "fully" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let count = |v: &Value| {
        v["services"]["housing-assistance"]["responses"]
            .as_i64()
            .unwrap_or(0)
    };
    let (_, ra) = site.get_json("/v1/reports/survey", &k.head[0]).await;
    let (_, rb) = site.get_json("/v1/reports/survey", &k.head[1]).await;
    let (_, all) = site.get_json("/v1/reports/survey", &k.admin).await;
    assert_eq!(
        (count(&ra), count(&rb), count(&all)),
        (0, 1, 1),
        "{ra} {rb} {all}"
    );
    assert_eq!(rb["provider"], B);
    let (s, _) = site
        .get_json(&format!("/v1/reports/survey?provider={B}"), &k.head[0])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Overdue lists: one overdue application of B, registered long ago.
    let (old, _) = site
        .state
        .store
        .register(&qoltanba::store::applications::NewApplication {
            provider: B,
            prefix: "AUD",
            year: y,
            service: "housing-queue",
            channel: "portal",
            iin: CITIZEN_IIN,
            request_sha256: &"ab".repeat(32),
            request: "{}",
            envelope: "",
            at: 0,
            deadline: "2000-01-01",
            stages: "[]",
            created_by: "test",
        })
        .await
        .unwrap();
    assert_eq!(old.number, format!("{y}-AUD-000003"));
    let numbers = |v: &Value| -> Vec<String> {
        v["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["number"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, oa) = site.get_json("/v1/applications/overdue", &k.emp[0]).await;
    let (_, ob) = site.get_json("/v1/applications/overdue", &k.emp[1]).await;
    let (_, oall) = site
        .get_json(&format!("/v1/applications/overdue?provider={B}"), &k.admin)
        .await;
    assert_eq!(numbers(&oa), Vec::<String>::new());
    assert_eq!(numbers(&ob), vec![old.number.clone()]);
    assert_eq!(numbers(&oall), vec![old.number.clone()]);
    let (s, _) = site
        .get_json(&format!("/v1/applications/overdue?provider={B}"), &k.emp[0])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = site
        .get_json("/v1/applications/overdue?provider=999999999999", &k.admin)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A provider-role key bound to no provider is refused where there are two.
    let unbound = site.key(Role::Head).await;
    let (s, b) = site.get_json("/v1/officer/queue", &unbound).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
        "{b}"
    );
    assert!(b["detail"].as_str().unwrap().contains("--org"), "{b}");
}

#[tokio::test]
async fn two_providers_side_by_side_on_sqlite() {
    side_by_side(None).await;
}

#[tokio::test]
async fn two_providers_side_by_side_on_postgresql() {
    if let Some(url) = common::fresh_postgres("qt_providers").await {
        side_by_side(Some(url)).await;
    }
}

fn cli(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_qoltanba"));
    c.args(args)
        .env("QOLTANBA_DATA_DIR", dir.path())
        .env_remove("QOLTANBA_PROVIDERS_FILE")
        .env_remove("QOLTANBA_PROVIDER_BIN");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn providers_cli_lists_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, catalogue()).unwrap();
    let (code, out, err) = cli(&["providers", "check", good.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 providers, 1 service centres: OK"), "{out}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        catalogue()
            .replace("130540000211", "130540000219")
            .replace("\"AUD\"", "\"ZHO\""),
    )
    .unwrap();
    let (code, out, err) = cli(&["providers", "check", bad.to_str().unwrap()], &[]);
    assert_eq!(code, 1, "{out}{err}");
    let shown = bad.display().to_string();
    assert!(err.starts_with("PROVIDERS_INVALID"), "{err}");
    assert!(
        err.contains(&format!(
            "{shown}:11: provider[2].bin: \"130540000219\" is not a BIN"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{shown}:15: provider[2].number_prefix: ZHO is another provider's prefix too (line 8)"
        )),
        "{err}"
    );
    let (code, out, _) = cli(
        &[
            "providers",
            "check",
            "--format",
            "json",
            bad.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "PROVIDERS_INVALID");
    assert_eq!(v["problems"][0]["line"], 11);
    assert_eq!(v["problems"][0]["field"], "provider[2].bin");

    // The configured catalogue, or the demo one.
    let (code, out, _) = cli(&["providers", "list"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("provider {A}  prefix {A}")), "{out}");
    let (code, out, _) = cli(
        &["providers", "list", "--format", "json"],
        &[("QOLTANBA_PROVIDERS_FILE", good.to_str().unwrap())],
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["providers"][1]["bin"], B);

    // API keys are bound to an organisation of the catalogue.
    let env = [("QOLTANBA_PROVIDERS_FILE", good.to_str().unwrap())];
    let (code, out, err) = cli(
        &[
            "keys", "api", "create", "--role", "head", "--name", "h", "--org", B,
        ],
        &env,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .contains(&format!("role head org {B}")),
        "{out}"
    );
    let (code, _, err) = cli(
        &[
            "keys", "api", "create", "--role", "operator", "--name", "o", "--org", B,
        ],
        &env,
    );
    assert_ne!(code, 0);
    assert!(err.contains("no service centre with this BIN"), "{err}");
    let (code, _, err) = cli(
        &[
            "keys", "api", "create", "--role", "portal", "--name", "p", "--org", A,
        ],
        &env,
    );
    assert_ne!(code, 0);
    assert!(err.contains("acts for no one organisation"), "{err}");

    // A service that starts with a broken catalogue says where it is broken.
    let (code, _, err) = cli(
        &["providers", "list"],
        &[("QOLTANBA_PROVIDERS_FILE", bad.to_str().unwrap())],
    );
    assert_ne!(code, 0);
    assert!(err.contains(&format!("{shown}:11:")), "{err}");
}
