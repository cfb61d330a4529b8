//! Step 2 of the scenario reader: meaning. The [`Spec`] of step 1 becomes a
//! [`Scenario`]: the parameter set is looked up and the overrides applied (the
//! scenario's, then each arm's on its own copy), and every trigger and intervention
//! entry is read against the catalogue and expanded into its schedule
//! ([`super::entries`]).

use std::ops::Range;

use toml::de::DeValue;

use super::entries::entry;
use super::error::ErrorKind;
use super::spec::Spec;
use super::walk::{closest, first_line, unit_text_is_sane, Cx, Val, R};
use super::{Arm, Scenario};
use crate::model::params::{ParamError, ParamSet, Params};
use crate::protocol::catalogue::limits;
use crate::protocol::Schedule;
use crate::simulation::Patient;
use crate::units::{Quantity, UnitError};

/// Resolve a read scenario; `text` is kept in it (hashed into manifests).
pub(super) fn resolve(cx: &Cx, spec: Spec, text: &str) -> R<Scenario> {
    let sv = &spec.set_value;
    let set_name = spec.set_name.clone();
    let mut set = ParamSet::embedded(&set_name).map_err(|e| match e {
        ParamError::UnknownSet { available, .. } => cx.bad(
            sv,
            ErrorKind::UnknownSet,
            format!(
                "unknown parameter set '{set_name}'{}",
                closest(&set_name.replace([' ', '-'], "_"), available.split(", "))
                    .map(|c| format!(" (did you mean '{c}'?)"))
                    .unwrap_or_default()
            ),
            "the name of an embedded parameter set",
            Some(available),
        ),
        other => cx.bad(sv, ErrorKind::UnknownSet, other.to_string(), "", None),
    })?;
    if let Some(ov) = &spec.overrides {
        overrides(cx, ov, "[model.overrides]", &mut set)?;
    }
    let patient = Patient::from_set(set.clone())
        .map_err(|e| cx.bad(sv, ErrorKind::OutOfRange, e.to_string(), "", None))?;

    // Triggers, then arms.
    let run = &spec.run;
    let mut triggers = Schedule::default();
    for t in &spec.triggers {
        entry(cx, t, run, &mut triggers)?;
        let n = triggers.windows.len() + triggers.events.len();
        if n > limits::MAX_SCHEDULED {
            return Err(cx.err(
                ErrorKind::OutOfRange,
                &t.key,
                first_line(cx.text, t.span.clone()),
                format!("the triggers now hold {n} sessions and events"),
                "fewer or longer-spaced triggers",
                Some(format!("at most {} in all", limits::MAX_SCHEDULED)),
            ));
        }
    }
    let mut arms: Vec<Arm> = Vec::new();
    for a in spec.arms? {
        let mut schedule = triggers.clone();
        for it in &a.interventions {
            entry(cx, it, run, &mut schedule)?;
            let n = schedule.windows.len() + schedule.events.len();
            if n > limits::MAX_SCHEDULED {
                return Err(cx.err(
                    ErrorKind::OutOfRange,
                    &it.key,
                    first_line(cx.text, it.span.clone()),
                    format!("arm '{}' now holds {n} sessions and doses", a.name),
                    "fewer or longer-spaced sessions",
                    Some(format!("at most {} per arm", limits::MAX_SCHEDULED)),
                ));
            }
        }
        let mut arm_overrides = Vec::new();
        if let Some(ov) = &a.overrides {
            let mut arm_set = set.clone();
            let names = overrides(cx, ov, &format!("{}.overrides", a.table.what), &mut arm_set)?;
            let arm_params = arm_set
                .to_params()
                .map_err(|e| cx.bad(ov, ErrorKind::OutOfRange, e.to_string(), "", None))?;
            let values = arm_params.values();
            for n in names {
                if let Some((_, x)) = values.iter().find(|(k, _)| *k == n) {
                    arm_overrides.push((n, *x));
                }
            }
        }
        arms.push(Arm {
            name: a.name.clone(),
            schedule,
            overrides: arm_overrides,
        });
    }

    Ok(Scenario {
        name: spec.name,
        description: spec.description,
        set_name,
        patient,
        arms,
        duration: spec.run.duration,
        output_every: spec.output_every,
        settle: spec.settle,
        time_unit: spec.time_unit,
        output_depths: spec.output_depths,
        sweep: spec.sweep,
        figure: spec.figure,
        solver: spec.solver,
        source_text: text.to_string(),
    })
}

/// Apply a table of parameter overrides (`[model.overrides]` or an arm's
/// `overrides`) to `set`; returns the names overridden, in the order written.
fn overrides(cx: &Cx, v: &Val, what: &str, set: &mut ParamSet) -> R<Vec<String>> {
    let ot = cx.table(v, what, "a table of parameter = value")?;
    let mut names = Vec::new();
    for (k, v) in ot.entries() {
        let pname: &str = k.get_ref();
        let val = Val {
            key: ot.path(pname),
            span: v.span(),
            v: v.get_ref(),
        };
        override_param(cx, set, pname, k.span(), &val)?;
        names.push(pname.to_string());
    }
    Ok(names)
}

/// Apply one `[model.overrides]` entry: a plain number in the set's unit, or a string
/// "value unit".
fn override_param(
    cx: &Cx,
    set: &mut ParamSet,
    name: &str,
    key_span: Range<usize>,
    v: &Val,
) -> R<()> {
    let Some(info) = set.entries.get(name).cloned() else {
        let close = closest(name, Params::NAMES.iter().map(|(n, _)| *n))
            .map(|c| format!(" (did you mean '{c}'?)"))
            .unwrap_or_default();
        return Err(cx.err(
            ErrorKind::UnknownParameter,
            &v.key,
            key_span,
            format!("unknown parameter '{name}'{close}"),
            "the name of a model parameter",
            Some("the parameters listed in docs/model.md and models/healthy.toml".into()),
        ));
    };
    let expected = format!(
        "a number in {} or a string with a unit, such as \"{} {}\"",
        info.unit, info.value, info.unit
    );
    let (value, unit) = match v.v {
        DeValue::String(s) => {
            let parsed = if unit_text_is_sane(s) {
                Quantity::parse(s)
            } else {
                Err(UnitError::Unknown {
                    token: s.trim().to_string(),
                    known: String::new(),
                })
            };
            let q = parsed.map_err(|e| {
                let kind = match e {
                    UnitError::Unknown { .. } => ErrorKind::UnknownUnit,
                    UnitError::NotFinite { .. } => ErrorKind::NotFinite,
                    _ => ErrorKind::BadQuantity,
                };
                let msg = match e {
                    UnitError::Unknown { token, .. } => format!("unknown unit '{token}'"),
                    other => other.to_string(),
                };
                cx.bad(
                    v,
                    kind,
                    msg,
                    expected.clone(),
                    Some(format!("units of the same kind as {}", info.unit)),
                )
            })?;
            (q.value, Some(q.unit))
        }
        _ => (cx.number(v, &expected)?, None),
    };
    set.set_value(name, value, unit.as_deref(), "scenario override")
        .map_err(|e| match e {
            ParamError::Unit { .. } => cx.bad(
                v,
                ErrorKind::WrongUnit,
                format!(
                    "'{}' does not measure the same thing as {}",
                    unit.clone().unwrap_or_default(),
                    info.unit
                ),
                expected.clone(),
                Some(format!("units of the same kind as {}", info.unit)),
            ),
            ParamError::NotFinite { .. } => cx.bad(
                v,
                ErrorKind::NotFinite,
                "not a finite number",
                expected.clone(),
                None,
            ),
            other => cx.bad(
                v,
                ErrorKind::OutOfRange,
                other.to_string(),
                expected.clone(),
                None,
            ),
        })?;
    let new = set.entries.get(name).map_or(value, |p| p.value);
    if new < 0.0 && info.range[0] >= 0.0 {
        return Err(cx.bad(
            v,
            ErrorKind::OutOfRange,
            format!("{name} cannot be negative"),
            expected,
            Some(format!(
                "0 or more {}; documented plausible range {}–{} {}",
                info.unit, info.range[0], info.range[1], info.unit
            )),
        ));
    }
    if new == 0.0 && info.range[0] > 0.0 {
        return Err(cx.bad(
            v,
            ErrorKind::OutOfRange,
            format!("{name} must be more than 0"),
            expected,
            Some(format!(
                "more than 0 {}; documented plausible range {}–{} {}",
                info.unit, info.range[0], info.range[1], info.unit
            )),
        ));
    }
    if !new.is_finite() {
        return Err(cx.bad(
            v,
            ErrorKind::NotFinite,
            "not a finite number after conversion",
            expected,
            None,
        ));
    }
    Ok(())
}
