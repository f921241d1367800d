//! The quiz screens (visual quiz, practice, review). A placeholder until the quiz view lands: it
//! replaces this file and [`QuizState`](crate::tui::app::QuizState), keeping `render`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::content::ModeTarget;
use crate::tui::app::{App, QuizState};
use crate::tui::layout;
use crate::tui::strings as s;

pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, state: &QuizState) {
    let lesson = app.catalog.lessons.get(state.lesson).map_or("", |l| l.title.as_str());
    let title = match state.mode {
        ModeTarget::VisualQuiz => "Visual quiz",
        ModeTarget::Practice => "Practice",
        ModeTarget::ReviewMissed => "Review missed",
        _ => s::QUIZ_TITLE,
    };
    placeholder(frame, area, app, title, lesson, s::COMING_QUIZ);
}

/// A framed message for a screen that is not built yet.
pub fn placeholder(frame: &mut Frame<'_>, area: Rect, app: &App, title: &str, lesson: &str, message: &str) {
    let t = app.theme;
    let (main, _) = layout::with_footer(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focus)
        .title(Span::styled(format!(" {title} · {lesson} "), t.title));
    let text = vec![
        Line::default(),
        Line::from(Span::styled(message.to_owned(), t.text)),
        Line::default(),
        Line::from(Span::styled(s::BACK_HINT, t.dim)),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).block(block), main);
}

#[cfg(test)]
mod tests {
    use crate::content::ModeTarget;
    use crate::tui::app::tests::{app, open};
    use crate::tui::views::tests::draw;

    #[test]
    fn quiz_placeholder_80x24() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::Practice);
        insta::assert_snapshot!("quiz_80x24", draw(&a));
        a.update(crate::tui::action::Action::Resize(120, 40));
        insta::assert_snapshot!("quiz_120x40", draw(&a));
    }
}
