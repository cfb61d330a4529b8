//! The model's equations as expression trees over SBML identifiers, derived from the
//! one source of the equations in `src/model/`: the generic right-hand side is
//! evaluated with symbols ([`crate::model::symbolic`]) and the resulting graph is
//! turned into [`Expr`] trees, with the smooth helpers written out as the same
//! piecewise branches the numeric types take. Nothing here restates an equation.
//!
//! Identifiers: states by their CSV names ([`crate::model::STATE_NAMES`]),
//! parameters by their [`crate::model::params::Params`] field names, inputs by [`DRIVER_NAMES`], derived
//! constants by [`crate::model::Derived::NAMES`] and algebraic quantities by
//! [`crate::model::Algebraic::NAMES`].
//! Every algebraic quantity and derived constant is referred to by name wherever it
//! is used.

use super::math::{exp, id, ln, num, piecewise, pow, rel, Expr, Rel};
use super::symbolic_model::{Named, SymbolicModel};
use crate::model::symbolic::{Node, Sym};
use crate::model::{Drivers, Inputs};

/// One defined quantity: identifier, canonical unit, meaning, defining expression.
#[derive(Debug, Clone)]
pub struct Definition {
    /// SBML identifier.
    pub id: &'static str,
    /// Canonical unit (as in `Params::NAMES`, e.g. `"mmHg"`, `"1/s"`).
    pub unit: &'static str,
    /// What it is.
    pub meaning: &'static str,
    /// The formula.
    pub expr: Expr,
}

/// The whole model as definitions.
#[derive(Debug, Clone)]
pub struct Equations {
    /// Constants derived from parameters (SBML initial assignments), in
    /// [`crate::model::Derived::NAMES`] order.
    pub derived_constants: Vec<Definition>,
    /// Algebraic quantities (SBML assignment rules), in dependency order.
    pub assignments: Vec<Definition>,
    /// `d(state)/dt` for every state, in [`crate::model::STATE_NAMES`] order (SBML rate rules);
    /// `unit` is the state's unit (the rate is that per second).
    pub rates: Vec<Definition>,
}

/// The scheduled inputs as SBML parameters (constant = false, changed by events):
/// `(id, canonical unit, meaning)`. A heat source is two parameters: `skin_heat_on`
/// (0/1) and `skin_heat` (°C, used while on).
pub const DRIVER_NAMES: &[(&str, &str, &str)] = Inputs::<f64>::NAMES;

/// Driver values in [`DRIVER_NAMES`] order.
pub fn driver_values(d: &Drivers) -> Vec<f64> {
    d.inputs().values()
}

/// `softplus_w(x) = w·ln(1 + e^{x/w})` with the branches of
/// [`Real::softplus`](crate::model::scalar::Real::softplus).
pub(super) fn softplus(x: Expr, w: Expr) -> Expr {
    let z = x.clone() / w.clone();
    piecewise(
        vec![
            (x, rel(Rel::Gt, z.clone(), num(30.0))),
            (
                exp(z.clone()) * w.clone(),
                rel(Rel::Lt, z.clone(), num(-30.0)),
            ),
        ],
        ln(num(1.0) + exp(z)) * w,
    )
}

/// C¹ smoothstep: 0 for x ≤ 0, 1 for x ≥ 1, `x·x·(3 − 2x)` between.
pub(super) fn smoothstep(x: Expr) -> Expr {
    piecewise(
        vec![
            (num(0.0), rel(Rel::Leq, x.clone(), num(0.0))),
            (num(1.0), rel(Rel::Geq, x.clone(), num(1.0))),
        ],
        x.clone() * x.clone() * (num(3.0) - x * num(2.0)),
    )
}

/// Hill function `x^h/(x^h + k^h)`, 0 for x ≤ 0.
pub(super) fn hill(x: Expr, k: Expr, h: Expr) -> Expr {
    let xh = pow(x.clone(), h.clone());
    piecewise(
        vec![(num(0.0), rel(Rel::Leq, x, num(0.0)))],
        xh.clone() / (xh + pow(k, h)),
    )
}

/// Turns graph nodes into [`Expr`] trees, naming every node that is a defined
/// quantity (except the root of the definition being written).
struct Writer<'m> {
    model: &'m SymbolicModel,
}

impl Writer<'_> {
    fn expr(&self, s: Sym, defining: Option<&str>) -> Expr {
        if let Some(n) = self.model.name_of(s, defining) {
            return id(n);
        }
        let e = |t: Sym| self.expr(t, None);
        match self.model.graph.node(s) {
            Node::Num(b) => num(f64::from_bits(b)),
            Node::Var(n) => id(n),
            Node::Add(a, b) => e(a) + e(b),
            Node::Sub(a, b) => e(a) - e(b),
            Node::Mul(a, b) => e(a) * e(b),
            Node::Div(a, b) => e(a) / e(b),
            Node::Neg(a) => -e(a),
            Node::Exp(a) => exp(e(a)),
            Node::Ln(a) => ln(e(a)),
            Node::Ln1p(a) => ln(num(1.0) + e(a)),
            Node::Powi(a, n) => pow(e(a), num(f64::from(n))),
            Node::Pow(a, b) => pow(e(a), e(b)),
            Node::SmoothStep(a) => smoothstep(e(a)),
            Node::Softplus(x, w) => softplus(e(x), e(w)),
            Node::Hill(x, k, h) => hill(e(x), e(k), e(h)),
            Node::SelectPositive(c, a, b) => {
                piecewise(vec![(e(a), rel(Rel::Gt, e(c), num(0.0)))], e(b))
            }
            n @ (Node::SmoothStepSlope(_) | Node::SoftplusSlope(..) | Node::HillSlope(..)) => {
                unreachable!("slopes appear only in the Jacobian, which SBML does not carry: {n:?}")
            }
        }
    }

    fn definition(&self, n: &Named) -> Definition {
        Definition {
            id: n.id,
            unit: n.unit,
            meaning: n.meaning,
            expr: self.expr(n.root, Some(n.id)),
        }
    }
}

/// The model's equations. Pure data; the same for every parameter set.
pub fn equations() -> Equations {
    let model = SymbolicModel::new();
    let w = Writer { model: &model };
    Equations {
        derived_constants: model.derived.iter().map(|n| w.definition(n)).collect(),
        assignments: model.algebraic.iter().map(|n| w.definition(n)).collect(),
        rates: model
            .rates
            .iter()
            .map(|n| Definition {
                expr: w.expr(n.root, None),
                ..w.definition(n)
            })
            .collect(),
    }
}
