//! Uncertain factors, the problem they form, and the map from the unit hypercube to
//! factor values.

use serde::{Deserialize, Serialize};

use super::{GsaError, Result};

/// One uncertain input of the model, uniform on `[lo, hi]` in its own units, or
/// log-uniform (uniform in `ln x`) when `log` is true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Name (unique within a [`Problem`]).
    pub name: String,
    /// Lower bound, in the factor's units.
    pub lo: f64,
    /// Upper bound, in the factor's units (`hi > lo`).
    pub hi: f64,
    /// Sample uniformly in `ln x` (requires `lo > 0`).
    #[serde(default)]
    pub log: bool,
}

impl Factor {
    /// A factor uniform on `[lo, hi]`.
    pub fn uniform(name: impl Into<String>, lo: f64, hi: f64) -> Self {
        Self {
            name: name.into(),
            lo,
            hi,
            log: false,
        }
    }

    /// A factor log-uniform on `[lo, hi]` (`0 < lo < hi`).
    pub fn log_uniform(name: impl Into<String>, lo: f64, hi: f64) -> Self {
        Self {
            name: name.into(),
            lo,
            hi,
            log: true,
        }
    }

    /// Checks that the bounds are finite, `lo < hi`, and `lo > 0` if `log`.
    pub fn validate(&self) -> Result<()> {
        let bad = |reason: &str| {
            Err(GsaError::InvalidFactor {
                name: self.name.clone(),
                reason: reason.to_string(),
            })
        };
        if !self.lo.is_finite() || !self.hi.is_finite() {
            return bad("bounds must be finite");
        }
        if self.lo >= self.hi {
            return bad("lo must be < hi");
        }
        if self.log && self.lo <= 0.0 {
            return bad("a log-scale factor needs lo > 0");
        }
        Ok(())
    }

    /// The factor value at the fraction `u ∈ [0, 1]` of its range: `lo + u (hi − lo)`,
    /// or `exp(ln lo + u (ln hi − ln lo))` on a log scale; clamped to `[lo, hi]`, and
    /// exactly `lo` / `hi` at `u = 0` / `u = 1`.
    pub fn from_unit(&self, u: f64) -> f64 {
        if u <= 0.0 {
            return self.lo;
        }
        if u >= 1.0 {
            return self.hi;
        }
        let x = if self.log {
            let (a, b) = (self.lo.ln(), self.hi.ln());
            (a + u * (b - a)).exp()
        } else {
            // Same operations as SALib's `scale_samples`: u * (hi - lo) + lo.
            u * (self.hi - self.lo) + self.lo
        };
        x.clamp(self.lo, self.hi)
    }

    /// Inverse of [`Factor::from_unit`]: the fraction of the (log-)range at which `x` lies.
    pub fn to_unit(&self, x: f64) -> f64 {
        if self.log {
            let (a, b) = (self.lo.ln(), self.hi.ln());
            (x.ln() - a) / (b - a)
        } else {
            (x - self.lo) / (self.hi - self.lo)
        }
    }
}

/// A validated, non-empty list of factors with unique names. Serialises as the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Factor>", into = "Vec<Factor>")]
pub struct Problem {
    factors: Vec<Factor>,
}

impl Problem {
    /// Validates the factors (see [`Factor::validate`]), non-emptiness and unique names.
    pub fn new(factors: Vec<Factor>) -> Result<Self> {
        if factors.is_empty() {
            return Err(GsaError::NoFactors);
        }
        for (i, f) in factors.iter().enumerate() {
            f.validate()?;
            if factors[..i].iter().any(|g| g.name == f.name) {
                return Err(GsaError::DuplicateName(f.name.clone()));
            }
        }
        Ok(Self { factors })
    }

    /// The factors, in column order.
    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    /// Number of factors `k` (≥ 1).
    pub fn len(&self) -> usize {
        self.factors.len()
    }

    /// Always false: a problem has at least one factor.
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }

    /// Factor names, in column order.
    pub fn names(&self) -> Vec<String> {
        self.factors.iter().map(|f| f.name.clone()).collect()
    }

    /// Maps every row of unit-hypercube points to factor values ([`Factor::from_unit`]
    /// column by column). Errors if `unit` does not have one column per factor.
    pub fn map_unit(&self, unit: &Points) -> Result<Points> {
        let k = self.len();
        if unit.ncols() != k {
            return Err(GsaError::InvalidOption(format!(
                "{} columns of unit points for {k} factors",
                unit.ncols()
            )));
        }
        let data = unit
            .as_slice()
            .iter()
            .enumerate()
            .map(|(i, &u)| self.factors[i % k].from_unit(u))
            .collect();
        Ok(Points { ncols: k, data })
    }
}

impl TryFrom<Vec<Factor>> for Problem {
    type Error = GsaError;
    fn try_from(factors: Vec<Factor>) -> Result<Self> {
        Self::new(factors)
    }
}

impl From<Problem> for Vec<Factor> {
    fn from(p: Problem) -> Self {
        p.factors
    }
}

/// A row-major matrix of points: one row per model run, one column per factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Points {
    ncols: usize,
    data: Vec<f64>,
}

impl Points {
    /// Builds from row-major data; `None` if `ncols == 0` or the length is not a
    /// multiple of `ncols`.
    pub fn from_row_major(ncols: usize, data: Vec<f64>) -> Option<Self> {
        (ncols > 0 && data.len() % ncols == 0).then_some(Self { ncols, data })
    }

    /// Number of rows (model runs).
    pub fn nrows(&self) -> usize {
        self.data.len().checked_div(self.ncols).unwrap_or(0)
    }

    /// Number of columns (factors).
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// Row `i`; panics if `i >= nrows()`, like slice indexing.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.ncols..(i + 1) * self.ncols]
    }

    /// Iterator over the rows, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f64]> + '_ {
        self.data.chunks_exact(self.ncols.max(1))
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(Problem::new(vec![]).is_err());
        assert!(Factor::uniform("a", 1.0, 1.0).validate().is_err());
        assert!(Factor::uniform("a", f64::NAN, 1.0).validate().is_err());
        assert!(Factor::log_uniform("a", 0.0, 1.0).validate().is_err());
        assert!(Factor::log_uniform("a", 0.1, 1.0).validate().is_ok());
        let dup = Problem::new(vec![
            Factor::uniform("a", 0.0, 1.0),
            Factor::uniform("a", 0.0, 2.0),
        ]);
        assert_eq!(dup, Err(GsaError::DuplicateName("a".into())));
    }

    #[test]
    fn unit_map_round_trips() {
        let f = Factor::log_uniform("k", 1e-3, 1e3);
        assert_eq!(f.from_unit(0.0), 1e-3);
        assert_eq!(f.from_unit(1.0), 1e3);
        assert!((f.from_unit(0.5) - 1.0).abs() < 1e-12);
        assert!((f.to_unit(f.from_unit(0.3)) - 0.3).abs() < 1e-12);
        let g = Factor::uniform("g", -2.0, 6.0);
        assert_eq!(g.from_unit(0.25), 0.0);
        assert_eq!(g.to_unit(6.0), 1.0);
    }

    #[test]
    fn problem_serde_rejects_invalid() {
        let p = Problem::new(vec![Factor::log_uniform("k", 0.5, 2.0)]).unwrap();
        let s = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Problem>(&s).unwrap(), p);
        let bad = r#"[{"name":"k","lo":2.0,"hi":1.0}]"#;
        assert!(serde_json::from_str::<Problem>(bad).is_err());
    }

    #[test]
    fn points_shape() {
        assert!(Points::from_row_major(0, vec![]).is_none());
        assert!(Points::from_row_major(2, vec![1.0; 3]).is_none());
        let p = Points::from_row_major(2, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(p.nrows(), 2);
        assert_eq!(p.row(1), &[3.0, 4.0]);
        assert_eq!(p.rows().count(), 2);
        let prob = Problem::new(vec![Factor::uniform("a", 0.0, 10.0)]).unwrap();
        assert!(prob.map_unit(&p).is_err());
        let u = Points::from_row_major(1, vec![0.0, 0.5]).unwrap();
        assert_eq!(prob.map_unit(&u).unwrap().as_slice(), &[0.0, 5.0]);
    }
}
