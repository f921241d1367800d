//! The facts a careful reader corrected (issue: CORS preflights, 401 vs 403, OAuth2 framing, the
//! OWASP map, runnable samples, fair quizzes), pinned so that a later edit cannot quietly bring a
//! wrong one back. Each test reads the shipped content as the learner gets it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use apisec_tutor::content::{self, Catalog, Lesson, Md, Quiz};

fn catalog() -> Catalog {
    content::load_embedded().expect("the shipped content loads")
}

fn lesson(c: &Catalog) -> &Lesson {
    c.lesson("why-api-security").expect("the shipped lesson")
}

/// Every piece of lesson prose, lower-cased, in one string (Markdown files are already inlined).
fn lesson_text(l: &Lesson) -> String {
    serde_json::to_string(l).unwrap().to_lowercase()
}

fn quiz_text(q: &Quiz) -> String {
    serde_json::to_string(q).unwrap().to_lowercase()
}

fn md(m: &Md) -> String {
    m.as_str().to_lowercase()
}

#[test]
fn cors_requests_with_authorization_are_preflighted_and_cookies_are_the_danger() {
    let c = catalog();
    let all = format!("{}{}", lesson_text(lesson(&c)), c.quizzes.iter().map(quiz_text).collect::<String>());
    // The old claim: a GET carrying `Authorization` is a simple, un-preflighted request.
    assert!(!all.contains("a simple get is not preflighted"), "the false simple-request claim is back");
    let pitfall = lesson(&c).pitfalls.iter().find(|p| p.id == "cors-wildcard-credentials").unwrap();
    let root = md(&pitfall.root_cause);
    for needed in ["preflight", "cookie", "samesite", "csrf", "null", "echo"] {
        assert!(root.contains(needed), "the CORS pitfall's root cause must explain {needed:?}: {root}");
    }
    let q = c.quizzes.iter().flat_map(|q| &q.questions).find(|q| q.id == "cors-not-access-control").unwrap();
    let text = serde_json::to_string(q).unwrap().to_lowercase();
    assert!(text.contains("non-simple") && text.contains("preflight"), "{text}");
}

#[test]
fn an_unhandled_500_leaves_without_cors_headers() {
    let l = lesson(&catalog()).clone();
    let under = md(&l.under_the_hood.body);
    assert!(!under.contains("every error on the way\nout still passes through the middleware"));
    assert!(under.contains("servererrormiddleware") && under.contains("no cors headers"), "{under}");
}

#[test]
fn status_codes_follow_the_rfcs_and_say_where_fastapi_differs() {
    let c = catalog();
    let l = lesson(&c);
    let text = lesson_text(l);
    // A missing scope: 403 insufficient_scope by RFC 6750, 401 in FastAPI's tutorial.
    assert!(text.contains("insufficient_scope") && text.contains("rfc 6750"), "insufficient_scope missing");
    assert!(text.contains(r#"bearer scope=\"items me\""#), "the tutorial's scope header shape");
    // OAuth2PasswordBearer has always answered 401: no takeaway may say a missing bearer
    // credential was 403 before 0.122.0.
    for t in &l.key_takeaways {
        let t = t.to_lowercase();
        assert!(
            !(t.contains("bearer credential is 401") && t.contains("before, it was 403")),
            "wrong takeaway: {t}"
        );
    }
    assert!(l.key_takeaways.iter().any(|t| t.contains("OAuth2PasswordBearer") && t.contains("always")));
    // The sample's own 401 without WWW-Authenticate is called a standards bug, and fixed.
    let explanation = md(&l.execution_sample.explanation);
    assert!(explanation.contains("rfc 9110") && explanation.contains("www-authenticate"), "{explanation}");
    // The lower-case scheme question is qualified by version.
    let q = c.quizzes.iter().flat_map(|q| &q.questions).find(|q| q.id == "lowercase-bearer").unwrap();
    let text = serde_json::to_string(q).unwrap();
    assert!(text.contains("0.121.3") && text.contains("HTTPBearer"), "{text}");
}

#[test]
fn oauth2_is_framed_as_authorization_and_the_password_grant_as_deprecated() {
    let text = lesson_text(lesson(&catalog()));
    for needed in ["authorization* framework", "rfc 9700", "pkce", "openid connect"] {
        assert!(text.contains(needed), "missing {needed:?}");
    }
}

#[test]
fn the_lesson_maps_itself_to_the_owasp_api_top_10() {
    let l = lesson(&catalog()).clone();
    let point = l.expert_zone.iter().find(|p| p.title.contains("OWASP")).expect("an OWASP point");
    let body = point.body.as_str();
    for n in 1..=10 {
        assert!(body.contains(&format!("| API{n} ")), "API{n} is not in the map");
    }
}

#[test]
fn every_runnable_sample_says_what_it_needs() {
    let c = catalog();
    let samples = content::samples::collect(&c);
    let runnable: Vec<_> = samples.iter().filter(|s| s.code.runnable).collect();
    assert!(runnable.len() >= 7);
    for s in runnable {
        let req = s.code.requires.as_ref().unwrap_or_else(|| panic!("{} has no requires", s.place));
        assert!(req.packages.iter().any(|p| p.starts_with("fastapi==")), "{}", s.place);
        assert!(!req.run.is_empty(), "{}", s.place);
        // Every variable the code reads is declared, with an example the test can use.
        for var in ["SECRET_KEY", "API_KEY"] {
            if s.code.source.contains(&format!("\"{var}\"")) {
                assert!(
                    req.env.iter().any(|e| e.name == var),
                    "{} reads {var} without declaring it",
                    s.place
                );
            }
        }
    }
}

#[test]
fn quiz_keys_cannot_be_guessed_by_length_or_position() {
    let c = catalog();
    let questions: Vec<_> = c.quizzes.iter().flat_map(|q| &q.questions).collect();
    let mut longest = 0;
    let mut positions = [0usize; 8];
    for q in &questions {
        let right = q.choices.iter().position(|c| c.id == q.answer).unwrap();
        positions[right] += 1;
        let len = |i: usize| q.choices[i].text.chars().count();
        if (0..q.choices.len()).all(|j| j == right || len(j) < len(right)) {
            longest += 1;
        }
    }
    let n = questions.len();
    // A fair share for four choices is a quarter; allow a little over.
    assert!(longest * 3 <= n, "the right choice is the longest in {longest} of {n} questions");
    assert!(positions.iter().all(|&p| p * 2 <= n), "positions {positions:?} of {n}");
}

#[test]
fn predictions_and_myths_cannot_be_gamed() {
    let l = lesson(&catalog()).clone();
    let bests: Vec<usize> = l.build_up.iter().filter_map(|s| s.predict.as_ref()?.best).collect();
    assert!(bests.len() >= 4);
    assert!(bests.iter().any(|&b| b != bests[0]), "every prediction has the same right option: {bests:?}");
    let true_beliefs = l.myth_busters.iter().filter(|m| m.belief_is_true).count();
    assert!(true_beliefs >= 1, "all beliefs are myths: pressing \"myth\" always wins");
    assert!(true_beliefs < l.myth_busters.len());
}

#[test]
fn the_plain_reader_asks_before_it_answers() {
    let l = lesson(&catalog()).clone();
    let text = apisec_tutor::tui::doc::plain(&l, &[content::SectionKind::BuildUp]);
    for step in l.build_up.iter().filter_map(|s| s.predict.as_ref()) {
        let Some(best) = step.best.and_then(|b| step.options.get(b)) else { continue };
        let asked = text.find(&step.prompt).expect("the prompt is printed");
        let answered = text
            .find(&format!("Best answer: {best}"))
            .or_else(|| text[asked..].find(best.as_str()).map(|i| i + asked));
        let answered = answered.expect("the best answer is printed");
        // Between the question and its answer comes the explanation, not the answer itself.
        let between = &text[asked..answered];
        assert!(between.lines().count() > 8, "the answer follows the question too closely:\n{between}");
    }
}

#[test]
fn the_starter_lesson_does_not_teach_a_wrong_403() {
    let starter = include_str!("../src/commands/templates/lesson.yaml");
    // /users/me uses OAuth2PasswordBearer, which has answered a missing token with 401 always.
    assert!(!starter.contains("status: 403"), "the starter expects 403 for a missing bearer token");
}
