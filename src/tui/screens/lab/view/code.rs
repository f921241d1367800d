//! The lab's code pane: the FastAPI program of the app that answered the selected request (what
//! `apisec-tutor lab --code APP` prints), scrolled to the line of the dependency or check that
//! stopped it — or, when nothing stopped it, to its route.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::content::Catalog;
use crate::lab::codegen;
use crate::tui::screens::lab::LabState;
use crate::tui::screens::lab::program::answered;
use crate::tui::strings::lab as s;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, catalog: &Catalog, state: &LabState) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(s::PANE_CODE, t.title));
    let found = state.selected_row().and_then(|row| answered(catalog, row).map(|a| (row, a)));
    let Some((row, a)) = found else {
        frame.render_widget(Paragraph::new(Span::styled(s::CODE_NONE, t.dim)).block(block), area);
        return;
    };
    let Some(program) = codegen::program(a.app, a.lesson, a.vulnerable) else {
        frame.render_widget(Paragraph::new(Span::styled(s::CODE_NONE, t.dim)).block(block), area);
        return;
    };
    let check =
        row.exec.as_ref().map(|e| e.stopped_check.as_str()).filter(|c| !c.is_empty()).unwrap_or("route");
    let mark = codegen::line_of_check(&program, a.route, check);
    let twin = if a.vulnerable { " --vulnerable" } else { "" };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("lab --code {}{twin}", a.app.id), t.heading),
        Span::styled(
            match mark {
                Some(n) => format!(" · line {n}: {check}"),
                None => String::new(),
            },
            t.dim,
        ),
    ])];
    let inner_height = usize::from(area.height.saturating_sub(3)).max(1);
    // Keep the marked line a third of the way down, then the learner's own scrolling.
    let first = mark.map_or(0, |n| n.saturating_sub(inner_height / 3 + 1)) + usize::from(state.scroll);
    for (i, text) in program.source.lines().enumerate().skip(first).take(inner_height) {
        let n = i + 1;
        let style = if Some(n) == mark { t.selected } else { t.text };
        lines.push(Line::from(vec![
            Span::styled(format!("{n:>4} "), if Some(n) == mark { t.selected } else { t.dim }),
            Span::styled(text.to_owned(), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
