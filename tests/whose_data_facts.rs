//! The second lesson's claims, checked against real FastAPI: its pitfall's vulnerable and fixed
//! programs are started with uvicorn from `target/python-env` (pinned FastAPI 0.165.0, made by
//! `scripts/python-env`, which CI runs) and asked the lesson's questions over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn python() -> Option<std::path::PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/python-env/bin/python");
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var_os("CI").is_none(), "CI must run scripts/python-env before the tests");
    eprintln!("skipped: target/python-env is missing (run scripts/python-env)");
    None
}

fn start(python: &Path, dir: &Path, module: &str, source: &str) -> Server {
    std::fs::write(dir.join(format!("{module}.py")), source).unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(python)
        .args(["-m", "uvicorn", &format!("{module}:app"), "--host", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child, port);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "uvicorn did not start for {module}");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// Status and body of a GET, with an optional bearer token.
fn get(server: &Server, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", server.1)).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[test]
fn the_pitfall_programs_answer_as_the_lesson_says() {
    let Some(python) = python() else { return };
    let catalog = apisec_tutor::content::load_embedded().unwrap();
    let lesson = catalog.lesson("whose-data").expect("the second lesson ships");
    let pitfall = lesson.pitfalls.iter().find(|p| p.id == "unchecked-object").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vulnerable = start(&python, dir.path(), "vulnerable", &pitfall.wrong.source);
    let fixed = start(&python, dir.path(), "fixed", &pitfall.correct.source);
    let alice = Some("alice-token");
    // Her own invoice: 200 from both.
    assert_eq!(get(&vulnerable, "/invoices/1", alice).0, 200);
    assert_eq!(get(&fixed, "/invoices/1", alice).0, 200);
    // Bob's invoice: 200 with his data from the vulnerable program (BOLA), 404 from the fixed one,
    // with the same body as an invoice that does not exist.
    let (status, body) = get(&vulnerable, "/invoices/2", alice);
    assert_eq!((status, body.contains("\"owner\":\"bob\"")), (200, true), "{body}");
    let foreign = get(&fixed, "/invoices/2", alice);
    let missing = get(&fixed, "/invoices/999", alice);
    assert_eq!(foreign.0, 404);
    assert_eq!(foreign, missing, "a foreign invoice must look exactly like a missing one");
    // The quiz's dependency-order question: no token beats a bad id (401 first); with a token,
    // the bad id is a 422 before the ownership check runs.
    let (status, body) = get(&fixed, "/invoices/abc", None);
    assert_eq!((status, body.as_str()), (401, r#"{"detail":"Not authenticated"}"#));
    assert_eq!(get(&fixed, "/invoices/abc", alice).0, 422);
}
