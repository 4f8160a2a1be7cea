//! Duplicates settled by source (file name, then row), whatever the order of arrival: the
//! first row of each key is kept, later ones are rejected naming it.

use super::super::{
    ConstraintEvent, Date, MilestoneReport, Period, PeriodRow, RaterGroup, SiteRating, Source,
    Tracker,
};
use crate::ingest::Rejection;
use crate::text::Text;
use std::collections::BTreeMap;

/// The period figures kept, by unit, indicator and period.
pub(super) type Rows = BTreeMap<(String, String, Period), PeriodRow>;
/// The milestone reports kept, by project and milestone.
pub(super) type Done = BTreeMap<(String, String), MilestoneReport>;

impl Tracker<'_> {
    /// One figure per unit × indicator × period.
    pub(super) fn settle_periods(&mut self) -> Rows {
        let mut rows: Rows = BTreeMap::new();
        for (key, mut cands) in std::mem::take(&mut self.periods) {
            cands.sort_by(|a, b| a.at.cmp(&b.at));
            let first = cands.remove(0);
            for dup in cands {
                self.duplicate(&dup.at, &first.at, "period");
            }
            rows.insert(key, first);
        }
        rows
    }

    /// One report per project milestone.
    pub(super) fn settle_milestones(&mut self) -> Done {
        let mut done: Done = BTreeMap::new();
        for (key, mut cands) in std::mem::take(&mut self.milestones) {
            cands.sort_by(|a, b| a.at.cmp(&b.at));
            let first = cands.remove(0);
            for dup in cands {
                self.duplicate(&dup.at, &first.at, "milestone");
            }
            done.insert(key, first);
        }
        done
    }

    /// The site-check ratings kept.
    ///
    /// A site-check record gives several ratings from one source: it is kept or rejected
    /// whole (a rating of the same project, quarter, group and rater id came first).
    pub(super) fn settle_ratings(&mut self) -> Vec<SiteRating> {
        let mut ratings = std::mem::take(&mut self.ratings);
        ratings.sort_by(|a, b| a.at.cmp(&b.at));
        let mut seen_raters: BTreeMap<(String, Period, RaterGroup, String), Source> =
            BTreeMap::new();
        let mut kept_ratings = Vec::new();
        let mut rest = ratings.as_slice();
        while let Some(head) = rest.first() {
            let n = rest.iter().take_while(|r| r.at == head.at).count();
            let (same, tail) = rest.split_at(n);
            rest = tail;
            let key = |r: &SiteRating| {
                r.rater_id
                    .as_ref()
                    .map(|id| (r.project.clone(), r.quarter, r.rater, id.clone()))
            };
            let first = same
                .iter()
                .filter_map(|r| key(r).and_then(|k| seen_raters.get(&k)))
                .min()
                .cloned();
            if let Some(first) = first {
                let column = if head.record {
                    "respondent_id"
                } else {
                    "rater_id"
                };
                self.duplicate(&head.at, &first, column);
                continue;
            }
            for r in same {
                if let Some(k) = key(r) {
                    seen_raters.insert(k, r.at.clone());
                }
            }
            kept_ratings.extend(same.iter().cloned());
        }
        kept_ratings
    }

    /// One constraint event per unit, indicator, date and evidence.
    pub(super) fn settle_events(&mut self) -> Vec<ConstraintEvent> {
        let mut events = std::mem::take(&mut self.events);
        events.sort_by(|a, b| a.at.cmp(&b.at));
        let mut seen_events: BTreeMap<(String, String, Date, String), Source> = BTreeMap::new();
        let mut kept_events: Vec<ConstraintEvent> = Vec::new();
        for e in events {
            let key = (
                e.unit.clone(),
                e.indicator.clone(),
                e.date,
                e.evidence.clone(),
            );
            if let Some(first) = seen_events.get(&key) {
                let first = first.clone();
                self.duplicate(&e.at, &first, "evidence");
                continue;
            }
            seen_events.insert(key, e.at.clone());
            kept_events.push(e);
        }
        kept_events
    }

    fn duplicate(&mut self, at: &Source, first: &Source, column: &str) {
        self.rejected.push(Rejection {
            file: at.file.clone(),
            row: at.row,
            column: Some(column.to_owned()),
            code: "duplicate",
            message: Text::new(
                &format!("与 {}:{} 重复，以先者为准", first.file, first.row),
                &format!("duplicate of {}:{}, which is kept", first.file, first.row),
            ),
        });
    }
}
