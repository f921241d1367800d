//! The committed demo (assets/demo.cast, assets/screenshots/*.txt, made by scripts/record-demo
//! from the release binary) is not stale in the obvious ways: it is an 80×24 asciinema v2
//! recording, each screenshot fits 80×24, and the screens show today's content (the first
//! lesson's title, the prompt of its first build-up prediction, the live lab's newest FastAPI
//! version). A change that breaks these means: run scripts/record-demo again and commit.
//! The screens' exact layout is pinned by the snapshot tests, not here.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::path::PathBuf;

fn asset(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets").join(path);
    std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/record-demo)", full.display()))
}

const SHOTS: [&str; 6] = [
    "01-home",
    "02-build-up-predict",
    "03-build-up-reveal",
    "04-lab-good-and-bad-token",
    "05-quiz-question",
    "06-quiz-answered",
];

#[test]
fn the_cast_is_an_80x24_asciinema_v2_recording_in_time_order() {
    let cast = asset("demo.cast");
    let mut lines = cast.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        (header["version"].as_u64(), header["width"].as_u64(), header["height"].as_u64()),
        (Some(2), Some(80), Some(24))
    );
    let mut last = 0.0;
    let mut events = 0;
    for line in lines {
        let event: (f64, String, String) = serde_json::from_str(line).unwrap();
        assert!(event.0 >= last, "{line}");
        assert!(["o", "i", "r", "m"].contains(&event.1.as_str()), "{line}");
        last = event.0;
        events += 1;
    }
    assert!(events > 10 && last > 5.0, "{events} events over {last} s");
}

#[test]
fn every_screenshot_fits_the_classic_terminal() {
    use unicode_width::UnicodeWidthStr;
    for name in SHOTS {
        let text = asset(&format!("screenshots/{name}.txt"));
        assert!(text.lines().count() <= 24, "{name}: {} lines", text.lines().count());
        for line in text.lines() {
            assert!(line.width() <= 80, "{name}: {line:?}");
        }
    }
}

#[test]
fn the_screenshots_show_todays_content() {
    let catalog = apisec_tutor::content::load_embedded().unwrap();
    let lesson = &catalog.lessons[0];
    assert!(asset("screenshots/01-home.txt").contains(&lesson.title), "home shows {:?}", lesson.title);
    let prompt = lesson.build_up.iter().find_map(|s| s.predict.as_ref()).map(|p| &p.prompt).unwrap();
    // The prompt is wrapped on screen: compare its words in order.
    let screen = asset("screenshots/02-build-up-predict.txt");
    let words = |s: &str| {
        s.split_whitespace()
            .map(|w| w.trim_start_matches('?').to_owned())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(words(&screen).contains(&words(prompt)), "the first prediction: {prompt:?}");
    let newest = apisec_tutor::lab::FastApiVersion::NEWEST.to_string();
    assert!(asset("screenshots/04-lab-good-and-bad-token.txt").contains(&format!("FastAPI {newest}")));
}

#[test]
fn the_readme_shows_the_recording() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("assets/demo.cast"));
    for name in SHOTS {
        assert!(readme.contains(&format!("assets/screenshots/{name}.txt")), "README links {name}");
    }
    // The home screen shown inline is the recorded one.
    let home = asset("screenshots/01-home.txt");
    assert!(readme.contains(&format!("```\n{}\n```\n<!-- /demo:home -->", home.trim_end_matches('\n'))));
}
