//! `apisec-tutor serve` end to end: the real binary, a real request, a real SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A generous bound so a broken shutdown fails the test instead of hanging it (not a timing
/// assertion: a healthy run ends far sooner).
const HANG_GUARD: Duration = Duration::from_secs(20);

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"));
    cmd.env_remove("APISEC_TUTOR_JWT_SECRET");
    cmd
}

fn wait(mut child: Child) -> (ExitStatus, String) {
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut err = String::new();
        let _ = stderr.read_to_string(&mut err);
        let status = child.wait().unwrap();
        let _ = tx.send((status, err));
    });
    rx.recv_timeout(HANG_GUARD).expect("the process did not exit")
}

#[test]
fn serve_answers_logs_traces_and_stops_on_sigterm() {
    let mut child = bin()
        .args(["serve", "--port", "0", "--trace", "--fastapi-version", "0.121.3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if line_tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let first = line_rx.recv_timeout(HANG_GUARD).unwrap();
    let port: u16 = first.strip_prefix("listening on http://127.0.0.1:").expect(&first).parse().unwrap();
    assert_ne!(port, 0);

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (status, www, body) = rt.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = client
            .get(format!("http://127.0.0.1:{port}/data"))
            .header("x-apisec-request-id", "e2e-1")
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let www = r.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
        (status, www, r.text().await.unwrap())
    });
    // FastAPI 0.121.3: a missing API key is still 403 without WWW-Authenticate.
    assert_eq!((status, www, body.as_str()), (403, None, r#"{"detail":"Not authenticated"}"#));

    let mut json_lines = Vec::new();
    let log = loop {
        let line = line_rx.recv_timeout(HANG_GUARD).unwrap();
        if line.starts_with('{') {
            json_lines.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
        } else {
            break line;
        }
    };
    assert_eq!(log.split(' ').take(3).collect::<Vec<_>>(), ["GET", "/data", "403"], "{log}");
    assert!(log.contains("stopped at authenticate by security class"), "{log}");
    assert!(log.ends_with(" ms"), "{log}");
    assert!(json_lines.iter().all(|e| e["req_id"] == "e2e-1"), "{json_lines:?}");
    let stages: Vec<&str> = json_lines.iter().map(|e| e["stage"].as_str().unwrap()).collect();
    assert_eq!(stages.first(), Some(&"receive"));
    assert!(stages.contains(&"authenticate"));
    assert_eq!(stages.last(), Some(&"respond"));
    let refusal = json_lines.iter().find(|e| e["outcome"] == "fail").unwrap();
    assert_eq!(refusal["check"], "APIKeyHeader(X-API-Key)");
    assert_eq!(refusal["by"], "security_class");

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let (status, stderr) = wait(child);
    assert!(status.success(), "{status:?} {stderr}");
}

#[test]
fn a_port_in_use_is_a_clear_error_with_exit_code_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let child =
        bin().args(["serve", "--port", &port]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (status, stderr) = wait(child);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{stderr}");
}

#[test]
fn an_unsupported_version_names_the_range() {
    let child = bin()
        .args(["serve", "--fastapi-version", "0.99.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, stderr) = wait(child);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("0.115.14 to 0.165.0"), "{stderr}");
}

#[test]
fn ctrl_c_stops_serve_gracefully_too() {
    let mut child = bin().args(["serve"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("listening on http://127.0.0.1:"), "{first}");
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let (status, stderr) = wait(child);
    assert!(status.success(), "{status:?} {stderr}");
}
