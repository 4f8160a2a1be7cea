//! The live form session (`form::FormSession`, issue 19) against the full evaluation
//! (`form::evaluate`, the reference): a hand-made plan with a relevance chain, section
//! relevance, a constraint on another answer and a written reason, change by change with the
//! exact diff expected; then random plans and random answer sequences (clearing answers,
//! values of the wrong type or off the scale, unknown ids, conditions that do not parse),
//! where after every change the session's state is `evaluate`'s and the diffs, applied in turn,
//! give that state too, each question in a diff having really changed.

use kaoping_core::form::{evaluate, Answers, FormDiff, FormSession, FormState, QuestionStatus};
use kaoping_core::plan::Instrument;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn text(s: &str) -> Value {
    json!({"zh-CN": s, "en": s})
}

fn instrument(sections: Vec<Value>) -> Instrument {
    serde_json::from_value(json!({
        "id": "t", "kind": "survey", "title": text("T"), "sections": sections,
    }))
    .expect("the test instrument parses")
}

fn rating(id: &str) -> Value {
    json!({"id": id, "type": "rating", "required": true, "label": text(id),
           "scale": {"min": 1, "max": 5, "step": 1, "points": []}})
}

/// Ids of the questions in a diff.
fn ids(diff: &FormDiff) -> Vec<&str> {
    diff.questions.iter().map(|q| q.question.as_str()).collect()
}

fn status<'a>(diff: &'a FormDiff, id: &str) -> &'a QuestionStatus {
    diff.questions.iter().find(|q| q.question == id).unwrap()
}

fn codes(st: &QuestionStatus) -> Vec<&str> {
    st.issues.iter().map(|i| i.code.as_str()).collect()
}

/// The chain q1 → q2 → q3, section `more` shown by q1, q3's constraint reading q2, q5's reason.
fn chain() -> Instrument {
    let mut q2 = rating("q2");
    q2["relevant"] = json!("q1 = 'yes'");
    let q3 = json!({"id": "q3", "type": "number", "required": true, "label": text("q3"),
        "relevant": "q2 >= 3",
        "constraints": [{"expr": ". <= q2 * 10", "message": text("at most ten times q2")}]});
    let mut q5 = rating("q5");
    q5["reason"] = json!({"at_or_below": 2, "label": text("why")});
    instrument(vec![
        json!({"id": "a", "title": text("A"), "questions": [
            {"id": "q1", "type": "single", "required": true, "label": text("q1"),
             "options": [{"value": "yes", "label": text("yes")}, {"value": "no", "label": text("no")}]},
            q2, q3]}),
        json!({"id": "more", "title": text("More"), "relevant": "q1 = 'yes'", "questions": [
            {"id": "q4", "type": "text", "label": text("q4"), "max_length": 3}]}),
        json!({"id": "c", "title": text("C"), "questions": [q5]}),
    ])
}

#[test]
fn a_hand_made_chain_change_by_change() {
    let ins = chain();
    let mut s = FormSession::new(&ins, Answers::default(), "en");
    let full = |s: &FormSession| evaluate(&ins, s.answers(), "en");
    assert_eq!(s.state(), full(&s));
    assert_eq!(s.state().questions, ["q1", "q5"]);
    assert_eq!(s.state().sections, ["a", "c"]);

    // q1 answered: q2 shows (q3 still not: q2 is unanswered), and with it the section `more`.
    let d = s.set_answer("q1", json!("yes"));
    assert_eq!(ids(&d), ["q1", "q2", "q4"]);
    assert!(status(&d, "q1").issues.is_empty());
    assert_eq!(codes(status(&d, "q2")), ["required"]);
    assert_eq!(
        d.sections.as_deref(),
        Some(&["a".into(), "more".into(), "c".into()][..])
    );
    assert_eq!((d.answered, d.total, d.complete), (1, 4, false));
    assert_eq!(s.state(), full(&s));

    // q2 = 4 shows q3, which is required.
    let d = s.set_answer("q2", json!(4));
    assert_eq!(ids(&d), ["q2", "q3"]);
    assert!(status(&d, "q3").shown);
    assert_eq!(codes(status(&d, "q3")), ["required"]);
    assert_eq!(d.sections, None);

    // q3 = 50 breaks its constraint (at most 40); q2 = 5 mends it: q3 reads q2.
    let d = s.set_answer("q3", json!(50));
    assert_eq!(ids(&d), ["q3"]);
    assert_eq!(codes(status(&d, "q3")), ["constraint"]);
    assert_eq!(status(&d, "q3").issues[0].message, "at most ten times q2");
    let d = s.set_answer("q2", json!(5));
    assert_eq!(ids(&d), ["q3"], "q2 had no issue before and has none now");
    assert!(status(&d, "q3").issues.is_empty());
    assert_eq!(s.state(), full(&s));

    // q2 off the scale: its own issue, and q3's constraint now reads a bad q2 (6 * 10 = 60).
    let d = s.set_answer("q2", json!(6));
    assert_eq!(ids(&d), ["q2"]);
    assert_eq!(codes(status(&d, "q2")), ["not_on_scale"]);
    assert_eq!(s.state(), full(&s));

    // q1 = no: q2 hides, so q3 (which reads q2) hides too, transitively; `more` hides.
    let d = s.set_answer("q1", json!("no"));
    assert_eq!(ids(&d), ["q2", "q3", "q4"]);
    assert!(d.questions.iter().all(|q| !q.shown && q.issues.is_empty()));
    assert_eq!(d.sections.as_deref(), Some(&["a".into(), "c".into()][..]));
    assert_eq!((d.answered, d.total), (1, 2));
    assert_eq!(s.state(), full(&s));

    // An answer nothing reads changes only its own question; a low one asks for the reason.
    let d = s.set_answer("q5", json!(1));
    assert_eq!(ids(&d), ["q5"]);
    assert!(status(&d, "q5").reason_required);
    assert_eq!(codes(status(&d, "q5")), ["reason_required"]);
    let d = s.set_reason("q5", Some("slow".into()));
    assert_eq!(ids(&d), ["q5"]);
    assert!(status(&d, "q5").issues.is_empty());
    assert!(d.complete);
    assert_eq!(s.state(), full(&s));

    // The same answer again changes nothing; clearing q1 hides nothing more but adds its issue.
    assert!(s.set_answer("q5", json!(1)).questions.is_empty());
    let d = s.set_answer("q1", Value::Null);
    assert_eq!(ids(&d), ["q1"]);
    assert_eq!(codes(status(&d, "q1")), ["required"]);
    assert_eq!(s.state(), full(&s));
}

#[test]
fn forward_references_read_the_answer_whether_shown_or_not() {
    // `evaluate` hides questions as it goes: a condition reading a later question reads its
    // answer as given, one reading an earlier hidden question reads nothing.
    let mut q1 = rating("q1");
    q1["relevant"] = json!("q3 >= 3");
    let mut q3 = rating("q3");
    q3["relevant"] = json!("q2 = 1");
    let ins = instrument(vec![
        json!({"id": "a", "title": text("A"), "questions": [q1, rating("q2"), q3]}),
    ]);
    let mut s = FormSession::new(&ins, Answers::default(), "zh-CN");
    for (id, v) in [
        ("q3", json!(4)),
        ("q2", json!(1)),
        ("q2", json!(2)),
        ("q3", json!(5)),
    ] {
        s.set_answer(id, v);
        assert_eq!(
            s.state(),
            evaluate(&ins, s.answers(), "zh-CN"),
            "after {id}"
        );
    }
    assert_eq!(
        s.state().questions,
        ["q1", "q2"],
        "q1 reads q3's answer though q3 is hidden"
    );
}

#[test]
fn a_repeated_id_gives_what_evaluate_gives() {
    let mut second = rating("q1");
    second["relevant"] = json!("q1 = 2");
    second["constraints"] = json!([{"expr": ". > 1", "message": text("more")}]);
    let ins = instrument(vec![
        json!({"id": "a", "title": text("A"), "questions": [rating("q1"), second]}),
    ]);
    let mut s = FormSession::new(&ins, Answers::default(), "en");
    for v in [json!(2), json!(9), json!(1), Value::Null, json!(2)] {
        s.set_answer("q1", v);
        assert_eq!(s.state(), evaluate(&ins, s.answers(), "en"));
    }
}

#[test]
fn every_fixture_answered_one_answer_at_a_time() {
    // The forms fixtures' instrument has a question of every kind and rule.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/forms");
    let ins: Instrument =
        serde_json::from_str(&std::fs::read_to_string(dir.join("_instrument.json")).unwrap())
            .unwrap();
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path().join("answers.json");
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let answers: Answers = serde_json::from_str(&src).unwrap();
        for lang in ["zh-CN", "en"] {
            let mut s = FormSession::new(&ins, Answers::default(), lang);
            for (id, v) in &answers.values {
                s.set_answer(id, v.clone());
                assert_eq!(s.state(), evaluate(&ins, s.answers(), lang), "{path:?}");
            }
            for (id, r) in &answers.reasons {
                s.set_reason(id, Some(r.clone()));
            }
            assert_eq!(s.state(), evaluate(&ins, &answers, lang), "{path:?}");
            let whole = FormSession::new(&ins, answers.clone(), lang);
            assert_eq!(whole.state(), evaluate(&ins, &answers, lang), "{path:?}");
        }
        cases += 1;
    }
    assert!(cases >= 20, "{cases} cases");
}

// ---- random plans and answer sequences --------------------------------------------------------

/// A condition on question `j` of the plan (or on an id the plan does not have, or one that
/// does not parse).
fn condition(n: usize) -> impl Strategy<Value = String> {
    let id = (0..n + 1).prop_map(move |j| {
        if j == n {
            "zz".to_owned()
        } else {
            format!("q{j}")
        }
    });
    (id.clone(), id, 0..8u8, 0..7i32).prop_map(|(a, b, shape, k)| match shape {
        0 => format!("{a} >= {k}"),
        1 => format!("{a} = 'a'"),
        2 => format!("not empty({a})"),
        3 => format!("selected({a}, 'b') or {b} < {k}"),
        4 => format!("{a} >= {k} and not empty({b})"),
        5 => format!("empty({a})"),
        6 => format!("{a} >="),
        _ => format!("count({a}) = 1 or {b} = 'c'"),
    })
}

fn constraint(n: usize) -> impl Strategy<Value = String> {
    ((0..n + 1), 0..4u8).prop_map(move |(j, shape)| {
        let b = if j == n {
            "zz".to_owned()
        } else {
            format!("q{j}")
        };
        match shape {
            0 => format!(". <= {b}"),
            1 => format!(". != {b} or empty({b})"),
            2 => "count(.) <= 1".to_owned(),
            _ => format!("len(.) > 1 or {b} > 2"),
        }
    })
}

fn question(i: usize, n: usize) -> impl Strategy<Value = Value> {
    (
        0..5u8,
        any::<bool>(),
        proptest::option::weighted(0.6, condition(n)),
        proptest::collection::vec(constraint(n), 0..3),
        any::<bool>(),
    )
        .prop_map(move |(kind, required, relevant, constraints, extra)| {
            let opts = json!([{"value": "a", "label": text("a")}, {"value": "b", "label": text("b")},
                              {"value": "c", "label": text("c")}]);
            let mut q = match kind {
                0 => rating(""),
                1 => json!({"type": "single", "options": opts}),
                2 => json!({"type": "multiple", "options": opts, "max_select": 2}),
                3 => json!({"type": "number", "min": 0, "max": 10}),
                _ => json!({"type": "text", "max_length": 3}),
            };
            q["id"] = json!(format!("q{i}"));
            q["label"] = text("q");
            q["required"] = json!(required);
            if kind == 0 && extra {
                q["unable"] = json!(true);
                q["reason"] = json!({"at_or_below": 2, "label": text("why"), "min_length": 2});
            }
            if let Some(r) = relevant {
                q["relevant"] = json!(r);
            }
            let cs: Vec<Value> =
                constraints.iter().map(|c| json!({"expr": c, "message": text(c)})).collect();
            q["constraints"] = json!(cs);
            q
        })
}

/// A plan of 1–12 questions in up to 4 sections, some sections with their own relevance.
fn plan() -> impl Strategy<Value = Instrument> {
    (1..13usize)
        .prop_flat_map(|n| {
            let qs: Vec<_> = (0..n).map(|i| question(i, n)).collect();
            (
                qs,
                proptest::collection::vec(proptest::option::weighted(0.4, condition(n)), 4),
                proptest::collection::vec(0..n, 0..4),
            )
        })
        .prop_map(|(qs, section_rel, mut cuts)| {
            cuts.sort_unstable();
            let mut sections = Vec::new();
            let mut from = 0;
            for (k, &to) in cuts.iter().chain([&qs.len()]).enumerate() {
                let mut s = json!({"id": format!("s{k}"), "title": text("S"),
                                   "questions": qs[from..to.max(from)]});
                if let Some(r) = &section_rel[k] {
                    s["relevant"] = json!(r);
                }
                sections.push(s);
                from = to.max(from);
            }
            instrument(sections)
        })
}

#[derive(Debug, Clone)]
enum Op {
    Answer(String, Value),
    Reason(String, Option<String>),
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        (-1..8i32).prop_map(|k| json!(k)),
        Just(json!(2.5)),
        Just(json!("unable")),
        prop::sample::select(vec!["a", "b", "c", "zz", "", "  ", "abcd", "1"])
            .prop_map(|s| json!(s)),
        Just(json!(["a", "b"])),
        Just(json!(["a", "b", "c"])),
        Just(json!(["b"])),
        Just(json!([])),
        Just(json!({"r": 1})),
        Just(json!(true)),
    ]
}

fn ops(n: usize) -> impl Strategy<Value = Vec<Op>> {
    let id = (0..n + 1).prop_map(move |j| {
        if j == n {
            "zz".to_owned()
        } else {
            format!("q{j}")
        }
    });
    let op = prop_oneof![
        6 => (id.clone(), value()).prop_map(|(i, v)| Op::Answer(i, v)),
        1 => (id, proptest::option::of(prop::sample::select(vec!["", "x", "long enough"])))
            .prop_map(|(i, r)| Op::Reason(i, r.map(str::to_owned))),
    ];
    proptest::collection::vec(op, 0..40)
}

/// Each question's status as `evaluate` gives it (the plans here have no repeated id).
fn statuses(ins: &Instrument, state: &FormState) -> BTreeMap<String, QuestionStatus> {
    let all = ins.sections.iter().flat_map(|s| &s.questions);
    all.map(|q| {
        let st = QuestionStatus {
            question: q.id.clone(),
            shown: state.questions.contains(&q.id),
            reason_required: state.reasons_required.contains(&q.id),
            issues: state
                .issues
                .iter()
                .filter(|i| i.question == q.id)
                .cloned()
                .collect(),
        };
        (q.id.clone(), st)
    })
    .collect()
}

/// The page's view rebuilt from statuses kept from the diffs.
fn rebuilt(
    ins: &Instrument,
    kept: &BTreeMap<String, QuestionStatus>,
    head: &FormState,
) -> FormState {
    let shown: Vec<&QuestionStatus> = ins
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .map(|q| &kept[&q.id])
        .filter(|s| s.shown)
        .collect();
    FormState {
        sections: head.sections.clone(),
        questions: shown.iter().map(|s| s.question.clone()).collect(),
        reasons_required: shown
            .iter()
            .filter(|s| s.reason_required)
            .map(|s| s.question.clone())
            .collect(),
        issues: shown
            .iter()
            .flat_map(|s| s.issues.iter().cloned())
            .collect(),
        answered: head.answered,
        total: head.total,
        complete: head.complete,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn incremental_equals_full((ins, ops) in plan().prop_flat_map(|ins| {
        let n = ins.sections.iter().map(|s| s.questions.len()).sum();
        (Just(ins), ops(n))
    }), en in any::<bool>()) {
        let lang = if en { "en" } else { "zh-CN" };
        let mut s = FormSession::new(&ins, Answers::default(), lang);
        let first = evaluate(&ins, &Answers::default(), lang);
        prop_assert_eq!(s.state(), first.clone());
        let mut kept = statuses(&ins, &first);
        let mut head = first;
        for op in &ops {
            let diff = match op {
                Op::Answer(id, v) => s.set_answer(id, v.clone()),
                Op::Reason(id, r) => s.set_reason(id, r.clone()),
            };
            let full = evaluate(&ins, s.answers(), lang);
            prop_assert_eq!(&s.state(), &full, "after {:?}", op);
            // A cleared answer or reason, kept as null or "", reads as one never given.
            let mut given = s.answers().clone();
            given.values.retain(|_, v| !v.is_null());
            given.reasons.retain(|_, r| !r.is_empty());
            prop_assert_eq!(&evaluate(&ins, &given, lang), &full, "after {:?}", op);
            for st in &diff.questions {
                prop_assert_ne!(&kept[&st.question], st, "in the diff without a change");
                kept.insert(st.question.clone(), st.clone());
            }
            if let Some(sections) = &diff.sections {
                prop_assert_ne!(&head.sections, sections);
                head.sections = sections.clone();
            }
            (head.answered, head.total, head.complete) = (diff.answered, diff.total, diff.complete);
            prop_assert_eq!(&rebuilt(&ins, &kept, &head), &full, "diffs applied, after {:?}", op);
        }
        // What a page draws first, `all()`, is every question's status as the diffs left it.
        let all = s.all();
        let drawn: BTreeMap<String, QuestionStatus> =
            all.questions.iter().map(|q| (q.question.clone(), q.clone())).collect();
        prop_assert_eq!(&drawn, &kept);
        prop_assert_eq!(all.sections.as_ref(), Some(&head.sections));
        prop_assert_eq!((all.answered, all.total, all.complete), (head.answered, head.total, head.complete));
        // Starting from the answers at the end gives the same state.
        let again = FormSession::new(&ins, s.answers().clone(), lang);
        prop_assert_eq!(again.state(), s.state());
    }
}
