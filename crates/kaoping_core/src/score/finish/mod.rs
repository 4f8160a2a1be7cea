//! From the accumulated state to the [`EvaluationResult`], in steps: the indicator weights in
//! force, the expert panel's totals, each unit's components and composite, ranks and grades
//! per category, the lists, team grades and history, the panel's agreement, and the warnings.
//!
//! Every step reads the year being scored ([`Year`]) and adds its warnings in the order the
//! result lists them.

mod agreement;
mod figures;
mod lists;
mod panel;
mod public;
mod public_weighting;
mod ranking;
mod summary;
mod team;
mod warnings;
mod weights;

use crate::plan::{Direction, IndicatorKind, Plan, QuestionKind, ReviewSheet};
use crate::score::result::{
    CadreResult, ComponentSummary, Components, EvaluationResult, ExpertComponent, ExpertIndicator,
    GroupScore, IndicatorScore, IndicatorsComponent, ItemScore, Nps, PublicComponent, Status,
    TeamResult, UnitResult, Veto,
};
use crate::score::rules::ScoringRules;
use crate::score::state::ScoreState;
use crate::score::{round_to, IndicatorValue, ScoreError};
use crate::stats::interval::{kish_effective_n, wilson_interval};
use crate::stats::tally::Tally;
use figures::{aggregate, combine, distribution, empty_summary, interval_of, status_of};
use panel::reviewed;
use public::{answer_distribution, public_scale};
use public_weighting::apply_weighting;
use std::collections::BTreeMap;
use warnings::{component_name, missing_rule_en, missing_rule_zh, warn};
use weights::WeightsInForce;

impl ScoreState<'_> {
    /// Computes the result. Does not depend on the order records were added or merged.
    pub fn finish(self) -> Result<EvaluationResult, ScoreError> {
        let mut warnings = Vec::new();
        let (weights, indicator_weights) = self.derive_weights(&mut warnings)?;
        let year = Year::of(&self, &weights);
        let panel = panel::reviewer_totals(&year, &mut warnings);
        let plan = year.plan;
        let rules = year.rules;
        let level = rules.confidence;
        let prec = rules.precision;
        let sheet_def = year.sheet;
        let derived = year.weights;
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
            for ((rid, uid), t) in &panel.totals {
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
                for (g, w) in &panel.groups {
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
                for (ind, _) in reviewed(plan, sd, &unit.category, derived) {
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

        let mut categories = ranking::rank_and_grade(&year, &mut units);
        lists::compare_with_category_means(&year, &mut units, &mut categories);
        team::grade_teams_and_history(&year, &mut units);
        let agreement = agreement::panel_agreement(&year, &mut warnings);
        warnings::note_skipped_records(&year, &mut warnings);
        warnings::name_units(year.plan, &mut warnings);
        Ok(EvaluationResult {
            units,
            categories,
            agreement,
            indicator_weights,
            calibration: panel.calibration,
            warnings,
            ..summary::result_header(&year)
        })
    }
}

/// The year being scored, as every step reads it: the plan and its rules, the records
/// accumulated, the expert review sheet and the indicator weights in force.
pub(super) struct Year<'a> {
    pub plan: &'a Plan,
    pub rules: &'a ScoringRules,
    pub state: &'a ScoreState<'a>,
    /// The review sheet of the rules' expert instrument, when the plan has one.
    pub sheet: Option<&'a ReviewSheet>,
    pub weights: &'a WeightsInForce,
}

impl<'a> Year<'a> {
    fn of(state: &'a ScoreState<'a>, weights: &'a WeightsInForce) -> Self {
        let plan = state.plan;
        let rules = &state.rules;
        Year {
            plan,
            rules,
            state,
            sheet: plan
                .instrument(&rules.expert.instrument)
                .and_then(|i| i.review.as_ref()),
            weights,
        }
    }
}
