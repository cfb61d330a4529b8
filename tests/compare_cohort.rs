//! Virtual cohorts through the library: identical results in thread pools of any
//! size, common random numbers across arms, sensible statistics, clear errors.

use spasm::analysis::cohort::{self, CohortOptions, CohortSpec};
use spasm::analysis::compare::CompareError;

fn opts(n: usize, seed: u64) -> CohortOptions {
    CohortOptions {
        patients: n,
        seed,
        compare: Default::default(),
    }
}

fn small_scenario() -> spasm::scenario::Scenario {
    // Three arms over 7 days: cheap enough for debug-build tests.
    spasm::scenario::parse_scenario(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/ibuprofen_cyclobenzaprine.toml"),
        )
        .unwrap(),
        "ibuprofen_cyclobenzaprine.toml",
    )
    .unwrap()
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let sc = small_scenario();
    let spec = CohortSpec::embedded().unwrap();
    let run = |t| {
        in_pool(t, || {
            cohort::run_cohort(&sc, &spec, &opts(12, 3), &|| {}).unwrap()
        })
    };
    let (a, b, c) = (run(1), run(2), run(3));
    assert_eq!(a.results, b.results);
    assert_eq!(a.results, c.results);
    assert_eq!(a.drawn, c.drawn);
    let (sa, sc_) = (cohort::summarise(&a), cohort::summarise(&c));
    assert_eq!(sa, sc_);
    let csv = |s| spasm::report::compare_tables::cohort_csv(s).unwrap();
    assert_eq!(csv(&sa), csv(&sc_));
}

#[test]
fn arms_share_patients_and_statistics_are_consistent() {
    let sc = small_scenario();
    let spec = CohortSpec::embedded().unwrap();
    let n = 10;
    let progress = std::sync::atomic::AtomicUsize::new(0);
    let run = cohort::run_cohort(&sc, &spec, &opts(n, 11), &|| {
        progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(progress.into_inner(), n);
    assert_eq!(run.results.len() + run.excluded.len(), n);
    assert!(run.excluded.is_empty(), "{:?}", run.excluded);
    // Patient i's parameters depend only on (seed, i): a smaller cohort is a prefix.
    let first = cohort::run_cohort(&sc, &spec, &opts(4, 11), &|| {}).unwrap();
    assert_eq!(first.drawn[..], run.drawn[..4]);
    assert_eq!(first.results[..], run.results[..4]);
    let s = cohort::summarise(&run);
    assert_eq!(s.reference, "no treatment");
    let r = &s.arms[0];
    assert_eq!(r.diff_pain_auc_nrs_h.mean, 0.0);
    assert_eq!(r.fraction_better, 0.0);
    for a in &s.arms {
        assert_eq!(a.patients, n);
        let q = a.pain_auc_nrs_h;
        assert!(q.q1.unwrap() <= q.median.unwrap() && q.median.unwrap() <= q.q3.unwrap());
        let d = a.diff_pain_auc_nrs_h;
        assert!(d.lo.unwrap() <= d.mean && d.mean <= d.hi.unwrap());
        assert!((0.0..=1.0).contains(&a.fraction_broken));
    }
    // Both treated arms lower mean pain in this cohort.
    for a in &s.arms[1..] {
        assert!(a.diff_pain_auc_nrs_h.mean < 0.0, "{}", a.name);
    }
    // One patient: defined means, no interval.
    let one = cohort::summarise(&cohort::run_cohort(&sc, &spec, &opts(1, 5), &|| {}).unwrap());
    assert!(one.arms[1].diff_pain_auc_nrs_h.lo.is_none());
    assert!(String::from_utf8(spasm::report::compare_tables::cohort_csv(&one).unwrap()).is_ok());
}

#[test]
fn zero_patients_and_bad_references_are_errors() {
    let sc = small_scenario();
    let spec = CohortSpec::embedded().unwrap();
    assert!(matches!(
        cohort::run_cohort(&sc, &spec, &opts(0, 1), &|| {}),
        Err(CompareError::NoPatients(0))
    ));
    let mut o = opts(2, 1);
    o.compare.reference = Some("placebo".into());
    let e = cohort::run_cohort(&sc, &spec, &o, &|| {}).unwrap_err();
    assert!(e.to_string().contains("placebo"));
}

#[test]
fn distributions_file_documents_every_parameter() {
    let spec = CohortSpec::embedded().unwrap();
    // The parameters the benchmark's variability is built from.
    for name in [
        "h_initial",
        "tau_heal",
        "gain_gamma",
        "fac_injury",
        "k_edema",
        "k_n",
        "w_h",
        "recovery_rate",
        "fatigue_rate",
        "ibu_cl",
        "ibu_v",
        "cbz_cl",
        "cbz_v",
        "tiz_cl",
        "tiz_v",
    ] {
        let d = spec
            .parameters
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("{name} not in models/cohort.toml"));
        assert!(d.source.len() > 10, "{name}: source too short");
    }
}
