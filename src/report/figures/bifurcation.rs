//! The bifurcation diagram of `spasm continuation` (contraction and pain of every
//! steady state over the parameter: stable solid, unstable dashed, folds and Hopf
//! points marked, bistable intervals shaded, the named parameter sets marked on the
//! axis) and the fold curves in two parameters.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::{named_groups, write_figure, DrawResult, Drawable, FAMILY};
use crate::analysis::bifurcation::{held_index, Diagram, FoldCurves, RegionKind};
use crate::continuation::Stability;
use crate::model::idx;
use crate::report::continuation_dir::ContinuationOutput;
use crate::report::OutputError;

/// Figure size, px: 16:9 for slides.
const SIZE: (u32, u32) = (1600, 900);
const STABLE: RGBColor = RGBColor(0, 0, 0);
const UNSTABLE: RGBColor = RGBColor(120, 120, 120);
const FOLD: RGBColor = RGBColor(213, 94, 0);
const HOPF: RGBColor = RGBColor(0, 114, 178);
const SPASM_BAND: RGBColor = RGBColor(250, 228, 205);
const PAIN_BAND: RGBColor = RGBColor(214, 234, 248);
const NAMED: RGBColor = RGBColor(0, 158, 115);
const GREY_TEXT: RGBColor = RGBColor(60, 60, 60);
/// Dash and gap of unstable branches, px.
const DASH: (u32, u32) = (10, 7);
/// Header height, px.
const HEADER: u32 = 110;

struct Bifurcation<'a> {
    out: &'a ContinuationOutput<'a>,
}

/// One quantity drawn against the parameter: panel letter, axis label, the state
/// index, a scale (100 for %MVC) and a fixed upper limit (0 = from the data).
type Quantity = (&'static str, &'static str, usize, f64, f64);

const QUANTITIES: [Quantity; 2] = [
    ("A", "Contraction (%MVC)", idx::A, 100.0, 0.0),
    ("B", "Pain (NRS 0–10)", idx::P, 1.0, 10.0),
];

impl Drawable for Bifurcation<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let d = self.out.diagram;
        root.fill(&WHITE)?;
        root.draw(&Text::new(
            format!(
                "Steady states of the loop over {} ({})",
                d.axis.name, self.out.patient
            ),
            (24, 14),
            (FAMILY, 30.0, FontStyle::Bold).into_font(),
        ))?;
        root.draw(&Text::new(
            format!(
                "{}; injury H held. Solid: stable; dashed: unstable; ● fold; ■ Hopf; shaded: two stable states (orange: relaxed or spasm; blue: low or high pain)",
                self.out.held
            ),
            (24, 54),
            (FAMILY, 18.0).into_font().color(&GREY_TEXT),
        ))?;
        let named = named_label(d);
        if !named.is_empty() {
            root.draw(&Text::new(
                format!("▲ named parameter sets: {named}"),
                (24, 80),
                (FAMILY, 18.0).into_font().color(&NAMED),
            ))?;
        }
        let body = root.clone().shrink((0, HEADER), (SIZE.0, SIZE.1 - HEADER));
        for (panel, q) in body.split_evenly((1, 2)).iter().zip(QUANTITIES) {
            draw_panel(panel, d, q)?;
        }
        Ok(())
    }
}

/// "healthy, chronic_stress at 0; acute_injury at 0.5": sets grouped by value.
fn named_label(d: &Diagram) -> String {
    named_groups(&d.named, (d.axis.lo, d.axis.hi))
        .iter()
        .map(|(v, names)| format!("{} at {v}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    d: &Diagram,
    (letter, label, state, scale, fixed_max): Quantity,
) -> DrawResult<DB> {
    let i = held_index(state);
    let y_max = if fixed_max > 0.0 {
        fixed_max
    } else {
        d.branches
            .iter()
            .flat_map(|b| b.points.iter().map(|p| p.x[i] * scale))
            .fold(1.0, f64::max)
            * 1.1
    };
    let mut chart = ChartBuilder::on(panel)
        .margin(24)
        .x_label_area_size(70)
        .y_label_area_size(80)
        .build_cartesian_2d(d.axis.lo..d.axis.hi, 0.0..y_max)?;
    let unit = if d.axis.unit == "1" {
        String::new()
    } else {
        format!(" ({})", d.axis.unit)
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(format!("{}{unit}", d.axis.name))
        .y_desc(label)
        .label_style((FAMILY, 20.0))
        .axis_desc_style((FAMILY, 22.0))
        .draw()?;
    for r in &d.regions {
        let colour = match r.kind {
            RegionKind::Spasm => SPASM_BAND,
            RegionKind::Pain => PAIN_BAND,
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(r.lo, 0.0), (r.hi, y_max)],
            colour.filled(),
        )))?;
    }
    for b in &d.branches {
        // Runs of points with the same stability, each joined to the next run.
        let mut start = 0;
        while start + 1 < b.points.len() {
            let stable = b.points[start].stability == Stability::Stable;
            let mut end = start + 1;
            while end + 1 < b.points.len()
                && (b.points[end].stability == Stability::Stable) == stable
            {
                end += 1;
            }
            let pts: Vec<(f64, f64)> = b.points[start..=end]
                .iter()
                .map(|p| (d.axis.from_canonical(p.p), p.x[i] * scale))
                .collect();
            if stable {
                chart.draw_series(LineSeries::new(pts, STABLE.stroke_width(4)))?;
            } else {
                chart.draw_series(DashedLineSeries::new(
                    pts,
                    DASH.0,
                    DASH.1,
                    UNSTABLE.stroke_width(3),
                ))?;
            }
            start = end;
        }
        for sp in &b.special {
            let xy = (d.axis.from_canonical(sp.p), sp.x[i] * scale);
            match sp.kind {
                crate::continuation::SpecialKind::Hopf { .. } => {
                    chart.draw_series(std::iter::once(
                        EmptyElement::at(xy) + Rectangle::new([(-8, -8), (8, 8)], HOPF.filled()),
                    ))?;
                }
                _ => {
                    chart.draw_series(std::iter::once(Circle::new(xy, 9, FOLD.filled())))?;
                }
            }
        }
    }
    chart.draw_series(
        d.named
            .iter()
            .filter(|(_, v)| *v >= d.axis.lo && *v <= d.axis.hi)
            .map(|(_, v)| {
                EmptyElement::at((*v, 0.0)) + TriangleMarker::new((0, -10), 12, NAMED.filled())
            }),
    )?;
    panel.draw(&Text::new(
        letter,
        (8, 8),
        (FAMILY, 30.0, FontStyle::Bold).into_font(),
    ))?;
    Ok(())
}

/// Draw the diagram as `<dir>/bifurcation.png` and `.svg`.
pub fn write_bifurcation_figure(
    dir: &Path,
    out: &ContinuationOutput<'_>,
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, "bifurcation", &Bifurcation { out })
}

struct Folds<'a> {
    patient: &'a str,
    folds: &'a FoldCurves,
}

impl Drawable for Folds<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (p, q) = (&self.folds.p, &self.folds.q);
        root.fill(&WHITE)?;
        root.draw(&Text::new(
            format!(
                "Folds of the loop in {} × {} ({})",
                p.name, q.name, self.patient
            ),
            (24, 14),
            (FAMILY, 30.0, FontStyle::Bold).into_font(),
        ))?;
        root.draw(&Text::new(
            "Each curve is a fold: crossing it, a pair of steady states (one stable, one saddle) appears or vanishes. ✚ the patient; ◆ cusp; ■ Bogdanov–Takens point (a Hopf curve ends on the fold)",
            (24, 54),
            (FAMILY, 18.0).into_font().color(&GREY_TEXT),
        ))?;
        let body = root.clone().shrink((0, HEADER), (SIZE.0, SIZE.1 - HEADER));
        let mut chart = ChartBuilder::on(&body)
            .margin(30)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(p.lo..p.hi, q.lo..q.hi)?;
        let with_unit = |name: &str, unit: &str| {
            if unit == "1" {
                name.to_string()
            } else {
                format!("{name} ({unit})")
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(with_unit(&p.name, &p.unit))
            .y_desc(with_unit(&q.name, &q.unit))
            .label_style((FAMILY, 20.0))
            .axis_desc_style((FAMILY, 22.0))
            .draw()?;
        for c in &self.folds.curves {
            chart.draw_series(LineSeries::new(
                c.points
                    .iter()
                    .map(|pt| (p.from_canonical(pt.p), q.from_canonical(pt.q))),
                FOLD.stroke_width(4),
            ))?;
        }
        chart.draw_series(self.folds.cusps.iter().map(|&(x, y)| {
            EmptyElement::at((x, y))
                + Polygon::new(vec![(0, -12), (12, 0), (0, 12), (-12, 0)], BLACK.filled())
        }))?;
        chart.draw_series(
            self.folds.bogdanov_takens.iter().map(|&xy| {
                EmptyElement::at(xy) + Rectangle::new([(-8, -8), (8, 8)], HOPF.filled())
            }),
        )?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((p.value, q.value)) + Cross::new((0, 0), 10, NAMED.stroke_width(4)),
        ))?;
        Ok(())
    }
}

/// Draw the fold curves as `<dir>/folds.png` and `.svg`.
pub fn write_fold_curve_figure(
    dir: &Path,
    patient: &str,
    folds: &FoldCurves,
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, "folds", &Folds { patient, folds })
}
