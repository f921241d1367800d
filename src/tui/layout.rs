//! Where things are on screen. Pure functions of the frame size, shared by the views (to draw)
//! and by `update` (to know the reading width and where a click landed).

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the interface shows "make me bigger" instead of a squashed screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[must_use]
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The screen's own area and the one-line footer under it.
#[must_use]
pub fn with_footer(area: Rect) -> (Rect, Rect) {
    let [main, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    (main, footer)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeAreas {
    pub header: Rect,
    pub lessons: Rect,
    pub sections: Rect,
    pub modes: Rect,
    pub detail: Rect,
    pub footer: Rect,
}

/// Rows each lesson takes in the lessons box (title, progress).
pub const LESSON_ROWS: u16 = 2;

#[must_use]
pub fn home(area: Rect, lessons: usize) -> HomeAreas {
    let (main, footer) = with_footer(area);
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(main);
    let left_w = if body.width >= 110 { 44 } else { 32 };
    let [left, right] = Layout::horizontal([Constraint::Length(left_w), Constraint::Min(1)]).areas(body);
    let n = u16::try_from(lessons).unwrap_or(u16::MAX).clamp(1, 4);
    let [lessons, sections] =
        Layout::vertical([Constraint::Length(2 + n * LESSON_ROWS), Constraint::Min(1)]).areas(left);
    let [modes, detail] = Layout::vertical([Constraint::Min(1), Constraint::Length(6)]).areas(right);
    HomeAreas { header, lessons, sections, modes, detail, footer }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderAreas {
    pub header: Rect,
    pub outline: Option<Rect>,
    /// Where text is drawn (inside a one-column margin).
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// The outline is only drawn when there is room for it beside a readable column.
#[must_use]
pub fn reader(area: Rect, outline_wanted: bool) -> ReaderAreas {
    let (main, footer) = with_footer(area);
    let [header, middle, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(main);
    let outline_w = if middle.width >= 110 { 30 } else { 24 };
    let (outline, text) = if outline_wanted && middle.width >= 70 {
        let [o, t] = Layout::horizontal([Constraint::Length(outline_w), Constraint::Min(1)]).areas(middle);
        (Some(o), t)
    } else {
        (None, middle)
    };
    let body = Rect { x: text.x + 1, width: text.width.saturating_sub(2), ..text };
    ReaderAreas { header, outline, body, status, footer }
}

/// The first visible row of a list so that `selected` stays in view.
#[must_use]
pub fn list_offset(selected: usize, visible: usize) -> usize {
    if visible == 0 { selected } else { (selected + 1).saturating_sub(visible) }
}

#[must_use]
pub fn contains(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_hides_the_outline_when_narrow_and_keeps_a_margin() {
        let wide = reader(Rect::new(0, 0, 120, 40), true);
        assert_eq!(wide.outline.map(|o| o.width), Some(30));
        assert_eq!(wide.body.width, 88);
        let narrow = reader(Rect::new(0, 0, 64, 20), true);
        assert_eq!(narrow.outline, None);
        assert_eq!(narrow.body.width, 62);
        assert_eq!(narrow.footer.y, 19);
        assert_eq!(narrow.status.y, 18);
    }

    #[test]
    fn list_offset_keeps_the_selection_visible() {
        assert_eq!(list_offset(0, 5), 0);
        assert_eq!(list_offset(4, 5), 0);
        assert_eq!(list_offset(5, 5), 1);
        assert_eq!(list_offset(3, 0), 3);
    }
}
