//! The demo API against slow and odd clients, through the real `serve` binary: a header trickle
//! and an idle keep-alive connection are closed after the header timeout, a client that
//! half-closes after its request still gets the answer, connections over the cap are answered
//! 503, and a stdout nobody reads never holds up requests or SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

struct Serve {
    child: Child,
    addr: String,
    stdout: Option<BufReader<ChildStdout>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on http://").unwrap().to_owned();
    Serve { child, addr, stdout: Some(stdout) }
}

fn connect(s: &Serve) -> TcpStream {
    let c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    c
}

/// Reads until the server closes; returns what came and how long it took.
fn read_to_close(c: &mut TcpStream) -> (String, Duration) {
    let start = Instant::now();
    let mut all = Vec::new();
    let _ = c.read_to_end(&mut all);
    (String::from_utf8_lossy(&all).into_owned(), start.elapsed())
}

const GOOD: &str = "GET /items/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer securetoken\r\n";

#[test]
fn a_header_trickle_and_an_idle_connection_are_closed_after_the_timeout() {
    let s = serve();
    let mut trickle = connect(&s);
    trickle.write_all(b"GET /items/ HTTP/1.1\r\nHost: x\r\n").unwrap();
    let (_, took) = read_to_close(&mut trickle);
    assert!(took < Duration::from_secs(12), "the trickling client was held {took:?}");
    // A served keep-alive connection that then sits idle is closed too.
    let mut idle = connect(&s);
    idle.write_all(format!("{GOOD}\r\n").as_bytes()).unwrap();
    let (text, took) = read_to_close(&mut idle);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(took < Duration::from_secs(12), "the idle connection was held {took:?}");
}

#[test]
fn a_client_that_half_closes_after_its_request_gets_the_answer() {
    let s = serve();
    for _ in 0..5 {
        let mut c = connect(&s);
        c.write_all(format!("{GOOD}\r\n").as_bytes()).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        let (text, _) = read_to_close(&mut c);
        assert!(
            text.starts_with("HTTP/1.1 200") && text.ends_with(r#"{"items":["apple","banana"]}"#),
            "{text}"
        );
    }
}

#[test]
fn connections_over_the_cap_are_refused_with_503() {
    let s = serve();
    let held: Vec<TcpStream> = (0..512).map(|_| connect(&s)).collect();
    // Each held connection is accepted before the next arrives in order; give the loop a moment.
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = connect(&s);
    let (text, _) = read_to_close(&mut extra);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    let mut c = connect(&s);
    c.write_all(format!("{GOOD}Connection: close\r\n\r\n").as_bytes()).unwrap();
    let (text, _) = read_to_close(&mut c);
    assert!(text.starts_with("HTTP/1.1 200"), "served again once the others closed: {text}");
}

#[cfg(unix)]
#[test]
fn a_stdout_nobody_reads_does_not_block_requests_or_sigterm() {
    let mut s = serve();
    // Keep the pipe open but never read it again: its buffer fills with log lines.
    let _unread = s.stdout.take();
    let mut c = connect(&s);
    let request = format!("{GOOD}\r\n");
    for _ in 0..3_000 {
        c.write_all(request.as_bytes()).unwrap();
        let mut head = [0u8; 12];
        c.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 200");
        // Drain the rest of this answer (headers and the 28-byte body).
        let mut rest = Vec::new();
        let mut byte = [0u8; 1];
        while !rest.ends_with(b"\r\n\r\n") {
            c.read_exact(&mut byte).unwrap();
            rest.push(byte[0]);
        }
        let mut body = [0u8; 28];
        c.read_exact(&mut body).unwrap();
    }
    let pid = s.child.id().to_string();
    let started = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    loop {
        if s.child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "serve ignored SIGTERM with a blocked stdout");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Request sizes uvicorn accepts (measured: uvicorn 0.54, FastAPI 0.165.0) reach the app, and a
/// bad chunk size gets uvicorn's 400 instead of a 413.
#[test]
fn sizes_and_broken_bodies_are_answered_as_uvicorn_does() {
    let s = serve();
    let many: String = (0..120).map(|i| format!("X-H{i}: v\r\n")).collect();
    let mut c = connect(&s);
    c.write_all(format!("{GOOD}{many}Connection: close\r\n\r\n").as_bytes()).unwrap();
    let (text, _) = read_to_close(&mut c);
    assert!(text.starts_with("HTTP/1.1 200"), "120 headers: {text}");
    let mut c = connect(&s);
    c.write_all(format!("{GOOD}X-Big: {}\r\nConnection: close\r\n\r\n", "b".repeat(17_000)).as_bytes())
        .unwrap();
    let (text, _) = read_to_close(&mut c);
    assert!(text.starts_with("HTTP/1.1 200"), "a 17 KB header: {}", &text[..text.len().min(200)]);
    let mut c = connect(&s);
    c.write_all(
        b"POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    )
    .unwrap();
    let (text, _) = read_to_close(&mut c);
    assert!(text.starts_with("HTTP/1.1 400") && text.ends_with("Invalid HTTP request received."), "{text}");
}
