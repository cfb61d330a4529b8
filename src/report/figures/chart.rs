//! Horizontal bar and box charts of endpoints per arm, in the style of the time
//! course: white background, Okabe–Ito colours. Rows are arms (best at the top); each
//! panel is one endpoint. The charts of a comparison ([`endpoints_chart`]) and of a
//! cohort ([`cohort_chart`]) are built here from the analysis results.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::{nice_step, tick_label, write_figure, DrawResult, Drawable, FAMILY};
use crate::analysis::cohort::CohortSummary;
use crate::analysis::compare::{ArmRow, Comparison};
use crate::report::compare_tables::window_label;
use crate::report::OutputError;
use crate::units::{HOUR, MINUTE};

/// Colour of treated arms (Okabe–Ito blue).
const TREATED: RGBColor = RGBColor(0, 114, 178);
/// Colour of the reference arm.
const REFERENCE: RGBColor = RGBColor(90, 90, 90);
/// Colour of the reference line (Okabe–Ito vermillion).
const REF_LINE: RGBColor = RGBColor(213, 94, 0);

/// What one row of a panel shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// A bar from 0 to the value.
    Bar(f64),
    /// A box: whiskers p5–p95, box q1–q3, line at the median.
    Box {
        /// 5th percentile.
        p5: f64,
        /// 25th percentile.
        q1: f64,
        /// Median.
        median: f64,
        /// 75th percentile.
        q3: f64,
        /// 95th percentile.
        p95: f64,
    },
    /// A bar from 0 to `value` with an error bar from `lo` to `hi`.
    Interval {
        /// The bar's value.
        value: f64,
        /// Lower end of the error bar.
        lo: f64,
        /// Upper end of the error bar.
        hi: f64,
    },
}

impl Mark {
    fn extent(&self) -> (f64, f64) {
        match *self {
            Mark::Bar(v) => (v.min(0.0), v.max(0.0)),
            Mark::Box { p5, p95, .. } => (p5.min(0.0), p95),
            Mark::Interval { value, lo, hi } => (lo.min(value).min(0.0), hi.max(value).max(0.0)),
        }
    }

    fn value(&self) -> f64 {
        match *self {
            Mark::Bar(v) => v,
            Mark::Box { median, .. } => median,
            Mark::Interval { value, .. } => value,
        }
    }
}

/// One panel: an endpoint over all rows.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Axis title with unit.
    pub title: String,
    /// One mark per row (same order as [`Chart::rows`]); non-finite values are
    /// drawn as "n.r." (not reached).
    pub marks: Vec<Mark>,
    /// Decimals of the value labels.
    pub decimals: usize,
    /// Fixed x range, or automatic from 0.
    pub range: Option<(f64, f64)>,
}

/// A chart: a title, row labels and panels side by side.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Title.
    pub title: String,
    /// Subtitle (one line).
    pub subtitle: String,
    /// Row labels (arm names), top to bottom.
    pub rows: Vec<String>,
    /// Index of the reference row (drawn grey, with a dashed line at its value).
    pub reference: Option<usize>,
    /// Panels, left to right.
    pub panels: Vec<Panel>,
}

/// Height of a row, px: at most this, and at least [`MIN_ROW_H`].
const ROW_H: i32 = 40;
const MIN_ROW_H: i32 = 24;
const HEADER: i32 = 110;
const BOTTOM: i32 = 80;
/// Size of a slide, px: a chart keeps it unless its rows need more height.
const SLIDE: (i32, i32) = (1280, 720);

impl Chart {
    /// Height of one row, px: the rows fill a slide, from [`MIN_ROW_H`] to [`ROW_H`].
    fn row_h(&self) -> i32 {
        ((SLIDE.1 - HEADER - BOTTOM) / self.rows.len().max(1) as i32).clamp(MIN_ROW_H, ROW_H)
    }

    /// Pixel size: a 16:9 slide, taller only for more rows than fit on one.
    pub fn size(&self) -> (u32, u32) {
        let h = HEADER + BOTTOM + self.row_h() * self.rows.len().max(1) as i32;
        (SLIDE.0 as u32, h.max(SLIDE.1) as u32)
    }
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let w = w as i32;
    let font = |size: f64| (FAMILY, size).into_font();
    let black = |size: f64| font(size).color(&BLACK);
    let left = 24;
    let title = (FAMILY, 24.0, FontStyle::Bold).into_font().color(&BLACK);
    root.draw(&Text::new(c.title.clone(), (left, 16), title))?;
    root.draw(&Text::new(
        c.subtitle.clone(),
        (left, 52),
        font(17.0).color(&RGBColor(60, 60, 60)),
    ))?;

    // Row labels, right-aligned against the first panel.
    let lab = black(18.0);
    let mut label_w = 0;
    for r in &c.rows {
        label_w = label_w.max(root.estimate_text_size(r, &lab)?.0 as i32);
    }
    let x_panels = left + label_w + 16;
    let gap = 56;
    let right = 40;
    let n = c.panels.len().max(1) as i32;
    let panel_w = (w - x_panels - right - gap * (n - 1)) / n;
    let top = HEADER;
    let row_h = c.row_h();
    let bottom = top + row_h * c.rows.len() as i32;
    let row_mid = |i: usize| top + row_h * i as i32 + row_h / 2;
    let axis = BLACK.stroke_width(1);
    let grid = RGBColor(225, 225, 225).stroke_width(1);

    for (i, r) in c.rows.iter().enumerate() {
        let style = lab.pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new(r.clone(), (x_panels - 12, row_mid(i)), style))?;
    }

    for (pi, p) in c.panels.iter().enumerate() {
        let x0 = x_panels + pi as i32 * (panel_w + gap);
        let x1 = x0 + panel_w;
        // Leave room on the right of the longest bar for its label.
        let (lo, hi) = p.range.unwrap_or_else(|| {
            let (mut lo, mut hi) = (0.0f64, 0.0f64);
            for m in &p.marks {
                let (a, b) = m.extent();
                if a.is_finite() {
                    lo = lo.min(a);
                }
                if b.is_finite() {
                    hi = hi.max(b);
                }
            }
            if hi <= lo {
                hi = lo + 1.0;
            }
            let pad = 0.18 * (hi - lo);
            (
                if lo < 0.0 { lo - pad } else { lo },
                if hi > 0.0 { hi + pad } else { hi },
            )
        });
        let step = nice_step((hi - lo) / 5.0, &[1.0, 2.0, 2.5, 5.0, 10.0]);
        let px = |v: f64| x0 + (((v - lo) / (hi - lo)) * f64::from(panel_w)).round() as i32;
        let dec = if step >= 1.0 {
            0
        } else {
            (-step.log10().floor()).clamp(0.0, 6.0) as usize
        };
        // Grid and ticks.
        let mut v = (lo / step).ceil() * step;
        while v <= hi + 1e-9 * step {
            let xp = px(v);
            root.draw(&PathElement::new(vec![(xp, top), (xp, bottom)], grid))?;
            root.draw(&PathElement::new(
                vec![(xp, bottom), (xp, bottom + 6)],
                axis,
            ))?;
            let style = black(16.0).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(tick_label(v, dec), (xp, bottom + 10), style))?;
            v += step;
        }
        root.draw(&PathElement::new(vec![(x0, bottom), (x1, bottom)], axis))?;
        let zero = px(0.0f64.clamp(lo, hi));
        root.draw(&PathElement::new(vec![(zero, top), (zero, bottom)], axis))?;
        let style = (FAMILY, 19.0, FontStyle::Bold)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        root.draw(&Text::new(
            p.title.clone(),
            ((x0 + x1) / 2, top - 12),
            style,
        ))?;

        // Reference line, behind the marks.
        if let Some(r) = c.reference {
            if let Some(v) = p.marks.get(r).map(Mark::value).filter(|v| v.is_finite()) {
                let xp = px(v.clamp(lo, hi));
                root.draw(&DashedPathElement::new(
                    vec![(xp, top - 4), (xp, bottom)],
                    7,
                    5,
                    REF_LINE.stroke_width(2),
                ))?;
            }
        }
        // Marks.
        for (i, m) in p.marks.iter().enumerate() {
            let is_ref = c.reference == Some(i);
            let colour = if is_ref { REFERENCE } else { TREATED };
            let y = row_mid(i);
            let half = (f64::from(row_h) * 0.3) as i32;
            let value = m.value();
            let text_style = black(16.0).pos(Pos::new(HPos::Left, VPos::Center));
            if !value.is_finite() {
                root.draw(&Text::new("n.r.", (px(lo.max(0.0)) + 6, y), text_style))?;
                continue;
            }
            let (left_end, end) = match *m {
                Mark::Bar(v) => {
                    let (a, b) = (px(0.0f64.clamp(lo, hi)), px(v.clamp(lo, hi)));
                    root.draw(&Rectangle::new(
                        [(a.min(b), y - half), (a.max(b).max(a.min(b) + 1), y + half)],
                        colour.filled(),
                    ))?;
                    (a.min(b), a.max(b))
                }
                Mark::Interval {
                    value,
                    lo: l,
                    hi: h,
                } => {
                    let (a, b) = (px(0.0f64.clamp(lo, hi)), px(value.clamp(lo, hi)));
                    root.draw(&Rectangle::new(
                        [(a.min(b), y - half), (a.max(b).max(a.min(b) + 1), y + half)],
                        colour.filled(),
                    ))?;
                    if l.is_finite() && h.is_finite() {
                        let (el, eh) = (px(l.clamp(lo, hi)), px(h.clamp(lo, hi)));
                        let line = BLACK.stroke_width(2);
                        root.draw(&PathElement::new(vec![(el, y), (eh, y)], line))?;
                        for e in [el, eh] {
                            root.draw(&PathElement::new(
                                vec![(e, y - half / 2), (e, y + half / 2)],
                                line,
                            ))?;
                        }
                        (a.min(b).min(el), a.max(b).max(eh))
                    } else {
                        (a.min(b), a.max(b))
                    }
                }
                Mark::Box {
                    p5,
                    q1,
                    median,
                    q3,
                    p95,
                } => {
                    let c = |v: f64| px(if v.is_finite() { v.clamp(lo, hi) } else { hi });
                    let line = colour.stroke_width(2);
                    root.draw(&PathElement::new(vec![(c(p5), y), (c(q1), y)], line))?;
                    root.draw(&PathElement::new(vec![(c(q3), y), (c(p95), y)], line))?;
                    for e in [p5, p95] {
                        root.draw(&PathElement::new(
                            vec![(c(e), y - half / 2), (c(e), y + half / 2)],
                            line,
                        ))?;
                    }
                    let fill = if is_ref {
                        RGBColor(200, 200, 200)
                    } else {
                        RGBColor(178, 208, 232)
                    };
                    root.draw(&Rectangle::new(
                        [(c(q1), y - half), (c(q3).max(c(q1) + 1), y + half)],
                        fill.filled(),
                    ))?;
                    root.draw(&Rectangle::new(
                        [(c(q1), y - half), (c(q3).max(c(q1) + 1), y + half)],
                        colour.stroke_width(1),
                    ))?;
                    root.draw(&PathElement::new(
                        vec![(c(median), y - half), (c(median), y + half)],
                        colour.stroke_width(3),
                    ))?;
                    (c(p5), c(p95))
                }
            };
            let text = tick_label(value, p.decimals);
            let (tw, th) = root.estimate_text_size(&text, &black(16.0))?;
            let (tw, th) = (tw as i32, th as i32);
            // Right of the mark for values ≥ 0, left of it for negative ones.
            let x_text = if value >= 0.0 {
                end + 6
            } else {
                left_end - 6 - tw
            };
            root.draw(&Rectangle::new(
                [
                    (x_text - 3, y - th / 2 - 2),
                    (x_text + tw + 3, y + th / 2 + 2),
                ],
                WHITE.filled(),
            ))?;
            root.draw(&Text::new(text, (x_text, y), text_style))?;
        }
    }
    Ok(())
}

impl Drawable for Chart {
    fn size(&self) -> (u32, u32) {
        Chart::size(self)
    }
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw(root, self)
    }
}

/// Draw `chart` as `<dir>/<stem>.png` and `<dir>/<stem>.svg` (each atomically).
pub fn write_chart(dir: &Path, stem: &str, chart: &Chart) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, stem, chart)
}

/// The endpoint bar chart of a single-patient comparison.
pub fn endpoints_chart(c: &Comparison) -> Chart {
    let w = window_label(c.auc_window_h);
    let rows: Vec<&ArmRow> = c.ranked().collect();
    Chart {
        title: format!("{} — endpoints per arm", c.scenario),
        subtitle: format!(
            "Patient {}; sorted by pain AUC over {w} (lowest first); dashed line: {}",
            c.parameter_set,
            c.reference_arm().name
        ),
        reference: rows.iter().position(|a| a.name == c.reference_arm().name),
        rows: rows.iter().map(|a| a.name.clone()).collect(),
        panels: vec![
            Panel {
                title: format!("Pain AUC {w} (NRS·h)"),
                marks: rows.iter().map(|a| Mark::Bar(a.pain_auc_nrs_h)).collect(),
                decimals: 0,
                range: None,
            },
            Panel {
                title: "Time in spasm (h)".into(),
                marks: rows
                    .iter()
                    .map(|a| Mark::Bar(a.endpoints.spasm_min / (HOUR / MINUTE)))
                    .collect(),
                decimals: 1,
                range: None,
            },
        ],
    }
}

/// The cohort chart: pain AUC box plots and the fraction with the loop broken.
pub fn cohort_chart(scenario: &str, k: &CohortSummary) -> Chart {
    let w = window_label(k.auc_window_h);
    let rows: Vec<_> = k.ranking.iter().map(|&i| &k.arms[i]).collect();
    let or_inf = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
    Chart {
        title: format!("{scenario} — virtual cohort of {} patients", k.patients),
        subtitle: format!(
            "Seed {}; sorted by mean pain AUC; boxes: quartiles, line and label: median, whiskers: 5–95 %; \
             Δ: paired mean with 95 % CI; dashed: {}",
            k.seed, k.reference
        ),
        reference: rows.iter().position(|a| a.name == k.reference),
        rows: rows.iter().map(|a| a.name.clone()).collect(),
        panels: vec![
            Panel {
                title: format!("Pain AUC {w} (NRS·h)"),
                marks: rows
                    .iter()
                    .map(|a| Mark::Box {
                        p5: a.pain_auc_p5_p95[0],
                        q1: or_inf(a.pain_auc_nrs_h.q1),
                        median: or_inf(a.pain_auc_nrs_h.median),
                        q3: or_inf(a.pain_auc_nrs_h.q3),
                        p95: a.pain_auc_p5_p95[1],
                    })
                    .collect(),
                decimals: 0,
                range: None,
            },
            Panel {
                title: format!("Δ pain AUC vs {} (NRS·h)", k.reference),
                marks: rows
                    .iter()
                    .map(|a| {
                        let d = &a.diff_pain_auc_nrs_h;
                        Mark::Interval {
                            value: d.mean,
                            lo: d.lo.unwrap_or(f64::NAN),
                            hi: d.hi.unwrap_or(f64::NAN),
                        }
                    })
                    .collect(),
                decimals: 0,
                range: None,
            },
            Panel {
                title: format!(
                    "Loop broken by {} h (% of patients)",
                    crate::report::fmt_num(k.broken_from_h)
                ),
                marks: rows
                    .iter()
                    .map(|a| Mark::Bar(100.0 * a.fraction_broken))
                    .collect(),
                decimals: 0,
                range: Some((0.0, 115.0)),
            },
        ],
    }
}
