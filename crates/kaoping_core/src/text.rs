//! Text shown to people, in every language of the plan (`zh-CN` first, `en` beside it).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default language of kaoping and of every plan unless it says otherwise.
pub const DEFAULT_LANG: &str = "zh-CN";

/// The languages the interface itself is written in.
pub const UI_LANGS: [&str; 2] = ["zh-CN", "en"];

/// A piece of text in several languages: `{"zh-CN": "满意", "en": "Satisfied"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    /// Text in both interface languages.
    pub fn new(zh: &str, en: &str) -> Self {
        let mut map = BTreeMap::new();
        map.insert("zh-CN".to_owned(), zh.to_owned());
        map.insert("en".to_owned(), en.to_owned());
        Text(map)
    }

    /// The text in `lang`, else in zh-CN, else in any language it has, else "".
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get(DEFAULT_LANG))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The languages this text lacks among `langs`.
    pub fn missing<'a>(&self, langs: &'a [String]) -> Vec<&'a str> {
        langs
            .iter()
            .filter(|l| self.0.get(l.as_str()).is_none_or(|t| t.trim().is_empty()))
            .map(String::as_str)
            .collect()
    }
}

/// An error a person reads, in both interface languages: English is its `Display` (the
/// `#[error]` text, as the CLI prints it), zh-CN its [`Bilingual::zh`]. The Chinese texts of
/// the core's errors live in `crate::messages`, one file per area.
pub trait Bilingual: std::fmt::Display {
    /// The message in zh-CN, with the same values as the English.
    fn zh(&self) -> String;

    /// The message in both languages: `{"zh-CN": zh(), "en": to_string()}`.
    fn text(&self) -> Text {
        let mut map = BTreeMap::new();
        map.insert("zh-CN".to_owned(), self.zh());
        map.insert("en".to_owned(), self.to_string());
        Text(map)
    }
}

/// Normalise a language tag from a browser or a URL to one of the interface languages.
pub fn ui_lang(tag: &str) -> &'static str {
    if tag.to_ascii_lowercase().starts_with("en") {
        "en"
    } else {
        DEFAULT_LANG
    }
}
