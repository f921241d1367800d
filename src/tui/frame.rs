//! The whole frame: the screen on top (each screen draws itself from its own state and the
//! shared data), then the footer, a notice and the overlays around it. Nothing here changes state.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Screen};
use super::keymap;
use super::layout;
use super::screens::{help, home, lab, quiz, reader};
use super::strings as s;

/// Draws the whole frame.
pub fn render(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    if layout::too_small(area) {
        too_small(frame, area, app);
        return;
    }
    let v = app.view();
    match &app.screen {
        Screen::Home => home::view::render(frame, area, &app.home, v),
        Screen::Reader(r) => reader::view::render(frame, area, r, v),
        Screen::Lab(state) => lab::view::render(frame, area, state, v),
        Screen::Quiz(state) => quiz::view::render(frame, area, state, v),
    }
    let (_, footer_area) = layout::with_footer(area);
    footer(frame, footer_area, app);
    notice(frame, area, app);
    help::render(frame, area, app.overlay, &app.screen_scopes(), app.theme, app.unsaved());
}

/// A notice (a progress file moved aside, a failed save, no match) in a box just above the
/// footer, wrapped so a long path is readable; it goes away at the next key.
fn notice(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(text) = &app.notice else { return };
    // Laid out by the same wrapper as lesson text, so the box is exactly as tall as the text.
    let mut w = super::markdown::Writer::styled(usize::from(area.width.saturating_sub(4)), app.theme);
    w.para(&[("! ".to_owned(), app.theme.notice), (text.clone(), app.theme.text)]);
    let lines: Vec<Line<'static>> = w.lines.into_iter().take(6).collect();
    let height = u16::try_from(lines.len()).unwrap_or(6) + 2;
    let rect = Rect {
        x: area.x + 1,
        y: area.bottom().saturating_sub(height + 1),
        width: area.width.saturating_sub(2),
        height,
    };
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(app.theme.notice);
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn too_small(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let text = s::too_small(layout::MIN_WIDTH, layout::MIN_HEIGHT, area.width, area.height);
    let y = area.height / 2;
    let p =
        Paragraph::new(Line::from(Span::styled(text, app.theme.notice))).wrap(Wrap { trim: true }).centered();
    frame.render_widget(p, Rect { y, height: area.height - y, ..area });
}

/// The three most useful keys of the moment.
fn footer(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let t = app.theme;
    let mut spans = Vec::new();
    for (i, (key, help)) in keymap::footer(&app.scopes()).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ·  ", t.dim));
        } else {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(key, t.footer_key));
        spans.push(Span::styled(format!(" {help}"), t.footer_text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tui::app::App;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// Fails on any cell with a colour: what `NO_COLOR` promises.
    pub(crate) fn assert_no_colour(backend: &TestBackend) {
        for cell in backend.buffer().content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (ratatui::style::Color::Reset, ratatui::style::Color::Reset),
                "{cell:?}"
            );
        }
    }

    /// Draws the app at its size and returns the backend for a snapshot.
    pub(crate) fn draw(app: &App) -> TestBackend {
        let mut term = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
        term.draw(|f| render(f, app)).unwrap();
        term.backend().clone()
    }

    /// The shipped lesson, as the learner first sees it.
    #[test]
    fn the_shipped_lesson() {
        use crate::content::ModeTarget;
        use crate::tui::msg::Action;
        let catalog = crate::content::load_embedded().unwrap();
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = App::new(
                catalog.clone(),
                &crate::tui::theme::DEFAULT,
                crate::tui::saved::Progress::default(),
                Rect::new(0, 0, w, h),
            );
            insta::assert_snapshot!(format!("shipped_home_{w}x{h}"), draw(&a));
            let lesson = a.lesson().unwrap().clone();
            for target in [ModeTarget::GuidedWalkthrough, ModeTarget::BuildUp, ModeTarget::Pitfalls] {
                if let Some(i) = lesson.modes.iter().position(|m| m.opens == target) {
                    a.home.entry = a
                        .home_entries()
                        .iter()
                        .position(|e| *e == crate::tui::app::HomeEntry::Mode(i))
                        .unwrap();
                    a.update(Action::Open);
                    insta::assert_snapshot!(format!("shipped_{target:?}_{w}x{h}"), draw(&a));
                    a.update(Action::Back);
                }
            }
        }
    }

    /// A short lesson (title, overview and a quiz): home offers what it has, the walk-through
    /// shows only the overview (no empty sections), and practice opens its own quiz.
    #[test]
    fn a_short_lesson_shows_only_what_it_has() {
        use crate::tui::app::{HomeEntry, Screen};
        use crate::tui::msg::Action;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/short");
        let mut catalog = crate::content::load(&[crate::content::Source::Dir(dir)]).unwrap();
        // Another lesson's practice quiz first: it must not stand in for the short lesson's.
        let shipped = crate::content::load_embedded().unwrap();
        catalog.quizzes.splice(0..0, shipped.quizzes);
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = App::new(
                catalog.clone(),
                &crate::tui::theme::DEFAULT,
                crate::tui::saved::Progress::default(),
                Rect::new(0, 0, w, h),
            );
            let entries = a.home_entries();
            assert_eq!(
                entries,
                vec![
                    HomeEntry::Auto(crate::content::ModeTarget::GuidedWalkthrough),
                    HomeEntry::Auto(crate::content::ModeTarget::Practice)
                ]
            );
            insta::assert_snapshot!(format!("short_home_{w}x{h}"), draw(&a));
            a.update(Action::Open);
            let Screen::Reader(r) = &a.screen else { panic!("the walk-through opens the reader") };
            assert_eq!(r.pages.len(), 1, "only the overview: {:?}", r.pages);
            insta::assert_snapshot!(format!("short_walkthrough_{w}x{h}"), draw(&a));
            let mut a = App::new(
                catalog.clone(),
                &crate::tui::theme::DEFAULT,
                crate::tui::saved::Progress::default(),
                Rect::new(0, 0, w, h),
            );
            a.home.entry = 1;
            a.update(Action::Open);
            let Screen::Quiz(_) = &a.screen else { panic!("practice opens the quiz: {:?}", draw(&a)) };
            let text = format!("{:?}", draw(&a));
            assert!(text.contains("APIKeyHeader"), "the short lesson's own question: {text}");
        }
        let plain = crate::tui::doc::plain(&catalog.lessons[0], &crate::content::SectionKind::ALL);
        assert!(!plain.contains("Mental model") && !plain.contains("Pitfalls"), "{plain}");
    }

    #[test]
    fn no_color_reader_has_no_colour_but_keeps_marks() {
        use crate::content::ModeTarget;
        use crate::tui::msg::Action;
        let mut a = crate::tui::app::tests::app(80, 24);
        a.theme = &crate::tui::theme::MONOCHROME;
        crate::tui::app::tests::open(&mut a, ModeTarget::BuildUp);
        a.update(Action::Choose(1));
        a.update(Action::Commit);
        let backend = draw(&a);
        insta::assert_snapshot!("reader_reveal_80x24_no_color", backend);
        assert_no_colour(&backend);
        assert!(format!("{backend}").contains("✗ 401 Not authenticated"));
    }

    #[test]
    fn a_long_notice_wraps_in_a_box_above_the_footer() {
        let mut a = crate::tui::app::tests::app(80, 24);
        a.update(crate::tui::msg::Action::Notice(
            "/a/long/data/dir/progress.json is not valid progress (expected value at line 1 column 1); \
             it was moved to /a/long/data/dir/progress.json.corrupt-20261125T041327Z"
                .into(),
        ));
        let backend = draw(&a);
        insta::assert_snapshot!("notice_80x24", backend);
        assert!(format!("{backend}").contains("corrupt-20261125T041327Z"));
        a.update(crate::tui::msg::Action::Down);
        assert!(a.notice.is_none(), "the next key clears it");
    }

    #[test]
    fn tiny_terminal_asks_to_be_bigger() {
        let app = crate::tui::app::tests::app(40, 10);
        let backend = draw(&app);
        insta::assert_snapshot!("tiny_40x10", backend);
        let text = format!("{backend}");
        assert!(text.contains("make me bigger (need 60×16, have 40×10)"), "{text}");
    }
}
