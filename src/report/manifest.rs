//! `manifest.json`: everything needed to reproduce a run exactly.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{json::write_json, OutputError};
use crate::scenario::{ArmResult, Scenario};
use crate::simulation::SolverConfig;
use crate::solver::Stats;

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// SHA-256 of the resolved parameters of the scenario's patient and of every arm's
/// own patient: one line `name = value` per parameter (canonical units, round-trip
/// formatting), in the model's order, each arm's overrides after a line `[arm NAME]`.
pub(super) fn params_sha256(scenario: &Scenario) -> String {
    let mut text = String::new();
    for (name, value) in scenario.patient.params().values() {
        text.push_str(&format!("{name} = {value:?}\n"));
    }
    for arm in scenario.arms.iter().filter(|a| !a.overrides.is_empty()) {
        text.push_str(&format!("[arm {}]\n", arm.name));
        for (name, value) in &arm.overrides {
            text.push_str(&format!("{name} = {value:?}\n"));
        }
    }
    sha256_hex(text.as_bytes())
}

/// Solver counters and wall time of one arm.
#[derive(Debug, Serialize)]
pub(super) struct ArmRun<'a> {
    /// Arm name.
    pub name: &'a str,
    /// Solver counters.
    pub stats: Stats,
    /// Wall-clock time of the integration, s.
    pub wall_time_s: f64,
    /// Number of output samples.
    pub samples: usize,
}

/// A file of the run and its hash.
#[derive(Debug, Serialize)]
pub(super) struct FileHash {
    /// File name inside the run directory.
    pub name: String,
    /// Lower-case hex SHA-256 of its content.
    pub sha256: String,
}

/// One shard merged into a run, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShardListing {
    /// `K/N`.
    pub shard: String,
    /// The shard's items, `first ≤ i < end`.
    pub slice: [usize; 2],
    /// The shard directory as given to `spasm merge`.
    pub directory: String,
    /// SHA-256 of the shard's `manifest.json`.
    pub manifest_sha256: String,
}

/// What identifies a run for reproduction: program version, scenario and parameter
/// hashes, solver settings and run length. Shared by every manifest.
#[derive(Debug, Serialize)]
pub(super) struct RunIdentity<'a> {
    /// Program name.
    pub program: &'static str,
    /// Program version (Cargo package version).
    pub version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// SHA-256 of the scenario text as read.
    pub scenario_sha256: String,
    /// Parameter set name (embedded name or file path).
    pub parameter_set: &'a str,
    /// SHA-256 of the resolved parameters ([`params_sha256`]).
    pub parameters_sha256: String,
    /// Solver kind, rtol and largest step (s; `null` = unlimited).
    pub solver: SolverConfig,
    /// Settling period before t = 0, s.
    pub settle_s: f64,
    /// Run length, s.
    pub duration_s: f64,
    /// Output interval, s.
    pub output_every_s: f64,
}

impl<'a> RunIdentity<'a> {
    /// The identity of a run of `scenario` by this program.
    pub(super) fn of(scenario: &'a Scenario) -> Self {
        Self {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            scenario: &scenario.name,
            scenario_sha256: sha256_hex(scenario.source_text.as_bytes()),
            parameter_set: &scenario.set_name,
            parameters_sha256: params_sha256(scenario),
            solver: scenario.solver,
            settle_s: scenario.settle,
            duration_s: scenario.duration,
            output_every_s: scenario.output_every,
        }
    }
}

/// The content of `manifest.json`.
#[derive(Debug, Serialize)]
pub(super) struct Manifest<'a> {
    /// Program, scenario, parameters and solver.
    #[serde(flatten)]
    pub identity: RunIdentity<'a>,
    /// Random seeds (none used: the model is deterministic).
    pub seeds: Option<Vec<u64>>,
    /// Per-arm solver statistics.
    pub arms: Vec<ArmRun<'a>>,
    /// Total integration wall time over all arms, s.
    pub wall_time_s: f64,
    /// The command line that produced the run.
    pub command_line: &'a [String],
    /// Every other file of the run with its SHA-256.
    pub files: Vec<FileHash>,
}

/// The copy of the scenario text in a run directory, byte for byte as read (its
/// SHA-256 is the manifest's `scenario_sha256`), so that the directory says what was
/// run even when the scenario file has changed or was never on disk (the embedded
/// default).
pub const SCENARIO_FILE: &str = "scenario.toml";

/// Write [`SCENARIO_FILE`] into `dir`; returns its name, for the manifest.
pub(super) fn write_scenario_copy(
    dir: &Path,
    scenario: &Scenario,
) -> Result<&'static str, OutputError> {
    super::atomic::write_bytes(&dir.join(SCENARIO_FILE), scenario.source_text.as_bytes())?;
    Ok(SCENARIO_FILE)
}

/// The sha256 of each named file in `dir`, for a manifest.
pub(super) fn hash_files(dir: &Path, names: &[&str]) -> Result<Vec<FileHash>, OutputError> {
    names
        .iter()
        .map(|n| {
            let p = dir.join(n);
            let bytes = std::fs::read(&p).map_err(|source| OutputError::Io {
                path: p.clone(),
                action: "read back for hashing",
                source,
            })?;
            Ok(FileHash {
                name: n.to_string(),
                sha256: sha256_hex(&bytes),
            })
        })
        .collect()
}

/// Write `manifest.json` into `dir`, hashing the already written `files` there.
pub(super) fn write_manifest(
    dir: &Path,
    scenario: &Scenario,
    results: &[ArmResult],
    command_line: &[String],
    files: &[&str],
) -> Result<(), OutputError> {
    let files = hash_files(dir, files)?;
    let arms: Vec<ArmRun> = results
        .iter()
        .map(|r| ArmRun {
            name: &r.name,
            stats: r.trajectory.stats,
            wall_time_s: r.trajectory.wall_time_s,
            samples: r.trajectory.times.len(),
        })
        .collect();
    let m = Manifest {
        identity: RunIdentity::of(scenario),
        seeds: None,
        wall_time_s: arms.iter().map(|a| a.wall_time_s).sum(),
        arms,
        command_line,
        files,
    };
    write_json(&dir.join("manifest.json"), &m)
}
