//! Each row of a roster checked against the plan and turned into an entry.

use super::read::{seen_before, settle, Table, TableRow};
use super::{RosterEntry, RosterError, RosterOptions, RosterProblem, RosterRead};
use crate::plan::Plan;
use crate::review::ReviewSheetLayout;
use crate::text::Text;
use std::collections::{BTreeMap, BTreeSet};

/// The roster's fields, in this order, with the header names each is known by (compared after
/// trimming, case-insensitively for ASCII).
const FIELDS: [(&str, &[&str]); 7] = [
    (
        "rater",
        &[
            "评审人编号",
            "评审人",
            "专家编号",
            "编号",
            "rater",
            "rater_id",
            "reviewer",
        ],
    ),
    ("name", &["姓名", "名字", "name"]),
    ("group", &["组别", "分组", "评审组", "group"]),
    ("units", &["评审对象", "评审单位", "单位", "units", "unit"]),
    ("instrument", &["问卷", "评审表", "instrument"]),
    (
        "valid_from",
        &["有效期起", "开始日期", "valid_from", "from"],
    ),
    (
        "valid_until",
        &["有效期止", "截止日期", "valid_until", "until"],
    ),
];
const RATER: usize = 0;
const NAME: usize = 1;
const GROUP: usize = 2;
const UNITS: usize = 3;
const INSTRUMENT: usize = 4;
const FROM: usize = 5;
const UNTIL: usize = 6;

/// The characters that separate the names in a units cell.
const SEPARATORS: [char; 6] = [';', '；', '、', ',', '，', '|'];

pub(super) fn check(
    plan: &Plan,
    file: &str,
    table: &Table,
    options: &RosterOptions,
) -> Result<RosterRead, RosterError> {
    let columns = table.columns(&FIELDS);
    let mut missing = Vec::new();
    if columns[RATER].is_none() {
        missing.push("评审人编号 (rater)");
    }
    if columns[INSTRUMENT].is_none() && options.instrument.is_none() {
        missing.push("问卷 (instrument)");
    }
    if !missing.is_empty() {
        return Err(RosterError::MissingColumns {
            file: file.to_owned(),
            missing: missing.join(", "),
        });
    }
    let plan_names = PlanNames::new(plan);
    let defaults = Defaults::of(&plan_names, options)?;
    let mut out = RosterRead {
        problems: table.problems.clone(),
        ..RosterRead::default()
    };
    let mut first: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &table.rows {
        let mut ck = RowCheck {
            table,
            columns: &columns,
            row,
            names: &plan_names,
            problems: Vec::new(),
        };
        let entry = ck.entry(&defaults);
        let mut problems = ck.problems;
        if let Some(e) = &entry {
            let key = (e.instrument.clone(), e.rater.clone());
            if let Some(at) = seen_before(&mut first, key, row.number) {
                let zh = format!("评审人编号“{}”已在第 {at} 行列出（同一问卷）", e.rater);
                let en = format!(
                    "rater {:?} is already listed in row {at} (same instrument)",
                    e.rater
                );
                problems.push(problem(
                    table,
                    &columns,
                    row,
                    RATER,
                    "duplicate_rater",
                    &zh,
                    &en,
                ));
            }
        }
        settle(entry, problems, &mut out.roster.entries, &mut out.problems);
    }
    out.problems.sort_by_key(|p| p.row);
    Ok(out)
}

fn problem(
    table: &Table,
    columns: &[Option<usize>],
    row: &TableRow,
    f: usize,
    code: &str,
    zh: &str,
    en: &str,
) -> RosterProblem {
    let col = columns[f];
    RosterProblem {
        row: row.number,
        column: col.and_then(|c| table.header.get(c).cloned()),
        cell: col.map(|c| table.cell_ref(c, row.number)),
        code: code.to_owned(),
        message: Text::new(zh, en),
    }
}

/// What a units cell may name.
#[derive(Clone, Copy)]
enum Target<'p> {
    Unit(&'p str),
    Category(&'p str),
}

/// The plan's instruments, units and categories by id and by name in every language.
struct PlanNames<'p> {
    plan: &'p Plan,
    instruments: BTreeMap<&'p str, &'p str>,
    targets: BTreeMap<&'p str, Target<'p>>,
}

impl<'p> PlanNames<'p> {
    fn new(plan: &'p Plan) -> Self {
        let mut instruments = BTreeMap::new();
        for i in &plan.instruments {
            for t in i.title.0.values() {
                instruments.entry(t.trim()).or_insert(i.id.as_str());
            }
        }
        for i in &plan.instruments {
            instruments.insert(i.id.as_str(), i.id.as_str());
        }
        // Later inserts win: ids over names, units over categories.
        let mut targets = BTreeMap::new();
        for c in &plan.categories {
            for n in c.name.0.values() {
                targets.insert(n.trim(), Target::Category(c.id.as_str()));
            }
        }
        for u in &plan.units {
            for n in u.name.0.values() {
                targets.insert(n.trim(), Target::Unit(u.id.as_str()));
            }
        }
        for c in &plan.categories {
            targets.insert(c.id.as_str(), Target::Category(c.id.as_str()));
        }
        for u in &plan.units {
            targets.insert(u.id.as_str(), Target::Unit(u.id.as_str()));
        }
        PlanNames {
            plan,
            instruments,
            targets,
        }
    }

    /// The review layout of the instrument `cell` names (id or title), or why there is none:
    /// (code, zh, en).
    fn instrument(&self, cell: &str) -> Result<ReviewSheetLayout, (&'static str, String, String)> {
        let Some(&id) = self.instruments.get(cell) else {
            return Err((
                "unknown_instrument",
                format!("方案中没有问卷“{cell}”（填问卷编号或标题）"),
                format!("the plan has no instrument {cell:?} (give its id or title)"),
            ));
        };
        match crate::review::review_sheet(self.plan, id) {
            Some(Ok(layout)) => Ok(layout),
            _ => Err((
                "not_rated_instrument",
                format!("问卷“{id}”不是专家评审表；名单只列评审表的评审人"),
                format!("instrument {id:?} is not a review sheet; a roster lists a review sheet's raters"),
            )),
        }
    }
}

/// What the options give every row: the instrument (checked) and the dates.
struct Defaults {
    instrument: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

impl Defaults {
    fn of(names: &PlanNames, options: &RosterOptions) -> Result<Defaults, RosterError> {
        let bad =
            |field: &'static str, value: &str, (zh, en): (String, String)| RosterError::BadOption {
                field,
                value: value.to_owned(),
                why: en,
                why_zh: zh,
            };
        let instrument = match &options.instrument {
            Some(i) => match names.instrument(i.trim()) {
                Ok(layout) => Some(layout.instrument),
                Err((_, zh, en)) => return Err(bad("instrument", i, (zh, en))),
            },
            None => None,
        };
        let date = |field: &'static str, value: &Option<String>| match value {
            Some(v) => parse_date(v)
                .map(Some)
                .ok_or_else(|| bad(field, v, date_why(v))),
            None => Ok(None),
        };
        Ok(Defaults {
            instrument,
            from: date("valid_from", &options.valid_from)?,
            until: date("valid_until", &options.valid_until)?,
        })
    }
}

fn date_why(cell: &str) -> (String, String) {
    (
        format!("“{cell}”不是日期（写为 2026-12-01）"),
        format!("{cell:?} is not a date (write 2026-12-01)"),
    )
}

/// A date `YYYY-MM-DD` (also with `/` or `.`, and months and days of one digit), written
/// `YYYY-MM-DD`; `None` when it is no calendar date.
pub(super) fn parse_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.trim().split(['-', '/', '.']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2)) {
        return None;
    }
    let out = format!("{y}-{m:0>2}-{d:0>2}");
    crate::date::is_iso_date(&out).then_some(out)
}

/// One row being checked; its problems gathered.
struct RowCheck<'a, 'p> {
    table: &'a Table,
    columns: &'a [Option<usize>],
    row: &'a TableRow,
    names: &'a PlanNames<'p>,
    problems: Vec<RosterProblem>,
}

impl RowCheck<'_, '_> {
    fn cell(&self, f: usize) -> &str {
        self.columns[f]
            .and_then(|c| self.row.cells.get(c))
            .map(String::as_str)
            .unwrap_or("")
    }

    fn problem(&mut self, f: usize, code: &str, zh: &str, en: &str) {
        let p = problem(self.table, self.columns, self.row, f, code, zh, en);
        self.problems.push(p);
    }

    /// The row's entry, or `None` (with problems) when it cannot be made.
    fn entry(&mut self, defaults: &Defaults) -> Option<RosterEntry> {
        let rater = self.cell(RATER).to_owned();
        if rater.is_empty() {
            self.problem(
                RATER,
                "empty_rater",
                "评审人编号为空",
                "the rater id is empty",
            );
        }
        let layout = self.layout(defaults);
        let from = self.date(FROM, &defaults.from);
        let until = self.date(UNTIL, &defaults.until);
        if let (Some(a), Some(b)) = (&from, &until) {
            if b < a {
                let zh = format!("有效期止 {b} 早于有效期起 {a}");
                let en = format!("valid until {b} is before valid from {a}");
                self.problem(UNTIL, "dates_reversed", &zh, &en);
            }
        }
        let layout = layout?;
        let group = self.group(&layout);
        let units = self.units(&layout);
        (!rater.is_empty()).then(|| RosterEntry {
            row: self.row.number,
            rater,
            name: self.cell(NAME).to_owned(),
            group,
            instrument: layout.instrument.clone(),
            units,
            valid_from: from,
            valid_until: until,
        })
    }

    fn layout(&mut self, defaults: &Defaults) -> Option<ReviewSheetLayout> {
        let cell = self.cell(INSTRUMENT);
        if cell.is_empty() {
            let Some(id) = &defaults.instrument else {
                let (zh, en) = ("问卷为空", "the instrument is empty");
                self.problem(INSTRUMENT, "missing_instrument", zh, en);
                return None;
            };
            return self.names.instrument(id).ok();
        }
        match self.names.instrument(cell) {
            Ok(layout) => Some(layout),
            Err((code, zh, en)) => {
                self.problem(INSTRUMENT, code, &zh, &en);
                None
            }
        }
    }

    fn date(&mut self, f: usize, default: &Option<String>) -> Option<String> {
        let cell = self.cell(f);
        if cell.is_empty() {
            return default.clone();
        }
        let date = parse_date(cell);
        if date.is_none() {
            let (zh, en) = date_why(cell);
            self.problem(f, "bad_date", &zh, &en);
        }
        date
    }

    fn group(&mut self, layout: &ReviewSheetLayout) -> Option<String> {
        let cell = self.cell(GROUP);
        if cell.is_empty() {
            return None;
        }
        let found = layout.groups.iter().find(|g| g.id == cell).or_else(|| {
            layout
                .groups
                .iter()
                .find(|g| g.name.0.values().any(|n| n.trim() == cell))
        });
        if found.is_none() {
            let ids: Vec<&str> = layout.groups.iter().map(|g| g.id.as_str()).collect();
            let (zh, en) = if ids.is_empty() {
                (
                    format!(
                        "问卷“{}”不分评审组，组别“{cell}”无从对应",
                        layout.instrument
                    ),
                    format!(
                        "instrument {:?} has no review groups, so group {cell:?} means nothing",
                        layout.instrument
                    ),
                )
            } else {
                (
                    format!(
                        "问卷“{}”没有评审组“{cell}”（可填：{}）",
                        layout.instrument,
                        ids.join("、")
                    ),
                    format!(
                        "instrument {:?} has no review group {cell:?} (one of: {})",
                        layout.instrument,
                        ids.join(", ")
                    ),
                )
            };
            self.problem(GROUP, "unknown_group", &zh, &en);
        }
        found.map(|g| g.id.clone())
    }

    /// The units the cell names that the instrument rates, in the sheet's order; all of them
    /// when the cell is empty.
    fn units(&mut self, layout: &ReviewSheetLayout) -> Vec<String> {
        let rated: Vec<(&str, &str)> = layout
            .categories
            .iter()
            .flat_map(|c| c.units.iter().map(move |u| (u.id.as_str(), c.id.as_str())))
            .collect();
        let cell = self.cell(UNITS).to_owned();
        let mut chosen = BTreeSet::new();
        let mut any = false;
        for name in cell
            .split(SEPARATORS)
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            any = true;
            let picked: Vec<&str> = match self.names.targets.get(name) {
                None => {
                    let zh = format!("方案中没有单位或类别“{name}”（填编号或名称）");
                    let en =
                        format!("the plan has no unit or category {name:?} (give an id or a name)");
                    self.problem(UNITS, "unknown_unit", &zh, &en);
                    continue;
                }
                Some(Target::Unit(id)) => {
                    rated.iter().filter(|r| r.0 == *id).map(|r| r.0).collect()
                }
                Some(Target::Category(id)) => {
                    rated.iter().filter(|r| r.1 == *id).map(|r| r.0).collect()
                }
            };
            if picked.is_empty() {
                let zh = format!("问卷“{}”不评“{name}”", layout.instrument);
                let en = format!("instrument {:?} does not rate {name:?}", layout.instrument);
                self.problem(UNITS, "unit_not_rated", &zh, &en);
            }
            chosen.extend(picked);
        }
        rated
            .iter()
            .filter(|r| !any || chosen.contains(r.0))
            .map(|r| r.0.to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use crate::roster::{read_roster, RosterOptions};

    fn codes(plan: &crate::plan::Plan, csv: &str) -> Vec<(String, Option<String>)> {
        let options = RosterOptions {
            instrument: Some("expert".into()),
            ..RosterOptions::default()
        };
        let read = read_roster(plan, "r.csv", csv.as_bytes(), &options).unwrap();
        read.problems
            .into_iter()
            .map(|p| (p.code, p.cell))
            .collect()
    }

    #[test]
    fn units_the_instrument_does_not_rate_are_problems() {
        let mut plan = crate::plan::demo_plan();
        let review = plan.instruments[1].review.as_mut().unwrap();
        review.categories = vec!["central".into()];
        review.groups.clear();
        let csv = "rater,units,group\nA,新城区,\nB,hanyang;黄陂区,\nC,central,\nD,,industry\n";
        assert_eq!(
            codes(&plan, csv),
            [
                ("unit_not_rated".into(), Some("B2".into())),
                ("unit_not_rated".into(), Some("B3".into())),
                ("unknown_group".into(), Some("C5".into())),
            ]
        );
        let read = read_roster(
            &plan,
            "r.csv",
            b"rater\nE\n",
            &RosterOptions {
                instrument: Some("expert".into()),
                ..RosterOptions::default()
            },
        )
        .unwrap();
        assert_eq!(read.roster.entries[0].units.len(), 5, "every central unit");
    }

    #[test]
    fn the_same_rater_on_two_instruments_is_no_duplicate() {
        let mut plan = crate::plan::demo_plan();
        let mut second = plan.instruments[1].clone();
        second.id = "expert2".into();
        plan.instruments.push(second);
        let csv = "rater,instrument\nA,expert\nA,expert2\nA,expert2\n";
        assert_eq!(
            codes(&plan, csv),
            [("duplicate_rater".into(), Some("A4".into()))]
        );
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(parse_date("2026-12-01").as_deref(), Some("2026-12-01"));
        assert_eq!(parse_date(" 2026/2/3 ").as_deref(), Some("2026-02-03"));
        assert_eq!(parse_date("2026.12.31").as_deref(), Some("2026-12-31"));
        for bad in [
            "2026-02-30",
            "26-12-01",
            "2026-13-01",
            "2026-1-",
            "明天",
            "",
            "2026-001-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
