//! The saved progress: what the learner did, with when, so two copies can be merged.
//!
//! Every record carries its time. That is what makes merge-on-write possible (latest answer per
//! key wins, attempts are a union) and what lets a reset survive a merge: a [`Reset`] is itself
//! a record, and it removes everything in its scope that is not newer than it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::day::{Day, unix_now, unix_now_ms};
use super::leitner::{self, Card};
use crate::content::{Catalog, Difficulty, SectionKind};

/// The file format version. Bump it on any change an older build could misread.
pub const PROGRESS_VERSION: u32 = 1;

/// Where the learner was, so the tutorial can resume there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub lesson: String,
    pub section: SectionKind,
    /// The item within the section (step, myth, row…), 0-based.
    pub item: usize,
    pub scroll: u16,
}

/// One answer to one quiz question.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attempt {
    /// This answer's own identity, given when it is recorded: two processes that record the same
    /// answer in the same second keep two records when their files are merged. Empty in files
    /// written before ids existed (those merge by content, as then).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// When the answer was given, Unix seconds.
    pub at: u64,
    pub quiz: String,
    pub question: String,
    pub difficulty: Difficulty,
    /// The content's choice id (not the letter shown, which depends on the shuffle).
    pub choice: String,
    /// The letter the learner saw on the chosen choice (A, B, C… in display order, after the
    /// shuffle); empty in files written before it was kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub letter: String,
    pub correct: bool,
    pub hints_used: u32,
    /// Time spent on the question before answering.
    pub seconds: u32,
}

/// One line of the progress journal: the records saved since the last line, and the small state
/// when it changed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct JournalLine {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lab_requests: Vec<LabRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Progress>,
}

/// A "predict before reading on" answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PredictionRecord {
    pub answer: String,
    pub at: u64,
}

/// A myth commit: did the learner believe it before reading the reality?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MythRecord {
    pub believed: bool,
    pub at: u64,
}

/// What the learner did in one lesson's reading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// Section (its snake_case name, as [`SectionKind::as_str`]) → when it was first read.
    #[serde(default)]
    pub sections_read: BTreeMap<String, u64>,
    /// Build-up step (0-based) → the prediction made there.
    #[serde(default)]
    pub predictions: BTreeMap<usize, PredictionRecord>,
    /// Myth id → the learner's commit.
    #[serde(default)]
    pub myths: BTreeMap<String, MythRecord>,
}

impl LessonProgress {
    fn is_empty(&self) -> bool {
        self.sections_read.is_empty() && self.predictions.is_empty() && self.myths.is_empty()
    }
}

/// One request sent from the lab, with the status the learner predicted (if asked).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LabRecord {
    /// This record's own identity (see [`Attempt::id`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Unix milliseconds: two sends of one scenario within a second stay two records.
    pub at_ms: u64,
    pub scenario: Option<String>,
    pub predicted: Option<u16>,
    pub status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionRecord {
    pub position: Position,
    pub at: u64,
}

/// What a reset removes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", content = "id", rename_all = "snake_case")]
pub enum ResetScope {
    /// Everything.
    All,
    /// The attempts (and so the review cards) of one quiz.
    Quiz(String),
    /// The reading of one lesson: sections read, predictions, myths, the resume position there.
    Lesson(String),
}

/// A reset, kept in the file so a merge with an older copy cannot bring deleted records back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reset {
    /// Records in scope made at or before this time (Unix seconds) are removed.
    pub at: u64,
    #[serde(flatten)]
    pub scope: ResetScope,
}

/// Everything saved about one learner. Serialized as versioned JSON (see docs/PROGRESS.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Always [`PROGRESS_VERSION`] in memory; a file with another value is not read.
    pub version: u32,
    #[serde(default)]
    lessons: BTreeMap<String, LessonProgress>,
    #[serde(default)]
    position: Option<PositionRecord>,
    #[serde(default)]
    attempts: Vec<Attempt>,
    #[serde(default)]
    lab_requests: Vec<LabRecord>,
    #[serde(default)]
    resets: Vec<Reset>,
    /// Leitner cards, quiz → question → card. Derived from `attempts` (rebuilt on load and after
    /// a merge); written out so the file shows the boxes.
    #[serde(default)]
    review: BTreeMap<String, BTreeMap<String, Card>>,
    /// Fields this build does not know (written by a newer one, or by hand): kept as they are
    /// and written back on the next save, never silently dropped.
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: PROGRESS_VERSION,
            lessons: BTreeMap::new(),
            position: None,
            attempts: Vec::new(),
            lab_requests: Vec::new(),
            resets: Vec::new(),
            review: BTreeMap::new(),
            extra: serde_json::Map::new(),
        }
    }
}

impl Progress {
    #[must_use]
    pub fn new() -> Self {
        Progress::default()
    }

    // --- reading -------------------------------------------------------------------------------

    /// Records that a lesson section was shown (the first time is kept).
    pub fn mark_read(&mut self, lesson: &str, section: SectionKind) {
        self.mark_read_at(lesson, section, unix_now());
    }

    pub fn mark_read_at(&mut self, lesson: &str, section: SectionKind, at: u64) {
        self.lesson_mut(lesson).sections_read.entry(section.as_str().to_owned()).or_insert(at);
    }

    #[must_use]
    pub fn is_read(&self, lesson: &str, section: SectionKind) -> bool {
        self.lessons.get(lesson).is_some_and(|l| l.sections_read.contains_key(section.as_str()))
    }

    /// Records the learner's prediction at build-up step `step` (0-based); a later one replaces it.
    pub fn record_prediction(&mut self, lesson: &str, step: usize, answer: &str) {
        self.record_prediction_at(lesson, step, answer, unix_now());
    }

    pub fn record_prediction_at(&mut self, lesson: &str, step: usize, answer: &str, at: u64) {
        self.lesson_mut(lesson).predictions.insert(step, PredictionRecord { answer: answer.to_owned(), at });
    }

    #[must_use]
    pub fn prediction(&self, lesson: &str, step: usize) -> Option<&str> {
        self.lessons.get(lesson)?.predictions.get(&step).map(|p| p.answer.as_str())
    }

    /// Records whether the learner believed a myth before its reality was shown.
    pub fn record_myth(&mut self, lesson: &str, myth_id: &str, believed: bool) {
        self.record_myth_at(lesson, myth_id, believed, unix_now());
    }

    pub fn record_myth_at(&mut self, lesson: &str, myth_id: &str, believed: bool, at: u64) {
        self.lesson_mut(lesson).myths.insert(myth_id.to_owned(), MythRecord { believed, at });
    }

    /// `Some(believed)` once the learner has committed on this myth.
    #[must_use]
    pub fn myth(&self, lesson: &str, myth_id: &str) -> Option<bool> {
        self.lessons.get(lesson)?.myths.get(myth_id).map(|m| m.believed)
    }

    #[must_use]
    pub fn myths_believed(&self, lesson: &str) -> usize {
        self.lessons.get(lesson).map_or(0, |l| l.myths.values().filter(|m| m.believed).count())
    }

    /// Everything recorded for one lesson's reading, if anything.
    #[must_use]
    pub fn lesson(&self, lesson: &str) -> Option<&LessonProgress> {
        self.lessons.get(lesson)
    }

    /// Lesson ids with anything recorded, sorted.
    pub fn lessons(&self) -> impl Iterator<Item = (&str, &LessonProgress)> {
        self.lessons.iter().map(|(id, l)| (id.as_str(), l))
    }

    pub fn set_position(&mut self, position: Position) {
        self.set_position_at(position, unix_now());
    }

    pub fn set_position_at(&mut self, position: Position, at: u64) {
        self.position = Some(PositionRecord { position, at });
    }

    /// Where the learner was last.
    #[must_use]
    pub fn position(&self) -> Option<&Position> {
        self.position.as_ref().map(|p| &p.position)
    }

    fn lesson_mut(&mut self, lesson: &str) -> &mut LessonProgress {
        self.lessons.entry(lesson.to_owned()).or_default()
    }

    // --- quizzes -------------------------------------------------------------------------------

    /// Keeps one answer and moves its review card (see [`super::leitner`]).
    pub fn record_attempt(&mut self, mut attempt: Attempt) {
        if attempt.id.is_empty() {
            attempt.id = record_id();
        }
        let in_order = self.attempts.last().is_none_or(|last| last.at <= attempt.at);
        self.attempts.push(attempt);
        if in_order {
            if let Some(a) = self.attempts.last().cloned() {
                self.apply_to_review(&a);
            }
        } else {
            self.attempts.sort_by_key(|a| a.at);
            self.rebuild_review();
        }
    }

    /// Every attempt, oldest first.
    #[must_use]
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// The review card of one question, if it was ever answered.
    #[must_use]
    pub fn card(&self, quiz: &str, question: &str) -> Option<&Card> {
        self.review.get(quiz)?.get(question)
    }

    /// The questions due for review on `today`, in content order. Questions never answered are
    /// not due; cards of questions no longer in the content are ignored.
    #[must_use]
    pub fn due_today(&self, catalog: &Catalog, today: Day) -> Vec<(String, String)> {
        let mut due = Vec::new();
        for quiz in &catalog.quizzes {
            let Some(cards) = self.review.get(&quiz.id) else { continue };
            for question in &quiz.questions {
                if cards.get(&question.id).is_some_and(|c| c.is_due(today)) {
                    due.push((quiz.id.clone(), question.id.clone()));
                }
            }
        }
        due
    }

    fn apply_to_review(&mut self, a: &Attempt) {
        let cards = self.review.entry(a.quiz.clone()).or_default();
        let card = leitner::after_attempt(
            cards.get(&a.question).copied(),
            a.correct,
            a.hints_used,
            Day::of_unix(a.at),
        );
        cards.insert(a.question.clone(), card);
    }

    /// Recomputes every card by replaying the attempts in time order: the cards are a function
    /// of the attempts, so after a merge or a reset they cannot disagree with them.
    fn rebuild_review(&mut self) {
        self.review.clear();
        let attempts = std::mem::take(&mut self.attempts);
        for a in &attempts {
            self.apply_to_review(a);
        }
        self.attempts = attempts;
    }

    // --- lab -----------------------------------------------------------------------------------

    /// Records a lab request: its scenario (if from the content), the predicted status (if the
    /// learner predicted one) and the status received.
    pub fn record_lab_request(&mut self, scenario: Option<&str>, predicted: Option<u16>, status: u16) {
        self.record_lab_request_at(scenario, predicted, status, unix_now_ms());
    }

    pub fn record_lab_request_at(
        &mut self,
        scenario: Option<&str>,
        predicted: Option<u16>,
        status: u16,
        at_ms: u64,
    ) {
        self.lab_requests.push(LabRecord {
            id: record_id(),
            at_ms,
            scenario: scenario.map(str::to_owned),
            predicted,
            status,
        });
    }

    /// (right, total) over the lab requests where the learner predicted a status.
    #[must_use]
    pub fn lab_predictions(&self) -> (usize, usize) {
        let predicted = self.lab_requests.iter().filter_map(|r| r.predicted.map(|p| p == r.status));
        predicted.fold((0, 0), |(right, total), ok| (right + usize::from(ok), total + 1))
    }

    #[must_use]
    pub fn lab_requests(&self) -> &[LabRecord] {
        &self.lab_requests
    }

    // --- reset and merge -----------------------------------------------------------------------

    /// Removes everything in `scope` recorded up to now, and remembers the reset.
    pub fn reset(&mut self, scope: ResetScope) {
        self.reset_at(scope, unix_now());
    }

    pub fn reset_at(&mut self, scope: ResetScope, at: u64) {
        let reset = Reset { at, scope };
        if !self.resets.contains(&reset) {
            self.resets.push(reset);
        }
        self.apply_resets();
        self.rebuild_review();
    }

    /// The resets recorded so far.
    #[must_use]
    pub fn resets(&self) -> &[Reset] {
        &self.resets
    }

    /// Combines two copies of the progress of one learner (this one and one read from disk):
    /// sections read are a union (earliest time kept), predictions, myths and the position keep
    /// the latest record per key, attempts and lab requests are a union without duplicates,
    /// resets from either side apply to both, and the review cards are recomputed.
    #[must_use]
    pub fn merge(&self, other: &Progress) -> Progress {
        let mut out = self.clone();
        for (id, theirs) in &other.lessons {
            let mine = out.lessons.entry(id.clone()).or_default();
            for (section, at) in &theirs.sections_read {
                let slot = mine.sections_read.entry(section.clone()).or_insert(*at);
                *slot = (*slot).min(*at);
            }
            for (step, p) in &theirs.predictions {
                keep_latest(&mut mine.predictions, *step, p, |p| (p.at, p.answer.clone()));
            }
            for (myth, m) in &theirs.myths {
                keep_latest(&mut mine.myths, myth.clone(), m, |m| (m.at, m.believed));
            }
        }
        if let Some(theirs) = &other.position
            && out.position.as_ref().is_none_or(|mine| mine.at < theirs.at)
        {
            out.position = Some(theirs.clone());
        }
        for (key, value) in &other.extra {
            out.extra.entry(key.clone()).or_insert_with(|| value.clone());
        }
        out.attempts = union(&self.attempts, &other.attempts);
        out.attempts.sort_by_key(|a| a.at);
        out.lab_requests = union(&self.lab_requests, &other.lab_requests);
        out.lab_requests.sort_by_key(|r| r.at_ms);
        for r in &other.resets {
            if !out.resets.contains(r) {
                out.resets.push(r.clone());
            }
        }
        out.resets.sort_by_key(|r| r.at);
        out.apply_resets();
        out.rebuild_review();
        out
    }

    /// The small part of the progress (everything but the answer and lab histories and the
    /// derived review cards): what one journal line carries besides new records.
    pub(crate) fn state_only(&self) -> Progress {
        // Field by field: cloning the whole progress would copy the histories on every save.
        Progress {
            version: self.version,
            lessons: self.lessons.clone(),
            position: self.position.clone(),
            attempts: Vec::new(),
            lab_requests: Vec::new(),
            resets: self.resets.clone(),
            review: BTreeMap::new(),
            extra: self.extra.clone(),
        }
    }

    /// Records in `self` whose ids are not in `known` (the journal's delta), and their ids.
    ///
    /// `counts` are the lengths of the two histories when `known` was last brought up to date.
    /// Records are only added between saves (resets go through a compaction, which resets the
    /// counts), and they are added at or near the end (histories are sorted by time), so the
    /// scan walks back from the end until it has found as many new records as the lengths grew:
    /// the cost follows the new records, not the history. If a history shrank, all is scanned.
    pub(crate) fn new_records(
        &self,
        known: &HashSet<String>,
        counts: (usize, usize),
    ) -> (Vec<Attempt>, Vec<LabRecord>) {
        (
            newest_unknown(&self.attempts, counts.0, known, |a| &a.id),
            newest_unknown(&self.lab_requests, counts.1, known, |r| &r.id),
        )
    }

    /// The lengths of the two histories (see [`Progress::new_records`]).
    pub(crate) fn record_counts(&self) -> (usize, usize) {
        (self.attempts.len(), self.lab_requests.len())
    }

    /// Every record id (for the journal's bookkeeping).
    pub(crate) fn record_ids(&self) -> impl Iterator<Item = &str> {
        self.attempts.iter().map(|a| a.id.as_str()).chain(self.lab_requests.iter().map(|r| r.id.as_str()))
    }

    /// Builds a progress from journal lines: their records, and their states merged.
    pub(crate) fn from_journal(lines: Vec<JournalLine>) -> Progress {
        let mut out = Progress::new();
        for line in lines {
            if let Some(state) = line.state {
                out = out.merge(&state);
            }
            out.attempts.extend(line.attempts);
            out.lab_requests.extend(line.lab_requests);
        }
        out
    }

    /// Makes the derived parts consistent after deserializing (called by the store).
    pub(crate) fn after_load(&mut self) {
        self.attempts.sort_by_key(|a| a.at);
        self.apply_resets();
        self.rebuild_review();
    }

    fn apply_resets(&mut self) {
        for reset in &self.resets {
            let (t, scope) = (reset.at, &reset.scope);
            let all = matches!(scope, ResetScope::All);
            self.attempts
                .retain(|a| a.at > t || !(all || matches!(scope, ResetScope::Quiz(q) if *q == a.quiz)));
            for (id, lesson) in &mut self.lessons {
                if all || matches!(scope, ResetScope::Lesson(l) if l == id) {
                    lesson.sections_read.retain(|_, at| *at > t);
                    lesson.predictions.retain(|_, p| p.at > t);
                    lesson.myths.retain(|_, m| m.at > t);
                }
            }
            if let Some(p) = &self.position
                && p.at <= t
                && (all || matches!(scope, ResetScope::Lesson(l) if *l == p.position.lesson))
            {
                self.position = None;
            }
            if all {
                self.lab_requests.retain(|r| r.at_ms > t.saturating_mul(1000).saturating_add(999));
            }
        }
        self.lessons.retain(|_, l| !l.is_empty());
    }
}

/// Inserts `theirs` unless the map already holds a later record (ties broken by value, so the
/// result does not depend on which copy is merged into which).
fn keep_latest<K: Ord, V: Clone, O: Ord>(
    map: &mut BTreeMap<K, V>,
    key: K,
    theirs: &V,
    order: impl Fn(&V) -> O,
) {
    match map.get(&key) {
        Some(mine) if order(mine) >= order(theirs) => {}
        _ => {
            map.insert(key, theirs.clone());
        }
    }
}

/// Multiset union: each distinct record appears as often as in the copy that has it most often.
/// Both copies usually share a history, so a plain concatenation would double it.
/// The records of `list` whose ids are not `known`, found from the end (see
/// [`Progress::new_records`]); in their original order.
fn newest_unknown<T: Clone>(
    list: &[T],
    known_len: usize,
    known: &HashSet<String>,
    id: impl Fn(&T) -> &String,
) -> Vec<T> {
    let is_new = |x: &&T| !id(x).is_empty() && !known.contains(id(x));
    if list.len() < known_len {
        return list.iter().filter(is_new).cloned().collect();
    }
    let mut wanted = list.len() - known_len;
    let mut out = Vec::with_capacity(wanted);
    for x in list.iter().rev() {
        if wanted == 0 {
            break;
        }
        if is_new(&x) {
            out.push(x.clone());
            wanted -= 1;
        }
    }
    out.reverse();
    out
}

/// A fresh record identity: 64 random bits, hex.
fn record_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

fn union<T: Clone + Eq + Hash>(a: &[T], b: &[T]) -> Vec<T> {
    let mut in_a: HashMap<&T, usize> = HashMap::new();
    for x in a {
        *in_a.entry(x).or_default() += 1;
    }
    let mut out = a.to_vec();
    let mut in_b: HashMap<&T, usize> = HashMap::new();
    for x in b {
        let seen = in_b.entry(x).or_default();
        *seen += 1;
        if *seen > in_a.get(x).copied().unwrap_or(0) {
            out.push(x.clone());
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::content::{Question, Quiz, QuizKind};

    pub(crate) fn attempt(at: u64, quiz: &str, question: &str, correct: bool) -> Attempt {
        Attempt {
            // Deterministic, so two progresses built from the same answers compare equal.
            id: format!("{quiz}/{question}/{at}/{correct}"),
            at,
            quiz: quiz.into(),
            question: question.into(),
            difficulty: Difficulty::Easy,
            choice: if correct { "a".into() } else { "b".into() },
            letter: String::new(),
            correct,
            hints_used: 0,
            seconds: 5,
        }
    }

    fn catalog(quiz: &str, questions: &[&str]) -> Catalog {
        let question = |id: &str| Question {
            id: id.into(),
            difficulty: Difficulty::Easy,
            tags: vec![],
            stem: crate::content::Md::Inline("?".into()),
            code: None,
            choices: vec![],
            answer: "a".into(),
            hints: vec![],
            solution: vec![],
            final_answer: crate::content::Md::Inline(String::new()),
            quick_check: String::new(),
            lab_scenario: None,
        };
        Catalog {
            lessons: vec![],
            quizzes: vec![Quiz {
                format_version: 1,
                id: quiz.into(),
                title: "t".into(),
                kind: QuizKind::Practice,
                lesson: "l".into(),
                description: None,
                questions: questions.iter().map(|q| question(q)).collect(),
            }],
        }
    }

    const DAY: u64 = 86_400;

    #[test]
    fn reading_predictions_and_myths_round_trip() {
        let mut p = Progress::new();
        p.mark_read_at("l", SectionKind::Overview, 10);
        p.mark_read_at("l", SectionKind::Overview, 20);
        p.record_prediction_at("l", 2, "401", 10);
        p.record_prediction_at("l", 2, "403", 11);
        p.record_myth_at("l", "m1", true, 10);
        p.record_myth_at("l", "m2", false, 10);
        p.set_position(Position { lesson: "l".into(), section: SectionKind::Pitfalls, item: 1, scroll: 3 });
        let back: Progress = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert!(back.is_read("l", SectionKind::Overview));
        assert!(!back.is_read("l", SectionKind::BuildUp));
        assert_eq!(back.lesson("l").unwrap().sections_read["overview"], 10);
        assert_eq!(back.prediction("l", 2), Some("403"));
        assert_eq!(back.myth("l", "m1"), Some(true));
        assert_eq!(back.myth("l", "m3"), None);
        assert_eq!(back.myths_believed("l"), 1);
        assert_eq!(back.position().unwrap().item, 1);
    }

    #[test]
    fn due_today_over_simulated_days() {
        let cat = catalog("q", &["q1", "q2", "q3"]);
        let mut p = Progress::new();
        // Day 0 (UTC noon, so local offsets up to ±11h stay on the same local day).
        let noon = 19_000 * DAY + 12 * 3600;
        let day0 = Day::of_unix(noon);
        p.record_attempt(attempt(noon, "q", "q1", false));
        p.record_attempt(attempt(noon + 1, "q", "q2", true));
        assert!(p.due_today(&cat, day0).is_empty(), "nothing is due the day it was answered");
        assert_eq!(p.due_today(&cat, day0.plus(1)), vec![("q".into(), "q1".into())]);
        // q2 (box 2) is due on day 2, q1 still overdue; q3 was never seen.
        assert_eq!(p.due_today(&cat, day0.plus(2)).len(), 2);
        // Review q1 right on day 1: box 2, due day 3.
        p.record_attempt(attempt(noon + DAY, "q", "q1", true));
        assert_eq!(p.due_today(&cat, day0.plus(2)), vec![("q".into(), "q2".into())]);
        assert_eq!(p.card("q", "q1").unwrap().due, day0.plus(3));
    }

    #[test]
    fn due_today_ignores_questions_no_longer_in_the_content() {
        let mut p = Progress::new();
        p.record_attempt(attempt(1_000, "q", "gone", false));
        let today = Day::of_unix(1_000).plus(5);
        assert!(p.due_today(&catalog("q", &["q1"]), today).is_empty());
        assert_eq!(p.due_today(&catalog("q", &["gone"]), today).len(), 1);
    }

    /// Two instances recording the same answer in the same second keep two records; records
    /// from before ids existed still merge by content.
    #[test]
    fn identical_answers_of_two_instances_are_both_kept() {
        let mut fresh = attempt(100, "q", "q1", true);
        fresh.id.clear();
        let mut a = Progress::new();
        a.record_attempt(fresh.clone());
        let mut b = Progress::new();
        b.record_attempt(fresh.clone());
        assert_ne!(a.attempts()[0].id, b.attempts()[0].id, "each record gets its own id");
        assert_eq!(a.merge(&b).attempts().len(), 2);
        assert_eq!(a.merge(&b).merge(&a).attempts().len(), 2, "merging again adds nothing");
        let mut legacy = Progress::new();
        legacy.attempts.push(fresh.clone());
        let mut legacy2 = Progress::new();
        legacy2.attempts.push(fresh);
        assert_eq!(legacy.merge(&legacy2).attempts().len(), 1);
    }

    /// The journal's delta finds new records from the end, also one inserted out of time order,
    /// and falls back to a full scan when a history shrank.
    #[test]
    fn new_records_are_found_from_the_end() {
        let mut p = Progress::new();
        for k in 0..50 {
            p.record_attempt(attempt(1_000 + k, "q", &format!("q{k}"), true));
        }
        let known: HashSet<String> = p.record_ids().map(str::to_owned).collect();
        let counts = p.record_counts();
        assert!(p.new_records(&known, counts).0.is_empty());
        p.record_attempt(attempt(2_000, "q", "late", true));
        // Recorded with an earlier time than the last ones: sorted into the middle.
        p.record_attempt(attempt(1_010, "q", "early", true));
        let (new, _) = p.new_records(&known, counts);
        let ids: Vec<&str> = new.iter().map(|a| a.question.as_str()).collect();
        assert_eq!(ids, vec!["early", "late"]);
        let (all, _) = p.new_records(&known, (1_000, 0));
        assert_eq!(all.len(), 2, "a shrunk history is scanned whole");
    }

    #[test]
    fn out_of_order_attempts_rebuild_the_cards() {
        let mut p = Progress::new();
        p.record_attempt(attempt(10 * DAY, "q", "q1", true));
        p.record_attempt(attempt(DAY, "q", "q1", false));
        let mut in_order = Progress::new();
        in_order.record_attempt(attempt(DAY, "q", "q1", false));
        in_order.record_attempt(attempt(10 * DAY, "q", "q1", true));
        assert_eq!(p.card("q", "q1"), in_order.card("q", "q1"));
        assert_eq!(p.attempts(), in_order.attempts());
    }

    #[test]
    fn lab_predictions_count_only_predicted_requests() {
        let mut p = Progress::new();
        p.record_lab_request_at(Some("s"), Some(401), 401, 1);
        p.record_lab_request_at(Some("s"), Some(403), 401, 2);
        p.record_lab_request_at(None, None, 200, 3);
        assert_eq!(p.lab_predictions(), (1, 2));
    }

    #[test]
    fn merge_unions_histories_without_duplicates() {
        let mut base = Progress::new();
        base.mark_read_at("l", SectionKind::Overview, 5);
        base.record_attempt(attempt(100, "q", "q1", true));
        base.record_lab_request_at(Some("s"), Some(401), 401, 7);

        let mut a = base.clone();
        a.record_attempt(attempt(200, "q", "q2", false));
        a.record_prediction_at("l", 0, "old", 10);
        a.mark_read_at("l", SectionKind::Pitfalls, 50);
        let mut b = base.clone();
        b.record_attempt(attempt(150, "q", "q3", true));
        b.record_prediction_at("l", 0, "new", 20);
        b.record_myth_at("l", "m", true, 30);
        b.mark_read_at("l", SectionKind::Pitfalls, 40);
        b.set_position_at(
            Position { lesson: "l".into(), section: SectionKind::Overview, item: 0, scroll: 0 },
            9,
        );

        let m = a.merge(&b);
        let ids: Vec<&str> = m.attempts().iter().map(|a| a.question.as_str()).collect();
        assert_eq!(ids, vec!["q1", "q3", "q2"]);
        assert_eq!(m.prediction("l", 0), Some("new"));
        assert_eq!(m.myth("l", "m"), Some(true));
        assert_eq!(m.lesson("l").unwrap().sections_read["pitfalls"], 40);
        assert_eq!(m.lab_requests().len(), 1);
        assert!(m.position().is_some());
        assert_eq!(m.card("q", "q2").unwrap().box_no, 1);
        // Order of merging does not matter, and merging twice changes nothing.
        assert_eq!(b.merge(&a), m);
        assert_eq!(m.merge(&a), m);
        assert_eq!(m.merge(&m), m);
    }

    #[test]
    fn merge_keeps_repeated_identical_attempts_of_one_copy() {
        let mut a = Progress::new();
        a.record_attempt(attempt(100, "q", "q1", true));
        a.record_attempt(attempt(100, "q", "q1", true));
        let b = Progress::new();
        assert_eq!(a.merge(&b).attempts().len(), 2);
        assert_eq!(b.merge(&a).attempts().len(), 2);
    }

    #[test]
    fn a_reset_survives_a_merge_with_an_older_copy() {
        let mut old = Progress::new();
        old.record_attempt(attempt(100, "q", "q1", true));
        old.record_attempt(attempt(100, "other", "x", true));
        old.mark_read_at("l", SectionKind::Overview, 100);
        let mut reset = old.clone();
        reset.reset_at(ResetScope::Quiz("q".into()), 150);
        assert_eq!(reset.attempts().len(), 1);
        assert!(reset.card("q", "q1").is_none());
        // The other instance still has the old attempt and adds a new one after the reset.
        let mut other = old.clone();
        other.record_attempt(attempt(200, "q", "q2", false));
        let merged = other.merge(&reset);
        let ids: Vec<&str> = merged.attempts().iter().map(|a| a.question.as_str()).collect();
        assert_eq!(ids, vec!["x", "q2"]);
        assert!(merged.is_read("l", SectionKind::Overview));

        let mut all = merged.clone();
        all.reset_at(ResetScope::All, 300);
        assert!(all.attempts().is_empty());
        assert!(all.lessons().next().is_none());
        assert!(old.merge(&all).attempts().is_empty());
    }

    #[test]
    fn a_lesson_reset_clears_its_reading_only() {
        let mut p = Progress::new();
        p.mark_read_at("l", SectionKind::Overview, 10);
        p.mark_read_at("k", SectionKind::Overview, 10);
        p.record_myth_at("l", "m", true, 10);
        p.set_position_at(
            Position { lesson: "l".into(), section: SectionKind::Overview, item: 0, scroll: 0 },
            10,
        );
        p.record_attempt(attempt(10, "q", "q1", true));
        p.reset_at(ResetScope::Lesson("l".into()), 20);
        assert!(p.lesson("l").is_none());
        assert!(p.is_read("k", SectionKind::Overview));
        assert!(p.position().is_none());
        assert_eq!(p.attempts().len(), 1);
    }
}
