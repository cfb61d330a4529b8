//! A small expression tree for the model's equations, written out as content MathML
//! (for SBML) or as infix text (for notes and error messages).
//!
//! Only what the model needs: numbers, identifiers, simulation time, `+ − × ÷`,
//! powers, `exp`, `ln`, relations and `piecewise`. Numbers are written so that
//! they read back to the same `f64` (shortest round-trip decimal).

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A relation used in conditions of [`Expr::Piecewise`] and event triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    /// `<`
    Lt,
    /// `≤`
    Leq,
    /// `>`
    Gt,
    /// `≥`
    Geq,
}

impl Rel {
    fn mathml(self) -> &'static str {
        match self {
            Rel::Lt => "lt",
            Rel::Leq => "leq",
            Rel::Gt => "gt",
            Rel::Geq => "geq",
        }
    }

    fn infix(self) -> &'static str {
        match self {
            Rel::Lt => "<",
            Rel::Leq => "<=",
            Rel::Gt => ">",
            Rel::Geq => ">=",
        }
    }
}

/// An expression over SBML identifiers (all quantities in canonical units).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A dimensionless number.
    Num(f64),
    /// A number with a unit (an SBML unit id such as `"mg"` or `"second"`).
    Quantity(f64, &'static str),
    /// An SBML identifier (parameter, state, rule variable).
    Id(String),
    /// Simulation time, s (the SBML `time` csymbol).
    Time,
    /// Sum of the terms.
    Plus(Vec<Expr>),
    /// Difference.
    Minus(Box<Expr>, Box<Expr>),
    /// Negation.
    Neg(Box<Expr>),
    /// Product of the factors.
    Times(Vec<Expr>),
    /// Quotient.
    Divide(Box<Expr>, Box<Expr>),
    /// `base ^ exponent`.
    Power(Box<Expr>, Box<Expr>),
    /// `e ^ x`.
    Exp(Box<Expr>),
    /// Natural logarithm.
    Ln(Box<Expr>),
    /// A relation (a boolean; only inside conditions and triggers).
    Rel(Rel, Box<Expr>, Box<Expr>),
    /// The value of the first piece whose condition holds, else `otherwise`.
    Piecewise(Vec<(Expr, Expr)>, Box<Expr>),
}

/// An identifier.
pub(super) fn id(name: &str) -> Expr {
    Expr::Id(name.to_string())
}

/// A dimensionless number.
pub(super) fn num(x: f64) -> Expr {
    Expr::Num(x)
}

/// A number in the SBML unit `unit` (a unit id: builtin or defined in the model).
pub(super) fn qty(x: f64, unit: &'static str) -> Expr {
    Expr::Quantity(x, unit)
}

/// `base ^ exponent`.
pub(super) fn pow(base: Expr, exponent: Expr) -> Expr {
    Expr::Power(Box::new(base), Box::new(exponent))
}

/// `e ^ x`.
pub(super) fn exp(x: Expr) -> Expr {
    Expr::Exp(Box::new(x))
}

/// Natural logarithm.
pub(super) fn ln(x: Expr) -> Expr {
    Expr::Ln(Box::new(x))
}

/// A relation `a rel b`.
pub(super) fn rel(r: Rel, a: Expr, b: Expr) -> Expr {
    Expr::Rel(r, Box::new(a), Box::new(b))
}

/// `piecewise(v1 if c1, v2 if c2, …, otherwise)`.
pub(super) fn piecewise(pieces: Vec<(Expr, Expr)>, otherwise: Expr) -> Expr {
    Expr::Piecewise(pieces, Box::new(otherwise))
}

impl Add for Expr {
    type Output = Expr;
    fn add(self, rhs: Expr) -> Expr {
        match self {
            Expr::Plus(mut v) => {
                v.push(rhs);
                Expr::Plus(v)
            }
            lhs => Expr::Plus(vec![lhs, rhs]),
        }
    }
}

impl Sub for Expr {
    type Output = Expr;
    fn sub(self, rhs: Expr) -> Expr {
        Expr::Minus(Box::new(self), Box::new(rhs))
    }
}

impl Mul for Expr {
    type Output = Expr;
    fn mul(self, rhs: Expr) -> Expr {
        match self {
            Expr::Times(mut v) => {
                v.push(rhs);
                Expr::Times(v)
            }
            lhs => Expr::Times(vec![lhs, rhs]),
        }
    }
}

impl Div for Expr {
    type Output = Expr;
    fn div(self, rhs: Expr) -> Expr {
        Expr::Divide(Box::new(self), Box::new(rhs))
    }
}

impl Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        Expr::Neg(Box::new(self))
    }
}

/// A number as the shortest decimal that reads back to the same `f64`, in
/// exponent form when very small or large: `(mantissa, exponent)`; exponent 0
/// means plain notation.
fn split_number(x: f64) -> (String, i32) {
    let a = x.abs();
    if x == 0.0 || (1e-4..1e15).contains(&a) {
        (format!("{x}"), 0)
    } else {
        let s = format!("{x:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        (m.to_string(), e.parse().unwrap_or(0))
    }
}

/// A number as an `xsd:double` attribute value that reads back to the same `f64`.
pub(super) fn fmt_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "INF".into() } else { "-INF".into() };
    }
    match split_number(x) {
        (m, 0) => m,
        (m, e) => format!("{m}e{e}"),
    }
}

/// `<cn>` with the SBML unit attribute (`sbml` prefix bound on `<math>`).
fn write_cn(out: &mut String, x: f64, unit: &str) {
    out.push_str("<cn sbml:units=\"");
    out.push_str(unit);
    match split_number(x) {
        (m, 0) => {
            out.push_str("\"> ");
            out.push_str(&m);
        }
        (m, e) => {
            out.push_str("\" type=\"e-notation\"> ");
            out.push_str(&m);
            out.push_str(" <sep/> ");
            out.push_str(&e.to_string());
        }
    }
    out.push_str(" </cn>");
}

/// The SBML Level 3 Version 2 core namespace (bound to the `sbml` prefix inside
/// `<math>` for unit attributes on numbers).
pub(super) const SBML_NS: &str = "http://www.sbml.org/sbml/level3/version2/core";

impl Expr {
    /// Write as content MathML (without the enclosing `<math>` element).
    pub fn write_mathml(&self, out: &mut String) {
        fn apply(out: &mut String, op: &str, args: &[&Expr]) {
            out.push_str("<apply><");
            out.push_str(op);
            out.push_str("/>");
            for a in args {
                a.write_mathml(out);
            }
            out.push_str("</apply>");
        }
        match self {
            Expr::Num(x) => write_cn(out, *x, "dimensionless"),
            Expr::Quantity(x, unit) => write_cn(out, *x, unit),
            Expr::Id(name) => {
                out.push_str("<ci> ");
                out.push_str(name);
                out.push_str(" </ci>");
            }
            Expr::Time => out.push_str(
                "<csymbol encoding=\"text\" \
                 definitionURL=\"http://www.sbml.org/sbml/symbols/time\"> time </csymbol>",
            ),
            Expr::Plus(v) => apply(out, "plus", &v.iter().collect::<Vec<_>>()),
            Expr::Times(v) => apply(out, "times", &v.iter().collect::<Vec<_>>()),
            Expr::Minus(a, b) => apply(out, "minus", &[a, b]),
            Expr::Neg(a) => apply(out, "minus", &[a]),
            Expr::Divide(a, b) => apply(out, "divide", &[a, b]),
            Expr::Power(a, b) => apply(out, "power", &[a, b]),
            Expr::Exp(a) => apply(out, "exp", &[a]),
            Expr::Ln(a) => apply(out, "ln", &[a]),
            Expr::Rel(r, a, b) => apply(out, r.mathml(), &[a, b]),
            Expr::Piecewise(pieces, otherwise) => {
                out.push_str("<piecewise>");
                for (value, cond) in pieces {
                    out.push_str("<piece>");
                    value.write_mathml(out);
                    cond.write_mathml(out);
                    out.push_str("</piece>");
                }
                out.push_str("<otherwise>");
                otherwise.write_mathml(out);
                out.push_str("</otherwise></piecewise>");
            }
        }
    }

    /// The complete `<math>` element.
    pub fn to_mathml(&self) -> String {
        let mut s =
            String::from("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" xmlns:sbml=\"");
        s.push_str(SBML_NS);
        s.push_str("\">");
        self.write_mathml(&mut s);
        s.push_str("</math>");
        s
    }

    /// Every identifier the expression refers to (with repeats).
    pub fn identifiers(&self) -> Vec<&str> {
        let mut v = Vec::new();
        self.collect_ids(&mut v);
        v
    }

    /// Every unit id used by a [`Expr::Quantity`] (with repeats).
    pub fn quantity_units(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Quantity(_, u) = e {
                v.push(*u);
            }
        });
        v
    }

    /// Visit every node, parents first.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Num(_) | Expr::Quantity(..) | Expr::Time | Expr::Id(_) => {}
            Expr::Plus(xs) | Expr::Times(xs) => xs.iter().for_each(|x| x.walk(f)),
            Expr::Minus(a, b) | Expr::Divide(a, b) | Expr::Power(a, b) | Expr::Rel(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Neg(a) | Expr::Exp(a) | Expr::Ln(a) => a.walk(f),
            Expr::Piecewise(p, o) => {
                for (a, b) in p {
                    a.walk(f);
                    b.walk(f);
                }
                o.walk(f);
            }
        }
    }

    fn collect_ids<'a>(&'a self, v: &mut Vec<&'a str>) {
        match self {
            Expr::Num(_) | Expr::Quantity(..) | Expr::Time => {}
            Expr::Id(s) => v.push(s),
            Expr::Plus(xs) | Expr::Times(xs) => xs.iter().for_each(|x| x.collect_ids(v)),
            Expr::Minus(a, b) | Expr::Divide(a, b) | Expr::Power(a, b) | Expr::Rel(_, a, b) => {
                a.collect_ids(v);
                b.collect_ids(v);
            }
            Expr::Neg(a) | Expr::Exp(a) | Expr::Ln(a) => a.collect_ids(v),
            Expr::Piecewise(p, o) => {
                for (a, b) in p {
                    a.collect_ids(v);
                    b.collect_ids(v);
                }
                o.collect_ids(v);
            }
        }
    }

    /// Evaluate with `lookup` giving every identifier's value and `time` the time, s.
    /// Relations evaluate to 1 (true) or 0 (false). Used to check the exported
    /// equations against the simulator's right-hand side.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> f64, time: f64) -> f64 {
        let e = |x: &Expr| x.eval(lookup, time);
        match self {
            Expr::Num(x) | Expr::Quantity(x, _) => *x,
            Expr::Id(s) => lookup(s),
            Expr::Time => time,
            Expr::Plus(xs) => xs.iter().map(e).fold(0.0, |a, b| a + b),
            Expr::Times(xs) => xs.iter().map(e).fold(1.0, |a, b| a * b),
            Expr::Minus(a, b) => e(a) - e(b),
            Expr::Neg(a) => -e(a),
            Expr::Divide(a, b) => e(a) / e(b),
            Expr::Power(a, b) => e(a).powf(e(b)),
            Expr::Exp(a) => e(a).exp(),
            Expr::Ln(a) => e(a).ln(),
            Expr::Rel(r, a, b) => {
                let (x, y) = (e(a), e(b));
                let t = match r {
                    Rel::Lt => x < y,
                    Rel::Leq => x <= y,
                    Rel::Gt => x > y,
                    Rel::Geq => x >= y,
                };
                f64::from(u8::from(t))
            }
            Expr::Piecewise(pieces, otherwise) => pieces
                .iter()
                .find(|(_, c)| e(c) != 0.0)
                .map_or_else(|| e(otherwise), |(v, _)| e(v)),
        }
    }
}

impl fmt::Display for Expr {
    /// Infix text with explicit parentheses, e.g. `(a + (b * c))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, xs: &[Expr], op: &str| {
            write!(f, "(")?;
            for (k, x) in xs.iter().enumerate() {
                if k > 0 {
                    write!(f, " {op} ")?;
                }
                write!(f, "{x}")?;
            }
            write!(f, ")")
        };
        match self {
            Expr::Num(x) => write!(f, "{}", fmt_double(*x)),
            Expr::Quantity(x, u) => write!(f, "{} {u}", fmt_double(*x)),
            Expr::Id(s) => write!(f, "{s}"),
            Expr::Time => write!(f, "time"),
            Expr::Plus(xs) => join(f, xs, "+"),
            Expr::Times(xs) => join(f, xs, "*"),
            Expr::Minus(a, b) => write!(f, "({a} - {b})"),
            Expr::Neg(a) => write!(f, "(-{a})"),
            Expr::Divide(a, b) => write!(f, "({a} / {b})"),
            Expr::Power(a, b) => write!(f, "({a} ^ {b})"),
            Expr::Exp(a) => write!(f, "exp({a})"),
            Expr::Ln(a) => write!(f, "ln({a})"),
            Expr::Rel(r, a, b) => write!(f, "({a} {} {b})", r.infix()),
            Expr::Piecewise(pieces, o) => {
                write!(f, "piecewise(")?;
                for (v, c) in pieces {
                    write!(f, "{v}, {c}, ")?;
                }
                write!(f, "{o})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for x in [
            0.0,
            1.0,
            -2.5,
            1.39e-5,
            0.1 + 0.2,
            6.02e23,
            1.0 / 3.0,
            5e-324,
        ] {
            let s = fmt_double(x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
        }
        let mut m = String::new();
        num(1.39e-5).write_mathml(&mut m);
        assert_eq!(
            m,
            "<cn sbml:units=\"dimensionless\" type=\"e-notation\"> 1.39 <sep/> -5 </cn>"
        );
    }

    #[test]
    fn mathml_and_eval() {
        let e = piecewise(
            vec![(num(0.0), rel(Rel::Leq, id("x"), num(0.0)))],
            pow(id("x"), num(2.0)) / (id("x") + num(1.0)),
        );
        let m = e.to_mathml();
        assert!(
            m.contains("<piecewise><piece><cn sbml:units=\"dimensionless\"> 0 </cn><apply><leq/>")
        );
        assert_eq!(e.eval(&|_| 2.0, 0.0), 4.0 / 3.0);
        assert_eq!(e.eval(&|_| -2.0, 0.0), 0.0);
        assert_eq!(e.to_string(), "piecewise(0, (x <= 0), ((x ^ 2) / (x + 1)))");
    }
}
