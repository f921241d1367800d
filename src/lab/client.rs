//! The lab's client: a content [`LabRequest`] becomes a concrete request (credential presets
//! minted, form body encoded), is sent over real HTTP with reqwest, and comes back as an
//! [`Outcome`]. Also: the same request as `curl`, `httpie` or a FastAPI `TestClient` test.

use std::time::{Duration, Instant};

use crate::content::LabRequest;

use super::LabError;
use super::tokens::{self, Secret};
use super::trace::REQUEST_ID_HEADER;

/// How long one request may take before it is reported as failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A request ready to send: headers in order, credentials filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: String,
    /// Path and query, e.g. `/items/?page=2`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: u16,
    /// In wire order, lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl Outcome {
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[must_use]
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Turns a content request into a concrete one. A `credential` preset is minted with `secret`
/// at time `now` and fills `Authorization: Bearer <token>` (replacing any `Authorization` line);
/// a `form` gets `content-type: application/x-www-form-urlencoded` unless a content type is given.
pub fn prepare(req: &LabRequest, secret: &Secret, now: u64) -> Result<Prepared, LabError> {
    let bad = |reason: String| LabError::BadRequest { request: req.id.clone(), reason };
    let mut headers = Vec::new();
    for line in &req.headers {
        let (name, value) =
            line.split_once(':').ok_or_else(|| bad(format!("header {line:?} has no colon")))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(bad(format!("header {line:?} has no name")));
        }
        headers.push((name.to_owned(), value.strip_prefix(' ').unwrap_or(value).to_owned()));
    }
    if let Some(preset) = &req.credential {
        let token = tokens::mint_preset(preset, secret, now)
            .ok_or_else(|| LabError::UnknownPreset(preset.clone()))??;
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
        headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
    }
    if req.form.is_some() && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
        headers.push(("Content-Type".to_owned(), "application/x-www-form-urlencoded".to_owned()));
    }
    if !req.path.starts_with('/') {
        return Err(bad(format!("path {:?} must start with /", req.path)));
    }
    Ok(Prepared {
        method: req.method.to_ascii_uppercase(),
        target: req.path.clone(),
        headers,
        body: req.form.clone(),
    })
}

/// A reqwest client for the demo API: no proxy (loopback must stay loopback), a timeout.
#[derive(Debug, Clone)]
pub struct LabClient {
    http: reqwest::Client,
    base_url: String,
}

impl LabClient {
    pub fn new(base_url: &str) -> Result<Self, LabError> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| LabError::Http(e.to_string()))?;
        Ok(Self { http, base_url: base_url.trim_end_matches('/').to_owned() })
    }

    /// Sends the request with `x-apisec-request-id: request_id`, so its trace can be found.
    pub async fn send(&self, p: &Prepared, request_id: &str) -> Result<Outcome, LabError> {
        let method =
            reqwest::Method::from_bytes(p.method.as_bytes()).map_err(|e| LabError::Http(e.to_string()))?;
        let mut builder = self
            .http
            .request(method, format!("{}{}", self.base_url, p.target))
            .header(REQUEST_ID_HEADER, request_id);
        for (name, value) in &p.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &p.body {
            builder = builder.body(body.clone());
        }
        let started = Instant::now();
        let response = builder.send().await.map_err(|e| LabError::Http(e.to_string()))?;
        let status = response.status().as_u16();
        let headers = header_pairs(response.headers());
        let body = response.bytes().await.map_err(|e| LabError::Http(e.to_string()))?.to_vec();
        Ok(Outcome { status, headers, body, elapsed: started.elapsed() })
    }
}

/// Response headers as (name, value) pairs in wire order; values that are not UTF-8 are shown
/// lossily (the lab displays them, it never re-sends them).
#[must_use]
pub fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Copy as …
// ---------------------------------------------------------------------------------------------

/// Quotes for a POSIX shell: single quotes, with `'` written as `'\''`.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The request as a `curl` command line.
#[must_use]
pub fn as_curl(p: &Prepared, base_url: &str) -> String {
    let mut out = format!("curl -i -X {} {}", p.method, sh(&format!("{base_url}{}", p.target)));
    for (name, value) in &p.headers {
        out.push_str(&format!(" -H {}", sh(&format!("{name}: {value}"))));
    }
    if let Some(body) = &p.body {
        out.push_str(&format!(" --data-raw {}", sh(body)));
    }
    out
}

/// The request as an HTTPie command line (`--raw` sends the body exactly as written).
#[must_use]
pub fn as_httpie(p: &Prepared, base_url: &str) -> String {
    let mut out = String::from("http --print=hb");
    if let Some(body) = &p.body {
        out.push_str(&format!(" --raw {}", sh(body)));
    }
    out.push_str(&format!(" {} {}", p.method, sh(&format!("{base_url}{}", p.target))));
    for (name, value) in &p.headers {
        out.push_str(&format!(" {}", sh(&format!("{name}:{value}"))));
    }
    out
}

/// The reference app (`apps.py` attribute) that serves a path.
#[must_use]
pub fn reference_app(target: &str) -> &'static str {
    let path = target.split('?').next().unwrap_or(target);
    match path {
        "/items/" | "/items" => "seed1_app",
        "/data" => "seed2_app",
        "/secure" => "seed3_app",
        "/token" | "/users/me" | "/users/me/items" | "/admin" => "jwt_app",
        _ => "schemes_app",
    }
}

/// Python string literal (JSON string syntax is valid Python).
fn py(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The generated program of the app that answered a request, for a self-contained test.
pub struct Standalone<'a> {
    /// `lab --code APP`'s output: the whole FastAPI app, defining `app` (and `SECRET_KEY` when
    /// it issues JWTs).
    pub source: &'a str,
    /// The request's bearer JWT was signed by the lab with its per-run secret, which never
    /// leaves the lab: the test signs the same claims with the program's own `SECRET_KEY`
    /// instead. (A token forged on purpose, with another key, `alg: none` or tampered claims,
    /// is kept as it was: it fails under any secret.)
    pub resign_jwt: bool,
}

/// The request as a pytest test with FastAPI's `TestClient`, asserting the answer it got.
/// With `standalone`, the file holds the app itself and runs as is (`pip install fastapi
/// httpx pyjwt python-multipart pytest`, then `pytest file.py`); without, it imports the
/// reference app from the reference apps' `apps.py`.
#[must_use]
pub fn as_testclient(p: &Prepared, outcome: Option<&Outcome>, standalone: Option<&Standalone<'_>>) -> String {
    let mut out = String::new();
    let mut headers = p.headers.clone();
    match standalone {
        Some(program) => {
            out.push_str(program.source.trim_end());
            out.push_str("\n\n\n# --- the request the lab sent, as a test ---\n\n");
            out.push_str("from fastapi.testclient import TestClient\n\nclient = TestClient(app)\n\n\n");
            let resigned = if program.resign_jwt { resign(&mut headers) } else { None };
            out.push_str("def test_request():\n");
            if let Some(claims) = resigned {
                out.push_str(&format!(
                    "    # Signed here with the app's SECRET_KEY: the lab's own secret never leaves the lab.\n    token = jwt.encode({claims}, SECRET_KEY, algorithm=ALGORITHM)\n"
                ));
            }
        }
        None => {
            let app = reference_app(&p.target);
            out.push_str(&format!(
                "from fastapi.testclient import TestClient\n\nfrom apps import {app}\n\nclient = TestClient({app})\n\n\ndef test_request():\n"
            ));
        }
    }
    out.push_str(&format!(
        "    response = client.request(\n        {},\n        {},\n",
        py(&p.method),
        py(&p.target)
    ));
    if !headers.is_empty() {
        out.push_str("        headers=[\n");
        for (name, value) in &headers {
            let value = if value == RESIGNED { "f\"Bearer {token}\"".to_owned() } else { py(value) };
            out.push_str(&format!("            ({}, {value}),\n", py(name)));
        }
        out.push_str("        ],\n");
    }
    if let Some(body) = &p.body {
        out.push_str(&format!("        content={},\n", py(body)));
    }
    out.push_str("    )\n");
    match outcome {
        Some(o) => {
            out.push_str(&format!("    assert response.status_code == {}\n", o.status));
            if let Some(www) = o.header("www-authenticate") {
                out.push_str(&format!("    assert response.headers[\"www-authenticate\"] == {}\n", py(www)));
            }
            if !o.body.is_empty() && !o.body_text().contains("access_token") {
                out.push_str(&format!("    assert response.text == {}\n", py(&o.body_text())));
            }
        }
        None => out.push_str("    print(response.status_code, response.headers, response.text)\n"),
    }
    out
}

/// Marks the Authorization header whose token the test signs itself.
const RESIGNED: &str = "\u{0}resigned";

/// Replaces a bearer JWT in `headers` by the marker and returns its claims as a Python dict
/// literal (JSON objects are Python dicts; `true`/`false`/`null` do not occur in lab claims
/// but are mapped anyway).
fn resign(headers: &mut [(String, String)]) -> Option<String> {
    let (_, value) = headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("authorization"))?;
    let token = value.strip_prefix("Bearer ")?;
    let decoded = crate::lab::workbench::decode(token)?;
    let claims = serde_json::to_string(&decoded.claims).ok()?;
    let claims = claims.replace(":true", ":True").replace(":false", ":False").replace(":null", ":None");
    *value = RESIGNED.to_owned();
    Some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[&str], form: Option<&str>, credential: Option<&str>) -> LabRequest {
        LabRequest {
            capture: Default::default(),
            id: "r".into(),
            label: "r".into(),
            method: "get".into(),
            path: "/items/".into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            form: form.map(str::to_owned),
            credential: credential.map(str::to_owned),
            expect: Vec::new(),
        }
    }

    #[test]
    fn prepare_parses_headers_and_fills_presets() {
        let s = Secret::new("k");
        let p = prepare(&request(&["Authorization: Bearer  x ", "X-Empty:"], None, None), &s, 0).unwrap();
        assert_eq!(p.method, "GET");
        assert_eq!(
            p.headers,
            vec![("Authorization".into(), "Bearer  x ".into()), ("X-Empty".into(), String::new())]
        );
        let p = prepare(&request(&["Authorization: Bearer old"], None, Some("fresh-jwt")), &s, tokens::now())
            .unwrap();
        assert_eq!(p.headers.len(), 1);
        let token = p.headers[0].1.strip_prefix("Bearer ").unwrap();
        assert!(tokens::verify(token, &s).is_ok());
        assert!(matches!(prepare(&request(&[], None, Some("nope")), &s, 0), Err(LabError::UnknownPreset(_))));
        assert!(matches!(
            prepare(&request(&["no colon"], None, None), &s, 0),
            Err(LabError::BadRequest { .. })
        ));
        let p = prepare(&request(&[], Some("username=a&password=b"), None), &s, 0).unwrap();
        assert_eq!(p.headers[0].1, "application/x-www-form-urlencoded");
    }

    #[test]
    fn copy_as_curl_httpie_and_testclient() {
        let p = Prepared {
            method: "POST".into(),
            target: "/token".into(),
            headers: vec![
                ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
                ("X-Q".into(), "it's".into()),
            ],
            body: Some("username=johndoe&password=secret".into()),
        };
        assert_eq!(
            as_curl(&p, "http://127.0.0.1:8000"),
            "curl -i -X POST 'http://127.0.0.1:8000/token' -H 'Content-Type: application/x-www-form-urlencoded' -H 'X-Q: it'\\''s' --data-raw 'username=johndoe&password=secret'"
        );
        assert_eq!(
            as_httpie(&p, "http://127.0.0.1:8000"),
            "http --print=hb --raw 'username=johndoe&password=secret' POST 'http://127.0.0.1:8000/token' 'Content-Type:application/x-www-form-urlencoded' 'X-Q:it'\\''s'"
        );
        let o = Outcome {
            status: 401,
            headers: vec![("www-authenticate".into(), "Bearer".into())],
            body: br#"{"detail":"Incorrect username or password"}"#.to_vec(),
            elapsed: Duration::ZERO,
        };
        let test = as_testclient(&p, Some(&o), None);
        assert!(test.contains("from apps import jwt_app"), "{test}");
        assert!(test.contains("content=\"username=johndoe&password=secret\""), "{test}");
        assert!(test.contains("assert response.status_code == 401"), "{test}");
        assert!(
            test.contains(r#"assert response.text == "{\"detail\":\"Incorrect username or password\"}""#),
            "{test}"
        );
        assert!(as_testclient(&p, None, None).contains("print(response.status_code"));
    }
}
