//! A keep-alive HTTP/1.1 client on a plain blocking `TcpStream`: the request bytes are built once
//! and written as they are, the answer is read up to its `content-length`. No HTTP library, no URL
//! parsing, no task scheduling on the client side, so a round trip measures the server and the
//! loopback, not the client (reqwest adds tens of microseconds to each side of a comparison).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use apisec_tutor::lab::client::Prepared;

pub struct RawClient {
    stream: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl RawClient {
    /// Connects to `http://127.0.0.1:PORT` (loopback only) and prepares `request` for it.
    pub fn connect(base_url: &str, request: &Prepared) -> Result<Self, String> {
        let authority = base_url.strip_prefix("http://").ok_or_else(|| format!("not http: {base_url}"))?;
        if !authority.starts_with("127.0.0.1:") {
            return Err(format!("refusing a non-loopback address: {authority}"));
        }
        let stream = TcpStream::connect(authority).map_err(|e| format!("connect {authority}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
        let mut head = format!("{} {} HTTP/1.1\r\nhost: {authority}\r\n", request.method, request.target);
        for (name, value) in &request.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let body = request.body.as_deref().unwrap_or("");
        if !body.is_empty() {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        head.push_str(body);
        Ok(Self { stream, request: head.into_bytes(), buf: Vec::with_capacity(4096) })
    }

    /// One request and its whole answer: the status and the time from the first byte written to
    /// the last byte read.
    pub fn round_trip(&mut self) -> Result<(u16, Duration), String> {
        let started = Instant::now();
        self.stream.write_all(&self.request).map_err(|e| format!("write: {e}"))?;
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        let (head_end, status, length) = loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let (status, length) = parse_head(&self.buf[..end])?;
                break (end + 4, status, length);
            }
            self.read_more(&mut chunk)?;
        };
        while self.buf.len() < head_end + length {
            self.read_more(&mut chunk)?;
        }
        let elapsed = started.elapsed();
        if self.buf.len() != head_end + length {
            return Err("more bytes than the content-length".into());
        }
        Ok((status, elapsed))
    }

    fn read_more(&mut self, chunk: &mut [u8]) -> Result<(), String> {
        match self.stream.read(chunk) {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) => Err(format!("read: {e}")),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The status code and `content-length` of a response head (no chunked answers expected).
fn parse_head(head: &[u8]) -> Result<(u16, usize), String> {
    let text = std::str::from_utf8(head).map_err(|_| "a head that is not UTF-8".to_owned())?;
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {text:?}"))?;
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .ok_or_else(|| format!("no content-length in {text:?}"))?;
    Ok((status, length))
}
