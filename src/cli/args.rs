//! The command line's syntax (clap): commands, options, help texts. Meaning is given
//! by the command modules; nothing here runs anything.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use spasm::scenario::figure::{
    check_font_scale, parse_size, FigureSettings, PanelKind, Theme, TimeWindow,
};

/// The parsed command line.
#[derive(Parser)]
#[command(
    name = "spasm",
    version,
    about = "Simulate the spasm–ischemia cycle of back muscles and what interventions do to it",
    long_about = None,
    after_help = "Examples:\n  spasm run                              # the embedded default: acute spasm, untreated vs treated\n  spasm run examples/hot_pack.toml -o out/heat\n  spasm validate                         # every validation target, measured vs expected\n  spasm params acute_injury              # a parameter set with units and sources\n  spasm compare --cohort 200 --seed 1     # the intervention benchmark on 200 virtual patients\n\nEvery command takes --quiet (nothing on standard output) and --json (one JSON document:\n{\"command\", \"dir\", \"files\", \"warnings\", \"summary\"}; docs/outputs.md)."
)]
pub(crate) struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Run a scenario file (or the embedded default) and write trajectories, endpoints, figures and a manifest.
    #[command(
        after_help = "Examples:\n  spasm run\n  spasm run examples/ibuprofen_cyclobenzaprine.toml -o out/combo\n  spasm run examples/hot_pack.toml --quiet --json   # one JSON document: command, dir, files, warnings, summary\n  spasm run --window \"0 h..3 h\" --window all --panels contraction,perfusion,oxygen,pain --theme dark"
    )]
    Run(RunArgs),
    /// Read scenario files without running them: every mistake (not only the first)
    /// and warnings about what probably does not do what was meant; exits 1 if any file has mistakes.
    #[command(
        long_about = "Read scenario files without running them. For each file, print 'FILE: ok' or every mistake found (file:line:column, key, what is allowed, the source snippet), then the semantic warnings (double_source, never_in_spasm, cannot_change_endpoint; see docs/scenarios.md, \"Checking a scenario\"), and a summary line. Warnings that need a simulation run only the arms concerned. Exits 0 when every file reads (warnings allowed), 1 when any file has mistakes.",
        after_help = "Examples:\n  spasm check examples/*.toml\n  spasm check my_scenario.toml --json   # errors per file in .summary.checked"
    )]
    Check(CheckArgs),
    /// Run every validation target of docs/model.md §6 and print measured vs expected; exits 1 if any fails.
    #[command(
        after_help = "Examples:\n  spasm validate\n  spasm validate --json > validation.json\n  spasm validate --target 8 --target 12   # only these targets"
    )]
    Validate(ValidateArgs),
    /// Compare interventions: run every arm on the patient (and optionally on a virtual cohort) and rank them.
    #[command(
        long_about = "Compare interventions: run every arm of a scenario on its patient and write a ranked endpoint table (comparison.md, comparison.csv), a bar chart of the main endpoints (endpoints.png/.svg), overlaid time courses (timecourse.png/.svg) and a short summary naming which arms broke the spasm–ischemia cycle and when (summary.txt, also printed). Arms are ranked by pain AUC over days 0–7; differences are against the arm named \"no treatment\" (or --reference; without either, the first arm).\n\nWith --cohort N, N virtual patients are drawn from the distributions in models/cohort.toml (seed --seed, or one from the clock, always recorded in manifest.json), every arm is run on the same patients in parallel, and cohort.md/cohort.csv/cohort.png report per-arm medians and quartiles, the paired difference to the reference with a 95 % interval, and the fraction of patients in whom the loop was broken. Results do not depend on the number of threads (RAYON_NUM_THREADS).",
        after_help = "Examples:\n  spasm compare                                   # the embedded standard benchmark (examples/benchmark.toml)\n  spasm compare examples/benchmark.toml -o out/bench\n  spasm compare examples/benchmark.toml --cohort 1000 --seed 1\n  spasm compare examples/bed_rest.toml --reference \"bed rest\""
    )]
    Compare(CompareArgs),
    /// Find where the loop sustains itself: steady contraction and pain from rest and
    /// after a brief strong effort, over injury levels; the range where they differ is bistable.
    #[command(
        after_help = "Examples:\n  spasm bistability                        # healthy muscle, injury 0 to 1\n  spasm bistability --set pain_adaptation -o out/adaptation"
    )]
    Bistability(BistabilityArgs),
    /// Sweep parameters over a grid: every arm at every point, endpoints in a long CSV,
    /// a line plot (one parameter) or heatmap with contours (two) per endpoint.
    #[command(
        long_about = "Sweep parameters over a grid: run every arm of a scenario at every grid point and write sweep.csv (one row per point and arm: the parameter values, the arm, every endpoint, or the reason the point failed), a figure per chosen endpoint (a line per arm over one parameter; a heatmap with contours per arm over two) and manifest.json. --param NAME=LO:HI:N gives N values from LO to HI (numbers in the parameter set's unit, or quantities such as \"2 d\"); --log NAME spaces them evenly in ln x. A failed point is a row with its reason, never an aborted sweep. Points run on all cores (RAYON_NUM_THREADS); the output does not depend on the number of threads.",
        after_help = "Examples:\n  spasm sweep examples/sweep_gain_injury.toml --param fac_injury=0:10:11 --param h_initial=0:1:11\n  spasm sweep examples/default.toml --param \"tau_heal=2 d:20 d:10\" --log tau_heal --endpoint recovery_h"
    )]
    Sweep(SweepArgs),
    /// Sensitivity of endpoints to parameters: local derivatives, Morris screening or
    /// Sobol' indices with bootstrap intervals.
    #[command(
        long_about = "Sensitivity of a scenario's endpoints to its parameters, over each parameter's documented range in models/*.toml (or --range NAME=LO:HI). --method local: normalised derivatives d ln y / d ln p by central differences at two steps with the solver at rtol 1e-9 (their agreement is reported); morris: elementary effects mu*, sigma from --samples trajectories; sobol: first-order and total indices (Saltelli/Jansen estimators, scrambled Sobol' sequence) from --samples base samples (a power of two), with 95 % bootstrap intervals. Writes samples.csv, indices.csv, indices.json, a tornado chart per endpoint and manifest.json. Results do not depend on the number of threads.",
        after_help = "Examples:\n  spasm sensitivity examples/default.toml --method sobol --samples 1024 --seed 1\n  spasm sensitivity examples/default.toml --method morris --samples 20 --endpoint spasm_h\n  spasm sensitivity examples/default.toml --method local --params k_o,kappa,fac_injury"
    )]
    Sensitivity(SensitivityArgs),
    /// Steady states of the loop with its inputs held (rest unless --hold), the injury
    /// held at the patient's level: Newton from several starts, eigenvalues, stability.
    #[command(
        long_about = "Every steady state of the model with its scheduled inputs held constant (rest, or --hold NAME=VALUE) and the injury H held at the patient's level (h_initial): Newton from the nominal rest state, from the states settled for 60 days from rest and after a 2 min 50 %MVC effort, and from points between them; each root with the eigenvalues of the exact Jacobian and a verdict (stable, unstable, non-hyperbolic). Starts that fail are listed with their reason. The patient is the scenario's (with its [patient] overrides and, with --arm, that arm's), or a parameter set's; --param NAME=VALUE changes one parameter (in the set's unit, or a quantity such as \"2 d\").",
        after_help = "Examples:\n  spasm steady --set healthy --param h_initial=0.5\n  spasm steady examples/injury.toml --hold activity=0.5 --json"
    )]
    Steady(SteadyArgs),
    /// Continue the steady states over a parameter: branches, folds, Hopf points,
    /// bistable intervals and the bifurcation diagram; --param2 continues the folds.
    #[command(
        long_about = "Pseudo-arclength continuation of the held loop's equilibrium branches (as in spasm steady) over --param NAME from --from to --to, with the exact Jacobian: stability along each branch, folds (saddle-nodes) and Hopf points located, the intervals where two stable states coexist (classified: spasm, where contraction differs; pain, where only pain differs), and the bifurcation diagram (stable solid, unstable dashed, folds and Hopf points marked, the named parameter sets marked on the axis). With --param2 NAME --from2 --to2 every fold is continued in the two parameters, and cusps are located. Writes branches.csv, special_points.csv, summary.json, bifurcation.png/.svg (and fold_curves.csv, folds.png/.svg) and manifest.json.",
        after_help = "Examples:\n  spasm continuation --param h_initial --from 0 --to 1\n  spasm continuation --set pain_adaptation --param h_initial --from 0 --to 1\n  spasm continuation --param h_initial --from 0 --to 1 --param2 fac_injury --from2 0 --to2 10"
    )]
    Continuation(ContinuationArgs),
    /// How much of each arm's treatment breaks the cycle (the escape dose), and how
    /// close to relapse the patient is afterwards (the relapse margin).
    #[command(
        long_about = "For each arm (or --arm NAME), the treatment is what the arm schedules beyond the reference arm. The escape factor is the smallest factor on its doses (or session durations, or intensities: --by) for which the patient is out of spasm from --broken-from to the end of the run (the cohort's definition of a broken cycle), found by doubling up to x8 and bisection to 1 %. The relapse margin is, at --broken-from with the arm as scheduled and the injury then held, the smallest effort held for 2 min that tips the patient back into spasm (0 = still in spasm; n.r. = no effort up to 100 %MVC does). Writes escape.csv, escape.json, escape.png/.svg and manifest.json.",
        after_help = "Examples:\n  spasm escape                                   # every arm of the standard benchmark\n  spasm escape examples/benchmark.toml --arm \"hot pack\" --by duration"
    )]
    Escape(EscapeArgs),
    /// The phase portrait of the reduced loop: contraction against γ bias, the basins
    /// of the relaxed and the spasm state, and an arm's trajectory across them.
    #[command(
        long_about = "The phase portrait of the loop for lectures: a grid over contraction (0 to 30 %MVC) and γ bias (0 to 1), every other state starting at the relaxed steady state, the injury and the inputs held (as in spasm steady); each point is integrated for a day and coloured by where it ends (relaxed or spasm). The border is the separatrix. Flow lines, the steady states (stable filled, saddle open) and, with a scenario and --arm, that arm's trajectory over --window are drawn on top. Writes basins.csv, phase.png/.svg and manifest.json.",
        after_help = "Examples:\n  spasm phase --set healthy --param h_initial=0.5\n  spasm phase examples/benchmark.toml --arm \"lidocaine injection\" --window \"6 h\""
    )]
    Phase(PhaseArgs),
    /// Merge shard directories (written with --shard K/N by compare --cohort, sweep or
    /// sensitivity) into the directory the unsharded run writes.
    #[command(
        long_about = "Merge shard directories into exactly the directory the unsharded run writes: the same tables, statistics and figures, byte for byte; manifest.json also lists the shards (K/N, slice, directory, SHA-256 of its manifest). The shards must come from one run: the same command, scenario (read again from the path the shards recorded, with the same SHA-256), seed, options, program version and N, with every K from 1 to N exactly once. See docs/cluster.md.",
        after_help = "Examples:
  spasm compare examples/benchmark.toml --cohort 1000 --seed 1 --shard 1/4 -o shards/1   # … and 2/4, 3/4, 4/4
  spasm merge shards/1 shards/2 shards/3 shards/4 -o out/benchmark-compare
  spasm merge shards/* -o out/sweep"
    )]
    Merge(MergeArgs),
    /// Write a lecture pack: slide-ready figures (PNG and SVG, 1280x720) of the loop, each with a caption.
    #[command(
        long_about = "Write a lecture pack of slide-ready figures (1280 x 720, PNG and SVG), each with a caption file (Markdown) whose numbers come from the runs that drew it, and a README.md that shows them all: 1 the loop diagram; 2 one lift, two outcomes (the same effort in the same patient without and with injury: hysteresis); 3 what clamps and what dilates during the spasm (pressure, perfusion, oxygen, K+); 4 every intervention of the benchmark on the same patient as small multiples; 5 where the loop sustains itself over injury, with the named patients; 6 the benchmark ranking. Each caption names the command that reproduces its figure.",
        after_help = "Examples:\n  spasm lecture\n  spasm lecture -o slides/spasm"
    )]
    Lecture(LectureArgs),
    /// Write one self-contained HTML page of a run directory (figures, tables, scenario,
    /// manifest) to share with students or colleagues.
    #[command(
        long_about = "Write one self-contained HTML page of a run directory written by spasm (run, compare, compare --cohort, sweep, sensitivity, bistability, continuation, escape, phase, merge): the summary, every figure inline (each as its SVG or its PNG, whichever is smaller), every CSV table (the first 50 rows, with a note of the rest), the scenario text, the manifest as tables (each file's SHA-256 checked against the file now), and the other text files folded. The page opens offline in any browser and loads nothing from anywhere. It goes beside the directory (DIR.html), never inside it: a run directory holds only what spasm wrote for the run. An existing file is replaced only if it is a report spasm wrote.",
        after_help = "Examples:\n  spasm run examples/ibuprofen.toml -o out/ibuprofen\n  spasm report out/ibuprofen                       # writes out/ibuprofen.html\n  spasm compare examples/benchmark.toml -o out/bench && spasm report out/bench -o bench.html"
    )]
    Report(ReportArgs),
    /// Export the model (and optionally one arm of a scenario) to an exchange format.
    #[command(subcommand)]
    Export(ExportFormat),
    /// A live page for teaching: sliders for injury, stress, effort and each
    /// intervention, the time course and endpoints redrawn as they move.
    #[command(
        long_about = "Serve a local web page where the scenario is set with sliders (injury, run length, a lift, emotional stress, and each intervention's dose, timing and course) or chosen from the examples as presets, and the time-course figure and the endpoints (the same as spasm run draws and computes) are redrawn after every change. The current settings download as a scenario file that spasm run reads. The page and the presets are built into the binary: no internet, no CDN. It listens on 127.0.0.1 only (--host to change; it answers only requests addressed to localhost or an IP address, against DNS rebinding). The first line printed is the page's address; Ctrl-C stops the server. See docs/serve.md.",
        after_help = "Examples:\n  spasm serve                     # then open http://127.0.0.1:8765/\n  spasm serve --port 0            # a free port; the first line printed says which"
    )]
    Serve(ServeArgs),
    /// List the embedded parameter sets, or show one with values, units, ranges and sources.
    #[command(
        after_help = "Examples:\n  spasm params\n  spasm params healthy\n  spasm params acute_injury --json"
    )]
    Params(ParamsArgs),
}

/// Arguments of `spasm run`.
#[derive(Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML); omit for the embedded default.
    pub scenario: Option<PathBuf>,
    /// Output directory (default: out/<scenario file stem>, or out/default).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Start even when the outputs are estimated above the size cap (500 MB).
    #[arg(long)]
    pub force: bool,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub figure: FigureArgs,
}

/// How the time-course figure is drawn; each flag overrides the scenario's
/// `[figure]` key of the same name (docs/outputs.md).
#[derive(Args, Clone, Default)]
pub(crate) struct FigureArgs {
    /// Time window of the time-course figure, "A..B" with units or "all"; repeat for windows side by side (e.g. --window "0 h..3 h" --window all).
    #[arg(long = "window", value_name = "A..B", value_parser = TimeWindow::parse, help_heading = "Figure")]
    pub windows: Vec<TimeWindow>,
    /// Panels of the time-course figure in order, comma-separated: contraction, pressure, perfusion, oxygen, metabolites, pain, temperature, drugs, fatigue, sensitisation, injury.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = panel, help_heading = "Figure")]
    pub panels: Vec<PanelKind>,
    /// Figure size in px, WIDTHxHEIGHT (default 1280x720, a 16:9 slide).
    #[arg(long, value_name = "WxH", value_parser = parse_size, help_heading = "Figure")]
    pub size: Option<(u32, u32)>,
    /// Factor on every text size of the figure (0.5 to 3; default 1).
    #[arg(long, value_name = "X", value_parser = font_scale, help_heading = "Figure")]
    pub font_scale: Option<f64>,
    /// Light or dark figure.
    #[arg(long, value_name = "THEME", value_parser = theme, help_heading = "Figure")]
    pub theme: Option<Theme>,
}

impl FigureArgs {
    /// `settings` with every flag given put in.
    pub(crate) fn apply(&self, settings: &mut FigureSettings) {
        if !self.windows.is_empty() {
            settings.windows.clone_from(&self.windows);
        }
        if !self.panels.is_empty() {
            settings.panels = Some(self.panels.clone());
        }
        if let Some(size) = self.size {
            settings.size_px = size;
        }
        if let Some(x) = self.font_scale {
            settings.font_scale = x;
        }
        if let Some(t) = self.theme {
            settings.theme = t;
        }
    }
}

fn panel(name: &str) -> Result<PanelKind, String> {
    PanelKind::parse(name).ok_or_else(|| {
        format!(
            "unknown panel '{}'; panels: {}",
            name.trim(),
            PanelKind::names()
        )
    })
}

fn font_scale(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    check_font_scale(x)
}

fn theme(text: &str) -> Result<Theme, String> {
    Theme::parse(text).ok_or_else(|| format!("unknown theme '{text}'; themes: light, dark"))
}

/// Arguments of `spasm serve`.
#[derive(Args)]
pub(crate) struct ServeArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Address to listen on: 127.0.0.1 (this computer only), or e.g. 0.0.0.0 to let
    /// other computers in (the page has no password).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// `--quiet` and `--json` (docs/outputs.md): the page's address is the summary,
    /// printed once the server listens.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm check`.
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Scenario files (TOML), one or more.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm validate`.
#[derive(Args)]
pub(crate) struct ValidateArgs {
    /// Run only this target (repeatable; default: all).
    #[arg(long = "target", value_name = "N", value_parser = clap::value_parser!(u8).range(1..=16))]
    pub targets: Vec<u8>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm compare`.
#[derive(Args)]
pub(crate) struct CompareArgs {
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
    /// Run only shard K of N of the cohort (contiguous slices of patients; needs
    /// --seed) and write a shard directory for `spasm merge`.
    #[arg(long, value_name = "K/N", requires = "cohort")]
    pub shard: Option<String>,
    /// Cohort: the loop counts as broken when there is no spasm from this time to the end of the run.
    #[arg(long, value_name = "TIME", default_value = "25 h", requires = "cohort")]
    pub broken_from: String,
    /// Also report each arm's relapse margin at --broken-from: the smallest 2-min
    /// effort that tips the patient back into spasm (relapse_margin.csv).
    #[arg(long)]
    pub margin: bool,
    /// Start even when the outputs are estimated above the size cap (500 MB).
    #[arg(long)]
    pub force: bool,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub figure: FigureArgs,
}

/// Arguments of `spasm sweep`.
#[derive(Args)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// A swept parameter, NAME=LO:HI:N (repeatable; the grid is their product).
    /// Default: the scenario's [sweep] table.
    #[arg(long = "param", value_name = "NAME=LO:HI:N")]
    pub params: Vec<String>,
    /// Space this swept parameter's values evenly in ln x (repeatable; default: the
    /// [sweep] table's `log` when its axes are used).
    #[arg(long = "log", value_name = "NAME")]
    pub log: Vec<String>,
    /// Endpoint to draw (repeatable; default: the [sweep] table's `endpoints`, else
    /// pain_auc_7d_nrs_h and spasm_h).
    #[arg(long = "endpoint", value_name = "NAME")]
    pub endpoints: Vec<String>,
    /// Output directory (default: out/<scenario file stem>-sweep).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of the points (contiguous slices) and write a shard
    /// directory for `spasm merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm sensitivity`.
#[derive(Args)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Method: local, morris or sobol.
    #[arg(long, default_value = "sobol")]
    pub method: String,
    /// Parameters, comma-separated or repeated (default: the ten of the acute-injury loop).
    #[arg(long = "params", value_name = "NAMES", value_delimiter = ',')]
    pub params: Vec<String>,
    /// Override a parameter's range, NAME=LO:HI (repeatable).
    #[arg(long = "range", value_name = "NAME=LO:HI")]
    pub ranges: Vec<String>,
    /// Sample this parameter uniformly in ln x (repeatable).
    #[arg(long = "log", value_name = "NAME")]
    pub log: Vec<String>,
    /// Sobol' base samples N (power of two; default 1024) or Morris trajectories r (default 20).
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Seed of the design and the bootstrap.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Endpoint to analyse (repeatable; default: pain_auc_7d_nrs_h and spasm_h).
    #[arg(long = "endpoint", value_name = "NAME")]
    pub endpoints: Vec<String>,
    /// Arm to analyse (repeatable; default: every arm).
    #[arg(long = "arm", value_name = "NAME")]
    pub arms: Vec<String>,
    /// Output directory (default: out/<scenario file stem>-<method>).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of the design rows (contiguous slices) and write a shard
    /// directory for `spasm merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm merge`.
#[derive(Args)]
pub(crate) struct MergeArgs {
    /// Shard directories, one per K from 1 to N (any order).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output directory of the merged run.
    #[arg(short, long, required = true)]
    pub out: PathBuf,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm lecture`.
#[derive(Args)]
pub(crate) struct LectureArgs {
    /// Output directory (default: out/lecture).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm report`.
#[derive(Args)]
pub(crate) struct ReportArgs {
    /// The run directory (written by run, compare, sweep, …).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output file, or a directory to write DIR.html into (default: DIR.html, beside
    /// the run directory).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm bistability`.
#[derive(Args)]
pub(crate) struct BistabilityArgs {
    /// Parameter set (default: healthy).
    #[arg(long, default_value = "healthy")]
    pub set: String,
    /// Injury levels to probe, from 0 to 1 (at least 2).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u32).range(2..=201))]
    pub steps: u32,
    /// Output directory (default: out/bistability-<set>).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which patient a loop analysis studies.
#[derive(Args)]
pub(crate) struct LoopPatientArgs {
    /// Scenario file (TOML): its patient, with its [patient] overrides.
    pub scenario: Option<PathBuf>,
    /// Parameter set instead of a scenario (default: healthy).
    #[arg(long, conflicts_with = "scenario")]
    pub set: Option<String>,
    /// The arm whose parameter overrides apply (scenario only).
    #[arg(long, value_name = "NAME", requires = "scenario")]
    pub arm: Option<String>,
    /// Hold an input at a value, NAME=VALUE (repeatable): activity, stress, cuff,
    /// skin_heat, tens, voluntary, experimental_pain. Default: rest.
    #[arg(long = "hold", value_name = "NAME=VALUE")]
    pub hold: Vec<String>,
}

/// Arguments of `spasm steady`.
#[derive(Args)]
pub(crate) struct SteadyArgs {
    #[command(flatten)]
    pub patient: LoopPatientArgs,
    /// Set a parameter, NAME=VALUE in the set's unit or a quantity (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm continuation`.
#[derive(Args)]
pub(crate) struct ContinuationArgs {
    #[command(flatten)]
    pub patient: LoopPatientArgs,
    /// The continuation parameter.
    #[arg(long, value_name = "NAME")]
    pub param: String,
    /// Start of its range (the set's unit, or a quantity).
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub from: String,
    /// End of its range.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub to: String,
    /// A second parameter: continue every fold in both (the patient's own value must
    /// lie in its range).
    #[arg(long, value_name = "NAME", requires_all = ["from2", "to2"])]
    pub param2: Option<String>,
    /// Start of the second parameter's range.
    #[arg(
        long,
        value_name = "VALUE",
        allow_hyphen_values = true,
        requires = "param2"
    )]
    pub from2: Option<String>,
    /// End of the second parameter's range.
    #[arg(
        long,
        value_name = "VALUE",
        allow_hyphen_values = true,
        requires = "param2"
    )]
    pub to2: Option<String>,
    /// Set another parameter, NAME=VALUE (repeatable).
    #[arg(long = "with", value_name = "NAME=VALUE")]
    pub with: Vec<String>,
    /// Output directory (default: out/continuation-<param>).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm escape`.
#[derive(Args)]
pub(crate) struct EscapeArgs {
    /// Scenario file (TOML) with a reference arm; omit for the standard benchmark.
    pub scenario: Option<PathBuf>,
    /// Arm to study (repeatable; default: every arm but the reference).
    #[arg(long = "arm", value_name = "NAME")]
    pub arms: Vec<String>,
    /// Reference arm (default: "no treatment", else the first arm).
    #[arg(long, value_name = "ARM")]
    pub reference: Option<String>,
    /// What to scale: dose, intensity or duration (default: doses if the treatment has
    /// any, else durations).
    #[arg(long = "by", value_name = "KNOB")]
    pub knob: Option<String>,
    /// The cycle counts as broken when there is no spasm from this time to the end.
    #[arg(long, value_name = "TIME", default_value = "25 h")]
    pub broken_from: String,
    /// Output directory (default: out/<scenario file stem>-escape).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm phase`.
#[derive(Args)]
pub(crate) struct PhaseArgs {
    #[command(flatten)]
    pub patient: LoopPatientArgs,
    /// Set a parameter, NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// How much of the arm's trajectory to draw, from t = 0.
    #[arg(long, value_name = "TIME", default_value = "48 h")]
    pub window: String,
    /// Output directory (default: out/phase-<scenario file stem or set>).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm params`.
#[derive(Args)]
pub(crate) struct ParamsArgs {
    /// Set name.
    pub set: Option<String>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The formats of `spasm export`.
#[derive(Subcommand)]
pub(crate) enum ExportFormat {
    /// SBML Level 3 Version 2: states as rate rules, algebraic quantities as assignment
    /// rules, every parameter with value, unit and source; a scenario's doses and
    /// sessions become time-triggered events.
    #[command(
        after_help = "Examples:\n  spasm export sbml --set healthy -o healthy.xml\n  spasm export sbml examples/ibuprofen.toml --arm ibuprofen -o ibuprofen.xml"
    )]
    Sbml(SbmlArgs),
    /// A COMBINE/OMEX archive: every arm's SBML model, a SED-ML file that runs each arm
    /// with CVODE (KISAO:0000019) on the scenario's output grid and reports the columns
    /// of trajectories.csv, a manifest and metadata. Runs in Tellurium and other
    /// BioSimulators tools.
    #[command(
        after_help = "Examples:\n  spasm export omex examples/benchmark.toml -o benchmark.omex\n  spasm export omex                       # the embedded default scenario, to out/default.omex"
    )]
    Omex(OmexArgs),
    /// The model's right-hand side as a Python module (standard library only), generated
    /// from the equations in src/model/: the SciPy peer harness runs it.
    #[command(
        after_help = "Examples:\n  spasm export python -o spasm_rhs.py\n  python3 -c 'import spasm_rhs; print(spasm_rhs.STATES)'"
    )]
    Python(OutArg),
    /// The equation table of docs/model.md (Markdown), generated from src/model/.
    #[command(after_help = "Examples:\n  spasm export equations -o equations.md")]
    Equations(OutArg),
}

/// Arguments of `spasm export sbml`.
#[derive(Args)]
pub(crate) struct SbmlArgs {
    /// Scenario whose patient, settled state and schedule to export.
    pub scenario: Option<PathBuf>,
    /// Parameter set to export when no scenario is given (default: healthy).
    #[arg(long, conflicts_with = "scenario")]
    pub set: Option<String>,
    /// Arm of the scenario to export (default: the first).
    #[arg(long, requires = "scenario")]
    pub arm: Option<String>,
    /// Output file (default: standard output).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `spasm export omex`.
#[derive(Args)]
pub(crate) struct OmexArgs {
    /// Scenario to export (omit for the embedded default).
    pub scenario: Option<PathBuf>,
    /// Output file (default: out/<scenario file stem>.omex, or out/default.omex).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// An output file.
#[derive(Args)]
pub(crate) struct OutArg {
    /// Output file (default: standard output).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json` (docs/outputs.md).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--quiet` and `--json`, the same for every command.
#[derive(Args, Clone, Copy, Debug, Default)]
pub(crate) struct OutputArgs {
    /// Print nothing on standard output (but the document of --json); no progress bar,
    /// notes or warnings on standard error. Errors are still reported there.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print one JSON document on standard output and nothing else there: {"command",
    /// "dir", "files", "warnings", "summary"} (docs/outputs.md).
    #[arg(long)]
    pub json: bool,
}
