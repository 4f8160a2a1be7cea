//! Periods of the tracking year (`2026-03`, `2026-Q1`, `2026-H1`) and calendar dates
//! (`2026-06-30`).

use serde::{Deserialize, Serialize};

/// How the year is divided for tracking.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Twelve months, written `2026-03`.
    #[default]
    Month,
    /// Four quarters, written `2026-Q1`.
    Quarter,
    /// Two half-years (上半年, 下半年), written `2026-H1`, `2026-H2`.
    HalfYear,
}

impl PeriodKind {
    /// Periods in a year.
    pub fn count(self) -> u32 {
        match self {
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::HalfYear => 2,
        }
    }

    /// Months in one period.
    pub fn months(self) -> u32 {
        12 / self.count()
    }
}

/// One period of a year: month 1–12, quarter 1–4 or half-year 1–2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub kind: PeriodKind,
    /// 1-based index within the year.
    pub index: u32,
}

impl Period {
    pub fn new(year: i32, kind: PeriodKind, index: u32) -> Period {
        Period { year, kind, index }
    }

    /// Reads `2026-03` / `2026-3` (month), `2026-Q1` / `2026Q1` (quarter), or `2026-H1` /
    /// `2026H2` / `2026上半年` / `2026年下半年` (half-year); the form must match `kind`.
    pub fn parse(text: &str, kind: PeriodKind) -> Option<Period> {
        let t = text.trim();
        match kind {
            PeriodKind::Month => {
                let (y, m) = t.split_once('-')?;
                let year = year_of(y)?;
                if m.is_empty() || m.len() > 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let index: u32 = m.parse().ok()?;
                (1..=12)
                    .contains(&index)
                    .then_some(Period::new(year, kind, index))
            }
            PeriodKind::Quarter => {
                let upper = t.to_ascii_uppercase();
                let (y, q) = upper.split_once('Q')?;
                let year = year_of(y.strip_suffix('-').unwrap_or(y))?;
                if q.len() != 1 {
                    return None;
                }
                let index: u32 = q.parse().ok()?;
                (1..=4)
                    .contains(&index)
                    .then_some(Period::new(year, kind, index))
            }
            PeriodKind::HalfYear => {
                let upper = t.to_ascii_uppercase();
                let (y, index) = if let Some((y, h)) = upper.split_once('H') {
                    let index = match h {
                        "1" => 1,
                        "2" => 2,
                        _ => return None,
                    };
                    (y.strip_suffix('-').unwrap_or(y), index)
                } else if let Some(y) = t.strip_suffix("上半年") {
                    (y, 1)
                } else if let Some(y) = t.strip_suffix("下半年") {
                    (y, 2)
                } else {
                    return None;
                };
                let y = y.strip_suffix('年').unwrap_or(y);
                Some(Period::new(year_of(y)?, kind, index))
            }
        }
    }

    /// The period a date falls in.
    pub fn of_date(d: Date, kind: PeriodKind) -> Period {
        Period::new(d.year, kind, (d.month - 1) / kind.months() + 1)
    }

    /// The last day of the period.
    pub fn last_day(self) -> Date {
        let month = self.index * self.kind.months();
        Date {
            year: self.year,
            month,
            day: days_in_month(self.year, month),
        }
    }

    /// The period `n` later (may leave the year).
    pub fn plus(self, n: i64) -> Period {
        let count = i64::from(self.kind.count());
        let k = i64::from(self.year) * count + i64::from(self.index) - 1 + n;
        Period::new(
            k.div_euclid(count) as i32,
            self.kind,
            (k.rem_euclid(count) + 1) as u32,
        )
    }

    /// Periods from `self` to `other` (negative when `other` is earlier).
    pub fn until(self, other: Period) -> i64 {
        let count = i64::from(self.kind.count());
        (i64::from(other.year) * count + i64::from(other.index))
            - (i64::from(self.year) * count + i64::from(self.index))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{}-{:02}", self.year, self.index),
            PeriodKind::Quarter => write!(f, "{}-Q{}", self.year, self.index),
            PeriodKind::HalfYear => write!(f, "{}-H{}", self.year, self.index),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Written as a string (`2026-03`, `2026-Q1`).
impl schemars::JsonSchema for Period {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A period: a month `2026-03`, a quarter `2026-Q1` or a half-year `2026-H1`."
        })
    }
}

fn year_of(y: &str) -> Option<i32> {
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    y.parse().ok()
}

/// A calendar date (proleptic Gregorian), written `2026-06-30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM-DD` (also `YYYY/MM/DD`), checking the day exists.
    pub fn parse(text: &str) -> Option<Date> {
        let t = text.trim().replace('/', "-");
        let mut parts = t.split('-');
        let year = year_of(parts.next()?)?;
        let month: u32 = small(parts.next()?)?;
        let day: u32 = small(parts.next()?)?;
        if parts.next().is_some() || !(1..=12).contains(&month) {
            return None;
        }
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        crate::date::days_from_civil(i64::from(self.year), self.month, self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Written as a string (`2026-06-30`).
impl schemars::JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A calendar date, `2026-06-30`."
        })
    }
}

fn small(t: &str) -> Option<u32> {
    if t.is_empty() || t.len() > 2 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn days_in_month(year: i32, month: u32) -> u32 {
    crate::date::days_in_month(i64::from(year), month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_dates_read_and_count() {
        let m = PeriodKind::Month;
        assert_eq!(Period::parse("2026-3", m).unwrap().to_string(), "2026-03");
        assert_eq!(Period::parse("2026-13", m), None);
        assert_eq!(Period::parse("2026-Q1", m), None);
        let q = PeriodKind::Quarter;
        assert_eq!(Period::parse("2026q4", q).unwrap().to_string(), "2026-Q4");
        assert_eq!(Period::parse("2026-Q5", q), None);
        let p = Period::parse("2026-11", m).unwrap();
        assert_eq!(p.plus(2).to_string(), "2027-01");
        assert_eq!(p.plus(-11).to_string(), "2025-12");
        assert_eq!(p.until(p.plus(5)), 5);
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(
            Date::parse("2026-07-01").unwrap().days() - Date::parse("2026-06-30").unwrap().days(),
            1
        );
        let d = Date::parse("2026-08-15").unwrap();
        assert_eq!(Period::of_date(d, q).to_string(), "2026-Q3");
        assert_eq!(
            Period::parse("2026-Q1", q).unwrap().last_day().to_string(),
            "2026-03-31"
        );
    }

    #[test]
    fn half_years_read_count_and_end() {
        let h = PeriodKind::HalfYear;
        for (text, shown) in [
            ("2026-H1", "2026-H1"),
            ("2026h2", "2026-H2"),
            ("2026上半年", "2026-H1"),
            ("2026年下半年", "2026-H2"),
            (" 2026-H2 ", "2026-H2"),
        ] {
            assert_eq!(Period::parse(text, h).unwrap().to_string(), shown, "{text}");
        }
        for bad in [
            "2026-H3",
            "2026-H0",
            "2026-H",
            "2026-Q1",
            "2026-06",
            "26-H1",
            "2026-H12",
            "2026中半年",
        ] {
            assert_eq!(Period::parse(bad, h), None, "{bad}");
        }
        assert_eq!(Period::parse("2026-H1", PeriodKind::Quarter), None);
        let h1 = Period::parse("2026-H1", h).unwrap();
        assert_eq!(h1.last_day().to_string(), "2026-06-30");
        assert_eq!(h1.plus(1).last_day().to_string(), "2026-12-31");
        assert_eq!(h1.plus(2).to_string(), "2027-H1");
        assert_eq!(h1.plus(-1).to_string(), "2025-H2");
        assert_eq!(h1.until(h1.plus(3)), 3);
        let d = |t| Date::parse(t).unwrap();
        assert_eq!(Period::of_date(d("2026-06-30"), h).to_string(), "2026-H1");
        assert_eq!(Period::of_date(d("2026-07-01"), h).to_string(), "2026-H2");
    }
}
