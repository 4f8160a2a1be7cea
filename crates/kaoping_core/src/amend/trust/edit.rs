//! A new version of a plan with its `trust` section changed: the office's public key put in
//! (from its backup file or its public key text), keys revoked, instruments' access changed;
//! as a draft ([`edit_trust`], for the office page's amendment panel) or amended at once
//! ([`amend_trust`], [`with_office_key`], [`with_access`]: `kaoping plan add-key`); and what
//! the office page offers to change ([`trust_choices`]).

use super::access_name;
use crate::amend::{amend_plan, valid, AmendError, Amended};
use crate::plan::Plan;
use crate::text::Text;
use crate::trust::keys::{key_id, parse_public};
use crate::trust::{Access, OfficeKey, TrustRules};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// What to change in a plan's `trust` section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustEdit {
    /// An office key to put into `trust.keys`: its backup file (`kaoping.key/1`, the public
    /// part is read; the secret is not needed) or its public key text `ed25519:…`.
    #[serde(default)]
    pub key: Option<String>,
    /// Ids of keys of `trust.keys` to revoke.
    #[serde(default)]
    pub revoke: Vec<String>,
    /// New access by instrument id (`open` takes the instrument out of `trust.instruments`).
    #[serde(default)]
    pub access: BTreeMap<String, Access>,
    /// The new version; by default the plan's version with its last number increased
    /// (`1` → `2`, `2026.3` → `2026.4`; `.1` appended when it ends in no number).
    #[serde(default)]
    pub version: Option<String>,
}

/// Why the trust section could not be changed so.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrustEditError {
    #[error("{0}")]
    Amend(#[from] AmendError),
    #[error(
        "the key is neither a key backup file (kaoping.key/1) nor a public key text (ed25519: and 43 base64url characters): {0}"
    )]
    BadKey(String),
    #[error("the key file's id {file} is not the id {id} of its public key")]
    KeyIdMismatch { file: String, id: String },
    #[error("the key {0} is revoked in the plan: make a new key")]
    KeyRevoked(String),
    #[error("the plan's trust section has no key {0}")]
    UnknownKey(String),
    #[error("the plan has no instrument {0}")]
    UnknownInstrument(String),
    #[error("the plan's trust section is invalid at {0}")]
    Rules(String),
    /// The plan so changed breaks a check of the plan (e.g. no key left that is not revoked
    /// while an instrument needs invitations or codes).
    #[error("the plan so changed is not valid: {path}: {}", .message.get("en"))]
    Invalid { path: String, message: Text },
}

/// The public key text and id of `text`: a key backup file or a public key text.
fn read_key(text: &str) -> Result<(String, String), TrustEditError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
    let short = || text.chars().take(80).collect::<String>();
    let (public, file_id) = if text.starts_with('{') {
        let v: Value =
            serde_json::from_str(text).map_err(|e| TrustEditError::BadKey(e.to_string()))?;
        if v.get("format").and_then(Value::as_str) != Some("kaoping.key/1") {
            return Err(TrustEditError::BadKey("format ≠ kaoping.key/1".into()));
        }
        let public = v.get("public").and_then(Value::as_str);
        let public = public.ok_or_else(|| TrustEditError::BadKey("/public".into()))?;
        (
            public.to_owned(),
            v.get("id").and_then(Value::as_str).map(str::to_owned),
        )
    } else {
        (text.to_owned(), None)
    };
    let bytes = parse_public(&public).map_err(|_| TrustEditError::BadKey(short()))?;
    let id = key_id(&bytes);
    match file_id {
        Some(file) if file != id => Err(TrustEditError::KeyIdMismatch { file, id }),
        _ => Ok((public.trim().to_owned(), id)),
    }
}

/// `version` with its last number increased, skipping the versions in `used`.
pub(super) fn next_version(version: &str, used: &[&str]) -> String {
    let digits = version.len() - version.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = version.split_at(version.len() - digits);
    let mut n: u64 = tail.parse().unwrap_or(0);
    loop {
        n = n.saturating_add(1);
        let next = if digits == 0 {
            format!("{version}.{n}")
        } else {
            format!("{head}{n:0digits$}")
        };
        if !used.contains(&next.as_str()) || n == u64::MAX {
            return next;
        }
    }
}

/// The plan `plan_text` with its trust section changed by `edit` and a new version, not yet
/// amended (without `amendments`: [`amend_plan`] writes the old plan's and this one): the text
/// `amend_plan` and [`crate::amend::diff_plan_texts`] take as the new one.
pub fn edit_trust(plan_text: &str, edit: &TrustEdit) -> Result<String, TrustEditError> {
    let plan = valid("old", plan_text)?;
    let rules = TrustRules::of(&plan).map_err(|e| TrustEditError::Rules(e.to_string()))?;
    let mut value: Value = serde_json::from_str(
        plan_text.strip_prefix('\u{feff}').unwrap_or(plan_text),
    )
    .map_err(|e| AmendError::NotAPlan {
        which: "old",
        message: e.to_string(),
    })?;
    let mut trust = match &plan.trust {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if let Some(text) = &edit.key {
        let (public, id) = read_key(text)?;
        match rules.key(&id) {
            Some(k) if k.revoked => return Err(TrustEditError::KeyRevoked(id)),
            Some(_) => {}
            None => keys(&mut trust).push(json!({"id": id, "public": public})),
        }
    }
    for id in &edit.revoke {
        let entry = keys(&mut trust)
            .iter_mut()
            .find(|k| k.get("id").and_then(Value::as_str) == Some(id.as_str()));
        match entry.and_then(Value::as_object_mut) {
            Some(k) => {
                k.insert("revoked".into(), Value::Bool(true));
            }
            None => return Err(TrustEditError::UnknownKey(id.clone())),
        }
    }
    for (ins, access) in &edit.access {
        if plan.instrument(ins).is_none() {
            return Err(TrustEditError::UnknownInstrument(ins.clone()));
        }
        let map = trust.entry("instruments").or_insert_with(|| json!({}));
        let Some(map) = map.as_object_mut() else {
            return Err(TrustEditError::Rules("/trust/instruments".into()));
        };
        match access {
            Access::Open => {
                map.remove(ins);
            }
            a => {
                map.insert(ins.clone(), Value::String(access_name(*a).into()));
            }
        }
    }
    // Every instrument open: no `instruments` the plan did not have.
    let had_map = plan.trust.get("instruments").is_some();
    if !had_map && trust.get("instruments") == Some(&json!({})) {
        trust.remove("instruments");
    }
    let trust = Value::Object(trust);
    if trust == plan.trust || (plan.trust.is_null() && trust == json!({})) {
        return Err(AmendError::Unchanged.into());
    }
    let used: Vec<&str> = std::iter::once(plan.version.as_str())
        .chain(
            plan.amendments
                .iter()
                .flat_map(|a| [a.version.as_str(), a.replaces_version.as_str()]),
        )
        .collect();
    let version = edit
        .version
        .clone()
        .unwrap_or_else(|| next_version(&plan.version, &used));
    if let Some(obj) = value.as_object_mut() {
        obj.insert("trust".into(), trust);
        obj.insert("version".into(), Value::String(version));
        // Its history is put back by the amendment (a plan's version is its last
        // amendment's).
        obj.remove("amendments");
    }
    let text = serde_json::to_string_pretty(&value).expect("a JSON value serialises") + "\n";
    // What the plan's checks refuse (an invitation for an instrument without a review
    // sheet, no key left that is not revoked, …) is said now, with its path.
    let report = crate::validate::validate_plan(&text);
    match report.problems.into_iter().next() {
        Some(p) if !report.ok => Err(TrustEditError::Invalid {
            path: p.path,
            message: p.message,
        }),
        _ => Ok(text),
    }
}

/// The keys of `trust`, made an empty list when it has none.
fn keys(trust: &mut Map<String, Value>) -> &mut Vec<Value> {
    let keys = trust.entry("keys").or_insert_with(|| json!([]));
    if !keys.is_array() {
        *keys = json!([]);
    }
    keys.as_array_mut().expect("made an array")
}

/// The plan `plan_text` with its trust section changed by `edit`, as an amendment made on
/// `date` for `reason` (in each language of the plan).
pub fn amend_trust(
    plan_text: &str,
    edit: &TrustEdit,
    date: &str,
    reason: Text,
) -> Result<Amended, TrustEditError> {
    let next = edit_trust(plan_text, edit)?;
    Ok(amend_plan(plan_text, &next, date, reason)?)
}

/// The plan with the office key `key_text` (backup file or public key text) in `trust.keys`,
/// as an amendment.
pub fn with_office_key(
    plan_text: &str,
    key_text: &str,
    date: &str,
    reason: Text,
) -> Result<Amended, TrustEditError> {
    let edit = TrustEdit {
        key: Some(key_text.to_owned()),
        ..TrustEdit::default()
    };
    amend_trust(plan_text, &edit, date, reason)
}

/// The plan with `instrument`'s access changed to `access`, as an amendment.
pub fn with_access(
    plan_text: &str,
    instrument: &str,
    access: Access,
    date: &str,
    reason: Text,
) -> Result<Amended, TrustEditError> {
    let edit = TrustEdit {
        access: BTreeMap::from([(instrument.to_owned(), access)]),
        ..TrustEdit::default()
    };
    amend_trust(plan_text, &edit, date, reason)
}

/// The plan's trust section as the office page offers to change it: its keys (to revoke) and
/// each instrument's access with the accesses the plan's checks allow it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrustChoices {
    /// The keys of `trust.keys`, in the plan's order.
    pub keys: Vec<OfficeKey>,
    /// Every instrument of the plan, in the plan's order.
    pub instruments: Vec<AccessChoice>,
}

/// An instrument's access and the accesses it may take.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AccessChoice {
    pub instrument: String,
    /// Its access in the plan (`open` when `trust.instruments` does not name it).
    pub access: Access,
    /// `open` and `code` always; `invitation` only with a review sheet (an invitation opens
    /// the review page).
    pub choices: Vec<Access>,
}

/// What the office page offers for the plan's trust section.
pub fn trust_choices(plan: &Plan) -> Result<TrustChoices, TrustEditError> {
    let rules = TrustRules::of(plan).map_err(|e| TrustEditError::Rules(e.to_string()))?;
    let instruments = plan
        .instruments
        .iter()
        .map(|ins| {
            let mut choices = vec![Access::Open];
            if ins.review.is_some() {
                choices.push(Access::Invitation);
            }
            choices.push(Access::Code);
            AccessChoice {
                instrument: ins.id.clone(),
                access: rules.access(&ins.id),
                choices,
            }
        })
        .collect();
    Ok(TrustChoices {
        keys: rules.keys,
        instruments,
    })
}
