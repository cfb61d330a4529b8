//! Folds as solutions of a minimally augmented system, their Newton refinement,
//! and two-parameter continuation of fold curves in `(p, q)` with cusp
//! detection.
//!
//! # Minimally augmented system (Govaerts)
//! With state scales `S = diag(s)`, the fold condition "`f_x` singular" is
//! replaced by one scalar equation `g(x, p, q) = 0`, where `g` comes from the
//! bordered system
//!
//! ```text
//! [ f_x S   b ] [ ṽ ]   [ 0 ]          [ (f_x S)ᵀ  c ] [ w ]   [ 0 ]
//! [ cᵀ      0 ] [ g ] = [ 1 ],         [ bᵀ        0 ] [ g ] = [ 1 ].
//! ```
//!
//! The bordering vectors `b`, `c` approximate the left and right null vectors
//! (from an SVD at the start, then the previous `w`, `ṽ`), which keeps the
//! bordered matrix regular. `g = 0` exactly when `f_x` is singular, and
//! `g_z = −wᵀ (∂f_x/∂z) v` with `v = S ṽ`. These second derivatives are
//! obtained from the exact Jacobian by central differences:
//! `g_x = −[(f_x(x+εv) − f_x(x−εv))ᵀ w] / 2ε` (two Jacobian evaluations for
//! the whole gradient), and likewise for `p`, `q`.
//!
//! # Cusp
//! Along the fold curve the quadratic normal-form coefficient
//! `a = ½ wᵀ B(v, v) / (wᵀ v)` (`B` the second derivative of `f`, `v = Sṽ/‖ṽ‖`)
//! is monitored: a cusp is where its numerator changes sign, a Bogdanov–Takens
//! point (double zero eigenvalue, where a Hopf curve ends) where its denominator
//! `wᵀ v` does (`a` then changes sign through a pole). The points where the curve
//! turns back in `p` or in `q` (a sign change of the tangent's `p` or `q`
//! component) are reported as well; at a cusp the projection of the fold curve
//! to the `(p, q)` plane has a cusp, so at least one of them occurs there.
//!
//! Length: ≈ 650 lines: the minimally augmented fold system, its refinement and its continuation with cusp and Bogdanov–Takens detection share the bordered solves, so they stay together.

use super::branch::{Param, StopReason};
use super::linalg::{check_scale, smallest_singular, Factor};
use super::newton::{solve_nonlinear, NewtonError, NewtonOptions};
use super::pac::{ArcPoint, ArcSystem, Pac, StepControl, StepFailure};
use super::system::{IgnoreQ, System, System2, FD_REL_STEP};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a fold could not be refined or continued.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum FoldError {
    /// Newton on the augmented system failed.
    #[error("fold refinement: {0}")]
    Newton(#[from] NewtonError),
    /// The bordered matrix is singular (for example a fold with a double zero
    /// eigenvalue, or a start point far from any fold).
    #[error("the bordered fold system is singular")]
    Degenerate,
    /// Inconsistent options.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// Input dimensions do not match the system.
    #[error("dimension mismatch: expected {expected}, got {got}")]
    DimensionMismatch {
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// No tangent at the start of the fold curve.
    #[error("no tangent at the start of the fold curve")]
    NoTangent,
}

/// A fold located by Newton on the minimally augmented system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocatedFold {
    /// State.
    pub x: Vec<f64>,
    /// Parameter `p`.
    pub p: f64,
    /// Normal-form coefficient `a` (non-zero for a generic fold; its sign tells
    /// on which side of the fold the two equilibria lie).
    pub normal_form: f64,
    /// Newton iterations used.
    pub iterations: usize,
}

/// The minimally augmented fold system of a [`System2`].
struct FoldSystem<'a, S: ?Sized> {
    sys: &'a S,
    xs: DVector<f64>,
    p_scale: f64,
    q_scale: f64,
    b: DVector<f64>,
    c: DVector<f64>,
}

/// The solution of both bordered systems at a point.
struct Bordered {
    jac: DMatrix<f64>,
    /// `v = S ṽ` in state units.
    v: DVector<f64>,
    /// `ṽ`, scaled.
    vs: DVector<f64>,
    w: DVector<f64>,
    g: f64,
}

impl<S: System2 + ?Sized> FoldSystem<'_, S> {
    fn n(&self) -> usize {
        self.sys.dim()
    }

    fn split(&self, u: &DVector<f64>) -> (DVector<f64>, f64, f64) {
        let n = self.n();
        (u.rows(0, n).into_owned(), u[n], u[n + 1])
    }

    fn bordered(&self, x: &DVector<f64>, p: f64, q: f64) -> Option<Bordered> {
        let n = self.n();
        let jac = self.sys.jacobian(x, p, q);
        let mut m = DMatrix::zeros(n + 1, n + 1);
        for j in 0..n {
            for i in 0..n {
                m[(i, j)] = jac[(i, j)] * self.xs[j];
            }
            m[(j, n)] = self.b[j];
            m[(n, j)] = self.c[j];
        }
        let mut e = DVector::zeros(n + 1);
        e[n] = 1.0;
        let sol = Factor::new(&m)?.solve(&e)?;
        let solt = Factor::new(&m.transpose())?.solve(&e)?;
        let vs = sol.rows(0, n).into_owned();
        Some(Bordered {
            v: vs.component_mul(&self.xs),
            vs,
            w: solt.rows(0, n).into_owned(),
            g: sol[n],
            jac,
        })
    }

    /// `(f_x(x + εv) − f_x(x − εv)) / 2ε` with `ε` chosen so that the scaled
    /// perturbation has max-norm `FD_REL_STEP`.
    fn dir_jac(&self, x: &DVector<f64>, p: f64, q: f64, v: &DVector<f64>) -> DMatrix<f64> {
        let vmax = v.component_div(&self.xs).amax().max(f64::MIN_POSITIVE);
        let eps = FD_REL_STEP / vmax;
        let jp = self.sys.jacobian(&(x + v * eps), p, q);
        let jm = self.sys.jacobian(&(x - v * eps), p, q);
        (jp - jm) / (2.0 * eps)
    }

    /// `−wᵀ (∂f_x/∂z) v` for a scalar parameter by a central difference.
    fn g_param(
        &self,
        bo: &Bordered,
        z: f64,
        zscale: f64,
        mut jac_at: impl FnMut(f64) -> DMatrix<f64>,
    ) -> f64 {
        let h = FD_REL_STEP * z.abs().max(zscale);
        let (zp, zm) = (z + h, z - h);
        let dj = (jac_at(zp) - jac_at(zm)) / (zp - zm);
        -bo.w.dot(&(dj * &bo.v))
    }

    /// Gradient of `g` with respect to `(x, p, q)`.
    fn g_grad(&self, x: &DVector<f64>, p: f64, q: f64, bo: &Bordered) -> (DVector<f64>, f64, f64) {
        let dj = self.dir_jac(x, p, q, &bo.v);
        let gx = -(dj.transpose() * &bo.w);
        let gp = self.g_param(bo, p, self.p_scale, |pp| self.sys.jacobian(x, pp, q));
        let gq = self.g_param(bo, q, self.q_scale, |qq| self.sys.jacobian(x, p, qq));
        (gx, gp, gq)
    }

    /// Normal-form coefficient `a = ½ wᵀ B(v, v) / (wᵀ v)`, `v = S ṽ / ‖ṽ‖`.
    fn normal_form(&self, x: &DVector<f64>, p: f64, q: f64, bo: &Bordered) -> f64 {
        let (num, den) = self.normal_form_parts(x, p, q, bo);
        num / den
    }

    /// Numerator `½ wᵀ B(v, v)` (zero at a cusp) and denominator `wᵀ v` (zero at a
    /// Bogdanov–Takens point, where the zero eigenvalue is double) of the normal-form
    /// coefficient.
    fn normal_form_parts(&self, x: &DVector<f64>, p: f64, q: f64, bo: &Bordered) -> (f64, f64) {
        let v = bo.vs.normalize().component_mul(&self.xs);
        let bvv = self.dir_jac(x, p, q, &v) * &v;
        (0.5 * bo.w.dot(&bvv), bo.w.dot(&v))
    }

    /// Set the bordering vectors from the null vectors at `(x, p, q)`.
    fn update_border(&mut self, x: &DVector<f64>, p: f64, q: f64) {
        if let Some(bo) = self.bordered(x, p, q) {
            let (nv, nw) = (bo.vs.norm(), bo.w.norm());
            if nv > 0.0 && nw > 0.0 && nv.is_finite() && nw.is_finite() {
                self.c = bo.vs / nv;
                self.b = bo.w / nw;
            }
        }
    }

    /// Initial bordering vectors from an SVD of `f_x S`.
    fn init_border(&mut self, x: &DVector<f64>, p: f64, q: f64) -> Result<(), FoldError> {
        let mut js = self.sys.jacobian(x, p, q);
        for (j, s) in self.xs.iter().enumerate() {
            js.column_mut(j).scale_mut(*s);
        }
        if js.iter().any(|v| !v.is_finite()) {
            return Err(FoldError::Degenerate);
        }
        let (right, left, _) = smallest_singular(&js).ok_or(FoldError::Degenerate)?;
        self.c = right;
        self.b = left;
        Ok(())
    }

    /// Residual `(f, g)` at `(x, p, q)`; NaN `g` if the bordered system fails.
    fn res(&self, x: &DVector<f64>, p: f64, q: f64) -> DVector<f64> {
        let n = self.n();
        let mut out = DVector::zeros(n + 1);
        let mut f = DVector::zeros(n);
        self.sys.rhs(x, p, q, &mut f);
        out.rows_mut(0, n).copy_from(&f);
        out[n] = self.bordered(x, p, q).map_or(f64::NAN, |b| b.g);
        out
    }

    /// Jacobian of `(f, g)` with respect to `(x, p, q)`, `(n+1) × (n+2)`.
    fn jac(&self, x: &DVector<f64>, p: f64, q: f64) -> DMatrix<f64> {
        let n = self.n();
        let mut j = DMatrix::from_element(n + 1, n + 2, f64::NAN);
        let Some(bo) = self.bordered(x, p, q) else {
            return j;
        };
        j.view_mut((0, 0), (n, n)).copy_from(&bo.jac);
        let fp = self.sys.dfdp(x, p, q);
        let fq = self.sys.dfdq(x, p, q);
        for i in 0..n {
            j[(i, n)] = fp[i];
            j[(i, n + 1)] = fq[i];
        }
        let (gx, gp, gq) = self.g_grad(x, p, q, &bo);
        for i in 0..n {
            j[(n, i)] = gx[i];
        }
        j[(n, n)] = gp;
        j[(n, n + 1)] = gq;
        j
    }

    /// Newton on `(f, g) = 0` in `(x, p)` at fixed `q`.
    fn refine(
        &mut self,
        x0: &DVector<f64>,
        p0: f64,
        q: f64,
        nopts: &NewtonOptions,
    ) -> Result<(DVector<f64>, f64, usize), FoldError> {
        let n = self.n();
        let mut z0 = DVector::zeros(n + 1);
        z0.rows_mut(0, n).copy_from(x0);
        z0[n] = p0;
        let mut o = nopts.clone();
        let mut zs = DVector::from_element(n + 1, self.p_scale);
        zs.rows_mut(0, n).copy_from(&self.xs);
        o.x_scale = Some(zs);
        o.f_scale = None;
        o.bounds = None;
        let this = &*self;
        let sol = solve_nonlinear(
            |z| this.res(&z.rows(0, n).into_owned(), z[n], q),
            |z| {
                let j = this.jac(&z.rows(0, n).into_owned(), z[n], q);
                j.view((0, 0), (n + 1, n + 1)).into_owned()
            },
            &z0,
            &o,
        )?;
        let x = sol.x.rows(0, n).into_owned();
        let p = sol.x[n];
        self.update_border(&x, p, q);
        Ok((x, p, sol.iterations))
    }
}

impl<S: System2 + ?Sized> ArcSystem for FoldSystem<'_, S> {
    fn n_eq(&self) -> usize {
        self.n() + 1
    }
    fn residual(&self, u: &DVector<f64>) -> DVector<f64> {
        let (x, p, q) = self.split(u);
        self.res(&x, p, q)
    }
    fn jacobian(&self, u: &DVector<f64>) -> DMatrix<f64> {
        let (x, p, q) = self.split(u);
        self.jac(&x, p, q)
    }
}

fn make_fold_system<'a, S: System2 + ?Sized>(
    sys: &'a S,
    x_scale: Option<&DVector<f64>>,
    p_scale: f64,
    q_scale: f64,
) -> Result<FoldSystem<'a, S>, FoldError> {
    let n = sys.dim();
    let xs = x_scale
        .cloned()
        .unwrap_or_else(|| DVector::from_element(n, 1.0));
    check_scale(&xs, n).map_err(FoldError::InvalidOptions)?;
    for s in [p_scale, q_scale] {
        if !(s.is_finite() && s > 0.0) {
            return Err(FoldError::InvalidOptions(
                "parameter scales must be finite and > 0".into(),
            ));
        }
    }
    Ok(FoldSystem {
        sys,
        xs,
        p_scale,
        q_scale,
        b: DVector::zeros(n),
        c: DVector::zeros(n),
    })
}

/// Refine an approximate fold `(x0, p0)` of a one-parameter system by Newton on
/// the minimally augmented system `f = 0, g = 0` in `(x, p)`.
///
/// `newton.x_scale` (if set) gives the state scales; `p_scale` the parameter
/// scale. Use it to polish a fold from [`super::continue_branch`] or to find a
/// fold from a rough guess.
pub fn refine_fold<S: System + ?Sized>(
    sys: &S,
    x0: &DVector<f64>,
    p0: f64,
    p_scale: f64,
    newton: &NewtonOptions,
) -> Result<LocatedFold, FoldError> {
    let n = sys.dim();
    if x0.len() != n {
        return Err(FoldError::DimensionMismatch {
            expected: n,
            got: x0.len(),
        });
    }
    let wrapped = IgnoreQ(sys);
    let mut fs = make_fold_system(&wrapped, newton.x_scale.as_ref(), p_scale, 1.0)?;
    fs.init_border(x0, p0, 0.0)?;
    let (x, p, iterations) = fs.refine(x0, p0, 0.0, newton)?;
    let bo = fs.bordered(&x, p, 0.0).ok_or(FoldError::Degenerate)?;
    Ok(LocatedFold {
        normal_form: fs.normal_form(&x, p, 0.0, &bo),
        x: x.iter().copied().collect(),
        p,
        iterations,
    })
}

/// Options of a fold-curve continuation.
#[derive(Debug, Clone, PartialEq)]
pub struct Fold2Options {
    /// Bounds on `p`.
    pub p_min: f64,
    /// Upper bound on `p`.
    pub p_max: f64,
    /// Lower bound on `q`.
    pub q_min: f64,
    /// Upper bound on `q`.
    pub q_max: f64,
    /// Start towards increasing `q` (`true`) or decreasing `q`.
    pub q_increasing: bool,
    /// Step-size control.
    pub step: StepControl,
    /// State scales (`None`: all 1).
    pub x_scale: Option<DVector<f64>>,
    /// Scale of `p`.
    pub p_scale: f64,
    /// Scale of `q`.
    pub q_scale: f64,
    /// Newton options for refining the starting fold at fixed `q`.
    pub newton: NewtonOptions,
}

impl Fold2Options {
    /// Defaults for the box `[p_min, p_max] × [q_min, q_max]`, increasing `q`.
    pub fn new(p_min: f64, p_max: f64, q_min: f64, q_max: f64) -> Self {
        Self {
            p_min,
            p_max,
            q_min,
            q_max,
            q_increasing: true,
            step: StepControl::default(),
            x_scale: None,
            p_scale: 1.0,
            q_scale: 1.0,
            newton: NewtonOptions::default(),
        }
    }
}

/// A point of a fold curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldCurvePoint {
    /// State.
    pub x: Vec<f64>,
    /// First parameter.
    pub p: f64,
    /// Second parameter.
    pub q: f64,
    /// Arclength (scaled) from the start.
    pub s: f64,
    /// Normal-form coefficient `a` (vanishes at a cusp).
    pub normal_form: f64,
    /// `p` component of the scaled unit tangent.
    pub tangent_p: f64,
    /// `q` component of the scaled unit tangent.
    pub tangent_q: f64,
}

/// Kind of a special point on a fold curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FoldCurveKind {
    /// Cusp: the normal-form coefficient `a` changes sign through zero (its
    /// numerator `½ wᵀ B(v, v)` vanishes).
    Cusp,
    /// Bogdanov–Takens point: the zero eigenvalue becomes double (`wᵀ v = 0`), where
    /// a Hopf curve ends on the fold curve; `a` changes sign through a pole.
    BogdanovTakens,
    /// The curve turns back in `p`.
    TurnP,
    /// The curve turns back in `q`.
    TurnQ,
}

/// A located special point of a fold curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldCurveSpecial {
    /// What it is.
    pub kind: FoldCurveKind,
    /// State.
    pub x: Vec<f64>,
    /// First parameter.
    pub p: f64,
    /// Second parameter.
    pub q: f64,
    /// Arclength.
    pub s: f64,
    /// Index of the curve point after which it lies.
    pub after_index: usize,
    /// Test-function value at the reported location.
    pub test_value: f64,
    /// Whether location succeeded (else the later bracketing point is reported).
    pub located: bool,
}

/// A computed fold curve in `(x, p, q)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldCurve {
    /// The points.
    pub points: Vec<FoldCurvePoint>,
    /// The special points.
    pub special: Vec<FoldCurveSpecial>,
    /// Why the run stopped.
    pub stop: StopReason,
}

impl FoldCurve {
    /// The located cusps.
    pub fn cusps(&self) -> Vec<&FoldCurveSpecial> {
        self.special
            .iter()
            .filter(|s| s.kind == FoldCurveKind::Cusp)
            .collect()
    }
}

/// Continue the fold through (an approximation of) the fold `(x0, p0)` of the
/// system at `q = q0` in the two parameters `(p, q)`.
///
/// The start is refined by Newton at fixed `q0`, then the curve
/// `f = 0, g = 0` is followed by pseudo-arclength continuation in
/// `(x, p, q)` until it leaves the parameter box (the last point is placed on
/// the boundary), or a point/step cap is reached.
pub fn continue_fold<S: System2 + ?Sized>(
    sys: &S,
    x0: &DVector<f64>,
    p0: f64,
    q0: f64,
    opts: &Fold2Options,
) -> Result<FoldCurve, FoldError> {
    let n = sys.dim();
    if x0.len() != n {
        return Err(FoldError::DimensionMismatch {
            expected: n,
            got: x0.len(),
        });
    }
    opts.step.validate().map_err(FoldError::InvalidOptions)?;
    let in_box =
        |p: f64, q: f64| opts.p_min <= p && p <= opts.p_max && opts.q_min <= q && q <= opts.q_max;
    if !in_box(p0, q0) {
        return Err(FoldError::InvalidOptions(
            "start outside the parameter box".into(),
        ));
    }
    let mut fs = make_fold_system(sys, opts.x_scale.as_ref(), opts.p_scale, opts.q_scale)?;
    fs.init_border(x0, p0, q0)?;
    let (x, p, _) = fs.refine(x0, p0, q0, &opts.newton)?;
    if !in_box(p, q0) {
        return Err(FoldError::InvalidOptions(format!(
            "refined fold p = {p} outside the parameter box"
        )));
    }
    let mut scale = DVector::from_element(n + 2, 1.0);
    scale.rows_mut(0, n).copy_from(&fs.xs);
    scale[n] = opts.p_scale;
    scale[n + 1] = opts.q_scale;
    let pac = Pac {
        scale,
        ctl: &opts.step,
    };
    let mut u0 = DVector::zeros(n + 2);
    u0.rows_mut(0, n).copy_from(&x);
    u0[n] = p;
    u0[n + 1] = q0;
    let mut dir = DVector::zeros(n + 2);
    dir[n + 1] = if opts.q_increasing { 1.0 } else { -1.0 };
    let mut cur = pac
        .initial_point(&fs, &u0, &dir)
        .ok_or(FoldError::NoTangent)?;
    let mut cur_a = point_nf(&fs, &cur.u);

    let mut curve = FoldCurve {
        points: Vec::new(),
        special: Vec::new(),
        stop: StopReason::MaxPoints,
    };
    let mut s_total = 0.0;
    push(&mut curve, &cur, cur_a, s_total, n);
    let mut h = opts.step.h_init;
    let mut steps = 0;
    let bounds = [
        (n, opts.p_min, opts.p_max, Param::P),
        (n + 1, opts.q_min, opts.q_max, Param::Q),
    ];
    let stop = loop {
        if curve.points.len() >= opts.step.max_points {
            break StopReason::MaxPoints;
        }
        if steps >= opts.step.max_steps {
            break StopReason::MaxSteps;
        }
        steps += 1;
        let stepped = pac.step(&fs, &cur, h).and_then(|new| {
            let crossed = bounds.iter().find_map(|&(i, lo, hi, which)| {
                if new.u[i] > hi {
                    Some((i, hi, which))
                } else if new.u[i] < lo {
                    Some((i, lo, which))
                } else {
                    None
                }
            });
            match crossed {
                None => Ok((new, h, None)),
                Some((i, b, which)) => {
                    let psi0 = cur.u[i] - b;
                    if psi0 == 0.0 {
                        return Ok((cur.clone(), 0.0, Some((which, b))));
                    }
                    pac.locate(&fs, &cur, (psi0, h, new.u[i] - b), |_, pt| pt.u[i] - b)
                        .map(|(mut pt, hh, _)| {
                            pt.u[i] = b;
                            (pt, hh, Some((which, b)))
                        })
                        .ok_or(StepFailure::NoConvergence)
                }
            }
        });
        let (new, hh, bound) = match stepped {
            Ok(v) => v,
            Err(f) => {
                if h <= opts.step.h_min {
                    break StopReason::StepTooSmall { h, failure: f };
                }
                h = (h * opts.step.shrink).max(opts.step.h_min);
                continue;
            }
        };
        if hh == 0.0 {
            let (param, value) = bound.unwrap_or((Param::Q, q0));
            break StopReason::ReachedBound { param, value };
        }
        let new_a = point_nf(&fs, &new.u);
        let k = curve.points.len() - 1;
        let tests: [(FoldCurveKind, f64, f64); 4] = [
            (FoldCurveKind::Cusp, cur_a.0, new_a.0),
            (FoldCurveKind::BogdanovTakens, cur_a.1, new_a.1),
            (FoldCurveKind::TurnP, cur.t[n], new.t[n]),
            (FoldCurveKind::TurnQ, cur.t[n + 1], new.t[n + 1]),
        ];
        let mut found = Vec::new();
        for (kind, a, b) in tests {
            if a * b < 0.0 {
                let res = match kind {
                    FoldCurveKind::Cusp => {
                        pac.locate(&fs, &cur, (a, hh, b), |f, pt| point_nf(f, &pt.u).0)
                    }
                    FoldCurveKind::BogdanovTakens => {
                        pac.locate(&fs, &cur, (a, hh, b), |f, pt| point_nf(f, &pt.u).1)
                    }
                    FoldCurveKind::TurnP => pac.locate(&fs, &cur, (a, hh, b), |_, pt| pt.t[n]),
                    FoldCurveKind::TurnQ => pac.locate(&fs, &cur, (a, hh, b), |_, pt| pt.t[n + 1]),
                };
                let (pt, hs, val, located): (ArcPoint, f64, f64, bool) = match res {
                    Some((pt, hs, val)) => (pt, hs, val, true),
                    None => (new.clone(), hh, f64::NAN, false),
                };
                found.push(FoldCurveSpecial {
                    kind,
                    x: pt.u.rows(0, n).iter().copied().collect(),
                    p: pt.u[n],
                    q: pt.u[n + 1],
                    s: s_total + hs,
                    after_index: k,
                    test_value: val,
                    located,
                });
            }
        }
        found.sort_by(|a, b| a.s.total_cmp(&b.s));
        curve.special.extend(found);
        s_total += hh;
        let iters = new.iters;
        push(&mut curve, &new, new_a, s_total, n);
        let (xn, pn, qn) = fs.split(&new.u);
        fs.update_border(&xn, pn, qn);
        cur = new;
        cur_a = new_a;
        if let Some((param, value)) = bound {
            break StopReason::ReachedBound { param, value };
        }
        if iters <= opts.step.fast_iters {
            h = (h * opts.step.grow).min(opts.step.h_max);
        } else if iters >= opts.step.slow_iters {
            h = (h * opts.step.shrink.sqrt()).max(opts.step.h_min);
        }
    };
    curve.stop = stop;
    Ok(curve)
}

/// The numerator and denominator of the normal-form coefficient at `u`.
fn point_nf<S: System2 + ?Sized>(fs: &FoldSystem<S>, u: &DVector<f64>) -> (f64, f64) {
    let (x, p, q) = fs.split(u);
    fs.bordered(&x, p, q).map_or((f64::NAN, f64::NAN), |bo| {
        fs.normal_form_parts(&x, p, q, &bo)
    })
}

fn push(curve: &mut FoldCurve, pt: &ArcPoint, (num, den): (f64, f64), s: f64, n: usize) {
    let a = num / den;
    curve.points.push(FoldCurvePoint {
        x: pt.u.rows(0, n).iter().copied().collect(),
        p: pt.u[n],
        q: pt.u[n + 1],
        s,
        normal_form: a,
        tangent_p: pt.t[n],
        tangent_q: pt.t[n + 1],
    });
}
