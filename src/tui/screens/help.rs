//! Pop-ups over a screen: the key help (from the binding table) and the quit confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::keymap::{self, Scope};
use crate::tui::strings as s;
use crate::tui::theme::Theme;

/// What is open over the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help { scroll: u16 },
    ConfirmQuit,
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [c] = Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(v);
    c
}

/// Draws the overlay: the help lists the keys of `scopes` (the screen's); the confirmation says
/// what quitting would lose (`unsaved`).
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    overlay: Overlay,
    scopes: &[Scope],
    t: &'static Theme,
    unsaved: Option<&str>,
) {
    match overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => {
            let bindings = keymap::active(scopes);
            let key_w = bindings.iter().map(|b| b.label.chars().count()).max().unwrap_or(4);
            let mut lines: Vec<Line<'_>> = bindings
                .iter()
                .map(|b| {
                    Line::from(vec![
                        Span::styled(format!(" {:<key_w$}  ", b.label), t.footer_key),
                        Span::styled(b.help, t.text),
                    ])
                })
                .collect();
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(format!(" {}", s::HELP_CLOSE), t.dim)));
            let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
            let rect = centered(area, 56, h);
            // Cut by a short terminal: say so, and how to see the rest.
            let hidden =
                lines.len().saturating_sub(usize::from(rect.height.saturating_sub(2)) + usize::from(scroll));
            let mut block = Block::default()
                .borders(Borders::ALL)
                .border_style(t.border_focus)
                .title(Span::styled(format!(" {} ", s::HELP_TITLE), t.title));
            if hidden > 0 {
                block = block
                    .title_bottom(Line::from(Span::styled(s::help_more(hidden), t.accent)).right_aligned());
            }
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), rect);
        }
        Overlay::ConfirmQuit => {
            let reason = unsaved.unwrap_or("");
            let rect = centered(area, 50, 7);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(t.bad)
                .title(Span::styled(format!(" {} ", s::CONFIRM_TITLE), t.title));
            let text = vec![
                Line::from(Span::styled(reason, t.text)),
                Line::default(),
                Line::from(Span::styled(s::CONFIRM_KEYS, t.footer_key)),
            ];
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).block(block), rect);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content::ModeTarget;
    use crate::tui::app::tests::{app, open};
    use crate::tui::frame::tests::draw;
    use crate::tui::msg::Action;

    #[test]
    fn help_reader_80x24() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::BuildUp);
        a.update(Action::ToggleHelp);
        let backend = draw(&a);
        insta::assert_snapshot!("help_reader_80x24", backend);
        assert!(format!("{backend}").contains("choose an option"));
        a.update(Action::Resize(120, 40));
        insta::assert_snapshot!("help_reader_120x40", draw(&a));
        let mut home = app(120, 40);
        home.update(Action::ToggleHelp);
        insta::assert_snapshot!("help_home_120x40", draw(&home));
    }

    #[test]
    fn confirm_quit_80x24() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::BuildUp);
        a.update(Action::NextPage);
        a.update(Action::StartTyping);
        a.update(Action::Input('x'));
        a.update(Action::Quit);
        insta::assert_snapshot!("confirm_quit_80x24", draw(&a));
        a.update(Action::Resize(120, 40));
        insta::assert_snapshot!("confirm_quit_120x40", draw(&a));
    }
}
