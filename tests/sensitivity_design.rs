//! Design layout invariants (proptest), determinism, the NaN policy and log-scale
//! factors.

#[allow(dead_code)]
#[path = "support/ishigami.rs"]
mod ishigami;

use ishigami::{ishigami, problem as ishigami_problem};
use proptest::prelude::*;
use spasm::analysis::sensitivity::{morris, sobol, Bootstrap, Factor, GsaError, Points, Problem};

fn eval(x: &Points) -> Vec<f64> {
    x.rows().map(|r| ishigami(&[r[0], r[1], r[2]])).collect()
}

fn factor_strategy() -> impl Strategy<Value = Factor> {
    (any::<bool>(), -1e3..1e3f64, 1e-3..1e3f64).prop_map(|(log, a, w)| {
        if log {
            let lo = a.abs() + 1e-3;
            Factor::log_uniform("", lo, lo + w)
        } else {
            Factor::uniform("", a, a + w)
        }
    })
}

fn problem_strategy(max_k: usize) -> impl Strategy<Value = Problem> {
    prop::collection::vec(factor_strategy(), 1..=max_k).prop_map(|fs| {
        let fs = fs
            .into_iter()
            .enumerate()
            .map(|(i, f)| Factor {
                name: format!("f{i}"),
                ..f
            })
            .collect();
        Problem::new(fs).unwrap()
    })
}

/// Every value is in its factor's range and is the mapped unit value.
fn check_mapping(problem: &Problem, unit: &Points, x: &Points) {
    assert_eq!(unit.nrows(), x.nrows());
    for (u, xr) in unit.rows().zip(x.rows()) {
        for ((f, &ui), &xi) in problem.factors().iter().zip(u).zip(xr) {
            assert!((0.0..=1.0).contains(&ui));
            assert!(xi >= f.lo && xi <= f.hi, "{xi} not in [{}, {}]", f.lo, f.hi);
            assert_eq!(xi, f.from_unit(ui));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Saltelli layout: for each base row, `A, AB_1, …, AB_k, B`, where `AB_i` is `A`
    /// with column `i` from `B`; unit values in [0, 1).
    #[test]
    fn sobol_layout(problem in problem_strategy(6), n in 2usize..40, seed in any::<u64>()) {
        let d = sobol::design(&problem, n, seed).unwrap();
        let k = problem.len();
        prop_assert_eq!(d.nrows(), n * (k + 2));
        prop_assert_eq!(d.unit.nrows(), n * (k + 2));
        prop_assert_eq!(d.unit.ncols(), k);
        for j in 0..n {
            let a = d.unit.row(j * (k + 2));
            let b = d.unit.row(j * (k + 2) + k + 1);
            for i in 0..k {
                let ab = d.unit.row(j * (k + 2) + 1 + i);
                for c in 0..k {
                    prop_assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                }
            }
            prop_assert!(a.iter().chain(b).all(|&u| (0.0..1.0).contains(&u)));
        }
        check_mapping(&problem, &d.unit, &d.x);
    }

    /// Morris layout: `r` blocks of `k + 1` rows on the grid `l / (p − 1)`; each step
    /// moves exactly one factor, each factor once per trajectory, by exactly ±Δ, and
    /// the lower point of every move lies in the lower half of the grid.
    #[test]
    fn morris_layout(
        problem in problem_strategy(6),
        r in 2usize..12,
        half in 1usize..5,
        seed in any::<u64>(),
    ) {
        let p = 2 * half;
        let d = morris::design(&problem, r, p, seed).unwrap();
        let k = problem.len();
        let delta = morris::delta(p);
        prop_assert_eq!(d.nrows(), r * (k + 1));
        prop_assert_eq!(d.unit.nrows(), r * (k + 1));
        for u in d.unit.as_slice() {
            let l = u * (p - 1) as f64;
            prop_assert!((l - l.round()).abs() < 1e-9 && l.round() >= 0.0 && l.round() <= (p - 1) as f64);
        }
        for t in 0..r {
            let mut moved = vec![false; k];
            for s in 0..k {
                let a = d.unit.row(t * (k + 1) + s);
                let b = d.unit.row(t * (k + 1) + s + 1);
                let changed: Vec<usize> = (0..k).filter(|&i| a[i] != b[i]).collect();
                prop_assert_eq!(changed.len(), 1);
                let i = changed[0];
                prop_assert!(!moved[i]);
                moved[i] = true;
                prop_assert!(((b[i] - a[i]).abs() - delta).abs() < 1e-12);
                prop_assert!(a[i].min(b[i]) < 0.5);
            }
        }
        check_mapping(&problem, &d.unit, &d.x);
    }

    /// NaN policy, Sobol': the indices with failed groups are exactly those of the
    /// design without those groups (same seed, so the bootstrap is the same too).
    #[test]
    fn sobol_nan_equals_reduced_design(
        fail in prop::collection::btree_set(0usize..64 * 5, 1..20),
        seed in 0u64..1000,
    ) {
        let problem = ishigami_problem();
        let d = sobol::design(&problem, 64, seed).unwrap();
        let mut y = eval(&d.x);
        for &i in &fail {
            y[i] = if i % 2 == 0 { f64::NAN } else { f64::INFINITY };
        }
        let bad: std::collections::BTreeSet<usize> = fail.iter().map(|i| i / 5).collect();
        let boot = Bootstrap { resamples: 50, conf_level: 0.95 };
        let s = sobol::analyze(&d, &y, &boot).unwrap();
        prop_assert_eq!(s.base_rows_dropped, bad.len());
        prop_assert_eq!(s.base_rows_used, 64 - bad.len());

        let keep = |m: &Points| {
            let data: Vec<f64> = m.rows().enumerate()
                .filter(|(i, _)| !bad.contains(&(i / 5)))
                .flat_map(|(_, r)| r.to_vec()).collect();
            Points::from_row_major(3, data).unwrap()
        };
        let reduced = sobol::SobolDesign {
            base_samples: 64 - bad.len(),
            unit: keep(&d.unit),
            x: keep(&d.x),
            ..d.clone()
        };
        let yr: Vec<f64> = y.iter().enumerate().filter(|(i, _)| !bad.contains(&(i / 5))).map(|(_, &v)| v).collect();
        let sr = sobol::analyze(&reduced, &yr, &boot).unwrap();
        prop_assert_eq!(&s.s1, &sr.s1);
        prop_assert_eq!(&s.st, &sr.st);
        prop_assert_eq!(&s.s1_conf, &sr.s1_conf);
        prop_assert_eq!(&s.st_conf, &sr.st_conf);
    }

    /// NaN policy, Morris: likewise with failed trajectories.
    #[test]
    fn morris_nan_equals_reduced_design(
        fail in prop::collection::btree_set(0usize..20 * 4, 1..10),
        seed in 0u64..1000,
    ) {
        let problem = ishigami_problem();
        let d = morris::design(&problem, 20, 4, seed).unwrap();
        let mut y = eval(&d.x);
        for &i in &fail {
            y[i] = f64::NAN;
        }
        let bad: std::collections::BTreeSet<usize> = fail.iter().map(|i| i / 4).collect();
        let boot = Bootstrap { resamples: 50, conf_level: 0.95 };
        let s = morris::analyze(&d, &y, &boot).unwrap();
        prop_assert_eq!(s.trajectories_dropped, bad.len());

        let keep = |m: &Points| {
            let data: Vec<f64> = m.rows().enumerate()
                .filter(|(i, _)| !bad.contains(&(i / 4)))
                .flat_map(|(_, r)| r.to_vec()).collect();
            Points::from_row_major(3, data).unwrap()
        };
        let reduced = morris::MorrisDesign {
            trajectories: 20 - bad.len(),
            unit: keep(&d.unit),
            x: keep(&d.x),
            ..d.clone()
        };
        let yr: Vec<f64> = y.iter().enumerate().filter(|(i, _)| !bad.contains(&(i / 4))).map(|(_, &v)| v).collect();
        let sr = morris::analyze(&reduced, &yr, &boot).unwrap();
        prop_assert_eq!(sr.trajectories_dropped, 0);
        prop_assert_eq!(s, morris::MorrisIndices { trajectories_dropped: bad.len(), ..sr });
    }
}

#[test]
fn determinism() {
    let p = ishigami_problem();
    let boot = Bootstrap::default();
    let (s1, s2) = (
        sobol::design(&p, 256, 9).unwrap(),
        sobol::design(&p, 256, 9).unwrap(),
    );
    assert!(s1 == s2);
    let (a, b) = (
        sobol::analyze(&s1, &eval(&s1.x), &boot).unwrap(),
        sobol::analyze(&s2, &eval(&s2.x), &boot).unwrap(),
    );
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let other = sobol::design(&p, 256, 10).unwrap();
    assert_ne!(other.unit, s1.unit);

    let (m1, m2) = (
        morris::design(&p, 30, 4, 9).unwrap(),
        morris::design(&p, 30, 4, 9).unwrap(),
    );
    assert!(m1 == m2);
    assert_eq!(
        morris::analyze(&m1, &eval(&m1.x), &boot).unwrap(),
        morris::analyze(&m2, &eval(&m2.x), &boot).unwrap()
    );
    assert_ne!(morris::design(&p, 30, 4, 10).unwrap().unit, m1.unit);

    // Trajectory t depends only on (seed, t): more trajectories extend the design.
    let longer = morris::design(&p, 40, 4, 9).unwrap();
    assert_eq!(
        &longer.unit.as_slice()[..m1.unit.as_slice().len()],
        m1.unit.as_slice()
    );

    // A design survives a JSON round trip and analyses identically.
    let back: sobol::SobolDesign =
        serde_json::from_str(&serde_json::to_string(&s1).unwrap()).unwrap();
    assert!(back == s1, "JSON round trip changed the design");
}

#[test]
fn failure_policy_errors_not_panics() {
    let p = ishigami_problem();
    let boot = Bootstrap::default();
    let d = sobol::design(&p, 8, 0).unwrap();
    let all_nan = vec![f64::NAN; d.nrows()];
    assert_eq!(
        sobol::analyze(&d, &all_nan, &boot),
        Err(GsaError::TooFewValid {
            valid: 0,
            needed: 2,
            unit: "base rows"
        })
    );
    assert!(matches!(
        sobol::analyze(&d, &all_nan[1..], &boot),
        Err(GsaError::OutputLength { .. })
    ));
    let m = morris::design(&p, 3, 4, 0).unwrap();
    let mut y = eval(&m.x);
    y[0] = f64::NAN;
    y[5] = f64::NAN;
    assert!(matches!(
        morris::analyze(&m, &y, &boot),
        Err(GsaError::TooFewValid { valid: 1, .. })
    ));
    let bad_boot = Bootstrap {
        resamples: 0,
        conf_level: 0.95,
    };
    assert!(matches!(
        morris::analyze(&m, &eval(&m.x), &bad_boot),
        Err(GsaError::InvalidOption(_))
    ));
}

/// Log-scale factors: the design is log-uniform, and the indices are those of the
/// model in log space.
#[test]
fn log_scale_factors() {
    // y = ln x1 + ln x2, x1 log-uniform on [1, e], x2 on [1, e²]: ln x1 ~ U(0, 1),
    // ln x2 ~ U(0, 2), so S1 = ST = (1/5, 4/5); x3 inert.
    let e = std::f64::consts::E;
    let p = Problem::new(vec![
        Factor::log_uniform("x1", 1.0, e),
        Factor::log_uniform("x2", 1.0, e * e),
        Factor::log_uniform("x3", 1e-6, 1e6),
    ])
    .unwrap();
    let d = sobol::design(&p, 4096, 5).unwrap();
    // Half the points of x3 are below the geometric mean 1, and the mean of ln x3 is 0.
    let x3: Vec<f64> = d.x.rows().map(|r| r[2]).collect();
    let below = x3.iter().filter(|&&v| v < 1.0).count() as f64 / x3.len() as f64;
    assert!((below - 0.5).abs() < 0.01, "{below}");
    let mean_ln = x3.iter().map(|v| v.ln()).sum::<f64>() / x3.len() as f64;
    assert!(mean_ln.abs() < 0.05, "{mean_ln}");

    let y: Vec<f64> = d.x.rows().map(|r| r[0].ln() + r[1].ln()).collect();
    let s = sobol::analyze(&d, &y, &Bootstrap::default()).unwrap();
    for (i, want) in [0.2, 0.8, 0.0].into_iter().enumerate() {
        assert!((s.s1[i] - want).abs() <= s.s1_conf[i].max(1e-9), "S1 {i}");
        assert!((s.st[i] - want).abs() <= s.st_conf[i].max(1e-9), "ST {i}");
    }

    // Morris: the elementary effect of ln x over a log-uniform factor is exactly the
    // log-range, whatever the level.
    let m = morris::design(&p, 10, 4, 5).unwrap();
    let y: Vec<f64> = m.x.rows().map(|r| r[2].ln()).collect();
    let s = morris::analyze(&m, &y, &Bootstrap::default()).unwrap();
    let range = (1e12f64).ln();
    assert!((s.mu_star[2] - range).abs() < 1e-9 * range);
    assert!(s.sigma[2] < 1e-9 && s.mu_star[0] == 0.0);
}
