//! The plan expression language (relevance, constraints). See `parse` and `Expr::eval`.
//!
//! Survey plans carry small expressions: show-if relevance (`q3 = 'yes' and age >= 18`)
//! and constraints on the current answer (`. >= 0 and . <= 100`). They are parsed here
//! once, checked (unknown functions, wrong argument counts, references via
//! [`Expr::references`]) and evaluated against the answers with [`Expr::eval`]; nothing is
//! ever handed to JavaScript `eval`.
//!
//! The language reference for plan authors is `docs/expressions.md`. In short:
//!
//! * literals `3`, `2.5`, `-1`, `'text'`, `"text"`, `true`, `false`, `null`;
//! * answers by id (`q1`, `age_group`, `q-2`), one row of a matrix answer (`m.row_1`), and
//!   `.` for the current question's value;
//! * `or`/`||`, `and`/`&&`, `not`/`!`, `= == != < <= > >=`, `+ - * / %`, unary minus,
//!   parentheses;
//! * `count`, `sum`, `empty`, `selected`, `min`, `max`, `len`, `number`, `if`.
//!
//! Ids may contain `-`, so binary minus after an id needs a space: `a-b` is the answer
//! `a-b`, `a - b` is a subtraction.
//!
//! ```
//! use kaoping_core::expr::{parse, MapEnv, Value};
//! let e = parse("count(q1) >= 2 and not empty(q2)").unwrap();
//! let env = MapEnv::from_json(serde_json::json!({"q1": ["a", "b"], "q2": "x"}), None);
//! assert_eq!(e.eval(&env), Value::Bool(true));
//! assert_eq!(e.references(), vec!["q1".to_string(), "q2".to_string()]);
//! ```

mod ast;
mod eval;
mod parser;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;

pub use parser::{ParseError, MAX_DEPTH, MAX_LEN};
pub use value::Value;

/// A parsed expression. Build one with [`parse`]; print it back in canonical form with
/// `Display` (`parse(&e.to_string())` gives an equal expression).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: ast::Node,
}

/// Parses an expression. Errors point at the offending text (see [`ParseError`]).
///
/// Inputs longer than [`MAX_LEN`] bytes or nested deeper than [`MAX_DEPTH`] levels are
/// rejected, so hostile plans cannot exhaust memory or the stack.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse_node(src).map(|root| Expr { root })
}

/// Where an expression reads answers from.
pub trait Env {
    /// The JSON answer of the question with this id, or `None` when unanswered / unknown.
    fn answer(&self, id: &str) -> Option<serde_json::Value>;
    /// The value of the question the expression belongs to (what `.` reads), if any.
    fn current(&self) -> Option<serde_json::Value>;
}

/// Shapes of expressions that the compiled CSV path evaluates without building values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Simple {
    /// `selected(id, 'value')`.
    Selected { id: String, value: String },
    /// `. OP number`.
    SelfCompare { op: ast::CmpOp, rhs: f64 },
}

impl Simple {
    /// For `SelfCompare`: whether `number OP rhs` holds (as evaluation compares numbers).
    pub(crate) fn number_holds(&self, x: f64) -> bool {
        match self {
            Simple::SelfCompare { op, rhs } => {
                eval::compare(&Value::Number(x), *op, &Value::Number(*rhs))
            }
            Simple::Selected { .. } => false,
        }
    }
}

impl Expr {
    /// The expression as a [`Simple`] shape, when it is one.
    pub(crate) fn simple(&self) -> Option<Simple> {
        use ast::{Func, Lit, Node};
        match &self.root {
            Node::Call(Func::Selected, args) => match args.as_slice() {
                [Node::Answer { id, path }, Node::Lit(Lit::Text(v))] if path.is_empty() => {
                    Some(Simple::Selected {
                        id: id.clone(),
                        value: v.clone(),
                    })
                }
                _ => None,
            },
            Node::Compare(a, op, b) => match (a.as_ref(), b.as_ref()) {
                (Node::Current, Node::Lit(Lit::Number(r))) => {
                    Some(Simple::SelfCompare { op: *op, rhs: *r })
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates the expression. Never panics: type errors, missing answers and division by
    /// zero give [`Value::Null`] according to the rules in `docs/expressions.md`.
    pub fn eval(&self, env: &dyn Env) -> Value {
        eval::eval(&self.root, env)
    }

    /// The answer ids the expression reads, sorted and deduplicated (for `m.row` only `m`).
    /// Does not include `.`; see [`Expr::uses_self`].
    pub fn references(&self) -> Vec<String> {
        let mut ids = Vec::new();
        self.root.walk(&mut |n| {
            if let ast::Node::Answer { id, .. } = n {
                ids.push(id.clone());
            }
        });
        ids.sort();
        ids.dedup();
        ids
    }

    /// Each answer id the expression reads, in the order written, repeats included: what
    /// [`Expr::references`] lists without sorting (the respondent's WASM has no sort of strings).
    pub(crate) fn each_reference(&self, visit: &mut dyn FnMut(&str)) {
        self.root.walk(&mut |n| {
            if let ast::Node::Answer { id, .. } = n {
                visit(id);
            }
        });
    }

    /// Whether the expression reads the current question's value `.`.
    pub fn uses_self(&self) -> bool {
        let mut found = false;
        self.root
            .walk(&mut |n| found |= matches!(n, ast::Node::Current));
        found
    }
}

impl fmt::Display for Expr {
    /// Canonical form: single spaces around binary operators, `and`/`or`/`not` as words,
    /// `=` for equality, single-quoted strings, only the parentheses that are needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}

/// A simple [`Env`] over a JSON object of answers (id → answer) and an optional current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapEnv {
    /// Answers by question id.
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// The current question's value (`.`).
    pub current: Option<serde_json::Value>,
}

impl MapEnv {
    /// Builds an environment from a JSON object of answers; a non-object gives no answers.
    pub fn from_json(answers: serde_json::Value, current: Option<serde_json::Value>) -> MapEnv {
        let answers = match answers {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        MapEnv { answers, current }
    }
}

impl Env for MapEnv {
    fn answer(&self, id: &str) -> Option<serde_json::Value> {
        self.answers.get(id).cloned()
    }

    fn current(&self) -> Option<serde_json::Value> {
        self.current.clone()
    }
}
