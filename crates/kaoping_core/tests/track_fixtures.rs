//! Tracking as data: each folder of `tests/fixtures/track/` holds `tracking.json` (the plan's
//! tracking section, put into the demo plan in place of its own), input files named by kind
//! (`periods*`, `projects*`, `events*`; CSV or JSON; read in name order), optionally `through`
//! (the period analysed), and `expected.json`: the whole report. `UPDATE_FIXTURES=1` rewrites
//! it (read the diff first).
//!
//! Every case is also run with its files in reverse order, split over two trackers merged the
//! other way round: the report must be the same (the tracker is mergeable).

use kaoping_core::plan::{Plan, DEMO_PLAN_JSON};
use kaoping_core::track::{InputKind, TrackReport, Tracker};
use kaoping_core::validate::validate_plan;
use std::path::{Path, PathBuf};

mod common;

fn plan_with(tracking: &Path) -> Plan {
    let mut plan: serde_json::Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tracking).unwrap()).unwrap();
    plan["tracking"] = t;
    let report = validate_plan(&plan.to_string());
    assert!(report.ok, "{}: {:?}", tracking.display(), report.problems);
    report.plan.unwrap()
}

fn inputs(case: &Path) -> Vec<(InputKind, String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            let kind = if name.starts_with("periods") {
                InputKind::Periods
            } else if name.starts_with("projects") {
                InputKind::Projects
            } else if name.starts_with("events") {
                InputKind::Events
            } else {
                return None;
            };
            Some((kind, name, std::fs::read_to_string(&f).unwrap()))
        })
        .collect()
}

fn run(plan: &Plan, files: &[(InputKind, String, String)], through: Option<&str>) -> TrackReport {
    let mut t = Tracker::new(plan).unwrap();
    for (kind, name, text) in files {
        t.add_file(*kind, name, text);
    }
    t.finish(through).unwrap()
}

#[test]
fn track_fixtures() {
    let cases = common::cases("track");
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let plan = plan_with(&case.join("tracking.json"));
        let files = inputs(&case);
        let through = std::fs::read_to_string(case.join("through"))
            .ok()
            .map(|t| t.trim().to_owned());
        let report = run(&plan, &files, through.as_deref());
        assert_eq!(
            report.read,
            report.accepted + report.rejected.len(),
            "{}: counts reconcile",
            case.display()
        );
        // any order, any split, merged either way: the same report
        let mut rev = files.clone();
        rev.reverse();
        let (a, b) = rev.split_at(rev.len() / 2);
        let mut ta = Tracker::new(&plan).unwrap();
        for (k, n, t) in a {
            ta.add_file(*k, n, t);
        }
        let mut tb = Tracker::new(&plan).unwrap();
        for (k, n, t) in b {
            tb.add_file(*k, n, t);
        }
        tb.merge(ta);
        assert_eq!(
            tb.finish(through.as_deref()).unwrap(),
            report,
            "{}: order and split change the report",
            case.display()
        );
        let got = serde_json::to_string_pretty(&report).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &got) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The demo files: every row accepted, the one missing month reported, and the warnings the
/// demo is made to show (see `track/demo.rs`).
#[test]
fn the_demo_periods_give_the_intended_warnings() {
    let plan = kaoping_core::plan::demo_plan();
    let d = kaoping_core::track::demo_periods(42, Some("2026-09")).unwrap();
    let mut t = Tracker::new(&plan).unwrap();
    t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
    t.add_file(InputKind::Projects, "projects.json", &d.projects_json);
    t.add_file(
        InputKind::Projects,
        "site-checks.jsonl",
        &d.site_checks_jsonl,
    );
    t.add_file(InputKind::Events, "events.json", &d.events_json);
    let r = t.finish(None).unwrap();
    assert_eq!(r.rejected, vec![]);
    assert_eq!(r.through.to_string(), "2026-09");
    let missing: Vec<(String, String, String)> = r
        .series
        .iter()
        .flat_map(|s| {
            s.missing
                .iter()
                .map(|p| (s.unit.clone(), s.indicator.clone(), p.to_string()))
        })
        .collect();
    assert_eq!(
        missing,
        vec![("dongxihu".into(), "manufacturing".into(), "2026-04".into())]
    );
    let fired: Vec<(String, String)> = r
        .warnings
        .iter()
        .map(|w| (w.unit.clone(), w.rule.clone()))
        .collect();
    let want: Vec<(String, String)> = [
        ("qiaokou", "behind_5"),
        ("qiaokou", "behind_10"),
        ("qiaokou", "behind_3_months"),
        ("qiaokou", "milestone_late"),
        ("qiaokou", "site_check_low"),
        ("caidian", "veto"),
        ("jiangxia", "behind_5"),
        ("jiangxia", "constraint"),
        ("huangpi", "behind_5"),
        ("huangpi", "behind_10"),
        ("huangpi", "behind_3_months"),
        ("transport", "behind_5"),
        ("transport", "behind_3_months"),
    ]
    .iter()
    .map(|(u, r)| (u.to_string(), r.to_string()))
    .collect();
    assert_eq!(fired, want);
    assert_eq!(r.vetoed, vec!["caidian".to_string()]);
    // the whole year, under another seed: the laggards are still the same
    let d = kaoping_core::track::demo_periods(7, None).unwrap();
    let mut t = Tracker::new(&plan).unwrap();
    t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
    t.add_file(InputKind::Projects, "projects.json", &d.projects_json);
    t.add_file(
        InputKind::Projects,
        "site-checks.jsonl",
        &d.site_checks_jsonl,
    );
    t.add_file(InputKind::Events, "events.json", &d.events_json);
    let r = t.finish(None).unwrap();
    assert_eq!(r.through.to_string(), "2026-12");
    let behind10: Vec<&str> = r
        .warnings
        .iter()
        .filter(|w| w.rule == "behind_10")
        .map(|w| w.unit.as_str())
        .collect();
    assert_eq!(behind10, vec!["qiaokou", "huangpi"]);
}

/// The fingerprint of the demo's tracking report through September, which the WASM tests
/// compare with the report computed inside WASM (`UPDATE_FIXTURES=1` rewrites it).
#[test]
fn the_demo_tracking_fingerprint_matches_fixture() {
    let plan = kaoping_core::plan::demo_plan();
    let d = kaoping_core::track::demo_periods(42, Some("2026-09")).unwrap();
    let mut t = Tracker::new(&plan).unwrap();
    t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
    t.add_file(InputKind::Projects, "projects.json", &d.projects_json);
    t.add_file(
        InputKind::Projects,
        "site-checks.jsonl",
        &d.site_checks_jsonl,
    );
    t.add_file(InputKind::Events, "events.json", &d.events_json);
    let report = t.finish(None).unwrap();
    let got = kaoping_core::canonical::fingerprint(&report) + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/determinism/demo_track_42_2026-09.sha256");
    common::check(&path, &got).unwrap();
}
