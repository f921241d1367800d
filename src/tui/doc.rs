//! A lesson cut into pages, and a page laid out as lines.
//!
//! A page is one section, or one item of the sections the learner steps through (build-up steps,
//! myths, pitfalls, concept-flow stages). [`build`] lays a page out for one width; the reader
//! keeps the result until the width or the page's answers change, and draws only the visible
//! slice. `--plain` prints the same pages through a plain [`Writer`].

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::markdown::{Writer, width};
use super::strings as s;
use super::theme::Theme;
use super::widgets::flow::{FlowDiagram, StageMark};
use crate::content::{Code, Diagram, Lesson, ModeTarget, Requirements, SectionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub section: SectionKind,
    pub item: usize,
}

/// Sections read one item per page.
fn paged(section: SectionKind) -> bool {
    matches!(
        section,
        SectionKind::BuildUp | SectionKind::MythBusters | SectionKind::Pitfalls | SectionKind::ConceptFlow
    )
}

/// The item of a section's last page (0 for sections read as one page).
#[must_use]
pub fn last_item(lesson: &Lesson, section: SectionKind) -> usize {
    if paged(section) { lesson.items(section).saturating_sub(1) } else { 0 }
}

/// The pages of some sections, in order.
#[must_use]
pub fn pages_of(lesson: &Lesson, sections: &[SectionKind]) -> Vec<Page> {
    let mut pages = Vec::new();
    for &section in sections {
        // A section with nothing in it is left out (as `progress` leaves it out of its counts).
        if lesson.items(section) == 0 {
            continue;
        }
        if paged(section) {
            let n = lesson.items(section).max(1);
            pages.extend((0..n).map(|item| Page { section, item }));
        } else {
            pages.push(Page { section, item: 0 });
        }
    }
    pages
}

/// The sections a reading mode walks through; `None` for modes that open another screen.
#[must_use]
pub fn sections_of(mode: ModeTarget) -> Option<Vec<SectionKind>> {
    use SectionKind as K;
    Some(match mode {
        ModeTarget::GuidedWalkthrough => K::ALL.into_iter().filter(|k| *k != K::Transcript).collect(),
        ModeTarget::VisualBreakdown => vec![
            K::ConceptFlow,
            K::ExecutionSample,
            K::ExecutionTable,
            K::VariableTracker,
            K::KeyMoments,
            K::ConceptSnapshot,
        ],
        ModeTarget::BuildUp => vec![K::BuildUp],
        ModeTarget::MythBusters => vec![K::MythBusters],
        ModeTarget::Pitfalls => vec![K::Pitfalls],
        ModeTarget::CheatSheet => vec![K::KeyTakeaways, K::ConceptSnapshot, K::ExecutionTable],
        ModeTarget::Transcript => vec![K::Transcript],
        ModeTarget::LiveLab | ModeTarget::VisualQuiz | ModeTarget::Practice | ModeTarget::ReviewMissed => {
            return None;
        }
    })
}

/// The outline entry of a page.
#[must_use]
pub fn page_title(lesson: &Lesson, page: Page) -> String {
    let item = page.item;
    match page.section {
        SectionKind::BuildUp => match lesson.build_up.get(item) {
            Some(step) => format!("Step {}: {}", item + 1, step.title),
            None => page.section.title().to_owned(),
        },
        SectionKind::MythBusters => match lesson.myth_busters.get(item) {
            Some(_) => format!("Myth {}", item + 1),
            None => page.section.title().to_owned(),
        },
        SectionKind::Pitfalls => match lesson.pitfalls.get(item) {
            Some(p) => format!("Pitfall: {}", p.title),
            None => page.section.title().to_owned(),
        },
        SectionKind::ConceptFlow => match lesson.concept_flow.stages.get(item) {
            Some(stage) => format!("Flow: {}", stage.title),
            None => page.section.title().to_owned(),
        },
        other => other.title().to_owned(),
    }
}

/// What the learner has done on a page that changes how it looks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageUi {
    /// The option picked but not yet committed.
    pub selected: Option<usize>,
    /// The typed answer not yet committed.
    pub draft: String,
    pub editing: bool,
    /// The committed prediction (from progress).
    pub committed: Option<String>,
    /// The committed myth answer: `Some(true)` if the learner believed it.
    pub myth: Option<bool>,
    pub myths_believed: usize,
    pub myths_answered: usize,
    /// The last page of the mode (it ends with what to do next).
    pub last: bool,
}

/// Something on a page a mouse click can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Option(usize),
    Myth(bool),
    Answer,
}

/// A page laid out for one width.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub lines: Vec<Line<'static>>,
    /// Each line's text, ASCII-lower-cased (same byte offsets), for search.
    pub folded: Vec<String>,
    /// Lines a click can act on.
    pub targets: Vec<(usize, Target)>,
    /// The widest line (diagrams and code may be wider than the view).
    pub max_width: usize,
    /// Where the page's own text ends (a mode's last page goes on with what to do next).
    pub page_end: usize,
}

impl Doc {
    fn from_writer(w: Writer, targets: Vec<(usize, Target)>) -> Self {
        let folded: Vec<String> = w
            .lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>().to_ascii_lowercase())
            .collect();
        let max_width = w.lines.iter().map(Line::width).max().unwrap_or(0);
        let page_end = w.lines.len();
        Doc { lines: w.lines, folded, targets, max_width, page_end }
    }

    #[must_use]
    pub fn target_at(&self, line: usize) -> Option<Target> {
        self.targets.iter().find(|(l, _)| *l == line).map(|(_, t)| *t)
    }
}

/// Lays out one page at a width.
#[must_use]
pub fn build(lesson: &Lesson, page: Page, width: usize, theme: &'static Theme, ui: &PageUi) -> Doc {
    let mut w = Writer::styled(width, theme);
    let mut targets = Vec::new();
    write_page(&mut w, lesson, page, ui, &mut targets);
    let page_end = w.lines.len();
    if ui.last {
        ending(&mut w);
    }
    Doc { page_end, ..Doc::from_writer(w, targets) }
}

/// A whole lesson, or some of its sections, as plain text (`--plain`): every prediction and
/// myth is shown with its reveal, since a pipe cannot commit.
#[must_use]
pub fn plain(lesson: &Lesson, sections: &[SectionKind]) -> String {
    let mut w = Writer::plain();
    w.push(Line::from(lesson.title.clone()));
    if let Some(sub) = &lesson.subtitle {
        w.push(Line::from(sub.clone()));
    }
    for page in pages_of(lesson, sections) {
        w.blank();
        let ui = PageUi { committed: Some(String::new()), myth: Some(false), ..PageUi::default() };
        write_page(&mut w, lesson, page, &ui, &mut Vec::new());
    }
    w.text()
}

fn label(w: &mut Writer, text: &str) {
    w.push(Line::from(Span::styled(text.to_owned(), w.theme.accent)));
}

fn md_block(w: &mut Writer, name: &str, md: &str) {
    w.blank();
    label(w, name);
    w.md(md);
}

fn code(w: &mut Writer, code: &Code) {
    w.blank();
    if let Some(v) = &code.fastapi {
        w.push(Line::from(Span::styled(format!("FastAPI {v}"), w.theme.dim)));
    }
    w.code(&code.language, &code.source);
    if let Some(req) = &code.requires {
        requirements(w, req);
    }
}

/// How to run a sample, under it: the pinned install line, the variables, the start command.
fn requirements(w: &mut Writer, req: &Requirements) {
    let dim = w.theme.dim;
    let mut lines = vec![format!("To run it: pip install {}", req.packages.join(" "))];
    lines.extend(req.env.iter().map(|e| format!("  export {}={}", e.name, e.example)));
    lines.push(format!("  {}", req.run));
    for line in lines {
        w.push(Line::from(Span::styled(line, dim)));
    }
}

fn diagram(w: &mut Writer, d: &Diagram) {
    w.blank();
    label(w, &d.title);
    w.diagram(&d.art);
    if let Some(caption) = &d.caption {
        w.md(caption.as_str());
    }
}

/// Where to try a page live. In the interface that is a key (`L`, and Esc comes back to the
/// page); in `--plain` text, the command to run.
fn lab_hint(w: &mut Writer, scenario: &str) {
    w.blank();
    let t = w.theme;
    let command = format!("apisec-tutor lab --scenario {scenario}");
    if w.plain {
        w.para(&[(s::TRY_IN_LAB.to_owned(), t.dim), (command, t.inline_code)]);
    } else {
        w.para(&[
            (s::TRY_IN_LAB_KEY.to_owned(), t.accent),
            (format!(" {} ", s::TRY_IN_LAB_SHELL), t.dim),
            (command, t.inline_code),
        ]);
    }
}

/// After the last page of a mode: what the learner can do next, so the walk-through ends
/// instead of stopping.
fn ending(w: &mut Writer) {
    w.blank();
    w.heading(s::END_HEADING, 2);
    let t = w.theme;
    for line in s::END_NEXT {
        w.wrap(&[((*line).to_owned(), t.text)], &[Span::styled("• ", t.accent)], &[Span::raw("  ")]);
    }
}

/// Long because it is one arm per section kind, each a few lines of layout in reading order;
/// split up, the order of a page would be spread over twenty functions.
fn write_page(w: &mut Writer, lesson: &Lesson, page: Page, ui: &PageUi, targets: &mut Vec<(usize, Target)>) {
    let item = page.item;
    let count = lesson.items(page.section);
    let heading = if paged(page.section) && count > 0 {
        format!("{} · {} of {count}", page.section.title(), item + 1)
    } else {
        page.section.title().to_owned()
    };
    w.heading(&heading, 1);
    match page.section {
        SectionKind::Overview => {
            md_block(w, "What it is", lesson.overview.what.as_str());
            md_block(w, "Why it matters", lesson.overview.why_it_matters.as_str());
            md_block(w, "Where it fits", lesson.overview.where_it_fits.as_str());
        }
        SectionKind::MentalModel => {
            md_block(w, "The core idea", lesson.mental_model.core_idea.as_str());
            md_block(w, "An analogy", lesson.mental_model.analogy.as_str());
            for d in &lesson.mental_model.diagrams {
                diagram(w, d);
            }
        }
        SectionKind::BuildUp => build_up(w, lesson, item, ui, targets),
        SectionKind::UnderTheHood => {
            w.md(lesson.under_the_hood.body.as_str());
            for d in &lesson.under_the_hood.diagrams {
                diagram(w, d);
            }
        }
        SectionKind::WhyDesigned => w.md(lesson.why_designed.as_str()),
        SectionKind::MythBusters => myth(w, lesson, item, ui, targets),
        SectionKind::ExpertZone => {
            for point in &lesson.expert_zone {
                w.heading(&point.title, 2);
                w.md(point.body.as_str());
            }
        }
        SectionKind::WhenNotToUse => w.md(lesson.when_not_to_use.as_str()),
        SectionKind::ProductionPatterns => w.md(lesson.production_patterns.as_str()),
        SectionKind::Connections => {
            for c in &lesson.connections {
                w.heading(&c.topic, 2);
                w.md(c.relation.as_str());
                md_block(w, "Insight", c.insight.as_str());
            }
        }
        SectionKind::Pitfalls => pitfall(w, lesson, item),
        SectionKind::KeyTakeaways => numbered(w, &lesson.key_takeaways),
        SectionKind::ConceptFlow => {
            w.md(lesson.concept_flow.summary.as_str());
            w.blank();
            let titles = lesson.concept_flow.stages.iter().map(|s| s.title.as_str());
            let flow = FlowDiagram::new(titles, w.theme).mark(item, StageMark::Current);
            for line in flow.lines(w.width) {
                w.push(line);
            }
            if let Some(stage) = lesson.concept_flow.stages.get(item) {
                w.heading(&format!("{} {}", s::MARK_CURRENT, stage.title), 2);
                w.md(stage.detail.as_str());
            }
        }
        SectionKind::ExecutionSample => {
            let sample = &lesson.execution_sample;
            label(w, &sample.title);
            code(w, &sample.code);
            w.blank();
            w.md(sample.explanation.as_str());
            lab_hint(w, &sample.lab_scenario);
        }
        SectionKind::ExecutionTable => {
            let table = &lesson.execution_table;
            let rows: Vec<Vec<String>> = table
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.step.to_string(),
                        r.action.clone(),
                        r.token.clone(),
                        r.check.clone(),
                        r.response.clone(),
                    ]
                })
                .collect();
            w.simple_table(&["Step", "Action", "Token", "Check", "Response"], &rows);
            md_block(w, "When execution stops", table.exit_note.as_str());
            if let Some(notes) = &table.fastapi_notes {
                md_block(w, "In real FastAPI", notes.as_str());
            }
            lab_hint(w, &table.lab_scenario);
        }
        SectionKind::VariableTracker => {
            let tracker = &lesson.variable_tracker;
            let mut header = vec!["Variable"];
            header.extend(tracker.columns.iter().map(String::as_str));
            let rows: Vec<Vec<String>> = tracker
                .variables
                .iter()
                .map(|v| std::iter::once(v.name.clone()).chain(v.values.iter().cloned()).collect())
                .collect();
            w.simple_table(&header, &rows);
            lab_hint(w, &tracker.lab_scenario);
        }
        SectionKind::KeyMoments => {
            for (n, moment) in lesson.key_moments.iter().enumerate() {
                w.blank();
                let t = w.theme;
                w.para(&[(format!("{}. ", n + 1), t.accent), (moment.question.clone(), t.bold)]);
                w.md(moment.answer.as_str());
                if !moment.table_steps.is_empty() {
                    let steps: Vec<String> = moment.table_steps.iter().map(u32::to_string).collect();
                    w.para(&[(format!("Execution table step {}", steps.join(", ")), t.dim)]);
                }
            }
        }
        SectionKind::ConceptSnapshot => bullets(w, &lesson.concept_snapshot),
        SectionKind::Transcript => w.md(lesson.transcript.as_str()),
    }
}

fn numbered(w: &mut Writer, items: &[String]) {
    for (n, text) in items.iter().enumerate() {
        let prefix = format!("{}. ", n + 1);
        let pad = " ".repeat(width(&prefix));
        let t = w.theme;
        w.wrap(&[(text.clone(), t.text)], &[Span::styled(prefix, t.accent)], &[Span::raw(pad)]);
    }
}

fn bullets(w: &mut Writer, items: &[String]) {
    for text in items {
        let t = w.theme;
        w.wrap(&[(text.clone(), t.text)], &[Span::styled("• ", t.accent)], &[Span::raw("  ")]);
    }
}

fn build_up(w: &mut Writer, lesson: &Lesson, item: usize, ui: &PageUi, targets: &mut Vec<(usize, Target)>) {
    let Some(step) = lesson.build_up.get(item) else {
        w.para(&[(s::EMPTY_SECTION.to_owned(), w.theme.dim)]);
        return;
    };
    let t = w.theme;
    w.para(&[(step.title.clone(), t.title), (format!("  ({})", step.level.label()), t.dim)]);
    // The question comes before the explanation: a learner who has just read the answer is not
    // predicting anything. Until they commit, the step shows only its question.
    if let Some(predict) = &step.predict {
        if ui.committed.is_none() {
            ask(w, predict, ui, targets);
            w.blank();
            w.para(&[(s::REVEAL_LOCKED.to_owned(), t.dim)]);
            return;
        }
        if w.plain {
            // A pipe cannot commit: the question and its options first, the explanation after,
            // and the best answer only at the end of the step.
            prompt(w, predict);
            for (n, option) in predict.options.iter().enumerate() {
                w.para(&[(format!("  {}) {option}", n + 1), t.text)]);
            }
        }
    }
    explain(w, step);
    if let Some(predict) = &step.predict {
        if w.plain {
            w.blank();
            if let Some(best) = predict.best.and_then(|b| predict.options.get(b)) {
                w.para(&[(format!("{}{best}", s::BEST_ANSWER), t.text)]);
            }
            w.md(predict.reveal.as_str());
        } else {
            prompt(w, predict);
            reveal(w, predict, ui.committed.as_deref().unwrap_or(""));
        }
    }
    md_block(w, "Result", step.result.as_str());
    if let Some(insight) = &step.insight {
        md_block(w, "Why it matters", insight.as_str());
    }
}

/// The step's teaching: its concept, body and code.
fn explain(w: &mut Writer, step: &crate::content::BuildUpStep) {
    md_block(w, "Concept", step.concept.as_str());
    w.blank();
    w.md(step.body.as_str());
    if let Some(c) = &step.code {
        code(w, c);
    }
}

fn prompt(w: &mut Writer, predict: &crate::content::Prediction) {
    let t = w.theme;
    w.blank();
    w.push(Line::from(Span::styled(s::PREDICT_HEADING.to_owned(), t.accent)));
    w.para(&[(format!("? {}", predict.prompt), t.bold)]);
}

/// The prediction as a question to answer: options to pick from, or a line to type.
fn ask(
    w: &mut Writer,
    predict: &crate::content::Prediction,
    ui: &PageUi,
    targets: &mut Vec<(usize, Target)>,
) {
    let t = w.theme;
    prompt(w, predict);
    if predict.options.is_empty() {
        let cursor = if ui.editing { "▏" } else { "" };
        targets.push((w.lines.len(), Target::Answer));
        w.para(&[
            (s::YOUR_ANSWER.to_owned(), t.accent),
            (format!("{}{cursor}", ui.draft), if ui.editing { t.selected } else { t.text }),
        ]);
        let hint = if ui.editing { s::TYPE_HINT_EDITING } else { s::TYPE_HINT };
        w.para(&[(hint.to_owned(), t.dim)]);
        return;
    }
    for (n, option) in predict.options.iter().enumerate() {
        let chosen = ui.selected == Some(n);
        let mark = if chosen { "▶ " } else { "  " };
        let style = if chosen { t.selected } else { t.text };
        targets.push((w.lines.len(), Target::Option(n)));
        w.wrap(
            &[(option.clone(), style)],
            &[Span::styled(format!("{mark}{}) ", n + 1), if chosen { t.selected } else { t.accent })],
            &[Span::raw("     ")],
        );
    }
    w.para(&[(s::choose_hint(predict.options.len()), t.dim)]);
}

/// The learner's prediction beside the explanation (stacked when narrow).
fn reveal(w: &mut Writer, predict: &crate::content::Prediction, answer: &str) {
    let t = w.theme;
    w.blank();
    w.push(Line::from(Span::styled(s::REVEAL_HEADING.to_owned(), t.accent)));
    let mut left = Writer { lines: Vec::new(), width: 0, plain: w.plain, theme: t };
    let mut right = Writer { lines: Vec::new(), width: 0, plain: w.plain, theme: t };
    let side = !w.plain && w.width >= 60;
    let left_w = if side { (w.width / 3).max(18) } else { w.width };
    left.width = left_w;
    right.width = if side { w.width - left_w - 3 } else { w.width };
    left.push(Line::from(Span::styled(s::YOUR_PREDICTION.to_owned(), t.bold)));
    let verdict = predict.best.and_then(|best| {
        let chosen = predict.options.iter().position(|o| o == answer)?;
        Some(chosen == best)
    });
    let (mark, style) = match verdict {
        Some(true) => (format!("{} ", s::MARK_RIGHT), t.good),
        Some(false) => (format!("{} ", s::MARK_WRONG), t.bad),
        None => ("» ".to_owned(), t.accent),
    };
    let shown = if answer.is_empty() { s::NO_ANSWER.to_owned() } else { answer.to_owned() };
    left.wrap(&[(shown, t.text)], &[Span::styled(mark, style)], &[Span::raw("  ")]);
    if verdict == Some(false)
        && let Some(best) = predict.best.and_then(|b| predict.options.get(b))
    {
        left.wrap(&[(format!("{}{best}", s::BEST_ANSWER), t.dim)], &[], &[]);
    }
    right.push(Line::from(Span::styled(s::EXPLANATION.to_owned(), t.bold)));
    right.md(predict.reveal.as_str());
    if side {
        side_by_side(w, left.lines, right.lines, left_w);
    } else {
        w.lines.extend(left.lines);
        w.blank();
        w.lines.extend(right.lines);
    }
}

fn side_by_side(w: &mut Writer, left: Vec<Line<'static>>, right: Vec<Line<'static>>, left_w: usize) {
    let border = w.theme.border;
    let rows = left.len().max(right.len());
    let mut left = left.into_iter();
    let mut right = right.into_iter();
    for _ in 0..rows {
        let l = left.next().unwrap_or_default();
        let pad = left_w.saturating_sub(l.width());
        let mut spans = l.spans;
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(" │ ", border));
        spans.extend(right.next().unwrap_or_default().spans);
        w.push(Line::from(spans));
    }
}

fn myth(w: &mut Writer, lesson: &Lesson, item: usize, ui: &PageUi, targets: &mut Vec<(usize, Target)>) {
    let Some(myth) = lesson.myth_busters.get(item) else {
        w.para(&[(s::EMPTY_SECTION.to_owned(), w.theme.dim)]);
        return;
    };
    let t = w.theme;
    if !w.plain {
        w.para(&[(s::myth_tally(ui.myths_believed, ui.myths_answered, lesson.myth_busters.len()), t.dim)]);
        w.blank();
    }
    w.para(&[(myth.question.clone(), t.bold)]);
    let bar = w.quote_bar();
    w.wrap(&[(myth.belief.clone(), t.quote)], &[Span::styled(bar, t.quote)], &[Span::styled(bar, t.quote)]);
    w.blank();
    match ui.myth {
        None => {
            targets.push((w.lines.len(), Target::Myth(true)));
            w.para(&[("  [t] ".to_owned(), t.accent), (s::MYTH_TRUE.to_owned(), t.text)]);
            targets.push((w.lines.len(), Target::Myth(false)));
            w.para(&[("  [f] ".to_owned(), t.accent), (s::MYTH_FALSE.to_owned(), t.text)]);
            w.blank();
            w.para(&[(s::REVEAL_LOCKED.to_owned(), t.dim)]);
        }
        Some(said_true) => {
            if !w.plain {
                let right = said_true == myth.belief_is_true;
                let (mark, style) = if right { (s::MARK_RIGHT, t.good) } else { (s::MARK_WRONG, t.bad) };
                let said = if said_true { s::MYTH_TRUE } else { s::MYTH_FALSE };
                w.para(&[(format!("{mark} "), style), (format!("{}{said}", s::YOU_SAID), t.text)]);
            }
            let truth = if myth.belief_is_true { s::MYTH_IS_TRUE } else { s::MYTH_IS_FALSE };
            w.blank();
            w.para(&[(truth.to_owned(), t.accent)]);
            md_block(w, "The reality", myth.reality.as_str());
            md_block(w, "Why it matters", myth.why_it_matters.as_str());
            if let Some(scenario) = &myth.lab_scenario {
                lab_hint(w, scenario);
            }
        }
    }
}

/// The two versions aligned on their longest common subsequence of lines (compared without
/// surrounding spaces): `(Some(i), Some(j))` for a shared line, one side `None` for a line only
/// one version has.
fn diff_pairs(a: &[&str], b: &[&str]) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i].trim() == b[j].trim() {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i].trim() == b[j].trim() {
            pairs.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            pairs.push((Some(i), None));
            i += 1;
        } else {
            pairs.push((None, Some(j)));
            j += 1;
        }
    }
    pairs
}

/// Rows for showing two versions side by side: shared lines level, and between them the lines
/// only one side has, a removed line facing its replacement where there is one.
fn align_rows(pairs: &[(Option<usize>, Option<usize>)]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut rows = Vec::new();
    let (mut dels, mut adds) = (Vec::new(), Vec::new());
    let flush = |rows: &mut Vec<_>, dels: &mut Vec<usize>, adds: &mut Vec<usize>| {
        for k in 0..dels.len().max(adds.len()) {
            rows.push((dels.get(k).copied(), adds.get(k).copied()));
        }
        dels.clear();
        adds.clear();
    };
    for &pair in pairs {
        match pair {
            (Some(i), None) => dels.push(i),
            (None, Some(j)) => adds.push(j),
            _ => {
                flush(&mut rows, &mut dels, &mut adds);
                rows.push(pair);
            }
        }
    }
    flush(&mut rows, &mut dels, &mut adds);
    rows
}

/// Which lines of `a` and `b` differ; blank lines never count as a difference.
fn diff_marks(a: &[&str], b: &[&str]) -> (Vec<bool>, Vec<bool>) {
    let (mut da, mut db) = (vec![false; a.len()], vec![false; b.len()]);
    for pair in diff_pairs(a, b) {
        match pair {
            (Some(i), None) => da[i] = !a[i].trim().is_empty(),
            (None, Some(j)) => db[j] = !b[j].trim().is_empty(),
            _ => {}
        }
    }
    (da, db)
}

fn pitfall(w: &mut Writer, lesson: &Lesson, item: usize) {
    let Some(p) = lesson.pitfalls.get(item) else {
        w.para(&[(s::EMPTY_SECTION.to_owned(), w.theme.dim)]);
        return;
    };
    let t = w.theme;
    w.para(&[(p.title.clone(), t.title)]);
    w.blank();
    let wrong_src = p.wrong.source.replace('\t', "    ");
    let correct_src = p.correct.source.replace('\t', "    ");
    let wrong_lines: Vec<&str> = wrong_src.trim_end_matches('\n').split('\n').collect();
    let correct_lines: Vec<&str> = correct_src.trim_end_matches('\n').split('\n').collect();
    let (dw, dc) = diff_marks(&wrong_lines, &correct_lines);
    let mark =
        |differs: &bool, text: &str, style: Style| differs.then(|| Span::styled(text.to_owned(), style));
    let wrong_marks: Vec<Option<Span<'static>>> = dw.iter().map(|d| mark(d, s::MARK_WRONG, t.bad)).collect();
    let correct_marks: Vec<Option<Span<'static>>> =
        dc.iter().map(|d| mark(d, s::MARK_RIGHT, t.good)).collect();
    // Side by side only when both versions fit their column unwrapped; wrapped code in two
    // columns drifts apart and is harder to compare than the two stacked.
    let longest = wrong_lines.iter().chain(&correct_lines).map(|l| width(l)).max().unwrap_or(0);
    let gutter = 2 + correct_lines.len().max(wrong_lines.len()).to_string().len().max(2) + 3;
    let side = !w.plain && w.width >= 3 + 2 * (longest + gutter);
    let col_w = if side { (w.width - 3) / 2 } else { w.width };
    let mut left = Writer { lines: Vec::new(), width: col_w, plain: w.plain, theme: t };
    left.push(Line::from(vec![
        Span::styled(format!("{} ", s::MARK_WRONG), t.bad),
        Span::styled(s::WRONG, t.bold),
    ]));
    left.code_marked(&p.wrong.language, &wrong_src, &[], &[], &wrong_marks);
    let mut right = Writer { lines: Vec::new(), width: col_w, plain: w.plain, theme: t };
    right.push(Line::from(vec![
        Span::styled(format!("{} ", s::MARK_RIGHT), t.good),
        Span::styled(s::CORRECT, t.bold),
    ]));
    right.code_marked(&p.correct.language, &correct_src, &[], &[], &correct_marks);
    if side {
        // Unwrapped, each source line is one rendered line after the heading: line them up so a
        // shared line sits level with its twin and a changed one faces a gap.
        let (mut l, mut r) = (left.lines.into_iter(), right.lines.into_iter());
        let (mut lcol, mut rcol) = (vec![l.next().unwrap_or_default()], vec![r.next().unwrap_or_default()]);
        for (a, b) in align_rows(&diff_pairs(&wrong_lines, &correct_lines)) {
            lcol.push(if a.is_some() { l.next().unwrap_or_default() } else { Line::default() });
            rcol.push(if b.is_some() { r.next().unwrap_or_default() } else { Line::default() });
        }
        side_by_side(w, lcol, rcol, col_w);
    } else {
        w.lines.extend(left.lines);
        w.blank();
        w.lines.extend(right.lines);
    }
    if let Some(req) = &p.correct.requires {
        w.blank();
        requirements(w, req);
    }
    md_block(w, "Root cause", p.root_cause.as_str());
    if let Some(scenario) = &p.lab_scenario {
        lab_hint(w, scenario);
    }
}

/// The lab scenario a reader page points at (execution sample, table, tracker, a myth or a
/// pitfall that names one), for the reader's "open in the lab" key.
#[must_use]
pub fn page_scenario(lesson: &crate::content::Lesson, page: Page) -> Option<String> {
    use crate::content::SectionKind as K;
    match page.section {
        K::ExecutionSample => Some(lesson.execution_sample.lab_scenario.clone()),
        K::ExecutionTable => Some(lesson.execution_table.lab_scenario.clone()),
        K::VariableTracker => Some(lesson.variable_tracker.lab_scenario.clone()),
        K::MythBusters => lesson.myth_busters.get(page.item).and_then(|m| m.lab_scenario.clone()),
        K::Pitfalls => lesson.pitfalls.get(page.item).and_then(|p| p.lab_scenario.clone()),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::content::{Catalog, Source};
    use crate::tui::theme::DEFAULT;

    /// The interface's test lesson (src/tui/testdata), loaded like any content directory.
    pub(crate) fn catalog() -> Catalog {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/testdata");
        crate::content::load(&[Source::Dir(dir)]).expect("test lesson loads")
    }

    fn text(doc: &Doc) -> String {
        doc.lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>().trim_end().to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn modes_map_to_pages() {
        let c = catalog();
        let lesson = &c.lessons[0];
        let guided = pages_of(lesson, &sections_of(ModeTarget::GuidedWalkthrough).unwrap());
        assert_eq!(guided.first(), Some(&Page { section: SectionKind::Overview, item: 0 }));
        assert_eq!(guided.iter().filter(|p| p.section == SectionKind::BuildUp).count(), 2);
        assert_eq!(guided.iter().filter(|p| p.section == SectionKind::ConceptFlow).count(), 6);
        assert!(!guided.iter().any(|p| p.section == SectionKind::Transcript));
        assert!(sections_of(ModeTarget::LiveLab).is_none());
        assert_eq!(
            page_title(lesson, Page { section: SectionKind::BuildUp, item: 1 }),
            "Step 2: A checked route"
        );
    }

    #[test]
    fn prediction_hides_the_reveal_until_committed() {
        let c = catalog();
        let lesson = &c.lessons[0];
        let page = Page { section: SectionKind::BuildUp, item: 0 };
        let before = build(lesson, page, 80, &DEFAULT, &PageUi { selected: Some(1), ..PageUi::default() });
        let t = text(&before);
        assert!(t.contains("▶ 2) 401 Not authenticated"), "{t}");
        assert!(!t.contains("Nothing checks the request"));
        assert!(!t.contains("You can see why"));
        assert_eq!(before.targets.iter().filter(|(_, t)| matches!(t, Target::Option(_))).count(), 3);
        let ui = PageUi { committed: Some("401 Not authenticated".into()), ..PageUi::default() };
        let after = text(&build(lesson, page, 80, &DEFAULT, &ui));
        assert!(after.contains("✗ 401 Not authenticated"), "{after}");
        assert!(after.contains("Nothing checks the request"), "{after}");
        assert!(after.contains("You can see why"));
    }

    #[test]
    fn pitfall_marks_only_the_differing_lines() {
        let c = catalog();
        let doc = build(
            &c.lessons[0],
            Page { section: SectionKind::Pitfalls, item: 0 },
            120,
            &DEFAULT,
            &PageUi::default(),
        );
        let t = text(&doc);
        let marked: Vec<&str> = t.lines().filter(|l| l.contains('✗') || l.contains('✓')).collect();
        // header line, `if token == SECRET` vs `import secrets`, blank, `compare_digest`.
        assert!(marked.iter().any(|l| l.contains("✗  2 │     if token == SECRET:")), "{t}");
        assert!(marked.iter().any(|l| l.contains("✓  4 │     if secrets.compare_digest")), "{t}");
        assert!(!marked.iter().any(|l| l.contains("return True")), "{t}");
        let (a, b) = diff_marks(&["x", "y", "z"], &["x", "q", "", "z"]);
        assert_eq!((a, b), (vec![false, true, false], vec![false, true, false, false]));
        assert_eq!(
            diff_pairs(&["a", "b", "c"], &["a", "c", "d"]),
            vec![(Some(0), Some(0)), (Some(1), None), (Some(2), Some(1)), (None, Some(2))]
        );
        let pairs = [(None, Some(0)), (Some(0), Some(1)), (Some(1), None), (None, Some(2)), (None, Some(3))];
        assert_eq!(
            align_rows(&pairs),
            vec![(None, Some(0)), (Some(0), Some(1)), (Some(1), Some(2)), (None, Some(3))]
        );
    }

    #[test]
    fn plain_text_shows_everything_verbatim() {
        let c = catalog();
        let lesson = &c.lessons[0];
        let out = plain(lesson, &SectionKind::ALL);
        assert!(out.starts_with("Bearer tokens in a tiny API\n"));
        assert!(out.contains("client --(Bearer abc)--> [ door ] --> handler\n"), "diagram verbatim");
        assert!(out.contains("Stage         Who         Result\n"), "{out}");
        assert!(out.contains("Nothing checks the request"), "reveals shown in plain text");
        assert!(!out.contains('\u{1b}'));
        let one = plain(lesson, &[SectionKind::KeyTakeaways]);
        assert!(one.contains("1. Every route") && !one.contains("Overview"));
    }
}
