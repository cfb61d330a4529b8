//! Endpoints computed from a trajectory: peak pain, pain AUC, time to relief and to
//! recovery, minutes ischemic and in spasm, relapses, drug exposure. Pure.
//!
//! Conventions:
//! - Times of events are measured from t = 0 of the run (the end of settling) and
//!   reported in hours; durations of states (ischemia, spasm) in minutes.
//! - Between output samples every quantity is taken to vary linearly, so threshold
//!   crossings are interpolated and areas use the trapezoid rule. Endpoints are
//!   therefore only as fine as the output grid (`output_every`).
//! - An endpoint that is not reached within the run is `None` (`null` in JSON, an
//!   empty cell in CSV).
//!
//! Definitions (thresholds are fields of [`MetricThresholds`]):
//! - **time to relief**: first time after the pain peak at which pain falls below
//!   `relief_fraction × peak` (default 50 %: a "substantial" improvement in the
//!   IMMPACT sense, Dworkin et al. 2008). Relative, so it is defined for any peak.
//! - **time to mild pain**: first time at or after the peak at which pain is below
//!   `mild_pain_nrs` (default 3 NRS, the usual mild/moderate cut point). If the peak
//!   itself is below that, it is the time of the peak.
//! - **time to recovery**: first time at or after the pain peak from which pain
//!   < `recovered_pain_nrs` (1 NRS) *and* contraction < `recovered_contraction`
//!   (5 %MVC) hold together without interruption for `recovery_hold_s` (1 h), or —
//!   if that is `None` — until the end of the run.
//! - **ischemic minutes**: time with tissue oxygenation O < `ischemia_oxygenation`
//!   (0.5 of rest): oxygen supply short of demand, whether flow is cut by pressure
//!   or outrun by the demand of a sustained contraction. The lowest perfusion
//!   fraction g ([`Model::algebraic`] with the drivers in force) is reported too.
//! - **spasm minutes**: time with contraction a > `spasm_contraction` (10 %MVC).
//! - **spasm episodes / relapses**: intervals of spasm, merged when separated by less
//!   than `min_remission_s` (1 h) out of spasm; relapses = episodes − 1 (re-entries
//!   after a genuine remission; chatter around the threshold is not a relapse).
//! - **drug exposure**: AUC of each plasma concentration, mg·h/L, and its peak, mg/L.

use crate::model::{idx, Model};
use crate::simulation::Trajectory;
use crate::units::{DAY, HOUR, MINUTE};

/// Thresholds that define the endpoints. Units are in the field names' docs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MetricThresholds {
    /// Relief: pain below this fraction of the peak, 1 (default 0.5).
    pub relief_fraction: f64,
    /// Mild pain: pain below this, NRS (default 3).
    pub mild_pain_nrs: f64,
    /// Recovery: pain below this, NRS (default 1).
    pub recovered_pain_nrs: f64,
    /// Recovery: contraction below this, fraction of MVC (default 0.05 = 5 %MVC).
    pub recovered_contraction: f64,
    /// Recovery must hold this long, s (default 3600); `None` = to the end of the run.
    pub recovery_hold_s: Option<f64>,
    /// Ischemia: tissue oxygenation O below this, fraction of rest (default 0.5).
    pub ischemia_oxygenation: f64,
    /// Spasm: contraction above this, fraction of MVC (default 0.10 = 10 %MVC).
    pub spasm_contraction: f64,
    /// Spasm intervals closer than this are one episode, s (default 3600).
    pub min_remission_s: f64,
}

impl Default for MetricThresholds {
    fn default() -> Self {
        Self {
            relief_fraction: 0.5,
            mild_pain_nrs: 3.0,
            recovered_pain_nrs: 1.0,
            recovered_contraction: 0.05,
            recovery_hold_s: Some(HOUR),
            ischemia_oxygenation: 0.5,
            spasm_contraction: 0.10,
            min_remission_s: HOUR,
        }
    }
}

/// Endpoints of one arm. Field names carry their units (`_h` hours from t = 0,
/// `_min` minutes, `_nrs` 0–10 scale, `_pct_mvc` percent of MVC).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Endpoints {
    /// Highest pain over the run, NRS.
    pub peak_pain_nrs: f64,
    /// When the peak occurred (first time if repeated), h.
    pub time_of_peak_pain_h: f64,
    /// Pain at the end of the run, NRS.
    pub final_pain_nrs: f64,
    /// Area under the pain curve over the whole run, NRS·h.
    pub pain_auc_nrs_h: f64,
    /// Area under the pain curve over the first 7 days, NRS·h; `None` if the run is
    /// shorter than 7 days.
    pub pain_auc_7d_nrs_h: Option<f64>,
    /// Time to relief (pain < relief_fraction × peak after the peak), h.
    pub time_to_relief_h: Option<f64>,
    /// Time to mild pain (pain < mild_pain_nrs at or after the peak), h.
    pub time_to_mild_pain_h: Option<f64>,
    /// Time to sustained recovery (pain and contraction low), h.
    pub time_to_recovery_h: Option<f64>,
    /// Highest contraction, %MVC.
    pub peak_contraction_pct_mvc: f64,
    /// Lowest perfusion fraction g, 1.
    pub min_perfusion: f64,
    /// Time with oxygenation O below the ischemia threshold, min.
    pub ischemic_min: f64,
    /// Time with contraction above the spasm threshold, min.
    pub spasm_min: f64,
    /// Spasm episodes (intervals merged across short remissions).
    pub spasm_episodes: usize,
    /// Re-entries into spasm after a remission of at least `min_remission_s`.
    pub relapses: usize,
    /// Ibuprofen plasma exposure, mg·h/L.
    pub ibuprofen_auc_mg_h_per_l: f64,
    /// Ibuprofen peak plasma concentration, mg/L.
    pub ibuprofen_cmax_mg_per_l: f64,
    /// Cyclobenzaprine plasma exposure, mg·h/L.
    pub cyclobenzaprine_auc_mg_h_per_l: f64,
    /// Cyclobenzaprine peak plasma concentration, mg/L.
    pub cyclobenzaprine_cmax_mg_per_l: f64,
    /// Tizanidine plasma exposure, mg·h/L.
    pub tizanidine_auc_mg_h_per_l: f64,
    /// Tizanidine peak plasma concentration, mg/L.
    pub tizanidine_cmax_mg_per_l: f64,
}

/// Intervals (start, end) over which the piecewise-linear interpolant of `v` on `t`
/// is strictly above `thr`. Crossings are interpolated; sorted and disjoint.
pub fn intervals_above(t: &[f64], v: &[f64], thr: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let n = t.len().min(v.len());
    if n == 0 {
        return out;
    }
    let mut inside = v[0] > thr;
    let mut start = t[0];
    for i in 1..n {
        let now = v[i] > thr;
        if now != inside {
            let dv = v[i] - v[i - 1];
            let f = if dv != 0.0 {
                ((thr - v[i - 1]) / dv).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let tc = t[i - 1] + f * (t[i] - t[i - 1]);
            if inside {
                if tc > start {
                    out.push((start, tc));
                }
            } else {
                start = tc;
            }
            inside = now;
        }
    }
    if inside && t[n - 1] > start {
        out.push((start, t[n - 1]));
    }
    out
}

/// Intervals over which the interpolant of `v` is strictly below `thr`.
pub fn intervals_below(t: &[f64], v: &[f64], thr: f64) -> Vec<(f64, f64)> {
    let neg: Vec<f64> = v.iter().map(|x| -x).collect();
    intervals_above(t, &neg, -thr)
}

/// Intersection of two sorted, disjoint interval lists.
pub fn intersect(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if hi > lo {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Merge intervals separated by gaps shorter than `gap`.
fn merge_close(iv: &[(f64, f64)], gap: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for &(s, e) in iv {
        match out.last_mut() {
            Some(last) if s - last.1 < gap => last.1 = e,
            _ => out.push((s, e)),
        }
    }
    out
}

fn total(iv: &[(f64, f64)]) -> f64 {
    iv.iter().fold(0.0, |acc, (s, e)| acc + (e - s))
}

/// Trapezoid integral of the interpolant of `v` over `[t0, min(t_max, t_last)]`,
/// in (unit of v)·(unit of t).
pub fn trapezoid(t: &[f64], v: &[f64], t_max: f64) -> f64 {
    let n = t.len().min(v.len());
    let mut s = 0.0;
    for i in 1..n {
        let (t0, t1) = (t[i - 1], t[i]);
        if t0 >= t_max {
            break;
        }
        let (v0, mut v1, mut hi) = (v[i - 1], v[i], t1);
        if t1 > t_max {
            let f = (t_max - t0) / (t1 - t0);
            v1 = v0 + f * (v1 - v0);
            hi = t_max;
        }
        s += 0.5 * (v0 + v1) * (hi - t0);
    }
    s
}

fn max_of(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0_f64, f64::max)
}

/// Compute the endpoints of one arm's trajectory. `model` must be the model the
/// trajectory was run with (its parameters give perfusion and concentrations).
pub fn endpoints(model: &Model, tr: &Trajectory, th: &MetricThresholds) -> Endpoints {
    let t = &tr.times;
    let pain = tr.series(idx::P);
    let a = tr.series(idx::A);
    let oxygen = tr.series(idx::O);
    let mut m = model.clone();
    let mut g = Vec::with_capacity(t.len());
    let mut conc = [
        Vec::with_capacity(t.len()),
        Vec::with_capacity(t.len()),
        Vec::with_capacity(t.len()),
    ];
    for (k, y) in tr.states.iter().enumerate() {
        if let Some(d) = tr.drivers.get(k) {
            m.drivers = *d;
        }
        let arr = &y.data.0[0];
        let al = m.algebraic(arr);
        g.push(al.g);
        conc[0].push(al.c_ibu);
        conc[1].push(al.c_cbz);
        conc[2].push(al.c_tiz);
    }
    let t_first = t.first().copied().unwrap_or(0.0);
    let t_last = t.last().copied().unwrap_or(0.0);

    // Peak (first occurrence).
    let (k_peak, peak) =
        pain.iter()
            .copied()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |(kb, vb), (k, v)| {
                if v > vb {
                    (k, v)
                } else {
                    (kb, vb)
                }
            });
    let peak = if peak.is_finite() { peak } else { 0.0 };
    let t_peak = t.get(k_peak).copied().unwrap_or(0.0);

    // First time at or after the peak at which pain is below `thr`.
    let first_below_after_peak = |thr: f64| {
        intervals_below(t, &pain, thr)
            .into_iter()
            .find(|&(_, e)| e > t_peak || (e == t_peak && e == t_last))
            .map(|(s, _)| s.max(t_peak))
    };

    let relief = first_below_after_peak(th.relief_fraction * peak);
    let mild = first_below_after_peak(th.mild_pain_nrs);

    let good = intersect(
        &intervals_below(t, &pain, th.recovered_pain_nrs),
        &intervals_below(t, &a, th.recovered_contraction),
    );
    let recovery = good.iter().find_map(|&(s, e)| {
        let s = s.max(t_peak);
        let ok = match th.recovery_hold_s {
            Some(hold) => e - s >= hold,
            None => e >= t_last && e > s,
        };
        (e > s && ok).then_some(s)
    });

    let spasm = intervals_above(t, &a, th.spasm_contraction);
    let episodes = merge_close(&spasm, th.min_remission_s).len();

    let auc = |v: &[f64]| trapezoid(t, v, f64::INFINITY) / HOUR;
    let to_h = |x: f64| x / HOUR;
    Endpoints {
        peak_pain_nrs: peak,
        time_of_peak_pain_h: to_h(t_peak),
        final_pain_nrs: pain.last().copied().unwrap_or(0.0),
        pain_auc_nrs_h: auc(&pain),
        pain_auc_7d_nrs_h: (t_last - t_first >= 7.0 * DAY - 1e-9)
            .then(|| trapezoid(t, &pain, t_first + 7.0 * DAY) / HOUR),
        time_to_relief_h: relief.map(to_h),
        time_to_mild_pain_h: mild.map(to_h),
        time_to_recovery_h: recovery.map(to_h),
        peak_contraction_pct_mvc: 100.0 * max_of(&a),
        min_perfusion: g.iter().copied().fold(f64::INFINITY, f64::min).min(1.0),
        ischemic_min: total(&intervals_below(t, &oxygen, th.ischemia_oxygenation)) / MINUTE,
        spasm_min: total(&spasm) / MINUTE,
        spasm_episodes: episodes,
        relapses: episodes.saturating_sub(1),
        ibuprofen_auc_mg_h_per_l: auc(&conc[0]),
        ibuprofen_cmax_mg_per_l: max_of(&conc[0]),
        cyclobenzaprine_auc_mg_h_per_l: auc(&conc[1]),
        cyclobenzaprine_cmax_mg_per_l: max_of(&conc[1]),
        tizanidine_auc_mg_h_per_l: auc(&conc[2]),
        tizanidine_cmax_mg_per_l: max_of(&conc[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::ParamSet;
    use crate::model::{Drivers, State};

    fn model() -> Model {
        Model::new(ParamSet::embedded("healthy").unwrap().to_params().unwrap())
    }

    /// A trajectory at rest with pain and contraction set by `f(t_h) -> (P, a)`,
    /// sampled every `dt_h` hours up to `t_end_h`.
    fn synth(dt_h: f64, t_end_h: f64, f: impl Fn(f64) -> (f64, f64)) -> (Model, Trajectory) {
        let m = model();
        let rest = m.initial_state();
        let n = (t_end_h / dt_h).round() as usize;
        let mut tr = Trajectory::default();
        for k in 0..=n {
            let th = k as f64 * dt_h;
            let (p, a) = f(th);
            let mut y: State = rest;
            y[idx::P] = p;
            y[idx::A] = a;
            tr.times.push(th * HOUR);
            tr.states.push(y);
            tr.drivers.push(Drivers::default());
        }
        (m, tr)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * (1.0 + b.abs())
    }

    #[test]
    fn interval_helpers() {
        let t = [0.0, 1.0, 2.0, 3.0, 4.0];
        let v = [0.0, 2.0, 0.0, 2.0, 2.0];
        assert_eq!(intervals_above(&t, &v, 1.0), vec![(0.5, 1.5), (2.5, 4.0)]);
        assert_eq!(intervals_below(&t, &v, 1.0), vec![(0.0, 0.5), (1.5, 2.5)]);
        assert_eq!(
            intersect(&[(0.0, 2.0), (3.0, 5.0)], &[(1.0, 4.0)]),
            vec![(1.0, 2.0), (3.0, 4.0)]
        );
        assert_eq!(
            merge_close(&[(0.0, 1.0), (1.5, 2.0), (5.0, 6.0)], 1.0),
            vec![(0.0, 2.0), (5.0, 6.0)]
        );
        assert!(close(trapezoid(&t, &v, f64::INFINITY), 5.0));
        // Clipped at 1.5: 1 + (2 + 1)/2 · 0.5.
        assert!(close(trapezoid(&t, &v, 1.5), 1.75));
        assert!(intervals_above(&[], &[], 0.0).is_empty());
    }

    #[test]
    fn triangle_pain_known_answers() {
        // Pain rises linearly 0 → 8 over 2 h, falls 8 → 0 over 8 h, then stays 0.
        let (m, tr) = synth(0.25, 48.0, |t| {
            let p = if t <= 2.0 {
                4.0 * t
            } else {
                (8.0 - (t - 2.0)).max(0.0)
            };
            (p, 0.02)
        });
        let e = endpoints(&m, &tr, &MetricThresholds::default());
        assert!(close(e.peak_pain_nrs, 8.0));
        assert!(close(e.time_of_peak_pain_h, 2.0));
        assert!(close(e.pain_auc_nrs_h, 0.5 * 8.0 * 10.0));
        assert_eq!(e.pain_auc_7d_nrs_h, None);
        // Below 4 NRS (50 % of 8) at t = 2 + 4 h.
        assert!(close(e.time_to_relief_h.unwrap(), 6.0));
        // Below 3 NRS at t = 2 + 5 h.
        assert!(close(e.time_to_mild_pain_h.unwrap(), 7.0));
        // Below 1 NRS at t = 2 + 7 h, contraction always low, holds > 1 h.
        assert!(close(e.time_to_recovery_h.unwrap(), 9.0));
        assert_eq!(e.spasm_min, 0.0);
        assert_eq!(e.spasm_episodes, 0);
        assert_eq!(e.relapses, 0);
        assert!(close(e.final_pain_nrs, 0.0));
        assert!(close(e.peak_contraction_pct_mvc, 2.0));
    }

    #[test]
    fn recovery_must_be_sustained() {
        // Pain falls below 1 at 1 h but returns at 1.5 h for an hour; then low for good.
        let (m, tr) = synth(0.125, 10.0, |t| {
            let p = if t < 1.0 {
                5.0
            } else if !(1.5..2.5).contains(&t) {
                0.5
            } else {
                5.0
            };
            (p, 0.01)
        });
        let th = MetricThresholds::default();
        let e = endpoints(&m, &tr, &th);
        let r = e.time_to_recovery_h.unwrap();
        // The dip at 1 h does not count; recovery starts during the 2.5 h fall.
        assert!(r > 2.375 && r < 2.5, "{r}");
        // Requiring recovery to the end of the run gives the same answer here.
        let to_end = MetricThresholds {
            recovery_hold_s: None,
            ..th
        };
        assert_eq!(endpoints(&m, &tr, &to_end).time_to_recovery_h, Some(r));
        // A hold longer than what is left of the run is never met.
        let long = MetricThresholds {
            recovery_hold_s: Some(9.0 * HOUR),
            ..th
        };
        assert_eq!(endpoints(&m, &tr, &long).time_to_recovery_h, None);
    }

    #[test]
    fn spasm_minutes_episodes_and_relapses() {
        // a = 20 %MVC on [1, 3) h, [3.5, 4) h (gap 0.5 h: same episode), [8, 9) h
        // (after a 4 h remission: a relapse). Sampled every 0.5 h with steps, so
        // each edge is a linear ramp over one interval, crossing 10 % mid-way.
        let (m, tr) = synth(0.5, 12.0, |t| {
            let on = (1.0..3.0).contains(&t) || (3.5..4.0).contains(&t) || (8.0..9.0).contains(&t);
            (1.0, if on { 0.2 } else { 0.0 })
        });
        let e = endpoints(&m, &tr, &MetricThresholds::default());
        // Each plateau lasts its length; ramps add 0.25 h and lose 0.25 h.
        assert!(
            close(e.spasm_min, (2.0 + 0.5 + 1.0) * 60.0),
            "{}",
            e.spasm_min
        );
        assert_eq!(e.spasm_episodes, 2);
        assert_eq!(e.relapses, 1);
        assert!(close(e.peak_contraction_pct_mvc, 20.0));
    }

    #[test]
    fn ischemia_from_oxygenation_perfusion_and_drug_auc() {
        // Cuff at arterial pressure for [2, 4] h occludes completely (g = 0) and
        // oxygenation falls to 0.2 of rest.
        let (mut m, mut tr) = synth(0.25, 8.0 * 24.0, |_| (0.0, 0.01));
        let p_art = m.params().p_art;
        for (k, &ts) in tr.times.iter().enumerate() {
            let inside = (2.0 * HOUR..=4.0 * HOUR).contains(&ts);
            if inside {
                tr.drivers[k].cuff_pressure = p_art + 50.0;
            }
            tr.states[k][idx::O] = if inside { 0.2 } else { 1.0 };
        }
        // Ibuprofen amount such that concentration is 10 mg/L over [0, 24] h, then 0
        // (ramp down over one sample).
        let v = m.params().ibu_v;
        for (k, &ts) in tr.times.iter().enumerate() {
            tr.states[k][idx::IBU] = if ts <= 24.0 * HOUR { 10.0 * v } else { 0.0 };
        }
        m.drivers = Drivers::default();
        let e = endpoints(&m, &tr, &MetricThresholds::default());
        // Hypoxic on [2, 4] h; O ramps from 1 to 0.2 over one 15-min sample each
        // side, crossing 0.5 at fraction f = 0.5/0.8 of the way.
        let f = (1.0 - 0.5) / (1.0 - 0.2);
        let expect = 120.0 + 2.0 * 15.0 * (1.0 - f);
        assert!(
            close(e.ischemic_min, expect),
            "{} vs {expect}",
            e.ischemic_min
        );
        assert!(e.min_perfusion < 1e-6);
        assert!(close(
            e.ibuprofen_auc_mg_h_per_l,
            10.0 * 24.0 + 0.5 * 10.0 * 0.25
        ));
        assert!(close(e.ibuprofen_cmax_mg_per_l, 10.0));
        assert_eq!(e.cyclobenzaprine_auc_mg_h_per_l, 0.0);
        // 8-day run: 7-day AUC is defined (no pain: 0).
        assert_eq!(e.pain_auc_7d_nrs_h, Some(0.0));
    }

    #[test]
    fn seven_day_auc_clips() {
        let (m, tr) = synth(1.0, 10.0 * 24.0, |_| (2.0, 0.0));
        let e = endpoints(&m, &tr, &MetricThresholds::default());
        assert!(close(e.pain_auc_7d_nrs_h.unwrap(), 2.0 * 168.0));
        assert!(close(e.pain_auc_nrs_h, 2.0 * 240.0));
    }

    #[test]
    fn empty_and_single_sample_trajectories() {
        let m = model();
        let e = endpoints(&m, &Trajectory::default(), &MetricThresholds::default());
        assert_eq!(e.peak_pain_nrs, 0.0);
        assert_eq!(e.pain_auc_nrs_h, 0.0);
        let (m, tr) = synth(1.0, 0.0, |_| (3.0, 0.2));
        let e = endpoints(&m, &tr, &MetricThresholds::default());
        assert_eq!(e.peak_pain_nrs, 3.0);
        assert_eq!(e.spasm_min, 0.0);
        assert_eq!(e.time_to_recovery_h, None);
    }
}
