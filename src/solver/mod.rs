//! ODE solvers behind the project's own trait.
//!
//! * [`rodas::Rodas4`] — the default: a one-step, L-stable, stiffly accurate
//!   Rosenbrock method of order 4(3) (Hairer & Wanner 1996, §IV.7) with an exact
//!   Jacobian supplied by the system. One-step methods restart for free at every
//!   schedule boundary, which is where this model spends its discontinuities.
//! * [`explicit::Dopri5`] — ode_solvers' explicit Dormand–Prince 5(4), used only as
//!   a cross-check on short, non-stiff windows.
//!
//! Time is in seconds throughout the library; the solvers themselves are unit-free.

use nalgebra::{SMatrix, SVector};

mod block_lu;
pub mod explicit;
pub mod problems;
pub mod rodas;

/// A first-order ODE system `dy/dt = f(t, y)` of fixed dimension `N`.
///
/// ```
/// use nalgebra::{SMatrix, SVector};
/// use spasm::solver::rodas::Rodas4;
/// use spasm::solver::{Integrator, OdeSystem, StepLimits, Tolerances};
///
/// /// Logistic growth y' = r y (1 − y), a known answer: 1 / (1 + 9 e^(−r t)) from 0.1.
/// struct Logistic(f64);
/// impl OdeSystem<1> for Logistic {
///     fn rhs(&self, _t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
///         SVector::from([self.0 * y[0] * (1.0 - y[0])])
///     }
///     fn jacobian(&self, _t: f64, y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
///         SMatrix::from([[self.0 * (1.0 - 2.0 * y[0])]])
///     }
/// }
/// let mut solver = Rodas4::new(Tolerances::uniform(1e-8, 1e-10), StepLimits::default());
/// let y = solver
///     .integrate(&Logistic(2.0), 0.0, &SVector::from([0.1]), 3.0, &[], &mut |_, _| {})
///     .unwrap();
/// assert!((y[0] - 1.0 / (1.0 + 9.0 * (-6.0f64).exp())).abs() < 1e-7);
/// ```
pub trait OdeSystem<const N: usize> {
    /// Right-hand side `f(t, y)`, in state units per unit time.
    fn rhs(&self, t: f64, y: &SVector<f64, N>) -> SVector<f64, N>;

    /// Exact Jacobian `∂f/∂y` at `(t, y)`.
    fn jacobian(&self, t: f64, y: &SVector<f64, N>) -> SMatrix<f64, N, N>;

    /// `f(t, y)`, with `∂f/∂y` written into `jac`: the structural nonzeros in the
    /// order of [`jacobian_pattern`](Self::jacobian_pattern), or all `N × N` entries
    /// column-major when there is no pattern. A system that computes both faster at
    /// once overrides this.
    fn rhs_and_jacobian(&self, t: f64, y: &SVector<f64, N>, jac: &mut [f64]) -> SVector<f64, N> {
        let dense = self.jacobian(t, y);
        match self.jacobian_pattern() {
            Some(pattern) => {
                for (v, &(r, c)) in jac.iter_mut().zip(pattern) {
                    *v = dense[(r, c)];
                }
            }
            None => jac.copy_from_slice(dense.as_slice()),
        }
        self.rhs(t, y)
    }

    /// The structural nonzeros of `∂f/∂y` as (row, column), each once, if known:
    /// entries outside it are zero at every `(t, y)`. An implicit method uses it to
    /// factorise only what is coupled. `None` (the default): dense.
    fn jacobian_pattern(&self) -> Option<&[(usize, usize)]> {
        None
    }

    /// Partial time derivative `∂f/∂t`; `None` (the default) for an autonomous system,
    /// as the simulator's systems are within a schedule segment.
    fn time_derivative(&self, _t: f64, _y: &SVector<f64, N>) -> Option<SVector<f64, N>> {
        None
    }

    /// Which components are physically non-negative (the solver rejects steps that
    /// drive them below zero and clips round-off negatives to zero).
    fn nonnegative(&self) -> [bool; N] {
        [false; N]
    }
}

/// Error-control settings for one integration.
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerances<const N: usize> {
    /// Relative tolerance (dimensionless).
    pub rtol: f64,
    /// Absolute tolerance per component, in that component's unit.
    pub atol: SVector<f64, N>,
}

impl<const N: usize> Tolerances<N> {
    /// The same absolute tolerance for every component.
    pub fn uniform(rtol: f64, atol: f64) -> Self {
        Self {
            rtol,
            atol: SVector::from_element(atol),
        }
    }
}

/// Step-size limits, in the system's time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLimits {
    /// First trial step; `None` picks one from the right-hand side.
    pub initial: Option<f64>,
    /// Largest step allowed.
    pub max: f64,
    /// Give up after this many attempted steps in one call.
    pub max_steps: usize,
}

impl Default for StepLimits {
    fn default() -> Self {
        Self {
            initial: None,
            max: f64::INFINITY,
            max_steps: 1_000_000,
        }
    }
}

/// Counters accumulated over every call to an integrator.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Stats {
    /// Accepted steps.
    pub accepted_steps: usize,
    /// Rejected steps (error too large, or a non-negative component went negative).
    pub rejected_steps: usize,
    /// Right-hand-side evaluations.
    pub rhs_evals: usize,
    /// Jacobian evaluations.
    pub jacobian_evals: usize,
    /// LU decompositions.
    pub lu_decompositions: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Self) {
        self.accepted_steps += o.accepted_steps;
        self.rejected_steps += o.rejected_steps;
        self.rhs_evals += o.rhs_evals;
        self.jacobian_evals += o.jacobian_evals;
        self.lu_decompositions += o.lu_decompositions;
    }
}

/// Why an integration stopped early.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolverError {
    /// The step size fell below what floating point can resolve.
    #[error(
        "step size underflow at t = {t}: the problem may be ill-posed or the tolerances too tight"
    )]
    StepSizeUnderflow {
        /// Time reached.
        t: f64,
    },
    /// `max_steps` attempted steps without reaching the end.
    #[error("gave up after {steps} steps at t = {t}")]
    TooManySteps {
        /// Time reached.
        t: f64,
        /// Steps attempted.
        steps: usize,
    },
    /// The iteration matrix could not be factorised, or the state became NaN/∞.
    #[error("numerical breakdown at t = {t}: {what}")]
    Breakdown {
        /// Time reached.
        t: f64,
        /// What failed.
        what: String,
    },
    /// The explicit solver detected stiffness.
    #[error("explicit solver detected stiffness at t = {t}; use the stiff solver")]
    Stiff {
        /// Time reached.
        t: f64,
    },
}

/// A solver that advances a system over one segment `[t0, t1]`, stopping exactly at
/// `t1`, and reports the state at requested sample times by dense output.
///
/// ```
/// use nalgebra::SVector;
/// use spasm::solver::explicit::Dopri5;
/// use spasm::solver::{problems, Integrator, StepLimits};
///
/// // Samples are delivered in order, exactly at the times asked for.
/// let p = problems::oscillator();
/// let mut solver = Dopri5::new(1e-9, 1e-9, StepLimits::default());
/// let mut seen = Vec::new();
/// let y = solver
///     .integrate(&p.system, 0.0, &SVector::from(p.y0), 2.0, &[0.5, 1.0], &mut |t, y| {
///         seen.push((t, y[0]))
///     })
///     .unwrap();
/// assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), [0.5, 1.0]);
/// assert!((seen[1].1 - 1f64.cos()).abs() < 1e-7 && (y[0] - 2f64.cos()).abs() < 1e-7);
/// assert!(solver.stats().accepted_steps > 0);
/// ```
pub trait Integrator<const N: usize> {
    /// Integrate `sys` from `(t0, y0)` to `t1` and return `y(t1)`.
    ///
    /// `samples` must be sorted and lie in `(t0, t1]`; `observe(t, y)` is called once
    /// for each, in order, with the interpolated (or, at `t1`, the exact) state. Step
    /// sizes are chosen by error control alone, never shrunk to hit a sample.
    fn integrate<S: OdeSystem<N>>(
        &mut self,
        sys: &S,
        t0: f64,
        y0: &SVector<f64, N>,
        t1: f64,
        samples: &[f64],
        observe: &mut dyn FnMut(f64, &SVector<f64, N>),
    ) -> Result<SVector<f64, N>, SolverError>;

    /// Whether the method is meant for stiff problems. One that is not may decline a
    /// stiff problem ([`SolverError::Stiff`], [`SolverError::TooManySteps`]) but must
    /// never return a wrong answer.
    const STIFF: bool;

    /// Counters accumulated since construction.
    fn stats(&self) -> Stats;
}
