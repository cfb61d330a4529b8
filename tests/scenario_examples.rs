//! Every scenario in `examples/` parses and runs; the embedded default is
//! `examples/default.toml`; the examples cover every intervention kind and
//! `examples/README.md` describes every file.

use std::path::PathBuf;

use spasm::model::idx;
use spasm::scenario::{Scenario, DEFAULT_TOML};

fn example_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_example_parses_and_runs() {
    let files = example_files();
    assert!(files.len() >= 20, "only {} example scenarios", files.len());
    for path in files {
        let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            s.arms.len() >= 2,
            "{}: an example compares at least two arms",
            path.display()
        );
        assert!(
            !s.description.is_empty(),
            "{}: no description",
            path.display()
        );
        let results = s
            .run()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for r in &results {
            let tr = &r.trajectory;
            assert_eq!(tr.times.first(), Some(&0.0));
            assert_eq!(tr.times.last(), Some(&s.duration));
            assert!(
                tr.states.iter().all(|y| y.iter().all(|v| v.is_finite())),
                "{} / {}: non-finite state",
                path.display(),
                r.name
            );
            let p = tr.series(idx::P);
            assert!(
                p.iter().all(|&x| (-1e-9..=10.0 + 1e-9).contains(&x)),
                "{}: pain out of 0–10",
                path.display()
            );
        }
    }
}

#[test]
fn the_embedded_default_is_examples_default_toml() {
    let file = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/default.toml"),
    )
    .unwrap();
    assert_eq!(file, DEFAULT_TOML);
    let s = Scenario::embedded_default();
    assert_eq!(s.set_name, "acute_injury");
    assert_eq!(s.duration, 7.0 * 86400.0);
    assert_eq!(s.output_every, 600.0);
    assert_eq!(s.time_unit, "h");
    assert_eq!(s.arms.len(), 2);
    assert_eq!(s.arms[0].name, "no treatment");
    // The effort trigger tips the injured muscle into spasm in every arm.
    let r = s.run().unwrap();
    for arm in &r {
        let k = arm
            .trajectory
            .times
            .iter()
            .position(|&t| t == 3600.0)
            .unwrap();
        assert!(
            arm.trajectory.states[k][idx::A] > 0.1,
            "{}: no spasm 1 h after the lift",
            arm.name
        );
    }
}

#[test]
fn examples_cover_every_kind_and_the_readme_names_every_file() {
    let readme = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/README.md"),
    )
    .unwrap();
    let mut all = String::new();
    for path in example_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            readme.contains(&format!("`{name}`")),
            "examples/README.md does not describe {name}"
        );
        all.push_str(&std::fs::read_to_string(&path).unwrap());
    }
    for kind in spasm::protocol::catalogue::kind_names() {
        assert!(
            all.contains(&format!("kind = \"{kind}\"")),
            "no example uses kind {kind}"
        );
    }
}
