//! Which questions a quiz session asks, and in what order.

use super::QuizError;
use super::rng::{SeededRng, derive_seed, permutation};
use crate::content::{Catalog, Difficulty, Question, QuizKind};
use crate::progress::{Day, Progress};

/// The learner's choice of questions (the `quiz` command's flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The quiz id; `None` means the practice quiz (or, with `review`, every quiz).
    pub quiz: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub tag: Option<String>,
    /// Only the questions due for review on the day given to [`select`].
    pub review: bool,
    /// Shuffle the question order (seeded by `seed`); otherwise content order.
    pub shuffle: bool,
    pub seed: u64,
}

/// A question picked for a session, with the quiz it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub quiz: String,
    pub question: Question,
}

/// Picks the questions. Fails on an unknown quiz, a missing practice quiz, or filters that match
/// nothing (the message names what was asked for). With `review` and nothing due, returns an
/// empty list: that is good news, not an error.
pub fn select(
    catalog: &Catalog,
    selection: &Selection,
    progress: &Progress,
    today: Day,
) -> Result<Vec<Picked>, QuizError> {
    let quizzes: Vec<_> = match &selection.quiz {
        Some(id) => vec![catalog.quiz(id).ok_or_else(|| QuizError::UnknownQuiz {
            id: id.clone(),
            known: catalog.quizzes.iter().map(|q| q.id.clone()).collect(),
        })?],
        None if selection.review => catalog.quizzes.iter().collect(),
        None => vec![catalog.quiz_of_kind(QuizKind::Practice).ok_or(QuizError::NoPracticeQuiz)?],
    };
    let due = if selection.review { progress.due_today(catalog, today) } else { Vec::new() };
    let mut picked: Vec<Picked> = Vec::new();
    let mut before_review = 0;
    for quiz in &quizzes {
        for question in &quiz.questions {
            if selection.difficulty.is_some_and(|d| d != question.difficulty) {
                continue;
            }
            if selection.tag.as_ref().is_some_and(|t| !question.tags.contains(t)) {
                continue;
            }
            before_review += 1;
            if selection.review && !due.iter().any(|(q, id)| *q == quiz.id && *id == question.id) {
                continue;
            }
            picked.push(Picked { quiz: quiz.id.clone(), question: question.clone() });
        }
    }
    if before_review == 0 {
        let mut tags: Vec<&str> = quizzes
            .iter()
            .flat_map(|q| &q.questions)
            .flat_map(|q| q.tags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        return Err(QuizError::NoQuestions {
            filters: describe(selection),
            tags: tags.into_iter().map(str::to_owned).collect(),
        });
    }
    if selection.shuffle {
        let mut rng = SeededRng::new(derive_seed(selection.seed, &["question-order"]));
        let order = permutation(picked.len(), &mut rng);
        let mut slots: Vec<Option<Picked>> = picked.into_iter().map(Some).collect();
        picked = order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();
    }
    Ok(picked)
}

fn describe(selection: &Selection) -> String {
    let mut parts = Vec::new();
    if let Some(q) = &selection.quiz {
        parts.push(format!("--quiz {q}"));
    }
    if let Some(d) = selection.difficulty {
        parts.push(format!("--difficulty {}", d.as_str()));
    }
    if let Some(t) = &selection.tag {
        parts.push(format!("--tag {t}"));
    }
    if parts.is_empty() { "the quiz".to_owned() } else { parts.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Attempt;
    use crate::quiz::testing::catalog;

    fn ids(picked: &[Picked]) -> Vec<&str> {
        picked.iter().map(|p| p.question.id.as_str()).collect()
    }

    #[test]
    fn default_is_every_practice_question_in_content_order() {
        let cat = catalog();
        let got = select(&cat, &Selection::default(), &Progress::new(), Day(0)).unwrap();
        assert_eq!(ids(&got), vec!["p1", "p2", "p3", "p4"]);
        assert!(got.iter().all(|p| p.quiz == "practice"));
    }

    #[test]
    fn filters_by_quiz_difficulty_and_tag() {
        let cat = catalog();
        let p = Progress::new();
        let pick = |s: Selection| ids(&select(&cat, &s, &p, Day(0)).unwrap()).join(",");
        assert_eq!(pick(Selection { quiz: Some("visual".into()), ..Selection::default() }), "v1");
        assert_eq!(pick(Selection { difficulty: Some(Difficulty::Easy), ..Selection::default() }), "p1,p3");
        assert_eq!(pick(Selection { tag: Some("jwt".into()), ..Selection::default() }), "p2,p3");
        let both =
            Selection { tag: Some("jwt".into()), difficulty: Some(Difficulty::Easy), ..Selection::default() };
        assert_eq!(pick(both), "p3");
    }

    #[test]
    fn nothing_matching_is_an_error_naming_the_filters_and_tags() {
        let cat = catalog();
        let s = Selection { tag: Some("nope".into()), ..Selection::default() };
        let err = select(&cat, &s, &Progress::new(), Day(0)).unwrap_err().to_string();
        assert!(err.contains("--tag nope") && err.contains("jwt"), "{err}");
        let s = Selection { quiz: Some("missing".into()), ..Selection::default() };
        let err = select(&cat, &s, &Progress::new(), Day(0)).unwrap_err().to_string();
        assert!(err.contains("missing") && err.contains("practice"), "{err}");
    }

    #[test]
    fn review_picks_only_due_questions_of_every_quiz() {
        let cat = catalog();
        let mut p = Progress::new();
        let day0 = Day::of_unix(1_000_000);
        for (quiz, question, correct) in
            [("practice", "p2", false), ("practice", "p3", true), ("visual", "v1", false)]
        {
            p.record_attempt(Attempt {
                id: String::new(),
                at: 1_000_000,
                quiz: quiz.into(),
                question: question.into(),
                difficulty: Difficulty::Medium,
                choice: "a".into(),
                letter: String::new(),
                correct,
                hints_used: 0,
                seconds: 1,
            });
        }
        let review = Selection { review: true, ..Selection::default() };
        assert!(select(&cat, &review, &p, day0).unwrap().is_empty(), "nothing due on the same day");
        // Content order: the visual quiz comes first in this catalog.
        assert_eq!(ids(&select(&cat, &review, &p, day0.plus(1)).unwrap()), vec!["v1", "p2"]);
        assert_eq!(ids(&select(&cat, &review, &p, day0.plus(2)).unwrap()), vec!["v1", "p2", "p3"]);
        let one_quiz = Selection { review: true, quiz: Some("visual".into()), ..Selection::default() };
        assert_eq!(ids(&select(&cat, &one_quiz, &p, day0.plus(1)).unwrap()), vec!["v1"]);
    }

    #[test]
    fn shuffle_is_stable_under_a_seed() {
        let cat = catalog();
        let p = Progress::new();
        let order = |seed| {
            ids(&select(&cat, &Selection { shuffle: true, seed, ..Selection::default() }, &p, Day(0))
                .unwrap())
            .join(",")
        };
        assert_eq!(order(42), order(42));
        let orders: std::collections::HashSet<String> = (0..20).map(order).collect();
        assert!(orders.len() > 1, "the seed changes the order");
        for o in orders {
            let mut v: Vec<&str> = o.split(',').collect();
            v.sort_unstable();
            assert_eq!(v, vec!["p1", "p2", "p3", "p4"]);
        }
    }
}
