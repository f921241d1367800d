//! The screens, one component each: its state, a pure `update(&mut self, action, ctx)` that
//! returns effects (a change of screen is the effect [`Nav`](crate::tui::msg::Nav)), and a view
//! that draws from the state and the shared data. None imports another screen or the router.

pub mod help;
pub mod home;
pub mod lab;
pub mod quiz;
pub mod reader;
