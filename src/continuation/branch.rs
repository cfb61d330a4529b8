//! One-parameter pseudo-arclength continuation of equilibrium branches of
//! `ẋ = f(x, p)`, with stability along the branch, detection and location of
//! folds (saddle-nodes), Hopf points and simple branch points, and the
//! bistable parameter intervals.
//!
//! Test functions, evaluated at every point and located by Illinois on the
//! step length (see [`super::pac`]):
//! * **fold**: `ψ_F = t_p`, the parameter component of the unit tangent (in
//!   scaled coordinates); it changes sign exactly where the branch turns back
//!   in `p`.
//! * **branch point**: `ψ_BP = det [f̃_x f̃_p; tᵀ]` (row-equilibrated); regular
//!   at folds, it changes sign at simple branch points.
//! * **Hopf**: with `c` = number of complex pairs with positive real part and
//!   `r` = number of real eigenvalues with positive real part, a Hopf point
//!   lies between two points where `c` changes by one and `r` does not. It is
//!   located on `ψ_H = Re λ_j`, the `j`-th largest real part among the upper
//!   half-plane eigenvalues, `j = max(c_k, c_{k+1})` (the pair that crossed),
//!   so no bialternate product is needed.

use super::linalg::check_scale;
use super::newton::{find_equilibrium, EquilibriumError, NewtonOptions};
use super::pac::{ArcPoint, ArcSystem, Pac, StepControl, StepFailure};
use super::stability::{
    classify, complex_pairs, eigenvalues, Eigenvalue, Stability, StabilityError, StabilityOptions,
};
use super::system::System;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Param {
    /// The first (primary) parameter `p`.
    P,
    /// The second parameter `q`.
    Q,
}

/// Why a continuation run stopped (the curve computed so far is returned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StopReason {
    /// The curve reached a parameter bound; the last point lies on it.
    ReachedBound {
        /// The parameter that hit its bound.
        param: Param,
        /// The bound.
        value: f64,
    },
    /// `max_points` points were computed.
    MaxPoints,
    /// `max_steps` step attempts were made.
    MaxSteps,
    /// A step failed with the step size already at `h_min`.
    StepTooSmall {
        /// The step size that failed.
        h: f64,
        /// The last failure.
        failure: StepFailure,
    },
    /// The eigenvalues of a new point could not be computed.
    Eigen(StabilityError),
}

/// Why a continuation could not start.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ContError {
    /// The start point could not be converged or classified.
    #[error("start point: {0}")]
    Start(#[from] EquilibriumError),
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
    /// No tangent could be computed at the start point (rank-deficient `[f_x f_p]`).
    #[error("no tangent at the start point")]
    NoTangent,
}

/// Options of a one-parameter continuation.
#[derive(Debug, Clone, PartialEq)]
pub struct ContOptions {
    /// Lower parameter bound.
    pub p_min: f64,
    /// Upper parameter bound.
    pub p_max: f64,
    /// Start towards increasing `p` (`true`) or decreasing `p`.
    pub increasing: bool,
    /// Step-size control.
    pub step: StepControl,
    /// State scales (`None`: all 1); the arclength is measured in these units.
    pub x_scale: Option<DVector<f64>>,
    /// Parameter scale.
    pub p_scale: f64,
    /// Detect and locate folds.
    pub detect_folds: bool,
    /// Detect and locate Hopf points.
    pub detect_hopf: bool,
    /// Detect and locate simple branch points.
    pub detect_branch_points: bool,
    /// Newton options for converging the start point.
    pub newton: NewtonOptions,
    /// Stability tolerances.
    pub stability: StabilityOptions,
}

impl ContOptions {
    /// Defaults for a continuation over `[p_min, p_max]`, increasing `p`.
    pub fn new(p_min: f64, p_max: f64) -> Self {
        Self {
            p_min,
            p_max,
            increasing: true,
            step: StepControl::default(),
            x_scale: None,
            p_scale: 1.0,
            detect_folds: true,
            detect_hopf: true,
            detect_branch_points: true,
            newton: NewtonOptions::default(),
            stability: StabilityOptions::default(),
        }
    }
}

/// Kind of a special point on an equilibrium branch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum SpecialKind {
    /// Fold (saddle-node, limit point): the branch turns back in `p`.
    Fold,
    /// Hopf point: a complex pair `±iω` crosses the imaginary axis.
    Hopf {
        /// Angular frequency `ω` of the crossing pair.
        omega: f64,
    },
    /// Simple branch point (transcritical / pitchfork).
    BranchPoint,
}

/// A located special point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecialPoint {
    /// What it is.
    pub kind: SpecialKind,
    /// State.
    pub x: Vec<f64>,
    /// Parameter.
    pub p: f64,
    /// Arclength (scaled, from the start of the branch).
    pub s: f64,
    /// Index of the branch point after which it lies.
    pub after_index: usize,
    /// Test-function value at the reported location.
    pub test_value: f64,
    /// Whether the location iteration succeeded (if not, the point reported is
    /// the later bracketing branch point).
    pub located: bool,
    /// Eigenvalues at the point.
    pub eigenvalues: Vec<Eigenvalue>,
}

/// One computed point of an equilibrium branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchPoint {
    /// State.
    pub x: Vec<f64>,
    /// Parameter.
    pub p: f64,
    /// Arclength (scaled, from the start).
    pub s: f64,
    /// Stability verdict.
    pub stability: Stability,
    /// Number of eigenvalues with real part `> tol`.
    pub n_unstable: usize,
    /// Eigenvalues, sorted by decreasing real part.
    pub eigenvalues: Vec<Eigenvalue>,
    /// Parameter component of the scaled unit tangent (the fold test function).
    pub tangent_p: f64,
    /// Corrector iterations used (0 for the start point).
    pub corrector_iters: usize,
}

/// A closed parameter interval `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// A computed equilibrium branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    /// The points, in continuation order.
    pub points: Vec<BranchPoint>,
    /// Located special points, in continuation order.
    pub special: Vec<SpecialPoint>,
    /// Why the run stopped.
    pub stop: StopReason,
}

impl Branch {
    /// The located folds.
    pub fn folds(&self) -> Vec<&SpecialPoint> {
        self.special
            .iter()
            .filter(|s| s.kind == SpecialKind::Fold)
            .collect()
    }

    /// The located Hopf points.
    pub fn hopfs(&self) -> Vec<&SpecialPoint> {
        self.special
            .iter()
            .filter(|s| matches!(s.kind, SpecialKind::Hopf { .. }))
            .collect()
    }

    /// Parameter intervals of the maximal runs of stable points, each extended
    /// to the special points (folds, Hopf, branch points) where stability is
    /// lost or gained.
    pub fn stable_segments(&self) -> Vec<Interval> {
        let mut segs = Vec::new();
        let mut cur: Option<Interval> = None;
        let specials_after = |i: usize| self.special.iter().filter(move |s| s.after_index == i);
        for (i, pt) in self.points.iter().enumerate() {
            let stable = pt.stability == Stability::Stable;
            match (&mut cur, stable) {
                (None, true) => {
                    let mut iv = Interval { lo: pt.p, hi: pt.p };
                    if i > 0 {
                        if let Some(sp) = specials_after(i - 1).next_back() {
                            iv.lo = iv.lo.min(sp.p);
                            iv.hi = iv.hi.max(sp.p);
                        }
                    }
                    cur = Some(iv);
                }
                (Some(iv), true) => {
                    iv.lo = iv.lo.min(pt.p);
                    iv.hi = iv.hi.max(pt.p);
                }
                (Some(iv), false) => {
                    if let Some(sp) = specials_after(i - 1).next() {
                        iv.lo = iv.lo.min(sp.p);
                        iv.hi = iv.hi.max(sp.p);
                    }
                    segs.push(*iv);
                    cur = None;
                }
                (None, false) => {}
            }
        }
        if let Some(iv) = cur {
            segs.push(iv);
        }
        segs
    }

    /// Parameter intervals where this branch has two or more coexisting
    /// stable equilibria (see [`bistable_intervals`]).
    pub fn bistable_intervals(&self) -> Vec<Interval> {
        bistable_intervals(&[self])
    }
}

/// Parameter intervals (of positive length) where at least two stable
/// equilibria coexist, over all given branches: the union of the pairwise
/// overlaps of their stable segments ([`Branch::stable_segments`]). For an
/// S-shaped branch this is the interval between the two folds.
pub fn bistable_intervals(branches: &[&Branch]) -> Vec<Interval> {
    let segs: Vec<Interval> = branches.iter().flat_map(|b| b.stable_segments()).collect();
    let mut overlaps = Vec::new();
    for i in 0..segs.len() {
        for j in i + 1..segs.len() {
            let lo = segs[i].lo.max(segs[j].lo);
            let hi = segs[i].hi.min(segs[j].hi);
            if hi > lo {
                overlaps.push(Interval { lo, hi });
            }
        }
    }
    overlaps.sort_by(|a, b| a.lo.total_cmp(&b.lo));
    let mut merged: Vec<Interval> = Vec::new();
    for iv in overlaps {
        match merged.last_mut() {
            Some(last) if iv.lo <= last.hi => last.hi = last.hi.max(iv.hi),
            _ => merged.push(iv),
        }
    }
    merged
}

/// The equilibrium curve `f(x, p) = 0` as an [`ArcSystem`] in `u = (x, p)`.
struct EqCurve<'a, S: ?Sized> {
    sys: &'a S,
}

impl<S: System + ?Sized> ArcSystem for EqCurve<'_, S> {
    fn n_eq(&self) -> usize {
        self.sys.dim()
    }
    fn residual(&self, u: &DVector<f64>) -> DVector<f64> {
        let n = self.sys.dim();
        let x = u.rows(0, n).into_owned();
        let mut out = DVector::zeros(n);
        self.sys.rhs(&x, u[n], &mut out);
        out
    }
    fn jacobian(&self, u: &DVector<f64>) -> DMatrix<f64> {
        let n = self.sys.dim();
        let x = u.rows(0, n).into_owned();
        let mut j = DMatrix::zeros(n, n + 1);
        j.view_mut((0, 0), (n, n))
            .copy_from(&self.sys.jacobian(&x, u[n]));
        j.set_column(n, &self.sys.dfdp(&x, u[n]));
        j
    }
}

/// A point with its spectrum, as kept during the run.
struct Rich {
    a: ArcPoint,
    eigs: Vec<Eigenvalue>,
    pairs: Vec<(f64, f64)>,
    real_pos: usize,
}

fn spectrum<S: System + ?Sized>(
    sys: &S,
    u: &DVector<f64>,
    o: &StabilityOptions,
) -> Result<Vec<Eigenvalue>, StabilityError> {
    let n = sys.dim();
    eigenvalues(&sys.jacobian(&u.rows(0, n).into_owned(), u[n]), o)
}

fn enrich<S: System + ?Sized>(
    sys: &S,
    a: ArcPoint,
    o: &StabilityOptions,
) -> Result<Rich, StabilityError> {
    let eigs = spectrum(sys, &a.u, o)?;
    let (pairs, real_pos) = complex_pairs(&eigs);
    Ok(Rich {
        a,
        eigs,
        pairs,
        real_pos,
    })
}

/// Continue the equilibrium branch through (an approximation of) the
/// equilibrium `x0` at `p0`, within `[p_min, p_max]`.
///
/// The start point is first converged by Newton at fixed `p0`. The run stops at
/// a parameter bound (the last point is placed exactly on it), after
/// `max_points` points or `max_steps` attempts, or when the step size falls
/// below `h_min`; see [`StopReason`].
pub fn continue_branch<S: System + ?Sized>(
    sys: &S,
    x0: &DVector<f64>,
    p0: f64,
    opts: &ContOptions,
) -> Result<Branch, ContError> {
    let n = sys.dim();
    if x0.len() != n {
        return Err(ContError::DimensionMismatch {
            expected: n,
            got: x0.len(),
        });
    }
    opts.step.validate().map_err(ContError::InvalidOptions)?;
    if !(opts.p_min <= p0 && p0 <= opts.p_max) {
        return Err(ContError::InvalidOptions(format!(
            "p0 = {p0} outside [{}, {}]",
            opts.p_min, opts.p_max
        )));
    }
    if !(opts.p_scale.is_finite() && opts.p_scale > 0.0) {
        return Err(ContError::InvalidOptions(
            "p_scale must be finite and > 0".into(),
        ));
    }
    let mut scale = DVector::from_element(n + 1, 1.0);
    if let Some(xs) = &opts.x_scale {
        check_scale(xs, n).map_err(ContError::InvalidOptions)?;
        scale.rows_mut(0, n).copy_from(xs);
    }
    scale[n] = opts.p_scale;
    let mut nopts = opts.newton.clone();
    if nopts.x_scale.is_none() {
        nopts.x_scale = opts.x_scale.clone();
    }
    let eq = find_equilibrium(sys, x0, p0, &nopts, &opts.stability)?;

    let curve = EqCurve { sys };
    let pac = Pac {
        scale,
        ctl: &opts.step,
    };
    let mut u0 = DVector::zeros(n + 1);
    u0.rows_mut(0, n)
        .copy_from(&DVector::from_column_slice(&eq.x));
    u0[n] = p0;
    let mut dir = DVector::zeros(n + 1);
    dir[n] = if opts.increasing { 1.0 } else { -1.0 };
    let start = pac
        .initial_point(&curve, &u0, &dir)
        .ok_or(ContError::NoTangent)?;
    let mut cur = enrich(sys, start, &opts.stability).map_err(|e| ContError::Start(e.into()))?;

    let mut branch = Branch {
        points: Vec::new(),
        special: Vec::new(),
        stop: StopReason::MaxPoints,
    };
    let mut s_total = 0.0;
    push_point(&mut branch, &cur, s_total, &opts.stability, n);
    let mut h = opts.step.h_init;
    let mut steps = 0;
    let stop = loop {
        if branch.points.len() >= opts.step.max_points {
            break StopReason::MaxPoints;
        }
        if steps >= opts.step.max_steps {
            break StopReason::MaxSteps;
        }
        steps += 1;
        let stepped = pac.step(&curve, &cur.a, h).and_then(|new| {
            // Land exactly on a parameter bound that the step crossed.
            let p_new = new.u[n];
            let bound = if p_new > opts.p_max {
                Some(opts.p_max)
            } else if p_new < opts.p_min {
                Some(opts.p_min)
            } else {
                None
            };
            match bound {
                None => Ok((new, h, None)),
                Some(b) => {
                    let psi0 = cur.a.u[n] - b;
                    if psi0 == 0.0 {
                        return Ok((cur.a.clone(), 0.0, Some(b)));
                    }
                    pac.locate(&curve, &cur.a, (psi0, h, p_new - b), |_, pt| pt.u[n] - b)
                        .map(|(mut pt, hh, _)| {
                            pt.u[n] = b;
                            (pt, hh, Some(b))
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
            break StopReason::ReachedBound {
                param: Param::P,
                value: bound.unwrap_or(p0),
            };
        }
        let iters = new.iters;
        let new = match enrich(sys, new, &opts.stability) {
            Ok(r) => r,
            Err(e) => break StopReason::Eigen(e),
        };
        let k = branch.points.len() - 1;
        detect(
            &pac,
            &curve,
            sys,
            opts,
            &cur,
            &new,
            hh,
            k,
            s_total,
            &mut branch,
        );
        s_total += hh;
        push_point(&mut branch, &new, s_total, &opts.stability, n);
        cur = new;
        if let Some(b) = bound {
            break StopReason::ReachedBound {
                param: Param::P,
                value: b,
            };
        }
        if iters <= opts.step.fast_iters {
            h = (h * opts.step.grow).min(opts.step.h_max);
        } else if iters >= opts.step.slow_iters {
            h = (h * opts.step.shrink.sqrt()).max(opts.step.h_min);
        }
    };
    branch.stop = stop;
    Ok(branch)
}

fn push_point(branch: &mut Branch, r: &Rich, s: f64, o: &StabilityOptions, n: usize) {
    let rep = classify(&r.eigs, o);
    branch.points.push(BranchPoint {
        x: r.a.u.rows(0, n).iter().copied().collect(),
        p: r.a.u[n],
        s,
        stability: rep.verdict,
        n_unstable: rep.n_unstable,
        eigenvalues: rep.eigenvalues,
        tangent_p: r.a.t[n],
        corrector_iters: r.a.iters,
    });
}

/// Detect and locate the special points between `cur` and `new` (step `h`).
#[allow(clippy::too_many_arguments)]
fn detect<S: System + ?Sized>(
    pac: &Pac,
    curve: &EqCurve<S>,
    sys: &S,
    opts: &ContOptions,
    cur: &Rich,
    new: &Rich,
    h: f64,
    k: usize,
    s0: f64,
    branch: &mut Branch,
) {
    let n = sys.dim();
    let mut found: Vec<SpecialPoint> = Vec::new();
    let mut record = |kind: SpecialKind, res: Option<(ArcPoint, f64, f64)>| {
        let (pt, hh, val, located) = match res {
            Some((pt, hh, val)) => (pt, hh, val, true),
            None => (new.a.clone(), h, f64::NAN, false),
        };
        let eigs = spectrum(sys, &pt.u, &opts.stability).unwrap_or_default();
        let kind = match kind {
            SpecialKind::Hopf { omega } if located => {
                // Frequency of the pair closest to the imaginary axis.
                let (pairs, _) = complex_pairs(&eigs);
                let w = pairs
                    .iter()
                    .min_by(|a, b| a.0.abs().total_cmp(&b.0.abs()))
                    .map_or(omega, |p| p.1);
                SpecialKind::Hopf { omega: w }
            }
            other => other,
        };
        found.push(SpecialPoint {
            kind,
            x: pt.u.rows(0, n).iter().copied().collect(),
            p: pt.u[n],
            s: s0 + hh,
            after_index: k,
            test_value: val,
            located,
            eigenvalues: eigs,
        });
    };
    if opts.detect_folds {
        let (a, b) = (cur.a.t[n], new.a.t[n]);
        if a * b < 0.0 {
            let res = pac.locate(curve, &cur.a, (a, h, b), |_, pt| pt.t[n]);
            record(SpecialKind::Fold, res);
        }
    }
    if opts.detect_branch_points {
        let (a, b) = (cur.a.det, new.a.det);
        if a * b < 0.0 {
            let res = pac.locate(curve, &cur.a, (a, h, b), |_, pt| pt.det);
            record(SpecialKind::BranchPoint, res);
        }
    }
    if opts.detect_hopf && cur.real_pos == new.real_pos {
        let c0 = cur.pairs.iter().filter(|p| p.0 > 0.0).count();
        let c1 = new.pairs.iter().filter(|p| p.0 > 0.0).count();
        for j in c0.min(c1) + 1..=c0.max(c1) {
            let (Some(a), Some(b)) = (cur.pairs.get(j - 1), new.pairs.get(j - 1)) else {
                continue;
            };
            let res = pac.locate(curve, &cur.a, (a.0, h, b.0), |_, pt| {
                spectrum(sys, &pt.u, &opts.stability)
                    .ok()
                    .and_then(|e| complex_pairs(&e).0.get(j - 1).map(|p| p.0))
                    .unwrap_or(f64::NAN)
            });
            record(SpecialKind::Hopf { omega: b.1 }, res);
        }
    }
    found.sort_by(|a, b| a.s.total_cmp(&b.s));
    branch.special.extend(found);
}
