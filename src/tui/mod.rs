//! The terminal interface: the only layer that imports ratatui and crossterm.

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
}
