//! Rosters (评审名单): who may rate which units on which review instrument, as the office keeps
//! it in Excel, WPS or a CSV file, read and checked against the plan so that invitations can be
//! signed from it (`docs/trust.md`, issue 16).
//!
//! **Columns** are found by name, in zh-CN or English: 评审人编号/rater (required), 姓名/name,
//! 组别/group, 评审对象/units, 问卷/instrument (required unless [`RosterOptions::instrument`]
//! names one), 有效期起/valid_from and 有效期止/valid_until (dates `YYYY-MM-DD`, China time;
//! [`RosterOptions`] may give them for the whole roster). Other columns (备注) are read past.
//!
//! **Units** are unit or category ids or names in any plan language, separated by `;` `；` `、`
//! `,` `，` or `|`; a category stands for its units that the instrument rates; an empty cell is
//! every unit the instrument rates. They are resolved to unit ids in the sheet's order.
//!
//! **Nothing is dropped.** A row with a problem gives no entry, and every problem is listed with
//! its row, column and cell (`C4` in a CSV file, `名单!C4` in a workbook), in both languages.

mod cadres;
mod read;
mod rows;

use crate::text::Text;
use serde::{Deserialize, Serialize};

pub use cadres::{read_cadre_roster, CadreRosterRead};
pub use read::MAX_ROWS;

/// What the command or page gives for the whole roster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RosterOptions {
    /// The instrument of rows whose instrument cell is empty (or of a roster without that column).
    #[serde(default)]
    pub instrument: Option<String>,
    /// The first and last day (`YYYY-MM-DD`, China time) of rows whose cells are empty.
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
}

/// The raters a roster names, one entry per good row, in the file's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Roster {
    pub entries: Vec<RosterEntry>,
}

/// One rater of a roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RosterEntry {
    /// The spreadsheet row (the header is row 1 when it is the first line).
    pub row: u64,
    pub rater: String,
    /// The rater's name, "" when the roster gives none.
    pub name: String,
    /// The review group's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The instrument's id.
    pub instrument: String,
    /// The assigned units' ids, in the sheet's order.
    pub units: Vec<String>,
    /// First and last valid day, `YYYY-MM-DD` (China time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// One problem of a roster, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RosterProblem {
    /// The spreadsheet row.
    pub row: u64,
    /// The column's header, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The cell: `C4`, or `名单!C4` in a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// `empty_rater`, `duplicate_rater`, `unknown_unit`, `unit_not_rated`,
    /// `missing_instrument`, `unknown_instrument`, `not_rated_instrument`, `unknown_group`,
    /// `bad_date`, `dates_reversed` or `csv_syntax`.
    pub code: String,
    pub message: Text,
}

impl RosterProblem {
    /// `名单!C4 (评审对象): …` in `lang`.
    pub fn describe(&self, lang: &str) -> String {
        let at = match (&self.cell, &self.column) {
            (Some(c), Some(h)) => format!("{c} ({h})"),
            (Some(c), None) => c.clone(),
            (None, _) => format!("row {}", self.row),
        };
        format!("{at}: {}", self.message.get(lang))
    }
}

/// A roster read: the good rows' entries and every problem of the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RosterRead {
    pub roster: Roster,
    pub problems: Vec<RosterProblem>,
}

/// Why a roster could not be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RosterError {
    #[error("{file}: {error}")]
    Workbook {
        file: String,
        error: crate::xlsx::XlsxError,
    },
    #[error("{file}: the header row lacks the column(s) {missing}")]
    MissingColumns { file: String, missing: String },
    #[error("{file}: more than {max} rows; a roster has one row per person (a rater, or a cadre)")]
    TooManyRows { file: String, max: usize },
    #[error("the roster's {field} {value:?}: {why}")]
    BadOption {
        field: &'static str,
        value: String,
        why: String,
        why_zh: String,
    },
}

/// Reads a roster (an XLSX workbook's first sheet, or CSV in UTF-8, UTF-16 or GB18030) and
/// checks each row against `plan`. `file` names the file in messages (and a `.xlsx` name marks
/// a workbook, as do its first bytes).
pub fn read_roster(
    plan: &crate::plan::Plan,
    file: &str,
    bytes: &[u8],
    options: &RosterOptions,
) -> Result<RosterRead, RosterError> {
    let table = read::read_table(file, bytes)?;
    rows::check(plan, file, &table, options)
}
