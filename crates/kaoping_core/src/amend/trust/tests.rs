use super::*;
use crate::amend::{amend_plan, diff_plan_texts, AmendError};
use crate::plan::DEMO_PLAN_JSON;
use crate::text::Text;
use crate::trust::keys::{format_public, key_id, public_from_seed};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn public(seed: u8) -> (String, String) {
    let p = public_from_seed(&[seed; 32]);
    (format_public(&p), key_id(&p))
}

fn reason() -> Text {
    Text::new("写入办公室公钥", "office key put in")
}

fn key_file(seed: u8) -> String {
    let (public, id) = public(seed);
    json!({"format": "kaoping.key/1", "id": id, "public": public, "created": "2026-12-01T00:00:00Z",
           "kdf": {}, "cipher": {}, "secret": "x"})
    .to_string()
}

fn codes(a: &crate::amend::Amended) -> Vec<&'static str> {
    a.diff.changes.iter().map(|c| c.code).collect()
}

#[test]
fn the_office_key_goes_in_as_an_amendment() {
    let (pubtext, id) = public(7);
    let a = with_office_key(DEMO_PLAN_JSON, &key_file(7), "2026-12-02", reason()).unwrap();
    assert_eq!(codes(&a), ["version_changed", "key_added"]);
    assert!(a.diff.compatible, "a key added invalidates no record");
    let v: Value = serde_json::from_str(&a.json).unwrap();
    assert_eq!(v["trust"]["keys"], json!([{"id": id, "public": pubtext}]));
    assert_eq!(v["version"], json!("2"), "the demo plan's version 1 → 2");
    assert_eq!(v["amendments"][0]["replaces_version"], json!("1"));
    // The new plan reads its key back.
    let plan = crate::validate::validate_plan(&a.json).plan.unwrap();
    assert_eq!(TrustRules::of(&plan).unwrap().keys[0].id, id);
    // The public key text alone does the same.
    let b = with_office_key(DEMO_PLAN_JSON, &pubtext, "2026-12-02", reason()).unwrap();
    assert_eq!(b.json, a.json);
    // The same key again changes nothing.
    assert_eq!(
        with_office_key(&a.json, &pubtext, "2026-12-03", reason()),
        Err(TrustEditError::Amend(AmendError::Unchanged))
    );
}

#[test]
fn a_trust_only_change_is_an_amendment_not_nothing() {
    let mut v: Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    let (pubtext, id) = public(3);
    v["version"] = json!("2");
    v["trust"] = json!({"keys": [{"id": id, "public": pubtext}]});
    let next = serde_json::to_string(&v).unwrap();
    let d = diff_plan_texts(DEMO_PLAN_JSON, &next).unwrap();
    assert!(d
        .changes
        .iter()
        .any(|c| c.code == "key_added" && c.path == "/trust/keys/0"));
    amend_plan(DEMO_PLAN_JSON, &next, "2026-12-02", reason()).unwrap();
}

#[test]
fn restricting_access_says_earlier_records_will_be_rejected() {
    let with_key = with_office_key(DEMO_PLAN_JSON, &public(1).0, "2026-12-02", reason()).unwrap();
    let a = with_access(
        &with_key.json,
        "expert",
        Access::Invitation,
        "2026-12-03",
        reason(),
    )
    .unwrap();
    let c = a
        .diff
        .changes
        .iter()
        .find(|c| c.code == "access_restricted")
        .unwrap();
    assert_eq!(c.path, "/trust/instruments/expert");
    assert_eq!(c.instrument.as_deref(), Some("expert"));
    assert!(
        c.message.get("en").contains("rejected at ingest"),
        "{:?}",
        c.message
    );
    assert!(c.message.get("zh-CN").contains("拒收"), "{:?}", c.message);
    assert_eq!(a.amendment.version, "3");
    let cadre = with_access(&a.json, "cadre", Access::Code, "2026-12-04", reason()).unwrap();
    let c = cadre
        .diff
        .changes
        .iter()
        .find(|c| c.code == "access_restricted")
        .unwrap();
    assert!(c.message.get("en").contains("code_missing"));
    // Back to open: the instrument leaves trust.instruments.
    let open = with_access(&cadre.json, "expert", Access::Open, "2026-12-05", reason()).unwrap();
    assert!(codes(&open).contains(&"access_opened"));
    let v: Value = serde_json::from_str(&open.json).unwrap();
    assert_eq!(v["trust"]["instruments"], json!({"cadre": "code"}));
}

#[test]
fn revoking_a_key_and_refusals() {
    let (pubtext, id) = public(9);
    let a = with_office_key(DEMO_PLAN_JSON, &pubtext, "2026-12-02", reason()).unwrap();
    let edit = TrustEdit {
        revoke: vec![id.clone()],
        ..TrustEdit::default()
    };
    let r = amend_trust(&a.json, &edit, "2026-12-03", reason()).unwrap();
    assert_eq!(codes(&r), ["version_changed", "key_revoked"]);
    let v: Value = serde_json::from_str(&r.json).unwrap();
    assert_eq!(v["trust"]["keys"][0]["revoked"], json!(true));
    // A revoked key is not put in again; unknown keys and instruments are named.
    assert_eq!(
        with_office_key(&r.json, &pubtext, "2026-12-04", reason()),
        Err(TrustEditError::KeyRevoked(id))
    );
    let unknown = TrustEdit {
        revoke: vec!["0000000000000000".into()],
        ..TrustEdit::default()
    };
    assert_eq!(
        edit_trust(&a.json, &unknown),
        Err(TrustEditError::UnknownKey("0000000000000000".into()))
    );
    assert_eq!(
        with_access(DEMO_PLAN_JSON, "nope", Access::Code, "2026-12-02", reason()),
        Err(TrustEditError::UnknownInstrument("nope".into()))
    );
    assert!(matches!(
        with_office_key(DEMO_PLAN_JSON, "ed25519:abc", "2026-12-02", reason()),
        Err(TrustEditError::BadKey(_))
    ));
    let mut file: Value = serde_json::from_str(&key_file(9)).unwrap();
    file["id"] = json!("ffffffffffffffff");
    assert!(matches!(
        with_office_key(DEMO_PLAN_JSON, &file.to_string(), "2026-12-02", reason()),
        Err(TrustEditError::KeyIdMismatch { .. })
    ));
    assert!(matches!(
        with_office_key(DEMO_PLAN_JSON, &pubtext, "2026-12", reason()),
        Err(TrustEditError::Amend(AmendError::BadDate(_)))
    ));
}

#[test]
fn the_next_version_skips_the_history() {
    assert_eq!(edit::next_version("1", &["1"]), "2");
    assert_eq!(edit::next_version("2026.09", &[]), "2026.10");
    assert_eq!(edit::next_version("v2", &["v3"]), "v4");
    assert_eq!(edit::next_version("draft", &[]), "draft.1");
}

#[test]
fn the_choices_offered_are_those_the_plan_accepts() {
    use Access::{Code, Invitation, Open};
    let plan = crate::plan::demo_plan();
    let c = trust_choices(&plan).unwrap();
    assert!(c.keys.is_empty());
    let got: Vec<(&str, Access, &[Access])> = c
        .instruments
        .iter()
        .map(|a| (a.instrument.as_str(), a.access, a.choices.as_slice()))
        .collect();
    assert_eq!(
        got,
        [
            ("public", Open, &[Open, Code][..]),
            ("expert", Open, &[Open, Invitation, Code][..]),
            ("cadre", Open, &[Open, Code][..]),
        ]
    );
    // Each choice offered makes a valid plan with the key; an invitation not offered does not.
    let (pubtext, _) = public(5);
    for a in &c.instruments {
        for access in [Open, Invitation, Code] {
            let edit = TrustEdit {
                key: Some(pubtext.clone()),
                access: BTreeMap::from([(a.instrument.clone(), access)]),
                ..TrustEdit::default()
            };
            let made = edit_trust(DEMO_PLAN_JSON, &edit);
            assert_eq!(
                made.is_ok(),
                a.choices.contains(&access),
                "{} {access:?}: {made:?}",
                a.instrument
            );
        }
    }
    // The page sends every instrument's access: all open writes no `instruments`.
    let all_open = TrustEdit {
        key: Some(pubtext.clone()),
        access: c
            .instruments
            .iter()
            .map(|a| (a.instrument.clone(), Open))
            .collect(),
        ..TrustEdit::default()
    };
    let v: Value = serde_json::from_str(&edit_trust(DEMO_PLAN_JSON, &all_open).unwrap()).unwrap();
    assert_eq!(
        v["trust"],
        json!({"keys": [{"id": public(5).1, "public": pubtext}]})
    );
    // The amended plan's keys and access come back, a revoked key marked.
    let edit = TrustEdit {
        key: Some(pubtext),
        access: BTreeMap::from([("cadre".to_owned(), Code)]),
        ..TrustEdit::default()
    };
    let a = amend_trust(DEMO_PLAN_JSON, &edit, "2026-12-02", reason()).unwrap();
    let id = public(5).1;
    // Revoking the only key of a plan whose cadre needs codes leaves no key to check them.
    let revoke = TrustEdit {
        revoke: vec![id.clone()],
        ..TrustEdit::default()
    };
    assert!(matches!(
        amend_trust(&a.json, &revoke, "2026-12-03", reason()),
        Err(TrustEditError::Invalid { path, .. }) if path == "/trust/keys"
    ));
    // A new key put in with the revocation (a lost laptop) does.
    let revoke = TrustEdit {
        key: Some(public(6).0),
        ..revoke
    };
    let b = amend_trust(&a.json, &revoke, "2026-12-03", reason()).unwrap();
    assert_eq!(codes(&b), ["version_changed", "key_revoked", "key_added"]);
    let plan = crate::validate::validate_plan(&b.json).plan.unwrap();
    let c = trust_choices(&plan).unwrap();
    let keys: Vec<(&str, bool)> = c.keys.iter().map(|k| (k.id.as_str(), k.revoked)).collect();
    assert_eq!(keys, [(id.as_str(), true), (public(6).1.as_str(), false)]);
    assert_eq!(c.instruments[2].access, Code);
}
