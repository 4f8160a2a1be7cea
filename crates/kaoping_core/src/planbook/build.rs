//! A plan's JSON built from the tables of its workbook, with where each value came from (a
//! JSON Pointer → cell map) so that later problems point at cells.

use super::spec::{path_of, Field, JSON};
use super::table::Table;
use super::value::{from_cell, merge, pointer_step, put, CellError, Kind};
use super::{Problem, Severity};
use crate::text::Text;
use serde_json::{Map, Value};

/// JSON Pointers (relative to some base) and the cells their values came from.
pub(super) type Located = Vec<(String, String)>;

/// Problems and the pointer → cell map of one reading.
#[derive(Default)]
pub(super) struct Build {
    pub problems: Vec<Problem>,
    pub located: Located,
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|s| format!("/{}", pointer_step(s)))
        .collect()
}

impl Build {
    pub fn error(&mut self, cell: &str, path: &str, code: &'static str, zh: String, en: String) {
        self.problems.push(Problem::at(
            cell,
            path,
            Severity::Error,
            code,
            Text::new(&format!("{cell}：{zh}"), &format!("{cell}: {en}")),
        ));
    }

    /// The object of one row: each column with a path put at it, the JSON cell merged in.
    /// Pointers are recorded under `base`; `skip` names special columns the caller reads.
    pub fn object(&mut self, t: &Table, row: &(usize, Vec<String>), base: &str) -> Value {
        let (n, cells) = row;
        let mut obj = Value::Object(Map::new());
        self.located.push((base.to_owned(), t.at(0, *n)));
        let mut json_at = None;
        for (c, col) in t.cols.iter().enumerate() {
            let Some((field, suffix)) = col else { continue };
            let text = t.cell(cells, c);
            if text.is_empty() {
                continue;
            }
            if field.en == JSON.en {
                json_at = Some(c);
                continue;
            }
            if field.path.is_empty() {
                continue;
            }
            let path = path_of(field, suffix.as_deref());
            let at = t.at(c, *n);
            let ptr = format!("{base}{}", pointer(&path));
            match from_cell(text, field.kind) {
                Ok(v) => {
                    if !put(&mut obj, &path, v) {
                        self.error(
                            &at,
                            &ptr,
                            "conflict",
                            "此值与同一行的其他列冲突。".into(),
                            "this value conflicts with another column of the row.".into(),
                        );
                    }
                    self.located.push((ptr, at));
                }
                Err(e) => self.bad_cell(&at, &ptr, text, field, e),
            }
        }
        if let Some(c) = json_at {
            let at = t.at(c, *n);
            self.json_cell(&at, t.cell(cells, c), base, &mut obj);
        }
        obj
    }

    fn bad_cell(&mut self, at: &str, ptr: &str, text: &str, field: &Field, e: CellError) {
        let (code, zh, en) = match e {
            CellError::NotNumber => (
                "not_a_number",
                format!("“{text}”不是数字（列“{}”）。", field.zh),
                format!("\"{text}\" is not a number (column \"{}\").", field.en),
            ),
            CellError::NotBool => (
                "not_yes_no",
                format!(
                    "“{text}”不是“是/否”（TRUE/FALSE、1/0、是/否）（列“{}”）。",
                    field.zh
                ),
                format!(
                    "\"{text}\" is not yes or no (TRUE/FALSE, 1/0, 是/否) (column \"{}\").",
                    field.en
                ),
            ),
        };
        self.error(at, ptr, code, zh, en);
    }

    fn json_cell(&mut self, at: &str, text: &str, base: &str, obj: &mut Value) {
        let at = at.to_owned();
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => {
                for k in m.keys() {
                    self.located
                        .push((format!("{base}/{}", pointer_step(k)), at.clone()));
                }
                merge(obj, Value::Object(m));
            }
            Ok(_) => self.error(
                &at,
                base,
                "json_not_object",
                "JSON 列应为一个对象（{…}），其键并入本行。".into(),
                "the JSON column must hold an object ({…}) whose keys join the row's.".into(),
            ),
            Err(e) => self.error(
                &at,
                base,
                "bad_json",
                format!("JSON 列无法读取：{e}"),
                format!("the JSON column cannot be read: {e}"),
            ),
        }
    }

    /// A special column's text and cell reference in a row.
    pub fn special(
        &self,
        t: &Table,
        row: &(usize, Vec<String>),
        en: &str,
    ) -> Option<(String, String)> {
        let c = t.col(en)?;
        let text = t.cell(&row.1, c);
        (!text.is_empty()).then(|| (text.to_owned(), t.at(c, row.0)))
    }

    /// A special number column's value (for a scale's ends).
    pub fn special_number(
        &mut self,
        t: &Table,
        row: &(usize, Vec<String>),
        en: &str,
        ptr: &str,
    ) -> Option<Value> {
        let (text, at) = self.special(t, row, en)?;
        match from_cell(&text, Kind::Num) {
            Ok(v) => {
                self.located.push((ptr.to_owned(), at));
                Some(v)
            }
            Err(e) => {
                let field = t.cols[t.col(en)?].as_ref()?.0;
                self.bad_cell(&at, ptr, &text, &field, e);
                None
            }
        }
    }
}

/// A list of the `choices`, `scales` or `groups` sheet: its value and where each part of it
/// came from (pointers relative to the list).
#[derive(Debug, Clone, Default)]
pub(super) struct List {
    pub value: Value,
    pub located: Located,
    pub used: bool,
    /// Where the list is first named (for an unused list's warning).
    pub at: String,
}

/// A row of a list: its number, its object and where its parts came from.
pub(super) type ListRow = (usize, Value, Located);

/// The rows of a list sheet grouped by their list column (`list_name`, `instrument`), each
/// row's object built relative to its place in the list.
pub(super) fn lists(b: &mut Build, t: &Table, key_col: &str) -> Vec<(String, Vec<ListRow>)> {
    let mut out: Vec<(String, Vec<ListRow>)> = Vec::new();
    for row in &t.rows {
        let Some((name, at)) = b.special(t, row, key_col) else {
            let c = t.col(key_col).unwrap_or(0);
            b.error(
                &t.at(c, row.0),
                "",
                "no_list_name",
                format!("此行缺少“{key_col}”列的值，无法归入任何列表。"),
                format!("this row has no \"{key_col}\", so it belongs to no list."),
            );
            continue;
        };
        let k = match out.iter().position(|(n, _)| *n == name) {
            Some(k) => k,
            None => {
                out.push((name.clone(), Vec::new()));
                out.len() - 1
            }
        };
        let index = out[k].1.len();
        let saved = std::mem::take(&mut b.located);
        let obj = b.object(t, row, &format!("/{index}"));
        let located = std::mem::replace(&mut b.located, saved);
        let _ = at;
        out[k].1.push((row.0, obj, located));
    }
    out
}
