//! The live lab's messages: intents from keys and results from the runner ([`LabMsg`]), work
//! for the runner ([`LabEffect`]), and the small types both carry.

use serde_json::{Map, Value};

use crate::content::{Catalog, LabRequest, LabScenario};
use crate::lab::client::{Outcome, Prepared};
use crate::lab::trace::TraceEvent;
use crate::lab::workbench::SignWith;
use crate::lab::{CorsMode, FastApiVersion};
use crate::tui::strings::lab as text;

/// The prefix of the request ids the lab sends (`lab-7`), so trace events find their row.
const REQ_PREFIX: &str = "lab-";

/// One request of the lab's history. Typed end to end: the server's trace names a request by
/// the string [`RowId::req_id`] gives, and the runner turns it back with [`RowId::of_req_id`]
/// before a trace event reaches the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RowId(pub u64);

impl RowId {
    /// The `x-request-id` the runner sends with this row's request.
    #[must_use]
    pub fn req_id(self) -> String {
        format!("{REQ_PREFIX}{}", self.0)
    }

    /// The row a trace event's request id names; `None` for a request the lab did not send.
    #[must_use]
    pub fn of_req_id(req_id: &str) -> Option<Self> {
        req_id.strip_prefix(REQ_PREFIX)?.parse().ok().map(RowId)
    }

    #[must_use]
    pub fn next(self) -> Self {
        RowId(self.0 + 1)
    }
}

impl std::fmt::Display for RowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Which signing secret a demo API instance uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// From `APISEC_TUTOR_JWT_SECRET` or random per run (the fix).
    PerRun,
    /// The pitfall's hard-coded `"mysecret123"`.
    HardCoded,
}

/// How one demo API instance is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub fastapi: FastApiVersion,
    pub cors: CorsMode,
    pub secret: SecretKind,
    /// A lab app of the content instead of the all-in-one demo API.
    pub app: Option<AppSel>,
}

/// A lab app by its position among the catalog's lab apps (lessons in order), and which side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppSel {
    pub index: u16,
    pub vulnerable: bool,
}

impl AppSel {
    /// The lab app a scenario names, if the catalog has it.
    #[must_use]
    pub fn for_scenario(catalog: &Catalog, s: &LabScenario) -> Option<Self> {
        let id = s.app.as_deref()?;
        let index = catalog.lessons.iter().flat_map(|l| l.lab_apps.iter()).position(|a| a.id == id)?;
        Some(Self { index: u16::try_from(index).ok()?, vulnerable: s.vulnerable })
    }
}

impl Profile {
    #[must_use]
    pub fn main(fastapi: FastApiVersion, cors: CorsMode) -> Self {
        Self { fastapi, cors, secret: SecretKind::PerRun, app: None }
    }
}

/// The panes (tabs at 80 columns; at 120 the table and flow stay visible and Tab switches the
/// right-hand pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Table,
    Trace,
    Tracker,
    Inspector,
    Compare,
    Workbench,
    Code,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Table,
        Pane::Trace,
        Pane::Tracker,
        Pane::Inspector,
        Pane::Compare,
        Pane::Workbench,
        Pane::Code,
    ];

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Pane::Table => text::PANE_TABLE,
            Pane::Trace => text::PANE_TRACE,
            Pane::Tracker => text::PANE_TRACKER,
            Pane::Inspector => text::PANE_INSPECTOR,
            Pane::Compare => text::PANE_COMPARE,
            Pane::Workbench => text::PANE_WORKBENCH,
            Pane::Code => text::PANE_CODE,
        }
    }
}

/// Not a content preset: the runner logs in with `POST /token` (johndoe / secret) and sends the
/// access token it gets back.
pub const TOKEN_ENDPOINT: &str = "login-via-token-endpoint";

/// The three pitfalls replayed side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareKind {
    /// `allow_origins=["*"]` with credentials vs a trusted origin.
    Cors,
    /// A verifier that skips `exp` vs the real check.
    Expiry,
    /// A token forged with the hard-coded secret vs a secret from the environment.
    Secret,
    /// The selected request, sent again to its lab app and to the app's vulnerable twin.
    Twin,
}

impl CompareKind {
    pub const ALL: [CompareKind; 4] =
        [CompareKind::Cors, CompareKind::Expiry, CompareKind::Secret, CompareKind::Twin];

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            CompareKind::Cors => "CORS: allow_origins=[\"*\"] with credentials vs a trusted origin",
            CompareKind::Expiry => "JWT expiry: a verifier that skips exp vs the real check",
            CompareKind::Secret => "Signing secret: hard-coded \"mysecret123\" vs from the environment",
            CompareKind::Twin => {
                "Any lab app: the selected request, sent to the app and to its vulnerable twin"
            }
        }
    }
}

/// One side of a comparison, as the runner reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// e.g. `Vulnerable: CORS wildcard`.
    pub label: String,
    /// The request line and headers that were sent (or what was checked).
    pub sent: Vec<String>,
    pub status: Option<u16>,
    /// Response headers worth comparing, `name: value`.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// What this side means, in one sentence.
    pub note: String,
}

/// Lab intents (from keys) and results (from the runner), carried by [`Action::Lab`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabMsg {
    ReplaySeed,
    /// Enter: the focused pane's main action (send the composed request, run the comparison,
    /// sign and send the workbench token).
    Primary,
    SendScenario,
    NextRoute,
    PrevRoute,
    NextPreset,
    PrevPreset,
    NextScenario,
    PrevScenario,
    PrevPane,
    Pane(Pane),
    Predict,
    EditForm,
    ToggleVersion,
    /// A digit: picks a comparison or a workbench claim, depending on the pane.
    Digit(u8),
    /// `x`: the workbench's exp toggle.
    ToggleExp,
    /// `k`: the workbench's next signing key.
    NextKey,
    /// `w`: load the selected row's token into the workbench.
    LoadToken,
    Copy(CopyFormat),
    // Results.
    Started {
        profile: Profile,
        base_url: String,
    },
    StartFailed {
        profile: Profile,
        error: String,
    },
    Prepared {
        id: RowId,
        prepared: Box<Prepared>,
    },
    Done {
        id: RowId,
        outcome: Box<Outcome>,
    },
    Failed {
        id: RowId,
        error: String,
    },
    /// A trace event of the row's request (the runner found the row from the request id).
    Trace {
        id: RowId,
        event: Box<TraceEvent>,
    },
    Compared {
        id: u64,
        result: Box<Result<[Side; 2], String>>,
    },
    Signed(Result<String, String>),
    Notice(String),
    /// A copy is done; `osc52`: no clipboard tool took it, so offer it to the terminal too.
    Copied {
        notice: String,
        osc52: Option<String>,
    },
}

impl LabMsg {
    /// Whether this comes from the runner (a response, a trace event…) rather than a key.
    #[must_use]
    pub fn is_result(&self) -> bool {
        matches!(
            self,
            LabMsg::Started { .. }
                | LabMsg::StartFailed { .. }
                | LabMsg::Prepared { .. }
                | LabMsg::Done { .. }
                | LabMsg::Failed { .. }
                | LabMsg::Trace { .. }
                | LabMsg::Compared { .. }
                | LabMsg::Signed(_)
                | LabMsg::Notice(_)
                | LabMsg::Copied { .. }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyFormat {
    Curl,
    Httpie,
    TestClient,
}

impl CopyFormat {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            CopyFormat::Curl => "curl",
            CopyFormat::Httpie => "httpie",
            CopyFormat::TestClient => "a TestClient test",
        }
    }

    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            CopyFormat::Curl | CopyFormat::Httpie => "sh",
            CopyFormat::TestClient => "py",
        }
    }
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabEffect {
    /// The lab is open with this main profile: start it, stop the others (`None`: the lab
    /// closed, stop every server). The router asks for it whenever the wanted profile changes.
    Serve(Option<Profile>),
    Send {
        id: RowId,
        profile: Profile,
        request: Box<LabRequest>,
    },
    /// A scenario's requests, one after the other (a later one may use what an earlier answer
    /// gave: `{{alice_token}}`; a rate limit counts them in order).
    Sequence {
        profile: Profile,
        requests: Vec<(RowId, Box<LabRequest>)>,
    },
    Compare {
        id: u64,
        kind: CompareKind,
        request: Box<LabRequest>,
        fastapi: FastApiVersion,
        /// The lab app of the selected request (`Twin` compares its two sides).
        app: Option<AppSel>,
    },
    /// Sign the workbench claims; `exp_offset` in seconds from now (`None`: keep).
    Sign {
        claims: Map<String, Value>,
        with: SignWith,
        exp_offset: Option<i64>,
    },
    Copy {
        text: String,
        format: CopyFormat,
    },
    /// Written to the terminal by the event loop (it owns the terminal), not by the runner.
    Osc52(String),
}

/// A claim's value as typed text (strings without quotes).
#[must_use]
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
