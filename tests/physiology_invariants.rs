//! Physiological invariants under random protocols on the healthy muscle (model.md
//! §6: targets are time courses, not points). Each case draws up to four inputs —
//! voluntary efforts up to 50 %MVC for up to 3 min, ischaemia cuffs, heat sources on
//! the skin, static stretches, massage, TENS, oral drugs, a local anaesthetic and
//! experimental pain — at random times in the first 30 min, and asserts:
//!
//! - no solver failure;
//! - activation is below 5 %MVC from 60 s after the last input ends to the end of the
//!   run (10 min later): a healthy muscle lets go;
//! - every state stays in its physical range: pain 0–10, capacity, γ bias, injury and
//!   the after-effects 0–1, oxygen, metabolites, sensitisers and drug amounts ≥ 0, and
//!   tissue temperatures between the coldest and the hottest heat source (skin at
//!   rest or the heat pack, the body core), allowing for the little resting
//!   metabolic heat that accumulates while a cuff stops the flow.

use proptest::prelude::*;
use spasm::analysis::validate::rested;
use spasm::model::{idx, thermal, Model, State, NS};
use spasm::protocol::{Drug, Effect, Impulse, Schedule};
use spasm::simulation::{grid, SolverConfig};

const MIN: f64 = 60.0;

/// One random input: its schedule entry, and when it ends (s).
#[derive(Debug, Clone)]
enum Input {
    Window(f64, f64, Effect),
    Event(f64, Impulse),
}

impl Input {
    fn end(&self) -> f64 {
        match *self {
            Input::Window(start, len, _) => start + len,
            Input::Event(t, _) => t,
        }
    }
    fn add(&self, s: Schedule) -> Schedule {
        match *self {
            Input::Window(start, len, e) => s.window(start, len, e),
            Input::Event(t, i) => s.event(t, i),
        }
    }
}

fn input() -> impl Strategy<Value = Input> {
    let start = 0.0..30.0 * MIN;
    prop_oneof![
        (start.clone(), 5.0..3.0 * MIN, 0.02..0.5).prop_map(|(t, d, a)| Input::Window(
            t,
            d,
            Effect::Voluntary(a)
        )),
        (start.clone(), 30.0..10.0 * MIN, 20.0..250.0).prop_map(|(t, d, p)| Input::Window(
            t,
            d,
            Effect::Cuff(p)
        )),
        (start.clone(), 60.0..20.0 * MIN, 38.0..45.0).prop_map(|(t, d, c)| Input::Window(
            t,
            d,
            Effect::SkinHeat(c)
        )),
        (start.clone(), 10.0..2.0 * MIN).prop_map(|(t, d)| Input::Window(t, d, Effect::Stretch)),
        (start.clone(), 60.0..15.0 * MIN).prop_map(|(t, d)| Input::Window(t, d, Effect::Massage)),
        (start.clone(), 60.0..30.0 * MIN, 0.1..1.0).prop_map(|(t, d, s)| Input::Window(
            t,
            d,
            Effect::Tens(s)
        )),
        (start.clone(), 30.0..10.0 * MIN, 0.05..1.0).prop_map(|(t, d, n)| Input::Window(
            t,
            d,
            Effect::ExperimentalPain(n)
        )),
        (start.clone(), 100.0..800.0)
            .prop_map(|(t, mg)| Input::Event(t, Impulse::Dose(Drug::Ibuprofen, mg))),
        (start.clone(), 2.5..10.0)
            .prop_map(|(t, mg)| Input::Event(t, Impulse::Dose(Drug::Cyclobenzaprine, mg))),
        (start.clone(), 1.0..8.0)
            .prop_map(|(t, mg)| Input::Event(t, Impulse::Dose(Drug::Tizanidine, mg))),
        (start, 10.0..200.0).prop_map(|(t, mg)| Input::Event(t, Impulse::LocalAnaesthetic(mg))),
    ]
}

/// Coldest and hottest heat source a protocol exposes the tissue to, °C.
fn source_bounds(m: &Model, inputs: &[Input]) -> (f64, f64) {
    let p = m.params();
    let mut lo = p.t_skin.min(p.t_core);
    let mut hi = p.t_skin.max(p.t_core);
    for i in inputs {
        if let Input::Window(_, _, Effect::SkinHeat(c)) = i {
            lo = lo.min(*c);
            hi = hi.max(*c);
        }
    }
    // Without flow the resting heat production warms the tissue a little above what
    // conduction alone allows: at most q_met × the total cuff time.
    let cuffed: f64 = inputs
        .iter()
        .map(|i| match i {
            Input::Window(_, d, Effect::Cuff(_)) => *d,
            _ => 0.0,
        })
        .sum();
    (lo, hi + p.q_met * cuffed)
}

fn check_ranges(y: &State, lo: f64, hi: f64) -> Result<(), String> {
    let tol = 1e-6;
    let within = |i: usize, a: f64, b: f64| {
        if y[i] < a - tol || y[i] > b + tol {
            Err(format!("state {i} = {} outside [{a}, {b}]", y[i]))
        } else {
            Ok(())
        }
    };
    within(idx::P, 0.0, 10.0)?;
    for i in [idx::A, idx::CAP, idx::GAMMA, idx::Z, idx::H, idx::X, idx::Y] {
        within(i, 0.0, 1.0)?;
    }
    for i in 0..NS {
        if !thermal::NODE_STATES.contains(&i) {
            within(i, 0.0, f64::INFINITY)?;
        }
    }
    for i in thermal::NODE_STATES {
        within(i, lo, hi)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_healthy_muscle_lets_go_and_stays_in_range(inputs in prop::collection::vec(input(), 1..=4)) {
        let (patient, y0) = rested("healthy").unwrap();
        let schedule = inputs.iter().fold(Schedule::default(), |s, i| i.add(s));
        let last = inputs.iter().map(Input::end).fold(0.0, f64::max);
        let t_end = last + 11.0 * MIN;
        let tr = patient.run(&y0, &schedule, t_end, &grid(t_end, 5.0), &SolverConfig::default())
            .map_err(|e| TestCaseError::fail(format!("solver failure: {e}")))?;
        let (lo, hi) = source_bounds(patient.model(), &inputs);
        for (t, y) in tr.times.iter().zip(&tr.states) {
            check_ranges(y, lo, hi).map_err(|e| TestCaseError::fail(format!("t = {t} s: {e}")))?;
            if *t >= last + MIN {
                prop_assert!(
                    y[idx::A] < 0.05,
                    "a = {:.2} %MVC at t = {t} s, {:.0} s after the last input ended",
                    100.0 * y[idx::A],
                    t - last
                );
            }
        }
    }
}
