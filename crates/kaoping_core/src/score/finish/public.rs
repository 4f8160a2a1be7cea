//! The public satisfaction component of a unit: the satisfaction index, the top-box
//! satisfaction rate, NPS, each survey item's scores with the answers behind them, the scale's
//! reliability, and the survey weighting when the rules ask for it.

use crate::plan::{Plan, QuestionKind};
use crate::score::result::{
    ComponentSummary, ItemScore, Nps, Priorities, PriorityCount, PublicComponent, Status,
    ValueCount, Warning,
};
use crate::score::state::{point_score, PriorityAcc, PublicAcc};
use crate::stats::interval::wilson_interval;
use crate::stats::tally::Tally;

use super::figures::{aggregate, distribution, empty_summary, interval_of, status_of};
use super::public_weighting::apply_weighting;
use super::quality::{all_records, apply_quality_weights, down_weighted};
use super::warnings::warn;
use super::Year;

/// The unit's public component, weighted when the rules ask for it; warns of a scale of low
/// reliability and of too few responses.
pub(super) fn public_component(
    year: &Year,
    u: &str,
    weight: f64,
    warnings: &mut Vec<Warning>,
) -> PublicComponent {
    let rules = year.rules;
    let pr = &rules.public;
    let full = year.state.public.get(u);
    let down = down_weighted(year, u);
    // With down-weighted records: their headcounts joined to the others'.
    let joined = (!down.is_empty()).then(|| all_records(full, &down));
    let all = joined.as_ref().or(full);
    let mut public = match all {
        Some(acc) => unweighted(year, acc, weight),
        None => PublicComponent {
            summary: empty_summary(weight),
            satisfaction_rate: None,
            nps: None,
            items: Vec::new(),
            cronbach_alpha: None,
            cronbach_n: 0,
            low_reliability: false,
            weighting: None,
            priorities: None,
        },
    };
    let classes: Vec<(f64, &PublicAcc)> = full.map(|a| (1.0, a)).into_iter().chain(down).collect();
    if let (Some(w), Some(acc)) = (&pr.weighting, all) {
        apply_weighting(&mut public, acc, &classes, w, u, rules, weight, warnings);
    } else if let Some(acc) = &joined {
        apply_quality_weights(&mut public, acc, &classes, year, u, weight, warnings);
    }
    public.priorities = priorities(year, u);
    if weight > 0.0 && public.low_reliability {
        warn_low_reliability(year, u, &public, warnings);
    }
    if weight > 0.0 && public.summary.status == Status::Insufficient {
        warn(
            warnings,
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
    public
}

/// The public component from the unit's responses, before any survey weighting.
fn unweighted(year: &Year, acc: &PublicAcc, weight: f64) -> PublicComponent {
    let rules = year.rules;
    let level = rules.confidence;
    let (s, v) = aggregate(&acc.index, rules.public.aggregation, rules.public.min_n);
    let nps_n = acc.promoters + acc.passives + acc.detractors;
    PublicComponent {
        summary: ComponentSummary {
            weight,
            weight_used: None,
            status: status_of(&acc.index, s),
            value: v,
            contribution: None,
            n: acc.index.n(),
            unable_to_judge: acc.index.unable_to_judge(),
            n_eff: None,
            interval: interval_of(&acc.index, level),
        },
        satisfaction_rate: wilson_interval(acc.satisfied, acc.satisfaction_n, level).ok(),
        nps: (nps_n > 0).then(|| Nps {
            n: nps_n,
            promoters: acc.promoters,
            passives: acc.passives,
            detractors: acc.detractors,
            nps: (acc.promoters as f64 - acc.detractors as f64) / nps_n as f64 * 100.0,
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
                    public_scale(year.plan, &rules.public.instrument, k).as_ref(),
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
        priorities: None,
    }
}

/// The unit's respondents' answers to the priorities question, every option of it, most
/// chosen first (ties in the plan's order).
fn priorities(year: &Year, u: &str) -> Option<Priorities> {
    let pr = &year.rules.public;
    let q = pr.priorities_question.as_ref()?;
    let ins = year.plan.instrument(&pr.instrument)?;
    let options_of = |id: &str| {
        ins.questions()
            .find(|x| x.id == id)
            .and_then(|x| match &x.kind {
                QuestionKind::Single { options } | QuestionKind::Multiple { options, .. } => {
                    Some(options)
                }
                _ => None,
            })
    };
    // Only the units people live in are asked; those rated as used are not.
    if !options_of(&pr.unit_question)?.iter().any(|o| o.value == u) {
        return None;
    }
    let options = options_of(q)?;
    let empty = PriorityAcc::default();
    let acc = year.state.priorities.get(u).unwrap_or(&empty);
    let n = acc.respondents;
    let mut out: Vec<PriorityCount> = options
        .iter()
        .map(|o| {
            let count = acc.counts.get(&o.value).copied().unwrap_or(0);
            PriorityCount {
                option: o.value.clone(),
                label: o.label.clone(),
                count,
                share: if n == 0 { 0.0 } else { count as f64 / n as f64 },
            }
        })
        .collect();
    // Stable: equal counts keep the plan's order.
    out.sort_by_key(|b| std::cmp::Reverse(b.count));
    Some(Priorities {
        question: q.clone(),
        n,
        options: out,
    })
}

/// Warns that the items do not hang together well enough to be read as one satisfaction
/// scale (Cronbach's α below the rules' threshold).
fn warn_low_reliability(
    year: &Year,
    u: &str,
    public: &PublicComponent,
    warnings: &mut Vec<Warning>,
) {
    let rules = year.rules;
    let pr = &rules.public;
    let title = |lang: &str| {
        year.plan
            .instrument(&pr.instrument)
            .map_or(pr.instrument.clone(), |i| i.title.get(lang).to_owned())
    };
    let alpha = public.cronbach_alpha.unwrap_or(f64::NAN);
    warn(
        warnings,
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
