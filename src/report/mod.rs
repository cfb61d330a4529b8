//! Writing results: CSV, JSON, figures, manifest. All writes are atomic.
//!
//! [`write_run`] builds a whole run directory next to its target
//! (`<out>.partial-XXXX`) and renames it into place at the end, so an error leaves
//! nothing behind. A run directory holds:
//!
//! | file | content |
//! |---|---|
//! | `trajectories.csv` | one row per arm and output time: states and derived quantities (`csv::trajectory_header`) |
//! | `metrics.csv` | one row per arm: `arm` and the [`Endpoints`] fields (units in the names) |
//! | `summary.json` | scenario name, thresholds, per arm: schedule and endpoints |
//! | `scenario.toml` | the scenario text as read ([`SCENARIO_FILE`]) |
//! | `manifest.json` | version, hashes of scenario text and parameters, solver, stats, wall time, seeds, command line, sha256 of every other file |
//! | `timecourse.png`, `timecourse.svg` | multi-panel time course, arms overlaid, intervention windows shaded |
//!
//! Column names are ASCII: `<symbol>_<unit>`, with `°C` → `degC`, `a.u.` → `au`,
//! dimensionless quantities → `_1`, `MVC` = fraction of maximal voluntary
//! contraction (0–1), `/` → `_per_`.

pub mod atomic;
pub mod bistability;
pub mod compare_dir;
pub mod compare_tables;
pub mod continuation_dir;
mod csv;
pub mod escape_dir;
pub mod estimate;
pub mod exchange;
#[cfg(feature = "figures")]
pub mod figures;
pub mod html;
pub mod html_report;
mod json;
#[cfg(feature = "figures")]
pub mod lecture;
mod manifest;
pub mod merge;
mod outcome_csv;
pub mod phase_dir;
pub mod sensitivity_dir;
pub mod shard;
pub mod sweep_dir;

use std::path::{Path, PathBuf};

use crate::analysis::metrics::{endpoints, Endpoints, MetricThresholds};
use crate::model::metabolism::interstitial_k;
use crate::model::Model;
use crate::scenario::{ArmResult, Scenario};
use crate::simulation::Trajectory;
use crate::units::{DAY, HOUR, MINUTE};

pub use atomic::{write_bytes, Replace};
pub use manifest::{sha256_hex, ShardListing, SCENARIO_FILE};

/// Why writing results failed. Every variant names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file-system operation failed.
    #[error("cannot {action} '{path}': {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done ("create", "write", "rename into place", …).
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The output location cannot be used.
    #[error("cannot write a run to '{path}': it {reason}")]
    BadTarget {
        /// The target directory.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// Writing CSV failed.
    #[error("cannot write CSV '{path}': {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The CSV error.
        source: ::csv::Error,
    },
    /// Serialising JSON failed.
    #[error("cannot write JSON '{path}': {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// Drawing a figure failed.
    #[error("cannot draw figure '{path}': {message}")]
    Plot {
        /// The file.
        path: PathBuf,
        /// The drawing error.
        message: String,
    },
    /// The scenario's time unit is not one of s, min, h, d.
    #[error("unknown output time unit '{unit}' (known: s, min, h, d)")]
    TimeUnit {
        /// The unit given.
        unit: String,
    },
}

/// Seconds per output time unit: `"s"`, `"min"`, `"h"` or `"d"`.
pub fn time_unit_seconds(unit: &str) -> Result<f64, OutputError> {
    match unit {
        "s" => Ok(1.0),
        "min" => Ok(MINUTE),
        "h" => Ok(HOUR),
        "d" => Ok(DAY),
        _ => Err(OutputError::TimeUnit { unit: unit.into() }),
    }
}

/// Options for [`write_run`].
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Thresholds defining the endpoints.
    pub thresholds: MetricThresholds,
    /// The command line recorded in the manifest (default: this process's).
    pub command_line: Vec<String>,
    /// Draw figures (PNG and SVG; with the `figures` feature, ignored without it).
    /// Default true.
    pub figures: bool,
    /// What to do when the target directory exists. Default
    /// [`Replace::RunDirOnly`]: replace a previous run or an empty directory,
    /// refuse anything else.
    pub replace: Replace,
    /// The files the run read (the scenario): never inside what is replaced, and
    /// recorded in the run directory's marker.
    pub inputs: Vec<PathBuf>,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            thresholds: MetricThresholds::default(),
            command_line: std::env::args().collect(),
            figures: true,
            replace: Replace::RunDirOnly,
            inputs: Vec::new(),
        }
    }
}

/// What [`write_run`] wrote.
#[derive(Debug, Clone)]
pub struct RunFiles {
    /// The run directory.
    pub dir: PathBuf,
    /// Every file written, final paths, in the order written (manifest last).
    pub files: Vec<PathBuf>,
    /// Endpoints per arm, in arm order: (arm name, endpoints).
    pub endpoints: Vec<(String, Endpoints)>,
}

/// Derived (algebraic) quantities at one output sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derived {
    /// Total activation including evoked, fraction of MVC.
    pub a_tot: f64,
    /// Intramuscular pressure, mmHg.
    pub p_im: f64,
    /// Perfusion fraction g, 0–1.
    pub g: f64,
    /// Blood flow Q relative to rest, 1.
    pub q: f64,
    /// Interstitial K⁺ = k_rest + M, mM.
    pub k: f64,
    /// Energy deficit φ, 0–1.
    pub phi: f64,
    /// ATP (and so O₂) demand relative to the basal demand `d0`, 1.
    pub demand: f64,
    /// Total nociceptor activity n, 0–1.
    pub n: f64,
    /// Spindle gain, 1 = rest.
    pub spindle: f64,
    /// Relaxant effect, 0–1.
    pub relax: f64,
    /// COX activity left, 0–1.
    pub cox: f64,
    /// Nerve conduction left under the local anaesthetic, 0–1 (1 = no block).
    pub block: f64,
    /// Ibuprofen plasma concentration, mg/L.
    pub c_ibu_mg_per_l: f64,
    /// Cyclobenzaprine plasma concentration, ng/mL.
    pub c_cbz_ng_per_ml: f64,
    /// Tizanidine plasma concentration, ng/mL.
    pub c_tiz_ng_per_ml: f64,
}

/// Derived quantities at every sample of `tr`, evaluated with the drivers in force
/// at that sample.
pub fn derived(model: &Model, tr: &Trajectory) -> Vec<Derived> {
    let mut m = model.clone();
    tr.states
        .iter()
        .enumerate()
        .map(|(k, y)| {
            if let Some(d) = tr.drivers.get(k) {
                m.drivers = *d;
            }
            let arr = &y.data.0[0];
            let al = m.algebraic(arr);
            let (ci, cc, ct) = (al.c_ibu, al.c_cbz, al.c_tiz);
            Derived {
                a_tot: al.a_tot,
                p_im: al.p_im,
                g: al.g,
                q: al.q,
                k: interstitial_k(m.params(), y[crate::model::idx::M]),
                phi: al.phi,
                demand: al.demand,
                n: al.n,
                spindle: al.spindle,
                relax: al.relax,
                cox: al.cox,
                block: al.block,
                c_ibu_mg_per_l: ci,
                c_cbz_ng_per_ml: cc * 1000.0,
                c_tiz_ng_per_ml: ct * 1000.0,
            }
        })
        .collect()
}

/// A number for CSV: shortest round-trip decimal, in exponent form when very
/// small or large (Rust's `Display` never uses an exponent).
pub fn fmt_num(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 {
        "0".into()
    } else if (1e-4..1e15).contains(&a) || !x.is_finite() {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Write a complete run directory at `dir` (see the module docs for its
/// content). Built in `<dir>.partial-XXXX` next to it and renamed at the end; on
/// error nothing is left behind and an existing `dir` is untouched.
///
/// ```
/// use spasm::report::{write_run, WriteOptions};
/// use spasm::scenario::Scenario;
///
/// let sc = Scenario::load("examples/ibuprofen.toml".as_ref())?;
/// let dir = std::env::temp_dir().join(format!("spasm-doc-{}", std::process::id()));
/// let files = write_run(&dir, &sc, &sc.run()?, &WriteOptions::default())?;
/// assert!(files.dir.join("trajectories.csv").is_file() && files.dir.join("manifest.json").is_file());
/// assert_eq!(files.endpoints.len(), 2);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_run(
    dir: &Path,
    scenario: &Scenario,
    results: &[ArmResult],
    opts: &WriteOptions,
) -> Result<RunFiles, OutputError> {
    let unit_s = time_unit_seconds(&scenario.time_unit)?;
    let partial = atomic::PartialDir::create(dir, opts.replace, &opts.inputs)?;
    let tmp = partial.path().to_path_buf();
    let eps: Vec<(String, Endpoints)> = results
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                endpoints(r.patient.model(), &r.trajectory, &opts.thresholds),
            )
        })
        .collect();

    let mut names: Vec<&str> = Vec::new();
    csv::write_trajectories(&tmp.join("trajectories.csv"), scenario, results, unit_s)?;
    names.push("trajectories.csv");
    csv::write_metrics(&tmp.join("metrics.csv"), &eps)?;
    names.push("metrics.csv");
    json::write_summary(
        &tmp.join("summary.json"),
        scenario,
        results,
        &eps,
        &opts.thresholds,
    )?;
    names.push("summary.json");
    #[cfg(feature = "figures")]
    if opts.figures {
        figures::write_timecourse(&tmp, "timecourse", scenario, results, None)?;
        names.push("timecourse.png");
        names.push("timecourse.svg");
    }
    names.push(manifest::write_scenario_copy(&tmp, scenario)?);
    manifest::write_manifest(&tmp, scenario, results, &opts.command_line, &names)?;
    names.push("manifest.json");

    let dir = partial.commit(opts.replace)?;
    Ok(RunFiles {
        files: names.iter().map(|n| dir.join(n)).collect(),
        dir,
        endpoints: eps,
    })
}
