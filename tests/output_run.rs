//! Run-directory output: files, headers, row counts, JSON, figures, atomicity.
//!
//! Set `SPASM_FIG_DIR=/some/dir` to also keep a copy of the run there for looking
//! at the figures.
#![cfg(feature = "figures")]

use std::path::Path;
use std::sync::OnceLock;

use spasm::model::STATE_NAMES;
use spasm::protocol::{Drug, Effect, Impulse, Schedule};
use spasm::report::{write_run, OutputError, Replace, WriteOptions};
use spasm::scenario::{Arm, ArmResult, Scenario};
use spasm::simulation::{Patient, SolverConfig};

const H: f64 = 3600.0;

fn scenario() -> Scenario {
    let trigger = Schedule::default().window(0.0, 120.0, Effect::Voluntary(0.5));
    let arm = |name: &str, s: Schedule| Arm::new(name, s);
    Scenario {
        name: "acute_low_back".into(),
        description:
            "acute strain after a 2-min 50 %MVC effort; heat, ibuprofen or cyclobenzaprine".into(),
        set_name: "acute_injury".into(),
        patient: Patient::embedded("acute_injury").unwrap(),
        arms: vec![
            arm("no treatment", trigger.clone()),
            arm(
                "heat wrap",
                trigger.clone().window(H, 900.0, Effect::SkinHeat(43.0)),
            ),
            arm(
                "ibuprofen 400 mg q8h",
                trigger
                    .clone()
                    .repeat_event(H, 8.0 * H, 9, Impulse::Dose(Drug::Ibuprofen, 400.0)),
            ),
            arm(
                "cyclobenzaprine 5 mg q8h",
                trigger.repeat_event(H, 8.0 * H, 9, Impulse::Dose(Drug::Cyclobenzaprine, 5.0)),
            ),
        ],
        duration: 72.0 * H,
        output_every: 600.0,
        settle: 12.0 * H,
        time_unit: "h".into(),
        output_depths: vec![2.5],
        solver: SolverConfig::default(),
        source_text: "# hand-built test scenario\n".into(),
        sweep: None,
        figure: Default::default(),
    }
}

fn run() -> &'static (Scenario, Vec<ArmResult>) {
    static RUN: OnceLock<(Scenario, Vec<ArmResult>)> = OnceLock::new();
    RUN.get_or_init(|| {
        let s = scenario();
        let r = s.run().expect("scenario runs");
        if let Ok(dir) = std::env::var("SPASM_FIG_DIR") {
            let files =
                write_run(Path::new(&dir), &s, &r, &WriteOptions::default()).expect("write run");
            eprintln!("wrote {}", files.dir.display());
        }
        (s, r)
    })
}

fn opts() -> WriteOptions {
    WriteOptions {
        command_line: vec!["spasm".into(), "run".into(), "test".into()],
        ..WriteOptions::default()
    }
}

#[test]
fn run_directory_has_every_file_with_expected_content() {
    let (s, r) = run();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let files = write_run(&dir, s, r, &opts()).unwrap();
    assert_eq!(files.dir, dir);
    for name in [
        "trajectories.csv",
        "metrics.csv",
        "summary.json",
        "manifest.json",
        "timecourse.png",
        "timecourse.svg",
        "scenario.toml",
    ] {
        assert!(dir.join(name).is_file(), "{name} missing");
        assert!(files.files.contains(&dir.join(name)), "{name} not listed");
    }
    // The scenario as read, byte for byte: its hash is the manifest's.
    assert_eq!(
        std::fs::read_to_string(dir.join("scenario.toml")).unwrap(),
        s.source_text
    );
    // Nothing else but the marker that lists them: no temporaries, no partial
    // directories left next to it.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 8);
    let marker: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(".spasm-run.json")).unwrap()).unwrap();
    assert_eq!(marker["schema"], "spasm-run-directory/1");
    assert_eq!(marker["files"].as_array().unwrap().len(), 7);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);

    // trajectories.csv: header and rows = samples × arms.
    let mut rd = csv::Reader::from_path(dir.join("trajectories.csv")).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..4], ["arm", "time_h", "a_MVC", "cap_1"]);
    for col in [
        "T1_degC",
        "S_au",
        "P_NRS",
        "ibu_central_mg",
        "p_im_mmHg",
        "g_1",
        "Q_1",
        "K_mM",
        "n_1",
        "spindle_1",
        "c_ibu_mg_per_L",
        "c_cbz_ng_per_mL",
        "T_at_2.5cm_degC",
    ] {
        assert!(
            header.iter().any(|h| h == col),
            "no column {col} in {header:?}"
        );
    }
    // States, 13 derived quantities and the one requested depth.
    assert_eq!(header.len(), 2 + STATE_NAMES.len() + 13 + 1);
    assert!(header.iter().all(|h| h.is_ascii()));
    let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
    let samples: usize = r.iter().map(|a| a.trajectory.times.len()).sum();
    assert_eq!(samples, 433 * 4);
    assert_eq!(rows.len(), samples);
    assert_eq!(&rows[0][0], "no treatment");
    assert_eq!(rows[432][1].parse::<f64>().unwrap(), 72.0);
    for row in &rows {
        for v in row.iter().skip(1) {
            assert!(v.parse::<f64>().unwrap().is_finite(), "{v}");
        }
    }

    // metrics.csv: one row per arm.
    let mut rd = csv::Reader::from_path(dir.join("metrics.csv")).unwrap();
    let mh: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&mh[..3], ["arm", "peak_pain_nrs", "time_of_peak_pain_h"]);
    assert!(mh.iter().any(|h| h == "relapses"));
    let mrows: Vec<_> = rd.records().map(|x| x.unwrap()).collect();
    assert_eq!(mrows.len(), 4);
    assert_eq!(&mrows[1][0], "heat wrap");

    // summary.json parses and matches.
    let sum: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(sum["scenario"], "acute_low_back");
    assert_eq!(sum["arms"].as_array().unwrap().len(), 4);
    let peak = sum["arms"][0]["endpoints"]["peak_pain_nrs"]
        .as_f64()
        .unwrap();
    assert!(peak > 0.0 && peak <= 10.0, "{peak}");
    assert_eq!(files.endpoints[0].1.peak_pain_nrs, peak);
    // Ibuprofen exposure only in the ibuprofen arm.
    assert_eq!(
        sum["arms"][0]["endpoints"]["ibuprofen_auc_mg_h_per_l"].as_f64(),
        Some(0.0)
    );
    assert!(
        sum["arms"][2]["endpoints"]["ibuprofen_auc_mg_h_per_l"]
            .as_f64()
            .unwrap()
            > 100.0
    );

    // manifest.json.
    let man: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(man["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(man["scenario"], "acute_low_back");
    assert_eq!(man["scenario_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(man["parameters_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(man["solver"]["kind"], "rodas4");
    assert_eq!(man["solver"]["rtol"].as_f64(), Some(s.solver.rtol));
    assert!(man["seeds"].is_null());
    assert_eq!(man["arms"].as_array().unwrap().len(), 4);
    assert!(man["arms"][0]["stats"]["accepted_steps"].as_u64().unwrap() > 0);
    assert_eq!(man["command_line"][1], "run");
    assert_eq!(man["files"].as_array().unwrap().len(), 6);

    // Figures.
    let png = std::fs::read(dir.join("timecourse.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(dir.join("timecourse.svg")).unwrap();
    assert!(svg.contains("<svg"));
    assert!(svg.contains("Pain (NRS 0–10)"));
    assert!(svg.contains("DejaVu Sans"));
}

#[test]
fn same_inputs_give_identical_files() {
    let (s, r) = run();
    let tmp = tempfile::tempdir().unwrap();
    let a = write_run(&tmp.path().join("a"), s, r, &opts()).unwrap();
    let b = write_run(&tmp.path().join("b"), s, r, &opts()).unwrap();
    for (fa, fb) in a.files.iter().zip(&b.files) {
        assert_eq!(
            std::fs::read(fa).unwrap(),
            std::fs::read(fb).unwrap(),
            "{}",
            fa.display()
        );
    }
}

#[test]
fn unwritable_location_errors_and_leaves_nothing() {
    let (s, r) = run();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain_file");
    std::fs::write(&file, "x").unwrap();
    let err = write_run(&file.join("run"), s, r, &opts()).unwrap_err();
    assert!(matches!(err, OutputError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("plain_file"), "{err}");
    // Only the file we made is there.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    // Target that is itself a regular file: refused, untouched.
    let err = write_run(&file, s, r, &opts()).unwrap_err();
    assert!(matches!(err, OutputError::BadTarget { .. }), "{err:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn failure_midway_leaves_no_partial_directory() {
    let (s, r) = run();
    let tmp = tempfile::tempdir().unwrap();
    // An unknown time unit fails before anything is created.
    let mut bad = s.clone();
    bad.time_unit = "fortnight".into();
    let err = write_run(&tmp.path().join("run"), &bad, r, &opts()).unwrap_err();
    assert!(matches!(err, OutputError::TimeUnit { .. }), "{err:?}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn replacing_previous_runs_but_not_other_directories() {
    let (s, r) = run();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let o = WriteOptions {
        figures: false,
        ..opts()
    };
    write_run(&dir, s, r, &o).unwrap();
    // A previous run is replaced wholesale...
    let files = write_run(&dir, s, r, &o).unwrap();
    assert_eq!(files.files.len(), 5);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    // ...but not when the user added a file: refused, naming it, and kept.
    std::fs::write(dir.join("my_notes.txt"), "mine").unwrap();
    let err = write_run(&dir, s, r, &o).unwrap_err();
    assert!(err.to_string().contains("'my_notes.txt'"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("my_notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    // Overwriting off: refused.
    let never = WriteOptions {
        replace: Replace::Never,
        ..o.clone()
    };
    assert!(matches!(
        write_run(&dir, s, r, &never),
        Err(OutputError::BadTarget { .. })
    ));
    // A directory with other content is not a run: refused and untouched.
    let other = tmp.path().join("home");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("thesis.tex"), "precious").unwrap();
    let err = write_run(&other, s, r, &o).unwrap_err();
    assert!(err.to_string().contains("not a run directory"), "{err}");
    assert_eq!(
        std::fs::read_to_string(other.join("thesis.tex")).unwrap(),
        "precious"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
}
