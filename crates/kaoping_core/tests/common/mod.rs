//! What the fixture harnesses share: finding the case folders, and comparing an output with the
//! expectation beside it (`UPDATE_FIXTURES=1` rewrites expectations; read the diff first).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The case folders of `tests/fixtures/<area>/`, in name order.
pub fn cases(area: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(area);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Compare `got` with the file at `expected`; an error names the case and shows the output.
pub fn check(expected: &Path, got: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(expected, got).map_err(|e| e.to_string())?;
    }
    if std::fs::read_to_string(expected).unwrap_or_default() == got {
        Ok(())
    } else {
        Err(format!("{}:\n{got}", expected.display()))
    }
}
