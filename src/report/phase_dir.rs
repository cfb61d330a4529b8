//! Files of `spasm phase`: the basins as CSV, the phase portrait (feature `figures`)
//! and a manifest, written atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::json::write_json;
use super::{atomic, OutputError};
use crate::analysis::phase::Portrait;

/// `basins.csv`: one row per grid point (contraction in fraction of MVC, γ bias, and
/// whether it ends in spasm a day later).
pub fn basins_csv(p: &Portrait) -> String {
    let mut out = String::from("a_MVC,gamma_1,ends_in_spasm\n");
    for (i, row) in p.spasm.iter().enumerate() {
        for (j, s) in row.iter().enumerate() {
            let _ = writeln!(out, "{},{},{s}", p.a[i], p.gamma[j]);
        }
    }
    out
}

/// Write the run directory of `spasm phase` at `target`: `basins.csv`, `phase.png`,
/// `phase.svg`, `manifest.json`. `trajectory`: the arm drawn across, with its (a, γ)
/// points.
pub fn write_phase_dir(
    target: &Path,
    title: &str,
    p: &Portrait,
    trajectory: Option<(&str, Vec<(f64, f64)>)>,
    inputs: &[PathBuf],
    command_line: &[String],
) -> Result<PathBuf, OutputError> {
    let partial = atomic::PartialDir::create(target, atomic::Replace::RunDirOnly, inputs)?;
    let dir = partial.path();
    atomic::write_bytes(&dir.join("basins.csv"), basins_csv(p).as_bytes())?;
    #[cfg(feature = "figures")]
    super::figures::write_phase_figure(
        dir,
        &super::figures::PhaseFigure {
            title,
            portrait: p,
            trajectory: trajectory.clone(),
        },
    )?;
    let manifest = serde_json::json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "phase",
        "patient": title,
        "injury_held": p.injury,
        "grid_points_per_axis": p.grid.n,
        "trajectory": trajectory.map(|t| t.0.to_string()),
        "command_line": command_line,
    });
    write_json(&dir.join("manifest.json"), &manifest)?;
    partial.commit(atomic::Replace::RunDirOnly)
}
