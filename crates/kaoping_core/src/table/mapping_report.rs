//! How a file's headers were mapped to an instrument's flat layout, as the office and the
//! command line are told: each header with its column key and what it became (a question, a
//! matrix row, a survey tool's own column...), the headers not used and the columns missing.

use super::{convention, Target};
use crate::plan::{Instrument, QuestionKind};
use serde::Serialize;

/// One header of a file and where it went.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MappedHeader {
    pub header: String,
    /// The column key, or `None` when the header is not used.
    pub key: Option<String>,
    /// `key`, `label` or `mapping`: how the header was matched; for a survey tool's export
    /// `numbered`, `matrix` or `tool` (a tool's own column: its key, or none when it is only
    /// recognised, [`MappingReport::recognised`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
    /// What the header became.
    pub kind: HeaderKind,
    /// The id of the question it is (or is a matrix row, the reason or an option of).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// For a matrix row: the row's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
}

/// What a header of a file became: a column of the flat layout, a survey tool's own column, or
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeaderKind {
    /// The respondent's id (`respondent_id`).
    RespondentId,
    /// The time of submission (`submitted_at`).
    SubmittedAt,
    /// The plan's id (`plan_id`).
    PlanId,
    /// A question's answer.
    Question,
    /// One row of a matrix question.
    MatrixRow,
    /// The written reason of a question's answer.
    Reason,
    /// One option of a multiple choice question in a column of its own (the option columns
    /// are read as one answer).
    Option,
    /// A one-time code, for an instrument that takes them.
    Code,
    /// A survey tool's time taken, read to find speeders.
    ToolDuration,
    /// A survey tool's own column (source, IP, a second time taken): recognised, not read.
    ToolColumn,
    /// Not used.
    Unused,
}

impl MappedHeader {
    /// The header `h` mapped to column `key`, `target` of instrument `ins` (or to nothing),
    /// `by` how.
    pub(super) fn new(
        ins: &Instrument,
        h: &str,
        key: Option<String>,
        target: Option<Target>,
        by: Option<&'static str>,
    ) -> MappedHeader {
        let id = |q: usize| ins.questions().nth(q).map(|q| q.id.clone());
        let (kind, question, row) = match target {
            None => (HeaderKind::Unused, None, None),
            Some(Target::RespondentId) => (HeaderKind::RespondentId, None, None),
            Some(Target::SubmittedAt) => (HeaderKind::SubmittedAt, None, None),
            Some(Target::PlanId) => (HeaderKind::PlanId, None, None),
            Some(Target::Question(q)) => (HeaderKind::Question, id(q), None),
            Some(Target::MatrixRow(q, r)) => {
                let row = match ins.questions().nth(q).map(|q| &q.kind) {
                    Some(QuestionKind::Matrix { rows, .. }) => rows.get(r).map(|r| r.value.clone()),
                    _ => None,
                };
                (HeaderKind::MatrixRow, id(q), row)
            }
            Some(Target::Reason(q)) => (HeaderKind::Reason, id(q), None),
            Some(Target::Option(q, _)) => (HeaderKind::Option, id(q), None),
        };
        MappedHeader {
            header: h.to_owned(),
            key,
            by,
            kind,
            question,
            row,
        }
    }
}

/// A column of the plan's layout that no header maps to.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MissingColumn {
    pub key: String,
    /// Whether its question must always be answered (such rows will be rejected).
    pub required: bool,
}

/// How a file's headers were mapped to the instrument's layout.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MappingReport {
    pub instrument: String,
    pub headers: Vec<MappedHeader>,
    pub unmapped_headers: Vec<String>,
    pub missing: Vec<MissingColumn>,
    /// Survey tools' own columns (time taken, source, IP): recognised, and only the time
    /// taken used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recognised: Vec<convention::RecognisedHeader>,
}
