//! The time course of a run: panels of states over time with the arms overlaid and
//! the intervention windows shaded.
//!
//! Length: one figure (≈ 630 lines): its data, the layout of the panels and the
//! drawing, which read best together.
//!
//! Panels, top to bottom (drug panels only when a drug is present in some arm):
//! contraction (%MVC), blood flow (× rest), interstitial K⁺ (mM), pain (NRS),
//! muscle temperature at 1 cm (solid) and 3 cm (dashed) (°C), ibuprofen (mg/L),
//! muscle relaxants (ng/mL; cyclobenzaprine solid, tizanidine dashed).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::{
    arm_colour, decimals_for, nice_step, svg_text, tick_label, write_figure, DrawResult, Drawable,
    FAMILY, STEPS_125,
};
use crate::model::idx;
use crate::report::{derived, time_unit_seconds, OutputError};
use crate::scenario::{ArmResult, Scenario};

/// Lines of the scenario description shown under the title (the rest is cut).
const SUBTITLE_LINES: usize = 3;

/// Characters of the title measured at most (no figure is wider).
const MAX_TITLE_CHARS: usize = 200;

/// Figure size, px.
pub(super) const SIZE: (u32, u32) = (1600, 1800);

/// Light band colour per intervention kind (labels of [`crate::protocol::Effect`]).
fn window_colour(label: &str) -> RGBColor {
    match label {
        "heat" => RGBColor(253, 219, 187),
        "effort" => RGBColor(224, 224, 224),
        "stretch" => RGBColor(204, 235, 197),
        "massage" => RGBColor(226, 210, 232),
        "TENS" => RGBColor(255, 244, 180),
        "ultrasound" => RGBColor(190, 214, 234),
        "electrical stimulation" => RGBColor(190, 232, 232),
        "activity" => RGBColor(222, 240, 196),
        "stress" => RGBColor(250, 198, 194),
        "cuff" => RGBColor(210, 218, 236),
        "disc herniation" => RGBColor(232, 220, 196),
        _ => RGBColor(230, 230, 230),
    }
}

/// One curve.
#[derive(Debug, Clone)]
struct Line {
    arm: usize,
    dashed: bool,
    pts: Vec<(f64, f64)>,
}

/// One panel.
#[derive(Debug, Clone)]
struct Panel {
    ylabel: String,
    lines: Vec<Line>,
    /// Fixed y range, or auto.
    range: Option<(f64, f64)>,
    /// Auto range starts at 0 (quantities with a natural zero).
    zero_based: bool,
    /// Key for line styles: (solid label, dashed label).
    style_key: Option<(&'static str, &'static str)>,
}

/// A shaded band in figure time units.
#[derive(Debug, Clone)]
struct Band {
    x0: f64,
    x1: f64,
    label: &'static str,
}

/// Everything the time-course figure shows, in figure units.
#[derive(Debug, Clone)]
struct Figure {
    title: String,
    /// Scenario description, word-wrapped under the title.
    subtitle: String,
    time_unit: String,
    x_range: (f64, f64),
    arms: Vec<String>,
    bands: Vec<Band>,
    /// Legend entries for the bands: (label, legend text).
    band_legend: Vec<(&'static str, String)>,
    panels: Vec<Panel>,
}

impl Figure {
    fn build(scenario: &Scenario, results: &[ArmResult]) -> Result<Self, OutputError> {
        let unit_s = time_unit_seconds(&scenario.time_unit)?;
        let mut t_min = f64::INFINITY;
        let mut t_max = f64::NEG_INFINITY;
        for r in results {
            if let (Some(a), Some(b)) = (r.trajectory.times.first(), r.trajectory.times.last()) {
                t_min = t_min.min(a / unit_s);
                t_max = t_max.max(b / unit_s);
            }
        }
        if !t_min.is_finite() {
            t_min = 0.0;
            t_max = scenario.duration / unit_s;
        }
        if t_max <= t_min {
            t_max = t_min + 1.0;
        }

        let mut contraction = Vec::new();
        let mut flow = Vec::new();
        let mut potassium = Vec::new();
        let mut pain = Vec::new();
        let mut temp = Vec::new();
        let mut ibu = Vec::new();
        let mut relax = Vec::new();
        let (mut has_ibu, mut has_cbz, mut has_tiz) = (false, false, false);
        for (i, r) in results.iter().enumerate() {
            let tr = &r.trajectory;
            let d = derived(r.patient.model(), tr);
            let t: Vec<f64> = tr.times.iter().map(|t| t / unit_s).collect();
            let line = |dashed, f: &dyn Fn(usize) -> f64| Line {
                arm: i,
                dashed,
                pts: decimate(
                    (0..t.len().min(d.len())).map(|k| (t[k], f(k))).collect(),
                    (t_min, t_max),
                    DECIMATE_BUCKETS,
                ),
            };
            contraction.push(line(false, &|k| 100.0 * tr.states[k][idx::A]));
            flow.push(line(false, &|k| d[k].q));
            potassium.push(line(false, &|k| d[k].k));
            pain.push(line(false, &|k| tr.states[k][idx::P]));
            temp.push(line(false, &|k| tr.states[k][idx::T1]));
            temp.push(line(true, &|k| tr.states[k][idx::T3]));
            ibu.push(line(false, &|k| d[k].c_ibu_mg_per_l));
            relax.push(line(false, &|k| d[k].c_cbz_ng_per_ml));
            relax.push(line(true, &|k| d[k].c_tiz_ng_per_ml));
            has_ibu |= d.iter().any(|x| x.c_ibu_mg_per_l > 1e-6);
            has_cbz |= d.iter().any(|x| x.c_cbz_ng_per_ml > 1e-6);
            has_tiz |= d.iter().any(|x| x.c_tiz_ng_per_ml > 1e-6);
        }
        let panel = |ylabel: &str, lines, zero_based| Panel {
            ylabel: ylabel.into(),
            lines,
            range: None,
            zero_based,
            style_key: None,
        };
        let mut panels = vec![
            panel("Contraction (%MVC)", contraction, true),
            panel("Blood flow (× rest)", flow, true),
            panel("Interstitial K⁺ (mM)", potassium, false),
            Panel {
                range: Some((0.0, 10.0)),
                ..panel("Pain (NRS 0–10)", pain, true)
            },
            Panel {
                style_key: Some(("1 cm", "3 cm")),
                ..panel("Muscle temperature (°C)", temp, false)
            },
        ];
        let nonzero = |v: Vec<Line>| -> Vec<Line> {
            v.into_iter()
                .filter(|l| l.pts.iter().any(|p| p.1.abs() > 1e-9))
                .collect()
        };
        let (ibu, relax) = (nonzero(ibu), nonzero(relax));
        if has_ibu {
            panels.push(panel("Ibuprofen (mg/L)", ibu, true));
        }
        if has_cbz || has_tiz {
            let (ylabel, key, lines) = match (has_cbz, has_tiz) {
                (true, true) => (
                    "Relaxants (ng/mL)",
                    Some(("cyclobenzaprine", "tizanidine")),
                    relax,
                ),
                (true, false) => (
                    "Cyclobenzaprine (ng/mL)",
                    None,
                    relax.into_iter().filter(|l| !l.dashed).collect(),
                ),
                _ => (
                    "Tizanidine (ng/mL)",
                    None,
                    relax
                        .into_iter()
                        .filter(|l| l.dashed)
                        .map(|l| Line { dashed: false, ..l })
                        .collect(),
                ),
            };
            panels.push(Panel {
                style_key: key,
                ..panel(ylabel, lines, true)
            });
        }

        // Bands: unique (start, end, label) over all arms, clipped to the x range.
        let mut bands: Vec<Band> = Vec::new();
        let mut kinds: Vec<(&'static str, Vec<usize>)> = Vec::new();
        for (i, r) in results.iter().enumerate() {
            for (s, e, label) in r.schedule.labelled_windows() {
                let (x0, x1) = ((s / unit_s).max(t_min), (e / unit_s).min(t_max));
                if x1 <= x0 {
                    continue;
                }
                match kinds.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, arms)) if !arms.contains(&i) => arms.push(i),
                    Some(_) => {}
                    None => kinds.push((label, vec![i])),
                }
                if !bands
                    .iter()
                    .any(|b| b.x0 == x0 && b.x1 == x1 && b.label == label)
                {
                    bands.push(Band { x0, x1, label });
                }
            }
        }
        let band_legend = kinds
            .into_iter()
            .map(|(label, arms)| {
                let text = if results.len() > 1 && arms.len() < results.len() {
                    let names: Vec<&str> = arms.iter().map(|&i| results[i].name.as_str()).collect();
                    format!("{label} ({})", names.join(", "))
                } else {
                    label.to_string()
                };
                (label, text)
            })
            .collect();

        Ok(Self {
            title: scenario.name.clone(),
            subtitle: scenario.description.trim().to_string(),
            time_unit: scenario.time_unit.clone(),
            x_range: (t_min, t_max),
            arms: results.iter().map(|r| r.name.clone()).collect(),
            bands,
            band_legend,
            panels,
        })
    }
}

/// Columns for min–max decimation (about one per pixel of the plot width).
const DECIMATE_BUCKETS: usize = 1400;

/// Keep at most the first, lowest, highest and last point of each of `buckets`
/// equal slices of `range` (in x order), so long, finely sampled runs draw fast
/// and small while every spike stays visible. Short series are returned as is.
fn decimate(pts: Vec<(f64, f64)>, range: (f64, f64), buckets: usize) -> Vec<(f64, f64)> {
    if pts.len() <= 4 * buckets || range.1 <= range.0 {
        return pts;
    }
    let width = (range.1 - range.0) / buckets as f64;
    let bucket = |x: f64| (((x - range.0) / width).floor().max(0.0) as usize).min(buckets - 1);
    let mut out = Vec::with_capacity(4 * buckets);
    let mut i = 0;
    while i < pts.len() {
        let b = bucket(pts[i].0);
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < pts.len() && bucket(pts[j].0) == b {
            if pts[j].1 < pts[lo].1 {
                lo = j;
            }
            if pts[j].1 > pts[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(pts[k]);
                last = k;
            }
        }
        i = j;
    }
    out
}

/// Nice tick step for a time axis in `unit` spanning `span`, at most ~12 ticks.
fn time_step(unit: &str, span: f64) -> f64 {
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
    if let Some(&s) = candidates.iter().find(|&&s| span / s <= 12.0) {
        return s;
    }
    nice_step(span / 8.0, &STEPS_125)
}

fn y_range(p: &Panel) -> (f64, f64) {
    if let Some(r) = p.range {
        return r;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for l in &p.lines {
        for &(_, y) in &l.pts {
            if y.is_finite() {
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
        0.06 * span
    } else {
        0.1 * hi.abs().max(0.5)
    };
    let lo2 = if p.zero_based && lo == 0.0 {
        0.0
    } else {
        lo - pad
    };
    (lo2, hi + pad)
}

/// Draw the whole figure on `root` (size [`SIZE`]).
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);

    let font = |size: f64| (FAMILY, size).into_font();
    let text = |size: f64| font(size).color(&BLACK);
    let grey_text = |size: f64| font(size).color(&RGBColor(60, 60, 60));

    // Header: title, then legends for arms and shaded windows.
    let left = 24;
    let mut y = 16;
    let title_style = (FAMILY, 22.0, FontStyle::Bold).into_font().color(&BLACK);
    // A title longer than any figure is wide is cut first, so that fitting it takes a
    // few measurements, not one per character.
    let mut title: String = fig.title.chars().take(MAX_TITLE_CHARS).collect();
    while title.chars().count() > 10
        && root.estimate_text_size(&title, &title_style)?.0 as i32 > w - 2 * left
    {
        let n = title.chars().count();
        title = title.chars().take(n - 4).collect::<String>() + "…";
    }
    root.draw(&Text::new(title, (left, y), title_style.clone()))?;
    y += 34;
    // Description: word-wrapped to the figure width, at most SUBTITLE_LINES lines.
    let sub_style = grey_text(17.0);
    let mut line = String::new();
    let mut lines = Vec::new();
    for word in fig.subtitle.split_whitespace() {
        if lines.len() == SUBTITLE_LINES {
            break;
        }
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty()
            && root.estimate_text_size(&candidate, &sub_style)?.0 as i32 > w - 2 * left
        {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    for l in lines.into_iter().take(SUBTITLE_LINES) {
        root.draw(&Text::new(l, (left, y), sub_style.clone()))?;
        y += 24;
    }
    y += 10;

    let legend_style = text(18.0);
    let legend_mid = legend_style.pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = left;
    let mut row_y = y;
    let place = |x: &mut i32, row_y: &mut i32, width: i32| {
        if *x + width > w - left && *x > left {
            *x = left;
            *row_y += 30;
        }
    };
    for (i, name) in fig.arms.iter().enumerate() {
        let tw = root.estimate_text_size(name, &legend_style)?.0 as i32;
        let width = 44 + tw + 32;
        place(&mut x, &mut row_y, width);
        let c = arm_colour(i);
        root.draw(&PathElement::new(
            vec![(x, row_y + 10), (x + 36, row_y + 10)],
            c.stroke_width(3),
        ))?;
        root.draw(&Text::new(
            name.clone(),
            (x + 44, row_y + 10),
            legend_mid.clone(),
        ))?;
        x += width;
    }
    if !fig.band_legend.is_empty() {
        x = left;
        row_y += 32;
        let lead = "Shaded:";
        let lead_style = grey_text(18.0).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(lead, (x, row_y + 10), lead_style))?;
        x += root.estimate_text_size(lead, &grey_text(18.0))?.0 as i32 + 14;
        for (label, t) in &fig.band_legend {
            let tw = root.estimate_text_size(t, &legend_style)?.0 as i32;
            let width = 36 + tw + 28;
            place(&mut x, &mut row_y, width);
            root.draw(&Rectangle::new(
                [(x, row_y + 1), (x + 28, row_y + 19)],
                window_colour(label).filled(),
            ))?;
            root.draw(&Text::new(
                t.clone(),
                (x + 36, row_y + 10),
                legend_mid.clone(),
            ))?;
            x += width;
        }
    }
    let header_h = row_y + 40;

    // Panels.
    let y_area = 110;
    let right = 36;
    let bottom = 84;
    let gap = 30;
    let n = fig.panels.len().max(1) as i32;
    let panel_h = (h - header_h - bottom - gap * (n - 1)) / n;
    let (x0, x1) = fig.x_range;
    let step = time_step(&fig.time_unit, x1 - x0);
    let first_tick = (x0 / step).ceil() * step;
    let ticks: Vec<f64> = (0..)
        .map(|k| first_tick + f64::from(k) * step)
        .take_while(|&t| t <= x1 + 1e-9 * step)
        .collect();
    let x_dec = decimals_for(step);
    let axis = BLACK.stroke_width(1);

    for (pi, p) in fig.panels.iter().enumerate() {
        let top = header_h + pi as i32 * (panel_h + gap);
        let area = root.clone().shrink((0, top), (w as u32, panel_h as u32));
        let (ylo, yhi) = y_range(p);
        let chart = ChartBuilder::on(&area)
            .margin_left((left + y_area) as u32)
            .margin_right(right as u32)
            .margin_top(4)
            .build_cartesian_2d(x0..x1, ylo..yhi)?;
        let (px, py) = chart.plotting_area().get_pixel_range();
        let px_w = f64::from((px.end - px.start).max(1));

        // Bands, at least 3 px wide so short sessions stay visible.
        let min_w = 3.0 * (x1 - x0) / px_w;
        for b in &fig.bands {
            let (mut a, mut c) = (b.x0, b.x1);
            if c - a < min_w {
                let mid = 0.5 * (a + c);
                a = (mid - 0.5 * min_w).max(x0);
                c = (a + min_w).min(x1);
            }
            let (pa, pc) = (
                chart.backend_coord(&(a, ylo)).0,
                chart.backend_coord(&(c, ylo)).0,
            );
            root.draw(&Rectangle::new(
                [(pa, py.start), (pc.max(pa + 1), py.end)],
                window_colour(b.label).filled(),
            ))?;
        }
        // Curves, arms in order, 2 px; dashed for a panel's second quantity.
        let mut chart = chart;
        for l in &p.lines {
            let style = arm_colour(l.arm).stroke_width(2);
            let pts = l.pts.iter().copied().filter(|(_, y)| y.is_finite());
            if l.dashed {
                chart.draw_series(DashedLineSeries::new(pts, 9, 6, style))?;
            } else {
                // Two-point segments: a 2 px polyline with a sharp one-pixel spike
                // (a short session on a long time axis) gets a long miter join that
                // pokes out of the panel; separate segments have no joins.
                let pts: Vec<(f64, f64)> = pts.collect();
                chart.draw_series(
                    pts.windows(2)
                        .map(|w| PathElement::new(vec![w[0], w[1]], style)),
                )?;
            }
        }

        // y axis: line, ticks, labels, description (two lines if too long).
        root.draw(&PathElement::new(
            vec![(px.start, py.start), (px.start, py.end)],
            axis,
        ))?;
        let ystep = nice_step((yhi - ylo) / 6.0, &STEPS_125);
        let ydec = decimals_for(ystep);
        let mut v = (ylo / ystep).ceil() * ystep;
        while v <= yhi + 1e-9 * ystep {
            let yp = chart.backend_coord(&(x0, v)).1;
            root.draw(&PathElement::new(
                vec![(px.start - 6, yp), (px.start, yp)],
                axis,
            ))?;
            let style = text(16.0).pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(tick_label(v, ydec), (px.start - 10, yp), style))?;
            v += ystep;
        }
        let desc = text(18.0);
        let lines: Vec<String> = {
            let one = root.estimate_text_size(&p.ylabel, &desc)?.0 as i32;
            match p.ylabel.rfind(" (") {
                Some(i) if one > (py.end - py.start) - 8 => {
                    vec![p.ylabel[..i].to_string(), p.ylabel[i + 1..].to_string()]
                }
                _ => vec![p.ylabel.clone()],
            }
        };
        let mid = (py.start + py.end) / 2;
        let n_lines = lines.len() as i32;
        for (k, line) in lines.into_iter().enumerate() {
            let xd = left + 30 + 22 * (k as i32) - 11 * (n_lines - 1);
            let style = desc
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new(line, (xd, mid), style))?;
        }

        // x axis line and ticks (labels on the bottom panel only).
        let base = py.end;
        root.draw(&PathElement::new(
            vec![(px.start, base), (px.end, base)],
            axis,
        ))?;
        let last = pi + 1 == fig.panels.len();
        for &t in &ticks {
            let xp = chart.backend_coord(&(t, ylo)).0;
            root.draw(&PathElement::new(vec![(xp, base), (xp, base + 6)], axis))?;
            if last {
                let style = text(16.0).pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(tick_label(t, x_dec), (xp, base + 10), style))?;
            }
        }
        if last {
            let style = text(18.0).pos(Pos::new(HPos::Center, VPos::Top));
            let label = format!("Time ({})", fig.time_unit);
            root.draw(&Text::new(
                label,
                ((px.start + px.end) / 2, base + 40),
                style,
            ))?;
        }

        // Panel letter, above the top-left corner of the y-axis area.
        let letter = ((b'A' + (pi % 26) as u8) as char).to_string();
        let letter_style = (FAMILY, 26.0, FontStyle::Bold)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        root.draw(&Text::new(letter, (left - 8, py.start + 8), letter_style))?;

        // Line-style key, one row right-aligned just above the plot (clear of data).
        if let Some((solid, dashed)) = p.style_key {
            let ks = text(15.0).pos(Pos::new(HPos::Left, VPos::Center));
            let w_solid = root.estimate_text_size(solid, &ks)?.0 as i32;
            let w_dashed = root.estimate_text_size(dashed, &ks)?.0 as i32;
            let ky = py.start - 10;
            let kx = px.end - (36 + 6 + w_solid + 20 + 36 + 6 + w_dashed);
            let grey = RGBColor(60, 60, 60).stroke_width(2);
            root.draw(&PathElement::new(vec![(kx, ky), (kx + 36, ky)], grey))?;
            root.draw(&Text::new(solid, (kx + 42, ky), ks.clone()))?;
            let kx2 = kx + 42 + w_solid + 20;
            let dash: Vec<(i32, i32)> = vec![(kx2, ky), (kx2 + 36, ky)];
            root.draw(&DashedPathElement::new(dash, 9, 6, grey))?;
            root.draw(&Text::new(dashed, (kx2 + 42, ky), ks))?;
        }
    }
    Ok(())
}

impl Drawable for Figure {
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw(root, self)
    }
}

/// Draw the time-course figure of a run as `<dir>/<stem>.png` and `<dir>/<stem>.svg`
/// (each written atomically); returns the two paths.
pub fn write_timecourse(
    dir: &Path,
    stem: &str,
    scenario: &Scenario,
    results: &[ArmResult],
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, stem, &Figure::build(scenario, results)?)
}

/// The time-course figure of a run as SVG text (what `spasm run` writes as
/// `timecourse.svg`), for pages that inline it.
pub fn timecourse_svg(scenario: &Scenario, results: &[ArmResult]) -> Result<String, OutputError> {
    svg_text(
        &Figure::build(scenario, results)?,
        Path::new("timecourse.svg"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_extremes_and_ends() {
        let pts: Vec<(f64, f64)> = (0..100_000)
            .map(|k| {
                (
                    f64::from(k),
                    if k == 54_321 {
                        10.0
                    } else {
                        (f64::from(k) * 0.01).sin()
                    },
                )
            })
            .collect();
        let d = decimate(pts.clone(), (0.0, 99_999.0), 100);
        assert!(d.len() <= 400);
        assert_eq!(d.first(), pts.first());
        assert_eq!(d.last(), pts.last());
        assert!(d.contains(&(54_321.0, 10.0)));
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
        let short = decimate(pts[..50].to_vec(), (0.0, 49.0), 100);
        assert_eq!(short.len(), 50);
    }

    #[test]
    fn time_ticks() {
        assert_eq!(time_step("h", 72.0), 6.0);
        assert_eq!(time_step("h", 24.0), 2.0);
        assert_eq!(time_step("min", 120.0), 10.0);
    }
}
