//! Whole-episode runs: step counts and solver agreement (issue "core simulator").

use spasm::analysis::validate::{effort, rested, treated_episode};
use spasm::simulation::{grid, SolverConfig, SolverKind};

const HOUR: f64 = 3600.0;
const DAY: f64 = 86400.0;

#[test]
fn fourteen_day_acute_injury_run_takes_fewer_than_2000_accepted_steps() {
    let (patient, y) = rested("acute_injury").unwrap();
    let t_end = 14.0 * DAY;
    let tr = patient
        .run(
            &y,
            &treated_episode(14),
            t_end,
            &grid(t_end, 600.0),
            &SolverConfig::default(),
        )
        .unwrap();
    let st = tr.stats;
    assert!(
        st.accepted_steps < 2000,
        "accepted steps {}",
        st.accepted_steps
    );
    assert_eq!(tr.times.len(), grid(t_end, 600.0).len());
    // Non-negative states stay non-negative.
    for s in &tr.states {
        for i in 0..s.len() {
            if !spasm::model::thermal::NODE_STATES.contains(&i) {
                assert!(s[i] >= 0.0, "state {i} = {}", s[i]);
            }
        }
    }
}

#[test]
fn stiff_and_explicit_agree_on_one_hour_of_acute_injury() {
    let (patient, y) = rested("acute_injury").unwrap();
    let cfg = SolverConfig {
        rtol: 1e-9,
        ..SolverConfig::default()
    };
    let samples = grid(HOUR, 60.0);
    let a = patient.run(&y, &effort(), HOUR, &samples, &cfg).unwrap();
    let b = patient
        .run(
            &y,
            &effort(),
            HOUR,
            &samples,
            &SolverConfig {
                kind: SolverKind::Dopri5,
                ..cfg
            },
        )
        .unwrap();
    assert_eq!(a.times, b.times);
    for (ya, yb) in a.states.iter().zip(&b.states) {
        for i in 0..ya.len() {
            let scale = ya[i].abs().max(yb[i].abs()).max(spasm::model::TYPICAL[i]);
            assert!(
                (ya[i] - yb[i]).abs() / scale < 1e-5,
                "state {i}: {} vs {}",
                ya[i],
                yb[i]
            );
        }
    }
}
