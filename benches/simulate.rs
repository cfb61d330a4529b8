//! Single runs against the project's speed goals (issue "Speed"): the 14-day treated
//! acute-injury run (84 doses, 14 hot packs; goal ≤ 1.5 ms at rtol 1e-5) and one
//! "staying active" arm of the 12-month episode (730 activity boundaries; goal
//! ≤ 15 ms), both at the default tolerances; then the pieces of one step: the
//! right-hand side, the right-hand side with the exact sparse Jacobian (generated
//! code), and the dual-number Jacobian they replaced.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use spasm::analysis::validate::{rested, treated_episode, EPISODE_TOML};
use spasm::model::scalar::Dual;
use spasm::model::NS;
use spasm::scenario::parse_scenario;
use spasm::simulation::{grid, SolverConfig};

const HOUR_S: f64 = 3600.0;
const DAY_S: f64 = 86400.0;

fn benches(c: &mut Criterion) {
    let cfg = SolverConfig::default();
    let (patient, y) = rested("acute_injury").expect("embedded set");
    let s = treated_episode(14);
    let t_end = 14.0 * DAY_S;
    let samples = grid(t_end, HOUR_S);
    let tr = patient.run(&y, &s, t_end, &samples, &cfg).expect("runs");
    eprintln!("14-day treated: {:?}", tr.stats);
    c.bench_function(
        "14-day treated acute_injury, rtol 1e-5 (goal <= 1.5 ms)",
        |b| {
            b.iter(|| {
                black_box(&patient)
                    .run(&y, &s, t_end, &samples, &cfg)
                    .expect("runs")
            });
        },
    );

    let episode = parse_scenario(EPISODE_TOML, "episode_12_months.toml").expect("embedded");
    let y0 = episode.initial_state().expect("settles");
    let arm = &episode.arms[0];
    let daily = grid(episode.duration, DAY_S);
    let tr = episode
        .patient
        .run(&y0, &arm.schedule, episode.duration, &daily, &cfg)
        .expect("runs");
    eprintln!("12-month '{}': {:?}", arm.name, tr.stats);
    c.bench_function(
        "12-month 'staying active' arm, rtol 1e-5 (goal <= 15 ms)",
        |b| {
            b.iter(|| {
                black_box(&episode.patient)
                    .run(&y0, &arm.schedule, episode.duration, &daily, &cfg)
                    .expect("runs")
            });
        },
    );

    let model = patient.model();
    let state = y.data.0[0];
    c.bench_function("one right-hand side (generated)", |b| {
        b.iter(|| model.rhs_at(black_box(&state)));
    });
    c.bench_function("right-hand side + sparse exact Jacobian (generated)", |b| {
        b.iter(|| model.rhs_and_jacobian_at(black_box(&state)));
    });
    c.bench_function("dense Jacobian by dual numbers (before)", |b| {
        b.iter(|| {
            let seeded: [Dual<NS>; NS] =
                std::array::from_fn(|k| Dual::<NS>::from_re(state[k]).derivative(k));
            model.rhs_generic(black_box(&seeded))
        });
    });
}

criterion_group!(name = group; config = Criterion::default().sample_size(30); targets = benches);
criterion_main!(group);
