//! The notice register as the office keeps it: a CSV file (UTF-8 with a BOM as written here;
//! GB18030 as Excel saves it on Chinese Windows is read too), one notice a row, its columns
//! named in Chinese or English. The office fills in 答复日期, 答复内容 and 整改完成日期; the
//! status column is written for the reader and worked out again on every run.

use super::register::{Register, RegisterEntry, RegisterProblem, MAX_REGISTER_ROWS};
use super::{Date, Level};
use crate::cells::{Cell, Table};
use crate::plan::Plan;
use std::collections::BTreeSet;

/// The columns: key, Chinese header, English header.
const COLUMNS: [(&str, &str, &str); 11] = [
    ("number", "文号", "number"),
    ("unit", "单位", "unit"),
    ("level", "级别", "level"),
    ("period", "期间", "period"),
    ("issued", "下发日期", "issued"),
    ("deadline", "答复期限", "deadline"),
    ("warnings", "预警条数", "warnings"),
    ("answered", "答复日期", "answered"),
    ("reply", "答复内容", "reply"),
    ("rectified", "整改完成日期", "rectified"),
    ("status", "状态", "status"),
];

/// Columns a register must have.
const REQUIRED: [&str; 6] = ["number", "unit", "level", "period", "issued", "deadline"];

/// The register as a table (the CSV's and the page's), in `lang`: units by name, levels and
/// statuses in words.
pub fn register_table(plan: &Plan, register: &Register, lang: &str) -> Table {
    let en = lang == "en";
    let rows = register
        .rows
        .iter()
        .map(|r| {
            let e = &r.entry;
            let unit = plan
                .unit(&e.unit)
                .map_or(e.unit.as_str(), |u| u.name.get(lang));
            let opt = |v: &Option<String>| v.clone().map_or(Cell::Empty, Cell::Text);
            let mut status = r.status.name().get(lang).to_owned();
            if r.late {
                status.push_str(if en { " (late)" } else { "（逾期答复）" });
            }
            vec![
                Cell::Text(e.number.clone()),
                Cell::Text(unit.to_owned()),
                Cell::Text(e.level.name().get(lang).to_owned()),
                Cell::Text(e.period.clone()),
                Cell::Text(e.issued.clone()),
                Cell::Text(e.deadline.clone()),
                Cell::Number(e.warnings as f64),
                opt(&e.answered),
                opt(&e.reply),
                opt(&e.rectified),
                Cell::Text(status),
            ]
        })
        .collect();
    Table {
        id: "notices".into(),
        title: if en {
            "Notice register"
        } else {
            "通知单台账"
        }
        .into(),
        headers: COLUMNS
            .iter()
            .map(|c| if en { c.2 } else { c.1 }.to_owned())
            .collect(),
        rows,
    }
}

/// The register as CSV (see [`crate::export::csv::to_csv`]).
pub fn register_csv(plan: &Plan, register: &Register, lang: &str) -> String {
    crate::export::csv::to_csv(&register_table(plan, register, lang))
}

/// Reads a register file. Any problem refuses the whole file, every problem listed with its
/// row and column, so that no notice is dropped or numbered twice on a misread register.
pub fn read_register(
    plan: &Plan,
    bytes: &[u8],
) -> Result<Vec<RegisterEntry>, Vec<RegisterProblem>> {
    let (text, _) = crate::table::decode::decode_all(bytes);
    let rows = csv_rows(&text)?;
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(vec![RegisterProblem::new_file(
            "台账文件是空的",
            "the register file is empty",
        )]);
    };
    let index: Vec<Option<&str>> = header.iter().map(|h| column_key(h)).collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| !index.contains(&Some(k)))
        .collect();
    if !missing.is_empty() {
        let names = |en: bool| {
            missing
                .iter()
                .map(|k| {
                    let c = COLUMNS.iter().find(|c| c.0 == *k).unwrap_or(&COLUMNS[0]);
                    if en {
                        c.2
                    } else {
                        c.1
                    }
                })
                .collect::<Vec<_>>()
                .join(if en { ", " } else { "、" })
        };
        return Err(vec![RegisterProblem::new_file(
            &format!("台账缺少列：{}", names(false)),
            &format!("the register lacks the columns {}", names(true)),
        )]);
    }
    if body.len() > MAX_REGISTER_ROWS {
        return Err(vec![RegisterProblem::new_file(
            &format!("台账超过 {MAX_REGISTER_ROWS} 行"),
            &format!("the register has more than {MAX_REGISTER_ROWS} rows"),
        )]);
    }
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut numbers = BTreeSet::new();
    for (row, cells) in body {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let mut p = RowCheck {
            row: *row,
            problems: &mut problems,
            header,
            index: &index,
        };
        if let Some(e) = read_row(plan, &mut p, cells, &mut numbers) {
            entries.push(e);
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// One row of the register (its cells by column key): the entry, or its problems into `p`.
fn read_row(
    plan: &Plan,
    p: &mut RowCheck<'_>,
    cells: &[String],
    numbers: &mut BTreeSet<String>,
) -> Option<RegisterEntry> {
    let index = p.index;
    let cell = |key: &str| {
        index
            .iter()
            .position(|k| *k == Some(key))
            .and_then(|i| cells.get(i))
            .map_or("", |c| unquote(c))
    };
    let number = p.required(cell("number"), "number");
    if !number.is_empty() && !numbers.insert(number.to_owned()) {
        p.bad(
            "number",
            &format!("文号“{number}”重复"),
            &format!("the number \"{number}\" appears twice"),
        );
    }
    let unit = plan
        .units
        .iter()
        .find(|u| {
            let c = cell("unit");
            u.id == c || u.name.0.values().any(|n| n == c)
        })
        .map(|u| u.id.clone());
    if unit.is_none() {
        let c = cell("unit");
        p.bad(
            "unit",
            &format!("方案中没有单位“{c}”"),
            &format!("the plan has no unit \"{c}\""),
        );
    }
    let level = match cell("level").to_lowercase().as_str() {
        "通知单" | "notice" => Some(Level::Notice),
        "预警通知单" | "warning" | "warning notice" => Some(Level::Warning),
        other => {
            p.bad(
                "level",
                &format!("级别“{other}”应为 通知单 或 预警通知单"),
                &format!("level \"{other}\" must be notice or warning notice"),
            );
            None
        }
    };
    let period = p.required(cell("period"), "period").to_owned();
    let issued = p.date(cell("issued"), "issued", true);
    let deadline = p.date(cell("deadline"), "deadline", true);
    let answered = p.date(cell("answered"), "answered", false);
    let rectified = p.date(cell("rectified"), "rectified", false);
    if let (Some(i), Some(d)) = (issued, deadline) {
        if d < i {
            p.bad(
                "deadline",
                "答复期限早于下发日期",
                "the deadline is before the issue date",
            );
        }
    }
    if let (Some(i), Some(a)) = (issued, answered) {
        if a < i {
            p.bad(
                "answered",
                "答复日期早于下发日期",
                "the reply is dated before the notice",
            );
        }
    }
    let warnings = match cell("warnings") {
        "" => 0,
        w => w.parse().unwrap_or_else(|_| {
            p.bad(
                "warnings",
                &format!("预警条数“{w}”不是整数"),
                &format!("warnings \"{w}\" is not a whole number"),
            );
            0
        }),
    };
    let reply = Some(cell("reply").to_owned()).filter(|r| !r.is_empty());
    let (Some(unit), Some(level), Some(issued), Some(deadline)) = (unit, level, issued, deadline)
    else {
        return None;
    };
    Some(RegisterEntry {
        number: number.to_owned(),
        level,
        unit,
        period,
        issued: issued.to_string(),
        deadline: deadline.to_string(),
        warnings,
        answered: answered.map(|d| d.to_string()),
        reply,
        rectified: rectified.map(|d| d.to_string()),
    })
}

impl RegisterProblem {
    fn new_file(zh: &str, en: &str) -> RegisterProblem {
        RegisterProblem {
            row: 0,
            column: None,
            message: crate::text::Text::new(zh, en),
        }
    }
}

struct RowCheck<'a> {
    row: u64,
    problems: &'a mut Vec<RegisterProblem>,
    /// The file's header, and the column each of its cells is.
    header: &'a [String],
    index: &'a [Option<&'static str>],
}

impl RowCheck<'_> {
    /// A problem in the column `key`, named as the file's header names it.
    fn bad(&mut self, key: &str, zh: &str, en: &str) {
        let column = self
            .index
            .iter()
            .position(|k| *k == Some(key))
            .and_then(|i| self.header.get(i))
            .map_or(key, |h| h.trim_start_matches('\u{feff}'));
        self.problems.push(RegisterProblem {
            row: self.row,
            column: Some(column.to_owned()),
            message: crate::text::Text::new(zh, en),
        });
    }

    fn required<'v>(&mut self, v: &'v str, key: &str) -> &'v str {
        if v.is_empty() {
            self.bad(key, "此项不能为空", "this cell must not be empty");
        }
        v
    }

    fn date(&mut self, v: &str, key: &str, required: bool) -> Option<Date> {
        if v.is_empty() {
            if required {
                self.bad(key, "此项不能为空", "this cell must not be empty");
            }
            return None;
        }
        let d = read_date(v);
        if d.is_none() {
            self.bad(
                key,
                &format!("“{v}”不是日期（应为 YYYY-MM-DD）"),
                &format!("\"{v}\" is not a date (YYYY-MM-DD)"),
            );
        }
        d
    }
}

/// A date as spreadsheets write it: `2026-09-15`, `2026/9/15`, `2026.9.15`, `2026年9月15日`,
/// or an Excel date serial (a workbook's date cell read as its number; 61 and up, past
/// Excel's 1900 leap-year error).
fn read_date(v: &str) -> Option<Date> {
    let norm = v.replace(['年', '月', '.'], "-");
    if let Some(d) = Date::parse(norm.trim_end_matches('日')) {
        return Some(d);
    }
    let serial: u32 = v.parse().ok().filter(|n| (61..=2_958_465).contains(n))?;
    let (y, m, d) = crate::date::civil_from_days(i64::from(serial) - 25_569);
    Some(Date {
        year: y as i32,
        month: m,
        day: d,
    })
}

/// The column a header names (Chinese or English, any case; a BOM is ignored).
fn column_key(header: &str) -> Option<&'static str> {
    let h = header.trim_start_matches('\u{feff}').trim().to_lowercase();
    COLUMNS
        .iter()
        .find(|c| c.1 == h || c.2 == h || c.0 == h)
        .map(|c| c.0)
}

/// A cell as the CSV writer protected it: a leading `'` before `=`, `+`, `-` or `@` removed.
fn unquote(c: &str) -> &str {
    match c.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => c,
    }
}

/// The CSV's rows with their numbers (the header is row 1), cells trimmed; a syntax error
/// refuses the file at its row.
fn csv_rows(text: &str) -> Result<Vec<(u64, Vec<String>)>, Vec<RegisterProblem>> {
    let mut rows = Vec::new();
    let mut bad = None;
    let mut on_row = |row: &crate::table::csv::Row| {
        if row.problem.is_some() {
            bad.get_or_insert(row.number);
        }
        let cells = (0..row.len())
            .map(|i| String::from_utf8_lossy(row.field(i)).trim().to_owned())
            .collect();
        rows.push((row.number, cells));
    };
    let mut tok = crate::table::csv::Tokenizer::new(b',');
    tok.feed(text.as_bytes(), &mut on_row);
    tok.finish(&mut on_row);
    match bad {
        Some(row) => Err(vec![RegisterProblem {
            row,
            column: None,
            message: crate::text::Text::new(
                "CSV 格式错误（引号未闭合或引号后还有文字）",
                "CSV syntax: a quote not closed, or text after a closing quote",
            ),
        }]),
        None => Ok(rows),
    }
}
