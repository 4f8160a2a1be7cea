//! kaoping_core: every rule and every number of kaoping.
//!
//! Pure Rust: no IO, no wasm-bindgen, no JavaScript. The wasm facade, the CLI and the
//! browser pages only carry data in and out of this crate.

#[cfg(feature = "office")]
pub mod aggregate;
#[cfg(feature = "office")]
pub mod amend;
pub mod canonical;
pub mod cells;
pub mod date;
pub(crate) mod duplicates;
pub mod export;
pub mod expr;
pub mod form;
pub(crate) mod ids;
#[cfg(feature = "office")]
pub mod import;
pub mod ingest;
#[cfg(feature = "trust")]
pub mod invite;
mod json_read;
pub mod locate;
#[cfg(feature = "office")]
pub mod manifest;
mod messages;
pub mod pattern;
pub mod plan;
#[cfg(feature = "office")]
pub mod planbook;
#[cfg(feature = "office")]
pub mod publish;
#[cfg(feature = "office")]
pub mod qr;
mod random;
pub mod record;
pub mod review;
#[cfg(feature = "office")]
pub mod roster;
pub mod schema;
pub mod score;
pub mod stats;
pub mod table;
pub mod text;
pub mod track;
pub mod trust;
pub mod validate;
#[cfg(feature = "office")]
pub mod xlsx;
#[cfg(feature = "office")]
pub mod yearend;

/// The engine version written into every record and manifest.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
