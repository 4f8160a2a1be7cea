//! Every tampering of issue 16's "How it is checked", end to end: an office key in the plan,
//! an invitation, a sheet signed by the rater's device, then one change at a time.

use super::codes::{generate_codes, CodeBatch, CodeBook, CodeUse};
use super::keys::{b64u, format_public, key_id, public_from_seed, sign};
use super::settle::{settle, SheetDecision, SignedSheetRef};
use super::sheet::{attach_signature, check_signed_record, prepare_signed, sheet_message};
use super::token::{open_token, sign_invitation, InvitationDraft};
use super::{TokenFault, TrustError, TrustRules};
use crate::plan::Plan;
use crate::record::{record_checksum, ResponseRecord};
use serde_json::json;

const OFFICE: [u8; 32] = [11; 32];
const DEVICE: [u8; 32] = [22; 32];
const OTHER_DEVICE: [u8; 32] = [33; 32];

fn office_id() -> String {
    key_id(&public_from_seed(&OFFICE))
}

fn plan() -> Plan {
    let mut plan = crate::plan::demo_plan();
    let public = public_from_seed(&OFFICE);
    plan.trust = json!({
        "keys": [{"id": key_id(&public), "public": format_public(&public)}],
        "instruments": {"expert": "invitation", "cadre": "code"}
    });
    plan
}

fn rules(plan: &Plan) -> TrustRules {
    TrustRules::of(plan).unwrap()
}

fn draft(rater: &str, units: &[&str]) -> InvitationDraft {
    InvitationDraft {
        rater: rater.into(),
        name: "张三".into(),
        group: Some("industry".into()),
        instrument: "expert".into(),
        units: units.iter().map(|u| (*u).to_owned()).collect(),
        valid_from: "2026-12-01T08:00:00+08:00".into(),
        valid_until: "2026-12-31T23:59:59.999+08:00".into(),
        key: office_id(),
        serial: "00112233aabbccdd".into(),
    }
}

fn token(plan: &Plan, rater: &str, units: &[&str]) -> String {
    sign_invitation(&draft(rater, units).payload(plan).unwrap(), &OFFICE)
}

/// A review sheet of `rater` scoring `units`, submitted at `at`.
fn sheet(plan: &Plan, rater: &str, units: &[&str], at: &str) -> ResponseRecord {
    let scores: serde_json::Map<_, _> = units
        .iter()
        .map(|u| ((*u).to_owned(), json!({"goals": 85})))
        .collect();
    let mut r: ResponseRecord = serde_json::from_value(json!({
        "format": "kaoping.response/1", "plan_id": plan.id, "plan_version": plan.version,
        "plan_sha256": plan.sha256, "instrument": "expert", "respondent_id": rater,
        "reviewer": true, "started_at": "2026-12-02T01:00:00.000Z", "submitted_at": at,
        "lang": "zh-CN", "answers": {"group": "industry", "recused": [], "scores": scores},
        "reasons": {}, "quality": {"duration_seconds": 60.0, "speeder": false,
        "straight_lined": [], "repeat": false}, "engine_version": "test", "checksum": ""
    }))
    .unwrap();
    r.checksum = record_checksum(&r);
    r
}

/// The sheet signed on `device` under `token`.
fn signed(record: ResponseRecord, token: &str, device: &[u8; 32]) -> ResponseRecord {
    let r = prepare_signed(record, token, &format_public(&public_from_seed(device)));
    let sig = b64u(&sign(device, &sheet_message(&r)));
    attach_signature(r, &sig).unwrap()
}

const AT: &str = "2026-12-02T01:30:00.000Z";

fn good(plan: &Plan) -> ResponseRecord {
    let t = token(plan, "E07", &["jiangan", "hanyang"]);
    signed(sheet(plan, "E07", &["jiangan", "hanyang"], AT), &t, &DEVICE)
}

fn code(plan: &Plan, r: &ResponseRecord) -> &'static str {
    check_signed_record(&rules(plan), r).unwrap_err().code()
}

#[test]
fn a_signed_sheet_round_trips_and_its_json_keeps_the_signature() {
    let plan = plan();
    let r = good(&plan);
    let signer = check_signed_record(&rules(&plan), &r).unwrap().unwrap();
    assert_eq!(signer.rater, "E07");
    assert_eq!(signer.checksum, r.checksum);
    assert_eq!(signer.key, format_public(&public_from_seed(&DEVICE)));
    let inv = open_token(&rules(&plan), &r.signed.as_ref().unwrap().token).unwrap();
    assert_eq!(signer.token_id, inv.token_id);
    assert_eq!(inv.payload.units, ["hanyang", "jiangan"]);
    assert_eq!(inv.payload.valid_from, "2026-12-01T00:00:00.000Z");
    assert_eq!(inv.payload.valid_until, "2026-12-31T15:59:59.999Z");
    // Through JSON (a file) and back: the same record, still valid.
    let back: ResponseRecord = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
    assert!(crate::record::verify_record(&back));
    assert!(check_signed_record(&rules(&plan), &back).is_ok());
}

#[test]
fn a_wrong_signature_is_not_attached() {
    let plan = plan();
    let t = token(&plan, "E07", &["jiangan"]);
    let r = prepare_signed(
        sheet(&plan, "E07", &["jiangan"], AT),
        &t,
        &format_public(&public_from_seed(&DEVICE)),
    );
    let sig = b64u(&sign(&OTHER_DEVICE, &sheet_message(&r)));
    assert_eq!(
        attach_signature(r.clone(), &sig),
        Err(TrustError::BadSignature)
    );
    let unsigned = sheet(&plan, "E07", &["jiangan"], AT);
    assert!(matches!(
        attach_signature(unsigned, &sig),
        Err(TrustError::Unsigned(_))
    ));
}

#[test]
fn an_unsigned_sheet_of_an_invitation_instrument_is_rejected() {
    let plan = plan();
    assert_eq!(
        code(&plan, &sheet(&plan, "E07", &["jiangan"], AT)),
        "unsigned"
    );
    // Of an open instrument, an unsigned sheet is not the trust checks' business.
    let mut open = sheet(&plan, "P1", &[], AT);
    open.instrument = "public".into();
    assert_eq!(check_signed_record(&rules(&plan), &open), Ok(None));
}

#[test]
fn a_changed_score_is_rejected() {
    let plan = plan();
    let mut r = good(&plan);
    r.answers.insert(
        "scores".into(),
        json!({"jiangan": {"goals": 100}, "hanyang": {"goals": 85}}),
    );
    assert_eq!(code(&plan, &r), "bad_signature");
    // Also when the forger takes the checksum again.
    r.checksum = record_checksum(&r);
    assert_eq!(code(&plan, &r), "bad_signature");
}

#[test]
fn a_changed_token_is_rejected() {
    let plan = plan();
    let r = good(&plan);
    // The token is covered by the device's signature: swapping in another valid one fails.
    let mut swapped = r.clone();
    swapped.signed.as_mut().unwrap().token = token(&plan, "E07", &["jiangan", "wuchang"]);
    assert_eq!(code(&plan, &swapped), "bad_signature");
    // A token whose payload was edited (more units) and the sheet signed again on the device:
    // the office signature no longer verifies.
    let t = r.signed.as_ref().unwrap().token.clone();
    let (p, s) = t.split_once('.').unwrap();
    let bytes = super::keys::from_b64u(p).unwrap();
    let edited = String::from_utf8(bytes)
        .unwrap()
        .replace("\"hanyang\"", "\"hanyang\",\"wuchang\"");
    let forged = format!("{}.{s}", b64u(edited.as_bytes()));
    let resigned = signed(
        sheet(&plan, "E07", &["jiangan", "wuchang"], AT),
        &forged,
        &DEVICE,
    );
    assert_eq!(
        check_signed_record(&rules(&plan), &resigned),
        Err(TrustError::BadToken(TokenFault::Signature))
    );
    // A token the office did not sign (a key that is not the plan's).
    let foreign = sign_invitation(
        &draft("E07", &["jiangan"]).payload(&plan).unwrap(),
        &[99; 32],
    );
    let r2 = signed(sheet(&plan, "E07", &["jiangan"], AT), &foreign, &DEVICE);
    assert_eq!(code(&plan, &r2), "bad_token");
    for junk in ["", "abc", "a.b", &"x".repeat(super::MAX_TOKEN_CHARS + 1)] {
        assert_eq!(
            open_token(&rules(&plan), junk),
            Err(TrustError::BadToken(TokenFault::Malformed)),
            "{junk:.20}"
        );
    }
}

#[test]
fn another_rater_s_token_or_key_is_rejected() {
    let plan = plan();
    // E08's invitation on E07's sheet.
    let t8 = token(&plan, "E08", &["jiangan"]);
    let r = signed(sheet(&plan, "E07", &["jiangan"], AT), &t8, &DEVICE);
    assert_eq!(code(&plan, &r), "token_mismatch");
    // Signed on another device than the key the sheet names.
    let mut r = good(&plan);
    r.signed.as_mut().unwrap().key = format_public(&public_from_seed(&OTHER_DEVICE));
    r.checksum = record_checksum(&r);
    assert_eq!(code(&plan, &r), "bad_signature");
    // Another device under the same token, each sheet valid alone: settle refuses the later.
    let t = token(&plan, "E07", &["jiangan"]);
    let a = signed(sheet(&plan, "E07", &["jiangan"], AT), &t, &DEVICE);
    let b = signed(
        sheet(&plan, "E07", &["jiangan"], "2026-12-03T00:00:00.000Z"),
        &t,
        &OTHER_DEVICE,
    );
    let refs: Vec<SignedSheetRef> = [&b, &a]
        .iter()
        .map(|r| SignedSheetRef::from(&check_signed_record(&rules(&plan), r).unwrap().unwrap()))
        .collect();
    let d = settle(&refs);
    assert!(matches!(d[0], SheetDecision::OtherKey { .. }), "{d:?}");
    assert_eq!(d[1], SheetDecision::Counts);
}

#[test]
fn a_sheet_outside_the_validity_is_rejected() {
    let plan = plan();
    let t = token(&plan, "E07", &["jiangan"]);
    for at in [
        "2026-11-30T23:59:59.999Z",
        "2026-12-31T16:00:00.000Z",
        "not a time",
    ] {
        let r = signed(sheet(&plan, "E07", &["jiangan"], at), &t, &DEVICE);
        assert_eq!(code(&plan, &r), "token_expired", "{at}");
    }
    let r = signed(
        sheet(&plan, "E07", &["jiangan"], "2026-12-31T15:59:59.999Z"),
        &t,
        &DEVICE,
    );
    assert!(check_signed_record(&rules(&plan), &r).is_ok());
}

#[test]
fn a_unit_outside_the_assignment_is_rejected() {
    let plan = plan();
    let t = token(&plan, "E07", &["jiangan"]);
    let r = signed(
        sheet(&plan, "E07", &["jiangan", "wuchang"], AT),
        &t,
        &DEVICE,
    );
    assert_eq!(
        check_signed_record(&rules(&plan), &r),
        Err(TrustError::OutsideAssignment("wuchang".into()))
    );
    // A recused unit is a unit of the sheet too.
    let mut s = sheet(&plan, "E07", &["jiangan"], AT);
    s.answers.insert("recused".into(), json!(["hanyang"]));
    let r = signed(s, &t, &DEVICE);
    assert_eq!(code(&plan, &r), "outside_assignment");
}

#[test]
fn a_revoked_office_key_verifies_nothing() {
    let mut plan = plan();
    let r = good(&plan);
    plan.trust["keys"][0]["revoked"] = json!(true);
    assert_eq!(code(&plan, &r), "revoked_key");
    assert!(matches!(
        draft("E07", &["jiangan"]).payload(&plan),
        Err(TrustError::RevokedKey(_))
    ));
}

#[test]
fn a_draft_is_checked_against_the_plan() {
    let mut plan = plan();
    let err = |d: InvitationDraft, plan: &Plan| d.payload(plan).unwrap_err().code();
    assert_eq!(err(draft("E07", &["nowhere"]), &plan), "unknown_unit");
    assert_eq!(err(draft("E07", &[]), &plan), "unit_count");
    let mut d = draft("E07", &["jiangan"]);
    d.instrument = "public".into();
    assert_eq!(err(d, &plan), "not_invitable");
    let mut d = draft("E07", &["jiangan"]);
    d.group = Some("nobody".into());
    assert_eq!(err(d, &plan), "unknown_group");
    let mut d = draft("E07", &["jiangan"]);
    d.valid_until = "2026-11-01T00:00:00Z".into();
    assert_eq!(err(d, &plan), "empty_validity");
    let mut d = draft("E07", &["jiangan"]);
    d.serial = "xyz".into();
    assert_eq!(err(d, &plan), "bad_serial");
    let mut d = draft("E07", &["jiangan"]);
    d.key = "ffffffffffffffff".into();
    assert_eq!(err(d, &plan), "unknown_key");
    // A panel that rates only the central districts does not rate a department.
    let ins = plan
        .instruments
        .iter_mut()
        .find(|i| i.id == "expert")
        .unwrap();
    ins.review.as_mut().unwrap().categories = vec!["central".into()];
    assert_eq!(err(draft("E07", &["ndrc"]), &plan), "unit_not_rated");
    let p = draft("E07", &["jiangan", "hanyang", "jiangan"])
        .payload(&plan)
        .unwrap();
    assert_eq!(p.units, ["hanyang", "jiangan"]);
}

#[test]
fn a_reused_code_counts_once() {
    let plan = plan();
    let codes = generate_codes(
        &[7u8; 8]
            .iter()
            .chain(&[8u8; 8])
            .copied()
            .collect::<Vec<_>>(),
    );
    let batch = CodeBatch::of_codes(
        &plan.id,
        "cadre",
        "会议",
        "2026-12-01T00:00:00Z",
        &office_id(),
        &codes,
    )
    .unwrap()
    .signed(&OFFICE);
    let mut book = CodeBook::default();
    book.add(&rules(&plan), &plan.id, &batch).unwrap();
    let uses: Vec<CodeUse> = [
        Some(codes[0].as_str()),
        Some(&codes[0].to_lowercase()),
        Some(codes[1].as_str()),
    ]
    .into_iter()
    .map(|c| book.claim("cadre", c))
    .collect();
    assert_eq!(uses, [CodeUse::Counted, CodeUse::Reused, CodeUse::Counted]);
    let c = &book.counts()["cadre"];
    assert_eq!((c.issued, c.used, c.reused, c.unknown), (2, 2, 1, 0));
    // A batch signed by another key adds no code.
    let forged = CodeBatch::of_codes(
        &plan.id,
        "cadre",
        "假",
        "2026-12-01T00:00:00Z",
        &office_id(),
        &["ZZZZ-ZZZZ-ZZZZ".to_owned()],
    )
    .unwrap()
    .signed(&[5; 32]);
    assert_eq!(
        book.add(&rules(&plan), &plan.id, &forged)
            .unwrap_err()
            .code(),
        "code_batch_invalid"
    );
    assert_eq!(
        book.claim("cadre", Some("ZZZZ-ZZZZ-ZZZZ")),
        CodeUse::Unknown
    );
}
