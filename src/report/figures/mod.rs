//! Figures (PNG and SVG, feature `figures`): a time course of a run, bar and box charts
//! of a comparison, the two branches of a bistability scan, the loop diagram for
//! lectures. Text is drawn with the
//! embedded DejaVu Sans font (registered once); no system fonts are used. SVG text
//! names "DejaVu Sans" first, with metric-compatible fallbacks. Every figure is a
//! [`Drawable`] written by [`write_figure`].

mod bifurcation;
mod bistability;
mod bitmap;
mod chart;
mod loop_diagram;
mod multiples;
mod phase;
mod sweep;
mod timecourse;

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::{atomic, OutputError};

pub use bifurcation::{write_bifurcation_figure, write_fold_curve_figure};
pub use bistability::write_bistability_figure;
pub use chart::{cohort_chart, endpoints_chart, write_chart, Chart, Mark, Panel};
pub use loop_diagram::write_loop_diagram;
pub use multiples::{write_multiples, Multiples};
pub use phase::{write_phase_figure, PhaseFigure};
pub use sweep::write_sweep_figure;
pub use timecourse::{timecourse_svg, write_timecourse};

/// Steps of round tick values: 1, 2, 5 times a power of ten.
pub(crate) const STEPS_125: [f64; 4] = [1.0, 2.0, 5.0, 10.0];

pub(crate) const FAMILY: &str = "sans-serif";

/// Okabe–Ito colours (colour-blind safe), one per arm; black first for the reference
/// arm.
const ARM_COLOURS: [RGBColor; 7] = [
    RGBColor(0, 0, 0),
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// The colour of arm `i` (the palette repeats after seven arms).
fn arm_colour(i: usize) -> RGBColor {
    ARM_COLOURS[i % ARM_COLOURS.len()]
}
const SVG_FAMILY: &str = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif";

/// Register the embedded DejaVu Sans (regular and bold) as "sans-serif" for
/// plotters. Idempotent; called by every drawing function.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let ok = register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        debug_assert!(ok, "embedded DejaVu fonts must parse");
    });
}

/// The result of drawing on a plotters backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A figure that can draw itself on any plotters backend.
pub trait Drawable {
    /// Size in pixels.
    fn size(&self) -> (u32, u32);
    /// Draw on `root` (already the full size).
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Draw `fig` as `<dir>/<stem>.png` and `<dir>/<stem>.svg` with the embedded font
/// (each written atomically); returns the two paths.
pub fn write_figure<F: Drawable>(
    dir: &Path,
    stem: &str,
    fig: &F,
) -> Result<[PathBuf; 2], OutputError> {
    register_fonts();
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    atomic::write_via_temp(&png, |tmp| {
        let root = bitmap::Bitmap(BitMapBackend::new(tmp, fig.size())).into_drawing_area();
        fig.draw_on(&root).map_err(plot_err(&png))?;
        root.present().map_err(plot_err(&png))
    })?;
    let s = svg_text(fig, &svg)?;
    atomic::write_bytes(&svg, s.as_bytes())?;
    Ok([png, svg])
}

/// `fig` as SVG text with the embedded font named first; `path` names the figure in
/// errors.
pub(crate) fn svg_text<F: Drawable>(fig: &F, path: &Path) -> Result<String, OutputError> {
    register_fonts();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, fig.size()).into_drawing_area();
        fig.draw_on(&root).map_err(plot_err(path))?;
        root.present().map_err(plot_err(path))?;
    }
    // Round joins: a one-pixel spike in a long line stays inside its panel.
    Ok(s.replace(
        &format!("font-family=\"{FAMILY}\""),
        &format!("font-family=\"{SVG_FAMILY}\""),
    )
    .replace("<polyline ", "<polyline stroke-linejoin=\"round\" "))
}

/// The plotting backend's error as a sentence: its own message chain (the operating
/// system's reason when a file could not be written, such as "No space left on
/// device"), never the Rust debug form (`BackendError(DrawingError(…))`).
fn plot_err<E: std::error::Error>(path: &Path) -> impl Fn(E) -> OutputError + '_ {
    move |e| {
        let mut message = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            let text = c.to_string();
            if !message.contains(&text) {
                message = format!("{message}: {text}");
            }
            cause = c.source();
        }
        OutputError::Plot {
            path: path.to_path_buf(),
            message,
        }
    }
}

/// Named parameter sets with their values (`analysis::bifurcation::named_values`)
/// grouped by value, in increasing order, keeping the values in `range`: the sets that
/// sit at one point of an axis.
pub(crate) fn named_groups(named: &[(String, f64)], range: (f64, f64)) -> Vec<(f64, Vec<&str>)> {
    let mut groups: Vec<(f64, Vec<&str>)> = Vec::new();
    for (set, v) in named
        .iter()
        .filter(|(_, v)| (range.0..=range.1).contains(v))
    {
        match groups.iter_mut().find(|(g, _)| g == v) {
            Some((_, names)) => names.push(set),
            None => groups.push((*v, vec![set])),
        }
    }
    groups.sort_by(|a, b| a.0.total_cmp(&b.0));
    groups
}

/// `text` cut at the end, `step` characters at a time and marked "…", until it is at
/// most `width` px wide in `style` or down to `min_chars` characters.
pub(crate) fn fit_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
    (min_chars, step): (usize, usize),
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut text = text.to_string();
    while text.chars().count() > min_chars
        && root.estimate_text_size(&text, style)?.0 as i32 > width
    {
        let n = text.chars().count();
        text = text.chars().take(n - step).collect::<String>() + "…";
    }
    Ok(text)
}

/// The smallest step of the form m·10ᵏ (m one of `mantissas`, within [1, 10]) that is
/// at least `raw`: ticks at round numbers.
pub(crate) fn nice_step(raw: f64, mantissas: &[f64]) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let e = 10f64.powf(raw.log10().floor());
    mantissas
        .iter()
        .map(|m| m * e)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * e)
}

/// A tick label with `dec` decimals.
pub(crate) fn tick_label(v: f64, dec: usize) -> String {
    let s = format!("{v:.dec$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// Decimals that show a tick step of `step` exactly (0.25 → 2, 0.5 → 1, 2 → 0; at
/// most 6).
pub(crate) fn decimals_for(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            (x - x.round()).abs() < 1e-6 * x.abs().max(1.0)
        })
        .unwrap_or(6)
}

#[cfg(test)]
mod tests {
    /// A backend error that wraps the operating system's, as plotters' bitmap backend
    /// does on a full disk.
    #[derive(Debug)]
    struct BackendError(std::io::Error);

    impl std::fmt::Display for BackendError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("backend error")
        }
    }

    impl std::error::Error for BackendError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn plotting_errors_read_as_sentences() {
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        let path = Path::new("out/x/timecourse.png");
        let message = plot_err(path)(BackendError(full)).to_string();
        assert_eq!(
            message,
            "cannot draw figure 'out/x/timecourse.png': backend error: No space left on device"
        );
    }

    use super::*;

    #[test]
    fn ticks_and_labels() {
        assert_eq!(nice_step(0.3, &STEPS_125), 0.5);
        assert_eq!(nice_step(3.0, &STEPS_125), 5.0);
        assert_eq!(nice_step(2.2, &[1.0, 2.0, 2.5, 5.0, 10.0]), 2.5);
        assert_eq!(tick_label(-0.0, 1), "0.0");
        assert_eq!(tick_label(2.5, 1), "2.5");
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(0.05), 2);
        assert_eq!(decimals_for(2.0), 0);
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(2.4), 1);
    }
}
