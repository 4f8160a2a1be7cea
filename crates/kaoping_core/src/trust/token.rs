//! Invitation tokens: the office signs, per rater, the instrument, the rater's id, name and
//! group, the units assigned and the validity. Token text = base64url(payload) + "." +
//! base64url(signature of the payload bytes); the payload is the canonical JSON
//! ([`crate::canonical`]) of an [`InvitationPayload`]. Token id = the first 16 hex characters
//! of SHA-256 of the payload bytes.

use super::keys::{b64u, from_b64u, key_id, parse_public, sign, verify};
use super::{parse_instant, TokenFault, TrustError, TrustRules, MAX_TOKEN_CHARS, MAX_TOKEN_UNITS};
use crate::date::{china_day_end_ms, china_day_start_ms};
use crate::plan::{Instrument, Plan};
use crate::record::rfc3339;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The payload's `format`.
pub const INVITATION_FORMAT: &str = "kaoping.invitation/1";

/// What an invitation says (the signed payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationPayload {
    /// Always [`INVITATION_FORMAT`].
    pub format: String,
    pub plan_id: String,
    pub instrument: String,
    /// The rater's id: the sheet's `respondent_id`.
    pub rater: String,
    pub name: String,
    /// The rater's review group, when the sheet has groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The unit ids the rater rates.
    pub units: Vec<String>,
    /// RFC 3339 UTC times with milliseconds: the sheet must be submitted within.
    pub valid_from: String,
    pub valid_until: String,
    /// The id of the office key that signed.
    pub key: String,
    /// 16 random hex characters, so that a re-issue is a new token.
    pub serial: String,
}

/// An opened, verified token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Invitation {
    pub payload: InvitationPayload,
    /// The first 16 hex characters of SHA-256 of the payload bytes.
    pub token_id: String,
}

/// The payload bytes that are signed: canonical JSON.
pub fn encode_payload(payload: &InvitationPayload) -> Vec<u8> {
    crate::canonical::to_canonical_string(payload).into_bytes()
}

/// A token's text from its payload bytes and the office's signature of them.
pub fn token_text(payload_bytes: &[u8], sig: &[u8; 64]) -> String {
    format!("{}.{}", b64u(payload_bytes), b64u(sig))
}

/// The id of a token: the first 16 hex characters of SHA-256 of its payload bytes.
pub fn token_id(payload_bytes: &[u8]) -> String {
    let mut hex = crate::canonical::sha256_hex(payload_bytes);
    hex.truncate(16);
    hex
}

/// The token of `payload` signed with the office key of this seed.
pub fn sign_invitation(payload: &InvitationPayload, seed: &[u8; 32]) -> String {
    let bytes = encode_payload(payload);
    token_text(&bytes, &sign(seed, &bytes))
}

/// Opens a token: checks its form and its office signature against the plan's keys. A token
/// signed by a revoked key is [`TrustError::RevokedKey`]; any other fault is
/// [`TrustError::BadToken`].
pub fn open_token(rules: &TrustRules, text: &str) -> Result<Invitation, TrustError> {
    let bad = TrustError::BadToken;
    let text = text.trim();
    if text.len() > MAX_TOKEN_CHARS {
        return Err(bad(TokenFault::Malformed));
    }
    let (p, s) = text.split_once('.').ok_or(bad(TokenFault::Malformed))?;
    let bytes = from_b64u(p).ok_or(bad(TokenFault::Malformed))?;
    let sig: [u8; 64] = from_b64u(s)
        .and_then(|b| b.try_into().ok())
        .ok_or(bad(TokenFault::Malformed))?;
    let payload: InvitationPayload =
        serde_json::from_slice(&bytes).map_err(|_| bad(TokenFault::Payload))?;
    if payload.format != INVITATION_FORMAT || payload.units.len() > MAX_TOKEN_UNITS {
        return Err(bad(TokenFault::Payload));
    }
    // The key must be the plan's, and its id that of its bytes.
    let (office, public) = rules
        .keys
        .iter()
        .filter(|k| k.id == payload.key)
        .find_map(|k| {
            let public = parse_public(&k.public).ok()?;
            (key_id(&public) == k.id).then_some((k, public))
        })
        .ok_or(bad(TokenFault::UnknownKey))?;
    if !verify(&public, &bytes, &sig) {
        return Err(bad(TokenFault::Signature));
    }
    if office.revoked {
        return Err(TrustError::RevokedKey(office.id.clone()));
    }
    Ok(Invitation {
        token_id: token_id(&bytes),
        payload,
    })
}

impl Invitation {
    /// Whether the instant `ms` (milliseconds since the epoch) is within the validity.
    pub fn valid_at_ms(&self, ms: i64) -> bool {
        match (
            parse_instant(&self.payload.valid_from),
            parse_instant(&self.payload.valid_until),
        ) {
            (Some(from), Some(until)) => from <= ms && ms <= until,
            _ => false,
        }
    }

    /// Whether the RFC 3339 time `at` is within the validity ([`TrustError::BadTime`] when it
    /// is not a time).
    pub fn valid_at(&self, at: &str) -> Result<bool, TrustError> {
        let ms = parse_instant(at).ok_or_else(|| TrustError::BadTime(at.to_owned()))?;
        Ok(self.valid_at_ms(ms))
    }
}

/// An invitation to be signed, as the roster gives it; [`InvitationDraft::payload`] checks
/// it against the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InvitationDraft {
    pub rater: String,
    pub name: String,
    #[serde(default)]
    pub group: Option<String>,
    pub instrument: String,
    /// Unit ids (a roster's categories and names resolved already).
    pub units: Vec<String>,
    /// RFC 3339 times (any offset), or China-time days `YYYY-MM-DD` (valid from the day's first
    /// millisecond until its last, +08:00); written as UTC with milliseconds.
    pub valid_from: String,
    pub valid_until: String,
    /// The id of the office key that will sign.
    pub key: String,
    /// 16 hex characters from the caller's randomness.
    pub serial: String,
}

/// The units instrument `ins` rates: the units of its review sheet's categories (all units
/// when it names none).
pub fn rated_units<'p>(plan: &'p Plan, ins: &Instrument) -> BTreeSet<&'p str> {
    let cats = ins.review.as_ref().map(|r| &r.categories);
    plan.units
        .iter()
        .filter(|u| cats.is_none_or(|c| c.is_empty() || c.contains(&u.category)))
        .map(|u| u.id.as_str())
        .collect()
}

impl InvitationDraft {
    /// The payload of this draft for `plan`: the instrument has a review sheet, the units
    /// exist and are rated by it (sorted, each once), the group is the sheet's, the key is
    /// the plan's and not revoked, the times are times, the serial is 16 hex characters.
    pub fn payload(&self, plan: &Plan) -> Result<InvitationPayload, TrustError> {
        let ins = plan
            .instrument(&self.instrument)
            .ok_or_else(|| TrustError::UnknownInstrument(self.instrument.clone()))?;
        let sheet = ins
            .review
            .as_ref()
            .ok_or_else(|| TrustError::NotInvitable(ins.id.clone()))?;
        let rated = rated_units(plan, ins);
        let mut units = BTreeSet::new();
        for u in &self.units {
            let u = u.trim();
            if plan.unit(u).is_none() {
                return Err(TrustError::UnknownUnit(u.to_owned()));
            }
            if !rated.contains(u) {
                return Err(TrustError::UnitNotRated {
                    instrument: ins.id.clone(),
                    unit: u.to_owned(),
                });
            }
            units.insert(u.to_owned());
        }
        if units.is_empty() || units.len() > MAX_TOKEN_UNITS {
            return Err(TrustError::UnitCount {
                count: units.len(),
                max: MAX_TOKEN_UNITS,
            });
        }
        let group = self
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty());
        if let Some(g) = group {
            if !sheet.groups.iter().any(|x| x.id == g) {
                return Err(TrustError::UnknownGroup {
                    instrument: ins.id.clone(),
                    group: g.to_owned(),
                });
            }
        }
        let rules = TrustRules::of(plan)?;
        match rules.key(&self.key) {
            None => return Err(TrustError::UnknownKey(self.key.clone())),
            Some(k) if k.revoked => return Err(TrustError::RevokedKey(k.id.clone())),
            Some(_) => {}
        }
        // A bare day is a China-time day: from its first instant, until its last.
        let time = |t: &str, day: fn(&str) -> Option<i64>| {
            parse_instant(t)
                .or_else(|| day(t.trim()))
                .ok_or_else(|| TrustError::BadTime(t.to_owned()))
        };
        let from = time(&self.valid_from, china_day_start_ms)?;
        let until = time(&self.valid_until, china_day_end_ms)?;
        let (valid_from, valid_until) = (rfc3339(from as f64), rfc3339(until as f64));
        if until < from {
            return Err(TrustError::EmptyValidity {
                from: valid_from,
                until: valid_until,
            });
        }
        let serial = self.serial.trim().to_ascii_lowercase();
        if serial.len() != 16 || !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(TrustError::BadSerial(self.serial.clone()));
        }
        Ok(InvitationPayload {
            format: INVITATION_FORMAT.to_owned(),
            plan_id: plan.id.clone(),
            instrument: ins.id.clone(),
            rater: self.rater.trim().to_owned(),
            name: self.name.trim().to_owned(),
            group: group.map(str::to_owned),
            units: units.into_iter().collect(),
            valid_from,
            valid_until,
            key: self.key.clone(),
            serial,
        })
    }
}
