//! The phase portrait of the reduced loop: contraction against γ bias, with the basins
//! of the relaxed and the spasm state (docs/analysis.md "Phase portrait"). Pure.
//!
//! The full model has 20 free states, so a plane through it is a slice: every state
//! but contraction and γ bias starts at the relaxed steady state, the injury and the
//! inputs are held ([`super::steady`]), and each grid point is integrated for a day
//! and classed by where it ends (spasm: contraction above the threshold). The border
//! between the two classes is the slice of the separatrix, the stable manifold of the
//! saddle.

use rayon::prelude::*;

use crate::model::{idx, State};
use crate::protocol::Schedule;
use crate::simulation::{simulate, SolverConfig};

use super::bistability::PROBE_TIME;
use super::steady::{roots, HeldLoop, SteadyError, SteadyStates};

/// The grid of the portrait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseGrid {
    /// Largest contraction on the axis, fraction of MVC.
    pub a_max: f64,
    /// Points per axis.
    pub n: usize,
}

impl Default for PhaseGrid {
    fn default() -> Self {
        Self { a_max: 0.3, n: 41 }
    }
}

/// A computed phase portrait.
#[derive(Debug, Clone)]
pub struct Portrait {
    /// The grid.
    pub grid: PhaseGrid,
    /// Contraction values of the grid, fraction of MVC.
    pub a: Vec<f64>,
    /// γ-bias values of the grid (0–1).
    pub gamma: Vec<f64>,
    /// `spasm[i][j]`: the point (`a[i]`, `gamma[j]`) ends in spasm.
    pub spasm: Vec<Vec<bool>>,
    /// Sample trajectories from the grid's corners and edges: (a, γ) pairs.
    pub flows: Vec<Vec<(f64, f64)>>,
    /// The steady states at the held injury.
    pub steady: SteadyStates,
    /// The injury level held.
    pub injury: f64,
}

/// Sample times of the flow lines, s (log-spaced over a day).
fn flow_times() -> Vec<f64> {
    (0..=60)
        .map(|k| PROBE_TIME * 10f64.powf(-6.0 * (1.0 - f64::from(k) / 60.0)))
        .collect()
}

/// The portrait of `sys` (injury parameter `h`, canonical) on `grid`, with spasm
/// meaning contraction above `spasm_threshold` (fraction of MVC) after a day.
pub fn portrait(
    sys: &HeldLoop,
    h: f64,
    grid: PhaseGrid,
    spasm_threshold: f64,
    cfg: &SolverConfig,
) -> Result<Portrait, SteadyError> {
    let steady = roots(sys, h, 0.0, cfg)?;
    let model = sys.model(h, 0.0);
    let relaxed: State = State::from_column_slice(&steady.states[0].state);
    let step = |k: usize, max: f64| max * k as f64 / (grid.n - 1) as f64;
    let a: Vec<f64> = (0..grid.n).map(|k| step(k, grid.a_max)).collect();
    let gamma: Vec<f64> = (0..grid.n).map(|k| step(k, 1.0)).collect();
    let start = |ai: f64, gj: f64| {
        let mut y = relaxed;
        y[idx::A] = ai;
        y[idx::GAMMA] = gj;
        y
    };
    let still = Schedule::default();
    let spasm = a
        .par_iter()
        .map(|&ai| {
            gamma
                .iter()
                .map(|&gj| {
                    simulate(
                        &model,
                        &start(ai, gj),
                        &still,
                        PROBE_TIME,
                        &[PROBE_TIME],
                        cfg,
                    )
                    .map(|tr| tr.last()[idx::A] > spasm_threshold)
                })
                .collect::<Result<Vec<bool>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let times = flow_times();
    let edge = [0, grid.n / 4, grid.n / 2, 3 * grid.n / 4, grid.n - 1];
    let mut starts: Vec<(f64, f64)> = Vec::new();
    for &i in &edge {
        starts.push((a[i], 1.0));
        starts.push((a[i], 0.0));
        starts.push((grid.a_max, gamma[i]));
    }
    let flows = starts
        .par_iter()
        .map(|&(ai, gj)| {
            simulate(&model, &start(ai, gj), &still, PROBE_TIME, &times, cfg).map(|tr| {
                tr.states
                    .iter()
                    .map(|y| (y[idx::A], y[idx::GAMMA]))
                    .collect()
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Portrait {
        grid,
        a,
        gamma,
        spasm,
        flows,
        steady,
        injury: h,
    })
}
