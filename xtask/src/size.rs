//! `cargo xtask size`: what the respondent page costs over the wire (gzip -9), against a budget.

use std::path::Path;

use anyhow::Result;

use crate::cmd::Cmd;
use crate::{serve, tools, web};

pub const DEFAULT_BUDGET_KB: f64 = 150.0;

/// Make the site from `www/` ([`web::site`]), serve it in-process on a free port and run
/// `tests/e2e/size.mjs` against it.
pub fn run(root: &Path, budget_kb: f64) -> Result<()> {
    let site = web::site(root)?;
    let (_server, port) = serve::start(&site, 0)?;
    Cmd::new("node")
        .arg("tests/e2e/size.mjs")
        .arg("--budget-kb")
        .arg(budget_kb.to_string())
        .env("KAOPING_URL", format!("http://127.0.0.1:{port}/"))
        .env("CHROMIUM", chromium())
        .dir(root)
        .run()
}

/// `$CHROMIUM`, else Debian's.
pub fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| tools::CHROMIUM.to_string())
}
