//! Bootstrap options, the normal quantile, and the seeded random streams.
//!
//! Confidence intervals follow SALib: the statistic is recomputed on `resamples`
//! bootstrap resamples (drawn with replacement), and the reported half-width is
//! `conf = z · sd`, where `sd` is the sample standard deviation (ddof = 1) of the
//! resampled statistic and `z = Φ⁻¹(0.5 + conf_level / 2)` (1.95996… for 95 %). The
//! interval is `estimate ± conf`.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{GsaError, Result};

/// ChaCha8 stream used for bootstrap resampling, for both methods. Design streams are
/// small numbers (Morris: stream `t` for trajectory `t`; Sobol': stream 0 for the
/// scramble seed), so they never collide with this one.
pub const BOOTSTRAP_STREAM: u64 = 1 << 63;

/// Bootstrap settings of an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bootstrap {
    /// Number of bootstrap resamples (≥ 2). SALib's default is 100; ours is 1000,
    /// which makes the half-width itself precise to about 2 %.
    pub resamples: usize,
    /// Confidence level of the interval, in (0, 1); 0.95 by default.
    pub conf_level: f64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Self {
            resamples: 1000,
            conf_level: 0.95,
        }
    }
}

impl Bootstrap {
    /// Checks `resamples >= 2` and `0 < conf_level < 1`.
    pub fn validate(&self) -> Result<()> {
        if self.resamples < 2 {
            return Err(GsaError::InvalidOption(format!(
                "bootstrap resamples must be >= 2, got {}",
                self.resamples
            )));
        }
        if !(self.conf_level > 0.0 && self.conf_level < 1.0) {
            return Err(GsaError::InvalidOption(format!(
                "confidence level must be in (0, 1), got {}",
                self.conf_level
            )));
        }
        Ok(())
    }

    /// The multiplier `z = Φ⁻¹(0.5 + conf_level / 2)` of the half-width.
    pub fn z(&self) -> f64 {
        normal_quantile(0.5 + self.conf_level / 2.0)
    }
}

/// Quantile function Φ⁻¹(p) of the standard normal distribution (Wichura's algorithm
/// AS 241, PPND16, relative accuracy about 1e-16). Returns `-inf`/`+inf` at 0/1 and
/// NaN outside [0, 1].
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
pub fn normal_quantile(p: f64) -> f64 {
    // Coefficients exactly as published (Wichura 1988, Appl. Statist. 37, 477-484).
    const A: [f64; 8] = [
        3.3871328727963666080e0,
        1.3314166789178437745e+2,
        1.9715909503065514427e+3,
        1.3731693765509461125e+4,
        4.5921953931549871457e+4,
        6.7265770927008700853e+4,
        3.3430575583588128105e+4,
        2.5090809287301226727e+3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.2313330701600911252e+1,
        6.8718700749205790830e+2,
        5.3941960214247511077e+3,
        2.1213794301586595867e+4,
        3.9307895800092710610e+4,
        2.8729085735721942674e+4,
        5.2264952788528545610e+3,
    ];
    const C: [f64; 8] = [
        1.42343711074968357734e0,
        4.63033784615654529590e0,
        5.76949722146069140550e0,
        3.64784832476320460504e0,
        1.27045825245236838258e0,
        2.41780725177450611770e-1,
        2.27238449892691845833e-2,
        7.74545014278341407640e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.05319162663775882187e0,
        1.67638483018380384940e0,
        6.89767334985100004550e-1,
        1.48103976427480074590e-1,
        1.51986665636164571966e-2,
        5.47593808499534494600e-4,
        1.05075007164441684324e-9,
    ];
    const E: [f64; 8] = [
        6.65790464350110377720e0,
        5.46378491116411436990e0,
        1.78482653991729133580e0,
        2.96560571828504891230e-1,
        2.65321895265761230930e-2,
        1.24266094738807843860e-3,
        2.71155556874348757815e-5,
        2.01033439929228813265e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.99832206555887937690e-1,
        1.36929880922735805310e-1,
        1.48753612908506148525e-2,
        7.86869131145613259100e-4,
        1.84631831751005468180e-5,
        1.42151175831644588870e-7,
        2.04426310338993978564e-15,
    ];
    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
    }
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let v = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 {
        -v
    } else {
        v
    }
}

/// The ChaCha8 generator for `seed` on `stream`.
pub(crate) fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Fills `out` with indices drawn uniformly with replacement from `0..n` (`n >= 1`).
pub(crate) fn resample(rng: &mut ChaCha8Rng, n: usize, out: &mut [usize]) {
    for o in out {
        *o = rng.random_range(0..n);
    }
}

/// Arithmetic mean (NaN for an empty slice).
pub(crate) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample standard deviation with ddof = 1 (NaN for fewer than two values).
pub(crate) fn std_ddof1(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return f64::NAN;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    (ss / (xs.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_scipy() {
        // scipy.stats.norm.ppf values.
        let cases = [
            (0.975, 1.959_963_984_540_054),
            (0.995, 2.575_829_303_548_900_4),
            (0.5, 0.0),
            (0.1, -1.281_551_565_544_600_5),
            (1e-10, -6.361_340_902_404_056),
            (0.95, 1.644_853_626_951_472_2),
        ];
        for (p, z) in cases {
            let got = normal_quantile(p);
            assert!(
                (got - z).abs() <= 1e-14 * z.abs().max(1.0),
                "p={p}: {got} vs {z}"
            );
        }
        assert!(normal_quantile(-0.1).is_nan());
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
    }

    #[test]
    fn bootstrap_validation() {
        assert!(Bootstrap::default().validate().is_ok());
        let b = Bootstrap {
            resamples: 1,
            ..Bootstrap::default()
        };
        assert!(b.validate().is_err());
        let b = Bootstrap {
            conf_level: 1.0,
            ..Bootstrap::default()
        };
        assert!(b.validate().is_err());
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let mut a = stream_rng(7, 0);
        let mut b = stream_rng(7, 1);
        let mut c = stream_rng(7, 0);
        let xa: u64 = a.random();
        let xb: u64 = b.random();
        let xc: u64 = c.random();
        assert_ne!(xa, xb);
        assert_eq!(xa, xc);
    }

    #[test]
    fn std_ddof1_small() {
        assert!((std_ddof1(&[1.0, 2.0, 3.0, 4.0]) - 1.290_994_448_735_805_6).abs() < 1e-15);
        assert!(std_ddof1(&[1.0]).is_nan());
    }
}
