//! zh-CN texts of the year-end tables' errors.

use crate::text::Bilingual;
use crate::yearend::{list, YearEndError};

impl Bilingual for YearEndError {
    fn zh(&self) -> String {
        match self {
            YearEndError::Workbook { file, error } => format!("{file}：{}", error.zh()),
            YearEndError::MissingColumns { file, missing } => {
                format!("{file}：表头缺少列 {missing}")
            }
            YearEndError::TooManyRows { file, max } => {
                format!("{file}：超过 {max} 行；年终数据表每个单位、每项指标一行")
            }
            YearEndError::OutName { name } => {
                format!("{name}：请写为 .csv、.xlsx 文件（往年等次也可写为 .json）")
            }
            YearEndError::NotAResult { file, why } => {
                format!("{file}：不是 kaoping 的 result.json：{why}")
            }
            YearEndError::OtherPlan {
                file,
                found,
                expected,
            } => format!("{file} 按另一方案评分（指纹 {found}；本方案为 {expected}）"),
            YearEndError::HistoryJson { file, why } => format!(
                "{file}：不是往年等次 JSON（{{\"history\": [{{unit, year, grade, team_grade}}]}}）：{why}"
            ),
            YearEndError::Rows { file, problems } => format!(
                "{file}：{} 处问题，未读入任何数据；{}",
                problems.len(),
                list(problems, "zh-CN")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::messages::check::bilingual;
    use crate::text::Bilingual;
    use crate::text::Text;
    use crate::yearend::{TableProblem, YearEndError};

    #[test]
    fn every_year_end_error_has_its_chinese_text() {
        let file = || "figures.csv".to_owned();
        bilingual(
            &YearEndError::Workbook {
                file: file(),
                error: crate::xlsx::XlsxError::NoSheets,
            },
            &["figures.csv"],
        );
        bilingual(
            &YearEndError::MissingColumns {
                file: file(),
                missing: "单位 (unit)".into(),
            },
            &["figures.csv", "单位 (unit)"],
        );
        bilingual(
            &YearEndError::OutName {
                name: "next.txt".into(),
            },
            &["next.txt", ".csv", ".xlsx", ".json"],
        );
        bilingual(
            &YearEndError::NotAResult {
                file: file(),
                why: "EOF".into(),
            },
            &["figures.csv", "result.json", "EOF"],
        );
        bilingual(
            &YearEndError::OtherPlan {
                file: file(),
                found: "ab12".into(),
                expected: "cd34".into(),
            },
            &["figures.csv", "ab12", "cd34"],
        );
        bilingual(
            &YearEndError::HistoryJson {
                file: file(),
                why: "EOF".into(),
            },
            &["figures.csv", "\"history\"", "EOF"],
        );
        bilingual(
            &YearEndError::TooManyRows {
                file: file(),
                max: 200_000,
            },
            &["figures.csv", "200000"],
        );
        let e = YearEndError::Rows {
            file: file(),
            problems: vec![TableProblem {
                row: 7,
                column: Some("实际值".into()),
                cell: Some("G7".into()),
                message: Text::new("缺少数值", "a number is missing"),
            }],
        };
        bilingual(&e, &["figures.csv", "G7 (实际值)"]);
        assert!(e.zh().contains("缺少数值") && e.to_string().contains("a number is missing"));
    }
}
