//! The quiz screen laid out: where things go ([`areas`]) and the question, feedback, summary
//! or review notice as lines ([`view`]), with the lines a click or a reveal refers to. Pure
//! functions of the quiz state, the shared data and a size, so the view draws exactly what `update` scrolls and clicks.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{QuizBody, QuizState};
use crate::content::{Catalog, Difficulty, Lesson, QuizKind};
use crate::quiz::scoring::format_points;
use crate::quiz::{self, Phase, Session, question_score};
use crate::tui::ctx::View;
use crate::tui::layout;
use crate::tui::markdown::{Writer, backticks};
use crate::tui::strings as s;

/// Side by side from this width; narrower, the execution table is stacked above the question.
pub const SIDE_TABLE_MIN_WIDTH: u16 = 110;

/// Columns the table pane spends on its border and a space.
pub const TABLE_PANE_EDGE: u16 = 2;

/// Where the quiz screen draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuizAreas {
    pub header: Rect,
    /// The question (inside a one-column margin).
    pub body: Rect,
    /// The execution table beside the question (visual questions on a wide screen).
    pub table: Option<Rect>,
    pub status: Rect,
}

/// `table_width`: the width the execution table would like beside the question (its natural
/// width plus the pane's border); it gets at most 55% of the screen.
#[must_use]
pub fn areas(size: Rect, table_width: Option<u16>) -> QuizAreas {
    let (main, _) = layout::with_footer(size);
    let [header, middle, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(main);
    let (text, table) = if let Some(want) = table_width
        && middle.width >= SIDE_TABLE_MIN_WIDTH
    {
        let width = want.clamp(30, middle.width * 55 / 100);
        let [t, table] = Layout::horizontal([Constraint::Min(1), Constraint::Length(width)]).areas(middle);
        (t, Some(table))
    } else {
        (middle, None)
    };
    let body = Rect { x: text.x + 1, width: text.width.saturating_sub(2), ..text };
    QuizAreas { header, body, table, status }
}

/// The question's lines and what in them can be clicked or revealed.
#[derive(Debug, Clone, Default)]
pub struct QuizDoc {
    pub lines: Vec<Line<'static>>,
    /// (line, display index) for every line of every choice.
    pub choices: Vec<(usize, usize)>,
    /// Lines to bring into view: the newest hint, or the verdict and the misconception.
    pub focus: Option<(usize, usize)>,
}

/// Everything the view draws, computed from the state alone.
#[derive(Debug, Clone)]
pub struct QuizView {
    pub areas: QuizAreas,
    pub doc: QuizDoc,
    /// The execution table drawn beside the question, when there is room.
    pub table: Option<Vec<Line<'static>>>,
    /// The scroll, clamped to the document.
    pub scroll: usize,
}

/// Lays the quiz screen out at `size`.
#[must_use]
pub fn view(q: &QuizState, v: View<'_>, size: Rect) -> QuizView {
    let table_lesson = q.session().and_then(|s| visual_lesson(v.catalog, s));
    let natural = table_lesson.map(|lesson| {
        let mut tw = Writer::styled(usize::from(u16::MAX), v.theme);
        execution_table(&mut tw, lesson);
        let widest = tw.lines.iter().map(Line::width).max().unwrap_or(0);
        u16::try_from(widest).unwrap_or(u16::MAX).saturating_add(TABLE_PANE_EDGE)
    });
    // Beside the question when it fits whole; otherwise stacked, scrolling with the question.
    let mut areas = areas(size, natural);
    let mut table = None;
    if let (Some(area), Some(lesson)) = (areas.table, table_lesson) {
        let mut tw = Writer::styled(usize::from(area.width.saturating_sub(TABLE_PANE_EDGE)), v.theme);
        execution_table(&mut tw, lesson);
        if tw.lines.len() < usize::from(area.height) {
            table = Some(tw.lines);
        } else {
            areas = self::areas(size, None);
        }
    }
    let width = usize::from(areas.body.width);
    let mut w = Writer::styled(width, v.theme);
    let mut doc = QuizDoc::default();
    let stacked = if table.is_none() { table_lesson } else { None };
    match &q.body {
        QuizBody::Session(session) => match session.phase() {
            Phase::Finished => summary(&mut w, v, q, session),
            _ => question(&mut w, &mut doc, v, q, session, stacked),
        },
        QuizBody::NothingDue { next_in_days } => nothing_due(&mut w, *next_in_days),
        QuizBody::Pick { quiz, options } => pick(&mut w, &mut doc, v, q, quiz, options),
        QuizBody::Unavailable(message) => {
            w.heading(s::QUIZ_UNAVAILABLE, 1);
            w.para(&[(message.clone(), v.theme.text)]);
            w.blank();
            w.para(&[(s::BACK_HINT.to_owned(), v.theme.dim)]);
        }
    }
    doc.lines = w.lines;
    let h = usize::from(areas.body.height);
    let scroll = q.scroll.min(doc.lines.len().saturating_sub(h));
    QuizView { areas, doc, table, scroll }
}

/// The lesson whose execution table goes with the current question, if it is a visual one.
fn visual_lesson<'a>(catalog: &'a Catalog, session: &Session) -> Option<&'a Lesson> {
    let quiz = catalog.quiz(session.quiz_id()?)?;
    if quiz.kind != QuizKind::Visual {
        return None;
    }
    catalog.lesson(&quiz.lesson)
}

/// The execution table as the reader shows it.
fn execution_table(w: &mut Writer, lesson: &Lesson) {
    let rows: Vec<Vec<String>> = lesson
        .execution_table
        .rows
        .iter()
        .map(|r| {
            vec![r.step.to_string(), r.action.clone(), r.token.clone(), r.check.clone(), r.response.clone()]
        })
        .collect();
    w.simple_table(&["Step", "Action", "Token", "Check", "Response"], &rows);
}

/// Long because a question is laid out in reading order (position, stem, the stacked table,
/// choices with their click lines, then hints or feedback), each part recording where it is
/// for scrolling and clicks.
fn question(
    w: &mut Writer,
    doc: &mut QuizDoc,
    v: View<'_>,
    q: &QuizState,
    session: &Session,
    stacked_table: Option<&Lesson>,
) {
    let t = v.theme;
    let Some(question) = session.question() else { return };
    let (n, total) = session.position();
    let mut about =
        vec![(s::question_of(n, total), t.accent), (format!(" · {}", question.difficulty.as_str()), t.dim)];
    if !question.tags.is_empty() {
        about.push((format!(" · {}", question.tags.join(", ")), t.dim));
    }
    w.para(&about);
    w.blank();
    w.md(question.stem.as_str());
    if let Some(lesson) = stacked_table {
        w.blank();
        w.para(&[(s::QUIZ_TABLE.to_owned(), t.bold)]);
        execution_table(w, lesson);
    }
    if let Some(code) = &question.code {
        w.blank();
        w.code(&code.language, &code.source);
    }
    w.blank();
    let feedback = session.feedback();
    for choice in session.choices() {
        let start = w.lines.len();
        let (mark, style, note) = match feedback {
            None if choice.index == q.selected => (s::MARK_CURRENT, t.selected, None),
            None => (" ", t.text, None),
            Some(f) if choice.index == f.right.index => {
                let note = if f.correct { s::QUIZ_YOUR_ANSWER } else { s::QUIZ_RIGHT_ANSWER };
                (s::MARK_RIGHT, t.good, Some(note))
            }
            Some(f) if choice.index == f.chosen.index => (s::MARK_WRONG, t.bad, Some(s::QUIZ_YOUR_ANSWER)),
            Some(_) => (" ", t.dim, None),
        };
        let mut text = inline_code(&choice.text, style, t.inline_code);
        if let Some(note) = note {
            text.push((format!("  {note}"), t.dim));
        }
        let first =
            [Span::styled(format!("{mark} "), style), Span::styled(format!("{}) ", choice.letter), style)];
        w.wrap(&text, &first, &[Span::raw("     ")]);
        doc.choices.extend((start..w.lines.len()).map(|l| (l, choice.index)));
    }
    match feedback {
        None => hints(w, doc, v, session),
        Some(f) => {
            w.blank();
            let start = w.lines.len();
            let (mark, style) = if f.correct { (s::MARK_RIGHT, t.good) } else { (s::MARK_WRONG, t.bad) };
            let verdict = if f.correct {
                s::quiz_right(&format_points(f.points), f.hints_used)
            } else {
                s::quiz_wrong(f.chosen.letter, f.right.letter)
            };
            w.para(&[(format!("{mark} "), style), (verdict, style)]);
            if let Some(mistake) = &f.mistake {
                w.blank();
                w.para(&[(s::quiz_why_tempting(f.chosen.letter), t.bold)]);
                w.md(mistake.as_str());
            }
            doc.focus = Some((start, w.lines.len().saturating_sub(1)));
            w.heading(s::QUIZ_SOLUTION, 2);
            let steps: Vec<String> = f
                .solution
                .iter()
                .enumerate()
                .map(|(i, step)| format!("{}. {}", i + 1, step.as_str().trim().replace('\n', "\n   ")))
                .collect();
            w.md(&steps.join("\n"));
            w.blank();
            w.para(&[(s::QUIZ_FINAL.to_owned(), t.bold)]);
            w.md(f.final_answer.as_str());
            w.blank();
            w.para(&[(s::QUIZ_QUICK_CHECK.to_owned(), t.bold), (f.quick_check.clone(), t.text)]);
            if let Some(scenario) = &f.lab_scenario {
                w.blank();
                w.para(&[(s::quiz_prove(scenario), t.accent)]);
            }
        }
    }
}

fn hints(w: &mut Writer, doc: &mut QuizDoc, v: View<'_>, session: &Session) {
    let t = v.theme;
    let total = session.hints_total();
    let shown = session.hints();
    if total == 0 {
        return;
    }
    w.blank();
    let mut start = w.lines.len();
    for (i, hint) in shown.iter().enumerate() {
        start = w.lines.len();
        let label = format!("{} ", s::hint_of(i + 1, total));
        let pad = " ".repeat(crate::tui::markdown::width(&label));
        let text: Vec<(String, Style)> = backticks(hint, t.text, t.inline_code)
            .into_iter()
            .map(|s| (s.content.into_owned(), s.style))
            .collect();
        w.wrap(&text, &[Span::styled(label, t.accent)], &[Span::raw(pad)]);
    }
    let used = u32::try_from(shown.len()).unwrap_or(u32::MAX);
    let line = s::hint_offer(shown.len(), total, &format_points(question_score(true, used)), &{
        format_points(question_score(true, used.saturating_add(1)))
    });
    w.para(&[(line, t.dim)]);
    if !shown.is_empty() {
        doc.focus = Some((start, w.lines.len().saturating_sub(1)));
    }
}

fn summary(w: &mut Writer, v: View<'_>, q: &QuizState, session: &Session) {
    let t = v.theme;
    let sum = session.summary();
    let review = q.mode == crate::content::ModeTarget::ReviewMissed;
    w.heading(if review { s::QUIZ_REVIEW_FINISHED } else { s::QUIZ_FINISHED }, 1);
    let o = sum.overall;
    let mut score = vec![
        (s::QUIZ_SCORE.to_owned(), t.bold),
        (s::score(&format_points(o.points), o.answered, o.right), t.text),
    ];
    if o.answered < sum.total {
        score.push((s::answered_of(o.answered, sum.total), t.dim));
    }
    w.para(&score);
    w.para(&[(s::QUIZ_TIME.to_owned(), t.bold), (s::duration(sum.seconds), t.text)]);
    w.para(&[(s::QUIZ_SCORING_RULE.to_owned(), t.dim)]);
    w.heading(&s::missed_heading(sum.missed.len()), 2);
    if sum.missed.is_empty() {
        w.para(&[(format!("{} ", s::MARK_RIGHT), t.good), (s::QUIZ_NONE_MISSED.to_owned(), t.text)]);
    }
    for m in &sum.missed {
        let stem = v
            .catalog
            .quiz(&m.quiz)
            .and_then(|quiz| quiz.questions.iter().find(|q| q.id == m.question))
            .map_or_else(|| m.question.clone(), |q| first_line(q.stem.as_str()));
        w.wrap(
            &[(format!("[{}] ", m.difficulty.as_str()), t.dim), (stem, t.text)],
            &[Span::styled(format!("{} ", s::MARK_WRONG), t.bad)],
            &[Span::raw("  ")],
        );
    }
    if !sum.missed.is_empty() {
        w.blank();
        w.para(&[(s::retry_offer(sum.missed.len()), t.accent)]);
        w.para(&[(s::QUIZ_REVIEW_NOTE.to_owned(), t.dim)]);
    }
    let row = |name: &str, tally: &quiz::Tally| {
        vec![name.to_owned(), format!("{}/{}", tally.right, tally.answered), format_points(tally.points)]
    };
    if !sum.by_difficulty.is_empty() {
        w.heading(s::QUIZ_BY_DIFFICULTY, 2);
        let rows: Vec<Vec<String>> =
            sum.by_difficulty.iter().map(|(d, tally)| row(d.as_str(), tally)).collect();
        w.simple_table(&[s::QUIZ_COL_DIFFICULTY, s::QUIZ_COL_RIGHT, s::QUIZ_COL_POINTS], &rows);
    }
    if !sum.by_tag.is_empty() {
        w.heading(s::QUIZ_BY_TAG, 2);
        let rows: Vec<Vec<String>> = sum.by_tag.iter().map(|(tag, tally)| row(tag, tally)).collect();
        w.simple_table(&[s::QUIZ_COL_TAG, s::QUIZ_COL_RIGHT, s::QUIZ_COL_POINTS], &rows);
    }
}

/// Choice text with its `code` spans styled (choices are one line of text, not full Markdown).
fn inline_code(text: &str, style: Style, code: Style) -> Vec<(String, Style)> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| (part.to_owned(), if i % 2 == 1 { style.patch(code) } else { style }))
        .collect()
}

/// The first line of a Markdown stem, without its emphasis marks.
fn first_line(md: &str) -> String {
    md.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().replace(['*', '`'], "")
}

fn pick(
    w: &mut Writer,
    doc: &mut QuizDoc,
    v: View<'_>,
    q: &QuizState,
    quiz: &str,
    options: &[(Option<Difficulty>, usize)],
) {
    let t = v.theme;
    let Some(quiz) = v.catalog.quiz(quiz) else { return };
    w.heading(&quiz.title, 1);
    if let Some(about) = &quiz.description {
        w.md(about.as_str());
    }
    w.blank();
    w.para(&[(s::QUIZ_PICK.to_owned(), t.bold)]);
    w.blank();
    for (i, (difficulty, n)) in options.iter().enumerate() {
        let start = w.lines.len();
        let (mark, style) = if i == q.selected { (s::MARK_CURRENT, t.selected) } else { (" ", t.text) };
        let label = s::pick_option(difficulty.map(Difficulty::as_str), *n);
        w.wrap(
            &[(label, style)],
            &[Span::styled(format!("{mark} "), style), Span::styled(format!("{}) ", i + 1), style)],
            &[Span::raw("     ")],
        );
        doc.choices.extend((start..w.lines.len()).map(|l| (l, i)));
    }
    w.blank();
    w.para(&[(s::QUIZ_SCORING_RULE.to_owned(), t.dim)]);
}

fn nothing_due(w: &mut Writer, next_in_days: Option<i64>) {
    let t = w.theme;
    w.heading(s::QUIZ_NOTHING_DUE, 1);
    let mut text = Vec::new();
    if next_in_days.is_some() {
        text.push((format!("{} ", s::MARK_RIGHT), t.good));
    }
    text.push((s::next_review(next_in_days), t.text));
    w.para(&text);
    w.blank();
    w.para(&[(s::QUIZ_REVIEW_HOW.to_owned(), t.dim)]);
    w.blank();
    w.para(&[(s::BACK_HINT.to_owned(), t.dim)]);
}

/// The status line: where the learner is, and what the question is worth now.
#[must_use]
pub fn status(q: &QuizState, v: &QuizView) -> String {
    let total = v.doc.lines.len();
    let h = usize::from(v.areas.body.height);
    let end = (v.scroll + h).min(total);
    let lines = if total > h { s::lines(v.scroll + 1, end, total) } else { String::new() };
    let Some(session) = q.session() else { return lines };
    let about = match session.phase() {
        Phase::Asking => {
            let used = session.hints().len();
            let worth = format_points(question_score(true, u32::try_from(used).unwrap_or(u32::MAX)));
            s::worth_now(used, session.hints_total(), &worth)
        }
        Phase::Answered(f) => {
            let mark = if f.correct { s::MARK_RIGHT } else { s::MARK_WRONG };
            s::points_earned(mark, &format_points(f.points))
        }
        Phase::Finished => String::new(),
    };
    match (about.is_empty(), lines.is_empty()) {
        (false, false) => format!("{about} · {lines}"),
        (false, true) => about,
        _ => lines,
    }
}

/// The style of the mark a line of the status starts with (for the view).
#[must_use]
pub fn status_style(q: &QuizState, v: View<'_>) -> Style {
    match q.session().and_then(Session::feedback) {
        Some(f) if f.correct => v.theme.good,
        Some(_) => v.theme.bad,
        None => v.theme.dim,
    }
}
