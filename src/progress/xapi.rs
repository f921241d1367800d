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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Difficulty;

    fn session() -> Progress {
        let mut p = Progress::new();
        p.mark_read_at("why-api-security", SectionKind::Overview, 1_700_000_000);
        p.record_attempt(Attempt {
            id: String::new(),
            at: 1_700_000_100,
            quiz: "practice".into(),
            question: "p 1/x".into(),
            difficulty: Difficulty::Easy,
            choice: "b".into(),
            letter: String::new(),
            correct: true,
            hints_used: 2,
            seconds: 12,
        });
        p.record_lab_request_at(Some("no-token"), Some(200), 401, 1_700_000_200_042);
        p.record_lab_request_at(None, None, 200, 1_700_000_300_000);
        p
    }

    fn map() -> ContentMap {
        let mut m = ContentMap::default();
        m.quiz_lesson.insert("practice".into(), "why-api-security".into());
        m.scenario_lesson.insert("no-token".into(), "why-api-security".into());
        m.lesson_sections.insert("why-api-security".into(), vec![SectionKind::Overview]);
        m.quiz_questions.insert("practice".into(), vec!["p 1/x".into()]);
        m
    }

    fn actor() -> Actor {
        Actor::parse("mailto:learner@example.org").unwrap()
    }

    /// An absolute IRI with a scheme and no spaces (xAPI 1.0.3, 4.1.4.1: verb and activity ids).
    fn is_iri(s: &str) -> bool {
        let Some((scheme, rest)) = s.split_once(':') else { return false };
        !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && !rest.is_empty()
            && !s.contains(char::is_whitespace)
    }

    fn is_uuid(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()))
    }

    /// The required fields and forms of xAPI 1.0.3 section 2.4, for the shapes this module makes.
    fn assert_valid(s: &Value) {
        assert!(is_uuid(s["id"].as_str().unwrap()), "id is a UUID: {s}");
        assert_eq!(s["version"], XAPI_VERSION);
        let actor = &s["actor"];
        assert_eq!(actor["objectType"], "Agent");
        let ifis = ["mbox", "account"].iter().filter(|k| actor.get(**k).is_some()).count();
        assert_eq!(ifis, 1, "an agent has exactly one identifier: {actor}");
        let verb = s["verb"]["id"].as_str().unwrap();
        assert!(verb.starts_with("http://adlnet.gov/expapi/verbs/"), "ADL verb: {verb}");
        assert!(s["verb"]["display"]["en-US"].is_string());
        assert_eq!(s["object"]["objectType"], "Activity");
        assert!(is_iri(s["object"]["id"].as_str().unwrap()));
        assert!(is_iri(s["object"]["definition"]["type"].as_str().unwrap()));
        let ts = s["timestamp"].as_str().unwrap();
        assert!(ts.len() >= 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T', "RFC 3339: {ts}");
        assert_eq!(s["context"]["platform"], platform());
        if let Some(parents) = s["context"]["contextActivities"]["parent"].as_array() {
            for p in parents {
                assert!(is_iri(p["id"].as_str().unwrap()));
            }
        }
        if let Some(result) = s.get("result") {
            if let Some(ext) = result.get("extensions").and_then(Value::as_object) {
                assert!(ext.keys().all(|k| is_iri(k)), "extension keys are IRIs");
            }
            if let Some(score) = result.get("score") {
                let scaled = score["scaled"].as_f64().unwrap();
                assert!((-1.0..=1.0).contains(&scaled));
            }
        }
    }

    #[test]
    fn every_statement_has_the_required_fields_and_forms() {
        let all = statements(&session(), &actor(), &map());
        assert_eq!(all.len(), 6, "experienced, completed, answered, passed, two attempted");
        for s in &all {
            assert_valid(s);
        }
        let verbs_seen: Vec<&str> = all.iter().map(|s| s["verb"]["id"].as_str().unwrap()).collect();
        assert_eq!(
            verbs_seen,
            [
                verbs::EXPERIENCED,
                verbs::COMPLETED,
                verbs::ANSWERED,
                verbs::PASSED,
                verbs::ATTEMPTED,
                verbs::ATTEMPTED
            ]
        );
    }

    #[test]
    fn an_answer_carries_its_result_and_its_lesson_as_parent() {
        let all = statements(&session(), &actor(), &map());
        let s = all.iter().find(|s| s["verb"]["id"] == verbs::ANSWERED).unwrap();
        assert_eq!(s["object"]["id"], format!("{ACTIVITY_BASE}quiz/practice/question/p%201%2Fx"));
        assert_eq!(s["result"]["success"], true);
        assert_eq!(s["result"]["response"], "b");
        assert_eq!(s["result"]["duration"], "PT12S");
        assert_eq!(s["context"]["contextActivities"]["parent"][0]["id"], lesson_iri("why-api-security"));
        assert_eq!(s["context"]["contextActivities"]["grouping"][0]["id"], quiz_iri("practice"));
        assert_eq!(s["timestamp"], "2023-11-14T22:15:00Z");
    }

    #[test]
    fn a_lab_request_keeps_milliseconds_and_scores_the_prediction() {
        let all = statements(&session(), &actor(), &map());
        let labs: Vec<&Value> = all.iter().filter(|s| s["verb"]["id"] == verbs::ATTEMPTED).collect();
        assert_eq!(labs[0]["timestamp"], "2023-11-14T22:16:40.042Z");
        assert_eq!(labs[0]["result"]["success"], false, "predicted 200, got 401");
        assert_eq!(labs[0]["result"]["response"], "401");
        assert_eq!(labs[0]["object"]["id"], scenario_iri(Some("no-token")));
        assert!(labs[1]["result"].get("success").is_none(), "no prediction, no success");
        assert_eq!(labs[1]["object"]["id"], format!("{ACTIVITY_BASE}lab/free"));
        assert!(labs[1]["context"].get("contextActivities").is_none());
    }

    #[test]
    fn ids_are_stable_across_exports_and_differ_per_record_and_actor() {
        let a = statements(&session(), &actor(), &map());
        let b = statements(&session(), &actor(), &map());
        assert_eq!(a, b, "re-export gives the same statements, ids included");
        let ids: std::collections::HashSet<&str> = a.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), a.len(), "one id per record");
        let other = Actor::parse("account:https://school.example:42").unwrap();
        let c = statements(&session(), &other, &map());
        assert!(c.iter().all(|s| !ids.contains(s["id"].as_str().unwrap())));
        assert_eq!(c[0]["actor"]["account"], json!({"homePage": "https://school.example", "name": "42"}));
    }

    #[test]
    fn a_failed_quiz_is_failed_and_unfinished_lessons_are_not_completed() {
        let mut m = map();
        m.quiz_questions.insert("practice".into(), vec!["p 1/x".into(), "p2".into()]);
        m.lesson_sections
            .insert("why-api-security".into(), vec![SectionKind::Overview, SectionKind::Pitfalls]);
        let mut p = session();
        let none = statements(&p, &actor(), &m);
        assert!(none.iter().all(|s| s["verb"]["id"] != verbs::COMPLETED && s["verb"]["id"] != verbs::PASSED));
        p.record_attempt(Attempt {
            id: String::new(),
            at: 1_700_000_400,
            quiz: "practice".into(),
            question: "p2".into(),
            difficulty: Difficulty::Hard,
            choice: "a".into(),
            letter: String::new(),
            correct: false,
            hints_used: 0,
            seconds: 3,
        });
        let all = statements(&p, &actor(), &m);
        let failed = all.iter().find(|s| s["verb"]["id"] == verbs::FAILED).unwrap();
        assert_eq!(failed["result"]["score"]["scaled"], 0.5);
        assert_eq!(failed["result"]["success"], false);
    }

    #[test]
    fn actors_are_parsed_strictly() {
        assert_eq!(Actor::parse("mailto:a@b").unwrap(), Actor::Mbox("mailto:a@b".into()));
        for bad in ["a@b", "mailto:ab", "mailto:@b", "account:school:1", "account:https://s.example:", "x"] {
            assert!(Actor::parse(bad).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn uuids_are_version_8_rfc_variant() {
        let id = stable_uuid(&actor(), "x");
        assert!(is_uuid(&id));
        assert_eq!(&id[14..15], "8");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }
}
