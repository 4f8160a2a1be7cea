//! A sheet of a plan workbook read as a table: its header row found (title rows above it
//! skipped, a merged header over a row of languages joined into `label::zh-CN`), each column
//! named by its field, unknown and unnamed columns reported, empty rows left out.

use super::spec::{field_of, Field};
use super::{Problem, Severity};
use crate::text::Text;

/// Column letters of a 0-based index: 0 → A, 26 → AA.
pub(super) fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell reference with its sheet: `指标!D7` (a sheet name with spaces or punctuation
/// quoted, as spreadsheets write it).
pub(super) fn cell_ref(sheet: &str, col: usize, row: usize) -> String {
    let plain = sheet.chars().all(|c| c.is_alphanumeric() || c == '_');
    let sheet = if plain {
        sheet.to_owned()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    };
    format!("{sheet}!{}{row}", column_letters(col))
}

pub(super) struct Table {
    pub sheet: String,
    /// The field of each column (None: not one of the sheet's).
    pub cols: Vec<Option<(Field, Option<String>)>>,
    /// (1-based row number, cells) of each non-empty row under the header.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    pub fn cell<'a>(&self, row: &'a [String], col: usize) -> &'a str {
        row.get(col).map_or("", |s| s.trim())
    }

    pub fn at(&self, col: usize, row: usize) -> String {
        cell_ref(&self.sheet, col, row)
    }

    /// The column of a field without suffix (a special column), by its English name.
    pub fn col(&self, en: &str) -> Option<usize> {
        self.cols
            .iter()
            .position(|c| c.as_ref().is_some_and(|(f, s)| f.en == en && s.is_none()))
    }
}

fn lang_like(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The row under a header that names languages under merged header cells (`标签` over two
/// columns, `zh-CN` and `en` below): the header joined with them, when it is one.
fn joined_header(head: &[String], below: &[String], fields: &[Field]) -> Option<Vec<String>> {
    let cells: Vec<&str> = below.iter().map(|s| s.trim()).collect();
    if !cells.iter().any(|c| !c.is_empty()) || !cells.iter().all(|c| c.is_empty() || lang_like(c)) {
        return None;
    }
    let width = head.len().max(cells.len());
    let mut out = Vec::with_capacity(width);
    let mut base = String::new();
    for i in 0..width {
        let h = head.get(i).map_or("", |s| s.trim());
        if !h.is_empty() {
            base = h.to_owned();
        }
        let lang = cells.get(i).copied().unwrap_or("");
        if lang.is_empty() {
            out.push(h.to_owned());
        } else {
            let joined = format!("{base}::{lang}");
            field_of(&joined, fields)?;
            out.push(joined);
        }
    }
    Some(out)
}

/// The field of each header cell (row `row`); duplicate and unknown columns reported.
fn columns(
    sheet: &str,
    head: &[String],
    row: usize,
    fields: &[Field],
    problems: &mut Vec<Problem>,
) -> Vec<Option<(Field, Option<String>)>> {
    let mut cols = Vec::with_capacity(head.len());
    for (c, name) in head.iter().enumerate() {
        let name = name.trim();
        let at = cell_ref(sheet, c, row);
        let field = if name.is_empty() {
            None
        } else {
            field_of(name, fields).map(|(f, s)| (*f, s))
        };
        let dup = field.as_ref().is_some_and(|(f, s)| {
            cols.iter().any(|o: &Option<(Field, Option<String>)>| {
                o.as_ref().is_some_and(|(g, t)| g.en == f.en && t == s)
            })
        });
        if dup {
            problems.push(Problem::at(
                &at,
                "",
                Severity::Error,
                "duplicate_column",
                Text::new(
                    &format!("{at}：列“{name}”重复出现。"),
                    &format!("{at}: the column \"{name}\" appears twice."),
                ),
            ));
            cols.push(None);
            continue;
        }
        if field.is_none() && !name.is_empty() {
            problems.push(Problem::at(
                &at,
                "",
                Severity::Warning,
                "unknown_column",
                Text::new(
                    &format!("{at}：不认识的列“{name}”，其内容未读入方案。"),
                    &format!(
                        "{at}: unknown column \"{name}\"; its cells are not read into the plan."
                    ),
                ),
            ));
        }
        cols.push(field);
    }
    cols
}

/// The sheet's rows as a table of `fields`. Problems (title rows skipped, unknown columns)
/// are added to `problems`.
pub(super) fn table(
    sheet: &str,
    rows: Vec<Vec<String>>,
    fields: &[Field],
    problems: &mut Vec<Problem>,
) -> Table {
    let known = |r: &[String]| {
        r.iter()
            .any(|c| !c.trim().is_empty() && field_of(c, fields).is_some())
    };
    let head_at = rows.iter().position(|r| known(r));
    let Some(h) = head_at else {
        if rows.iter().any(|r| r.iter().any(|c| !c.trim().is_empty())) {
            problems.push(Problem::at_sheet(
                sheet,
                Severity::Error,
                "no_header",
                Text::new(
                    &format!("工作表“{sheet}”没有可识别的表头行。"),
                    &format!("The sheet \"{sheet}\" has no header row that names its columns."),
                ),
            ));
        }
        return Table {
            sheet: sheet.to_owned(),
            cols: Vec::new(),
            rows: Vec::new(),
        };
    };
    for (i, r) in rows.iter().enumerate().take(h) {
        if r.iter().any(|c| !c.trim().is_empty()) {
            let at = cell_ref(sheet, 0, i + 1);
            problems.push(Problem::at(
                &at,
                "",
                Severity::Warning,
                "title_row",
                Text::new(
                    &format!("{at}：表头之上的第 {} 行作为标题行跳过。", i + 1),
                    &format!(
                        "{at}: row {} above the header is skipped as a title.",
                        i + 1
                    ),
                ),
            ));
        }
    }
    let mut head = rows[h].clone();
    let mut first_data = h + 1;
    if let Some(joined) = rows
        .get(h + 1)
        .and_then(|b| joined_header(&head, b, fields))
    {
        head = joined;
        first_data = h + 2;
    }
    let cols = columns(sheet, &head, h + 1, fields, problems);
    let mut data = Vec::new();
    let mut unnamed_reported = vec![false; 0];
    for (i, r) in rows.into_iter().enumerate().skip(first_data) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        for (c, v) in r.iter().enumerate() {
            let unnamed = head.get(c).is_none_or(|h| h.trim().is_empty());
            if unnamed && !v.trim().is_empty() {
                if unnamed_reported.len() <= c {
                    unnamed_reported.resize(c + 1, false);
                }
                if !unnamed_reported[c] {
                    unnamed_reported[c] = true;
                    let at = cell_ref(sheet, c, i + 1);
                    problems.push(Problem::at(
                        &at,
                        "",
                        Severity::Warning,
                        "unnamed_column",
                        Text::new(
                            &format!("{at}：此列没有表头，其内容未读入方案。"),
                            &format!("{at}: this column has no header; its cells are not read into the plan."),
                        ),
                    ));
                }
            }
        }
        data.push((i + 1, r));
    }
    Table {
        sheet: sheet.to_owned(),
        cols,
        rows: data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planbook::spec;

    fn r(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn references_are_spreadsheet_cells() {
        assert_eq!(cell_ref("指标", 3, 7), "指标!D7");
        assert_eq!(cell_ref("form-public x", 26, 2), "'form-public x'!AA2");
    }

    #[test]
    fn a_title_row_and_a_merged_header_over_languages_are_understood() {
        let rows = vec![
            r(&["2026 单位表"]),
            r(&["编号", "名称", "", "类别", "备注"]),
            r(&["", "zh-CN", "en"]),
            r(&["a", "甲", "A", "c", "x"]),
            r(&[]),
            r(&["", "", "", "", ""]),
        ];
        let mut problems = Vec::new();
        let t = table("单位", rows, spec::UNITS, &mut problems);
        let names: Vec<String> = t
            .cols
            .iter()
            .map(|c| {
                c.as_ref().map_or("-".into(), |(f, s)| {
                    format!("{}{}", f.en, s.clone().unwrap_or_default())
                })
            })
            .collect();
        assert_eq!(names, ["id", "namezh-CN", "nameen", "category", "-"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].0, 4);
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["title_row", "unknown_column"]);
        assert_eq!(problems[1].cell, "单位!E2");
    }
}
