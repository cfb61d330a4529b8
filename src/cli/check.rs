//! `spasm check`: read scenario files without running them, report every mistake
//! ([`spasm::scenario::check_file`]) and the semantic warnings
//! ([`spasm::analysis::lint`]).

use std::process::ExitCode;

use spasm::analysis::lint::{self, Warning};
use spasm::scenario::{check_file, ScenarioError};

use super::args::CheckArgs;
use super::{CliError, Output, Written};

/// Exit status when some file has mistakes (0: every file reads; warnings allowed).
const EXIT_MISTAKES: u8 = 1;

/// Run `spasm check`.
pub(super) fn check(args: &CheckArgs) -> Result<ExitCode, CliError> {
    let mut out = Output::new("check", args.output);
    let mut checked_files = Vec::new();
    let (mut bad_files, mut n_errors, mut n_warnings) = (0usize, 0usize, 0usize);
    for path in &args.files {
        let shown = path.display().to_string();
        let mut checked = check_file(path);
        // Shown in file order (they are found part by part).
        checked.errors.sort_by_key(|e| (e.line, e.column));
        let warnings: Vec<Warning> = match &checked.scenario {
            Some(sc) => match lint::warnings(sc, None) {
                Ok(w) => w,
                Err(e) => {
                    out.warn(format!(
                        "{shown}: the warnings that need a run were not checked: {e}"
                    ));
                    lint::static_warnings(sc).unwrap_or_default()
                }
            },
            None => Vec::new(),
        };
        n_errors += checked.errors.len();
        n_warnings += warnings.len();
        if !checked.errors.is_empty() {
            bad_files += 1;
        }
        for w in &warnings {
            out.record(format!("{shown}: {w}"));
        }
        checked_files.push(serde_json::json!({
            "file": shown,
            "errors": checked.errors.iter().map(error_json).collect::<Vec<_>>(),
            "warnings": warnings.iter().map(|w| serde_json::json!({
                "code": w.code,
                "message": w.message,
                "arm": w.arm,
            })).collect::<Vec<_>>(),
        }));
        if !out.text() {
            continue;
        }
        if checked.errors.is_empty() {
            say!("{shown}: ok");
        } else {
            let n = checked.errors.len();
            say!("{shown}: {n} {}", plural(n, "error"));
            for e in checked.errors {
                say!("{:?}", miette::Report::new(e));
            }
        }
        for w in &warnings {
            say!("{shown}: {w}");
        }
    }
    if out.text() {
        let n = args.files.len();
        say!(
            "checked {n} {}: {} with errors ({n_errors} {}), {n_warnings} {}",
            plural(n, "file"),
            bad_files,
            plural(n_errors, "error"),
            plural(n_warnings, "warning")
        );
    }
    out.emit(
        Written::Nothing,
        serde_json::json!({
            "checked": checked_files,
            "files_with_errors": bad_files,
            "errors": n_errors,
            "warnings": n_warnings,
        }),
    )?;
    Ok(if bad_files == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_MISTAKES)
    })
}

/// An error as JSON: message, line, column, key, kind.
fn error_json(e: &ScenarioError) -> serde_json::Value {
    serde_json::json!({
        "message": e.to_string(),
        "line": e.line,
        "column": e.column,
        "key": e.key,
        "kind": e.kind,
    })
}

/// `word` or `words` for `n`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
