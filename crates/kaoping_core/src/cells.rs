//! A table of cells, as the exports and the XLSX writer share it: [`Cell`], [`Table`] and the
//! way a number is written ([`format_number`]). A leaf module: the exports ([`crate::export`],
//! the tracking warnings) build tables and the XLSX writer writes them.

use serde::Serialize;

/// The UTF-8 byte-order mark that starts every CSV kaoping writes (so that Excel reads
/// Chinese text as UTF-8).
pub const BOM: &str = "\u{feff}";

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Cell {
    /// No value (a missing score, an absent interval).
    Empty,
    Number(f64),
    Text(String),
}

impl Cell {
    /// The cell as text, as a reader sees it (numbers in their shortest exact form).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(v) => format_number(*v),
            Cell::Text(s) => s.clone(),
        }
    }
}

/// A number in its shortest round-trip decimal form, never in exponent notation
/// (`88.8333`, `100`, `0.000002787`); integers without a fraction.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    format!("{v}")
}

/// A table of an export: one CSV file, one XLSX sheet.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Table {
    /// Stable id, also the CSV file name (`ranking` → `ranking.csv`).
    pub id: String,
    /// Title in the language asked for (also the XLSX sheet name, at most 31 characters).
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}
