//! Verification of an aggregation against its audit manifest ([`crate::manifest`]):
//! [`verify`] recomputes everything from the same files and names each difference (files,
//! counts, JSON Pointers of differing result values); [`verify_given`] first matches the files
//! a person gave to the manifest's by base name. See `docs/audit.md`.

use super::{aggregate, AggregateError, Aggregation, InputFile, RESULT_FILE};
use crate::canonical::{canonical_value, sha256_hex};
use crate::manifest::{Counts, FileEntry, InputRole, Manifest, MANIFEST_FORMAT};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod given;
pub use given::*;

/// How many differing values of the result [`verify`] lists by default.
pub const DEFAULT_DIFF_LIMIT: usize = 20;

/// A file given to [`verify`]: its name as in the manifest, and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct NamedBytes<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// One difference found by [`verify`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Difference {
    /// `manifest_format`, `engine_version`, `file_missing`, `file_size`, `file_sha256`,
    /// `plan_sha256`, `recompute_failed`, `counts`, `input_records`, `result_sha256`,
    /// `result_value`, `result_values_more`, `output_missing`, `output_size`,
    /// `output_sha256`, `output_recomputed`.
    pub code: String,
    /// What differs: a file name, a count's name, or a JSON Pointer into the result.
    pub subject: String,
    pub expected: String,
    pub found: String,
    pub message: Text,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verification {
    /// No difference at all.
    pub identical: bool,
    pub differences: Vec<Difference>,
    /// The SHA-256 of the recomputed canonical result (absent when it could not be computed).
    pub result_sha256: Option<String>,
    /// Whether output files were given and compared.
    pub outputs_checked: bool,
}

fn diff(
    code: &str,
    subject: &str,
    expected: impl Into<String>,
    found: impl Into<String>,
    zh: String,
    en: String,
) -> Difference {
    Difference {
        code: code.to_owned(),
        subject: subject.to_owned(),
        expected: expected.into(),
        found: found.into(),
        message: Text::new(&zh, &en),
    }
}

fn check_file(entry: &FileEntry, bytes: &[u8], what: (&str, &str), out: &mut Vec<Difference>) {
    check_hash(entry, bytes.len() as u64, sha256_hex(bytes), what, out);
}

fn check_hash(
    entry: &FileEntry,
    size: u64,
    sha: String,
    what: (&str, &str),
    out: &mut Vec<Difference>,
) {
    let n = &entry.name;
    let (zh_what, en_what) = what;
    if size != entry.size {
        out.push(diff(
            &format!("{en_what}_size"),
            n,
            entry.size.to_string(),
            size.to_string(),
            format!(
                "{zh_what} {n} 的大小改变：清单记录 {} 字节，现为 {size} 字节",
                entry.size
            ),
            format!(
                "{en_what} {n} changed size: {} bytes in the manifest, {size} now",
                entry.size
            ),
        ));
    }
    if sha != entry.sha256 {
        out.push(diff(
            &format!("{en_what}_sha256"),
            n,
            entry.sha256.clone(),
            sha.clone(),
            format!(
                "{zh_what} {n} 的 SHA-256 改变：清单 {}，现为 {sha}",
                entry.sha256
            ),
            format!(
                "{en_what} {n} changed: SHA-256 {} in the manifest, {sha} now",
                entry.sha256
            ),
        ));
    }
}

/// Recompute the aggregation of `manifest` from `files` (the plan and every input, by the names
/// the manifest records) and compare. `outputs` are the files written beside the manifest (by
/// name; `None`: they are not checked; a file of the manifest's outputs not among them is a
/// difference). At most `limit` differing values of the
/// result are listed (their JSON Pointers), from the `result.json` among `outputs`.
pub fn verify(
    manifest: &Manifest,
    files: &[NamedBytes],
    outputs: Option<&[NamedBytes]>,
    limit: usize,
) -> Verification {
    let outputs_given = outputs;
    let find = |name: &str| files.iter().find(|f| f.name == name).map(|f| f.bytes);
    let hash = |b: &[u8]| (b.len() as u64, sha256_hex(b));
    let plan_bytes = find(&manifest.plan.file.name);
    let input_bytes: Vec<Option<&[u8]>> = manifest.inputs.iter().map(|e| find(&e.name)).collect();
    let found = Found {
        plan: plan_bytes.map(hash),
        inputs: input_bytes.iter().map(|b| b.map(hash)).collect(),
    };
    let recomputed = match (plan_bytes, input_bytes.iter().all(Option::is_some)) {
        (Some(plan_bytes), true) => {
            let inputs: Vec<InputFile> = manifest
                .inputs
                .iter()
                .zip(&input_bytes)
                .map(|(e, b)| InputFile {
                    name: &e.name,
                    role: e.role.unwrap_or(InputRole::Records),
                    bytes: b.unwrap_or_default(),
                })
                .collect();
            Some(aggregate(
                &manifest.plan.file.name,
                plan_bytes,
                &inputs,
                &manifest.parameters,
                &mut |_, _| {},
            ))
        }
        _ => None,
    };
    verify_recomputed(manifest, &found, recomputed, outputs_given, limit)
}

/// The size and SHA-256 of each of a manifest's files as found now (`None`: missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub plan: Option<(u64, String)>,
    /// In the order of the manifest's inputs.
    pub inputs: Vec<Option<(u64, String)>>,
}

/// [`verify`] from its parts, for a caller that streams the files (through
/// [`crate::aggregate::AggregateRun`] and [`crate::aggregate::FileHash`]): what was found of
/// the plan and the inputs, the aggregation recomputed from them (`None` when a file is
/// missing), and the output files.
pub fn verify_recomputed(
    manifest: &Manifest,
    found: &Found,
    recomputed: Option<Result<Aggregation, AggregateError>>,
    outputs: Option<&[NamedBytes]>,
    limit: usize,
) -> Verification {
    let checked = outputs.is_some();
    let outputs = outputs.unwrap_or_default();
    let mut out = Vec::new();
    check_header(manifest, &mut out);
    let missing = check_files(manifest, found, &mut out);
    let mut result_sha256 = None;
    if let (Some(recomputed), false) = (recomputed, missing) {
        match recomputed {
            Err(e) => out.push(diff(
                "recompute_failed",
                "",
                "",
                e.to_string(),
                format!("无法重新计算：{e}"),
                format!("Cannot recompute: {e}"),
            )),
            Ok(agg) => {
                result_sha256 = Some(agg.manifest.result.sha256.clone());
                compare_recomputed(manifest, &agg.manifest, &mut out);
                compare_result_values(&agg, outputs, limit, &mut out);
                compare_outputs_written(manifest, &agg, &mut out);
            }
        }
    }
    if checked {
        check_outputs(manifest, outputs, &mut out);
    }
    Verification {
        identical: out.is_empty(),
        differences: out,
        result_sha256,
        outputs_checked: checked,
    }
}

/// The plan and the inputs as found now against the manifest; whether any is missing.
fn check_files(manifest: &Manifest, found: &Found, out: &mut Vec<Difference>) -> bool {
    let mut missing = false;
    let mut present =
        |entry: &FileEntry, now: Option<&(u64, String)>, out: &mut Vec<Difference>| match now {
            Some((size, sha)) => check_hash(entry, *size, sha.clone(), ("文件", "file"), out),
            None => {
                missing = true;
                let n = &entry.name;
                out.push(diff(
                    "file_missing",
                    n,
                    entry.sha256.clone(),
                    "",
                    format!("缺少文件 {n}"),
                    format!("File {n} is missing"),
                ));
            }
        };
    present(&manifest.plan.file, found.plan.as_ref(), out);
    for (i, e) in manifest.inputs.iter().enumerate() {
        present(e, found.inputs.get(i).and_then(Option::as_ref), out);
    }
    missing
}

/// The values that differ between the result.json beside the manifest and the result
/// recomputed now (whichever of them changed), at most `limit` of them.
fn compare_result_values(
    agg: &Aggregation,
    outputs: &[NamedBytes],
    limit: usize,
    out: &mut Vec<Difference>,
) {
    let fresh_text = crate::export::json(&agg.result);
    let stored = outputs.iter().find(|o| o.name == RESULT_FILE);
    let Some(stored) = stored.filter(|o| o.bytes != fresh_text.as_bytes()) else {
        return;
    };
    let stored: Value = serde_json::from_slice(stored.bytes).unwrap_or(Value::Null);
    let fresh: Value = serde_json::from_str(&fresh_text).unwrap_or(Value::Null);
    let (diffs, total) = json_diff(&stored, &fresh, limit);
    for d in diffs {
        out.push(diff(
            "result_value",
            &d.path,
            d.expected.clone(),
            d.found.clone(),
            format!(
                "结果 {} 不同：{RESULT_FILE} 中为 {}，重新计算为 {}",
                d.path, d.expected, d.found
            ),
            format!(
                "Result {} differs: {} in {RESULT_FILE}, {} recomputed",
                d.path, d.expected, d.found
            ),
        ));
    }
    if total > limit {
        out.push(diff(
            "result_values_more",
            "",
            "",
            (total - limit).to_string(),
            format!("另有 {} 处结果不同未列出", total - limit),
            format!("{} more differing values not listed", total - limit),
        ));
    }
}

/// The outputs the engine writes now must be the ones the manifest records.
fn compare_outputs_written(manifest: &Manifest, agg: &Aggregation, out: &mut Vec<Difference>) {
    let now = &agg.manifest;
    for (i, o) in agg.outputs.iter().enumerate() {
        let recorded = manifest.outputs.iter().find(|e| e.name == o.name);
        let same_result = now.result.sha256 == manifest.result.sha256;
        if same_result && recorded.is_some_and(|e| e.sha256 != now.outputs[i].sha256) {
            let n = &o.name;
            out.push(diff(
                "output_recomputed",
                n,
                recorded.map(|e| e.sha256.clone()).unwrap_or_default(),
                now.outputs[i].sha256.clone(),
                format!("重新生成的 {n} 与清单记录不同"),
                format!("{n} as written now differs from the manifest's"),
            ));
        }
    }
}

/// The output files given against the manifest's.
fn check_outputs(manifest: &Manifest, outputs: &[NamedBytes], out: &mut Vec<Difference>) {
    for entry in &manifest.outputs {
        match outputs.iter().find(|o| o.name == entry.name) {
            Some(o) => check_file(entry, o.bytes, ("输出文件", "output"), out),
            None => out.push(diff(
                "output_missing",
                &entry.name,
                entry.sha256.clone(),
                "",
                format!("缺少输出文件 {}", entry.name),
                format!("Output file {} is missing", entry.name),
            )),
        }
    }
}

fn check_header(manifest: &Manifest, out: &mut Vec<Difference>) {
    if manifest.format != MANIFEST_FORMAT {
        out.push(diff(
            "manifest_format",
            "format",
            MANIFEST_FORMAT,
            manifest.format.clone(),
            format!("清单格式 {} 不是 {MANIFEST_FORMAT}", manifest.format),
            format!(
                "Manifest format {} is not {MANIFEST_FORMAT}",
                manifest.format
            ),
        ));
    }
    if manifest.engine_version != crate::ENGINE_VERSION {
        out.push(diff(
            "engine_version",
            "engine_version",
            manifest.engine_version.clone(),
            crate::ENGINE_VERSION,
            format!(
                "引擎版本不同：清单 {}，本程序 {}",
                manifest.engine_version,
                crate::ENGINE_VERSION
            ),
            format!(
                "Engine version differs: {} in the manifest, {} here",
                manifest.engine_version,
                crate::ENGINE_VERSION
            ),
        ));
    }
}

fn compare_recomputed(was: &Manifest, now: &Manifest, out: &mut Vec<Difference>) {
    if was.plan.sha256 != now.plan.sha256 {
        out.push(diff(
            "plan_sha256",
            &was.plan.file.name,
            was.plan.sha256.clone(),
            now.plan.sha256.clone(),
            format!(
                "方案指纹改变：清单 {}，现为 {}",
                was.plan.sha256, now.plan.sha256
            ),
            format!(
                "The plan changed: fingerprint {} in the manifest, {} now",
                was.plan.sha256, now.plan.sha256
            ),
        ));
    }
    let counts = |c: &Counts| {
        [
            ("read", c.read),
            ("accepted", c.accepted),
            ("rejected", c.rejected),
            ("indicator_inputs", c.indicator_inputs),
            ("history_entries", c.history_entries),
        ]
    };
    for ((name, a), (_, b)) in counts(&was.counts).into_iter().zip(counts(&now.counts)) {
        if a != b {
            out.push(diff(
                "counts",
                name,
                a.to_string(),
                b.to_string(),
                format!("计数 {name} 不同：清单 {a}，现为 {b}"),
                format!("Count {name} differs: {a} in the manifest, {b} now"),
            ));
        }
    }
    for (w, n) in was.inputs.iter().zip(&now.inputs) {
        if let (Some(a), Some(b)) = (&w.records, &n.records) {
            if a != b {
                let f = &w.name;
                out.push(diff(
                    "input_records",
                    f,
                    format!("{}/{}/{}", a.read, a.accepted, a.rejected),
                    format!("{}/{}/{}", b.read, b.accepted, b.rejected),
                    format!(
                        "{f}：读取/接受/拒收 清单 {}/{}/{}，现为 {}/{}/{}",
                        a.read, a.accepted, a.rejected, b.read, b.accepted, b.rejected
                    ),
                    format!(
                        "{f}: read/accepted/rejected {}/{}/{} in the manifest, {}/{}/{} now",
                        a.read, a.accepted, a.rejected, b.read, b.accepted, b.rejected
                    ),
                ));
            }
        }
    }
    if was.result.sha256 != now.result.sha256 {
        out.push(diff(
            "result_sha256",
            RESULT_FILE,
            was.result.sha256.clone(),
            now.result.sha256.clone(),
            format!(
                "结果不同：清单记录的结果 SHA-256 为 {}，重新计算为 {}",
                was.result.sha256, now.result.sha256
            ),
            format!(
                "The result differs: SHA-256 {} in the manifest, {} recomputed",
                was.result.sha256, now.result.sha256
            ),
        ));
    }
}

/// One differing value of two JSON documents.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ValueDiff {
    /// JSON Pointer (RFC 6901) of the value.
    pub path: String,
    /// The value in the first document (canonical JSON, shortened), or `(absent)`.
    pub expected: String,
    pub found: String,
}

const ABSENT: &str = "(absent)";

fn show(v: &Value) -> String {
    let s = canonical_value(v);
    if s.chars().count() > 80 {
        let mut t: String = s.chars().take(77).collect();
        t.push('…');
        t
    } else {
        s
    }
}

fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The values that differ between two JSON documents, by JSON Pointer, in document order: at
/// most `limit` of them, and how many there are in all. Objects are compared key by key
/// (a key on one side only is a difference), arrays element by element (extra elements are
/// differences), anything else by value.
pub fn json_diff(expected: &Value, found: &Value, limit: usize) -> (Vec<ValueDiff>, usize) {
    let mut out = Vec::new();
    let mut total = 0;
    walk("", Some(expected), Some(found), limit, &mut out, &mut total);
    (out, total)
}

fn walk(
    path: &str,
    a: Option<&Value>,
    b: Option<&Value>,
    limit: usize,
    out: &mut Vec<ValueDiff>,
    total: &mut usize,
) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort_by(|p, q| p.encode_utf16().cmp(q.encode_utf16()));
            keys.dedup();
            for k in keys {
                let p = format!("{path}/{}", pointer_escape(k));
                walk(&p, x.get(k), y.get(k), limit, out, total);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                walk(
                    &format!("{path}/{i}"),
                    x.get(i),
                    y.get(i),
                    limit,
                    out,
                    total,
                );
            }
        }
        (a, b) if a == b => {}
        (a, b) => {
            *total += 1;
            if out.len() < limit {
                out.push(ValueDiff {
                    path: if path.is_empty() {
                        "/".into()
                    } else {
                        path.into()
                    },
                    expected: a.map_or(ABSENT.into(), show),
                    found: b.map_or(ABSENT.into(), show),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_diff_names_each_differing_value_by_pointer() {
        let a = json!({"units": [{"unit": "a", "composite": 85.81}, {"unit": "b"}], "x/y": 1});
        let b = json!({"units": [{"unit": "a", "composite": 84.2}], "x/y": 1, "z": true});
        let (d, total) = json_diff(&a, &b, 10);
        assert_eq!(total, 3);
        assert_eq!(
            d.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["/units/0/composite", "/units/1", "/z"]
        );
        assert_eq!(d[0].expected, "85.81");
        assert_eq!(d[0].found, "84.2");
        assert_eq!(d[1].found, ABSENT);
        let (d, total) = json_diff(&a, &b, 1);
        assert_eq!((d.len(), total), (1, 3));
        assert_eq!(json_diff(&a, &a, 10), (vec![], 0));
    }
}
