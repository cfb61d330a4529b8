//! Files of `spasm bistability`: the two branches as CSV, as a figure (feature
//! `figures`) and a manifest.

use std::path::{Path, PathBuf};

use super::{atomic, OutputError};
use crate::analysis::bistability::{Branches, BISTABLE_THRESHOLD};

/// Write the run directory of `spasm bistability` atomically at `target`:
/// `bistability.csv`, the figure and `manifest.json` (the set, the number of injury
/// levels and `command_line`). Returns the directory.
pub fn write_bistability_dir(
    target: &Path,
    set: &str,
    rows: &[Branches],
    command_line: &[String],
) -> Result<PathBuf, OutputError> {
    let partial = atomic::PartialDir::create(target, atomic::Replace::RunDirOnly, &[])?;
    write_bistability(partial.path(), set, rows)?;
    let manifest = serde_json::json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "bistability",
        "parameter_set": set,
        "injury_levels": rows.len(),
        "command_line": command_line,
    });
    let path = partial.path().join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|source| OutputError::Json {
        path: path.clone(),
        source,
    })?;
    atomic::write_bytes(&path, text.as_bytes())?;
    partial.commit(atomic::Replace::RunDirOnly)
}

/// Write `bistability.csv`, `bistability.png` and `bistability.svg` into `dir`
/// (which must exist); returns the paths.
pub fn write_bistability(
    dir: &Path,
    set: &str,
    rows: &[Branches],
) -> Result<Vec<PathBuf>, OutputError> {
    let csv = dir.join("bistability.csv");
    let mut text = String::from(
        "injury_1,a_rest_MVC,a_after_effort_MVC,pain_rest_NRS,pain_after_effort_NRS,bistable\n",
    );
    for r in rows {
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            r.injury,
            r.a_rest,
            r.a_after_effort,
            r.pain_rest,
            r.pain_after_effort,
            r.bistable(BISTABLE_THRESHOLD)
        ));
    }
    atomic::write_bytes(&csv, text.as_bytes())?;
    #[cfg(feature = "figures")]
    let figures = super::figures::write_bistability_figure(dir, "bistability", set, rows)?.to_vec();
    #[cfg(not(feature = "figures"))]
    let figures = {
        let _ = set; // only the figure names the set
        Vec::new()
    };
    Ok([vec![csv], figures].concat())
}
