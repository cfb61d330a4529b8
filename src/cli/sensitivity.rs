//! `spasm sensitivity`: local, Morris or Sobol' sensitivity of a scenario's endpoints,
//! streamed to a sensitivity directory, with a progress bar on standard error.

use std::process::ExitCode;
use std::time::Instant;

use spasm::analysis::sensitivity::study::{
    self, headline_index, Method, StudyOptions, DEFAULT_MORRIS_TRAJECTORIES, DEFAULT_SOBOL_SAMPLES,
};
use spasm::analysis::sweep::parse_range;
use spasm::report::sensitivity_dir::{SensitivityMeta, SensitivityWriter};
use spasm::report::Replace;
use spasm::scenario::Scenario;

use super::args::SensitivityArgs;
use super::{command_line, output_target, progress, CliError};

/// Parameters shown per (arm, endpoint) in the printed summary.
const SHOWN: usize = 5;

/// Run `spasm sensitivity`.
pub(super) fn sensitivity(args: SensitivityArgs) -> Result<ExitCode, CliError> {
    let method = Method::parse(&args.method)?;
    let sc = Scenario::load(&args.scenario)?;
    let ranges = args
        .ranges
        .iter()
        .map(|r| parse_range(r))
        .collect::<Result<Vec<_>, _>>()?;
    let samples = args.samples.unwrap_or(match method {
        Method::Morris => DEFAULT_MORRIS_TRAJECTORIES,
        _ => DEFAULT_SOBOL_SAMPLES,
    });
    let options = StudyOptions {
        method,
        parameters: args.params.clone(),
        ranges,
        log: args.log.clone(),
        samples,
        seed: args.seed,
        endpoints: args.endpoints.clone(),
        arms: args.arms.clone(),
        ..Default::default()
    };
    let plan = study::plan(&sc, &options)?;
    let suffix = format!("-{}", args.method);
    let target = output_target(args.out, Some(&args.scenario), "sensitivity", &suffix)?;
    let rows = plan.rows();
    if !args.quiet {
        note!(
            "sensitivity ({}): {} parameters, {rows} rows × {} arms, seed {}",
            args.method,
            plan.factors.len(),
            plan.arms.len(),
            args.seed
        );
    }
    let mut writer =
        SensitivityWriter::create(&target.dir, Replace::RunDirOnly, &target.inputs, &plan)?;
    let bar = progress::bar(
        rows as u64,
        "{bar:40} {pos}/{len} rows  {elapsed} elapsed, eta {eta}",
        args.quiet,
    );
    let t0 = Instant::now();
    let (y, failed) = study::evaluate(&sc, &plan, &|| bar.inc(1), &mut |chunk| {
        writer.append(&plan, chunk)
    })?;
    bar.finish_and_clear();
    let result = study::analyze(&plan, &y, failed);
    let wall_time_s = t0.elapsed().as_secs_f64();
    let (dir, files) = writer.finish(
        &sc,
        &plan,
        &result,
        &SensitivityMeta {
            threads: rayon::current_num_threads(),
            wall_time_s,
            command_line: command_line(),
            figures: true,
            replace: Replace::RunDirOnly,
        },
    )?;
    if !args.quiet {
        let index = headline_index(method);
        for arm in &plan.arm_names {
            for &e in &plan.endpoints {
                let endpoint = spasm::analysis::cohort::PatientArm::NAMES[e];
                let mut rows: Vec<_> = result
                    .indices
                    .iter()
                    .filter(|r| &r.arm == arm && r.endpoint == endpoint && r.index == index)
                    .collect();
                rows.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
                let top: Vec<String> = rows
                    .iter()
                    .take(SHOWN)
                    .map(|r| {
                        if r.conf.is_finite() {
                            format!("{} {:.3} ± {:.3}", r.parameter, r.value, r.conf)
                        } else {
                            format!("{} {:.3}", r.parameter, r.value)
                        }
                    })
                    .collect();
                say!("{arm} / {endpoint} ({index}): {}", top.join(", "));
            }
        }
        for (arm, endpoint, what) in &result.dropped {
            if !what.starts_with("0 ") {
                say!("{arm} / {endpoint}: {what}");
            }
        }
        say!(
            "{rows} rows in {wall_time_s:.1} s on {} threads; {failed} failed (row, arm) runs",
            rayon::current_num_threads()
        );
        say!("wrote {} files to {}", files.len(), dir.display());
    }
    Ok(ExitCode::SUCCESS)
}
