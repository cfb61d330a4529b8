//! Library API example: settle the acute-injury patient, tip it into spasm with an
//! effort, treat with ibuprofen + cyclobenzaprine and a daily hot pack for 14 days, and report the solver
//! work and the pain at the end.
//!
//! Run: `cargo run --release --example episode_steps`

use spasm::analysis::validate::{rested, treated_episode};
use spasm::model::idx;
use spasm::simulation::{grid, SolverConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (patient, y0) = rested("acute_injury")?;
    let hour = 3600.0;
    let t_end = 14.0 * 24.0 * hour;
    let schedule = treated_episode(14);
    let tr = patient.run(
        &y0,
        &schedule,
        t_end,
        &grid(t_end, hour),
        &SolverConfig::default(),
    )?;
    println!("solver: {:?}", tr.stats);
    println!("wall time: {:.2} ms", tr.wall_time_s * 1e3);
    for day in [0usize, 1, 2, 3, 7, 14] {
        let y = &tr.states[day * 24];
        println!(
            "day {day:>2}: contraction {:5.1} %MVC, pain {:4.1}/10",
            100.0 * y[idx::A],
            y[idx::P]
        );
    }
    Ok(())
}
