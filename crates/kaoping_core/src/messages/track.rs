//! zh-CN texts of tracking's errors.

use crate::text::Bilingual;
use crate::track::TrackError;

impl Bilingual for TrackError {
    fn zh(&self) -> String {
        match self {
            TrackError::Rules(why) => format!("方案的跟踪管理部分（tracking）有误：{why}"),
            TrackError::Through(period) => format!("“{period}”不是方案年度内的周期"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    #[test]
    fn track_error() {
        bilingual(&TrackError::Rules("no periods".into()), &["no periods"]);
        bilingual(&TrackError::Through("2026-13".into()), &["2026-13"]);
    }
}

#[cfg(feature = "office")]
impl Bilingual for crate::track::CloseError {
    fn zh(&self) -> String {
        use crate::track::CloseError;
        match self {
            CloseError::OtherPlan { found, expected } => {
                format!("跟踪报告属于另一方案（指纹 {found}；本方案为 {expected}）")
            }
            CloseError::NotYearEnd { through, last } => {
                format!("跟踪数据截至 {through}；年终指标数据取全年最后一期（{last}）的数据")
            }
            CloseError::Track(e) => e.zh(),
            CloseError::Overrides { problems } => format!(
                "{} 处人工调整有问题，未作任何调整；{}",
                problems.len(),
                crate::yearend::list(problems, "zh-CN")
            ),
        }
    }
}

#[cfg(all(test, feature = "office"))]
mod close_tests {
    use crate::messages::check::bilingual;
    use crate::text::Text;
    use crate::track::CloseError;
    use crate::yearend::TableProblem;

    #[test]
    fn every_close_error_has_its_chinese_text() {
        bilingual(
            &CloseError::OtherPlan {
                found: "ab12".into(),
                expected: "cd34".into(),
            },
            &["ab12", "cd34"],
        );
        bilingual(
            &CloseError::NotYearEnd {
                through: "2026-09".into(),
                last: "2026-12".into(),
            },
            &["2026-09", "2026-12"],
        );
        bilingual(
            &CloseError::Overrides {
                problems: vec![TableProblem {
                    row: 3,
                    column: Some("reason".into()),
                    cell: None,
                    message: Text::new("调整须写明原因（必填）", "an override needs a reason"),
                }],
            },
            &["reason"],
        );
        bilingual(
            &CloseError::Track(crate::track::TrackError::Through("2026-13".into())),
            &["2026-13"],
        );
    }
}
