//! zh-CN texts of scoring's errors.

use crate::score::ScoreError;
use crate::text::Bilingual;

impl Bilingual for ScoreError {
    fn zh(&self) -> String {
        match self {
            ScoreError::PlanMismatch { expected, found } => {
                format!("记录属于方案“{found}”，却交给了方案“{expected}”")
            }
            ScoreError::UnknownInstrument(id) => format!("记录所属的问卷“{id}”不存在"),
            ScoreError::DuplicateReviewer(id) => format!("评审人“{id}”提交了不止一份评审表"),
            ScoreError::DuplicateIndicatorInput { unit, indicator } => {
                format!("单位“{unit}”的指标“{indicator}”数据重复给出")
            }
            ScoreError::UnknownIndicatorInput { unit, indicator } => {
                format!("指标数据中的单位“{unit}”或指标“{indicator}”不存在")
            }
            ScoreError::BadIndicatorInput {
                unit,
                indicator,
                why,
            } => format!("单位“{unit}”指标“{indicator}”的数据与指标类型不符：{why}"),
            ScoreError::DuplicateHistory { unit, year } => {
                format!("单位“{unit}” {year} 年的往年记录重复给出")
            }
            ScoreError::MergePlanMismatch => "不同方案的评分状态不能合并".to_owned(),
            ScoreError::Rules(why) => format!("方案的计分规则（scoring）有误：{why}"),
            ScoreError::CadreRoster { why_zh, .. } => format!("干部名单无法使用：{why_zh}"),
        }
    }
}

#[cfg(feature = "office")]
impl Bilingual for crate::score::demo_settings::DemoSettingError {
    fn zh(&self) -> String {
        use crate::score::demo_settings::DemoSettingError as E;
        match self {
            E::N { text, max } => format!("公众答卷数须为 0 到 {max} 的整数（现为“{text}”）。"),
            E::Seed { text, max } => format!("随机种子须为 0 到 {max} 的整数（现为“{text}”）。"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[cfg(feature = "office")]
    #[test]
    fn demo_setting_error() {
        use crate::score::demo_settings::DemoSettingError as E;
        bilingual(
            &E::N {
                text: s("4.2"),
                max: 500_000,
            },
            &["4.2", "500000"],
        );
        bilingual(
            &E::Seed {
                text: s("-1"),
                max: u32::MAX,
            },
            &["-1", "4294967295"],
        );
    }

    #[test]
    fn score_error() {
        bilingual(
            &ScoreError::PlanMismatch {
                expected: s("wuhan-2026"),
                found: s("wuhan-2025"),
            },
            &["wuhan-2026", "wuhan-2025"],
        );
        bilingual(&ScoreError::UnknownInstrument(s("poll")), &["poll"]);
        bilingual(&ScoreError::DuplicateReviewer(s("E07")), &["E07"]);
        let (unit, indicator) = (s("jiangan"), s("gdp"));
        bilingual(
            &ScoreError::DuplicateIndicatorInput {
                unit: unit.clone(),
                indicator: indicator.clone(),
            },
            &["jiangan", "gdp"],
        );
        bilingual(
            &ScoreError::UnknownIndicatorInput {
                unit: unit.clone(),
                indicator: indicator.clone(),
            },
            &["jiangan", "gdp"],
        );
        bilingual(
            &ScoreError::BadIndicatorInput {
                unit,
                indicator,
                why: s("expected a number"),
            },
            &["jiangan", "gdp", "expected a number"],
        );
        bilingual(
            &ScoreError::DuplicateHistory {
                unit: s("hankou"),
                year: 2025,
            },
            &["hankou", "2025"],
        );
        bilingual(&ScoreError::MergePlanMismatch, &[]);
        bilingual(
            &ScoreError::Rules(s("weights sum to 0.9")),
            &["weights sum to 0.9"],
        );
        bilingual(
            &ScoreError::CadreRoster {
                why: s("person 2: unknown unit \"x9\""),
                why_zh: s("第 2 人：单位“x9”不在方案中"),
            },
            &["x9"],
        );
    }
}
