//! The concept flow: the request's stages as a row of boxes joined by arrows.
//!
//! Reusable: the reader highlights the stage under discussion; the lab marks the stages a
//! request passed (✓) and the one where it stopped (✗). The mark is drawn as well as coloured,
//! and the highlighted box has a heavy border, so nothing depends on colour alone.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::tui::markdown::width as text_width;
use crate::tui::theme::Theme;

/// How one stage is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageMark {
    /// Not reached or not relevant.
    Plain,
    /// The stage under discussion.
    Current,
    /// A request went through it.
    Passed,
    /// A request stopped here.
    Stopped,
}

/// A diagram of stages; build with [`FlowDiagram::new`], then draw it as a widget or take its
/// [`lines`](FlowDiagram::lines) to place it inside a document.
#[derive(Debug, Clone)]
pub struct FlowDiagram<'a> {
    pub stages: Vec<(&'a str, StageMark)>,
    pub theme: &'static Theme,
}

const ARROW: &str = " ─▶ ";

impl<'a> FlowDiagram<'a> {
    #[must_use]
    pub fn new(titles: impl IntoIterator<Item = &'a str>, theme: &'static Theme) -> Self {
        FlowDiagram { stages: titles.into_iter().map(|t| (t, StageMark::Plain)).collect(), theme }
    }

    /// Marks one stage (out-of-range indexes are ignored).
    #[must_use]
    pub fn mark(mut self, index: usize, mark: StageMark) -> Self {
        if let Some(stage) = self.stages.get_mut(index) {
            stage.1 = mark;
        }
        self
    }

    /// The diagram laid out in rows of as many boxes as fit in `width`.
    #[must_use]
    pub fn lines(&self, max_width: usize) -> Vec<Line<'static>> {
        let inner = self.stages.iter().map(|(t, _)| text_width(t)).max().unwrap_or(4) + 3;
        let box_w = inner + 2;
        let step = box_w + text_width(ARROW);
        // Every box but the very last is followed by an arrow, also at the end of a row.
        let per_row = (max_width / step).clamp(1, self.stages.len().max(1));
        let mut out = Vec::new();
        let rows: Vec<&[(&str, StageMark)]> = self.stages.chunks(per_row).collect();
        let last_row = rows.len().saturating_sub(1);
        for (r, row) in rows.iter().enumerate() {
            let mut top = Vec::new();
            let mut mid = Vec::new();
            let mut bot = Vec::new();
            for (i, (title, mark)) in row.iter().enumerate() {
                let (style, heavy, sign) = match mark {
                    StageMark::Plain => (self.theme.text, false, ' '),
                    StageMark::Current => (self.theme.highlight_stage, true, '▶'),
                    StageMark::Passed => (self.theme.good, false, '✓'),
                    StageMark::Stopped => (self.theme.stopped_stage, true, '✗'),
                };
                let border = if heavy { style } else { self.theme.border };
                let (tl, tr, bl, br, h, v) = if heavy {
                    ('┏', '┓', '┗', '┛', "━", '┃')
                } else {
                    ('┌', '┐', '└', '┘', "─", '│')
                };
                let pad = inner.saturating_sub(text_width(title) + 2);
                top.push(Span::styled(format!("{tl}{}{tr}", h.repeat(inner)), border));
                mid.push(Span::styled(v.to_string(), border));
                mid.push(Span::styled(format!("{sign} {title}{}", " ".repeat(pad)), style));
                mid.push(Span::styled(v.to_string(), border));
                bot.push(Span::styled(format!("{bl}{}{br}", h.repeat(inner)), border));
                let more = i + 1 < row.len() || r < last_row;
                let gap = " ".repeat(text_width(ARROW));
                if more {
                    top.push(Span::raw(gap.clone()));
                    mid.push(Span::styled(ARROW, self.theme.accent));
                    bot.push(Span::raw(gap));
                }
            }
            out.push(Line::from(top));
            out.push(Line::from(mid));
            out.push(Line::from(bot));
        }
        out
    }
}

impl Widget for &FlowDiagram<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        for (i, line) in self.lines(area.width as usize).into_iter().enumerate() {
            let Ok(dy) = u16::try_from(i) else { break };
            if dy >= area.height {
                break;
            }
            buf.set_line(area.x, area.y + dy, &line, area.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::{DEFAULT, MONOCHROME};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    const STAGES: [&str; 6] = ["Send", "Receive", "Authenticate", "Authorize", "Process", "Respond"];

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect()
    }

    #[test]
    fn wraps_into_rows_that_fit() {
        let flow = FlowDiagram::new(STAGES, &DEFAULT).mark(2, StageMark::Current);
        for width in [40, 60, 80, 120] {
            for line in flow.lines(width) {
                assert!(line.width() <= width, "{width}: {line:?}");
            }
        }
        assert_eq!(flow.lines(120).len(), 6, "two rows at 120 columns");
        assert_eq!(flow.lines(200).len(), 3, "one row when there is room");
    }

    #[test]
    fn current_stage_has_a_heavy_border_and_a_mark_not_only_a_colour() {
        let flow = FlowDiagram::new(STAGES, &MONOCHROME).mark(2, StageMark::Current);
        let t = text(&flow.lines(200)).join("\n");
        assert!(t.contains("┃▶ Authenticate ┃"), "{t}");
        assert!(t.contains("│  Send"));
    }

    #[test]
    fn lab_marks_passed_and_stopped() {
        let flow = FlowDiagram::new(STAGES, &DEFAULT)
            .mark(0, StageMark::Passed)
            .mark(1, StageMark::Passed)
            .mark(2, StageMark::Stopped)
            .mark(99, StageMark::Stopped);
        let lines = flow.lines(200);
        let t = text(&lines).join("\n");
        assert!(t.contains("✓ Send") && t.contains("✓ Receive") && t.contains("┃✗ Authenticate"), "{t}");
        let stopped = lines[1].spans.iter().find(|s| s.content.contains("Authenticate")).map(|s| s.style);
        assert_eq!(stopped, Some(DEFAULT.stopped_stage));
    }

    #[test]
    fn widget_snapshot() {
        let mut term = Terminal::new(TestBackend::new(80, 8)).unwrap();
        let flow = FlowDiagram::new(STAGES, &DEFAULT).mark(3, StageMark::Current);
        term.draw(|f| f.render_widget(&flow, f.area())).unwrap();
        insta::assert_snapshot!("flow_widget_80", term.backend());
    }
}
