//! (c) Hopf points: Brusselator (b_H = 1 + a², ω = a), the Hopf normal form
//! (μ = 0, ω), and a second pair crossing while the first is already unstable.

use nalgebra::{DMatrix, DVector};
use spasm::continuation::problems::{Brusselator, HopfNormalForm};
use spasm::continuation::*;

#[test]
fn brusselator_hopf_at_one_plus_a_squared() {
    for a in [0.5, 1.0, 2.0] {
        let sys = Brusselator { a };
        let b_h = 1.0 + a * a;
        let b = continue_branch(
            &sys,
            &DVector::from_vec(vec![a, 0.1 / a]),
            0.1,
            &ContOptions::new(0.1, 2.0 * b_h),
        )
        .unwrap();
        let hopfs = b.hopfs();
        assert_eq!(b.special.len(), 1, "a = {a}: {:?}", b.special);
        let h = hopfs[0];
        let SpecialKind::Hopf { omega } = h.kind else {
            unreachable!()
        };
        println!(
            "Brusselator a = {a}: Hopf at b = {:.12} (analytic {b_h}), ω = {omega:.12} (analytic {a}), |Δb| = {:.1e}",
            h.p,
            (h.p - b_h).abs()
        );
        assert!(h.located && (h.p - b_h).abs() < 1e-10 && (omega - a).abs() < 1e-9);
        assert!((h.x[0] - a).abs() < 1e-10 && (h.x[1] - b_h / a).abs() < 1e-9);
        // Stable before, two unstable eigenvalues after; the branch is (a, b/a).
        for pt in &b.points {
            assert!((pt.x[0] - a).abs() < 1e-10 && (pt.x[1] - pt.p / a).abs() < 1e-9);
            if pt.p < b_h - 1e-6 {
                assert_eq!(pt.stability, Stability::Stable);
            } else if pt.p > b_h + 1e-6 {
                assert_eq!((pt.stability, pt.n_unstable), (Stability::Unstable, 2));
            }
        }
        assert!(b.bistable_intervals().is_empty());
    }
}

#[test]
fn hopf_normal_form() {
    for sigma in [-1.0, 1.0] {
        let sys = HopfNormalForm { omega: 2.0, sigma };
        let b = continue_branch(
            &sys,
            &DVector::from_vec(vec![0.01, -0.01]),
            -1.0,
            &ContOptions::new(-1.0, 1.0),
        )
        .unwrap();
        let hopfs = b.hopfs();
        assert_eq!(hopfs.len(), 1);
        let SpecialKind::Hopf { omega } = hopfs[0].kind else {
            unreachable!()
        };
        println!(
            "Hopf normal form σ = {sigma}: μ = {:e}, ω = {omega}",
            hopfs[0].p
        );
        assert!(hopfs[0].p.abs() < 1e-10 && (omega - 2.0).abs() < 1e-10);
        assert!(b.folds().is_empty());
    }
}

/// Two uncoupled Hopf normal forms with μ and μ − 0.5: the second Hopf point
/// (μ = 0.5) happens while the first pair is already unstable.
struct DoubleHopf;
impl System for DoubleHopf {
    fn dim(&self) -> usize {
        4
    }
    fn rhs(&self, x: &DVector<f64>, mu: f64, out: &mut DVector<f64>) {
        let blocks = [(0, mu, 1.0), (2, mu - 0.5, 3.0)];
        for (k, m, w) in blocks {
            let (u, v) = (x[k], x[k + 1]);
            let r2 = u * u + v * v;
            out[k] = m * u - w * v - u * r2;
            out[k + 1] = w * u + m * v - v * r2;
        }
    }
    fn jacobian(&self, x: &DVector<f64>, mu: f64) -> DMatrix<f64> {
        let mut j = DMatrix::zeros(4, 4);
        for (k, m, w) in [(0, mu, 1.0), (2, mu - 0.5, 3.0)] {
            let (u, v) = (x[k], x[k + 1]);
            let r2 = u * u + v * v;
            j[(k, k)] = m - r2 - 2.0 * u * u;
            j[(k, k + 1)] = -w - 2.0 * u * v;
            j[(k + 1, k)] = w - 2.0 * u * v;
            j[(k + 1, k + 1)] = m - r2 - 2.0 * v * v;
        }
        j
    }
    fn dfdp(&self, x: &DVector<f64>, _mu: f64) -> DVector<f64> {
        x.clone()
    }
}

#[test]
fn second_hopf_on_an_unstable_branch() {
    let b = continue_branch(
        &DoubleHopf,
        &DVector::zeros(4),
        -1.0,
        &ContOptions::new(-1.0, 1.0),
    )
    .unwrap();
    let hopfs = b.hopfs();
    assert_eq!(hopfs.len(), 2);
    let w: Vec<f64> = hopfs
        .iter()
        .map(|h| match h.kind {
            SpecialKind::Hopf { omega } => omega,
            _ => unreachable!(),
        })
        .collect();
    println!(
        "double Hopf: μ = {:e} (ω = {}), μ = {} (ω = {})",
        hopfs[0].p, w[0], hopfs[1].p, w[1]
    );
    assert!(hopfs[0].p.abs() < 1e-10 && (w[0] - 1.0).abs() < 1e-10);
    assert!((hopfs[1].p - 0.5).abs() < 1e-10 && (w[1] - 3.0).abs() < 1e-10);
    let last = b.points.last().unwrap();
    assert_eq!(last.n_unstable, 4);
}
