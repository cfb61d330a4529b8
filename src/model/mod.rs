//! The spasm–ischemia model: states, scheduled inputs, algebraic quantities and the
//! right-hand side. Pure: no I/O. Time in seconds.
//!
//! Each mechanism lives in its own file, in the order of the loop: [`activation`],
//! [`perfusion`], [`metabolism`], [`nociception`], [`fusimotor`], [`thermal`],
//! [`pharmacology`] (and [`injury`], the slow driver of several of them). They are
//! written once, generic over the number type ([`scalar`]): evaluated with `f64`
//! they simulate, with dual numbers they give the exact Jacobian, and with symbols
//! ([`symbolic`]) they give the SBML export, the peer harness's right-hand side and
//! the equation table of docs/model.md.

pub mod activation;
pub mod fusimotor;
#[rustfmt::skip]
mod generated;
pub mod injury;
pub mod inputs;
pub mod metabolism;
pub mod nociception;
pub mod params;
pub mod perfusion;
pub mod pharmacology;
pub mod scalar;
pub mod symbolic;
pub mod thermal;

use nalgebra::SVector;

pub use generated::JACOBIAN_NONZEROS;
pub use inputs::Inputs;
pub use params::{ParamError, ParamSet, Params};
use scalar::{Num, Real};

/// Number of state variables.
pub const NS: usize = 21;

/// A state vector.
pub type State = SVector<f64, NS>;

/// State indices.
pub mod idx {
    /// Contraction, fraction of MVC.
    pub const A: usize = 0;
    /// Capacity left after fatigue (0–1).
    pub const CAP: usize = 1;
    /// Fusimotor (γ) bias (0–1).
    pub const GAMMA: usize = 2;
    /// Tissue oxygenation, 1 = rest.
    pub const O: usize = 3;
    /// Metabolite load, mM K⁺ above rest.
    pub const M: usize = 4;
    /// Sensitising mediators, a.u.
    pub const S: usize = 5;
    /// Perceived pain, NRS 0–10.
    pub const P: usize = 6;
    /// Central sensitisation (0–1).
    pub const Z: usize = 7;
    /// Muscle temperature at 1 node spacing (1 cm), °C.
    pub const T1: usize = 8;
    /// Muscle temperature at 2 node spacings (2 cm), °C.
    pub const T2: usize = 9;
    /// Muscle temperature at 3 node spacings (3 cm), °C.
    pub const T3: usize = 10;
    /// Injury/inflammation (0–1).
    pub const H: usize = 11;
    /// Stretch after-effect (0–1).
    pub const X: usize = 12;
    /// Massage after-effect (0–1).
    pub const Y: usize = 13;
    /// Ibuprofen in gut, mg (bioavailable amount).
    pub const IBU_GUT: usize = 14;
    /// Ibuprofen in plasma compartment, mg.
    pub const IBU: usize = 15;
    /// Cyclobenzaprine in gut, mg.
    pub const CBZ_GUT: usize = 16;
    /// Cyclobenzaprine in plasma compartment, mg.
    pub const CBZ: usize = 17;
    /// Tizanidine in gut, mg.
    pub const TIZ_GUT: usize = 18;
    /// Tizanidine in plasma compartment, mg.
    pub const TIZ: usize = 19;
    /// Local anaesthetic depot at the injection site, mg.
    pub const LA: usize = 20;
}

/// Column names (as in CSV output and SBML ids) and units of the states.
pub const STATE_NAMES: [(&str, &str); NS] = [
    ("a", "MVC"),
    ("cap", "1"),
    ("gamma", "1"),
    ("O", "1"),
    ("M", "mM"),
    ("S", "a.u."),
    ("P", "NRS"),
    ("Z", "1"),
    ("T1", "°C"),
    ("T2", "°C"),
    ("T3", "°C"),
    ("H", "1"),
    ("X", "1"),
    ("Y", "1"),
    ("ibu_gut", "mg"),
    ("ibu_central", "mg"),
    ("cbz_gut", "mg"),
    ("cbz_central", "mg"),
    ("tiz_gut", "mg"),
    ("tiz_central", "mg"),
    ("la_depot", "mg"),
];

/// Typical magnitude of each state in its unit, used to scale absolute tolerances
/// (`atol_i = rtol × TYPICAL[i]`): a change of `rtol × TYPICAL[i]` is negligible.
pub const TYPICAL: [f64; NS] = [
    0.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 1.0, 1.0, 1.0, 0.1, 1.0, 1.0, 100.0, 100.0, 1.0, 1.0,
    1.0, 1.0, 10.0,
];

/// Scheduled inputs as the schedule sets them, constant within a schedule segment.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Drivers {
    /// Electrically evoked activation, fraction of MVC (of current capacity).
    pub es_activation: f64,
    /// External pressure on the muscle (cuff, posture), mmHg.
    pub cuff_pressure: f64,
    /// Rhythmic activity driving the muscle pump, 0 (bed rest) – 1 (walking).
    pub activity: f64,
    /// Extra drive from emotional stress, fraction of MVC.
    pub stress_drive: f64,
    /// Temperature of a heat source on the skin (hot pack, bath, wrap), °C; `None` = off.
    pub skin_heat: Option<f64>,
    /// Therapeutic ultrasound intensity, W/cm².
    pub us_intensity: f64,
    /// Therapeutic ultrasound frequency, MHz (1–3).
    pub us_frequency: f64,
    /// TENS strength, 0–1.
    pub tens: f64,
    /// Static stretch under way, 0 or 1.
    pub stretch: f64,
    /// Massage under way, 0 or 1.
    pub massage: f64,
    /// Target of a sustained voluntary contraction, fraction of MVC (0 = none).
    pub voluntary: f64,
    /// Extra injury source (disc herniation trigger), 1/s.
    pub disc_source: f64,
    /// Experimental (hypertonic-saline-like) nociceptor activity, 0–1.
    pub exp_pain: f64,
}

impl Drivers {
    /// The inputs as the equations read them (a heat source that is off gives
    /// `skin_heat_on = 0`, `skin_heat = 0`).
    pub fn inputs(&self) -> Inputs<f64> {
        Inputs {
            es_activation: self.es_activation,
            cuff_pressure: self.cuff_pressure,
            activity: self.activity,
            stress_drive: self.stress_drive,
            skin_heat_on: if self.skin_heat.is_some() { 1.0 } else { 0.0 },
            skin_heat: self.skin_heat.unwrap_or(0.0),
            us_intensity: self.us_intensity,
            us_frequency: self.us_frequency,
            tens: self.tens,
            stretch: self.stretch,
            massage: self.massage,
            voluntary: self.voluntary,
            disc_source: self.disc_source,
            exp_pain: self.exp_pain,
        }
    }
}

/// Constants derived from the parameters (SBML initial assignments).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derived<C> {
    /// Arterial oxygen level that makes O = 1 at rest, normalised units.
    pub o_art: C,
    /// Conduction rate from the deepest temperature node to the core, 1/s.
    pub k_deep: C,
    /// Resting temperature profile at the nodes, °C.
    pub t_rest: [C; thermal::NODES],
    /// Resting mean tissue temperature, °C.
    pub t_ref: C,
}

impl<C: Num> Derived<C> {
    /// Names and units of the derived constants, in the order of [`Derived::values`].
    pub const NAMES: [(&'static str, &'static str, &'static str); 6] = [
        (
            "o_art",
            "1",
            "arterial oxygen level that makes O = 1 at rest",
        ),
        (
            "k_deep",
            "1/s",
            "conduction rate from the deepest temperature node to the core boundary",
        ),
        ("T1_rest", "°C", "resting temperature of node 1"),
        ("T2_rest", "°C", "resting temperature of node 2"),
        ("T3_rest", "°C", "resting temperature of node 3"),
        ("T_ref", "°C", "resting mean tissue temperature"),
    ];

    /// Compute from the parameters.
    pub fn new(p: &Params<C>) -> Self {
        let t_rest = thermal::resting_profile(p);
        Self {
            o_art: metabolism::arterial_oxygen(p),
            k_deep: thermal::k_deep(p),
            t_ref: (t_rest[0] + t_rest[1] + t_rest[2]) / (thermal::NODES as f64),
            t_rest,
        }
    }

    /// Values in [`Derived::NAMES`] order.
    pub fn values(&self) -> [C; 6] {
        [
            self.o_art,
            self.k_deep,
            self.t_rest[0],
            self.t_rest[1],
            self.t_rest[2],
            self.t_ref,
        ]
    }
}

/// Everything the equations read at one instant: parameters and derived constants
/// (type `C`), the inputs in force (type `C`) and the state (type `D`).
#[derive(Debug, Clone, Copy)]
pub struct Cx<'a, C, D> {
    /// Parameters.
    pub p: &'a Params<C>,
    /// Derived constants.
    pub k: &'a Derived<C>,
    /// Scheduled inputs.
    pub u: &'a Inputs<C>,
    /// State.
    pub y: &'a [D; NS],
}

/// Algebraic (derived) quantities at one instant, in the order they are computed.
#[derive(Debug, Clone, Copy)]
pub struct Algebraic<D> {
    /// Plasma concentration of ibuprofen, mg/L.
    pub c_ibu: D,
    /// Plasma concentration of cyclobenzaprine, mg/L.
    pub c_cbz: D,
    /// Plasma concentration of tizanidine, mg/L.
    pub c_tiz: D,
    /// COX activity left (0–1).
    pub cox: D,
    /// Relaxant effect (0–1).
    pub relax: D,
    /// Nerve conduction left under the local anaesthetic (0–1).
    pub block: D,
    /// Mean tissue temperature, °C.
    pub t_mean: D,
    /// Total activation incl. evoked, MVC.
    pub a_tot: D,
    /// Intramuscular pressure, mmHg.
    pub p_im: D,
    /// Perfusion fraction (0–1).
    pub g: D,
    /// Vasodilation factor (1 = rest).
    pub v: D,
    /// Blood flow relative to rest.
    pub q: D,
    /// ATP demand relative to rest.
    pub demand: D,
    /// Energy deficit (0–1).
    pub phi: D,
    /// Metabolite nociception after block (0–1).
    pub n_met: D,
    /// Tissue nociception after block (0–1).
    pub n_tis: D,
    /// Experimental nociception after block (0–1).
    pub n_exp: D,
    /// Total nociceptor activity after block (0–1).
    pub n: D,
    /// Pain gate left open by TENS (1 = open).
    pub gate: D,
    /// Facilitation of the nociceptive input to the γ loop.
    pub facil: D,
    /// Spindle gain (1 = rest).
    pub spindle: D,
    /// Reflex drive, MVC.
    pub reflex: D,
    /// Neural drive before saturation, MVC.
    pub drive: D,
}

impl<D: Copy> Algebraic<D> {
    /// Names, units and meanings of the algebraic quantities, in the order of
    /// [`Algebraic::values`] (the SBML assignment rules).
    pub const NAMES: [(&'static str, &'static str, &'static str); 23] = [
        ("c_ibu", "mg/L", "ibuprofen plasma concentration"),
        ("c_cbz", "mg/L", "cyclobenzaprine plasma concentration"),
        ("c_tiz", "mg/L", "tizanidine plasma concentration"),
        ("cox", "1", "COX activity left"),
        ("relax", "1", "muscle-relaxant effect"),
        (
            "block",
            "1",
            "nerve conduction left under the local anaesthetic",
        ),
        ("t_mean", "°C", "mean tissue temperature"),
        ("a_tot", "MVC", "total activation including evoked"),
        ("p_im", "mmHg", "intramuscular pressure"),
        ("g", "1", "perfusion fraction"),
        ("V", "1", "vasodilation factor"),
        ("Q", "1", "blood flow relative to rest"),
        ("demand", "1", "ATP demand relative to rest"),
        ("phi", "1", "energy deficit"),
        ("n_met", "1", "metabolite nociception"),
        ("n_tis", "1", "tissue nociception"),
        ("n_exp", "1", "experimental nociception"),
        ("n", "1", "total nociceptor activity"),
        ("gate", "1", "pain gate left open by TENS"),
        (
            "facil",
            "1",
            "facilitation of the nociceptive input to the fusimotor loop",
        ),
        ("spindle", "1", "spindle gain"),
        (
            "reflex",
            "MVC",
            "reflex drive (basal, stress, fusimotor loop, pain adaptation)",
        ),
        ("drive", "MVC", "neural drive before saturation"),
    ];

    /// Values in [`Algebraic::NAMES`] order.
    pub fn values(&self) -> [D; 23] {
        [
            self.c_ibu,
            self.c_cbz,
            self.c_tiz,
            self.cox,
            self.relax,
            self.block,
            self.t_mean,
            self.a_tot,
            self.p_im,
            self.g,
            self.v,
            self.q,
            self.demand,
            self.phi,
            self.n_met,
            self.n_tis,
            self.n_exp,
            self.n,
            self.gate,
            self.facil,
            self.spindle,
            self.reflex,
            self.drive,
        ]
    }
}

/// The algebraic quantities, mechanism by mechanism in dependency order.
pub fn algebraic<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> Algebraic<D> {
    let c = pharmacology::concentrations(cx);
    let cox = pharmacology::cox(cx, &c);
    let relax = pharmacology::relaxant(cx, &c);
    let block = pharmacology::block(cx);
    let t_mean = thermal::mean(cx);
    let a_tot = activation::total(cx);
    let p_im = perfusion::pressure(cx, a_tot);
    let g = perfusion::open_fraction(cx, p_im);
    let v = perfusion::dilation(cx, t_mean);
    let q = perfusion::flow(cx, v, g);
    let demand = metabolism::demand(cx, a_tot);
    let phi = metabolism::deficit(cx);
    let noci = nociception::activity(cx, phi, block);
    let gate = nociception::gate(cx);
    let facil = fusimotor::facilitation(cx);
    let spindle = fusimotor::spindle_gain(cx, t_mean, relax);
    let reflex = activation::reflex_drive(cx, spindle, noci.tis + noci.exp);
    let drive = activation::drive(cx, reflex);
    Algebraic {
        c_ibu: c.ibu,
        c_cbz: c.cbz,
        c_tiz: c.tiz,
        cox,
        relax,
        block,
        t_mean,
        a_tot,
        p_im,
        g,
        v,
        q,
        demand,
        phi,
        n_met: noci.met,
        n_tis: noci.tis,
        n_exp: noci.exp,
        n: noci.total,
        gate,
        facil,
        spindle,
        reflex,
        drive,
    }
}

/// The right-hand side `dy/dt` given the algebraic quantities.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, al: &Algebraic<D>) -> [D; NS] {
    let mut dy = [D::lit(0.0); NS];
    activation::rates(cx, al.drive, al.g, &mut dy);
    metabolism::rates(cx, al.a_tot, al.demand, al.phi, al.q, &mut dy);
    nociception::rates(cx, al.n, al.cox, al.gate, &mut dy);
    fusimotor::rates(cx, al.n_met, al.facil, &mut dy);
    thermal::rates(cx, al.q, &mut dy);
    injury::rates(cx, &mut dy);
    pharmacology::rates(cx, &mut dy);
    dy
}

/// The numeric model: parameters, the drivers of the current segment, and the
/// constants derived from the parameters.
///
/// ```
/// use spasm::model::{idx, Model};
/// use spasm::model::params::ParamSet;
/// use spasm::solver::OdeSystem;
/// let m = Model::new(ParamSet::embedded("healthy").unwrap().to_params().unwrap());
/// let y = m.initial_state();
/// let dy = m.rhs(0.0, &y);
/// // The nominal resting state is close to steady: contraction barely moves.
/// assert!(dy[idx::A].abs() < 1e-2);
/// ```
#[derive(Debug, Clone)]
pub struct Model {
    p: Params,
    k: Derived<f64>,
    /// Inputs of the current segment.
    pub drivers: Drivers,
}

impl Model {
    /// Build a model with all drivers off.
    pub fn new(p: Params) -> Self {
        Self {
            k: Derived::new(&p),
            p,
            drivers: Drivers::default(),
        }
    }

    /// The parameters, canonical units.
    pub fn params(&self) -> &Params {
        &self.p
    }

    /// The constants derived from the parameters.
    pub fn derived(&self) -> &Derived<f64> {
        &self.k
    }

    /// The state a model starts from before settling: rest values of model.md §2
    /// (temperatures from the resting profile).
    pub fn initial_state(&self) -> State {
        let p = &self.p;
        let mut y = State::zeros();
        y[idx::A] = p.u0;
        y[idx::CAP] = 1.0;
        y[idx::O] = 1.0;
        for (i, &s) in thermal::NODE_STATES.iter().enumerate() {
            y[s] = self.k.t_rest[i];
        }
        y[idx::H] = p.h_initial;
        y
    }

    /// Algebraic quantities at state `y` under the current drivers.
    pub fn algebraic(&self, y: &[f64; NS]) -> Algebraic<f64> {
        let u = self.drivers.inputs();
        algebraic(&self.cx(&u, y))
    }

    /// Temperature (°C) at `depth_cm` below the skin at state `y` under the current
    /// drivers (piecewise linear between the surface, the nodes and the core).
    pub fn temperature_at(&self, y: &[f64; NS], depth_cm: f64) -> f64 {
        let u = self.drivers.inputs();
        let cx = self.cx(&u, y);
        thermal::at_depth(
            &self.p,
            thermal::surface(&cx),
            thermal::NODE_STATES.map(|i| y[i]),
            depth_cm,
        )
    }

    fn cx<'a, D>(&'a self, u: &'a Inputs<f64>, y: &'a [D; NS]) -> Cx<'a, f64, D> {
        Cx {
            p: &self.p,
            k: &self.k,
            u,
            y,
        }
    }

    /// Right-hand side at `y` from the generated straight-line code (the same
    /// equations as [`Model::rhs_generic`], evaluated without the generic types).
    pub fn rhs_at(&self, y: &[f64; NS]) -> [f64; NS] {
        generated::rhs(&self.p, &self.k.values(), &self.drivers.inputs(), y)
    }

    /// Right-hand side and the exact Jacobian ∂f/∂y at `y`, from the generated code:
    /// the Jacobian's structural nonzeros in the order of [`Model::jacobian_pattern`].
    pub fn rhs_and_jacobian_at(&self, y: &[f64; NS]) -> ([f64; NS], [f64; JACOBIAN_NONZEROS]) {
        generated::rhs_and_jacobian(&self.p, &self.k.values(), &self.drivers.inputs(), y)
    }

    /// The structural nonzeros of the Jacobian as (row, column), row-major.
    pub fn jacobian_pattern() -> &'static [(usize, usize)] {
        &generated::JACOBIAN_PATTERN
    }

    /// Right-hand side on a plain array, for any number type over `f64` parameters.
    pub fn rhs_generic<D: Real<f64>>(&self, y: &[D; NS]) -> [D; NS] {
        let u = self.drivers.inputs();
        let cx = self.cx(&u, y);
        rates(&cx, &algebraic(&cx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::ParamSet;

    fn model(set: &str) -> Model {
        Model::new(ParamSet::embedded(set).unwrap().to_params().unwrap())
    }

    #[test]
    fn resting_profile_is_the_steady_state_of_the_chain() {
        let m = model("healthy");
        let y = m.initial_state();
        let dy = m.rhs_generic(&y.data.0[0]);
        for i in thermal::NODE_STATES {
            // Flow is ≈ 1 at the nominal rest, so the temperature derivatives nearly vanish.
            assert!(dy[i].abs() < 1e-5, "dT[{i}] = {}", dy[i]);
        }
        let t = m.derived().t_rest;
        assert!(
            t[0] < t[1] && t[1] < t[2] && t[2] < m.params().t_core,
            "{t:?}"
        );
    }
}
