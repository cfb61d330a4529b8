//! Shard directories: what `--shard K/N` writes instead of a whole run, and how
//! `spasm merge` reads them back (see [`crate::analysis::shard`] for the slices and
//! docs/cluster.md for the workflow).
//!
//! A shard directory holds three files:
//!
//! | file | content |
//! |---|---|
//! | the rows table | the shard's rows, exactly as the unsharded run writes them: `cohort_patients.csv` (one row per patient and arm: `patient`, each drawn parameter `<name>_<canonical unit>`, `arm`, `status`, every endpoint, `failure`), `sweep.csv` or `samples.csv`; numbers are shortest round-trip decimals, so reading them back gives the same bits |
//! | `shard.json` | [`ShardRecord`]: the command, `K/N`, the slice, the scenario (absolute path and SHA-256), the seed, the options that must agree between shards, the program version |
//! | `manifest.json` | version, scenario hashes, solver, the shard and its slice, threads, wall time, command line, sha256 of the other files |
//!
//! Everything is written through [`PartialDir`] like every run directory.
//!
//! Length: ≈ 600 lines with tests: writing a shard and reading it back exactly are one format, kept in one file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::cohort::{draw_patient, CohortRun, PatientArm};
use crate::analysis::sensitivity::study::{Plan, StudyRow};
use crate::analysis::shard::Shard;
use crate::analysis::sweep::{canonical_unit, ArmOutcome, SweepRow};
use crate::report::atomic::{PartialDir, Replace};
use crate::report::json::write_json;
use crate::report::manifest::{hash_files, sha256_hex, RunIdentity};
use crate::report::outcome_csv::{parameter_column, OutcomeCsv};
use crate::report::OutputError;
use crate::scenario::Scenario;

/// The file that makes a directory a shard.
pub const SHARD_FILE: &str = "shard.json";

/// Schema id of [`SHARD_FILE`].
pub const SHARD_SCHEMA: &str = "spasm-shard/1";

/// The per-patient table of a cohort (also written by an unsharded cohort run).
pub const COHORT_ROWS_FILE: &str = "cohort_patients.csv";

/// The command a shard belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardCommand {
    /// `spasm compare --cohort N`: patients.
    Compare,
    /// `spasm sweep`: grid points.
    Sweep,
    /// `spasm sensitivity`: design rows.
    Sensitivity,
}

impl ShardCommand {
    /// The rows table of this command's shards.
    pub fn rows_file(self) -> &'static str {
        match self {
            ShardCommand::Compare => COHORT_ROWS_FILE,
            ShardCommand::Sweep => "sweep.csv",
            ShardCommand::Sensitivity => "samples.csv",
        }
    }

    /// The index column of the rows table.
    pub fn index_column(self) -> &'static str {
        match self {
            ShardCommand::Compare => "patient",
            ShardCommand::Sweep => "point",
            ShardCommand::Sensitivity => "row",
        }
    }

    /// What the items are called.
    pub fn items(self) -> &'static str {
        match self {
            ShardCommand::Compare => "patients",
            ShardCommand::Sweep => "points",
            ShardCommand::Sensitivity => "rows",
        }
    }

    /// The command's name.
    pub fn name(self) -> &'static str {
        match self {
            ShardCommand::Compare => "compare",
            ShardCommand::Sweep => "sweep",
            ShardCommand::Sensitivity => "sensitivity",
        }
    }
}

/// The content of [`SHARD_FILE`]: everything `spasm merge` needs to check that
/// shards belong together and to redo the whole run's statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardRecord {
    /// [`SHARD_SCHEMA`].
    pub schema: String,
    /// Program name.
    pub program: String,
    /// Program version.
    pub version: String,
    /// The command.
    pub command: ShardCommand,
    /// `K/N`.
    pub shard: Shard,
    /// Items of the whole run (patients, points, rows).
    pub items: usize,
    /// The shard's items: `first ≤ i < end`.
    pub first: usize,
    /// One past the shard's last item.
    pub end: usize,
    /// The scenario file as an absolute path; `None`: the embedded benchmark.
    pub scenario_path: Option<PathBuf>,
    /// SHA-256 of the scenario text.
    pub scenario_sha256: String,
    /// SHA-256 of the resolved parameters.
    pub parameters_sha256: String,
    /// Seed of the random draws, if any.
    pub seed: Option<u64>,
    /// The command's options (they must agree between shards).
    pub job: serde_json::Value,
    /// Wall time of the shard, s.
    pub wall_time_s: f64,
}

impl ShardRecord {
    /// The record of shard `shard` of a run of `command` on `scenario` (read from
    /// `scenario_path`, `None` for the embedded benchmark) over `items` items.
    pub fn new(
        command: ShardCommand,
        shard: Shard,
        items: usize,
        scenario: &Scenario,
        scenario_path: Option<&Path>,
        seed: Option<u64>,
        job: serde_json::Value,
    ) -> ShardRecord {
        let range = shard.range(items);
        let identity = RunIdentity::of(scenario);
        ShardRecord {
            schema: SHARD_SCHEMA.into(),
            program: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command,
            shard,
            items,
            first: range.start,
            end: range.end,
            scenario_path: scenario_path.map(|p| {
                std::fs::canonicalize(p)
                    .unwrap_or_else(|_| std::path::absolute(p).unwrap_or(p.into()))
            }),
            scenario_sha256: identity.scenario_sha256,
            parameters_sha256: identity.parameters_sha256,
            seed,
            job,
            wall_time_s: 0.0,
        }
    }
}

/// What a shard's manifest records besides the run's identity.
#[derive(Debug, Clone)]
pub struct ShardMeta {
    /// Threads used.
    pub threads: usize,
    /// Command line.
    pub command_line: Vec<String>,
    /// What to do when the target exists.
    pub replace: Replace,
}

#[derive(Debug, Serialize)]
struct ShardManifest<'a> {
    command: &'static str,
    #[serde(flatten)]
    identity: RunIdentity<'a>,
    shard: String,
    slice: [usize; 2],
    items: usize,
    seeds: Option<Vec<u64>>,
    threads: usize,
    wall_time_s: f64,
    command_line: &'a [String],
    files: Vec<super::manifest::FileHash>,
}

/// A shard directory being written: its rows table is streamed like the unsharded
/// run's.
#[derive(Debug)]
pub struct ShardWriter {
    partial: PartialDir,
    rows: OutcomeCsv,
    command: ShardCommand,
}

impl ShardWriter {
    /// Start a shard directory at `dir` for `command`, with the rows table's header:
    /// the index column, `parameters` (column names), then arm, status, endpoints
    /// and failure. `inputs` are the files the run reads (never replaced).
    pub fn create(
        dir: &Path,
        replace: Replace,
        inputs: &[PathBuf],
        command: ShardCommand,
        parameters: Vec<String>,
        arms: &[String],
    ) -> Result<ShardWriter, OutputError> {
        let partial = PartialDir::create(dir, replace, inputs)?;
        let rows = OutcomeCsv::create(
            partial.path().join(command.rows_file()),
            command.index_column(),
            parameters.into_iter(),
            arms.to_vec(),
        )?;
        Ok(ShardWriter {
            partial,
            rows,
            command,
        })
    }

    /// Append sweep rows.
    pub fn append_sweep(&mut self, rows: &[SweepRow]) -> Result<(), OutputError> {
        for r in rows {
            for (a, outcome) in r.arms.iter().enumerate() {
                self.rows.write(r.point, &r.values, a, outcome)?;
            }
        }
        Ok(())
    }

    /// Append evaluated design rows of a sensitivity analysis.
    pub fn append_study(&mut self, plan: &Plan, rows: &[StudyRow]) -> Result<(), OutputError> {
        for r in rows {
            for (a, outcome) in r.arms.iter().enumerate() {
                self.rows.write(r.row, plan.row(r.row), a, outcome)?;
            }
        }
        Ok(())
    }

    /// Append the patients of a cohort run (in patient order).
    pub fn append_cohort(&mut self, run: &CohortRun) -> Result<(), OutputError> {
        write_cohort_rows(&mut self.rows, run)
    }

    /// Finish: flush the rows, write [`SHARD_FILE`] and the manifest, and rename the
    /// directory into place.
    pub fn finish(
        mut self,
        scenario: &Scenario,
        record: &ShardRecord,
        meta: &ShardMeta,
    ) -> Result<(PathBuf, Vec<PathBuf>), OutputError> {
        self.rows.flush()?;
        let tmp = self.partial.path().to_path_buf();
        write_json(&tmp.join(SHARD_FILE), record)?;
        let mut names = vec![self.command.rows_file(), SHARD_FILE];
        let files = hash_files(&tmp, &names)?;
        let m = ShardManifest {
            command: self.command.name(),
            identity: RunIdentity::of(scenario),
            shard: record.shard.to_string(),
            slice: [record.first, record.end],
            items: record.items,
            seeds: record.seed.map(|s| vec![s]),
            threads: meta.threads,
            wall_time_s: record.wall_time_s,
            command_line: &meta.command_line,
            files,
        };
        write_json(&tmp.join("manifest.json"), &m)?;
        names.push("manifest.json");
        let dir = self.partial.commit(meta.replace)?;
        let files = names.iter().map(|n| dir.join(n)).collect();
        Ok((dir, files))
    }
}

/// The column names of a cohort's drawn parameters: `<name>_<canonical unit>` (the
/// values are written in canonical units, exactly as drawn).
pub fn cohort_parameter_columns(run: &CohortRun) -> Vec<String> {
    run.resolved
        .iter()
        .map(|r| parameter_column(&r.name, canonical_unit(&r.name).unwrap_or("1")))
        .collect()
}

/// Create the per-patient table of a cohort at `path` and write every patient of
/// `run` (kept and excluded, in patient order; an excluded patient's rows are
/// `failed` in every arm with its reason).
pub(super) fn write_cohort_table(path: PathBuf, run: &CohortRun) -> Result<(), OutputError> {
    let mut csv = OutcomeCsv::create(
        path,
        ShardCommand::Compare.index_column(),
        cohort_parameter_columns(run).into_iter(),
        run.arms.clone(),
    )?;
    write_cohort_rows(&mut csv, run)?;
    csv.flush()
}

fn write_cohort_rows(csv: &mut OutcomeCsv, run: &CohortRun) -> Result<(), OutputError> {
    let (mut k, mut x) = (0, 0);
    loop {
        let next_kept = run.kept.get(k).copied();
        let next_excluded = run.excluded.get(x).map(|e| e.patient);
        match (next_kept, next_excluded) {
            (Some(p), e) if e.is_none_or(|e| p < e) => {
                for (a, arm) in run.results[k].iter().enumerate() {
                    csv.write(p, &run.drawn[k], a, &Ok(*arm))?;
                }
                k += 1;
            }
            (_, Some(p)) => {
                let drawn = draw_patient(&run.resolved, run.seed, p as u64);
                let failed: ArmOutcome = Err(run.excluded[x].reason.clone());
                for a in 0..run.arms.len() {
                    csv.write(p, &drawn, a, &failed)?;
                }
                x += 1;
            }
            (None, None) => return Ok(()),
            (Some(_), None) => unreachable!("covered by the first arm"),
        }
    }
}

/// A shard directory as read back by `spasm merge`.
#[derive(Debug, Clone)]
pub struct ShardDir {
    /// The directory.
    pub dir: PathBuf,
    /// Its [`SHARD_FILE`].
    pub record: ShardRecord,
    /// SHA-256 of its `manifest.json`.
    pub manifest_sha256: String,
}

/// One item read back from a rows table: its index, parameter values and the outcome
/// of every arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRows {
    /// Patient, point or row index.
    pub index: usize,
    /// Parameter values as written.
    pub values: Vec<f64>,
    /// Per arm, in order.
    pub arms: Vec<ArmOutcome>,
}

/// Why a directory cannot be read as a shard.
#[derive(Debug, thiserror::Error)]
pub enum ShardReadError {
    /// No shard file, or one that cannot be read.
    #[error("'{}' is not a shard directory: {reason} (a shard is written by compare --cohort N --shard K/N, sweep --shard K/N or sensitivity --shard K/N)", dir.display())]
    NotAShard {
        /// The directory.
        dir: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
    /// A file of the shard does not match its manifest, or its rows are not what the
    /// shard file says.
    #[error("shard '{}': {file}: {reason}", dir.display())]
    Corrupt {
        /// The directory.
        dir: PathBuf,
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
}

/// Read the shard directory `dir`: its record, checked against its manifest (the
/// hashes of the shard file and the rows table must match).
pub fn read_shard_dir(dir: &Path) -> Result<ShardDir, ShardReadError> {
    let not = |reason: String| ShardReadError::NotAShard {
        dir: dir.to_path_buf(),
        reason,
    };
    if !dir.is_dir() {
        return Err(not("no such directory".into()));
    }
    let text = std::fs::read_to_string(dir.join(SHARD_FILE))
        .map_err(|e| not(format!("cannot read {SHARD_FILE}: {e}")))?;
    let record: ShardRecord = serde_json::from_str(&text)
        .map_err(|e| not(format!("{SHARD_FILE} is not a spasm shard record: {e}")))?;
    if record.schema != SHARD_SCHEMA {
        return Err(not(format!(
            "{SHARD_FILE} has schema '{}', expected '{SHARD_SCHEMA}'",
            record.schema
        )));
    }
    let corrupt = |file: &str, reason: String| ShardReadError::Corrupt {
        dir: dir.to_path_buf(),
        file: file.to_string(),
        reason,
    };
    let manifest_bytes = std::fs::read(dir.join("manifest.json"))
        .map_err(|e| corrupt("manifest.json", format!("cannot read: {e}")))?;
    let manifest: serde_json::Value = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| corrupt("manifest.json", format!("not JSON: {e}")))?;
    for name in [SHARD_FILE, record.command.rows_file()] {
        let listed = manifest["files"]
            .as_array()
            .and_then(|files| files.iter().find(|f| f["name"] == name))
            .and_then(|f| f["sha256"].as_str())
            .ok_or_else(|| corrupt("manifest.json", format!("does not list {name}")))?;
        let bytes = std::fs::read(dir.join(name))
            .map_err(|e| corrupt(name, format!("cannot read: {e}")))?;
        if sha256_hex(&bytes) != listed {
            return Err(corrupt(
                name,
                "changed since the shard was written (its SHA-256 differs from manifest.json)"
                    .into(),
            ));
        }
    }
    Ok(ShardDir {
        dir: dir.to_path_buf(),
        record,
        manifest_sha256: sha256_hex(&manifest_bytes),
    })
}

impl ShardDir {
    /// Read the rows table: every item of the shard's slice in order, each with one
    /// row per arm of `arms` in order, under the header `parameters`. Anything else
    /// is [`ShardReadError::Corrupt`].
    pub fn read_rows(
        &self,
        parameters: &[String],
        arms: &[String],
    ) -> Result<Vec<ItemRows>, ShardReadError> {
        let file = self.record.command.rows_file();
        let corrupt = |reason: String| ShardReadError::Corrupt {
            dir: self.dir.clone(),
            file: file.to_string(),
            reason,
        };
        let mut reader = ::csv::Reader::from_path(self.dir.join(file))
            .map_err(|e| corrupt(format!("cannot read: {e}")))?;
        let mut expected = vec![self.record.command.index_column().to_string()];
        expected.extend(parameters.iter().cloned());
        expected.extend(["arm".into(), "status".into()]);
        expected.extend(PatientArm::NAMES.iter().map(ToString::to_string));
        expected.push("failure".into());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| corrupt(format!("cannot read the header: {e}")))?
            .iter()
            .map(ToString::to_string)
            .collect();
        if header != expected {
            return Err(corrupt(format!(
                "header '{}' differs from '{}'",
                header.join(","),
                expected.join(",")
            )));
        }
        let number = |s: &str, line: u64| -> Result<f64, ShardReadError> {
            if s.is_empty() {
                return Ok(f64::NAN);
            }
            s.parse::<f64>()
                .map_err(|_| corrupt(format!("line {line}: '{s}' is not a number")))
        };
        let np = parameters.len();
        let mut items: Vec<ItemRows> = Vec::with_capacity(self.record.end - self.record.first);
        for (k, rec) in reader.records().enumerate() {
            let line = k as u64 + 2;
            let rec = rec.map_err(|e| corrupt(format!("line {line}: {e}")))?;
            let item = self.record.first + k / arms.len().max(1);
            let arm = k % arms.len().max(1);
            let index: usize = rec[0]
                .parse()
                .map_err(|_| corrupt(format!("line {line}: index '{}'", &rec[0])))?;
            if index != item || rec[np + 1] != arms[arm] {
                return Err(corrupt(format!(
                    "line {line}: expected {} {item}, arm '{}'; found {index}, '{}'",
                    self.record.command.index_column(),
                    arms[arm],
                    &rec[np + 1]
                )));
            }
            let values = (1..=np)
                .map(|j| number(&rec[j], line))
                .collect::<Result<Vec<_>, _>>()?;
            let outcome: ArmOutcome = match &rec[np + 2] {
                "ok" => {
                    let mut v = [0.0; 8];
                    for (j, slot) in v.iter_mut().enumerate() {
                        *slot = number(&rec[np + 3 + j], line)?;
                    }
                    Ok(PatientArm::from_values(v))
                }
                "failed" => Err(rec[np + 3 + PatientArm::NAMES.len()].to_string()),
                other => return Err(corrupt(format!("line {line}: status '{other}'"))),
            };
            if arm == 0 {
                items.push(ItemRows {
                    index,
                    values,
                    arms: vec![outcome],
                });
            } else if let Some(last) = items.last_mut() {
                last.arms.push(outcome);
            }
        }
        let want = self.record.end - self.record.first;
        if items.len() != want || items.last().is_some_and(|i| i.arms.len() != arms.len()) {
            return Err(corrupt(format!(
                "holds {} complete {}, expected {want} ({}..{})",
                items.len(),
                self.record.command.items(),
                self.record.first,
                self.record.end
            )));
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::benchmark;

    /// A sweep shard with awkward numbers (tiny, huge, `inf`, a failed arm) is read
    /// back bit for bit; an edited rows table is refused.
    #[test]
    fn rows_round_trip_exactly_and_edits_are_caught() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("shard");
        let sc = benchmark();
        let arms = vec!["a".to_string(), "b, with comma".to_string()];
        let columns = vec!["x_1".to_string(), "y_s".to_string()];
        let arm = |k: f64| {
            PatientArm::from_values([
                0.1 + k,
                1e-300,
                f64::INFINITY,
                123_456_789.123_456_78,
                std::f64::consts::PI * k,
                f64::INFINITY,
                0.0,
                2.0,
            ])
        };
        let rows: Vec<SweepRow> = (3..6)
            .map(|p| SweepRow {
                point: p,
                values: vec![1.0 / 3.0 * p as f64, 6.02e23],
                arms: vec![
                    Ok(arm(p as f64)),
                    Err(format!("step size too small at {p}")),
                ],
            })
            .collect();
        let shard = Shard { index: 2, count: 3 };
        let mut w = ShardWriter::create(
            &dir,
            Replace::RunDirOnly,
            &[],
            ShardCommand::Sweep,
            columns.clone(),
            &arms,
        )
        .unwrap();
        w.append_sweep(&rows).unwrap();
        let record = ShardRecord::new(
            ShardCommand::Sweep,
            shard,
            9,
            &sc,
            None,
            None,
            serde_json::json!({}),
        );
        assert_eq!((record.first, record.end), (3, 6));
        w.finish(
            &sc,
            &record,
            &ShardMeta {
                threads: 1,
                command_line: Vec::new(),
                replace: Replace::RunDirOnly,
            },
        )
        .unwrap();
        let read = read_shard_dir(&dir).unwrap();
        assert_eq!(read.record, record);
        let items = read.read_rows(&columns, &arms).unwrap();
        assert_eq!(items.len(), rows.len());
        for (item, row) in items.iter().zip(&rows) {
            assert_eq!(item.index, row.point);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&item.values), bits(&row.values));
            assert_eq!(item.arms, row.arms);
        }
        // The wrong header, and an edited table.
        let e = read.read_rows(&columns[..1], &arms).unwrap_err();
        assert!(e.to_string().contains("header"), "{e}");
        let path = dir.join("sweep.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("step size", "Step size", 1)).unwrap();
        let e = read_shard_dir(&dir).unwrap_err();
        assert!(
            e.to_string()
                .contains("changed since the shard was written"),
            "{e}"
        );
        let e = read_shard_dir(tmp.path()).unwrap_err();
        assert!(e.to_string().contains("is not a shard directory"), "{e}");
    }
}
