//! Golden tests of the schedule rules s01–s17 of docs/scenarios.md. The rules about
//! timing (s07–s13, s15–s17) run real simulations through `Scenario::run`.

use spasm::model::idx;
use spasm::protocol::{Effect, Impulse, Window};
use spasm::scenario::{parse_scenario, ArmResult, Scenario};

const MIN: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86400.0;

/// A healthy patient, no settling, `duration`, output every `every`; arms given as TOML.
fn scenario(duration: &str, every: &str, rest: &str) -> Scenario {
    let text = format!(
        "duration = \"{duration}\"\nsettle = \"0 s\"\n[model]\nset = \"healthy\"\n[output]\nevery = \"{every}\"\n{rest}"
    );
    parse_scenario(&text, "test.toml").unwrap_or_else(|e| panic!("{e}\n--- text ---\n{text}"))
}

/// One arm "a" with the given interventions, 1 d, output every 10 min.
fn arm(interventions: &str) -> Scenario {
    scenario(
        "1 d",
        "10 min",
        &format!("[[arm]]\nname = \"a\"\n{interventions}"),
    )
}

fn iv(kind: &str, fields: &str) -> String {
    format!("[[arm.intervention]]\nkind = \"{kind}\"\n{fields}\n")
}

fn event_times(s: &Scenario) -> Vec<f64> {
    s.arms[0].schedule.events.iter().map(|e| e.time).collect()
}

fn window_spans(s: &Scenario) -> Vec<(f64, f64)> {
    s.arms[0]
        .schedule
        .windows
        .iter()
        .map(|w| (w.start, w.end))
        .collect()
}

fn run(s: &Scenario) -> Vec<ArmResult> {
    s.run().expect("simulation")
}

/// Index of sample time `t` in a trajectory.
fn at(r: &ArmResult, t: f64) -> usize {
    r.trajectory
        .times
        .iter()
        .position(|&x| x == t)
        .unwrap_or_else(|| panic!("no sample at {t} s"))
}

#[test]
fn s01_at_and_start_are_the_same_default_zero() {
    let dose = "dose = \"400 mg\"";
    assert_eq!(
        event_times(&arm(&iv("ibuprofen", &format!("{dose}\nstart = \"2 h\"")))),
        event_times(&arm(&iv("ibuprofen", &format!("{dose}\nat = \"2 h\""))))
    );
    assert_eq!(event_times(&arm(&iv("ibuprofen", dose))), vec![0.0]);
}

#[test]
fn s02_without_every_once_count_one_allowed() {
    let once = arm(&iv("ibuprofen", "dose = \"400 mg\"\nat = \"1 h\""));
    let count1 = arm(&iv(
        "ibuprofen",
        "dose = \"400 mg\"\nat = \"1 h\"\ncount = 1",
    ));
    assert_eq!(event_times(&once), vec![HOUR]);
    assert_eq!(once.arms[0].schedule, count1.arms[0].schedule);
}

#[test]
fn s03_every_and_count_count_is_the_total() {
    // NONMEM: time 1 h, ii 8 h, addl 2  ==  count 3.
    let s = arm(&iv(
        "ibuprofen",
        "dose = \"400 mg\"\nat = \"1 h\"\nevery = \"8 h\"\ncount = 3",
    ));
    assert_eq!(event_times(&s), vec![HOUR, 9.0 * HOUR, 17.0 * HOUR]);
    let w = arm(&iv("hot_pack", "at = \"1 h\"\nevery = \"8 h\"\ncount = 3"));
    assert_eq!(
        window_spans(&w),
        vec![
            (HOUR, HOUR + 20.0 * MIN),
            (9.0 * HOUR, 9.0 * HOUR + 20.0 * MIN),
            (17.0 * HOUR, 17.0 * HOUR + 20.0 * MIN)
        ]
    );
}

#[test]
fn s04_every_and_until_until_is_exclusive_and_cut_at_the_end() {
    let times = |until: &str| {
        event_times(&arm(&iv(
            "ibuprofen",
            &format!("dose = \"400 mg\"\nat = \"1 h\"\nevery = \"8 h\"\nuntil = \"{until}\""),
        )))
    };
    assert_eq!(times("17 h"), vec![HOUR, 9.0 * HOUR]);
    assert_eq!(times("17.5 h"), vec![HOUR, 9.0 * HOUR, 17.0 * HOUR]);
    assert_eq!(times("30 d"), vec![HOUR, 9.0 * HOUR, 17.0 * HOUR]);
}

#[test]
fn s05_every_alone_repeats_to_the_end() {
    let s = arm(&iv("ibuprofen", "dose = \"400 mg\"\nevery = \"8 h\""));
    assert_eq!(event_times(&s), vec![0.0, 8.0 * HOUR, 16.0 * HOUR]);
}

#[test]
fn s06_every_equal_to_a_session_gives_back_to_back_sessions() {
    let s = arm(&iv("massage", "duration = \"6 h\"\nevery = \"6 h\""));
    assert_eq!(
        window_spans(&s),
        vec![
            (0.0, 6.0 * HOUR),
            (6.0 * HOUR, 12.0 * HOUR),
            (12.0 * HOUR, 18.0 * HOUR),
            (18.0 * HOUR, DAY)
        ]
    );
    // Stretching: one session is the whole set (3 × 60 s + 2 × 30 s = 4 min).
    assert!(parse_scenario(
        &format!(
            "duration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n{}",
            iv("stretching", "every = \"4 min\"\ncount = 2")
        ),
        "t.toml"
    )
    .is_ok());
}

#[test]
fn s07_an_event_at_zero_applies_at_zero() {
    let s = arm(&iv("ibuprofen", "dose = \"400 mg\"\nat = \"0 s\""));
    let r = run(&s);
    let f = s.patient.params().ibu_f;
    assert_eq!(r[0].trajectory.times[0], 0.0);
    assert_eq!(r[0].trajectory.states[0][idx::IBU_GUT], f * 400.0);
    // Windows too: a session starting at 0 is on in the first sample.
    let h = run(&arm(&iv("hot_pack", "")));
    assert_eq!(h[0].trajectory.drivers[0].skin_heat, Some(43.0));
}

#[test]
fn s08_output_is_right_continuous() {
    let s = scenario(
        "1 h",
        "10 min",
        &format!(
            "[[arm]]\nname = \"a\"\n{}{}",
            iv("hot_pack", "at = \"10 min\"\nduration = \"20 min\""),
            iv("injury", "at = \"20 min\"\nsize = 0.4")
        ),
    );
    let r = &run(&s)[0];
    let d = |t: f64| r.trajectory.drivers[at(r, t)].skin_heat;
    assert_eq!(d(0.0), None);
    assert_eq!(d(10.0 * MIN), Some(43.0), "on at its start");
    assert_eq!(d(20.0 * MIN), Some(43.0));
    assert_eq!(d(30.0 * MIN), None, "off at its end");
    // The healthy patient has H = 0; the sample at the injury's time shows the jump.
    let h = |t: f64| r.trajectory.states[at(r, t)][idx::H];
    assert_eq!(h(10.0 * MIN), 0.0);
    assert_eq!(h(20.0 * MIN), 0.4);
}

#[test]
fn s09_simultaneous_doses_all_apply() {
    let two = arm(&format!(
        "{}{}",
        iv("ibuprofen", "dose = \"200 mg\"\nat = \"1 h\""),
        iv("ibuprofen", "dose = \"200 mg\"\nat = \"1 h\"")
    ));
    let one = arm(&iv("ibuprofen", "dose = \"400 mg\"\nat = \"1 h\""));
    let (r2, r1) = (&run(&two)[0], &run(&one)[0]);
    let k = at(r2, HOUR);
    assert_eq!(
        r2.trajectory.states[k][idx::IBU_GUT],
        two.patient.params().ibu_f * 400.0
    );
    for (a, b) in r2.trajectory.states.iter().zip(&r1.trajectory.states) {
        assert!(
            (a - b).abs().max() < 1e-9,
            "two 200 mg doses differ from one 400 mg dose"
        );
    }
    // A trigger and an intervention at the same time: both (trigger first).
    let both = scenario(
        "1 h",
        "10 min",
        &format!(
            "[[trigger]]\nkind = \"injury\"\nsize = 0.5\n[[arm]]\nname = \"a\"\n{}",
            iv("injury", "size = 0.5")
        ),
    );
    assert_eq!(run(&both)[0].trajectory.states[0][idx::H], 0.75);
}

#[test]
fn s10_sessions_are_cut_at_the_end_of_the_run() {
    let s = scenario(
        "1 h",
        "10 min",
        &format!(
            "[[arm]]\nname = \"a\"\n{}",
            iv("hot_pack", "at = \"50 min\"\nduration = \"20 min\"")
        ),
    );
    assert_eq!(window_spans(&s), vec![(50.0 * MIN, HOUR)]);
    let r = &run(&s)[0];
    let t1 = |t: f64| r.trajectory.states[at(r, t)][idx::T1];
    assert!(
        t1(HOUR) > t1(50.0 * MIN) + 0.5,
        "the pack heats until the end"
    );
    assert_eq!(r.trajectory.times.last(), Some(&HOUR));
    // Stretching: a hold that would start after the end is dropped, one running past
    // the end is cut.
    let st = scenario(
        "1 h",
        "10 min",
        &format!(
            "[[arm]]\nname = \"a\"\n{}",
            iv("stretching", "at = \"58 min\"")
        ),
    );
    assert_eq!(
        window_spans(&st),
        vec![(58.0 * MIN, 59.0 * MIN), (59.5 * MIN, HOUR)]
    );
    run(&st);
}

#[test]
fn s11_overlapping_sessions_combine() {
    let s = scenario(
        "40 min",
        "5 min",
        &format!(
            "[[trigger]]\nkind = \"stress\"\nduration = \"30 min\"\nlevel = \"1 %MVC\"\n[[arm]]\nname = \"a\"\n{}{}{}{}{}",
            iv("hot_pack", "duration = \"20 min\""),
            iv("hot_bath", "at = \"10 min\"\nduration = \"20 min\""),
            iv("stress", "at = \"10 min\"\nduration = \"10 min\"\nlevel = \"2 %MVC\""),
            iv("tens", "strength = 0.5\nduration = \"20 min\""),
            iv("tens", "strength = 0.8\nat = \"10 min\"\nduration = \"5 min\""),
        ),
    );
    let r = &run(&s)[0];
    let d = |t: f64| r.trajectory.drivers[at(r, t)];
    assert_eq!(
        d(15.0 * MIN).skin_heat,
        Some(43.0),
        "the hotter source wins"
    );
    assert_eq!(d(25.0 * MIN).skin_heat, Some(40.0));
    assert!(
        (d(15.0 * MIN).stress_drive - 0.03).abs() < 1e-15,
        "stress adds"
    );
    assert!((d(25.0 * MIN).stress_drive - 0.01).abs() < 1e-15);
    assert_eq!(d(10.0 * MIN).tens, 0.8, "the stronger TENS wins");
    assert_eq!(d(15.0 * MIN).tens, 0.5);
}

#[test]
fn s12_a_dose_exactly_on_an_output_time() {
    let on = &run(&arm(&iv("ibuprofen", "dose = \"400 mg\"\nat = \"30 min\"")))[0];
    let f = arm("").patient.params().ibu_f;
    assert_eq!(on.trajectory.states[at(on, 20.0 * MIN)][idx::IBU_GUT], 0.0);
    assert_eq!(
        on.trajectory.states[at(on, 30.0 * MIN)][idx::IBU_GUT],
        f * 400.0
    );
    assert_eq!(on.trajectory.states[at(on, 30.0 * MIN)][idx::IBU], 0.0);
    // Between samples: seen from the next sample on, already partly absorbed.
    let off = &run(&arm(&iv("ibuprofen", "dose = \"400 mg\"\nat = \"25 min\"")))[0];
    let y = off.trajectory.states[at(off, 30.0 * MIN)];
    assert_eq!(
        off.trajectory.states[at(off, 20.0 * MIN)][idx::IBU_GUT],
        0.0
    );
    assert!(y[idx::IBU_GUT] > 0.0 && y[idx::IBU_GUT] < f * 400.0 && y[idx::IBU] > 0.0);
}

#[test]
fn s13_short_sessions_between_samples_act_in_full() {
    let es = iv(
        "electrical_stimulation",
        "at = \"5 min\"\nduration = \"30 s\"\nintensity = \"50 %MVC\"",
    );
    let s = scenario(
        "20 min",
        "10 min",
        &format!("[[arm]]\nname = \"none\"\n[[arm]]\nname = \"es\"\n{es}"),
    );
    let r = run(&s);
    assert_eq!(r[0].trajectory.states[0], r[1].trajectory.states[0]);
    let cap = |a: &ArmResult| a.trajectory.states[at(a, 10.0 * MIN)][idx::CAP];
    assert!(
        cap(&r[1]) < cap(&r[0]) - 1e-3,
        "30 s of stimulation between samples tires the muscle"
    );
}

#[test]
fn s14_stretching_holds_and_rests() {
    let s = arm(&iv(
        "stretching",
        "at = \"1 h\"\nreps = 2\nhold = \"45 s\"\nrest = \"15 s\"\nevery = \"12 h\"",
    ));
    assert_eq!(
        window_spans(&s),
        vec![
            (HOUR, HOUR + 45.0),
            (HOUR + 60.0, HOUR + 105.0),
            (13.0 * HOUR, 13.0 * HOUR + 45.0),
            (13.0 * HOUR + 60.0, 13.0 * HOUR + 105.0)
        ]
    );
    assert!(s.arms[0]
        .schedule
        .windows
        .iter()
        .all(|w| w.effect == Effect::Stretch));
}

#[test]
fn s15_daily_patterns_follow_the_clock() {
    let daily = |clock: &str, fields: &str| {
        let text = format!(
            "duration = \"2 d\"\nsettle = \"0 s\"\nstart_clock = \"{clock}\"\n[model]\nset = \"healthy\"\n[output]\nevery = \"1 h\"\n[[arm]]\nname = \"a\"\n{}",
            iv("early_movement", fields)
        );
        parse_scenario(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    };
    let s = daily("08:00", "from = \"08:00\"\nto = \"22:00\"\nactivity = 0.3");
    assert_eq!(
        window_spans(&s),
        vec![(0.0, 14.0 * HOUR), (DAY, DAY + 14.0 * HOUR)]
    );
    let m = daily("00:00", "");
    assert_eq!(
        window_spans(&m),
        vec![(8.0 * HOUR, 22.0 * HOUR), (32.0 * HOUR, 46.0 * HOUR)]
    );
    let night = daily("00:00", "from = \"22:00\"\nto = \"06:00\"");
    assert_eq!(
        window_spans(&night),
        vec![
            (0.0, 6.0 * HOUR),
            (22.0 * HOUR, 30.0 * HOUR),
            (46.0 * HOUR, 2.0 * DAY)
        ]
    );
    let clipped = daily("00:00", "at = \"12 h\"\nuntil = \"40 h\"");
    assert_eq!(
        window_spans(&clipped),
        vec![(12.0 * HOUR, 22.0 * HOUR), (32.0 * HOUR, 40.0 * HOUR)]
    );
    let r = &run(&s)[0];
    assert_eq!(r.trajectory.drivers[at(r, 2.0 * HOUR)].activity, 0.3);
    assert_eq!(r.trajectory.drivers[at(r, 15.0 * HOUR)].activity, 0.0);
}

#[test]
fn s16_bed_rest_is_activity_zero_and_overrides_usual_activity() {
    let s = scenario(
        "1 d",
        "1 h",
        &format!(
            "[[trigger]]\nkind = \"injury\"\nsize = 0.5\n[[arm]]\nname = \"none\"\n[[arm]]\nname = \"bed rest\"\n{}",
            iv("bed_rest", "")
        ),
    );
    assert_eq!(
        s.arms[1].schedule.windows,
        vec![Window {
            start: 0.0,
            end: DAY,
            effect: Effect::BedRest
        }]
    );
    let r = run(&s);
    assert!(r[1].trajectory.drivers.iter().all(|d| d.activity == 0.0));
    // The untreated course has no rhythmic activity either (model baseline).
    for (a, b) in r[0].trajectory.states.iter().zip(&r[1].trajectory.states) {
        assert_eq!(a, b);
    }

    // With usual daily activity for everyone (a trigger), bed rest takes it away
    // while it lasts, whatever the order of the entries.
    let s = scenario(
        "2 d",
        "1 h",
        &format!(
            "[[trigger]]\nkind = \"usual_activity\"\nfrom = \"00:00\"\nto = \"23:00\"\nactivity = 0.3\n[[arm]]\nname = \"none\"\n[[arm]]\nname = \"bed rest\"\n{}",
            iv("bed_rest", "duration = \"1 d\"")
        ),
    );
    let r = run(&s);
    let hour = |k: usize| 3600.0 * k as f64;
    let at = |arm: usize, t: f64| {
        let k = r[arm]
            .trajectory
            .times
            .iter()
            .position(|&x| x == t)
            .unwrap();
        r[arm].trajectory.drivers[k].activity
    };
    assert_eq!(at(0, hour(5)), 0.3);
    assert_eq!(at(1, hour(5)), 0.0);
    assert_eq!(at(1, hour(29)), 0.3);
}

#[test]
fn s17_disc_herniation_rate_and_size() {
    let s = scenario(
        "4 d",
        "1 h",
        "[[trigger]]\nkind = \"disc_herniation\"\nat = \"1 d\"\nrate = \"0.08 1/d\"\nsize = 0.2\n[[arm]]\nname = \"a\"\n",
    );
    let sch = &s.arms[0].schedule;
    assert_eq!(sch.events.len(), 1);
    assert_eq!(
        (sch.events[0].time, sch.events[0].impulse),
        (DAY, Impulse::Injury(0.2))
    );
    assert_eq!(
        sch.windows,
        vec![Window {
            start: DAY,
            end: 4.0 * DAY,
            effect: Effect::DiscSource(0.08 / DAY)
        }]
    );
    let r = &run(&s)[0];
    let h = |t: f64| r.trajectory.states[at(r, t)][idx::H];
    assert_eq!(h(DAY - HOUR), 0.0);
    assert_eq!(h(DAY), 0.2);
    // With the source on, H heads for rate × tau_heal = 0.4 instead of healing.
    assert!(h(4.0 * DAY) > 0.2 && h(4.0 * DAY) < 0.4);
    let d = scenario(
        "4 d",
        "1 h",
        "[[trigger]]\nkind = \"disc_herniation\"\nrate = \"0.08 1/d\"\nduration = \"1 d\"\n[[arm]]\nname = \"a\"\n",
    );
    assert_eq!(window_spans(&d), vec![(0.0, DAY)]);
}
