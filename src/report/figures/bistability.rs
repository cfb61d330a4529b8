//! The figure of a bistability scan: contraction and pain settled from rest and after
//! an effort, over injury levels, with the bistable range shaded.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::{write_figure, DrawResult, Drawable, FAMILY};
use crate::analysis::bistability::{Branches, BISTABLE_THRESHOLD};
use crate::report::OutputError;

struct Figure<'a> {
    set: &'a str,
    rows: &'a [Branches],
}

const REST: RGBColor = RGBColor(0, 0, 0);
const EFFORT: RGBColor = RGBColor(213, 94, 0);
const BAND: RGBColor = RGBColor(250, 228, 205);

impl Drawable for Figure<'_> {
    fn size(&self) -> (u32, u32) {
        (1600, 720)
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let title = (FAMILY, 26.0, FontStyle::Bold).into_font();
        root.draw(&Text::new(
            format!(
                "Where the spasm–ischemia loop sustains itself ({})",
                self.set
            ),
            (24, 16),
            title,
        ))?;
        root.draw(&Text::new(
            "Steady state from rest (black) and after a 2 min 50 %MVC effort (orange), injury H held fixed; shaded: bistable",
            (24, 52),
            (FAMILY, 17.0).into_font().color(&RGBColor(60, 60, 60)),
        ))?;
        let body = root.clone().shrink((0, 90), (1600, 630));
        let panels = body.split_evenly((1, 2));
        let h_max = self
            .rows
            .iter()
            .map(|r| r.injury)
            .fold(0.0, f64::max)
            .max(1e-9);
        let bistable: Vec<f64> = self
            .rows
            .iter()
            .filter(|r| r.bistable(BISTABLE_THRESHOLD))
            .map(|r| r.injury)
            .collect();
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
                .margin(24)
                .x_label_area_size(60)
                .y_label_area_size(80)
                .build_cartesian_2d(0.0..h_max, 0.0..y_max)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("Injury H (held fixed)")
                .y_desc(label)
                .label_style((FAMILY, 16.0))
                .axis_desc_style((FAMILY, 18.0))
                .draw()?;
            if let (Some(&lo), Some(&hi)) = (bistable.first(), bistable.last()) {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(lo, 0.0), (hi, y_max)],
                    BAND.filled(),
                )))?;
            }
            for (effort, colour) in [(false, REST), (true, EFFORT)] {
                let pts: Vec<(f64, f64)> = self
                    .rows
                    .iter()
                    .map(|r| (r.injury, value(r, effort)))
                    .collect();
                chart.draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))?;
                chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 4, colour.filled())))?;
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

/// Draw the scan of parameter set `set` as `<dir>/bistability.png` and `.svg`.
pub fn write_bistability_figure(
    dir: &Path,
    set: &str,
    rows: &[Branches],
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, "bistability", &Figure { set, rows })
}
