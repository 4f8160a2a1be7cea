//! The review page's answers and submission read from a JSON value by hand (`crate::json_read`):
//! serde's derived `Deserialize` accepts the same and gives the same errors
//! (`tests/hand_readers.rs`), without its code per type in the review page's WASM.

use super::{ReviewAnswers, ReviewSubmission};
use crate::json_read::{any, float, map, opt, seq, string, uint, Fields, R};
use serde_json::Value;

impl ReviewAnswers {
    /// A reviewer's answers from a JSON value, as serde reads them.
    pub fn from_value(v: &Value) -> R<ReviewAnswers> {
        const NAMES: &[&str] = &[
            "reviewer", "group", "quarter", "recused", "scores", "comments",
        ];
        let s = Fields::of(v, "ReviewAnswers", NAMES)?;
        let mut a = ReviewAnswers::default();
        for (i, v) in s.present() {
            match i {
                0 => a.reviewer = string(v)?,
                1 => a.group = opt(v, string)?,
                2 => a.quarter = opt(v, string)?,
                3 => a.recused = seq(v, string)?,
                4 => a.scores = map(v, |row| map(row, any))?,
                _ => a.comments = map(v, string)?,
            }
        }
        s.end(a)
    }
}

impl ReviewSubmission {
    /// A review sheet's submission from a JSON value, as serde reads it.
    pub fn from_value(v: &Value) -> R<ReviewSubmission> {
        const NAMES: &[&str] = &[
            "instrument",
            "started_ms",
            "submitted_ms",
            "lang",
            "answers",
            "earlier_submissions",
        ];
        let s = Fields::of(v, "ReviewSubmission", NAMES)?;
        let (mut instrument, mut started, mut submitted, mut lang, mut answers) =
            (None, None, None, None, None);
        let mut earlier_submissions = 0;
        for (i, v) in s.present() {
            match i {
                0 => instrument = Some(string(v)?),
                1 => started = Some(float(v)?),
                2 => submitted = Some(float(v)?),
                3 => lang = Some(string(v)?),
                4 => answers = Some(ReviewAnswers::from_value(v)?),
                _ => earlier_submissions = uint(v)?,
            }
        }
        let sub = ReviewSubmission {
            instrument: s.need(instrument, 0)?,
            started_ms: s.need(started, 1)?,
            submitted_ms: s.need(submitted, 2)?,
            lang: s.need(lang, 3)?,
            answers: s.need(answers, 4)?,
            earlier_submissions,
        };
        s.end(sub)
    }
}
