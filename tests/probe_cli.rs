//! `apisec-tutor probe` as a CI pipeline runs it: the binary against the demo API (started in this
//! test process), with the OpenAPI documents recorded from real FastAPI or the demo's own
//! /openapi.json; exit status and the JUnit and JSON outputs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Output;

use apisec_tutor::lab::{CorsMode, LabConfig, server};

fn openapi(app: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/probe/{app}.openapi.json"))
        .to_string_lossy()
        .into_owned()
}

async fn probe(app: &str, doc: &str, extra: &[&str]) -> Output {
    let lab = server::start(LabConfig::new(Default::default(), CorsMode::Off).with_app(app)).await.unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_apisec-tutor"));
    cmd.args(["probe", &lab.base_url, "--rps", "500"]).args(extra);
    // Without a recorded document the probe reads the demo API's own /openapi.json.
    if !doc.is_empty() {
        cmd.args(["--openapi", &openapi(doc)]);
    }
    // On the blocking pool, so this runtime keeps serving the demo API meanwhile.
    let out = tokio::task::spawn_blocking(move || cmd.output()).await.unwrap().unwrap();
    lab.cancel.cancel();
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The element names in document order, with `/` for closing tags and a trailing `/` for
/// self-closing ones: enough to check the nesting without an XML library.
fn tags(xml: &str) -> Vec<String> {
    xml.split('<')
        .skip(1)
        .filter(|t| !t.starts_with('?'))
        .map(|t| {
            let inner = &t[..t.find('>').unwrap()];
            let name: String = inner.chars().take_while(|c| !c.is_whitespace() && *c != '/').collect();
            if let Some(closing) = inner.strip_prefix('/') {
                format!("/{closing}")
            } else if inner.ends_with('/') {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect()
}

#[tokio::test]
async fn junit_fails_the_pipeline_on_a_high_finding_with_one_failure_per_finding() {
    let out = probe("seed2_app", "seed2_app", &["--format", "junit"]).await;
    assert_eq!(out.status.code(), Some(1), "a high finding fails the run: {}", text(&out.stderr));
    let xml = text(&out.stdout);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite "), "{xml}");
    // Well nested: every opened element is closed in order.
    let mut stack = Vec::new();
    for t in tags(&xml) {
        if let Some(name) = t.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "{xml}");
        } else if !t.ends_with('/') {
            stack.push(t);
        }
    }
    assert!(stack.is_empty(), "{xml}");
    let failures = xml.matches("<failure ").count();
    assert!(failures >= 1);
    assert!(xml.contains(&format!("failures=\"{failures}\"")), "{xml}");
    assert!(xml.contains("classname=\"GET /data\" name=\"accepts any value as API key"), "{xml}");
    let section = apisec_tutor::content::SectionKind::MythBusters.title();
    assert!(xml.contains(section), "the failure names the lesson section: {xml}");
}

#[tokio::test]
async fn json_with_login_exits_0_on_the_checking_app_and_never_prints_the_token() {
    let out = probe("jwt_app", "", &["--format", "json", "--login", "johndoe:secret"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let forged =
        report["exchanges"].as_array().unwrap().iter().filter(|e| {
            e["attack"].as_str().is_some_and(|a| apisec_tutor::probe::tokens::FORGED.contains(&a))
        });
    assert_eq!(forged.clone().count(), 12);
    assert!(forged.into_iter().all(|e| e["status"] == 401));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("eyJ") && !stdout.contains("access_token"), "no token in the report");
}

#[tokio::test]
async fn bad_credential_flags_are_usage_errors() {
    let out = probe("jwt_app", "jwt_app", &["--login", "johndoe:wrong"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("logging in as `johndoe` at /token failed: answered 401"),
        "{}",
        text(&out.stderr)
    );
    let out = probe("jwt_app", "jwt_app", &["--as-other", "admin:adminsecret"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--as-other needs the first user too"), "{}", text(&out.stderr));
    let out = probe("jwt_app", "jwt_app", &["--login", "nocolon"]).await;
    assert_eq!(out.status.code(), Some(2));
}
