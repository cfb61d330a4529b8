//! Running the model over a schedule: segment boundaries at every scheduled time,
//! events applied exactly there, output on the user's grid by dense output.

use std::time::Instant;

mod patient;
mod system;

pub use patient::{Patient, REST_SETTLE_S};

use crate::model::{Drivers, Model, State, NS, TYPICAL};
use crate::protocol::{Drug, Schedule};
use crate::solver::{
    explicit::Dopri5, rodas::Rodas4, Integrator, SolverError, Stats, StepLimits, Tolerances,
};

/// Which integrator to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SolverKind {
    /// RODAS4, stiff (default).
    #[default]
    Rodas4,
    /// Dormand–Prince 5(4) from ode_solvers, explicit (cross-check only).
    Dopri5,
}

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SolverConfig {
    /// The method.
    pub kind: SolverKind,
    /// Relative tolerance (default 1e-5); absolute tolerances are `rtol × TYPICAL`.
    pub rtol: f64,
    /// Largest step, s.
    pub max_step: f64,
}

impl Default for SolverConfig {
    fn default() -> Self {
        Self {
            kind: SolverKind::Rodas4,
            rtol: 1e-5,
            max_step: f64::INFINITY,
        }
    }
}

/// A simulated trajectory on the output grid.
#[derive(Debug, Clone, Default)]
pub struct Trajectory {
    /// Output times, s.
    pub times: Vec<f64>,
    /// States at those times (after any event at that time).
    pub states: Vec<State>,
    /// Drivers in force at those times.
    pub drivers: Vec<Drivers>,
    /// Solver counters.
    pub stats: Stats,
    /// Wall-clock time of the integration, s.
    pub wall_time_s: f64,
}

impl Trajectory {
    /// Values of state `i` over time.
    pub fn series(&self, i: usize) -> Vec<f64> {
        self.states.iter().map(|y| y[i]).collect()
    }

    /// The last state.
    pub fn last(&self) -> &State {
        self.states
            .last()
            .expect("a trajectory has at least one point")
    }
}

fn tolerances(rtol: f64) -> Tolerances<NS> {
    Tolerances {
        rtol,
        atol: State::from(TYPICAL) * rtol,
    }
}

/// Simulate `model` from `y0` at t = 0 to `t_end` (s) under `schedule`, reporting
/// at `samples` (sorted, within [0, t_end]).
pub fn simulate(
    model: &Model,
    y0: &State,
    schedule: &Schedule,
    t_end: f64,
    samples: &[f64],
    cfg: &SolverConfig,
) -> Result<Trajectory, SolverError> {
    let limits = StepLimits {
        max: cfg.max_step,
        ..StepLimits::default()
    };
    match cfg.kind {
        SolverKind::Rodas4 => run(
            Rodas4::new(tolerances(cfg.rtol), limits),
            model,
            y0,
            schedule,
            t_end,
            samples,
        ),
        SolverKind::Dopri5 => run(
            Dopri5::new(cfg.rtol, cfg.rtol * 1e-3, limits),
            model,
            y0,
            schedule,
            t_end,
            samples,
        ),
    }
}

fn run<I: Integrator<NS>>(
    mut solver: I,
    model: &Model,
    y0: &State,
    schedule: &Schedule,
    t_end: f64,
    samples: &[f64],
) -> Result<Trajectory, SolverError> {
    let start = Instant::now();
    let base = model.drivers;
    let mut m = model.clone();
    let p = model.params();
    let bio = |d: Drug| match d {
        Drug::Ibuprofen => p.ibu_f,
        Drug::Cyclobenzaprine => p.cbz_f,
        Drug::Tizanidine => p.tiz_f,
    };
    let mut bounds = vec![0.0];
    bounds.extend(schedule.boundaries(0.0, t_end));
    bounds.push(t_end);

    let mut out = Trajectory::default();
    let mut y = *y0;
    let mut si = 0;
    for (k, &t0) in bounds.iter().enumerate() {
        for e in schedule.events.iter().filter(|e| e.time == t0) {
            e.impulse.apply(&mut y, bio);
        }
        m.drivers = schedule.drivers_at(t0, &base);
        while si < samples.len() && samples[si] <= t0 {
            out.times.push(samples[si]);
            out.states.push(y);
            out.drivers.push(m.drivers);
            si += 1;
        }
        let Some(&t1) = bounds.get(k + 1) else { break };
        let first = si;
        while si < samples.len() && samples[si] < t1 {
            si += 1;
        }
        let inner = &samples[first..si];
        let d = m.drivers;
        y = solver.integrate(&m, t0, &y, t1, inner, &mut |t, yy| {
            out.times.push(t);
            out.states.push(*yy);
            out.drivers.push(d);
        })?;
    }
    out.stats = solver.stats();
    out.wall_time_s = start.elapsed().as_secs_f64();
    Ok(out)
}

/// An evenly spaced output grid from 0 to `t_end` inclusive, s.
pub fn grid(t_end: f64, every: f64) -> Vec<f64> {
    let n = (t_end / every).round() as usize;
    let mut v: Vec<f64> = (0..=n).map(|k| (k as f64 * every).min(t_end)).collect();
    if *v.last().unwrap_or(&-1.0) < t_end {
        v.push(t_end);
    }
    v.dedup();
    v
}
