//! Validation targets of docs/model.md §6, one test per target. Each asserts every
//! row of the target; a failing row prints target, expected and measured.

use spasm::analysis::validate::{self, Check};

fn assert_all(rows: &[Check]) {
    let failed: Vec<String> = rows
        .iter()
        .filter(|c| !c.pass)
        .map(|c| {
            format!(
                "target {}: {} — expected {}, measured {}",
                c.target, c.name, c.expected, c.measured
            )
        })
        .collect();
    assert!(!rows.is_empty());
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn target1_rest_is_a_stable_steady_state() {
    assert_all(&validate::target1().unwrap());
}

#[test]
fn target2_occlusion_thresholds() {
    assert_all(&validate::target2().unwrap());
}

#[test]
fn target3_five_percent_for_an_hour() {
    assert_all(&validate::target3().unwrap());
}

#[test]
fn target4_interstitial_potassium() {
    assert_all(&validate::target4().unwrap());
}

#[test]
fn target5_static_stretch() {
    assert_all(&validate::target5().unwrap());
}

#[test]
fn target6_heat_massage_and_movement() {
    assert_all(&validate::target6().unwrap());
}

#[test]
fn target7_pharmacokinetics() {
    assert_all(&validate::target7().unwrap());
}

#[test]
fn target8_regimes_hysteresis_and_pain_adaptation() {
    assert_all(&validate::target8().unwrap());
}

#[test]
fn target9_interventions_beat_no_treatment() {
    assert_all(&validate::target9().unwrap());
}

#[test]
fn target10_cohort_natural_history_over_12_months() {
    assert_all(&validate::target10().unwrap());
}

#[test]
fn target11_numerics() {
    assert_all(&validate::target11().unwrap());
}

#[test]
fn target12_voluntary_relaxation_is_fast() {
    assert_all(&validate::target12().unwrap());
}

#[test]
fn target13_acute_pain_does_not_hold_a_relaxed_muscle() {
    assert_all(&validate::target13().unwrap());
}

#[test]
fn target14_ischaemia_alone_is_not_a_spasm() {
    assert_all(&validate::target14().unwrap());
}

#[test]
fn target15_ultrasound_depth() {
    assert_all(&validate::target15().unwrap());
}

#[test]
fn target16_absolute_strength() {
    assert_all(&validate::target16().unwrap());
}

#[test]
fn every_target_has_a_test() {
    // One test per target above; this one fails when a target is added without one.
    assert_eq!(validate::TARGETS.len(), 16);
}
