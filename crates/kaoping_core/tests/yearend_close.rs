//! Closing the tracking year (issue 18, point 1): a year of tracking data made into the year's
//! indicator figures (`track::year_end_figures`) and aggregated gives the same result as the
//! figures table an office writes by hand from the same year (`figures.csv`, written by the
//! case's own `write_by_hand.py`, not by kaoping); the office's overrides (`overrides.csv`)
//! are what it adds to tracking, and each appears in the aggregation's manifest with the
//! value before, the value after and the reason. `expected.txt` lists the gaps and overrides.

mod common;

use kaoping_core::aggregate::{aggregate, Aggregation, InputFile};
use kaoping_core::manifest::{InputRole, Parameters};
use kaoping_core::plan::{demo_plan, DEMO_PLAN_SOURCE};
use kaoping_core::track::{year_end_figures, InputKind, Tracker, YearEndFigures};
use kaoping_core::yearend::{read_overrides, FieldValue};
use std::path::Path;

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

/// The office's response files of the demo year, and one indicator-figures file.
fn run(figures_name: &str, figures: &[u8]) -> Aggregation {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/office-demo");
    let files: Vec<(String, Vec<u8>)> = ["public.csv", "expert.jsonl", "cadre.csv", "history.json"]
        .iter()
        .map(|n| (n.to_string(), read(&demo, n)))
        .chain([(figures_name.to_owned(), figures.to_vec())])
        .collect();
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(n, b)| InputFile::new(n, None, b))
        .collect();
    let params = Parameters {
        lang: "zh-CN".into(),
    };
    aggregate(
        "plan.json",
        DEMO_PLAN_SOURCE.as_bytes(),
        &inputs,
        &params,
        &mut |_, _| {},
    )
    .unwrap_or_else(|e| panic!("{figures_name}: {e}"))
}

fn year_end(case: &Path) -> YearEndFigures {
    let plan = demo_plan();
    let mut t = Tracker::new(&plan).unwrap();
    for (kind, name) in [
        (InputKind::Periods, "periods.csv"),
        (InputKind::Projects, "projects.json"),
        (InputKind::Projects, "site-checks.jsonl"),
        (InputKind::Events, "events.json"),
    ] {
        t.add_bytes(kind, name, &read(case, name));
    }
    let report = t.finish(None).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let overrides = read_overrides("overrides.csv", &read(case, "overrides.csv")).unwrap();
    year_end_figures(&plan, &report, &overrides).unwrap()
}

/// The gaps tracking leaves and the overrides made, one a line.
fn summary(y: &YearEndFigures) -> String {
    let mut out = format!(
        "through {}, {} figures, {} scored, {} gaps left\n",
        y.through,
        y.figures.len(),
        y.indicators.len(),
        y.gaps
    );
    for f in y.figures.iter().filter(|f| f.gap.is_some()) {
        let filled = if f.value.is_some() {
            " (filled by overrides)"
        } else {
            ""
        };
        out += &format!(
            "gap {} {}: {}{filled}\n",
            f.unit,
            f.indicator,
            f.gap.as_ref().unwrap().get("en")
        );
    }
    let v = |x: &Option<FieldValue>| {
        x.map_or("none".to_owned(), |x| serde_json::to_string(&x).unwrap())
    };
    for o in &y.overrides {
        out += &format!(
            "override {} {} {}: {} -> {} ({})\n",
            o.unit,
            o.indicator,
            o.field,
            v(&o.original),
            v(&Some(o.value)),
            o.reason
        );
    }
    out
}

#[test]
fn a_tracking_year_made_into_figures_scores_as_the_table_written_by_hand() {
    let cases = common::cases("yearend-close");
    assert!(!cases.is_empty());
    for case in cases {
        let y = year_end(&case);
        common::check(&case.join("expected.txt"), &summary(&y)).unwrap();
        let file = serde_json::to_string_pretty(&y).unwrap();
        let from_tracking = run("year-end.json", file.as_bytes());
        let by_hand = run("figures.csv", &read(&case, "figures.csv"));
        assert_eq!(
            kaoping_core::export::json(&from_tracking.result),
            kaoping_core::export::json(&by_hand.result),
            "{}: the results differ",
            case.display()
        );
        // both files are read as indicator figures, every row of the hand-written table used
        let entry = |a: &Aggregation, name: &str| {
            a.manifest
                .inputs
                .iter()
                .find(|e| e.name == name)
                .unwrap()
                .clone()
        };
        let hand = entry(&by_hand, "figures.csv");
        assert_eq!(hand.role, Some(InputRole::Indicators));
        assert_eq!(hand.table_rows.map(|t| (t.used, t.blank)), Some((160, 0)));
        let made = entry(&from_tracking, "year-end.json");
        assert_eq!(made.role, Some(InputRole::Indicators));
        assert_eq!(
            made.overrides, y.overrides,
            "every override is in the manifest"
        );
        assert_eq!(from_tracking.manifest.counts.indicator_inputs, 160);
    }
}

#[test]
fn an_override_shows_in_the_manifest_with_the_value_before_after_and_why() {
    let case = common::cases("yearend-close").remove(0);
    let y = year_end(&case);
    let agg = run(
        "year-end.json",
        serde_json::to_string(&y).unwrap().as_bytes(),
    );
    let manifest = serde_json::to_value(&agg.manifest).unwrap();
    let entry = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "year-end.json")
        .unwrap();
    let revised = entry["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["unit"] == "jiangan" && o["indicator"] == "gdp_growth")
        .unwrap();
    // December's growth rate from the period file, then the bulletin's
    let periods = String::from_utf8(read(&case, "periods.csv")).unwrap();
    let december: f64 = periods
        .lines()
        .find(|l| l.starts_with("jiangan,gdp_growth,2026-12,"))
        .unwrap()
        .split(',')
        .nth(3)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(revised["field"], "actual");
    assert_eq!(revised["original"], december);
    assert_eq!(revised["value"], 6.1);
    assert_eq!(revised["reason"], "统计局年度统计公报修订");
    // a gap filled: no value before
    let filled = entry["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["unit"] == "jiangan" && o["indicator"] == "major_projects")
        .unwrap();
    assert_eq!(filled["original"], serde_json::Value::Null);
    // the same figures without the overrides score differently
    let plain = run(
        "year-end.json",
        {
            let plan = demo_plan();
            let mut t = Tracker::new(&plan).unwrap();
            for (kind, name) in [
                (InputKind::Periods, "periods.csv"),
                (InputKind::Projects, "projects.json"),
                (InputKind::Events, "events.json"),
            ] {
                t.add_bytes(kind, name, &read(&case, name));
            }
            serde_json::to_vec(&year_end_figures(&plan, &t.finish(None).unwrap(), &[]).unwrap())
                .unwrap()
        }
        .as_slice(),
    );
    assert_ne!(plain.manifest.result.sha256, agg.manifest.result.sha256);
    assert!(plain.manifest.inputs.iter().all(|e| e.overrides.is_empty()));
}
