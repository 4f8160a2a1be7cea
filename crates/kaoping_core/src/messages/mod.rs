//! The zh-CN text of every error the core returns, beside its English `#[error]` text.
//!
//! Each error type defined in the core implements [`Bilingual`](crate::text::Bilingual) here,
//! in the file of its area, so that the wasm facade can hand the pages both languages
//! (`Bilingual::text`). English stays the error's `Display`. A new error variant gets its zh
//! text here, in the same commit, with the same values as the English; the tests of each
//! file build one value per variant and check that.
//!
//! This is the top layer: it names errors of every other module and nothing uses it.

#[cfg(feature = "office")]
mod aggregate;
#[cfg(feature = "office")]
mod amend;
mod export;
#[cfg(feature = "office")]
mod import;
mod ingest;
#[cfg(feature = "office")]
mod invite;
mod plan;
#[cfg(feature = "office")]
mod qr;
mod record;
#[cfg(feature = "office")]
mod roster;
mod score;
mod stats;
mod table;
mod track;
mod trust;
mod weights;
#[cfg(feature = "office")]
mod xlsx;
#[cfg(feature = "office")]
mod yearend;

#[cfg(test)]
pub(crate) mod check {
    use crate::text::Bilingual;

    /// True for a character of the CJK Unified Ideographs blocks.
    fn is_cjk(c: char) -> bool {
        matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
    }

    /// `e`'s zh text is Chinese and names every value of `values`, as its English does;
    /// `text()` holds both.
    pub(crate) fn bilingual(e: &dyn Bilingual, values: &[&str]) {
        let en = e.to_string();
        let zh = e.zh();
        assert!(zh.chars().any(is_cjk), "no Chinese in {zh:?} (en: {en:?})");
        for v in values {
            assert!(en.contains(v), "{en:?} lacks {v:?}");
            assert!(zh.contains(v), "{zh:?} lacks {v:?} (en: {en:?})");
        }
        let text = e.text();
        assert_eq!(text.get("en"), en);
        assert_eq!(text.get("zh-CN"), zh);
    }
}
