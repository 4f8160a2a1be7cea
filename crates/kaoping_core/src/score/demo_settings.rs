//! The demo data set's settings as the office page's form gives them (the number of public
//! responses and the seed, as typed): each checked here, so that the page shows the engine's
//! reason next to the field it names rather than deciding itself what a good number is.

use crate::text::{Bilingual, Text};
use serde::Serialize;

/// The most public responses a demo data set is made with. The set is generated and scored
/// inside WASM (4 GiB of memory at most, shared with the page's result): natively a public
/// response takes about 3.6 KB while the set is held (100,000 of them: 376 MB peak for
/// `kaoping demo inputs`), so half a million stays well inside it where four billion, the
/// most a 32-bit count could ask for, would abort the worker.
pub const MAX_DEMO_PUBLIC: u32 = 500_000;

/// A field of the demo form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemoField {
    /// The number of public responses.
    N,
    /// The seed of the generator.
    Seed,
}

/// Why a demo setting is refused: what was typed and the range it must be in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoSettingError {
    #[error(
        "The number of public responses must be a whole number from 0 to {max} (now “{text}”)."
    )]
    N { text: String, max: u32 },
    #[error("The seed must be a whole number from 0 to {max} (now “{text}”).")]
    Seed { text: String, max: u32 },
}

impl DemoSettingError {
    pub fn field(&self) -> DemoField {
        match self {
            DemoSettingError::N { .. } => DemoField::N,
            DemoSettingError::Seed { .. } => DemoField::Seed,
        }
    }
}

/// The settings a demo data set is made with ([`super::demo_inputs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DemoSettings {
    /// Public responses, at most [`MAX_DEMO_PUBLIC`].
    pub n: u32,
    /// The generator's seed (32 bits: what the office page's engine takes).
    pub seed: u32,
}

/// A field refused, with the reason in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DemoProblem {
    pub field: DemoField,
    pub message: Text,
}

/// The demo form read: its settings, or the first field refused (the number before the seed).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DemoSettingsCheck {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<DemoSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<DemoProblem>,
}

/// A whole number as typed (spaces around it allowed, digits only) up to `max`.
fn whole(text: &str, max: u32) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // All digits: the only failure left is a number too large for u32.
    t.parse::<u32>().ok().filter(|v| *v <= max)
}

/// The demo's settings from the form's text: `n` public responses (0 to [`MAX_DEMO_PUBLIC`])
/// and `seed` (0 to `u32::MAX`), each a whole number in digits.
pub fn demo_settings(n: &str, seed: &str) -> Result<DemoSettings, DemoSettingError> {
    let n = whole(n, MAX_DEMO_PUBLIC).ok_or_else(|| DemoSettingError::N {
        text: n.to_owned(),
        max: MAX_DEMO_PUBLIC,
    })?;
    let seed = whole(seed, u32::MAX).ok_or_else(|| DemoSettingError::Seed {
        text: seed.to_owned(),
        max: u32::MAX,
    })?;
    Ok(DemoSettings { n, seed })
}

/// [`demo_settings`] as the page takes it: the settings, or the field to mark and why.
pub fn check_demo_settings(n: &str, seed: &str) -> DemoSettingsCheck {
    match demo_settings(n, seed) {
        Ok(s) => DemoSettingsCheck {
            settings: Some(s),
            problem: None,
        },
        Err(e) => DemoSettingsCheck {
            settings: None,
            problem: Some(DemoProblem {
                field: e.field(),
                message: e.text(),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_range_are_taken() {
        assert_eq!(
            demo_settings(" 2000 ", "42"),
            Ok(DemoSettings { n: 2000, seed: 42 })
        );
        assert_eq!(
            demo_settings("0", "4294967295"),
            Ok(DemoSettings {
                n: 0,
                seed: u32::MAX
            })
        );
        assert_eq!(
            demo_settings("500000", "007").map(|s| (s.n, s.seed)),
            Ok((MAX_DEMO_PUBLIC, 7))
        );
    }

    #[test]
    fn anything_else_names_its_field() {
        for n in [
            "",
            "-1",
            "+5",
            "4.2",
            "1e3",
            "２０",
            "500001",
            "99999999999999999999",
        ] {
            let e = demo_settings(n, "42").unwrap_err();
            assert_eq!(e.field(), DemoField::N, "{n}");
            assert!(e.to_string().contains(&format!("“{n}”")), "{e}");
        }
        for seed in ["4.2", "4294967296", "x", " "] {
            let e = demo_settings("10", seed).unwrap_err();
            assert_eq!(e.field(), DemoField::Seed, "{seed}");
        }
        // The number is checked first.
        assert_eq!(demo_settings("x", "y").unwrap_err().field(), DemoField::N);
    }

    #[test]
    fn the_check_gives_the_field_and_both_languages() {
        let c = check_demo_settings("300", "4.2");
        assert_eq!(c.settings, None);
        let p = c.problem.unwrap();
        assert_eq!(p.field, DemoField::Seed);
        assert!(p.message.get("zh-CN").contains("随机种子"));
        assert!(p.message.get("en").contains("4294967295"));
        let ok = check_demo_settings("300", "42");
        assert_eq!(ok.settings, Some(DemoSettings { n: 300, seed: 42 }));
        assert!(ok.problem.is_none());
    }
}
