//! The notice register (通知单台账): every notice (通知单) and warning notice (预警通知单)
//! issued to a unit, with its document number (文号), issue date, reply deadline in working
//! days, and what became of it: issued, answered (with the unit's reply), rectified, overdue.
//!
//! The register is the office's own file, a CSV kept from month to month (edited in Excel or
//! WPS to record replies). Each tracking run reads it, issues notices for the units warned at
//! the period analysed that have none for that period yet (so running a month twice issues
//! nothing twice), and writes it back with every notice's status on the day given.

use super::{Date, Level, NoticeRules, TrackReport};
use crate::plan::Plan;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most rows a register may have: a city's 100 units warned every month for ten years
/// is 12,000; beyond this a file is not a register.
pub const MAX_REGISTER_ROWS: usize = 100_000;

/// Whether `d` is a Saturday or Sunday.
pub fn is_weekend(d: Date) -> bool {
    // 1970-01-01 (day 0) was a Thursday: Monday is 0 after the shift.
    (d.days() + 3).rem_euclid(7) >= 5
}

/// The plan's working-day calendar: weekdays except holidays, plus weekend workdays (调休).
#[derive(Debug, Clone)]
pub struct Calendar {
    holidays: BTreeSet<i64>,
    workdays: BTreeSet<i64>,
}

impl Calendar {
    /// The calendar of the notice rules (dates that do not parse are left out: validation
    /// names them).
    pub fn new(rules: &NoticeRules) -> Calendar {
        let days = |list: &[String]| {
            list.iter()
                .filter_map(|d| Date::parse(d))
                .map(Date::days)
                .collect()
        };
        Calendar {
            holidays: days(&rules.holidays),
            workdays: days(&rules.workdays),
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        let n = d.days();
        self.workdays.contains(&n) || (!self.holidays.contains(&n) && !is_weekend(d))
    }

    /// The `n`-th working day after `from` (`from` itself not counted).
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut day = from.days();
        let mut left = n;
        while left > 0 {
            day += 1;
            if self.is_working_day(date_of(day)) {
                left -= 1;
            }
        }
        date_of(day)
    }

    /// Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is
    /// earlier (then counted back), 0 on the same day.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let (a, b) = (from.days(), to.days());
        let count = |lo: i64, hi: i64| {
            (lo + 1..=hi)
                .filter(|&d| self.is_working_day(date_of(d)))
                .count() as i64
        };
        if b >= a {
            count(a, b)
        } else {
            -count(b, a)
        }
    }
}

fn date_of(days: i64) -> Date {
    let (y, m, d) = crate::date::civil_from_days(days);
    Date {
        year: y as i32,
        month: m,
        day: d,
    }
}

/// One notice of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisterEntry {
    /// The document number (文号), unique in the register.
    pub number: String,
    pub level: Level,
    /// The unit's id.
    pub unit: String,
    /// The tracking period the notice was issued for (`2026-09`).
    pub period: String,
    /// `YYYY-MM-DD`.
    pub issued: String,
    /// The last day of the reply period, `YYYY-MM-DD`.
    pub deadline: String,
    /// The warnings the notice lists.
    pub warnings: usize,
    /// The day the unit's written reply came, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<String>,
    /// The unit's reply: its text, or the name of the file it came as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// The day the office found the matter rectified, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectified: Option<String>,
}

/// What became of a notice, on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    /// Issued, not answered, the deadline not passed.
    Issued,
    /// The unit answered (in time or late: see `late`).
    Answered,
    /// The office found it rectified.
    Rectified,
    /// Not answered and the deadline has passed.
    Overdue,
}

impl NoticeStatus {
    pub fn name(self) -> Text {
        match self {
            NoticeStatus::Issued => Text::new("已下发", "issued"),
            NoticeStatus::Answered => Text::new("已答复", "answered"),
            NoticeStatus::Rectified => Text::new("已整改", "rectified"),
            NoticeStatus::Overdue => Text::new("逾期未答复", "overdue"),
        }
    }
}

/// A notice with its status on the register's day.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RegisterRow {
    #[serde(flatten)]
    pub entry: RegisterEntry,
    pub status: NoticeStatus,
    /// Answered after the deadline.
    pub late: bool,
    /// Working days left to the deadline (negative: past it), while not answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days_left: Option<i64>,
}

/// The register on a day: every notice in issue order with its status, and which were issued
/// by this run.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Register {
    /// The day the statuses are for, `YYYY-MM-DD`.
    pub today: String,
    pub rows: Vec<RegisterRow>,
    /// Document numbers issued by this run.
    pub issued_now: Vec<String>,
    /// Notices overdue on `today`.
    pub overdue: usize,
}

/// A register that cannot be used, or a run that cannot issue.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RegisterProblem {
    /// Row of the register file (the header is row 1); 0 for the file as a whole.
    pub row: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: Text,
}

/// The register's document number for the `seq`-th notice of `year` under `pattern`.
pub fn document_number(pattern: &str, year: i32, seq: usize) -> String {
    let mut out = pattern.replace("{year}", &year.to_string());
    while let Some(start) = out.find("{seq:") {
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let width: usize = out[start + 5..start + len].parse().unwrap_or(0).min(9);
        out.replace_range(start..=start + len, &format!("{seq:0width$}"));
    }
    out.replace("{seq}", &seq.to_string())
}

/// Issues a notice to every unit warned at the report's period that has none for that period
/// in `entries`, dated `issued`, numbered on from the notices of that year and level already
/// in the register (a number already taken is skipped). Returns the register with the new
/// notices appended, in plan order, and their numbers.
pub fn issue_notices(
    plan: &Plan,
    rules: &NoticeRules,
    mut entries: Vec<RegisterEntry>,
    report: &TrackReport,
    issued: Date,
) -> (Vec<RegisterEntry>, Vec<String>) {
    let calendar = Calendar::new(rules);
    let period = report.through.to_string();
    let mut numbers: BTreeSet<String> = entries.iter().map(|e| e.number.clone()).collect();
    let mut new = Vec::new();
    for unit in &plan.units {
        let ws: Vec<_> = report
            .warnings
            .iter()
            .filter(|w| w.unit == unit.id)
            .collect();
        if ws.is_empty()
            || entries
                .iter()
                .any(|e| e.unit == unit.id && e.period == period)
        {
            continue;
        }
        let level = ws.iter().map(|w| w.level).max().unwrap_or(Level::Notice);
        let pattern = match level {
            Level::Notice => &rules.notice_number,
            Level::Warning => &rules.warning_number,
        };
        let year = format!("{}-", issued.year);
        let mut seq = entries
            .iter()
            .filter(|e| e.level == level && e.issued.starts_with(&year))
            .count();
        let number = loop {
            seq += 1;
            let n = document_number(pattern, issued.year, seq);
            if !numbers.contains(&n) {
                break n;
            }
        };
        numbers.insert(number.clone());
        new.push(number.clone());
        entries.push(RegisterEntry {
            number,
            level,
            unit: unit.id.clone(),
            period: period.clone(),
            issued: issued.to_string(),
            deadline: calendar
                .add_working_days(issued, rules.reply_working_days)
                .to_string(),
            warnings: ws.len(),
            answered: None,
            reply: None,
            rectified: None,
        });
    }
    (entries, new)
}

/// The register's statuses on `today`.
pub fn register_on(
    rules: &NoticeRules,
    entries: Vec<RegisterEntry>,
    issued_now: Vec<String>,
    today: Date,
) -> Register {
    let calendar = Calendar::new(rules);
    let day = |s: &str| Date::parse(s);
    let rows: Vec<RegisterRow> = entries
        .into_iter()
        .map(|entry| {
            let deadline = day(&entry.deadline);
            let answered = entry.answered.as_deref().and_then(day);
            let late = matches!((answered, deadline), (Some(a), Some(d)) if a > d);
            let status = if entry.rectified.is_some() {
                NoticeStatus::Rectified
            } else if answered.is_some() {
                NoticeStatus::Answered
            } else if deadline.is_some_and(|d| today > d) {
                NoticeStatus::Overdue
            } else {
                NoticeStatus::Issued
            };
            let working_days_left = (answered.is_none() && entry.rectified.is_none())
                .then(|| deadline.map(|d| calendar.working_days_between(today, d)))
                .flatten();
            RegisterRow {
                entry,
                status,
                late,
                working_days_left,
            }
        })
        .collect();
    let overdue = rows
        .iter()
        .filter(|r| r.status == NoticeStatus::Overdue)
        .count();
    Register {
        today: today.to_string(),
        rows,
        issued_now,
        overdue,
    }
}

/// One month's step of the register: the register kept so far (`register`, its text; none
/// the first time) read, notices issued dated `issue` (`YYYY-MM-DD`) to the units warned at
/// the report's period, and every status on `today` (default the issue day, else the last day
/// of the period). The page and `kaoping track` both call this. Any problem (a register that
/// does not read, a day that is not a date) refuses the step: nothing is issued.
pub fn update_register(
    plan: &Plan,
    report: &TrackReport,
    register: Option<&str>,
    issue: Option<&str>,
    today: Option<&str>,
) -> Result<Register, Vec<RegisterProblem>> {
    let day = |text: Option<&str>, zh: &str, en: &str| match text {
        None => Ok(None),
        Some(t) => Date::parse(t).map(Some).ok_or_else(|| RegisterProblem {
            row: 0,
            column: None,
            message: Text::new(
                &format!("{zh}“{t}”不是日期（应为 YYYY-MM-DD）"),
                &format!("the {en} \"{t}\" is not a date (YYYY-MM-DD)"),
            ),
        }),
    };
    let (issue, today) = match (
        day(issue, "下发日期", "issue date"),
        day(today, "台账日期", "register's date"),
    ) {
        (Ok(i), Ok(t)) => (i, t),
        (i, t) => return Err([i.err(), t.err()].into_iter().flatten().collect()),
    };
    let entries = match register {
        Some(text) => super::read_register(plan, text.as_bytes())?,
        None => Vec::new(),
    };
    let rules =
        super::TrackingRules::of(plan).map_or_else(|_| NoticeRules::default(), |r| r.notices);
    let (entries, issued) = match issue {
        Some(d) => issue_notices(plan, &rules, entries, report, d),
        None => (entries, Vec::new()),
    };
    let today = today.or(issue).unwrap_or_else(|| report.through.last_day());
    Ok(register_on(&rules, entries, issued, today))
}

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
