//! RODAS4: a linearly implicit (Rosenbrock) one-step method of order 4(3).
//!
//! Length: one method in one file (≈ 620 lines of coefficients, step, error control,
//! dense output and safeguards, then its unit tests); split, the step would be read
//! apart from the coefficients it uses.
//!
//! Method and coefficients: E. Hairer & G. Wanner, *Solving Ordinary Differential
//! Equations II: Stiff and Differential-Algebraic Problems*, 2nd ed., Springer 1996,
//! §IV.7, and their Fortran code `rodas.f` (coefficient set `METH = 1`). Six stages,
//! L-stable, stiffly accurate, `gamma = 1/4`, with an embedded third-order solution for
//! error control and a third-order continuous extension (dense output).
//!
//! Each step attempt solves six linear systems with the one matrix
//! `W = I/(gamma h) - J`, where `J` is the exact Jacobian at the start of the step:
//!
//! ```text
//! W k_i = f(t + c_i h, y + sum_j a_ij k_j) + sum_j (C_ij / h) k_j + d_i h df/dt
//! y_new = y + sum_j a_6j k_j + k_6   (stiffly accurate: stage 6 is the solution)
//! ```
//!
//! The last increment `k_6` is the difference between the fourth-order solution and the
//! embedded third-order one, so it is the local error estimate. Everything is fixed-size
//! (`SVector`/`SMatrix`), so the step loop allocates nothing.

use super::block_lu::BlockLu;
use super::{Integrator, OdeSystem, SolverError, Stats, StepLimits, Tolerances};
use nalgebra::SVector;

/// RODAS4 coefficients in the `W = I/(gamma h) - J` ("transformed") form of
/// Hairer & Wanner (1996), §IV.7, as in `rodas.f`.
mod coef {
    pub(super) const GAMMA: f64 = 0.25;

    pub(super) const C2: f64 = 0.386;
    pub(super) const C3: f64 = 0.21;
    pub(super) const C4: f64 = 0.63;
    // c5 = c6 = 1.

    pub(super) const D1: f64 = 0.25;
    pub(super) const D2: f64 = -0.1043;
    pub(super) const D3: f64 = 0.1035;
    pub(super) const D4: f64 = -0.036_200_000_000_000_23;
    // d5 = d6 = 0.

    pub(super) const A21: f64 = 1.544;
    pub(super) const A31: f64 = 0.946_678_528_081_582_6;
    pub(super) const A32: f64 = 0.255_701_169_898_328_4;
    pub(super) const A41: f64 = 3.314_825_187_068_521;
    pub(super) const A42: f64 = 2.896_124_015_972_201;
    pub(super) const A43: f64 = 0.998_641_913_997_781_7;
    pub(super) const A51: f64 = 1.221_224_509_226_641;
    pub(super) const A52: f64 = 6.019_134_481_288_629;
    pub(super) const A53: f64 = 12.537_083_329_320_87;
    pub(super) const A54: f64 = -0.687_886_036_105_895;

    pub(super) const C21: f64 = -5.6688;
    pub(super) const C31: f64 = -2.430_093_356_833_875;
    pub(super) const C32: f64 = -0.206_359_915_709_191_5;
    pub(super) const C41: f64 = -0.107_352_905_815_137_5;
    pub(super) const C42: f64 = -9.594_562_251_023_355;
    pub(super) const C43: f64 = -20.470_286_148_096_16;
    pub(super) const C51: f64 = 7.496_443_313_967_647;
    pub(super) const C52: f64 = -10.246_804_314_643_52;
    pub(super) const C53: f64 = -33.999_903_528_199_05;
    pub(super) const C54: f64 = 11.708_908_932_061_6;
    pub(super) const C61: f64 = 8.083_246_795_921_522;
    pub(super) const C62: f64 = -7.981_132_988_064_893;
    pub(super) const C63: f64 = -31.521_594_328_743_71;
    pub(super) const C64: f64 = 16.319_305_431_231_36;
    pub(super) const C65: f64 = -6.058_818_238_834_054;

    // Dense output: y(t + s h) = (1-s) y0 + s (y1 + (1-s) (q1 + s q2)),
    // q1 = sum h2j k_j, q2 = sum h3j k_j.
    pub(super) const H21: f64 = 10.126_235_083_445_86;
    pub(super) const H22: f64 = -7.487_995_877_610_167;
    pub(super) const H23: f64 = -34.800_918_615_557_47;
    pub(super) const H24: f64 = -7.992_771_707_568_823;
    pub(super) const H25: f64 = 1.025_137_723_295_662;
    pub(super) const H31: f64 = -0.676_280_339_280_125_3;
    pub(super) const H32: f64 = 6.087_714_651_680_015;
    pub(super) const H33: f64 = 16.430_843_208_924_78;
    pub(super) const H34: f64 = 24.767_225_114_183_86;
    pub(super) const H35: f64 = -6.594_389_125_716_872;
}

/// Safety factor of the step-size controller.
const SAFETY: f64 = 0.9;
/// Largest step growth per accepted step.
const FAC_MAX: f64 = 6.0;
/// Largest step reduction per step (as a factor on `h`).
const FAC_MIN: f64 = 0.2;
/// Consecutive failed attempts (singular `W`, non-finite stages) before giving up.
const MAX_FAILURES: u32 = 30;

/// Everything one accepted or rejected step attempt produces.
struct Attempt<const N: usize> {
    /// Fourth-order solution at `t + h`.
    y1: SVector<f64, N>,
    /// Weighted RMS norm of the error estimate `k_6`.
    err: f64,
    /// Dense-output coefficients `q1 = sum h2j k_j`, `q2 = sum h3j k_j`.
    q1: SVector<f64, N>,
    q2: SVector<f64, N>,
}

/// Why a step attempt could not be completed (the step is then retried smaller).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Failure {
    /// `W` could not be factorised.
    Singular,
    /// A stage or the new state was NaN or infinite.
    NonFinite,
}

/// The state at the start of a step, shared by every attempt from that point.
struct Point<'a, const N: usize> {
    t: f64,
    y: &'a SVector<f64, N>,
    f0: &'a SVector<f64, N>,
    /// The Jacobian's values, as [`BlockLu::factor`] takes them.
    jac: &'a [f64],
    /// `∂f/∂t`, `None` for an autonomous system.
    ft: Option<&'a SVector<f64, N>>,
}

fn all_finite<const N: usize>(v: &SVector<f64, N>) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// Weighted RMS norm with `sc_i = atol_i + rtol max(|a_i|, |b_i|)`.
fn wrms<const N: usize>(
    v: &SVector<f64, N>,
    a: &SVector<f64, N>,
    b: &SVector<f64, N>,
    tol: &Tolerances<N>,
) -> f64 {
    if N == 0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for i in 0..N {
        let sc = tol.atol[i] + tol.rtol * a[i].abs().max(b[i].abs());
        let r = v[i] / sc;
        sum += r * r;
    }
    (sum / N as f64).sqrt()
}

/// One RODAS4 step of size `h` from `p`. Counts 5 rhs evaluations and 1 LU.
fn attempt<S: OdeSystem<N>, const N: usize>(
    sys: &S,
    p: &Point<'_, N>,
    h: f64,
    tol: &Tolerances<N>,
    lu: &mut BlockLu<N>,
    stats: &mut Stats,
) -> Result<Attempt<N>, Failure> {
    use coef::{
        A21, A31, A32, A41, A42, A43, A51, A52, A53, A54, C2, C21, C3, C31, C32, C4, C41, C42, C43,
        C51, C52, C53, C54, C61, C62, C63, C64, C65, D1, D2, D3, D4, GAMMA, H21, H22, H23, H24,
        H25, H31, H32, H33, H34, H35,
    };
    let (t, y, ft) = (p.t, p.y, p.ft);

    stats.lu_decompositions += 1;
    if !lu.factor(p.jac, 1.0 / (GAMMA * h)) {
        return Err(Failure::Singular);
    }
    let inv_h = 1.0 / h;
    // The d_i h ∂f/∂t term of stage i (nothing to add for an autonomous system).
    let with_ft = |k: SVector<f64, N>, d: f64| match ft {
        Some(ft) => k + ft * (h * d),
        None => k,
    };

    let mut k1 = with_ft(*p.f0, D1);
    lu.solve(&mut k1);

    let y2 = y + k1 * A21;
    let mut k2 = with_ft(sys.rhs(t + C2 * h, &y2) + k1 * (C21 * inv_h), D2);
    lu.solve(&mut k2);

    let y3 = y + k1 * A31 + k2 * A32;
    let mut k3 = with_ft(sys.rhs(t + C3 * h, &y3) + (k1 * C31 + k2 * C32) * inv_h, D3);
    lu.solve(&mut k3);

    let y4 = y + k1 * A41 + k2 * A42 + k3 * A43;
    let mut k4 = with_ft(
        sys.rhs(t + C4 * h, &y4) + (k1 * C41 + k2 * C42 + k3 * C43) * inv_h,
        D4,
    );
    lu.solve(&mut k4);

    let y5 = y + k1 * A51 + k2 * A52 + k3 * A53 + k4 * A54;
    let mut k5 = sys.rhs(t + h, &y5) + (k1 * C51 + k2 * C52 + k3 * C53 + k4 * C54) * inv_h;
    lu.solve(&mut k5);

    let y6 = y5 + k5;
    let mut k6 =
        sys.rhs(t + h, &y6) + (k1 * C61 + k2 * C62 + k3 * C63 + k4 * C64 + k5 * C65) * inv_h;
    lu.solve(&mut k6);
    stats.rhs_evals += 5;

    let y1 = y6 + k6;
    let err = wrms(&k6, y, &y1, tol);
    if !(all_finite(&y1) && err.is_finite()) {
        return Err(Failure::NonFinite);
    }
    let q1 = k1 * H21 + k2 * H22 + k3 * H23 + k4 * H24 + k5 * H25;
    let q2 = k1 * H31 + k2 * H32 + k3 * H33 + k4 * H34 + k5 * H35;
    Ok(Attempt { y1, err, q1, q2 })
}

/// Continuous extension at fraction `s` of the step: third order, exact at `s = 0, 1`.
fn dense<const N: usize>(y0: &SVector<f64, N>, a: &Attempt<N>, s: f64) -> SVector<f64, N> {
    let s1 = 1.0 - s;
    y0 * s1 + (a.y1 + (a.q1 + a.q2 * s) * s1) * s
}

fn clip_nonnegative<const N: usize>(y: &mut SVector<f64, N>, nonneg: &[bool; N]) {
    for (v, &nn) in y.iter_mut().zip(nonneg) {
        if nn && *v < 0.0 {
            *v = 0.0;
        }
    }
}

/// Hairer's starting-step heuristic (Hairer, Nørsett & Wanner, *Solving ODEs I*,
/// §II.4) for a method of order 4. Costs one rhs evaluation.
fn initial_step<S: OdeSystem<N>, const N: usize>(
    sys: &S,
    t0: f64,
    y0: &SVector<f64, N>,
    f0: &SVector<f64, N>,
    hmax: f64,
    tol: &Tolerances<N>,
    stats: &mut Stats,
) -> f64 {
    let d0 = wrms(y0, y0, y0, tol);
    let d1 = wrms(f0, y0, y0, tol);
    let mut h0 = if d0 < 1e-5 || d1 < 1e-5 {
        1e-6
    } else {
        0.01 * d0 / d1
    };
    h0 = h0.min(hmax);
    let y1 = y0 + f0 * h0;
    let f1 = sys.rhs(t0 + h0, &y1);
    stats.rhs_evals += 1;
    let d2 = wrms(&(f1 - f0), y0, y0, tol) / h0;
    if !d2.is_finite() {
        return (h0 * 1e-3).min(hmax);
    }
    let dmax = d1.max(d2);
    let h1 = if dmax <= 1e-15 {
        (h0 * 1e-3).max(1e-6)
    } else {
        // The error estimate is O(h^4) (embedded third-order solution).
        (0.01 / dmax).powf(0.25)
    };
    (100.0 * h0).min(h1).min(hmax)
}

/// Check the [`Integrator::integrate`] contract shared by both solvers.
///
/// Panics on caller errors (reversed interval, unsorted or out-of-range samples);
/// returns `Breakdown` for a non-finite start.
pub(crate) fn check_arguments<const N: usize>(
    t0: f64,
    y0: &SVector<f64, N>,
    t1: f64,
    samples: &[f64],
) -> Result<(), SolverError> {
    assert!(
        t0.is_finite() && t1.is_finite() && t1 >= t0,
        "integrate: need finite t0 <= t1, got t0 = {t0}, t1 = {t1}"
    );
    assert!(
        samples.windows(2).all(|w| w[0] <= w[1]),
        "integrate: sample times must be sorted"
    );
    if let (Some(&first), Some(&last)) = (samples.first(), samples.last()) {
        assert!(
            first > t0 && last <= t1,
            "integrate: sample times must lie in (t0, t1] = ({t0}, {t1}], got [{first}, {last}]"
        );
    }
    if !all_finite(y0) {
        return Err(SolverError::Breakdown {
            t: t0,
            what: "initial state is not finite".into(),
        });
    }
    Ok(())
}

/// The RODAS4 stiff integrator (Hairer & Wanner 1996, §IV.7).
///
/// Uses the system's exact Jacobian (one evaluation and one LU decomposition per
/// step attempt), the embedded third-order solution for error control, Gustafsson's
/// predictive step-size controller as in `rodas.f`, and the third-order continuous
/// extension for sample output. Step sizes are in the system's time unit.
///
/// The last step size proposed by the controller is kept between calls to
/// [`Integrator::integrate`]. A call that continues exactly where the last one ended
/// (same `t`, `y` and `f(t, y)`) starts with it; a call that starts after a jump (a
/// schedule boundary: new drivers or a dose) starts with the smaller of it and the
/// starting-step estimate at the new point, so a step sized for the smooth stretch
/// before is not tried across the new transient and cut down by rejections.
#[derive(Debug, Clone)]
pub struct Rodas4<const N: usize> {
    tol: Tolerances<N>,
    limits: StepLimits,
    h_next: Option<f64>,
    /// Where the last call ended: `(t, y, f(t, y))`, to tell a continuation from a jump.
    end: Option<(f64, SVector<f64, N>, SVector<f64, N>)>,
    stats: Stats,
    /// The factorisation of `W`, structured by the last system's Jacobian pattern.
    lu: Option<BlockLu<N>>,
}

impl<const N: usize> Rodas4<N> {
    /// A solver with the given tolerances and step limits.
    ///
    /// `limits.initial` is the first trial step of the first call (`None`: Hairer's
    /// starting-step heuristic); later calls start from the step carried over.
    pub fn new(tol: Tolerances<N>, limits: StepLimits) -> Self {
        Self {
            tol,
            limits,
            h_next: None,
            end: None,
            stats: Stats::default(),
            lu: None,
        }
    }

    /// The error-control settings.
    pub fn tolerances(&self) -> &Tolerances<N> {
        &self.tol
    }

    /// The step-size limits.
    pub fn limits(&self) -> StepLimits {
        self.limits
    }

    /// The step size (system time unit) the next call will try first, if one has been
    /// carried over from a previous call.
    pub fn next_step_size(&self) -> Option<f64> {
        self.h_next
    }

    /// Forget the carried-over step size, so the next call starts afresh (from
    /// `limits.initial` or the heuristic).
    pub fn reset_step_size(&mut self) {
        self.h_next = None;
        self.end = None;
    }
}

impl<const N: usize> Integrator<N> for Rodas4<N> {
    const STIFF: bool = true;

    /// Integrate `sys` from `(t0, y0)` to exactly `t1` (`t1 >= t0`).
    ///
    /// Components flagged by [`OdeSystem::nonnegative`] are kept non-negative: a step
    /// that drives one below `-atol_i` is rejected and retried with half the step;
    /// smaller negatives are set to zero on acceptance, and interpolated samples are
    /// clipped at zero as well.
    ///
    /// # Errors
    /// [`SolverError::Breakdown`] if the start, the right-hand side or the Jacobian is
    /// not finite at an accepted point, or step attempts keep failing (singular
    /// iteration matrix, non-finite stages); [`SolverError::StepSizeUnderflow`];
    /// [`SolverError::TooManySteps`] after `limits.max_steps` attempts in this call.
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
        if t1 == t0 {
            return Ok(*y0);
        }
        let span = t1 - t0;
        let hmax = if self.limits.max > 0.0 {
            self.limits.max.min(span)
        } else {
            span
        };
        let nonneg = sys.nonnegative();
        let pattern = sys.jacobian_pattern().unwrap_or(&[]);
        let mut lu = match self.lu.take() {
            Some(lu) if lu.is_for(pattern) => lu,
            _ => BlockLu::new(pattern),
        };
        let result = self.run(sys, t0, y0, t1, hmax, samples, observe, &nonneg, &mut lu);
        self.lu = Some(lu);
        result
    }

    fn stats(&self) -> Stats {
        self.stats
    }
}

impl<const N: usize> Rodas4<N> {
    /// The step loop of [`Integrator::integrate`], with the factorisation `lu`.
    #[allow(clippy::too_many_arguments)]
    fn run<S: OdeSystem<N>>(
        &mut self,
        sys: &S,
        t0: f64,
        y0: &SVector<f64, N>,
        t1: f64,
        hmax: f64,
        samples: &[f64],
        observe: &mut dyn FnMut(f64, &SVector<f64, N>),
        nonneg: &[bool; N],
        lu: &mut BlockLu<N>,
    ) -> Result<SVector<f64, N>, SolverError> {
        let breakdown = |t: f64, what: &str| SolverError::Breakdown {
            t,
            what: what.to_owned(),
        };

        let mut t = t0;
        let mut y = *y0;
        let mut jac = vec![0.0; lu.values_len()];
        let mut f0 = sys.rhs_and_jacobian(t, &y, &mut jac);
        self.stats.rhs_evals += 1;
        self.stats.jacobian_evals += 1;
        if !all_finite(&f0) {
            return Err(breakdown(
                t,
                "right-hand side is not finite at the initial state",
            ));
        }

        // A call usually starts at a schedule boundary, where the state or the
        // right-hand side jumps: the step carried over from the smooth stretch before
        // is then capped by the starting-step estimate from the new f and its change
        // (one rhs evaluation), instead of being tried and cut down by rejections.
        let continues = self
            .end
            .as_ref()
            .is_some_and(|(te, ye, fe)| *te == t && *ye == y && *fe == f0);
        let estimate = |stats: &mut Stats| initial_step(sys, t, &y, &f0, hmax, &self.tol, stats);
        let mut h = match (self.h_next, self.limits.initial) {
            (Some(h), _) if h > 0.0 && continues => h,
            (Some(h), _) if h > 0.0 => h.min(estimate(&mut self.stats)),
            (None, Some(h)) if h > 0.0 => h,
            _ => estimate(&mut self.stats),
        }
        .min(hmax);

        let mut ft = None;
        let mut fresh_point = true;
        let mut attempts = 0usize;
        let mut accepted_here = 0usize;
        let mut reject = false;
        let mut failures = 0u32;
        // Attempts since the last non-finite stage; a step-size collapse right after
        // NaN/inf stages is reported as a breakdown, not an underflow.
        let mut since_nonfinite = usize::MAX;
        let (mut h_acc, mut err_acc) = (0.0, 1.0);
        let mut next_sample = 0usize;

        loop {
            if fresh_point {
                ft = sys.time_derivative(t, &y);
                if !(jac.iter().all(|v| v.is_finite()) && ft.as_ref().is_none_or(all_finite)) {
                    return Err(breakdown(t, "Jacobian or df/dt is not finite"));
                }
                fresh_point = false;
            }
            if attempts >= self.limits.max_steps {
                return Err(SolverError::TooManySteps { t, steps: attempts });
            }
            if h.is_nan() || h <= 0.0 || 0.1 * h <= f64::EPSILON * t.abs() {
                return Err(if since_nonfinite < 10 {
                    breakdown(t, "state or right-hand side became NaN/infinite")
                } else {
                    SolverError::StepSizeUnderflow { t }
                });
            }
            let last = t + 1.0001 * h >= t1;
            let h_step = if last { t1 - t } else { h };
            attempts += 1;
            since_nonfinite = since_nonfinite.saturating_add(1);

            let point = Point {
                t,
                y: &y,
                f0: &f0,
                jac: &jac,
                ft: ft.as_ref(),
            };
            let step = match attempt(sys, &point, h_step, &self.tol, lu, &mut self.stats) {
                Ok(step) => step,
                Err(failure) => {
                    self.stats.rejected_steps += 1;
                    failures += 1;
                    if failure == Failure::NonFinite {
                        since_nonfinite = 0;
                    }
                    if failures >= MAX_FAILURES {
                        let what = match failure {
                            Failure::Singular => "iteration matrix I/(gamma h) - J is singular",
                            Failure::NonFinite => "state or right-hand side became NaN/infinite",
                        };
                        return Err(breakdown(t, what));
                    }
                    h = 0.25 * h_step;
                    reject = true;
                    continue;
                }
            };
            failures = 0;

            let err = step.err;
            let mut fac = (err.powf(0.25) / SAFETY).clamp(1.0 / FAC_MAX, 1.0 / FAC_MIN);
            let mut h_new = h_step / fac;

            if err > 1.0 {
                self.stats.rejected_steps += 1;
                reject = true;
                h = if accepted_here == 0 {
                    0.1 * h_step
                } else {
                    h_new
                };
                continue;
            }

            let too_negative = (0..N).any(|i| nonneg[i] && step.y1[i] < -self.tol.atol[i]);
            if too_negative {
                self.stats.rejected_steps += 1;
                reject = true;
                h = 0.5 * h_step;
                continue;
            }

            // Accepted. Gustafsson's predictive controller (as in rodas.f).
            if accepted_here > 0 {
                let fac_gus = ((h_acc / h_step) * (err * err / err_acc).powf(0.25) / SAFETY)
                    .clamp(1.0 / FAC_MAX, 1.0 / FAC_MIN);
                fac = fac.max(fac_gus);
                h_new = h_step / fac;
            }
            h_acc = h_step;
            err_acc = err.max(1e-2);
            self.stats.accepted_steps += 1;
            accepted_here += 1;

            let mut y1 = step.y1;
            clip_nonnegative(&mut y1, nonneg);
            let t_new = if last { t1 } else { t + h_step };
            while let Some(&ts) = samples.get(next_sample) {
                if ts > t_new {
                    break;
                }
                if ts == t_new {
                    observe(ts, &y1);
                } else {
                    let mut ys = dense(&y, &step, (ts - t) / h_step);
                    clip_nonnegative(&mut ys, nonneg);
                    observe(ts, &ys);
                }
                next_sample += 1;
            }

            h_new = h_new.min(hmax);
            if reject {
                h_new = h_new.min(h_step);
            }
            reject = false;
            t = t_new;
            y = y1;
            if last {
                // A last step shortened to land on t1 says little about the step the
                // solution allows; keep the planned one if it was larger.
                self.h_next = Some(if h_step < h { h_new.max(h) } else { h_new });
                let f_end = sys.rhs(t, &y);
                self.stats.rhs_evals += 1;
                self.end = Some((t, y, f_end));
                return Ok(y);
            }
            f0 = sys.rhs_and_jacobian(t, &y, &mut jac);
            self.stats.rhs_evals += 1;
            self.stats.jacobian_evals += 1;
            if !all_finite(&f0) {
                return Err(breakdown(t, "right-hand side is not finite"));
            }
            fresh_point = true;
            h = h_new;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SMatrix;

    use crate::solver::problems::Forced;

    /// A nonlinear 2-D system: a damped cubic oscillator, y1' = y2, y2' = -y1^3 - y2/2.
    struct Nonlinear;
    impl OdeSystem<2> for Nonlinear {
        fn rhs(&self, _t: f64, y: &SVector<f64, 2>) -> SVector<f64, 2> {
            SVector::from([y[1], -y[0] * y[0] * y[0] - 0.5 * y[1]])
        }
        fn jacobian(&self, _t: f64, y: &SVector<f64, 2>) -> SMatrix<f64, 2, 2> {
            SMatrix::from_row_slice(&[0.0, 1.0, -3.0 * y[0] * y[0], -0.5])
        }
    }

    fn one_step<S: OdeSystem<N>, const N: usize>(
        sys: &S,
        t: f64,
        y: SVector<f64, N>,
        h: f64,
    ) -> (SVector<f64, N>, Attempt<N>) {
        let mut lu = BlockLu::new(sys.jacobian_pattern().unwrap_or(&[]));
        let mut jac = vec![0.0; lu.values_len()];
        let f0 = sys.rhs_and_jacobian(t, &y, &mut jac);
        let ft = sys.time_derivative(t, &y);
        let p = Point {
            t,
            y: &y,
            f0: &f0,
            jac: &jac,
            ft: ft.as_ref(),
        };
        let tol = Tolerances::uniform(1e-6, 1e-6);
        let a = attempt(sys, &p, h, &tol, &mut lu, &mut Stats::default()).unwrap();
        (y, a)
    }

    /// Fixed-step global error must fall like h^4: checks the transcribed tableau,
    /// including the df/dt terms.
    #[test]
    fn fixed_step_global_order_is_four() {
        let run = |n: usize| {
            let h = 2.0 / n as f64;
            let mut y = SVector::<f64, 1>::from([1.0]);
            for i in 0..n {
                y = one_step(&Forced, i as f64 * h, y, h).1.y1;
            }
            (y[0] - Forced::exact(2.0, 1.0)).abs()
        };
        let (e1, e2, e3) = (run(10), run(20), run(40));
        let (p1, p2) = ((e1 / e2).log2(), (e2 / e3).log2());
        assert!(
            p1 > 3.7 && p2 > 3.8,
            "observed orders {p1}, {p2} ({e1}, {e2}, {e3})"
        );

        let run2 = |n: usize| {
            let h = 3.0 / n as f64;
            let mut y = SVector::<f64, 2>::from([1.0, 0.0]);
            for i in 0..n {
                y = one_step(&Nonlinear, i as f64 * h, y, h).1.y1;
            }
            y
        };
        let reference = run2(5120);
        let e: Vec<f64> = [40, 80, 160]
            .iter()
            .map(|&n| (run2(n) - reference).norm())
            .collect();
        let (q1, q2) = ((e[0] / e[1]).log2(), (e[1] / e[2]).log2());
        assert!(q1 > 3.6 && q2 > 3.8, "nonlinear orders {q1}, {q2} ({e:?})");
    }

    /// The local error of one step is O(h^5); of the embedded solution O(h^4); of the
    /// dense output inside the step O(h^4).
    #[test]
    fn local_orders_of_step_estimate_and_dense_output() {
        let y0 = SVector::<f64, 2>::from([1.0, 0.3]);
        // Reference: many tiny steps.
        let fine = |t_end: f64| {
            let n = 2000;
            let h = t_end / f64::from(n);
            let mut y = y0;
            for i in 0..n {
                y = one_step(&Nonlinear, f64::from(i) * h, y, h).1.y1;
            }
            y
        };
        let mut step_err = Vec::new();
        let mut est = Vec::new();
        let mut dense_err = Vec::new();
        for h in [0.2, 0.1, 0.05] {
            let (y, a) = one_step(&Nonlinear, 0.0, y0, h);
            step_err.push((a.y1 - fine(h)).norm());
            est.push(a.err);
            dense_err.push((dense(&y, &a, 0.4) - fine(0.4 * h)).norm());
        }
        let order = |v: &[f64]| ((v[0] / v[1]).log2(), (v[1] / v[2]).log2());
        let (s1, s2) = order(&step_err);
        let (e1, e2) = order(&est);
        let (d1, d2) = order(&dense_err);
        assert!(s1 > 4.5 && s2 > 4.6, "step local order {s1} {s2}");
        assert!(e1 > 3.5 && e2 > 3.7, "estimate order {e1} {e2}");
        assert!(d1 > 3.5 && d2 > 3.7, "dense local order {d1} {d2}");
        // Dense output is exact at the ends of the step.
        let (y, a) = one_step(&Nonlinear, 0.0, y0, 0.1);
        assert_eq!(dense(&y, &a, 0.0), y);
        assert_eq!(dense(&y, &a, 1.0), a.y1);
    }

    #[test]
    fn l_stable_on_very_stiff_linear_decay() {
        // y' = -1e12 (y - cos t): one step of size 1 must land essentially on the slow
        // manifold y = cos t (R(inf) = 0 and stiff accuracy).
        struct Stiff;
        impl OdeSystem<1> for Stiff {
            fn rhs(&self, t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
                SVector::from([-1e12 * (y[0] - t.cos())])
            }
            fn jacobian(&self, _t: f64, _y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
                SMatrix::from([[-1e12]])
            }
            fn time_derivative(&self, t: f64, _y: &SVector<f64, 1>) -> Option<SVector<f64, 1>> {
                Some(SVector::from([-1e12 * t.sin()]))
            }
        }
        let (_, a) = one_step(&Stiff, 0.0, SVector::from([5.0]), 1.0);
        assert!((a.y1[0] - 1f64.cos()).abs() < 1e-6, "{}", a.y1[0]);
    }

    #[test]
    fn carries_step_size_between_calls() {
        let tol = Tolerances::uniform(1e-8, 1e-10);
        let mut solver = Rodas4::new(tol.clone(), StepLimits::default());
        assert_eq!(solver.next_step_size(), None);
        let y = solver
            .integrate(
                &Forced,
                0.0,
                &SVector::from([1.0]),
                1.0,
                &[],
                &mut |_, _| {},
            )
            .unwrap();
        // The carried step is a controller proposal of the same size as the steps
        // taken (about 1/45 here), not the short last step or the start-up step.
        let first = solver.stats();
        let h = solver.next_step_size().unwrap();
        let typical = 1.0 / first.accepted_steps as f64;
        assert!(h > 0.5 * typical && h < 3.0 * typical, "h = {h}, {first:?}");

        solver
            .integrate(&Forced, 1.0, &y, 2.0, &[], &mut |_, _| {})
            .unwrap();
        let carried = solver.stats();
        let carried_evals = carried.rhs_evals - first.rhs_evals;

        let mut fresh = Rodas4::new(tol, StepLimits::default());
        fresh
            .integrate(&Forced, 1.0, &y, 2.0, &[], &mut |_, _| {})
            .unwrap();
        // The fresh start pays for the heuristic and a short first step.
        assert!(
            carried_evals < fresh.stats().rhs_evals,
            "carried {carried_evals} vs fresh {:?}",
            fresh.stats()
        );
        solver.reset_step_size();
        assert_eq!(solver.next_step_size(), None);
    }
}
