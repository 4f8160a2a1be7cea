//! Ranks and grades within each category: competition ranks by the rounded composite
//! (1, 2, 2, 4), merit quotas counted among the units without a veto (名额顺延), and the
//! grade of each unit.

use crate::score::result::{CategoryResult, RankEntry, UnitResult};
use crate::score::round_to;
use crate::score::rules::{QuotaRounding, ScoringRules};
use std::collections::BTreeMap;

use super::Year;

/// Ranks and grades the units of each category; the categories' rankings (their indicator
/// means are filled in with the lists).
pub(super) fn rank_and_grade(year: &Year, units: &mut [UnitResult]) -> Vec<CategoryResult> {
    let mut categories = Vec::new();
    for cat in &year.plan.categories {
        let idx: Vec<usize> = (0..units.len())
            .filter(|&i| units[i].category == cat.id)
            .collect();
        let ranked = rank(units, &idx);
        let quota_rank = quota_ranks(units, &ranked);
        for &i in &idx {
            grade(
                year.rules,
                &mut units[i],
                quota_rank.get(&i).copied(),
                idx.len(),
            );
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
            indicator_means: BTreeMap::new(),
        });
    }
    categories
}

/// Competition ranks of the units `idx` with a composite; the ranked units in ranking order
/// (score descending, then unit id).
fn rank(units: &mut [UnitResult], idx: &[usize]) -> Vec<usize> {
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
        let rank =
            if pos > 0 && units[ranked[pos - 1]].composite_rounded == units[i].composite_rounded {
                units[ranked[pos - 1]].rank
            } else {
                Some(pos as u32 + 1)
            };
        units[i].rank = rank;
    }
    ranked
}

/// Quota rank: the same competition rank among the units without a veto, so a vetoed unit
/// does not take a merit place (名额顺延).
fn quota_ranks(units: &[UnitResult], ranked: &[usize]) -> BTreeMap<usize, u32> {
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
    quota_rank
}

/// The unit's grade: non-compliant with a veto, else the first of the rules' grades whose
/// minimum score and quota (of `n_cat` units) it meets; incomplete without a composite.
fn grade(rules: &ScoringRules, u: &mut UnitResult, quota_rank: Option<u32>, n_cat: usize) {
    let grade = if !u.vetoes.is_empty() {
        ("non_compliant".to_owned(), false)
    } else if let (Some(s), Some(rank)) = (u.composite_rounded, quota_rank) {
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

/// The number of merit places a share of `n` units gives, rounded by the rule.
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
