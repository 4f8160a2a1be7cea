//! The audit manifest's `verify`: a manifest read from any JSON, checked against the files of
//! a real aggregation; and a real manifest checked against files of which one is replaced by
//! the input. Never a panic, and a changed file is always a difference.

use std::sync::OnceLock;

use kaoping_core::aggregate::verify::{verify, verify_given, NamedBytes};
use kaoping_core::aggregate::{aggregate, Aggregation, InputFile};
use kaoping_core::manifest::{InputRole, Manifest, Parameters};
use kaoping_core::plan::DEMO_PLAN_SOURCE;
use kaoping_core::score::{demo_inputs, ScoringInputs};

/// The plan and input files of a small aggregation (name, bytes), and the aggregation.
pub(crate) struct Files {
    pub(crate) files: Vec<(&'static str, Vec<u8>)>,
    pub(crate) agg: Aggregation,
}

pub(crate) fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        let demo = demo_inputs(5, 12);
        let (public, rest): (Vec<_>, Vec<_>) = demo
            .records
            .into_iter()
            .partition(|r| r.instrument == "public");
        let records: String = public
            .iter()
            .map(|r| serde_json::to_string(r).expect("a record serializes") + "\n")
            .collect();
        let inputs = ScoringInputs {
            records: rest,
            indicators: demo.indicators,
            history: demo.history,
            cadres: None,
        };
        let files = vec![
            ("plan.json", DEMO_PLAN_SOURCE.as_bytes().to_vec()),
            ("public.jsonl", records.into_bytes()),
            (
                "inputs.json",
                serde_json::to_vec(&inputs).expect("inputs serialize"),
            ),
        ];
        let agg = run(&files).expect("the demo aggregates");
        Files { files, agg }
    })
}

fn run(files: &[(&'static str, Vec<u8>)]) -> Option<Aggregation> {
    let inputs: Vec<InputFile> = files[1..]
        .iter()
        .map(|(name, bytes)| InputFile {
            name,
            role: InputRole::detect(bytes),
            bytes,
        })
        .collect();
    let params = Parameters {
        lang: "zh-CN".into(),
    };
    aggregate(files[0].0, &files[0].1, &inputs, &params, &mut |_, _| {}).ok()
}

fn named<'a>(files: &'a [(&'static str, Vec<u8>)]) -> Vec<NamedBytes<'a>> {
    files
        .iter()
        .map(|(name, bytes)| NamedBytes { name, bytes })
        .collect()
}

/// The first byte chooses: 0 mod 4, the rest is a manifest's JSON text, verified (as `kaoping
/// verify` and the office page do) against the real files and outputs; otherwise the rest
/// replaces the records file (1), the plan (2) or the result.json output (3) under the real
/// manifest, and must be found different unless it is the same bytes.
pub fn manifest(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    let f = files();
    let outputs: Vec<NamedBytes> = f
        .agg
        .outputs
        .iter()
        .map(|o| NamedBytes {
            name: &o.name,
            bytes: &o.bytes,
        })
        .collect();
    match ctl % 4 {
        0 => {
            let Ok(m) = serde_json::from_slice::<Manifest>(body) else {
                return;
            };
            let v = verify(&m, &named(&f.files), Some(&outputs), 5);
            assert_eq!(v.identical, v.differences.is_empty());
            let mut given = named(&f.files);
            given.extend(outputs.iter().copied());
            let g = verify_given(&m, &given, Some(DEMO_PLAN_SOURCE.as_bytes()), 5);
            let v = g.verification;
            assert_eq!(v.identical, v.differences.is_empty());
        }
        3 => {
            let mut outs = outputs.clone();
            let at = outs
                .iter()
                .position(|o| o.name == "result.json")
                .expect("result.json is an output");
            outs[at].bytes = body;
            let v = verify(&f.agg.manifest, &named(&f.files), Some(&outs), 5);
            assert_eq!(v.identical, v.differences.is_empty());
            if body != outputs[at].bytes {
                assert!(!v.identical, "a changed result.json is a difference");
            }
        }
        which => {
            let which = which as usize - 1; // 0: the records, 1: the plan
            let i = if which == 0 { 1 } else { 0 };
            let mut files = f.files.clone();
            files[i].1 = body.to_vec();
            let v = verify(&f.agg.manifest, &named(&files), Some(&outputs), 5);
            assert_eq!(v.identical, v.differences.is_empty());
            if body != f.files[i].1 {
                let name = files[i].0;
                assert!(
                    v.differences
                        .iter()
                        .any(|d| d.subject == name && d.code.ends_with("_sha256")),
                    "a changed {name} is named: {:?}",
                    v.differences
                );
            }
        }
    }
}
