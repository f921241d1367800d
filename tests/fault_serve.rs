//! `apisec-tutor serve` under faults: signals with connections open and requests in flight,
//! 64 concurrent clients with good and bad credentials mixed, and the loopback interface down.
//! (A plain SIGTERM and a port in use are in tests/serve_cli.rs.) Load here is bounded by count;
//! the benchmark (`scripts/bench serve_load`) runs it for ~10 s and reports p99 and memory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

mod fault_support;
#[allow(dead_code)] // shared with the benchmark, which uses all of it
#[path = "../benches/apisec/load.rs"]
mod load;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use apisec_tutor::lab::tokens::Secret;
use fault_support::{BIN, HANG_GUARD, is_root, run, text, works};

const SECRET: &str = "fault-secret";

struct Serve {
    child: Child,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Serve {
    fn start() -> Serve {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0"])
            .env("APISEC_TUTOR_JWT_SECRET", SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next().and_then(Result::ok).unwrap_or_default());
            // Keep reading: the per-request log must never fill the pipe and stall the server.
            for _ in lines {}
        });
        let first = rx.recv_timeout(HANG_GUARD).unwrap();
        let port = first.strip_prefix("listening on http://127.0.0.1:").expect(&first).parse().unwrap();
        Serve { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{name}"), &pid]).status().unwrap().success());
    }

    /// Waits for the exit (bounded by the hang guard); returns the status and stderr.
    fn wait(mut self) -> (ExitStatus, String) {
        let mut stderr = self.child.stderr.take().unwrap();
        let deadline = std::time::Instant::now() + HANG_GUARD;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                let _ = stderr.read_to_string(&mut err);
                return (status, err);
            }
            assert!(std::time::Instant::now() < deadline, "serve did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// One raw HTTP/1.1 request on `stream`; returns the status line.
fn raw_request(stream: &mut TcpStream, request: &str) -> String {
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    // Read the rest of the head and the body so the connection is idle and reusable.
    let mut len = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    status
}

#[test]
fn sigint_with_an_idle_keep_alive_and_a_half_sent_request_stops_gracefully() {
    let serve = Serve::start();
    // A keep-alive connection that already had an answer, and one that never finishes its
    // request: neither may hold the shutdown hostage.
    let mut idle = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    let status = raw_request(
        &mut idle,
        "GET /items/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer securetoken\r\n\r\n",
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let mut half = TcpStream::connect(("127.0.0.1", serve.port)).unwrap();
    half.write_all(b"GET /items/ HTTP/1.1\r\nHost: x\r\nAuthor").unwrap();

    serve.signal("INT");
    let (status, stderr) = serve.wait();
    assert!(status.success(), "exit {status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    drop((idle, half));
}

#[test]
fn sigterm_during_load_exits_cleanly_and_no_request_gets_a_5xx() {
    let serve = Serve::start();
    let probes = load::mixed(&Secret::new(SECRET)).unwrap();
    let rt = load::runtime();
    let url = serve.url();
    // Clients keep sending until the server goes away; the signal comes once some have answered.
    let driver = rt.spawn(async move { load::drive(&url, &probes, 16, 1_000_000, HANG_GUARD).await });
    let ready = rt.block_on(async {
        let c = apisec_tutor::lab::client::LabClient::new(&serve.url()).unwrap();
        // A request of our own that is answered proves the load is flowing through the server.
        c.send(&load::good_token().request, "probe").await.map(|o| o.status)
    });
    assert_eq!(ready.unwrap(), 200);
    serve.signal("TERM");
    let (status, stderr) = serve.wait();
    assert!(status.success(), "exit {status:?}: {stderr}");
    let result = rt.block_on(driver).unwrap();
    assert!(result.completed() > 0, "no request was answered before the signal");
    // Requests cut off by the shutdown fail to connect or lose their connection; every answer
    // that did arrive is FastAPI's own (no 5xx, nothing unexpected).
    assert!(result.statuses.keys().all(|s| *s < 500), "{:?}", result.statuses);
    assert!(result.unexpected.is_empty(), "{:?}", &result.unexpected[..result.unexpected.len().min(5)]);
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn sixty_four_clients_with_mixed_credentials_get_only_fastapis_answers_and_memory_stays_bounded() {
    let serve = Serve::start();
    let probes = load::mixed(&Secret::new(SECRET)).unwrap();
    let rt = load::runtime();
    let url = serve.url();
    // Bounded by count; the guard only stops a hung run.
    let warm = rt.block_on(load::drive(&url, &probes, 64, 1_000, HANG_GUARD));
    let after_warm = rss_kib(serve.child.id());
    let first = rt.block_on(load::drive(&url, &probes, 64, 2_000, HANG_GUARD));
    let after_more = rss_kib(serve.child.id());
    for r in [&warm, &first] {
        assert!(r.failed.is_empty(), "requests without an answer: {:?}", &r.failed[..r.failed.len().min(5)]);
        assert!(r.unexpected.is_empty(), "{:?}", &r.unexpected[..r.unexpected.len().min(5)]);
        assert!(r.statuses.keys().all(|s| [200, 401, 403, 422].contains(s)), "{:?}", r.statuses);
    }
    assert_eq!(warm.completed() + first.completed(), 3_000);
    // 2,000 more requests may not grow the server by more than 8 MiB (4 KiB a request): a leak
    // per request would. Allocator noise is far below that.
    assert!(after_more <= after_warm + 8 * 1024, "RSS grew from {after_warm} KiB to {after_more} KiB");
    serve.signal("TERM");
    let (status, stderr) = serve.wait();
    assert!(status.success(), "exit {status:?}: {stderr}");
}

#[test]
fn with_loopback_down_the_lab_reports_the_failed_request_and_exits_1() {
    // A new network namespace has its loopback interface down. Linux still lets 127.0.0.1 be
    // bound there (so `serve` starts), but nothing can connect: the lab's own client must say
    // its request failed, not hang or panic.
    if !(is_root() && works("unshare", &["-n", "true"])) {
        eprintln!("skipped: this test needs root and `unshare -n` (a private network namespace)");
        return;
    }
    let mut cmd = Command::new("unshare");
    cmd.args(["-n"]).arg(BIN).args(["lab", "--plain", "--replay-seed"]);
    let out = run(cmd, "");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("the request failed") && stderr.contains("127.0.0.1"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
