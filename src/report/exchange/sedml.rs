//! SED-ML Level 1 Version 3 for the COMBINE archive ([`super::omex`]): one model, one
//! uniform time course, one task, data generators and one report per arm.
//!
//! Every identifier carries a prefix and the arm's slug (`model_<slug>`,
//! `sim_<slug>`, `task_<slug>`, `dg_<slug>_<var>`, `v_<slug>_<var>`,
//! `ds_<slug>_<var>`, `report_<slug>`): Tellurium turns SED-ML identifiers into
//! Python variable names, and a bare `np` or `te` would clobber its own modules.

use super::math::fmt_double;
use super::sbml::Xml;

/// SED-ML Level 1 Version 3 namespace.
const SEDML_NS: &str = "http://sed-ml.org/sed-ml/level1/version3";
/// Namespace of the SBML files the XPath targets address (the models' own: SBML
/// Level 3 Version 2 core). Declared as `xmlns:sbml` on `<sedML>`; without it
/// BioSimulators rejects every target.
const SBML_NS: &str = "http://www.sbml.org/sbml/level3/version2/core";
/// SED-ML language URN of SBML Level 3 Version 2 models.
const SBML_LANGUAGE: &str = "urn:sedml:language:sbml.level-3.version-2";
/// MathML namespace of data-generator formulas.
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";
/// SED-ML symbol of simulation time.
const TIME_SYMBOL: &str = "urn:sedml:symbol:time";

/// KiSAO term of CVODE (SUNDIALS' variable-order BDF/Adams integrator), the
/// algorithm the archive asks for; libRoadRunner, COPASI and most BioSimulators
/// simulators of SBML provide it.
pub const KISAO_CVODE: &str = "KISAO:0000019";
/// KiSAO term of the relative tolerance (dimensionless).
pub const KISAO_RELATIVE_TOLERANCE: &str = "KISAO:0000209";
/// KiSAO term of the absolute tolerance (in the unit of each state).
pub const KISAO_ABSOLUTE_TOLERANCE: &str = "KISAO:0000211";
/// KiSAO term of the maximum number of integrator steps (per output interval in
/// CVODE and libRoadRunner).
pub const KISAO_MAXIMUM_NUMBER_OF_STEPS: &str = "KISAO:0000415";
/// KiSAO term of the maximum step size, s (the model's time unit).
pub const KISAO_MAXIMUM_STEP_SIZE: &str = "KISAO:0000467";

/// The integrator settings written into every simulation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Algorithm {
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance (a scalar; libRoadRunner scales it by each state's
    /// initial magnitude).
    pub atol: f64,
    /// Largest number of steps per output interval.
    pub max_steps: u64,
    /// Largest step, s; `None`: no limit.
    pub max_step: Option<f64>,
}

/// The output grid: `intervals + 1` evenly spaced samples from 0 to `end_s`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TimeCourse {
    /// Last output time, s.
    pub end_s: f64,
    /// Number of intervals (L1V3's `numberOfPoints`, which counts intervals).
    pub intervals: usize,
    /// The scenario's time unit for the reported time column ("s", "min", "h", "d").
    pub time_unit: String,
    /// Seconds per `time_unit`.
    pub unit_s: f64,
}

/// One arm: its name, slug (for identifiers) and model file in the archive.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SedmlArm {
    /// The arm's name as written in the scenario (the report's name).
    pub name: String,
    /// ASCII identifier suffix, unique among the arms.
    pub slug: String,
    /// The SBML file of the arm, relative to the SED-ML file.
    pub source: String,
}

/// A reported quantity: its SBML parameter id, its column label and the factor from
/// the model's unit to the column's.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Reported {
    /// SBML parameter id (a state or an assignment-rule variable).
    pub id: &'static str,
    /// Column label in the report (spasm's `trajectories.csv` column name).
    pub label: String,
    /// The column is the model's value times this (1: the same unit).
    pub scale: f64,
}

/// The XPath of SBML parameter `id`.
fn target(id: &str) -> String {
    format!("/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{id}']")
}

/// The SED-ML document: for each arm a model, a simulation, a task, the data
/// generators (time in the scenario's unit, then every quantity of `reported`) and a
/// report whose data sets are labelled like `trajectories.csv`.
pub(super) fn sedml(
    arms: &[SedmlArm],
    course: &TimeCourse,
    algorithm: &Algorithm,
    reported: &[Reported],
) -> std::io::Result<String> {
    let mut x = Xml::new();
    x.declaration()?;
    x.start(
        "sedML",
        &[
            ("xmlns", SEDML_NS),
            ("xmlns:sbml", SBML_NS),
            ("level", "1"),
            ("version", "3"),
        ],
    )?;

    x.start("listOfModels", &[])?;
    for a in arms {
        x.empty(
            "model",
            &[
                ("id", &format!("model_{}", a.slug)),
                ("name", &a.name),
                ("language", SBML_LANGUAGE),
                ("source", &a.source),
            ],
        )?;
    }
    x.end("listOfModels")?;

    let end = fmt_double(course.end_s);
    let intervals = course.intervals.to_string();
    x.start("listOfSimulations", &[])?;
    for a in arms {
        x.start(
            "uniformTimeCourse",
            &[
                ("id", &format!("sim_{}", a.slug)),
                ("name", &a.name),
                ("initialTime", "0"),
                ("outputStartTime", "0"),
                ("outputEndTime", &end),
                ("numberOfPoints", &intervals),
            ],
        )?;
        x.start("algorithm", &[("kisaoID", KISAO_CVODE)])?;
        x.start("listOfAlgorithmParameters", &[])?;
        let mut params = vec![
            (KISAO_RELATIVE_TOLERANCE, fmt_double(algorithm.rtol)),
            (KISAO_ABSOLUTE_TOLERANCE, fmt_double(algorithm.atol)),
            (
                KISAO_MAXIMUM_NUMBER_OF_STEPS,
                algorithm.max_steps.to_string(),
            ),
        ];
        if let Some(h) = algorithm.max_step {
            params.push((KISAO_MAXIMUM_STEP_SIZE, fmt_double(h)));
        }
        for (kisao, value) in &params {
            x.empty(
                "algorithmParameter",
                &[("kisaoID", kisao), ("value", value.as_str())],
            )?;
        }
        x.end("listOfAlgorithmParameters")?;
        x.end("algorithm")?;
        x.end("uniformTimeCourse")?;
    }
    x.end("listOfSimulations")?;

    x.start("listOfTasks", &[])?;
    for a in arms {
        let s = &a.slug;
        x.empty(
            "task",
            &[
                ("id", &format!("task_{s}")),
                ("name", &a.name),
                ("modelReference", &format!("model_{s}")),
                ("simulationReference", &format!("sim_{s}")),
            ],
        )?;
    }
    x.end("listOfTasks")?;

    let time_label = format!("time_{}", course.time_unit);
    x.start("listOfDataGenerators", &[])?;
    for a in arms {
        let s = &a.slug;
        let task = format!("task_{s}");
        // Time, converted from the model's seconds to the scenario's unit.
        let v = format!("v_{s}_time");
        x.start(
            "dataGenerator",
            &[("id", &format!("dg_{s}_time")), ("name", &time_label)],
        )?;
        x.start("listOfVariables", &[])?;
        x.empty(
            "variable",
            &[
                ("id", &v),
                ("symbol", TIME_SYMBOL),
                ("taskReference", &task),
            ],
        )?;
        x.end("listOfVariables")?;
        let math = if course.unit_s == 1.0 {
            format!("<math xmlns=\"{MATHML_NS}\"><ci> {v} </ci></math>")
        } else {
            format!(
                "<math xmlns=\"{MATHML_NS}\"><apply><divide/><ci> {v} </ci><cn> {} </cn></apply></math>",
                fmt_double(course.unit_s)
            )
        };
        x.raw(&math)?;
        x.end("dataGenerator")?;
        for r in reported {
            let v = format!("v_{s}_{}", r.id);
            x.start(
                "dataGenerator",
                &[("id", &format!("dg_{s}_{}", r.id)), ("name", r.id)],
            )?;
            x.start("listOfVariables", &[])?;
            x.empty(
                "variable",
                &[
                    ("id", &v),
                    ("taskReference", &task),
                    ("target", &target(r.id)),
                ],
            )?;
            x.end("listOfVariables")?;
            x.raw(&if r.scale == 1.0 {
                format!("<math xmlns=\"{MATHML_NS}\"><ci> {v} </ci></math>")
            } else {
                format!(
                    "<math xmlns=\"{MATHML_NS}\"><apply><times/><ci> {v} </ci><cn> {} </cn></apply></math>",
                    fmt_double(r.scale)
                )
            })?;
            x.end("dataGenerator")?;
        }
    }
    x.end("listOfDataGenerators")?;

    x.start("listOfOutputs", &[])?;
    for a in arms {
        let s = &a.slug;
        x.start(
            "report",
            &[("id", &format!("report_{s}")), ("name", &a.name)],
        )?;
        x.start("listOfDataSets", &[])?;
        x.empty(
            "dataSet",
            &[
                ("id", &format!("ds_{s}_time")),
                ("label", &time_label),
                ("dataReference", &format!("dg_{s}_time")),
            ],
        )?;
        for r in reported {
            x.empty(
                "dataSet",
                &[
                    ("id", &format!("ds_{s}_{}", r.id)),
                    ("label", &r.label),
                    ("dataReference", &format!("dg_{s}_{}", r.id)),
                ],
            )?;
        }
        x.end("listOfDataSets")?;
        x.end("report")?;
    }
    x.end("listOfOutputs")?;
    x.end("sedML")?;
    x.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_model_simulation_task_and_report_per_arm() {
        let arms = ["a b", "c"].map(|n| SedmlArm {
            name: n.into(),
            slug: n.replace(' ', "_"),
            source: format!("model_{}.xml", n.replace(' ', "_")),
        });
        let course = TimeCourse {
            end_s: 7200.0,
            intervals: 12,
            time_unit: "h".into(),
            unit_s: 3600.0,
        };
        let alg = Algorithm {
            rtol: 1e-9,
            atol: 1e-10,
            max_steps: 1000,
            max_step: None,
        };
        let rep = [
            Reported {
                id: "P",
                label: "P_NRS".into(),
                scale: 1.0,
            },
            Reported {
                id: "c_cbz",
                label: "c_cbz_ng_per_mL".into(),
                scale: 1000.0,
            },
        ];
        let s = sedml(&arms, &course, &alg, &rep).unwrap();
        for tag in ["<model ", "<uniformTimeCourse ", "<task ", "<report "] {
            assert_eq!(s.matches(tag).count(), 2, "{tag}");
        }
        assert!(s.contains("numberOfPoints=\"12\"") && s.contains("outputEndTime=\"7200\""));
        assert!(s.contains("kisaoID=\"KISAO:0000019\""));
        assert!(s.contains("value=\"1e-9\""));
        assert!(!s.contains(KISAO_MAXIMUM_STEP_SIZE));
        assert!(s.contains("<divide/><ci> v_a_b_time </ci><cn> 3600 </cn>"));
        assert!(s.contains("label=\"P_NRS\" dataReference=\"dg_c_P\""));
        // The XPath reads back to single quotes around the id.
        let mut r = quick_xml::Reader::from_str(&s);
        let mut targets = Vec::new();
        loop {
            match r.read_event().unwrap() {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Empty(e) => {
                    if let Some(a) = e.try_get_attribute("target").unwrap() {
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap();
                        targets.push(v.to_string());
                    }
                }
                _ => {}
            }
        }
        assert!(s.contains("<times/><ci> v_c_c_cbz </ci><cn> 1000 </cn>"));
        assert_eq!(targets.len(), 4);
        assert_eq!(targets[0], target("P"));
        assert!(targets[0].ends_with("[@id='P']"));
    }
}
