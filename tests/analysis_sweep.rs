//! Sweeps and sensitivity analyses on the model: identical output for any number of
//! threads, failed points kept as rows, the local sensitivities against an
//! independent central difference, the `NAME=LO:HI:N` reader under random input,
//! and the command line's refusals (clear message, non-zero exit, nothing written).

use std::path::Path;

use assert_cmd::Command;
use proptest::prelude::*;
use spasm::analysis::cohort::PatientArm;
use spasm::analysis::metrics::MetricThresholds;
use spasm::analysis::sensitivity::local::LOCAL_RTOL;
use spasm::analysis::sensitivity::study::{self, Method, StudyOptions};
use spasm::analysis::sweep::{self, parse_axis, AxisSpec, Bound, SweepRow};
use spasm::scenario::Scenario;

fn example(name: &str) -> Scenario {
    Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .expect("example scenario")
}

fn spec(name: &str, lo: f64, hi: f64, n: usize) -> AxisSpec {
    let b = |v| Bound {
        value: v,
        unit: None,
    };
    AxisSpec {
        name: name.into(),
        lo: b(lo),
        hi: b(hi),
        n,
    }
}

fn sweep_rows(
    threads: usize,
    sc: &Scenario,
    axes: &[sweep::Axis],
) -> (Vec<SweepRow>, sweep::SweepInfo) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut rows = Vec::new();
        let info =
            sweep::run_sweep::<()>(sc, axes, &MetricThresholds::default(), &|| {}, &mut |c| {
                rows.extend_from_slice(c);
                Ok(())
            })
            .unwrap();
        (rows, info)
    })
}

/// Bit-identical rows on 1 and 2 threads, in point order, over more than one chunk.
#[test]
fn sweep_is_identical_for_any_thread_count() {
    let sc = example("sweep_gain_injury.toml");
    let axes = sweep::resolve_axes(
        &sc.patient,
        &[
            spec("fac_injury", 0.0, 10.0, 9),
            spec("h_initial", 0.0, 1.0, 9),
        ],
        &[],
    )
    .unwrap();
    let (one, info1) = sweep_rows(1, &sc, &axes);
    let (two, info2) = sweep_rows(2, &sc, &axes);
    assert_eq!(one.len(), 81);
    const { assert!(81 > sweep::CHUNK_POINTS) };
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    assert_eq!(info1, info2);
    assert!(one.iter().enumerate().all(|(i, r)| r.point == i));
    // Injury and its facilitation change the settled state: settled per point.
    assert!(matches!(info1.settling, sweep::Settling::PerPoint { .. }));
    // The sweep shows the threshold: no spasm without injury, days of it at the top.
    let spasm = |r: &SweepRow| r.arms[0].as_ref().unwrap().spasm_h;
    assert_eq!(spasm(&one[0]), 0.0);
    assert!(spasm(&one[80]) > 24.0, "{}", spasm(&one[80]));
}

/// A parameter that does not enter settling (the cut of spindle gain by stretching,
/// which acts only while a stretch is scheduled) shares one settled state, and gives
/// the same rows as settling every point; one that does (healing) settles per point.
#[test]
fn shared_settling_when_the_parameter_does_not_affect_it() {
    let sc = example("default.toml");
    let axes = sweep::resolve_axes(&sc.patient, &[spec("stretch_max", 0.4, 0.8, 3)], &[]).unwrap();
    let (rows, info) = sweep_rows(2, &sc, &axes);
    assert_eq!(info.settling, sweep::Settling::Shared);
    let names = vec!["stretch_max".to_string()];
    for r in &rows {
        let own = sweep::evaluate_point(
            &sc,
            &names,
            &r.values,
            None,
            &[0, 1],
            &MetricThresholds::default(),
        );
        assert_eq!(format!("{own:?}"), format!("{:?}", r.arms));
    }
    // Stretching acts in the treated arm only.
    let treated = |r: &SweepRow| r.arms[1].as_ref().unwrap().pain_auc;
    assert_ne!(treated(&rows[0]), treated(&rows[2]));
    let healing = sweep::resolve_axes(&sc.patient, &[spec("tau_heal", 2.0, 20.0, 2)], &[]).unwrap();
    assert!(matches!(
        sweep::decide_settling(&sc, &healing).0,
        sweep::Settling::PerPoint { .. }
    ));
}

/// A point that cannot be run is a row with the reason; the sweep goes on.
#[test]
fn failed_points_are_rows_with_a_reason() {
    let mut sc = example("sweep_gain_injury.toml");
    sc.duration = 6.0 * 3600.0;
    // A negative time constant cannot be integrated; the other points run.
    let axes = sweep::resolve_axes(&sc.patient, &[spec("tau_heal", -1.0, 5.0, 3)], &[]).unwrap();
    let (rows, info) = sweep_rows(2, &sc, &axes);
    assert_eq!(rows.len(), 3);
    let failed: Vec<&SweepRow> = rows.iter().filter(|r| r.arms[0].is_err()).collect();
    assert_eq!(info.failed, failed.len());
    assert!(rows[2].arms[0].is_ok(), "{:?}", rows[2].arms[0]);
    for r in failed {
        assert!(!r.arms[0].as_ref().unwrap_err().is_empty());
    }
}

/// Sobol' indices of a small design are bit-identical on 1 and 2 threads.
#[test]
fn sensitivity_is_identical_for_any_thread_count() {
    let mut sc = example("default.toml");
    sc.duration = 24.0 * 3600.0;
    let opts = StudyOptions {
        method: Method::Sobol,
        parameters: vec!["h_initial".into(), "kappa".into(), "k_gamma".into()],
        samples: 32,
        seed: 5,
        ..Default::default()
    };
    let plan = study::plan(&sc, &opts).unwrap();
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let (y, failed) = study::evaluate::<()>(&sc, &plan, &|| {}, &mut |_| Ok(())).unwrap();
            format!("{:?}", study::analyze(&plan, &y, failed))
        })
    };
    assert_eq!(run(1), run(2));
}

/// The local sensitivity of 7-day pain AUC to kappa and k_n against an independent
/// central difference at a third step (h = 3e-3), computed here from plain runs:
/// the two must agree to within the step agreement the analysis reports, and for
/// kappa (pain scales smoothly with it) that agreement is tight.
#[test]
fn local_sensitivity_matches_an_independent_central_difference() {
    let sc = example("default.toml");
    let opts = StudyOptions {
        method: Method::Local,
        parameters: vec!["kappa".into(), "k_n".into()],
        endpoints: vec!["pain_auc_7d_nrs_h".into()],
        arms: vec!["no treatment".into()],
        ..Default::default()
    };
    let plan = study::plan(&sc, &opts).unwrap();
    let (y, failed) = study::evaluate::<()>(&sc, &plan, &|| {}, &mut |_| Ok(())).unwrap();
    let res = study::analyze(&plan, &y, failed);
    let mut tight = sc.clone();
    tight.solver.rtol = LOCAL_RTOL;
    let auc = |name: &str, value: f64| {
        let p = tight.patient.with_values([(name, value)], "test").unwrap();
        let y0 = tight.settled(&p).unwrap();
        let r = tight.run_arm(&tight.arms[0], &p, &y0).unwrap();
        PatientArm::of_run(&r, &MetricThresholds::default()).pain_auc
    };
    let h = 3e-3;
    for name in ["kappa", "k_n"] {
        let p0 = *tight
            .patient
            .params()
            .values()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .unwrap();
        let s_test =
            (auc(name, p0 * (1.0 + h)) - auc(name, p0 * (1.0 - h))) / (2.0 * h * auc(name, p0));
        let s = res
            .indices
            .iter()
            .find(|r| r.parameter == name && r.index == "S")
            .unwrap();
        assert!(s.value.abs() > 0.05, "{name}: {s:?}");
        assert!(
            (s.value - s_test).abs() <= s.conf,
            "{name}: analysis {} vs independent {s_test}, reported agreement {}",
            s.value,
            s.conf
        );
        if name == "kappa" {
            assert!(
                s.conf < 1e-4 * s.value.abs(),
                "{name}: steps disagree: {s:?}"
            );
        }
    }
}

proptest! {
    /// Any text: an axis or an error, never a panic; a well-formed axis reads back.
    #[test]
    fn axis_reader_never_panics(text in ".{0,40}") {
        let _ = parse_axis(&text);
    }

    #[test]
    fn axis_reader_reads_what_is_written(
        name in "[a-z][a-z0-9_]{0,12}",
        lo in -1e6..1e6f64,
        w in 1e-6..1e6f64,
        n in 2usize..10_000,
        unit in prop::option::of(prop::sample::select(vec!["d", "h", "min", "s", "mM"])),
    ) {
        let u = unit.map(|u| format!(" {u}")).unwrap_or_default();
        let a = parse_axis(&format!("{name}={lo:?}{u}:{:?}{u}:{n}", lo + w)).unwrap();
        prop_assert_eq!(&a.name, &name);
        prop_assert_eq!(a.lo.value, lo);
        prop_assert_eq!(a.hi.value, lo + w);
        prop_assert_eq!(a.n, n);
        prop_assert_eq!(a.lo.unit.as_deref(), unit);
    }

    #[test]
    fn axis_reader_refuses_too_few_points(name in "[a-z_]{1,8}", n in 0usize..2) {
        let text = format!("{name}=0:1:{n}");
        prop_assert!(parse_axis(&text).is_err());
    }
}

fn spasm(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("spasm").unwrap();
    c.current_dir(dir);
    c
}

/// Each mistake: one message naming what and what is allowed, exit 2 (the program's
/// code for an error), nothing written.
#[test]
fn command_line_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sweep_gain_injury.toml");
    let s = scenario.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["sweep", s, "--param", "fac_injurie=0:1:3"],
            "unknown parameter 'fac_injurie'",
        ),
        (
            &["sweep", s, "--param", "fac_injury=2:1:3"],
            "LO must be below HI",
        ),
        (
            &["sweep", s, "--param", "fac_injury=0:1:1"],
            "at least 2 values",
        ),
        (
            &[
                "sweep",
                s,
                "--param",
                "fac_injury=0:1:3",
                "--log",
                "fac_injury",
            ],
            "log scale needs LO > 0",
        ),
        (
            &["sweep", s, "--param", "fac_injury=0:1:3", "--log", "kappa"],
            "not a swept parameter",
        ),
        (&["sweep", s, "--param", "tau_heal=1 mM:2 mM:3"], "tau_heal"),
        (
            &[
                "sweep",
                s,
                "--param",
                "fac_injury=0:1:3",
                "--endpoint",
                "pain",
            ],
            "unknown endpoint 'pain' (allowed: pain_auc_7d_nrs_h",
        ),
        (
            &["sensitivity", s, "--method", "fast"],
            "unknown method 'fast' (allowed: local, morris, sobol)",
        ),
        (&["sensitivity", s, "--samples", "1000"], "power of two"),
        (
            &[
                "sensitivity",
                s,
                "--params",
                "kappa,k_o",
                "--range",
                "w2=0:1",
            ],
            "not an analysed parameter",
        ),
        (
            &[
                "sensitivity",
                s,
                "--params",
                "kappa",
                "--range",
                "kappa=3:1",
            ],
            "LO must be below HI",
        ),
        (&["sensitivity", s, "--arm", "heat"], "no arm 'heat'"),
    ];
    for (args, expected) in cases {
        let out = spasm(tmp.path())
            .args(*args)
            .arg("-o")
            .arg("out")
            .output()
            .unwrap();
        // The message as one line (the report may wrap it with a margin).
        let err: String = String::from_utf8_lossy(&out.stderr)
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected '{expected}' in: {err}"
        );
        assert!(
            !out.stderr.is_empty() && !err.contains("panicked"),
            "{args:?}: {err}"
        );
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            0,
            "{args:?} wrote something"
        );
    }
}

/// The example sweep and a small Sobol' run write their directories.
#[test]
fn command_line_writes_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = spasm(tmp.path())
        .args(["sweep", ex.join("sweep_gain_injury.toml").to_str().unwrap()])
        .args([
            "--param",
            "fac_injury=0:10:4",
            "--param",
            "h_initial=0:1:3",
            "-o",
            "sw",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(tmp.path().join("sw/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 12 * 2);
    assert!(csv.starts_with("point,fac_injury_1,h_initial_1,arm,status,pain_auc_7d_nrs_h"));
    for f in [
        "manifest.json",
        "sweep_spasm_h.png",
        "sweep_pain_auc_7d_nrs_h.svg",
    ] {
        assert!(tmp.path().join("sw").join(f).exists(), "{f}");
    }
    let out = spasm(tmp.path())
        .args(["sensitivity", ex.join("default.toml").to_str().unwrap()])
        .args([
            "--method",
            "morris",
            "--samples",
            "4",
            "--params",
            "kappa,k_n",
            "--arm",
            "no treatment",
            "-o",
            "se",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let idx = std::fs::read_to_string(tmp.path().join("se/indices.csv")).unwrap();
    // 2 endpoints × 2 parameters × (mu_star, mu, sigma).
    assert_eq!(idx.lines().count(), 1 + 12);
    let samples = std::fs::read_to_string(tmp.path().join("se/samples.csv")).unwrap();
    assert_eq!(samples.lines().count(), 1 + 4 * 3);
}

#[test]
fn the_sweep_table_of_a_scenario_is_the_default_grid() {
    let tmp = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sweep_gain_injury.toml"),
    )
    .unwrap();
    let table = "param = [\"fac_injury=0:10:21\", \"h_initial=0:1:21\"]";
    assert!(
        example.contains(table),
        "the example's [sweep] table changed"
    );
    // A small grid from the table, and the same grid from the command line.
    let small = example.replace(
        table,
        "param = [\"fac_injury=0:10:3\", \"h_initial=0.5:1:2\"]",
    );
    std::fs::write(tmp.path().join("s.toml"), &small).unwrap();
    let run = |extra: &[&str], out: &str| {
        let o = spasm(tmp.path())
            .args(["sweep", "s.toml", "--quiet", "-o", out])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(tmp.path().join(out).join("sweep.csv")).unwrap()
    };
    let from_table = run(&[], "a");
    let from_flags = run(
        &[
            "--param",
            "fac_injury=0:10:3",
            "--param",
            "h_initial=0.5:1:2",
        ],
        "b",
    );
    assert_eq!(from_table, from_flags);
    assert_eq!(from_table.lines().count(), 1 + 3 * 2 * 2);

    // A mistake in the table is reported at its place in the file.
    let bad = example.replace(table, "param = [\"fac_injury=0:10\"]");
    std::fs::write(tmp.path().join("bad.toml"), &bad).unwrap();
    let o = spasm(tmp.path())
        .args(["sweep", "bad.toml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    let line = bad
        .lines()
        .position(|l| l.contains("fac_injury=0:10\""))
        .unwrap()
        + 1;
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
    assert!(err.contains("sweep.param"), "{err}");

    // No table and no --param: one message saying what to give.
    let none = example.replace(table, "").replace("[sweep]\n", "");
    let none = none.replace("endpoints = [\"spasm_h\", \"pain_auc_7d_nrs_h\"]\n", "");
    std::fs::write(tmp.path().join("none.toml"), &none).unwrap();
    let o = spasm(tmp.path())
        .args(["sweep", "none.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to sweep"));
}
