//! Response records from JSON: one record, an array, or JSON Lines, read through an
//! [`IngestSession`] as the CLI and the office page do. Every element read is accepted or
//! rejected (read = accepted + rejected, per file and in total), and JSON Lines read in chunks
//! give what one push gives.

use kaoping_core::ingest::{FileOptions, Format, IngestReport, IngestSession};

use crate::{demo_plan, Rng};

fn read(name: &str, format: Format, chunks: &[&[u8]]) -> IngestReport {
    let mut s = IngestSession::keeping(demo_plan());
    let options = FileOptions {
        format,
        ..FileOptions::default()
    };
    s.begin(name, options).expect("no file is open");
    for c in chunks {
        s.push(c).expect("bytes go to an open file");
    }
    let count = s.end().expect("the file ends");
    assert_eq!(count.read, count.accepted + count.rejected, "{name}");
    let report = s.finish().expect("the session finishes").report;
    assert_eq!(report.read, count.read);
    assert_eq!(report.accepted, count.accepted);
    assert_eq!(
        report.read,
        report.accepted + report.rejected.len(),
        "read = accepted + rejected ({name})"
    );
    assert_eq!(
        report.records.len(),
        report.accepted,
        "every accepted record kept"
    );
    report
}

/// The input as a `.json` file (one record or an array), as a `.jsonl` file (in one push and in
/// chunks), and as a file whose format is detected from its first bytes.
pub fn json(data: &[u8]) {
    let whole = read("records.json", Format::Auto, &[data]);
    // An array of n elements is n rows read, each accepted or rejected (none dropped).
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_slice(data) {
        assert_eq!(
            whole.read,
            items.len(),
            "every element of the array is read"
        );
    }
    let lines = read("records.jsonl", Format::Auto, &[data]);
    let mut rng = Rng::of(data);
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let end = (at + 1 + rng.below(48)).min(data.len());
        chunks.push(&data[at..end]);
        at = end;
    }
    let chunked = read("records.jsonl", Format::Jsonl, &chunks);
    assert_eq!(
        serde_json::to_string(&lines).expect("a report serializes"),
        serde_json::to_string(&chunked).expect("a report serializes"),
        "JSON Lines: one push vs chunks"
    );
    let _ = read("records", Format::Auto, &chunks);
}
