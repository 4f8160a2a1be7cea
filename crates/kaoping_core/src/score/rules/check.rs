//! The checks of the `scoring` section against the rest of the plan: figures in range, grade
//! ids, and the instruments and questions the rules name; the weights' checks are in
//! `weights.rs`.

use super::weights::{validate_indicator_weights, validate_weighting};
use super::ScoringRules;
use crate::plan::{InstrumentKind, Plan, QuestionKind};
use crate::text::Text;
use std::collections::BTreeSet;

/// One problem with the `scoring` section, for [`crate::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleProblem {
    pub path: String,
    pub code: &'static str,
    pub message: Text,
}

pub(crate) fn bad(out: &mut Vec<RuleProblem>, path: &str, zh: &str, en: &str) {
    out.push(RuleProblem {
        path: format!("/scoring{path}"),
        code: "invalid_scoring",
        message: Text::new(zh, en),
    });
}

/// A section's way of reporting a problem: its path prefix and code, then `path`, zh, en.
pub(crate) type Report = fn(&mut Vec<RuleProblem>, &str, &str, &str);

/// Reports through `bad` (the section's own) a figure `v` that is not a finite number from
/// `lo` to `hi`: the one range check of the `scoring` and `tracking` sections.
pub(crate) fn check_range(
    bad: Report,
    out: &mut Vec<RuleProblem>,
    path: &str,
    v: f64,
    lo: f64,
    hi: f64,
) {
    if !(v.is_finite() && v >= lo && v <= hi) {
        bad(
            out,
            path,
            &format!("取值 {v} 应在 {lo} 到 {hi} 之间"),
            &format!("value {v} must be between {lo} and {hi}"),
        );
    }
}

fn in_range(out: &mut Vec<RuleProblem>, path: &str, v: f64, lo: f64, hi: f64) {
    check_range(bad, out, path, v, lo, hi);
}

/// Checks the plan's `scoring` section against the rest of the plan.
pub fn validate_rules(plan: &Plan) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    if super::quality::check_quality_json(&plan.scoring, &mut out) {
        return out;
    }
    let r = match ScoringRules::of(plan) {
        Ok(r) => r,
        Err(e) => {
            bad(
                &mut out,
                "",
                &format!("计分规则无效：{e}"),
                &format!("Invalid scoring rules: {e}"),
            );
            return out;
        }
    };
    let r = &r;
    check_bounds(r, &mut out);
    check_grades(r, &mut out);
    check_indicator_bounds(r, &mut out);
    check_cadre_and_team_bounds(r, &mut out);
    check_instruments(plan, r, &mut out);
    validate_indicator_weights(plan, r, &mut out);
    validate_weighting(plan, r, &mut out);
    super::quality::check_quality(plan, r, &mut out);
    out
}

/// Figures of the whole section: precision, confidence, thresholds, list size.
fn check_bounds(r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    if r.precision > 6 {
        bad(
            out,
            "/precision",
            "精度最多 6 位小数",
            "precision is at most 6 decimals",
        );
    }
    if !(r.confidence > 0.0 && r.confidence < 1.0) {
        bad(
            out,
            "/confidence",
            "置信水平应在 0 与 1 之间",
            "confidence must be between 0 and 1",
        );
    }
    in_range(out, "/alpha_threshold", r.alpha_threshold, -1.0, 1.0);
    in_range(out, "/cronbach_threshold", r.cronbach_threshold, 0.0, 1.0);
    if r.list_size > 20 {
        bad(
            out,
            "/list_size",
            "清单最多 20 项",
            "list_size is at most 20",
        );
    }
}

/// The grades: unique, unreserved ids; minimum scores and top shares in range.
fn check_grades(r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    let mut ids = BTreeSet::new();
    for (i, g) in r.grades.iter().enumerate() {
        if !ids.insert(g.id.as_str()) || ["non_compliant", "incomplete"].contains(&g.id.as_str()) {
            bad(
                out,
                &format!("/grades/{i}/id"),
                &format!("等次 id \"{}\" 重复或为保留字", g.id),
                &format!("grade id \"{}\" is repeated or reserved", g.id),
            );
        }
        if let Some(m) = g.min_score {
            in_range(out, &format!("/grades/{i}/min_score"), m, 0.0, 100.0);
        }
        if let Some(s) = g.top_share {
            if !(s.is_finite() && s > 0.0 && s <= 1.0) {
                bad(
                    out,
                    &format!("/grades/{i}/top_share"),
                    "名额比例应大于 0 且不超过 1",
                    "top_share must be > 0 and ≤ 1",
                );
            }
        }
    }
}

/// The indicator rules' figures: data floor and cap, milestone weight, constraint scores.
fn check_indicator_bounds(r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    let ind = &r.indicators;
    in_range(out, "/indicators/data_floor", ind.data_floor, 0.0, 10.0);
    in_range(out, "/indicators/data_cap", ind.data_cap, 0.0, 10.0);
    if ind.data_floor > ind.data_cap {
        bad(
            out,
            "/indicators/data_floor",
            "下限不能高于上限",
            "data_floor must not exceed data_cap",
        );
    }
    in_range(
        out,
        "/indicators/milestone_weight",
        ind.milestone_weight,
        0.0,
        1.0,
    );
    in_range(
        out,
        "/indicators/constraint_pass",
        ind.constraint_pass,
        0.0,
        100.0,
    );
    in_range(
        out,
        "/indicators/constraint_fail",
        ind.constraint_fail,
        0.0,
        100.0,
    );
}

/// The cadre and team grade thresholds.
fn check_cadre_and_team_bounds(r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    in_range(
        out,
        "/cadre/incompetent_above",
        r.cadre.incompetent_above,
        0.0,
        1.0,
    );
    in_range(out, "/cadre/basic_above", r.cadre.basic_above, 0.0, 1.0);
    in_range(
        out,
        "/cadre/excellent_at_least",
        r.cadre.excellent_at_least,
        0.0,
        1.0,
    );
    if let Some(v) = r.cadre.excellent_max_share {
        in_range(out, "/cadre/excellent_max_share", v, 0.0, 1.0);
    }
    if let Some(v) = r.cadre.reminder_talk_above {
        in_range(out, "/cadre/reminder_talk_above", v, 0.0, 1.0);
    }
    in_range(
        out,
        "/team/non_compliant_below",
        r.team.non_compliant_below,
        0.0,
        100.0,
    );
    in_range(out, "/team/good_at_least", r.team.good_at_least, 0.0, 100.0);
}

/// The instruments and questions the public, expert and leadership rules name.
fn check_instruments(plan: &Plan, r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    let single = |k: &QuestionKind| matches!(k, QuestionKind::Single { .. });
    let scaled =
        |k: &QuestionKind| matches!(k, QuestionKind::Rating { .. } | QuestionKind::Matrix { .. });
    let rating = |k: &QuestionKind| matches!(k, QuestionKind::Rating { .. });
    let matrix = |k: &QuestionKind| matches!(k, QuestionKind::Matrix { .. });
    let nps = |k: &QuestionKind| matches!(k, QuestionKind::Nps | QuestionKind::Rating { .. });

    let p = &r.public;
    if let Some(ins) = instrument_of_kind(
        plan,
        out,
        "/public/instrument",
        &p.instrument,
        InstrumentKind::Survey,
    ) {
        question_fits(out, "/public/unit_question", ins, &p.unit_question, &single);
        for (i, item) in p.items.iter().enumerate() {
            question_fits(out, &format!("/public/items/{i}"), ins, item, &scaled);
        }
        if let Some(q) = &p.satisfaction_question {
            question_fits(out, "/public/satisfaction_question", ins, q, &rating);
        }
        if let Some(q) = &p.nps_question {
            question_fits(out, "/public/nps_question", ins, q, &nps);
        }
        check_public_units(plan, ins, p, out);
    }
    if p.top_box == 0 {
        bad(
            out,
            "/public/top_box",
            "top_box 至少为 1",
            "top_box must be at least 1",
        );
    }
    if let Some(ins) = instrument_of_kind(
        plan,
        out,
        "/expert/instrument",
        &r.expert.instrument,
        InstrumentKind::Review,
    ) {
        if ins.review.as_ref().is_none_or(|rv| rv.groups.is_empty()) {
            bad(
                out,
                "/expert/instrument",
                "评审表没有评审组及权重",
                "the review sheet has no rater groups with weights",
            );
        }
    }
    let l = &r.leadership;
    if let Some(ins) = instrument_of_kind(
        plan,
        out,
        "/leadership/instrument",
        &l.instrument,
        InstrumentKind::Appraisal,
    ) {
        question_fits(
            out,
            "/leadership/unit_question",
            ins,
            &l.unit_question,
            &single,
        );
        question_fits(
            out,
            "/leadership/team_question",
            ins,
            &l.team_question,
            &matrix,
        );
        question_fits(
            out,
            "/leadership/cadre_question",
            ins,
            &l.cadre_question,
            &matrix,
        );
    }
}

/// The instrument `id` when it is of `kind`; an absent instrument is allowed (that component
/// simply has no data), one of another kind is a problem.
fn instrument_of_kind<'p>(
    plan: &'p Plan,
    out: &mut Vec<RuleProblem>,
    path: &str,
    id: &str,
    kind: InstrumentKind,
) -> Option<&'p crate::plan::Instrument> {
    match plan.instrument(id) {
        None => None,
        Some(ins) if ins.kind == kind => Some(ins),
        Some(_) => {
            bad(
                out,
                path,
                &format!("问卷 \"{id}\" 的类型不符"),
                &format!("instrument \"{id}\" is not of the right kind"),
            );
            None
        }
    }
}

/// A problem unless the instrument has a question `id` whose kind is `ok`.
fn question_fits(
    out: &mut Vec<RuleProblem>,
    path: &str,
    ins: &crate::plan::Instrument,
    id: &str,
    ok: &dyn Fn(&QuestionKind) -> bool,
) {
    match ins.questions().find(|q| q.id == id) {
        Some(q) if ok(&q.kind) => {}
        _ => bad(
            out,
            path,
            &format!("问卷 \"{}\" 中没有合适的题目 \"{id}\"", ins.id),
            &format!(
                "instrument \"{}\" has no suitable question \"{id}\"",
                ins.id
            ),
        ),
    }
}

/// `public.unit_matrix`: a matrix whose rows are all units of the plan and none an option of
/// `unit_question` (a unit is rated by its residents or by its users, not both);
/// `public.priorities_question`: a choice question.
fn check_public_units(
    plan: &Plan,
    ins: &crate::plan::Instrument,
    p: &crate::score::PublicRules,
    out: &mut Vec<RuleProblem>,
) {
    let choice = |k: &QuestionKind| {
        matches!(
            k,
            QuestionKind::Single { .. } | QuestionKind::Multiple { .. }
        )
    };
    if let Some(q) = &p.priorities_question {
        question_fits(out, "/public/priorities_question", ins, q, &choice);
    }
    let Some(id) = &p.unit_matrix else { return };
    let Some(q) = ins.questions().find(|q| &q.id == id) else {
        return question_fits(out, "/public/unit_matrix", ins, id, &|_| false);
    };
    let QuestionKind::Matrix { rows, .. } = &q.kind else {
        return question_fits(out, "/public/unit_matrix", ins, id, &|_| false);
    };
    let resident: Vec<&str> = ins
        .questions()
        .find(|q| q.id == p.unit_question)
        .map(|q| match &q.kind {
            QuestionKind::Single { options } => options.iter().map(|c| c.value.as_str()).collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    for row in rows {
        if plan.unit(&row.value).is_none() {
            bad(
                out,
                "/public/unit_matrix",
                &format!("题目 \"{id}\" 的行 \"{}\" 不是方案中的单位", row.value),
                &format!(
                    "row \"{}\" of question \"{id}\" is not a unit of the plan",
                    row.value
                ),
            );
        } else if resident.contains(&row.value.as_str()) {
            bad(
                out,
                "/public/unit_matrix",
                &format!(
                    "单位 \"{}\" 既是 \"{}\" 的选项又是 \"{id}\" 的行：同一单位只能由居民或使用者之一评价",
                    row.value, p.unit_question
                ),
                &format!(
                    "unit \"{}\" is both an option of \"{}\" and a row of \"{id}\": a unit is rated by its residents or by its users, not both",
                    row.value, p.unit_question
                ),
            );
        }
    }
}
