//! Step 1 of the scenario reader: the syntax. The TOML text becomes a
//! [`Spec`]: every top-level, `[model]`, `[output]` and `[solver]` key is checked and
//! read with its unit; arms are named and checked; parameter overrides and the
//! trigger and intervention entries are kept as spanned values for step 2
//! ([`super::resolve`]), which gives them meaning with the parameter set and the
//! intervention catalogue.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::entries::Run;
use super::error::ErrorKind;
use super::figure::FigureSettings;
use super::walk::{num_str, Cx, Tbl, Val, R};
use super::SweepTable;
use crate::protocol::catalogue::limits;
use crate::simulation::{SolverConfig, SolverKind};
use crate::units::{human_time, DAY, HOUR, LENGTH, MINUTE, TIME};

/// Default settling period before t = 0, s.
pub const DEFAULT_SETTLE_S: f64 = 12.0 * HOUR;

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "duration",
    "settle",
    "start_clock",
    "model",
    "output",
    "solver",
    "sweep",
    "figure",
    "trigger",
    "arm",
];

/// A scenario file read for its syntax and units.
pub(super) struct Spec<'a, 'i> {
    pub(super) name: String,
    pub(super) description: String,
    pub(super) run: Run,
    pub(super) settle: f64,
    /// `[model] set`, as written, and its value (for errors about the set).
    pub(super) set_name: String,
    pub(super) set_value: Val<'a, 'i>,
    /// `[model.overrides]`, if any.
    pub(super) overrides: Option<Val<'a, 'i>>,
    pub(super) output_every: f64,
    pub(super) time_unit: String,
    pub(super) output_depths: Vec<f64>,
    pub(super) solver: SolverConfig,
    /// `[sweep]`, if any.
    pub(super) sweep: Option<SweepTable>,
    /// `[figure]`, or the defaults.
    pub(super) figure: FigureSettings,
    /// `[[trigger]]` tables, in order.
    pub(super) triggers: Vec<Tbl<'a, 'i>>,
    /// `[[arm]]` tables, in order (at least one), or the first mistake in them. Step 2
    /// reports it after the triggers, so mistakes are reported in file order.
    pub(super) arms: R<Vec<ArmSpec<'a, 'i>>>,
}

/// One `[[arm]]`: its name (non-empty, unique), overrides and intervention tables.
pub(super) struct ArmSpec<'a, 'i> {
    pub(super) name: String,
    pub(super) table: Tbl<'a, 'i>,
    pub(super) overrides: Option<Val<'a, 'i>>,
    pub(super) interventions: Vec<Tbl<'a, 'i>>,
}

/// Parse the TOML text (syntax errors carry the parser's position).
pub(super) fn document<'i>(cx: &Cx, text: &'i str) -> R<DeTable<'i>> {
    DeTable::parse(text)
        .map(toml::Spanned::into_inner)
        .map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().replace('\n', " ");
            cx.err(ErrorKind::Syntax, "TOML syntax", span, msg, "", None)
        })
}

/// Read the scenario's syntax and units; `path` gives the default name.
pub(super) fn read<'a, 'i>(cx: &Cx, doc: &'a DeTable<'i>, path: &str) -> R<Spec<'a, 'i>> {
    let root = Tbl {
        key: String::new(),
        what: "the scenario".into(),
        span: 0..0,
        t: doc,
    };
    root.check(cx, TOP_KEYS)?;

    let name = match root.get("name") {
        Some(v) => cx.string(&v, "the scenario name as a string")?.to_string(),
        None => std::path::Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("scenario")
            .to_string(),
    };
    let description = match root.get("description") {
        Some(v) => cx.string(&v, "a description as a string")?.to_string(),
        None => String::new(),
    };

    // Run length and settling.
    let dv = root.req(cx, "duration", "the length of the run, such as \"7 d\"")?;
    let duration = cx.quantity(&dv, &TIME)?;
    if duration < 1.0 {
        return Err(cx.bad(
            &dv,
            ErrorKind::OutOfRange,
            "the run must last at least 1 s",
            "the length of the run, such as \"7 d\"",
            Some("at least 1 s, at most 1 y (365.25 d)".into()),
        ));
    }
    if duration > limits::MAX_DURATION {
        return Err(cx.bad(
            &dv,
            ErrorKind::Horizon,
            format!("a run of {} is longer than one year", human_time(duration)),
            "the length of the run, such as \"7 d\"",
            Some("at least 1 s, at most 1 y (365.25 d)".into()),
        ));
    }
    let settle = match root.get("settle") {
        Some(v) => {
            let x = cx.quantity(&v, &TIME)?;
            if x < 0.0 {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    "the settling period cannot be negative",
                    "a settling period such as \"12 h\" (or \"0 s\" for none)",
                    Some("0 s to 1 y".into()),
                ));
            }
            if x > limits::MAX_DURATION {
                return Err(cx.bad(
                    &v,
                    ErrorKind::Horizon,
                    format!(
                        "a settling period of {} is longer than one year",
                        human_time(x)
                    ),
                    "a settling period such as \"12 h\"",
                    Some("0 s to 1 y".into()),
                ));
            }
            x
        }
        None => DEFAULT_SETTLE_S,
    };
    let clock0 = match root.get("start_clock") {
        Some(v) => cx.clock(&v)? % DAY,
        None => 0.0,
    };
    let run = Run { duration, clock0 };

    // The patient (resolved in step 2).
    let mv = root.req(
        cx,
        "model",
        "a [model] table with the parameter set, e.g. set = \"acute_injury\"",
    )?;
    let model_t = cx.table(&mv, "[model]", "a [model] table")?;
    model_t.check(cx, &["set", "overrides"])?;
    let set_value = model_t.req(
        cx,
        "set",
        "the name of a parameter set, e.g. \"acute_injury\"",
    )?;
    let set_name = cx
        .string(&set_value, "the name of a parameter set as a string")?
        .to_string();
    let overrides = model_t.get("overrides");

    // Output.
    let (mut output_every, mut time_unit) = (default_every(duration), default_time_unit(duration));
    let mut output_depths = Vec::new();
    if let Some(ov) = root.get("output") {
        let ot = cx.table(&ov, "[output]", "an [output] table")?;
        ot.check(cx, &["every", "time_unit", "depths"])?;
        if let Some(v) = ot.get("depths") {
            output_depths = depths(cx, &v)?;
        }
        if let Some(v) = ot.get("every") {
            let x = cx.quantity(&v, &TIME)?;
            if x <= 0.0 {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    "the output interval must be more than 0 s",
                    "an output interval such as \"10 min\"",
                    Some("more than 0 s".into()),
                ));
            }
            let n = (duration / x).ceil() + 1.0;
            if n > limits::MAX_SAMPLES as f64 {
                return Err(cx.bad(
                    &v,
                    ErrorKind::OutOfRange,
                    format!(
                        "an output every {} over {} gives {} samples per arm",
                        human_time(x),
                        human_time(duration),
                        n
                    ),
                    "a longer output interval",
                    Some(format!("at most {} samples per arm", limits::MAX_SAMPLES)),
                ));
            }
            output_every = x.min(duration);
        }
        if let Some(v) = ot.get("time_unit") {
            let allowed = ["s", "min", "h", "d"];
            let u = cx.string(&v, "a time unit as a string, e.g. \"h\"")?;
            if !allowed.contains(&u) {
                return Err(cx.bad(
                    &v,
                    ErrorKind::UnknownUnit,
                    format!("'{u}' is not an output time unit"),
                    "the unit of the time column",
                    Some(allowed.join(", ")),
                ));
            }
            time_unit = u.to_string();
        }
    }

    // Solver.
    let mut solver = SolverConfig::default();
    if let Some(sv) = root.get("solver") {
        let st = cx.table(&sv, "[solver]", "a [solver] table")?;
        st.check(cx, &["method", "rtol", "max_step"])?;
        if let Some(v) = st.get("method") {
            let m = cx.string(&v, "a solver name as a string")?;
            solver.kind = match m.to_lowercase().as_str() {
                "rodas4" => SolverKind::Rodas4,
                "dopri5" => SolverKind::Dopri5,
                _ => {
                    return Err(cx.bad(
                        &v,
                        ErrorKind::UnknownKind,
                        format!("unknown solver '{m}'"),
                        "a solver name",
                        Some("rodas4 (stiff, default), dopri5 (explicit, cross-check only)".into()),
                    ))
                }
            };
        }
        if let Some(v) = st.get("rtol") {
            solver.rtol = cx.fraction(&v, "a relative tolerance", 1e-12, true, 1e-2)?;
        }
        if let Some(v) = st.get("max_step") {
            solver.max_step = cx.ranged(
                &v,
                &TIME,
                limits::SHORTEST,
                true,
                limits::MAX_DURATION,
                human_time,
            )?;
        }
    }

    Ok(Spec {
        name,
        description,
        run,
        settle,
        set_name,
        set_value,
        overrides,
        output_every,
        time_unit,
        output_depths,
        solver,
        sweep: match root.get("sweep") {
            Some(v) => Some(sweep(cx, &v)?),
            None => None,
        },
        figure: match root.get("figure") {
            Some(v) => super::figure::read_table(cx, &v)?,
            None => FigureSettings::default(),
        },
        triggers: match root.get("trigger") {
            Some(tv) => cx
                .tables(&tv, "trigger", "an array of tables: write [[trigger]]")?
                .into_iter()
                .filter(|t| !cx.skip.contains(&t.key))
                .collect(),
            None => Vec::new(),
        },
        arms: arms(cx, &root),
    })
}

/// The `[[arm]]` tables: keys checked, names non-empty and unique.
fn arms<'a, 'i>(cx: &Cx, root: &Tbl<'a, 'i>) -> R<Vec<ArmSpec<'a, 'i>>> {
    let no_arms = |span: Range<usize>| {
        cx.err(
            ErrorKind::EmptyArms,
            "arm",
            span,
            "a scenario needs at least one arm",
            "one [[arm]] table per arm, e.g. [[arm]] name = \"no treatment\"",
            None,
        )
    };
    let av = root.get("arm").ok_or_else(|| no_arms(0..0))?;
    let tables: Vec<Tbl> = cx
        .tables(&av, "arm", "an array of tables: write [[arm]]")?
        .into_iter()
        .filter(|t| !cx.skip.contains(&t.key))
        .collect();
    if tables.is_empty() {
        return Err(no_arms(av.span.clone()));
    }
    let mut arms: Vec<ArmSpec> = Vec::new();
    for table in tables {
        table.check(cx, &["name", "intervention", "overrides"])?;
        let nv = table.req(cx, "name", "the arm's name, e.g. \"no treatment\"")?;
        let name = cx
            .string(&nv, "the arm's name as a string")?
            .trim()
            .to_string();
        if name.is_empty() {
            return Err(cx.bad(
                &nv,
                ErrorKind::OutOfRange,
                "the arm name is empty",
                "a non-empty name",
                None,
            ));
        }
        if arms.iter().any(|a| a.name == name) {
            return Err(cx.bad(
                &nv,
                ErrorKind::DuplicateArm,
                format!("two arms are called '{name}'"),
                "a name no other arm has",
                None,
            ));
        }
        let interventions = match table.get("intervention") {
            Some(iv) => cx
                .tables(
                    &iv,
                    "intervention",
                    "an array of tables: write [[arm.intervention]]",
                )?
                .into_iter()
                .filter(|t| !cx.skip.contains(&t.key))
                .collect(),
            None => Vec::new(),
        };
        arms.push(ArmSpec {
            name,
            overrides: table.get("overrides"),
            interventions,
            table,
        });
    }
    Ok(arms)
}

/// `[output] depths`: an array of depths below the skin, each a length string.
/// `[sweep]`: `param` (one axis `"NAME=LO:HI:N"` or an array of them; their meaning is
/// checked by `spasm sweep`, which reports mistakes at these spans), `log` and
/// `endpoints` (arrays of names).
fn sweep(cx: &Cx, v: &Val) -> R<SweepTable> {
    let t = cx.table(v, "[sweep]", "a [sweep] table")?;
    t.check(cx, &["param", "log", "endpoints"])?;
    let strings = |name: &str, expected: &str| -> R<Vec<(String, Range<usize>)>> {
        let Some(v) = t.get(name) else {
            return Ok(Vec::new());
        };
        let items: Vec<Val> = match v.v {
            DeValue::String(_) => vec![v],
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| Val {
                    key: format!("{}[{}]", v.key, i + 1),
                    span: item.span(),
                    v: item.get_ref(),
                })
                .collect(),
            _ => return Err(cx.wrong_type(&v, expected)),
        };
        items
            .iter()
            .map(|item| Ok((cx.string(item, expected)?.to_string(), item.span.clone())))
            .collect()
    };
    let param = strings(
        "param",
        "an axis such as \"fac_injury=0:10:21\", or an array of them",
    )?;
    if param.is_empty() {
        return Err(cx.err(
            ErrorKind::MissingKey,
            &t.path("param"),
            v.span.clone(),
            "a [sweep] table needs at least one axis",
            "param = [\"NAME=LO:HI:N\"]",
            None,
        ));
    }
    let names = |name: &str, expected: &str| -> R<Vec<String>> {
        Ok(strings(name, expected)?
            .into_iter()
            .map(|(s, _)| s)
            .collect())
    };
    Ok(SweepTable {
        params: param,
        log: names("log", "an array of parameter names, such as [\"tau_heal\"]")?,
        endpoints: names(
            "endpoints",
            "an array of endpoint names, such as [\"spasm_h\"]",
        )?,
    })
}

fn depths(cx: &Cx, v: &Val) -> R<Vec<f64>> {
    let expected = "an array of depths such as [\"2.5 cm\"]";
    let mut out = Vec::new();
    for val in cx.items(v, expected)? {
        let d = cx.ranged(&val, &LENGTH, 0.0, true, limits::MAX_DEPTH_CM, |x| {
            format!("{} cm", num_str(x))
        })?;
        if out.contains(&d) {
            return Err(cx.bad(
                &val,
                ErrorKind::Conflict,
                format!("the depth {} cm is listed twice", num_str(d)),
                expected,
                None,
            ));
        }
        out.push(d);
    }
    Ok(out)
}

/// Default output interval: the largest of 1 s, 10 s, 1 min, 5 min, 10 min, 30 min,
/// 1 h that still gives at least 500 intervals; 1 s for short runs.
pub fn default_every(duration: f64) -> f64 {
    [
        HOUR,
        30.0 * MINUTE,
        10.0 * MINUTE,
        5.0 * MINUTE,
        MINUTE,
        10.0,
        1.0,
    ]
    .into_iter()
    .find(|&e| duration / e >= 500.0)
    .unwrap_or(1.0)
    .min(duration)
}

/// Default time unit of outputs: s up to 10 min, min up to 6 h, h up to 30 d, else d.
pub fn default_time_unit(duration: f64) -> String {
    let u = if duration <= 10.0 * MINUTE {
        "s"
    } else if duration <= 6.0 * HOUR {
        "min"
    } else if duration <= 30.0 * DAY {
        "h"
    } else {
        "d"
    };
    u.to_string()
}
