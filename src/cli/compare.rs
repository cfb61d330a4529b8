//! `spasm compare`: run every arm (and optionally a virtual cohort), rank, write the
//! comparison directory and print its summary.

use std::process::ExitCode;
use std::time::Instant;

use spasm::analysis::{cohort, compare};
use spasm::report::compare_dir as write;
use spasm::scenario::Scenario;
use spasm::units::Quantity;

use super::args::CompareArgs;
use super::{output_target, progress, CliError};

/// What `--broken-from` expects.
const BROKEN_FROM_EXPECTED: &str = "a time at or after 0 s, such as \"25 h\"";

/// Run `spasm compare`.
pub(super) fn compare(args: CompareArgs) -> Result<ExitCode, CliError> {
    let sc = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => compare::benchmark(),
    };
    // Fail before any computation if the output directory cannot be used.
    let target = output_target(args.out, args.scenario.as_deref(), "benchmark", "-compare")?;
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
    let start = Instant::now();
    let (results, cmp) = compare::run_and_compare(&sc, &opts)?;
    let single_s = start.elapsed().as_secs_f64();
    let relapse_margins = if args.margin {
        margins(&sc, &results, broken_from_s)?
    } else {
        Vec::new()
    };

    let mut cohort_summary = None;
    let mut cohort_meta = None;
    if let Some(n) = args.cohort {
        let (seed, source) = match args.seed {
            Some(s) => (s, write::SeedSource::Given),
            None => (clock_seed(), write::SeedSource::Clock),
        };
        if !args.quiet || args.seed.is_none() {
            note!("cohort: {n} patients × {} arms, seed {seed}", sc.arms.len());
        }
        let spec = cohort::CohortSpec::embedded()?;
        let bar = progress::bar(
            n,
            "{bar:40} {pos}/{len} patients  {elapsed} elapsed, eta {eta}",
            args.quiet,
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
        cohort_meta = Some((seed, source, t0.elapsed().as_secs_f64()));
    }
    let cohort_out = match (&cohort_summary, cohort_meta) {
        (Some(summary), Some((_, seed_source, wall_time_s))) => Some(write::CohortOutput {
            summary,
            spec_sha256: spasm::report::sha256_hex(cohort::COHORT_TOML.as_bytes()),
            seed_source,
            threads: rayon::current_num_threads(),
            wall_time_s,
        }),
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
    if args.json {
        let v = serde_json::json!({
            "comparison": cmp,
            "cohort": cohort_summary,
            "dir": files.dir,
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&v).expect("a comparison serialises")
        );
    } else if !args.quiet {
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
            let tr = &r.trajectory;
            let k = tr
                .times
                .iter()
                .position(|&t| t >= at_s)
                .unwrap_or(tr.times.len() - 1);
            let m = spasm::analysis::escape::relapse_margin(
                &r.patient,
                &tr.states[k],
                &sc.solver,
                &th,
            )?;
            Ok((r.name.clone(), m))
        })
        .collect()
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
