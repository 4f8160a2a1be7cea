//! The words of the warnings: how each is written, why records were not scored, and unit ids
//! replaced by unit names.

use crate::plan::Plan;
use crate::score::result::Warning;
use crate::score::rules::MissingPolicy;
use crate::text::Text;

use super::Year;

/// A warning for each reason records were left out, with how many.
pub(super) fn note_skipped_records(year: &Year, warnings: &mut Vec<Warning>) {
    for (why, n) in &year.state.skipped {
        warn(
            warnings,
            "records_skipped",
            None,
            Some(why),
            format!("{n} 份记录未计分：{}", skip_reason(why).0),
            format!("{n} record(s) not scored: {}", skip_reason(why).1),
        );
    }
}

/// The words for why records were not scored (the ids of `InputSummary::records_skipped`).
fn skip_reason(id: &str) -> (&str, &str) {
    match id {
        "public_unit_not_in_plan" => (
            "受访者所在区不在考评范围内",
            "the respondent's district is not a unit of the plan",
        ),
        "cadre_unit_not_in_plan" => (
            "被评单位不在方案中",
            "the unit appraised is not in the plan",
        ),
        "instrument_not_scored" => ("问卷不参与计分", "the instrument is not scored"),
        "public_weighting_answer_missing" => (
            "缺少加权所需的回答",
            "an answer needed for weighting is missing",
        ),
        "review_unknown_group" => ("评审组不在方案中", "the rater group is not in the plan"),
        "review_without_sheet" => ("问卷没有评审表", "the instrument has no review sheet"),
        other => (other, other),
    }
}

/// The words for a component id, zh-CN and en.
pub(super) fn component_name(id: &str) -> (&str, &str) {
    match id {
        "indicators" => ("指标", "indicator"),
        "expert" => ("专家评审", "expert review"),
        "public" => ("社会公众满意度", "public satisfaction"),
        "leadership" => ("领导评价", "leadership appraisal"),
        other => (other, other),
    }
}

/// Warnings that begin with a unit id (`id：…` / `id: …`) begin with its name instead.
pub(super) fn name_units(plan: &Plan, warnings: &mut [Warning]) {
    for w in warnings {
        let Some(unit) = w.unit.as_deref().and_then(|u| plan.unit(u)) else {
            continue;
        };
        for (lang, sep) in [("zh-CN", "："), ("en", ": ")] {
            let prefix = format!("{}{sep}", unit.id);
            if let Some(text) = w.message.0.get_mut(lang) {
                if let Some(rest) = text.strip_prefix(&prefix) {
                    *text = format!("{}{sep}{rest}", unit.name.get(lang));
                }
            }
        }
    }
}

/// Adds a warning with its code, unit, subject and message in zh-CN and en.
pub(super) fn warn(
    ws: &mut Vec<Warning>,
    code: &str,
    unit: Option<&str>,
    subject: Option<&str>,
    zh: String,
    en: String,
) {
    ws.push(Warning {
        code: code.into(),
        unit: unit.map(str::to_owned),
        subject: subject.map(str::to_owned),
        message: Text::new(&zh, &en),
    });
}

/// How the rules treat a missing component, in zh-CN and in en.
pub(super) fn missing_rule_zh(p: MissingPolicy) -> &'static str {
    match p {
        MissingPolicy::Renormalise => "按其余部分权重重新归一",
        MissingPolicy::Incomplete => "综合得分不完整",
    }
}

pub(super) fn missing_rule_en(p: MissingPolicy) -> &'static str {
    match p {
        MissingPolicy::Renormalise => "weights renormalised over the other parts",
        MissingPolicy::Incomplete => "composite incomplete",
    }
}
