//! The tables in docs/model.md are generated from the model, not written by hand: the
//! equation table from the symbolic evaluation of `src/model/` (`spasm export
//! equations`), the parameter tables from `models/*.toml`. This test regenerates them
//! and fails if the file differs; `SPASM_UPDATE_DOCS=1 cargo test --release --test
//! docs_generated` writes the fresh tables into the file instead.

use spasm::model::params::{embedded_names, ParamSet};
use spasm::report::exchange::markdown_table;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md");

/// Replace the body between `<!-- generated:NAME ... -->` and `<!-- end:NAME -->`.
fn fill(doc: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- generated:{name}");
    let end = format!("<!-- end:{name} -->");
    let b = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("docs/model.md lacks the marker {begin}"));
    let b = b + doc[b..].find("-->").expect("marker closes") + 3;
    let e = doc
        .find(&end)
        .unwrap_or_else(|| panic!("docs/model.md lacks the marker {end}"));
    format!("{}\n{}{}", &doc[..b], body, &doc[e..])
}

fn generated(doc: &str) -> String {
    let healthy = ParamSet::embedded("healthy").unwrap();
    let mut sets = String::new();
    for name in embedded_names().into_iter().filter(|n| *n != "healthy") {
        let s = ParamSet::embedded(name).unwrap();
        sets.push_str(&format!(
            "**`{name}`** — {}\n\n{}\n",
            s.description,
            s.markdown_overrides(&healthy)
        ));
    }
    let doc = fill(doc, "equations", &markdown_table());
    let doc = fill(&doc, "parameters", &healthy.markdown_table());
    fill(&doc, "sets", &sets)
}

#[test]
fn docs_model_md_tables_are_generated_from_the_model() {
    let doc = std::fs::read_to_string(PATH).unwrap();
    let fresh = generated(&doc);
    if std::env::var("SPASM_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(PATH, &fresh).unwrap();
        return;
    }
    assert!(
        doc == fresh,
        "docs/model.md's generated tables are stale; regenerate them with\n  \
         SPASM_UPDATE_DOCS=1 cargo test --release --test docs_generated"
    );
}
