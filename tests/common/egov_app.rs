//! A client that plays the eGov mobile app over loopback HTTP: reads the QR
//! text (`mobileSign:` + API 1), calls API 1 (once), API 2 with the one-time
//! `auth_token`, signs `documentsToSign` with the key it is given (a
//! detached CMS, `CMS_SIGN_ONLY`, as the app does) and PUTs the signed list
//! back. The protocol's field names are asserted on the way.

use base64::Engine;
use serde_json::{Value, json};

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The app, over HTTP: (status, JSON).
pub fn http(method: &str, url: &str, auth: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut resp = match (method, body) {
        ("GET", _) => {
            let mut r = agent.get(url);
            if let Some(a) = auth {
                r = r.header("Authorization", &format!("Bearer {a}"));
            }
            r.call()
        }
        (_, Some(b)) => {
            let mut r = agent.put(url).header("Content-Type", "application/json");
            if let Some(a) = auth {
                r = r.header("Authorization", &format!("Bearer {a}"));
            }
            r.send(b.to_string().as_bytes())
        }
        _ => panic!("GET or PUT with a body"),
    }
    .expect("the service answers");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The URL of API 1 in a QR text.
pub fn api1_url(qr: &str) -> String {
    qr.strip_prefix("mobileSign:")
        .expect("mobileSign: QR")
        .to_string()
}

/// What the app does after scanning: API 1, API 2, `sign` over the data of
/// the one document (checked to have `mime`), PUT. Answers the PUT's status
/// and body; checks that the session's URLs are closed afterwards.
pub async fn the_app_signs(
    qr: &str,
    mime: &'static str,
    sign: impl FnOnce(&[u8]) -> Vec<u8> + Send + 'static,
) -> (u16, Value) {
    let api = api1_url(qr);
    tokio::task::spawn_blocking(move || {
        let (status, info) = http("GET", &api, None, None);
        assert_eq!(status, 200, "{info}");
        assert!(
            info["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{info}"
        );
        assert_eq!(info["document"]["auth_type"], "Token");
        let expiry = info["expiry_date"].as_str().expect("expiry_date");
        assert!(expiry.ends_with(".000+00:00"), "{expiry}");
        assert!(
            info["organisation"]["bin"]
                .as_str()
                .is_some_and(|b| b.len() == 12),
            "{info}"
        );
        for name in ["nameRu", "nameKz", "nameEn"] {
            assert!(info["organisation"][name].as_str().is_some(), "{info}");
        }
        // API 1 answers once.
        assert_eq!(http("GET", &api, None, None).0, 404);
        let uri = info["document"]["uri"].as_str().expect("uri").to_string();
        let auth = info["document"]["auth_token"]
            .as_str()
            .expect("token")
            .to_string();
        assert_eq!(http("GET", &uri, None, None).0, 401);
        assert_eq!(http("GET", &uri, Some("wrong"), None).0, 401);
        let (status, mut docs) = http("GET", &uri, Some(&auth), None);
        assert_eq!(status, 200, "{docs}");
        assert_eq!(docs["signMethod"], "CMS_SIGN_ONLY");
        let doc = &docs["documentsToSign"][0];
        assert_eq!(doc["id"], 1);
        for name in ["nameRu", "nameKz", "nameEn"] {
            assert!(doc[name].as_str().is_some(), "{doc}");
        }
        assert!(doc["meta"][0]["name"].as_str().is_some(), "{doc}");
        let file = &doc["document"]["file"];
        assert_eq!(file["mime"], mime);
        let data = b64()
            .decode(file["data"].as_str().expect("data"))
            .expect("base64");
        let cms = sign(&data);
        docs["documentsToSign"][0]["document"]["file"]["data"] = json!(b64().encode(&cms));
        let answer = http("PUT", &uri, Some(&auth), Some(&docs));
        // The session is closed either way.
        assert_eq!(http("PUT", &uri, Some(&auth), Some(&docs)).0, 404);
        assert_eq!(http("GET", &uri, Some(&auth), None).0, 404);
        answer
    })
    .await
    .expect("the app ran")
}

/// `the_app_signs` with the demo person `who`'s key (RSA national CA), the
/// document's data first `check`ed.
pub async fn the_app_signs_as(
    qr: &str,
    mime: &'static str,
    who: &'static str,
    check: fn(&[u8]),
) -> (u16, Value) {
    the_app_signs(qr, mime, move |data| {
        check(data);
        super::demo::signed(who, "nca-rsa", data)
    })
    .await
}
