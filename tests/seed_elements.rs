//! Walks the seed element list of issue 5 against the shipped (embedded) content and fails naming
//! every element that is missing, so a content edit cannot silently drop part of either seed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use apisec_tutor::content::{
    self, Catalog, Difficulty, Lesson, Level, ModeTarget, Question, Quiz, QuizKind, TraceStage,
};

const LESSON_ID: &str = "why-api-security";

fn catalog() -> Catalog {
    match content::load_embedded() {
        Ok(catalog) => catalog,
        Err(errors) => {
            let all: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
            panic!("embedded content does not load:\n{}", all.join("\n"));
        }
    }
}

fn lesson(catalog: &Catalog) -> &Lesson {
    catalog.lesson(LESSON_ID).unwrap_or_else(|| panic!("lesson `{LESSON_ID}` is missing"))
}

/// Collects problems instead of stopping at the first, so one run names everything missing.
#[derive(Default)]
struct Missing(Vec<String>);

impl Missing {
    fn check(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.0.push(what.into());
        }
    }

    fn finish(self, area: &str) {
        assert!(
            self.0.is_empty(),
            "{area}: {} missing element(s):\n  - {}",
            self.0.len(),
            self.0.join("\n  - ")
        );
    }
}

fn filled(text: &str) -> bool {
    !text.trim().is_empty()
}

#[test]
fn overview_mental_model_and_prose_sections() {
    let catalog = catalog();
    let l = lesson(&catalog);
    let mut m = Missing::default();
    m.check(filled(l.overview.what.as_str()), "overview: what it is");
    m.check(filled(l.overview.why_it_matters.as_str()), "overview: why it matters");
    m.check(filled(l.overview.where_it_fits.as_str()), "overview: where it fits");
    m.check(filled(l.mental_model.core_idea.as_str()), "mental model: core idea");
    m.check(filled(l.mental_model.analogy.as_str()), "mental model: analogy");
    // Both seed pictures, drawn in the project's own way: the same facts (caller, API with its
    // checks, data; the layers from the edge to the handler), never the seed's own boxes.
    let arts: Vec<&str> = l.mental_model.diagrams.iter().map(|d| d.art.as_str()).collect();
    m.check(
        arts.iter().any(|a| a.contains("your API") && a.contains("401") && a.contains("records")),
        "mental model: the caller → API → data picture",
    );
    m.check(
        arts.iter().any(|a| a.contains("gateway") && a.contains("rate limits") && a.contains("CORS")),
        "mental model: the layered picture",
    );
    m.check(filled(l.under_the_hood.body.as_str()), "under the hood: body");
    m.check(!l.under_the_hood.diagrams.is_empty(), "under the hood: its diagram");
    let all_art: Vec<&str> =
        l.mental_model.diagrams.iter().chain(&l.under_the_hood.diagrams).map(|d| d.art.as_str()).collect();
    for seed_line in ["│   Client App  │", "│  API Gateway  │", "│  (JWT check)  │", "│ Business Logic│"]
    {
        m.check(
            !all_art.iter().any(|a| a.contains(seed_line)),
            format!("diagrams are the project's own drawings, not the seed's ({seed_line})"),
        );
    }
    m.check(filled(l.why_designed.as_str()), "why it was designed this way");
    m.check(filled(l.when_not_to_use.as_str()), "when not to use");
    m.check(filled(l.production_patterns.as_str()), "production patterns");
    m.check(
        l.key_takeaways.len() >= 5,
        format!("key takeaways: 5 expected, {} found", l.key_takeaways.len()),
    );
    m.check(
        l.concept_snapshot.len() >= 5,
        format!("concept snapshot: 5 lines expected, {} found", l.concept_snapshot.len()),
    );
    m.check(filled(l.transcript.as_str()), "full transcript");
    m.finish("lesson prose");
}

#[test]
fn build_up_steps_levels_and_predictions() {
    let catalog = catalog();
    let l = lesson(&catalog);
    let mut m = Missing::default();
    let want = [
        Level::Foundation,
        Level::Foundation,
        Level::Intermediate,
        Level::Intermediate,
        Level::Intermediate,
        Level::Advanced,
        Level::Expert,
    ];
    m.check(l.build_up.len() == 7, format!("build-up: 7 steps expected, {} found", l.build_up.len()));
    for (i, (step, level)) in l.build_up.iter().zip(want).enumerate() {
        let n = i + 1;
        m.check(
            step.level == level,
            format!("build-up step {n}: level {} expected, {} found", level.label(), step.level.label()),
        );
        m.check(filled(step.concept.as_str()), format!("build-up step {n}: concept"));
        m.check(filled(step.body.as_str()), format!("build-up step {n}: body"));
        m.check(filled(step.result.as_str()), format!("build-up step {n}: result"));
        m.check(
            step.insight.as_ref().is_some_and(|i| filled(i.as_str())),
            format!("build-up step {n}: insight"),
        );
    }
    // The seed asks for a prediction before steps 3, 4, 6 and 7, and nowhere else.
    let with_prediction: Vec<usize> =
        l.build_up.iter().enumerate().filter(|(_, s)| s.predict.is_some()).map(|(i, _)| i + 1).collect();
    m.check(
        with_prediction == [3, 4, 6, 7],
        format!("predictions on steps 3, 4, 6, 7 expected, found on {with_prediction:?}"),
    );
    for (i, step) in l.build_up.iter().enumerate() {
        if let Some(p) = &step.predict {
            let n = i + 1;
            m.check(filled(&p.prompt), format!("prediction of step {n}: prompt"));
            m.check(filled(p.reveal.as_str()), format!("prediction of step {n}: reveal"));
            m.check(
                (2..=4).contains(&p.options.len()),
                format!("prediction of step {n}: 2–4 options, {} found", p.options.len()),
            );
            m.check(
                p.best.is_some_and(|b| b < p.options.len()),
                format!("prediction of step {n}: `best` names an option"),
            );
        }
    }
    m.finish("build-up");
}

#[test]
fn myths_expert_zone_connections_and_pitfalls() {
    let catalog = catalog();
    let l = lesson(&catalog);
    let mut m = Missing::default();
    // The seed's four myths, plus true statements among the beliefs, so pressing "myth" every
    // time does not win.
    m.check(
        l.myth_busters.len() >= 4,
        format!("myth busters: at least 4 expected, {} found", l.myth_busters.len()),
    );
    let true_beliefs = l.myth_busters.iter().filter(|m| m.belief_is_true).count();
    m.check(
        true_beliefs >= 1 && true_beliefs * 2 <= l.myth_busters.len(),
        format!("myth busters: some but not most beliefs true, {true_beliefs} of {}", l.myth_busters.len()),
    );
    let myth_text: Vec<String> =
        l.myth_busters.iter().map(|x| format!("{} {}", x.question, x.belief).to_lowercase()).collect();
    for (topic, words) in [
        ("HTTPS alone", &["https"][..]),
        ("authentication is not authorization", &["logged in", "authenticated"][..]),
        ("API keys alone", &["api key"][..]),
        ("rate limiting is only performance", &["rate limit"][..]),
    ] {
        m.check(myth_text.iter().any(|t| words.iter().any(|w| t.contains(w))), format!("myth: {topic}"));
    }
    for myth in &l.myth_busters {
        m.check(
            filled(&myth.question) && filled(&myth.belief),
            format!("myth {}: question and belief", myth.id),
        );
        m.check(
            filled(myth.reality.as_str()) && filled(myth.why_it_matters.as_str()),
            format!("myth {}: reality and why it matters", myth.id),
        );
    }
    m.check(
        l.expert_zone.len() >= 3,
        format!("expert zone: at least the seed's 3 points expected, {} found", l.expert_zone.len()),
    );
    m.check(l.connections.len() == 3, format!("connections: 3 expected, {} found", l.connections.len()));
    let topics: Vec<String> = l.connections.iter().map(|c| c.topic.to_lowercase()).collect();
    for want in ["network security", "identity and access management", "physical security"] {
        m.check(topics.iter().any(|t| t.contains(want)), format!("connection: {want}"));
    }
    m.check(l.pitfalls.len() == 3, format!("pitfalls: 3 expected, {} found", l.pitfalls.len()));
    // Each seed pitfall, recognised by what its wrong and correct code do.
    let find = |pred: &dyn Fn(&str, &str) -> bool| {
        l.pitfalls.iter().find(|p| pred(&p.wrong.source, &p.correct.source))
    };
    let cors = find(&|w, c| {
        w.contains(r#"allow_origins=["*"]"#)
            && w.contains("allow_credentials=True")
            && !c.contains(r#"allow_origins=["*"]"#)
    });
    let secret = find(&|w, c| w.contains(r#"SECRET_KEY = ""#) && c.contains("os.environ"));
    let expiry = find(&|w, c| w.contains(r#""verify_exp": False"#) && c.contains(r#""require": ["exp""#));
    m.check(cors.is_some(), "pitfall: CORS wildcard with credentials (wrong: allow_origins=[\"*\"] + credentials; correct: a trusted list)");
    m.check(
        secret.is_some(),
        "pitfall: hard-coded secret key (wrong: a literal SECRET_KEY; correct: from the environment)",
    );
    m.check(
        expiry.is_some(),
        "pitfall: skipping token expiry (wrong: verify_exp off; correct: exp required)",
    );
    for p in &l.pitfalls {
        m.check(
            p.wrong.runnable && p.correct.runnable,
            format!("pitfall {}: wrong and correct code are complete, runnable programs", p.id),
        );
        m.check(filled(p.root_cause.as_str()), format!("pitfall {}: root cause", p.id));
        if let Some(id) = &p.lab_scenario {
            m.check(l.scenario(id).is_some(), format!("pitfall {}: lab scenario `{id}` exists", p.id));
        }
    }
    for myth in &l.myth_busters {
        if let Some(id) = &myth.lab_scenario {
            m.check(l.scenario(id).is_some(), format!("myth {}: lab scenario `{id}` exists", myth.id));
        }
    }
    m.finish("myths, expert zone, connections, pitfalls");
}

#[test]
fn visual_breakdown_flow_table_tracker_and_moments() {
    let catalog = catalog();
    let l = lesson(&catalog);
    let mut m = Missing::default();
    let stages: Vec<Option<TraceStage>> = l.concept_flow.stages.iter().map(|s| s.trace_stage).collect();
    let want = [
        TraceStage::Send,
        TraceStage::Receive,
        TraceStage::Authenticate,
        TraceStage::Authorize,
        TraceStage::Process,
        TraceStage::Respond,
    ];
    m.check(
        stages == want.map(Some),
        format!("concept flow: six stages send → respond in order, found {stages:?}"),
    );
    m.check(filled(l.concept_flow.summary.as_str()), "concept flow: summary");

    let sample = &l.execution_sample;
    m.check(
        sample.code.source.contains("OAuth2PasswordBearer(tokenUrl=\"token\")"),
        "execution sample: OAuth2PasswordBearer",
    );
    m.check(sample.code.source.contains("\"securetoken\""), "execution sample: the securetoken check");
    m.check(sample.code.runnable, "execution sample: runnable");
    m.check(
        l.scenario(&sample.lab_scenario).is_some(),
        format!("execution sample: lab scenario `{}` exists", sample.lab_scenario),
    );

    let table = &l.execution_table;
    let scenario = l.scenario(&table.lab_scenario);
    m.check(scenario.is_some(), format!("execution table: lab scenario `{}` exists", table.lab_scenario));
    m.check(table.rows.len() == 3, format!("execution table: 3 rows expected, {} found", table.rows.len()));
    let steps: Vec<u32> = table.rows.iter().map(|r| r.step).collect();
    m.check(steps == [1, 2, 3], format!("execution table: steps 1, 2, 3, found {steps:?}"));
    let tokens: Vec<&str> = table.rows.iter().map(|r| r.token.as_str()).collect();
    m.check(tokens.first() == Some(&"securetoken"), "execution table row 1: the good token securetoken");
    // The seed's row 2 sends `badtoken`; the fixtures record exactly that request (seed1/seed-badtoken).
    m.check(tokens.get(1) == Some(&"badtoken"), "execution table row 2: the seed's wrong token badtoken");
    for row in &table.rows {
        let request = scenario.and_then(|s| s.requests.iter().find(|r| r.id == row.request));
        m.check(
            request.is_some(),
            format!("execution table step {}: request `{}` of the table's scenario", row.step, row.request),
        );
        // The row's stated status must be what the scenario expects of that request.
        if let Some(request) = request {
            let status = leading_status(&row.response);
            m.check(
                status.is_some() && request.expect.iter().all(|e| Some(e.status) == status),
                format!(
                    "execution table step {}: response `{}` agrees with request `{}`",
                    row.step, row.response, row.request
                ),
            );
        }
    }
    if let Some(missing) = table.rows.get(2) {
        m.check(
            missing.response.contains("Not authenticated"),
            "execution table step 3: FastAPI's own 401 \"Not authenticated\"",
        );
    }
    m.check(
        table.fastapi_notes.as_ref().is_some_and(|n| n.as_str().contains("0.128.1")),
        "execution table: FastAPI notes",
    );

    let tracker = &l.variable_tracker;
    m.check(tracker.lab_scenario == table.lab_scenario, "variable tracker: same scenario as the table");
    m.check(
        tracker.columns.len() == table.rows.len() + 1,
        "variable tracker: a Start column plus one per table step",
    );
    for v in &tracker.variables {
        m.check(
            v.values.len() == tracker.columns.len(),
            format!("variable tracker `{}`: one value per column", v.name),
        );
    }
    let value_row = |name: &str| tracker.variables.iter().find(|v| v.name == name);
    match value_row("token") {
        Some(token) => {
            for (i, row) in table.rows.iter().enumerate() {
                m.check(
                    token.values.get(i + 1) == Some(&row.token),
                    format!("variable tracker: token after step {} matches the table", row.step),
                );
            }
        }
        None => m.check(false, "variable tracker: token"),
    }
    m.check(value_row("check result").is_some(), "variable tracker: check result");
    match value_row("response") {
        Some(response) => {
            for (i, row) in table.rows.iter().enumerate() {
                let tracked = response.values.get(i + 1).and_then(|v| leading_status(v));
                m.check(
                    tracked == leading_status(&row.response),
                    format!("variable tracker: response status after step {} matches the table", row.step),
                );
            }
        }
        None => m.check(false, "variable tracker: response"),
    }

    m.check(l.key_moments.len() == 2, format!("key moments: 2 expected, {} found", l.key_moments.len()));
    for km in &l.key_moments {
        m.check(
            km.table_steps.iter().all(|s| steps.contains(s)),
            format!("key moment `{}` refers to existing table steps", km.question),
        );
    }
    m.finish("visual breakdown");
}

/// The status code a table cell starts with, e.g. `401 {"detail":…}` → 401.
fn leading_status(text: &str) -> Option<u16> {
    text.split_whitespace().next().and_then(|w| w.parse().ok())
}

#[test]
fn learning_modes() {
    let catalog = catalog();
    let l = lesson(&catalog);
    let mut m = Missing::default();
    let offered: BTreeSet<String> = l.modes.iter().map(|x| format!("{:?}", x.opens)).collect();
    for target in [
        ModeTarget::GuidedWalkthrough,
        ModeTarget::VisualBreakdown,
        ModeTarget::BuildUp,
        ModeTarget::MythBusters,
        ModeTarget::Pitfalls,
        ModeTarget::LiveLab,
        ModeTarget::VisualQuiz,
        ModeTarget::Practice,
        ModeTarget::ReviewMissed,
        ModeTarget::CheatSheet,
        ModeTarget::Transcript,
    ] {
        m.check(offered.contains(&format!("{target:?}")), format!("learning mode {target:?}"));
    }
    for mode in &l.modes {
        m.check(
            filled(&mode.title) && filled(&mode.description),
            format!("learning mode `{}`: title and description", mode.id),
        );
    }
    m.finish("learning modes");
}

fn quiz(catalog: &Catalog, kind: QuizKind) -> &Quiz {
    catalog.quiz_of_kind(kind).unwrap_or_else(|| panic!("no {} quiz", kind.as_str()))
}

/// What every question owes the learner: a hint ladder, a worked solution, and a misconception on
/// each wrong choice.
fn question_is_complete(q: &Question, m: &mut Missing, quiz_id: &str) {
    let at = format!("{quiz_id}/{}", q.id);
    m.check(q.hints.len() >= 2, format!("{at}: at least 2 hints, {} found", q.hints.len()));
    m.check(!q.solution.is_empty(), format!("{at}: worked solution steps"));
    m.check(filled(q.final_answer.as_str()), format!("{at}: final answer"));
    m.check(filled(&q.quick_check), format!("{at}: quick check"));
    m.check(!q.tags.is_empty(), format!("{at}: tags"));
    m.check(
        q.choices.iter().any(|c| c.id == q.answer),
        format!("{at}: the answer `{}` is one of the choices", q.answer),
    );
    m.check(q.choices.len() >= 2, format!("{at}: at least 2 choices"));
    for c in q.choices.iter().filter(|c| c.id != q.answer) {
        m.check(
            c.mistake.as_ref().is_some_and(|x| filled(x.as_str())),
            format!("{at}: a mistake explanation on wrong choice `{}`", c.id),
        );
    }
}

#[test]
fn visual_quiz_has_three_questions_about_the_table() {
    let catalog = catalog();
    let q = quiz(&catalog, QuizKind::Visual);
    let mut m = Missing::default();
    m.check(q.lesson == LESSON_ID, "visual quiz: belongs to the lesson");
    m.check(
        q.questions.len() == 3,
        format!("visual quiz: 3 questions expected, {} found", q.questions.len()),
    );
    for question in &q.questions {
        question_is_complete(question, &mut m, &q.id);
    }
    m.finish("visual quiz");
}

#[test]
fn practice_quiz_covers_every_difficulty_and_topic() {
    let catalog = catalog();
    let l = lesson(&catalog);
    let q = quiz(&catalog, QuizKind::Practice);
    let mut m = Missing::default();
    m.check(q.questions.len() >= 24, format!("practice: at least 24 questions, {} found", q.questions.len()));
    for d in Difficulty::ALL {
        let n = q.questions.iter().filter(|x| x.difficulty == d).count();
        m.check(n >= 6, format!("practice: at least 6 {} questions, {n} found", d.as_str()));
    }
    for question in &q.questions {
        question_is_complete(question, &mut m, &q.id);
    }
    let ids: BTreeSet<&str> = q.questions.iter().map(|x| x.id.as_str()).collect();
    m.check(ids.len() == q.questions.len(), "practice: question ids are unique");

    let with_lab: Vec<&Question> = q.questions.iter().filter(|x| x.lab_scenario.is_some()).collect();
    m.check(
        with_lab.len() >= 6,
        format!("practice: at least 6 questions name a lab scenario, {} do", with_lab.len()),
    );
    for question in q.questions.iter().chain(&quiz(&catalog, QuizKind::Visual).questions) {
        if let Some(id) = &question.lab_scenario {
            m.check(
                l.scenario(id).is_some(),
                format!("question {}: lab scenario `{id}` exists", question.id),
            );
        }
    }

    let tags: BTreeSet<&str> = q.questions.iter().flat_map(|x| x.tags.iter().map(String::as_str)).collect();
    for topic in [
        "authentication",
        "authorization",
        "oauth2",
        "bearer-token",
        "api-keys",
        "jwt",
        "expiry",
        "signature",
        "alg-none",
        "secrets",
        "scopes",
        "roles",
        "cors",
        "https",
        "rate-limiting",
        "reading-code",
        "versions",
    ] {
        m.check(tags.contains(topic), format!("practice: a question tagged `{topic}`"));
    }
    m.finish("practice quiz");
}

/// The seed's five practice questions, in our words and fixed where the seed was wrong.
#[test]
fn seed_practice_questions_are_present_and_corrected() {
    let catalog = catalog();
    let q = quiz(&catalog, QuizKind::Practice);
    let mut m = Missing::default();
    let text = |x: &Question| {
        let mut all = format!("{} {}", x.stem.as_str(), x.code.as_ref().map_or("", |c| c.source.as_str()));
        for c in &x.choices {
            all.push(' ');
            all.push_str(&c.text);
        }
        all
    };
    let answer = |x: &Question| {
        x.choices.iter().find(|c| c.id == x.answer).map(|c| c.text.clone()).unwrap_or_default()
    };

    // Q1: why API security is critical.
    m.check(
        q.questions.iter().any(|x| x.id == "why-security" && x.stem.as_str().contains("API security")),
        "seed Q1: why API security is critical",
    );
    // Q2: which code adds a security dependency (APIKeyHeader + Security).
    m.check(
        q.questions
            .iter()
            .any(|x| text(x).contains("APIKeyHeader") && answer(x).contains("Security(api_key_header)")),
        "seed Q2: APIKeyHeader with Security(...)",
    );
    // Q3: the missing X-API-Key, asked for current FastAPI: 401 + WWW-Authenticate: APIKey, with the
    // 0.122.0 change explained.
    let q3 = q.questions.iter().find(|x| text(x).contains("X-API-Key") && answer(x).contains("401"));
    m.check(q3.is_some(), "seed Q3: a missing X-API-Key answers 401 on current FastAPI");
    if let Some(q3) = q3 {
        m.check(
            answer(q3).contains("WWW-Authenticate: APIKey"),
            "seed Q3: the answer names WWW-Authenticate: APIKey",
        );
        m.check(
            q3.solution.iter().any(|s| s.as_str().contains("0.122.0")),
            "seed Q3: the solution explains the 0.122.0 change",
        );
    }
    // Q4: the missing Depends import; the snippet is deliberately broken, so it is not runnable.
    let q4 = q.questions.iter().find(|x| {
        x.code.as_ref().is_some_and(|c| {
            c.source.contains("Depends(api_key_header)")
                && !c.source.contains("import Depends")
                && !c.source.contains("Depends,")
        })
    });
    m.check(q4.is_some(), "seed Q4: the snippet using Depends without importing it");
    if let Some(q4) = q4 {
        m.check(
            q4.code.as_ref().is_some_and(|c| !c.runnable),
            "seed Q4: the broken snippet is marked runnable: false",
        );
        m.check(answer(q4).contains("never imported"), "seed Q4: the answer is the missing import");
    }
    // Q5: protecting an endpoint; APIKeyHeader never validates, and a wrong credential is 401.
    let q5 = q.questions.iter().find(|x| x.id == "protect-endpoint");
    m.check(q5.is_some(), "seed Q5: protecting an endpoint with a valid token");
    if let Some(q5) = q5 {
        m.check(answer(q5).contains("401"), "seed Q5: the answer uses 401 for invalid credentials");
        m.check(
            q5.choices.iter().any(|c| {
                c.id != q5.answer
                    && c.text.contains("403")
                    && c.mistake.as_ref().is_some_and(|x| x.as_str().contains("never checks the value"))
            }),
            "seed Q5: the old \"return 403 if invalid\" choice is explained as wrong",
        );
    }
    m.finish("seed practice questions");
}
