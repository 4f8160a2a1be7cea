//! Review sheets and site-check sheets of two versions of a plan, compared as laid out
//! (`track::sheet`): their cells (units × indicators, projects × criteria) follow the plan's
//! units, indicators and projects, so a sheet changes when those do.

use super::Diff;
use crate::plan::{InstrumentKind, Plan};
use crate::review::ReviewSheetLayout;
use std::collections::BTreeSet;

fn cells(l: &ReviewSheetLayout) -> BTreeSet<(String, String)> {
    l.categories
        .iter()
        .flat_map(|c| c.units.iter())
        .flat_map(|u| u.indicators.iter().map(|i| (u.id.clone(), i.clone())))
        .collect()
}

/// The ids of the plan's sheets: review instruments and site checks.
pub(super) fn sheet_ids(plan: &Plan) -> Vec<String> {
    let mut ids: Vec<String> = plan
        .instruments
        .iter()
        .filter(|i| i.kind == InstrumentKind::Review)
        .map(|i| i.id.clone())
        .collect();
    if let Ok(rules) = crate::track::TrackingRules::of(plan) {
        ids.extend(rules.site_checks.iter().map(|s| s.id.clone()));
    }
    ids
}

impl Diff {
    /// Every sheet of `old` compared with the sheet of the same id in `new` (a site check
    /// removed is reported here; a review instrument removed with the instruments).
    pub(super) fn sheets(&mut self, old: &Plan, new: &Plan) {
        for id in sheet_ids(old) {
            let is_instrument = old.instrument(&id).is_some();
            let (Ok(a), b) = (
                crate::track::sheet::sheet(old, &id),
                crate::track::sheet::sheet(new, &id),
            ) else {
                continue;
            };
            match b {
                Ok(b) => self.sheet(new, &a, &b, is_instrument),
                Err(_) if !is_instrument => self.change(
                    &id,
                    "sheet_removed",
                    "/tracking/site_checks",
                    false,
                    &format!("删除现场查核表 {id}"),
                    &format!("site-check sheet {id} removed"),
                ),
                Err(_) => {}
            }
        }
        for id in sheet_ids(new) {
            if new.instrument(&id).is_none() && !sheet_ids(old).contains(&id) {
                self.change(
                    &id,
                    "sheet_added",
                    "/tracking/site_checks",
                    true,
                    &format!("新增现场查核表 {id}"),
                    &format!("site-check sheet {id} added"),
                );
            }
        }
    }

    fn sheet(
        &mut self,
        new: &Plan,
        a: &ReviewSheetLayout,
        b: &ReviewSheetLayout,
        is_instrument: bool,
    ) {
        let id = b.instrument.as_str();
        let p = if is_instrument {
            let i = new.instruments.iter().position(|i| i.id == id).unwrap_or(0);
            format!("/instruments/{i}/review")
        } else {
            let rules = crate::track::TrackingRules::of(new).unwrap_or_default();
            let i = rules
                .site_checks
                .iter()
                .position(|s| s.id == id)
                .unwrap_or(0);
            format!("/tracking/site_checks/{i}")
        };
        let rule = |this: &mut Self, zh: &str, en: &str| {
            this.change(
                id,
                "sheet_changed",
                &p,
                false,
                &format!("评审表 {id}：{zh}"),
                &format!("sheet {id}: {en}"),
            )
        };
        if !is_instrument && (a.title != b.title || a.intro != b.intro) {
            self.change(
                id,
                "text_changed",
                &p,
                true,
                &format!("评审表 {id} 的标题或说明修改（仅文字）"),
                &format!("sheet {id}: title or intro edited (text only)"),
            );
        }
        self.scale(id, "评审表", "the sheet", &a.scale, &b.scale, &p);
        if (a.unable, a.comment_at_or_below) != (b.unable, b.comment_at_or_below) {
            rule(
                self,
                "“无法评价”或须写评语的分数改变",
                "\"unable to judge\" or the comment threshold changed",
            );
        }
        if (a.quarters != b.quarters) || (a.min_seconds != b.min_seconds) {
            rule(
                self,
                "季度或最短用时改变",
                "its quarters or min_seconds changed",
            );
        }
        let groups = |l: &ReviewSheetLayout| {
            l.groups
                .iter()
                .map(|g| (g.id.clone(), g.weight.to_bits()))
                .collect::<Vec<_>>()
        };
        if groups(a) != groups(b) {
            rule(
                self,
                "评审组或其权重改变",
                "its rater groups or their weights changed",
            );
        } else if a.groups != b.groups {
            self.changed_sheet_text(id, &p, "评审组名称", "rater group names");
        }
        let (ca, cb) = (cells(a), cells(b));
        let (gone, new) = (ca.difference(&cb).count(), cb.difference(&ca).count());
        if gone + new > 0 {
            rule(
                self,
                &format!("评分格增加 {new} 个、减少 {gone} 个（单位、指标或项目改变）"),
                &format!("{new} cell(s) added and {gone} removed (units, indicators or projects changed)"),
            );
        }
        if a.indicators != b.indicators
            && a.indicators
                .iter()
                .map(|i| &i.id)
                .eq(b.indicators.iter().map(|i| &i.id))
        {
            self.changed_sheet_text(id, &p, "指标或标准名称", "indicator or criterion names");
        }
    }

    fn changed_sheet_text(&mut self, id: &str, p: &str, zh: &str, en: &str) {
        self.change(
            id,
            "text_changed",
            p,
            true,
            &format!("评审表 {id} 的{zh}修改（仅文字）"),
            &format!("sheet {id}: {en} edited (text only)"),
        );
    }
}
