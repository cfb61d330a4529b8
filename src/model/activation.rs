//! Activation (the first mechanism of the loop): neural drive, contraction `a` and
//! the capacity left after fatigue `cap`.
//!
//! ```text
//! a_tot   = a + es_activation·cap
//! reflex  = u0 + u_stress_tonic + stress_drive + gain_gamma·s·Γ − alpha_adapt·(n_tis + n_exp)
//! u       = reflex + softplus_w(voluntary/cap − reflex)   while a voluntary target is held
//! da/dt   = (softmin(softplus_w(u), 1)·cap − a)/tau_a
//! dcap/dt = recovery_rate·g·(1 − cap) − fatigue_rate·a − es_fatigue_rate·es_activation·cap
//! ```
//!
//! Fatigue follows the three-compartment model (Xia & Frey Law 2008): the fatigued
//! fraction `1 − cap` fills in proportion to the *active* fraction `a` and empties at
//! `recovery_rate` (slowed when the muscle is not perfused). Its endurance limit, the
//! highest contraction that can be held indefinitely, is
//! `recovery_rate/(recovery_rate + fatigue_rate)` ≈ 16.5 %MVC with the trunk values
//! of Frey-Law et al. 2012 — Rohmert's ≈ 15 %MVC.

use super::scalar::{Num, Real};
use super::{idx, Cx};

/// Total activation including electrically evoked activation, MVC.
pub fn total<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> D {
    cx.y[idx::A] + cx.y[idx::CAP] * cx.u.es_activation
}

/// Reflex drive, MVC: basal, stress, the fusimotor loop through the spindle gain,
/// minus pain adaptation (inhibition by tonic nociception `adaptation_input`).
pub fn reflex_drive<C: Num, D: Real<C>>(cx: &Cx<C, D>, spindle: D, adaptation_input: D) -> D {
    let (p, u, y) = (cx.p, cx.u, cx.y);
    spindle * y[idx::GAMMA] * p.gain_gamma - adaptation_input * p.alpha_adapt
        + p.u0
        + p.u_stress_tonic
        + u.stress_drive
}

/// Neural drive before saturation, MVC: the reflex drive and, while a voluntary
/// target is held, the drive that holds it at the current capacity.
pub fn drive<C: Num, D: Real<C>>(cx: &Cx<C, D>, reflex: D) -> D {
    let (p, u, y) = (cx.p, cx.u, cx.y);
    // Holding a force: the drive needed rises as capacity falls.
    let needed = y[idx::CAP].recip() * u.voluntary;
    let holding = reflex + (needed - reflex).softplus(p.drive_softness);
    D::select_positive(u.voluntary, holding, reflex)
}

/// `da/dt` and `dcap/dt`, given the drive (MVC) and the perfusion fraction g.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, drive: D, g: D, dy: &mut [D]) {
    let (p, u, y) = (cx.p, cx.u, cx.y);
    let (a, cap) = (y[idx::A], y[idx::CAP]);
    let w = p.drive_softness;
    let saturated = drive.softplus(w).soft_min(C::lit(1.0), w);
    dy[idx::A] = (saturated * cap - a) / p.tau_a;
    dy[idx::CAP] = (D::lit(1.0) - cap) * g * p.recovery_rate
        - a * p.fatigue_rate
        - cap * (u.es_activation * p.es_fatigue_rate);
}
