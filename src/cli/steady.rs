//! `spasm steady`: every steady state of the held loop, with its stability; and the
//! patient and held inputs that `steady` and `continuation` share.

use std::process::ExitCode;

use spasm::analysis::steady::{self, steady_states, Held};
use spasm::analysis::sweep::{to_canonical, Bound};
use spasm::continuation::Stability;
use spasm::model::{idx, STATE_NAMES};
use spasm::scenario::Scenario;
use spasm::simulation::{Patient, SolverConfig};
use spasm::units::Unit;

use super::args::{LoopPatientArgs, SteadyArgs};
use super::{find_arm, CliError, Output, Written};

/// The parameter set studied when neither a scenario nor `--set` is given.
const DEFAULT_SET: &str = "healthy";

/// The patient of a loop analysis.
pub(super) struct LoopPatient {
    /// The scenario's patient (with the arm's overrides), or the set's, with the
    /// command line's parameters.
    pub patient: Patient,
    /// The scenario path or "set NAME", for messages.
    pub label: String,
    /// The held inputs.
    pub held: Vec<Held>,
    /// The scenario read, and the index of `--arm` in it.
    pub scenario: Option<(Scenario, Option<usize>)>,
}

/// The patient of a loop analysis (scenario, arm overrides, or set), with the
/// parameters `params` given with `option`.
pub(super) fn loop_patient(
    args: &LoopPatientArgs,
    params: &[String],
    option: &'static str,
) -> Result<LoopPatient, CliError> {
    let (patient, label, scenario) = if let Some(path) = &args.scenario {
        let sc = Scenario::load(path)?;
        let arm = args
            .arm
            .as_deref()
            .map(|name| find_arm(&sc, path, name))
            .transpose()?;
        let patient = match arm {
            None => sc.patient.clone(),
            Some(i) => sc.arms[i].patient(&sc.patient)?,
        };
        (patient, path.display().to_string(), Some((sc, arm)))
    } else {
        let set = args.set.as_deref().unwrap_or(DEFAULT_SET);
        (Patient::embedded(set)?, format!("set {set}"), None)
    };
    let mut names = Vec::new();
    let mut values = Vec::new();
    for text in params {
        let (name, value) = split(text, option, "NAME=VALUE, e.g. h_initial=0.5")?;
        let unit = &patient
            .set()
            .entries
            .get(name)
            .ok_or_else(|| spasm::model::params::ParamError::unknown_parameter(name))?
            .unit;
        let bound = Bound::parse(value).map_err(|e| {
            CliError::option(option, text, e, "a number or a quantity such as \"2 d\"")
        })?;
        names.push(name.to_string());
        values.push(bound.in_unit(name, unit)?);
    }
    let patient = if names.is_empty() {
        patient
    } else {
        patient.with_values(
            to_canonical(&patient, &names, &values)?,
            "command line (--param / --with)",
        )?
    };
    let held = args
        .hold
        .iter()
        .map(|text| held_input(text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LoopPatient {
        patient,
        label,
        held,
        scenario,
    })
}

/// `NAME=VALUE` split at the first `=`.
fn split<'a>(
    text: &'a str,
    option: &'static str,
    expected: &'static str,
) -> Result<(&'a str, &'a str), CliError> {
    text.split_once('=')
        .map(|(n, v)| (n.trim(), v.trim()))
        .filter(|(n, v)| !n.is_empty() && !v.is_empty())
        .ok_or_else(|| CliError::option(option, text, "no NAME=VALUE", expected))
}

/// One `--hold NAME=VALUE`, the value in the input's canonical unit (a bare number)
/// or a quantity.
fn held_input(text: &str) -> Result<Held, CliError> {
    const EXPECTED: &str = "NAME=VALUE with NAME one of activity, stress, cuff, skin_heat, tens, voluntary, experimental_pain";
    let (name, value) = split(text, "--hold", EXPECTED)?;
    let &(_, unit, ..) = steady::held_input(name)
        .ok_or_else(|| CliError::option("--hold", text, "unknown input", EXPECTED))?;
    let bound = Bound::parse(value)
        .map_err(|e| CliError::option("--hold", text, e, "a number or a quantity"))?;
    let v = match &bound.unit {
        None => bound.value,
        Some(u) => Unit::convert(bound.value, u, unit)
            .map_err(|e| CliError::option("--hold", text, e, "a value in a unit of the input"))?,
    };
    Ok(Held::new(name, v)?)
}

/// The held inputs as text: "inputs at rest", or "activity held at 1, cuff held at
/// 50 mmHg".
pub(super) fn held_text(held: &[Held]) -> String {
    if held.is_empty() {
        return "inputs at rest".to_string();
    }
    held.iter()
        .map(|h| match h.unit {
            "1" => format!("{} held at {}", h.name, h.value),
            unit => format!("{} held at {} {unit}", h.name, h.value),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Run `spasm steady`.
pub(super) fn steady(args: &SteadyArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("steady", args.output);
    let LoopPatient {
        patient,
        label,
        held,
        ..
    } = loop_patient(&args.patient, &args.params, "--param")?;
    let found = steady_states(&patient, &held, &SolverConfig::default())?;
    if out.text() {
        print_table(&label, &held, patient.params().h_initial, &found)?;
    }
    let names: Vec<&str> = STATE_NAMES.iter().map(|(n, _)| *n).collect();
    out.emit(
        Written::Nothing,
        serde_json::json!({
            "patient": label,
            "held": held,
            "injury_h": patient.params().h_initial,
            "state_names": names,
            "steady_states": found.states,
            "failed_starts": found.failures,
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The steady states `found` of `label` as a table (injury held at `injury`, the
/// inputs `held`).
fn print_table(
    label: &str,
    held: &[Held],
    injury: f64,
    found: &steady::SteadyStates,
) -> Result<(), CliError> {
    let held_text = held_text(held);
    say!("steady states of {label}, injury H held at {injury}, {held_text}:");
    say!(
        "{:>3} {:>9} {:>7} {:>7} {:>8} {:>7} {:>7}  {:<15} {:>14}  found from",
        "#",
        "a %MVC",
        "gamma",
        "O",
        "M mM",
        "P NRS",
        "Z",
        "stability",
        "max Re λ 1/s"
    );
    for (k, s) in found.states.iter().enumerate() {
        let st = &s.equilibrium.stability;
        let verdict = match st.verdict {
            Stability::Stable => "stable".to_string(),
            Stability::Unstable => format!("unstable ({})", st.n_unstable),
            Stability::NonHyperbolic => "non-hyperbolic".to_string(),
        };
        say!(
            "{:>3} {:>9.2} {:>7.3} {:>7.3} {:>8.3} {:>7.2} {:>7.3}  {:<15} {:>14.3e}  {:?}",
            k + 1,
            100.0 * s.state[idx::A],
            s.state[idx::GAMMA],
            s.state[idx::O],
            s.state[idx::M],
            s.state[idx::P],
            s.state[idx::Z],
            verdict,
            st.max_real,
            s.found_from
        );
    }
    for (start, reason) in &found.failures {
        say!("start {start:?} did not converge: {reason}");
    }
    Ok(())
}
