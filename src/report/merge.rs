//! `spasm merge`: shard directories ([`super::shard`]) combined into exactly the
//! directory the unsharded run writes. The shards are checked first (one command,
//! one program version, one scenario and parameter set, one seed, the same options,
//! the same `N`, every `K` from 1 to `N` once, each slice what `K/N` gives); then the
//! rows are read back at full precision, concatenated in `K` order, and every table,
//! statistic and figure is computed from them by the same code as an unsharded run.
//! The scenario is read again from the path the shards recorded and must have the
//! SHA-256 they recorded.
//!
//! What differs from the unsharded run is only in `manifest.json`: the command line,
//! threads and the single-patient wall time describe the merge, the cohort's wall time is
//! the sum of the shards', and `shards` lists every shard (`K/N`, slice, directory as
//! an absolute path, SHA-256 of its manifest).
//!
//! Length: ≈ 620 lines: the checks that shards belong together and the merge of each command share one reader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::atomic::Replace;
use super::compare_dir::{write_compare, CohortOutput, SeedSource, WriteCompareOptions};
use super::manifest::{RunIdentity, ShardListing};
use super::sensitivity_dir::{SensitivityMeta, SensitivityWriter};
use super::shard::{
    cohort_parameter_columns, read_shard_dir, ShardCommand, ShardDir, ShardReadError,
};
use super::sweep_dir::{parameter_column, SweepMeta, SweepWriter};
use super::OutputError;
use crate::analysis::cohort::{
    summarise, CohortOptions, CohortRun, CohortSpec, Excluded, COHORT_TOML,
};
use crate::analysis::compare::{self, CompareError, CompareOptions};
use crate::analysis::metrics::MetricThresholds;
use crate::analysis::sensitivity::study::{self, Collected, StudyError, StudyRequest, StudyRow};
use crate::analysis::shard::Shard;
use crate::analysis::sweep::{Axis, Settling, SweepInfo, SweepRow};
use crate::scenario::{Scenario, ScenarioError};

/// The options of `compare --cohort` that shards must share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareJob {
    /// Patients of the whole cohort.
    pub patients: usize,
    /// Where the seed came from.
    pub seed_source: SeedSource,
    /// `--reference`, if given.
    pub reference: Option<String>,
    /// `--broken-from`, s.
    pub broken_from_s: f64,
    /// SHA-256 of the cohort distribution file.
    pub distributions_sha256: String,
}

/// The options of `sweep` that shards must share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepJob {
    /// The resolved axes.
    pub axes: Vec<Axis>,
    /// Endpoint indices that get figures.
    pub endpoints: Vec<usize>,
    /// The settling decision (the same in every shard).
    pub settling: Settling,
}

/// Why shards cannot be merged. Every message names the directories involved and
/// what would be accepted.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A directory is not a readable shard.
    #[error(transparent)]
    Read(#[from] ShardReadError),
    /// Two shards differ in something that must be the same.
    #[error("'{}' and '{}' are shards of different runs: {what} differs ({first} vs {second}); merge only the shards of one run", first_dir.display(), second_dir.display())]
    Mismatch {
        /// What differs ("scenario", "seed", …).
        what: &'static str,
        /// The first shard.
        first_dir: PathBuf,
        /// Its value.
        first: String,
        /// The other shard.
        second_dir: PathBuf,
        /// Its value.
        second: String,
    },
    /// Two directories hold the same shard (overlapping slices).
    #[error("shard {shard} is given twice ('{}' and '{}'): their slices overlap; give each shard once", first_dir.display(), second_dir.display())]
    Overlap {
        /// `K/N`.
        shard: String,
        /// The first directory.
        first_dir: PathBuf,
        /// The second.
        second_dir: PathBuf,
    },
    /// No directory was given.
    #[error("no shard directories given; give the N directories written with --shard K/N")]
    NoShards,
    /// Some shards are missing.
    #[error("shard{} {} of {count} missing (given: {}); give all {count} shard directories", if missing.len() > 1 { "s" } else { "" }, missing.join(", "), given.join(", "))]
    Missing {
        /// The missing `K/N`.
        missing: Vec<String>,
        /// The ones given.
        given: Vec<String>,
        /// `N`.
        count: usize,
    },
    /// A shard's slice is not what `K/N` gives.
    #[error("'{}': shard {shard} holds items {first}..{end}, but {shard} of {items} is {want_first}..{want_end}", dir.display())]
    BadSlice {
        /// The shard directory.
        dir: PathBuf,
        /// `K/N`.
        shard: String,
        /// Items of the run.
        items: usize,
        /// The slice recorded.
        first: usize,
        /// End of the slice recorded.
        end: usize,
        /// The slice `K/N` gives.
        want_first: usize,
        /// End of that slice.
        want_end: usize,
    },
    /// The shards were written by another version of the program.
    #[error("'{}' was written by spasm {found}; this is spasm {ours}: merge with the version that wrote the shards", dir.display())]
    Version {
        /// The shard directory.
        dir: PathBuf,
        /// Its version.
        found: String,
        /// This program's version.
        ours: &'static str,
    },
    /// The scenario file changed (or vanished) since the shards ran.
    #[error("the shards ran '{}' with SHA-256 {expected}, but {found}; merge needs the scenario the shards ran", path.display())]
    ScenarioChanged {
        /// The scenario file.
        path: PathBuf,
        /// The SHA-256 the shards recorded.
        expected: String,
        /// What was found.
        found: String,
    },
    /// The options recorded in the shard cannot be read back.
    #[error("'{}': {SHARD}: the options of the run cannot be read: {reason}", dir.display(), SHARD = super::shard::SHARD_FILE)]
    Job {
        /// The shard directory.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// The scenario could not be read.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The cohort or its comparison failed.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// The sensitivity options are wrong.
    #[error(transparent)]
    Study(#[from] StudyError),
    /// Writing the merged run failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// How to write the merged run.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Command line recorded in the manifest.
    pub command_line: Vec<String>,
    /// Draw figures (with the `figures` feature).
    pub figures: bool,
    /// What to do when the target exists.
    pub replace: Replace,
}

impl Default for MergeOptions {
    fn default() -> Self {
        Self {
            command_line: std::env::args().collect(),
            figures: true,
            replace: Replace::RunDirOnly,
        }
    }
}

/// What [`merge`] did.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The command of the shards.
    pub command: ShardCommand,
    /// `N`.
    pub shards: usize,
    /// Items of the run (patients, points, rows).
    pub items: usize,
    /// The directory written.
    pub dir: PathBuf,
    /// Every file written.
    pub files: Vec<PathBuf>,
}

/// Read and check the shard directories `dirs` (see the module docs): the shards in
/// `K` order, or the first reason they do not form one whole run.
pub fn check_shards(dirs: &[PathBuf]) -> Result<Vec<ShardDir>, MergeError> {
    let shards: Vec<ShardDir> = dirs
        .iter()
        .map(|d| read_shard_dir(d))
        .collect::<Result<_, _>>()?;
    let Some(first) = shards.first() else {
        return Err(MergeError::NoShards);
    };
    let ours = env!("CARGO_PKG_VERSION");
    for s in &shards {
        if s.record.version != ours || s.record.program != env!("CARGO_PKG_NAME") {
            return Err(MergeError::Version {
                dir: s.dir.clone(),
                found: s.record.version.clone(),
                ours,
            });
        }
    }
    let r0 = &first.record;
    let text = |v: &serde_json::Value| v.to_string();
    for s in &shards[1..] {
        let r = &s.record;
        let mismatch = |what, a: String, b: String| MergeError::Mismatch {
            what,
            first_dir: first.dir.clone(),
            first: a,
            second_dir: s.dir.clone(),
            second: b,
        };
        let checks: [(&'static str, String, String); 8] = [
            ("command", r0.command.name().into(), r.command.name().into()),
            (
                "scenario",
                format!(
                    "{} {}",
                    path_text(r0.scenario_path.as_deref()),
                    short(&r0.scenario_sha256)
                ),
                format!(
                    "{} {}",
                    path_text(r.scenario_path.as_deref()),
                    short(&r.scenario_sha256)
                ),
            ),
            (
                "parameters",
                short(&r0.parameters_sha256),
                short(&r.parameters_sha256),
            ),
            ("seed", seed_text(r0.seed), seed_text(r.seed)),
            (
                "number of shards N",
                r0.shard.to_string(),
                r.shard.to_string(),
            ),
            ("number of items", r0.items.to_string(), r.items.to_string()),
            ("options", text(&r0.job), text(&r.job)),
            (
                "rows table",
                r0.command.rows_file().into(),
                r.command.rows_file().into(),
            ),
        ];
        for (what, a, b) in checks {
            let differ = match what {
                "number of shards N" => r0.shard.count != r.shard.count,
                _ => a != b,
            };
            if differ {
                return Err(mismatch(what, a, b));
            }
        }
    }
    let count = r0.shard.count;
    let mut by_k: BTreeMap<usize, ShardDir> = BTreeMap::new();
    for s in shards {
        let shard = s.record.shard;
        let want = shard.range(s.record.items);
        if (s.record.first, s.record.end) != (want.start, want.end) {
            return Err(MergeError::BadSlice {
                dir: s.dir.clone(),
                shard: shard.to_string(),
                items: s.record.items,
                first: s.record.first,
                end: s.record.end,
                want_first: want.start,
                want_end: want.end,
            });
        }
        if let Some(other) = by_k.get(&shard.index) {
            return Err(MergeError::Overlap {
                shard: shard.to_string(),
                first_dir: other.dir.clone(),
                second_dir: s.dir.clone(),
            });
        }
        by_k.insert(shard.index, s);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !by_k.contains_key(k))
        .map(|k| Shard { index: k, count }.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing,
            given: by_k.values().map(|s| s.record.shard.to_string()).collect(),
            count,
        });
    }
    Ok(by_k.into_values().collect())
}

fn seed_text(seed: Option<u64>) -> String {
    seed.map_or("none".into(), |s| s.to_string())
}

fn short(hash: &str) -> String {
    format!("sha256 {}…", &hash[..hash.len().min(12)])
}

fn path_text(p: Option<&Path>) -> String {
    p.map_or("the embedded benchmark".into(), |p| {
        format!("'{}'", p.display())
    })
}

/// The scenario the shards ran, read again and checked against their hash.
fn load_scenario(first: &ShardDir) -> Result<Scenario, MergeError> {
    let r = &first.record;
    let sc = match &r.scenario_path {
        Some(path) => {
            if !path.is_file() {
                return Err(MergeError::ScenarioChanged {
                    path: path.clone(),
                    expected: r.scenario_sha256.clone(),
                    found: "it cannot be found".into(),
                });
            }
            Scenario::load(path)?
        }
        None => compare::benchmark(),
    };
    let found = RunIdentity::of(&sc).scenario_sha256;
    if found != r.scenario_sha256 {
        return Err(MergeError::ScenarioChanged {
            path: r
                .scenario_path
                .clone()
                .unwrap_or_else(|| "examples/benchmark.toml (embedded)".into()),
            expected: r.scenario_sha256.clone(),
            found: format!("it now has SHA-256 {found}"),
        });
    }
    Ok(sc)
}

fn job<T: for<'de> Deserialize<'de>>(s: &ShardDir) -> Result<T, MergeError> {
    serde_json::from_value(s.record.job.clone()).map_err(|e| MergeError::Job {
        dir: s.dir.clone(),
        reason: e.to_string(),
    })
}

fn listing(shards: &[ShardDir]) -> Vec<ShardListing> {
    shards
        .iter()
        .map(|s| ShardListing {
            shard: s.record.shard.to_string(),
            slice: [s.record.first, s.record.end],
            directory: std::fs::canonicalize(&s.dir)
                .unwrap_or_else(|_| s.dir.clone())
                .display()
                .to_string(),
            manifest_sha256: s.manifest_sha256.clone(),
        })
        .collect()
}

/// The inputs the merged run reads: the scenario file, if any, and every shard's
/// record (so that the output can never be one of the shards).
fn inputs(shards: &[ShardDir]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = shards[0].record.scenario_path.iter().cloned().collect();
    v.extend(shards.iter().map(|s| s.dir.join(super::shard::SHARD_FILE)));
    v
}

/// Merge the shard directories `dirs` into `out` (see the module docs).
pub fn merge(dirs: &[PathBuf], out: &Path, opts: &MergeOptions) -> Result<Merged, MergeError> {
    let shards = check_shards(dirs)?;
    let first = &shards[0];
    super::atomic::check_target(out, opts.replace, &inputs(&shards))?;
    let sc = load_scenario(first)?;
    let (dir, files) = match first.record.command {
        ShardCommand::Compare => merge_compare(&sc, &shards, out, opts)?,
        ShardCommand::Sweep => merge_sweep(&sc, &shards, out, opts)?,
        ShardCommand::Sensitivity => merge_sensitivity(&sc, &shards, out, opts)?,
    };
    Ok(Merged {
        command: first.record.command,
        shards: shards.len(),
        items: first.record.items,
        dir,
        files,
    })
}

fn merge_compare(
    sc: &Scenario,
    shards: &[ShardDir],
    out: &Path,
    opts: &MergeOptions,
) -> Result<(PathBuf, Vec<PathBuf>), MergeError> {
    let first = &shards[0];
    let j: CompareJob = job(first)?;
    let spec = CohortSpec::embedded()?;
    let spec_sha256 = super::sha256_hex(COHORT_TOML.as_bytes());
    if spec_sha256 != j.distributions_sha256 {
        return Err(MergeError::Mismatch {
            what: "cohort distributions (models/cohort.toml)",
            first_dir: first.dir.clone(),
            first: short(&j.distributions_sha256),
            second_dir: "this program".into(),
            second: short(&spec_sha256),
        });
    }
    let compare_opts = CompareOptions {
        reference: j.reference.clone(),
        broken_from_s: j.broken_from_s,
        ..Default::default()
    };
    let seed = first.record.seed.unwrap_or_default();
    let cohort_opts = CohortOptions {
        patients: j.patients,
        seed,
        compare: compare_opts.clone(),
    };
    let mut run = CohortRun::frame(sc, &spec, &cohort_opts)?;
    let columns = cohort_parameter_columns(&run);
    for s in shards {
        for item in s.read_rows(&columns, &run.arms)? {
            if let Some(reason) = item.arms.iter().find_map(|a| a.as_ref().err()) {
                run.excluded.push(Excluded {
                    patient: item.index,
                    reason: reason.clone(),
                });
            } else {
                run.kept.push(item.index);
                run.results.push(item.arms.into_iter().flatten().collect());
                run.drawn.push(item.values);
            }
        }
    }
    run.check_some_kept()?;
    let summary = summarise(&run);
    let t0 = Instant::now();
    let (results, cmp) = compare::run_and_compare(sc, &compare_opts)?;
    let single_s = t0.elapsed().as_secs_f64();
    let cohort = CohortOutput {
        summary: &summary,
        run: &run,
        spec_sha256,
        seed_source: j.seed_source,
        threads: rayon::current_num_threads(),
        wall_time_s: shards.iter().map(|s| s.record.wall_time_s).sum(),
    };
    let files = write_compare(
        out,
        sc,
        &results,
        &cmp,
        Some(&cohort),
        &WriteCompareOptions {
            command_line: opts.command_line.clone(),
            figures: opts.figures,
            replace: opts.replace,
            wall_time_s: single_s,
            inputs: inputs(shards),
            shards: listing(shards),
            relapse_margins: Vec::new(),
        },
    )?;
    Ok((files.dir, files.files))
}

fn merge_sweep(
    sc: &Scenario,
    shards: &[ShardDir],
    out: &Path,
    opts: &MergeOptions,
) -> Result<(PathBuf, Vec<PathBuf>), MergeError> {
    let first = &shards[0];
    let j: SweepJob = job(first)?;
    let arms: Vec<String> = sc.arms.iter().map(|a| a.name.clone()).collect();
    let columns: Vec<String> = j.axes.iter().map(parameter_column).collect();
    let mut writer = SweepWriter::create(
        out,
        opts.replace,
        &inputs(shards),
        &j.axes,
        &arms,
        &j.endpoints,
    )?;
    let mut failed = 0;
    for s in shards {
        let rows: Vec<SweepRow> = s
            .read_rows(&columns, &arms)?
            .into_iter()
            .map(|item| SweepRow {
                point: item.index,
                values: item.values,
                arms: item.arms,
            })
            .collect();
        failed += rows
            .iter()
            .map(|r| r.arms.iter().filter(|a| a.is_err()).count())
            .sum::<usize>();
        writer.append(&rows)?;
    }
    let info = SweepInfo {
        points: first.record.items,
        settling: j.settling.clone(),
        failed,
    };
    Ok(writer.finish(
        sc,
        &j.axes,
        &info,
        &SweepMeta {
            thresholds: MetricThresholds::default(),
            threads: rayon::current_num_threads(),
            wall_time_s: shards.iter().map(|s| s.record.wall_time_s).sum(),
            command_line: opts.command_line.clone(),
            figures: opts.figures,
            replace: opts.replace,
            shards: listing(shards),
        },
    )?)
}

fn merge_sensitivity(
    sc: &Scenario,
    shards: &[ShardDir],
    out: &Path,
    opts: &MergeOptions,
) -> Result<(PathBuf, Vec<PathBuf>), MergeError> {
    let first = &shards[0];
    let request: StudyRequest = job(first)?;
    let plan = study::plan(sc, &request.options()?)?;
    let columns: Vec<String> = plan
        .factors
        .iter()
        .map(super::sensitivity_dir::factor_column)
        .collect();
    let mut writer = SensitivityWriter::create(out, opts.replace, &inputs(shards), &plan)?;
    let mut collected = Collected::new(sc, &plan);
    for s in shards {
        let rows: Vec<StudyRow> = s
            .read_rows(&columns, &plan.arm_names)?
            .into_iter()
            .map(|item| StudyRow {
                row: item.index,
                arms: item.arms,
            })
            .collect();
        collected.add(&plan, &rows);
        writer.append(&plan, &rows)?;
    }
    let (y, failed) = collected.finish();
    let result = study::analyze(&plan, &y, failed);
    Ok(writer.finish(
        sc,
        &plan,
        &result,
        &SensitivityMeta {
            threads: rayon::current_num_threads(),
            wall_time_s: shards.iter().map(|s| s.record.wall_time_s).sum(),
            command_line: opts.command_line.clone(),
            figures: opts.figures,
            replace: opts.replace,
            shards: listing(shards),
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_to_merge_is_an_error_that_says_what_to_give() {
        let e = check_shards(&[]).unwrap_err();
        assert!(matches!(e, MergeError::NoShards));
        assert!(e.to_string().contains("--shard K/N"), "{e}");
    }

    #[test]
    fn a_sweep_job_keeps_every_bit_through_its_json() {
        let axis = Axis {
            name: "k_o".into(),
            unit: "1".into(),
            lo: 0.1 + 0.2,
            hi: 1e-7 / 3.0,
            n: 3,
            log: true,
        };
        let job = SweepJob {
            axes: vec![axis],
            endpoints: vec![0, 2],
            settling: Settling::Shared,
        };
        let text = serde_json::to_string(&job).unwrap();
        let back: SweepJob = serde_json::from_str(&text).unwrap();
        assert_eq!(back.axes[0].lo.to_bits(), job.axes[0].lo.to_bits());
        assert_eq!(back.axes[0].hi.to_bits(), job.axes[0].hi.to_bits());
        assert_eq!(back, job);
    }
}
