//! Verifying the files a person gave (dropped on the office page, under their bare names):
//! the manifest found among them, the others matched to its entries by base name, then
//! [`verify`].

use super::{verify, NamedBytes, Verification};
use crate::aggregate::AggregateError;
use crate::aggregate::RESULT_FILE;
use crate::canonical::sha256_hex;
use crate::manifest::Manifest;
use serde::{Deserialize, Serialize};

/// The last component of a path written with `/` or `\\` (a browser gives bare file names).
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Files given to check a manifest (e.g. dropped on the office page, under their bare names),
/// matched to its entries by base name.
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    /// The plan and the inputs found, under the manifest's names.
    pub files: Vec<NamedBytes<'a>>,
    /// The outputs found, under the manifest's names; `None` unless `result.json` was given.
    pub outputs: Option<Vec<NamedBytes<'a>>>,
    /// The plan and input files the manifest names that were not given.
    pub missing: Vec<String>,
}

/// Matches `given` files to the manifest's plan, inputs and outputs by base name.
/// - The plan: when no file of its name is given and `builtin_plan` (the engine's own demo
///   plan) has the size and SHA-256 the manifest records, those bytes are the plan.
/// - Outputs are compared only when `result.json` is among the files, and never an output
///   named like an input (the public table `public.csv` is both an output name and a common
///   input name: the file given is taken as the input).
pub fn match_given<'a>(
    manifest: &'a Manifest,
    given: &[NamedBytes<'a>],
    builtin_plan: Option<&'a [u8]>,
) -> Matched<'a> {
    let find = |name: &str| {
        let b = base_name(name);
        given
            .iter()
            .find(|f| base_name(f.name) == b)
            .map(|f| f.bytes)
    };
    let plan = &manifest.plan.file;
    let plan_bytes = find(&plan.name).or_else(|| {
        builtin_plan.filter(|b| b.len() as u64 == plan.size && sha256_hex(b) == plan.sha256)
    });
    let mut files = Vec::new();
    let mut missing = Vec::new();
    match plan_bytes {
        Some(bytes) => files.push(NamedBytes {
            name: &plan.name,
            bytes,
        }),
        None => missing.push(plan.name.clone()),
    }
    for e in &manifest.inputs {
        match find(&e.name) {
            Some(bytes) => files.push(NamedBytes {
                name: &e.name,
                bytes,
            }),
            None => missing.push(e.name.clone()),
        }
    }
    let inputs: Vec<&str> = std::iter::once(plan)
        .chain(&manifest.inputs)
        .map(|e| base_name(&e.name))
        .collect();
    let outputs = find(RESULT_FILE).map(|_| {
        manifest
            .outputs
            .iter()
            .filter(|e| !inputs.contains(&base_name(&e.name)))
            .filter_map(|e| {
                find(&e.name).map(|bytes| NamedBytes {
                    name: &e.name,
                    bytes,
                })
            })
            .collect()
    });
    Matched {
        files,
        outputs,
        missing,
    }
}

/// [`verify`] of the files a person gave ([`match_given`]); of the outputs, those given are
/// compared.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GivenVerification {
    pub verification: Verification,
    /// The plan and input files the manifest names that were not given.
    pub missing: Vec<String>,
    /// How many output files were compared.
    pub outputs: usize,
}

/// Matches `given` to the manifest ([`match_given`]) and verifies them ([`verify`]).
pub fn verify_given(
    manifest: &Manifest,
    given: &[NamedBytes],
    builtin_plan: Option<&[u8]>,
    limit: usize,
) -> GivenVerification {
    let m = match_given(manifest, given, builtin_plan);
    let outputs = m.outputs.as_ref().map_or(0, Vec::len);
    let outs = m.outputs.as_deref().filter(|o| !o.is_empty());
    // A person compares the outputs they give: the others are not missing, just not checked.
    let mut only_given = manifest.clone();
    if let Some(o) = outs {
        only_given
            .outputs
            .retain(|e| o.iter().any(|g| g.name == e.name));
    }
    GivenVerification {
        verification: verify(&only_given, &m.files, outs, limit),
        missing: m.missing,
        outputs,
    }
}

/// What the files a person gave hold: one manifest, verified against the others
/// ([`verify_given`]); or no manifest, or more than one. JSON: `found` names which.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "found", rename_all = "snake_case")]
pub enum FileSetVerification {
    NoManifest,
    ManyManifests {
        names: Vec<String>,
    },
    Verified {
        /// The manifest's file name.
        manifest: String,
        #[serde(flatten)]
        given: GivenVerification,
    },
}

/// Whether a file is a kaoping manifest: a `.json` file (any case) whose top-level `format`
/// starts with `kaoping.manifest/`.
pub fn is_manifest(name: &str, bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Format {
        format: Option<String>,
    }
    name.to_ascii_lowercase().ends_with(".json")
        && serde_json::from_slice::<Format>(bytes)
            .ok()
            .and_then(|f| f.format)
            .is_some_and(|f| f.starts_with("kaoping.manifest/"))
}

/// Finds the one manifest among the files a person gave ([`is_manifest`]) and verifies the
/// others against it ([`verify_given`]). A manifest that cannot be read is an error naming
/// its file.
pub fn verify_files(
    given: &[NamedBytes],
    builtin_plan: Option<&[u8]>,
    limit: usize,
) -> Result<FileSetVerification, AggregateError> {
    let found: Vec<usize> = (0..given.len())
        .filter(|&i| is_manifest(given[i].name, given[i].bytes))
        .collect();
    let i = match found[..] {
        [] => return Ok(FileSetVerification::NoManifest),
        [i] => i,
        _ => {
            let names = found.iter().map(|&i| given[i].name.to_owned()).collect();
            return Ok(FileSetVerification::ManyManifests { names });
        }
    };
    let manifest: Manifest =
        serde_json::from_slice(given[i].bytes).map_err(|e| AggregateError::BadInput {
            file: given[i].name.to_owned(),
            what: "a kaoping manifest",
            why: e.to_string(),
        })?;
    let rest: Vec<NamedBytes> = (0..given.len())
        .filter(|&j| j != i)
        .map(|j| given[j])
        .collect();
    Ok(FileSetVerification::Verified {
        manifest: given[i].name.to_owned(),
        given: verify_given(&manifest, &rest, builtin_plan, limit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_is_a_json_file_of_the_manifest_format() {
        assert!(is_manifest(
            "out/MANIFEST.JSON",
            br#"{"format":"kaoping.manifest/1"}"#
        ));
        assert!(!is_manifest("m.txt", br#"{"format":"kaoping.manifest/1"}"#));
        assert!(!is_manifest("r.json", br#"{"format":"kaoping.result/1"}"#));
        assert!(!is_manifest("r.json", b"[1, 2"));
        let named = |name, bytes| NamedBytes { name, bytes };
        let m = br#"{"format":"kaoping.manifest/1"}"#;
        let none = verify_files(&[named("a.csv", b"x")], None, 5).unwrap();
        assert_eq!(none, FileSetVerification::NoManifest);
        let two = verify_files(&[named("a.json", m), named("b.json", m)], None, 5).unwrap();
        assert_eq!(
            two,
            FileSetVerification::ManyManifests {
                names: vec!["a.json".into(), "b.json".into()]
            }
        );
        let bad = verify_files(&[named("a.json", m)], None, 5).unwrap_err();
        assert!(
            bad.to_string()
                .starts_with("a.json: not a kaoping manifest"),
            "{bad}"
        );
    }
}
