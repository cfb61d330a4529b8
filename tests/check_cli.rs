//! `spasm check` as a user runs it: ok files, every mistake of a file with several,
//! each warning code, `--json`, exit statuses, and the warnings printed once by
//! `spasm run` and `spasm compare`. Also the common spellings (`"21 days"`,
//! `interval`, `"disc herniation"`).
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use spasm::scenario::{check_scenario, parse_scenario, ErrorKind};

fn spasm() -> Command {
    Command::cargo_bin("spasm").expect("binary builds")
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Five independent mistakes: an unknown top-level key (line 2), an override of no
/// parameter (6), `interval` for `every` (8), a trigger without its level (9), a zero
/// dose in arm 1 (17) and an unknown kind in arm 2 (21); arm 3 is fine.
const SEVERAL: &str = "duration = \"7 d\"
colour = \"red\"
[model]
set = \"acute_injury\"
[model.overrides]
tau_hael = \"5 d\"
[output]
interval = \"1 h\"
[[trigger]]
kind = \"effort\"
at = \"1 d\"
duration = \"2 min\"
[[arm]]
name = \"a\"
[[arm.intervention]]
kind = \"ibuprofen\"
dose = \"0 mg\"
[[arm]]
name = \"b\"
[[arm.intervention]]
kind = \"hot_pak\"
[[arm]]
name = \"c\"
";

/// A healthy muscle with stretching: never in spasm.
const NEVER: &str = "duration = \"1 d\"
[model]
set = \"healthy\"
[[arm]]
name = \"nothing\"
[[arm]]
name = \"stretch\"
[[arm.intervention]]
kind = \"stretching\"
at = \"1 h\"
";

/// The disc_herniation set plus a disc_herniation trigger.
const DOUBLE: &str = "duration = \"1 d\"
[model]
set = \"disc_herniation\"
[[trigger]]
kind = \"disc_herniation\"
at = \"1 h\"
rate = \"0.08 1/d\"
[[arm]]
name = \"a\"
";

/// Ibuprofen on experimental pain without injury.
const NSAID: &str = "duration = \"30 min\"
[model]
set = \"healthy\"
[output]
every = \"10 s\"
[[trigger]]
kind = \"experimental_pain\"
at = \"2 min\"
duration = \"10 min\"
[[arm]]
name = \"none\"
[[arm]]
name = \"ibuprofen\"
[[arm.intervention]]
kind = \"ibuprofen\"
at = \"0 min\"
dose = \"400 mg\"
";

#[test]
fn ok_file_exits_0_with_ok_line_and_summary() {
    let out = spasm()
        .arg("check")
        .arg(example("hot_pack.toml"))
        .arg(example("default.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("hot_pack.toml: ok"), "{text}");
    assert!(text.contains("default.toml: ok"), "{text}");
    assert!(
        text.contains("checked 2 files: 0 with errors (0 errors), 0 warnings"),
        "{text}"
    );
}

#[test]
fn every_independent_mistake_is_reported_with_its_line() {
    let c = check_scenario(SEVERAL, "bad.toml");
    assert!(c.scenario.is_none());
    let mut got: Vec<(usize, String, ErrorKind)> = c
        .errors
        .iter()
        .map(|e| (e.line, e.key.clone(), e.kind))
        .collect();
    got.sort_by_key(|(line, _, _)| *line);
    assert_eq!(
        got,
        [
            (2, "colour".to_string(), ErrorKind::UnknownKey),
            (
                6,
                "model.overrides.tau_hael".into(),
                ErrorKind::UnknownParameter
            ),
            (8, "output.interval".into(), ErrorKind::UnknownKey),
            (9, "trigger[1].level".into(), ErrorKind::MissingKey),
            (
                17,
                "arm[1].intervention[1].dose".into(),
                ErrorKind::OutOfRange
            ),
            (
                21,
                "arm[2].intervention[1].kind".into(),
                ErrorKind::UnknownKind
            ),
        ]
    );
    // The first is the one a run reports.
    let first = parse_scenario(SEVERAL, "bad.toml").unwrap_err();
    assert_eq!(first.to_string(), c.errors[0].to_string());
}

/// One arm with a mistake in interventions 1, 3 and 4 (2 and 5 are fine), and a
/// second arm with its own mistake.
const ONE_ARM_SEVERAL: &str = "duration = \"2 d\"
[model]
set = \"acute_injury\"
[[arm]]
name = \"a\"
[[arm.intervention]]
kind = \"ibuprofen\"
dose = \"0 mg\"
[[arm.intervention]]
kind = \"hot_pack\"
at = \"1 h\"
[[arm.intervention]]
kind = \"hot_pak\"
[[arm.intervention]]
kind = \"massage\"
at = \"5 d\"
[[arm.intervention]]
kind = \"stretching\"
at = \"2 h\"
[[arm]]
name = \"b\"
[arm.overrides]
tau_hael = \"5 d\"
tau_heal = \"-3 d\"
";

/// `(line, key, kind)` of every mistake `spasm check` finds in `text`, after checking
/// the invariants: the first is the one a run reports, every span lies in the text.
fn mistakes(text: &str) -> Vec<(usize, String, ErrorKind)> {
    let c = check_scenario(text, "s.toml");
    assert!(c.scenario.is_none());
    let first = parse_scenario(text, "s.toml").unwrap_err();
    assert_eq!(first.to_string(), c.errors[0].to_string());
    for e in &c.errors {
        assert!(e.span.end <= text.len(), "{e}");
    }
    let mut got: Vec<_> = c
        .errors
        .iter()
        .map(|e| (e.line, e.key.clone(), e.kind))
        .collect();
    got.sort_by_key(|(line, _, _)| *line);
    got
}

#[test]
fn every_mistake_inside_one_arm_is_reported() {
    assert_eq!(
        mistakes(ONE_ARM_SEVERAL),
        [
            (
                8,
                "arm[1].intervention[1].dose".to_string(),
                ErrorKind::OutOfRange
            ),
            (
                13,
                "arm[1].intervention[3].kind".into(),
                ErrorKind::UnknownKind
            ),
            (
                16,
                "arm[1].intervention[4].at".into(),
                ErrorKind::OutsideRun
            ),
            (
                23,
                "arm[2].overrides.tau_hael".into(),
                ErrorKind::UnknownParameter
            ),
            (
                24,
                "arm[2].overrides.tau_heal".into(),
                ErrorKind::OutOfRange
            ),
        ]
    );
    // Fixed one by one, the file reads once the last is fixed: nothing was invented.
    let fixed = ONE_ARM_SEVERAL
        .replace("\"0 mg\"", "\"400 mg\"")
        .replace("hot_pak", "hot_pack")
        .replace(
            "\"5 d\"\n[[arm.intervention]]",
            "\"5 h\"\n[[arm.intervention]]",
        )
        .replace("tau_hael = \"5 d\"\n", "")
        .replace("\"-3 d\"", "\"3 d\"");
    assert!(check_scenario(&fixed, "s.toml").errors.is_empty());
}

#[test]
fn unknown_keys_inside_an_entry_are_dropped_and_their_entry_read_on() {
    // An unknown key and a wrong dose in the same intervention: both.
    let text = "duration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\ncolour = \"red\"\n[[arm.intervention]]\nkind = \"ibuprofen\"\nshade = 1\ndose = \"0 mg\"\n";
    assert_eq!(
        mistakes(text),
        [
            (6, "arm[1].colour".to_string(), ErrorKind::UnknownKey),
            (
                9,
                "arm[1].intervention[1].shade".into(),
                ErrorKind::UnknownKey
            ),
            (
                10,
                "arm[1].intervention[1].dose".into(),
                ErrorKind::OutOfRange
            ),
        ]
    );
}

#[test]
fn a_misspelt_key_is_not_reported_again_as_missing() {
    // `dos` (did you mean 'dose'?) and `nme` (did you mean 'name'?): the missing
    // dose and name are the same mistakes; arm 3's own mistake is still reported.
    let text = "duration = \"1 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n[[arm.intervention]]\nkind = \"ibuprofen\"\ndos = \"400 mg\"\n[[arm]]\nnme = \"b\"\n[[arm]]\nname = \"c\"\n[[arm.intervention]]\nkind = \"hot_pak\"\n";
    assert_eq!(
        mistakes(text),
        [
            (
                8,
                "arm[1].intervention[1].dos".to_string(),
                ErrorKind::UnknownKey
            ),
            (10, "arm[2].nme".into(), ErrorKind::UnknownKey),
            (
                14,
                "arm[3].intervention[1].kind".into(),
                ErrorKind::UnknownKind
            ),
        ]
    );
    // Missing without a misspelling: reported.
    let bare = text.replace("dos = \"400 mg\"\n", "");
    assert!(mistakes(&bare)
        .iter()
        .any(|(_, k, kind)| k == "arm[1].intervention[1].dose" && *kind == ErrorKind::MissingKey));
}

#[test]
fn an_arm_over_its_session_limit_is_set_aside_whole() {
    // Three entries of 8000 doses: the third takes the arm over its limit (one
    // mistake, not one per later entry); the arm's later mistake is not read, the
    // next arm's is.
    let many = "[[arm.intervention]]\nkind = \"ibuprofen\"\ndose = \"1 mg\"\nevery = \"1 min\"\ncount = 8000\n";
    let text = format!(
        "duration = \"10 d\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n{many}{many}{many}{many}[[arm.intervention]]\nkind = \"hot_pak\"\n[[arm]]\nname = \"b\"\n[[arm.intervention]]\nkind = \"hot_pak\"\n"
    );
    let got = mistakes(&text);
    let keys: Vec<&str> = got.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["arm[1].intervention[3]", "arm[2].intervention[1].kind"],
        "{got:?}"
    );
}

#[test]
fn cli_prints_every_mistake_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.toml", SEVERAL);
    let out = spasm()
        .arg("check")
        .arg(&bad)
        .arg(example("hot_pack.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("bad.toml: 6 errors"), "{text}");
    for at in [":2:1: colour", ":8:1: output.interval", ":21:8: arm[2]"] {
        assert!(text.contains(at), "{at} missing:\n{text}");
    }
    assert!(text.contains("(did you mean 'every'?)"), "{text}");
    assert!(text.contains("hot_pack.toml: ok"), "{text}");
    assert!(
        text.contains("checked 2 files: 1 with errors (6 errors)"),
        "{text}"
    );
}

#[test]
fn json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.toml", SEVERAL);
    let double = write(dir.path(), "double.toml", DOUBLE);
    let out = spasm()
        .args(["check", "--json"])
        .arg(&bad)
        .arg(&double)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"], "check");
    assert_eq!(v["summary"]["files_with_errors"], 1);
    assert_eq!(v["summary"]["errors"], 6);
    let files = v["summary"]["checked"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert!(files[0]["file"].as_str().unwrap().ends_with("bad.toml"));
    let errors = files[0]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 6);
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(errors[0]["column"], 1);
    assert_eq!(errors[0]["key"], "colour");
    assert_eq!(errors[0]["kind"], "unknown_key");
    assert!(errors[0]["message"].as_str().unwrap().contains("colour"));
    assert_eq!(files[1]["errors"].as_array().unwrap().len(), 0);
    let w = files[1]["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["code"], "double_source");
    assert!(w[0]["message"].as_str().unwrap().contains("h_disc"));
    // The document's warnings name the file.
    let all = v["warnings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    let shown = all[0].as_str().unwrap();
    assert!(
        shown.contains("double.toml") && shown.contains("double_source"),
        "{shown}"
    );
}

/// The warning codes `spasm check --json` gives for `text`.
fn warning_codes(text: &str) -> Vec<(String, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "s.toml", text);
    let out = spasm().args(["check", "--json"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "warnings do not fail a check");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["checked"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["arm"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn warns_double_source() {
    assert_eq!(
        warning_codes(DOUBLE),
        [("double_source".into(), Some("a".into()))]
    );
    // The same trigger on a healthy set adds the only source: no warning.
    assert!(
        warning_codes(&DOUBLE.replace("disc_herniation\"\n[[trigger", "healthy\"\n[[trigger"))
            .is_empty()
    );
}

#[test]
fn warns_never_in_spasm_only_for_the_treated_arm() {
    assert_eq!(
        warning_codes(NEVER),
        [("never_in_spasm".into(), Some("stretch".into()))]
    );
    // On an injured muscle after a strong effort, the spasm is there to treat.
    let spasm = NEVER
        .replace("\"healthy\"", "\"acute_injury\"")
        .replace(
            "[[arm]]\nname = \"nothing\"",
            "[[trigger]]\nkind = \"effort\"\nat = \"10 min\"\nduration = \"2 min\"\nlevel = \"50 %MVC\"\n[[arm]]\nname = \"nothing\"",
        );
    assert!(warning_codes(&spasm).is_empty());
}

#[test]
fn warns_cannot_change_endpoint_without_injury_only() {
    assert_eq!(
        warning_codes(NSAID),
        [("cannot_change_endpoint".into(), Some("ibuprofen".into()))]
    );
    // With an injury the sensitiser is there for ibuprofen to act on (given a day).
    let injured = NSAID
        .replace("set = \"healthy\"", "set = \"acute_injury\"")
        .replace("\"30 min\"", "\"1 d\"")
        .replace("\"10 s\"", "\"10 min\"");
    assert!(warning_codes(&injured).is_empty());
}

#[test]
fn run_and_compare_print_each_warning_once_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "never.toml", NEVER);
    for cmd in ["run", "compare"] {
        let out = spasm()
            .arg(cmd)
            .arg(&p)
            .arg("-o")
            .arg(dir.path().join(cmd))
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            err.matches("warning[never_in_spasm]").count(),
            1,
            "{cmd}:\n{err}"
        );
        assert_eq!(err.lines().filter(|l| l.contains("warning[")).count(), 1);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(!stdout.contains("warning["), "{cmd} stdout:\n{stdout}");
    }
    // --quiet prints nothing but errors.
    let out = spasm()
        .args(["run", "--quiet"])
        .arg(&p)
        .arg("-o")
        .arg(dir.path().join("quiet"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn every_example_checks_ok() {
    let mut cmd = spasm();
    cmd.arg("check");
    let mut n = 0;
    for e in std::fs::read_dir(example("")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            cmd.arg(p);
            n += 1;
        }
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("checked {n} files: 0 with errors")),
        "{text}"
    );
}

#[test]
fn common_spellings() {
    // "21 days" is "21 d".
    let s = parse_scenario(
        "duration = \"21 days\"\n[model]\nset = \"healthy\"\n[[arm]]\nname = \"a\"\n",
        "s.toml",
    )
    .unwrap();
    assert_eq!(s.duration, 21.0 * 86_400.0);
    // "disc herniation" is suggested as disc_herniation.
    let e = parse_scenario(
        "duration = \"1 d\"\n[model]\nset = \"disc herniation\"\n[[arm]]\nname = \"a\"\n",
        "s.toml",
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownSet);
    assert!(e.message.contains("did you mean 'disc_herniation'?"), "{e}");
}

#[test]
fn unreadable_file_is_one_error_and_exit_1() {
    let out = spasm()
        .args(["check", "/nonexistent/x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("x.toml: 1 error"), "{text}");
}
