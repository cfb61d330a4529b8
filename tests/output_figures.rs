//! Figures for less common shapes of run: one arm, minutes, many arms, one drug,
//! empty trajectories. Set `SPASM_FIG_EXTRA_DIR` to keep the figures for inspection.
#![cfg(feature = "figures")]

use std::path::PathBuf;

use spasm::protocol::{Drug, Effect, Impulse, Schedule};
use spasm::report::figures::write_timecourse;
use spasm::scenario::{Arm, ArmResult, Scenario};
use spasm::simulation::{Patient, SolverConfig, Trajectory};

fn scenario(set: &str, arms: Vec<Arm>, duration: f64, every: f64, unit: &str) -> Scenario {
    Scenario {
        name: format!("{set}_{unit}"),
        description: String::new(),
        set_name: set.into(),
        patient: Patient::embedded(set).unwrap(),
        arms,
        duration,
        output_every: every,
        settle: 3600.0,
        time_unit: unit.into(),
        output_depths: Vec::new(),
        solver: SolverConfig::default(),
        source_text: String::new(),
        sweep: None,
        figure: Default::default(),
    }
}

fn out_dir(name: &str) -> (Option<tempfile::TempDir>, PathBuf) {
    if let Ok(d) = std::env::var("SPASM_FIG_EXTRA_DIR") {
        let p = PathBuf::from(d).join(name);
        std::fs::create_dir_all(&p).unwrap();
        (None, p)
    } else {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().to_path_buf();
        (Some(t), p)
    }
}

fn check(paths: &[PathBuf; 2]) {
    let png = std::fs::read(&paths[0]).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(&paths[1]).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
}

#[test]
fn one_arm_in_minutes_with_tizanidine_and_stretch() {
    let s = scenario(
        "healthy",
        vec![Arm::new(
            "stretch + tizanidine",
            Schedule::default()
                .window(600.0, 300.0, Effect::Stretch)
                .window(1800.0, 60.0, Effect::Voluntary(0.7))
                .event(0.0, Impulse::Dose(Drug::Tizanidine, 4.0)),
        )],
        3.0 * 3600.0,
        30.0,
        "min",
    );
    let r = s.run().unwrap();
    let (_keep, dir) = out_dir("one_arm_min");
    let paths = write_timecourse(&dir, "timecourse", &s, &r, None).unwrap();
    check(&paths);
    let svg = std::fs::read_to_string(&paths[1]).unwrap();
    assert!(svg.contains("Tizanidine (ng/mL)"));
    assert!(svg.contains("Time (min)"));
    assert!(!svg.contains("Ibuprofen"));
}

#[test]
fn many_arms_wrap_the_legend_and_cycle_colours() {
    let arms = (0..9)
        .map(|k| {
            Arm::new(
                format!("massage session {k} of a long-named protocol"),
                Schedule::default()
                    .window(0.0, 120.0, Effect::Voluntary(0.5))
                    .window(3600.0 * (1.0 + f64::from(k)), 1200.0, Effect::Massage),
            )
        })
        .collect();
    let s = scenario("acute_injury", arms, 24.0 * 3600.0, 300.0, "h");
    let r = s.run().unwrap();
    let (_keep, dir) = out_dir("many_arms");
    check(&write_timecourse(&dir, "timecourse", &s, &r, None).unwrap());
}

#[test]
fn empty_trajectories_still_draw() {
    let s = scenario(
        "healthy",
        vec![Arm::new("nothing", Schedule::default())],
        3600.0,
        60.0,
        "s",
    );
    let r = vec![ArmResult {
        name: "nothing".into(),
        schedule: Schedule::default(),
        patient: s.patient.clone(),
        trajectory: Trajectory::default(),
    }];
    let (_keep, dir) = out_dir("empty");
    check(&write_timecourse(&dir, "timecourse", &s, &r, None).unwrap());
}
