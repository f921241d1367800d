//! Semantic checks: what the schema cannot say. Ids well-formed and unique, every reference
//! resolves (quiz → lesson, answer → choice, row → request, `lab_scenario` → scenario), the
//! teaching rules of a question (a mistake for every wrong choice…), and the lab's vocabulary
//! (methods, headers, credential presets, CORS modes, FastAPI version ranges).
//!
//! Errors make `check` fail; warnings are advice (a single hint, options without a `best`).

use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::load::{Diags, FileCtx, Known};
use super::locate::FieldPath;
use super::schema::{
    BuildUpStep, Choice, Code, Diagram, ExecutionSample, ExecutionTable, FORMAT_VERSION, FlowStage,
    KeyMoment, LabRequest, LabScenario, LearningMode, Lesson, Myth, Pitfall, Question, Quiz, VariableTracker,
};
use super::validate::At;
use super::version::VersionRange;

/// The credential presets the lab can mint (the shared contract in the common brief).
pub const CREDENTIAL_PRESETS: [&str; 12] = [
    "fresh-jwt",
    "fresh-jwt-no-scope",
    "admin-jwt",
    "disabled-user-jwt",
    "unknown-user-jwt",
    "no-sub-jwt",
    "no-exp-jwt",
    "expired-jwt",
    "wrong-key-jwt",
    "alg-none-jwt",
    "tampered-jwt",
    "hs512-jwt",
];

pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
pub const CORS_MODES: [&str; 3] = ["off", "wildcard", "trusted"];

/// Why an id is not well formed: ids are lower-case letters, digits and `-` (start with a letter
/// or digit, at most 64 characters), so they are safe in file names, URLs and progress files.
#[must_use]
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("id is empty".to_owned());
    }
    if id.len() > 64 {
        return Some(format!("id `{id}` is longer than 64 characters"));
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !id.chars().all(ok_char) || id.starts_with('-') || id.ends_with('-') {
        return Some(format!(
            "id `{id}` is not well formed: use lower-case letters, digits and `-` (e.g. `jwt-expiry`)"
        ));
    }
    None
}

/// A lesson as the checks see it: every part that is well formed, with its index. A valid file
/// gives all of them; a file with structural errors gives the items that still deserialize on
/// their own, so their mistakes are reported in the same run.
#[derive(Debug, Default)]
pub(crate) struct LessonParts {
    pub format_version: Option<u32>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub modes: Vec<(usize, LearningMode)>,
    pub build_up: Vec<(usize, BuildUpStep)>,
    pub myths: Vec<(usize, Myth)>,
    pub pitfalls: Vec<(usize, Pitfall)>,
    pub takeaways: Vec<(usize, String)>,
    pub mental_model_diagrams: Vec<(usize, Diagram)>,
    pub under_the_hood_diagrams: Vec<(usize, Diagram)>,
    pub flow_stages: Vec<(usize, FlowStage)>,
    pub sample: Option<ExecutionSample>,
    pub table: Option<ExecutionTable>,
    pub tracker: Option<VariableTracker>,
    pub moments: Vec<(usize, KeyMoment)>,
    pub scenarios: Vec<(usize, LabScenario)>,
    /// The keys are written (even if their items are broken and reported elsewhere).
    pub has_build_up_key: bool,
    pub has_scenarios_key: bool,
}

fn indexed<T: Clone>(items: &[T]) -> Vec<(usize, T)> {
    items.iter().cloned().enumerate().collect()
}

/// The elements of the list at `path` that deserialize on their own.
fn items_at<T: DeserializeOwned>(value: &Value, path: &[&str]) -> Vec<(usize, T)> {
    let mut node = Some(value);
    for key in path {
        node = node.and_then(|n| n.get(*key));
    }
    let Some(list) = node.and_then(Value::as_sequence) else { return Vec::new() };
    list.iter().enumerate().filter_map(|(i, v)| T::deserialize(v).ok().map(|t| (i, t))).collect()
}

fn field<T: DeserializeOwned>(value: &Value, key: &str) -> Option<T> {
    value.get(key).and_then(|v| T::deserialize(v).ok())
}

impl LessonParts {
    pub fn from_lesson(l: &Lesson) -> Self {
        LessonParts {
            format_version: Some(l.format_version),
            id: Some(l.id.clone()),
            title: Some(l.title.clone()),
            modes: indexed(&l.modes),
            build_up: indexed(&l.build_up),
            myths: indexed(&l.myth_busters),
            pitfalls: indexed(&l.pitfalls),
            takeaways: indexed(&l.key_takeaways),
            mental_model_diagrams: indexed(&l.mental_model.diagrams),
            under_the_hood_diagrams: indexed(&l.under_the_hood.diagrams),
            flow_stages: indexed(&l.concept_flow.stages),
            sample: Some(l.execution_sample.clone()).filter(|x| !x.is_empty()),
            table: Some(l.execution_table.clone()).filter(|x| !x.is_empty()),
            tracker: Some(l.variable_tracker.clone()).filter(|x| !x.is_empty()),
            moments: indexed(&l.key_moments),
            scenarios: indexed(&l.lab_scenarios),
            has_build_up_key: !l.build_up.is_empty(),
            has_scenarios_key: !l.lab_scenarios.is_empty(),
        }
    }

    pub fn from_value(v: &Value) -> Self {
        LessonParts {
            format_version: field(v, "format_version"),
            id: field(v, "id"),
            title: field(v, "title"),
            modes: items_at(v, &["modes"]),
            build_up: items_at(v, &["build_up"]),
            myths: items_at(v, &["myth_busters"]),
            pitfalls: items_at(v, &["pitfalls"]),
            takeaways: items_at(v, &["key_takeaways"]),
            mental_model_diagrams: items_at(v, &["mental_model", "diagrams"]),
            under_the_hood_diagrams: items_at(v, &["under_the_hood", "diagrams"]),
            flow_stages: items_at(v, &["concept_flow", "stages"]),
            sample: field(v, "execution_sample"),
            table: field(v, "execution_table"),
            tracker: field(v, "variable_tracker"),
            moments: items_at(v, &["key_moments"]),
            scenarios: items_at(v, &["lab_scenarios"]),
            has_build_up_key: v.get("build_up").and_then(Value::as_sequence).is_some_and(|s| !s.is_empty()),
            has_scenarios_key: v
                .get("lab_scenarios")
                .and_then(Value::as_sequence)
                .is_some_and(|s| !s.is_empty()),
        }
    }
}

/// A quiz as the checks see it (see [`LessonParts`]).
#[derive(Debug, Default)]
pub(crate) struct QuizParts {
    pub format_version: Option<u32>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub lesson: Option<String>,
    /// `None` when the field is missing or not a list (already reported).
    pub question_count: Option<usize>,
    /// Every question's id, even of questions that are otherwise broken (for uniqueness).
    pub question_ids: Vec<(usize, String)>,
    pub questions: Vec<(usize, Question)>,
}

impl QuizParts {
    pub fn from_quiz(q: &Quiz) -> Self {
        QuizParts {
            format_version: Some(q.format_version),
            id: Some(q.id.clone()),
            title: Some(q.title.clone()),
            lesson: Some(q.lesson.clone()),
            question_count: Some(q.questions.len()),
            question_ids: q.questions.iter().map(|x| x.id.clone()).enumerate().collect(),
            questions: indexed(&q.questions),
        }
    }

    pub fn from_value(v: &Value) -> Self {
        let list = v.get("questions").and_then(Value::as_sequence);
        QuizParts {
            format_version: field(v, "format_version"),
            id: field(v, "id"),
            title: field(v, "title"),
            lesson: field(v, "lesson"),
            question_count: list.map(Vec::len),
            question_ids: list
                .into_iter()
                .flatten()
                .enumerate()
                .filter_map(|(i, q)| q.get("id").and_then(Value::as_str).map(|id| (i, id.to_owned())))
                .collect(),
            questions: items_at(v, &["questions"]),
        }
    }
}

fn p(text: &str) -> FieldPath {
    FieldPath::parse(text)
}

/// Runs every semantic check over the files that parsed.
pub(crate) fn run(
    lessons: &[(FileCtx, LessonParts)],
    quizzes: &[(FileCtx, QuizParts)],
    known: &Known,
    diags: &mut Diags,
) {
    // Scenarios by id across all lessons (`Catalog::scenario` looks in every lesson).
    let mut scenarios: HashMap<&str, &LabScenario> = HashMap::new();
    let mut global = GlobalIds::default();
    for (file, lesson) in lessons {
        if let Some(id) = &lesson.id {
            global.claim(diags, "lesson", id, file, &p("id"));
        }
        for (i, s) in &lesson.scenarios {
            global.claim(diags, "lab scenario", &s.id, file, &p(&format!("lab_scenarios[{i}].id")));
            scenarios.entry(s.id.as_str()).or_insert(s);
        }
    }
    for (file, quiz) in quizzes {
        if let Some(id) = &quiz.id {
            global.claim(diags, "quiz", id, file, &p("id"));
        }
    }
    let refs = Refs { scenarios: &scenarios, known };
    for (file, lesson) in lessons {
        check_lesson(file, lesson, &refs, diags);
    }
    let lesson_ids: HashSet<&str> = lessons.iter().filter_map(|(_, l)| l.id.as_deref()).collect();
    for (file, quiz) in quizzes {
        check_quiz(file, quiz, &lesson_ids, &refs, diags);
    }
    // A lesson may be short, but it must give the learner something to do.
    let quizzed: HashSet<&str> = quizzes.iter().filter_map(|(_, q)| q.lesson.as_deref()).collect();
    for (file, lesson) in lessons {
        if let Some(id) = &lesson.id
            && lesson.build_up.is_empty()
            && lesson.scenarios.is_empty()
            && !lesson.has_build_up_key
            && !lesson.has_scenarios_key
            && !quizzed.contains(id.as_str())
        {
            diags.error(
                file,
                &p("id"),
                At::Value,
                format!(
                    "lesson `{id}` has nothing to practise: add `build_up` steps, `lab_scenarios`, or a quiz with `lesson: {id}`"
                ),
            );
        }
    }
}

/// Ids that must be unique across every file and source; a duplicate names the first place.
/// Where each id was first defined. The place is kept as file and path and turned into
/// `PATH:LINE:COL` only for a duplicate: positions cost a second parse of the file.
#[derive(Default)]
struct GlobalIds<'f> {
    seen: HashMap<(&'static str, String), (&'f FileCtx, FieldPath)>,
}

impl<'f> GlobalIds<'f> {
    fn claim(
        &mut self,
        diags: &mut Diags,
        kind: &'static str,
        id: &str,
        file: &'f FileCtx,
        path: &FieldPath,
    ) {
        if let Some(problem) = id_problem(id) {
            diags.error(file, path, At::Value, problem);
        }
        match self.seen.get(&(kind, id.to_owned())) {
            Some((first_file, first_path)) => {
                let pos = first_file.marks().value_pos(first_path);
                let first = format!("{}:{}:{}", first_file.shown.display(), pos.line, pos.col);
                diags.error(
                    file,
                    path,
                    At::Value,
                    format!("duplicate {kind} id `{id}`: also defined at {first}"),
                );
            }
            None => {
                self.seen.insert((kind, id.to_owned()), (file, path.clone()));
            }
        }
    }
}

/// Ids unique within one list (questions of a quiz, choices of a question…).
fn unique_ids<'a>(
    diags: &mut Diags,
    file: &FileCtx,
    kind: &str,
    ids: impl IntoIterator<Item = (&'a str, FieldPath)>,
) {
    let mut seen: HashMap<&str, FieldPath> = HashMap::new();
    for (id, path) in ids {
        if let Some(problem) = id_problem(id) {
            diags.error(file, &path, At::Value, problem);
        }
        if let Some(first) = seen.get(id) {
            let pos = file.marks().value_pos(first);
            diags.error(
                file,
                &path,
                At::Value,
                format!("duplicate {kind} id `{id}` (first at line {}, column {})", pos.line, pos.col),
            );
        } else {
            seen.insert(id, path);
        }
    }
}

struct Refs<'a> {
    scenarios: &'a HashMap<&'a str, &'a LabScenario>,
    known: &'a Known,
}

impl Refs<'_> {
    /// Reports a `lab_scenario` that names no scenario (unless it may be in a broken file).
    fn scenario(
        &self,
        diags: &mut Diags,
        file: &FileCtx,
        id: &str,
        path: &FieldPath,
    ) -> Option<&LabScenario> {
        if let Some(s) = self.scenarios.get(id) {
            return Some(s);
        }
        if !self.known.lesson_unreadable && !self.known.scenarios.contains(id) {
            let mut names: Vec<&str> = self.scenarios.keys().copied().collect();
            names.sort_unstable();
            let hint = super::suggest::did_you_mean(id, names.iter().copied())
                .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            diags.error(
                file,
                path,
                At::Value,
                format!("lab scenario `{id}` is not defined in any lesson's `lab_scenarios`{hint}"),
            );
        }
        None
    }
}

fn nonblank(diags: &mut Diags, file: &FileCtx, text: &str, path: FieldPath) {
    if text.trim().is_empty() {
        diags.error(file, &path, At::Value, format!("{path}: the text is empty"));
    }
}

fn check_lesson(file: &FileCtx, lesson: &LessonParts, refs: &Refs<'_>, diags: &mut Diags) {
    if let Some(version) = lesson.format_version {
        format_version(diags, file, version);
    }
    if let Some(title) = &lesson.title {
        nonblank(diags, file, title, p("title"));
    }
    unique_ids(
        diags,
        file,
        "mode",
        lesson.modes.iter().map(|(i, m)| (m.id.as_str(), p(&format!("modes[{i}].id")))),
    );
    unique_ids(
        diags,
        file,
        "myth",
        lesson.myths.iter().map(|(i, m)| (m.id.as_str(), p(&format!("myth_busters[{i}].id")))),
    );
    unique_ids(
        diags,
        file,
        "pitfall",
        lesson.pitfalls.iter().map(|(i, m)| (m.id.as_str(), p(&format!("pitfalls[{i}].id")))),
    );
    unique_ids(
        diags,
        file,
        "flow stage",
        lesson.flow_stages.iter().map(|(i, s)| (s.id.as_str(), p(&format!("concept_flow.stages[{i}].id")))),
    );

    for (i, step) in &lesson.build_up {
        nonblank(diags, file, &step.title, p(&format!("build_up[{i}].title")));
        if let Some(code) = &step.code {
            check_code(diags, file, code, &format!("build_up[{i}].code"));
        }
        if let Some(predict) = &step.predict {
            let base = format!("build_up[{i}].predict");
            nonblank(diags, file, &predict.prompt, p(&format!("{base}.prompt")));
            match (predict.options.len(), predict.best) {
                (1, _) => diags.error(
                    file,
                    &p(&format!("{base}.options")),
                    At::Value,
                    "a prediction with options needs at least two",
                ),
                (0, Some(_)) => diags.error(
                    file,
                    &p(&format!("{base}.best")),
                    At::Value,
                    "`best` is set but there are no `options`",
                ),
                (n, Some(best)) if best >= n => diags.error(
                    file,
                    &p(&format!("{base}.best")),
                    At::Value,
                    format!(
                        "`best` is {best} but there are only {n} options (counted from 0: 0 to {})",
                        n - 1
                    ),
                ),
                (n, None) if n >= 2 => diags.warning(
                    file,
                    &p(&format!("{base}.options")),
                    At::Key,
                    "options without `best`: say which option (0-based) the reveal agrees with",
                ),
                _ => {}
            }
            for (j, option) in predict.options.iter().enumerate() {
                nonblank(diags, file, option, p(&format!("{base}.options[{j}]")));
            }
        }
    }
    for (i, myth) in &lesson.myths {
        nonblank(diags, file, &myth.question, p(&format!("myth_busters[{i}].question")));
        nonblank(diags, file, &myth.belief, p(&format!("myth_busters[{i}].belief")));
        if let Some(id) = &myth.lab_scenario {
            refs.scenario(diags, file, id, &p(&format!("myth_busters[{i}].lab_scenario")));
        }
    }
    for (i, pitfall) in &lesson.pitfalls {
        check_code(diags, file, &pitfall.wrong, &format!("pitfalls[{i}].wrong"));
        check_code(diags, file, &pitfall.correct, &format!("pitfalls[{i}].correct"));
        if let Some(id) = &pitfall.lab_scenario {
            refs.scenario(diags, file, id, &p(&format!("pitfalls[{i}].lab_scenario")));
        }
    }
    for (i, takeaway) in &lesson.takeaways {
        nonblank(diags, file, takeaway, p(&format!("key_takeaways[{i}]")));
    }
    for (section, list) in
        [("mental_model", &lesson.mental_model_diagrams), ("under_the_hood", &lesson.under_the_hood_diagrams)]
    {
        for (i, d) in list {
            nonblank(diags, file, &d.art, p(&format!("{section}.diagrams[{i}].art")));
        }
    }

    // The visual breakdown: sample, table and tracker name the scenario that reproduces them.
    if let Some(sample) = &lesson.sample {
        check_code(diags, file, &sample.code, "execution_sample.code");
        refs.scenario(diags, file, &sample.lab_scenario, &p("execution_sample.lab_scenario"));
    }
    let mut steps = HashSet::new();
    if let Some(table) = &lesson.table {
        if let Some(scenario) =
            refs.scenario(diags, file, &table.lab_scenario, &p("execution_table.lab_scenario"))
        {
            let requests: Vec<&str> = scenario.requests.iter().map(|r| r.id.as_str()).collect();
            for (i, row) in table.rows.iter().enumerate() {
                if !requests.contains(&row.request.as_str()) {
                    diags.error(
                        file,
                        &p(&format!("execution_table.rows[{i}].request")),
                        At::Value,
                        format!(
                            "request `{}` is not one of scenario `{}`'s requests ({})",
                            row.request,
                            scenario.id,
                            requests.join(", ")
                        ),
                    );
                }
            }
        }
        for (i, row) in table.rows.iter().enumerate() {
            if !steps.insert(row.step) {
                diags.error(
                    file,
                    &p(&format!("execution_table.rows[{i}].step")),
                    At::Value,
                    format!("step {} appears twice in the table", row.step),
                );
            }
        }
        for (i, moment) in &lesson.moments {
            for (j, step) in moment.table_steps.iter().enumerate() {
                if !steps.contains(step) {
                    diags.error(
                        file,
                        &p(&format!("key_moments[{i}].table_steps[{j}]")),
                        At::Value,
                        format!("the execution table has no step {step}"),
                    );
                }
            }
        }
    }
    if let Some(tracker) = &lesson.tracker {
        refs.scenario(diags, file, &tracker.lab_scenario, &p("variable_tracker.lab_scenario"));
        if tracker.columns.is_empty() {
            diags.error(
                file,
                &p("variable_tracker.columns"),
                At::Value,
                "the tracker needs at least one column",
            );
        }
        for (i, var) in tracker.variables.iter().enumerate() {
            if var.values.len() != tracker.columns.len() {
                diags.error(
                    file,
                    &p(&format!("variable_tracker.variables[{i}].values")),
                    At::Value,
                    format!(
                        "`{}` has {} value(s) but the tracker has {} column(s): one value per column",
                        var.name,
                        var.values.len(),
                        tracker.columns.len()
                    ),
                );
            }
        }
    }

    for (i, scenario) in &lesson.scenarios {
        check_scenario(diags, file, scenario, &format!("lab_scenarios[{i}]"));
    }
}

fn format_version(diags: &mut Diags, file: &FileCtx, version: u32) {
    if version != FORMAT_VERSION {
        diags.error(
            file,
            &p("format_version"),
            At::Value,
            format!(
                "format_version {version} is not supported: this build reads format_version {FORMAT_VERSION}"
            ),
        );
    }
}

fn check_code(diags: &mut Diags, file: &FileCtx, code: &Code, base: &str) {
    nonblank(diags, file, &code.source, p(&format!("{base}.source")));
    // A learner who copies a runnable sample must know what to install, set and type.
    if code.runnable && code.language == "python" {
        match &code.requires {
            None => diags.error(
                file,
                &p(&format!("{base}.runnable")),
                At::Value,
                "a runnable Python sample needs `requires:` (packages with versions, env, run) so a learner can run it",
            ),
            Some(req) if req.packages.iter().any(|pkg| !pkg.contains("==")) => diags.error(
                file,
                &p(&format!("{base}.requires.packages")),
                At::Value,
                "pin every package to a version, e.g. `fastapi==0.165.0`",
            ),
            Some(_) => {}
        }
    }
    if let Some(range) = &code.fastapi
        && let Err(message) = VersionRange::parse(range)
    {
        diags.error(file, &p(&format!("{base}.fastapi")), At::Value, message);
    }
}

fn check_scenario(diags: &mut Diags, file: &FileCtx, scenario: &LabScenario, base: &str) {
    nonblank(diags, file, &scenario.title, p(&format!("{base}.title")));
    if let Some(cors) = &scenario.cors
        && !CORS_MODES.contains(&cors.as_str())
    {
        diags.error(
            file,
            &p(&format!("{base}.cors")),
            At::Value,
            format!("unknown CORS mode `{cors}`: expected one of `off`, `wildcard`, `trusted`"),
        );
    }
    if scenario.requests.is_empty() {
        diags.error(
            file,
            &p(&format!("{base}.requests")),
            At::Value,
            "a scenario needs at least one request",
        );
    }
    unique_ids(
        diags,
        file,
        "request",
        scenario
            .requests
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), p(&format!("{base}.requests[{i}].id")))),
    );
    for (i, request) in scenario.requests.iter().enumerate() {
        check_request(diags, file, request, &format!("{base}.requests[{i}]"));
    }
}

fn check_request(diags: &mut Diags, file: &FileCtx, request: &LabRequest, base: &str) {
    if !METHODS.contains(&request.method.as_str()) {
        let upper = request.method.to_ascii_uppercase();
        let hint = if METHODS.contains(&upper.as_str()) {
            format!("; write it in capitals: `{upper}`")
        } else {
            String::new()
        };
        diags.error(
            file,
            &p(&format!("{base}.method")),
            At::Value,
            format!("unknown HTTP method `{}`: expected one of {}{hint}", request.method, METHODS.join(", ")),
        );
    }
    if !request.path.starts_with('/') || request.path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        diags.error(
            file,
            &p(&format!("{base}.path")),
            At::Value,
            format!(
                "`{}` is not a request target: it starts with `/` and has no spaces (encode them as %20)",
                request.path
            ),
        );
    }
    for (i, header) in request.headers.iter().enumerate() {
        if let Some(problem) = header_problem(header) {
            diags.error(file, &p(&format!("{base}.headers[{i}]")), At::Value, problem);
        }
    }
    if let Some(credential) = &request.credential
        && !CREDENTIAL_PRESETS.contains(&credential.as_str())
    {
        let hint = super::suggest::did_you_mean(credential, CREDENTIAL_PRESETS).map_or_else(
            || format!("; the presets are {}", CREDENTIAL_PRESETS.join(", ")),
            |s| format!("; did you mean `{s}`?"),
        );
        diags.error(
            file,
            &p(&format!("{base}.credential")),
            At::Value,
            format!("unknown credential preset `{credential}`{hint}"),
        );
    }
    if request.expect.is_empty() {
        diags.error(
            file,
            &p(&format!("{base}.expect")),
            At::Value,
            "say what FastAPI answers: at least one `expect` entry",
        );
    }
    for (i, expect) in request.expect.iter().enumerate() {
        if !(100..=599).contains(&expect.status) {
            diags.error(
                file,
                &p(&format!("{base}.expect[{i}].status")),
                At::Value,
                format!("{} is not an HTTP status (100 to 599)", expect.status),
            );
        }
        if let Some(range) = &expect.fastapi
            && let Err(message) = VersionRange::parse(range)
        {
            diags.error(file, &p(&format!("{base}.expect[{i}].fastapi")), At::Value, message);
        }
        for (j, header) in expect.headers.iter().enumerate() {
            if let Some(problem) = header_problem(header) {
                diags.error(file, &p(&format!("{base}.expect[{i}].headers[{j}]")), At::Value, problem);
            }
        }
    }
}

/// `Name: value`: a token name (RFC 9110), a colon, a value without line breaks (may be empty,
/// the lab sends empty headers on purpose).
#[must_use]
pub fn header_problem(header: &str) -> Option<String> {
    let Some((name, value)) = header.split_once(':') else {
        return Some(format!("header `{header}` is not `Name: value`"));
    };
    let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(tchar) {
        return Some(format!(
            "header name `{name}` is not valid: letters, digits and `-`, no spaces before the colon"
        ));
    }
    if value.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
        return Some(format!("header `{name}` has a line break or NUL in its value"));
    }
    None
}

fn check_quiz(file: &FileCtx, quiz: &QuizParts, lessons: &HashSet<&str>, refs: &Refs<'_>, diags: &mut Diags) {
    if let Some(version) = quiz.format_version {
        format_version(diags, file, version);
    }
    if let Some(title) = &quiz.title {
        nonblank(diags, file, title, p("title"));
    }
    if let Some(lesson) = &quiz.lesson
        && !lessons.contains(lesson.as_str())
        && !refs.known.lesson_unreadable
        && !refs.known.lessons.contains(lesson)
    {
        let hint = super::suggest::did_you_mean(lesson, lessons.iter().copied())
            .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
        diags.error(file, &p("lesson"), At::Value, format!("lesson `{lesson}` does not exist{hint}"));
    }
    if quiz.question_count == Some(0) {
        diags.error(file, &p("questions"), At::Value, "a quiz needs at least one question");
    }
    unique_ids(
        diags,
        file,
        "question",
        quiz.question_ids.iter().map(|(i, id)| (id.as_str(), p(&format!("questions[{i}].id")))),
    );
    for (i, question) in &quiz.questions {
        check_question(diags, file, question, &format!("questions[{i}]"), refs);
    }
    fairness(diags, file, &quiz.questions);
}

/// A learner who knows nothing should not beat chance by picking the longest choice or one
/// position. Choices are shuffled per attempt, but the stored order is what handouts and
/// `--choices-in-order` show, so both cues are checked.
fn fairness(diags: &mut Diags, file: &FileCtx, questions: &[(usize, Question)]) {
    // Too few questions to call anything a pattern.
    if questions.len() < 4 {
        return;
    }
    let mut longest = Vec::new();
    let mut positions: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, q) in questions {
        let Some(right) = q.choices.iter().position(|c| c.id == q.answer) else { continue };
        let len = |c: &Choice| c.text.chars().count();
        let right_len = len(&q.choices[right]);
        if q.choices.iter().enumerate().all(|(j, c)| j == right || len(c) < right_len) {
            longest.push(*i);
        }
        positions.entry(right).or_default().push(*i);
    }
    let n = questions.len();
    // A fair share is 1/k for k choices; half of all questions is far past it for k >= 3.
    if longest.len() * 2 > n {
        let first = longest[0];
        diags.warning(
            file,
            &p(&format!("questions[{first}].answer")),
            At::Value,
            format!(
                "the right choice is the longest in {} of {n} questions: a learner can guess by length; lengthen some distractors or shorten the answers",
                longest.len()
            ),
        );
    }
    if let Some((pos, at)) = positions.iter().max_by_key(|(_, v)| v.len())
        && at.len() * 2 > n
    {
        diags.warning(
            file,
            &p(&format!("questions[{}].answer", at[0])),
            At::Value,
            format!(
                "the right choice is in position {} in {} of {n} questions: spread the answers over the positions",
                pos + 1,
                at.len()
            ),
        );
    }
}

/// Choices are shown as letters a–z.
pub const MAX_CHOICES: usize = 26;

fn check_question(diags: &mut Diags, file: &FileCtx, q: &Question, base: &str, refs: &Refs<'_>) {
    let at = |field: &str| p(&format!("{base}.{field}"));
    if q.choices.len() > MAX_CHOICES {
        diags.error(
            file,
            &at("choices"),
            At::Value,
            format!(
                "a question may have at most {MAX_CHOICES} choices (shown as a–z); it has {}",
                q.choices.len()
            ),
        );
    }
    if q.choices.len() < 2 {
        diags.error(
            file,
            &at("choices"),
            At::Value,
            format!("a question needs at least two choices (it has {})", q.choices.len()),
        );
    }
    unique_ids(
        diags,
        file,
        "choice",
        q.choices.iter().enumerate().map(|(i, c)| (c.id.as_str(), at(&format!("choices[{i}].id")))),
    );
    let ids: Vec<&str> = q.choices.iter().map(|c| c.id.as_str()).collect();
    if !ids.contains(&q.answer.as_str()) {
        diags.error(
            file,
            &at("answer"),
            At::Value,
            format!("answer `{}` is not one of the choices ({})", q.answer, ids.join(", ")),
        );
    }
    for (i, choice) in q.choices.iter().enumerate() {
        nonblank(diags, file, &choice.text, at(&format!("choices[{i}].text")));
        let right = choice.id == q.answer;
        match (&choice.mistake, right) {
            (None, false) => diags.error(
                file,
                &at(&format!("choices[{i}]")),
                At::Value,
                format!(
                    "wrong choice `{}` needs a `mistake`: why a learner picks it and why it is wrong",
                    choice.id
                ),
            ),
            (Some(_), true) => diags.error(
                file,
                &at(&format!("choices[{i}].mistake")),
                At::Key,
                format!("choice `{}` is the answer, so it has no `mistake`", choice.id),
            ),
            _ => {}
        }
    }
    match q.hints.len() {
        0 => diags.error(file, &at("hints"), At::Value, "a question needs at least one hint"),
        1 => diags.warning(
            file,
            &at("hints"),
            At::Value,
            "one hint: a ladder of two or more (gentle, then pointed) helps more",
        ),
        _ => {}
    }
    for (i, hint) in q.hints.iter().enumerate() {
        nonblank(diags, file, hint, at(&format!("hints[{i}]")));
    }
    if q.solution.is_empty() {
        diags.error(file, &at("solution"), At::Value, "the worked solution needs at least one step");
    }
    nonblank(diags, file, &q.quick_check, at("quick_check"));
    for (i, tag) in q.tags.iter().enumerate() {
        if let Some(problem) = id_problem(tag) {
            diags.error(file, &at(&format!("tags[{i}]")), At::Value, problem.replacen("id", "tag", 1));
        }
    }
    if let Some(code) = &q.code {
        check_code(diags, file, code, &format!("{base}.code"));
    }
    if let Some(id) = &q.lab_scenario {
        refs.scenario(diags, file, id, &at("lab_scenario"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Source, load};
    use std::path::Path;

    const LESSON: &str = "lessons/demo-lesson/lesson.yaml";
    const QUIZ: &str = "quizzes/demo-quiz.yaml";

    /// Checks a copy of the valid fixture with `from` replaced by `to` in `file`; returns every
    /// error and warning as printed.
    fn check_with(file: &str, from: &str, to: &str) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid");
        let dir = tempfile::tempdir().unwrap();
        for rel in [LESSON, QUIZ, "lessons/demo-lesson/expiry.md"] {
            let target = dir.path().join(rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            let mut text = std::fs::read_to_string(root.join(rel)).unwrap();
            if rel == file {
                assert!(text.contains(from), "{rel} lacks {from:?}");
                text = text.replacen(from, to, 1);
            }
            std::fs::write(target, text).unwrap();
        }
        let report = load::check_all(&[Source::Dir(dir.path().to_path_buf())]);
        let mut out: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
        out.extend(report.warnings.iter().map(ContentError::as_warning));
        out
    }

    use crate::content::ContentError;

    #[test]
    fn the_fixture_is_clean() {
        assert_eq!(check_with(QUIZ, "", ""), Vec::<String>::new());
    }

    #[test]
    fn every_semantic_check_reports_at_its_position() {
        const QUESTION: &str = "  - id: status-401\n    difficulty: easy\n";
        let second_question = "  - id: status-401\n    difficulty: hard\n    stem: s\n    choices: [{id: a, text: x}, {id: b, text: y, mistake: z}]\n    answer: a\n    hints: [h, i]\n    solution: [s]\n    final_answer: a\n    quick_check: q\n";
        let cases: Vec<(&str, &str, String, &str)> = vec![
            (QUIZ, "format_version: 1", "format_version: 3".into(), "quizzes/demo-quiz.yaml:1:17: error: format_version 3 is not supported"),
            (QUIZ, QUESTION, format!("{second_question}{QUESTION}"), "quizzes/demo-quiz.yaml:16:9: error: duplicate question id `status-401` (first at line 7, column 9)"),
            (QUIZ, "questions:\n", "questions: []\nx:\n".into(), "quizzes/demo-quiz.yaml:6:12: error: a quiz needs at least one question"),
            (LESSON, "      - id: missing", "      - id: good".into(), "lessons/demo-lesson/lesson.yaml:116:13: error: duplicate request id `good` (first at line 109, column 13)"),
            (LESSON, "key_takeaways:", "  - {id: hard-coded-secret, title: t, wrong: {source: a}, correct: {source: b}, root_cause: r}\nkey_takeaways:".into(), "lessons/demo-lesson/lesson.yaml:68:10: error: duplicate pitfall id `hard-coded-secret` (first at line 63, column 9)"),
            (LESSON, "      options: [\"200\", \"401\"]\n      best: 1", "      options: [\"401\"]".into(), "lessons/demo-lesson/lesson.yaml:28:16: error: a prediction with options needs at least two"),
            (LESSON, "      options: [\"200\", \"401\"]\n", "".into(), "lessons/demo-lesson/lesson.yaml:28:13: error: `best` is set but there are no `options`"),
            (LESSON, "      best: 1\n", "".into(), "lessons/demo-lesson/lesson.yaml:28:7: warning: options without `best`"),
            (LESSON, "{step: 2,", "{step: 1,".into(), "lessons/demo-lesson/lesson.yaml:90:14: error: step 1 appears twice in the table"),
            (LESSON, "columns: [Start, After 1, After 2]", "columns: []".into(), "lessons/demo-lesson/lesson.yaml:94:12: error: the tracker needs at least one column"),
            (LESSON, "        path: /items/\n        headers", "        path: items now\n        headers".into(), "lessons/demo-lesson/lesson.yaml:112:15: error: `items now` is not a request target"),
            (LESSON, "          - {status: 200}", "          - {status: 999}".into(), "lessons/demo-lesson/lesson.yaml:115:22: error: 999 is not an HTTP status (100 to 599)"),
            (LESSON, "          - {status: 200}", "          - {status: 200, headers: [\"Bad Name: x\"]}".into(), "lessons/demo-lesson/lesson.yaml:115:37: error: header name `Bad Name` is not valid"),
            (LESSON, "        expect:\n          - {status: 200}", "        expect: []".into(), "lessons/demo-lesson/lesson.yaml:114:17: error: say what FastAPI answers"),
            (LESSON, "  lab_scenario: token-check\n  rows:", "  lab_scenario: token-check-2\n  rows:".into(), "lessons/demo-lesson/lesson.yaml:87:17: error: lab scenario `token-check-2` is not defined"),
            (LESSON, "lab_scenarios:\n", "lab_scenarios:\n  - id: empty-one\n    title: Nothing\n    requests: []\n".into(), "lessons/demo-lesson/lesson.yaml:107:15: error: a scenario needs at least one request"),
            (LESSON, "  - Check every request.", "  - \"\"".into(), "lessons/demo-lesson/lesson.yaml:69:5: error: key_takeaways[0]: the text is empty"),
        ];
        let mut failures = Vec::new();
        for (file, from, to, want) in &cases {
            let got = check_with(file, from, to);
            if !got.iter().any(|g| g.starts_with(want)) {
                failures.push(format!("want {want}\ngot  {got:#?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn ids_are_lower_case_words() {
        for good in ["why-api-security", "q1", "a", "jwt-alg-none-2"] {
            assert_eq!(id_problem(good), None, "{good}");
        }
        for bad in ["", "Why", "two words", "trailing-", "-lead", "under_score", "é", &"x".repeat(65)] {
            assert!(id_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn headers_are_name_colon_value() {
        assert_eq!(header_problem("Authorization: Bearer securetoken"), None);
        assert_eq!(header_problem("Authorization:"), None, "empty values are sent on purpose");
        assert_eq!(header_problem("X-API-Key: "), None);
        assert!(header_problem("Authorization Bearer x").unwrap().contains("not `Name: value`"));
        assert!(header_problem("Bad Name: x").unwrap().contains("not valid"));
        assert!(header_problem(": x").unwrap().contains("not valid"));
        assert!(header_problem("X: a\r\nInjected: b").unwrap().contains("line break"));
    }
}
