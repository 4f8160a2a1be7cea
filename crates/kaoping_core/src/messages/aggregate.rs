//! zh-CN texts of the aggregation's errors.

use crate::aggregate::AggregateError;
use crate::text::Bilingual;

impl Bilingual for AggregateError {
    fn zh(&self) -> String {
        match self {
            AggregateError::PlanInvalid { file, count, first } => format!(
                "{file}：不是有效的方案（{count} 处问题；第一处：{first}）；请运行 `kaoping validate {file}`"
            ),
            AggregateError::NotUtf8 { file, offset } => {
                format!("{file}：不是 UTF-8 文本（偏移 {offset} 处的字节无效）")
            }
            AggregateError::BadInput { file, what, why } => {
                format!("{file}：不是{}：{why}", what_zh(what))
            }
            AggregateError::OtherPlan {
                file,
                found,
                expected,
            } => format!("{file} 不是本引擎的方案（指纹 {found}，本引擎的为 {expected}）"),
            AggregateError::YearEnd(e) => e.zh(),
            AggregateError::Score(e) => format!("评分失败：{}", e.zh()),
            AggregateError::Session(e) => e.zh(),
            AggregateError::CadreRosterUnreadable(e, _) => e.zh(),
            AggregateError::CadreRoster { file, problems } => format!(
                "{file}：干部名单有 {} 处问题：{}",
                problems.len(),
                crate::aggregate::describe_problems(problems, "zh-CN").replace("; ", "；")
            ),
        }
    }
}

/// The zh-CN name of what a `BadInput` file should have been (the English `what`, unknown
/// names kept as they are).
fn what_zh(what: &str) -> String {
    match what {
        "XLSX workbook" => "XLSX 工作簿".to_owned(),
        "scoring inputs JSON" => "评分输入数据（JSON）".to_owned(),
        "indicator figures (a JSON array)" => "指标数据（JSON 数组）".to_owned(),
        "history (a JSON array)" => "往年记录（JSON 数组）".to_owned(),
        "a kaoping manifest" => "kaoping 审计清单".to_owned(),
        "the only cadre roster" => "唯一的干部名单（已给出过一份）".to_owned(),
        other => format!(" {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestError;
    use crate::messages::check::bilingual;
    use crate::score::ScoreError;

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[test]
    fn a_manifest_that_cannot_be_read_is_named_in_chinese() {
        let e = AggregateError::BadInput {
            file: s("m.json"),
            what: "a kaoping manifest",
            why: s("EOF while parsing"),
        };
        bilingual(&e, &["m.json", "EOF while parsing"]);
        assert!(e.zh().contains("审计清单"), "{}", e.zh());
    }

    #[test]
    fn aggregate_error() {
        bilingual(
            &AggregateError::PlanInvalid {
                file: s("plan.json"),
                count: 4,
                first: s("/units/0: missing key"),
            },
            &["plan.json", "4", "/units/0: missing key"],
        );
        bilingual(
            &AggregateError::NotUtf8 {
                file: s("a.csv"),
                offset: 1023,
            },
            &["a.csv", "1023"],
        );
        bilingual(
            &AggregateError::BadInput {
                file: s("in.json"),
                what: "XLSX workbook",
                why: s("EOF at line 1"),
            },
            &["in.json", "EOF at line 1"],
        );
        let other = AggregateError::BadInput {
            file: s("x.bin"),
            what: "a new kind",
            why: s("why"),
        };
        bilingual(&other, &["x.bin", "a new kind", "why"]);
        bilingual(
            &AggregateError::OtherPlan {
                file: s("p.json"),
                found: s("ab12"),
                expected: s("cd34"),
            },
            &["p.json", "ab12", "cd34"],
        );
        let inner = ScoreError::DuplicateReviewer(s("E07"));
        let e = AggregateError::Score(inner.clone());
        bilingual(&e, &["E07"]);
        assert!(e.zh().ends_with(&inner.zh()));
        let inner = IngestError::UnknownInstrument(s("poll"));
        let e = AggregateError::Session(inner.clone());
        bilingual(&e, &["poll"]);
        assert_eq!(e.zh(), inner.zh());
    }
}
