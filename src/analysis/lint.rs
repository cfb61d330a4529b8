//! Semantic warnings about a scenario that reads without error but probably does not
//! do what its author meant (`spasm check`; printed once, briefly, by `spasm run` and
//! `spasm compare`). Every warning has a stable [`WarningCode`]:
//!
//! - **`double_source`**: the arm's patient already has a persistent disc source
//!   (`h_disc` > 0, e.g. the `disc_herniation` set) and a `disc_herniation` trigger or
//!   intervention adds a second one (`dH/dt = h_disc + disc_source − H/tau_heal`), so
//!   the injury is doubled.
//! - **`never_in_spasm`**: the arm has spasm-targeted treatments
//!   ([`is_spasm_targeted_window`], [`is_spasm_targeted_event`]) but its muscle never
//!   enters spasm — contraction never above [`MetricThresholds::spasm_contraction`]
//!   outside voluntary effort ([`spasm_intervals`]) — even with those treatments
//!   removed, so they have nothing to act on.
//! - **`cannot_change_endpoint`**: the arm gives ibuprofen, which acts only through
//!   COX on the production of the sensitiser S (docs/model.md:
//!   `dS/dt = cox·(M·sigma_m + H·sigma_h) − S/tau_s`), and the arm has no injury
//!   or inflammation at any time (`h_initial` = 0, `h_disc` = 0, no `injury` or
//!   `disc_herniation` entry: H stays 0, so S is made only from metabolites; e.g.
//!   experimental pain only, purely nociceptive tissue pain), and the arm run
//!   without its ibuprofen has the same pain to within [`NEGLIGIBLE_PAIN_NRS`] at
//!   every output time: the drug cannot change a pain endpoint. (Both conditions:
//!   without injury a sustained contraction can still make enough S from
//!   metabolites for ibuprofen to matter.)
//!
//! - **`coarse_window`**: a time window of the figure (`[figure] windows`) holds fewer
//!   than [`MIN_WINDOW_SAMPLES`] output samples, so its curves are drawn through a
//!   few points (a zoom on the first hours of a run sampled every 10 min).
//!
//! `never_in_spasm` and `cannot_change_endpoint` need simulations: only arms with spasm-targeted treatments or
//! ibuprofen are run (and once more without them: always for ibuprofen, only when
//! the arm never enters spasm for the spasm-targeted treatments).

use crate::analysis::compare::spasm_intervals;
use crate::analysis::metrics::MetricThresholds;
use crate::model::{idx, State};
use crate::protocol::{Drug, Effect, Event, Impulse, Schedule, Window};
use crate::scenario::{Arm, ArmResult, RunError, Scenario};
use crate::simulation::Trajectory;
use crate::units::human_time;

/// Largest change of pain, NRS (0–10), at every output time, that ibuprofen may make
/// in an arm for it to be reported as unable to change the endpoint: a tenth of the
/// smallest step patients report on the 0–10 scale.
pub const NEGLIGIBLE_PAIN_NRS: f64 = 0.1;

/// Fewest output samples a figure window should hold for its curves to look smooth.
pub const MIN_WINDOW_SAMPLES: f64 = 60.0;

/// What a [`Warning`] is about (stable, for tests and scripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// A disc source on a patient that already has one.
    DoubleSource,
    /// Spasm-targeted treatment in an arm that never enters spasm.
    NeverInSpasm,
    /// Ibuprofen where there is no sensitiser for it to act on.
    CannotChangeEndpoint,
    /// A figure window with too few output samples.
    CoarseWindow,
}

impl WarningCode {
    /// The code as written in outputs (`double_source`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::DoubleSource => "double_source",
            WarningCode::NeverInSpasm => "never_in_spasm",
            WarningCode::CannotChangeEndpoint => "cannot_change_endpoint",
            WarningCode::CoarseWindow => "coarse_window",
        }
    }
}

/// A semantic warning about a scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Warning {
    /// What it is about.
    pub code: WarningCode,
    /// One line saying what is wrong and why.
    pub message: String,
    /// The arm it is about; `None` when it holds for every arm.
    pub arm: Option<String>,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning[{}]: ", self.code.as_str())?;
        if let Some(a) = &self.arm {
            write!(f, "arm '{a}': ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Whether a window acts on spasm itself: stretching, massage, heat (hot pack, bath,
/// wrap; ultrasound, which heats deep tissue) and electrical stimulation.
pub fn is_spasm_targeted_window(w: &Window) -> bool {
    matches!(
        w.effect,
        Effect::Stretch
            | Effect::Massage
            | Effect::SkinHeat(_)
            | Effect::Ultrasound { .. }
            | Effect::ElectricalStimulation(_)
    )
}

/// Whether an event acts on spasm itself: a muscle relaxant (cyclobenzaprine,
/// tizanidine) or a local anaesthetic.
pub fn is_spasm_targeted_event(e: &Event) -> bool {
    matches!(
        e.impulse,
        Impulse::Dose(Drug::Cyclobenzaprine | Drug::Tizanidine, _) | Impulse::LocalAnaesthetic(_)
    )
}

/// Whether an event is an ibuprofen dose.
fn is_ibuprofen(e: &Event) -> bool {
    matches!(e.impulse, Impulse::Dose(Drug::Ibuprofen, _))
}

/// `s` without the windows and events the predicates select.
fn without(s: &Schedule, w: fn(&Window) -> bool, e: fn(&Event) -> bool) -> Schedule {
    Schedule {
        windows: s.windows.iter().filter(|x| !w(x)).copied().collect(),
        events: s.events.iter().filter(|x| !e(x)).copied().collect(),
    }
}

/// Whether a trajectory ever shows spasm.
fn enters_spasm(tr: &Trajectory, th: &MetricThresholds) -> bool {
    !spasm_intervals(tr, th.spasm_contraction).is_empty()
}

/// Whether the arm's patient has an injury H at any time: an initial injury
/// (`h_initial` > 0), a persistent source (`h_disc` > 0), an injury event or a disc
/// source window. Without one H stays 0 and S is made only from metabolites.
fn has_injury(sc: &Scenario, arm: &Arm) -> Result<bool, RunError> {
    let patient = arm
        .patient(&sc.patient)
        .map_err(|source| RunError::Overrides {
            arm: arm.name.clone(),
            source,
        })?;
    let p = patient.params();
    Ok(p.h_initial > 0.0
        || p.h_disc > 0.0
        || arm
            .schedule
            .events
            .iter()
            .any(|e| matches!(e.impulse, Impulse::Injury(x) if x > 0.0))
        || arm
            .schedule
            .windows
            .iter()
            .any(|w| matches!(w.effect, Effect::DiscSource(r) if r > 0.0)))
}

/// The largest difference in pain between two runs on the same grid, NRS.
fn max_pain_difference(a: &Trajectory, b: &Trajectory) -> f64 {
    a.states
        .iter()
        .zip(&b.states)
        .map(|(x, y)| (x[idx::P] - y[idx::P]).abs())
        .fold(0.0, f64::max)
}

/// The warnings that need no simulation (`double_source`, `coarse_window`).
pub fn static_warnings(sc: &Scenario) -> Result<Vec<Warning>, RunError> {
    let mut out = Vec::new();
    for w in &sc.figure.windows {
        let end = w.to_s.unwrap_or(sc.duration).min(sc.duration);
        let samples = (end - w.from_s) / sc.output_every;
        if samples < MIN_WINDOW_SAMPLES {
            out.push(Warning {
                code: WarningCode::CoarseWindow,
                message: format!(
                    "the figure window {}..{} holds {} output samples ([output] every = {}), so its curves are drawn through a few points; for a smooth zoom set every to at most {}",
                    human_time(w.from_s),
                    human_time(end),
                    samples.max(0.0).floor() + 1.0,
                    human_time(sc.output_every),
                    human_time((end - w.from_s).max(1.0) / MIN_WINDOW_SAMPLES)
                ),
                arm: None,
            });
        }
    }
    for arm in &sc.arms {
        let patient = arm
            .patient(&sc.patient)
            .map_err(|source| RunError::Overrides {
                arm: arm.name.clone(),
                source,
            })?;
        let h_disc = patient.params().h_disc;
        let adds = arm
            .schedule
            .windows
            .iter()
            .any(|w| matches!(w.effect, Effect::DiscSource(r) if r > 0.0));
        if h_disc > 0.0 && adds {
            out.push(Warning {
                code: WarningCode::DoubleSource,
                message: format!(
                    "the parameter set '{}' already has a persistent disc source (h_disc > 0) and a disc_herniation trigger or intervention adds another: the injury source is doubled (use a set without h_disc, e.g. 'healthy' or 'acute_injury', or drop the disc_herniation entry)",
                    sc.set_name
                ),
                arm: Some(arm.name.clone()),
            });
        }
    }
    Ok(collapse(&out, sc.arms.len()))
}

/// Every warning about `sc` ([`static_warnings`], `never_in_spasm`,
/// `cannot_change_endpoint`). `results`, when given, are the scenario's arms as run
/// (in order, as [`Scenario::run`] returns them) and are reused; otherwise the arms
/// that need it are run here. Errors are those of running an arm.
pub fn warnings(sc: &Scenario, results: Option<&[ArmResult]>) -> Result<Vec<Warning>, RunError> {
    let mut out = static_warnings(sc)?;
    let th = MetricThresholds::default();
    let mut y0: Option<State> = None;
    let mut dynamic = Vec::new();
    for (i, arm) in sc.arms.iter().enumerate() {
        let targeted = arm.schedule.windows.iter().any(is_spasm_targeted_window)
            || arm.schedule.events.iter().any(is_spasm_targeted_event);
        let ibuprofen = arm.schedule.events.iter().any(is_ibuprofen);
        if !targeted && !ibuprofen {
            continue;
        }
        let mut run = |schedule: Schedule| -> Result<Trajectory, RunError> {
            let start = if let Some(y) = y0 {
                y
            } else {
                let y = sc.initial_state()?;
                y0 = Some(y);
                y
            };
            let a = Arm {
                name: arm.name.clone(),
                schedule,
                overrides: arm.overrides.clone(),
            };
            Ok(sc.run_arm(&a, &sc.patient, &start)?.trajectory)
        };
        let own = match results
            .and_then(|r| r.get(i))
            .filter(|r| r.name == arm.name)
        {
            Some(r) => r.trajectory.clone(),
            None => run(arm.schedule.clone())?,
        };
        if targeted && !enters_spasm(&own, &th) {
            let bare = without(
                &arm.schedule,
                is_spasm_targeted_window,
                is_spasm_targeted_event,
            );
            if !enters_spasm(&run(bare)?, &th) {
                dynamic.push(Warning {
                    code: WarningCode::NeverInSpasm,
                    message: format!(
                        "the muscle never enters spasm (contraction above {:.0} %MVC at rest), even without the arm's spasm-targeted treatments (relaxant, local anaesthetic, stretching, massage, heat, ultrasound, electrical stimulation), so they have nothing to act on",
                        th.spasm_contraction * 100.0
                    ),
                    arm: Some(arm.name.clone()),
                });
            }
        }
        if ibuprofen && !has_injury(sc, arm)? {
            let bare = without(&arm.schedule, |_| false, is_ibuprofen);
            let change = max_pain_difference(&own, &run(bare)?);
            if change < NEGLIGIBLE_PAIN_NRS {
                dynamic.push(Warning {
                    code: WarningCode::CannotChangeEndpoint,
                    message: format!(
                        "ibuprofen acts only through COX on the sensitiser S, which here (no injury or inflammation: purely nociceptive pain) stays near its resting level, so it changes pain by less than {NEGLIGIBLE_PAIN_NRS} NRS at any time (at most {change:.3} NRS) and cannot change a pain endpoint"
                    ),
                    arm: Some(arm.name.clone()),
                });
            }
        }
    }
    out.extend(collapse(&dynamic, sc.arms.len()));
    Ok(out)
}

/// Warnings with the same code and message for every one of `n_arms` arms become
/// one warning about the scenario (`arm: None`).
fn collapse(ws: &[Warning], n_arms: usize) -> Vec<Warning> {
    let mut out: Vec<Warning> = Vec::new();
    for w in ws {
        let same = ws
            .iter()
            .filter(|x| x.code == w.code && x.message == w.message)
            .count();
        if same == n_arms && n_arms > 1 {
            let one = Warning {
                arm: None,
                ..w.clone()
            };
            if !out.contains(&one) {
                out.push(one);
            }
        } else {
            out.push(w.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    fn sc(text: &str) -> Scenario {
        parse_scenario(text, "t.toml").unwrap()
    }

    fn codes(ws: &[Warning]) -> Vec<(WarningCode, Option<String>)> {
        ws.iter().map(|w| (w.code, w.arm.clone())).collect()
    }

    #[test]
    fn double_source_on_disc_set_with_disc_trigger_once_for_all_arms() {
        let s = sc(
            "duration = \"1 d\"\nsettle = \"0 s\"\n[model]\nset = \"disc_herniation\"\n\
                    [[trigger]]\nkind = \"disc_herniation\"\nat = \"1 h\"\nrate = \"0.08 1/d\"\n\
                    [[arm]]\nname = \"a\"\n[[arm]]\nname = \"b\"\n",
        );
        let w = static_warnings(&s).unwrap();
        assert_eq!(codes(&w), [(WarningCode::DoubleSource, None)], "{w:?}");
        assert!(w[0].to_string().starts_with("warning[double_source]: "));
    }

    #[test]
    fn no_double_source_on_healthy_set_or_without_trigger() {
        let s = sc(
            "duration = \"1 d\"\nsettle = \"0 s\"\n[model]\nset = \"healthy\"\n\
                    [[trigger]]\nkind = \"disc_herniation\"\nat = \"1 h\"\nrate = \"0.08 1/d\"\n\
                    [[arm]]\nname = \"a\"\n",
        );
        assert!(static_warnings(&s).unwrap().is_empty());
        let s = sc(
            "duration = \"1 d\"\nsettle = \"0 s\"\n[model]\nset = \"disc_herniation\"\n\
                    [[arm]]\nname = \"a\"\n",
        );
        assert!(static_warnings(&s).unwrap().is_empty());
    }

    #[test]
    fn targeted_and_ibuprofen_lists() {
        let w = |effect| Window {
            start: 0.0,
            end: 1.0,
            effect,
        };
        assert!(is_spasm_targeted_window(&w(Effect::Stretch)));
        assert!(is_spasm_targeted_window(&w(Effect::SkinHeat(43.0))));
        assert!(!is_spasm_targeted_window(&w(Effect::Tens(0.5))));
        let e = |impulse| Event { time: 0.0, impulse };
        assert!(is_spasm_targeted_event(&e(Impulse::LocalAnaesthetic(50.0))));
        assert!(!is_spasm_targeted_event(&e(Impulse::Dose(
            Drug::Ibuprofen,
            400.0
        ))));
        assert!(is_ibuprofen(&e(Impulse::Dose(Drug::Ibuprofen, 400.0))));
    }

    #[test]
    fn collapse_keeps_per_arm_warnings_when_not_every_arm_has_them() {
        let w = |arm: &str| Warning {
            code: WarningCode::NeverInSpasm,
            message: "m".into(),
            arm: Some(arm.into()),
        };
        assert_eq!(collapse(&[w("a")], 2), [w("a")]);
        assert_eq!(collapse(&[w("a"), w("b")], 2).len(), 1);
        assert_eq!(collapse(&[w("a"), w("b")], 2)[0].arm, None);
    }
}
