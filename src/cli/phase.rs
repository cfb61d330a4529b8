//! `spasm phase`: the phase portrait of the reduced loop, with an arm's trajectory.

use std::process::ExitCode;

use spasm::analysis::metrics::MetricThresholds;
use spasm::analysis::phase::{portrait, PhaseGrid};
use spasm::analysis::steady::{HeldLoop, INJURY_PARAM};
use spasm::model::idx;
use spasm::report::phase_dir::write_phase_dir;
use spasm::simulation::SolverConfig;
use spasm::units::Quantity;

use super::args::PhaseArgs;
use super::steady::{loop_patient, LoopPatient};
use super::{command_line, output_target, CliError, Output, Written};

/// Samples of the arm's trajectory drawn across the window (at most; never sparser
/// than the scenario's output grid).
const TRAJECTORY_POINTS: f64 = 400.0;

/// Run `spasm phase`.
pub(super) fn phase(args: PhaseArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("phase", args.output);
    let scenario_path = args.patient.scenario.clone();
    let fallback = format!("phase-{}", args.patient.set.as_deref().unwrap_or("healthy"));
    let target = output_target(args.out, scenario_path.as_deref(), &fallback, "-phase")?;
    const TIME: &str = "a time after 0 s, such as \"48 h\"";
    let window_s = Quantity::parse(&args.window)
        .and_then(|q| q.to("s"))
        .map_err(|e| CliError::option("--window", &args.window, e, TIME))?;
    if !(window_s.is_finite() && window_s > 0.0) {
        return Err(CliError::option(
            "--window",
            &args.window,
            "not after 0 s",
            TIME,
        ));
    }
    let LoopPatient {
        patient,
        label,
        held,
        scenario,
    } = loop_patient(&args.patient, &args.params, "--param")?;
    let sys = HeldLoop::new(&patient, &held, (INJURY_PARAM, 1.0), None)?;
    let cfg = SolverConfig::default();
    let th = MetricThresholds::default();
    let p = portrait(
        &sys,
        patient.params().h_initial,
        PhaseGrid::default(),
        th.spasm_contraction,
        &cfg,
    )?;
    let trajectory = match &scenario {
        Some((sc, Some(arm))) => {
            let run_err = |e| CliError::Run {
                scenario: sc.name.clone(),
                source: Box::new(e),
            };
            let y0 = sc.initial_state().map_err(run_err)?;
            let every = (window_s / TRAJECTORY_POINTS).min(sc.output_every);
            let samples = spasm::simulation::grid(window_s.min(sc.duration), every);
            let r = sc
                .run_arm_at(&sc.arms[*arm], &sc.patient, &y0, &samples)
                .map_err(run_err)?;
            let pts = r
                .trajectory
                .states
                .iter()
                .map(|y| (y[idx::A], y[idx::GAMMA]))
                .collect();
            Some((sc.arms[*arm].name.as_str(), pts))
        }
        _ => None,
    };
    let dir = write_phase_dir(
        &target.dir,
        &label,
        &p,
        trajectory,
        &target.inputs,
        &command_line(),
    )?;
    let spasm_share =
        p.spasm.iter().flatten().filter(|s| **s).count() as f64 / (p.grid.n * p.grid.n) as f64;
    if out.text() {
        say!(
            "{label}, injury held at {}: {} steady state(s); {:.0} % of the plane ends in spasm",
            p.injury,
            p.steady.states.len(),
            100.0 * spasm_share
        );
        say!("wrote {}", dir.display());
    }
    out.emit(
        Written::Dir(&dir),
        serde_json::json!({
            "patient": label,
            "injury_h": p.injury,
            "steady_states": p.steady.states,
            "spasm_fraction": spasm_share,
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}
