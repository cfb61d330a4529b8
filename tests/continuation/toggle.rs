//! (b) Gardner–Cantor–Collins toggle switch, β = γ = 2. Fold locations from an
//! independent computation: equilibria satisfy α₁ = u(1 + v²), v = α₂/(1 + u²),
//! and det f_x = 0 ⇔ φ(u) = 4u²v² − (1 + u²)(1 + v²) = 0, solved here by plain
//! bisection to machine precision.

use nalgebra::DVector;
use spasm::continuation::problems::ToggleSwitch;
use spasm::continuation::*;

const T: ToggleSwitch = ToggleSwitch {
    beta: 2.0,
    gamma: 2.0,
};

fn phi(u: f64, a2: f64) -> f64 {
    let v = a2 / (1.0 + u * u);
    4.0 * u * u * v * v - (1.0 + u * u) * (1.0 + v * v)
}

fn bisect(mut a: f64, mut b: f64, a2: f64) -> f64 {
    let fa = phi(a, a2);
    assert!(fa * phi(b, a2) < 0.0);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if phi(m, a2) * fa > 0.0 {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// (α₁, u, v) of the two folds at α₂ = 10, ordered by α₁.
fn reference_folds(a2: f64) -> [(f64, f64, f64); 2] {
    let at = |u: f64| {
        let v = a2 / (1.0 + u * u);
        (u * (1.0 + v * v), u, v)
    };
    let lo = at(bisect(1.0, 20.0, a2));
    let hi = at(bisect(0.01, 1.0, a2));
    [lo, hi]
}

#[test]
fn toggle_folds_and_bistability() {
    let sys = FixedQ::new(&T, 10.0);
    let [(a_lo, u_lo, _), (a_hi, u_hi, _)] = reference_folds(10.0);
    // Start on the high-v state (u small) at α₁ = 1 and go up to α₁ = 50.
    let b = continue_branch(
        &sys,
        &DVector::from_vec(vec![0.01, 10.0]),
        1.0,
        &ContOptions::new(1.0, 50.0),
    )
    .unwrap();
    let folds = b.folds();
    assert_eq!(folds.len(), 2);
    assert_eq!(b.special.len(), 2);
    println!(
        "toggle folds: α₁ = {:.12} (ref {a_hi:.12}, rel. err {:.1e}), {:.12} (ref {a_lo:.12}, rel. err {:.1e}); {} points",
        folds[0].p,
        (folds[0].p / a_hi - 1.0).abs(),
        folds[1].p,
        (folds[1].p / a_lo - 1.0).abs(),
        b.points.len()
    );
    assert!((folds[0].p - a_hi).abs() < 1e-9 * a_hi && (folds[0].x[0] - u_hi).abs() < 1e-5);
    assert!((folds[1].p - a_lo).abs() < 1e-9 * a_lo && (folds[1].x[0] - u_lo).abs() < 1e-5);
    let bi = b.bistable_intervals();
    assert_eq!(bi.len(), 1);
    println!("bistable α₁ ∈ [{:.10}, {:.10}]", bi[0].lo, bi[0].hi);
    assert!((bi[0].lo - a_lo).abs() < 1e-8 && (bi[0].hi - a_hi).abs() < 1e-8);
    // Middle branch is a saddle.
    let mid = b
        .points
        .iter()
        .filter(|p| p.s > folds[0].s && p.s < folds[1].s);
    for p in mid {
        assert_eq!(p.n_unstable, 1);
    }
    // With scales matching the magnitudes (u, v, α₁ all ~ 10) the same branch
    // needs far fewer points and gives the same folds.
    let mut o = ContOptions::new(1.0, 50.0);
    o.x_scale = Some(DVector::from_vec(vec![10.0, 10.0]));
    o.p_scale = 10.0;
    let bs = continue_branch(&sys, &DVector::from_vec(vec![0.01, 10.0]), 1.0, &o).unwrap();
    let fs = bs.folds();
    println!("with scales (10, 10; 10): {} points", bs.points.len());
    assert!(bs.points.len() < b.points.len() / 3);
    assert!((fs[0].p - a_hi).abs() < 1e-9 * a_hi && (fs[1].p - a_lo).abs() < 1e-9 * a_lo);
    // Polishing the folds with the minimally augmented system agrees.
    for f in folds {
        let rf = refine_fold(
            &sys,
            &DVector::from_column_slice(&f.x),
            f.p,
            10.0,
            &NewtonOptions::default(),
        )
        .unwrap();
        assert!((rf.p - f.p).abs() < 1e-9 * f.p);
    }
}

#[test]
fn toggle_fold_curve_and_cusp() {
    let [(a_lo, u_lo, v_lo), (a_hi, _, _)] = reference_folds(10.0);
    let mut o = Fold2Options::new(0.0, 40.0, 0.5, 10.0);
    o.q_increasing = false;
    o.p_scale = 10.0;
    o.q_scale = 10.0;
    let c = continue_fold(&T, &DVector::from_vec(vec![u_lo, v_lo]), a_lo, 10.0, &o).unwrap();
    println!(
        "toggle fold curve: {} points, stop {:?}",
        c.points.len(),
        c.stop
    );
    // Every point satisfies the equilibrium and fold conditions.
    let mut worst: f64 = 0.0;
    for pt in &c.points {
        let (u, v) = (pt.x[0], pt.x[1]);
        worst = worst
            .max((pt.p - u * (1.0 + v * v)).abs())
            .max((pt.q - v * (1.0 + u * u)).abs())
            .max((4.0 * u * u * v * v - (1.0 + u * u) * (1.0 + v * v)).abs());
    }
    println!("max violation of the analytic fold conditions: {worst:e}");
    assert!(worst < 1e-9);
    // Cusp at α₁ = α₂ = 2, u = v = 1.
    let cusps = c.cusps();
    assert_eq!(cusps.len(), 1);
    let k = cusps[0];
    println!(
        "toggle cusp at α₁ = {:.12}, α₂ = {:.12}, (u, v) = ({:.10}, {:.10})",
        k.p, k.q, k.x[0], k.x[1]
    );
    assert!((k.p - 2.0).abs() < 1e-9 && (k.q - 2.0).abs() < 1e-9);
    assert!((k.x[0] - 1.0).abs() < 1e-6 && (k.x[1] - 1.0).abs() < 1e-6);
    // Past the cusp the curve is the other fold branch; it leaves the box at
    // α₂ = 10 exactly at the other one-parameter fold.
    assert_eq!(
        c.stop,
        StopReason::ReachedBound {
            param: Param::Q,
            value: 10.0
        }
    );
    let last = c.points.last().unwrap();
    println!("curve ends at α₁ = {:.10} (other fold {a_hi:.10})", last.p);
    assert!((last.p - a_hi).abs() < 1e-8 * a_hi);
}
