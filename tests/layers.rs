//! The module graph between the program's layers is a DAG, and the layers at the bottom (content,
//! lab, quiz, progress, probe, the sanitizer) never reach up to the command line, the interface or
//! the commands. Read from the source itself: every `crate::<module>` a file names is an edge
//! from its top-level module to that one.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `top-level module -> modules it names`, test code (after `#[cfg(test)]`) left out.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                let name: String =
                    rest[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && name != module && name.chars().next().unwrap().is_ascii_lowercase() {
                    edges.entry(module.clone()).or_default().insert(name);
                }
                rest = &rest[at + 7..];
            }
        }
        edges.entry(module).or_default();
    }
    edges
}

#[test]
fn the_bottom_layers_never_import_the_command_line_the_interface_or_the_commands() {
    let g = graph();
    let mut wrong = Vec::new();
    for low in ["content", "lab", "quiz", "progress", "probe", "safe_text"] {
        for high in ["cli", "tui", "commands"] {
            if g.get(low).is_some_and(|to| to.contains(high)) {
                wrong.push(format!("{low} -> {high}"));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken: {wrong:?}\n{g:#?}");
}

/// The cycles of a graph (depth-first search; a back edge is a cycle).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(n.to_owned(), 1);
        path.push(n.to_owned());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                0 => visit(m, g, state, path, cycles),
                1 => {
                    let start = path.iter().position(|p| p == m).unwrap_or(0);
                    cycles.push(format!("{} -> {m}", path[start..].join(" -> ")));
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(n.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for n in g.keys() {
        if !state.contains_key(n.as_str()) {
            visit(n, g, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    cycles
}

#[test]
fn the_layers_form_a_dag() {
    let g = graph();
    let cycles = cycles(&g);
    assert!(cycles.is_empty(), "import cycles between layers: {cycles:#?}\n{g:#?}");
    assert!(g.len() >= 8, "the walk found too few modules: {g:#?}");
}

/// A file's module path below `src/tui` (`screens/lab/mod.rs` -> `[screens, lab]`).
fn tui_module(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    if last != "mod.rs" {
        parts.push(last.trim_end_matches(".rs").to_owned());
    }
    parts
}

/// The component a module path belongs to: each screen is its own (`screens::lab`), every other
/// module of the interface is one (`msg`, `app`, `keymap`…).
fn component(path: &[String]) -> Option<String> {
    match path {
        [first, second, ..] if first == "screens" => Some(format!("screens::{second}")),
        [first, ..] => Some(first.clone()),
        [] => None,
    }
}

/// The module paths a line names: `crate::tui::a::b…` and `super::…` (resolved against `me`),
/// with `{a, b}` groups after the prefix opened.
fn named_paths(line: &str, me: &[String]) -> Vec<Vec<String>> {
    let ident =
        |s: &str| -> String { s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::tui::") {
        let mut path = Vec::new();
        let mut tail = &rest[at + "crate::tui::".len()..];
        loop {
            let name = ident(tail);
            if name.is_empty() {
                break;
            }
            tail = &tail[name.len()..];
            path.push(name);
            match tail.strip_prefix("::") {
                Some(t) => tail = t,
                None => break,
            }
        }
        out.push(path);
        rest = &rest[at + 1..];
    }
    // `super::` as a path start (not inside `crate::tui::`).
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().last();
        if before.is_some_and(|c| c == ':' || c.is_ascii_alphanumeric()) {
            rest = &rest[at + 1..];
            continue;
        }
        let mut base = me.to_vec();
        let mut tail = &rest[at..];
        while let Some(t) = tail.strip_prefix("super::") {
            base.pop();
            tail = t;
        }
        let names: Vec<String> = match tail.strip_prefix('{') {
            Some(group) => {
                group.split([',', '}']).map(|n| ident(n.trim())).filter(|n| !n.is_empty()).collect()
            }
            None => vec![ident(tail)],
        };
        for name in names.into_iter().filter(|n| !n.is_empty() && n != "self") {
            let mut path = base.clone();
            path.push(name);
            out.push(path);
        }
        rest = &rest[at + 1..];
    }
    out
}

/// `component -> components it names`, within the interface, test code left out.
fn tui_graph() -> BTreeMap<String, BTreeSet<String>> {
    let tui = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    rust_files(&tui, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let me = tui_module(file.strip_prefix(&tui).unwrap());
        // `tui/mod.rs` is the entry: it declares the modules and may start any of them.
        let Some(from) = component(&me) else { continue };
        if file.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for path in named_paths(line, &me) {
                if let Some(to) = component(&path)
                    && to != from
                    && tui.join(path[0].as_str()).with_extension("rs").exists()
                        | tui.join(path[0].as_str()).is_dir()
                {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
        edges.entry(from).or_default();
    }
    edges
}

#[test]
fn the_interface_components_form_a_dag_with_the_vocabulary_at_the_bottom() {
    let g = tui_graph();
    let cycles = cycles(&g);
    assert!(cycles.is_empty(), "import cycles inside the interface: {cycles:#?}\n{g:#?}");
    for screen in
        ["screens::home", "screens::reader", "screens::quiz", "screens::lab", "app", "msg", "keymap"]
    {
        assert!(g.contains_key(screen), "the walk missed {screen}: {g:#?}");
    }
    // The vocabulary names nothing of the interface but its strings; no screen names the
    // router, the frame, the event loop or another screen.
    let msg: Vec<&String> = g["msg"].iter().filter(|m| *m != "strings").collect();
    assert!(msg.is_empty(), "msg names {msg:?}");
    for (from, to) in &g {
        if from.starts_with("screens::") {
            let up: Vec<&String> = to
                .iter()
                .filter(|m| {
                    ["app", "frame", "event_loop", "lab_runner"].contains(&m.as_str())
                        || (m.starts_with("screens::") && from != "screens::help")
                })
                .collect();
            assert!(up.is_empty(), "{from} names {up:?}");
        }
    }
}

#[test]
fn the_walk_sees_super_groups_and_crate_paths() {
    let me = vec!["screens".to_owned(), "lab".to_owned(), "update".to_owned()];
    let got = named_paths("use super::{layout, state::X}; use crate::tui::msg::lab::RowId;", &me);
    let comps: BTreeSet<String> = got.iter().filter_map(|p| component(p)).collect();
    assert_eq!(comps, ["msg", "screens::lab"].into_iter().map(str::to_owned).collect());
    let up = named_paths("use super::super::keymap::Scope;", &["screens".into(), "home".into()]);
    assert_eq!(up, vec![vec!["keymap".to_owned()]]);
}

/// Functions in the interface longer than this say why in the comment above them.
const LONG_FN: usize = 80;

#[test]
fn no_interface_function_is_long_without_saying_why() {
    let tui = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    rust_files(&tui, &mut files);
    let mut long = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().take_while(|l| !l.starts_with("#[cfg(test)]")).collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn "]
                .iter()
                .any(|p| t.starts_with(p));
            if !is_fn || line.trim_end().ends_with(';') {
                continue;
            }
            let indent = &line[..line.len() - t.len()];
            let close = format!("{indent}}}");
            let Some(len) = lines[i..].iter().position(|l| l.trim_end() == close) else { continue };
            let mut doc = i;
            while doc > 0 && lines[doc - 1].trim_start().starts_with("//") {
                doc -= 1;
            }
            let says_why = lines[doc..i].iter().any(|l| l.contains("Long because"));
            if len + 1 > LONG_FN && !says_why {
                long.push(format!(
                    "{}:{} ({} lines)",
                    file.strip_prefix(&tui).unwrap().display(),
                    i + 1,
                    len + 1
                ));
            }
        }
    }
    assert!(long.is_empty(), "functions over {LONG_FN} lines with no \"Long because\" comment: {long:#?}");
}
