//! Invitations as the pages use them (issue 16, `docs/trust.md`), over [`crate::trust`]:
//!
//! - the review page opened with a token: [`invited_sheet`] opens it against the plan's keys,
//!   checks that it is this plan's and instrument's and valid now, and gives the review sheet
//!   with only the invitation's units ([`assigned`]); [`invited_record`] makes the record of
//!   that sheet ready for the device's signature ([`crate::trust::sheet_message`],
//!   [`crate::trust::attach_signature`]);
//! - the office page issuing invitations: [`invitation_payload`] gives the bytes the office
//!   key signs (WebCrypto, in the browser), [`invitation_link`] the token and link from them
//!   and the signature, checked against the plan like any token.
//!
//! The signatures themselves are made by the caller: the office key and the device key never
//! leave the browser's WebCrypto.
//!
//! Behind the feature `trust` (the review build has it); the batches from a roster and their
//! printed sheet (`batch`, `sheet`: rosters, QR codes) only with `office`.

#[cfg(feature = "office")]
mod batch;
#[cfg(feature = "office")]
mod sheet;

#[cfg(feature = "office")]
pub use batch::{
    day_end_utc, day_start_utc, invitations_csv, roster_invitations, roster_payloads, BatchError,
    PrintedInvitation, RosterPayload, RosterPayloads,
};
#[cfg(feature = "office")]
pub use sheet::{print_sheet, SHEET_STYLE};

use crate::plan::Plan;
use crate::record::{rfc3339, RecordError, ResponseRecord};
use crate::review::{self, ReviewSheetLayout, ReviewSubmission};
use crate::trust::keys::parse_signature;
use crate::trust::token::{encode_payload, token_text, InvitationPayload};
use crate::trust::{open_token, prepare_signed, Invitation, InvitationDraft, TokenFault};
use crate::trust::{TrustError, TrustRules};
use serde::Serialize;
use std::collections::BTreeSet;

/// What the review page shows for an invitation.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct InvitedSheet {
    pub invitation: Invitation,
    /// The instrument's review sheet with only the invitation's units.
    pub layout: ReviewSheetLayout,
}

/// The sheet the token opens on the review page of `instrument`, at the instant `now_ms`
/// (milliseconds since the epoch): refused as [`TrustError::BadToken`] or
/// [`TrustError::RevokedKey`] (not this plan's office, damaged), [`TrustError::TokenMismatch`]
/// (another plan or instrument), [`TrustError::TokenExpired`] (not valid now), or
/// [`TrustError::NotInvitable`] (the instrument has no review sheet).
pub fn invited_sheet(
    plan: &Plan,
    instrument: &str,
    token: &str,
    now_ms: f64,
) -> Result<InvitedSheet, TrustError> {
    let rules = TrustRules::of(plan)?;
    let invitation = open_token(&rules, token)?;
    let p = &invitation.payload;
    let mismatch = |field: &'static str, token: &str, here: &str| TrustError::TokenMismatch {
        field,
        token: token.to_owned(),
        record: here.to_owned(),
    };
    if p.plan_id != plan.id {
        return Err(mismatch("plan", &p.plan_id, &plan.id));
    }
    if p.instrument != instrument {
        return Err(mismatch("instrument", &p.instrument, instrument));
    }
    // A time outside what an i64 of milliseconds holds is no instant of the validity.
    if !now_ms.is_finite() || !invitation.valid_at_ms(now_ms as i64) {
        return Err(TrustError::TokenExpired {
            at: rfc3339(now_ms),
            from: p.valid_from.clone(),
            until: p.valid_until.clone(),
        });
    }
    let layout = match review::review_sheet(plan, instrument) {
        Some(Ok(layout)) => assigned(layout, &p.units),
        _ => return Err(TrustError::NotInvitable(instrument.to_owned())),
    };
    Ok(InvitedSheet { invitation, layout })
}

/// `layout` with only the units in `units`, in the sheet's order: categories left empty go,
/// and the cells are counted again.
pub fn assigned(mut layout: ReviewSheetLayout, units: &[String]) -> ReviewSheetLayout {
    let keep: BTreeSet<&str> = units.iter().map(String::as_str).collect();
    for c in &mut layout.categories {
        c.units.retain(|u| keep.contains(u.id.as_str()));
    }
    layout.categories.retain(|c| !c.units.is_empty());
    layout.cells = layout
        .categories
        .iter()
        .flat_map(|c| &c.units)
        .map(|u| u.indicators.len())
        .sum();
    layout
}

/// The record of a complete invited sheet (`layout` from [`invited_sheet`]) under `token`,
/// with the device's public key `key` and a blank signature: what the device then signs.
pub fn invited_record(
    plan: &Plan,
    plan_sha256: &str,
    layout: &ReviewSheetLayout,
    sub: &ReviewSubmission,
    token: &str,
    key: &str,
) -> Result<ResponseRecord, RecordError> {
    let record = review::build_record(plan, plan_sha256, layout, sub)?;
    Ok(prepare_signed(record, token, key))
}

/// The bytes of the invitation `draft` for `plan`, which the office key signs (the draft
/// checked by [`InvitationDraft::payload`]).
pub fn invitation_payload(plan: &Plan, draft: &InvitationDraft) -> Result<Vec<u8>, TrustError> {
    Ok(encode_payload(&draft.payload(plan)?))
}

/// An invitation ready to hand out.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct InvitationLink {
    pub payload: InvitationPayload,
    pub token_id: String,
    pub token: String,
    /// `<base>review.html?plan=<plan url>&instrument=<id>#invite=<token>`; the token in the
    /// fragment never reaches a server's log.
    pub link: String,
}

/// The token of `payload` (from [`invitation_payload`]) and the office's `signature` of it
/// (base64url), opened against the plan as the review page will open it, and its link under
/// `base` (the site's address, ending in `/`) for the plan published at `plan_url`.
pub fn invitation_link(
    plan: &Plan,
    payload: &[u8],
    signature: &str,
    base: &str,
    plan_url: &str,
) -> Result<InvitationLink, TrustError> {
    let sig =
        parse_signature(signature.trim()).ok_or(TrustError::BadToken(TokenFault::Malformed))?;
    let token = token_text(payload, &sig);
    let opened = open_token(&TrustRules::of(plan)?, &token)?;
    let link = format!(
        "{base}review.html?plan={}&instrument={}#invite={token}",
        query_value(plan_url),
        query_value(&opened.payload.instrument),
    );
    Ok(InvitationLink {
        payload: opened.payload,
        token_id: opened.token_id,
        token,
        link,
    })
}

/// `text` percent-encoded for a query value (RFC 3986 unreserved characters and `/` `:` kept).
fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(all(test, feature = "office"))]
mod batch_tests;
#[cfg(test)]
mod tests;
