//! Generated content packs: N copies of one lesson, each with a practice quiz of five questions.
//!
//! The template is the shipped content (the first lesson under `lessons/` and its practice quiz)
//! when this checkout has any, else the small complete lesson in `benches/apisec/template/`. Each
//! copy gets its own lesson, quiz and lab-scenario ids, so the pack is valid content: the
//! benchmark checks that it loads cleanly before it reports a time for it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

pub const QUESTIONS_PER_QUIZ: usize = 5;

/// Where the copies come from.
pub struct Template {
    /// Shipped content, or the built-in template.
    pub label: String,
    lesson_dir: PathBuf,
    lesson: Value,
    quiz: Value,
    /// Lab app ids of the lesson: renamed per copy (`_0001`: they are Python identifiers), with
    /// every scenario's reference to them.
    apps: BTreeSet<String>,
    /// Lab scenario ids of the lesson: renamed per copy, with every reference to them.
    scenarios: BTreeSet<String>,
}

pub struct Pack {
    pub lessons: usize,
    pub questions: usize,
    pub bytes: u64,
}

fn read_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl Template {
    pub fn find() -> Result<Template, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        match shipped(root) {
            Some(t) => t,
            None => {
                let dir = root.join("benches/apisec/template");
                Template::new(
                    "built-in template (no shipped content in this checkout)",
                    &dir,
                    &dir.join("quiz.yaml"),
                )
            }
        }
    }

    fn new(label: &str, lesson_dir: &Path, quiz_path: &Path) -> Result<Template, String> {
        let lesson = read_yaml(&lesson_dir.join("lesson.yaml"))?;
        let quiz = read_yaml(quiz_path)?;
        let scenarios = lesson
            .get("lab_scenarios")
            .and_then(Value::as_sequence)
            .map(|s| s.iter().filter_map(|sc| str_field(sc, "id")).map(str::to_owned).collect())
            .unwrap_or_default();
        let apps = lesson
            .get("lab_apps")
            .and_then(Value::as_sequence)
            .map(|s| s.iter().filter_map(|a| str_field(a, "id")).map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(Template {
            label: label.to_owned(),
            lesson_dir: lesson_dir.to_path_buf(),
            lesson,
            quiz,
            scenarios,
            apps,
        })
    }

    /// Writes a pack of `lessons` lessons into `out` (which must be empty).
    pub fn write(&self, out: &Path, lessons: usize) -> Result<Pack, String> {
        let lesson_id = str_field(&self.lesson, "id").ok_or("template lesson has no id")?.to_owned();
        let quiz_id = str_field(&self.quiz, "id").ok_or("template quiz has no id")?.to_owned();
        let questions: Vec<Value> = self
            .quiz
            .get("questions")
            .and_then(Value::as_sequence)
            .filter(|q| !q.is_empty())
            .ok_or("template quiz has no questions")?
            .clone();
        let quizzes = out.join("quizzes");
        std::fs::create_dir_all(&quizzes).map_err(|e| e.to_string())?;
        let mut bytes = 0;
        for n in 0..lessons {
            let suffix = format!("-{n:04}");
            let app_suffix = format!("_{n:04}");
            let rename = |v: &mut Value| {
                rename_scenarios(v, &self.scenarios, &suffix);
                rename_scenarios(v, &self.apps, &app_suffix);
            };

            let dir = out.join("lessons").join(format!("{lesson_id}{suffix}"));
            bytes += copy_dir(&self.lesson_dir, &dir)?;
            let mut lesson = self.lesson.clone();
            rename(&mut lesson);
            set(&mut lesson, "id", format!("{lesson_id}{suffix}"));
            bytes += write_yaml(&dir.join("lesson.yaml"), &lesson)?;

            let mut quiz = self.quiz.clone();
            let picked: Vec<Value> = (0..QUESTIONS_PER_QUIZ)
                .map(|k| {
                    let mut q = questions[k % questions.len()].clone();
                    let id = str_field(&q, "id").unwrap_or("q").to_owned();
                    set(&mut q, "id", format!("{id}-{k}"));
                    q
                })
                .collect();
            set(&mut quiz, "questions", Value::Sequence(picked));
            rename(&mut quiz);
            set(&mut quiz, "id", format!("{quiz_id}{suffix}"));
            set(&mut quiz, "lesson", format!("{lesson_id}{suffix}"));
            bytes += write_yaml(&quizzes.join(format!("{quiz_id}{suffix}.yaml")), &quiz)?;
        }
        Ok(Pack { lessons, questions: lessons * QUESTIONS_PER_QUIZ, bytes })
    }
}

/// The first shipped lesson (`lessons/*/lesson.yaml`) and its practice quiz, if there are any.
fn shipped(root: &Path) -> Option<Result<Template, String>> {
    let mut lesson_dirs: Vec<PathBuf> = std::fs::read_dir(root.join("lessons"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("lesson.yaml").is_file())
        .collect();
    lesson_dirs.sort();
    let lesson_dir = lesson_dirs.into_iter().next()?;
    let lesson_id =
        read_yaml(&lesson_dir.join("lesson.yaml")).ok().and_then(|l| str_field(&l, "id").map(str::to_owned));
    let mut quizzes: Vec<PathBuf> = std::fs::read_dir(root.join("quizzes"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    quizzes.sort();
    // Prefer the practice quiz of that lesson; any quiz of it will do.
    let score = |p: &PathBuf| {
        let q = read_yaml(p).ok();
        let of_lesson = q.as_ref().and_then(|q| str_field(q, "lesson")).map(str::to_owned) == lesson_id;
        let practice = q.as_ref().and_then(|q| str_field(q, "kind")) == Some("practice");
        (of_lesson, practice)
    };
    let quiz = quizzes.iter().max_by_key(|p| score(p))?.clone();
    Some(Template::new(
        &format!("shipped content ({} + {})", rel(root, &lesson_dir), rel(root, &quiz)),
        &lesson_dir,
        &quiz,
    ))
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

fn set(v: &mut Value, key: &str, new: impl Into<Value>) {
    if let Value::Mapping(m) = v {
        m.insert(Value::String(key.to_owned()), new.into());
    }
}

/// Every string equal to a scenario id (its definition and each reference) gets the suffix.
fn rename_scenarios(v: &mut Value, ids: &BTreeSet<String>, suffix: &str) {
    match v {
        Value::String(s) if ids.contains(s.as_str()) => s.push_str(suffix),
        Value::Sequence(items) => items.iter_mut().for_each(|i| rename_scenarios(i, ids, suffix)),
        Value::Mapping(m) => m.iter_mut().for_each(|(_, i)| rename_scenarios(i, ids, suffix)),
        _ => {}
    }
}

fn write_yaml(path: &Path, v: &Value) -> Result<u64, String> {
    let text = serde_yaml::to_string(v).map_err(|e| e.to_string())?;
    std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.len() as u64)
}

/// Copies a directory tree (Markdown files beside the lesson), returning the bytes copied.
fn copy_dir(from: &Path, to: &Path) -> Result<u64, String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let mut bytes = 0;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            bytes += copy_dir(&src, &dst)?;
        } else if src.file_name().is_some_and(|n| n != "lesson.yaml" && n != "quiz.yaml") {
            bytes += std::fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
        }
    }
    Ok(bytes)
}
