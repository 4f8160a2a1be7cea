//! zh-CN texts of ingest's errors.

use crate::ingest::IngestError;
use crate::text::Bilingual;

impl Bilingual for IngestError {
    fn zh(&self) -> String {
        match self {
            IngestError::FileOpen => "已有一个文件正在读取：请先调用 end()".to_owned(),
            IngestError::NoFile => "没有正在读取的文件：请先调用 begin()".to_owned(),
            IngestError::UnknownInstrument(id) => {
                format!("方案中没有公众问卷或干部测评表“{id}”")
            }
            IngestError::Score(e) => e.zh(),
            IngestError::Prepared => {
                "预处理的行不是本版本生成的，或不在 shard_point() 之后".to_owned()
            }
            IngestError::NotScoring => "本次导入只保留记录，不计分".to_owned(),
            IngestError::BatchAfterFiles => "一次性码批次须在第一个文件之前给出".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;
    use crate::score::ScoreError;

    #[test]
    fn ingest_error() {
        bilingual(&IngestError::FileOpen, &["end()"]);
        bilingual(&IngestError::NoFile, &["begin()"]);
        bilingual(&IngestError::BatchAfterFiles, &[]);
        bilingual(&IngestError::UnknownInstrument("poll".into()), &["poll"]);
        let inner = ScoreError::DuplicateReviewer("E07".into());
        let e = IngestError::Score(inner.clone());
        bilingual(&e, &["E07"]);
        assert_eq!(e.zh(), inner.zh());
        bilingual(&IngestError::Prepared, &["shard_point()"]);
        bilingual(&IngestError::NotScoring, &[]);
    }
}
