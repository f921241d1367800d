//! What a screen's `update` and view are given besides their own state. Everything that would
//! make an update impure comes in here as a value: the time (read once per event by the event
//! loop), the terminal size, the catalog and the learner's progress. A screen changes progress
//! and the footer notice through this, and asks for anything else by returning effects.

use ratatui::layout::Rect;

use super::saved::Progress;
use super::theme::Theme;
use crate::content::Catalog;
use crate::progress::Day;

/// For `update`: the shared data a screen may read or change.
pub struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub theme: &'static Theme,
    pub progress: &'a mut Progress,
    pub size: Rect,
    /// Unix milliseconds when the event arrived (quiz timing, review days, shuffling seeds).
    pub now_ms: u64,
    /// A one-line message for the footer.
    pub notice: &'a mut Option<String>,
}

impl Ctx<'_> {
    /// The read-only view of the same data.
    #[must_use]
    pub fn view(&self) -> View<'_> {
        View {
            catalog: self.catalog,
            theme: self.theme,
            progress: self.progress,
            size: self.size,
            now_ms: self.now_ms,
        }
    }

    pub fn say(&mut self, text: impl Into<String>) {
        *self.notice = Some(text.into());
    }
}

/// For drawing (and for layouts an update shares with its view): read only.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub catalog: &'a Catalog,
    pub theme: &'static Theme,
    pub progress: &'a Progress,
    pub size: Rect,
    pub now_ms: u64,
}

impl View<'_> {
    /// The learner's day at `now_ms` (review scheduling).
    #[must_use]
    pub fn today(&self) -> Day {
        Day::of_unix(self.now_ms / 1000)
    }

    /// How many quiz questions are due for review today (home shows it beside the review).
    #[must_use]
    pub fn due_today(&self) -> usize {
        self.progress.due_today(self.catalog, self.today()).len()
    }
}
