//! Nociception and pain (fourth mechanism): group III/IV afferents excited by
//! metabolites (acid × ATP synergy, stronger under an energy deficit), by injured
//! tissue and by experimental irritants; sensitisers lower their threshold; a local
//! anaesthetic blocks them all; perceived pain follows with central amplification and
//! a gate (TENS); central sensitisation can maintain itself.
//!
//! ```text
//! K_eff  = k_n·(1 − s_max·S/(S + k_s))
//! n_met  = hill(M; K_eff, h_n)·(eps_met + (1 − eps_met)·Φ)·block
//! n_tis  = w_h·H/(1 + w_h·H)·block
//! n_exp  = exp_pain·block
//! n      = 1 − (1 − n_met)(1 − n_tis)(1 − n_exp)
//! dS/dt  = cox·(sigma_m·M + sigma_h·H) − S/tau_s
//! dP/dt  = (10·(1 − e^{−kappa·(n·(1 + c_z·Z) + z_pain·Z)})·(1 − tens_max·tens) − P)/tau_p
//! dZ/dt  = k_z·(n + w_z·hill(Z; k_zh, h_z))·(1 − Z) − Z/tau_z
//! ```

use super::scalar::{Num, Real};
use super::{idx, Cx};

/// Nociceptor activity by source (each 0–1, after the local-anaesthetic block).
#[derive(Debug, Clone, Copy)]
pub struct Nociception<D> {
    /// Metabolite-driven activity (the loop's input).
    pub met: D,
    /// Tissue (injury, disc) activity.
    pub tis: D,
    /// Experimental (hypertonic-saline-like) activity.
    pub exp: D,
    /// All sources combined.
    pub total: D,
}

/// Nociceptor activity at energy deficit `phi` and local-anaesthetic `block`
/// (fraction of conduction left).
pub fn activity<C: Num, D: Real<C>>(cx: &Cx<C, D>, phi: D, block: D) -> Nociception<D> {
    let (p, y) = (cx.p, cx.y);
    let one = D::lit(1.0);
    let s = y[idx::S];
    let h = y[idx::H];
    let k_eff = (one - s * p.s_max / (s + p.k_s)) * p.k_n;
    let met = y[idx::M].hill(k_eff, p.h_n) * (phi * (C::lit(1.0) - p.eps_met) + p.eps_met) * block;
    let tis = h * p.w_h / (h * p.w_h + 1.0) * block;
    let exp = block * cx.u.exp_pain;
    let total = one - (one - met) * (one - tis) * (one - exp);
    Nociception {
        met,
        tis,
        exp,
        total,
    }
}

/// Pain gate left open by TENS (1 = open).
pub fn gate<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> D {
    D::c(C::lit(1.0) - cx.p.tens_max * cx.u.tens)
}

/// `dS/dt`, `dP/dt` and `dZ/dt`, given nociception, the COX activity left and the gate.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, n: D, cox: D, gate: D, dy: &mut [D]) {
    let (p, y) = (cx.p, cx.y);
    let one = D::lit(1.0);
    let (s, z) = (y[idx::S], y[idx::Z]);
    dy[idx::S] = cox * (y[idx::M] * p.sigma_m + y[idx::H] * p.sigma_h) - s / p.tau_s;
    let drive = (n * (z * p.c_z + 1.0) + z * p.z_pain) * p.kappa;
    let target = (one - (-drive).exp()) * gate * 10.0;
    dy[idx::P] = (target - y[idx::P]) / p.tau_p;
    dy[idx::Z] = (n + z.hill(D::c(p.k_zh), p.h_z) * p.w_z) * (one - z) * p.k_z - z / p.tau_z;
}
