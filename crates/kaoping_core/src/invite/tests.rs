//! The invitation round trip as the pages make it: the office's payload signed outside the
//! core, its link, the review page's sheet for the token (only the assigned units), the
//! record signed by the device and accepted by the trust checks; and each refusal.

use super::*;
use crate::review::ReviewAnswers;
use crate::trust::keys::{b64u, format_public, key_id, public_from_seed, sign};
use crate::trust::{attach_signature, check_signed_record, sheet_message};
use serde_json::json;

const OFFICE: [u8; 32] = [7; 32];
const STRANGER: [u8; 32] = [8; 32];
const DEVICE: [u8; 32] = [9; 32];
/// 2026-12-10T00:00:00Z, inside the drafts' validity.
const NOW: f64 = 1_796_860_800_000.0;

fn plan() -> Plan {
    let mut plan = crate::plan::demo_plan();
    let public = public_from_seed(&OFFICE);
    plan.trust = json!({
        "keys": [{"id": key_id(&public), "public": format_public(&public)}],
        "instruments": {"expert": "invitation"}
    });
    plan
}

/// The first two units of the expert sheet, from different categories when there are two.
fn two_units(plan: &Plan) -> Vec<String> {
    let layout = review::review_sheet(plan, "expert").unwrap().unwrap();
    let first = &layout.categories[0].units[0].id;
    let last = &layout.categories.last().unwrap().units.last().unwrap().id;
    vec![first.clone(), last.clone()]
}

fn draft(plan: &Plan, seed: &[u8; 32]) -> InvitationDraft {
    InvitationDraft {
        rater: "E07".into(),
        name: "张三".into(),
        group: Some("industry".into()),
        instrument: "expert".into(),
        units: two_units(plan),
        valid_from: "2026-12-01T00:00:00+08:00".into(),
        valid_until: "2026-12-31T23:59:59.999+08:00".into(),
        key: key_id(&public_from_seed(seed)),
        serial: "0123456789abcdef".into(),
    }
}

fn link(plan: &Plan) -> InvitationLink {
    let payload = invitation_payload(plan, &draft(plan, &OFFICE)).unwrap();
    let sig = b64u(&sign(&OFFICE, &payload));
    invitation_link(
        plan,
        &payload,
        &sig,
        "https://kp.example/",
        "plans/wuhan 2026.json",
    )
    .unwrap()
}

#[test]
fn an_invitation_opens_the_sheet_of_its_units_and_its_signed_record_passes() {
    let plan = plan();
    let inv = link(&plan);
    assert_eq!(
        inv.link,
        format!(
            "https://kp.example/review.html?plan=plans/wuhan%202026.json&instrument=expert#invite={}",
            inv.token
        )
    );
    assert_eq!(inv.payload.rater, "E07");
    let opened = invited_sheet(&plan, "expert", &inv.token, NOW).unwrap();
    assert_eq!(opened.invitation.token_id, inv.token_id);
    let units: Vec<&str> = opened
        .layout
        .categories
        .iter()
        .flat_map(|c| c.units.iter().map(|u| u.id.as_str()))
        .collect();
    assert_eq!(units, two_units(&plan));
    let per_unit: usize = opened
        .layout
        .categories
        .iter()
        .flat_map(|c| &c.units)
        .map(|u| u.indicators.len())
        .sum();
    assert_eq!(opened.layout.cells, per_unit);
    assert!(
        opened.layout.cells
            < review::review_sheet(&plan, "expert")
                .unwrap()
                .unwrap()
                .cells
    );

    // Every assigned cell scored: the record, signed by the device, passes the trust checks.
    let mut scores = serde_json::Map::new();
    for u in opened.layout.categories.iter().flat_map(|c| &c.units) {
        let row: serde_json::Map<_, _> = u
            .indicators
            .iter()
            .map(|i| (i.clone(), json!(90)))
            .collect();
        scores.insert(u.id.clone(), row.into());
    }
    let answers: ReviewAnswers = serde_json::from_value(json!({
        "reviewer": "E07", "group": "industry", "recused": [], "scores": scores, "comments": {}
    }))
    .unwrap();
    let sub = ReviewSubmission {
        instrument: "expert".into(),
        started_ms: NOW - 600_000.0,
        submitted_ms: NOW,
        lang: "zh-CN".into(),
        answers,
        earlier_submissions: 0,
    };
    let device = format_public(&public_from_seed(&DEVICE));
    let prepared = invited_record(&plan, "sha", &opened.layout, &sub, &inv.token, &device).unwrap();
    assert_eq!(prepared.signed.as_ref().unwrap().signature, "");
    let sig = b64u(&sign(&DEVICE, &sheet_message(&prepared)));
    let record = attach_signature(prepared, &sig).unwrap();
    let rules = TrustRules::of(&plan).unwrap();
    let signer = check_signed_record(&rules, &record).unwrap().unwrap();
    assert_eq!(
        (signer.rater.as_str(), signer.token_id.as_str()),
        ("E07", inv.token_id.as_str())
    );
}

#[test]
fn a_foreign_expired_or_misdirected_token_is_refused() {
    let plan = plan();
    let inv = link(&plan);
    let code = |r: Result<InvitedSheet, TrustError>| r.unwrap_err().code();
    assert_eq!(
        code(invited_sheet(
            &plan,
            "expert",
            &inv.token,
            1_700_000_000_000.0
        )),
        "token_expired"
    );
    assert_eq!(
        code(invited_sheet(&plan, "expert", &inv.token, f64::NAN)),
        "token_expired"
    );
    assert_eq!(
        code(invited_sheet(&plan, "public", &inv.token, NOW)),
        "token_mismatch"
    );
    assert_eq!(
        code(invited_sheet(&plan, "expert", "not a token", NOW)),
        "bad_token"
    );
    let mut other = plan.clone();
    other.id = "another-plan".into();
    assert_eq!(
        code(invited_sheet(&other, "expert", &inv.token, NOW)),
        "token_mismatch"
    );

    // Signed by a key the plan does not list: refused when the link is made, and on the page.
    let mut stranger = draft(&plan, &STRANGER);
    stranger.key = key_id(&public_from_seed(&OFFICE));
    let payload = invitation_payload(&plan, &stranger).unwrap();
    let forged = b64u(&sign(&STRANGER, &payload));
    let made = invitation_link(&plan, &payload, &forged, "/", "p.json");
    assert_eq!(made.unwrap_err().code(), "bad_token");
    let token = format!("{}.{forged}", b64u(&payload));
    assert_eq!(
        code(invited_sheet(&plan, "expert", &token, NOW)),
        "bad_token"
    );
    assert_eq!(
        invitation_link(&plan, &payload, "short", "/", "p.json")
            .unwrap_err()
            .code(),
        "bad_token"
    );
}

#[test]
fn a_draft_the_plan_refuses_makes_no_payload() {
    let plan = plan();
    let mut d = draft(&plan, &OFFICE);
    d.units = vec!["no-such-unit".into()];
    assert!(invitation_payload(&plan, &d).is_err());
}

/// The office page's form gives days; the payload holds the same instants as the explicit
/// China-time bounds, and a day that is no date is refused by name.
#[test]
fn a_draft_with_days_is_valid_for_those_china_days() {
    let plan = plan();
    let explicit = draft(&plan, &OFFICE).payload(&plan).unwrap();
    let mut d = draft(&plan, &OFFICE);
    d.valid_from = "2026-12-01".into();
    d.valid_until = " 2026-12-31 ".into();
    let by_days = d.payload(&plan).unwrap();
    assert_eq!(by_days, explicit);
    assert_eq!(by_days.valid_from, "2026-11-30T16:00:00.000Z");
    assert_eq!(by_days.valid_until, "2026-12-31T15:59:59.999Z");
    d.valid_until = "2026-02-30".into();
    assert!(matches!(d.payload(&plan), Err(TrustError::BadTime(t)) if t == "2026-02-30"));
}

/// Unit names on the printed sheet and in the list follow the plan's order, not the token's
/// (sorted by id).
#[cfg(feature = "office")]
#[test]
fn unit_names_follow_the_plan() {
    let plan = plan();
    let mut ids: Vec<String> = plan
        .units
        .iter()
        .rev()
        .take(3)
        .map(|u| u.id.clone())
        .collect();
    ids.push("nowhere".into());
    let names = batch::unit_names(&plan, &ids, "en");
    let mut want: Vec<String> = plan
        .units
        .iter()
        .rev()
        .take(3)
        .map(|u| u.name.get("en").to_owned())
        .collect();
    want.reverse();
    want.push("nowhere".into());
    assert_eq!(names, want);
}
