//! A symbolic number type: evaluating the generic equations with [`Sym`] records them
//! as an expression graph instead of computing numbers. This is how the SBML export,
//! the peer harness's right-hand side and the equation table of docs/model.md are
//! derived from the one source of the equations.
//!
//! A `Sym` is a handle (an index) into a thread-local arena of [`Node`]s, so it is
//! `Copy` like the numbers the equations are written for. Identical nodes are stored
//! once (hash-consing), and operations on literals are folded. Use [`capture`] to run
//! a computation on a fresh arena and take the resulting [`Graph`] out.
//!
//! ```
//! use spasm::model::symbolic::{capture, Node, Sym};
//! use spasm::model::scalar::Real;
//! let (graph, y) = capture(|| {
//!     let x = Sym::var("x");
//!     (x * 2.0 + 1.0).softplus(Sym::var("w"))
//! });
//! assert!(matches!(graph.node(y), Node::Softplus(..)));
//! assert_eq!(graph.eval(y, &|name| if name == "x" { 1.0 } else { 0.5 }), 3.0f64.softplus(0.5));
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::scalar::{slopes, Num, Real};

/// A handle to a node of the current thread's expression arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

/// One node of an expression graph. Numbers are stored as their bit patterns so nodes
/// can be hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A literal number (`f64::to_bits`).
    Num(u64),
    /// A named quantity: parameter, input, state or derived constant.
    Var(&'static str),
    /// `a + b`.
    Add(Sym, Sym),
    /// `a − b`.
    Sub(Sym, Sym),
    /// `a · b`.
    Mul(Sym, Sym),
    /// `a / b`.
    Div(Sym, Sym),
    /// `−a`.
    Neg(Sym),
    /// `e^a`.
    Exp(Sym),
    /// `ln a`.
    Ln(Sym),
    /// `ln(1 + a)`.
    Ln1p(Sym),
    /// `a^n`, n whole.
    Powi(Sym, i32),
    /// `a^b`.
    Pow(Sym, Sym),
    /// C¹ smoothstep of `a` (see [`Real::smoothstep`]).
    SmoothStep(Sym),
    /// Softplus of `x` with width `w` (see [`Real::softplus`]).
    Softplus(Sym, Sym),
    /// Hill function of `x` with half-point `k` and exponent `h` (see [`Real::hill`]).
    Hill(Sym, Sym, Sym),
    /// `then` if `cond > 0` else `otherwise` (see [`Real::select_positive`]).
    SelectPositive(Sym, Sym, Sym),
    /// Slope of smoothstep at `a` ([`slopes::smoothstep`]); only in derivatives.
    SmoothStepSlope(Sym),
    /// Slope in `x` of softplus of `x` with width `w` ([`slopes::softplus`]).
    SoftplusSlope(Sym, Sym),
    /// Slope in `x` of the Hill function ([`slopes::hill`]).
    HillSlope(Sym, Sym, Sym),
}

#[derive(Default)]
struct Arena {
    nodes: Vec<Node>,
    index: HashMap<Node, u32>,
}

thread_local! {
    static ARENA: RefCell<Arena> = RefCell::new(Arena::default());
}

fn intern(node: Node) -> Sym {
    ARENA.with(|a| {
        let mut a = a.borrow_mut();
        if let Some(&i) = a.index.get(&node) {
            return Sym(i);
        }
        let i = u32::try_from(a.nodes.len()).expect("fewer than 2^32 nodes");
        a.nodes.push(node);
        a.index.insert(node, i);
        Sym(i)
    })
}

fn node(s: Sym) -> Node {
    ARENA.with(|a| a.borrow().nodes[s.0 as usize])
}

fn literal(s: Sym) -> Option<f64> {
    match node(s) {
        Node::Num(b) => Some(f64::from_bits(b)),
        _ => None,
    }
}

/// An expression graph taken out of the arena by [`capture`].
#[derive(Debug, Clone)]
pub struct Graph {
    nodes: Vec<Node>,
}

impl Graph {
    /// The node behind a handle.
    pub fn node(&self, s: Sym) -> Node {
        self.nodes[s.0 as usize]
    }

    /// Evaluate `s` numerically, looking up names with `var` (the same branch logic
    /// as the numeric types).
    pub fn eval(&self, s: Sym, var: &dyn Fn(&str) -> f64) -> f64 {
        let e = |t: Sym| self.eval(t, var);
        match self.node(s) {
            Node::Num(b) => f64::from_bits(b),
            Node::Var(n) => var(n),
            Node::Add(a, b) => e(a) + e(b),
            Node::Sub(a, b) => e(a) - e(b),
            Node::Mul(a, b) => e(a) * e(b),
            Node::Div(a, b) => e(a) / e(b),
            Node::Neg(a) => -e(a),
            Node::Exp(a) => e(a).exp(),
            Node::Ln(a) => e(a).ln(),
            Node::Ln1p(a) => e(a).ln_1p(),
            Node::Powi(a, n) => e(a).powi(n),
            Node::Pow(a, b) => Real::pow(e(a), e(b)),
            Node::SmoothStep(a) => e(a).smoothstep(),
            Node::Softplus(x, w) => e(x).softplus(e(w)),
            Node::Hill(x, k, h) => e(x).hill(e(k), e(h)),
            Node::SelectPositive(c, a, b) => f64::select_positive(e(c), e(a), e(b)),
            Node::SmoothStepSlope(a) => slopes::smoothstep(e(a)),
            Node::SoftplusSlope(x, w) => slopes::softplus(e(x), e(w)),
            Node::HillSlope(x, k, h) => slopes::hill(e(x), e(k), e(h)),
        }
    }

    /// Every name `s` depends on, without repetition, in first-use order.
    pub fn vars(&self, s: Sym) -> Vec<&'static str> {
        let mut out = Vec::new();
        self.walk(s, &mut |n| {
            if let Node::Var(v) = n {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        });
        out
    }

    fn walk(&self, s: Sym, f: &mut dyn FnMut(Node)) {
        let n = self.node(s);
        f(n);
        for c in children(n) {
            self.walk(c, f);
        }
    }
}

/// The operands of a node.
pub fn children(n: Node) -> Vec<Sym> {
    match n {
        Node::Num(_) | Node::Var(_) => vec![],
        Node::Neg(a)
        | Node::Exp(a)
        | Node::Ln(a)
        | Node::Ln1p(a)
        | Node::Powi(a, _)
        | Node::SmoothStep(a)
        | Node::SmoothStepSlope(a) => vec![a],
        Node::Add(a, b)
        | Node::Sub(a, b)
        | Node::Mul(a, b)
        | Node::Div(a, b)
        | Node::Pow(a, b)
        | Node::Softplus(a, b)
        | Node::SoftplusSlope(a, b) => vec![a, b],
        Node::Hill(a, b, c) | Node::HillSlope(a, b, c) | Node::SelectPositive(a, b, c) => {
            vec![a, b, c]
        }
    }
}

/// Sparse derivatives, by forward differentiation of the current arena's graph: for
/// each of `outputs`, the `(j, ∂output/∂wrt[j])` that are not structurally zero, `j`
/// ascending. The derivatives are new nodes of the arena (sharing every common
/// subexpression with the values), so call this inside [`capture`].
///
/// Every rule differentiates the numeric function branch for branch (the smooth
/// helpers through their [`slopes`]). Widths, Hill exponents, exponents of `pow` and
/// the conditions of `select_positive` must not depend on `wrt`; a graph where one
/// does is a programming error and panics.
pub fn derivatives(outputs: &[Sym], wrt: &[&'static str]) -> Vec<Vec<(usize, Sym)>> {
    type Map = std::collections::BTreeMap<usize, Sym>;
    fn order(s: Sym, seen: &mut std::collections::HashSet<Sym>, out: &mut Vec<Sym>) {
        if seen.insert(s) {
            for c in children(node(s)) {
                order(c, seen, out);
            }
            out.push(s);
        }
    }
    let mut topo = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &o in outputs {
        order(o, &mut seen, &mut topo);
    }
    let scale = |m: &Map, f: Sym| -> Map { m.iter().map(|(&j, &v)| (j, v * f)).collect() };
    let combine = |a: &Map, b: &Map, f: &dyn Fn(Option<Sym>, Option<Sym>) -> Sym| -> Map {
        let keys: std::collections::BTreeSet<usize> = a.keys().chain(b.keys()).copied().collect();
        keys.into_iter()
            .map(|j| (j, f(a.get(&j).copied(), b.get(&j).copied())))
            .collect()
    };
    let zero = Sym::lit(0.0);
    let mut d: HashMap<Sym, Map> = HashMap::new();
    for s in topo {
        let constant = |t: Sym, what: &str, d: &HashMap<Sym, Map>| {
            assert!(
                d[&t].is_empty(),
                "{what} depends on a differentiation variable"
            );
        };
        let map = match node(s) {
            Node::Num(_) => Map::new(),
            Node::Var(v) => wrt
                .iter()
                .position(|w| *w == v)
                .map(|j| (j, Sym::lit(1.0)))
                .into_iter()
                .collect(),
            Node::Add(a, b) => combine(&d[&a], &d[&b], &|x, y| match (x, y) {
                (Some(x), Some(y)) => x + y,
                (x, y) => x.or(y).unwrap_or(zero),
            }),
            Node::Sub(a, b) => combine(&d[&a], &d[&b], &|x, y| match (x, y) {
                (Some(x), Some(y)) => x - y,
                (Some(x), None) => x,
                (None, y) => -y.unwrap_or(zero),
            }),
            Node::Neg(a) => d[&a].iter().map(|(&j, &v)| (j, -v)).collect(),
            Node::Mul(a, b) => combine(&d[&a], &d[&b], &|x, y| match (x, y) {
                (Some(x), Some(y)) => x * b + a * y,
                (Some(x), None) => x * b,
                (None, y) => a * y.unwrap_or(zero),
            }),
            Node::Div(a, b) => combine(&d[&a], &d[&b], &|x, y| match (x, y) {
                (Some(x), Some(y)) => (x - s * y) / b,
                (Some(x), None) => x / b,
                (None, y) => -(s * y.unwrap_or(zero)) / b,
            }),
            Node::Exp(a) => scale(&d[&a], s),
            Node::Ln(a) => d[&a].iter().map(|(&j, &v)| (j, v / a)).collect(),
            Node::Ln1p(a) => d[&a].iter().map(|(&j, &v)| (j, v / (a + 1.0))).collect(),
            Node::Powi(a, n) => {
                let f = if n == 1 {
                    Sym::lit(1.0)
                } else {
                    a.powi(n - 1) * f64::from(n)
                };
                scale(&d[&a], f)
            }
            Node::Pow(a, b) => {
                constant(b, "an exponent", &d);
                scale(&d[&a], b * <Sym as Real<Sym>>::pow(a, b - 1.0))
            }
            Node::SmoothStep(a) => scale(&d[&a], intern(Node::SmoothStepSlope(a))),
            Node::Softplus(x, w) => {
                constant(w, "a softplus width", &d);
                scale(&d[&x], intern(Node::SoftplusSlope(x, w)))
            }
            Node::Hill(x, k, h) => {
                constant(h, "a Hill exponent", &d);
                let sx = intern(Node::HillSlope(x, k, h));
                let sk = -(x / k * sx);
                combine(&d[&x], &d[&k], &|dx, dk| match (dx, dk) {
                    (Some(dx), Some(dk)) => dx * sx + dk * sk,
                    (Some(dx), None) => dx * sx,
                    (None, dk) => dk.unwrap_or(zero) * sk,
                })
            }
            Node::SelectPositive(c, a, b) => {
                constant(c, "a switch condition", &d);
                combine(&d[&a], &d[&b], &|x, y| {
                    intern(Node::SelectPositive(
                        c,
                        x.unwrap_or(zero),
                        y.unwrap_or(zero),
                    ))
                })
            }
            n @ (Node::SmoothStepSlope(_) | Node::SoftplusSlope(..) | Node::HillSlope(..)) => {
                panic!("second derivatives are not supported ({n:?})")
            }
        };
        d.insert(s, map);
    }
    outputs
        .iter()
        .map(|o| d[o].iter().map(|(&j, &v)| (j, v)).collect())
        .collect()
}

/// Run `f` on a fresh arena and return the graph it built with `f`'s result.
pub fn capture<R>(f: impl FnOnce() -> R) -> (Graph, R) {
    ARENA.with(|a| *a.borrow_mut() = Arena::default());
    let r = f();
    let nodes = ARENA.with(|a| std::mem::take(&mut *a.borrow_mut()).nodes);
    (Graph { nodes }, r)
}

impl Sym {
    /// The node's position in its graph (for naming temporaries in generated code).
    pub fn index(self) -> u32 {
        self.0
    }

    /// A named quantity.
    pub fn var(name: &'static str) -> Sym {
        intern(Node::Var(name))
    }
}

fn binary(a: Sym, b: Sym, op: fn(f64, f64) -> f64, make: fn(Sym, Sym) -> Node) -> Sym {
    match (literal(a), literal(b)) {
        (Some(x), Some(y)) => Sym::lit(op(x, y)),
        _ => intern(make(a, b)),
    }
}

impl Add for Sym {
    type Output = Sym;
    fn add(self, b: Sym) -> Sym {
        match (literal(self), literal(b)) {
            (Some(0.0), _) => b,
            (_, Some(0.0)) => self,
            _ => binary(self, b, |x, y| x + y, Node::Add),
        }
    }
}

impl Sub for Sym {
    type Output = Sym;
    fn sub(self, b: Sym) -> Sym {
        match literal(b) {
            Some(0.0) => self,
            _ => binary(self, b, |x, y| x - y, Node::Sub),
        }
    }
}

impl Mul for Sym {
    type Output = Sym;
    fn mul(self, b: Sym) -> Sym {
        match (literal(self), literal(b)) {
            (Some(1.0), _) => b,
            (_, Some(1.0)) => self,
            (Some(x), _) | (_, Some(x)) if x == 0.0 => Sym::lit(0.0),
            _ => binary(self, b, |x, y| x * y, Node::Mul),
        }
    }
}

impl Div for Sym {
    type Output = Sym;
    fn div(self, b: Sym) -> Sym {
        match literal(b) {
            Some(1.0) => self,
            _ => binary(self, b, |x, y| x / y, Node::Div),
        }
    }
}

impl Neg for Sym {
    type Output = Sym;
    fn neg(self) -> Sym {
        match node(self) {
            Node::Num(b) => Sym::lit(-f64::from_bits(b)),
            Node::Neg(a) => a,
            _ => intern(Node::Neg(self)),
        }
    }
}

macro_rules! with_literal {
    ($($tr:ident $f:ident),*) => {$(
        impl $tr<f64> for Sym {
            type Output = Sym;
            fn $f(self, b: f64) -> Sym {
                $tr::$f(self, Sym::lit(b))
            }
        }
    )*};
}
with_literal!(Add add, Sub sub, Mul mul, Div div);

fn unary(a: Sym, op: fn(f64) -> f64, make: fn(Sym) -> Node) -> Sym {
    match literal(a) {
        Some(x) => Sym::lit(op(x)),
        None => intern(make(a)),
    }
}

impl Num for Sym {
    fn lit(x: f64) -> Self {
        intern(Node::Num(x.to_bits()))
    }
    fn value(self) -> f64 {
        literal(self).unwrap_or(f64::NAN)
    }
    fn exp(self) -> Self {
        unary(self, f64::exp, Node::Exp)
    }
    fn ln(self) -> Self {
        unary(self, f64::ln, Node::Ln)
    }
    fn ln_1p(self) -> Self {
        unary(self, f64::ln_1p, Node::Ln1p)
    }
    fn recip(self) -> Self {
        Sym::lit(1.0) / self
    }
    fn powi(self, n: i32) -> Self {
        match literal(self) {
            Some(x) => Sym::lit(x.powi(n)),
            None if n == 1 => self,
            None => intern(Node::Powi(self, n)),
        }
    }
    fn powf(self, e: f64) -> Self {
        intern(Node::Pow(self, Sym::lit(e)))
    }
}

impl Real<Sym> for Sym {
    fn c(x: Sym) -> Self {
        x
    }
    fn pow(self, h: Sym) -> Self {
        intern(Node::Pow(self, h))
    }
    fn smoothstep(self) -> Self {
        intern(Node::SmoothStep(self))
    }
    fn softplus(self, w: Sym) -> Self {
        intern(Node::Softplus(self, w))
    }
    fn hill(self, k: Self, h: Sym) -> Self {
        intern(Node::Hill(self, k, h))
    }
    fn select_positive(cond: Sym, then: Self, otherwise: Self) -> Self {
        intern(Node::SelectPositive(cond, then, otherwise))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_literals_and_shares_nodes() {
        let (g, (a, b, c)) = capture(|| {
            let x = Sym::var("x");
            let a = x * 1.0 + 0.0;
            let b = (Sym::lit(2.0) * 3.0) - 0.0;
            let c = x * 2.0 + x * 2.0;
            (a, b, c)
        });
        assert_eq!(g.node(a), Node::Var("x"));
        assert_eq!(g.node(b), Node::Num(6.0f64.to_bits()));
        let Node::Add(l, r) = g.node(c) else {
            panic!("{:?}", g.node(c))
        };
        assert_eq!(l, r, "x·2 is stored once");
        assert_eq!(g.vars(c), vec!["x"]);
    }

    #[test]
    fn evaluation_follows_the_numeric_branches() {
        let (g, y) = capture(|| {
            let x = Sym::var("x");
            (x.hill(Sym::var("k"), Sym::lit(3.0)) + x.smoothstep()).softplus(Sym::lit(0.1))
        });
        for x in [-1.0, 0.0, 0.3, 0.9, 2.0, 5.0] {
            let var = |n: &str| if n == "x" { x } else { 0.7 };
            let want = (x.hill(0.7, 3.0) + x.smoothstep()).softplus(0.1);
            assert_eq!(g.eval(y, &var), want, "x = {x}");
        }
    }
}
