//! A plan workbook read back into the plan's JSON: each sheet as a table, the lists of the
//! `choices`, `scales` and `rater_groups` sheets put where questions and instruments name
//! them, every problem at its cell.

use super::build::{lists, Build, List, Located};
use super::spec::{self, sheet_kind, Field, SheetKind};
use super::table::{table, Table};
use super::value::{merge, pointer_step, put, Kind};
use super::{Problem, Severity};
use crate::text::Text;
use crate::xlsx;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pub b: Build,
    choices: BTreeMap<String, List>,
    scales: BTreeMap<String, List>,
    groups: BTreeMap<String, List>,
    /// The sheets by kind, and every sheet's name (to report the ones no part reads).
    sheets: BTreeMap<SheetKind, String>,
    pub names: Vec<String>,
    pub read: Vec<String>,
}

fn located_under(base: &str, located: &Located) -> Located {
    located
        .iter()
        .map(|(p, c)| (format!("{base}{p}"), c.clone()))
        .collect()
}

impl<'a> Reader<'a> {
    /// A reader of the workbook `bytes`, or the problem that it is not one (boxed: a
    /// problem is large and this is the only place one is returned alone).
    pub fn new(bytes: &'a [u8]) -> Result<Reader<'a>, Box<Problem>> {
        let names = xlsx::sheet_names(bytes).map_err(|e| {
            use crate::text::Bilingual;
            Box::new(Problem::at(
                "",
                "",
                Severity::Error,
                "not_a_workbook",
                e.text(),
            ))
        })?;
        let mut sheets = BTreeMap::new();
        for n in &names {
            if let Some(k) = sheet_kind(n) {
                sheets.entry(k).or_insert_with(|| n.clone());
            }
        }
        Ok(Reader {
            bytes,
            b: Build::default(),
            choices: BTreeMap::new(),
            scales: BTreeMap::new(),
            groups: BTreeMap::new(),
            sheets,
            names,
            read: Vec::new(),
        })
    }

    /// A sheet by name as a table of `fields` (None when it cannot be read: reported).
    fn named(&mut self, name: &str, fields: &[Field]) -> Option<Table> {
        self.read.push(name.to_owned());
        match xlsx::read_rows(self.bytes, Some(name)) {
            Ok(rows) => Some(table(name, rows, fields, &mut self.b.problems)),
            Err(e) => {
                use crate::text::Bilingual;
                self.b.problems.push(Problem::at_sheet(
                    name,
                    Severity::Error,
                    "unreadable_sheet",
                    e.text(),
                ));
                None
            }
        }
    }

    fn sheet(&mut self, kind: SheetKind, fields: &[Field]) -> Option<Table> {
        let name = self.sheets.get(&kind)?.clone();
        self.named(&name, fields)
    }

    /// The `choices`, `scales` and `rater_groups` sheets, as lists by name.
    pub fn read_lists(&mut self) {
        if let Some(t) = self.sheet(SheetKind::Choices, spec::CHOICES) {
            for (name, rows) in lists(&mut self.b, &t, "list_name") {
                let mut list = List::default();
                let mut items = Vec::new();
                for (_, obj, located) in rows {
                    items.push(obj);
                    list.located.extend(located);
                }
                list.value = Value::Array(items);
                self.choices.insert(name, list);
            }
        }
        if let Some(t) = self.sheet(SheetKind::Groups, spec::GROUPS) {
            for (name, rows) in lists(&mut self.b, &t, "instrument") {
                let mut list = List::default();
                let mut items = Vec::new();
                for (_, obj, located) in rows {
                    items.push(obj);
                    list.located.extend(located);
                }
                list.value = Value::Array(items);
                list.at = t.sheet.clone();
                self.groups.insert(name, list);
            }
        }
        if let Some(t) = self.sheet(SheetKind::Scales, spec::SCALES) {
            self.read_scales(&t);
        }
    }

    fn read_scales(&mut self, t: &Table) {
        for (name, rows) in lists(&mut self.b, t, "list_name") {
            let mut scale = Map::new();
            let mut list = List::default();
            let mut points = Vec::new();
            for (k, (n, obj, located)) in rows.into_iter().enumerate() {
                let row = t
                    .rows
                    .iter()
                    .find(|r| r.0 == n)
                    .cloned()
                    .unwrap_or_default();
                for end in ["min", "max", "step"] {
                    let ptr = format!("/{end}");
                    let Some(v) = self.b.special_number(t, &row, end, &ptr) else {
                        continue;
                    };
                    if k > 0 && scale.get(end).is_some_and(|w| *w != v) {
                        let at = t.at(t.col(end).unwrap_or(0), n);
                        self.b.error(
                            &at,
                            "",
                            "scale_end_differs",
                            format!("量表“{name}”的 {end} 与其第一行不同。"),
                            format!(
                                "the scale \"{name}\" has another {end} than on its first row."
                            ),
                        );
                    }
                    scale.entry(end).or_insert(v);
                    if let Some(c) = t.col(end) {
                        list.located.push((ptr, t.at(c, n)));
                    }
                }
                // A row without a value is a scale's ends without a labelled point.
                let empty_point = obj.as_object().is_some_and(|m| m.is_empty());
                if !empty_point {
                    let base = format!("/points/{}", points.len());
                    for (p, c) in located {
                        // The row's pointers were made as `/k…`: re-based under the points.
                        let rest = p
                            .splitn(3, '/')
                            .nth(2)
                            .map_or(String::new(), |r| format!("/{r}"));
                        list.located.push((format!("{base}{rest}"), c));
                    }
                    points.push(obj);
                }
            }
            scale.insert("points".into(), Value::Array(points));
            list.value = Value::Object(scale);
            self.scales.insert(name, list);
        }
    }

    /// The list `name` of `lists` put at `key` of `obj` (pointer `base`), or a problem at `at`.
    fn use_list(
        &mut self,
        which: SheetKind,
        name: &str,
        at: &str,
        obj: &mut Value,
        key: &str,
        base: &str,
    ) {
        let found = match which {
            SheetKind::Choices => self.choices.get_mut(name),
            SheetKind::Scales => self.scales.get_mut(name),
            _ => self.groups.get_mut(name),
        };
        let ptr = format!("{base}/{}", pointer_step(key));
        let Some(list) = found else {
            let sheet = self
                .sheets
                .get(&which)
                .cloned()
                .unwrap_or_else(|| spec::sheet_title(which, spec::BookLang::Zh).to_owned());
            self.b.error(
                at,
                &ptr,
                "missing_list",
                format!("工作表“{sheet}”中没有名为“{name}”的列表。"),
                format!("the sheet \"{sheet}\" has no list named \"{name}\"."),
            );
            return;
        };
        list.used = true;
        let value = list.value.clone();
        let located = located_under(&ptr, &list.located);
        self.b.located.push((ptr.clone(), at.to_owned()));
        self.b.located.extend(located);
        if !put(obj, &[key.to_owned()], value) {
            self.b.error(
                at,
                &ptr,
                "conflict",
                "此值与同一行的其他列冲突。".into(),
                "this value conflicts with another column of the row.".into(),
            );
        }
    }

    /// An instrument's own sheet: its sections with their questions.
    fn form(&mut self, sheet: &str, at: &str, base: &str) -> Option<Value> {
        if !self.names.iter().any(|n| n == sheet) {
            self.b.error(
                at,
                &format!("{base}/sections"),
                "missing_sheet",
                format!("工作簿中没有工作表“{sheet}”。"),
                format!("the workbook has no sheet \"{sheet}\"."),
            );
            return None;
        }
        let t = self.named(sheet, spec::QUESTIONS)?;
        let type_col = t.col("type").unwrap_or(0);
        let mut sections: Vec<Value> = Vec::new();
        let mut open: Option<(Value, Vec<Value>, String)> = None;
        for row in &t.rows {
            let kind = t.cell(&row.1, type_col).to_lowercase();
            let at = t.at(type_col, row.0);
            if spec::BEGIN_GROUP.contains(&kind.as_str()) {
                if let Some(s) = open.take() {
                    self.b.error(
                        &at,
                        &s.2,
                        "group_not_closed",
                        "上一个分组尚未以 end_group 结束。".into(),
                        "the group before is not closed by end_group.".into(),
                    );
                    sections.push(close(s));
                }
                let sbase = format!("{base}/sections/{}", sections.len());
                let section = self.section_row(&t, row, &sbase);
                open = Some((section, Vec::new(), sbase));
            } else if spec::END_GROUP.contains(&kind.as_str()) {
                match open.take() {
                    Some(s) => sections.push(close(s)),
                    None => self.b.error(
                        &at,
                        "",
                        "end_without_begin",
                        "end_group 之前没有 begin_group。".into(),
                        "end_group without a begin_group before it.".into(),
                    ),
                }
            } else {
                let Some(s) = open.as_mut() else {
                    self.b.error(
                        &at,
                        "",
                        "outside_group",
                        "题目不在任何分组（begin_group … end_group）之内。".into(),
                        "the question is not inside a group (begin_group … end_group).".into(),
                    );
                    continue;
                };
                let qbase = format!("{}/questions/{}", s.2, s.1.len());
                let mut q = self.b.object(&t, row, &qbase);
                for (col, key, which) in [
                    ("choices", "options", SheetKind::Choices),
                    ("rows", "rows", SheetKind::Choices),
                    ("scale", "scale", SheetKind::Scales),
                ] {
                    if let Some((name, at)) = self.b.special(&t, row, col) {
                        self.use_list(which, &name, &at, &mut q, key, &qbase);
                    }
                }
                if let Some(s) = open.as_mut() {
                    s.1.push(q);
                }
            }
        }
        if let Some(s) = open.take() {
            let at = sheet.to_owned();
            self.b.error(
                &at,
                &s.2,
                "group_not_closed",
                "最后一个分组没有以 end_group 结束。".into(),
                "the last group is not closed by end_group.".into(),
            );
            sections.push(close(s));
        }
        (!sections.is_empty()).then_some(Value::Array(sections))
    }

    /// A `begin_group` row: the section's own columns; any other column is a problem.
    fn section_row(&mut self, t: &Table, row: &(usize, Vec<String>), base: &str) -> Value {
        let mut st = Table {
            sheet: t.sheet.clone(),
            cols: Vec::new(),
            rows: Vec::new(),
        };
        for (c, col) in t.cols.iter().enumerate() {
            let mapped = col.as_ref().and_then(|(f, s)| {
                if f.en == spec::JSON.en {
                    return Some((spec::JSON, None));
                }
                spec::SECTION
                    .iter()
                    .find(|g| g.en == f.en)
                    .map(|g| (*g, s.clone()))
            });
            if mapped.is_none() && col.is_some() && !t.cell(&row.1, c).is_empty() {
                let at = t.at(c, row.0);
                self.b.error(
                    &at,
                    base,
                    "not_for_group",
                    "begin_group 行不使用此列，请留空。".into(),
                    "a begin_group row does not use this column; leave it empty.".into(),
                );
            }
            st.cols.push(mapped);
        }
        self.b.object(&st, row, base)
    }

    fn instruments(&mut self) -> Option<Value> {
        let t = self.sheet(SheetKind::Instruments, spec::INSTRUMENTS)?;
        let mut out = Vec::new();
        for row in &t.rows {
            let base = format!("/instruments/{}", out.len());
            let mut inst = self.b.object(&t, row, &base);
            if let Some((sheet, at)) = self.b.special(&t, row, "sheet") {
                if let Some(sections) = self.form(&sheet, &at, &base) {
                    if !put(&mut inst, &["sections".into()], sections) {
                        self.b.error(
                            &at,
                            &base,
                            "conflict",
                            "此值与同一行的其他列冲突。".into(),
                            "this value conflicts with another column of the row.".into(),
                        );
                    }
                }
            }
            let id = inst
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let review_base = format!("{base}/review");
            let mut review = inst.get("review").cloned().unwrap_or(Value::Null);
            let mut touched = false;
            if let Some((name, at)) = self.b.special(&t, row, "review_scale") {
                touched = true;
                self.use_list(
                    SheetKind::Scales,
                    &name,
                    &at,
                    &mut review,
                    "scale",
                    &review_base,
                );
            }
            if self.groups.contains_key(&id) {
                touched = true;
                let at = t.at(0, row.0);
                self.use_list(
                    SheetKind::Groups,
                    &id,
                    &at,
                    &mut review,
                    "groups",
                    &review_base,
                );
            }
            if touched {
                if let Some(m) = inst.as_object_mut() {
                    m.insert("review".into(), review);
                }
            }
            out.push(inst);
        }
        (!out.is_empty()).then_some(Value::Array(out))
    }

    /// `scoring` or `tracking` from its sheet of keys and values and its list sheets.
    fn keys(&mut self, kind: SheetKind, key: &str) -> Option<Value> {
        let mut m = Map::new();
        if let Some(t) = self.sheet(kind, spec::KEYS) {
            self.key_rows(&t, key, &mut m);
        }
        for name in self.names.clone() {
            let Some((section, k)) = super::records::list_of_sheet(&name) else {
                continue;
            };
            if section != key || self.read.contains(&name) {
                continue;
            }
            self.read.push(name.clone());
            let rows = match xlsx::read_rows(self.bytes, Some(&name)) {
                Ok(rows) => rows,
                Err(e) => {
                    use crate::text::Bilingual;
                    self.b.problems.push(Problem::at_sheet(
                        &name,
                        Severity::Error,
                        "unreadable_sheet",
                        e.text(),
                    ));
                    continue;
                }
            };
            let ptr = format!("/{key}/{}", pointer_step(&k));
            let list = super::records::read(
                &name,
                &rows,
                &ptr,
                &mut self.b.located,
                &mut self.b.problems,
            );
            if m.insert(k.clone(), list).is_some() {
                self.b.error(
                    &name,
                    &ptr,
                    "duplicate_key",
                    format!("键“{k}”既在键值表中又有自己的工作表。"),
                    format!(
                        "the key \"{k}\" is both a row of the key sheet and a sheet of its own."
                    ),
                );
            }
        }
        (!m.is_empty()).then_some(Value::Object(m))
    }

    fn key_rows(&mut self, t: &Table, key: &str, m: &mut Map<String, Value>) {
        for row in &t.rows {
            let Some((k, at)) = self.b.special(t, row, "key") else {
                self.b.error(
                    &t.at(0, row.0),
                    "",
                    "no_key",
                    "此行缺少键。".into(),
                    "this row has no key.".into(),
                );
                continue;
            };
            let ptr = format!("/{key}/{}", pointer_step(&k));
            let c = t.col("value").unwrap_or(1);
            let text = t.cell(&row.1, c);
            let v = super::value::from_cell(text, Kind::Any).unwrap_or(Value::Null);
            let v = if text.is_empty() {
                Value::String(String::new())
            } else {
                v
            };
            if m.insert(k.clone(), v).is_some() {
                self.b.error(
                    &at,
                    &ptr,
                    "duplicate_key",
                    format!("键“{k}”出现了不止一次。"),
                    format!("the key \"{k}\" appears more than once."),
                );
            }
            self.b.located.push((ptr, t.at(c, row.0)));
        }
    }

    /// The whole plan.
    pub fn plan(&mut self) -> Value {
        self.read_lists();
        let mut plan = Value::Object(Map::new());
        let mut parts: Vec<(&str, Option<Value>)> = Vec::new();
        for (key, kind, fields) in [
            ("categories", SheetKind::Categories, spec::CATEGORIES),
            ("units", SheetKind::Units, spec::UNITS),
            ("indicators", SheetKind::Indicators, spec::INDICATORS),
        ] {
            let rows = self.sheet(kind, fields).map(|t| {
                let objs: Vec<Value> = t
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| self.b.object(&t, row, &format!("/{key}/{i}")))
                    .collect();
                objs
            });
            parts.push((key, rows.filter(|r| !r.is_empty()).map(Value::Array)));
        }
        parts.push(("instruments", self.instruments()));
        parts.push(("scoring", self.keys(SheetKind::Scoring, "scoring")));
        parts.push(("tracking", self.keys(SheetKind::Tracking, "tracking")));
        for (key, v) in parts {
            if let Some(v) = v {
                put(&mut plan, &[key.to_owned()], v);
            }
        }
        self.settings(&mut plan);
        self.leftovers();
        plan
    }

    fn settings(&mut self, plan: &mut Value) {
        let Some(t) = self.sheet(SheetKind::Settings, spec::SETTINGS) else {
            self.b.problems.push(Problem::at_sheet(
                "",
                Severity::Error,
                "missing_settings",
                Text::new("工作簿缺少“设置”（settings）工作表：方案的编号、版本、年度和标题写在那里。", "The workbook has no \"settings\" (设置) sheet: the plan's id, version, year and title are written there."),
            ));
            return;
        };
        let mut rows = t.rows.iter();
        if let Some(row) = rows.next() {
            let obj = self.b.object(&t, row, "");
            merge(plan, obj);
        }
        for row in rows {
            self.b.error(
                &t.at(0, row.0),
                "",
                "extra_settings_row",
                "“设置”表只有一行方案信息；此行多余。".into(),
                "the settings sheet holds one row; this row is one too many.".into(),
            );
        }
    }

    /// Sheets no part of the plan reads, and lists no question names.
    fn leftovers(&mut self) {
        for n in self.names.clone() {
            if !self.read.contains(&n) {
                self.b.problems.push(Problem::at_sheet(&n, Severity::Warning, "unknown_sheet", Text::new(
                    &format!("工作表“{n}”不属于方案（既非已知工作表，也未被“表单”表引用），未读入。"),
                    &format!("The sheet \"{n}\" is not part of the plan (not a known sheet, and no instrument names it); it is not read."),
                )));
            }
        }
        for (kind, lists) in [
            (SheetKind::Choices, &self.choices),
            (SheetKind::Scales, &self.scales),
            (SheetKind::Groups, &self.groups),
        ] {
            for (name, l) in lists {
                if !l.used {
                    let sheet = self.sheets.get(&kind).map_or("", String::as_str);
                    self.b.problems.push(Problem::at_sheet(sheet, Severity::Warning, "unused_list", Text::new(
                        &format!("列表“{name}”（{sheet}）没有被任何题目或表单使用，未读入。"),
                        &format!("The list \"{name}\" ({sheet}) is used by no question or instrument; it is not read."),
                    )));
                }
            }
        }
    }
}

fn close((mut section, questions, _): (Value, Vec<Value>, String)) -> Value {
    if !questions.is_empty() {
        put(&mut section, &["questions".into()], Value::Array(questions));
    }
    section
}
