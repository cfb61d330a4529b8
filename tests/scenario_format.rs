//! Golden tests of the scenario format rules f01–f14 of docs/scenarios.md.

use spasm::protocol::catalogue::defaults::HOT_PACK_C;
use spasm::protocol::{Drug, Effect, Event, Impulse, Schedule, Window};
use spasm::scenario::{parse_scenario, Scenario};
use spasm::simulation::{SolverConfig, SolverKind};

const MIN: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86400.0;

fn parse(text: &str) -> Scenario {
    parse_scenario(text, "scenarios/test.toml")
        .unwrap_or_else(|e| panic!("{e}\n--- text ---\n{text}"))
}

/// A one-day healthy scenario with one arm holding `interventions`.
fn one_arm(interventions: &str) -> Scenario {
    parse(&format!(
        "duration = \"1 d\"\nsettle = \"0 s\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n{interventions}"
    ))
}

/// The schedule of the single arm of `one_arm(interventions)`.
fn schedule(interventions: &str) -> Schedule {
    one_arm(interventions).arms[0].schedule.clone()
}

fn intervention(kind: &str, fields: &str) -> String {
    format!("[[arm.intervention]]\nkind = \"{kind}\"\n{fields}\n")
}

#[test]
fn f00_docs_examples_parse_and_name_every_kind() {
    let doc = include_str!("../docs/scenarios.md");
    let mut complete = 0;
    for block in doc.split("```toml").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        if body.contains("[[arm]]") {
            let s = parse(body);
            // The example's [solver] table says "these are the defaults".
            assert_eq!(
                s.solver,
                SolverConfig::default(),
                "docs example solver settings"
            );
            complete += 1;
        }
    }
    assert!(complete >= 1, "docs/scenarios.md has no complete example");
    for kind in spasm::protocol::catalogue::kind_names() {
        assert!(
            doc.contains(&format!("`{kind}`")),
            "docs/scenarios.md does not document `{kind}`"
        );
    }
}

#[test]
fn f01_minimal_file_and_every_top_level_key() {
    let s =
        parse("duration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"untreated\"\n");
    assert_eq!(s.arms.len(), 1);
    assert_eq!(s.arms[0].schedule, Schedule::default());
    let full = parse(
        r#"
name = "n"
description = "d"
duration = "2 d"
settle = "1 h"
start_clock = "07:30"
[model]
set = "acute_injury"
[model.overrides]
tau_heal = "4 d"
[output]
every = "30 min"
time_unit = "d"
[solver]
method = "dopri5"
rtol = 1e-5
max_step = "10 min"
[[trigger]]
kind = "injury"
size = 0.1
[[arm]]
name = "x"
[[arm.intervention]]
kind = "massage"
"#,
    );
    assert_eq!((full.name.as_str(), full.description.as_str()), ("n", "d"));
    assert_eq!(full.duration, 2.0 * DAY);
}

#[test]
fn f02_quantities_carry_units_in_strings() {
    let at = |t: &str| {
        schedule(&intervention(
            "injury",
            &format!("size = 0.1\nat = \"{t}\""),
        ))
        .events[0]
            .time
    };
    assert_eq!(at("90 s"), 90.0);
    assert_eq!(at("90s"), 90.0);
    assert_eq!(at("1.5e3 s"), 1500.0);
    assert_eq!(at("1.5 min"), 90.0);
    assert_eq!(at("2 h"), 2.0 * HOUR);
    assert_eq!(at("0.5 d"), 12.0 * HOUR);
    let temp = |t: &str| {
        schedule(&intervention("hot_pack", &format!("temperature = \"{t}\""))).windows[0].effect
    };
    for t in ["42 °C", "42 C", "42 degC", "42°C"] {
        assert_eq!(temp(t), Effect::SkinHeat(42.0), "{t}");
    }
    let dose = |d: &str| {
        schedule(&intervention("ibuprofen", &format!("dose = \"{d}\""))).events[0].impulse
    };
    assert_eq!(dose("0.4 g"), Impulse::Dose(Drug::Ibuprofen, 400.0));
    assert_eq!(dose("400000 ug"), Impulse::Dose(Drug::Ibuprofen, 400.0));
    let level = |l: &str| {
        schedule(&intervention(
            "effort",
            &format!("duration = \"1 min\"\nlevel = \"{l}\""),
        ))
        .windows[0]
            .effect
    };
    for l in ["50 %MVC", "0.5 MVC", "50 %"] {
        assert_eq!(level(l), Effect::Voluntary(0.5), "{l}");
    }
}

#[test]
fn f03_name_defaults_to_file_stem_description_to_empty() {
    let s = parse("duration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n");
    assert_eq!(s.name, "test");
    assert_eq!(s.description, "");
    let named = parse("name = \"My run\"\nduration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n");
    assert_eq!(named.name, "My run");
}

#[test]
fn f04_duration_up_to_one_year() {
    for (d, s) in [
        ("1 y", 365.25 * DAY),
        ("365.25 d", 365.25 * DAY),
        ("90 min", 90.0 * MIN),
        ("2 wk", 14.0 * DAY),
    ] {
        let sc = parse(&format!(
            "duration = \"{d}\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n"
        ));
        assert_eq!(sc.duration, s, "{d}");
    }
}

#[test]
fn f05_settle_defaults_to_12_h_and_zero_means_nominal_rest() {
    let s = parse("duration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n");
    assert_eq!(s.settle, 12.0 * HOUR);
    let z = one_arm("");
    assert_eq!(z.settle, 0.0);
    assert_eq!(
        z.initial_state().unwrap(),
        z.patient.model().initial_state()
    );
}

#[test]
fn f06_overrides_numbers_in_set_unit_strings_converted() {
    let with = |o: &str| {
        parse(&format!(
            "duration = \"1 d\"\n[model]\nset = \"acute_injury\"\n[model.overrides]\n{o}\n[[arm]]\nname = \"a\"\n"
        ))
    };
    assert_eq!(with("tau_heal = 3").patient.params().tau_heal, 3.0 * DAY);
    assert_eq!(
        with("tau_heal = \"72 h\"").patient.params().tau_heal,
        3.0 * DAY
    );
    assert_eq!(with("h_initial = 0.25").patient.params().h_initial, 0.25);
    // Outside the documented plausible range (0.1–0.8) but not negative: accepted.
    assert_eq!(with("gain_gamma = 0.9").patient.params().gain_gamma, 0.9);
    assert_eq!(with("").set_name, "acute_injury");
}

#[test]
fn f07_output_interval_and_time_unit() {
    let out = |d: &str, extra: &str| {
        let s = parse(&format!(
            "duration = \"{d}\"\nsettle = \"0 s\"\n[model]\nset = \"healthy\"\n{extra}\n[[arm]]\nname = \"a\"\n"
        ));
        (s.output_every, s.time_unit.clone())
    };
    assert_eq!(out("7 d", ""), (10.0 * MIN, "h".to_string()));
    assert_eq!(out("1 d", ""), (MIN, "h".to_string()));
    assert_eq!(out("30 min", ""), (1.0, "min".to_string()));
    assert_eq!(out("5 min", ""), (1.0, "s".to_string()));
    assert_eq!(out("60 d", ""), (HOUR, "d".to_string()));
    assert_eq!(
        out("1 d", "[output]\nevery = \"2 h\"\ntime_unit = \"min\""),
        (2.0 * HOUR, "min".to_string())
    );
    // Samples at 0, every, 2·every, ... and the end of the run.
    let s = parse(
        "duration = \"25 min\"\nsettle = \"0 s\"\n[model]\nset = \"healthy\"\n[output]\nevery = \"10 min\"\n[[arm]]\nname = \"a\"\n",
    );
    let r = s.run().unwrap();
    assert_eq!(r[0].trajectory.times, vec![0.0, 600.0, 1200.0, 1500.0]);
    // Depths: lengths in cm or mm, in the order written; none by default.
    assert!(s.output_depths.is_empty());
    let d = parse(
        "duration = \"1 h\"\n[model]\nset = \"healthy\"\n[output]\ndepths = [\"2.5 cm\", \"15 mm\", \"0 cm\"]\n[[arm]]\nname = \"a\"\n",
    );
    assert_eq!(d.output_depths, vec![2.5, 1.5, 0.0]);
}

#[test]
fn f14_arm_overrides_give_the_arm_its_own_patient() {
    let s = parse(
        "duration = \"10 min\"\nsettle = \"1 h\"\n[model]\nset = \"healthy\"\n[model.overrides]\ntau_heal = 3\n\
         [[arm]]\nname = \"reference\"\n\
         [[arm]]\nname = \"weak\"\n[arm.overrides]\nmvc_force = \"1 kN\"\nh_initial = 0.2\n",
    );
    assert!(s.arms[0].overrides.is_empty());
    // In canonical units (N), in the order written.
    assert_eq!(
        s.arms[1].overrides,
        vec![
            ("mvc_force".to_string(), 1000.0),
            ("h_initial".to_string(), 0.2)
        ]
    );
    let weak = s.arms[1].patient(&s.patient).unwrap();
    assert_eq!(weak.params().h_initial, 0.2);
    // The scenario's own overrides stay under the arm's.
    assert_eq!(weak.params().tau_heal, 3.0 * DAY);
    assert_eq!(
        s.arms[0].patient(&s.patient).unwrap().params(),
        s.patient.params()
    );
    // Each arm runs on its patient, settled on its own.
    let r = s.run().unwrap();
    assert_eq!(r[1].patient.params().mvc_force, 1000.0);
    assert!(r[1].trajectory.states[0][spasm::model::idx::H] > 0.19);
    assert_eq!(r[0].trajectory.states[0][spasm::model::idx::H], 0.0);
}

#[test]
fn f08_solver_defaults_and_settings() {
    let s = one_arm("");
    assert_eq!(s.solver, SolverConfig::default());
    assert_eq!(s.solver.kind, SolverKind::Rodas4);
    assert_eq!(s.solver.max_step, f64::INFINITY);
    let t = parse(
        "duration = \"1 d\"\n[model]\nset = \"healthy\"\n[solver]\nmethod = \"dopri5\"\nrtol = 1e-8\nmax_step = \"1 min\"\n[[arm]]\nname = \"a\"\n",
    );
    assert_eq!(
        t.solver,
        SolverConfig {
            kind: SolverKind::Dopri5,
            rtol: 1e-8,
            max_step: 60.0
        }
    );
}

#[test]
fn f09_triggers_reach_every_arm_before_its_interventions() {
    let s = parse(
        r#"
duration = "1 d"
[model]
set = "healthy"
[[trigger]]
kind = "injury"
size = 0.2
[[trigger]]
kind = "effort"
duration = "2 min"
level = "50 %MVC"
[[arm]]
name = "none"
[[arm]]
name = "ibuprofen"
[[arm.intervention]]
kind = "ibuprofen"
dose = "400 mg"
"#,
    );
    let injury = Event {
        time: 0.0,
        impulse: Impulse::Injury(0.2),
    };
    let effort = Window {
        start: 0.0,
        end: 120.0,
        effect: Effect::Voluntary(0.5),
    };
    assert_eq!(s.arms[0].schedule.events, vec![injury]);
    assert_eq!(s.arms[0].schedule.windows, vec![effort]);
    assert_eq!(
        s.arms[1].schedule.events,
        vec![
            injury,
            Event {
                time: 0.0,
                impulse: Impulse::Dose(Drug::Ibuprofen, 400.0)
            }
        ]
    );
    assert_eq!(s.arms[1].schedule.windows, vec![effort]);
}

#[test]
fn f10_arms_in_order_and_two_drugs_in_one_arm() {
    let s = parse(
        r#"
duration = "1 d"
[model]
set = "healthy"
[[arm]]
name = "no treatment"
[[arm]]
name = "ibuprofen + cyclobenzaprine"
[[arm.intervention]]
kind = "ibuprofen"
dose = "400 mg"
at = "1 h"
[[arm.intervention]]
kind = "cyclobenzaprine"
dose = "5 mg"
at = "1 h"
"#,
    );
    let names: Vec<&str> = s.arms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["no treatment", "ibuprofen + cyclobenzaprine"]);
    assert_eq!(s.arms[0].schedule, Schedule::default());
    let ev = &s.arms[1].schedule.events;
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].impulse, Impulse::Dose(Drug::Ibuprofen, 400.0));
    assert_eq!(ev[1].impulse, Impulse::Dose(Drug::Cyclobenzaprine, 5.0));
    assert!(ev.iter().all(|e| e.time == HOUR));
}

#[test]
fn f11_kind_names_aliases_case_and_separators() {
    let pairs = [
        ("strain", "injury", "size = 0.1"),
        (
            "voluntary_contraction",
            "sustained_contraction",
            "duration = \"1 min\"\nlevel = \"30 %MVC\"",
        ),
        (
            "effort",
            "sustained_contraction",
            "duration = \"1 min\"\nlevel = \"30 %MVC\"",
        ),
        (
            "emotional_stress",
            "stress",
            "duration = \"1 h\"\nlevel = \"2 %MVC\"",
        ),
        ("herniation", "disc_herniation", "size = 0.2"),
        ("stretch", "stretching", ""),
        ("hotpack", "hot_pack", ""),
        ("Hot Pack", "hot_pack", ""),
        ("hot-pack", "hot_pack", ""),
        ("bath", "hot_bath", ""),
        ("heatwrap", "heat_wrap", ""),
        ("nmes", "electrical_stimulation", "intensity = \"20 %MVC\""),
        ("ems", "electrical_stimulation", "intensity = \"20 %MVC\""),
        ("TENS", "tens", ""),
        ("lidocaine", "local_anaesthetic", "dose = \"50 mg\""),
        ("local_anesthetic", "local_anaesthetic", "dose = \"50 mg\""),
        ("therapeutic_ultrasound", "ultrasound", ""),
        ("stay_active", "early_movement", ""),
        (
            "ischemia_cuff",
            "cuff",
            "pressure = \"200 mmHg\"\nduration = \"5 min\"",
        ),
        (
            "ischaemia_cuff",
            "cuff",
            "pressure = \"200 mmHg\"\nduration = \"5 min\"",
        ),
    ];
    for (alias, name, fields) in pairs {
        assert_eq!(
            schedule(&intervention(alias, fields)),
            schedule(&intervention(name, fields)),
            "{alias} vs {name}"
        );
    }
}

#[test]
fn f12_defaults_of_every_kind() {
    let w = |kind: &str, fields: &str| schedule(&intervention(kind, fields)).windows;
    let one = |start: f64, len: f64, effect: Effect| Window {
        start,
        end: start + len,
        effect,
    };
    assert_eq!(
        w("hot_pack", ""),
        vec![one(0.0, 20.0 * MIN, Effect::SkinHeat(HOT_PACK_C))]
    );
    assert_eq!(HOT_PACK_C, 43.0);
    assert_eq!(
        w("hot_bath", ""),
        vec![one(0.0, 20.0 * MIN, Effect::SkinHeat(40.0))]
    );
    assert_eq!(
        w("heat_wrap", ""),
        vec![one(0.0, 8.0 * HOUR, Effect::SkinHeat(40.0))]
    );
    assert_eq!(
        w("massage", ""),
        vec![one(0.0, 10.0 * MIN, Effect::Massage)]
    );
    assert_eq!(
        w("electrical_stimulation", "intensity = \"20 %MVC\""),
        vec![one(0.0, 20.0 * MIN, Effect::ElectricalStimulation(0.2))]
    );
    assert_eq!(w("tens", ""), vec![one(0.0, 30.0 * MIN, Effect::Tens(1.0))]);
    assert_eq!(
        w("ultrasound", ""),
        vec![one(
            0.0,
            5.0 * MIN,
            Effect::Ultrasound {
                intensity: 1.5,
                frequency: 3.0
            }
        )]
    );
    let bed = parse(&format!(
        "duration = \"3 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n{}",
        intervention("bed_rest", "")
    ));
    assert_eq!(
        bed.arms[0].schedule.windows,
        vec![one(0.0, 2.0 * DAY, Effect::BedRest)]
    );
    assert_eq!(
        w("stretching", ""),
        vec![
            one(0.0, 60.0, Effect::Stretch),
            one(90.0, 60.0, Effect::Stretch),
            one(180.0, 60.0, Effect::Stretch)
        ]
    );
    // Early movement: 08:00–22:00 at 0.3 every day; t = 0 is 00:00 by default.
    assert_eq!(
        w("early_movement", ""),
        vec![one(8.0 * HOUR, 14.0 * HOUR, Effect::Activity(0.3))]
    );
}

#[test]
fn f13_each_kind_becomes_its_effect_or_impulse() {
    let s = schedule(
        &[
            intervention("injury", "size = 0.3"),
            intervention("effort", "duration = \"2 min\"\nlevel = \"50 %MVC\""),
            intervention("stress", "duration = \"1 h\"\nlevel = \"2 %MVC\""),
            intervention("disc_herniation", "rate = \"0.08 1/d\""),
            intervention("stretching", "reps = 1"),
            intervention("hot_pack", "temperature = \"42 °C\""),
            intervention("massage", ""),
            intervention("electrical_stimulation", "intensity = \"15 %MVC\""),
            intervention("tens", "strength = 0.5"),
            intervention("ibuprofen", "dose = \"400 mg\""),
            intervention("cyclobenzaprine", "dose = \"5 mg\""),
            intervention("tizanidine", "dose = \"4 mg\""),
            intervention("local_anaesthetic", "dose = \"50 mg\""),
            intervention(
                "ultrasound",
                "intensity = \"1 W/cm2\"\nfrequency = \"1 MHz\"",
            ),
            intervention("cuff", "pressure = \"200 mmHg\"\nduration = \"10 min\""),
            intervention(
                "sustained_contraction",
                "duration = \"1 h\"\nlevel = \"5 %MVC\"",
            ),
        ]
        .concat(),
    );
    let effects: Vec<Effect> = s.windows.iter().map(|w| w.effect).collect();
    assert_eq!(
        effects,
        vec![
            Effect::Voluntary(0.5),
            Effect::Stress(0.02),
            Effect::DiscSource(0.08 / DAY),
            Effect::Stretch,
            Effect::SkinHeat(42.0),
            Effect::Massage,
            Effect::ElectricalStimulation(0.15),
            Effect::Tens(0.5),
            Effect::Ultrasound {
                intensity: 1.0,
                frequency: 1.0
            },
            Effect::Cuff(200.0),
            Effect::Voluntary(0.05),
        ]
    );
    let impulses: Vec<Impulse> = s.events.iter().map(|e| e.impulse).collect();
    assert_eq!(
        impulses,
        vec![
            Impulse::Injury(0.3),
            Impulse::Dose(Drug::Ibuprofen, 400.0),
            Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
            Impulse::Dose(Drug::Tizanidine, 4.0),
            Impulse::LocalAnaesthetic(50.0),
        ]
    );
}
