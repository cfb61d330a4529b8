//! The one output contract of every command (docs/outputs.md, "Scripting: --quiet and
//! --json"): `--quiet` prints nothing on standard output, `--json` prints exactly one
//! JSON document there, of one shape for every command ([`Report`]); errors stay on
//! standard error in both.
//!
//! A command takes [`OutputArgs`] (`#[command(flatten)] pub output: OutputArgs` in
//! its arguments, [`super::args`]), makes an [`Output`] from them, prints its text for people only when
//! [`Output::text`], hands its warnings to [`Output::warn`] (or [`Output::lint`]), and
//! ends with [`Output::emit`]: what it wrote and its summary. `tests/cli_contract.rs`
//! runs every command clap knows and fails for one that does not keep the contract.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::args::OutputArgs;
use super::CliError;
use spasm::report::atomic::RUN_MARKER;
use spasm::report::OutputError;

/// What a command wrote.
#[derive(Clone, Copy, Debug)]
pub(super) enum Written<'a> {
    /// Nothing (it printed its result).
    Nothing,
    /// A run directory: its files are listed.
    Dir(&'a Path),
    /// One file.
    File(&'a Path),
}

/// The document `--json` prints: one shape for every command.
#[derive(Debug, Serialize)]
struct Report<'a, S: Serialize> {
    /// The command, as typed after `spasm` (`run`, `export sbml`).
    command: &'a str,
    /// The run directory written, if any.
    dir: Option<&'a Path>,
    /// Every file written (inside `dir` when there is one), sorted.
    files: Vec<PathBuf>,
    /// The warnings, one message each (those also shown on standard error).
    warnings: &'a [String],
    /// What the command found; its shape is the command's own (docs/outputs.md).
    summary: S,
}

/// A command's standard output under `--quiet` and `--json`, and the warnings it
/// collects for the document.
#[derive(Debug)]
pub(super) struct Output {
    /// The command's name in the document.
    command: &'static str,
    /// `--quiet`, `--json`.
    args: OutputArgs,
    /// The warnings so far.
    warnings: Vec<String>,
}

impl Output {
    /// The output of `command` (as typed: `"run"`, `"export sbml"`) under `args`.
    pub(super) fn new(command: &'static str, args: OutputArgs) -> Self {
        Self {
            command,
            args,
            warnings: Vec::new(),
        }
    }

    /// Whether to print the text for people on standard output: neither `--quiet`
    /// nor `--json`.
    pub(super) fn text(&self) -> bool {
        !self.args.quiet && !self.args.json
    }

    /// `--quiet`: no progress bar, notes or warnings on standard error.
    pub(super) fn quiet(&self) -> bool {
        self.args.quiet
    }

    /// `--json`.
    pub(super) fn json(&self) -> bool {
        self.args.json
    }

    /// The command's name (`"export sbml"`).
    pub(super) fn command(&self) -> &'static str {
        self.command
    }

    /// A warning: one line on standard error (unless `--quiet`), and in the document.
    pub(super) fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        if !self.args.quiet {
            note!("{message}");
        }
        self.warnings.push(message);
    }

    /// A warning the command shows in its own text (`spasm check`): in the document
    /// only.
    pub(super) fn record(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    /// The semantic warnings about `sc` ([`spasm::analysis::lint`]), `results` its
    /// arms as run (reused): on standard error with a pointer to `spasm check`, and in
    /// the document. A warning that cannot be worked out is left out: the command's
    /// own run already succeeded.
    pub(super) fn lint(
        &mut self,
        sc: &spasm::scenario::Scenario,
        results: &[spasm::scenario::ArmResult],
    ) {
        if let Ok(ws) = spasm::analysis::lint::warnings(sc, Some(results)) {
            for w in ws {
                if !self.args.quiet {
                    note!("{w} (spasm check for details)");
                }
                self.warnings.push(w.to_string());
            }
        }
    }

    /// End the command: under `--json`, print the [`Report`] of what it wrote and its
    /// `summary`; otherwise nothing (its text is already printed).
    pub(super) fn emit<S: Serialize>(
        self,
        written: Written<'_>,
        summary: S,
    ) -> Result<(), CliError> {
        if !self.args.json {
            return Ok(());
        }
        let (dir, files) = match written {
            Written::Nothing => (None, Vec::new()),
            Written::Dir(dir) => (Some(dir), files_in(dir)?),
            Written::File(file) => (None, vec![file.to_path_buf()]),
        };
        let report = Report {
            command: self.command,
            dir,
            files,
            warnings: &self.warnings,
            summary,
        };
        // Our own types, with string keys: serialising cannot fail (non-finite
        // numbers become null).
        let text = serde_json::to_string_pretty(&report).expect("a report serialises");
        super::stdout(format_args!("{text}\n"))
    }
}

/// The files of the finished run directory `dir`, sorted, without its marker: every
/// file the command wrote (a run directory holds nothing else).
fn files_in(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let io = |source| OutputError::Io {
        path: dir.to_path_buf(),
        action: "list",
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry.map_err(io)?.file_name();
        if name != RUN_MARKER {
            files.push(dir.join(name));
        }
    }
    files.sort();
    Ok(files)
}
