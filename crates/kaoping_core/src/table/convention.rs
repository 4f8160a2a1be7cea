//! The headers of the common Chinese survey tools' exports (问卷星/wjx, 腾讯问卷), tried after
//! the flat layout's own matching (key, label, explicit mapping) has found nothing:
//!
//! - **Numbered headers**: `N、label`, `N.label`, `N. label`, `N．label`, `QN`, `Q N`,
//!   `QN.label`. `N` is the question's 1-based number in the instrument (in
//!   [`Instrument::questions`] order). With no label (`QN`) the header is question `N`; a label
//!   in parentheses, `N、(row)`, is row `row` (label or value) of matrix question `N`; a label
//!   equal to question `N`'s (any language) is question `N`, `N、label—row` row `row` of it,
//!   `N、reason label` the written reason of question `N` (`请说明不满意的原因`);
//!   otherwise the label is matched as a header of its own (its number then does not matter).
//! - **Matrix rows** without a number: `label—row`, `label-row`, `label_row`, `label:row`,
//!   `label：row`, `label(row)`, where `label` is a matrix question's label or id and `row`
//!   one of its rows' label or value. Separators are tried in that order, each at its
//!   occurrences from the left: the first split that names a row wins.
//! - **One column per option** of a multiple choice question (腾讯问卷; 问卷星 by number):
//!   `N、label(option)`, `N.label:option`, the other matrix separators, `N、(option)` and
//!   `第N题(option)` ([`option_column`]; with a number the label may be shortened), and
//!   without a number `label(option)` where `label` is the question's. Tried after every
//!   other match; the columns are joined into the question's answer by the recoder.
//! - **Tool columns**: `序号`, `编号`, `id` are the respondent id; `提交答卷时间`,
//!   `结束答题时间`, `submit time`, `submission time` the submission time (China time read to
//!   UTC by [`parse_submit_time`]); `所用时间`,
//!   `答题时长`, `time taken`, `duration` the time taken (seconds, `123秒`, `2分3秒`), which
//!   marks a speeder by the instrument's `min_seconds`; `来源`, `来源详情`, `来自IP`, `IP`,
//!   `IP地址`, `开始答题时间` are recognised and not used (the source and the address of a
//!   respondent are not read, for privacy), as [`RecognisedHeader`]s of the mapping report.

use super::{Column, Target};
use crate::plan::{Instrument, QuestionKind};
use crate::text::Text;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a survey tool's own column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToolRole {
    /// The time taken (所用时间): read as the record's duration.
    Duration,
    /// Where the respondent came from (来源, 来源详情): not used.
    Source,
    /// The respondent's IP address (来自IP): not used.
    Ip,
    /// When the respondent started (开始答题时间): not used.
    Started,
}

/// A header recognised as a survey tool's own column.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RecognisedHeader {
    pub header: String,
    pub role: ToolRole,
    /// Whether its cells are read (only the time taken is; the others are dropped).
    pub used: bool,
}

/// What a tool header is: a column of the flat layout (id, time) or a tool column of its own.
pub(crate) enum ToolHeader {
    Meta(Target),
    Tool(ToolRole),
}

/// The tool column a header names, if any (case and spaces ignored).
pub(crate) fn tool_header(h: &str) -> Option<ToolHeader> {
    let norm: String = h
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    Some(match norm.as_str() {
        "序号" | "编号" | "id" => ToolHeader::Meta(Target::RespondentId),
        "提交答卷时间" | "结束答题时间" | "submittime" | "submissiontime" => {
            ToolHeader::Meta(Target::SubmittedAt)
        }
        "所用时间" | "答题时长" | "timetaken" | "duration" => {
            ToolHeader::Tool(ToolRole::Duration)
        }
        "来源" | "来源详情" | "source" | "sourcedetail" | "sourcedetails" => {
            ToolHeader::Tool(ToolRole::Source)
        }
        "来自ip" | "ip" | "ip地址" | "ipaddress" => ToolHeader::Tool(ToolRole::Ip),
        "开始答题时间" | "开始时间" | "starttime" => ToolHeader::Tool(ToolRole::Started),
        _ => return None,
    })
}

/// `N、rest`, `N.rest`, `N．rest`, `QN`, `Q N`, `QN.rest`, `QN rest`, `第N题rest`: the number
/// and the rest.
fn numbered(h: &str) -> Option<(usize, &str)> {
    let s = h.trim();
    if let Some(r) = s.strip_prefix('第') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 4 {
            return None;
        }
        let n: usize = r[..digits].parse().ok()?;
        let rest = r[digits..].strip_prefix('题')?;
        return Some((n, rest.trim()));
    }
    let (q, s) = match s.strip_prefix(['Q', 'q']) {
        Some(r) => (true, r.trim_start()),
        None => (false, s),
    };
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let n: usize = s[..digits].parse().ok()?;
    let rest = &s[digits..];
    if rest.is_empty() {
        // A bare number is a number, not a header; `QN` is question N.
        return q.then_some((n, ""));
    }
    let after = rest
        .strip_prefix(['、', '.', '．', ':', '：'])
        .or_else(|| q.then(|| rest.strip_prefix(char::is_whitespace)).flatten())?;
    Some((n, after.trim()))
}

fn texts(t: &Text) -> impl Iterator<Item = &str> {
    t.0.values().map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The strings a row can be named by: its value and its labels.
fn row_of(ins: &Instrument, qi: usize, name: &str) -> Option<usize> {
    let q = ins.questions().nth(qi)?;
    let QuestionKind::Matrix { rows, .. } = &q.kind else {
        return None;
    };
    let name = name
        .trim()
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim();
    rows.iter()
        .position(|r| r.value == name || texts(&r.label).any(|l| l == name))
}

fn names_question(ins: &Instrument, qi: usize, name: &str) -> bool {
    let name = name.trim();
    ins.questions()
        .nth(qi)
        .is_some_and(|q| q.id == name || texts(&q.label).any(|l| l == name))
}

const MATRIX_SEPARATORS: [&str; 8] = ["—", "－", "-", "_", ":", "：", "(", "（"];

/// Every way `h` splits into a left and a right part at one of [`MATRIX_SEPARATORS`], as
/// `(at, left, right)`, separator by separator, each from its first occurrence on (from its
/// last when `last_first`). An opening parenthesis must close at the header's end
/// (`label(row)`), and `right` is then what the parentheses hold.
fn separator_splits(h: &str, last_first: bool) -> impl Iterator<Item = (usize, &str, &str)> + '_ {
    MATRIX_SEPARATORS.into_iter().flat_map(move |sep| {
        let mut starts: Vec<usize> = h.match_indices(sep).map(|(at, _)| at).collect();
        if last_first {
            starts.reverse();
        }
        starts.into_iter().filter_map(move |at| {
            let (left, right) = (&h[..at], &h[at + sep.len()..]);
            let right = if sep == "(" || sep == "（" {
                right.strip_suffix([')', '）'])?
            } else {
                right
            };
            Some((at, left, right))
        })
    })
}

/// `label—row` (and the other separators) naming row `row` of a matrix question: limited to
/// question `only` when given.
fn matrix_split(ins: &Instrument, h: &str, only: Option<usize>) -> Option<Target> {
    separator_splits(h, false).find_map(|(_, left, right)| {
        (0..ins.questions().count())
            .filter(|qi| only.is_none_or(|o| o == *qi))
            .find_map(|qi| {
                names_question(ins, qi, left)
                    .then(|| row_of(ins, qi, right).map(|ri| Target::MatrixRow(qi, ri)))
                    .flatten()
            })
    })
}

/// The column a header names by one of the tools' conventions, and how (`numbered`, `matrix`,
/// `tool`); `by_label` is the flat layout's label lookup (a label shared by two columns maps
/// to `None`).
pub(crate) fn find(
    ins: &Instrument,
    cols: &[Column],
    by_label: &BTreeMap<&str, Option<usize>>,
    h: &str,
) -> Option<(usize, &'static str)> {
    let col_of = |t: Target| cols.iter().position(|c| c.target == t);
    if let Some((n, rest)) = numbered(h) {
        let qi = n.checked_sub(1).filter(|qi| *qi < ins.questions().count());
        if let Some(qi) = qi {
            let q = ins.questions().nth(qi)?;
            let matrix = matches!(q.kind, QuestionKind::Matrix { .. });
            let reason = q
                .reason
                .as_ref()
                .is_some_and(|r| texts(&r.label).any(|l| l == rest));
            let target = if rest.is_empty() || (!matrix && names_question(ins, qi, rest)) {
                (!matrix).then_some(Target::Question(qi))
            } else if reason {
                Some(Target::Reason(qi))
            } else if rest.starts_with(['(', '（']) {
                row_of(ins, qi, rest).map(|ri| Target::MatrixRow(qi, ri))
            } else {
                matrix_split(ins, rest, Some(qi)).or_else(|| {
                    row_of(ins, qi, rest)
                        .filter(|_| matrix)
                        .map(|ri| Target::MatrixRow(qi, ri))
                })
            };
            if let Some(i) = target.and_then(col_of) {
                return Some((i, "numbered"));
            }
        }
        if !rest.is_empty() {
            if let Some(i) = by_label.get(rest).copied().flatten() {
                return Some((i, "numbered"));
            }
            if let Some(i) = matrix_split(ins, rest, None).and_then(col_of) {
                return Some((i, "numbered"));
            }
        }
        return None;
    }
    if let Some(i) = matrix_split(ins, h.trim(), None).and_then(col_of) {
        return Some((i, "matrix"));
    }
    match tool_header(h)? {
        ToolHeader::Meta(t) => col_of(t).map(|i| (i, "tool")),
        ToolHeader::Tool(_) => None,
    }
}

/// A column of one option of a multiple choice question (the tools' "one column per option"
/// export): the question, the option, and the length of the header's part before the option
/// (the question's own header, for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OptionColumn {
    pub(crate) question: usize,
    pub(crate) option: usize,
    pub(crate) stem: usize,
}

/// Option `name` (its value or a label, in parentheses or not) of multiple choice question `qi`.
pub(crate) fn option_of(ins: &Instrument, qi: usize, name: &str) -> Option<usize> {
    let q = ins.questions().nth(qi)?;
    let QuestionKind::Multiple { options, .. } = &q.kind else {
        return None;
    };
    let name = name
        .trim()
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim();
    options
        .iter()
        .position(|o| o.value == name || texts(&o.label).any(|l| l == name))
}

/// `label(option)` and the other separators of matrix rows naming an option of a multiple
/// choice question; with `only` (a numbered header) the label may be anything (the tools
/// shorten long ones), else it must name the question. The last split that names an option
/// wins (a label may hold the separator itself, `（最多选3项）`).
fn option_split(ins: &Instrument, h: &str, only: Option<usize>) -> Option<(usize, usize, usize)> {
    separator_splits(h, true).find_map(|(at, left, right)| {
        (0..ins.questions().count())
            .filter(|qi| only.is_none_or(|o| o == *qi))
            .find_map(|qi| {
                (only.is_some() || names_question(ins, qi, left))
                    .then(|| option_of(ins, qi, right).map(|oi| (qi, oi, at)))
                    .flatten()
            })
    })
}

/// The option column a header names: `N、label(option)`, `N.label:option`, `第N题(option)`,
/// `N、(option)`, `label—option` and the other matrix separators (see the module's notes).
pub(crate) fn option_column(ins: &Instrument, h: &str) -> Option<OptionColumn> {
    let h = h.trim();
    if let Some((n, rest)) = numbered(h) {
        let qi = n.checked_sub(1)?;
        // `rest` ends the (trimmed) header.
        let offset = h.len() - rest.len();
        if rest.starts_with(['(', '（']) {
            if let Some(option) = option_of(ins, qi, rest) {
                return Some(OptionColumn {
                    question: qi,
                    option,
                    stem: offset,
                });
            }
        }
        let (question, option, at) = option_split(ins, rest, Some(qi))?;
        return Some(OptionColumn {
            question,
            option,
            stem: offset + at,
        });
    }
    let (question, option, stem) = option_split(ins, h, None)?;
    Some(OptionColumn {
        question,
        option,
        stem,
    })
}

/// Seconds from a time taken: `123`, `123秒`, `2分3秒`, `1小时2分3秒`, `123s`.
pub fn parse_duration(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(n) = super::parse_number(t.strip_suffix(['s', 'S']).unwrap_or(t)) {
        return n.as_f64().filter(|x| *x >= 0.0);
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut any = false;
    for c in t.chars() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = match c {
            '时' | '小' => 3600.0,
            '分' => 60.0,
            '秒' => 1.0,
            _ => return None,
        };
        if c == '小' {
            continue; // 小时: the 时 follows.
        }
        let x: f64 = num.parse().ok()?;
        total += x * unit;
        num.clear();
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

/// China's time zone (Asia/Shanghai): UTC+8 all year since 1992 (the tools' times are China
/// time without a zone; daylight saving of 1986–1991 is not applied).
const CHINA_OFFSET_SECONDS: i64 = 8 * 3600;

/// A submission time as the tools write it, read as China time and given as the record's UTC
/// timestamp (`2026-05-12T02:23:45.000Z`): `2026/5/12 10:23:45`, `2026-05-12 10:23`,
/// `2026-05-12T10:23:45` (a workbook's date cell), `2026年5月12日 10:23:45`, or an Excel serial
/// number with a time of day (`46154.4331`). `None` for anything else (a time with its own
/// zone, a date without a time, text): the cell is then kept as it is.
pub fn parse_submit_time(cell: &str) -> Option<String> {
    let t = cell.trim();
    let (y, mo, d, h, mi, sec) = match excel_serial(t) {
        Some(parts) => parts,
        None => local_time(t)?,
    };
    let valid = (1..=12).contains(&mo)
        && d >= 1
        && d <= crate::date::days_in_month(y, mo)
        && h < 24
        && mi < 60
        && sec < 60;
    if !valid || !(1900..=9999).contains(&y) {
        return None;
    }
    let days = crate::date::days_from_civil(y, mo, d);
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec) - CHINA_OFFSET_SECONDS;
    Some(crate::record::rfc3339(secs as f64 * 1000.0))
}

type Parts = (i64, u32, u32, u32, u32, u32);

/// `Y-M-D H:M[:S]` after the tools' other spellings are brought to it.
fn local_time(t: &str) -> Option<Parts> {
    let norm: String = t
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' => '-',
            '日' | 'T' => ' ',
            c => c,
        })
        .collect();
    let mut parts = norm.split_whitespace();
    let (date, time) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let date: Vec<u32> = date.split('-').map(num).collect::<Option<_>>()?;
    let time: Vec<u32> = time.split(':').map(num).collect::<Option<_>>()?;
    let ([y, mo, d], [h, mi, rest @ ..]) = (date.as_slice(), time.as_slice()) else {
        return None;
    };
    let sec = match rest {
        [] => 0,
        [s] => *s,
        _ => return None,
    };
    Some((i64::from(*y), *mo, *d, *h, *mi, sec))
}

/// An Excel serial date with a time of day (1900 date system), as a workbook's cell without a
/// date format reads.
fn excel_serial(t: &str) -> Option<Parts> {
    let (whole, frac) = t.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) || whole.len() > 7 {
        return None;
    }
    let serial: f64 = t.parse().ok()?;
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let seconds = (serial * 86_400.0).round() as i64;
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // From serial 61 on, day 0 is 1899-12-30 (Excel counts a 1900-02-29 that did not exist).
    let (y, mo, d) = crate::date::civil_from_days(days - 25_569);
    let secs = secs as u32;
    Some((y, mo, d, secs / 3600, secs / 60 % 60, secs % 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_headers() {
        assert_eq!(numbered("3、您的年龄段"), Some((3, "您的年龄段")));
        assert_eq!(numbered("3.您的年龄段"), Some((3, "您的年龄段")));
        assert_eq!(numbered("3. Your age"), Some((3, "Your age")));
        assert_eq!(numbered("Q12"), Some((12, "")));
        assert_eq!(numbered("Q 12"), Some((12, "")));
        assert_eq!(numbered("q4 (绿道)"), Some((4, "(绿道)")));
        assert_eq!(numbered("12"), None);
        assert_eq!(numbered("18-29"), None);
        assert_eq!(numbered("Quality"), None);
        assert_eq!(numbered("第7题(交通出行)"), Some((7, "(交通出行)")));
        assert_eq!(numbered("第7(交通出行)"), None);
    }

    #[test]
    fn submit_times() {
        let want = Some("2026-05-12T02:23:45.000Z".to_owned());
        assert_eq!(parse_submit_time("2026/5/12 10:23:45"), want);
        assert_eq!(parse_submit_time("2026-05-12 10:23:45"), want);
        assert_eq!(parse_submit_time("2026-05-12T10:23:45"), want);
        assert_eq!(parse_submit_time("2026年5月12日 10:23:45"), want);
        assert_eq!(parse_submit_time("2026年5月12日10:23:45"), want);
        assert_eq!(
            parse_submit_time("2026-05-12 10:23"),
            Some("2026-05-12T02:23:00.000Z".to_owned())
        );
        // Before 08:00 China time is the day before in UTC.
        assert_eq!(
            parse_submit_time("2026/1/1 07:30:00"),
            Some("2025-12-31T23:30:00.000Z".to_owned())
        );
        // 46154 is 2026-05-12; .4331 of a day is 10:23:40 (rounded to the second).
        assert_eq!(
            parse_submit_time("46154.4331"),
            Some("2026-05-12T02:23:40.000Z".to_owned())
        );
        for kept in [
            "2026-05-12T10:23:45Z",
            "2026-05-12T10:23:45+08:00",
            "2026/5/12",
            "46154",
            "2026/2/30 10:00",
            "2026/5/12 24:00",
            "soon",
            "",
        ] {
            assert_eq!(parse_submit_time(kept), None, "{kept}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("123秒"), Some(123.0));
        assert_eq!(parse_duration("123"), Some(123.0));
        assert_eq!(parse_duration("2分3秒"), Some(123.0));
        assert_eq!(parse_duration("1小时2分3秒"), Some(3723.0));
        assert_eq!(parse_duration("45s"), Some(45.0));
        assert_eq!(parse_duration("about 3"), None);
        assert_eq!(parse_duration("3分4"), None);
    }
}
