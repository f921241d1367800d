//! Helpers shared by the integration tests (each test binary uses a subset).

pub mod content;
pub mod pty;
