//! Lesson Markdown (pulldown-cmark) to lines: parsed once into [`Block`]s, then laid out by a
//! [`Writer`] either styled and wrapped to a width (the reader) or as plain text (`--plain`).
//!
//! The writer also lays out the lesson's own structures (code with line numbers, diagrams kept
//! verbatim, aligned tables), so the reader and `--plain` print the same document.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::highlight::{Tok, highlight};
use super::theme::Theme;

/// Inline emphasis of a piece of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
    pub link: bool,
    pub link_target: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub marks: Marks,
}

impl Piece {
    #[must_use]
    pub fn plain(text: impl Into<String>) -> Self {
        Piece { text: text.into(), marks: Marks::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, Vec<Piece>),
    Para(Vec<Piece>),
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Quote(Vec<Block>),
    Code { lang: String, text: String },
    Table { header: Vec<Vec<Piece>>, rows: Vec<Vec<Vec<Piece>>> },
    Rule,
}

enum Frame {
    Quote(Vec<Block>),
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Item(Vec<Block>),
    Table { header: Vec<Vec<Piece>>, rows: Vec<Vec<Vec<Piece>>>, row: Vec<Vec<Piece>> },
}

#[derive(Default)]
struct Parse {
    root: Vec<Block>,
    frames: Vec<Frame>,
    inline: Option<Vec<Piece>>,
    marks: Marks,
    bold: u32,
    italic: u32,
    link: Option<(String, usize)>,
    code: Option<(String, String)>,
}

impl Parse {
    fn push_block(&mut self, block: Block) {
        for frame in self.frames.iter_mut().rev() {
            match frame {
                Frame::Quote(blocks) | Frame::Item(blocks) => {
                    blocks.push(block);
                    return;
                }
                Frame::List { .. } | Frame::Table { .. } => {}
            }
        }
        self.root.push(block);
    }

    /// Tight list items carry text without a paragraph; close that implicit paragraph.
    fn flush_implicit(&mut self) {
        if matches!(self.frames.last(), Some(Frame::Item(_)))
            && let Some(pieces) = self.inline.take()
            && !pieces.is_empty()
        {
            self.push_block(Block::Para(pieces));
        }
    }

    fn text(&mut self, text: &str, extra: Marks) {
        let marks = Marks {
            bold: self.bold > 0 || extra.bold,
            italic: self.italic > 0 || extra.italic,
            strike: self.marks.strike,
            code: extra.code,
            link: self.link.is_some(),
            link_target: false,
        };
        let pieces = self.inline.get_or_insert_with(Vec::new);
        if let Some(last) = pieces.last_mut()
            && last.marks == marks
        {
            last.text.push_str(text);
        } else {
            pieces.push(Piece { text: text.to_owned(), marks });
        }
    }
}

/// Parses lesson Markdown (with `check`'s options: tables, strikethrough, task lists) into blocks.
#[must_use]
/// Long because it is one match over pulldown-cmark's events, an arm per event kind, all
/// feeding the same open-block stack.
pub fn parse(md: &str) -> Vec<Block> {
    let mut p = Parse::default();
    // The same options `check` parses with, so both see the same document.
    for event in Parser::new_ext(md, crate::content::markdown::options()) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } => {
                    p.flush_implicit();
                    p.inline = Some(Vec::new());
                }
                Tag::BlockQuote(_) => {
                    p.flush_implicit();
                    p.frames.push(Frame::Quote(Vec::new()));
                }
                Tag::List(start) => {
                    p.flush_implicit();
                    p.frames.push(Frame::List { start, items: Vec::new() });
                }
                Tag::Item => p.frames.push(Frame::Item(Vec::new())),
                Tag::CodeBlock(kind) => {
                    p.flush_implicit();
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split_whitespace().next().unwrap_or("").to_owned()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    p.code = Some((lang, String::new()));
                }
                Tag::Table(_) => {
                    p.frames.push(Frame::Table { header: Vec::new(), rows: Vec::new(), row: Vec::new() })
                }
                Tag::TableHead | Tag::TableRow => {
                    if let Some(Frame::Table { row, .. }) = p.frames.last_mut() {
                        row.clear();
                    }
                }
                Tag::TableCell => p.inline = Some(Vec::new()),
                Tag::Emphasis => p.italic += 1,
                Tag::Strong => p.bold += 1,
                Tag::Strikethrough => p.marks.strike = true,
                Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                    let at = p.inline.as_ref().map_or(0, Vec::len);
                    p.link = Some((dest_url.to_string(), at));
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => {
                    let pieces = p.inline.take().unwrap_or_default();
                    p.push_block(Block::Para(pieces));
                }
                TagEnd::Heading(level) => {
                    let pieces = p.inline.take().unwrap_or_default();
                    p.push_block(Block::Heading(heading_level(level), pieces));
                }
                TagEnd::BlockQuote(_) => {
                    if let Some(Frame::Quote(blocks)) = p.frames.pop() {
                        p.push_block(Block::Quote(blocks));
                    }
                }
                TagEnd::Item => {
                    p.flush_implicit();
                    if let Some(Frame::Item(blocks)) = p.frames.pop()
                        && let Some(Frame::List { items, .. }) = p.frames.last_mut()
                    {
                        items.push(blocks);
                    }
                }
                TagEnd::List(_) => {
                    if let Some(Frame::List { start, items }) = p.frames.pop() {
                        p.push_block(Block::List { start, items });
                    }
                }
                TagEnd::CodeBlock => {
                    if let Some((lang, text)) = p.code.take() {
                        p.push_block(Block::Code { lang, text });
                    }
                }
                TagEnd::TableCell => {
                    let cell = p.inline.take().unwrap_or_default();
                    if let Some(Frame::Table { row, .. }) = p.frames.last_mut() {
                        row.push(cell);
                    }
                }
                TagEnd::TableHead => {
                    if let Some(Frame::Table { header, row, .. }) = p.frames.last_mut() {
                        *header = std::mem::take(row);
                    }
                }
                TagEnd::TableRow => {
                    if let Some(Frame::Table { rows, row, .. }) = p.frames.last_mut() {
                        rows.push(std::mem::take(row));
                    }
                }
                TagEnd::Table => {
                    if let Some(Frame::Table { header, rows, .. }) = p.frames.pop() {
                        p.push_block(Block::Table { header, rows });
                    }
                }
                TagEnd::Emphasis => p.italic = p.italic.saturating_sub(1),
                TagEnd::Strong => p.bold = p.bold.saturating_sub(1),
                TagEnd::Strikethrough => p.marks.strike = false,
                TagEnd::Link | TagEnd::Image => {
                    if let Some((url, at)) = p.link.take() {
                        let shown: String = p
                            .inline
                            .as_ref()
                            .map(|v| v.iter().skip(at).map(|x| x.text.as_str()).collect())
                            .unwrap_or_default();
                        // The target is part of the text, so it survives a terminal without links.
                        if !url.is_empty() && shown != url {
                            let marks = Marks { link_target: true, ..Marks::default() };
                            p.inline
                                .get_or_insert_with(Vec::new)
                                .push(Piece { text: format!(" ({url})"), marks });
                        }
                    }
                }
                _ => {}
            },
            Event::Text(text) => {
                if let Some((_, code)) = p.code.as_mut() {
                    code.push_str(&text);
                } else {
                    p.text(&text, Marks::default());
                }
            }
            Event::Code(text) => p.text(&text, Marks { code: true, ..Marks::default() }),
            Event::SoftBreak => p.text(" ", Marks::default()),
            Event::HardBreak => p.text("\n", Marks::default()),
            Event::Html(html) | Event::InlineHtml(html) => p.text(html.trim_end(), Marks::default()),
            Event::Rule => p.push_block(Block::Rule),
            Event::TaskListMarker(done) => p.text(if done { "☑ " } else { "☐ " }, Marks::default()),
            _ => {}
        }
    }
    if let Some(pieces) = p.inline.take()
        && !pieces.is_empty()
    {
        p.push_block(Block::Para(pieces));
    }
    p.root
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The display width of a string in terminal cells.
#[must_use]
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `text` cut to `max` cells, ending in `…` when something was cut.
#[must_use]
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > max {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// Lays out a document into lines. `plain` means no wrapping, no colours, no line numbers.
pub struct Writer {
    pub lines: Vec<Line<'static>>,
    pub width: usize,
    pub plain: bool,
    pub theme: &'static Theme,
}

impl Writer {
    #[must_use]
    pub fn styled(width: usize, theme: &'static Theme) -> Self {
        Writer { lines: Vec::new(), width: width.max(10), plain: false, theme }
    }

    #[must_use]
    pub fn plain() -> Self {
        Writer { lines: Vec::new(), width: usize::MAX / 4, plain: true, theme: &super::theme::MONOCHROME }
    }

    /// The text of every line, for `--plain` output and tests.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            for span in &line.spans {
                out.push_str(&span.content);
            }
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
            out.push('\n');
        }
        out
    }

    /// The mark before quoted lines: a bar on screen, `> ` in plain text.
    #[must_use]
    pub fn quote_bar(&self) -> &'static str {
        if self.plain { "> " } else { "│ " }
    }

    pub fn push(&mut self, line: Line<'static>) {
        self.lines.push(line);
    }

    /// One empty line, but never two in a row and never at the top.
    pub fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| l.width() > 0) {
            self.lines.push(Line::default());
        }
    }

    fn style_of(&self, marks: Marks) -> Style {
        let t = self.theme;
        let mut style = t.text;
        if marks.code {
            style = style.patch(t.inline_code);
        }
        if marks.link {
            style = style.patch(t.link);
        }
        if marks.link_target {
            style = style.patch(t.link_target);
        }
        if marks.bold {
            style = style.patch(t.bold);
        }
        if marks.italic {
            style = style.patch(t.italic);
        }
        if marks.strike {
            style = style.patch(t.strike);
        }
        style
    }

    /// Markdown prose, parsed and laid out.
    pub fn md(&mut self, md: &str) {
        let blocks = parse(md);
        self.blocks(&blocks);
    }

    pub fn blocks(&mut self, blocks: &[Block]) {
        self.blocks_prefixed(blocks, &[], &[]);
    }

    fn blocks_prefixed(&mut self, blocks: &[Block], first: &[Span<'static>], rest: &[Span<'static>]) {
        for (i, block) in blocks.iter().enumerate() {
            let prefix = if i == 0 { first } else { rest };
            if i > 0 {
                if rest.is_empty() {
                    self.blank();
                } else {
                    self.lines.push(Line::from(rest.to_vec()));
                }
            }
            self.block(block, prefix, rest);
        }
    }

    /// Long because it is one arm per block kind (heading, paragraph, list, code, quote, table,
    /// rule), each a few lines of layout.
    fn block(&mut self, block: &Block, first: &[Span<'static>], rest: &[Span<'static>]) {
        match block {
            Block::Heading(level, pieces) => {
                let style = if *level <= 1 { self.theme.heading } else { self.theme.subheading };
                let text: Vec<(String, Style)> =
                    pieces.iter().map(|p| (p.text.clone(), self.style_of(p.marks).patch(style))).collect();
                let before = self.lines.len();
                self.wrap(&text, first, rest);
                if *level <= 2 {
                    let w = self.lines[before..].iter().map(Line::width).max().unwrap_or(0);
                    let w = w.saturating_sub(width_of(first)).max(3);
                    // Plain text (pipes, screen readers) gets the ASCII underlines of Setext.
                    let ch = match (*level == 1, self.plain) {
                        (true, false) => "═",
                        (false, false) => "─",
                        (true, true) => "=",
                        (false, true) => "-",
                    };
                    let mut spans = rest.to_vec();
                    spans.push(Span::styled(ch.repeat(w), style));
                    self.lines.push(Line::from(spans));
                }
            }
            Block::Para(pieces) => {
                let text: Vec<(String, Style)> =
                    pieces.iter().map(|p| (p.text.clone(), self.style_of(p.marks))).collect();
                self.wrap(&text, first, rest);
            }
            Block::List { start, items } => {
                for (n, item) in items.iter().enumerate() {
                    let bullet = match start {
                        Some(s) => format!("{}. ", s + n as u64),
                        None => if first.is_empty() && rest.is_empty() { "• " } else { "◦ " }.to_owned(),
                    };
                    let pad = " ".repeat(width(&bullet));
                    let mut f = if n == 0 { first.to_vec() } else { rest.to_vec() };
                    f.push(Span::styled(bullet, self.theme.accent));
                    let mut r = rest.to_vec();
                    r.push(Span::raw(pad));
                    self.list_item(item, &f, &r);
                }
            }
            Block::Quote(blocks) => {
                let bar = Span::styled(self.quote_bar(), self.theme.quote);
                let mut f = first.to_vec();
                f.push(bar.clone());
                let mut r = rest.to_vec();
                r.push(bar);
                let start = self.lines.len();
                self.blocks_prefixed(blocks, &f, &r);
                // Quote text takes the quote style where the prose has none of its own.
                for line in &mut self.lines[start..] {
                    for span in &mut line.spans {
                        if span.style == self.theme.text {
                            span.style = self.theme.quote;
                        }
                    }
                }
            }
            Block::Code { lang, text } => self.code_prefixed(lang, text, first, rest),
            Block::Table { header, rows } => {
                let header: Vec<Vec<(String, Style)>> = header
                    .iter()
                    .map(|c| {
                        c.iter()
                            .map(|p| (p.text.clone(), self.style_of(p.marks).patch(self.theme.bold)))
                            .collect()
                    })
                    .collect();
                let rows: Vec<Vec<Vec<(String, Style)>>> = rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| c.iter().map(|p| (p.text.clone(), self.style_of(p.marks))).collect())
                            .collect()
                    })
                    .collect();
                self.table_prefixed(&header, &rows, first);
            }
            Block::Rule => {
                let w = if self.plain { 40 } else { self.width.saturating_sub(width_of(first)).min(60) };
                let mut spans = first.to_vec();
                spans.push(Span::styled("─".repeat(w), self.theme.rule));
                self.lines.push(Line::from(spans));
            }
        }
    }

    fn list_item(&mut self, blocks: &[Block], first: &[Span<'static>], rest: &[Span<'static>]) {
        for (i, block) in blocks.iter().enumerate() {
            if i == 0 {
                self.block(block, first, rest);
            } else {
                if !matches!(block, Block::List { .. }) {
                    self.lines.push(Line::from(rest.to_vec()));
                }
                self.block(block, rest, rest);
            }
        }
    }

    /// Word-wraps styled text to the width; `\n` in the text forces a break.
    pub fn wrap(&mut self, text: &[(String, Style)], first: &[Span<'static>], rest: &[Span<'static>]) {
        let mut line: Vec<Span<'static>> = first.to_vec();
        let mut used = width_of(first);
        let mut at_start = true;
        let limit = self.width;
        let rest_w = width_of(rest);
        for (chunk, style) in text {
            for (n, hard) in chunk.split('\n').enumerate() {
                if n > 0 {
                    self.lines.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                    used = rest_w;
                    at_start = true;
                }
                for word in split_words(hard) {
                    let is_space = word.starts_with(' ');
                    let w = width(word);
                    if is_space {
                        if !at_start && used + w <= limit {
                            push_span(&mut line, word, *style);
                            used += w;
                        }
                        continue;
                    }
                    if used + w > limit && !at_start {
                        trim_trailing_space(&mut line);
                        self.lines.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                        used = rest_w;
                    }
                    if used + w > limit {
                        // A word longer than a whole line is cut where the line ends.
                        let mut piece = String::new();
                        for c in word.chars() {
                            let cw = c.width().unwrap_or(0);
                            if used + width(&piece) + cw > limit && !piece.is_empty() {
                                push_span(&mut line, &piece, *style);
                                self.lines.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                                used = rest_w;
                                piece.clear();
                            }
                            piece.push(c);
                        }
                        used += width(&piece);
                        push_span(&mut line, &piece, *style);
                    } else {
                        push_span(&mut line, word, *style);
                        used += w;
                    }
                    at_start = false;
                }
            }
        }
        trim_trailing_space(&mut line);
        self.lines.push(Line::from(line));
    }

    /// A paragraph of already-styled text.
    pub fn para(&mut self, text: &[(String, Style)]) {
        self.wrap(text, &[], &[]);
    }

    pub fn heading(&mut self, text: &str, level: u8) {
        self.blank();
        self.block(&Block::Heading(level, vec![Piece::plain(text)]), &[], &[]);
    }

    pub fn code(&mut self, lang: &str, source: &str) {
        self.code_prefixed(lang, source, &[], &[]);
    }

    fn code_prefixed(&mut self, lang: &str, source: &str, first: &[Span<'static>], rest: &[Span<'static>]) {
        self.code_marked(lang, source, first, rest, &[]);
    }

    /// Code with a mark column (e.g. `✗`/`✓` on the lines that differ between two versions).
    pub fn code_marked(
        &mut self,
        lang: &str,
        source: &str,
        first: &[Span<'static>],
        rest: &[Span<'static>],
        marks: &[Option<Span<'static>>],
    ) {
        let lines = highlight(lang, &source.replace('\t', "    "));
        let mark_w = if marks.is_empty() { 0 } else { 2 };
        if self.plain {
            for (i, pieces) in lines.iter().enumerate() {
                let mut spans = if i == 0 { first.to_vec() } else { rest.to_vec() };
                if let Some(Some(mark)) = marks.get(i) {
                    spans.push(mark.clone());
                    spans.push(Span::raw("   "));
                } else {
                    spans.push(Span::raw("    "));
                }
                spans.extend(pieces.iter().map(|(t, _)| Span::raw(t.clone())));
                self.lines.push(Line::from(spans));
            }
            return;
        }
        let digits = lines.len().to_string().len().max(2);
        let avail = self.width.saturating_sub(width_of(rest) + digits + 3 + mark_w).max(4);
        for (i, pieces) in lines.iter().enumerate() {
            let mut spans = if i == 0 { first.to_vec() } else { rest.to_vec() };
            if mark_w > 0 {
                match marks.get(i) {
                    Some(Some(mark)) => {
                        spans.push(mark.clone());
                        spans.push(Span::raw(" "));
                    }
                    _ => spans.push(Span::raw("  ")),
                }
            }
            spans.push(Span::styled(format!("{:>digits$} │ ", i + 1), self.theme.gutter));
            // The line's characters with their styles, cut into rows of at most `avail` columns
            // at a space or after punctuation when one is in the second half of the row, so a
            // word like `WWW-Authenticate` is not split in two.
            let chars: Vec<(char, Style)> = pieces
                .iter()
                .flat_map(|(text, tok)| text.chars().map(move |c| (c, *tok)))
                .map(|(c, tok)| (c, self.tok_style(tok)))
                .collect();
            let mut start = 0;
            while start < chars.len() {
                let end = code_row_end(&chars, start, avail);
                let mut piece = String::new();
                let mut style = chars[start].1;
                for &(c, st) in &chars[start..end] {
                    if st != style {
                        push_span(&mut spans, &piece, style);
                        piece.clear();
                        style = st;
                    }
                    piece.push(c);
                }
                push_span(&mut spans, &piece, style);
                start = end;
                if start < chars.len() {
                    self.lines.push(Line::from(std::mem::replace(&mut spans, rest.to_vec())));
                    if mark_w > 0 {
                        spans.push(Span::raw("  "));
                    }
                    spans.push(Span::styled(format!("{:>digits$} ┆ ", ""), self.theme.gutter));
                }
            }
            self.lines.push(Line::from(spans));
        }
    }

    #[must_use]
    pub fn tok_style(&self, tok: Tok) -> Style {
        let t = self.theme;
        match tok {
            Tok::Plain => t.text,
            Tok::Keyword => t.keyword,
            Tok::Str => t.string,
            Tok::Comment => t.comment,
            Tok::Number => t.number,
            Tok::Decorator => t.decorator,
            Tok::Key => t.key_name,
        }
    }

    /// An ASCII diagram: every line exactly as written, never wrapped (the view clips it).
    pub fn diagram(&mut self, art: &str) {
        for line in art.trim_end_matches('\n').split('\n') {
            let line = line.trim_end_matches('\r').replace('\t', "    ");
            let prefix = if self.plain { "" } else { "  " };
            self.lines.push(Line::from(vec![Span::raw(prefix), Span::styled(line, self.theme.diagram)]));
        }
    }

    /// A table from plain strings (execution table, variable tracker).
    pub fn simple_table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let bold = self.theme.bold;
        let text = self.theme.text;
        let header: Vec<Vec<(String, Style)>> =
            header.iter().map(|h| vec![((*h).to_owned(), bold)]).collect();
        let rows: Vec<Vec<Vec<(String, Style)>>> =
            rows.iter().map(|r| r.iter().map(|c| vec![(c.clone(), text)]).collect()).collect();
        self.table_prefixed(&header, &rows, &[]);
    }

    /// Long because a table is laid out in one pass that shares the column widths it computes:
    /// measure, shrink the widest columns to fit, then wrap each row's cells side by side.
    fn table_prefixed(
        &mut self,
        header: &[Vec<(String, Style)>],
        rows: &[Vec<Vec<(String, Style)>>],
        prefix: &[Span<'static>],
    ) {
        let cols = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        let cell_w = |c: &Vec<(String, Style)>| c.iter().map(|(t, _)| width(t)).sum::<usize>();
        let mut natural = vec![1usize; cols];
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            for (i, cell) in row.iter().enumerate() {
                natural[i] = natural[i].max(cell_w(cell));
            }
        }
        let widths = if self.plain {
            natural
        } else {
            let budget = self.width.saturating_sub(width_of(prefix) + 3 * cols + 1).max(cols * 3);
            fit_columns(&natural, budget)
        };
        let border = self.theme.border;
        let edge = |l: &str, m: &str, r: &str, widths: &[usize]| -> String {
            let inner: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
            format!("{l}{}{r}", inner.join(m))
        };
        let emit_row = |w: &mut Writer, row: &[Vec<(String, Style)>]| {
            let mut cells: Vec<Vec<Line<'static>>> = Vec::new();
            for (i, cw) in widths.iter().enumerate() {
                let empty = Vec::new();
                let cell = row.get(i).unwrap_or(&empty);
                let mut sub = Writer { lines: Vec::new(), width: *cw, plain: w.plain, theme: w.theme };
                if w.plain {
                    let spans: Vec<Span<'static>> =
                        cell.iter().map(|(t, s)| Span::styled(t.clone(), *s)).collect();
                    sub.lines.push(Line::from(spans));
                } else {
                    sub.wrap(cell, &[], &[]);
                }
                cells.push(sub.lines);
            }
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for r in 0..height {
                let mut spans = prefix.to_vec();
                if !w.plain {
                    spans.push(Span::styled("│ ", border));
                }
                for (i, cw) in widths.iter().enumerate() {
                    let line = cells[i].get(r).cloned().unwrap_or_default();
                    let lw = line.width();
                    spans.extend(line.spans);
                    let pad = cw.saturating_sub(lw);
                    let last = i + 1 == widths.len();
                    if w.plain {
                        if !last {
                            spans.push(Span::raw(" ".repeat(pad + 2)));
                        }
                    } else {
                        spans.push(Span::raw(" ".repeat(pad)));
                        spans.push(Span::styled(if last { " │" } else { " │ " }, border));
                    }
                }
                w.lines.push(Line::from(spans));
            }
        };
        if !self.plain {
            let mut top = prefix.to_vec();
            top.push(Span::styled(edge("┌", "┬", "┐", &widths), border));
            self.lines.push(Line::from(top));
        }
        if !header.is_empty() {
            emit_row(self, header);
            let mut sep = prefix.to_vec();
            if self.plain {
                let dashes: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                sep.push(Span::raw(dashes.join("  ")));
            } else {
                sep.push(Span::styled(edge("├", "┼", "┤", &widths), border));
            }
            self.lines.push(Line::from(sep));
        }
        for row in rows {
            emit_row(self, row);
        }
        if !self.plain {
            let mut bottom = prefix.to_vec();
            bottom.push(Span::styled(edge("└", "┴", "┘", &widths), border));
            self.lines.push(Line::from(bottom));
        }
    }
}

/// Shrinks the widest columns first until the table fits the budget.
fn fit_columns(natural: &[usize], budget: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    while widths.iter().sum::<usize>() > budget {
        let Some((i, _)) = widths.iter().enumerate().max_by_key(|&(_, w)| *w) else { break };
        if widths[i] <= 3 {
            break;
        }
        widths[i] -= 1;
    }
    widths
}

fn width_of(spans: &[Span<'_>]) -> usize {
    spans.iter().map(Span::width).sum()
}

fn push_span(line: &mut Vec<Span<'static>>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    if let Some(last) = line.last_mut()
        && last.style == style
    {
        last.content.to_mut().push_str(text);
        return;
    }
    line.push(Span::styled(text.to_owned(), style));
}

fn trim_trailing_space(line: &mut Vec<Span<'static>>) {
    while let Some(last) = line.last_mut() {
        let kept = last.content.trim_end_matches(' ').len();
        if kept == 0 {
            line.pop();
        } else {
            last.content.to_mut().truncate(kept);
            break;
        }
    }
}

/// Splits into words and runs of spaces, keeping both.
fn split_words(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let space = rest.starts_with(' ');
        let end = rest.find(|c: char| (c == ' ') != space).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

/// One line of interface text whose `code` is marked with backticks (a check's source, a class
/// name): the backticks go and the code is styled as code, as lesson Markdown does.
#[must_use]
pub fn backticks(text: &str, base: Style, code: Style) -> Vec<Span<'static>> {
    // An odd number of backticks leaves the last one as written.
    if text.matches('`').count() % 2 == 1 {
        return vec![Span::styled(text.to_owned(), base)];
    }
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| Span::styled(part.to_owned(), if i % 2 == 1 { code } else { base }))
        .collect()
}

/// Where a wrapped code row that starts at `start` ends: as many characters as fit in `avail`
/// columns, pulled back to just after a space or a punctuation mark when one lies in the row's
/// second half (a break there keeps identifiers and header names whole).
fn code_row_end(chars: &[(char, Style)], start: usize, avail: usize) -> usize {
    let mut used = 0;
    let mut end = start;
    while end < chars.len() {
        let cw = chars[end].0.width().unwrap_or(0);
        if used + cw > avail && end > start {
            break;
        }
        used += cw;
        end += 1;
    }
    if end == chars.len() {
        return end;
    }
    let half = start + (end - start) / 2;
    (half..end)
        .rev()
        .find(|&i| matches!(chars[i].0, ' ' | ',' | '(' | '[' | '{' | '=' | ':' | '.' | '/'))
        .map_or(end, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::DEFAULT;

    fn styled(md: &str, width: usize) -> Writer {
        let mut w = Writer::styled(width, &DEFAULT);
        w.md(md);
        w
    }

    fn plain(md: &str) -> String {
        let mut w = Writer::plain();
        w.md(md);
        w.text()
    }

    #[test]
    fn task_lists_render_as_boxes_as_check_reads_them() {
        let text = plain("- [ ] rotate the key\n- [x] set an expiry\n");
        assert!(text.contains("☐ rotate the key") && text.contains("☑ set an expiry"), "{text}");
    }

    #[test]
    fn code_wraps_at_a_space_or_punctuation_not_mid_word() {
        let w = styled("```\nresponse.headers[\"WWW-Authenticate\"] == \"Bearer\"\n```\n", 34);
        let rows: Vec<String> =
            w.lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect();
        assert!(rows.len() >= 2, "{rows:?}");
        assert!(rows.iter().any(|r| r.contains("WWW-Authenticate")), "the header name stays whole: {rows:?}");
    }

    #[test]
    fn backticks_become_code_and_an_odd_one_stays() {
        let spans = backticks("check `token == x` failed", Style::default(), Style::default().bold());
        let text: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, vec!["check ", "token == x", " failed"]);
        assert_eq!(backticks("a ` b", Style::default(), Style::default())[0].content, "a ` b");
    }

    #[test]
    fn parses_every_block_kind() {
        let blocks = parse(
            "# T\n\npara *it* **b**\n\n- a\n- b\n\n> q\n\n```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n",
        );
        assert!(matches!(blocks[0], Block::Heading(1, _)));
        assert!(matches!(blocks[1], Block::Para(_)));
        assert!(matches!(&blocks[2], Block::List { start: None, items } if items.len() == 2));
        assert!(matches!(blocks[3], Block::Quote(_)));
        assert!(matches!(&blocks[4], Block::Code { lang, text } if lang == "python" && text == "x = 1\n"));
        assert!(matches!(&blocks[5], Block::Table { header, rows } if header.len() == 2 && rows.len() == 1));
        assert!(matches!(blocks[6], Block::Rule));
    }

    #[test]
    fn wraps_to_the_width_without_losing_words() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let w = styled(text, 20);
        assert!(w.lines.len() > 1);
        for line in &w.lines {
            assert!(line.width() <= 20, "{line:?}");
        }
        let rejoined: Vec<String> = w.text().split_whitespace().map(str::to_owned).collect();
        assert_eq!(rejoined.join(" "), text);
    }

    #[test]
    fn long_words_are_cut_at_the_width() {
        let w = styled(&"x".repeat(45), 20);
        assert_eq!(w.lines.len(), 3);
        assert!(w.lines.iter().all(|l| l.width() <= 20));
    }

    #[test]
    fn links_keep_their_target() {
        assert_eq!(plain("see [the docs](https://x.dev/a)"), "see the docs (https://x.dev/a)\n");
        assert_eq!(plain("<https://x.dev>"), "https://x.dev\n");
    }

    #[test]
    fn emphasis_gets_styles() {
        let w = styled("a **bold** and *it* and `code`", 80);
        let spans = &w.lines[0].spans;
        let find = |s: &str| spans.iter().find(|x| x.content == s).map(|x| x.style);
        assert_eq!(find("bold"), Some(DEFAULT.text.patch(DEFAULT.bold)));
        assert_eq!(find("it"), Some(DEFAULT.text.patch(DEFAULT.italic)));
        assert_eq!(find("code"), Some(DEFAULT.text.patch(DEFAULT.inline_code)));
    }

    #[test]
    fn nested_lists_and_quotes_in_plain_text() {
        let out = plain("- a\n- b\n  - c\n\n1. one\n2. two\n\n> quoted\n> text");
        assert_eq!(out, "• a\n• b\n  ◦ c\n\n1. one\n2. two\n\n> quoted text\n");
    }

    #[test]
    fn tables_are_aligned_in_plain_text_and_boxed_when_styled() {
        let md = "| Stage | Result |\n|---|---|\n| authenticate | 401 |\n| ok | 200 |";
        assert_eq!(
            plain(md),
            "Stage         Result\n------------  ------\nauthenticate  401\nok            200\n"
        );
        let w = styled(md, 80);
        let text = w.text();
        assert!(text.starts_with("┌──────────────┬────────┐\n│ Stage        │ Result │\n├"), "{text}");
    }

    #[test]
    fn narrow_tables_wrap_inside_their_cells() {
        let md = "| a | b |\n|---|---|\n| a long cell that must wrap | another long cell here |";
        let w = styled(md, 30);
        assert!(w.lines.iter().all(|l| l.width() <= 30), "{}", w.text());
        assert!(w.text().contains("wrap"));
    }

    #[test]
    fn code_has_line_numbers_and_colours() {
        let w = styled("```python\ndef f():\n    return 1\n```", 80);
        assert_eq!(w.text(), " 1 │ def f():\n 2 │     return 1\n");
        let def = w.lines[0].spans.iter().find(|s| s.content == "def").map(|s| s.style);
        assert_eq!(def, Some(DEFAULT.keyword));
    }

    #[test]
    fn diagrams_are_never_wrapped() {
        let art = "a ---------------------------------------------------> b\n   |  x";
        let mut w = Writer::styled(20, &DEFAULT);
        w.diagram(art);
        assert_eq!(
            w.text(),
            format!("  {}\n  {}\n", "a ---------------------------------------------------> b", "   |  x")
        );
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("a longer title", 8), "a longe…");
        assert_eq!(width(&fit("a longer title", 8)), 8);
    }

    #[test]
    fn headings_are_underlined() {
        assert_eq!(plain("# Title\n\n## Sub"), "Title\n=====\n\nSub\n---\n");
        let w = styled("# Title", 80);
        assert_eq!(w.text(), "Title\n═════\n");
    }
}
