//! The tables inside `scoring` and `tracking` (grades, tracking targets, projects, warning
//! rules…): a list of objects becomes a sheet of its own, one column per key (a text in
//! several languages one column per language), each cell a number or a text as itself and
//! anything else as JSON text. The sheet is named `计分-<key>`/`scoring-<key>` (grades:
//! `等次`/`grades`; tracking's indicators: `目标`/`targets`).

use super::spec::BookLang;
use super::table::cell_ref;
use super::value::{from_cell, pointer_step, to_cell, Kind};
use super::{Problem, Severity};
use crate::cells::Cell;
use crate::text::Text;
use crate::xlsx::Sheet;
use serde_json::{Map, Value};

/// Sheets with their own names: (section, key, en, zh).
const NAMED: &[(&str, &str, &str, &str)] = &[
    ("scoring", "grades", "grades", "等次"),
    ("tracking", "indicators", "targets", "目标"),
    ("tracking", "projects", "projects", "项目"),
    ("tracking", "warnings", "warnings", "预警"),
];

/// zh-CN headers of common keys (other keys are their own header in both languages).
const KEY_ZH: &[(&str, &str)] = &[
    ("id", "编号"),
    ("name", "名称"),
    ("indicator", "指标"),
    ("target", "目标值"),
    ("basis", "基准"),
    ("min_score", "最低分"),
    ("merit", "优秀"),
    ("unit", "单位"),
    ("level", "级别"),
    ("when", "条件"),
    ("milestones", "节点"),
];

fn section_zh(section: &str) -> &'static str {
    if section == "scoring" {
        "计分"
    } else {
        "跟踪"
    }
}

/// The sheet name for a list at `section.key`.
pub(super) fn sheet_for(section: &str, key: &str, lang: BookLang) -> String {
    if let Some(n) = NAMED.iter().find(|n| n.0 == section && n.1 == key) {
        return match lang {
            BookLang::En => n.2.to_owned(),
            BookLang::Zh => n.3.to_owned(),
        };
    }
    match lang {
        BookLang::En => format!("{section}-{key}"),
        BookLang::Zh => format!("{}-{key}", section_zh(section)),
    }
}

/// The section and key a sheet name stands for, in either language.
pub(super) fn list_of_sheet(name: &str) -> Option<(&'static str, String)> {
    let n = name.trim();
    if let Some(x) = NAMED
        .iter()
        .find(|x| x.2.eq_ignore_ascii_case(n) || x.3 == n)
    {
        return Some((x.0, x.1.to_owned()));
    }
    for (section, zh) in [("scoring", "计分"), ("tracking", "跟踪")] {
        for prefix in [format!("{section}-"), format!("{zh}-")] {
            if let Some(key) = n.strip_prefix(&prefix).filter(|k| !k.is_empty()) {
                return Some((section, key.to_owned()));
            }
        }
    }
    None
}

fn header_key(key: &str, lang: BookLang) -> String {
    match lang {
        BookLang::Zh => KEY_ZH
            .iter()
            .find(|k| k.0 == key)
            .map_or(key, |k| k.1)
            .to_owned(),
        BookLang::En => key.to_owned(),
    }
}

fn key_of_header(h: &str) -> String {
    KEY_ZH
        .iter()
        .find(|k| k.1 == h)
        .map_or(h, |k| k.0)
        .to_owned()
}

/// Whether a key can be a column: plain, no `::`, not a zh header of another key.
fn key_ok(k: &str) -> bool {
    to_cell(&Value::String(k.to_owned()), Kind::Str).is_some()
        && !k.contains("::")
        && !KEY_ZH.iter().any(|z| z.1 == k)
}

/// Whether every value of `key` present in `rows` is a text in the languages `langs`.
fn is_text(rows: &[Value], key: &str, langs: &[String]) -> bool {
    rows.iter().filter_map(|r| r.get(key)).all(|v| {
        v.as_object().is_some_and(|m| {
            !m.is_empty()
                && m.iter()
                    .all(|(l, t)| langs.contains(l) && to_cell(t, Kind::Str).is_some())
        })
    })
}

/// The list as a sheet, when it is a non-empty list of non-empty objects whose keys can be
/// columns.
pub(super) fn sheet(name: String, list: &Value, langs: &[String], lang: BookLang) -> Option<Sheet> {
    let rows = list.as_array()?;
    let tabular = !rows.is_empty()
        && rows.iter().all(|r| {
            r.as_object()
                .is_some_and(|m| !m.is_empty() && m.keys().all(|k| key_ok(k)))
        });
    if !tabular {
        return None;
    }
    let mut keys: Vec<String> = Vec::new();
    for r in rows {
        for k in r.as_object().into_iter().flatten().map(|e| e.0) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let mut cols: Vec<(String, Option<String>)> = Vec::new();
    for k in keys {
        if is_text(rows, &k, langs) {
            cols.extend(langs.iter().map(|l| (k.clone(), Some(l.clone()))));
        } else {
            cols.push((k, None));
        }
    }
    let headers = cols
        .iter()
        .map(|(k, l)| match l {
            Some(l) => format!("{}::{l}", header_key(k, lang)),
            None => header_key(k, lang),
        })
        .collect();
    let cells = rows
        .iter()
        .map(|r| {
            cols.iter()
                .map(|(k, l)| {
                    let v = r.get(k);
                    let v = match l {
                        Some(l) => v.and_then(|t| t.get(l)),
                        None => v,
                    };
                    v.and_then(|v| to_cell(v, Kind::Any)).unwrap_or(Cell::Empty)
                })
                .collect()
        })
        .collect();
    Some(Sheet {
        name,
        headers,
        rows: cells,
    })
}

/// A list sheet read back: its objects (pointers under `base`, recorded in `located`).
pub(super) fn read(
    sheet: &str,
    rows: &[Vec<String>],
    base: &str,
    located: &mut Vec<(String, String)>,
    problems: &mut Vec<Problem>,
) -> Value {
    let mut out = Vec::new();
    let Some(h) = rows
        .iter()
        .position(|r| r.iter().any(|c| !c.trim().is_empty()))
    else {
        return Value::Array(out);
    };
    let cols: Vec<Option<(String, Option<String>)>> = rows[h]
        .iter()
        .map(|c| {
            let c = c.trim();
            if c.is_empty() {
                return None;
            }
            Some(match c.split_once("::") {
                Some((k, l)) => (key_of_header(k.trim()), Some(l.trim().to_owned())),
                None => (key_of_header(c), None),
            })
        })
        .collect();
    for (i, r) in rows.iter().enumerate().skip(h + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at_row = format!("{base}/{}", out.len());
        located.push((at_row.clone(), cell_ref(sheet, 0, i + 1)));
        let mut obj = Map::new();
        for (c, text) in r.iter().enumerate() {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let at = cell_ref(sheet, c, i + 1);
            let Some(Some((k, l))) = cols.get(c) else {
                problems.push(Problem::at(&at, "", Severity::Warning, "unnamed_column", Text::new(
                    &format!("{at}：此列没有表头，其内容未读入方案。"),
                    &format!("{at}: this column has no header; its cells are not read into the plan."),
                )));
                continue;
            };
            let v = from_cell(text, Kind::Any).unwrap_or(Value::Null);
            let ptr = format!("{at_row}/{}", pointer_step(k));
            match l {
                Some(l) => {
                    let slot = obj
                        .entry(k.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Some(m) = slot.as_object_mut() {
                        m.insert(l.clone(), Value::String(text.to_owned()));
                    }
                    located.push((format!("{ptr}/{}", pointer_step(l)), at));
                }
                None => {
                    obj.insert(k.clone(), v);
                    located.push((ptr, at));
                }
            }
        }
        out.push(Value::Object(obj));
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_of_objects_is_a_sheet_and_back() {
        let langs = vec!["zh-CN".to_owned(), "en".to_owned()];
        let list = json!([
            {"id": "merit", "name": {"zh-CN": "优秀", "en": "Merit"}, "min_score": 85, "merit": true},
            {"id": "fail", "name": {"zh-CN": "不合格", "en": "Fail"}, "note": "", "x": [1, 2]}
        ]);
        let s = sheet("等次".into(), &list, &langs, BookLang::Zh).unwrap();
        assert!(
            s.headers.contains(&"名称::zh-CN".to_owned()),
            "{:?}",
            s.headers
        );
        let mut rows = vec![s.headers.clone()];
        rows.extend(s.rows.iter().map(|r| r.iter().map(Cell::display).collect()));
        let (mut located, mut problems) = (Vec::new(), Vec::new());
        let back = read(
            "等次",
            &rows,
            "/scoring/grades",
            &mut located,
            &mut problems,
        );
        assert_eq!(back, list);
        assert!(problems.is_empty());
        let en = s.headers.iter().position(|h| h == "名称::en").unwrap();
        let cell = cell_ref("等次", en, 3);
        assert!(located.contains(&("/scoring/grades/1/name/en".into(), cell)));
        assert_eq!(
            list_of_sheet("计分-bands"),
            Some(("scoring", "bands".into()))
        );
        assert_eq!(
            list_of_sheet("TARGETS"),
            Some(("tracking", "indicators".into()))
        );
        assert!(sheet("x".into(), &json!([{}]), &langs, BookLang::En).is_none());
    }
}
