//! The plan's `trust` section: the office's public keys and which instruments need an
//! invitation or a one-time code. Plain data, no cryptography, so that the plan's schema
//! ([`crate::schema::plan_schema`]) is the same in every build.

use super::TrustError;
use crate::plan::Plan;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub use crate::plan::access::{coded_instruments, normalize_code};

/// Who may rate (see `docs/trust.md`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustRules {
    /// The office's public keys: invitations and code batches signed by one of them (not
    /// revoked) are accepted.
    #[serde(default)]
    pub keys: Vec<OfficeKey>,
    /// How each instrument's raters are admitted, by instrument id; an instrument not listed
    /// is `open`.
    #[serde(default)]
    pub instruments: BTreeMap<String, Access>,
}

/// One of the office's public keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeKey {
    /// The key id: the first 16 hex characters of SHA-256 of the key's 32 bytes.
    pub id: String,
    /// `ed25519:` + base64url (no padding) of the key's 32 bytes.
    pub public: String,
    /// A revoked key verifies nothing (a lost laptop: revoke it and invite again).
    #[serde(default)]
    pub revoked: bool,
}

/// How an instrument's raters are admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Anyone with the link (kaoping's behaviour before `trust`).
    Open,
    /// Only a rater with an office-signed invitation; each sheet signed by the rater's device.
    Invitation,
    /// Only with an unused one-time code from an office-signed batch.
    Code,
}

impl TrustRules {
    /// The plan's trust rules (none when the plan has no `trust` section). An error names
    /// the JSON path of what is wrong.
    pub fn of(plan: &Plan) -> Result<TrustRules, TrustError> {
        Self::of_value(&plan.trust)
    }

    /// [`TrustRules::of`] from the section's JSON.
    pub fn of_value(value: &Value) -> Result<TrustRules, TrustError> {
        let rules_error = |path: String, why: String| TrustError::Rules { path, why };
        let obj = match value {
            Value::Null => return Ok(TrustRules::default()),
            Value::Object(obj) => obj,
            _ => return Err(rules_error("/trust".into(), "not an object".into())),
        };
        if let Some(k) = obj.keys().find(|k| *k != "keys" && *k != "instruments") {
            return Err(rules_error(format!("/trust/{k}"), "unknown key".into()));
        }
        let mut rules = TrustRules::default();
        match obj.get("keys") {
            None | Some(Value::Null) => {}
            Some(Value::Array(keys)) => {
                for (i, k) in keys.iter().enumerate() {
                    let key = OfficeKey::deserialize(k)
                        .map_err(|e| rules_error(format!("/trust/keys/{i}"), e.to_string()))?;
                    rules.keys.push(key);
                }
            }
            Some(_) => return Err(rules_error("/trust/keys".into(), "not an array".into())),
        }
        match obj.get("instruments") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (id, a) in m {
                    let access = Access::deserialize(a).map_err(|_| {
                        rules_error(
                            format!("/trust/instruments/{id}"),
                            "not \"open\", \"invitation\" or \"code\"".into(),
                        )
                    })?;
                    rules.instruments.insert(id.clone(), access);
                }
            }
            Some(_) => {
                return Err(rules_error(
                    "/trust/instruments".into(),
                    "not an object".into(),
                ))
            }
        }
        Ok(rules)
    }

    /// How instrument `id`'s raters are admitted.
    pub fn access(&self, instrument: &str) -> Access {
        self.instruments
            .get(instrument)
            .copied()
            .unwrap_or(Access::Open)
    }

    /// The office key with this id.
    pub fn key(&self, id: &str) -> Option<&OfficeKey> {
        self.keys.iter().find(|k| k.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_section_is_every_instrument_open() {
        let rules = TrustRules::of_value(&Value::Null).unwrap();
        assert_eq!(rules, TrustRules::default());
        assert_eq!(rules.access("expert"), Access::Open);
    }

    #[test]
    fn the_section_reads_keys_and_instruments() {
        let v = json!({"keys": [{"id": "0123456789abcdef", "public": "ed25519:x"}],
                       "instruments": {"expert": "invitation", "cadre": "code"}});
        let rules = TrustRules::of_value(&v).unwrap();
        assert_eq!(rules.keys.len(), 1);
        assert!(!rules.keys[0].revoked);
        assert_eq!(rules.access("expert"), Access::Invitation);
        assert_eq!(rules.access("cadre"), Access::Code);
        assert_eq!(rules.access("public"), Access::Open);
        assert!(rules.key("0123456789abcdef").is_some());
    }

    #[test]
    fn errors_name_the_json_path() {
        let path = |v: Value| match TrustRules::of_value(&v) {
            Err(TrustError::Rules { path, .. }) => path,
            other => panic!("{other:?}"),
        };
        assert_eq!(path(json!([])), "/trust");
        assert_eq!(path(json!({"key": []})), "/trust/key");
        assert_eq!(path(json!({"keys": {}})), "/trust/keys");
        assert_eq!(path(json!({"keys": [{"id": "a"}]})), "/trust/keys/0");
        assert_eq!(
            path(json!({"keys": [], "instruments": {"expert": "invited"}})),
            "/trust/instruments/expert"
        );
        assert_eq!(path(json!({"instruments": []})), "/trust/instruments");
    }
}
