//! xAPI 1.0.3 statements for the learner's saved progress, for a Learning Record Store.
//!
//! Every record becomes one statement whose id is derived from the actor and the record (so an
//! export run twice, or a push retried, names the same statements and an LRS can deduplicate):
//! - a quiz answer: `answered`, with `result.success` and `result.response` (the choice id);
//! - a section read: `experienced` the section;
//! - a lab request: `attempted` the lab scenario, with the status received as the response and,
//!   when the learner predicted a status, `result.success` = the prediction was right;
//! - every section of a lesson read: `completed` the lesson;
//! - every question of a quiz answered: `passed`/`failed` the quiz (first answers, 80 % to pass).
//!
//! Activities have stable IRIs under [`ACTIVITY_BASE`]; the lesson is the parent activity.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::day::rfc3339_utc;
use super::model::{Attempt, LabRecord, Progress};
use crate::content::{Catalog, SectionKind};

/// The root of every activity IRI. `.invalid` is reserved (RFC 6761): the IRIs identify, they
/// are never fetched.
pub const ACTIVITY_BASE: &str = "https://apisec-tutor.invalid/xapi/";
pub const XAPI_VERSION: &str = "1.0.3";
/// A quiz is passed when at least this share of its first answers is right.
pub const PASS_RATIO: f64 = 0.8;

/// ADL verb IRIs (<http://adlnet.gov/expapi/verbs/>).
pub mod verbs {
    pub const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";
    pub const ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
    pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
    pub const EXPERIENCED: &str = "http://adlnet.gov/expapi/verbs/experienced";
    pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
    pub const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
}

/// ADL activity types.
mod types {
    pub const LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
    pub const MODULE: &str = "http://adlnet.gov/expapi/activities/module";
    pub const QUESTION: &str = "http://adlnet.gov/expapi/activities/cmi.interaction";
    pub const ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
    pub const SIMULATION: &str = "http://adlnet.gov/expapi/activities/simulation";
}

/// Extension keys (IRIs, as xAPI requires).
const EXT_PREDICTED: &str = "https://apisec-tutor.invalid/xapi/extensions/predicted-status";
const EXT_HINTS: &str = "https://apisec-tutor.invalid/xapi/extensions/hints-used";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XapiError {
    #[error("--actor must be mailto:NAME@HOST or account:HOMEPAGE:NAME (HOMEPAGE an http(s) URL), got `{0}`")]
    Actor(String),
}

/// Who the statements are about: an e-mail (`mbox`) or an account on a school's system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Mbox(String),
    Account { home_page: String, name: String },
}

impl Actor {
    /// Parses `mailto:x@y` or `account:HOMEPAGE:NAME` (the name is after the last `:`).
    pub fn parse(text: &str) -> Result<Actor, XapiError> {
        let bad = || XapiError::Actor(text.to_owned());
        if let Some(addr) = text.strip_prefix("mailto:") {
            let (user, host) = addr.split_once('@').ok_or_else(bad)?;
            if user.is_empty() || host.is_empty() || addr.contains(char::is_whitespace) {
                return Err(bad());
            }
            return Ok(Actor::Mbox(text.to_owned()));
        }
        if let Some(rest) = text.strip_prefix("account:") {
            let (home, name) = rest.rsplit_once(':').ok_or_else(bad)?;
            let is_url = home.starts_with("http://") || home.starts_with("https://");
            if !is_url || name.is_empty() || home.contains(char::is_whitespace) {
                return Err(bad());
            }
            return Ok(Actor::Account { home_page: home.to_owned(), name: name.to_owned() });
        }
        Err(bad())
    }

    fn to_json(&self) -> Value {
        match self {
            Actor::Mbox(mbox) => json!({"objectType": "Agent", "mbox": mbox}),
            Actor::Account { home_page, name } => {
                json!({"objectType": "Agent", "account": {"homePage": home_page, "name": name}})
            }
        }
    }

    fn key(&self) -> String {
        match self {
            Actor::Mbox(m) => m.clone(),
            Actor::Account { home_page, name } => format!("{home_page}\n{name}"),
        }
    }
}

/// What the statements need from the content: which lesson a quiz or scenario belongs to, which
/// sections a lesson has, which questions a quiz has. Empty when the content could not be loaded
/// (the statements then have no parent, and no completed/passed statements are made).
#[derive(Debug, Clone, Default)]
pub struct ContentMap {
    quiz_lesson: HashMap<String, String>,
    scenario_lesson: HashMap<String, String>,
    lesson_sections: BTreeMap<String, Vec<SectionKind>>,
    quiz_questions: BTreeMap<String, Vec<String>>,
}

impl ContentMap {
    #[must_use]
    pub fn from_catalog(catalog: &Catalog) -> ContentMap {
        let mut map = ContentMap::default();
        for lesson in &catalog.lessons {
            let sections = SectionKind::ALL.iter().copied().filter(|k| lesson.items(*k) > 0).collect();
            map.lesson_sections.insert(lesson.id.clone(), sections);
            for s in &lesson.lab_scenarios {
                map.scenario_lesson.insert(s.id.clone(), lesson.id.clone());
            }
        }
        for quiz in &catalog.quizzes {
            map.quiz_lesson.insert(quiz.id.clone(), quiz.lesson.clone());
            map.quiz_questions.insert(quiz.id.clone(), quiz.questions.iter().map(|q| q.id.clone()).collect());
        }
        map
    }
}

/// The app name and version, for `context.platform`.
#[must_use]
pub fn platform() -> String {
    format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
}

/// One path segment of an activity IRI: unreserved characters kept, everything else
/// percent-encoded, so any content id gives a valid IRI.
fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[must_use]
pub fn lesson_iri(lesson: &str) -> String {
    format!("{ACTIVITY_BASE}lesson/{}", segment(lesson))
}
#[must_use]
pub fn section_iri(lesson: &str, section: &str) -> String {
    format!("{ACTIVITY_BASE}lesson/{}/section/{}", segment(lesson), segment(section))
}
#[must_use]
pub fn quiz_iri(quiz: &str) -> String {
    format!("{ACTIVITY_BASE}quiz/{}", segment(quiz))
}
#[must_use]
pub fn question_iri(quiz: &str, question: &str) -> String {
    format!("{ACTIVITY_BASE}quiz/{}/question/{}", segment(quiz), segment(question))
}
#[must_use]
pub fn scenario_iri(scenario: Option<&str>) -> String {
    match scenario {
        Some(s) => format!("{ACTIVITY_BASE}lab/scenario/{}", segment(s)),
        // Requests typed freely in the lab, outside any scenario, share one activity.
        None => format!("{ACTIVITY_BASE}lab/free"),
    }
}

/// A UUID (RFC 9562 version 8, the name-based layout with SHA-256) from the actor and the
/// record's key: the same record always gets the same statement id.
#[must_use]
pub fn stable_uuid(actor: &Actor, record: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"apisec-tutor xapi statement\n");
    hasher.update(actor.key().as_bytes());
    hasher.update(b"\n");
    hasher.update(record.as_bytes());
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn activity(id: &str, kind: &str, name: &str) -> Value {
    json!({
        "objectType": "Activity",
        "id": id,
        "definition": {"type": kind, "name": {"en-US": name}},
    })
}

fn verb(id: &str) -> Value {
    let display = id.rsplit('/').next().unwrap_or(id);
    json!({"id": id, "display": {"en-US": display}})
}

fn context(lesson: Option<&str>, grouping: Option<Value>) -> Value {
    let mut activities = serde_json::Map::new();
    if let Some(lesson) = lesson {
        activities.insert("parent".into(), json!([{"objectType": "Activity", "id": lesson_iri(lesson)}]));
    }
    if let Some(g) = grouping {
        activities.insert("grouping".into(), json!([g]));
    }
    let mut ctx = json!({"platform": platform(), "language": "en-US"});
    if !activities.is_empty() {
        ctx["contextActivities"] = Value::Object(activities);
    }
    ctx
}

/// RFC 3339 with milliseconds, UTC.
fn rfc3339_ms(ms: u64) -> String {
    let secs = rfc3339_utc(ms / 1000);
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), ms % 1000)
}

fn statement(actor: &Actor, key: &str, verb_id: &str, object: Value, timestamp: String) -> Value {
    json!({
        "id": stable_uuid(actor, key),
        "actor": actor.to_json(),
        "verb": verb(verb_id),
        "object": object,
        "timestamp": timestamp,
        "version": XAPI_VERSION,
    })
}

fn answered(actor: &Actor, map: &ContentMap, a: &Attempt) -> Value {
    let key = format!("answered\n{}\n{}\n{}\n{}", a.quiz, a.question, a.at, a.choice);
    let object = activity(&question_iri(&a.quiz, &a.question), types::QUESTION, &a.question);
    let mut s = statement(actor, &key, verbs::ANSWERED, object, rfc3339_utc(a.at));
    s["result"] = json!({
        "success": a.correct,
        "response": a.choice,
        "duration": format!("PT{}S", a.seconds),
        "extensions": {EXT_HINTS: a.hints_used},
    });
    let quiz = json!({"objectType": "Activity", "id": quiz_iri(&a.quiz)});
    s["context"] = context(map.quiz_lesson.get(&a.quiz).map(String::as_str), Some(quiz));
    s
}

fn lab_attempted(actor: &Actor, map: &ContentMap, r: &LabRecord) -> Value {
    let scenario = r.scenario.as_deref();
    let key = format!("lab\n{}\n{}\n{:?}\n{}", scenario.unwrap_or(""), r.at_ms, r.predicted, r.status);
    let object = activity(&scenario_iri(scenario), types::SIMULATION, scenario.unwrap_or("lab"));
    let mut s = statement(actor, &key, verbs::ATTEMPTED, object, rfc3339_ms(r.at_ms));
    let mut result = json!({"response": r.status.to_string()});
    if let Some(p) = r.predicted {
        result["success"] = json!(p == r.status);
        result["extensions"] = json!({EXT_PREDICTED: p});
    }
    s["result"] = result;
    let lesson = scenario.and_then(|sc| map.scenario_lesson.get(sc)).map(String::as_str);
    s["context"] = context(lesson, None);
    s
}

/// Every statement for `progress`, oldest first (ties keep a fixed order), each with a stable id.
#[must_use]
pub fn statements(progress: &Progress, actor: &Actor, map: &ContentMap) -> Vec<Value> {
    // (sort key, statement): timestamps in ms so lab records interleave with the rest.
    let mut out: Vec<(u64, Value)> = Vec::new();
    for (lesson, lp) in progress.lessons() {
        for (section, at) in &lp.sections_read {
            let key = format!("experienced\n{lesson}\n{section}");
            let object = activity(&section_iri(lesson, section), types::MODULE, section);
            let mut s = statement(actor, &key, verbs::EXPERIENCED, object, rfc3339_utc(*at));
            s["context"] = context(Some(lesson), None);
            out.push((at.saturating_mul(1000), s));
        }
        if let Some(sections) = map.lesson_sections.get(lesson) {
            let times: Option<Vec<u64>> =
                sections.iter().map(|k| lp.sections_read.get(k.as_str()).copied()).collect();
            if let Some(done_at) = times.filter(|t| !t.is_empty()).and_then(|t| t.into_iter().max()) {
                let key = format!("completed\n{lesson}\n{done_at}");
                let object = activity(&lesson_iri(lesson), types::LESSON, lesson);
                let mut s = statement(actor, &key, verbs::COMPLETED, object, rfc3339_utc(done_at));
                s["result"] = json!({"completion": true});
                s["context"] = context(None, None);
                // After the section that completed it.
                out.push((done_at.saturating_mul(1000).saturating_add(1), s));
            }
        }
    }
    for a in progress.attempts() {
        out.push((a.at.saturating_mul(1000), answered(actor, map, a)));
    }
    for (quiz, questions) in &map.quiz_questions {
        if let Some((at, s)) = quiz_outcome(actor, map, progress.attempts(), quiz, questions) {
            out.push((at.saturating_mul(1000).saturating_add(1), s));
        }
    }
    for r in progress.lab_requests() {
        out.push((r.at_ms, lab_attempted(actor, map, r)));
    }
    out.sort_by_key(|s| s.0);
    out.into_iter().map(|(_, s)| s).collect()
}

/// `passed`/`failed` once every question of the quiz has a first answer, scored on those.
fn quiz_outcome(
    actor: &Actor,
    map: &ContentMap,
    attempts: &[Attempt],
    quiz: &str,
    questions: &[String],
) -> Option<(u64, Value)> {
    if questions.is_empty() {
        return None;
    }
    let mut first: HashMap<&str, &Attempt> = HashMap::new();
    for a in attempts.iter().filter(|a| a.quiz == quiz) {
        let e = first.entry(a.question.as_str()).or_insert(a);
        if a.at < e.at {
            *e = a;
        }
    }
    let firsts: Option<Vec<&Attempt>> = questions.iter().map(|q| first.get(q.as_str()).copied()).collect();
    let firsts = firsts?;
    let at = firsts.iter().map(|a| a.at).max()?;
    let right = firsts.iter().filter(|a| a.correct).count();
    let total = firsts.len();
    #[allow(clippy::cast_precision_loss)] // question counts are tiny
    let scaled = right as f64 / total as f64;
    let passed = scaled >= PASS_RATIO;
    let key = format!("outcome\n{quiz}\n{at}");
    let object = activity(&quiz_iri(quiz), types::ASSESSMENT, quiz);
    let v = if passed { verbs::PASSED } else { verbs::FAILED };
    let mut s = statement(actor, &key, v, object, rfc3339_utc(at));
    s["result"] = json!({
        "success": passed,
        "completion": true,
        "score": {"scaled": scaled, "raw": right, "min": 0, "max": total},
    });
    s["context"] = context(map.quiz_lesson.get(quiz).map(String::as_str), None);
    Some((at, s))
}
