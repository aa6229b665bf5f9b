//! A stand-in NCALayer for browser tests: a loopback WebSocket server that
//! speaks NCALayer's JSON (the greeting `{"result":{"version":…}}`,
//! `kz.gov.pki.knca.commonUtils` `getKeyInfo` / `createCAdESFromBase64` with
//! `{"code":"200","responseObject":…}`, and `kz.gov.pki.knca.basics` `sign`
//! with `{"status":true,"body":{"result":[CMS]}}`) and signs with a test key
//! (CAdES, detached, as NCALayer makes it). Every request is recorded.

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::Message;

/// Makes the detached CMS over data.
pub type CmsMaker = Arc<dyn Fn(&[u8]) -> Vec<u8> + Send + Sync>;

/// A running stand-in.
pub struct StandIn {
    /// `ws://127.0.0.1:PORT`.
    pub url: String,
    /// The requests received, in order.
    pub requests: Arc<Mutex<Vec<Value>>>,
}

/// Starts a stand-in holding `cert_der`, signing with `sign`. `legacy`: an
/// NCALayer without the basics module (answers it as an unknown module).
pub async fn start(cert_der: Vec<u8>, sign: CmsMaker, legacy: bool) -> StandIn {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("ws://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = requests.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (cert, sign, log) = (cert_der.clone(), sign.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                let hello = json!({ "result": { "version": if legacy { "1.2" } else { "1.4" } } });
                if ws.send(Message::text(hello.to_string())).await.is_err() {
                    return;
                }
                while let Some(Ok(msg)) = ws.next().await {
                    let Message::Text(text) = msg else { continue };
                    let req: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                    log.lock().expect("log").push(req.clone());
                    let answer = answer(&req, &cert, &sign, legacy);
                    if ws.send(Message::text(answer.to_string())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    StandIn { url, requests }
}

fn answer(req: &Value, cert: &[u8], sign: &CmsMaker, legacy: bool) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    let module = req["module"].as_str().unwrap_or("");
    let method = req["method"].as_str().unwrap_or("");
    match (module, method) {
        ("kz.gov.pki.knca.commonUtils", "getKeyInfo") => {
            let c = qoltanba::pki::cert::Certificate::from_der(cert).expect("certificate");
            let pem = pem::encode(&pem::Pem::new("CERTIFICATE", cert.to_vec()));
            json!({ "code": "200", "responseObject": {
                "alias": c.serial_hex().to_lowercase(),
                "keyId": c.serial_hex().to_lowercase(),
                "algorithm": "ECGOST34310 / RSA",
                "serialNumber": c.serial_hex().to_lowercase(),
                "subjectCn": c.subject.cn.clone().unwrap_or_default(),
                "pem": pem,
            } })
        }
        ("kz.gov.pki.knca.commonUtils", "createCAdESFromBase64") => {
            let args = req["args"].as_array().cloned().unwrap_or_default();
            let data = args.get(2).and_then(Value::as_str).unwrap_or("");
            match b64.decode(data) {
                Ok(d) => json!({ "code": "200", "responseObject": b64.encode(sign(&d)) }),
                Err(_) => json!({ "code": "500", "message": "data is not base64" }),
            }
        }
        ("kz.gov.pki.knca.basics", "sign") if !legacy => {
            let args = &req["args"];
            let data = args["data"].as_str().unwrap_or("");
            let decoded = match (args["signingParams"]["decode"].as_bool(), b64.decode(data)) {
                (Some(true), Ok(d)) => d,
                (Some(true), Err(_)) => {
                    return json!({ "status": false, "code": "500", "message": "data is not base64" });
                }
                _ => data.as_bytes().to_vec(),
            };
            json!({ "status": true, "body": { "result": [b64.encode(sign(&decoded))] } })
        }
        _ => {
            json!({ "code": "500", "message": format!("module {module} method {method} not found") })
        }
    }
}
