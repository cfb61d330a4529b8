//! `spasm steady`, `continuation`, `escape`, `phase` and `compare --margin` as a
//! newcomer uses them: outputs written, every benchmark intervention in the escape
//! table, clear errors for bad options.
#![cfg(feature = "cli")]

use assert_cmd::Command;

fn spasm() -> Command {
    Command::cargo_bin("spasm").expect("binary builds")
}

fn succeeds(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn fails(cmd: &mut Command) -> String {
    let err = String::from_utf8(cmd.assert().failure().get_output().stderr.clone()).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn steady_lists_three_states_of_the_injured_loop_as_json() {
    let out = succeeds(spasm().args(["steady", "--param", "h_initial=0.5", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let states = v["summary"]["steady_states"].as_array().unwrap();
    assert_eq!(states.len(), 3, "{out}");
    let verdicts: Vec<&str> = states
        .iter()
        .map(|s| s["equilibrium"]["stability"]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["Stable", "Unstable", "Stable"]);
    let table = succeeds(spasm().args(["steady", "--param", "h_initial=0.5"]));
    assert!(table.contains("unstable (1)"), "{table}");
}

#[test]
fn continuation_writes_the_diagram_and_the_fold_curves() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let text = succeeds(spasm().args([
        "continuation",
        "--param",
        "h_initial",
        "--from",
        "0",
        "--to",
        "1",
        "--param2",
        "gain_gamma",
        "--from2",
        "0.2",
        "--to2",
        "0.5",
        "-o",
        out.to_str().unwrap(),
    ]));
    assert!(text.contains("relaxed or in spasm"), "{text}");
    for f in [
        "branches.csv",
        "special_points.csv",
        "fold_curves.csv",
        "summary.json",
        "bifurcation.png",
        "bifurcation.svg",
        "folds.png",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let special = std::fs::read_to_string(out.join("special_points.csv")).unwrap();
    assert!(special.lines().filter(|l| l.contains(",fold,")).count() >= 2);
}

#[test]
fn escape_covers_every_benchmark_intervention() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e");
    succeeds(spasm().args(["escape", "-q", "-o", out.to_str().unwrap()]));
    let csv = std::fs::read_to_string(out.join("escape.csv")).unwrap();
    let bench = spasm::analysis::compare::benchmark();
    for arm in bench.arms.iter().skip(1) {
        assert!(
            csv.lines().any(|l| l.starts_with(&format!("{},", arm.name))
                || l.starts_with(&format!("\"{}\",", arm.name))),
            "{} missing from escape.csv",
            arm.name
        );
    }
    assert!(out.join("escape.png").is_file());
}

#[test]
fn phase_draws_the_basins_with_an_arm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    succeeds(spasm().args([
        "phase",
        "examples/benchmark.toml",
        "--arm",
        "lidocaine injection",
        "--window",
        "6 h",
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]));
    let basins = std::fs::read_to_string(out.join("basins.csv")).unwrap();
    // Both basins are on the plane.
    assert!(basins.contains(",true") && basins.contains(",false"));
    assert!(out.join("phase.png").is_file());
}

#[test]
fn compare_reports_a_margin_per_arm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m");
    let text = succeeds(spasm().args(["compare", "--margin", "-o", out.to_str().unwrap()]));
    assert!(text.contains("Relapse margin"), "{text}");
    let csv = std::fs::read_to_string(out.join("relapse_margin.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + spasm::analysis::compare::benchmark().arms.len()
    );
}

#[test]
fn bad_options_are_named() {
    let err = fails(spasm().args(["steady", "--hold", "sunshine=1"]));
    assert!(err.contains("--hold") && err.contains("activity"), "{err}");
    let err = fails(spasm().args(["steady", "--param", "no_such=1"]));
    assert!(err.contains("no_such"), "{err}");
    let err = fails(spasm().args([
        "continuation",
        "--param",
        "h_initial",
        "--from",
        "1",
        "--to",
        "0",
    ]));
    assert!(err.contains("increasing"), "{err}");
    let err = fails(spasm().args([
        "continuation",
        "--param",
        "h_initial",
        "--from",
        "0",
        "--to",
        "1",
        "--param2",
        "gain_gamma",
        "--from2",
        "0.5",
        "--to2",
        "0.9",
    ]));
    assert!(err.contains("own value"), "{err}");
    let err = fails(spasm().args([
        "continuation",
        "--param",
        "tau_heal",
        "--from",
        "2 d",
        "--to",
        "30 d",
    ]));
    assert!(err.contains("tau_heal") && err.contains("instead"), "{err}");
    let err = fails(spasm().args(["escape", "--by", "loudness"]));
    assert!(err.contains("dose, intensity or duration"), "{err}");
    let err = fails(spasm().args(["escape", "--arm", "hot pack", "--by", "intensity"]));
    assert!(err.contains("nothing to scale"), "{err}");
}
