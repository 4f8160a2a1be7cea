//! zh-CN texts of the questionnaire import's errors.

use crate::import::ImportError;
use crate::text::Bilingual;

impl Bilingual for ImportError {
    fn zh(&self) -> String {
        match self {
            ImportError::Workbook(e) => format!("不是 XLSForm 工作簿：{}", e.zh()),
            ImportError::NoSheet(s) => format!("工作簿中没有“{s}”表"),
            ImportError::NoColumn { sheet, column } => format!("“{sheet}”表中没有“{column}”列"),
            ImportError::Json(e) => format!("不是 SurveyJS 的 JSON：{e}"),
            ImportError::NotUtf8(e) => format!("既不是 XLSForm 工作簿，也不是 UTF-8 文本：{e}"),
            ImportError::NoQuestions { skipped } => {
                format!("表单中没有 kaoping 可用的题目（跳过 {skipped} 项）")
            }
            ImportError::NotAPlan(e) => format!("不是评价方案：{e}"),
            ImportError::DuplicateInstrument(id) => {
                format!("方案中已有问卷“{id}”；请另选编号")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::import::ImportError;
    use crate::messages::check::bilingual;

    #[test]
    fn every_import_error_has_its_chinese_text() {
        bilingual(&ImportError::NoSheet("survey".into()), &["survey"]);
        bilingual(
            &ImportError::NoColumn {
                sheet: "survey".into(),
                column: "type".into(),
            },
            &["survey", "type"],
        );
        bilingual(&ImportError::Json("line 1".into()), &["line 1"]);
        bilingual(&ImportError::NotUtf8("byte 0".into()), &["byte 0"]);
        bilingual(&ImportError::NoQuestions { skipped: 3 }, &["3"]);
        bilingual(&ImportError::NotAPlan("line 2".into()), &["line 2"]);
        bilingual(
            &ImportError::DuplicateInstrument("public".into()),
            &["public"],
        );
        bilingual(
            &ImportError::Workbook(crate::xlsx::XlsxError::NoSheets),
            &[],
        );
    }
}
