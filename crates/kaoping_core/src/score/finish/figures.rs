//! The figures every component shares: a tally aggregated by the rule, weighted parts
//! combined, the interval of a mean, a component's status.

use crate::score::result::{ComponentSummary, Status, ValueCount};
use crate::score::rules::{Aggregation, MissingPolicy};
use crate::stats::dist::stable_sum;
use crate::stats::interval::{t_interval_counts, Interval};
use crate::stats::tally::Tally;

/// How many ratings had each value, ascending.
pub(super) fn distribution(t: &Tally) -> Vec<ValueCount> {
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

/// Aggregates a tally by the rule; `(status, value)`.
pub(super) fn aggregate(t: &Tally, agg: Aggregation, min_n: u64) -> (Status, Option<f64>) {
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
pub(super) fn combine(
    parts: &[(f64, Option<f64>)],
    policy: MissingPolicy,
) -> (Option<f64>, Vec<Option<f64>>) {
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

/// The t interval of the mean of a tally (none below two ratings).
pub(super) fn interval_of(t: &Tally, level: f64) -> Option<Interval> {
    if t.n() < 2 {
        return None;
    }
    t_interval_counts(&t.values(), level).ok()
}

/// The status of an aggregate: no ratings but some "unable to judge" is insufficient, not
/// missing.
pub(super) fn status_of(t: &Tally, s: Status) -> Status {
    if s == Status::Missing && t.unable_to_judge() > 0 {
        Status::Insufficient
    } else {
        s
    }
}

/// A component without any data, of the given weight.
pub(super) fn empty_summary(weight: f64) -> ComponentSummary {
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
