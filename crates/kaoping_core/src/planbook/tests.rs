use super::*;
use crate::canonical::fingerprint_value;
use crate::plan::DEMO_PLAN_JSON;

fn demo() -> Value {
    serde_json::from_str(DEMO_PLAN_JSON).unwrap()
}

fn round_trip(plan: &Value, lang: BookLang) -> Value {
    let book = plan_to_xlsx(plan, lang);
    let (back, problems) = read_workbook(&book);
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    back.unwrap()
}

#[test]
fn the_demo_plan_comes_back_the_same_in_both_languages() {
    let plan = demo();
    for lang in [BookLang::Zh, BookLang::En] {
        let back = round_trip(&plan, lang);
        assert_eq!(
            fingerprint_value(&back),
            fingerprint_value(&plan),
            "{lang:?}"
        );
        assert_eq!(back, plan);
    }
    let read = plan_from_xlsx(&plan_to_xlsx(&plan, BookLang::Zh)).unwrap();
    assert_eq!(read.sha256, crate::plan::DEMO_PLAN_SHA256);
    assert!(read.warnings.is_empty(), "{:#?}", read.warnings);
}

#[test]
fn quality_rules_come_back_the_same_and_valid() {
    let mut plan = demo();
    plan["scoring"]["quality"] = serde_json::json!({
        "speeder": {"action": "down_weight", "weight": 0.5},
        "straight_lining": {"action": "exclude"},
        "repeat": {"action": "count"},
        "instruments": ["public"]
    });
    for lang in [BookLang::Zh, BookLang::En] {
        let back = round_trip(&plan, lang);
        assert_eq!(back, plan, "{lang:?}");
    }
    let read = plan_from_xlsx(&plan_to_xlsx(&plan, BookLang::En)).expect("a valid plan");
    let parsed = crate::validate::validate_plan(&read.json)
        .plan
        .expect("a plan");
    let rules = crate::score::ScoringRules::of(&parsed).unwrap();
    assert_eq!(
        rules.quality.map(|q| q.speeder),
        Some(crate::score::QualityAction::DownWeight { weight: 0.5 })
    );
}

#[test]
fn a_plan_file_is_a_workbook_or_a_json_text() {
    let book = plan_to_xlsx(&demo(), BookLang::En);
    let read = plan_text_of_file("plan.bin", &book).unwrap();
    assert_eq!(read.sha256, crate::plan::DEMO_PLAN_SHA256);
    let text = plan_text_of_file("plan.json", DEMO_PLAN_JSON.as_bytes()).unwrap();
    assert_eq!(text.json, DEMO_PLAN_JSON);
    assert_eq!(text.sha256, crate::plan::DEMO_PLAN_SHA256);
    let broken = plan_text_of_file("plan.xlsx", b"{}").unwrap_err();
    assert_eq!(broken[0].code, "not_a_workbook");
}

mod generated {
    //! Plans generated from the demo plan: values of every JSON type (nested, empty, `null`,
    //! texts that look like numbers or booleans, spreadsheet-hostile characters) put at
    //! random places under the keys a workbook gives meaning to, keys removed, languages
    //! changed. Each comes back from its workbook, in both languages, unchanged.
    use super::*;
    use proptest::prelude::*;
    use serde_json::Map;

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            // A float that serde_json reads back as itself (without its `float_roundtrip`
            // feature it may not: the plan's own JSON reading has the same limit).
            any::<f64>()
                .prop_map(Value::from)
                .prop_filter("JSON text round trip", |v| {
                    serde_json::from_str::<Value>(&v.to_string()).ok().as_ref() == Some(v)
                }),
            (0u32..1000).prop_map(|n| Value::from(f64::from(n) / 10.0)),
            "[ a-z0-9,:/\\n\\r\"{}一是-]{0,8}".prop_map(Value::String),
            Just(Value::String("TRUE".into())),
            Just(Value::String("6.0".into())),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "id",
                "name",
                "label",
                "title",
                "zh-CN",
                "en",
                "ug",
                "veto",
                "weights",
                "options",
                "rows",
                "scale",
                "points",
                "value",
                "score",
                "questions",
                "sections",
                "review",
                "groups",
                "constraints",
                "expr",
                "message",
                "type",
                "min",
                "max",
                "step",
                "json",
                "其他JSON",
                "components",
                "category",
                "scoring",
                "tracking",
                "grades",
                "indicators",
                "languages",
                "reason",
                "help",
                "unable",
            ])
            .prop_map(str::to_owned),
            "[a-z:/~ ]{1,5}",
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    /// Every object's pointer in `v`.
    fn objects(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    let step = k.replace('~', "~0").replace('/', "~1");
                    objects(c, format!("{at}/{step}"), out);
                }
                out.push(at);
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    objects(c, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[derive(Debug, Clone)]
    enum Edit {
        Put(usize, String, Value),
        Remove(usize, String),
        Languages(Vec<String>),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            4 => (any::<usize>(), key(), value()).prop_map(|(i, k, v)| Edit::Put(i, k, v)),
            2 => (any::<usize>(), key()).prop_map(|(i, k)| Edit::Remove(i, k)),
            1 => prop::sample::subsequence(vec!["zh-CN", "en", "ug"], 0..=3)
                .prop_map(|l| Edit::Languages(l.into_iter().map(str::to_owned).collect())),
        ]
    }

    fn apply(plan: &mut Value, edit: Edit) {
        let mut at = Vec::new();
        objects(plan, String::new(), &mut at);
        let target = |i: usize| at[i % at.len()].clone();
        match edit {
            Edit::Put(i, k, v) => {
                if let Some(Value::Object(m)) = plan.pointer_mut(&target(i)) {
                    m.insert(k, v);
                }
            }
            Edit::Remove(i, k) => {
                if let Some(Value::Object(m)) = plan.pointer_mut(&target(i)) {
                    m.remove(&k);
                }
            }
            Edit::Languages(l) => {
                plan["languages"] = serde_json::json!(l);
            }
        }
    }

    /// Where two values differ (pointer: written, read).
    fn differences(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                    let p = format!("{at}/{k}");
                    match (x.get(k), y.get(k)) {
                        (Some(u), Some(v)) => differences(u, v, p, out),
                        (u, v) => out.push(format!("{p}: {u:?} → {v:?}")),
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    differences(u, v, format!("{at}/{i}"), out);
                }
            }
            _ if a != b => out.push(format!("{at}: {a} → {b}")),
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn a_generated_plan_comes_back_from_its_workbook(edits in prop::collection::vec(edit(), 1..6)) {
            let mut plan = demo();
            for e in edits {
                apply(&mut plan, e);
            }
            for lang in [BookLang::Zh, BookLang::En] {
                let (back, _) = read_workbook(&plan_to_xlsx(&plan, lang));
                let back = back.unwrap_or(Value::Null);
                if back != plan {
                    let mut at = Vec::new();
                    differences(&plan, &back, String::new(), &mut at);
                    prop_assert!(false, "{lang:?}: {at:?}");
                }
            }
        }
    }
}

mod arbitrary_books {
    //! Any workbook of the right sheet and column names with any cells is read without a
    //! panic: every oddity is a problem at its cell.
    use super::*;
    use crate::cells::Cell;
    use crate::xlsx::{write_workbook, Sheet};
    use proptest::prelude::*;

    const SHEET_NAMES: &[&str] = &[
        "设置",
        "settings",
        "类别",
        "单位",
        "指标",
        "表单",
        "instruments",
        "表单-a",
        "a",
        "选项",
        "量表",
        "评审组",
        "计分",
        "跟踪",
        "等次",
        "计分-x",
        "targets",
        "其他",
    ];
    const HEADERS: &[&str] = &[
        "id",
        "编号",
        "name",
        "名称::zh-CN",
        "name::en",
        "label::zh-CN",
        "标签::en",
        "type",
        "题型",
        "sheet",
        "工作表",
        "list_name",
        "choices",
        "rows",
        "scale",
        "min",
        "max",
        "step",
        "value",
        "score",
        "weight::a",
        "权重::b",
        "veto",
        "json",
        "其他JSON",
        "key",
        "值",
        "instrument",
        "review_scale",
        "constraint",
        "constraint_message::en",
        "languages",
        "kind",
        "category",
        "indicators",
        "",
        "zh-CN",
        "en",
    ];
    const CELLS: &[&str] = &[
        "",
        "a",
        "b",
        "x",
        "表单-a",
        "a",
        "begin_group",
        "end_group",
        "begin group",
        "single",
        "matrix",
        "TRUE",
        "否",
        "0.30000000000000004",
        "1",
        "-3",
        "1e400",
        "abc",
        "{",
        "[1]",
        "{\"a\":1}",
        "{\"questions\":[]}",
        "null",
        "\"s\"",
        "zh-CN",
        "en",
        "a, b",
        "::",
    ];

    fn sheet() -> impl Strategy<Value = Sheet> {
        (
            prop::sample::select(SHEET_NAMES),
            prop::collection::vec(prop::sample::select(HEADERS), 0..8),
            prop::collection::vec(
                prop::collection::vec(prop::sample::select(CELLS), 0..8),
                0..8,
            ),
        )
            .prop_map(|(name, headers, rows)| Sheet {
                name: name.to_owned(),
                headers: headers.into_iter().map(str::to_owned).collect(),
                rows: rows
                    .into_iter()
                    .map(|r| r.into_iter().map(|c| Cell::Text(c.to_owned())).collect())
                    .collect(),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
        #[test]
        fn any_book_is_read_without_a_panic(sheets in prop::collection::vec(sheet(), 0..7)) {
            let book = write_workbook(&sheets);
            let (plan, problems) = read_workbook(&book);
            prop_assert!(plan.is_some() || !problems.is_empty());
            if let Err(problems) = plan_from_xlsx(&book) {
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(!p.message.get("zh-CN").is_empty() && !p.message.get("en").is_empty());
                }
            }
        }
    }

    #[test]
    fn bytes_that_are_not_a_workbook_are_one_problem() {
        let (plan, problems) = read_workbook(b"not a zip");
        assert!(plan.is_none());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "not_a_workbook");
        assert!(plan_from_xlsx(b"").is_err());
    }
}

mod hand_made {
    //! Workbooks as a person might write them, and the problem each mistake gives.
    use super::*;
    use crate::cells::Cell;
    use crate::xlsx::{write_workbook, Sheet};

    fn sheet(name: &str, headers: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            headers: headers.iter().map(|s| (*s).to_owned()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| Cell::Text((*c).to_owned())).collect())
                .collect(),
        }
    }

    fn codes(problems: &[Problem]) -> Vec<(String, &'static str)> {
        problems.iter().map(|p| (p.cell.clone(), p.code)).collect()
    }

    #[test]
    fn each_mistake_is_named_at_its_cell() {
        let book = write_workbook(&[
            sheet(
                "settings",
                &["id", "version", "year", "title::zh-CN"],
                &[&["p", "1", "2026", "方案"], &["q"]],
            ),
            sheet(
                "表单",
                &["编号", "类型", "工作表", "标题::zh-CN"],
                &[
                    &["s", "survey", "问卷", "问卷"],
                    &["t", "survey", "没有这张表", "问卷二"],
                ],
            ),
            sheet(
                "问卷",
                &["type", "name", "label::zh-CN", "required", "required"],
                &[
                    &["text", "q0", "在分组之外"],
                    &["end_group"],
                    &["begin_group", "p1", "第一页", "TRUE"],
                    &["text", "q1", "问题", "也许"],
                    &["begin_group", "p2", "第二页"],
                ],
            ),
            sheet("杂项", &["x"], &[&["1"]]),
        ]);
        let (plan, problems) = read_workbook(&book);
        let got = codes(&problems);
        let want = [
            ("问卷!E1", "duplicate_column"),
            ("问卷!A2", "outside_group"),
            ("问卷!A3", "end_without_begin"),
            ("问卷!D4", "not_for_group"),
            ("问卷!D5", "not_yes_no"),
            ("问卷!A6", "group_not_closed"),
            ("问卷", "group_not_closed"),
            ("表单!C3", "missing_sheet"),
            ("settings!A3", "extra_settings_row"),
            ("杂项", "unknown_sheet"),
        ];
        for w in want {
            assert!(got.contains(&(w.0.to_owned(), w.1)), "{w:?} not in {got:?}");
        }
        let plan = plan.unwrap();
        assert_eq!(plan["instruments"][0]["sections"][1]["id"], "p2");
        assert_eq!(plan["year"], 2026);
        let e = problems.iter().find(|p| p.code == "not_yes_no").unwrap();
        assert_eq!(e.path, "/instruments/0/sections/0/questions/0/required");
        assert!(e.message.get("zh-CN").contains("“也许”不是“是/否”"));
        assert!(e.message.get("en").contains("\"也许\" is not yes or no"));
    }

    #[test]
    fn a_blank_template_has_every_sheet_and_reads_as_an_empty_plan() {
        for lang in [BookLang::Zh, BookLang::En] {
            let book = template_xlsx(lang);
            let names = crate::xlsx::sheet_names(&book).unwrap();
            assert!(names.len() >= 8, "{names:?}");
            let (plan, problems) = read_workbook(&book);
            assert!(
                problems.iter().all(|p| p.severity == Severity::Warning),
                "{problems:?}"
            );
            assert_eq!(
                plan.unwrap()["languages"],
                serde_json::json!(["zh-CN", "en"])
            );
        }
        let names = crate::xlsx::sheet_names(&template_xlsx(BookLang::Zh)).unwrap();
        assert!(names.contains(&"指标".to_owned()) && names.contains(&"选项".to_owned()));
    }
}
