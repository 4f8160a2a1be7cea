//! The bodies of kaoping's fuzz targets, one `pub fn` per target taking the fuzzer's bytes.
//!
//! Each calls `kaoping_core`'s public API as a real caller does (the CLI, the WASM facade) and
//! asserts what must hold for any input: no panic, no unbounded memory, and the target's own
//! properties (read = accepted + rejected; the CSV shard/block path equals the one-pass path;
//! an expression printed and parsed again is the same expression; …). `fuzz/fuzz_targets/*.rs`
//! are thin `fuzz_target!` wrappers around these functions, and `tests/replay.rs` runs every
//! file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` through them on
//! `cargo test`. See `fuzz/README.md`.

mod csv;
mod json;
mod manifest;
mod text;
mod trust;
mod xlsx;

pub use csv::csv;
pub use json::json;
pub use manifest::manifest;
pub use text::{expr, pattern, plan};
pub use trust::trust;
pub use xlsx::{xlsx, zip};

use std::sync::OnceLock;

use kaoping_core::plan::Plan;

/// A fuzz target: its name (of `fuzz/fuzz_targets/<name>.rs` and the corpus folders) and body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, in the order of the list.
pub const TARGETS: &[Target] = &[
    ("plan", plan),
    ("expr", expr),
    ("pattern", pattern),
    ("csv", csv),
    ("json", json),
    ("xlsx", xlsx),
    ("zip", zip),
    ("manifest", manifest),
    ("trust", trust),
];

/// The target of this name.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|t| t.0 == name).map(|t| t.1)
}

/// The demo plan, read once per process (the fuzzer calls a target millions of times).
pub(crate) fn demo_plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(kaoping_core::plan::demo_plan)
}

/// A small deterministic generator seeded from the input (splitmix64), for chunk sizes and
/// cut points: the same input always takes the same path, so a crash replays.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn of(data: &[u8]) -> Rng {
        // FNV-1a over the input.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in data {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The input split at its first `sep` byte: (before, after); all of it and nothing when absent.
pub(crate) fn split_at_byte(data: &[u8], sep: u8) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == sep) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// The files the seeds of the `manifest` and `xlsx` targets are made of (for
/// `examples/seeds.rs`): a small aggregation's inputs and outputs (name, bytes), and its
/// manifest as JSON.
pub struct SeedFiles {
    pub inputs: Vec<(String, Vec<u8>)>,
    pub outputs: Vec<(String, Vec<u8>)>,
    pub manifest: Vec<u8>,
}

/// See [`SeedFiles`].
pub fn seed_files() -> SeedFiles {
    let f = manifest::files();
    SeedFiles {
        inputs: f
            .files
            .iter()
            .map(|(n, b)| (n.to_string(), b.clone()))
            .collect(),
        outputs: f
            .agg
            .outputs
            .iter()
            .map(|o| (o.name.clone(), o.bytes.clone()))
            .collect(),
        manifest: serde_json::to_vec_pretty(&f.agg.manifest).expect("a manifest serializes"),
    }
}

/// The XML parts of kaoping's small workbook joined by NUL bytes (the `xlsx` target's input
/// shape after its first byte).
pub fn seed_xlsx_parts() -> Vec<u8> {
    xlsx::parts()
        .iter()
        .map(|p| p.1.as_slice())
        .collect::<Vec<_>>()
        .join(&0u8)
}
