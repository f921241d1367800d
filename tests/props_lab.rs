//! Property test of the demo API over real HTTP: arbitrary request bytes on a TCP connection to
//! a running lab (the same server `serve` and the TUI start). The router's own property test
//! (src/lab/router.rs) sends typed requests through `oneshot`; this one goes through hyper's
//! parser too, with what a typed request cannot hold: control bytes and high bytes in header
//! values, odd header names, odd methods, raw targets, duplicate and conflicting headers.
//!
//! Whatever arrives: never a 5xx, the server keeps answering, and every answer has FastAPI's
//! shape — a JSON body with `detail` for an error, a JSON body for a success, Starlette's plain
//! text for a refused CORS preflight, or no body where FastAPI/uvicorn send none (HEAD,
//! redirects, and requests HTTP itself rejects).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use apisec_tutor::lab::server::{self, RunningLab};
use apisec_tutor::lab::tokens::Secret;
use apisec_tutor::lab::{CorsMode, FastApiVersion, LabConfig};
use proptest::prelude::*;

/// One lab for the whole file, on its own runtime thread (it lives until the process exits).
fn lab() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = server::runtime().unwrap();
            rt.block_on(async move {
                let cfg = LabConfig::new(FastApiVersion::default(), CorsMode::Wildcard)
                    .with_secret(Secret::new("props-secret"));
                let mut lab: RunningLab = server::start(cfg).await.unwrap();
                if let Some(mut rx) = lab.trace.take() {
                    tokio::spawn(async move { while rx.recv().await.is_some() {} });
                }
                tx.send(lab.addr).unwrap();
                std::future::pending::<()>().await;
            });
        });
        rx.recv().unwrap()
    })
}

/// Sends `raw` and reads until the server closes (every request says `Connection: close`).
fn exchange(raw: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(lab()).unwrap();
    // A guard against a hang, not a timing assertion: answers come in milliseconds.
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(raw).unwrap();
    let mut out = Vec::new();
    match stream.read_to_end(&mut out) {
        Ok(_) => {}
        // A server that answers and closes while unread request bytes remain resets the
        // connection; what was read before the reset is the answer.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("no answer to {:?}: {e}", String::from_utf8_lossy(raw)),
    }
    out
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse(raw: &[u8]) -> Option<Answer> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    // Lossy: an answer may echo a request's non-UTF-8 bytes (e.g. a reflected Origin).
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Answer { status, headers, body: raw[end + 4..].to_vec() })
}

const METHODS: &[&str] = &["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "get", "BREW", "G-T"];
const TARGETS: &[&str] = &[
    "/items/",
    "/items",
    "/data",
    "/secure",
    "/token",
    "/users/me",
    "/users/me/items",
    "/admin",
    "/apikey-query?api_key=k",
    "/apikey-cookie",
    "/http-bearer",
    "/http-basic",
    "/oauth2-optional",
    "/%69tems/",
    "/items/?a=%zz",
    "//items/",
    "/nope",
    "*",
    "http://127.0.0.1/items/",
    "/items/#frag",
];
const NAMES: &[&str] = &[
    "Authorization",
    "authorization",
    "X-API-Key",
    "Cookie",
    "Origin",
    "Content-Type",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "Host",
    "Transfer-Encoding",
    "Content-Length",
    "X-Forwarded-Host",
    "Expect",
];

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}",
        // Not a token: hyper must refuse it, not crash.
        1 => "[ -~]{1,8}",
    ]
}

/// Header values as raw bytes: anything but CR and LF (which would end the line).
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(prop_oneof![0x00u8..0x0a, 0x0bu8..0x0d, 0x0eu8..=0xff], 0..48),
        2 => ("(Bearer|bearer|Basic|Token|) {0,3}", "[A-Za-z0-9._~+/=-]{0,40}")
            .prop_map(|(s, t)| format!("{s}{t}").into_bytes()),
        1 => Just(b"Bearer securetoken".to_vec()),
        1 => Just(b"application/x-www-form-urlencoded".to_vec()),
        1 => Just(b"https://evil.example".to_vec()),
        1 => Just(b"chunked".to_vec()),
    ]
}

fn request() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(METHODS),
        prop_oneof![prop::sample::select(TARGETS).prop_map(str::to_owned), "/[!-~]{0,24}"],
        prop::collection::vec((header_name(), header_value()), 0..6),
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            "(username|password|scope|grant_type)=[ -~]{0,10}(&(username|password)=[ -~]{0,10}){0,2}"
                .prop_map(String::into_bytes),
        ],
    )
        .prop_map(|(method, target, headers, body)| {
            let mut raw = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
            for (name, value) in headers {
                // Framing stays ours: the request must end where we say, or the server
                // would rightly wait for more bytes.
                let lower = name.to_ascii_lowercase();
                if ["content-length", "transfer-encoding", "connection", "expect"].contains(&lower.as_str()) {
                    continue;
                }
                raw.extend_from_slice(name.as_bytes());
                raw.extend_from_slice(b": ");
                raw.extend_from_slice(&value);
                raw.extend_from_slice(b"\r\n");
            }
            raw.extend_from_slice(
                format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes(),
            );
            raw.extend_from_slice(&body);
            raw
        })
}

fn is_json(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}

proptest! {
    // Cheap (well under a second per 256 cases), so more cases than usual.
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_requests_over_http_get_fastapis_answer_shape_and_never_a_5xx(raw in request()) {
        let answer = exchange(&raw);
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let parsed = parse(&answer);
        prop_assert!(parsed.is_some(), "no HTTP answer to {shown:?}: {:?}", String::from_utf8_lossy(&answer));
        let a = parsed.unwrap();
        prop_assert!(a.status < 500, "{} for {shown:?}", a.status);
        let ctype = a.headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.as_str());
        if a.body.is_empty() {
            // HEAD, redirects, CORS preflights without a body, and requests HTTP refuses.
        } else if a.status == 400 && shown.starts_with("OPTIONS ") && a.body.starts_with(b"Disallowed CORS ") {
            // Starlette's CORSMiddleware refuses a preflight in plain text, as real FastAPI does.
            prop_assert_eq!(ctype, Some("text/plain; charset=utf-8"));
        } else if a.status >= 400 {
            let json = is_json(&a.body);
            prop_assert!(
                json.as_ref().is_some_and(|j| j.get("detail").is_some()),
                "error without a JSON detail ({}, {ctype:?}): {:?} for {shown:?}",
                a.status, String::from_utf8_lossy(&a.body)
            );
        } else if a.status < 300 {
            // Successes are JSON, except the CORS preflight's plain-text "OK" (as Starlette).
            prop_assert!(
                is_json(&a.body).is_some() || (a.body == b"OK" && shown.starts_with("OPTIONS ")),
                "success that is not JSON ({}, {ctype:?}): {:?} for {shown:?}",
                a.status, String::from_utf8_lossy(&a.body)
            );
        }
    }
}

#[test]
fn the_lab_still_answers_a_good_request_after_the_properties() {
    // Runs in any order with the property; either way it proves the server is up and right.
    let answer = exchange(
        b"GET /items/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer securetoken\r\nConnection: close\r\n\r\n",
    );
    let a = parse(&answer).unwrap();
    assert_eq!(a.status, 200);
    assert_eq!(is_json(&a.body).unwrap()["items"][0], "apple");
}
