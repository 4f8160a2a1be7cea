//! Tables of responses (CSV; XLSX sheets read elsewhere give the same rows): the flat layout
//! of an instrument, the mapping from a file's headers to it, and turning a row into answers.
//!
//! **The flat layout** of an instrument (the contract between files, the office page's
//! mapping and `kaoping demo responses`): a header row; optional `respondent_id`,
//! `submitted_at` and `plan_id` columns; one column per question id; a matrix question has one
//! column per row, `question.row`; multiple-choice and ranking answers are the option values
//! joined by `;`; "unable to judge" is `unable` (无法评价 and "Unable to judge" are read too);
//! a written reason is the column `question.reason`; numbers are plain decimals.
//!
//! **Mapping**: a header equal to a column key maps to it; else a header equal to the label
//! (zh-CN or en) of a question or of a matrix row (when that label is not shared by two
//! columns); an explicit mapping `{header: column_key}` overrides both (`""` ignores the
//! header). The [`MappingReport`] lists the headers used, those not used and the plan's columns
//! no header maps to (with whether the question is required).
//!
//! **Survey tools' exports** (问卷星/wjx, 腾讯问卷) are read too: their numbered and matrix
//! headers and their own columns (`convention.rs`: a header matched so makes the layout an
//! *export*, [`Layout::export`]); their cells (option labels in any of the plan's languages,
//! option numbers, `┋`-joined items, skip markers) are recoded to the flat layout's values
//! before anything else reads the row (`recode.rs`, where the rules are); `preview.rs` reads a
//! whole file before ingest: how each column will be read, and every value that matches no
//! option, with its column and count.

pub mod compiled;
pub mod convention;
pub mod csv;
pub mod decode;
mod mapping_report;
pub mod preview;
pub mod ratings;
pub mod recode;
pub mod recodes;

use crate::form::{Answers, UNABLE};
use crate::plan::{Instrument, InstrumentKind, Plan, Question, QuestionKind};
use crate::text::Text;
pub use mapping_report::{HeaderKind, MappedHeader, MappingReport, MissingColumn};
use serde_json::{Number, Value};
use std::collections::BTreeMap;

/// An explicit mapping from a file's headers to column keys of the flat layout.
pub type Mapping = BTreeMap<String, String>;

/// Where a column of a file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    RespondentId,
    SubmittedAt,
    PlanId,
    /// Question number `q` of the instrument (in [`Instrument::questions`] order).
    Question(usize),
    /// Row `r` of matrix question `q`.
    MatrixRow(usize, usize),
    /// The written reason of question `q`.
    Reason(usize),
    /// Option `o` of multiple choice question `q`, in a column of its own (a survey tool's
    /// "one column per option" export): read into the question's joined field
    /// ([`Layout::joined`]).
    Option(usize, usize),
}

/// A column of the flat layout of an instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub key: String,
    pub target: Target,
    pub required: bool,
    pub labels: Vec<String>,
}

/// The columns of the flat layout of `ins`, in order.
pub fn layout_columns(ins: &Instrument) -> Vec<Column> {
    let meta = |key: &str, target, zh: &str, en: &str| Column {
        key: key.into(),
        target,
        required: false,
        labels: vec![zh.into(), en.into()],
    };
    let mut out = vec![
        meta(
            "respondent_id",
            Target::RespondentId,
            "答卷编号",
            "Respondent ID",
        ),
        meta(
            "submitted_at",
            Target::SubmittedAt,
            "提交时间",
            "Submitted at",
        ),
        meta("plan_id", Target::PlanId, "方案编号", "Plan ID"),
    ];
    let labels = |t: &Text| -> Vec<String> {
        let mut v: Vec<String> = ["zh-CN", "en"]
            .iter()
            .filter_map(|l| t.0.get(*l))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        v.dedup();
        v
    };
    for (qi, q) in ins.questions().enumerate() {
        match &q.kind {
            QuestionKind::Matrix { rows, .. } => {
                for (ri, r) in rows.iter().enumerate() {
                    out.push(Column {
                        key: format!("{}.{}", q.id, r.value),
                        target: Target::MatrixRow(qi, ri),
                        required: q.required,
                        labels: labels(&r.label),
                    });
                }
            }
            _ => out.push(Column {
                key: q.id.clone(),
                target: Target::Question(qi),
                required: q.required && q.relevant.is_none(),
                labels: labels(&q.label),
            }),
        }
        if let Some(rule) = &q.reason {
            out.push(Column {
                key: format!("{}.reason", q.id),
                target: Target::Reason(qi),
                required: false,
                labels: labels(&rule.label),
            });
        }
    }
    out
}

/// A file's header row resolved against an instrument.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Index of the instrument in the plan.
    pub instrument: usize,
    /// The header text of every field.
    pub headers: Vec<String>,
    /// Per field: where it goes.
    pub targets: Vec<Option<Target>>,
    /// Per question (instrument order): its field, for a matrix the field of each row, and the
    /// field of its reason.
    pub question_field: Vec<Option<usize>>,
    pub row_fields: Vec<Vec<Option<usize>>>,
    pub reason_field: Vec<Option<usize>>,
    pub respondent_field: Option<usize>,
    pub submitted_field: Option<usize>,
    pub plan_field: Option<usize>,
    /// The field of the time taken (a survey tool's column).
    pub duration_field: Option<usize>,
    /// Whether a header was matched by a survey tool's convention (numbered, matrix row, tool
    /// column): the cells are then recoded from the tool's spellings (`recode.rs`).
    pub export: bool,
    /// The fields of the file; fields past them are joined ones, made by the recoder.
    pub file_fields: usize,
    /// Multiple choice questions exported one column per option: each is read as one field
    /// after the file's (its header the option headers' common part), which the recoder fills.
    pub joined: Vec<Joined>,
    pub report: MappingReport,
}

/// A multiple choice question whose options came in columns of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    /// The joined field (past the file's).
    pub field: usize,
    pub question: usize,
    /// Each option column: its field and the option.
    pub options: Vec<(usize, usize)>,
}

/// The column key of an option column: `question[option]`.
pub fn option_key(ins: &Instrument, q: usize, o: usize) -> Option<String> {
    let question = ins.questions().nth(q)?;
    let QuestionKind::Multiple { options, .. } = &question.kind else {
        return None;
    };
    Some(format!("{}[{}]", question.id, options.get(o)?.value))
}

/// The option column an explicit mapping's `question[option]` names.
fn option_by_key(ins: &Instrument, key: &str) -> Option<(usize, usize)> {
    let (id, rest) = key.trim().split_once('[')?;
    let value = rest.strip_suffix(']')?;
    let q = ins.questions().position(|q| q.id == id)?;
    let o = convention::option_of(ins, q, value)?;
    (option_key(ins, q, o)? == key.trim()).then_some((q, o))
}

impl Layout {
    /// The header of a field, or `column N` (1-based) beyond the header.
    pub fn header(&self, field: usize) -> String {
        match self.headers.get(field) {
            Some(h) if !h.is_empty() => h.clone(),
            _ => format!("column {}", field + 1),
        }
    }
}

/// The columns by key, and by label (a label shared by two columns maps to `None`).
#[allow(clippy::type_complexity)]
fn lookups(cols: &[Column]) -> (BTreeMap<&str, usize>, BTreeMap<&str, Option<usize>>) {
    let by_key: BTreeMap<&str, usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    let mut by_label: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for (i, c) in cols.iter().enumerate() {
        for l in &c.labels {
            by_label
                .entry(l.as_str())
                .and_modify(|e| {
                    if *e != Some(i) {
                        *e = None
                    }
                })
                .or_insert(Some(i));
        }
    }
    (by_key, by_label)
}

/// Resolve the headers against instrument `ins_index` of `plan`.
pub fn resolve(plan: &Plan, ins_index: usize, headers: &[String], mapping: &Mapping) -> Layout {
    let ins = &plan.instruments[ins_index];
    let cols = layout_columns(ins);
    let (by_key, by_label) = lookups(&cols);
    let mut used = vec![false; cols.len()];
    let mut targets = Vec::with_capacity(headers.len());
    let mut mapped = Vec::with_capacity(headers.len());
    let (mut duration_field, mut recognised, mut export) = (None, Vec::new(), false);
    // Option columns: (field, question, option, the header's stem).
    let mut option_cols: Vec<(usize, usize, usize, String)> = Vec::new();
    for (f, h) in headers.iter().enumerate() {
        let h = h.trim();
        let found: Option<(usize, &'static str)> = match mapping.get(h) {
            Some(k) => by_key.get(k.trim()).map(|i| (*i, "mapping")),
            None => by_key
                .get(h)
                .map(|i| (*i, "key"))
                .or_else(|| by_label.get(h).copied().flatten().map(|i| (i, "label")))
                .or_else(|| convention::find(ins, &cols, &by_label, h)),
        };
        let found = found.filter(|(i, _)| !used[*i]);
        if found.is_none() {
            if let Some((q, o, stem, by)) = option_header(ins, mapping, h) {
                if !option_cols.iter().any(|c| c.1 == q && c.2 == o) {
                    option_cols.push((f, q, o, stem));
                    export |= by == "option";
                    let target = Some(Target::Option(q, o));
                    targets.push(target);
                    let key = option_key(ins, q, o);
                    mapped.push(MappedHeader::new(ins, h, key, target, Some(by)));
                    continue;
                }
            }
        }
        if let Some((i, _)) = found {
            used[i] = true;
        }
        let mut by = found.map(|(_, b)| b);
        if found.is_none() && !mapping.contains_key(h) {
            by = tool_column(h, f, &mut duration_field, &mut recognised);
        }
        export |= matches!(by, Some("numbered" | "matrix" | "tool"));
        targets.push(found.map(|(i, _)| cols[i].target));
        let key = found.map(|(i, _)| cols[i].key.clone());
        let mut header = MappedHeader::new(ins, h, key, found.map(|(i, _)| cols[i].target), by);
        if found.is_none() && by == Some("tool") {
            // A tool's own column, just recognised: read when it is the time taken.
            header.kind = match recognised.last() {
                Some(r) if r.used => HeaderKind::ToolDuration,
                _ => HeaderKind::ToolColumn,
            };
        }
        mapped.push(header);
    }
    let mut all_headers: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    let joined = join_options(
        &cols,
        &mut used,
        &mut targets,
        &mut mapped,
        &mut all_headers,
        option_cols,
    );
    let n_q = ins.questions().count();
    let mut question_field = vec![None; n_q];
    let mut reason_field = vec![None; n_q];
    let mut row_fields: Vec<Vec<Option<usize>>> = ins
        .questions()
        .map(|q| match &q.kind {
            QuestionKind::Matrix { rows, .. } => vec![None; rows.len()],
            _ => Vec::new(),
        })
        .collect();
    let (mut respondent_field, mut submitted_field, mut plan_field) = (None, None, None);
    for (f, t) in targets.iter().enumerate() {
        match t {
            Some(Target::RespondentId) => respondent_field = Some(f),
            Some(Target::SubmittedAt) => submitted_field = Some(f),
            Some(Target::PlanId) => plan_field = Some(f),
            Some(Target::Question(q)) => question_field[*q] = Some(f),
            Some(Target::MatrixRow(q, r)) => row_fields[*q][*r] = Some(f),
            Some(Target::Reason(q)) => reason_field[*q] = Some(f),
            Some(Target::Option(..)) | None => {}
        }
    }
    let report = MappingReport {
        instrument: ins.id.clone(),
        unmapped_headers: mapped
            .iter()
            .filter(|m| m.key.is_none() && m.by.is_none())
            .map(|m| m.header.clone())
            .collect(),
        headers: mapped,
        missing: missing_columns(&cols, &used),
        recognised,
    };
    Layout {
        instrument: ins_index,
        headers: all_headers,
        targets,
        question_field,
        row_fields,
        reason_field,
        respondent_field,
        submitted_field,
        plan_field,
        duration_field,
        export,
        file_fields: headers.len(),
        joined,
        report,
    }
}

/// The question columns no header maps to.
fn missing_columns(cols: &[Column], used: &[bool]) -> Vec<MissingColumn> {
    cols.iter()
        .zip(used)
        .filter(|(c, u)| {
            !**u && !matches!(
                c.target,
                Target::RespondentId | Target::SubmittedAt | Target::PlanId
            )
        })
        .map(|(c, _)| MissingColumn {
            key: c.key.clone(),
            required: c.required,
        })
        .collect()
}

/// An option column (`question[option]`) by an explicit mapping, else by a tool's header
/// convention (only when the mapping does not name the header), and how.
fn option_header(
    ins: &Instrument,
    mapping: &Mapping,
    h: &str,
) -> Option<(usize, usize, String, &'static str)> {
    match mapping.get(h) {
        Some(k) => option_by_key(ins, k).map(|(q, o)| (q, o, String::new(), "mapping")),
        None => convention::option_column(ins, h).map(|c| {
            let stem = h[..c.stem]
                .trim_end_matches([':', '：', '—', '－', '-', '_', '(', '（'])
                .trim()
                .to_owned();
            (c.question, c.option, stem, "option")
        }),
    }
}

/// Joins the option columns of each multiple choice question whose own column is not in the
/// file into one field past the file's; when it is, the option columns are not used.
fn join_options(
    cols: &[Column],
    used: &mut [bool],
    targets: &mut Vec<Option<Target>>,
    mapped: &mut [MappedHeader],
    headers: &mut Vec<String>,
    option_cols: Vec<(usize, usize, usize, String)>,
) -> Vec<Joined> {
    let mut joined: Vec<Joined> = Vec::new();
    for (f, q, o, stem) in option_cols {
        let Some(col) = cols.iter().position(|c| c.target == Target::Question(q)) else {
            continue;
        };
        if let Some(j) = joined.iter_mut().find(|j| j.question == q) {
            j.options.push((f, o));
            continue;
        }
        if used[col] {
            // The question's own column is in the file: its option columns are not used.
            targets[f] = None;
            mapped[f].key = None;
            mapped[f].by = None;
            mapped[f].kind = HeaderKind::Unused;
            mapped[f].question = None;
            continue;
        }
        used[col] = true;
        let field = headers.len();
        headers.push(if stem.is_empty() {
            cols[col].key.clone()
        } else {
            stem
        });
        targets.push(Some(Target::Question(q)));
        joined.push(Joined {
            field,
            question: q,
            options: vec![(f, o)],
        });
    }
    joined
}

/// A survey tool's own column not in the flat layout (time taken, source, IP): recognised,
/// and only the first time taken read. `Some("tool")` when it is one.
fn tool_column(
    h: &str,
    field: usize,
    duration_field: &mut Option<usize>,
    recognised: &mut Vec<convention::RecognisedHeader>,
) -> Option<&'static str> {
    let convention::ToolHeader::Tool(role) = convention::tool_header(h)? else {
        return None;
    };
    let read = role == convention::ToolRole::Duration && duration_field.is_none();
    if read {
        *duration_field = Some(field);
    }
    recognised.push(convention::RecognisedHeader {
        header: h.to_owned(),
        role,
        used: read,
    });
    Some("tool")
}

/// The instrument a header row fits best (most headers mapped; the first on a tie), among
/// the plan's surveys and appraisals.
pub fn best_instrument(plan: &Plan, headers: &[String], mapping: &Mapping) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, ins) in plan.instruments.iter().enumerate() {
        if ins.kind == InstrumentKind::Review || ins.sections.is_empty() {
            continue;
        }
        let l = resolve(plan, i, headers, mapping);
        let n = l
            .targets
            .iter()
            .filter(|t| {
                matches!(
                    t,
                    Some(Target::Question(_))
                        | Some(Target::MatrixRow(..))
                        | Some(Target::Reason(_))
                        | Some(Target::Option(..))
                )
            })
            .count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((i, n));
        }
    }
    best.map(|(i, _)| i)
}

/// Whether a cell means "unable to judge".
pub fn is_unable(cell: &str) -> bool {
    cell == UNABLE || cell == "无法评价" || cell.eq_ignore_ascii_case("unable to judge")
}

/// A plain decimal as a JSON number (integers stay integers), if it is one.
pub fn parse_number(cell: &str) -> Option<Number> {
    let b = cell.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        return cell.parse::<i64>().ok().map(Number::from);
    }
    let plain = !digits.is_empty()
        && digits.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && digits.iter().filter(|c| **c == b'.').count() == 1
        && digits.iter().any(u8::is_ascii_digit);
    if !plain {
        return None;
    }
    cell.parse::<f64>().ok().and_then(Number::from_f64)
}

fn scale_cell(cell: &str) -> Value {
    if is_unable(cell) {
        Value::String(UNABLE.into())
    } else {
        match parse_number(cell) {
            Some(n) => Value::Number(n),
            None => Value::String(cell.into()),
        }
    }
}

/// The answer a cell gives to a (non-matrix) question, `None` when the cell is empty.
pub fn cell_value(kind: &QuestionKind, cell: &str) -> Option<Value> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    Some(match kind {
        QuestionKind::Single { .. } => Value::String(t.into()),
        QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. } => {
            let items: Vec<Value> = t
                .split([';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.into()))
                .collect();
            if items.is_empty() {
                return None;
            }
            Value::Array(items)
        }
        QuestionKind::Rating { .. } | QuestionKind::Nps | QuestionKind::Matrix { .. } => {
            scale_cell(t)
        }
        QuestionKind::Number { .. } => match parse_number(t) {
            Some(n) => Value::Number(n),
            None => Value::String(t.into()),
        },
        QuestionKind::Text { .. } => Value::String(cell.into()),
    })
}

/// The answer of question `qi` from the row's fields (`field(i)` gives field i's text).
pub fn question_value<'a>(
    layout: &Layout,
    qi: usize,
    q: &Question,
    field: &dyn Fn(usize) -> &'a str,
) -> Option<Value> {
    match &q.kind {
        QuestionKind::Matrix { rows, .. } => {
            let mut m = serde_json::Map::new();
            for (ri, r) in rows.iter().enumerate() {
                if let Some(f) = layout.row_fields[qi][ri] {
                    if let Some(v) = cell_value(&q.kind, field(f)) {
                        m.insert(r.value.clone(), v);
                    }
                }
            }
            (!m.is_empty()).then_some(Value::Object(m))
        }
        kind => layout.question_field[qi].and_then(|f| cell_value(kind, field(f))),
    }
}

/// The answers and reasons of a row.
pub fn row_answers<'a>(
    layout: &Layout,
    ins: &Instrument,
    field: &dyn Fn(usize) -> &'a str,
) -> Answers {
    let mut a = Answers::default();
    for (qi, q) in ins.questions().enumerate() {
        if let Some(v) = question_value(layout, qi, q, field) {
            a.values.insert(q.id.clone(), v);
        }
        if let Some(f) = layout.reason_field[qi] {
            let r = field(f).trim();
            if !r.is_empty() {
                a.reasons.insert(q.id.clone(), r.to_owned());
            }
        }
    }
    a
}

/// The header of the field an issue about question `q` (row `row`) is in; the column key when
/// the file has no such column.
pub fn issue_column(
    layout: &Layout,
    ins: &Instrument,
    question: &str,
    row: Option<&str>,
) -> String {
    let found = ins.questions().enumerate().find(|(_, q)| q.id == question);
    if let Some((qi, q)) = found {
        let field = match (&q.kind, row) {
            (QuestionKind::Matrix { rows, .. }, Some(r)) => rows
                .iter()
                .position(|x| x.value == r)
                .and_then(|ri| layout.row_fields[qi][ri]),
            (QuestionKind::Matrix { .. }, None) => {
                layout.row_fields[qi].iter().flatten().next().copied()
            }
            _ => layout.question_field[qi],
        };
        if let Some(f) = field {
            return layout.header(f);
        }
    }
    match row {
        Some(r) => format!("{question}.{r}"),
        None => question.to_owned(),
    }
}
