//! Embeds the demo plan without the whitespace of its pretty-printed source (smaller WASM);
//! also its part for the forms (the plan without its `scoring` and `tracking` sections, which
//! the respondent's build never reads: they would only weigh on that WASM's size budget) and the
//! whole plan's fingerprint, so that the forms part is fingerprinted as the plan it comes from.

use std::path::Path;

// The same canonical JSON and SHA-256 as the engine's.
#[allow(dead_code)]
#[path = "src/canonical.rs"]
mod canonical;

fn main() {
    let src = Path::new("plans/demo.json");
    println!("cargo:rerun-if-changed={}", src.display());
    let text = std::fs::read_to_string(src).expect("plans/demo.json is readable");
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    let dir = Path::new(&dir);
    std::fs::write(dir.join("demo.min.json"), &out).expect("OUT_DIR is writable");

    let value: serde_json::Value = serde_json::from_str(&text).expect("plans/demo.json is JSON");
    std::fs::write(
        dir.join("demo.sha256"),
        canonical::fingerprint_value(&value),
    )
    .expect("OUT_DIR is writable");
    // The forms part: the compact text with the top-level "scoring" and "tracking" members cut
    // out, keys in their written order.
    let forms = without_member(&without_member(&out, "tracking"), "scoring");
    let mut check = value;
    if let Some(map) = check.as_object_mut() {
        map.remove("scoring");
        map.remove("tracking");
    }
    let parsed: serde_json::Value = serde_json::from_str(&forms).expect("the forms part is JSON");
    assert_eq!(
        parsed, check,
        "the forms part is the plan without scoring and tracking"
    );
    std::fs::write(dir.join("demo.forms.min.json"), forms).expect("OUT_DIR is writable");
}

/// `compact` (JSON without insignificant whitespace) without the top-level object member
/// `key` (and its separating comma).
fn without_member(compact: &str, key: &str) -> String {
    let needle = format!("\"{key}\":");
    let bytes = compact.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            if depth == 1 && compact[i..].starts_with(&needle) {
                // the member runs to the next ',' or '}' at depth 1
                let (mut d, mut s, mut e) = (0usize, false, false);
                let mut j = i + needle.len();
                while j < bytes.len() {
                    let c = bytes[j];
                    if s {
                        if e {
                            e = false;
                        } else if c == b'\\' {
                            e = true;
                        } else if c == b'"' {
                            s = false;
                        }
                    } else if c == b'"' {
                        s = true;
                    } else if c == b'{' || c == b'[' {
                        d += 1;
                    } else if c == b'}' || c == b']' {
                        if d == 0 {
                            break;
                        }
                        d -= 1;
                    } else if c == b',' && d == 0 {
                        break;
                    }
                    j += 1;
                }
                // drop the comma before the member, or the one after it when it comes first
                return if compact[..i].ends_with(',') {
                    format!("{}{}", &compact[..i - 1], &compact[j..])
                } else if compact[j..].starts_with(',') {
                    format!("{}{}", &compact[..i], &compact[j + 1..])
                } else {
                    format!("{}{}", &compact[..i], &compact[j..])
                };
            }
            in_string = true;
        } else if c == b'{' || c == b'[' {
            depth += 1;
        } else if c == b'}' || c == b']' {
            depth -= 1;
        }
        i += 1;
    }
    compact.to_owned()
}
