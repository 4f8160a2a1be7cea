//! zh-CN texts of the plan's errors.

use crate::plan::{NextYearError, PlanLoadError};
use crate::text::Bilingual;

impl Bilingual for PlanLoadError {
    fn zh(&self) -> String {
        let at = if self.line > 0 {
            format!("（第 {} 行，第 {} 列）", self.line, self.column)
        } else {
            String::new()
        };
        format!("无法读取方案：{}{at}", self.message)
    }
}

impl Bilingual for NextYearError {
    fn zh(&self) -> String {
        match self {
            NextYearError::NotAPlan => "这不是方案：应为 JSON 对象，且 `year` 为整数".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    #[test]
    fn next_year_error() {
        bilingual(&NextYearError::NotAPlan, &["JSON", "`year`"]);
    }

    #[test]
    fn plan_load_error() {
        let e = PlanLoadError {
            message: "expected value".into(),
            line: 3,
            column: 17,
        };
        bilingual(&e, &["expected value", "3", "17"]);
        let e = PlanLoadError {
            message: "EOF".into(),
            line: 0,
            column: 0,
        };
        bilingual(&e, &["EOF"]);
        assert!(!e.zh().contains('行'));
    }
}
