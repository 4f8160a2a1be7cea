//! The public satisfaction component of a unit.

use crate::plan::Plan;
use crate::score::result::ValueCount;
use crate::score::state::point_score;
use crate::stats::tally::Tally;

use super::figures::distribution;

/// The scale of a public survey item (`question` or `matrix/row`).
pub(super) fn public_scale(
    plan: &Plan,
    instrument: &str,
    item: &str,
) -> Option<crate::plan::Scale> {
    let id = item.split('/').next()?;
    let q = plan
        .instrument(instrument)?
        .questions()
        .find(|q| q.id == id)?;
    q.kind.scale()
}

/// A public item's distribution of scores with the answer behind each score: the scale point
/// whose score ([`point_score`]) it is, when exactly one point has it, and that point's label.
pub(super) fn answer_distribution(
    t: &Tally,
    scale: Option<&crate::plan::Scale>,
) -> Vec<ValueCount> {
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
