//! spasm's side of the peer speed comparison (`benches/peers/compare.py` runs it).
//!
//! The scenario: the `acute_injury` set, settled; a 2 min effort at 50 %MVC at t = 0
//! (tips the injured muscle into spasm); ibuprofen 400 mg + cyclobenzaprine 5 mg
//! every 8 h from 1 h; a 20 min hot pack (43 °C) every day at 2 h; 14 days; output
//! every hour.
//!
//! Writes into `--out DIR`:
//! - `model.xml`: the scenario as SBML (for libRoadRunner);
//! - `plan.json`: parameters (canonical units), derived constants, initial state,
//!   output times, absolute-tolerance scales and the schedule flattened into
//!   segments (drivers, and state jumps as `y[i] ← mul·y[i] + add`) for the SciPy RHS;
//! - `spasm_rhs.py`: the model's right-hand side for SciPy, generated from the
//!   equations in `src/model/` (`spasm export python`);
//! - `spasm.json`: for every `--rtol`, the time per scenario (median of repeats),
//!   solver counters, and P and a at the output times; plus a reference run at
//!   `--ref-rtol`.
//!
//! Run: `cargo run --release --example peer_timing -- --out target/peers-run
//!       --rtol 1e-4,1e-6,1e-8 --ref-rtol 1e-11`

use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;
use spasm::model::{idx, STATE_NAMES, TYPICAL};
use spasm::protocol::{Drug, Effect, Impulse, Schedule};
use spasm::report::exchange::{
    derived_constant_values, parameter_values, plan, to_sbml, DRIVER_NAMES,
};
use spasm::simulation::{grid, simulate, Patient, SolverConfig, Trajectory};

const HOUR: f64 = 3600.0;
const DAY: f64 = 86400.0;

/// The 14-day scenario of the comparison.
fn scenario(days: f64) -> Schedule {
    let t_end = days * DAY;
    let doses = ((t_end - HOUR) / (8.0 * HOUR)).ceil() as usize;
    Schedule::default()
        .window(0.0, 120.0, Effect::Voluntary(0.5))
        .repeat_event(
            HOUR,
            8.0 * HOUR,
            doses,
            Impulse::Dose(Drug::Ibuprofen, 400.0),
        )
        .repeat_event(
            HOUR,
            8.0 * HOUR,
            doses,
            Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
        )
        .repeat_window(
            2.0 * HOUR,
            20.0 * 60.0,
            DAY,
            days.ceil() as usize,
            Effect::SkinHeat(43.0),
        )
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|k| args.get(k + 1).cloned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(arg(&args, "--out").unwrap_or_else(|| "target/peers-run".into()));
    let days: f64 = arg(&args, "--days").map_or(Ok(14.0), |s| s.parse())?;
    let rtols: Vec<f64> = arg(&args, "--rtol")
        .unwrap_or_else(|| "1e-4,1e-6,1e-8".into())
        .split(',')
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()?;
    let ref_rtol: f64 = arg(&args, "--ref-rtol").map_or(Ok(1e-11), |s| s.parse())?;
    let min_time: f64 = arg(&args, "--min-time").map_or(Ok(2.0), |s| s.parse())?;
    let max_repeats: usize = arg(&args, "--repeats").map_or(Ok(20), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;

    let patient = Patient::embedded("acute_injury")?;
    let y0 = patient.rested()?;
    let model = patient.model();
    let t_end = days * DAY;
    let schedule = scenario(days);
    let times = grid(t_end, HOUR);

    // The model for the peers.
    std::fs::write(
        out.join("model.xml"),
        to_sbml(&patient, &y0, Some(&schedule), t_end)?,
    )?;
    let pl = plan(&model.drivers, &schedule, t_end);
    let p = model.params();
    let bio = |d: Drug| match d {
        Drug::Ibuprofen => p.ibu_f,
        Drug::Cyclobenzaprine => p.cbz_f,
        Drug::Tizanidine => p.tiz_f,
    };
    let jumps = |imps: &[Impulse]| -> Vec<serde_json::Value> {
        imps.iter()
            .map(|imp| {
                let (i, mul, add) = match *imp {
                    Impulse::Dose(d, mg) => (
                        match d {
                            Drug::Ibuprofen => idx::IBU_GUT,
                            Drug::Cyclobenzaprine => idx::CBZ_GUT,
                            Drug::Tizanidine => idx::TIZ_GUT,
                        },
                        1.0,
                        bio(d) * mg,
                    ),
                    Impulse::LocalAnaesthetic(mg) => (idx::LA, 1.0, mg),
                    Impulse::Injury(s) => (idx::H, 1.0 - s, s),
                };
                json!({"state": i, "mul": mul, "add": add})
            })
            .collect()
    };
    let drivers = |d: &spasm::model::Drivers| -> serde_json::Value {
        let v = spasm::report::exchange::driver_values(d);
        DRIVER_NAMES
            .iter()
            .zip(v)
            .map(|((n, _, _), x)| (n.to_string(), json!(x)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let mut segments = vec![json!({
        "start": 0.0, "drivers": drivers(&pl.drivers0), "jumps": jumps(&pl.impulses0)
    })];
    segments.extend(pl.steps.iter().map(
        |s| json!({"start": s.time, "drivers": drivers(&s.drivers), "jumps": jumps(&s.impulses)}),
    ));
    let plan_json = json!({
        "scenario": "acute_injury, 2 min 50 %MVC effort at 0, ibuprofen 400 mg + cyclobenzaprine 5 mg every 8 h from 1 h, hot pack 43 °C 20 min daily at 2 h",
        "days": days,
        "t_end": t_end,
        "times": times,
        "states": STATE_NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "typical": TYPICAL,
        "y0": y0.as_slice(),
        "params": parameter_values(p).into_iter().map(|(n, v)| (n.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "derived": derived_constant_values(p).into_iter().map(|(n, v)| (n.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "segments": segments,
    });
    std::fs::write(out.join("plan.json"), serde_json::to_string(&plan_json)?)?;
    // The right-hand side for SciPy, generated from the model's equations.
    std::fs::write(
        out.join("spasm_rhs.py"),
        spasm::report::exchange::python_module(),
    )?;

    // Timing.
    let run = |rtol: f64| -> Result<Trajectory, Box<dyn std::error::Error>> {
        let cfg = SolverConfig {
            rtol,
            ..SolverConfig::default()
        };
        Ok(simulate(model, &y0, &schedule, t_end, &times, &cfg)?)
    };
    let record = |tr: &Trajectory, secs: &[f64]| {
        let mut s = secs.to_vec();
        s.sort_by(f64::total_cmp);
        json!({
            "time_s": s[s.len() / 2],
            "time_min_s": s[0],
            "repeats": s.len(),
            "accepted_steps": tr.stats.accepted_steps,
            "rejected_steps": tr.stats.rejected_steps,
            "rhs_evals": tr.stats.rhs_evals,
            "jacobian_evals": tr.stats.jacobian_evals,
            "P": tr.series(idx::P),
            "a": tr.series(idx::A),
        })
    };
    let mut runs = Vec::new();
    for &rtol in &rtols {
        let mut secs = Vec::new();
        let mut last = None;
        let started = Instant::now();
        while secs.len() < max_repeats
            && (secs.len() < 3 || started.elapsed().as_secs_f64() < min_time)
        {
            let t0 = Instant::now();
            let tr = run(rtol)?;
            secs.push(t0.elapsed().as_secs_f64());
            last = Some(tr);
        }
        let tr = last.expect("at least one run");
        let mut r = record(&tr, &secs);
        r["rtol"] = json!(rtol);
        eprintln!(
            "spasm rtol {rtol:e}: {:.3} ms per scenario ({} runs, {} steps)",
            r["time_s"].as_f64().unwrap_or(0.0) * 1e3,
            secs.len(),
            tr.stats.accepted_steps
        );
        runs.push(r);
    }
    let t0 = Instant::now();
    let reference = run(ref_rtol)?;
    let mut rref = record(&reference, &[t0.elapsed().as_secs_f64()]);
    rref["rtol"] = json!(ref_rtol);
    std::fs::write(
        out.join("spasm.json"),
        serde_json::to_string(&json!({
            "version": env!("CARGO_PKG_VERSION"),
            "method": "RODAS4 (exact Jacobian by forward-mode dual numbers)",
            "runs": runs,
            "reference": rref,
        }))?,
    )?;
    Ok(())
}
