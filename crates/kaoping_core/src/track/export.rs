//! The warning list (CSV) and the printable notice per unit (HTML), in zh-CN or en.

use super::register::RegisterEntry;
use super::{Date, Level, TrackReport, Warning};
use crate::plan::Plan;
use crate::text::escape_html as esc;

use crate::cells::{Cell, Table};

/// The warning list as a table, one warning a row: level, rule, unit, indicator, project,
/// milestone, period, figures (JSON), message (headers in `lang`).
pub fn warnings_table(plan: &Plan, report: &TrackReport, lang: &str) -> Table {
    let en = lang == "en";
    let head: &[&str] = if en {
        &[
            "level",
            "rule",
            "unit id",
            "unit",
            "indicator id",
            "indicator",
            "project",
            "milestone",
            "period",
            "figures",
            "message",
        ]
    } else {
        &[
            "级别",
            "规则",
            "单位代码",
            "责任单位",
            "指标代码",
            "指标",
            "项目",
            "节点",
            "期间",
            "数据",
            "说明",
        ]
    };
    let rows = report
        .warnings
        .iter()
        .map(|w| {
            let unit = plan.unit(&w.unit).map(|u| u.name.get(lang)).unwrap_or("");
            let ind = w
                .indicator
                .as_deref()
                .and_then(|i| plan.indicator(i))
                .map(|i| i.name.get(lang))
                .unwrap_or("");
            [
                w.level.name().get(lang).to_owned(),
                w.rule.clone(),
                w.unit.clone(),
                unit.to_owned(),
                w.indicator.clone().unwrap_or_default(),
                ind.to_owned(),
                w.project.clone().unwrap_or_default(),
                w.milestone.clone().unwrap_or_default(),
                w.period.to_string(),
                serde_json::Value::Object(w.figures.clone()).to_string(),
                w.message.get(lang).to_owned(),
            ]
            .into_iter()
            .map(Cell::Text)
            .collect()
        })
        .collect();
    Table {
        id: "warnings".into(),
        title: if en { "Warnings" } else { "预警清单" }.into(),
        headers: head.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

/// The warning list as CSV (UTF-8 with a byte-order mark, CRLF; a text cell that a
/// spreadsheet would read as a formula gets a leading `'`): [`crate::export::csv::to_csv`].
pub fn warnings_csv(plan: &Plan, report: &TrackReport, lang: &str) -> String {
    crate::export::csv::to_csv(&warnings_table(plan, report, lang))
}

/// The warning list as an Excel workbook (one sheet).
#[cfg(feature = "office")]
pub fn warnings_xlsx(plan: &Plan, report: &TrackReport, lang: &str) -> Vec<u8> {
    crate::xlsx::write_tables(&[warnings_table(plan, report, lang)])
}

/// The units with warnings, in plan order.
pub fn warned_units(plan: &Plan, report: &TrackReport) -> Vec<String> {
    plan.units
        .iter()
        .filter(|u| report.warnings.iter().any(|w| w.unit == u.id))
        .map(|u| u.id.clone())
        .collect()
}

/// A printable notice (通知单 or, when any warning is of level warning, 预警通知单) to one unit:
/// a whole HTML page, plain and print-friendly, with no scripts and no external resources.
/// `None` when the unit has no warning. With its `entry` in the notice register, the notice
/// carries its document number, issue date and reply deadline.
pub fn notice_html(
    plan: &Plan,
    report: &TrackReport,
    unit: &str,
    entry: Option<&RegisterEntry>,
    lang: &str,
) -> Option<String> {
    let (title, body) = notice_body(plan, report, unit, entry, lang)?;
    Some(format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>{}</title>\n<style>\nbody {{ font-family: \"Noto Serif CJK SC\", \"Songti SC\", serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #000; background: #fff; line-height: 1.6; }}\nh1 {{ text-align: center; font-size: 1.6em; letter-spacing: 0.1em; }}\ntable {{ border-collapse: collapse; width: 100%; }}\nth, td {{ border: 1px solid #000; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}\n.sign {{ text-align: right; margin-top: 3em; }}\n@media print {{ body {{ margin: 0; }} }}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(&title),
    ))
}

/// `2026年9月21日`.
fn zh_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year, d.month, d.day)
}

/// The notice's title (level and unit) and its content as an HTML fragment (heading,
/// paragraphs, the table of warnings, the signature): what [`notice_html`] puts in its body, for
/// a page that shows the notice inside itself. `None` when the unit has no warning.
pub fn notice_body(
    plan: &Plan,
    report: &TrackReport,
    unit: &str,
    entry: Option<&RegisterEntry>,
    lang: &str,
) -> Option<(String, String)> {
    let en = lang == "en";
    let ws: Vec<&Warning> = report.warnings.iter().filter(|w| w.unit == unit).collect();
    if ws.is_empty() {
        return None;
    }
    let level = ws.iter().map(|w| w.level).max().unwrap_or(Level::Notice);
    let unit_name = plan.unit(unit).map(|u| u.name.get(lang)).unwrap_or(unit);
    let title = plan.title.get(lang);
    let kind = level.name();
    let mut rows = String::new();
    for (i, w) in ws.iter().enumerate() {
        let ind = w
            .indicator
            .as_deref()
            .and_then(|i| plan.indicator(i))
            .map(|i| i.name.get(lang))
            .unwrap_or("");
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            i + 1,
            esc(w.level.name().get(lang)),
            esc(ind),
            esc(&w.period.to_string()),
            esc(w.message.get(lang)),
        ));
    }
    let (h_no, h_level, h_ind, h_period, h_what) = if en {
        ("No.", "Level", "Indicator", "Period", "What was found")
    } else {
        ("序号", "级别", "指标", "期间", "情况")
    };
    let days = super::TrackingRules::of(plan).map_or(10, |r| r.notices.reply_working_days);
    let deadline = entry.and_then(|e| Date::parse(&e.deadline));
    let by = match (deadline, en) {
        (Some(d), true) => format!("by {d} (within {days} working days)"),
        (None, true) => format!("within {days} working days"),
        (Some(d), false) => format!("于 {}前（{days} 个工作日内）", zh_date(d)),
        (None, false) => format!("于 {days} 个工作日内"),
    };
    let body = if en {
        format!(
            "<p>To: {}</p>\n<p>The evaluation office's tracking of the {} plan up to {} found the following. Please take measures, and report in writing on the progress of rectification {by}.</p>",
            esc(unit_name),
            plan.year,
            report.through
        )
    } else {
        format!(
            "<p>{}：</p>\n<p>根据 {} 年度综合考评跟踪管理情况，截至 {}，你单位存在以下情况。请认真分析原因，采取有效措施，并{by}书面报送整改落实情况。</p>",
            esc(unit_name),
            plan.year,
            report.through
        )
    };
    let number = entry.map_or(String::new(), |e| {
        format!("<p class=\"number\">{}</p>\n", esc(&e.number))
    });
    let issued = entry
        .and_then(|e| Date::parse(&e.issued))
        .map_or(String::new(), |d| {
            if en {
                format!("<br>{d}")
            } else {
                format!("<br>{}", zh_date(d))
            }
        });
    let foot = if en {
        format!(
            "<p class=\"sign\">The evaluation office (考评办){issued}<br>Plan {} {} (sha256 {}…)</p>",
            esc(&plan.id),
            esc(&plan.version),
            &report.plan_sha256.get(..12).unwrap_or("")
        )
    } else {
        format!(
            "<p class=\"sign\">市考评办{issued}<br>方案 {} {}（sha256 {}…）</p>",
            esc(&plan.id),
            esc(&plan.version),
            &report.plan_sha256.get(..12).unwrap_or("")
        )
    };
    Some((
        format!("{} {}", kind.get(lang), unit_name),
        format!(
            "<h1>{}</h1>\n{number}<p>{}</p>\n{body}\n<table>\n<thead><tr><th scope=\"col\">{h_no}</th><th scope=\"col\">{h_level}</th><th scope=\"col\">{h_ind}</th><th scope=\"col\">{h_period}</th><th scope=\"col\">{h_what}</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n{foot}\n",
            esc(kind.get(lang)),
            esc(title),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::{demo_periods, InputKind, Tracker};

    fn demo_report(plan: &Plan) -> TrackReport {
        let d = demo_periods(42, Some("2026-09")).unwrap();
        let mut t = Tracker::new(plan).unwrap();
        t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
        t.add_file(InputKind::Projects, "projects.json", &d.projects_json);
        t.add_file(InputKind::Events, "events.json", &d.events_json);
        t.finish(None).unwrap()
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_neutralised() {
        // Cell by cell the guard is `export::csv`'s (tested there); here: the whole export.
        // a unit named like a formula, in the whole export
        let mut plan = crate::plan::demo_plan();
        plan.units[7].name = crate::text::Text::new("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")");
        let report = demo_report(&plan);
        let csv = warnings_csv(&plan, &report, "zh-CN");
        assert!(csv.starts_with("\u{feff}级别,规则,"));
        assert!(
            csv.contains(",jiangxia,\"'=HYPERLINK(\"\"x\"\")\","),
            "{csv}"
        );
        assert_eq!(csv.matches("\r\n").count(), report.warnings.len() + 1);
    }

    #[cfg(feature = "office")]
    #[test]
    fn the_warning_workbook_reads_back_as_the_csv_says() {
        let plan = crate::plan::demo_plan();
        let report = demo_report(&plan);
        let rows =
            crate::xlsx::read_rows(&warnings_xlsx(&plan, &report, "en"), Some("Warnings")).unwrap();
        assert_eq!(rows.len(), report.warnings.len() + 1);
        assert_eq!(rows[0][0], "level");
        assert_eq!(rows[1][2], report.warnings[0].unit);
    }

    #[test]
    fn a_notice_names_the_unit_its_warnings_and_the_highest_level() {
        let plan = crate::plan::demo_plan();
        let report = demo_report(&plan);
        assert_eq!(
            warned_units(&plan, &report),
            vec!["qiaokou", "caidian", "jiangxia", "huangpi", "transport"]
        );
        let html = notice_html(&plan, &report, "huangpi", None, "zh-CN").unwrap();
        assert!(html.contains("<h1>预警通知单</h1>"), "{html}");
        assert!(html.contains("<p>黄陂区：</p>"));
        assert!(html.contains("并于 10 个工作日内书面报送"), "{html}");
        assert_eq!(html.matches("<tr><td>").count(), 3);
        assert!(!html.contains("<script") && !html.contains("://") && !html.contains("src="));
        let html = notice_html(&plan, &report, "jiangxia", None, "en").unwrap();
        assert!(html.contains("<h1>Notice</h1>"), "{html}");
        assert!(notice_html(&plan, &report, "jiangan", None, "zh-CN").is_none());
    }

    /// A notice in the register carries its number, issue date and deadline; the reply
    /// period is the plan's, not a fixed 10 days.
    #[test]
    fn a_registered_notice_carries_its_number_and_dates() {
        let mut plan = crate::plan::demo_plan();
        plan.tracking["notices"] = serde_json::json!({"reply_working_days": 5});
        let report = demo_report(&plan);
        let entry = RegisterEntry {
            number: "武考评预〔2026〕3号".into(),
            level: Level::Warning,
            unit: "huangpi".into(),
            period: report.through.to_string(),
            issued: "2026-10-09".into(),
            deadline: "2026-10-16".into(),
            warnings: 3,
            answered: None,
            reply: None,
            rectified: None,
        };
        let html = notice_html(&plan, &report, "huangpi", Some(&entry), "zh-CN").unwrap();
        assert!(
            html.contains("<p class=\"number\">武考评预〔2026〕3号</p>"),
            "{html}"
        );
        assert!(
            html.contains("并于 2026年10月16日前（5 个工作日内）书面报送"),
            "{html}"
        );
        assert!(html.contains("市考评办<br>2026年10月9日"), "{html}");
        let html = notice_html(&plan, &report, "huangpi", Some(&entry), "en").unwrap();
        assert!(
            html.contains("by 2026-10-16 (within 5 working days)"),
            "{html}"
        );
        let (_, body) = notice_body(&plan, &report, "huangpi", None, "zh-CN").unwrap();
        assert!(body.contains("并于 5 个工作日内"), "{body}");
    }
}
