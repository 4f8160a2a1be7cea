//! `types.d.ts`, the TypeScript types of the WASM API, is generated from the Rust types that
//! cross it (their JSON Schemas, `schemars`): this test fails when the checked-in file differs
//! from what the types give, and rewrites it when run with `UPDATE_TYPES=1`:
//!
//! ```sh
//! UPDATE_TYPES=1 cargo test -p kaoping_wasm --features office --test types
//! ```
//!
//! Each Rust type `T` becomes `IT` (an `interface` for a struct, a `type` otherwise); doc
//! comments become JSDoc. The facade's `typescript_type` names refer to these.
#![cfg(all(feature = "office", not(target_arch = "wasm32")))]

use kaoping_core::aggregate::verify::{FileSetVerification, GivenVerification, Verification};
use kaoping_core::aggregate::AggregateProgress;
use kaoping_core::amend::trust::{TrustChoices, TrustEdit};
use kaoping_core::amend::{Amended, PlanDiff};
use kaoping_core::cells::Table;
use kaoping_core::export::IngestSummary;
use kaoping_core::form::{Answers, CarryOver, FormDiff, FormState};
use kaoping_core::import::{FormImport, ImportOptions};
use kaoping_core::ingest::{FileCount, FileOptions, Progress, RecordFile, RecordsEvaluation};
use kaoping_core::invite::{InvitationLink, InvitedSheet, PrintedInvitation, RosterPayloads};
use kaoping_core::manifest::{FileEntry, InputRole, Manifest};
use kaoping_core::plan::{NextYear, Plan};
use kaoping_core::record::{PrefillIssue, ResponseRecord, Submission};
use kaoping_core::review::ReviewSubmission;
use kaoping_core::review::{ReviewAnswers, ReviewCarryOver, ReviewSheetLayout, ReviewState};
use kaoping_core::roster::RosterOptions;
use kaoping_core::score::demo_settings::DemoSettingsCheck;
use kaoping_core::score::orientation::CategoryOrientations;
use kaoping_core::score::satisfaction::SatisfactionAnswers;
use kaoping_core::score::{EvaluationResult, ScoringInputs};
use kaoping_core::table::preview::Preview;
use kaoping_core::text::Text;
use kaoping_core::track::{DemoPeriods, TrackFiles, TrackOutput, YearEndOutput, YearEndRequest};
use kaoping_core::trust::issue::{CodeFiles, CodeIssue, CodedInstrument};
use kaoping_core::trust::InvitationDraft;
use kaoping_core::validate::PlanReport;
use kaoping_core::yearend::TemplateKind;
use kaoping_wasm::{JsAggregation, JsCarried, JsFile, JsPlanFile};
use schemars::SchemaGenerator;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

const HEADER: &str = "\
// The TypeScript types of kaoping's WASM API, generated from the Rust types that cross it
// (crates/kaoping_wasm/tests/types.rs). Do not edit: change the Rust type, then run
// `UPDATE_TYPES=1 cargo test -p kaoping_wasm --features office --test types`.
// Office build: the types of the office methods (scoring, ingest, aggregation, tracking).

/** What every method throws: a JS Error, `message` in English, `text` in zh-CN and en. */
export interface IEngineError extends Error {
  text: IText;
}
";

/// Every type that crosses the API, and its definitions, by name.
fn definitions() -> BTreeMap<String, Value> {
    let mut g = SchemaGenerator::default();
    macro_rules! roots {
        ($($t:ty),* $(,)?) => { $( g.subschema_for::<$t>(); )* };
    }
    roots!(
        Answers,
        CarryOver,
        FormState,
        FormDiff,
        Submission,
        ResponseRecord,
        PrefillIssue,
        PlanReport,
        PlanDiff,
        Amended,
        TrustEdit,
        TrustChoices,
        Text,
        ScoringInputs,
        EvaluationResult,
        SatisfactionAnswers,
        CategoryOrientations,
        DemoSettingsCheck,
        RecordFile,
        RecordsEvaluation,
        ReviewSheetLayout,
        ReviewAnswers,
        ReviewState,
        ReviewCarryOver,
        ReviewSubmission,
        FileOptions,
        FileCount,
        Progress,
        TrackFiles,
        TrackOutput,
        YearEndRequest,
        YearEndOutput,
        DemoPeriods,
        Table,
        IngestSummary,
        JsFile,
        InputRole,
        FileEntry,
        AggregateProgress,
        Manifest,
        Verification,
        GivenVerification,
        FileSetVerification,
        JsAggregation,
        Preview,
        TemplateKind,
        JsCarried,
        ImportOptions,
        FormImport,
        JsPlanFile,
        NextYear,
        InvitedSheet,
        InvitationDraft,
        InvitationLink,
        CodedInstrument,
        CodeIssue,
        CodeFiles,
        RosterOptions,
        RosterPayloads,
        PrintedInvitation,
    );
    // The plan, with its scoring and tracking sections typed: the plan keeps them as JSON
    // (read by the layers above it), so their types are put in by the function that does it
    // for docs/plan.schema.json (kaoping_core::schema::put_sections). One generator for all, so that two types of one name
    // are numbered (and refused below), never one silently taken for the other.
    g.subschema_for::<Plan>();
    let mut plan = g
        .definitions_mut()
        .remove("Plan")
        .expect("the plan's definition");
    kaoping_core::schema::put_sections(&mut g, &mut plan);
    let mut defs: BTreeMap<String, Value> = g.take_definitions(false).into_iter().collect();
    defs.insert("Plan".into(), plan);
    // schemars numbers a second type of the same name (`Warning2`): name it apart instead.
    let twice: Vec<&String> = defs
        .keys()
        .filter(|n| n.ends_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(
        twice.is_empty(),
        "types of the same name: {twice:?}; give one a #[schemars(rename)]"
    );
    defs
}

/// A JSON Schema as a TypeScript type expression.
fn ts(s: &Value) -> String {
    let Some(o) = s.as_object() else {
        return "unknown".into(); // `true`
    };
    if let Some(t) = o.get("tsType").and_then(Value::as_str) {
        return t.into();
    }
    if let Some(r) = o.get("$ref").and_then(Value::as_str) {
        return format!("I{}", r.trim_start_matches("#/$defs/"));
    }
    if let Some(c) = o.get("const") {
        return c.to_string();
    }
    if let Some(Value::Array(e)) = o.get("enum") {
        return union(e.iter().map(Value::to_string).collect());
    }
    let mut parts = Vec::new();
    if let Some(t) = o.get("type") {
        let types: Vec<&str> = match t {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            Value::String(s) => vec![s.as_str()],
            _ => Vec::new(),
        };
        parts.push(union(types.iter().map(|t| of_type(t, o)).collect()));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = o.get(key) {
            parts.push(union(alts.iter().map(ts).collect()));
        }
    }
    if let Some(Value::Array(all)) = o.get("allOf") {
        parts.extend(all.iter().map(ts));
    }
    match parts.len() {
        0 => "unknown".into(),
        1 => parts.remove(0),
        _ => parts
            .iter()
            .map(|p| paren(p))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

fn paren(t: &str) -> String {
    if t.contains(" | ") || t.contains(" & ") {
        format!("({t})")
    } else {
        t.into()
    }
}

fn union(mut alts: Vec<String>) -> String {
    alts.dedup();
    match alts.len() {
        0 => "never".into(),
        1 => alts.remove(0),
        _ => alts.join(" | "),
    }
}

/// One JSON type of a schema (`o` holds its items, properties, …).
fn of_type(t: &str, o: &Map<String, Value>) -> String {
    match t {
        "string" => "string".into(),
        "number" | "integer" => "number".into(),
        "boolean" => "boolean".into(),
        "null" => "null".into(),
        "array" => match (o.get("prefixItems"), o.get("items")) {
            (Some(Value::Array(tuple)), _) => {
                format!("[{}]", tuple.iter().map(ts).collect::<Vec<_>>().join(", "))
            }
            (_, Some(items)) => format!("{}[]", paren(&ts(items))),
            _ => "unknown[]".into(),
        },
        "object" => object(o, 0),
        _ => "unknown".into(),
    }
}

/// An object type: `{ key: T; other?: U }`, a `Record` for a map.
fn object(o: &Map<String, Value>, indent: usize) -> String {
    let props = o.get("properties").and_then(Value::as_object);
    let extra = o.get("additionalProperties");
    let record = match extra {
        Some(Value::Bool(false)) => None,
        Some(Value::Object(v)) => Some(ts(&Value::Object(v.clone()))),
        _ if props.is_none() => Some("unknown".to_string()),
        _ => None,
    };
    let Some(props) = props.filter(|p| !p.is_empty()) else {
        return format!(
            "Record<string, {}>",
            record.unwrap_or_else(|| "never".into())
        );
    };
    let required: Vec<&str> = o
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let pad = "  ".repeat(indent + 1);
    let mut out = String::from("{\n");
    for (name, p) in props {
        if let Some(d) = p.get("description").and_then(Value::as_str) {
            out.push_str(&doc(d, &pad));
        }
        let opt = if required.contains(&name.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(out, "{pad}{}{opt}: {};", key(name), ts(p));
    }
    out.push_str(&"  ".repeat(indent));
    out.push('}');
    match record {
        Some(r) => format!("{out} & Record<string, {r}>"),
        None => out,
    }
}

fn key(name: &str) -> String {
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.into()
    } else {
        format!("{name:?}")
    }
}

/// A JSDoc comment at `pad`.
fn doc(text: &str, pad: &str) -> String {
    let text = text.replace("*/", "*\\/");
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        return format!("{pad}/** {} */\n", lines[0]);
    }
    let mut out = format!("{pad}/**\n");
    for l in lines {
        let _ = writeln!(out, "{pad} *{}{l}", if l.is_empty() { "" } else { " " });
    }
    let _ = writeln!(out, "{pad} */");
    out
}

/// The whole file.
fn generate() -> String {
    let mut out = String::from(HEADER);
    for (name, s) in definitions() {
        out.push('\n');
        if let Some(d) = s.get("description").and_then(Value::as_str) {
            out.push_str(&doc(d, ""));
        }
        let o = s.as_object().cloned().unwrap_or_default();
        let is_interface = o.get("type").and_then(Value::as_str) == Some("object")
            && o.get("properties")
                .is_some_and(|p| p.as_object().is_some_and(|p| !p.is_empty()))
            && !["oneOf", "anyOf", "allOf", "additionalProperties"]
                .iter()
                .any(|k| o.get(*k).is_some_and(|v| !v.is_boolean()));
        if is_interface {
            let _ = writeln!(out, "export interface I{name} {}", object(&o, 0));
        } else {
            let _ = writeln!(out, "export type I{name} = {};", ts(&s));
        }
    }
    out
}

#[test]
fn types_d_ts_is_generated_from_the_rust_types() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/types.d.ts");
    let now = generate();
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(path, &now).unwrap();
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == now,
        "crates/kaoping_wasm/types.d.ts is stale: run \
         `UPDATE_TYPES=1 cargo test -p kaoping_wasm --features office --test types`"
    );
}

/// The converter on small schemas whose TypeScript is known.
#[test]
fn schemas_become_typescript() {
    let j = |v: Value| ts(&v);
    assert_eq!(
        j(serde_json::json!({"type": ["number", "null"]})),
        "number | null"
    );
    assert_eq!(j(serde_json::json!({"$ref": "#/$defs/Text"})), "IText");
    assert_eq!(
        j(serde_json::json!({"type": "array", "items": {"enum": ["a", "b"]}})),
        "(\"a\" | \"b\")[]"
    );
    assert_eq!(
        j(serde_json::json!({"type": "object", "additionalProperties": {"type": "string"}})),
        "Record<string, string>"
    );
    assert_eq!(
        j(
            serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}, "b-c": {"type": "boolean"}}, "required": ["a"]})
        ),
        "{\n  a: string;\n  \"b-c\"?: boolean;\n}"
    );
    assert_eq!(
        j(serde_json::json!({"anyOf": [{"$ref": "#/$defs/Scale"}, {"type": "null"}]})),
        "IScale | null"
    );
    assert_eq!(j(serde_json::json!({"tsType": "Uint8Array"})), "Uint8Array");
}

/// Every `typescript_type` the facade names is declared in the generated file.
#[test]
fn the_facade_names_only_generated_types() {
    let generated = generate();
    let src = [
        include_str!("../src/lib.rs"),
        include_str!("../src/office.rs"),
        include_str!("../src/review.rs"),
    ]
    .concat();
    let mut named = 0;
    for part in src.split("typescript_type = \"").skip(1) {
        let expr = &part[..part.find('"').unwrap()];
        for word in expr.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.starts_with('I') && word.len() > 1 {
                named += 1;
                assert!(
                    generated.contains(&format!("export interface {word} "))
                        || generated.contains(&format!("export type {word} ")),
                    "{word} (typescript_type \"{expr}\") is not in types.d.ts"
                );
            }
        }
    }
    assert!(named > 30, "{named} names checked");
}
