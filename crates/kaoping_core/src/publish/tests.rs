use super::*;
use crate::plan::{demo_plan, Publication};
use crate::score::{demo_inputs, evaluate};

fn demo() -> (Plan, EvaluationResult) {
    let plan = demo_plan();
    let result = evaluate(&plan, &demo_inputs(42, 2000)).unwrap();
    (plan, result)
}

fn with_threshold(plan: &Plan, n: u32) -> Plan {
    let mut plan = plan.clone();
    plan.publication = Some(Publication {
        min_publish_n: n,
        ..Publication::default()
    });
    plan
}

#[test]
fn the_model_holds_every_category_unit_merit_and_veto_of_the_result() {
    let (plan, result) = demo();
    let p = publication(&plan, &result).unwrap();
    assert_eq!(p.min_publish_n, 10);
    assert_eq!(p.categories.len(), result.categories.len());
    for (pc, rc) in p.categories.iter().zip(&result.categories) {
        let ids: Vec<&str> = pc.ranking.iter().map(|e| e.unit.as_str()).collect();
        let want: Vec<&str> = rc.ranking.iter().map(|e| e.unit.as_str()).collect();
        assert_eq!(ids, want);
        assert_eq!(pc.satisfaction.len(), rc.ranking.len());
    }
    let merit: Vec<&str> = result
        .units
        .iter()
        .filter(|u| u.merit)
        .map(|u| u.unit.as_str())
        .collect();
    assert!(!merit.is_empty());
    assert_eq!(p.merit.len(), merit.len());
    let vetoes: usize = result.units.iter().map(|u| u.vetoes.len()).sum();
    assert!(vetoes > 0, "the demo has a veto");
    assert_eq!(p.vetoes.len(), vetoes);
    // At the default threshold every demo unit surveyed has enough answers: all shown (the
    // districts by their residents, the zones and departments by those who used them).
    let mut shown = 0;
    for c in &p.categories {
        let surveyed = c.satisfaction.iter().any(|s| s.respondents > 0);
        assert_eq!(matches!(c.total, Figure::Value { .. }), surveyed);
        for s in &c.satisfaction {
            let want = if s.respondents > 0 {
                shown += 1;
                matches!(s.rate, Figure::Value { .. }) && matches!(s.index, Figure::Value { .. })
            } else {
                s.rate == Figure::NoData && s.index == Figure::NoData
            };
            assert!(want, "{s:?}");
        }
    }
    assert_eq!(shown, 16);
}

#[test]
fn residents_priorities_are_listed_per_district_and_withheld_below_the_threshold() {
    let (plan, result) = demo();
    let p = publication(&plan, &result).unwrap();
    let listed: Vec<&PublicPriorities> = p.categories.iter().flat_map(|c| &c.priorities).collect();
    // The nine districts have residents; zones and departments are rated as used only.
    assert_eq!(listed.len(), 9);
    for pr in &listed {
        let unit = result.units.iter().find(|u| u.unit == pr.unit).unwrap();
        let all = unit.components.public.priorities.as_ref().unwrap();
        assert!(!pr.too_few && pr.respondents == all.n);
        assert_eq!(pr.top.len(), TOP_PRIORITIES);
        for (shown, counted) in pr.top.iter().zip(&all.options) {
            assert_eq!(shown.option, counted.option);
        }
        assert!(pr.top.windows(2).all(|w| w[0].share >= w[1].share));
    }
    let html = html::public_page(&plan, &p);
    assert!(
        html.contains("群众最希望改进的方面") && html.contains("What residents most want improved")
    );
    // Above every district's answers: nothing but the words "too few".
    let max = listed.iter().map(|p| p.respondents).max().unwrap();
    let plan = with_threshold(&plan, max as u32 + 1);
    let p = publication(&plan, &result).unwrap();
    for pr in p.categories.iter().flat_map(|c| &c.priorities) {
        assert!(pr.too_few && pr.top.is_empty(), "{pr:?}");
    }
}

#[test]
fn a_high_threshold_suppresses_small_units_and_one_more_per_category() {
    let (plan, result) = demo();
    // Between the smallest and the largest unit's respondents of the demo.
    let mut ns: Vec<u64> = result
        .units
        .iter()
        .filter_map(|u| u.components.public.satisfaction_rate.as_ref().map(|r| r.n))
        .collect();
    ns.sort_unstable();
    let threshold = ns[2] + 1;
    let plan = with_threshold(&plan, threshold as u32);
    let p = publication(&plan, &result).unwrap();
    let mut too_few = 0;
    for c in &p.categories {
        let small = c
            .satisfaction
            .iter()
            .filter(|s| s.rate == Figure::TooFew)
            .count();
        let withheld = c
            .satisfaction
            .iter()
            .filter(|s| s.rate == Figure::Withheld)
            .count();
        too_few += small;
        if small == 1 && matches!(c.total, Figure::Value { .. }) {
            assert!(withheld >= 1, "{c:?}");
        }
        for s in &c.satisfaction {
            // A row is shown or withheld whole.
            assert_eq!(
                std::mem::discriminant(&s.rate),
                std::mem::discriminant(&s.index)
            );
        }
    }
    assert!(too_few >= 3, "{too_few}");
}

#[test]
fn the_page_is_self_contained_bilingual_and_escaped() {
    let (mut plan, result) = demo();
    plan.units[0].name = crate::text::Text::new("<b>江岸</b>&区", "<script>x</script>");
    let html = html::public_page(&plan, &publication(&plan, &result).unwrap());
    assert!(html.starts_with("<!doctype html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains("<article id=\"zh\" lang=\"zh-CN\""));
    assert!(html.contains("<article id=\"en\" lang=\"en\""));
    assert!(html.contains("&lt;b&gt;江岸&lt;/b&gt;&amp;区"));
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
    for outside in [
        "<script", "src=", "<link", "http:", "https:", "@import", "url(",
    ] {
        assert!(!html.contains(outside), "{outside}");
    }
    assert!(html.contains("@media print{@page{size:A4"));
    // Every unit's name in both languages, and a veto's reason.
    for u in &plan.units[1..] {
        assert!(html.contains(&crate::text::escape_html(u.name.get("zh-CN"))));
        assert!(html.contains(&crate::text::escape_html(u.name.get("en"))));
    }
    let veto = result.units.iter().flat_map(|u| &u.vetoes).next().unwrap();
    if let Some(reason) = &veto.reason {
        assert!(html.contains(&crate::text::escape_html(reason.get("en"))));
    }
}

#[test]
fn the_page_shows_no_internal_statistics_nor_rater_ids() {
    let (plan, result) = demo();
    let html = html::public_page(&plan, &publication(&plan, &result).unwrap());
    let (_, body) = html.split_once("</style>").unwrap();
    for internal in [
        "α",
        "alpha",
        "Kendall",
        "ICC",
        "Cronbach",
        "E03",
        "E08",
        "reviewer",
        "评审人",
        "calibrat",
        "weight",
        "权重",
        "NPS",
    ] {
        assert!(!body.contains(internal), "{internal}");
    }
}

#[test]
fn a_result_of_another_plan_is_refused() {
    let (mut plan, result) = demo();
    plan.sha256 = "0".repeat(64);
    assert!(matches!(
        publication(&plan, &result),
        Err(ExportError::PlanMismatch { .. })
    ));
}

#[test]
fn suppressed_figures_leave_no_number_on_the_page() {
    let (plan, result) = demo();
    let max = result
        .units
        .iter()
        .filter_map(|u| u.components.public.satisfaction_rate.as_ref().map(|r| r.n))
        .max()
        .unwrap();
    let plan = with_threshold(&plan, max as u32 + 1);
    let p = publication(&plan, &result).unwrap();
    let html = html::public_page(&plan, &p);
    for c in &p.categories {
        assert!(c
            .satisfaction
            .iter()
            .all(|s| matches!(s.rate, Figure::TooFew | Figure::NoData)));
    }
    // No unit's row of the satisfaction tables holds a figure: no percentage, no decimal.
    let public = html.split("公众满意度</h2>").nth(1).unwrap();
    let public = public.split("</section>").next().unwrap();
    let rows: Vec<&str> = public
        .split("<tr>")
        .filter(|r| r.starts_with("<th scope=\"row\">") && !r.contains("类别合计"))
        .collect();
    let surveyed = result
        .units
        .iter()
        .filter(|u| u.components.public.summary.n > 0)
        .count();
    assert_eq!(rows.len(), surveyed);
    for r in rows {
        assert!(!r.contains('%') && !r.contains('.'), "{r}");
    }
}

/// Issue 18, point 5: the public page shows each unit's subtotals by orientation and the
/// category's mean, as the office page does, rounded to the result's precision.
#[test]
fn the_page_shows_subtotals_by_orientation() {
    let (plan, result) = demo();
    let p = publication(&plan, &result).unwrap();
    let table = crate::score::orientation::orientation_subtotals(&plan, &result);
    for (cat, o) in p.categories.iter().zip(&table) {
        assert_eq!(cat.orientations, o.orientations);
        assert_eq!(cat.orientation_rows.len(), cat.ranking.len());
        for (row, rank) in cat.orientation_rows.iter().zip(&cat.ranking) {
            assert_eq!(row.unit, rank.unit, "in the ranking's order");
            let u = o.units.iter().find(|u| u.unit == row.unit).unwrap();
            for (got, s) in row.scores.iter().zip(&u.subtotals) {
                let want = s.score.map(|x| crate::score::round_to(x, result.precision));
                assert_eq!(*got, want);
            }
        }
    }
    let html = html::public_page(&plan, &p);
    assert!(html.contains("<h2 id=\"zh-orient\">按导向小计</h2>"));
    assert!(html.contains("<h2 id=\"en-orient\">Subtotals by orientation</h2>"));
    let first = &p.categories[0];
    let name = plan.category(&first.category).unwrap().name.get("zh-CN");
    assert!(html.contains(&format!(
        "<caption id=\"zh-orient-0\">{name}按导向小计</caption>"
    )));
    assert!(html.contains("<th scope=\"col\" class=\"num\">目标导向</th>"));
    let mean = first.orientation_means[0].unwrap();
    assert!(html.contains(&format!(
        "<tr><th scope=\"row\">类别平均</th><td class=\"num\">{}</td>",
        html::fixed(mean, result.precision)
    )));
}
