//! The checks of the `scoring` section's weights: indicator weights (AHP, entropy) and the
//! public survey's weighting (post-stratification, raking).

use super::check::{bad, RuleProblem};
use super::{Aggregation, IndicatorWeights, PublicRules, PublicWeighting, ScoringRules};
use crate::plan::{IndicatorKind, Plan, QuestionKind};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn validate_indicator_weights(
    plan: &Plan,
    r: &ScoringRules,
    out: &mut Vec<RuleProblem>,
) {
    for (cat, how) in &r.indicator_weights {
        let base = format!("/indicator_weights/{cat}");
        if plan.category(cat).is_none() {
            bad(
                out,
                &base,
                &format!("没有类别 \"{cat}\""),
                &format!("there is no category \"{cat}\""),
            );
            continue;
        }
        match how {
            IndicatorWeights::Direct => {}
            IndicatorWeights::Ahp {
                criteria,
                matrix,
                random_index,
            } => check_ahp(plan, cat, &base, criteria, matrix, random_index, out),
            IndicatorWeights::Entropy { criteria } => {
                let list: Vec<String> = if criteria.is_empty() {
                    entropy_criteria(plan, cat, criteria)
                } else {
                    criteria.clone()
                };
                if list.len() < 2 {
                    bad(
                        out,
                        &format!("{base}/criteria"),
                        "熵权法至少需要 2 个数据类指标",
                        "the entropy method needs at least 2 data indicators",
                    );
                    continue;
                }
                check_criteria(plan, cat, &base, out, &list, true);
            }
        }
    }
}

/// An AHP rule: criteria, the random index table, a square and consistent pairwise matrix.
fn check_ahp(
    plan: &Plan,
    cat: &str,
    base: &str,
    criteria: &[String],
    matrix: &[Vec<f64>],
    random_index: &str,
    out: &mut Vec<RuleProblem>,
) {
    if criteria.is_empty() {
        bad(
            out,
            &format!("{base}/criteria"),
            "层次分析法至少需要 1 个指标",
            "AHP needs at least one criterion",
        );
        return;
    }
    check_criteria(plan, cat, base, out, criteria, false);
    let table = match random_index.parse::<crate::stats::ahp::RandomIndexTable>() {
        Ok(t) => t,
        Err(e) => {
            bad(
                out,
                &format!("{base}/random_index"),
                &format!("随机一致性指标表无效：{e}"),
                &format!("{e}"),
            );
            return;
        }
    };
    let mpath = format!("{base}/matrix");
    let n = criteria.len();
    if matrix.len() != n || matrix.iter().any(|row| row.len() != n) {
        bad(
            out,
            &mpath,
            &format!("判断矩阵应为 {n}×{n}（每个指标一行一列）"),
            &format!("the pairwise matrix must be {n}×{n} (one row and column per criterion)"),
        );
        return;
    }
    match ahp_of(criteria, matrix, table) {
        Ok(res) if res.cr >= AHP_CR_THRESHOLD => bad(
            out,
            &mpath,
            &format!(
                "判断矩阵一致性比率 CR = {:.4} ≥ 0.10（λmax = {:.4}，RI = {}），请修改两两比较",
                res.cr, res.lambda_max, res.random_index
            ),
            &format!(
                "the pairwise matrix is inconsistent: CR = {:.4} ≥ 0.10 (λmax = {:.4}, RI = {}); revise the comparisons",
                res.cr, res.lambda_max, res.random_index
            ),
        ),
        Ok(_) => {}
        Err(e) => bad(
            out,
            &mpath,
            &format!("判断矩阵无效：{e}"),
            &format!("invalid pairwise matrix: {e}"),
        ),
    }
}

/// The criteria of an AHP or entropy rule: indicators of the category, each once, with direct
/// weights to rescale; `data_only` (entropy) takes data indicators only.
fn check_criteria(
    plan: &Plan,
    cat: &str,
    base: &str,
    out: &mut Vec<RuleProblem>,
    criteria: &[String],
    data_only: bool,
) {
    let mut seen = BTreeSet::new();
    let mut direct = 0.0;
    for (i, c) in criteria.iter().enumerate() {
        let path = format!("{base}/criteria/{i}");
        match plan.indicators.iter().find(|ind| &ind.id == c) {
            Some(ind) if ind.weights.contains_key(cat) => {
                if data_only && ind.kind != IndicatorKind::Data {
                    bad(
                        out,
                        &path,
                        &format!("熵权法只适用于数据类指标，\"{c}\" 不是"),
                        &format!(
                            "the entropy method takes data indicators only; \"{c}\" is not one"
                        ),
                    );
                }
                direct += ind.weights.get(cat).copied().unwrap_or(0.0);
            }
            _ => bad(
                out,
                &path,
                &format!("指标 \"{c}\" 不存在或不属于类别 \"{cat}\""),
                &format!("indicator \"{c}\" does not exist or has no weight in category \"{cat}\""),
            ),
        }
        if !seen.insert(c.as_str()) {
            bad(
                out,
                &path,
                &format!("指标 \"{c}\" 重复"),
                &format!("indicator \"{c}\" is listed twice"),
            );
        }
    }
    if !criteria.is_empty() && direct <= 0.0 {
        bad(
            out,
            &format!("{base}/criteria"),
            "所列指标的直接权重之和为 0，无法按份额换算",
            "the direct weights of the criteria add up to 0: there is no share to rescale to",
        );
    }
}

/// CR at or above this rejects an AHP matrix.
pub const AHP_CR_THRESHOLD: f64 = 0.10;

/// AHP figures of a criteria matrix (whatever the CR).
pub(crate) fn ahp_of(
    criteria: &[String],
    matrix: &[Vec<f64>],
    table: crate::stats::ahp::RandomIndexTable,
) -> Result<crate::stats::ahp::AhpResult, crate::stats::ahp::AhpError> {
    use crate::stats::ahp::{ahp_weights_unchecked, AhpOptions, PairwiseMatrix};
    ahp_weights_unchecked(
        &PairwiseMatrix {
            names: criteria.to_vec(),
            values: matrix.to_vec(),
        },
        &AhpOptions {
            random_index: table,
            cr_threshold: AHP_CR_THRESHOLD,
            ..AhpOptions::default()
        },
    )
}

/// The criteria of an entropy rule: as listed, or every data indicator of the category.
pub(crate) fn entropy_criteria(plan: &Plan, cat: &str, criteria: &[String]) -> Vec<String> {
    if !criteria.is_empty() {
        return criteria.to_vec();
    }
    plan.indicators
        .iter()
        .filter(|i| i.kind == crate::plan::IndicatorKind::Data && i.weights.contains_key(cat))
        .map(|i| i.id.clone())
        .collect()
}

pub(super) fn validate_weighting(plan: &Plan, r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    let p = &r.public;
    let Some(w) = &p.weighting else { return };
    if matches!(p.aggregation, Aggregation::Trimmed { .. }) {
        bad(
            out,
            "/public/aggregation",
            "加权时公众满意度只能用均值或中位数汇总",
            "with weighting the public index is aggregated by mean or median only",
        );
    }
    match w {
        PublicWeighting::PostStratify {
            by,
            population,
            population_by_unit,
            collapse: _,
        } => check_post_stratify(plan, p, by, population, population_by_unit, out),
        PublicWeighting::Rake {
            margins,
            margins_by_unit,
            cap,
        } => check_rake(plan, p, margins, margins_by_unit, cap.as_ref(), out),
    }
}

/// Post-stratification: single-choice questions to stratify by, population shares whose cells
/// are those questions' option values joined by `|`, overall and by unit.
fn check_post_stratify(
    plan: &Plan,
    p: &PublicRules,
    by: &[String],
    population: &BTreeMap<String, f64>,
    population_by_unit: &BTreeMap<String, BTreeMap<String, f64>>,
    out: &mut Vec<RuleProblem>,
) {
    let base = "/public/weighting";
    if by.is_empty() {
        bad(
            out,
            &format!("{base}/by"),
            "至少需要 1 个分层题目",
            "at least one question to stratify by is needed",
        );
    }
    let opts: Vec<Option<BTreeSet<String>>> =
        by.iter().map(|q| weighting_options(plan, p, q)).collect();
    for (i, (q, o)) in by.iter().zip(&opts).enumerate() {
        if o.is_none() {
            bad(
                out,
                &format!("{base}/by/{i}"),
                &format!("问卷 \"{}\" 中没有单选题 \"{q}\"", p.instrument),
                &format!(
                    "instrument \"{}\" has no single-choice question \"{q}\"",
                    p.instrument
                ),
            );
        }
    }
    let cells = |out: &mut Vec<RuleProblem>, path: &str, m: &BTreeMap<String, f64>| {
        check_shares(out, path, m);
        for k in m.keys() {
            let parts: Vec<&str> = k.split('|').collect();
            let fits = parts.len() == by.len()
                && parts
                    .iter()
                    .zip(&opts)
                    .all(|(v, o)| o.as_ref().is_none_or(|o| o.contains(*v)));
            if !fits {
                bad(
                    out,
                    &format!("{path}/{k}"),
                    &format!("单元格 \"{k}\" 应为 {} 的选项值以 | 连接", by.join("、")),
                    &format!(
                        "cell \"{k}\" must be option values of {} joined by |",
                        by.join(", ")
                    ),
                );
            }
        }
    };
    cells(out, &format!("{base}/population"), population);
    for (u, m) in population_by_unit {
        let path = format!("{base}/population_by_unit/{u}");
        check_unit(plan, out, &path, u);
        cells(out, &path, m);
    }
}

/// Raking: margins on single-choice questions, overall and by unit (the same questions), and a
/// cap above 1.
fn check_rake(
    plan: &Plan,
    p: &PublicRules,
    margins: &BTreeMap<String, BTreeMap<String, f64>>,
    margins_by_unit: &BTreeMap<String, BTreeMap<String, BTreeMap<String, f64>>>,
    cap: Option<&f64>,
    out: &mut Vec<RuleProblem>,
) {
    let base = "/public/weighting";
    let check =
        |out: &mut Vec<RuleProblem>, path: &str, ms: &BTreeMap<String, BTreeMap<String, f64>>| {
            if ms.is_empty() {
                bad(
                    out,
                    path,
                    "至少需要 1 个边际",
                    "at least one margin is needed",
                );
            }
            for (q, m) in ms {
                let mp = format!("{path}/{q}");
                match weighting_options(plan, p, q) {
                    None => bad(
                        out,
                        &mp,
                        &format!("问卷 \"{}\" 中没有单选题 \"{q}\"", p.instrument),
                        &format!(
                            "instrument \"{}\" has no single-choice question \"{q}\"",
                            p.instrument
                        ),
                    ),
                    Some(o) => {
                        for k in m.keys().filter(|k| !o.contains(*k)) {
                            bad(
                                out,
                                &format!("{mp}/{k}"),
                                &format!("\"{k}\" 不是题目 \"{q}\" 的选项"),
                                &format!("\"{k}\" is not an option of question \"{q}\""),
                            );
                        }
                    }
                }
                check_shares(out, &mp, m);
            }
        };
    check(out, &format!("{base}/margins"), margins);
    for (u, ms) in margins_by_unit {
        let path = format!("{base}/margins_by_unit/{u}");
        check_unit(plan, out, &path, u);
        check(out, &path, ms);
        if ms.keys().ne(margins.keys()) {
            bad(
                out,
                &path,
                "单位的边际应与 margins 使用相同的题目",
                "a unit's margins must use the same questions as `margins`",
            );
        }
    }
    if let Some(c) = cap {
        if !(c.is_finite() && *c > 1.0) {
            bad(
                out,
                &format!("{base}/cap"),
                &format!("权重上限 {c} 应大于 1（平均权重的倍数）"),
                &format!("cap {c} must be > 1 (a multiple of the mean weight)"),
            );
        }
    }
}

/// The options of a weighting question (`None`: not a single-choice question of the public
/// survey).
fn weighting_options(plan: &Plan, p: &PublicRules, q: &str) -> Option<BTreeSet<String>> {
    let ins = plan.instrument(&p.instrument)?;
    match &ins.questions().find(|x| x.id == q)?.kind {
        QuestionKind::Single { options, .. } => {
            Some(options.iter().map(|o| o.value.clone()).collect())
        }
        _ => None,
    }
}

/// Target shares: not empty, finite and non-negative, adding up to more than 0.
fn check_shares(out: &mut Vec<RuleProblem>, path: &str, m: &BTreeMap<String, f64>) {
    if m.is_empty() {
        bad(
            out,
            path,
            "目标比例不能为空",
            "the targets must not be empty",
        );
    }
    for (k, v) in m {
        if !(v.is_finite() && *v >= 0.0) {
            bad(
                out,
                &format!("{path}/{k}"),
                &format!("比例 {v} 应为非负数"),
                &format!("share {v} must be a finite number ≥ 0"),
            );
        }
    }
    if m.values().all(|v| *v <= 0.0) && !m.is_empty() {
        bad(
            out,
            path,
            "目标比例之和应大于 0",
            "the targets must add up to more than 0",
        );
    }
}

/// A unit the plan has.
fn check_unit(plan: &Plan, out: &mut Vec<RuleProblem>, path: &str, u: &str) {
    if plan.unit(u).is_none() {
        bad(
            out,
            path,
            &format!("没有单位 \"{u}\""),
            &format!("there is no unit \"{u}\""),
        );
    }
}
