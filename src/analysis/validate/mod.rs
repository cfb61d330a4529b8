//! The validation targets of docs/model.md §8 (shared/spec/model.md §6) as code:
//! each runs the model on a protocol, measures, and compares with the expected range.
//! Numbers only: the CLI prints the table, the tests in `tests/validation.rs` assert
//! every row. Every protocol runs on a [`Patient`] (the one runner).
//!
//! The targets by theme: `muscle` (1–5: rest, occlusion, low-level work,
//! metabolites, stretch), `heat_and_drugs` (6, 7, 15), `regimes` (8, 12, 13, 14,
//! 16: monostable healthy muscle, hysteresis when injured, pain adaptation, strength)
//! and `episodes` (9–11: interventions, natural history, numerics).

mod episodes;
mod heat_and_drugs;
mod muscle;
mod regimes;

pub use episodes::{
    effort, regimens, target10, target11, target9, treated_episode, EPISODE_COHORT, EPISODE_TOML,
    TREATMENT_START,
};
pub use heat_and_drugs::{target15, target6, target7};
pub use muscle::{target1, target2, target3, target4, target5};
pub use regimes::{target12, target13, target14, target16, target8, BARNES_WEAK_STRENGTH};

use crate::analysis::compare::CompareError;
use crate::model::metabolism::interstitial_k;
use crate::model::params::ParamError;
use crate::model::{idx, Model, State};
use crate::protocol::Schedule;
use crate::scenario::{RunError, ScenarioError};
use crate::simulation::{grid, Patient, SolverConfig, Trajectory};
use crate::solver::SolverError;

/// One measured check.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// Target number in model.md §6.
    pub target: u8,
    /// What is checked.
    pub name: String,
    /// Literature source of the expectation.
    pub source: &'static str,
    /// Expected range, as text with unit.
    pub expected: String,
    /// Measured value, with unit.
    pub measured: String,
    /// Whether it lies in the range.
    pub pass: bool,
}

/// Why validation could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// A parameter set failed to load.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A run failed numerically.
    #[error(transparent)]
    Solver(#[from] SolverError),
    /// A scenario's run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// An embedded scenario file failed to load.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The embedded cohort distributions failed to load.
    #[error(transparent)]
    Cohort(#[from] CompareError),
    /// An embedded scenario lacks an arm a target needs.
    #[error("the episode scenario lacks the arm '{0}'")]
    MissingArm(String),
}

type R<T> = Result<T, ValidateError>;

fn check(
    target: u8,
    name: &str,
    source: &'static str,
    lo: f64,
    hi: f64,
    unit: &str,
    x: f64,
) -> Check {
    let expected = if lo == f64::NEG_INFINITY {
        format!("≤ {hi} {unit}")
    } else if hi == f64::INFINITY {
        format!("≥ {lo} {unit}")
    } else {
        format!("{lo}–{hi} {unit}")
    };
    Check {
        target,
        name: name.to_string(),
        source,
        expected: expected.trim_end().to_string(),
        measured: format!("{} {unit}", sig(x)),
        pass: x >= lo && x <= hi && x.is_finite(),
    }
}

fn sig(x: f64) -> String {
    if x == 0.0 || (x.abs() >= 0.01 && x.abs() < 1e4) {
        format!("{x:.3}")
    } else {
        format!("{x:.3e}")
    }
}

/// The patient of an embedded set.
pub fn patient(set: &str) -> R<Patient> {
    Ok(Patient::embedded(set)?)
}

/// The patient of an embedded set and its rested state.
pub fn rested(set: &str) -> R<(Patient, State)> {
    let p = patient(set)?;
    let y = p.rested()?;
    Ok((p, y))
}

/// Run `p` from `y` under `s` to `t_end` s with output every `every` s.
fn go(p: &Patient, y: &State, s: &Schedule, t_end: f64, every: f64) -> R<Trajectory> {
    Ok(p.run(y, s, t_end, &grid(t_end, every), &SolverConfig::default())?)
}

/// The algebraic quantities at sample `k` of `tr`, with the drivers in force then.
fn alg_at(m: &Model, tr: &Trajectory, k: usize) -> crate::model::Algebraic<f64> {
    let mut mm = m.clone();
    mm.drivers = tr.drivers[k];
    mm.algebraic(&tr.states[k].data.0[0])
}

/// Interstitial K⁺ at state `y`, mM.
fn k_plus(m: &Model, y: &State) -> f64 {
    interstitial_k(m.params(), y[idx::M])
}

/// Perfusion fraction at a clamped steady activation, at rest otherwise.
fn perfusion_at(m: &Model, rest: &State, a: f64) -> f64 {
    let mut y = *rest;
    y[idx::A] = a;
    m.algebraic(&y.data.0[0]).g
}

/// A validation target: its number and the function that measures it.
pub type Target = (u8, fn() -> R<Vec<Check>>);

/// Every target of model.md §6, in order.
pub const TARGETS: [Target; 16] = [
    (1, target1),
    (2, target2),
    (3, target3),
    (4, target4),
    (5, target5),
    (6, target6),
    (7, target7),
    (8, target8),
    (9, target9),
    (10, target10),
    (11, target11),
    (12, target12),
    (13, target13),
    (14, target14),
    (15, target15),
    (16, target16),
];

/// Every target, in order.
pub fn all() -> R<Vec<Check>> {
    let mut v = Vec::new();
    for (_, f) in TARGETS {
        v.extend(f()?);
    }
    Ok(v)
}
