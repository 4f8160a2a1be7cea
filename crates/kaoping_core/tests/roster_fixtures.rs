//! Rosters: each folder of `tests/fixtures/roster/` holds one roster file (`roster.csv`, or a
//! workbook such as `名单.xlsx`), optionally `options.json` (`RosterOptions`), and
//! `expected.json`: the entries and problems read against the demo plan, or the error in both
//! languages. `UPDATE_FIXTURES=1` rewrites it (read the diff first).

use kaoping_core::roster::{read_roster, RosterOptions};
use kaoping_core::text::Bilingual;
use serde_json::json;

mod common;

const NOT_INPUT: [&str; 3] = ["expected.json", "options.json", "README.md"];

#[test]
fn roster_fixtures() {
    let plan = kaoping_core::plan::demo_plan();
    let cases = common::cases("roster");
    assert!(cases.len() >= 8);
    let mut failures = Vec::new();
    for case in cases {
        let (name, bytes) = common::one_input(&case, &NOT_INPUT);
        let options: RosterOptions = std::fs::read_to_string(case.join("options.json"))
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap_or_default();
        let got = match read_roster(&plan, &name, &bytes, &options) {
            Ok(read) => json!(read),
            Err(e) => json!({ "error": e.text() }),
        };
        let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
