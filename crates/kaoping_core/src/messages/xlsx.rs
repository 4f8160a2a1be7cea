//! zh-CN texts of the XLSX reader's errors.

use crate::text::Bilingual;
use crate::xlsx::XlsxError;

impl Bilingual for XlsxError {
    fn zh(&self) -> String {
        match self {
            XlsxError::NotZip(why) => format!("不是 XLSX 文件（不是 ZIP 压缩包：{why}）"),
            XlsxError::Zip64 => "不支持 ZIP64 压缩包；请将工作簿重新另存为 .xlsx".to_owned(),
            XlsxError::Corrupt { entry, why } => format!("ZIP 条目 {entry} 已损坏：{why}"),
            XlsxError::NoWorkbook => {
                "不是 XLSX 工作簿：压缩包中没有 xl/workbook.xml（是否为 .xls、.ods 或 .docx 文件？）"
                    .to_owned()
            }
            XlsxError::SheetMissing { name, available } => {
                format!(
                    "工作簿中没有工作表“{name}”；现有工作表：{}",
                    available.join(", ")
                )
            }
            XlsxError::NoSheets => "工作簿中没有工作表".to_owned(),
            XlsxError::Xml { entry, why } => format!("{entry}：XML 格式错误：{why}"),
            XlsxError::NotUtf8 { entry } => format!("{entry}：不是 UTF-8 文本"),
            XlsxError::TooLarge { entry, why } => {
                format!("ZIP 条目 {entry} 过大，无法读取：{why}（见 docs/limits.md）")
            }
            XlsxError::Limit { sheet, cell, why } => {
                format!("工作表“{sheet}”，{cell}：{why}（见 docs/limits.md）")
            }
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

    #[test]
    fn xlsx_error() {
        bilingual(&XlsxError::NotZip(s("no end record")), &["no end record"]);
        bilingual(&XlsxError::Zip64, &["ZIP64", ".xlsx"]);
        bilingual(
            &XlsxError::Corrupt {
                entry: s("xl/styles.xml"),
                why: s("bad CRC"),
            },
            &["xl/styles.xml", "bad CRC"],
        );
        bilingual(&XlsxError::NoWorkbook, &["xl/workbook.xml", ".xls"]);
        bilingual(
            &XlsxError::SheetMissing {
                name: s("答卷"),
                available: vec![s("Sheet1"), s("Sheet2")],
            },
            &["答卷", "Sheet1, Sheet2"],
        );
        bilingual(&XlsxError::NoSheets, &[]);
        bilingual(
            &XlsxError::Xml {
                entry: s("xl/sharedStrings.xml"),
                why: s("unclosed tag"),
            },
            &["xl/sharedStrings.xml", "unclosed tag"],
        );
        bilingual(
            &XlsxError::NotUtf8 {
                entry: s("xl/a.xml"),
            },
            &["xl/a.xml"],
        );
        bilingual(
            &XlsxError::TooLarge {
                entry: s("xl/worksheets/sheet1.xml"),
                why: s("over 256 MiB"),
            },
            &["xl/worksheets/sheet1.xml", "over 256 MiB", "docs/limits.md"],
        );
        bilingual(
            &XlsxError::Limit {
                sheet: s("Sheet1"),
                cell: s("XFE1"),
                why: s("column beyond XFD"),
            },
            &["Sheet1", "XFE1", "column beyond XFD", "docs/limits.md"],
        );
    }
}
