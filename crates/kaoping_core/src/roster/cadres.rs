//! The cadre roster file (干部名单): the people a unit's leadership appraisal grades, as the
//! office keeps them in Excel, WPS or a CSV file (read like the rater roster: a workbook's
//! first sheet, or CSV in UTF-8 with or without BOM, UTF-16 or GB18030), checked against the
//! plan's cadre question ([`crate::score::cadres`]).
//!
//! **Columns**, found by name in zh-CN or English: 单位/unit (required: a unit's id or name),
//! 岗位/role (required: a row of the cadre question, by id or label), 姓名/name (required),
//! 职务/post, 人员编号/person. Other columns are read past.
//!
//! **Nothing is dropped.** A row with a problem gives no person, and every problem is listed
//! with its row, column and cell, in both languages: `unknown_unit`, `unknown_role`,
//! `duplicate_role` (a second person on one unit and role), `empty_name`, `csv_syntax`.

use super::read::{read_table, seen_before, settle, Table, TableRow};
use super::{RosterError, RosterProblem};
use crate::plan::{Plan, QuestionKind};
use crate::score::cadres::{CadrePerson, CadreRoster};
use crate::score::ScoringRules;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The columns, in this order, with the header names each is known by (compared after
/// trimming, case-insensitively for ASCII).
const FIELDS: [(&str, &[&str]); 5] = [
    ("unit", &["单位编号", "单位", "被评单位", "unit", "unit_id"]),
    ("role", &["岗位", "岗位编号", "角色", "role", "row"]),
    ("name", &["姓名", "名字", "name"]),
    ("post", &["职务", "post", "title"]),
    ("person", &["人员编号", "干部编号", "person", "person_id"]),
];
const UNIT: usize = 0;
const ROLE: usize = 1;
const NAME: usize = 2;
const POST: usize = 3;
const PERSON: usize = 4;

/// A cadre roster read: the good rows' people and every problem of the others. Scoring uses
/// the roster only when there is no problem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CadreRosterRead {
    pub roster: CadreRoster,
    pub problems: Vec<RosterProblem>,
}

/// Reads a cadre roster and checks each row against `plan` (its units and the rows of the
/// scoring rules' cadre question). `file` names the file in messages.
pub fn read_cadre_roster(
    plan: &Plan,
    file: &str,
    bytes: &[u8],
) -> Result<CadreRosterRead, RosterError> {
    let table = read_table(file, bytes)?;
    let columns = table.columns(&FIELDS);
    let missing: Vec<&str> = [
        (UNIT, "单位 (unit)"),
        (ROLE, "岗位 (role)"),
        (NAME, "姓名 (name)"),
    ]
    .iter()
    .filter(|(f, _)| columns[*f].is_none())
    .map(|(_, n)| *n)
    .collect();
    if !missing.is_empty() {
        return Err(RosterError::MissingColumns {
            file: file.to_owned(),
            missing: missing.join(", "),
        });
    }
    let names = Names::new(plan);
    let mut out = CadreRosterRead {
        problems: table.problems.clone(),
        ..CadreRosterRead::default()
    };
    let mut first: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &table.rows {
        let at = At {
            table: &table,
            columns: &columns,
            row,
        };
        let mut problems = Vec::new();
        let person = at.person(&names, &mut problems);
        if let Some(p) = &person {
            let key = (p.unit.clone(), p.role.clone());
            if let Some(before) = seen_before(&mut first, key, row.number) {
                problems.push(at.problem(
                    ROLE,
                    "duplicate_role",
                    &format!(
                        "单位“{}”的岗位“{}”已在第 {before} 行列出一人",
                        p.unit, p.role
                    ),
                    &format!(
                        "unit {:?} already has a person for role {:?} in row {before}",
                        p.unit, p.role
                    ),
                ));
            }
        }
        settle(person, problems, &mut out.roster.people, &mut out.problems);
    }
    out.problems.sort_by_key(|p| p.row);
    Ok(out)
}

/// The plan's units and cadre roles by id and by name in every language (ids win).
struct Names<'p> {
    units: BTreeMap<&'p str, &'p str>,
    roles: BTreeMap<&'p str, &'p str>,
    question: String,
}

impl<'p> Names<'p> {
    fn new(plan: &'p Plan) -> Self {
        let mut units = BTreeMap::new();
        for u in &plan.units {
            for n in u.name.0.values() {
                units.insert(n.trim(), u.id.as_str());
            }
        }
        for u in &plan.units {
            units.insert(u.id.as_str(), u.id.as_str());
        }
        let lr = ScoringRules::of(plan).unwrap_or_default().leadership;
        let rows = plan
            .instrument(&lr.instrument)
            .and_then(|i| i.questions().find(|q| q.id == lr.cadre_question))
            .and_then(|q| match &q.kind {
                QuestionKind::Matrix { rows, .. } => Some(rows),
                _ => None,
            });
        let mut roles = BTreeMap::new();
        for r in rows.into_iter().flatten() {
            for n in r.label.0.values() {
                roles.insert(n.trim(), r.value.as_str());
            }
        }
        for r in rows.into_iter().flatten() {
            roles.insert(r.value.as_str(), r.value.as_str());
        }
        Names {
            units,
            roles,
            question: lr.cadre_question,
        }
    }
}

/// One row being checked.
struct At<'a> {
    table: &'a Table,
    columns: &'a [Option<usize>],
    row: &'a TableRow,
}

impl At<'_> {
    fn cell(&self, f: usize) -> &str {
        self.columns[f]
            .and_then(|c| self.row.cells.get(c))
            .map_or("", String::as_str)
    }

    fn problem(&self, f: usize, code: &str, zh: &str, en: &str) -> RosterProblem {
        let col = self.columns[f];
        RosterProblem {
            row: self.row.number,
            column: col.and_then(|c| self.table.header.get(c).cloned()),
            cell: col.map(|c| self.table.cell_ref(c, self.row.number)),
            code: code.to_owned(),
            message: Text::new(zh, en),
        }
    }

    /// The row's person, or `None` with its problems added.
    fn person(&self, names: &Names, problems: &mut Vec<RosterProblem>) -> Option<CadrePerson> {
        let (unit, role, name) = (self.cell(UNIT), self.cell(ROLE), self.cell(NAME));
        let unit_id = names.units.get(unit).copied();
        if unit_id.is_none() {
            problems.push(self.problem(
                UNIT,
                "unknown_unit",
                &format!("方案中没有单位“{unit}”（填单位编号或名称）"),
                &format!("the plan has no unit {unit:?} (give its id or name)"),
            ));
        }
        let role_id = names.roles.get(role).copied();
        if role_id.is_none() {
            let q = &names.question;
            problems.push(self.problem(
                ROLE,
                "unknown_role",
                &format!("“{role}”不是干部考评题“{q}”的一行（填行编号或名称）"),
                &format!(
                    "{role:?} is not a row of the cadre question {q:?} (give its id or label)"
                ),
            ));
        }
        if name.is_empty() {
            problems.push(self.problem(NAME, "empty_name", "姓名为空", "the name is empty"));
        }
        let person = self.cell(PERSON);
        Some(CadrePerson {
            unit: unit_id?.to_owned(),
            role: role_id?.to_owned(),
            name: name.to_owned(),
            post: self.cell(POST).to_owned(),
            person: (!person.is_empty()).then(|| person.to_owned()),
        })
        .filter(|_| !name.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Plan {
        crate::plan::demo_plan()
    }

    #[test]
    fn units_and_roles_by_id_or_name() {
        let csv =
            "单位,岗位,姓名,职务\n江岸区,secretary,张某某,区委书记\njiangan,head,李某某,区长\n";
        let r = read_cadre_roster(&demo(), "c.csv", csv.as_bytes()).unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.roster.people.len(), 2);
        assert_eq!(r.roster.people[0].unit, "jiangan");
        assert_eq!(r.roster.people[1].post, "区长");
    }

    #[test]
    fn every_problem_is_named_with_its_cell() {
        let csv = "unit,role,name\nnowhere,head,A\njiangan,mayor,B\njiangan,head,\n\
                   jiangan,head,C\njiangan,head,D\n";
        let r = read_cadre_roster(&demo(), "c.csv", csv.as_bytes()).unwrap();
        let got: Vec<(u64, &str, Option<&str>)> = r
            .problems
            .iter()
            .map(|p| (p.row, p.code.as_str(), p.cell.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "unknown_unit", Some("A2")),
                (3, "unknown_role", Some("B3")),
                (4, "empty_name", Some("C4")),
                (6, "duplicate_role", Some("B6")),
            ]
        );
        assert_eq!(r.roster.people.len(), 1);
    }

    #[test]
    fn a_missing_column_is_an_error() {
        let e = read_cadre_roster(&demo(), "c.csv", "单位,姓名\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("role"), "{e}");
    }
}
