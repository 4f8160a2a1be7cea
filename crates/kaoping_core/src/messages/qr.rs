//! zh-CN texts of the QR code's errors.

use crate::qr::QrError;
use crate::text::Bilingual;

impl Bilingual for QrError {
    fn zh(&self) -> String {
        match self {
            QrError::TooLong { bytes, max } => {
                format!("链接有 {bytes} 字节；可打印的二维码最多容纳 {max} 字节")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_both_languages() {
        let e = QrError::TooLong {
            bytes: 2049,
            max: 2048,
        };
        assert_eq!(
            e.text().get("zh-CN"),
            "链接有 2049 字节；可打印的二维码最多容纳 2048 字节"
        );
        assert_eq!(
            e.text().get("en"),
            "the link is 2049 bytes; a printable QR code holds at most 2048"
        );
    }
}
