//! Runtime values of the expression language.

use serde::Serialize;

/// A value produced by evaluating an expression.
///
/// JSON answers map onto values as follows: `null` → [`Value::Null`], booleans →
/// [`Value::Bool`], numbers → [`Value::Number`], strings → [`Value::Text`], arrays →
/// [`Value::List`] of their elements, and objects (matrix answers) → [`Value::List`] of their
/// member values sorted by key. Dotted access (`matrix_q.row_id`) reads a key of the object
/// before this conversion.
///
/// Serializes to the natural JSON form (`null`, `true`, `3.5`, `"text"`, `[...]`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Value {
    /// No value: an unanswered question, a missing row, or the result of a type error.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A finite number (evaluation never produces NaN or infinities; they become `Null`).
    Number(f64),
    /// A text value.
    Text(String),
    /// A list: a multiple-choice answer or the row values of a matrix answer.
    List(Vec<Value>),
}

impl Value {
    /// Truthiness used by `and`, `or`, `not` and `if`: `null`, `false`, `0`, `""` and the
    /// empty list are false; every other value is true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Text(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
        }
    }

    /// Converts a JSON answer into a value (objects become the list of their values sorted by key).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(f) if f.is_finite() => Value::Number(f),
                _ => Value::Null,
            },
            serde_json::Value::String(s) => Value::Text(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => {
                Value::List(map.values().map(Value::from_json).collect())
            }
        }
    }

    /// Converts the value to JSON (numbers with an integral value become JSON integers).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    // Exact: |n| < 2^53, integral.
                    serde_json::Value::from(*n as i64)
                } else {
                    serde_json::Number::from_f64(*n)
                        .map(serde_json::Value::Number)
                        .unwrap_or(serde_json::Value::Null)
                }
            }
            Value::Text(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
        }
    }

    /// Whether the value is "empty" in the sense of `empty(x)`: `null`, `""` or an empty list
    /// (an empty JSON array or object).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Text(s) => s.is_empty(),
            Value::List(items) => items.is_empty(),
            Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// Equality as used by `=`, `!=` and `selected`: numbers compare numerically, texts
    /// exactly, booleans by value, lists element by element, `null` equals only `null`; values
    /// of different kinds (for example a list and a scalar, or `1` and `'1'`) are never equal.
    pub fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Text(a), Value::Text(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.loose_eq(y))
            }
            _ => false,
        }
    }
}

impl From<&serde_json::Value> for Value {
    fn from(json: &serde_json::Value) -> Value {
        Value::from_json(json)
    }
}
