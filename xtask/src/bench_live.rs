//! `cargo xtask bench live`: live validation (issue 19, point 3) in Node with the forms build:
//! a 200-question rating form with a relevance chain answered one question at a time, the
//! engine's old path (every answer sent again, the whole form evaluated) against its form
//! session (one answer set, only what reads it re-evaluated) and SurveyJS on the same form.
//! The driver is `xtask/bench/live/live.mjs`; SurveyJS (npm `survey-core`) is that folder's
//! own dependency, installed there on the first run, never the app's or the test suite's.

use std::path::Path;

use anyhow::Result;

use crate::cmd::Cmd;
use crate::{tools, web};

/// Build the forms WASM (unless `build` is false), install the bench's SurveyJS if missing,
/// and run `rounds` rounds of each path; the figures go to `target/bench/live.json` too.
pub fn run(root: &Path, rounds: usize, build: bool) -> Result<()> {
    if build {
        tools::ensure(root, tools::Needs::WEB)?;
        web::build_forms(root)?;
    }
    let dir = root.join("xtask/bench/live");
    if !dir.join("node_modules/survey-core").is_dir() {
        Cmd::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .dir(&dir)
            .run()?;
    }
    std::fs::create_dir_all(root.join("target/bench"))?;
    Cmd::new("node")
        .args(["--expose-gc", "xtask/bench/live/live.mjs"])
        .arg("www/pkg")
        .arg(rounds.to_string())
        .arg("target/bench/live.json")
        .dir(root)
        .run()
}
