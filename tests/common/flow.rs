//! The steps of an application's flow that the officers' signing tests
//! share, on the `App` harness: a citizen's request submitted through the
//! portal and approved (awaiting the employee's signature), the two-phase
//! prepare and finish, the result the citizen downloads, and the verdict of
//! qoltanba's PDF verifier on it.

use super::app::App;
use super::demo::b64;
use super::web::CITIZEN_IIN;
use axum::http::StatusCode;
use qoltanba::pdf::verify::{PdfReport, PdfVerifyRequest};
use qoltanba::pki::TrustStore;
use serde_json::{Value, json};

/// The request a citizen (`iin`) signs: housing assistance.
pub fn citizen_request(iin: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "iin": iin, "service": "housing-assistance" })).unwrap()
}

/// The certificate of a demo person, as PEM text.
pub fn cert_pem(who: &str) -> String {
    std::fs::read_to_string(super::repo(&format!("certs/people/{who}.pem"))).unwrap()
}

/// The base64 in a JSON string, decoded.
pub fn unb64(v: &Value) -> Vec<u8> {
    use base64::Engine;
    let text = v.as_str().expect("a string");
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

/// qoltanba's verdict on a PDF against `trust` at `at`, the default policy.
pub fn verify_pdf(pdf: &[u8], trust: &TrustStore, at: i64) -> PdfReport {
    let req = PdfVerifyRequest {
        at,
        policy: Default::default(),
        extra: Default::default(),
        crls: Default::default(),
    };
    qoltanba::pdf::verify::verify_bytes(pdf, trust, &req)
}

impl App {
    /// An API key for each of the portal, the provider's employee and the
    /// head: `(portal, provider, head)`.
    pub async fn flow_keys(&self) -> (String, String, String) {
        use qoltanba::store::keys::Role;
        let portal = self.key(Role::Portal).await;
        let provider = self.key(Role::Provider).await;
        (portal, provider, self.key(Role::Head).await)
    }

    /// The demo citizen's application (signed with their RSA key at the
    /// service's time), approved: awaiting the employee's signature.
    pub async fn decided(&self, portal: &str, provider: &str) -> String {
        let request = citizen_request(CITIZEN_IIN);
        let envelope = super::demo::signed_at("citizen-rsa", "nca-rsa", &request, self.now());
        self.decided_with(portal, provider, &request, &envelope)
            .await
    }

    /// `request` with its `envelope` submitted through the portal, and
    /// approved by the provider: the application's number.
    pub async fn decided_with(
        &self,
        portal: &str,
        provider: &str,
        request: &[u8],
        envelope: &[u8],
    ) -> String {
        let service = "housing-assistance";
        let (status, v) = self
            .submit(portal, "portal", service, request, envelope)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let number = v["number"].as_str().expect("number").to_string();
        let approval = json!({ "decision": "approval" });
        let (status, v) = self.act(&number, "decision", provider, approval).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        number
    }

    /// As `decided`, and the draft signed on the server with the employee's
    /// key `key_id`: awaiting the head.
    pub async fn drafted(&self, portal: &str, provider: &str, key_id: &str) -> String {
        let number = self.decided(portal, provider).await;
        self.sign_with_key(&number, provider, key_id).await;
        number
    }

    /// `POST …/sign` with the server-held key `key_id`, which must succeed.
    pub async fn sign_with_key(&self, number: &str, token: &str, key_id: &str) -> Value {
        let body = json!({ "key_id": key_id });
        let (status, v) = self.act(number, "sign", token, body).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v
    }

    /// Two-phase prepare with `certificate` (PEM text or base64 DER): the
    /// answer, with `prepared_id` and `document_data`.
    pub async fn prepare(&self, number: &str, token: &str, certificate: &str) -> Value {
        let body = json!({ "certificate": certificate });
        let (status, p) = self.act(number, "sign/prepare", token, body).await;
        assert_eq!(status, StatusCode::OK, "{p}");
        p
    }

    /// Two-phase finish of `prepared` with the client's `cms`.
    pub async fn finish(
        &self,
        number: &str,
        token: &str,
        prepared: &Value,
        cms: &[u8],
    ) -> (StatusCode, Value) {
        let body = json!({ "prepared_id": prepared["prepared_id"], "cms": b64(cms) });
        self.act(number, "sign/finish", token, body).await
    }

    /// The result PDF as the citizen (`iin`) downloads it through the portal.
    pub async fn result_pdf(&self, number: &str, iin: &str, portal: &str) -> Vec<u8> {
        let path = format!("/v1/applications/{number}/result.pdf?iin={iin}");
        let (status, pdf) = self.raw(&path, portal).await;
        assert_eq!(status, StatusCode::OK);
        pdf
    }
}
