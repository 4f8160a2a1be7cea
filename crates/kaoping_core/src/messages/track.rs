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
