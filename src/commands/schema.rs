//! `apisec-tutor schema [--kind lesson|quiz]`: the JSON Schema (draft 2020-12) of content files,
//! generated from the same structs the loader reads, so editors and `check` can never disagree.

use std::process::ExitCode;

use crate::Error;
use crate::cli::{NewKind, SchemaArgs};
use crate::content::validate;

pub fn run(args: &SchemaArgs) -> Result<ExitCode, Error> {
    let value = match args.kind {
        // A lab app lives in a lesson file (`lab_apps:`).
        Some(NewKind::Lesson | NewKind::Lab) => validate::lesson_schema().clone(),
        Some(NewKind::Quiz) => validate::quiz_schema().clone(),
        None => serde_json::json!({
            "lesson": validate::lesson_schema(),
            "quiz": validate::quiz_schema(),
        }),
    };
    let text = serde_json::to_string_pretty(&value)
        .map_err(|e| Error::Usage(format!("cannot print the schema: {e}")))?;
    super::check::print_out(&format!("{}\n", crate::safe_text::json(&text)))?;
    Ok(ExitCode::SUCCESS)
}
