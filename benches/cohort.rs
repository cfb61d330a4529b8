//! Virtual-cohort throughput: the standard benchmark (`examples/benchmark.toml`, 16
//! arms × 14 days) on 200 virtual patients, in rayon's global pool (all cores, or
//! `RAYON_NUM_THREADS`). Reports patients per second (criterion "elements/s"); one
//! patient = settling plus every arm.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spasm::analysis::{cohort, compare};

const PATIENTS: usize = 200;

fn benches(c: &mut Criterion) {
    let sc = compare::benchmark();
    let spec = cohort::CohortSpec::embedded().expect("embedded distributions");
    let opts = cohort::CohortOptions {
        patients: PATIENTS,
        seed: 1,
        compare: Default::default(),
    };
    eprintln!(
        "cohort bench: {PATIENTS} patients × {} arms, {} threads",
        sc.arms.len(),
        rayon::current_num_threads()
    );
    let mut g = c.benchmark_group("cohort");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PATIENTS as u64));
    g.bench_function("benchmark.toml, 200 patients (patients/s)", |b| {
        b.iter(|| {
            let run = cohort::run_cohort(black_box(&sc), &spec, &opts, &|| {}).expect("runs");
            cohort::summarise(&run)
        });
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
