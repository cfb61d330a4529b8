//! `spasm bistability`: probe the loop over injury levels, write the run directory and
//! print the two branches.

use std::process::ExitCode;

use spasm::analysis::bistability::{bistable_range, scan};
use spasm::report::bistability::write_bistability_dir;
use spasm::simulation::Patient;

use super::args::BistabilityArgs;
use super::{command_line, output_target, CliError, Output, Written};

/// Run `spasm bistability`.
pub(super) fn bistability(args: BistabilityArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("bistability", args.output);
    let patient = Patient::embedded(&args.set)?;
    let dir = output_target(args.out, None, &format!("bistability-{}", args.set), "")?.dir;
    let injuries: Vec<f64> = (0..args.steps)
        .map(|k| f64::from(k) / f64::from(args.steps - 1))
        .collect();
    let rows = scan(&patient, &injuries, &Default::default())?;
    let dir = write_bistability_dir(&dir, &args.set, &rows, &command_line())?;
    let range = bistable_range(&rows);
    if out.text() {
        say!(
            "{:>8} {:>12} {:>18} {:>10} {:>18}",
            "injury",
            "a rest",
            "a after effort",
            "pain rest",
            "pain after effort"
        );
        for r in &rows {
            say!(
                "{:>8.2} {:>9.1} %MVC {:>13.1} %MVC {:>10.1} {:>18.1}",
                r.injury,
                100.0 * r.a_rest,
                100.0 * r.a_after_effort,
                r.pain_rest,
                r.pain_after_effort
            );
        }
        match range {
            Some((lo, hi)) => {
                say!("bistable (spasm can sustain itself) for injury {lo:.2}–{hi:.2}");
            }
            None => say!("monostable at every injury level: the loop never sustains itself"),
        }
        say!("wrote {}", dir.display());
    }
    out.emit(
        Written::Dir(&dir),
        serde_json::json!({
            "set": args.set,
            "rows": rows,
            "bistable_injury": range.map(|(lo, hi)| [lo, hi]),
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}
