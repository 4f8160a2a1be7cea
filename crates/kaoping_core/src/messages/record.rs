//! zh-CN texts of the response record's errors.

use crate::record::RecordError;
use crate::text::Bilingual;

impl Bilingual for RecordError {
    fn zh(&self) -> String {
        match self {
            RecordError::UnknownInstrument(id) => format!("方案中没有问卷“{id}”"),
            RecordError::NotAReview(id) => format!("问卷“{id}”不是评审表"),
            RecordError::BadCode(c) => format!("“{c}”不是评价码（12 个字符）"),
            RecordError::Incomplete(issues) => {
                let first = issues
                    .first()
                    .map(|i| format!("{} — {}", i.question, i.message))
                    .unwrap_or_default();
                format!("答卷尚未填完：共 {} 处问题，第一处：{first}", issues.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::AnswerIssue;
    use crate::messages::check::bilingual;

    #[test]
    fn record_error() {
        bilingual(
            &RecordError::UnknownInstrument("public".into()),
            &["public"],
        );
        bilingual(&RecordError::NotAReview("cadre".into()), &["cadre"]);
        bilingual(&RecordError::BadCode("7K3M".into()), &["7K3M"]);
        let issue = AnswerIssue {
            question: "q7".into(),
            row: None,
            reason: false,
            code: "required".into(),
            message: "请回答此题".into(),
        };
        let e = RecordError::Incomplete(vec![issue.clone(), issue]);
        bilingual(&e, &["q7", "请回答此题", "2"]);
    }
}
