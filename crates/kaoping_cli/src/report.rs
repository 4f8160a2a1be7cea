//! Readable text of an evaluation result, for the terminal.

use kaoping_core::plan::Plan;
use kaoping_core::score::EvaluationResult;
use std::fmt::Write;

/// Terminal columns of a text: East Asian wide characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, cols: usize) -> String {
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(s))))
}

fn num(x: Option<f64>, precision: u32) -> String {
    match x {
        Some(v) => format!("{v:.*}", precision as usize),
        None => "—".into(),
    }
}

/// Per category: rank, unit, composite, grade, veto reasons; then warnings.
pub fn evaluation_table(plan: &Plan, result: &EvaluationResult, lang: &str) -> String {
    let en = lang == "en";
    let label = |key: String| {
        result
            .labels
            .get(&key)
            .map(|t| t.get(lang).to_owned())
            .unwrap_or(key)
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} {}",
        plan.title.get(lang),
        if en { "plan sha256" } else { "方案 sha256" },
        result.plan_sha256
    );
    for cat in &result.categories {
        let name = plan
            .category(&cat.category)
            .map(|c| c.name.get(lang))
            .unwrap_or(&cat.category);
        let _ = writeln!(out, "\n{name}");
        let _ = writeln!(
            out,
            "{}  {}  {}  {}",
            pad(if en { "rank" } else { "名次" }, 4),
            pad(if en { "unit" } else { "单位" }, 50),
            pad(if en { "score" } else { "综合得分" }, 8),
            if en { "grade" } else { "等次" }
        );
        for entry in &cat.ranking {
            let unit = result.units.iter().find(|u| u.unit == entry.unit);
            let unit_name = plan
                .unit(&entry.unit)
                .map(|u| u.name.get(lang))
                .unwrap_or(&entry.unit);
            let rank = entry
                .rank
                .map(|r| r.to_string())
                .unwrap_or_else(|| "—".into());
            let mut line = format!(
                "{rank:>4}  {}  {:>8}  {}",
                pad(unit_name, 50),
                num(entry.score, result.precision),
                label(format!("unit.{}", entry.grade))
            );
            if let Some(u) = unit {
                for veto in &u.vetoes {
                    let ind = plan
                        .indicator(&veto.indicator)
                        .map(|i| i.name.get(lang))
                        .unwrap_or(&veto.indicator);
                    let why = veto.reason.as_ref().map(|r| r.get(lang)).unwrap_or("");
                    let _ = write!(
                        line,
                        "  [{}: {ind} {why}]",
                        if en { "veto" } else { "一票否决" }
                    );
                }
                if u.team.reorganisation {
                    let _ = write!(
                        line,
                        "  [{}]",
                        if en { "reorganisation" } else { "组织调整" }
                    );
                } else if u.team.admonition_talk {
                    let _ = write!(
                        line,
                        "  [{}]",
                        if en {
                            "admonition talk"
                        } else {
                            "诫勉谈话"
                        }
                    );
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if !result.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", if en { "Warnings" } else { "提示" });
        for w in &result.warnings {
            let _ = writeln!(out, "- {}", w.message.get(lang));
        }
    }
    out
}

/// One rejected row as the CLI prints it: `file:row: code [column] message`.
pub fn rejection_line(
    file: &str,
    row: usize,
    code: &str,
    column: Option<&str>,
    message: &str,
) -> String {
    let col = column.map(|c| format!(" [{c}]")).unwrap_or_default();
    format!("{file}:{row}: {code}{col} {message}")
}

/// Who may rate, for the terminal: each superseded sheet (which one counted instead) and the
/// one-time codes of each code instrument. Empty when the report has neither.
pub fn trust_lines(report: &kaoping_core::ingest::IngestReport, lang: &str) -> Vec<String> {
    let en = lang == "en";
    let mut out = Vec::new();
    if !report.superseded.is_empty() {
        out.push(if en {
            format!(
                "superseded by a later sheet (accepted, not counted): {}",
                report.superseded.len()
            )
        } else {
            format!(
                "被更晚的评分表取代（已接受，不计分）：{} 份",
                report.superseded.len()
            )
        });
    }
    for s in &report.superseded {
        out.push(if en {
            format!(
                "  {} row {}: {} {} submitted {}; counted: {} row {} (submitted {})",
                s.file,
                s.row,
                s.instrument,
                s.rater,
                s.submitted_at,
                s.counted_file,
                s.counted_row,
                s.counted_submitted_at
            )
        } else {
            format!(
                "  {} 第 {} 条：{} {}，提交于 {}；计分的是 {} 第 {} 条（提交于 {}）",
                s.file,
                s.row,
                s.instrument,
                s.rater,
                s.submitted_at,
                s.counted_file,
                s.counted_row,
                s.counted_submitted_at
            )
        });
    }
    for (ins, c) in &report.codes {
        out.push(if en {
            format!(
                "one-time codes of {ins}: issued {}, used {}, unknown {}, reused {}, missing {}",
                c.issued, c.used, c.unknown, c.reused, c.missing
            )
        } else {
            format!(
                "{ins} 的一次性评价码：发放 {}，已用 {}，无效 {}，重复使用 {}，未填 {}",
                c.issued, c.used, c.unknown, c.reused, c.missing
            )
        });
    }
    out
}

/// The line of counts per plan version (`version: count`, joined in `lang`) after `zh` or `en`,
/// when there are any (a plan with amendments): ingest's accepted records and tracking's
/// site-check records say it the same way.
pub fn versions_line(
    versions: &std::collections::BTreeMap<String, usize>,
    lang: &str,
    zh: &str,
    en: &str,
) -> Option<String> {
    if versions.is_empty() {
        return None;
    }
    let by: Vec<String> = versions.iter().map(|(v, n)| format!("{v}: {n}")).collect();
    Some(if lang == "en" {
        format!("{en}: {}", by.join(", "))
    } else {
        format!("{zh}：{}", by.join("，"))
    })
}
