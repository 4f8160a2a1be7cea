//! zh-CN texts of the ratings table's errors.

use crate::table::csv::MAX_ROW_BYTES;
use crate::table::ratings::MatrixError;
use crate::table::recode::NotAnOption;
use crate::table::recodes::RecodeFileError;
use crate::text::Bilingual;

impl Bilingual for NotAnOption {
    fn zh(&self) -> String {
        format!(
            "{}：“{}”不是此题的选项（可为：{}）",
            self.column,
            self.value,
            self.options.join("；")
        )
    }
}

impl Bilingual for RecodeFileError {
    fn zh(&self) -> String {
        match self {
            RecodeFileError::Header => {
                "重新编码表的表头须有 column（列）、value（值）和 to（改为）三列".to_owned()
            }
            RecodeFileError::Csv { row } => {
                format!("第 {row} 行：CSV 文本格式有误（引号未闭合，或引号后还有文字）")
            }
            RecodeFileError::Twice { row, column, value } => {
                format!("第 {row} 行：{column} 的“{value}”被重复编码")
            }
        }
    }
}

impl Bilingual for MatrixError {
    fn zh(&self) -> String {
        match self {
            MatrixError::Empty => "CSV 文本为空".to_owned(),
            MatrixError::NoUnits => {
                "表头没有单位列（需要一个角单元格和至少一个单位名称）".to_owned()
            }
            MatrixError::NoRows => "表头之后没有评分行".to_owned(),
            MatrixError::UnterminatedQuote { row } => format!("第 {row} 行：引号字段没有闭合"),
            MatrixError::TextAfterQuote { row, column } => {
                format!("第 {row} 行：第 {column} 列的闭合引号后有多余字符")
            }
            MatrixError::RowTooLong { row } => {
                format!("第 {row} 行：超过 {MAX_ROW_BYTES} 字节（是否有引号没有闭合？）")
            }
            MatrixError::RaggedRow {
                row,
                expected,
                found,
            } => format!("第 {row} 行：有 {found} 个单元格，但表头有 {expected} 个"),
            MatrixError::NotANumber {
                row,
                column,
                unit,
                text,
            } => format!("第 {row} 行第 {column} 列（{unit}）：“{text}”不是有限数值"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    #[test]
    fn not_an_option() {
        let e = NotAnOption {
            column: "1、您常住在哪个区？".into(),
            value: "汉口".into(),
            options: vec!["jiangan = 江岸区 = Jiang'an District".into()],
        };
        bilingual(&e, &["1、您常住在哪个区？", "汉口", "jiangan = 江岸区"]);
    }

    #[test]
    fn matrix_error() {
        bilingual(&MatrixError::Empty, &["CSV"]);
        bilingual(&MatrixError::NoUnits, &[]);
        bilingual(&MatrixError::NoRows, &[]);
        bilingual(&MatrixError::UnterminatedQuote { row: 41 }, &["41"]);
        bilingual(
            &MatrixError::TextAfterQuote { row: 42, column: 7 },
            &["42", "7"],
        );
        let max = MAX_ROW_BYTES.to_string();
        bilingual(&MatrixError::RowTooLong { row: 43 }, &["43", &max]);
        bilingual(
            &MatrixError::RaggedRow {
                row: 44,
                expected: 9,
                found: 8,
            },
            &["44", "9", "8"],
        );
        bilingual(
            &MatrixError::NotANumber {
                row: 45,
                column: 3,
                unit: "qiaokou".into(),
                text: "n/a".into(),
            },
            &["45", "3", "qiaokou", "n/a"],
        );
    }
}
