//! Headless Chromium driven over the DevTools protocol (a WebSocket): open a
//! page, evaluate JavaScript in it, wait for a condition. Enough for
//! browser tests of qoltanba's own pages; no timing is asserted, waits are
//! bounded only so a broken page fails instead of hanging.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A headless Chromium with one page attached.
pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: Socket,
    session: String,
    next_id: u64,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts Chromium and opens `url`.
    pub async fn open(url: &str) -> Browser {
        let profile = tempfile::tempdir().expect("tempdir");
        let child = Command::new("chromium")
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium is installed (./scripts/test installs it)");
        let port_file = profile.path().join("DevToolsActivePort");
        let mut text = String::new();
        for _ in 0..300 {
            if let Ok(t) = std::fs::read_to_string(&port_file)
                && t.lines().count() >= 2
            {
                text = t;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut lines = text.lines();
        let (port, path) = (lines.next().expect("port"), lines.next().expect("path"));
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}{path}"))
            .await
            .expect("DevTools connects");
        let mut b = Browser {
            child,
            _profile: profile,
            ws,
            session: String::new(),
            next_id: 0,
        };
        let target = b
            .send(
                "Target.createTarget",
                json!({ "url": "about:blank" }),
                false,
            )
            .await;
        let id = target["targetId"].as_str().expect("target").to_string();
        let attached = b
            .send(
                "Target.attachToTarget",
                json!({ "targetId": id, "flatten": true }),
                false,
            )
            .await;
        b.session = attached["sessionId"].as_str().expect("session").to_string();
        b.send("Page.enable", json!({}), true).await;
        b.send("Page.navigate", json!({ "url": url }), true).await;
        b.wait_for("document.readyState === 'complete' && !!document.getElementById('status')")
            .await;
        b
    }

    async fn send(&mut self, method: &str, params: Value, in_page: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if in_page {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .await
            .expect("sends");
        while let Some(Ok(m)) = self.ws.next().await {
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
            if v["id"] == json!(id) {
                assert!(v["error"].is_null(), "{method}: {v}");
                return v["result"].clone();
            }
        }
        panic!("DevTools closed during {method}");
    }

    /// The value of a JavaScript expression in the page (promises awaited).
    pub async fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .send(
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
                true,
            )
            .await;
        assert!(r["exceptionDetails"].is_null(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until `expression` is true (at most a minute).
    pub async fn wait_for(&mut self, expression: &str) {
        for _ in 0..600 {
            if self.eval(&format!("!!({expression})")).await == json!(true) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let status = self.eval("document.getElementById('status') && document.getElementById('status').textContent").await;
        panic!("the page never got to {expression}; status: {status}");
    }
}
