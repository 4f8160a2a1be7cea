//! zh-CN texts of the exports' errors.

use crate::export::{ExportError, RESULT_TABLES};
use crate::text::Bilingual;

impl Bilingual for ExportError {
    fn zh(&self) -> String {
        match self {
            ExportError::UnknownTable(name) => {
                format!(
                    "没有表格“{name}”；可导出的表格有：{}",
                    RESULT_TABLES.join(", ")
                )
            }
            ExportError::PlanMismatch { result, plan } => {
                format!("结果属于方案“{result}”，但当前加载的方案是“{plan}”")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    #[test]
    fn export_error() {
        bilingual(
            &ExportError::UnknownTable("rankings".into()),
            &["rankings", RESULT_TABLES[0], RESULT_TABLES[10]],
        );
        bilingual(
            &ExportError::PlanMismatch {
                result: "a-2025".into(),
                plan: "a-2026".into(),
            },
            &["a-2025", "a-2026"],
        );
    }
}
