//! Reseals the response records of test fixtures after the demo plan changed (its SHA-256 is
//! in every record, and so in every record's checksum):
//!
//! ```sh
//! cargo run -p kaoping_core --example reseal -- OLD_PLAN_SHA256 FILE…
//! ```
//!
//! In each file (one JSON record, an array of records, or JSON Lines), every record with
//! `plan_sha256` = OLD gets the demo plan's fingerprint; its checksum is recomputed only when
//! it matched the record before (a record tampered with on purpose stays tampered). The text is
//! changed in place, string for string, so the layout of the file stays as it was.
//!
//! This is for kaoping's own test fixtures only. An office whose published plan changes does
//! not reseal anything: `kaoping plan amend old.json new.json` records the amendment in the
//! plan, and records of the earlier version are accepted where their instrument stayed
//! compatible (docs/plan.md, 修订).

use kaoping_core::plan::DEMO_PLAN_SHA256;
use kaoping_core::record::{record_checksum, verify_record, ResponseRecord};
use serde_json::Value;

fn records(text: &str) -> Vec<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        Ok(v) => vec![v],
        Err(_) => text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(old) = args.next() else {
        eprintln!("usage: reseal OLD_PLAN_SHA256 FILE…");
        std::process::exit(2);
    };
    for path in args {
        let mut text = std::fs::read_to_string(&path).expect("readable file");
        let (mut resealed, mut kept) = (0, 0);
        for v in records(&text) {
            let Ok(mut rec) = serde_json::from_value::<ResponseRecord>(v) else {
                continue;
            };
            if rec.plan_sha256 != old {
                continue;
            }
            let valid = verify_record(&rec);
            rec.plan_sha256 = DEMO_PLAN_SHA256.to_owned();
            if valid {
                let sum = record_checksum(&rec);
                text = text.replace(&rec.checksum, &sum);
                resealed += 1;
            } else {
                kept += 1;
            }
        }
        text = text.replace(&old, DEMO_PLAN_SHA256);
        std::fs::write(&path, text).expect("writable file");
        println!("{path}: {resealed} resealed, {kept} left with their (wrong) checksum");
    }
}
