//! Where the lab's parts are on screen: pure functions of the frame size, shared by the view
//! (to draw) and by `update` (to know what a click hit).

use ratatui::layout::{Constraint, Layout, Rect};

use super::{LabState, Pane};
use crate::tui::layout;

/// Where the lab's parts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabAreas {
    pub header: Rect,
    pub compose: Rect,
    pub tabs: Rect,
    /// The tabbed pane (narrow) or the right-hand pane (wide).
    pub pane: Rect,
    /// Wide only: the table (full width, on top) and the flow (bottom left) stay visible.
    pub table: Option<Rect>,
    pub flow: Option<Rect>,
}

/// Wide enough for the table and the flow beside a pane.
#[must_use]
pub fn is_wide(size: Rect) -> bool {
    size.width >= 110 && size.height >= 32
}

/// `full`: the pane takes the whole bottom (comparisons and the workbench are not about one row).
#[must_use]
pub fn areas(size: Rect, full: bool) -> LabAreas {
    let (main, _) = layout::with_footer(size);
    let [header, compose, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(2), Constraint::Min(1)]).areas(main);
    if is_wide(size) {
        let [table, bottom] = Layout::vertical([Constraint::Percentage(35), Constraint::Min(12)]).areas(body);
        if full {
            let [tabs, pane] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(bottom);
            return LabAreas { header, compose, tabs, pane, table: Some(table), flow: None };
        }
        let [flow, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
        let [tabs, pane] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(right);
        LabAreas { header, compose, tabs, pane, table: Some(table), flow: Some(flow) }
    } else {
        let [tabs, pane] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
        LabAreas { header, compose, tabs, pane, table: None, flow: None }
    }
}

/// The panes the tab bar offers at this size (wide: the table and flow are always visible).
#[must_use]
pub fn panes(size: Rect) -> &'static [Pane] {
    if is_wide(size) {
        &[Pane::Trace, Pane::Tracker, Pane::Inspector, Pane::Compare, Pane::Workbench, Pane::Code]
    } else {
        &Pane::ALL
    }
}

pub fn tab_title(p: Pane) -> &'static str {
    match p {
        Pane::Table => "Table",
        Pane::Trace => "Flow",
        // Short: from 110 columns six tabs share the right-hand column.
        Pane::Tracker => "Vars",
        Pane::Inspector => "Raw",
        Pane::Compare => "Vuln/fixed",
        Pane::Workbench => "JWT",
        Pane::Code => "Code",
    }
}

/// The pane actually drawn (wide: the table's place in the tabs is taken by the trace).
#[must_use]
pub fn shown_pane(size: Rect, pane: Pane) -> Pane {
    if panes(size).contains(&pane) { pane } else { Pane::Trace }
}

/// The areas for this state.
#[must_use]
pub fn areas_for(size: Rect, state: &LabState) -> LabAreas {
    areas(size, matches!(shown_pane(size, state.pane), Pane::Compare | Pane::Workbench))
}

/// The tab under column `col` of the tab bar, laid out as the view draws it: ` A │ B │ ▶ C`.
#[must_use]
pub fn tab_at(size: Rect, state: &LabState, col: u16, row: u16) -> Option<Pane> {
    let a = areas_for(size, state);
    if row != a.tabs.y {
        return None;
    }
    let current = shown_pane(size, state.pane);
    let mut x = a.tabs.x + 1;
    for p in panes(size) {
        let title = u16::try_from(tab_title(*p).chars().count()).unwrap_or(u16::MAX);
        let w = title + if *p == current { 2 } else { 0 };
        if col >= x && col < x + w {
            return Some(*p);
        }
        x += w + 3;
    }
    None
}

/// Where the table is drawn, if it is on screen.
#[must_use]
pub fn table_area(size: Rect, state: &LabState) -> Option<Rect> {
    let a = areas_for(size, state);
    a.table.or_else(|| (shown_pane(size, state.pane) == Pane::Table).then_some(a.pane))
}

/// The row index under a click on the table, if any.
#[must_use]
pub fn row_at(size: Rect, state: &LabState, col: u16, row: u16) -> Option<usize> {
    let area = table_area(size, state)?;
    let a = areas_for(size, state);
    // As the view draws it: detail lines under the rows only when the table is the pane.
    let shape = super::table::shape(area, a.table.is_none(), state);
    let body = Rect {
        x: area.x + 1,
        y: area.y + 2,
        width: area.width.saturating_sub(2),
        height: u16::try_from(shape.body_lines).unwrap_or(u16::MAX),
    };
    if !layout::contains(body, col, row) {
        return None;
    }
    super::table::row_at_line(&super::table::window(state, &shape), usize::from(row - body.y))
}
