//! The demo API (an axum server that answers like real FastAPI, version by version, and traces
//! itself) and the lab's client.

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}
