//! The live lab: compose bar, execution table, concept flow with the stage where the selected
//! request stopped, trace, variable tracker, inspector, vulnerable-vs-fixed and the token
//! workbench. At 80×24 the panes are tabs (Tab switches); from 110×32 the table (on top) and the
//! flow (bottom left) stay visible and Tab switches the bottom-right pane.

pub mod code;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table, Wrap};

use crate::lab::table::{ExecRow, tracker};
use crate::lab::trace::{Actor, Outcome as TraceOutcome, TraceStage};
use crate::tui::ctx::View;
use crate::tui::markdown::backticks;
use crate::tui::screens::lab::layout::{areas_for, panes, shown_pane, tab_title};
use crate::tui::screens::lab::table::{self as lab_table, Col};
use crate::tui::screens::lab::{
    CompareKind, ExpSetting, Input, LabState, PRESETS, Pane, ROUTES, Row, RowState, ServerState, Side,
    scenarios, value_text,
};
use crate::tui::strings::lab as s;
use crate::tui::theme::Theme;
use crate::tui::widgets::flow::{FlowDiagram, StageMark};

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &LabState, v: View<'_>) {
    let t = v.theme;
    let shown = panes(area);
    let pane = shown_pane(area, state.pane);
    let a = areas_for(area, state);
    header(frame, a.header, v, state);
    compose(frame, a.compose, v, state);
    let mut spans = Vec::new();
    for (i, p) in shown.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", t.dim));
        } else {
            spans.push(Span::raw(" "));
        }
        if *p == pane {
            spans.push(Span::styled(format!("▶ {}", tab_title(*p)), t.selected));
        } else {
            spans.push(Span::styled(tab_title(*p), t.text));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), a.tabs);
    if let Some(table_area) = a.table {
        table(frame, table_area, t, state, true);
    }
    if let Some(flow_area) = a.flow {
        flow(frame, flow_area, t, state, false);
    }
    let wide = a.table.is_some();
    match pane {
        Pane::Table => table(frame, a.pane, t, state, false),
        Pane::Trace => {
            if wide {
                trace(frame, a.pane, t, state);
            } else {
                flow(frame, a.pane, t, state, true);
            }
        }
        Pane::Tracker => tracker_pane(frame, a.pane, t, state),
        Pane::Inspector => inspector(frame, a.pane, t, state),
        Pane::Compare => compare(frame, a.pane, t, state),
        Pane::Workbench => workbench(frame, a.pane, t, state),
        Pane::Code => code::render(frame, a.pane, t, v.catalog, state),
    }
}

fn boxed<'a>(title: &'a str, t: &'static Theme) -> Block<'a> {
    Block::default().borders(Borders::ALL).border_style(t.border).title(Span::styled(title, t.title))
}

fn header(frame: &mut Frame<'_>, area: Rect, v: View<'_>, state: &LabState) {
    let t = v.theme;
    let mut spans = vec![Span::styled(format!(" {} ", s::TITLE), t.title)];
    spans.push(Span::styled(format!("· FastAPI {} ", state.profile.fastapi), t.accent));
    match &state.server {
        ServerState::Starting => spans.push(Span::styled(format!("· {}", s::STARTING), t.dim)),
        ServerState::Running { base_url } => spans.push(Span::styled(format!("· {base_url}"), t.dim)),
        ServerState::Failed(e) => spans.push(Span::styled(format!("· {}", s::start_failed(e)), t.bad)),
    }
    // The tally kept in progress (every prediction ever made in the lab, not just this visit).
    let (right, total) = v.progress.lab_predictions();
    if total > 0 {
        spans.push(Span::styled(format!(" · {}", s::prediction_tally(right, total)), t.text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn compose(frame: &mut Frame<'_>, area: Rect, v: View<'_>, state: &LabState) {
    let t = v.theme;
    let mut lines = Vec::new();
    if let Some(input) = &state.input {
        let (prompt, value) = match input {
            Input::Predict(v) => (s::EDIT_PREDICT.to_owned(), v.clone()),
            Input::Form(i, form) => (
                format!("{} ({}/{}) · Enter next · Esc cancel", s::EDIT_FORM[*i], i + 1, s::EDIT_FORM.len()),
                form.field(*i).to_owned(),
            ),
            Input::Claim("", v) => (s::EDIT_ANY_CLAIM.to_owned(), v.clone()),
            Input::Claim(name, v) => {
                (format!("{} `{name}` · Enter keeps it · Esc cancels", s::EDIT_CLAIM), v.clone())
            }
        };
        lines.push(Line::from(Span::styled(format!(" {prompt}"), t.accent)));
        lines.push(Line::from(vec![
            Span::styled(" › ", t.accent),
            Span::styled(value, t.bold),
            Span::styled("▏", t.accent),
        ]));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let mut first = vec![Span::styled(" ▶ ", t.accent)];
    if let Some(form) = &state.custom {
        let r = form.to_request();
        first.push(Span::styled(format!("{}: ", s::COMPOSE_CUSTOM), t.dim));
        first.push(Span::styled(format!("{} {}", r.method, r.path), t.bold));
        first.push(Span::styled(format!(" + {} header(s)", r.headers.len()), t.dim));
    } else {
        let route = ROUTES.get(state.route).copied().unwrap_or(ROUTES[0]);
        let preset = PRESETS.get(state.preset).copied().unwrap_or(PRESETS[0]);
        first.push(Span::styled(format!("{} [/] ", s::COMPOSE_ROUTE), t.dim));
        first.push(Span::styled(format!("{} {}", route.method, route.path), t.bold));
        first.push(Span::styled(format!("  {} ←→ ", s::COMPOSE_CREDENTIAL), t.dim));
        first.push(Span::styled(preset.label, t.bold));
    }
    first.push(Span::styled(format!("  {} p ", s::COMPOSE_PREDICT), t.dim));
    first.push(Span::styled(state.predicted.map_or_else(|| "—".to_owned(), |p| p.to_string()), t.accent));
    lines.push(Line::from(first));
    let all = scenarios(v.catalog);
    let second = match all.get(state.scenario_sel) {
        Some(sc) => Line::from(vec![
            Span::styled(format!("   {} n/N ", s::COMPOSE_SCENARIO), t.dim),
            Span::styled(sc.id.clone(), t.bold),
            Span::styled(format!(" · {} ({} request(s), s sends)", sc.title, sc.requests.len()), t.dim),
        ]),
        None => Line::from(Span::styled(format!("   {}", s::NO_SCENARIOS), t.dim)),
    };
    lines.push(second);
    frame.render_widget(Paragraph::new(lines), area);
}

fn status_style(t: &'static Theme, status: u16) -> Style {
    if status < 400 { t.good } else { t.bad }
}

fn table(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState, wide: bool) {
    let mut block = boxed(s::PANE_TABLE, t);
    // A seed row where real FastAPI answers differently from the seed's table says so.
    if let Some(row) = state.selected_row()
        && row.seed
        && row.exec.as_ref().is_some_and(|e| seed_note(e).is_some_and(|(differs, _)| differs))
    {
        let hint = if wide { s::SEED_DIFFERS_BELOW } else { s::SEED_DIFFERS_TAB };
        block = block.title_bottom(Line::from(Span::styled(hint, t.accent)));
    }
    if state.rows.is_empty() {
        let mut lines = Vec::new();
        if let Some(id) = &state.scenario {
            lines.push(Line::from(Span::styled(s::scenario_ready(id), t.accent)));
        }
        lines.push(Line::from(Span::styled(s::NO_ROWS, t.dim)));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
        return;
    }
    // Column widths and wrapped cells come from one place, shared with mouse hit-testing.
    let shape = lab_table::shape(area, !wide, state);
    let window = lab_table::window(state, &shape);
    let header =
        TableRow::new(shape.columns.iter().map(|(c, _)| Cell::from(Span::styled(c.title(), t.heading))));
    let rows: Vec<TableRow<'_>> = window
        .iter()
        .filter_map(|cells| Some((cells, state.rows.get(cells.index)?)))
        .map(|(cells, row)| {
            let resp_style = row.status().map_or(t.dim, |st| status_style(t, st));
            let drawn = shape.columns.iter().zip(&cells.lines).map(|((col, _), lines)| {
                let style = if *col == Col::Response { resp_style } else { Style::default() };
                let lines: Vec<Line<'_>> =
                    lines.iter().map(|l| Line::from(Span::styled(l.clone(), style))).collect();
                Cell::from(Text::from(lines))
            });
            let r = TableRow::new(drawn).height(u16::try_from(cells.height()).unwrap_or(1));
            if cells.index == state.selected { r.style(t.selected) } else { r }
        })
        .collect();
    let widths: Vec<Constraint> = shape.columns.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The header and the body lines only: a last row cut at the edge stays out of the detail.
    let body_h = u16::try_from(shape.body_lines + 1).unwrap_or(u16::MAX).min(inner.height);
    let rows_area = Rect { height: body_h, ..inner };
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), rows_area);
    if shape.detail_lines > 0 {
        // Right under the last row (a short table leaves no gap), at the latest on the lines
        // reserved for it.
        let used = window.iter().map(lab_table::Cells::height).sum::<usize>().min(shape.body_lines);
        let top = inner.y + 1 + u16::try_from(used).unwrap_or(0);
        let height = (inner.y + inner.height).saturating_sub(top);
        row_detail(frame, Rect { y: top, height, ..inner }, t, state);
    }
}

/// Under the table (when it is a pane of its own): the selected row in full, the request as
/// sent, the answer, who stopped it and the bet, which the columns only abbreviate.
fn row_detail(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState) {
    let Some(row) = state.selected_row() else { return };
    // The row's own label (a scenario's `No X-API-Key header`) names what the columns abbreviate.
    let rule = format!("─ #{} {} ", row.id, row.label);
    let fill = usize::from(area.width).saturating_sub(rule.chars().count());
    let mut lines = vec![Line::from(Span::styled(format!("{rule}{}", "─".repeat(fill)), t.dim))];
    // The seed's rows in the seed's words (`GET /items/ with token='…'`); others as sent.
    let request = match &row.exec {
        Some(e) if row.seed => e.action.clone(),
        _ => lab_table::request_text(row),
    };
    lines.push(Line::from(Span::styled(request, t.bold)));
    let mut answer = vec![
        Span::styled(format!("{}: ", s::DETAIL_ANSWER), t.dim),
        Span::styled(
            lab_table::response_text(state, row),
            row.status().map_or(t.dim, |st| status_style(t, st)),
        ),
    ];
    if let Some(exec) = &row.exec {
        answer.push(Span::styled(format!(" · {}", s::www(&exec.www_authenticate)), t.dim));
    }
    lines.push(Line::from(answer));
    if let Some(exec) = &row.exec {
        let (text, style) = if exec.handler_ran && exec.status < 400 {
            (s::WENT_THROUGH.to_owned(), t.good)
        } else {
            (s::stopped(exec.stopped_at.as_str(), &exec.stopped_by_text()), t.bad)
        };
        lines.push(Line::from(backticks(&text, style, t.inline_code)));
    }
    let bet = lab_table::bet_text(row);
    if !bet.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", s::DETAIL_BET), t.dim),
            Span::styled(bet, t.accent),
        ]));
    }
    // The room left under the table: the flow in one line, the headers that were sent, and
    // where to look next.
    if let Some(exec) = &row.exec {
        lines.push(flow_line(exec, t));
    }
    if let Some(p) = &row.prepared {
        for (name, value) in p.headers.iter().take(3) {
            let width = usize::from(area.width).saturating_sub(name.chars().count() + 8);
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", s::DETAIL_SENT), t.dim),
                Span::styled(format!("{name}: {}", lab_table::elide_middle(value, width)), t.text),
            ]));
        }
    }
    lines.push(Line::from(Span::styled(s::DETAIL_KEYS, t.dim)));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The six stages in one line, each ticked, crossed or left plain as the row went.
fn flow_line(exec: &ExecRow, t: &'static Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{}: ", s::DETAIL_FLOW), t.dim)];
    for (i, (stage, mark)) in STAGES.iter().zip(flow_marks(exec)).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" → ", t.dim));
        }
        let (text, style) = match mark {
            StageMark::Passed => (format!("✓{}", stage.as_str()), t.good),
            StageMark::Stopped => (format!("✗{}", stage.as_str()), t.bad),
            _ => (stage.as_str().to_owned(), t.dim),
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let head: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{head}…")
}

/// The six stages, passed ✓ up to where the request stopped ✗ (or all passed).
fn flow_marks(exec: &ExecRow) -> Vec<StageMark> {
    let stopped = exec.stopped_at;
    let failed = exec.status >= 400 || !exec.handler_ran;
    STAGES
        .iter()
        .map(|st| {
            if *st < stopped || (!failed && *st == stopped) {
                StageMark::Passed
            } else if *st == stopped {
                StageMark::Stopped
            } else {
                StageMark::Plain
            }
        })
        .collect()
}

const STAGES: [TraceStage; 6] = [
    TraceStage::Send,
    TraceStage::Receive,
    TraceStage::Authenticate,
    TraceStage::Authorize,
    TraceStage::Process,
    TraceStage::Respond,
];

/// The flow with the selected row's stopping stage, who stopped it, the seed note; `events` adds
/// the trace below (narrow layout, where this is one pane).
fn flow(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState, events: bool) {
    let block = boxed(s::PANE_TRACE, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(row) = state.selected_row() else {
        let flow = FlowDiagram::new(s::FLOW_STAGES, t);
        let mut lines = flow.lines(usize::from(inner.width));
        lines.push(Line::from(Span::styled(s::NO_SELECTION, t.dim)));
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &row.exec {
        Some(exec) => {
            let mut diagram = FlowDiagram::new(s::FLOW_STAGES, t);
            for (i, m) in flow_marks(exec).into_iter().enumerate() {
                diagram = diagram.mark(i, m);
            }
            lines.extend(diagram.lines(usize::from(inner.width)));
            let summary = if exec.handler_ran && exec.status < 400 {
                s::WENT_THROUGH.to_owned()
            } else {
                s::stopped(exec.stopped_at.as_str(), &exec.stopped_by_text())
            };
            let style = if exec.status < 400 { t.good } else { t.bad };
            lines.push(Line::from(backticks(&summary, style, t.inline_code)));
            if row.seed
                && let Some((differs, note)) = seed_note(exec)
            {
                let heading = if differs { s::SEED_NOTES } else { s::SEED_SAME };
                lines.push(Line::from(Span::styled(format!("{heading}: "), t.accent)));
                lines.push(Line::from(backticks(&note, t.text, t.inline_code)));
            }
            if let Some(old) = row.replay_of.and_then(|id| state.row(id))
                && let Some(status) = old.status()
            {
                lines.push(Line::from(Span::styled(
                    format!(
                        "FastAPI {} answered {status} to the same request (row #{}); {} answers {}.",
                        old.profile.fastapi, old.id, row.profile.fastapi, exec.status
                    ),
                    t.accent,
                )));
            }
        }
        None => {
            lines.extend(FlowDiagram::new(s::FLOW_STAGES, t).lines(usize::from(inner.width)));
            let msg = match &row.state {
                RowState::Failed(e) => format!("failed: {e}"),
                RowState::Done(_) => s::TRACE_LOST.to_owned(),
                RowState::Sending => s::WAITING_TRACE.to_owned(),
            };
            lines.push(Line::from(Span::styled(msg, t.dim)));
        }
    }
    if events {
        lines.push(Line::from(""));
        lines.extend(event_lines(row, t, false));
    }
    let scroll = if events { state.scroll } else { 0 };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)), inner);
}

/// How this row compares with the seed's table: `(true, …)` where real FastAPI differs.
fn seed_note(exec: &ExecRow) -> Option<(bool, String)> {
    match (exec.handler_ran, exec.stopped_by) {
        (false, Actor::SecurityClass) => Some((
            true,
            s::seed_note_security_class(
                u64::from(exec.step),
                &exec.stopped_check,
                exec.status,
                &exec.detail,
                &s::www(&exec.www_authenticate),
            ),
        )),
        (_, Actor::App) if exec.status >= 400 => Some((
            false,
            s::seed_note_app(
                u64::from(exec.step),
                exec.status,
                &exec.detail,
                &s::www(&exec.www_authenticate),
            ),
        )),
        _ => None,
    }
}

fn event_lines(row: &Row, t: &'static Theme, vars: bool) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut events = row.events.clone();
    events.sort_by_key(|e| e.seq);
    for e in &events {
        let (mark, style) = match e.outcome {
            TraceOutcome::Pass => (crate::tui::strings::MARK_RIGHT, t.good),
            TraceOutcome::Fail => (crate::tui::strings::MARK_WRONG, t.bad),
            TraceOutcome::Info => ("·", t.dim),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(format!("{:<12} ", e.stage.as_str()), t.accent),
            Span::styled(e.check.clone(), t.bold),
            Span::styled(format!(" [{}] ", e.by.label()), t.dim),
            Span::styled(e.message.clone(), t.text),
        ]));
        if vars && !e.vars.is_empty() {
            let v: Vec<String> = e
                .vars
                .iter()
                .filter(|(k, _)| k.as_str() != "latency_us")
                .map(|(k, v)| format!("{k}={}", short(v, 40)))
                .collect();
            out.push(Line::from(Span::styled(format!("    {}", v.join("  ")), t.dim)));
        }
    }
    if events.is_empty() {
        out.push(Line::from(Span::styled(s::WAITING_TRACE, t.dim)));
    }
    out
}

fn trace(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState) {
    let block = boxed(s::PANE_TRACE, t);
    let lines = match state.selected_row() {
        Some(row) => event_lines(row, t, true),
        None => vec![Line::from(Span::styled(s::NO_SELECTION, t.dim))],
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((state.scroll, 0)).block(block),
        area,
    );
}

fn tracker_pane(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState) {
    // The rows up to the selected one that have a trace, as many as fit.
    let fit = usize::from(area.width.saturating_sub(16) / 17).max(1);
    // Walks back from the selection, so a long history costs nothing extra.
    let end = (state.selected + 1).min(state.rows.len());
    let traced = state.rows.range(..end).filter(|r| r.exec.is_some()).count();
    let mut execs: Vec<ExecRow> =
        state.rows.range(..end).rev().filter_map(|r| r.exec.clone()).take(fit).collect();
    execs.reverse();
    // Say when earlier steps do not fit, and how to see them.
    let title = if traced > execs.len() {
        format!("{} · {}", s::PANE_TRACKER, s::tracker_more(traced - execs.len()))
    } else {
        s::PANE_TRACKER.to_owned()
    };
    let block = boxed(&title, t);
    if execs.is_empty() {
        frame.render_widget(Paragraph::new(Span::styled(s::NO_SELECTION, t.dim)).block(block), area);
        return;
    }
    let (columns, variables) = tracker(&execs);
    // "Start" is all unset: drop it when space is short.
    let skip = usize::from(execs.len() >= fit);
    let n = columns.len() - skip;
    // Each value fits its column with an ellipsis rather than being cut mid-word.
    let col_w = usize::from(area.width.saturating_sub(2 + 14)).saturating_sub(n) / n.max(1);
    let cell = |v: &str, style: Style| Cell::from(Span::styled(crate::tui::markdown::fit(v, col_w), style));
    let header = TableRow::new(
        std::iter::once(Cell::from(Span::styled("variable", t.heading)))
            .chain(columns.iter().skip(skip).map(|c| cell(c, t.heading))),
    );
    let rows: Vec<TableRow<'_>> = variables
        .iter()
        .map(|(name, values)| {
            TableRow::new(
                std::iter::once(Cell::from(Span::styled(name.clone(), t.bold)))
                    .chain(values.iter().skip(skip).map(|v| cell(v, t.text))),
            )
            .height(1)
        })
        .collect();
    let mut widths = vec![Constraint::Length(14)];
    widths.extend(std::iter::repeat_n(Constraint::Fill(1), n));
    frame.render_widget(Table::new(rows, widths).header(header).block(block).column_spacing(1), area);
}

fn inspector(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState) {
    let block = boxed(s::PANE_INSPECTOR, t);
    let Some(row) = state.selected_row() else {
        frame.render_widget(Paragraph::new(Span::styled(s::NO_SELECTION, t.dim)).block(block), area);
        return;
    };
    let mut lines = Vec::new();
    lines.push(Line::from(Span::styled(
        format!("{} · row #{} · FastAPI {}", s::INSPECT_REQUEST, row.id, row.profile.fastapi),
        t.heading,
    )));
    match &row.prepared {
        Some(p) => {
            lines.push(Line::from(Span::styled(format!("{} {} HTTP/1.1", p.method, p.target), t.bold)));
            for (n, v) in &p.headers {
                lines
                    .push(Line::from(vec![Span::styled(format!("{n}: "), t.key_name), Span::raw(v.clone())]));
            }
            if let Some(body) = &p.body {
                lines.push(Line::from(""));
                lines.push(Line::from(body.clone()));
            }
            lines.push(Line::from(Span::styled(s::CLIENT_HEADERS, t.dim)));
        }
        None => lines.push(Line::from(Span::styled(s::SENDING, t.dim))),
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(s::INSPECT_RESPONSE, t.heading)));
    match &row.state {
        RowState::Done(o) => {
            lines.push(Line::from(vec![
                Span::styled(format!("HTTP {}", o.status), status_style(t, o.status)),
                Span::styled(format!(" · {}", s::round_trip(o.elapsed.as_secs_f64() * 1000.0)), t.dim),
            ]));
            for (n, v) in &o.headers {
                lines
                    .push(Line::from(vec![Span::styled(format!("{n}: "), t.key_name), Span::raw(v.clone())]));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(o.body_text()));
        }
        RowState::Failed(e) => lines.push(Line::from(Span::styled(format!("failed: {e}"), t.bad))),
        RowState::Sending => lines.push(Line::from(Span::styled(s::INSPECT_NO_RESPONSE, t.dim))),
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((state.scroll, 0)).block(block),
        area,
    );
}

fn compare(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState) {
    let block = boxed(s::PANE_COMPARE, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [top, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(inner);
    let mut head = Vec::new();
    for (i, kind) in CompareKind::ALL.iter().enumerate() {
        let style = if *kind == state.compare_kind { t.selected } else { t.dim };
        let mark = if *kind == state.compare_kind { "▶" } else { " " };
        head.push(Span::styled(format!("{mark}{} ", i + 1), style));
    }
    head.push(Span::styled(state.compare_kind.title(), t.bold));
    let lines = vec![Line::from(head), Line::from(Span::styled(s::COMPARE_HINT, t.dim))];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), top);
    let Some(c) = state.comparison.as_ref().filter(|c| c.kind == state.compare_kind) else {
        frame.render_widget(Paragraph::new(Span::styled(s::COMPARE_EMPTY, t.dim)), body);
        return;
    };
    let sides = match &c.sides {
        None => {
            frame.render_widget(Paragraph::new(Span::styled(s::SENDING, t.dim)), body);
            return;
        }
        Some(Err(e)) => {
            frame.render_widget(Paragraph::new(Span::styled(format!("failed: {e}"), t.bad)), body);
            return;
        }
        Some(Ok(sides)) => sides,
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let [a, b] = sides;
    frame.render_widget(side(a, b, t, s::VULNERABLE), left);
    frame.render_widget(side(b, a, t, s::FIXED), right);
}

/// One side, with what differs from the other side marked ◆ and highlighted.
fn side<'a>(me: &'a Side, other: &'a Side, t: &'static Theme, title: &'a str) -> Paragraph<'a> {
    let diff = |same: bool| if same { (" ", t.text) } else { ("◆", t.accent) };
    let mut lines = vec![Line::from(Span::styled(me.label.clone(), t.bold))];
    for l in &me.sent {
        lines.push(Line::from(Span::styled(format!("  {l}"), t.dim)));
    }
    let (m, st) = diff(me.status == other.status);
    let status = me.status.map_or_else(|| "no answer".to_owned(), |s| s.to_string());
    let status_st = me.status.map_or(t.dim, |s| status_style(t, s));
    lines.push(Line::from(vec![
        Span::styled(m, st),
        Span::styled("→ ", t.dim),
        Span::styled(status, if m == "◆" { status_st.patch(t.accent) } else { status_st }),
    ]));
    for (n, v) in &me.headers {
        let same = other.headers.iter().any(|(on, ov)| on == n && ov == v);
        let (m, st) = diff(same);
        lines.push(Line::from(vec![Span::styled(m, st), Span::styled(format!("{n}: {v}"), st)]));
    }
    for (n, _) in other.headers.iter().filter(|(n, _)| !me.headers.iter().any(|(mn, _)| mn == n)) {
        lines.push(Line::from(Span::styled(format!("◆{n}: (absent)"), t.accent)));
    }
    let (m, st) = diff(me.body == other.body);
    lines.push(Line::from(vec![Span::styled(m, st), Span::styled(me.body.clone(), st)]));
    if !me.note.is_empty() {
        lines.push(Line::from(Span::styled(me.note.clone(), t.italic)));
    }
    Paragraph::new(lines).wrap(Wrap { trim: false }).block(
        Block::default().borders(Borders::TOP).border_style(t.border).title(Span::styled(title, t.heading)),
    )
}

fn workbench(frame: &mut Frame<'_>, area: Rect, t: &'static Theme, state: &LabState) {
    let block = boxed(s::PANE_WORKBENCH, t);
    let wb = &state.workbench;
    let mut lines = vec![Line::from(Span::styled(s::WB_HINT, t.dim))];
    if wb.source.is_none() {
        lines.push(Line::from(Span::styled(s::WB_EMPTY, t.dim)));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{}: ", s::WB_HEADER), t.heading),
        Span::raw(wb.header.to_string()),
    ]));
    lines.push(Line::from(Span::styled(format!("{}:", s::WB_CLAIMS), t.heading)));
    for (i, name) in ["sub", "scope", "role"].iter().enumerate() {
        let value = wb.claims.get(*name).map_or_else(|| "(absent)".to_owned(), value_text);
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", i + 1), t.accent),
            Span::styled(format!("{name:<6}"), t.key_name),
            Span::raw(value),
        ]));
    }
    let exp_text = match wb.exp {
        ExpSetting::Keep => {
            format!(
                "{} ({})",
                wb.claims.get("exp").map_or_else(|| "(absent)".to_owned(), value_text),
                s::WB_EXP_KEEP
            )
        }
        ExpSetting::Past => s::WB_EXP_PAST.to_owned(),
        ExpSetting::Fresh => s::WB_EXP_FRESH.to_owned(),
    };
    let exp_style = if wb.exp == ExpSetting::Past { t.bad } else { t.text };
    lines.push(Line::from(vec![
        Span::styled("  x ", t.accent),
        Span::styled(format!("{:<6}", "exp"), t.key_name),
        Span::styled(exp_text, exp_style),
    ]));
    for (k, v) in wb.claims.iter().filter(|(k, _)| !matches!(k.as_str(), "sub" | "scope" | "role" | "exp")) {
        lines.push(Line::from(vec![
            Span::styled(format!("    {k:<6}"), t.key_name),
            Span::raw(value_text(v)),
        ]));
    }
    if !wb.signature.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", s::WB_SIGNATURE), t.heading),
            Span::raw(short(&wb.signature, 48)),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{} (K): ", s::WB_SIGN_WITH), t.heading),
        Span::styled(wb.sign_with.label(), t.bold),
    ]));
    if let Some(signed) = &wb.signed {
        lines.push(Line::from(vec![Span::styled("signed: ", t.dim), Span::raw(signed.clone())]));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((state.scroll, 0)).block(block),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::App;
    use crate::tui::frame::tests::draw;
    use crate::tui::msg::Action;
    use crate::tui::screens::lab::tests::{answer_all, exchange, lab, lab_app, lab_mut};
    use crate::tui::screens::lab::{Comparison, LabMsg, Profile, SecretKind};

    fn text(app: &App) -> String {
        format!("{}", draw(app))
    }

    /// Replaces JWTs (`eyJ…`) and ten-digit timestamps, which change every run.
    fn mask_minted(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while !rest.is_empty() {
            if rest.starts_with("eyJ") {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.…".contains(c)))
                    .unwrap_or(rest.len());
                out.push_str("<jwt>");
                rest = &rest[end..];
            } else if rest.len() >= 10 && rest.as_bytes()[..10].iter().all(u8::is_ascii_digit) {
                out.push_str("<time>");
                rest = &rest[10..];
            } else {
                let c = rest.chars().next().unwrap();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    #[test]
    fn empty_lab() {
        for (w, h) in [(80, 24), (120, 40), (60, 16)] {
            let app = lab_app(w, h);
            insta::assert_snapshot!(format!("lab_empty_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn after_the_seed_replay() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::ReplaySeed));
            let sending = text(&app);
            assert!(sending.contains(s::SENDING), "{sending}");
            answer_all(&mut app).await;
            let t = text(&app);
            assert!(t.contains("200") && t.contains("401 Unauthorized") && t.contains("401 Not auth"), "{t}");
            insta::assert_snapshot!(format!("lab_seed_replay_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn missing_token_row_highlights_authenticate() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::ReplaySeed));
            answer_all(&mut app).await;
            app.update(Action::Bottom);
            let table = text(&app);
            assert!(table.contains("◆ real FastAPI differs from the seed on this row"), "{table}");
            app.update(Action::Up);
            assert!(!text(&app).contains("◆ real FastAPI differs"), "the app's own 401 is as in the seed");
            app.update(Action::Bottom);
            app.update(Action::Lab(LabMsg::Pane(Pane::Trace)));
            let t = text(&app);
            assert!(t.contains("┃✗ Authenticate"), "{t}");
            assert!(t.contains("Stopped at authenticate by OAuth2PasswordBearer"), "{t}");
            insta::assert_snapshot!(format!("lab_missing_token_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn the_code_pane_shows_the_program_at_the_check_that_stopped_the_request() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::ReplaySeed));
            answer_all(&mut app).await;
            // The wrong token: the handler's own comparison refused it.
            app.update(Action::Top);
            app.update(Action::Down);
            app.update(Action::Lab(LabMsg::Pane(Pane::Code)));
            let t = text(&app);
            assert!(t.contains("lab --code seed1_app · line"), "{t}");
            assert!(t.contains("if token != \"securetoken\":"), "{t}");
            insta::assert_snapshot!(format!("lab_code_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn the_code_pane_follows_a_lab_app_scenario_to_its_twin() {
        let mut app = lab_app(80, 24);
        for (id, owner_check) in [("bola-fixed", true), ("bola-vulnerable", false)] {
            let at = scenarios(&app.catalog).iter().position(|s| s.id == id).unwrap();
            lab_mut(&mut app).scenario_sel = at;
            app.update(Action::Lab(LabMsg::SendScenario));
            answer_all(&mut app).await;
            // Alice reading Bob's invoice is the scenario's request about it.
            let row = lab(&app).rows.iter().rposition(|r| r.request.id == "foreign-invoice").unwrap();
            lab_mut(&mut app).selected = row;
            app.update(Action::Lab(LabMsg::Pane(Pane::Code)));
            let t = text(&app);
            if owner_check {
                assert!(t.contains("lab --code invoices_app · line"), "{t}");
                assert!(t.contains("record[\"owner\"] != current_user.username"), "{t}");
            } else {
                assert!(t.contains("lab --code invoices_app --vulnerable"), "{t}");
                assert!(t.contains("# VULNERABLE: no owner check"), "{t}");
            }
        }
    }

    #[tokio::test]
    async fn inspector_shows_raw_request_response_and_round_trip() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::ReplaySeed));
            answer_all(&mut app).await;
            app.update(Action::Bottom);
            app.update(Action::Lab(LabMsg::Pane(Pane::Inspector)));
            let t = text(&app);
            assert!(t.contains("GET /items/ HTTP/1.1") && t.contains("www-authenticate: Bearer"), "{t}");
            assert!(t.contains("round trip 1.2 ms"), "{t}");
            insta::assert_snapshot!(format!("lab_inspector_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn vulnerable_vs_fixed_cors_side_by_side() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::Pane(Pane::Compare)));
            let effects = app.update(Action::Lab(LabMsg::Primary));
            let Some(crate::tui::msg::Effect::Lab(crate::tui::screens::lab::LabEffect::Compare {
                id,
                request,
                fastapi,
                ..
            })) = effects.first().cloned()
            else {
                panic!("{effects:?}")
            };
            // Both sides answered by the real router, as the runner would.
            let mut sides = Vec::new();
            for cors in [crate::lab::CorsMode::Wildcard, crate::lab::CorsMode::Trusted] {
                let profile = Profile { fastapi, cors, secret: SecretKind::PerRun, app: None };
                let (p, o, _) = exchange(profile, &request, "cmp").await;
                let mut sent = vec![format!("{} {}", p.method, p.target)];
                sent.extend(p.headers.iter().map(|(n, v)| format!("{n}: {v}")));
                sides.push(crate::tui::lab_runner::side_from(format!("{cors:?}"), sent, &o, String::new()));
            }
            let [a, b]: [Side; 2] = sides.try_into().unwrap();
            app.update(Action::Lab(LabMsg::Compared { id, result: Box::new(Ok([a, b])) }));
            assert!(matches!(lab(&app).comparison, Some(Comparison { sides: Some(Ok(_)), .. })));
            let t = text(&app);
            assert!(
                t.contains("◆access-control-allow-origin") || t.contains("◆access-control-allow-"),
                "{t}"
            );
            insta::assert_snapshot!(format!("lab_compare_cors_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn version_comparison_shows_both_answers() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            crate::tui::screens::lab::tests::select_scenario(&mut app, "api-key-data");
            app.update(Action::Lab(LabMsg::SendScenario));
            answer_all(&mut app).await;
            app.update(Action::Lab(LabMsg::ToggleVersion));
            let profile = lab(&app).profile;
            app.update(Action::Lab(LabMsg::Started { profile, base_url: "http://127.0.0.1:8001".into() }));
            answer_all(&mut app).await;
            app.update(Action::Bottom);
            let t = text(&app);
            assert!(t.contains("401→403") && t.contains("=200"), "{t}");
            insta::assert_snapshot!(format!("lab_versions_{w}x{h}"), draw(&app));
        }
    }

    #[test]
    fn workbench() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::Pane(Pane::Workbench)));
            app.update(Action::Lab(LabMsg::ToggleExp));
            app.update(Action::Lab(LabMsg::NextKey));
            let t = text(&app);
            assert!(t.contains("in the past") && t.contains("another key"), "{t}");
            insta::assert_snapshot!(format!("lab_workbench_{w}x{h}"), draw(&app));
        }
    }

    #[tokio::test]
    async fn no_color_keeps_the_marks() {
        let mut app = lab_app(80, 24);
        app.theme = &crate::tui::theme::MONOCHROME;
        app.update(Action::Lab(LabMsg::ReplaySeed));
        answer_all(&mut app).await;
        app.update(Action::Bottom);
        app.update(Action::Lab(LabMsg::Pane(Pane::Trace)));
        let backend = draw(&app);
        insta::assert_snapshot!("lab_missing_token_80x24_no_color", backend);
        crate::tui::frame::tests::assert_no_colour(&backend);
        assert!(format!("{backend}").contains("✗ Authenticate"));
    }

    #[tokio::test]
    async fn tracker_has_a_column_per_request_with_jwt_claims() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            crate::tui::screens::lab::tests::select_scenario(&mut app, "jwt-expiry");
            app.update(Action::Lab(LabMsg::SendScenario));
            answer_all(&mut app).await;
            app.update(Action::Bottom);
            app.update(Action::Lab(LabMsg::Pane(Pane::Tracker)));
            let t = text(&app);
            assert!(t.contains("claims.sub") && t.contains("johndoe") && t.contains("After step 2"), "{t}");
            // Tokens and expiry times are minted per run: masked before the snapshot.
            let masked = mask_minted(&t);
            insta::assert_snapshot!(format!("lab_tracker_{w}x{h}"), masked);
        }
    }

    #[tokio::test]
    async fn clicks_pick_tabs_and_rows() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::ReplaySeed));
            answer_all(&mut app).await;
            let size = app.size;
            let st = lab(&app).clone();
            let table = crate::tui::screens::lab::layout::table_area(size, &st).unwrap();
            // Rows can take several lines: click on the line where the third row is drawn,
            // then on the line under the first row's (its JSON body wraps at 80 columns; at
            // 120 that line is the second row, which must not select the first).
            let screen = text(&app);
            let line_of =
                |prefix: &str| screen.lines().position(|l| l.trim_matches('"').starts_with(prefix)).unwrap();
            let third = u16::try_from(line_of("│ 3 ")).unwrap();
            app.update(Action::Click { col: table.x + 3, row: third });
            assert_eq!(lab(&app).selected, 2, "{w}x{h}");
            let first = u16::try_from(line_of("│▶1 ")).unwrap() + 1;
            app.update(Action::Click { col: table.x + 3, row: first });
            assert_eq!(lab(&app).selected, usize::from(w > 100), "{w}x{h}");
            let tabs = crate::tui::screens::lab::layout::areas_for(size, lab(&app)).tabs;
            let t = text(&app);
            let line = t.lines().nth(usize::from(tabs.y)).unwrap().trim_matches('"').to_owned();
            let col = line.find("Raw").map(|b| line[..b].chars().count()).unwrap();
            app.update(Action::Click { col: u16::try_from(col).unwrap(), row: tabs.y });
            assert_eq!(lab(&app).pane, Pane::Inspector, "{w}x{h}: {line}");
        }
    }

    /// The seed's five columns at the classic terminal and larger: nothing cut mid-word, the
    /// token elided in the middle or whole, the bet and the stage in columns or in the detail.
    #[tokio::test]
    async fn the_seed_table_at_every_size() {
        for (w, h) in [(80, 24), (100, 30), (160, 48)] {
            let mut app = lab_app(w, h);
            app.update(Action::Lab(LabMsg::ReplaySeed));
            answer_all(&mut app).await;
            // A right and a wrong bet, as `p` then Enter leave them on a row.
            lab_mut(&mut app).rows[1].predicted = Some(200);
            lab_mut(&mut app).rows[2].predicted = Some(401);
            app.update(Action::Bottom);
            let t = text(&app);
            let st = lab(&app);
            for row in &st.rows {
                let exec = row.exec.as_ref().unwrap();
                for word in exec.check.split(' ').chain(["Not", "authenticated", "Unauthorized"]) {
                    assert!(t.contains(word), "{w}x{h}: `{word}` is cut: {t}");
                }
            }
            for header in ["Step", "Action", "Token", "Check result", "Response"] {
                assert!(t.contains(header), "{w}x{h}: no {header} column: {t}");
            }
            assert!(t.contains("never set") && t.contains("badtoken"), "{w}x{h}: {t}");
            if w < 100 {
                assert!(t.contains("secure…ken"), "{t}");
                // The detail under the rows: the full request, who stopped it, the bet.
                assert!(t.contains("GET /items/ without token"), "{t}");
                assert!(t.contains("Stopped at authenticate by OAuth2PasswordBearer"), "{t}");
                assert!(t.contains("your bet: ✓401"), "{t}");
            } else {
                assert!(t.contains("securetoken") && t.contains("Stopped at") && t.contains("Bet"), "{t}");
                assert!(t.contains("✗200") && t.contains("✓401"), "{t}");
            }
            insta::assert_snapshot!(format!("lab_seed_table_{w}x{h}"), draw(&app));
        }
    }

    #[test]
    fn typing_a_prediction_shows_in_the_compose_bar() {
        let mut app = lab_app(80, 24);
        lab_mut(&mut app).pane = Pane::Table;
        app.update(Action::Lab(LabMsg::Predict));
        app.update(Action::Input('4'));
        app.update(Action::Input('0'));
        assert!(text(&app).contains("› 40"));
        app.update(Action::Input('3'));
        app.update(Action::InputSubmit);
        assert!(text(&app).contains("predict p 403"));
    }
}
