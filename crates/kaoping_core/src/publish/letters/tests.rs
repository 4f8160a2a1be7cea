use super::*;
use crate::plan::demo_plan;
use crate::score::{demo_inputs, evaluate};
use crate::xlsx::zip::ZipReader;

fn demo() -> (Plan, EvaluationResult) {
    let plan = demo_plan();
    // Seed 3, 300 answers: some low expert scores, with comments.
    let result = evaluate(&plan, &demo_inputs(3, 300)).unwrap();
    (plan, result)
}

#[test]
fn one_letter_per_unit_under_a_safe_unique_name() {
    let (mut plan, result) = demo();
    let all = letters(&plan, &result).unwrap();
    assert_eq!(all.len(), plan.units.len());
    assert_eq!(all[0].file, "01-jiangan.html");
    let mut names: Vec<&str> = all.iter().map(|l| l.file.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len());
    // An id that would climb out of the archive's folder stays inside it.
    plan.units[0].id = "../x/甲".into();
    let mut r = result.clone();
    r.units[0].unit = "../x/甲".into();
    assert_eq!(letters(&plan, &r).unwrap()[0].file, "01-___x__.html");
}

#[test]
fn a_letter_has_the_breakdown_lists_comments_and_what_to_rectify() {
    let (plan, result) = demo();
    let all = letters(&plan, &result).unwrap();
    let vetoed = result.units.iter().find(|u| !u.vetoes.is_empty()).unwrap();
    let letter = all.iter().find(|l| l.unit == vetoed.unit).unwrap();
    let html = &letter.html;
    assert!(html.starts_with("<!doctype html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains("<article id=\"en\" lang=\"en\""));
    for outside in ["<script", "src=", "<link", "http:", "https:"] {
        assert!(!html.contains(outside), "{outside}");
    }
    let reason = vetoed.vetoes[0].reason.as_ref().unwrap();
    assert!(html.contains(&crate::text::escape_html(reason.get("zh-CN"))));
    assert!(html.contains(&crate::text::escape_html(reason.get("en"))));
    assert!(vetoed.rectification_required);
    assert!(html.contains("须提交书面整改报告"));
    assert!(html.contains("请于本函印发之日起 30 日内"));
    assert!(html.contains("within 30 days of the date of this letter"));
    // Every indicator of the unit, with the category's mean beside it.
    for it in &vetoed.components.indicators.items {
        let name = plan.indicator(&it.indicator).unwrap().name.get("zh-CN");
        assert!(
            html.contains(&format!("<th scope=\"row\">{name}</th>")),
            "{name}"
        );
    }
    for li in vetoed.negative.iter().chain(&vetoed.positive) {
        let name = plan.indicator(&li.indicator).unwrap().name.get("en");
        assert!(html.contains(name), "{name}");
    }
}

#[test]
fn comments_are_quoted_without_their_reviewers() {
    let (plan, result) = demo();
    let all = letters(&plan, &result).unwrap();
    let commented = result
        .units
        .iter()
        .find(|u| !u.comments.is_empty())
        .unwrap();
    let html = &all.iter().find(|l| l.unit == commented.unit).unwrap().html;
    assert!(html.contains(&crate::text::escape_html(&commented.comments[0].text)));
    for l in &all {
        for id in ["E01", "E02", "E03", "E08", "E15"] {
            assert!(!l.html.contains(id), "{id} in {}", l.file);
        }
    }
    let quiet = result.units.iter().find(|u| u.comments.is_empty()).unwrap();
    let html = &all.iter().find(|l| l.unit == quiet.unit).unwrap().html;
    assert!(html.contains("专家评审团未提出书面意见。"));
}

#[test]
fn the_plan_sets_the_days_to_rectify() {
    let (mut plan, result) = demo();
    plan.publication = Some(crate::plan::Publication {
        rectify_within_days: 15,
        ..Default::default()
    });
    let all = letters(&plan, &result).unwrap();
    let vetoed = result.units.iter().find(|u| !u.vetoes.is_empty()).unwrap();
    let html = &all.iter().find(|l| l.unit == vetoed.unit).unwrap().html;
    assert!(html.contains("请于本函印发之日起 15 日内"));
}

#[test]
fn the_zip_holds_every_letter_as_written() {
    let (plan, result) = demo();
    let zip = letters_zip(&plan, &result).unwrap();
    assert_eq!(zip, letters_zip(&plan, &result).unwrap(), "reproducible");
    let reader = ZipReader::new(&zip).unwrap();
    for l in letters(&plan, &result).unwrap() {
        let bytes = reader.read(&l.file).unwrap().unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), l.html);
    }
    let mut other = plan.clone();
    other.sha256 = "0".repeat(64);
    assert!(letters_zip(&other, &result).is_err());
}

/// With a cadre roster (the example for the demo) and a cap on 优秀: the letter names the
/// unit's cadres, the capped grade and the talk lists; the public page names no cadre.
#[test]
fn named_cadres_are_in_the_letters_and_never_on_the_public_page() {
    let mut plan = demo_plan();
    let mut scoring = plan.scoring.clone();
    scoring["cadre"]["excellent_max_share"] = serde_json::json!(0.05);
    plan.scoring = scoring;
    let text = include_str!("../../../../../docs/examples/cadres-demo.csv");
    let read = crate::roster::read_cadre_roster(&plan, "c.csv", text.as_bytes()).unwrap();
    assert!(read.problems.is_empty());
    let mut inputs = demo_inputs(3, 300);
    inputs.cadres = Some(read.roster.clone());
    let result = evaluate(&plan, &inputs).unwrap();
    let capped = result
        .units
        .iter()
        .flat_map(|u| &u.cadres)
        .find(|c| c.excellent_capped);
    let capped = capped.expect("the 5% cap holds some cadres to 称职");
    let admonished = result
        .units
        .iter()
        .find(|u| u.talks.as_ref().is_some_and(|t| !t.admonition.is_empty()))
        .expect("an admonition talk");
    let all = letters(&plan, &result).unwrap();
    let letter = |unit: &str| &all.iter().find(|l| l.unit == unit).unwrap().html;
    let unit_of = |name: &str| {
        result
            .units
            .iter()
            .find(|u| u.cadres.iter().any(|c| c.name.as_deref() == Some(name)))
            .unwrap()
            .unit
            .clone()
    };
    let name = capped.name.clone().unwrap();
    let html = letter(&unit_of(&name));
    assert!(html.contains(&name));
    assert!(html.contains("因优秀比例限制评为称职"));
    assert!(html.contains("competent under the cap"));
    let talk = &admonished.talks.as_ref().unwrap().admonition[0];
    let html = letter(&admonished.unit);
    assert!(
        html.contains("诫勉谈话") && html.contains(&talk.name),
        "{}",
        talk.name
    );
    let public = crate::publish::public_page(&plan, &result).unwrap();
    for p in &read.roster.people {
        assert!(
            !public.contains(&p.name),
            "the public page names {}",
            p.name
        );
    }
}
