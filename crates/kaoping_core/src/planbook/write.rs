//! A plan as a workbook: each part of the plan taken out into its sheet, column by column;
//! whatever no column can hold exactly stays in the row's JSON cell, so nothing is lost.

use super::spec::{self, header, path_of, sheet_title, BookLang, Field, SheetKind};
use super::value::{rest_cell, take, take_key, to_cell, Kind};
use crate::cells::Cell;
use crate::xlsx::{sheet_name, Sheet};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// The columns of a sheet: each field, once per suffix when it has one.
type Cols = Vec<(Field, Option<String>)>;

pub(super) struct Writer {
    lang: BookLang,
    langs: Vec<String>,
    categories: Vec<String>,
    choices: Vec<Vec<Cell>>,
    choice_names: BTreeSet<String>,
    scales: Vec<Vec<Cell>>,
    scale_names: HashMap<String, String>,
    groups: Vec<Vec<Cell>>,
    /// Instrument sheets, with the names taken so far (of every sheet).
    form_sheets: Vec<Sheet>,
    taken: Vec<String>,
}

/// A non-empty array of objects at `key`, taken out of `v`.
pub(super) fn take_rows(v: &mut Value, key: &str) -> Option<Vec<Value>> {
    let ok = v
        .get(key)
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object));
    if !ok {
        return None;
    }
    match take_key(v, key) {
        Some(Value::Array(a)) => Some(a),
        _ => None,
    }
}

impl Writer {
    pub(super) fn new(plan: &Value, lang: BookLang) -> Writer {
        let mut langs: Vec<String> = plan
            .get("languages")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        langs.retain(|l| !l.is_empty() && !l.contains("::"));
        if langs.is_empty() {
            langs = vec!["zh-CN".into(), "en".into()];
        }
        let mut categories: Vec<String> = Vec::new();
        let mut add = |c: &str| {
            if !c.contains("::") && !categories.iter().any(|k| k == c) {
                categories.push(c.to_owned());
            }
        };
        for c in plan
            .get("categories")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = c.get("id").and_then(Value::as_str) {
                add(id);
            }
        }
        for i in plan
            .get("indicators")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for k in i
                .get("weights")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                add(k.0);
            }
        }
        let taken = spec::SHEETS
            .iter()
            .map(|s| sheet_title(s.0, lang).to_owned())
            .collect();
        Writer {
            lang,
            langs,
            categories,
            choices: Vec::new(),
            choice_names: BTreeSet::new(),
            scales: Vec::new(),
            scale_names: HashMap::new(),
            groups: Vec::new(),
            form_sheets: Vec::new(),
            taken,
        }
    }

    fn cols(&self, fields: &[Field]) -> Cols {
        let mut out = Vec::new();
        for f in fields {
            if !f.path.contains("{}") {
                out.push((*f, None));
                continue;
            }
            let suffixes = if f.en == "weight" {
                &self.categories
            } else {
                &self.langs
            };
            for s in suffixes {
                out.push((*f, Some(s.clone())));
            }
        }
        out.push((spec::JSON, None));
        out
    }

    fn headers(&self, cols: &Cols) -> Vec<String> {
        cols.iter()
            .map(|(f, s)| header(f, s.as_deref(), self.lang))
            .collect()
    }

    /// A row of `cols` from `obj`: the special columns (no path) from `special`, the others
    /// taken out of `obj`, and what is left in the JSON cell.
    fn row(cols: &Cols, mut obj: Value, special: &[(&str, Cell)]) -> Vec<Cell> {
        let mut cells: Vec<Cell> = cols
            .iter()
            .map(|(f, s)| {
                if f.path.is_empty() {
                    let found = special.iter().find(|(k, _)| *k == f.en);
                    return found.map_or(Cell::Empty, |(_, c)| c.clone());
                }
                take(&mut obj, &path_of(f, s.as_deref()), f.kind).unwrap_or(Cell::Empty)
            })
            .collect();
        let empty = cells.iter().all(|c| *c == Cell::Empty);
        if let Some(last) = cells.last_mut() {
            *last = rest_cell(&obj);
            // An empty object still has its row: `{}` in its JSON cell.
            if empty && *last == Cell::Empty {
                *last = Cell::Text("{}".into());
            }
        }
        cells
    }

    fn sheet(&self, kind: SheetKind, fields: &[Field], rows: Vec<Value>) -> Sheet {
        let cols = self.cols(fields);
        Sheet {
            name: sheet_title(kind, self.lang).to_owned(),
            headers: self.headers(&cols),
            rows: rows.into_iter().map(|r| Self::row(&cols, r, &[])).collect(),
        }
    }

    /// A list name not used yet: `want`, else `prefix.want`, else with a number.
    fn fresh(names: &BTreeSet<String>, want: &str, prefix: &str) -> String {
        let mut name = want.to_owned();
        if names.contains(&name) {
            name = format!("{prefix}.{want}");
        }
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{prefix}.{want}.{k}");
            k += 1;
        }
        name
    }

    /// The options (or matrix rows) at `key` as a list of the `choices` sheet: its name.
    fn choice_list(&mut self, q: &mut Value, key: &str, prefix: &str) -> Option<Cell> {
        let want = q
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_owned();
        let want = if want.trim() == want && !want.is_empty() {
            want
        } else {
            key.to_owned()
        };
        let items = take_rows(q, key)?;
        let name = Self::fresh(&self.choice_names, &want, prefix);
        self.choice_names.insert(name.clone());
        let cols = self.cols(spec::CHOICES);
        for item in items {
            let cell = [("list_name", Cell::Text(name.clone()))];
            self.choices.push(Self::row(&cols, item, &cell));
        }
        Some(Cell::Text(name))
    }

    /// A scale as a list of the `scales` sheet (the same scale, the same list), when every
    /// part of it has its column: its name.
    fn scale_list(&mut self, owner: &mut Value, want: &str) -> Option<Cell> {
        let scale = owner.get("scale")?;
        let m = scale.as_object()?;
        let known = m
            .keys()
            .all(|k| ["min", "max", "step", "points"].contains(&k.as_str()));
        let ends: Option<Vec<Cell>> = ["min", "max", "step"]
            .iter()
            .map(|k| {
                m.get(*k)
                    .map_or(Some(Cell::Empty), |v| to_cell(v, Kind::Num))
            })
            .collect();
        let points = m.get("points")?.as_array()?;
        let points_ok = points
            .iter()
            .all(|p| p.get("value").and_then(|v| to_cell(v, Kind::Num)).is_some());
        let (true, Some(ends), true) = (known, ends, points_ok) else {
            return None;
        };
        let key = crate::canonical::canonical_value(scale);
        if let Some(name) = self.scale_names.get(&key) {
            let name = name.clone();
            take_key(owner, "scale");
            return Some(Cell::Text(name));
        }
        let taken: BTreeSet<String> = self.scale_names.values().cloned().collect();
        let name = Self::fresh(&taken, want, "scale");
        let points = points.clone();
        let cols = self.cols(spec::SCALES);
        let mut first = vec![("list_name", Cell::Text(name.clone()))];
        first.extend(["min", "max", "step"].into_iter().zip(ends));
        if points.is_empty() {
            self.scales
                .push(Self::row(&cols, Value::Object(Default::default()), &first));
        }
        for (i, p) in points.into_iter().enumerate() {
            let special = if i == 0 { &first[..] } else { &first[..1] };
            self.scales.push(Self::row(&cols, p, special));
        }
        self.scale_names.insert(key, name.clone());
        take_key(owner, "scale");
        Some(Cell::Text(name))
    }

    /// An instrument's sections as its own sheet: the sheet's name.
    fn form_sheet(&mut self, inst: &mut Value, id: &str) -> Option<Cell> {
        let sections = take_rows(inst, "sections")?;
        let prefix = match self.lang {
            BookLang::Zh => "表单-",
            BookLang::En => "form-",
        };
        let name = sheet_name(&format!("{prefix}{id}"), &self.taken);
        self.taken.push(name.clone());
        let qcols = self.cols(spec::QUESTIONS);
        let scols = self.cols(spec::SECTION);
        let mut rows = Vec::new();
        for mut s in sections {
            let questions = take_rows(&mut s, "questions").unwrap_or_default();
            let mut begin = Self::row(&scols, s, &[("type", Cell::Text("begin_group".into()))]);
            // A section row is written in the questions' columns: its JSON cell last.
            let json = begin.pop().unwrap_or(Cell::Empty);
            let mut full = vec![Cell::Empty; qcols.len()];
            for (i, (f, suffix)) in scols.iter().enumerate().take(begin.len()) {
                let at = qcols
                    .iter()
                    .position(|(g, s2)| g.en == f.en && s2 == suffix)
                    .unwrap_or(0);
                full[at] = begin[i].clone();
            }
            if let Some(last) = full.last_mut() {
                *last = json;
            }
            rows.push(full);
            for mut q in questions {
                let mut special = Vec::new();
                if let Some(c) = self.choice_list(&mut q, "options", id) {
                    special.push(("choices", c));
                }
                if let Some(c) = self.choice_list(&mut q, "rows", id) {
                    special.push(("rows", c));
                }
                let want = q
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("scale")
                    .to_owned();
                if let Some(c) = self.scale_list(&mut q, &want) {
                    special.push(("scale", c));
                }
                rows.push(Self::row(&qcols, q, &special));
            }
            rows.push(vec![Cell::Text("end_group".into())]);
        }
        self.form_sheets.push(Sheet {
            name: name.clone(),
            headers: self.headers(&qcols),
            rows,
        });
        Some(Cell::Text(name))
    }

    fn instrument_row(&mut self, cols: &Cols, mut inst: Value) -> Vec<Cell> {
        let id = inst
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("form")
            .to_owned();
        let mut special = Vec::new();
        if let Some(c) = self.form_sheet(&mut inst, &id) {
            special.push(("sheet", c));
        }
        if let Some(review) = inst.get_mut("review").filter(|r| r.is_object()) {
            let mut took = false;
            if let Some(c) = self.scale_list(review, &format!("{id}.review")) {
                special.push(("review_scale", c));
                took = true;
            }
            if let Some(groups) = take_rows(review, "groups") {
                took = true;
                let gcols = self.cols(spec::GROUPS);
                for g in groups {
                    let cell = [("instrument", Cell::Text(id.clone()))];
                    self.groups.push(Self::row(&gcols, g, &cell));
                }
            }
            if took && review.as_object().is_some_and(|m| m.is_empty()) {
                take_key(&mut inst, "review");
            }
        }
        Self::row(cols, inst, &special)
    }

    /// `scoring` or `tracking` as rows of key and value, and a sheet of its own for each
    /// list of objects in it ([`super::records`]).
    fn keys_sheets(&mut self, plan: &mut Value, key: &str, kind: SheetKind) -> Vec<Sheet> {
        let mut out = Vec::new();
        let Some(section) = plan.get_mut(key).and_then(Value::as_object_mut) else {
            return out;
        };
        let cols = self.cols(spec::KEYS);
        let mut rows = Vec::new();
        let keys: Vec<String> = section
            .keys()
            .filter(|k| to_cell(&Value::String((*k).clone()), Kind::Str).is_some())
            .cloned()
            .collect();
        for k in keys {
            let v = section.remove(&k).unwrap_or(Value::Null);
            let name = super::records::sheet_for(key, &k, self.lang);
            let free = sheet_name(&name, &self.taken) == name;
            let table = free
                .then(|| super::records::sheet(name.clone(), &v, &self.langs, self.lang))
                .flatten();
            if let Some(table) = table {
                self.taken.push(name);
                out.push(table);
                continue;
            }
            let value = to_cell(&v, Kind::Any).unwrap_or(Cell::Empty);
            rows.push(vec![Cell::Text(k), value]);
        }
        if section.is_empty() {
            take_key(plan, key);
        }
        if !rows.is_empty() {
            let mut headers = self.headers(&cols);
            headers.pop(); // no JSON column: the value is JSON already
            out.insert(
                0,
                Sheet {
                    name: sheet_title(kind, self.lang).to_owned(),
                    headers,
                    rows,
                },
            );
        }
        out
    }

    /// The workbook's sheets for `plan`.
    pub(super) fn sheets(mut self, plan: &Value) -> Vec<Sheet> {
        let mut plan = plan.clone();
        let mut out = Vec::new();
        let plain = [
            ("categories", SheetKind::Categories, spec::CATEGORIES),
            ("units", SheetKind::Units, spec::UNITS),
            ("indicators", SheetKind::Indicators, spec::INDICATORS),
        ];
        let mut tables = Vec::new();
        for (key, kind, fields) in plain {
            let rows = take_rows(&mut plan, key).unwrap_or_default();
            tables.push(self.sheet(kind, fields, rows));
        }
        let icols = self.cols(spec::INSTRUMENTS);
        let instruments = take_rows(&mut plan, "instruments").unwrap_or_default();
        let irows: Vec<Vec<Cell>> = instruments
            .into_iter()
            .map(|i| self.instrument_row(&icols, i))
            .collect();
        let mut keys = self.keys_sheets(&mut plan, "scoring", SheetKind::Scoring);
        keys.extend(self.keys_sheets(&mut plan, "tracking", SheetKind::Tracking));
        out.push(self.sheet(SheetKind::Settings, spec::SETTINGS, vec![plan]));
        out.extend(tables);
        out.push(Sheet {
            name: sheet_title(SheetKind::Instruments, self.lang).to_owned(),
            headers: self.headers(&icols),
            rows: irows,
        });
        out.append(&mut self.form_sheets);
        let lists = [
            (
                SheetKind::Choices,
                spec::CHOICES,
                std::mem::take(&mut self.choices),
            ),
            (
                SheetKind::Scales,
                spec::SCALES,
                std::mem::take(&mut self.scales),
            ),
            (
                SheetKind::Groups,
                spec::GROUPS,
                std::mem::take(&mut self.groups),
            ),
        ];
        for (kind, fields, rows) in lists {
            let cols = self.cols(fields);
            out.push(Sheet {
                name: sheet_title(kind, self.lang).to_owned(),
                headers: self.headers(&cols),
                rows,
            });
        }
        out.extend(keys);
        out
    }
}
