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
/// Trace events buffered for a slow consumer before new ones are dropped (and counted).
pub const TRACE_CAPACITY: usize = 4096;

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
    let serve = axum::serve(listener, router(cfg)).with_graceful_shutdown(cancel.clone().cancelled_owned());
    let stop = cancel.clone();
    let join = tokio::spawn(async move {
        tokio::select! {
            result = serve => result.map_err(LabError::Serve),
            () = async { stop.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => Ok(()),
        }
    });
    Ok(RunningLab { base_url: format!("http://{addr}"), addr, cancel, join, trace: receiver })
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
