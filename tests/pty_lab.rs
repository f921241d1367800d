//! End-to-end: `apisec-tutor lab` in a pseudo-terminal (80×24), its screen parsed by vt100. The
//! lab starts its embedded demo API on 127.0.0.1, `r` replays the seed over real HTTP, and the
//! three rows must show 200 / 401 / 401; quitting hands the terminal back.
//!
//! Waits poll the *parsed* screen with a bounded deadline (frames arrive as cell diffs).
#![cfg(unix)]
// A test harness: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::pty::Pty as Tui;

/// The table rows (`▶1 …`, ` 2 …`) with their response cell, in screen order.
fn row_statuses(screen: &str) -> Vec<(u32, String)> {
    screen
        .lines()
        .filter_map(|line| {
            let cells = line.trim_start_matches('│');
            let (num, rest) = cells.trim_start_matches(['▶', ' ']).split_once(' ')?;
            let id: u32 = num.parse().ok()?;
            let status = ["200 ", "401 ", "403 ", "sending…"].iter().find(|s| rest.contains(**s))?;
            Some((id, status.trim().to_owned()))
        })
        .collect()
}

#[test]
fn lab_replays_the_seed_over_real_http_and_quits_cleanly() {
    let mut t = Tui::start(&["lab"]);
    // The demo API is up once its loopback address is in the header.
    t.wait_until("the lab with its server", |s| {
        s.contains("Live lab · FastAPI") && s.contains("http://127.0.0.1:")
    });
    t.send("r");
    t.wait_until("three answered rows", |s| {
        row_statuses(s) == vec![(1, "200".into()), (2, "401".into()), (3, "401".into())]
    });
    let screen = t.screen();
    assert!(screen.contains("401 Unauthorized") && screen.contains("401 Not authenticated"), "{screen}");
    // The missing-token row stopped at authenticate, before the handler.
    t.send("Gt");
    t.wait_until("the flow of row 3", |s| s.contains("✗ Authenticate") && s.contains("before the handler"));
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn lab_opens_a_scenario_ready_sends_it_and_compares_versions() {
    let mut t = Tui::start(&["lab", "--scenario", "api-key-data", "--fastapi-version", "0.121.3"]);
    t.wait_until("the scenario ready", |s| {
        s.contains("api-key-data") && s.contains("FastAPI 0.121.3 · http://")
    });
    t.send("s");
    t.wait_until("the scenario's answers", |s| {
        row_statuses(s) == vec![(1, "403".into()), (2, "403".into()), (3, "200".into())]
    });
    // `v` restarts the demo API as the newest FastAPI and replays: both answers side by side.
    t.send("v");
    t.wait_until("the replay on 0.165.0", |s| {
        s.contains("FastAPI 0.165.0 · http://")
            && row_statuses(s)
                == vec![
                    (1, "403".into()),
                    (2, "403".into()),
                    (3, "200".into()),
                    (4, "401".into()),
                    (5, "401".into()),
                    (6, "200".into()),
                ]
    });
    let screen = t.screen();
    assert!(screen.contains("403→401 Not auth"), "{screen}");
    assert!(screen.contains("FastAPI 0.121.3 → 0.165.0: replaying 3 request(s)"), "{screen}");
    // Ctrl-C quits from the lab too, and the servers stop with it.
    t.send("\x03");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}
