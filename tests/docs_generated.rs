//! What is generated from the model is checked to be fresh: the tables in
//! docs/model.md (the equation table from the symbolic evaluation of `src/model/`,
//! `spasm export equations`; the parameter tables from `models/*.toml`) and the
//! straight-line right-hand side and Jacobian of `src/model/generated.rs`. These tests
//! regenerate them and fail if a file differs; `SPASM_UPDATE_DOCS=1 cargo test
//! --release --test docs_generated` writes the fresh text into the files instead.

use spasm::model::params::{embedded_names, ParamSet};
use spasm::report::exchange::{markdown_table, rust_module};

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

/// Compare `path` with `fresh`, or write it when `SPASM_UPDATE_DOCS=1`.
fn check_fresh(path: &str, fresh: &str) {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var("SPASM_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        if current != fresh {
            std::fs::write(path, fresh).unwrap();
        }
        return;
    }
    assert!(
        current == fresh,
        "{path} is stale; regenerate it with\n  \
         SPASM_UPDATE_DOCS=1 cargo test --release --test docs_generated"
    );
}

#[test]
fn docs_model_md_tables_are_generated_from_the_model() {
    let doc = std::fs::read_to_string(PATH).unwrap();
    check_fresh(PATH, &generated(&doc));
}

#[test]
fn the_straight_line_model_is_generated_from_the_model() {
    check_fresh(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/generated.rs"),
        &rust_module(),
    );
}
