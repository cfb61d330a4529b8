//! The module graph points down only: a module may use its own layer and the layers
//! below it, never one above (docs/architecture.md). Read from the source text: every
//! `crate::<layer>` path outside comments in `src/<layer>/` (and `spasm::<layer>` in the
//! command line) is checked against the order below.

use std::path::{Path, PathBuf};

/// The layers, bottom first.
const LAYERS: [&str; 10] = [
    "units",
    "model",
    "solver",
    "continuation",
    "protocol",
    "simulation",
    "scenario",
    "analysis",
    "report",
    "cli",
];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

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

/// The layer a source file belongs to: its first directory (or stem) under `src/`.
fn layer_of(src: &Path, file: &Path) -> Option<&'static str> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    LAYERS.iter().copied().find(|l| *l == name)
}

/// Every layer named after `prefix` (`crate::` or `spasm::`) in `code`.
fn layers_used<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    code.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &code[i + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            rank(name).map(|_| name)
        })
        .collect()
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Some(layer) = layer_of(&src, file) else {
            continue; // lib.rs, main.rs
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let prefix = if layer == "cli" { "spasm::" } else { "crate::" };
            for used in layers_used(code, prefix) {
                checked += 1;
                if rank(used) > rank(layer) {
                    upward.push(format!(
                        "{}:{}: {layer} uses {used}",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} paths found: is the scan broken?"
    );
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn the_scan_sees_an_upward_import() {
    assert_eq!(
        layers_used("use crate::report::write_run; // crate::cli", "crate::"),
        vec!["report", "cli"]
    );
    assert!(rank("report") > rank("model"));
}
