//! Parameter sets: data files in `models/` (value, unit, meaning, source, range),
//! embedded into the binary, resolved (`extends`) and converted to canonical units.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::units::{Unit, UnitError};

/// The parameter sets shipped in `models/`, embedded at build time: (name, TOML text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("healthy", include_str!("../../models/healthy.toml")),
    (
        "acute_injury",
        include_str!("../../models/acute_injury.toml"),
    ),
    (
        "disc_herniation",
        include_str!("../../models/disc_herniation.toml"),
    ),
    (
        "chronic_stress",
        include_str!("../../models/chronic_stress.toml"),
    ),
    (
        "pain_adaptation",
        include_str!("../../models/pain_adaptation.toml"),
    ),
];

/// Names of the embedded parameter sets.
pub fn embedded_names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(n, _)| *n).collect()
}

/// Why a parameter set could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// No embedded set of that name.
    #[error("unknown parameter set '{name}' (available: {available})")]
    UnknownSet {
        /// The name asked for.
        name: String,
        /// The names that exist.
        available: String,
    },
    /// The set's TOML is malformed.
    #[error("parameter set '{set}': {message}")]
    Syntax {
        /// The set.
        set: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter name the model does not have.
    #[error(
        "unknown parameter '{name}' (see docs/model.md for the list; close matches: {suggestion})"
    )]
    UnknownParameter {
        /// The name.
        name: String,
        /// Near names.
        suggestion: String,
    },
    /// A parameter the model needs is missing from the set.
    #[error("parameter set '{set}' lacks parameter '{name}'")]
    Missing {
        /// The set.
        set: String,
        /// The parameter.
        name: String,
    },
    /// A base-set entry lacks unit, meaning or range.
    #[error("parameter '{name}' in set '{set}' needs {field}")]
    Incomplete {
        /// The set.
        set: String,
        /// The parameter.
        name: String,
        /// The missing field.
        field: &'static str,
    },
    /// The unit does not fit the parameter.
    #[error("parameter '{name}': {source}")]
    Unit {
        /// The parameter.
        name: String,
        /// The unit problem.
        source: UnitError,
    },
    /// The value is NaN or infinite.
    #[error("parameter '{name}' must be a finite number")]
    NotFinite {
        /// The parameter.
        name: String,
    },
    /// `extends` forms a cycle.
    #[error("parameter set '{0}' extends itself (cycle)")]
    Cycle(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFile {
    name: String,
    description: String,
    extends: Option<String>,
    parameters: BTreeMap<String, EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    value: f64,
    unit: Option<String>,
    meaning: Option<String>,
    source: String,
    range: Option<[f64; 2]>,
}

/// One parameter as documented in its set: value in the unit written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamInfo {
    /// Value in `unit`.
    pub value: f64,
    /// Unit the value is written in.
    pub unit: String,
    /// What it means.
    pub meaning: String,
    /// Where the value comes from.
    pub source: String,
    /// Plausible range, in `unit`.
    pub range: [f64; 2],
    /// The set's own value, in `unit`, when an override has changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden_from: Option<f64>,
}

/// A resolved parameter set: every parameter with its documentation.
///
/// ```
/// use spasm::model::params::ParamSet;
///
/// let mut set = ParamSet::embedded("acute_injury").unwrap();
/// let k_o = &set.entries["k_o"];
/// assert!(!k_o.source.is_empty() && k_o.range[0] <= k_o.value && k_o.value <= k_o.range[1]);
/// // Values are given in the set's unit (or another one of the same kind) and
/// // converted to canonical units for the model.
/// set.set_value("tau_heal", 7.0, Some("d"), "my experiment").unwrap();
/// assert_eq!(set.to_params().unwrap().tau_heal, 7.0 * 86_400.0);
/// assert!(set.set_value("tau_heel", 7.0, None, "typo").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParamSet {
    /// Set name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Parameters by name.
    pub entries: BTreeMap<String, ParamInfo>,
}

impl ParamSet {
    /// Load an embedded set by name, resolving `extends`.
    pub fn embedded(name: &str) -> Result<ParamSet, ParamError> {
        Self::resolve(name, 0)
    }

    fn resolve(name: &str, depth: usize) -> Result<ParamSet, ParamError> {
        if depth > EMBEDDED.len() {
            return Err(ParamError::Cycle(name.to_string()));
        }
        let text = EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| ParamError::UnknownSet {
                name: name.to_string(),
                available: embedded_names().join(", "),
            })?;
        let file: SetFile = toml::from_str(text).map_err(|e| ParamError::Syntax {
            set: name.to_string(),
            message: e.to_string(),
        })?;
        let mut set = match &file.extends {
            Some(base) => Self::resolve(base, depth + 1)?,
            None => ParamSet {
                name: String::new(),
                description: String::new(),
                entries: BTreeMap::new(),
            },
        };
        set.name = file.name;
        set.description = file.description;
        for (key, e) in file.parameters {
            let info = if let Some(base) = set.entries.get(&key) {
                ParamInfo {
                    value: e.value,
                    unit: e.unit.unwrap_or_else(|| base.unit.clone()),
                    meaning: e.meaning.unwrap_or_else(|| base.meaning.clone()),
                    source: e.source,
                    range: e.range.unwrap_or(base.range),
                    overridden_from: None,
                }
            } else {
                let missing = |field| ParamError::Incomplete {
                    set: name.to_string(),
                    name: key.clone(),
                    field,
                };
                ParamInfo {
                    value: e.value,
                    unit: e.unit.ok_or_else(|| missing("a unit"))?,
                    meaning: e.meaning.ok_or_else(|| missing("a meaning"))?,
                    source: e.source,
                    range: e.range.ok_or_else(|| missing("a range"))?,
                    overridden_from: None,
                }
            };
            set.entries.insert(key, info);
        }
        Ok(set)
    }

    /// Override one parameter's value, given in `unit` (or the set's unit when
    /// `None`). The source becomes `source`.
    pub fn set_value(
        &mut self,
        name: &str,
        value: f64,
        unit: Option<&str>,
        source: &str,
    ) -> Result<(), ParamError> {
        if !value.is_finite() {
            return Err(ParamError::NotFinite {
                name: name.to_string(),
            });
        }
        self.record(name, value, unit, source)
    }

    /// [`ParamSet::set_value`] without the finiteness check.
    fn record(
        &mut self,
        name: &str,
        value: f64,
        unit: Option<&str>,
        source: &str,
    ) -> Result<(), ParamError> {
        let entry = self
            .entries
            .get_mut(name)
            .ok_or_else(|| ParamError::UnknownParameter {
                name: name.to_string(),
                suggestion: suggest(name),
            })?;
        let v = match unit {
            Some(u) => Unit::convert(value, u, &entry.unit).map_err(|source| ParamError::Unit {
                name: name.to_string(),
                source,
            })?,
            None => value,
        };
        entry.overridden_from.get_or_insert(entry.value);
        entry.value = v;
        entry.source = source.to_string();
        Ok(())
    }

    /// Set one parameter to `value` in canonical units (see [`Params::NAMES`]),
    /// recording `source`; the set keeps it in its own unit. Meant for values the
    /// program sets (cohort draws, probes), so +∞ is accepted (a time constant of +∞
    /// means "never", e.g. no healing while a bistability probe holds the injury).
    pub fn set_canonical(
        &mut self,
        name: &str,
        value: f64,
        source: &str,
    ) -> Result<(), ParamError> {
        let canonical = Params::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, u)| *u)
            .ok_or_else(|| ParamError::unknown_parameter(name))?;
        if value.is_nan() {
            return Err(ParamError::NotFinite {
                name: name.to_string(),
            });
        }
        self.record(name, value, Some(canonical), source)
    }

    /// Parameters whose value lies outside their documented range.
    pub fn out_of_range(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(_, p)| p.value < p.range[0] || p.value > p.range[1])
            .map(|(k, p)| {
                format!(
                    "{k} = {} {} outside [{}, {}]",
                    p.value, p.unit, p.range[0], p.range[1]
                )
            })
            .collect()
    }

    /// The set as a Markdown table (docs/model.md), in the order of [`Params::NAMES`]
    /// (grouped by mechanism): name, value, unit, plausible range, meaning, source.
    pub fn markdown_table(&self) -> String {
        let mut s = String::from(
            "| name | value | unit | range | meaning | source |\n|---|---|---|---|---|---|\n",
        );
        for (name, _) in Params::NAMES {
            if let Some(p) = self.entries.get(*name) {
                s.push_str(&format!(
                    "| `{name}` | {} | {} | {}–{} | {} | {} |\n",
                    p.value, p.unit, p.range[0], p.range[1], p.meaning, p.source
                ));
            }
        }
        s
    }

    /// What this set changes relative to `base`: one Markdown bullet per differing
    /// parameter, with its value and source.
    pub fn markdown_overrides(&self, base: &ParamSet) -> String {
        let mut s = String::new();
        for (name, _) in Params::NAMES {
            if let (Some(p), Some(b)) = (self.entries.get(*name), base.entries.get(*name)) {
                if p.value != b.value {
                    s.push_str(&format!(
                        "- `{name}` = {} {} (healthy: {}) — {}\n",
                        p.value, p.unit, b.value, p.source
                    ));
                }
            }
        }
        s
    }

    /// Convert to the model's parameter struct in canonical units.
    pub fn to_params(&self) -> Result<Params, ParamError> {
        for key in self.entries.keys() {
            if !Params::NAMES.iter().any(|(n, _)| n == key) {
                return Err(ParamError::UnknownParameter {
                    name: key.clone(),
                    suggestion: suggest(key),
                });
            }
        }
        Params::from_lookup(|name, canonical| {
            let p = self.entries.get(name).ok_or_else(|| ParamError::Missing {
                set: self.name.clone(),
                name: name.to_string(),
            })?;
            if !p.value.is_finite() {
                return Err(ParamError::NotFinite {
                    name: name.to_string(),
                });
            }
            Unit::convert(p.value, &p.unit, canonical).map_err(|source| ParamError::Unit {
                name: name.to_string(),
                source,
            })
        })
    }
}

impl ParamError {
    /// A parameter name the model does not have, with the closest names.
    pub fn unknown_parameter(name: &str) -> ParamError {
        ParamError::UnknownParameter {
            name: name.to_string(),
            suggestion: suggest(name),
        }
    }
}

/// Up to three parameter names sharing the longest prefix with `name`.
fn suggest(name: &str) -> String {
    let score = |n: &str| {
        n.chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut names: Vec<&str> = Params::NAMES.iter().map(|(n, _)| *n).collect();
    names.sort_by_key(|n| std::cmp::Reverse(score(n)));
    names.truncate(3);
    names.join(", ")
}

macro_rules! params {
    ($( $name:ident : $unit:literal ),* $(,)?) => {
        /// Model parameters (the unit of each field, canonical, is listed in
        /// [`Params::NAMES`]; meanings and sources are in `models/healthy.toml` and
        /// docs/model.md). `T` is `f64` for simulation and a named symbol in the
        /// symbolic form of the equations.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(missing_docs)]
        pub struct Params<T = f64> { $( pub $name: T, )* }

        impl<T: Copy> Params<T> {
            /// Build from a function of the parameter's name.
            pub fn from_fn(mut f: impl FnMut(&'static str) -> T) -> Self {
                Self { $( $name: f(stringify!($name)), )* }
            }
        }

        impl Params {
            /// Every parameter name with its canonical unit.
            pub const NAMES: &'static [(&'static str, &'static str)] =
                &[ $( (stringify!($name), $unit) ),* ];

            fn from_lookup(
                f: impl Fn(&str, &str) -> Result<f64, ParamError>,
            ) -> Result<Self, ParamError> {
                Ok(Self { $( $name: f(stringify!($name), $unit)?, )* })
            }

            /// Every parameter's value in canonical units, in [`Params::NAMES`] order.
            pub fn values(&self) -> Vec<(&'static str, f64)> {
                vec![ $( (stringify!($name), self.$name) ),* ]
            }

            /// The field called `name` (canonical units), if there is one.
            pub fn get_mut(&mut self, name: &str) -> Option<&mut f64> {
                match name {
                    $( stringify!($name) => Some(&mut self.$name), )*
                    _ => None,
                }
            }
        }
    };
}

params! {
    // activation and fatigue
    tau_a: "s", u0: "MVC", drive_softness: "MVC", gain_gamma: "MVC", alpha_adapt: "MVC",
    u_stress_tonic: "MVC", fatigue_rate: "1/s", recovery_rate: "1/s", es_fatigue_rate: "1/s",
    mvc_force: "N", mvc_force_ref: "N",
    // perfusion
    p0: "mmHg", k_p: "mmHg/MVC", k_edema: "mmHg", p_on: "mmHg", p_art: "mmHg",
    v_max: "1", k_v: "mM", flow_doubling_temp: "°C", pump_gain: "1", es_pump: "1/MVC",
    // metabolism
    k_supply: "1/s", consumption_ratio: "1", k_c: "1", d0: "1", d1: "1/MVC", k_o: "1", h_o: "1",
    beta0: "mM/s", beta1: "mM/s", k_rest: "mM", tau_w: "s",
    // nociception and pain
    k_n: "mM", h_n: "1", s_max: "1", k_s: "a.u.", eps_met: "1", w_h: "1",
    sigma_m: "1/mM/s", sigma_h: "1/s", tau_s: "s",
    kappa: "1", c_z: "1", z_pain: "1", tau_p: "s", tens_max: "1",
    k_z: "1/s", w_z: "1", k_zh: "1", h_z: "1", tau_z: "s",
    // fusimotor loop and spindle gain
    fac_injury: "1", w2: "1", k_gamma: "1", h_gamma: "1", tau_gamma: "s",
    stretch_max: "1", tau_x_on: "s", tau_x_off: "s", massage_max: "1", tau_y_on: "s", tau_y_off: "s",
    heat_spindle: "1/°C", heat_softness: "°C",
    // tissue temperature
    t_core: "°C", t_skin: "°C", k_skin: "1/s", k_cond: "1/s", k_blood: "1/s", q_met: "°C/s",
    node_spacing: "cm", core_depth: "cm", us_attenuation: "1/cm/MHz", us_coupling: "1",
    rho_c: "J/cm^3/°C",
    // injury
    tau_heal: "s", h_disc: "1/s", h_initial: "1",
    // pharmacology
    relax_emax: "1", cbz_ec50: "mg/L", tiz_ec50: "mg/L", cox_imax: "1", cox_ic50: "mg/L",
    la_ec50: "mg", la_tau: "s",
    ibu_ka: "1/s", ibu_cl: "L/s", ibu_v: "L", ibu_f: "1",
    cbz_ka: "1/s", cbz_cl: "L/s", cbz_v: "L", cbz_f: "1",
    tiz_ka: "1/s", tiz_cl: "L/s", tiz_v: "L", tiz_f: "1",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_set_resolves_converts_and_is_in_range() {
        for name in embedded_names() {
            let set = ParamSet::embedded(name).unwrap();
            assert_eq!(set.name, name);
            assert_eq!(set.entries.len(), Params::NAMES.len(), "{name}");
            set.to_params().unwrap();
            assert!(
                set.out_of_range().is_empty(),
                "{name}: {:?}",
                set.out_of_range()
            );
            for (k, p) in &set.entries {
                assert!(!p.source.trim().is_empty(), "{name}.{k} has no source");
                assert!(!p.meaning.trim().is_empty(), "{name}.{k} has no meaning");
            }
        }
    }

    #[test]
    fn converts_units_to_canonical() {
        let p = ParamSet::embedded("healthy").unwrap().to_params().unwrap();
        assert!((p.ibu_ka - 2.2 / 3600.0).abs() < 1e-15);
        assert!((p.tau_heal - 5.0 * 86400.0).abs() < 1e-9);
        assert!((p.cbz_ec50 - 0.004).abs() < 1e-15); // 4 ng/mL in mg/L
    }

    #[test]
    fn overrides_check_names_units_and_finiteness() {
        let mut s = ParamSet::embedded("healthy").unwrap();
        s.set_value("tau_heal", 48.0, Some("h"), "test").unwrap();
        assert_eq!(s.entries["tau_heal"].value, 2.0);
        assert!(matches!(
            s.set_value("tau_hael", 1.0, None, "t"),
            Err(ParamError::UnknownParameter { .. })
        ));
        assert!(matches!(
            s.set_value("tau_heal", 1.0, Some("mg"), "t"),
            Err(ParamError::Unit { .. })
        ));
        assert!(matches!(
            s.set_value("tau_heal", f64::NAN, None, "t"),
            Err(ParamError::NotFinite { .. })
        ));
        assert!(matches!(
            ParamSet::embedded("sick"),
            Err(ParamError::UnknownSet { .. })
        ));
    }
}
