//! The fusimotor loop (fifth mechanism): γ bias Γ driven by metabolite nociception
//! where injury has facilitated that pathway, with its own self-excitation
//! (Johansson & Sojka 1991, loops 1 and 2); the spindle gain through which Γ drives
//! the muscle, cut by stretch, massage, warmth and muscle relaxants.
//!
//! ```text
//! facil  = fac_injury·H
//! dΓ/dt  = (hill(facil·n_met + w2·Γ; k_gamma, h_gamma) − Γ)/tau_gamma
//! warm   = softplus_w(T̄ − T_ref) − w·ln 2                (w = heat_softness)
//! s      = (1 − stretch_max·X)(1 − massage_max·Y)(1 − heat_spindle·warm)(1 − E_relax)
//! dX/dt  = stretch·(1 − X)/tau_x_on − (1 − stretch)·X/tau_x_off
//! dY/dt  = massage·(1 − Y)/tau_y_on − (1 − massage)·Y/tau_y_off
//! ```
//!
//! In healthy tissue (H = 0) the nociceptive input does not reach the γ motoneurons:
//! muscle pain leaves fusimotor drive to a relaxed human muscle unchanged
//! (Birznieks, Burton & Macefield 2008) and raises resting EMG only transiently
//! (Svensson et al. 1998), so Γ stays at zero and the healthy muscle is monostable
//! (pain adaptation, Lund et al. 1991). Injury facilitates the pathway; above a
//! threshold the loop can sustain itself (the vicious cycle, Johansson & Sojka 1991).

use super::scalar::{Num, Real};
use super::{idx, Cx};

/// Facilitation of the nociceptive input to the γ motoneurons by injury (0 in healthy
/// tissue).
pub fn facilitation<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> D {
    cx.y[idx::H] * cx.p.fac_injury
}

/// Spindle gain (1 = rest) at mean tissue temperature `t_mean` (°C) and relaxant
/// effect `relax` (0–1).
pub fn spindle_gain<C: Num, D: Real<C>>(cx: &Cx<C, D>, t_mean: D, relax: D) -> D {
    let (p, y) = (cx.p, cx.y);
    let one = D::lit(1.0);
    let w = p.heat_softness;
    let warming = (t_mean - cx.k.t_ref).softplus(w) - w * std::f64::consts::LN_2;
    (one - y[idx::X] * p.stretch_max)
        * (one - y[idx::Y] * p.massage_max)
        * (one - warming * p.heat_spindle)
        * (one - relax)
}

/// `dΓ/dt`, `dX/dt` and `dY/dt`, given metabolite nociception and facilitation.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, n_met: D, facil: D, dy: &mut [D]) {
    let (p, u, y) = (cx.p, cx.u, cx.y);
    let one = C::lit(1.0);
    let gamma = y[idx::GAMMA];
    let input = n_met * facil + gamma * p.w2;
    dy[idx::GAMMA] = (input.hill(D::c(p.k_gamma), p.h_gamma) - gamma) / p.tau_gamma;
    let x = y[idx::X];
    dy[idx::X] =
        (D::lit(1.0) - x) * (u.stretch / p.tau_x_on) - x * ((one - u.stretch) / p.tau_x_off);
    let m = y[idx::Y];
    dy[idx::Y] =
        (D::lit(1.0) - m) * (u.massage / p.tau_y_on) - m * ((one - u.massage) / p.tau_y_off);
}
