//! Pharmacology (seventh mechanism): oral one-compartment kinetics with first-order
//! absorption for ibuprofen, cyclobenzaprine and tizanidine (a dose puts its
//! bioavailable amount F·dose into the gut compartment), a local-anaesthetic depot at
//! the injection site, and their effects.
//!
//! ```text
//! dGut/dt     = −ka·Gut,   dCentral/dt = ka·Gut − (CL/V)·Central,   C = Central/V
//! cox         = 1 − cox_imax·C_ibu/(C_ibu + cox_ic50)           COX activity left
//! r           = C_cbz/cbz_ec50 + C_tiz/tiz_ec50,   E_relax = relax_emax·r/(1 + r)
//! block       = 1 − L/(L + la_ec50)                              conduction left
//! dL/dt       = −L/la_tau
//! ```

use super::scalar::{Num, Real};
use super::{idx, Cx};

/// Plasma concentrations, mg/L.
#[derive(Debug, Clone, Copy)]
pub struct Concentrations<D> {
    /// Ibuprofen.
    pub ibu: D,
    /// Cyclobenzaprine.
    pub cbz: D,
    /// Tizanidine.
    pub tiz: D,
}

/// Plasma concentrations, mg/L.
pub fn concentrations<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> Concentrations<D> {
    let (p, y) = (cx.p, cx.y);
    Concentrations {
        ibu: y[idx::IBU] / p.ibu_v,
        cbz: y[idx::CBZ] / p.cbz_v,
        tiz: y[idx::TIZ] / p.tiz_v,
    }
}

/// COX activity left (1 = no NSAID).
pub fn cox<C: Num, D: Real<C>>(cx: &Cx<C, D>, c: &Concentrations<D>) -> D {
    let p = cx.p;
    D::lit(1.0) - c.ibu * p.cox_imax / (c.ibu + p.cox_ic50)
}

/// Muscle-relaxant effect E_relax (0–1), additive in potency-scaled concentrations.
pub fn relaxant<C: Num, D: Real<C>>(cx: &Cx<C, D>, c: &Concentrations<D>) -> D {
    let p = cx.p;
    let r = c.cbz / p.cbz_ec50 + c.tiz / p.tiz_ec50;
    r * p.relax_emax / (r + 1.0)
}

/// Nerve conduction left under the local anaesthetic (1 = no block).
pub fn block<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> D {
    let l = cx.y[idx::LA];
    D::lit(1.0) - l / (l + cx.p.la_ec50)
}

/// Rates of the drug states.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, dy: &mut [D]) {
    let (p, y) = (cx.p, cx.y);
    let mut oral = |gut: usize, central: usize, ka: C, cl: C, v: C| {
        dy[gut] = -(y[gut] * ka);
        dy[central] = y[gut] * ka - y[central] * (cl / v);
    };
    oral(idx::IBU_GUT, idx::IBU, p.ibu_ka, p.ibu_cl, p.ibu_v);
    oral(idx::CBZ_GUT, idx::CBZ, p.cbz_ka, p.cbz_cl, p.cbz_v);
    oral(idx::TIZ_GUT, idx::TIZ, p.tiz_ka, p.tiz_cl, p.tiz_v);
    dy[idx::LA] = -(y[idx::LA] / p.la_tau);
}
