//! Indicator figures and history given as tables (CSV, XLSX) score the year as the same
//! figures given as JSON.

use super::*;
use crate::cells::{Cell, Table};
use crate::export::csv::to_csv;
use crate::score::HistoryEntry;
use crate::yearend::tests::{demo_figures_table, expected};

fn history_table(history: &[HistoryEntry]) -> Table {
    crate::yearend::tests::history_table(history, "zh-CN")
}

/// The demo's public and expert files with figures and history as `figures` and `history`.
fn set(figures: (&str, Vec<u8>), history: (&str, Vec<u8>)) -> Vec<(String, Vec<u8>)> {
    let files = crate::score::demo_files(3);
    vec![
        ("expert.jsonl".into(), files.expert_jsonl.into_bytes()),
        ("cadre.csv".into(), files.cadre_csv.into_bytes()),
        (figures.0.into(), figures.1),
        (history.0.into(), history.1),
    ]
}

fn run(set: &[(String, Vec<u8>)]) -> Aggregation {
    let plan = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
    let params = Parameters {
        lang: "zh-CN".into(),
    };
    let files: Vec<InputFile> = set
        .iter()
        .map(|(name, bytes)| InputFile::new(name, None, bytes))
        .collect();
    let whole = aggregate("plan.json", plan, &files, &params, &mut |_, _| {}).unwrap();
    // Streamed in 7-byte pieces with roles detected as they come: the same.
    let parsed = read_plan("plan.json", plan, "zh-CN").unwrap();
    let mut r = AggregateRun::new(&parsed, "plan.json", plan, params).unwrap();
    for (name, bytes) in set {
        r.begin(name, None, FileOptions::default()).unwrap();
        for piece in bytes.chunks(7) {
            r.push(piece).unwrap();
        }
        r.end().unwrap();
    }
    let streamed = r.finish().unwrap();
    assert_eq!(streamed.manifest, whole.manifest);
    assert_eq!(streamed.outputs, whole.outputs);
    whole
}

#[test]
fn figures_and_history_as_tables_score_as_the_same_json() {
    let (table, figures) = demo_figures_table("zh-CN");
    let figures = expected(&figures, "zh-CN");
    let history: Vec<HistoryEntry> =
        serde_json::from_str::<serde_json::Value>(&crate::score::demo_files(3).history_json)
            .ok()
            .and_then(|v| {
                let list = v.get("history").cloned().unwrap_or(v);
                serde_json::from_value(list).ok()
            })
            .expect("the demo history");
    let json = run(&set(
        (
            "indicators.json",
            serde_json::to_vec(&serde_json::json!({ "indicators": figures })).unwrap(),
        ),
        (
            "history.json",
            serde_json::to_vec(&serde_json::json!({ "history": history })).unwrap(),
        ),
    ));
    let blank = table.rows.len() - figures.len();
    let csv = to_csv(&table).into_bytes();
    let xlsx = crate::xlsx::write_tables(&[history_table(&history)]);
    for (f, h) in [
        (("figures.csv", csv.clone()), ("history.xlsx", xlsx.clone())),
        (
            (
                "figures.xlsx",
                crate::xlsx::write_tables(std::slice::from_ref(&table)),
            ),
            ("history.csv", to_csv(&history_table(&history)).into_bytes()),
        ),
    ] {
        let names = (f.0, h.0);
        let tables = run(&set(f, h));
        let (a, b) = (
            serde_json::to_string_pretty(&tables.result).unwrap(),
            serde_json::to_string_pretty(&json.result).unwrap(),
        );
        if let Some((i, (x, y))) = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
        {
            panic!("{names:?}: line {i}: {x} ≠ {y}");
        }
        assert_eq!(tables.result, json.result, "{names:?}");
        let inputs = &tables.manifest.inputs;
        assert_eq!(inputs[2].role, Some(InputRole::Indicators), "{names:?}");
        assert_eq!(inputs[3].role, Some(InputRole::History), "{names:?}");
        assert_eq!(
            inputs[2].table_rows,
            Some(crate::manifest::TableRowCounts {
                used: figures.len(),
                blank
            })
        );
        assert_eq!(json.manifest.inputs[2].table_rows, None);
    }
}

#[test]
fn a_wrong_figure_stops_the_aggregation_with_its_cell() {
    let (mut table, _) = demo_figures_table("en");
    let actual = table.headers.iter().position(|h| h == "actual").unwrap();
    let row = table
        .rows
        .iter()
        .position(|r| r[actual] != Cell::Empty)
        .unwrap();
    table.rows[row][actual] = Cell::Text("n/a".into());
    let set = set(
        ("figures.csv", to_csv(&table).into_bytes()),
        ("history.json", b"{\"history\": []}".to_vec()),
    );
    let plan = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
    let files: Vec<InputFile> = set
        .iter()
        .map(|(name, bytes)| InputFile::new(name, None, bytes))
        .collect();
    let params = Parameters { lang: "en".into() };
    let e = aggregate("plan.json", plan, &files, &params, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.file(), Some("figures.csv"));
    let cell = crate::yearend::sheet::cell_ref(actual, row as u64 + 2);
    assert!(
        e.to_string()
            .contains(&format!("{cell} (actual): \"n/a\" is not a number")),
        "{e}"
    );
}
