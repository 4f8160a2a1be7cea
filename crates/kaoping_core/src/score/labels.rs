//! Words for the grade ids a result uses, so every page and report says the same thing.

use super::rules::ScoringRules;
use crate::text::Text;
use std::collections::BTreeMap;

/// Labels keyed `unit.<grade>`, `team.<grade>`, `cadre.<grade>`: the plan's own grade names
/// first, then the fixed grades of the evaluation.
pub fn labels(rules: &ScoringRules) -> BTreeMap<String, Text> {
    let mut out = BTreeMap::new();
    for g in &rules.grades {
        out.insert(format!("unit.{}", g.id), g.name.clone());
    }
    let fixed: [(&str, &str, &str); 12] = [
        ("unit.non_compliant", "不达标单位", "Non-compliant"),
        ("unit.incomplete", "数据不全", "Incomplete"),
        ("team.good", "好", "Good"),
        ("team.compliant", "达标", "Compliant"),
        ("team.non_compliant", "不达标", "Non-compliant"),
        ("team.insufficient", "评价人数不足", "Too few appraisals"),
        ("cadre.excellent", "优秀", "Excellent"),
        ("cadre.competent", "称职", "Competent"),
        (
            "cadre.basically_competent",
            "基本称职",
            "Basically competent",
        ),
        ("cadre.incompetent", "不称职", "Incompetent"),
        ("cadre.insufficient", "评价人数不足", "Too few appraisals"),
        ("unit.merit_flag", "立功单位", "Merit unit"),
    ];
    for (key, zh, en) in fixed {
        out.entry(key.to_owned())
            .or_insert_with(|| Text::new(zh, en));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grade_the_demo_can_give_has_words_in_both_languages() {
        let rules = ScoringRules::of(&crate::plan::demo_plan()).unwrap();
        let l = labels(&rules);
        for key in [
            "unit.merit",
            "unit.compliant",
            "unit.non_compliant",
            "unit.incomplete",
            "team.good",
            "cadre.basically_competent",
        ] {
            let t = l.get(key).unwrap_or_else(|| panic!("{key}"));
            assert!(
                !t.get("zh-CN").is_empty() && !t.get("en").is_empty(),
                "{key}"
            );
        }
        assert_eq!(l["unit.merit"].get("zh-CN"), "立功单位");
    }
}
