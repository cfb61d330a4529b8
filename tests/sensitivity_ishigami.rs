//! Convergence of the estimators to analytic values on the Ishigami function.

#[allow(dead_code)]
#[path = "support/ishigami.rs"]
mod ishigami;

use ishigami::{analytic, ishigami, problem, A, B};
use spasm::analysis::sensitivity::{morris, sobol, Bootstrap, Problem};

fn eval(x: &spasm::analysis::sensitivity::Points) -> Vec<f64> {
    x.rows().map(|r| ishigami(&[r[0], r[1], r[2]])).collect()
}

/// Sobol' S1 and ST converge to the analytic values within their 95 % bootstrap
/// intervals, for several seeds (the scrambled Sobol' error is well below the
/// bootstrap's Monte Carlo half-width).
#[test]
fn sobol_within_bootstrap_ci() {
    let exact = analytic(A, B);
    for seed in [1, 2, 3] {
        let d = sobol::design(&problem(), 4096, seed).unwrap();
        let s = sobol::analyze(&d, &eval(&d.x), &Bootstrap::default()).unwrap();
        for i in 0..3 {
            let (e1, et) = (s.s1[i] - exact.s1[i], s.st[i] - exact.st[i]);
            println!(
                "seed {seed} x{}: S1 {:.4} ± {:.4} (exact {:.4}), ST {:.4} ± {:.4} (exact {:.4})",
                i + 1,
                s.s1[i],
                s.s1_conf[i],
                exact.s1[i],
                s.st[i],
                s.st_conf[i],
                exact.st[i]
            );
            assert!(e1.abs() <= s.s1_conf[i], "seed {seed} S1[{i}] error {e1}");
            assert!(et.abs() <= s.st_conf[i], "seed {seed} ST[{i}] error {et}");
            // The half-widths themselves are small at N = 4096.
            assert!(s.s1_conf[i] < 0.06 && s.st_conf[i] < 0.06);
        }
        assert_eq!(s.base_rows_used, 4096);
        assert_eq!(s.base_rows_dropped, 0);
    }
}

/// Exact expectations of μ, μ* and σ² of the elementary effects under the design's
/// distribution, by enumeration: when factor `i` moves, it goes from a base level
/// `l ∈ {0, …, p/2 − 1}` to `l + p/2`, and every other factor is uniform on the `p`
/// levels, independently (its base level is uniform on the lower half and it is
/// shifted by `Δ` with probability ½).
fn exact_morris(problem: &Problem, levels: usize, f: impl Fn(&[f64]) -> f64) -> Vec<[f64; 3]> {
    let k = problem.len();
    let half = levels / 2;
    let delta = morris::delta(levels);
    let value = |j: usize, l: usize| problem.factors()[j].from_unit(l as f64 / (levels - 1) as f64);
    let mut out = Vec::new();
    for i in 0..k {
        let (mut s, mut sa, mut s2, mut n) = (0.0, 0.0, 0.0, 0.0);
        let combos = levels.pow((k - 1) as u32);
        for base in 0..half {
            for c in 0..combos {
                let mut x = vec![0.0; k];
                let mut rest = c;
                for (j, xj) in x.iter_mut().enumerate() {
                    if j != i {
                        *xj = value(j, rest % levels);
                        rest /= levels;
                    }
                }
                x[i] = value(i, base);
                let lo = f(&x);
                x[i] = value(i, base + half);
                let ee = (f(&x) - lo) / delta;
                s += ee;
                sa += ee.abs();
                s2 += ee * ee;
                n += 1.0;
            }
        }
        let (mu, mu_star) = (s / n, sa / n);
        out.push([mu, mu_star, s2 / n - mu * mu]);
    }
    out
}

/// Morris μ* converges to its exact expectation within the bootstrap interval. The
/// design is plain Monte Carlo, so a 95 % interval misses 1 time in 20 by design; we
/// use 99.9 % intervals (z = 3.29) so that the test checks convergence, not luck.
#[test]
fn morris_within_bootstrap_ci() {
    let p = problem();
    let exact = exact_morris(&p, 4, |x| ishigami(&[x[0], x[1], x[2]]));
    let boot = Bootstrap {
        resamples: 1000,
        conf_level: 0.999,
    };
    for seed in [1, 2] {
        let d = morris::design(&p, 1000, 4, seed).unwrap();
        let s = morris::analyze(&d, &eval(&d.x), &boot).unwrap();
        let z = boot.z();
        for (i, &[mu, mu_star, var]) in exact.iter().enumerate() {
            println!(
                "seed {seed} x{}: mu* {:.4} ± {:.4} (exact {:.4}), mu {:.4} (exact {:.4}), sigma {:.4} (exact {:.4})",
                i + 1,
                s.mu_star[i],
                s.mu_star_conf[i],
                mu_star,
                s.mu[i],
                mu,
                s.sigma[i],
                var.sqrt()
            );
            // (+ rounding: |EE| of x2 is the same in every trajectory, so its interval is 0.)
            assert!((s.mu_star[i] - mu_star).abs() <= s.mu_star_conf[i] + 1e-12 * mu_star);
            // μ: normal-theory interval z σ / √r.
            assert!((s.mu[i] - mu).abs() <= z * s.sigma[i] / (s.trajectories_used as f64).sqrt());
            assert!((s.sigma[i] / var.sqrt() - 1.0).abs() < 0.1);
        }
    }
}

/// The enumeration itself, on a linear model where every effect is the slope.
#[test]
fn exact_morris_of_linear_model() {
    let p = Problem::new(vec![
        spasm::analysis::sensitivity::Factor::uniform("a", 0.0, 2.0),
        spasm::analysis::sensitivity::Factor::uniform("b", 0.0, 1.0),
    ])
    .unwrap();
    let e = exact_morris(&p, 6, |x| 3.0 * x[0] - x[1]);
    assert!((e[0][0] - 6.0).abs() < 1e-12 && (e[0][1] - 6.0).abs() < 1e-12);
    assert!((e[1][0] + 1.0).abs() < 1e-12 && (e[1][1] - 1.0).abs() < 1e-12);
    assert!(e[0][2].abs() < 1e-12);
}
