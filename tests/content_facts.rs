//! Every response the content states (a lab request's `expect`) must agree with what real FastAPI
//! answered when the fixtures were recorded (`tests/fixtures/fastapi/<version>.json`).
//!
//! A content request is paired with the fixture case that sent the same request: method, target,
//! headers (ignoring `host`, names case-insensitive) and form body. Requests with a `credential`
//! preset carry a token minted at run time, so no fixture holds their bytes; they are paired with
//! the fixture cases whose token has the same meaning (decoded and checked with the fixtures'
//! secret: same claims, same signature validity, same algorithm), and the pairing is printed.
//! A request with no fixture at all is a failure that names it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

mod common;

use apisec_tutor::content::{self, Expectation, LabRequest, LabScenario};
use apisec_tutor::lab::CorsMode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::fixtures::{self, Case, FastApiFile as FixtureFile, LabAppFile, Received as FixtureResponse};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const VERSIONS: [&str; 2] = ["0.165.0", "0.115.14"];

fn load_lab_app_fixtures(version: &str) -> LabAppFile {
    let path = fixtures::lab_apps_dir().join(format!("{version}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The recorded answer to one request of a lab-app scenario, as a `Case`.
fn lab_app_case(file: &LabAppFile, scenario: &str, request: &str) -> Option<Case> {
    let s = file.scenarios.iter().find(|s| s.scenario == scenario)?;
    let x = s.requests.iter().find(|r| r.id == request)?;
    Some(Case {
        id: format!("lab-apps/{scenario}/{request}"),
        app: s.app.clone(),
        cors: CorsMode::Off,
        request: x.request.clone(),
        response: FixtureResponse {
            status: x.response.status,
            headers: x.response.headers.clone(),
            body: x.response.body.clone(),
        },
        dynamic: Vec::new(),
    })
}

fn load_fixtures(version: &str) -> FixtureFile {
    let path = fixtures::fastapi_dir().join(format!("{version}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the recorded fixtures {}: {e}", path.display()));
    let file: FixtureFile = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a fixture file: {e}", path.display()));
    assert_eq!(file.fastapi, version, "{} names another version", path.display());
    file
}

/// The name content gives a CORS mode (`cors: wildcard` in a scenario).
fn cors_name(mode: CorsMode) -> &'static str {
    match mode {
        CorsMode::Off => "off",
        CorsMode::Wildcard => "wildcard",
        CorsMode::Trusted => "trusted",
    }
}

fn scenarios() -> Vec<LabScenario> {
    match content::load_embedded() {
        Ok(catalog) => catalog.lessons.into_iter().flat_map(|l| l.lab_scenarios).collect(),
        Err(errors) => panic!("embedded content does not load: {errors}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Versions and ranges
// ---------------------------------------------------------------------------------------------

fn parse_version(text: &str) -> Vec<u32> {
    text.trim().split('.').map(|p| p.parse().unwrap_or_else(|_| panic!("bad version `{text}`"))).collect()
}

/// `">=0.122.0"`, `"<0.122.0"`, or several comparators joined by commas; absent = every version.
fn in_range(range: Option<&str>, version: &str) -> bool {
    let Some(range) = range else { return true };
    let v = parse_version(version);
    range.split(',').all(|part| {
        let part = part.trim();
        let (op, rest) = ["<=", ">=", "==", "<", ">", "="]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|rest| (*op, rest)))
            .unwrap_or_else(|| panic!("version range `{range}`: no comparator in `{part}`"));
        let ord = v.cmp(&parse_version(rest));
        match op {
            "<=" => ord != Ordering::Greater,
            ">=" => ord != Ordering::Less,
            "<" => ord == Ordering::Less,
            ">" => ord == Ordering::Greater,
            _ => ord == Ordering::Equal,
        }
    })
}

#[test]
fn version_ranges() {
    assert!(in_range(Some(">=0.122.0"), "0.165.0"));
    assert!(!in_range(Some(">=0.122.0"), "0.115.14"));
    assert!(in_range(Some("<0.122.0"), "0.115.14"));
    assert!(!in_range(Some("<0.122.0"), "0.122.0"));
    assert!(in_range(Some(">=0.122.0, <0.128.1"), "0.123.2"));
    assert!(in_range(None, "0.115.14"));
}

// ---------------------------------------------------------------------------------------------
// Pairing content requests with fixture cases
// ---------------------------------------------------------------------------------------------

/// `"Name: value"` → (lower-case name, value without surrounding spaces, as uvicorn sees it).
fn split_header(line: &str) -> (String, String) {
    let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("header `{line}` has no colon"));
    (name.trim().to_ascii_lowercase(), value.trim().to_owned())
}

/// The request headers that identify a case: without `host`, and without the two headers a form
/// body implies (the content states the form, not its encoding).
fn identifying_headers(headers: &[(String, String)], has_form: bool) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned()))
        .filter(|(n, _)| n != "host")
        .filter(|(n, _)| !(has_form && (n == "content-length" || n == "content-type")))
        .collect();
    out.sort();
    out
}

fn is_form(case: &Case) -> bool {
    case.request.headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("content-type") && v.starts_with("application/x-www-form-urlencoded")
    })
}

/// Cases that sent exactly this request (same CORS mode of the app).
fn byte_matches<'a>(req: &LabRequest, cors: &str, cases: &'a [Case]) -> Vec<&'a Case> {
    let mut want: Vec<(String, String)> = req.headers.iter().map(|h| split_header(h)).collect();
    want.sort();
    cases
        .iter()
        .filter(|c| cors_name(c.cors) == cors)
        .filter(|c| c.request.method.eq_ignore_ascii_case(&req.method) && c.request.target == req.path)
        .filter(|c| match &req.form {
            Some(form) => is_form(c) && c.request.body.as_deref() == Some(form.as_str()),
            None => c.request.body.as_deref().unwrap_or("").is_empty(),
        })
        .filter(|c| identifying_headers(&c.request.headers, req.form.is_some()) == want)
        .collect()
}

/// Cases that sent this request with a bearer token of the same kind as the request's preset.
fn meaning_matches<'a>(req: &LabRequest, preset: &str, cors: &str, file: &'a FixtureFile) -> Vec<&'a Case> {
    let mut want: Vec<(String, String)> = req.headers.iter().map(|h| split_header(h)).collect();
    want.sort();
    file.cases
        .iter()
        .filter(|c| cors_name(c.cors) == cors && c.request.body.as_deref().unwrap_or("").is_empty())
        .filter(|c| c.request.method.eq_ignore_ascii_case(&req.method) && c.request.target == req.path)
        .filter(|c| {
            let headers = identifying_headers(&c.request.headers, false);
            let (auth, rest): (Vec<_>, Vec<_>) = headers.into_iter().partition(|(n, _)| n == "authorization");
            let [(_, value)] = auth.as_slice() else { return false };
            // The preset fills `Authorization: Bearer <token>` exactly like this.
            let Some(token) = value.strip_prefix("Bearer ") else { return false };
            rest == want && classify(token, &file.jwt_secret).as_deref() == Some(preset)
        })
        .collect()
}

/// Which credential preset (see the shared contract) a recorded token is, judged by its content.
fn classify(token: &str, secret: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let decode = |part: &str| -> Option<serde_json::Value> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
    };
    let (header_json, claims) = (decode(header)?, decode(payload)?);
    let alg = header_json.get("alg")?.as_str()?;
    let text = |key: &str| claims.get(key).and_then(|v| v.as_str());
    match alg {
        "none" => return Some("alg-none-jwt".into()),
        "HS512" => return Some("hs512-jwt".into()),
        "HS256" => {}
        _ => return None,
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(format!("{header}.{payload}").as_bytes());
    // A token with extra words, or a signature that is not base64url, is no preset at all.
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let signed_here = mac.verify_slice(&signature).is_ok();
    if !signed_here {
        // The contract's tampered token is a real token whose payload was changed to admin.
        return Some(if text("sub") == Some("admin") { "tampered-jwt" } else { "wrong-key-jwt" }.into());
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let exp = claims.get("exp").and_then(serde_json::Value::as_u64);
    let preset = match (text("sub"), text("scope"), exp) {
        (_, _, Some(exp)) if exp <= now => "expired-jwt",
        (None, _, _) => "no-sub-jwt",
        (Some("johndoe"), _, None) => "no-exp-jwt",
        (_, _, None) => return None,
        (Some("alice"), _, _) => "disabled-user-jwt",
        (Some("nobody"), _, _) => "unknown-user-jwt",
        (Some("admin"), Some("me items"), _) => "admin-jwt",
        (Some("johndoe"), Some("me items"), _) => "fresh-jwt",
        (Some("johndoe"), Some(""), _) => "fresh-jwt-no-scope",
        _ => return None,
    };
    Some(preset.into())
}

// ---------------------------------------------------------------------------------------------
// Comparing a stated answer with a recorded one
// ---------------------------------------------------------------------------------------------

fn response_header<'a>(case: &'a Case, name: &str) -> Option<&'a str> {
    case.response.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The string `detail` of a JSON error body, if the body has one.
fn body_detail(case: &Case) -> Option<String> {
    let body: serde_json::Value = serde_json::from_str(&case.response.body).ok()?;
    body.get("detail")?.as_str().map(str::to_owned)
}

/// Every way the stated answer differs from the recorded one. Silence is a claim too: content
/// that states no detail or no `WWW-Authenticate` claims the answer has none.
fn differences(expect: &Expectation, case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    if expect.status != case.response.status {
        out.push(format!(
            "status: content says {}, FastAPI answered {}",
            expect.status, case.response.status
        ));
    }
    let detail = body_detail(case);
    if expect.detail != detail {
        out.push(format!("detail: content says {:?}, FastAPI answered {:?}", expect.detail, detail));
    }
    let www = response_header(case, "www-authenticate");
    match (expect.www_authenticate.as_deref(), www) {
        (Some(""), None) | (None, None) => {}
        (Some(want), Some(got)) if want == got => {}
        (want, got) => out.push(format!("www-authenticate: content says {want:?}, FastAPI answered {got:?}")),
    }
    for line in &expect.headers {
        let (name, value) = split_header(line);
        let got = response_header(case, &name);
        let ok = if value.is_empty() && line.trim_end().ends_with(':') {
            got.is_none()
        } else {
            got == Some(value.as_str())
        };
        if !ok {
            out.push(format!("header `{line}`: FastAPI answered {name}: {got:?}"));
        }
    }
    out
}

#[test]
fn stated_responses_agree_with_recorded_fastapi() {
    let scenarios = scenarios();
    let mut failures = Vec::new();
    let mut stats: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for version in VERSIONS {
        let file = load_fixtures(version);
        let lab_apps = load_lab_app_fixtures(version);
        for scenario in &scenarios {
            let cors = scenario.cors.as_deref().unwrap_or("off");
            for req in &scenario.requests {
                let at = format!("{}/{} on FastAPI {version}", scenario.id, req.id);
                if scenario.app.is_some() {
                    // A lab-app scenario: recorded request by request against its own program.
                    let Some(case) = lab_app_case(&lab_apps, &scenario.id, &req.id) else {
                        failures.push(format!("{at}: not recorded; run scripts/record-fastapi-fixtures"));
                        continue;
                    };
                    let applicable: Vec<&Expectation> =
                        req.expect.iter().filter(|e| in_range(e.fastapi.as_deref(), version)).collect();
                    match applicable.as_slice() {
                        [expect] => {
                            for d in differences(expect, &case) {
                                failures.push(format!("{at} vs `{}`: {d}", case.id));
                            }
                        }
                        other => {
                            failures.push(format!("{at}: {} expectations apply, exactly 1 must", other.len()))
                        }
                    }
                    stats.entry(version).or_default().0 += 1;
                    continue;
                }
                let (cases, by_meaning) = match &req.credential {
                    None => (byte_matches(req, cors, &file.cases), false),
                    Some(preset) => (meaning_matches(req, preset, cors, &file), true),
                };
                if cases.is_empty() {
                    let how = match &req.credential {
                        None => "no recorded case sent this request".to_owned(),
                        Some(p) => format!("no recorded case sent a `{p}` token to this route"),
                    };
                    failures.push(format!(
                        "{at}: {how} ({} {} {:?}{}); mirror a fixture request or add this one to the fixture list",
                        req.method,
                        req.path,
                        req.headers,
                        req.form.as_deref().map(|f| format!(" form {f}")).unwrap_or_default()
                    ));
                    continue;
                }
                let applicable: Vec<&Expectation> =
                    req.expect.iter().filter(|e| in_range(e.fastapi.as_deref(), version)).collect();
                let [expect] = applicable.as_slice() else {
                    failures.push(format!(
                        "{at}: {} expectations apply to this version, exactly 1 must",
                        applicable.len()
                    ));
                    continue;
                };
                for case in &cases {
                    for d in differences(expect, case) {
                        failures.push(format!("{at} vs fixture `{}`: {d}", case.id));
                    }
                }
                let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
                if by_meaning {
                    eprintln!(
                        "{at}: credential `{}` checked against token(s) of the same kind in {ids:?}",
                        req.credential.as_deref().unwrap_or("")
                    );
                }
                let entry = stats.entry(version).or_default();
                if by_meaning { entry.1 += 1 } else { entry.0 += 1 }
            }
        }
    }
    for (version, (bytes, meaning)) in &stats {
        eprintln!(
            "FastAPI {version}: {bytes} request(s) matched byte for byte, {meaning} credential-preset request(s) matched by token meaning"
        );
    }
    assert!(
        failures.is_empty(),
        "{} disagreement(s) with the recorded fixtures:\n  - {}",
        failures.len(),
        failures.join("\n  - ")
    );
}

#[test]
fn token_classification_matches_the_fixture_names() {
    // The fixture ids name their tokens; the classifier must agree with them, or the pairing
    // above would compare content against the wrong recorded answers.
    let file = load_fixtures(VERSIONS[0]);
    let mut checked = 0;
    for case in &file.cases {
        let Some(kind) = case.id.strip_prefix("jwt/users-me/") else { continue };
        let Some((_, auth)) = case.request.headers.iter().find(|(n, _)| n == "authorization") else {
            continue;
        };
        let Some(token) = auth.strip_prefix("Bearer ") else { continue };
        let want = match kind {
            "valid" => "fresh-jwt",
            "expired" => "expired-jwt",
            "wrong-key" => "wrong-key-jwt",
            "alg-none" => "alg-none-jwt",
            "tampered" => "tampered-jwt",
            "no-exp" => "no-exp-jwt",
            "no-scope" => "fresh-jwt-no-scope",
            "admin" => "admin-jwt",
            "disabled-user" => "disabled-user-jwt",
            "hs512" => "hs512-jwt",
            _ => continue,
        };
        assert_eq!(classify(token, &file.jwt_secret).as_deref(), Some(want), "fixture {}", case.id);
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} named JWT fixtures were found to check the classifier against");
}
