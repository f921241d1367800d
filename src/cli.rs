//! The command line (clap derive). Every subcommand has a one-line summary for `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "apisec-tutor",
    version,
    about = "An interactive terminal tutorial: why API security is critical in FastAPI",
    long_about = "An interactive terminal tutorial: why API security is critical in FastAPI.\n\n\
        Run with no subcommand to open the tutorial. Content is compiled in; --content DIR \
        reads DIR/lessons and DIR/quizzes instead.\n\n\
        Environment: APISEC_TUTOR_DATA_DIR (where progress is kept), APISEC_TUTOR_JWT_SECRET \
        (the demo API's signing secret; random per run when unset), NO_COLOR (monochrome)."
)]
pub struct Cli {
    /// Read lessons and quizzes from DIR (DIR/lessons, DIR/quizzes); repeatable.
    #[arg(long = "content", value_name = "DIR", global = true)]
    pub content: Vec<PathBuf>,

    /// Print plain text to stdout instead of drawing the interface (screen readers, pipes).
    #[arg(long, global = true)]
    pub plain: bool,

    /// Colour theme: default, high-contrast, light, monochrome, or a theme file (.yaml; see
    /// docs/TUI.md, "Writing a theme"). NO_COLOR wins over it.
    #[arg(long, value_name = "NAME|FILE", default_value = "default", global = true)]
    pub theme: ThemeChoice,

    /// With --plain and no subcommand: print only this section (e.g. build_up, pitfalls).
    #[arg(long, value_name = "KIND")]
    pub section: Option<String>,

    /// With --plain and no subcommand: the lesson to print (default: the first).
    #[arg(long, value_name = "ID")]
    pub lesson: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

pub use crate::lab::CorsMode;
pub use crate::tui::theme::ThemeChoice;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate lessons and quizzes; report every problem as PATH:LINE:COL.
    Check(CheckArgs),
    /// Print the table of contents of the content (text, or --json).
    Outline(OutlineArgs),
    /// Print the JSON Schema of lesson and quiz files (for editors).
    Schema(SchemaArgs),
    /// Write a commented starter lesson or quiz that passes `check`.
    New(NewArgs),
    /// Run the demo API in the foreground (for curl, httpie or a browser).
    Serve(ServeArgs),
    /// Open the live lab (or, with --plain, send requests and print the execution table).
    Lab(LabArgs),
    /// Take a quiz: practice by difficulty or tag, or review what is due.
    Quiz(QuizArgs),
    /// Show, reset or export saved progress.
    Progress(ProgressArgs),
    /// Send the lesson's attacks to your own FastAPI app (loopback/private addresses only by default).
    Probe(ProbeArgs),
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The app's base URL, e.g. http://127.0.0.1:8000.
    pub url: String,
    /// Read the OpenAPI document from FILE instead of URL/openapi.json.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// A path parameter value, NAME=VALUE (repeatable; default 1).
    #[arg(long, value_name = "NAME=VALUE")]
    pub param: Vec<String>,
    /// Wrong logins sent at the token URL to look for a 429.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub burst: u32,
    /// The most requests sent in all.
    #[arg(long, default_value_t = 200)]
    pub max_requests: u32,
    /// Requests per second at most.
    #[arg(long, default_value_t = 20.0)]
    pub rps: f64,
    /// Also send DELETE/PUT/PATCH operations.
    #[arg(long)]
    pub unsafe_methods: bool,
    /// Allow a target that is not a loopback or private address.
    #[arg(long)]
    pub allow_remote: bool,
    /// List the requests without sending any.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format (`--plain` text is the default).
    #[arg(long, value_enum, default_value_t = ProbeFormat::Plain)]
    pub format: ProbeFormat,
    /// A valid bearer token of the first user: sent as is, then expired, re-signed, `alg: none`
    /// and tampered.
    #[arg(long, value_name = "TOKEN", conflicts_with = "login")]
    pub token: Option<String>,
    /// Log in as the first user at the tokenUrl the OpenAPI document declares.
    #[arg(long, value_name = "USER:PASSWORD")]
    pub login: Option<String>,
    /// A second user: their token on the first user's object ids (object-level authorization).
    #[arg(long, value_name = "USER:PASSWORD")]
    pub as_other: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    Plain,
    Json,
    Junit,
    /// A full-screen view of the report (needs a terminal).
    Tui,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Content directories to check (default: the embedded content).
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Also compile every Python sample with python3 (parsed, never run).
    #[arg(long)]
    pub samples: bool,
    /// Skip sending the lab scenarios to the engine (only the files are checked).
    #[arg(long)]
    pub no_lab: bool,
}

#[derive(Debug, Args)]
pub struct OutlineArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Only the schema of one file kind.
    #[arg(long, value_enum)]
    pub kind: Option<NewKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Lesson,
    Quiz,
    /// A short lesson with its own lab app and scenarios.
    Lab,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[arg(value_enum)]
    pub kind: NewKind,
    /// The id of the new lesson or quiz (lower-case words joined by `-`).
    pub name: String,
    /// The content directory to write into.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

/// Options of the demo API shared by `serve` and `lab`.
#[derive(Debug, Clone, Args)]
pub struct ApiArgs {
    /// The FastAPI release to imitate (0.115.14 to 0.165.0).
    #[arg(long = "fastapi-version", value_name = "V", default_value = "0.165.0")]
    pub fastapi_version: String,
    /// CORS configuration of the all-in-one demo: off, the seed pitfall's wildcard, or the
    /// trusted origin (a lab app chosen with --app has its own).
    #[arg(long, value_enum, default_value_t = CorsMode::Off)]
    pub cors: CorsMode,
    /// Serve one lab app of the content (its `id`; `outline` lists them) instead of the
    /// all-in-one demo API.
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// Serve the lab app's vulnerable twin (with --app, or with --code).
    #[arg(long)]
    pub vulnerable: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 or absent: an ephemeral port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[command(flatten)]
    pub api: ApiArgs,
    /// Print every trace event as a JSON line.
    #[arg(long)]
    pub trace: bool,
}

#[derive(Debug, Args)]
pub struct LabArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// With --plain: send the seed's three requests (good, bad, no token) and print the table.
    #[arg(long)]
    pub replay_seed: bool,
    /// With --plain: send one named scenario from the content; without --plain: open it ready.
    #[arg(long, value_name = "ID")]
    pub scenario: Option<String>,
    /// Print the runnable FastAPI program a lab app stands for (with --vulnerable: its twin).
    #[arg(long, value_name = "APP")]
    pub code: Option<String>,
    /// Print every scenario that names a lab app, as JSON (what the fixture recorder sends to
    /// the generated programs).
    #[arg(long)]
    pub export_scenarios: bool,
    /// With --plain: `text` (the table) or `json` (one object per request: app, what was sent,
    /// what came back, where it stopped).
    #[arg(long, value_enum, default_value_t = LabFormat::Text)]
    pub format: LabFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct QuizArgs {
    /// The quiz to take (default: the practice quiz).
    #[arg(long = "quiz", value_name = "ID")]
    pub quiz: Option<String>,
    #[arg(long, value_enum)]
    pub difficulty: Option<DifficultyArg>,
    /// Only questions with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only the questions due for review today (Leitner boxes).
    #[arg(long)]
    pub review: bool,
    /// Shuffle the question order too (choices are always shuffled, per attempt).
    #[arg(long)]
    pub shuffle: bool,
    /// Keep choices in the content's order (for printed handouts and scripts); by default they
    /// are shuffled per attempt, so the position of the answer gives nothing away.
    #[arg(long)]
    pub choices_in_order: bool,
    /// Seed for every shuffle, for repeatable runs.
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DifficultyArg {
    Easy,
    Medium,
    Hard,
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    #[command(subcommand)]
    pub action: Option<ProgressAction>,
}

#[derive(Debug, Subcommand)]
pub enum ProgressAction {
    /// Delete saved progress (asks first unless --yes).
    Reset(ResetArgs),
    /// Export quiz attempts for a gradebook, or everything as xAPI statements.
    Export(ExportArgs),
    /// Send the progress as xAPI statements to a Learning Record Store (only what it lacks).
    Push(PushArgs),
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    #[arg(long, value_name = "ID", conflicts_with_all = ["lesson", "all"])]
    pub quiz: Option<String>,
    #[arg(long, value_name = "ID", conflicts_with_all = ["quiz", "all"])]
    pub lesson: Option<String>,
    #[arg(long)]
    pub all: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --format xapi: who the statements are about (mailto:NAME@HOST or account:HOMEPAGE:NAME).
    #[arg(long, value_name = "ACTOR")]
    pub actor: Option<String>,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The LRS root URL (`/xAPI/statements` is appended).
    #[arg(long, value_name = "URL")]
    pub lrs: String,
    /// USER:KEY for HTTP Basic auth, kept in memory only (default: $APISEC_TUTOR_LRS_AUTH, which
    /// keeps the key out of the process list).
    #[arg(long, value_name = "USER:KEY")]
    pub auth: Option<String>,
    /// Who the statements are about (mailto:NAME@HOST or account:HOMEPAGE:NAME).
    #[arg(long, value_name = "ACTOR")]
    pub actor: String,
    /// Statements per POST.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub batch: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    /// xAPI 1.0.3 statements (a JSON array), for a Learning Record Store.
    Xapi,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_a_summary() {
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            assert!(sub.get_about().is_some(), "{} has no summary", sub.get_name());
        }
    }
}
