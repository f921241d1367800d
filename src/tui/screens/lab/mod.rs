//! The live lab screen, one component: its state ([`state`]), its pure update ([`update`]),
//! its geometry ([`layout`]) and its view ([`view`]).
//!
//! The learner's requests become rows keyed by [`RowId`], each in a [`RowState`] (sending,
//! done, failed); `update` returns [`LabEffect`]s that the event loop hands to the lab runner,
//! which sends them over real HTTP to the embedded demo API and answers with [`LabMsg`] actions
//! (the response, then every trace event). A result for a row no longer tracked is dropped.
//! Which demo API runs is an effect too: the router asks for [`LabEffect::Serve`] whenever the
//! lab's profile changes, and for none once the lab is closed.

pub mod layout;
pub mod program;
pub mod state;
pub mod table;
pub mod update;
pub mod view;

#[cfg(test)]
pub(crate) mod tests;

pub use state::*;

pub use crate::tui::msg::lab::*;
