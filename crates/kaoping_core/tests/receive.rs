//! Records received one at a time (`ingest::Receiver`, what `kaoping collect` checks each POST
//! with) get ingest's verdict: the trust fixtures' records, taken in the order of
//! `expected.json`'s ingest and held the way a collector's store holds them (each respondent id
//! and each code once), are refused with exactly ingest's codes, except `other_key`, which
//! needs every sheet at once and is left to ingest (such a sheet is kept).

use kaoping_core::ingest::{Receiver, Refusal};
use kaoping_core::plan::{demo_plan, load_plan};
use kaoping_core::record::record_checksum;
use kaoping_core::score::demo_inputs;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trust")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap()
}

/// What a collector's store does after the checks: a respondent id or a code already held
/// refuses the record.
#[derive(Default)]
struct Store {
    respondents: BTreeSet<(String, String)>,
    codes: BTreeSet<(String, String)>,
}

impl Store {
    fn take(&mut self, r: &Receiver, body: &[u8]) -> Result<(), Refusal> {
        let got = r.check(body)?;
        let ins = got.record.instrument.clone();
        if let Some(id) = &got.respondent {
            if self.respondents.contains(&(ins.clone(), id.clone())) {
                return Err(Receiver::duplicate(&got.record));
            }
        }
        if let Some(h) = &got.code_hash {
            if !self.codes.insert((ins.clone(), h.clone())) {
                return Err(Receiver::code_reused(&got.record));
            }
        }
        if let Some(id) = got.respondent {
            self.respondents.insert((ins, id));
        }
        Ok(())
    }
}

#[test]
fn each_record_gets_ingests_code() {
    let plan = load_plan(&read("plan.json")).unwrap();
    let mut r = Receiver::new(&plan);
    assert_eq!(r.code_instruments(), ["cadre"]);
    r.add_code_batch("codes-2025-12.json", read("codes-2025-12.json").as_bytes())
        .unwrap();
    let bad = r
        .add_code_batch(
            "codes-tampered.json",
            read("codes-tampered.json").as_bytes(),
        )
        .unwrap_err();
    assert_eq!(bad.code, "code_batch_invalid");
    let expected: Value = serde_json::from_str(&read("expected.json")).unwrap();
    let mut want: BTreeMap<(String, u64), String> = BTreeMap::new();
    for x in expected["rejected"].as_array().unwrap() {
        let key = (
            x["file"].as_str().unwrap().to_owned(),
            x["row"].as_u64().unwrap(),
        );
        want.insert(key, x["code"].as_str().unwrap().to_owned());
    }
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl") || (n.starts_with("expert-") && n.ends_with(".json")))
        .collect();
    files.sort();
    let mut store = Store::default();
    let (mut taken, mut refused) = (0, 0);
    for f in &files {
        let text = read(f);
        let bodies: Vec<String> = if f.ends_with(".jsonl") {
            text.lines().map(str::to_owned).collect()
        } else {
            vec![text]
        };
        for (i, body) in bodies.iter().enumerate() {
            let key = (f.clone(), i as u64 + 1);
            let got = store.take(&r, body.as_bytes());
            match want.get(&key).map(String::as_str) {
                None | Some("other_key") => {
                    assert!(got.is_ok(), "{key:?}: {got:?}");
                    taken += 1;
                }
                Some(code) => {
                    let e = got.expect_err(&format!("{key:?} should be refused"));
                    assert_eq!(e.code, code, "{key:?}");
                    assert!(!e.message.get("en").is_empty() && !e.message.get("zh-CN").is_empty());
                    refused += 1;
                }
            }
        }
    }
    // 15 expert sheets, the correction and the re-signed copy; 2 cadre records.
    assert_eq!((taken, refused), (19, 7));
}

#[test]
fn malformed_tampered_and_foreign_bodies_are_refused() {
    let plan = demo_plan();
    let r = Receiver::new(&plan);
    let inputs = demo_inputs(7, 3);
    let good = serde_json::to_string(&inputs.records[0]).unwrap();
    let got = r.check(good.as_bytes()).unwrap();
    let ins = &got.record.instrument;
    assert_eq!(
        got.respondent.as_deref(),
        Some(got.record.respondent_id.as_str())
    );
    assert!(got.code_hash.is_none());
    // The public survey names its unit in `district`.
    if ins == "public" {
        assert_eq!(
            got.unit.as_deref(),
            got.record.answers["district"].as_str(),
            "{ins}"
        );
    }
    let refusal = |body: &str| r.check(body.as_bytes()).unwrap_err();
    assert_eq!(refusal("{\"a\": ").code, "json_syntax");
    assert!(refusal("{\"a\": ").is_malformed());
    assert_eq!(refusal(&format!("[{good}]")).code, "not_a_record");
    assert_eq!(refusal("{\"format\": 1}").code, "not_a_record");
    let mut v: Value = serde_json::from_str(&good).unwrap();
    v["respondent_id"] = "someone-else".into();
    let e = refusal(&v.to_string());
    assert_eq!(
        (e.code, e.column.as_deref()),
        ("checksum_mismatch", Some("checksum"))
    );
    assert!(!e.is_malformed());
    let mut rec = inputs.records[0].clone();
    rec.plan_sha256 = "0".repeat(64);
    rec.checksum = record_checksum(&rec);
    assert_eq!(
        refusal(&serde_json::to_string(&rec).unwrap()).code,
        "another_plan"
    );
    // A NUL or a line break in the respondent id, sealed with a right checksum: refused with
    // its reason (PostgreSQL cannot keep a NUL as text, so the collector would fail for ever).
    for id in ["r\u{0}1", "r\n1"] {
        let mut rec = inputs.records[0].clone();
        rec.respondent_id = id.into();
        rec.checksum = record_checksum(&rec);
        let e = refusal(&serde_json::to_string(&rec).unwrap());
        assert_eq!(
            (e.code, e.column.as_deref()),
            ("bad_respondent_id", Some("respondent_id")),
            "{id:?}"
        );
        assert!(e.message.get("zh-CN").contains("控制字符"));
    }
    // A plan without a trust section takes no code batch.
    let e = Receiver::new(&plan)
        .add_code_batch("b.json", read("codes-2025-12.json").as_bytes())
        .unwrap_err();
    assert_eq!(e.code, "code_batch_invalid");
}
