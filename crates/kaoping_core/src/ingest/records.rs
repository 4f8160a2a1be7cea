//! The record path for JSON: one record, an array of records (each element read on its own)
//! or JSON Lines; each record checked (plan, checksum, instrument, units, the form's checks).

use super::Sink;
use crate::form::{evaluate, Answers};
use crate::plan::{incompatible_message, InstrumentKind, Plan, RecordVersion};
use crate::record::{verify_record, ResponseRecord};
use serde_json::Value;

impl Sink<'_> {
    pub(super) fn add_json_text(&mut self, file: usize, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            // The array's outer structure is checked first (strings, brackets, commas: no values
            // built, no recursion); each element is then parsed on its own, so that an element
            // that is not a value (`1e400`, nesting deeper than serde_json's 128 levels, a
            // stray comma) is rejected with its position and the others are still read.
            // Scanned twice: first whether the structure holds (nothing read when not), then
            // each element as it is found (no list of them).
            if array_elements(text, &mut |_, _, _| {}) {
                let mut i = 0;
                array_elements(text, &mut |start, end, line| {
                    i += 1;
                    match serde_json::from_str::<Value>(&text[start..end]) {
                        Ok(v) => self.add_value(file, i, v),
                        Err(e) => {
                            let line = line + e.line().saturating_sub(1);
                            let at = format!("line {line}, column {}", e.column());
                            self.syntax(file, i, at, &e)
                        }
                    }
                });
            } else {
                let e = serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .err()
                    .unwrap_or_else(|| serde::de::Error::custom("unbalanced brackets"));
                self.syntax(file, e.line(), format!("column {}", e.column()), &e)
            }
        } else {
            // One object, or JSON Lines: try the whole text first.
            match serde_json::from_str::<Value>(text) {
                Ok(v) => self.add_value(file, 1, v),
                Err(_) => {
                    for (i, line) in text.lines().enumerate() {
                        self.add_json_line(file, i + 1, line.as_bytes());
                    }
                }
            }
        }
    }

    pub(super) fn add_json_line(&mut self, file: usize, row: usize, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match serde_json::from_slice::<Value>(line) {
            Ok(v) => self.add_value(file, row, v),
            Err(e) => self.syntax(file, row, format!("column {}", e.column()), &e),
        }
    }

    pub(super) fn syntax(&mut self, file: usize, row: usize, at: String, e: &serde_json::Error) {
        self.report.read += 1;
        let (zh, en) = syntax_message(e);
        self.reject(file, row, Some(at), "json_syntax", &zh, &en);
    }

    pub(super) fn add_value(&mut self, file: usize, row: usize, v: Value) {
        self.report.read += 1;
        let rec: ResponseRecord = match serde_json::from_value(v) {
            Ok(r) => r,
            Err(e) => {
                let (zh, en) = not_a_record_message(&e);
                return self.reject(file, row, None, "not_a_record", &zh, &en);
            }
        };
        if let Some((code, column, zh, en)) = check_record(self.plan, &rec) {
            return self.reject(file, row, column, code, &zh, &en);
        }
        self.accept(file, row, rec, super::Columns::default());
    }
}

/// The `json_syntax` message (zh, en) of a JSON error, without serde's position (the
/// rejection names it).
pub(super) fn syntax_message(e: &serde_json::Error) -> (String, String) {
    let what = e.to_string();
    let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
    (
        format!("JSON 格式错误：{}", crate::text::json_syntax_zh(&what)),
        format!("Invalid JSON: {what}"),
    )
}

/// The `not_a_record` message (zh, en) of a value that does not read as a record.
pub(super) fn not_a_record_message(e: &serde_json::Error) -> (String, String) {
    (
        format!("不是答卷记录：{}", crate::text::serde_zh(&e.to_string())),
        format!("Not a response record: {e}"),
    )
}

/// The first reason to reject a well-formed record, if any.
pub(super) fn check_record(
    plan: &Plan,
    rec: &ResponseRecord,
) -> Option<(&'static str, Option<String>, String, String)> {
    let version = if rec.plan_id == plan.id {
        plan.record_version(&rec.plan_sha256, &rec.instrument)
    } else {
        RecordVersion::Unknown
    };
    if let RecordVersion::Incompatible { version, by, why } = version {
        let (zh, en) = incompatible_message(&rec.instrument, version, by, why);
        return Some(("incompatible_version", Some("plan_sha256".into()), zh, en));
    }
    if version == RecordVersion::Unknown {
        return Some((
            "another_plan",
            Some("plan_sha256".into()),
            format!(
                "答卷属于另一方案（{} {}），不是本方案（{} {}）",
                rec.plan_id,
                short(&rec.plan_sha256),
                plan.id,
                short(&plan.sha256)
            ),
            format!(
                "The record is for another plan ({} {}), not this one ({} {})",
                rec.plan_id,
                short(&rec.plan_sha256),
                plan.id,
                short(&plan.sha256)
            ),
        ));
    }
    if !verify_record(rec) {
        return Some((
            "checksum_mismatch",
            Some("checksum".into()),
            // A plain SHA-256 anyone can recompute: a mismatch shows an accidental (or clumsy)
            // change; a match proves nothing about who made the record.
            "答卷校验码与内容不符".into(),
            "The record's checksum does not match its content".into(),
        ));
    }
    // An id is a name, not text with line breaks or NULs: a NUL cannot be stored as text by
    // PostgreSQL (the collector's option), so such a record would be refused there for ever.
    if let Some(c) = rec.respondent_id.chars().find(|c| c.is_control()) {
        let code = c as u32;
        return Some((
            "bad_respondent_id",
            Some("respondent_id".into()),
            format!("答卷编号含有控制字符（U+{code:04X}）"),
            format!("The respondent id contains a control character (U+{code:04X})"),
        ));
    }
    let Some(ins) = plan.instrument(&rec.instrument) else {
        return Some((
            "unknown_instrument",
            Some("instrument".into()),
            format!("方案中没有问卷“{}”", rec.instrument),
            format!("The plan has no instrument \"{}\"", rec.instrument),
        ));
    };
    let unit_of = |key: &str| {
        rec.answers
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match ins.kind {
        InstrumentKind::Review => {
            let scores = rec.answers.get("scores").and_then(Value::as_object);
            for unit in scores.into_iter().flat_map(|m| m.keys()) {
                if plan.unit(unit).is_none() {
                    return Some(unknown_unit(unit, "scores"));
                }
            }
        }
        InstrumentKind::Appraisal | InstrumentKind::Survey => {
            if ins.kind == InstrumentKind::Appraisal {
                if let Some(u) = unit_of("unit").filter(|u| plan.unit(u).is_none()) {
                    return Some(unknown_unit(&u, "unit"));
                }
            }
            let answers = Answers {
                values: rec.answers.clone(),
                reasons: rec.reasons.clone(),
            };
            if let Some((_, column, zh, en)) = answer_problem(ins, &answers, &|q, r| match r {
                Some(r) => format!("{q}.{r}"),
                None => q.to_owned(),
            }) {
                return Some(("invalid_answer", Some(column), zh, en));
            }
        }
    }
    None
}

/// The first issue with answers that voids them (a missing written reason does not), as
/// (`required_missing` or `invalid_answer`, column, zh, en); `column_of(question, row)` names
/// the column.
pub(super) fn answer_problem(
    ins: &crate::plan::Instrument,
    answers: &Answers,
    column_of: &dyn Fn(&str, Option<&str>) -> String,
) -> Option<(&'static str, String, String, String)> {
    let state = evaluate(ins, answers, "zh-CN");
    let (i, issue) = state.issues.iter().enumerate().find(|(_, i)| !i.reason)?;
    let en = evaluate(ins, answers, "en");
    let column = column_of(&issue.question, issue.row.as_deref());
    let en_msg = en
        .issues
        .get(i)
        .map(|x| x.message.clone())
        .unwrap_or_default();
    let code = if issue.code == "required" || issue.code == "row_required" {
        "required_missing"
    } else {
        "invalid_answer"
    };
    Some((
        code,
        column.clone(),
        format!("{column}：{}", issue.message),
        format!("{column}: {en_msg}"),
    ))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn unknown_unit(unit: &str, column: &str) -> (&'static str, Option<String>, String, String) {
    (
        "unknown_unit",
        Some(column.into()),
        format!("方案中没有单位“{unit}”"),
        format!("The plan has no unit \"{unit}\""),
    )
}

/// Hands each element of a JSON array text to `f` as (start, end, line of start); whether the
/// outer structure holds: it starts with `[`, strings close, brackets balance and nothing but
/// white space follows the closing `]` (when not, elements before the break were handed out).
/// A byte scan with a depth counter: no values, no recursion. An element between two commas
/// may still be anything (`1e400`, `{]`); its own parse says.
fn array_elements(text: &str, f: &mut dyn FnMut(usize, usize, usize)) -> bool {
    let b = text.as_bytes();
    let Some(open) = b.iter().position(|c| !c.is_ascii_whitespace()) else {
        return false;
    };
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut line = 1 + b[..open].iter().filter(|&&c| c == b'\n').count();
    let (mut start, mut start_line) = (open + 1, line);
    let mut handed = false;
    let mut close = None;
    for (i, &c) in b.iter().enumerate().skip(open) {
        if c == b'\n' {
            line += 1;
        }
        if in_str {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                let Some(d) = depth.checked_sub(1) else {
                    return false;
                };
                depth = d;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            b',' if depth == 1 => {
                f(start, i, start_line);
                handed = true;
                (start, start_line) = (i + 1, line);
            }
            _ => {}
        }
        if start == i && c.is_ascii_whitespace() {
            (start, start_line) = (i + 1, line);
        }
    }
    let Some(close) = close else {
        return false;
    };
    if !b[close + 1..].iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    // `[]` (and `[ ]`) has no element; otherwise the last runs to the `]`.
    if handed || !b[start..close].iter().all(u8::is_ascii_whitespace) {
        f(start, close, start_line);
    }
    true
}

#[cfg(feature = "office")]
/// Visits a JSON array's elements one at a time: `f(position, value)`, position from 1
/// (aggregate's streamed record arrays). Each element is first taken as raw text, which checks
/// only its syntax, and then read as a value on its own: an element that is not a value (a
/// number such as `1e400`, out of f64's range) is handed on as its error, and the elements
/// after it are still read.
pub(crate) struct EachElement<F>(pub F);

#[cfg(feature = "office")]
impl<'de, F: FnMut(usize, Result<Value, serde_json::Error>)> serde::de::DeserializeSeed<'de>
    for EachElement<F>
{
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

#[cfg(feature = "office")]
impl<'de, F: FnMut(usize, Result<Value, serde_json::Error>)> serde::de::Visitor<'de>
    for EachElement<F>
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(raw) = seq.next_element::<&'de serde_json::value::RawValue>()? {
            i += 1;
            (self.0)(i, serde_json::from_str::<Value>(raw.get()));
        }
        Ok(())
    }
}
