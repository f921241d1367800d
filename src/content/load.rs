//! Reading sources into a [`Catalog`]: YAML files are lessons (under `lessons/`) or quizzes (under
//! `quizzes/`); `{ file: x.md }` references are resolved relative to the YAML file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::Catalog;
use super::error::{ContentError, ContentErrors};
use super::schema::{Lesson, Quiz};
use super::source::{Entry, Source};

/// Loads every source, collecting all errors; ids must be unique across sources.
pub fn load_all(sources: &[Source]) -> Result<Catalog, ContentErrors> {
    let mut catalog = Catalog::default();
    let mut errors = Vec::new();
    // id -> where it was first defined, to name both places on a duplicate.
    let mut seen: BTreeMap<(bool, String), String> = BTreeMap::new();
    for source in sources {
        let entries = match source.list() {
            Ok(entries) => entries,
            Err(message) => {
                errors.push(ContentError::file(source.label(), message));
                continue;
            }
        };
        let yaml: Vec<&Entry> = entries.iter().filter(|e| is_yaml(&e.rel)).collect();
        if !yaml.iter().any(|e| e.rel.starts_with("lessons")) {
            errors.push(ContentError::file(
                display_path(source, Path::new("lessons")),
                "no lessons found: expected lessons/<name>/lesson.yaml",
            ));
        }
        for entry in yaml {
            let is_lesson = entry.rel.starts_with("lessons");
            let shown = display_path(source, &entry.rel);
            let id = if is_lesson {
                parse_file::<Lesson>(source, &entry.rel, &shown, &mut errors).map(|l| {
                    let id = l.id.clone();
                    catalog.lessons.push(l);
                    id
                })
            } else {
                parse_file::<Quiz>(source, &entry.rel, &shown, &mut errors).map(|q| {
                    let id = q.id.clone();
                    catalog.quizzes.push(q);
                    id
                })
            };
            if let Some(id) = id {
                let here = shown.display().to_string();
                if let Some(first) = seen.get(&(is_lesson, id.clone())) {
                    let kind = if is_lesson { "lesson" } else { "quiz" };
                    let (line, col) = locate_key(&source_text(source, &entry.rel), "id");
                    errors.push(ContentError::new(
                        &shown,
                        line,
                        col,
                        format!("duplicate {kind} id `{id}`: also defined in {first}"),
                    ));
                } else {
                    seen.insert((is_lesson, id), here);
                }
            }
        }
    }
    if errors.is_empty() { Ok(catalog) } else { Err(ContentErrors(errors)) }
}

fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// The path shown in messages: relative to the directory given, or under `<embedded>/`.
fn display_path(source: &Source, rel: &Path) -> PathBuf {
    match source {
        Source::Embedded => Path::new("<embedded>").join(rel),
        Source::Dir(_) => rel.to_path_buf(),
    }
}

fn source_text(source: &Source, rel: &Path) -> String {
    source.read(rel).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

/// Parses one YAML file into `T`, resolving Markdown file references. Errors are pushed, located.
fn parse_file<T: DeserializeOwned>(
    source: &Source,
    rel: &Path,
    shown: &Path,
    errors: &mut Vec<ContentError>,
) -> Option<T> {
    let bytes = match source.read(rel) {
        Ok(bytes) => bytes,
        Err(e) => {
            errors.push(ContentError::file(shown, e.to_string()));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, col) = line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
            errors.push(ContentError::new(shown, line, col, "file is not valid UTF-8"));
            return None;
        }
    };
    // First pass: typed, so type errors and unknown fields come with a location.
    let de = serde_yaml::Deserializer::from_str(&text);
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(de) {
        let (line, col) = e.inner().location().map_or((1, 1), |l| (l.line(), l.column()));
        let path = e.path().to_string();
        let message = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
        errors.push(ContentError::new(shown, line, col, strip_location(&message)));
        return None;
    }
    // Second pass: resolve `{file: …}` references, then deserialize the resolved tree.
    let mut value: Value = serde_yaml::from_str(&text).ok()?;
    let dir = rel.parent().unwrap_or(Path::new(""));
    let before = errors.len();
    resolve_files(&mut value, source, dir, shown, &text, errors);
    if errors.len() > before {
        return None;
    }
    match serde_yaml::from_value::<T>(value) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(ContentError::file(shown, e.to_string()));
            None
        }
    }
}

/// Replaces every mapping of the single key `file` by the text of that Markdown file.
fn resolve_files(
    value: &mut Value,
    source: &Source,
    dir: &Path,
    shown: &Path,
    text: &str,
    errors: &mut Vec<ContentError>,
) {
    match value {
        Value::Mapping(map) => {
            if map.len() == 1
                && let Some(Value::String(file)) = map.get("file")
            {
                let file = file.clone();
                let (line, col) = locate_key(text, &format!("file: {file}"));
                if !file.ends_with(".md") {
                    errors.push(ContentError::new(
                        shown,
                        line,
                        col,
                        format!("`{file}` is not a Markdown (.md) file"),
                    ));
                    return;
                }
                match source.read(&dir.join(&file)) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(md) => *value = Value::String(md),
                        Err(_) => errors.push(ContentError::new(
                            shown,
                            line,
                            col,
                            format!("`{file}` is not valid UTF-8"),
                        )),
                    },
                    Err(e) => errors.push(ContentError::new(shown, line, col, format!("`{file}`: {e}"))),
                }
                return;
            }
            for (_, v) in map.iter_mut() {
                resolve_files(v, source, dir, shown, text, errors);
            }
        }
        Value::Sequence(items) => {
            for v in items {
                resolve_files(v, source, dir, shown, text, errors);
            }
        }
        _ => {}
    }
}

/// serde_yaml appends " at line L column C" to messages; we print the location in front instead.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// Where `needle` first appears at the start of a (trimmed) line, as 1-based line and column.
fn locate_key(text: &str, needle: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        if trimmed.starts_with(needle) {
            let col = line.len() - trimmed.len() + 1;
            return (i + 1, col);
        }
    }
    (1, 1)
}
