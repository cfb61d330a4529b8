//! The one command-line contract (docs/outputs.md, "Scripting: --quiet and --json"):
//! every command clap knows (read from `spasm --help`, so a new command without a case
//! here fails), run with `--json`, prints exactly one JSON document of the one shape
//! `{"command", "dir", "files", "warnings", "summary"}` and keeps its exit status; run
//! with `--quiet`, it prints nothing on standard output and still writes its outputs.
//! Also: warnings in the document, exports to standard output, and console times in
//! the scenario's time unit.
#![cfg(feature = "cli")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn spasm() -> Command {
    Command::cargo_bin("spasm").expect("binary builds")
}

/// A small scenario: a day of an injured back after an effort, untreated or with a
/// hot pack.
const TINY: &str = "duration = \"1 d\"
[model]
set = \"acute_injury\"
[output]
every = \"1 h\"
[[trigger]]
kind = \"effort\"
at = \"10 min\"
duration = \"2 min\"
level = \"50 %MVC\"
[[arm]]
name = \"no treatment\"
[[arm]]
name = \"hot pack\"
[[arm.intervention]]
kind = \"hot_pack\"
at = \"1 h\"
";

/// A healthy muscle with stretching: never in spasm (the `never_in_spasm` warning).
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

/// The subcommands listed under "Commands:" by `spasm <path> --help`, recursively:
/// the commands that take arguments, as paths (`["export", "sbml"]`).
fn commands(path: &[String]) -> Vec<Vec<String>> {
    let out = spasm().args(path).arg("--help").output().unwrap();
    assert!(out.status.success(), "{path:?} --help: {out:?}");
    let help = String::from_utf8(out.stdout).unwrap();
    let Some((_, listed)) = help.split_once("Commands:\n") else {
        return vec![path.to_vec()];
    };
    listed
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .flat_map(|name| {
            let mut sub = path.to_vec();
            sub.push(name.to_string());
            commands(&sub)
        })
        .collect()
}

/// What a command writes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Writes {
    /// A run directory at the output path.
    Dir,
    /// One file at the output path.
    File,
    /// Nothing: its result is printed.
    Nothing,
}

/// Files the cases share, in one temporary directory.
struct Fixture {
    /// The directory.
    dir: tempfile::TempDir,
    /// [`TINY`].
    tiny: PathBuf,
    /// A scenario with a mistake.
    bad: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let tiny = dir.path().join("tiny.toml");
        std::fs::write(&tiny, TINY).unwrap();
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, TINY.replace("hot_pack", "hot_pak")).unwrap();
        Self { dir, tiny, bad }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// `p` as an argument.
fn arg(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// The cheap arguments of `command` writing to `out`, what it writes and its exit
/// status; `None` for a command without a case.
fn case(command: &str, fx: &Fixture, out: &Path) -> Option<(Vec<String>, Writes, i32)> {
    let tiny = arg(&fx.tiny);
    let o = arg(out);
    let s = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    Some(match command {
        "run" => (s(&[&tiny, "-o", &o]), Writes::Dir, 0),
        "check" => (s(&[&tiny, &arg(&fx.bad)]), Writes::Nothing, 1),
        "validate" => (s(&["--target", "1"]), Writes::Nothing, 0),
        "compare" => (
            s(&[&tiny, "--cohort", "2", "--seed", "1", "-o", &o]),
            Writes::Dir,
            0,
        ),
        "bistability" => (s(&["--steps", "2", "-o", &o]), Writes::Dir, 0),
        "sweep" => (
            s(&[&tiny, "--param", "fac_injury=0:1:2", "-o", &o]),
            Writes::Dir,
            0,
        ),
        "sensitivity" => (
            s(&[
                &tiny,
                "--method",
                "local",
                "--params",
                "fac_injury",
                "-o",
                &o,
            ]),
            Writes::Dir,
            0,
        ),
        "steady" => (s(&["--set", "healthy"]), Writes::Nothing, 0),
        "continuation" => (
            s(&["--param", "h_initial", "--from", "0", "--to", "1", "-o", &o]),
            Writes::Dir,
            0,
        ),
        "escape" => (s(&[&tiny, "-o", &o]), Writes::Dir, 0),
        "phase" => (s(&["--set", "healthy", "-o", &o]), Writes::Dir, 0),
        "merge" => {
            let shards = shards(fx, out);
            (
                s(&[&arg(&shards[0]), &arg(&shards[1]), "-o", &o]),
                Writes::Dir,
                0,
            )
        }
        "params" => (s(&["healthy"]), Writes::Nothing, 0),
        "export sbml" => (s(&["--set", "healthy", "-o", &o]), Writes::File, 0),
        "export omex" => (s(&[&tiny, "-o", &o]), Writes::File, 0),
        "export python" | "export equations" => (s(&["-o", &o]), Writes::File, 0),
        "lecture" => (s(&["-o", &o]), Writes::Dir, 0),
        "report" => {
            let run = fx.path("run-for-report");
            if !run.exists() {
                let done = spasm()
                    .args(["run", &tiny, "--quiet", "-o", &arg(&run)])
                    .output()
                    .unwrap();
                assert!(done.status.success(), "{done:?}");
            }
            (s(&[&arg(&run), "-o", &o]), Writes::File, 0)
        }
        _ => return None,
    })
}

/// Two sweep shards of [`TINY`] for `merge` into `out` (written with `--json`, whose
/// documents are checked too).
fn shards(fx: &Fixture, out: &Path) -> Vec<PathBuf> {
    let stem = out.file_name().unwrap().to_string_lossy().into_owned();
    (1..=2)
        .map(|k| {
            let dir = fx.path(&format!("{stem}-shard-{k}"));
            let shard = format!("{k}/2");
            let o = spasm()
                .args(["sweep", &arg(&fx.tiny), "--param", "fac_injury=0:1:4"])
                .args(["--shard", &shard, "-o", &arg(&dir), "--json"])
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{o:?}");
            let v = document(&o.stdout, "sweep").unwrap();
            check_written(&v, Writes::Dir, &dir).unwrap();
            assert_eq!(v["summary"]["shard"]["index"], k);
            assert_eq!(v["summary"]["shard"]["count"], 2);
            dir
        })
        .collect()
}

/// `stdout` as the one JSON document of `command`, its fields of the right types.
fn document(stdout: &[u8], command: &str) -> Result<serde_json::Value, String> {
    let v: serde_json::Value = serde_json::from_slice(stdout).map_err(|e| {
        format!(
            "not one JSON document ({e}):\n{}",
            String::from_utf8_lossy(stdout)
        )
    })?;
    let keys: BTreeSet<&str> = v
        .as_object()
        .ok_or("not an object")?
        .keys()
        .map(String::as_str)
        .collect();
    let expected = BTreeSet::from(["command", "dir", "files", "warnings", "summary"]);
    if keys != expected {
        return Err(format!("keys {keys:?}, expected {expected:?}"));
    }
    if v["command"] != command {
        return Err(format!("command {}, expected {command}", v["command"]));
    }
    if !v["warnings"]
        .as_array()
        .is_some_and(|w| w.iter().all(serde_json::Value::is_string))
    {
        return Err(format!(
            "warnings not an array of strings: {}",
            v["warnings"]
        ));
    }
    if v["summary"].is_null() {
        return Err("no summary".into());
    }
    Ok(v)
}

/// `dir` and `files` of document `v` agree with what the command wrote to `out`.
fn check_written(v: &serde_json::Value, writes: Writes, out: &Path) -> Result<(), String> {
    let files: Vec<PathBuf> = v["files"]
        .as_array()
        .ok_or("files not an array")?
        .iter()
        .map(|f| f.as_str().map(PathBuf::from).ok_or("a file not a string"))
        .collect::<Result<_, _>>()?;
    for f in &files {
        if !f.is_file() {
            return Err(format!("listed file {} does not exist", f.display()));
        }
    }
    match writes {
        Writes::Dir => {
            let dir = PathBuf::from(v["dir"].as_str().ok_or("dir is null")?);
            if dir != out || !dir.is_dir() {
                return Err(format!(
                    "dir {} is not the output {}",
                    dir.display(),
                    out.display()
                ));
            }
            if files.iter().any(|f| f.parent() != Some(&dir)) {
                return Err(format!("a file outside {}: {files:?}", dir.display()));
            }
            // Every file the run directory's marker lists, and nothing else.
            let marker: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join(".spasm-run.json")).unwrap())
                    .unwrap();
            let marked: BTreeSet<PathBuf> = marker["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| dir.join(f.as_str().unwrap()))
                .collect();
            let listed: BTreeSet<PathBuf> = files.into_iter().collect();
            if listed != marked || listed.is_empty() {
                return Err(format!("files {listed:?}, the directory holds {marked:?}"));
            }
        }
        Writes::File => {
            if !v["dir"].is_null() || files != [out.to_path_buf()] {
                return Err(format!(
                    "dir {}, files {files:?}: expected [{}]",
                    v["dir"],
                    out.display()
                ));
            }
        }
        Writes::Nothing => {
            if !v["dir"].is_null() || !files.is_empty() {
                return Err(format!("dir {}, files {files:?}: expected none", v["dir"]));
            }
        }
    }
    Ok(())
}

#[test]
fn every_command_keeps_the_contract() {
    let fx = Fixture::new();
    let all = commands(&[]);
    assert!(all.len() >= 17, "{all:?}");
    let mut failures = Vec::new();
    for path in &all {
        let name = path.join(" ");
        let slug = path.join("-");
        if name == "serve" {
            // It runs until stopped: its --json document (the page's address) is the
            // first line it prints, checked in tests/serve_http.rs.
            continue;
        }
        let Some((args, writes, code)) = case(&name, &fx, &fx.path(&format!("{slug}-json"))) else {
            failures.push(format!("{name}: no case in tests/cli_contract.rs; add one"));
            continue;
        };
        // --json: one document, the exit status unchanged.
        let out = fx.path(&format!("{slug}-json"));
        let o = spasm()
            .args(path)
            .args(&args)
            .arg("--json")
            .output()
            .unwrap();
        if o.status.code() != Some(code) {
            failures.push(format!(
                "{name} --json: status {:?}, expected {code}: {o:?}",
                o.status
            ));
        } else if let Err(e) =
            document(&o.stdout, &name).and_then(|v| check_written(&v, writes, &out))
        {
            failures.push(format!("{name} --json: {e}"));
        }
        // --quiet: nothing on standard output, the outputs written all the same.
        let out = fx.path(&format!("{slug}-quiet"));
        let (args, ..) = case(&name, &fx, &out).unwrap();
        let o = spasm()
            .args(path)
            .args(&args)
            .arg("--quiet")
            .output()
            .unwrap();
        if o.status.code() != Some(code) {
            failures.push(format!(
                "{name} --quiet: status {:?}, expected {code}: {o:?}",
                o.status
            ));
        }
        if !o.stdout.is_empty() {
            failures.push(format!(
                "{name} --quiet printed:\n{}",
                String::from_utf8_lossy(&o.stdout)
            ));
        }
        if writes != Writes::Nothing && !out.exists() {
            failures.push(format!("{name} --quiet wrote no {}", out.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn warnings_are_in_the_document_and_once_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let never = dir.path().join("never.toml");
    std::fs::write(&never, NEVER).unwrap();
    for cmd in ["run", "compare"] {
        let o = spasm()
            .arg(cmd)
            .arg(&never)
            .arg("-o")
            .arg(dir.path().join(cmd))
            .arg("--json")
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        let v = document(&o.stdout, cmd).unwrap();
        let w = v["warnings"].as_array().unwrap();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].as_str().unwrap().contains("never_in_spasm"), "{w:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.matches("never_in_spasm").count(), 1, "{err}");
        // --quiet too: the warning only in the document.
        let o = spasm()
            .arg(cmd)
            .arg(&never)
            .arg("-o")
            .arg(dir.path().join(format!("{cmd}-q")))
            .args(["--json", "--quiet"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        assert!(o.stderr.is_empty(), "{o:?}");
        let v = document(&o.stdout, cmd).unwrap();
        assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn an_export_to_standard_output_is_in_the_summary() {
    let text = spasm().args(["export", "equations"]).output().unwrap();
    assert!(text.status.success());
    let o = spasm()
        .args(["export", "equations", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v = document(&o.stdout, "export equations").unwrap();
    check_written(&v, Writes::Nothing, Path::new("")).unwrap();
    assert_eq!(
        v["summary"]["text"].as_str().unwrap().as_bytes(),
        text.stdout.as_slice()
    );
    // --quiet without -o would print nothing: refused, with the way out.
    let o = spasm()
        .args(["export", "sbml", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("-o FILE"), "{err}");
}

#[test]
fn console_times_follow_the_scenario_time_unit() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("minutes.toml");
    let text = TINY
        .replace("every = \"1 h\"", "every = \"1 h\"\ntime_unit = \"min\"")
        .replace(
            "kind = \"hot_pack\"",
            "kind = \"local_anaesthetic\"\ndose = \"100 mg\"",
        );
    std::fs::write(&p, text).unwrap();
    let stdout = |args: &[&str]| {
        let o = spasm().args(args).output().unwrap();
        assert!(o.status.success(), "{o:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    let o = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let scenario = p.to_str().unwrap();
    let compare = stdout(&["compare", scenario, "-o", &o("c")]);
    assert!(compare.contains("broken at "), "{compare}");
    for line in compare.lines().filter(|l| l.contains("broken at ")) {
        assert!(line.ends_with(" min"), "{line}");
    }
    let escape = stdout(&["escape", scenario, "--broken-from", "12 h", "-o", &o("e")]);
    assert!(escape.contains("from 720.0 min to the end"), "{escape}");
    let run = stdout(&["run", scenario, "-o", &o("r")]);
    assert!(
        run.lines().nth(2).is_some_and(|l| l.ends_with(" min")),
        "{run}"
    );
    // No dangling separator after the name without a description.
    assert_eq!(run.lines().next(), Some("minutes"), "{run}");
}
