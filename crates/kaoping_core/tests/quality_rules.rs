//! The plan's quality rules (`scoring.quality`): the default changes nothing, each action does
//! what it says (checked against the engine run on inputs built to mean the same thing), the
//! state still merges in any order, and bad rules are plan problems at their JSON path.
//! The hand-checked case is `tests/fixtures/score/public_quality_rules`.

use kaoping_core::canonical::to_canonical_string;
use kaoping_core::plan::{demo_plan, Plan, DEMO_PLAN_JSON};
use kaoping_core::score::{demo_inputs, evaluate, EvaluationResult, ScoreState, ScoringInputs};
use kaoping_core::validate::validate_plan;
use serde_json::{json, Value};

/// The demo plan with `scoring` patched by `f`, validated.
fn demo_with(f: impl FnOnce(&mut Value)) -> Plan {
    let mut v: Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    f(&mut v["scoring"]);
    let report = validate_plan(&v.to_string());
    assert!(report.ok, "{:#?}", report.problems);
    report.plan.unwrap()
}

/// Problems (path, zh, en) of the demo plan with `scoring.quality` = `quality`.
fn problems_with(quality: Value, patch: impl FnOnce(&mut Value)) -> Vec<(String, String, String)> {
    let mut v: Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    v["scoring"]["quality"] = quality;
    patch(&mut v["scoring"]);
    validate_plan(&v.to_string())
        .problems
        .into_iter()
        .map(|p| {
            (
                p.path,
                p.message.get("zh-CN").to_owned(),
                p.message.get("en").to_owned(),
            )
        })
        .collect()
}

/// The result as JSON without the quality rules' own fields (what they add to a result) and
/// the plan's fingerprint (the section is part of the plan).
fn without_quality(r: &EvaluationResult) -> Value {
    let mut v = serde_json::to_value(r).unwrap();
    v.as_object_mut().unwrap().remove("quality");
    v.as_object_mut().unwrap().remove("plan_sha256");
    v["rules"].as_object_mut().unwrap().remove("quality");
    for u in v["units"].as_array_mut().unwrap() {
        u.as_object_mut().unwrap().remove("quality");
    }
    v
}

/// Every `k`-th public record flagged as a speeder (the demo's records carry no flags).
/// The JSON Pointers where `a` and `b` differ (at most 10), empty when equal.
fn differences(a: &Value, b: &Value) -> Vec<String> {
    fn walk(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
        if out.len() >= 10 {
            return;
        }
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                    let (p, q) = (
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                    );
                    walk(p, q, format!("{at}/{k}"), out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(p, q, format!("{at}/{i}"), out);
                }
            }
            (p, q) if p != q => out.push(format!("{at}: {p} ≠ {q}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(a, b, String::new(), &mut out);
    out
}

/// Every `k`-th public record of a unit of the plan flagged as a speeder (the demo's records
/// carry no flags; a record of no unit is not scored, so no rule sees it).
fn flag_speeders(inputs: &mut ScoringInputs, k: usize) -> usize {
    let plan = demo_plan();
    let mut n = 0;
    for (i, r) in inputs.records.iter_mut().enumerate() {
        let unit = r.answers.get("district").and_then(Value::as_str);
        let of_plan = unit.is_some_and(|u| plan.unit(u).is_some());
        if r.instrument == "public" && i % k == 0 && of_plan {
            r.quality.speeder = true;
            n += 1;
        }
    }
    n
}

#[test]
fn without_rules_nothing_changes_and_counting_changes_no_figure() {
    let inputs = demo_inputs(42, 300);
    let plan = demo_plan();
    let today = evaluate(&plan, &inputs).unwrap();
    // No section: no `quality` anywhere in the result (the demo snapshot and fingerprint
    // tests hold the rest byte for byte).
    assert!(!to_canonical_string(&today).contains("\"quality\""));
    assert_eq!(plan.sha256, kaoping_core::plan::DEMO_PLAN_SHA256);
    // Every rule `count` (also an empty section): the same figures, bit for bit, with counts.
    let mut flagged = inputs.clone();
    let n = flag_speeders(&mut flagged, 7);
    for section in [json!({}), json!({"speeder": {"action": "count"}})] {
        let counting = demo_with(|s| s["quality"] = section);
        let r = evaluate(&counting, &flagged).unwrap();
        assert_eq!(
            differences(&without_quality(&r), &without_quality(&today)),
            Vec::<String>::new()
        );
        assert_eq!(r.quality.len(), 1);
        assert_eq!(r.quality[0].instrument, "public");
        assert_eq!(r.quality[0].rules[0].rule, "speeder");
        assert_eq!(r.quality[0].rules[0].action, "count");
        assert_eq!(r.quality[0].rules[0].touched, n as u64);
        assert_eq!(r.quality[0].excluded + r.quality[0].down_weighted, 0);
        // Per unit, a record counts in its district and in each unit it rated as used; the
        // total above counts it once.
        let by_unit: u64 = r
            .units
            .iter()
            .flat_map(|u| &u.quality)
            .map(|q| q.rules[0].touched)
            .sum();
        let units_of = |rec: &kaoping_core::record::ResponseRecord| {
            let district = rec.answers["district"]
                .as_str()
                .is_some_and(|d| plan.unit(d).is_some());
            let used = rec
                .answers
                .get("units_used")
                .and_then(Value::as_object)
                .map_or(0, |m| m.len() as u64);
            u64::from(district) + used
        };
        let want: u64 = flagged
            .records
            .iter()
            .filter(|r| r.instrument == "public" && r.quality.speeder)
            .map(units_of)
            .sum();
        assert!(want > n as u64, "some speeders rated units they used");
        assert_eq!(by_unit, want);
    }
}

#[test]
fn exclude_is_the_same_as_leaving_the_records_out() {
    let mut inputs = demo_inputs(5, 400);
    let n = flag_speeders(&mut inputs, 4);
    let plan = demo_with(|s| s["quality"] = json!({"speeder": {"action": "exclude"}}));
    let r = evaluate(&plan, &inputs).unwrap();
    let mut kept = inputs.clone();
    kept.records.retain(|r| !r.quality.speeder);
    let reference = evaluate(&demo_plan(), &kept).unwrap();
    assert_eq!(
        differences(&without_quality(&r), &without_quality(&reference)),
        Vec::<String>::new()
    );
    assert_eq!(r.quality[0].excluded, n as u64);
    assert_eq!(
        r.quality[0].records,
        r.quality[0].excluded + r.inputs.records_used["public"]
    );
}

#[test]
fn a_cadre_appraisal_listed_is_excluded_from_too() {
    let mut inputs = demo_inputs(9, 100);
    let mut n = 0u64;
    for (i, r) in inputs.records.iter_mut().enumerate() {
        if r.instrument == "cadre" && i % 3 == 0 {
            r.quality.repeat = true;
            n += 1;
        }
    }
    assert!(n > 0);
    let plan = demo_with(|s| {
        s["quality"] = json!({"repeat": {"action": "exclude"}, "instruments": ["cadre"]})
    });
    let r = evaluate(&plan, &inputs).unwrap();
    let mut kept = inputs.clone();
    kept.records.retain(|r| !r.quality.repeat);
    let reference = evaluate(&demo_plan(), &kept).unwrap();
    assert_eq!(
        differences(&without_quality(&r), &without_quality(&reference)),
        Vec::<String>::new()
    );
    assert_eq!(r.quality.len(), 1);
    assert_eq!(r.quality[0].instrument, "cadre");
    assert_eq!(r.quality[0].rules[2].touched, n);
    assert_eq!(r.quality[0].excluded, n);
}

#[test]
fn down_weight_one_half_is_counting_the_others_twice() {
    // Without survey weighting a weighted mean with weights 1 and ½ equals the plain mean of
    // the same records with each full-weight one given twice: so the engine's own unweighted
    // run on such inputs is the reference for the index, the satisfaction rate and NPS.
    let mut inputs = demo_inputs(11, 300);
    flag_speeders(&mut inputs, 3);
    let plan = demo_with(|s| {
        s["public"]["weighting"] = Value::Null;
        s["public"]["min_n"] = json!(1);
        s["quality"] = json!({"speeder": {"action": "down_weight", "weight": 0.5}});
    });
    let r = evaluate(&plan, &inputs).unwrap();
    let mut doubled = inputs.clone();
    for rec in &inputs.records {
        if rec.instrument == "public" && !rec.quality.speeder {
            let mut twin = rec.clone();
            twin.respondent_id.push_str("-twin");
            doubled.records.push(twin);
        }
    }
    let plain = demo_with(|s| {
        s["public"]["weighting"] = Value::Null;
        s["public"]["min_n"] = json!(1);
    });
    let reference = evaluate(&plain, &doubled).unwrap();
    let mut checked = 0;
    for (u, v) in r.units.iter().zip(&reference.units) {
        let (p, q) = (&u.components.public, &v.components.public);
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (a, b) => a.is_none() && b.is_none(),
        };
        // The districts, rated by their residents (the units rated as used have answers
        // "unable to judge", which the formula below leaves out).
        if p.summary.n == 0 || !matches!(u.category.as_str(), "central" | "new") {
            continue;
        }
        assert!(close(p.summary.value, q.summary.value), "{}", u.unit);
        assert!(
            close(
                p.satisfaction_rate.as_ref().map(|i| i.estimate),
                q.satisfaction_rate.as_ref().map(|i| i.estimate)
            ),
            "{}",
            u.unit
        );
        assert!(close(
            p.nps.as_ref().map(|n| n.nps),
            q.nps.as_ref().map(|n| n.nps)
        ));
        // Kish's n_eff (Σw)²/Σw² (Kish 1965, Survey Sampling §11.7) from the counts.
        let dw = u.quality[0].down_weighted as f64;
        let full = p.summary.n as f64 + p.summary.unable_to_judge as f64 - dw;
        let unable = p.summary.unable_to_judge as f64;
        assert_eq!(unable, 0.0, "the demo's respondents all rate");
        let kish = (full + 0.5 * dw).powi(2) / (full + 0.25 * dw);
        assert!((p.summary.n_eff.unwrap() - kish).abs() < 1e-9, "{}", u.unit);
        checked += 1;
    }
    assert!(checked >= 5, "{checked}");
}

#[test]
fn any_order_and_split_gives_the_same_result_with_rules() {
    let mut inputs = demo_inputs(3, 200);
    flag_speeders(&mut inputs, 3);
    for (i, r) in inputs.records.iter_mut().enumerate() {
        if i % 5 == 0 {
            r.quality.straight_lined = vec!["services".into()];
        }
    }
    let plan = demo_with(|s| {
        s["quality"] = json!({
            "speeder": {"action": "down_weight", "weight": 0.5},
            "straight_lining": {"action": "down_weight", "weight": 0.25}
        })
    });
    let one = evaluate(&plan, &inputs).unwrap();
    let mut a = ScoreState::new(&plan).unwrap();
    let mut b = ScoreState::new(&plan).unwrap();
    for (i, r) in inputs.records.iter().rev().enumerate() {
        if i % 3 == 0 { a.add(r) } else { b.add(r) }.unwrap();
    }
    for x in &inputs.indicators {
        b.add_indicator(x).unwrap();
    }
    for h in &inputs.history {
        a.add_history(h).unwrap();
    }
    b.merge(a).unwrap();
    let split = b.finish().unwrap();
    assert_eq!(to_canonical_string(&split), to_canonical_string(&one));
    assert!(one.quality[0].down_weighted > 0);
    // raking and down-weighting together: every counted unit has its n_eff
    assert!(one
        .units
        .iter()
        .filter(|u| u.components.public.summary.n > 0)
        .all(|u| u.components.public.weighting.is_some()
            && u.components.public.summary.n_eff.is_some()));
}

#[test]
fn bad_rules_are_problems_at_their_json_path_in_both_languages() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"speeder": {"action": "drop"}}),
            "/scoring/quality/speeder/action",
        ),
        (
            json!({"speeder": {"action": "down_weight", "weight": 1.5}}),
            "/scoring/quality/speeder/weight",
        ),
        (
            json!({"speeder": {"action": "down_weight", "weight": 0}}),
            "/scoring/quality/speeder/weight",
        ),
        (
            json!({"speeder": {"action": "down_weight"}}),
            "/scoring/quality/speeder/weight",
        ),
        (
            json!({"speeder": {"action": "down_weight", "weight": "½"}}),
            "/scoring/quality/speeder/weight",
        ),
        (
            json!({"repeat": {"action": "exclude", "weight": 0.5}}),
            "/scoring/quality/repeat/weight",
        ),
        (
            json!({"speeders": {"action": "exclude"}}),
            "/scoring/quality/speeders",
        ),
        (json!({"repeat": "exclude"}), "/scoring/quality/repeat"),
        (
            json!({"instruments": ["expert"]}),
            "/scoring/quality/instruments/0",
        ),
        (
            json!({"instruments": ["public", "nowhere"]}),
            "/scoring/quality/instruments/1",
        ),
        (
            json!({"speeder": {"action": "down_weight", "weight": 0.5}, "instruments": ["cadre"]}),
            "/scoring/quality/instruments/0",
        ),
        (json!("exclude"), "/scoring/quality"),
    ];
    for (quality, path) in cases {
        let problems = problems_with(quality.clone(), |_| {});
        let hit = problems.iter().find(|p| p.0 == path);
        let Some((_, zh, en)) = hit else {
            panic!("{quality}: no problem at {path} in {problems:#?}")
        };
        assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{zh} / {en}");
    }
    let trimmed = problems_with(
        json!({"speeder": {"action": "down_weight", "weight": 0.5}}),
        |s| {
            s["public"]["weighting"] = Value::Null;
            s["public"]["aggregation"] = json!({"method": "trimmed", "k": 1});
        },
    );
    assert!(
        trimmed.iter().any(|p| p.0 == "/scoring/quality"),
        "{trimmed:#?}"
    );
    // A plan that was not validated is refused by scoring with the same path.
    let mut plan = demo_plan();
    plan.scoring["quality"] = json!({"speeder": {"action": "down_weight", "weight": 2}});
    let err = ScoreState::new(&plan).unwrap_err().to_string();
    assert!(err.contains("/scoring/quality/speeder/weight"), "{err}");
}

#[test]
fn the_exports_carry_what_the_rules_touched_only_when_the_plan_has_rules() {
    use kaoping_core::export::{table, tables, QUALITY_TABLE};
    let mut inputs = demo_inputs(5, 400);
    let n = flag_speeders(&mut inputs, 4);
    let plan = demo_with(|s| s["quality"] = json!({"speeder": {"action": "exclude"}}));
    let r = evaluate(&plan, &inputs).unwrap();
    let all = tables(&plan, &r, "zh-CN");
    let q = all
        .iter()
        .find(|t| t.id == QUALITY_TABLE)
        .expect("a quality table");
    assert_eq!(q.title, "答卷质量规则");
    // The total row first (no unit id), then one row per unit with public records.
    let total = &q.rows[0];
    let cell =
        |row: &Vec<kaoping_core::cells::Cell>, i: usize| serde_json::to_value(&row[i]).unwrap();
    assert_eq!(cell(total, 0), Value::Null);
    assert_eq!(cell(total, 1), json!("全部单位"));
    assert_eq!(cell(total, 4), json!("过快作答"));
    assert_eq!(cell(total, 5), json!("剔除"));
    assert_eq!(cell(total, 7), json!(n as f64));
    assert_eq!(cell(total, 8), json!(n as f64));
    // The speeders live in the districts; a record also counts in each unit it rated as used,
    // so the districts' rows add up to the total and all rows to more.
    let district = |row: &Vec<kaoping_core::cells::Cell>| {
        let id = cell(row, 0);
        plan.unit(id.as_str().unwrap_or(""))
            .is_some_and(|u| matches!(u.category.as_str(), "central" | "new"))
    };
    let sum = |rows: &mut dyn Iterator<Item = &Vec<kaoping_core::cells::Cell>>| -> f64 {
        rows.map(|row| cell(row, 7).as_f64().unwrap()).sum()
    };
    let by_district = sum(&mut q.rows[1..].iter().filter(|r| district(r)));
    assert_eq!(
        by_district, n as f64,
        "the districts' rows add up to the total"
    );
    assert!(sum(&mut q.rows[1..].iter()) > n as f64);
    // English, and the table by its id (the office page's CSV per table).
    let en = table(&plan, &r, QUALITY_TABLE, "en").unwrap();
    assert_eq!(en.title, "Quality rules");
    assert_eq!(cell(&en.rows[0], 4), json!("Speeders"));
    assert_eq!(en.rows.len(), q.rows.len());
    // A plan without rules: no such table, and asking for it is an unknown table.
    let plain = evaluate(&demo_plan(), &inputs).unwrap();
    assert!(tables(&demo_plan(), &plain, "zh-CN")
        .iter()
        .all(|t| t.id != QUALITY_TABLE));
    assert!(table(&demo_plan(), &plain, QUALITY_TABLE, "zh-CN").is_err());
}
