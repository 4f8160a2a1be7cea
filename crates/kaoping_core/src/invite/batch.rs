//! A roster made into invitations at once (issue 16): [`roster_payloads`] reads the roster and
//! gives every rater's payload for the office key to sign (nothing when the roster has a
//! problem), [`roster_invitations`] the links and QR codes from the signatures, and
//! [`invitations_csv`] and [`super::sheet::print_sheet`] the office's list and printed sheet.
//! The command line (`kaoping invite`) and the office page make the same files.

use super::{invitation_link, invitation_payload, InvitationLink};
use crate::cells::{Cell, Table};
use crate::date::{china_day_end_ms, china_day_start_ms};
use crate::plan::Plan;
use crate::qr::{qr_svg, QrError};
use crate::record::rfc3339;
use crate::roster::{read_roster, RosterEntry, RosterError, RosterOptions, RosterProblem};
use crate::text::{Bilingual, Text};
use crate::trust::token::token_id;
use crate::trust::{InvitationDraft, TrustError};
use serde::Serialize;

/// The RFC 3339 UTC instant a China-time day `YYYY-MM-DD` starts (00:00 +08:00), as tokens
/// write it: `2026-12-01` → `2026-11-30T16:00:00.000Z`. `None` when `day` is not a date.
pub fn day_start_utc(day: &str) -> Option<String> {
    china_day_start_ms(day).map(|ms| rfc3339(ms as f64))
}

/// The RFC 3339 UTC instant a China-time day ends (23:59:59.999 +08:00): `2026-12-31` →
/// `2026-12-31T15:59:59.999Z`. `None` when `day` is not a date.
pub fn day_end_utc(day: &str) -> Option<String> {
    china_day_end_ms(day).map(|ms| rfc3339(ms as f64))
}

/// One rater's invitation waiting for the office's signature.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RosterPayload {
    /// The roster's row.
    pub row: u64,
    pub draft: InvitationDraft,
    /// The bytes the office key signs.
    pub payload: Vec<u8>,
}

/// A roster read into payloads: all of them, or (when anything is wrong) none and every problem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RosterPayloads {
    pub payloads: Vec<RosterPayload>,
    pub problems: Vec<RosterProblem>,
}

/// Reads the roster `bytes` (named `file`) against `plan` and makes each rater's payload for
/// the office key `key` (its id). Serials come from the caller's 16 random hex characters
/// `seed` and the rater, so each rater's token is new at every issue. Rows without validity
/// dates (in the cells or `options`) and drafts the plan refuses are problems of their row;
/// with any problem no payload is given, so no partial set of invitations goes out.
pub fn roster_payloads(
    plan: &Plan,
    file: &str,
    bytes: &[u8],
    options: &RosterOptions,
    key: &str,
    seed: &str,
) -> Result<RosterPayloads, RosterError> {
    let read = read_roster(plan, file, bytes, options)?;
    let mut problems = read.problems;
    let mut payloads = Vec::with_capacity(read.roster.entries.len());
    for entry in &read.roster.entries {
        match payload_of(plan, entry, key, seed) {
            Ok(p) => payloads.push(p),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        payloads.clear();
    }
    Ok(RosterPayloads { payloads, problems })
}

fn payload_of(
    plan: &Plan,
    entry: &RosterEntry,
    key: &str,
    seed: &str,
) -> Result<RosterPayload, RosterProblem> {
    let problem = |code: &str, message: Text| RosterProblem {
        row: entry.row,
        column: None,
        cell: None,
        code: code.to_owned(),
        message,
    };
    let from = entry.valid_from.as_deref().and_then(day_start_utc);
    let until = entry.valid_until.as_deref().and_then(day_end_utc);
    let (Some(valid_from), Some(valid_until)) = (from, until) else {
        return Err(problem(
            "missing_dates",
            Text::new(
                "没有有效期：在名单的“有效期起”“有效期止”列或为整份名单给出日期",
                "no validity: give the dates in the roster's valid_from and valid_until \
                 columns or for the whole roster",
            ),
        ));
    };
    let serial_text = format!(
        "kaoping.serial/1\n{seed}\n{}\n{}",
        entry.instrument, entry.rater
    );
    let draft = InvitationDraft {
        rater: entry.rater.clone(),
        name: entry.name.clone(),
        group: entry.group.clone(),
        instrument: entry.instrument.clone(),
        units: entry.units.clone(),
        valid_from,
        valid_until,
        key: key.to_owned(),
        serial: token_id(serial_text.as_bytes()),
    };
    match invitation_payload(plan, &draft) {
        Ok(payload) => Ok(RosterPayload {
            row: entry.row,
            draft,
            payload,
        }),
        Err(e) => Err(problem(e.code(), e.text())),
    }
}

/// An invitation ready to print: its link and the QR code of the link (SVG text).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct PrintedInvitation {
    pub invitation: InvitationLink,
    pub qr_svg: String,
}

/// Why signed payloads gave no invitations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    #[error("{payloads} payloads but {signatures} signatures")]
    Count { payloads: usize, signatures: usize },
    #[error("invitation {index}: {error}")]
    Trust { index: usize, error: TrustError },
    #[error("invitation {index}: {error}")]
    Qr { index: usize, error: QrError },
}

/// The invitations of `payloads` (from [`roster_payloads`]) with the office's `signatures` (one
/// each, base64url, in the same order), each checked as the review page will check it, with its
/// link under `base` for the plan at `plan_url` and the link's QR code.
pub fn roster_invitations(
    plan: &Plan,
    payloads: &[Vec<u8>],
    signatures: &[String],
    base: &str,
    plan_url: &str,
) -> Result<Vec<PrintedInvitation>, BatchError> {
    if payloads.len() != signatures.len() {
        return Err(BatchError::Count {
            payloads: payloads.len(),
            signatures: signatures.len(),
        });
    }
    let mut out = Vec::with_capacity(payloads.len());
    for (index, (payload, signature)) in payloads.iter().zip(signatures).enumerate() {
        let invitation = invitation_link(plan, payload, signature, base, plan_url)
            .map_err(|error| BatchError::Trust { index, error })?;
        let label = format!(
            "邀请 / Invitation: {} {}",
            invitation.payload.rater, invitation.payload.name
        );
        let qr_svg = qr_svg(&invitation.link, label.trim())
            .map_err(|error| BatchError::Qr { index, error })?;
        out.push(PrintedInvitation { invitation, qr_svg });
    }
    Ok(out)
}

/// The names of `ids` among the plan's units in `lang`, in the plan's order (a token lists
/// its units sorted by id, for one signed form; a person reads them as the plan lists them);
/// an unknown id as it is, last.
pub(super) fn unit_names(plan: &Plan, ids: &[String], lang: &str) -> Vec<String> {
    let mut known: Vec<(usize, String)> = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        match plan.units.iter().position(|u| &u.id == id) {
            Some(i) => known.push((i, plan.units[i].name.get(lang).to_owned())),
            None => unknown.push(id.clone()),
        }
    }
    known.sort_by_key(|(i, _)| *i);
    known
        .into_iter()
        .map(|(_, name)| name)
        .chain(unknown)
        .collect()
}

/// The name of review group `group` of `instrument` in `lang` (the id when the sheet has none).
pub(super) fn group_name(plan: &Plan, instrument: &str, group: &str, lang: &str) -> String {
    plan.instrument(instrument)
        .and_then(|i| i.review.as_ref())
        .and_then(|r| r.groups.iter().find(|g| g.id == group))
        .map_or_else(|| group.to_owned(), |g| g.name.get(lang).to_owned())
}

/// The office's list of invitations as CSV (Excel's kind: `crate::export::csv`), headers in
/// `lang`: rater, name, group, instrument, units (names), validity, token id, link.
pub fn invitations_csv(plan: &Plan, invitations: &[InvitationLink], lang: &str) -> String {
    let zh = lang != "en";
    let pick = |z: &str, e: &str| if zh { z.to_owned() } else { e.to_owned() };
    let headers = vec![
        pick("评审人编号", "rater"),
        pick("姓名", "name"),
        pick("组别", "group"),
        pick("问卷", "instrument"),
        pick("评审对象", "units"),
        pick("有效期起", "valid_from"),
        pick("有效期止", "valid_until"),
        pick("邀请编号", "token_id"),
        pick("链接", "link"),
    ];
    let rows = invitations
        .iter()
        .map(|x| {
            let p = &x.payload;
            let group = p
                .group
                .as_deref()
                .map(|g| group_name(plan, &p.instrument, g, lang));
            let text = |s: String| Cell::Text(s);
            vec![
                text(p.rater.clone()),
                text(p.name.clone()),
                group.map_or(Cell::Empty, text),
                text(p.instrument.clone()),
                text(unit_names(plan, &p.units, lang).join(if zh { "、" } else { "; " })),
                text(p.valid_from.clone()),
                text(p.valid_until.clone()),
                text(x.token_id.clone()),
                text(x.link.clone()),
            ]
        })
        .collect();
    crate::export::csv::to_csv(&Table {
        id: "invitations".to_owned(),
        title: pick("邀请", "Invitations"),
        headers,
        rows,
    })
}
