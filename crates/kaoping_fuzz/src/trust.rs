//! Who may rate (`docs/trust.md`): invitation tokens, code batches, rosters and signed sheets,
//! against the plan of `tests/fixtures/trust/` (the demo plan with the office key of seed
//! `[11; 32]`, experts by invitation, cadre by code). The first byte of the input picks what the
//! rest is:
//!
//! - `0`: an invitation payload (JSON), signed here with the office key, opened as the review
//!   page does: an opened sheet shows only units the token assigns;
//! - `1`: a token's text as a link carries it (the fuzzer cannot forge a signature: the parser);
//! - `2`: a code batch (JSON) given to an ingest session, and the same batch signed here with
//!   the office key: it verifies unless its own content is wrong;
//! - `3`: a roster, as CSV and as a workbook;
//! - otherwise: response records (JSON, an array or JSON Lines) ingested under the trust rules, with the
//!   fixtures' code batch: read = accepted + rejected, superseded sheets are accepted ones.

use std::sync::OnceLock;

use kaoping_core::ingest::{FileOptions, Format, IngestSession};
use kaoping_core::invite::invited_sheet;
use kaoping_core::plan::{load_plan, Plan};
use kaoping_core::roster::{read_roster, RosterOptions};
use kaoping_core::trust::codes::{batch_message, verify_batch, CodeBatch};
use kaoping_core::trust::keys::{b64u, sign};
use kaoping_core::trust::token::token_text;
use kaoping_core::trust::TrustRules;

/// The office key's seed in `tests/fixtures/trust/` (`crates/kaoping_core/tests/trust_ingest.rs`).
const OFFICE: [u8; 32] = [11; 32];
/// 2026-06-01T00:00:00Z: within the fixtures' invitations.
const NOW_MS: f64 = 1_780_272_000_000.0;
const BATCH: &[u8] = include_bytes!("../../../tests/fixtures/trust/codes-2025-12.json");

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        load_plan(include_str!("../../../tests/fixtures/trust/plan.json"))
            .expect("the trust fixtures' plan loads")
    })
}

fn rules() -> &'static TrustRules {
    static RULES: OnceLock<TrustRules> = OnceLock::new();
    RULES.get_or_init(|| TrustRules::of(plan()).expect("the fixtures' trust section reads"))
}

pub fn trust(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    match kind {
        0 => payload(rest),
        1 => {
            let _ = invited_sheet(plan(), "expert", &String::from_utf8_lossy(rest), NOW_MS);
        }
        2 => batch(rest),
        3 => roster(rest),
        _ => sheets(rest),
    }
}

/// A payload signed by the office: whatever the sheet shows is within the token's units.
fn payload(bytes: &[u8]) {
    let token = token_text(bytes, &sign(&OFFICE, bytes));
    for instrument in ["expert", "cadre", "public"] {
        if let Ok(sheet) = invited_sheet(plan(), instrument, &token, NOW_MS) {
            let units = &sheet.invitation.payload.units;
            for unit in sheet.layout.categories.iter().flat_map(|c| &c.units) {
                assert!(units.contains(&unit.id), "{} is not assigned", unit.id);
            }
            assert_eq!(sheet.invitation.payload.instrument, instrument);
        }
    }
}

/// A batch as a file, and signed by the office key.
fn batch(bytes: &[u8]) {
    let mut s = IngestSession::keeping(plan());
    s.add_code_batch("codes.json", bytes)
        .expect("before any file");
    let report = s.finish().expect("the session finishes").report;
    assert_eq!(report.accepted, 0);
    if let Ok(mut batch) = serde_json::from_slice::<CodeBatch>(bytes) {
        batch.key = rules().keys[0].id.clone();
        batch.signature = b64u(&sign(&OFFICE, &batch_message(&batch)));
        let content_ok = batch.format == "kaoping.codes/1"
            && batch.hashes.iter().all(|h| {
                h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            })
            && batch.hashes.len() <= 100_000;
        assert_eq!(
            verify_batch(rules(), &batch).is_ok(),
            content_ok,
            "a batch signed by the plan's key"
        );
    }
}

/// A roster: every entry names a rater once per instrument, and its units are the plan's.
fn roster(bytes: &[u8]) {
    let options = RosterOptions {
        instrument: Some("expert".into()),
        ..RosterOptions::default()
    };
    for name in ["roster.csv", "roster.xlsx"] {
        let Ok(read) = read_roster(plan(), name, bytes, &options) else {
            continue;
        };
        let mut seen = std::collections::BTreeSet::new();
        for e in &read.roster.entries {
            assert!(seen.insert((&e.instrument, &e.rater)), "{} twice", e.rater);
            for u in &e.units {
                assert!(plan().units.iter().any(|p| &p.id == u), "unit {u}");
            }
        }
    }
}

/// Records under the trust rules: none dropped, and what was superseded had been accepted.
fn sheets(bytes: &[u8]) {
    let mut s = IngestSession::keeping(plan());
    s.add_code_batch("codes.json", BATCH)
        .expect("before any file");
    let options = FileOptions {
        format: Format::Auto,
        ..FileOptions::default()
    };
    s.begin("records.json", options).expect("no file is open");
    s.push(bytes).expect("bytes go to an open file");
    let count = s.end().expect("the file ends");
    assert_eq!(count.read, count.accepted + count.rejected);
    let report = s.finish().expect("the session finishes").report;
    assert_eq!(
        report.read,
        report.accepted + report.rejected.len(),
        "read = accepted + rejected"
    );
    // A signed sheet a later one of the same rater supersedes is accepted and listed, not kept.
    assert_eq!(
        report.records.len() + report.superseded.len(),
        report.accepted,
        "every accepted record kept or listed as superseded"
    );
    for s in &report.superseded {
        assert!(
            !report
                .rejected
                .iter()
                .any(|r| r.row == s.counted_row || r.row == s.row),
            "a superseded sheet, and the one that counts instead, are not rejected (row {})",
            s.row
        );
    }
}
