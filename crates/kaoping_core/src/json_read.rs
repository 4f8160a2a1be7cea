//! Typed values read from a JSON value by hand, with serde_json's error texts.
//!
//! The respondent's WASM reads its plan (`plan::form_read`), the answers and the submission
//! with these few non-generic functions instead of serde's derived `Deserialize`: serde's
//! value deserializer is instantiated per type, and its error texts link `core::fmt`'s float
//! printer and `str`'s `Debug` with its Unicode tables (docs/size.md). What they accept and
//! the errors they give are serde's for the same types: a struct may be an object or an array
//! of its fields in order, unknown keys are skipped, and an object's keys are read in the
//! map's order, so the first bad one is the one serde names. One difference is written down
//! in [`debug_str`].

use crate::text::Text;
use serde::de::Error as _;
use serde_json::{Error, Value};
use std::collections::BTreeMap;

pub(crate) type R<T> = Result<T, Error>;

/// The fields of a struct in the order serde's derived visitor reads them: an object's
/// present keys in the map's order, or an array's elements in the fields' order.
pub(crate) struct Fields<'a> {
    name: &'static str,
    names: &'static [&'static str],
    /// The value of each field, where given.
    pub(crate) given: Vec<Option<&'a Value>>,
    /// Field indices in reading order.
    order: Vec<usize>,
    /// The array's length when the struct is written as one.
    array: Option<usize>,
}

impl<'a> Fields<'a> {
    pub(crate) fn of(
        v: &'a Value,
        name: &'static str,
        names: &'static [&'static str],
    ) -> R<Fields<'a>> {
        let mut given = vec![None; names.len()];
        let mut order = Vec::new();
        let mut array = None;
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(i) = names.iter().position(|n| n == k) {
                        given[i] = Some(v);
                        order.push(i);
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().take(names.len()).enumerate() {
                    given[i] = Some(v);
                    order.push(i);
                }
                array = Some(items.len());
            }
            other => return Err(type_error(other, &format!("struct {name}"))),
        }
        Ok(Fields {
            name,
            names,
            given,
            order,
            array,
        })
    }

    pub(crate) fn present(&self) -> impl Iterator<Item = (usize, &'a Value)> + '_ {
        self.order.iter().filter_map(|&i| Some((i, self.given[i]?)))
    }

    /// A field without a default: missing from an object, or past the end of an array.
    pub(crate) fn need<T>(&self, v: Option<T>, i: usize) -> R<T> {
        v.ok_or_else(|| self.missing(i))
    }

    #[inline(never)]
    pub(crate) fn missing(&self, i: usize) -> Error {
        match self.array {
            None => Error::missing_field(self.names[i]),
            Some(_) => Error::invalid_length(
                i,
                &format!("struct {} with {} elements", self.name, self.names.len()).as_str(),
            ),
        }
    }

    /// An array longer than the struct's fields is refused once they are read.
    pub(crate) fn end<T>(&self, t: T) -> R<T> {
        match self.array {
            Some(len) if len > self.names.len() => {
                Err(Error::invalid_length(len, &"fewer elements in array"))
            }
            _ => Ok(t),
        }
    }
}

/// serde_json's "invalid type: {what the value is}, expected {exp}".
#[inline(never)]
pub(crate) fn type_error(v: &Value, exp: &str) -> Error {
    Error::custom(format!("invalid type: {}, expected {exp}", unexpected(v)))
}

/// serde_json's "invalid value: {what}, expected {exp}".
#[inline(never)]
pub(crate) fn value_error(what: &str, exp: &str) -> Error {
    Error::custom(format!("invalid value: {what}, expected {exp}"))
}

/// What serde_json's value deserializer says a value is, as its errors print it
/// (`JsonUnexpected` over serde's `Unexpected`).
pub(crate) fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {}", debug_str(s)),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// `s` as `format!("{s:?}")` writes it: in double quotes, with `\t`, `\r`, `\n`, `\\`, `\"`,
/// `\0` and other control characters (`\u{1b}`) escaped, and the invisible characters listed
/// below as `\u{…}`.
///
/// The one difference from Rust's `Debug`: `Debug` escapes every character its Unicode
/// tables call unprintable or grapheme-extending (unassigned code points, private use,
/// combining marks); those tables are 10 KB of the respondent's WASM. Here the C1 controls,
/// the soft hyphen, the zero-width and direction marks, the line and paragraph separators and
/// the byte order mark are escaped, and any other character is written as itself.
/// `tests::debug_str_is_debug_s_on_these_characters` compares the two.
pub(crate) fn debug_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\0' => out.push_str("\\0"),
            c if invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters `Debug` escapes that `debug_str` knows: controls and common invisible ones.
fn invisible(c: char) -> bool {
    matches!(c as u32,
        0..=0x1f | 0x7f..=0xa0 | 0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064
        | 0xfeff)
}

pub(crate) fn string(v: &Value) -> R<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(type_error(other, "a string")),
    }
}

pub(crate) fn boolean(v: &Value) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(type_error(other, "a boolean")),
    }
}

pub(crate) fn float(v: &Value) -> R<f64> {
    match v {
        Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        other => Err(type_error(other, "f64")),
    }
}

pub(crate) fn uint(v: &Value) -> R<u32> {
    let Value::Number(n) = v else {
        return Err(type_error(v, "u32"));
    };
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => u32::try_from(u).map_err(|_| value_error(&format!("integer `{u}`"), "u32")),
        (None, Some(i)) => Err(value_error(&format!("integer `{i}`"), "u32")),
        _ => Err(type_error(v, "u32")),
    }
}

/// `Option<T>`: null is none.
pub(crate) fn opt<T>(v: &Value, read: fn(&Value) -> R<T>) -> R<Option<T>> {
    if v.is_null() {
        Ok(None)
    } else {
        read(v).map(Some)
    }
}

pub(crate) fn seq<T>(v: &Value, read: fn(&Value) -> R<T>) -> R<Vec<T>> {
    match v {
        Value::Array(items) => items.iter().map(read).collect(),
        other => Err(type_error(other, "a sequence")),
    }
}

/// A map from text to what `read` reads (`BTreeMap<String, T>`).
pub(crate) fn map<T>(v: &Value, read: fn(&Value) -> R<T>) -> R<BTreeMap<String, T>> {
    match v {
        Value::Object(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                out.insert(k.clone(), read(v)?);
            }
            Ok(out)
        }
        other => Err(type_error(other, "a map")),
    }
}

/// A JSON value read as a JSON value: itself.
pub(crate) fn any(v: &Value) -> R<Value> {
    Ok(v.clone())
}

pub(crate) fn text(v: &Value) -> R<Text> {
    match v {
        Value::Object(map) => {
            let mut t = Text::default();
            for (k, v) in map {
                t.0.insert(k.clone(), string(v)?);
            }
            Ok(t)
        }
        other => Err(type_error(other, "a map")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// What serde_json's own value deserializer says, for comparison.
    fn serde_says<T: serde::de::DeserializeOwned>(v: &Value) -> String {
        T::deserialize(v)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn type_errors_are_serde_json_s_word_for_word() {
        let values = [
            serde_json::json!(null),
            serde_json::json!(true),
            serde_json::json!(3),
            serde_json::json!(-1),
            serde_json::json!(2.5),
            serde_json::json!(1.0),
            serde_json::json!(1e20),
            serde_json::json!(-0.000001),
            serde_json::json!("x"),
            serde_json::json!("tab\there \"quoted\" \\ 中文 \u{1b} \u{200b}"),
            serde_json::json!([]),
            serde_json::json!({}),
        ];
        for v in &values {
            if !v.is_string() {
                assert_eq!(string(v).unwrap_err().to_string(), serde_says::<String>(v));
            }
            if !v.is_boolean() {
                assert_eq!(boolean(v).unwrap_err().to_string(), serde_says::<bool>(v));
            }
            if !v.is_number() {
                assert_eq!(float(v).unwrap_err().to_string(), serde_says::<f64>(v));
            }
            assert_eq!(
                uint(v).err().map(|e| e.to_string()).unwrap_or_default(),
                serde_says::<u32>(v),
                "{v}"
            );
            if !v.is_array() {
                assert_eq!(
                    seq(v, string).unwrap_err().to_string(),
                    serde_says::<Vec<String>>(v)
                );
            }
            if !v.is_object() {
                assert_eq!(
                    map(v, any).unwrap_err().to_string(),
                    serde_says::<BTreeMap<String, Value>>(v)
                );
            }
        }
        assert_eq!(
            uint(&serde_json::json!(4294967296u64))
                .unwrap_err()
                .to_string(),
            serde_says::<u32>(&serde_json::json!(4294967296u64))
        );
    }

    #[test]
    fn a_struct_s_errors_are_serde_s() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Pair {
            a: String,
            b: Option<u32>,
        }
        fn pair(v: &Value) -> R<(String, Option<u32>)> {
            let s = Fields::of(v, "Pair", &["a", "b"])?;
            let (mut a, mut b) = (None, None);
            for (i, v) in s.present() {
                match i {
                    0 => a = Some(string(v)?),
                    _ => b = opt(v, uint)?,
                }
            }
            let a = s.need(a, 0)?;
            s.end((a, b))
        }
        for v in [
            serde_json::json!({"b": 1}),
            serde_json::json!({"a": 1}),
            serde_json::json!({"a": "x", "b": -1}),
            serde_json::json!([]),
            serde_json::json!(["x", 1, 2]),
            serde_json::json!("pair"),
        ] {
            assert_eq!(
                pair(&v).unwrap_err().to_string(),
                serde_says::<Pair>(&v),
                "{v}"
            );
        }
        assert_eq!(
            pair(&serde_json::json!(["x", null])).unwrap(),
            ("x".into(), None)
        );
    }

    /// `debug_str` is `Debug` on ASCII, CJK, emoji and the invisible characters it lists; it
    /// differs (writes the character itself) on those only Unicode's tables name, such as a
    /// combining accent or a private-use character.
    #[test]
    fn debug_str_is_debug_s_on_these_characters() {
        let mut chars: Vec<char> = (0u32..0x250).filter_map(char::from_u32).collect();
        chars.retain(|c| !(0x300..0x370).contains(&(*c as u32)));
        chars.extend(
            "中文考评满意度，。、“”（）😀\u{2028}\u{2029}\u{200b}\u{200d}\u{202e}\u{2060}\u{feff}"
                .chars(),
        );
        for c in chars {
            let s = format!("a{c}b");
            assert_eq!(debug_str(&s), format!("{s:?}"), "U+{:04X}", c as u32);
        }
        assert_ne!(
            debug_str("e\u{301}"),
            format!("{:?}", "e\u{301}"),
            "the one difference"
        );
        assert_eq!(debug_str("e\u{301}"), "\"e\u{301}\"");
    }
}
