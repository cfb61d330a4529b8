//! Writing a sensitivity directory, streamed like a sweep: the evaluated design rows
//! are appended to `samples.csv` inside `<dir>.partial-XXXX` as they are computed,
//! and the directory is renamed into place only when the indices, figures and
//! manifest are written ([`PartialDir`]).
//!
//! | file | content |
//! |---|---|
//! | `samples.csv` | one row per (design row, arm): `row`, each factor (`<name>_<unit>`), `arm`, `status`, every endpoint of [`PatientArm::NAMES`] (`inf`: not reached), `failure` |
//! | `indices.csv` | one row per (arm, endpoint, parameter, index): `value`, `conf` (bootstrap half-width; local: the step agreement), `note` |
//! | `indices.json` | method, factors with ranges and their source, options, every index, dropped runs |
//! | `sensitivity_<endpoint>.png`, `.svg` | tornado: the headline index (local `S`, Morris `mu_star`, Sobol' `ST`) per parameter with its interval, one panel per arm, largest at the top |
//! | `scenario.toml` | the scenario text as read ([`SCENARIO_FILE`](crate::report::SCENARIO_FILE)) |
//! | `manifest.json` | version, hashes, solver, method, seed, samples, threads, wall time, command line, sha256 of every other file |

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::cohort::PatientArm;
use crate::analysis::sensitivity::study::{
    IndexRow, Method, Plan, StudyFactor, StudyResult, StudyRow,
};
use crate::report::atomic::{write_bytes, PartialDir, Replace};
use crate::report::csv::csv_err;
use crate::report::json::write_json;
use crate::report::manifest::ShardListing;
use crate::report::manifest::{hash_files, write_scenario_copy, FileHash, RunIdentity};
use crate::report::outcome_csv::{number, parameter_column, OutcomeCsv};
use crate::report::OutputError;
use crate::scenario::Scenario;

/// A sensitivity directory being written.
#[derive(Debug)]
pub struct SensitivityWriter {
    partial: PartialDir,
    samples: OutcomeCsv,
}

/// The column name of a factor: `<name>_<unit>` in ASCII.
pub fn factor_column(f: &StudyFactor) -> String {
    parameter_column(&f.factor.name, &f.unit)
}

impl SensitivityWriter {
    /// Start the directory at `dir` and the header of `samples.csv`. `inputs` are the
    /// files the analysis reads (never replaced).
    pub fn create(
        dir: &Path,
        replace: Replace,
        inputs: &[PathBuf],
        plan: &Plan,
    ) -> Result<SensitivityWriter, OutputError> {
        let partial = PartialDir::create(dir, replace, inputs)?;
        let samples = OutcomeCsv::create(
            partial.path().join("samples.csv"),
            "row",
            plan.factors.iter().map(factor_column),
            plan.arm_names.clone(),
        )?;
        Ok(SensitivityWriter { partial, samples })
    }

    /// Append a chunk of evaluated rows; `plan` gives their factor values.
    pub fn append(&mut self, plan: &Plan, rows: &[StudyRow]) -> Result<(), OutputError> {
        for r in rows {
            for (a, outcome) in r.arms.iter().enumerate() {
                self.samples.write(r.row, plan.row(r.row), a, outcome)?;
            }
        }
        Ok(())
    }

    /// Finish: the indices (CSV, JSON), the figures, the manifest; rename into place.
    pub fn finish(
        mut self,
        scenario: &Scenario,
        plan: &Plan,
        result: &StudyResult,
        meta: &SensitivityMeta,
    ) -> Result<(PathBuf, Vec<PathBuf>), OutputError> {
        self.samples.flush()?;
        let tmp = self.partial.path().to_path_buf();
        let mut names: Vec<String> = vec!["samples.csv".into()];
        let path = tmp.join("indices.csv");
        write_bytes(
            &path,
            &indices_csv(&result.indices).map_err(csv_err(&path))?,
        )?;
        names.push("indices.csv".into());
        write_json(
            &tmp.join("indices.json"),
            &IndicesJson {
                method: result.method,
                scenario: &scenario.name,
                factors: &plan.factors,
                arms: &plan.arm_names,
                endpoints: plan
                    .endpoints
                    .iter()
                    .map(|&e| PatientArm::NAMES[e])
                    .collect(),
                samples: plan.options.samples,
                rows: plan.rows(),
                seed: plan.options.seed,
                bootstrap_resamples: plan.options.bootstrap.resamples,
                conf_level: plan.options.bootstrap.conf_level,
                result,
            },
        )?;
        names.push("indices.json".into());
        #[cfg(feature = "figures")]
        if meta.figures {
            for &e in &plan.endpoints {
                let endpoint = PatientArm::NAMES[e];
                let stem = format!("sensitivity_{endpoint}");
                let chart = tornado_chart(&scenario.name, plan, result, endpoint);
                super::figures::write_chart(&tmp, &stem, &chart)?;
                names.push(format!("{stem}.png"));
                names.push(format!("{stem}.svg"));
            }
        }
        names.push(write_scenario_copy(&tmp, scenario)?.into());
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let files = hash_files(&tmp, &name_refs)?;
        let m = Manifest {
            command: "sensitivity",
            identity: RunIdentity::of(scenario),
            method: result.method,
            seeds: match result.method {
                Method::Local => None,
                _ => Some(vec![plan.options.seed]),
            },
            samples: plan.options.samples,
            rows: plan.rows(),
            failed_runs: result.failed_runs,
            threads: meta.threads,
            wall_time_s: meta.wall_time_s,
            command_line: &meta.command_line,
            shards: &meta.shards,
            files,
        };
        write_json(&tmp.join("manifest.json"), &m)?;
        names.push("manifest.json".into());
        let dir = self.partial.commit(meta.replace)?;
        let files = names.iter().map(|n| dir.join(n)).collect();
        Ok((dir, files))
    }
}

/// `indices.csv`: one row per index.
fn indices_csv(rows: &[IndexRow]) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "arm",
        "endpoint",
        "parameter",
        "index",
        "value",
        "conf",
        "note",
    ])?;
    for r in rows {
        w.write_record([
            r.arm.as_str(),
            r.endpoint.as_str(),
            r.parameter.as_str(),
            r.index,
            &number(r.value),
            &number(r.conf),
            r.note.as_deref().unwrap_or(""),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The tornado chart of `endpoint`: the headline index per parameter with its
/// interval, one panel per arm, parameters sorted by the first arm's value.
#[cfg(feature = "figures")]
pub fn tornado_chart(
    scenario: &str,
    plan: &Plan,
    result: &StudyResult,
    endpoint: &str,
) -> super::figures::Chart {
    use super::figures::{Chart, Mark, Panel};
    use crate::analysis::sensitivity::study::headline_index;
    let index = headline_index(result.method);
    let names = plan.names();
    let get = |arm: &str, p: &str| {
        result
            .indices
            .iter()
            .find(|r| {
                r.arm == arm && r.endpoint == endpoint && r.parameter == p && r.index == index
            })
            .map_or((f64::NAN, f64::NAN), |r| (r.value, r.conf))
    };
    let first = plan.arm_names.first().cloned().unwrap_or_default();
    let mut order: Vec<usize> = (0..names.len()).collect();
    let key = |i: usize| {
        let v = get(&first, &names[i]).0;
        if v.is_finite() {
            v.abs()
        } else {
            f64::NEG_INFINITY
        }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)));
    let panels = plan
        .arm_names
        .iter()
        .map(|arm| {
            let marks: Vec<Mark> = order
                .iter()
                .map(|&i| {
                    let (v, c) = get(arm, &names[i]);
                    if c.is_finite() && result.method != Method::Local {
                        Mark::Interval {
                            value: v,
                            lo: v - c,
                            hi: v + c,
                        }
                    } else {
                        Mark::Bar(v)
                    }
                })
                .collect();
            Panel {
                title: format!("{arm}: {index}"),
                marks,
                decimals: 2,
                range: None,
            }
        })
        .collect();
    let (what, interval) = match result.method {
        Method::Local => (
            "normalised local sensitivity ∂ln y/∂ln p",
            "S at the step 1e-3; its agreement with the step 1e-2 is the conf column of indices.csv",
        ),
        Method::Morris => (
            "Morris μ* (endpoint units per unit of normalised range)",
            "95 % bootstrap interval",
        ),
        Method::Sobol => ("Sobol' total index S_T", "95 % bootstrap interval"),
    };
    Chart {
        title: format!("Sensitivity of {endpoint}: {what}"),
        subtitle: format!("{scenario}; {} rows; {interval}", plan.rows()),
        rows: order.iter().map(|&i| names[i].clone()).collect(),
        reference: None,
        panels,
    }
}

/// What the manifest of a sensitivity analysis records besides the analysis.
#[derive(Debug, Clone)]
pub struct SensitivityMeta {
    /// Threads used (recorded only; results do not depend on it).
    pub threads: usize,
    /// Wall time, s.
    pub wall_time_s: f64,
    /// Command line.
    pub command_line: Vec<String>,
    /// Draw figures (with the `figures` feature).
    pub figures: bool,
    /// What to do when the target exists.
    pub replace: Replace,
    /// The shards merged into this run (`spasm merge`; empty for a run on one
    /// machine).
    pub shards: Vec<ShardListing>,
}

#[derive(Debug, Serialize)]
struct IndicesJson<'a> {
    method: Method,
    scenario: &'a str,
    factors: &'a [StudyFactor],
    arms: &'a [String],
    endpoints: Vec<&'static str>,
    samples: usize,
    rows: usize,
    seed: u64,
    bootstrap_resamples: usize,
    conf_level: f64,
    result: &'a StudyResult,
}

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    command: &'static str,
    #[serde(flatten)]
    identity: RunIdentity<'a>,
    method: Method,
    seeds: Option<Vec<u64>>,
    samples: usize,
    rows: usize,
    failed_runs: usize,
    threads: usize,
    wall_time_s: f64,
    command_line: &'a [String],
    #[serde(skip_serializing_if = "<[ShardListing]>::is_empty")]
    shards: &'a [ShardListing],
    files: Vec<FileHash>,
}
