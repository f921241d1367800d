//! The interface's one door to saved progress (the `progress` module's contract in
//! briefs/progress-api.md): versioned JSON, saved atomically and merged under a lock.

pub use crate::progress::{Position, Progress, Store};
