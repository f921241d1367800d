//! Quiz behaviour (the questions themselves are content): which questions to ask ([`select`]),
//! a [`Session`] state machine that the TUI screen and the `--plain` mode both drive, scoring
//! with hints ([`scoring`]), seeded shuffles ([`rng`]) and Leitner review ([`leitner`]).

/// Spaced review lives with the progress it is stored in; quiz code reads it from here too.
pub use crate::progress::leitner;
pub mod plain;
pub mod rng;
pub mod scoring;
pub mod select;
pub mod session;
#[cfg(test)]
pub(crate) mod testing;

pub use scoring::question_score;
pub use select::{Picked, Selection, select};
pub use session::{
    Feedback, Missed, Phase, Session, SessionOptions, ShownChoice, Summary, Tally, letter, now_ms,
};

#[derive(Debug, thiserror::Error)]
pub enum QuizError {
    #[error("no quiz with id `{id}` (the content has: {})", .known.join(", "))]
    UnknownQuiz { id: String, known: Vec<String> },
    #[error("the content has no practice quiz; name one with --quiz")]
    NoPracticeQuiz,
    #[error("no questions match {filters}{}", tag_list(.tags))]
    NoQuestions { filters: String, tags: Vec<String> },
    #[error("a quiz session needs at least one question")]
    EmptySession,
    #[error(
        "question `{question}` of quiz `{quiz}` has fewer than two choices or an answer that is not one of them"
    )]
    BadQuestion { quiz: String, question: String },
    #[error("the current question is not open for an answer")]
    NotAsking,
    #[error("there is no choice {} (this question has {count})", session::letter(*.index))]
    NoSuchChoice { index: usize, count: usize },
}

fn tag_list(tags: &[String]) -> String {
    if tags.is_empty() { String::new() } else { format!(" (tags in this quiz: {})", tags.join(", ")) }
}
