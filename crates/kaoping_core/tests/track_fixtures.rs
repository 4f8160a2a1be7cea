//! Tracking as data: each folder of `tests/fixtures/track/` holds `tracking.json` (the plan's
//! tracking section, put into the demo plan in place of its own), input files named by kind
//! (`periods*`, `projects*`, `events*`; CSV or JSON; read in name order), optionally `through`
//! (the period analysed), and `expected.json`: the whole report. `UPDATE_FIXTURES=1` rewrites
//! it (read the diff first).
//!
//! Every case is also run with its files in reverse order, split over two trackers merged the
//! other way round: the report must be the same (the tracker is mergeable).
//!
//! Site-check records in `projects*.jsonl` / `projects*.json` are sealed for the case's plan.
//! With `UPDATE_FIXTURES=1` they are (re)sealed first: a record of the plan's id whose
//! checksum is empty or matches gets the case plan's fingerprint and a fresh checksum; one
//! whose checksum does not match (tampered on purpose) gets the fingerprint only and stays
//! tampered; records of another plan id are left alone.

use kaoping_core::plan::{Plan, DEMO_PLAN_JSON};
use kaoping_core::record::{record_checksum, verify_record, ResponseRecord};
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

/// `UPDATE_FIXTURES=1`: seals the site-check records of a case for its plan (see above).
fn reseal(case: &Path, plan: &Plan) {
    if std::env::var_os("UPDATE_FIXTURES").is_none() {
        return;
    }
    let seal = |v: &serde_json::Value| -> Option<String> {
        let mut rec: ResponseRecord = serde_json::from_value(v.clone()).ok()?;
        if rec.plan_id != plan.id {
            return None;
        }
        let fresh = rec.checksum.is_empty() || verify_record(&rec);
        rec.plan_sha256 = plan.sha256.clone();
        if fresh {
            rec.checksum = record_checksum(&rec);
        }
        serde_json::to_string(&rec).ok()
    };
    for e in std::fs::read_dir(case).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("projects") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let out = if name.ends_with(".jsonl") {
            text.lines()
                .map(|l| {
                    serde_json::from_str(l)
                        .ok()
                        .and_then(|v| seal(&v))
                        .unwrap_or_else(|| l.to_owned())
                        + "\n"
                })
                .collect::<String>()
        } else if name.ends_with(".json") {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Array(items)) if items.iter().any(|v| seal(v).is_some()) => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|v| seal(v).unwrap_or_else(|| v.to_string()))
                        .collect();
                    format!("[\n{}\n]\n", items.join(",\n"))
                }
                _ => continue,
            }
        } else {
            continue;
        };
        std::fs::write(&path, out).unwrap();
    }
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
        reseal(&case, &plan);
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

/// The review page's path for a site-check sheet (layout, checks, sealed record) gives a record
/// that tracking reads back as one rating per project: the criterion scores mapped onto 0–100
/// and averaged, "unable to judge" left out, the rater group and id kept; the same record
/// changed after sealing is rejected.
#[test]
fn a_site_check_sheet_submitted_on_the_review_page_round_trips_into_tracking() {
    use kaoping_core::review::{ReviewAnswers, ReviewSubmission, SheetKind};
    use kaoping_core::track::sheet::{build_review_record, evaluate_review, sheet};
    use serde_json::json;
    let plan = kaoping_core::plan::demo_plan();
    let layout = sheet(&plan, "site_check").unwrap();
    assert_eq!(layout.kind, SheetKind::SiteCheck);
    assert_eq!(layout.indicators.len(), 4);
    assert_eq!(layout.cells, 6 * 4);
    assert_eq!(layout.quarters[1], "2026-Q2");
    let groups: Vec<&str> = layout.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(groups, ["expert", "beneficiary", "builder"]);
    // the projects come grouped by their unit, in plan order
    assert_eq!(layout.categories[0].id, "jianghan");
    assert_eq!(layout.categories[0].units[0].id, "old_area");

    let others: Vec<String> = layout
        .categories
        .iter()
        .flat_map(|c| c.units.iter())
        .map(|u| u.id.clone())
        .filter(|id| id != "garden_expo")
        .collect();
    let mut answers = ReviewAnswers {
        reviewer: " B-07 ".into(),
        group: Some("beneficiary".into()),
        quarter: None,
        recused: others,
        scores: serde_json::from_value(json!({
            "garden_expo": {"progress": 2, "quality": 3, "safety": "unable", "benefit": 4}
        }))
        .unwrap(),
        comments: Default::default(),
    };
    let state = evaluate_review(&plan, "site_check", &answers, "en").unwrap();
    let codes: Vec<&str> = state.issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["quarter_required", "comment_required"]);
    answers.quarter = Some("2026-Q2".into());
    answers
        .comments
        .insert("garden_expo/progress".into(), "进度滞后".into());
    let sub = ReviewSubmission {
        instrument: "site_check".into(),
        started_ms: 1_782_000_000_000.0,
        submitted_ms: 1_782_000_300_000.0,
        lang: "zh-CN".into(),
        answers,
        earlier_submissions: 0,
    };
    let rec = build_review_record(&plan, &plan.sha256, &sub).unwrap();
    assert_eq!(rec.instrument, "site_check");
    assert_eq!(rec.respondent_id, "B-07");
    assert_eq!(rec.answers["quarter"], json!("2026-Q2"));
    let text = serde_json::to_string(&rec).unwrap();

    let mut t = Tracker::new(&plan).unwrap();
    t.add_file(InputKind::Projects, "B-07.json", &text);
    let tampered = text.replace("\"quality\":3", "\"quality\":5");
    assert_ne!(tampered, text);
    t.add_file(InputKind::Projects, "B-07-changed.json", &tampered);
    let r = t.finish(Some("2026-09")).unwrap();
    assert_eq!((r.read, r.accepted), (2, 1));
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].file, "B-07-changed.json");
    assert_eq!(r.rejected[0].code, "checksum_mismatch");
    let expo = r
        .projects
        .iter()
        .find(|p| p.project == "garden_expo")
        .unwrap();
    assert_eq!(expo.ratings.len(), 1);
    let rating = &expo.ratings[0];
    // (2, 3, 4) on 1–5 → 25, 50, 75 → 50
    assert_eq!(rating.quarter.to_string(), "2026-Q2");
    assert_eq!(rating.rater, kaoping_core::track::RaterGroup::Beneficiary);
    assert_eq!((rating.n, rating.mean), (1, 50.0));
    assert!(r
        .warnings
        .iter()
        .any(|w| w.rule == "site_check_low" && w.project.as_deref() == Some("garden_expo")));
    assert!(r
        .projects
        .iter()
        .filter(|p| p.project != "garden_expo")
        .all(|p| p.ratings.is_empty()));
}

/// A project file in GB18030 (Excel on Chinese Windows) is read through the shared decoder;
/// a CSV row with bytes that are not text is rejected, not misread.
#[test]
fn project_files_in_gb18030_are_decoded_and_broken_bytes_rejected() {
    let plan = kaoping_core::plan::demo_plan();
    let csv = "项目,节点,完成日期\ngarden_expo,landfill,2026-04-25\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(csv);
    let mut t = Tracker::new(&plan).unwrap();
    t.add_bytes(InputKind::Projects, "gbk.csv", &gbk);
    let mut broken = b"project,milestone,done_on\n".to_vec();
    broken.extend_from_slice(b"garden_expo,planting,2026-10-20\n");
    broken.extend_from_slice(b"old_area,\xff\xfe,2026-05-30\n");
    t.add_bytes(InputKind::Projects, "broken.csv", &broken);
    let r = t.finish(Some("2026-12")).unwrap();
    let rejected: Vec<(&str, usize, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.file.as_str(), x.row, x.code))
        .collect();
    assert_eq!(rejected, [("broken.csv", 3, "encoding")]);
    assert_eq!((r.read, r.accepted), (3, 2));
    let expo = r
        .projects
        .iter()
        .find(|p| p.project == "garden_expo")
        .unwrap();
    assert_eq!(expo.done, 2);
}

/// Site-check records of version 1 still count after a compatible amendment (a label fixed in
/// the public survey), and the report says which version each answered (issue 15, point 4).
/// A plan without amendments reports no versions. (Amending a plan is an office feature.)
#[cfg(feature = "office")]
#[test]
fn site_check_records_of_an_earlier_version_count_under_it() {
    let v1 = kaoping_core::plan::demo_plan();
    let d = kaoping_core::track::demo_periods(42, Some("2026-09")).unwrap();
    let records = d
        .site_checks_jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(records > 0);
    let track = |plan: &Plan| {
        let mut t = Tracker::new(plan).unwrap();
        t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
        t.add_file(
            InputKind::Projects,
            "site-checks.jsonl",
            &d.site_checks_jsonl,
        );
        t.finish(None).unwrap()
    };
    let before = track(&v1);
    assert!(before.versions.is_empty());
    assert_eq!(before.rejected, vec![]);

    let mut v2: serde_json::Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    v2["version"] = serde_json::json!("2");
    v2.pointer_mut("/instruments/0/sections/0/questions/0/label/en")
        .map(|l| *l = serde_json::json!("Your district?"))
        .expect("the demo's first question has an English label");
    let amended = kaoping_core::amend::amend_plan(
        DEMO_PLAN_JSON,
        &v2.to_string(),
        "2026-07-01",
        kaoping_core::text::Text::new("改错字", "typo"),
    )
    .unwrap();
    assert!(amended.diff.compatible);
    let v2 = validate_plan(&amended.json).plan.unwrap();
    let after = track(&v2);
    assert_eq!(after.rejected, vec![]);
    assert_eq!(after.projects, before.projects);
    let want: std::collections::BTreeMap<String, usize> =
        [("1".to_owned(), records), ("2".to_owned(), 0)].into();
    assert_eq!(after.versions, want);
}
