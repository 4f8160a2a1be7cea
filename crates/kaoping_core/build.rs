//! Embeds the demo plan without the whitespace of its pretty-printed source (smaller WASM);
//! also its part for the forms (the plan without its `tracking` section, which the respondent's
//! build never reads: it would only weigh on that WASM's size budget) and the whole plan's
//! fingerprint, so that the forms part is fingerprinted as the plan it comes from.

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
    let mut forms = value;
    if let Some(map) = forms.as_object_mut() {
        map.remove("tracking");
    }
    let forms = serde_json::to_string(&forms).expect("a JSON value serialises");
    std::fs::write(dir.join("demo.forms.min.json"), forms).expect("OUT_DIR is writable");
}
