//! The line-based quiz (`quiz --plain`): for screen readers, scripts and classrooms.
//!
//! It prints each question as plain text, reads one answer per line (`a`–`d` or `1`–`4`, `h` for
//! the next hint, `q` to stop), prints the feedback, and always ends with the hint-adjusted score
//! and then the line `score: X/Y` (X right answers, Y questions answered). End of input stops the
//! quiz like `q`. Generic over reader and writer so tests run it on byte buffers.

use std::io::{self, BufRead, Write};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::scoring::format_points;
use super::session::{Feedback, Session, Summary, Tally, letter};
use crate::content::Md;
use crate::progress::Attempt;

/// What a line of input asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Choice(usize),
    Hint,
    Quit,
    Invalid,
}

fn parse_input(line: &str, choices: usize) -> Input {
    let word = line.trim().to_ascii_lowercase();
    match word.as_str() {
        "h" | "hint" | "?" => return Input::Hint,
        "q" | "quit" | "stop" => return Input::Quit,
        _ => {}
    }
    let index = match word.as_bytes() {
        [c @ b'a'..=b'z'] => Some(usize::from(c - b'a')),
        _ => word.parse::<usize>().ok().and_then(|n| n.checked_sub(1)),
    };
    match index {
        Some(i) if i < choices => Input::Choice(i),
        _ => Input::Invalid,
    }
}

/// Runs `session` to its end on `input`/`out`. `now_ms` is the clock; `on_attempt` receives each
/// answer as it is given (to save it at once, so stopping or a crash loses nothing answered).
pub fn run(
    session: &mut Session,
    title: &str,
    input: impl BufRead,
    mut out: impl Write,
    now_ms: &mut dyn FnMut() -> u64,
    on_attempt: &mut dyn FnMut(&Attempt),
) -> io::Result<Summary> {
    // Lines as bytes, decoded leniently: a stray invalid byte is an invalid answer (asked
    // again), not the end of the quiz. `lines()` would fail the whole run on it.
    let mut lines = input
        .split(b'\n')
        .map(|line| line.map(|bytes| String::from_utf8_lossy(&bytes).trim_end_matches('\r').to_owned()));
    let (_, total) = session.position();
    writeln!(out, "{title}: {total} question{}", plural(total))?;
    'questions: while let Some(question) = session.question().cloned() {
        let (n, total) = session.position();
        let choices = session.choices();
        writeln!(out)?;
        let tags = if question.tags.is_empty() {
            String::new()
        } else {
            format!("; tags: {}", question.tags.join(", "))
        };
        writeln!(out, "Question {n} of {total} ({}{tags})", question.difficulty.as_str())?;
        writeln!(out, "{}", md_to_plain(&question.stem))?;
        if let Some(code) = &question.code {
            writeln!(out)?;
            writeln!(out, "Code ({}):", code.language)?;
            for line in code.source.trim_end().lines() {
                writeln!(out, "    {line}")?;
            }
        }
        writeln!(out)?;
        for c in &choices {
            writeln!(out, "{}) {}", c.letter, c.text)?;
        }
        let range = format!("{}-{}", 'a', letter(choices.len().saturating_sub(1)).to_ascii_lowercase());
        let prompt = format!("Answer {range} or 1-{}, h for a hint, q to stop:", choices.len());
        loop {
            writeln!(out, "{prompt}")?;
            out.flush()?;
            let Some(line) = lines.next().transpose()? else {
                session.stop();
                break 'questions;
            };
            match parse_input(&line, choices.len()) {
                Input::Hint => {
                    let shown = session.hints().len();
                    let total = session.hints_total();
                    match session.hint() {
                        Some(hint) => writeln!(out, "Hint {} of {total}: {hint}", shown + 1)?,
                        None => writeln!(out, "No more hints for this question.")?,
                    }
                }
                Input::Quit => {
                    session.stop();
                    break 'questions;
                }
                Input::Invalid => writeln!(out, "Not an answer: {:?}.", line.trim())?,
                Input::Choice(i) => {
                    let now = now_ms();
                    let Ok(feedback) = session.answer(i, now) else { continue };
                    on_attempt(&feedback.attempt);
                    write_feedback(&mut out, feedback)?;
                    session.next(now_ms());
                    continue 'questions;
                }
            }
        }
    }
    let summary = session.summary();
    write_summary(&mut out, &summary)?;
    out.flush()?;
    Ok(summary)
}

fn write_feedback(out: &mut impl Write, f: &Feedback) -> io::Result<()> {
    if f.correct {
        let hints = match f.hints_used {
            0 => String::new(),
            n => format!(" ({} points: {n} hint{} used)", format_points(f.points), plural(n as usize)),
        };
        writeln!(out, "Right: {}) {}{hints}", f.right.letter, f.right.text)?;
    } else {
        writeln!(out, "Wrong: you chose {}) {}.", f.chosen.letter, f.chosen.text)?;
        writeln!(out, "The right answer is {}) {}.", f.right.letter, f.right.text)?;
        if let Some(mistake) = &f.mistake {
            writeln!(out, "Why {} is tempting: {}", f.chosen.letter, md_to_plain(mistake))?;
        }
    }
    if !f.solution.is_empty() {
        writeln!(out, "Solution:")?;
        for (i, step) in f.solution.iter().enumerate() {
            writeln!(out, "{}. {}", i + 1, md_to_plain(step))?;
        }
    }
    writeln!(out, "Final answer: {}", md_to_plain(&f.final_answer))?;
    writeln!(out, "Quick check: {}", f.quick_check)?;
    if let Some(scenario) = &f.lab_scenario {
        writeln!(out, "Prove it in the lab: apisec-tutor lab --plain --scenario {scenario}")?;
    }
    Ok(())
}

fn write_summary(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    let ratio = |t: &Tally| format!("{}/{}", t.right, t.answered);
    writeln!(out)?;
    if s.overall.answered < s.total {
        writeln!(out, "Stopped after {} of {} questions.", s.overall.answered, s.total)?;
    } else {
        writeln!(out, "Quiz complete.")?;
    }
    if !s.by_difficulty.is_empty() {
        let parts: Vec<String> =
            s.by_difficulty.iter().map(|(d, t)| format!("{} {}", d.as_str(), ratio(t))).collect();
        writeln!(out, "By difficulty: {}", parts.join(", "))?;
    }
    if !s.by_tag.is_empty() {
        let parts: Vec<String> = s.by_tag.iter().map(|(tag, t)| format!("{tag} {}", ratio(t))).collect();
        writeln!(out, "By tag: {}", parts.join(", "))?;
    }
    writeln!(out, "Time: {}", duration(s.seconds))?;
    if !s.missed.is_empty() {
        let ids: Vec<&str> = s.missed.iter().map(|m| m.question.as_str()).collect();
        writeln!(
            out,
            "Missed: {} (they come back in `apisec-tutor quiz --review` tomorrow)",
            ids.join(", ")
        )?;
    }
    writeln!(out, "score with hints: {}/{}", format_points(s.overall.points), s.overall.answered)?;
    writeln!(out, "score: {}/{}", s.overall.right, s.overall.answered)
}

fn duration(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, s) => format!("{m} min {s} s"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Markdown as plain text: emphasis marks dropped, code kept as written, list items dashed,
/// link targets in parentheses, paragraphs separated by one blank line.
#[must_use]
pub fn md_to_plain(md: &Md) -> String {
    let mut out = String::new();
    let mut links = Vec::new();
    let mut list_numbers: Vec<Option<u64>> = Vec::new();
    for event in Parser::new(md.as_str()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::List(start)) => list_numbers.push(start),
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
                out.push('\n');
            }
            Event::Start(Tag::Item) => {
                let indent = "  ".repeat(list_numbers.len().saturating_sub(1));
                match list_numbers.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str(&format!("{indent}- ")),
                }
            }
            Event::End(TagEnd::Item) => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::BlockQuote(_),
            ) => {
                out.push_str("\n\n");
            }
            _ => {}
        }
    }
    // Items end with their own newline; collapse runs of blank lines and trim the ends.
    let mut text = out.trim().to_owned();
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::session::SessionOptions;
    use crate::quiz::testing::catalog;
    use crate::quiz::{Picked, select};

    fn session(shuffle: bool) -> Session {
        let cat = catalog();
        let sel = crate::quiz::Selection::default();
        let picked: Vec<Picked> =
            select(&cat, &sel, &crate::progress::Progress::new(), crate::progress::Day(0)).unwrap();
        Session::new(picked, SessionOptions { shuffle_choices: shuffle, seed: 1 }, 0).unwrap()
    }

    /// Runs the plain quiz on `input`; returns the output and the attempts handed out.
    fn run_on(input: &str) -> (String, Vec<Attempt>) {
        let mut s = session(false);
        let mut out = Vec::new();
        let mut attempts = Vec::new();
        let mut t = 0;
        let mut clock = || {
            t += 4_000;
            t
        };
        run(&mut s, "The practice quiz", input.as_bytes(), &mut out, &mut clock, &mut |a| {
            attempts.push(a.clone())
        })
        .unwrap();
        (String::from_utf8(out).unwrap(), attempts)
    }

    #[test]
    fn inputs_parse_as_letters_numbers_hint_and_quit() {
        for (line, want) in [
            ("a", Input::Choice(0)),
            (" D \n", Input::Choice(3)),
            ("2", Input::Choice(1)),
            ("e", Input::Invalid),
            ("5", Input::Invalid),
            ("0", Input::Invalid),
            ("", Input::Invalid),
            ("ab", Input::Invalid),
            ("h", Input::Hint),
            ("Q", Input::Quit),
        ] {
            assert_eq!(parse_input(line, 4), want, "{line:?}");
        }
    }

    #[test]
    fn a_full_run_prints_questions_feedback_and_the_score_last() {
        let (out, attempts) = run_on("h\nb\nd\nnonsense\n2\n1\n");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.last(), Some(&"score: 2/4"), "{out}");
        assert_eq!(lines[lines.len() - 2], "score with hints: 1.75/4");
        for want in [
            "The practice quiz: 4 questions",
            "Question 1 of 4 (easy; tags: cors)",
            "What does p1 return?",
            "Code (python):",
            "    return 1",
            "A) choice a of p1",
            "Answer a-d or 1-4, h for a hint, q to stop:",
            "Hint 1 of 2: p1 hint one",
            "Right: B) choice b of p1 (0.75 points: 1 hint used)",
            "Wrong: you chose D) choice d of p2.",
            "The right answer is B) choice b of p2.",
            "Why D is tempting: d confuses 401 and 403",
            "1. p2 step one",
            "Final answer: p2 final",
            "Quick check: p2 quick check",
            "Prove it in the lab: apisec-tutor lab --plain --scenario missing-token",
            "Not an answer: \"nonsense\".",
            "By difficulty: easy 2/2, medium 0/1, hard 0/1",
            "By tag: auth 0/1, cors 2/2, jwt 1/2",
            "Missed: p2, p4 (they come back in `apisec-tutor quiz --review` tomorrow)",
            "Quiz complete.",
        ] {
            assert!(lines.contains(&want), "missing {want:?} in:\n{out}");
        }
        let got: Vec<(&str, &str, bool, u32)> = attempts
            .iter()
            .map(|a| (a.question.as_str(), a.choice.as_str(), a.correct, a.hints_used))
            .collect();
        assert_eq!(
            got,
            vec![("p1", "b", true, 1), ("p2", "d", false, 0), ("p3", "b", true, 0), ("p4", "a", false, 0)]
        );
    }

    #[test]
    fn end_of_input_and_q_stop_but_still_score() {
        let (out, attempts) = run_on("b\n");
        assert!(out.contains("Stopped after 1 of 4 questions."), "{out}");
        assert!(out.ends_with("score with hints: 1/1\nscore: 1/1\n"), "{out}");
        assert_eq!(attempts.len(), 1);
        let (out, attempts) = run_on("q\nb\n");
        assert!(out.ends_with("score: 0/0\n"), "{out}");
        assert!(attempts.is_empty());
        let (out, _) = run_on("");
        assert!(out.ends_with("score: 0/0\n"), "{out}");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        for (md, want) in [
            ("A **bold** `code` word", "A bold code word"),
            ("one\ntwo", "one two"),
            ("para one\n\npara two", "para one\n\npara two"),
            ("- x\n- y", "- x\n- y"),
            ("1. x\n2. y", "1. x\n2. y"),
            ("see [docs](https://example.org)", "see docs (https://example.org)"),
        ] {
            assert_eq!(md_to_plain(&Md::Inline(md.into())), want, "{md:?}");
        }
    }
}
