//! The phase portrait of the reduced loop (`spasm phase`): basins of the relaxed and
//! the spasm state in the contraction × γ-bias plane, the separatrix between them,
//! flow lines, the steady states and, optionally, a treated trajectory crossing it.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::{write_figure, DrawResult, Drawable, FAMILY};
use crate::analysis::phase::Portrait;
use crate::continuation::Stability;
use crate::model::idx;
use crate::report::OutputError;

/// Figure size, px: 16:9 for slides.
const SIZE: (u32, u32) = (1600, 900);
const SPASM_BASIN: RGBColor = RGBColor(250, 220, 190);
const REST_BASIN: RGBColor = RGBColor(222, 238, 228);
const FLOW: RGBColor = RGBColor(150, 150, 150);
const TREATED: RGBColor = RGBColor(0, 114, 178);
const GREY_TEXT: RGBColor = RGBColor(60, 60, 60);
/// Header height, px.
const HEADER: u32 = 110;

/// What the figure shows.
#[derive(Debug, Clone)]
pub struct PhaseFigure<'a> {
    /// Title line (patient).
    pub title: &'a str,
    /// The portrait.
    pub portrait: &'a Portrait,
    /// A trajectory to draw across it: its name and (a, γ) points.
    pub trajectory: Option<(&'a str, Vec<(f64, f64)>)>,
}

impl Drawable for PhaseFigure<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let p = self.portrait;
        root.fill(&WHITE)?;
        root.draw(&Text::new(
            format!("The spasm–ischemia loop in the plane: {}", self.title),
            (24, 14),
            (FAMILY, 30.0, FontStyle::Bold).into_font(),
        ))?;
        root.draw(&Text::new(
            format!(
                "Where the muscle ends a day later, injury held at H = {:.2}, other states starting relaxed: green, it relaxes; orange, it stays in spasm. Grey: flow lines.",
                p.injury
            ),
            (24, 54),
            (FAMILY, 18.0).into_font().color(&GREY_TEXT),
        ))?;
        root.draw(&Text::new(
            "● stable steady state   ○ saddle (its stable manifold is the border between the basins)",
            (24, 80),
            (FAMILY, 18.0).into_font().color(&GREY_TEXT),
        ))?;
        let body = root.clone().shrink((0, HEADER), (SIZE.0, SIZE.1 - HEADER));
        let a_max = 100.0 * p.grid.a_max;
        let mut chart = ChartBuilder::on(&body)
            .margin(30)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..a_max, 0.0..1.0)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Contraction a (%MVC)")
            .y_desc("Fusimotor (γ) bias")
            .label_style((FAMILY, 20.0))
            .axis_desc_style((FAMILY, 22.0))
            .draw()?;
        let (da, dg) = (a_max / (p.grid.n - 1) as f64, 1.0 / (p.grid.n - 1) as f64);
        chart.draw_series(p.spasm.iter().enumerate().flat_map(|(i, row)| {
            row.iter().enumerate().map(move |(j, &s)| {
                let (x, y) = (100.0 * p.a[i], p.gamma[j]);
                Rectangle::new(
                    [
                        ((x - da / 2.0).max(0.0), (y - dg / 2.0).max(0.0)),
                        ((x + da / 2.0).min(a_max), (y + dg / 2.0).min(1.0)),
                    ],
                    if s { SPASM_BASIN } else { REST_BASIN }.filled(),
                )
            })
        }))?;
        for f in &p.flows {
            chart.draw_series(LineSeries::new(
                f.iter().map(|&(a, g)| (100.0 * a, g)),
                FLOW.stroke_width(2),
            ))?;
        }
        if let Some((name, pts)) = &self.trajectory {
            let shown: Vec<(f64, f64)> = pts
                .iter()
                .map(|&(a, g)| ((100.0 * a).min(a_max), g))
                .collect();
            chart
                .draw_series(LineSeries::new(shown.clone(), TREATED.stroke_width(4)))?
                .label(*name);
            if let Some(&first) = shown.first() {
                chart.draw_series(std::iter::once(Circle::new(first, 8, TREATED.filled())))?;
            }
            if let Some(&last) = shown.last() {
                chart.draw_series(std::iter::once(
                    EmptyElement::at(last) + TriangleMarker::new((0, 0), 12, TREATED.filled()),
                ))?;
            }
            body.draw(&Text::new(
                format!("Blue: {name} (● start, ▲ end)"),
                (120, 40),
                (FAMILY, 20.0).into_font().color(&TREATED),
            ))?;
        }
        for s in &p.steady.states {
            let xy = (100.0 * s.state[idx::A], s.state[idx::GAMMA]);
            let stable = s.equilibrium.stability.verdict == Stability::Stable;
            let style = if stable {
                BLACK.filled()
            } else {
                BLACK.stroke_width(3)
            };
            chart.draw_series(std::iter::once(Circle::new(xy, 11, style)))?;
        }
        Ok(())
    }
}

/// Draw the portrait as `<dir>/phase.png` and `.svg`.
pub fn write_phase_figure(dir: &Path, fig: &PhaseFigure<'_>) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, "phase", fig)
}
