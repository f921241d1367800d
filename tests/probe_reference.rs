//! The probe: planning offline from the OpenAPI documents recorded from the real FastAPI reference
//! apps (tests/fixtures/probe/*.openapi.json, by scripts/probe-reference), and the attacks run
//! against the embedded demo API serving each app, with the recorded document (as `--openapi FILE`
//! does), so the attacks follow what real FastAPI declares. tests/probe_cli.rs and
//! tests/probe_tokens.rs also probe through the demo's own /openapi.json.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use apisec_tutor::lab::{CorsMode, LabConfig, server};
use apisec_tutor::probe::openapi::{self, Scheme};
use apisec_tutor::probe::{self, Options, Report, Severity};

fn doc(app: &str) -> serde_json::Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/probe/{app}.openapi.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn opts(base: &str) -> Options {
    Options { rps: 1000.0, ..Options::new(base) }
}

#[test]
fn the_security_table_follows_what_fastapi_declares() {
    let ops = openapi::operations(&doc("schemes_app")).unwrap();
    let by_path = |p: &str| ops.iter().find(|o| o.path == p).unwrap();
    assert!(matches!(
        &by_path("/apikey-query").security[0].1,
        Scheme::ApiKey { location, name } if location == "query" && name == "api_key"
    ));
    assert!(matches!(&by_path("/http-basic").security[0].1, Scheme::Http { scheme } if scheme == "basic"));
    assert_eq!(openapi::token_url(&ops).as_deref(), Some("token"));
    let cors = openapi::operations(&doc("cors_wildcard_app")).unwrap();
    assert_eq!(cors.len(), 1);
    assert_eq!((cors[0].method.as_str(), cors[0].path.as_str()), ("GET", "/items/"));
    assert!(
        matches!(&cors[0].security[0].1, Scheme::OAuth2Password { token_url, .. } if token_url == "token")
    );
}

#[tokio::test]
async fn a_dry_run_sends_nothing_and_the_budget_is_enforced() {
    // Nothing listens on port 9: a sent request would come back with no status either, so the
    // planned exchanges are checked by count against the budget.
    let ops = openapi::operations(&doc("schemes_app")).unwrap();
    let mut o = opts("http://127.0.0.1:9");
    o.dry_run = true;
    let all = probe::run(&ops, o.clone()).await.unwrap();
    assert!(all.exchanges.len() > 10);
    assert!(all.exchanges.iter().all(|e| e.status.is_none()));
    o.max_requests = 5;
    let capped = probe::run(&ops, o).await.unwrap();
    assert_eq!(capped.exchanges.len(), 5);
    assert_eq!(capped.skipped as usize, all.exchanges.len() - 5);
}

#[test]
fn only_loopback_and_private_targets_without_allow_remote() {
    for ok in [
        "http://127.0.0.1:8000",
        "http://localhost:1",
        "http://10.1.2.3",
        "http://[::1]:80",
        "http://192.168.0.9",
    ] {
        assert!(probe::check_target(ok, false).is_ok(), "{ok}");
    }
    assert!(probe::check_target("https://api.example.com", false).is_err());
    assert!(probe::check_target("https://api.example.com", true).is_ok());
}

async fn against_demo(app: &str, cors: CorsMode, name: &str) -> Report {
    let lab = server::start(LabConfig::new(Default::default(), cors).with_app(app)).await.unwrap();
    let ops = openapi::operations(&doc(name)).unwrap();
    let report = probe::run(&ops, opts(&lab.base_url)).await.unwrap();
    lab.cancel.cancel();
    report
}

fn high(report: &Report) -> Vec<String> {
    report.findings.iter().filter(|f| f.severity >= Severity::High).map(|f| f.what.clone()).collect()
}

#[tokio::test]
async fn the_demo_wildcard_cors_app_echoes_any_origin_and_the_trusted_one_does_not() {
    let wild = against_demo("cors_wildcard_app", CorsMode::Wildcard, "cors_wildcard_app").await;
    let h = high(&wild);
    assert!(h.iter().any(|w| w.contains("CORS echoes any origin (https://evil.example)")), "{h:?}");
    assert!(h.iter().any(|w| w.contains("CORS echoes any origin (null)")), "{h:?}");
    let trusted = against_demo("cors_trusted_app", CorsMode::Trusted, "cors_trusted_app").await;
    assert!(high(&trusted).is_empty(), "no false report on the fixed app: {:?}", high(&trusted));
}

#[tokio::test]
async fn the_demo_seed_app_accepts_any_api_key() {
    let r = against_demo("seed2_app", CorsMode::Off, "seed2_app").await;
    assert!(high(&r).iter().any(|w| w.contains("accepts any value as API key")), "{:?}", r.findings);
}

#[tokio::test]
async fn the_demo_jwt_app_rejects_bad_tokens_and_has_no_rate_limit() {
    let r = against_demo("jwt_app", CorsMode::Off, "jwt_app").await;
    assert!(high(&r).is_empty(), "the JWT app checks its tokens: {:?}", high(&r));
    assert!(r.findings.iter().any(|f| f.what.contains("none answered 429")), "{:?}", r.findings);
}

#[tokio::test]
async fn the_demo_seed1_app_answers_401_without_a_challenge() {
    let r = against_demo("seed1_app", CorsMode::Off, "seed1_app").await;
    let f = r.findings.iter().find(|f| f.what.starts_with("401 without WWW-Authenticate")).unwrap();
    assert_eq!((f.operation.as_str(), f.severity), ("GET /items/", Severity::Medium));
    // The failure message is the lesson section as the shipped content names it.
    let catalog = apisec_tutor::content::load_embedded().unwrap();
    let section = probe::lessons::describe(probe::Teach::NoChallenge, Some(&catalog));
    assert!(section.contains(apisec_tutor::content::SectionKind::UnderTheHood.title()), "{section}");
    let xml = probe::junit(&r);
    assert!(xml.contains(&format!("<failure message=\"Medium\">{section}</failure>")), "{xml}");
}
