//! `spasm compare`: run every arm (and optionally a virtual cohort), rank, write the
//! comparison directory and print its summary.

use std::process::ExitCode;
use std::time::Instant;

use spasm::analysis::shard::Shard;
use spasm::analysis::{cohort, compare};
use spasm::report::compare_dir as write;
use spasm::report::estimate;
use spasm::report::merge::CompareJob;
use spasm::report::shard::{cohort_parameter_columns, ShardCommand, ShardRecord, ShardWriter};
use spasm::report::Replace;
use spasm::scenario::Scenario;
use spasm::units::Quantity;

use super::args::CompareArgs;
use super::{
    finish_shard, output_target, progress, shard_option, shard_suffix, CliError, Output, Target,
    Written,
};

/// What `--broken-from` expects.
const BROKEN_FROM_EXPECTED: &str = "a time at or after 0 s, such as \"25 h\"";

/// Run `spasm compare`.
pub(super) fn compare(args: CompareArgs) -> Result<ExitCode, CliError> {
    let mut out = Output::new("compare", args.output);
    let mut sc = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => compare::benchmark(),
    };
    args.figure.apply(&mut sc.figure);
    let shard = shard_option(args.shard.as_deref())?;
    if let (Some(s), None) = (shard, args.seed) {
        return Err(CliError::ShardNeedsSeed {
            shard: s.to_string(),
        });
    }
    // Fail before any computation if the output directory cannot be used.
    let target = output_target(
        args.out,
        args.scenario.as_deref(),
        "benchmark",
        &format!("-compare{}", shard_suffix(shard)),
    )?;
    let broken_from_s = Quantity::parse(&args.broken_from)
        .and_then(|q| q.to("s"))
        .map_err(|e| {
            CliError::option("--broken-from", &args.broken_from, e, BROKEN_FROM_EXPECTED)
        })?;
    if !(broken_from_s.is_finite() && broken_from_s >= 0.0) {
        return Err(CliError::option(
            "--broken-from",
            &args.broken_from,
            "before 0 s",
            BROKEN_FROM_EXPECTED,
        ));
    }
    let opts = compare::CompareOptions {
        reference: args.reference.clone(),
        broken_from_s,
        ..Default::default()
    };
    // A shard writes only its slice of the cohort.
    let patients = args
        .cohort
        .map(|n| shard.map_or(n, |s| s.range(n as usize).len() as u64));
    super::check_size(
        "compare",
        &estimate::compare_estimate(&sc, patients),
        args.force,
        "fewer samples ([output] every), fewer arms, or a cohort split with --shard K/N",
    )?;
    if let (Some(shard), Some(n), Some(seed)) = (shard, args.cohort, args.seed) {
        let run = ShardRun {
            scenario_path: args.scenario.as_deref(),
            shard,
            patients: n as usize,
            seed,
        };
        return cohort_shard(&run, &sc, &opts, &target, out);
    }
    let start = Instant::now();
    let (results, cmp) = compare::run_and_compare(&sc, &opts)?;
    let single_s = start.elapsed().as_secs_f64();
    out.lint(&sc, &results);
    let relapse_margins = if args.margin {
        margins(&sc, &results, broken_from_s)?
    } else {
        Vec::new()
    };

    let mut cohort_summary = None;
    let mut cohort_meta = None;
    let mut cohort_run = None;
    if let Some(n) = args.cohort {
        let (seed, source) = match args.seed {
            Some(s) => (s, write::SeedSource::Given),
            None => (clock_seed(), write::SeedSource::Clock),
        };
        if !out.quiet() || args.seed.is_none() {
            // One patient's arms took `single_s` on one thread: the cohort takes about
            // that per patient, spread over the threads.
            let threads = rayon::current_num_threads();
            let eta_s = single_s * n as f64 / threads as f64;
            note!(
                "cohort: {n} patients × {} arms, seed {seed}; about {} on {threads} thread(s)",
                sc.arms.len(),
                spasm::units::human_time(eta_s.round().max(1.0))
            );
        }
        let spec = cohort::CohortSpec::embedded()?;
        let bar = progress::bar(
            n,
            "{bar:40} {pos}/{len} patients  {elapsed} elapsed, eta {eta}",
            out.quiet(),
        );
        let t0 = Instant::now();
        let run = cohort::run_cohort(
            &sc,
            &spec,
            &cohort::CohortOptions {
                patients: n as usize,
                seed,
                compare: opts.clone(),
            },
            &|| bar.inc(1),
        )?;
        bar.finish_and_clear();
        cohort_summary = Some(cohort::summarise(&run));
        cohort_run = Some(run);
        cohort_meta = Some((seed, source, t0.elapsed().as_secs_f64()));
    }
    let cohort_out = match (&cohort_summary, &cohort_run, cohort_meta) {
        (Some(summary), Some(run), Some((_, seed_source, wall_time_s))) => {
            Some(write::CohortOutput {
                summary,
                run,
                spec_sha256: spasm::report::sha256_hex(cohort::COHORT_TOML.as_bytes()),
                seed_source,
                threads: rayon::current_num_threads(),
                wall_time_s,
            })
        }
        _ => None,
    };
    let files = write::write_compare(
        &target.dir,
        &sc,
        &results,
        &cmp,
        cohort_out.as_ref(),
        &write::WriteCompareOptions {
            wall_time_s: single_s,
            inputs: target.inputs,
            relapse_margins,
            ..Default::default()
        },
    )?;
    if out.text() {
        super::stdout(format_args!("{}", files.summary))?;
        if let Some((seed, _, wall)) = cohort_meta {
            say!(
                "cohort seed {seed}; {} patients in {wall:.1} s",
                cohort_summary.as_ref().map_or(0, |k| k.patients)
            );
        }
        say!(
            "wrote {} files to {}",
            files.files.len(),
            files.dir.display()
        );
    }
    out.emit(
        Written::Dir(&files.dir),
        serde_json::json!({ "comparison": cmp, "cohort": cohort_summary }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Each arm's relapse margin from its state at `at_s` (the sample at or after it).
fn margins(
    sc: &Scenario,
    results: &[spasm::scenario::ArmResult],
    at_s: f64,
) -> Result<Vec<(String, Option<f64>)>, CliError> {
    use rayon::prelude::*;
    let th = spasm::analysis::metrics::MetricThresholds::default();
    results
        .par_iter()
        .map(|r| {
            let m = spasm::analysis::escape::relapse_margin_at(
                &r.patient,
                &r.trajectory,
                at_s,
                &sc.solver,
                &th,
            )?;
            Ok((r.name.clone(), m))
        })
        .collect()
}

/// What a cohort shard needs from the command line.
struct ShardRun<'a> {
    /// The scenario file (`None`: the embedded benchmark).
    scenario_path: Option<&'a std::path::Path>,
    /// `--shard`.
    shard: Shard,
    /// `--cohort`.
    patients: usize,
    /// `--seed`.
    seed: u64,
}

/// `spasm compare --cohort N --seed S --shard K/N`: run the shard's patients only
/// and write a shard directory (the single-patient comparison and the statistics
/// are made by `spasm merge`).
fn cohort_shard(
    run_args: &ShardRun,
    sc: &Scenario,
    opts: &compare::CompareOptions,
    target: &Target,
    out: Output,
) -> Result<ExitCode, CliError> {
    let ShardRun {
        scenario_path,
        shard,
        patients,
        seed,
    } = *run_args;
    let range = shard.checked_range(patients, ShardCommand::Compare.items())?;
    let spec = cohort::CohortSpec::embedded()?;
    let cohort_opts = cohort::CohortOptions {
        patients,
        seed,
        compare: opts.clone(),
    };
    // The frame checks the reference and the distributions before any simulation.
    let frame = cohort::CohortRun::frame(sc, &spec, &cohort_opts)?;
    if !out.quiet() {
        note!(
            "cohort shard {shard}: patients {}..{} of {patients} × {} arms, seed {seed}",
            range.start,
            range.end,
            sc.arms.len()
        );
    }
    let mut writer = ShardWriter::create(
        &target.dir,
        Replace::RunDirOnly,
        &target.inputs,
        ShardCommand::Compare,
        cohort_parameter_columns(&frame),
        &frame.arms,
    )?;
    let bar = progress::bar(
        range.len() as u64,
        "{bar:40} {pos}/{len} patients  {elapsed} elapsed, eta {eta}",
        out.quiet(),
    );
    let t0 = Instant::now();
    let run = cohort::run_cohort_range(sc, &spec, &cohort_opts, range.clone(), &|| bar.inc(1))?;
    bar.finish_and_clear();
    writer.append_cohort(&run)?;
    let job = CompareJob {
        patients,
        seed_source: write::SeedSource::Given,
        reference: opts.reference.clone(),
        broken_from_s: opts.broken_from_s,
        distributions_sha256: spasm::report::sha256_hex(cohort::COHORT_TOML.as_bytes()),
    };
    let mut record = ShardRecord::new(
        ShardCommand::Compare,
        shard,
        patients,
        sc,
        scenario_path,
        Some(seed),
        serde_json::to_value(&job).expect("a job serialises"),
    );
    record.wall_time_s = t0.elapsed().as_secs_f64();
    finish_shard(
        writer,
        sc,
        &record,
        out,
        &format!("{} patients ({} excluded)", range.len(), run.excluded.len()),
    )
}

/// A seed from the clock (nanoseconds since the epoch, mixed by the SplitMix64
/// finaliser so that nearby times give unrelated seeds).
fn clock_seed() -> u64 {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
