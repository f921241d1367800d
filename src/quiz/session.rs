//! One quiz session as a state machine, for the TUI screen and the `--plain` mode alike.
//!
//! ```text
//!   Asking --hint()--> Asking (one more hint shown)
//!   Asking --answer(i, now)--> Answered(Feedback) --next(now)--> Asking (next question) | Finished
//!   any    --stop()--> Finished
//! ```
//!
//! Nothing here reads a clock: every call that needs the time takes `now_ms` (Unix milliseconds,
//! e.g. [`now_ms`]), so tests drive time by hand. Choices are shown in a per-question order;
//! every index a caller passes or receives is a **display** index (the letter is
//! [`letter`]`(index)`), and the session maps it to the content's choice id itself.

use std::collections::BTreeMap;

use super::QuizError;
use super::rng::{SeededRng, derive_seed, permutation};
use super::scoring::question_score;
use super::select::Picked;
use crate::content::{Choice, Difficulty, Md, Question};
use crate::progress::Attempt;

/// Unix milliseconds, now: the `now_ms` to pass when not testing.
#[must_use]
pub fn now_ms() -> u64 {
    crate::progress::day::unix_now_ms()
}

/// The letter shown for display index `i`: A, B, C… (then `?` past Z).
#[must_use]
pub fn letter(i: usize) -> char {
    u8::try_from(i).ok().filter(|&i| i < 26).map_or('?', |i| char::from(b'A' + i))
}

/// A final answer may name the right choice by its letter in content order ("(option B)");
/// choices are shown shuffled, so that letter is rewritten to the one on screen.
#[must_use]
pub fn relabel_final_answer(question: &Question, shown: char) -> String {
    let text = question.final_answer.as_str();
    let Some(at) = question.choices.iter().position(|c| c.id == question.answer) else {
        return text.to_owned();
    };
    let written = letter(at);
    if written == shown {
        return text.to_owned();
    }
    text.replace(&format!("(option {written})"), &format!("(option {shown})"))
}

/// Whether choices are shuffled, and the seed for every shuffle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    pub shuffle_choices: bool,
    pub seed: u64,
}

/// A choice as displayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownChoice {
    /// Position on screen, 0-based (the letter is [`letter`]`(index)`).
    pub index: usize,
    pub letter: char,
    /// The content's choice id (what progress records).
    pub id: String,
    pub text: String,
}

/// What the learner sees after answering.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub correct: bool,
    pub chosen: ShownChoice,
    /// The right choice, with its letter in this display order.
    pub right: ShownChoice,
    /// For a wrong answer: the misconception behind the chosen choice (the content's `mistake`).
    pub mistake: Option<Md>,
    pub solution: Vec<Md>,
    pub final_answer: Md,
    pub quick_check: String,
    /// A lab scenario that proves the answer ("prove it in the lab").
    pub lab_scenario: Option<String>,
    pub hints_used: u32,
    /// Points earned, by [`question_score`].
    pub points: f64,
    pub seconds: u32,
    /// The record to hand to `Progress::record_attempt`.
    pub attempt: Attempt,
}

/// Where the session is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The current question is open; hints may be revealed.
    Asking,
    /// The current question was answered; `next` moves on.
    Answered(Box<Feedback>),
    /// Every question was answered, or the learner stopped.
    Finished,
}

/// A question of the session with its display order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    quiz: String,
    question: Question,
    /// `order[display index] = index into question.choices`.
    order: Vec<usize>,
}

/// One answered question, for the summary.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    item: usize,
    correct: bool,
    points: f64,
    seconds: u32,
}

/// A quiz session: the questions in order, the current one, and the answers so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    items: Vec<Item>,
    index: usize,
    phase: Phase,
    hints_shown: usize,
    shown_at_ms: u64,
    outcomes: Vec<Outcome>,
    options: SessionOptions,
    /// 0 for a first session, n for the n-th "retry missed": each round reshuffles the choices.
    round: u32,
}

/// Points and counts for a group of questions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub answered: usize,
    pub right: usize,
    /// Sum of hint-adjusted points.
    pub points: f64,
}

impl Tally {
    fn add(&mut self, correct: bool, points: f64) {
        self.answered += 1;
        self.right += usize::from(correct);
        self.points += points;
    }
}

/// A question answered wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    pub quiz: String,
    pub question: String,
    pub difficulty: Difficulty,
}

/// The end-of-quiz report.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Questions in the session.
    pub total: usize,
    /// All answered questions: `overall.answered` is the Y of `score: X/Y`, `overall.right` the X.
    pub overall: Tally,
    /// Per difficulty present, easy → hard.
    pub by_difficulty: Vec<(Difficulty, Tally)>,
    /// Per tag present, sorted by tag (a question with two tags counts in both).
    pub by_tag: Vec<(String, Tally)>,
    /// Time spent on the answered questions, from showing each to answering it.
    pub seconds: u32,
    pub missed: Vec<Missed>,
}

impl Session {
    /// Starts a session on `picked`, in that order, showing the first question at `now_ms`.
    /// Fails when there are no questions or a question's answer is not one of its choices.
    pub fn new(picked: Vec<Picked>, options: SessionOptions, now_ms: u64) -> Result<Session, QuizError> {
        Session::start(picked, options, 0, now_ms)
    }

    fn start(
        picked: Vec<Picked>,
        options: SessionOptions,
        round: u32,
        now_ms: u64,
    ) -> Result<Session, QuizError> {
        if picked.is_empty() {
            return Err(QuizError::EmptySession);
        }
        let mut items = Vec::with_capacity(picked.len());
        for Picked { quiz, question } in picked {
            if question.choices.len() < 2 || !question.choices.iter().any(|c| c.id == question.answer) {
                return Err(QuizError::BadQuestion { quiz, question: question.id });
            }
            let n = question.choices.len();
            let order = if options.shuffle_choices {
                let seed = derive_seed(options.seed, &["choices", &round.to_string(), &quiz, &question.id]);
                permutation(n, &mut SeededRng::new(seed))
            } else {
                (0..n).collect()
            };
            items.push(Item { quiz, question, order });
        }
        Ok(Session {
            items,
            index: 0,
            phase: Phase::Asking,
            hints_shown: 0,
            shown_at_ms: now_ms,
            outcomes: Vec::new(),
            options,
            round,
        })
    }

    #[must_use]
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.phase == Phase::Finished
    }

    /// The current question (also while its feedback is shown); `None` once finished.
    #[must_use]
    pub fn question(&self) -> Option<&Question> {
        if self.is_finished() { None } else { self.items.get(self.index).map(|i| &i.question) }
    }

    /// The quiz id of the current question.
    #[must_use]
    pub fn quiz_id(&self) -> Option<&str> {
        if self.is_finished() { None } else { self.items.get(self.index).map(|i| i.quiz.as_str()) }
    }

    /// (1-based number of the current question, number of questions).
    #[must_use]
    pub fn position(&self) -> (usize, usize) {
        ((self.index + 1).min(self.items.len()), self.items.len())
    }

    /// The current question's choices in display order; empty once finished.
    #[must_use]
    pub fn choices(&self) -> Vec<ShownChoice> {
        let Some(item) = self.current_item() else { return Vec::new() };
        (0..item.order.len()).filter_map(|i| shown(item, i)).collect()
    }

    /// The display index of the right answer (the answer key after the shuffle).
    #[must_use]
    pub fn right_index(&self) -> Option<usize> {
        let item = self.current_item()?;
        item.order
            .iter()
            .position(|&c| item.question.choices.get(c).is_some_and(|c| c.id == item.question.answer))
    }

    /// The hints revealed so far for the current question, in ladder order.
    #[must_use]
    pub fn hints(&self) -> &[String] {
        self.current_item().map_or(&[], |i| &i.question.hints[..self.hints_shown.min(i.question.hints.len())])
    }

    /// How many hints the current question has in all.
    #[must_use]
    pub fn hints_total(&self) -> usize {
        self.current_item().map_or(0, |i| i.question.hints.len())
    }

    /// Reveals the next hint of the ladder and counts it against the question's score. `None`
    /// when no hint is left or the question is already answered.
    pub fn hint(&mut self) -> Option<&str> {
        if self.phase != Phase::Asking {
            return None;
        }
        let n = self.hints_shown;
        self.items.get(self.index)?.question.hints.get(n)?;
        self.hints_shown += 1;
        self.items.get(self.index)?.question.hints.get(n).map(String::as_str)
    }

    /// Milliseconds the current question has been shown.
    #[must_use]
    pub fn elapsed_ms(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.shown_at_ms)
    }

    /// Answers the current question with the choice at `display_index`.
    pub fn answer(&mut self, display_index: usize, now_ms: u64) -> Result<&Feedback, QuizError> {
        if self.phase != Phase::Asking {
            return Err(QuizError::NotAsking);
        }
        let item = self.items.get(self.index).ok_or(QuizError::NotAsking)?;
        let chosen = shown(item, display_index)
            .ok_or(QuizError::NoSuchChoice { index: display_index, count: item.order.len() })?;
        let right_index = item
            .order
            .iter()
            .position(|&c| item.question.choices.get(c).is_some_and(|c| c.id == item.question.answer));
        let right = right_index.and_then(|i| shown(item, i)).ok_or_else(|| QuizError::BadQuestion {
            quiz: item.quiz.clone(),
            question: item.question.id.clone(),
        })?;
        let correct = chosen.id == right.id;
        let hints_used = u32::try_from(self.hints_shown).unwrap_or(u32::MAX);
        let points = question_score(correct, hints_used);
        let seconds = u32::try_from(self.elapsed_ms(now_ms) / 1000).unwrap_or(u32::MAX);
        let q = &item.question;
        let mistake =
            if correct { None } else { choice_by_id(q, &chosen.id).and_then(|c| c.mistake.clone()) };
        let attempt = Attempt {
            id: String::new(),
            at: now_ms / 1000,
            quiz: item.quiz.clone(),
            question: q.id.clone(),
            difficulty: q.difficulty,
            choice: chosen.id.clone(),
            letter: chosen.letter.to_string(),
            correct,
            hints_used,
            seconds,
        };
        let final_answer = Md::Inline(relabel_final_answer(q, right.letter));
        let feedback = Feedback {
            correct,
            chosen,
            right,
            mistake,
            solution: q.solution.clone(),
            final_answer,
            quick_check: q.quick_check.clone(),
            lab_scenario: q.lab_scenario.clone(),
            hints_used,
            points,
            seconds,
            attempt,
        };
        self.outcomes.push(Outcome { item: self.index, correct, points, seconds });
        self.phase = Phase::Answered(Box::new(feedback));
        match &self.phase {
            Phase::Answered(f) => Ok(f),
            _ => Err(QuizError::NotAsking),
        }
    }

    /// The feedback of the current question, once answered.
    #[must_use]
    pub fn feedback(&self) -> Option<&Feedback> {
        match &self.phase {
            Phase::Answered(f) => Some(f),
            _ => None,
        }
    }

    /// After an answer, shows the next question (its timer starts at `now_ms`) or finishes.
    /// Returns whether a new question is shown; does nothing while a question is open.
    pub fn next(&mut self, now_ms: u64) -> bool {
        if !matches!(self.phase, Phase::Answered(_)) {
            return false;
        }
        self.index += 1;
        self.hints_shown = 0;
        self.shown_at_ms = now_ms;
        if self.index >= self.items.len() {
            self.phase = Phase::Finished;
            false
        } else {
            self.phase = Phase::Asking;
            true
        }
    }

    /// Ends the session now (the `q` key); an open question is left unanswered and not scored.
    pub fn stop(&mut self) {
        self.phase = Phase::Finished;
    }

    /// The report over the questions answered so far.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut overall = Tally::default();
        let mut by_difficulty: BTreeMap<Difficulty, Tally> = BTreeMap::new();
        let mut by_tag: BTreeMap<String, Tally> = BTreeMap::new();
        let mut seconds: u32 = 0;
        let mut missed = Vec::new();
        for o in &self.outcomes {
            let Some(item) = self.items.get(o.item) else { continue };
            let q = &item.question;
            overall.add(o.correct, o.points);
            by_difficulty.entry(q.difficulty).or_default().add(o.correct, o.points);
            for tag in &q.tags {
                by_tag.entry(tag.clone()).or_default().add(o.correct, o.points);
            }
            seconds = seconds.saturating_add(o.seconds);
            if !o.correct {
                missed.push(Missed {
                    quiz: item.quiz.clone(),
                    question: q.id.clone(),
                    difficulty: q.difficulty,
                });
            }
        }
        Summary {
            total: self.items.len(),
            overall,
            by_difficulty: by_difficulty.into_iter().collect(),
            by_tag: by_tag.into_iter().collect(),
            seconds,
            missed,
        }
    }

    /// A new session with just the questions answered wrong, choices reshuffled; `None` when
    /// nothing was missed.
    #[must_use]
    pub fn retry_missed(&self, now_ms: u64) -> Option<Session> {
        let picked: Vec<Picked> = self
            .outcomes
            .iter()
            .filter(|o| !o.correct)
            .filter_map(|o| self.items.get(o.item))
            .map(|i| Picked { quiz: i.quiz.clone(), question: i.question.clone() })
            .collect();
        Session::start(picked, self.options, self.round.saturating_add(1), now_ms).ok()
    }

    fn current_item(&self) -> Option<&Item> {
        if self.is_finished() { None } else { self.items.get(self.index) }
    }
}

fn shown(item: &Item, display_index: usize) -> Option<ShownChoice> {
    let choice = item.question.choices.get(*item.order.get(display_index)?)?;
    Some(ShownChoice {
        index: display_index,
        letter: letter(display_index),
        id: choice.id.clone(),
        text: choice.text.clone(),
    })
}

fn choice_by_id<'q>(q: &'q Question, id: &str) -> Option<&'q Choice> {
    q.choices.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::testing::{catalog, question};
    use proptest::prelude::*;

    fn practice() -> Vec<Picked> {
        let cat = catalog();
        let quiz = cat.quiz("practice").unwrap();
        quiz.questions.iter().map(|q| Picked { quiz: quiz.id.clone(), question: q.clone() }).collect()
    }

    const T0: u64 = 1_700_000_000_000;

    fn plain_order() -> SessionOptions {
        SessionOptions { shuffle_choices: false, seed: 0 }
    }

    #[test]
    fn a_final_answer_naming_a_letter_follows_the_shuffle() {
        let mut q = question("p1", Difficulty::Easy, &[]);
        q.final_answer = Md::Inline("It is the second one (option B).".into());
        assert_eq!(relabel_final_answer(&q, 'B'), "It is the second one (option B).");
        assert_eq!(relabel_final_answer(&q, 'D'), "It is the second one (option D).");
        // Shuffled sessions hand out the rewritten text, whatever the seed.
        for seed in 0..20 {
            let picked = vec![Picked { quiz: "practice".into(), question: q.clone() }];
            let mut s = Session::new(picked, SessionOptions { shuffle_choices: true, seed }, T0).unwrap();
            let right = s.right_index().unwrap();
            let f = s.answer(right, T0).unwrap();
            assert!(
                f.final_answer.as_str().ends_with(&format!("(option {}).", f.right.letter)),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn the_saved_attempt_keeps_the_letter_shown_and_the_content_id() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..20 {
            let mut s = Session::new(practice(), SessionOptions { shuffle_choices: true, seed }, T0).unwrap();
            let shown: Vec<(char, String)> = s.choices().iter().map(|c| (c.letter, c.id.clone())).collect();
            let f = s.answer(2, T0).unwrap();
            // What the learner pressed (the third letter) and what it stood for in the content.
            assert_eq!((f.attempt.letter.as_str(), f.attempt.choice.as_str()), ("C", shown[2].1.as_str()));
            assert_eq!(shown[2].0, 'C');
            seen.insert(f.attempt.choice.clone());
        }
        assert!(seen.len() > 1, "the shuffle puts different ids under C: {seen:?}");
    }

    #[test]
    fn a_whole_session_with_hints_misses_and_time() {
        let mut s = Session::new(practice(), plain_order(), T0).unwrap();
        assert_eq!(s.position(), (1, 4));
        assert_eq!(s.choices().iter().map(|c| c.letter).collect::<String>(), "ABCD");
        // p1: one hint, then right (B is the answer), after 12 s.
        assert_eq!(s.hint(), Some("p1 hint one"));
        assert_eq!(s.hints().len(), 1);
        let f = s.answer(1, T0 + 12_000).unwrap();
        assert!(f.correct);
        assert_eq!((f.hints_used, f.points, f.seconds), (1, 0.75, 12));
        assert_eq!(f.mistake, None);
        assert_eq!(f.attempt.choice, "b");
        assert_eq!(s.hint(), None, "no hints once answered");
        assert!(s.next(T0 + 20_000));
        // p2: wrong (D), 5 s; the feedback carries d's misconception and the lab scenario.
        assert!(s.hints().is_empty());
        let f = s.answer(3, T0 + 25_000).unwrap().clone();
        assert!(!f.correct);
        assert_eq!(f.mistake, Some(Md::Inline("d confuses 401 and 403".into())));
        assert_eq!((f.right.letter, f.right.id.as_str()), ('B', "b"));
        assert_eq!(f.solution.len(), 2);
        assert_eq!(f.quick_check, "p2 quick check");
        assert_eq!(f.lab_scenario.as_deref(), Some("missing-token"));
        assert!(matches!(s.answer(1, T0 + 26_000), Err(QuizError::NotAsking)), "one answer per question");
        assert!(s.next(T0 + 30_000));
        // p3: three hints asked, two exist; right: 0.5 points.
        s.hint();
        s.hint();
        assert_eq!(s.hint(), None);
        assert_eq!(s.answer(1, T0 + 31_000).unwrap().points, 0.5);
        assert!(s.next(T0 + 40_000));
        // p4: wrong (A).
        assert!(matches!(s.answer(9, T0 + 41_000), Err(QuizError::NoSuchChoice { index: 9, count: 4 })));
        assert!(!s.answer(0, T0 + 43_000).unwrap().correct);
        assert!(!s.next(T0 + 44_000));
        assert!(s.is_finished());
        assert_eq!(s.question(), None);

        let sum = s.summary();
        assert_eq!((sum.total, sum.overall.answered, sum.overall.right, sum.overall.points), (4, 4, 2, 1.25));
        assert_eq!(sum.seconds, 12 + 5 + 1 + 3);
        let easy = sum.by_difficulty.iter().find(|(d, _)| *d == Difficulty::Easy).unwrap().1;
        assert_eq!((easy.answered, easy.right, easy.points), (2, 2, 1.25));
        assert_eq!(sum.by_difficulty.len(), 3);
        let tags: Vec<(&str, usize, usize)> =
            sum.by_tag.iter().map(|(t, n)| (t.as_str(), n.answered, n.right)).collect();
        assert_eq!(tags, vec![("auth", 1, 0), ("cors", 2, 2), ("jwt", 2, 1)]);
        let missed: Vec<&str> = sum.missed.iter().map(|m| m.question.as_str()).collect();
        assert_eq!(missed, vec!["p2", "p4"]);

        let retry = s.retry_missed(T0 + 50_000).unwrap();
        assert_eq!(retry.position(), (1, 2));
        assert_eq!(retry.question().unwrap().id, "p2");
    }

    #[test]
    fn stopping_leaves_the_open_question_unscored() {
        let mut s = Session::new(practice(), plain_order(), T0).unwrap();
        s.answer(1, T0).unwrap();
        s.next(T0);
        s.hint();
        s.stop();
        assert!(s.is_finished());
        let sum = s.summary();
        assert_eq!((sum.overall.answered, sum.overall.right), (1, 1));
        assert!(s.retry_missed(T0).is_none(), "nothing missed, nothing to retry");
    }

    #[test]
    fn empty_and_broken_sessions_are_refused() {
        assert!(matches!(Session::new(vec![], plain_order(), T0), Err(QuizError::EmptySession)));
        let mut q = question("x", Difficulty::Easy, &[]);
        q.answer = "z".into();
        let picked = vec![Picked { quiz: "practice".into(), question: q }];
        assert!(matches!(Session::new(picked, plain_order(), T0), Err(QuizError::BadQuestion { .. })));
    }

    #[test]
    fn retries_reshuffle_the_choices() {
        let opts = SessionOptions { shuffle_choices: true, seed: 3 };
        // Across several seeds, some retry shows the choices in another order than the first round.
        let differs = (0..10).any(|seed| {
            let opts = SessionOptions { seed, ..opts };
            let mut s = Session::new(practice(), opts, T0).unwrap();
            let first = s.choices();
            let wrong = (0..4).find(|&i| Some(i) != s.right_index()).unwrap();
            s.answer(wrong, T0).unwrap();
            s.stop();
            s.retry_missed(T0).unwrap().choices() != first
        });
        assert!(differs);
    }

    proptest! {
        /// Whatever the seed, the letter the session calls right is the content's answer, picking
        /// it scores, and every other letter does not.
        #[test]
        fn the_answer_key_follows_the_shuffle(seed in any::<u64>(), round in 0u32..3) {
            let opts = SessionOptions { shuffle_choices: true, seed };
            let mut s = Session::start(practice(), opts, round, T0).unwrap();
            let same = Session::start(practice(), opts, round, T0).unwrap();
            prop_assert_eq!(s.choices(), same.choices(), "a seed gives one order");
            for n in 0..4 {
                let q = s.question().unwrap().clone();
                let shown = s.choices();
                let mut ids: Vec<&str> = shown.iter().map(|c| c.id.as_str()).collect();
                ids.sort_unstable();
                prop_assert_eq!(ids, vec!["a", "b", "c", "d"]);
                for c in &shown {
                    let content = q.choices.iter().find(|x| x.id == c.id).unwrap();
                    prop_assert_eq!(&c.text, &content.text, "text travels with its id");
                    prop_assert_eq!(c.letter, letter(c.index));
                }
                let right = s.right_index().unwrap();
                prop_assert_eq!(&shown[right].id, &q.answer);
                for wrong in (0..4).filter(|&i| i != right) {
                    let mut probe = s.clone();
                    let f = probe.answer(wrong, T0).unwrap();
                    prop_assert!(!f.correct);
                    prop_assert_eq!(f.right.index, right);
                    prop_assert!(f.mistake.is_some(), "every wrong choice here has a mistake");
                }
                // Alternate right and wrong answers through the session.
                let pick = if n % 2 == 0 { right } else { (right + 1) % 4 };
                let f = s.answer(pick, T0).unwrap();
                prop_assert_eq!(f.correct, pick == right);
                prop_assert_eq!(f.attempt.choice == q.answer, pick == right);
                s.next(T0);
            }
            prop_assert_eq!(s.summary().overall.right, 2);
        }
    }
}
