//! Files of `spasm continuation`: the branches, their special points, the fold curves
//! of a second parameter, a summary, the figures (feature `figures`) and a manifest,
//! written atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::json::write_json;
use super::{atomic, OutputError};
use crate::analysis::bifurcation::{held_index, Diagram, FoldCurves};
use crate::continuation::Stability;
use crate::model::{idx, STATE_NAMES};

/// Everything `spasm continuation` computed.
#[derive(Debug, Clone)]
pub struct ContinuationOutput<'a> {
    /// The patient studied (scenario path or set name).
    pub patient: &'a str,
    /// The held inputs, as text.
    pub held: &'a str,
    /// The one-parameter diagram.
    pub diagram: &'a Diagram,
    /// The fold curves, with `--param2`.
    pub folds: Option<&'a FoldCurves>,
}

fn stability_name(s: Stability) -> &'static str {
    match s {
        Stability::Stable => "stable",
        Stability::Unstable => "unstable",
        Stability::NonHyperbolic => "non_hyperbolic",
    }
}

/// The state columns of the CSV files: every state but H, named with its unit.
fn state_header() -> String {
    let mut out = String::new();
    for (_, (n, u)) in STATE_NAMES.iter().enumerate().filter(|(i, _)| *i != idx::H) {
        let _ = write!(out, ",{}_{}", n, u.replace(['°', '.'], ""));
    }
    out
}

fn state_cells(out: &mut String, x: &[f64]) {
    for v in x {
        let _ = write!(out, ",{v}");
    }
}

/// `branches.csv`: one row per branch point (branch, index, parameter in the set's
/// unit, stability, number of unstable eigenvalues, largest real part, every state).
pub fn branches_csv(d: &Diagram) -> String {
    let mut out = format!(
        "branch,point,{}_{},stability,unstable_eigenvalues,max_real_eigenvalue_per_s{}\n",
        d.axis.name,
        d.axis.unit,
        state_header()
    );
    for (b, branch) in d.branches.iter().enumerate() {
        for (k, pt) in branch.points.iter().enumerate() {
            let max_re = pt
                .eigenvalues
                .iter()
                .map(|e| e.re)
                .fold(f64::NEG_INFINITY, f64::max);
            let _ = write!(
                out,
                "{b},{k},{},{},{},{max_re}",
                d.axis.from_canonical(pt.p),
                stability_name(pt.stability),
                pt.n_unstable
            );
            state_cells(&mut out, &pt.x);
            out.push('\n');
        }
    }
    out
}

/// `special_points.csv`: folds and Hopf points.
pub fn special_csv(d: &Diagram) -> String {
    let mut out = format!(
        "branch,kind,{}_{},a_MVC,pain_NRS,omega_rad_per_s,located\n",
        d.axis.name, d.axis.unit
    );
    for s in &d.special {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            s.branch, s.kind, s.value, s.a, s.pain, s.omega, s.located
        );
    }
    out
}

/// `fold_curves.csv`: every point of every fold curve (curve, index, both parameters
/// in their set's units, the normal-form coefficient, contraction and pain).
pub fn fold_curves_csv(f: &FoldCurves) -> String {
    let mut out = format!(
        "curve,point,{}_{},{}_{},normal_form,a_MVC,pain_NRS\n",
        f.p.name, f.p.unit, f.q.name, f.q.unit
    );
    for (c, curve) in f.curves.iter().enumerate() {
        for (k, pt) in curve.points.iter().enumerate() {
            let _ = writeln!(
                out,
                "{c},{k},{},{},{},{},{}",
                f.p.from_canonical(pt.p),
                f.q.from_canonical(pt.q),
                pt.normal_form,
                pt.x[held_index(idx::A)],
                pt.x[held_index(idx::P)]
            );
        }
    }
    out
}

/// `summary.json`.
pub fn summary_json(o: &ContinuationOutput<'_>) -> serde_json::Value {
    let d = o.diagram;
    serde_json::json!({
        "patient": o.patient,
        "held_inputs": o.held,
        "parameter": d.axis,
        "branches": d.branches.iter().map(|b| serde_json::json!({
            "points": b.points.len(),
            "stop": format!("{:?}", b.stop),
        })).collect::<Vec<_>>(),
        "special_points": d.special,
        "bistable_regions": d.regions,
        "named_sets": d.named,
        "failed_starts": d.failures,
        "fold_curves": o.folds.map(|f| serde_json::json!({
            "second_parameter": f.q,
            "curves": f.curves.iter().map(|c| serde_json::json!({
                "points": c.points.len(),
                "stop": format!("{:?}", c.stop),
            })).collect::<Vec<_>>(),
            "cusps": f.cusps,
            "bogdanov_takens": f.bogdanov_takens,
            "failures": f.failures,
        })),
    })
}

/// Write the run directory of `spasm continuation` atomically at `target`; returns it.
pub fn write_continuation_dir(
    target: &Path,
    o: &ContinuationOutput<'_>,
    inputs: &[PathBuf],
    command_line: &[String],
) -> Result<PathBuf, OutputError> {
    let partial = atomic::PartialDir::create(target, atomic::Replace::RunDirOnly, inputs)?;
    let dir = partial.path();
    atomic::write_bytes(
        &dir.join("branches.csv"),
        branches_csv(o.diagram).as_bytes(),
    )?;
    atomic::write_bytes(
        &dir.join("special_points.csv"),
        special_csv(o.diagram).as_bytes(),
    )?;
    if let Some(f) = o.folds {
        atomic::write_bytes(&dir.join("fold_curves.csv"), fold_curves_csv(f).as_bytes())?;
    }
    write_json(&dir.join("summary.json"), &summary_json(o))?;
    #[cfg(feature = "figures")]
    {
        super::figures::write_bifurcation_figure(dir, o)?;
        if let Some(f) = o.folds {
            super::figures::write_fold_curve_figure(dir, o.patient, f)?;
        }
    }
    write_json(
        &dir.join("manifest.json"),
        &serde_json::json!({
            "program": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "command": "continuation",
            "patient": o.patient,
            "parameter": o.diagram.axis.name,
            "second_parameter": o.folds.map(|f| f.q.name.clone()),
            "command_line": command_line,
        }),
    )?;
    partial.commit(atomic::Replace::RunDirOnly)
}
