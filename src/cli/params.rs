//! `spasm params`: the embedded parameter sets, or one with values, units, ranges and
//! sources.

use std::process::ExitCode;

use spasm::model::params::{embedded_names, ParamSet};

use super::args::ParamsArgs;
use super::{titled, CliError, Output, Written};

/// Run `spasm params`.
pub(super) fn params(args: ParamsArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("params", args.output);
    let Some(name) = args.set else {
        let mut sets = Vec::new();
        for n in embedded_names() {
            let description = ParamSet::embedded(n)?.description;
            if out.text() {
                say!("{n:<16} {description}");
            }
            sets.push(serde_json::json!({ "name": n, "description": description }));
        }
        out.emit(Written::Nothing, serde_json::json!({ "sets": sets }))?;
        return Ok(ExitCode::SUCCESS);
    };
    let s = ParamSet::embedded(&name)?;
    if out.text() {
        say!("{}", titled(&s.name, &s.description));
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
    out.emit(Written::Nothing, &s)?;
    Ok(ExitCode::SUCCESS)
}
