//! The spasm–ischemia model: states, drivers (scheduled inputs), algebraic
//! quantities and the right-hand side. Pure: no I/O. Time in seconds.
//!
//! Every equation is written out in docs/model.md with its source.

pub mod smooth;

use nalgebra::{SMatrix, SVector};
use num_dual::DualSVec64;

use crate::params::Params;
use crate::solver::OdeSystem;
use smooth::{hill, hill_k, smoothstep, soft_min, softplus, Real};

/// Number of state variables.
pub const NS: usize = 20;

/// A state vector.
pub type State = SVector<f64, NS>;

/// State indices, names and units.
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
    /// Muscle temperature at 1 cm, °C.
    pub const T1: usize = 8;
    /// Muscle temperature at 3 cm, °C.
    pub const T3: usize = 9;
    /// Injury/inflammation (0–1).
    pub const H: usize = 10;
    /// Stretch after-effect (0–1).
    pub const X: usize = 11;
    /// Massage after-effect (0–1).
    pub const Y: usize = 12;
    /// Ibuprofen in gut, mg (bioavailable amount).
    pub const IBU_GUT: usize = 13;
    /// Ibuprofen in plasma compartment, mg.
    pub const IBU: usize = 14;
    /// Cyclobenzaprine in gut, mg.
    pub const CBZ_GUT: usize = 15;
    /// Cyclobenzaprine in plasma compartment, mg.
    pub const CBZ: usize = 16;
    /// Tizanidine in gut, mg.
    pub const TIZ_GUT: usize = 17;
    /// Tizanidine in plasma compartment, mg.
    pub const TIZ: usize = 18;
    /// Local anaesthetic depot at the injection site, mg.
    pub const LA: usize = 19;
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
    0.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 1.0, 1.0, 0.1, 1.0, 1.0, 100.0, 100.0, 1.0, 1.0, 1.0,
    1.0, 10.0,
];

/// Scheduled inputs, constant within a schedule segment.
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
}

/// Algebraic (derived) quantities at one instant.
#[derive(Debug, Clone, Copy)]
pub struct Algebraic<D> {
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
    /// Total nociceptor activity after block (0–1).
    pub n: D,
    /// Spindle gain (1 = rest).
    pub spindle: D,
    /// Neural drive before saturation, MVC.
    pub drive: D,
    /// Relaxant effect (0–1).
    pub relax: D,
    /// COX activity left (0–1).
    pub cox: D,
    /// Pain gate from TENS (1 = open).
    pub gate: f64,
}

/// The model: parameters, the current drivers, and constants derived from the
/// parameters (normalisations that make the resting state what model.md says).
#[derive(Debug, Clone)]
pub struct Model {
    /// Parameters in canonical units.
    pub p: Params,
    /// Inputs of the current segment.
    pub drivers: Drivers,
    /// Arterial oxygen level that makes O = 1 at rest, normalised units.
    o_art: f64,
    /// 1 cm ↔ 3 cm conduction rate that holds the resting temperature profile, 1/s.
    k_13: f64,
    /// 3 cm ↔ core conduction rate that holds the resting profile, 1/s.
    k_core: f64,
    /// Resting mean tissue temperature, °C.
    t_ref: f64,
}

impl Model {
    /// Build a model with all drivers off.
    pub fn new(p: Params) -> Self {
        let o_art = 1.0 + p.consumption_ratio * (p.d0 + p.d1 * p.u0) / (1.0 + p.k_c);
        // Resting steady state of the two-node temperature chain at Q = 1.
        let (t1, t3) = (p.t1_rest, p.t3_rest);
        let k_13 = -(p.k_skin * (p.t_skin - t1) + p.k_blood * (p.t_core - t1)) / (t3 - t1);
        let k_core = -(k_13 * (t1 - t3) + p.k_blood * (p.t_core - t3)) / (p.t_core - t3);
        Self {
            t_ref: 0.5 * (t1 + t3),
            o_art,
            k_13,
            k_core,
            drivers: Drivers::default(),
            p,
        }
    }

    /// Derived heat-exchange rates (k_13, k_core) in 1/s, for documentation and tests.
    pub fn conduction_rates(&self) -> (f64, f64) {
        (self.k_13, self.k_core)
    }

    /// The state a model starts from before settling: rest values of model.md §2.
    pub fn initial_state(&self) -> State {
        let p = &self.p;
        let mut y = State::zeros();
        y[idx::A] = p.u0;
        y[idx::CAP] = 1.0;
        y[idx::O] = 1.0;
        y[idx::T1] = p.t1_rest;
        y[idx::T3] = p.t3_rest;
        y[idx::H] = p.h_initial;
        y
    }

    /// Plasma concentrations (ibuprofen mg/L, cyclobenzaprine mg/L, tizanidine mg/L).
    pub fn concentrations<D: Real>(&self, y: &[D; NS]) -> (D, D, D) {
        let p = &self.p;
        (
            y[idx::IBU] / p.ibu_v,
            y[idx::CBZ] / p.cbz_v,
            y[idx::TIZ] / p.tiz_v,
        )
    }

    /// Algebraic quantities at state `y`.
    pub fn algebraic<D: Real>(&self, y: &[D; NS]) -> Algebraic<D> {
        let p = &self.p;
        let dr = &self.drivers;
        let one = D::from(1.0);
        let (a, cap, gamma, o, m, s) = (
            y[idx::A],
            y[idx::CAP],
            y[idx::GAMMA],
            y[idx::O],
            y[idx::M],
            y[idx::S],
        );
        let h = y[idx::H];
        let t_mean = (y[idx::T1] + y[idx::T3]) * 0.5;

        let a_tot = a + cap * dr.es_activation;
        let p_im = a_tot * p.k_p + h * p.k_edema + p.p0 + dr.cuff_pressure;
        let g = one - smoothstep((p_im - p.p_on) / (p.p_art - p.p_on));
        let m2 = m * m;
        let v = (one + m2 * p.v_max / (m2 + p.k_v * p.k_v))
            * ((t_mean - self.t_ref) * (std::f64::consts::LN_2 / p.flow_doubling_temp)).exp();
        let q = v * g * (1.0 + p.pump_gain * dr.activity);
        let demand = a_tot * p.d1 + p.d0;
        let oh = smooth::pow(o, p.h_o);
        let koh = smooth::pow(p.k_o, p.h_o);
        let phi = (oh + koh).recip() * koh;

        // Nociception, local-anaesthetic block.
        let k_eff = (one - s * p.s_max / (s + p.k_s)) * p.k_n;
        let block = one - y[idx::LA] / (y[idx::LA] + p.la_ec50);
        let n_met_raw = hill_k(m, k_eff, p.h_n) * (phi * (1.0 - p.eps_met) + p.eps_met);
        let n_tis_raw = h * p.w_h / (h * p.w_h + 1.0);
        let n_met = n_met_raw * block;
        let n_tis = n_tis_raw * block;
        let n = one - (one - n_met) * (one - n_tis);

        // Drugs.
        let (c_ibu, c_cbz, c_tiz) = self.concentrations(y);
        let cox = one - c_ibu * p.cox_imax / (c_ibu + p.cox_ic50);
        let r = c_cbz / p.cbz_ec50 + c_tiz / p.tiz_ec50;
        let relax = r * p.relax_emax / (r + 1.0);

        // Spindle gain and drive.
        let warming = softplus(t_mean - self.t_ref, p.heat_softness)
            - softplus(D::from(0.0), p.heat_softness).re();
        let spindle = (one - y[idx::X] * p.stretch_max)
            * (one - y[idx::Y] * p.massage_max)
            * (one - warming * p.heat_spindle)
            * (one - relax);
        let gain = (one + h * p.gain_injury) * p.gain_gamma;
        let mut drive = gain * spindle * gamma + h * p.u_guard - n_tis * p.alpha_adapt
            + p.u0
            + p.u_stress_tonic
            + dr.stress_drive;
        if dr.voluntary > 0.0 {
            // Holding a force: the drive needed rises as capacity falls.
            let needed = cap.recip() * dr.voluntary;
            drive = drive + softplus(needed - drive, p.drive_softness);
        }
        Algebraic {
            a_tot,
            p_im,
            g,
            v,
            q,
            demand,
            phi,
            n_met,
            n_tis,
            n,
            spindle,
            drive,
            relax,
            cox,
            gate: 1.0 - p.tens_max * dr.tens,
        }
    }

    /// Right-hand side on a plain array (generic for exact Jacobians).
    pub fn rhs_generic<D: Real>(&self, y: &[D; NS]) -> [D; NS] {
        let p = &self.p;
        let dr = &self.drivers;
        let one = D::from(1.0);
        let al = self.algebraic(y);
        let mut dy = [D::from(0.0); NS];
        let (a, cap, gamma, o, m, s) = (
            y[idx::A],
            y[idx::CAP],
            y[idx::GAMMA],
            y[idx::O],
            y[idx::M],
            y[idx::S],
        );
        let h = y[idx::H];

        let u = soft_min(softplus(al.drive, p.drive_softness), 1.0, p.drive_softness);
        dy[idx::A] = (u * cap - a) / p.tau_a;
        dy[idx::CAP] = (one - cap) * al.g * p.recovery_rate
            - (a * p.fatigue_rate + p.es_fatigue_rate * dr.es_activation) * cap;
        let gamma_input = al.n_met * p.w1 + gamma * p.w2;
        dy[idx::GAMMA] = (hill(gamma_input, p.k_gamma, p.h_gamma) - gamma) / p.tau_gamma;
        dy[idx::O] = al.q * (D::from(self.o_art) - o) * p.k_supply
            - al.demand * o / (o + p.k_c) * (p.consumption_ratio * p.k_supply);
        dy[idx::M] = al.demand * al.phi * p.beta0 + al.a_tot * p.beta1 - al.q * m / p.tau_w;
        dy[idx::S] = al.cox * (m * p.sigma_m + h * p.sigma_h) - s / p.tau_s;
        let pain_target = (one
            - (-((al.n * (one + y[idx::Z] * p.c_z) + y[idx::Z] * p.z_pain) * p.kappa)).exp())
            * (10.0 * al.gate);
        dy[idx::P] = (pain_target - y[idx::P]) / p.tau_p;
        let z = y[idx::Z];
        dy[idx::Z] = (al.n + hill(z, p.k_zh, p.h_z) * p.w_z) * (one - z) * p.k_z - z / p.tau_z;

        let (t1, t3) = (y[idx::T1], y[idx::T3]);
        let t_surface = dr.skin_heat.unwrap_or(p.t_skin);
        let us_rate = {
            let f = dr.us_frequency.clamp(1.0, 3.0);
            let per = p.us_heat_1mhz + (p.us_heat_3mhz - p.us_heat_1mhz) * (f - 1.0) / 2.0;
            per * dr.us_intensity
        };
        dy[idx::T1] = (D::from(t_surface) - t1) * p.k_skin
            + (t3 - t1) * self.k_13
            + al.q * (D::from(p.t_core) - t1) * p.k_blood;
        dy[idx::T3] = (t1 - t3) * self.k_13
            + (D::from(p.t_core) - t3) * self.k_core
            + al.q * (D::from(p.t_core) - t3) * p.k_blood
            + us_rate;
        dy[idx::H] = D::from(p.h_disc + dr.disc_source) - h / p.tau_heal;
        let x = y[idx::X];
        dy[idx::X] = (one - x) * (dr.stretch / p.tau_x_on) - x * ((1.0 - dr.stretch) / p.tau_x_off);
        let yy = y[idx::Y];
        dy[idx::Y] =
            (one - yy) * (dr.massage / p.tau_y_on) - yy * ((1.0 - dr.massage) / p.tau_y_off);

        let pk = |gut: usize, cen: usize, ka: f64, cl: f64, v: f64, dy: &mut [D; NS]| {
            dy[gut] = -(y[gut] * ka);
            dy[cen] = y[gut] * ka - y[cen] * (cl / v);
        };
        pk(idx::IBU_GUT, idx::IBU, p.ibu_ka, p.ibu_cl, p.ibu_v, &mut dy);
        pk(idx::CBZ_GUT, idx::CBZ, p.cbz_ka, p.cbz_cl, p.cbz_v, &mut dy);
        pk(idx::TIZ_GUT, idx::TIZ, p.tiz_ka, p.tiz_cl, p.tiz_v, &mut dy);
        dy[idx::LA] = -(y[idx::LA] / p.la_tau);
        dy
    }
}

impl OdeSystem<NS> for Model {
    fn rhs(&self, _t: f64, y: &State) -> State {
        State::from(self.rhs_generic(&y.data.0[0]))
    }

    fn jacobian(&self, _t: f64, y: &State) -> SMatrix<f64, NS, NS> {
        // Seed state k with the k-th unit derivative, evaluate once, and read row i
        // of the Jacobian from the derivative part of dy_i (zero when absent).
        let x: [DualSVec64<NS>; NS] =
            std::array::from_fn(|k| DualSVec64::from_re(y[k]).derivative(k));
        let dy = self.rhs_generic(&x);
        let mut j = SMatrix::<f64, NS, NS>::zeros();
        for (i, d) in dy.iter().enumerate() {
            if let Some(eps) = &d.eps.0 {
                j.set_row(i, &eps.transpose());
            }
        }
        j
    }

    fn nonnegative(&self) -> [bool; NS] {
        let mut m = [true; NS];
        m[idx::T1] = false;
        m[idx::T3] = false;
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ParamSet;

    fn model(set: &str) -> Model {
        Model::new(ParamSet::embedded(set).unwrap().to_params().unwrap())
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        let mut m = model("acute_injury");
        m.drivers.voluntary = 0.3;
        m.drivers.skin_heat = Some(42.0);
        let mut y = m.initial_state();
        for (i, v) in [
            0.2, 0.8, 0.4, 0.5, 2.0, 1.0, 4.0, 0.1, 36.0, 36.8, 0.5, 0.2, 0.1, 50.0, 100.0, 1.0,
            3.0, 0.5, 0.2, 40.0,
        ]
        .iter()
        .enumerate()
        {
            y[i] = *v;
        }
        let j = m.jacobian(0.0, &y);
        for k in 0..NS {
            let h = 1e-6 * y[k].abs().max(1e-3);
            let mut yp = y;
            let mut ym = y;
            yp[k] += h;
            ym[k] -= h;
            let fd = (m.rhs(0.0, &yp) - m.rhs(0.0, &ym)) / (2.0 * h);
            for i in 0..NS {
                let scale = j[(i, k)].abs().max(1e-6);
                assert!(
                    (fd[i] - j[(i, k)]).abs() / scale < 1e-5,
                    "J[{i},{k}] = {} vs FD {}",
                    j[(i, k)],
                    fd[i]
                );
            }
        }
    }

    #[test]
    fn derived_rates_hold_the_resting_temperature_profile() {
        let m = model("healthy");
        let (k13, kc) = m.conduction_rates();
        assert!(k13 > 0.0 && kc > 0.0);
        let y = m.initial_state();
        let dy = m.rhs(0.0, &y);
        // Flow is ≈1 at rest, so the temperature derivatives nearly vanish.
        assert!(dy[idx::T1].abs() < 1e-4 && dy[idx::T3].abs() < 1e-4, "{dy}");
    }
}
