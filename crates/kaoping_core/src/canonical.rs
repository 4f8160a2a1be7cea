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
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
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

    #[test]
    fn sha256_of_abc_matches_fips_180_2() {
        // FIPS 180-2, Appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
