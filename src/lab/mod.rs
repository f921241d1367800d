//! The demo API (an axum server that answers like real FastAPI, version by version, and traces
//! itself) and the lab's client.
//!
//! - [`router()`]: the pure router; [`server::start`] serves it on 127.0.0.1.
//! - [`trace`]: what the server did, stage by stage; [`table::row_from_trace`] turns one request's
//!   events into an execution-table row.
//! - [`client`]: sends a content [`crate::content::LabRequest`] over HTTP; copy-as curl/httpie/TestClient.
//! - [`tokens`]: JWTs (HS256 only, `jsonwebtoken` with a small hmac/sha2 provider) and presets.

pub mod app;
pub mod client;
pub mod codegen;
pub mod config;
pub mod cors;
pub mod engine;
pub mod fastapi;
pub mod form;
pub mod json;
pub mod multipart;
pub mod openapi;
pub mod plain;
pub mod pyish;
pub mod router;
pub mod scenario;
pub mod security;
pub mod seed;
pub mod server;
pub mod table;
pub mod target_quirks;
pub mod tokens;
pub mod trace;
pub mod version;
pub mod workbench;

pub use config::{CorsMode, LabConfig};
pub use router::router;
pub use trace::{Actor, Outcome, TraceEvent, TraceReceiver, TraceSink, TraceStage};
pub use version::{FastApiVersion, StarletteCors};

/// What can go wrong in the lab layer.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(
        "cannot listen on 127.0.0.1:{port}: {source} (is another server using the port? --port 0 picks a free one)"
    )]
    Bind { port: u16, source: std::io::Error },
    #[error("FastAPI version {given:?} is not supported: {reason}")]
    Version { given: String, reason: String },
    #[error("the demo API stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("request {request} is malformed: {reason}")]
    BadRequest { request: String, reason: String },
    #[error("unknown credential preset {0:?}")]
    UnknownPreset(String),
    #[error("a token could not be minted: {0}")]
    Token(#[from] tokens::TokenError),
    #[error("the request failed: {0}")]
    Http(String),
    #[error("no lab scenario named {0:?}")]
    UnknownScenario(String),
    #[error("no lab app named {0:?} (see `apisec-tutor outline`)")]
    UnknownApp(String),
}
