//! Property tests of the content loader (what `apisec-tutor check DIR` runs): whatever a lesson or
//! quiz file holds — arbitrary bytes, arbitrary YAML built from the schema's own field names, or a
//! valid lesson with one part mutated — loading never panics and ends in a catalog or in errors
//! that each point at a file of the content directory, a line and a column.
//!
//! Files go to a temporary directory because that is the path instructors' content takes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed set-up should fail loudly

use std::path::Path;

use apisec_tutor::content::{self, ContentErrors, Source};
use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

/// A complete, valid lesson and quiz (the benchmark generates its packs from them too).
const LESSON: &str = include_str!("../benches/apisec/template/lesson.yaml");
const QUIZ: &str = include_str!("../benches/apisec/template/quiz.yaml");

/// Field names of the schema, so generated mappings reach past the top level.
const KEYS: &[&str] = &[
    "format_version",
    "id",
    "title",
    "overview",
    "what",
    "why_it_matters",
    "where_it_fits",
    "mental_model",
    "core_idea",
    "analogy",
    "diagrams",
    "art",
    "build_up",
    "level",
    "concept",
    "body",
    "result",
    "predict",
    "prompt",
    "options",
    "best",
    "reveal",
    "code",
    "source",
    "language",
    "runnable",
    "file",
    "myth_busters",
    "question",
    "belief",
    "reality",
    "pitfalls",
    "wrong",
    "correct",
    "root_cause",
    "concept_flow",
    "stages",
    "trace_stage",
    "lab_scenarios",
    "requests",
    "expect",
    "status",
    "questions",
    "choices",
    "answer",
    "hints",
    "solution",
    "kind",
    "lesson",
    "difficulty",
    "mistake",
    "execution_table",
    "rows",
    "step",
    "titel",
];

fn load_dir(dir: &Path) -> Result<content::Catalog, ContentErrors> {
    content::load(&[Source::Dir(dir.to_path_buf())])
}

/// Writes the files, loads, and checks the outcome's shape; returns the errors for more checks.
fn load_files(lesson: &[u8], quiz: Option<&[u8]>, markdown: Option<&[u8]>) -> Vec<content::ContentError> {
    let dir = tempfile::tempdir().unwrap();
    let lesson_dir = dir.path().join("lessons/prop");
    std::fs::create_dir_all(&lesson_dir).unwrap();
    std::fs::write(lesson_dir.join("lesson.yaml"), lesson).unwrap();
    if let Some(md) = markdown {
        std::fs::write(lesson_dir.join("body.md"), md).unwrap();
    }
    if let Some(quiz) = quiz {
        std::fs::create_dir_all(dir.path().join("quizzes")).unwrap();
        std::fs::write(dir.path().join("quizzes/prop.yaml"), quiz).unwrap();
    }
    match load_dir(dir.path()) {
        Ok(_) => Vec::new(),
        Err(errors) => {
            assert!(!errors.0.is_empty(), "an error result with no error in it");
            for e in &errors.0 {
                assert!(e.line >= 1 && e.col >= 1, "unlocated: {e}");
                assert!(e.path.is_relative(), "path not relative to the content directory: {e}");
                assert!(
                    e.path.starts_with("lessons") || e.path.starts_with("quizzes"),
                    "error names a file outside the content: {e}"
                );
                assert!(!e.message.trim().is_empty(), "empty message: {e}");
            }
            errors.0
        }
    }
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_map(|f| Value::Number(f.into())),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(KEYS).prop_map(|k| Value::String(k.to_owned())),
        Just(Value::String("x.md".into())),
    ]
}

/// YAML trees whose keys are mostly the schema's field names.
fn tree() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Sequence),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                let mut m = Mapping::new();
                for (k, v) in kv {
                    m.insert(Value::String(k.to_owned()), v);
                }
                Value::Mapping(m)
            }),
        ]
    })
}

/// A path into a YAML tree: at each level, which child (modulo the number of children).
fn mutate(v: &mut Value, path: &[usize], new: Value, delete: bool) {
    let Some((&i, rest)) = path.split_first() else {
        *v = new;
        return;
    };
    match v {
        Value::Mapping(m) if !m.is_empty() => {
            let key = m.keys().nth(i % m.len()).cloned().unwrap();
            if rest.is_empty() && delete {
                m.remove(&key);
            } else if let Some(child) = m.get_mut(&key) {
                mutate(child, rest, new, delete);
            }
        }
        Value::Sequence(s) if !s.is_empty() => {
            let n = s.len();
            if rest.is_empty() && delete {
                s.remove(i % n);
            } else {
                mutate(&mut s[i % n], rest, new, delete);
            }
        }
        _ => *v = new,
    }
}

#[test]
fn the_template_is_valid_content() {
    // The mutation properties below start from this lesson and quiz; if they did not load,
    // every mutation would be rejected for the same boring reason.
    let errors = load_files(LESSON.as_bytes(), Some(QUIZ.as_bytes()), None);
    assert!(errors.is_empty(), "{errors:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(lesson in prop::collection::vec(any::<u8>(), 0..512),
                                   quiz in prop::option::of(prop::collection::vec(any::<u8>(), 0..512))) {
        let errors = load_files(&lesson, quiz.as_deref(), None);
        // Random bytes are not a lesson (an empty file is not one either).
        prop_assert!(!errors.is_empty());
    }

    #[test]
    fn arbitrary_yaml_trees_never_panic(lesson in tree(), quiz in prop::option::of(tree())) {
        let lesson = serde_yaml::to_string(&lesson).unwrap();
        let quiz = quiz.map(|q| serde_yaml::to_string(&q).unwrap());
        load_files(lesson.as_bytes(), quiz.as_deref().map(str::as_bytes), Some(b"# body"));
    }

    #[test]
    fn a_mutated_valid_lesson_loads_or_is_located(
        path in prop::collection::vec(0usize..64, 1..6),
        new in tree(),
        delete in any::<bool>(),
        in_quiz in any::<bool>(),
    ) {
        let mut lesson: Value = serde_yaml::from_str(LESSON).unwrap();
        let mut quiz: Value = serde_yaml::from_str(QUIZ).unwrap();
        mutate(if in_quiz { &mut quiz } else { &mut lesson }, &path, new, delete);
        let lesson = serde_yaml::to_string(&lesson).unwrap();
        let quiz = serde_yaml::to_string(&quiz).unwrap();
        load_files(lesson.as_bytes(), Some(quiz.as_bytes()), Some(b"# body"));
    }

    #[test]
    fn text_edits_of_a_valid_lesson_load_or_are_located(
        at in 0usize..4096,
        cut in 0usize..64,
        insert in "[ -~\n\t:\\-\\[\\]{}&*!|>'\"%@`#,?]{0,16}",
    ) {
        // Byte-level edits: broken indentation, stray flow characters, anchors, tags.
        let mut text = LESSON.to_owned();
        let start = (at % text.len()).min(text.len());
        let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let end = (start + cut).min(text.len());
        let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
        text.replace_range(start..end, &insert);
        load_files(text.as_bytes(), Some(QUIZ.as_bytes()), None);
    }
}

#[test]
fn yaml_bombs_are_refused_with_a_location() {
    // Deep nesting and alias expansion (billion laughs): each must end in a located error,
    // quickly, without exhausting memory.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut laughs =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        laughs.push_str(&format!(
            "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    for bomb in [deep, laughs] {
        let errors = load_files(bomb.as_bytes(), None, None);
        assert!(!errors.is_empty());
    }
}
