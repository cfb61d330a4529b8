//! Steady states of the loop and their continuation in a parameter (docs/analysis.md
//! "Steady states and continuation"). Pure.
//!
//! The full model is not autonomous: schedules switch its inputs, and injury heals.
//! Here the inputs are held at constant values ([`Held`]: rest unless told otherwise)
//! and the injury state H is held at the parameter `h_initial` (it is removed from the
//! state, so healing and disc sources play no part). What remains is an autonomous
//! system of the other 20 states, `ẋ = f(x; p, q)`, with the exact Jacobian of the
//! generated model code; [`crate::continuation`] finds its equilibria, their
//! stability, folds, Hopf points and the fold curve in two parameters.

use nalgebra::{DMatrix, DVector};

use crate::continuation::{
    continue_branch, find_equilibrium, scaled_distance, Branch, ContOptions, Equilibrium, FixedQ,
    NewtonOptions, StabilityOptions, System2, FD_REL_STEP,
};
use crate::model::params::ParamError;
use crate::model::{idx, Drivers, Model, Params, State, NS, TYPICAL};
use crate::protocol::{Effect, Schedule};
use crate::simulation::{Patient, SolverConfig};
use crate::solver::SolverError;

use crate::units::DAY;

use super::bistability::PROBE_EFFORT;

/// Number of states of the held system (every state but the injury H).
pub const DIM: usize = NS - 1;

/// The parameter that sets the held injury level H (0–1).
pub const INJURY_PARAM: &str = "h_initial";

/// Fractions of the way from the rest state to the spasm state at which Newton also
/// starts, to find the saddle between them.
const BETWEEN_STARTS: [f64; 5] = [0.05, 0.1, 0.25, 0.5, 0.75];

/// How long a start point settles before Newton, s (60 days: the slowest loop time
/// constant, central sensitisation at rest, is about three weeks).
const SETTLE_S: f64 = 60.0 * DAY;

/// Scaled RMS distance (in [`TYPICAL`] units) below which two roots are the same.
const SAME_ROOT: f64 = 1e-6;

/// Scaled RMS distance (in [`TYPICAL`] units) below which a settled state counts as
/// lying on an already computed branch.
const ON_BRANCH: f64 = 0.01;

/// Parameters that hold the injury where it is put while start points settle: no
/// healing, no disc source (as in the bistability probes).
const HOLD_INJURY: [(&str, f64); 2] = [("tau_heal", f64::INFINITY), ("h_disc", 0.0)];

/// An input held constant: one of [`HELD_INPUTS`], value in canonical units.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Held {
    /// Name, as in [`HELD_INPUTS`].
    pub name: &'static str,
    /// Value in the input's canonical unit.
    pub value: f64,
    /// The input's canonical unit.
    pub unit: &'static str,
    /// The schedule effect that holds it.
    #[serde(skip)]
    effect: fn(f64) -> Effect,
}

/// An input that can be held: name, canonical unit, meaning and the schedule effect
/// that holds it at a value.
pub type HeldInput = (&'static str, &'static str, &'static str, fn(f64) -> Effect);

/// The inputs that can be held.
pub const HELD_INPUTS: [HeldInput; 7] = [
    (
        "activity",
        "1",
        "rhythmic activity, 0 (bed rest) – 1 (walking)",
        Effect::Activity,
    ),
    (
        "stress",
        "MVC",
        "extra drive from emotional stress",
        Effect::Stress,
    ),
    (
        "cuff",
        "mmHg",
        "external pressure on the muscle",
        Effect::Cuff,
    ),
    (
        "skin_heat",
        "°C",
        "heat source on the skin",
        Effect::SkinHeat,
    ),
    ("tens", "1", "TENS strength, 0–1", Effect::Tens),
    (
        "voluntary",
        "MVC",
        "sustained voluntary contraction",
        Effect::Voluntary,
    ),
    (
        "experimental_pain",
        "1",
        "experimental nociceptor activity, 0–1",
        Effect::ExperimentalPain,
    ),
];

/// The input of [`HELD_INPUTS`] called `name`.
pub fn held_input(name: &str) -> Option<&'static HeldInput> {
    HELD_INPUTS.iter().find(|(n, ..)| *n == name)
}

impl Held {
    /// The held input called `name` at `value` (canonical unit), or the allowed names.
    pub fn new(name: &str, value: f64) -> Result<Held, SteadyError> {
        let &(name, unit, _, effect) =
            held_input(name).ok_or_else(|| SteadyError::UnknownInput(name.to_string()))?;
        if !value.is_finite() {
            return Err(SteadyError::NotFinite(format!("{name} = {value}")));
        }
        Ok(Held {
            name,
            value,
            unit,
            effect,
        })
    }
}

/// A schedule holding `held` over `[0, duration)` s.
fn holding(held: &[Held], duration: f64) -> Schedule {
    held.iter().fold(Schedule::default(), |s, h| {
        s.window(0.0, duration, (h.effect)(h.value))
    })
}

/// Why a steady-state analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum SteadyError {
    /// A parameter is unknown or its value is not allowed.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// An input that cannot be held.
    #[error("'{0}' cannot be held; allowed: {allowed}", allowed = HELD_INPUTS.map(|h| h.0).join(", "))]
    UnknownInput(String),
    /// A value that is not a finite number.
    #[error("{0} is not a finite number")]
    NotFinite(String),
    /// Settling towards a start point failed.
    #[error("settling towards a start point: {0}")]
    Settle(#[from] SolverError),
    /// The parameter only acts on the injury, which is held.
    #[error("{0} acts only on the injury H, which steady-state analyses hold at h_initial; study h_initial instead")]
    HeldParameter(String),
    /// The model does not reach an equilibrium from any start.
    #[error("no steady state found: {0}")]
    NoneFound(String),
}

/// The model with its inputs and injury held: an autonomous system in the 20 states
/// other than H, depending on parameter `p` (and `q`), both in canonical units.
#[derive(Debug, Clone)]
pub struct HeldLoop {
    base: Params,
    drivers: Drivers,
    p: &'static str,
    q: Option<&'static str>,
    p_scale: f64,
    q_scale: f64,
}

/// The canonical name of parameter `name`, or the unknown-parameter error.
fn param_name(name: &str) -> Result<&'static str, ParamError> {
    Params::NAMES
        .iter()
        .map(|(n, _)| *n)
        .find(|n| *n == name)
        .ok_or_else(|| ParamError::unknown_parameter(name))
}

impl HeldLoop {
    /// The loop of `patient` with `held` inputs, in parameter `p` (and `q`). The
    /// scales (canonical units) measure a parameter step in continuation and its
    /// finite-difference derivatives: the width of the range studied.
    pub fn new(
        patient: &Patient,
        held: &[Held],
        p: (&str, f64),
        q: Option<(&str, f64)>,
    ) -> Result<HeldLoop, SteadyError> {
        for name in std::iter::once(p.0).chain(q.map(|q| q.0)) {
            if HOLD_INJURY.iter().any(|(n, _)| *n == name) {
                return Err(SteadyError::HeldParameter(name.to_string()));
            }
        }
        let drivers = holding(held, 1.0).drivers_at(0.0, &Drivers::default());
        let mut base = patient.params().clone();
        for (name, value) in HOLD_INJURY {
            set(&mut base, name, value);
        }
        Ok(HeldLoop {
            base,
            drivers,
            p: param_name(p.0)?,
            q: q.map(|(n, _)| param_name(n)).transpose()?,
            p_scale: p.1,
            q_scale: q.map_or(1.0, |(_, s)| s),
        })
    }

    /// The value of the second parameter `q` in the patient, canonical unit.
    pub fn q_value(&self) -> Option<f64> {
        self.q.map(|q| value_of(&self.base, q))
    }

    /// The model at `p`, `q` (canonical units) with the held inputs.
    pub fn model(&self, p: f64, q: f64) -> Model {
        let mut params = self.base.clone();
        set(&mut params, self.p, p);
        if let Some(name) = self.q {
            set(&mut params, name, q);
        }
        let mut m = Model::new(params);
        m.drivers = self.drivers;
        m
    }

    /// The full state from a held-system state `x` and the injury level of `model`.
    pub fn expand(model: &Model, x: &DVector<f64>) -> State {
        let mut y = State::zeros();
        for (r, i) in free().enumerate() {
            y[i] = x[r];
        }
        y[idx::H] = model.params().h_initial;
        y
    }

    /// The held-system state of a full state.
    pub fn reduce(y: &State) -> DVector<f64> {
        DVector::from_iterator(DIM, free().map(|i| y[i]))
    }

    /// The state scales ([`TYPICAL`] without H).
    pub fn x_scale() -> DVector<f64> {
        DVector::from_iterator(DIM, free().map(|i| TYPICAL[i]))
    }

    fn diff(
        &self,
        x: &DVector<f64>,
        at: f64,
        scale: f64,
        f: impl Fn(f64) -> Model,
    ) -> DVector<f64> {
        let h = FD_REL_STEP * at.abs().max(scale);
        let (a, b) = (at + h, at - h);
        let eval = |m: Model| {
            let y = Self::expand(&m, x);
            let f = m.rhs_at(&y.data.0[0]);
            DVector::from_iterator(DIM, free().map(|i| f[i]))
        };
        (eval(f(a)) - eval(f(b))) / (a - b)
    }
}

/// The value of parameter `name` in `p` (canonical unit), NaN when there is none.
pub(super) fn value_of(p: &Params, name: &str) -> f64 {
    p.values()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map_or(f64::NAN, |(_, v)| v)
}

fn set(p: &mut Params, name: &str, value: f64) {
    if let Some(v) = p.get_mut(name) {
        *v = value;
    }
}

/// The state indices of the held system, in order.
fn free() -> impl Iterator<Item = usize> {
    (0..NS).filter(|&i| i != idx::H)
}

impl System2 for HeldLoop {
    fn dim(&self) -> usize {
        DIM
    }

    fn rhs(&self, x: &DVector<f64>, p: f64, q: f64, out: &mut DVector<f64>) {
        let m = self.model(p, q);
        let f = m.rhs_at(&Self::expand(&m, x).data.0[0]);
        *out = DVector::from_iterator(DIM, free().map(|i| f[i]));
    }

    fn jacobian(&self, x: &DVector<f64>, p: f64, q: f64) -> DMatrix<f64> {
        let m = self.model(p, q);
        let (_, values) = m.rhs_and_jacobian_at(&Self::expand(&m, x).data.0[0]);
        let mut full = DMatrix::<f64>::zeros(NS, NS);
        for (&(r, c), v) in Model::jacobian_pattern().iter().zip(values) {
            full[(r, c)] = v;
        }
        let rows: Vec<usize> = free().collect();
        DMatrix::from_fn(DIM, DIM, |r, c| full[(rows[r], rows[c])])
    }

    fn dfdp(&self, x: &DVector<f64>, p: f64, q: f64) -> DVector<f64> {
        self.diff(x, p, self.p_scale, |pp| self.model(pp, q))
    }

    fn dfdq(&self, x: &DVector<f64>, p: f64, q: f64) -> DVector<f64> {
        self.diff(x, q, self.q_scale, |qq| self.model(p, qq))
    }
}

/// Newton options for the held loop: state scales [`TYPICAL`], converged when the
/// scaled update is below 1e-10.
pub fn newton_options() -> NewtonOptions {
    NewtonOptions {
        x_scale: Some(HeldLoop::x_scale()),
        xtol: 1e-10,
        max_iter: 50,
        ..NewtonOptions::default()
    }
}

/// Two start states for the loop at `p` (canonical unit) and `q`: settled from rest,
/// and settled after the probe effort of [`crate::analysis::bistability`].
pub fn probes(
    sys: &HeldLoop,
    p: f64,
    q: f64,
    cfg: &SolverConfig,
) -> Result<[State; 2], SteadyError> {
    let model = sys.model(p, q);
    let patient_free = |y0: &State, schedule: &Schedule, t: f64| {
        crate::simulation::simulate(&model, y0, schedule, t, &[t], cfg).map(|tr| *tr.last())
    };
    let mut y0 = model.initial_state();
    y0[idx::H] = model.params().h_initial;
    let still = Schedule::default();
    let rest = patient_free(&y0, &still, SETTLE_S)?;
    let (dur, level) = PROBE_EFFORT;
    let effort = still.window(0.0, dur, Effect::Voluntary(level));
    let after = patient_free(&rest, &effort, dur + SETTLE_S)?;
    Ok([rest, after])
}

/// Where a Newton start came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The nominal resting state of the parameter set.
    Nominal,
    /// Settled for a day from rest.
    SettledFromRest,
    /// Settled for a day after 2 min at 50 %MVC.
    SettledAfterEffort,
    /// A point between the two settled states (for the saddle).
    Between,
}

/// A steady state with its stability.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Steady {
    /// The full state (H = the held injury level).
    pub state: Vec<f64>,
    /// Eigenvalues, stability verdict and counts (of the held system).
    pub equilibrium: Equilibrium,
    /// The first start that converged to it.
    pub found_from: Start,
}

/// Every steady state found, and the starts that failed with their reasons.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SteadyStates {
    /// Distinct steady states, by increasing contraction.
    pub states: Vec<Steady>,
    /// Starts that did not converge, with the reason.
    pub failures: Vec<(Start, String)>,
}

/// Every steady state of `patient`'s loop with `held` inputs: Newton from the nominal
/// rest state, from the states settled from rest and after the probe effort, and from
/// points between them. The injury is held at the patient's `h_initial`.
///
/// ```
/// use spasm::analysis::steady::steady_states;
/// use spasm::simulation::{Patient, SolverConfig};
///
/// // The healthy muscle rests at one stable state; badly injured, it also has a
/// // stable spasm state and a saddle between them.
/// let healthy = Patient::embedded("healthy")?;
/// let found = steady_states(&healthy, &[], &SolverConfig::default())?;
/// assert_eq!(found.states.len(), 1);
/// let injured = healthy.with_values([("h_initial", 0.5)], "example")?;
/// let found = steady_states(&injured, &[], &SolverConfig::default())?;
/// assert_eq!(found.states.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn steady_states(
    patient: &Patient,
    held: &[Held],
    cfg: &SolverConfig,
) -> Result<SteadyStates, SteadyError> {
    let sys = HeldLoop::new(patient, held, (INJURY_PARAM, 1.0), None)?;
    roots(&sys, patient.params().h_initial, 0.0, cfg)
}

/// Every steady state of `sys` at `p`, `q` (canonical units) found from the starts of
/// [`steady_states`].
pub fn roots(
    sys: &HeldLoop,
    p: f64,
    q: f64,
    cfg: &SolverConfig,
) -> Result<SteadyStates, SteadyError> {
    let model = sys.model(p, q);
    let [rest, after] = probes(sys, p, q, cfg)?;
    let mut starts = vec![
        (Start::Nominal, model.initial_state()),
        (Start::SettledFromRest, rest),
        (Start::SettledAfterEffort, after),
    ];
    starts.extend(
        BETWEEN_STARTS
            .iter()
            .map(|&w| (Start::Between, rest + (after - rest) * w)),
    );
    let one = FixedQ::new(sys, q);
    let scale = HeldLoop::x_scale();
    let mut states: Vec<Steady> = Vec::new();
    let mut failures = Vec::new();
    for (from, y) in &starts {
        match find_equilibrium(
            &one,
            &HeldLoop::reduce(y),
            p,
            &newton_options(),
            &StabilityOptions::default(),
        ) {
            Ok(eq) => {
                let x = DVector::from_column_slice(&eq.x);
                let seen = states.iter().any(|s| {
                    let other = HeldLoop::reduce(&State::from_column_slice(&s.state));
                    scaled_distance(&other, &x, Some(&scale)) <= SAME_ROOT
                });
                if !seen {
                    states.push(Steady {
                        state: HeldLoop::expand(&model, &x).as_slice().to_vec(),
                        equilibrium: eq,
                        found_from: *from,
                    });
                }
            }
            Err(e) => failures.push((*from, e.to_string())),
        }
    }
    states.sort_by(|a, b| a.state[idx::A].total_cmp(&b.state[idx::A]));
    if states.is_empty() {
        return Err(SteadyError::NoneFound(failures_text(&failures)));
    }
    Ok(SteadyStates { states, failures })
}

fn failures_text(f: &[(Start, String)]) -> String {
    f.iter()
        .map(|(s, e)| format!("from {s:?}: {e}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Options of a continuation over `[lo, hi]` (canonical unit) for the held loop.
pub fn continuation_options(lo: f64, hi: f64, increasing: bool) -> ContOptions {
    let mut o = ContOptions::new(lo, hi);
    o.increasing = increasing;
    o.x_scale = Some(HeldLoop::x_scale());
    o.p_scale = hi - lo;
    o.newton = newton_options();
    o.step.h_max = 0.05;
    o.step.h_init = 0.01;
    o.step.corrector_tol = 1e-9;
    o.detect_branch_points = false;
    o
}

/// The equilibrium branches of `sys` over `[lo, hi]` (canonical unit of `p`, at the
/// second parameter `q`): continued from every steady state found at `lo` (towards
/// `hi`) and at `hi` (towards `lo`) that does not already lie on a branch. A start
/// that cannot be continued is reported beside the branches.
pub fn branches(
    sys: &HeldLoop,
    lo: f64,
    hi: f64,
    q: f64,
    cfg: &SolverConfig,
) -> Result<(Vec<Branch>, Vec<String>), SteadyError> {
    let one = FixedQ::new(sys, q);
    let scale = HeldLoop::x_scale();
    let mut out: Vec<Branch> = Vec::new();
    let mut failures = Vec::new();
    for (p, increasing) in [(lo, true), (hi, false)] {
        let found = roots(sys, p, q, cfg)?;
        failures.extend(
            found
                .failures
                .iter()
                .map(|(s, e)| format!("at {p}: from {s:?}: {e}")),
        );
        for st in &found.states {
            let x = DVector::from_column_slice(&st.equilibrium.x);
            if out.iter().any(|b| on_branch(b, &x, p, &scale)) {
                continue;
            }
            match continue_branch(&one, &x, p, &continuation_options(lo, hi, increasing)) {
                Ok(b) => out.push(b),
                Err(e) => failures.push(format!("continuation from {p}: {e}")),
            }
        }
    }
    if out.is_empty() {
        return Err(SteadyError::NoneFound(failures.join("; ")));
    }
    Ok((out, failures))
}

/// Whether state `x` at parameter `p` lies on `branch` (within [`ON_BRANCH`]).
fn on_branch(branch: &Branch, x: &DVector<f64>, p: f64, scale: &DVector<f64>) -> bool {
    branch.points.windows(2).any(|w| {
        let (a, b) = (&w[0], &w[1]);
        let (lo, hi) = (a.p.min(b.p), a.p.max(b.p));
        if p < lo || p > hi {
            return false;
        }
        let t = if b.p == a.p {
            0.0
        } else {
            (p - a.p) / (b.p - a.p)
        };
        let xa = DVector::from_column_slice(&a.x);
        let xb = DVector::from_column_slice(&b.x);
        let xi = &xa + (xb - &xa) * t;
        scaled_distance(&xi, x, Some(scale)) <= ON_BRANCH
    }) || branch.points.iter().any(|pt| {
        pt.p == p
            && scaled_distance(&DVector::from_column_slice(&pt.x), x, Some(scale)) <= ON_BRANCH
    })
}
