//! diffsol's BDF on spasm's 14-day treated scenario, for `benches/peers/compare.py`.
//!
//! The same model (spasm's generated right-hand side and its exact Jacobian, through
//! a Jacobian-vector product), the same patient (`acute_injury`, rested), the same
//! schedule (`treated_episode(14)`, flattened by `spasm::report::exchange::plan`),
//! the same tolerances (`rtol`, `atol_i = rtol × TYPICAL_i`) and the same hourly
//! outputs as spasm. Segment by segment, as spasm and the SciPy runs do: integrate
//! to the next scheduled time exactly, apply the state jumps there (`Impulse::apply`),
//! switch the drivers, and restart BDF at order 1 with a fresh step-size estimate
//! and a fresh Jacobian (as CVODE does after a reinitialisation).
//!
//! Run: `cargo run --release --manifest-path benches/peers/diffsol/Cargo.toml --
//!       --rtol 1e-4,1e-6,1e-8 --repeats 1 --out target/peers-run/diffsol.json`
//!
//! Writes, for every rtol: the wall times of `--repeats` runs (after one untimed
//! warm-up run), diffsol's counters and all 21 states at the output times.

use std::cell::{Cell, RefCell};
use std::time::Instant;

use diffsol::{
    NalgebraLU, NalgebraMat, NonLinearOp, OdeBuilder, OdeEquations, OdeSolverMethod,
    OdeSolverState, OdeSolverStopReason, Op,
};
use serde_json::json;
use spasm::analysis::validate::treated_episode;
use spasm::model::{Model, State, JACOBIAN_NONZEROS, NS, STATE_NAMES, TYPICAL};
use spasm::protocol::{Drug, Impulse};
use spasm::report::exchange::plan;
use spasm::simulation::{grid, Patient};
use spasm::units::{DAY, HOUR};

type Error = Box<dyn std::error::Error>;
type LU = NalgebraLU<f64>;
/// The last exact Jacobian: (segment, state, values in `Model::jacobian_pattern` order).
type LastJacobian = Option<(usize, [f64; NS], [f64; JACOBIAN_NONZEROS])>;

/// One stretch between scheduled times: the model with that stretch's drivers, and
/// the impulses applied at its start.
struct Segment {
    start: f64,
    end: f64,
    model: Model,
    impulses: Vec<Impulse>,
}

/// The schedule flattened into segments (spasm's own flattening, as exported to SBML).
fn segments(base: &Model, days: usize) -> Vec<Segment> {
    let t_end = days as f64 * DAY;
    let pl = plan(&base.drivers, &treated_episode(days), t_end);
    let mut starts = vec![(0.0, pl.drivers0, pl.impulses0)];
    starts.extend(
        pl.steps
            .into_iter()
            .map(|s| (s.time, s.drivers, s.impulses)),
    );
    let ends: Vec<f64> = starts.iter().skip(1).map(|s| s.0).chain([t_end]).collect();
    starts
        .into_iter()
        .zip(ends)
        .map(|((start, drivers, impulses), end)| {
            let mut model = base.clone();
            model.drivers = drivers;
            Segment {
                start,
                end,
                model,
                impulses,
            }
        })
        .collect()
}

/// What one run reports.
struct Run {
    states: Vec<[f64; NS]>,
    steps: usize,
    error_test_failures: usize,
    linear_solver_setups: usize,
    rhs_evals: usize,
    jacobian_evals: usize,
}

/// One 14-day scenario at `rtol`, output at `times`.
fn run(segs: &[Segment], y0: &State, times: &[f64], rtol: f64) -> Result<Run, Error> {
    let p = segs[0].model.params();
    let bioavailability = |d: Drug| match d {
        Drug::Ibuprofen => p.ibu_f,
        Drug::Cyclobenzaprine => p.cbz_f,
        Drug::Tizanidine => p.tiz_f,
    };
    let pattern = Model::jacobian_pattern();
    // The segment whose drivers are in force: the closures read it.
    let seg = Cell::new(0usize);
    let state_of = |x: &[f64]| -> [f64; NS] { x.try_into().expect("21 states") };
    // diffsol assembles its dense Jacobian column by column from J·v; the exact
    // sparse Jacobian is computed once per (segment, y) and reused for the columns.
    let last_jacobian: RefCell<LastJacobian> = RefCell::new(None);
    let jacobians = Cell::new(0usize);
    let problem = OdeBuilder::<NalgebraMat<f64>>::new()
        .rtol(rtol)
        .atol(TYPICAL.iter().map(|t| rtol * t))
        .rhs_implicit(
            |x, _p, _t, f| f.copy_from_slice(&segs[seg.get()].model.rhs_at(&state_of(x))),
            |x, _p, _t, v, jv| {
                let x = state_of(x);
                let mut last = last_jacobian.borrow_mut();
                if !matches!(*last, Some((k, y, _)) if k == seg.get() && y == x) {
                    let (_, values) = segs[seg.get()].model.rhs_and_jacobian_at(&x);
                    *last = Some((seg.get(), x, values));
                    jacobians.set(jacobians.get() + 1);
                }
                let values = &last.as_ref().expect("just set").2;
                jv.fill(0.0);
                for (&(r, c), j) in pattern.iter().zip(values) {
                    jv[r] += j * v[c];
                }
            },
        )
        .init(|_p, _t, y| y.copy_from_slice(y0.as_slice()), NS)
        .build()?;

    let mut out = Vec::with_capacity(times.len());
    let mut next = 0; // the next output time
    let mut counters = [0usize; 3];
    let mut state = problem.bdf_state::<LU>()?;
    let mut y = *y0;
    for (k, s) in segs.iter().enumerate() {
        seg.set(k);
        for imp in &s.impulses {
            imp.apply(&mut y, bioavailability);
        }
        // Restart: the jumped state, its derivative under the new drivers, and a new
        // first step (diffsol re-initialises the BDF history from y and dy).
        {
            let st = state.as_mut();
            st.y.batch_as_mut_slice(0).copy_from_slice(y.as_slice());
            *st.t = s.start;
            problem.eqn.rhs().call_inplace(st.y, s.start, st.dy);
        }
        state
            .as_mut()
            .set_step_size(problem.h0, &problem.atol, problem.rtol, &problem.eqn, 1);
        while next < times.len() && times[next] <= s.start {
            out.push(state_of(y.as_slice()));
            next += 1;
        }
        if s.end <= s.start {
            continue;
        }
        let mut solver = problem.bdf_solver::<LU>(state)?;
        solver.set_stop_time(s.end)?;
        loop {
            let reason = solver.step()?;
            let t = solver.state().t;
            while next < times.len() && times[next] < s.end && times[next] <= t {
                out.push(state_of(solver.interpolate(times[next])?.batch_as_slice(0)));
                next += 1;
            }
            if matches!(reason, OdeSolverStopReason::TstopReached) {
                break;
            }
        }
        let st = solver.get_statistics();
        counters[0] += st.number_of_steps;
        counters[1] += st.number_of_error_test_failures;
        counters[2] += st.number_of_linear_solver_setups;
        state = solver.into_state();
        y.as_mut_slice()
            .copy_from_slice(state.as_ref().y.batch_as_slice(0));
    }
    while next < times.len() {
        out.push(state_of(y.as_slice()));
        next += 1;
    }
    Ok(Run {
        states: out,
        steps: counters[0],
        error_test_failures: counters[1],
        linear_solver_setups: counters[2],
        rhs_evals: problem.eqn.rhs().statistics().number_of_calls,
        jacobian_evals: jacobians.get(),
    })
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|k| args.get(k + 1).cloned())
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let out = arg(&args, "--out").unwrap_or_else(|| "target/peers-run/diffsol.json".into());
    let days: usize = arg(&args, "--days").map_or(Ok(14), |s| s.parse())?;
    let repeats: usize = arg(&args, "--repeats").map_or(Ok(1), |s| s.parse())?;
    let rtols: Vec<f64> = arg(&args, "--rtol")
        .unwrap_or_else(|| "1e-4,1e-6,1e-8".into())
        .split(',')
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()?;

    let patient = Patient::embedded("acute_injury")?;
    let y0 = patient.rested()?;
    let segs = segments(patient.model(), days);
    let times = grid(days as f64 * DAY, HOUR);

    let mut runs = Vec::new();
    for &rtol in &rtols {
        let mut r = run(&segs, &y0, &times, rtol)?; // warm-up, and the trajectory
        let mut secs = Vec::new();
        for _ in 0..repeats {
            let t0 = Instant::now();
            r = run(&segs, &y0, &times, rtol)?;
            secs.push(t0.elapsed().as_secs_f64());
        }
        let states: serde_json::Map<String, serde_json::Value> = STATE_NAMES
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let series: Vec<f64> = r.states.iter().map(|y| y[i]).collect();
                (name.to_string(), json!(series))
            })
            .collect();
        eprintln!(
            "diffsol BDF rtol {rtol:e}: {:.2} ms, {} steps",
            secs.iter().copied().fold(f64::INFINITY, f64::min) * 1e3,
            r.steps
        );
        runs.push(json!({
            "rtol": rtol,
            "times_s": secs,
            "steps": r.steps,
            "error_test_failures": r.error_test_failures,
            "linear_solver_setups": r.linear_solver_setups,
            "rhs_evals": r.rhs_evals,
            "jacobian_evals": r.jacobian_evals,
            "states": states,
        }));
    }
    std::fs::write(
        &out,
        serde_json::to_string(&json!({
            "solver": "diffsol 0.19.0 BDF (nalgebra dense LU, exact Jacobian from spasm)",
            "times": times,
            "runs": runs,
        }))?,
    )?;
    Ok(())
}
