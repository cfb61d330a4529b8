//! Newton on known roots, every failure reason, multi-start de-duplication.

use nalgebra::{DMatrix, DVector};
use spasm::continuation::problems::{ScaledToggle, ToggleSwitch};
use spasm::continuation::*;

fn v(x: &[f64]) -> DVector<f64> {
    DVector::from_column_slice(x)
}

/// f(x) = F(x) given by closures, parameter ignored.
struct Fun<F, J> {
    n: usize,
    f: F,
    j: J,
}

impl<F, J> System for Fun<F, J>
where
    F: Fn(&DVector<f64>) -> DVector<f64>,
    J: Fn(&DVector<f64>) -> DMatrix<f64>,
{
    fn dim(&self) -> usize {
        self.n
    }
    fn rhs(&self, x: &DVector<f64>, _p: f64, out: &mut DVector<f64>) {
        *out = (self.f)(x);
    }
    fn jacobian(&self, x: &DVector<f64>, _p: f64) -> DMatrix<f64> {
        (self.j)(x)
    }
}

fn scalar(f: fn(f64) -> f64, df: fn(f64) -> f64) -> impl System {
    Fun {
        n: 1,
        f: move |x: &DVector<f64>| v(&[f(x[0])]),
        j: move |x: &DVector<f64>| DMatrix::from_element(1, 1, df(x[0])),
    }
}

#[test]
fn circle_line_root() {
    let sys = Fun {
        n: 2,
        f: |x: &DVector<f64>| v(&[x[0] * x[0] + x[1] * x[1] - 4.0, x[0] - x[1]]),
        j: |x: &DVector<f64>| DMatrix::from_row_slice(2, 2, &[2.0 * x[0], 2.0 * x[1], 1.0, -1.0]),
    };
    let sol = newton(&sys, &v(&[1.0, 0.5]), 0.0, &NewtonOptions::default()).unwrap();
    let r = 2f64.sqrt();
    println!(
        "circle-line: x = {:?}, {} iterations",
        sol.x.as_slice(),
        sol.iterations
    );
    assert!((sol.x[0] - r).abs() < 1e-14 && (sol.x[1] - r).abs() < 1e-14);
    assert!(sol.iterations <= 7);
    assert!(sol.residual_norm < 1e-14);
}

#[test]
fn damping_rescues_arctan() {
    // Undamped Newton on atan diverges from |x0| > 1.39; the damped one converges.
    let sys = scalar(f64::atan, |x| 1.0 / (1.0 + x * x));
    let sol = newton(&sys, &v(&[10.0]), 0.0, &NewtonOptions::default()).unwrap();
    println!(
        "atan from 10: x = {:e} after {} iterations",
        sol.x[0], sol.iterations
    );
    assert!(sol.x[0].abs() < 1e-12);
}

#[test]
fn singular_jacobian_reported() {
    // f(x) = x² − 1 at x = 0: f'(0) = 0.
    let sys = scalar(|x| x * x - 1.0, |x| 2.0 * x);
    match newton(&sys, &v(&[0.0]), 0.0, &NewtonOptions::default()) {
        Err(NewtonError::SingularJacobian { iteration: 0, .. }) => {}
        other => panic!("expected singular Jacobian, got {other:?}"),
    }
    // Two parallel lines: rank-1 Jacobian everywhere.
    let par = Fun {
        n: 2,
        f: |x: &DVector<f64>| v(&[x[0] + x[1] - 1.0, 2.0 * x[0] + 2.0 * x[1] - 3.0]),
        j: |_x: &DVector<f64>| DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 2.0, 2.0]),
    };
    let e = newton(&par, &v(&[0.3, 0.1]), 0.0, &NewtonOptions::default()).unwrap_err();
    println!("parallel lines: {e}");
    assert!(matches!(e, NewtonError::SingularJacobian { rcond, .. } if rcond < 1e-13));
}

#[test]
fn max_iterations_reported() {
    // Triple root: Newton converges only linearly (factor 2/3).
    let sys = scalar(|x| x.powi(3), |x| 3.0 * x * x);
    let o = NewtonOptions {
        max_iter: 10,
        ..Default::default()
    };
    match newton(&sys, &v(&[1.0]), 0.0, &o) {
        Err(NewtonError::MaxIterations {
            iterations: 10,
            step_norm,
            x,
        }) => {
            println!("x³: stopped at x = {:e}, last step {step_norm:e}", x[0]);
            assert!((x[0] - (2.0f64 / 3.0).powi(10)).abs() < 1e-12);
        }
        other => panic!("expected max iterations, got {other:?}"),
    }
}

#[test]
fn divergence_reported() {
    // x² + 1 has no real root: the iterates approach the minimum of |f| at 0,
    // where f' → 0, the Newton steps blow up and the damping factor collapses.
    let sys = scalar(|x| x * x + 1.0, |x| 2.0 * x);
    let o = NewtonOptions {
        lambda_min: 1e-3,
        ..Default::default()
    };
    let e = newton(&sys, &v(&[0.7]), 0.0, &o).unwrap_err();
    println!("x²+1: {e}");
    assert!(matches!(
        e,
        NewtonError::Diverged {
            kind: DivergenceKind::DampingTooSmall { .. },
            ..
        }
    ));
    // exp(x) runs off to −∞: caught by the divergence limit.
    let ex = scalar(f64::exp, f64::exp);
    let o = NewtonOptions {
        divergence_limit: 20.0,
        ..Default::default()
    };
    let e = newton(&ex, &v(&[0.0]), 0.0, &o).unwrap_err();
    assert!(
        matches!(e, NewtonError::Diverged { kind: DivergenceKind::NormExceeded { norm }, .. } if norm > 20.0)
    );
}

#[test]
fn box_and_input_errors_reported() {
    let sys = scalar(|x| x - 5.0, |_| 1.0);
    let o = NewtonOptions {
        bounds: Some(BoxBounds {
            lower: v(&[-1.0]),
            upper: v(&[1.0]),
        }),
        ..Default::default()
    };
    let e = newton(&sys, &v(&[0.0]), 0.0, &o).unwrap_err();
    assert!(
        matches!(e, NewtonError::LeftBox { component: 0, .. }),
        "{e:?}"
    );
    // A root inside the box is found with the box active.
    let inside = scalar(|x| x - 0.5, |_| 1.0);
    assert!((newton(&inside, &v(&[-0.9]), 0.0, &o).unwrap().x[0] - 0.5).abs() < 1e-15);
    // Start outside the box, wrong dimension, NaN residual, bad scales.
    assert!(matches!(
        newton(&sys, &v(&[3.0]), 0.0, &o),
        Err(NewtonError::InvalidOptions(_))
    ));
    assert!(matches!(
        newton(&sys, &v(&[0.0, 1.0]), 0.0, &NewtonOptions::default()),
        Err(NewtonError::DimensionMismatch {
            expected: 1,
            got: 2
        })
    ));
    let nan = scalar(|x| x.sqrt() - 1.0, |x| 0.5 / x.sqrt());
    assert!(matches!(
        newton(&nan, &v(&[-1.0]), 0.0, &NewtonOptions::default()),
        Err(NewtonError::NonFinite { iteration: 0, .. })
    ));
    let bad = NewtonOptions {
        x_scale: Some(v(&[0.0])),
        ..Default::default()
    };
    assert!(matches!(
        newton(&sys, &v(&[0.0]), 0.0, &bad),
        Err(NewtonError::InvalidOptions(_))
    ));
}

/// Toggle at α₁ = 20, α₂ = 10, β = γ = 2: three equilibria, 2 stable nodes and a saddle.
#[test]
fn multistart_finds_and_deduplicates_toggle_roots() {
    let t = ToggleSwitch {
        beta: 2.0,
        gamma: 2.0,
    };
    let sys = FixedQ::new(&t, 10.0);
    let starts = grid_starts(&v(&[0.0, 0.0]), &v(&[25.0, 12.0]), 6, 1000);
    assert_eq!(starts.len(), 36);
    let res = find_equilibria(
        &sys,
        20.0,
        &starts,
        &NewtonOptions::default(),
        &StabilityOptions::default(),
        1e-8,
    );
    println!(
        "toggle multistart: {} roots, {} duplicates, {} failures",
        res.roots.len(),
        res.duplicates,
        res.failures.len()
    );
    assert_eq!(res.roots.len(), 3);
    assert_eq!(res.duplicates + res.failures.len() + 3, 36);
    let verdicts: Vec<_> = res
        .roots
        .iter()
        .map(|r| (r.stability.verdict, r.stability.n_unstable))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            (Stability::Stable, 0),
            (Stability::Unstable, 1),
            (Stability::Stable, 0)
        ]
    );
    for r in &res.roots {
        let (u, w) = (r.x[0], r.x[1]);
        assert!((w - 10.0 / (1.0 + u * u)).abs() < 1e-12);
        assert!((u - 20.0 / (1.0 + w * w)).abs() < 1e-12);
    }
}

/// The same roots in units that differ by six orders of magnitude.
#[test]
fn scaled_newton_and_multistart() {
    let st = ScaledToggle {
        toggle: ToggleSwitch {
            beta: 2.0,
            gamma: 2.0,
        },
        alpha2: 10.0,
        u_unit: 1e-3,
        v_unit: 1e3,
        p_unit: 1e3,
    };
    let scale = v(&[1e-3, 1e3]);
    let o = NewtonOptions {
        x_scale: Some(scale.clone()),
        ..Default::default()
    };
    let lo = v(&[1e-5, 1e0]);
    let hi = v(&[25e-3, 12e3]);
    let starts = random_starts(&lo, &hi, 40, 7, true);
    assert!(starts
        .iter()
        .all(|s| (0..2).all(|i| s[i] >= lo[i] && s[i] <= hi[i])));
    let res = find_equilibria(&st, 20e3, &starts, &o, &StabilityOptions::default(), 1e-8);
    println!(
        "scaled toggle multistart: {} roots, {} duplicates",
        res.roots.len(),
        res.duplicates
    );
    assert_eq!(res.roots.len(), 3);
    for r in &res.roots {
        let (u, w) = (r.x[0] / 1e-3, r.x[1] / 1e3);
        // Both components to ~12 significant digits in their own units.
        assert!((w - 10.0 / (1.0 + u * u)).abs() < 1e-11 * w.max(1.0));
        assert!((u - 20.0 / (1.0 + w * w)).abs() < 1e-11 * u.max(1.0));
    }
    assert_eq!(
        res.roots
            .iter()
            .filter(|r| r.stability.verdict == Stability::Stable)
            .count(),
        2
    );
}
