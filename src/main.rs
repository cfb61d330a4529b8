//! The `spasm` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use spasm::output::{write_run, WriteOptions};
use spasm::params::{embedded_names, ParamSet};
use spasm::scenario::Scenario;
use spasm::validate;

#[derive(Parser)]
#[command(
    name = "spasm",
    version,
    about = "Simulate the spasm–ischemia cycle of back muscles and what interventions do to it",
    long_about = None,
    after_help = "Examples:\n  spasm run                              # the embedded default: acute spasm, untreated vs treated\n  spasm run examples/hot_pack.toml -o out/heat\n  spasm validate                         # every validation target, measured vs expected\n  spasm params acute_injury              # a parameter set with units and sources"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario file (or the embedded default) and write trajectories, endpoints, figures and a manifest.
    #[command(
        after_help = "Examples:\n  spasm run\n  spasm run examples/ibuprofen_cyclobenzaprine.toml -o out/combo\n  spasm run examples/hot_pack.toml --quiet --json"
    )]
    Run {
        /// Scenario file (TOML); omit for the embedded default.
        scenario: Option<PathBuf>,
        /// Output directory (default: out/<scenario file stem>, or out/default).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Print the endpoint summary as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Run every validation target of docs/model.md §6 and print measured vs expected; exits 1 if any fails.
    #[command(
        after_help = "Examples:\n  spasm validate\n  spasm validate --json > validation.json"
    )]
    Validate {
        /// Print the table as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the embedded parameter sets, or show one with values, units, ranges and sources.
    #[command(
        after_help = "Examples:\n  spasm params\n  spasm params healthy\n  spasm params acute_injury --json"
    )]
    Params {
        /// Set name.
        set: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            scenario,
            out,
            quiet,
            json,
        } => commands::run(scenario, out, quiet, json),
        Command::Validate { json } => commands::validate(json),
        Command::Params { set, json } => commands::params(set, json),
    };
    match result {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

mod commands {
    use super::*;

    pub fn validate(json: bool) -> miette::Result<ExitCode> {
        let rows = validate::all().map_err(|e| miette::miette!("validation could not run: {e}"))?;
        let failed = rows.iter().filter(|c| !c.pass).count();
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).expect("rows serialise")
            );
        } else {
            let w = rows
                .iter()
                .map(|c| c.name.chars().count())
                .max()
                .unwrap_or(10);
            println!(
                "{:>6}  {:<w$}  {:>18}  {:>18}  result",
                "target", "check", "expected", "measured"
            );
            for c in &rows {
                println!(
                    "{:>6}  {:<w$}  {:>18}  {:>18}  {}",
                    c.target,
                    c.name,
                    c.expected,
                    c.measured,
                    if c.pass { "pass" } else { "FAIL" }
                );
            }
            println!("{} passed, {} failed", rows.len() - failed, failed);
        }
        Ok(if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    }

    pub fn params(set: Option<String>, json: bool) -> miette::Result<ExitCode> {
        let Some(name) = set else {
            for n in embedded_names() {
                let s = ParamSet::embedded(n).map_err(|e| miette::miette!("{e}"))?;
                println!("{n:<16} {}", s.description);
            }
            return Ok(ExitCode::SUCCESS);
        };
        let s = ParamSet::embedded(&name).map_err(|e| miette::miette!("{e}"))?;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&s).expect("set serialises")
            );
        } else {
            println!("{} — {}", s.name, s.description);
            for (k, p) in &s.entries {
                println!(
                    "  {k:<20} {:>10} {:<9} [{}, {}]  {} — {}",
                    p.value, p.unit, p.range[0], p.range[1], p.meaning, p.source
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }

    pub fn run(
        scenario: Option<PathBuf>,
        out: Option<PathBuf>,
        quiet: bool,
        json: bool,
    ) -> miette::Result<ExitCode> {
        let sc = match &scenario {
            Some(path) => Scenario::load(path).map_err(miette::Report::new)?,
            None => Scenario::embedded_default(),
        };
        // Default output directory: out/<file stem>, or out/default for the embedded one.
        let stem = scenario
            .as_deref()
            .and_then(|p| p.file_stem())
            .map_or("default".into(), |s| s.to_string_lossy().into_owned());
        let dir = out.unwrap_or_else(|| PathBuf::from("out").join(stem));
        let results = sc
            .run()
            .map_err(|e| miette::miette!("scenario '{}' could not be integrated: {e}", sc.name))?;
        let files = write_run(&dir, &sc, &results, &WriteOptions::default())
            .map_err(|e| miette::miette!("{e}"))?;
        if json {
            let v: Vec<_> = files
                .endpoints
                .iter()
                .map(|(arm, e)| serde_json::json!({ "arm": arm, "endpoints": e }))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&v).expect("endpoints serialise")
            );
        } else if !quiet {
            let hours =
                |x: Option<f64>| x.map_or("not reached".to_string(), |h| format!("{h:.1} h"));
            println!("{} — {}", sc.name, sc.description);
            println!(
                "{:<32} {:>9} {:>15} {:>12} {:>12} {:>9}",
                "arm", "peak pain", "pain AUC", "relief", "recovery", "in spasm"
            );
            for (arm, e) in &files.endpoints {
                println!(
                    "{:<32} {:>9.1} {:>9.0} NRS·h {:>12} {:>12} {:>7.1} h",
                    arm,
                    e.peak_pain_nrs,
                    e.pain_auc_nrs_h,
                    hours(e.time_to_relief_h),
                    hours(e.time_to_recovery_h),
                    e.spasm_min / 60.0
                );
            }
            println!(
                "wrote {} files to {}",
                files.files.len(),
                files.dir.display()
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
