//! The exported equations are the simulator's: evaluating the SBML formulas (as
//! expression trees) gives the same right-hand side and algebraic quantities as
//! `Model::rhs_generic` / `Model::algebraic`, over many states and driver settings,
//! including the branches of the smooth helpers. And the SBML text is well formed,
//! with every identifier it uses defined once.

use std::collections::{BTreeMap, HashSet};

use quick_xml::events::Event;
use quick_xml::Reader;
use spasm::model::params::ParamSet;
use spasm::model::{Algebraic, Drivers, Model, State, NS, STATE_NAMES};
use spasm::protocol::{Drug, Effect, Impulse, Schedule};
use spasm::report::exchange::{
    derived_constant_values, driver_values, equations, parameter_values, to_sbml, DRIVER_NAMES,
};
use spasm::simulation::Patient;

/// A small deterministic generator (xorshift), uniform in [0, 1).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

fn values_for(m: &Model, y: &State) -> BTreeMap<String, f64> {
    let mut v: BTreeMap<String, f64> = BTreeMap::new();
    for (n, x) in parameter_values(m.params()) {
        v.insert(n.into(), x);
    }
    for (n, x) in derived_constant_values(m.params()) {
        v.insert(n.into(), x);
    }
    let dv = driver_values(&m.drivers);
    for ((n, _, _), x) in DRIVER_NAMES.iter().zip(dv) {
        v.insert(n.to_string(), x);
    }
    for (k, (n, _)) in STATE_NAMES.iter().enumerate() {
        v.insert(n.to_string(), y[k]);
    }
    for d in equations().assignments {
        let x = d.expr.eval(&|s| v[s], 0.0);
        v.insert(d.id.to_string(), x);
    }
    v
}

fn close(a: f64, b: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1e-300);
    assert!(
        (a - b).abs() <= 1e-12 * scale + 1e-300,
        "{what}: SBML {a:e} vs spasm {b:e}"
    );
}

#[test]
fn sbml_equations_reproduce_the_right_hand_side() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for set in [
        "healthy",
        "acute_injury",
        "disc_herniation",
        "chronic_stress",
    ] {
        let base = Model::new(ParamSet::embedded(set).unwrap().to_params().unwrap());
        for trial in 0..400 {
            let mut m = base.clone();
            let on = |r: &mut Rng| r.next() < 0.4;
            m.drivers = Drivers {
                es_activation: if on(&mut rng) {
                    rng.range(0.0, 0.5)
                } else {
                    0.0
                },
                cuff_pressure: if on(&mut rng) {
                    rng.range(0.0, 200.0)
                } else {
                    0.0
                },
                activity: if on(&mut rng) {
                    rng.range(0.0, 1.0)
                } else {
                    0.0
                },
                stress_drive: if on(&mut rng) {
                    rng.range(0.0, 0.05)
                } else {
                    0.0
                },
                skin_heat: if on(&mut rng) {
                    Some(rng.range(38.0, 45.0))
                } else {
                    None
                },
                us_intensity: if on(&mut rng) {
                    rng.range(0.5, 2.0)
                } else {
                    0.0
                },
                us_frequency: rng.range(1.0, 3.0),
                tens: if on(&mut rng) {
                    rng.range(0.0, 1.0)
                } else {
                    0.0
                },
                stretch: if on(&mut rng) { 1.0 } else { 0.0 },
                massage: if on(&mut rng) { 1.0 } else { 0.0 },
                voluntary: if on(&mut rng) {
                    rng.range(0.0, 1.0)
                } else {
                    0.0
                },
                disc_source: if on(&mut rng) {
                    rng.range(0.0, 1e-6)
                } else {
                    0.0
                },
                exp_pain: if on(&mut rng) {
                    rng.range(0.0, 1.0)
                } else {
                    0.0
                },
            };
            let mut y = m.initial_state();
            let spans: [(f64, f64); NS] = [
                (0.0, 1.0),
                (0.02, 1.0),
                (0.0, 1.0),
                (0.0, 1.3),
                (0.0, 12.0),
                (0.0, 3.0),
                (0.0, 10.0),
                (0.0, 1.0),
                (30.0, 44.0),
                (32.0, 42.0),
                (34.0, 41.0),
                (0.0, 1.0),
                (0.0, 1.0),
                (0.0, 1.0),
                (0.0, 800.0),
                (0.0, 800.0),
                (0.0, 10.0),
                (0.0, 20.0),
                (0.0, 10.0),
                (0.0, 10.0),
                (0.0, 200.0),
            ];
            for (k, (lo, hi)) in spans.iter().enumerate() {
                // Some exact zeros to hit the x <= 0 branches.
                y[k] = if lo == &0.0 && rng.next() < 0.1 {
                    0.0
                } else {
                    rng.range(*lo, *hi)
                };
            }
            let v = values_for(&m, &y);
            let eq = equations();
            let rhs = m.rhs_generic(&y.data.0[0]);
            for (k, d) in eq.rates.iter().enumerate() {
                let r = d.expr.eval(&|s| v[s], 0.0);
                close(r, rhs[k], &format!("{set} #{trial} d{}/dt", d.id));
            }
            let al = m.algebraic(&y.data.0[0]);
            for ((name, _, _), x) in Algebraic::<f64>::NAMES.iter().zip(al.values()) {
                close(v[*name], x, &format!("{set} #{trial} {name}"));
            }
        }
    }
}

fn scenario() -> Schedule {
    Schedule::default()
        .window(0.0, 120.0, Effect::Voluntary(0.5))
        .repeat_event(
            3600.0,
            8.0 * 3600.0,
            3,
            Impulse::Dose(Drug::Ibuprofen, 400.0),
        )
        .repeat_event(
            3600.0,
            8.0 * 3600.0,
            3,
            Impulse::Dose(Drug::Cyclobenzaprine, 5.0),
        )
        .window(7200.0, 1200.0, Effect::SkinHeat(43.0))
        .event(5000.0, Impulse::Injury(0.1))
        .event(5000.0, Impulse::Injury(0.2))
        .event(0.0, Impulse::LocalAnaesthetic(20.0))
}

#[test]
fn sbml_text_is_well_formed_and_self_contained() {
    let p = Patient::embedded("acute_injury").unwrap();
    let y0 = p.model().initial_state();
    let xml = to_sbml(&p, &y0, Some(&scenario()), 86400.0).unwrap();

    let mut r = Reader::from_str(&xml);
    let mut defined: Vec<String> = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut in_ci = false;
    let mut events = 0;
    loop {
        let ev = r.read_event().expect("well-formed XML");
        match &ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let tag = e.name().as_ref().to_string();
                in_ci = tag == "ci" && matches!(ev, Event::Start(_));
                if tag == "event" {
                    events += 1;
                }
                for a in e.attributes() {
                    let a = a.unwrap();
                    let val = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .to_string();
                    match (tag.as_str(), a.key.as_ref()) {
                        ("parameter" | "event" | "unitDefinition", "id") => {
                            defined.push(val);
                        }
                        ("parameter", "units") | (_, "variable" | "symbol") => {
                            used.insert(val);
                        }
                        _ => {}
                    }
                }
            }
            Event::Text(t) if in_ci => {
                used.insert(t.xml10_content().trim().to_string());
            }
            Event::End(_) => in_ci = false,
            _ => {}
        }
    }
    let mut seen = HashSet::new();
    for d in &defined {
        assert!(seen.insert(d.clone()), "{d} defined twice");
    }
    for u in &used {
        let builtin = ["dimensionless", "second", "litre", "newton"].contains(&u.as_str());
        assert!(builtin || seen.contains(u), "{u} used but not defined");
    }
    for (n, _) in STATE_NAMES {
        assert!(seen.contains(n), "state {n} missing");
    }
    // t = 0 (effort on, injection), 2 min effort end, 3 doses (×2 drugs in one event
    // each), heat on/off, injuries.
    assert_eq!(events, 1 + 1 + 3 + 2 + 1);
    // Both injuries compose into one assignment. The t = 0 injection is an event that
    // fires at t = 0 (trigger time >= 0, initially false), not folded into the
    // initial value; every event has a priority.
    let la = &xml[xml.find("<parameter id=\"la_depot\"").unwrap()..];
    assert!(la[..la.find('>').unwrap()].contains(" value=\"0\" "));
    let ev0 = &xml[xml.find("<event id=\"ev_0\"").expect("an event at t = 0")..];
    let ev0 = &ev0[..ev0.find("</event>").unwrap()];
    assert!(ev0.contains("<trigger initialValue=\"false\" persistent=\"true\">"));
    assert!(ev0.contains("<cn sbml:units=\"second\"> 0 </cn>"));
    assert!(ev0.contains("variable=\"la_depot\"") && ev0.contains("variable=\"voluntary\""));
    assert_eq!(xml.matches("<priority>").count(), events);
    assert!(xml.contains("ibu_f"));

    // Without a schedule: drivers constant, no events; a bad run length is refused.
    let plain = to_sbml(&p, &y0, None, 3600.0).unwrap();
    assert!(!plain.contains("<listOfEvents>"));
    assert!(to_sbml(&p, &y0, None, f64::NAN).is_err());
}
