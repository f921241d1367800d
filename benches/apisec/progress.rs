//! The cost of saving one answer as the history grows (issue 18: 1.0 s at 10k attempts and
//! more than 20 s at 300k, when every save rewrote the whole file), and opening a big history.
//! Each size is a real progress store in a temporary data dir: the history is written once,
//! then answers are saved one at a time exactly as `quiz --plain` does.

use std::time::{Duration, Instant};

use apisec_tutor::content::Difficulty;
use apisec_tutor::progress::{Attempt, Progress, Store};

use crate::Ctx;

const GROUP: &str = "progress";

fn attempt(k: usize) -> Attempt {
    Attempt {
        id: String::new(),
        at: 1_700_000_000 + k as u64,
        quiz: "practice".into(),
        question: format!("question-{}", k % 300),
        difficulty: Difficulty::Medium,
        choice: "b".into(),
        letter: String::new(),
        correct: !k.is_multiple_of(3),
        hints_used: (k % 3) as u32,
        seconds: 12,
    }
}

pub fn measure(ctx: &mut Ctx) {
    let sizes: &[usize] = if ctx.mode == crate::Mode::Full { &[10_000, 100_000] } else { &[1_000] };
    for &size in sizes {
        let Ok(dir) = tempfile::tempdir() else {
            ctx.report.not_available("progress", "no temporary directory");
            return;
        };
        let (mut writer, _, _) = Store::open(dir.path());
        let mut seeded = Progress::new();
        for k in 0..size {
            seeded.record_attempt(attempt(k));
        }
        if writer.sync(&mut seeded).is_err() {
            ctx.report.not_available("progress", "the history could not be written");
            return;
        }
        let opened = Instant::now();
        let (mut store, mut progress, _) = Store::open(dir.path());
        let open_time = opened.elapsed();
        // Enough saves to cross a compaction, so its cost is in the samples.
        let n = ctx.mode.pick(400, 20);
        let samples: Vec<Duration> = (0..n)
            .map(|i| {
                progress.record_attempt(attempt(size + i));
                let t = Instant::now();
                let saved = store.save(&progress);
                let d = t.elapsed();
                assert!(saved.is_ok(), "a save failed");
                d
            })
            .collect();
        ctx.report.timing(GROUP, &format!("save one answer, {size} in the history"), &samples, None);
        ctx.report.timing(GROUP, &format!("open a history of {size}"), &[open_time], None);
    }
}
