//! Local sensitivities: the normalised derivative `S = ∂ ln y / ∂ ln p` of each
//! output `y` to each parameter `p` at the nominal point, by central differences in
//! `ln p`:
//!
//! `S(h) = (y(p·(1 + h)) − y(p·(1 − h))) / (2 h · y(p))`
//!
//! at two relative steps `h₁ > h₂` ([`LOCAL_STEPS`]). For a smooth output the
//! truncation error of a central difference falls as `h²`, so `S(h₁)` and `S(h₂)`
//! agree to the digits that both carry; their difference is reported as the
//! evidence for the digits shown ([`LocalIndex::agreement`]). A disagreement much
//! larger than `h₁²·|S|` means the output is not smooth in `p` at this point (a
//! threshold-crossing endpoint such as a time in spasm), or the solver tolerance is
//! too loose for the smaller step — the caller runs the model at a tight tolerance
//! ([`LOCAL_RTOL`]) so that the second cause is excluded.
//!
//! A nominal value of 0 has no logarithmic neighbourhood and an output of 0 no
//! logarithm: those sensitivities are `NaN` with a reason.

use serde::Serialize;

/// The two relative steps `h₁`, `h₂` of the central differences (dimensionless).
pub const LOCAL_STEPS: [f64; 2] = [1e-2, 1e-3];

/// Relative tolerance of the solver for local sensitivities (dimensionless): the
/// error it makes in `y` divided by `h₂` stays far below the digits reported.
pub const LOCAL_RTOL: f64 = 1e-9;

/// The evaluation points of a local analysis of `nominal`: row 0 is the nominal
/// point, then for each parameter `i` and each step `h` of `steps` the points with
/// `p_i·(1 + h)` and `p_i·(1 − h)` (rows `1 + 4i + 2s`, `2 + 4i + 2s`).
pub fn design(nominal: &[f64], steps: [f64; 2]) -> Vec<Vec<f64>> {
    let mut rows = vec![nominal.to_vec()];
    for i in 0..nominal.len() {
        for h in steps {
            for sign in [1.0, -1.0] {
                let mut r = nominal.to_vec();
                r[i] = nominal[i] * (1.0 + sign * h);
                rows.push(r);
            }
        }
    }
    rows
}

/// One local sensitivity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalIndex {
    /// `S(h₁)`, dimensionless.
    pub s_h1: f64,
    /// `S(h₂)`, dimensionless: the value reported.
    pub s_h2: f64,
    /// `|S(h₁) − S(h₂)|`, dimensionless.
    pub agreement: f64,
    /// Why the value is `NaN`, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The local sensitivities of output `y` (one value per row of [`design`]) to each
/// of the `nominal.len()` parameters.
pub fn analyze(nominal: &[f64], steps: [f64; 2], y: &[f64]) -> Vec<LocalIndex> {
    let nan = |note: &str| LocalIndex {
        s_h1: f64::NAN,
        s_h2: f64::NAN,
        agreement: f64::NAN,
        note: Some(note.to_string()),
    };
    let y0 = y.first().copied().unwrap_or(f64::NAN);
    (0..nominal.len())
        .map(|i| {
            if y.len() != 1 + 4 * nominal.len() {
                return nan("wrong number of outputs");
            }
            if nominal[i] == 0.0 {
                return nan("nominal value 0: no logarithmic derivative");
            }
            if !y0.is_finite() {
                return nan("the nominal run failed or did not reach the event");
            }
            if y0 == 0.0 {
                return nan("output 0 at the nominal point: no logarithmic derivative");
            }
            let s = |k: usize| {
                let (up, down) = (y[1 + 4 * i + 2 * k], y[2 + 4 * i + 2 * k]);
                (up - down) / (2.0 * steps[k] * y0)
            };
            let (s1, s2) = (s(0), s(1));
            if !(s1.is_finite() && s2.is_finite()) {
                return nan("a perturbed run failed or did not reach the event");
            }
            LocalIndex {
                s_h1: s1,
                s_h2: s2,
                agreement: (s1 - s2).abs(),
                note: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 3 p₀² / p₁ has ∂ln y/∂ln p = (2, −1) exactly; the central differences
    /// carry an O(h²) error that shrinks a hundredfold from h₁ to h₂.
    #[test]
    fn power_law_exponents() {
        let nominal = [1.7, 0.4];
        let rows = design(&nominal, LOCAL_STEPS);
        let y: Vec<f64> = rows.iter().map(|r| 3.0 * r[0] * r[0] / r[1]).collect();
        let s = analyze(&nominal, LOCAL_STEPS, &y);
        assert!((s[0].s_h2 - 2.0).abs() < 1e-9, "{:?}", s[0]);
        assert!((s[1].s_h2 + 1.0).abs() < 1e-5, "{:?}", s[1]);
        // 1/p: S(h) = −1/(1 − h²), so the error at h₁ is ≈ h₁² = 1e-4.
        assert!((s[1].s_h1 + 1.0 / (1.0 - 1e-4)).abs() < 1e-12);
        assert!(s[1].agreement < 1.1e-4 && s[1].agreement > 0.9e-4);
    }

    #[test]
    fn zero_nominal_and_zero_output_are_explained() {
        let nominal = [0.0, 1.0];
        let rows = design(&nominal, LOCAL_STEPS);
        let y: Vec<f64> = rows.iter().map(|r| r[0] + r[1]).collect();
        let s = analyze(&nominal, LOCAL_STEPS, &y);
        assert!(s[0].s_h2.is_nan() && s[0].note.is_some());
        assert!((s[1].s_h2 - 1.0).abs() < 1e-9);
        let zeros = vec![0.0; rows.len()];
        assert!(analyze(&nominal, LOCAL_STEPS, &zeros)[1].note.is_some());
    }
}
