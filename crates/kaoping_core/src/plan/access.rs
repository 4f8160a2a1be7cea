//! What every build reads of the plan's `trust` section (the respondent's page too): which
//! instruments take a one-time code, and how a typed code is normalised. The section itself,
//! its keys and access rules, is read by [`crate::trust::TrustRules`].

use serde_json::Value;

/// Crockford's base32 alphabet (no I, L, O, U): the one-time codes' characters.
pub(crate) const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A typed one-time code normalised: uppercase, `-` and spaces dropped, O read as 0 and I, L
/// as 1; `None` unless that is 12 characters of Crockford's alphabet. In every build: the
/// respondent's page puts the normalised code on the record.
pub fn normalize_code(text: &str) -> Option<String> {
    let code: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == 12 && code.bytes().all(|b| CROCKFORD.contains(&b))).then_some(code)
}

/// The instruments of the plan's `trust` section (as written) that take one-time codes, read
/// without the rest of the section (the respondent's page asks for a code for these).
pub fn coded_instruments(trust: &Value) -> Vec<String> {
    trust
        .get("instruments")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter(|(_, a)| a.as_str() == Some("code"))
                .map(|(id, _)| id.clone())
                .collect()
        })
        .unwrap_or_default()
}
