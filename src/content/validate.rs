//! Structural validation against the JSON Schema that `schemars` derives from `schema.rs`.
//!
//! serde stops at the first error of a file; walking the parsed YAML against the schema instead
//! finds *every* unknown field, missing field, wrong type and bad enum value in one pass, each at
//! its own path. Using the printed schema (`apisec-tutor schema`) as the rule book also means an
//! editor validating with that schema and `check` agree. serde still has the last word: the
//! loader deserializes a file only after it validates here, and reports anything serde rejects.

use std::sync::LazyLock;

use serde_json::{Map, Value as Json};
use serde_yaml::Value;

use super::locate::FieldPath;
use super::schema::{Lesson, Quiz};
use super::suggest;

/// The `$defs` name of Markdown prose, whose sites the loader resolves and checks.
const MD_DEF: &str = "Md";

/// Generated once: deriving the schema costs more than validating a file against it.
static LESSON_SCHEMA: LazyLock<Json> = LazyLock::new(|| {
    let mut schema = schemars::schema_for!(Lesson).to_value();
    annotate(&mut schema, "lesson", "lessons/<id>/lesson.yaml");
    schema
});

static QUIZ_SCHEMA: LazyLock<Json> = LazyLock::new(|| {
    let mut schema = schemars::schema_for!(Quiz).to_value();
    annotate(&mut schema, "quiz", "quizzes/<id>.yaml");
    schema
});

/// The JSON Schema of a lesson file.
#[must_use]
pub fn lesson_schema() -> &'static Json {
    &LESSON_SCHEMA
}

/// The JSON Schema of a quiz file.
#[must_use]
pub fn quiz_schema() -> &'static Json {
    &QUIZ_SCHEMA
}

fn annotate(schema: &mut Json, kind: &str, file: &str) {
    // `{ file: x.md }` takes no other key (the walker below enforces it); say so to editors too.
    if let Some(branches) = schema.pointer_mut("/$defs/Md/anyOf").and_then(Json::as_array_mut) {
        for branch in branches.iter_mut().filter(|b| b.get("properties").is_some()) {
            if let Some(obj) = branch.as_object_mut() {
                obj.insert("additionalProperties".into(), Json::Bool(false));
            }
        }
    }
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), Json::String(format!("https://apisec-tutor.invalid/schema/{kind}.json")));
        obj.insert(
            "$comment".into(),
            Json::String(format!(
                "apisec-tutor {kind} file ({file}); printed by `apisec-tutor schema --kind {kind}`"
            )),
        );
    }
}

/// Where a problem points: the field's key (unknown field) or its value (everything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Key,
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: FieldPath,
    pub at: At,
    pub message: String,
}

/// The result of validating one file.
#[derive(Debug, Default)]
pub struct Outcome {
    pub problems: Vec<Problem>,
    /// Every place that holds Markdown prose (`Md`), inline or `{ file: … }`.
    pub markdown: Vec<FieldPath>,
}

/// Validates `value` against a root schema (one with `$defs`).
#[must_use]
pub fn validate(schema: &Json, value: &Value) -> Outcome {
    let empty = Map::new();
    let defs = schema.get("$defs").and_then(Json::as_object).unwrap_or(&empty);
    let mut walker = Walker { defs, out: Outcome::default() };
    walker.walk(schema, value, &FieldPath::root());
    walker.out
}

struct Walker<'s> {
    defs: &'s Map<String, Json>,
    out: Outcome,
}

impl<'s> Walker<'s> {
    fn problem(&mut self, path: &FieldPath, at: At, message: String) {
        self.out.problems.push(Problem { path: path.clone(), at, message });
    }

    fn resolve(&self, schema: &'s Json) -> (&'s Json, Option<&'s str>) {
        match schema.get("$ref").and_then(Json::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            Some(name) => match self.defs.get(name) {
                Some(def) => (def, Some(name)),
                None => (schema, None),
            },
            None => (schema, None),
        }
    }

    fn walk(&mut self, schema: &'s Json, value: &Value, path: &FieldPath) {
        let (schema, def_name) = self.resolve(schema);
        if let Value::Tagged(tagged) = value {
            self.problem(
                path,
                At::Value,
                format!("{}YAML tags such as `{}` are not supported here", prefix(path), tagged.tag),
            );
            return;
        }
        if def_name == Some(MD_DEF) {
            // Markdown: text, or `{ file: NAME.md }` and nothing else.
            match value {
                Value::String(_) => self.out.markdown.push(path.clone()),
                Value::Mapping(map) => {
                    let before = self.out.problems.len();
                    self.check_md_mapping(map, path);
                    if self.out.problems.len() == before {
                        self.out.markdown.push(path.clone());
                    }
                }
                other => self.problem(
                    path,
                    At::Value,
                    format!(
                        "{}expected Markdown text or `{{ file: NAME.md }}`, found {}",
                        prefix(path),
                        kind_of(other)
                    ),
                ),
            }
            return;
        }
        if let Some(allowed) = constants(schema) {
            self.walk_enum(&allowed, value, path);
            return;
        }
        if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            self.walk_any_of(schema, branches, value, path);
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
            self.walk_enum(allowed, value, path);
            return;
        }
        if let Some(ty) = schema.get("type")
            && !self.type_matches(ty, schema, value, path)
        {
            return;
        }
        match value {
            Value::Mapping(map) if schema.get("properties").is_some() => self.walk_object(schema, map, path),
            Value::Sequence(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.walk(item_schema, item, &path.index(i));
                    }
                }
            }
            _ => {}
        }
    }

    fn check_md_mapping(&mut self, map: &serde_yaml::Mapping, path: &FieldPath) {
        let mut has_file = false;
        for (k, v) in map {
            match k.as_str() {
                Some("file") => {
                    has_file = true;
                    if !v.is_string() {
                        self.problem(
                            &path.key("file"),
                            At::Value,
                            format!(
                                "{}expected a file name, found {}",
                                prefix(&path.key("file")),
                                kind_of(v)
                            ),
                        );
                    }
                }
                Some(other) => {
                    let hint = suggest::did_you_mean(other, ["file"]).map_or_else(
                        || " (Markdown is either text or `{ file: NAME.md }`)".to_owned(),
                        |s| format!("; did you mean `{s}`?"),
                    );
                    self.problem(&path.key(other), At::Key, format!("unknown field `{other}`{hint}"));
                }
                None => self.problem(path, At::Value, "field names must be text".to_owned()),
            }
        }
        if !has_file {
            self.problem(path, At::Value, format!("{}missing field `file`", prefix(path)));
        }
    }

    fn walk_any_of(&mut self, schema: &'s Json, branches: &'s [Json], value: &Value, path: &FieldPath) {
        if value.is_null() && branches.iter().any(|b| self.accepts_null(b)) {
            return;
        }
        // A branch that accepts the value without any problem wins.
        for branch in branches {
            let mut trial = Walker { defs: self.defs, out: Outcome::default() };
            trial.walk(branch, value, path);
            if trial.out.problems.is_empty() {
                self.out.markdown.extend(trial.out.markdown);
                return;
            }
        }
        // Otherwise report the errors of the one branch of the value's kind (an `Option<Code>`
        // reports the code block's own problems), or a summary when that is ambiguous.
        let matching: Vec<&Json> = branches.iter().filter(|b| self.kind_fits(b, value)).collect();
        if let [only] = matching.as_slice() {
            self.walk(only, value, path);
        } else {
            self.problem(
                path,
                At::Value,
                format!("{}expected {}, found {}", prefix(path), self.describe(schema), kind_of(value)),
            );
        }
    }

    fn walk_enum(&mut self, allowed: &[Json], value: &Value, path: &FieldPath) {
        let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
        let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        match value {
            Value::String(s) if names.contains(&s.as_str()) => {}
            Value::String(s) => {
                let hint = suggest::did_you_mean(s, names.iter().copied())
                    .map_or_else(String::new, |n| format!("; did you mean `{n}`?"));
                self.problem(
                    path,
                    At::Value,
                    format!("{}unknown value `{s}`: expected one of {list}{hint}", prefix(path)),
                );
            }
            other => self.problem(
                path,
                At::Value,
                format!("{}expected one of {list}, found {}", prefix(path), kind_of(other)),
            ),
        }
    }

    /// Checks the JSON `type` keyword (and integer bounds); false when the value is the wrong
    /// kind, so the caller does not look inside it.
    fn type_matches(&mut self, ty: &Json, schema: &Json, value: &Value, path: &FieldPath) -> bool {
        let types: Vec<&str> = match ty {
            Json::String(t) => vec![t.as_str()],
            Json::Array(ts) => ts.iter().filter_map(Json::as_str).collect(),
            _ => return true,
        };
        if types.iter().any(|t| kind_matches(t, value)) {
            if let Value::Number(n) = value
                && types.contains(&"integer")
            {
                self.check_bounds(schema, n, path);
            }
            return true;
        }
        let expected =
            types.iter().filter(|t| **t != "null").map(|t| type_word(t)).collect::<Vec<_>>().join(" or ");
        let found = kind_of(value);
        let extra = if value.is_null() { " (the value is empty)" } else { "" };
        self.problem(path, At::Value, format!("{}expected {expected}, found {found}{extra}", prefix(path)));
        false
    }

    fn check_bounds(&mut self, schema: &Json, n: &serde_yaml::Number, path: &FieldPath) {
        let min = schema.get("minimum").and_then(Json::as_i64);
        let max = schema.get("maximum").and_then(Json::as_i64);
        let (lo, hi) = (min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX));
        let fits = match (n.as_i64(), n.as_u64()) {
            (Some(v), _) => v >= lo && v <= hi,
            // Above i64::MAX: fine only where the schema sets no maximum.
            (None, Some(_)) => max.is_none(),
            _ => false,
        };
        // Serde's own unsigned types have a maximum even when the schema leaves it out.
        let format_max = match schema.get("format").and_then(Json::as_str) {
            Some("uint32") => Some(u64::from(u32::MAX)),
            Some("uint16") => Some(u64::from(u16::MAX)),
            Some("uint8") => Some(u64::from(u8::MAX)),
            _ => None,
        };
        let over_format = format_max.is_some_and(|m| n.as_u64().is_some_and(|v| v > m));
        if !fits || over_format {
            let range = match (min, max.or_else(|| format_max.and_then(|m| i64::try_from(m).ok()))) {
                (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => "a whole number".to_owned(),
            };
            self.problem(path, At::Value, format!("{}{n} is out of range: must be {range}", prefix(path)));
        }
    }

    fn walk_object(&mut self, schema: &'s Json, map: &serde_yaml::Mapping, path: &FieldPath) {
        let Some(props) = schema.get("properties").and_then(Json::as_object) else { return };
        let closed = schema.get("additionalProperties") == Some(&Json::Bool(false));
        let mut present = Vec::new();
        for (k, v) in map {
            let Some(key) = key_text(k) else {
                // Located at the key itself when it is a plain scalar (`1:`, `true:`).
                let at = match k {
                    Value::Number(n) => path.key(&n.to_string()),
                    Value::Bool(b) => path.key(&b.to_string()),
                    _ => path.clone(),
                };
                self.problem(
                    &at,
                    At::Key,
                    format!("{}field names must be text, found {}", prefix(path), kind_of(k)),
                );
                continue;
            };
            present.push(key.clone());
            match props.get(&key) {
                Some(prop) => self.walk(prop, v, &path.key(&key)),
                None if closed => {
                    let hint = suggest::did_you_mean(&key, props.keys().map(String::as_str)).map_or_else(
                        || {
                            let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
                            names.sort_unstable();
                            format!("; allowed here: {}", names.join(", "))
                        },
                        |s| format!("; did you mean `{s}`?"),
                    );
                    self.problem(&path.key(&key), At::Key, format!("unknown field `{key}`{hint}"));
                }
                None => {}
            }
        }
        if let Some(required) = schema.get("required").and_then(Json::as_array) {
            for name in required.iter().filter_map(Json::as_str) {
                if !present.iter().any(|p| p == name) {
                    self.problem(path, At::Value, format!("{}missing field `{name}`", prefix(path)));
                }
            }
        }
    }

    fn accepts_null(&self, schema: &'s Json) -> bool {
        let (schema, _) = self.resolve(schema);
        match schema.get("type") {
            Some(Json::String(t)) => t == "null",
            Some(Json::Array(ts)) => ts.iter().any(|t| t == "null"),
            _ => false,
        }
    }

    /// Whether a branch is meant for values of this kind (a mapping for an object schema…).
    fn kind_fits(&self, schema: &'s Json, value: &Value) -> bool {
        let (schema, name) = self.resolve(schema);
        if name == Some(MD_DEF) {
            return value.is_string() || value.is_mapping();
        }
        if schema.get("enum").is_some() || constants(schema).is_some() {
            return value.is_string();
        }
        match schema.get("type") {
            Some(Json::String(t)) => kind_matches(t, value) && t != "null",
            Some(Json::Array(ts)) => {
                ts.iter().filter_map(Json::as_str).any(|t| t != "null" && kind_matches(t, value))
            }
            _ => false,
        }
    }

    /// What a schema expects, in words.
    fn describe(&self, schema: &'s Json) -> String {
        let (schema, name) = self.resolve(schema);
        if name == Some(MD_DEF) {
            return "Markdown text or `{ file: NAME.md }`".to_owned();
        }
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
            let names: Vec<String> =
                allowed.iter().filter_map(Json::as_str).map(|n| format!("`{n}`")).collect();
            return format!("one of {}", names.join(", "));
        }
        if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            let parts: Vec<String> =
                branches.iter().filter(|b| !self.accepts_null(b)).map(|b| self.describe(b)).collect();
            return parts.join(" or ");
        }
        match schema.get("type") {
            Some(Json::String(t)) => type_word(t).to_owned(),
            Some(Json::Array(ts)) => ts
                .iter()
                .filter_map(Json::as_str)
                .filter(|t| *t != "null")
                .map(type_word)
                .collect::<Vec<_>>()
                .join(" or "),
            _ => "a value".to_owned(),
        }
    }
}

/// The allowed values of an enum written as `enum: [...]`, a single `const`, or (for enums
/// whose variants carry doc comments) `oneOf: [{const: ...}, ...]`.
fn constants(schema: &Json) -> Option<Vec<Json>> {
    if let Some(c) = schema.get("const") {
        return Some(vec![c.clone()]);
    }
    let branches = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
    let mut out = Vec::new();
    for branch in branches {
        if let Some(c) = branch.get("const") {
            out.push(c.clone());
        } else if let Some(values) = branch.get("enum").and_then(Json::as_array) {
            out.extend(values.iter().cloned());
        } else {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `a.b: ` in front of messages about a nested field, so a reader knows which one.
fn prefix(path: &FieldPath) -> String {
    if path.0.is_empty() { String::new() } else { format!("{path}: ") }
}

fn key_text(k: &Value) -> Option<String> {
    match k {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn kind_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_bool(),
        "string" => value.is_string(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
        "number" => value.is_number(),
        "array" => value.is_sequence(),
        "object" => value.is_mapping(),
        _ => true,
    }
}

fn type_word(ty: &str) -> &'static str {
    match ty {
        "null" => "nothing",
        "boolean" => "`true` or `false`",
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "array" => "a list (`- item` lines)",
        "object" => "a mapping (`key: value` lines)",
        _ => "a value",
    }
}

/// How a YAML value reads to an instructor.
#[must_use]
pub fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 30 => "text".to_owned(),
        Value::String(s) => format!("the text `{s}`"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(t) => format!("a value tagged `{}`", t.tag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(schema: &Json, yaml: &str) -> Vec<(String, At, String)> {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        validate(schema, &value).problems.into_iter().map(|p| (p.path.to_string(), p.at, p.message)).collect()
    }

    const CHOICE_QUESTION: &str = "\
id: q1
difficulty: easy
stem: What does 401 mean?
choices:
  - {id: a, text: Who are you?}
  - {id: b, text: You may not, mistake: That is 403.}
answer: a
hints: [Think of authentication.]
solution: [401 is authentication.]
final_answer: a
quick_check: And 403?
";

    fn question_schema() -> Json {
        let quiz = quiz_schema();
        let mut q = quiz["$defs"]["Question"].clone();
        q["$defs"] = quiz["$defs"].clone();
        q
    }

    #[test]
    fn a_valid_question_has_no_problems_and_its_markdown_is_found() {
        let value: Value = serde_yaml::from_str(CHOICE_QUESTION).unwrap();
        let out = validate(&question_schema(), &value);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let md: Vec<String> = out.markdown.iter().map(ToString::to_string).collect();
        assert_eq!(md, ["stem", "choices[1].mistake", "solution[0]", "final_answer"]);
    }

    #[test]
    fn every_independent_mistake_is_reported() {
        let yaml = CHOICE_QUESTION
            .replace("difficulty: easy", "difficulty: eazy")
            .replace("\nanswer: a", "\nanwser: a")
            .replace("quick_check: And 403?", "quick_check: [x]");
        let got = problems(&question_schema(), &yaml);
        assert_eq!(got.len(), 4, "{got:#?}");
        assert_eq!(got[0].0, "difficulty");
        assert!(got[0].2.contains("unknown value `eazy`"), "{}", got[0].2);
        assert!(got[0].2.contains("did you mean `easy`?"), "{}", got[0].2);
        assert_eq!((got[1].0.as_str(), got[1].1), ("anwser", At::Key));
        assert!(got[1].2.contains("did you mean `answer`?"), "{}", got[1].2);
        assert!(got[2].2.contains("expected text, found a list"), "{}", got[2].2);
        assert_eq!(got[3].2, "missing field `answer`");
    }

    #[test]
    fn unknown_fields_without_a_near_miss_list_the_allowed_ones() {
        let got = problems(&question_schema(), &format!("{CHOICE_QUESTION}zzzzzz: 1\n"));
        assert!(got[0].2.contains("allowed here: answer, choices, code"), "{}", got[0].2);
    }

    #[test]
    fn optional_structs_report_their_own_fields() {
        let yaml = format!("{CHOICE_QUESTION}code: {{sorce: x}}\n");
        let got = problems(&question_schema(), &yaml);
        let paths: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(paths, ["code.sorce", "code"], "{got:#?}");
        assert!(got[0].2.contains("did you mean `source`?"));
        assert_eq!(got[1].2, "code: missing field `source`");
    }

    #[test]
    fn markdown_must_be_text_or_a_file_reference() {
        let got =
            problems(&question_schema(), &CHOICE_QUESTION.replace("stem: What does 401 mean?", "stem: [1]"));
        assert!(got[0].2.contains("expected Markdown text or `{ file: NAME.md }`, found a list"), "{got:?}");
        let got = problems(
            &question_schema(),
            &CHOICE_QUESTION.replace("stem: What does 401 mean?", "stem: {fiel: a.md}"),
        );
        assert!(got[0].2.contains("did you mean `file`?"), "{got:?}");
        assert_eq!(got[1].2, "stem: missing field `file`");
    }

    #[test]
    fn numbers_are_range_checked() {
        let schema = lesson_schema();
        let mut req = schema["$defs"]["Expectation"].clone();
        req["$defs"] = schema["$defs"].clone();
        let got = problems(&req, "status: 70000\n");
        assert!(got[0].2.contains("out of range: must be between 0 and 65535"), "{got:?}");
        let got = problems(&req, "status: -1\n");
        assert!(got[0].2.contains("out of range"), "{got:?}");
        let got = problems(&req, "status: '401'\n");
        assert!(got[0].2.contains("expected a whole number, found the text `401`"), "{got:?}");
    }

    #[test]
    fn empty_values_say_so() {
        let got =
            problems(&question_schema(), &CHOICE_QUESTION.replace("quick_check: And 403?", "quick_check:"));
        assert_eq!(got[0].2, "quick_check: expected text, found nothing (the value is empty)");
    }

    #[test]
    fn enums_with_documented_variants_are_checked_too() {
        // QuizKind's variants have doc comments, so schemars writes `oneOf` of `const`s.
        let quiz = quiz_schema();
        let got = problems(quiz, "format_version: 1\nid: q\ntitle: t\nkind: pop\nlesson: l\nquestions: []\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].2.starts_with("kind: unknown value `pop`: expected one of `visual`, `practice`"),
            "{got:?}"
        );
    }

    #[test]
    fn tags_are_refused() {
        let got = problems(&question_schema(), &CHOICE_QUESTION.replace("\nanswer: a", "\nanswer: !x a"));
        assert!(got[0].2.contains("YAML tags such as `!x`"), "{got:?}");
    }

    #[test]
    fn the_schema_is_draft_2020_12_with_every_top_level_field() {
        let lesson = lesson_schema();
        assert_eq!(lesson["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(lesson["properties"]["build_up"].is_object());
        assert_eq!(quiz_schema()["additionalProperties"], false);
        assert_eq!(lesson["$defs"]["Md"]["anyOf"][1]["additionalProperties"], false);
    }
}
