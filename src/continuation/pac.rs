//! Pseudo-arclength continuation core shared by equilibrium branches
//! ([`super::branch`]) and fold curves ([`super::fold2`]).
//!
//! A curve `H(u) = 0`, `H: ℝ^{N+1} → ℝ^N`, is followed in *scaled* coordinates
//! `ũ = u ⊘ s` (componentwise division by the user's scales), so that the
//! arclength `‖Δũ‖₂` weighs every unknown in its own units.
//!
//! * **Tangent**: `t` solves `[H̃_ũ; t_prevᵀ] t = [0; 1]`, normalised to
//!   `‖t‖₂ = 1`, oriented so that `tᵀ t_prev > 0`.
//! * **Predictor**: `ũ⁽⁰⁾ = ũ_k + h t_k`.
//! * **Corrector**: Newton on `G(ũ) = [H(ũ); t_kᵀ(ũ − ũ_k) − h] = 0` (Keller),
//!   Jacobian `[H̃_ũ; t_kᵀ]`, which stays regular at folds.
//! * **Acceptance**: corrections must contract, converge within the iteration
//!   cap, and the new tangent must turn by less than `max_angle`.
//! * **Location** of a zero of a test function `ψ` between `u_k` and `u_{k+1}`:
//!   Illinois (modified regula falsi) on the step length `h ∈ [0, h_k]`, each
//!   trial point obtained by the same corrector from `u_k` along `t_k`.

use super::linalg::{null_vector, Factor};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// Step-size control and corrector settings, shared by all continuations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepControl {
    /// Initial step (scaled arclength).
    pub h_init: f64,
    /// Smallest step: a failure below it stops the continuation.
    pub h_min: f64,
    /// Largest step.
    pub h_max: f64,
    /// Step growth factor after a fast corrector convergence.
    pub grow: f64,
    /// Step reduction factor after a failed step.
    pub shrink: f64,
    /// Grow the step when the corrector needed at most this many iterations.
    pub fast_iters: usize,
    /// Reduce the step (by `sqrt(shrink)`) when it needed at least this many.
    pub slow_iters: usize,
    /// Corrector iteration cap.
    pub max_corrector_iter: usize,
    /// Corrector tolerance on the scaled Euclidean norm of the Newton update.
    pub corrector_tol: f64,
    /// Largest angle (radians) between consecutive tangents.
    pub max_angle: f64,
    /// Maximum number of points on the curve (including the first).
    pub max_points: usize,
    /// Maximum number of step attempts (accepted + rejected).
    pub max_steps: usize,
    /// Tolerance on the step length when locating special points.
    pub locate_tol: f64,
    /// Iteration cap of the location (Illinois) iteration.
    pub locate_max_iter: usize,
}

impl Default for StepControl {
    fn default() -> Self {
        Self {
            h_init: 0.01,
            h_min: 1e-9,
            h_max: 0.2,
            grow: 1.5,
            shrink: 0.5,
            fast_iters: 3,
            slow_iters: 6,
            max_corrector_iter: 10,
            corrector_tol: 1e-10,
            max_angle: 0.5,
            max_points: 2000,
            max_steps: 10_000,
            locate_tol: 1e-11,
            locate_max_iter: 100,
        }
    }
}

impl StepControl {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let ok = self.h_min > 0.0
            && self.h_min <= self.h_init
            && self.h_init <= self.h_max
            && self.grow >= 1.0
            && self.shrink > 0.0
            && self.shrink < 1.0
            && self.max_corrector_iter >= 1
            && self.corrector_tol > 0.0
            && self.max_angle > 0.0
            && self.max_points >= 1
            && self.locate_tol > 0.0;
        if ok {
            Ok(())
        } else {
            Err("step control needs 0 < h_min ≤ h_init ≤ h_max, grow ≥ 1, 0 < shrink < 1, positive tolerances".into())
        }
    }
}

/// Why a single continuation step was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepFailure {
    /// NaN/infinite residual or Jacobian.
    NonFinite,
    /// Singular augmented Jacobian.
    Singular,
    /// Newton corrections stopped contracting.
    Diverging,
    /// Iteration cap reached.
    NoConvergence,
    /// The tangent turned by more than the allowed angle.
    TangentJump,
}

/// A curve `H(u) = 0` with `N` equations in `N + 1` unknowns.
pub(crate) trait ArcSystem {
    /// Number of equations `N`.
    fn n_eq(&self) -> usize;
    /// `H(u)` in original units.
    fn residual(&self, u: &DVector<f64>) -> DVector<f64>;
    /// `H_u(u)`, `N × (N+1)`, in original units.
    fn jacobian(&self, u: &DVector<f64>) -> DMatrix<f64>;
}

/// A point on the curve.
#[derive(Debug, Clone)]
pub(crate) struct ArcPoint {
    /// Unknowns in original units.
    pub u: DVector<f64>,
    /// Unit tangent in scaled coordinates.
    pub t: DVector<f64>,
    /// `det [H̃_ũ; tᵀ]` (changes sign at simple branch points).
    pub det: f64,
    /// Corrector iterations used to reach it.
    pub iters: usize,
}

/// The continuation engine: scales and settings.
pub(crate) struct Pac<'a> {
    pub scale: DVector<f64>,
    pub ctl: &'a StepControl,
}

impl Pac<'_> {
    fn scaled_jac<A: ArcSystem>(&self, sys: &A, u: &DVector<f64>) -> Option<DMatrix<f64>> {
        let mut j = sys.jacobian(u);
        for (c, s) in self.scale.iter().enumerate() {
            j.column_mut(c).scale_mut(*s);
        }
        j.iter().all(|v| v.is_finite()).then_some(j)
    }

    fn bordered(j: &DMatrix<f64>, t: &DVector<f64>) -> DMatrix<f64> {
        let n = j.nrows();
        let mut m = DMatrix::zeros(n + 1, n + 1);
        m.view_mut((0, 0), (n, n + 1)).copy_from(j);
        m.row_mut(n).copy_from(&t.transpose());
        m
    }

    /// Tangent at `u` oriented along `t_ref`, and the sign of the bordered
    /// determinant with the new tangent.
    fn tangent_at<A: ArcSystem>(
        &self,
        sys: &A,
        u: &DVector<f64>,
        t_ref: &DVector<f64>,
    ) -> Option<(DVector<f64>, f64)> {
        let j = self.scaled_jac(sys, u)?;
        let n = j.nrows();
        let fac = Factor::new(&Self::bordered(&j, t_ref))?;
        let mut e = DVector::zeros(n + 1);
        e[n] = 1.0;
        let mut t = fac.solve(&e)?;
        let norm = t.norm();
        if !(norm.is_finite() && norm > 0.0) {
            return None;
        }
        t /= norm;
        if t.dot(t_ref) < 0.0 {
            t = -t;
        }
        // Raw (not row-equilibrated) determinant: equilibration would turn
        // it into a step function of the branch-point test.
        let det = Self::bordered(&j, &t).lu().determinant();
        Some((t, det))
    }

    /// Initial tangent at `u`, oriented so that `tᵀ dir > 0` (`dir` in scaled
    /// coordinates). Tries the bordered system with `dir` first and falls back
    /// to a null vector from the SVD.
    pub(crate) fn initial_point<A: ArcSystem>(
        &self,
        sys: &A,
        u: &DVector<f64>,
        dir: &DVector<f64>,
    ) -> Option<ArcPoint> {
        if let Some((t, det)) = self.tangent_at(sys, u, dir) {
            return Some(ArcPoint {
                u: u.clone(),
                t,
                det,
                iters: 0,
            });
        }
        let j = self.scaled_jac(sys, u)?;
        let mut t = null_vector(&j)?;
        if t.dot(dir) < 0.0 {
            t = -t;
        }
        let (t, det) = self.tangent_at(sys, u, &t)?;
        Some(ArcPoint {
            u: u.clone(),
            t,
            det,
            iters: 0,
        })
    }

    /// One predictor–corrector step of length `h` from `from`.
    pub(crate) fn step<A: ArcSystem>(
        &self,
        sys: &A,
        from: &ArcPoint,
        h: f64,
    ) -> Result<ArcPoint, StepFailure> {
        let n = sys.n_eq();
        let u0s = from.u.component_div(&self.scale);
        let mut us = &u0s + &from.t * h;
        let mut prev_norm = f64::INFINITY;
        let mut converged = None;
        for it in 1..=self.ctl.max_corrector_iter {
            let u = us.component_mul(&self.scale);
            let r = sys.residual(&u);
            if r.iter().any(|v| !v.is_finite()) {
                return Err(StepFailure::NonFinite);
            }
            let j = self.scaled_jac(sys, &u).ok_or(StepFailure::NonFinite)?;
            let mut g = DVector::zeros(n + 1);
            g.rows_mut(0, n).copy_from(&r);
            g[n] = from.t.dot(&(&us - &u0s)) - h;
            let fac = Factor::new(&Self::bordered(&j, &from.t)).ok_or(StepFailure::Singular)?;
            let d = fac.solve(&(-g)).ok_or(StepFailure::Singular)?;
            let dn = d.norm();
            us += &d;
            // Quadratic convergence makes ‖d_k‖ ≤ ‖d_{k-1}‖/2 typical; allow
            // some slack before declaring divergence.
            if it > 1 && dn > 0.75 * prev_norm && dn > self.ctl.corrector_tol {
                return Err(StepFailure::Diverging);
            }
            prev_norm = dn;
            if dn <= self.ctl.corrector_tol {
                converged = Some(it);
                break;
            }
        }
        let iters = converged.ok_or(StepFailure::NoConvergence)?;
        let u = us.component_mul(&self.scale);
        if sys.residual(&u).iter().any(|v| !v.is_finite()) {
            return Err(StepFailure::NonFinite);
        }
        let (t, det) = self
            .tangent_at(sys, &u, &from.t)
            .ok_or(StepFailure::Singular)?;
        if t.dot(&from.t) < self.ctl.max_angle.cos() {
            return Err(StepFailure::TangentJump);
        }
        Ok(ArcPoint { u, t, det, iters })
    }

    /// Locate a zero of `psi` between `from` (step 0, value `psi0`) and the
    /// point at step `h1` (value `psi1`, opposite sign) by Illinois on the step
    /// length. Returns the point with the smallest `|ψ|` found and its step.
    pub(crate) fn locate<A, F>(
        &self,
        sys: &A,
        from: &ArcPoint,
        (psi0, h1, psi1): (f64, f64, f64),
        mut psi: F,
    ) -> Option<(ArcPoint, f64, f64)>
    where
        A: ArcSystem,
        F: FnMut(&A, &ArcPoint) -> f64,
    {
        let (mut a, mut fa, mut b, mut fb) = (0.0, psi0, h1, psi1);
        if !(fa.is_finite() && fb.is_finite()) || fa * fb > 0.0 {
            return None;
        }
        let mut best: Option<(ArcPoint, f64, f64)> = None;
        for _ in 0..self.ctl.locate_max_iter {
            if (b - a).abs() <= self.ctl.locate_tol {
                break;
            }
            let mut c = if fb != fa {
                b - fb * (b - a) / (fb - fa)
            } else {
                0.5 * (a + b)
            };
            // Keep the trial strictly inside the bracket.
            let lo = a.min(b);
            let hi = a.max(b);
            let margin = 1e-3 * (hi - lo);
            if !(c > lo + margin && c < hi - margin) {
                c = 0.5 * (a + b);
            }
            // A test function can vanish exactly where the augmented Jacobian
            // is singular (a branch point hit by an exact secant step): retry
            // slightly off that point.
            let delta = (10.0 * self.ctl.locate_tol)
                .max(1e-9 * h1.abs())
                .min(0.25 * (hi - lo));
            let tries = [c, c + delta, c - delta];
            let (p, c) = tries
                .iter()
                .find_map(|&cc| self.step(sys, from, cc).ok().map(|p| (p, cc)))?;
            let fc = psi(sys, &p);
            if !fc.is_finite() {
                return None;
            }
            let better = best.as_ref().is_none_or(|(_, _, v)| fc.abs() < v.abs());
            if better {
                best = Some((p, c, fc));
            }
            if fc == 0.0 {
                break;
            }
            if fc * fb < 0.0 {
                a = b;
                fa = fb;
            } else {
                // Illinois: the retained end keeps its place; halve its value.
                fa *= 0.5;
            }
            b = c;
            fb = fc;
        }
        best
    }
}
