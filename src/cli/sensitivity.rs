//! `spasm sensitivity`: local, Morris or Sobol' sensitivity of a scenario's endpoints,
//! streamed to a sensitivity directory, with a progress bar on standard error.

use std::process::ExitCode;
use std::time::Instant;

use spasm::analysis::sensitivity::study::{self, headline_index, Method, StudyRequest};
use spasm::report::sensitivity_dir::{SensitivityMeta, SensitivityWriter};
use spasm::report::shard::{ShardCommand, ShardRecord, ShardWriter};
use spasm::report::Replace;
use spasm::scenario::Scenario;

use super::args::SensitivityArgs;
use super::{
    command_line, finish_shard, output_target, progress, shard_option, shard_suffix, CliError,
    Output, Written,
};

/// Parameters shown per (arm, endpoint) in the printed summary.
const SHOWN: usize = 5;

/// Run `spasm sensitivity`.
pub(super) fn sensitivity(args: SensitivityArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("sensitivity", args.output);
    let method = Method::parse(&args.method)?;
    let sc = Scenario::load(&args.scenario)?;
    let request = StudyRequest {
        method: args.method.clone(),
        parameters: args.params,
        ranges: args.ranges,
        log: args.log,
        samples: args.samples,
        seed: args.seed,
        endpoints: args.endpoints,
        arms: args.arms,
    };
    let plan = study::plan(&sc, &request.options()?)?;
    let shard = shard_option(args.shard.as_deref())?;
    let rows = plan.rows();
    let range = match shard {
        Some(s) => s.checked_range(rows, ShardCommand::Sensitivity.items())?,
        None => 0..rows,
    };
    let suffix = format!("-{}{}", args.method, shard_suffix(shard));
    let target = output_target(
        args.out.clone(),
        Some(&args.scenario),
        "sensitivity",
        &suffix,
    )?;
    if !out.quiet() {
        note!(
            "sensitivity ({}): {} parameters, {rows} rows × {} arms, seed {}{}",
            args.method,
            plan.factors.len(),
            plan.arms.len(),
            args.seed,
            shard.map_or(String::new(), |s| format!(
                "; shard {s}: rows {}..{}",
                range.start, range.end
            ))
        );
    }
    if let Some(shard) = shard {
        let columns = plan
            .factors
            .iter()
            .map(spasm::report::sensitivity_dir::factor_column)
            .collect();
        let mut writer = ShardWriter::create(
            &target.dir,
            Replace::RunDirOnly,
            &target.inputs,
            ShardCommand::Sensitivity,
            columns,
            &plan.arm_names,
        )?;
        let bar = progress::bar(
            range.len() as u64,
            "{bar:40} {pos}/{len} rows  {elapsed} elapsed, eta {eta}",
            out.quiet(),
        );
        let t0 = Instant::now();
        study::evaluate_range(&sc, &plan, range.clone(), &|| bar.inc(1), &mut |chunk| {
            writer.append_study(&plan, chunk)
        })?;
        bar.finish_and_clear();
        let mut record = ShardRecord::new(
            ShardCommand::Sensitivity,
            shard,
            rows,
            &sc,
            Some(&args.scenario),
            (method != Method::Local).then_some(args.seed),
            serde_json::to_value(&request).expect("a request serialises"),
        );
        record.wall_time_s = t0.elapsed().as_secs_f64();
        return finish_shard(writer, &sc, &record, out, &format!("{} rows", range.len()));
    }
    let mut writer =
        SensitivityWriter::create(&target.dir, Replace::RunDirOnly, &target.inputs, &plan)?;
    let bar = progress::bar(
        rows as u64,
        "{bar:40} {pos}/{len} rows  {elapsed} elapsed, eta {eta}",
        out.quiet(),
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
            shards: Vec::new(),
        },
    )?;
    if out.text() {
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
    out.emit(
        Written::Dir(&dir),
        serde_json::json!({ "rows": rows, "result": result }),
    )?;
    Ok(ExitCode::SUCCESS)
}
