//! Hot paths: a whole 14-day acute-injury scenario with a realistic drug and heat
//! schedule, one right-hand-side evaluation, one exact Jacobian.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use spasm::analysis::validate::{effort, rested, treated_episode};
use spasm::simulation::{grid, SolverConfig};
use spasm::solver::OdeSystem;

const DAY: f64 = 86400.0;

fn benches(c: &mut Criterion) {
    let (patient, y) = rested("acute_injury").expect("embedded set");
    let s = treated_episode(14);
    let t_end = 14.0 * DAY;
    let samples = grid(t_end, 600.0);
    let cfg = SolverConfig::default();
    let tr = patient.run(&y, &s, t_end, &samples, &cfg).expect("runs");
    eprintln!("14-day acute_injury with drugs + heat: {:?}", tr.stats);
    c.bench_function(
        "14-day acute_injury, drugs + heat (rodas4, rtol 1e-5)",
        |b| {
            b.iter(|| {
                black_box(&patient)
                    .run(&y, &s, t_end, &samples, &cfg)
                    .expect("runs")
            });
        },
    );
    c.bench_function("14-day acute_injury, effort only", |b| {
        let e = effort();
        b.iter(|| {
            black_box(&patient)
                .run(&y, &e, t_end, &samples, &cfg)
                .expect("runs")
        });
    });
    c.bench_function("one RHS evaluation", |b| {
        b.iter(|| patient.model().rhs(0.0, black_box(&y)));
    });
    c.bench_function("one exact Jacobian (dual numbers)", |b| {
        b.iter(|| patient.model().jacobian(0.0, black_box(&y)));
    });
}

criterion_group!(name = group; config = Criterion::default().sample_size(30); targets = benches);
criterion_main!(group);
