//! The `quality` section of the scoring rules: what happens to the records that the quality
//! flags mark (speeders, straight-lining, repeats) — counted as today, counted with a smaller
//! weight, or left out — and for which instruments; with its checks.

use super::check::{bad, RuleProblem};
use super::{Aggregation, ScoringRules};
use crate::plan::{InstrumentKind, Plan};
use crate::record::QualityFlags;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a quality rule does with the records it touches.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum QualityAction {
    /// Counted like any record (today's behaviour: the flag is only recorded and reported).
    #[default]
    Count,
    /// Counted with this weight (0 < weight < 1) in the unit's public figures.
    DownWeight {
        /// The record's weight, above 0 and below 1 (e.g. 0.5).
        weight: f64,
    },
    /// Left out of the unit's figures.
    Exclude,
}

/// The `scoring.quality` section: one action per quality flag.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QualityRules {
    /// Faster than the instrument's `min_seconds` (`quality.speeder`).
    pub speeder: QualityAction,
    /// A matrix answered with one value on every row (`quality.straight_lined` not empty).
    pub straight_lining: QualityAction,
    /// The same browser submitted before (`quality.repeat`).
    pub repeat: QualityAction,
    /// Instrument ids the rules apply to (survey or appraisal instruments); empty: every
    /// survey (public) instrument of the plan.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<String>,
}

/// The three rules, by their key in the section, in the order the results list them.
pub const QUALITY_RULES: [&str; 3] = ["speeder", "straight_lining", "repeat"];

/// What the rules make of one record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QualityOutcome {
    /// Counted with weight 1.
    Full,
    /// Counted with this weight (the product of the weights of the rules that touched it).
    Weighted(f64),
    /// Left out (a rule that touched it excludes).
    Excluded,
}

impl QualityRules {
    /// The rules' actions, in [`QUALITY_RULES`] order.
    pub fn actions(&self) -> [QualityAction; 3] {
        [self.speeder, self.straight_lining, self.repeat]
    }

    /// Whether the rules apply to the records of instrument `id` of `plan`.
    pub fn applies_to(&self, plan: &Plan, id: &str) -> bool {
        if self.instruments.is_empty() {
            plan.instrument(id)
                .is_some_and(|i| i.kind == InstrumentKind::Survey)
        } else {
            self.instruments.iter().any(|i| i == id)
        }
    }

    /// Whether any rule does more than count.
    pub fn acts(&self) -> bool {
        self.actions().iter().any(|a| *a != QualityAction::Count)
    }

    /// Which rules touch a record with these flags, in [`QUALITY_RULES`] order.
    pub fn touched(flags: &QualityFlags) -> [bool; 3] {
        [
            flags.speeder,
            !flags.straight_lined.is_empty(),
            flags.repeat,
        ]
    }

    /// What the rules make of a record with these flags: excluded when a rule that touched it
    /// excludes, else weighted by the product of the down-weights that touched it.
    pub fn outcome(&self, flags: &QualityFlags) -> QualityOutcome {
        let mut w = 1.0;
        for (hit, action) in Self::touched(flags).into_iter().zip(self.actions()) {
            match (hit, action) {
                (true, QualityAction::Exclude) => return QualityOutcome::Excluded,
                (true, QualityAction::DownWeight { weight }) => w *= weight,
                _ => {}
            }
        }
        if w < 1.0 {
            QualityOutcome::Weighted(w)
        } else {
            QualityOutcome::Full
        }
    }
}

/// The JSON of `scoring.quality` before it is read, so that a misspelt action, an unknown key
/// or a value of the wrong type is reported at its own path (serde would name only
/// `/scoring`). Returns whether it found a problem.
pub(super) fn check_quality_json(scoring: &Value, out: &mut Vec<RuleProblem>) -> bool {
    let Some(q) = scoring.get("quality") else {
        return false;
    };
    let before = out.len();
    let Value::Object(map) = q else {
        bad(
            out,
            "/quality",
            "quality 应为对象",
            "quality must be an object",
        );
        return true;
    };
    for (key, v) in map {
        let path = format!("/quality/{}", escape(key));
        match key.as_str() {
            "instruments" => check_instrument_list(v, &path, out),
            k if QUALITY_RULES.contains(&k) => check_action_json(v, &path, out),
            _ => bad(
                out,
                &path,
                &format!("未知的质量规则 \"{key}\"（可用：speeder、straight_lining、repeat、instruments）"),
                &format!("unknown quality rule \"{key}\" (known: speeder, straight_lining, repeat, instruments)"),
            ),
        }
    }
    out.len() > before
}

/// A key as a JSON Pointer token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn check_instrument_list(v: &Value, path: &str, out: &mut Vec<RuleProblem>) {
    match v {
        Value::Array(items) => {
            for (i, it) in items.iter().enumerate() {
                if !it.is_string() {
                    bad(
                        out,
                        &format!("{path}/{i}"),
                        "问卷 id 应为字符串",
                        "an instrument id must be a string",
                    );
                }
            }
        }
        _ => bad(
            out,
            path,
            "instruments 应为问卷 id 的数组",
            "instruments must be an array of instrument ids",
        ),
    }
}

fn check_action_json(v: &Value, path: &str, out: &mut Vec<RuleProblem>) {
    let Value::Object(m) = v else {
        bad(
            out,
            path,
            "质量规则应为对象，如 {\"action\": \"exclude\"}",
            "a quality rule must be an object, e.g. {\"action\": \"exclude\"}",
        );
        return;
    };
    let action = m.get("action").and_then(Value::as_str);
    match action {
        Some("count" | "exclude" | "down_weight") => {}
        _ => bad(
            out,
            &format!("{path}/action"),
            "action 应为 count（计入）、down_weight（降权）或 exclude（剔除）",
            "action must be count, down_weight or exclude",
        ),
    }
    for key in m.keys() {
        let ok = key == "action" || (key == "weight" && action == Some("down_weight"));
        if !ok {
            bad(
                out,
                &format!("{path}/{}", escape(key)),
                &format!("规则中不应有 \"{key}\"（只有 down_weight 带 weight）"),
                &format!("unexpected \"{key}\" in the rule (only down_weight has a weight)"),
            );
        }
    }
    if action == Some("down_weight") && !m.get("weight").is_some_and(Value::is_number) {
        bad(
            out,
            &format!("{path}/weight"),
            "down_weight 需要数值 weight（大于 0、小于 1，如 0.5）",
            "down_weight needs a numeric weight (above 0 and below 1, e.g. 0.5)",
        );
    }
}

/// The read section against the plan: weights in (0, 1), instruments that exist and can be
/// weighted, no trimmed mean of down-weighted records.
pub(super) fn check_quality(plan: &Plan, r: &ScoringRules, out: &mut Vec<RuleProblem>) {
    let Some(q) = &r.quality else { return };
    for (key, action) in QUALITY_RULES.iter().zip(q.actions()) {
        if let QualityAction::DownWeight { weight } = action {
            if !(weight.is_finite() && weight > 0.0 && weight < 1.0) {
                bad(
                    out,
                    &format!("/quality/{key}/weight"),
                    &format!("降权权重 {weight} 应大于 0 且小于 1（剔除请用 exclude，照常计入请用 count）"),
                    &format!("down-weight {weight} must be above 0 and below 1 (use exclude to leave records out, count to keep them)"),
                );
            }
        }
    }
    let weighted = q
        .actions()
        .iter()
        .any(|a| matches!(a, QualityAction::DownWeight { .. }));
    for (i, id) in q.instruments.iter().enumerate() {
        let path = format!("/quality/instruments/{i}");
        match plan.instrument(id).map(|ins| ins.kind) {
            None => bad(
                out,
                &path,
                &format!("方案中没有问卷 \"{id}\""),
                &format!("the plan has no instrument \"{id}\""),
            ),
            Some(InstrumentKind::Survey) => {}
            Some(InstrumentKind::Appraisal) if !weighted => {}
            Some(InstrumentKind::Appraisal) => bad(
                out,
                &path,
                &format!("干部测评问卷 \"{id}\" 的票数不能降权：对它只能用 count 或 exclude"),
                &format!("the votes of appraisal instrument \"{id}\" cannot be down-weighted: use count or exclude for it"),
            ),
            Some(_) => bad(
                out,
                &path,
                &format!("问卷 \"{id}\" 是评审表：质量规则只用于公众问卷和干部测评"),
                &format!("instrument \"{id}\" is a review sheet: quality rules apply to surveys and appraisals only"),
            ),
        }
    }
    if weighted && matches!(r.public.aggregation, Aggregation::Trimmed { .. }) {
        bad(
            out,
            "/quality",
            "降权的答卷不能用截尾均值汇总（public.aggregation 为 trimmed）：请用 mean 或 median",
            "down-weighted records cannot be summarised by a trimmed mean (public.aggregation is trimmed): use mean or median",
        );
    }
}

/// The plan's quality section checked for scoring an unvalidated plan: the first problem as
/// the error.
pub(crate) fn quality_error(plan: &Plan, r: &ScoringRules) -> Option<String> {
    let mut out = Vec::new();
    check_quality(plan, r, &mut out);
    out.first()
        .map(|p| format!("{}: {}", p.path, p.message.get("en")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(speeder: bool, straight: bool, repeat: bool) -> QualityFlags {
        QualityFlags {
            duration_seconds: 10.0,
            speeder,
            straight_lined: if straight { vec!["m".into()] } else { vec![] },
            repeat,
        }
    }

    #[test]
    fn count_keeps_every_record_whole() {
        let q = QualityRules::default();
        assert!(!q.acts());
        assert_eq!(q.outcome(&flags(true, true, true)), QualityOutcome::Full);
    }

    #[test]
    fn down_weights_multiply_and_exclude_wins() {
        let q = QualityRules {
            speeder: QualityAction::DownWeight { weight: 0.5 },
            straight_lining: QualityAction::DownWeight { weight: 0.5 },
            repeat: QualityAction::Exclude,
            instruments: vec![],
        };
        assert_eq!(q.outcome(&flags(false, false, false)), QualityOutcome::Full);
        assert_eq!(
            q.outcome(&flags(true, false, false)),
            QualityOutcome::Weighted(0.5)
        );
        assert_eq!(
            q.outcome(&flags(true, true, false)),
            QualityOutcome::Weighted(0.25)
        );
        assert_eq!(
            q.outcome(&flags(true, true, true)),
            QualityOutcome::Excluded
        );
        assert_eq!(
            q.outcome(&flags(false, false, true)),
            QualityOutcome::Excluded
        );
    }

    #[test]
    fn the_rules_apply_to_survey_instruments_unless_listed() {
        let plan = crate::plan::demo_plan();
        let mut q = QualityRules::default();
        assert!(q.applies_to(&plan, "public"));
        assert!(!q.applies_to(&plan, "cadre"));
        assert!(!q.applies_to(&plan, "expert"));
        q.instruments = vec!["cadre".into()];
        assert!(!q.applies_to(&plan, "public"));
        assert!(q.applies_to(&plan, "cadre"));
    }
}
