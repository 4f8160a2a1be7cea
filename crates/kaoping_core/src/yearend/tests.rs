use super::*;
use crate::cells::{Cell, Table};
use crate::export::csv::to_csv;
use crate::plan::demo_plan;
use crate::score::{demo_inputs, IndicatorInput, IndicatorValue};
use crate::text::Bilingual;

/// The demo's indicator figures written into the figures template (zh-CN or en headers).
pub(crate) fn demo_figures_table(lang: &str) -> (Table, Vec<IndicatorInput>) {
    let plan = demo_plan();
    let figures = demo_inputs(3, 0).indicators;
    let mut table = figures_template(&plan, lang);
    let col = |h: &str| table.headers.iter().position(|x| x == h).unwrap();
    let en = lang == "en";
    let c = |zh: &str, e: &str| if en { col(e) } else { col(zh) };
    let (actual, target, baseline) = (
        c("实际值", "actual"),
        c("目标值", "target"),
        c("基期值", "baseline"),
    );
    let (done, total, passed, veto) = (
        c("已完成节点", "milestones_done"),
        c("节点总数", "milestones_total"),
        c("是否达标", "passed"),
        c("一票否决", "veto"),
    );
    let reason = c("原因", "reason");
    for f in &figures {
        let row = table
            .rows
            .iter_mut()
            .find(|r| r[0] == Cell::Text(f.unit.clone()) && r[2] == Cell::Text(f.indicator.clone()))
            .expect("the template has a row for every demo figure");
        match &f.value {
            IndicatorValue::Data {
                actual: a,
                target: t,
                baseline: b,
            } => {
                row[actual] = Cell::Number(*a);
                row[target] = Cell::Number(*t);
                row[baseline] = b.map_or(Cell::Empty, Cell::Number);
            }
            IndicatorValue::Project {
                milestones_done: d,
                milestones_total: t,
            } => {
                row[done] = Cell::Number(f64::from(*d));
                row[total] = Cell::Number(f64::from(*t));
            }
            IndicatorValue::Constraint {
                passed: p,
                veto: v,
                reason: r,
            } => {
                let yes_no = |b: bool| if en { ["no", "yes"] } else { ["否", "是"] }[b as usize];
                row[passed] = Cell::Text(yes_no(*p).into());
                row[veto] = Cell::Text(yes_no(*v).into());
                row[reason] = r
                    .as_ref()
                    .map_or(Cell::Empty, |r| Cell::Text(r.get(lang).into()));
            }
        }
    }
    (table, figures)
}

/// The figures as they should read back from a table in `lang`: a reason only in that
/// language.
pub(crate) fn expected(figures: &[IndicatorInput], lang: &str) -> Vec<IndicatorInput> {
    let mut out = figures.to_vec();
    for f in &mut out {
        if let IndicatorValue::Constraint {
            reason: Some(r), ..
        } = &mut f.value
        {
            let one = r.get(lang).to_owned();
            r.0.clear();
            r.0.insert(lang.into(), one);
        }
    }
    out
}

fn sorted(mut v: Vec<IndicatorInput>) -> Vec<IndicatorInput> {
    v.sort_by(|a, b| (&a.unit, &a.indicator).cmp(&(&b.unit, &b.indicator)));
    v
}

#[test]
fn the_demo_figures_read_back_from_the_template_as_csv_and_as_a_workbook() {
    let plan = demo_plan();
    for lang in ["zh-CN", "en"] {
        let (table, figures) = demo_figures_table(lang);
        let blank = table.rows.len() - figures.len();
        let csv = to_csv(&table);
        let read = read_figures(&plan, "figures.csv", csv.as_bytes()).unwrap();
        assert_eq!(
            sorted(read.entries),
            sorted(expected(&figures, lang)),
            "{lang}"
        );
        assert_eq!(read.blank_rows.len(), blank);
        let xlsx = crate::xlsx::write_tables(std::slice::from_ref(&table));
        let read = read_figures(&plan, "figures.xlsx", &xlsx).unwrap();
        assert_eq!(
            sorted(read.entries),
            sorted(expected(&figures, lang)),
            "{lang} xlsx"
        );
    }
}

#[test]
fn a_chinese_windows_csv_in_gb18030_reads_like_utf8() {
    let plan = demo_plan();
    let (table, figures) = demo_figures_table("zh-CN");
    let csv = to_csv(&table);
    let (gb, _, bad) = encoding_rs::GB18030.encode(csv.trim_start_matches('\u{feff}'));
    assert!(!bad);
    let read = read_figures(&plan, "figures.csv", &gb).unwrap();
    assert_eq!(sorted(read.entries), sorted(expected(&figures, "zh-CN")));
}

/// A small figures CSV with the demo plan's first unit and its first data, project and
/// constraint indicators, by name.
fn first_of_each_kind() -> (String, String, String, String) {
    let plan = demo_plan();
    let unit = &plan.units[0];
    let of = |k: crate::plan::IndicatorKind| {
        plan.indicators
            .iter()
            .find(|i| i.kind == k && i.weights.contains_key(&unit.category))
            .unwrap()
            .name
            .get("zh-CN")
            .to_owned()
    };
    use crate::plan::IndicatorKind::*;
    (
        unit.name.get("zh-CN").to_owned(),
        of(Data),
        of(Project),
        of(Constraint),
    )
}

#[test]
fn units_and_indicators_may_be_named_and_numbers_grouped() {
    let plan = demo_plan();
    let (unit, data, project, constraint) = first_of_each_kind();
    let csv = format!(
        "责任单位,指标名称,完成值,年度目标,已完成节点,节点总数,是否达标\n\
         {unit},{data},\"1,234.5\",1000,,,\n\
         {unit},{project},,,3,4,\n\
         {unit},{constraint},,,,,达标\n"
    );
    let read = read_figures(&plan, "f.csv", csv.as_bytes()).unwrap();
    assert_eq!(read.entries.len(), 3);
    assert!(matches!(
        read.entries[0].value,
        IndicatorValue::Data { actual, target, baseline: None } if actual == 1234.5 && target == 1000.0
    ));
    assert!(matches!(
        read.entries[1].value,
        IndicatorValue::Project {
            milestones_done: 3,
            milestones_total: 4
        }
    ));
    assert!(matches!(
        read.entries[2].value,
        IndicatorValue::Constraint {
            passed: true,
            veto: false,
            reason: None
        }
    ));
    assert_eq!(read.entries[0].unit, plan.units[0].id);
}

#[test]
fn every_problem_is_listed_with_its_cell_and_nothing_is_read() {
    let plan = demo_plan();
    let (unit, data, project, constraint) = first_of_each_kind();
    let csv = format!(
        "单位,指标,实际值,目标值,已完成节点,节点总数,是否达标\n\
         {unit},{data},12%,10,,,\n\
         {unit},{project},,,5,4,\n\
         {unit},{constraint},,,,,也许\n\
         无此单位,{data},1,2,,,\n\
         {unit},{data},1,2,1,,\n\
         {unit},{project},,,1,4,\n"
    );
    let e = read_figures(&plan, "f.csv", csv.as_bytes()).unwrap_err();
    let YearEndError::Rows { file, problems } = &e else {
        panic!("{e}")
    };
    assert_eq!(file, "f.csv");
    let at: Vec<(&str, u64)> = problems
        .iter()
        .map(|p| (p.cell.as_deref().unwrap(), p.row))
        .collect();
    assert_eq!(
        at,
        [
            ("C2", 2), // 12%: not a number
            ("E3", 3), // 5 done of 4
            ("G4", 4), // 也许: not yes or no
            ("A5", 5), // unknown unit
            ("E6", 6), // a data indicator with a milestone
            ("B6", 6), // the same unit and indicator as row 2
            ("B7", 7), // the same as row 3
        ]
    );
    assert_eq!(problems[0].column.as_deref(), Some("实际值"));
    let en = e.to_string();
    assert!(
        en.starts_with(
            "f.csv: 7 problem(s), nothing was read; C2 (实际值): \"12%\" is not a number"
        ),
        "{en}"
    );
    assert!(
        e.zh().contains("C2 (实际值)：") || e.zh().contains("C2 (实际值): "),
        "{}",
        e.zh()
    );
}

#[test]
fn a_table_without_unit_or_indicator_columns_is_refused_by_name() {
    let e = read_figures(&demo_plan(), "f.csv", "a,b\n1,2\n".as_bytes()).unwrap_err();
    assert_eq!(
        e,
        YearEndError::MissingColumns {
            file: "f.csv".into(),
            missing: "单位 (unit), 指标 (indicator)".into()
        }
    );
}

#[test]
fn an_indicator_of_another_category_is_refused() {
    let plan = demo_plan();
    let unit = &plan.units[0];
    let other = plan
        .indicators
        .iter()
        .find(|i| !i.weights.contains_key(&unit.category))
        .expect("the demo has indicators of several categories");
    let csv = format!(
        "unit,indicator,actual,target\n{},{},1,2\n",
        unit.id, other.id
    );
    let e = read_figures(&plan, "f.csv", csv.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("does not apply to unit"), "{e}");
}

#[test]
fn history_reads_grades_by_id_or_label_and_checks_years() {
    let plan = demo_plan();
    let (u0, u1) = (&plan.units[0], &plan.units[1]);
    let y = plan.year - 1;
    let csv = format!(
        "单位,年度,等次,班子等次\n{},{y}年,立功单位,好\n{},{y},non_compliant,\n{},{},达标单位,不达标\n{},{y},,\n",
        u0.id,
        u1.name.get("zh-CN"),
        u0.id,
        y - 1,
        u1.id,
    );
    let read = read_history(&plan, "h.csv", csv.as_bytes()).unwrap();
    assert_eq!(read.blank_rows, [5]);
    let e = &read.entries;
    assert_eq!(
        (e[0].grade.as_str(), e[0].team_grade.as_deref()),
        ("merit", Some("good"))
    );
    assert_eq!(
        (
            e[1].unit.as_str(),
            e[1].grade.as_str(),
            e[1].team_grade.as_deref()
        ),
        (u1.id.as_str(), "non_compliant", None)
    );
    assert_eq!(
        (e[2].year, e[2].team_grade.as_deref()),
        (y - 1, Some("non_compliant"))
    );

    let bad = format!(
        "unit,year,grade\n{},{},merit\n{},{y},excellent\n",
        u0.id, plan.year, u0.id
    );
    let e = read_history(&plan, "h.csv", bad.as_bytes()).unwrap_err();
    let YearEndError::Rows { problems, .. } = &e else {
        panic!("{e}")
    };
    let cells: Vec<&str> = problems
        .iter()
        .map(|p| p.cell.as_deref().unwrap())
        .collect();
    assert_eq!(cells, ["B2", "C3"], "{e}");
}

#[test]
fn carrying_forward_adds_this_years_grades_to_the_history() {
    let plan = demo_plan();
    let inputs = demo_inputs(5, 200);
    let result = crate::score::evaluate(&plan, &inputs).unwrap();
    let next = carry_forward(&result, &inputs.history);
    assert_eq!(next.len(), inputs.history.len() + result.units.len());
    for u in &result.units {
        let h = next
            .iter()
            .find(|h| h.unit == u.unit && h.year == plan.year)
            .unwrap();
        assert_eq!(h.grade, u.grade);
        assert_eq!(h.team_grade.as_deref(), Some(u.team.grade.as_str()));
    }
    // Written by carry_forward_file as a table and read with next year's plan, it is the
    // same history.
    let result_json = serde_json::to_vec(&result).unwrap();
    let result_file = NamedFile {
        name: "result.json",
        bytes: &result_json,
    };
    let history_json = serde_json::to_vec(&inputs.history).unwrap();
    let given = [NamedFile {
        name: "history.json",
        bytes: &history_json,
    }];
    let (csv, entries) = carry_forward_file(&plan, result_file, &given, "en", "next.csv").unwrap();
    assert_eq!(entries, next);
    let mut next_plan = plan.clone();
    next_plan.year += 1;
    let read = read_history(&next_plan, "next.csv", &csv).unwrap();
    assert_eq!(read.entries, next);
    let mut other = plan.clone();
    other.sha256 = "0".repeat(64);
    let e = carry_forward_file(&other, result_file, &given, "en", "next.csv").unwrap_err();
    assert!(matches!(e, YearEndError::OtherPlan { .. }), "{e}");
}

/// A history as a table in the history template's layout.
pub(crate) fn history_table(history: &[crate::score::HistoryEntry], lang: &str) -> Table {
    let mut table = history_template(&demo_plan(), lang);
    table.rows = history
        .iter()
        .map(|h| {
            vec![
                Cell::Text(h.unit.clone()),
                Cell::Empty,
                Cell::Number(f64::from(h.year)),
                Cell::Text(h.grade.clone()),
                h.team_grade.clone().map_or(Cell::Empty, Cell::Text),
            ]
        })
        .collect();
    table
}

#[test]
fn headers_tell_figures_and_history_from_response_tables() {
    let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        kind_of_header(&h("单位,指标,实际值")),
        Some(YearEndKind::Figures)
    );
    assert_eq!(
        kind_of_header(&h("unit,year,grade")),
        Some(YearEndKind::History)
    );
    assert_eq!(kind_of_header(&h("respondent_id,q1,q2")), None);
    assert_eq!(kind_of_header(&h("单位,指标")), None);
    assert_eq!(
        kind_of_header(&h("respondent_id,unit,indicator,actual")),
        None
    );
    assert_eq!(
        kind_of_header(&header_cells("\u{feff}\"单位\"\t年度\t等次\r\n1,2")),
        Some(YearEndKind::History)
    );
}
