//! Tissue temperature (sixth mechanism): a one-dimensional bioheat chain (Pennes 1948)
//! of three nodes at 1, 2 and 3 × `node_spacing` below the skin, between the skin
//! surface (its resting temperature, or a heat source) and the body core at
//! `core_depth`; perfusion carries arterial heat in, resting metabolism produces heat,
//! therapeutic ultrasound deposits heat that decays exponentially with depth.
//!
//! ```text
//! dT1/dt = k_skin·(T_s − T1) + k_cond·(T2 − T1)             + k_blood·Q·(t_core − T1) + q_met + q_us,1
//! dT2/dt = k_cond·(T1 − 2·T2 + T3)                         + k_blood·Q·(t_core − T2) + q_met + q_us,2
//! dT3/dt = k_cond·(T2 − T3) + k_deep·(t_core − T3)         + k_blood·Q·(t_core − T3) + q_met + q_us,3
//! T_s    = skin_heat_on·skin_heat + (1 − skin_heat_on)·t_skin
//! k_deep = k_cond·node_spacing/(core_depth − 3·node_spacing)
//! q_us,i = us_coupling·us_intensity/(rho_c·node_spacing)·(e^{−μ(z_i − Δ/2)} − e^{−μ(z_i + Δ/2)}),
//!          μ = us_attenuation·us_frequency, z_i = i·Δ, Δ = node_spacing
//! ```
//!
//! Each node stands for the 1-cell of tissue around it; ultrasound heat is the power
//! absorbed in that cell. The resting profile is the steady state of this chain at
//! Q = 1 (solved in closed form), and `T_ref`, the reference of the thermal terms
//! elsewhere, is its mean: at rest the flow is exactly 1.

use super::scalar::{Num, Real};
use super::{idx, Cx, Params};

/// Number of temperature nodes.
pub const NODES: usize = 3;

/// State index of each temperature node, from the skin inwards.
pub const NODE_STATES: [usize; NODES] = [idx::T1, idx::T2, idx::T3];

/// Conduction rate from the deepest node to the core boundary, 1/s.
pub fn k_deep<C: Num>(p: &Params<C>) -> C {
    p.k_cond * p.node_spacing / (p.core_depth - p.node_spacing * 3.0)
}

/// The resting temperature profile (°C at each node) at Q = 1 and the skin at rest:
/// the tridiagonal steady state, by elimination.
pub fn resting_profile<C: Num>(p: &Params<C>) -> [C; NODES] {
    let (kc, kb, kd) = (p.k_cond, p.k_blood, k_deep(p));
    let base = p.k_blood * p.t_core + p.q_met;
    // −A·T = r with A = [[−(ks+kc+kb), kc, 0], [kc, −(2kc+kb), kc], [0, kc, −(kc+kd+kb)]].
    let d1 = p.k_skin + kc + kb;
    let d2 = kc * 2.0 + kb;
    let d3 = kc + kd + kb;
    let r1 = p.k_skin * p.t_skin + base;
    let r2 = base;
    let r3 = kd * p.t_core + base;
    // Forward elimination (off-diagonals −kc), then back substitution.
    let w2 = kc / d1;
    let d2p = d2 - w2 * kc;
    let r2p = r2 + w2 * r1;
    let w3 = kc / d2p;
    let d3p = d3 - w3 * kc;
    let r3p = r3 + w3 * r2p;
    let t3 = r3p / d3p;
    let t2 = (r2p + kc * t3) / d2p;
    let t1 = (r1 + kc * t2) / d1;
    [t1, t2, t3]
}

/// Mean tissue temperature over the nodes, °C.
pub fn mean<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> D {
    (cx.y[idx::T1] + cx.y[idx::T2] + cx.y[idx::T3]) / (NODES as f64)
}

/// Temperature at the skin surface, °C: the heat source's while one is on.
pub fn surface<C: Num, D: Real<C>>(cx: &Cx<C, D>) -> C {
    let u = cx.u;
    u.skin_heat_on * u.skin_heat + (C::lit(1.0) - u.skin_heat_on) * cx.p.t_skin
}

/// Ultrasound heating rate of node `i` (0-based), °C/s.
pub fn ultrasound_heat<C: Num, D: Real<C>>(cx: &Cx<C, D>, i: usize) -> C {
    let (p, u) = (cx.p, cx.u);
    let mu = p.us_attenuation * u.us_frequency;
    let dz = p.node_spacing;
    let z = dz * (i as f64 + 1.0);
    let absorbed = (-(mu * (z - dz * 0.5))).exp() - (-(mu * (z + dz * 0.5))).exp();
    p.us_coupling * u.us_intensity / (p.rho_c * dz) * absorbed
}

/// `dT_i/dt` of every node, given the blood flow (relative to rest).
pub fn rates<C: Num, D: Real<C>>(cx: &Cx<C, D>, q: D, dy: &mut [D]) {
    let (p, y) = (cx.p, cx.y);
    let t: [D; NODES] = NODE_STATES.map(|i| y[i]);
    let outer = [
        (D::c(surface(cx)) - t[0]) * p.k_skin,
        (t[0] - t[1]) * p.k_cond,
        (t[1] - t[2]) * p.k_cond,
    ];
    let inner = [
        (t[1] - t[0]) * p.k_cond,
        (t[2] - t[1]) * p.k_cond,
        (D::c(p.t_core) - t[2]) * cx.k.k_deep,
    ];
    for (i, &s) in NODE_STATES.iter().enumerate() {
        dy[s] = outer[i]
            + inner[i]
            + q * (D::c(p.t_core) - t[i]) * p.k_blood
            + (ultrasound_heat(cx, i) + p.q_met);
    }
}

/// Temperature (°C) at `depth_cm` below the skin, piecewise linear through the skin
/// surface (depth 0), the nodes and the core boundary; clamped outside.
pub fn at_depth(p: &Params, surface_c: f64, nodes: [f64; NODES], depth_cm: f64) -> f64 {
    let dz = p.node_spacing;
    let mut points = vec![(0.0, surface_c)];
    points.extend((0..NODES).map(|i| (dz * (i as f64 + 1.0), nodes[i])));
    points.push((p.core_depth, p.t_core));
    if depth_cm <= 0.0 {
        return surface_c;
    }
    for w in points.windows(2) {
        let ((z0, t0), (z1, t1)) = (w[0], w[1]);
        if depth_cm <= z1 {
            return t0 + (t1 - t0) * (depth_cm - z0) / (z1 - z0);
        }
    }
    p.t_core
}
