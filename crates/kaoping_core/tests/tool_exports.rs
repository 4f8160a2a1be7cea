//! Survey tools' exports (问卷星/wjx, 腾讯问卷): the preview of the fixtures in
//! `tests/fixtures/ingest/wjx_*` (readings decided per column, every unmatched value listed),
//! ingest with the preview's readings giving the fixture's report, the GB18030 fixture being
//! the UTF-8 one's bytes, and the time taken marking speeders.

use kaoping_core::ingest::preview_table as preview;
use kaoping_core::ingest::{FileOptions, IngestReport, IngestSession};
use kaoping_core::plan::demo_plan;
use kaoping_core::table::recode::Reading;
use std::path::PathBuf;

fn fixture(case: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ingest")
        .join(case)
        .join("public.csv");
    std::fs::read(p).unwrap()
}

fn expected(case: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ingest")
        .join(case)
        .join("expected.json");
    std::fs::read_to_string(p).unwrap()
}

fn ingest(bytes: &[u8], options: FileOptions, scoring: bool) -> IngestReport {
    let plan = demo_plan();
    let mut s = if scoring {
        IngestSession::scoring(&plan).unwrap()
    } else {
        IngestSession::keeping(&plan)
    };
    s.begin("public.csv", options).unwrap();
    s.push(bytes).unwrap();
    s.end().unwrap();
    s.finish().unwrap().report
}

#[test]
fn the_preview_reads_labels_and_lists_unmatched_values() {
    let plan = demo_plan();
    for case in ["wjx_text_utf8", "wjx_text_gb18030"] {
        let p = preview(&plan, "public.csv", &fixture(case), &FileOptions::default()).unwrap();
        assert_eq!(p.rows, 6);
        assert_eq!(p.readings["district"], Reading::Labels);
        assert_eq!(p.readings["services.parking"], Reading::Labels);
        assert_eq!(p.readings["overall"], Reading::Labels);
        assert_eq!(p.readings["priorities"], Reading::Labels);
        // NPS cells are numbers on the scale.
        assert_eq!(p.readings["recommend"], Reading::Values);
        // -3 beside other numbers is the number -3 (then rejected by the form's checks).
        assert!(!p.readings.contains_key("years_resident"));
        let unmatched: Vec<(&str, &str, usize)> = p
            .unmatched
            .iter()
            .map(|u| (u.key.as_str(), u.value.as_str(), u.count))
            .collect();
        assert_eq!(
            unmatched,
            [("district", "汉口区", 1), ("priorities", "飞行", 1)],
            "{case}"
        );
        assert!(p.unmatched[0].options[0].contains("江岸区"));
        let recognised: Vec<&str> = p
            .mapping
            .recognised
            .iter()
            .filter(|r| !r.used)
            .map(|r| r.header.as_str())
            .collect();
        assert_eq!(recognised, ["来源", "来源详情", "来自IP"]);
    }
}

#[test]
fn the_preview_reads_option_numbers() {
    let plan = demo_plan();
    let p = preview(
        &plan,
        "public.csv",
        &fixture("wjx_numbers"),
        &FileOptions::default(),
    )
    .unwrap();
    assert_eq!(p.readings["district"], Reading::Numbers);
    assert_eq!(p.readings["age_group"], Reading::Numbers);
    assert_eq!(p.readings["priorities"], Reading::Numbers);
    // 1–5 on a 1–5 scale are its values; 6 (无法评价, listed last) is not, so that column is
    // read by number.
    assert_eq!(p.readings["services.parking"], Reading::Values);
    assert_eq!(p.readings["services.elderly_care"], Reading::Numbers);
    let unmatched: Vec<(&str, &str, usize)> = p
        .unmatched
        .iter()
        .map(|u| (u.key.as_str(), u.value.as_str(), u.count))
        .collect();
    assert_eq!(unmatched, [("district", "11", 1)]);
    assert!(p.unmatched[0].options[0].starts_with("1 = jiangan"));
}

/// Ingest given the preview's readings reports what the fixture expects (read without them):
/// the same counts, mapping and rejections (rows, columns, codes).
#[test]
fn ingest_with_the_previews_readings_gives_the_fixtures_report() {
    let plan = demo_plan();
    for case in ["wjx_text_utf8", "wjx_text_gb18030", "wjx_numbers"] {
        let bytes = fixture(case);
        let p = preview(&plan, "public.csv", &bytes, &FileOptions::default()).unwrap();
        let options = FileOptions {
            readings: p.readings.clone(),
            ..FileOptions::default()
        };
        for scoring in [false, true] {
            let r = ingest(&bytes, options.clone(), scoring);
            assert_eq!(r.read, r.accepted + r.rejected.len());
            assert_eq!(r.read, p.rows);
            // The messages list the options as read (by number or not): compare the rest.
            let mut got = serde_json::to_value(&r).unwrap();
            let mut want: serde_json::Value = serde_json::from_str(&expected(case)).unwrap();
            for v in [&mut got, &mut want] {
                for rej in v["rejected"].as_array_mut().unwrap() {
                    rej.as_object_mut().unwrap().remove("message");
                }
            }
            assert_eq!(got, want, "{case}, scoring {scoring}");
        }
    }
}

/// A flat file gives no readings: ingest reads it as before.
#[test]
fn a_flat_file_gives_no_readings() {
    let plan = demo_plan();
    let bytes = fixture("csv_bom_labels_zh");
    let p = preview(&plan, "public.csv", &bytes, &FileOptions::default()).unwrap();
    assert!(p.readings.is_empty(), "{:?}", p.readings);
    assert!(p.mapping.recognised.is_empty());
}

#[test]
fn the_gb18030_fixture_is_the_utf8_one() {
    let gb = fixture("wjx_text_gb18030");
    let (text, _, bad) = encoding_rs::GB18030.decode(&gb);
    assert!(!bad);
    let utf8 = String::from_utf8(fixture("wjx_text_utf8")).unwrap();
    assert_eq!(text.replace("\r\n", "\n"), utf8);
}

#[test]
fn the_time_taken_marks_speeders() {
    let r = ingest(&fixture("wjx_text_utf8"), FileOptions::default(), false);
    let quality: Vec<(&str, f64, bool)> = r
        .records
        .iter()
        .map(|r| {
            (
                r.respondent_id.as_str(),
                r.quality.duration_seconds,
                r.quality.speeder,
            )
        })
        .collect();
    // The survey's min_seconds is 60.
    assert_eq!(quality, [("1", 185.0, false), ("2", 35.0, true)]);
}

/// 问卷星's Excel download: the same export as a workbook (numbers stored as numbers) reads
/// through the CSV path to the same report.
#[cfg(feature = "office")]
#[test]
fn the_export_as_a_workbook_reads_the_same() {
    use kaoping_core::cells::{Cell, Table};
    let text = String::from_utf8(fixture("wjx_text_utf8")).unwrap();
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
    let headers = lines.next().unwrap();
    let rows = lines
        .map(|r| {
            r.into_iter()
                .map(|c| match c.parse::<f64>() {
                    Ok(x) => Cell::Number(x),
                    Err(_) if c.is_empty() => Cell::Empty,
                    Err(_) => Cell::Text(c),
                })
                .collect()
        })
        .collect();
    let book = kaoping_core::xlsx::write_tables(&[Table {
        id: "wjx".into(),
        title: "Sheet1".into(),
        headers,
        rows,
    }]);
    let csv = kaoping_core::xlsx::read_csv_text(&book, None).unwrap();
    let r = ingest(csv.as_bytes(), FileOptions::default(), true);
    let got = serde_json::to_string_pretty(&r).unwrap() + "\n";
    assert_eq!(got, expected("wjx_text_utf8"));
    // The office page's preview of the workbook is that of its sheet's CSV text.
    let plan = demo_plan();
    let options = FileOptions::default();
    let of_book = kaoping_core::aggregate::preview_file(&plan, "wjx.xlsx", &book, &options)
        .unwrap()
        .unwrap();
    assert_eq!(
        Some(of_book),
        preview(&plan, "wjx.csv", csv.as_bytes(), &options)
    );
}

/// A year-end table (the templates, CSV or XLSX) is no response table: no preview.
#[test]
fn a_year_end_table_has_no_preview() {
    use kaoping_core::yearend::{template_file, TemplateKind};
    let plan = demo_plan();
    for kind in [TemplateKind::Figures, TemplateKind::History] {
        for name in ["year-end.csv", "year-end.xlsx"] {
            let (bytes, _) = template_file(&plan, kind, "zh-CN", name).unwrap();
            let p =
                kaoping_core::aggregate::preview_file(&plan, name, &bytes, &FileOptions::default());
            assert_eq!(p, Ok(None), "{kind:?} {name}");
        }
    }
}
