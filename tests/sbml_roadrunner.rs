//! Cross-check of the SBML export against libRoadRunner (CVODE), and validation with
//! python-libsbml.
//!
//! The `acute_injury` set, settled, with a scenario: a 2 min effort at 50 %MVC at
//! t = 0, ibuprofen 400 mg + cyclobenzaprine 5 mg at 1 h and every 8 h (3 times), a
//! hot pack (43 °C at the skin) for 20 min at 2 h; one day. spasm (RODAS4, rtol 1e-9)
//! and libRoadRunner (rtol 1e-10, atol 1e-12) must agree on every state and every
//! algebraic quantity (assignment rule) at every output time (every 10 min) to 1e-6 relative,
//! with an absolute floor per variable (see [`floor`]).
//!
//! Python peers live in a virtual environment `target/peers-venv`, created on first
//! use (`python3 -m venv`, then `pip install -r benches/peers/requirements.txt` from
//! the package index) and reused afterwards; `SPASM_PEERS_PYTHON` may name another
//! interpreter that has them. If the environment cannot be created (no network, no
//! `python3`), the test prints one `skipped:` line and passes, unless
//! `SPASM_REQUIRE_PEERS=1`, which makes it fail and say why.

use std::process::Command;

use spasm::model::{Algebraic, STATE_NAMES, TYPICAL};
use spasm::protocol::{Drug, Effect, Impulse, Schedule};
use spasm::report::exchange::to_sbml;
use spasm::simulation::{grid, simulate, Patient, SolverConfig};

#[path = "support/peer_env.rs"]
mod peer_env;

const HOUR: f64 = 3600.0;
const REQUIREMENTS: &str = include_str!("../benches/peers/requirements.txt");
const DRIVER: &str = include_str!("peers/sbml_check.py");

/// Absolute floor of the comparison for a state: `TYPICAL[i] × 1e-6`.
///
/// Why: several variables sit at or pass through zero (drug amounts before the
/// first dose, X, Y, la_depot, γ and Z at rest), where a relative comparison is
/// meaningless. spasm controls each state's error against `atol_i = rtol ×
/// TYPICAL[i]` = 1e-9 × TYPICAL[i] per step (CVODE here: 1e-12), and the global
/// error over a day is at most a few hundred times the local tolerance; 1e-6 ×
/// TYPICAL[i] is therefore the resolution both trajectories have, the size of the
/// 1e-6 relative tolerance at the variable's typical size.
fn floor(i: usize) -> f64 {
    TYPICAL[i] * 1e-6
}

#[test]
fn sbml_export_agrees_with_libroadrunner_and_validates() {
    let python = match peer_env::python_env(
        "peers-venv",
        REQUIREMENTS,
        "SPASM_PEERS_PYTHON",
        "libroadrunner, python-libsbml, scipy and numpy",
    ) {
        Ok(p) => p,
        Err(reason) => {
            peer_env::skip(&format!("the Python peers are not available: {reason}"));
            return;
        }
    };

    let patient = Patient::embedded("acute_injury").unwrap();
    let y0 = patient.rested().unwrap();
    let model = patient.model();
    let schedule = Schedule::default()
        .window(0.0, 120.0, Effect::Voluntary(0.5))
        .repeat_event(HOUR, 8.0 * HOUR, 3, Impulse::Dose(Drug::Ibuprofen, 400.0))
        .repeat_event(
            HOUR,
            8.0 * HOUR,
            3,
            Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
        )
        .window(2.0 * HOUR, 20.0 * 60.0, Effect::SkinHeat(43.0));
    let t_end = 24.0 * HOUR;
    let times = grid(t_end, 600.0);

    let xml = to_sbml(&patient, &y0, Some(&schedule), t_end).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sbml_path = dir.path().join("acute_injury.xml");
    std::fs::write(&sbml_path, &xml).unwrap();

    let cfg = SolverConfig {
        rtol: 1e-9,
        ..SolverConfig::default()
    };
    let tr = simulate(model, &y0, &schedule, t_end, &times, &cfg).unwrap();
    // spasm's values per column: states, then every algebraic quantity (an SBML
    // assignment rule) with the drivers in force at each sample.
    let mut columns: Vec<(String, f64, Vec<f64>)> = STATE_NAMES
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.to_string(), floor(i), tr.series(i)))
        .collect();
    let mut m = model.clone();
    let algebraic: Vec<[f64; 23]> = tr
        .states
        .iter()
        .zip(&tr.drivers)
        .map(|(y, d)| {
            m.drivers = *d;
            m.algebraic(&y.data.0[0]).values()
        })
        .collect();
    for (j, (name, _, _)) in Algebraic::<f64>::NAMES.iter().enumerate() {
        let series: Vec<f64> = algebraic.iter().map(|v| v[j]).collect();
        // Floor: 1e-6 of the quantity's largest size over the day (its resolution,
        // as TYPICAL × 1e-6 is for the states).
        let size = series.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        columns.push((name.to_string(), size * 1e-6, series));
    }

    let request = serde_json::json!({
        "times": times,
        "selections": columns.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
        "rtol": 1e-10,
        "atol": 1e-12,
    });
    let req_path = dir.path().join("request.json");
    std::fs::write(&req_path, request.to_string()).unwrap();
    let script = dir.path().join("sbml_check.py");
    std::fs::write(&script, DRIVER).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&sbml_path)
        .arg(&req_path)
        .output()
        .expect("run the peers' python");
    assert!(
        out.status.success(),
        "sbml_check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    // libsbml: no errors (warnings are printed).
    let errors = res["errors"].as_u64().unwrap();
    let warnings = res["warnings"].as_u64().unwrap();
    let messages: Vec<&str> = res["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    println!(
        "libsbml {}: {errors} errors, {warnings} warnings",
        res["libsbml_version"]
    );
    for m in &messages {
        println!("  {m}");
    }
    assert_eq!(
        errors,
        0,
        "libsbml reports errors:\n{}",
        messages.join("\n")
    );

    // libRoadRunner vs spasm.
    let rr_times: Vec<f64> = res["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(rr_times.len(), times.len());
    for (a, b) in rr_times.iter().zip(&times) {
        assert!((a - b).abs() < 1e-9, "output time {a} vs {b}");
    }
    let rows = res["values"].as_array().unwrap();
    let mut worst = (0.0f64, String::new());
    let mut failures = Vec::new();
    println!(
        "libRoadRunner {} ({:.2} s) vs spasm RODAS4 ({:.2} s, {} steps):",
        res["roadrunner_version"],
        res["wall_s"].as_f64().unwrap_or(f64::NAN),
        tr.wall_time_s,
        tr.stats.accepted_steps
    );
    for (j, (name, abs_floor, sp)) in columns.iter().enumerate() {
        let mut col_worst = (0.0f64, 0.0f64, 0usize);
        for (k, row) in rows.iter().enumerate() {
            let rr = row[j].as_f64().unwrap_or(f64::NAN);
            let s = sp[k];
            let diff = (rr - s).abs();
            let rel = diff / s.abs().max(*abs_floor * 1e4).max(f64::MIN_POSITIVE);
            let ok = diff <= 1e-6 * s.abs() + abs_floor;
            if !ok {
                failures.push(format!(
                    "{name} at t = {} s: spasm {s:e}, roadrunner {rr:e}",
                    times[k]
                ));
            }
            if rel > col_worst.0 || rel.is_nan() {
                col_worst = (rel, diff, k);
            }
        }
        println!(
            "  {name:12} worst relative difference {:.2e} (|Δ| {:.2e} at t = {} h)",
            col_worst.0,
            col_worst.1,
            times[col_worst.2] / HOUR
        );
        if col_worst.0 > worst.0 || col_worst.0.is_nan() {
            worst = (col_worst.0, name.clone());
        }
    }
    println!("worst relative difference: {:.2e} ({})", worst.0, worst.1);
    assert!(
        failures.is_empty(),
        "{} disagreements, first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
