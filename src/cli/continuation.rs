//! `spasm continuation`: the bifurcation diagram of the held loop over one parameter,
//! and its folds over a second.

use std::process::ExitCode;

use spasm::analysis::bifurcation::{diagram, fold_curves, Axis, Diagram, FoldCurves, RegionKind};
use spasm::analysis::sweep::Bound;
use spasm::report::continuation_dir::{summary_json, write_continuation_dir, ContinuationOutput};
use spasm::simulation::{Patient, SolverConfig};

use super::args::ContinuationArgs;
use super::steady::{held_text, loop_patient, LoopPatient};
use super::{command_line, output_target, CliError, Output, Written};

/// The range `from..to` of parameter `name` of `patient` (numbers in the set's unit,
/// or quantities).
fn axis(
    patient: &Patient,
    name: &str,
    (from, to): (&str, &str),
    option: &'static str,
) -> Result<Axis, CliError> {
    let unit = &patient
        .set()
        .entries
        .get(name)
        .ok_or_else(|| spasm::model::params::ParamError::unknown_parameter(name))?
        .unit;
    let value = |text: &str| -> Result<f64, CliError> {
        let b = Bound::parse(text).map_err(|e| {
            CliError::option(option, text, e, "a number in the set's unit or a quantity")
        })?;
        Ok(b.in_unit(name, unit)?)
    };
    Ok(Axis::new(patient, name, value(from)?, value(to)?)?)
}

/// Run `spasm continuation`.
pub(super) fn continuation(args: ContinuationArgs) -> Result<ExitCode, CliError> {
    let output = Output::new("continuation", args.output);
    let scenario = args.patient.scenario.clone();
    let target = output_target(
        args.out,
        scenario.as_deref(),
        "continuation",
        &format!("-continuation-{}", args.param),
    )?;
    let LoopPatient {
        patient,
        label,
        held,
        ..
    } = loop_patient(&args.patient, &args.with, "--with")?;
    let p = axis(&patient, &args.param, (&args.from, &args.to), "--from/--to")?;
    let q = match (&args.param2, &args.from2, &args.to2) {
        (Some(name), Some(from), Some(to)) => {
            let q = axis(&patient, name, (from, to), "--from2/--to2")?;
            if !q.contains_own_value() {
                return Err(CliError::option(
                    "--from2/--to2",
                    &format!("{from}..{to}"),
                    format!("the patient's {name} ({}) lies outside", q.value),
                    "a range that contains the patient's own value (the folds start there)",
                ));
            }
            Some(q)
        }
        _ => None,
    };
    let d = diagram(&patient, &held, &p, &SolverConfig::default())?;
    let folds = q
        .as_ref()
        .map(|q| fold_curves(&patient, &held, &d, q))
        .transpose()?;
    let held_text = held_text(&held);
    let out = ContinuationOutput {
        patient: &label,
        held: &held_text,
        diagram: &d,
        folds: folds.as_ref(),
    };
    let dir = write_continuation_dir(&target.dir, &out, &target.inputs, &command_line())?;
    if output.text() {
        print_diagram(&p, &label, &d, folds.as_ref(), &dir)?;
    }
    output.emit(Written::Dir(&dir), summary_json(&out))?;
    Ok(ExitCode::SUCCESS)
}

/// The diagram `d` of `label` over `p` (and the fold curves) for people.
fn print_diagram(
    p: &Axis,
    label: &str,
    d: &Diagram,
    folds: Option<&FoldCurves>,
    dir: &std::path::Path,
) -> Result<(), CliError> {
    let unit = if p.unit == "1" {
        String::new()
    } else {
        format!(" {}", p.unit)
    };
    say!(
        "{} branch(es) of {label} over {} = {}..{}{unit}",
        d.branches.len(),
        p.name,
        p.lo,
        p.hi
    );
    for s in &d.special {
        let extra = if s.kind == "hopf" {
            format!(", period {:.1} min", std::f64::consts::TAU / s.omega / 60.0)
        } else {
            String::new()
        };
        say!(
            "  {:<5} at {} = {:.6}{unit} (a = {:.1} %MVC, pain {:.2}){extra}",
            s.kind,
            p.name,
            s.value,
            100.0 * s.a,
            s.pain
        );
    }
    if d.regions.is_empty() {
        say!("monostable over the whole range");
    }
    for r in &d.regions {
        let what = match r.kind {
            RegionKind::Spasm => format!(
                "relaxed or in spasm (contraction differs by {:.1} %MVC)",
                100.0 * r.delta_a
            ),
            RegionKind::Pain => format!(
                "same contraction, low or high pain (pain differs by {:.1} NRS)",
                r.delta_pain
            ),
        };
        say!(
            "bistable for {} = {:.4}..{:.4}{unit}: {what}",
            p.name,
            r.lo,
            r.hi
        );
    }
    if let Some(f) = folds {
        let points = |v: &[(f64, f64)]| {
            if v.is_empty() {
                "none in the box".to_string()
            } else {
                v.iter()
                    .map(|(a, b)| format!("({a:.4}, {b:.4})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        say!(
            "{} fold curve(s) in {} × {}; cusps: {}; Bogdanov–Takens points: {}",
            f.curves.len(),
            p.name,
            f.q.name,
            points(&f.cusps),
            points(&f.bogdanov_takens)
        );
        for e in &f.failures {
            say!("  not continued: {e}");
        }
    }
    for e in &d.failures {
        say!("  (a start that did not converge: {e})");
    }
    say!("wrote {}", dir.display());
    Ok(())
}
