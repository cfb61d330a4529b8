//! The figure of a sweep for one endpoint: over one parameter, a line per arm; over
//! two, a heatmap per arm (viridis) with contour lines (marching squares, linear
//! interpolation between grid points) and a colour bar. Failed points are left out
//! (a gap in a line, a grey cell); "not reached" is drawn at the top of the scale.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::{arm_colour, write_figure, DrawResult, Drawable, FAMILY};
use crate::analysis::sweep::Axis;
use crate::report::sweep_dir::SweepSeries;
use crate::report::OutputError;

/// Viridis anchors at 0, 1/8, …, 1 (matplotlib's table, every 32nd entry).
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// Colour of failed cells.
const FAILED: RGBColor = RGBColor(200, 200, 200);

/// Contour levels drawn on a heatmap (evenly spaced inside the colour range).
const CONTOUR_LEVELS: usize = 6;

/// Figure width, px.
const WIDTH: u32 = 1600;
/// Height of a line figure and of one row of heatmaps, px.
const HEIGHT: u32 = 760;

fn viridis(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (t.floor() as usize).min(VIRIDIS.len() - 2);
    let f = t - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + f * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

struct Figure<'a> {
    scenario: &'a str,
    axes: &'a [Axis],
    arms: &'a [String],
    series: &'a SweepSeries,
}

fn axis_label(a: &Axis) -> String {
    let unit = if a.unit == "1" {
        String::new()
    } else {
        format!(" ({})", a.unit)
    };
    format!("{}{unit}{}", a.name, if a.log { ", log scale" } else { "" })
}

fn finite_range(values: &[Vec<f64>]) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    (lo <= hi).then_some((lo, hi))
}

impl Drawable for Figure<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let title = (FAMILY, 26.0, FontStyle::Bold).into_font();
        root.draw(&Text::new(
            format!(
                "{} over {}",
                self.series.endpoint,
                self.axes
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" × ")
            ),
            (24, 16),
            title,
        ))?;
        root.draw(&Text::new(
            format!(
                "{}; failed points left out (grey); 'not reached' drawn at the top of the scale",
                self.scenario
            ),
            (24, 52),
            (FAMILY, 17.0).into_font().color(&RGBColor(60, 60, 60)),
        ))?;
        let body = root.clone().shrink((0, 90), (WIDTH, HEIGHT - 90));
        match self.axes {
            [a] => self.draw_lines(&body, a),
            [a, b] => self.draw_heatmaps(&body, a, b),
            _ => Ok(()),
        }
    }
}

impl Figure<'_> {
    fn draw_lines<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        a: &Axis,
    ) -> DrawResult<DB> {
        let xs = a.values();
        let (lo, hi) = finite_range(&self.series.values).unwrap_or((0.0, 1.0));
        let pad = ((hi - lo) * 0.08).max(1e-9);
        let y_range = (lo.min(0.0) - if lo < 0.0 { pad } else { 0.0 })..(hi + pad);
        let label = axis_label(a);
        let endpoint = self.series.endpoint.clone();
        macro_rules! body_chart {
            ($x:expr) => {{
                let mut chart = ChartBuilder::on(body)
                    .margin(24)
                    .x_label_area_size(60)
                    .y_label_area_size(90)
                    .build_cartesian_2d($x, y_range.clone())?;
                chart
                    .configure_mesh()
                    .light_line_style(RGBColor(235, 235, 235))
                    .x_desc(label.clone())
                    .y_desc(endpoint.clone())
                    .label_style((FAMILY, 16.0))
                    .axis_desc_style((FAMILY, 18.0))
                    .draw()?;
                for (k, arm) in self.arms.iter().enumerate() {
                    let colour = arm_colour(k);
                    let vals = &self.series.values[k];
                    let shown = |v: f64| if v == f64::INFINITY { y_range.end } else { v };
                    // Split the line at failed points.
                    let mut segment: Vec<(f64, f64)> = Vec::new();
                    let mut segments = Vec::new();
                    for (x, &v) in xs.iter().zip(vals) {
                        if v.is_nan() {
                            segments.push(std::mem::take(&mut segment));
                        } else {
                            segment.push((*x, shown(v)));
                        }
                    }
                    segments.push(segment);
                    for (j, s) in segments.into_iter().enumerate() {
                        let series = chart
                            .draw_series(LineSeries::new(s.clone(), colour.stroke_width(3)))?;
                        if j == 0 {
                            series.label(arm.clone()).legend(move |(x, y)| {
                                PathElement::new([(x, y), (x + 24, y)], colour.stroke_width(3))
                            });
                        }
                        chart.draw_series(
                            s.into_iter().map(|p| Circle::new(p, 4, colour.filled())),
                        )?;
                    }
                }
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.9))
                    .border_style(RGBColor(180, 180, 180))
                    .label_font((FAMILY, 16.0))
                    .position(SeriesLabelPosition::UpperLeft)
                    .draw()?;
            }};
        }
        if a.log {
            body_chart!((a.lo..a.hi).log_scale());
        } else {
            body_chart!(a.lo..a.hi);
        }
        Ok(())
    }

    fn draw_heatmaps<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        a: &Axis,
        b: &Axis,
    ) -> DrawResult<DB> {
        let (lo, hi) = finite_range(&self.series.values).unwrap_or((0.0, 1.0));
        let span = if hi > lo { hi - lo } else { 1.0 };
        let (w, _) = body.dim_in_pixel();
        let bar_w = 190;
        let (maps, bar) = body.split_horizontally(w - bar_w);
        let panels = maps.split_evenly((1, self.arms.len().max(1)));
        let (xa, xb) = (a.values(), b.values());
        let colour_of = |v: f64| {
            if v.is_nan() {
                FAILED
            } else {
                viridis((v.min(hi) - lo) / span)
            }
        };
        let levels: Vec<f64> = (1..=CONTOUR_LEVELS)
            .map(|i| lo + span * i as f64 / (CONTOUR_LEVELS + 1) as f64)
            .collect();
        for (k, (panel, arm)) in panels.iter().zip(self.arms).enumerate() {
            let vals = &self.series.values[k];
            // Cell (i, j): a = xa[i], b = xb[j]; point index i * nb + j.
            let nb = b.n;
            let at = |i: usize, j: usize| {
                let v = vals[i * nb + j];
                if v == f64::INFINITY {
                    hi
                } else {
                    v
                }
            };
            let mut chart = ChartBuilder::on(panel)
                .caption(arm, (FAMILY, 20.0))
                .margin(16)
                .x_label_area_size(56)
                .y_label_area_size(80)
                .build_cartesian_2d(-0.5..(a.n as f64 - 0.5), -0.5..(b.n as f64 - 0.5))?;
            let fmt = |vals: &[f64]| {
                let vals = vals.to_vec();
                move |x: &f64| {
                    let i = x.round();
                    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < vals.len() {
                        format!("{:.3}", vals[i as usize])
                            .trim_end_matches('0')
                            .trim_end_matches('.')
                            .to_string()
                    } else {
                        String::new()
                    }
                }
            };
            let (fx, fy) = (fmt(&xa), fmt(&xb));
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(a.n.min(8))
                .y_labels(b.n.min(8))
                .x_label_formatter(&fx)
                .y_label_formatter(&fy)
                .x_desc(axis_label(a))
                .y_desc(axis_label(b))
                .label_style((FAMILY, 14.0))
                .axis_desc_style((FAMILY, 16.0))
                .draw()?;
            chart.draw_series((0..a.n).flat_map(|i| (0..nb).map(move |j| (i, j))).map(
                |(i, j)| {
                    let (x, y) = (i as f64, j as f64);
                    Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        colour_of(vals[i * nb + j]).filled(),
                    )
                },
            ))?;
            for &level in &levels {
                let segs = contour_segments(a.n, nb, &at, level);
                chart.draw_series(
                    segs.into_iter()
                        .map(|(p, q)| PathElement::new([p, q], WHITE.stroke_width(2))),
                )?;
            }
        }
        // Colour bar.
        let bar = bar.margin(40, 80, 10, 60);
        let mut cb = ChartBuilder::on(&bar)
            .caption(&self.series.endpoint, (FAMILY, 14.0))
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..1.0, lo..(lo + span))?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(6)
            .label_style((FAMILY, 14.0))
            .draw()?;
        let steps = 100;
        cb.draw_series((0..steps).map(|s| {
            let v0 = lo + span * f64::from(s) / f64::from(steps);
            let v1 = lo + span * f64::from(s + 1) / f64::from(steps);
            Rectangle::new([(0.0, v0), (1.0, v1)], viridis((v0 - lo) / span).filled())
        }))?;
        Ok(())
    }
}

/// Line segments of the contour at `level` of the field `at(i, j)` on an `na × nb`
/// grid (marching squares, linear interpolation along cell edges; a saddle cell is
/// split by its first pairing). Coordinates are grid indices. Cells with a `NaN`
/// corner are skipped.
pub(crate) fn contour_segments(
    na: usize,
    nb: usize,
    at: &dyn Fn(usize, usize) -> f64,
    level: f64,
) -> Vec<((f64, f64), (f64, f64))> {
    let mut out = Vec::new();
    for i in 0..na.saturating_sub(1) {
        for j in 0..nb.saturating_sub(1) {
            let c = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v: Vec<f64> = c.iter().map(|&(x, y)| at(x, y)).collect();
            if v.iter().any(|x| x.is_nan()) {
                continue;
            }
            let mut crossings = Vec::new();
            for e in 0..4 {
                let (p, q) = (e, (e + 1) % 4);
                let (vp, vq) = (v[p], v[q]);
                if (vp < level) != (vq < level) {
                    let t = (level - vp) / (vq - vp);
                    let (xp, yp) = (c[p].0 as f64, c[p].1 as f64);
                    let (xq, yq) = (c[q].0 as f64, c[q].1 as f64);
                    crossings.push((xp + t * (xq - xp), yp + t * (yq - yp)));
                }
            }
            for pair in crossings.chunks_exact(2) {
                out.push((pair[0], pair[1]));
            }
        }
    }
    out
}

/// Draw the sweep figure of one endpoint as `<dir>/<stem>.png` and `.svg`.
pub fn write_sweep_figure(
    dir: &Path,
    stem: &str,
    scenario: &str,
    axes: &[Axis],
    arms: &[String],
    series: &SweepSeries,
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(
        dir,
        stem,
        &Figure {
            scenario,
            axes,
            arms,
            series,
        },
    )
}
