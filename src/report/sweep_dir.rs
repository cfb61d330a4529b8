//! Writing a sweep directory, streamed: rows are appended to `sweep.csv` inside
//! `<dir>.partial-XXXX` chunk by chunk as the sweep runs, and the directory is
//! renamed into place only when the sweep, the figures and the manifest are done
//! ([`PartialDir`]); an error or an interruption leaves nothing at the target.
//!
//! | file | content |
//! |---|---|
//! | `sweep.csv` | one row per (point, arm): `point`, each swept parameter (`<name>_<unit>`), `arm`, `status` (`ok`/`failed`), every endpoint of [`PatientArm::NAMES`] (`inf`: not reached; empty when failed), `failure` (the reason) |
//! | `sweep_<endpoint>.png`, `.svg` | per chosen endpoint: a line per arm over one parameter, or a heatmap with contours per arm over two (none for three or more) |
//! | `scenario.toml` | the scenario text as read ([`SCENARIO_FILE`](crate::report::SCENARIO_FILE)) |
//! | `manifest.json` | version, hashes, solver, axes, settling, endpoints, points, failures, threads, wall time, command line, sha256 of every other file |
//!
//! Memory: rows are not kept; only the chosen endpoints' values (8 bytes per point,
//! arm and endpoint) are kept for the figures.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::cohort::PatientArm;
use crate::analysis::metrics::MetricThresholds;
use crate::analysis::sweep::{Axis, SweepInfo, SweepRow};
use crate::report::atomic::{PartialDir, Replace};
use crate::report::json::write_json;
use crate::report::manifest::ShardListing;
use crate::report::manifest::{hash_files, write_scenario_copy, RunIdentity};
use crate::report::outcome_csv::{self, OutcomeCsv};
use crate::report::OutputError;
use crate::scenario::Scenario;

/// The values of one endpoint over the grid, per arm, for a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSeries {
    /// Endpoint name (from [`PatientArm::NAMES`]).
    pub endpoint: String,
    /// Per arm, per point (`NaN`: failed, `inf`: not reached).
    pub values: Vec<Vec<f64>>,
}

/// A sweep directory being written.
#[derive(Debug)]
pub struct SweepWriter {
    partial: PartialDir,
    points: OutcomeCsv,
    endpoints: Vec<usize>,
    series: Vec<SweepSeries>,
}

/// The column name of a swept parameter: `<name>_<unit>` in ASCII.
pub fn parameter_column(axis: &Axis) -> String {
    outcome_csv::parameter_column(&axis.name, &axis.unit)
}

impl SweepWriter {
    /// Start a sweep directory at `dir`: the partial directory and the CSV header.
    /// `inputs` are the files the sweep reads (never replaced, see [`PartialDir`]).
    /// `endpoints` (indices into [`PatientArm::NAMES`]) get figures.
    pub fn create(
        dir: &Path,
        replace: Replace,
        inputs: &[PathBuf],
        axes: &[Axis],
        arms: &[String],
        endpoints: &[usize],
    ) -> Result<SweepWriter, OutputError> {
        let partial = PartialDir::create(dir, replace, inputs)?;
        let points = OutcomeCsv::create(
            partial.path().join("sweep.csv"),
            "point",
            axes.iter().map(parameter_column),
            arms.to_vec(),
        )?;
        Ok(SweepWriter {
            partial,
            points,
            endpoints: endpoints.to_vec(),
            series: endpoints
                .iter()
                .map(|&e| SweepSeries {
                    endpoint: PatientArm::NAMES[e].to_string(),
                    values: vec![Vec::new(); arms.len()],
                })
                .collect(),
        })
    }

    /// Append a chunk of rows.
    pub fn append(&mut self, rows: &[SweepRow]) -> Result<(), OutputError> {
        for r in rows {
            for (a, outcome) in r.arms.iter().enumerate() {
                self.points.write(r.point, &r.values, a, outcome)?;
                for (s, &e) in self.series.iter_mut().zip(&self.endpoints) {
                    s.values[a].push(outcome.as_ref().map_or(f64::NAN, |x| x.values()[e]));
                }
            }
        }
        Ok(())
    }

    /// Finish: flush the CSV, draw the figures, write the manifest and rename the
    /// directory into place. Returns the directory and every file in it.
    pub fn finish(
        mut self,
        scenario: &Scenario,
        axes: &[Axis],
        info: &SweepInfo,
        meta: &SweepMeta,
    ) -> Result<(PathBuf, Vec<PathBuf>), OutputError> {
        self.points.flush()?;
        let tmp = self.partial.path().to_path_buf();
        let mut names: Vec<String> = vec!["sweep.csv".into()];
        #[cfg(feature = "figures")]
        if meta.figures && axes.len() <= 2 {
            for s in &self.series {
                let stem = format!("sweep_{}", s.endpoint);
                super::figures::write_sweep_figure(
                    &tmp,
                    &stem,
                    &scenario.name,
                    axes,
                    self.points.arms(),
                    s,
                )?;
                names.push(format!("{stem}.png"));
                names.push(format!("{stem}.svg"));
            }
        }
        names.push(write_scenario_copy(&tmp, scenario)?.into());
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let files = hash_files(&tmp, &name_refs)?;
        let m = Manifest {
            command: "sweep",
            identity: RunIdentity::of(scenario),
            thresholds: &meta.thresholds,
            axes,
            arms: self.points.arms(),
            endpoints: self.series.iter().map(|s| s.endpoint.as_str()).collect(),
            sweep: info,
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

/// What the manifest of a sweep records besides the sweep itself.
#[derive(Debug, Clone)]
pub struct SweepMeta {
    /// Endpoint thresholds used.
    pub thresholds: MetricThresholds,
    /// Threads used (recorded only; the rows do not depend on it).
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
struct Manifest<'a> {
    command: &'static str,
    #[serde(flatten)]
    identity: RunIdentity<'a>,
    thresholds: &'a MetricThresholds,
    axes: &'a [Axis],
    arms: &'a [String],
    endpoints: Vec<&'a str>,
    sweep: &'a SweepInfo,
    threads: usize,
    wall_time_s: f64,
    command_line: &'a [String],
    #[serde(skip_serializing_if = "<[ShardListing]>::is_empty")]
    shards: &'a [ShardListing],
    files: Vec<super::manifest::FileHash>,
}
