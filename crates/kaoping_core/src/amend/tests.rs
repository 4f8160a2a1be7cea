use super::*;
use crate::plan::{demo_plan, RecordVersion, DEMO_PLAN_JSON};
use serde_json::json;

/// The demo plan's JSON changed by `edit`, as a version "2" text.
fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    v["version"] = json!("2");
    edit(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

fn diff_of(text: &str) -> PlanDiff {
    let report = crate::validate::validate_plan(text);
    assert!(report.ok, "{:?}", report.problems);
    diff_plans(&demo_plan(), &report.plan.unwrap())
}

fn codes(d: &PlanDiff) -> Vec<(&'static str, bool)> {
    d.changes.iter().map(|c| (c.code, c.compatible)).collect()
}

fn verdict<'d>(d: &'d PlanDiff, id: &str) -> &'d InstrumentVerdict {
    d.instruments.iter().find(|v| v.instrument == id).unwrap()
}

// Question paths of the demo plan's public survey (section 0: district, age_group, …).
const Q: &str = "/instruments/0/sections/0/questions";

#[test]
fn the_same_plan_has_no_changes() {
    let d = diff_plan_texts(DEMO_PLAN_JSON, DEMO_PLAN_JSON).unwrap();
    assert_eq!(d, diff_plans(&demo_plan(), &demo_plan()));
    assert!(matches!(
        diff_plan_texts(DEMO_PLAN_JSON, "{}"),
        Err(AmendError::NotAPlan { which: "new", .. })
    ));
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert!(d.compatible);
    assert!(d.instruments.iter().all(|v| v.compatible));
    // Every instrument and the site-check sheets are judged.
    let ids: Vec<&str> = d
        .instruments
        .iter()
        .map(|v| v.instrument.as_str())
        .collect();
    assert!(ids.starts_with(&["public", "expert", "cadre"]), "{ids:?}");
    assert!(ids.len() > 3, "{ids:?}");
}

#[test]
fn a_retyped_question_and_a_revalued_option_are_incompatible() {
    let text = edited(|v| {
        let q = &mut v.pointer_mut(Q).unwrap()[0];
        let opt = &mut q["options"][0];
        opt["value"] = json!(format!("{}-x", opt["value"].as_str().unwrap()));
    });
    let d = diff_of(&text);
    assert_eq!(
        codes(&d),
        [("version_changed", true), ("option_revalued", false)]
    );
    assert!(!verdict(&d, "public").compatible);
    assert!(verdict(&d, "expert").compatible);
    let text = edited(|v| {
        let q = &mut v.pointer_mut(Q).unwrap()[2];
        assert_eq!(q["type"], "number");
        *q = json!({"id": q["id"], "type": "text", "label": q["label"]});
    });
    let d = diff_of(&text);
    assert!(
        codes(&d).contains(&("question_retyped", false)),
        "{:?}",
        codes(&d)
    );
    assert!(!d.compatible);
}

#[test]
fn texts_order_and_added_optional_questions_are_compatible() {
    let text = edited(|v| {
        let qs = v.pointer_mut(Q).unwrap().as_array_mut().unwrap();
        qs[0]["label"]["en"] = json!("In which district do you live?");
        qs.swap(1, 2);
        qs.push(json!({"id": "new_q", "type": "text", "label": {"zh-CN": "新题", "en": "New"}}));
    });
    let d = diff_of(&text);
    assert_eq!(
        codes(&d),
        [
            ("version_changed", true),
            ("text_changed", true),
            ("question_added", true),
            ("order_changed", true)
        ]
    );
    assert!(d.compatible);
}

#[test]
fn amendments_chain_and_records_follow_the_chain() {
    let v1 = DEMO_PLAN_JSON;
    let v2 = edited(|v| {
        v.pointer_mut(Q).unwrap()[0]["label"]["en"] = json!("Your district?");
    });
    let a2 = amend_plan(v1, &v2, "2026-04-01", Text::new("改错字", "typo")).unwrap();
    assert!(a2.diff.compatible);
    assert_eq!(a2.amendment.replaces_sha256, demo_plan().sha256);
    // v3: from v2 as amended; the district question loses an option.
    let mut v3: Value = serde_json::from_str(&a2.json).unwrap();
    v3["version"] = json!("3");
    v3.pointer_mut(Q).unwrap()[0]["options"]
        .as_array_mut()
        .unwrap()
        .pop();
    let v3 = serde_json::to_string(&v3).unwrap();
    let a3 = amend_plan(&a2.json, &v3, "2026-07-01", Text::new("删区", "merge")).unwrap();
    assert!(!a3.diff.compatible);
    let plan = crate::validate::validate_plan(&a3.json).plan.unwrap();
    assert_eq!(plan.amendments.len(), 2);
    let sha1 = demo_plan().sha256;
    let sha2 = crate::validate::validate_plan(&a2.json)
        .plan
        .unwrap()
        .sha256;
    assert_eq!(plan.amendments[1].replaces_sha256, sha2);
    // A v1 expert record stays valid through both; a v1 public record does not.
    assert_eq!(
        plan.record_version(&sha1, "expert"),
        RecordVersion::Earlier { version: "1" }
    );
    assert!(matches!(
        plan.record_version(&sha1, "public"),
        RecordVersion::Incompatible {
            version: "1",
            by: "3",
            ..
        }
    ));
    // Starting v3 from the v1 text (no history) is fine; with another history it is not.
    let mut other: Value = serde_json::from_str(&v3).unwrap();
    other["amendments"][0]["reason"]["en"] = json!("changed");
    let other = serde_json::to_string(&other).unwrap();
    let e = amend_plan(&a2.json, &other, "2026-07-01", Text::new("删区", "merge"));
    assert_eq!(e.unwrap_err(), AmendError::History);
}

#[test]
fn an_amendment_is_refused_when_it_cannot_be_one() {
    let v2 = edited(|v| v["title"]["en"] = json!("Edited"));
    let reason = || Text::new("理由", "why");
    let refuse = |old: &str, new: &str, date: &str, reason: Text| {
        amend_plan(old, new, date, reason).unwrap_err()
    };
    assert_eq!(
        refuse(DEMO_PLAN_JSON, DEMO_PLAN_JSON, "2026-07-01", reason()),
        AmendError::SameVersion("1".into())
    );
    assert_eq!(
        refuse(DEMO_PLAN_JSON, &v2, "2026-7-1", reason()),
        AmendError::BadDate("2026-7-1".into())
    );
    let mut zh_only = Text::default();
    zh_only.0.insert("zh-CN".into(), "理由".into());
    assert_eq!(
        refuse(DEMO_PLAN_JSON, &v2, "2026-07-01", zh_only),
        AmendError::Reason("en".into())
    );
    let same = edited(|_| {});
    assert_eq!(
        refuse(DEMO_PLAN_JSON, &same, "2026-07-01", reason()),
        AmendError::Unchanged
    );
    let other = edited(|v| v["id"] = json!("other-2026"));
    assert!(matches!(
        refuse(DEMO_PLAN_JSON, &other, "2026-07-01", reason()),
        AmendError::OtherPlan { .. }
    ));
    assert!(matches!(
        refuse("{}", &v2, "2026-07-01", reason()),
        AmendError::NotAPlan { which: "old", .. }
    ));
}

#[test]
fn a_plan_without_amendments_writes_no_amendments_key() {
    let plan = demo_plan();
    let v = serde_json::to_value(&plan).unwrap();
    assert!(v.get("amendments").is_none());
    assert!(v.get("tracking").is_some());
}
