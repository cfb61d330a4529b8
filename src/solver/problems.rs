//! Reference problems with known answers, in one place. Every integrator runs through
//! all of them in one harness (`tests/solver_reference.rs`,
//! `every_integrator_on_every_reference_problem`); the unit tests of each method and
//! the benches use the same systems. Adding a problem here puts it in front of every
//! integrator; adding an integrator there puts it in front of every problem.
//!
//! The answers are exact solutions where one exists, otherwise published reference
//! values (Hairer & Wanner, *Solving Ordinary Differential Equations II*, 1996, and
//! its stiff test set).
//!
//! ```
//! use spasm::solver::problems;
//! use spasm::solver::rodas::Rodas4;
//! use spasm::solver::{Integrator, StepLimits};
//! use nalgebra::SVector;
//!
//! let p = problems::decay();
//! let mut solver = Rodas4::new(p.tolerances.clone(), StepLimits::default());
//! let y = solver
//!     .integrate(&p.system, 0.0, &SVector::from(p.y0), p.t_end, &[], &mut |_, _| {})
//!     .unwrap();
//! assert!(p.error(p.t_end, &y.into()).unwrap() < p.accuracy);
//! ```

use nalgebra::{SMatrix, SVector};

use super::{OdeSystem, Tolerances};

/// What is known about the solution.
#[derive(Debug, Clone, Copy)]
pub enum Answer<const N: usize> {
    /// The exact solution `y(t)`.
    Exact(fn(f64) -> [f64; N]),
    /// Reference values at a few times (ascending).
    Table(&'static [(f64, [f64; N])]),
}

/// A test problem: a system, where it starts and ends, the tolerances to solve it at,
/// and what its solution is.
#[derive(Debug, Clone)]
pub struct Problem<const N: usize, S> {
    /// Short name for messages.
    pub name: &'static str,
    /// The system.
    pub system: S,
    /// State at t = 0.
    pub y0: [f64; N],
    /// End of the run (the problem's time unit).
    pub t_end: f64,
    /// Tolerances to solve at.
    pub tolerances: Tolerances<N>,
    /// The known solution.
    pub answer: Answer<N>,
    /// Largest error allowed at the tolerances above, in the weighted norm of
    /// [`Problem::error`] (dimensionless).
    pub accuracy: f64,
    /// Whether the problem is stiff: a method not meant for stiff problems may decline
    /// it (with [`super::SolverError::Stiff`] or `TooManySteps`), never answer wrongly.
    pub stiff: bool,
}

impl<const N: usize, S> Problem<N, S> {
    /// Times at which the answer is known inside `(0, t_end]` (for an exact answer, 50
    /// evenly spaced times, so the dense output is checked too).
    pub fn check_times(&self) -> Vec<f64> {
        match self.answer {
            Answer::Exact(_) => (1..=50).map(|k| self.t_end * f64::from(k) / 50.0).collect(),
            Answer::Table(rows) => rows.iter().map(|r| r.0).collect(),
        }
    }

    /// The known state at `t`, if there is one.
    pub fn known(&self, t: f64) -> Option<[f64; N]> {
        match self.answer {
            Answer::Exact(f) => Some(f(t)),
            Answer::Table(rows) => rows.iter().find(|r| r.0 == t).map(|r| r.1),
        }
    }

    /// The error of `y` at `t`: the largest over components of
    /// `|y − y_ref| / (|y_ref| + atol/rtol)` (relative where the solution is large,
    /// scaled by the problem's own notion of small elsewhere); `None` where no answer
    /// is known.
    pub fn error(&self, t: f64, y: &[f64; N]) -> Option<f64> {
        let r = self.known(t)?;
        let tol = &self.tolerances;
        Some(
            (0..N)
                .map(|i| (y[i] - r[i]).abs() / (r[i].abs() + tol.atol[i] / tol.rtol))
                .fold(0.0, f64::max),
        )
    }
}

/// y' = −k y: exponential decay; `nonnegative` marks y as a non-negative quantity.
#[derive(Debug, Clone, Copy)]
pub struct Decay {
    /// Rate constant, per unit time.
    pub k: f64,
    /// Whether the solver must keep y ≥ 0.
    pub nonnegative: bool,
}

impl OdeSystem<1> for Decay {
    fn rhs(&self, _t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
        y * -self.k
    }
    fn jacobian(&self, _t: f64, _y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
        SMatrix::from([[-self.k]])
    }
    fn nonnegative(&self) -> [bool; 1] {
        [self.nonnegative]
    }
}

/// Decay with k = 2 from 1 to t = 5, exact answer e^(−2t).
pub fn decay() -> Problem<1, Decay> {
    Problem {
        name: "decay",
        system: Decay {
            k: 2.0,
            nonnegative: false,
        },
        y0: [1.0],
        t_end: 5.0,
        tolerances: Tolerances::uniform(1e-8, 1e-10),
        answer: Answer::Exact(|t| [(-2.0 * t).exp()]),
        accuracy: 1e-6,
        stiff: false,
    }
}

/// y' = −y + sin t: non-autonomous (exercises [`OdeSystem::time_derivative`]).
#[derive(Debug, Clone, Copy)]
pub struct Forced;

impl OdeSystem<1> for Forced {
    fn rhs(&self, t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
        SVector::from([-y[0] + t.sin()])
    }
    fn jacobian(&self, _t: f64, _y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
        SMatrix::from([[-1.0]])
    }
    fn time_derivative(&self, t: f64, _y: &SVector<f64, 1>) -> Option<SVector<f64, 1>> {
        Some(SVector::from([t.cos()]))
    }
}

impl Forced {
    /// The exact solution from `y(0) = y0`: (sin t − cos t)/2 + (y0 + 1/2) e^(−t).
    pub fn exact(t: f64, y0: f64) -> f64 {
        0.5 * (t.sin() - t.cos()) + (y0 + 0.5) * (-t).exp()
    }
}

/// [`Forced`] from 0 to t = 10.
pub fn forced() -> Problem<1, Forced> {
    Problem {
        name: "forced",
        system: Forced,
        y0: [0.0],
        t_end: 10.0,
        tolerances: Tolerances::uniform(1e-8, 1e-10),
        answer: Answer::Exact(|t| [Forced::exact(t, 0.0)]),
        accuracy: 1e-6,
        stiff: false,
    }
}

/// y1' = y2, y2' = −y1: the harmonic oscillator (purely imaginary eigenvalues, where a
/// damping method shows its damping).
#[derive(Debug, Clone, Copy)]
pub struct Oscillator;

impl OdeSystem<2> for Oscillator {
    fn rhs(&self, _t: f64, y: &SVector<f64, 2>) -> SVector<f64, 2> {
        SVector::from([y[1], -y[0]])
    }
    fn jacobian(&self, _t: f64, _y: &SVector<f64, 2>) -> SMatrix<f64, 2, 2> {
        SMatrix::from_row_slice(&[0.0, 1.0, -1.0, 0.0])
    }
}

/// [`Oscillator`] from (1, 0) over three periods, exact answer (cos t, −sin t).
pub fn oscillator() -> Problem<2, Oscillator> {
    Problem {
        name: "oscillator",
        system: Oscillator,
        y0: [1.0, 0.0],
        t_end: 6.0 * std::f64::consts::PI,
        tolerances: Tolerances::uniform(1e-9, 1e-9),
        answer: Answer::Exact(|t| [t.cos(), -t.sin()]),
        accuracy: 1e-6,
        stiff: false,
    }
}

/// Robertson's chemical kinetics (Hairer & Wanner II, §IV.1): rate constants spanning
/// nine orders of magnitude; all three species non-negative, their sum conserved.
#[derive(Debug, Clone, Copy)]
pub struct Robertson;

/// Robertson's rate constants k1, k2, k3.
const ROBERTSON_K: [f64; 3] = [0.04, 3e7, 1e4];

impl OdeSystem<3> for Robertson {
    fn rhs(&self, _t: f64, y: &SVector<f64, 3>) -> SVector<f64, 3> {
        let [k1, k2, k3] = ROBERTSON_K;
        let (a, b, c) = (y[0], y[1], y[2]);
        SVector::from([
            -k1 * a + k3 * b * c,
            k1 * a - k3 * b * c - k2 * b * b,
            k2 * b * b,
        ])
    }
    fn jacobian(&self, _t: f64, y: &SVector<f64, 3>) -> SMatrix<f64, 3, 3> {
        let [k1, k2, k3] = ROBERTSON_K;
        let (b, c) = (y[1], y[2]);
        SMatrix::from_row_slice(&[
            -k1,
            k3 * c,
            k3 * b,
            k1,
            -k3 * c - 2.0 * k2 * b,
            -k3 * b,
            0.0,
            2.0 * k2 * b,
            0.0,
        ])
    }
    fn nonnegative(&self) -> [bool; 3] {
        [true; 3]
    }
}

/// Robertson at t = 40: the value quoted by Hairer & Wanner II, rounded to the digits
/// it shares with the DETEST problem D2 reference and two independent SciPy Radau runs
/// (which agree with each other to ~1e-13 relative).
pub const ROBERTSON_40: [f64; 3] = [
    0.715_827_068_719_4,
    9.185_534_764_56e-6,
    0.284_163_745_745_83,
];

/// Robertson at t = 1e5: SciPy Radau runs at rtol 1e-12..1e-13 published in two
/// independent projects (agreeing to 1e-12 relative); checked against a tight run in
/// the tests.
pub const ROBERTSON_1E5: [f64; 3] = [1.786_592_114_21e-2, 7.274_751_468_4e-8, 0.982_134_006_110_4];

/// The absolute tolerances Robertson needs: species 2 lives at 1e-5 and below.
const ROBERTSON_ATOL: [f64; 3] = [1e-10, 1e-14, 1e-10];

/// Robertson from (1, 0, 0) to t = 1e5 at engineering tolerances, with the reference
/// values at 40 and 1e5.
pub fn robertson() -> Problem<3, Robertson> {
    Problem {
        name: "Robertson",
        system: Robertson,
        y0: [1.0, 0.0, 0.0],
        t_end: 1e5,
        tolerances: Tolerances {
            rtol: 1e-6,
            atol: SVector::from(ROBERTSON_ATOL),
        },
        answer: Answer::Table(&[(40.0, ROBERTSON_40), (1e5, ROBERTSON_1E5)]),
        accuracy: 1e-5,
        stiff: true,
    }
}

/// Van der Pol, y'' = μ (1 − y²) y' − y, as y1' = y2, y2' = μ (1 − y1²) y2 − y1.
///
/// In the scaled time x = t / μ and with z = μ y2 this is Hairer's test problem
/// VDPOL, z' = ((1 − y1²) z − y1) / ε with ε = 1 / μ².
#[derive(Debug, Clone, Copy)]
pub struct VanDerPol {
    /// Stiffness parameter μ.
    pub mu: f64,
}

impl OdeSystem<2> for VanDerPol {
    fn rhs(&self, _t: f64, y: &SVector<f64, 2>) -> SVector<f64, 2> {
        SVector::from([y[1], self.mu * (1.0 - y[0] * y[0]) * y[1] - y[0]])
    }
    fn jacobian(&self, _t: f64, y: &SVector<f64, 2>) -> SMatrix<f64, 2, 2> {
        SMatrix::from_row_slice(&[
            0.0,
            1.0,
            -2.0 * self.mu * y[0] * y[1] - 1.0,
            self.mu * (1.0 - y[0] * y[0]),
        ])
    }
}

/// Hairer's VDPOL (ε = 1e-6) reference at scaled times x = 1, 2, 3 (the
/// `res_exact_pic` table of the Hairer–Wanner stiff test set), as (t = 1000 x,
/// [y1, y2 = z / 1000]) for μ = 1000.
pub const VDP_1000: [(f64, [f64; 2]); 3] = [
    (1000.0, [-1.863_646_254_808_13, 0.753_543_086_543_546e-3]),
    (2000.0, [1.706_167_732_170_456, -0.892_809_701_024_825_7e-3]),
    (3000.0, [-1.510_606_936_744_095, 1.178_380_000_730_945e-3]),
];

/// Van der Pol with μ = 1000 from (2, 0) to t = 3000 (two relaxation cycles).
pub fn van_der_pol() -> Problem<2, VanDerPol> {
    Problem {
        name: "Van der Pol (mu = 1000)",
        system: VanDerPol { mu: 1000.0 },
        y0: [2.0, 0.0],
        t_end: 3000.0,
        tolerances: Tolerances::uniform(1e-8, 1e-8),
        answer: Answer::Table(&VDP_1000),
        accuracy: 1e-5,
        stiff: true,
    }
}

/// Michaelis–Menten consumption y' = −y / (y + Km): zero order while y ≫ Km, so a
/// large linearly implicit step overshoots zero and, unguarded, lands on a spurious
/// negative branch where the "consumption" continues for ever.
#[derive(Debug, Clone, Copy)]
pub struct Consumption {
    /// Half-saturation constant Km, in units of y.
    pub km: f64,
    /// Whether the solver must keep y ≥ 0.
    pub nonnegative: bool,
}

impl OdeSystem<1> for Consumption {
    fn rhs(&self, _t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
        SVector::from([-y[0] / (y[0] + self.km)])
    }
    fn jacobian(&self, _t: f64, y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
        SMatrix::from([[-self.km / (y[0] + self.km).powi(2)]])
    }
    fn nonnegative(&self) -> [bool; 1] {
        [self.nonnegative]
    }
}

/// Km of [`consumption`].
const CONSUMPTION_KM: f64 = 1e-3;

impl Consumption {
    /// The exact solution from y(0) = 1: the root of y + Km ln y = 1 − t, found by
    /// Newton's method on u = ln y (0 where it underflows).
    pub fn exact(t: f64, km: f64) -> f64 {
        let target = 1.0 - t;
        // g(u) = e^u + Km u − target is increasing and convex, so Newton converges from
        // any start (monotonically after at most one overshoot). Start from y ≈ target
        // while the substrate lasts, from Km ln y ≈ target once it has run out.
        let mut u = if target > km {
            target.ln()
        } else {
            target / km
        };
        for _ in 0..200 {
            let g = u.exp() + km * u - target;
            let step = g / (u.exp() + km);
            u -= step;
            if step.abs() < 1e-15 * u.abs().max(1.0) {
                break;
            }
        }
        u.exp()
    }
}

/// [`Consumption`] with Km = 1e-3 and y kept non-negative, from 1 to t = 3: the
/// substrate runs out at t ≈ 0.99 and stays at zero.
pub fn consumption() -> Problem<1, Consumption> {
    Problem {
        name: "consumption",
        system: Consumption {
            km: CONSUMPTION_KM,
            nonnegative: true,
        },
        y0: [1.0],
        t_end: 3.0,
        tolerances: Tolerances::uniform(1e-6, 1e-10),
        answer: Answer::Exact(|t| [Consumption::exact(t, CONSUMPTION_KM)]),
        accuracy: 1e-4,
        stiff: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_answers_solve_their_equations() {
        // Residual of each exact solution by central differences.
        let h = 1e-6;
        for t in [0.3, 1.7, 4.2] {
            let d = |f: &dyn Fn(f64) -> f64| (f(t + h) - f(t - h)) / (2.0 * h);
            let y = Forced::exact(t, 0.0);
            assert!((d(&|s| Forced::exact(s, 0.0)) - (-y + t.sin())).abs() < 1e-8);
        }
        for t in [0.1, 0.5, 0.9] {
            let km = CONSUMPTION_KM;
            let y = Consumption::exact(t, km);
            assert!((y + km * y.ln() - (1.0 - t)).abs() < 1e-12, "t = {t}");
            let dy = (Consumption::exact(t + h, km) - Consumption::exact(t - h, km)) / (2.0 * h);
            assert!((dy + y / (y + km)).abs() < 1e-6, "t = {t}: {dy}");
        }
        assert_eq!(Consumption::exact(3.0, CONSUMPTION_KM), 0.0);
    }

    #[test]
    fn errors_are_measured_against_the_answer() {
        let p = decay();
        assert_eq!(p.error(1.0, &[(-2.0f64).exp()]), Some(0.0));
        assert!(p.error(1.0, &[0.2]).unwrap() > 0.1);
        let r = robertson();
        assert_eq!(r.check_times(), vec![40.0, 1e5]);
        assert_eq!(r.error(40.0, &ROBERTSON_40), Some(0.0));
        assert_eq!(r.error(41.0, &ROBERTSON_40), None);
    }
}
