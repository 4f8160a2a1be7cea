//! The feedback letter to each unit (结果反馈函, issue 18): its score against its category's
//! (components and indicators), its positive and negative lists, the experts' comments without
//! their reviewers, its named cadres' grades and talk lists (only with a cadre roster), and
//! what it must rectify and by when. One HTML file per unit, zh-CN then
//! English, no script, its CSS inline (the public page's), printable on A4; all units' letters
//! in one ZIP ([`letters_zip`]).

use super::html::{
    category_name, fixed, indicator_name, table_close, table_open, unit_name, Words, LANGS,
    PAGE_STYLE,
};
use crate::export::{check_plan, ExportError};
use crate::plan::Plan;
use crate::score::{EvaluationResult, UnitResult};
use crate::text::escape_html as esc;
use std::fmt::Write;

/// One unit's letter: its file name in the ZIP and its HTML.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Letter {
    pub unit: String,
    /// `NN-unitid.html` (NN: the unit's place in the plan; characters other than ASCII
    /// letters, digits, `-` and `_` of the id as `_`, so that no name leaves the archive's
    /// folder).
    pub file: String,
    pub html: String,
}

/// Every unit's letter, in plan order, for a result computed from `plan`.
pub fn letters(plan: &Plan, result: &EvaluationResult) -> Result<Vec<Letter>, ExportError> {
    check_plan(plan, result)?;
    let width = plan.units.len().to_string().len().max(2);
    Ok(plan
        .units
        .iter()
        .enumerate()
        .filter_map(|(i, unit)| {
            let u = result.units.iter().find(|u| u.unit == unit.id)?;
            let id: String = unit
                .id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            Some(Letter {
                unit: unit.id.clone(),
                file: format!("{:0width$}-{id}.html", i + 1),
                html: letter_html(plan, result, u),
            })
        })
        .collect())
}

/// All units' letters in one ZIP archive (deflated, fixed times: the same result gives the
/// same bytes).
pub fn letters_zip(plan: &Plan, result: &EvaluationResult) -> Result<Vec<u8>, ExportError> {
    let mut zip = crate::xlsx::zip::ZipWriter::default();
    for l in letters(plan, result)? {
        zip.add(&l.file, l.html.as_bytes());
    }
    Ok(zip.finish())
}

fn heading(plan: &Plan, u: &UnitResult, w: &Words) -> String {
    let unit = unit_name(plan, &u.unit, w);
    let title = plan.title.get(w.lang);
    if w.en {
        format!("{title}: feedback to {unit}")
    } else {
        format!("{title}结果反馈函（{unit}）")
    }
}

/// One unit's letter, zh-CN then English.
pub fn letter_html(plan: &Plan, result: &EvaluationResult, u: &UnitResult) -> String {
    let [zh, en] = &LANGS;
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · {}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n\
         <div class=\"page\">\n\
         <nav class=\"langs\" aria-label=\"语言 · Language\"><a href=\"#en\" lang=\"en\" hreflang=\"en\">English version</a></nav>\n\
         <main>\n",
        esc(&heading(plan, u, zh)),
        esc(&heading(plan, u, en)),
    );
    for w in [zh, en] {
        let id = if w.en { "en" } else { "zh" };
        let _ = writeln!(
            out,
            "<article id=\"{id}\" lang=\"{}\" aria-labelledby=\"{id}-title\">\n<h1 id=\"{id}-title\">{}</h1>",
            w.lang,
            esc(&heading(plan, u, w))
        );
        summary(&mut out, plan, result, u, w);
        components(&mut out, result, u, w);
        indicators(&mut out, plan, result, u, w);
        lists(&mut out, plan, u, w);
        comments(&mut out, plan, u, w);
        cadres::cadres(&mut out, plan, result, u, w);
        rectify(&mut out, plan, u, w);
        out.push_str("</article>\n");
    }
    out.push_str("</main>\n</div>\n</body>\n</html>\n");
    out
}

fn num(x: Option<f64>, decimals: u32) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "—".to_owned(), |v| fixed(v, decimals))
}

fn summary(out: &mut String, plan: &Plan, r: &EvaluationResult, u: &UnitResult, w: &Words) {
    let size = r
        .categories
        .iter()
        .find(|c| c.category == u.category)
        .map_or(0, |c| c.ranking.len());
    let cat = category_name(plan, &u.category, w);
    let grade = r
        .labels
        .get(&format!("unit.{}", u.grade))
        .map_or(u.grade.as_str(), |t| t.get(w.lang));
    let rank = u
        .rank
        .map_or_else(|| w.t("未排名", "unranked").to_owned(), |k| k.to_string());
    let score = num(u.composite_rounded, r.precision);
    let text = if w.en {
        format!("{}: in the {} evaluation your unit ranks {rank} of {size} in its category, {cat}, with a composite score of {score}; grade: {grade}.", unit_name(plan, &u.unit, w), r.year)
    } else {
        format!("{}：在 {} 年度综合考评中，你单位在{cat}（共 {size} 个单位）中排名第 {rank}，综合得分 {score}，等次为{grade}。", unit_name(plan, &u.unit, w), r.year)
    };
    let _ = writeln!(out, "<p>{}</p>", esc(&text));
    if u.merit {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            w.t(
                "你单位获评立功单位。",
                "Your unit is one of the year's merit units."
            )
        );
    }
}

const COMPONENTS: [(&str, &str, &str); 4] = [
    ("indicators", "指标考核", "Indicators"),
    ("expert", "专家评审", "Expert review"),
    ("public", "公众满意度", "Public satisfaction"),
    ("leadership", "领导班子评价", "Leadership appraisal"),
];

fn component_value(u: &UnitResult, key: &str) -> Option<f64> {
    let c = &u.components;
    match key {
        "indicators" => c.indicators.summary.value,
        "expert" => c.expert.summary.value,
        "public" => c.public.summary.value,
        _ => c.leadership.value,
    }
}

/// The unit's components against the mean of its category's units that have a value.
fn components(out: &mut String, r: &EvaluationResult, u: &UnitResult, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-parts\">\n<h2 id=\"{id}-parts\">{}</h2>",
        w.t("得分构成与本类别比较", "Your score against your category")
    );
    let headers = [
        (w.t("部分", "Part"), false),
        (w.t("本单位", "Your unit"), true),
        (w.t("本类别平均", "Category mean"), true),
        (w.t("差", "Difference"), true),
    ];
    table_open(
        out,
        &format!("{id}-parts-t"),
        w.t("各部分得分（0–100）", "Parts of the score (0–100)"),
        &headers,
    );
    let peers: Vec<&UnitResult> = r
        .units
        .iter()
        .filter(|p| p.category == u.category)
        .collect();
    for (key, zh, en) in COMPONENTS {
        let mine = component_value(u, key);
        let values: Vec<f64> = peers
            .iter()
            .filter_map(|p| component_value(p, key))
            .collect();
        let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        let diff = mine.zip(mean).map(|(a, b)| a - b);
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            w.t(zh, en),
            num(mine, 2),
            num(mean, 2),
            signed(diff)
        );
    }
    table_close(out);
}

fn signed(x: Option<f64>) -> String {
    match x.filter(|v| v.is_finite()) {
        Some(v) if v > 0.0 => format!("+{v:.2}"),
        Some(v) => format!("{v:.2}"),
        None => "—".to_owned(),
    }
}

fn indicators(out: &mut String, plan: &Plan, r: &EvaluationResult, u: &UnitResult, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let means = r
        .categories
        .iter()
        .find(|c| c.category == u.category)
        .map(|c| &c.indicator_means);
    let headers = [
        (w.t("指标", "Indicator"), false),
        (w.t("本单位", "Your unit"), true),
        (w.t("本类别平均", "Category mean"), true),
        (w.t("差", "Difference"), true),
    ];
    table_open(
        out,
        &format!("{id}-ind-t"),
        w.t("各指标得分（0–100）", "Indicator scores (0–100)"),
        &headers,
    );
    for it in &u.components.indicators.items {
        let mean = means.and_then(|m| m.get(&it.indicator)).copied();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(indicator_name(plan, &it.indicator, w)),
            num(it.score, 2),
            num(mean, 2),
            signed(it.score.zip(mean).map(|(a, b)| a - b))
        );
    }
    table_close(out);
    out.push_str("</section>\n");
}

fn lists(out: &mut String, plan: &Plan, u: &UnitResult, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-lists\">\n<h2 id=\"{id}-lists\">{}</h2>",
        w.t("正向清单与反向清单", "Positive and negative lists")
    );
    for (i, (title, items)) in [
        (
            w.t("正向清单：做得好的", "Positive list: what went well"),
            &u.positive,
        ),
        (
            w.t("反向清单：须改进的", "Negative list: what fell short"),
            &u.negative,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        // A list with items is named by its table's caption; an empty one by a heading.
        if items.is_empty() {
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<p>{}</p>",
                esc(title),
                w.t("无。", "None.")
            );
            continue;
        }
        let headers = [
            (w.t("指标", "Indicator"), false),
            (w.t("本单位", "Your unit"), true),
            (w.t("本类别平均", "Category mean"), true),
            (w.t("差", "Difference"), true),
        ];
        table_open(out, &format!("{id}-list-{i}"), title, &headers);
        for li in items {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td class=\"num\">{}</td></tr>",
                esc(indicator_name(plan, &li.indicator, w)),
                li.score,
                li.category_mean,
                signed(Some(li.difference))
            );
        }
        table_close(out);
    }
    out.push_str("</section>\n");
}

fn group_name<'a>(plan: &'a Plan, id: &'a str, w: &Words) -> &'a str {
    plan.instruments
        .iter()
        .filter_map(|i| i.review.as_ref())
        .flat_map(|r| r.groups.iter())
        .find(|g| g.id == id)
        .map_or(id, |g| g.name.get(w.lang))
}

fn comments(out: &mut String, plan: &Plan, u: &UnitResult, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-comments\">\n<h2 id=\"{id}-comments\">{}</h2>",
        w.t("专家意见", "The experts' comments")
    );
    if u.comments.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            w.t("专家评审团未提出书面意见。", "The panel wrote no comments.")
        );
    } else {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            w.t(
                "以下为专家评审团的书面意见（不署评审人姓名），原文照录。",
                "The expert panel's written comments, as written (reviewers are not named)."
            )
        );
        out.push_str("<ul class=\"plain\">\n");
        for c in &u.comments {
            let (open, close) = if w.en {
                (" (", "): ")
            } else {
                ("（", "）：")
            };
            let _ = writeln!(
                out,
                "<li><span class=\"mark\">{}</span>{open}{}{close}{}</li>",
                esc(indicator_name(plan, &c.indicator, w)),
                esc(group_name(plan, &c.group, w)),
                esc(&c.text)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// What the unit must rectify (vetoes, the written report of a non-compliant unit, the
/// negative list) and by when.
fn rectify(out: &mut String, plan: &Plan, u: &UnitResult, w: &Words) {
    let id = if w.en { "en" } else { "zh" };
    let days = plan.publication().rectify_within_days;
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}-rectify\">\n<h2 id=\"{id}-rectify\">{}</h2>\n<ul class=\"plain\">",
        w.t("整改要求", "What to rectify, and by when")
    );
    for v in &u.vetoes {
        let ind = indicator_name(plan, &v.indicator, w);
        let reason = v.reason.as_ref().map(|t| t.get(w.lang));
        let text = match (w.en, reason) {
            (true, Some(r)) => {
                format!("One-vote veto, {ind}: {r}. Remedy its causes and consequences.")
            }
            (true, None) => format!("One-vote veto, {ind}. Remedy its causes and consequences."),
            (false, Some(r)) => format!("一票否决事项“{ind}”：{r}。请查明原因，整改到位。"),
            (false, None) => format!("一票否决事项“{ind}”。请查明原因，整改到位。"),
        };
        let _ = writeln!(out, "<li>{}</li>", esc(&text));
    }
    if u.rectification_required {
        let _ = writeln!(
            out,
            "<li>{}</li>",
            w.t(
                "你单位本年度为不达标单位，须提交书面整改报告。",
                "Your unit is non-compliant this year and must submit a written rectification report."
            )
        );
    }
    for li in &u.negative {
        let ind = indicator_name(plan, &li.indicator, w);
        let text = if w.en {
            format!(
                "{ind}: below the category mean by {:.2}; state your improvement measures.",
                -li.difference
            )
        } else {
            format!(
                "{ind}：低于本类别平均 {:.2} 分，请提出改进措施。",
                -li.difference
            )
        };
        let _ = writeln!(out, "<li>{}</li>", esc(&text));
    }
    let nothing = u.vetoes.is_empty() && !u.rectification_required && u.negative.is_empty();
    if nothing {
        let _ = writeln!(
            out,
            "<li>{}</li>",
            w.t("本年度无整改事项。", "Nothing to rectify this year.")
        );
    }
    out.push_str("</ul>\n");
    if !nothing {
        let text = if w.en {
            format!("Please report in writing on the rectification and the measures taken within {days} days of the date of this letter.")
        } else {
            format!("请于本函印发之日起 {days} 日内，将整改落实情况和改进措施书面报送考评办。")
        };
        let _ = writeln!(out, "<p class=\"mark\">{}</p>", esc(&text));
    }
    out.push_str("</section>\n");
}

mod cadres;
#[cfg(test)]
mod tests;
