//! `spasm params`: the embedded parameter sets, or one with values, units, ranges and
//! sources.

use std::process::ExitCode;

use spasm::model::params::{embedded_names, ParamSet};

use super::args::ParamsArgs;
use super::CliError;

/// Run `spasm params`.
pub(super) fn params(args: ParamsArgs) -> Result<ExitCode, CliError> {
    let Some(name) = args.set else {
        for n in embedded_names() {
            say!("{n:<16} {}", ParamSet::embedded(n)?.description);
        }
        return Ok(ExitCode::SUCCESS);
    };
    let s = ParamSet::embedded(&name)?;
    if args.json {
        say!(
            "{}",
            serde_json::to_string_pretty(&s).expect("a parameter set serialises")
        );
    } else {
        say!("{} — {}", s.name, s.description);
        for (k, p) in &s.entries {
            say!(
                "  {k:<20} {:>10} {:<9} [{}, {}]  {} — {}",
                p.value,
                p.unit,
                p.range[0],
                p.range[1],
                p.meaning,
                p.source
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
