//! Tables and text of a comparison: `comparison.md`/`.csv`, `summary.txt`,
//! `cohort.md`/`.csv`. Pure (strings in, strings out); numbers in CSV are written
//! with the shortest round-trip decimal ([`fmt_num`]), so identical results give
//! identical bytes.
//!
//! Length: ≈ 600 lines, four tables that share their formatting helpers, plus tests.

use std::fmt::Write as _;

use crate::analysis::cohort::{CohortSummary, MeanCi, Quartiles};
use crate::analysis::compare::{ArmRow, Comparison, Cycle};
use crate::report::fmt_num;
use crate::units::{HOUR, MINUTE};

/// "0–7 d" for a 168 h window, else "0–N h".
pub fn window_label(h: f64) -> String {
    if (h - 168.0).abs() < 1e-9 {
        "0–7 d".into()
    } else if h >= 48.0 && (h / 24.0).fract().abs() < 1e-9 {
        format!("0–{} d", h / 24.0)
    } else {
        format!("0–{} h", fmt_num(h))
    }
}

/// Decimals for pain AUCs of about this size (NRS·h): 0 from 100, 1 from 10, else 2.
pub fn auc_decimals(x: f64) -> usize {
    match x.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        _ => 2,
    }
}

/// A pain AUC with [`auc_decimals`] decimals.
pub fn auc(x: f64) -> String {
    format!("{x:.*}", auc_decimals(x))
}

fn opt_h(x: Option<f64>) -> String {
    x.map_or("not reached".into(), |v| format!("{v:.1}"))
}

fn signed(x: f64, dec: usize) -> String {
    let s = format!("{x:+.dec$}");
    if s.trim_start_matches(['+', '-', '0', '.']).is_empty() {
        format!("{:.dec$}", 0.0)
    } else {
        s
    }
}

fn csv_opt(x: Option<f64>) -> String {
    x.map_or(String::new(), fmt_num)
}

/// Markdown-safe cell text (pipes escaped).
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Drug exposure of an arm as text: "ibuprofen 1234 mg·h/L; cyclobenzaprine 52
/// ng·h/mL", or "—".
pub fn drug_exposure(e: &crate::analysis::metrics::Endpoints) -> String {
    let mut v = Vec::new();
    if e.ibuprofen_auc_mg_h_per_l > 1e-9 {
        v.push(format!(
            "ibuprofen {:.0} mg·h/L",
            e.ibuprofen_auc_mg_h_per_l
        ));
    }
    if e.cyclobenzaprine_auc_mg_h_per_l > 1e-12 {
        v.push(format!(
            "cyclobenzaprine {:.0} ng·h/mL",
            1000.0 * e.cyclobenzaprine_auc_mg_h_per_l
        ));
    }
    if e.tizanidine_auc_mg_h_per_l > 1e-12 {
        v.push(format!(
            "tizanidine {:.0} ng·h/mL",
            1000.0 * e.tizanidine_auc_mg_h_per_l
        ));
    }
    if v.is_empty() {
        "—".into()
    } else {
        v.join("; ")
    }
}

fn cycle_cell(c: &Cycle) -> String {
    match *c {
        Cycle::NoSpasm => "no spasm".into(),
        Cycle::Broken(h) => format!("broken at {h:.1} h"),
        Cycle::NotBroken => "not broken".into(),
    }
}

/// The definitions shared by the Markdown reports.
fn definitions(c_spasm_pct: f64, window: &str) -> String {
    format!(
        "Definitions: pain AUC {window} = area under the pain curve (NRS 0–10) over {window}, \
         NRS·h; Δ = arm − reference (absolute, and in % of the reference); relief = pain below \
         half its peak; recovery = pain < 1 NRS and contraction < 5 %MVC held for 1 h; \
         ischemic = tissue oxygenation below 0.5 of rest; spasm = contraction above \
         {c_spasm_pct:.0} %MVC outside voluntary efforts; relapses = re-entries into spasm after \
         at least 1 h out of it; the cycle is broken when the spasm ends and does not return \
         within the run (time of the last exit from spasm); drug exposure = plasma AUC over the \
         run. Times are hours from the lift (t = 0).\n"
    )
}

/// `comparison.md`: the ranked endpoint table.
pub fn comparison_md(c: &Comparison) -> String {
    let w = window_label(c.auc_window_h);
    let r = c.reference_arm();
    let mut s = String::new();
    let _ = writeln!(s, "# Intervention comparison: {}\n", c.scenario);
    if !c.description.trim().is_empty() {
        let _ = writeln!(s, "{}\n", c.description.trim());
    }
    let _ = writeln!(
        s,
        "Patient: `{}`; run {} h; {} arms; reference arm: **{}**. Ranked by pain AUC over {w}, lowest first.\n",
        c.parameter_set,
        fmt_num(c.duration_h),
        c.arms.len(),
        r.name
    );
    if let Some(note) = &c.reference_note {
        let _ = writeln!(s, "Note: {note}.\n");
    }
    let _ = writeln!(
        s,
        "| rank | arm | pain AUC {w} (NRS·h) | Δ (NRS·h) | Δ (%) | peak pain (NRS) | relief (h) | \
         recovery (h) | ischemic (min) | spasm (h) | relapses | cycle | drug exposure (AUC) |"
    );
    let _ = writeln!(
        s,
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    );
    for a in c.ranked() {
        let is_ref = a.name == r.name;
        let e = &a.endpoints;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.1} | {} | {} | {:.0} | {:.1} | {} | {} | {} |",
            a.rank,
            cell(&a.name),
            auc(a.pain_auc_nrs_h),
            if is_ref {
                "reference".into()
            } else {
                signed(a.diff_pain_auc_nrs_h, auc_decimals(r.pain_auc_nrs_h))
            },
            if is_ref {
                "—".into()
            } else {
                signed(a.diff_pain_auc_pct, 1)
            },
            e.peak_pain_nrs,
            opt_h(e.time_to_relief_h),
            opt_h(e.time_to_recovery_h),
            e.ischemic_min,
            e.spasm_min / (HOUR / MINUTE),
            e.relapses,
            cycle_cell(&a.cycle),
            drug_exposure(e),
        );
    }
    let _ = writeln!(s);
    s.push_str(&definitions(100.0 * c.thresholds.spasm_contraction, &w));
    s
}

/// `comparison.csv`: one row per arm in rank order; units in the column names;
/// empty cells for endpoints not reached.
pub fn comparison_csv(c: &Comparison) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "arm",
        "reference",
        "auc_window_h",
        "pain_auc_nrs_h",
        "diff_pain_auc_nrs_h",
        "diff_pain_auc_pct",
        "mean_pain_0_100",
        "peak_pain_nrs",
        "time_to_relief_h",
        "time_to_mild_pain_h",
        "time_to_recovery_h",
        "ischemic_min",
        "spasm_min",
        "relapses",
        "cycle",
        "cycle_broken_h",
        "ibuprofen_auc_mg_h_per_l",
        "cyclobenzaprine_auc_mg_h_per_l",
        "tizanidine_auc_mg_h_per_l",
    ])?;
    for a in c.ranked() {
        let e = &a.endpoints;
        let (state, at) = match a.cycle {
            Cycle::NoSpasm => ("no_spasm", String::new()),
            Cycle::Broken(h) => ("broken", fmt_num(h)),
            Cycle::NotBroken => ("not_broken", String::new()),
        };
        w.write_record([
            a.rank.to_string(),
            a.name.clone(),
            (a.name == c.reference_arm().name).to_string(),
            fmt_num(c.auc_window_h),
            fmt_num(a.pain_auc_nrs_h),
            fmt_num(a.diff_pain_auc_nrs_h),
            fmt_num(a.diff_pain_auc_pct),
            fmt_num(a.mean_pain_0_100),
            fmt_num(e.peak_pain_nrs),
            csv_opt(e.time_to_relief_h),
            csv_opt(e.time_to_mild_pain_h),
            csv_opt(e.time_to_recovery_h),
            fmt_num(e.ischemic_min),
            fmt_num(e.spasm_min),
            e.relapses.to_string(),
            state.into(),
            at,
            fmt_num(e.ibuprofen_auc_mg_h_per_l),
            fmt_num(e.cyclobenzaprine_auc_mg_h_per_l),
            fmt_num(e.tizanidine_auc_mg_h_per_l),
        ])?;
    }
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

/// `summary.txt`: a short text summary (also printed by `spasm compare`); the times
/// when the cycle broke in the scenario's `time_unit` (s, min, h or d; hours if it is
/// none of them).
pub fn summary_txt(c: &Comparison, cohort: Option<&CohortSummary>, time_unit: &str) -> String {
    let (unit, per_hour) =
        crate::report::time_unit_seconds(time_unit).map_or(("h", 1.0), |s| (time_unit, HOUR / s));
    let at = |h: f64| format!("{:.1} {unit}", h * per_hour);
    let w = window_label(c.auc_window_h);
    let r = c.reference_arm();
    let mut s = String::new();
    let _ = writeln!(s, "{}", c.scenario);
    let _ = writeln!(
        s,
        "Patient `{}`, {} arms, reference \"{}\" (pain AUC {w}: {} NRS·h).",
        c.parameter_set,
        c.arms.len(),
        r.name,
        auc(r.pain_auc_nrs_h)
    );
    if let Some(note) = &c.reference_note {
        let _ = writeln!(s, "Note: {note}.");
    }
    let others: Vec<_> = c.ranked().filter(|a| a.name != r.name).collect();
    let line = |a: &ArmRow| {
        format!(
            "{} ({} NRS·h, {} % vs {})",
            a.name,
            auc(a.pain_auc_nrs_h),
            signed(a.diff_pain_auc_pct, 1),
            r.name
        )
    };
    if let (Some(best), Some(worst)) = (others.first(), others.last()) {
        if others.len() == 1 {
            let _ = writeln!(s, "Other arm: {}.", line(best));
        } else {
            let _ = writeln!(s, "Least pain: {}; most pain: {}.", line(best), line(worst));
        }
        let worse: Vec<&str> = others
            .iter()
            .filter(|a| a.diff_pain_auc_nrs_h >= 0.0)
            .map(|a| a.name.as_str())
            .collect();
        if worse.is_empty() {
            let _ = writeln!(s, "Every arm has less pain over {w} than {}.", r.name);
        } else {
            let _ = writeln!(
                s,
                "Not better than {} over {w}: {}.",
                r.name,
                worse.join(", ")
            );
        }
    }
    let _ = writeln!(
        s,
        "\nThe spasm–ischemia cycle (spasm = contraction > {:.0} %MVC outside voluntary efforts; \
         broken = the spasm ends and does not return within the run):",
        100.0 * c.thresholds.spasm_contraction
    );
    let mut by_time: Vec<_> = c.arms.iter().collect();
    by_time.sort_by(|a, b| a.cycle.hours().total_cmp(&b.cycle.hours()));
    let wname = by_time
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0);
    for a in by_time {
        let cycle = match a.cycle {
            Cycle::Broken(h) => format!("broken at {}", at(h)),
            other => other.describe(),
        };
        let _ = writeln!(s, "  {:<wname$}  {cycle}", a.name);
    }
    if let Some(k) = cohort {
        let _ = writeln!(
            s,
            "\nVirtual cohort: {} patients (seed {}){}.",
            k.patients,
            k.seed,
            if k.excluded.is_empty() {
                String::new()
            } else {
                format!(", {} excluded (solver failure)", k.excluded.len())
            }
        );
        let refa = k.arms.iter().find(|a| a.name == k.reference);
        let best = k
            .ranking
            .iter()
            .map(|&i| &k.arms[i])
            .find(|a| a.name != k.reference);
        if let Some(b) = best {
            let d = &b.diff_pain_auc_nrs_h;
            let dec = refa.map_or(0, |a| auc_decimals(a.pain_auc_mean_nrs_h));
            let _ = writeln!(
                s,
                "Lowest mean pain AUC {w}: {} (paired difference to {} {} NRS·h{}, {} %); lower \
                 in {:.0} % of patients.",
                b.name,
                k.reference,
                signed(d.mean, dec),
                match (d.lo, d.hi) {
                    (Some(lo), Some(hi)) =>
                        format!(", 95 % CI {} to {}", signed(lo, dec), signed(hi, dec)),
                    _ => String::new(),
                },
                signed(b.diff_pain_auc_pct, 1),
                100.0 * b.fraction_better
            );
        }
        let mut broken: Vec<_> = k.arms.iter().collect();
        broken.sort_by(|a, b| b.fraction_broken.total_cmp(&a.fraction_broken));
        let list: Vec<String> = broken
            .iter()
            .take(5)
            .map(|a| format!("{} {:.0} %", a.name, 100.0 * a.fraction_broken))
            .collect();
        let _ = writeln!(
            s,
            "Loop broken by {} {unit} (no spasm from then to the end): {}{}.",
            fmt_num(k.broken_from_h * per_hour),
            list.join(", "),
            refa.map_or(String::new(), |a| format!(
                "; {} {:.0} %",
                a.name,
                100.0 * a.fraction_broken
            ))
        );
    }
    s
}

/// A number with 4 significant digits, without an exponent for ordinary sizes.
pub fn sig4(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&mag) {
        return format!("{x:.3e}");
    }
    let dec = (3 - mag).max(0) as usize;
    format!("{x:.dec$}")
}

fn q_cell(q: &Quartiles, dec: usize) -> String {
    let f = |x: Option<f64>| x.map_or("n.r.".to_string(), |v| format!("{v:.dec$}"));
    format!("{} [{}, {}]", f(q.median), f(q.q1), f(q.q3))
}

fn ci_cell(m: &MeanCi, dec: usize) -> String {
    match (m.lo, m.hi) {
        (Some(lo), Some(hi)) => format!(
            "{} [{}, {}]",
            signed(m.mean, dec),
            signed(lo, dec),
            signed(hi, dec)
        ),
        _ => signed(m.mean, dec),
    }
}

/// `cohort.md`: per-arm cohort statistics and the drawn parameters.
pub fn cohort_md(scenario: &str, set: &str, k: &CohortSummary) -> String {
    let w = window_label(k.auc_window_h);
    let mut s = String::new();
    let _ = writeln!(s, "# Virtual cohort: {scenario}\n");
    let _ = writeln!(
        s,
        "{} patients{} drawn from `models/cohort.toml` around the `{set}` patient, seed {}; \
         every arm on the same patients (common random numbers). Reference arm: **{}**. \
         Ranked by mean pain AUC over {w}, lowest first.\n",
        k.patients,
        if k.excluded.is_empty() {
            String::new()
        } else {
            format!(
                " (of {} requested; {} excluded: solver failure)",
                k.requested,
                k.excluded.len()
            )
        },
        k.seed,
        k.reference
    );
    if let Some(note) = &k.reference_note {
        let _ = writeln!(s, "Note: {note}.\n");
    }
    let _ = writeln!(
        s,
        "| rank | arm | pain AUC {w} (NRS·h) median [IQR] | Δ pain AUC (NRS·h) mean [95 % CI] | \
         Δ (%) | Δ mean pain (0–100) [95 % CI] | spasm (h) median [IQR] | Δ spasm (h) mean \
         [95 % CI] | relief (h) median [IQR] | recovery (h) median [IQR] | cycle broken (h) \
         median [IQR] | broken by {} h (%) | better than reference (%) |",
        fmt_num(k.broken_from_h)
    );
    let _ = writeln!(
        s,
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let dec = k
        .arms
        .iter()
        .find(|a| a.name == k.reference)
        .and_then(|a| a.pain_auc_nrs_h.median)
        .map_or(0, auc_decimals);
    for &i in &k.ranking {
        let a = &k.arms[i];
        let is_ref = a.name == k.reference;
        let dash = |x: String| if is_ref { "—".to_string() } else { x };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} | {} |",
            a.rank,
            cell(&a.name),
            q_cell(&a.pain_auc_nrs_h, dec),
            if is_ref {
                "reference".into()
            } else {
                ci_cell(&a.diff_pain_auc_nrs_h, dec)
            },
            dash(signed(a.diff_pain_auc_pct, 1)),
            dash(ci_cell(&a.diff_mean_pain_0_100, 1)),
            q_cell(&a.spasm_h, 1),
            dash(ci_cell(&a.diff_spasm_h, 1)),
            q_cell(&a.time_to_relief_h, 1),
            q_cell(&a.time_to_recovery_h, 1),
            q_cell(&a.cycle_broken_h, 1),
            100.0 * a.fraction_broken,
            dash(format!("{:.0}", 100.0 * a.fraction_better)),
        );
    }
    let _ = writeln!(s, "\n## The patients\n");
    let _ = writeln!(
        s,
        "Each parameter drawn independently (see `models/cohort.toml` for the distributions \
         and their sources); values in the set's units.\n"
    );
    let _ = writeln!(
        s,
        "| parameter | unit | patient's value | truncated to | drawn median [IQR] | drawn min – max |"
    );
    let _ = writeln!(s, "|---|---|---:|---|---:|---:|");
    for d in &k.drawn {
        let g = sig4;
        let gq = |x: Option<f64>| x.map_or("—".into(), g);
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | [{}, {}] | {} [{}, {}] | {} – {} |",
            d.name,
            d.unit,
            g(d.centre),
            g(d.range[0]),
            g(d.range[1]),
            gq(d.quartiles.median),
            gq(d.quartiles.q1),
            gq(d.quartiles.q3),
            g(d.min_max[0]),
            g(d.min_max[1])
        );
    }
    if !k.excluded.is_empty() {
        let _ = writeln!(s, "\n## Excluded patients\n");
        for e in &k.excluded {
            let _ = writeln!(s, "- patient {}: {}", e.patient, cell(&e.reason));
        }
    }
    let _ = writeln!(s, "\n## Definitions\n");
    let _ = writeln!(
        s,
        "Quartiles by linear interpolation (type 7). \"n.r.\" = not reached: more than that \
         fraction of patients do not reach the event within the run (censored at the end). \
         Δ = arm − reference in the same patient (paired); 95 % CI = mean ± 1.96·SD/√N \
         (normal approximation). Δ mean pain (0–100) = Δ pain AUC / window × 10 (model.md \
         target 9 scale). Loop broken by {} h = no spasm from {} h after the lift to the end \
         of the run. Better than reference = pain AUC below the reference arm's in the same \
         patient.\n",
        fmt_num(k.broken_from_h),
        fmt_num(k.broken_from_h)
    );
    s.push_str(&definitions(k.spasm_threshold_pct_mvc, &w));
    s
}

/// `cohort.csv`: one row per arm in rank order; empty cells = not reached / not
/// defined (one patient).
pub fn cohort_csv(k: &CohortSummary) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "rank",
        "arm",
        "reference",
        "patients",
        "seed",
        "auc_window_h",
        "broken_from_h",
    ]
    .map(String::from)
    .to_vec();
    let qcols = |name: &str| {
        ["q1", "median", "q3"]
            .iter()
            .map(|q| format!("{name}_{q}"))
            .collect::<Vec<_>>()
    };
    let ccols = |name: &str| {
        ["mean", "lo95", "hi95"]
            .iter()
            .map(|q| format!("{name}_{q}"))
            .collect::<Vec<_>>()
    };
    header.extend(qcols("pain_auc_nrs_h"));
    header.push("pain_auc_mean_nrs_h".into());
    header.extend(ccols("diff_pain_auc_nrs_h"));
    header.push("diff_pain_auc_pct".into());
    header.extend(ccols("diff_mean_pain_0_100"));
    header.extend(qcols("spasm_h"));
    header.extend(ccols("diff_spasm_h"));
    header.extend(qcols("peak_pain_nrs"));
    header.extend(qcols("ischemic_min"));
    header.extend(qcols("time_to_relief_h"));
    header.extend(qcols("time_to_recovery_h"));
    header.extend(qcols("cycle_broken_h"));
    header.extend(
        [
            "relapses_mean",
            "fraction_broken",
            "fraction_better",
            "pain_auc_p5_nrs_h",
            "pain_auc_p95_nrs_h",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    let q = |q: &Quartiles| [csv_opt(q.q1), csv_opt(q.median), csv_opt(q.q3)];
    let c = |m: &MeanCi| [fmt_num(m.mean), csv_opt(m.lo), csv_opt(m.hi)];
    for &i in &k.ranking {
        let a = &k.arms[i];
        let mut row = vec![
            a.rank.to_string(),
            a.name.clone(),
            (a.name == k.reference).to_string(),
            a.patients.to_string(),
            k.seed.to_string(),
            fmt_num(k.auc_window_h),
            fmt_num(k.broken_from_h),
        ];
        row.extend(q(&a.pain_auc_nrs_h));
        row.push(fmt_num(a.pain_auc_mean_nrs_h));
        row.extend(c(&a.diff_pain_auc_nrs_h));
        row.push(fmt_num(a.diff_pain_auc_pct));
        row.extend(c(&a.diff_mean_pain_0_100));
        row.extend(q(&a.spasm_h));
        row.extend(c(&a.diff_spasm_h));
        row.extend(q(&a.peak_pain_nrs));
        row.extend(q(&a.ischemic_min));
        row.extend(q(&a.time_to_relief_h));
        row.extend(q(&a.time_to_recovery_h));
        row.extend(q(&a.cycle_broken_h));
        row.push(fmt_num(a.relapses_mean));
        row.push(fmt_num(a.fraction_broken));
        row.push(fmt_num(a.fraction_better));
        row.push(fmt_num(a.pain_auc_p5_p95[0]));
        row.push(fmt_num(a.pain_auc_p5_p95[1]));
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_signs() {
        assert_eq!(window_label(168.0), "0–7 d");
        assert_eq!(window_label(24.0), "0–24 h");
        assert_eq!(window_label(96.0), "0–4 d");
        assert_eq!(signed(-0.01, 0), "0");
        assert_eq!(signed(-12.34, 1), "-12.3");
        assert_eq!(signed(3.0, 0), "+3");
        assert_eq!(sig4(0.0022), "0.002200");
        assert_eq!(sig4(689.0), "689.0");
        assert_eq!(sig4(1073.0), "1073");
        assert_eq!(sig4(2.5e-7), "2.500e-7");
    }
}
