//! The content model: what an instructor writes in `lessons/*/lesson.yaml` and `quizzes/*.yaml`.
//!
//! Every struct denies unknown fields so a misspelt key is an error (with a "did you mean"), never
//! silently ignored. Long prose is a [`Md`]: inline Markdown, or `{ file: name.md }` next to the YAML.
//! The model holds every element of both seed documents; `outline` names them by [`SectionKind`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The content format this build reads. Bump it when a change is not backwards compatible.
pub const FORMAT_VERSION: u32 = 1;

/// Markdown prose: written inline, or kept in a file beside the YAML that references it.
///
/// After a successful load every `File` has been replaced by `Inline` with the file's text, so
/// consumers only call [`Md::as_str`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Md {
    Inline(String),
    File {
        /// Path of a Markdown file, relative to the YAML file that references it.
        file: String,
    },
}

impl Md {
    /// The Markdown text; empty for a file reference the loader has not resolved.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Md::Inline(text) => text,
            Md::File { .. } => "",
        }
    }
}

impl Md {
    /// Nothing written (an unresolved file reference counts as written).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self, Md::Inline(text) if text.trim().is_empty())
    }
}

impl Default for Md {
    fn default() -> Self {
        Md::Inline(String::new())
    }
}

/// A block of source code shown verbatim with syntax colouring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// `python`, `json`, `http`, `bash`, `text`…
    #[serde(default = "default_language")]
    pub language: String,
    pub source: String,
    /// True when the block is complete, runnable code (tests compile every runnable Python block).
    #[serde(default)]
    pub runnable: bool,
    /// The FastAPI versions the code is written for, e.g. `">=0.122.0"`; absent means all supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastapi: Option<String>,
    /// What a runnable sample needs to run; `check` requires it on every runnable Python block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Requirements>,
}

/// What a learner installs and sets before running a sample, and the command that starts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// Packages with pinned versions, as `pip install` takes them, e.g. `fastapi==0.165.0`.
    pub packages: Vec<String>,
    /// Environment variables the code reads, with an example value or how to make one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// The command that starts it, e.g. `uvicorn main:app --host 127.0.0.1` (the sample saved as main.py).
    pub run: String,
}

/// One environment variable a sample reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    /// An example value (used by the sample test), or a command that makes one.
    pub example: String,
}

fn default_language() -> String {
    "python".to_owned()
}

/// An ASCII diagram, kept exactly as written (never wrapped or reflowed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagram {
    pub title: String,
    pub art: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<Md>,
}

// ---------------------------------------------------------------------------------------------
// Lessons
// ---------------------------------------------------------------------------------------------

/// One lesson: `lessons/<id>/lesson.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub format_version: u32,
    /// Unique across all content; lower-case words joined by `-`.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Position in the lesson list (1 first); lessons without it follow, by folder name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// Estimated minutes for the whole lesson.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// The learning modes the interface offers for this lesson, in menu order.
    #[serde(default)]
    pub modes: Vec<LearningMode>,
    pub overview: Overview,
    // Everything below is optional: a short lesson is a title, an overview and at least one of
    // build-up steps, lab scenarios or a quiz. Readers skip what a lesson leaves out.
    #[serde(default, skip_serializing_if = "MentalModel::is_empty")]
    pub mental_model: MentalModel,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub build_up: Vec<BuildUpStep>,
    #[serde(default, skip_serializing_if = "UnderTheHood::is_empty")]
    pub under_the_hood: UnderTheHood,
    #[serde(default, skip_serializing_if = "Md::is_empty")]
    pub why_designed: Md,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub myth_busters: Vec<Myth>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expert_zone: Vec<ExpertPoint>,
    #[serde(default, skip_serializing_if = "Md::is_empty")]
    pub when_not_to_use: Md,
    #[serde(default, skip_serializing_if = "Md::is_empty")]
    pub production_patterns: Md,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<Connection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pitfalls: Vec<Pitfall>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_takeaways: Vec<String>,
    #[serde(default, skip_serializing_if = "ConceptFlow::is_empty")]
    pub concept_flow: ConceptFlow,
    #[serde(default, skip_serializing_if = "ExecutionSample::is_empty")]
    pub execution_sample: ExecutionSample,
    #[serde(default, skip_serializing_if = "ExecutionTable::is_empty")]
    pub execution_table: ExecutionTable,
    #[serde(default, skip_serializing_if = "VariableTracker::is_empty")]
    pub variable_tracker: VariableTracker,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_moments: Vec<KeyMoment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concept_snapshot: Vec<String>,
    #[serde(default, skip_serializing_if = "Md::is_empty")]
    pub transcript: Md,
    /// Requests the live lab can send, named by sections and quiz questions.
    #[serde(default)]
    pub lab_scenarios: Vec<LabScenario>,
    /// The FastAPI programs this lesson's lab serves (see `docs/LAB-APPS.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lab_apps: Vec<super::lab_app::LabApp>,
}

/// A learning mode offered on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LearningMode {
    pub id: String,
    pub title: String,
    /// One or two sentences: what the learner sees in this mode.
    pub description: String,
    /// The view the mode opens.
    pub opens: ModeTarget,
}

/// Where a learning mode takes the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModeTarget {
    /// Every section in order, predictions and myths included.
    GuidedWalkthrough,
    /// Concept flow, execution sample, table, tracker, key moments, snapshot.
    VisualBreakdown,
    BuildUp,
    MythBusters,
    Pitfalls,
    LiveLab,
    VisualQuiz,
    Practice,
    ReviewMissed,
    CheatSheet,
    Transcript,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    pub what: Md,
    pub why_it_matters: Md,
    pub where_it_fits: Md,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MentalModel {
    pub core_idea: Md,
    pub analogy: Md,
    #[serde(default)]
    pub diagrams: Vec<Diagram>,
}

impl MentalModel {
    /// Left out of the lesson (the default).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.core_idea.is_empty() && self.analogy.is_empty() && self.diagrams.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Foundation,
    Intermediate,
    Advanced,
    Expert,
}

impl Level {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Level::Foundation => "Foundation",
            Level::Intermediate => "Intermediate",
            Level::Advanced => "Advanced",
            Level::Expert => "Expert",
        }
    }
}

/// One build-up step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildUpStep {
    pub level: Level,
    pub title: String,
    /// The concept in one sentence.
    pub concept: Md,
    pub body: Md,
    /// What the learner can do or knows after the step.
    pub result: Md,
    /// Why it matters (the seed's closing insight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight: Option<Md>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// "Predict before reading on": the learner commits before the reveal is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predict: Option<Prediction>,
}

/// A "predict before reading on" prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    pub prompt: String,
    /// Options to pick from; without options the learner types a short answer.
    #[serde(default)]
    pub options: Vec<String>,
    /// Index (0-based) of the best option, when there are options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<usize>,
    pub reveal: Md,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnderTheHood {
    pub body: Md,
    #[serde(default)]
    pub diagrams: Vec<Diagram>,
}

impl UnderTheHood {
    /// Left out of the lesson (the default).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.body.is_empty() && self.diagrams.is_empty()
    }
}

/// A myth buster: the learner commits true/false to the belief before the reality is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Myth {
    pub id: String,
    /// The quick question put to the learner ("Do you think…?").
    pub question: String,
    /// The common belief, stated as the learner might hold it.
    pub belief: String,
    /// Whether the belief is true (for every shipped myth: false).
    #[serde(default)]
    pub belief_is_true: bool,
    pub reality: Md,
    pub why_it_matters: Md,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab_scenario: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpertPoint {
    pub title: String,
    pub body: Md,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub topic: String,
    pub relation: Md,
    pub insight: Md,
}

/// A pitfall: the wrong code, the corrected code, and why people write the wrong one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pitfall {
    pub id: String,
    pub title: String,
    pub wrong: Code,
    pub correct: Code,
    pub root_cause: Md,
    /// The lab comparison that shows the difference live (vulnerable vs fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab_scenario: Option<String>,
}

/// The stages a request walks, in order; `trace_stage` ties a stage to the lab's trace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConceptFlow {
    pub summary: Md,
    pub stages: Vec<FlowStage>,
}

impl ConceptFlow {
    /// Left out of the lesson (the default).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowStage {
    pub id: String,
    pub title: String,
    pub detail: Md,
    /// The lab trace stage this flow stage shows, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_stage: Option<TraceStage>,
}

/// The stages of the demo API's trace (the lab module emits these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TraceStage {
    Send,
    Receive,
    Authenticate,
    Authorize,
    Process,
    Respond,
}

impl TraceStage {
    /// Its name in content and in the trace's JSON (the serde name).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TraceStage::Send => "send",
            TraceStage::Receive => "receive",
            TraceStage::Authenticate => "authenticate",
            TraceStage::Authorize => "authorize",
            TraceStage::Process => "process",
            TraceStage::Respond => "respond",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutionSample {
    pub title: String,
    pub code: Code,
    pub explanation: Md,
    /// The lab scenario that runs this sample live.
    pub lab_scenario: String,
}

impl ExecutionSample {
    /// Left out of the lesson (the default).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.code.source.is_empty()
    }
}

/// The seed's execution table: one row per request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutionTable {
    pub lab_scenario: String,
    pub rows: Vec<ExecutionRow>,
    /// When execution stops.
    pub exit_note: Md,
    /// Where real FastAPI differs from the picture, version by version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastapi_notes: Option<Md>,
}

impl ExecutionTable {
    /// Left out of the lesson (the default).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutionRow {
    pub step: u32,
    pub action: String,
    pub token: String,
    pub check: String,
    pub response: String,
    /// The request of the table's scenario that reproduces this row (its `id`).
    pub request: String,
}

/// The seed's variable tracker: one row per variable, one column per point in time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableTracker {
    pub lab_scenario: String,
    /// Column headings, e.g. `Start`, `After step 1`…
    pub columns: Vec<String>,
    pub variables: Vec<TrackedVariable>,
}

impl VariableTracker {
    /// Left out of the lesson (the default).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackedVariable {
    pub name: String,
    /// One value per column.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyMoment {
    pub question: String,
    pub answer: Md,
    /// Steps of the execution table this moment refers to.
    #[serde(default)]
    pub table_steps: Vec<u32>,
}

// ---------------------------------------------------------------------------------------------
// Lab scenarios: named requests the lab sends, with what real FastAPI answers
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabScenario {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Md>,
    /// CORS mode of the all-in-one demo API for this scenario: `off` (default), `wildcard` or
    /// `trusted`. Ignored when `app` names a lab app (its own `cors:` applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<String>,
    /// The lab app (an `id` under some lesson's `lab_apps:`) that answers; absent: the
    /// all-in-one demo API (every app marked `in_demo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Send to the app's vulnerable twin instead of the fixed app.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub vulnerable: bool,
    pub requests: Vec<LabRequest>,
}

/// One request of a scenario, and what real FastAPI answers to it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabRequest {
    pub id: String,
    pub label: String,
    #[serde(default = "default_method")]
    pub method: String,
    pub path: String,
    /// Headers as written on the wire, `"Name: value"`, sent in this order.
    #[serde(default)]
    pub headers: Vec<String>,
    /// A form body (`application/x-www-form-urlencoded`) as sent, e.g. `username=johndoe&password=secret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// A credential the lab makes at run time (e.g. `fresh-jwt`, `expired-jwt`); it fills the
    /// `Authorization` header as `Bearer <token>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// Remember values of this answer for later requests of the scenario: `name: body.field`
    /// (a top-level field of the JSON body). A later request writes `{{name}}` in its path,
    /// headers or form to use it, e.g. `Authorization: Bearer {{alice_token}}`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub capture: std::collections::BTreeMap<String, String>,
    /// What real FastAPI answers, per version range (checked against the recorded fixtures).
    pub expect: Vec<Expectation>,
}

fn default_method() -> String {
    "GET".to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Version range this answer holds for, e.g. `">=0.122.0"` or `"<0.122.0"`; absent: every version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastapi: Option<String>,
    pub status: u16,
    /// The `detail` of the JSON body, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The `WWW-Authenticate` header; `""` states that it must be absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub www_authenticate: Option<String>,
    /// The trace stage where the request stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<TraceStage>,
    /// Other response headers the answer must carry, `"Name: value"` (name case-insensitive), e.g.
    /// `"Access-Control-Allow-Origin: https://evil.example"`; `"Name:"` with nothing after the colon
    /// states that the header must be absent. For facts that live in headers, such as CORS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Quizzes
// ---------------------------------------------------------------------------------------------

/// A quiz: `quizzes/<id>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub format_version: u32,
    pub id: String,
    pub title: String,
    pub kind: QuizKind,
    /// The lesson this quiz belongs to.
    pub lesson: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Md>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuizKind {
    /// Questions about the execution table, shown beside it.
    Visual,
    /// Practice by difficulty.
    Practice,
}

impl QuizKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            QuizKind::Visual => "visual",
            QuizKind::Practice => "practice",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique within its quiz.
    pub id: String,
    pub difficulty: Difficulty,
    #[serde(default)]
    pub tags: Vec<String>,
    pub stem: Md,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    pub choices: Vec<Choice>,
    /// The `id` of the correct choice.
    pub answer: String,
    /// Hints from gentle to pointed, revealed one at a time.
    pub hints: Vec<String>,
    /// Worked solution, one entry per step.
    pub solution: Vec<Md>,
    pub final_answer: Md,
    pub quick_check: String,
    /// A lab scenario that proves the answer ("prove it in the lab").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab_scenario: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Short id, conventionally `a`–`d`; shown letters follow the (shuffled) display order.
    pub id: String,
    pub text: String,
    /// For a wrong choice: why a learner picks it, and why it is wrong. Required on wrong choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mistake: Option<Md>,
}

// ---------------------------------------------------------------------------------------------
// Section kinds, as `outline` names them
// ---------------------------------------------------------------------------------------------

/// The seed elements a lesson is made of, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Overview,
    MentalModel,
    BuildUp,
    UnderTheHood,
    WhyDesigned,
    MythBusters,
    ExpertZone,
    WhenNotToUse,
    ProductionPatterns,
    Connections,
    Pitfalls,
    KeyTakeaways,
    ConceptFlow,
    ExecutionSample,
    ExecutionTable,
    VariableTracker,
    KeyMoments,
    ConceptSnapshot,
    Transcript,
}

impl SectionKind {
    pub const ALL: [SectionKind; 19] = [
        SectionKind::Overview,
        SectionKind::MentalModel,
        SectionKind::BuildUp,
        SectionKind::UnderTheHood,
        SectionKind::WhyDesigned,
        SectionKind::MythBusters,
        SectionKind::ExpertZone,
        SectionKind::WhenNotToUse,
        SectionKind::ProductionPatterns,
        SectionKind::Connections,
        SectionKind::Pitfalls,
        SectionKind::KeyTakeaways,
        SectionKind::ConceptFlow,
        SectionKind::ExecutionSample,
        SectionKind::ExecutionTable,
        SectionKind::VariableTracker,
        SectionKind::KeyMoments,
        SectionKind::ConceptSnapshot,
        SectionKind::Transcript,
    ];

    /// The snake_case name used by `outline --json` and `--section`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Overview => "overview",
            SectionKind::MentalModel => "mental_model",
            SectionKind::BuildUp => "build_up",
            SectionKind::UnderTheHood => "under_the_hood",
            SectionKind::WhyDesigned => "why_designed",
            SectionKind::MythBusters => "myth_busters",
            SectionKind::ExpertZone => "expert_zone",
            SectionKind::WhenNotToUse => "when_not_to_use",
            SectionKind::ProductionPatterns => "production_patterns",
            SectionKind::Connections => "connections",
            SectionKind::Pitfalls => "pitfalls",
            SectionKind::KeyTakeaways => "key_takeaways",
            SectionKind::ConceptFlow => "concept_flow",
            SectionKind::ExecutionSample => "execution_sample",
            SectionKind::ExecutionTable => "execution_table",
            SectionKind::VariableTracker => "variable_tracker",
            SectionKind::KeyMoments => "key_moments",
            SectionKind::ConceptSnapshot => "concept_snapshot",
            SectionKind::Transcript => "transcript",
        }
    }

    /// The heading shown to learners.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            SectionKind::Overview => "Overview",
            SectionKind::MentalModel => "Mental model",
            SectionKind::BuildUp => "Build-up steps",
            SectionKind::UnderTheHood => "Under the hood",
            SectionKind::WhyDesigned => "Why it was designed this way",
            SectionKind::MythBusters => "Myth busters",
            SectionKind::ExpertZone => "Expert zone",
            SectionKind::WhenNotToUse => "When not to use",
            SectionKind::ProductionPatterns => "Production patterns",
            SectionKind::Connections => "Connections",
            SectionKind::Pitfalls => "Pitfalls",
            SectionKind::KeyTakeaways => "Key takeaways",
            SectionKind::ConceptFlow => "Concept flow",
            SectionKind::ExecutionSample => "Execution sample",
            SectionKind::ExecutionTable => "Execution table",
            SectionKind::VariableTracker => "Variable tracker",
            SectionKind::KeyMoments => "Key moments",
            SectionKind::ConceptSnapshot => "Concept snapshot",
            SectionKind::Transcript => "Full transcript",
        }
    }

    #[must_use]
    pub fn parse(name: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl Lesson {
    /// How many entries a section has (steps, myths, rows…); 1 for a single block of prose.
    #[must_use]
    pub fn items(&self, kind: SectionKind) -> usize {
        match kind {
            SectionKind::Overview => 3,
            SectionKind::MentalModel if self.mental_model.is_empty() => 0,
            SectionKind::MentalModel => 2 + self.mental_model.diagrams.len(),
            SectionKind::BuildUp => self.build_up.len(),
            SectionKind::UnderTheHood if self.under_the_hood.is_empty() => 0,
            SectionKind::UnderTheHood => 1 + self.under_the_hood.diagrams.len(),
            SectionKind::MythBusters => self.myth_busters.len(),
            SectionKind::ExpertZone => self.expert_zone.len(),
            SectionKind::Connections => self.connections.len(),
            SectionKind::Pitfalls => self.pitfalls.len(),
            SectionKind::KeyTakeaways => self.key_takeaways.len(),
            SectionKind::ConceptFlow => self.concept_flow.stages.len(),
            SectionKind::ExecutionTable => self.execution_table.rows.len(),
            SectionKind::VariableTracker => self.variable_tracker.variables.len(),
            SectionKind::KeyMoments => self.key_moments.len(),
            SectionKind::ConceptSnapshot => self.concept_snapshot.len(),
            SectionKind::WhyDesigned => usize::from(!self.why_designed.is_empty()),
            SectionKind::WhenNotToUse => usize::from(!self.when_not_to_use.is_empty()),
            SectionKind::ProductionPatterns => usize::from(!self.production_patterns.is_empty()),
            SectionKind::ExecutionSample => usize::from(!self.execution_sample.is_empty()),
            SectionKind::Transcript => usize::from(!self.transcript.is_empty()),
        }
    }

    /// Predict-before-reveal prompts in a section (build-up predictions, myth commits).
    #[must_use]
    pub fn predictions(&self, kind: SectionKind) -> usize {
        match kind {
            SectionKind::BuildUp => self.build_up.iter().filter(|s| s.predict.is_some()).count(),
            _ => 0,
        }
    }

    #[must_use]
    pub fn scenario(&self, id: &str) -> Option<&LabScenario> {
        self.lab_scenarios.iter().find(|s| s.id == id)
    }
}
