//! Pass 3, meaning, for the plan as a whole: the scoring and tracking sections, languages,
//! unique ids, category and indicator weights, references to categories; each instrument's
//! checks are in `instrument.rs`.

use super::{num, ptr, Validator};
use crate::plan::Plan;
use crate::text::Text;
use std::collections::BTreeSet;

impl Validator {
    /// The meaning checks, in the order their problems are reported.
    pub(super) fn meaning(&mut self, plan: &Plan) {
        for p in crate::score::validate_rules(plan) {
            self.push(&p.path, p.code, p.message);
        }
        for p in crate::track::validate_tracking(plan) {
            self.push(&p.path, p.code, p.message);
        }
        self.tracking_texts(plan);
        // The trust checks read keys (Ed25519): office build only, like the trust module.
        #[cfg(feature = "office")]
        for p in crate::trust::check::validate_trust(plan) {
            self.push(&p.path, p.code, p.message);
        }
        let langs = &plan.languages;
        if langs.is_empty() {
            self.push(
                "/languages",
                "no_language",
                Text::new("至少需要一种语言", "At least one language is required"),
            );
        }
        self.text(&plan.title, "/title", langs);
        self.unique(
            plan.categories.iter().map(|c| c.id.as_str()),
            "/categories",
            "id",
        );
        self.unique(plan.units.iter().map(|u| u.id.as_str()), "/units", "id");
        self.unique(
            plan.indicators.iter().map(|i| i.id.as_str()),
            "/indicators",
            "id",
        );
        self.unique(
            plan.instruments.iter().map(|i| i.id.as_str()),
            "/instruments",
            "id",
        );
        let categories: BTreeSet<&str> = plan.categories.iter().map(|c| c.id.as_str()).collect();

        self.category_weights(plan);
        self.units(plan, &categories);
        self.indicators(plan, &categories);
        for (ii, ins) in plan.instruments.iter().enumerate() {
            self.instrument(plan, ins, &format!("/instruments/{ii}"));
        }
        self.amendments(plan);
    }

    /// The texts of the tracking section (peer city, projects, milestones, site checks) in
    /// every language, and the site checks' scales.
    fn tracking_texts(&mut self, plan: &Plan) {
        let langs = &plan.languages;
        if let Ok(t) = crate::track::TrackingRules::of(plan) {
            if let Some(name) = &t.peer_city {
                self.text(name, "/tracking/peer_city", langs);
            }
            for (i, pj) in t.projects.iter().enumerate() {
                self.text(&pj.name, &format!("/tracking/projects/{i}/name"), langs);
                for (j, m) in pj.milestones.iter().enumerate() {
                    self.text(
                        &m.name,
                        &format!("/tracking/projects/{i}/milestones/{j}/name"),
                        langs,
                    );
                }
            }
            for (i, sc) in t.site_checks.iter().enumerate() {
                let p = format!("/tracking/site_checks/{i}");
                self.text(&sc.title, &ptr(&p, "title"), langs);
                if let Some(intro) = &sc.intro {
                    self.text(intro, &ptr(&p, "intro"), langs);
                }
                self.scale(&sc.scale, &ptr(&p, "scale"), langs);
                for (j, c) in sc.criteria.iter().enumerate() {
                    self.text(&c.name, &format!("{p}/criteria/{j}/name"), langs);
                }
            }
        }
    }

    /// Each category's texts, and its component and indicator weights adding up to 1.
    fn category_weights(&mut self, plan: &Plan) {
        let langs = &plan.languages;
        for (ci, c) in plan.categories.iter().enumerate() {
            let p = format!("/categories/{ci}");
            self.text(&c.name, &ptr(&p, "name"), langs);
            let sum = c.components.sum();
            if (sum - 1.0).abs() > 1e-6 {
                let sum = num(sum);
                self.push(
                    &ptr(&p, "components"),
                    "weights_sum",
                    Text::new(
                        &format!("类别“{}”的构成权重之和为 {}，应为 1", c.id, sum),
                        &format!(
                            "The component weights of category \"{}\" add up to {}, not 1",
                            c.id, sum
                        ),
                    ),
                );
            }
            let ind_sum: f64 = plan
                .indicators
                .iter()
                .filter_map(|i| i.weights.get(&c.id))
                .sum();
            if (ind_sum - 1.0).abs() > 1e-6 {
                let ind_sum = num(ind_sum);
                self.push(
                    "/indicators",
                    "weights_sum",
                    Text::new(
                        &format!("类别“{}”的指标权重之和为 {ind_sum}，应为 1", c.id),
                        &format!(
                            "The indicator weights of category \"{}\" add up to {ind_sum}, not 1",
                            c.id
                        ),
                    ),
                );
            }
        }
    }

    /// Each unit's texts and category.
    fn units(&mut self, plan: &Plan, categories: &BTreeSet<&str>) {
        let langs = &plan.languages;
        for (ui, u) in plan.units.iter().enumerate() {
            let p = format!("/units/{ui}");
            self.text(&u.name, &ptr(&p, "name"), langs);
            if !categories.contains(u.category.as_str()) {
                self.missing_ref(&ptr(&p, "category"), "类别", "category", &u.category);
            }
        }
    }

    /// Each indicator's texts, and its weights: known categories, between 0 and 1.
    fn indicators(&mut self, plan: &Plan, categories: &BTreeSet<&str>) {
        let langs = &plan.languages;
        for (ii, ind) in plan.indicators.iter().enumerate() {
            let p = format!("/indicators/{ii}");
            self.text(&ind.name, &ptr(&p, "name"), langs);
            for (cat, w) in &ind.weights {
                let wp = ptr(&ptr(&p, "weights"), cat);
                if !categories.contains(cat.as_str()) {
                    self.missing_ref(&wp, "类别", "category", cat);
                }
                if !(0.0..=1.0).contains(w) {
                    self.push(
                        &wp,
                        "weight_range",
                        Text::new(
                            &format!("权重 {w} 应在 0 到 1 之间"),
                            &format!("Weight {w} must be between 0 and 1"),
                        ),
                    );
                }
            }
        }
    }
}
