//! The cohort's parameter distributions (`models/cohort.toml`), resolved against a
//! scenario's patient, and the reproducible draws of each patient.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Deserialize;

use crate::analysis::compare::CompareError;
use crate::model::params::{ParamSet, Params};
use crate::scenario::Scenario;
use crate::units::Unit;

/// The embedded distribution file `models/cohort.toml`.
pub const COHORT_TOML: &str = include_str!("../../../models/cohort.toml");

/// Redraws of a truncated distribution before the value is clamped.
const MAX_REDRAWS: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    name: String,
    description: String,
    parameters: BTreeMap<String, EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    distribution: String,
    cv: Option<f64>,
    sd: Option<f64>,
    unit: String,
    range: Option<[f64; 2]>,
    source: String,
}

/// The shape of one parameter's distribution.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "distribution", rename_all = "snake_case")]
pub enum Shape {
    /// Lognormal with median = the patient's value and this coefficient of variation.
    Lognormal {
        /// Coefficient of variation, 1.
        cv: f64,
    },
    /// Normal with mean = the patient's value and this SD (in the entry's unit).
    Normal {
        /// Standard deviation in the entry's unit.
        sd: f64,
    },
}

/// One varied parameter as declared in the distribution file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamDistribution {
    /// Parameter name (a field of [`Params`]).
    pub name: String,
    /// Distribution and spread.
    pub shape: Shape,
    /// Unit of the parameter as the file writes it (and of `sd` and `range`).
    pub unit: String,
    /// Truncation range in `unit`, if the file gives one (else the documented range).
    pub range: Option<[f64; 2]>,
    /// Where the spread comes from.
    pub source: String,
}

/// A parsed distribution file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortSpec {
    /// Name of the file's cohort.
    pub name: String,
    /// What it describes.
    pub description: String,
    /// Varied parameters, alphabetical (the order of the draws).
    pub parameters: Vec<ParamDistribution>,
}

fn spec_err(file: &str, message: impl Into<String>) -> CompareError {
    CompareError::CohortSpec {
        file: file.to_string(),
        message: message.into(),
    }
}

impl CohortSpec {
    /// The embedded `models/cohort.toml`.
    pub fn embedded() -> Result<CohortSpec, CompareError> {
        Self::parse(COHORT_TOML, "models/cohort.toml")
    }

    /// Parse a distribution file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<CohortSpec, CompareError> {
        let f: SpecFile = toml::from_str(text).map_err(|e| spec_err(file, e.to_string()))?;
        let mut parameters = Vec::new();
        for (name, e) in f.parameters {
            let at = |m: String| spec_err(file, format!("parameter '{name}': {m}"));
            let canonical = Params::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, u)| *u)
                .ok_or_else(|| at("no such model parameter (see docs/model.md §7)".into()))?;
            Unit::convert(1.0, &e.unit, canonical)
                .map_err(|u| at(format!("unit '{}' does not fit: {u}", e.unit)))?;
            let positive = |x: Option<f64>, what: &str| match x {
                Some(v) if v.is_finite() && v > 0.0 => Ok(v),
                Some(v) => Err(at(format!("{what} must be a positive number (got {v})"))),
                None => Err(at(format!(
                    "a {} distribution needs `{what}`",
                    e.distribution
                ))),
            };
            let shape = match e.distribution.as_str() {
                "lognormal" => {
                    if e.sd.is_some() {
                        return Err(at("a lognormal distribution takes `cv`, not `sd`".into()));
                    }
                    Shape::Lognormal {
                        cv: positive(e.cv, "cv")?,
                    }
                }
                "normal" => {
                    if e.cv.is_some() {
                        return Err(at("a normal distribution takes `sd`, not `cv`".into()));
                    }
                    Shape::Normal {
                        sd: positive(e.sd, "sd")?,
                    }
                }
                other => {
                    return Err(at(format!(
                        "unknown distribution '{other}' (allowed: lognormal, normal)"
                    )))
                }
            };
            if let Some([lo, hi]) = e.range {
                if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                    return Err(at(format!(
                        "range [{lo}, {hi}] must be finite with lo < hi"
                    )));
                }
            }
            if e.source.trim().is_empty() {
                return Err(at("needs a source (or \"assumed\" with a reason)".into()));
            }
            parameters.push(ParamDistribution {
                name,
                shape,
                unit: e.unit,
                range: e.range,
                source: e.source,
            });
        }
        Ok(CohortSpec {
            name: f.name,
            description: f.description,
            parameters,
        })
    }

    /// Resolve against a patient: the centre (the patient's value) and truncation
    /// bounds of every parameter, in canonical units.
    pub fn resolve(&self, scenario: &Scenario) -> Result<Vec<Resolved>, CompareError> {
        let set = ParamSet::embedded(&scenario.set_name).map_err(|e| {
            spec_err(
                "models/cohort.toml",
                format!("cannot read the patient's set: {e}"),
            )
        })?;
        let mut p = scenario.patient.params().clone();
        self.parameters
            .iter()
            .map(|d| {
                let at = |m: String| spec_err("models/cohort.toml", format!("'{}': {m}", d.name));
                let canonical = Params::NAMES
                    .iter()
                    .find(|(n, _)| *n == d.name)
                    .map_or("1", |(_, u)| *u);
                let to_canon = |x: f64, unit: &str| {
                    Unit::convert(x, unit, canonical).map_err(|e| at(e.to_string()))
                };
                let info = set
                    .entries
                    .get(&d.name)
                    .ok_or_else(|| at(format!("not in the set '{}'", set.name)))?;
                if Unit::convert(1.0, &d.unit, &info.unit).is_err() {
                    return Err(at(format!(
                        "unit '{}' does not fit the set's unit '{}'",
                        d.unit, info.unit
                    )));
                }
                let (lo, hi) = match d.range {
                    Some([lo, hi]) => (to_canon(lo, &d.unit)?, to_canon(hi, &d.unit)?),
                    None => (
                        to_canon(info.range[0], &info.unit)?,
                        to_canon(info.range[1], &info.unit)?,
                    ),
                };
                let centre = *p
                    .get_mut(&d.name)
                    .ok_or_else(|| at("is not a model parameter".into()))?;
                let shape = match d.shape {
                    Shape::Lognormal { cv } => Draw::Lognormal {
                        sigma: (1.0 + cv * cv).ln().sqrt(),
                    },
                    Shape::Normal { sd } => Draw::Normal {
                        // A spread converts without the offset of affine units.
                        sd: to_canon(sd, &d.unit)? - to_canon(0.0, &d.unit)?,
                    },
                };
                Ok(Resolved {
                    name: d.name.clone(),
                    centre,
                    lo: lo.min(centre),
                    hi: hi.max(centre),
                    draw: shape,
                    unit: info.unit.clone(),
                    to_unit: to_canon(1.0, &info.unit)? - to_canon(0.0, &info.unit)?,
                    offset: to_canon(0.0, &info.unit)?,
                })
            })
            .collect()
    }
}

/// How a resolved parameter is drawn (canonical units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Draw {
    /// centre · exp(sigma · z).
    Lognormal {
        /// Log-scale SD.
        sigma: f64,
    },
    /// centre + sd · z.
    Normal {
        /// SD, canonical unit.
        sd: f64,
    },
}

/// A varied parameter resolved against a patient, canonical units.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// Parameter name.
    pub name: String,
    /// The patient's value (median or mean), canonical unit.
    pub centre: f64,
    /// Lower truncation bound, canonical unit.
    pub lo: f64,
    /// Upper truncation bound, canonical unit.
    pub hi: f64,
    /// Distribution.
    pub draw: Draw,
    /// The set's unit for reports.
    pub unit: String,
    /// Canonical units per set unit (scale), for reports.
    pub to_unit: f64,
    /// Canonical value of 0 in the set's unit (offset of affine units).
    pub offset: f64,
}

impl Resolved {
    /// A canonical value in the set's unit.
    pub fn in_unit(&self, x: f64) -> f64 {
        (x - self.offset) / self.to_unit
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let mut v = self.centre;
        for _ in 0..MAX_REDRAWS {
            let z: f64 = StandardNormal.sample(rng);
            v = match self.draw {
                Draw::Lognormal { sigma } => self.centre * (sigma * z).exp(),
                Draw::Normal { sd } => self.centre + sd * z,
            };
            if (self.lo..=self.hi).contains(&v) {
                return v;
            }
        }
        v.clamp(self.lo, self.hi)
    }
}

/// Draw patient `index`'s parameters: values in canonical units, in the order of
/// `resolved`. Depends only on `seed`, `index` and `resolved`.
pub fn draw_patient(resolved: &[Resolved], seed: u64, index: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    resolved.iter().map(|r| r.sample(&mut rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::cohort::quantile_sorted;

    #[test]
    fn parameter_fields_are_distinct_and_cover_the_cohort_file() {
        let mut p = ParamSet::embedded("healthy").unwrap().to_params().unwrap();
        let mut seen = std::collections::HashSet::new();
        for (name, _) in Params::NAMES {
            let f = p.get_mut(name).expect("every parameter is reachable");
            assert!(seen.insert(f as *mut f64 as usize), "{name} aliases");
        }
        for d in CohortSpec::embedded().unwrap().parameters {
            assert!(p.get_mut(&d.name).is_some(), "{}", d.name);
        }
        assert!(p.get_mut("nope").is_none());
    }

    #[test]
    fn embedded_spec_is_valid_and_documented() {
        let s = CohortSpec::embedded().unwrap();
        assert!(s.parameters.len() >= 10);
        for d in &s.parameters {
            assert!(!d.source.trim().is_empty());
        }
        let sc = crate::analysis::compare::benchmark();
        let r = s.resolve(&sc).unwrap();
        for x in &r {
            assert!(x.lo <= x.centre && x.centre <= x.hi, "{}", x.name);
        }
    }

    #[test]
    fn spec_errors_are_clear() {
        let bad = |t: &str| CohortSpec::parse(t, "x.toml").unwrap_err().to_string();
        let head = "name = \"c\"\ndescription = \"d\"\n[parameters]\n";
        assert!(bad(&format!(
            "{head}tau_hael = {{ distribution = \"lognormal\", cv = 0.2, unit = \"d\", source = \"s\" }}"
        ))
        .contains("no such model parameter"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"gamma\", cv = 0.2, unit = \"d\", source = \"s\" }}"
        ))
        .contains("unknown distribution"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"lognormal\", cv = -1, unit = \"d\", source = \"s\" }}"
        ))
        .contains("positive"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"lognormal\", cv = 0.2, unit = \"mg\", source = \"s\" }}"
        ))
        .contains("does not fit"));
        assert!(bad(&format!(
            "{head}tau_heal = {{ distribution = \"lognormal\", cv = 0.2, unit = \"d\", source = \" \" }}"
        ))
        .contains("source"));
    }

    #[test]
    fn draws_are_reproducible_truncated_and_centred() {
        let sc = crate::analysis::compare::benchmark();
        let r = CohortSpec::embedded().unwrap().resolve(&sc).unwrap();
        assert_eq!(draw_patient(&r, 7, 3), draw_patient(&r, 7, 3));
        assert_ne!(draw_patient(&r, 7, 3), draw_patient(&r, 7, 4));
        assert_ne!(draw_patient(&r, 7, 3), draw_patient(&r, 8, 3));
        let n = 4000;
        let all: Vec<Vec<f64>> = (0..n).map(|i| draw_patient(&r, 1, i)).collect();
        for (j, x) in r.iter().enumerate() {
            let mut v: Vec<f64> = all.iter().map(|d| d[j]).collect();
            assert!(v.iter().all(|y| (x.lo..=x.hi).contains(y)), "{}", x.name);
            v.sort_by(f64::total_cmp);
            let med = quantile_sorted(&v, 0.5);
            // Truncation shifts the median a little; within 12 % of the centre.
            assert!(
                (med / x.centre - 1.0).abs() < 0.12,
                "{}: median {med} vs {}",
                x.name,
                x.centre
            );
        }
    }
}
