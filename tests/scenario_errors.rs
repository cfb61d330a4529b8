//! Every kind of mistake in a scenario file gives a `ScenarioError` with file, line,
//! column, key, what is wrong, what was expected and what is allowed (docs/scenarios.md,
//! "Errors", e01–e18), and never a panic.

use spasm::scenario::{parse_scenario, ErrorKind, Scenario, ScenarioError};

const HEAD: &str = "duration = \"1 d\"\n[model]\nset = \"healthy\"\n";

fn err(text: &str) -> ScenarioError {
    match parse_scenario(text, "bad.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

/// HEAD plus one arm with one intervention holding `fields`.
fn iv(fields: &str) -> String {
    format!("{HEAD}[[arm]]\nname = \"a\"\n[[arm.intervention]]\n{fields}\n")
}

/// Check kind, position and key; return the rendered message.
fn check(e: &ScenarioError, kind: ErrorKind, line: usize, column: usize, key: &str) -> String {
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!((e.line, e.column), (line, column), "{e}");
    assert_eq!(e.key, key, "{e}");
    assert_eq!(e.path, "bad.toml");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("bad.toml:{line}:{column}: ")),
        "{shown}"
    );
    shown
}

#[test]
#[cfg(feature = "diagnostics")]
fn e00_renders_as_one_line_and_as_a_miette_snippet() {
    let e = err(&iv("kind = \"ibuprofen\"\ndose = \"0 mg\""));
    let line = check(
        &e,
        ErrorKind::OutOfRange,
        8,
        8,
        "arm[1].intervention[1].dose",
    );
    assert_eq!(
        line,
        "bad.toml:8:8: arm[1].intervention[1].dose: dose must be more than 0 mg; \
         expected a dose such as \"400 mg\" (allowed: more than 0 mg, at most 10 g)"
    );
    assert!(!line.contains('\n'));
    let mut fancy = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut fancy, &e)
        .unwrap();
    assert!(fancy.contains("dose = \"0 mg\""), "{fancy}");
    assert!(
        fancy.contains("expected a dose such as \"400 mg\""),
        "{fancy}"
    );
    assert!(fancy.contains("bad.toml:8:8"), "{fancy}");
    assert_eq!(&e.source_text()[e.span.clone()], "\"0 mg\"");
}

#[test]
fn e00_columns_count_characters_not_bytes() {
    let e = err("name = \"Rückenschmerz – akut\" ; oops\n");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!((e.line, e.column), (1, 31));
}

#[test]
fn e01_toml_syntax() {
    let e = err(&format!("{HEAD}[[arm]\nname = \"a\"\n"));
    let m = check(&e, ErrorKind::Syntax, 4, 7, "TOML syntax");
    assert!(m.contains("expected"), "{m}");
    let dup = err("duration = \"1 d\"\nduration = \"2 d\"\n");
    assert_eq!((dup.kind, dup.line), (ErrorKind::Syntax, 2));
}

#[test]
fn e02_unknown_keys() {
    let top = err(&format!("durration = \"1 d\"\n{HEAD}"));
    let m = check(&top, ErrorKind::UnknownKey, 1, 1, "durration");
    assert!(m.contains("did you mean 'duration'?"), "{m}");
    assert!(top
        .allowed
        .as_deref()
        .unwrap()
        .contains("duration, settle, start_clock"));
    let nested = err(&format!("{HEAD}[output]\nevry = \"1 h\"\n"));
    check(&nested, ErrorKind::UnknownKey, 5, 1, "output.evry");
    // A real key, but not for this kind.
    let kind = err(&iv("kind = \"hot_pack\"\ndose = \"400 mg\""));
    let m = check(
        &kind,
        ErrorKind::UnknownKey,
        8,
        1,
        "arm[1].intervention[1].dose",
    );
    assert!(m.contains("(hot_pack)"), "{m}");
    assert_eq!(
        kind.allowed.as_deref(),
        Some("kind, at, start, every, count, until, duration, temperature")
    );
}

#[test]
fn e03_missing_keys() {
    let d = err("[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n");
    check(&d, ErrorKind::MissingKey, 1, 1, "duration");
    let dose = err(&iv("kind = \"ibuprofen\""));
    let m = check(
        &dose,
        ErrorKind::MissingKey,
        6,
        1,
        "arm[1].intervention[1].dose",
    );
    assert!(m.contains("needs the key 'dose'"), "{m}");
    let set = err("duration = \"1 d\"\n[model]\n[[arm]]\nname = \"a\"\n");
    check(&set, ErrorKind::MissingKey, 2, 1, "model.set");
}

#[test]
fn e04_wrong_types() {
    let bare = err("duration = 7\n");
    let m = check(&bare, ErrorKind::WrongType, 1, 12, "duration");
    assert!(m.contains("bare number"), "{m}");
    assert!(m.contains("allowed: units s, min, h, d, wk, y"), "{m}");
    let table = err(&format!("{HEAD}[trigger]\nkind = \"injury\"\n"));
    let m = check(&table, ErrorKind::WrongType, 4, 1, "trigger");
    assert!(m.contains("[[trigger]]"), "{m}");
    let count = err(&iv(
        "kind = \"ibuprofen\"\ndose = \"1 mg\"\nevery = \"8 h\"\ncount = 2.5",
    ));
    check(
        &count,
        ErrorKind::WrongType,
        10,
        9,
        "arm[1].intervention[1].count",
    );
    let name = err(&format!("{HEAD}[[arm]]\nname = 3\n"));
    check(&name, ErrorKind::WrongType, 5, 8, "arm[1].name");
}

#[test]
fn e05_unknown_unit() {
    let e = err("duration = \"3 parsecs\"\n");
    let m = check(&e, ErrorKind::UnknownUnit, 1, 12, "duration");
    assert!(m.contains("unknown unit 'parsecs'"), "{m}");
    assert_eq!(e.allowed.as_deref(), Some("units s, min, h, d, wk, y"));
    let tu = err(&format!("{HEAD}[output]\ntime_unit = \"fortnight\"\n"));
    check(&tu, ErrorKind::UnknownUnit, 5, 13, "output.time_unit");
}

#[test]
fn e06_unit_of_the_wrong_kind() {
    let e = err("duration = \"400 mg\"\n");
    let m = check(&e, ErrorKind::WrongUnit, 1, 12, "duration");
    assert!(m.contains("'mg' is not a unit of time"), "{m}");
    let o = err(&format!(
        "{HEAD}[model.overrides]\ntau_heal = \"3 mmHg\"\n[[arm]]\nname = \"a\"\n"
    ));
    check(&o, ErrorKind::WrongUnit, 5, 12, "model.overrides.tau_heal");
}

#[test]
fn e07_not_a_quantity_or_clock_time() {
    let e = err("duration = \"a week\"\n");
    check(&e, ErrorKind::BadQuantity, 1, 12, "duration");
    let c = err("duration = \"1 d\"\nstart_clock = \"8 o'clock\"\n");
    check(&c, ErrorKind::BadQuantity, 2, 15, "start_clock");
}

#[test]
fn e08_out_of_range_values() {
    let neg = err(&iv("kind = \"ibuprofen\"\ndose = \"-400 mg\""));
    check(
        &neg,
        ErrorKind::OutOfRange,
        8,
        8,
        "arm[1].intervention[1].dose",
    );
    let zero = err(&iv("kind = \"local_anaesthetic\"\ndose = \"0 mg\""));
    check(
        &zero,
        ErrorKind::OutOfRange,
        8,
        8,
        "arm[1].intervention[1].dose",
    );
    let huge = err(&iv("kind = \"ibuprofen\"\ndose = \"20 g\""));
    assert!(huge.to_string().contains("too large"), "{huge}");
    let rtol = err(&format!("{HEAD}[solver]\nrtol = 5\n"));
    check(&rtol, ErrorKind::OutOfRange, 5, 8, "solver.rtol");
    let tens = err(&iv("kind = \"tens\"\nstrength = 1.5"));
    check(
        &tens,
        ErrorKind::OutOfRange,
        8,
        12,
        "arm[1].intervention[1].strength",
    );
    let overlap = err(&iv(
        "kind = \"hot_pack\"\nduration = \"20 min\"\nevery = \"10 min\"",
    ));
    let m = check(
        &overlap,
        ErrorKind::OutOfRange,
        9,
        9,
        "arm[1].intervention[1].every",
    );
    assert!(m.contains("would overlap"), "{m}");
    let samples = err(&format!("{HEAD}[output]\nevery = \"0.1 s\"\n"));
    check(&samples, ErrorKind::OutOfRange, 5, 9, "output.every");
    let neg_param = err(&format!("{HEAD}[model.overrides]\ntau_heal = -3\n"));
    check(
        &neg_param,
        ErrorKind::OutOfRange,
        5,
        12,
        "model.overrides.tau_heal",
    );
    let zero_tau = err(&format!("{HEAD}[model.overrides]\ntau_heal = 0\n"));
    let m = check(
        &zero_tau,
        ErrorKind::OutOfRange,
        5,
        12,
        "model.overrides.tau_heal",
    );
    assert!(m.contains("must be more than 0"), "{m}");
    let tiny = err(&iv("kind = \"massage\"\nduration = \"1e-9 s\""));
    check(
        &tiny,
        ErrorKind::OutOfRange,
        8,
        12,
        "arm[1].intervention[1].duration",
    );
}

#[test]
fn e09_schedule_outside_the_run() {
    let before = err(&iv(
        "kind = \"ibuprofen\"\ndose = \"400 mg\"\nat = \"-1 h\"",
    ));
    let m = check(
        &before,
        ErrorKind::OutsideRun,
        9,
        6,
        "arm[1].intervention[1].at",
    );
    assert!(m.contains("before the run starts"), "{m}");
    let after = err(&iv("kind = \"hot_pack\"\nstart = \"1 d\""));
    let m = check(
        &after,
        ErrorKind::OutsideRun,
        8,
        9,
        "arm[1].intervention[1].start",
    );
    assert!(m.contains("at or after the end of the run (1 d)"), "{m}");
    let count = err(&iv(
        "kind = \"ibuprofen\"\ndose = \"400 mg\"\nevery = \"8 h\"\ncount = 4",
    ));
    let m = check(
        &count,
        ErrorKind::OutsideRun,
        10,
        9,
        "arm[1].intervention[1].count",
    );
    assert!(m.contains("at most 3"), "{m}");
    let trig = err(&format!(
        "{HEAD}[[trigger]]\nkind = \"injury\"\nsize = 0.1\nat = \"2 d\"\n"
    ));
    check(&trig, ErrorKind::OutsideRun, 7, 6, "trigger[1].at");
}

#[test]
fn e10_unknown_parameter_override() {
    let e = err(&format!("{HEAD}[model.overrides]\ntau_hael = 3\n"));
    let m = check(
        &e,
        ErrorKind::UnknownParameter,
        5,
        1,
        "model.overrides.tau_hael",
    );
    assert!(m.contains("did you mean 'tau_heal'?"), "{m}");
    // The same in an arm's own overrides, and a wrong unit there.
    let e = err(&format!(
        "{HEAD}[[arm]]\nname = \"a\"\n[arm.overrides]\nmvc_forse = \"1 kN\"\n"
    ));
    let m = check(
        &e,
        ErrorKind::UnknownParameter,
        7,
        1,
        "arm[1].overrides.mvc_forse",
    );
    assert!(m.contains("did you mean 'mvc_force'?"), "{m}");
    let e = err(&format!(
        "{HEAD}[[arm]]\nname = \"a\"\n[arm.overrides]\nmvc_force = \"2 mmHg\"\n"
    ));
    check(
        &e,
        ErrorKind::WrongUnit,
        7,
        13,
        "arm[1].overrides.mvc_force",
    );
}

#[test]
fn e19_output_depths() {
    let with = |d: &str| {
        err(&format!(
            "{HEAD}[output]\ndepths = {d}\n[[arm]]\nname = \"a\"\n"
        ))
    };
    check(
        &with("[\"2 s\"]"),
        ErrorKind::WrongUnit,
        5,
        11,
        "output.depths[1]",
    );
    check(
        &with("[\"1 cm\", \"20 cm\"]"),
        ErrorKind::OutOfRange,
        5,
        19,
        "output.depths[2]",
    );
    check(
        &with("[\"1 cm\", \"10 mm\"]"),
        ErrorKind::Conflict,
        5,
        19,
        "output.depths[2]",
    );
    check(
        &with("\"1 cm\""),
        ErrorKind::WrongType,
        5,
        10,
        "output.depths",
    );
}

#[test]
fn e11_unknown_parameter_set() {
    let e = err("duration = \"1 d\"\n[model]\nset = \"sick\"\n");
    let m = check(&e, ErrorKind::UnknownSet, 3, 7, "model.set");
    assert!(m.contains("unknown parameter set 'sick'"), "{m}");
    assert!(e
        .allowed
        .as_deref()
        .unwrap()
        .contains("healthy, acute_injury"));
}

#[test]
fn e12_non_finite_numbers() {
    for (text, line, col, key) in [
        (format!("{HEAD}[solver]\nrtol = nan\n"), 5, 8, "solver.rtol"),
        (
            format!("{HEAD}[model.overrides]\ntau_heal = inf\n"),
            5,
            12,
            "model.overrides.tau_heal",
        ),
        (
            format!("{HEAD}[model.overrides]\ntau_heal = -inf\n"),
            5,
            12,
            "model.overrides.tau_heal",
        ),
        (
            iv("kind = \"tens\"\nstrength = nan"),
            8,
            12,
            "arm[1].intervention[1].strength",
        ),
        ("duration = \"1e400 s\"\n".to_string(), 1, 12, "duration"),
        ("duration = \"NaN s\"\n".to_string(), 1, 12, "duration"),
        ("duration = \"-inf d\"\n".to_string(), 1, 12, "duration"),
        ("duration = \"Infinity\"\n".to_string(), 1, 12, "duration"),
    ] {
        check(&err(&text), ErrorKind::NotFinite, line, col, key);
    }
}

#[test]
fn e13_absurd_horizon() {
    let e = err("duration = \"2 y\"\n");
    let m = check(&e, ErrorKind::Horizon, 1, 12, "duration");
    assert!(m.contains("longer than one year"), "{m}");
    let s = err("duration = \"1 d\"\nsettle = \"400 d\"\n");
    check(&s, ErrorKind::Horizon, 2, 10, "settle");
    let zero = err("duration = \"0 s\"\n");
    check(&zero, ErrorKind::OutOfRange, 1, 12, "duration");
}

#[test]
fn e14_empty_arms() {
    let none = err(HEAD);
    let m = check(&none, ErrorKind::EmptyArms, 1, 1, "arm");
    assert!(m.contains("at least one arm"), "{m}");
    let empty = err(&format!("arm = []\n{HEAD}"));
    check(&empty, ErrorKind::EmptyArms, 1, 7, "arm");
}

#[test]
fn e15_conflicting_keys() {
    let both = err(&iv("kind = \"massage\"\nat = \"1 h\"\nstart = \"2 h\""));
    check(
        &both,
        ErrorKind::Conflict,
        9,
        9,
        "arm[1].intervention[1].start",
    );
    let cu = err(&iv(
        "kind = \"ibuprofen\"\ndose = \"1 mg\"\nevery = \"8 h\"\ncount = 2\nuntil = \"12 h\"",
    ));
    check(
        &cu,
        ErrorKind::Conflict,
        11,
        9,
        "arm[1].intervention[1].until",
    );
    let until = err(&iv(
        "kind = \"ibuprofen\"\ndose = \"1 mg\"\nuntil = \"12 h\"",
    ));
    check(
        &until,
        ErrorKind::Conflict,
        9,
        9,
        "arm[1].intervention[1].until",
    );
    let count = err(&iv("kind = \"ibuprofen\"\ndose = \"1 mg\"\ncount = 3"));
    let m = check(
        &count,
        ErrorKind::Conflict,
        9,
        9,
        "arm[1].intervention[1].count",
    );
    assert!(m.contains("needs 'every'"), "{m}");
}

#[test]
fn e16_unknown_kind_or_method() {
    let e = err(&iv("kind = \"acupuncture\""));
    let m = check(
        &e,
        ErrorKind::UnknownKind,
        7,
        8,
        "arm[1].intervention[1].kind",
    );
    assert!(
        e.allowed.as_deref().unwrap().contains("hot_pack, hot_bath"),
        "{m}"
    );
    let typo = err(&iv("kind = \"ibuprofin\"\ndose = \"1 mg\""));
    assert!(
        typo.to_string().contains("did you mean 'ibuprofen'?"),
        "{typo}"
    );
    let method = err(&format!("{HEAD}[solver]\nmethod = \"euler\"\n"));
    check(&method, ErrorKind::UnknownKind, 5, 10, "solver.method");
}

#[test]
fn e17_duplicate_arm_names() {
    let e = err(&format!(
        "{HEAD}[[arm]]\nname = \"a\"\n[[arm]]\nname = \"a\"\n"
    ));
    check(&e, ErrorKind::DuplicateArm, 7, 8, "arm[2].name");
}

#[test]
fn e18_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.toml");
    let e = Scenario::load(&path).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    let shown = e.to_string();
    assert!(shown.starts_with(&path.display().to_string()), "{shown}");
    assert!(shown.contains("cannot read the scenario file"), "{shown}");
    // A file that exists is read and parsed with its path in messages.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "duration = 3\n").unwrap();
    let e = Scenario::load(&bad).unwrap_err();
    assert_eq!(e.path, bad.display().to_string());
    assert_eq!(e.kind, ErrorKind::WrongType);
    // A file that is not UTF-8 names where the first bad byte is.
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"name = \"x\"\ndescription = \"caf\xe9\"\n").unwrap();
    let e = Scenario::load(&latin1).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(
        e.to_string().contains("line 2, column 19 (byte offset 29)"),
        "{e}"
    );
}
