//! Bifurcation diagrams of the held loop ([`super::steady`]): equilibrium branches
//! over one parameter with their folds, Hopf points and bistable intervals (each
//! classified by what differs between the coexisting states), and the folds
//! continued in a second parameter (the cusp). Pure.

use nalgebra::DVector;

use crate::continuation::{
    bistable_intervals, continue_fold, Branch, Fold2Options, FoldCurve, FoldCurveKind, SpecialKind,
    Stability,
};
use crate::model::idx;
use crate::model::params::{embedded_names, ParamError, ParamSet};
use crate::simulation::{Patient, SolverConfig};
use crate::units::Unit;

use super::bistability::BISTABLE_THRESHOLD;
use super::steady::{branches, newton_options, value_of, Held, HeldLoop, SteadyError};
use super::sweep::canonical_unit;

/// Distance in the parameter plane, relative to the ranges, below which two located
/// points of fold curves are the same.
const SAME_POINT: f64 = 1e-6;

/// A parameter range in the parameter set's unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Axis {
    /// Parameter name.
    pub name: String,
    /// The parameter set's unit of it (values below are in this unit).
    pub unit: String,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// The patient's own value.
    pub value: f64,
    /// Canonical to set unit: `set = .0 × canonical + .1` (every unit conversion is
    /// affine).
    #[serde(skip)]
    to_set: (f64, f64),
}

impl Axis {
    /// The range `[lo, hi]` (in the set's unit) of parameter `name` of `patient`.
    pub fn new(patient: &Patient, name: &str, lo: f64, hi: f64) -> Result<Axis, SteadyError> {
        let entry = patient
            .set()
            .entries
            .get(name)
            .ok_or_else(|| ParamError::unknown_parameter(name))?;
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(SteadyError::NotFinite(format!(
                "the range {lo}..{hi} of {name} (it must be finite and increasing)"
            )));
        }
        let canonical_unit = canonical_unit(name)?;
        let convert = |v: f64| {
            Unit::convert(v, canonical_unit, &entry.unit).map_err(|source| ParamError::Unit {
                name: name.to_string(),
                source,
            })
        };
        let offset = convert(0.0)?;
        let scale = convert(1.0)? - offset;
        let own = value_of(patient.params(), name);
        Ok(Axis {
            name: name.to_string(),
            unit: entry.unit.clone(),
            lo,
            hi,
            value: scale * own + offset,
            to_set: (scale, offset),
        })
    }

    /// `v` (set unit) in the canonical unit.
    pub fn to_canonical(&self, v: f64) -> f64 {
        (v - self.to_set.1) / self.to_set.0
    }

    /// `v` (canonical unit) in the set's unit.
    pub fn from_canonical(&self, v: f64) -> f64 {
        self.to_set.0 * v + self.to_set.1
    }

    /// The width of the range in the canonical unit (the continuation's parameter
    /// scale).
    fn span(&self) -> f64 {
        self.to_canonical(self.hi) - self.to_canonical(self.lo)
    }

    /// Whether the patient's own value lies within the range (needed to start the
    /// fold curves of a second parameter there).
    pub fn contains_own_value(&self) -> bool {
        self.lo <= self.value && self.value <= self.hi
    }
}

/// What differs between coexisting stable states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// A relaxed state and a sustained spasm (contraction differs by more than
    /// [`BISTABLE_THRESHOLD`]).
    Spasm,
    /// The same contraction, different pain: a low-pain and a high-pain state held
    /// by central sensitisation.
    Pain,
}

/// A parameter interval where two stable steady states coexist.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Region {
    /// Lower end, set unit.
    pub lo: f64,
    /// Upper end, set unit.
    pub hi: f64,
    /// What differs.
    pub kind: RegionKind,
    /// Largest difference in contraction between the coexisting stable states at the
    /// middle of the interval, fraction of MVC.
    pub delta_a: f64,
    /// Largest difference in pain there, NRS.
    pub delta_pain: f64,
}

/// A special point of a diagram in the set's unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Special {
    /// Index of the branch.
    pub branch: usize,
    /// "fold" or "hopf".
    pub kind: &'static str,
    /// Parameter value, set unit.
    pub value: f64,
    /// Contraction there, fraction of MVC.
    pub a: f64,
    /// Pain there, NRS.
    pub pain: f64,
    /// Angular frequency of a Hopf point, rad/s (0 for a fold).
    pub omega: f64,
    /// Whether its location converged.
    pub located: bool,
}

/// A one-parameter bifurcation diagram.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagram {
    /// The parameter and its range.
    pub axis: Axis,
    /// Branches (parameter values in the canonical unit, states without H).
    #[serde(skip)]
    pub branches: Vec<Branch>,
    /// Folds and Hopf points, set unit.
    pub special: Vec<Special>,
    /// Where two stable states coexist, set unit.
    pub regions: Vec<Region>,
    /// The embedded parameter sets' values of the parameter (set unit), for marking
    /// where the named patients sit.
    pub named: Vec<(String, f64)>,
    /// Starts that could not be continued, with the reason.
    pub failures: Vec<String>,
}

/// Index of a state in the held system's state vector (H removed).
pub fn held_index(full: usize) -> usize {
    if full > idx::H {
        full - 1
    } else {
        full
    }
}

/// Where the named parameter sets sit on parameter `name`: (set, value in the
/// parameter's canonical unit), in the order of [`embedded_names`].
pub fn named_values(name: &str) -> Vec<(String, f64)> {
    embedded_names()
        .into_iter()
        .filter_map(|set| {
            let params = ParamSet::embedded(set).ok()?.to_params().ok()?;
            let v = params.values().into_iter().find(|(n, _)| *n == name)?.1;
            Some((set.to_string(), v))
        })
        .collect()
}

/// The bifurcation diagram of `patient`'s loop (with `held` inputs) over `axis`.
///
/// ```
/// use spasm::analysis::bifurcation::{diagram, Axis, RegionKind};
/// use spasm::simulation::{Patient, SolverConfig};
///
/// // Over injury, the healthy set's loop has a spasm branch bounded by a fold.
/// let p = Patient::embedded("healthy")?;
/// let d = diagram(&p, &[], &Axis::new(&p, "h_initial", 0.0, 1.0)?, &SolverConfig::default())?;
/// let spasm = d.regions.iter().find(|r| r.kind == RegionKind::Spasm).unwrap();
/// assert!(spasm.lo > 0.2 && spasm.lo < 0.3 && spasm.hi > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagram(
    patient: &Patient,
    held: &[Held],
    axis: &Axis,
    cfg: &SolverConfig,
) -> Result<Diagram, SteadyError> {
    let sys = HeldLoop::new(patient, held, (&axis.name, axis.span()), None)?;
    let (lo, hi) = (axis.to_canonical(axis.lo), axis.to_canonical(axis.hi));
    let (found, failures) = branches(&sys, lo, hi, 0.0, cfg)?;
    let mut special = Vec::new();
    for (b, branch) in found.iter().enumerate() {
        for sp in &branch.special {
            let (kind, omega) = match sp.kind {
                SpecialKind::Fold => ("fold", 0.0),
                SpecialKind::Hopf { omega } => ("hopf", omega),
                SpecialKind::BranchPoint => ("branch_point", 0.0),
            };
            special.push(Special {
                branch: b,
                kind,
                value: axis.from_canonical(sp.p),
                a: sp.x[held_index(idx::A)],
                pain: sp.x[held_index(idx::P)],
                omega,
                located: sp.located,
            });
        }
    }
    special.sort_by(|a, b| a.value.total_cmp(&b.value));
    let refs: Vec<&Branch> = found.iter().collect();
    let regions = bistable_intervals(&refs)
        .into_iter()
        .map(|iv| {
            let (delta_a, delta_pain) = spread_at(&found, 0.5 * (iv.lo + iv.hi));
            Region {
                lo: axis.from_canonical(iv.lo),
                hi: axis.from_canonical(iv.hi),
                kind: if delta_a > BISTABLE_THRESHOLD {
                    RegionKind::Spasm
                } else {
                    RegionKind::Pain
                },
                delta_a,
                delta_pain,
            }
        })
        .collect();
    let named = named_values(&axis.name)
        .into_iter()
        .map(|(set, v)| (set, axis.from_canonical(v)))
        .collect();
    Ok(Diagram {
        axis: axis.clone(),
        branches: found,
        special,
        regions,
        named,
        failures,
    })
}

/// The largest differences in contraction and pain between the stable states of
/// `branches` at parameter `p` (canonical), interpolated between branch points.
fn spread_at(branches: &[Branch], p: f64) -> (f64, f64) {
    let (ia, ip) = (held_index(idx::A), held_index(idx::P));
    let mut states: Vec<(f64, f64)> = Vec::new();
    for b in branches {
        for w in b.points.windows(2) {
            let (u, v) = (&w[0], &w[1]);
            let crosses = (u.p - p) * (v.p - p) <= 0.0 && u.p != v.p;
            if crosses && u.stability == Stability::Stable && v.stability == Stability::Stable {
                let t = (p - u.p) / (v.p - u.p);
                let at = |i: usize| u.x[i] + t * (v.x[i] - u.x[i]);
                states.push((at(ia), at(ip)));
            }
        }
    }
    let spread = |f: fn(&(f64, f64)) -> f64| {
        let lo = states.iter().map(f).fold(f64::INFINITY, f64::min);
        let hi = states.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
        if states.len() < 2 {
            0.0
        } else {
            hi - lo
        }
    };
    (spread(|s| s.0), spread(|s| s.1))
}

/// Fold curves in two parameters.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FoldCurves {
    /// The first parameter (as in the one-parameter diagram).
    pub p: Axis,
    /// The second parameter.
    pub q: Axis,
    /// Each fold of the diagram continued in both directions of `q` (parameter
    /// values canonical).
    #[serde(skip)]
    pub curves: Vec<FoldCurve>,
    /// Cusps found, (p, q) in the set's units.
    pub cusps: Vec<(f64, f64)>,
    /// Bogdanov–Takens points found (a Hopf curve ends on the fold), (p, q) in the
    /// set's units.
    pub bogdanov_takens: Vec<(f64, f64)>,
    /// Folds that could not be continued, with the reason.
    pub failures: Vec<String>,
}

/// Continue every fold of `diagram` in `(diagram.axis, q)`, from the patient's own
/// value of `q` (which must lie in `q`'s range).
pub fn fold_curves(
    patient: &Patient,
    held: &[Held],
    diagram: &Diagram,
    q: &Axis,
) -> Result<FoldCurves, SteadyError> {
    let p = &diagram.axis;
    let sys = HeldLoop::new(
        patient,
        held,
        (&p.name, p.span()),
        Some((&q.name, q.span())),
    )?;
    let q0 = sys.q_value().unwrap_or(f64::NAN);
    let mut opts = Fold2Options::new(
        p.to_canonical(p.lo),
        p.to_canonical(p.hi),
        q.to_canonical(q.lo),
        q.to_canonical(q.hi),
    );
    opts.x_scale = Some(HeldLoop::x_scale());
    opts.p_scale = p.span();
    opts.q_scale = q.span();
    opts.newton = newton_options();
    opts.step.h_max = 0.05;
    opts.step.corrector_tol = 1e-9;
    let mut curves = Vec::new();
    let mut failures = Vec::new();
    for b in &diagram.branches {
        for sp in b.special.iter().filter(|s| s.kind == SpecialKind::Fold) {
            let x = DVector::from_column_slice(&sp.x);
            for up in [true, false] {
                opts.q_increasing = up;
                match continue_fold(&sys, &x, sp.p, q0, &opts) {
                    Ok(c) => curves.push(c),
                    Err(e) => failures.push(format!(
                        "fold at {} = {}: {e}",
                        p.name,
                        p.from_canonical(sp.p)
                    )),
                }
            }
        }
    }
    // The same point is met from both folds that end there: keep it once.
    let located = |kind: FoldCurveKind| -> Vec<(f64, f64)> {
        let mut found: Vec<(f64, f64)> = Vec::new();
        let special = curves
            .iter()
            .flat_map(|c| c.special.iter().filter(move |s| s.kind == kind));
        for c in special {
            let same = |&(a, b): &(f64, f64)| {
                ((a - c.p) / opts.p_scale).hypot((b - c.q) / opts.q_scale) < SAME_POINT
            };
            if !found.iter().any(same) {
                found.push((c.p, c.q));
            }
        }
        found
            .into_iter()
            .map(|(a, b)| (p.from_canonical(a), q.from_canonical(b)))
            .collect()
    };
    let cusps = located(FoldCurveKind::Cusp);
    let bogdanov_takens = located(FoldCurveKind::BogdanovTakens);
    Ok(FoldCurves {
        p: p.clone(),
        q: q.clone(),
        curves,
        cusps,
        bogdanov_takens,
        failures,
    })
}
