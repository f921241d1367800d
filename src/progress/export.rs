//! Quiz attempts for an instructor's gradebook: JSON (schema in docs/PROGRESS.md) or CSV, one
//! row per attempt, oldest first.

use serde::Serialize;

use super::day::rfc3339_utc;
use super::model::Attempt;

/// Identifies the JSON export, so a gradebook script can check what it was given.
pub const EXPORT_FORMAT: &str = "apisec-tutor-attempts";
/// Bumped when a field changes meaning or disappears (adding a field does not bump it).
pub const EXPORT_VERSION: u32 = 1;

/// The CSV header, in column order; the JSON rows have the same fields.
/// `letter` is what the learner saw (choices are shuffled per attempt); `choice` is the
/// content's id, the same whatever the order. `letter` is empty for attempts saved before it
/// was kept.
pub const CSV_HEADER: [&str; 9] =
    ["timestamp", "quiz", "question", "difficulty", "choice", "letter", "correct", "hints_used", "seconds"];

#[derive(Serialize)]
struct Export<'a> {
    format: &'static str,
    version: u32,
    exported_at: String,
    attempts: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    timestamp: String,
    quiz: &'a str,
    question: &'a str,
    difficulty: &'static str,
    choice: &'a str,
    /// `null` for attempts saved before the letter was kept.
    letter: Option<&'a str>,
    correct: bool,
    hints_used: u32,
    seconds: u32,
}

fn row(a: &Attempt) -> Row<'_> {
    Row {
        timestamp: rfc3339_utc(a.at),
        quiz: &a.quiz,
        question: &a.question,
        difficulty: a.difficulty.as_str(),
        choice: &a.choice,
        letter: Some(a.letter.as_str()).filter(|l| !l.is_empty()),
        correct: a.correct,
        hints_used: a.hints_used,
        seconds: a.seconds,
    }
}

/// The JSON export (pretty-printed, ending with a newline). `now` is the export time, Unix seconds.
#[must_use]
pub fn to_json(attempts: &[Attempt], now: u64) -> String {
    let export = Export {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exported_at: rfc3339_utc(now),
        attempts: attempts.iter().map(row).collect(),
    };
    // Serializing these plain structs cannot fail; an empty object is a safe fallback anyway.
    let mut text = serde_json::to_string_pretty(&export).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// The CSV export (RFC 4180: a header row, CRLF line ends, fields quoted when needed).
#[must_use]
pub fn to_csv(attempts: &[Attempt]) -> String {
    let mut out = String::new();
    push_record(&mut out, CSV_HEADER.iter().map(|h| (*h).to_owned()));
    for a in attempts {
        let r = row(a);
        push_record(
            &mut out,
            [
                r.timestamp,
                r.quiz.to_owned(),
                r.question.to_owned(),
                r.difficulty.to_owned(),
                r.choice.to_owned(),
                r.letter.unwrap_or_default().to_owned(),
                r.correct.to_string(),
                r.hints_used.to_string(),
                r.seconds.to_string(),
            ],
        );
    }
    out
}

fn push_record(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(&field));
    }
    out.push_str("\r\n");
}

/// Quotes a field when it holds a separator, a quote or a line break. A field a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`:
/// ids come from content files, which anyone can write.
fn csv_field(field: &str) -> String {
    let guarded = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Difficulty;

    fn attempts() -> Vec<Attempt> {
        vec![
            Attempt {
                id: String::new(),
                at: 1_700_000_000,
                quiz: "practice".into(),
                question: "p1".into(),
                difficulty: Difficulty::Easy,
                choice: "b".into(),
                letter: "D".into(),
                correct: true,
                hints_used: 1,
                seconds: 12,
            },
            Attempt {
                id: String::new(),
                at: 1_700_000_060,
                quiz: "odd, \"quiz\"".into(),
                question: "=cmd".into(),
                difficulty: Difficulty::Hard,
                choice: "a".into(),
                letter: String::new(),
                correct: false,
                hints_used: 0,
                seconds: 3,
            },
        ]
    }

    #[test]
    fn csv_parses_back_with_a_csv_reader() {
        let text = to_csv(&attempts());
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER.to_vec());
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            vec!["2023-11-14T22:13:20Z", "practice", "p1", "easy", "b", "D", "true", "1", "12"]
        );
        assert_eq!(rows[1][5], "", "an attempt saved before letters were kept");
        assert_eq!(rows[1][1], "odd, \"quiz\"");
        assert_eq!(rows[1][2], "'=cmd", "formula-looking fields are defused");
        assert_eq!(rows[1][6], "false");
    }

    #[test]
    fn json_has_the_documented_shape() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&attempts(), 1_700_000_100)).unwrap();
        assert_eq!(v["format"], EXPORT_FORMAT);
        assert_eq!(v["version"], 1);
        assert_eq!(v["exported_at"], "2023-11-14T22:15:00Z");
        let rows = v["attempts"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = CSV_HEADER.to_vec();
        want.sort_unstable();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort_unstable();
        assert_eq!(keys_sorted, want);
        assert_eq!(rows[0]["correct"], true);
        assert_eq!(rows[0]["hints_used"], 1);
        assert_eq!(
            (&rows[0]["choice"], &rows[0]["letter"]),
            (&serde_json::json!("b"), &serde_json::json!("D"))
        );
        assert_eq!(rows[1]["letter"], serde_json::Value::Null);
        assert_eq!(rows[1]["question"], "=cmd", "JSON keeps values exactly");
    }

    #[test]
    fn an_empty_export_is_still_well_formed() {
        assert_eq!(to_csv(&[]), format!("{}\r\n", CSV_HEADER.join(",")));
        let v: serde_json::Value = serde_json::from_str(&to_json(&[], 0)).unwrap();
        assert_eq!(v["attempts"].as_array().unwrap().len(), 0);
    }
}
