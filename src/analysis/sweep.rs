//! Parameter sweeps: every arm of a scenario at every point of a grid of parameter
//! values, each (point, arm) reduced to the endpoints of [`PatientArm`].
//!
//! **Grid.** Each axis is written `NAME=LO:HI:N` ([`parse_axis`]): `N ≥ 2` values
//! from `LO` to `HI` inclusive, evenly spaced, or evenly spaced in `ln x` for an axis
//! named in `--log`. `LO` and `HI` are numbers in the unit of the parameter set, or
//! quantities with a unit of the same kind (`tau_heal=2 d:20 d:10`), as in
//! `[model.overrides]`. Point `p` of a grid of axes `n₁ × n₂ × …` varies the last
//! axis fastest.
//!
//! **Failures.** A point whose patient cannot be settled or whose arm cannot be
//! integrated is a row with the reason ([`SweepRow`]); the sweep goes on.
//!
//! **Settling.** One settled initial state is reused for every point when no swept
//! parameter affects settling: before the sweep, the patient is settled at each
//! axis's lowest and highest value (others at their scenario values); if every probe
//! gives bit for bit the scenario patient's settled state, the parameter does not
//! enter the equations while nothing is scheduled (e.g. a healing time constant, a
//! drug potency) and the shared state is used ([`Settling::Shared`]). Otherwise every
//! point settles its own patient ([`Settling::PerPoint`]). The probe is exact for a
//! parameter that does not enter the settling equations at all, which is the case it
//! is meant for; a parameter that entered them yet left both end states bit-identical
//! would be missed.
//!
//! **Scale.** Points run in parallel in chunks of [`CHUNK_POINTS`] (rayon, indexed
//! collect); each chunk is handed to the caller's sink in point order before the next
//! starts, so memory is flat in the number of points and the rows are identical for
//! any number of threads.
//!
//! Length: ≈ 640 lines, a third of them the grid's reader and its errors (shared with
//! the ranges of a sensitivity analysis) and unit tests; the reader, the settling
//! decision and the runner are read together.
//!
//! Length: ≈ 670 lines with tests: axes, grids, settling and the streamed evaluation of one sweep.

use rayon::prelude::*;

use crate::analysis::cohort::PatientArm;
use crate::analysis::metrics::MetricThresholds;
use crate::model::params::{ParamError, Params};
use crate::model::State;
use crate::scenario::{RunError, Scenario};
use crate::simulation::Patient;
use crate::units::{Quantity, Unit};

/// Points evaluated in parallel before their rows are handed on (bounds the memory
/// of a sweep: rows of at most this many points are held at once).
pub const CHUNK_POINTS: usize = 64;

/// Largest number of points of one sweep (all axes together).
pub const MAX_POINTS: usize = 1_000_000;

/// What `NAME=LO:HI:N` looks like, for messages.
pub const AXIS_SYNTAX: &str = "NAME=LO:HI:N, e.g. fac_injury=0:10:21 or tau_heal=2 d:20 d:10";

/// Why a sweep (or a range of a sensitivity analysis) cannot be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// The text does not have the form `NAME=LO:HI:N` (or `NAME=LO:HI`).
    #[error("'{text}': {reason}; expected {expected}")]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
        /// The form expected.
        expected: &'static str,
    },
    /// The parameter is unknown, or a bound's unit does not fit it.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// `LO` is not below `HI`.
    #[error("parameter '{name}': the range {lo}:{hi} (unit {unit}) is empty; LO must be below HI")]
    EmptyRange {
        /// The parameter.
        name: String,
        /// Lower bound, in `unit`.
        lo: f64,
        /// Upper bound, in `unit`.
        hi: f64,
        /// The parameter set's unit.
        unit: String,
    },
    /// A log-scale axis or factor has a non-positive bound.
    #[error("parameter '{name}': a log scale needs LO > 0, got {lo} (unit {unit})")]
    LogNonPositive {
        /// The parameter.
        name: String,
        /// Lower bound, in `unit`.
        lo: f64,
        /// The parameter set's unit.
        unit: String,
    },
    /// `--log` names a parameter that is not swept.
    #[error("--log {name}: not a swept parameter (swept: {swept})")]
    LogNotSwept {
        /// The name given.
        name: String,
        /// The parameters swept.
        swept: String,
    },
    /// The same parameter twice.
    #[error("parameter '{0}' is given twice")]
    Duplicate(String),
    /// No axis at all.
    #[error("nothing to sweep: give at least one --param {AXIS_SYNTAX}")]
    NoAxes,
    /// Too many points.
    #[error("the grid has {points} points, more than the {MAX_POINTS} allowed")]
    TooManyPoints {
        /// Points of the grid.
        points: u128,
    },
}

/// One bound as written: a number (in the parameter set's unit) or a quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The number.
    pub value: f64,
    /// The unit written, if any.
    pub unit: Option<String>,
}

impl Bound {
    /// Read `"3"`, `"-1.5e-3"` or `"2 d"`.
    pub fn parse(text: &str) -> Result<Bound, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("a bound is empty".into());
        }
        if let Ok(v) = t.parse::<f64>() {
            return if v.is_finite() {
                Ok(Bound {
                    value: v,
                    unit: None,
                })
            } else {
                Err(format!("bound '{t}' is not a finite number"))
            };
        }
        let q = Quantity::parse(t).map_err(|e| format!("bound '{t}': {e}"))?;
        Ok(Bound {
            value: q.value,
            unit: Some(q.unit),
        })
    }

    /// The value in `unit` (the parameter set's unit of `name`).
    pub fn in_unit(&self, name: &str, unit: &str) -> Result<f64, ParamError> {
        match &self.unit {
            None => Ok(self.value),
            Some(u) => Unit::convert(self.value, u, unit).map_err(|source| ParamError::Unit {
                name: name.to_string(),
                source,
            }),
        }
    }
}

/// One axis as written: `NAME=LO:HI:N`.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisSpec {
    /// Parameter name.
    pub name: String,
    /// Lower bound.
    pub lo: Bound,
    /// Upper bound.
    pub hi: Bound,
    /// Number of values (at least 2).
    pub n: usize,
}

fn syntax(text: &str, reason: impl Into<String>, expected: &'static str) -> SweepError {
    SweepError::Syntax {
        text: text.to_string(),
        reason: reason.into(),
        expected,
    }
}

/// Split `NAME=REST` and check the name's characters.
fn split_name<'t>(text: &'t str, expected: &'static str) -> Result<(&'t str, &'t str), SweepError> {
    let (name, rest) = text
        .split_once('=')
        .ok_or_else(|| syntax(text, "no '='", expected))?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(syntax(
            text,
            format!("'{name}' is not a parameter name (letters, digits, '_')"),
            expected,
        ));
    }
    Ok((name, rest))
}

/// Read one axis, `NAME=LO:HI:N`. Never panics; every malformed text is an error
/// naming what is wrong.
///
/// ```
/// use spasm::analysis::sweep::parse_axis;
/// let a = parse_axis("tau_heal=2 d:20 d:10").unwrap();
/// assert_eq!((a.name.as_str(), a.lo.value, a.hi.unit.as_deref(), a.n), ("tau_heal", 2.0, Some("d"), 10));
/// assert!(parse_axis("gain=0:1:1").is_err()); // N < 2
/// ```
pub fn parse_axis(text: &str) -> Result<AxisSpec, SweepError> {
    let (name, rest) = split_name(text, AXIS_SYNTAX)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let [lo, hi, n] = parts[..] else {
        return Err(syntax(
            text,
            format!("{} ':'-separated fields after '=', 3 needed", parts.len()),
            AXIS_SYNTAX,
        ));
    };
    let n: usize = n.trim().parse().map_err(|_| {
        syntax(
            text,
            format!("N '{}' is not a whole number", n.trim()),
            AXIS_SYNTAX,
        )
    })?;
    if n < 2 {
        return Err(syntax(
            text,
            format!("N = {n}; at least 2 values are needed"),
            AXIS_SYNTAX,
        ));
    }
    Ok(AxisSpec {
        name: name.to_string(),
        lo: Bound::parse(lo).map_err(|r| syntax(text, r, AXIS_SYNTAX))?,
        hi: Bound::parse(hi).map_err(|r| syntax(text, r, AXIS_SYNTAX))?,
        n,
    })
}

/// What `NAME=LO:HI` looks like, for messages.
pub const RANGE_SYNTAX: &str = "NAME=LO:HI, e.g. k_o=0.2:0.5 or tau_heal=2 d:20 d";

/// Read one range, `NAME=LO:HI` (a sensitivity analysis's `--range`).
pub fn parse_range(text: &str) -> Result<(String, Bound, Bound), SweepError> {
    let (name, rest) = split_name(text, RANGE_SYNTAX)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let [lo, hi] = parts[..] else {
        return Err(syntax(
            text,
            format!("{} ':'-separated fields after '=', 2 needed", parts.len()),
            RANGE_SYNTAX,
        ));
    };
    Ok((
        name.to_string(),
        Bound::parse(lo).map_err(|r| syntax(text, r, RANGE_SYNTAX))?,
        Bound::parse(hi).map_err(|r| syntax(text, r, RANGE_SYNTAX))?,
    ))
}

/// The canonical unit of parameter `name`, or the unknown-parameter error.
pub fn canonical_unit(name: &str) -> Result<&'static str, ParamError> {
    Params::NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, u)| *u)
        .ok_or_else(|| ParamError::unknown_parameter(name))
}

/// A parameter's range resolved against a patient: bounds in the parameter set's
/// unit, checked (`lo < hi`, finite, `lo > 0` on a log scale).
pub fn resolve_range(
    patient: &Patient,
    name: &str,
    lo: &Bound,
    hi: &Bound,
    log: bool,
) -> Result<(f64, f64, String), SweepError> {
    canonical_unit(name)?;
    let unit = patient
        .set()
        .entries
        .get(name)
        .map(|e| e.unit.clone())
        .ok_or_else(|| ParamError::unknown_parameter(name))?;
    let (lo, hi) = (lo.in_unit(name, &unit)?, hi.in_unit(name, &unit)?);
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return Err(SweepError::EmptyRange {
            name: name.to_string(),
            lo,
            hi,
            unit,
        });
    }
    if log && lo <= 0.0 {
        return Err(SweepError::LogNonPositive {
            name: name.to_string(),
            lo,
            unit,
        });
    }
    Ok((lo, hi, unit))
}

/// `value` with its unit for messages (`"0.5"` for a dimensionless `"1"`, else
/// `"2 d"`).
pub fn with_unit(value: f64, unit: &str) -> String {
    if unit == "1" {
        format!("{value}")
    } else {
        format!("{value} {unit}")
    }
}

/// One resolved axis: values in the parameter set's unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Axis {
    /// Parameter name.
    pub name: String,
    /// The parameter set's unit of the values.
    pub unit: String,
    /// First value, in `unit`.
    pub lo: f64,
    /// Last value, in `unit`.
    pub hi: f64,
    /// Number of values.
    pub n: usize,
    /// Evenly spaced in `ln x`.
    pub log: bool,
}

impl Axis {
    /// Value `i` (`0..n`), in `unit`; the ends are exactly `lo` and `hi`.
    pub fn value(&self, i: usize) -> f64 {
        if i == 0 {
            return self.lo;
        }
        if i + 1 == self.n {
            return self.hi;
        }
        let f = i as f64 / (self.n - 1) as f64;
        if self.log {
            (self.lo.ln() + f * (self.hi.ln() - self.lo.ln())).exp()
        } else {
            self.lo + f * (self.hi - self.lo)
        }
    }

    /// Every value, in `unit`.
    pub fn values(&self) -> Vec<f64> {
        (0..self.n).map(|i| self.value(i)).collect()
    }
}

/// Resolve the axes against the scenario's patient; `log` names the log-scale axes.
pub fn resolve_axes(
    patient: &Patient,
    specs: &[AxisSpec],
    log: &[String],
) -> Result<Vec<Axis>, SweepError> {
    if specs.is_empty() {
        return Err(SweepError::NoAxes);
    }
    for l in log {
        if !specs.iter().any(|s| &s.name == l) {
            return Err(SweepError::LogNotSwept {
                name: l.clone(),
                swept: specs
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let mut axes: Vec<Axis> = Vec::new();
    let mut points: u128 = 1;
    for s in specs {
        if axes.iter().any(|a| a.name == s.name) {
            return Err(SweepError::Duplicate(s.name.clone()));
        }
        let is_log = log.contains(&s.name);
        let (lo, hi, unit) = resolve_range(patient, &s.name, &s.lo, &s.hi, is_log)?;
        points = points.saturating_mul(s.n as u128);
        axes.push(Axis {
            name: s.name.clone(),
            unit,
            lo,
            hi,
            n: s.n,
            log: is_log,
        });
    }
    if points > MAX_POINTS as u128 {
        return Err(SweepError::TooManyPoints { points });
    }
    Ok(axes)
}

/// Number of points of the grid.
pub fn point_count(axes: &[Axis]) -> usize {
    axes.iter().map(|a| a.n).product()
}

/// The parameter values of point `p` (the last axis varies fastest), in each axis's unit.
pub fn point_values(axes: &[Axis], p: usize) -> Vec<f64> {
    let mut rest = p;
    let mut idx = vec![0; axes.len()];
    for (k, a) in axes.iter().enumerate().rev() {
        idx[k] = rest % a.n;
        rest /= a.n;
    }
    axes.iter().zip(idx).map(|(a, i)| a.value(i)).collect()
}

/// How the initial states of a sweep were obtained.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum Settling {
    /// One settled state, of the scenario's patient, for every point.
    Shared,
    /// Every point settled its own patient.
    PerPoint {
        /// Why (which parameter changed the settled state).
        reason: String,
    },
}

/// The outcome of one arm at one point: its endpoints, or why it failed.
pub type ArmOutcome = Result<PatientArm, String>;

/// One point of a sweep: its parameter values and the outcome of every arm.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// Point index.
    pub point: usize,
    /// Parameter values, in the axes' units, axis order.
    pub values: Vec<f64>,
    /// Per arm (scenario order).
    pub arms: Vec<ArmOutcome>,
}

/// Convert values in the parameter set's units to canonical `(name, value)` pairs.
pub fn to_canonical<'a>(
    patient: &Patient,
    names: &'a [String],
    values: &[f64],
) -> Result<Vec<(&'a str, f64)>, ParamError> {
    names
        .iter()
        .zip(values)
        .map(|(name, &v)| {
            let unit = &patient
                .set()
                .entries
                .get(name)
                .ok_or_else(|| ParamError::unknown_parameter(name))?
                .unit;
            let c = Unit::convert(v, unit, canonical_unit(name)?).map_err(|source| {
                ParamError::Unit {
                    name: name.clone(),
                    source,
                }
            })?;
            Ok((name.as_str(), c))
        })
        .collect()
}

/// Run the arms `arms` (indices into the scenario's arms) on the scenario's patient
/// with parameters `names` set to `values` (in the parameter set's units). `shared`
/// is a settled state to start from (see [`Settling`]); without it the point's
/// patient is settled here. Each arm's outcome is its endpoints or the reason it
/// failed; a patient that cannot be built or settled fails every arm.
pub fn evaluate_point(
    scenario: &Scenario,
    names: &[String],
    values: &[f64],
    shared: Option<&State>,
    arms: &[usize],
    th: &MetricThresholds,
) -> Vec<ArmOutcome> {
    let all_fail = |reason: String| arms.iter().map(|_| Err(reason.clone())).collect();
    let patient = match to_canonical(&scenario.patient, names, values).and_then(|canonical| {
        scenario
            .patient
            .with_values(canonical, "parameter sweep / sensitivity point")
    }) {
        Ok(p) => p,
        Err(e) => return all_fail(RunError::Patient { source: e }.to_string()),
    };
    let own;
    let y0 = match shared {
        Some(y) => y,
        None => match scenario.settled(&patient) {
            Ok(y) => {
                own = y;
                &own
            }
            Err(e) => return all_fail(e.to_string()),
        },
    };
    arms.iter()
        .map(|&a| {
            scenario
                .run_arm(&scenario.arms[a], &patient, y0)
                .map(|r| PatientArm::of_run(&r, th))
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Decide [`Settling`] for a sweep over `axes` (see the module docs); returns the
/// shared state when one can be used. If the scenario's own patient cannot be
/// settled, every point settles its own (and reports its failure).
pub fn decide_settling(scenario: &Scenario, axes: &[Axis]) -> (Settling, Option<State>) {
    let base = match scenario.settled(&scenario.patient) {
        Ok(y) => y,
        Err(e) => {
            return (
                Settling::PerPoint {
                    reason: format!("the scenario's patient: {e}"),
                },
                None,
            )
        }
    };
    for a in axes {
        for v in [a.lo, a.hi] {
            let probe = to_canonical(&scenario.patient, std::slice::from_ref(&a.name), &[v])
                .and_then(|c| scenario.patient.with_values(c, "settling probe"))
                .map_err(|e| e.to_string())
                .and_then(|p| scenario.settled(&p).map_err(|e| e.to_string()));
            let same = matches!(&probe, Ok(y) if y.iter().zip(base.iter()).all(|(p, b)| p.to_bits() == b.to_bits()));
            if !same {
                return (
                    Settling::PerPoint {
                        reason: format!(
                            "{} = {} changes the settled state",
                            a.name,
                            with_unit(v, &a.unit)
                        ),
                    },
                    None,
                );
            }
        }
    }
    (Settling::Shared, Some(base))
}

/// What a sweep did besides its rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SweepInfo {
    /// Points run.
    pub points: usize,
    /// How the initial states were obtained.
    pub settling: Settling,
    /// (point, arm) pairs that failed.
    pub failed: usize,
}

/// Run the sweep: every arm at every point of `axes`, in parallel chunks of
/// [`CHUNK_POINTS`], each chunk handed to `sink` in point order. `on_point` is called
/// once per finished point (from worker threads; for progress bars). An error of the
/// sink stops the sweep and is returned; a failed point never does.
pub fn run_sweep<E>(
    scenario: &Scenario,
    axes: &[Axis],
    th: &MetricThresholds,
    on_point: &(dyn Fn() + Sync),
    sink: &mut dyn FnMut(&[SweepRow]) -> Result<(), E>,
) -> Result<SweepInfo, E> {
    run_sweep_range(scenario, axes, th, 0..point_count(axes), on_point, sink)
}

/// [`run_sweep`] on the points `points` only (a shard, see
/// [`crate::analysis::shard`]): the rows are exactly those rows of the whole sweep,
/// and [`SweepInfo::points`] counts the whole grid. The settling decision is made on
/// the whole grid's axes, so every shard makes the same one.
pub fn run_sweep_range<E>(
    scenario: &Scenario,
    axes: &[Axis],
    th: &MetricThresholds,
    points: std::ops::Range<usize>,
    on_point: &(dyn Fn() + Sync),
    sink: &mut dyn FnMut(&[SweepRow]) -> Result<(), E>,
) -> Result<SweepInfo, E> {
    let (settling, shared) = decide_settling(scenario, axes);
    let names: Vec<String> = axes.iter().map(|a| a.name.clone()).collect();
    let arms: Vec<usize> = (0..scenario.arms.len()).collect();
    let total = point_count(axes);
    let mut failed = 0;
    let mut start = points.start;
    while start < points.end {
        let end = (start + CHUNK_POINTS).min(points.end);
        let rows: Vec<SweepRow> = (start..end)
            .into_par_iter()
            .map(|p| {
                let values = point_values(axes, p);
                let arms = evaluate_point(scenario, &names, &values, shared.as_ref(), &arms, th);
                on_point();
                SweepRow {
                    point: p,
                    values,
                    arms,
                }
            })
            .collect();
        failed += rows
            .iter()
            .map(|r| r.arms.iter().filter(|a| a.is_err()).count())
            .sum::<usize>();
        sink(&rows)?;
        start = end;
    }
    Ok(SweepInfo {
        points: total,
        settling,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_read_and_refuse() {
        let a = parse_axis("k_o=0.2:0.5:4").unwrap();
        assert_eq!((a.lo.value, a.hi.value, a.n), (0.2, 0.5, 4));
        for bad in [
            "k_o",
            "k_o=0.2:0.5",
            "k_o=a:1:3",
            "=0:1:3",
            "k_o=0:1:x",
            "k o=0:1:3",
        ] {
            assert!(parse_axis(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn grid_order_and_ends() {
        let axes = vec![
            Axis {
                name: "a".into(),
                unit: "1".into(),
                lo: 0.0,
                hi: 1.0,
                n: 3,
                log: false,
            },
            Axis {
                name: "b".into(),
                unit: "1".into(),
                lo: 1.0,
                hi: 100.0,
                n: 3,
                log: true,
            },
        ];
        assert_eq!(point_count(&axes), 9);
        assert_eq!(point_values(&axes, 0), vec![0.0, 1.0]);
        let p1 = point_values(&axes, 1);
        assert_eq!(p1[0], 0.0);
        assert!((p1[1] - 10.0).abs() < 1e-12, "{p1:?}");
        assert_eq!(point_values(&axes, 5), vec![0.5, 100.0]);
        assert_eq!(point_values(&axes, 8), vec![1.0, 100.0]);
    }
}
