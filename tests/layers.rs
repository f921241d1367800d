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

#[test]
fn the_layers_form_a_dag() {
    let g = graph();
    // Depth-first search; a back edge is a cycle.
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
            visit(n, &g, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles between layers: {cycles:#?}\n{g:#?}");
    assert!(g.len() >= 8, "the walk found too few modules: {g:#?}");
}
