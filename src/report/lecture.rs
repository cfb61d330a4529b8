//! `spasm lecture`: a pack of slide-ready figures (1280 × 720, PNG and SVG), each with
//! a caption file whose numbers come from the runs that drew it, written atomically
//! as one run directory. Every figure is reproducible from the repository by one
//! command (named in its caption).
//!
//! | file | what it shows |
//! |---|---|
//! | `1_loop` | the loop diagram: states and arrows, where each treatment acts |
//! | `2_tipping` | one lift, two outcomes: the same effort in the same patient without and with injury |
//! | `3_clamp_dilate` | what clamps and what dilates in the spasm: pressure, perfusion, oxygen, K⁺ |
//! | `4_interventions` | every intervention of the benchmark against no treatment, as small multiples |
//! | `5_bistability` | where the loop sustains itself over injury, with the named patients |
//! | `6_ranking` | the benchmark ranking: endpoints per intervention |

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::json::write_json;
use super::{atomic, derived, OutputError};
use crate::analysis::bistability::{bistable_range, scan, ProbeError, PROBE_EFFORT};
use crate::analysis::compare::{benchmark, compare, cycle, CompareError, CompareOptions};
use crate::analysis::metrics::MetricThresholds;
use crate::model::idx;
use crate::scenario::figure::{PanelKind, TimeWindow};
use crate::scenario::{parse_scenario, ArmResult, RunError, ScenarioError};
use crate::simulation::Patient;
use crate::units::HOUR;

/// The scenario of figures 2 and 3 (also `examples/lecture/tipping.toml`).
pub const TIPPING_TOML: &str = include_str!("../../examples/lecture/tipping.toml");
/// Where it is in the repository.
const TIPPING_PATH: &str = "examples/lecture/tipping.toml";

/// Injury levels of the bistability scan (0 to 1 in steps of 0.05).
const SCAN_LEVELS: u32 = 21;

/// The window of the small multiples, h: long enough for the untreated spasm of the
/// benchmark patient to end (≈ 80 h).
const MULTIPLES_WINDOW_H: (f64, f64) = (0.0, 96.0);

/// The window of figure 3, s from t = 0: the lift and the first 90 min of the spasm.
const CLAMP_WINDOW_S: (f64, f64) = (0.0, 2.0 * HOUR);

/// Why the pack could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LectureError {
    /// A built-in parameter set did not read (a bug: it is tested).
    #[error(transparent)]
    Params(#[from] crate::model::params::ParamError),
    /// A built-in scenario did not read (a bug: it is tested).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The benchmark comparison failed.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// The bistability scan failed.
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// A file could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What [`write_lecture`] wrote.
#[derive(Debug, Clone)]
pub struct LectureFiles {
    /// The pack's directory.
    pub dir: PathBuf,
    /// Every file in it.
    pub files: Vec<PathBuf>,
    /// The figures' stems, in order (`1_loop`, …).
    pub figures: Vec<&'static str>,
}

/// One figure of the pack: its stem, title and caption (Markdown).
struct Caption {
    stem: &'static str,
    title: &'static str,
    text: String,
}

/// Write the lecture pack as the run directory `target` (replacing only a previous
/// run directory of spasm's).
pub fn write_lecture(target: &Path, command_line: &[String]) -> Result<LectureFiles, LectureError> {
    let partial = atomic::PartialDir::create(target, atomic::Replace::RunDirOnly, &[])?;
    let dir = partial.path().to_path_buf();
    let mut captions = Vec::new();
    let th = MetricThresholds::default();

    // 1. The loop.
    super::figures::write_loop_diagram(&dir, "1_loop")?;
    captions.push(Caption {
        stem: "1_loop",
        title: "The spasm–ischemia loop",
        text: "The loop as the model writes it (docs/model.md): contraction raises intramuscular pressure, which narrows the vessels; oxygen runs short of demand and metabolites (K⁺, H⁺) accumulate; they excite and sensitise nociceptors; where an injury facilitates the pathway, their input raises the γ drive to the muscle, which deepens the contraction. Each treatment is drawn where it acts.".into(),
    });

    // 2 and 3. One lift, two outcomes.
    let sc = parse_scenario(TIPPING_TOML, TIPPING_PATH)?;
    let results = sc.run()?;
    super::figures::write_timecourse(&dir, "2_tipping", &sc, &results, None)?;
    let (effort_s, effort_level) = PROBE_EFFORT;
    let mut text = format!(
        "The same patient lifts at {:.0} %MVC for {:.0} min, once without injury and once with an acute injury (H = 0.5). Left: the first hour; right: the whole run.\n\n",
        100.0 * effort_level,
        effort_s / 60.0
    );
    for r in &results {
        let end = r
            .trajectory
            .states
            .last()
            .map_or(f64::NAN, |y| 100.0 * y[idx::A]);
        let _ = writeln!(
            text,
            "- {}: contraction {:.1} %MVC at the end of the run; spasm {}.",
            r.name,
            end,
            cycle(&r.trajectory, &th).describe()
        );
    }
    if let Some(end_h) = lift_end_h(&results) {
        let _ = write!(text, "\nThe lift ends at {end_h:.2} h. ");
    }
    text.push_str("The healthy muscle lets go within seconds; the injured one stays in spasm under the same conditions: two stable states (hysteresis). Reproduce: `spasm run examples/lecture/tipping.toml`.");
    captions.push(Caption {
        stem: "2_tipping",
        title: "One lift, two outcomes",
        text,
    });

    let mut clamp = sc.clone();
    clamp.figure.panels = Some(vec![
        PanelKind::Pressure,
        PanelKind::Perfusion,
        PanelKind::Oxygen,
        PanelKind::Metabolites,
    ]);
    clamp.figure.windows = vec![TimeWindow {
        from_s: CLAMP_WINDOW_S.0,
        to_s: Some(CLAMP_WINDOW_S.1),
    }];
    clamp.name = "What clamps and what dilates".into();
    super::figures::write_timecourse(&dir, "3_clamp_dilate", &clamp, &results, None)?;
    captions.push(Caption {
        stem: "3_clamp_dilate",
        title: "What clamps and what dilates",
        text: clamp_caption(&results),
    });

    // 4 and 6. The benchmark.
    let bench = benchmark();
    let bench_results = bench.run()?;
    let c = compare(&bench, &bench_results, &CompareOptions::default())?;
    let reference = &bench_results[c.reference];
    let arms: Vec<(&ArmResult, String)> = c
        .ranking
        .iter()
        .filter(|&&i| i != c.reference)
        .map(|&i| (&bench_results[i], c.arms[i].cycle.describe()))
        .collect();
    super::figures::write_multiples(
        &dir,
        "4_interventions",
        &super::figures::Multiples {
            title: "Every intervention on the same patient".into(),
            subtitle: format!(
                "{}: contraction with each intervention (blue) against {} (grey), ranked by pain AUC",
                bench.name, reference.name
            ),
            reference,
            arms: arms.clone(),
            window_h: MULTIPLES_WINDOW_H,
        },
    )?;
    let mut text = format!(
        "Each panel is one arm of the built-in benchmark (`spasm compare`), on the same patient after the same lift, against {} (grey: {}). Shaded: the arm's sessions; ▼: its doses and injections.\n\n",
        reference.name,
        c.arms[c.reference].cycle.describe()
    );
    for (r, line) in &arms {
        let _ = writeln!(text, "- {}: {line}", r.name);
    }
    text.push_str("\nReproduce the runs: `spasm compare` (the benchmark is built in; `examples/benchmark.toml` holds the same scenario).");
    captions.push(Caption {
        stem: "4_interventions",
        title: "Every intervention on the same patient",
        text,
    });

    // 5. Bistability.
    let healthy = Patient::embedded("healthy")?;
    let levels: Vec<f64> = (0..SCAN_LEVELS)
        .map(|k| f64::from(k) / f64::from(SCAN_LEVELS - 1))
        .collect();
    let rows = scan(&healthy, &levels, &Default::default())?;
    super::figures::write_bistability_figure(&dir, "5_bistability", "healthy", &rows)?;
    let range = bistable_range(&rows).map_or(
        "at no level of injury: the loop never sustains itself".into(),
        |(lo, hi)| format!("from injury H = {lo:.2} to {hi:.2} (scanned every 0.05)"),
    );
    captions.push(Caption {
        stem: "5_bistability",
        title: "Where the loop sustains itself",
        text: format!("Each level of injury is held fixed and the healthy patient is settled from rest and again after the lift. Where the two differ, both states last: the muscle is bistable {range}. Below, a lift cannot start a spasm; above, the muscle does not relax even from rest. The named parameter sets are marked at their injury. Reproduce: `spasm bistability`; the exact folds: `spasm continuation --param h_initial --from 0 --to 1`."),
    });

    // 6. Ranking.
    super::figures::write_chart(&dir, "6_ranking", &super::figures::endpoints_chart(&c))?;
    let best = c.ranked().next().map_or(String::new(), |a| a.name.clone());
    captions.push(Caption {
        stem: "6_ranking",
        title: "The benchmark ranking",
        text: format!("The endpoints of every arm of the benchmark, ranked by pain AUC over days 0–7 (best first: {best}). Reproduce: `spasm compare`; the full table is its comparison.md."),
    });

    // Captions, an index and the manifest.
    let mut names: Vec<String> = Vec::new();
    let mut index = String::from("# spasm lecture pack\n\nSlide-ready figures (1280 × 720), each as PNG and SVG with its caption. Made by `spasm lecture`.\n\n");
    for cap in &captions {
        let md = format!(
            "# {}\n\n![{}]({}.png)\n\n{}\n",
            cap.title, cap.title, cap.stem, cap.text
        );
        atomic::write_bytes(&dir.join(format!("{}.md", cap.stem)), md.as_bytes())?;
        let _ = writeln!(
            index,
            "## {}\n\n![{}]({}.png)\n\n{}\n",
            cap.title, cap.title, cap.stem, cap.text
        );
        names.extend(["png", "svg", "md"].map(|ext| format!("{}.{ext}", cap.stem)));
    }
    atomic::write_bytes(&dir.join("README.md"), index.as_bytes())?;
    names.push("README.md".into());
    let manifest = serde_json::json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "lecture",
        "figures": captions.iter().map(|c| c.stem).collect::<Vec<_>>(),
        "scenarios": [TIPPING_PATH, "built-in benchmark (examples/benchmark.toml)"],
        "command_line": command_line,
    });
    write_json(&dir.join("manifest.json"), &manifest)?;
    names.push("manifest.json".into());
    let dir = partial.commit(atomic::Replace::RunDirOnly)?;
    Ok(LectureFiles {
        files: names.iter().map(|n| dir.join(n)).collect(),
        dir,
        figures: captions.iter().map(|c| c.stem).collect(),
    })
}

/// When the first arm's effort (the lift) ends, h.
fn lift_end_h(results: &[ArmResult]) -> Option<f64> {
    results
        .first()?
        .schedule
        .labelled_windows()
        .into_iter()
        .find(|w| w.2 == "effort")
        .map(|w| w.1 / HOUR)
}

/// Figure 3's caption: the injured arm's pressure, perfusion, oxygen and K⁺ an hour
/// into the spasm against the healthy arm's.
fn clamp_caption(results: &[ArmResult]) -> String {
    let mut text = String::from("The same runs as figure 2, the first two hours, the quantities of the loop between contraction and pain. An hour after the lift:\n\n");
    for r in results {
        let tr = &r.trajectory;
        let k = tr
            .times
            .iter()
            .position(|&t| t >= CLAMP_WINDOW_S.1 / 2.0 + HOUR / 2.0)
            .unwrap_or(tr.times.len().saturating_sub(1));
        let all = derived(r.patient.model(), tr);
        if let (Some(d), Some(rest)) = (all.get(k), all.first()) {
            let o = tr.states[k][idx::O] / tr.states[0][idx::O];
            let _ = writeln!(
                text,
                "- {}: intramuscular pressure {:.0} mmHg, vessels {:.0} % open, flow {:.2} × rest, O₂ demand {:.1} × rest, tissue O₂ {:.2} × rest, K⁺ {:.1} mM.",
                r.name,
                d.p_im,
                100.0 * d.g,
                d.q,
                d.demand / rest.demand,
                o,
                d.k
            );
        }
    }
    text.push_str("\nIn the spasm the contraction squeezes the vessels (fewer open), yet metabolic dilation wins: flow rises. It does not rise enough: demand rises more, so tissue oxygen falls and K⁺ accumulates, which keeps the nociceptors firing. Reproduce: `spasm run examples/lecture/tipping.toml --panels pressure,perfusion,oxygen,metabolites --window \"0 h..2 h\"`.");
    text
}
