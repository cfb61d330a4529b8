//! The command line as a newcomer uses it.

use assert_cmd::Command;

fn spasm() -> Command {
    Command::cargo_bin("spasm").expect("binary builds")
}

#[test]
fn validate_prints_every_target_and_passes() {
    let out = spasm().arg("validate").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for t in [1, 2, 3, 4, 5, 6, 7, 8, 9, 11] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(&format!("{t} "))),
            "target {t} missing"
        );
    }
    assert!(text.contains(" 0 failed"), "{text}");
}

#[test]
fn validate_json_is_machine_readable() {
    let out = spasm().args(["validate", "--json"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v.as_array().unwrap().iter().all(|r| r["pass"] == true));
}

#[test]
fn params_lists_sets_and_shows_sources() {
    let out = spasm().arg("params").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for set in ["healthy", "acute_injury", "disc_herniation", "chronic_stress", "pain_adaptation"] {
        assert!(text.contains(set));
    }
    let out = spasm().args(["params", "healthy"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8(out).unwrap().contains("Sjøgaard"));
}

#[test]
fn unknown_parameter_set_is_one_clear_error() {
    let out = spasm().args(["params", "sick"]).assert().failure().get_output().stderr.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("unknown parameter set 'sick'"), "{text}");
    assert!(text.contains("acute_injury"), "lists what is allowed: {text}");
    assert!(!text.contains("panicked"));
}
