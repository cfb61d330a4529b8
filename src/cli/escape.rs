//! `spasm escape`: the escape factor and relapse margin of each arm's treatment.

use std::path::Path;
use std::process::ExitCode;

use rayon::prelude::*;
use spasm::analysis::compare::{self, benchmark, resolve_reference};
use spasm::analysis::escape::{escape as escape_of, EscapeOptions, Knob, MAX_SCALE};
use spasm::report::escape_dir::{write_escape_dir, EscapeOutput};
use spasm::scenario::Scenario;
use spasm::units::{Quantity, HOUR};

use super::args::EscapeArgs;
use super::{command_line, find_arm, output_target, CliError, Clock, Output, Written};

/// Run `spasm escape`.
pub(super) fn escape(args: EscapeArgs) -> Result<ExitCode, CliError> {
    let mut out = Output::new("escape", args.output);
    let sc = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => benchmark(),
    };
    let target = output_target(args.out, args.scenario.as_deref(), "benchmark", "-escape")?;
    const TIME: &str = "a time at or after 0 s, such as \"25 h\"";
    let broken_from_s = Quantity::parse(&args.broken_from)
        .and_then(|q| q.to("s"))
        .map_err(|e| CliError::option("--broken-from", &args.broken_from, e, TIME))?;
    if !(broken_from_s.is_finite() && broken_from_s >= 0.0) {
        return Err(CliError::option(
            "--broken-from",
            &args.broken_from,
            "before 0 s",
            TIME,
        ));
    }
    let knob = args
        .knob
        .as_deref()
        .map(|k| {
            Knob::parse(k).ok_or_else(|| {
                CliError::option("--by", k, "unknown", "dose, intensity or duration")
            })
        })
        .transpose()?;
    let names: Vec<&str> = sc.arms.iter().map(|a| a.name.as_str()).collect();
    let (reference, note) = resolve_reference(&names, args.reference.as_deref())?;
    if let Some(n) = note {
        out.warn(n);
    }
    let arms: Vec<usize> = if args.arms.is_empty() {
        (0..sc.arms.len()).filter(|&i| i != reference).collect()
    } else {
        let path = args
            .scenario
            .clone()
            .unwrap_or_else(|| compare::BENCHMARK_PATH.into());
        args.arms
            .iter()
            .map(|name| find_arm(&sc, &path, name))
            .collect::<Result<_, _>>()?
    };
    let opts = EscapeOptions {
        broken_from_s,
        knob,
        ..Default::default()
    };
    let rows = arms
        .par_iter()
        .map(|&a| escape_of(&sc, a, reference, &opts))
        .collect::<Result<Vec<_>, _>>()?;
    let table = EscapeOutput {
        scenario: &sc.name,
        reference: names[reference],
        broken_from_h: broken_from_s / HOUR,
        rows: &rows,
    };
    let dir = write_escape_dir(&target.dir, &table, &target.inputs, &command_line())?;
    if out.text() {
        print_table(&table, &Clock::of(&sc)?, &dir)?;
    }
    out.emit(
        Written::Dir(&dir),
        serde_json::json!({
            "scenario": table.scenario,
            "reference": table.reference,
            "broken_from_h": table.broken_from_h,
            "rows": table.rows,
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The escape table `o` for people, times in the scenario's unit (`clock`).
fn print_table(o: &EscapeOutput<'_>, clock: &Clock<'_>, dir: &Path) -> Result<(), CliError> {
    let rows = o.rows;
    say!(
        "Out of spasm from {} to the end of the run, against '{}':",
        clock.hours(o.broken_from_h),
        o.reference
    );
    let width = rows
        .iter()
        .map(|r| r.arm.chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    say!(
        "{:<width$}  {:<9}  {:>12}  {:>14}  {:>22}",
        "arm",
        "scaled",
        "as scheduled",
        "escape factor",
        "relapse margin (%MVC)"
    );
    for r in rows {
        let factor = match r.escape_scale {
            None => format!("> {MAX_SCALE}"),
            Some(s) if r.monotone_check => format!("{s:.2}"),
            Some(s) => format!("{s:.2} (!)"),
        };
        let margin = match r.relapse_margin {
            None => "none up to 100".to_string(),
            Some(0.0) => "0 (relapses unprompted)".to_string(),
            Some(m) => format!("{:.1}", 100.0 * m),
        };
        say!(
            "{:<width$}  {:<9}  {:>12}  {:>14}  {:>22}",
            r.arm,
            format!("{:?}", r.knob).to_lowercase(),
            if r.breaks_as_scheduled {
                "breaks"
            } else {
                "does not"
            },
            factor,
            margin
        );
    }
    if rows
        .iter()
        .any(|r| r.escape_scale.is_some() && !r.monotone_check)
    {
        say!("(!) breaks at this factor but not at ×{MAX_SCALE}: more is not always better here");
    }
    say!("wrote {}", dir.display());
    Ok(())
}
