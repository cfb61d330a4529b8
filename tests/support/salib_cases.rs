//! Writes designs, model outputs and our indices for the SALib cross-check
//! (`tests/peers/salib_check.py`), used by `tests/salib.rs`.
//!
//! Cases (all analysed with 1000 bootstrap resamples, 95 % intervals):
//! - `morris_ishigami`: Ishigami, r = 500 trajectories, p = 4 levels;
//! - `sobol_ishigami`: Ishigami, N = 4096;
//! - `morris_ishigami_nan`, `sobol_ishigami_nan`: the same with some outputs set to
//!   NaN (every row `i` with `i % 97 == 13`), to check the NaN policy against SALib
//!   run on the retained trajectories / base rows;
//! - `morris_log`, `sobol_log`: a model of log-uniform factors,
//!   `y = x1 x2² / (1 + x3)` with `x1` log-uniform on [0.1, 10], `x2` log-uniform on
//!   [0.01, 1], `x3` uniform on [0, 5]; Morris with p = 6, r = 300; Sobol' N = 2048.
//!
//! For each case it writes `<case>_X.csv` (factor values), `<case>_U.csv` (unit-cube
//! points), `<case>_Y.csv` (outputs, `NaN` for failures) and an entry of
//! `manifest.json` with the problem, options and our indices.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::ishigami::{ishigami, problem as ishigami_problem};
use serde_json::{json, Value};
use spasm::analysis::sensitivity::{morris, sobol, Bootstrap, Factor, Points, Problem};

/// Bootstrap settings of every case.
pub(crate) const BOOTSTRAP: Bootstrap = Bootstrap {
    resamples: 1000,
    conf_level: 0.95,
};

fn write_csv(path: &Path, rows: impl Iterator<Item = Vec<f64>>) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(fs::File::create(path)?);
    for r in rows {
        let line: Vec<String> = r.iter().map(|v| format!("{v:?}")).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    out.flush()
}

fn ish(x: &Points) -> Vec<f64> {
    x.rows().map(|r| ishigami(&[r[0], r[1], r[2]])).collect()
}

fn log_model(x: &Points) -> Vec<f64> {
    x.rows()
        .map(|r| r[0] * r[1] * r[1] / (1.0 + r[2]))
        .collect()
}

fn with_failures(mut y: Vec<f64>) -> Vec<f64> {
    for (i, v) in y.iter_mut().enumerate() {
        if i % 97 == 13 {
            *v = f64::NAN;
        }
    }
    y
}

fn log_problem() -> Problem {
    Problem::new(vec![
        Factor::log_uniform("x1", 0.1, 10.0),
        Factor::log_uniform("x2", 0.01, 1.0),
        Factor::uniform("x3", 0.0, 5.0),
    ])
    .expect("valid problem")
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn case(
    dir: &Path,
    name: &str,
    method: &str,
    problem: &Problem,
    unit: &Points,
    x: &Points,
    y: &[f64],
    levels: Option<usize>,
    ours: &Value,
) -> std::io::Result<Value> {
    let file = |kind: &str| format!("{name}_{kind}.csv");
    write_csv(&dir.join(file("X")), x.rows().map(<[f64]>::to_vec))?;
    write_csv(&dir.join(file("U")), unit.rows().map(<[f64]>::to_vec))?;
    write_csv(&dir.join(file("Y")), y.iter().map(|&v| vec![v]))?;
    let f = problem.factors();
    Ok(json!({
        "name": name,
        "method": method,
        "names": problem.names(),
        "bounds": f.iter().map(|f| [f.lo, f.hi]).collect::<Vec<_>>(),
        "log": f.iter().map(|f| f.log).collect::<Vec<_>>(),
        "num_levels": levels,
        "num_resamples": BOOTSTRAP.resamples,
        "conf_level": BOOTSTRAP.conf_level,
        "x": file("X"),
        "unit": file("U"),
        "y": file("Y"),
        "ours": ours,
    }))
}

/// Writes every case (`extra` first) and `manifest.json` into `dir` (created if
/// needed); returns the manifest.
pub(crate) fn write_cases(
    dir: &Path,
    extra: Vec<Value>,
) -> Result<Value, Box<dyn std::error::Error>> {
    fs::create_dir_all(dir)?;
    let mut cases = extra;

    let p = ishigami_problem();
    let m = morris::design(&p, 500, 4, 1)?;
    let y = ish(&m.x);
    for (name, y) in [
        ("morris_ishigami", y.clone()),
        ("morris_ishigami_nan", with_failures(y)),
    ] {
        let s = morris::analyze(&m, &y, &BOOTSTRAP)?;
        cases.push(case(
            dir,
            name,
            "morris",
            &p,
            &m.unit,
            &m.x,
            &y,
            Some(m.levels),
            &serde_json::to_value(&s)?,
        )?);
    }
    let d = sobol::design(&p, 4096, 1)?;
    let y = ish(&d.x);
    for (name, y) in [
        ("sobol_ishigami", y.clone()),
        ("sobol_ishigami_nan", with_failures(y)),
    ] {
        let s = sobol::analyze(&d, &y, &BOOTSTRAP)?;
        cases.push(case(
            dir,
            name,
            "sobol",
            &p,
            &d.unit,
            &d.x,
            &y,
            None,
            &serde_json::to_value(&s)?,
        )?);
    }

    let p = log_problem();
    let m = morris::design(&p, 300, 6, 2)?;
    let y = log_model(&m.x);
    let s = morris::analyze(&m, &y, &BOOTSTRAP)?;
    cases.push(case(
        dir,
        "morris_log",
        "morris",
        &p,
        &m.unit,
        &m.x,
        &y,
        Some(m.levels),
        &serde_json::to_value(&s)?,
    )?);
    let d = sobol::design(&p, 2048, 2)?;
    let y = log_model(&d.x);
    let s = sobol::analyze(&d, &y, &BOOTSTRAP)?;
    cases.push(case(
        dir,
        "sobol_log",
        "sobol",
        &p,
        &d.unit,
        &d.x,
        &y,
        None,
        &serde_json::to_value(&s)?,
    )?);

    let manifest = json!({ "cases": cases });
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    Ok(manifest)
}
