//! Writes the seed inputs of every fuzz target into `fuzz/corpus/<target>/` (or the folder
//! given): the project's own fixtures (`tests/fixtures/`, the demo plan), files kaoping writes
//! (demo CSV rows, a workbook, an aggregation's manifest and outputs), each in the input shape
//! of its target (see the target's doc in `src/`). Run from the workspace root:
//! `cargo run -p kaoping_fuzz --example seeds`; then `cargo xtask fuzz` grows the corpora and
//! `cargo fuzz cmin` minimises them.

use std::fs;
use std::path::{Path, PathBuf};

use kaoping_core::canonical::sha256_hex;
use kaoping_core::score::{demo_inputs, demo_public_csv};
use serde_json::Value;

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let fixtures = Path::new("tests/fixtures");
    let mut seeds: Vec<(&str, Vec<u8>)> = Vec::new();
    let all = files_under(fixtures);
    let with_ext = |ext: &'static str| {
        all.iter()
            .filter(move |p| p.extension().is_some_and(|e| e == ext))
    };

    // plan: every plan fixture and the demo plan.
    for p in all
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "plan.json"))
    {
        seeds.push(("plan", read(p)));
    }
    seeds.push((
        "plan",
        kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes().to_vec(),
    ));

    // expr and pattern: the expressions and patterns found in the fixtures and the demo plan.
    let mut exprs = Vec::new();
    let mut patterns = Vec::new();
    for p in with_ext("json") {
        if let Ok(v) = serde_json::from_slice::<Value>(&read(p)) {
            strings_of(&v, &mut exprs, &mut patterns);
        }
    }
    let demo: Value = serde_json::from_str(kaoping_core::plan::DEMO_PLAN_SOURCE).unwrap();
    strings_of(&demo, &mut exprs, &mut patterns);
    for e in exprs {
        seeds.push(("expr", e.into_bytes()));
    }
    for (p, t) in [
        (r"1[3-9]\d{9}", "13912345678"),
        (r"[A-Z]{2}-\d+", "AB-12"),
        (r"\w+@\w+\.cn", "someone@example.cn"),
        (r"^(a|bc)*[^x-z]{1,3}$", "abcabc12"),
        (r"(\d{3})?.+\s", "123 中文 "),
    ] {
        seeds.push(("pattern", format!("{p}\n{t}").into_bytes()));
    }
    // A long answer (a respondent may paste a page of text).
    seeds.push((
        "pattern",
        format!(r"\w+@\w+\.cn{}{}", '\n', "a".repeat(12_000)).into_bytes(),
    ));
    for p in patterns {
        seeds.push(("pattern", format!("{p}\nAB-1234").into_bytes()));
    }

    // csv: the ingest fixtures as whole files (first byte 0), and demo rows after the demo
    // header (first byte 1), with spoiled rows.
    for p in with_ext("csv").filter(|p| p.starts_with("tests/fixtures/ingest")) {
        seeds.push(("csv", [&[0u8][..], &read(p)].concat()));
    }
    for (seed, n, bad) in [(1, 6, 0), (2, 12, 6)] {
        let mut csv = Vec::new();
        demo_public_csv(seed, n, bad, &mut |b| csv.extend_from_slice(b));
        let body = &csv[csv.iter().position(|b| *b == b'\n').unwrap() + 1..];
        seeds.push(("csv", [&[1u8][..], body].concat()));
    }

    // json: the record fixtures, and a few demo records as an array and as JSON Lines.
    for p in all.iter().filter(|p| {
        p.starts_with("tests/fixtures/ingest")
            && p.extension().is_some_and(|e| e == "json" || e == "jsonl")
            && !p.ends_with("expected.json")
    }) {
        seeds.push(("json", read(p)));
    }
    let demo = demo_inputs(3, 3);
    let records: Vec<_> = demo.records.iter().take(3).collect();
    seeds.push(("json", serde_json::to_vec(&records).unwrap()));
    let lines: String = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    seeds.push(("json", lines.into_bytes()));

    // xlsx and zip: every workbook of the fixtures (first byte 0), and kaoping's own parts.
    for p in with_ext("xlsx") {
        seeds.push(("xlsx", [&[0u8][..], &read(p)].concat()));
        seeds.push(("zip", [&[0u8][..], &read(p)].concat()));
    }
    let files = kaoping_fuzz::seed_files();
    for o in &files.outputs {
        if o.0.ends_with(".xlsx") {
            seeds.push(("xlsx", [&[0u8][..], &o.1].concat()));
        }
    }
    seeds.push((
        "xlsx",
        [&[1u8][..], &kaoping_fuzz::seed_xlsx_parts()].concat(),
    ));
    seeds.push(("zip", b"\x01a\0hello\0B/c.xml\0<x/>\0A\0again".to_vec()));

    // manifest: the manifest's JSON, and the records, plan and result.json it names.
    seeds.push(("manifest", [&[0u8][..], &files.manifest].concat()));
    for (ctl, name) in [(1u8, "public.jsonl"), (2, "plan.json"), (3, "result.json")] {
        let bytes = files
            .inputs
            .iter()
            .chain(&files.outputs)
            .find(|f| f.0 == name)
            .unwrap();
        seeds.push(("manifest", [&[ctl][..], &bytes.1].concat()));
    }

    trust_seeds(fixtures, &all, &mut seeds);

    for (target, bytes) in &seeds {
        let dir = out.join(target);
        fs::create_dir_all(&dir).unwrap();
        let name = format!("seed-{}", &sha256_hex(bytes)[..16]);
        fs::write(dir.join(name), bytes).unwrap();
    }
    println!("{} seeds written under {}", seeds.len(), out.display());
}

/// trust (see `src/trust.rs` for the first byte): invitation payloads, the fixtures' tokens,
/// their code batches, every roster fixture, and signed sheets.
fn trust_seeds(fixtures: &Path, all: &[PathBuf], seeds: &mut Vec<(&str, Vec<u8>)>) {
    let dir = fixtures.join("trust");
    let plan: Value = serde_json::from_slice(&read(&dir.join("plan.json"))).unwrap();
    let key = plan["trust"]["keys"][0]["id"].clone();
    let payload = serde_json::json!({"format": "kaoping.invitation/1", "plan_id": "wuhan-2026",
        "instrument": "expert", "rater": "E07", "name": "张三", "group": "industry",
        "units": ["jiangan", "hanyang"], "valid_from": "2026-01-01T00:00:00.000Z",
        "valid_until": "2026-12-31T15:59:59.999Z", "key": key, "serial": "0123456789abcdef"});
    let canonical = |v: &Value| kaoping_core::canonical::canonical_value(v).into_bytes();
    seeds.push(("trust", [&[0u8][..], &canonical(&payload)].concat()));
    let mut cadre = payload.clone();
    cadre["instrument"] = "cadre".into();
    cadre["units"] = Value::Array(vec![]);
    seeds.push(("trust", [&[0u8][..], &canonical(&cadre)].concat()));
    let experts = String::from_utf8(read(&dir.join("experts.jsonl"))).unwrap();
    for line in experts.lines().take(3) {
        let record: Value = serde_json::from_str(line).unwrap();
        if let Some(token) = record["signed"]["token"].as_str() {
            seeds.push(("trust", [&[1u8][..], token.as_bytes()].concat()));
        }
    }
    for name in ["codes-2025-12.json", "codes-tampered.json"] {
        seeds.push(("trust", [&[2u8][..], &read(&dir.join(name))].concat()));
    }
    for p in all.iter().filter(|p| {
        p.starts_with(fixtures.join("roster"))
            && p.extension().is_some_and(|e| e == "csv" || e == "xlsx")
    }) {
        seeds.push(("trust", [&[3u8][..], &read(p)].concat()));
    }
    let first: Vec<&str> = experts.lines().take(8).collect();
    seeds.push(("trust", [&[4u8][..], first.join("\n").as_bytes()].concat()));
    for name in [
        "cadre.jsonl",
        "expert-correction.json",
        "expert-forged.json",
    ] {
        seeds.push(("trust", [&[4u8][..], &read(&dir.join(name))].concat()));
    }
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Expressions (`expr`, `relevant`, `constraint` values) and patterns (`pattern`) in a JSON.
fn strings_of(v: &Value, exprs: &mut Vec<String>, patterns: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("expr" | "relevant" | "constraint" | "expression", Value::String(s)) => {
                        exprs.push(s.clone())
                    }
                    ("pattern", Value::String(s)) => patterns.push(s.clone()),
                    _ => strings_of(v, exprs, patterns),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| strings_of(v, exprs, patterns)),
        _ => {}
    }
}
