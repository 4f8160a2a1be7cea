//! The audit manifest: an aggregation verifies against its own files, and every kind of
//! tampering is named (file, hash, count, JSON Pointer of the differing result values).

use kaoping_core::aggregate::verify::{verify, NamedBytes};
use kaoping_core::aggregate::{aggregate, Aggregation, InputFile};
use kaoping_core::manifest::{InputRole, Manifest, Parameters};

struct Files {
    plan: Vec<u8>,
    records: Vec<u8>,
    inputs: Vec<u8>,
}

fn files() -> Files {
    let demo = kaoping_core::score::demo_inputs(5, 120);
    let (public, rest): (Vec<_>, Vec<_>) = demo
        .records
        .into_iter()
        .partition(|r| r.instrument == "public");
    let records: String = public
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    let inputs = kaoping_core::score::ScoringInputs {
        records: rest,
        indicators: demo.indicators,
        history: demo.history,
        cadres: None,
    };
    Files {
        plan: kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes().to_vec(),
        records: records.into_bytes(),
        inputs: serde_json::to_vec(&inputs).unwrap(),
    }
}

fn run(f: &Files) -> Aggregation {
    let inputs = [
        InputFile {
            name: "public.jsonl",
            role: InputRole::detect(&f.records),
            bytes: &f.records,
        },
        InputFile {
            name: "inputs.json",
            role: InputRole::detect(&f.inputs),
            bytes: &f.inputs,
        },
    ];
    let params = Parameters {
        lang: "zh-CN".into(),
    };
    let mut calls = Vec::new();
    let agg = aggregate("plan.json", &f.plan, &inputs, &params, &mut |d, t| {
        calls.push((d, t))
    })
    .expect("aggregates");
    let total = (f.records.len() + f.inputs.len()) as u64;
    assert_eq!(
        calls.last(),
        Some(&(total, total)),
        "progress reaches the total"
    );
    agg
}

fn check(
    m: &Manifest,
    f: &Files,
    agg: &Aggregation,
) -> kaoping_core::aggregate::verify::Verification {
    let given = [
        NamedBytes {
            name: "plan.json",
            bytes: &f.plan,
        },
        NamedBytes {
            name: "public.jsonl",
            bytes: &f.records,
        },
        NamedBytes {
            name: "inputs.json",
            bytes: &f.inputs,
        },
    ];
    let outputs: Vec<NamedBytes> = agg
        .outputs
        .iter()
        .map(|o| NamedBytes {
            name: &o.name,
            bytes: &o.bytes,
        })
        .collect();
    verify(m, &given, Some(&outputs), 5)
}

#[test]
fn an_untouched_aggregation_verifies_identical() {
    let f = files();
    let agg = run(&f);
    let m = &agg.manifest;
    assert_eq!(m.inputs[0].role, Some(InputRole::Records));
    assert_eq!(m.inputs[1].role, Some(InputRole::ScoringInputs));
    assert_eq!(m.counts.read, m.counts.accepted + m.counts.rejected);
    assert_eq!(m.counts.rejected, 0);
    assert_eq!(
        m.result.sha256,
        kaoping_core::canonical::sha256_hex(&agg.outputs[0].bytes),
        "result.json's bytes hash to the result fingerprint"
    );
    // The manifest survives its own JSON.
    let back: Manifest = serde_json::from_str(&serde_json::to_string_pretty(m).unwrap()).unwrap();
    let v = check(&back, &f, &agg);
    assert!(v.identical, "{:#?}", v.differences);
    assert!(v.outputs_checked);
    // Same files, same bytes out.
    assert_eq!(run(&f).outputs, agg.outputs);
}

#[test]
fn a_changed_byte_in_a_record_file_is_named_with_its_consequences() {
    let f = files();
    let agg = run(&f);
    let mut t = files();
    // Change one answer digit inside the first record: the checksum no longer matches.
    let text = String::from_utf8(t.records.clone()).unwrap();
    let at = text.find("\"overall\":").expect("an overall answer") + "\"overall\":".len();
    let old = t.records[at];
    t.records[at] = if old == b'5' { b'4' } else { b'5' };
    let v = check(&agg.manifest, &t, &agg);
    assert!(!v.identical);
    let codes: Vec<(&str, &str)> = v
        .differences
        .iter()
        .map(|d| (d.code.as_str(), d.subject.as_str()))
        .collect();
    assert!(
        codes.contains(&("file_sha256", "public.jsonl")),
        "{codes:?}"
    );
    assert!(codes.contains(&("counts", "rejected")), "{codes:?}");
    assert!(
        codes.contains(&("input_records", "public.jsonl")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("result_sha256", "result.json")),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, s)| *c == "result_value" && s.starts_with("/")),
        "{codes:?}"
    );
    // Size is unchanged: only the hash is reported for the file.
    assert!(!codes.contains(&("file_size", "public.jsonl")));
}

#[test]
fn a_missing_input_a_changed_plan_and_a_tampered_output_are_named() {
    let f = files();
    let agg = run(&f);
    let v = verify(
        &agg.manifest,
        &[NamedBytes {
            name: "plan.json",
            bytes: &f.plan,
        }],
        None,
        5,
    );
    let missing: Vec<&str> = v
        .differences
        .iter()
        .filter(|d| d.code == "file_missing")
        .map(|d| d.subject.as_str())
        .collect();
    assert_eq!(missing, ["public.jsonl", "inputs.json"]);
    assert!(!v.outputs_checked);

    // The plan re-spelt (whitespace) keeps its fingerprint; a changed weight does not.
    let mut g = files();
    g.plan = String::from_utf8(f.plan.clone())
        .unwrap()
        .replacen("\"year\": 2026", "\"year\":   2026", 1)
        .into_bytes();
    assert_ne!(g.plan, f.plan, "the demo plan has \"year\": 2026");
    let v = check(&agg.manifest, &g, &agg);
    let codes: Vec<&str> = v.differences.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["file_size", "file_sha256"], "{:#?}", v.differences);

    // A tampered result.json: the output hash and the value are named.
    let mut outs = agg.outputs.clone();
    let text = String::from_utf8(outs[0].bytes.clone()).unwrap();
    let tampered = text.replacen("\"composite_rounded\":", "\"composite_rounded\":1", 1);
    outs[0].bytes = tampered.into_bytes();
    let given = [
        NamedBytes {
            name: "plan.json",
            bytes: &f.plan,
        },
        NamedBytes {
            name: "public.jsonl",
            bytes: &f.records,
        },
        NamedBytes {
            name: "inputs.json",
            bytes: &f.inputs,
        },
    ];
    let outputs: Vec<NamedBytes> = outs
        .iter()
        .map(|o| NamedBytes {
            name: &o.name,
            bytes: &o.bytes,
        })
        .collect();
    let v = verify(&agg.manifest, &given, Some(&outputs), 5);
    let codes: Vec<(&str, &str)> = v
        .differences
        .iter()
        .map(|d| (d.code.as_str(), d.subject.as_str()))
        .collect();
    assert!(
        codes.contains(&("output_sha256", "result.json")),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, s)| *c == "result_value" && s.ends_with("/composite_rounded")),
        "{codes:?}"
    );
}

/// A table of records saved as an Excel workbook scores exactly as the same table as CSV
/// (tests/fixtures/cli/aggregate_xlsx: the first 60 rows of the office demo's public.csv,
/// written by openpyxl with numbers as numbers).
#[test]
fn an_xlsx_table_scores_as_its_csv() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/cli/aggregate_xlsx/"
    );
    let plan = kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes();
    let run = |name: &str| {
        let bytes = std::fs::read(format!("{dir}{name}")).unwrap();
        aggregate(
            "plan.json",
            plan,
            &[InputFile {
                name,
                role: InputRole::Records,
                bytes: &bytes,
            }],
            &Parameters { lang: "en".into() },
            &mut |_, _| {},
        )
        .unwrap()
    };
    let (x, c) = (run("public.xlsx"), run("public.csv"));
    assert_eq!(x.ingest.read, 60);
    assert_eq!(x.ingest.accepted, 60);
    assert_eq!(
        x.manifest.result, c.manifest.result,
        "same result fingerprint"
    );
}

/// Files as a person gives them (bare or other-folder names, the built-in plan not given, the
/// outputs only with result.json) are matched to the manifest by base name.
#[test]
fn given_files_are_matched_by_base_name() {
    use kaoping_core::aggregate::verify::verify_given;
    let f = files();
    let agg = run(&f);
    let m = &agg.manifest;
    let demo = kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes();
    let inputs = [
        NamedBytes {
            name: "data/public.jsonl",
            bytes: &f.records,
        },
        NamedBytes {
            name: "C:\\office\\inputs.json",
            bytes: &f.inputs,
        },
    ];
    // No plan file: the built-in plan is the one recorded.
    let v = verify_given(m, &inputs, Some(demo), 5);
    assert!(v.verification.identical, "{:?}", v.verification.differences);
    assert!(v.missing.is_empty());
    assert_eq!(v.outputs, 0);
    // Without a built-in plan of the recorded bytes, the plan is missing.
    let v = verify_given(m, &inputs, Some(b"{}"), 5);
    assert!(!v.verification.identical);
    assert_eq!(v.missing, ["plan.json"]);
    // Outputs are compared only when result.json is among the files.
    let table = agg
        .outputs
        .iter()
        .find(|o| o.name.ends_with(".csv"))
        .unwrap();
    let result = agg
        .outputs
        .iter()
        .find(|o| o.name == "result.json")
        .unwrap();
    let mut given = inputs.to_vec();
    given.push(NamedBytes {
        name: &table.name,
        bytes: &table.bytes,
    });
    assert_eq!(verify_given(m, &given, Some(demo), 5).outputs, 0);
    given.push(NamedBytes {
        name: &result.name,
        bytes: &result.bytes,
    });
    let v = verify_given(m, &given, Some(demo), 5);
    assert!(v.verification.identical, "{:?}", v.verification.differences);
    assert_eq!(v.outputs, 2);
    // A changed output byte is found; a missing input is named.
    let mut changed = table.bytes.clone();
    *changed.last_mut().unwrap() ^= 1;
    given[2] = NamedBytes {
        name: &table.name,
        bytes: &changed,
    };
    assert!(
        !verify_given(m, &given, Some(demo), 5)
            .verification
            .identical
    );
    let v = verify_given(m, &given[1..], Some(demo), 5);
    assert_eq!(v.missing, ["public.jsonl"]);
    assert!(!v.verification.identical);
}
