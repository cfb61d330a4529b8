//! (a) Cusp normal form ẋ = p + q·x − x³: folds at p = ±2 (q/3)^{3/2}, fold curve
//! (p, q) = (−2x³, 3x²), cusp at (0, 0).

use approx::assert_abs_diff_eq;
use nalgebra::DVector;
use spasm::continuation::problems::CuspNormalForm;
use spasm::continuation::*;

fn fold_p(q: f64) -> f64 {
    2.0 * (q / 3.0).powf(1.5)
}

#[test]
fn one_parameter_folds_match_analytic() {
    for q in [0.5, 1.0, 3.0] {
        let sys = FixedQ::new(&CuspNormalForm, q);
        let b = continue_branch(
            &sys,
            &DVector::from_element(1, -3.0),
            -4.0,
            &ContOptions::new(-4.0, 4.0),
        )
        .unwrap();
        assert_eq!(
            b.stop,
            StopReason::ReachedBound {
                param: Param::P,
                value: 4.0
            }
        );
        let folds = b.folds();
        assert_eq!(folds.len(), 2, "q = {q}");
        let pf = fold_p(q);
        // The lower branch turns at p = +pf (x = −√(q/3)), the upper one at −pf.
        let (f1, f2) = (folds[0], folds[1]);
        println!(
            "q = {q}: folds at p = {:.12}, {:.12} (analytic ±{pf:.12}, |Δp| = {:.1e}, {:.1e}); x = {:.12}, {:.12}",
            f1.p,
            f2.p,
            (f1.p - pf).abs(),
            (f2.p + pf).abs(),
            f1.x[0],
            f2.x[0]
        );
        assert_abs_diff_eq!(f1.p, pf, epsilon = 1e-10);
        assert_abs_diff_eq!(f2.p, -pf, epsilon = 1e-10);
        assert!(
            (f1.x[0] + (q / 3.0).sqrt()).abs() < 1e-5 && (f2.x[0] - (q / 3.0).sqrt()).abs() < 1e-5
        );
        assert!(f1.located && f2.located);
        // Stability pattern along the S: stable, unstable (1 eigenvalue), stable.
        for pt in &b.points {
            let x = pt.x[0];
            let slope = q - 3.0 * x * x;
            if slope < -1e-6 {
                assert_eq!(pt.stability, Stability::Stable);
            } else if slope > 1e-6 {
                assert_eq!((pt.stability, pt.n_unstable), (Stability::Unstable, 1));
            }
        }
        // Bistable interval = between the folds.
        let bi = b.bistable_intervals();
        assert_eq!(bi.len(), 1);
        assert!((bi[0].lo + pf).abs() < 1e-10 && (bi[0].hi - pf).abs() < 1e-10);
        // Newton on the minimally augmented system from a rough guess.
        let rf = refine_fold(
            &sys,
            &DVector::from_element(1, -0.4),
            pf * 0.8,
            1.0,
            &NewtonOptions::default(),
        )
        .unwrap();
        assert!((rf.p - pf).abs() < 1e-13 && (rf.x[0] + (q / 3.0).sqrt()).abs() < 1e-13);
        // a = ½ f_xx = −3x at x = −√(q/3).
        assert!((rf.normal_form - 3.0 * (q / 3.0).sqrt()).abs() < 1e-6);
    }
}

#[test]
fn no_folds_for_negative_q() {
    let sys = FixedQ::new(&CuspNormalForm, -1.0);
    let b = continue_branch(
        &sys,
        &DVector::from_element(1, -1.0),
        -3.0,
        &ContOptions::new(-3.0, 3.0),
    )
    .unwrap();
    assert!(b.special.is_empty());
    assert!(b.bistable_intervals().is_empty());
    assert!(b.points.iter().all(|p| p.stability == Stability::Stable));
}

#[test]
fn fold_curve_and_cusp() {
    // Start at the fold p = +0.3849 of q = 1 and follow it towards smaller q.
    let q0 = 1.0;
    let x0 = -(q0 / 3.0f64).sqrt();
    let mut o = Fold2Options::new(-5.0, 5.0, -1.0, 3.0);
    o.q_increasing = false;
    let c = continue_fold(
        &CuspNormalForm,
        &DVector::from_element(1, x0 + 0.01),
        fold_p(q0) + 0.01,
        q0,
        &o,
    )
    .unwrap();
    println!("fold curve: {} points, stop {:?}", c.points.len(), c.stop);
    // It passes the cusp and ends on the other fold branch at q = 3, p = −2.
    assert_eq!(
        c.stop,
        StopReason::ReachedBound {
            param: Param::Q,
            value: 3.0
        }
    );
    let last = c.points.last().unwrap();
    assert!((last.p + 2.0).abs() < 1e-9 && (last.x[0] - 1.0).abs() < 1e-9);
    let mut worst: f64 = 0.0;
    for pt in &c.points {
        let x = pt.x[0];
        worst = worst
            .max((pt.p + 2.0 * x.powi(3)).abs())
            .max((pt.q - 3.0 * x * x).abs());
        // a = −3x along the curve.
        assert!(
            (pt.normal_form + 3.0 * x).abs() < 1e-6,
            "{} vs {}",
            pt.normal_form,
            -3.0 * x
        );
    }
    println!("max deviation from (p, q) = (−2x³, 3x²): {worst:e}");
    assert!(worst < 1e-10);
    let cusps = c.cusps();
    assert_eq!(cusps.len(), 1);
    let k = cusps[0];
    println!("cusp at p = {:e}, q = {:e}, x = {:e}", k.p, k.q, k.x[0]);
    assert!(k.located && k.p.abs() < 1e-10 && k.q.abs() < 1e-10 && k.x[0].abs() < 1e-8);
    // The curve turns back in q at the cusp (q = 3x² has its minimum there).
    let turns: Vec<_> = c
        .special
        .iter()
        .filter(|s| s.kind == FoldCurveKind::TurnQ)
        .collect();
    assert_eq!(turns.len(), 1);
    assert!(turns[0].q.abs() < 1e-10 && turns[0].p.abs() < 1e-10);
}

/// A Bogdanov–Takens point on a fold curve is not a cusp: the normal-form coefficient
/// changes sign through a pole (`wᵀv = 0`), not through zero.
#[test]
fn bogdanov_takens_point_is_told_apart_from_a_cusp() {
    use spasm::continuation::problems::BogdanovTakensNormalForm;
    let mut o = Fold2Options::new(-1.0, 1.0, -1.0, 1.0);
    o.q_increasing = false;
    let c = continue_fold(
        &BogdanovTakensNormalForm,
        &DVector::from_column_slice(&[0.05, 0.0]),
        0.01,
        0.8,
        &o,
    )
    .unwrap();
    assert_eq!(
        c.stop,
        StopReason::ReachedBound {
            param: Param::Q,
            value: -1.0
        }
    );
    // The fold curve is p = 0 (x = y = 0) for every q.
    for pt in &c.points {
        assert!(pt.p.abs() < 1e-10 && pt.x[0].abs() < 1e-8, "{pt:?}");
    }
    assert!(c.cusps().is_empty(), "{:?}", c.special);
    let bt: Vec<_> = c
        .special
        .iter()
        .filter(|s| s.kind == FoldCurveKind::BogdanovTakens)
        .collect();
    assert_eq!(bt.len(), 1, "{:?}", c.special);
    assert!(bt[0].located && bt[0].q.abs() < 1e-9, "{:?}", bt[0]);
}
