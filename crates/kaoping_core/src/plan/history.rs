//! A plan's version history (修订记录): each amendment names the plan it replaced (version
//! and SHA-256), when and why, and which instruments' records made under the replaced plan
//! stay valid (as `plan diff` computed them, see `diff.rs`). Ingest accepts a record of an
//! earlier version when its instrument stayed compatible through every later amendment.

use super::Plan;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One amendment of the plan: the plan of `replaces_sha256` became the plan of `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Amendment {
    /// The plan's `version` after this amendment.
    pub version: String,
    /// The day it was made, `YYYY-MM-DD`.
    pub date: String,
    /// Why (in every language of the plan).
    pub reason: Text,
    /// The `version` of the plan it replaced.
    pub replaces_version: String,
    /// The SHA-256 of the plan it replaced (as written, with its own earlier amendments): the
    /// `plan_sha256` of the records made under it.
    pub replaces_sha256: String,
    /// The instruments (and site-check sheets) whose records made under the replaced plan
    /// stay valid: unchanged, or changed only compatibly (texts, added optional questions,
    /// added options).
    #[serde(default)]
    pub compatible: Vec<String>,
    /// The instruments whose records do not stay valid, each with the first reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub incompatible: BTreeMap<String, Text>,
    /// What changed, one short line each.
    #[serde(default)]
    pub changes: Vec<Text>,
}

/// Which version of the plan a record's `plan_sha256` names, and whether its instrument's
/// records stay valid under this plan.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordVersion<'p> {
    /// The plan itself.
    Current,
    /// An earlier version whose records of this instrument stay valid.
    Earlier { version: &'p str },
    /// An earlier version whose records of this instrument do not stay valid: the version,
    /// the amendment that broke them (its version) and why.
    Incompatible {
        version: &'p str,
        by: &'p str,
        why: Option<&'p Text>,
    },
    /// No version of this plan.
    Unknown,
}

impl Plan {
    /// The version of this plan a record of `instrument` made under the plan `sha256` was
    /// made under, and whether it stays valid (compatible through every later amendment).
    pub fn record_version(&self, sha256: &str, instrument: &str) -> RecordVersion<'_> {
        if sha256 == self.sha256 {
            return RecordVersion::Current;
        }
        let Some(k) = self
            .amendments
            .iter()
            .position(|a| a.replaces_sha256 == sha256)
        else {
            return RecordVersion::Unknown;
        };
        let version = self.amendments[k].replaces_version.as_str();
        for a in &self.amendments[k..] {
            if !a.compatible.iter().any(|i| i == instrument) {
                return RecordVersion::Incompatible {
                    version,
                    by: &a.version,
                    why: a.incompatible.get(instrument),
                };
            }
        }
        RecordVersion::Earlier { version }
    }

    /// The version a fingerprint names: this plan's, or one an amendment replaced.
    pub fn version_of(&self, sha256: &str) -> Option<&str> {
        if sha256 == self.sha256 {
            return Some(&self.version);
        }
        self.amendments
            .iter()
            .find(|a| a.replaces_sha256 == sha256)
            .map(|a| a.replaces_version.as_str())
    }
}

/// A record refused because its version's records of its instrument do not stay valid:
/// (`incompatible_version`, zh, en).
pub fn incompatible_message(
    instrument: &str,
    version: &str,
    by: &str,
    why: Option<&Text>,
) -> (String, String) {
    let (wz, we) = match why {
        Some(t) => (
            format!("：{}", t.get("zh-CN")),
            format!(": {}", t.get("en")),
        ),
        None => (String::new(), String::new()),
    };
    (
        format!(
            "答卷按方案第 {version} 版填写；第 {by} 版修订后，问卷“{instrument}”的旧版答卷不再有效{wz}"
        ),
        format!(
            "The record answered version {version} of the plan; since the amendment to version {by}, records of instrument \"{instrument}\" of that version are no longer valid{we}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amended() -> Plan {
        let mut plan = super::super::demo_plan();
        let a = |v: &str, old: &str, sha: &str, ok: &[&str]| Amendment {
            version: v.into(),
            date: "2026-07-01".into(),
            reason: Text::new("修订", "fix"),
            replaces_version: old.into(),
            replaces_sha256: sha.into(),
            compatible: ok.iter().map(|s| s.to_string()).collect(),
            incompatible: [("expert".to_string(), Text::new("删了题", "removed"))].into(),
            changes: vec![],
        };
        plan.amendments = vec![
            a("2", "1", &"a".repeat(64), &["public", "expert"]),
            a("3", "2", &"b".repeat(64), &["public"]),
        ];
        plan
    }

    #[test]
    fn a_record_of_an_earlier_version_stays_valid_only_if_compatible_all_along() {
        let plan = amended();
        let sha = plan.sha256.clone();
        assert_eq!(plan.record_version(&sha, "expert"), RecordVersion::Current);
        let a = "a".repeat(64);
        assert_eq!(
            plan.record_version(&a, "public"),
            RecordVersion::Earlier { version: "1" }
        );
        match plan.record_version(&a, "expert") {
            RecordVersion::Incompatible { version, by, why } => {
                assert_eq!((version, by), ("1", "3"));
                assert_eq!(why.map(|t| t.get("en")), Some("removed"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            plan.record_version(&"b".repeat(64), "public"),
            RecordVersion::Earlier { version: "2" }
        );
        assert_eq!(
            plan.record_version(&"c".repeat(64), "public"),
            RecordVersion::Unknown
        );
        assert_eq!(plan.version_of(&a), Some("1"));
        assert_eq!(plan.version_of("x"), None);
    }
}
