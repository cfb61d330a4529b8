//! Small multiples: one small panel per treated arm, each against the same reference
//! arm, so that every intervention's mechanism is seen on the same patient at a
//! glance (the lecture pack's fourth figure). Contraction over a common time window,
//! the arm's own sessions shaded, its doses and injections marked.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::timecourse::{event_label, kind_colour, marker, time_step, to_pixels, Frame};
use super::{
    decimals_for, fit_text, nice_step, tick_label, write_figure, DrawResult, Drawable, FAMILY,
    STEPS_125,
};
use crate::model::idx;
use crate::report::OutputError;
use crate::scenario::ArmResult;
use crate::units::HOUR;

/// Figure size, px: a 16:9 slide.
const SIZE: (u32, u32) = (1280, 720);
const REFERENCE: RGBColor = RGBColor(150, 150, 150);
const TREATED: RGBColor = RGBColor(0, 114, 178);
const MUTED: RGBColor = RGBColor(70, 70, 70);
/// Most ticks on a panel's time axis.
const X_TICKS: f64 = 4.0;
/// Opacity of a session's shading.
const SHADE_OPACITY: f64 = 0.3;

/// One small panel per treated arm against a reference arm.
pub struct Multiples<'a> {
    /// Title of the figure.
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    /// The arm every panel is drawn against (in grey).
    pub reference: &'a ArmResult,
    /// The treated arms, each with a short line under its name (e.g. when it broke
    /// the cycle).
    pub arms: Vec<(&'a ArmResult, String)>,
    /// The time window, h.
    pub window_h: (f64, f64),
}

/// Contraction of `r` in %MVC against time in h.
fn contraction(r: &ArmResult) -> Vec<(f64, f64)> {
    let tr = &r.trajectory;
    tr.times
        .iter()
        .zip(&tr.states)
        .map(|(t, y)| (t / HOUR, 100.0 * y[idx::A]))
        .collect()
}

impl Drawable for Multiples<'_> {
    fn size(&self) -> (u32, u32) {
        SIZE
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let font = |size: f64| (FAMILY, size).into_font().color(&BLACK);
        root.draw(&Text::new(
            self.title.clone(),
            (16, 10),
            (FAMILY, 26.0, FontStyle::Bold).into_font(),
        ))?;
        root.draw(&Text::new(
            self.subtitle.clone(),
            (16, 44),
            font(16.0).color(&MUTED),
        ))?;
        // Legend.
        let mid = font(16.0).pos(Pos::new(HPos::Left, VPos::Center));
        let y = 80;
        let mut x = 16;
        for (colour, text) in [
            (REFERENCE, self.reference.name.as_str()),
            (TREATED, "the arm named above each panel"),
        ] {
            root.draw(&PathElement::new(
                vec![(x, y), (x + 28, y)],
                colour.stroke_width(3),
            ))?;
            root.draw(&Text::new(text.to_string(), (x + 34, y), mid.clone()))?;
            x += 34 + root.estimate_text_size(text, &font(16.0))?.0 as i32 + 26;
        }
        root.draw(&Rectangle::new(
            [(x, y - 8), (x + 18, y + 8)],
            kind_colour("heat").mix(SHADE_OPACITY).filled(),
        ))?;
        let text = "its sessions (colour by kind)";
        root.draw(&Text::new(text, (x + 24, y), mid.clone()))?;
        x += 24 + root.estimate_text_size(text, &font(16.0))?.0 as i32 + 26;
        marker(root, (x + 7, y), 6, TREATED)?;
        root.draw(&Text::new("doses, injections", (x + 20, y), mid))?;

        // Grid.
        let n = self.arms.len().max(1);
        let cols = ((n as f64 * 16.0 / 9.0).sqrt().ceil() as usize).clamp(1, n);
        let rows = n.div_ceil(cols);
        let (top, left, bottom, right) = (100, 56, 44, 12);
        let cell_w = (SIZE.0 as i32 - left - right) / cols as i32;
        let cell_h = (SIZE.1 as i32 - top - bottom) / rows as i32;
        let y_max = std::iter::once(self.reference)
            .chain(self.arms.iter().map(|(r, _)| *r))
            .flat_map(contraction)
            .filter(|p| p.0 >= self.window_h.0 && p.0 <= self.window_h.1)
            .map(|p| p.1)
            .fold(1.0, f64::max)
            * 1.1;
        let reference = contraction(self.reference);
        let (x0, x1) = self.window_h;
        let x_step = time_step("h", x1 - x0, X_TICKS);
        let y_step = nice_step(y_max / 3.0, &STEPS_125);
        for (i, (arm, line)) in self.arms.iter().enumerate() {
            let (c, r) = ((i % cols) as i32, (i / cols) as i32);
            let cx = left + c * cell_w;
            let cy = top + r * cell_h;
            let f = Frame {
                x: self.window_h,
                y: (0.0, y_max),
                px: (cx + 6, cx + cell_w - 10),
                py: (cy + 42, cy + cell_h - 22),
            };
            let bold = (FAMILY, 15.0, FontStyle::Bold).into_font().color(&BLACK);
            let name = fit_text(root, &arm.name, &bold, cell_w - 14, (4, 2))?;
            root.draw(&Text::new(name, (f.px.0, cy + 4), bold))?;
            root.draw(&Text::new(
                line.clone(),
                (f.px.0, cy + 22),
                font(13.0).color(&MUTED),
            ))?;
            for (s, e, label) in arm.schedule.labelled_windows() {
                let (a, b) = ((s / HOUR).max(x0), (e / HOUR).min(x1));
                if b > a {
                    let xa = f.x(a).round() as i32;
                    let xb = (f.x(b).round() as i32).max(xa + 2);
                    root.draw(&Rectangle::new(
                        [(xa, f.py.0), (xb, f.py.1)],
                        kind_colour(label).mix(SHADE_OPACITY).filled(),
                    ))?;
                }
            }
            for ev in &arm.schedule.events {
                let t = ev.time / HOUR;
                if (x0..=x1).contains(&t) && event_label(&ev.impulse) != "injury" {
                    marker(root, (f.x(t).round() as i32, f.py.0 + 4), 5, TREATED)?;
                }
            }
            for (pts, colour) in [(&reference, REFERENCE), (&contraction(arm), TREATED)] {
                for run in to_pixels(pts, &f) {
                    root.draw(&PathElement::new(run, colour.stroke_width(2)))?;
                }
            }
            let axis = BLACK.stroke_width(1);
            root.draw(&PathElement::new(
                vec![(f.px.0, f.py.0), (f.px.0, f.py.1), (f.px.1, f.py.1)],
                axis,
            ))?;
            let tick = font(13.0);
            if c == 0 {
                let mut v = 0.0;
                while v <= y_max {
                    let yp = f.y(v).round() as i32;
                    root.draw(&Text::new(
                        tick_label(v, decimals_for(y_step)),
                        (f.px.0 - 4, yp),
                        tick.clone().pos(Pos::new(HPos::Right, VPos::Center)),
                    ))?;
                    v += y_step;
                }
            }
            if r as usize + 1 == rows || i + cols >= n {
                let mut t = (x0 / x_step).ceil() * x_step;
                while t <= x1 + 1e-9 {
                    let xp = f.x(t).round() as i32;
                    root.draw(&PathElement::new(
                        vec![(xp, f.py.1), (xp, f.py.1 + 4)],
                        axis,
                    ))?;
                    root.draw(&Text::new(
                        tick_label(t, decimals_for(x_step)),
                        (xp, f.py.1 + 6),
                        tick.clone().pos(Pos::new(HPos::Center, VPos::Top)),
                    ))?;
                    t += x_step;
                }
            }
        }
        let axis_label = font(16.0);
        root.draw(&Text::new(
            "Time (h)",
            (SIZE.0 as i32 / 2, SIZE.1 as i32 - 20),
            axis_label.clone().pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            "Contraction (%MVC)",
            (14, top + (SIZE.1 as i32 - top - bottom) / 2),
            axis_label
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        Ok(())
    }
}

/// Draw `m` as `<dir>/<stem>.png` and `.svg`.
pub fn write_multiples(
    dir: &Path,
    stem: &str,
    m: &Multiples<'_>,
) -> Result<[PathBuf; 2], OutputError> {
    write_figure(dir, stem, m)
}
