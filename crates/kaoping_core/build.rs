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
    // serde_json with `preserve_order` (a build-dependency feature only: the engine's own
    // serde_json is unchanged), so the compact text keeps the keys in their written order.
    let mut value: serde_json::Value =
        serde_json::from_str(&text).expect("plans/demo.json is JSON");
    let compact = serde_json::to_string(&value).expect("a JSON value serializes");
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    let dir = Path::new(&dir);
    std::fs::write(dir.join("demo.min.json"), &compact).expect("OUT_DIR is writable");
    std::fs::write(
        dir.join("demo.sha256"),
        canonical::fingerprint_value(&value),
    )
    .expect("OUT_DIR is writable");
    // The forms part: the plan without its top-level "scoring" and "tracking" members.
    let map = value
        .as_object_mut()
        .expect("plans/demo.json is a JSON object");
    map.shift_remove("scoring");
    map.shift_remove("tracking");
    let forms = serde_json::to_string(&value).expect("a JSON value serializes");
    std::fs::write(dir.join("demo.forms.min.json"), forms).expect("OUT_DIR is writable");
}
