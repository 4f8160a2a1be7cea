//! Canonical JSON and SHA-256: the fingerprints that make results auditable.
//!
//! Canonical form: object keys sorted by their UTF-16 code units (as RFC 8785), no
//! insignificant whitespace, numbers as serde_json writes them (shortest round-trip form),
//! strings with serde_json's escaping. The same value always gives the same bytes.
//!
//! A plan's fingerprint is taken of the plan *as written*: the canonical JSON of its text
//! parsed as a JSON value ([`fingerprint_value`]), not of the typed plan written back out. Key
//! order, whitespace and the spelling of numbers (`1`, `1.0`, `1e0`) do not change it; an
//! omitted default, an extra key or a changed value does. Records and results are fingerprinted
//! from their typed form ([`fingerprint`]).

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of any serialisable value.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising our own types to a Value cannot fail (no non-string map keys).
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    canonical_value(&value)
}

/// The canonical JSON text of a JSON value.
pub fn canonical_value(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let entries = utf16_order(map);
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// An object's entries in the UTF-16 order of their keys.
///
/// serde_json's map is a `BTreeMap` in the engine's builds, which iterates in code point
/// order: the UTF-16 order except between a character above U+FFFF and one in U+E000–U+FFFF.
/// (With serde_json's `preserve_order`, which another crate of a build may switch on, it
/// iterates in insertion order.) So the entries are checked in one pass and sorted only when
/// out of order. The sort is a merge sort written here rather than `sort_by`, whose stable
/// sort was a code family of its own in the respondent's WASM (docs/size.md).
fn utf16_order(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if !entries.windows(2).all(|w| utf16_le(w[0].0, w[1].0)) {
        merge_sort(&mut entries);
    }
    entries
}

fn utf16_le(a: &str, b: &str) -> bool {
    a.encode_utf16().le(b.encode_utf16())
}

/// A stable top-down merge sort of entries by their keys' UTF-16 code units.
fn merge_sort<'a>(v: &mut Vec<(&'a String, &'a Value)>) {
    if v.len() < 2 {
        return;
    }
    let right = v.split_off(v.len() / 2);
    let mut left = std::mem::take(v);
    let mut right = right;
    merge_sort(&mut left);
    merge_sort(&mut right);
    let mut r = right.into_iter().peekable();
    for l in left {
        while let Some(x) = r.next_if(|x| !utf16_le(l.0, x.0)) {
            v.push(x);
        }
        v.push(l);
    }
    v.extend(r);
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes (a digest).
pub fn hex(digest: &[u8]) -> String {
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// SHA-256 of the canonical JSON of a value.
pub fn fingerprint<T: Serialize + ?Sized>(value: &T) -> String {
    sha256_hex(to_canonical_string(value).as_bytes())
}

/// SHA-256 of the canonical JSON of a JSON value: a plan's fingerprint is this, of the plan's
/// text parsed as a [`Value`].
pub fn fingerprint_value(value: &Value) -> String {
    sha256_hex(canonical_value(value).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_and_whitespace_dropped() {
        let v: Value =
            serde_json::from_str(r#"{ "b": [1, 2.5, "x"], "a": {"d": null, "c": true} }"#).unwrap();
        assert_eq!(
            to_canonical_string(&v),
            r#"{"a":{"c":true,"d":null},"b":[1,2.5,"x"]}"#
        );
    }

    #[test]
    fn a_value_fingerprint_ignores_key_order_whitespace_and_number_spelling() {
        let a: Value = serde_json::from_str(r#"{"x": 1, "y": [2.5, "z"]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"y":[2.50,"z"],"x":1}"#).unwrap();
        assert_eq!(fingerprint_value(&a), fingerprint_value(&b));
        assert_eq!(fingerprint_value(&a), fingerprint(&a));
        let c: Value = serde_json::from_str(r#"{"x": 2, "y": [2.5, "z"]}"#).unwrap();
        assert_ne!(fingerprint_value(&a), fingerprint_value(&c));
    }

    /// RFC 8785, 3.2.3: keys sort by UTF-16 code units, so a character above U+FFFF (a
    /// surrogate pair, 0xD83D…) comes before U+E000–U+FFFF, unlike code point (UTF-8) order.
    #[test]
    fn keys_sort_by_utf16_code_units_as_rfc_8785() {
        let v = serde_json::json!({"\u{E000}": 1, "\u{1F600}": 2, "a": 3, "\u{FFFF}": 4});
        assert_eq!(
            to_canonical_string(&v),
            "{\"a\":3,\"\u{1F600}\":2,\"\u{E000}\":1,\"\u{FFFF}\":4}"
        );
    }

    /// The one-pass check and merge sort give what a stable sort by UTF-16 code units gives,
    /// on random maps whose keys mix ASCII, U+E000–U+FFFF and characters above U+FFFF.
    #[test]
    fn utf16_order_equals_a_sort_by_code_units() {
        let alphabet = [
            'a',
            'b',
            'é',
            '中',
            '\u{E000}',
            '\u{FFFD}',
            '\u{10000}',
            '\u{1F600}',
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let mut map = serde_json::Map::new();
            for _ in 0..next() % 40 {
                let key: String = (0..1 + next() % 4)
                    .map(|_| alphabet[(next() % 8) as usize])
                    .collect();
                map.insert(key, Value::Null);
            }
            let mut expected: Vec<(&String, &Value)> = map.iter().collect();
            expected.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            assert_eq!(utf16_order(&map), expected);
            let mut reversed: Vec<(&String, &Value)> = map.iter().rev().collect();
            merge_sort(&mut reversed);
            assert_eq!(reversed, expected);
        }
    }

    #[test]
    fn sha256_of_abc_matches_fips_180_2() {
        // FIPS 180-2, Appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
