//! Morris elementary effects (Morris 1991) with the μ* measure of Campolongo et al.
//! (2007), laid out and estimated exactly as SALib's `morris.sample` (plain, without
//! optimal-trajectory selection or groups) and `morris.analyze` (unscaled).
//!
//! **Design.** With `p` levels (even) the unit interval is cut into the grid
//! `{0, 1/(p−1), …, 1}` and the step is `Δ = p / (2(p − 1))` (2/3 for `p = 4`). A
//! trajectory draws, independently per factor, a base level `x*` from the lower half
//! `{0, …, (p/2 − 1)/(p − 1)}` and a direction (up or down, probability ½ each),
//! plus a random order of the factors. Its first row has every factor at `x*` (up) or
//! `x* + Δ` (down); each of the next `k` rows moves one more factor, in that order,
//! by `±Δ`. So a trajectory is `k + 1` rows, and the design `r (k + 1)` rows,
//! trajectory after trajectory: exactly SALib's layout, so SALib's
//! `morris.analyze(problem, X, Y, num_levels = p)` can analyse our `X`, `Y`.
//! Trajectory `t` is drawn from ChaCha8 stream `t` of the seed, so a design with more
//! trajectories extends (does not change) one with fewer.
//!
//! **Estimators.** For factor `i` in trajectory `t`, the elementary effect is
//! `EE_i = (y(upper point) − y(lower point)) / Δ`, the change of the output per unit
//! change of the factor's *normalised* value (so in units of the output `y`), with
//! the step always oriented upwards. Over the `r` valid trajectories:
//! `μ_i = mean(EE_i)`, `μ*_i = mean(|EE_i|)`, `σ_i = sd(EE_i)` (ddof = 1), and
//! `mu_star_conf_i = z · sd_b(μ*_i,b)` over bootstrap resamples `b` of the `r`
//! effects of factor `i` (see [`super::bootstrap`]).
//!
//! **Failed runs.** A trajectory containing any non-finite output is dropped whole;
//! at least 2 valid trajectories are needed.

use rand::seq::SliceRandom;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::bootstrap::{mean, resample, std_ddof1, stream_rng, Bootstrap, BOOTSTRAP_STREAM};
use super::factor::{Points, Problem};
use super::{GsaError, Result};

/// The default number of grid levels `p`.
pub const DEFAULT_LEVELS: usize = 4;

/// The step `Δ = p / (2(p − 1))` on the unit interval for `p` levels (computed with
/// the same operations as SALib).
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// A Morris trajectory design: `trajectories · (k + 1)` rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MorrisDesign {
    /// The factors.
    pub problem: Problem,
    /// Number of trajectories `r`.
    pub trajectories: usize,
    /// Number of grid levels `p` (even, ≥ 2).
    pub levels: usize,
    /// Seed of the design (and of the bootstrap of its analysis).
    pub seed: u64,
    /// The points on the unit hypercube, one row per run (values `l / (p − 1)`).
    pub unit: Points,
    /// The factor values of each run (`unit` mapped by [`Factor::from_unit`](super::Factor::from_unit)),
    /// in the factors' units.
    pub x: Points,
}

impl MorrisDesign {
    /// Number of rows (model runs), `r (k + 1)`.
    pub fn nrows(&self) -> usize {
        self.trajectories.saturating_mul(self.problem.len() + 1)
    }

    /// The step `Δ` on the unit interval.
    pub fn delta(&self) -> f64 {
        delta(self.levels)
    }
}

/// Builds a Morris design of `trajectories` trajectories on a grid of `levels` levels
/// (use [`DEFAULT_LEVELS`] = 4 unless there is a reason not to).
///
/// Errors if `levels` is odd or < 2, or `trajectories < 2`.
pub fn design(
    problem: &Problem,
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign> {
    if levels < 2 || levels % 2 != 0 {
        return Err(GsaError::InvalidOption(format!(
            "Morris levels must be even and >= 2, got {levels}"
        )));
    }
    if trajectories < 2 {
        return Err(GsaError::InvalidOption(format!(
            "Morris needs at least 2 trajectories, got {trajectories}"
        )));
    }
    let k = problem.len();
    let half = levels / 2; // Δ in level units
    let top = (levels - 1) as f64;
    let mut unit = Vec::with_capacity(trajectories * (k + 1) * k);
    let mut base = vec![0usize; k];
    let mut up = vec![false; k];
    let mut order: Vec<usize> = (0..k).collect();
    for t in 0..trajectories {
        let mut rng = stream_rng(seed, t as u64);
        for b in &mut base {
            *b = rng.random_range(0..half);
        }
        for u in &mut up {
            *u = rng.random();
        }
        order.sort_unstable();
        order.shuffle(&mut rng);
        // Level of each factor in the first row: x* if it will move up, x* + Δ if down.
        let mut level: Vec<usize> = (0..k)
            .map(|i| if up[i] { base[i] } else { base[i] + half })
            .collect();
        unit.extend(level.iter().map(|&l| l as f64 / top));
        for &i in &order {
            level[i] = if up[i] { base[i] + half } else { base[i] };
            unit.extend(level.iter().map(|&l| l as f64 / top));
        }
    }
    let unit = Points::from_row_major(k, unit)
        .ok_or_else(|| GsaError::InvalidDesign("empty problem".into()))?;
    let x = problem.map_unit(&unit)?;
    Ok(MorrisDesign {
        problem: problem.clone(),
        trajectories,
        levels,
        seed,
        unit,
        x,
    })
}

/// Elementary effects of the valid trajectories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementaryEffects {
    /// `effects[i][t]`: effect of factor `i` in the `t`-th valid trajectory, in units
    /// of the output per unit of normalised factor.
    pub effects: Vec<Vec<f64>>,
    /// Number of trajectories dropped for a non-finite output.
    pub dropped: usize,
}

/// For each step of trajectory rows, the factor that moved and whether it moved up;
/// errors if the design is not a valid trajectory design.
fn steps(design: &MorrisDesign) -> Result<Vec<(usize, bool)>> {
    let k = design.problem.len();
    let r = design.trajectories;
    if design.unit.ncols() != k
        || design.unit.as_slice().len() != design.nrows().saturating_mul(k)
        || design.levels < 2
        || design.levels % 2 != 0
    {
        return Err(GsaError::InvalidDesign(
            "the unit points do not have r (k + 1) rows of k columns, or the levels are invalid"
                .into(),
        ));
    }
    let mut out = Vec::with_capacity(r * k);
    for t in 0..r {
        let mut moved = vec![false; k];
        for s in 0..k {
            let a = design.unit.row(t * (k + 1) + s);
            let b = design.unit.row(t * (k + 1) + s + 1);
            let mut changed = (0..k).filter(|&i| a[i] != b[i]);
            match (changed.next(), changed.next()) {
                (Some(i), None) if !moved[i] => {
                    moved[i] = true;
                    out.push((i, b[i] > a[i]));
                }
                _ => {
                    return Err(GsaError::InvalidDesign(format!(
                        "step {s} of trajectory {t} does not move exactly one new factor"
                    )))
                }
            }
        }
    }
    Ok(out)
}

/// Computes the elementary effects, dropping trajectories with a non-finite output.
///
/// `y[i]` is the output of design row `i`. Errors if `y.len() != design.nrows()` or
/// the design is inconsistent.
pub fn elementary_effects(design: &MorrisDesign, y: &[f64]) -> Result<ElementaryEffects> {
    let k = design.problem.len();
    let steps = steps(design)?;
    if y.len() != design.nrows() {
        return Err(GsaError::OutputLength {
            expected: design.nrows(),
            got: y.len(),
        });
    }
    let d = design.delta();
    let mut effects = vec![Vec::with_capacity(design.trajectories); k];
    let mut dropped = 0;
    for (yt, st) in y.chunks_exact(k + 1).zip(steps.chunks_exact(k)) {
        if yt.iter().any(|v| !v.is_finite()) {
            dropped += 1;
            continue;
        }
        for (s, &(i, up)) in st.iter().enumerate() {
            let (hi, lo) = if up {
                (yt[s + 1], yt[s])
            } else {
                (yt[s], yt[s + 1])
            };
            effects[i].push((hi - lo) / d);
        }
    }
    Ok(ElementaryEffects { effects, dropped })
}

/// Morris sensitivity measures, one entry per factor (in problem order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MorrisIndices {
    /// Factor names.
    pub names: Vec<String>,
    /// Mean elementary effect μ (units of the output).
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect μ* (units of the output).
    pub mu_star: Vec<f64>,
    /// Standard deviation σ of the elementary effects (ddof = 1; units of the output).
    pub sigma: Vec<f64>,
    /// Bootstrap half-width of the confidence interval of μ* (units of the output).
    pub mu_star_conf: Vec<f64>,
    /// Number of trajectories used.
    pub trajectories_used: usize,
    /// Number of trajectories dropped for a non-finite output.
    pub trajectories_dropped: usize,
}

/// Analyses the outputs `y` (one per design row, `NaN` for a failed run) of a Morris
/// design. The bootstrap uses ChaCha8 stream [`BOOTSTRAP_STREAM`] of the design's seed.
///
/// Errors on a wrong output length, invalid bootstrap options, an inconsistent design,
/// or fewer than 2 valid trajectories.
pub fn analyze(design: &MorrisDesign, y: &[f64], bootstrap: &Bootstrap) -> Result<MorrisIndices> {
    bootstrap.validate()?;
    let ee = elementary_effects(design, y)?;
    let used = design.trajectories - ee.dropped;
    if used < 2 {
        return Err(GsaError::TooFewValid {
            valid: used,
            needed: 2,
            unit: "trajectories",
        });
    }
    let z = bootstrap.z();
    let mut rng = stream_rng(design.seed, BOOTSTRAP_STREAM);
    let mut idx = vec![0usize; used];
    let mut boot = vec![0.0; bootstrap.resamples];
    let mut out = MorrisIndices {
        names: design.problem.names(),
        mu: Vec::new(),
        mu_star: Vec::new(),
        sigma: Vec::new(),
        mu_star_conf: Vec::new(),
        trajectories_used: used,
        trajectories_dropped: ee.dropped,
    };
    for e in &ee.effects {
        let abs: Vec<f64> = e.iter().map(|v| v.abs()).collect();
        out.mu.push(mean(e));
        out.mu_star.push(mean(&abs));
        out.sigma.push(std_ddof1(e));
        for b in &mut boot {
            resample(&mut rng, used, &mut idx);
            *b = idx.iter().map(|&j| abs[j]).sum::<f64>() / used as f64;
        }
        out.mu_star_conf.push(z * std_ddof1(&boot));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::Factor;
    use super::*;

    fn problem() -> Problem {
        Problem::new(vec![
            Factor::uniform("a", 0.0, 1.0),
            Factor::uniform("b", -1.0, 3.0),
            Factor::log_uniform("c", 0.1, 10.0),
        ])
        .unwrap()
    }

    #[test]
    fn options_are_checked() {
        let p = problem();
        assert!(design(&p, 10, 3, 0).is_err());
        assert!(design(&p, 10, 0, 0).is_err());
        assert!(design(&p, 1, 4, 0).is_err());
        assert!(design(&p, 2, 2, 0).is_ok());
    }

    #[test]
    fn delta_values() {
        assert_eq!(delta(4), 2.0 / 3.0);
        assert_eq!(delta(2), 1.0);
        assert!((delta(6) - 0.6).abs() < 1e-15);
    }

    #[test]
    fn linear_model_effects_are_exact() {
        // y = 2 a + 3 b + ln c: EE = slope × range (in normalised units), σ = 0.
        let p = problem();
        let d = design(&p, 20, 4, 1).unwrap();
        let y: Vec<f64> =
            d.x.rows()
                .map(|r| 2.0 * r[0] + 3.0 * r[1] + r[2].ln())
                .collect();
        let s = analyze(&d, &y, &Bootstrap::default()).unwrap();
        let want = [2.0, 12.0, (100.0f64).ln()];
        for (i, w) in want.iter().enumerate() {
            assert!((s.mu[i] - w).abs() < 1e-9, "{i}: {}", s.mu[i]);
            assert!((s.mu_star[i] - w).abs() < 1e-9);
            assert!(s.sigma[i] < 1e-9);
            assert!(s.mu_star_conf[i] < 1e-9);
        }
    }

    #[test]
    fn edited_design_is_rejected() {
        let p = problem();
        let mut d = design(&p, 3, 4, 1).unwrap();
        d.trajectories = 4;
        let y = vec![0.0; d.nrows()];
        assert!(matches!(
            analyze(&d, &y, &Bootstrap::default()),
            Err(GsaError::InvalidDesign(_))
        ));
    }
}
