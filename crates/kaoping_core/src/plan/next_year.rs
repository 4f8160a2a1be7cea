//! Next year's plan from this year's: the same categories, units, indicators, weights,
//! instruments and rules, moved one year on. Done on the plan's JSON as written, so that
//! everything the office wrote (key order, comments in text, unknown-to-us extensions) stays.

use crate::text::Text;
use serde_json::Value;

/// Next year's plan and what was changed to make it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct NextYear {
    /// The plan's JSON, pretty-printed.
    pub json: String,
    /// One line per change, in both languages.
    pub changes: Vec<Text>,
}

/// Why next year's plan could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NextYearError {
    #[error("the plan is not a JSON object with a whole-number `year`")]
    NotAPlan,
}

/// Next year's plan from `plan_json` (a plan as written): `year` + 1; the year in `id`, the
/// title and the description moved on (or `-<year>` added to an id without it); `version`
/// back to `1`; the version history (`amendments`) left out; indicators added during the year (`from_period`, 追加下达) apply from the
/// start; and the dates of the tracking section (`YYYY-MM`, `YYYY-MM-DD` of this year, such
/// as milestone due dates) moved one year on (29 February becomes the 28th).
pub fn next_year(plan_json: &str) -> Result<NextYear, NextYearError> {
    let mut plan: Value = serde_json::from_str(plan_json).map_err(|_| NextYearError::NotAPlan)?;
    let obj = plan.as_object_mut().ok_or(NextYearError::NotAPlan)?;
    let year = obj
        .get("year")
        .and_then(Value::as_i64)
        .ok_or(NextYearError::NotAPlan)?;
    let next = year + 1;
    let (old, new) = (year.to_string(), next.to_string());
    let mut changes = vec![Text::new(
        &format!("年度 {old} → {new}"),
        &format!("year {old} → {new}"),
    )];
    obj.insert("year".into(), Value::from(next));
    if let Some(Value::String(id)) = obj.get_mut("id") {
        let before = id.clone();
        *id = if contains_year(id, &old) {
            replace_year(id, &old, &new)
        } else {
            format!("{id}-{new}")
        };
        changes.push(Text::new(
            &format!("编号 {before} → {id}"),
            &format!("id {before} → {id}"),
        ));
    }
    if obj.get("version").and_then(Value::as_str) != Some("1") {
        obj.insert("version".into(), Value::from("1"));
        changes.push(Text::new("版本重置为 1", "version set back to 1"));
    }
    for key in ["title", "description"] {
        if let Some(Value::Object(text)) = obj.get_mut(key) {
            let mut moved = false;
            for v in text.values_mut() {
                if let Value::String(s) = v {
                    if contains_year(s, &old) {
                        *s = replace_year(s, &old, &new);
                        moved = true;
                    }
                }
            }
            if moved {
                let (zh, en) = if key == "title" {
                    ("标题", "title")
                } else {
                    ("说明", "description")
                };
                changes.push(Text::new(
                    &format!("{zh}中的年份改为 {new}"),
                    &format!("the year in the {en} set to {new}"),
                ));
            }
        }
    }
    if let Some(Value::Array(inds)) = obj.get_mut("indicators") {
        for ind in inds.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(from) = ind.remove("from_period") {
                let id = ind.get("id").and_then(Value::as_str).unwrap_or("?");
                let from = from.as_str().unwrap_or("?");
                changes.push(Text::new(
                    &format!("指标 {id}：去年自 {from} 起追加，今年全年考核"),
                    &format!("indicator {id}: added from {from} last year, applies all year now"),
                ));
            }
        }
    }
    if let Some(Value::Array(history)) = obj.remove("amendments") {
        let n = history.len();
        changes.push(Text::new(
            &format!("删去今年的 {n} 条修订记录（明年的方案从第 1 版开始）"),
            &format!(
                "this year's {n} amendment(s) left out (next year's plan starts at version 1)"
            ),
        ));
    }
    if let Some(tracking) = obj.get_mut("tracking") {
        let n = move_dates(tracking, &old, &new);
        if n > 0 {
            changes.push(Text::new(
                &format!("跟踪设置中的 {n} 个日期顺延一年"),
                &format!("{n} date(s) of the tracking section moved one year on"),
            ));
        }
    }
    let json = serde_json::to_string_pretty(&plan).expect("a JSON value serialises") + "\n";
    Ok(NextYear { json, changes })
}

/// Whether `s` holds `year` as a number of its own (not inside a longer run of digits).
fn contains_year(s: &str, year: &str) -> bool {
    replace_year(s, year, "\u{0}") != s
}

/// `s` with every `year` that is not part of a longer run of digits replaced by `new`.
fn replace_year(s: &str, year: &str, new: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut prev_digit = false;
    while let Some(i) = rest.find(year) {
        let before = rest[..i].chars().next_back().map(|c| c.is_ascii_digit());
        let after = rest[i + year.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
        let digit_before = before.unwrap_or(prev_digit);
        out.push_str(&rest[..i]);
        out.push_str(if digit_before || after { year } else { new });
        prev_digit = year.ends_with(|c: char| c.is_ascii_digit());
        rest = &rest[i + year.len()..];
    }
    out.push_str(rest);
    out
}

/// Moves every `YYYY-MM` or `YYYY-MM-DD` string of year `old` in `v` to year `new`; the count.
fn move_dates(v: &mut Value, old: &str, new: &str) -> usize {
    match v {
        Value::String(s) => match moved_date(s, old, new) {
            Some(d) => {
                *s = d;
                1
            }
            None => 0,
        },
        Value::Array(a) => a.iter_mut().map(|x| move_dates(x, old, new)).sum(),
        Value::Object(o) => o.values_mut().map(|x| move_dates(x, old, new)).sum(),
        _ => 0,
    }
}

fn moved_date(s: &str, old: &str, new: &str) -> Option<String> {
    let rest = s.strip_prefix(old)?.strip_prefix('-')?;
    let b = rest.as_bytes();
    let two = |i: usize| {
        b.get(i..i + 2)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    match b.len() {
        2 if two(0) => Some(format!("{new}-{rest}")),
        5 if two(0) && b[2] == b'-' && two(3) => {
            let rest = if rest == "02-29" { "02-28" } else { rest };
            Some(format!("{new}-{rest}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_plan_moves_one_year_on_and_stays_valid() {
        let next = next_year(crate::plan::DEMO_PLAN_SOURCE).unwrap();
        let report = crate::validate::validate_plan(&next.json);
        assert!(report.ok, "{:?}", report.problems);
        let v: Value = serde_json::from_str(&next.json).unwrap();
        assert_eq!(v["year"], 2027);
        assert_eq!(v["id"], "wuhan-2027");
        assert_eq!(v["title"]["zh-CN"], "武汉市2027年度综合考评");
        assert!(v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i.get("from_period").is_none()));
        assert!(!next.json.contains("\"2026-"), "a 2026 date is left");
        let en: Vec<&str> = next.changes.iter().map(|c| c.get("en")).collect();
        assert!(en.contains(&"year 2026 → 2027"), "{en:?}");
        assert!(
            en.iter()
                .any(|c| c.starts_with("indicator ") && c.contains("2026-07")),
            "{en:?}"
        );
        // Everything else is as written: the categories, units and instruments.
        let old: Value = serde_json::from_str(crate::plan::DEMO_PLAN_SOURCE).unwrap();
        for key in ["categories", "units", "instruments", "scoring", "languages"] {
            assert_eq!(v[key], old[key], "{key}");
        }
    }

    #[test]
    fn years_inside_longer_numbers_and_dates_of_other_years_stay() {
        assert_eq!(
            replace_year("a2026b 12026 20261 2026", "2026", "2027"),
            "a2027b 12026 20261 2027"
        );
        assert_eq!(
            moved_date("2026-02-29", "2026", "2027").as_deref(),
            Some("2027-02-28")
        );
        assert_eq!(
            moved_date("2026-12", "2026", "2027").as_deref(),
            Some("2027-12")
        );
        assert_eq!(moved_date("2025-12", "2026", "2027"), None);
        assert_eq!(moved_date("2026-1", "2026", "2027"), None);
        let n = next_year(r#"{"id":"x","year":2026,"version":"3","amendments":[{},{}]}"#).unwrap();
        assert!(n.json.contains("\"id\": \"x-2027\"") && n.json.contains("\"version\": \"1\""));
        assert!(!n.json.contains("amendments"));
        assert!(n
            .changes
            .iter()
            .any(|c| c.get("en").contains("2 amendment(s)")));
        assert_eq!(next_year("[]").unwrap_err(), NextYearError::NotAPlan);
    }
}
