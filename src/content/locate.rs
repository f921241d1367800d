//! Where every key and value of a YAML file is: a map from field path (`build_up[2].title`) to
//! line and column, built with yaml-rust2's event parser from the same text serde_yaml reads.
//!
//! This pass runs *first*, before serde_yaml sees the text, because it is also the guard against
//! YAML bombs: it streams events without expanding aliases, and stops as soon as the nesting is
//! too deep or the aliases would expand to too many nodes (billion laughs). serde_yaml's own
//! limits (recursion 128, alias jumps ≤ 100 × events) do not bound a quadratic expansion of one
//! large anchor repeated by many aliases, so nothing reaches it unless this pass said yes.

use std::collections::HashMap;
use std::fmt;

use yaml_rust2::parser::{Event, Parser};

/// Deeper nesting than this is refused: real content nests about eight levels.
pub const MAX_DEPTH: usize = 64;
/// Nodes after alias expansion; a 1 MiB file of real content has far fewer.
pub const MAX_NODES: usize = 500_000;
/// Bytes of text after alias expansion: four times the 1 MiB file cap. Counting nodes alone let
/// one large anchored string repeated by aliases through (a 121 KB file expanding to 300 MB).
pub const MAX_EXPANDED_BYTES: usize = 4 * 1024 * 1024;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A field path, printed like `build_up[2].title`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    #[must_use]
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        FieldPath(segs)
    }

    #[must_use]
    pub fn index(&self, i: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(i));
        FieldPath(segs)
    }

    /// Parses `a.b[2].c` (used by tests and by semantic checks written as strings).
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let mut segs = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                if open > 0 {
                    segs.push(Seg::Key(rest[..open].to_owned()));
                }
                rest = &rest[open..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let Some(close) = stripped.find(']') else { break };
                    if let Ok(i) = stripped[..close].parse() {
                        segs.push(Seg::Index(i));
                    }
                    rest = &stripped[close + 1..];
                }
            } else {
                segs.push(Seg::Key(rest.to_owned()));
            }
        }
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if first => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Where a node is: its key (for mapping values) and the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub key: Option<Pos>,
    pub value: Pos,
    /// A literal (`|`) block scalar: its text starts on the line after `value`.
    pub literal_block: bool,
}

/// Every node's position, by path.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    map: HashMap<FieldPath, Mark>,
}

impl Marks {
    #[must_use]
    pub fn get(&self, path: &FieldPath) -> Option<&Mark> {
        self.map.get(path)
    }

    /// The value's position, or the nearest ancestor's when the path has no node (an alias, or
    /// a field that is missing).
    #[must_use]
    pub fn value_pos(&self, path: &FieldPath) -> Pos {
        self.nearest(path).map_or(Pos { line: 1, col: 1 }, |m| m.value)
    }

    /// The key's position (falls back to the value's, then to the nearest ancestor).
    #[must_use]
    pub fn key_pos(&self, path: &FieldPath) -> Pos {
        match self.map.get(path) {
            Some(m) => m.key.unwrap_or(m.value),
            None => self.value_pos(path),
        }
    }

    fn nearest(&self, path: &FieldPath) -> Option<&Mark> {
        let mut segs = path.0.as_slice();
        loop {
            if let Some(m) = self.map.get(&FieldPath(segs.to_vec())) {
                return Some(m);
            }
            match segs.split_last() {
                Some((_, rest)) => segs = rest,
                None => return None,
            }
        }
    }
}

/// Why the text could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanProblem {
    /// Not valid YAML.
    Syntax {
        pos: Pos,
        message: String,
    },
    TooDeep {
        pos: Pos,
    },
    TooManyNodes {
        pos: Pos,
    },
    /// The text, with aliases expanded, would exceed [`MAX_EXPANDED_BYTES`].
    TooManyBytes {
        pos: Pos,
    },
    /// The same key twice in one mapping.
    DuplicateKey {
        pos: Pos,
        key: String,
        first: Pos,
    },
    /// More than one YAML document (`---`) in a file.
    SeveralDocuments {
        pos: Pos,
    },
    /// The parser itself failed unexpectedly (it must never take the program down).
    Internal,
}

impl ScanProblem {
    #[must_use]
    pub fn pos(&self) -> Pos {
        match self {
            ScanProblem::Syntax { pos, .. }
            | ScanProblem::TooDeep { pos }
            | ScanProblem::TooManyNodes { pos }
            | ScanProblem::TooManyBytes { pos }
            | ScanProblem::DuplicateKey { pos, .. }
            | ScanProblem::SeveralDocuments { pos } => *pos,
            ScanProblem::Internal => Pos { line: 1, col: 1 },
        }
    }

    #[must_use]
    pub fn message(&self) -> String {
        match self {
            ScanProblem::Syntax { message, .. } => format!("invalid YAML: {message}"),
            ScanProblem::TooDeep { .. } => {
                format!("YAML nested more than {MAX_DEPTH} levels deep; refusing to read further")
            }
            ScanProblem::TooManyNodes { .. } => format!(
                "YAML aliases expand to more than {MAX_NODES} nodes (an alias bomb?); refusing to read further"
            ),
            ScanProblem::TooManyBytes { .. } => format!(
                "YAML aliases here would expand the text past {} MiB (an alias bomb?); refusing to read further",
                MAX_EXPANDED_BYTES / (1024 * 1024)
            ),
            ScanProblem::DuplicateKey { key, first, .. } => {
                format!(
                    "duplicate field `{key}` (first written at line {}, column {})",
                    first.line, first.col
                )
            }
            ScanProblem::SeveralDocuments { .. } => {
                "more than one YAML document in one file; put each lesson or quiz in its own file".to_owned()
            }
            ScanProblem::Internal => "the YAML parser failed on this file".to_owned(),
        }
    }
}

/// A linear pre-scan that runs before *any* YAML parser sees the text: both libyaml and
/// yaml-rust2 take time quadratic in the nesting depth of flow collections (`[[[[…]]]]`) and of
/// compact sequences (`- - - - x`), so a 1 MiB file of brackets would hang `check` for
/// minutes. This estimates the depth without parsing: flow brackets counted from where a node
/// can start (line start, after `- `, `? `, `: `) and anywhere inside a flow collection, plus
/// the compact indicators at the start of a line. Real content never comes close.
pub fn prescan_depth(text: &str) -> Result<(), ScanProblem> {
    let mut flow: usize = 0;
    for (i, line) in text.lines().enumerate() {
        let too_deep = |col: usize| ScanProblem::TooDeep { pos: Pos { line: i + 1, col } };
        let bytes = line.as_bytes();
        let mut j = bytes.iter().take_while(|b| **b == b' ').count();
        if flow == 0 {
            // Compact nesting at the start of the line: `- - - x`, `? - x`…
            let mut compact = 0;
            while j + 1 < bytes.len() && matches!(bytes[j], b'-' | b'?' | b':') && bytes[j + 1] == b' ' {
                compact += 1;
                j += 2;
                while j < bytes.len() && bytes[j] == b' ' {
                    j += 1;
                }
                if compact > MAX_DEPTH {
                    return Err(too_deep(j + 1));
                }
            }
        }
        // Outside flow collections only an opening bracket can change anything on this line;
        // most lines (prose) have none, and skipping them halves the cost of the pre-scan.
        if flow == 0 && !bytes[j..].iter().any(|b| matches!(b, b'[' | b'{')) {
            continue;
        }
        let mut node_start = true;
        let mut k = j;
        while k < bytes.len() {
            let b = bytes[k];
            if b == b'#' && (k == 0 || bytes[k - 1] == b' ') {
                break;
            }
            match b {
                b'[' | b'{' if flow > 0 || node_start => {
                    flow += 1;
                    if flow > MAX_DEPTH {
                        return Err(too_deep(k + 1));
                    }
                }
                b']' | b'}' if flow > 0 => flow -= 1,
                _ => {}
            }
            // A node can start after `- `, `: `, `? ` (and, in flow, after `,`); not mid-text.
            node_start = matches!(b, b' ' | b'\t') && node_start
                || (k + 1 < bytes.len() && matches!(b, b'-' | b':' | b'?') && bytes[k + 1] == b' ')
                || matches!(b, b'[' | b'{' | b',') && flow > 0;
            k += 1;
        }
    }
    Ok(())
}

/// Whether aliases *could* expand anywhere in `text`: true when it holds both something that
/// may be an anchor (`&name`) and something that may be an alias (`*name`). A YAML parser only
/// starts an anchor or alias token where a node can start, which is never right after a letter
/// or digit (`a&b` in a query string, `!tag&x` inside a tag, `x*y` are plain text), so anything
/// else counts. False means no alias can expand, so serde_yaml may parse the text without
/// [`scan`]'s alias guard; true sends the file down the guarded path. Over-reporting only costs
/// speed (Markdown `**bold**` after a space looks like an alias), never safety.
#[must_use]
pub fn may_expand_aliases(text: &str) -> bool {
    let bytes = text.as_bytes();
    let token_at = |i: usize| {
        (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace())
    };
    // `match_indices` with one ASCII char searches with memchr: this costs a few µs per file.
    text.match_indices('&').any(|(i, _)| token_at(i)) && text.match_indices('*').any(|(i, _)| token_at(i))
}

/// The limits [`scan`] enforces, checked on a value serde_yaml parsed from alias-free text
/// (where every node was written out, so nothing was expanded): false when the nesting comes
/// near [`MAX_DEPTH`] or the nodes (keys included) near [`MAX_NODES`], so the guarded path can
/// give its located verdict.
#[must_use]
pub fn within_limits(value: &serde_yaml::Value) -> bool {
    fn walk(value: &serde_yaml::Value, depth: usize, nodes: &mut usize) -> bool {
        *nodes += 1;
        if *nodes >= MAX_NODES {
            return false;
        }
        match value {
            serde_yaml::Value::Sequence(items) => {
                depth + 1 < MAX_DEPTH && items.iter().all(|v| walk(v, depth + 1, nodes))
            }
            serde_yaml::Value::Mapping(map) => {
                depth + 1 < MAX_DEPTH
                    && map.iter().all(|(k, v)| walk(k, depth + 1, nodes) && walk(v, depth + 1, nodes))
            }
            serde_yaml::Value::Tagged(tagged) => walk(&tagged.value, depth, nodes),
            _ => true,
        }
    }
    walk(value, 0, &mut 0)
}

enum Frame {
    Map {
        path: FieldPath,
        key: Option<(String, Pos)>,
        seen: HashMap<String, Pos>,
    },
    Seq {
        path: FieldPath,
        next: usize,
    },
    /// Inside a complex (non-scalar) mapping key: positions there are not recorded.
    Skip,
}

/// An anchor still open: where its node started, counted in expanded nodes.
struct OpenAnchor {
    id: usize,
    depth: usize,
    start: usize,
    start_bytes: usize,
}

/// Maps every node of `text`, guarding depth and alias expansion; duplicates keys are reported
/// all at once (the first problem of any other kind stops the scan).
pub fn scan(text: &str) -> Result<Marks, Vec<ScanProblem>> {
    // The parser is third-party code fed arbitrary bytes: a panic there must become an error
    // located at the file, not a crash of `check`.
    match std::panic::catch_unwind(|| scan_inner(text)) {
        Ok(result) => result,
        Err(_) => Err(vec![ScanProblem::Internal]),
    }
}

fn scan_inner(text: &str) -> Result<Marks, Vec<ScanProblem>> {
    let mut parser = Parser::new_from_str(text);
    let mut marks = Marks::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut duplicates = Vec::new();
    let mut nodes: usize = 0;
    let mut anchor_sizes: HashMap<usize, usize> = HashMap::new();
    // Expanded text so far, and per anchor: what one more alias to it adds.
    let mut bytes: usize = 0;
    let mut anchor_bytes: HashMap<usize, usize> = HashMap::new();
    let mut open_anchors: Vec<OpenAnchor> = Vec::new();
    let mut documents = 0usize;
    loop {
        let (event, marker) = match parser.next_token() {
            Ok(pair) => pair,
            Err(e) => {
                let m = e.marker();
                return Err(vec![ScanProblem::Syntax {
                    pos: Pos { line: m.line().max(1), col: m.col() + 1 },
                    message: e.info().to_owned(),
                }]);
            }
        };
        let pos = Pos { line: marker.line().max(1), col: marker.col() + 1 };
        match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(vec![ScanProblem::SeveralDocuments { pos }]);
                }
            }
            Event::Alias(id) => {
                let size = anchor_sizes.get(&id).copied().unwrap_or(1);
                nodes = nodes.saturating_add(size);
                if nodes > MAX_NODES {
                    return Err(vec![ScanProblem::TooManyNodes { pos }]);
                }
                bytes = bytes.saturating_add(anchor_bytes.get(&id).copied().unwrap_or(1));
                if bytes > MAX_EXPANDED_BYTES {
                    return Err(vec![ScanProblem::TooManyBytes { pos }]);
                }
                place(&mut stack, &mut marks, &mut duplicates, pos, None, false);
            }
            Event::Scalar(value, style, anchor, _) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(vec![ScanProblem::TooManyNodes { pos }]);
                }
                bytes = bytes.saturating_add(value.len() + 1);
                if bytes > MAX_EXPANDED_BYTES {
                    return Err(vec![ScanProblem::TooManyBytes { pos }]);
                }
                if anchor > 0 {
                    anchor_sizes.insert(anchor, 1);
                    anchor_bytes.insert(anchor, value.len() + 1);
                }
                let literal = matches!(style, yaml_rust2::scanner::TScalarStyle::Literal);
                // `key:` with nothing after it: the parser marks the empty value at the next
                // token, often on a later line; the key is where a reader looks.
                let empty = value.is_empty() && matches!(style, yaml_rust2::scanner::TScalarStyle::Plain);
                let pos = match stack.last() {
                    Some(Frame::Map { key: Some((_, key_pos)), .. }) if empty => *key_pos,
                    _ => pos,
                };
                place(&mut stack, &mut marks, &mut duplicates, pos, Some(value), literal);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(vec![ScanProblem::TooManyNodes { pos }]);
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(vec![ScanProblem::TooDeep { pos }]);
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let child_path = place(&mut stack, &mut marks, &mut duplicates, pos, None, false);
                if anchor > 0 {
                    open_anchors.push(OpenAnchor {
                        id: anchor,
                        depth: stack.len(),
                        start: nodes - 1,
                        start_bytes: bytes,
                    });
                }
                stack.push(match child_path {
                    None => Frame::Skip,
                    Some(path) if is_map => Frame::Map { path, key: None, seen: HashMap::new() },
                    Some(path) => Frame::Seq { path, next: 0 },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                if let Some(open) = open_anchors.last()
                    && open.depth == stack.len()
                {
                    anchor_sizes.insert(open.id, nodes - open.start);
                    anchor_bytes.insert(open.id, (bytes - open.start_bytes).max(1));
                    open_anchors.pop();
                }
            }
        }
    }
    if duplicates.is_empty() { Ok(marks) } else { Err(duplicates) }
}

/// Records a node that starts at `pos`. For a mapping key (`scalar` given, parent expecting a
/// key) it remembers the key; for a value it records the mark and returns the node's path
/// (`None` inside a complex key).
fn place(
    stack: &mut [Frame],
    marks: &mut Marks,
    duplicates: &mut Vec<ScanProblem>,
    pos: Pos,
    scalar: Option<String>,
    literal_block: bool,
) -> Option<FieldPath> {
    match stack.last_mut() {
        None => {
            let path = FieldPath::root();
            marks.map.entry(path.clone()).or_insert(Mark { key: None, value: pos, literal_block });
            Some(path)
        }
        Some(Frame::Skip) => None,
        Some(Frame::Seq { path, next }) => {
            let child = path.index(*next);
            *next += 1;
            marks.map.insert(child.clone(), Mark { key: None, value: pos, literal_block });
            Some(child)
        }
        Some(Frame::Map { path, key, seen }) => match key.take() {
            None => {
                // This node is a key.
                match scalar {
                    Some(name) => {
                        // yaml-rust2 marks a block mapping at its first `:`; the mapping really
                        // starts at its first key, which is where a reader looks.
                        if seen.is_empty()
                            && let Some(m) = marks.map.get_mut(path)
                            && pos < m.value
                        {
                            m.value = pos;
                        }
                        if let Some(first) = seen.get(&name) {
                            duplicates.push(ScanProblem::DuplicateKey {
                                pos,
                                key: name.clone(),
                                first: *first,
                            });
                        } else {
                            seen.insert(name.clone(), pos);
                        }
                        *key = Some((name, pos));
                    }
                    // A complex key: recorded under a name no field has, so it is reported as
                    // unknown by validation with the right position.
                    None => *key = Some(("<complex key>".to_owned(), pos)),
                }
                None
            }
            Some((name, key_pos)) => {
                let child = path.key(&name);
                marks.map.entry(child.clone()).or_insert(Mark {
                    key: Some(key_pos),
                    value: pos,
                    literal_block,
                });
                Some(child)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(marks: &Marks, path: &str) -> (usize, usize) {
        let p = marks.value_pos(&FieldPath::parse(path));
        (p.line, p.col)
    }

    fn key_at(marks: &Marks, path: &str) -> (usize, usize) {
        let p = marks.key_pos(&FieldPath::parse(path));
        (p.line, p.col)
    }

    const DOC: &str = "\
id: demo
title: \"Quoted\"
build_up:
  - level: foundation
    title: First
  - level: expert
    body: |
      line one
      line two
nested:
  inner: {a: 1, b: [x, y]}
";

    #[test]
    fn keys_and_values_are_located() {
        let marks = scan(DOC).unwrap();
        assert_eq!(key_at(&marks, "id"), (1, 1));
        assert_eq!(at(&marks, "id"), (1, 5));
        assert_eq!(at(&marks, "title"), (2, 8));
        assert_eq!(key_at(&marks, "build_up[0].level"), (4, 5));
        assert_eq!(at(&marks, "build_up[0].level"), (4, 12));
        assert_eq!(key_at(&marks, "build_up[1].body"), (7, 5));
        assert_eq!(at(&marks, "nested.inner.b[1]"), (11, 24));
        assert_eq!(at(&marks, "nested.inner.a"), (11, 14));
        assert!(marks.get(&FieldPath::parse("build_up[1].body")).unwrap().literal_block);
    }

    #[test]
    fn empty_values_point_at_their_key() {
        let marks = scan("a:\nb: 1\n").unwrap();
        assert_eq!(at(&marks, "a"), (1, 1));
    }

    #[test]
    fn sequence_items_point_at_their_first_key() {
        let marks = scan(DOC).unwrap();
        assert_eq!(at(&marks, "build_up[1]"), (6, 5));
    }

    #[test]
    fn missing_paths_fall_back_to_the_nearest_ancestor() {
        let marks = scan(DOC).unwrap();
        assert_eq!(at(&marks, "build_up[1].result"), (6, 5));
        assert_eq!(at(&marks, "nowhere.at.all"), at(&marks, ""));
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = scan("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(matches!(err[0], ScanProblem::Syntax { .. }), "{err:?}");
        let err = scan("a: 1\n  b: 2\n").unwrap_err();
        assert_eq!(err[0].pos().line, 2, "{err:?}");
    }

    #[test]
    fn duplicate_keys_are_all_reported() {
        let err = scan("a: 1\nb: 2\na: 3\nb: 4\n").unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(err[0].pos(), Pos { line: 3, col: 1 });
        assert!(err[0].message().contains("line 1, column 1"), "{}", err[0].message());
    }

    #[test]
    fn deep_nesting_is_refused_early() {
        let text = "[".repeat(100);
        let err = scan(&text).unwrap_err();
        assert!(matches!(err[0], ScanProblem::TooDeep { .. }), "{err:?}");
        // Far deeper: yaml-rust2's own limit answers first; either way a located error.
        let err = scan(&"[".repeat(100_000)).unwrap_err();
        assert!(matches!(err[0], ScanProblem::TooDeep { .. } | ScanProblem::Syntax { .. }), "{err:?}");
        let text = (0..200).map(|i| format!("{}k:\n", "  ".repeat(i))).collect::<String>();
        let err = scan(&text).unwrap_err();
        assert!(matches!(err[0], ScanProblem::TooDeep { .. }), "{err:?}");
    }

    #[test]
    fn the_prescan_catches_deep_nesting_before_any_parser() {
        let deep = format!("id: {}{}", "[".repeat(400_000), "]".repeat(400_000));
        assert_eq!(prescan_depth(&deep), Err(ScanProblem::TooDeep { pos: Pos { line: 1, col: 69 } }));
        let compact = format!("{}x", "- ".repeat(1_000));
        assert!(prescan_depth(&compact).is_err());
        let nested_flow = "a: {b: [c, {d: [[e]]}]}\n";
        assert_eq!(prescan_depth(nested_flow), Ok(()));
    }

    #[test]
    fn the_prescan_ignores_brackets_in_prose_and_comments() {
        let prose = format!(
            "text: see {} here # {}\nbody: |\n  a [link](x) and {}\n",
            "[".repeat(100),
            "[".repeat(100),
            "[(".repeat(100)
        );
        assert_eq!(prescan_depth(&prose), Ok(()));
    }

    #[test]
    fn aliases_that_could_expand_are_spotted_by_their_text() {
        assert!(may_expand_aliases("a: &x [1, 2]\nb: *x\n"));
        assert!(may_expand_aliases("a: [&x 1, *x]"));
        assert!(may_expand_aliases("- &x 1\n- *x\n"));
        assert!(may_expand_aliases("&x a: 1\nb:\n  <<: *x\n"));
        // An anchor with no alias, or an alias with no anchor, expands nothing.
        assert!(!may_expand_aliases("a: &x 1\n"));
        assert!(!may_expand_aliases("a: *x\n"));
        // Text that only looks like them mid-word, or followed by a space.
        assert!(!may_expand_aliases("form: username=johndoe&password=x\nb: 2*3 & * x\n"));
    }

    #[test]
    fn the_limits_of_scan_are_checked_on_parsed_values() {
        let shallow: serde_yaml::Value = serde_yaml::from_str("a: {b: [1, 2]}").unwrap();
        assert!(within_limits(&shallow));
        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let deep: serde_yaml::Value = serde_yaml::from_str(&deep).unwrap();
        assert!(!within_limits(&deep));
        let many = format!("[{}]", vec!["1"; MAX_NODES].join(","));
        let many: serde_yaml::Value = serde_yaml::from_str(&many).unwrap();
        assert!(!within_limits(&many));
    }

    #[test]
    fn the_prescan_shortcut_keeps_flow_that_spans_lines() {
        // The opening line sets `flow`; later lines without brackets must still be counted.
        let text = format!("a: [\n{}\n", "[".repeat(MAX_DEPTH + 1));
        assert!(prescan_depth(&text).is_err());
        let text = format!("a: [\n  x,\n  {}\n", "{".repeat(MAX_DEPTH));
        assert!(prescan_depth(&text).is_err());
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = scan(&text).unwrap_err();
        assert!(matches!(err[0], ScanProblem::TooManyNodes { .. }), "{err:?}");
    }

    #[test]
    fn one_big_anchor_repeated_is_refused() {
        // Quadratic, not exponential: serde_yaml's own alias-jump limit does not catch it.
        let big = vec!["x"; 5_000].join(", ");
        let refs = vec!["*big"; 5_000].join(", ");
        let text = format!("a: &big [{big}]\nb: [{refs}]\n");
        let err = scan(&text).unwrap_err();
        assert!(matches!(err[0], ScanProblem::TooManyNodes { .. }), "{err:?}");
    }

    #[test]
    fn one_big_string_repeated_is_refused_by_its_bytes() {
        // The attack: few nodes, each alias a 100 KB string (121 KB in, 300 MB out).
        let big = "x".repeat(100_000);
        let refs = vec!["*s"; 200].join(", ");
        let text = format!("key_takeaways: [&s \"{big}\", {refs}]\n");
        let err = scan(&text).unwrap_err();
        assert!(matches!(err[0], ScanProblem::TooManyBytes { .. }), "{err:?}");
        assert!(err[0].message().contains("4 MiB"), "{}", err[0].message());
        // Repeating a small anchor stays fine.
        let refs = vec!["*s"; 200].join(", ");
        assert!(scan(&format!("a: [&s \"short\", {refs}]\n")).is_ok());
    }

    #[test]
    fn several_documents_are_refused() {
        let err = scan("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err[0].pos().line, 2);
    }

    #[test]
    fn paths_print_and_parse() {
        let p = FieldPath::parse("build_up[2].predict.options[0]");
        assert_eq!(p.to_string(), "build_up[2].predict.options[0]");
        assert_eq!(FieldPath::root().key("a").index(3).to_string(), "a[3]");
    }
}
