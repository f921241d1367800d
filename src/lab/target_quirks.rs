//! uvicorn (h11) accepts request targets that hyper's URI parser refuses with a bare 400: `"`,
//! `<` and `>` in the path or query, and a `#` that uvicorn keeps as part of the query (it splits
//! the target at the first `?` only). So that such a request reaches the app as it reaches
//! FastAPI, the bytes of each request line's target are percent-encoded on the way in (`"` →
//! `%22`, `<` → `%3C`, `>` → `%3E`, `#` → `%23`); Starlette decodes the path and `parse_qsl`
//! decodes the query, so the app sees the same values.
//!
//! Only request lines are touched. The reader follows HTTP/1.1 framing to find them: the head ends
//! at the first empty line; a `Content-Length` body is passed through untouched; after a chunked
//! body the framing is not followed any further and the rest of the connection passes through
//! unchanged (hyper then answers as before).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A request target as the server hands it on (for in-process callers that build an
/// `http::Request` themselves, e.g. the fixture replay).
#[must_use]
pub fn encode_target(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    for c in target.chars() {
        match c {
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In the request line, before the target (the method).
    Method,
    /// In the target.
    Target,
    /// After the target, until the end of the request line.
    Version,
    /// In the header lines; `line` holds the current one.
    Headers,
    /// Passing `n` body bytes through.
    Body(u64),
    /// Framing not followed any more (chunked body): pass through.
    Through,
}

/// Rewrites request targets of a byte stream from a client (see the module docs).
#[derive(Debug)]
pub struct Rewriter {
    state: State,
    line: Vec<u8>,
    content_length: u64,
    chunked: bool,
    /// Bytes of the current head, bounded: a head that never ends stops being followed.
    head_bytes: usize,
}

/// Beyond this, a head is not followed (hyper refuses it anyway).
const MAX_HEAD: usize = 512 * 1024;

impl Default for Rewriter {
    fn default() -> Self {
        Self { state: State::Method, line: Vec::new(), content_length: 0, chunked: false, head_bytes: 0 }
    }
}

impl Rewriter {
    /// Feeds bytes from the client; appends what hyper should read to `out`.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::Through => {
                    out.extend_from_slice(&input[i..]);
                    return;
                }
                State::Body(n) => {
                    let take = usize::try_from(n).unwrap_or(usize::MAX).min(input.len() - i);
                    out.extend_from_slice(&input[i..i + take]);
                    i += take;
                    let left = n - take as u64;
                    self.state = if left == 0 { State::Method } else { State::Body(left) };
                }
                State::Method | State::Target | State::Version | State::Headers => {
                    let b = input[i];
                    i += 1;
                    self.head_bytes += 1;
                    if self.head_bytes > MAX_HEAD {
                        out.push(b);
                        self.state = State::Through;
                        continue;
                    }
                    match (self.state, b) {
                        // Empty lines before a request line are allowed and skipped by parsers.
                        (State::Method, b'\r' | b'\n') => out.push(b),
                        (State::Method, b' ') => {
                            out.push(b);
                            self.state = State::Target;
                        }
                        (State::Method, _) => out.push(b),
                        (State::Target, b' ') => {
                            out.push(b);
                            self.state = State::Version;
                        }
                        (State::Target, b'"') => out.extend_from_slice(b"%22"),
                        (State::Target, b'<') => out.extend_from_slice(b"%3C"),
                        (State::Target, b'>') => out.extend_from_slice(b"%3E"),
                        (State::Target, b'#') => out.extend_from_slice(b"%23"),
                        (State::Target, b'\r' | b'\n') => {
                            // A request line without a version: let hyper judge it.
                            out.push(b);
                            self.state = State::Through;
                        }
                        (State::Target, _) => out.push(b),
                        (State::Version, b'\n') => {
                            out.push(b);
                            self.state = State::Headers;
                            self.line.clear();
                            self.content_length = 0;
                            self.chunked = false;
                        }
                        (State::Version, _) => out.push(b),
                        (State::Headers, b'\n') => {
                            out.push(b);
                            let line = std::mem::take(&mut self.line);
                            let line = line.strip_suffix(b"\r").unwrap_or(&line);
                            if line.is_empty() {
                                self.head_bytes = 0;
                                self.state = if self.chunked {
                                    State::Through
                                } else if self.content_length > 0 {
                                    State::Body(self.content_length)
                                } else {
                                    State::Method
                                };
                            } else {
                                self.header(line);
                            }
                        }
                        (State::Headers, _) => {
                            out.push(b);
                            if self.line.len() < MAX_HEAD {
                                self.line.push(b);
                            }
                        }
                        // Body and pass-through bytes are handled before this match.
                        (State::Body(_) | State::Through, _) => out.push(b),
                    }
                }
            }
        }
    }

    fn header(&mut self, line: &[u8]) {
        let Some(colon) = line.iter().position(|b| *b == b':') else { return };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let value = String::from_utf8_lossy(value);
        let value = value.trim();
        if name.eq_ignore_ascii_case(b"content-length") {
            match value.parse::<u64>() {
                Ok(n) => self.content_length = n,
                // An unreadable length: hyper answers it; stop following the framing.
                Err(_) => self.chunked = true,
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            self.chunked = true;
        }
    }
}

/// An IO whose reads go through a [`Rewriter`]; writes pass through.
#[derive(Debug)]
pub struct RewritingIo<T> {
    inner: T,
    rewriter: Rewriter,
    pending: Vec<u8>,
    offset: usize,
}

impl<T> RewritingIo<T> {
    pub fn new(inner: T) -> Self {
        Self { inner, rewriter: Rewriter::default(), pending: Vec::new(), offset: 0 }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for RewritingIo<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.offset >= this.pending.len() {
            this.pending.clear();
            this.offset = 0;
            let mut raw = [0u8; 8192];
            let mut raw_buf = ReadBuf::new(&mut raw);
            match Pin::new(&mut this.inner).poll_read(cx, &mut raw_buf) {
                Poll::Ready(Ok(())) => {
                    let filled = raw_buf.filled();
                    if filled.is_empty() {
                        return Poll::Ready(Ok(()));
                    }
                    this.rewriter.feed(filled, &mut this.pending);
                }
                other => return other,
            }
        }
        let n = (this.pending.len() - this.offset).min(buf.remaining());
        buf.put_slice(&this.pending[this.offset..this.offset + n]);
        this.offset += n;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for RewritingIo<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Vec<u8> {
        let mut r = Rewriter::default();
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c, &mut out);
        }
        out
    }

    #[test]
    fn only_request_targets_are_encoded_across_keep_alive_requests_and_split_reads() {
        let first = b"GET /a?q=\"<x>\"#f HTTP/1.1\r\nHost: h\r\nX-Q: \"<>#\"\r\n\r\n";
        let second = b"POST /t?#x HTTP/1.1\r\nContent-Length: 5\r\n\r\n\"<>#\nGET /b?<x> HTTP/1.1\r\n\r\n";
        let mut all = first.to_vec();
        all.extend_from_slice(second);
        let want = b"GET /a?q=%22%3Cx%3E%22%23f HTTP/1.1\r\nHost: h\r\nX-Q: \"<>#\"\r\n\r\nPOST /t?%23x HTTP/1.1\r\nContent-Length: 5\r\n\r\n\"<>#\nGET /b?%3Cx%3E HTTP/1.1\r\n\r\n";
        assert_eq!(String::from_utf8_lossy(&run(&[&all])), String::from_utf8_lossy(want));
        // Byte by byte gives the same.
        let bytes: Vec<&[u8]> = all.chunks(1).collect();
        assert_eq!(run(&bytes), want.to_vec());
    }

    #[test]
    fn after_a_chunked_body_the_rest_passes_through() {
        let input = b"POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\"\r\n0\r\n\r\nGET /<x> HTTP/1.1\r\n\r\n";
        assert_eq!(run(&[input]), input.to_vec());
    }
}
