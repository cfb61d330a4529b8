//! SBML Level 3 Version 2 export, written with quick-xml (no C++ libraries).
//!
//! Length: ≈ 820 lines plus tests. [`to_sbml`] writes the document top to bottom in
//! the order SBML prescribes (units, parameters, initial assignments, rules, events),
//! with its unit table and event plan beside it; kept in one file so that the order
//! of the document can be read in one place.
//!
//! Layout of the exported model (identifiers are the CSV column names):
//!
//! - **states** (`a`, `cap`, `gamma`, `O`, …, `la_depot`): parameters with
//!   `constant="false"` and a rate rule; initial values = the given state (before
//!   anything scheduled at t = 0, which is an event like any other);
//! - **model parameters** (every [`Params`] field): constant parameters with their
//!   value in canonical units; notes and a `spasm:parameter` annotation hold the
//!   meaning, the value and unit as written in the set, the range and the source;
//! - **derived constants** `o_art`, `k_13`, `k_core`, `t_ref`: constant parameters with
//!   an initial assignment (the formula of `Model::new`) and the computed value;
//! - **drivers** ([`DRIVER_NAMES`]): parameters with `constant="false"`, initial value
//!   the model's base drivers (nothing scheduled), changed by events;
//! - **algebraic quantities** (`a_tot`, `p_im`, `g`, `V`, `Q`, `D`, `phi`, `n_met`,
//!   `n_tis`, `n`, `spindle`, `u`, `cox`, `relax`, …): assignment rules;
//! - **schedule**: one event per scheduled time t_k in [0, t_end] with trigger
//!   `time >= t_k`, `initialValue="false"` (so that an event at t_k = 0 fires at
//!   t = 0: its trigger goes from false to true there, and the output at t = 0 shows
//!   its effect), `persistent="true"`, `useValuesFromTriggerTime="false"` and an
//!   explicit `<priority>` that decreases with t_k (should a tool ever fire two at
//!   once, the earlier is applied first and the later sees its result, as in the
//!   simulator). One event sets every driver that changes at t_k and applies all
//!   impulses at t_k in the order given (oral dose: gut += F·dose; local anaesthetic:
//!   la_depot += dose; injury: H ← H + size·(1 − H)), composed into one assignment
//!   per variable, so two doses of one drug at one time both count.
//!
//! Time is in seconds (`timeUnits="second"`). Temperatures are in °C; SBML Level 3
//! units have no offset, so the unit `degC` is declared as kelvin (right for
//! differences, and said so in the notes).

use std::collections::{BTreeMap, HashSet};

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::equations::{driver_values, equations, Equations, DRIVER_NAMES};
use super::math::{fmt_double, id, num, qty, rel, Expr, Rel};
use crate::model::params::{ParamSet, Params};
use crate::model::{idx, Derived, Drivers, State, NS, STATE_NAMES};
use crate::protocol::{Drug, Impulse, Schedule};
use crate::simulation::Patient;
use crate::units::HOUR;

/// Why a model could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A quantity's unit has no SBML unit definition here.
    #[error("no SBML unit definition for unit '{unit}' of '{name}'")]
    UnknownUnit {
        /// The quantity.
        name: String,
        /// Its unit.
        unit: String,
    },
    /// A value that SBML would have to hold is NaN or infinite.
    #[error("{what} is not a finite number ({value})")]
    NotFinite {
        /// What.
        what: String,
        /// The value.
        value: f64,
    },
    /// The run length is not a positive finite number of seconds.
    #[error("the run length must be a positive number of seconds, not {0}")]
    BadRunLength(f64),
    /// Two SBML objects would share an identifier (a bug in the exporter).
    #[error("duplicate SBML identifier '{0}'")]
    DuplicateId(String),
    /// Writing the XML failed.
    #[error("writing SBML: {0}")]
    Xml(#[from] std::io::Error),
}

/// Every model parameter with its value in canonical units, in [`Params::NAMES`]
/// order.
pub fn parameter_values(p: &Params) -> Vec<(&'static str, f64)> {
    p.values()
}

/// The derived constants (see [`Derived`]) computed from `p`, with their SBML ids.
pub fn derived_constant_values(p: &Params) -> Vec<(&'static str, f64)> {
    Derived::<f64>::NAMES
        .iter()
        .zip(Derived::new(p).values())
        .map(|((n, _, _), v)| (*n, v))
        .collect()
}

/// What happens at one scheduled time.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Time, s.
    pub time: f64,
    /// Drivers in force from `time` on (until the next step).
    pub drivers: Drivers,
    /// Impulses applied at `time`, in the order given in the schedule.
    pub impulses: Vec<Impulse>,
}

/// A schedule flattened into what a simulator without schedules needs: drivers and
/// impulses at t = 0, then every later time where something changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Drivers in force from t = 0.
    pub drivers0: Drivers,
    /// Impulses at t = 0 (applied to the initial state).
    pub impulses0: Vec<Impulse>,
    /// Later scheduled times in (0, t_end], increasing.
    pub steps: Vec<Step>,
}

/// Flatten `schedule` on top of the base drivers `base` over [0, `t_end`] s, with the
/// simulator's rules (windows `[start, end)`, events applied at their time, in order;
/// anything after `t_end` dropped).
pub fn plan(base: &Drivers, schedule: &Schedule, t_end: f64) -> Plan {
    let at = |t: f64| -> Vec<Impulse> {
        schedule
            .events
            .iter()
            .filter(|e| e.time == t)
            .map(|e| e.impulse)
            .collect()
    };
    let mut times: Vec<f64> = schedule
        .windows
        .iter()
        .flat_map(|w| [w.start, w.end])
        .chain(schedule.events.iter().map(|e| e.time))
        .filter(|&t| t > 0.0 && t <= t_end)
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    Plan {
        drivers0: schedule.drivers_at(0.0, base),
        impulses0: at(0.0),
        steps: times
            .into_iter()
            .map(|t| Step {
                time: t,
                drivers: schedule.drivers_at(t, base),
                impulses: at(t),
            })
            .collect(),
    }
}

/// The oral bioavailability parameter of a drug (its SBML id).
fn bioavailability_id(d: Drug) -> &'static str {
    match d {
        Drug::Ibuprofen => "ibu_f",
        Drug::Cyclobenzaprine => "cbz_f",
        Drug::Tizanidine => "tiz_f",
    }
}

/// The state an impulse changes.
fn impulse_target(imp: &Impulse) -> usize {
    match imp {
        Impulse::Dose(Drug::Ibuprofen, _) => idx::IBU_GUT,
        Impulse::Dose(Drug::Cyclobenzaprine, _) => idx::CBZ_GUT,
        Impulse::Dose(Drug::Tizanidine, _) => idx::TIZ_GUT,
        Impulse::LocalAnaesthetic(_) => idx::LA,
        Impulse::Injury(_) => idx::H,
    }
}

/// The new value of [`impulse_target`] as a formula of its current value.
fn impulse_expr(imp: &Impulse, current: Expr) -> Expr {
    match *imp {
        Impulse::Dose(drug, mg) => current + id(bioavailability_id(drug)) * qty(mg, "mg"),
        Impulse::LocalAnaesthetic(mg) => current + qty(mg, "mg"),
        Impulse::Injury(size) => current.clone() + num(size) * (num(1.0) - current),
    }
}

fn describe_impulse(imp: &Impulse) -> String {
    match imp {
        Impulse::Dose(d, mg) => format!("{d:?} {mg} mg").to_lowercase(),
        Impulse::LocalAnaesthetic(mg) => format!("local anaesthetic {mg} mg"),
        Impulse::Injury(s) => format!("injury {s}"),
    }
}

/// SBML unit for a canonical unit string: (unit id, components (kind, exponent,
/// scale, multiplier)); builtin units have no components.
type UnitParts = &'static [(&'static str, i32, i32, f64)];

fn sbml_unit(u: &str) -> Option<(&'static str, UnitParts)> {
    Some(match u {
        "1" | "MVC" | "a.u." | "NRS" | "1/MVC" => ("dimensionless", &[]),
        "s" => ("second", &[]),
        "L" => ("litre", &[]),
        "1/s" => ("per_second", &[("second", -1, 0, 1.0)]),
        "mmHg" | "mmHg/MVC" => ("mmHg", &[("pascal", 1, 0, 133.322387415)]),
        "°C" => ("degC", &[("kelvin", 1, 0, 1.0)]),
        "1/°C" => ("per_degC", &[("kelvin", -1, 0, 1.0)]),
        "°C/s" => (
            "degC_per_second",
            &[("kelvin", 1, 0, 1.0), ("second", -1, 0, 1.0)],
        ),
        "mM" => ("mM", &[("litre", -1, 0, 1.0), ("mole", 1, -3, 1.0)]),
        "mM/s" => (
            "mM_per_second",
            &[
                ("litre", -1, 0, 1.0),
                ("mole", 1, -3, 1.0),
                ("second", -1, 0, 1.0),
            ],
        ),
        "1/mM/s" => (
            "per_mM_per_second",
            &[
                ("litre", 1, 0, 1.0),
                ("mole", -1, -3, 1.0),
                ("second", -1, 0, 1.0),
            ],
        ),
        "N" => ("newton", &[]),
        "cm" => ("cm", &[("metre", 1, -2, 1.0)]),
        "1/cm/MHz" => (
            "per_cm_per_MHz",
            &[("metre", -1, -2, 1.0), ("hertz", -1, 6, 1.0)],
        ),
        "J/cm^3/°C" => (
            "J_per_cm3_per_degC",
            &[
                ("joule", 1, 0, 1.0),
                ("metre", -3, -2, 1.0),
                ("kelvin", -1, 0, 1.0),
            ],
        ),
        "mg" => ("mg", &[("gram", 1, -3, 1.0)]),
        "mg/L" => ("mg_per_L", &[("gram", 1, -3, 1.0), ("litre", -1, 0, 1.0)]),
        "ng/mL" => ("ng_per_mL", &[("gram", 1, -9, 1.0), ("litre", -1, -3, 1.0)]),
        "L/s" => (
            "L_per_second",
            &[("litre", 1, 0, 1.0), ("second", -1, 0, 1.0)],
        ),
        "MHz" => ("MHz", &[("hertz", 1, 6, 1.0)]),
        "W/cm2" => ("W_per_cm2", &[("metre", -2, -2, 1.0), ("watt", 1, 0, 1.0)]),
        "(ng/mL)/(mg/L)" => ("ng_per_mL_per_mg_per_L", &[("dimensionless", 1, -3, 1.0)]),
        _ => return None,
    })
}

/// Every unit string [`sbml_unit`] knows.
const KNOWN_UNITS: [&str; 22] = [
    "1",
    "s",
    "L",
    "1/s",
    "mmHg",
    "°C",
    "1/°C",
    "°C/s",
    "mM",
    "mM/s",
    "1/mM/s",
    "N",
    "cm",
    "1/cm/MHz",
    "J/cm^3/°C",
    "mg",
    "mg/L",
    "ng/mL",
    "L/s",
    "MHz",
    "W/cm2",
    "(ng/mL)/(mg/L)",
];

/// The components of a unit given by its SBML id.
fn unit_by_id(uid: &str) -> Option<(&'static str, UnitParts)> {
    KNOWN_UNITS
        .iter()
        .filter_map(|u| sbml_unit(u))
        .find(|(i, _)| *i == uid)
}

/// One SBML event: id, name, trigger time (s), assignments (variable, new value).
struct SbmlEvent(String, String, f64, Vec<(String, Expr)>);

/// Id of the event at t = 0 (later events are `ev_1`, `ev_2`, … in time order).
const EVENT_AT_ZERO_ID: &str = "ev_0";

/// One SBML parameter.
struct Param {
    id: String,
    value: f64,
    unit: (&'static str, UnitParts),
    constant: bool,
    name: String,
    notes: Vec<String>,
    annotation: Vec<(&'static str, String)>,
}

/// A minimal XML writer around quick-xml (indented by two spaces); also writes the
/// SED-ML, manifest and metadata of the COMBINE archive.
pub(super) struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    /// An empty document.
    pub(super) fn new() -> Xml {
        Xml {
            w: Writer::new_with_indent(Vec::new(), b' ', 2),
        }
    }
    /// The XML declaration (version 1.0, UTF-8).
    pub(super) fn declaration(&mut self) -> std::io::Result<()> {
        self.w
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
    }
    /// The document as text, with a final newline.
    pub(super) fn finish(self) -> Result<String, std::io::Error> {
        let mut bytes = self.w.into_inner();
        bytes.push(b'\n');
        String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
    pub(super) fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        self.w.write_event(Event::Start(
            BytesStart::new(name).with_attributes(attrs.iter().copied()),
        ))
    }
    pub(super) fn end(&mut self, name: &str) -> std::io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }
    pub(super) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
        self.w.write_event(Event::Empty(
            BytesStart::new(name).with_attributes(attrs.iter().copied()),
        ))
    }
    pub(super) fn text(&mut self, t: &str) -> std::io::Result<()> {
        self.w.write_event(Event::Text(BytesText::new(t)))
    }
    /// `text` as it is (already well-formed XML: MathML of a data generator).
    pub(super) fn raw(&mut self, text: &str) -> std::io::Result<()> {
        self.w
            .write_event(Event::Text(BytesText::from_escaped(text)))
    }
    /// MathML produced by [`Expr::to_mathml`] (identifiers are SIds, numbers are
    /// formatted: nothing to escape).
    pub(super) fn math(&mut self, e: &Expr) -> std::io::Result<()> {
        self.w
            .write_event(Event::Text(BytesText::from_escaped(e.to_mathml())))
    }
    pub(super) fn notes(&mut self, paragraphs: &[String]) -> std::io::Result<()> {
        if paragraphs.is_empty() {
            return Ok(());
        }
        self.start("notes", &[])?;
        self.start("body", &[("xmlns", "http://www.w3.org/1999/xhtml")])?;
        for p in paragraphs {
            self.start("p", &[])?;
            self.text(p)?;
            self.end("p")?;
        }
        self.end("body")?;
        self.end("notes")
    }
}

/// Namespace of spasm's own annotations.
pub(super) const ANNOTATION_NS: &str = "urn:spasm:sbml:annotation:1";

fn finite(what: impl Into<String>, value: f64) -> Result<f64, ExportError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ExportError::NotFinite {
            what: what.into(),
            value,
        })
    }
}

fn unit_of(name: &str, unit: &str) -> Result<(&'static str, UnitParts), ExportError> {
    sbml_unit(unit).ok_or_else(|| ExportError::UnknownUnit {
        name: name.to_string(),
        unit: unit.to_string(),
    })
}

/// Export `patient` starting from state `y0` at t = 0 as SBML Level 3 Version 2.
///
/// - `patient`: its model gives the values (canonical units, base drivers); its
///   parameter set gives each parameter's meaning, value and unit as written, range and
///   source for the notes; a parameter an override changed says so in its notes.
/// - `y0`: the initial state (usually the settled state), in the units of
///   [`STATE_NAMES`].
/// - `schedule`: one arm's schedule (times in s); `None` exports the model with the
///   base drivers held constant and no events.
/// - `t_end`: run length, s; scheduled times after it are dropped (an event exactly at
///   `t_end` is kept, as the simulator applies it before the last output).
///
/// Simulating the result from 0 to `t_end` s reproduces the simulator with the same
/// arguments (output right-continuous at events in both).
///
/// ```
/// use spasm::report::exchange::to_sbml;
/// use spasm::simulation::Patient;
///
/// let patient = Patient::embedded("healthy")?;
/// let xml = to_sbml(&patient, &patient.rested()?, None, 86_400.0)?;
/// assert!(xml.contains("<sbml") && xml.contains("level=\"3\"") && xml.contains("id=\"k_o\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_sbml(
    patient: &Patient,
    y0: &State,
    schedule: Option<&Schedule>,
    t_end: f64,
) -> Result<String, ExportError> {
    if !(t_end.is_finite() && t_end > 0.0) {
        return Err(ExportError::BadRunLength(t_end));
    }
    let (set, model) = (patient.set(), patient.model());
    let p = model.params();
    let empty = Schedule::default();
    let plan = plan(&model.drivers, schedule.unwrap_or(&empty), t_end);
    let eq = equations();

    // Initial state: y0 as given; what is scheduled at t = 0 is the event `ev_0`.
    let y = *y0;
    for (k, (name, _)) in STATE_NAMES.iter().enumerate() {
        finite(format!("initial value of state '{name}'"), y[k])?;
    }

    // Values of every identifier at t = 0 (for the value attributes of rule targets).
    let mut values: BTreeMap<String, f64> = BTreeMap::new();
    let pv = parameter_values(p);
    let dv = derived_constant_values(p);
    values.extend(pv.iter().map(|(n, v)| (n.to_string(), *v)));
    values.extend(dv.iter().map(|(n, v)| (n.to_string(), *v)));
    let d0 = driver_values(&model.drivers);
    values.extend(
        DRIVER_NAMES
            .iter()
            .zip(d0.iter().copied())
            .map(|((n, _, _), v)| (n.to_string(), v)),
    );
    values.extend(
        STATE_NAMES
            .iter()
            .enumerate()
            .map(|(k, (n, _))| (n.to_string(), y[k])),
    );
    for d in &eq.assignments {
        let v = d
            .expr
            .eval(&|s| values.get(s).copied().unwrap_or(f64::NAN), 0.0);
        values.insert(d.id.to_string(), v);
    }

    let params = collect_params(set, &pv, &dv, &eq, &d0, &y, &values)?;

    // Every identifier unique.
    let mut seen = HashSet::new();
    for prm in &params {
        if !seen.insert(prm.id.clone()) {
            return Err(ExportError::DuplicateId(prm.id.clone()));
        }
    }

    // Events: what happens at t = 0 (from the base drivers), then every later time.
    let at_zero = Step {
        time: 0.0,
        drivers: plan.drivers0,
        impulses: plan.impulses0.clone(),
    };
    let mut prev = model.drivers;
    let mut events: Vec<SbmlEvent> = Vec::new();
    for (k, step) in std::iter::once(&at_zero).chain(&plan.steps).enumerate() {
        let mut assigns: Vec<(String, Expr)> = Vec::new();
        let mut what: Vec<String> = Vec::new();
        let (old, new) = (driver_values(&prev), driver_values(&step.drivers));
        for (j, (name, unit, _)) in DRIVER_NAMES.iter().enumerate() {
            if old[j] != new[j] {
                let v = finite(format!("driver '{name}' at t = {} s", step.time), new[j])?;
                assigns.push((name.to_string(), qty(v, unit_of(name, unit)?.0)));
                what.push(if *unit == "1" {
                    format!("{name} = {v}")
                } else {
                    format!("{name} = {v} {unit}")
                });
            }
        }
        let mut current: BTreeMap<usize, Expr> = BTreeMap::new();
        for imp in &step.impulses {
            let target = impulse_target(imp);
            let cur = current
                .remove(&target)
                .unwrap_or_else(|| id(STATE_NAMES[target].0));
            current.insert(target, impulse_expr(imp, cur));
            what.push(describe_impulse(imp));
        }
        for (s, e) in current {
            assigns.push((STATE_NAMES[s].0.to_string(), e));
        }
        prev = step.drivers;
        if assigns.is_empty() {
            continue;
        }
        events.push(SbmlEvent(
            if k == 0 {
                EVENT_AT_ZERO_ID.to_string()
            } else {
                format!("ev_{k}")
            },
            format!("t = {} s: {}", fmt_double(step.time), what.join("; ")),
            step.time,
            assigns,
        ));
    }
    let mut x = Xml::new();
    x.declaration()?;
    x.start(
        "sbml",
        &[
            ("xmlns", "http://www.sbml.org/sbml/level3/version2/core"),
            ("level", "3"),
            ("version", "2"),
        ],
    )?;
    let model_id = format!(
        "spasm_{}",
        set.name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
    );
    let model_name = format!("spasm-ischemia cycle, parameter set '{}'", set.name);
    x.start(
        "model",
        &[
            ("id", &model_id),
            ("name", &model_name),
            ("timeUnits", "second"),
        ],
    )?;
    x.notes(&model_notes(set, &plan, t_end))?;

    // Units.
    let mut used: Vec<&'static str> = Vec::new();
    let mut units_list: Vec<(&'static str, UnitParts)> = Vec::new();
    for prm in &params {
        let (uid, parts) = prm.unit;
        if !parts.is_empty() && !used.contains(&uid) {
            used.push(uid);
            units_list.push((uid, parts));
        }
    }
    let exprs = eq
        .derived_constants
        .iter()
        .chain(&eq.assignments)
        .chain(&eq.rates)
        .map(|d| &d.expr)
        .chain(events.iter().flat_map(|e| e.3.iter().map(|(_, x)| x)));
    for e in exprs {
        for uid in e.quantity_units() {
            let (uid, parts) = unit_by_id(uid).ok_or_else(|| ExportError::UnknownUnit {
                name: "a number in a formula".into(),
                unit: uid.into(),
            })?;
            if !parts.is_empty() && !used.contains(&uid) {
                used.push(uid);
                units_list.push((uid, parts));
            }
        }
    }
    units_list.sort_by_key(|(u, _)| *u);
    x.start("listOfUnitDefinitions", &[])?;
    for (uid, parts) in units_list {
        x.start("unitDefinition", &[("id", uid)])?;
        x.start("listOfUnits", &[])?;
        for (kind, exponent, scale, multiplier) in parts {
            x.empty(
                "unit",
                &[
                    ("kind", kind),
                    ("exponent", &exponent.to_string()),
                    ("scale", &scale.to_string()),
                    ("multiplier", &fmt_double(*multiplier)),
                ],
            )?;
        }
        x.end("listOfUnits")?;
        x.end("unitDefinition")?;
    }
    x.end("listOfUnitDefinitions")?;

    // Parameters.
    x.start("listOfParameters", &[])?;
    for prm in &params {
        let value = fmt_double(prm.value);
        let attrs = [
            ("id", prm.id.as_str()),
            ("name", prm.name.as_str()),
            ("value", value.as_str()),
            ("units", prm.unit.0),
            ("constant", if prm.constant { "true" } else { "false" }),
        ];
        if prm.notes.is_empty() && prm.annotation.is_empty() {
            x.empty("parameter", &attrs)?;
            continue;
        }
        x.start("parameter", &attrs)?;
        x.notes(&prm.notes)?;
        if !prm.annotation.is_empty() {
            x.start("annotation", &[])?;
            let mut a: Vec<(&str, &str)> = vec![("xmlns:spasm", ANNOTATION_NS)];
            a.extend(prm.annotation.iter().map(|(k, v)| (*k, v.as_str())));
            x.empty("spasm:parameter", &a)?;
            x.end("annotation")?;
        }
        x.end("parameter")?;
    }
    x.end("listOfParameters")?;

    // Derived constants.
    x.start("listOfInitialAssignments", &[])?;
    for d in &eq.derived_constants {
        x.start("initialAssignment", &[("symbol", d.id)])?;
        x.math(&d.expr)?;
        x.end("initialAssignment")?;
    }
    x.end("listOfInitialAssignments")?;

    // Rules.
    x.start("listOfRules", &[])?;
    for d in &eq.assignments {
        x.start("assignmentRule", &[("variable", d.id)])?;
        x.math(&d.expr)?;
        x.end("assignmentRule")?;
    }
    for d in &eq.rates {
        x.start("rateRule", &[("variable", d.id)])?;
        x.math(&d.expr)?;
        x.end("rateRule")?;
    }
    x.end("listOfRules")?;

    if !events.is_empty() {
        x.start("listOfEvents", &[])?;
        let n_events = events.len();
        for (k, SbmlEvent(eid, name, t, assigns)) in events.iter().enumerate() {
            x.start(
                "event",
                &[
                    ("id", eid),
                    ("name", name),
                    ("useValuesFromTriggerTime", "false"),
                ],
            )?;
            x.start(
                "trigger",
                &[("initialValue", "false"), ("persistent", "true")],
            )?;
            x.math(&rel(Rel::Geq, Expr::Time, qty(*t, "second")))?;
            x.end("trigger")?;
            // Distinct, decreasing with time: n_events for the first, 1 for the last.
            x.start("priority", &[])?;
            x.math(&num((n_events - k) as f64))?;
            x.end("priority")?;
            x.start("listOfEventAssignments", &[])?;
            for (var, e) in assigns {
                x.start("eventAssignment", &[("variable", var)])?;
                x.math(e)?;
                x.end("eventAssignment")?;
            }
            x.end("listOfEventAssignments")?;
            x.end("event")?;
        }
        x.end("listOfEvents")?;
    }

    x.end("model")?;
    x.end("sbml")?;
    Ok(x.finish()?)
}

#[allow(clippy::too_many_arguments)]
fn collect_params(
    set: &ParamSet,
    pv: &[(&'static str, f64)],
    dv: &[(&'static str, f64)],
    eq: &Equations,
    d0: &[f64],
    y: &State,
    values: &BTreeMap<String, f64>,
) -> Result<Vec<Param>, ExportError> {
    let mut params = Vec::new();

    for (name, value) in pv {
        let canon = Params::NAMES
            .iter()
            .find(|(n, _)| n == name)
            .map_or("1", |(_, u)| *u);
        let unit = unit_of(name, canon)?;
        finite(format!("parameter '{name}'"), *value)?;
        let mut notes = Vec::new();
        let mut annotation: Vec<(&'static str, String)> =
            vec![("spasm:canonicalUnit", canon.to_string())];
        let mut title = name.to_string();
        if let Some(info) = set.entries.get(*name) {
            title = info.meaning.clone();
            notes.push(info.meaning.clone());
            notes.push(format!(
                "Value as written in set '{}': {} {} (range {}–{} {}); canonical: {} {}.",
                set.name,
                info.value,
                info.unit,
                info.range[0],
                info.range[1],
                info.unit,
                fmt_double(*value),
                canon
            ));
            notes.push(format!("Source: {}", info.source));
            annotation.extend([
                ("spasm:meaning", info.meaning.clone()),
                ("spasm:value", fmt_double(info.value)),
                ("spasm:unit", info.unit.clone()),
                ("spasm:rangeLow", fmt_double(info.range[0])),
                ("spasm:rangeHigh", fmt_double(info.range[1])),
                ("spasm:source", info.source.clone()),
            ]);
        } else {
            notes.push(format!("Not documented in set '{}'.", set.name));
        }
        let base = set.entries.get(*name).and_then(|info| {
            let from = info.overridden_from?;
            crate::units::Unit::convert(from, &info.unit, canon).ok()
        });
        if let Some(b) = base.filter(|b| b != value) {
            notes.push(format!(
                "Overridden for this export: the set gives {} {canon}.",
                fmt_double(b)
            ));
            annotation.push(("spasm:overridden", "true".into()));
        }
        params.push(Param {
            id: name.to_string(),
            value: *value,
            unit,
            constant: true,
            name: title,
            notes,
            annotation,
        });
    }

    for (d, (name, value)) in eq.derived_constants.iter().zip(dv) {
        debug_assert_eq!(d.id, *name);
        params.push(Param {
            id: d.id.to_string(),
            value: finite(format!("derived constant '{name}'"), *value)?,
            unit: unit_of(d.id, d.unit)?,
            constant: true,
            name: d.meaning.to_string(),
            notes: vec![
                format!("Derived constant: {}.", d.meaning),
                format!("{} = {}", d.id, d.expr),
            ],
            annotation: vec![],
        });
    }

    for ((name, unit, meaning), v) in DRIVER_NAMES.iter().zip(d0) {
        params.push(Param {
            id: name.to_string(),
            value: finite(format!("driver '{name}' at t = 0"), *v)?,
            unit: unit_of(name, unit)?,
            constant: false,
            name: meaning.to_string(),
            notes: vec![format!(
                "Scheduled input ({meaning}), {unit}; constant between events."
            )],
            annotation: vec![],
        });
    }

    for (k, d) in eq.rates.iter().enumerate() {
        params.push(Param {
            id: d.id.to_string(),
            value: y[k],
            unit: unit_of(d.id, d.unit)?,
            constant: false,
            name: d.meaning.to_string(),
            notes: vec![
                format!("State: {} ({}).", d.meaning, d.unit),
                format!("d{}/dt = {}", d.id, d.expr),
            ],
            annotation: vec![],
        });
    }
    debug_assert_eq!(eq.rates.len(), NS);

    for d in &eq.assignments {
        params.push(Param {
            id: d.id.to_string(),
            value: values
                .get(d.id)
                .copied()
                .filter(|v| v.is_finite())
                .unwrap_or(0.0),
            unit: unit_of(d.id, d.unit)?,
            constant: false,
            name: d.meaning.to_string(),
            notes: vec![],
            annotation: vec![],
        });
    }
    Ok(params)
}

fn model_notes(set: &ParamSet, plan: &Plan, t_end: f64) -> Vec<String> {
    let mut v = vec![
        format!(
            "Spasm-ischemia cycle of the back muscles, exported by spasm {} (docs/model.md \
             lists every equation with its source).",
            env!("CARGO_PKG_VERSION")
        ),
        format!("Parameter set '{}': {}", set.name, set.description),
        "Time is in seconds. Identifiers are the CSV column names of spasm's output. \
         Temperatures are in degrees Celsius: SBML Level 3 units have no offset, so the \
         unit degC is declared as kelvin (exact for temperature differences)."
            .to_string(),
        "States are parameters with rate rules; initial values are the given (settled) \
         state. Scheduled inputs (drivers) are parameters changed by time-triggered \
         events (trigger time >= t_k, initialValue false, so that an event at t = 0 \
         fires at t = 0; explicit priorities decreasing with time); doses, injections \
         and injuries are event assignments."
            .to_string(),
        format!(
            "Run length: {} s ({} h); schedule: {} scheduled time(s) after t = 0.",
            fmt_double(t_end),
            fmt_double(t_end / HOUR),
            plan.steps.len()
        ),
    ];
    if !plan.impulses0.is_empty() {
        v.push(format!(
            "Scheduled at t = 0 (event ev_0): {}.",
            plan.impulses0
                .iter()
                .map(describe_impulse)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Effect;

    #[test]
    fn parameter_list_matches_params_names() {
        let p = ParamSet::embedded("healthy").unwrap().to_params().unwrap();
        let names: Vec<&str> = parameter_values(&p).iter().map(|(n, _)| *n).collect();
        let expected: Vec<&str> = Params::NAMES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, expected);
        for (n, u) in Params::NAMES {
            assert!(sbml_unit(u).is_some(), "unit {u} of {n}");
        }
    }

    #[test]
    fn initial_assignments_give_the_model_s_derived_constants() {
        let p = ParamSet::embedded("acute_injury")
            .unwrap()
            .to_params()
            .unwrap();
        let m = crate::model::Model::new(p.clone());
        let mut values: BTreeMap<String, f64> = parameter_values(&p)
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect();
        let eq = equations();
        // Initial assignments may refer to each other: evaluate until all are known.
        for _ in 0..eq.derived_constants.len() {
            for d in &eq.derived_constants {
                let v = d
                    .expr
                    .eval(&|s| values.get(s).copied().unwrap_or(f64::NAN), 0.0);
                values.insert(d.id.to_string(), v);
            }
        }
        for ((name, _, _), want) in Derived::<f64>::NAMES.iter().zip(m.derived().values()) {
            let got = values[*name];
            assert!(
                (got - want).abs() <= 1e-12 * want.abs(),
                "{name}: SBML {got} vs model {want}"
            );
        }
    }

    #[test]
    fn plan_follows_the_simulator_rules() {
        let s = Schedule::default()
            .window(0.0, 120.0, Effect::Voluntary(0.5))
            .event(0.0, Impulse::Dose(Drug::Ibuprofen, 400.0))
            .event(3600.0, Impulse::Injury(0.1))
            .event(3600.0, Impulse::Injury(0.2))
            .event(9e9, Impulse::LocalAnaesthetic(50.0));
        let pl = plan(&Drivers::default(), &s, 7200.0);
        assert_eq!(pl.drivers0.voluntary, 0.5);
        assert_eq!(pl.impulses0.len(), 1);
        assert_eq!(pl.steps.len(), 2);
        assert_eq!(pl.steps[0].time, 120.0);
        assert_eq!(pl.steps[0].drivers.voluntary, 0.0);
        assert_eq!(pl.steps[1].impulses.len(), 2);
    }
}
