//! `spasm merge`: shard directories combined into the directory of the unsharded run
//! (the checks and the merging are `spasm::report::merge`).

use std::process::ExitCode;

use spasm::report::merge::{merge as merge_shards, MergeOptions};

use super::args::MergeArgs;
use super::{command_line, CliError, Output, Written};

/// Run `spasm merge`.
pub(super) fn merge(args: &MergeArgs) -> Result<ExitCode, CliError> {
    let out = Output::new("merge", args.output);
    let merged = merge_shards(
        &args.dirs,
        &args.out,
        &MergeOptions {
            command_line: command_line(),
            ..Default::default()
        },
    )?;
    if out.text() {
        say!(
            "merged {} {} shards ({} {}); wrote {} files to {}",
            merged.shards,
            merged.command.name(),
            merged.items,
            merged.command.items(),
            merged.files.len(),
            merged.dir.display()
        );
    }
    out.emit(
        Written::Dir(&merged.dir),
        serde_json::json!({
            "merged": merged.command.name(),
            "shards": merged.shards,
            "items": merged.items,
            "item_kind": merged.command.items(),
        }),
    )?;
    Ok(ExitCode::SUCCESS)
}
