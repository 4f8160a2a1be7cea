//! From the accumulated state to the [`EvaluationResult`].

use super::result::*;
use super::rules::{
    ahp_of, entropy_criteria, Aggregation, IndicatorWeights, MissingPolicy, PublicWeighting,
    QuotaRounding, ScoringRules, AHP_CR_THRESHOLD,
};
use super::state::{point_score, PublicAcc, ScoreState, Sheet};
use super::{round_to, IndicatorValue, ScoreError};
use crate::plan::{Direction, IndicatorKind, Plan, QuestionKind, ReviewSheet};
use crate::stats::dist::stable_sum;
use crate::stats::icc::icc;
use crate::stats::interval::{kish_effective_n, t_interval_counts, wilson_interval, Interval};
use crate::stats::kendall::kendall_w;
use crate::stats::krippendorff::{krippendorff_alpha, Metric};
use crate::stats::matrix::RatingMatrix;
use crate::stats::tally::{calibrate, Rating, Tally};
use crate::text::Text;
use std::collections::BTreeMap;

fn distribution(t: &Tally) -> Vec<ValueCount> {
    t.values()
        .into_iter()
        .map(|(value, count)| ValueCount {
            value,
            count,
            answer: None,
            label: None,
        })
        .collect()
}

/// The scale of a public survey item (`question` or `matrix/row`).
fn public_scale(plan: &Plan, instrument: &str, item: &str) -> Option<crate::plan::Scale> {
    let id = item.split('/').next()?;
    let q = plan
        .instrument(instrument)?
        .questions()
        .find(|q| q.id == id)?;
    q.kind.scale()
}

/// A public item's distribution of scores with the answer behind each score: the scale point
/// whose score ([`point_score`]) it is, when exactly one point has it, and that point's label.
fn answer_distribution(t: &Tally, scale: Option<&crate::plan::Scale>) -> Vec<ValueCount> {
    let mut out = distribution(t);
    let Some((scale, values)) = scale.and_then(|s| Some((s, s.values()?))) else {
        return out;
    };
    let points: Vec<(f64, f64)> = values
        .into_iter()
        .map(|v| {
            // The plan's own spelling of the point, as the answer was recorded.
            let v = scale
                .points
                .iter()
                .map(|p| p.value)
                .find(|p| (p - v).abs() < 1e-9)
                .unwrap_or(v);
            (v, point_score(scale, v))
        })
        .collect();
    for d in &mut out {
        let mut hits = points.iter().filter(|(_, s)| *s == d.value);
        if let (Some((v, _)), None) = (hits.next(), hits.next()) {
            d.answer = Some(*v);
            d.label = scale
                .points
                .iter()
                .find(|p| p.value == *v)
                .map(|p| p.label.clone());
        }
    }
    out
}

/// (category, indicator) → (weight used, method, direct weight).
type Derived = BTreeMap<(String, String), (f64, &'static str, f64)>;

fn weight_in(derived: &Derived, cat: &str, ind: &str, direct: f64) -> f64 {
    derived
        .get(&(cat.to_owned(), ind.to_owned()))
        .map_or(direct, |d| d.0)
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
fn component_name(id: &str) -> (&str, &str) {
    match id {
        "indicators" => ("指标", "indicator"),
        "expert" => ("专家评审", "expert review"),
        "public" => ("社会公众满意度", "public satisfaction"),
        "leadership" => ("领导评价", "leadership appraisal"),
        other => (other, other),
    }
}

/// Warnings that begin with a unit id (`id：…` / `id: …`) begin with its name instead.
fn name_units(plan: &Plan, warnings: &mut [Warning]) {
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

fn warn(
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

/// Aggregates a tally by the rule; `(status, value)`.
fn aggregate(t: &Tally, agg: Aggregation, min_n: u64) -> (Status, Option<f64>) {
    if t.n() == 0 {
        return (Status::Missing, None);
    }
    if t.n() < min_n.max(agg.needs()) {
        return (Status::Insufficient, None);
    }
    let v = match agg {
        Aggregation::Mean => t.mean(),
        Aggregation::Median => t.median(),
        Aggregation::Trimmed { k } => t.trimmed_mean(k),
    };
    match v {
        Some(v) => (Status::Ok, Some(v)),
        None => (Status::Insufficient, None),
    }
}

/// Weighted combination of parts `(weight, value)`: Σ w·v / Σ w over the parts present;
/// `None` when none is present, or one is missing and the policy is `incomplete`.
/// Returns the value and the renormalised weights.
fn combine(parts: &[(f64, Option<f64>)], policy: MissingPolicy) -> (Option<f64>, Vec<Option<f64>>) {
    let present: Vec<f64> = parts
        .iter()
        .filter(|p| p.1.is_some())
        .map(|p| p.0)
        .collect();
    let missing = parts.iter().any(|p| p.1.is_none() && p.0 > 0.0);
    let sw = stable_sum(present.iter().copied());
    if present.is_empty() || sw <= 0.0 || (missing && policy == MissingPolicy::Incomplete) {
        return (None, parts.iter().map(|_| None).collect());
    }
    let used: Vec<Option<f64>> = parts.iter().map(|(w, v)| v.map(|_| w / sw)).collect();
    let value = stable_sum(
        parts
            .iter()
            .zip(&used)
            .filter_map(|((_, v), u)| Some(v.as_ref()? * u.as_ref()?)),
    );
    (Some(value), used)
}

fn interval_of(t: &Tally, level: f64) -> Option<Interval> {
    if t.n() < 2 {
        return None;
    }
    t_interval_counts(&t.values(), level).ok()
}

fn status_of(t: &Tally, s: Status) -> Status {
    if s == Status::Missing && t.unable_to_judge() > 0 {
        Status::Insufficient
    } else {
        s
    }
}

/// The reviewed indicators of a category on the sheet, with their category weights.
fn reviewed(
    plan: &Plan,
    sheet: &ReviewSheet,
    category: &str,
    derived: &Derived,
) -> Vec<(String, f64)> {
    if !sheet.categories.is_empty() && !sheet.categories.iter().any(|c| c == category) {
        return Vec::new();
    }
    plan.indicators
        .iter()
        .filter(|i| sheet.indicators.contains(&i.id))
        .filter_map(|i| {
            i.weights
                .get(category)
                .map(|w| (i.id.clone(), weight_in(derived, category, &i.id, *w)))
        })
        .collect()
}

/// A reviewer's total for a unit: weighted mean of the indicators scored (unable left
/// out). `Some(None)` = only "unable"; `None` = not rated.
fn reviewer_total(sheet: &Sheet, unit: &str, inds: &[(String, f64)]) -> Option<Option<f64>> {
    let mut parts = Vec::new();
    let mut any = false;
    for (i, w) in inds {
        if let Some(s) = sheet.scores.get(&(unit.to_owned(), i.clone())) {
            any = true;
            if let Some(s) = s {
                parts.push((*w, *s));
            }
        }
    }
    if !any {
        return None;
    }
    let sw = stable_sum(parts.iter().map(|p| p.0));
    if parts.is_empty() {
        return Some(None);
    }
    if sw <= 0.0 {
        return Some(Some(
            stable_sum(parts.iter().map(|p| p.1)) / parts.len() as f64,
        ));
    }
    Some(Some(stable_sum(parts.iter().map(|(w, s)| w * s)) / sw))
}

fn quota(share: f64, n: usize, rounding: QuotaRounding) -> u32 {
    // 9 decimals absorb the representation error of share × n (0.3 × 10 = 3.0000000000000004).
    let x = round_to(share * n as f64, 9);
    let q = match rounding {
        QuotaRounding::Floor => x.floor(),
        QuotaRounding::Ceil => x.ceil(),
        QuotaRounding::Round => x.round(),
    };
    q.max(0.0) as u32
}

impl ScoreState<'_> {
    /// Computes the result. Does not depend on the order records were added or merged.
    pub fn finish(self) -> Result<EvaluationResult, ScoreError> {
        let plan = self.plan;
        let rules: &ScoringRules = &self.rules.clone();
        let level = rules.confidence;
        let prec = rules.precision;
        let mut warnings = Vec::new();
        let sheet_def = plan
            .instrument(&rules.expert.instrument)
            .and_then(|i| i.review.as_ref());
        let (derived, indicator_weights) = self.derive_weights(&mut warnings)?;

        // ---- expert reviewer totals (for calibration and the component) --------------
        let mut totals: BTreeMap<(String, String), Option<f64>> = BTreeMap::new(); // (reviewer, unit)
        if let Some(sd) = sheet_def {
            for unit in &plan.units {
                let inds = reviewed(plan, sd, &unit.category, &derived);
                for (rid, sheet) in &self.sheets {
                    if let Some(t) = reviewer_total(sheet, &unit.id, &inds) {
                        totals.insert((rid.clone(), unit.id.clone()), t);
                    }
                }
            }
        }
        let mut calibration = Vec::new();
        if rules.expert.calibrate {
            let ratings: Vec<Rating> = totals
                .iter()
                .filter_map(|((r, u), s)| {
                    s.map(|score| Rating {
                        reviewer: r.clone(),
                        unit: u.clone(),
                        score,
                    })
                })
                .collect();
            match calibrate(&ratings) {
                Ok(res) => {
                    for c in &res.ratings {
                        totals.insert((c.reviewer.clone(), c.unit.clone()), Some(c.calibrated));
                    }
                    for rv in &res.reviewers {
                        if let Some(flag) = rv.flag {
                            warn(
                                &mut warnings,
                                "calibration_skipped",
                                None,
                                Some(&rv.reviewer),
                                format!("评审人 {} 的评分未校准（{flag:?}）", rv.reviewer),
                                format!(
                                    "reviewer {}'s scores were not calibrated ({flag:?})",
                                    rv.reviewer
                                ),
                            );
                        }
                    }
                    calibration = res.reviewers;
                }
                Err(e) => warn(
                    &mut warnings,
                    "calibration_failed",
                    None,
                    None,
                    format!("无法校准：{e}"),
                    format!("calibration not possible: {e}"),
                ),
            }
        }
        let groups: Vec<(String, f64)> = sheet_def
            .map(|sd| sd.groups.iter().map(|g| (g.id.clone(), g.weight)).collect())
            .unwrap_or_default();

        // ---- per unit ---------------------------------------------------------------
        let mut units: Vec<UnitResult> = Vec::new();
        for unit in &plan.units {
            let Some(cat) = plan.category(&unit.category) else {
                continue;
            };
            let cw = cat.components;
            let u = unit.id.as_str();

            // expert: per group tallies of reviewer totals
            let mut group_tallies: BTreeMap<&str, Tally> = BTreeMap::new();
            let mut group_of_reviewer: Vec<(&str, f64)> = Vec::new();
            for ((rid, uid), t) in &totals {
                if uid != u {
                    continue;
                }
                let Some(sheet) = self.sheets.get(rid) else {
                    continue;
                };
                let tally = group_tallies.entry(sheet.group.as_str()).or_default();
                match t {
                    Some(v) => {
                        let _ = tally.record(*v);
                        group_of_reviewer.push((sheet.group.as_str(), *v));
                    }
                    None => tally.record_unable(),
                }
            }
            let group_scores = |tallies: &BTreeMap<&str, Tally>| -> (Option<f64>, Vec<GroupScore>) {
                let mut parts = Vec::new();
                let mut out = Vec::new();
                for (g, w) in &groups {
                    let empty = Tally::new();
                    let t = tallies.get(g.as_str()).unwrap_or(&empty);
                    let (s, v) = aggregate(t, rules.expert.aggregation, rules.expert.min_n);
                    parts.push((*w, v));
                    out.push(GroupScore {
                        group: g.clone(),
                        weight: *w,
                        weight_used: None,
                        status: status_of(t, s),
                        n: t.n(),
                        unable_to_judge: t.unable_to_judge(),
                        mean: t.mean(),
                        value: v,
                    });
                }
                let (value, used) = combine(&parts, rules.missing);
                for (o, wu) in out.iter_mut().zip(used) {
                    o.weight_used = wu;
                }
                (value, out)
            };
            let (expert_value, expert_groups) = group_scores(&group_tallies);
            let all_expert = group_tallies.values().fold(Tally::new(), |mut a, t| {
                a.merge(t);
                a
            });
            let mut expert_inds = Vec::new();
            if let Some(sd) = sheet_def {
                for (ind, _) in reviewed(plan, sd, &unit.category, &derived) {
                    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
                    for sheet in self.sheets.values() {
                        if let Some(s) = sheet.scores.get(&(u.to_owned(), ind.clone())) {
                            let t = tallies.entry(sheet.group.as_str()).or_default();
                            match s {
                                Some(v) => {
                                    let _ = t.record(*v);
                                }
                                None => t.record_unable(),
                            }
                        }
                    }
                    let (value, gs) = group_scores(&tallies);
                    let all = tallies.values().fold(Tally::new(), |mut a, t| {
                        a.merge(t);
                        a
                    });
                    expert_inds.push(ExpertIndicator {
                        indicator: ind,
                        value,
                        groups: gs,
                        distribution: distribution(&all),
                        interval: interval_of(&all, level),
                    });
                }
            }
            for g in &expert_groups {
                if cw.expert > 0.0 && g.status != Status::Ok && g.weight > 0.0 {
                    warn(
                        &mut warnings,
                        "expert_group_without_score",
                        Some(u),
                        Some(&g.group),
                        format!("{u}：评审组 {} 有效评分不足（{} 份）", g.group, g.n),
                        format!("{u}: rater group {} has too few scores ({})", g.group, g.n),
                    );
                }
            }
            // Kish n_eff of the implied per-reviewer weights w_g / n_g.
            let mut kish_w = Vec::new();
            for g in &expert_groups {
                if let (Some(wu), true) = (g.weight_used, g.n > 0) {
                    for _ in group_of_reviewer.iter().filter(|(gr, _)| *gr == g.group) {
                        kish_w.push(wu / g.n as f64);
                    }
                }
            }
            kish_w.sort_by(f64::total_cmp);
            let expert_status = match expert_value {
                Some(_) => Status::Ok,
                None if all_expert.n() == 0 && all_expert.unable_to_judge() == 0 => Status::Missing,
                None if expert_groups.iter().any(|g| g.value.is_some()) => Status::Incomplete,
                None => Status::Insufficient,
            };
            let expert = ExpertComponent {
                summary: ComponentSummary {
                    weight: cw.expert,
                    weight_used: None,
                    status: expert_status,
                    value: expert_value,
                    contribution: None,
                    n: all_expert.n(),
                    unable_to_judge: all_expert.unable_to_judge(),
                    n_eff: if kish_w.is_empty() {
                        None
                    } else {
                        kish_effective_n(&kish_w).ok()
                    },
                    interval: interval_of(&all_expert, level),
                },
                groups: expert_groups,
                indicators: expert_inds,
            };

            // indicators
            let ir = &rules.indicators;
            let mut items = Vec::new();
            let mut vetoes = Vec::new();
            for ind in &plan.indicators {
                let Some(&direct_w) = ind.weights.get(&unit.category) else {
                    continue;
                };
                let d = derived.get(&(unit.category.clone(), ind.id.clone()));
                let w = d.map_or(direct_w, |d| d.0);
                let input = self
                    .indicators
                    .get(&(u.to_owned(), ind.id.clone()))
                    .cloned();
                let ex = expert
                    .indicators
                    .iter()
                    .find(|e| e.indicator == ind.id)
                    .and_then(|e| e.value);
                let (ratio, score, exp_used) = match (&input, ind.kind) {
                    (Some(IndicatorValue::Data { actual, target, .. }), _) => {
                        let raw = match ind.direction.unwrap_or(Direction::HigherIsBetter) {
                            Direction::HigherIsBetter => actual / target,
                            Direction::LowerIsBetter => {
                                if *actual <= 0.0 {
                                    ir.data_cap
                                } else {
                                    target / actual
                                }
                            }
                        };
                        let r = raw.clamp(ir.data_floor, ir.data_cap);
                        (Some(r), Some(r * 100.0), None)
                    }
                    (
                        Some(IndicatorValue::Project {
                            milestones_done,
                            milestones_total,
                        }),
                        _,
                    ) => {
                        let r = f64::from(*milestones_done) / f64::from(*milestones_total);
                        let (s, _) = combine(
                            &[
                                (ir.milestone_weight, Some(r * 100.0)),
                                (1.0 - ir.milestone_weight, ex),
                            ],
                            rules.missing,
                        );
                        (Some(r), s, ex)
                    }
                    (None, IndicatorKind::Project) if ex.is_some() => {
                        let (s, _) = combine(
                            &[(ir.milestone_weight, None), (1.0 - ir.milestone_weight, ex)],
                            rules.missing,
                        );
                        (None, s, ex)
                    }
                    (
                        Some(IndicatorValue::Constraint {
                            passed,
                            veto,
                            reason,
                        }),
                        _,
                    ) => {
                        if *veto {
                            if ind.veto {
                                vetoes.push(Veto {
                                    indicator: ind.id.clone(),
                                    reason: reason.clone(),
                                });
                            } else {
                                warn(
                                    &mut warnings,
                                    "veto_not_allowed",
                                    Some(u),
                                    Some(&ind.id),
                                    format!("{u}：指标 {} 不是一票否决指标，否决标记被忽略", ind.id),
                                    format!("{u}: indicator {} is not a veto indicator; the veto flag is ignored", ind.id),
                                );
                            }
                        }
                        let s = if *passed && !(*veto && ind.veto) {
                            ir.constraint_pass
                        } else {
                            ir.constraint_fail
                        };
                        (None, Some(s), None)
                    }
                    (None, _) => (None, None, None),
                };
                if score.is_none() {
                    warn(
                        &mut warnings,
                        "indicator_missing",
                        Some(u),
                        Some(&ind.id),
                        format!("{u}：指标 {} 无数据", ind.id),
                        format!("{u}: no figures for indicator {}", ind.id),
                    );
                }
                items.push(IndicatorScore {
                    indicator: ind.id.clone(),
                    kind: ind.kind,
                    weight: w,
                    weight_used: None,
                    weight_method: d.map(|d| d.1.to_owned()),
                    direct_weight: d.map(|d| d.2),
                    input,
                    ratio,
                    expert: exp_used,
                    score,
                    contribution: None,
                });
            }
            let parts: Vec<(f64, Option<f64>)> =
                items.iter().map(|i| (i.weight, i.score)).collect();
            let (ind_value, used) = combine(&parts, rules.missing);
            for (it, wu) in items.iter_mut().zip(used) {
                it.weight_used = wu;
                it.contribution = match (wu, it.score) {
                    (Some(a), Some(b)) => Some(a * b),
                    _ => None,
                };
            }
            let n_scored = items.iter().filter(|i| i.score.is_some()).count() as u64;
            let indicators = IndicatorsComponent {
                summary: ComponentSummary {
                    weight: cw.indicators,
                    weight_used: None,
                    status: match ind_value {
                        Some(_) => Status::Ok,
                        None if n_scored == 0 => Status::Missing,
                        None => Status::Incomplete,
                    },
                    value: ind_value,
                    contribution: None,
                    n: n_scored,
                    unable_to_judge: 0,
                    n_eff: None,
                    interval: None,
                },
                items,
            };

            // public
            let pr = &rules.public;
            let public = match self.public.get(u) {
                Some(acc) => {
                    let (s, v) = aggregate(&acc.index, pr.aggregation, pr.min_n);
                    let nps_n = acc.promoters + acc.passives + acc.detractors;
                    PublicComponent {
                        summary: ComponentSummary {
                            weight: cw.public,
                            weight_used: None,
                            status: status_of(&acc.index, s),
                            value: v,
                            contribution: None,
                            n: acc.index.n(),
                            unable_to_judge: acc.index.unable_to_judge(),
                            n_eff: None,
                            interval: interval_of(&acc.index, level),
                        },
                        satisfaction_rate: wilson_interval(
                            acc.satisfied,
                            acc.satisfaction_n,
                            level,
                        )
                        .ok(),
                        nps: (nps_n > 0).then(|| Nps {
                            n: nps_n,
                            promoters: acc.promoters,
                            passives: acc.passives,
                            detractors: acc.detractors,
                            nps: (acc.promoters as f64 - acc.detractors as f64) / nps_n as f64
                                * 100.0,
                        }),
                        items: acc
                            .items
                            .iter()
                            .map(|(k, t)| ItemScore {
                                item: k.clone(),
                                n: t.n(),
                                unable_to_judge: t.unable_to_judge(),
                                mean: t.mean(),
                                interval: interval_of(t, level),
                                distribution: answer_distribution(
                                    t,
                                    public_scale(plan, &rules.public.instrument, k).as_ref(),
                                ),
                            })
                            .collect(),
                        cronbach_alpha: acc.scale.alpha(),
                        cronbach_n: acc.scale.n,
                        low_reliability: acc
                            .scale
                            .alpha()
                            .is_some_and(|a| a < rules.cronbach_threshold),
                        weighting: None,
                    }
                }
                None => PublicComponent {
                    summary: empty_summary(cw.public),
                    satisfaction_rate: None,
                    nps: None,
                    items: Vec::new(),
                    cronbach_alpha: None,
                    cronbach_n: 0,
                    low_reliability: false,
                    weighting: None,
                },
            };
            let mut public = public;
            if let (Some(w), Some(acc)) = (&pr.weighting, self.public.get(u)) {
                apply_weighting(&mut public, acc, w, u, rules, cw.public, &mut warnings);
            }
            if cw.public > 0.0 && public.low_reliability {
                let title = |lang: &str| {
                    plan.instrument(&pr.instrument)
                        .map_or(pr.instrument.clone(), |i| i.title.get(lang).to_owned())
                };
                let alpha = public.cronbach_alpha.unwrap_or(f64::NAN);
                warn(
                    &mut warnings,
                    "low_reliability",
                    Some(u),
                    Some(&pr.instrument),
                    format!(
                        "{u}：“{}”满意度量表（{}）内部一致性低：Cronbach α = {alpha:.3}，低于 {}（{} 份完整答卷）",
                        title("zh-CN"),
                        pr.items.join("、"),
                        rules.cronbach_threshold,
                        public.cronbach_n
                    ),
                    format!(
                        "{u}: low reliability of the satisfaction scale of \"{}\" ({}): Cronbach's α = {alpha:.3}, below {} ({} complete responses)",
                        title("en"),
                        pr.items.join(", "),
                        rules.cronbach_threshold,
                        public.cronbach_n
                    ),
                );
            }
            if cw.public > 0.0 && public.summary.status == Status::Insufficient {
                warn(
                    &mut warnings,
                    "public_insufficient",
                    Some(u),
                    None,
                    format!(
                        "{u}：公众有效问卷 {} 份，少于 {} 份",
                        public.summary.n, pr.min_n
                    ),
                    format!(
                        "{u}: {} public responses, fewer than {}",
                        public.summary.n, pr.min_n
                    ),
                );
            }

            // leadership
            let lr = &rules.leadership;
            let cadre = self.cadre.get(u);
            let leadership = match cadre {
                Some(acc) => {
                    let (s, v) = aggregate(&acc.team, lr.aggregation, lr.min_n);
                    ComponentSummary {
                        weight: cw.leadership,
                        weight_used: None,
                        status: status_of(&acc.team, s),
                        value: v,
                        contribution: None,
                        n: acc.team.n(),
                        unable_to_judge: acc.team.unable_to_judge(),
                        n_eff: None,
                        interval: interval_of(&acc.team, level),
                    }
                }
                None => empty_summary(cw.leadership),
            };

            // composite
            let mut components = Components {
                indicators,
                expert,
                public,
                leadership,
            };
            let parts = [
                (cw.indicators, components.indicators.summary.value),
                (cw.expert, components.expert.summary.value),
                (cw.public, components.public.summary.value),
                (cw.leadership, components.leadership.value),
            ];
            for (name, (w, v)) in ["indicators", "expert", "public", "leadership"]
                .iter()
                .zip(parts)
            {
                if w > 0.0 && v.is_none() {
                    warn(
                        &mut warnings,
                        "component_missing",
                        Some(u),
                        Some(name),
                        format!(
                            "{u}：{}部分无得分（{}）",
                            component_name(name).0,
                            missing_rule_zh(rules.missing)
                        ),
                        format!(
                            "{u}: no {} score ({})",
                            component_name(name).1,
                            missing_rule_en(rules.missing)
                        ),
                    );
                }
            }
            let (composite, used) = combine(&parts, rules.missing);
            {
                let sums = [
                    &mut components.indicators.summary,
                    &mut components.expert.summary,
                    &mut components.public.summary,
                    &mut components.leadership,
                ];
                for (s, wu) in sums.into_iter().zip(used) {
                    if s.weight == 0.0 && s.status == Status::Missing {
                        s.status = Status::NotApplicable;
                    }
                    s.weight_used = wu;
                    s.contribution = match (wu, s.value) {
                        (Some(a), Some(b)) => Some(a * b),
                        _ => None,
                    };
                }
            }

            // cadres
            let cadre_rows: Vec<String> = plan
                .instrument(&lr.instrument)
                .and_then(|i| i.questions().find(|q| q.id == lr.cadre_question))
                .and_then(|q| match &q.kind {
                    QuestionKind::Matrix { rows, .. } => {
                        Some(rows.iter().map(|r| r.value.clone()).collect())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            let mut rows: Vec<String> = cadre_rows.clone();
            if let Some(acc) = cadre {
                for k in acc.votes.keys() {
                    if !rows.contains(k) {
                        rows.push(k.clone());
                    }
                }
            }
            let cr = &rules.cadre;
            let cadres: Vec<CadreResult> = if cadre.is_none() {
                Vec::new()
            } else {
                rows.iter()
                    .map(|row| {
                        let votes = cadre
                            .and_then(|a| a.votes.get(row))
                            .copied()
                            .unwrap_or([0; 4]);
                        let n: u64 = votes.iter().sum();
                        let share = |k: u64| k as f64 / n as f64;
                        let grade = if n == 0 || n < cr.min_votes {
                            "insufficient"
                        } else if share(votes[0]) > cr.incompetent_above {
                            "incompetent"
                        } else if share(votes[0] + votes[1]) > cr.basic_above {
                            "basically_competent"
                        } else if share(votes[3]) >= cr.excellent_at_least {
                            "excellent"
                        } else {
                            "competent"
                        };
                        CadreResult {
                            cadre: row.clone(),
                            votes,
                            n,
                            grade: grade.into(),
                            admonition_talk: matches!(grade, "incompetent" | "basically_competent"),
                        }
                    })
                    .collect()
            };

            let status = if composite.is_some() {
                Status::Ok
            } else if [
                components.indicators.summary.status,
                components.expert.summary.status,
                components.public.summary.status,
                components.leadership.status,
            ]
            .iter()
            .all(|s| matches!(s, Status::Missing | Status::NotApplicable))
            {
                Status::Missing
            } else {
                Status::Incomplete
            };
            let team_score = components.leadership.value;
            units.push(UnitResult {
                unit: u.to_owned(),
                category: unit.category.clone(),
                components,
                status,
                composite,
                composite_rounded: composite.map(|c| round_to(c, prec)),
                vetoes,
                rank: None,
                grade: String::new(),
                merit: false,
                rectification_required: false,
                non_compliant_years_running: 0,
                positive: Vec::new(),
                negative: Vec::new(),
                team: TeamResult {
                    score: team_score,
                    grade: String::new(),
                    admonition_talk: false,
                    previous_grade: None,
                    reorganisation: false,
                },
                cadres,
            });
        }

        // ---- ranks, grades, lists, history per category --------------------------------
        let mut categories = Vec::new();
        for cat in &plan.categories {
            let idx: Vec<usize> = (0..units.len())
                .filter(|&i| units[i].category == cat.id)
                .collect();
            let mut ranked: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|&i| units[i].composite_rounded.is_some())
                .collect();
            ranked.sort_by(|&a, &b| {
                let (sa, sb) = (
                    units[a].composite_rounded.unwrap_or(0.0),
                    units[b].composite_rounded.unwrap_or(0.0),
                );
                sb.total_cmp(&sa)
                    .then_with(|| units[a].unit.cmp(&units[b].unit))
            });
            for (pos, &i) in ranked.iter().enumerate() {
                let rank = if pos > 0
                    && units[ranked[pos - 1]].composite_rounded == units[i].composite_rounded
                {
                    units[ranked[pos - 1]].rank
                } else {
                    Some(pos as u32 + 1)
                };
                units[i].rank = rank;
            }
            // Quota rank: the same competition rank among the units without a veto, so a
            // vetoed unit does not take a merit place (名额顺延).
            let mut quota_rank: BTreeMap<usize, u32> = BTreeMap::new();
            let eligible: Vec<usize> = ranked
                .iter()
                .copied()
                .filter(|&i| units[i].vetoes.is_empty())
                .collect();
            for (pos, &i) in eligible.iter().enumerate() {
                let r = if pos > 0
                    && units[eligible[pos - 1]].composite_rounded == units[i].composite_rounded
                {
                    quota_rank
                        .get(&eligible[pos - 1])
                        .copied()
                        .unwrap_or(pos as u32 + 1)
                } else {
                    pos as u32 + 1
                };
                quota_rank.insert(i, r);
            }
            let n_cat = idx.len();
            for &i in &idx {
                let u = &mut units[i];
                let grade = if !u.vetoes.is_empty() {
                    ("non_compliant".to_owned(), false)
                } else if let (Some(s), Some(rank)) =
                    (u.composite_rounded, quota_rank.get(&i).copied())
                {
                    rules
                        .grades
                        .iter()
                        .find(|g| {
                            g.min_score.is_none_or(|m| s >= m)
                                && g.top_share
                                    .is_none_or(|sh| rank <= quota(sh, n_cat, rules.quota_rounding))
                        })
                        .map(|g| (g.id.clone(), g.merit))
                        .unwrap_or(("non_compliant".to_owned(), false))
                } else {
                    ("incomplete".to_owned(), false)
                };
                u.grade = grade.0;
                u.merit = grade.1;
                u.rectification_required = u.grade == "non_compliant";
            }
            // lists: difference from the category mean of each indicator
            let mut means = BTreeMap::new();
            for ind in &plan.indicators {
                if !ind.weights.contains_key(&cat.id) {
                    continue;
                }
                let scores: Vec<f64> = idx
                    .iter()
                    .filter_map(|&i| {
                        units[i]
                            .components
                            .indicators
                            .items
                            .iter()
                            .find(|it| it.indicator == ind.id)?
                            .score
                    })
                    .collect();
                if !scores.is_empty() {
                    means.insert(
                        ind.id.clone(),
                        stable_sum(scores.iter().copied()) / scores.len() as f64,
                    );
                }
            }
            for &i in &idx {
                let u = &mut units[i];
                let mut diffs: Vec<ListItem> = u
                    .components
                    .indicators
                    .items
                    .iter()
                    .filter_map(|it| {
                        let s = it.score?;
                        let m = *means.get(&it.indicator)?;
                        Some(ListItem {
                            indicator: it.indicator.clone(),
                            score: s,
                            category_mean: m,
                            difference: round_to(s - m, prec),
                        })
                    })
                    .collect();
                diffs.sort_by(|a, b| {
                    b.difference
                        .total_cmp(&a.difference)
                        .then_with(|| a.indicator.cmp(&b.indicator))
                });
                u.positive = diffs
                    .iter()
                    .filter(|d| d.difference > 0.0)
                    .take(rules.list_size)
                    .cloned()
                    .collect();
                diffs.sort_by(|a, b| {
                    a.difference
                        .total_cmp(&b.difference)
                        .then_with(|| a.indicator.cmp(&b.indicator))
                });
                u.negative = diffs
                    .iter()
                    .filter(|d| d.difference < 0.0)
                    .take(rules.list_size)
                    .cloned()
                    .collect();

                // team grade and history
                let tr = &rules.team;
                let team_grade = if tr.veto_makes_non_compliant && !u.vetoes.is_empty() {
                    "non_compliant"
                } else {
                    match u.team.score.map(|s| round_to(s, prec)) {
                        None => "insufficient",
                        Some(s) if s < tr.non_compliant_below => "non_compliant",
                        Some(s) if s >= tr.good_at_least => "good",
                        Some(_) => "compliant",
                    }
                };
                let prev = self.history.get(&(u.unit.clone(), plan.year - 1));
                u.team.grade = team_grade.into();
                u.team.admonition_talk = team_grade == "non_compliant";
                u.team.previous_grade = prev.and_then(|h| h.team_grade.clone());
                u.team.reorganisation = team_grade == "non_compliant"
                    && u.team.previous_grade.as_deref() == Some("non_compliant");
                let mut run = 0;
                if u.grade == "non_compliant" {
                    run = 1;
                    let mut y = plan.year - 1;
                    while self
                        .history
                        .get(&(u.unit.clone(), y))
                        .is_some_and(|h| h.grade == "non_compliant")
                    {
                        run += 1;
                        y -= 1;
                    }
                }
                u.non_compliant_years_running = run;
            }
            let mut listing = ranked.clone();
            listing.extend(idx.iter().copied().filter(|i| !ranked.contains(i)));
            categories.push(CategoryResult {
                category: cat.id.clone(),
                ranking: listing
                    .iter()
                    .map(|&i| RankEntry {
                        unit: units[i].unit.clone(),
                        rank: units[i].rank,
                        score: units[i].composite_rounded,
                        grade: units[i].grade.clone(),
                    })
                    .collect(),
                indicator_means: means,
            });
        }

        // ---- agreement of the panel ---------------------------------------------------
        let mut agreement = Vec::new();
        if let Some(sd) = sheet_def {
            for cat in &plan.categories {
                let cat_units: Vec<&str> = plan
                    .units
                    .iter()
                    .filter(|u| u.category == cat.id)
                    .map(|u| u.id.as_str())
                    .collect();
                for (ind, _) in reviewed(plan, sd, &cat.id, &derived) {
                    let mut row_names = Vec::new();
                    let mut cells = Vec::new();
                    for (rid, sheet) in &self.sheets {
                        let row: Vec<Option<f64>> = cat_units
                            .iter()
                            .map(|u| {
                                sheet
                                    .scores
                                    .get(&((*u).to_owned(), ind.clone()))
                                    .copied()
                                    .flatten()
                            })
                            .collect();
                        if row.iter().any(Option::is_some) {
                            row_names.push(rid.clone());
                            cells.push(row);
                        }
                    }
                    let m = RatingMatrix {
                        row_names,
                        col_names: cat_units.iter().map(|s| (*s).to_owned()).collect(),
                        cells,
                    };
                    let mut note = Vec::new();
                    let alpha = match krippendorff_alpha(&m, Metric::Interval) {
                        Ok(a) => Some(a.alpha),
                        Err(e) => {
                            note.push(format!("alpha: {e}"));
                            None
                        }
                    };
                    // Kendall's W needs a complete block: the reviewers who scored every
                    // unit of the category on this indicator (recusals drop a reviewer here).
                    let complete: Vec<usize> = (0..m.n_rows())
                        .filter(|&r| m.cells[r].iter().all(Option::is_some))
                        .collect();
                    let block = RatingMatrix {
                        row_names: complete.iter().map(|&r| m.row_names[r].clone()).collect(),
                        col_names: m.col_names.clone(),
                        cells: complete.iter().map(|&r| m.cells[r].clone()).collect(),
                    };
                    let (kw, kp) = match kendall_w(&block, true) {
                        Ok(k) => (Some(k.w), Some(k.p_value)),
                        Err(e) => {
                            note.push(format!("kendall: {e}"));
                            (None, None)
                        }
                    };
                    let (icc_single, icc_average) = match icc(&block, rules.confidence) {
                        Ok(r) => {
                            let form = |name: &str| {
                                r.forms.iter().find(|f| f.name == name).map(|f| f.value)
                            };
                            (form("ICC(2,1)"), form("ICC(2,k)"))
                        }
                        Err(e) => {
                            note.push(format!("icc: {e}"));
                            (None, None)
                        }
                    };
                    let low = alpha.is_some_and(|a| a < rules.alpha_threshold);
                    if low {
                        warn(
                            &mut warnings,
                            "low_agreement",
                            None,
                            Some(&format!("{}/{}", cat.id, ind)),
                            format!(
                                "{}：{}指标评审一致性低（α = {:.3}）",
                                cat.name.get("zh-CN"),
                                plan.indicator(&ind)
                                    .map_or(ind.as_str(), |i| i.name.get("zh-CN")),
                                alpha.unwrap_or(0.0)
                            ),
                            format!(
                                "low panel agreement on {} in {} (α = {:.3})",
                                plan.indicator(&ind)
                                    .map_or(ind.as_str(), |i| i.name.get("en")),
                                cat.name.get("en"),
                                alpha.unwrap_or(0.0)
                            ),
                        );
                    }
                    agreement.push(AgreementResult {
                        category: cat.id.clone(),
                        indicator: ind,
                        raters: m.n_rows(),
                        units: m.n_cols(),
                        alpha,
                        kendall_w: kw,
                        kendall_p: kp,
                        kendall_raters: block.n_rows(),
                        icc_single,
                        icc_average,
                        low_agreement: low,
                        note: if note.is_empty() {
                            None
                        } else {
                            Some(note.join("; "))
                        },
                    });
                }
            }
        }
        for (why, n) in &self.skipped {
            warn(
                &mut warnings,
                "records_skipped",
                None,
                Some(why),
                format!("{n} 份记录未计分：{}", skip_reason(why).0),
                format!("{n} record(s) not scored: {}", skip_reason(why).1),
            );
        }

        name_units(plan, &mut warnings);
        Ok(EvaluationResult {
            format: RESULT_FORMAT.into(),
            plan_id: plan.id.clone(),
            plan_version: plan.version.clone(),
            plan_sha256: plan.sha256.clone(),
            year: plan.year,
            precision: prec,
            rules: rules.clone(),
            inputs: InputSummary {
                records_used: self.used.clone(),
                records_skipped: self.skipped.clone(),
                reviewers: self.sheets.len(),
                indicator_inputs: self.indicators.len(),
                history_entries: self.history.len(),
            },
            units,
            categories,
            agreement,
            indicator_weights,
            calibration,
            warnings,
            labels: super::labels::labels(rules),
        })
    }
}

fn empty_summary(weight: f64) -> ComponentSummary {
    ComponentSummary {
        weight,
        weight_used: None,
        status: Status::Missing,
        value: None,
        contribution: None,
        n: 0,
        unable_to_judge: 0,
        n_eff: None,
        interval: None,
    }
}

fn missing_rule_zh(p: MissingPolicy) -> &'static str {
    match p {
        MissingPolicy::Renormalise => "按其余部分权重重新归一",
        MissingPolicy::Incomplete => "综合得分不完整",
    }
}

fn missing_rule_en(p: MissingPolicy) -> &'static str {
    match p {
        MissingPolicy::Renormalise => "weights renormalised over the other parts",
        MissingPolicy::Incomplete => "composite incomplete",
    }
}

impl ScoreState<'_> {
    /// Indicator weights derived by AHP (from the plan) or entropy (from the figures),
    /// rescaled to the share of the criteria's direct weights.
    fn derive_weights(
        &self,
        warnings: &mut Vec<Warning>,
    ) -> Result<(Derived, Vec<IndicatorWeightsResult>), ScoreError> {
        use crate::stats::ahp::RandomIndexTable;
        use crate::stats::entropy::{entropy_weights, Direction as EDir, Normalisation};
        let plan = self.plan;
        let mut derived = Derived::new();
        let mut out = Vec::new();
        for (cat, how) in &self.rules.indicator_weights {
            let direct_of = |c: &str| -> f64 {
                plan.indicators
                    .iter()
                    .find(|i| i.id == c)
                    .and_then(|i| i.weights.get(cat))
                    .copied()
                    .unwrap_or(0.0)
            };
            let (method, criteria, res): (&'static str, Vec<String>, IndicatorWeightsResult) =
                match how {
                    IndicatorWeights::Direct => continue,
                    IndicatorWeights::Ahp {
                        criteria,
                        matrix,
                        random_index,
                    } => {
                        let path = format!("/scoring/indicator_weights/{cat}/matrix");
                        let table: RandomIndexTable = random_index
                            .parse()
                            .map_err(|e| ScoreError::Rules(format!("{path}: {e}")))?;
                        let r = ahp_of(criteria, matrix, table)
                            .map_err(|e| ScoreError::Rules(format!("{path}: {e}")))?;
                        if r.cr >= AHP_CR_THRESHOLD {
                            return Err(ScoreError::Rules(format!(
                                "{path}: the pairwise matrix is inconsistent: CR = {:.4} ≥ 0.10",
                                r.cr
                            )));
                        }
                        let res = IndicatorWeightsResult {
                            category: cat.clone(),
                            method: "ahp".into(),
                            criteria: criteria.clone(),
                            direct: Vec::new(),
                            share: 0.0,
                            derived: r.weights.clone(),
                            weights: Vec::new(),
                            cr: Some(r.cr),
                            lambda_max: Some(r.lambda_max),
                            random_index: Some(r.random_index),
                            table: Some(random_index.clone()),
                            entropy: None,
                            units: None,
                            note: None,
                        };
                        ("ahp", criteria.clone(), res)
                    }
                    IndicatorWeights::Entropy { criteria } => {
                        let criteria = entropy_criteria(plan, cat, criteria);
                        let dirs: Vec<EDir> = criteria
                            .iter()
                            .map(|c| {
                                match plan
                                    .indicators
                                    .iter()
                                    .find(|i| &i.id == c)
                                    .and_then(|i| i.direction)
                                {
                                    Some(Direction::LowerIsBetter) => EDir::Cost,
                                    _ => EDir::Benefit,
                                }
                            })
                            .collect();
                        let mut rows = Vec::new();
                        let mut units = Vec::new();
                        for unit in plan.units.iter().filter(|u| &u.category == cat) {
                            let row: Option<Vec<f64>> = criteria
                                .iter()
                                .map(
                                    |c| match self.indicators.get(&(unit.id.clone(), c.clone())) {
                                        Some(IndicatorValue::Data { actual, target, .. }) => {
                                            Some(actual / target).filter(|r| r.is_finite())
                                        }
                                        _ => None,
                                    },
                                )
                                .collect();
                            if let Some(row) = row {
                                rows.push(row);
                                units.push(unit.id.clone());
                            }
                        }
                        let mut res = IndicatorWeightsResult {
                            category: cat.clone(),
                            method: "entropy".into(),
                            criteria: criteria.clone(),
                            direct: Vec::new(),
                            share: 0.0,
                            derived: Vec::new(),
                            weights: Vec::new(),
                            cr: None,
                            lambda_max: None,
                            random_index: None,
                            table: None,
                            entropy: None,
                            units: Some(units),
                            note: None,
                        };
                        match entropy_weights(&rows, &dirs, Normalisation::MinMax) {
                            Ok(e) => {
                                res.derived = e.weights;
                                // + 0.0 turns −0 (a column with e = 0) into 0
                                res.entropy = Some(e.entropy.iter().map(|x| x + 0.0).collect());
                                ("entropy", criteria, res)
                            }
                            Err(e) => {
                                warn(
                                    warnings,
                                    "indicator_weights_fallback",
                                    None,
                                    Some(cat),
                                    format!("{cat} 类熵权无法计算（{e}），使用方案的直接权重"),
                                    format!(
                                        "entropy weights of {cat} cannot be computed ({e}); the plan's direct weights are used"
                                    ),
                                );
                                res.method = "direct".into();
                                res.note = Some(e.to_string());
                                res.direct = criteria.iter().map(|c| direct_of(c)).collect();
                                res.share = stable_sum(res.direct.iter().copied());
                                res.weights = res.direct.clone();
                                out.push(res);
                                continue;
                            }
                        }
                    }
                };
            let mut res = res;
            res.direct = criteria.iter().map(|c| direct_of(c)).collect();
            res.share = stable_sum(res.direct.iter().copied());
            res.weights = res.derived.iter().map(|w| res.share * w).collect();
            for ((c, w), d) in criteria.iter().zip(&res.weights).zip(&res.direct) {
                derived.insert((cat.clone(), c.clone()), (*w, method, *d));
            }
            out.push(res);
        }
        Ok((derived, out))
    }
}

/// Cell weights, raking converged, cap satisfied.
type CellWeights = (Vec<f64>, Option<bool>, Option<bool>);

/// Weights of the unit's cells (mean 1 over respondents), in the order of `acc.cells`.
fn cell_weights(
    acc: &PublicAcc,
    w: &PublicWeighting,
    unit: &str,
) -> Result<CellWeights, (String, Option<String>)> {
    use crate::stats::weighting::{
        post_stratify, rake, CellRecord, Margin, MissingCellPolicy, PostStratInput, RakeInput,
        RakeRecord, WeightingError,
    };
    let norm = |m: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        let total = stable_sum(m.values().copied());
        m.iter()
            .map(|(k, v)| (k.clone(), if total > 0.0 { v / total } else { *v }))
            .collect()
    };
    let cell_of_err = |e: &WeightingError| -> Option<String> {
        match e {
            WeightingError::SampleCellWithoutPopulation { cell, .. }
            | WeightingError::EmptyPopulationCell { cell, .. } => Some(cell.clone()),
            WeightingError::MissingTarget { margin, category }
            | WeightingError::EmptyCategory {
                margin, category, ..
            } => Some(format!("{margin}={category}")),
            _ => None,
        }
    };
    let fail = |e: WeightingError| (e.to_string(), cell_of_err(&e));
    let (raw, converged, cap_ok) = match w {
        PublicWeighting::PostStratify {
            population,
            population_by_unit,
            collapse,
            ..
        } => {
            let input = PostStratInput {
                records: acc
                    .cells
                    .iter()
                    .map(|(k, c)| CellRecord {
                        cell: k.join("|"),
                        base_weight: 1.0,
                        count: c.respondents,
                    })
                    .collect(),
                population: norm(population_by_unit.get(unit).unwrap_or(population)),
                missing: if collapse.is_empty() {
                    MissingCellPolicy::Report
                } else {
                    MissingCellPolicy::Collapse {
                        map: collapse.clone(),
                    }
                },
            };
            (post_stratify(&input).map_err(fail)?.weights, None, None)
        }
        PublicWeighting::Rake {
            margins,
            margins_by_unit,
            cap,
        } => {
            let ms = margins_by_unit.get(unit).unwrap_or(margins);
            let input = RakeInput {
                margins: ms
                    .iter()
                    .map(|(q, t)| Margin {
                        name: q.clone(),
                        targets: norm(t),
                    })
                    .collect(),
                records: acc
                    .cells
                    .iter()
                    .map(|(k, c)| RakeRecord {
                        categories: k.clone(),
                        base_weight: 1.0,
                        count: c.respondents,
                    })
                    .collect(),
                tolerance: 1e-10,
                max_iterations: 1000,
                cap: *cap,
                max_trim_rounds: 50,
            };
            let r = rake(&input).map_err(fail)?;
            (r.weights, Some(r.converged), Some(r.cap_satisfied))
        }
    };
    let n: u64 = acc.cells.values().map(|c| c.respondents).sum();
    let sw = stable_sum(
        raw.iter()
            .zip(acc.cells.values())
            .map(|(w, c)| w * c.respondents as f64),
    );
    if !(sw > 0.0 && sw.is_finite()) || n == 0 {
        return Err(("the weights add up to 0".into(), None));
    }
    let mean = sw / n as f64;
    Ok((raw.iter().map(|w| w / mean).collect(), converged, cap_ok))
}

/// Wilson interval of a weighted proportion `p` with Kish effective n.
fn wilson_weighted(p: f64, n_eff: f64, n: u64, level: f64) -> Option<Interval> {
    if !(n_eff > 0.0 && level > 0.0 && level < 1.0) {
        return None;
    }
    let z = crate::stats::dist::normal_quantile(1.0 - (1.0 - level) / 2.0);
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n_eff);
    let half = z * (p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)).sqrt();
    let denom = 1.0 + z2 / n_eff;
    Some(Interval {
        estimate: p,
        lower: ((centre - half) / denom).max(0.0),
        upper: ((centre + half) / denom).min(1.0),
        level,
        n,
    })
}

/// Replaces the unit's public index, rate and NPS by their weighted versions.
#[allow(clippy::too_many_arguments)]
fn apply_weighting(
    public: &mut PublicComponent,
    acc: &PublicAcc,
    w: &PublicWeighting,
    unit: &str,
    rules: &ScoringRules,
    component_weight: f64,
    warnings: &mut Vec<Warning>,
) {
    use crate::stats::tally::{WeightedOutcome, WeightedTally};
    let pr = &rules.public;
    let method = match w {
        PublicWeighting::PostStratify { .. } => "post_stratify",
        PublicWeighting::Rake { .. } => "rake",
    };
    let mut result = PublicWeightingResult {
        method: method.into(),
        status: "ok".into(),
        error: None,
        cells: Vec::new(),
        design_effect: None,
        effective_n: None,
        unweighted_value: public.summary.value,
        converged: None,
        cap_satisfied: None,
    };
    let weights = match cell_weights(acc, w, unit) {
        Ok((ws, conv, cap)) => {
            result.converged = conv;
            result.cap_satisfied = cap;
            ws
        }
        Err((msg, cell)) => {
            warn(
                warnings,
                "public_weighting_failed",
                Some(unit),
                cell.as_deref(),
                format!("{unit}：公众样本无法加权（{msg}），使用未加权结果"),
                format!("{unit}: the public sample cannot be weighted ({msg}); unweighted figures are used"),
            );
            result.status = "failed".into();
            result.error = Some(msg);
            result.cells = acc
                .cells
                .iter()
                .map(|(k, c)| WeightCell {
                    cell: k.join("|"),
                    respondents: c.respondents,
                    weight: 1.0,
                })
                .collect();
            public.weighting = Some(result);
            return;
        }
    };
    let cells: Vec<(&Vec<String>, &super::state::CellAcc, f64)> = acc
        .cells
        .iter()
        .zip(&weights)
        .map(|((k, c), w)| (k, c, *w))
        .collect();
    result.cells = cells
        .iter()
        .map(|(k, c, w)| WeightCell {
            cell: k.join("|"),
            respondents: c.respondents,
            weight: *w,
        })
        .collect();
    let n: f64 = cells.iter().map(|c| c.1.respondents as f64).sum();
    let sw = stable_sum(cells.iter().map(|(_, c, w)| w * c.respondents as f64));
    let sw2 = stable_sum(cells.iter().map(|(_, c, w)| w * w * c.respondents as f64));
    if sw2 > 0.0 {
        result.design_effect = Some(n * sw2 / (sw * sw));
        result.effective_n = Some(sw * sw / sw2);
    }

    // index
    let mut wt = WeightedTally::new();
    for (_, c, w) in &cells {
        for (v, k) in c.index.values() {
            // A weight the tally refuses leaves the cell out, as one record at a time would.
            let _ = wt.record_n(v, *w, k);
        }
        wt.record_unable_n(c.index.unable_to_judge());
    }
    if let WeightedOutcome::Ok(sum) = wt.summarize(1) {
        public.summary.n_eff = Some(sum.effective_n);
        if public.summary.value.is_some() {
            public.summary.value = Some(match pr.aggregation {
                Aggregation::Median => sum.median,
                _ => sum.mean,
            });
        }
        // t interval of the weighted mean with Kish n_eff: s² = Σw(x−m)²/Σw · n/(n−1).
        let m = sum.mean;
        let nn = sum.n as f64;
        let ss = stable_sum(cells.iter().flat_map(|(_, c, w)| {
            c.index
                .values()
                .into_iter()
                .map(move |(v, k)| w * k as f64 * (v - m) * (v - m))
        }));
        public.summary.interval = if sum.n >= 2 && sum.effective_n > 1.0 {
            let var = ss / sum.sum_weights * nn / (nn - 1.0);
            let t = crate::stats::dist::student_t_quantile(
                1.0 - (1.0 - rules.confidence) / 2.0,
                sum.effective_n - 1.0,
            );
            let half = t * (var / sum.effective_n).sqrt();
            Some(Interval {
                estimate: m,
                lower: m - half,
                upper: m + half,
                level: rules.confidence,
                n: sum.n,
            })
        } else {
            None
        };
        if component_weight > 0.0
            && public.summary.status == Status::Ok
            && sum.effective_n < pr.min_n as f64
        {
            warn(
                warnings,
                "public_low_effective_n",
                Some(unit),
                None,
                format!(
                    "{unit}：加权后公众样本有效样本量 {:.1}，少于 {}（设计效应 {:.2}）",
                    sum.effective_n, pr.min_n, sum.design_effect
                ),
                format!(
                    "{unit}: effective n of the weighted public sample is {:.1}, below {} (design effect {:.2})",
                    sum.effective_n, pr.min_n, sum.design_effect
                ),
            );
        }
    }

    // satisfaction rate
    let sat_n = stable_sum(cells.iter().map(|(_, c, w)| w * c.satisfaction_n as f64));
    let sat_n2 = stable_sum(
        cells
            .iter()
            .map(|(_, c, w)| w * w * c.satisfaction_n as f64),
    );
    let sat = stable_sum(cells.iter().map(|(_, c, w)| w * c.satisfied as f64));
    public.satisfaction_rate = if sat_n > 0.0 && sat_n2 > 0.0 {
        wilson_weighted(
            sat / sat_n,
            sat_n * sat_n / sat_n2,
            acc.satisfaction_n,
            rules.confidence,
        )
    } else {
        None
    };
    // NPS (counts stay raw; the score is weighted)
    if let Some(nps) = public.nps.as_mut() {
        let tot = stable_sum(
            cells
                .iter()
                .map(|(_, c, w)| w * (c.promoters + c.passives + c.detractors) as f64),
        );
        let pro = stable_sum(cells.iter().map(|(_, c, w)| w * c.promoters as f64));
        let det = stable_sum(cells.iter().map(|(_, c, w)| w * c.detractors as f64));
        if tot > 0.0 {
            nps.nps = (pro - det) / tot * 100.0;
        }
    }
    public.weighting = Some(result);
}
