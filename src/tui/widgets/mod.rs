//! Widgets drawn by more than one screen.

pub mod flow;
