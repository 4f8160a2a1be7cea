//! Exports as data: each folder of `tests/fixtures/export/` holds `plan.json` (base + patch, see
//! `tests/common`), `inputs.json` (scoring inputs, compact records allowed) and any record files
//! (`*.jsonl`, ingested in name order for the rejection report). Expected beside them, per
//! language: `zh-CN/<table>.csv` and `en/<table>.csv` for every result table, `rejections.csv`
//! and `ingest_files.csv`, byte for byte (BOM, CRLF, quoting, formula neutralisation).
//! `UPDATE_FIXTURES=1` rewrites them (read the diff first).

use kaoping_core::export::{self, csv::to_csv};
use kaoping_core::ingest::Ingest;
use kaoping_core::score::{evaluate, EvaluationResult};

mod common;

#[test]
fn export_fixtures() {
    let cases = common::cases("export");
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let plan = common::case_plan(&case);
        let inputs = common::case_inputs(&case, &plan);
        let result = evaluate(&plan, &inputs).expect("scores");
        let mut files: Vec<_> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        let mut ingest = Ingest::new(&plan);
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            ingest.add_file(&name, &std::fs::read_to_string(f).unwrap());
        }
        let report = export::IngestSummary::of(&ingest.finish());
        for lang in ["zh-CN", "en"] {
            let dir = case.join(lang);
            std::fs::create_dir_all(&dir).unwrap();
            let tables = export::tables_with_ingest(&plan, &result, Some(&report), lang);
            for t in &tables {
                let path = dir.join(format!("{}.csv", t.id));
                if let Err(e) = common::check(&path, &to_csv(t)) {
                    failures.push(e);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A result survives JSON both ways (the page hands results back for export).
#[test]
fn a_result_reads_back_from_its_json() {
    let plan = kaoping_core::plan::demo_plan();
    let result = evaluate(&plan, &kaoping_core::score::demo_inputs(3, 300)).unwrap();
    let value = serde_json::to_value(&result).unwrap();
    let back: EvaluationResult = serde_json::from_value(value).unwrap();
    assert_eq!(back, result);
    assert_eq!(export::json(&back), export::json(&result));
}

/// Every table has as many cells in each row as headers, in both languages.
#[test]
fn demo_tables_are_rectangular_and_complete() {
    let plan = kaoping_core::plan::demo_plan();
    let result = evaluate(&plan, &kaoping_core::score::demo_inputs(3, 300)).unwrap();
    for lang in ["zh-CN", "en"] {
        let tables = export::tables(&plan, &result, lang);
        // The demo's reviewers comment on low scores: the comments' table comes after the
        // result tables, then the residents' priorities.
        let comments: usize = result.units.iter().map(|u| u.comments.len()).sum();
        assert!(comments > 0);
        let mut ids = export::RESULT_TABLES.to_vec();
        ids.push(export::COMMENTS_TABLE);
        ids.push(export::PRIORITIES_TABLE);
        assert_eq!(
            tables.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ids
        );
        // Every option of the priorities question for each of the nine districts.
        let priorities = tables.last().unwrap();
        assert_eq!(priorities.rows.len(), 9 * 8);
        let table = &tables[tables.len() - 2];
        assert_eq!(table.rows.len(), comments);
        let reviewers = ["E01", "E03", "E08"];
        for row in &table.rows {
            for cell in row {
                let text = format!("{cell:?}");
                assert!(!reviewers.iter().any(|r| text.contains(r)), "{text}");
            }
        }
        for t in &tables {
            for row in &t.rows {
                assert_eq!(row.len(), t.headers.len(), "{} {lang}", t.id);
            }
        }
        let ranking = &tables[0];
        assert_eq!(ranking.rows.len(), plan.units.len());
        let components = &tables[1];
        assert_eq!(components.rows.len(), 4 * plan.units.len());
    }
}
