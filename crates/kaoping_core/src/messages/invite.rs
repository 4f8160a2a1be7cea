//! zh-CN texts of the invitation batch's errors.

use crate::invite::BatchError;
use crate::text::Bilingual;

impl Bilingual for BatchError {
    fn zh(&self) -> String {
        match self {
            BatchError::Count {
                payloads,
                signatures,
            } => format!("{payloads} 份邀请内容，却有 {signatures} 个签名"),
            BatchError::Trust { index, error } => format!("第 {index} 份邀请：{}", error.zh()),
            BatchError::Qr { index, error } => format!("第 {index} 份邀请：{}", error.zh()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::QrError;
    use crate::trust::TrustError;

    #[test]
    fn every_variant_has_both_languages() {
        let count = BatchError::Count {
            payloads: 3,
            signatures: 2,
        };
        assert_eq!(count.text().get("zh-CN"), "3 份邀请内容，却有 2 个签名");
        assert_eq!(count.text().get("en"), "3 payloads but 2 signatures");
        let trust = BatchError::Trust {
            index: 1,
            error: TrustError::UnknownUnit("x".into()),
        };
        assert!(trust.text().get("zh-CN").starts_with("第 1 份邀请："));
        assert_eq!(
            trust.text().get("en"),
            "invitation 1: the plan has no unit \"x\""
        );
        let qr = BatchError::Qr {
            index: 0,
            error: QrError::TooLong { bytes: 9, max: 8 },
        };
        assert!(qr.text().get("zh-CN").contains("二维码"));
        assert!(qr
            .text()
            .get("en")
            .starts_with("invitation 0: the link is 9 bytes"));
    }
}
