//! Metabolism (third mechanism): oxygen supply against demand, the energy deficit,
//! and the metabolites (K⁺ equivalents) that contraction and the deficit release and
//! flow washes out.
//!
//! ```text
//! D       = d0 + d1·a_tot                                   ATP demand (1 = rest)
//! Φ       = k_o^h_o / (O^h_o + k_o^h_o)                      energy deficit (0–1)
//! dO/dt   = k_supply·Q·(O_art − O) − consumption_ratio·k_supply·D·O/(O + k_c)
//! dM/dt   = beta0·D·Φ + beta1·a_tot − Q·M/tau_w             (K⁺ = k_rest + M)
//! O_art   = 1 + consumption_ratio·(d0 + d1·u0)/(1 + k_c)     (so that O = 1 at rest)
//! ```

use super::scalar::{Num, Real};
use super::{idx, Cx, Params};

/// Interstitial K⁺, mM: the resting level plus the metabolite pool M (mM K⁺
/// equivalents).
pub fn interstitial_k(p: &Params<f64>, m: f64) -> f64 {
    p.k_rest + m
}

/// ATP demand relative to rest.
pub fn demand<C: Num, D: Real<C>>(cx: &Cx<C, D>, a_tot: D) -> D {
    a_tot * cx.p.d1 + cx.p.d0
}

/// Energy deficit Φ (0 = none, 1 = anoxic).
pub fn deficit<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> D {
    let p = cx.p;
    let oh = cx.y[idx::O].pow(p.h_o);
    let koh = D::c(p.k_o).pow(p.h_o);
    koh / (oh + koh)
}

/// Arterial oxygen level (normalised) that makes O = 1 the resting state.
pub fn arterial_oxygen<C: Num>(p: &Params<C>) -> C {
    p.consumption_ratio * (p.d0 + p.d1 * p.u0) / (p.k_c + 1.0) + 1.0
}

/// `dO/dt` and `dM/dt` given demand, deficit and flow.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, a_tot: D, demand: D, phi: D, q: D, dy: &mut [D]) {
    let (p, y) = (cx.p, cx.y);
    let (o, m) = (y[idx::O], y[idx::M]);
    dy[idx::O] = q * (D::c(cx.k.o_art) - o) * p.k_supply
        - demand * o / (o + p.k_c) * (p.consumption_ratio * p.k_supply);
    dy[idx::M] = demand * phi * p.beta0 + a_tot * p.beta1 - q * m / p.tau_w;
}
