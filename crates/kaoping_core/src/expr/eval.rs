//! Evaluation. Total: every node yields a value, type errors yield `Value::Null`.

use super::ast::{AddOp, CmpOp, Func, Lit, MulOp, Node};
use super::{Env, Value};

/// Keeps only finite results: overflow and NaN become `Null`.
fn finite(n: f64) -> Value {
    if n.is_finite() {
        Value::Number(n)
    } else {
        Value::Null
    }
}

pub(crate) fn eval(node: &Node, env: &dyn Env) -> Value {
    match node {
        Node::Lit(Lit::Null) => Value::Null,
        Node::Lit(Lit::Bool(b)) => Value::Bool(*b),
        Node::Lit(Lit::Number(n)) => finite(*n),
        Node::Lit(Lit::Text(s)) => Value::Text(s.clone()),
        Node::Answer { id, path } => match env.answer(id) {
            None => Value::Null,
            Some(json) => {
                let mut cur = &json;
                for seg in path {
                    match cur.as_object().and_then(|o| o.get(seg)) {
                        Some(next) => cur = next,
                        None => return Value::Null,
                    }
                }
                Value::from_json(cur)
            }
        },
        Node::Current => env.current().as_ref().map_or(Value::Null, Value::from_json),
        Node::Neg(x) => match eval(x, env) {
            Value::Number(n) => finite(-n),
            _ => Value::Null,
        },
        Node::Not(x) => Value::Bool(!eval(x, env).truthy()),
        Node::Or(items) => Value::Bool(items.iter().any(|x| eval(x, env).truthy())),
        Node::And(items) => Value::Bool(items.iter().all(|x| eval(x, env).truthy())),
        Node::Compare(l, op, r) => Value::Bool(compare(&eval(l, env), *op, &eval(r, env))),
        Node::Additive(first, rest) => {
            let mut acc = eval(first, env);
            for (op, x) in rest {
                let rhs = eval(x, env);
                acc = match (acc, rhs) {
                    (Value::Number(a), Value::Number(b)) => finite(match op {
                        AddOp::Add => a + b,
                        AddOp::Sub => a - b,
                    }),
                    _ => Value::Null,
                };
            }
            acc
        }
        Node::Multiplicative(first, rest) => {
            let mut acc = eval(first, env);
            for (op, x) in rest {
                let rhs = eval(x, env);
                acc = match (acc, rhs) {
                    (Value::Number(_), Value::Number(b)) if b == 0.0 && *op != MulOp::Mul => {
                        Value::Null
                    }
                    (Value::Number(a), Value::Number(b)) => finite(match op {
                        MulOp::Mul => a * b,
                        MulOp::Div => a / b,
                        MulOp::Rem => a % b,
                    }),
                    _ => Value::Null,
                };
            }
            acc
        }
        Node::Call(func, args) => call(*func, args, env),
    }
}

pub(crate) fn compare(a: &Value, op: CmpOp, b: &Value) -> bool {
    use std::cmp::Ordering;
    let ord = match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        _ => None,
    };
    match op {
        CmpOp::Eq => a.loose_eq(b),
        CmpOp::Ne => !a.loose_eq(b),
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// The numbers an argument contributes to `sum`, `min` and `max`: a number itself, or the
/// numbers directly inside a list; everything else contributes nothing.
fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Number(n) => vec![*n],
        Value::List(items) => items
            .iter()
            .filter_map(|x| match x {
                Value::Number(n) => Some(*n),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn call(func: Func, args: &[Node], env: &dyn Env) -> Value {
    let arg = |i: usize| args.get(i).map_or(Value::Null, |x| eval(x, env));
    match func {
        Func::Count => match arg(0) {
            Value::List(items) => {
                Value::Number(items.iter().filter(|x| !x.is_empty()).count() as f64)
            }
            v if v.is_empty() => Value::Number(0.0),
            _ => Value::Number(1.0),
        },
        Func::Sum => finite(numbers(&arg(0)).iter().sum()),
        Func::Empty => Value::Bool(arg(0).is_empty()),
        Func::Selected => {
            let needle = arg(1);
            Value::Bool(match arg(0) {
                Value::Null => false,
                Value::List(items) => items.iter().any(|x| x.loose_eq(&needle)),
                v => v.loose_eq(&needle),
            })
        }
        Func::Min | Func::Max => {
            let all: Vec<f64> = args.iter().flat_map(|x| numbers(&eval(x, env))).collect();
            let pick = if func == Func::Min {
                f64::min
            } else {
                f64::max
            };
            all.into_iter().reduce(pick).map_or(Value::Null, finite)
        }
        Func::Len => match arg(0) {
            Value::Null => Value::Number(0.0),
            Value::Text(s) => Value::Number(s.chars().count() as f64),
            _ => Value::Null,
        },
        Func::Number => match arg(0) {
            Value::Number(n) => Value::Number(n),
            Value::Bool(b) => Value::Number(if b { 1.0 } else { 0.0 }),
            Value::Text(s) => parse_number_text(&s),
            Value::Null | Value::List(_) => Value::Null,
        },
        Func::If => {
            if arg(0).truthy() {
                arg(1)
            } else {
                arg(2)
            }
        }
    }
}

/// `number('…')`: decimal text such as `3`, `-2.5`, ` 42 ` or `1e3`; anything else is `Null`.
fn parse_number_text(s: &str) -> Value {
    let t = s.trim();
    let plain = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && t.chars().any(|c| c.is_ascii_digit());
    match t.parse::<f64>() {
        Ok(n) if plain && n.is_finite() => Value::Number(n),
        _ => Value::Null,
    }
}
