//! The `spasm` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use spasm::params::{embedded_names, ParamSet};
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
        /// Output directory (default: out/<scenario name>).
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
        let _ = (scenario, out, quiet, json);
        Err(miette::miette!("not yet wired"))
    }
}
