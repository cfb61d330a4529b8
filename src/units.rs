//! Units: parse unit strings such as `"1/h"`, `"mL/min"` or `"mmHg/MVC"` and
//! quantities such as `"90 s"`, `"400 mg"` or `"42 °C"`, and convert them to the
//! library's canonical units.
//!
//! Canonical (internal) units: time s, mass mg, volume L, concentration of small
//! ions mM, pressure mmHg, temperature °C, ultrasound intensity W/cm², length cm,
//! energy J, force N (stored as J/cm), fraction of
//! maximal voluntary contraction (MVC) as a plain number 0–1.

use std::fmt;

/// Base dimensions, in this order: time, mass, volume, molar concentration,
/// pressure, temperature, power, length.
const BASES: usize = 8;

/// A dimension vector (integer exponents of the base dimensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimension([i8; BASES]);

impl Dimension {
    /// Dimensionless.
    pub const NONE: Dimension = Dimension([0; BASES]);
    /// Time (canonical unit: s).
    pub const TIME: Dimension = Dimension([1, 0, 0, 0, 0, 0, 0, 0]);
    /// Mass (canonical unit: mg).
    pub const MASS: Dimension = Dimension([0, 1, 0, 0, 0, 0, 0, 0]);
    /// Temperature (canonical unit: °C).
    pub const TEMPERATURE: Dimension = Dimension([0, 0, 0, 0, 0, 1, 0, 0]);
    /// Pressure (canonical unit: mmHg).
    pub const PRESSURE: Dimension = Dimension([0, 0, 0, 0, 1, 0, 0, 0]);
    /// Acoustic intensity (canonical unit: W/cm²).
    pub const INTENSITY: Dimension = Dimension([0, 0, 0, 0, 0, 0, 1, -2]);
    /// Power (canonical unit: W).
    pub const POWER: Dimension = Dimension([0, 0, 0, 0, 0, 0, 1, 0]);
    /// Area (canonical unit: cm²).
    pub const AREA: Dimension = Dimension([0, 0, 0, 0, 0, 0, 0, 2]);
    /// Length (canonical unit: cm).
    pub const LENGTH: Dimension = Dimension([0, 0, 0, 0, 0, 0, 0, 1]);
    /// Energy (canonical unit: J = W·s).
    pub const ENERGY: Dimension = Dimension([1, 0, 0, 0, 0, 0, 1, 0]);
    /// Force (energy per length; canonical unit: J/cm, so 1 N = 0.01 J/cm).
    pub const FORCE: Dimension = Dimension([1, 0, 0, 0, 0, 0, 1, -1]);

    fn add(self, o: Dimension, sign: i8) -> Dimension {
        let mut d = self.0;
        for (a, b) in d.iter_mut().zip(o.0) {
            *a = a.saturating_add(sign.saturating_mul(b));
        }
        Dimension(d)
    }
}

/// A parsed unit: its dimension and the factor that converts a value in this unit
/// to the canonical unit of the same dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// Dimension of the unit.
    pub dim: Dimension,
    /// Multiply a value in this unit by `factor` to get canonical units.
    pub factor: f64,
}

/// Why a unit or quantity string was not understood.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// A token is not a known unit.
    #[error("unknown unit '{token}' (known: {known})")]
    Unknown {
        /// The token.
        token: String,
        /// The known unit symbols.
        known: String,
    },
    /// The unit exists but measures something else.
    #[error("unit '{given}' does not measure the same thing as '{expected}'")]
    Mismatch {
        /// The unit given.
        given: String,
        /// The unit expected.
        expected: String,
    },
    /// A quantity string has no number, or a bad one.
    #[error("'{text}' is not a number followed by a unit (for example \"{example}\")")]
    BadQuantity {
        /// The text.
        text: String,
        /// An example of the form expected.
        example: String,
    },
    /// The number is NaN or infinite.
    #[error("'{text}' is not a finite number")]
    NotFinite {
        /// The text.
        text: String,
    },
}

/// One minute, s.
pub const MINUTE: f64 = 60.0;
/// One hour, s.
pub const HOUR: f64 = 3600.0;
/// One day, s.
pub const DAY: f64 = 86400.0;
/// One week, s.
pub const WEEK: f64 = 7.0 * DAY;
/// One (Julian) year, s.
pub const YEAR: f64 = 365.25 * DAY;

/// One kind of quantity a scenario file writes: the units accepted and the canonical
/// unit values are converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantityKind {
    /// "a time", "a dose", ...
    pub what: &'static str,
    /// Unit symbols accepted.
    pub units: &'static [&'static str],
    /// Canonical unit the value is converted to.
    pub canonical: &'static str,
    /// An example value.
    pub example: &'static str,
}

/// Times, durations and intervals (canonical s).
pub const TIME: QuantityKind = QuantityKind {
    what: "a time",
    units: &["s", "min", "h", "d", "wk", "y"],
    canonical: "s",
    example: "90 s",
};
/// Doses (canonical mg).
pub const DOSE: QuantityKind = QuantityKind {
    what: "a dose",
    units: &["mg", "g", "ug", "µg", "ng"],
    canonical: "mg",
    example: "400 mg",
};
/// Temperatures (canonical °C).
pub const TEMPERATURE: QuantityKind = QuantityKind {
    what: "a temperature",
    units: &["°C", "C", "degC"],
    canonical: "°C",
    example: "42 °C",
};
/// Contraction levels (canonical: fraction of MVC).
pub const LEVEL: QuantityKind = QuantityKind {
    what: "a contraction level",
    units: &["%MVC", "MVC", "%"],
    canonical: "MVC",
    example: "50 %MVC",
};
/// Pressures (canonical mmHg).
pub const PRESSURE: QuantityKind = QuantityKind {
    what: "a pressure",
    units: &["mmHg"],
    canonical: "mmHg",
    example: "200 mmHg",
};
/// Ultrasound intensities (canonical W/cm²).
pub const INTENSITY: QuantityKind = QuantityKind {
    what: "an ultrasound intensity",
    units: &["W/cm2", "W/cm²"],
    canonical: "W/cm2",
    example: "1.5 W/cm2",
};
/// Depths (canonical cm).
pub const LENGTH: QuantityKind = QuantityKind {
    what: "a depth",
    units: &["cm", "mm"],
    canonical: "cm",
    example: "2.5 cm",
};
/// Ultrasound frequencies (canonical MHz).
pub const FREQUENCY: QuantityKind = QuantityKind {
    what: "an ultrasound frequency",
    units: &["MHz"],
    canonical: "MHz",
    example: "3 MHz",
};
/// Rates (canonical 1/s).
pub const RATE: QuantityKind = QuantityKind {
    what: "a rate",
    units: &["1/s", "1/min", "1/h", "1/d", "1/wk"],
    canonical: "1/s",
    example: "0.08 1/d",
};

/// A time in s, written in the largest unit that keeps it readable ("7 d", "90 s").
pub fn human_time(s: f64) -> String {
    let units = [(DAY, "d"), (HOUR, "h"), (MINUTE, "min"), (1.0, "s")];
    for (f, u) in units {
        if s.abs() >= f {
            let v = s / f;
            let r = (v * 1000.0).round() / 1000.0;
            return format!("{r} {u}");
        }
    }
    let r = (s * 1e6).round() / 1e6;
    format!("{r} s")
}

/// (symbol, dimension, factor to canonical).
const TABLE: &[(&str, Dimension, f64)] = &[
    ("1", Dimension::NONE, 1.0),
    ("a.u.", Dimension::NONE, 1.0),
    ("MVC", Dimension::NONE, 1.0),
    ("NRS", Dimension::NONE, 1.0),
    ("%", Dimension::NONE, 0.01),
    ("%MVC", Dimension::NONE, 0.01),
    ("s", Dimension::TIME, 1.0),
    ("min", Dimension::TIME, MINUTE),
    ("h", Dimension::TIME, HOUR),
    ("d", Dimension::TIME, DAY),
    ("wk", Dimension::TIME, WEEK),
    ("y", Dimension::TIME, YEAR),
    ("MHz", Dimension([-1, 0, 0, 0, 0, 0, 0, 0]), 1e6),
    ("mg", Dimension::MASS, 1.0),
    ("g", Dimension::MASS, 1e3),
    ("ug", Dimension::MASS, 1e-3),
    ("µg", Dimension::MASS, 1e-3),
    ("ng", Dimension::MASS, 1e-6),
    ("L", Dimension([0, 0, 1, 0, 0, 0, 0, 0]), 1.0),
    ("mL", Dimension([0, 0, 1, 0, 0, 0, 0, 0]), 1e-3),
    ("mM", Dimension([0, 0, 0, 1, 0, 0, 0, 0]), 1.0),
    ("mmHg", Dimension::PRESSURE, 1.0),
    ("°C", Dimension::TEMPERATURE, 1.0),
    ("degC", Dimension::TEMPERATURE, 1.0),
    ("C", Dimension::TEMPERATURE, 1.0),
    ("W", Dimension::POWER, 1.0),
    ("cm2", Dimension::AREA, 1.0),
    ("cm", Dimension::LENGTH, 1.0),
    ("mm", Dimension::LENGTH, 0.1),
    ("m", Dimension::LENGTH, 100.0),
    ("J", Dimension::ENERGY, 1.0),
    ("N", Dimension::FORCE, 0.01),
    ("kN", Dimension::FORCE, 10.0),
    ("W/cm2", Dimension::INTENSITY, 1.0),
    ("W/cm²", Dimension::INTENSITY, 1.0),
];

/// Spelled-out time units accepted for their symbols (`"21 days"` is `"21 d"`), so
/// that a newcomer's natural spelling reads. Not listed among the known symbols.
const WORD_UNITS: &[(&str, &str)] = &[
    ("sec", "s"),
    ("second", "s"),
    ("seconds", "s"),
    ("mins", "min"),
    ("minute", "min"),
    ("minutes", "min"),
    ("hour", "h"),
    ("hours", "h"),
    ("day", "d"),
    ("days", "d"),
    ("week", "wk"),
    ("weeks", "wk"),
    ("year", "y"),
    ("years", "y"),
];

/// The symbol of a spelled-out time unit ([`WORD_UNITS`]), or `unit` unchanged.
fn word_symbol(unit: &str) -> &str {
    WORD_UNITS
        .iter()
        .find(|(word, _)| *word == unit)
        .map_or(unit, |(_, symbol)| *symbol)
}

fn known_symbols() -> String {
    TABLE
        .iter()
        .map(|(s, _, _)| *s)
        .filter(|s| *s != "µg" && *s != "W/cm²" && *s != "degC")
        .collect::<Vec<_>>()
        .join(", ")
}

fn lookup(token: &str) -> Result<Unit, UnitError> {
    let (sym, pow) = match token.split_once('^') {
        Some((s, p)) => (s, p.parse::<i8>().ok()),
        None => (token, Some(1)),
    };
    let sym = word_symbol(sym);
    let entry = TABLE.iter().find(|(s, _, _)| *s == sym);
    match (entry, pow) {
        (Some((_, dim, f)), Some(p)) if (-4..=4).contains(&p) => {
            let mut d = Dimension::NONE;
            for _ in 0..p.unsigned_abs() {
                d = d.add(*dim, p.signum());
            }
            Ok(Unit {
                dim: d,
                factor: f.powi(i32::from(p)),
            })
        }
        _ => Err(UnitError::Unknown {
            token: token.to_string(),
            known: known_symbols(),
        }),
    }
}

impl Unit {
    /// Parse a unit string: symbols joined by `*` or `·`, divided by `/`, each with an
    /// optional integer power `^n` (`"mM/s"`, `"1/h"`, `"mL/min"`, `"mmHg/MVC"`).
    pub fn parse(text: &str) -> Result<Unit, UnitError> {
        let text = text.trim();
        // Whole-string symbols that themselves contain '/'.
        if let Some((_, dim, f)) = TABLE.iter().find(|(s, _, _)| *s == text) {
            return Ok(Unit {
                dim: *dim,
                factor: *f,
            });
        }
        let mut parts = text.split('/');
        let mut unit = Unit {
            dim: Dimension::NONE,
            factor: 1.0,
        };
        for (i, part) in parts.by_ref().enumerate() {
            let sign = if i == 0 { 1 } else { -1 };
            for token in part.split(['*', '·']) {
                let token = token.trim();
                if token.is_empty() {
                    return Err(UnitError::Unknown {
                        token: text.to_string(),
                        known: known_symbols(),
                    });
                }
                let u = lookup(token)?;
                unit.dim = unit.dim.add(u.dim, sign);
                unit.factor = if sign > 0 {
                    unit.factor * u.factor
                } else {
                    unit.factor / u.factor
                };
            }
        }
        Ok(unit)
    }

    /// Convert `value` given in unit `given` to the unit `target`.
    pub fn convert(value: f64, given: &str, target: &str) -> Result<f64, UnitError> {
        let g = Unit::parse(given)?;
        let t = Unit::parse(target)?;
        if g.dim != t.dim {
            return Err(UnitError::Mismatch {
                given: given.to_string(),
                expected: target.to_string(),
            });
        }
        Ok(value * g.factor / t.factor)
    }
}

/// A number with its unit, as written by a user (`"90 s"`, `"400 mg"`, `"42 °C"`).
///
/// ```
/// use spasm::units::Quantity;
///
/// assert_eq!(Quantity::parse("90 min").unwrap().to("h").unwrap(), 1.5);
/// assert_eq!(Quantity::parse("0.4 g").unwrap().to("mg").unwrap(), 400.0);
/// // A unit that measures something else is refused, not converted.
/// assert!(Quantity::parse("400 mg").unwrap().to("s").is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The number as written.
    pub value: f64,
    /// The unit as written (a spelled-out time unit, `"days"`, as its symbol `"d"`).
    pub unit: String,
}

/// Whether `t` starts with a spelled-out NaN or infinity (`"NaN s"`, `"-inf h"`,
/// `"Infinity"`), case-insensitive, followed by a space, a unit or nothing.
fn spells_non_finite(t: &str) -> bool {
    let body = t.trim_start_matches(['+', '-']).to_ascii_lowercase();
    ["infinity", "nan", "inf"].iter().any(|w| {
        body.strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

impl Quantity {
    /// Split `"90 s"` / `"90s"` / `"1.5 W/cm2"` into number and unit.
    pub fn parse(text: &str) -> Result<Quantity, UnitError> {
        let t = text.trim();
        let end = t
            .char_indices()
            .find(|(i, c)| {
                !(c.is_ascii_digit()
                    || *c == '.'
                    || *c == '+'
                    || *c == '-'
                    || ((*c == 'e' || *c == 'E')
                        && t[i + 1..]
                            .starts_with(|d: char| d.is_ascii_digit() || d == '-' || d == '+')
                        && *i > 0))
            })
            .map(|(i, _)| i)
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(end);
        let bad = || UnitError::BadQuantity {
            text: text.to_string(),
            example: "90 s".to_string(),
        };
        if num.trim_start_matches(['+', '-']).is_empty() && spells_non_finite(t) {
            return Err(UnitError::NotFinite {
                text: text.to_string(),
            });
        }
        let value: f64 = num.parse().map_err(|_| bad())?;
        if !value.is_finite() {
            return Err(UnitError::NotFinite {
                text: text.to_string(),
            });
        }
        let unit = unit.trim();
        if unit.is_empty() {
            return Err(bad());
        }
        Unit::parse(unit)?;
        Ok(Quantity {
            value,
            unit: word_symbol(unit).to_string(),
        })
    }

    /// The value converted to the canonical unit of `target`'s dimension, checking
    /// that the dimension matches (`target` is e.g. `"s"`, `"mg"`, `"°C"`).
    pub fn to(&self, target: &str) -> Result<f64, UnitError> {
        Unit::convert(self.value, &self.unit, target)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_rates_and_clearances() {
        assert!((Unit::convert(2.2, "1/h", "1/s").unwrap() - 2.2 / 3600.0).abs() < 1e-15);
        let cl = Unit::convert(689.0, "mL/min", "L/h").unwrap();
        assert!((cl - 41.34).abs() < 1e-9);
        assert!((Unit::convert(1.0, "ng/mL", "mg/L").unwrap() - 1e-3).abs() < 1e-18);
        assert!((Unit::convert(50.0, "%MVC", "MVC").unwrap() - 0.5).abs() < 1e-15);
        assert!((Unit::convert(3.0, "s^-1", "1/min").unwrap() - 180.0).abs() < 1e-12);
        // Per-intensity and per-concentration rates.
        let per_intensity = Unit::parse("°C·cm2/W/s").unwrap();
        let intensity = Unit::parse("W/cm2").unwrap();
        assert_eq!(
            per_intensity.dim.add(intensity.dim, 1),
            Unit::parse("°C/s").unwrap().dim
        );
        assert!((Unit::convert(3600.0, "1/mM/h", "1/mM/s").unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rejects_mismatch_and_unknown() {
        assert!(matches!(
            Unit::convert(1.0, "mg", "s"),
            Err(UnitError::Mismatch { .. })
        ));
        assert!(matches!(
            Unit::parse("furlong"),
            Err(UnitError::Unknown { .. })
        ));
        assert!(Unit::parse("mg/").is_err());
        // Spelled-out time units are their symbols.
        assert_eq!(Quantity::parse("21 days").unwrap().to("d").unwrap(), 21.0);
        assert_eq!(Quantity::parse("2 hours").unwrap().to("h").unwrap(), 2.0);
        // Powers are bounded; huge ones are rejected, not overflowed.
        assert!(Unit::parse("s^99*s^99").is_err());
        assert!(Unit::parse("s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4*s^4").is_ok());
    }

    #[test]
    fn parses_quantities() {
        assert_eq!(Quantity::parse("90 s").unwrap().to("s").unwrap(), 90.0);
        assert_eq!(Quantity::parse("20min").unwrap().to("s").unwrap(), 1200.0);
        assert_eq!(Quantity::parse("7 d").unwrap().to("h").unwrap(), 168.0);
        assert_eq!(Quantity::parse("400 mg").unwrap().to("mg").unwrap(), 400.0);
        assert_eq!(Quantity::parse("42 °C").unwrap().to("°C").unwrap(), 42.0);
        assert_eq!(Quantity::parse("42 C").unwrap().to("°C").unwrap(), 42.0);
        assert_eq!(Quantity::parse("1.5 W/cm2").unwrap().value, 1.5);
        assert_eq!(Quantity::parse("1e3 s").unwrap().value, 1000.0);
        assert!(Quantity::parse("s").is_err());
        assert!(Quantity::parse("12").is_err());
        assert!(Quantity::parse("12 parsecs").is_err());
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unit_and_quantity_parsers_never_panic(s in "\\PC{0,40}") {
            let _ = Unit::parse(&s);
            let _ = Quantity::parse(&s);
        }

        #[test]
        fn unit_like_strings_never_panic(s in "[0-9 .eE+-]{0,6}[a-zA-Z%°µ/*·^0-9-]{0,20}") {
            let _ = Quantity::parse(&s);
        }
    }
}
