//! Quiz behaviour (the questions themselves are content): scoring with hints, seeded shuffles,
//! Leitner review, and the line-based `--plain` mode.

pub mod leitner;

#[derive(Debug, thiserror::Error)]
pub enum QuizError {
    #[error("no quiz with id `{0}`")]
    UnknownQuiz(String),
}
