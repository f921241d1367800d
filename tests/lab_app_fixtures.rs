//! Replays every lab-app scenario recorded from the programs `apisec-tutor lab --code` writes,
//! run under real FastAPI (`tests/fixtures/lab-apps/<version>.json`, made by
//! `scripts/record-fastapi-fixtures`), against the engine: status, every header in order
//! (uvicorn's `date` and `server` aside) and body bytes. Each scenario starts with fresh
//! rate-limit memory and sends its requests in order, as the recording did; the tokens real
//! FastAPI issued (and the later requests carry) are verified by meaning, not by bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

mod common;

use std::sync::Arc;

use apisec_tutor::lab::engine::AppSet;
use apisec_tutor::lab::tokens::Secret;
use apisec_tutor::lab::{CorsMode, FastApiVersion, LabConfig, router};
use common::fixtures::{self, LabAppFile as File, Received};

fn files() -> Vec<File> {
    let dir = fixtures::lab_apps_dir();
    let files: Vec<File> = fixtures::read_all(&dir).into_iter().map(|(_, f)| f).collect();
    assert_eq!(files.len(), 2, "one recording per pinned FastAPI version in {}", dir.display());
    files
}

fn differences(
    secret: &Secret,
    want: &Received,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<String> {
    let mut diffs = Vec::new();
    if status != want.status {
        diffs.push(format!("status {status} (real FastAPI: {})", want.status));
    }
    let theirs: Option<serde_json::Value> = serde_json::from_str(&want.body).ok();
    let issued = theirs.as_ref().and_then(|v| v.get("access_token")).and_then(|t| t.as_str());
    let keep = |(n, _): &&(String, String)| {
        n != "date" && n != "server" && !(issued.is_some() && n == "content-length")
    };
    let ours_h: Vec<&(String, String)> = headers.iter().filter(keep).collect();
    let want_h: Vec<&(String, String)> = want.headers.iter().filter(keep).collect();
    if ours_h != want_h {
        diffs.push(format!("headers {ours_h:?}\n      (real FastAPI: {want_h:?})"));
    }
    match issued {
        Some(theirs_token) => {
            let ours: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            let ours_token = ours.get("access_token").and_then(|t| t.as_str()).unwrap_or_default();
            diffs.extend(fixtures::token_differences(secret, ours_token, theirs_token));
            if ours.get("token_type") != theirs.as_ref().and_then(|v| v.get("token_type")) {
                diffs.push(format!("body {ours} (real FastAPI: {})", want.body));
            }
        }
        None if body != want.body.as_bytes() => {
            diffs.push(format!("body {:?} (real FastAPI: {:?})", String::from_utf8_lossy(body), want.body));
        }
        None => {}
    }
    diffs
}

#[tokio::test]
async fn every_lab_app_scenario_answers_as_its_generated_fastapi_program() {
    let shipped = AppSet::shipped();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files() {
        let version = FastApiVersion::parse(&file.fastapi).unwrap();
        let secret = Secret::new(file.jwt_secret.as_bytes());
        assert!(!file.scenarios.is_empty(), "{}: no lab-app scenarios recorded", file.fastapi);
        for s in &file.scenarios {
            assert!(shipped.get(&s.app).is_some(), "{}: no shipped lab app {}", s.scenario, s.app);
            // One engine per scenario, shared by its requests: the rate limiter remembers.
            let cfg = LabConfig::new(version, CorsMode::Off)
                .with_secret(secret.clone())
                .with_apps(Arc::new(shipped.fresh()))
                .with_app(s.app.clone())
                .with_vulnerable(s.vulnerable)
                .with_port(8000);
            let app = router(cfg);
            // The recording's later requests carry the token real FastAPI issued (expired by
            // now): the engine is sent the one it issued itself at the same step, as the lab's
            // captures do.
            let mut issued: Vec<(String, String)> = Vec::new();
            let ours = |text: &str, issued: &[(String, String)]| {
                issued.iter().fold(text.to_owned(), |t, (theirs, mine)| t.replace(theirs.as_str(), mine))
            };
            let token = |text: &[u8]| {
                serde_json::from_slice::<serde_json::Value>(text)
                    .ok()
                    .and_then(|v| v.get("access_token").and_then(|t| t.as_str()).map(str::to_owned))
            };
            for x in &s.requests {
                let target = ours(&x.request.target, &issued);
                let headers: Vec<(String, String)> =
                    x.request.headers.iter().map(|(n, v)| (n.clone(), ours(v, &issued))).collect();
                let body = x.request.body.as_deref().map(|b| ours(b, &issued));
                let answer = fixtures::oneshot(app.clone(), &x.request.method, &target, &headers, body).await;
                let (status, headers, body) = (answer.status, answer.headers, answer.body);
                if let (Some(theirs), Some(mine)) = (token(x.response.body.as_bytes()), token(&body)) {
                    issued.push((theirs, mine));
                }
                count += 1;
                for d in differences(&secret, &x.response, status, &headers, &body) {
                    failures.push(format!(
                        "{} {} {}{}: {d}",
                        file.fastapi,
                        s.scenario,
                        x.id,
                        if s.vulnerable { " (twin)" } else { "" }
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} answers differ:\n{}", failures.len(), failures.join("\n"));
    assert!(count >= 20, "only {count} requests recorded");
}
