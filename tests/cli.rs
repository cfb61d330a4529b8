//! The command line as a newcomer uses it.
#![cfg(feature = "cli")]

use assert_cmd::Command;

fn spasm() -> Command {
    Command::cargo_bin("spasm").expect("binary builds")
}

/// Run `cmd`, require success, return its standard output.
fn succeeds(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// Run `cmd`, require failure, return its standard error (which must not be a panic).
fn fails(cmd: &mut Command) -> String {
    let text = String::from_utf8(cmd.assert().failure().get_output().stderr.clone()).unwrap();
    text
}

#[test]
fn validate_prints_every_target_and_passes() {
    let text = succeeds(spasm().arg("validate"));
    for t in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{t} "))),
            "target {t} missing"
        );
    }
    assert!(text.contains(" 0 failed"), "{text}");
}

#[test]
fn validate_json_is_machine_readable() {
    let out = succeeds(spasm().args(["validate", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let checks = v["summary"]["checks"].as_array().unwrap();
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|r| r["pass"] == true));
    assert_eq!(v["summary"]["failed"], 0);
}

#[test]
fn params_lists_sets_and_shows_sources() {
    let text = succeeds(spasm().arg("params"));
    for set in [
        "healthy",
        "acute_injury",
        "disc_herniation",
        "chronic_stress",
        "pain_adaptation",
    ] {
        assert!(text.contains(set));
    }
    let out = succeeds(spasm().args(["params", "healthy"]));
    assert!(out.contains("Sjøgaard"));
}

#[test]
fn unknown_parameter_set_is_one_clear_error() {
    let text = fails(spasm().args(["params", "sick"]));
    assert!(text.contains("unknown parameter set 'sick'"), "{text}");
    assert!(
        text.contains("acute_injury"),
        "lists what is allowed: {text}"
    );
}

#[test]
fn run_without_arguments_writes_every_output_of_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let text = succeeds(spasm().current_dir(tmp.path()).arg("run"));
    assert!(text.contains("no treatment"), "{text}");
    let dir = tmp.path().join("out/default");
    for f in [
        "trajectories.csv",
        "metrics.csv",
        "summary.json",
        "manifest.json",
        "timecourse.png",
        "timecourse.svg",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
}

#[test]
fn bad_scenario_fails_with_file_line_and_key_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/ibuprofen.toml"
    ))
    .unwrap();
    std::fs::write(&bad, good.replace("400 mg", "-400 mg")).unwrap();
    let text = fails(
        spasm()
            .current_dir(tmp.path())
            .args(["run", "bad.toml", "-o", "res"]),
    );
    assert!(text.contains("bad.toml:"), "names the file: {text}");
    assert!(text.contains("dose"), "names the key: {text}");
    assert!(
        !tmp.path().join("res").exists(),
        "no output directory left behind"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the scenario file remains: {leftovers:?}"
    );
}

#[test]
fn unwritable_output_directory_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let text = fails(spasm().args(["run", "-o"]).arg(file.join("sub")));
    assert!(text.contains("plain-file"), "{text}");
}

#[test]
fn export_sbml_writes_a_model_file_and_rejects_unknown_arms() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("m.xml");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/ibuprofen.toml");
    spasm()
        .args(["export", "sbml", scenario, "--arm", "ibuprofen", "-o"])
        .arg(&file)
        .assert()
        .success();
    let xml = std::fs::read_to_string(&file).unwrap();
    assert!(xml.contains("<sbml") && xml.contains("level=\"3\"") && xml.contains("<event"));
    let out = fails(spasm().args(["export", "sbml", scenario, "--arm", "nope"]));
    assert!(out.contains("no arm 'nope'"));
    let stdout = succeeds(spasm().args(["export", "sbml", "--set", "healthy"]));
    assert!(stdout.contains("id=\"k_edema\""));
}

#[test]
fn bistability_finds_the_self_sustaining_range_and_writes_its_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bis");
    let text = succeeds(
        spasm()
            .args(["bistability", "--steps", "5", "-o"])
            .arg(&dir),
    );
    assert!(
        text.contains("bistable (spasm can sustain itself) for injury 0.50–0.75"),
        "{text}"
    );
    for f in [
        "bistability.csv",
        "bistability.png",
        "bistability.svg",
        "manifest.json",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    let csv = std::fs::read_to_string(dir.join("bistability.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 5);
    let text = succeeds(
        spasm()
            .args([
                "bistability",
                "--set",
                "pain_adaptation",
                "--steps",
                "5",
                "-o",
            ])
            .arg(tmp.path().join("pa")),
    );
    assert!(text.contains("monostable at every injury level"), "{text}");
    fails(spasm().args(["bistability", "--set", "sick"]));
}

#[test]
fn run_console_uses_the_time_unit_aligns_long_names_and_has_no_dangling_separator() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("long.toml");
    let long = "a very very long arm name that goes on and on";
    std::fs::write(
        &scenario,
        format!(
            "name = \"Long names\"\ndescription = \"\"\nduration = \"2 d\"\n[model]\nset = \"healthy\"\n[output]\ntime_unit = \"d\"\n[[arm]]\nname = \"short\"\n[[arm]]\nname = \"{long}\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("o");
    let text = succeeds(spasm().arg("run").arg(&scenario).arg("-o").arg(&out));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Long names", "{text}");
    // Every row's numbers start in the same column, and times are in days.
    let rows: Vec<&str> = lines[2..4].to_vec();
    let col = |l: &str| l.find(" NRS·h").unwrap();
    assert_eq!(col(rows[0]), col(rows[1]), "{text}");
    assert!(rows.iter().all(|r| r.ends_with(" d")), "{text}");
}
