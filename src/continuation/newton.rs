//! Steady states: damped (globalised) Newton, multi-start search with root
//! de-duplication, and equilibria with their stability.
//!
//! # Damping
//! The step is damped with Deuflhard's *natural monotonicity test*: with the
//! Newton correction `Δx = −J(x)⁻¹ F(x)` and a trial point `x̂ = x + λΔx`, the
//! simplified correction `Δx̄ = −J(x)⁻¹ F(x̂)` (same LU factors) must satisfy
//! `‖Δx̄‖ ≤ (1 − λ/4) ‖Δx‖`. Both norms are the scaled RMS norm of
//! [`rms_norm`] in the *state* units, so the test is
//! invariant under rescaling of the equations (it needs no residual weights),
//! and only needs sensible state scales. On failure `λ` is reduced with the
//! model-based estimate `λ' = min(λ/2, ½‖Δx‖λ² / ‖Δx̄ − (1−λ)Δx‖)`, never below
//! `λ/10`; when `λ < λ_min` the iteration stops with [`NewtonError::Diverged`].
//!
//! Length: ≈ 600 lines with tests: one damped Newton shared by equilibria, continuation correctors and fold refinement, with its typed failures and start generators.

use super::linalg::{check_scale, rms_norm, scaled_distance, Factor};
use super::stability::{stability, StabilityOptions, StabilityReport};
use super::system::System;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An axis-aligned box `lower ≤ x ≤ upper` the iterates must stay in.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxBounds {
    /// Lower bounds (may be `-∞`).
    pub lower: DVector<f64>,
    /// Upper bounds (may be `+∞`).
    pub upper: DVector<f64>,
}

impl BoxBounds {
    /// Index of the first component of `x` outside the box, if any.
    pub fn violation(&self, x: &DVector<f64>) -> Option<usize> {
        (0..x.len()).find(|&i| !(x[i] >= self.lower[i] && x[i] <= self.upper[i]))
    }

    /// The largest `λ ∈ [0, 1]` with `x + λ·dx` inside the box (`x` inside).
    fn max_step(&self, x: &DVector<f64>, dx: &DVector<f64>) -> f64 {
        let mut lam = 1.0_f64;
        for i in 0..x.len() {
            if dx[i] > 0.0 && self.upper[i].is_finite() {
                lam = lam.min((self.upper[i] - x[i]) / dx[i]);
            } else if dx[i] < 0.0 && self.lower[i].is_finite() {
                lam = lam.min((self.lower[i] - x[i]) / dx[i]);
            }
        }
        lam.max(0.0)
    }
}

/// Options of the damped Newton iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonOptions {
    /// Characteristic magnitude of each state component (`None`: all 1). Every
    /// norm of the iteration is measured in these units.
    pub x_scale: Option<DVector<f64>>,
    /// Converged when the scaled RMS Newton correction is `≤ xtol`.
    pub xtol: f64,
    /// Optional extra requirement on the residual: scaled RMS norm of `F`
    /// (with `f_scale`) `≤ ftol`.
    pub ftol: Option<f64>,
    /// Characteristic magnitude of each residual component, used only for
    /// `ftol` and for the reported residual norm (`None`: all 1).
    pub f_scale: Option<DVector<f64>>,
    /// Maximum number of Newton iterations (Jacobian evaluations).
    pub max_iter: usize,
    /// Smallest damping factor before giving up.
    pub lambda_min: f64,
    /// The Jacobian counts as singular when the reciprocal condition estimate
    /// of the row-equilibrated, column-scaled Jacobian is below this.
    pub singular_rcond: f64,
    /// Optional box the iterates must stay in.
    pub bounds: Option<BoxBounds>,
    /// Stop with [`NewtonError::Diverged`] when the scaled RMS norm of an
    /// iterate exceeds this.
    pub divergence_limit: f64,
}

impl Default for NewtonOptions {
    fn default() -> Self {
        Self {
            x_scale: None,
            xtol: 1e-10,
            ftol: None,
            f_scale: None,
            max_iter: 50,
            lambda_min: 1e-8,
            singular_rcond: 1e-13,
            bounds: None,
            divergence_limit: 1e15,
        }
    }
}

/// Why the damped Newton iteration diverged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum DivergenceKind {
    /// No damping factor `λ ≥ λ_min` passed the monotonicity test.
    DampingTooSmall {
        /// The last damping factor tried.
        lambda: f64,
    },
    /// The scaled norm of the iterate exceeded the divergence limit.
    NormExceeded {
        /// The scaled norm reached.
        norm: f64,
    },
}

/// Every way the Newton iteration can fail. Each variant carries the iterate
/// at which it stopped.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum NewtonError {
    /// The Jacobian is (numerically) singular.
    #[error("singular Jacobian at iteration {iteration} (rcond ≈ {rcond:.3e})")]
    SingularJacobian {
        /// Iteration (0-based) at which it happened.
        iteration: usize,
        /// Reciprocal condition estimate.
        rcond: f64,
        /// The iterate.
        x: Vec<f64>,
    },
    /// The iteration cap was reached before convergence.
    #[error("no convergence within {iterations} iterations (last scaled step {step_norm:.3e})")]
    MaxIterations {
        /// Iterations performed.
        iterations: usize,
        /// Last scaled RMS Newton correction.
        step_norm: f64,
        /// The last iterate.
        x: Vec<f64>,
    },
    /// The iteration diverged.
    #[error("diverged at iteration {iteration}: {kind:?}")]
    Diverged {
        /// Iteration at which it happened.
        iteration: usize,
        /// What was observed.
        kind: DivergenceKind,
        /// The last accepted iterate.
        x: Vec<f64>,
    },
    /// Every admissible step would leave the user-given box.
    #[error("left the box in component {component} at iteration {iteration}")]
    LeftBox {
        /// Iteration at which it happened.
        iteration: usize,
        /// The component that hit the box.
        component: usize,
        /// The last iterate inside the box.
        x: Vec<f64>,
    },
    /// The residual or Jacobian was NaN/infinite at an accepted iterate
    /// (typically the starting point).
    #[error("non-finite residual or Jacobian at iteration {iteration}")]
    NonFinite {
        /// Iteration at which it happened.
        iteration: usize,
        /// The iterate.
        x: Vec<f64>,
    },
    /// Input dimensions do not match.
    #[error("dimension mismatch: expected {expected}, got {got}")]
    DimensionMismatch {
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// Options are inconsistent (bad scale vector, start outside the box, …).
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

/// A converged Newton solve.
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonSolution {
    /// The root.
    pub x: DVector<f64>,
    /// Newton iterations (Jacobian factorisations) used.
    pub iterations: usize,
    /// Residual evaluations used.
    pub residual_evals: usize,
    /// Scaled RMS norm (with `f_scale`) of the residual at the root.
    pub residual_norm: f64,
    /// Last scaled RMS Newton correction.
    pub step_norm: f64,
}

fn all_finite(v: &DVector<f64>) -> bool {
    v.iter().all(|a| a.is_finite())
}

/// Damped Newton for a general square system `F(x) = 0` given as closures.
///
/// `residual(x)` returns `F(x)`, `jacobian(x)` returns `F'(x)`. This is the
/// engine behind [`newton`]; it is public for augmented systems built by users.
pub fn solve_nonlinear<R, J>(
    mut residual: R,
    mut jacobian: J,
    x0: &DVector<f64>,
    opts: &NewtonOptions,
) -> Result<NewtonSolution, NewtonError>
where
    R: FnMut(&DVector<f64>) -> DVector<f64>,
    J: FnMut(&DVector<f64>) -> DMatrix<f64>,
{
    let n = x0.len();
    let ones = DVector::from_element(n, 1.0);
    let xs = opts.x_scale.as_ref().unwrap_or(&ones);
    check_scale(xs, n).map_err(NewtonError::InvalidOptions)?;
    if let Some(fs) = &opts.f_scale {
        check_scale(fs, n).map_err(NewtonError::InvalidOptions)?;
    }
    if let Some(b) = &opts.bounds {
        if b.lower.len() != n || b.upper.len() != n {
            return Err(NewtonError::InvalidOptions(
                "box bounds have the wrong length".into(),
            ));
        }
        if let Some(c) = b.violation(x0) {
            return Err(NewtonError::InvalidOptions(format!(
                "start point outside the box in component {c}"
            )));
        }
    }
    let sn = |v: &DVector<f64>| rms_norm(v, Some(xs));
    let fnorm = |v: &DVector<f64>| rms_norm(v, opts.f_scale.as_ref());
    let mut x = x0.clone();
    let mut f = residual(&x);
    let mut evals = 1;
    if f.len() != n {
        return Err(NewtonError::DimensionMismatch {
            expected: n,
            got: f.len(),
        });
    }
    let mut lambda_next: f64 = 1.0;
    let mut step_norm = f64::INFINITY;
    for iter in 0..opts.max_iter {
        let xv = || x.as_slice().to_vec();
        if !all_finite(&f) {
            return Err(NewtonError::NonFinite {
                iteration: iter,
                x: xv(),
            });
        }
        let jac = jacobian(&x);
        if jac.shape() != (n, n) {
            return Err(NewtonError::DimensionMismatch {
                expected: n,
                got: jac.nrows(),
            });
        }
        if jac.iter().any(|v| !v.is_finite()) {
            return Err(NewtonError::NonFinite {
                iteration: iter,
                x: xv(),
            });
        }
        // Column scaling J·S makes the condition estimate independent of units.
        let mut js = jac;
        for (j, s) in xs.iter().enumerate() {
            js.column_mut(j).scale_mut(*s);
        }
        let fac = match Factor::new(&js) {
            Some(f) if f.rcond >= opts.singular_rcond => f,
            Some(f) => {
                return Err(NewtonError::SingularJacobian {
                    iteration: iter,
                    rcond: f.rcond,
                    x: xv(),
                });
            }
            None => {
                return Err(NewtonError::SingularJacobian {
                    iteration: iter,
                    rcond: 0.0,
                    x: xv(),
                })
            }
        };
        let solve = |rhs: &DVector<f64>| fac.solve(&(-rhs)).map(|y| y.component_mul(xs));
        let Some(dx) = solve(&f) else {
            return Err(NewtonError::SingularJacobian {
                iteration: iter,
                rcond: fac.rcond,
                x: xv(),
            });
        };
        let nd = sn(&dx);
        step_norm = nd;
        if nd <= opts.xtol {
            let xn = &x + &dx;
            if let Some(b) = &opts.bounds {
                if let Some(c) = b.violation(&xn) {
                    return Err(NewtonError::LeftBox {
                        iteration: iter,
                        component: c,
                        x: xv(),
                    });
                }
            }
            let fnew = residual(&xn);
            evals += 1;
            if all_finite(&fnew) && opts.ftol.is_none_or(|t| fnorm(&fnew) <= t) {
                return Ok(NewtonSolution {
                    x: xn,
                    iterations: iter + 1,
                    residual_evals: evals,
                    residual_norm: fnorm(&fnew),
                    step_norm: nd,
                });
            }
            if all_finite(&fnew) {
                x = xn;
                f = fnew;
                continue;
            }
        }
        // Damped step with the natural monotonicity test.
        let mut lambda = lambda_next.min(1.0);
        let mut last_box: Option<usize> = None;
        let accepted = loop {
            if lambda < opts.lambda_min {
                break None;
            }
            let xt = &x + &dx * lambda;
            if let Some(b) = &opts.bounds {
                if let Some(c) = b.violation(&xt) {
                    last_box = Some(c);
                    let lmax = b.max_step(&x, &dx);
                    lambda = (0.5 * lambda).min(0.99 * lmax);
                    continue;
                }
            }
            last_box = None;
            let ft = residual(&xt);
            evals += 1;
            let dxbar = if all_finite(&ft) { solve(&ft) } else { None };
            let Some(dxbar) = dxbar else {
                lambda *= 0.5;
                continue;
            };
            let nbar = sn(&dxbar);
            if nbar <= (1.0 - 0.25 * lambda) * nd {
                break Some((xt, ft, dxbar, nbar, lambda));
            }
            let denom = sn(&(&dxbar - &dx * (1.0 - lambda)));
            let mu = if denom > 0.0 {
                0.5 * nd * lambda * lambda / denom
            } else {
                0.5 * lambda
            };
            lambda = mu.min(0.5 * lambda).max(0.1 * lambda);
        };
        let Some((xt, ft, dxbar, nbar, lam)) = accepted else {
            return Err(match last_box {
                Some(c) => NewtonError::LeftBox {
                    iteration: iter,
                    component: c,
                    x: xv(),
                },
                None => NewtonError::Diverged {
                    iteration: iter,
                    kind: DivergenceKind::DampingTooSmall { lambda },
                    x: xv(),
                },
            });
        };
        x = xt;
        f = ft;
        lambda_next = if lam >= 1.0 {
            1.0
        } else {
            (4.0 * lam).min(1.0)
        };
        let norm = sn(&x);
        if !norm.is_finite() || norm > opts.divergence_limit {
            return Err(NewtonError::Diverged {
                iteration: iter,
                kind: DivergenceKind::NormExceeded { norm },
                x: x.as_slice().to_vec(),
            });
        }
        // A full step whose simplified correction is already tiny: accept
        // x + Δx̄ without another factorisation.
        if lam >= 1.0 && nbar <= opts.xtol {
            let xn = &x + &dxbar;
            let inside = opts
                .bounds
                .as_ref()
                .is_none_or(|b| b.violation(&xn).is_none());
            if inside {
                let fnew = residual(&xn);
                evals += 1;
                if all_finite(&fnew) && opts.ftol.is_none_or(|t| fnorm(&fnew) <= t) {
                    return Ok(NewtonSolution {
                        x: xn,
                        iterations: iter + 1,
                        residual_evals: evals,
                        residual_norm: fnorm(&fnew),
                        step_norm: nbar,
                    });
                }
            }
        }
    }
    Err(NewtonError::MaxIterations {
        iterations: opts.max_iter,
        step_norm,
        x: x.as_slice().to_vec(),
    })
}

/// Damped Newton for the equilibrium equation `f(x, p) = 0` at fixed `p`.
pub fn newton<S: System + ?Sized>(
    sys: &S,
    x0: &DVector<f64>,
    p: f64,
    opts: &NewtonOptions,
) -> Result<NewtonSolution, NewtonError> {
    let n = sys.dim();
    if x0.len() != n {
        return Err(NewtonError::DimensionMismatch {
            expected: n,
            got: x0.len(),
        });
    }
    solve_nonlinear(
        |x| {
            let mut out = DVector::zeros(n);
            sys.rhs(x, p, &mut out);
            out
        },
        |x| sys.jacobian(x, p),
        x0,
        opts,
    )
}

/// An equilibrium with its linear stability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equilibrium {
    /// The state.
    pub x: Vec<f64>,
    /// The parameter value.
    pub p: f64,
    /// Scaled RMS residual at `x`.
    pub residual_norm: f64,
    /// Newton iterations used.
    pub iterations: usize,
    /// Eigenvalues and verdict.
    pub stability: StabilityReport,
}

/// Why an equilibrium could not be found or classified.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum EquilibriumError {
    /// Newton failed.
    #[error(transparent)]
    Newton(#[from] NewtonError),
    /// The eigenvalue computation failed.
    #[error(transparent)]
    Stability(#[from] super::stability::StabilityError),
}

/// Solve `f(x, p) = 0` from `x0` and classify the root.
pub fn find_equilibrium<S: System + ?Sized>(
    sys: &S,
    x0: &DVector<f64>,
    p: f64,
    newton_opts: &NewtonOptions,
    stab_opts: &StabilityOptions,
) -> Result<Equilibrium, EquilibriumError> {
    let sol = newton(sys, x0, p, newton_opts)?;
    let report = stability(&sys.jacobian(&sol.x, p), stab_opts)?;
    Ok(Equilibrium {
        x: sol.x.as_slice().to_vec(),
        p,
        residual_norm: sol.residual_norm,
        iterations: sol.iterations,
        stability: report,
    })
}

/// Result of a multi-start search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiStartResult {
    /// Distinct equilibria, sorted by their first component.
    pub roots: Vec<Equilibrium>,
    /// Failed starts: index into the start list and the reason.
    pub failures: Vec<(usize, EquilibriumError)>,
    /// Number of converged starts whose root duplicated an earlier one.
    pub duplicates: usize,
}

/// Run Newton from every start, classify the roots, and keep one
/// representative of each group of roots closer than `dedup_tol` in the scaled
/// RMS distance (state scales from `newton_opts.x_scale`).
pub fn find_equilibria<S: System + ?Sized>(
    sys: &S,
    p: f64,
    starts: &[DVector<f64>],
    newton_opts: &NewtonOptions,
    stab_opts: &StabilityOptions,
    dedup_tol: f64,
) -> MultiStartResult {
    let mut roots: Vec<Equilibrium> = Vec::new();
    let mut failures = Vec::new();
    let mut duplicates = 0;
    let scale = newton_opts.x_scale.as_ref();
    for (k, x0) in starts.iter().enumerate() {
        match find_equilibrium(sys, x0, p, newton_opts, stab_opts) {
            Ok(eq) => {
                let xe = DVector::from_column_slice(&eq.x);
                let dup = roots.iter().any(|r| {
                    scaled_distance(&DVector::from_column_slice(&r.x), &xe, scale) <= dedup_tol
                });
                if dup {
                    duplicates += 1;
                } else {
                    roots.push(eq);
                }
            }
            Err(e) => failures.push((k, e)),
        }
    }
    roots.sort_by(|a, b| {
        a.x.first()
            .unwrap_or(&0.0)
            .total_cmp(b.x.first().unwrap_or(&0.0))
    });
    MultiStartResult {
        roots,
        failures,
        duplicates,
    }
}

/// A tensor grid of `per_dim` points per component over `[lower, upper]`
/// (endpoints included; one point at the midpoint when `per_dim == 1`).
/// Returns at most `max_points` starts (the grid is truncated in lexicographic
/// order), because the grid grows as `per_dim^n`.
pub fn grid_starts(
    lower: &DVector<f64>,
    upper: &DVector<f64>,
    per_dim: usize,
    max_points: usize,
) -> Vec<DVector<f64>> {
    let n = lower.len();
    let k = per_dim.max(1);
    let coord = |i: usize, j: usize| {
        if k == 1 {
            0.5 * (lower[i] + upper[i])
        } else {
            lower[i] + (upper[i] - lower[i]) * j as f64 / (k - 1) as f64
        }
    };
    let mut out = Vec::new();
    let mut idx = vec![0usize; n];
    while out.len() < max_points {
        out.push(DVector::from_fn(n, |i, _| coord(i, idx[i])));
        // Odometer increment.
        let mut d = 0;
        loop {
            if d == n {
                return out;
            }
            idx[d] += 1;
            if idx[d] < k {
                break;
            }
            idx[d] = 0;
            d += 1;
        }
    }
    out
}

/// `count` pseudo-random starts in `[lower, upper]` from a seeded SplitMix64
/// generator (reproducible, no dependency). With `log_uniform`, components
/// whose bounds are both positive are sampled uniformly in `log` space, which
/// suits states spanning several decades.
pub fn random_starts(
    lower: &DVector<f64>,
    upper: &DVector<f64>,
    count: usize,
    seed: u64,
    log_uniform: bool,
) -> Vec<DVector<f64>> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..count)
        .map(|_| {
            DVector::from_fn(lower.len(), |i, _| {
                let u = next();
                let (a, b) = (lower[i], upper[i]);
                if log_uniform && a > 0.0 && b > 0.0 {
                    (a.ln() + u * (b.ln() - a.ln())).exp()
                } else {
                    a + u * (b - a)
                }
            })
        })
        .collect()
}
