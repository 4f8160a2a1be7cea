//! `cargo xtask size`: what the respondent page costs over the wire (gzip -9), against a budget.

use std::path::Path;

use anyhow::Result;

use crate::cmd::Cmd;
use crate::{serve, tools, web};

/// The respondent page's budget, KiB of gzip. It was 150 until issue 13 (nothing lost): the
/// IndexedDB outbox with its checked writes, locked and idempotent delivery and the endpoint
/// allowlist (store.js, form.js, i18n.js: +3.9 KB), the service worker that caches one build
/// as a unit and offers updates (sw.js, offline.js: +1.6 KB), and the draft carry-over and the
/// Pike VM pattern matcher in the forms WASM (+1.9 KB) took the page from 149.8 to 156.5 KB.
/// Only what that costs is allowed, not more; issue 19 (a lighter respondent page) brings the
/// budget down, and it only moves down.
pub const DEFAULT_BUDGET_KB: f64 = 157.0;

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
