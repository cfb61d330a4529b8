//! `spasm report DIR [-o FILE]`: one self-contained HTML page of a run directory
//! (`spasm::report::html_report`).

use std::process::ExitCode;

use spasm::report::html_report::{default_report_path, write_report};

use super::args::ReportArgs;
use super::output::{Output, Written};
use super::CliError;

/// Bytes per kilobyte, for the size printed.
const KB: f64 = 1000.0;

/// Run `spasm report`.
pub(super) fn report(args: &ReportArgs) -> Result<ExitCode, CliError> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_report_path(&args.dir));
    let output = Output::new("report", args.output);
    let written = write_report(&args.dir, &out)?;
    if output.text() {
        say!(
            "wrote {} (spasm {}: {}, {}, {:.0} kB); it opens offline in any browser",
            written.path.display(),
            written.kind,
            count(written.figures, "figure"),
            count(written.tables, "table"),
            written.bytes as f64 / KB
        );
    }
    output.emit(
        Written::File(&written.path),
        serde_json::json!({
            "kind": written.kind,
            "figures": written.figures,
            "tables": written.tables,
            "bytes": written.bytes,
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// "1 figure", "3 figures".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
