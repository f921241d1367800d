//! Lessons and quizzes as data: embedded in the binary, or read from `--content DIR`.
//!
//! [`load`] turns sources into a [`Catalog`] or every [`ContentError`] found; [`check`] also
//! returns warnings and the partial catalog (for `apisec-tutor check`). The pipeline per file
//! is in `load.rs`: size cap and UTF-8 → depth pre-scan (`locate`) → libyaml syntax check →
//! yaml-rust2 positions and alias guard (`locate`) → JSON Schema walk (`validate`) → Markdown
//! (`markdown`) → typed deserialize; then cross-file semantic checks (`check`). A clean file
//! skips the syntax check and the positions (one libyaml parse; positions on demand), files are
//! parsed in parallel.

pub mod check;
pub mod error;
pub mod lab_app;
pub mod lab_check;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod samples;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod validate;
pub mod version;

pub use error::{ContentError, ContentErrors};
pub use load::Report;
pub use schema::*;
pub use source::Source;

/// Everything the program teaches: the lessons and quizzes of one or more sources.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub lessons: Vec<Lesson>,
    pub quizzes: Vec<Quiz>,
}

impl Catalog {
    #[must_use]
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    #[must_use]
    pub fn quiz(&self, id: &str) -> Option<&Quiz> {
        self.quizzes.iter().find(|q| q.id == id)
    }

    /// The first quiz of a kind (the shipped content has one of each).
    #[must_use]
    pub fn quiz_of_kind(&self, kind: QuizKind) -> Option<&Quiz> {
        self.quizzes.iter().find(|q| q.kind == kind)
    }

    /// Finds a lab scenario by id in any lesson.
    #[must_use]
    pub fn scenario(&self, id: &str) -> Option<&LabScenario> {
        self.lessons.iter().find_map(|l| l.scenario(id))
    }
}

/// Loads and checks every source; with several sources, ids must be unique across all of them.
pub fn load(sources: &[Source]) -> Result<Catalog, ContentErrors> {
    load::load_all(sources)
}

/// Checks every source and returns the catalog of what loaded with every error and warning.
#[must_use]
pub fn check(sources: &[Source]) -> Report {
    load::check_all(sources)
}

/// The content compiled into the binary.
pub fn load_embedded() -> Result<Catalog, ContentErrors> {
    load::load_all(&[Source::Embedded])
}
