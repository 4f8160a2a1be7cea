//! Cadre rosters: each folder of `tests/fixtures/cadres/` holds one cadre roster file
//! (`cadres.csv`, or a workbook) and `expected.json`: the people and problems read against the
//! demo plan, or the error in both languages. `UPDATE_FIXTURES=1` rewrites it (read the diff
//! first). Also: the example roster for the demo's units in `docs/examples/` reads clean.

use kaoping_core::roster::read_cadre_roster;
use kaoping_core::text::Bilingual;
use serde_json::json;

mod common;

const NOT_INPUT: [&str; 2] = ["expected.json", "README.md"];

#[test]
fn cadre_roster_fixtures() {
    let plan = kaoping_core::plan::demo_plan();
    let cases = common::cases("cadres");
    assert!(cases.len() >= 5);
    let mut failures = Vec::new();
    for case in cases {
        let (name, bytes) = common::one_input(&case, &NOT_INPUT);
        let got = match read_cadre_roster(&plan, &name, &bytes) {
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

/// The example roster the demo can be run with: every unit's four roles, nothing wrong.
#[test]
fn the_demo_example_roster_reads_clean() {
    let plan = kaoping_core::plan::demo_plan();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/cadres-demo.csv"
    );
    let bytes = std::fs::read(path).unwrap();
    let read = read_cadre_roster(&plan, "cadres-demo.csv", &bytes).unwrap();
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.roster.people.len(), plan.units.len() * 4);
    for u in &plan.units {
        for role in ["secretary", "head", "deputy_1", "deputy_2"] {
            assert!(read.roster.get(&u.id, role).is_some(), "{} {role}", u.id);
        }
    }
}
