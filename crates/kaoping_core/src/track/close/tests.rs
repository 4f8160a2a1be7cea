use super::*;
use crate::plan::demo_plan;
use crate::track::{demo_periods, InputKind, Tracker};
use crate::yearend::FieldValue;

/// The demo's tracking year (seed 42), analysed through `through` (default: December).
fn demo_report(plan: &Plan, through: Option<&str>, events: bool) -> TrackReport {
    let d = demo_periods(42, through).unwrap();
    let mut t = Tracker::new(plan).unwrap();
    t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
    t.add_file(InputKind::Projects, "projects.json", &d.projects_json);
    t.add_file(
        InputKind::Projects,
        "site-checks.jsonl",
        &d.site_checks_jsonl,
    );
    if events {
        t.add_file(InputKind::Events, "events.json", &d.events_json);
    }
    t.finish(None).unwrap()
}

fn request(
    unit: &str,
    indicator: &str,
    field: &str,
    value: &str,
    reason: &str,
    row: u64,
) -> OverrideRequest {
    OverrideRequest {
        unit: unit.into(),
        indicator: indicator.into(),
        field: field.into(),
        value: value.into(),
        reason: reason.into(),
        row,
    }
}

fn figure<'a>(y: &'a YearEndFigures, unit: &str, indicator: &str) -> &'a DerivedFigure {
    y.figures
        .iter()
        .find(|f| f.unit == unit && f.indicator == indicator)
        .unwrap()
}

#[test]
fn the_demo_year_gives_data_project_and_constraint_figures_with_their_sources() {
    let plan = demo_plan();
    let y = year_end_figures(&plan, &demo_report(&plan, None, true), &[]).unwrap();
    // a level: December's figure; a sum: the twelve months
    let gdp = figure(&y, "jiangan", "gdp_growth");
    let Some(IndicatorValue::Data { target, .. }) = gdp.value else {
        panic!("{gdp:?}")
    };
    assert_eq!(target, 6.0);
    assert!(
        gdp.sources[0]
            .text
            .get("en")
            .contains("the figure of 2026-12"),
        "{:?}",
        gdp.sources
    );
    let fiscal = figure(&y, "huangpi", "fiscal_revenue");
    let Some(IndicatorValue::Data { actual, target, .. }) = fiscal.value else {
        panic!("{fiscal:?}")
    };
    assert_eq!(target, 85.0);
    assert!(
        (actual / target - 0.82).abs() < 0.03,
        "huangpi is behind all year: {actual}"
    );
    assert!(fiscal.sources[0]
        .text
        .get("en")
        .contains("sum of 12 periods"));
    assert!(fiscal.sources[1]
        .text
        .get("en")
        .contains("the plan's target for the unit"));
    // the Garden Expo: two of four milestones by the year's end, the planting late
    let expo = figure(&y, "qiaokou", "major_projects");
    assert_eq!(
        expo.value,
        Some(IndicatorValue::Project {
            milestones_done: 2,
            milestones_total: 4
        })
    );
    assert!(
        expo.sources[0]
            .text
            .get("en")
            .contains("planting ✓ 2026-10-20 (late 81)"),
        "{:?}",
        expo.sources
    );
    assert_eq!(
        expo.site_checks[0].ratings.len(),
        12,
        "4 quarters × 3 rater groups"
    );
    // the veto event, and a unit without events
    let eco = figure(&y, "caidian", "ecology");
    let Some(IndicatorValue::Constraint {
        passed,
        veto,
        reason,
    }) = &eco.value
    else {
        panic!("{eco:?}")
    };
    assert!(!passed && *veto);
    assert!(reason
        .as_ref()
        .unwrap()
        .get("zh-CN")
        .contains("市生态环境局通报〔2026〕12号"));
    assert_eq!(eco.sources[0].source.as_ref().unwrap().file, "events.json");
    assert_eq!(
        figure(&y, "jiangxia", "safety").value,
        Some(IndicatorValue::Constraint {
            passed: false,
            veto: false,
            reason: figure(&y, "jiangxia", "safety")
                .derived
                .clone()
                .and_then(|v| match v {
                    IndicatorValue::Constraint { reason, .. } => reason,
                    _ => None,
                })
        })
    );
    assert_eq!(
        figure(&y, "jiangan", "ecology").value,
        Some(IndicatorValue::Constraint {
            passed: true,
            veto: false,
            reason: None
        })
    );
    // what tracking lacks is a gap with its reason, never a zero
    let gap = figure(&y, "jiangan", "major_projects");
    assert_eq!(gap.value, None);
    assert!(gap
        .gap
        .as_ref()
        .unwrap()
        .get("en")
        .contains("no project of the unit"));
    assert_eq!(y.gaps, y.figures.iter().filter(|f| f.gap.is_some()).count());
    assert_eq!(y.indicators.len() + y.gaps, y.figures.len());
    assert!(y.overrides.is_empty());
}

#[test]
fn without_an_event_file_constraints_are_gaps() {
    let plan = demo_plan();
    let y = year_end_figures(&plan, &demo_report(&plan, None, false), &[]).unwrap();
    let eco = figure(&y, "jiangan", "ecology");
    assert_eq!(eco.value, None);
    assert!(eco
        .gap
        .as_ref()
        .unwrap()
        .get("zh-CN")
        .contains("未载入约束事件文件"));
}

#[test]
fn a_tracking_year_not_at_its_end_is_refused() {
    let plan = demo_plan();
    let e = year_end_figures(&plan, &demo_report(&plan, Some("2026-09"), true), &[]).unwrap_err();
    assert_eq!(
        e,
        CloseError::NotYearEnd {
            through: "2026-09".into(),
            last: "2026-12".into()
        }
    );
}

#[test]
fn overrides_change_a_value_fill_a_gap_and_are_recorded() {
    let plan = demo_plan();
    let report = demo_report(&plan, None, true);
    let reqs = [
        request("江岸区", "gdp_growth", "实际值", "6.1", "统计局年报修订", 2),
        request(
            "jiangan",
            "major_projects",
            "milestones_done",
            "3",
            "区年终报告",
            3,
        ),
        request(
            "jiangan",
            "major_projects",
            "节点总数",
            "4",
            "区年终报告",
            4,
        ),
    ];
    let y = year_end_figures(&plan, &report, &reqs).unwrap();
    let gdp = figure(&y, "jiangan", "gdp_growth");
    assert!(gdp.overridden);
    let Some(IndicatorValue::Data { actual, .. }) = gdp.value else {
        panic!()
    };
    assert_eq!(actual, 6.1);
    let Some(IndicatorValue::Data { actual: before, .. }) = gdp.derived else {
        panic!()
    };
    assert_eq!(y.overrides[0].original, Some(FieldValue::Number(before)));
    assert_eq!(y.overrides[0].value, FieldValue::Number(6.1));
    assert_eq!(y.overrides[0].field, "actual");
    assert_eq!(y.overrides[0].reason, "统计局年报修订");
    let filled = figure(&y, "jiangan", "major_projects");
    assert_eq!(
        filled.value,
        Some(IndicatorValue::Project {
            milestones_done: 3,
            milestones_total: 4
        })
    );
    assert!(filled.gap.is_some(), "the gap stays listed as tracking's");
    assert_eq!(y.overrides[1].original, None);
    let plain = year_end_figures(&plan, &report, &[]).unwrap();
    assert_eq!(y.gaps + 1, plain.gaps);
    assert_eq!(y.indicators.len(), plain.indicators.len() + 1);
}

#[test]
fn every_override_problem_is_listed_and_nothing_is_changed() {
    let plan = demo_plan();
    let report = demo_report(&plan, None, true);
    let reqs = [
        request("jiangan", "gdp_growth", "actual", "6.1", "  ", 2),
        request("nowhere", "gdp_growth", "actual", "abc", "r", 3),
        request("jiangan", "gdp_growth", "milestones_done", "3", "r", 4),
        request("jiangan", "ecology", "passed", "maybe", "r", 5),
        request("ndrc", "gdp_growth", "actual", "6", "r", 6),
        request("jiangan", "work_style", "veto", "是", "r", 7),
        request("jianghan", "major_projects", "milestones_done", "2", "r", 8),
        request("jiangan", "fiscal_revenue", "target", "1", "r", 9),
        request("jiangan", "fiscal_revenue", "目标值", "2", "r", 10),
        request("wuchang", "major_projects", "milestones_done", "9", "r", 11),
    ];
    let CloseError::Overrides { problems } = year_end_figures(&plan, &report, &reqs).unwrap_err()
    else {
        panic!()
    };
    let at: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_deref().unwrap()))
        .collect();
    assert_eq!(
        at,
        [
            (2, "reason"),
            (3, "unit"),
            (3, "value"),
            (4, "field"),
            (5, "value"),
            (6, "indicator"),
            (7, "field"),
            (8, "field"),
            (10, "field"),
            (11, "value"),
        ],
        "{problems:#?}"
    );
    assert!(problems[0].message.get("zh-CN").contains("原因"));
    assert!(problems[7]
        .message
        .get("en")
        .contains("also give: milestones_total"));
    assert!(problems[9]
        .message
        .get("en")
        .contains("more than the 3 in all"));
}

#[test]
fn a_report_of_another_plan_is_refused() {
    let plan = demo_plan();
    let mut report = demo_report(&plan, None, true);
    report.plan_sha256 = "0".repeat(64);
    assert!(matches!(
        year_end_figures(&plan, &report, &[]),
        Err(CloseError::OtherPlan { .. })
    ));
}

#[test]
fn one_call_reads_the_files_and_gives_the_file_to_aggregate() {
    let plan = demo_plan();
    let d = demo_periods(42, None).unwrap();
    let named = |name: &str, text: &str| crate::track::NamedFile {
        name: name.into(),
        text: text.into(),
    };
    let req = YearEndRequest {
        files: crate::track::TrackFiles {
            periods: vec![named("periods.csv", &d.periods_csv)],
            projects: vec![named("projects.json", &d.projects_json)],
            events: vec![named("events.json", &d.events_json)],
            ..crate::track::TrackFiles::default()
        },
        overrides: vec![request(
            "caidian",
            "ecology",
            "veto",
            "否",
            "复核认定非重大事故",
            1,
        )],
    };
    let out = year_end_files(&plan, &req).unwrap();
    assert_eq!(out.name, "year-end-figures-2026.json");
    assert!(
        out.json.starts_with("{\n  \"indicators\": ["),
        "the role is told by the first key"
    );
    let eco = figure(&out.figures, "caidian", "ecology");
    assert_eq!(
        eco.derived_text.as_ref().unwrap().get("zh-CN"),
        "未达标，一票否决"
    );
    assert_eq!(eco.value_text.as_ref().unwrap().get("en"), "not passed");
    assert_eq!(eco.fields, ["passed", "veto"]);
    assert_eq!(
        figure(&out.figures, "jiangan", "work_style").fields,
        ["passed"]
    );
    assert_eq!(
        figure(&out.figures, "qiaokou", "major_projects")
            .value_text
            .as_ref()
            .unwrap()
            .get("en"),
        "2 of 4 milestones"
    );
    // a tracking error comes through as it is
    let mut bad = req.clone();
    bad.files.through = Some("2026-13".into());
    assert!(matches!(
        year_end_files(&plan, &bad),
        Err(CloseError::Track(_))
    ));
}
