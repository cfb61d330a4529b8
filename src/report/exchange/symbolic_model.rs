//! The model's equations as one symbolic graph (the generic right-hand side of
//! `src/model/` evaluated with [`crate::model::symbolic::Sym`]), and the text forms derived from it: a Python
//! module for the SciPy peer harness ([`python_module`]) and the equation table of
//! docs/model.md ([`markdown_table`]). The SBML export reads the same graph
//! ([`mod@super::equations`]). Nothing here restates an equation.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::straight_line::{straight_line, Lang};
use crate::model::symbolic::{capture, children, derivatives, Graph, Node, Sym};
use crate::model::{algebraic, rates, Algebraic, Cx, Derived, Inputs, Params, NS, STATE_NAMES};

/// One named quantity of the symbolic model: SBML/CSV identifier, canonical unit,
/// meaning, and the node that defines it.
#[derive(Debug, Clone, Copy)]
pub struct Named {
    /// Identifier.
    pub id: &'static str,
    /// Canonical unit.
    pub unit: &'static str,
    /// What it is.
    pub meaning: &'static str,
    /// Its defining node.
    pub root: Sym,
}

/// The model as a graph: derived constants, algebraic quantities and rates, each a
/// root of the graph; every derived constant and algebraic quantity is referred to by
/// name wherever it is used.
#[derive(Debug, Clone)]
pub struct SymbolicModel {
    /// The expression graph.
    pub graph: Graph,
    /// Constants derived from the parameters, in [`Derived::NAMES`] order.
    pub derived: Vec<Named>,
    /// Algebraic quantities, in [`Algebraic::NAMES`] order (dependency order).
    pub algebraic: Vec<Named>,
    /// `d(state)/dt` in [`STATE_NAMES`] order (`unit` is the state's unit).
    pub rates: Vec<Named>,
    /// The structural nonzeros of the Jacobian ∂rates/∂states as (row, column, node),
    /// row-major.
    pub jacobian: Vec<(usize, usize, Sym)>,
    names: HashMap<Sym, &'static str>,
}

impl SymbolicModel {
    /// Evaluate the generic equations with symbols for every parameter, input and
    /// state.
    pub fn new() -> SymbolicModel {
        let (graph, (derived, algebraic_roots, rate_roots, jac)) = capture(|| {
            let p = Params::<Sym>::from_fn(Sym::var);
            let u = Inputs::<Sym>::from_fn(Sym::var);
            let y: [Sym; NS] = std::array::from_fn(|i| Sym::var(STATE_NAMES[i].0));
            let k = Derived::new(&p);
            let cx = Cx {
                p: &p,
                k: &k,
                u: &u,
                y: &y,
            };
            let al = algebraic(&cx);
            let dy = rates(&cx, &al);
            let names = STATE_NAMES.map(|(n, _)| n);
            let jac = derivatives(&dy, &names);
            (k.values(), al.values(), dy, jac)
        });
        let named = |roots: &[Sym], names: &[(&'static str, &'static str, &'static str)]| {
            roots
                .iter()
                .zip(names)
                .map(|(&root, &(id, unit, meaning))| Named {
                    id,
                    unit,
                    meaning,
                    root,
                })
                .collect::<Vec<_>>()
        };
        let derived = named(&derived, &Derived::<f64>::NAMES);
        let algebraic = named(&algebraic_roots, &Algebraic::<f64>::NAMES);
        let rates = rate_roots
            .iter()
            .zip(STATE_NAMES)
            .map(|(&root, (id, unit))| Named {
                id,
                unit,
                meaning: "rate of change per second",
                root,
            })
            .collect();
        let mut names = HashMap::new();
        for n in derived.iter().chain(&algebraic) {
            names.entry(n.root).or_insert(n.id);
        }
        let jacobian = jac
            .iter()
            .enumerate()
            .flat_map(|(i, row)| row.iter().map(move |&(j, s)| (i, j, s)))
            .collect();
        SymbolicModel {
            graph,
            derived,
            algebraic,
            rates,
            jacobian,
            names,
        }
    }

    /// The name a node is known by, unless it is the root being defined as `id`.
    pub fn name_of(&self, s: Sym, defining: Option<&str>) -> Option<&'static str> {
        self.names.get(&s).copied().filter(|n| Some(*n) != defining)
    }

    /// The derived constants in an order in which each only uses earlier ones.
    pub fn derived_in_dependency_order(&self) -> Vec<Named> {
        let mut done: Vec<Named> = Vec::new();
        let mut left = self.derived.clone();
        while !left.is_empty() {
            let before = left.len();
            left.retain(|n| {
                let ready = self
                    .uses(n.root, n.id)
                    .iter()
                    .all(|u| done.iter().any(|d| d.id == *u) || !self.is_derived(u));
                if ready {
                    done.push(*n);
                }
                !ready
            });
            assert!(
                left.len() < before,
                "derived constants depend on each other in a cycle"
            );
        }
        done
    }

    fn is_derived(&self, id: &str) -> bool {
        self.derived.iter().any(|d| d.id == id)
    }

    /// The named quantities and plain names the definition of `root` refers to.
    pub fn uses(&self, root: Sym, id: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        self.walk_named(root, Some(id), &mut |n| {
            if !out.contains(&n) {
                out.push(n);
            }
        });
        out
    }

    fn walk_named(&self, s: Sym, defining: Option<&str>, f: &mut dyn FnMut(&'static str)) {
        if let Some(n) = self.name_of(s, defining) {
            return f(n);
        }
        if let Node::Var(v) = self.graph.node(s) {
            return f(v);
        }
        for c in children(self.graph.node(s)) {
            self.walk_named(c, None, f);
        }
    }

    /// Infix text of the definition of `root` (named as `id`) in `style`.
    pub fn infix(&self, root: Sym, id: Option<&str>, style: Style) -> String {
        self.text(root, id, style).0
    }

    /// Text and binding strength (higher binds tighter) of node `s`.
    fn text(&self, s: Sym, defining: Option<&str>, style: Style) -> (String, u8) {
        const SUM: u8 = 1;
        const PRODUCT: u8 = 2;
        const UNARY: u8 = 3;
        const POWER: u8 = 4;
        const ATOM: u8 = 5;
        if let Some(n) = self.name_of(s, defining) {
            return (n.to_string(), ATOM);
        }
        let sub = |t: Sym| self.text(t, None, style);
        // Operand text, parenthesised when it binds more loosely than `min`.
        let wrap = |t: Sym, min: u8| {
            let (text, strength) = sub(t);
            if strength < min {
                format!("({text})")
            } else {
                text
            }
        };
        let call = |f: &str, args: &[Sym]| {
            let a: Vec<String> = args.iter().map(|&t| sub(t).0).collect();
            (format!("{f}({})", a.join(", ")), ATOM)
        };
        let (mul, pow) = match style {
            Style::Python => (" * ", " ** "),
            Style::Markdown => ("·", "^"),
        };
        match self.graph.node(s) {
            Node::Num(b) => {
                let x = f64::from_bits(b);
                let t = match style {
                    Style::Python => format!("{x:?}"),
                    Style::Markdown => format!("{x}"),
                };
                let strength = if x < 0.0 { UNARY } else { ATOM };
                (t, strength)
            }
            Node::Var(v) => (v.to_string(), ATOM),
            Node::Add(a, b) => (format!("{} + {}", wrap(a, SUM), wrap(b, SUM)), SUM),
            Node::Sub(a, b) => (format!("{} - {}", wrap(a, SUM), wrap(b, PRODUCT)), SUM),
            Node::Mul(a, b) => (
                format!("{}{mul}{}", wrap(a, PRODUCT), wrap(b, POWER)),
                PRODUCT,
            ),
            Node::Div(a, b) => (format!("{}/{}", wrap(a, PRODUCT), wrap(b, POWER)), PRODUCT),
            Node::Neg(a) => (format!("-{}", wrap(a, UNARY)), UNARY),
            Node::Exp(a) => call(style.exp(), &[a]),
            Node::Ln(a) => call(style.ln(), &[a]),
            Node::Ln1p(a) => call(style.ln_1p(), &[a]),
            Node::Powi(a, n) => (format!("{}{pow}{n}", wrap(a, ATOM)), POWER),
            Node::Pow(a, b) => (format!("{}{pow}{}", wrap(a, ATOM), wrap(b, ATOM)), POWER),
            Node::SmoothStep(a) => call("smoothstep", &[a]),
            Node::Softplus(x, w) => call("softplus", &[x, w]),
            Node::Hill(x, k, h) => call("hill", &[x, k, h]),
            Node::SmoothStepSlope(a) => call("smoothstep_slope", &[a]),
            Node::SoftplusSlope(x, w) => call("softplus_slope", &[x, w]),
            Node::HillSlope(x, k, h) => call("hill_slope", &[x, k, h]),
            Node::SelectPositive(c, a, b) => match style {
                Style::Python => (
                    format!("({} if {} > 0.0 else {})", sub(a).0, sub(c).0, sub(b).0),
                    ATOM,
                ),
                Style::Markdown => call("if_positive", &[c, a, b]),
            },
        }
    }
}

impl Default for SymbolicModel {
    fn default() -> Self {
        Self::new()
    }
}

/// How [`SymbolicModel::infix`] writes an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Python source (with the helpers [`python_module`] defines).
    Python,
    /// Readable plain text for docs/model.md (`·`, `^`, `ln`).
    Markdown,
}

impl Style {
    fn exp(self) -> &'static str {
        match self {
            Style::Python => "math.exp",
            Style::Markdown => "exp",
        }
    }
    fn ln(self) -> &'static str {
        match self {
            Style::Python => "math.log",
            Style::Markdown => "ln",
        }
    }
    fn ln_1p(self) -> &'static str {
        match self {
            Style::Python => "math.log1p",
            Style::Markdown => "ln1p",
        }
    }
}

/// Python reserved words that cannot be variable names.
const PYTHON_KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The model's right-hand side as a self-contained Python module (standard library
/// only): `derived(p)` gives the derived constants from a dict of parameters
/// (canonical units), `make_rhs(p, k, u)` returns `rhs(t, y)` for inputs `u` held
/// constant, and `algebraic(p, k, u, y)` gives every algebraic quantity. Names are
/// the CSV/SBML identifiers.
pub fn python_module() -> String {
    let m = SymbolicModel::new();
    for name in Params::NAMES
        .iter()
        .map(|(n, _)| *n)
        .chain(Inputs::<f64>::NAMES.iter().map(|(n, _, _)| *n))
        .chain(STATE_NAMES.iter().map(|(n, _)| *n))
        .chain(m.derived.iter().chain(&m.algebraic).map(|d| d.id))
    {
        assert!(
            !PYTHON_KEYWORDS.contains(&name),
            "'{name}' is a Python keyword"
        );
    }
    let quoted = |names: Vec<&str>| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\"\"\"The spasm model's right-hand side, generated by `spasm export python` \
         (spasm {}) from the equations in src/model/. Do not edit: regenerate.\n\n\
         Units are canonical (time in s); names are spasm's CSV/SBML identifiers.\n\"\"\"\n\
         import math\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        s,
        "PARAMETERS = [{}]",
        quoted(Params::NAMES.iter().map(|(n, _)| *n).collect())
    );
    let _ = writeln!(
        s,
        "INPUTS = [{}]",
        quoted(Inputs::<f64>::NAMES.iter().map(|(n, _, _)| *n).collect())
    );
    let _ = writeln!(
        s,
        "STATES = [{}]",
        quoted(STATE_NAMES.iter().map(|(n, _)| *n).collect())
    );
    let _ = writeln!(
        s,
        "DERIVED = [{}]",
        quoted(m.derived.iter().map(|d| d.id).collect())
    );
    let _ = writeln!(
        s,
        "ALGEBRAIC = [{}]\n",
        quoted(m.algebraic.iter().map(|d| d.id).collect())
    );
    s.push_str(PYTHON_HELPERS);
    let unpack = |s: &mut String, indent: &str, names: Vec<&str>, from: &str| {
        for n in names {
            let _ = writeln!(s, "{indent}{n} = {from}[\"{n}\"]");
        }
    };
    // derived(p)
    s.push_str("\ndef derived(p):\n    \"\"\"Constants derived from the parameters.\"\"\"\n");
    let order = m.derived_in_dependency_order();
    let used: Vec<&str> = order
        .iter()
        .flat_map(|d| m.uses(d.root, d.id))
        .filter(|n| Params::NAMES.iter().any(|(p, _)| p == n))
        .fold(Vec::new(), |mut acc, n| {
            if !acc.contains(&n) {
                acc.push(n);
            }
            acc
        });
    unpack(&mut s, "    ", used, "p");
    for d in &order {
        let _ = writeln!(
            s,
            "    {} = {}",
            d.id,
            m.infix(d.root, Some(d.id), Style::Python)
        );
    }
    let _ = writeln!(
        s,
        "    return {{{}}}\n",
        m.derived
            .iter()
            .map(|d| format!("\"{0}\": {0}", d.id))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // The body shared by algebraic() and rhs(): unpack, then the algebraic quantities.
    let body = |s: &mut String, indent: &str| {
        for a in &m.algebraic {
            let _ = writeln!(
                s,
                "{indent}{} = {}",
                a.id,
                m.infix(a.root, Some(a.id), Style::Python)
            );
        }
    };
    let constants = |s: &mut String| {
        unpack(
            s,
            "    ",
            Params::NAMES.iter().map(|(n, _)| *n).collect(),
            "p",
        );
        unpack(s, "    ", m.derived.iter().map(|d| d.id).collect(), "k");
        unpack(
            s,
            "    ",
            Inputs::<f64>::NAMES.iter().map(|(n, _, _)| *n).collect(),
            "u",
        );
    };
    let states = format!(
        "({},) = y",
        STATE_NAMES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    );
    s.push_str(
        "def algebraic(p, k, u, y):\n    \"\"\"Every algebraic quantity at state y (a dict).\"\"\"\n",
    );
    constants(&mut s);
    let _ = writeln!(s, "    {states}");
    body(&mut s, "    ");
    let _ = writeln!(
        s,
        "    return {{{}}}\n",
        m.algebraic
            .iter()
            .map(|d| format!("\"{0}\": {0}", d.id))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s.push_str(
        "def make_rhs(p, k, u):\n    \"\"\"rhs(t, y) -> list of dy/dt with inputs u held constant.\"\"\"\n",
    );
    constants(&mut s);
    s.push_str("\n    def rhs(t, y):\n");
    let _ = writeln!(s, "        {states}");
    body(&mut s, "        ");
    s.push_str("        return [\n");
    for r in &m.rates {
        let _ = writeln!(
            s,
            "            {},  # d{}/dt",
            m.infix(r.root, None, Style::Python),
            r.id
        );
    }
    s.push_str("        ]\n\n    return rhs\n");
    // make_jac(p, k, u): the exact Jacobian, straight-line code over the same graph.
    s.push_str(
        "\n\ndef make_jac(p, k, u):\n    \"\"\"jac(t, y) -> dense df/dy (list of rows), inputs u held constant.\"\"\"\n",
    );
    constants(&mut s);
    s.push_str("\n    def jac(t, y):\n");
    let _ = writeln!(s, "        {states}");
    let values: Vec<Sym> = m.jacobian.iter().map(|e| e.2).collect();
    let leaf = |x: Sym| python_leaf(&m, x);
    let (lines, roots) = straight_line(&m, &values, Lang::Python, &leaf);
    for l in &lines {
        let _ = writeln!(s, "        {l}");
    }
    let _ = writeln!(s, "        J = [[0.0] * {NS} for _ in range({NS})]");
    for ((r, c, _), v) in m.jacobian.iter().zip(&roots) {
        let _ = writeln!(s, "        J[{r}][{c}] = {v}");
    }
    s.push_str("        return J\n\n    return jac\n");
    s
}

/// The Python leaf names: every parameter, input, state and derived constant is a
/// local of the same name in `make_jac`.
fn python_leaf(m: &SymbolicModel, s: Sym) -> Option<String> {
    if let Some(d) = m.derived.iter().find(|d| d.root == s) {
        return Some(d.id.to_string());
    }
    match m.graph.node(s) {
        Node::Var(v) => Some(v.to_string()),
        _ => None,
    }
}

/// The smooth helpers in Python, with the same branches as the numeric types.
const PYTHON_HELPERS: &str = r"
def smoothstep(x):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    return x * x * (3.0 - x * 2.0)


def softplus(x, w):
    z = x / w
    if z > 30.0:
        return x
    if z < -30.0:
        return math.exp(z) * w
    return math.log1p(math.exp(z)) * w


def hill(x, k, h):
    if x <= 0.0:
        return 0.0
    xh = x ** h
    return xh / (xh + k ** h)


def smoothstep_slope(x):
    if 0.0 < x < 1.0:
        return 6.0 * x * (1.0 - x)
    return 0.0


def softplus_slope(x, w):
    z = x / w
    if z > 30.0:
        return 1.0
    if z < -30.0:
        return math.exp(z)
    e = math.exp(z)
    return e / (1.0 + e)


def hill_slope(x, k, h):
    if x <= 0.0:
        return 0.0
    v = hill(x, k, h)
    return h * v * (1.0 - v) / x

";

/// The equation table of docs/model.md: every derived constant, algebraic quantity
/// and rate as written in `src/model/`, one row each.
pub fn markdown_table() -> String {
    let m = SymbolicModel::new();
    let mut s = String::new();
    let row = |s: &mut String, lhs: String, unit: &str, rhs: String| {
        let _ = writeln!(s, "| `{lhs}` | {unit} | `{rhs}` |");
    };
    s.push_str("Derived constants (computed once from the parameters):\n\n");
    s.push_str("| quantity | unit | definition |\n|---|---|---|\n");
    for d in m.derived_in_dependency_order() {
        row(
            &mut s,
            d.id.to_string(),
            d.unit,
            m.infix(d.root, Some(d.id), Style::Markdown),
        );
    }
    s.push_str("\nAlgebraic quantities (in the order they are computed):\n\n");
    s.push_str("| quantity | unit | definition |\n|---|---|---|\n");
    for a in &m.algebraic {
        row(
            &mut s,
            a.id.to_string(),
            a.unit,
            m.infix(a.root, Some(a.id), Style::Markdown),
        );
    }
    s.push_str("\nRates (per second):\n\n");
    s.push_str("| state | unit | d(state)/dt |\n|---|---|---|\n");
    for r in &m.rates {
        row(
            &mut s,
            format!("d{}/dt", r.id),
            r.unit,
            m.infix(r.root, None, Style::Markdown),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_parenthesised_by_precedence() {
        let (graph, root) = capture(|| {
            let (a, b, c) = (Sym::var("a"), Sym::var("b"), Sym::var("c"));
            (a - (b - c)) * (a + b) / -c
        });
        let m = SymbolicModel {
            graph,
            derived: vec![],
            algebraic: vec![],
            rates: vec![],
            jacobian: vec![],
            names: HashMap::new(),
        };
        assert_eq!(
            m.infix(root, None, Style::Markdown),
            "(a - (b - c))·(a + b)/(-c)"
        );
        assert_eq!(
            m.infix(root, None, Style::Python),
            "(a - (b - c)) * (a + b)/(-c)"
        );
    }

    #[test]
    fn derived_constants_are_ordered_by_dependency() {
        let m = SymbolicModel::new();
        let order = m.derived_in_dependency_order();
        for (k, d) in order.iter().enumerate() {
            for u in m.uses(d.root, d.id) {
                if let Some(j) = order.iter().position(|e| e.id == u) {
                    assert!(j < k, "{} uses {u}, defined later", d.id);
                }
            }
        }
    }
}
