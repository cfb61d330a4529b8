//! The `spasm` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use spasm::analysis::validate;
use spasm::model::params::{embedded_names, ParamSet};
use spasm::report::{write_run, WriteOptions};
use spasm::scenario::Scenario;
use spasm::simulation::Patient;

#[derive(Parser)]
#[command(
    name = "spasm",
    version,
    about = "Simulate the spasm–ischemia cycle of back muscles and what interventions do to it",
    long_about = None,
    after_help = "Examples:\n  spasm run                              # the embedded default: acute spasm, untreated vs treated\n  spasm run examples/hot_pack.toml -o out/heat\n  spasm validate                         # every validation target, measured vs expected\n  spasm params acute_injury              # a parameter set with units and sources\n  spasm compare --cohort 200 --seed 1     # the intervention benchmark on 200 virtual patients"
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
        after_help = "Examples:\n  spasm validate\n  spasm validate --json > validation.json\n  spasm validate --target 8 --target 12   # only these targets"
    )]
    Validate {
        /// Print the table as JSON.
        #[arg(long)]
        json: bool,
        /// Run only this target (repeatable; default: all).
        #[arg(long = "target", value_name = "N", value_parser = clap::value_parser!(u8).range(1..=16))]
        targets: Vec<u8>,
    },
    /// Compare interventions: run every arm on the patient (and optionally on a virtual cohort) and rank them.
    #[command(
        long_about = "Compare interventions: run every arm of a scenario on its patient and write a ranked endpoint table (comparison.md, comparison.csv), a bar chart of the main endpoints (endpoints.png/.svg), overlaid time courses (timecourse.png/.svg) and a short summary naming which arms broke the spasm–ischemia cycle and when (summary.txt, also printed). Arms are ranked by pain AUC over days 0–7; differences are against the arm named \"no treatment\" (or --reference; without either, the first arm).\n\nWith --cohort N, N virtual patients are drawn from the distributions in models/cohort.toml (seed --seed, or one from the clock, always recorded in manifest.json), every arm is run on the same patients in parallel, and cohort.md/cohort.csv/cohort.png report per-arm medians and quartiles, the paired difference to the reference with a 95 % interval, and the fraction of patients in whom the loop was broken. Results do not depend on the number of threads (RAYON_NUM_THREADS).",
        after_help = "Examples:\n  spasm compare                                   # the embedded standard benchmark (examples/benchmark.toml)\n  spasm compare examples/benchmark.toml -o out/bench\n  spasm compare examples/benchmark.toml --cohort 1000 --seed 1\n  spasm compare examples/bed_rest.toml --reference \"bed rest\""
    )]
    Compare(commands::CompareArgs),
    /// Find where the loop sustains itself: steady contraction and pain from rest and
    /// after a brief strong effort, over injury levels; the range where they differ is bistable.
    #[command(
        after_help = "Examples:\n  spasm bistability                        # healthy muscle, injury 0 to 1\n  spasm bistability --set pain_adaptation -o out/adaptation"
    )]
    Bistability {
        /// Parameter set (default: healthy).
        #[arg(long, default_value = "healthy")]
        set: String,
        /// Injury levels to probe, from 0 to 1 (at least 2).
        #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u32).range(2..=201))]
        steps: u32,
        /// Output directory (default: out/bistability-<set>).
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Export the model (and optionally one arm of a scenario) to an exchange format.
    #[command(subcommand)]
    Export(ExportFormat),
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

#[derive(Subcommand)]
enum ExportFormat {
    /// SBML Level 3 Version 2: states as rate rules, algebraic quantities as assignment
    /// rules, every parameter with value, unit and source; a scenario's doses and
    /// sessions become time-triggered events.
    #[command(
        after_help = "Examples:\n  spasm export sbml --set healthy -o healthy.xml\n  spasm export sbml examples/ibuprofen.toml --arm ibuprofen -o ibuprofen.xml"
    )]
    Sbml {
        /// Scenario whose patient, settled state and schedule to export.
        scenario: Option<PathBuf>,
        /// Parameter set to export when no scenario is given (default: healthy).
        #[arg(long, conflicts_with = "scenario")]
        set: Option<String>,
        /// Arm of the scenario to export (default: the first).
        #[arg(long, requires = "scenario")]
        arm: Option<String>,
        /// Output file (default: standard output).
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// The model's right-hand side as a Python module (standard library only), generated
    /// from the equations in src/model/: the SciPy peer harness runs it.
    #[command(
        after_help = "Examples:\n  spasm export python -o spasm_rhs.py\n  python3 -c 'import spasm_rhs; print(spasm_rhs.STATES)'"
    )]
    Python {
        /// Output file (default: standard output).
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// The equation table of docs/model.md (Markdown), generated from src/model/.
    #[command(after_help = "Examples:\n  spasm export equations -o equations.md")]
    Equations {
        /// Output file (default: standard output).
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`spasm validate | head`) instead of panicking
    // inside println!, as Unix command-line tools do.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            scenario,
            out,
            quiet,
            json,
        } => commands::run(scenario, out, quiet, json),
        Command::Validate { json, targets } => commands::validate(json, &targets),
        Command::Params { set, json } => commands::params(set, json),
        Command::Bistability { set, steps, out } => commands::bistability(set, steps, out),
        Command::Export(ExportFormat::Sbml {
            scenario,
            set,
            arm,
            out,
        }) => commands::export_sbml(scenario, set, arm, out),
        Command::Export(ExportFormat::Python { out }) => {
            commands::write_text(&spasm::report::exchange::python_module(), out)
        }
        Command::Export(ExportFormat::Equations { out }) => {
            commands::write_text(&spasm::report::exchange::markdown_table(), out)
        }
        Command::Compare(args) => commands::compare(args),
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

    pub fn bistability(set: String, steps: u32, out: Option<PathBuf>) -> miette::Result<ExitCode> {
        let err = |e: &dyn std::fmt::Display| miette::miette!("{e}");
        let patient = validate::patient(&set).map_err(|e| err(&e))?;
        let dir = out.unwrap_or_else(|| PathBuf::from("out").join(format!("bistability-{set}")));
        let partial = spasm::report::atomic::PartialDir::create(
            &dir,
            spasm::report::atomic::Replace::RunDirOnly,
        )
        .map_err(|e| err(&e))?;
        let injuries: Vec<f64> = (0..steps)
            .map(|k| f64::from(k) / f64::from(steps - 1))
            .collect();
        let rows = spasm::analysis::bistability::scan(&patient, &injuries, &Default::default())
            .map_err(|e| err(&e))?;
        spasm::report::bistability::write_bistability(partial.path(), &set, &rows)
            .map_err(|e| err(&e))?;
        let manifest = serde_json::json!({
            "program": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "command": "bistability",
            "parameter_set": set,
            "injury_levels": steps,
            "command_line": std::env::args().collect::<Vec<_>>(),
        });
        spasm::report::atomic::write_bytes(
            &partial.path().join("manifest.json"),
            serde_json::to_string_pretty(&manifest)
                .expect("manifest serialises")
                .as_bytes(),
        )
        .map_err(|e| err(&e))?;
        let dir = partial
            .commit(spasm::report::atomic::Replace::RunDirOnly)
            .map_err(|e| err(&e))?;
        let threshold = spasm::report::bistability::BISTABLE_THRESHOLD;
        let range: Vec<f64> = rows
            .iter()
            .filter(|r| r.bistable(threshold))
            .map(|r| r.injury)
            .collect();
        println!(
            "{:>8} {:>12} {:>18} {:>10} {:>18}",
            "injury", "a rest", "a after effort", "pain rest", "pain after effort"
        );
        for r in &rows {
            println!(
                "{:>8.2} {:>9.1} %MVC {:>13.1} %MVC {:>10.1} {:>18.1}",
                r.injury,
                100.0 * r.a_rest,
                100.0 * r.a_after_effort,
                r.pain_rest,
                r.pain_after_effort
            );
        }
        match (range.first(), range.last()) {
            (Some(lo), Some(hi)) => {
                println!("bistable (spasm can sustain itself) for injury {lo:.2}–{hi:.2}")
            }
            _ => println!("monostable at every injury level: the loop never sustains itself"),
        }
        println!("wrote {}", dir.display());
        Ok(ExitCode::SUCCESS)
    }

    pub fn export_sbml(
        scenario: Option<PathBuf>,
        set: Option<String>,
        arm: Option<String>,
        out: Option<PathBuf>,
    ) -> miette::Result<ExitCode> {
        let err = |e: &dyn std::fmt::Display| miette::miette!("{e}");
        let xml = match scenario {
            Some(path) => {
                let sc = Scenario::load(&path).map_err(miette::Report::new)?;
                let chosen = match &arm {
                    Some(name) => sc.arms.iter().find(|a| &a.name == name).ok_or_else(|| {
                        let names: Vec<_> = sc.arms.iter().map(|a| a.name.as_str()).collect();
                        miette::miette!(
                            "no arm '{name}' in {} (arms: {})",
                            path.display(),
                            names.join(", ")
                        )
                    })?,
                    None => &sc.arms[0],
                };
                let patient = chosen.patient(&sc.patient).map_err(|e| err(&e))?;
                let y0 = patient.settle(sc.settle, &sc.solver).map_err(|e| err(&e))?;
                spasm::report::exchange::to_sbml(&patient, &y0, Some(&chosen.schedule), sc.duration)
                    .map_err(|e| err(&e))?
            }
            None => {
                let name = set.unwrap_or_else(|| "healthy".to_string());
                let patient = Patient::embedded(&name).map_err(|e| err(&e))?;
                let y0 = patient.rested().map_err(|e| err(&e))?;
                spasm::report::exchange::to_sbml(&patient, &y0, None, 86_400.0)
                    .map_err(|e| err(&e))?
            }
        };
        write_text(&xml, out)
    }

    /// Write `text` to `out` atomically, or to standard output.
    pub fn write_text(text: &str, out: Option<PathBuf>) -> miette::Result<ExitCode> {
        match out {
            Some(path) => spasm::report::atomic::write_bytes(&path, text.as_bytes())
                .map_err(|e| miette::miette!("{e}"))?,
            None => print!("{text}"),
        }
        Ok(ExitCode::SUCCESS)
    }

    pub fn validate(json: bool, only: &[u8]) -> miette::Result<ExitCode> {
        let chosen: Vec<_> = validate::TARGETS
            .iter()
            .filter(|(n, _)| only.is_empty() || only.contains(n))
            .collect();
        let bar = indicatif::ProgressBar::new(chosen.len() as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "validating {bar:30} target {msg} ({pos}/{len})",
            )
            .expect("template is valid"),
        );
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        let mut rows = Vec::new();
        for (n, target) in chosen {
            bar.set_message(n.to_string());
            rows.extend(target().map_err(|e| miette::miette!("target {n} could not run: {e}"))?);
            bar.inc(1);
        }
        bar.finish_and_clear();
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

    /// Arguments of `spasm compare`.
    #[derive(clap::Args)]
    pub struct CompareArgs {
        /// Scenario file (TOML) with several arms; omit for the embedded standard benchmark.
        pub scenario: Option<PathBuf>,
        /// Output directory (default: out/<scenario file stem>-compare).
        #[arg(short, long)]
        pub out: Option<PathBuf>,
        /// Also run a virtual cohort of this many patients (at least 1).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        pub cohort: Option<u64>,
        /// Seed of the cohort draws (default: from the clock; always recorded in manifest.json).
        #[arg(long, value_name = "S", requires = "cohort")]
        pub seed: Option<u64>,
        /// Reference arm for differences (default: "no treatment", else the first arm).
        #[arg(long, value_name = "ARM")]
        pub reference: Option<String>,
        /// Cohort: the loop counts as broken when there is no spasm from this time to the end of the run.
        #[arg(long, value_name = "TIME", default_value = "25 h", requires = "cohort")]
        pub broken_from: String,
        /// Print nothing but errors (and no progress bar).
        #[arg(short, long)]
        pub quiet: bool,
        /// Print the comparison (and cohort statistics) as JSON on stdout.
        #[arg(long)]
        pub json: bool,
    }

    pub fn compare(args: CompareArgs) -> miette::Result<ExitCode> {
        use spasm::analysis::{cohort, compare};
        use spasm::report::compare_dir as write;
        use std::io::IsTerminal;
        use std::time::Instant;

        let sc = match &args.scenario {
            Some(path) => Scenario::load(path).map_err(miette::Report::new)?,
            None => compare::benchmark(),
        };
        let stem = args
            .scenario
            .as_deref()
            .and_then(|p| p.file_stem())
            .map_or("benchmark".into(), |s| s.to_string_lossy().into_owned());
        let dir = args
            .out
            .unwrap_or_else(|| PathBuf::from("out").join(format!("{stem}-compare")));
        let broken_from_s = spasm::units::Quantity::parse(&args.broken_from)
            .and_then(|q| q.to("s"))
            .map_err(|e| {
                miette::miette!(
                    "--broken-from '{}': {e}; expected a time such as \"25 h\"",
                    args.broken_from
                )
            })?;
        if !(broken_from_s.is_finite() && broken_from_s >= 0.0) {
            return Err(miette::miette!(
                "--broken-from must be a time at or after 0 s (got '{}')",
                args.broken_from
            ));
        }
        // Fail before any computation if the output directory cannot be used.
        spasm::report::atomic::check_target(&dir, spasm::report::Replace::RunDirOnly)
            .map_err(|e| miette::miette!("{e}"))?;
        let opts = compare::CompareOptions {
            reference: args.reference.clone(),
            broken_from_s,
            ..Default::default()
        };
        let start = Instant::now();
        let (results, cmp) =
            compare::run_and_compare(&sc, &opts).map_err(|e| miette::miette!("{e}"))?;
        let single_s = start.elapsed().as_secs_f64();

        let spec_text = cohort::COHORT_TOML;
        let mut cohort_summary = None;
        let mut cohort_meta = None;
        if let Some(n) = args.cohort {
            let (seed, source) = match args.seed {
                Some(s) => (s, write::SeedSource::Given),
                None => (clock_seed(), write::SeedSource::Clock),
            };
            if !args.quiet || args.seed.is_none() {
                eprintln!("cohort: {n} patients × {} arms, seed {seed}", sc.arms.len());
            }
            let spec = cohort::CohortSpec::embedded().map_err(|e| miette::miette!("{e}"))?;
            let bar = if args.quiet || !std::io::stderr().is_terminal() {
                indicatif::ProgressBar::hidden()
            } else {
                let b = indicatif::ProgressBar::with_draw_target(
                    Some(n),
                    indicatif::ProgressDrawTarget::stderr(),
                );
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} patients  {elapsed} elapsed, eta {eta}",
                ) {
                    b.set_style(style);
                }
                b
            };
            let t0 = Instant::now();
            let run = cohort::run_cohort(
                &sc,
                &spec,
                &cohort::CohortOptions {
                    patients: n as usize,
                    seed,
                    compare: opts.clone(),
                },
                &|| bar.inc(1),
            )
            .map_err(|e| miette::miette!("{e}"))?;
            bar.finish_and_clear();
            let wall = t0.elapsed().as_secs_f64();
            cohort_summary = Some(cohort::summarise(&run));
            cohort_meta = Some((seed, source, wall));
        }
        let cohort_out = match (&cohort_summary, cohort_meta) {
            (Some(summary), Some((_, seed_source, wall_time_s))) => Some(write::CohortOutput {
                summary,
                spec_sha256: spasm::report::manifest::sha256_hex(spec_text.as_bytes()),
                seed_source,
                threads: rayon::current_num_threads(),
                wall_time_s,
            }),
            _ => None,
        };
        let files = write::write_compare(
            &dir,
            &sc,
            &results,
            &cmp,
            cohort_out.as_ref(),
            &write::WriteCompareOptions {
                wall_time_s: single_s,
                ..Default::default()
            },
        )
        .map_err(|e| miette::miette!("{e}"))?;
        if args.json {
            let v = serde_json::json!({
                "comparison": cmp,
                "cohort": cohort_summary,
                "dir": files.dir,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&v).expect("comparison serialises")
            );
        } else if !args.quiet {
            print!("{}", files.summary);
            if let Some((seed, _, wall)) = cohort_meta {
                println!(
                    "cohort seed {seed}; {} patients in {wall:.1} s",
                    cohort_summary.as_ref().map_or(0, |k| k.patients)
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

    /// A seed from the clock (nanoseconds since the epoch, mixed).
    fn clock_seed() -> u64 {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        // SplitMix64 finaliser so that nearby times give unrelated seeds.
        let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
