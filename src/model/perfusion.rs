//! Perfusion (second mechanism): intramuscular pressure clamps the vessels, metabolites
//! and warmth dilate them, rhythmic movement pumps.
//!
//! ```text
//! p_im = p0 + k_p·a_tot·(mvc_force/mvc_force_ref) + k_edema·H + cuff_pressure
//! g    = 1 − smoothstep((p_im − p_on)/(p_art − p_on))
//! V    = (1 + v_max·M²/(M² + k_v²)) · 2^((T̄ − T_ref)/flow_doubling_temp)
//! Q    = V · g · (1 + pump_gain·(activity + es_pump·es_activation))
//! ```
//!
//! Electrical stimulation is delivered in on/off trains of seconds: the evoked
//! contractions pump like rhythmic voluntary activity (`es_pump` per unit of mean
//! evoked activation).
//!
//! Pressure follows absolute force, not force relative to the patient's own maximum
//! (Barnes 1980: strong and weak subjects occluded at the same absolute tension,
//! 34.8 vs 34.3 kg, i.e. at 51.5 vs 75.5 %MVC): `k_p` is the slope of a patient of
//! reference strength `mvc_force_ref`, and a patient of strength `mvc_force` reaches
//! the same pressure at `mvc_force_ref/mvc_force` times the %MVC.

use super::scalar::{Num, Real};
use super::{idx, Cx};

/// Intramuscular pressure, mmHg.
pub fn pressure<C: Num, D: Real<C>>(cx: &Cx<C, D>, a_tot: D) -> D {
    let p = cx.p;
    a_tot * (p.k_p * (p.mvc_force / p.mvc_force_ref))
        + cx.y[idx::H] * p.k_edema
        + p.p0
        + cx.u.cuff_pressure
}

/// Perfusion fraction g (1 = vessels open, 0 = occluded) at pressure `p_im`.
pub fn open_fraction<C: Num, D: Real<C>>(cx: &Cx<C, D>, p_im: D) -> D {
    let p = cx.p;
    D::lit(1.0) - ((p_im - p.p_on) / (p.p_art - p.p_on)).smoothstep()
}

/// Vasodilation factor (1 = rest): metabolic (Hill exponent 2 in M) times thermal
/// (flow doubles per `flow_doubling_temp` of warming of the mean tissue temperature).
pub fn dilation<C: Num, D: Real<C>>(cx: &Cx<C, D>, t_mean: D) -> D {
    let p = cx.p;
    let m = cx.y[idx::M];
    let m2 = m * m;
    let metabolic = m2 * p.v_max / (m2 + p.k_v * p.k_v) + 1.0;
    let thermal =
        ((t_mean - cx.k.t_ref) * (p.flow_doubling_temp.recip() * std::f64::consts::LN_2)).exp();
    metabolic * thermal
}

/// Blood flow relative to rest.
pub fn flow<C: Num, D: Real<C>>(cx: &Cx<C, D>, dilation: D, g: D) -> D {
    let (p, u) = (cx.p, cx.u);
    dilation * g * ((u.activity + u.es_activation * p.es_pump) * p.pump_gain + 1.0)
}
