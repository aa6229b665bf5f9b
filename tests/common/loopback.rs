//! Loopback HTTP/1.1 servers for the tests that go over the network (CRL
//! downloads, OCSP, registries): a port nobody listens on, one request read
//! whole, a file server and a server answering each POSTed body. Each
//! server runs on its own thread for the life of the test process.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A loopback port nobody listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Reads one request: its head (as sent) and its body (Content-Length
/// octets, or what arrived of them); `None` when the peer closes or fails
/// before the head is complete.
pub fn read_request(s: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
        let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..p]).into_owned();
        let len = head
            .lines()
            .find_map(|l| {
                let l = l.to_lowercase();
                let v = l.strip_prefix("content-length:")?;
                Some(v.trim().parse::<usize>().unwrap_or(0))
            })
            .unwrap_or(0);
        while buf.len() < p + 4 + len {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(k) => buf.extend_from_slice(&chunk[..k]),
            }
        }
        let end = (p + 4 + len).min(buf.len());
        return Some((head, buf[p + 4..end].to_vec()));
    }
}

/// The path of a request head's first line, without its leading `/`.
pub fn request_path(head: &str) -> &str {
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    path.trim_start_matches('/')
}

/// Writes a whole answer and closes: `status` such as `200 OK`, and a
/// Content-Type header when one is given.
pub fn reply(s: &mut TcpStream, status: &str, content_type: Option<&str>, body: &[u8]) {
    let ct = content_type
        .map(|t| format!("Content-Type: {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status}\r\n{ct}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body));
}

/// Files a test serves by name, changeable while the server runs.
pub type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// Serves GET /NAME from `files` (404 otherwise) for up to 200 connections;
/// returns the base URL (`http://127.0.0.1:PORT`).
pub fn serve_files(files: Files) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut s) = stream else { continue };
            let Some((head, _)) = read_request(&mut s) else {
                continue;
            };
            let body = files.lock().unwrap().get(request_path(&head)).cloned();
            match body {
                Some(b) => reply(&mut s, "200 OK", None, &b),
                None => reply(&mut s, "404 Not Found", None, b""),
            }
        }
    });
    base
}

/// Answers each of `n` requests' bodies with `answer` (200,
/// application/octet-stream); returns the URL (`http://127.0.0.1:PORT/`).
pub fn serve_posts(n: usize, answer: impl Fn(&[u8]) -> Vec<u8> + Send + 'static) -> String {
    serve_posts_as(n, "application/octet-stream", answer)
}

/// As `serve_posts`, the answers of type `content_type`.
pub fn serve_posts_as(
    n: usize,
    content_type: &'static str,
    answer: impl Fn(&[u8]) -> Vec<u8> + Send + 'static,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let Some((_, body)) = read_request(&mut s) else {
                continue;
            };
            let answer = answer(&body);
            reply(&mut s, "200 OK", Some(content_type), &answer);
        }
    });
    url
}
