//! Files of `spasm escape`: the escape scale and relapse margin per arm as CSV and
//! JSON, a bar chart (feature `figures`) and a manifest, written atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::json::write_json;
use super::{atomic, OutputError};
use crate::analysis::escape::{Escape, MAX_SCALE};

/// Everything `spasm escape` computed.
#[derive(Debug, Clone)]
pub struct EscapeOutput<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// The reference arm.
    pub reference: &'a str,
    /// The cycle must be broken from this time on, h.
    pub broken_from_h: f64,
    /// One row per arm studied.
    pub rows: &'a [Escape],
}

/// A fraction of MVC as %MVC, or empty.
fn pct(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{}", 100.0 * x))
}

/// `escape.csv`: arm, knob, whether it breaks the cycle as scheduled, the escape
/// scale (empty: not reached up to the largest factor), the check at the largest
/// factor, the relapse margin in %MVC (empty: no effort tips the patient back), runs.
pub fn escape_csv(o: &EscapeOutput<'_>) -> String {
    let mut out = String::from(
        "arm,scaled,breaks_as_scheduled,escape_scale,breaks_at_max_scale,relapse_margin_pct_MVC,runs\n",
    );
    for r in o.rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            csv_field(&r.arm),
            serde_json::to_value(r.knob)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            r.breaks_as_scheduled,
            r.escape_scale.map_or(String::new(), |s| s.to_string()),
            r.monotone_check,
            pct(r.relapse_margin),
            r.runs
        );
    }
    out
}

/// A CSV field, quoted when it holds a comma or a quote.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Write the run directory of `spasm escape` atomically at `target`; returns it.
pub fn write_escape_dir(
    target: &Path,
    o: &EscapeOutput<'_>,
    inputs: &[PathBuf],
    command_line: &[String],
) -> Result<PathBuf, OutputError> {
    let partial = atomic::PartialDir::create(target, atomic::Replace::RunDirOnly, inputs)?;
    let dir = partial.path();
    atomic::write_bytes(&dir.join("escape.csv"), escape_csv(o).as_bytes())?;
    write_json(
        &dir.join("escape.json"),
        &serde_json::json!({
            "scenario": o.scenario,
            "reference": o.reference,
            "broken_from_h": o.broken_from_h,
            "max_scale": MAX_SCALE,
            "arms": o.rows,
        }),
    )?;
    #[cfg(feature = "figures")]
    super::figures::write_chart(dir, "escape", &chart(o))?;
    write_json(
        &dir.join("manifest.json"),
        &serde_json::json!({
            "program": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "command": "escape",
            "scenario": o.scenario,
            "command_line": command_line,
        }),
    )?;
    partial.commit(atomic::Replace::RunDirOnly)
}

/// The bar chart: escape scale and relapse margin per arm.
#[cfg(feature = "figures")]
fn chart(o: &EscapeOutput<'_>) -> super::figures::Chart {
    use super::figures::{Chart, Mark, Panel};
    Chart {
        title: format!("{} — how much treatment breaks the cycle", o.scenario),
        subtitle: format!(
            "Factor on each arm's doses (or session durations) needed to be out of spasm from {} h to the end, vs '{}'; n.r. = not reached up to ×{MAX_SCALE}. Margin: the 2-min effort that tips the patient back at {} h",
            o.broken_from_h, o.reference, o.broken_from_h
        ),
        rows: o.rows.iter().map(|r| r.arm.clone()).collect(),
        reference: None,
        panels: vec![
            Panel {
                title: "Escape factor (× as scheduled)".into(),
                marks: o
                    .rows
                    .iter()
                    .map(|r| Mark::Bar(r.escape_scale.unwrap_or(f64::NAN)))
                    .collect(),
                decimals: 2,
                range: Some((0.0, MAX_SCALE)),
            },
            Panel {
                title: "Relapse margin (%MVC effort)".into(),
                marks: o
                    .rows
                    .iter()
                    .map(|r| Mark::Bar(r.relapse_margin.map_or(f64::NAN, |m| 100.0 * m)))
                    .collect(),
                decimals: 1,
                range: Some((0.0, 100.0)),
            },
        ],
    }
}
