//! Who may rate, at ingest (issue 16): the files of `tests/fixtures/trust/` are made here,
//! deterministically (Ed25519 signatures are; the keys come from fixed seeds), and checked to
//! be what is on disk (`UPDATE_FIXTURES=1` writes them and `expected.json`; see the README
//! there). The ingest report of the files read in name order is `expected.json`; any order of
//! the files gives the same report and result; the expert component counts the correction,
//! not the sheet it corrects.

use kaoping_core::ingest::{IngestReport, IngestSession, RecordsEvaluation};
use kaoping_core::plan::{load_plan, Plan};
use kaoping_core::record::{record_checksum, ResponseRecord};
use kaoping_core::score::{demo_inputs, evaluate, ScoringInputs};
use kaoping_core::trust::codes::{generate_codes, CodeBatch};
use kaoping_core::trust::keys::{b64u, format_public, key_id, public_from_seed, sign};
use kaoping_core::trust::token::{rated_units, sign_invitation, InvitationDraft};
use kaoping_core::trust::{attach_signature, prepare_signed, sheet_message};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

const OFFICE: [u8; 32] = [11; 32];
/// The unit whose scores the correction changes.
const UNIT: &str = "jiangan";
const VALID_FROM: &str = "2025-11-01T00:00:00+08:00";
const VALID_UNTIL: &str = "2026-12-31T23:59:59.999+08:00";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trust")
}

fn office_id() -> String {
    key_id(&public_from_seed(&OFFICE))
}

/// The demo plan with a trust section: the office key, invited experts, cadre by code.
fn plan_text() -> String {
    let mut v: Value = serde_json::from_str(include_str!("../plans/demo.json")).unwrap();
    let public = public_from_seed(&OFFICE);
    v["trust"] = json!({
        "keys": [{"id": office_id(), "public": format_public(&public)}],
        "instruments": {"expert": "invitation", "cadre": "code"}
    });
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

/// A device key's seed per rater (E01 → 101, …) and the other device of a re-signed copy.
fn device(rater: &str) -> [u8; 32] {
    [100 + rater[1..].parse::<u8>().unwrap(); 32]
}
const OTHER_DEVICE: [u8; 32] = [99; 32];

fn token(plan: &Plan, rater: &str, group: &str, units: Vec<String>, until: &str) -> String {
    let draft = InvitationDraft {
        rater: rater.into(),
        name: format!("专家{rater}"),
        group: Some(group.into()),
        instrument: "expert".into(),
        units,
        valid_from: VALID_FROM.into(),
        valid_until: until.into(),
        key: office_id(),
        serial: format!(
            "{:016x}",
            0xabc0_0000_u64 + rater[1..].parse::<u64>().unwrap()
        ),
    };
    sign_invitation(&draft.payload(plan).unwrap(), &OFFICE)
}

fn all_units(plan: &Plan) -> Vec<String> {
    let ins = plan.instrument("expert").unwrap();
    rated_units(plan, ins)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// A record of the demo data made for this plan (its fingerprint), sealed again.
fn for_plan(plan: &Plan, mut r: ResponseRecord) -> ResponseRecord {
    r.plan_sha256 = plan.sha256.clone();
    r.checksum = record_checksum(&r);
    r
}

fn signed(r: ResponseRecord, token: &str, seed: &[u8; 32]) -> ResponseRecord {
    let r = prepare_signed(r, token, &format_public(&public_from_seed(seed)));
    let sig = b64u(&sign(seed, &sheet_message(&r)));
    attach_signature(r, &sig).unwrap()
}

fn group_of(r: &ResponseRecord) -> String {
    r.answers["group"].as_str().unwrap().to_owned()
}

/// E01's sheet corrected: every score of [`UNIT`] set to 100, submitted a day later.
fn corrected(r: &ResponseRecord) -> ResponseRecord {
    let mut c = r.clone();
    if let Some(Value::Object(inds)) = c.answers.get_mut("scores").and_then(|s| s.get_mut(UNIT)) {
        for v in inds.values_mut() {
            *v = json!(100);
        }
    }
    c.submitted_at = c.submitted_at.replacen("2025-12-01", "2025-12-02", 1);
    assert_ne!(c.submitted_at, r.submitted_at);
    c.signed = None;
    c.checksum = record_checksum(&c);
    c
}

fn jsonl(records: &[ResponseRecord]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

fn pretty(r: &ResponseRecord) -> String {
    serde_json::to_string_pretty(r).unwrap() + "\n"
}

struct Made {
    /// Record files, by name.
    files: BTreeMap<String, String>,
    /// Code batch files, by name.
    batches: BTreeMap<String, String>,
    /// The expert sheets that should count (E01's correction in place of its original), the
    /// original E01, and the cadre records that should count.
    counted_experts: Vec<ResponseRecord>,
    original: ResponseRecord,
    counted_cadre: Vec<ResponseRecord>,
}

fn make(plan: &Plan) -> Made {
    let demo = demo_inputs(7, 0).records;
    let experts: Vec<ResponseRecord> = demo
        .iter()
        .filter(|r| r.instrument == "expert")
        .map(|r| for_plan(plan, r.clone()))
        .collect();
    let units = all_units(plan);
    let tok = |r: &ResponseRecord| {
        token(
            plan,
            &r.respondent_id,
            &group_of(r),
            units.clone(),
            VALID_UNTIL,
        )
    };
    let genuine: Vec<ResponseRecord> = experts
        .iter()
        .map(|r| signed(r.clone(), &tok(r), &device(&r.respondent_id)))
        .collect();
    let mut files = BTreeMap::new();
    files.insert("experts.jsonl".to_owned(), jsonl(&genuine));
    // A correction of E01: same token, same device, later.
    let e01 = &experts[0];
    let correction = signed(corrected(e01), &tok(e01), &device("E01"));
    files.insert("expert-correction.json".to_owned(), pretty(&correction));
    // A forged copy of E02: a score changed after signing.
    let mut forged = genuine[1].clone();
    if let Some(Value::Object(inds)) = forged
        .answers
        .get_mut("scores")
        .and_then(|s| s.get_mut(UNIT))
    {
        if let Some(v) = inds.values_mut().next() {
            *v = json!(0);
        }
    }
    forged.checksum = record_checksum(&forged);
    files.insert("expert-forged.json".to_owned(), pretty(&forged));
    // E03's token on another device, later: the token is bound to the first device.
    let mut later = corrected(&experts[2]);
    later.submitted_at = later.submitted_at.replacen("2025-12-02", "2025-12-03", 1);
    later.checksum = record_checksum(&later);
    let resigned = signed(later, &tok(&experts[2]), &OTHER_DEVICE);
    files.insert("expert-resigned.json".to_owned(), pretty(&resigned));
    // E04 again under a token that expired before the sheet was submitted.
    let e04 = &experts[3];
    let expired_tok = token(
        plan,
        "E04",
        &group_of(e04),
        units.clone(),
        "2025-11-30T23:59:59.999+08:00",
    );
    let mut e04_again = corrected(e04);
    e04_again.respondent_id = "E04".into();
    let expired = signed(e04_again, &expired_tok, &device("E04"));
    files.insert("expert-expired.json".to_owned(), pretty(&expired));
    // E05 again under a token that does not assign UNIT.
    let e05 = &experts[4];
    let fewer: Vec<String> = units.iter().filter(|u| *u != UNIT).cloned().collect();
    let outside = signed(
        corrected(e05),
        &token(plan, "E05", &group_of(e05), fewer, VALID_UNTIL),
        &device("E05"),
    );
    files.insert("expert-outside.json".to_owned(), pretty(&outside));
    // E06 again, unsigned.
    files.insert(
        "expert-unsigned.json".to_owned(),
        pretty(&corrected(&experts[5])),
    );

    // Codes: a batch of 6 for the cadre appraisal, and a batch changed after signing.
    let codes = generate_codes(&(0u8..48).map(|i| i.wrapping_mul(37)).collect::<Vec<_>>());
    let batch = CodeBatch::of_codes(
        &plan.id,
        "cadre",
        "2025-12 会议",
        "2025-12-01T00:00:00.000Z",
        &office_id(),
        &codes,
    )
    .unwrap()
    .signed(&OFFICE);
    let mut bad = CodeBatch::of_codes(
        &plan.id,
        "cadre",
        "2025-12 补发",
        "2025-12-01T00:00:00.000Z",
        &office_id(),
        &["ZZZZ-ZZZZ-ZZZ1".to_owned()],
    )
    .unwrap()
    .signed(&OFFICE);
    bad.hashes[0] = bad.hashes[0].replace(|c: char| c.is_ascii_digit(), "a");
    let mut batches = BTreeMap::new();
    batches.insert(
        "codes-2025-12.json".to_owned(),
        serde_json::to_string_pretty(&batch).unwrap() + "\n",
    );
    batches.insert(
        "codes-tampered.json".to_owned(),
        serde_json::to_string_pretty(&bad).unwrap() + "\n",
    );
    let cadre: Vec<ResponseRecord> = demo
        .iter()
        .filter(|r| r.instrument == "cadre")
        .take(5)
        .map(|r| for_plan(plan, r.clone()))
        .collect();
    let with_code = |r: &ResponseRecord, code: Option<&str>| {
        let mut r = r.clone();
        r.code =
            code.map(|c| kaoping_core::trust::codes::normalize_code(c).unwrap_or(c.to_owned()));
        r.checksum = record_checksum(&r);
        r
    };
    let cadre_records = vec![
        with_code(&cadre[0], Some(&codes[0])),
        with_code(&cadre[1], Some(&codes[1])),
        with_code(&cadre[2], Some(&codes[0])),        // reused
        with_code(&cadre[3], Some("ZZZZ-ZZZZ-ZZZZ")), // unknown
        with_code(&cadre[4], None),                   // missing
    ];
    files.insert("cadre.jsonl".to_owned(), jsonl(&cadre_records));
    // The same appraisal as a table with a code column: a good code, a reused one, none.
    let more: Vec<&ResponseRecord> = demo
        .iter()
        .filter(|r| r.instrument == "cadre")
        .skip(5)
        .take(3)
        .collect();
    let mut csv = String::from("respondent_id,submitted_at,unit");
    let team = ["political", "leadership", "results", "integrity"];
    let heads = ["secretary", "head", "deputy_1", "deputy_2"];
    for t in team {
        csv.push_str(&format!(",team.{t}"));
    }
    for c in heads {
        csv.push_str(&format!(",cadres.{c}"));
    }
    csv.push_str(",评价码\n");
    let csv_codes = [codes[2].as_str(), codes[2].as_str(), ""];
    for (r, code) in more.iter().zip(csv_codes) {
        let cell = |q: &str, row: &str| {
            r.answers
                .get(q)
                .and_then(|m| m.get(row))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let unit = r.answers["unit"].as_str().unwrap();
        csv.push_str(&format!("{},{},{unit}", r.respondent_id, r.submitted_at));
        for t in team {
            csv.push_str(&format!(",{}", cell("team", t)));
        }
        for c in heads {
            csv.push_str(&format!(",{}", cell("cadres", c)));
        }
        csv.push_str(&format!(",{}\n", code.to_lowercase()));
    }
    files.insert("cadre-table.csv".to_owned(), csv);
    let mut counted_experts = genuine.clone();
    counted_experts[0] = correction;
    Made {
        files,
        batches,
        counted_experts,
        original: genuine[0].clone(),
        counted_cadre: cadre_records[..2].to_vec(),
    }
}

/// Every fixture file is what [`make`] makes (or is written so with `UPDATE_FIXTURES`).
fn fixtures() -> (Plan, Made) {
    let text = plan_text();
    let plan = load_plan(&text).unwrap();
    let made = make(&plan);
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut all = made.files.clone();
    all.extend(made.batches.clone());
    all.insert("plan.json".to_owned(), text);
    for (name, body) in &all {
        let p = dir().join(name);
        if update {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&p, body).unwrap();
        }
        let on_disk = std::fs::read_to_string(&p).unwrap_or_default();
        assert!(
            on_disk == *body,
            "{} is not what the generator makes (UPDATE_FIXTURES=1)",
            p.display()
        );
    }
    (plan, made)
}

fn ingest(plan: &Plan, made: &Made, order: &[&String]) -> RecordsEvaluation {
    let batches: Vec<(&String, &[u8])> = made
        .batches
        .iter()
        .map(|(n, t)| (n, t.as_bytes()))
        .collect();
    let mut s = IngestSession::scoring(plan)
        .unwrap()
        .with_code_batches(&batches)
        .unwrap();
    for name in order {
        s.begin(name, Default::default()).unwrap();
        s.push(made.files[*name].as_bytes()).unwrap();
        s.end().unwrap();
    }
    s.evaluate().unwrap()
}

/// The report with its lists in a fixed order (files by name, rejections by file and row).
fn normalised(r: &IngestReport) -> Value {
    let mut v = serde_json::to_value(r).unwrap();
    let sort = |a: &mut Vec<Value>, key: &dyn Fn(&Value) -> String| a.sort_by_key(|x| key(x));
    if let Some(Value::Array(a)) = v.get_mut("files") {
        sort(a, &|x| x["file"].to_string());
    }
    if let Some(Value::Array(a)) = v.get_mut("rejected") {
        sort(a, &|x| format!("{}/{:08}", x["file"], x["row"]));
    }
    v
}

#[test]
fn signed_sheets_and_codes_are_checked_in_any_order() {
    let (plan, made) = fixtures();
    let names: Vec<&String> = made.files.keys().collect();
    let first = ingest(&plan, &made, &names);
    let report = &first.ingest;
    let got = serde_json::to_string_pretty(report).unwrap() + "\n";
    common::check(&dir().join("expected.json"), &got).unwrap();
    // Counts reconcile: superseded sheets are accepted (not scored).
    assert_eq!(report.read, report.accepted + report.rejected.len());
    let codes: Vec<(&str, &str, usize)> = report
        .rejected
        .iter()
        .map(|r| (r.file.as_str(), r.code, r.row))
        .collect();
    for want in [
        ("codes-tampered.json", "code_batch_invalid", 0),
        ("expert-forged.json", "bad_signature", 1),
        ("expert-resigned.json", "other_key", 1),
        ("expert-expired.json", "token_expired", 1),
        ("expert-outside.json", "outside_assignment", 1),
        ("expert-unsigned.json", "unsigned", 1),
        ("cadre.jsonl", "code_reused", 3),
        ("cadre.jsonl", "code_unknown", 4),
        ("cadre.jsonl", "code_missing", 5),
        ("cadre-table.csv", "code_reused", 3),
        ("cadre-table.csv", "code_missing", 4),
    ] {
        assert!(codes.contains(&want), "{want:?} not in {codes:?}");
    }
    assert_eq!(report.rejected.len(), 11, "{codes:?}");
    assert_eq!(report.superseded.len(), 1);
    let s = &report.superseded[0];
    assert_eq!(
        (s.file.as_str(), s.row, s.rater.as_str()),
        ("experts.jsonl", 1, "E01")
    );
    assert_eq!(
        (s.counted_file.as_str(), s.counted_row),
        ("expert-correction.json", 1)
    );
    let c = &report.codes["cadre"];
    assert_eq!(
        (c.issued, c.used, c.unknown, c.reused, c.missing),
        (6, 3, 1, 2, 2)
    );
    // Every other order gives the same report and result.
    let want = (
        normalised(report),
        serde_json::to_value(&first.result).unwrap(),
    );
    let mut reversed = names.clone();
    reversed.reverse();
    let mut shuffled = names.clone();
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    for i in (1..shuffled.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        shuffled.swap(i, (x % (i as u64 + 1)) as usize);
    }
    assert_ne!(shuffled, names);
    for order in [reversed, shuffled] {
        let other = ingest(&plan, &made, &order);
        assert_eq!(normalised(&other.ingest), want.0, "order {order:?}");
        assert_eq!(
            serde_json::to_value(&other.result).unwrap(),
            want.1,
            "order {order:?}"
        );
    }
}

#[test]
fn the_expert_component_counts_the_correction() {
    let (plan, made) = fixtures();
    let names: Vec<&String> = made.files.keys().collect();
    let got = ingest(&plan, &made, &names).result;
    let score = |records: Vec<ResponseRecord>| {
        let inputs = ScoringInputs {
            records,
            ..Default::default()
        };
        evaluate(&plan, &inputs).unwrap()
    };
    let mut with_correction = made.counted_experts.clone();
    with_correction.extend(made.counted_cadre.clone());
    let mut with_original = with_correction.clone();
    with_original[0] = made.original.clone();
    let expert = |r: &kaoping_core::score::EvaluationResult| {
        r.units
            .iter()
            .find(|u| u.unit == UNIT)
            .and_then(|u| u.components.expert.summary.value)
            .unwrap()
    };
    let want = expert(&score(with_correction));
    let original = expert(&score(with_original));
    assert_ne!(
        want, original,
        "the correction changes the unit's expert score"
    );
    assert_eq!(expert(&got), want);
}

/// `kaoping aggregate --codes`: the batches are inputs of role `code_batch` in the manifest,
/// read before the records; the run gives the session's report, and `superseded.csv`.
#[test]
fn an_aggregation_names_its_code_batches_and_writes_the_superseded_sheets() {
    use kaoping_core::aggregate::AggregateRun;
    use kaoping_core::manifest::{InputRole, Parameters};
    let (plan, made) = fixtures();
    let text = plan_text();
    let params = Parameters { lang: "en".into() };
    let mut run = AggregateRun::new(&plan, "plan.json", text.as_bytes(), params).unwrap();
    for (name, body) in &made.batches {
        run.begin(name, Some(InputRole::CodeBatch), Default::default())
            .unwrap();
        run.push(body.as_bytes()).unwrap();
        let entry = run.end().unwrap();
        assert_eq!(entry.records, None);
    }
    for (name, body) in &made.files {
        run.begin(name, None, Default::default()).unwrap();
        run.push(body.as_bytes()).unwrap();
        run.end().unwrap();
    }
    let agg = run.finish().unwrap();
    let names: Vec<&String> = made.files.keys().collect();
    assert_eq!(
        normalised(&agg.ingest),
        normalised(&ingest(&plan, &made, &names).ingest)
    );
    let roles: Vec<_> = agg.manifest.inputs.iter().map(|i| i.role).collect();
    assert_eq!(roles[..2], [Some(InputRole::CodeBatch); 2]);
    // Each record file's counts in the manifest are final (other_key decided at the end).
    let resigned = agg
        .manifest
        .inputs
        .iter()
        .find(|i| i.name == "expert-resigned.json")
        .and_then(|i| i.records.clone())
        .unwrap();
    assert_eq!(
        (resigned.read, resigned.accepted, resigned.rejected),
        (1, 0, 1)
    );
    let csv = agg
        .outputs
        .iter()
        .find(|o| o.name == "superseded.csv")
        .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
        .expect("superseded.csv");
    assert!(csv.contains("Counted file"), "{csv}");
    assert!(
        csv.contains("experts.jsonl,1,expert,E01,") && csv.contains("expert-correction.json,1,"),
        "{csv}"
    );
    // The codes: issued, used and rejected per coded instrument, as the ingest report says.
    let codes = agg
        .outputs
        .iter()
        .find(|o| o.name == "codes.csv")
        .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
        .expect("codes.csv");
    let c = &agg.ingest.codes["cadre"];
    let row = format!(
        "cadre,{},{},{},{},{}",
        c.issued, c.used, c.unknown, c.reused, c.missing
    );
    assert!(
        codes.contains("Instrument,Issued,Used,Unknown code,Reused,No code"),
        "{codes}"
    );
    assert!(codes.contains(&row), "{codes} lacks {row}");
    assert!(
        c.issued > 0 && c.used > 0 && c.unknown + c.reused > 0,
        "{c:?}"
    );
}

/// Table rows cannot carry a signature: an invitation instrument's rows are each rejected
/// `unsigned`, and neither the compiled nor the sharded path takes them; a code instrument's
/// rows leave both paths too (each claims its code).
#[test]
fn table_rows_of_a_trusted_instrument_take_the_checked_path() {
    use kaoping_core::ingest::CsvShard;
    let mut csv = Vec::new();
    kaoping_core::score::demo_public_csv(3, 40, 0, &mut |b| csv.extend_from_slice(b));
    let header_end = csv.iter().position(|b| *b == b'\n').unwrap() + 1;
    for (access, code) in [("invitation", "unsigned"), ("code", "code_missing")] {
        let mut v: Value = serde_json::from_str(&plan_text()).unwrap();
        v["trust"]["instruments"]["public"] = json!(access);
        let plan = load_plan(&v.to_string()).unwrap();
        let mut s = IngestSession::scoring(&plan).unwrap();
        s.begin("public.csv", Default::default()).unwrap();
        s.push(&csv[..header_end]).unwrap();
        assert!(!s.shard_point(), "{access}: no sharding");
        s.push(&csv[header_end..]).unwrap();
        s.end().unwrap();
        let out = s.finish().unwrap();
        assert_eq!(out.fast_rows, 0, "{access}: no compiled rows");
        assert_eq!(out.report.read, 40);
        assert_eq!(out.report.accepted, 0);
        assert!(
            out.report.rejected.iter().all(|r| r.code == code),
            "{access}: {:?}",
            out.report.rejected.first()
        );
        let shard = CsvShard::new(&plan, "public.csv", &Default::default(), &csv[..header_end]);
        assert!(
            !shard.unwrap().ready(),
            "{access}: a shard prepares nothing"
        );
    }
    // Without trust, the same file takes the compiled path.
    let plan = kaoping_core::plan::demo_plan();
    let mut s = IngestSession::scoring(&plan).unwrap();
    s.begin("public.csv", Default::default()).unwrap();
    s.push(&csv).unwrap();
    s.end().unwrap();
    assert!(s.finish().unwrap().fast_rows > 0);
}
