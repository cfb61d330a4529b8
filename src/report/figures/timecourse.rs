//! The time course of a run: panels of the loop's quantities over time, arms
//! overlaid, the schedule drawn as lanes above the panels and shaded in them, one
//! column group per time window. How it is drawn comes from the scenario's
//! [`FigureSettings`] (`[figure]` and the command-line flags).
//!
//! Length: one figure (≈ 1200 lines after formatting): its data (series, panels,
//! lanes; ≈ 400), the layout of the grid and the drawing (≈ 600) and their tests,
//! which share the figure's types. If it grows, the data goes into a module of its
//! own first.
//!
//! The default panels tell the loop in order, column by column: contraction,
//! intramuscular pressure, perfusion (flow Q against the open fraction of the vessels
//! g: dilation against the squeeze), oxygen (oxygenation O against the energy deficit
//! Φ: supply short of demand), interstitial K⁺, pain; then temperature when something
//! heats, and the drugs given.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::{
    arm_colour, decimals_for, fit_text, nice_step, svg_text, tick_label, write_figure, DrawResult,
    Drawable, FAMILY, STEPS_125,
};
use crate::model::idx;
use crate::protocol::{Drug, Impulse};
use crate::report::{derived, time_unit_seconds, Derived, OutputError};
use crate::scenario::figure::{FigureSettings, PanelKind, Theme, TimeWindow};
use crate::scenario::{ArmResult, Scenario};

/// Lines of the scenario description shown under the title (the rest is cut).
const SUBTITLE_LINES: usize = 2;

/// Characters of the title measured at most (no figure is wider).
const MAX_TITLE_CHARS: usize = 200;

/// The size text is designed at, px: text scales with the figure beyond it.
const DESIGN_SIZE_PX: (f64, f64) = (1280.0, 720.0);

/// Text sizes at the design size, px.
const TITLE_PX: f64 = 26.0;
const SUBTITLE_PX: f64 = 17.0;
const LEGEND_PX: f64 = 17.0;
const PANEL_TITLE_PX: f64 = 17.0;
const TICK_PX: f64 = 15.0;
const KEY_PX: f64 = 14.0;

/// Panels per column before a second column is used (and a third beyond twice that).
const ROWS_PER_COLUMN: usize = 4;

/// A temperature range smaller than this over the run draws no temperature panel, °C.
const TEMPERATURE_VISIBLE_C: f64 = 0.2;

/// A drug concentration below this counts as absent (mg/L or ng/mL).
const DRUG_PRESENT: f64 = 1e-6;

/// Opacity of a session's shading inside the panels (overlapping sessions blend).
const SHADE_OPACITY: f64 = 0.22;

/// Colour of each schedule kind (labels of [`crate::protocol::Effect`] and of
/// events): the lane's bars at full strength, the panels' shading translucent.
pub(super) fn kind_colour(label: &str) -> RGBColor {
    match label {
        "heat" => RGBColor(230, 120, 40),
        "effort" => RGBColor(120, 120, 120),
        "stretch" => RGBColor(60, 160, 70),
        "massage" => RGBColor(150, 90, 170),
        "TENS" => RGBColor(215, 180, 0),
        "ultrasound" => RGBColor(60, 120, 200),
        "electrical stimulation" => RGBColor(0, 155, 155),
        "activity" => RGBColor(120, 180, 60),
        "stress" => RGBColor(210, 60, 60),
        "cuff" => RGBColor(90, 100, 160),
        "disc herniation" => RGBColor(150, 110, 60),
        "bed rest" => RGBColor(130, 130, 170),
        "experimental pain" => RGBColor(200, 80, 120),
        _ => RGBColor(140, 140, 140),
    }
}

/// Colours of one theme.
struct Palette {
    background: RGBColor,
    text: RGBColor,
    muted: RGBColor,
    axis: RGBColor,
}

impl Palette {
    fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Palette {
                background: WHITE,
                text: BLACK,
                muted: RGBColor(70, 70, 70),
                axis: RGBColor(40, 40, 40),
            },
            Theme::Dark => Palette {
                background: RGBColor(22, 22, 26),
                text: RGBColor(238, 238, 238),
                muted: RGBColor(175, 175, 175),
                axis: RGBColor(200, 200, 200),
            },
        }
    }

    /// The colour of arm `i`: the first (reference) arm in the text colour.
    fn arm(&self, i: usize) -> RGBColor {
        if i % 7 == 0 {
            self.text
        } else {
            arm_colour(i)
        }
    }
}

/// One curve, time in the figure's unit.
#[derive(Debug, Clone)]
struct Line {
    arm: usize,
    dashed: bool,
    pts: Vec<(f64, f64)>,
}

/// One panel.
#[derive(Debug, Clone)]
struct Panel {
    title: String,
    lines: Vec<Line>,
    /// Fixed y range, or auto.
    range: Option<(f64, f64)>,
    /// Auto range starts at 0 (quantities with a natural zero).
    zero_based: bool,
    /// Key for line styles: (solid label, dashed label).
    key: Option<(&'static str, &'static str)>,
}

/// One lane of the schedule: a kind of session (bars) or of event (markers).
#[derive(Debug, Clone)]
struct Lane {
    label: &'static str,
    event: bool,
    /// (start, end, arm), in the figure's time unit; start = end for events.
    items: Vec<(f64, f64, usize)>,
    /// Legend text: the label, with the arms that have it when not all do.
    legend: String,
}

/// Everything the time-course figure shows, in figure units.
#[derive(Debug, Clone)]
struct Figure {
    title: String,
    /// Scenario description, word-wrapped under the title.
    subtitle: String,
    /// A line about what is drawn (e.g. which arms of many), if any.
    note: Option<String>,
    time_unit: String,
    /// The time windows, figure units.
    windows: Vec<(f64, f64)>,
    arms: Vec<String>,
    lanes: Vec<Lane>,
    panels: Vec<Panel>,
    settings: FigureSettings,
}

impl Figure {
    fn build(
        scenario: &Scenario,
        results: &[ArmResult],
        note: Option<&str>,
    ) -> Result<Self, OutputError> {
        let unit_s = time_unit_seconds(&scenario.time_unit)?;
        let (mut t_min, mut t_max) = (f64::INFINITY, f64::NEG_INFINITY);
        for r in results {
            if let (Some(a), Some(b)) = (r.trajectory.times.first(), r.trajectory.times.last()) {
                t_min = t_min.min(a / unit_s);
                t_max = t_max.max(b / unit_s);
            }
        }
        if !t_min.is_finite() {
            (t_min, t_max) = (0.0, scenario.duration / unit_s);
        }
        if t_max <= t_min {
            t_max = t_min + 1.0;
        }
        let settings = scenario.figure.clone();
        let windows: Vec<(f64, f64)> = if settings.windows.is_empty() {
            vec![(t_min, t_max)]
        } else {
            settings
                .windows
                .iter()
                .map(|w| window_range(w, unit_s, (t_min, t_max)))
                .collect()
        };

        let series: Vec<Series> = results
            .iter()
            .enumerate()
            .map(|(i, r)| Series::of(i, r, unit_s))
            .collect();
        let kinds = settings.panels.clone().unwrap_or_else(|| {
            let mut k = PanelKind::DEFAULT.to_vec();
            let heated = series.iter().any(|s| {
                let (lo, hi) = s.range(|k| s.state(k, idx::T1));
                hi - lo > TEMPERATURE_VISIBLE_C
            });
            if heated {
                k.push(PanelKind::Temperature);
            }
            if drug_panels(&series).next().is_some() {
                k.push(PanelKind::Drugs);
            }
            k
        });
        let panels = kinds.iter().flat_map(|&k| panels_of(k, &series)).collect();

        Ok(Self {
            title: scenario.name.clone(),
            subtitle: scenario.description.trim().to_string(),
            note: note.map(str::to_string),
            time_unit: scenario.time_unit.clone(),
            windows,
            arms: results.iter().map(|r| r.name.clone()).collect(),
            lanes: lanes(results, unit_s, (t_min, t_max)),
            panels,
            settings,
        })
    }
}

/// Window `w` in figure units, clipped to the run (a window outside it shows the
/// run's last unit of time).
fn window_range(w: &TimeWindow, unit_s: f64, run: (f64, f64)) -> (f64, f64) {
    let a = (w.from_s / unit_s).clamp(run.0, run.1);
    let b = w.to_s.map_or(run.1, |e| (e / unit_s).min(run.1));
    if b > a {
        (a, b)
    } else {
        ((run.1 - 1.0).max(run.0), run.1)
    }
}

/// One arm's samples with its derived quantities.
struct Series<'a> {
    arm: usize,
    r: &'a ArmResult,
    t: Vec<f64>,
    d: Vec<Derived>,
}

impl<'a> Series<'a> {
    fn of(arm: usize, r: &'a ArmResult, unit_s: f64) -> Self {
        let d = derived(r.patient.model(), &r.trajectory);
        let t = r.trajectory.times.iter().map(|t| t / unit_s).collect();
        Series { arm, r, t, d }
    }

    fn state(&self, k: usize, i: usize) -> f64 {
        self.r.trajectory.states[k][i]
    }

    fn len(&self) -> usize {
        self.t.len().min(self.d.len())
    }

    /// Smallest and largest of `f` over the samples.
    fn range(&self, f: impl Fn(usize) -> f64) -> (f64, f64) {
        (0..self.len())
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    }

    fn line(&self, dashed: bool, f: impl Fn(usize) -> f64) -> Line {
        Line {
            arm: self.arm,
            dashed,
            pts: (0..self.len()).map(|k| (self.t[k], f(k))).collect(),
        }
    }
}

/// The drug panels the arms need: (title, lines of every arm).
fn drug_panels<'s>(series: &'s [Series<'_>]) -> impl Iterator<Item = Panel> + 's {
    let present = move |f: fn(&Derived) -> f64| {
        series
            .iter()
            .any(|s| s.d.iter().any(|d| f(d) > DRUG_PRESENT))
    };
    let has_ibu = present(|d| d.c_ibu_mg_per_l);
    let (has_cbz, has_tiz) = (
        present(|d| d.c_cbz_ng_per_ml),
        present(|d| d.c_tiz_ng_per_ml),
    );
    let has_block = present(|d| 1.0 - d.block);
    let only_present = |lines: Vec<Line>| -> Vec<Line> {
        lines
            .into_iter()
            .filter(|l| l.pts.iter().any(|p| p.1.abs() > DRUG_PRESENT))
            .collect()
    };
    let mut out = Vec::new();
    if has_ibu {
        let lines = series
            .iter()
            .map(|s| s.line(false, |k| s.d[k].c_ibu_mg_per_l))
            .collect();
        out.push(panel("Ibuprofen (mg/L)", only_present(lines), true));
    }
    if has_cbz || has_tiz {
        let mut lines = Vec::new();
        for s in series {
            if has_cbz {
                lines.push(s.line(false, |k| s.d[k].c_cbz_ng_per_ml));
            }
            if has_tiz {
                lines.push(s.line(has_cbz, |k| s.d[k].c_tiz_ng_per_ml));
            }
        }
        let (title, key) = match (has_cbz, has_tiz) {
            (true, true) => ("Relaxants (ng/mL)", Some(("cyclobenzaprine", "tizanidine"))),
            (true, false) => ("Cyclobenzaprine (ng/mL)", None),
            _ => ("Tizanidine (ng/mL)", None),
        };
        out.push(Panel {
            key,
            ..panel(title, only_present(lines), true)
        });
    }
    if has_block {
        let lines = series
            .iter()
            .map(|s| s.line(false, |k| 100.0 * (1.0 - s.d[k].block)))
            .collect();
        out.push(Panel {
            range: Some((0.0, 100.0)),
            ..panel(
                "Local anaesthetic: nerve block (%)",
                only_present(lines),
                true,
            )
        });
    }
    out.into_iter()
}

fn panel(title: &str, lines: Vec<Line>, zero_based: bool) -> Panel {
    Panel {
        title: title.into(),
        lines,
        range: None,
        zero_based,
        key: None,
    }
}

/// The panels of kind `kind` (several for drugs, none for drugs not given).
fn panels_of(kind: PanelKind, series: &[Series<'_>]) -> Vec<Panel> {
    let lines = |dashed, f: &dyn Fn(&Series<'_>, usize) -> f64| -> Vec<Line> {
        series.iter().map(|s| s.line(dashed, |k| f(s, k))).collect()
    };
    let two = |f: &dyn Fn(&Series<'_>, usize) -> f64, g: &dyn Fn(&Series<'_>, usize) -> f64| {
        series
            .iter()
            .flat_map(|s| [s.line(false, |k| f(s, k)), s.line(true, |k| g(s, k))])
            .collect::<Vec<Line>>()
    };
    let p = match kind {
        PanelKind::Contraction => panel(
            "Contraction (%MVC)",
            lines(false, &|s, k| 100.0 * s.state(k, idx::A)),
            true,
        ),
        PanelKind::Pressure => panel(
            "Intramuscular pressure (mmHg)",
            lines(false, &|s, k| s.d[k].p_im),
            true,
        ),
        PanelKind::Perfusion => Panel {
            key: Some(("flow Q (× rest)", "open vessels g")),
            ..panel(
                "Perfusion: dilation vs squeeze",
                two(&|s, k| s.d[k].q, &|s, k| s.d[k].g),
                true,
            )
        },
        PanelKind::Oxygen => Panel {
            key: Some(("O₂ demand", "tissue O₂")),
            ..panel(
                "Oxygen: demand vs tissue O₂ (× rest)",
                two(&|s, k| s.d[k].demand / s.d[0].demand, &|s, k| {
                    s.state(k, idx::O) / s.state(0, idx::O)
                }),
                true,
            )
        },
        PanelKind::Metabolites => panel(
            "Interstitial K⁺ (mM)",
            lines(false, &|s, k| s.d[k].k),
            false,
        ),
        PanelKind::Pain => Panel {
            range: Some((0.0, 10.0)),
            ..panel(
                "Pain (NRS 0–10)",
                lines(false, &|s, k| s.state(k, idx::P)),
                true,
            )
        },
        PanelKind::Temperature => Panel {
            key: Some(("1 cm", "3 cm")),
            ..panel(
                "Muscle temperature (°C)",
                two(&|s, k| s.state(k, idx::T1), &|s, k| s.state(k, idx::T3)),
                false,
            )
        },
        PanelKind::Drugs => return drug_panels(series).collect(),
        PanelKind::Fatigue => panel(
            "Capacity (% not fatigued)",
            lines(false, &|s, k| 100.0 * s.state(k, idx::CAP)),
            true,
        ),
        PanelKind::Sensitisation => Panel {
            key: Some(("mediators S", "central Z")),
            ..panel(
                "Sensitisation (a.u.)",
                two(&|s, k| s.state(k, idx::S), &|s, k| s.state(k, idx::Z)),
                true,
            )
        },
        PanelKind::Injury => panel(
            "Injury H (0–1)",
            lines(false, &|s, k| s.state(k, idx::H)),
            true,
        ),
    };
    vec![p]
}

/// The label of an event's lane.
pub(super) fn event_label(i: &Impulse) -> &'static str {
    match i {
        Impulse::Dose(Drug::Ibuprofen, _) => "ibuprofen dose",
        Impulse::Dose(Drug::Cyclobenzaprine, _) => "cyclobenzaprine dose",
        Impulse::Dose(Drug::Tizanidine, _) => "tizanidine dose",
        Impulse::LocalAnaesthetic(_) => "anaesthetic injection",
        Impulse::Injury(_) => "injury",
    }
}

/// The schedule's lanes: one per kind of session and of event, in order of first
/// appearance, clipped to the run.
fn lanes(results: &[ArmResult], unit_s: f64, run: (f64, f64)) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = Vec::new();
    let mut add = |label: &'static str, event: bool, item: (f64, f64, usize)| {
        if !lanes.iter().any(|l| l.label == label) {
            lanes.push(Lane {
                label,
                event,
                items: Vec::new(),
                legend: String::new(),
            });
        }
        let lane = lanes
            .iter_mut()
            .find(|l| l.label == label)
            .expect("added above");
        lane.items.push(item);
    };
    for (i, r) in results.iter().enumerate() {
        for (s, e, label) in r.schedule.labelled_windows() {
            let (a, b) = ((s / unit_s).max(run.0), (e / unit_s).min(run.1));
            if b > a {
                add(label, false, (a, b, i));
            }
        }
        for ev in &r.schedule.events {
            let t = ev.time / unit_s;
            if (run.0..=run.1).contains(&t) {
                add(event_label(&ev.impulse), true, (t, t, i));
            }
        }
    }
    for lane in &mut lanes {
        let mut arms: Vec<usize> = lane.items.iter().map(|x| x.2).collect();
        arms.dedup();
        arms.sort_unstable();
        arms.dedup();
        // Name the arms when only some have it, leaving out a name that only repeats
        // the label ("cuff" in the arm "cuff").
        let names: Vec<&str> = if results.len() > 1 && arms.len() < results.len() {
            arms.iter()
                .map(|&i| results[i].name.as_str())
                .filter(|n| !n.eq_ignore_ascii_case(lane.label))
                .collect()
        } else {
            Vec::new()
        };
        lane.legend = if names.is_empty() {
            lane.label.to_string()
        } else {
            format!("{} ({})", lane.label, names.join(", "))
        };
    }
    lanes
}

/// Nice tick step for a time axis in `unit` spanning `span`, at most `max_ticks`.
pub(super) fn time_step(unit: &str, span: f64, max_ticks: f64) -> f64 {
    let candidates: &[f64] = match unit {
        "h" => &[
            0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 72.0, 168.0, 336.0, 720.0,
        ],
        "min" => &[
            1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0, 360.0, 720.0, 1440.0,
        ],
        "s" => &[
            1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
        ],
        "d" => &[0.25, 0.5, 1.0, 2.0, 7.0, 14.0, 28.0, 91.0, 182.0, 365.0],
        _ => &[],
    };
    if let Some(&s) = candidates.iter().find(|&&s| span / s <= max_ticks) {
        return s;
    }
    nice_step(span / max_ticks, &STEPS_125)
}

/// The y range of `p` over the time windows (shared by all windows, so a zoom and
/// the whole run compare at a glance).
fn y_range(p: &Panel, windows: &[(f64, f64)]) -> (f64, f64) {
    if let Some(r) = p.range {
        return r;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for l in &p.lines {
        for &(t, y) in &l.pts {
            if y.is_finite() && windows.iter().any(|w| (w.0..=w.1).contains(&t)) {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if p.zero_based && lo >= 0.0 {
        lo = 0.0;
    }
    let span = hi - lo;
    let pad = if span > 1e-9 * hi.abs().max(1.0) {
        0.08 * span
    } else {
        0.1 * hi.abs().max(0.5)
    };
    let lo = if p.zero_based && lo == 0.0 {
        0.0
    } else {
        lo - pad
    };
    (lo, hi + pad)
}

/// A linear map from figure units to pixels over one plot.
#[derive(Clone, Copy)]
pub(super) struct Frame {
    pub(super) x: (f64, f64),
    pub(super) y: (f64, f64),
    pub(super) px: (i32, i32),
    pub(super) py: (i32, i32),
}

impl Frame {
    pub(super) fn x(&self, t: f64) -> f64 {
        f64::from(self.px.0)
            + (t - self.x.0) / (self.x.1 - self.x.0) * f64::from(self.px.1 - self.px.0)
    }
    pub(super) fn y(&self, v: f64) -> f64 {
        f64::from(self.py.1)
            - (v - self.y.0) / (self.y.1 - self.y.0) * f64::from(self.py.1 - self.py.0)
    }
}

/// `pts` inside the frame's time range (cut at its edges by interpolation), in
/// pixels, decimated to the pixel grid: per pixel column the first, lowest, highest
/// and last point, so a long run draws small and every spike stays. A gap (a value
/// that is not finite) splits the line.
pub(super) fn to_pixels(pts: &[(f64, f64)], f: &Frame) -> Vec<Vec<(i32, i32)>> {
    let (x0, x1) = f.x;
    let lerp =
        |a: (f64, f64), b: (f64, f64), t: f64| (t, a.1 + (b.1 - a.1) * (t - a.0) / (b.0 - a.0));
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, &p) in pts.iter().enumerate() {
        if !p.1.is_finite() {
            runs.push(Vec::new());
            continue;
        }
        let prev = i.checked_sub(1).map(|j| pts[j]).filter(|q| q.1.is_finite());
        let run = runs.last_mut().expect("one run at least");
        if p.0 < x0 {
            continue;
        }
        if let Some(q) = prev {
            if q.0 < x0 && p.0 > x0 {
                run.push(lerp(q, p, x0));
            }
            if q.0 >= x1 {
                break;
            }
        }
        if p.0 > x1 {
            if let Some(q) = prev.filter(|q| q.0 < x1) {
                run.push(lerp(q, p, x1));
            }
            break;
        }
        run.push(p);
    }
    let (ylo, yhi) = (f64::from(f.py.0), f64::from(f.py.1));
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|run| {
            let mut out: Vec<(i32, i32)> = Vec::new();
            let mut i = 0;
            while i < run.len() {
                let col = f.x(run[i].0).round() as i32;
                let mut j = i;
                let (mut lo, mut hi) = (i, i);
                while j < run.len() && f.x(run[j].0).round() as i32 == col {
                    if run[j].1 < run[lo].1 {
                        lo = j;
                    }
                    if run[j].1 > run[hi].1 {
                        hi = j;
                    }
                    j += 1;
                }
                let mut keep = [i, lo, hi, j - 1];
                keep.sort_unstable();
                for k in keep {
                    let p = (col, f.y(run[k].1).clamp(ylo, yhi).round() as i32);
                    if out.last() != Some(&p) {
                        out.push(p);
                    }
                }
                i = j;
            }
            out
        })
        .collect()
}

/// Word-wrap `text` to `width` px in `style`, at most `max_lines` lines.
fn wrap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
    max_lines: usize,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && root.estimate_text_size(&candidate, style)?.0 as i32 > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
            if lines.len() == max_lines {
                return Ok(lines);
            }
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Draw the whole figure on `root`.
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> DrawResult<DB> {
    let pal = Palette::of(fig.settings.theme);
    root.fill(&pal.background)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let scale = fig.settings.font_scale
        * (f64::from(w) / DESIGN_SIZE_PX.0).min(f64::from(h) / DESIGN_SIZE_PX.1);
    let px = |v: f64| (v * scale).round() as i32;
    let font = |size: f64| (FAMILY, size * scale).into_font();
    let text = |size: f64| font(size).color(&pal.text);
    let muted = |size: f64| font(size).color(&pal.muted);
    let left = px(16.0);

    // Header: title, description, note, then the legends of arms and the schedule.
    let mut y = px(10.0);
    let title_style = (FAMILY, TITLE_PX * scale, FontStyle::Bold)
        .into_font()
        .color(&pal.text);
    // A title longer than any figure is wide is cut first, so that fitting it takes a
    // few measurements, not one per character.
    let title: String = fig.title.chars().take(MAX_TITLE_CHARS).collect();
    let title = fit_text(root, &title, &title_style, w - 2 * left, (10, 4))?;
    root.draw(&Text::new(title, (left, y), title_style))?;
    y += px(TITLE_PX + 8.0);
    let sub_style = muted(SUBTITLE_PX);
    for line in wrap(
        root,
        &fig.subtitle,
        &sub_style,
        w - 2 * left,
        SUBTITLE_LINES,
    )? {
        root.draw(&Text::new(line, (left, y), sub_style.clone()))?;
        y += px(SUBTITLE_PX + 5.0);
    }
    if let Some(note) = &fig.note {
        for line in wrap(root, note, &sub_style, w - 2 * left, 1)? {
            root.draw(&Text::new(line, (left, y), sub_style.clone()))?;
            y += px(SUBTITLE_PX + 5.0);
        }
    }
    y += px(4.0);

    let legend_style = text(LEGEND_PX);
    let legend_mid = legend_style.pos(Pos::new(HPos::Left, VPos::Center));
    let row_h = px(LEGEND_PX + 9.0);
    let swatch = px(30.0);
    let mut x = left;
    let mut row_y = y;
    let place = |x: &mut i32, row_y: &mut i32, width: i32| {
        if *x + width > w - left && *x > left {
            *x = left;
            *row_y += row_h;
        }
        *row_y
    };
    for (i, name) in fig.arms.iter().enumerate() {
        let width =
            swatch + px(8.0) + root.estimate_text_size(name, &legend_style)?.0 as i32 + px(24.0);
        let ry = place(&mut x, &mut row_y, width) + row_h / 2;
        root.draw(&PathElement::new(
            vec![(x, ry), (x + swatch, ry)],
            pal.arm(i).stroke_width(px(3.0).max(2) as u32),
        ))?;
        root.draw(&Text::new(
            name.clone(),
            (x + swatch + px(8.0), ry),
            legend_mid.clone(),
        ))?;
        x += width;
    }
    if !fig.lanes.is_empty() {
        x = left;
        row_y += row_h;
        let lead = "Schedule:";
        let lead_w = root.estimate_text_size(lead, &muted(LEGEND_PX))?.0 as i32 + px(10.0);
        root.draw(&Text::new(
            lead,
            (x, row_y + row_h / 2),
            muted(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += lead_w;
        for lane in &fig.lanes {
            let width = px(26.0)
                + root.estimate_text_size(&lane.legend, &legend_style)?.0 as i32
                + px(22.0);
            let ry = place(&mut x, &mut row_y, width) + row_h / 2;
            if lane.event {
                marker(root, (x + px(9.0), ry), px(7.0), pal.text)?;
            } else {
                root.draw(&Rectangle::new(
                    [(x, ry - px(7.0)), (x + px(18.0), ry + px(7.0))],
                    kind_colour(lane.label).filled(),
                ))?;
            }
            root.draw(&Text::new(
                lane.legend.clone(),
                (x + px(26.0), ry),
                legend_mid.clone(),
            ))?;
            x += width;
        }
    }
    let grid_top = row_y + row_h + px(8.0);

    // The grid: one column group per window, panels column by column.
    let n = fig.panels.len().max(1);
    let per_window = n.div_ceil(ROWS_PER_COLUMN);
    let rows = n.div_ceil(per_window) as i32;
    let n_cols = (fig.windows.len() * per_window) as i32;
    let col_w = (w - 2 * left) / n_cols.max(1);
    let y_axis_w = px(52.0);
    let right_gap = px(18.0);
    let caption_h = if fig.windows.len() > 1 { px(24.0) } else { 0 };
    let lane_h = px(7.0).max(3);
    let lanes_h = if fig.lanes.is_empty() {
        0
    } else {
        fig.lanes.len() as i32 * (lane_h + px(2.0)) + px(4.0)
    };
    let title_h = px(PANEL_TITLE_PX + TICK_PX / 2.0 + 8.0);
    let bottom_h = px(TICK_PX + 30.0 + 10.0);
    let gap = px(TICK_PX + 4.0);
    let plot_h =
        ((h - grid_top - caption_h - lanes_h - bottom_h - rows * title_h - (rows - 1) * gap)
            / rows)
            .max(px(20.0));
    let axis = pal.axis.stroke_width(1);

    for (wi, &window) in fig.windows.iter().enumerate() {
        let group_x = left + (wi * per_window) as i32 * col_w;
        if caption_h > 0 {
            let (a, b) = window;
            let caption = format!("{}–{} {}", compact(a), compact(b), fig.time_unit);
            let style = (FAMILY, PANEL_TITLE_PX * scale, FontStyle::Bold)
                .into_font()
                .color(&pal.text)
                .pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(
                caption,
                (
                    group_x + (per_window as i32 * col_w + y_axis_w) / 2,
                    grid_top,
                ),
                style,
            ))?;
        }
        for c in 0..per_window {
            let col_x = group_x + c as i32 * col_w;
            let (p0, p1) = (col_x + y_axis_w, col_x + col_w - right_gap);
            let top = grid_top + caption_h;
            let span = window.1 - window.0;
            let max_ticks = (f64::from(p1 - p0) / (f64::from(px(TICK_PX)) * 4.0)).clamp(2.0, 12.0);
            let step = time_step(&fig.time_unit, span, max_ticks);
            let ticks: Vec<f64> = {
                let first = (window.0 / step).ceil() * step;
                (0..)
                    .map(|k| first + f64::from(k) * step)
                    .take_while(|&t| t <= window.1 + 1e-9 * step)
                    .collect()
            };
            let x_dec = decimals_for(step);
            let lane_frame = Frame {
                x: window,
                y: (0.0, 1.0),
                px: (p0, p1),
                py: (top, top + lanes_h),
            };
            draw_lanes(root, fig, &lane_frame, lane_h, &pal, px(5.0).max(3))?;

            let in_column: Vec<usize> =
                (c * rows as usize..((c + 1) * rows as usize).min(n)).collect();
            for (row, &pi) in in_column.iter().enumerate() {
                let p = &fig.panels[pi];
                let row = row as i32;
                let ptop = top + lanes_h + row * (title_h + plot_h + gap) + title_h;
                let frame = Frame {
                    x: window,
                    y: y_range(p, &fig.windows),
                    px: (p0, p1),
                    py: (ptop, ptop + plot_h),
                };
                draw_panel(root, fig, p, pi, &frame, &pal, scale)?;
                // x ticks; labels under the last panel of the column.
                let last = row as usize + 1 == in_column.len();
                for &t in &ticks {
                    let xp = frame.x(t).round() as i32;
                    root.draw(&PathElement::new(
                        vec![(xp, frame.py.1), (xp, frame.py.1 + px(5.0))],
                        axis,
                    ))?;
                    if last {
                        let style = text(TICK_PX).pos(Pos::new(HPos::Center, VPos::Top));
                        root.draw(&Text::new(
                            tick_label(t, x_dec),
                            (xp, frame.py.1 + px(7.0)),
                            style,
                        ))?;
                    }
                }
                if last {
                    let style = text(PANEL_TITLE_PX).pos(Pos::new(HPos::Center, VPos::Top));
                    root.draw(&Text::new(
                        format!("Time ({})", fig.time_unit),
                        ((p0 + p1) / 2, frame.py.1 + px(TICK_PX + 12.0)),
                        style,
                    ))?;
                }
            }
        }
    }
    Ok(())
}

/// `v` with at most three decimals and no trailing zeros ("3", "0.25").
fn compact(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A downward triangle of half-width `r` centred on `at` (an event's marker).
pub(super) fn marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    r: i32,
    colour: RGBColor,
) -> DrawResult<DB> {
    let (x, y) = at;
    root.draw(&Polygon::new(
        vec![(x - r, y - r), (x + r, y - r), (x, y + r)],
        colour.filled(),
    ))
}

/// The schedule lanes of one column: sessions as bars (at least 2 px wide), events as
/// markers in their arm's colour.
fn draw_lanes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
    f: &Frame,
    lane_h: i32,
    pal: &Palette,
    mark_r: i32,
) -> DrawResult<DB> {
    for (li, lane) in fig.lanes.iter().enumerate() {
        let y0 = f.py.0 + li as i32 * (lane_h + (lane_h / 3).max(1));
        for &(a, b, arm) in &lane.items {
            if b < f.x.0 || a > f.x.1 {
                continue;
            }
            if lane.event {
                let xp = f.x(a).round() as i32;
                marker(
                    root,
                    (xp, y0 + lane_h / 2),
                    mark_r.min(lane_h),
                    pal.arm(arm),
                )?;
            } else {
                let (xa, xb) = (f.x(a.max(f.x.0)), f.x(b.min(f.x.1)));
                let (xa, xb) = (
                    xa.round() as i32,
                    (xb.round() as i32).max(xa.round() as i32 + 2),
                );
                root.draw(&Rectangle::new(
                    [(xa, y0), (xb, y0 + lane_h)],
                    kind_colour(lane.label).filled(),
                ))?;
            }
        }
    }
    Ok(())
}

/// One panel: shading, curves, y axis, title and key.
fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
    p: &Panel,
    index: usize,
    f: &Frame,
    pal: &Palette,
    scale: f64,
) -> DrawResult<DB> {
    let px = |v: f64| (v * scale).round() as i32;
    let text = |size: f64| (FAMILY, size * scale).into_font().color(&pal.text);
    // Sessions, translucent so that overlapping ones blend; at least 2 px wide.
    for lane in fig.lanes.iter().filter(|l| !l.event) {
        let shade = kind_colour(lane.label).mix(SHADE_OPACITY);
        for &(a, b, _) in &lane.items {
            if b < f.x.0 || a > f.x.1 {
                continue;
            }
            let xa = f.x(a.max(f.x.0)).round() as i32;
            let xb = (f.x(b.min(f.x.1)).round() as i32).max(xa + 2);
            root.draw(&Rectangle::new(
                [(xa, f.py.0), (xb, f.py.1)],
                shade.filled(),
            ))?;
        }
    }
    // Curves, arms in order; dashed for a panel's second quantity.
    let width = px(2.0).max(2) as u32;
    for l in &p.lines {
        let style = pal.arm(l.arm).stroke_width(width);
        for run in to_pixels(&l.pts, f) {
            if l.dashed {
                root.draw(&DashedPathElement::new(
                    run,
                    px(8.0) as u32,
                    px(5.0) as u32,
                    style,
                ))?;
            } else {
                root.draw(&PathElement::new(run, style))?;
            }
        }
    }
    // Axes: y line, ticks, labels; x base line.
    let axis = pal.axis.stroke_width(1);
    root.draw(&PathElement::new(
        vec![(f.px.0, f.py.0), (f.px.0, f.py.1)],
        axis,
    ))?;
    root.draw(&PathElement::new(
        vec![(f.px.0, f.py.1), (f.px.1, f.py.1)],
        axis,
    ))?;
    let (ylo, yhi) = f.y;
    let max_ticks = (f64::from(f.py.1 - f.py.0) / (TICK_PX * scale * 1.6)).clamp(2.0, 6.0);
    let ystep = nice_step((yhi - ylo) / max_ticks, &STEPS_125);
    let ydec = decimals_for(ystep);
    let mut v = (ylo / ystep).ceil() * ystep;
    let tick_style = text(TICK_PX).pos(Pos::new(HPos::Right, VPos::Center));
    while v <= yhi + 1e-9 * ystep {
        let yp = f.y(v).round() as i32;
        root.draw(&PathElement::new(
            vec![(f.px.0 - px(5.0), yp), (f.px.0, yp)],
            axis,
        ))?;
        root.draw(&Text::new(
            tick_label(v, ydec),
            (f.px.0 - px(8.0), yp),
            tick_style.clone(),
        ))?;
        v += ystep;
    }
    // Title: the panel letter in bold, then what it shows; the line-style key
    // right-aligned on the same row.
    let ty = f.py.0 - px(TICK_PX / 2.0 + 3.0);
    let x_title = f.px.0 - px(44.0);
    let letter = ((b'A' + (index % 26) as u8) as char).to_string();
    let bold = (FAMILY, PANEL_TITLE_PX * scale, FontStyle::Bold)
        .into_font()
        .color(&pal.text)
        .pos(Pos::new(HPos::Left, VPos::Bottom));
    let lw = root.estimate_text_size(&letter, &bold)?.0 as i32;
    root.draw(&Text::new(letter, (x_title, ty), bold))?;
    let title_style = text(PANEL_TITLE_PX).pos(Pos::new(HPos::Left, VPos::Bottom));
    let title_x = x_title + lw + px(8.0);
    let title_w = root.estimate_text_size(&p.title, &title_style)?.0 as i32;
    root.draw(&Text::new(p.title.clone(), (title_x, ty), title_style))?;
    if let Some((solid, dashed)) = p.key {
        let ks = (FAMILY, KEY_PX * scale)
            .into_font()
            .color(&pal.muted)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let w_solid = root.estimate_text_size(solid, &ks)?.0 as i32;
        let w_dashed = root.estimate_text_size(dashed, &ks)?.0 as i32;
        let seg = px(22.0);
        let key_w = seg + px(4.0) + w_solid + px(12.0) + seg + px(4.0) + w_dashed;
        // Beside the title when it fits, else inside the plot's top right corner on
        // a patch of background.
        let (kx, ky) = if title_x + title_w + px(16.0) + key_w <= f.px.1 {
            (f.px.1 - key_w, ty - px(KEY_PX / 2.0 + 1.0))
        } else {
            let (kx, ky) = (f.px.1 - key_w - px(4.0), f.py.0 + px(KEY_PX / 2.0 + 3.0));
            root.draw(&Rectangle::new(
                [
                    (kx - px(4.0), f.py.0 + 1),
                    (f.px.1 - 1, ky + px(KEY_PX / 2.0 + 2.0)),
                ],
                pal.background.mix(0.85).filled(),
            ))?;
            (kx, ky)
        };
        let grey = pal.muted.stroke_width(2);
        root.draw(&PathElement::new(vec![(kx, ky), (kx + seg, ky)], grey))?;
        root.draw(&Text::new(solid, (kx + seg + px(4.0), ky), ks.clone()))?;
        let kx2 = kx + seg + px(4.0) + w_solid + px(12.0);
        root.draw(&DashedPathElement::new(
            vec![(kx2, ky), (kx2 + seg, ky)],
            px(6.0) as u32,
            px(4.0) as u32,
            grey,
        ))?;
        root.draw(&Text::new(dashed, (kx2 + seg + px(4.0), ky), ks))?;
    }
    Ok(())
}

impl Drawable for Figure {
    fn size(&self) -> (u32, u32) {
        self.settings.size_px
    }
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw(root, self)
    }
}

/// Draw the time-course figure of a run as `<dir>/<stem>.png` and `<dir>/<stem>.svg`
/// (each written atomically) as the scenario's `[figure]` settings say; `note` is a
/// line under the description about what is drawn. Returns the two paths.
pub fn write_timecourse(
    dir: &Path,
    stem: &str,
    scenario: &Scenario,
    results: &[ArmResult],
    note: Option<&str>,
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, stem, &Figure::build(scenario, results, note)?)
}

/// The time-course figure of a run as SVG text (what `spasm run` writes as
/// `timecourse.svg`), for pages that inline it.
pub fn timecourse_svg(scenario: &Scenario, results: &[ArmResult]) -> Result<String, OutputError> {
    svg_text(
        &Figure::build(scenario, results, None)?,
        Path::new("timecourse.svg"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame {
            x: (0.0, 100.0),
            y: (0.0, 10.0),
            px: (0, 100),
            py: (0, 100),
        }
    }

    #[test]
    fn pixels_keep_extremes_and_ends_and_cut_at_the_window() {
        let pts: Vec<(f64, f64)> = (0..100_000)
            .map(|k| {
                let t = f64::from(k) * 0.001;
                (
                    t,
                    if k == 54_321 {
                        10.0
                    } else {
                        5.0 + (t * 3.0).sin()
                    },
                )
            })
            .collect();
        let runs = to_pixels(&pts, &frame());
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert!(run.len() <= 4 * 101, "{} points", run.len());
        assert_eq!(run.first().map(|p| p.0), Some(0));
        assert_eq!(run.last().map(|p| p.0), Some(100));
        // The one-sample spike to 10 is at the top of the frame.
        assert!(run.iter().any(|p| p.1 == 0));
        // A window inside the data starts and ends at its edges.
        let f = Frame {
            x: (50.0, 60.0),
            ..frame()
        };
        let runs = to_pixels(&pts, &f);
        assert_eq!(runs[0].first().map(|p| p.0), Some(0));
        assert_eq!(runs[0].last().map(|p| p.0), Some(100));
    }

    #[test]
    fn gaps_split_lines() {
        let pts = [
            (0.0, 1.0),
            (10.0, 2.0),
            (20.0, f64::NAN),
            (30.0, 3.0),
            (40.0, 4.0),
        ];
        assert_eq!(to_pixels(&pts, &frame()).len(), 2);
    }

    #[test]
    fn time_ticks() {
        assert_eq!(time_step("h", 72.0, 12.0), 6.0);
        assert_eq!(time_step("h", 24.0, 12.0), 2.0);
        assert_eq!(time_step("h", 168.0, 8.0), 24.0);
        assert_eq!(time_step("min", 120.0, 12.0), 10.0);
    }

    #[test]
    fn windows_clip_to_the_run() {
        let run = (0.0, 168.0);
        let w = |a: f64, b: Option<f64>| TimeWindow {
            from_s: a * 3600.0,
            to_s: b.map(|b| b * 3600.0),
        };
        assert_eq!(window_range(&w(0.0, Some(3.0)), 3600.0, run), (0.0, 3.0));
        assert_eq!(window_range(&w(24.0, None), 3600.0, run), (24.0, 168.0));
        assert_eq!(
            window_range(&w(200.0, Some(300.0)), 3600.0, run),
            (167.0, 168.0)
        );
    }
}
