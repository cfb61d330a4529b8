//! spasm's side of the peer speed comparison (`benches/peers/compare.py` runs it).
//!
//! The scenario is the project's 14-day treated episode,
//! `spasm::analysis::validate::treated_episode(14)`, on the `acute_injury` patient
//! settled at rest (`Patient::rested`), with output every hour.
//!
//! Two modes:
//! - `--out DIR` (default `target/peers-run`) writes
//!   - `model.xml`: the scenario as SBML (for libRoadRunner);
//!   - `plan.json`: parameters (canonical units), derived constants, initial state,
//!     output times, absolute-tolerance scales and the schedule flattened into
//!     segments (drivers, and state jumps as `y[i] ← mul·y[i] + add`) for SciPy;
//!   - `spasm_rhs.py`: the model's right-hand side and exact Jacobian for SciPy,
//!     generated from the equations in `src/model/` (`spasm export python`);
//!   - `spasm.json`: for every `--rtol` and for the reference run at `--ref-rtol`:
//!     the wall times of `--repeats` runs (after one untimed warm-up run), solver
//!     counters and all 21 states at the output times.
//! - `--time-only` prints `{"rtol": [...], "times_s": [[...], ...]}` to standard
//!   output: the wall times of `--repeats` runs per rtol after one warm-up run, for
//!   the interleaved timing rounds of `compare.py`.
//!
//! Run: `cargo run --release --example peer_timing -- --out target/peers-run
//!       --rtol 1e-4,1e-6,1e-8 --ref-rtol 1e-11`

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Map, Value};
use spasm::analysis::validate::treated_episode;
use spasm::model::{idx, Drivers, STATE_NAMES, TYPICAL};
use spasm::protocol::{Drug, Impulse};
use spasm::report::exchange::{
    derived_constant_values, driver_values, parameter_values, plan, python_module, to_sbml,
    DRIVER_NAMES,
};
use spasm::simulation::{grid, simulate, Patient, SolverConfig, Trajectory};
use spasm::units::{DAY, HOUR};

type Error = Box<dyn std::error::Error>;

const SCENARIO: &str = "acute_injury, settled 12 h at rest; treated_episode(14): a 2 min \
    effort at 50 %MVC at t = 0, ibuprofen 400 mg + cyclobenzaprine 5 mg every 8 h from 1 h \
    (42 doses each), a 20 min hot pack at 43 °C every day from 1 h (14 sessions); \
    14 days; output every hour";

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|k| args.get(k + 1).cloned())
}

fn names_to_values(pairs: Vec<(&str, f64)>) -> Value {
    pairs
        .into_iter()
        .map(|(n, v)| (n.to_string(), json!(v)))
        .collect::<Map<_, _>>()
        .into()
}

/// The schedule flattened into segments for the SciPy right-hand side.
fn plan_json(patient: &Patient, y0: &[f64], days: usize, times: &[f64]) -> Value {
    let model = patient.model();
    let p = model.params();
    let t_end = days as f64 * DAY;
    let pl = plan(&model.drivers, &treated_episode(days), t_end);
    let jumps = |imps: &[Impulse]| -> Vec<Value> {
        imps.iter()
            .map(|imp| {
                let (i, mul, add) = match *imp {
                    Impulse::Dose(Drug::Ibuprofen, mg) => (idx::IBU_GUT, 1.0, p.ibu_f * mg),
                    Impulse::Dose(Drug::Cyclobenzaprine, mg) => (idx::CBZ_GUT, 1.0, p.cbz_f * mg),
                    Impulse::Dose(Drug::Tizanidine, mg) => (idx::TIZ_GUT, 1.0, p.tiz_f * mg),
                    Impulse::LocalAnaesthetic(mg) => (idx::LA, 1.0, mg),
                    Impulse::Injury(s) => (idx::H, 1.0 - s, s),
                };
                json!({"state": i, "mul": mul, "add": add})
            })
            .collect()
    };
    let drivers = |d: &Drivers| -> Value {
        names_to_values(
            DRIVER_NAMES
                .iter()
                .zip(driver_values(d))
                .map(|((n, _, _), x)| (*n, x))
                .collect(),
        )
    };
    let mut segments = vec![
        json!({"start": 0.0, "drivers": drivers(&pl.drivers0), "jumps": jumps(&pl.impulses0)}),
    ];
    segments.extend(pl.steps.iter().map(
        |s| json!({"start": s.time, "drivers": drivers(&s.drivers), "jumps": jumps(&s.impulses)}),
    ));
    json!({
        "scenario": SCENARIO,
        "days": days,
        "t_end": t_end,
        "times": times,
        "states": STATE_NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "typical": TYPICAL,
        "y0": y0,
        "params": names_to_values(parameter_values(p)),
        "derived": names_to_values(derived_constant_values(p)),
        "segments": segments,
    })
}

/// Wall times of `repeats` runs after one warm-up run, and the last trajectory.
fn timed(
    repeats: usize,
    run: impl Fn() -> Result<Trajectory, Error>,
) -> Result<(Vec<f64>, Trajectory), Error> {
    let mut tr = run()?;
    let mut secs = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t0 = Instant::now();
        tr = run()?;
        secs.push(t0.elapsed().as_secs_f64());
    }
    Ok((secs, tr))
}

fn record(rtol: f64, secs: &[f64], tr: &Trajectory) -> Value {
    let states: Map<String, Value> = STATE_NAMES
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.to_string(), json!(tr.series(i))))
        .collect();
    json!({
        "rtol": rtol,
        "times_s": secs,
        "accepted_steps": tr.stats.accepted_steps,
        "rejected_steps": tr.stats.rejected_steps,
        "rhs_evals": tr.stats.rhs_evals,
        "jacobian_evals": tr.stats.jacobian_evals,
        "lu_decompositions": tr.stats.lu_decompositions,
        "states": states,
    })
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(arg(&args, "--out").unwrap_or_else(|| "target/peers-run".into()));
    let days: usize = arg(&args, "--days").map_or(Ok(14), |s| s.parse())?;
    let rtols: Vec<f64> = arg(&args, "--rtol")
        .unwrap_or_else(|| "1e-4,1e-6,1e-8".into())
        .split(',')
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()?;
    let ref_rtol: f64 = arg(&args, "--ref-rtol").map_or(Ok(1e-11), |s| s.parse())?;
    let repeats: usize = arg(&args, "--repeats").map_or(Ok(1), |s| s.parse())?;
    let time_only = args.iter().any(|a| a == "--time-only");

    let patient = Patient::embedded("acute_injury")?;
    let y0 = patient.rested()?;
    let t_end = days as f64 * DAY;
    let schedule = treated_episode(days);
    let times = grid(t_end, HOUR);
    let run = |rtol: f64| -> Result<Trajectory, Error> {
        let cfg = SolverConfig {
            rtol,
            ..SolverConfig::default()
        };
        Ok(simulate(
            patient.model(),
            &y0,
            &schedule,
            t_end,
            &times,
            &cfg,
        )?)
    };

    if time_only {
        let mut all = Vec::new();
        for &rtol in &rtols {
            all.push(timed(repeats, || run(rtol))?.0);
        }
        println!("{}", json!({"rtol": rtols, "times_s": all}));
        return Ok(());
    }

    std::fs::create_dir_all(&out)?;
    std::fs::write(
        out.join("model.xml"),
        to_sbml(&patient, &y0, Some(&schedule), t_end)?,
    )?;
    std::fs::write(
        out.join("plan.json"),
        serde_json::to_string(&plan_json(&patient, y0.as_slice(), days, &times))?,
    )?;
    std::fs::write(out.join("spasm_rhs.py"), python_module())?;
    let mut runs = Vec::new();
    for &rtol in &rtols {
        let (secs, tr) = timed(repeats, || run(rtol))?;
        eprintln!(
            "spasm rtol {rtol:e}: {:.2} ms, {} steps",
            secs.iter().copied().fold(f64::INFINITY, f64::min) * 1e3,
            tr.stats.accepted_steps
        );
        runs.push(record(rtol, &secs, &tr));
    }
    let (secs, reference) = timed(1, || run(ref_rtol))?;
    std::fs::write(
        out.join("spasm.json"),
        serde_json::to_string(&json!({
            "version": env!("CARGO_PKG_VERSION"),
            "method": "RODAS4, generated analytic sparse Jacobian, block-triangular LU",
            "runs": runs,
            "reference": record(ref_rtol, &secs, &reference),
        }))?,
    )?;
    Ok(())
}
