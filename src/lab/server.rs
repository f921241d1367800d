//! Serving the router on 127.0.0.1: started on demand, stopped by a cancel token with a bounded
//! grace period (keep-alive connections cannot hold shutdown hostage).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::config::LabConfig;
use super::trace::{self, TraceReceiver};
use super::{LabError, router};

/// How long open connections get to finish after shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);
/// Requests whose trace events are buffered for a slow consumer before newer ones are dropped
/// (and counted): a request emits 5 to 10 events, so about 4,000 events at most.
pub const TRACE_CAPACITY: usize = 512;

/// A demo API running in this process.
#[derive(Debug)]
pub struct RunningLab {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    pub addr: SocketAddr,
    /// Cancel to stop serving.
    pub cancel: CancellationToken,
    /// Ends when the server has stopped.
    pub join: JoinHandle<Result<(), LabError>>,
    /// The trace events, unless the config already carried its own sink.
    pub trace: Option<TraceReceiver>,
}

impl RunningLab {
    /// Stops the server and waits for it (at most the grace period plus a moment).
    pub async fn shutdown(self) -> Result<(), LabError> {
        self.cancel.cancel();
        match self.join.await {
            Ok(result) => result,
            Err(join) => Err(LabError::Serve(std::io::Error::other(join.to_string()))),
        }
    }
}

/// A small multi-threaded runtime for the commands that run the demo API (2 workers: it serves
/// one learner, not the internet).
pub fn runtime() -> Result<tokio::runtime::Runtime, LabError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(LabError::Runtime)
}

/// Binds 127.0.0.1:`cfg.port` (0: any free port) and serves [`router()`] until cancelled.
pub async fn start(mut cfg: LabConfig) -> Result<RunningLab, LabError> {
    super::tokens::install_provider();
    let port = cfg.port;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|source| LabError::Bind { port, source })?;
    let addr = listener.local_addr().map_err(|source| LabError::Bind { port, source })?;
    // The router builds URLs from the real port when `Host` is missing or malformed.
    cfg.port = addr.port();
    let receiver = if cfg.trace.is_none() {
        let (sink, receiver) = trace::channel(TRACE_CAPACITY);
        cfg.trace = Some(sink);
        Some(receiver)
    } else {
        None
    };
    let cancel = CancellationToken::new();
    let serve = accept_loop(listener, router(cfg), cancel.clone());
    let stop = cancel.clone();
    let join = tokio::spawn(async move {
        tokio::select! {
            result = serve => result.map_err(LabError::Serve),
            () = async { stop.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => Ok(()),
        }
    });
    Ok(RunningLab { base_url: format!("http://{addr}"), addr, cancel, join, trace: receiver })
}

/// How long a client may take to send a request's headers, and how long an idle keep-alive
/// connection stays open: uvicorn's `timeout_keep_alive` default (5 s). A client trickling its
/// headers (slowloris) or parking idle connections cannot hold them forever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once; one more is answered 503 and closed (uvicorn's
/// `--limit-concurrency` answer), so thousands of idle sockets cannot exhaust file descriptors.
pub const MAX_CONNECTIONS: usize = 512;

/// The server loop: hyper's HTTP/1 connection with the router as its service. axum's own
/// `serve` offers neither a header timeout nor half-close support nor a connection cap.
async fn accept_loop(
    listener: TcpListener,
    app: axum::Router,
    cancel: CancellationToken,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let (stream, _) = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of descriptors or a connection reset before accept: keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        // Answers go out as soon as they are written, as from uvicorn (which sets TCP_NODELAY).
        let _ = stream.set_nodelay(true);
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tokio::spawn(refuse_busy(stream));
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                // A client that shuts down its sending side after the request still gets its
                // answer (`printf ... | nc -N`), as from uvicorn.
                .half_close(true)
                // uvicorn (h11) has no header count limit; hyper's default answers 431 above 100.
                .max_headers(1000)
                .keep_alive(true);
            // Request targets with bytes hyper refuses but uvicorn accepts are encoded first.
            let io = super::target_quirks::RewritingIo::new(stream);
            let conn = builder.serve_connection(TokioIo::new(io), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                () = cancel.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(permit);
        });
    }
}

/// The answer to a connection over [`MAX_CONNECTIONS`].
async fn refuse_busy(mut stream: tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let body = "Service Unavailable";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer.as_bytes())).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::tokens::Secret;

    #[tokio::test]
    async fn serves_on_loopback_and_stops() {
        let lab = start(LabConfig::default().with_secret(Secret::new("s"))).await.unwrap();
        assert!(lab.addr.ip().is_loopback());
        assert_ne!(lab.addr.port(), 0);
        assert!(lab.base_url.starts_with("http://127.0.0.1:"));
        lab.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn a_port_in_use_is_a_bind_error() {
        let first = start(LabConfig::default()).await.unwrap();
        let err = start(LabConfig::default().with_port(first.addr.port())).await.unwrap_err();
        assert!(matches!(err, LabError::Bind { .. }), "{err}");
        assert!(err.to_string().contains(&first.addr.port().to_string()));
        first.shutdown().await.unwrap();
    }
}
