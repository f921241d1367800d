//! The interface's one door to saved progress (`crate::progress`, see docs/PROGRESS.md): the
//! app holds a [`Progress`], the event loop owns the [`Store`] and saves when `update` asks.

pub use crate::progress::{Position, Progress, Store};
