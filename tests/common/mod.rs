//! Helpers shared by the integration tests (each test binary uses a subset).

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

/// The `apisec-tutor` binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_apisec-tutor");

pub mod content;
pub mod fixtures;
pub mod pty;
