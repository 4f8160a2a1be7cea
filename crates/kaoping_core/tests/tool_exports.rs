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
    let mut layouts = Vec::new();
    for case in ["wjx_text_utf8", "wjx_text_gb18030"] {
        let p = preview(&plan, "public.csv", &fixture(case), &FileOptions::default()).unwrap();
        layouts.push(p.layout.clone());
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
    assert_eq!(layouts[0], layouts[1]);
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
#[cfg(feature = "office")]
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

/// 腾讯问卷's multiple choice, one column per option (`tests/fixtures/ingest/tencent_options_*`):
/// the preview lists every value of an option column that is neither chosen nor not chosen,
/// with its count, in both encodings; the rows reconcile.
#[test]
fn one_column_per_option_is_one_answer() {
    let plan = demo_plan();
    for case in ["tencent_options_utf8", "tencent_options_gb18030"] {
        let bytes = fixture(case);
        let p = preview(&plan, "public.csv", &bytes, &FileOptions::default()).unwrap();
        assert_eq!(p.rows, 9);
        let unmatched: Vec<(&str, &str, usize)> = p
            .unmatched
            .iter()
            .map(|u| (u.key.as_str(), u.value.as_str(), u.count))
            .collect();
        assert_eq!(
            unmatched,
            [
                ("priorities[traffic]", "是", 1),
                ("priorities[other]", "yes", 1)
            ],
            "{case}"
        );
        let choices: Vec<&str> = p.unmatched[0]
            .choices
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(choices, ["1", ""]);
        // The two encodings are one layout; another tool's file is another.
        assert_eq!(p.layout.len(), 64);
        let wjx = preview(
            &plan,
            "public.csv",
            &fixture("wjx_text_gb18030"),
            &FileOptions::default(),
        );
        assert_ne!(wjx.unwrap().layout, p.layout);
        let r = ingest(&bytes, FileOptions::default(), true);
        assert_eq!((r.read, r.accepted, r.rejected.len()), (9, 4, 5));
        // The export predates the survey's last question (`units_used`, optional): its rows
        // are reported missing, none required; nothing else is.
        assert!(
            p.mapping
                .missing
                .iter()
                .all(|m| !m.required && m.key.starts_with("units_used.")),
            "{:?}",
            p.mapping.missing
        );
    }
    let r = ingest(
        &fixture("tencent_options_utf8"),
        FileOptions::default(),
        false,
    );
    let chosen: Vec<serde_json::Value> = r
        .records
        .iter()
        .map(|r| r.answers["priorities"].clone())
        .collect();
    assert_eq!(
        chosen,
        [
            serde_json::json!(["traffic", "health"]),
            serde_json::json!(["elderly"]),
            serde_json::json!(["housing", "other"]),
            serde_json::json!(["education"]),
        ]
    );
}

/// The office's recoding (`FileOptions::recode`): a value mapped to an option is read so, one
/// mapped to empty is an empty answer; a value left unmapped still rejects its row, and a
/// recoded row then meets the form's own checks.
#[test]
fn recoded_values_are_read_and_unmapped_ones_still_reject() {
    let recode = |pairs: &[(&str, &str, &str)]| {
        let mut r = kaoping_core::table::recode::Recodes::new();
        for (k, v, to) in pairs {
            r.entry(k.to_string())
                .or_default()
                .insert(v.to_string(), to.to_string());
        }
        r
    };
    let options = FileOptions {
        recode: recode(&[
            ("priorities[traffic]", "是", "1"),
            ("priorities[other]", "yes", ""),
        ]),
        ..FileOptions::default()
    };
    let r = ingest(&fixture("tencent_options_utf8"), options, true);
    assert_eq!((r.read, r.accepted), (9, 6));
    let codes: Vec<(usize, &str)> = r.rejected.iter().map(|x| (x.row, x.code)).collect();
    assert_eq!(
        codes,
        [
            (5, "invalid_answer"),
            (6, "required_missing"),
            (8, "required_missing")
        ]
    );
    // 汉口区 mapped to 江汉区 and 飞行 to nothing: the wjx fixture's two unmatched rows now
    // meet the form's checks; without the 飞行 entry its row is still rejected, by name.
    let options = FileOptions {
        recode: recode(&[("district", "汉口区", "jianghan")]),
        ..FileOptions::default()
    };
    let r = ingest(&fixture("wjx_text_utf8"), options, false);
    assert_eq!((r.read, r.accepted), (6, 3));
    let last = r.rejected.last().unwrap();
    assert_eq!((last.row, last.code), (7, "unknown_option"));
    assert!(last.message.0["en"].contains("飞行"), "{:?}", last.message);
}

/// The other spellings of an option column: `N.label:option` with the option's text or
/// nothing (腾讯问卷's text export), and 问卷星's by-number `第N题(option)` with 1 and 0: the
/// wjx fixture with its multiple choice column so split reads to the same report.
#[test]
fn option_column_headers() {
    let plan = demo_plan();
    let text = String::from_utf8(fixture("wjx_text_utf8")).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let at = rows[0].iter().position(|h| h.starts_with("7、")).unwrap();
    let options = [
        ("7.您最希望改进的方面:交通出行", "交通出行"),
        ("第7题(医疗卫生)", "医疗卫生"),
        ("7、您最希望改进的方面（最多选3项）—养老", "养老"),
        ("第7题(政务服务)", "政务服务"),
        ("第7题(住房)", "住房"),
        ("7.您最希望改进的方面:其他", "其他"),
    ];
    let mut csv = String::new();
    for (n, row) in rows.iter().enumerate() {
        let mut cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        let joined = cells.remove(at);
        for (i, (header, label)) in options.iter().enumerate().rev() {
            let chosen = joined.split('┋').any(|x| x == *label);
            let cell = match (n, i % 2) {
                (0, _) => header.to_string(),
                (_, 0) if chosen => label.to_string(),
                (_, 0) => String::new(),
                (_, _) => u8::from(chosen).to_string(),
            };
            cells.insert(at, cell);
        }
        csv += &(cells.join(",") + "\n");
    }
    let p = preview(&plan, "public.csv", csv.as_bytes(), &FileOptions::default()).unwrap();
    let keys: Vec<&str> = p.mapping.headers[at..at + options.len()]
        .iter()
        .map(|h| h.key.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        keys,
        [
            "priorities[traffic]",
            "priorities[health]",
            "priorities[elderly]",
            "priorities[services]",
            "priorities[housing]",
            "priorities[other]"
        ]
    );
    // 飞行 has no column here: the unmatched value is 汉口区 alone.
    assert_eq!(p.unmatched.len(), 1, "{:?}", p.unmatched);
    let r = ingest(csv.as_bytes(), FileOptions::default(), false);
    let codes: Vec<(usize, &str)> = r.rejected.iter().map(|x| (x.row, x.code)).collect();
    assert_eq!(
        codes,
        [
            (4, "unknown_option"),
            (5, "required_missing"),
            (6, "invalid_answer")
        ]
    );
    assert_eq!(r.rejected[1].column.as_deref(), Some("8、请写明其他方面"));
    let chosen: Vec<serde_json::Value> = r
        .records
        .iter()
        .map(|r| r.answers["priorities"].clone())
        .collect();
    assert_eq!(
        chosen,
        [
            serde_json::json!(["traffic", "health"]),
            serde_json::json!(["elderly"]),
            serde_json::json!(["housing"]),
        ]
    );
}

/// The tools' submission times are China time: the record holds UTC (问卷星's
/// `2026/5/12 10:23:45`, 腾讯问卷's `2026-05-12 10:23:45`); a time with a zone is kept.
#[test]
fn submission_times_become_utc() {
    let times = |bytes: &[u8]| -> Vec<String> {
        ingest(bytes, FileOptions::default(), false)
            .records
            .iter()
            .map(|r| r.submitted_at.clone())
            .collect()
    };
    assert_eq!(
        times(&fixture("wjx_text_utf8")),
        ["2026-05-12T02:23:45.000Z", "2026-05-12T02:25:01.000Z"]
    );
    assert_eq!(
        times(&fixture("tencent_options_utf8"))[0],
        "2026-05-12T02:23:45.000Z"
    );
    let text = String::from_utf8(fixture("wjx_text_utf8")).unwrap();
    let zoned = text.replace("2026/5/12 10:23:45", "2026-05-12T10:23:45+08:00");
    assert_eq!(times(zoned.as_bytes())[0], "2026-05-12T10:23:45+08:00");
}

/// The office-page fixture saved by LibreOffice Calc as a workbook
/// (`soffice --headless --infilter="CSV:44,34,UTF8" --convert-to xlsx wjx-export.csv`: shared
/// strings, the submission times become date cells, numbers become numbers) reads to the CSV's
/// report, preview and submission times.
#[cfg(feature = "office")]
#[test]
fn a_libreoffice_workbook_reads_as_its_csv() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/office-files");
    let csv = std::fs::read(dir.join("wjx-export.csv")).unwrap();
    let book = std::fs::read(dir.join("wjx-export.xlsx")).unwrap();
    let plan = demo_plan();
    let options = FileOptions::default();
    let of_book = kaoping_core::aggregate::preview_file(&plan, "wjx-export.xlsx", &book, &options)
        .unwrap()
        .unwrap();
    let of_csv = preview(&plan, "wjx-export.csv", &csv, &options).unwrap();
    assert_eq!(of_book.unmatched, of_csv.unmatched);
    assert_eq!(of_book.readings, of_csv.readings);
    assert_eq!(of_book.layout, of_csv.layout);
    let text = kaoping_core::xlsx::read_csv_text(&book, None).unwrap();
    let (a, b) = (
        ingest(text.as_bytes(), options.clone(), false),
        ingest(&csv, options, false),
    );
    assert_eq!(
        (a.read, a.accepted, a.rejected.len()),
        (b.read, b.accepted, b.rejected.len())
    );
    let times = |r: &IngestReport| -> Vec<String> {
        r.records.iter().map(|x| x.submitted_at.clone()).collect()
    };
    assert_eq!(times(&a), times(&b));
    assert!(times(&a)[0].ends_with('Z'), "{:?}", times(&a));
}
