//! The execution table's shape at a given size: which of the seed's columns fit, each row's
//! cells wrapped to their column (a row may take several lines, so no word is cut), and which
//! rows are on screen. Shared by the view (to draw) and by `update` (to know which row a click
//! hit), so both agree even though rows differ in height.
//!
//! At 80 columns the five columns of the seed's table (step, action, token, check, response)
//! all fit: the action is the method and path (the token has its own column), the token is
//! elided in the middle (`eyJhbG…x9Q`), check and response wrap at spaces. The stage where the
//! request stopped and the learner's bet get columns from 100 columns on; below that they are
//! in the detail lines under the table, with the selected row's full request and answer.

use ratatui::layout::Rect;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{LabState, Row, RowState};
use crate::tui::strings::lab as s;

/// One column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Step,
    Action,
    Token,
    Check,
    Response,
    Stage,
    Bet,
}

impl Col {
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Col::Step => s::COL_STEP,
            Col::Action => s::COL_ACTION,
            Col::Token => s::COL_TOKEN,
            Col::Check => s::COL_CHECK,
            Col::Response => s::COL_RESPONSE,
            Col::Stage => s::COL_STAGE,
            Col::Bet => s::COL_PREDICT,
        }
    }
}

/// A row takes at most this many lines when every row fits so; longer text ends in `…` (the
/// detail lines and the inspector have it all).
pub const MAX_ROW_LINES: usize = 3;
/// Rows take at most this many lines when there are more: a seed replay and its replay on the
/// other version (six rows) stay on one 80×24 screen.
pub const MIN_ROW_LINES: usize = 2;
/// From this inner width on, the stage and the bet have columns of their own.
const STAGE_COLUMN_FROM: u16 = 98;
/// Lines under the table for the selected row: a rule and four lines of text.
pub const DETAIL_LINES: u16 = 5;
/// The detail lines are drawn only when the rows keep at least this many lines (and all the
/// rows there are fit beside them).
const DETAIL_FROM_BODY: u16 = 8;

/// Where things go inside the table's box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub columns: Vec<(Col, u16)>,
    /// Lines for rows, under the header.
    pub body_lines: usize,
    /// Lines under the rows for the selected row's detail (0: none).
    pub detail_lines: u16,
    /// The most lines one row takes here.
    pub row_lines: usize,
}

/// The shape of a table drawn in `area` (its box included). `detail`: the table is a pane of
/// its own, with room under the rows (the wide layout shows the flow beside it instead).
#[must_use]
pub fn shape(area: Rect, detail: bool, state: &LabState) -> Shape {
    let inner_w = area.width.saturating_sub(2);
    let rows_h = usize::from(area.height.saturating_sub(3));
    // At most 1,000 rows are kept: a glance over all of them per frame is cheap.
    let any_bet = state.rows.iter().any(|r| r.predicted.is_some());
    let columns = columns(inner_w, any_bet);
    // Lines every row needs, rows at most `row_lines` high; only counted when there are few
    // enough rows to fit at all (a long history scrolls, and its rows come first).
    let needs = |row_lines: usize| {
        (state.rows.len() <= rows_h).then(|| {
            (0..state.rows.len()).map(|i| row_cells(state, i, &columns, row_lines).height()).sum::<usize>()
        })
    };
    let fits = |row_lines: usize, room: usize| needs(row_lines).is_some_and(|n| n <= room);
    // The detail takes only room the rows do not need (the flow and inspector panes have the
    // same detail, one key away).
    let with_detail = rows_h.saturating_sub(usize::from(DETAIL_LINES));
    let detail_room = detail && with_detail >= usize::from(DETAIL_FROM_BODY);
    let (detail_lines, row_lines) = if detail_room && fits(MAX_ROW_LINES, with_detail) {
        (DETAIL_LINES, MAX_ROW_LINES)
    } else if detail_room && fits(MIN_ROW_LINES, with_detail) {
        (DETAIL_LINES, MIN_ROW_LINES)
    } else if fits(MAX_ROW_LINES, rows_h) {
        (0, MAX_ROW_LINES)
    } else {
        (0, MIN_ROW_LINES)
    };
    let body_lines = rows_h - usize::from(detail_lines);
    Shape { columns, body_lines, detail_lines, row_lines }
}

/// Column widths for an inner width; check and response share what the others leave.
#[must_use]
pub fn columns(inner_w: u16, any_bet: bool) -> Vec<(Col, u16)> {
    let (action, token) = match inner_w {
        w if w >= 140 => (22, 16),
        w if w >= STAGE_COLUMN_FROM => (14, 12),
        // 80 columns: `GET /users/me` and `eyJhbG…x9Q`; check and response then get 22 and 25,
        // enough for `(OAuth2PasswordBearer)` and `403→401 Not authenticated` on one line.
        _ => (13, 10),
    };
    let mut tail = Vec::new();
    if inner_w >= STAGE_COLUMN_FROM {
        tail.push((Col::Stage, 12));
        if any_bet {
            tail.push((Col::Bet, 5));
        }
    }
    let fixed: u16 = 4 + action + token + tail.iter().map(|c| c.1).sum::<u16>();
    // One space between columns.
    let gaps = u16::try_from(4 + tail.len()).unwrap_or(u16::MAX);
    let free = inner_w.saturating_sub(fixed + gaps);
    // The check gets a little less than half: at 80 and 100 columns that is 22, the width of
    // the seed's longest check word, `(OAuth2PasswordBearer)`.
    let check = if (STAGE_COLUMN_FROM..140).contains(&inner_w) { free / 2 } else { free * 47 / 100 };
    let mut out = vec![
        (Col::Step, 4),
        (Col::Action, action),
        (Col::Token, token),
        (Col::Check, check),
        (Col::Response, free - check),
    ];
    out.extend(tail);
    out
}

/// One row's cells, each as the lines it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cells {
    pub index: usize,
    pub lines: Vec<Vec<String>>,
}

impl Cells {
    #[must_use]
    pub fn height(&self) -> usize {
        self.lines.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }
}

/// The rows on screen with their cells, the selected one always among them (at the bottom once
/// the list scrolls, as in every list of the program). Only rows near the selection are laid out,
/// however long the history.
#[must_use]
pub fn window(state: &LabState, shape: &Shape) -> Vec<Cells> {
    let len = state.rows.len();
    if len == 0 {
        return Vec::new();
    }
    let selected = state.selected.min(len - 1);
    let budget = shape.body_lines.max(1);
    let cells = |i: usize| row_cells(state, i, &shape.columns, shape.row_lines);
    let mut out = vec![cells(selected)];
    let mut used = out[0].height();
    let mut first = selected;
    while first > 0 {
        let c = cells(first - 1);
        if used + c.height() > budget {
            break;
        }
        used += c.height();
        first -= 1;
        out.insert(0, c);
    }
    let mut next = selected + 1;
    while next < len && used < budget {
        let c = cells(next);
        // The last row may be cut at the bottom edge, as any list is.
        used += c.height();
        out.push(c);
        next += 1;
    }
    out
}

/// The row drawn at `line` of the body (0 = first line under the header).
#[must_use]
pub fn row_at_line(window: &[Cells], line: usize) -> Option<usize> {
    let mut top = 0;
    for c in window {
        if line < top + c.height() {
            return Some(c.index);
        }
        top += c.height();
    }
    None
}

fn row_cells(state: &LabState, index: usize, columns: &[(Col, u16)], row_lines: usize) -> Cells {
    let Some(row) = state.rows.get(index) else {
        return Cells { index, lines: Vec::new() };
    };
    let lines = columns
        .iter()
        .map(|(col, width)| {
            let w = usize::from(*width);
            match col {
                Col::Step => {
                    let mark = if index == state.selected { "▶" } else { " " };
                    vec![format!("{mark}{}", row.id)]
                }
                Col::Action => vec![elide_path(&request_text(row), w)],
                Col::Token => vec![elide_middle(&token_text(row), w)],
                Col::Check => {
                    wrap(&row.exec.as_ref().map_or_else(|| "…".to_owned(), |e| e.check.clone()), w, row_lines)
                }
                Col::Response => wrap(&response_text(state, row), w, row_lines),
                Col::Stage => vec![stage_text(row)],
                Col::Bet => vec![bet_text(row)],
            }
        })
        .collect();
    Cells { index, lines }
}

/// Method and path as sent (the token has its own column).
#[must_use]
pub fn request_text(row: &Row) -> String {
    match &row.prepared {
        Some(p) => format!("{} {}", p.method, p.target),
        None => format!("{} {}", row.request.method, row.request.path),
    }
}

/// The token the server saw, or `never set` when the handler never ran to set it (a security
/// class or the framework refused first), or `…` while the answer is on its way.
#[must_use]
pub fn token_text(row: &Row) -> String {
    match &row.exec {
        None => "…".to_owned(),
        Some(e) if e.token == "None" && !e.handler_ran => s::TOKEN_NEVER_SET.to_owned(),
        Some(e) => e.token.clone(),
    }
}

/// The response cell, with the other version's answer when the row replays one:
/// `403→401 …`, or `=401 …` when it is the same.
#[must_use]
pub fn response_text(state: &LabState, row: &Row) -> String {
    let base = match (&row.state, &row.exec) {
        (RowState::Sending, None) => s::SENDING.to_owned(),
        (RowState::Failed(e), _) => format!("failed: {e}"),
        (_, Some(exec)) => exec.response(),
        (RowState::Done(o), None) => format!("{} {}", o.status, o.body_text()),
    };
    match (row.replay_of.and_then(|id| state.row(id)).and_then(Row::status), row.status()) {
        (Some(old), Some(new)) if old == new => format!("={base}"),
        (Some(old), _) => format!("{old}→{base}"),
        (None, _) => base,
    }
}

fn stage_text(row: &Row) -> String {
    match (&row.exec, &row.state) {
        (Some(e), _) => e.stopped_at.as_str().to_owned(),
        (None, RowState::Failed(_)) => "—".to_owned(),
        (None, _) => "…".to_owned(),
    }
}

/// The learner's predicted status, marked right or wrong once the answer is in.
#[must_use]
pub fn bet_text(row: &Row) -> String {
    match (row.predicted, row.prediction_right()) {
        (Some(p), Some(true)) => format!("{}{p}", crate::tui::strings::MARK_RIGHT),
        (Some(p), Some(false)) => format!("{}{p}", crate::tui::strings::MARK_WRONG),
        (Some(p), None) => format!("?{p}"),
        (None, _) => String::new(),
    }
}

/// `text` in at most `width` columns: whole when it fits, else its start and end around `…`
/// (a token's start names its kind, `eyJ` for a JWT, and its end tells two tokens apart).
#[must_use]
pub fn elide_middle(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width < 2 {
        return "…".chars().take(width).collect();
    }
    let room = width - 1;
    let tail_w = room / 3;
    let head = take_width(text.chars(), room - tail_w);
    let tail: String = take_width(text.chars().rev(), tail_w).chars().rev().collect();
    format!("{head}…{tail}")
}

/// `METHOD /path` in at most `width` columns: the method, then as much of the path's end as
/// fits (`GET …me/items`): the last segments tell routes apart, their common start does not.
#[must_use]
pub fn elide_path(request: &str, width: usize) -> String {
    if request.width() <= width {
        return request.to_owned();
    }
    let Some((method, path)) = request.split_once(' ') else { return elide_middle(request, width) };
    let room = width.saturating_sub(method.width() + 2);
    if room < 3 {
        return elide_middle(request, width);
    }
    let tail: String = take_width(path.chars().rev(), room).chars().rev().collect();
    format!("{method} …{tail}")
}

fn take_width(chars: impl Iterator<Item = char>, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in chars {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Word-wraps `text` to `width` columns in at most `max_lines` lines. Words break at
/// spaces; only a word wider than the column (a JSON body, `APIKeyHeader(X-API-Key)`) is split,
/// before a bracket or after punctuation where it can be, filling the line it starts on when such
/// a point fits. Text that needs more lines ends in `…`.
#[must_use]
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut rest = word;
        loop {
            let used = line.width();
            let gap = usize::from(used > 0);
            let room = width.saturating_sub(used + gap);
            if rest.width() <= room {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(rest);
                break;
            }
            // A word that fits a line of its own starts one; a wider one is split, here if a
            // break point fits the room left, else on a fresh line.
            let piece = if rest.width() <= width { None } else { split_point(rest, room) };
            match piece {
                Some(at) => {
                    if gap == 1 {
                        line.push(' ');
                    }
                    line.push_str(&rest[..at]);
                    rest = &rest[at..];
                    lines.push(std::mem::take(&mut line));
                }
                None if used > 0 => lines.push(std::mem::take(&mut line)),
                None => {
                    // Alone on a line and no break point fits: split at the width.
                    let at = split_point(rest, width).unwrap_or_else(|| byte_at_width(rest, width));
                    lines.push(rest[..at].to_owned());
                    rest = &rest[at..];
                }
            }
        }
    }
    lines.push(line);
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            let kept = take_width(last.chars(), width.saturating_sub(1));
            // End at a word when one ends in the second half of the line, not inside the next.
            let kept = match kept.rfind(' ') {
                Some(i) if kept[..i].width() * 2 >= width && kept.width() < last.width() => &kept[..i],
                _ => kept.as_str(),
            };
            *last = format!("{}…", kept.trim_end());
        }
    }
    lines
}

/// Where to split `word` so its first part fits `room` columns: before the last `(` `{` `[`
/// that fits (a name keeps its arguments together), else after the last `,` `:` `/` `-` `;`.
/// `None` when there is no such place; a first part under three columns (`[` of a JSON list)
/// is not worth a break either.
fn split_point(word: &str, room: usize) -> Option<usize> {
    const MIN_PART: usize = 3;
    let (mut open, mut punct) = (None, None);
    let mut used = 0;
    for (i, c) in word.char_indices() {
        if matches!(c, '(' | '{' | '[') && used >= MIN_PART {
            open = Some(i);
        }
        used += c.width().unwrap_or(0);
        if used > room {
            break;
        }
        if matches!(c, ',' | ':' | '/' | '-' | ';') && used >= MIN_PART && i + c.len_utf8() < word.len() {
            punct = Some(i + c.len_utf8());
        }
    }
    open.or(punct)
}

/// The byte index where `word` reaches `width` columns (at least one character).
fn byte_at_width(word: &str, width: usize) -> usize {
    let mut used = 0;
    for (i, c) in word.char_indices() {
        used += c.width().unwrap_or(0);
        if used > width {
            return if i == 0 { c.len_utf8() } else { i };
        }
    }
    word.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_columns_fit_80_columns() {
        let cols = columns(78, false);
        let kinds: Vec<Col> = cols.iter().map(|c| c.0).collect();
        assert_eq!(kinds, [Col::Step, Col::Action, Col::Token, Col::Check, Col::Response]);
        let total: u16 = cols.iter().map(|c| c.1).sum::<u16>() + 4;
        assert_eq!(total, 78);
        let width = |c: Col| cols.iter().find(|k| k.0 == c).map_or(0, |k| usize::from(k.1));
        // The seed's longest check word and a replayed answer stay whole at 80 columns.
        assert!(width(Col::Check) >= "(OAuth2PasswordBearer)".width());
        assert!(width(Col::Response) >= "403→401 Not authenticated".width());
        // Every header fits its column.
        for (col, w) in &cols {
            assert!(col.title().width() <= usize::from(*w), "{col:?} in {w}");
        }
    }

    #[test]
    fn wider_tables_add_the_stage_and_the_bet_when_there_is_one() {
        let kinds = |w, bet| columns(w, bet).iter().map(|c| c.0).collect::<Vec<_>>();
        assert!(kinds(98, false).contains(&Col::Stage));
        assert!(!kinds(98, false).contains(&Col::Bet));
        assert!(kinds(158, true).contains(&Col::Bet));
        let check = |w| columns(w, true).iter().find(|c| c.0 == Col::Check).map_or(0, |c| c.1);
        assert!(check(98) >= 22 && check(118) >= 22 && check(158) >= 22);
        assert_eq!(columns(158, true).iter().map(|c| c.1).sum::<u16>() + 6, 158);
    }

    #[test]
    fn tokens_are_elided_in_the_middle() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2huZG9lIn0.c2lnbmF0dXJlX3x9Q";
        assert_eq!(elide_middle(jwt, 10), "eyJhbG…x9Q");
        assert_eq!(elide_middle("securetoken", 10), "secure…ken");
        assert_eq!(elide_middle("badtoken", 10), "badtoken");
    }

    #[test]
    fn wrapping_breaks_at_spaces_never_inside_a_word() {
        assert_eq!(
            wrap("No token provided (OAuth2PasswordBearer)", 22, MAX_ROW_LINES),
            ["No token provided", "(OAuth2PasswordBearer)"]
        );
        assert_eq!(wrap("Token invalid", 18, MAX_ROW_LINES), ["Token invalid"]);
        assert_eq!(wrap("401 Not authenticated", 14, MAX_ROW_LINES), ["401 Not", "authenticated"]);
        // A word wider than the column breaks after punctuation, not inside a name.
        assert_eq!(
            wrap("APIKeyHeader(X-API-Key): passed", 22, MAX_ROW_LINES),
            ["APIKeyHeader", "(X-API-Key): passed"]
        );
        // A third line would be needed: the second ends in `…` (the detail has it all).
        assert_eq!(
            wrap("No token provided (APIKeyHeader(X-API-Key))", 22, MIN_ROW_LINES)[1],
            "(APIKeyHeader…"
        );
    }

    #[test]
    fn long_paths_keep_their_method_and_their_end() {
        assert_eq!(elide_path("GET /users/me/items", 13), "GET …me/items");
        assert_eq!(elide_path("GET /items/", 13), "GET /items/");
    }

    #[test]
    fn a_cut_text_ends_at_a_word() {
        let check = "jwt.decode(HS256): get_current_user refuses the token: the token has expired";
        let lines = wrap(check, 22, MAX_ROW_LINES);
        assert_eq!(lines.last().map(String::as_str), Some("refuses the token:…"), "{lines:?}");
        // `[` alone is not worth a line break.
        assert_eq!(
            wrap(r#"200 [{"item_id":"Foo","owner":"johndoe"}]"#, 25, 3),
            [r#"200 [{"item_id":"Foo","#, r#""owner":"johndoe"}]"#]
        );
    }

    #[test]
    fn a_long_body_fills_its_lines_and_ends_in_an_ellipsis() {
        let body = format!("200 {}", "x".repeat(100));
        let lines = wrap(&body, 20, MAX_ROW_LINES);
        assert_eq!(lines.len(), MAX_ROW_LINES);
        assert_eq!(lines[0], "200", "no break point: the body starts a line of its own");
        assert!(lines[MAX_ROW_LINES - 1].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
    }
}
