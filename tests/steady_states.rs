//! Steady states, continuation, escape dose and relapse margin of the model (issue 12):
//! every root is a root, the folds agree with the brute-force bistability scan, the
//! stability pattern changes at them, the escape factor is the edge between failing
//! and breaking the cycle, and the relapse margin is the edge between relaxing and
//! tipping back.

use nalgebra::DVector;
use spasm::analysis::bifurcation::{diagram, Axis, RegionKind};
use spasm::analysis::bistability::{scan, BISTABLE_THRESHOLD, PROBE_EFFORT, PROBE_TIME};
use spasm::analysis::compare::{benchmark, cycle, BROKEN_FROM_S};
use spasm::analysis::escape::{
    escape, relapse_margin, scaled, treatment, EscapeOptions, Knob, SCALE_TOL,
};
use spasm::analysis::metrics::MetricThresholds;
use spasm::analysis::steady::{steady_states, HeldLoop, INJURY_PARAM};
use spasm::continuation::{Stability, System2};
use spasm::model::idx;
use spasm::protocol::{Effect, Schedule};
use spasm::scenario::Arm;
use spasm::simulation::{Patient, SolverConfig};
use spasm::units::HOUR;

fn healthy_at(h: f64) -> Patient {
    Patient::embedded("healthy")
        .unwrap()
        .with_values([("h_initial", h)], "test")
        .unwrap()
}

#[test]
fn every_steady_state_is_a_root_with_the_stability_pattern_of_a_switch() {
    let cfg = SolverConfig::default();
    let p = healthy_at(0.5);
    let found = steady_states(&p, &[], &cfg).unwrap();
    assert_eq!(found.states.len(), 3, "{found:?}");
    let sys = HeldLoop::new(&p, &[], (INJURY_PARAM, 1.0), None).unwrap();
    for s in &found.states {
        let x = DVector::from_column_slice(&s.equilibrium.x);
        let mut f = DVector::zeros(x.len());
        sys.rhs(&x, 0.5, 0.0, &mut f);
        // Residual relative to each state's typical rate of change: below 1e-9 /s.
        assert!(f.amax() < 1e-9, "residual {} at {:?}", f.amax(), s.state);
        assert_eq!(s.state[idx::H], 0.5);
    }
    let verdicts: Vec<_> = found
        .states
        .iter()
        .map(|s| {
            (
                s.equilibrium.stability.verdict,
                s.equilibrium.stability.n_unstable,
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            (Stability::Stable, 0),
            (Stability::Unstable, 1),
            (Stability::Stable, 0)
        ]
    );
    // Relaxed, saddle, spasm: contraction rises across them.
    assert!(found.states[0].state[idx::A] < 0.03 && found.states[2].state[idx::A] > 0.1);
    // Uninjured, the healthy muscle has one state: relaxed.
    let one = steady_states(&healthy_at(0.0), &[], &cfg).unwrap();
    assert_eq!(one.states.len(), 1);
    assert!(one.states[0].state[idx::A] < 0.03);
}

#[test]
fn folds_agree_with_the_brute_force_scan() {
    let cfg = SolverConfig::default();
    let p = Patient::embedded("healthy").unwrap();
    let d = diagram(
        &p,
        &[],
        &Axis::new(&p, "h_initial", 0.0, 1.0).unwrap(),
        &cfg,
    )
    .unwrap();
    let spasm: Vec<_> = d
        .regions
        .iter()
        .filter(|r| r.kind == RegionKind::Spasm)
        .collect();
    assert_eq!(spasm.len(), 1, "{:?}", d.regions);
    let (lo, hi) = (spasm[0].lo, spasm[0].hi);
    assert!(spasm[0].delta_a > BISTABLE_THRESHOLD);
    // Just outside the interval the scan sees one state, just inside it sees two.
    let probes = [lo - 0.02, lo + 0.02, 0.5 * (lo + hi), hi - 0.02];
    let rows = scan(&p, &probes, &cfg).unwrap();
    let bistable: Vec<bool> = rows
        .iter()
        .map(|r| r.bistable(BISTABLE_THRESHOLD))
        .collect();
    assert_eq!(bistable, [false, true, true, true], "{lo}..{hi}: {rows:?}");
    // The upper end is where the relaxed state vanishes (a fold): beyond it, rest
    // itself settles into spasm.
    if hi + 0.002 <= 1.0 {
        let past = scan(&p, &[hi + 0.002], &cfg).unwrap();
        assert!(past[0].a_rest > BISTABLE_THRESHOLD, "{past:?}");
    }
    // The steady-state count changes across the lower fold.
    let fold = d
        .special
        .iter()
        .filter(|s| s.kind == "fold" && s.a > BISTABLE_THRESHOLD)
        .map(|s| s.value)
        .next()
        .unwrap();
    let below = steady_states(&healthy_at(fold - 0.01), &[], &cfg).unwrap();
    let above = steady_states(&healthy_at(fold + 0.02), &[], &cfg).unwrap();
    assert_eq!((below.states.len(), above.states.len()), (1, 3));
}

#[test]
fn pain_adaptation_has_no_spasm_branch_only_the_pain_switch() {
    let cfg = SolverConfig::default();
    let p = Patient::embedded("pain_adaptation").unwrap();
    let d = diagram(
        &p,
        &[],
        &Axis::new(&p, "h_initial", 0.0, 1.0).unwrap(),
        &cfg,
    )
    .unwrap();
    assert!(
        d.regions.iter().all(|r| r.kind == RegionKind::Pain),
        "{:?}",
        d.regions
    );
    // The pain switch: coexisting states with the same contraction, different pain.
    for r in &d.regions {
        assert!(r.delta_a < 1e-3 && r.delta_pain > 1.0, "{r:?}");
    }
}

#[test]
fn escape_factor_is_the_edge_between_failing_and_breaking() {
    let sc = benchmark();
    let th = MetricThresholds::default();
    let reference = 0;
    for name in ["lidocaine injection", "hot pack"] {
        let a = sc.arms.iter().position(|x| x.name == name).unwrap();
        let e = escape(&sc, a, reference, &EscapeOptions::default()).unwrap();
        let s = e
            .escape_scale
            .expect("the benchmark arm breaks the cycle at some factor");
        let rx = treatment(&sc.arms[a].schedule, &sc.arms[reference].schedule);
        let base = treatment(&sc.arms[a].schedule, &rx);
        let knob = Knob::natural(&rx);
        let y0 = sc.initial_state().unwrap();
        let breaks = |f: f64| {
            let mut schedule = base.clone();
            let r = scaled(&rx, knob, f).unwrap();
            schedule.windows.extend(r.windows);
            schedule.events.extend(r.events);
            let tr = sc
                .run_arm(&Arm::new(name, schedule), &sc.patient, &y0)
                .unwrap()
                .trajectory;
            cycle(&tr, &th).hours() <= BROKEN_FROM_S / HOUR
        };
        assert!(breaks(s), "{name}: factor {s} should break the cycle");
        assert!(
            !breaks(s * (1.0 - 2.0 * SCALE_TOL)),
            "{name}: a little less than {s} should not"
        );
        assert_eq!(e.breaks_as_scheduled, s <= 1.0, "{name}: {e:?}");
    }
}

#[test]
fn relapse_margin_is_the_edge_between_relaxing_and_tipping_back() {
    let cfg = SolverConfig::default();
    let th = MetricThresholds::default();
    // Uninjured: no effort tips the healthy muscle into a spasm.
    let healthy = healthy_at(0.0);
    assert_eq!(
        relapse_margin(&healthy, &healthy.rested().unwrap(), &cfg, &th).unwrap(),
        None
    );
    // Injured and relaxed: some effort below target 8's 50 %MVC tips it.
    let injured = healthy_at(0.5);
    let rest = injured.rested().unwrap();
    let m = relapse_margin(&injured, &rest, &cfg, &th)
        .unwrap()
        .expect("the injured loop can hold a spasm");
    assert!(m > 0.0 && m < 0.5, "{m}");
    // Just above the margin a 2-min effort tips the held muscle, just below it does
    // not (checked here with plain runs).
    let held = injured
        .with_values([("tau_heal", f64::INFINITY), ("h_disc", 0.0)], "test")
        .unwrap();
    let (dur, _) = PROBE_EFFORT;
    let t = dur + PROBE_TIME;
    let still = *held
        .run(&rest, &Schedule::default(), PROBE_TIME, &[PROBE_TIME], &cfg)
        .unwrap()
        .last();
    let after = |level: f64| {
        let s = Schedule::default().window(0.0, dur, Effect::Voluntary(level));
        held.run(&still, &s, t, &[t], &cfg).unwrap().last()[idx::A] - still[idx::A]
    };
    assert!(after(m + 0.01) > BISTABLE_THRESHOLD, "{m}");
    assert!(after(m - 0.01) < BISTABLE_THRESHOLD, "{m}");
}
