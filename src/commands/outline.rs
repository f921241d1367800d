//! `apisec-tutor outline [--content DIR] [--json]`: the table of contents of the content.
//!
//! JSON shape (issue 4): `{"lessons":[{"id","title","sections":[{"kind","title","items",
//! "predictions"?,"commits"?}]}],"quizzes":[{"id","title","kind","lesson","questions":[{"id",
//! "difficulty","tags","lab_scenario"?}]}]}`. `predictions` appears on sections with
//! predict-before-reveal prompts (build-up), `commits` on myth busters (true/false commits).

use std::process::ExitCode;

use serde_json::{Value, json};

use crate::Error;
use crate::cli::{Cli, OutlineArgs};
use crate::content::{Catalog, SectionKind};

pub fn run(cli: &Cli, args: &OutlineArgs) -> Result<ExitCode, Error> {
    let catalog = super::catalog(cli)?;
    if args.json {
        let text = serde_json::to_string_pretty(&to_json(&catalog))
            .map_err(|e| Error::Usage(format!("cannot print the outline: {e}")))?;
        super::check::print_out(&format!("{}\n", crate::safe_text::json(&text)))?;
    } else {
        super::check::print_out(&to_text(&catalog))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[must_use]
pub fn to_json(catalog: &Catalog) -> Value {
    let lessons: Vec<Value> = catalog
        .lessons
        .iter()
        .map(|lesson| {
            // A short lesson leaves sections out; so does its outline.
            let sections: Vec<Value> = SectionKind::ALL
                .iter()
                .filter(|&&kind| lesson.items(kind) > 0)
                .map(|&kind| {
                    let mut section = json!({
                        "kind": kind.as_str(),
                        "title": kind.title(),
                        "items": lesson.items(kind),
                    });
                    let predictions = lesson.predictions(kind);
                    if predictions > 0 {
                        section["predictions"] = json!(predictions);
                    }
                    if kind == SectionKind::MythBusters {
                        section["commits"] = json!(lesson.myth_busters.len());
                    }
                    section
                })
                .collect();
            let scenarios: Vec<&str> = lesson.lab_scenarios.iter().map(|s| s.id.as_str()).collect();
            let apps: Vec<serde_json::Value> = lesson
                .lab_apps
                .iter()
                .map(|a| {
                    let routes: Vec<String> = a.routes.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
                    json!({"id": a.id, "title": a.title, "twin": a.has_twin(), "routes": routes})
                })
                .collect();
            json!({"id": lesson.id, "title": lesson.title, "sections": sections, "lab_scenarios": scenarios, "lab_apps": apps})
        })
        .collect();
    let quizzes: Vec<Value> = catalog
        .quizzes
        .iter()
        .map(|quiz| {
            let questions: Vec<Value> = quiz
                .questions
                .iter()
                .map(|q| {
                    let mut question =
                        json!({"id": q.id, "difficulty": q.difficulty.as_str(), "tags": q.tags});
                    if let Some(scenario) = &q.lab_scenario {
                        question["lab_scenario"] = json!(scenario);
                    }
                    question
                })
                .collect();
            json!({
                "id": quiz.id,
                "title": quiz.title,
                "kind": quiz.kind.as_str(),
                "lesson": quiz.lesson,
                "questions": questions,
            })
        })
        .collect();
    json!({"lessons": lessons, "quizzes": quizzes})
}

#[must_use]
pub fn to_text(catalog: &Catalog) -> String {
    let mut out = String::new();
    for lesson in &catalog.lessons {
        out.push_str(&format!("Lesson {} — {}\n", lesson.id, lesson.title));
        let present = SectionKind::ALL.iter().filter(|&&kind| lesson.items(kind) > 0);
        for (n, &kind) in present.enumerate() {
            let mut extra = String::new();
            let predictions = lesson.predictions(kind);
            if predictions > 0 {
                extra.push_str(&format!(", {predictions} prediction(s)"));
            }
            if kind == SectionKind::MythBusters {
                extra.push_str(&format!(", {} commit(s)", lesson.myth_busters.len()));
            }
            out.push_str(&format!(
                "  {:>2}. {:<30} {} item(s){extra}\n",
                n + 1,
                kind.title(),
                lesson.items(kind)
            ));
        }
        for a in &lesson.lab_apps {
            let twin = if a.has_twin() { ", with a vulnerable twin" } else { "" };
            out.push_str(&format!(
                "  Lab app {} (apisec-tutor lab --code {}): {}; {} route(s){twin}\n",
                a.id,
                a.id,
                a.title,
                a.routes.len()
            ));
        }
        if !lesson.lab_scenarios.is_empty() {
            let ids: Vec<&str> = lesson.lab_scenarios.iter().map(|s| s.id.as_str()).collect();
            out.push_str(&format!("  Lab scenarios (apisec-tutor lab --scenario ID): {}\n", ids.join(", ")));
        }
    }
    for quiz in &catalog.quizzes {
        out.push_str(&format!(
            "Quiz {} — {} ({}, lesson {}, {} question(s))\n",
            quiz.id,
            quiz.title,
            quiz.kind.as_str(),
            quiz.lesson,
            quiz.questions.len()
        ));
        for q in &quiz.questions {
            out.push_str(&format!("  - {} [{}]\n", q.id, q.difficulty.as_str()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{self, Source};
    use std::path::PathBuf;

    fn fixture() -> Catalog {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid");
        content::load(&[Source::Dir(dir)]).unwrap()
    }

    #[test]
    fn json_has_every_section_with_counts() {
        let json = to_json(&fixture());
        let sections = json["lessons"][0]["sections"].as_array().unwrap();
        assert_eq!(sections.len(), SectionKind::ALL.len());
        let by_kind = |k: &str| sections.iter().find(|s| s["kind"] == k).unwrap().clone();
        assert_eq!(by_kind("build_up")["items"], 2);
        assert_eq!(by_kind("build_up")["predictions"], 1);
        assert_eq!(by_kind("myth_busters")["commits"], 1);
        assert_eq!(by_kind("execution_table")["items"], 2);
        assert!(by_kind("pitfalls").get("predictions").is_none());
        assert_eq!(by_kind("overview")["title"], "Overview");
    }

    #[test]
    fn json_lists_quizzes_and_their_questions() {
        let json = to_json(&fixture());
        let quiz = &json["quizzes"][0];
        assert_eq!(quiz["id"], "demo-quiz");
        assert_eq!(quiz["kind"], "practice");
        assert_eq!(quiz["questions"][0]["id"], "status-401");
        assert_eq!(quiz["questions"][0]["difficulty"], "easy");
    }

    #[test]
    fn text_is_a_table_of_contents() {
        let text = to_text(&fixture());
        assert!(text.contains("Lesson demo-lesson — A small lesson"), "{text}");
        assert!(text.contains("Build-up steps"), "{text}");
        assert!(text.contains("1 prediction(s)"), "{text}");
        assert!(text.contains("  - status-401 [easy]"), "{text}");
    }
}
