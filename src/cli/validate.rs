//! `spasm validate`: every validation target, measured against its expected range.

use std::process::ExitCode;

use spasm::analysis::validate::TARGETS;

use super::args::ValidateArgs;
use super::{progress, CliError, Output, Written};

/// Run `spasm validate`; exit code 1 when a check fails.
pub(super) fn validate(args: &ValidateArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("validate", args.output);
    let chosen: Vec<_> = TARGETS
        .iter()
        .filter(|(n, _)| args.targets.is_empty() || args.targets.contains(n))
        .collect();
    let bar = progress::bar(
        chosen.len() as u64,
        "validating {bar:30} target {msg} ({pos}/{len})",
        out.quiet(),
    );
    let mut rows = Vec::new();
    for (n, target) in chosen {
        bar.set_message(n.to_string());
        rows.extend(target().map_err(|source| CliError::Validate { target: *n, source })?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let failed = rows.iter().filter(|c| !c.pass).count();
    let passed = rows.len() - failed;
    if out.text() {
        let w = rows
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(10);
        say!(
            "{:>6}  {:<w$}  {:>18}  {:>18}  result",
            "target",
            "check",
            "expected",
            "measured"
        );
        for c in &rows {
            say!(
                "{:>6}  {:<w$}  {:>18}  {:>18}  {}",
                c.target,
                c.name,
                c.expected,
                c.measured,
                if c.pass { "pass" } else { "FAIL" }
            );
        }
        say!("{passed} passed, {failed} failed");
    }
    out.emit(
        Written::Nothing,
        serde_json::json!({ "checks": rows, "passed": passed, "failed": failed }),
    )?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
