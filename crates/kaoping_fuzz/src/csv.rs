//! The CSV tokenizer and the shard/block path: a CSV file made from the input is read through
//! an [`IngestSession`] in one push, in random chunks, on the record path only, and with the
//! rows after a cut prepared in blocks by a [`CsvShard`] (as `kaoping ingest` and the office
//! page do, `ingest/shard.rs`). All four must give the same report (every count and every
//! rejection) and the same evaluation result.

use kaoping_core::ingest::{CsvShard, FileOptions, IngestReport, IngestSession, SessionOutcome};
use kaoping_core::score::demo_public_header;
use kaoping_core::score::EvaluationResult;

use crate::{demo_plan, Rng};

/// What a session gave: the report and the evaluation result (or its error).
struct Outcome {
    report: IngestReport,
    result: Result<EvaluationResult, String>,
}

/// The outcome of a finished session, its counts checked.
fn outcome(out: SessionOutcome) -> Outcome {
    let r = &out.report;
    assert_eq!(
        r.read,
        r.accepted + r.rejected.len(),
        "read = accepted + rejected"
    );
    let files: usize = r.files.iter().map(|f| f.read).sum();
    assert_eq!(files, r.read, "the files' counts add up");
    for f in &r.files {
        assert_eq!(f.read, f.accepted + f.rejected);
    }
    let result = out
        .state
        .expect("a scoring session has a state")
        .finish()
        .map_err(|e| e.to_string());
    Outcome {
        report: out.report,
        result,
    }
}

/// Asserts that two outcomes are the same: equal, or (a NaN is not equal to itself) equal as
/// JSON.
fn assert_same(a: &Outcome, b: &Outcome, what: &str) {
    if a.report == b.report && a.result == b.result {
        return;
    }
    let json = |o: &Outcome| {
        (
            serde_json::to_string(&o.report).expect("a report serializes"),
            match &o.result {
                Ok(r) => serde_json::to_string(r).expect("a result serializes"),
                Err(e) => format!("error: {e}"),
            },
        )
    };
    let (a, b) = (json(a), json(b));
    assert_eq!(a.0, b.0, "reports: {what}");
    assert_eq!(a.1, b.1, "results: {what}");
}

/// The file read in chunks of the given sizes (cycled), on the compiled path or not.
fn chunked(name: &str, bytes: &[u8], sizes: &[usize], fast: bool) -> Outcome {
    let mut s = IngestSession::scoring(demo_plan()).expect("the demo plan scores");
    s.set_fast(fast);
    s.begin(name, FileOptions::default())
        .expect("no file is open");
    let mut at = 0;
    for size in sizes.iter().cycle() {
        if at >= bytes.len() {
            break;
        }
        let end = (at + size.max(&1)).min(bytes.len());
        s.push(&bytes[at..end])
            .expect("bytes go to an open CSV file");
        at = end;
    }
    let count = s.end().expect("the file ends");
    assert_eq!(count.read, count.accepted + count.rejected);
    outcome(s.finish().expect("the session finishes"))
}

/// Just after the LF at or after `at`, or the end.
fn next_lf(bytes: &[u8], at: usize) -> usize {
    bytes[at.min(bytes.len())..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| at + p + 1)
}

/// The file read up to the first LF after `split` by the session, the rest cut at LFs into
/// blocks of about `block` bytes each prepared by a shard and taken in order (a refused block
/// pushed as bytes), as `crates/kaoping_cli/src/blocks.rs` does.
fn sharded(name: &str, bytes: &[u8], split: usize, block: usize) -> Outcome {
    let plan = demo_plan();
    let mut s = IngestSession::scoring(plan).expect("the demo plan scores");
    s.begin(name, FileOptions::default())
        .expect("no file is open");
    let split = next_lf(bytes, split);
    s.push(&bytes[..split])
        .expect("bytes go to an open CSV file");
    let header_end = next_lf(bytes, 0);
    let mut at = split;
    if let Ok(mut shard) = CsvShard::new(plan, name, &FileOptions::default(), &bytes[..header_end])
    {
        if shard.ready() && s.shard_point() {
            while at < bytes.len() {
                let end = next_lf(bytes, at + block);
                let rows = shard.prepare_block(&bytes[at..end], end == bytes.len());
                let taken = s.take_prepared(&rows).expect("a block of the open file");
                if !taken {
                    s.push(&bytes[at..end]).expect("a refused block's bytes");
                }
                at = end;
            }
        }
    }
    if at < bytes.len() {
        s.push(&bytes[at..]).expect("the rest as bytes");
    }
    s.end().expect("the file ends");
    outcome(s.finish().expect("the session finishes"))
}

/// The first byte chooses the file: bit 0, the demo public survey's header line first (so that
/// rows reach the compiled path and the shards); bit 1, a `.tsv` name. The rest of the input
/// is the file's bytes (after the header).
pub fn csv(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    let mut bytes = Vec::with_capacity(body.len() + 400);
    if ctl & 1 == 1 {
        bytes.extend_from_slice(demo_public_header().as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(body);
    let name = if ctl & 2 == 2 {
        "public.tsv"
    } else {
        "public.csv"
    };
    let mut rng = Rng::of(data);
    let one = chunked(name, &bytes, &[bytes.len().max(1)], true);
    let slow = chunked(name, &bytes, &[bytes.len().max(1)], false);
    assert_same(&one, &slow, "compiled path vs record path");
    let sizes: Vec<usize> = (0..7).map(|_| 1 + rng.below(64)).collect();
    let chunks = chunked(name, &bytes, &sizes, true);
    assert_same(&one, &chunks, &format!("one push vs chunks of {sizes:?}"));
    let split = rng.below(bytes.len().max(1));
    let block = 1 + rng.below(bytes.len().max(1));
    let two = sharded(name, &bytes, split, block);
    assert_same(
        &one,
        &two,
        &format!("one push vs blocks of {block} after {split}"),
    );
}
