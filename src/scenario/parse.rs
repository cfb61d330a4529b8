//! Scenario file format (TOML): the reader. Every key, default and rule is written out
//! in docs/scenarios.md; each rule there has a golden test in `tests/scenario_*.rs`.
//!
//! The file is parsed into a spanned TOML tree and walked by hand, so every mistake
//! can name its key path, line and column, what was expected and what is allowed
//! (see [`ScenarioError`]). Nothing a user writes makes this module panic.

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::error::{ErrorKind, ScenarioError};
use super::{Arm, Scenario};
use crate::analysis::validate::HOT_PACK_C;
use crate::model::params::{ParamError, ParamSet, Params};
use crate::model::Model;
use crate::protocol::{Drug, Effect, Impulse, Schedule, Window};
use crate::simulation::{SolverConfig, SolverKind};
use crate::units::{Quantity, UnitError};

type R<T> = Result<T, ScenarioError>;

const MIN: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86400.0;

/// Longest run and longest settling period accepted: one year (365.25 d), in s.
pub const MAX_DURATION: f64 = 365.25 * DAY;
/// Shortest session, hold, interval or solver step accepted, s (1 ms).
pub const SHORTEST: f64 = 1e-3;
/// Most output samples per arm (memory guard).
pub const MAX_SAMPLES: usize = 200_000;
/// Most sessions or doses one schedule entry may expand to.
pub const MAX_OCCURRENCES: usize = 10_000;
/// Most sessions, holds and doses one arm may hold (triggers included).
pub const MAX_SCHEDULED: usize = 20_000;
/// Largest single dose accepted, mg.
pub const MAX_DOSE_MG: f64 = 10_000.0;
/// Default settling period before t = 0, s.
pub const DEFAULT_SETTLE: f64 = 12.0 * HOUR;
/// Default hot-bath and heat-wrap temperature at the skin, °C.
pub const WARM_C: f64 = 40.0;
/// Default nociceptor activity of experimental pain (0–1): with the healthy set's
/// pain sensitivity it gives ≈ 5 NRS, the typical rating after 0.5 mL of 5.8 %
/// hypertonic saline (Graven-Nielsen 1997; Svensson et al. 1998).
pub const EXPERIMENTAL_PAIN_LEVEL: f64 = 0.5;
/// Deepest temperature that can be requested as an output, cm.
pub const MAX_DEPTH_CM: f64 = 10.0;

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "duration",
    "settle",
    "start_clock",
    "model",
    "output",
    "solver",
    "trigger",
    "arm",
];

// ---------------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------------

/// One kind of quantity: the units accepted and the canonical unit returned.
struct QKind {
    /// "a time", "a dose", ...
    what: &'static str,
    /// Unit symbols accepted.
    units: &'static [&'static str],
    /// Canonical unit the value is converted to.
    canonical: &'static str,
    /// An example value.
    example: &'static str,
}

const TIME: QKind = QKind {
    what: "a time",
    units: &["s", "min", "h", "d", "wk", "y"],
    canonical: "s",
    example: "90 s",
};
const MASS: QKind = QKind {
    what: "a dose",
    units: &["mg", "g", "ug", "µg", "ng"],
    canonical: "mg",
    example: "400 mg",
};
const TEMPERATURE: QKind = QKind {
    what: "a temperature",
    units: &["°C", "C", "degC"],
    canonical: "°C",
    example: "42 °C",
};
const LEVEL: QKind = QKind {
    what: "a contraction level",
    units: &["%MVC", "MVC", "%"],
    canonical: "MVC",
    example: "50 %MVC",
};
const PRESSURE: QKind = QKind {
    what: "a pressure",
    units: &["mmHg"],
    canonical: "mmHg",
    example: "200 mmHg",
};
const INTENSITY: QKind = QKind {
    what: "an ultrasound intensity",
    units: &["W/cm2", "W/cm²"],
    canonical: "W/cm2",
    example: "1.5 W/cm2",
};
const LENGTH: QKind = QKind {
    what: "a depth",
    units: &["cm", "mm"],
    canonical: "cm",
    example: "2.5 cm",
};
const FREQUENCY: QKind = QKind {
    what: "an ultrasound frequency",
    units: &["MHz"],
    canonical: "MHz",
    example: "3 MHz",
};
const RATE: QKind = QKind {
    what: "a rate",
    units: &["1/s", "1/min", "1/h", "1/d", "1/wk"],
    canonical: "1/s",
    example: "0.08 1/d",
};

/// A time in s, written in the largest unit that keeps it readable ("7 d", "90 s").
pub fn human_time(s: f64) -> String {
    let units = [(DAY, "d"), (HOUR, "h"), (MIN, "min"), (1.0, "s")];
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

fn num_str(x: f64) -> String {
    let r = (x * 1e6).round() / 1e6;
    format!("{r}")
}

/// A plain number for messages: scientific notation when very small or large.
fn fmt_num(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Whether the unit part of `text` is safe to hand to [`Quantity::parse`]: short, and
/// powers (`^n`) small, so dimension exponents cannot overflow.
fn unit_text_is_sane(text: &str) -> bool {
    let unit = text.trim_start_matches(|c: char| c.is_ascii_digit() || "+-.eE ".contains(c));
    unit.chars().count() <= 40
        && text.split('^').skip(1).all(|p| {
            let digits: String = p
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
                .collect();
            digits.parse::<i32>().is_ok_and(|n| n.abs() <= 9)
        })
}

// ---------------------------------------------------------------------------------
// Walking the spanned TOML tree
// ---------------------------------------------------------------------------------

/// Parsing context: the text and its name, for error positions.
struct Cx<'t> {
    text: &'t str,
    path: &'t str,
}

/// A value with its key path and span.
struct Val<'a, 'i> {
    key: String,
    span: Range<usize>,
    v: &'a DeValue<'i>,
}

/// A table with its key path, a description for messages, and span.
struct Tbl<'a, 'i> {
    key: String,
    what: String,
    span: Range<usize>,
    t: &'a DeTable<'i>,
}

type KV<'a, 'i> = (&'a Spanned<Cow<'i, str>>, &'a Spanned<DeValue<'i>>);

impl<'a, 'i> Tbl<'a, 'i> {
    /// Entries in the order they appear in the file.
    fn entries(&self) -> Vec<KV<'a, 'i>> {
        let mut v: Vec<KV<'a, 'i>> = self.t.iter().collect();
        v.sort_by_key(|(k, _)| k.span().start);
        v
    }

    fn path(&self, name: &str) -> String {
        if self.key.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.key)
        }
    }

    /// Reject any key not in `allowed`.
    fn check(&self, cx: &Cx, allowed: &[&str]) -> R<()> {
        for (k, _) in self.entries() {
            let name: &str = k.get_ref();
            if !allowed.contains(&name) {
                let hint = closest(name, allowed.iter().copied())
                    .map(|c| format!(" (did you mean '{c}'?)"))
                    .unwrap_or_default();
                return Err(cx.err(
                    ErrorKind::UnknownKey,
                    &self.path(name),
                    k.span(),
                    format!("unknown key '{name}' in {}{hint}", self.what),
                    "",
                    Some(allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<Val<'a, 'i>> {
        self.t
            .iter()
            .find(|(k, _)| {
                let s: &str = k.get_ref();
                s == name
            })
            .map(|(_, v)| Val {
                key: self.path(name),
                span: v.span(),
                v: v.get_ref(),
            })
    }

    fn req(&self, cx: &Cx, name: &str, expected: &str) -> R<Val<'a, 'i>> {
        self.get(name).ok_or_else(|| {
            cx.err(
                ErrorKind::MissingKey,
                &self.path(name),
                first_line(cx.text, self.span.clone()),
                format!("{} needs the key '{name}'", self.what),
                expected,
                None,
            )
        })
    }
}

/// The part of `span` on its first line (labels on tables point at the header).
fn first_line(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len()).max(start);
    let cut = text
        .get(start..end)
        .and_then(|s| s.find('\n'))
        .map_or(end, |i| start + i);
    start..cut
}

/// The candidate closest to `name` by edit distance, if reasonably close.
fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let lname = name.to_lowercase();
    candidates
        .map(|c| (levenshtein(&lname, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Cx<'_> {
    fn err(
        &self,
        kind: ErrorKind,
        key: &str,
        span: Range<usize>,
        message: impl Into<String>,
        expected: impl Into<String>,
        allowed: Option<String>,
    ) -> ScenarioError {
        ScenarioError::new(
            kind, self.path, self.text, key, span, message, expected, allowed,
        )
    }

    /// An error about value `v`.
    fn bad(
        &self,
        v: &Val,
        kind: ErrorKind,
        message: impl Into<String>,
        expected: impl Into<String>,
        allowed: Option<String>,
    ) -> ScenarioError {
        self.err(kind, &v.key, v.span.clone(), message, expected, allowed)
    }

    fn wrong_type(&self, v: &Val, expected: &str) -> ScenarioError {
        self.bad(
            v,
            ErrorKind::WrongType,
            format!("found {} {}", article(v.v.type_str()), v.v.type_str()),
            expected,
            None,
        )
    }

    fn string<'a>(&self, v: &Val<'a, '_>, expected: &str) -> R<&'a str> {
        match v.v {
            DeValue::String(s) => Ok(s.as_ref()),
            _ => Err(self.wrong_type(v, expected)),
        }
    }

    /// A finite number (integer or float).
    fn number(&self, v: &Val, expected: &str) -> R<f64> {
        let x = match v.v {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => return Err(self.wrong_type(v, expected)),
        };
        match x {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(self.bad(
                v,
                ErrorKind::NotFinite,
                "not a finite number",
                expected,
                None,
            )),
        }
    }

    /// A whole number.
    fn integer(&self, v: &Val, expected: &str) -> R<i64> {
        match v.v {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| {
                self.bad(v, ErrorKind::OutOfRange, "number too large", expected, None)
            }),
            _ => Err(self.wrong_type(v, expected)),
        }
    }

    /// A string "number unit" of kind `q`, converted to `q.canonical`.
    fn quantity(&self, v: &Val, q: &QKind) -> R<f64> {
        let expected = format!("{} such as \"{}\"", q.what, q.example);
        let allowed = || Some(format!("units {}", q.units.join(", ")));
        let text = match v.v {
            DeValue::String(s) => s.as_ref(),
            DeValue::Integer(_) | DeValue::Float(_) => {
                return Err(self.bad(
                    v,
                    ErrorKind::WrongType,
                    "found a bare number; quantities are strings with a unit",
                    expected,
                    allowed(),
                ))
            }
            _ => return Err(self.wrong_type(v, &expected)),
        };
        let parsed = if unit_text_is_sane(text) {
            Quantity::parse(text)
        } else {
            Err(UnitError::Unknown {
                token: text.trim().to_string(),
                known: String::new(),
            })
        };
        let qty = parsed.map_err(|e| match e {
            UnitError::Unknown { token, .. } => self.bad(
                v,
                ErrorKind::UnknownUnit,
                format!("unknown unit '{token}'"),
                expected.clone(),
                allowed(),
            ),
            UnitError::NotFinite { .. } => self.bad(
                v,
                ErrorKind::NotFinite,
                format!("'{text}' is not a finite number"),
                expected.clone(),
                allowed(),
            ),
            _ => self.bad(
                v,
                ErrorKind::BadQuantity,
                format!("'{text}' is not a number followed by a unit"),
                expected.clone(),
                allowed(),
            ),
        })?;
        if !q.units.contains(&qty.unit.as_str()) {
            return Err(self.bad(
                v,
                ErrorKind::WrongUnit,
                format!(
                    "'{}' is not a unit of {}",
                    qty.unit,
                    q.what.trim_start_matches("a ").trim_start_matches("an ")
                ),
                expected,
                allowed(),
            ));
        }
        let x = qty.to(q.canonical).map_err(|_| {
            self.bad(
                v,
                ErrorKind::WrongUnit,
                format!("cannot convert '{}'", qty.unit),
                expected.clone(),
                allowed(),
            )
        })?;
        if !x.is_finite() {
            return Err(self.bad(
                v,
                ErrorKind::NotFinite,
                format!("'{text}' is not a finite number"),
                expected,
                allowed(),
            ));
        }
        Ok(x)
    }

    /// A table value.
    fn table<'a, 'i>(&self, v: &Val<'a, 'i>, what: &str, expected: &str) -> R<Tbl<'a, 'i>> {
        match v.v {
            DeValue::Table(t) => Ok(Tbl {
                key: v.key.clone(),
                what: what.to_string(),
                span: v.span.clone(),
                t,
            }),
            _ => Err(self.wrong_type(v, expected)),
        }
    }

    /// An array of tables (`[[name]]`), each described as `what N`.
    fn tables<'a, 'i>(&self, v: &Val<'a, 'i>, what: &str, expected: &str) -> R<Vec<Tbl<'a, 'i>>> {
        let DeValue::Array(items) = v.v else {
            return Err(self.wrong_type(v, expected));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let val = Val {
                    key: format!("{}[{}]", v.key, i + 1),
                    span: item.span(),
                    v: item.get_ref(),
                };
                self.table(&val, &format!("{what} {}", i + 1), expected)
            })
            .collect()
    }

    /// A quantity with a range check `lo < x ≤ hi` (or `lo ≤ x` when `lo_incl`).
    #[allow(clippy::too_many_arguments)]
    fn ranged(
        &self,
        v: &Val,
        q: &QKind,
        lo: f64,
        lo_incl: bool,
        hi: f64,
        show: impl Fn(f64) -> String,
    ) -> R<f64> {
        let x = self.quantity(v, q)?;
        let low_ok = if lo_incl { x >= lo } else { x > lo };
        if !low_ok || x > hi {
            let lower = if lo_incl { "at least" } else { "more than" };
            let name = q.what.trim_start_matches("a ").trim_start_matches("an ");
            let msg = if low_ok {
                format!("{name} of {} is too large", show(x))
            } else {
                format!("{name} must be {lower} {}", show(lo))
            };
            return Err(self.bad(
                v,
                ErrorKind::OutOfRange,
                msg,
                format!("{} such as \"{}\"", q.what, q.example),
                Some(format!("{lower} {}, at most {}", show(lo), show(hi))),
            ));
        }
        Ok(x)
    }

    /// A plain number in `lo < x ≤ hi` (or `lo ≤ x` when `lo_incl`).
    fn fraction(&self, v: &Val, what: &str, lo: f64, lo_incl: bool, hi: f64) -> R<f64> {
        let expected = format!("{what} between {} and {}", fmt_num(lo), fmt_num(hi));
        let x = self.number(v, &expected)?;
        let low_ok = if lo_incl { x >= lo } else { x > lo };
        if !low_ok || x > hi {
            let lower = if lo_incl { "at least" } else { "more than" };
            return Err(self.bad(
                v,
                ErrorKind::OutOfRange,
                format!("{} is outside the allowed range", fmt_num(x)),
                expected,
                Some(format!("{lower} {}, at most {}", fmt_num(lo), fmt_num(hi))),
            ));
        }
        Ok(x)
    }

    /// A clock time "HH:MM", in s after midnight.
    fn clock(&self, v: &Val) -> R<f64> {
        let expected = "a clock time such as \"08:00\"";
        let s = self.string(v, expected)?;
        let parsed = s.trim().split_once(':').and_then(|(h, m)| {
            let h: u32 = h.trim().parse().ok()?;
            let m: u32 = m.trim().parse().ok()?;
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(f64::from(h * 3600 + m * 60))
        });
        parsed.ok_or_else(|| {
            self.bad(
                v,
                ErrorKind::BadQuantity,
                format!("'{s}' is not a clock time"),
                expected,
                Some("00:00 to 24:00".into()),
            )
        })
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

// ---------------------------------------------------------------------------------
// Interventions and triggers
// ---------------------------------------------------------------------------------

/// Every kind of scheduled entry (trigger or intervention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Injury,
    Effort,
    Stress,
    DiscHerniation,
    Stretching,
    HotPack,
    HotBath,
    HeatWrap,
    Massage,
    ElectricalStimulation,
    Tens,
    Ibuprofen,
    Cyclobenzaprine,
    Tizanidine,
    LocalAnaesthetic,
    Ultrasound,
    EarlyMovement,
    BedRest,
    Cuff,
    SustainedContraction,
    ExperimentalPain,
}

/// (kind, name, aliases).
const KINDS: &[(Kind, &str, &[&str])] = &[
    (Kind::Injury, "injury", &["strain"]),
    (Kind::Effort, "effort", &[]),
    (Kind::Stress, "stress", &["emotional_stress"]),
    (Kind::DiscHerniation, "disc_herniation", &["herniation"]),
    (Kind::Stretching, "stretching", &["stretch"]),
    (Kind::HotPack, "hot_pack", &["hotpack"]),
    (Kind::HotBath, "hot_bath", &["bath"]),
    (Kind::HeatWrap, "heat_wrap", &["heatwrap"]),
    (Kind::Massage, "massage", &[]),
    (
        Kind::ElectricalStimulation,
        "electrical_stimulation",
        &["nmes", "ems"],
    ),
    (Kind::Tens, "tens", &[]),
    (Kind::Ibuprofen, "ibuprofen", &[]),
    (Kind::Cyclobenzaprine, "cyclobenzaprine", &[]),
    (Kind::Tizanidine, "tizanidine", &[]),
    (
        Kind::LocalAnaesthetic,
        "local_anaesthetic",
        &["local_anesthetic", "lidocaine"],
    ),
    (Kind::Ultrasound, "ultrasound", &["therapeutic_ultrasound"]),
    (
        Kind::EarlyMovement,
        "early_movement",
        &["stay_active", "usual_activity"],
    ),
    (Kind::BedRest, "bed_rest", &[]),
    (Kind::Cuff, "cuff", &["ischemia_cuff", "ischaemia_cuff"]),
    (
        Kind::SustainedContraction,
        "sustained_contraction",
        &["voluntary_contraction"],
    ),
    (
        Kind::ExperimentalPain,
        "experimental_pain",
        &["hypertonic_saline"],
    ),
];

/// The canonical names of every kind of trigger or intervention.
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|(_, n, _)| *n).collect()
}

const REPEAT: &[&str] = &["at", "start", "every", "count", "until"];

/// Keys accepted for a kind (besides `kind`).
fn kind_keys(kind: Kind) -> Vec<&'static str> {
    let specific: &[&str] = match kind {
        Kind::Injury => &["size"],
        Kind::Effort | Kind::SustainedContraction | Kind::Stress => &["duration", "level"],
        Kind::DiscHerniation => return vec!["kind", "at", "start", "rate", "size", "duration"],
        Kind::Stretching => &["reps", "hold", "rest"],
        Kind::HotPack | Kind::HotBath | Kind::HeatWrap => &["duration", "temperature"],
        Kind::Massage | Kind::BedRest => &["duration"],
        Kind::ElectricalStimulation => &["duration", "intensity"],
        Kind::Tens => &["duration", "strength"],
        Kind::Ibuprofen | Kind::Cyclobenzaprine | Kind::Tizanidine | Kind::LocalAnaesthetic => {
            &["dose"]
        }
        Kind::Ultrasound => &["duration", "intensity", "frequency"],
        Kind::EarlyMovement => {
            return vec!["kind", "at", "start", "until", "from", "to", "activity"]
        }
        Kind::Cuff => &["duration", "pressure"],
        Kind::ExperimentalPain => &["duration", "level"],
    };
    let mut v = vec!["kind"];
    v.extend_from_slice(REPEAT);
    v.extend_from_slice(specific);
    v
}

/// Facts about the run that schedules are checked against.
struct Run {
    /// Run length, s.
    duration: f64,
    /// Clock time at t = 0, s after midnight.
    clock0: f64,
}

/// Start time of an entry: `at` or `start` (not both), default 0; must lie in [0, duration).
fn start_time(cx: &Cx, t: &Tbl, run: &Run) -> R<f64> {
    let (at, start) = (t.get("at"), t.get("start"));
    if let (Some(_), Some(s)) = (&at, &start) {
        return Err(cx.bad(
            s,
            ErrorKind::Conflict,
            "give either 'at' or 'start', not both (they are the same)",
            "",
            None,
        ));
    }
    let Some(v) = at.or(start) else {
        return Ok(0.0);
    };
    let x = cx.quantity(&v, &TIME)?;
    if x < 0.0 {
        return Err(cx.bad(
            &v,
            ErrorKind::OutsideRun,
            format!("starts at {}, before the run starts (t = 0)", human_time(x)),
            "a time from the start of the run",
            Some(format!(
                "0 s up to, not including, the end of the run ({})",
                human_time(run.duration)
            )),
        ));
    }
    if x >= run.duration {
        return Err(cx.bad(
            &v,
            ErrorKind::OutsideRun,
            format!(
                "starts at {}, at or after the end of the run ({})",
                human_time(x),
                human_time(run.duration)
            ),
            "a time from the start of the run",
            Some(format!(
                "0 s up to, not including, {}",
                human_time(run.duration)
            )),
        ));
    }
    Ok(x)
}

/// Start times of the sessions (or doses) of an entry: `at`, then repeats by
/// `every` with `count` (total) or `until` (exclusive), or to the end of the run.
/// `session` is the length of one session, s (0 for doses); sessions of one entry
/// must not overlap.
fn occurrences(cx: &Cx, t: &Tbl, run: &Run, session: f64) -> R<Vec<f64>> {
    let at = start_time(cx, t, run)?;
    let every = t.get("every");
    let count = t.get("count");
    let until = t.get("until");
    let Some(every_v) = every else {
        if let Some(c) = &count {
            let n = cx.integer(c, "a whole number of sessions or doses")?;
            if n != 1 {
                return Err(cx.bad(
                    c,
                    ErrorKind::Conflict,
                    format!("count = {n} needs 'every' (the interval between them)"),
                    "'every' next to 'count'",
                    None,
                ));
            }
        }
        if let Some(u) = &until {
            return Err(cx.bad(
                u,
                ErrorKind::Conflict,
                "'until' needs 'every'",
                "'every' next to 'until'",
                None,
            ));
        }
        return Ok(vec![at]);
    };
    let ev = cx.quantity(&every_v, &TIME)?;
    if ev < SHORTEST {
        return Err(cx.bad(
            &every_v,
            ErrorKind::OutOfRange,
            format!("'every' must be at least {}", human_time(SHORTEST)),
            "an interval such as \"8 h\"",
            Some(format!("at least {}", human_time(SHORTEST))),
        ));
    }
    if ev < session {
        return Err(cx.bad(
            &every_v,
            ErrorKind::OutOfRange,
            format!(
                "sessions every {} would overlap: each lasts {}",
                human_time(ev),
                human_time(session)
            ),
            "an interval at least as long as one session",
            Some(format!("at least {}", human_time(session))),
        ));
    }
    if let (Some(_), Some(u)) = (&count, &until) {
        return Err(cx.bad(
            u,
            ErrorKind::Conflict,
            "give either 'count' or 'until', not both",
            "",
            None,
        ));
    }
    let too_many = |v: &Val, n: f64| {
        cx.bad(
            v,
            ErrorKind::OutOfRange,
            format!("this schedule has {n} sessions or doses"),
            "a longer interval or a shorter span",
            Some(format!("at most {MAX_OCCURRENCES} per entry")),
        )
    };
    if let Some(c) = &count {
        let n = cx.integer(c, "a whole number of sessions or doses")?;
        if n < 1 {
            return Err(cx.bad(
                c,
                ErrorKind::OutOfRange,
                format!("count = {n}: the total number must be at least 1"),
                "a whole number, the total number of sessions or doses (NONMEM addl + 1)",
                Some("1 or more".into()),
            ));
        }
        if n as f64 > MAX_OCCURRENCES as f64 {
            return Err(too_many(c, n as f64));
        }
        let last = at + (n - 1) as f64 * ev;
        if last >= run.duration {
            let fit = ((run.duration - at) / ev).ceil().max(1.0);
            // Guard the rounding of `ceil` at exact multiples.
            let fit = if at + (fit - 1.0) * ev >= run.duration {
                fit - 1.0
            } else {
                fit
            };
            return Err(cx.bad(
                c,
                ErrorKind::OutsideRun,
                format!(
                    "the last of {n} would start at {}, at or after the end of the run ({})",
                    human_time(last),
                    human_time(run.duration)
                ),
                "a count that fits in the run, or 'until'",
                Some(format!(
                    "at most {fit} from {} every {}",
                    human_time(at),
                    human_time(ev)
                )),
            ));
        }
        return Ok((0..n).map(|k| at + k as f64 * ev).collect());
    }
    let stop = match &until {
        Some(u) => {
            let x = cx.quantity(u, &TIME)?;
            if x <= at {
                return Err(cx.bad(
                    u,
                    ErrorKind::OutOfRange,
                    format!(
                        "'until' ({}) is not after the start ({})",
                        human_time(x),
                        human_time(at)
                    ),
                    "a time after the first session or dose",
                    Some(format!("more than {}", human_time(at))),
                ));
            }
            x.min(run.duration)
        }
        None => run.duration,
    };
    let n = ((stop - at) / ev).ceil();
    if n > MAX_OCCURRENCES as f64 {
        return Err(too_many(&every_v, n));
    }
    Ok((0..)
        .map(|k| at + k as f64 * ev)
        .take_while(|&x| x < stop)
        .collect())
}

/// Session length: `duration` or the kind's default.
fn session_length(cx: &Cx, t: &Tbl, default: Option<f64>) -> R<f64> {
    match t.get("duration") {
        Some(v) => cx.ranged(&v, &TIME, SHORTEST, true, MAX_DURATION, human_time),
        None => default.ok_or_else(|| {
            cx.err(
                ErrorKind::MissingKey,
                &t.path("duration"),
                first_line(cx.text, t.span.clone()),
                format!("{} needs the key 'duration'", t.what),
                "a duration such as \"20 min\"",
                None,
            )
        }),
    }
}

/// Windows of `effect` lasting `length` at each start, cut at the end of the run.
fn push_windows(s: &mut Schedule, starts: &[f64], length: f64, run: &Run, effect: Effect) {
    for &st in starts {
        s.windows.push(Window {
            start: st,
            end: (st + length).min(run.duration),
            effect,
        });
    }
}

fn level(cx: &Cx, t: &Tbl, name: &str) -> R<f64> {
    let v = t.req(cx, name, "a contraction level such as \"50 %MVC\"")?;
    cx.ranged(&v, &LEVEL, 0.0, false, 1.0, |x| {
        format!("{} %MVC", num_str(100.0 * x))
    })
}

fn mg(x: f64) -> String {
    if x >= 1000.0 {
        format!("{} g", num_str(x / 1000.0))
    } else {
        format!("{} mg", num_str(x))
    }
}

/// One `[[trigger]]` or `[[arm.intervention]]` table, added to `s`.
fn entry(cx: &Cx, t: &Tbl, run: &Run, s: &mut Schedule) -> R<()> {
    let kv = t.req(
        cx,
        "kind",
        "the kind of intervention or trigger, e.g. \"hot_pack\"",
    )?;
    let name = cx.string(&kv, "the kind as a string, e.g. \"hot_pack\"")?;
    let norm = name.trim().to_lowercase().replace([' ', '-'], "_");
    let Some(&(kind, canonical, _)) = KINDS
        .iter()
        .find(|(_, n, aliases)| *n == norm || aliases.contains(&norm.as_str()))
    else {
        let hint = closest(
            &norm,
            KINDS
                .iter()
                .flat_map(|(_, n, a)| std::iter::once(*n).chain(a.iter().copied())),
        )
        .map(|c| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default();
        return Err(cx.bad(
            &kv,
            ErrorKind::UnknownKind,
            format!("unknown kind '{name}'{hint}"),
            "a kind of intervention or trigger",
            Some(kind_names().join(", ")),
        ));
    };
    let t = Tbl {
        what: format!("{} ({canonical})", t.what),
        key: t.key.clone(),
        span: t.span.clone(),
        t: t.t,
    };
    let t = &t;
    t.check(cx, &kind_keys(kind))?;

    match kind {
        Kind::Injury => {
            let v = t.req(cx, "size", "an injury size between 0 and 1")?;
            let size = cx.fraction(&v, "an injury size", 0.0, false, 1.0)?;
            for at in occurrences(cx, t, run, 0.0)? {
                s.events.push(crate::protocol::Event {
                    time: at,
                    impulse: Impulse::Injury(size),
                });
            }
        }
        Kind::Effort | Kind::SustainedContraction => {
            let a = level(cx, t, "level")?;
            let len = session_length(cx, t, None)?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Voluntary(a));
        }
        Kind::Stress => {
            let a = level(cx, t, "level")?;
            let len = session_length(cx, t, None)?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Stress(a));
        }
        Kind::DiscHerniation => {
            let at = start_time(cx, t, run)?;
            let rate = t.get("rate");
            let size = t.get("size");
            if rate.is_none() && size.is_none() {
                return Err(cx.err(
                    ErrorKind::MissingKey,
                    &t.path("rate"),
                    first_line(cx.text, t.span.clone()),
                    format!("{} needs 'rate' (a persistent injury source), 'size' (an acute injury) or both", t.what),
                    "rate such as \"0.08 1/d\" or size between 0 and 1",
                    None,
                ));
            }
            if let Some(v) = &size {
                let x = cx.fraction(v, "an injury size", 0.0, false, 1.0)?;
                s.events.push(crate::protocol::Event {
                    time: at,
                    impulse: Impulse::Injury(x),
                });
            }
            if let Some(v) = &rate {
                let r = cx.ranged(v, &RATE, 0.0, false, 10.0 / DAY, |x| {
                    format!("{} 1/d", num_str(x * DAY))
                })?;
                let len = session_length(cx, t, Some(run.duration - at))?;
                push_windows(s, &[at], len, run, Effect::DiscSource(r));
            } else if let Some(v) = t.get("duration") {
                return Err(cx.bad(
                    &v,
                    ErrorKind::Conflict,
                    "'duration' applies to 'rate' only (an acute injury has no duration)",
                    "'rate' next to 'duration'",
                    None,
                ));
            }
        }
        Kind::Stretching => {
            let reps = match t.get("reps") {
                Some(v) => {
                    let n = cx.integer(&v, "a whole number of holds, 1 to 20")?;
                    if !(1..=20).contains(&n) {
                        return Err(cx.bad(
                            &v,
                            ErrorKind::OutOfRange,
                            format!("reps = {n} is outside the allowed range"),
                            "a whole number of holds per session",
                            Some("1 to 20".into()),
                        ));
                    }
                    n as usize
                }
                None => 3,
            };
            let hold = match t.get("hold") {
                Some(v) => cx.ranged(&v, &TIME, SHORTEST, true, 10.0 * MIN, human_time)?,
                None => 60.0,
            };
            let rest = match t.get("rest") {
                Some(v) => cx.ranged(&v, &TIME, 0.0, true, HOUR, human_time)?,
                None => 30.0,
            };
            let len = reps as f64 * hold + (reps - 1) as f64 * rest;
            for st in occurrences(cx, t, run, len)? {
                let holds: Vec<f64> = (0..reps)
                    .map(|r| st + r as f64 * (hold + rest))
                    .filter(|&h| h < run.duration)
                    .collect();
                push_windows(s, &holds, hold, run, Effect::Stretch);
            }
        }
        Kind::HotPack | Kind::HotBath | Kind::HeatWrap => {
            let (default_len, default_temp) = match kind {
                Kind::HotPack => (20.0 * MIN, HOT_PACK_C),
                Kind::HotBath => (20.0 * MIN, WARM_C),
                _ => (8.0 * HOUR, WARM_C),
            };
            let temp = match t.get("temperature") {
                Some(v) => cx.ranged(&v, &TEMPERATURE, 0.0, true, 50.0, |x| {
                    format!("{} °C", num_str(x))
                })?,
                None => default_temp,
            };
            let len = session_length(cx, t, Some(default_len))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::SkinHeat(temp));
        }
        Kind::Massage => {
            let len = session_length(cx, t, Some(10.0 * MIN))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Massage);
        }
        Kind::BedRest => {
            let len = session_length(cx, t, Some(2.0 * DAY))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::BedRest);
        }
        Kind::ElectricalStimulation => {
            let a = level(cx, t, "intensity")?;
            let len = session_length(cx, t, Some(20.0 * MIN))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::ElectricalStimulation(a));
        }
        Kind::Tens => {
            let strength = match t.get("strength") {
                Some(v) => cx.fraction(&v, "a TENS strength", 0.0, false, 1.0)?,
                None => 1.0,
            };
            let len = session_length(cx, t, Some(30.0 * MIN))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Tens(strength));
        }
        Kind::Ibuprofen | Kind::Cyclobenzaprine | Kind::Tizanidine | Kind::LocalAnaesthetic => {
            let v = t.req(cx, "dose", "a dose such as \"400 mg\"")?;
            let dose = cx.ranged(&v, &MASS, 0.0, false, MAX_DOSE_MG, mg)?;
            let impulse = match kind {
                Kind::Ibuprofen => Impulse::Dose(Drug::Ibuprofen, dose),
                Kind::Cyclobenzaprine => Impulse::Dose(Drug::Cyclobenzaprine, dose),
                Kind::Tizanidine => Impulse::Dose(Drug::Tizanidine, dose),
                _ => Impulse::LocalAnaesthetic(dose),
            };
            for at in occurrences(cx, t, run, 0.0)? {
                s.events.push(crate::protocol::Event { time: at, impulse });
            }
        }
        Kind::Ultrasound => {
            let intensity = match t.get("intensity") {
                Some(v) => cx.ranged(&v, &INTENSITY, 0.0, false, 3.0, |x| {
                    format!("{} W/cm2", num_str(x))
                })?,
                None => 1.5,
            };
            let frequency = match t.get("frequency") {
                Some(v) => cx.ranged(&v, &FREQUENCY, 1.0, true, 3.0, |x| {
                    format!("{} MHz", num_str(x))
                })?,
                None => 3.0,
            };
            let len = session_length(cx, t, Some(5.0 * MIN))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(
                s,
                &starts,
                len,
                run,
                Effect::Ultrasound {
                    intensity,
                    frequency,
                },
            );
        }
        Kind::Cuff => {
            let v = t.req(cx, "pressure", "a cuff pressure such as \"200 mmHg\"")?;
            let p = cx.ranged(&v, &PRESSURE, 0.0, false, 300.0, |x| {
                format!("{} mmHg", num_str(x))
            })?;
            let len = session_length(cx, t, None)?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::Cuff(p));
        }
        Kind::ExperimentalPain => {
            let n = match t.get("level") {
                Some(v) => cx.fraction(&v, "a nociceptor activity", 0.0, false, 1.0)?,
                None => EXPERIMENTAL_PAIN_LEVEL,
            };
            let len = session_length(cx, t, Some(10.0 * MIN))?;
            let starts = occurrences(cx, t, run, len)?;
            push_windows(s, &starts, len, run, Effect::ExperimentalPain(n));
        }
        Kind::EarlyMovement => daily(cx, t, run, s)?,
    }
    Ok(())
}

/// A daily pattern (early movement): activity `activity` between clock times `from`
/// and `to` every day, from `at` (default 0) until `until` (default: end of run).
fn daily(cx: &Cx, t: &Tbl, run: &Run, s: &mut Schedule) -> R<()> {
    let at = start_time(cx, t, run)?;
    let until = match t.get("until") {
        Some(u) => {
            let x = cx.quantity(&u, &TIME)?;
            if x <= at {
                return Err(cx.bad(
                    &u,
                    ErrorKind::OutOfRange,
                    format!(
                        "'until' ({}) is not after the start ({})",
                        human_time(x),
                        human_time(at)
                    ),
                    "a time after the start",
                    Some(format!("more than {}", human_time(at))),
                ));
            }
            x.min(run.duration)
        }
        None => run.duration,
    };
    let from = match t.get("from") {
        Some(v) => cx.clock(&v)?,
        None => 8.0 * HOUR,
    };
    let to = match t.get("to") {
        Some(v) => {
            let x = cx.clock(&v)?;
            if (x - from).abs() < 1e-9 || (x - from).abs() == DAY {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    "'to' equals 'from': the daily window would be empty or the whole day",
                    "a clock time different from 'from'",
                    None,
                ));
            }
            x
        }
        None => 22.0 * HOUR,
    };
    let activity = match t.get("activity") {
        Some(v) => cx.fraction(&v, "an activity level", 0.0, true, 1.0)?,
        None => 0.3,
    };
    let length = if to > from {
        to - from
    } else {
        to + DAY - from
    };
    // Day j's window starts at clock j·DAY + from, i.e. run time j·DAY + from − clock0.
    let first_day = ((at + run.clock0 - from - length) / DAY).floor() as i64;
    let last_day = ((until + run.clock0 - from) / DAY).ceil() as i64;
    for j in first_day..=last_day {
        let start = j as f64 * DAY + from - run.clock0;
        let (a, b) = (start.max(at), (start + length).min(until));
        if b > a {
            s.windows.push(Window {
                start: a,
                end: b,
                effect: Effect::Activity(activity),
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// The whole file
// ---------------------------------------------------------------------------------

/// Parse a scenario from TOML `text`; `path` names the file in error messages (and
/// gives the default scenario name). See docs/scenarios.md for the format.
pub fn parse_scenario(text: &str, path: &str) -> Result<Scenario, ScenarioError> {
    let cx = Cx { text, path };
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().replace('\n', " ");
        cx.err(ErrorKind::Syntax, "TOML syntax", span, msg, "", None)
    })?;
    let root = Tbl {
        key: String::new(),
        what: "the scenario".into(),
        span: 0..0,
        t: doc.get_ref(),
    };
    root.check(&cx, TOP_KEYS)?;

    let name = match root.get("name") {
        Some(v) => cx.string(&v, "the scenario name as a string")?.to_string(),
        None => std::path::Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("scenario")
            .to_string(),
    };
    let description = match root.get("description") {
        Some(v) => cx.string(&v, "a description as a string")?.to_string(),
        None => String::new(),
    };

    // Run length and settling.
    let dv = root.req(&cx, "duration", "the length of the run, such as \"7 d\"")?;
    let duration = cx.quantity(&dv, &TIME)?;
    if duration < 1.0 {
        return Err(cx.bad(
            &dv,
            ErrorKind::OutOfRange,
            "the run must last at least 1 s",
            "the length of the run, such as \"7 d\"",
            Some("at least 1 s, at most 1 y (365.25 d)".into()),
        ));
    }
    if duration > MAX_DURATION {
        return Err(cx.bad(
            &dv,
            ErrorKind::Horizon,
            format!("a run of {} is longer than one year", human_time(duration)),
            "the length of the run, such as \"7 d\"",
            Some("at least 1 s, at most 1 y (365.25 d)".into()),
        ));
    }
    let settle = match root.get("settle") {
        Some(v) => {
            let x = cx.quantity(&v, &TIME)?;
            if x < 0.0 {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    "the settling period cannot be negative",
                    "a settling period such as \"12 h\" (or \"0 s\" for none)",
                    Some("0 s to 1 y".into()),
                ));
            }
            if x > MAX_DURATION {
                return Err(cx.bad(
                    &v,
                    ErrorKind::Horizon,
                    format!(
                        "a settling period of {} is longer than one year",
                        human_time(x)
                    ),
                    "a settling period such as \"12 h\"",
                    Some("0 s to 1 y".into()),
                ));
            }
            x
        }
        None => DEFAULT_SETTLE,
    };
    let clock0 = match root.get("start_clock") {
        Some(v) => cx.clock(&v)? % DAY,
        None => 0.0,
    };
    let run = Run { duration, clock0 };

    // The patient.
    let mv = root.req(
        &cx,
        "model",
        "a [model] table with the parameter set, e.g. set = \"acute_injury\"",
    )?;
    let model_t = cx.table(&mv, "[model]", "a [model] table")?;
    model_t.check(&cx, &["set", "overrides"])?;
    let sv = model_t.req(
        &cx,
        "set",
        "the name of a parameter set, e.g. \"acute_injury\"",
    )?;
    let set_name = cx
        .string(&sv, "the name of a parameter set as a string")?
        .to_string();
    let mut set = ParamSet::embedded(&set_name).map_err(|e| match e {
        ParamError::UnknownSet { available, .. } => cx.bad(
            &sv,
            ErrorKind::UnknownSet,
            format!("unknown parameter set '{set_name}'"),
            "the name of an embedded parameter set",
            Some(available),
        ),
        other => cx.bad(&sv, ErrorKind::UnknownSet, other.to_string(), "", None),
    })?;
    if let Some(ov) = model_t.get("overrides") {
        overrides(&cx, &ov, "[model.overrides]", &mut set)?;
    }
    let params = set
        .to_params()
        .map_err(|e| cx.bad(&sv, ErrorKind::OutOfRange, e.to_string(), "", None))?;
    let model = Model::new(params);

    // Output.
    let (mut output_every, mut time_unit) = (default_every(duration), default_time_unit(duration));
    let mut output_depths = Vec::new();
    if let Some(ov) = root.get("output") {
        let ot = cx.table(&ov, "[output]", "an [output] table")?;
        ot.check(&cx, &["every", "time_unit", "depths"])?;
        if let Some(v) = ot.get("depths") {
            output_depths = depths(&cx, &v)?;
        }
        if let Some(v) = ot.get("every") {
            let x = cx.quantity(&v, &TIME)?;
            if x <= 0.0 {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    "the output interval must be more than 0 s",
                    "an output interval such as \"10 min\"",
                    Some("more than 0 s".into()),
                ));
            }
            let n = (duration / x).ceil() + 1.0;
            if n > MAX_SAMPLES as f64 {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    format!(
                        "an output every {} over {} gives {} samples per arm",
                        human_time(x),
                        human_time(duration),
                        n
                    ),
                    "a longer output interval",
                    Some(format!("at most {MAX_SAMPLES} samples per arm")),
                ));
            }
            output_every = x.min(duration);
        }
        if let Some(v) = ot.get("time_unit") {
            let allowed = ["s", "min", "h", "d"];
            let u = cx.string(&v, "a time unit as a string, e.g. \"h\"")?;
            if !allowed.contains(&u) {
                return Err(cx.bad(
                    &v,
                    ErrorKind::UnknownUnit,
                    format!("'{u}' is not an output time unit"),
                    "the unit of the time column",
                    Some(allowed.join(", ")),
                ));
            }
            time_unit = u.to_string();
        }
    }

    // Solver.
    let mut solver = SolverConfig::default();
    if let Some(sv) = root.get("solver") {
        let st = cx.table(&sv, "[solver]", "a [solver] table")?;
        st.check(&cx, &["method", "rtol", "max_step"])?;
        if let Some(v) = st.get("method") {
            let m = cx.string(&v, "a solver name as a string")?;
            solver.kind = match m.to_lowercase().as_str() {
                "rodas4" => SolverKind::Rodas4,
                "dopri5" => SolverKind::Dopri5,
                _ => {
                    return Err(cx.bad(
                        &v,
                        ErrorKind::UnknownKind,
                        format!("unknown solver '{m}'"),
                        "a solver name",
                        Some("rodas4 (stiff, default), dopri5 (explicit, cross-check only)".into()),
                    ))
                }
            };
        }
        if let Some(v) = st.get("rtol") {
            solver.rtol = cx.fraction(&v, "a relative tolerance", 1e-12, true, 1e-2)?;
        }
        if let Some(v) = st.get("max_step") {
            solver.max_step = cx.ranged(&v, &TIME, SHORTEST, true, MAX_DURATION, human_time)?;
        }
    }

    // Triggers, then arms.
    let mut triggers = Schedule::default();
    if let Some(tv) = root.get("trigger") {
        for t in cx.tables(&tv, "trigger", "an array of tables: write [[trigger]]")? {
            entry(&cx, &t, &run, &mut triggers)?;
            let n = triggers.windows.len() + triggers.events.len();
            if n > MAX_SCHEDULED {
                return Err(cx.err(
                    ErrorKind::OutOfRange,
                    &t.key,
                    first_line(cx.text, t.span.clone()),
                    format!("the triggers now hold {n} sessions and events"),
                    "fewer or longer-spaced triggers",
                    Some(format!("at most {MAX_SCHEDULED} in all")),
                ));
            }
        }
    }
    let no_arms = |span: Range<usize>| {
        cx.err(
            ErrorKind::EmptyArms,
            "arm",
            span,
            "a scenario needs at least one arm",
            "one [[arm]] table per arm, e.g. [[arm]] name = \"no treatment\"",
            None,
        )
    };
    let av = root.get("arm").ok_or_else(|| no_arms(0..0))?;
    let arm_tables = cx.tables(&av, "arm", "an array of tables: write [[arm]]")?;
    if arm_tables.is_empty() {
        return Err(no_arms(av.span.clone()));
    }
    let mut arms: Vec<Arm> = Vec::new();
    for at in &arm_tables {
        at.check(&cx, &["name", "intervention", "overrides"])?;
        let nv = at.req(&cx, "name", "the arm's name, e.g. \"no treatment\"")?;
        let arm_name = cx
            .string(&nv, "the arm's name as a string")?
            .trim()
            .to_string();
        if arm_name.is_empty() {
            return Err(cx.bad(
                &nv,
                ErrorKind::OutOfRange,
                "the arm name is empty",
                "a non-empty name",
                None,
            ));
        }
        if arms.iter().any(|a| a.name == arm_name) {
            return Err(cx.bad(
                &nv,
                ErrorKind::DuplicateArm,
                format!("two arms are called '{arm_name}'"),
                "a name no other arm has",
                None,
            ));
        }
        let mut schedule = triggers.clone();
        if let Some(iv) = at.get("intervention") {
            for it in cx.tables(
                &iv,
                "intervention",
                "an array of tables: write [[arm.intervention]]",
            )? {
                entry(&cx, &it, &run, &mut schedule)?;
                let n = schedule.windows.len() + schedule.events.len();
                if n > MAX_SCHEDULED {
                    return Err(cx.err(
                        ErrorKind::OutOfRange,
                        &it.key,
                        first_line(cx.text, it.span.clone()),
                        format!("arm '{arm_name}' now holds {n} sessions and doses"),
                        "fewer or longer-spaced sessions",
                        Some(format!("at most {MAX_SCHEDULED} per arm")),
                    ));
                }
            }
        }
        let mut arm_overrides = Vec::new();
        if let Some(ov) = at.get("overrides") {
            let mut arm_set = set.clone();
            let names = overrides(&cx, &ov, &format!("{}.overrides", at.what), &mut arm_set)?;
            let arm_params = arm_set
                .to_params()
                .map_err(|e| cx.bad(&ov, ErrorKind::OutOfRange, e.to_string(), "", None))?;
            let values = arm_params.values();
            for n in names {
                if let Some((_, x)) = values.iter().find(|(k, _)| *k == n) {
                    arm_overrides.push((n, *x));
                }
            }
        }
        arms.push(Arm {
            name: arm_name,
            schedule,
            overrides: arm_overrides,
        });
    }

    Ok(Scenario {
        name,
        description,
        set_name,
        params: set,
        model,
        arms,
        duration,
        output_every,
        settle,
        time_unit,
        output_depths,
        solver,
        source_text: text.to_string(),
    })
}

/// Apply a table of parameter overrides (`[model.overrides]` or an arm's
/// `overrides`) to `set`; returns the names overridden, in the order written.
fn overrides(cx: &Cx, v: &Val, what: &str, set: &mut ParamSet) -> R<Vec<String>> {
    let ot = cx.table(v, what, "a table of parameter = value")?;
    let mut names = Vec::new();
    for (k, v) in ot.entries() {
        let pname: &str = k.get_ref();
        let val = Val {
            key: ot.path(pname),
            span: v.span(),
            v: v.get_ref(),
        };
        override_param(cx, set, pname, k.span(), &val)?;
        names.push(pname.to_string());
    }
    Ok(names)
}

/// `[output] depths`: an array of depths below the skin, each a length string.
fn depths(cx: &Cx, v: &Val) -> R<Vec<f64>> {
    let expected = "an array of depths such as [\"2.5 cm\"]";
    let DeValue::Array(items) = v.v else {
        return Err(cx.wrong_type(v, expected));
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let val = Val {
            key: format!("{}[{}]", v.key, i + 1),
            span: item.span(),
            v: item.get_ref(),
        };
        let d = cx.ranged(&val, &LENGTH, 0.0, true, MAX_DEPTH_CM, |x| {
            format!("{} cm", num_str(x))
        })?;
        if out.contains(&d) {
            return Err(cx.bad(
                &val,
                ErrorKind::Conflict,
                format!("the depth {} cm is listed twice", num_str(d)),
                expected,
                None,
            ));
        }
        out.push(d);
    }
    Ok(out)
}

/// Apply one `[model.overrides]` entry: a plain number in the set's unit, or a string
/// "value unit".
fn override_param(
    cx: &Cx,
    set: &mut ParamSet,
    name: &str,
    key_span: Range<usize>,
    v: &Val,
) -> R<()> {
    let Some(info) = set.entries.get(name).cloned() else {
        let close = closest(name, Params::NAMES.iter().map(|(n, _)| *n))
            .map(|c| format!(" (did you mean '{c}'?)"))
            .unwrap_or_default();
        return Err(cx.err(
            ErrorKind::UnknownParameter,
            &v.key,
            key_span,
            format!("unknown parameter '{name}'{close}"),
            "the name of a model parameter",
            Some("the parameters listed in docs/model.md and models/healthy.toml".into()),
        ));
    };
    let expected = format!(
        "a number in {} or a string with a unit, such as \"{} {}\"",
        info.unit, info.value, info.unit
    );
    let (value, unit) = match v.v {
        DeValue::String(s) => {
            let parsed = if unit_text_is_sane(s) {
                Quantity::parse(s)
            } else {
                Err(UnitError::Unknown {
                    token: s.trim().to_string(),
                    known: String::new(),
                })
            };
            let q = parsed.map_err(|e| {
                let kind = match e {
                    UnitError::Unknown { .. } => ErrorKind::UnknownUnit,
                    UnitError::NotFinite { .. } => ErrorKind::NotFinite,
                    _ => ErrorKind::BadQuantity,
                };
                let msg = match e {
                    UnitError::Unknown { token, .. } => format!("unknown unit '{token}'"),
                    other => other.to_string(),
                };
                cx.bad(
                    v,
                    kind,
                    msg,
                    expected.clone(),
                    Some(format!("units of the same kind as {}", info.unit)),
                )
            })?;
            (q.value, Some(q.unit))
        }
        _ => (cx.number(v, &expected)?, None),
    };
    set.set_value(name, value, unit.as_deref(), "scenario override")
        .map_err(|e| match e {
            ParamError::Unit { .. } => cx.bad(
                v,
                ErrorKind::WrongUnit,
                format!(
                    "'{}' does not measure the same thing as {}",
                    unit.clone().unwrap_or_default(),
                    info.unit
                ),
                expected.clone(),
                Some(format!("units of the same kind as {}", info.unit)),
            ),
            ParamError::NotFinite { .. } => cx.bad(
                v,
                ErrorKind::NotFinite,
                "not a finite number",
                expected.clone(),
                None,
            ),
            other => cx.bad(
                v,
                ErrorKind::OutOfRange,
                other.to_string(),
                expected.clone(),
                None,
            ),
        })?;
    let new = set.entries.get(name).map_or(value, |p| p.value);
    if new < 0.0 && info.range[0] >= 0.0 {
        return Err(cx.bad(
            v,
            ErrorKind::OutOfRange,
            format!("{name} cannot be negative"),
            expected,
            Some(format!(
                "0 or more {}; documented plausible range {}–{} {}",
                info.unit, info.range[0], info.range[1], info.unit
            )),
        ));
    }
    if new == 0.0 && info.range[0] > 0.0 {
        return Err(cx.bad(
            v,
            ErrorKind::OutOfRange,
            format!("{name} must be more than 0"),
            expected,
            Some(format!(
                "more than 0 {}; documented plausible range {}–{} {}",
                info.unit, info.range[0], info.range[1], info.unit
            )),
        ));
    }
    if !new.is_finite() {
        return Err(cx.bad(
            v,
            ErrorKind::NotFinite,
            "not a finite number after conversion",
            expected,
            None,
        ));
    }
    Ok(())
}

/// Default output interval: the largest of 1 s, 10 s, 1 min, 5 min, 10 min, 30 min,
/// 1 h that still gives at least 500 intervals; 1 s for short runs.
pub fn default_every(duration: f64) -> f64 {
    [HOUR, 30.0 * MIN, 10.0 * MIN, 5.0 * MIN, MIN, 10.0, 1.0]
        .into_iter()
        .find(|&e| duration / e >= 500.0)
        .unwrap_or(1.0)
        .min(duration)
}

/// Default time unit of outputs: s up to 10 min, min up to 6 h, h up to 30 d, else d.
pub fn default_time_unit(duration: f64) -> String {
    let u = if duration <= 10.0 * MIN {
        "s"
    } else if duration <= 6.0 * HOUR {
        "min"
    } else if duration <= 30.0 * DAY {
        "h"
    } else {
        "d"
    };
    u.to_string()
}
