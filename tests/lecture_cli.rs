//! `spasm lecture`: the pack from a clean start, every figure slide-sized with its
//! caption, numbers in the captions from the runs, and a rerun that replaces only
//! its own directory.
#![cfg(feature = "figures")]

use assert_cmd::Command;

const FIGURES: [&str; 6] = [
    "1_loop",
    "2_tipping",
    "3_clamp_dilate",
    "4_interventions",
    "5_bistability",
    "6_ranking",
];

/// The size of a PNG, px, from its header.
fn png_size(path: &std::path::Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

#[test]
fn the_pack_has_every_figure_at_slide_size_with_its_caption() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pack");
    Command::cargo_bin("spasm")
        .unwrap()
        .args(["lecture", "-o"])
        .arg(&out)
        .assert()
        .success();
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    for stem in FIGURES {
        assert_eq!(
            png_size(&out.join(format!("{stem}.png"))),
            (1280, 720),
            "{stem}"
        );
        let svg = std::fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.len() < 400_000, "{stem}.svg is {} bytes", svg.len());
        let caption = std::fs::read_to_string(out.join(format!("{stem}.md"))).unwrap();
        assert!(
            caption.contains(&format!("({stem}.png)")),
            "{stem}.md shows its figure"
        );
        assert!(
            readme.contains(&format!("({stem}.png)")),
            "README shows {stem}"
        );
    }
    // The captions carry what the runs found: the injured arm stays in spasm, the
    // healthy one does not; in the spasm the vessels are partly closed while flow
    // rises and tissue oxygen falls.
    let tipping = std::fs::read_to_string(out.join("2_tipping.md")).unwrap();
    assert!(
        tipping.contains("injured (H = 0.5): contraction") && tipping.contains("not broken"),
        "{tipping}"
    );
    let clamp = std::fs::read_to_string(out.join("3_clamp_dilate.md")).unwrap();
    let injured = clamp.lines().find(|l| l.starts_with("- injured")).unwrap();
    let number = |after: &str| -> f64 {
        let i = injured.find(after).unwrap() + after.len();
        injured[i..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(number("vessels ") < 100.0, "{injured}");
    assert!(number("flow ") > 1.0, "{injured}");
    assert!(number("tissue O₂ ") < 1.0, "{injured}");
    let bistable = std::fs::read_to_string(out.join("5_bistability.md")).unwrap();
    assert!(bistable.contains("bistable from injury H ="), "{bistable}");

    // A rerun replaces the pack; a directory that is not spasm's is refused.
    Command::cargo_bin("spasm")
        .unwrap()
        .args(["lecture", "-q", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep").unwrap();
    Command::cargo_bin("spasm")
        .unwrap()
        .args(["lecture", "-o"])
        .arg(&mine)
        .assert()
        .failure();
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep"
    );
}
