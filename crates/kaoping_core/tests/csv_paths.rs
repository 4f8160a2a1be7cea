//! The compiled CSV path gives exactly what the record path gives: the same rejections and the
//! same evaluation result (serialized), on the demo data set with spoiled rows and on random
//! rows (proptest). And the CSV of the demo data scores exactly as its records do.

use kaoping_core::ingest::{CsvShard, FileOptions, IngestSession};
use kaoping_core::plan::{demo_plan, Plan};
use kaoping_core::score::{demo_inputs, demo_public_csv, demo_public_header, ScoreState};
use proptest::prelude::*;

fn run(plan: &Plan, files: &[(&str, &[u8])], fast: bool, chunk: usize) -> (String, String) {
    run_counting(plan, files, fast, chunk).0
}

fn run_counting(
    plan: &Plan,
    files: &[(&str, &[u8])],
    fast: bool,
    chunk: usize,
) -> ((String, String), u64) {
    let mut s = IngestSession::scoring(plan).unwrap();
    s.set_fast(fast);
    for (name, bytes) in files {
        s.begin(name, FileOptions::default()).unwrap();
        for c in bytes.chunks(chunk.max(1)) {
            s.push(c).unwrap();
        }
        s.end().unwrap();
    }
    let out = s.finish().unwrap();
    let fast_rows = out.fast_rows;
    (report_and_result(out), fast_rows)
}

/// The report and the result of a finished session, serialized (the counts checked).
fn report_and_result(out: kaoping_core::ingest::SessionOutcome) -> (String, String) {
    let r = &out.report;
    assert_eq!(r.read, r.accepted + r.rejected.len(), "counts reconcile");
    let result = out.state.unwrap().finish().unwrap();
    (
        serde_json::to_string(&out.report).unwrap(),
        serde_json::to_string(&result).unwrap(),
    )
}

/// As [`run_counting`] with the compiled path, each file cut at the first LF at or after
/// `cut` (a fraction of its length): the part before read by the session, the part after cut
/// again into blocks of about `block` bytes (at LFs), each prepared by a [`CsvShard`] (as other
/// threads would) and given to the session in order. A block that does not end at a row
/// boundary goes to the session as bytes, and so do the next ones until one ends at a row
/// start. Also: how many prepared blocks were used, and whether one was refused.
fn run_sharded(
    plan: &Plan,
    files: &[(&str, &[u8])],
    cut: f64,
    block: usize,
) -> ((String, String), usize, bool) {
    let mut s = IngestSession::scoring(plan).unwrap();
    let mut used = 0;
    let mut refused = false;
    let next_lf = |bytes: &[u8], at: usize| {
        bytes[at.min(bytes.len())..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |p| at + p + 1)
    };
    for (name, bytes) in files {
        s.begin(name, FileOptions::default()).unwrap();
        let split = next_lf(bytes, (bytes.len() as f64 * cut) as usize);
        for c in bytes[..split].chunks(4099) {
            s.push(c).unwrap();
        }
        let header_end = next_lf(bytes, 0);
        let mut shard =
            CsvShard::new(plan, name, &FileOptions::default(), &bytes[..header_end]).unwrap();
        let mut at = split;
        if shard.ready() && s.shard_point() {
            // Whether the next block starts at a row start the session has checked.
            // Whether the last block was taken as prepared rows.
            let mut taken = false;
            while at < bytes.len() {
                let end = next_lf(bytes, at + block.max(1));
                let rows = shard.prepare_block(&bytes[at..end], end == bytes.len());
                if rows[0] != 1 {
                    // A cut inside a quoted field: its rows cannot be pushed, nor, after
                    // prepared rows, bytes without the refusal.
                    assert!(s.push_prepared(&rows).is_err(), "refused");
                    if taken {
                        assert!(s.push(b"x").is_err());
                    }
                    refused = true;
                }
                taken = s.take_prepared(&rows).unwrap();
                if taken {
                    used += 1;
                } else {
                    // This block as bytes (and the next ones until one ends at a row start).
                    s.push(&bytes[at..end]).unwrap();
                }
                at = end;
            }
        }
        for c in bytes[at..].chunks(4099) {
            s.push(c).unwrap();
        }
        s.end().unwrap();
    }
    (report_and_result(s.finish().unwrap()), used, refused)
}

fn demo_csv(seed: u64, n: usize, bad: usize) -> Vec<u8> {
    let mut v = Vec::new();
    demo_public_csv(seed, n, bad, &mut |b| v.extend_from_slice(b));
    v
}

#[test]
fn fast_and_record_paths_agree_on_the_demo_data() {
    let plan = demo_plan();
    let csv = demo_csv(3, 3000, 36);
    let slow = run(&plan, &[("public.csv", &csv)], false, 1 << 20);
    let (fast, fast_rows) = run_counting(&plan, &[("public.csv", &csv)], true, 1 << 20);
    // Nearly every row takes the compiled path (rows with a comment or reason included).
    assert!(fast_rows > 2900, "{fast_rows}");
    assert_eq!(slow.0, fast.0, "reports");
    assert_eq!(slow.1, fast.1, "results");
    // Every kind of spoiled row is there.
    for code in [
        "unknown_unit",
        "invalid_answer",
        "required_missing",
        "duplicate_response",
        "csv_syntax",
    ] {
        assert!(slow.0.contains(code), "{code} missing: {}", slow.0);
    }
    // Chunking changes nothing.
    let odd = run(&plan, &[("public.csv", &csv)], true, 7919);
    assert_eq!(odd, fast);
    // Nor does reading the file in two parts, wherever it is cut: duplicates across the cut,
    // spoiled rows on both sides, the cut on the header or the last line.
    for (cut, block) in [
        (0.0, 1 << 20),
        (0.01, 9000),
        (0.3, 1),
        (0.5, 65536),
        (0.77, 4096),
        (0.999, 1 << 20),
        (1.0, 1),
    ] {
        let (two, used, _) = run_sharded(&plan, &[("public.csv", &csv)], cut, block);
        assert_eq!(two.0, slow.0, "report, cut at {cut}, blocks of {block}");
        assert_eq!(two.1, slow.1, "result, cut at {cut}, blocks of {block}");
        if (0.01..0.99).contains(&cut) {
            assert!(used >= 1, "cut at {cut}");
        }
    }
}

/// A cut inside a quoted field (after a LF in it) is not a row boundary: the session says so
/// and reads the rest itself; a cut in a file with no id column numbers FILE:ROW ids right.
#[test]
fn a_cut_inside_a_quoted_field_is_refused() {
    let plan = demo_plan();
    let mut csv = demo_csv(4, 400, 0);
    // A comment with a line break, then more rows.
    let text = String::from_utf8(csv.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mid = lines.len() / 2;
    let header: Vec<&str> = lines[0].split(',').collect();
    let comment = header.iter().position(|h| *h == "comment").unwrap();
    let mut cells: Vec<String> = lines[mid].split(',').map(String::from).collect();
    cells[comment] = "\"第一行\n第二行\"".into();
    lines[mid] = cells.join(",");
    csv = (lines.join("\n") + "\n").into_bytes();
    let at =
        text.lines().take(mid).map(|l| l.len() + 1).sum::<usize>() + lines[mid].find('\n').unwrap();
    let cut = at as f64 / csv.len() as f64;
    let slow = run(&plan, &[("public.csv", &csv)], false, 1 << 20);
    let (two, used, _) = run_sharded(&plan, &[("public.csv", &csv)], cut, 4096);
    assert_eq!(used, 0, "the cut is inside a quoted field");
    assert_eq!(two, slow);
    // A block that ends inside it is refused, and the session reads on from its start.
    let split = (csv.len() / 5)
        + csv[csv.len() / 5..]
            .iter()
            .position(|b| *b == b'\n')
            .unwrap()
        + 1;
    let (two, _, refused) = run_sharded(&plan, &[("public.csv", &csv)], 0.2, at - split);
    assert!(refused, "a block ended inside the quoted field");
    assert_eq!(two, slow);
    assert!(slow.0.contains("\"accepted\":400"), "{}", slow.0);
    // Without the id column, ids are FILE:ROW of the whole file.
    let no_id: String = text
        .lines()
        .map(|l| l.split_once(',').map_or(l, |x| x.1).to_owned() + "\n")
        .collect();
    let slow = run(&plan, &[("public.csv", no_id.as_bytes())], false, 1 << 20);
    let (two, used, _) = run_sharded(&plan, &[("public.csv", no_id.as_bytes())], 0.5, 4096);
    assert!(used > 1);
    assert_eq!(two, slow);
}

#[test]
fn the_demo_csv_scores_as_the_demo_records() {
    let plan = demo_plan();
    let n = 1500;
    let csv = demo_csv(11, n, 0);
    let (report, from_csv) = run(&plan, &[("public.csv", &csv)], true, 65536);
    assert!(report.contains(&format!("\"accepted\":{n}")), "{report}");
    let mut state = ScoreState::new(&plan).unwrap();
    for r in demo_inputs(11, n)
        .records
        .iter()
        .filter(|r| r.instrument == "public")
    {
        state.add(r).unwrap();
    }
    let from_records = serde_json::to_string(&state.finish().unwrap()).unwrap();
    assert_eq!(from_csv, from_records);
}

/// A cell of a random row: mostly valid values, sometimes something else.
fn cell(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(valid).prop_map(String::from),
        1 => proptest::sample::select(&["", " 3", "0", "6", "2.5", "x", "unable", "无法评价", "\"", "a;b", "其他"][..]).prop_map(String::from),
    ]
}

fn row() -> impl Strategy<Value = Vec<String>> {
    let district: &'static [&'static str] = &[
        "jiangan", "jianghan", "qiaokou", "hanyang", "wuchang", "dongxihu", "caidian", "jiangxia",
        "huangpi", "other",
    ];
    let ages: &'static [&'static str] = &["18-29", "30-44", "45-59", "60+"];
    let years: &'static [&'static str] = &["1", "12", "40", "100", ""];
    let rating: &'static [&'static str] = &["1", "2", "3", "4", "5", "unable", "无法评价"];
    let overall: &'static [&'static str] = &["1", "2", "3", "4", "5"];
    let nps: &'static [&'static str] = &["0", "6", "7", "8", "9", "10", ""];
    let prios: &'static [&'static str] = &[
        "traffic",
        "traffic;health",
        "other",
        "housing;other",
        "education;elderly;services",
    ];
    let other: &'static [&'static str] = &["", "路灯", "  "];
    let reason: &'static [&'static str] = &["", "太吵了，影响休息"];
    let id: &'static [&'static str] = &["", "A1", "A2", "A3", "A4", "A5", "A6"];
    (
        cell(id),
        cell(district),
        cell(ages),
        cell(years),
        proptest::collection::vec(cell(rating), 7),
        cell(reason),
        cell(overall),
        cell(nps),
        cell(prios),
        cell(other),
    )
        .prop_map(|(id, d, a, y, svc, reason, o, n, p, po)| {
            let mut v = vec![id, d, a, y];
            v.extend(svc);
            v.extend([reason, o, n, p, po]);
            v
        })
}

fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut h: Vec<String> = vec![
        "respondent_id".into(),
        "district".into(),
        "age_group".into(),
        "years_resident".into(),
    ];
    let header = demo_public_header();
    h.extend(
        header
            .split(',')
            .filter(|c| c.starts_with("services.") && *c != "services.reason")
            .map(String::from),
    );
    h.extend(
        [
            "services.reason",
            "overall",
            "recommend",
            "priorities",
            "priorities_other",
        ]
        .map(String::from),
    );
    let mut out = h.join(",") + "\r\n";
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The demo plan changed so that other branches of the compiled path are taken: no survey
/// weighting (one cell), the overall section shown only to some ages (a general expression
/// hiding scored items), the NPS question on a rating scale, and a constraint on a rating.
fn variant_plan() -> Plan {
    let mut v: serde_json::Value =
        serde_json::from_str(kaoping_core::plan::DEMO_PLAN_JSON).unwrap();
    v["scoring"]["public"]
        .as_object_mut()
        .unwrap()
        .remove("weighting");
    let public = &mut v["instruments"][0];
    public["sections"][2]["relevant"] =
        serde_json::json!("age_group != '18-29' or years_resident > 10");
    for q in public["sections"][2]["questions"].as_array_mut().unwrap() {
        if q["id"] == "overall" {
            q["constraints"] = serde_json::json!([{"expr": ". >= 2", "message": {"zh-CN": "不可能", "en": "Impossible"}}]);
        }
    }
    kaoping_core::plan::load_plan(&serde_json::to_string(&v).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_rows_give_the_same_report_and_result(rows in proptest::collection::vec(row(), 1..60), chunk in 1usize..200, cut in 0.0f64..1.0) {
        let csv = to_csv(&rows);
        for plan in [demo_plan(), variant_plan()] {
            let slow = run(&plan, &[("a.csv", &csv), ("b.csv", &csv)], false, 1 << 20);
            let fast = run(&plan, &[("a.csv", &csv), ("b.csv", &csv)], true, chunk);
            prop_assert_eq!(&slow.0, &fast.0);
            prop_assert_eq!(&slow.1, &fast.1);
            let (two, _, _) = run_sharded(&plan, &[("a.csv", &csv), ("b.csv", &csv)], cut, chunk * 7);
            prop_assert_eq!(&slow.0, &two.0);
            prop_assert_eq!(&slow.1, &two.1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// The same random rows as 问卷星 exports them (labels or numbers; cells that are no value
    /// kept as they are): both paths and blocks agree.
    #[test]
    fn random_export_rows_give_the_same_report_and_result(rows in proptest::collection::vec(row(), 1..60), by_number: bool, chunk in 1usize..200, cut in 0.0f64..1.0) {
        let plan = demo_plan();
        let csv = to_wjx(&plan, &to_csv(&rows), by_number, false);
        let files = [("a.csv", csv.as_slice()), ("b.csv", csv.as_slice())];
        let slow = run(&plan, &files, false, 1 << 20);
        let fast = run(&plan, &files, true, chunk);
        prop_assert_eq!(&slow.0, &fast.0);
        prop_assert_eq!(&slow.1, &fast.1);
        let (two, _, _) = run_sharded(&plan, &files, cut, chunk * 7);
        prop_assert_eq!(&slow.0, &two.0);
        prop_assert_eq!(&slow.1, &two.1);
    }
}

#[test]
fn the_variant_plan_takes_the_compiled_path_too() {
    let plan = variant_plan();
    let csv = demo_csv(5, 2000, 12);
    let (slow, _) = run_counting(&plan, &[("public.csv", &csv)], false, 1 << 20);
    let (fast, fast_rows) = run_counting(&plan, &[("public.csv", &csv)], true, 4099);
    assert!(fast_rows > 1500, "{fast_rows}");
    assert_eq!(slow, fast);
}

/// A stray quote (or a quoted field over the limit) makes a row over
/// `table::csv::MAX_ROW_BYTES`: one `csv_syntax` rejection, then reading goes on after a line
/// end. One pass, the compiled path, and blocks cut anywhere around it (inside the over-long
/// row too) give the same report and result.
#[test]
fn a_row_over_the_limit_reads_the_same_in_blocks() {
    use kaoping_core::table::csv::MAX_ROW_BYTES;
    let plan = demo_plan();
    // The demo's quoted comments out, so that the stray quote finds no closing one.
    let text = String::from_utf8(demo_csv(5, 16_000, 0))
        .unwrap()
        .replace("\"公交班次少，等车时间长\n建议增加高峰期班次\"", "")
        .replace("\"Good service overall, but parking is hard.\"", "");
    assert!(!text.contains('"'));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let comment = lines[0].split(',').position(|h| h == "comment").unwrap();
    let spoil = |lines: &mut Vec<String>, row: usize, cell: String| {
        let mut cells: Vec<String> = lines[row].split(',').map(String::from).collect();
        cells[comment] = cell;
        lines[row] = cells.join(",");
    };
    // Row 3000: a quote never closed. Row 14000: a closed quoted field over the limit, with
    // line breaks in it.
    spoil(&mut lines, 2999, "\"stray".into());
    let long = format!("\"{}\"", "长文本\n".repeat(MAX_ROW_BYTES / 9 + 10));
    spoil(&mut lines, 13_999, long);
    let csv = (lines.join("\n") + "\n").into_bytes();
    let slow = run(&plan, &[("public.csv", &csv)], false, 1 << 20);
    assert_eq!(
        slow.0.matches("over 1 MiB").count(),
        2,
        "{}",
        &slow.0[..2000]
    );
    assert!(slow.0.contains("\"row\":3000,"));
    assert!(slow.0.contains("\"row\":14000,"));
    let fast = run(&plan, &[("public.csv", &csv)], true, 65_537);
    assert_eq!(fast, slow);
    for (cut, block) in [
        (0.1, 4096),
        (0.15, 300_000),
        (0.2, 1 << 20),
        (0.7, 65_536),
        (0.86, 5000),
    ] {
        let (two, _, _) = run_sharded(&plan, &[("public.csv", &csv)], cut, block);
        assert_eq!(two.0, slow.0, "report, cut at {cut}, blocks of {block}");
        assert_eq!(two.1, slow.1, "result, cut at {cut}, blocks of {block}");
    }
}

/// Lone CRs end lines too (old Mac files): a file whose first LF comes after the header row
/// and some lone-CR line ends gives the shard header bytes holding more than one line. The
/// shard numbers its rows from 2 after them all the same, so a rejection in a prepared block
/// has the row number one pass gives. Found by the `csv` fuzz target (2026-12-06,
/// fuzz/regressions/csv/): with a BOM, blocks said row 10 where one pass said row 6.
#[test]
fn lone_cr_line_ends_before_the_first_lf_number_rows_alike() {
    let plan = demo_plan();
    let demo = String::from_utf8(demo_csv(3, 2, 0)).unwrap();
    let lines: Vec<&str> = demo.lines().collect();
    let (header, row, other) = (lines[0], lines[1], lines[2]);
    for bom in ["", "\u{feff}"] {
        let csv = format!("{bom}{header}\r\r\r\r\r\n{row}\r\r\n,w,x\r\r\r\r\r\n{other}\n");
        let slow = run(&plan, &[("public.csv", csv.as_bytes())], false, 1 << 20);
        assert!(slow.0.contains("\"row\":"), "{}", slow.0);
        for cut in [0.0, 0.9] {
            let (two, used, _) = run_sharded(&plan, &[("public.csv", csv.as_bytes())], cut, 1);
            // Without a BOM the session has not decided the encoding after so few bytes, and
            // reads the whole file itself.
            assert!(bom.is_empty() || cut > 0.0 || used > 0, "blocks were used");
            assert_eq!(two.0, slow.0, "report, BOM {bom:?}, cut at {cut}");
            assert_eq!(two.1, slow.1, "result, BOM {bom:?}, cut at {cut}");
        }
    }
}

/// `evaluate` is `finish` then scoring, in one call; a session that only keeps records has
/// nothing to score and says so.
#[test]
fn evaluate_is_finish_then_scoring() {
    let plan = demo_plan();
    let mut csv = Vec::new();
    demo_public_csv(7, 40, 0, &mut |b| csv.extend_from_slice(b));
    let files: [(&str, &[u8]); 1] = [("public.csv", &csv)];
    let (report, result) = run(&plan, &files, true, 1 << 20);
    let mut s = IngestSession::scoring(&plan).unwrap();
    s.begin("public.csv", FileOptions::default()).unwrap();
    s.push(&csv).unwrap();
    let eval = s.evaluate().unwrap();
    assert_eq!(serde_json::to_string(&eval.ingest).unwrap(), report);
    assert_eq!(serde_json::to_string(&eval.result).unwrap(), result);
    let keeping = IngestSession::keeping(&plan);
    assert!(matches!(
        keeping.evaluate(),
        Err(kaoping_core::ingest::IngestError::NotScoring)
    ));
}

/// The fields of every row of a CSV file (quotes as RFC 4180).
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

fn csv_line(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| match f.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", f.replace('"', "\"\"")),
            false => f.clone(),
        })
        .collect();
    quoted.join(",") + "\n"
}

/// The demo CSV (flat layout) as 问卷星 exports it: tool columns, numbered headers (`QN` when
/// `by_number`), option labels (or numbers), items joined by ┋, empty cells as (跳过); with
/// `spoil`, some rows with a district or an item that is no option.
fn to_wjx(plan: &Plan, flat: &[u8], by_number: bool, spoil: bool) -> Vec<u8> {
    use kaoping_core::plan::QuestionKind;
    use kaoping_core::table::{layout_columns, Target};
    let ins = &plan.instruments[0];
    let questions: Vec<_> = ins.questions().collect();
    let cols = layout_columns(ins);
    let zh = |t: &kaoping_core::text::Text| t.0["zh-CN"].clone();
    let rows = parse_csv(flat);
    let targets: Vec<Target> = rows[0]
        .iter()
        .map(|k| cols.iter().find(|c| &c.key == k).unwrap().target)
        .collect();
    let mut header = vec!["所用时间".to_owned(), "来自IP".to_owned()];
    header.extend(targets.iter().map(|t| match *t {
        Target::RespondentId => "序号".to_owned(),
        Target::SubmittedAt => "提交答卷时间".to_owned(),
        Target::PlanId => "plan_id".to_owned(),
        Target::Question(q) if by_number => format!("Q{}", q + 1),
        Target::Question(q) => format!("{}、{}", q + 1, zh(&questions[q].label)),
        Target::MatrixRow(q, r) => match &questions[q].kind {
            QuestionKind::Matrix { rows, .. } => format!("{}、({})", q + 1, zh(&rows[r].label)),
            _ => unreachable!(),
        },
        Target::Option(..) => unreachable!("the flat layout has no option columns"),
        Target::Reason(q) => {
            format!(
                "{}、{}",
                q + 1,
                zh(&questions[q].reason.as_ref().unwrap().label)
            )
        }
    }));
    let mut out = csv_line(&header);
    for (k, row) in rows[1..].iter().enumerate() {
        let mut fields = vec![format!("{}秒", 30 + k % 300), format!("10.0.0.{}", k % 250)];
        for (t, cell) in targets.iter().zip(row) {
            let q = match t {
                Target::Question(q) | Target::MatrixRow(q, _) => Some(questions[*q]),
                _ => None,
            };
            let name = |i: usize, label: &kaoping_core::text::Text| match by_number {
                true => (i + 1).to_string(),
                false => zh(label),
            };
            let spoiled = spoil && k % 97 == 5;
            let recoded = match q.map(|q| &q.kind) {
                _ if cell.is_empty() && !matches!(t, Target::RespondentId) => "(跳过)".into(),
                Some(QuestionKind::Single { .. }) if spoiled => "汉口区".into(),
                // A cell that is no value (random rows) stays as it is.
                Some(QuestionKind::Single { options }) => {
                    match options.iter().position(|o| &o.value == cell) {
                        Some(i) => name(i, &options[i].label),
                        None => cell.clone(),
                    }
                }
                Some(QuestionKind::Multiple { options, .. }) => {
                    let mut items: Vec<String> = cell
                        .split(';')
                        .map(|v| match options.iter().position(|o| o.value == v) {
                            Some(i) => name(i, &options[i].label),
                            None => v.to_owned(),
                        })
                        .collect();
                    if spoil && k % 89 == 7 {
                        items.push("飞行".into());
                    }
                    items.join("┋")
                }
                Some(QuestionKind::Rating { scale, .. } | QuestionKind::Matrix { scale, .. }) => {
                    let point = cell
                        .parse::<f64>()
                        .ok()
                        .and_then(|x| scale.points.iter().position(|p| p.value == x));
                    match (point, cell.as_str()) {
                        (Some(i), _) => name(i, &scale.points[i].label),
                        (None, "unable" | "无法评价") if by_number => {
                            (scale.points.len() + 1).to_string()
                        }
                        (None, "unable" | "无法评价") => "无法评价".into(),
                        (None, _) => cell.clone(),
                    }
                }
                _ => cell.clone(),
            };
            fields.push(recoded);
        }
        out.push_str(&csv_line(&fields));
    }
    out.into_bytes()
}

/// 问卷星's exports of the demo data (by option text and by option number) score exactly as
/// the flat file, on the compiled path and the record path alike, in one pass or in blocks;
/// spoiled, both paths and blocks reject the same rows the same way.
#[test]
fn tool_exports_read_as_the_flat_file_on_both_paths() {
    let plan = demo_plan();
    let flat = demo_csv(5, 1200, 0);
    let (flat_report, flat_result) = run(&plan, &[("public.csv", &flat)], true, 1 << 20);
    for by_number in [false, true] {
        for spoil in [false, true] {
            let wjx = to_wjx(&plan, &flat, by_number, spoil);
            let file = [("public.csv", wjx.as_slice())];
            let slow = run(&plan, &file, false, 1 << 20);
            let (fast, fast_rows) = run_counting(&plan, &file, true, 7919);
            assert_eq!(slow, fast, "by number {by_number}, spoiled {spoil}");
            assert!(fast_rows > 1100, "{fast_rows}");
            if spoil {
                assert!(slow.0.contains("unknown_option"), "{}", slow.0);
            } else {
                assert_eq!(fast.1, flat_result, "scores as the flat file");
                assert_eq!(
                    flat_report.contains("\"accepted\":1200"),
                    fast.0.contains("\"accepted\":1200")
                );
            }
            for (cut, block) in [(0.2, 5000), (0.6, 1), (0.9, 65536)] {
                let (two, used, _) = run_sharded(&plan, &file, cut, block);
                assert_eq!(two, slow, "cut at {cut}, blocks of {block}");
                assert!(used >= 1);
            }
        }
    }
}
