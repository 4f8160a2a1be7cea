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
