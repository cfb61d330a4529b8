//! `spasm run`: run a scenario, write its directory and print the endpoints.

use std::process::ExitCode;

use spasm::report::{write_run, WriteOptions};
use spasm::scenario::Scenario;
use spasm::units::{HOUR, MINUTE};

use super::args::RunArgs;
use super::{output_target, titled, CliError, Clock, Output, Written};

/// Smallest width of the arm column of the console table, characters.
const ARM_COLUMN: usize = 32;

/// Run `spasm run`.
pub(super) fn run(args: RunArgs) -> Result<ExitCode, CliError> {
    let mut out = Output::new("run", args.output);
    let mut sc = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::embedded_default(),
    };
    args.figure.apply(&mut sc.figure);
    let target = output_target(args.out, args.scenario.as_deref(), "default", "")?;
    super::check_size(
        "run",
        &spasm::report::estimate::run_estimate(&sc),
        args.force,
        "fewer samples ([output] every) or fewer arms",
    )?;
    let results = sc.run().map_err(|source| CliError::Run {
        scenario: sc.name.clone(),
        source: Box::new(source),
    })?;
    out.lint(&sc, &results);
    let opts = WriteOptions {
        inputs: target.inputs,
        ..WriteOptions::default()
    };
    let files = write_run(&target.dir, &sc, &results, &opts)?;
    if out.text() {
        // Times in the scenario's output unit; arm names padded to the longest.
        let clock = Clock::of(&sc)?;
        let reached = |x: Option<f64>| x.map_or("not reached".to_string(), |h| clock.hours(h));
        say!("{}", titled(&sc.name, &sc.description));
        let width = files
            .endpoints
            .iter()
            .map(|(arm, _)| arm.chars().count())
            .max()
            .unwrap_or(0)
            .max(ARM_COLUMN);
        say!(
            "{:<width$} {:>9} {:>15} {:>12} {:>12} {:>12}",
            "arm",
            "peak pain",
            "pain AUC",
            "relief",
            "recovery",
            "in spasm"
        );
        for (arm, e) in &files.endpoints {
            say!(
                "{:<width$} {:>9.1} {:>9.0} NRS·h {:>12} {:>12} {:>12}",
                arm,
                e.peak_pain_nrs,
                e.pain_auc_nrs_h,
                reached(e.time_to_relief_h),
                reached(e.time_to_recovery_h),
                clock.hours(e.spasm_min / (HOUR / MINUTE))
            );
        }
        say!(
            "wrote {} files to {}",
            files.files.len(),
            files.dir.display()
        );
    }
    let arms: Vec<_> = files
        .endpoints
        .iter()
        .map(|(arm, e)| serde_json::json!({ "arm": arm, "endpoints": e }))
        .collect();
    out.emit(
        Written::Dir(&files.dir),
        serde_json::json!({ "scenario": sc.name, "arms": arms }),
    )?;
    Ok(ExitCode::SUCCESS)
}
