//! Writing a comparison directory. Everything is built in `<dir>.partial-XXXX` next
//! to the target and renamed into place at the end ([`PartialDir`]), so an error
//! leaves nothing behind and an existing run is untouched.
//!
//! | file | content |
//! |---|---|
//! | `comparison.md`, `comparison.csv` | ranked endpoint table of the scenario's patient |
//! | `summary.txt` | short text summary (which arms broke the cycle, and when) |
//! | `endpoints.png`, `endpoints.svg` | bar chart: pain AUC over days 0–7 and time in spasm per arm, sorted |
//! | `timecourse.png`, `timecourse.svg` | overlaid time courses of the reference and the 6 best arms |
//! | `cohort.md`, `cohort.csv` | with `--cohort`: per-arm medians, quartiles, paired differences, fraction broken |
//! | `cohort_patients.csv` | with `--cohort`: one row per patient and arm: `patient`, the drawn parameters (`<name>_<canonical unit>`), `arm`, `status`, every endpoint of [`PatientArm::NAMES`](crate::analysis::cohort::PatientArm::NAMES) at full precision, `failure` |
//! | `cohort.png`, `cohort.svg` | with `--cohort`: box plot of pain AUC and bars of the fraction broken |
//! | `scenario.toml` | the scenario text as read ([`SCENARIO_FILE`](crate::report::SCENARIO_FILE)) |
//! | `manifest.json` | version, hashes, solver, seed, cohort size, command line, sha256 of every other file |

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::compare_tables as report;
use crate::analysis::cohort::{CohortRun, CohortSummary};
use crate::analysis::compare::Comparison;
use crate::analysis::metrics::MetricThresholds;
use crate::report::atomic::{write_bytes, PartialDir, Replace};
use crate::report::json::write_json;
use crate::report::manifest::{
    hash_files, write_scenario_copy, FileHash, RunIdentity, ShardListing,
};
use crate::report::shard::{write_cohort_table, COHORT_ROWS_FILE};
use crate::report::OutputError;
use crate::scenario::{ArmResult, Scenario};

/// Arms drawn in `timecourse.png` besides the reference (the best-ranked ones), so
/// that every line has its own colour.
pub const TIMECOURSE_ARMS: usize = 6;

/// How the cohort seed was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedSource {
    /// Given on the command line.
    Given,
    /// Generated from the clock.
    Clock,
}

/// A cohort to write, with how it was made.
#[derive(Debug, Clone)]
pub struct CohortOutput<'a> {
    /// The statistics.
    pub summary: &'a CohortSummary,
    /// The patients' rows the statistics were computed from.
    pub run: &'a CohortRun,
    /// SHA-256 of the distribution file text.
    pub spec_sha256: String,
    /// Where the seed came from.
    pub seed_source: SeedSource,
    /// Threads used (recorded only; results do not depend on it).
    pub threads: usize,
    /// Wall time of the cohort, s.
    pub wall_time_s: f64,
}

/// Options for [`write_compare`].
#[derive(Debug, Clone)]
pub struct WriteCompareOptions {
    /// Command line recorded in the manifest.
    pub command_line: Vec<String>,
    /// Draw figures (with the `figures` feature; ignored without it). Default true.
    pub figures: bool,
    /// What to do when the target exists (default: replace a previous run only).
    pub replace: Replace,
    /// Wall time of the single-patient runs, s.
    pub wall_time_s: f64,
    /// The files the comparison read (the scenario): never inside what is replaced,
    /// and recorded in the run directory's marker.
    pub inputs: Vec<PathBuf>,
    /// Each arm's relapse margin (fraction of MVC; `None`: no effort tips it back),
    /// written to `relapse_margin.csv` when not empty.
    pub relapse_margins: Vec<(String, Option<f64>)>,
    /// The shards merged into this run (`spasm merge`; empty for a run on one
    /// machine).
    pub shards: Vec<ShardListing>,
}

impl Default for WriteCompareOptions {
    fn default() -> Self {
        Self {
            command_line: std::env::args().collect(),
            figures: true,
            replace: Replace::RunDirOnly,
            wall_time_s: 0.0,
            inputs: Vec::new(),
            relapse_margins: Vec::new(),
            shards: Vec::new(),
        }
    }
}

/// What [`write_compare`] wrote.
#[derive(Debug, Clone)]
pub struct CompareFiles {
    /// The directory.
    pub dir: PathBuf,
    /// Every file, final paths, manifest last.
    pub files: Vec<PathBuf>,
    /// The text summary (as in `summary.txt`).
    pub summary: String,
}

#[derive(Debug, Serialize)]
struct CohortManifest<'a> {
    patients: usize,
    requested: usize,
    excluded: usize,
    seed: u64,
    seed_source: SeedSource,
    distributions: &'a str,
    distributions_sha256: &'a str,
    reference: &'a str,
    broken_from_h: f64,
    threads: usize,
    wall_time_s: f64,
}

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    command: &'static str,
    #[serde(flatten)]
    identity: RunIdentity<'a>,
    thresholds: &'a MetricThresholds,
    reference: &'a str,
    /// Random seeds: the cohort seed, or none (the single patient is deterministic).
    seeds: Option<Vec<u64>>,
    cohort: Option<CohortManifest<'a>>,
    wall_time_s: f64,
    command_line: &'a [String],
    #[serde(skip_serializing_if = "<[ShardListing]>::is_empty")]
    shards: &'a [ShardListing],
    files: Vec<FileHash>,
}

/// Write a comparison directory at `dir` (see the module docs). `results` are the
/// single-patient runs the comparison `c` was made from.
pub fn write_compare(
    dir: &Path,
    scenario: &Scenario,
    results: &[ArmResult],
    c: &Comparison,
    cohort: Option<&CohortOutput>,
    opts: &WriteCompareOptions,
) -> Result<CompareFiles, OutputError> {
    #[cfg(not(feature = "figures"))]
    let _ = results; // only the time-course figure draws them
    let partial = PartialDir::create(dir, opts.replace, &opts.inputs)?;
    let tmp = partial.path().to_path_buf();
    let mut names: Vec<&str> = Vec::new();
    let csv_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| OutputError::Csv { path: p, source }
    };

    write_bytes(
        &tmp.join("comparison.md"),
        report::comparison_md(c).as_bytes(),
    )?;
    names.push("comparison.md");
    let path = tmp.join("comparison.csv");
    write_bytes(&path, &report::comparison_csv(c).map_err(csv_err(&path))?)?;
    names.push("comparison.csv");
    let mut summary = report::summary_txt(c, cohort.map(|k| k.summary), &scenario.time_unit);
    if !opts.relapse_margins.is_empty() {
        let mut csv = String::from("arm,relapse_margin_pct_MVC\n");
        summary.push_str("Relapse margin (smallest 2-min effort that tips back into spasm):\n");
        for (arm, m) in &opts.relapse_margins {
            let cell = m.map_or(String::new(), |m| format!("{}", 100.0 * m));
            csv.push_str(&format!("\"{}\",{cell}\n", arm.replace('"', "\"\"")));
            let text = match m {
                None => "none up to 100 %MVC".to_string(),
                Some(0.0) => "0 (relapses unprompted)".to_string(),
                Some(m) => format!("{:.1} %MVC", 100.0 * m),
            };
            summary.push_str(&format!("  {arm}: {text}\n"));
        }
        write_bytes(&tmp.join("relapse_margin.csv"), csv.as_bytes())?;
        names.push("relapse_margin.csv");
    }
    write_bytes(&tmp.join("summary.txt"), summary.as_bytes())?;
    names.push("summary.txt");
    #[cfg(feature = "figures")]
    if opts.figures {
        use super::figures::{endpoints_chart, write_chart, write_timecourse};
        write_chart(&tmp, "endpoints", &endpoints_chart(c))?;
        names.extend(["endpoints.png", "endpoints.svg"]);
        let mut shown: Vec<usize> = vec![c.reference];
        shown.extend(
            c.ranking
                .iter()
                .copied()
                .filter(|&i| i != c.reference)
                .take(TIMECOURSE_ARMS),
        );
        let subset: Vec<ArmResult> = shown.iter().map(|&i| results[i].clone()).collect();
        let note = (subset.len() < results.len()).then(|| {
            format!(
                "Drawn: {} and the {} best-ranked of {} arms (every arm is in comparison.md).",
                results[c.reference].name,
                subset.len() - 1,
                results.len()
            )
        });
        write_timecourse(&tmp, "timecourse", scenario, &subset, note.as_deref())?;
        names.extend(["timecourse.png", "timecourse.svg"]);
    }
    if let Some(k) = cohort {
        write_bytes(
            &tmp.join("cohort.md"),
            report::cohort_md(&scenario.name, &scenario.set_name, k.summary).as_bytes(),
        )?;
        names.push("cohort.md");
        let path = tmp.join("cohort.csv");
        write_bytes(
            &path,
            &report::cohort_csv(k.summary).map_err(csv_err(&path))?,
        )?;
        names.push("cohort.csv");
        write_cohort_table(tmp.join(COHORT_ROWS_FILE), k.run)?;
        names.push(COHORT_ROWS_FILE);
        #[cfg(feature = "figures")]
        if opts.figures {
            use super::figures::{cohort_chart, write_chart};
            write_chart(&tmp, "cohort", &cohort_chart(&scenario.name, k.summary))?;
            names.extend(["cohort.png", "cohort.svg"]);
        }
    }

    names.push(write_scenario_copy(&tmp, scenario)?);
    let files = hash_files(&tmp, &names)?;
    let m = Manifest {
        command: "compare",
        identity: RunIdentity::of(scenario),
        thresholds: &c.thresholds,
        reference: &c.reference_arm().name,
        seeds: cohort.map(|k| vec![k.summary.seed]),
        cohort: cohort.map(|k| CohortManifest {
            patients: k.summary.patients,
            requested: k.summary.requested,
            excluded: k.summary.excluded.len(),
            seed: k.summary.seed,
            seed_source: k.seed_source,
            distributions: "models/cohort.toml",
            distributions_sha256: &k.spec_sha256,
            reference: &k.summary.reference,
            broken_from_h: k.summary.broken_from_h,
            threads: k.threads,
            wall_time_s: k.wall_time_s,
        }),
        wall_time_s: opts.wall_time_s + cohort.map_or(0.0, |k| k.wall_time_s),
        command_line: &opts.command_line,
        shards: &opts.shards,
        files,
    };
    write_json(&tmp.join("manifest.json"), &m)?;
    names.push("manifest.json");
    let dir = partial.commit(opts.replace)?;
    Ok(CompareFiles {
        files: names.iter().map(|n| dir.join(n)).collect(),
        dir,
        summary,
    })
}
