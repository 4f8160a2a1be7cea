//! Earlier years' grades from a table (unit, year, grade, team grade), and next year's
//! history carried forward from this year's result.

use super::figures::Names;
use super::sheet::{self, Field};
use super::{TableRead, YearEndError};
use crate::plan::Plan;
use crate::score::EvaluationResult;
use crate::score::HistoryEntry;
use crate::score::ScoringRules;
use crate::text::Text;
use std::collections::BTreeMap;

const UNIT: usize = 0;
const YEAR: usize = 1;
const GRADE: usize = 2;
const TEAM: usize = 3;

/// The columns of a history table; the first name of each is the template's zh-CN header.
pub(super) const FIELDS: &[Field] = &[
    sheet::UNIT_FIELD,
    Field {
        key: "year",
        names: &["年度", "年份", "考评年度", "year"],
    },
    Field {
        key: "grade",
        names: &["等次", "考评等次", "综合等次", "grade"],
    },
    Field {
        key: "team_grade",
        names: &["班子等次", "领导班子等次", "team_grade"],
    },
];

/// Reads earlier years' grades from `bytes` (see the module doc of [`super`]). A grade is its
/// id (`merit`, `non_compliant`) or its label in either language (立功单位, 不达标单位); the
/// team grade likewise (好, 达标, 不达标). Years must be before the plan's. A row with
/// both grades empty is blank.
pub fn read_history(
    plan: &Plan,
    file: &str,
    bytes: &[u8],
) -> Result<TableRead<HistoryEntry>, YearEndError> {
    let sheet = sheet::open(file, bytes, FIELDS, &[UNIT, YEAR, GRADE])?;
    let names = Names::new(plan);
    let grades = Grades::new(plan);
    let mut out = TableRead {
        entries: Vec::new(),
        blank_rows: Vec::new(),
    };
    let mut problems = Vec::new();
    let mut seen: BTreeMap<(String, i32), u64> = BTreeMap::new();
    for row in &sheet.rows {
        if sheet.cell(row, GRADE).is_empty() && sheet.cell(row, TEAM).is_empty() {
            out.blank_rows.push(row.number);
            continue;
        }
        let unit = match names.unit(&sheet, row, UNIT) {
            Ok(u) => Some(u.id.clone()),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let mut at = |f: usize, zh: String, en: String| {
            problems.push(sheet.problem(row, Some(f), Text::new(&zh, &en)));
        };
        let year_cell = sheet.cell(row, YEAR);
        let year = year_cell
            .trim_end_matches('年')
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..plan.year).contains(y));
        if year.is_none() {
            at(
                YEAR,
                format!("“{year_cell}”不是 {} 年之前的年份", plan.year),
                format!("{year_cell:?} is not a year before {}", plan.year),
            );
        }
        let grade_cell = sheet.cell(row, GRADE);
        let grade = grades.unit.get(grade_cell).cloned();
        if grade.is_none() {
            at(
                GRADE,
                format!(
                    "“{grade_cell}”不是本方案的等次（可填：{}）",
                    grades.unit_list
                ),
                format!(
                    "{grade_cell:?} is not a grade of the plan (one of: {})",
                    grades.unit_list
                ),
            );
        }
        let team_cell = sheet.cell(row, TEAM);
        let team_grade = if team_cell.is_empty() {
            Some(None)
        } else {
            grades.team.get(team_cell).map(|g| Some(g.clone()))
        };
        if team_grade.is_none() {
            at(
                TEAM,
                format!("“{team_cell}”不是班子等次（可填：{}）", grades.team_list),
                format!(
                    "{team_cell:?} is not a team grade (one of: {})",
                    grades.team_list
                ),
            );
        }
        let (Some(unit), Some(year), Some(grade), Some(team_grade)) =
            (unit, year, grade, team_grade)
        else {
            continue;
        };
        if let Some(first) = seen.insert((unit.clone(), year), row.number) {
            at(
                YEAR,
                format!("单位“{unit}”的 {year} 年已在第 {first} 行填写"),
                format!("unit {unit:?}'s year {year} is already in row {first}"),
            );
            continue;
        }
        out.entries.push(HistoryEntry {
            unit,
            year,
            grade,
            team_grade,
        });
    }
    sheet::done(file, out, problems)
}

/// Grade ids by id and by label, for units and for teams, with a list to show.
struct Grades {
    unit: BTreeMap<String, String>,
    team: BTreeMap<String, String>,
    unit_list: String,
    team_list: String,
}

impl Grades {
    /// From the result labels of the plan's rules (`unit.<id>`, `team.<id>`), leaving out
    /// what is not a grade of its own (the merit flag, a team with too few appraisals).
    fn new(plan: &Plan) -> Grades {
        let rules = ScoringRules::of(plan).unwrap_or_default();
        let mut maps = [BTreeMap::new(), BTreeMap::new()];
        let mut lists: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        for (key, text) in crate::score::labels::labels(&rules) {
            let (i, id) = match key.split_once('.') {
                Some(("unit", id)) if id != "merit_flag" => (0, id),
                Some(("team", id)) if id != "insufficient" => (1, id),
                _ => continue,
            };
            for label in text.0.values() {
                maps[i]
                    .entry(label.trim().to_owned())
                    .or_insert(id.to_owned());
            }
            maps[i].insert(id.to_owned(), id.to_owned());
            lists[i].push(format!("{id} {}", text.get("zh-CN")));
        }
        let [unit, team] = maps;
        Grades {
            unit,
            team,
            unit_list: lists[0].join(", "),
            team_list: lists[1].join(", "),
        }
    }
}

/// Next year's history: `previous` (earlier years, as read for this year) and this year's
/// grade and team grade of every unit of `result`, sorted by unit and year. An entry of
/// `previous` for this result's year is replaced by the result's.
pub fn carry_forward(result: &EvaluationResult, previous: &[HistoryEntry]) -> Vec<HistoryEntry> {
    let mut by_key: BTreeMap<(String, i32), HistoryEntry> = previous
        .iter()
        .map(|h| ((h.unit.clone(), h.year), h.clone()))
        .collect();
    for u in &result.units {
        by_key.insert(
            (u.unit.clone(), result.year),
            HistoryEntry {
                unit: u.unit.clone(),
                year: result.year,
                grade: u.grade.clone(),
                team_grade: (!u.team.grade.is_empty()).then(|| u.team.grade.clone()),
            },
        );
    }
    by_key.into_values().collect()
}
