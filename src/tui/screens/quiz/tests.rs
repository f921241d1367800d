//! The quiz screen driven through `App::update`, with a pinned clock and a fixed seed.

use std::cell::Cell;

use ratatui::layout::Rect;

use super::*;
use crate::content::Quiz;
use crate::progress::Attempt;
use crate::tui::app::{App, Screen};
use crate::tui::saved::Progress;
use crate::tui::theme::DEFAULT;

/// The app's clock now, as the event loop would stamp the next event.
fn stamped(a: &mut App) {
    a.now_ms = (a.clock)();
}

/// Opens a lesson's mode as home's Enter does.
pub(crate) fn open_mode(a: &mut App, lesson: usize, target: ModeTarget) {
    stamped(a);
    a.open_mode(lesson, target);
}

/// Opens the quiz the `quiz` command's flags select.
pub(crate) fn open_selection(a: &mut App, selection: Selection, seed: u64) {
    stamped(a);
    a.open_quiz(selection, seed);
}

/// The quiz page as laid out for drawing at `size`.
pub(crate) fn view(a: &App, size: Rect) -> QuizView {
    super::view(state(a), a.view(), size)
}

/// Questions due today by the app's clock.
pub(crate) fn due_today(a: &App) -> usize {
    crate::tui::ctx::View { now_ms: (a.clock)(), ..a.view() }.due_today()
}

/// 2023-11-14 22:13:20 UTC, in milliseconds.
pub(crate) const T0: u64 = 1_700_000_000_000;

thread_local! {
    static NOW: Cell<u64> = const { Cell::new(T0) };
}

/// The app's clock in tests: each test runs on its own thread, so each has its own time.
pub(crate) fn clock() -> u64 {
    NOW.with(Cell::get)
}

pub(crate) fn advance(ms: u64) {
    NOW.with(|n| n.set(n.get() + ms));
}

/// The TUI's demo lesson plus two quizzes on it (practice: three questions, visual: one).
pub(crate) fn catalog() -> Catalog {
    let mut catalog = crate::tui::doc::tests::catalog();
    for yaml in [include_str!("testdata/practice.yaml"), include_str!("testdata/visual.yaml")] {
        let quiz: Quiz = serde_yaml::from_str(yaml).unwrap();
        catalog.quizzes.push(quiz);
    }
    catalog
}

pub(crate) fn app(w: u16, h: u16) -> App {
    let mut app = App::new(catalog(), &DEFAULT, Progress::default(), Rect::new(0, 0, w, h));
    app.clock = clock;
    app
}

/// The app on the quiz the flags select, choices shuffled with seed 1.
pub(crate) fn quiz_app(w: u16, h: u16, selection: Selection) -> App {
    let mut a = app(w, h);
    open_selection(&mut a, selection, 1);
    a
}

pub(crate) fn practice() -> Selection {
    Selection { quiz: Some("demo-practice".into()), ..Selection::default() }
}

pub(crate) fn state(app: &App) -> &QuizState {
    match &app.screen {
        Screen::Quiz(q) => q,
        _ => panic!("not on the quiz screen"),
    }
}

pub(crate) fn session(app: &App) -> &Session {
    state(app).session().expect("a session")
}

/// The display index of the right answer, and of some wrong one.
pub(crate) fn right_and_wrong(app: &App) -> (usize, usize) {
    let right = session(app).right_index().unwrap();
    (right, (right + 1) % 4)
}

#[test]
fn opening_from_home_finds_the_lessons_quiz_or_says_there_is_none() {
    let mut a = app(80, 24);
    open_mode(&mut a, 0, ModeTarget::Practice);
    // Practice first asks which questions; Enter takes them all.
    assert_eq!(a.scopes(), vec![Scope::QuizPick, Scope::Quiz, Scope::Global]);
    a.update(Action::Commit);
    assert_eq!(session(&a).quiz_id(), Some("demo-practice"));
    assert_eq!(session(&a).position(), (1, 3));
    open_mode(&mut a, 0, ModeTarget::VisualQuiz);
    assert_eq!(session(&a).quiz_id(), Some("demo-visual"));
    assert_eq!(state(&a).mode, ModeTarget::VisualQuiz);

    // The TUI's own test lesson has no quizzes at all.
    let mut bare = crate::tui::app::tests::app(80, 24);
    bare.clock = clock;
    open_mode(&mut bare, 0, ModeTarget::Practice);
    match &state(&bare).body {
        QuizBody::Unavailable(m) => assert!(m.contains("no practice"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(state(&bare).scopes(), vec![Scope::Quiz, Scope::Global]);
}

#[test]
fn hints_one_at_a_time_then_a_right_answer_is_saved_with_them() {
    let mut a = quiz_app(80, 24, practice());
    assert_eq!(a.scopes(), vec![Scope::QuizAsking, Scope::Quiz, Scope::Global]);
    a.update(Action::NextHint);
    assert_eq!(session(&a).hints().len(), 1);
    a.update(Action::NextHint);
    a.update(Action::NextHint);
    assert_eq!(session(&a).hints().len(), 2, "the ladder has two rungs");
    advance(9_000);
    let (right, _) = right_and_wrong(&a);
    let effects = a.update(Action::Answer(right));
    assert_eq!(effects, vec![Effect::SaveProgress], "one save per answer");
    let f = session(&a).feedback().unwrap();
    assert!(f.correct);
    assert_eq!((f.hints_used, f.points, f.seconds), (2, 0.5, 9));
    let saved = a.progress.attempts();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].id.len(), 16, "every saved answer has its own id");
    assert_eq!(
        saved[0],
        Attempt {
            id: saved[0].id.clone(),
            at: (T0 + 9_000) / 1000,
            quiz: "demo-practice".into(),
            question: "status-401".into(),
            difficulty: crate::content::Difficulty::Easy,
            choice: "b".into(),
            letter: crate::quiz::session::letter(right).to_string(),
            correct: true,
            hints_used: 2,
            seconds: 9,
        }
    );
    // Hints and answers are over for this question; keys that would change it do nothing.
    assert!(a.update(Action::NextHint).is_empty());
    assert!(a.update(Action::Answer(0)).is_empty());
    assert_eq!(a.progress.attempts().len(), 1);
    assert_eq!(a.scopes(), vec![Scope::QuizAnswered, Scope::QuizLab, Scope::Quiz, Scope::Global]);
}

#[test]
fn a_wrong_answer_carries_its_misconception_and_moves_on() {
    let mut a = quiz_app(80, 24, practice());
    let (_, wrong) = right_and_wrong(&a);
    let chosen_id = session(&a).choices()[wrong].id.clone();
    a.update(Action::Answer(wrong));
    let f = session(&a).feedback().unwrap();
    assert!(!f.correct);
    let content = catalog().quiz("demo-practice").unwrap().questions[0].clone();
    let want = content.choices.iter().find(|c| c.id == chosen_id).unwrap().mistake.clone();
    assert_eq!(f.mistake, want);
    assert!(!a.progress.attempts()[0].correct);
    a.update(Action::NextQuestion);
    assert_eq!(session(&a).position(), (2, 3));
    assert_eq!(*session(&a).phase(), Phase::Asking);
    assert_eq!(state(&a).scroll, 0);
}

#[test]
fn arrows_and_enter_answer_the_highlighted_choice_and_clicks_select_then_answer() {
    let mut a = quiz_app(80, 24, practice());
    a.update(Action::Down);
    a.update(Action::Down);
    a.update(Action::Up);
    assert_eq!(state(&a).selected, 1);
    for _ in 0..10 {
        a.update(Action::Down);
    }
    assert_eq!(state(&a).selected, 3, "stops at the last choice");
    a.update(Action::Commit);
    assert_eq!(session(&a).feedback().unwrap().chosen.index, 3);

    // A click on a choice's line highlights it; a second click answers.
    let mut a = quiz_app(120, 40, practice());
    let v = view(&a, a.size);
    let (line, index) = *v.doc.choices.iter().find(|(_, i)| *i == 2).unwrap();
    let row = v.areas.body.y + u16::try_from(line - v.scroll).unwrap();
    let col = v.areas.body.x + 3;
    a.update(Action::Click { col, row });
    assert_eq!(state(&a).selected, index);
    assert!(session(&a).feedback().is_none());
    let effects = a.update(Action::Click { col, row });
    assert_eq!(effects, vec![Effect::SaveProgress]);
    assert_eq!(session(&a).feedback().unwrap().chosen.index, 2);
}

#[test]
fn a_whole_quiz_ends_in_a_summary_and_retry_asks_just_the_missed() {
    let mut a = quiz_app(80, 24, practice());
    for n in 0..3 {
        let (right, wrong) = right_and_wrong(&a);
        advance(20_000);
        a.update(Action::Answer(if n == 1 { wrong } else { right }));
        a.update(Action::NextQuestion);
    }
    assert!(session(&a).is_finished());
    let sum = session(&a).summary();
    assert_eq!((sum.overall.answered, sum.overall.right, sum.seconds), (3, 2, 60));
    assert_eq!(sum.missed.len(), 1);
    assert_eq!(a.scopes(), vec![Scope::QuizMissed, Scope::Quiz, Scope::Global]);
    a.update(Action::RetryMissed);
    assert_eq!(session(&a).position(), (1, 1));
    assert_eq!(session(&a).question().unwrap().id, "compare-tokens");
    let (right, _) = right_and_wrong(&a);
    a.update(Action::Answer(right));
    a.update(Action::NextQuestion);
    assert!(session(&a).summary().missed.is_empty());
    assert_eq!(a.scopes(), vec![Scope::Quiz, Scope::Global], "nothing left to retry");
    assert_eq!(a.progress.attempts().len(), 4, "the retry's answer is saved too");
}

#[test]
fn ending_early_scores_what_was_answered() {
    let mut a = quiz_app(80, 24, practice());
    let (right, _) = right_and_wrong(&a);
    a.update(Action::Answer(right));
    a.update(Action::NextQuestion);
    a.update(Action::EndQuiz);
    let sum = session(&a).summary();
    assert!(session(&a).is_finished());
    assert_eq!((sum.total, sum.overall.answered, sum.overall.right), (3, 1, 1));
}

#[test]
fn prove_it_in_the_lab_opens_the_lab_with_the_scenario() {
    let mut a = quiz_app(80, 24, practice());
    // The lab key means nothing before the answer.
    a.update(Action::ProveInLab);
    assert!(matches!(a.screen, Screen::Quiz(_)));
    let (right, _) = right_and_wrong(&a);
    a.update(Action::Answer(right));
    a.update(Action::ProveInLab);
    match &a.screen {
        Screen::Lab(lab) => assert_eq!(lab.scenario.as_deref(), Some("seed-three")),
        _ => panic!("not in the lab"),
    }
    // Leaving the lab comes back to the feedback, then Esc goes home as usual.
    a.update(Action::Back);
    assert!(session(&a).feedback().is_some_and(|f| f.correct));
    assert!(a.under.is_empty(), "nothing left underneath");
    a.update(Action::Back);
    assert!(matches!(a.screen, Screen::Home));
}

#[test]
fn home_shows_how_many_questions_are_due_today() {
    let mut a = quiz_app(80, 24, practice());
    let (_, wrong) = right_and_wrong(&a);
    a.update(Action::Answer(wrong));
    a.update(Action::Back);
    let home = |a: &App| format!("{}", crate::tui::frame::tests::draw(a));
    assert!(!home(&a).contains("due today"), "nothing due the day it was missed");
    advance(86_400_000);
    // The next event comes a day later: the loop stamps it with the new time.
    a.update(Action::Tick);
    let screen = home(&a);
    assert!(screen.contains("1 due today"), "{screen}");
}

#[test]
fn review_asks_only_what_is_due_and_counts_it_for_home() {
    let mut a = app(80, 24);
    let review = Selection { review: true, ..Selection::default() };
    open_selection(&mut a, review.clone(), 1);
    assert_eq!(state(&a).body, QuizBody::NothingDue { next_in_days: None });
    assert_eq!(state(&a).mode, ModeTarget::ReviewMissed);

    // Miss one question, get another right: the miss is due tomorrow, the other in two days.
    let mut a = quiz_app(80, 24, practice());
    let (_, wrong) = right_and_wrong(&a);
    a.update(Action::Answer(wrong));
    a.update(Action::NextQuestion);
    let (right, _) = right_and_wrong(&a);
    a.update(Action::Answer(right));
    assert_eq!(due_today(&a), 0);
    open_selection(&mut a, review.clone(), 1);
    assert_eq!(state(&a).body, QuizBody::NothingDue { next_in_days: Some(1) });

    advance(86_400_000);
    assert_eq!(due_today(&a), 1);
    open_selection(&mut a, review, 1);
    assert_eq!(session(&a).position(), (1, 1));
    assert_eq!(session(&a).question().unwrap().id, "status-401");
    let (right, _) = right_and_wrong(&a);
    a.update(Action::Answer(right));
    a.update(Action::NextQuestion);
    let v = view(&a, a.size);
    assert!(v.doc.lines.iter().any(|l| l.to_string().contains(crate::tui::strings::QUIZ_REVIEW_FINISHED)));
    assert_eq!(due_today(&a), 0, "answered right: no longer due");
}

#[test]
fn hints_and_feedback_scroll_into_view_on_a_small_screen() {
    let mut a = quiz_app(60, 16, Selection { quiz: Some("demo-visual".into()), ..Selection::default() });
    // Narrow: the table is stacked in the document, so the hint is far down.
    assert!(view(&a, a.size).table.is_none());
    a.update(Action::NextHint);
    let v = view(&a, a.size);
    let (first, last) = v.doc.focus.unwrap();
    let h = usize::from(v.areas.body.height);
    assert!(first >= v.scroll && last < v.scroll + h, "hint lines {first}-{last}, view {} +{h}", v.scroll);
    let (_, wrong) = right_and_wrong(&a);
    a.update(Action::Answer(wrong));
    let v = view(&a, a.size);
    let (first, _) = v.doc.focus.unwrap();
    assert!(first >= v.scroll && first < v.scroll + h, "the verdict is on screen");
    a.update(Action::Bottom);
    let v = view(&a, a.size);
    assert_eq!(v.scroll + h, v.doc.lines.len(), "scrolls to the end, not past it");
}

#[test]
fn the_same_seed_shows_the_same_order_and_home_openings_reshuffle() {
    let order = |seed| {
        let mut a = app(80, 24);
        open_selection(&mut a, practice(), seed);
        session(&a).choices().iter().map(|c| c.id.clone()).collect::<String>()
    };
    assert_eq!(order(7), order(7));
    assert!((0..10).any(|seed| order(seed) != order(7)));
}

#[test]
fn the_final_answer_names_the_letter_shown_not_the_contents() {
    let mut a = quiz_app(120, 40, practice());
    let (right, _) = right_and_wrong(&a);
    let shown = crate::quiz::letter(right);
    assert_ne!(shown, 'B', "seed 1 moves the content's B elsewhere");
    a.update(Action::Answer(right));
    let v = view(&a, a.size);
    let text: String = v.doc.lines.iter().map(|l| format!("{l}\n")).collect();
    assert!(text.contains(&format!("(option {shown})")) && !text.contains("(option B)"), "{text}");
}

mod keys {
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

    use crate::tui::keymap::{Scope as S, footer, keymap};
    use crate::tui::msg::Action;

    fn ev(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent { code, modifiers, kind, state: KeyEventState::NONE }
    }
    fn press(c: char) -> KeyEvent {
        let shift = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        ev(KeyCode::Char(c), shift, KeyEventKind::Press)
    }
    fn key(code: KeyCode) -> KeyEvent {
        ev(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    const ASKING: &[S] = &[S::QuizAsking, S::Quiz, S::Global];
    const ANSWERED: &[S] = &[S::QuizAnswered, S::Quiz, S::Global];
    const ANSWERED_LAB: &[S] = &[S::QuizAnswered, S::QuizLab, S::Quiz, S::Global];
    const MISSED: &[S] = &[S::QuizMissed, S::Quiz, S::Global];
    const DONE: &[S] = &[S::Quiz, S::Global];
    const PICK: &[S] = &[S::QuizPick, S::Quiz, S::Global];

    #[test]
    fn the_quiz_table() {
        for (scopes, event, want) in [
            (ASKING, press('a'), Some(Action::Answer(0))),
            (ASKING, press('B'), Some(Action::Answer(1))),
            (ASKING, press('3'), Some(Action::Answer(2))),
            (ASKING, press('d'), Some(Action::Answer(3))),
            (ASKING, press('4'), Some(Action::Answer(3))),
            (ASKING, press('5'), None),
            (ASKING, press('H'), Some(Action::NextHint)),
            // h and l are the reader's section keys; the quiz does not reuse them.
            (ASKING, press('h'), None),
            (ASKING, key(KeyCode::Down), Some(Action::Down)),
            (ASKING, press('k'), Some(Action::Up)),
            (ASKING, key(KeyCode::Enter), Some(Action::Commit)),
            (ASKING, press('n'), None),
            (ASKING, press('l'), None),
            (ASKING, press('e'), Some(Action::EndQuiz)),
            (ASKING, key(KeyCode::Esc), Some(Action::Back)),
            (ASKING, press('q'), Some(Action::Quit)),
            (ASKING, ev(KeyCode::Char('a'), KeyModifiers::NONE, KeyEventKind::Release), None),
            (ANSWERED, press('n'), Some(Action::NextQuestion)),
            (ANSWERED, key(KeyCode::Enter), Some(Action::NextQuestion)),
            (ANSWERED, press('a'), None),
            (ANSWERED, press('h'), None),
            (ANSWERED, press('j'), Some(Action::Down)),
            (ANSWERED, key(KeyCode::PageDown), Some(Action::PageDown)),
            (ANSWERED, press('l'), None),
            (ANSWERED_LAB, press('L'), Some(Action::ProveInLab)),
            (ANSWERED_LAB, press('l'), None),
            (MISSED, press('r'), Some(Action::RetryMissed)),
            (DONE, press('r'), None),
            (DONE, press('G'), Some(Action::Bottom)),
            (DONE, key(KeyCode::Esc), Some(Action::Back)),
            (PICK, press('2'), Some(Action::Choose(1))),
            (PICK, key(KeyCode::Enter), Some(Action::Commit)),
            (PICK, press('j'), Some(Action::Down)),
            (PICK, press('a'), None),
        ] {
            assert_eq!(keymap(scopes, event), want, "{scopes:?} {event:?}");
        }
    }

    #[test]
    fn the_footer_offers_what_the_moment_needs() {
        let keys = |scopes| footer(scopes).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(keys(ASKING), vec!["A-D/1-4", "H", "Esc"]);
        assert_eq!(keys(ANSWERED_LAB), vec!["n/Enter", "L", "Esc"]);
        assert_eq!(keys(MISSED), vec!["r", "Esc", "?"]);
        assert_eq!(keys(PICK), vec!["1-4/Enter", "↑/↓", "Esc"]);
    }
}

#[test]
fn the_table_goes_beside_the_question_only_when_it_fits_whole() {
    let visual = Selection { quiz: Some("demo-visual".into()), ..Selection::default() };
    let a = quiz_app(120, 40, visual.clone());
    let v = view(&a, a.size);
    assert!(v.areas.table.is_some() && v.table.is_some());
    // Wide but too short for the table: stacked in the scrolling question instead.
    let a = quiz_app(120, 10, visual.clone());
    let v = view(&a, a.size);
    assert!(v.areas.table.is_none() && v.table.is_none());
    assert!(v.doc.lines.iter().any(|l| l.to_string().contains(crate::tui::strings::QUIZ_TABLE)));
    // A practice question never has the table.
    let a = quiz_app(120, 40, practice());
    assert!(view(&a, a.size).areas.table.is_none());
}

#[test]
fn practice_from_home_picks_a_difficulty_by_key_arrow_or_click() {
    let mut a = app(80, 24);
    open_mode(&mut a, 0, ModeTarget::Practice);
    let QuizBody::Pick { options, .. } = &state(&a).body else { panic!("no picker") };
    let d = crate::content::Difficulty::ALL;
    assert_eq!(options, &vec![(None, 3), (Some(d[0]), 1), (Some(d[1]), 1), (Some(d[2]), 1)]);
    a.update(Action::Choose(3));
    assert_eq!(session(&a).position(), (1, 1));
    assert_eq!(session(&a).question().unwrap().id, "scopes");

    open_mode(&mut a, 0, ModeTarget::Practice);
    a.update(Action::Down);
    a.update(Action::Down);
    a.update(Action::Commit);
    assert_eq!(session(&a).question().unwrap().id, "compare-tokens");

    open_mode(&mut a, 0, ModeTarget::Practice);
    let v = view(&a, a.size);
    let (line, _) = *v.doc.choices.iter().find(|(_, i)| *i == 1).unwrap();
    let row = v.areas.body.y + u16::try_from(line - v.scroll).unwrap();
    a.update(Action::Click { col: v.areas.body.x + 2, row });
    assert_eq!(state(&a).selected, 1);
    a.update(Action::Click { col: v.areas.body.x + 2, row });
    assert_eq!(session(&a).question().unwrap().id, "status-401");
    // Choices past the list do nothing.
    open_mode(&mut a, 0, ModeTarget::Practice);
    a.update(Action::Choose(7));
    assert!(matches!(state(&a).body, QuizBody::Pick { .. }));
}
