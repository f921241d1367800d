//! The quiz screen (visual quiz, practice, review): the header, the question document laid out
//! by [`super::view`], the execution table beside visual questions, and a status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph};

use super::QuizState;
use crate::tui::ctx::View;
use crate::tui::strings as s;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &QuizState, shared: View<'_>) {
    let t = shared.theme;
    let v = state.laid_out(shared, area);
    let lesson = shared.catalog.lessons.get(state.lesson).map_or("", |l| l.title.as_str());
    let header = Line::from(vec![
        Span::styled(format!(" {} ", super::mode_title(state.mode)), t.title),
        Span::styled("· ", t.dim),
        Span::styled(lesson.to_owned(), t.bold),
    ]);
    frame.render_widget(Paragraph::new(header), v.areas.header);

    // Only the visible lines are drawn.
    let h = usize::from(v.areas.body.height);
    let end = (v.scroll + h).min(v.doc.lines.len());
    let visible: Vec<Line<'_>> = v.doc.lines.get(v.scroll..end).unwrap_or_default().to_vec();
    frame.render_widget(Paragraph::new(visible), v.areas.body);

    if let (Some(area), Some(table)) = (v.areas.table, &v.table) {
        let block = Block::default()
            .borders(Borders::LEFT)
            .padding(Padding::left(1))
            .border_style(t.border)
            .title(Span::styled(format!(" {}", s::QUIZ_TABLE), t.title));
        frame.render_widget(Paragraph::new(table.clone()).block(block), area);
    }

    let status = super::status(state, &v);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(format!(" {status}"), super::status_style(state, shared)))),
        v.areas.status,
    );
}

#[cfg(test)]
mod tests {
    use crate::quiz::Selection;
    use crate::tui::app::App;
    use crate::tui::frame::tests::draw;
    use crate::tui::msg::Action;
    use crate::tui::screens::quiz::tests::{advance, app, practice, quiz_app, right_and_wrong};
    use crate::tui::theme::MONOCHROME;

    fn visual(w: u16, h: u16) -> App {
        quiz_app(w, h, Selection { quiz: Some("demo-visual".into()), ..Selection::default() })
    }

    fn text(a: &App) -> String {
        format!("{}", draw(a))
    }

    #[test]
    fn practice_question() {
        insta::assert_snapshot!("quiz_practice_80x24", draw(&quiz_app(80, 24, practice())));
        // The second question has code.
        let mut a = quiz_app(120, 40, practice());
        let (right, _) = right_and_wrong(&a);
        a.update(Action::Answer(right));
        a.update(Action::NextQuestion);
        insta::assert_snapshot!("quiz_practice_120x40", draw(&a));
    }

    #[test]
    fn question_with_code_and_hints_revealed() {
        let mut a = quiz_app(80, 24, practice());
        let (right, _) = right_and_wrong(&a);
        a.update(Action::Answer(right));
        a.update(Action::NextQuestion);
        a.update(Action::NextHint);
        let screen = text(&a);
        assert!(screen.contains("Hint 1/1:") && screen.contains("hint 1/1 · worth 0.75 now"), "{screen}");
        insta::assert_snapshot!("quiz_hint_80x24", draw(&a));
        let mut a = quiz_app(120, 40, practice());
        a.update(Action::NextHint);
        a.update(Action::NextHint);
        insta::assert_snapshot!("quiz_hints_120x40", draw(&a));
    }

    #[test]
    fn wrong_answer_feedback() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = quiz_app(w, h, practice());
            let (_, wrong) = right_and_wrong(&a);
            a.update(Action::Answer(wrong));
            let screen = text(&a);
            assert!(screen.contains("✗") && screen.contains("is tempting"), "{screen}");
            insta::assert_snapshot!(format!("quiz_wrong_{w}x{h}"), draw(&a));
        }
        // The rest of the feedback is further down.
        let mut a = quiz_app(80, 24, practice());
        let (_, wrong) = right_and_wrong(&a);
        a.update(Action::Answer(wrong));
        a.update(Action::Bottom);
        let screen = text(&a);
        assert!(screen.contains("Quick check:") && screen.contains("press l"), "{screen}");
    }

    #[test]
    fn right_answer_feedback() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = quiz_app(w, h, practice());
            a.update(Action::NextHint);
            let (right, _) = right_and_wrong(&a);
            a.update(Action::Answer(right));
            assert!(text(&a).contains("Right: 0.75 points (1 hint used)."));
            insta::assert_snapshot!(format!("quiz_right_{w}x{h}"), draw(&a));
        }
    }

    #[test]
    fn visual_quiz_with_the_table_beside_or_stacked() {
        let wide = visual(120, 40);
        let screen = text(&wide);
        assert!(screen.contains("│ 1    │ GET /items/"), "{screen}");
        insta::assert_snapshot!("quiz_visual_120x40", draw(&wide));
        insta::assert_snapshot!("quiz_visual_80x24", draw(&visual(80, 24)));
    }

    #[test]
    fn end_summary() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = quiz_app(w, h, practice());
            for n in 0..3 {
                let (right, wrong) = right_and_wrong(&a);
                advance(25_000);
                if n == 0 {
                    a.update(Action::NextHint);
                }
                a.update(Action::Answer(if n == 1 { wrong } else { right }));
                a.update(Action::NextQuestion);
            }
            insta::assert_snapshot!(format!("quiz_summary_{w}x{h}"), draw(&a));
        }
    }

    #[test]
    fn practice_from_home_asks_which_questions() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = app(w, h);
            crate::tui::screens::quiz::tests::open_mode(&mut a, 0, crate::content::ModeTarget::Practice);
            a.update(Action::Down);
            insta::assert_snapshot!(format!("quiz_pick_{w}x{h}"), draw(&a));
        }
    }

    #[test]
    fn empty_review() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut a = app(w, h);
            crate::tui::screens::quiz::tests::open_selection(
                &mut a,
                Selection { review: true, ..Selection::default() },
                1,
            );
            insta::assert_snapshot!(format!("quiz_review_empty_{w}x{h}"), draw(&a));
        }
    }

    #[test]
    fn no_color_marks_right_and_wrong_without_colour() {
        let mut a = quiz_app(80, 24, practice());
        a.theme = &MONOCHROME;
        let (_, wrong) = right_and_wrong(&a);
        a.update(Action::Answer(wrong));
        let backend = draw(&a);
        insta::assert_snapshot!("quiz_wrong_80x24_no_color", backend);
        crate::tui::frame::tests::assert_no_colour(&backend);
        let screen = format!("{backend}");
        assert!(screen.contains("✓") && screen.contains("✗"), "{screen}");
    }
}
