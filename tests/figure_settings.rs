//! The `[figure]` table and the figure flags: what they accept, what they refuse
//! (with file, line and key), and that the figure follows them.
#![cfg(feature = "figures")]

use assert_cmd::Command;
use spasm::scenario::parse_scenario;

const BASE: &str = r#"
name = "figure settings"
duration = "6 h"
[model]
set = "acute_injury"
[output]
every = "1 min"
[[trigger]]
kind = "effort"
at = "10 min"
duration = "2 min"
level = "50 %MVC"
[[arm]]
name = "no treatment"
[[arm]]
name = "ibuprofen"
  [[arm.intervention]]
  kind = "ibuprofen"
  dose = "400 mg"
  at = "1 h"
"#;

fn with_figure(table: &str) -> String {
    format!("{BASE}\n[figure]\n{table}\n")
}

/// The size of a PNG, px, from its header.
fn png_size(path: &std::path::Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

#[test]
fn a_figure_table_reads() {
    let sc = parse_scenario(
        &with_figure(
            r#"windows = ["0 h..1 h", "all"]
panels = ["contraction", "oxygen", "pain"]
size = "1920x1080"
font_scale = 1.5
theme = "dark""#,
        ),
        "figure.toml",
    )
    .unwrap();
    let f = &sc.figure;
    assert_eq!(f.windows.len(), 2);
    assert_eq!(f.windows[0].to_s, Some(3600.0));
    assert_eq!(f.panels.as_ref().map(Vec::len), Some(3));
    assert_eq!(f.size_px, (1920, 1080));
    assert_eq!(f.font_scale, 1.5);
}

#[test]
fn mistakes_name_line_key_and_what_is_allowed() {
    for (table, key, needle) in [
        (
            r#"panels = ["contraction", "blood"]"#,
            "figure.panels[2]",
            "perfusion",
        ),
        (r#"windows = ["3 h"]"#, "figure.windows[1]", "0 h..3 h"),
        (r#"size = "100x100""#, "figure.size", "320x240"),
        ("font_scale = 9", "figure.font_scale", "0.5 to 3"),
        (r#"theme = "sepia""#, "figure.theme", "light, dark"),
        (r#"zoom = "3 h""#, "figure.zoom", "windows"),
        (r#"panels = ["pain", "pain"]"#, "figure.panels[2]", "twice"),
    ] {
        let text = with_figure(table);
        let e = parse_scenario(&text, "figure.toml").unwrap_err();
        let d = &*e;
        assert_eq!(d.key, key, "{table}: {e}");
        assert_eq!(d.line, text.lines().count(), "{table}: {e}");
        let all = format!(
            "{e} {} {}",
            d.expected,
            d.allowed.clone().unwrap_or_default()
        );
        assert!(all.contains(needle), "{table}: {all}");
    }
}

#[test]
fn the_figure_follows_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("s.toml");
    std::fs::write(&scen, BASE).unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("spasm")
        .unwrap()
        .args(["run", "--quiet", "--size", "800x450", "--theme", "dark"])
        .args([
            "--window",
            "0 h..1 h",
            "--window",
            "all",
            "--panels",
            "contraction,drugs",
        ])
        .arg(&scen)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(png_size(&out.join("timecourse.png")), (800, 450));
    let svg = std::fs::read_to_string(out.join("timecourse.svg")).unwrap();
    // Two windows, two panels each (contraction, ibuprofen): four panel titles.
    assert_eq!(svg.matches("Contraction (%MVC)").count(), 2, "windows");
    assert_eq!(svg.matches("Ibuprofen (mg/L)").count(), 2, "drug panel");
    assert!(!svg.contains("Pain (NRS"), "only the panels asked for");
    // Dark: the background is not white.
    assert!(!svg.contains("fill=\"#FFFFFF\""), "dark background");
    // A bad flag is refused before anything is written.
    let bad = dir.path().join("bad");
    let a = Command::cargo_bin("spasm")
        .unwrap()
        .args(["run", "--panels", "contraction,blood"])
        .arg(&scen)
        .arg("-o")
        .arg(&bad)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("unknown panel 'blood'"), "{err}");
    assert!(!bad.exists());
}

#[test]
fn default_panels_follow_the_run_and_the_benchmark_svg_is_small() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench");
    Command::cargo_bin("spasm")
        .unwrap()
        .args(["compare", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("timecourse.svg")).unwrap();
    // The loop's panels, temperature (hot pack, ultrasound) and the drugs given.
    for title in [
        "Contraction (%MVC)",
        "Intramuscular pressure (mmHg)",
        "Perfusion: dilation vs squeeze",
        "Oxygen: demand vs tissue O₂ (× rest)",
        "Interstitial K⁺ (mM)",
        "Pain (NRS 0–10)",
        "Muscle temperature (°C)",
        "Ibuprofen (mg/L)",
    ] {
        assert!(svg.contains(title), "{title}");
    }
    // Which arms of the sixteen are drawn is said on the figure.
    assert!(
        svg.contains("best-ranked of 16 arms"),
        "note on hidden arms"
    );
    // Decimated to the pixel grid, one path per curve: well under a megabyte (it was
    // 7.5 MB of two-point segments).
    assert!(
        svg.len() < 1_000_000,
        "timecourse.svg is {} bytes",
        svg.len()
    );
}
