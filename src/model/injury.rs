//! Injury and inflammation H (0–1): heals with `tau_heal`; a disc herniation is a
//! persistent source. Injuries are impulses (`H ← H + size·(1 − H)`, see
//! `Impulse::Injury` of the protocol layer). H raises resting pressure (oedema, in
//! [`super::perfusion`]), excites nociceptors and produces sensitisers (in
//! [`super::nociception`]) and facilitates the fusimotor loop (in [`super::fusimotor`]).
//!
//! ```text
//! dH/dt = h_disc + disc_source − H/tau_heal
//! ```

use super::scalar::{Num, Real};
use super::{idx, Cx};

/// `dH/dt`.
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, dy: &mut [D]) {
    let p = cx.p;
    dy[idx::H] = D::c(p.h_disc + cx.u.disc_source) - cx.y[idx::H] / p.tau_heal;
}
