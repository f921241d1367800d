//! Reading sources into a [`Catalog`], collecting every problem on the way.
//!
//! Per YAML file, in this order (each step runs only on what the previous one accepted):
//! 1. read (size-capped) and decode UTF-8;
//! 2. `locate::scan`: the bomb guard (depth, alias expansion), syntax errors and duplicate keys,
//!    and the path → line:col map every later message uses;
//! 3. serde_yaml parses the text into a `Value` (safe now: the guard has bounded it);
//! 4. `validate` walks that `Value` against the JSON Schema: *every* unknown/missing field, wrong
//!    type and bad enum value;
//! 5. `{ file: x.md }` references are read and every Markdown text is checked;
//! 6. serde deserializes the typed struct (it has the last word on anything the schema missed).
//!
//! Then `check` runs the semantic checks across all files (ids, references, ranges…) and
//! unreferenced Markdown files are reported as warnings.
//!
//! That is the diagnostic path. Most files are clean, and for them libyaml's syntax verdict and
//! step 2's position map only cost time: `FileParse::fast` parses once (steps 3–6, on text the
//! depth pre-scan passed and where no alias can expand), and any error or doubt sends the file
//! down the diagnostic path from the start. Files are parsed in parallel and merged in path order.

use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::Catalog;
use super::check::{self, LessonParts, QuizParts};
use super::error::{ContentError, ContentErrors};
use super::locate::{self, FieldPath, Marks, Pos, Seg};
use super::markdown;
use super::schema::{Lesson, Quiz};
use super::source::{ReadError, Source};
use super::validate::{self, At};

/// The outcome of checking: the catalog of every file that loaded, and all problems found.
#[derive(Debug, Default)]
pub struct Report {
    pub catalog: Catalog,
    pub errors: Vec<ContentError>,
    /// Problems that do not stop the content from working (`check` still exits 0).
    pub warnings: Vec<ContentError>,
    /// How many lesson and quiz files were examined.
    pub files: usize,
}

/// Loads every source; any error fails the load (warnings are dropped).
pub fn load_all(sources: &[Source]) -> Result<Catalog, ContentErrors> {
    let report = check_all(sources);
    if report.errors.is_empty() { Ok(report.catalog) } else { Err(ContentErrors(report.errors)) }
}

/// One YAML file that parsed: where it is and where its nodes are, for semantic messages.
#[derive(Debug)]
pub(crate) struct FileCtx {
    /// The path printed in messages.
    pub shown: PathBuf,
    /// The file's text, kept so its positions can be mapped when a message needs them.
    text: String,
    /// Filled by the diagnostic path up front; on the fast path only when a message needs a
    /// position (a clean file never pays for the second, position-keeping parse).
    marks: OnceLock<Marks>,
}

impl FileCtx {
    fn located(shown: &Path, text: String, marks: Marks) -> Self {
        FileCtx { shown: shown.to_path_buf(), text, marks: OnceLock::from(marks) }
    }

    fn lazy(shown: &Path, text: String) -> Self {
        FileCtx { shown: shown.to_path_buf(), text, marks: OnceLock::new() }
    }

    /// Where every node of the file is. The lazy scan runs only on text the fast path already
    /// accepted (no anchors, bounded depth), and `scan` keeps its own guard anyway; should it
    /// disagree with libyaml, messages fall back to line 1, column 1.
    pub fn marks(&self) -> &Marks {
        self.marks.get_or_init(|| locate::scan(&self.text).unwrap_or_default())
    }
}

/// Ids declared by files that failed to load: references to them are not reported again.
#[derive(Debug, Default)]
pub(crate) struct Known {
    pub lessons: HashSet<String>,
    pub scenarios: HashSet<String>,
    /// A lesson file could not even be parsed: references to lessons and scenarios cannot be
    /// judged, so they are not reported (the syntax error is).
    pub lesson_unreadable: bool,
}

/// Errors and warnings, located.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    pub errors: Vec<ContentError>,
    pub warnings: Vec<ContentError>,
}

impl Diags {
    pub fn error_at(&mut self, shown: &Path, pos: Pos, message: impl Into<String>) {
        self.errors.push(ContentError::new(shown, pos.line, pos.col, message));
    }

    /// An error at a field of a parsed file: its key or its value.
    pub fn error(&mut self, file: &FileCtx, path: &FieldPath, at: At, message: impl Into<String>) {
        let pos = position(file.marks(), path, at);
        self.error_at(&file.shown, pos, message);
    }

    pub fn warning(&mut self, file: &FileCtx, path: &FieldPath, at: At, message: impl Into<String>) {
        let pos = position(file.marks(), path, at);
        self.warnings.push(ContentError::new(&file.shown, pos.line, pos.col, message));
    }
}

fn position(marks: &Marks, path: &FieldPath, at: At) -> Pos {
    match at {
        At::Key => marks.key_pos(path),
        At::Value => marks.value_pos(path),
    }
}

/// Checks every source and returns everything found.
#[must_use]
pub fn check_all(sources: &[Source]) -> Report {
    let mut diags = Diags::default();
    let mut known = Known::default();
    let mut catalog = Catalog::default();
    // Every file that parsed as YAML, in parts: whole for a valid file, item by item otherwise.
    let mut lessons: Vec<(FileCtx, LessonParts)> = Vec::new();
    let mut quizzes: Vec<(FileCtx, QuizParts)> = Vec::new();
    let mut files = 0;
    // For each lesson in `catalog.lessons` (before sorting), its entry in `lessons`.
    let mut parsed_lessons: Vec<usize> = Vec::new();
    let prefix_dirs = sources.len() > 1;
    for source in sources {
        let listing = source.list();
        for (rel, message) in &listing.errors {
            diags.error_at(&display_path(source, rel, prefix_dirs), Pos { line: 1, col: 1 }, message.clone());
        }
        let yaml: Vec<&PathBuf> = listing.files.iter().filter(|p| is_yaml(p)).collect();
        if !yaml.iter().any(|p| p.starts_with("lessons")) && listing.errors.is_empty() {
            let lessons_dir = display_path(source, Path::new("lessons"), prefix_dirs);
            let message = if listing.has_lessons_dir {
                "no lessons found: add lessons/<id>/lesson.yaml (`apisec-tutor new lesson <id>` writes a starter)"
            } else {
                "no lessons/ directory here: content is DIR/lessons/<id>/lesson.yaml and DIR/quizzes/<id>.yaml"
            };
            diags.error_at(&lessons_dir, Pos { line: 1, col: 1 }, message);
        }
        let mut referenced: HashSet<PathBuf> = HashSet::new();
        // Directories holding a YAML file that could not be parsed: their Markdown may well be
        // referenced, we just cannot tell, so it is not called unreferenced.
        let mut unsure: HashSet<PathBuf> = HashSet::new();
        files += yaml.len();
        let outcomes = parse_files(source, &yaml, prefix_dirs);
        for (rel, outcome) in yaml.iter().zip(outcomes) {
            let (diag, refs) = match outcome {
                AnyOutcome::Lesson(o) => {
                    let o = *o;
                    match o.parsed {
                        Parsed::Ok(file, lesson) => {
                            parsed_lessons.push(lessons.len());
                            lessons.push((file, LessonParts::from_lesson(&lesson)));
                            catalog.lessons.push(lesson);
                        }
                        Parsed::Partial(file, value) => {
                            if let Some(id) = value.get("id").and_then(Value::as_str) {
                                known.lessons.insert(id.to_owned());
                            }
                            for scenario in
                                value.get("lab_scenarios").and_then(Value::as_sequence).into_iter().flatten()
                            {
                                if let Some(id) = scenario.get("id").and_then(Value::as_str) {
                                    known.scenarios.insert(id.to_owned());
                                }
                            }
                            lessons.push((file, LessonParts::from_value(&value)));
                        }
                        Parsed::Failed => {
                            known.lesson_unreadable = true;
                            unsure.insert(rel.parent().unwrap_or(Path::new("")).to_path_buf());
                        }
                    }
                    (o.diags, o.referenced)
                }
                AnyOutcome::Quiz(o) => {
                    let o = *o;
                    match o.parsed {
                        Parsed::Ok(file, quiz) => {
                            quizzes.push((file, QuizParts::from_quiz(&quiz)));
                            catalog.quizzes.push(quiz);
                        }
                        Parsed::Partial(file, value) => quizzes.push((file, QuizParts::from_value(&value))),
                        Parsed::Failed => {
                            unsure.insert(rel.parent().unwrap_or(Path::new("")).to_path_buf());
                        }
                    }
                    (o.diags, o.referenced)
                }
            };
            diags.errors.extend(diag.errors);
            diags.warnings.extend(diag.warnings);
            referenced.extend(refs);
        }
        // Markdown nobody references is probably a forgotten `file:` or a typo in one.
        for md in listing.files.iter().filter(|p| is_markdown(p)) {
            let is_readme = md.file_name().is_some_and(|n| n.eq_ignore_ascii_case("README.md"));
            let in_unsure_dir = md.ancestors().skip(1).any(|d| unsure.contains(d));
            if !is_readme && !referenced.contains(md) && !in_unsure_dir {
                diags.warnings.push(ContentError::file(
                    display_path(source, md, prefix_dirs),
                    "Markdown file is not referenced by any lesson or quiz (`{ file: NAME.md }`)",
                ));
            }
        }
    }
    // Lab apps and the scenarios' references to them (a scenario may use another lesson's app).
    let app_ids: HashSet<&str> =
        catalog.lessons.iter().flat_map(|l| l.lab_apps.iter().map(|a| a.id.as_str())).collect();
    let mut seen_apps: HashSet<&str> = HashSet::new();
    for (lesson, &file) in catalog.lessons.iter().zip(&parsed_lessons) {
        for p in super::lab_check::check_lesson(lesson, &app_ids) {
            diags.error(&lessons[file].0, &p.path, p.at, p.message);
        }
        for (i, app) in lesson.lab_apps.iter().enumerate() {
            if !seen_apps.insert(&app.id) && lesson.lab_apps.iter().filter(|a| a.id == app.id).count() == 1 {
                let path = FieldPath::root().key("lab_apps").index(i).key("id");
                diags.error(
                    &lessons[file].0,
                    &path,
                    At::Value,
                    format!("lab app `{}` is also declared by another lesson", app.id),
                );
            }
        }
    }
    // The lesson list follows each lesson's `order` (lessons without one come last, by folder).
    catalog.lessons.sort_by_key(|l| l.order.unwrap_or(u32::MAX));
    check::run(&lessons, &quizzes, &known, &mut diags);
    diags.errors.sort_by(order);
    diags.warnings.sort_by(order);
    diags.errors.dedup();
    let errors = cap_per_file(diags.errors);
    Report { catalog, errors, warnings: diags.warnings, files }
}

/// A lesson or a quiz file, parsed.
enum AnyOutcome {
    /// Boxed: one per file, moved once; keeps the list of outcomes small.
    Lesson(Box<FileOutcome<Lesson>>),
    Quiz(Box<FileOutcome<Quiz>>),
}

/// Below this many files a thread pool costs more than it saves (the shipped content is a
/// handful of files, loaded on every start).
const PARALLEL_FROM: usize = 8;

/// Parses every YAML file of a source, in parallel when there are enough of them; the result is
/// in the order of `yaml`, so messages and the catalog do not depend on scheduling.
fn parse_files(source: &Source, yaml: &[&PathBuf], prefix_dirs: bool) -> Vec<AnyOutcome> {
    let one = |rel: &&PathBuf| {
        let shown = display_path(source, rel, prefix_dirs);
        let ctx = FileParse { source, rel, shown: &shown, prefix_dirs };
        if rel.starts_with("lessons") {
            AnyOutcome::Lesson(Box::new(ctx.parse::<Lesson>(validate::lesson_schema())))
        } else {
            AnyOutcome::Quiz(Box::new(ctx.parse::<Quiz>(validate::quiz_schema())))
        }
    };
    if yaml.len() < PARALLEL_FROM {
        yaml.iter().map(one).collect()
    } else {
        use rayon::prelude::*;
        yaml.par_iter().map(one).collect()
    }
}

/// At most this many errors are listed per file: a file that is not content at all (someone
/// else's YAML) would otherwise print one line per key.
pub const MAX_ERRORS_PER_FILE: usize = 100;

/// Keeps the first [`MAX_ERRORS_PER_FILE`] errors of each file (already sorted by file) and
/// says how many more there were.
fn cap_per_file(errors: Vec<ContentError>) -> Vec<ContentError> {
    let mut out: Vec<ContentError> = Vec::with_capacity(errors.len().min(1024));
    let mut i = 0;
    while i < errors.len() {
        let path = errors[i].path.clone();
        let end = errors[i..].iter().position(|e| e.path != path).map_or(errors.len(), |n| i + n);
        let count = end - i;
        out.extend(errors[i..end].iter().take(MAX_ERRORS_PER_FILE).cloned());
        if count > MAX_ERRORS_PER_FILE {
            let last = &errors[end - 1];
            out.push(ContentError::new(
                &path,
                last.line,
                last.col,
                format!(
                    "{} more errors in this file not shown (is it a lesson or quiz file at all?)",
                    count - MAX_ERRORS_PER_FILE
                ),
            ));
        }
        i = end;
    }
    out
}

fn order(a: &ContentError, b: &ContentError) -> std::cmp::Ordering {
    (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col))
}

enum Parsed<T> {
    Ok(FileCtx, T),
    /// The file has structural errors but parsed as YAML: its well-formed parts are still
    /// checked semantically, item by item.
    Partial(FileCtx, Value),
    /// Not even YAML (or unreadable).
    Failed,
}

struct FileParse<'a> {
    source: &'a Source,
    rel: &'a Path,
    shown: &'a Path,
    prefix_dirs: bool,
}

/// What one YAML file gave: its result, its own errors, and the Markdown files it names. Files
/// are parsed independently (in parallel), then merged in path order.
struct FileOutcome<T> {
    parsed: Parsed<T>,
    diags: Diags,
    referenced: HashSet<PathBuf>,
}

impl FileParse<'_> {
    fn parse<T: DeserializeOwned>(&self, schema: &serde_json::Value) -> FileOutcome<T> {
        let mut diags = Diags::default();
        let mut referenced = HashSet::new();
        let Some(text) = read_text(self.source, self.rel, self.shown, &mut diags) else {
            return FileOutcome { parsed: Parsed::Failed, diags, referenced };
        };
        let text = match self.fast::<T>(schema, text) {
            Ok(outcome) => return outcome,
            Err(text) => text,
        };
        let parsed = self.diagnose::<T>(schema, text, &mut diags, &mut referenced);
        FileOutcome { parsed, diags, referenced }
    }

    /// The clean path: one libyaml parse into a `Value`, then the same checks as [`Self::diagnose`]
    /// minus the two passes that only serve messages (libyaml's syntax verdict and yaml-rust2's
    /// positions, which [`FileCtx::marks`] computes on demand). It is taken only when nothing can
    /// blow up: the depth pre-scan passed, no alias can expand ([`locate::may_expand_aliases`]),
    /// and the parsed value is within [`locate::scan`]'s limits. Any error at all, or any doubt,
    /// hands the text back and the file is diagnosed from scratch, so every message, its
    /// position and its order are exactly those of the diagnostic path.
    fn fast<T: DeserializeOwned>(
        &self,
        schema: &serde_json::Value,
        text: String,
    ) -> Result<FileOutcome<T>, String> {
        if locate::prescan_depth(&text).is_err() || locate::may_expand_aliases(&text) {
            return Err(text);
        }
        // libyaml is third-party code fed arbitrary bytes: a panic is a reason to diagnose.
        let value = match std::panic::catch_unwind(|| serde_yaml::from_str::<Value>(&text)) {
            Ok(Ok(value)) if locate::within_limits(&value) => value,
            _ => return Err(text),
        };
        let mut diags = Diags::default();
        let mut referenced = HashSet::new();
        let parsed =
            self.finish::<T>(schema, FileCtx::lazy(self.shown, text), value, &mut diags, &mut referenced);
        match parsed {
            Parsed::Ok(..) if diags.errors.is_empty() && diags.warnings.is_empty() => {
                Ok(FileOutcome { parsed, diags, referenced })
            }
            Parsed::Ok(file, _) | Parsed::Partial(file, _) => Err(file.text),
            // `finish` always has a parsed file to return; this arm only satisfies the type.
            Parsed::Failed => Err(String::new()),
        }
    }

    /// The diagnostic path, for files the fast path did not accept: every pass, each with its
    /// located messages (the bomb guard first, so nothing unbounded reaches serde_yaml).
    fn diagnose<T: DeserializeOwned>(
        &self,
        schema: &serde_json::Value,
        text: String,
        diags: &mut Diags,
        referenced: &mut HashSet<PathBuf>,
    ) -> Parsed<T> {
        let shown = self.shown;
        if let Err(problem) = locate::prescan_depth(&text) {
            diags.error_at(shown, problem.pos(), problem.message());
            return Parsed::Failed;
        }
        if let Err((pos, message)) = syntax_check(&text) {
            diags.error_at(shown, pos, message);
            return Parsed::Failed;
        }
        let marks = match locate::scan(&text) {
            Ok(marks) => marks,
            Err(problems) => {
                for p in problems {
                    diags.error_at(shown, p.pos(), p.message());
                }
                return Parsed::Failed;
            }
        };
        let value: Value = match serde_yaml::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                let pos =
                    e.location().map_or(Pos { line: 1, col: 1 }, |l| Pos { line: l.line(), col: l.column() });
                diags.error_at(shown, pos, yaml_message(&strip_location(&e.to_string())));
                return Parsed::Failed;
            }
        };
        self.finish(schema, FileCtx::located(shown, text, marks), value, diags, referenced)
    }

    /// Everything after the YAML parse: shape, schema, control characters, Markdown, and the
    /// typed deserialize (serde has the last word).
    fn finish<T: DeserializeOwned>(
        &self,
        schema: &serde_json::Value,
        file: FileCtx,
        mut value: Value,
        diags: &mut Diags,
        referenced: &mut HashSet<PathBuf>,
    ) -> Parsed<T> {
        if value.is_null() {
            diags.error(
                &file,
                &FieldPath::root(),
                At::Value,
                "the file is empty: expected the fields of a lesson or quiz",
            );
            return Parsed::Partial(file, value);
        }
        if !value.is_mapping() {
            let found = validate::kind_of(&value);
            diags.error(
                &file,
                &FieldPath::root(),
                At::Value,
                format!("expected a mapping of fields (`key: value` lines), found {found}"),
            );
            return Parsed::Partial(file, value);
        }
        // Markdown files this file names count as referenced even when the file has errors,
        // so a typo elsewhere does not also make them look orphaned.
        let dir = self.rel.parent().unwrap_or(Path::new(""));
        mark_md_references(&value, dir, referenced);
        let outcome = validate::validate(schema, &value);
        for p in &outcome.problems {
            diags.error(&file, &p.path, p.at, p.message.clone());
        }
        // Text is shown in terminals: a control character in it is an error, not a surprise.
        let mut controls = Vec::new();
        control_characters(&value, &FieldPath::root(), &mut controls);
        for (path, message) in controls {
            diags.error(&file, &path, At::Value, message);
        }
        // Markdown sites are valid on their own even when other fields are not.
        let before = diags.errors.len();
        for path in &outcome.markdown {
            self.resolve_markdown(&file, &mut value, path, diags, referenced);
        }
        if !outcome.problems.is_empty() || diags.errors.len() > before {
            return Parsed::Partial(file, value);
        }
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(typed) => Parsed::Ok(file, typed),
            Err(e) => {
                let path = FieldPath::parse(&e.path().to_string());
                let message = strip_location(&e.inner().to_string());
                diags.error(&file, &path, At::Value, format!("{path}: {message}"));
                Parsed::Partial(file, value)
            }
        }
    }

    /// Replaces `{ file: x.md }` by the file's text, and checks the Markdown either way.
    fn resolve_markdown(
        &self,
        file: &FileCtx,
        value: &mut Value,
        path: &FieldPath,
        diags: &mut Diags,
        referenced: &mut HashSet<PathBuf>,
    ) {
        let Some(node) = value_at_mut(value, path) else { return };
        if let Some(text) = node.as_str() {
            if text.trim().is_empty() {
                diags.error(file, path, At::Value, format!("{path}: the text is empty"));
                return;
            }
            for p in markdown::check(text) {
                // Looked up per problem: on a clean file the positions are never needed.
                let mark = file.marks().get(path).copied();
                let (line, col) = markdown::line_col(text, p.offset);
                let pos = match mark {
                    // A literal block keeps its lines: point at the very line in the YAML.
                    Some(m) if m.literal_block => {
                        let yaml_line = m.value.line + line;
                        let indent = file
                            .text
                            .lines()
                            .nth(yaml_line - 1)
                            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
                        Pos { line: yaml_line, col: indent + col }
                    }
                    Some(m) => m.value,
                    None => file.marks().value_pos(path),
                };
                diags.error_at(&file.shown, pos, format!("{path}: Markdown: {}", p.message));
            }
            return;
        }
        let Some(name) = node.get("file").and_then(Value::as_str).map(str::to_owned) else { return };
        let file_path = path.key("file");
        let dir = self.rel.parent().unwrap_or(Path::new(""));
        let rel = match md_reference(dir, &name) {
            Ok(rel) => rel,
            Err(message) => {
                diags.error(file, &file_path, At::Value, message);
                return;
            }
        };
        referenced.insert(rel.clone());
        let md_shown = display_path(self.source, &rel, self.prefix_dirs);
        let bytes = match self.source.read(&rel) {
            Ok(bytes) => bytes,
            Err(ReadError::Missing) => {
                diags.error(
                    file,
                    &file_path,
                    At::Value,
                    format!("Markdown file `{name}` not found (looked for {})", md_shown.display()),
                );
                return;
            }
            Err(e) => {
                diags.error(file, &file_path, At::Value, format!("Markdown file `{name}`: {e}"));
                return;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let (line, col) = utf8_error_pos(e.as_bytes(), e.utf8_error().valid_up_to());
                diags.error_at(&md_shown, Pos { line, col }, "file is not valid UTF-8 (save it as UTF-8)");
                return;
            }
        };
        if text.len() > MAX_MARKDOWN_BYTES {
            diags.error_at(
                &md_shown,
                Pos { line: 1, col: 1 },
                too_long("Markdown file", text.len(), MAX_MARKDOWN_BYTES),
            );
        }
        if let Some((offset, c)) = crate::safe_text::first_unsafe(&text) {
            let (line, col) = markdown::line_col(&text, offset);
            diags.error_at(&md_shown, Pos { line, col }, control_message(c));
        }
        if text.trim().is_empty() {
            diags.error_at(
                &md_shown,
                Pos { line: 1, col: 1 },
                format!("Markdown file is empty (referenced by {path})"),
            );
        }
        for p in markdown::check(&text) {
            let (line, col) = markdown::line_col(&text, p.offset);
            diags.error_at(&md_shown, Pos { line, col }, format!("Markdown: {}", p.message));
        }
        *node = Value::String(text);
    }
}

/// Every string in a YAML value that holds a terminal control character (ESC, C0 other than tab
/// and newline, DEL, C1, bidi overrides), with its field path.
fn control_characters(value: &Value, path: &FieldPath, out: &mut Vec<(FieldPath, String)>) {
    match value {
        Value::String(text) => {
            if let Some((_, c)) = crate::safe_text::first_unsafe(text) {
                out.push((path.clone(), format!("{path}: {}", control_message(c))));
            }
            if text.len() > MAX_TEXT_BYTES {
                out.push((path.clone(), too_long(path, text.len(), MAX_TEXT_BYTES)));
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &path.index(i), out);
            }
        }
        Value::Mapping(map) => {
            for (key, item) in map {
                if let Some(key) = key.as_str() {
                    control_characters(item, &path.key(key), out);
                }
            }
        }
        Value::Tagged(tagged) => control_characters(&tagged.value, path, out),
        _ => {}
    }
}

/// serde_yaml's message, except for a number too big for any integer (it reports the internal
/// `u128` it tried): say which field and what range instead.
fn yaml_message(raw: &str) -> String {
    if let Some((field, rest)) = raw.split_once(": invalid type: integer `")
        && let Some((number, _)) = rest.split_once('`')
        && (raw.contains(" as u128") || raw.contains(" as i128"))
    {
        return format!(
            "`{field}`: the number {number} is too large; whole numbers in content files go up to {} (counts such as minutes fit in a few digits)",
            u64::MAX
        );
    }
    format!("invalid YAML: {raw}")
}

/// One text field of a YAML file: far more than any lesson needs, small enough that every screen
/// lays it out at once (a 1 MB quiz stem made every key take 0.4 s).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// One Markdown file (`{ file: x.md }`), such as a full transcript.
pub const MAX_MARKDOWN_BYTES: usize = 256 * 1024;

fn too_long(what: impl std::fmt::Display, len: usize, max: usize) -> String {
    format!(
        "{what}: the text is {} KiB; at most {} KiB are allowed here (split it up)",
        len.div_ceil(1024),
        max / 1024
    )
}

fn control_message(c: char) -> String {
    format!(
        "the text holds the control character U+{:04X}; terminals act on control characters instead of showing them, so remove it",
        c as u32
    )
}

fn mark_md_references(value: &Value, dir: &Path, referenced: &mut HashSet<PathBuf>) {
    match value {
        Value::Mapping(map) => {
            if let Some(name) = map.get("file").and_then(Value::as_str)
                && let Ok(rel) = md_reference(dir, name)
            {
                referenced.insert(rel);
            }
            for v in map.values() {
                mark_md_references(v, dir, referenced);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| mark_md_references(v, dir, referenced)),
        _ => {}
    }
}

/// libyaml's verdict on the syntax, located where it noticed the problem (it names the broken
/// line more often than yaml-rust2 does). Deserializing `IgnoredAny` walks the events without
/// ever following an alias, so a bomb costs nothing here; the guard in `locate` comes next.
fn syntax_check(text: &str) -> Result<(), (Pos, String)> {
    use serde::Deserialize;
    let run = || serde::de::IgnoredAny::deserialize(serde_yaml::Deserializer::from_str(text)).map(|_| ());
    match std::panic::catch_unwind(run) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            let mut pos =
                e.location().map_or(Pos { line: 1, col: 1 }, |l| Pos { line: l.line(), col: l.column() });
            let message = syntax_message(&e.to_string());
            if message.contains("EOF while parsing")
                && text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
            {
                return Err((pos, "the file is empty: expected the fields of a lesson or quiz".to_owned()));
            }
            if message.contains("more than one document") {
                // libyaml does not say where; the event scan does.
                if let Err(problems) = locate::scan(text)
                    && let Some(p) = problems.first()
                {
                    pos = p.pos();
                }
                return Err((pos, "more than one YAML document in one file (a `---` line): put each lesson or quiz in its own file".to_owned()));
            }
            let tab = text
                .lines()
                .nth(pos.line.saturating_sub(1))
                .and_then(|l| l.chars().nth(pos.col.saturating_sub(1)));
            let hint = if tab == Some('\t') { " (a tab: YAML indents with spaces only)" } else { "" };
            Err((pos, format!("invalid YAML: {message}{hint}")))
        }
        Err(_) => Err((Pos { line: 1, col: 1 }, "the YAML parser failed on this file".to_owned())),
    }
}

/// libyaml says `PROBLEM at line L column C, while parsing THING at line L2 column C2`. The
/// first place is printed in front of the message already; the second, where the unfinished
/// thing started, often names the line that really is broken, so it is kept in words.
fn syntax_message(raw: &str) -> String {
    let (problem, context) = match raw.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (raw, None),
    };
    let problem = strip_location(problem);
    match context {
        None => problem,
        Some(context) => match context.rsplit_once(" at line ") {
            Some((thing, place)) => {
                let place = place.replacen(" column ", ", column ", 1);
                format!("{problem}, while {thing} that starts at line {place}")
            }
            None => format!("{problem}, while {context}"),
        },
    }
}

/// `file:` must name a `.md` file inside the content directory (no absolute paths, no `..`).
fn md_reference(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let path = Path::new(name);
    if !name.ends_with(".md") {
        return Err(format!("`{name}` is not a Markdown file: `file:` must name a .md file"));
    }
    if path.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err(format!("`{name}` must be a path relative to this YAML file, without `..`"));
    }
    Ok(dir.join(path.components().filter(|c| matches!(c, Component::Normal(_))).collect::<PathBuf>()))
}

fn read_text(source: &Source, rel: &Path, shown: &Path, diags: &mut Diags) -> Option<String> {
    let bytes = match source.read(rel) {
        Ok(bytes) => bytes,
        Err(e) => {
            diags.error_at(shown, Pos { line: 1, col: 1 }, e.to_string());
            return None;
        }
    };
    match String::from_utf8(bytes) {
        // A byte-order mark (some Windows editors add one) is not content.
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Some(text)
        }
        Err(e) => {
            let (line, col) = utf8_error_pos(e.as_bytes(), e.utf8_error().valid_up_to());
            diags.error_at(shown, Pos { line, col }, "file is not valid UTF-8 (save it as UTF-8)");
            None
        }
    }
}

/// Line and column of the first invalid byte (columns count the valid characters before it).
fn utf8_error_pos(bytes: &[u8], valid_up_to: usize) -> (usize, usize) {
    let valid = std::str::from_utf8(&bytes[..valid_up_to.min(bytes.len())]).unwrap_or("");
    markdown::line_col(valid, valid.len())
}

fn value_at_mut<'v>(value: &'v mut Value, path: &FieldPath) -> Option<&'v mut Value> {
    let mut node = value;
    for seg in &path.0 {
        node = match seg {
            Seg::Key(k) => node.get_mut(k.as_str())?,
            Seg::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

fn is_markdown(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("md"))
}

/// The path shown in messages: relative to the directory given, under `<embedded>/` for the
/// built-in content, and prefixed with the directory when several were given.
pub(crate) fn display_path(source: &Source, rel: &Path, prefix_dirs: bool) -> PathBuf {
    match source {
        Source::Embedded => Path::new("<embedded>").join(rel),
        Source::Dir(dir) if prefix_dirs => dir.join(rel),
        Source::Dir(_) => rel.to_path_buf(),
    }
}

/// serde_yaml appends " at line L column C" to messages; we print the location in front instead.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Files per source, for the summary line.
#[must_use]
pub fn files_with_errors(errors: &[ContentError]) -> usize {
    errors.iter().map(|e| &e.path).collect::<BTreeSet<_>>().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_references_stay_inside_the_content() {
        assert_eq!(md_reference(Path::new("lessons/a"), "x.md").unwrap(), Path::new("lessons/a/x.md"));
        assert_eq!(
            md_reference(Path::new("lessons/a"), "./sub/x.md").unwrap(),
            Path::new("lessons/a/sub/x.md")
        );
        assert!(md_reference(Path::new("lessons/a"), "../../etc/x.md").unwrap_err().contains("without `..`"));
        assert!(md_reference(Path::new("lessons/a"), "/etc/x.md").is_err());
        assert!(md_reference(Path::new("lessons/a"), "x.txt").unwrap_err().contains("not a Markdown file"));
    }

    #[test]
    fn syntax_messages_keep_where_the_unfinished_thing_started() {
        assert_eq!(
            syntax_message(
                "did not find expected ',' or ']' at line 4 column 8, while parsing a flow sequence at line 3 column 8"
            ),
            "did not find expected ',' or ']', while parsing a flow sequence that starts at line 3, column 8"
        );
        assert_eq!(
            syntax_message("mapping values are not allowed in this context at line 2 column 4"),
            "mapping values are not allowed in this context"
        );
    }

    mod never_panics {
        use super::super::*;
        use proptest::prelude::*;

        fn fixture(rel: &str) -> String {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid");
            std::fs::read_to_string(root.join(rel)).unwrap()
        }

        /// Checks a content dir whose lesson is `lesson` (and the fixture quiz); every error must
        /// be located inside the file it names (or at 1:1).
        fn check_lesson_text(lesson: &[u8]) {
            let dir = tempfile::tempdir().unwrap();
            let lessons = dir.path().join("lessons/x");
            std::fs::create_dir_all(&lessons).unwrap();
            std::fs::create_dir_all(dir.path().join("quizzes")).unwrap();
            std::fs::write(lessons.join("lesson.yaml"), lesson).unwrap();
            std::fs::write(dir.path().join("quizzes/q.yaml"), fixture("quizzes/demo-quiz.yaml")).unwrap();
            let report = check_all(&[Source::Dir(dir.path().to_path_buf())]);
            let lines = lesson.split(|b| *b == b'\n').count() + 1;
            for e in &report.errors {
                assert!(e.line >= 1 && e.col >= 1, "{e}");
                if e.path.ends_with("lesson.yaml") {
                    assert!(e.line <= lines, "{e} (file has {lines} lines)");
                }
            }
            // Success means the lesson really loaded: an error or a lesson, never neither.
            if report.errors.is_empty() {
                assert_eq!(report.catalog.lessons.len(), 1);
            }
        }

        fn yaml_value() -> impl Strategy<Value = Value> {
            let names = prop::sample::select(vec![
                "id", "title", "build_up", "level", "file", "body", "x", "answer", "<<", "requests",
            ]);
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|n| Value::Number(n.into())),
                ".{0,12}".prop_map(Value::String),
            ];
            leaf.prop_recursive(5, 48, 6, move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Sequence),
                    prop::collection::vec((names.clone(), inner), 0..6).prop_map(|kv| {
                        Value::Mapping(
                            kv.into_iter().map(|(k, v)| (Value::String(k.to_owned()), v)).collect(),
                        )
                    }),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
                check_lesson_text(&bytes);
            }

            #[test]
            fn arbitrary_structured_yaml(value in yaml_value()) {
                let text = serde_yaml::to_string(&value).unwrap();
                check_lesson_text(text.as_bytes());
            }

            #[test]
            fn the_valid_lesson_with_one_line_mangled(line in 0usize..130, junk in "[ :\\-\\[\\]{}&*!|>'\"#%@`a-z0-9]{0,12}") {
                let text = fixture("lessons/demo-lesson/lesson.yaml");
                let mut lines: Vec<&str> = text.lines().collect();
                let i = line % lines.len();
                lines[i] = &junk;
                check_lesson_text(lines.join("\n").as_bytes());
            }
        }
    }

    /// Runs the fast path alone on `text` as `lessons/x/lesson.yaml` of the valid fixture.
    fn fast_path_takes(text: &str) -> bool {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid");
        let source = Source::Dir(root);
        let rel = Path::new("lessons/demo-lesson/lesson.yaml");
        let ctx = FileParse { source: &source, rel, shown: rel, prefix_dirs: false };
        ctx.fast::<Lesson>(validate::lesson_schema(), text.to_owned()).is_ok()
    }

    #[test]
    fn clean_files_take_the_fast_path_and_doubtful_ones_do_not() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid");
        let clean = std::fs::read_to_string(root.join("lessons/demo-lesson/lesson.yaml")).unwrap();
        assert!(fast_path_takes(&clean));
        // Any error (here an unknown field) is left to the diagnostic path, which locates it.
        assert!(!fast_path_takes(&clean.replacen("title:", "titel:", 1)));
        // So is a duplicate key, which only the position-keeping scan names with both places.
        assert!(!fast_path_takes(&format!("{clean}\nid: again\n")));
        // And anything an alias could expand: the guard in `locate::scan` must see it first.
        let big = "x".repeat(100_000);
        let refs = vec!["*s"; 200].join(", ");
        assert!(!fast_path_takes(&format!("{clean}\nkey_takeaways: [&s \"{big}\", {refs}]\n")));
    }

    #[test]
    fn an_alias_bomb_gets_the_guards_located_error() {
        let dir = tempfile::tempdir().unwrap();
        let lessons = dir.path().join("lessons/x");
        std::fs::create_dir_all(&lessons).unwrap();
        let big = "x".repeat(100_000);
        let refs = vec!["*s"; 200].join(", ");
        std::fs::write(
            lessons.join("lesson.yaml"),
            format!("id: x\nkey_takeaways: [&s \"{big}\", {refs}]\n"),
        )
        .unwrap();
        let report = check_all(&[Source::Dir(dir.path().to_path_buf())]);
        assert!(
            report.errors.iter().any(|e| e.path == Path::new("lessons/x/lesson.yaml")
                && e.line == 2
                && e.message.contains("4 MiB")),
            "{:?}",
            report.errors
        );
    }

    #[test]
    fn errors_are_capped_per_file() {
        let many: Vec<ContentError> = (1..=250)
            .map(|n| ContentError::new("a.yaml", n, 1, "x"))
            .chain([ContentError::new("b.yaml", 1, 1, "y")])
            .collect();
        let capped = cap_per_file(many);
        assert_eq!(capped.len(), MAX_ERRORS_PER_FILE + 2);
        assert_eq!(
            capped[MAX_ERRORS_PER_FILE].message,
            "150 more errors in this file not shown (is it a lesson or quiz file at all?)"
        );
        assert_eq!(capped[MAX_ERRORS_PER_FILE].line, 250);
        assert_eq!(capped.last().unwrap().path, Path::new("b.yaml"));
    }

    #[test]
    fn utf8_errors_point_at_the_bad_byte() {
        let bytes = b"id: x\ntitle: caf\xe9\n";
        let err = String::from_utf8(bytes.to_vec()).unwrap_err();
        assert_eq!(utf8_error_pos(bytes, err.utf8_error().valid_up_to()), (2, 11));
    }
}
