//! (d) Badly scaled components; branch points; stop reasons and start errors.

use nalgebra::{DMatrix, DVector};
use spasm::continuation::problems::{CuspNormalForm, Pitchfork, ScaledToggle, ToggleSwitch};
use spasm::continuation::*;

fn toggle_folds_reference() -> (f64, f64) {
    // Independent: bisection on the analytic fold condition (see tests/toggle.rs).
    let phi = |u: f64| {
        let v = 10.0 / (1.0 + u * u);
        4.0 * u * u * v * v - (1.0 + u * u) * (1.0 + v * v)
    };
    let bis = |mut a: f64, mut b: f64| {
        let fa = phi(a);
        for _ in 0..200 {
            let m = 0.5 * (a + b);
            if phi(m) * fa > 0.0 {
                a = m;
            } else {
                b = m;
            }
        }
        0.5 * (a + b)
    };
    let alpha = |u: f64| {
        let v = 10.0 / (1.0 + u * u);
        u * (1.0 + v * v)
    };
    (alpha(bis(1.0, 20.0)), alpha(bis(0.01, 1.0)))
}

fn scaled_toggle() -> ScaledToggle {
    ScaledToggle {
        toggle: ToggleSwitch {
            beta: 2.0,
            gamma: 2.0,
        },
        alpha2: 10.0,
        u_unit: 1e-3,
        v_unit: 1e3,
        p_unit: 1e3,
    }
}

#[test]
fn badly_scaled_toggle_with_scales() {
    let st = scaled_toggle();
    let (a_lo, a_hi) = toggle_folds_reference();
    let mut o = ContOptions::new(1e3, 50e3);
    o.x_scale = Some(DVector::from_vec(vec![1e-3, 1e3]));
    o.p_scale = 1e3;
    let b = continue_branch(&st, &DVector::from_vec(vec![1e-5, 1e4]), 1e3, &o).unwrap();
    let folds = b.folds();
    assert_eq!(folds.len(), 2);
    println!(
        "scaled toggle (scales given): folds P = {:.9}, {:.9} (ref {:.9}, {:.9}); {} points",
        folds[0].p,
        folds[1].p,
        1e3 * a_hi,
        1e3 * a_lo,
        b.points.len()
    );
    assert!((folds[0].p / 1e3 - a_hi).abs() < 1e-9 * a_hi);
    assert!((folds[1].p / 1e3 - a_lo).abs() < 1e-9 * a_lo);
    // The small component is resolved to full relative accuracy at the fold.
    let u = folds[1].x[0] / 1e-3;
    let v = folds[1].x[1] / 1e3;
    assert!((v - 10.0 / (1.0 + u * u)).abs() < 1e-9 && (u * (1.0 + v * v) - a_lo).abs() < 1e-8);
    let bi = b.bistable_intervals();
    assert_eq!(bi.len(), 1);
    assert!((bi[0].lo / 1e3 - a_lo).abs() < 1e-8 && (bi[0].hi / 1e3 - a_hi).abs() < 1e-8);
    // Fold refinement in the scaled units.
    let nopts = NewtonOptions {
        x_scale: o.x_scale.clone(),
        ..Default::default()
    };
    let rf = refine_fold(
        &st,
        &DVector::from_column_slice(&folds[1].x),
        folds[1].p * 1.01,
        1e3,
        &nopts,
    )
    .unwrap();
    assert!((rf.p / 1e3 - a_lo).abs() < 1e-10 * a_lo);
}

#[test]
fn badly_scaled_toggle_without_scales() {
    // Unit scales: the arclength is dominated by the 1e3-sized component and
    // the parameter, and the 1e-3 component is invisible to the step control.
    // Report what happens; folds must still be right if any are found.
    let st = scaled_toggle();
    let (a_lo, a_hi) = toggle_folds_reference();
    let mut o = ContOptions::new(1e3, 50e3);
    o.step.max_points = 20_000;
    o.step.h_max = 50.0;
    let b = continue_branch(&st, &DVector::from_vec(vec![1e-5, 1e4]), 1e3, &o).unwrap();
    let folds = b.folds();
    println!(
        "scaled toggle (unit scales): {} folds {:?}, {} points, stop {:?}",
        folds.len(),
        folds.iter().map(|f| f.p).collect::<Vec<_>>(),
        b.points.len(),
        b.stop
    );
    for f in &folds {
        let r = if f.p > 20e3 { a_hi } else { a_lo };
        assert!((f.p / 1e3 - r).abs() < 1e-6 * r);
    }
}

#[test]
fn pitchfork_branch_point() {
    let b = continue_branch(
        &Pitchfork,
        &DVector::from_element(1, 0.0),
        -1.0,
        &ContOptions::new(-1.0, 1.0),
    )
    .unwrap();
    assert_eq!(b.special.len(), 1);
    let bp = &b.special[0];
    println!("pitchfork branch point at p = {:e}", bp.p);
    assert!(bp.kind == SpecialKind::BranchPoint && bp.located && bp.p.abs() < 1e-10);
    assert!(b.points.iter().all(|p| p.x[0] == 0.0));
    assert!(b
        .points
        .iter()
        .filter(|p| p.p < -1e-9)
        .all(|p| p.stability == Stability::Stable));
    assert!(b
        .points
        .iter()
        .filter(|p| p.p > 1e-9)
        .all(|p| p.n_unstable == 1));
}

#[test]
fn stop_reasons() {
    let sys = FixedQ::new(&CuspNormalForm, 1.0);
    let x0 = DVector::from_element(1, -1.5);
    // Max points.
    let mut o = ContOptions::new(-2.0, 2.0);
    o.step.max_points = 5;
    let b = continue_branch(&sys, &x0, -2.0, &o).unwrap();
    assert_eq!((b.points.len(), b.stop.clone()), (5, StopReason::MaxPoints));
    // Max steps.
    o.step.max_points = 1000;
    o.step.max_steps = 3;
    assert_eq!(
        continue_branch(&sys, &x0, -2.0, &o).unwrap().stop,
        StopReason::MaxSteps
    );
    // Decreasing direction from the lower bound: stops at once on the bound.
    let mut o = ContOptions::new(-2.0, 2.0);
    o.increasing = false;
    let b = continue_branch(&sys, &DVector::from_element(1, -1.52), -2.0, &o).unwrap();
    assert_eq!(b.points.len(), 1);
    assert_eq!(
        b.stop,
        StopReason::ReachedBound {
            param: Param::P,
            value: -2.0
        }
    );
    // Reverse continuation from the upper end finds the same folds.
    let mut o = ContOptions::new(-2.0, 2.0);
    o.increasing = false;
    let b = continue_branch(&sys, &DVector::from_element(1, 1.5), 2.0, &o).unwrap();
    assert_eq!(b.folds().len(), 2);
    assert_eq!(
        b.stop,
        StopReason::ReachedBound {
            param: Param::P,
            value: -2.0
        }
    );
    assert!((b.points.last().unwrap().p + 2.0).abs() < 1e-12);
}

/// ẋ = √(1 − p) − x is undefined for p > 1: the continuation cannot pass p = 1
/// and stops with a too-small step instead of hanging.
struct Sqrt;
impl System for Sqrt {
    fn dim(&self) -> usize {
        1
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
        out[0] = (1.0 - p).sqrt() - x[0];
    }
    fn jacobian(&self, _x: &DVector<f64>, _p: f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, -1.0)
    }
    fn dfdp(&self, _x: &DVector<f64>, p: f64) -> DVector<f64> {
        DVector::from_element(1, -0.5 / (1.0 - p).sqrt())
    }
}

#[test]
fn step_too_small_and_start_errors() {
    let b = continue_branch(
        &Sqrt,
        &DVector::from_element(1, 1.0),
        0.0,
        &ContOptions::new(0.0, 2.0),
    )
    .unwrap();
    println!(
        "sqrt: stop {:?} at p = {}",
        b.stop,
        b.points.last().unwrap().p
    );
    assert!(matches!(b.stop, StopReason::StepTooSmall { .. }));
    assert!(b.points.last().unwrap().p > 0.99);
    // Start at a singular point: Newton reports it.
    let e = continue_branch(
        &Pitchfork,
        &DVector::from_element(1, 0.0),
        0.0,
        &ContOptions::new(-1.0, 1.0),
    )
    .unwrap_err();
    assert!(matches!(
        e,
        ContError::Start(EquilibriumError::Newton(
            NewtonError::SingularJacobian { .. }
        ))
    ));
    // Bad options.
    let sys = FixedQ::new(&CuspNormalForm, 1.0);
    let x0 = DVector::from_element(1, -1.5);
    assert!(matches!(
        continue_branch(&sys, &x0, 3.0, &ContOptions::new(-2.0, 2.0)),
        Err(ContError::InvalidOptions(_))
    ));
    let mut o = ContOptions::new(-2.0, 2.0);
    o.step.h_min = 1.0;
    assert!(matches!(
        continue_branch(&sys, &x0, -2.0, &o),
        Err(ContError::InvalidOptions(_))
    ));
    assert!(matches!(
        continue_branch(&sys, &DVector::zeros(2), -2.0, &ContOptions::new(-2.0, 2.0)),
        Err(ContError::DimensionMismatch { .. })
    ));
    // Fold refinement away from any fold: a typed error, no hang.
    let e = refine_fold(
        &sys,
        &DVector::from_element(1, -3.0),
        -20.0,
        1.0,
        &NewtonOptions::default(),
    );
    println!("refine_fold far from a fold: {e:?}");
    if let Ok(f) = &e {
        assert!((f.p.abs() - 2.0 / 27f64.sqrt()).abs() < 1e-10);
    }
}

#[test]
fn pinned_state_continuation() {
    // Toggle with a third, frozen state z (ż ≡ 0): the full Jacobian is
    // singular, the pinned system has the toggle's folds.
    struct Frozen(ToggleSwitch);
    impl System for Frozen {
        fn dim(&self) -> usize {
            3
        }
        fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
            let mut f = DVector::zeros(2);
            System2::rhs(&self.0, &x.rows(0, 2).into_owned(), p, 10.0 * x[2], &mut f);
            out.rows_mut(0, 2).copy_from(&f);
            out[2] = 0.0;
        }
        fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64> {
            let xs = x.rows(0, 2).into_owned();
            let j = System2::jacobian(&self.0, &xs, p, 10.0 * x[2]);
            let dq = self.0.dfdq(&xs, p, 10.0 * x[2]) * 10.0;
            let mut out = DMatrix::zeros(3, 3);
            out.view_mut((0, 0), (2, 2)).copy_from(&j);
            out.view_mut((0, 2), (2, 1)).copy_from(&dq);
            out
        }
    }
    let full = Frozen(ToggleSwitch {
        beta: 2.0,
        gamma: 2.0,
    });
    let x0 = DVector::from_vec(vec![0.01, 10.0, 1.0]);
    assert!(continue_branch(&full, &x0, 1.0, &ContOptions::new(1.0, 50.0)).is_err());
    let pinned = Pinned::new(&full, &[(2, 1.0)]).unwrap();
    let b = continue_branch(
        &pinned,
        &pinned.reduce(&x0),
        1.0,
        &ContOptions::new(1.0, 50.0),
    )
    .unwrap();
    let (a_lo, a_hi) = toggle_folds_reference();
    let f = b.folds();
    assert_eq!(f.len(), 2);
    assert!((f[0].p - a_hi).abs() < 1e-8 && (f[1].p - a_lo).abs() < 1e-8);
}

/// The toggle plus 18 slaved, stiff, badly scaled states
/// `ż_i = k_i (s_i · u · v / (1 + u) − z_i)` with rates `k_i` from 1e-3 to 1e3 and
/// units `s_i` from 1e-4 to 1e4: a 20-state system like the target model. The
/// `z_i` do not feed back, so the folds are the toggle's; the spectrum is
/// `{toggle eigenvalues} ∪ {−k_i}`.
struct Embedded {
    k: Vec<f64>,
    s: Vec<f64>,
}

impl Embedded {
    fn new() -> Self {
        let k = (0..18)
            .map(|i| 10f64.powf(-3.0 + 6.0 * f64::from(i) / 17.0))
            .collect();
        let s = (0..18).map(|i| 10f64.powi(i % 9 - 4)).collect();
        Self { k, s }
    }
}

impl System for Embedded {
    fn dim(&self) -> usize {
        20
    }
    fn rhs(&self, x: &DVector<f64>, p: f64, out: &mut DVector<f64>) {
        let t = ToggleSwitch {
            beta: 2.0,
            gamma: 2.0,
        };
        let mut f = DVector::zeros(2);
        System2::rhs(&t, &x.rows(0, 2).into_owned(), p, 10.0, &mut f);
        out.rows_mut(0, 2).copy_from(&f);
        let (u, v) = (x[0], x[1]);
        for i in 0..18 {
            out[2 + i] = self.k[i] * (self.s[i] * u * v / (1.0 + u) - x[2 + i]);
        }
    }
    fn jacobian(&self, x: &DVector<f64>, p: f64) -> DMatrix<f64> {
        let t = ToggleSwitch {
            beta: 2.0,
            gamma: 2.0,
        };
        let mut j = DMatrix::zeros(20, 20);
        j.view_mut((0, 0), (2, 2)).copy_from(&System2::jacobian(
            &t,
            &x.rows(0, 2).into_owned(),
            p,
            10.0,
        ));
        let (u, v) = (x[0], x[1]);
        for i in 0..18 {
            j[(2 + i, 0)] = self.k[i] * self.s[i] * v / (1.0 + u).powi(2);
            j[(2 + i, 1)] = self.k[i] * self.s[i] * u / (1.0 + u);
            j[(2 + i, 2 + i)] = -self.k[i];
        }
        j
    }
    fn dfdp(&self, x: &DVector<f64>, _p: f64) -> DVector<f64> {
        let mut d = DVector::zeros(20);
        d[0] = 1.0 / (1.0 + x[1] * x[1]);
        d
    }
}

#[test]
fn stiff_twenty_state_embedding() {
    let sys = Embedded::new();
    let x0 = {
        let mut x = DVector::zeros(20);
        x[0] = 0.01;
        x[1] = 10.0;
        x
    };
    let mut scale = DVector::from_element(20, 1.0);
    scale[1] = 10.0;
    for i in 0..18 {
        scale[2 + i] = sys.s[i];
    }
    let j = sys.jacobian(&x0, 3.0);
    let fd = fd_jacobian(&sys, &x0, 3.0, Some(&scale));
    assert!((0..400).all(|k| (j[k] - fd[k]).abs() <= 1e-7 * (1.0 + j[k].abs())));
    let mut o = ContOptions::new(1.0, 50.0);
    o.x_scale = Some(scale);
    o.p_scale = 10.0;
    let t0 = std::time::Instant::now();
    let b = continue_branch(&sys, &x0, 1.0, &o).unwrap();
    let (a_lo, a_hi) = toggle_folds_reference();
    let f = b.folds();
    println!(
        "20-state embedding: folds {:.10}, {:.10} (ref {a_hi:.10}, {a_lo:.10}); {} points in {:?}",
        f[0].p,
        f[1].p,
        b.points.len(),
        t0.elapsed()
    );
    assert_eq!(f.len(), 2);
    assert!((f[0].p - a_hi).abs() < 1e-8 * a_hi && (f[1].p - a_lo).abs() < 1e-8 * a_lo);
    // The stiff spectrum −k_i is recovered, and the stability verdicts are the toggle's.
    let first = &b.points[0];
    assert_eq!(first.stability, Stability::Stable);
    for k in &sys.k {
        assert!(first
            .eigenvalues
            .iter()
            .any(|e| (e.re + k).abs() < 1e-9 * k.max(1.0) && e.im == 0.0));
    }
    assert_eq!(b.special.len(), 2, "only the two folds: {:?}", b.special);
    let bi = b.bistable_intervals();
    assert_eq!(bi.len(), 1);
    assert!((bi[0].lo - a_lo).abs() < 1e-7 && (bi[0].hi - a_hi).abs() < 1e-7);
}
