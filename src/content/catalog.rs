//! The [`Catalog`] and its prebuilt form: the binary encoding `build.rs` writes for the shipped
//! content and the binary reads at start-up instead of parsing YAML.
//!
//! The encoding is MessagePack (`rmp-serde`) with named fields: it is self-describing, so the
//! content model's `skip_serializing_if`, untagged and internally tagged enums and
//! `serde_json::Value` fields round-trip unchanged (postcard and bincode cannot decode those).
//! This file is also compiled into `build.rs`, so both sides use one encoder and one decoder.

use serde::{Deserialize, Serialize};

use super::schema::{LabScenario, Lesson, Quiz, QuizKind};

/// Everything the program teaches: the lessons and quizzes of one or more sources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

    /// The prebuilt form (see the module comment).
    pub fn encode(&self) -> Result<Vec<u8>, rmp_serde::encode::Error> {
        rmp_serde::to_vec_named(self)
    }

    /// Reads what [`Catalog::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Result<Catalog, rmp_serde::decode::Error> {
        rmp_serde::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalog_survives_encode_and_decode() {
        let catalog = crate::content::load(&[crate::content::Source::Embedded]).unwrap();
        assert!(!catalog.lessons.is_empty());
        let bytes = catalog.encode().unwrap();
        assert_eq!(Catalog::decode(&bytes).unwrap(), catalog);
    }

    #[test]
    fn bytes_that_are_not_a_catalog_are_an_error_not_a_panic() {
        assert!(Catalog::decode(b"").is_err());
        assert!(Catalog::decode(b"\xc1 not msgpack").is_err());
        let bytes = Catalog::default().encode().unwrap();
        assert!(Catalog::decode(&bytes[..bytes.len() - 1]).is_err());
    }
}
