//! Signed sheets: the rater's device signs `"kaoping.sheet/1\n" + checksum`, the checksum
//! taken with `signed.signature` blank (so the token and the device key are covered).

use super::keys::{parse_public, parse_signature, verify};
use super::token::open_token;
use super::{parse_instant, Access, TrustError, TrustRules};
use crate::record::{record_checksum, ResponseRecord, Signed};
use serde_json::Value;
use std::collections::BTreeSet;

/// What the device signs before the checksum.
pub const SHEET_PREFIX: &str = "kaoping.sheet/1\n";

/// Who signed an accepted sheet, and what [`super::settle`] needs of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct SheetSigner {
    pub token_id: String,
    pub instrument: String,
    pub rater: String,
    /// The device's public key text.
    pub key: String,
    pub submitted_at: String,
    pub checksum: String,
}

/// The record with `signed` set to this token and device key (signature blank) and its
/// checksum taken again: what the device then signs ([`sheet_message`]).
pub fn prepare_signed(mut record: ResponseRecord, token: &str, key: &str) -> ResponseRecord {
    record.signed = Some(Signed {
        token: token.to_owned(),
        key: key.to_owned(),
        signature: String::new(),
    });
    record.checksum = record_checksum(&record);
    record
}

/// The bytes the device signs: `"kaoping.sheet/1\n"` + the record's checksum (computed, with
/// `signed.signature` blank).
pub fn sheet_message(record: &ResponseRecord) -> Vec<u8> {
    format!("{SHEET_PREFIX}{}", record_checksum(record)).into_bytes()
}

/// Whether the sheet's signature verifies under its device key.
fn signature_verifies(record: &ResponseRecord, signed: &Signed) -> bool {
    match (
        parse_public(&signed.key),
        parse_signature(&signed.signature),
    ) {
        (Ok(key), Some(sig)) => verify(&key, &sheet_message(record), &sig),
        _ => false,
    }
}

/// The record with the device's signature (base64url) put in, after checking that it
/// verifies under `signed.key`; the checksum is taken again (it does not cover the signature).
pub fn attach_signature(
    mut record: ResponseRecord,
    signature: &str,
) -> Result<ResponseRecord, TrustError> {
    let Some(signed) = &mut record.signed else {
        return Err(TrustError::Unsigned(record.instrument.clone()));
    };
    signed.signature = signature.trim().to_owned();
    let signed = signed.clone();
    if !signature_verifies(&record, &signed) {
        return Err(TrustError::BadSignature);
    }
    record.checksum = record_checksum(&record);
    Ok(record)
}

/// The units a sheet rates: for a review sheet the keys of `answers.scores` (a `"unit/
/// indicator"` key counts as its unit) and the units of `answers.recused`; otherwise the
/// answer to a `unit` question.
pub fn sheet_units(record: &ResponseRecord) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let a = &record.answers;
    if let Some(Value::Object(scores)) = a.get("scores") {
        for k in scores.keys() {
            out.insert(k.split('/').next().unwrap_or(k).to_owned());
        }
    }
    if let Some(Value::Array(recused)) = a.get("recused") {
        out.extend(recused.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(Value::String(u)) = a.get("unit") {
        out.insert(u.clone());
    }
    out
}

/// Checks one record against the plan's trust rules, in the order of `docs/trust.md`:
/// `unsigned`, `bad_signature`, `bad_token`, `revoked_key`, `token_mismatch`,
/// `token_expired`, `outside_assignment`. `Ok(None)` for an unsigned sheet of an instrument
/// that needs no invitation; a signed sheet is checked whatever its instrument. Which
/// signed sheets count (`other_key`, supersession) needs all of them: [`super::settle`].
pub fn check_signed_record(
    rules: &TrustRules,
    record: &ResponseRecord,
) -> Result<Option<SheetSigner>, TrustError> {
    let Some(signed) = &record.signed else {
        return match rules.access(&record.instrument) {
            Access::Invitation => Err(TrustError::Unsigned(record.instrument.clone())),
            Access::Open | Access::Code => Ok(None),
        };
    };
    if !signature_verifies(record, signed) {
        return Err(TrustError::BadSignature);
    }
    let inv = open_token(rules, &signed.token)?;
    let p = &inv.payload;
    let group = record.answers.get("group").and_then(Value::as_str);
    let mismatch = |field: &'static str, token: &str, record: &str| TrustError::TokenMismatch {
        field,
        token: token.to_owned(),
        record: record.to_owned(),
    };
    if p.plan_id != record.plan_id {
        return Err(mismatch("plan", &p.plan_id, &record.plan_id));
    }
    if p.instrument != record.instrument {
        return Err(mismatch("instrument", &p.instrument, &record.instrument));
    }
    if p.rater != record.respondent_id {
        return Err(mismatch("rater", &p.rater, &record.respondent_id));
    }
    if let Some(g) = &p.group {
        if group != Some(g.as_str()) {
            return Err(mismatch("group", g, group.unwrap_or("")));
        }
    }
    let in_time = parse_instant(&record.submitted_at).is_some_and(|ms| inv.valid_at_ms(ms));
    if !in_time {
        return Err(TrustError::TokenExpired {
            at: record.submitted_at.clone(),
            from: p.valid_from.clone(),
            until: p.valid_until.clone(),
        });
    }
    if let Some(u) = sheet_units(record)
        .into_iter()
        .find(|u| !p.units.contains(u))
    {
        return Err(TrustError::OutsideAssignment(u));
    }
    Ok(Some(SheetSigner {
        token_id: inv.token_id,
        instrument: record.instrument.clone(),
        rater: record.respondent_id.clone(),
        key: signed.key.clone(),
        submitted_at: record.submitted_at.clone(),
        checksum: record_checksum(record),
    }))
}
