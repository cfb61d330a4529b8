//! `spasm sweep`: every arm at every point of a parameter grid, streamed to a sweep
//! directory, with a progress bar on standard error.

use std::process::ExitCode;
use std::time::Instant;

use spasm::analysis::cohort::PatientArm;
use spasm::analysis::metrics::MetricThresholds;
use spasm::analysis::sensitivity::study::{StudyError, DEFAULT_ENDPOINTS};
use spasm::analysis::sweep::{self, parse_axis};
use spasm::report::merge::SweepJob;
use spasm::report::shard::{ShardCommand, ShardRecord, ShardWriter};
use spasm::report::sweep_dir::{parameter_column, SweepMeta, SweepWriter};
use spasm::report::Replace;
use spasm::scenario::{ErrorKind, Scenario, ScenarioError};

use super::args::SweepArgs;
use super::{
    command_line, finish_shard, output_target, progress, shard_option, shard_suffix, CliError,
    Output, Written,
};

/// Endpoint indices named on the command line (default [`DEFAULT_ENDPOINTS`]).
pub(super) fn endpoint_indices(names: &[String]) -> Result<Vec<usize>, CliError> {
    let names: Vec<String> = if names.is_empty() {
        DEFAULT_ENDPOINTS.iter().map(ToString::to_string).collect()
    } else {
        names.to_vec()
    };
    names
        .iter()
        .map(|n| {
            PatientArm::index_of(n).ok_or_else(|| StudyError::UnknownEndpoint(n.clone()).into())
        })
        .collect()
}

/// Run `spasm sweep`.
pub(super) fn sweep(args: SweepArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("sweep", args.output);
    let sc = Scenario::load(&args.scenario)?;
    let table = sc.sweep.clone().unwrap_or_default();
    // The command line's axes, or else the scenario's [sweep] table (whose mistakes
    // are reported at their place in the file).
    let (specs, log) = if args.params.is_empty() {
        let path = args.scenario.display().to_string();
        let specs = table
            .params
            .iter()
            .map(|(text, span)| {
                parse_axis(text).map_err(|e| {
                    ScenarioError::new(
                        ErrorKind::BadQuantity,
                        &path,
                        &sc.source_text,
                        "sweep.param",
                        span.clone(),
                        e.to_string(),
                        "an axis NAME=LO:HI:N, such as \"fac_injury=0:10:21\"",
                        None,
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if specs.is_empty() {
            return Err(CliError::NoSweepAxes {
                path: args.scenario.clone(),
            });
        }
        let log = if args.log.is_empty() {
            table.log.clone()
        } else {
            args.log.clone()
        };
        (specs, log)
    } else {
        let specs = args
            .params
            .iter()
            .map(|p| parse_axis(p))
            .collect::<Result<Vec<_>, _>>()?;
        (specs, args.log.clone())
    };
    let axes = sweep::resolve_axes(&sc.patient, &specs, &log)?;
    let endpoint_names = if args.endpoints.is_empty() {
        &table.endpoints
    } else {
        &args.endpoints
    };
    let endpoints = endpoint_indices(endpoint_names)?;
    let shard = shard_option(args.shard.as_deref())?;
    let points = sweep::point_count(&axes);
    let range = match shard {
        Some(s) => s.checked_range(points, ShardCommand::Sweep.items())?,
        None => 0..points,
    };
    let target = output_target(
        args.out,
        Some(&args.scenario),
        "sweep",
        &format!("-sweep{}", shard_suffix(shard)),
    )?;
    if !out.quiet() {
        note!(
            "sweep: {points} points × {} arms ({})",
            sc.arms.len(),
            axes.iter()
                .map(|a| format!(
                    "{} {}..{}{}",
                    a.name,
                    a.lo,
                    sweep::with_unit(a.hi, &a.unit),
                    if a.log { " log" } else { "" }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let arms: Vec<String> = sc.arms.iter().map(|a| a.name.clone()).collect();
    let thresholds = MetricThresholds::default();
    if let Some(shard) = shard {
        if !out.quiet() {
            note!("sweep shard {shard}: points {}..{}", range.start, range.end);
        }
        let mut writer = ShardWriter::create(
            &target.dir,
            Replace::RunDirOnly,
            &target.inputs,
            ShardCommand::Sweep,
            axes.iter().map(parameter_column).collect(),
            &arms,
        )?;
        let bar = progress::bar(
            range.len() as u64,
            "{bar:40} {pos}/{len} points  {elapsed} elapsed, eta {eta}",
            out.quiet(),
        );
        let t0 = Instant::now();
        let info = sweep::run_sweep_range(
            &sc,
            &axes,
            &thresholds,
            range.clone(),
            &|| bar.inc(1),
            &mut |rows| writer.append_sweep(rows),
        )?;
        bar.finish_and_clear();
        let job = SweepJob {
            axes: axes.clone(),
            endpoints: endpoints.clone(),
            settling: info.settling.clone(),
        };
        let mut record = ShardRecord::new(
            ShardCommand::Sweep,
            shard,
            points,
            &sc,
            Some(&args.scenario),
            None,
            serde_json::to_value(&job).expect("a job serialises"),
        );
        record.wall_time_s = t0.elapsed().as_secs_f64();
        return finish_shard(
            writer,
            &sc,
            &record,
            out,
            &format!("{} points", range.len()),
        );
    }
    let mut writer = SweepWriter::create(
        &target.dir,
        Replace::RunDirOnly,
        &target.inputs,
        &axes,
        &arms,
        &endpoints,
    )?;
    let bar = progress::bar(
        points as u64,
        "{bar:40} {pos}/{len} points  {elapsed} elapsed, eta {eta}",
        out.quiet(),
    );
    let t0 = Instant::now();
    let info = sweep::run_sweep(&sc, &axes, &thresholds, &|| bar.inc(1), &mut |rows| {
        writer.append(rows)
    })?;
    bar.finish_and_clear();
    let wall_time_s = t0.elapsed().as_secs_f64();
    let (dir, files) = writer.finish(
        &sc,
        &axes,
        &info,
        &SweepMeta {
            thresholds,
            threads: rayon::current_num_threads(),
            wall_time_s,
            command_line: command_line(),
            figures: true,
            replace: Replace::RunDirOnly,
            shards: Vec::new(),
        },
    )?;
    if out.text() {
        let settling = match &info.settling {
            sweep::Settling::Shared => "one shared settled state".to_string(),
            sweep::Settling::PerPoint { reason } => format!("settled per point ({reason})"),
        };
        say!(
            "{points} points in {wall_time_s:.1} s on {} threads; {} failed (point, arm) runs; {settling}",
            rayon::current_num_threads(),
            info.failed
        );
        say!("wrote {} files to {}", files.len(), dir.display());
    }
    out.emit(
        Written::Dir(&dir),
        serde_json::json!({
            "points": points,
            "arms": arms,
            "failed_runs": info.failed,
            "settling": info.settling,
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}
