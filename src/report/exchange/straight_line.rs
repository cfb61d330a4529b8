//! Straight-line code from the symbolic graph: every node computed once into a
//! temporary, in dependency order, in Rust or Python. This is how the generated
//! right-hand side and Jacobian of `src/model/generated.rs` ([`rust_module`]) and the
//! Jacobian of the Python module (`python_module`) are written; the graph's
//! hash-consing makes each common subexpression a single temporary.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::symbolic_model::SymbolicModel;
use crate::model::symbolic::{children, Node, Sym};
use crate::model::{Derived, Inputs, Params, NS, STATE_NAMES};

/// The language of the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    /// Rust over `f64`, with the helpers of `crate::model::scalar`.
    Rust,
    /// Python with the helpers of the generated module.
    Python,
}

/// Statements (one per line, without indentation) that compute `roots`, and the text
/// of each root. `leaf` names the leaves: variables and any node that the caller
/// provides by name (derived constants); it is consulted before a node is expanded.
pub(crate) fn straight_line(
    m: &SymbolicModel,
    roots: &[Sym],
    lang: Lang,
    leaf: &dyn Fn(Sym) -> Option<String>,
) -> (Vec<String>, Vec<String>) {
    fn visit(
        m: &SymbolicModel,
        s: Sym,
        leaf: &dyn Fn(Sym) -> Option<String>,
        seen: &mut HashSet<Sym>,
        out: &mut Vec<Sym>,
    ) {
        if leaf(s).is_some() || !seen.insert(s) {
            return;
        }
        let n = m.graph.node(s);
        if matches!(n, Node::Num(_)) {
            return;
        }
        for c in children(n) {
            visit(m, c, leaf, seen, out);
        }
        out.push(s);
    }
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    for &r in roots {
        visit(m, r, leaf, &mut seen, &mut order);
    }
    let text = |s: Sym| operand(m, s, lang, leaf);
    let lines = order
        .iter()
        .map(|&s| {
            let e = expression(m.graph.node(s), lang, &text);
            match lang {
                Lang::Rust => format!("let v{} = {e};", s.index()),
                Lang::Python => format!("v{} = {e}", s.index()),
            }
        })
        .collect();
    (lines, roots.iter().map(|&r| text(r)).collect())
}

/// How an operand is written: a leaf, a literal or a temporary.
fn operand(m: &SymbolicModel, s: Sym, lang: Lang, leaf: &dyn Fn(Sym) -> Option<String>) -> String {
    if let Some(t) = leaf(s) {
        return t;
    }
    match m.graph.node(s) {
        Node::Num(b) => {
            let x = f64::from_bits(b);
            let t = format!("{x:?}");
            if x < 0.0 {
                format!("({t})")
            } else {
                t
            }
        }
        Node::Var(v) => panic!("variable '{v}' has no name in the generated code ({lang:?})"),
        _ => format!("v{}", s.index()),
    }
}

/// The expression computing one node from its operands' texts.
fn expression(n: Node, lang: Lang, t: &dyn Fn(Sym) -> String) -> String {
    let rust = lang == Lang::Rust;
    let call = |f: &str, args: &[Sym]| {
        let a: Vec<String> = args.iter().map(|&s| t(s)).collect();
        format!("{f}({})", a.join(", "))
    };
    match n {
        Node::Num(_) | Node::Var(_) => unreachable!("leaves are not computed"),
        Node::Add(a, b) => format!("{} + {}", t(a), t(b)),
        Node::Sub(a, b) => format!("{} - {}", t(a), t(b)),
        Node::Mul(a, b) => format!("{} * {}", t(a), t(b)),
        Node::Div(a, b) => format!("{} / {}", t(a), t(b)),
        Node::Neg(a) => format!("-{}", t(a)),
        Node::Exp(a) if rust => format!("{}.exp()", t(a)),
        Node::Ln(a) if rust => format!("{}.ln()", t(a)),
        Node::Ln1p(a) if rust => format!("{}.ln_1p()", t(a)),
        Node::Powi(a, k) if rust => format!("{}.powi({k})", t(a)),
        Node::Exp(a) => call("math.exp", &[a]),
        Node::Ln(a) => call("math.log", &[a]),
        Node::Ln1p(a) => call("math.log1p", &[a]),
        Node::Powi(a, k) => format!("{} ** {k}", t(a)),
        Node::Pow(a, b) if rust => call("<f64 as Real<f64>>::pow", &[a, b]),
        Node::Pow(a, b) => format!("{} ** {}", t(a), t(b)),
        Node::SmoothStep(a) if rust => call("<f64 as Real<f64>>::smoothstep", &[a]),
        Node::Softplus(x, w) if rust => call("<f64 as Real<f64>>::softplus", &[x, w]),
        Node::Hill(x, k, h) if rust => call("<f64 as Real<f64>>::hill", &[x, k, h]),
        Node::SmoothStep(a) => call("smoothstep", &[a]),
        Node::Softplus(x, w) => call("softplus", &[x, w]),
        Node::Hill(x, k, h) => call("hill", &[x, k, h]),
        Node::SelectPositive(c, a, b) if rust => {
            format!("if {} > 0.0 {{ {} }} else {{ {} }}", t(c), t(a), t(b))
        }
        Node::SelectPositive(c, a, b) => format!("({} if {} > 0.0 else {})", t(a), t(c), t(b)),
        Node::SmoothStepSlope(a) if rust => call("slopes::smoothstep", &[a]),
        Node::SoftplusSlope(x, w) if rust => call("slopes::softplus", &[x, w]),
        Node::HillSlope(x, k, h) if rust => call("slopes::hill", &[x, k, h]),
        Node::SmoothStepSlope(a) => call("smoothstep_slope", &[a]),
        Node::SoftplusSlope(x, w) => call("softplus_slope", &[x, w]),
        Node::HillSlope(x, k, h) => call("hill_slope", &[x, k, h]),
    }
}

/// The Rust leaf names: states `y[i]`, parameters `p.name`, inputs `u.name`, derived
/// constants `d[i]` (in [`Derived::NAMES`] order).
fn rust_leaf(m: &SymbolicModel, s: Sym) -> Option<String> {
    if let Some(i) = m.derived.iter().position(|d| d.root == s) {
        return Some(format!("d[{i}]"));
    }
    let Node::Var(v) = m.graph.node(s) else {
        return None;
    };
    if let Some(i) = STATE_NAMES.iter().position(|(n, _)| *n == v) {
        Some(format!("y[{i}]"))
    } else if Params::NAMES.iter().any(|(n, _)| *n == v) {
        Some(format!("p.{v}"))
    } else if Inputs::<f64>::NAMES.iter().any(|(n, _, _)| *n == v) {
        Some(format!("u.{v}"))
    } else {
        panic!("'{v}' is neither a state, a parameter nor an input")
    }
}

/// `src/model/generated.rs`: the right-hand side and its sparse Jacobian as
/// straight-line Rust, generated from the equations of `src/model/`.
/// `tests/docs_generated.rs` checks that the file in the repository is this text.
pub fn rust_module() -> String {
    let m = SymbolicModel::new();
    let leaf = |s: Sym| rust_leaf(&m, s);
    let rates: Vec<Sym> = m.rates.iter().map(|r| r.root).collect();
    let nnz = m.jacobian.len();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! @generated from the equations of `src/model/` by\n\
         //! `spasm::report::exchange::rust_module` (spasm {}); do not edit. Regenerate with\n\
         //! `SPASM_UPDATE_DOCS=1 cargo test --release --test docs_generated`, which also\n\
         //! checks that this file is fresh.\n\
         //!\n\
         //! The right-hand side and its Jacobian as straight-line code over `f64`: the\n\
         //! same equations as the generic mechanisms (each common subexpression computed\n\
         //! once, each derivative differentiated branch for branch by\n\
         //! `crate::model::symbolic::derivatives`), without the generic number types.\n\
         //! Length: {{LINES}} lines, generated.\n",
        env!("CARGO_PKG_VERSION"),
    );
    s.push_str(
        "#![allow(clippy::all, clippy::pedantic, unused_parens, unused_variables)]\n\n\
         use super::params::Params;\n\
         use super::scalar::{slopes, Real};\n\
         use super::{Inputs, NS};\n\n",
    );
    let _ = writeln!(
        s,
        "/// The number of derived constants [`rhs`] and [`rhs_and_jacobian`] read (in\n\
         /// `Derived::NAMES` order).\n\
         pub(crate) const DERIVED: usize = {};\n",
        Derived::<f64>::NAMES.len()
    );
    let _ = writeln!(
        s,
        "/// The number of structural nonzeros of ∂f/∂y.\n\
         pub const JACOBIAN_NONZEROS: usize = {nnz};\n\n\
         /// Structural nonzeros of ∂f/∂y as (row, column), row-major: the entries of\n\
         /// [`rhs_and_jacobian`]'s Jacobian.\n\
         pub(crate) const JACOBIAN_PATTERN: [(usize, usize); JACOBIAN_NONZEROS] = ["
    );
    for (i, j, _) in &m.jacobian {
        let _ = writeln!(
            s,
            "    ({i}, {j}), // d{}/d{}",
            STATE_NAMES[*i].0, STATE_NAMES[*j].0
        );
    }
    s.push_str("];\n\n");
    let signature = "p: &Params, d: &[f64; DERIVED], u: &Inputs<f64>, y: &[f64; NS]";
    let (lines, roots) = straight_line(&m, &rates, Lang::Rust, &leaf);
    let _ = writeln!(
        s,
        "/// dy/dt at `y` under inputs `u`.\npub(crate) fn rhs({signature}) -> [f64; NS] {{"
    );
    for l in &lines {
        let _ = writeln!(s, "    {l}");
    }
    let _ = writeln!(
        s,
        "    [\n        {},\n    ]\n}}\n",
        roots.join(",\n        ")
    );
    let mut all = rates.clone();
    all.extend(m.jacobian.iter().map(|e| e.2));
    let (lines, roots) = straight_line(&m, &all, Lang::Rust, &leaf);
    let _ = writeln!(
        s,
        "/// dy/dt at `y` under inputs `u`, and the Jacobian's entries in\n\
         /// [`JACOBIAN_PATTERN`] order.\n\
         pub(crate) fn rhs_and_jacobian({signature}) -> ([f64; NS], [f64; JACOBIAN_NONZEROS]) {{"
    );
    for l in &lines {
        let _ = writeln!(s, "    {l}");
    }
    let _ = writeln!(
        s,
        "    (\n        [\n            {},\n        ],\n        [\n            {},\n        ],\n    )\n}}",
        roots[..NS].join(",\n            "),
        roots[NS..].join(",\n            ")
    );
    let lines = s.lines().count();
    s.replace("{LINES}", &lines.to_string())
}
