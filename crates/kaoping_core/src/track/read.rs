//! Reading a tracking file into rows: JSON (an array, one object, JSON Lines) or CSV with a
//! header row whose columns may be named in Chinese; each row then goes to its checks
//! (`rows.rs`), site-check records to `records.rs`.

use super::{records, FileCount, InputKind, Source, Tracker};
use crate::ingest::Rejection;
use crate::text::Text;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One row read from CSV or JSON, with a way to its fields by column name.
pub(super) struct Row {
    pub(super) at: Source,
    pub(super) fields: BTreeMap<String, Value>,
}

const PERIOD_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "period",
    "actual",
    "last_year",
    "peer_city",
    "target",
];
const PROJECT_COLUMNS: &[&str] = &[
    "project",
    "milestone",
    "done_on",
    "quarter",
    "rater",
    "rater_id",
    "score",
];
const EVENT_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "date",
    "veto",
    "evidence",
    "description",
];

/// Column names as spreadsheets often write them in Chinese.
fn column_alias(name: &str) -> String {
    let n = name.trim();
    let en = match n {
        "单位" | "责任单位" => "unit",
        "指标" => "indicator",
        "期间" | "月份" | "季度期间" => "period",
        "本期值" | "实际值" | "完成值" => "actual",
        "上年同期" => "last_year",
        "同类城市" | "同类城市值" => "peer_city",
        "目标值" | "年度目标" => "target",
        "项目" => "project",
        "节点" => "milestone",
        "完成日期" => "done_on",
        "季度" => "quarter",
        "评价主体" => "rater",
        "评价人" => "rater_id",
        "评分" | "得分" => "score",
        "日期" => "date",
        "否决" | "一票否决" => "veto",
        "证据" | "依据" => "evidence",
        "说明" | "描述" => "description",
        _ => return n.to_ascii_lowercase(),
    };
    en.to_owned()
}
impl<'p> Tracker<'p> {
    /// Reads one file's bytes: an encoding is detected (UTF-8 with or without BOM, UTF-16 with
    /// BOM, else GB18030/GBK as Excel writes it on Chinese Windows; see
    /// [`crate::table::decode`]), then as [`Tracker::add_file`]. A CSV row with bytes that are
    /// not text in that encoding is rejected (`encoding`).
    pub fn add_bytes(&mut self, kind: InputKind, file: &str, bytes: &[u8]) {
        let (text, _) = crate::table::decode::decode_all(bytes);
        self.add_file(kind, file, &text);
    }

    /// Reads one file: JSON when it starts with `[` or `{` (an array of objects, one object,
    /// or JSON Lines: one object a line), else CSV with a header row. Project files may hold
    /// site-check records (see `docs/tracking.md`).
    pub fn add_file(&mut self, kind: InputKind, file: &str, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let allowed = match kind {
            InputKind::Periods => PERIOD_COLUMNS,
            InputKind::Projects => PROJECT_COLUMNS,
            InputKind::Events => EVENT_COLUMNS,
        };
        let mut ignored = BTreeSet::new();
        let mut rows = Vec::new();
        let mut read = 0;
        let t = text.trim_start();
        if t.starts_with('[') || t.starts_with('{') {
            for (row, item) in json_items(text) {
                read += 1;
                let at = Source {
                    file: file.to_owned(),
                    row,
                };
                match item {
                    Ok(Value::Object(m)) if records::is_record(&m) => {
                        if kind == InputKind::Projects {
                            match records::site_check_ratings(
                                self.plan,
                                &self.rules,
                                Value::Object(m),
                                &at,
                            ) {
                                Ok(check) => {
                                    self.ratings.extend(check.ratings);
                                    if !self.plan.amendments.is_empty() {
                                        *self.versions.entry(check.version).or_default() += 1;
                                    }
                                }
                                Err(b) => self.bad(&at, b),
                            }
                        } else {
                            self.reject(
                                &at,
                                None,
                                "not_a_row",
                                "这是答卷记录，不是一行数据（现场查核记录应作为项目文件读入）",
                                "a response record, not a row (site-check records are read as project files)",
                            );
                        }
                    }
                    Ok(Value::Object(m)) => {
                        let mut fields = BTreeMap::new();
                        for (k, v) in m {
                            let k = column_alias(&k);
                            if allowed.contains(&k.as_str()) {
                                fields.insert(k, v);
                            } else {
                                ignored.insert(k);
                            }
                        }
                        rows.push(Row { at, fields });
                    }
                    Ok(_) => self.reject(
                        &at,
                        None,
                        "not_a_row",
                        "不是一行数据（应为 JSON 对象）",
                        "not a row (a JSON object is expected)",
                    ),
                    Err((zh, en)) => self.reject(&at, None, "json_syntax", &zh, &en),
                }
            }
        } else {
            read += self.csv_rows(file, text, allowed, &mut ignored, &mut rows);
        }
        for row in rows {
            match kind {
                InputKind::Periods => self.period_row(row),
                InputKind::Projects => self.project_row(row),
                InputKind::Events => self.event_row(row),
            }
        }
        let entry = self.files.entry(file.to_owned()).or_insert(FileCount {
            file: file.to_owned(),
            kind,
            read: 0,
            accepted: 0,
            rejected: 0,
            ignored_columns: Vec::new(),
        });
        entry.read += read;
        let mut cols: BTreeSet<String> = entry.ignored_columns.drain(..).collect();
        cols.extend(ignored);
        entry.ignored_columns = cols.into_iter().collect();
    }

    /// The rows of a CSV text with a header row, read by the shared tokenizer
    /// ([`crate::table::csv`]); rows are numbered as a spreadsheet shows them (the header is
    /// row 1). Returns how many rows were read (the header is not one).
    fn csv_rows(
        &mut self,
        file: &str,
        text: &str,
        allowed: &[&str],
        ignored: &mut BTreeSet<String>,
        rows: &mut Vec<Row>,
    ) -> usize {
        use crate::table::csv::{CsvProblem, Tokenizer};
        let mut header: Option<Vec<String>> = None;
        let mut read = 0;
        let mut tok = Tokenizer::new(b',');
        let mut on_row = |r: &crate::table::csv::Row| {
            let fields: Vec<String> = (0..r.len())
                .map(|i| String::from_utf8_lossy(r.field(i)).into_owned())
                .collect();
            let Some(head) = &header else {
                let head: Vec<String> = fields.iter().map(|h| column_alias(h)).collect();
                for h in &head {
                    if !allowed.contains(&h.as_str()) {
                        ignored.insert(h.clone());
                    }
                }
                header = Some(head);
                return;
            };
            read += 1;
            let at = Source {
                file: file.to_owned(),
                row: r.number as usize,
            };
            if let Some((problem, field)) = r.problem {
                let (zh, en) = match problem {
                    CsvProblem::UnterminatedQuote => (
                        "引号未闭合，其后内容无法读取",
                        "a quote is not closed; the rest of the file cannot be read",
                    ),
                    CsvProblem::TextAfterQuote => {
                        ("右引号后还有文字", "text after a closing quote")
                    }
                    CsvProblem::TooLong => ("此行超过 1 MiB", "the row is over 1 MiB"),
                };
                let column = head
                    .get(field)
                    .cloned()
                    .unwrap_or_else(|| (field + 1).to_string());
                self.rejected.push(Rejection {
                    file: at.file,
                    row: at.row,
                    column: Some(column),
                    code: "csv_syntax",
                    message: Text::new(
                        &format!("CSV 格式错误：{zh}"),
                        &format!("CSV syntax: {en}"),
                    ),
                });
                return;
            }
            if let Some(i) = fields.iter().position(|f| f.contains('\u{fffd}')) {
                let column = head.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
                self.rejected.push(Rejection {
                    file: at.file,
                    row: at.row,
                    column: Some(column),
                    code: "encoding",
                    message: Text::new(
                        "该行有无法识别的字符：文件的编码与检测到的不同",
                        "the row has bytes that are not text in the file's detected encoding",
                    ),
                });
                return;
            }
            if fields.len() != head.len() {
                self.rejected.push(Rejection {
                    file: at.file,
                    row: at.row,
                    column: None,
                    code: "csv_columns",
                    message: Text::new(
                        &format!("该行有 {} 个字段，表头有 {} 列", fields.len(), head.len()),
                        &format!(
                            "the row has {} fields, the header {} columns",
                            fields.len(),
                            head.len()
                        ),
                    ),
                });
                return;
            }
            let fields = head
                .iter()
                .zip(fields)
                .filter(|(h, _)| allowed.contains(&h.as_str()))
                .map(|(h, f)| (h.clone(), Value::String(f)))
                .collect();
            rows.push(Row { at, fields });
        };
        tok.feed(text.as_bytes(), &mut on_row);
        tok.finish(&mut on_row);
        read
    }
}

/// A JSON item, or its syntax error in zh-CN and en.
type JsonItem = Result<Value, (String, String)>;

/// The items of a JSON text with their row: an array's elements (1-based position), one
/// value (row 1), or JSON Lines (the line; blank lines skipped). A text that is none of these
/// is one syntax error, at its line.
fn json_items(text: &str) -> Vec<(usize, JsonItem)> {
    let syntax = |e: &serde_json::Error, line: usize, column: usize| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
        (
            format!(
                "JSON 格式错误：{}（第 {line} 行第 {column} 列）",
                crate::text::json_syntax_zh(&what)
            ),
            format!("invalid JSON: {what} (line {line}, column {column})"),
        )
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i + 1, Ok(v)))
            .collect(),
        Ok(v) => vec![(1, Ok(v))],
        Err(e) => {
            // JSON Lines, when the first line is a JSON object on its own
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let jsonl = !text.trim_start().starts_with('[')
                && serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object());
            if !jsonl {
                return vec![(e.line(), Err(syntax(&e, e.line(), e.column())))];
            }
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    let item =
                        serde_json::from_str::<Value>(l).map_err(|e| syntax(&e, i + 1, e.column()));
                    (i + 1, item)
                })
                .collect()
        }
    }
}
