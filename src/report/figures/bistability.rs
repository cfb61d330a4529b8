//! The figure of a bistability scan: contraction and pain settled from rest and after
//! an effort, over injury levels, with the bistable range shaded, the jump between
//! the branches drawn as a jump (between the two scanned levels it lies in, not as a
//! ramp), and the named patients marked at their injury.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::{named_groups, write_figure, DrawResult, Drawable, FAMILY};
use crate::analysis::bifurcation::named_values;
use crate::analysis::bistability::{Branches, BISTABLE_THRESHOLD, PROBE_EFFORT};
use crate::report::OutputError;

/// Figure size, px: a 16:9 slide.
const SIZE: (u32, u32) = (1280, 720);
/// Header height, px.
const HEADER: u32 = 118;
const REST: RGBColor = RGBColor(0, 0, 0);
const EFFORT: RGBColor = RGBColor(213, 94, 0);
const BAND: RGBColor = RGBColor(250, 228, 205);
const NAMED: RGBColor = RGBColor(0, 114, 178);
const GREY_TEXT: RGBColor = RGBColor(60, 60, 60);
/// Dash and gap of a jump between branches, px.
const DASH: (u32, u32) = (6, 5);

struct Figure<'a> {
    set: &'a str,
    rows: &'a [Branches],
    /// Named parameter sets and their injury `h_initial`.
    named: Vec<(String, f64)>,
}

/// One branch as runs of points, and its jumps (x, y before, y after).
type Branch = (Vec<Vec<(f64, f64)>>, Vec<(f64, f64, f64)>);

/// The midpoints between scanned levels where contraction `a` (%MVC) changes by more
/// than [`BISTABLE_THRESHOLD`]: where a branch jumps.
fn jumps(a: &[(f64, f64)]) -> Vec<f64> {
    a.windows(2)
        .filter(|w| (w[1].1 - w[0].1).abs() > 100.0 * BISTABLE_THRESHOLD)
        .map(|w| 0.5 * (w[0].0 + w[1].0))
        .collect()
}

/// `pts` drawn with a jump at each x of `at`: the branch holds its value to the
/// midpoint and continues from there at the next value, not as a ramp.
fn split_at(pts: &[(f64, f64)], at: &[f64]) -> Branch {
    let mut runs = vec![Vec::new()];
    let mut out = Vec::new();
    for w in pts.windows(2) {
        let (q, p) = (w[0], w[1]);
        let run = runs.last_mut().expect("one run");
        run.push(q);
        let mid = 0.5 * (q.0 + p.0);
        if at.iter().any(|x| (x - mid).abs() < 1e-12) {
            run.push((mid, q.1));
            out.push((mid, q.1, p.1));
            runs.push(vec![(mid, p.1)]);
        }
    }
    if let Some(&last) = pts.last() {
        runs.last_mut().expect("one run").push(last);
    }
    (runs, out)
}

impl Drawable for Figure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        root.draw(&Text::new(
            format!(
                "Where the spasm–ischemia loop sustains itself ({})",
                self.set
            ),
            (20, 12),
            (FAMILY, 26.0, FontStyle::Bold).into_font(),
        ))?;
        root.draw(&Text::new(
            "Each level of injury H is held fixed; the muscle is settled for a day from rest, and again after an effort.",
            (20, 48),
            (FAMILY, 16.0).into_font().color(&GREY_TEXT),
        ))?;
        // Legend.
        let (effort_s, effort_level) = PROBE_EFFORT;
        let entries: [(&str, String); 3] = [
            ("rest", "settled from rest".into()),
            (
                "effort",
                format!(
                    "settled after a {:.0} min {:.0} %MVC effort",
                    effort_s / 60.0,
                    100.0 * effort_level
                ),
            ),
            ("band", "bistable: both states last".into()),
        ];
        let style = (FAMILY, 17.0).into_font().color(&BLACK);
        let mid = style.pos(Pos::new(HPos::Left, VPos::Center));
        let (mut x, y) = (20, 86);
        for (kind, text) in entries {
            if kind == "band" {
                root.draw(&Rectangle::new(
                    [(x, y - 9), (x + 30, y + 9)],
                    BAND.filled(),
                ))?;
            } else {
                let c = if kind == "rest" { REST } else { EFFORT };
                root.draw(&PathElement::new(
                    vec![(x, y), (x + 30, y)],
                    c.stroke_width(3),
                ))?;
                root.draw(&Circle::new((x + 15, y), 4, c.filled()))?;
            }
            root.draw(&Text::new(text.clone(), (x + 38, y), mid.clone()))?;
            x += 38 + root.estimate_text_size(&text, &style)?.0 as i32 + 30;
        }
        root.draw(&TriangleMarker::new((x + 8, y), 8, NAMED.filled()))?;
        root.draw(&Text::new(
            "named patients",
            (x + 22, y),
            mid.clone().color(&NAMED),
        ))?;

        let body = root.clone().shrink((0, HEADER), (SIZE.0, SIZE.1 - HEADER));
        let panels = body.split_evenly((1, 2));
        let h_max = self
            .rows
            .iter()
            .map(|r| r.injury)
            .fold(0.0, f64::max)
            .max(1e-9);
        // The bistable band runs between the scanned levels on either side of its edges.
        let levels: Vec<f64> = self.rows.iter().map(|r| r.injury).collect();
        let bistable: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.rows[i].bistable(BISTABLE_THRESHOLD))
            .collect();
        let band = match (bistable.first(), bistable.last()) {
            (Some(&lo), Some(&hi)) => Some((
                if lo > 0 {
                    0.5 * (levels[lo - 1] + levels[lo])
                } else {
                    levels[lo]
                },
                levels
                    .get(hi + 1)
                    .map_or(levels[hi], |n| 0.5 * (levels[hi] + n)),
            )),
            _ => None,
        };
        // Named patients grouped by injury: a marker on the axis, names above it.
        let named = named_groups(&self.named, (f64::NEG_INFINITY, h_max));
        let series = [
            ("A", "Contraction (%MVC)", 100.0, true),
            ("B", "Pain (NRS 0–10)", 1.0, false),
        ];
        for (panel, (letter, label, scale, contraction)) in panels.iter().zip(series) {
            let value = |r: &Branches, effort: bool| {
                scale
                    * match (contraction, effort) {
                        (true, false) => r.a_rest,
                        (true, true) => r.a_after_effort,
                        (false, false) => r.pain_rest,
                        (false, true) => r.pain_after_effort,
                    }
            };
            let y_max = if contraction {
                self.rows.iter().map(|r| value(r, true)).fold(5.0, f64::max) * 1.1
            } else {
                10.0
            };
            let mut chart = ChartBuilder::on(panel)
                .margin(20)
                .margin_top(34)
                .x_label_area_size(56)
                .y_label_area_size(64)
                .build_cartesian_2d(0.0..h_max, 0.0..y_max)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("Injury H (held fixed)")
                .y_desc(label)
                .label_style((FAMILY, 16.0))
                .axis_desc_style((FAMILY, 18.0))
                .draw()?;
            if let Some((lo, hi)) = band {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(lo, 0.0), (hi, y_max)],
                    BAND.filled(),
                )))?;
            }
            for (effort, colour) in [(false, REST), (true, EFFORT)] {
                let point = |r: &Branches| (r.injury, value(r, effort));
                let pts: Vec<(f64, f64)> = self.rows.iter().map(point).collect();
                // Both quantities jump where contraction does.
                let a: Vec<(f64, f64)> = self
                    .rows
                    .iter()
                    .map(|r| {
                        (
                            r.injury,
                            100.0 * if effort { r.a_after_effort } else { r.a_rest },
                        )
                    })
                    .collect();
                let (runs, jumps) = split_at(&pts, &jumps(&a));
                for run in runs {
                    chart.draw_series(LineSeries::new(run, colour.stroke_width(3)))?;
                }
                for (x, y0, y1) in jumps {
                    let (p0, p1) = (chart.backend_coord(&(x, y0)), chart.backend_coord(&(x, y1)));
                    root.draw(&DashedPathElement::new(
                        vec![p0, p1],
                        DASH.0,
                        DASH.1,
                        colour.stroke_width(2),
                    ))?;
                }
                chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 4, colour.filled())))?;
            }
            for (h, names) in &named {
                let (x, y) = chart.backend_coord(&(*h, 0.0));
                root.draw(&TriangleMarker::new((x, y - 8), 8, NAMED.filled()))?;
                if contraction {
                    root.draw(&Text::new(
                        names.join(", ").replace('_', " "),
                        (x + 4, y - 20),
                        (FAMILY, 14.0)
                            .into_font()
                            .color(&NAMED)
                            .transform(FontTransform::Rotate270)
                            .pos(Pos::new(HPos::Left, VPos::Top)),
                    ))?;
                }
            }
            panel.draw(&Text::new(
                letter,
                (8, 8),
                (FAMILY, 26.0, FontStyle::Bold).into_font(),
            ))?;
        }
        Ok(())
    }
}

/// Draw the scan of parameter set `set` as `<dir>/<stem>.png` and `.svg`.
pub fn write_bistability_figure(
    dir: &Path,
    stem: &str,
    set: &str,
    rows: &[Branches],
) -> Result<[PathBuf; 2], OutputError> {
    let named = named_values("h_initial");
    write_figure(dir, stem, &Figure { set, rows, named })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jump_is_a_jump_not_a_ramp() {
        let pts = [(0.0, 1.0), (0.1, 1.1), (0.2, 12.0), (0.3, 12.2)];
        let at = jumps(&pts);
        assert_eq!(at.len(), 1);
        let (runs, js) = split_at(&pts, &at);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].len(), 3);
        assert_eq!(runs[0].last().map(|p| p.1), Some(1.1));
        assert_eq!(runs[1].first().map(|p| p.1), Some(12.0));
        assert_eq!(runs[1].len(), 3);
        assert_eq!(js.len(), 1);
        assert!((js[0].0 - 0.15).abs() < 1e-12);
    }
}
