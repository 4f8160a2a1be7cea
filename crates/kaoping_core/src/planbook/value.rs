//! A plan's JSON values as workbook cells and back: which values a column can hold exactly
//! (the rest stays in the row's JSON cell), taking them out of a value, putting them back,
//! and reading the cells as spreadsheets hold them (numbers as text, `0.30000000000000004`,
//! `TRUE`/`是`/`1`).

use crate::cells::Cell;
use serde_json::{Map, Value};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A non-empty text without surrounding spaces or carriage returns.
    Str,
    /// A number of at most 15 significant digits (what a spreadsheet keeps exactly).
    Num,
    /// `TRUE`/`FALSE` (also read: `1`/`0`, `是`/`否`, `yes`/`no`).
    Bool,
    /// A non-empty list of texts, joined with `, `.
    List,
    /// Any JSON value: a number or a text as itself, anything else as JSON text.
    Any,
}

/// A number rounded to 15 significant digits, as a spreadsheet shows and keeps it: the
/// `0.30000000000000004` a spreadsheet may write for 0.3 is 0.3.
pub(super) fn round15(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    format!("{v:.14e}").parse().unwrap_or(v)
}

/// A number as a JSON value: integral ones as integers (`2026`, not `2026.0`).
pub(super) fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

fn plain_text(s: &str) -> bool {
    !s.is_empty() && s.trim() == s && !s.contains('\r')
}

fn exact_number(v: &Value) -> Option<f64> {
    let n = v.as_number()?;
    let f = n.as_f64()?;
    let big = n.as_i64().is_some_and(|i| i.unsigned_abs() > 1 << 53)
        || n.as_u64().is_some_and(|u| u > 1 << 53);
    // `6.0` is a different JSON text from `6` (and so another fingerprint), but the same
    // number in a cell: an integral number written with a fraction stays in JSON.
    let fraction_written = n.is_f64() && f.fract() == 0.0;
    (f.is_finite() && !big && !fraction_written && round15(f) == f).then_some(f)
}

const LIST_SEPARATORS: [char; 4] = [',', '，', ';', '；'];

/// The cell of `v` in a column of `kind`, when the column can hold it exactly.
pub(super) fn to_cell(v: &Value, kind: Kind) -> Option<Cell> {
    match (kind, v) {
        (Kind::Str, Value::String(s)) if plain_text(s) => Some(Cell::Text(s.clone())),
        (Kind::Num, v) => exact_number(v).map(Cell::Number),
        (Kind::Bool, Value::Bool(b)) => Some(Cell::Text(if *b { "TRUE" } else { "FALSE" }.into())),
        (Kind::List, Value::Array(items)) if !items.is_empty() => {
            let texts: Option<Vec<&str>> = items
                .iter()
                .map(|i| {
                    i.as_str()
                        .filter(|s| plain_text(s) && !s.contains(LIST_SEPARATORS))
                })
                .collect();
            texts.map(|t| Cell::Text(t.join(", ")))
        }
        (Kind::Any, Value::String(s))
            if plain_text(s) && serde_json::from_str::<Value>(s).is_err() =>
        {
            Some(Cell::Text(s.clone()))
        }
        (Kind::Any, Value::Number(n)) => match (exact_number(v), n.as_f64()) {
            (Some(f), _) => Some(Cell::Number(f)),
            // In exponent form (Rust's shortest, read back exactly): a spreadsheet's own
            // numbers never are, so this one is not rounded to 15 digits when read.
            (None, Some(f)) if n.is_f64() && f.fract() != 0.0 => Some(Cell::Text(format!("{f:e}"))),
            (None, _) => Some(Cell::Text(v.to_string())),
        },
        (Kind::Any, v) => Some(Cell::Text(v.to_string())),
        _ => None,
    }
}

/// Why a cell cannot be read as its column's kind.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum CellError {
    NotNumber,
    NotBool,
}

/// The value of a (trimmed, non-empty) cell text in a column of `kind`.
pub(super) fn from_cell(text: &str, kind: Kind) -> Result<Value, CellError> {
    match kind {
        Kind::Str => Ok(Value::String(text.to_owned())),
        Kind::Num => parse_number(text)
            .map(number_value)
            .ok_or(CellError::NotNumber),
        Kind::Bool => parse_bool(text).map(Value::Bool).ok_or(CellError::NotBool),
        Kind::List => Ok(Value::Array(
            text.split(LIST_SEPARATORS)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        )),
        Kind::Any => Ok(match serde_json::from_str::<Value>(text) {
            // A spreadsheet's `0.30000000000000004` is 0.3; `6.0` (text) stays `6.0`.
            Ok(Value::Number(n)) if n.is_f64() => match text.parse::<f64>() {
                Ok(f) if text.contains(['e', 'E']) => Value::from(f),
                Ok(f) => Value::from(round15(f)),
                Err(_) => Value::Number(n),
            },
            Ok(v) => v,
            Err(_) => Value::String(text.to_owned()),
        }),
    }
}

/// A number as a spreadsheet cell may hold it: `0.3`, ` 1,000 `, `0.30000000000000004`, a
/// full-width `０.３`; rounded to 15 significant digits. A comma counts only as a thousands
/// separator (`1,000`, `12,345.5`): `0,4` (a decimal comma) is not a number, rather than 4.
pub(super) fn parse_number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .collect();
    let t = without_thousands(&t)?;
    let v: f64 = t.parse().ok()?;
    v.is_finite().then(|| round15(v))
}

/// `t` without its thousands separators, when every comma is one (groups of three digits in
/// the integer part); `None` when a comma stands anywhere else.
fn without_thousands(t: &str) -> Option<String> {
    if !t.contains(',') {
        return Some(t.to_owned());
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = int.strip_prefix(['-', '+']).unwrap_or(int);
    let mut groups = digits.split(',');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    (first_ok && rest_ok && !frac.contains(',')).then(|| t.replace(',', ""))
}

/// A yes/no cell: `TRUE`/`FALSE`, `1`/`0`, `是`/`否`, `yes`/`no`, `y`/`n`, `√`/`×`.
pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "true" | "1" | "是" | "yes" | "y" | "√" | "true()" => Some(true),
        "false" | "0" | "否" | "no" | "n" | "×" | "false()" => Some(false),
        _ => None,
    }
}

/// Takes the value at `path` out of `v` when `kind` can hold it, removing objects and
/// one-element arrays that the taking left empty. An array step is followed only when the
/// array has exactly one element (a constraint, not a list of them).
pub(super) fn take(v: &mut Value, path: &[String], kind: Kind) -> Option<Cell> {
    let (first, rest) = path.split_first()?;
    let child = match v {
        Value::Object(m) => m.get_mut(first)?,
        Value::Array(a) if a.len() == 1 && first == "0" => &mut a[0],
        _ => return None,
    };
    let cell = if rest.is_empty() {
        to_cell(child, kind)?
    } else {
        let cell = take(child, rest, kind)?;
        let emptied = match child {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if !emptied {
            return Some(cell);
        }
        cell
    };
    match v {
        Value::Object(m) => {
            m.remove(first);
        }
        Value::Array(a) => {
            a.clear();
        }
        _ => {}
    }
    Some(cell)
}

/// Takes the value at the key `key` out of an object whatever it is.
pub(super) fn take_key(v: &mut Value, key: &str) -> Option<Value> {
    v.as_object_mut()?.remove(key)
}

/// Puts `value` at `path` in `v`, making objects (and a one-element array for a `0` step)
/// on the way. False when something else is already in the way.
pub(super) fn put(v: &mut Value, path: &[String], value: Value) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    if first == "0" && v.is_null() {
        *v = Value::Array(vec![Value::Null]);
    }
    if v.is_null() {
        *v = Value::Object(Map::new());
    }
    let slot = match v {
        Value::Object(m) => m.entry(first.clone()).or_insert(Value::Null),
        Value::Array(a) if first == "0" && a.len() == 1 => &mut a[0],
        _ => return false,
    };
    if rest.is_empty() {
        if !slot.is_null() {
            return false;
        }
        *slot = value;
        true
    } else {
        put(slot, rest, value)
    }
}

/// Merges the row's JSON cell into what its columns made: objects key by key, lists of the
/// same length element by element, anything else replaced.
pub(super) fn merge(into: &mut Value, extra: Value) {
    match (into, extra) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        // A constraint's columns and the rest of it in JSON: element by element.
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (slot, v) in a.iter_mut().zip(b) {
                merge(slot, v);
            }
        }
        (slot, v) => *slot = v,
    }
}

/// The JSON cell of what is left of a row's value: empty when nothing is.
pub(super) fn rest_cell(rest: &Value) -> Cell {
    match rest {
        Value::Object(m) if m.is_empty() => Cell::Empty,
        v => Cell::Text(v.to_string()),
    }
}

/// A JSON Pointer step: `~` and `/` escaped (RFC 6901).
pub(super) fn pointer_step(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn spreadsheet_numbers_are_read_as_meant() {
        assert_eq!(parse_number("0.30000000000000004"), Some(0.3));
        assert_eq!(parse_number(" 1,000 "), Some(1000.0));
        assert_eq!(parse_number("０.３"), Some(0.3));
        assert_eq!(parse_number("abc"), None);
        // A comma is a thousands separator or not part of a number: a decimal comma is refused
        // (it was read as 4 and 45, and the plan refused with the wrong reason).
        assert_eq!(parse_number("12,345.5"), Some(12345.5));
        assert_eq!(parse_number("-1,000,000"), Some(-1_000_000.0));
        assert_eq!(parse_number("0,4"), None);
        assert_eq!(parse_number("0,45"), None);
        assert_eq!(parse_number("1,00"), None);
        assert_eq!(parse_number("1,000.5,0"), None);
        assert_eq!(parse_number(",100"), None);
        assert_eq!(number_value(2026.0), json!(2026));
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn only_exact_values_go_in_columns() {
        assert!(to_cell(&json!(0.1), Kind::Num).is_some());
        assert!(to_cell(&json!(0.30000000000000004), Kind::Num).is_none());
        assert!(to_cell(&json!(6.0), Kind::Num).is_none());
        assert_eq!(
            to_cell(&json!(6.0), Kind::Any),
            Some(Cell::Text("6.0".into()))
        );
        assert_eq!(from_cell("6.0", Kind::Any), Ok(json!(6.0)));
        assert_eq!(from_cell("0.30000000000000004", Kind::Any), Ok(json!(0.3)));
        assert!(to_cell(&json!(" x"), Kind::Str).is_none());
        assert!(to_cell(&json!(""), Kind::Str).is_none());
        assert!(to_cell(&json!(["a", "b,c"]), Kind::List).is_none());
        assert!(to_cell(&json!([]), Kind::List).is_none());
        assert_eq!(
            to_cell(&json!("true"), Kind::Any),
            Some(Cell::Text("\"true\"".into()))
        );
    }

    #[test]
    fn taking_and_putting_back_give_the_value() {
        let orig = json!({"a": {"b": 1, "c": 2}, "k": [{"e": "x", "m": {"zh-CN": "y"}}]});
        let mut v = orig.clone();
        let mut rebuilt = Value::Null;
        for (path, kind) in [
            ("a.b", Kind::Num),
            ("k.0.e", Kind::Str),
            ("k.0.m.zh-CN", Kind::Str),
        ] {
            let cell = take(&mut v, &p(path), kind).unwrap();
            let val = from_cell(&cell.display(), kind).unwrap();
            assert!(put(&mut rebuilt, &p(path), val));
        }
        assert_eq!(v, json!({"a": {"c": 2}}));
        merge(&mut rebuilt, v);
        assert_eq!(rebuilt, orig);
    }
}
