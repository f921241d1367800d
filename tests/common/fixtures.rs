//! The answers recorded from real FastAPI (`scripts/record-fastapi-fixtures`): the file formats
//! of `tests/fixtures/fastapi/<version>.json` (one request per case) and
//! `tests/fixtures/lab-apps/<version>.json` (lab-app scenarios, requests in order), and what the
//! replays of both need: sending a recorded request to the demo API and comparing issued tokens.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use apisec_tutor::lab::CorsMode;
use apisec_tutor::lab::pyish::latin1;
use apisec_tutor::lab::tokens::{self, Secret};
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request};
use http_body_util::BodyExt;
use serde::Deserialize;
use tower::ServiceExt;

/// `tests/fixtures/fastapi/<version>.json`.
#[derive(Debug, Deserialize)]
pub struct FastApiFile {
    pub fastapi: String,
    pub jwt_secret: String,
    pub cases: Vec<Case>,
}

/// One request to one reference app, and real FastAPI's answer.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub id: String,
    pub app: String,
    pub cors: CorsMode,
    pub request: Sent,
    pub response: Received,
    /// Parts of the answer that differ on every run (`body.access_token`), compared by meaning.
    pub dynamic: Vec<String>,
}

/// `tests/fixtures/lab-apps/<version>.json`.
#[derive(Debug, Deserialize)]
pub struct LabAppFile {
    pub fastapi: String,
    pub jwt_secret: String,
    pub scenarios: Vec<LabAppScenario>,
}

/// One lab-app scenario, sent in order to the program `lab --code` writes for its app.
#[derive(Debug, Deserialize)]
pub struct LabAppScenario {
    pub scenario: String,
    pub app: String,
    pub vulnerable: bool,
    pub requests: Vec<Exchange>,
}

#[derive(Debug, Deserialize)]
pub struct Exchange {
    pub id: String,
    pub request: Sent,
    pub response: Received,
}

/// A request as it was sent, byte for byte (headers in order, as written).
#[derive(Debug, Clone, Deserialize)]
pub struct Sent {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// Real FastAPI's answer: header names lower-case, values decoded as latin-1, in wire order.
#[derive(Debug, Deserialize)]
pub struct Received {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the demo API answered, in the same shape.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn fastapi_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fastapi")
}

pub fn lab_apps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lab-apps")
}

/// Every `*.json` of a folder, parsed, in file-name order.
pub fn read_all<T: serde::de::DeserializeOwned>(dir: &Path) -> Vec<(PathBuf, T)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let parsed = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, parsed)
        })
        .collect()
}

/// Sends a request through the router in this process (no socket) and collects the answer.
pub async fn oneshot(
    app: axum::Router,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: Option<String>,
) -> Answer {
    let mut builder = Request::builder().method(method).uri(target);
    for (name, value) in headers {
        builder = builder.header(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    let request = builder.body(body.map_or_else(Body::empty, Body::from)).unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        // Header values are bytes; the recordings hold them decoded as latin-1, as Starlette does.
        .map(|(n, v)| (n.as_str().to_owned(), latin1(v.as_bytes())))
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, headers, body }
}

/// A token the demo API issued against the one real FastAPI issued for the same request: it
/// verifies with the recording's secret (HS256), has PyJWT's header bytes (the same first
/// segment) and the same `sub`, `scope` and `role` (`exp` follows the clock). Every difference.
pub fn token_differences(secret: &Secret, ours: &str, recorded: &str) -> Vec<String> {
    let mut diffs = Vec::new();
    match tokens::verify(ours, secret) {
        Err(e) => diffs.push(format!("our token does not verify: {e}")),
        Ok(claims) => {
            if ours.split('.').next() != recorded.split('.').next() {
                diffs.push(format!("header segment differs from PyJWT's: {ours} vs {recorded}"));
            }
            let Some((_, recorded_claims)) = tokens::inspect(recorded) else {
                diffs.push(format!("the recorded token is not a JWT: {recorded}"));
                return diffs;
            };
            for claim in ["sub", "scope", "role"] {
                if claims.get(claim) != recorded_claims.get(claim) {
                    diffs.push(format!(
                        "{claim} {:?} (real FastAPI: {:?})",
                        claims.get(claim),
                        recorded_claims.get(claim)
                    ));
                }
            }
        }
    }
    diffs
}
