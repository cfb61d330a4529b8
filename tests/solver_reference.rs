//! The solvers against problems with known answers: one harness runs every integrator
//! on every reference problem of `spasm::solver::problems`
//! (`every_integrator_on_every_reference_problem`); the tests after it check what only
//! one method promises (convergence order in the tolerance, step counts, limits,
//! safeguards, the contract at the ends of an interval). Length: ≈ 630 lines, one
//! harness and the method-specific tests that use its problems.

/// Everything lives in `solver` so that `cargo test solver` selects these tests.
mod solver {
    use nalgebra::{SMatrix, SVector};
    use spasm::solver::explicit::Dopri5;
    use spasm::solver::problems::{
        self, Consumption, Decay, Problem, Robertson, VanDerPol, ROBERTSON_1E5, ROBERTSON_40,
        VDP_1000,
    };
    use spasm::solver::rodas::Rodas4;
    use spasm::solver::{Integrator, OdeSystem, SolverError, Stats, StepLimits, Tolerances};

    // ---------------------------------------------------------------------------------
    // The harness
    // ---------------------------------------------------------------------------------

    /// Run `solver` on `p`, observing the answer's check times, and return what is
    /// wrong (nothing when it passes): every sample delivered once, in order, at
    /// exactly its time; the sample at the end equal to the returned state; the error
    /// within the problem's accuracy; non-negative components non-negative; counters
    /// counted. A method not meant for stiff problems may decline a stiff one.
    fn check<const N: usize, S: OdeSystem<N>, I: Integrator<N>>(
        p: &Problem<N, S>,
        method: &str,
        mut solver: I,
    ) -> Vec<String> {
        let at = |what: String| format!("{method} on {}: {what}", p.name);
        let samples = p.check_times();
        let (result, seen) = run(&mut solver, &p.system, p.y0, p.t_end, &samples);
        let y = match result {
            Ok(y) => y,
            Err(SolverError::Stiff { .. } | SolverError::TooManySteps { .. })
                if p.stiff && !I::STIFF =>
            {
                return Vec::new();
            }
            Err(e) => return vec![at(format!("failed: {e}"))],
        };
        let mut wrong = Vec::new();
        let times: Vec<f64> = seen.iter().map(|(t, _)| *t).collect();
        if times != samples {
            wrong.push(at(format!("samples at {times:?}, asked for {samples:?}")));
        }
        if seen.last().map(|(_, v)| *v) != Some(y) {
            wrong.push(at("the sample at the end is not the returned state".into()));
        }
        let nonnegative = p.system.nonnegative();
        for (t, v) in &seen {
            let v: [f64; N] = (*v).into();
            if let Some(e) = p.error(*t, &v) {
                if e.is_nan() || e > p.accuracy {
                    wrong.push(at(format!(
                        "error {e:.2e} at t = {t} (allowed {:.0e})",
                        p.accuracy
                    )));
                }
            }
            if (0..N).any(|i| nonnegative[i] && v[i] < 0.0) {
                wrong.push(at(format!("negative component at t = {t}: {v:?}")));
            }
        }
        let stats = solver.stats();
        if stats.accepted_steps == 0 || stats.rhs_evals <= stats.accepted_steps {
            wrong.push(at(format!("counters not counted: {stats:?}")));
        }
        eprintln!("{method} on {}: {stats:?}", p.name);
        wrong
    }

    /// Every integrator, at the problem's tolerances, on `p`. Adding an integrator to
    /// the crate means adding one line here.
    fn on_every_integrator<const N: usize, S: OdeSystem<N>>(p: &Problem<N, S>) -> Vec<String> {
        let tol = &p.tolerances;
        let limits = StepLimits::default();
        let mut wrong = check(p, "Rodas4", Rodas4::new(tol.clone(), limits));
        wrong.extend(check(
            p,
            "Dopri5",
            Dopri5::new(tol.rtol, tol.atol.min(), limits),
        ));
        wrong
    }

    #[test]
    fn every_integrator_on_every_reference_problem() {
        let mut wrong = Vec::new();
        wrong.extend(on_every_integrator(&problems::decay()));
        wrong.extend(on_every_integrator(&problems::forced()));
        wrong.extend(on_every_integrator(&problems::oscillator()));
        wrong.extend(on_every_integrator(&problems::consumption()));
        wrong.extend(on_every_integrator(&problems::robertson()));
        wrong.extend(on_every_integrator(&problems::van_der_pol()));
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    // ---------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------

    /// Integrate and collect every observed sample.
    #[allow(clippy::type_complexity)]
    fn run<const N: usize, I: Integrator<N>, S: OdeSystem<N>>(
        solver: &mut I,
        sys: &S,
        y0: [f64; N],
        t1: f64,
        samples: &[f64],
    ) -> (
        Result<SVector<f64, N>, SolverError>,
        Vec<(f64, SVector<f64, N>)>,
    ) {
        let mut seen = Vec::new();
        let r = solver.integrate(sys, 0.0, &SVector::from(y0), t1, samples, &mut |t, y| {
            seen.push((t, *y));
        });
        (r, seen)
    }

    fn rodas<const N: usize>(rtol: f64, atol: f64) -> Rodas4<N> {
        Rodas4::new(Tolerances::uniform(rtol, atol), StepLimits::default())
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    // ---------------------------------------------------------------------------------
    // (a) Exponential decay
    // ---------------------------------------------------------------------------------

    /// Step counts on 200 decay samples: the harness checked the values.
    fn decay_stats<I: Integrator<1>>(solver: &mut I) -> Stats {
        let p = problems::decay();
        let samples: Vec<f64> = (1..=200).map(|i| f64::from(i) * 0.025).collect();
        run(solver, &p.system, p.y0, p.t_end, &samples).0.unwrap();
        solver.stats()
    }

    #[test]
    fn rodas_samples_come_from_dense_output() {
        let stats = decay_stats(&mut rodas::<1>(1e-6, 1e-9));
        // Samples fall between steps, so they came from the dense output.
        assert!(
            stats.accepted_steps < 100,
            "{} steps for 200 samples",
            stats.accepted_steps
        );
    }

    #[test]
    fn dopri5_integrates_to_every_sample_without_jacobians() {
        let stats = decay_stats(&mut Dopri5::new(1e-8, 1e-10, StepLimits::default()));
        assert!(stats.accepted_steps >= 200, "one piece per sample");
        assert_eq!((stats.jacobian_evals, stats.lu_decompositions), (0, 0));
    }

    #[test]
    fn rodas_error_shrinks_with_tolerance() {
        // Global error at t = 5 and the worst dense-output error over 200 samples.
        let errors: Vec<(f64, f64)> = [1e-4, 1e-6, 1e-8, 1e-10]
            .iter()
            .map(|&tol| {
                let mut solver = rodas::<1>(tol, tol);
                let sys = Decay {
                    k: 2.0,
                    nonnegative: false,
                };
                let samples: Vec<f64> = (1..=200).map(|i| f64::from(i) * 0.025).collect();
                let (y, seen) = run(&mut solver, &sys, [1.0], 5.0, &samples);
                let end = (y.unwrap()[0] - (-10.0f64).exp()).abs();
                let dense = seen
                    .iter()
                    .map(|(t, v)| (v[0] - (-2.0 * t).exp()).abs())
                    .fold(0.0, f64::max);
                assert!(
                    end < 10.0 * tol && dense < 10.0 * tol,
                    "tol {tol}: {end:e} {dense:e}"
                );
                (end, dense)
            })
            .collect();
        for w in errors.windows(2) {
            // 100x tighter tolerance: at least 10x smaller error.
            assert!(w[1].0 < w[0].0 / 10.0, "{errors:?}");
            assert!(w[1].1 < w[0].1 / 10.0, "{errors:?}");
        }
    }

    // ---------------------------------------------------------------------------------
    // (b) Robertson
    // ---------------------------------------------------------------------------------

    #[test]
    fn rodas_robertson_at_40_matches_published_values() {
        let mut solver = Rodas4::new(
            Tolerances {
                rtol: 1e-10,
                atol: SVector::from([1e-14, 1e-18, 1e-14]),
            },
            StepLimits::default(),
        );
        let (y, _) = run(&mut solver, &Robertson, [1.0, 0.0, 0.0], 40.0, &[]);
        let y = y.unwrap();
        let errors: Vec<f64> = (0..3).map(|i| rel(y[i], ROBERTSON_40[i])).collect();
        eprintln!(
            "Robertson(40) tight: rel errors {errors:?}, {:?}",
            solver.stats()
        );
        for i in 0..3 {
            assert!(
                rel(y[i], ROBERTSON_40[i]) < 1e-8,
                "y{}: {:e} vs {:e}",
                i + 1,
                y[i],
                ROBERTSON_40[i]
            );
        }
        // Rosenbrock increments conserve linear invariants exactly; only round-off
        // (a few ulps per step) accumulates.
        let steps = solver.stats().accepted_steps as f64;
        assert!(
            (y.sum() - 1.0).abs() < 4.0 * f64::EPSILON * steps,
            "mass error {:e} after {steps} steps",
            y.sum() - 1.0
        );

        // Moderate tolerances still give 5-6 digits.
        let mut solver = Rodas4::new(
            Tolerances {
                rtol: 1e-6,
                atol: SVector::from([1e-10, 1e-14, 1e-10]),
            },
            StepLimits::default(),
        );
        let (y, _) = run(&mut solver, &Robertson, [1.0, 0.0, 0.0], 40.0, &[]);
        let y = y.unwrap();
        let errors: Vec<f64> = (0..3).map(|i| rel(y[i], ROBERTSON_40[i])).collect();
        eprintln!(
            "Robertson(40) 1e-6: rel errors {errors:?}, {:?}",
            solver.stats()
        );
        for i in 0..3 {
            assert!(rel(y[i], ROBERTSON_40[i]) < 1e-6, "y{}: {:e}", i + 1, y[i]);
        }
    }

    #[test]
    fn rodas_robertson_to_1e5_few_steps_conserves_mass_stays_nonnegative() {
        let tol = Tolerances {
            rtol: 1e-6,
            atol: SVector::from([1e-10, 1e-14, 1e-10]),
        };
        let mut solver = Rodas4::new(tol, StepLimits::default());
        // Log-spaced samples from 1e-4 to 1e5, including t = 40.
        let mut samples: Vec<f64> = (-8..=10).map(|i| 10f64.powf(f64::from(i) / 2.0)).collect();
        samples.push(40.0);
        samples.sort_by(f64::total_cmp);
        let (y, seen) = run(&mut solver, &Robertson, [1.0, 0.0, 0.0], 1e5, &samples);
        let y = y.unwrap();
        let stats = solver.stats();
        let errors: Vec<f64> = (0..3).map(|i| rel(y[i], ROBERTSON_1E5[i])).collect();
        eprintln!("Robertson to 1e5: {stats:?}, rel errors {errors:?}");
        assert!(
            stats.accepted_steps + stats.rejected_steps < 300,
            "{stats:?}"
        );
        for i in 0..3 {
            assert!(
                rel(y[i], ROBERTSON_1E5[i]) < 1e-6,
                "y{}: {:e} vs {:e}",
                i + 1,
                y[i],
                ROBERTSON_1E5[i]
            );
        }
        // The dense output sample at t = 40 is accurate too.
        let (_, y40) = seen.iter().find(|(t, _)| *t == 40.0).unwrap();
        let e40: Vec<f64> = (0..3).map(|i| rel(y40[i], ROBERTSON_40[i])).collect();
        eprintln!("dense y(40) rel errors {e40:?}");
        for i in 0..3 {
            assert!(
                rel(y40[i], ROBERTSON_40[i]) < 1e-5,
                "y{}(40) = {:e}",
                i + 1,
                y40[i]
            );
        }
        for (t, v) in seen.iter().chain([(1e5, y)].iter()) {
            assert!(
                (v.sum() - 1.0).abs() < 1e-12,
                "mass at {t}: {:e}",
                v.sum() - 1.0
            );
            assert!(v.iter().all(|&c| c >= 0.0), "negative at {t}: {v:?}");
        }
    }

    #[test]
    fn rodas_robertson_1e5_reference_agrees_with_tight_run() {
        let mut solver = Rodas4::new(
            Tolerances {
                rtol: 1e-11,
                atol: SVector::from([1e-16, 1e-20, 1e-16]),
            },
            StepLimits::default(),
        );
        let (y, _) = run(&mut solver, &Robertson, [1.0, 0.0, 0.0], 1e5, &[]);
        let y = y.unwrap();
        eprintln!("tight Robertson 1e5: {:?} {:?}", y, solver.stats());
        for i in 0..3 {
            assert!(
                rel(y[i], ROBERTSON_1E5[i]) < 1e-9,
                "y{}: {:e} vs {:e}",
                i + 1,
                y[i],
                ROBERTSON_1E5[i]
            );
        }
    }

    // ---------------------------------------------------------------------------------
    // (c) Van der Pol, mu = 1000
    // ---------------------------------------------------------------------------------

    #[test]
    fn rodas_van_der_pol_matches_hairer_reference() {
        let sys = VanDerPol { mu: 1000.0 };
        let mut solver = rodas::<2>(1e-10, 1e-10);
        let samples = [VDP_1000[0].0, VDP_1000[1].0];
        let (y, seen) = run(&mut solver, &sys, [2.0, 0.0], 3000.0, &samples);
        let y = y.unwrap();
        eprintln!("VdP tight: {:?} {:?}", y, solver.stats());
        let got = [seen[0].1, seen[1].1, y];
        for ((t, [r1, r2]), v) in VDP_1000.iter().zip(&got) {
            eprintln!("  t={t}: dy1 = {:e}, dy2 = {:e}", v[0] - r1, v[1] - r2);
            assert!(rel(v[0], *r1) < 1e-8, "y1({t}) = {} vs {r1}", v[0]);
            assert!(rel(v[1], *r2) < 1e-7, "y2({t}) = {} vs {r2}", v[1]);
        }

        // Default-ish engineering tolerances: still 3-4 digits, in a few thousand steps.
        let mut solver = rodas::<2>(1e-6, 1e-6);
        let (y, _) = run(&mut solver, &sys, [2.0, 0.0], 3000.0, &[]);
        let y = y.unwrap();
        let stats = solver.stats();
        eprintln!("VdP 1e-6: {y:?} {stats:?}");
        assert!(rel(y[0], VDP_1000[2].1[0]) < 1e-4, "y1(3000) = {}", y[0]);
        assert!(stats.accepted_steps < 3000, "{stats:?}");
    }

    #[test]
    fn rodas_van_der_pol_limit_cycle_period() {
        // Relaxation-oscillation period (3 - 2 ln 2) mu + 3 a mu^{-1/3} + ..., with
        // a = 2.338 the first zero of -Ai (classical asymptotics of the Van der Pol
        // limit cycle): 1613.7 + 0.70 = 1614.4 for mu = 1000.
        let mu = 1000.0;
        let sys = VanDerPol { mu };
        let mut solver = rodas::<2>(1e-8, 1e-8);
        let samples: Vec<f64> = (1..=300_000).map(|i| f64::from(i) * 0.01).collect();
        let mut downward = Vec::new();
        let mut prev: Option<(f64, f64)> = None;
        solver
            .integrate(
                &sys,
                0.0,
                &SVector::from([2.0, 0.0]),
                3000.0,
                &samples,
                &mut |t, y| {
                    if let Some((tp, yp)) = prev {
                        if yp > 0.0 && y[0] <= 0.0 {
                            downward.push(tp + (t - tp) * yp / (yp - y[0]));
                        }
                    }
                    prev = Some((t, y[0]));
                },
            )
            .unwrap();
        assert_eq!(downward.len(), 2, "{downward:?}");
        let period = downward[1] - downward[0];
        let asymptotic = (3.0 - 2.0 * 2f64.ln()) * mu;
        eprintln!("VdP period {period} (asymptotic {asymptotic}), crossings {downward:?}");
        assert!(
            period > asymptotic && period < asymptotic + 2.0,
            "period {period} vs {asymptotic}"
        );
    }

    #[test]
    fn dopri5_gives_up_on_stiff_van_der_pol() {
        let sys = VanDerPol { mu: 1000.0 };
        let mut rodas = rodas::<2>(1e-6, 1e-6);
        run(&mut rodas, &sys, [2.0, 0.0], 3000.0, &[]).0.unwrap();
        let mut dopri = Dopri5::new(1e-6, 1e-6, StepLimits::default());
        let (r, _) = run(&mut dopri, &sys, [2.0, 0.0], 3000.0, &[]);
        eprintln!("Dopri5 on VdP: {r:?} after {:?}", dopri.stats());
        match r {
            Err(SolverError::Stiff { t }) => assert!(t > 0.0 && t < 3000.0),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => assert!(
                dopri.stats().rhs_evals > 50 * rodas.stats().rhs_evals,
                "{:?} vs {:?}",
                dopri.stats(),
                rodas.stats()
            ),
        }
        // With the stiffness test switched (almost) off, 100 times Rodas' step count does
        // not get it to the end.
        let budget = 100 * (rodas.stats().accepted_steps + rodas.stats().rejected_steps);
        let mut dopri = Dopri5::new(
            1e-6,
            1e-6,
            StepLimits {
                max_steps: budget,
                ..StepLimits::default()
            },
        )
        .with_stiffness_check_interval(u32::MAX);
        let (r, _) = run(&mut dopri, &sys, [2.0, 0.0], 3000.0, &[]);
        eprintln!("Dopri5 without stiffness test: {r:?} {:?}", dopri.stats());
        match r {
            Err(SolverError::TooManySteps { t, steps }) => {
                assert_eq!(steps, budget);
                assert!(t < 3000.0);
            }
            other => panic!("expected TooManySteps, got {other:?}"),
        }
    }

    // ---------------------------------------------------------------------------------
    // (d) Contract: exact stop, ordered samples, stats, non-negativity, NaN
    // ---------------------------------------------------------------------------------

    fn check_exact_stop<I: Integrator<1>>(solver: &mut I) {
        let sys = Decay {
            k: 1.0,
            nonnegative: false,
        };
        // Awkward end time and samples (a repeated one, and one exactly at t1).
        let t1 = 0.1 + 0.2; // 0.30000000000000004
        let samples = [0.01, 0.1, 0.1, 0.2, 0.25, t1];
        let (y, seen) = run(solver, &sys, [1.0], t1, &samples);
        let y = y.unwrap();
        let times: Vec<f64> = seen.iter().map(|(t, _)| *t).collect();
        assert_eq!(times, samples);
        // The sample at t1 is the exact end state.
        assert_eq!(seen.last().unwrap().1, y);
        assert!((y[0] - (-t1).exp()).abs() < 1e-10);
        for (t, v) in &seen {
            assert!((v[0] - (-t).exp()).abs() < 1e-9, "y({t}) = {}", v[0]);
        }
        let stats = solver.stats();
        assert!(stats.accepted_steps > 0 && stats.rhs_evals > stats.accepted_steps);
    }

    #[test]
    fn both_stop_exactly_at_t1_and_deliver_samples_in_order() {
        check_exact_stop(&mut rodas::<1>(1e-9, 1e-12));
        check_exact_stop(&mut Dopri5::new(1e-9, 1e-12, StepLimits::default()));
    }

    #[test]
    fn rodas_never_steps_past_t1_and_counts_everything() {
        // A right-hand side that refuses to be evaluated beyond t1 catches overshoot.
        struct Fence;
        impl OdeSystem<1> for Fence {
            fn rhs(&self, t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
                assert!(t <= 1.0, "evaluated at t = {t} > t1");
                SVector::from([-y[0] + 1.0])
            }
            fn jacobian(&self, t: f64, _y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
                assert!(t <= 1.0, "Jacobian at t = {t} > t1");
                SMatrix::from([[-1.0]])
            }
        }
        let mut solver = Rodas4::new(
            Tolerances::uniform(1e-6, 1e-9),
            StepLimits {
                initial: Some(0.3),
                ..StepLimits::default()
            },
        );
        let (y, _) = run(&mut solver, &Fence, [0.0], 1.0, &[]);
        let y = y.unwrap();
        assert!((y[0] - (1.0 - (-1.0f64).exp())).abs() < 1e-6);
        let s = solver.stats();
        let attempts = s.accepted_steps + s.rejected_steps;
        // Per attempt: 5 stage evaluations and one LU; per accepted point: f and J
        // (the start, then every accepted point but the last); at t1: f, kept to tell
        // whether the next call continues from there.
        assert_eq!(s.lu_decompositions, attempts);
        assert_eq!(s.rhs_evals, 5 * attempts + s.accepted_steps + 1);
        assert_eq!(s.jacobian_evals, s.accepted_steps);
        // Stats accumulate over calls.
        let (_, _) = run(&mut solver, &Fence, [0.0], 1.0, &[]);
        assert!(solver.stats().accepted_steps > s.accepted_steps);
    }

    #[test]
    fn rodas_respects_max_step_and_max_steps() {
        let sys = Decay {
            k: 1.0,
            nonnegative: false,
        };
        let mut solver = Rodas4::new(
            Tolerances::uniform(1e-3, 1e-3),
            StepLimits {
                max: 0.01,
                ..StepLimits::default()
            },
        );
        run(&mut solver, &sys, [1.0], 1.0, &[]).0.unwrap();
        assert!(solver.stats().accepted_steps >= 100, "{:?}", solver.stats());

        let mut solver = Rodas4::new(
            Tolerances::uniform(1e-3, 1e-3),
            StepLimits {
                max: 0.01,
                max_steps: 50,
                ..StepLimits::default()
            },
        );
        match run(&mut solver, &sys, [1.0], 1.0, &[]).0 {
            Err(SolverError::TooManySteps { t, steps }) => {
                assert_eq!(steps, 50);
                assert!(t > 0.4 && t < 0.6, "t = {t}");
            }
            other => panic!("expected TooManySteps, got {other:?}"),
        }
    }

    #[test]
    fn rodas_keeps_nonnegative_components_nonnegative() {
        // A very fast decay to zero with loose tolerances: the interpolant and large
        // steps would overshoot below zero without the safeguards.
        let samples: Vec<f64> = (1..=1000).map(|i| f64::from(i) * 0.01).collect();
        for k in [1e2, 1e4, 1e8] {
            let sys = Decay {
                k,
                nonnegative: true,
            };
            let mut solver = rodas::<1>(1e-2, 1e-3);
            let (y, seen) = run(&mut solver, &sys, [1.0], 10.0, &samples);
            let y = y.unwrap();
            assert!(y[0] >= 0.0 && y[0] < 1e-3, "k = {k}: {}", y[0]);
            for (t, v) in &seen {
                assert!(v[0] >= 0.0, "k = {k}: y({t}) = {}", v[0]);
            }
        }
        // The same problem without the flag does go negative somewhere (so the test
        // above exercises the safeguard).
        let sys = Decay {
            k: 1e2,
            nonnegative: false,
        };
        let mut solver = rodas::<1>(1e-2, 1e-3);
        let (_, seen) = run(&mut solver, &sys, [1.0], 10.0, &samples);
        assert!(seen.iter().any(|(_, v)| v[0] < 0.0));
    }

    #[test]
    fn rodas_rejects_steps_that_go_too_negative() {
        let samples: Vec<f64> = (1..=300).map(|i| f64::from(i) * 0.01).collect();
        let solve = |nonnegative: bool| {
            let mut solver = rodas::<1>(1e-2, 1e-8);
            let sys = Consumption {
                km: 1e-3,
                nonnegative,
            };
            let (y, seen) = run(&mut solver, &sys, [1.0], 3.0, &samples);
            (y.unwrap()[0], seen, solver.stats())
        };
        // Unguarded, the loose-tolerance run ends near y = -2: the failure mode.
        let (y_free, _, _) = solve(false);
        assert!(y_free < -1.0, "{y_free}");
        // Guarded: rejections happen, and every state and sample stays >= 0. The
        // true y(3) is about 1e-3 exp(-2000), i.e. zero.
        let (y, seen, stats) = solve(true);
        assert!(stats.rejected_steps > 0, "{stats:?}");
        assert!((0.0..1e-8).contains(&y), "y(3) = {y}");
        assert!(seen.iter().all(|(_, v)| v[0] >= 0.0));
        // Before the substrate runs out (t < 0.99) the solution is y ~ 1 - t.
        for (t, v) in seen.iter().filter(|(t, _)| *t < 0.9) {
            let exact_ish = 1.0 - t; // error O(Km |ln y|) < 1e-2
            assert!((v[0] - exact_ish).abs() < 1e-2, "y({t}) = {}", v[0]);
        }
    }

    #[test]
    fn nan_is_reported_as_breakdown() {
        struct Poison;
        impl OdeSystem<1> for Poison {
            fn rhs(&self, t: f64, y: &SVector<f64, 1>) -> SVector<f64, 1> {
                SVector::from([if t >= 0.5 { f64::NAN } else { -y[0] }])
            }
            fn jacobian(&self, _t: f64, _y: &SVector<f64, 1>) -> SMatrix<f64, 1, 1> {
                SMatrix::from([[-1.0]])
            }
        }
        let mut r = rodas::<1>(1e-6, 1e-9);
        match run(&mut r, &Poison, [1.0], 1.0, &[]).0 {
            Err(SolverError::Breakdown { t, .. }) => assert!(t < 0.5 && t > 0.4, "t = {t}"),
            other => panic!("expected Breakdown, got {other:?}"),
        }
        let mut d = Dopri5::new(1e-6, 1e-9, StepLimits::default());
        assert!(matches!(
            run(&mut d, &Poison, [1.0], 1.0, &[]).0,
            Err(SolverError::Breakdown { .. })
        ));
        // A non-finite initial state is rejected up front.
        let mut r = rodas::<1>(1e-6, 1e-9);
        assert!(matches!(
            run(&mut r, &Poison, [f64::NAN], 1.0, &[]).0,
            Err(SolverError::Breakdown { t, .. }) if t == 0.0
        ));
    }

    #[test]
    fn zero_length_interval_returns_the_initial_state() {
        let sys = Decay {
            k: 1.0,
            nonnegative: false,
        };
        let mut r = rodas::<1>(1e-6, 1e-9);
        let y = r
            .integrate(&sys, 2.0, &SVector::from([0.7]), 2.0, &[], &mut |_, _| {
                panic!("no samples")
            })
            .unwrap();
        assert_eq!(y[0], 0.7);
    }
}
