//! zh-CN texts of the roster's errors.

use crate::roster::RosterError;
use crate::text::Bilingual;

impl Bilingual for RosterError {
    fn zh(&self) -> String {
        match self {
            RosterError::Workbook { file, error } => format!("{file}：{}", error.zh()),
            RosterError::MissingColumns { file, missing } => {
                format!("{file}：表头缺少列 {missing}")
            }
            RosterError::TooManyRows { file, max } => {
                format!("{file}：超过 {max} 行；名单每人（评审人或干部）一行")
            }
            RosterError::BadOption {
                field,
                value,
                why_zh,
                ..
            } => format!("名单的 {field}“{value}”：{why_zh}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xlsx::XlsxError;

    #[test]
    fn every_variant_has_both_languages() {
        let errors = [
            RosterError::Workbook {
                file: "名单.xlsx".into(),
                error: XlsxError::NoSheets,
            },
            RosterError::MissingColumns {
                file: "r.csv".into(),
                missing: "评审人编号 (rater)".into(),
            },
            RosterError::TooManyRows {
                file: "r.csv".into(),
                max: 3,
            },
            RosterError::BadOption {
                field: "valid_from",
                value: "明天".into(),
                why: "\"明天\" is not a date".into(),
                why_zh: "“明天”不是日期".into(),
            },
        ];
        for e in errors {
            let t = e.text();
            assert!(
                t.get("zh-CN")
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{e}"
            );
            assert_ne!(t.get("zh-CN"), t.get("en"));
            assert_eq!(t.get("en"), e.to_string());
        }
    }
}
