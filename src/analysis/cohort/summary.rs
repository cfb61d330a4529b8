//! Cohort statistics: quartiles, paired differences with intervals, fractions,
//! reduced in patient order so that they do not depend on the number of threads.

use super::{CohortRun, Excluded, PatientArm};
use crate::analysis::compare::pct;
use crate::analysis::compare::REFERENCE_NAME;

/// Quartiles; `None` = not reached (the quantile falls among censored patients).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Quartiles {
    /// 25th percentile.
    pub q1: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 75th percentile.
    pub q3: Option<f64>,
}

/// Quantile `q` (0–1) of sorted values, type 7 (linear interpolation between order
/// statistics); infinite values stand for "not reached" and give `INFINITY`.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (a, b) = (sorted[lo], sorted[hi]);
    if a.is_infinite() || b.is_infinite() {
        return if lo == hi || h == lo as f64 {
            a
        } else {
            f64::INFINITY
        };
    }
    a + (h - lo as f64) * (b - a)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Quartiles of `values` (any order).
pub fn quartiles(values: &[f64]) -> Quartiles {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    Quartiles {
        q1: finite(quantile_sorted(&v, 0.25)),
        median: finite(quantile_sorted(&v, 0.5)),
        q3: finite(quantile_sorted(&v, 0.75)),
    }
}

/// A mean with a 95 % interval (normal approximation: mean ± 1.96·SD/√N).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MeanCi {
    /// Mean.
    pub mean: f64,
    /// Sample SD (N − 1); `None` for one value.
    pub sd: Option<f64>,
    /// Lower 95 % bound; `None` for one value.
    pub lo: Option<f64>,
    /// Upper 95 % bound; `None` for one value.
    pub hi: Option<f64>,
}

/// Mean and 95 % interval of `values`, summed in order (deterministic).
pub fn mean_ci(values: &[f64]) -> MeanCi {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return MeanCi {
            mean,
            sd: None,
            lo: None,
            hi: None,
        };
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let sd = var.sqrt();
    let half = 1.96 * sd / n.sqrt();
    MeanCi {
        mean,
        sd: Some(sd),
        lo: Some(mean - half),
        hi: Some(mean + half),
    }
}

/// Cohort statistics of one arm.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortArm {
    /// Arm name.
    pub name: String,
    /// Rank by mean pain AUC (1 = lowest).
    pub rank: usize,
    /// Patients in the statistics.
    pub patients: usize,
    /// Pain AUC over the window, NRS·h.
    pub pain_auc_nrs_h: Quartiles,
    /// Mean pain AUC, NRS·h.
    pub pain_auc_mean_nrs_h: f64,
    /// Paired difference of pain AUC to the reference, NRS·h.
    pub diff_pain_auc_nrs_h: MeanCi,
    /// Mean paired difference in % of the reference's mean AUC.
    pub diff_pain_auc_pct: f64,
    /// Paired difference of mean pain over the window on 0–100.
    pub diff_mean_pain_0_100: MeanCi,
    /// Time in spasm, h.
    pub spasm_h: Quartiles,
    /// Paired difference of time in spasm, h.
    pub diff_spasm_h: MeanCi,
    /// Peak pain, NRS.
    pub peak_pain_nrs: Quartiles,
    /// Time ischemic, min.
    pub ischemic_min: Quartiles,
    /// Time to relief, h.
    pub time_to_relief_h: Quartiles,
    /// Time to recovery, h.
    pub time_to_recovery_h: Quartiles,
    /// Time the cycle was broken (last exit from spasm), h.
    pub cycle_broken_h: Quartiles,
    /// Mean number of relapses.
    pub relapses_mean: f64,
    /// Fraction of patients with no spasm from `broken_from_h` to the end.
    pub fraction_broken: f64,
    /// Fraction of patients whose pain AUC is below the reference's.
    pub fraction_better: f64,
    /// Pain AUC at the 5th and 95th percentiles, NRS·h (for box plots).
    pub pain_auc_p5_p95: [f64; 2],
}

/// Distribution of one drawn parameter over the kept patients, in the set's unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DrawnSummary {
    /// Parameter name.
    pub name: String,
    /// The set's unit.
    pub unit: String,
    /// The patient's value.
    pub centre: f64,
    /// Truncation bounds.
    pub range: [f64; 2],
    /// Quartiles of the drawn values.
    pub quartiles: Quartiles,
    /// Smallest and largest drawn value.
    pub min_max: [f64; 2],
}

/// Cohort statistics of every arm.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortSummary {
    /// Seed of the draws.
    pub seed: u64,
    /// Patients asked for.
    pub requested: usize,
    /// Patients in the statistics.
    pub patients: usize,
    /// Patients excluded (could not be simulated).
    pub excluded: Vec<Excluded>,
    /// Reference arm name.
    pub reference: String,
    /// Set when the reference was chosen by fallback.
    pub reference_note: Option<String>,
    /// Ranking window, h.
    pub auc_window_h: f64,
    /// Loop-broken check from this time, h.
    pub broken_from_h: f64,
    /// Spasm threshold, %MVC.
    pub spasm_threshold_pct_mvc: f64,
    /// Arms in scenario order.
    pub arms: Vec<CohortArm>,
    /// Arm indices by mean pain AUC, lowest first.
    pub ranking: Vec<usize>,
    /// The drawn parameters.
    pub drawn: Vec<DrawnSummary>,
}

/// Reduce a cohort run to per-arm statistics (sequential, in patient order).
pub fn summarise(run: &CohortRun) -> CohortSummary {
    let n = run.results.len();
    let col = |a: usize, f: &dyn Fn(&PatientArm) -> f64| -> Vec<f64> {
        run.results.iter().map(|p| f(&p[a])).collect()
    };
    let r = run.reference;
    let ref_auc = col(r, &|x| x.pain_auc);
    let ref_spasm = col(r, &|x| x.spasm_h);
    let ref_mean_auc = ref_auc.iter().sum::<f64>() / n as f64;
    let w = run.auc_window_h;
    let mut arms: Vec<CohortArm> = (0..run.arms.len())
        .map(|a| {
            let auc = col(a, &|x| x.pain_auc);
            let spasm = col(a, &|x| x.spasm_h);
            let d_auc: Vec<f64> = auc.iter().zip(&ref_auc).map(|(x, y)| x - y).collect();
            let d_pain: Vec<f64> = d_auc
                .iter()
                .map(|d| if w > 0.0 { 10.0 * d / w } else { 0.0 })
                .collect();
            let d_spasm: Vec<f64> = spasm.iter().zip(&ref_spasm).map(|(x, y)| x - y).collect();
            let mut sorted_auc = auc.clone();
            sorted_auc.sort_by(f64::total_cmp);
            let diff = mean_ci(&d_auc);
            let frac =
                |f: &dyn Fn(usize) -> bool| (0..n).filter(|&i| f(i)).count() as f64 / n as f64;
            CohortArm {
                name: run.arms[a].clone(),
                rank: 0,
                patients: n,
                pain_auc_nrs_h: quartiles(&auc),
                pain_auc_mean_nrs_h: auc.iter().sum::<f64>() / n as f64,
                diff_pain_auc_pct: pct(diff.mean, ref_mean_auc),
                diff_pain_auc_nrs_h: diff,
                diff_mean_pain_0_100: mean_ci(&d_pain),
                spasm_h: quartiles(&spasm),
                diff_spasm_h: mean_ci(&d_spasm),
                peak_pain_nrs: quartiles(&col(a, &|x| x.peak_pain)),
                ischemic_min: quartiles(&col(a, &|x| x.ischemic_min)),
                time_to_relief_h: quartiles(&col(a, &|x| x.relief_h)),
                time_to_recovery_h: quartiles(&col(a, &|x| x.recovery_h)),
                cycle_broken_h: quartiles(&col(a, &|x| x.cycle_h)),
                relapses_mean: col(a, &|x| x.relapses).iter().sum::<f64>() / n as f64,
                fraction_broken: frac(&|i| run.results[i][a].cycle_h <= run.broken_from_h),
                fraction_better: frac(&|i| auc[i] < ref_auc[i]),
                pain_auc_p5_p95: [
                    quantile_sorted(&sorted_auc, 0.05),
                    quantile_sorted(&sorted_auc, 0.95),
                ],
            }
        })
        .collect();
    let ranking = crate::analysis::compare::rank_order(
        &arms
            .iter()
            .map(|a| a.pain_auc_mean_nrs_h)
            .collect::<Vec<_>>(),
    );
    for (k, &i) in ranking.iter().enumerate() {
        arms[i].rank = k + 1;
    }
    let drawn = run
        .resolved
        .iter()
        .enumerate()
        .map(|(j, res)| {
            let v: Vec<f64> = run.drawn.iter().map(|d| res.in_unit(d[j])).collect();
            let q = quartiles(&v);
            DrawnSummary {
                name: res.name.clone(),
                unit: res.unit.clone(),
                centre: res.in_unit(res.centre),
                range: [res.in_unit(res.lo), res.in_unit(res.hi)],
                quartiles: q,
                min_max: [
                    v.iter().copied().fold(f64::INFINITY, f64::min),
                    v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ],
            }
        })
        .collect();
    CohortSummary {
        seed: run.seed,
        requested: run.requested,
        patients: n,
        excluded: run.excluded.clone(),
        reference: run
            .arms
            .get(r)
            .cloned()
            .unwrap_or_else(|| REFERENCE_NAME.into()),
        reference_note: run.reference_note.clone(),
        auc_window_h: run.auc_window_h,
        broken_from_h: run.broken_from_h,
        spasm_threshold_pct_mvc: run.spasm_threshold_pct_mvc,
        arms,
        ranking,
        drawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_intervals() {
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0], 0.25), 1.5);
        let inf = f64::INFINITY;
        let q = quartiles(&[1.0, 2.0, inf, inf, inf]);
        assert_eq!(q.q1, Some(2.0));
        assert_eq!(q.median, None);
        let m = mean_ci(&[1.0, 3.0]);
        assert_eq!(m.mean, 2.0);
        assert!((m.sd.unwrap() - 2f64.sqrt()).abs() < 1e-12);
        assert!((m.hi.unwrap() - (2.0 + 1.96)).abs() < 1e-12);
        assert_eq!(mean_ci(&[5.0]).lo, None);
    }
}
