//! Token attacks (`--login`, `--token`, `--as-other`) and the lesson sections findings name.
//!
//! The reports in tests/fixtures/probe/*.probe.json were recorded by scripts/probe-reference against
//! real FastAPI 0.165.0 apps (the reference apps and tests/fixtures/probe/token_apps.py). Here they
//! are analysed again by the current code, and the same attacks are replayed against the demo API,
//! whose answers must be the ones real FastAPI gave.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use apisec_tutor::content::load_embedded;
use apisec_tutor::lab::{CorsMode, LabConfig, server};
use apisec_tutor::probe::lessons::{self, Teach};
use apisec_tutor::probe::openapi;
use apisec_tutor::probe::{self, Login, Options, ProbeError, Report, Severity, Token, analyze, tokens};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe").join(name)
}

fn doc(app: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("{app}.openapi.json"))).unwrap()).unwrap()
}

fn recorded(app: &str) -> Report {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("{app}.probe.json"))).unwrap()).unwrap()
}

fn high(report: &Report) -> Vec<(String, Teach)> {
    report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .map(|f| (f.operation.clone(), f.teaches))
        .collect()
}

const RECORDED: [&str; 11] = [
    "seed1_app",
    "seed2_app",
    "seed3_app",
    "schemes_app",
    "cors_wildcard_app",
    "cors_trusted_app",
    "jwt_app",
    "unverified_jwt_app",
    "bola_app",
    "owned_app",
    "forbidden_app",
];

#[test]
fn the_findings_follow_from_what_real_fastapi_answered() {
    for app in RECORDED {
        let report = recorded(app);
        assert!(!report.exchanges.is_empty(), "{app}");
        let key = |f: &probe::Finding| (f.severity, f.operation.clone(), f.what.clone(), f.teaches);
        let again: Vec<_> = analyze::findings(&report, None).iter().map(key).collect();
        let then: Vec<_> = report.findings.iter().map(key).collect();
        assert_eq!(again, then, "{app}");
    }
}

#[test]
fn real_fastapi_forged_tokens_and_foreign_objects_are_found_and_the_fixed_apps_are_clean() {
    // jwt_app verifies signature, algorithm and expiry: every forged variant got 401.
    let jwt = recorded("jwt_app");
    assert!(high(&jwt).is_empty(), "{:?}", jwt.findings);
    let forged: Vec<_> =
        jwt.exchanges.iter().filter(|e| tokens::FORGED.contains(&e.attack.as_str())).collect();
    assert_eq!(forged.len(), 12, "4 variants on each of the 3 bearer routes");
    assert!(forged.iter().all(|e| e.status == Some(401)));
    let valid = jwt.exchanges.iter().find(|e| e.attack == tokens::VALID && e.path == "/users/me").unwrap();
    assert_eq!(valid.status, Some(200));
    assert!(jwt.token.as_ref().is_some_and(|t| t.jwt && t.has_exp));

    // The same login flow, but the claims are read without verifying the signature.
    let unverified = recorded("unverified_jwt_app");
    let teaches: Vec<Teach> = high(&unverified).into_iter().map(|(_, t)| t).collect();
    assert_eq!(teaches, [Teach::ExpiredToken, Teach::ForgedToken, Teach::ForgedToken, Teach::ForgedToken]);

    let bola = recorded("bola_app");
    assert_eq!(high(&bola), [("GET /invoices/{invoice_id}".to_owned(), Teach::Bola)]);
    // The object id came from the document's `examples`, not from --param.
    assert!(bola.exchanges.iter().any(|e| e.attack == tokens::OTHER_USER && e.path == "/invoices/1"));
    let owned = recorded("owned_app");
    assert!(high(&owned).is_empty(), "{:?}", owned.findings);
    let foreign = owned.exchanges.iter().find(|e| e.attack == tokens::OTHER_USER).unwrap();
    let missing = owned.exchanges.iter().find(|e| e.attack == tokens::MISSING_OBJECT).unwrap();
    assert_eq!(missing.path, "/invoices/987654321");
    assert_eq!(foreign.status, Some(404), "a foreign invoice answers like a missing one");
    assert_eq!((missing.status, &missing.body_sha256), (Some(404), &foreign.body_sha256));
    assert!(owned.findings.iter().all(|f| f.teaches != Teach::ForeignObject));

    // Owner checked, but 403 for a foreign invoice and 404 for a missing one: no BOLA, yet ids leak.
    let forbidden = recorded("forbidden_app");
    assert!(high(&forbidden).is_empty(), "{:?}", forbidden.findings);
    let leak: Vec<_> = forbidden.findings.iter().filter(|f| f.teaches == Teach::ForeignObject).collect();
    assert_eq!(leak.len(), 1, "{:?}", forbidden.findings);
    assert_eq!(
        (leak[0].severity, leak[0].operation.as_str()),
        (Severity::Medium, "GET /invoices/{invoice_id}")
    );
    assert!(
        leak[0].what.starts_with("another user's object answers 403, a missing one 404"),
        "{}",
        leak[0].what
    );
}

#[test]
fn the_report_never_holds_a_token_or_a_password() {
    for app in ["jwt_app", "bola_app", "owned_app", "forbidden_app", "unverified_jwt_app"] {
        let text = std::fs::read_to_string(fixture(&format!("{app}.probe.json"))).unwrap();
        for secret in ["eyJ", "alice-pw", "bob-pw", "access_token", "password"] {
            assert!(!text.contains(secret), "{app} report contains {secret}");
        }
        let logins = recorded(app).exchanges.into_iter().filter(|e| e.attack.starts_with("login"));
        assert!(logins.into_iter().all(|e| e.body_sha256.is_none()), "{app}");
    }
}

fn opts(base: &str) -> Options {
    Options { rps: 1000.0, ..Options::new(base) }
}

#[tokio::test]
async fn the_demo_jwt_app_answers_every_token_attack_as_real_fastapi_did() {
    // Same status, same challenge headers, byte-identical body (by SHA-256) for every request.
    let lab =
        server::start(LabConfig::new(Default::default(), CorsMode::Off).with_app("jwt_app")).await.unwrap();
    let ops = openapi::operations(&doc("jwt_app")).unwrap();
    let o = Options { login: Login::parse("johndoe:secret"), ..opts(&lab.base_url) };
    let demo = probe::run(&ops, o).await.unwrap();
    lab.cancel.cancel();
    let real = recorded("jwt_app");
    let seq = |r: &Report| -> Vec<_> {
        r.exchanges
            .iter()
            .map(|e| (e.operation.clone(), e.attack.clone(), e.path.clone(), e.status))
            .collect()
    };
    assert_eq!(seq(&demo), seq(&real));
    let what = |r: &Report| -> Vec<_> { r.findings.iter().map(|f| (f.severity, f.what.clone())).collect() };
    assert_eq!(what(&demo), what(&real));
}

#[tokio::test]
async fn a_wrong_login_stops_the_probe_with_the_reason() {
    let lab =
        server::start(LabConfig::new(Default::default(), CorsMode::Off).with_app("jwt_app")).await.unwrap();
    let ops = openapi::operations(&doc("jwt_app")).unwrap();
    let o = Options { login: Login::parse("johndoe:wrong"), ..opts(&lab.base_url) };
    let err = probe::run(&ops, o).await.unwrap_err();
    lab.cancel.cancel();
    assert!(
        matches!(&err, ProbeError::Login { user, why, .. } if user == "johndoe" && why == "answered 401"),
        "{err}"
    );
    let none = openapi::operations(&doc("seed2_app")).unwrap();
    let o = Options { login: Login::parse("a:b"), ..opts("http://127.0.0.1:9") };
    assert!(matches!(probe::run(&none, o).await, Err(ProbeError::NoTokenUrl)));
}

#[tokio::test]
async fn a_dry_run_plans_the_token_attacks_and_an_opaque_token_gets_no_forged_variants() {
    let ops = openapi::operations(&doc("bola_app")).unwrap();
    let o = Options {
        dry_run: true,
        login: Login::parse("alice:alice-pw"),
        as_other: Login::parse("bob:bob-pw"),
        ..opts("http://127.0.0.1:9")
    };
    let plan = probe::run(&ops, o).await.unwrap();
    let attacks: Vec<&str> = plan.exchanges.iter().map(|e| e.attack.as_str()).collect();
    let more = [tokens::VALID, tokens::OTHER_USER, tokens::MISSING_OBJECT, "login (first user)"];
    for label in tokens::FORGED.iter().chain(&more) {
        assert!(attacks.contains(label), "{label} not planned: {attacks:?}");
    }
    assert!(plan.exchanges.iter().all(|e| e.status.is_none()));

    let ops = openapi::operations(&doc("seed1_app")).unwrap();
    let o = Options { dry_run: true, token: Some(Token("securetoken".into())), ..opts("http://127.0.0.1:9") };
    let plan = probe::run(&ops, o).await.unwrap();
    let attacks: Vec<&str> = plan.exchanges.iter().map(|e| e.attack.as_str()).collect();
    assert!(attacks.contains(&tokens::VALID));
    assert!(!attacks.iter().any(|a| tokens::FORGED.contains(a)), "{attacks:?}");
    assert!(plan.token.is_some_and(|t| !t.jwt));
}

#[test]
fn every_lesson_section_a_finding_names_exists_and_teaches_it() {
    let catalog = load_embedded().unwrap();
    for teach in Teach::ALL {
        let place = teach.place();
        let found = lessons::resolve(place, &catalog)
            .unwrap_or_else(|| panic!("{teach:?}: {place:?} is not in the shipped content"));
        assert!(
            found.content.contains(place.anchor),
            "{teach:?}: {place:?} no longer mentions `{}`",
            place.anchor
        );
        assert!(found.text.contains(&catalog.lesson(place.lesson).unwrap().title), "{}", found.text);
        assert_eq!(lessons::describe(teach, Some(&catalog)), found.text);
    }
    // BOLA and the foreign-object answer are taught by the second lesson.
    assert_eq!(Teach::Bola.place().lesson, "whose-data");
    assert_eq!(Teach::ForeignObject.place().lesson, "whose-data");
    // Without a catalog the bare key is shown, never nothing.
    assert!(lessons::describe(Teach::Bola, None).contains("unchecked-object"));
}

#[tokio::test]
async fn a_token_given_with_token_is_attacked_like_one_from_login() {
    let lab =
        server::start(LabConfig::new(Default::default(), CorsMode::Off).with_app("jwt_app")).await.unwrap();
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/token", lab.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=johndoe&password=secret&scope=me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = answer["access_token"].as_str().unwrap().to_owned();
    let ops = openapi::operations(&doc("jwt_app")).unwrap();
    let o = Options { token: Some(Token(token)), ..opts(&lab.base_url) };
    let r = probe::run(&ops, o).await.unwrap();
    lab.cancel.cancel();
    assert!(r.exchanges.iter().all(|e| !e.attack.starts_with("login")), "no login with --token");
    let me: Vec<_> =
        r.exchanges.iter().filter(|e| e.path == "/users/me").map(|e| (e.attack.as_str(), e.status)).collect();
    assert!(me.contains(&(tokens::VALID, Some(200))), "{me:?}");
    for forged in tokens::FORGED {
        assert!(me.contains(&(forged, Some(401))), "{forged}: {me:?}");
    }
    // Only the `me` scope: /users/me/items refuses the valid token, so nothing is concluded there.
    let items = r.findings.iter().find(|f| f.operation == "GET /users/me/items").unwrap();
    assert_eq!((items.severity, items.teaches), (Severity::Info, Teach::ValidRefused));
    assert!(high(&r).is_empty());
}

/// The second lesson's own lab app (invoices with owners) and its vulnerable twin, probed through
/// the /openapi.json the demo API serves, as a learner would probe their own app.
async fn probe_invoices(vulnerable: bool) -> Report {
    let config = LabConfig::new(Default::default(), CorsMode::Off)
        .with_app("invoices_app")
        .with_vulnerable(vulnerable);
    let lab = server::start(config).await.unwrap();
    let doc: serde_json::Value =
        reqwest::get(format!("{}/openapi.json", lab.base_url)).await.unwrap().json().await.unwrap();
    let ops = openapi::operations(&doc).unwrap();
    let o = Options {
        login: Login::parse("alice:wonderland"),
        as_other: Login::parse("bob:builder"),
        ..opts(&lab.base_url)
    };
    let report = probe::run(&ops, o).await.unwrap();
    lab.cancel.cancel();
    report
}

#[tokio::test]
async fn the_whose_data_lab_app_is_clean_and_its_vulnerable_twin_has_bola_and_no_login_limit() {
    let twin = probe_invoices(true).await;
    assert_eq!(high(&twin), [("GET /invoices/{invoice_id}".to_owned(), Teach::Bola)], "{:?}", twin.findings);
    assert!(twin.findings.iter().any(|f| f.teaches == Teach::NoRateLimit), "{:?}", twin.findings);
    let bola = twin.findings.iter().find(|f| f.teaches == Teach::Bola).unwrap();
    assert!(bola.lesson.contains("whose-data"), "{}", bola.lesson);

    let fixed = probe_invoices(false).await;
    assert!(high(&fixed).is_empty(), "{:?}", fixed.findings);
    let medium: Vec<_> = fixed.findings.iter().filter(|f| f.severity == Severity::Medium).collect();
    assert!(medium.is_empty(), "the fixed app limits logins and hides foreign invoices: {medium:?}");
    let by = |label: &str| fixed.exchanges.iter().find(|e| e.attack == label).unwrap();
    let (foreign, missing) = (by(tokens::OTHER_USER), by(tokens::MISSING_OBJECT));
    assert_eq!((foreign.status, missing.status), (Some(404), Some(404)));
    assert_eq!(foreign.body_sha256, missing.body_sha256);
    assert!(fixed.exchanges.iter().any(|e| e.attack == "wrong login burst" && e.status == Some(429)));
}
