//! The respondent build's hand readers of the answers, the submission and a portal's prefill
//! (`Answers::from_value`, `Submission::from_value`, `record::answer_map`), and the review
//! page's (`ReviewAnswers::from_value`, `ReviewSubmission::from_value`), against serde's
//! derive: the same value or the same error text, on a full submission with every value
//! replaced by values of each JSON type, every key removed, and every object written as an
//! array of its fields.

use kaoping_core::form::Answers;
use kaoping_core::record::{answer_map, Submission};
use kaoping_core::review::{ReviewAnswers, ReviewSubmission};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn submission() -> Value {
    json!({
        "instrument": "public",
        "respondent_id": "r-1",
        "reviewer": false,
        "started_ms": 1_700_000_000_000.0,
        "submitted_ms": 1_700_000_060_000u64,
        "lang": "zh-CN",
        "answers": {
            "values": {"district": "jiangan", "services": {"roads": 4, "parks": "unable"},
                       "priorities": ["housing", "other"], "age": 3},
            "reasons": {"services": "路面破损"}
        },
        "earlier_submissions": 2,
        "code": "ABCD-EFGH-JKLM",
        "prefill": {"district": "jiangan"}
    })
}

/// Values every path is replaced by: each JSON type, and the edges of the numbers.
fn replacements() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(3),
        json!(-1),
        json!(4294967296u64),
        json!(2.5),
        json!(1e20),
        json!("x"),
        json!("line\nbreak \"q\" 中文"),
        json!([]),
        json!(["a", 1]),
        json!({}),
        json!({"a": "b"}),
    ]
}

fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<String>) {
    out.push(at.concat());
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                // A JSON pointer's escapes (RFC 6901): a comment's key holds a slash.
                at.push(format!("/{}", k.replace('~', "~0").replace('/', "~1")));
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(format!("/{i}"));
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn same<T: PartialEq + std::fmt::Debug + for<'de> Deserialize<'de>>(
    v: &Value,
    hand: fn(&Value) -> Result<T, serde_json::Error>,
    what: &str,
) {
    let by_hand = hand(v).map_err(|e| e.to_string());
    let by_serde = T::deserialize(v).map_err(|e| e.to_string());
    assert_eq!(by_hand, by_serde, "{what}: {v}");
}

fn check_all(v: &Value, what: &str) {
    same::<Submission>(v, Submission::from_value, what);
    same::<Answers>(v, Answers::from_value, what);
    same::<BTreeMap<String, Value>>(v, answer_map, what);
}

/// `check` on every variant of `base`: each value replaced by each of [`replacements`], and
/// each key removed. Gives how many values were replaced.
fn every_variant(base: &Value, check: &dyn Fn(&Value, &str)) -> usize {
    let mut all = Vec::new();
    paths(base, &mut Vec::new(), &mut all);
    let mut cases = 0;
    for path in &all {
        for r in replacements() {
            let mut v = base.clone();
            *v.pointer_mut(path).unwrap() = r;
            check(&v, path);
            cases += 1;
        }
        if let Some((parent, key)) = path.rsplit_once('/') {
            let mut v = base.clone();
            if let Some(Value::Object(m)) = v.pointer_mut(parent) {
                m.remove(&key.replace("~1", "/").replace("~0", "~"));
                check(&v, &format!("{path} removed"));
            }
        }
    }
    cases
}

/// `check` on `base`'s fields written as an array in `order` (the struct's declaration
/// order): none, each prefix, all, and all with one element too many.
fn as_arrays(base: &Value, order: &[&str], check: &dyn Fn(&Value, &str)) {
    let in_order: Vec<Value> = order.iter().map(|k| base[*k].clone()).collect();
    for n in 0..=in_order.len() + 1 {
        let mut items: Vec<Value> = in_order.iter().take(n).cloned().collect();
        if n > in_order.len() {
            items.push(json!("extra"));
        }
        check(&Value::Array(items), &format!("array of {n}"));
    }
}

/// [`check_all`], and the answers object alone, as the form session and prefill check get it.
fn check_submission(v: &Value, what: &str) {
    check_all(v, what);
    if let Some(a) = v.get("answers") {
        same::<Answers>(a, Answers::from_value, what);
    }
}

#[test]
fn a_submission_reads_as_serde_reads_it() {
    let base = submission();
    check_all(&base, "as is");
    assert!(Submission::from_value(&base).is_ok());
    let cases = every_variant(&base, &check_submission);
    assert!(cases > 250, "{cases}");
}

#[test]
fn structs_written_as_arrays_read_as_serde_reads_them() {
    let base = submission();
    // serde_json's map is sorted by key; an array follows the struct's declaration order.
    let order = [
        "instrument",
        "respondent_id",
        "reviewer",
        "started_ms",
        "submitted_ms",
        "lang",
        "answers",
        "earlier_submissions",
        "code",
        "prefill",
    ];
    as_arrays(&base, &order, &check_all);
    let answers = json!([{"q": 1}, {"q": "why"}]);
    same::<Answers>(&answers, Answers::from_value, "answers as an array");
    same::<Answers>(
        &json!([{"q": 1}, {"q": 5}]),
        Answers::from_value,
        "bad reason",
    );
}

fn review_submission() -> Value {
    json!({
        "instrument": "expert",
        "started_ms": 1_700_000_000_000u64,
        "submitted_ms": 1_700_000_090_000.5,
        "lang": "en",
        "answers": {
            "reviewer": "E01",
            "group": "industry",
            "quarter": "2026-Q2",
            "recused": ["hanyang"],
            "scores": {"jiangan": {"i1": 8, "i2": "unable", "i3": "8o"}, "wuchang": {}},
            "comments": {"jiangan/i1": "材料齐全"}
        },
        "earlier_submissions": 1
    })
}

#[test]
fn a_review_submission_reads_as_serde_reads_it() {
    let base = review_submission();
    let check = |v: &Value, what: &str| {
        same::<ReviewSubmission>(v, ReviewSubmission::from_value, what);
        same::<ReviewAnswers>(v, ReviewAnswers::from_value, what);
        if let Some(a) = v.get("answers") {
            same::<ReviewAnswers>(a, ReviewAnswers::from_value, what);
        }
    };
    check(&base, "as is");
    assert!(ReviewSubmission::from_value(&base).is_ok());
    let cases = every_variant(&base, &check);
    assert!(cases > 250, "{cases}");
    let order = [
        "instrument",
        "started_ms",
        "submitted_ms",
        "lang",
        "answers",
        "earlier_submissions",
    ];
    as_arrays(&base, &order, &check);
}
