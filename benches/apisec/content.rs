//! Content load and `check` time: the shipped content, then generated packs of 10, 100 and 1,000
//! lessons (five questions each), to show how the time grows with the amount of content.
//! 2,000 lessons next to 1,000 shows whether `check` stays linear (issue 16).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use apisec_tutor::content::{self, Source};
use serde_json::json;

use crate::pack::{Pack, Template};
use crate::report::Target;
use crate::{Ctx, stats};

const GROUP: &str = "content";

pub fn measure(ctx: &mut Ctx) {
    shipped(ctx);
    packs(ctx);
}

fn shipped(ctx: &mut Ctx) {
    // What start-up uses (the catalog build.rs made), and a parse of the same embedded files at
    // run time (what start-up did before, and what `check` still does), in the same run.
    type Load = fn() -> Result<content::Catalog, content::ContentErrors>;
    let ways: [(&str, Load); 2] = [
        ("load shipped, prebuilt at build time", content::load_embedded),
        ("parse shipped at run time", || content::load(&[Source::Embedded])),
    ];
    for (what, load) in ways {
        match load() {
            Ok(catalog) => {
                let n = ctx.mode.pick(200, 5);
                let samples: Vec<Duration> = (0..n)
                    .map(|_| {
                        let t = Instant::now();
                        let loaded = load();
                        let d = t.elapsed();
                        assert!(loaded.is_ok(), "the embedded content loaded once, then failed");
                        d
                    })
                    .collect();
                let questions: usize = catalog.quizzes.iter().map(|q| q.questions.len()).sum();
                ctx.report.timing(
                    GROUP,
                    &format!("{what} ({} lessons, {questions} questions), in process", catalog.lessons.len()),
                    &samples,
                    (what.contains("prebuilt")).then(|| {
                        let median = stats::summarize(&samples).map(|s| s.median).unwrap_or_default();
                        Target::at_most("median", median, Duration::from_millis(1))
                    }),
                );
            }
            Err(e) => ctx.report.not_available(
                &format!("content: {what}"),
                &format!("the embedded content does not load: {e}"),
            ),
        }
    }
    let n = ctx.mode.pick(20, 3);
    match time_check(ctx.bin, None, n) {
        Ok(samples) => ctx.report.timing(GROUP, "`apisec-tutor check` shipped (process)", &samples, None),
        Err(e) => ctx.report.not_available("content: `check` shipped", &e),
    }
}

fn packs(ctx: &mut Ctx) {
    let template = match Template::find() {
        Ok(t) => t,
        Err(e) => {
            ctx.report.not_available("content: generated packs", &format!("no usable template: {e}"));
            return;
        }
    };
    ctx.report.note(format!("generated packs are copies of the {}", template.label));
    let mut per_lesson = Vec::new();
    for (lessons, full_iters, quick_iters) in [(10, 20, 2), (100, 10, 1), (1000, 5, 1), (2000, 3, 1)] {
        // The debug smoke run (`cargo test --all-targets`) stops at 10: the same code paths; more
        // lessons through an unoptimised YAML parser would only slow CI down.
        if lessons > 10 && !ctx.optimized {
            ctx.report.not_available(&format!("content: pack of {lessons}"), "skipped in a debug build");
            continue;
        }
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => {
                ctx.report.not_available("content: generated packs", &format!("no temporary directory: {e}"));
                return;
            }
        };
        let pack = match template.write(dir.path(), lessons) {
            Ok(p) => p,
            Err(e) => {
                ctx.report.not_available(
                    &format!("content: pack of {lessons}"),
                    &format!("could not write it: {e}"),
                );
                continue;
            }
        };
        let label = describe(&pack);
        // The first load also proves the pack is valid content: a pack with errors is not timed,
        // since the figure would then measure something else.
        let iters = ctx.mode.pick(full_iters, quick_iters);
        let mut samples = Vec::with_capacity(iters);
        let mut invalid = None;
        for _ in 0..iters {
            let t = Instant::now();
            let loaded = content::load(&[Source::Dir(dir.path().to_path_buf())]);
            samples.push(t.elapsed());
            if let Err(errors) = loaded {
                let first = errors.0.first().map(ToString::to_string).unwrap_or_default();
                invalid = Some(format!(
                    "the generated pack does not pass the loader ({} errors, first: {first})",
                    errors.0.len()
                ));
                break;
            }
        }
        if let Some(why) = invalid {
            ctx.report.not_available(&format!("content: {label}"), &why);
            continue;
        }
        ctx.report.timing(GROUP, &format!("load {label}, in process"), &samples, None);
        match time_check(ctx.bin, Some(dir.path()), iters) {
            Ok(samples) => {
                let median = stats::summarize(&samples).map(|s| s.median).unwrap_or_default();
                let target =
                    (lessons == 1000).then(|| Target::at_most("median", median, Duration::from_secs(1)));
                ctx.report.timing(GROUP, &format!("`check` {label} (process)"), &samples, target);
                per_lesson.push((lessons, median / u32::try_from(lessons).unwrap_or(1)));
            }
            Err(e) => ctx.report.not_available(&format!("content: `check` {label}"), &e),
        }
    }
    if !per_lesson.is_empty() {
        let shown: Vec<String> = per_lesson.iter().map(|(n, d)| format!("{n}: {}", stats::fmt(*d))).collect();
        ctx.report.value(
            GROUP,
            "`check` time per lesson, by pack size",
            shown.join(", "),
            json!(
                per_lesson
                    .iter()
                    .map(|(n, d)| json!({"lessons": n, "ms_per_lesson": stats::ms(*d)}))
                    .collect::<Vec<_>>()
            ),
            None,
        );
    }
}

fn describe(p: &Pack) -> String {
    format!("{} lessons/{} questions ({} KiB)", p.lessons, p.questions, p.bytes / 1024)
}

/// Wall time of `apisec-tutor check [DIR]`, process start to exit; it must exit 0.
fn time_check(bin: &str, dir: Option<&Path>, n: usize) -> Result<Vec<Duration>, String> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let mut cmd = Command::new(bin);
        cmd.arg("check").stdout(Stdio::piped()).stderr(Stdio::piped());
        if let Some(d) = dir {
            cmd.arg(d);
        }
        let t = Instant::now();
        let out = cmd.output().map_err(|e| format!("cannot run {bin}: {e}"))?;
        let d = t.elapsed();
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            let err = String::from_utf8_lossy(&out.stderr);
            let first = text.lines().chain(err.lines()).next().unwrap_or("").to_owned();
            return Err(format!("`check` exited with {} ({first})", out.status));
        }
        samples.push(d);
    }
    Ok(samples)
}
