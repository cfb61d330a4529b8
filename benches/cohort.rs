//! Virtual cohorts against the project's goals (issue "Speed"): the 12-month episode
//! (`examples/episode_12_months.toml`, two arms: staying active and bed rest) on a
//! small cohort, on 1 thread and on every core, in patients per second (criterion
//! "elements/s"; one patient = drawing, settling and both arms). The goal, 10⁵
//! patients in ≤ 20 min on 2 cores, is ≥ 83 patients/s; the thread-scaling goal is
//! ≥ 1.8× from 1 to 2 threads (results are identical for any thread count: see
//! `tests/compare_cohort.rs`). The standard benchmark (16 arms × 14 days) is measured too.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spasm::analysis::validate::EPISODE_TOML;
use spasm::analysis::{cohort, compare};
use spasm::scenario::parse_scenario;

const PATIENTS: usize = 40;

fn benches(c: &mut Criterion) {
    let spec = cohort::CohortSpec::embedded().expect("embedded distributions");
    let opts = cohort::CohortOptions {
        patients: PATIENTS,
        seed: 1,
        compare: Default::default(),
    };
    let episode = parse_scenario(EPISODE_TOML, "episode_12_months.toml").expect("embedded");
    let benchmark = compare::benchmark();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);

    let mut g = c.benchmark_group("cohort");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PATIENTS as u64));
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let name = format!(
            "12-month episode, 2 arms, {PATIENTS} patients, {threads} thread(s) (goal >= 83 patients/s on 2)"
        );
        g.bench_function(name, |b| {
            b.iter(|| {
                pool.install(|| cohort::run_cohort(black_box(&episode), &spec, &opts, &|| {}))
                    .expect("runs")
            });
        });
        if threads == cores {
            break;
        }
    }
    g.bench_function(
        format!("benchmark.toml, 16 arms, {PATIENTS} patients, all cores"),
        |b| {
            b.iter(|| {
                let run =
                    cohort::run_cohort(black_box(&benchmark), &spec, &opts, &|| {}).expect("runs");
                cohort::summarise(&run)
            });
        },
    );
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
