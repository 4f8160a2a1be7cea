//! zh-CN texts of the statistics' errors (agreement, reliability, intervals, tallies).

use crate::stats::cronbach::CronbachError;
use crate::stats::icc::IccError;
use crate::stats::interval::IntervalError;
use crate::stats::kendall::KendallError;
use crate::stats::krippendorff::AlphaError;
use crate::stats::tally::TallyError;
use crate::text::Bilingual;

/// The zh text of a confidence level outside (0, 1), shared by ICC and the intervals.
fn bad_level(level: f64) -> String {
    format!("置信水平必须严格介于 0 和 1 之间，实际为 {level}")
}

impl Bilingual for IccError {
    fn zh(&self) -> String {
        match self {
            IccError::TooFewJudges(n) => format!("ICC 至少需要 2 名评审人（行），实际为 {n}"),
            IccError::TooFewTargets { used, dropped } => format!(
                "ICC 至少需要 2 个由每位评审人都评分的对象，实际为 {used}（{dropped} 个因缺少评分而剔除）"
            ),
            IccError::ZeroVariance => "所有评分都相同：均方为 0，ICC 无定义".to_owned(),
            IccError::BadLevel(level) => bad_level(*level),
        }
    }
}

impl Bilingual for IntervalError {
    fn zh(&self) -> String {
        match self {
            IntervalError::BadLevel(level) => bad_level(*level),
            IntervalError::ZeroTotal => "总数至少为 1".to_owned(),
            IntervalError::SuccessesExceedTotal { successes, total } => {
                format!("成功数（{successes}）超过总数（{total}）")
            }
            IntervalError::TooFewValues(n) => {
                format!("t 区间至少需要 2 个有限数值，实际为 {n}")
            }
            IntervalError::NotFinite { index } => format!("第 {index} 个数值不是有限数"),
            IntervalError::BadWeight { index, value } => {
                format!("第 {index} 个权重为 {value}：权重必须是有限数且 >= 0")
            }
            IntervalError::NoWeight => "没有权重，或所有权重均为 0".to_owned(),
        }
    }
}

impl Bilingual for TallyError {
    fn zh(&self) -> String {
        match self {
            TallyError::NonFinite { value } => format!("评分 {value} 不是有限数"),
            TallyError::OutOfRange { value } => format!("数值 {value} 超出范围（|x| ≤ 1e15）"),
            TallyError::InvalidWeight { weight } => {
                format!("调查权重 {weight} 必须是有限数，> 0 且 ≤ 1e15")
            }
            TallyError::DuplicateRating { reviewer, unit } => {
                format!("评审人“{reviewer}”对单位“{unit}”评分不止一次")
            }
            TallyError::TooFewRatings { n } => {
                format!("校准至少需要评审组中的 2 个评分，实际为 {n}")
            }
        }
    }
}

impl Bilingual for CronbachError {
    fn zh(&self) -> String {
        match self {
            CronbachError::TooFewItems(n) => {
                format!("Cronbach's alpha 至少需要 2 个题目（列），实际为 {n}")
            }
            CronbachError::TooFewRespondents { used, dropped } => format!(
                "Cronbach's alpha 至少需要 2 名完整作答的受访者，实际为 {used}（{dropped} 名因缺答而剔除）"
            ),
            CronbachError::ZeroVariance => "总分的方差为 0：alpha 无定义".to_owned(),
        }
    }
}

impl Bilingual for AlphaError {
    fn zh(&self) -> String {
        match self {
            AlphaError::NoPairableUnits => {
                "没有单位得到至少 2 名评分人的评分，因此没有可配对的数值".to_owned()
            }
            AlphaError::NoVariation { value } => {
                format!("所有可配对的数值都相等（{value}）：期望分歧为 0，alpha 无定义")
            }
            AlphaError::NegativeRatio { rater, unit, value } => {
                format!("比率尺度要求数值 >= 0，但评分人“{rater}”给单位“{unit}”的评分为 {value}")
            }
        }
    }
}

impl Bilingual for KendallError {
    fn zh(&self) -> String {
        match self {
            KendallError::TooFewRaters(n) => {
                format!("Kendall's W 至少需要 2 名评分人，实际为 {n}")
            }
            KendallError::TooFewUnits { used, dropped } => format!(
                "Kendall's W 至少需要 2 个由每位评分人都评分的单位，实际为 {used}（{dropped} 个因缺少评分而剔除）"
            ),
            KendallError::AllTied => "每位评分人都把所有单位评为同分：W 无定义".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    #[test]
    fn icc_error() {
        bilingual(&IccError::TooFewJudges(1), &["1"]);
        bilingual(
            &IccError::TooFewTargets {
                used: 1,
                dropped: 6,
            },
            &["1", "6"],
        );
        bilingual(&IccError::ZeroVariance, &["ICC"]);
        bilingual(&IccError::BadLevel(1.5), &["1.5"]);
    }

    #[test]
    fn interval_error() {
        bilingual(&IntervalError::BadLevel(-0.25), &["-0.25"]);
        bilingual(&IntervalError::ZeroTotal, &["1"]);
        bilingual(
            &IntervalError::SuccessesExceedTotal {
                successes: 12,
                total: 10,
            },
            &["12", "10"],
        );
        bilingual(&IntervalError::TooFewValues(1), &["1"]);
        bilingual(&IntervalError::NotFinite { index: 5 }, &["5"]);
        bilingual(
            &IntervalError::BadWeight {
                index: 3,
                value: -2.5,
            },
            &["3", "-2.5"],
        );
        bilingual(&IntervalError::NoWeight, &["0"]);
    }

    #[test]
    fn tally_error() {
        bilingual(
            &TallyError::NonFinite {
                value: "NaN".into(),
            },
            &["NaN"],
        );
        bilingual(
            &TallyError::OutOfRange { value: 2e16 },
            &["20000000000000000"],
        );
        bilingual(
            &TallyError::InvalidWeight {
                weight: "-1".into(),
            },
            &["-1"],
        );
        bilingual(
            &TallyError::DuplicateRating {
                reviewer: "E07".into(),
                unit: "jiangan".into(),
            },
            &["E07", "jiangan"],
        );
        bilingual(&TallyError::TooFewRatings { n: 1 }, &["1"]);
    }

    #[test]
    fn cronbach_error() {
        bilingual(&CronbachError::TooFewItems(1), &["1"]);
        bilingual(
            &CronbachError::TooFewRespondents {
                used: 1,
                dropped: 9,
            },
            &["1", "9"],
        );
        bilingual(&CronbachError::ZeroVariance, &["alpha"]);
    }

    #[test]
    fn alpha_error() {
        bilingual(&AlphaError::NoPairableUnits, &[]);
        bilingual(&AlphaError::NoVariation { value: 4.5 }, &["4.5"]);
        bilingual(
            &AlphaError::NegativeRatio {
                rater: "E02".into(),
                unit: "hanyang".into(),
                value: -3.0,
            },
            &["E02", "hanyang", "-3"],
        );
    }

    #[test]
    fn kendall_error() {
        bilingual(&KendallError::TooFewRaters(1), &["1"]);
        bilingual(
            &KendallError::TooFewUnits {
                used: 1,
                dropped: 4,
            },
            &["1", "4"],
        );
        bilingual(&KendallError::AllTied, &["W"]);
    }
}
