//! Explicit Dormand–Prince 5(4) from the `ode_solvers` crate, behind [`Integrator`].
//!
//! Only a cross-check for short, non-stiff windows. `ode_solvers` 0.6.2 has two
//! output defects (the last dense output point can be missing, and the last dense row is
//! extrapolated), so this wrapper never uses its dense output: it integrates from each
//! sample time to the next (`t0 -> s1 -> s2 -> ... -> t1`), restarting at every sample,
//! and takes the state from the solver's last stored step only after checking that its
//! time is the target. A remainder left over is integrated separately (or, if it is a
//! few ulps, bridged by one Euler step).
//!
//! `ode_solvers` uses nalgebra 0.34 internally; states cross over as slices.

use super::rodas::check_arguments;
use super::{Integrator, OdeSystem, SolverError, Stats, StepLimits};
use nalgebra::SVector;
use ode_solvers::dop_shared::{IntegrationError, OutputType, System};
use std::cell::Cell;

/// The `ode_solvers` (nalgebra 0.34) state vector.
type OdeVec<const N: usize> = ode_solvers::SVector<f64, N>;

/// How many times a segment may be resumed because the solver stopped short.
const MAX_RESUMES: usize = 3;

/// Adapter from [`OdeSystem`] to `ode_solvers::System`, counting evaluations and
/// noting non-finite right-hand sides.
struct Adapter<'a, S, const N: usize> {
    sys: &'a S,
    evals: &'a Cell<usize>,
    nonfinite: &'a Cell<bool>,
}

impl<S: OdeSystem<N>, const N: usize> System<f64, OdeVec<N>> for Adapter<'_, S, N> {
    fn system(&self, x: f64, y: &OdeVec<N>, dy: &mut OdeVec<N>) {
        let f = self
            .sys
            .rhs(x, &SVector::<f64, N>::from_column_slice(y.as_slice()));
        self.evals.set(self.evals.get() + 1);
        if !f.iter().all(|v| v.is_finite()) {
            self.nonfinite.set(true);
        }
        dy.as_mut_slice().copy_from_slice(f.as_slice());
    }
}

/// Explicit Dormand–Prince 5(4) (`ode_solvers::Dopri5`), for cross-checking the
/// stiff solver on non-stiff windows.
///
/// Tolerances are scalar (one `rtol`, one `atol` for every component), as in
/// `ode_solvers`. Ignores [`OdeSystem::nonnegative`], the Jacobian and `df/dt`.
/// Jacobian and LU counters stay zero. Rejected steps are counted as `ode_solvers`
/// counts them (not before the first accepted step of a piece, nor in a piece that
/// fails).
#[derive(Debug, Clone)]
pub struct Dopri5<const N: usize> {
    rtol: f64,
    atol: f64,
    limits: StepLimits,
    stiffness_check_interval: u32,
    stats: Stats,
}

impl<const N: usize> Dopri5<N> {
    /// Default for [`Dopri5::with_stiffness_check_interval`].
    pub const DEFAULT_STIFFNESS_CHECK_INTERVAL: u32 = 10;

    /// A solver with scalar relative/absolute tolerances (absolute in state units) and
    /// step limits in the system's time unit. `limits.initial` is the first trial step
    /// of every piece between samples (`None`: `ode_solvers`' heuristic);
    /// `limits.max_steps` bounds the attempted steps of one call.
    pub fn new(rtol: f64, atol: f64, limits: StepLimits) -> Self {
        Self {
            rtol,
            atol,
            limits,
            stiffness_check_interval: Self::DEFAULT_STIFFNESS_CHECK_INTERVAL,
            stats: Stats::default(),
        }
    }

    /// Test for stiffness (Hairer's `h |lambda|` estimate) every `n` accepted steps
    /// (`n >= 1`) instead of every 10. Counting restarts at every sample, so a large `n`
    /// can hide stiffness when samples are dense. Fifteen stiff verdicts without six
    /// non-stiff ones in between end the integration with [`SolverError::Stiff`].
    pub fn with_stiffness_check_interval(mut self, n: u32) -> Self {
        self.stiffness_check_interval = n.max(1);
        self
    }

    /// Integrate one piece `[ta, tb]` with a fresh `ode_solvers` instance and return the
    /// last stored point `(t, y)`, which may fall short of `tb`.
    fn run_piece<S: OdeSystem<N>>(
        &mut self,
        sys: &S,
        ta: f64,
        ya: &SVector<f64, N>,
        tb: f64,
        budget: &mut usize,
    ) -> Result<(f64, SVector<f64, N>), SolverError> {
        let evals = Cell::new(0usize);
        let nonfinite = Cell::new(false);
        let span = tb - ta;
        let h_max = if self.limits.max > 0.0 {
            self.limits.max.min(span)
        } else {
            span
        };
        let h0 = self.limits.initial.map_or(0.0, |h| h.min(h_max).max(0.0));
        if *budget == 0 {
            return Err(SolverError::TooManySteps {
                t: ta,
                steps: self.limits.max_steps,
            });
        }
        // ode_solvers attempts up to n_max + 1 steps.
        let n_max = u32::try_from(*budget - 1).unwrap_or(u32::MAX);
        let adapter = Adapter {
            sys,
            evals: &evals,
            nonfinite: &nonfinite,
        };
        let mut solver = ode_solvers::Dopri5::from_param(
            adapter,
            ta,
            tb,
            span, // dense-output spacing: unused with sparse output
            OdeVec::<N>::from_column_slice(ya.as_slice()),
            self.rtol,
            self.atol,
            0.9,
            0.04,
            0.2,
            10.0,
            h_max,
            h0,
            n_max,
            self.stiffness_check_interval,
            OutputType::Sparse,
        );
        let result = solver.integrate();
        self.stats.rhs_evals += evals.get();

        // Sparse output stores the start and then every accepted step.
        let (xs, ys) = solver.results().get();
        let accepted = xs.len().saturating_sub(1);
        match result {
            Ok(st) => {
                self.stats.accepted_steps += st.accepted_steps as usize;
                self.stats.rejected_steps += st.rejected_steps as usize;
                *budget = budget.saturating_sub((st.accepted_steps + st.rejected_steps) as usize);
            }
            Err(e) => {
                self.stats.accepted_steps += accepted;
                let t = xs.last().copied().unwrap_or(ta);
                return Err(match e {
                    IntegrationError::StiffnessDetected { x } => SolverError::Stiff { t: x },
                    IntegrationError::MaxNumStepReached { x, n_step } => {
                        SolverError::TooManySteps {
                            t: x,
                            steps: self.limits.max_steps - *budget + n_step as usize,
                        }
                    }
                    IntegrationError::StepSizeUnderflow { .. } if nonfinite.get() => {
                        SolverError::Breakdown {
                            t,
                            what: "right-hand side became NaN/infinite".into(),
                        }
                    }
                    IntegrationError::StepSizeUnderflow { x } => {
                        SolverError::StepSizeUnderflow { t: x }
                    }
                });
            }
        }
        match (xs.last(), ys.last()) {
            (Some(&t), Some(y)) => Ok((t, SVector::from_column_slice(y.as_slice()))),
            _ => Err(SolverError::Breakdown {
                t: ta,
                what: "ode_solvers returned no output".into(),
            }),
        }
    }

    /// Bring a piece's end point `(t, y)` exactly to `target`: a gap of a few ulps is
    /// bridged by one Euler step, a real gap (solver stopped short) is integrated again.
    fn finish_at<S: OdeSystem<N>>(
        &mut self,
        sys: &S,
        mut t: f64,
        mut y: SVector<f64, N>,
        target: f64,
        budget: &mut usize,
    ) -> Result<SVector<f64, N>, SolverError> {
        for _ in 0..=MAX_RESUMES {
            let gap = target - t;
            if gap == 0.0 {
                return Ok(y);
            }
            if gap.abs() <= 64.0 * f64::EPSILON * t.abs().max(target.abs()) {
                y += sys.rhs(t, &y) * gap;
                self.stats.rhs_evals += 1;
                return Ok(y);
            }
            if gap < 0.0 {
                return Err(SolverError::Breakdown {
                    t,
                    what: format!("ode_solvers stepped past the target time {target}"),
                });
            }
            (t, y) = self.run_piece(sys, t, &y, target, budget)?;
        }
        Err(SolverError::Breakdown {
            t,
            what: format!("ode_solvers repeatedly stopped short of {target}"),
        })
    }
}

impl<const N: usize> Integrator<N> for Dopri5<N> {
    const STIFF: bool = false;

    /// Integrate `sys` from `(t0, y0)` to exactly `t1` (`t1 >= t0`), restarting at every
    /// sample time; samples are therefore integrated to, not interpolated.
    ///
    /// # Errors
    /// [`SolverError::Stiff`] when `ode_solvers` detects stiffness;
    /// [`SolverError::TooManySteps`] after `limits.max_steps` attempted steps in this
    /// call; [`SolverError::StepSizeUnderflow`]; [`SolverError::Breakdown`] for a
    /// non-finite start, right-hand side or result.
    ///
    /// # Panics
    /// If `t1 < t0`, a time is not finite, or `samples` is unsorted or leaves `(t0, t1]`.
    fn integrate<S: OdeSystem<N>>(
        &mut self,
        sys: &S,
        t0: f64,
        y0: &SVector<f64, N>,
        t1: f64,
        samples: &[f64],
        observe: &mut dyn FnMut(f64, &SVector<f64, N>),
    ) -> Result<SVector<f64, N>, SolverError> {
        check_arguments(t0, y0, t1, samples)?;
        let mut budget = self.limits.max_steps;
        let mut t = t0;
        let mut y = *y0;
        let targets = samples.iter().copied().chain(std::iter::once(t1));
        let mut emitted = 0;
        for target in targets {
            if target > t {
                let (t_end, y_end) = self.run_piece(sys, t, &y, target, &mut budget)?;
                y = self.finish_at(sys, t_end, y_end, target, &mut budget)?;
                t = target;
                if !y.iter().all(|v| v.is_finite()) {
                    return Err(SolverError::Breakdown {
                        t,
                        what: "state became NaN/infinite".into(),
                    });
                }
            }
            if emitted < samples.len() {
                observe(target, &y);
                emitted += 1;
            }
        }
        Ok(y)
    }

    fn stats(&self) -> Stats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::problems::Decay;
    use nalgebra::SMatrix;

    /// y' = −y.
    const DECAY: Decay = Decay {
        k: 1.0,
        nonnegative: false,
    };

    /// The remainder logic must complete a piece whose last stored point falls short of
    /// the target, which is what ode_solvers' missing-last-point defect looks like.
    #[test]
    fn finish_at_completes_a_piece_that_stopped_short() {
        let mut solver = Dopri5::new(1e-10, 1e-12, StepLimits::default());
        let mut budget = 1000;
        // Pretend the solver stopped at t = 0.7 instead of 1.0.
        let y07 = SVector::from([(-0.7f64).exp()]);
        let y = solver
            .finish_at(&DECAY, 0.7, y07, 1.0, &mut budget)
            .unwrap();
        assert!((y[0] - (-1f64).exp()).abs() < 1e-10, "{}", y[0]);
        assert!(
            solver.stats().accepted_steps > 0,
            "the remainder was not integrated"
        );

        // A gap of one ulp is bridged without a new solver run.
        let before = solver.stats();
        let t = 1.0 - f64::EPSILON / 2.0;
        let y = solver
            .finish_at(&DECAY, t, SVector::from([(-t).exp()]), 1.0, &mut budget)
            .unwrap();
        assert!((y[0] - (-1f64).exp()).abs() < 1e-15);
        assert_eq!(solver.stats().accepted_steps, before.accepted_steps);
        assert_eq!(solver.stats().rhs_evals, before.rhs_evals + 1);

        // Overshooting by more than round-off is an error, not a silent success.
        let err = solver
            .finish_at(&DECAY, 1.1, SVector::from([0.3]), 1.0, &mut budget)
            .unwrap_err();
        assert!(matches!(err, SolverError::Breakdown { .. }), "{err:?}");
    }

    /// Every sample must be delivered, in order, at exactly the requested time, even
    /// when the times are not exactly representable sums (0.1 + 0.2 != 0.3): the case
    /// where ode_solvers' own dense output drops its last point.
    #[test]
    fn every_sample_is_delivered_exactly_once() {
        let mut solver = Dopri5::new(1e-10, 1e-12, StepLimits::default());
        let samples: Vec<f64> = (1..=30).map(|i| f64::from(i) * 0.1).collect();
        let t1 = *samples.last().unwrap();
        let mut seen = Vec::new();
        let y = solver
            .integrate(
                &DECAY,
                0.0,
                &SVector::from([1.0]),
                t1,
                &samples,
                &mut |t, y| seen.push((t, y[0])),
            )
            .unwrap();
        assert_eq!(seen.len(), samples.len());
        for ((t, v), s) in seen.iter().zip(&samples) {
            assert_eq!(t, s);
            assert!((v - (-s).exp()).abs() < 1e-10, "at {t}: {v}");
        }
        assert_eq!(seen.last().unwrap().1, y[0]);
        assert!((y[0] - (-t1).exp()).abs() < 1e-10);
    }

    #[test]
    fn nan_right_hand_side_is_a_breakdown() {
        struct Bad;
        impl OdeSystem<1> for Bad {
            fn rhs(&self, t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
                SVector::from([if t > 0.5 { f64::NAN } else { -y[0] }])
            }
            fn jacobian(&self, _t: f64, _y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
                SMatrix::from([[-1.0]])
            }
        }
        let mut solver = Dopri5::new(1e-6, 1e-9, StepLimits::default());
        let err = solver
            .integrate(&Bad, 0.0, &SVector::from([1.0]), 1.0, &[], &mut |_, _| {})
            .unwrap_err();
        assert!(matches!(err, SolverError::Breakdown { .. }), "{err:?}");
    }
}
