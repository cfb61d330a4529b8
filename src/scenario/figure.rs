//! How a scenario's time-course figure is drawn: the `[figure]` table and the matching
//! command-line flags (`--window`, `--panels`, `--size`, `--font-scale`, `--theme`).
//! Pure settings; the drawing is `report::figures`.
//!
//! ```
//! use spasm::scenario::figure::{FigureSettings, PanelKind, TimeWindow};
//! let w = TimeWindow::parse("0 h..3 h").unwrap();
//! assert_eq!((w.from_s, w.to_s), (0.0, Some(10_800.0)));
//! assert_eq!(TimeWindow::parse("all").unwrap().to_s, None);
//! assert_eq!(PanelKind::parse("oxygen"), Some(PanelKind::Oxygen));
//! assert_eq!(FigureSettings::default().size_px, (1280, 720));
//! ```

use super::error::ErrorKind;
use super::walk::{Cx, Val, R};
use crate::units::{Quantity, TIME};

/// Default figure size, px: 16:9, the size of a projected slide.
pub const DEFAULT_SIZE_PX: (u32, u32) = (1280, 720);
/// Smallest figure width and height accepted, px.
pub const MIN_SIZE_PX: (u32, u32) = (320, 240);
/// Largest figure width or height accepted, px.
pub const MAX_SIDE_PX: u32 = 8000;
/// Smallest and largest font scale accepted, 1 (1 = the default text sizes).
pub const FONT_SCALE_RANGE: (f64, f64) = (0.5, 3.0);
/// Most time windows one figure draws side by side.
pub const MAX_WINDOWS: usize = 4;

/// Settings of a time-course figure; the default draws the whole run at 1280×720,
/// light, with the panels chosen from the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSettings {
    /// Time windows drawn side by side, left to right; empty = the whole run.
    pub windows: Vec<TimeWindow>,
    /// Panels in reading order; `None` = chosen from what the run holds
    /// ([`PanelKind::DEFAULT`], temperature when something heats, drugs when given).
    pub panels: Option<Vec<PanelKind>>,
    /// Width and height, px.
    pub size_px: (u32, u32),
    /// Factor on every text size, 1.
    pub font_scale: f64,
    /// Light (white background) or dark.
    pub theme: Theme,
}

impl Default for FigureSettings {
    fn default() -> Self {
        Self {
            windows: Vec::new(),
            panels: None,
            size_px: DEFAULT_SIZE_PX,
            font_scale: 1.0,
            theme: Theme::Light,
        }
    }
}

impl FigureSettings {
    /// Draw at `size_px` with text at its design size in those pixels (a page that
    /// shows the figure in an area of that many CSS px): the font scale undoes the
    /// scaling of text with the figure's size, within [`FONT_SCALE_RANGE`].
    pub fn for_display(&mut self, size_px: (u32, u32)) {
        let (w, h) = (
            size_px.0.clamp(MIN_SIZE_PX.0, MAX_SIDE_PX),
            size_px.1.clamp(MIN_SIZE_PX.1, MAX_SIDE_PX),
        );
        let shrink = (f64::from(w) / f64::from(DEFAULT_SIZE_PX.0))
            .min(f64::from(h) / f64::from(DEFAULT_SIZE_PX.1));
        let (lo, hi) = FONT_SCALE_RANGE;
        self.size_px = (w, h);
        self.font_scale = (self.font_scale / shrink).clamp(lo, hi);
    }
}

/// A stretch of the run's time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWindow {
    /// Start, s from t = 0.
    pub from_s: f64,
    /// End, s from t = 0; `None` = the end of the run.
    pub to_s: Option<f64>,
}

impl TimeWindow {
    /// The whole run.
    pub const ALL: TimeWindow = TimeWindow {
        from_s: 0.0,
        to_s: None,
    };

    /// Read `"A..B"` (two times with units, e.g. `"0 h..3 h"`; `"1 d.."` runs to the
    /// end) or `"all"`. The error says what was wrong.
    pub fn parse(text: &str) -> Result<TimeWindow, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("all") {
            return Ok(Self::ALL);
        }
        let Some((a, b)) = t.split_once("..") else {
            return Err(format!(
                "'{t}' is not a time window: write two times such as \"0 h..3 h\", or \"all\""
            ));
        };
        let from_s = time_s(a)?;
        let to_s = if b.trim().is_empty() {
            None
        } else {
            Some(time_s(b)?)
        };
        if from_s < 0.0 || to_s.is_some_and(|e| e <= from_s) {
            return Err(format!(
                "'{t}' is not a time window: the start must be at least 0 s and before the end"
            ));
        }
        Ok(TimeWindow { from_s, to_s })
    }
}

/// A time with its unit, s.
fn time_s(text: &str) -> Result<f64, String> {
    let q = Quantity::parse(text.trim())
        .map_err(|_| format!("'{}' is not a time such as \"3 h\"", text.trim()))?;
    if !TIME.units.contains(&q.unit.as_str()) {
        return Err(format!(
            "'{}' is not a time (units {})",
            text.trim(),
            TIME.units.join(", ")
        ));
    }
    q.to(TIME.canonical)
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("'{}' is not a finite time", text.trim()))
}

/// Read a size `"WIDTHxHEIGHT"` in px, e.g. `"1920x1080"`, within
/// [`MIN_SIZE_PX`]..=[`MAX_SIDE_PX`].
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "'{}' is not a figure size: write WIDTHxHEIGHT in px, such as \"1280x720\", from {}x{} to {MAX_SIDE_PX}x{MAX_SIDE_PX}",
            text.trim(),
            MIN_SIZE_PX.0,
            MIN_SIZE_PX.1
        )
    };
    let (w, h) = text.trim().split_once(['x', '×']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    );
    if w < MIN_SIZE_PX.0 || h < MIN_SIZE_PX.1 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return Err(bad());
    }
    Ok((w, h))
}

/// Check a font scale against [`FONT_SCALE_RANGE`].
pub fn check_font_scale(x: f64) -> Result<f64, String> {
    let (lo, hi) = FONT_SCALE_RANGE;
    if x.is_finite() && (lo..=hi).contains(&x) {
        Ok(x)
    } else {
        Err(format!("a font scale must be from {lo} to {hi}, not {x}"))
    }
}

/// Light or dark figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark lines on white (print, bright rooms).
    Light,
    /// Light lines on near-black (dark lecture halls).
    Dark,
}

impl Theme {
    /// Read "light" or "dark".
    pub fn parse(text: &str) -> Option<Theme> {
        match text.trim() {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// One panel of the time-course figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    /// Contraction a, %MVC.
    Contraction,
    /// Intramuscular pressure p_im, mmHg.
    Pressure,
    /// Blood flow Q (× rest) and the open fraction of the vessels g: the squeeze
    /// against metabolic dilation.
    Perfusion,
    /// Tissue oxygenation O and the energy deficit Φ (oxygen supply short of demand).
    Oxygen,
    /// Interstitial K⁺, mM.
    Metabolites,
    /// Pain, NRS 0–10.
    Pain,
    /// Muscle temperature at 1 and 3 cm, °C.
    Temperature,
    /// Plasma concentrations of the oral drugs and the nerve block of a local
    /// anaesthetic (one panel per drug class given).
    Drugs,
    /// Capacity (the fraction not fatigued), %.
    Fatigue,
    /// Sensitising mediators S and central sensitisation Z.
    Sensitisation,
    /// Injury H.
    Injury,
}

impl PanelKind {
    /// Every panel with its name in scenario files and flags.
    pub const ALL: [(PanelKind, &'static str); 11] = [
        (PanelKind::Contraction, "contraction"),
        (PanelKind::Pressure, "pressure"),
        (PanelKind::Perfusion, "perfusion"),
        (PanelKind::Oxygen, "oxygen"),
        (PanelKind::Metabolites, "metabolites"),
        (PanelKind::Pain, "pain"),
        (PanelKind::Temperature, "temperature"),
        (PanelKind::Drugs, "drugs"),
        (PanelKind::Fatigue, "fatigue"),
        (PanelKind::Sensitisation, "sensitisation"),
        (PanelKind::Injury, "injury"),
    ];

    /// The panels of the loop, drawn unless `panels` says otherwise: what contracts,
    /// what clamps, what dilates, what runs short, what accumulates, what hurts.
    pub const DEFAULT: [PanelKind; 6] = [
        PanelKind::Contraction,
        PanelKind::Pressure,
        PanelKind::Perfusion,
        PanelKind::Oxygen,
        PanelKind::Metabolites,
        PanelKind::Pain,
    ];

    /// The panel called `name`.
    pub fn parse(name: &str) -> Option<PanelKind> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name.trim())
            .map(|(k, _)| *k)
    }

    /// Its name in scenario files.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }

    /// Every name, comma-separated (for messages).
    pub fn names() -> String {
        Self::ALL.map(|(_, n)| n).join(", ")
    }
}

/// The string items of array `v`, each with its own key and span.
fn strings<'a, 'i>(cx: &Cx, v: &Val<'a, 'i>, expected: &str) -> R<Vec<(String, Val<'a, 'i>)>> {
    cx.items(v, expected)?
        .into_iter()
        .map(|val| Ok((cx.string(&val, expected)?.to_string(), val)))
        .collect()
}

/// The `[figure]` table: `windows` (an array of windows such as `"0 h..3 h"` or
/// `"all"`), `panels` (an array of panel names), `size` (`"1280x720"`), `font_scale`
/// (a number) and `theme` (`"light"` or `"dark"`).
pub(super) fn read_table(cx: &Cx, v: &Val) -> R<FigureSettings> {
    let t = cx.table(v, "[figure]", "a [figure] table")?;
    t.check(cx, &["windows", "panels", "size", "font_scale", "theme"])?;
    let mut f = FigureSettings::default();
    let bad = |v: &Val, kind, message: String, expected: &str, allowed: Option<String>| {
        cx.bad(v, kind, message, expected, allowed)
    };
    if let Some(v) = t.get("windows") {
        let expected = "an array of time windows such as [\"0 h..3 h\", \"all\"]";
        let list = strings(cx, &v, expected)?;
        if list.is_empty() || list.len() > MAX_WINDOWS {
            return Err(bad(
                &v,
                ErrorKind::OutOfRange,
                format!("{} time windows", list.len()),
                expected,
                Some(format!("1 to {MAX_WINDOWS} windows")),
            ));
        }
        for (text, item) in list {
            let w = TimeWindow::parse(&text)
                .map_err(|m| bad(&item, ErrorKind::BadQuantity, m, expected, None))?;
            f.windows.push(w);
        }
    }
    if let Some(v) = t.get("panels") {
        let expected = "an array of panel names such as [\"contraction\", \"pain\"]";
        let list = strings(cx, &v, expected)?;
        if list.is_empty() {
            return Err(bad(
                &v,
                ErrorKind::OutOfRange,
                "no panels".into(),
                expected,
                Some(PanelKind::names()),
            ));
        }
        let mut panels = Vec::new();
        for (text, item) in list {
            let k = PanelKind::parse(&text).ok_or_else(|| {
                bad(
                    &item,
                    ErrorKind::UnknownKind,
                    format!("unknown panel '{text}'"),
                    expected,
                    Some(PanelKind::names()),
                )
            })?;
            if panels.contains(&k) {
                return Err(bad(
                    &item,
                    ErrorKind::Conflict,
                    format!("the panel '{text}' is listed twice"),
                    expected,
                    None,
                ));
            }
            panels.push(k);
        }
        f.panels = Some(panels);
    }
    if let Some(v) = t.get("size") {
        let expected = "a size in px such as \"1280x720\"";
        let text = cx.string(&v, expected)?;
        f.size_px =
            parse_size(text).map_err(|m| bad(&v, ErrorKind::OutOfRange, m, expected, None))?;
    }
    if let Some(v) = t.get("font_scale") {
        let expected = "a number such as 1.25";
        let (lo, hi) = FONT_SCALE_RANGE;
        let x = cx.number(&v, expected)?;
        f.font_scale = check_font_scale(x).map_err(|m| {
            bad(
                &v,
                ErrorKind::OutOfRange,
                m,
                expected,
                Some(format!("{lo} to {hi}")),
            )
        })?;
    }
    if let Some(v) = t.get("theme") {
        let expected = "\"light\" or \"dark\"";
        let text = cx.string(&v, expected)?;
        f.theme = Theme::parse(text).ok_or_else(|| {
            bad(
                &v,
                ErrorKind::UnknownKind,
                format!("unknown theme '{text}'"),
                expected,
                Some("light, dark".into()),
            )
        })?;
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_and_refuse() {
        let w = TimeWindow::parse(" 1 d.. ").unwrap();
        assert_eq!((w.from_s, w.to_s), (86_400.0, None));
        assert_eq!(TimeWindow::parse("30 min..2 h").unwrap().to_s, Some(7200.0));
        for bad in [
            "3 h",
            "2 h..1 h",
            "0 mg..3 h",
            "x..3 h",
            "-1 h..2 h",
            "0 h..inf h",
        ] {
            assert!(TimeWindow::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_scales_themes_panels() {
        assert_eq!(parse_size("1920x1080"), Ok((1920, 1080)));
        assert_eq!(parse_size("800×600"), Ok((800, 600)));
        for bad in ["1920", "10x10", "99999x100", "axb"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert!(check_font_scale(1.5).is_ok());
        assert!(check_font_scale(f64::NAN).is_err());
        assert!(check_font_scale(10.0).is_err());
        assert_eq!(Theme::parse("dark"), Some(Theme::Dark));
        let mut f = FigureSettings::default();
        f.for_display((640, 360));
        assert_eq!((f.size_px, f.font_scale), ((640, 360), 2.0));
        f.for_display((1, 1));
        assert_eq!(f.size_px, MIN_SIZE_PX);
        assert_eq!(Theme::parse("sepia"), None);
        for (k, n) in PanelKind::ALL {
            assert_eq!(PanelKind::parse(n), Some(k));
            assert_eq!(k.name(), n);
        }
    }
}
