//! Replays every answer recorded from real FastAPI (`tests/fixtures/fastapi/*.json`) against the
//! demo API and fails on any difference: status, every header name, value and position (uvicorn's
//! own `date` and `server` aside), body bytes. Parts listed in `dynamic` (a freshly minted
//! `access_token`) are checked by meaning. Every case goes through `router(cfg).oneshot`, and
//! again as raw bytes over real HTTP on loopback (hyper must not reorder or add headers).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;

use apisec_tutor::lab::pyish::latin1;
use apisec_tutor::lab::tokens::{self, Secret};
use apisec_tutor::lab::{FastApiVersion, LabConfig, router, server};
use common::fixtures::{self, Answer, Case, FastApiFile as FixtureFile, Sent as FixtureRequest};

fn fixture_files() -> Vec<(PathBuf, FixtureFile)> {
    // `APISEC_FIXTURES_DIR` replays another recording in the same format (e.g. a larger,
    // randomly generated one) without touching the committed fixtures.
    let dir = std::env::var_os("APISEC_FIXTURES_DIR").map_or_else(fixtures::fastapi_dir, PathBuf::from);
    let files = fixtures::read_all(&dir);
    assert!(files.len() >= 2, "expected one fixture file per FastAPI version in {}", dir.display());
    files
}

fn config(file: &FixtureFile, case: &Case) -> LabConfig {
    assert!(
        apisec_tutor::lab::engine::AppSet::shipped().get(&case.app).is_some(),
        "{}: no shipped lab app {}",
        case.id,
        case.app
    );
    let app = case.app.clone();
    LabConfig::new(FastApiVersion::parse(&file.fastapi).unwrap(), case.cors)
        .with_secret(Secret::new(file.jwt_secret.as_bytes()))
        .with_app(app)
        // Where `Host` is missing or refused, Starlette uses the server's address: the recordings
        // state 127.0.0.1:8000 for it.
        .with_port(8000)
}

async fn oneshot(cfg: LabConfig, req: &FixtureRequest) -> Answer {
    // The server encodes what hyper's URI parser refuses (see lab::target_quirks); so does this.
    let target = apisec_tutor::lab::target_quirks::encode_target(&req.target);
    fixtures::oneshot(router(cfg), &req.method, &target, &req.headers, req.body.clone()).await
}

/// Compares one answer with the recording; returns every difference.
fn differences(file: &FixtureFile, case: &Case, got: &Answer) -> Vec<String> {
    let want = &case.response;
    let mut diffs = Vec::new();
    if got.status != want.status {
        diffs.push(format!("status {} (real FastAPI: {})", got.status, want.status));
    }
    let dynamic_body = case.dynamic.iter().any(|d| d.starts_with("body."));
    let keep =
        |(n, _): &&(String, String)| n != "date" && n != "server" && !(dynamic_body && n == "content-length");
    let got_headers: Vec<&(String, String)> = got.headers.iter().filter(keep).collect();
    let want_headers: Vec<&(String, String)> = want.headers.iter().filter(keep).collect();
    if got_headers != want_headers {
        diffs.push(format!("headers {got_headers:?}\n      (real FastAPI: {want_headers:?})"));
    }
    if dynamic_body {
        diffs.extend(dynamic_differences(file, case, got));
    } else if got.body != want.body.as_bytes() {
        diffs.push(format!("body {:?} (real FastAPI: {:?})", String::from_utf8_lossy(&got.body), want.body));
    }
    diffs
}

/// `body.access_token`: same keys and other values; the token is an HS256 JWT signed with the
/// fixture secret, with the recorded token's `sub`, `scope` and `role`, expiring in ~30 minutes.
fn dynamic_differences(file: &FixtureFile, case: &Case, got: &Answer) -> Vec<String> {
    let mut diffs = Vec::new();
    let want: serde_json::Value = serde_json::from_str(&case.response.body).unwrap();
    let Ok(mut ours) = serde_json::from_slice::<serde_json::Value>(&got.body) else {
        return vec![format!("body is not JSON: {:?}", String::from_utf8_lossy(&got.body))];
    };
    if let Some(len) = got.headers.iter().find(|(n, _)| n == "content-length")
        && len.1 != got.body.len().to_string()
    {
        diffs.push(format!("content-length {} but the body has {} bytes", len.1, got.body.len()));
    }
    let ours_keys: Vec<&String> = ours.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    let want_keys: Vec<&String> = want.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    if ours_keys != want_keys {
        diffs.push(format!("body keys {ours_keys:?} (real FastAPI: {want_keys:?})"));
    }
    // Key order, too: serde_json sorts, so compare the raw text position of each key.
    let raw = String::from_utf8_lossy(&got.body).into_owned();
    if raw.find("\"access_token\"") > raw.find("\"token_type\"") {
        diffs.push("access_token must come before token_type".into());
    }
    for path in &case.dynamic {
        let key = path.trim_start_matches("body.");
        let token = ours.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let recorded = want.get(key).and_then(|v| v.as_str()).unwrap_or_default();
        let secret = Secret::new(file.jwt_secret.as_bytes());
        diffs.extend(
            fixtures::token_differences(&secret, &token, recorded)
                .into_iter()
                .map(|d| format!("{path}: {d}")),
        );
        if let Ok(claims) = tokens::verify(&token, &secret) {
            let exp = claims.get("exp").and_then(serde_json::Value::as_u64).unwrap_or(0);
            let ahead = exp.saturating_sub(tokens::now());
            if !(1700..=1800).contains(&ahead) {
                diffs.push(format!("{path}: exp is {ahead}s ahead, not ~30 minutes"));
            }
        }
        if let Some(obj) = ours.as_object_mut() {
            obj.remove(key);
        }
    }
    let mut want_rest = want.clone();
    for path in &case.dynamic {
        if let Some(obj) = want_rest.as_object_mut() {
            obj.remove(path.trim_start_matches("body."));
        }
    }
    if ours != want_rest {
        diffs.push(format!("body outside dynamic parts {ours} (real FastAPI: {want_rest})"));
    }
    diffs
}

#[tokio::test]
async fn every_recorded_answer_is_reproduced_by_the_router() {
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (path, file) in fixture_files() {
        let mut passed = 0;
        for case in &file.cases {
            let got = oneshot(config(&file, case), &case.request).await;
            let diffs = differences(&file, case, &got);
            if diffs.is_empty() {
                passed += 1;
            } else {
                failures.push(format!("{} {}:\n    {}", file.fastapi, case.id, diffs.join("\n    ")));
            }
        }
        summary.push(format!("{passed}/{} for {} ({})", file.cases.len(), file.fastapi, path.display()));
    }
    println!("{}", summary.join("\n"));
    assert!(
        failures.is_empty(),
        "{} difference(s) from real FastAPI:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        summary.join("\n")
    );
}

/// Sends the recorded bytes over a real socket and reads one HTTP/1.1 response.
fn raw_http(port: u16, req: &FixtureRequest) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut wire = format!("{} {} HTTP/1.1\r\n", req.method, req.target).into_bytes();
    for (name, value) in &req.headers {
        wire.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    wire.extend_from_slice(b"\r\n");
    if let Some(body) = &req.body {
        wire.extend_from_slice(body.as_bytes());
    }
    stream.write_all(&wire).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed before the headers ended");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = latin1(&buf[..head_end]);
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    let length: usize = if req.method == "HEAD" {
        0
    } else {
        headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap())
    };
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed inside the body");
        body.extend_from_slice(&chunk[..n]);
    }
    Answer { status, headers, body }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_answer_is_reproduced_over_real_http() {
    let mut failures = Vec::new();
    let mut sent = 0;
    for (_, file) in fixture_files() {
        for case in &file.cases {
            let lab = server::start(config(&file, case)).await.unwrap();
            let port = lab.addr.port();
            let got = tokio::task::spawn_blocking({
                let req = case.request.clone();
                move || raw_http(port, &req)
            })
            .await
            .unwrap();
            lab.shutdown().await.unwrap();
            let diffs = differences(&file, case, &got);
            sent += 1;
            if !diffs.is_empty() {
                failures.push(format!(
                    "{} {} (over HTTP):\n    {}",
                    file.fastapi,
                    case.id,
                    diffs.join("\n    ")
                ));
            }
        }
    }
    assert!(sent > 100, "only {sent} cases sent over HTTP");
    assert!(failures.is_empty(), "{} difference(s):\n{}", failures.len(), failures.join("\n"));
}

/// The facts were bisected: nothing changed between 0.115.14 and 0.121.3, nor (per FastAPI's
/// Starlette pins, see `lab::version`) between 0.133.0 and 0.165.0. So each recording must also
/// hold, answer for answer, for the other end of its range.
#[tokio::test]
async fn each_recording_holds_across_its_unchanged_release_range() {
    let mut failures = Vec::new();
    for (_, file) in fixture_files() {
        let twin = match file.fastapi.as_str() {
            "0.115.14" => "0.121.3",
            "0.165.0" => "0.133.0",
            other => panic!("no twin release known for {other}"),
        };
        for case in &file.cases {
            let mut cfg = config(&file, case);
            cfg.fastapi = FastApiVersion::parse(twin).unwrap();
            let diffs = differences(&file, case, &oneshot(cfg, &case.request).await);
            if !diffs.is_empty() {
                failures.push(format!(
                    "{twin} (recorded on {}) {}:\n    {}",
                    file.fastapi,
                    case.id,
                    diffs.join("\n    ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
