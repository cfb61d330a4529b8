use spasm::schedule::{Drug, Impulse, Schedule, Effect};
use spasm::simulate::{grid, simulate, SolverConfig};
use spasm::validate::{effort, rested, TREATMENT_START};
fn main() {
    let (m, y) = rested("acute_injury").unwrap();
    let h = 3600.0; let d = 86400.0; let t_end = 14.0 * d;
    let drugs = effort()
        .repeat_event(TREATMENT_START, 8.0 * h, 42, Impulse::Dose(Drug::Ibuprofen, 400.0))
        .repeat_event(TREATMENT_START, 8.0 * h, 42, Impulse::Dose(Drug::Cyclobenzaprine, 5.0));
    let heat = Schedule::default().repeat_window(TREATMENT_START, 1200.0, d, 14, Effect::SkinHeat(43.0));
    for (name, s) in [("effort only", effort()), ("drugs", drugs.clone()), ("heat", heat)] {
        for rtol in [1e-5, 1e-6] {
            let cfg = SolverConfig { rtol, ..SolverConfig::default() };
            let tr = simulate(&m, &y, &s, t_end, &grid(t_end, 600.0), &cfg).unwrap();
            println!("{name:12} rtol {rtol:e}: {:?} wall {:.2} ms", tr.stats, tr.wall_time_s*1e3);
        }
    }
}
