//! A small catalog for the quiz tests: a practice quiz of four questions and a visual quiz of one.

use crate::content::{Catalog, Choice, Code, Difficulty, Md, Question, Quiz, QuizKind};

pub fn question(id: &str, difficulty: Difficulty, tags: &[&str]) -> Question {
    let choice = |c: &str, mistake: Option<&str>| Choice {
        id: c.into(),
        text: format!("choice {c} of {id}"),
        mistake: mistake.map(|m| Md::Inline(m.into())),
    };
    Question {
        id: id.into(),
        difficulty,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        stem: Md::Inline(format!("What does **{id}** return?")),
        code: Some(Code {
            language: "python".into(),
            source: "return 1\n".into(),
            runnable: false,
            requires: None,
            fastapi: None,
        }),
        choices: vec![
            choice("a", Some("a looks right because of the name")),
            choice("b", None),
            choice("c", Some("c forgets the header")),
            choice("d", Some("d confuses 401 and 403")),
        ],
        answer: "b".into(),
        hints: vec![format!("{id} hint one"), format!("{id} hint two")],
        solution: vec![Md::Inline(format!("{id} step one")), Md::Inline(format!("{id} step two"))],
        final_answer: Md::Inline(format!("{id} final")),
        quick_check: format!("{id} quick check"),
        lab_scenario: (id == "p2").then(|| "missing-token".to_owned()),
    }
}

pub fn catalog() -> Catalog {
    let quiz = |id: &str, kind, questions| Quiz {
        format_version: 1,
        id: id.into(),
        title: format!("The {id} quiz"),
        kind,
        lesson: "lesson".into(),
        description: None,
        questions,
    };
    Catalog {
        lessons: vec![],
        quizzes: vec![
            quiz("visual", QuizKind::Visual, vec![question("v1", Difficulty::Easy, &["table"])]),
            quiz(
                "practice",
                QuizKind::Practice,
                vec![
                    question("p1", Difficulty::Easy, &["cors"]),
                    question("p2", Difficulty::Medium, &["jwt"]),
                    question("p3", Difficulty::Easy, &["jwt", "cors"]),
                    question("p4", Difficulty::Hard, &["auth"]),
                ],
            ),
        ],
    }
}
