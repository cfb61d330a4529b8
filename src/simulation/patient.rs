//! A patient: the resolved parameter set, with where every value came from, and the
//! model built from it. Every run of the program — a scenario's arms, each patient of a
//! virtual cohort, each validation protocol, a bistability probe — goes through
//! [`Patient::settle`] and [`Patient::run`].

use crate::model::params::{ParamError, ParamSet, Params};
use crate::model::{idx, Model, State};
use crate::protocol::Schedule;
use crate::solver::SolverError;
use crate::units::HOUR;

use super::{simulate, SolverConfig, Trajectory};

/// The settling period of [`Patient::rested`], s: long enough for every fast state
/// to reach rest.
pub const REST_SETTLE_S: f64 = 12.0 * HOUR;

/// A patient: parameter set (values as documented, with sources) and model.
///
/// ```
/// use spasm::protocol::{Effect, Schedule};
/// use spasm::simulation::{grid, Patient, SolverConfig};
/// let p = Patient::embedded("healthy").unwrap();
/// let rest = p.rested().unwrap();
/// // Hold 30 %MVC for 3 min: a healthy muscle lets go within seconds.
/// let s = Schedule::default().window(0.0, 180.0, Effect::Voluntary(0.3));
/// let tr = p.run(&rest, &s, 200.0, &grid(200.0, 10.0), &SolverConfig::default()).unwrap();
/// assert!(tr.last()[spasm::model::idx::A] < 0.05);
/// ```
#[derive(Debug, Clone)]
pub struct Patient {
    set: ParamSet,
    model: Model,
}

impl Patient {
    /// The patient of a parameter set (its values converted to canonical units).
    pub fn from_set(set: ParamSet) -> Result<Patient, ParamError> {
        let model = Model::new(set.to_params()?);
        Ok(Patient { set, model })
    }

    /// The patient of an embedded parameter set.
    pub fn embedded(name: &str) -> Result<Patient, ParamError> {
        Patient::from_set(ParamSet::embedded(name)?)
    }

    /// This patient with some parameters set to values in canonical units (a cohort's
    /// draws, an arm's overrides, a probe's fixed injury); each value's source becomes
    /// `source`. The model uses the values exactly as given.
    pub fn with_values<'n>(
        &self,
        values: impl IntoIterator<Item = (&'n str, f64)>,
        source: &str,
    ) -> Result<Patient, ParamError> {
        let mut set = self.set.clone();
        let mut p: Params = self.model.params().clone();
        for (name, value) in values {
            let field = p
                .get_mut(name)
                .ok_or_else(|| ParamError::unknown_parameter(name))?;
            *field = value;
            set.set_canonical(name, value, source)?;
        }
        let mut model = Model::new(p);
        model.drivers = self.model.drivers;
        Ok(Patient { set, model })
    }

    /// The parameter set, with each value's unit, range and source.
    pub fn set(&self) -> &ParamSet {
        &self.set
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The parameters in canonical units.
    pub fn params(&self) -> &Params {
        self.model.params()
    }

    /// The state after `duration` s with nothing scheduled, from the model's nominal
    /// rest (the nominal rest itself for 0 s). The slow injury state is reset to its
    /// initial value, so settling does not heal the patient.
    pub fn settle(&self, duration: f64, cfg: &SolverConfig) -> Result<State, SolverError> {
        let y0 = self.model.initial_state();
        if duration <= 0.0 {
            return Ok(y0);
        }
        let tr = simulate(
            &self.model,
            &y0,
            &Schedule::default(),
            duration,
            &[duration],
            cfg,
        )?;
        let mut y = *tr.last();
        y[idx::H] = y0[idx::H];
        Ok(y)
    }

    /// The rested state: [`Patient::settle`] for [`REST_SETTLE_S`] with the default
    /// solver settings.
    pub fn rested(&self) -> Result<State, SolverError> {
        self.settle(REST_SETTLE_S, &SolverConfig::default())
    }

    /// Run from `y0` at t = 0 to `t_end` s under `schedule`, reporting at `samples`
    /// (sorted, within [0, t_end]).
    pub fn run(
        &self,
        y0: &State,
        schedule: &Schedule,
        t_end: f64,
        samples: &[f64],
        cfg: &SolverConfig,
    ) -> Result<Trajectory, SolverError> {
        simulate(&self.model, y0, schedule, t_end, samples, cfg)
    }
}
